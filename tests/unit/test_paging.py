"""Reading every page of a paged list."""

from __future__ import annotations

import pytest

from workers.paging import fetch_all


def pager(items: list[int], cap: int | None = None, fail_at: int | None = None):
    calls = []

    def fetch(limit: int, offset: int) -> list[int]:
        calls.append((limit, offset))
        if fail_at is not None and offset >= fail_at:
            raise RuntimeError("429")
        return items[offset : offset + min(limit, cap or limit)]

    return fetch, calls


def test_walks_every_page_in_order():
    fetch, calls = pager(list(range(230)))
    assert fetch_all(fetch, total=230) == list(range(230))
    assert calls == [(100, 0), (100, 100), (100, 200)]


def test_without_a_total_a_short_page_ends_the_walk():
    fetch, calls = pager(list(range(150)))
    assert fetch_all(fetch, total=None) == list(range(150))
    assert len(calls) == 2


def test_a_failing_page_fails_the_walk_instead_of_truncating():
    fetch, _ = pager(list(range(230)), fail_at=100)
    with pytest.raises(RuntimeError):
        fetch_all(fetch, total=230)
