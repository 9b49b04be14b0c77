"""The v1 pages the emulator serves, composed from page_modules: home, explore, for_you, hires,
videos, genre_page(_local), moods, genre_<x>, mood_<x>, my_collection_my_mixes, mix, artist, album.

``build(state, slug, query)`` returns the page JSON or None for an unknown page (the route
answers 404). ``pages/single-module-page/<slug>/<n>`` shows one module of a page in full.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import page_modules as m
from . import shapes, words
from .catalog_extras import get_mix
from .errors import TidalError, not_found
from .shapes import JsonObj
from .shapes_extra import mix_json
from .state import State

FULL = 10_000


def _editorial(state: State):
    return sorted((p for p in state.playlists.values() if p.creator_id == 0), key=lambda p: (-p.popularity, p.uuid))


def _popular_tracks(state: State, limit: int = 30):
    cat = state.catalog
    return sorted(cat.tracks.values(), key=lambda t: (-t.popularity, t.id))[:limit]


def _newest_albums(state: State, limit: int = 30):
    return sorted(state.catalog.albums.values(), key=lambda a: (a.release_date, a.id), reverse=True)[:limit]


def _genre_links(state: State) -> list[tuple[str, str, str]]:
    return [(g.name, f"pages/genre_{g.path.lower()}", g.image) for g in state.extras.genres]


def _mood_links(state: State) -> list[tuple[str, str, str]]:
    return [(mood.name, f"pages/mood_{mood.path}", mood.image) for mood in state.extras.moods]


def _public(state: State):
    """Editorial and other users' public playlists, most popular first."""
    found = (p for p in state.playlists.values() if p.public and p.creator_id != state.catalog.user.id)
    return sorted(found, key=lambda p: (-p.popularity, p.uuid))


def home(state: State, slug: str) -> list[JsonObj]:
    cat, ext = state.catalog, state.extras
    return [
        m.playlists_module(cat, "Popular playlists", slug, 0, _public(state)),
        m.mixes_module(cat, "Custom mixes", slug, 1, list(ext.personal_mixes.values())),
        m.albums_module(cat, "New albums", slug, 2, _newest_albums(state)),
        m.tracks_module(cat, "Popular tracks", slug, 3, _popular_tracks(state)),
        m.artists_module("Artists to follow", slug, 4, sorted(cat.artists.values(), key=lambda a: -a.popularity)[:20]),
        m.videos_module(cat, "Videos", slug, 5, sorted(ext.videos.values(), key=lambda v: -v.popularity)[:20]),
    ]


def explore(state: State, slug: str) -> list[JsonObj]:
    cat = state.catalog
    top_album = _newest_albums(state, 1)[0]
    editorial = _editorial(state)
    promos = [
        ("ALBUM", str(top_album.id), top_album.title, top_album.cover),
        ("PLAYLIST", editorial[0].uuid, editorial[0].title, editorial[0].image),
    ]
    return [
        m.promotions_module("Featured", slug, 0, promos),
        m.links_module("PAGE_LINKS_CLOUD", "Genres", slug, 1, _genre_links(state)),
        m.links_module("PAGE_LINKS", "Moods & Activities", slug, 2, _mood_links(state)),
        m.playlists_module(cat, "Playlists", slug, 3, editorial),
    ]


def for_you(state: State, slug: str) -> list[JsonObj]:
    cat, ext = state.catalog, state.extras
    mixes = list(ext.personal_mixes.values())
    entries = [("MIX", mix_json(cat, mix)) for mix in mixes[:3]]
    entries += [("PLAYLIST", shapes.playlist_json(cat, p)) for p in _editorial(state)[:3]]
    favorites = [cat.albums[int(f.id)] for f in state.favorites["albums"] if int(f.id) in cat.albums]
    return [
        m.mixed_module("Recommended for you", slug, 0, entries),
        m.mixes_module(cat, "Your mixes", slug, 1, mixes),
        m.albums_module(cat, "Because you like these albums", slug, 2, favorites),
    ]


