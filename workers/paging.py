"""Reading every page of a paged TIDAL list, sequentially and without losing pages.

tidalapi's own ``*_paginated()`` helpers fetch pages on two threads and silently drop a page
that fails (a 429 mid-walk returns a short list). This walks pages one by one; a failing page
raises, so a job either returns the whole list or fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PAGE_SIZE = 100  # TIDAL serves at most 100 playlist items per page


def fetch_all(fetch_page: Callable[[int, int], list[T]], total: int | None, page_size: int = PAGE_SIZE) -> list[T]:
    """Call ``fetch_page(limit, offset)`` for offsets 0, page_size, ... until ``total`` is covered.

    The offset advances by the page size asked for, not by what came back: TIDAL drops unavailable
    items from a page, and advancing by the short count would fetch items twice. With no total,
    a short page ends the walk.

    >>> pages = {0: [1, 2], 2: [3]}
    >>> fetch_all(lambda limit, offset: pages.get(offset, []), total=3, page_size=2)
    [1, 2, 3]
    """
    items: list[T] = []
    offset = 0
    while total is None or offset < total:
        page = fetch_page(page_size, offset)
        items.extend(page)
        offset += page_size
        if total is None and len(page) < page_size:
            break
    return items
