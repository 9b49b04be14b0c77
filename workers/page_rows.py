"""tidalapi page objects (v1 ``pages/*`` and the v2 home feed) -> plain :class:`models.PageRow` rows.

A page is a list of modules (categories), each a titled list of items of mixed kinds; a model
needs each item as "which row, what kind, which id, what name, by whom", nothing more.
"""

from __future__ import annotations

from typing import Any

from tidalapi.album import Album
from tidalapi.artist import Artist
from tidalapi.media import Track, Video
from tidalapi.mix import Mix, MixV2
from tidalapi.page import Page, PageItem, PageLink
from tidalapi.playlist import Playlist

from shared import models

_PAGE_LINK_KINDS = (("pages/genre_", "genre"), ("pages/mood_", "mood"))


def _names(item: Any) -> list[str]:
    return [a.name for a in getattr(item, "artists", None) or [] if getattr(a, "name", None)]


def row(module: str, item: Any) -> models.PageRow | None:
    """One item of a module as a row (None for what a model cannot open: text blocks, unknown kinds)."""
    if isinstance(item, Track):
        return models.PageRow(module=module, kind="track", id=str(item.id), name=item.name, artists=_names(item))
    if isinstance(item, Video):
        return models.PageRow(module=module, kind="video", id=str(item.id), name=item.name, artists=_names(item))
    if isinstance(item, Album):
        return models.PageRow(module=module, kind="album", id=str(item.id), name=item.name, artists=_names(item))
    if isinstance(item, Artist):
        return models.PageRow(module=module, kind="artist", id=str(item.id), name=item.name)
    if isinstance(item, Playlist):
        creator = getattr(item.creator, "name", None) if item.creator is not None else None
        return models.PageRow(
            module=module,
            kind="playlist",
            id=str(item.id),
            name=item.name,
            subtitle=creator if creator and creator != "user" else None,
        )
    if isinstance(item, (Mix, MixV2)):
        return models.PageRow(
            module=module,
            kind="mix",
            id=str(item.id),
            name=item.title,
            subtitle=getattr(item, "sub_title", None) or None,
        )
    if isinstance(item, PageLink):
        for prefix, kind in _PAGE_LINK_KINDS:
            if item.api_path.startswith(prefix):
                return models.PageRow(module=module, kind=kind, id=item.api_path[len(prefix) :], name=item.title)
        return models.PageRow(module=module, kind="page", id=item.api_path, name=item.title)
    if isinstance(item, PageItem) and item.type in ("ALBUM", "PLAYLIST", "TRACK", "ARTIST", "VIDEO", "MIX"):
        return models.PageRow(
            module=module,
            kind=item.type.lower(),
            id=str(item.artifact_id),
            name=item.short_header or item.header,
            subtitle=item.short_sub_header or None,
        )
    return None


def rows(page: Page) -> tuple[list[models.PageRow], dict[str, str]]:
    """Every openable item of every module of ``page``, in the page's order, and the API path of the
    whole list behind each module that shows only its first items ("show more")."""
    found: list[models.PageRow] = []
    more: dict[str, str] = {}
    for category in page.categories or []:
        module = getattr(category, "title", None) or page.title or ""
        for item in getattr(category, "items", None) or []:
            converted = row(module, item)
            if converted is not None:
                found.append(converted)
        link = getattr(category, "_more", None)
        if link is not None and getattr(link, "api_path", None):
            more[module] = link.api_path
    return found, more