def hires(state: State, slug: str) -> list[JsonObj]:
    cat = state.catalog
    albums = sorted(
        (a for a in cat.albums.values() if a.audio_quality == "HI_RES_LOSSLESS"), key=lambda a: -a.popularity
    )
    return [
        m.albums_module(cat, "Hi-Res albums", slug, 0, albums),
        m.playlists_module(cat, "Playlists", slug, 1, _editorial(state)),
    ]


def videos(state: State, slug: str) -> list[JsonObj]:
    ranked = sorted(state.extras.videos.values(), key=lambda v: (-v.popularity, v.id))
    return [m.videos_module(state.catalog, "", slug, 0, ranked)]


def my_mixes(state: State, slug: str) -> list[JsonObj]:
    return [m.mixes_module(state.catalog, "My Mixes", slug, 0, list(state.extras.personal_mixes.values()))]


def genre(state: State, slug: str, path: str) -> list[JsonObj]:
    cat, ext = state.catalog, state.extras
    found = next((g for g in ext.genres if g.path.lower() == path), None)
    if found is None:
        raise TidalError(404, 2001, f"GENRES [{path}] not found")
    tracks = sorted(
        (cat.tracks[t] for a in found.artist_ids for t in cat.tracks_by_artist[a]), key=lambda t: -t.popularity
    )
    albums = sorted(
        (cat.albums[x] for a in found.artist_ids for x in cat.albums_by_artist[a]), key=lambda a: -a.popularity
    )
    return [
        m.playlists_module(cat, f"{found.name} playlists", slug, 0, [state.playlists[u] for u in found.playlist_uuids]),
        m.albums_module(cat, f"{found.name} albums", slug, 1, albums),
        m.tracks_module(cat, f"{found.name} tracks", slug, 2, tracks[:50]),
        m.artists_module(f"{found.name} artists", slug, 3, [cat.artists[a] for a in found.artist_ids]),
    ]


def mood(state: State, slug: str, path: str) -> list[JsonObj]:
    found = next((x for x in state.extras.moods if x.path == path), None)
    if found is None:
        raise TidalError(404, 2001, f"MOODS [{path}] not found")
    return [m.playlists_module(state.catalog, found.name, slug, 0, [state.playlists[u] for u in found.playlist_uuids])]


def mix_page(state: State, slug: str, mix_id: str) -> tuple[str, list[JsonObj]]:
    cat, ext = state.catalog, state.extras
    mix = get_mix(cat, mix_id)
    if mix is None:
        raise not_found("Mix", mix_id)
    header = m.module("MIX_HEADER", "", slug, 0, None, mix=mix_json(cat, mix))
    if mix.video_ids:
        body = m.videos_module(cat, "", slug, 1, [ext.videos[v] for v in mix.video_ids])
    else:
        body = m.tracks_module(cat, "", slug, 1, [cat.tracks[t] for t in mix.track_ids])
        body["pagedList"]["items"] = [m.page_track(cat, cat.tracks[t]) for t in mix.track_ids]
    return mix.title, [header, body]


def artist_page(state: State, slug: str, artist_id: str) -> tuple[str, list[JsonObj]]:
    cat, ext = state.catalog, state.extras
    artist = cat.artists.get(int(artist_id)) if artist_id.isdigit() else None
    if artist is None:
        raise not_found("Artist", artist_id)
    albums = [cat.albums[a] for a in cat.albums_by_artist.get(artist.id, ())]
    top = sorted((cat.tracks[t] for t in cat.tracks_by_artist[artist.id]), key=lambda t: (-t.popularity, t.id))
    bio = {"source": "TiVo", "lastUpdated": "2026-10-01T00:00:00.000+0000", "text": f"{artist.name} makes records."}
    modules = [
        m.module("ARTIST_HEADER", "", slug, 0, None, artist=shapes.artist_json(artist), bio=bio, mixes=None),
        m.tracks_module(cat, "Top Tracks", slug, 1, top),
        m.albums_module(cat, "Albums", slug, 2, [a for a in albums if a.album_type == "ALBUM"]),
        m.albums_module(cat, "EP & Singles", slug, 3, [a for a in albums if a.album_type != "ALBUM"]),
        m.artists_module("Fans Also Like", slug, 4, [cat.artists[a] for a in cat.similar_artists[artist.id]]),
    ]
    if ext.videos_by_artist.get(artist.id):
        modules.append(
            m.videos_module(cat, "Videos", slug, 5, [ext.videos[v] for v in ext.videos_by_artist[artist.id]])
        )
    return artist.name, modules


