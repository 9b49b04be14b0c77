"""Discovery jobs: TIDAL's pages (home, explore, for-you, hi-res, videos, the user's mixes), genres, moods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared import models
from shared.errors import NotFound
from workers import normalize, page_rows
from workers.runtime import cache_tracks, tidal_job

#: Page name -> how tidalapi fetches it (home is the v2 feed ``home/feed/static``).
PAGES: dict[str, Callable[[tidalapi.Session], Any]] = {
    "home": lambda s: s.home(),
    "explore": lambda s: s.explore(),
    "for_you": lambda s: s.for_you(),
    "hires": lambda s: s.hires_page(),
    "videos": lambda s: s.videos(),
    "my_mixes": lambda s: s.mixes(),
    "genres": lambda s: s.genres(),
    "local_genres": lambda s: s.local_genres(),
    "moods": lambda s: s.moods(),
}
ITEMS_PAGE = 50
ITEMS_MAX = 500  # a genre's catalog is far longer; its most popular few hundred are what people browse


@tidal_job("page.get")
def get_page(session: tidalapi.Session, page: str) -> models.PageRows:
    """One discovery page as plain rows (1 request)."""
    fetched = PAGES[page](session)
    items, more = page_rows.rows(fetched)
    return models.PageRows(page=page, title=getattr(fetched, "title", None) or page, items=items, more=more)


@tidal_job("page.open")
def open_page(session: tidalapi.Session, path: str) -> models.PageRows:
    """Any TIDAL page by its API path: a row of kind page, a module's "show more" (1 request)."""
    try:
        fetched = session.page.get(path)
    except ObjectNotFound:
        raise NotFound(f"TIDAL has no page '{path}' (paths come from rows of kind page or from `more`).") from None
    items, more = page_rows.rows(fetched)
    return models.PageRows(page=path, title=getattr(fetched, "title", None) or path, items=items, more=more)


def _genres(session: tidalapi.Session, path: str) -> list[models.Genre]:
    body = session.request.request("GET", path).json()
    return [
        models.Genre(
            name=g.name,
            path=g.path,
            has=[kind for kind in ("tracks", "albums", "artists", "playlists", "videos") if getattr(g, kind)],
        )
        for g in session.genre.parse_genres(body)
    ]


@tidal_job("genre.list")
def list_genres(session: tidalapi.Session, of: str) -> models.GenreList:
    """Every genre (``of="genres"``) or mood (``of="moods"``) TIDAL offers (1 request)."""
    return models.GenreList(items=_genres(session, of))


_PARSERS = {
    "tracks": "parse_track",
    "albums": "parse_album",
    "artists": "parse_artist",
    "playlists": "parse_playlist",
    "videos": "parse_video",
}


@tidal_job("genre.items")
def get_genre_items(session: tidalapi.Session, of: str, path: str, kind: str) -> models.PageRows:
    """A genre's (or mood's) tracks, albums, artists, playlists or videos, most popular first (up to 500)."""
    parse = getattr(session, _PARSERS[kind])
    found: list[Any] = []
    offset, total = 0, None
    try:
        while (total is None or offset < total) and offset < ITEMS_MAX:
            body = session.request.request(
                "GET", f"{of}/{path}/{kind}", params={"limit": ITEMS_PAGE, "offset": offset}
            ).json()
            found += [parse(item) for item in body.get("items") or []]
            total = int(body.get("totalNumberOfItems") or 0)
            offset += ITEMS_PAGE
    except ObjectNotFound:
        tool = "tidal_list_genres" if of == "genres" else "tidal_list_moods"
        raise NotFound(
            f"TIDAL has no {of[:-1]} '{path}' with {kind} ({tool} lists the paths and what each has)."
        ) from None
    if kind == "tracks":
        cache_tracks([normalize.track(t) for t in found])
    module = f"{path} {kind}"
    rows = [r for r in (page_rows.row(module, item) for item in found[:ITEMS_MAX]) if r is not None]
    return models.PageRows(page=f"{of}/{path}", title=path, items=rows)
