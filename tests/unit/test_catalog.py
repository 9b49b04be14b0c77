"""The job catalog: deterministic ids and keys, and every entry naming a real job function."""

from __future__ import annotations

import importlib
import inspect

import pytest
from rq.job import JOB_ID_PATTERN

from shared.catalog import OPERATIONS, QUEUES


def test_cache_keys_follow_the_tidal_kind_id_scheme():
    assert OPERATIONS["track.get"].cache_key({"track_id": 77646170}) == "tidal:track:77646170"
    assert OPERATIONS["playlist.get"].cache_key({"playlist_id": "abc"}) == "tidal:playlist:abc"
    key = OPERATIONS["search"].cache_key({"query": "a", "types": ["tracks"], "limit": 10, "offset": 0})
    assert key.startswith("tidal:search:") and len(key) == len("tidal:search:") + 32


def test_job_ids_are_deterministic_valid_and_distinct():
    op = OPERATIONS["search"]
    args = {"query": "a", "types": ["tracks"], "limit": 10, "offset": 0}
    assert op.job_id(args) == op.job_id(dict(reversed(list(args.items()))))
    assert op.job_id(args) != op.job_id({**args, "offset": 10})
    assert op.job_id(args) != OPERATIONS["track.get"].job_id(args)
    for name, entry in OPERATIONS.items():
        assert JOB_ID_PATTERN.fullmatch(entry.job_id({"x": 1})), name


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_entry_names_a_tidal_job_on_a_known_queue(name):
    op = OPERATIONS[name]
    module, _, attr = op.func.rpartition(".")
    fn = getattr(importlib.import_module(module), attr)
    assert inspect.unwrap(fn) is not fn, f"{op.func} is not wrapped by @tidal_job"
    assert op.queue in QUEUES and op.timeout > 0 and op.ttl >= 0
