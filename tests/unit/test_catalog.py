"""The job catalog: deterministic cache and coalescing keys, unique job ids, real job functions."""

from __future__ import annotations

import importlib
import inspect

import pytest
from rq.job import JOB_ID_PATTERN

from shared.catalog import JOB_FUNCTIONS, OPERATIONS
from shared.queueing import QUEUES


def test_cache_keys_follow_the_tidal_kind_id_scheme():
    assert OPERATIONS["track.get"].cache_key({"track_id": 77646170}) == "tidal:track:77646170"
    assert OPERATIONS["playlist.get"].cache_key({"playlist_id": "abc"}) == "tidal:playlist:abc"
    key = OPERATIONS["search"].cache_key({"query": "a", "types": ["tracks"], "limit": 10, "offset": 0})
    assert key.startswith("tidal:search:") and len(key) == len("tidal:search:") + 32


def test_identical_calls_share_a_coalescing_key_and_every_job_gets_its_own_valid_id():
    op = OPERATIONS["search"]
    args = {"query": "a", "types": ["tracks"], "limit": 10, "offset": 0}
    assert op.coalesce_key(args) == op.coalesce_key(dict(reversed(list(args.items()))))
    assert op.coalesce_key(args) != op.coalesce_key({**args, "offset": 10})
    assert op.coalesce_key(args) != OPERATIONS["track.get"].coalesce_key(args)
    assert op.new_job_id(args) != op.new_job_id(args)
    assert op.new_job_id(args)[:-9] == op.new_job_id(args)[:-9], "ids share a readable prefix"
    for name, entry in OPERATIONS.items():
        assert JOB_ID_PATTERN.fullmatch(entry.new_job_id({"x": 1})), name


def test_workers_accept_exactly_the_catalogs_functions():
    assert {op.func for op in OPERATIONS.values()} == JOB_FUNCTIONS
    assert "os.mkdir" not in JOB_FUNCTIONS


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_entry_names_a_tidal_job_on_a_known_queue(name):
    op = OPERATIONS[name]
    module, _, attr = op.func.rpartition(".")
    fn = getattr(importlib.import_module(module), attr)
    assert inspect.unwrap(fn) is not fn, f"{op.func} is not wrapped by @tidal_job"
    assert op.queue in QUEUES and op.timeout > 0 and op.ttl >= 0