def album_page(state: State, slug: str, album_id: str) -> tuple[str, list[JsonObj]]:
    cat = state.catalog
    album = cat.albums.get(int(album_id)) if album_id.isdigit() else None
    if album is None:
        raise not_found("Album", album_id)
    items = [{"type": "track", "item": m.page_track(cat, cat.tracks[t])} for t in album.track_ids]
    more = [cat.albums[a] for a in cat.albums_by_artist[album.credits[0].artist_id] if a != album.id]
    return album.title, [
        m.module("ALBUM_HEADER", "", slug, 0, None, album=shapes.album_json(cat, album), credits=None),
        m.module("ALBUM_ITEMS", "", slug, 1, items),
        m.albums_module(cat, f"More by {cat.artists[album.credits[0].artist_id].name}", slug, 2, more),
    ]


SIMPLE = {
    "home": ("Home", home),
    "explore": ("Explore", explore),
    "for_you": ("For You", for_you),
    "hires": ("Hi-Res", hires),
    "videos": ("Videos", videos),
    "my_collection_my_mixes": ("My Mixes", my_mixes),
}
LINK_PAGES = {
    "genre_page": ("Genres", "PAGE_LINKS_CLOUD", _genre_links),
    "genre_page_local": ("Local Genres", "PAGE_LINKS", lambda s: _genre_links(s)[:4]),
    "moods": ("Moods & Activities", "PAGE_LINKS", _mood_links),
}


def build(state: State, slug: str, query: Mapping[str, str]) -> JsonObj | None:
    """The page named ``slug`` (None when there is no such page)."""
    if slug in SIMPLE:
        title, layout = SIMPLE[slug]
        return m.page(title, slug, layout(state, slug))
    if slug in LINK_PAGES:
        title, kind, links = LINK_PAGES[slug]
        return m.page(title, slug, [m.links_module(kind, title, slug, 0, links(state))])
    if slug.startswith("genre_"):
        path = slug.removeprefix("genre_")
        name = next((n for n, p in words.GENRES if p.lower() == path), path)
        return m.page(name, slug, genre(state, slug, path))
    if slug.startswith("mood_"):
        path = slug.removeprefix("mood_")
        return m.page(next((n for n, p in words.MOODS if p == path), path), slug, mood(state, slug, path))
    parameter = {"mix": "mixId", "artist": "artistId", "album": "albumId"}.get(slug)
    if parameter is not None:
        if not query.get(parameter):
            raise TidalError(400, 1002, f"Parameter [{parameter}] is required")
        builder = {"mix": mix_page, "artist": artist_page, "album": album_page}[slug]
        title, modules = builder(state, slug, query[parameter])
        return m.page(title, slug, modules)
    return None


def single_module(state: State, slug: str, index: int, query: Mapping[str, str]) -> JsonObj | None:
    """One module of page ``slug`` with every item (the target of its ``showMore``)."""
    token = m.page_size.set(FULL)
    try:
        whole = build(state, slug, query)
    finally:
        m.page_size.reset(token)
    if whole is None or not 0 <= index < len(whole["rows"]):
        return None
    module = whole["rows"][index]["modules"][0]
    return m.page(module["title"] or whole["title"], f"{slug}/{index}", [module])
