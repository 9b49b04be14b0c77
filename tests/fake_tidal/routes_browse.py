"""Catalog breadth: genres, moods, mixes, radios, artist videos and links, credits, reviews.

Real captures: v1_mix_items.json, v1_track_mix.json, v1_artist_mix.json, v1_artist_videos.json,
v1_artist_links.json, v1_album_credits.json, v1_album_items_credits.json,
v1_track_contributors.json, v1_track_recommendations_excerpt.json. Genres, moods, track credits
and album reviews have none: they follow tidalapi's parsers (``genres``: a bare list).
"""

from __future__ import annotations

import random

from aiohttp import web

from . import shapes, words
from .catalog import Catalog
from .catalog_extras import get_mix, radio_ids
from .common import paging, state_of
from .errors import TidalError, not_found
from .model import Track, format_ts
from .routes_catalog import get_album, get_artist_id, get_track
from .shapes import JsonObj, page
from .shapes_extra import video_json

routes = web.RouteTableDef()

GENRE_KINDS = ("tracks", "albums", "artists", "playlists", "videos")


def _contributors(cat: Catalog, track: Track) -> list[tuple[str, str]]:
    """``(role, name)`` credits of a track, stable per track (no real person behind them)."""
    rng = random.Random(f"{cat.seed}:credits:{track.id}")
    people = [f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}" for _ in range(4)]
    label = track.copyright.split(" ", 2)[-1]
    return [
        ("Composer", people[0]),
        ("Composer", people[1]),
        ("Lyricist", people[0]),
        ("Producer", people[2]),
        ("Mixing Engineer", people[3]),
        ("Music Publisher", f"{label} Publishing"),
    ]


def _grouped(cat: Catalog, track: Track) -> list[JsonObj]:
    """``[{"type": role, "contributors": [{"name"}]}]`` grouped by role, in first-seen order."""
    groups: dict[str, list[JsonObj]] = {}
    for role, name in _contributors(cat, track):
        groups.setdefault(role, []).append({"name": name})
    return [{"type": role, "contributors": names} for role, names in groups.items()]


# -- genres and moods ---------------------------------------------------------------------


@routes.get("/v1/genres")
async def genres(request: web.Request) -> web.Response:
    """A bare list of genres, each with its ``has*`` flags."""
    ext = state_of(request).extras
    return web.json_response(
        [
            {
                "name": g.name,
                "path": g.path,
                "hasPlaylists": bool(g.playlist_uuids),
                "hasArtists": True,
                "hasAlbums": True,
                "hasTracks": True,
                "hasVideos": any(ext.videos_by_artist.get(a) for a in g.artist_ids),
                "image": g.image,
            }
            for g in ext.genres
        ]
    )


@routes.get("/v1/genres/{path}/{kind}")
async def genre_items(request: web.Request) -> web.Response:
    """A genre's tracks, albums, artists, playlists or videos, most popular first."""
    state = state_of(request)
    cat, ext = state.catalog, state.extras
    path, kind = request.match_info["path"], request.match_info["kind"]
    found = next((g for g in ext.genres if g.path.lower() == path.lower()), None)
    if found is None or kind not in GENRE_KINDS:
        raise TidalError(404, 2001, f"GENRES [{path}] not found")
    artists = [cat.artists[a] for a in found.artist_ids]
    builders = {
        "tracks": lambda: [
            shapes.track_json(cat, t)
            for t in sorted(
                (cat.tracks[t] for a in artists for t in cat.tracks_by_artist[a.id]), key=lambda t: -t.popularity
            )
        ],
        "albums": lambda: [shapes.album_json(cat, cat.albums[x]) for a in artists for x in cat.albums_by_artist[a.id]],
        "artists": lambda: [shapes.artist_json(a) for a in sorted(artists, key=lambda a: -a.popularity)],
        "playlists": lambda: [shapes.playlist_json(cat, state.playlists[u]) for u in found.playlist_uuids],
        "videos": lambda: [video_json(cat, ext.videos[v]) for a in artists for v in ext.videos_by_artist.get(a.id, ())],
    }
    everything = builders[kind]()
    limit, offset = paging(request)
    return web.json_response(page(everything[offset : offset + limit], limit, offset, len(everything)))


@routes.get("/v1/moods")
async def moods(request: web.Request) -> web.Response:
    """A bare list of moods (genre-shaped)."""
    ext = state_of(request).extras
    return web.json_response(
        [
            {
                "name": x.name,
                "path": x.path,
                "hasPlaylists": True,
                "hasArtists": False,
                "hasAlbums": False,
                "hasTracks": False,
                "hasVideos": False,
                "image": x.image,
            }
            for x in ext.moods
        ]
    )


@routes.get("/v1/moods/{path}/playlists")
async def mood_playlists(request: web.Request) -> web.Response:
    state = state_of(request)
    found = next((x for x in state.extras.moods if x.path == request.match_info["path"]), None)
    if found is None:
        raise TidalError(404, 2001, f"MOODS [{request.match_info['path']}] not found")
    items = [shapes.playlist_json(state.catalog, state.playlists[u]) for u in found.playlist_uuids]
    limit, offset = paging(request)
    return web.json_response(page(items[offset : offset + limit], limit, offset, len(items)))


# -- mixes and radios ---------------------------------------------------------------------


@routes.get("/v1/mixes/{id}/items")
async def mix_items(request: web.Request) -> web.Response:
    """Every item of a mix, ``{"item","type"}`` wrapped; ``limit``/``offset`` are ignored like TIDAL's."""
    state = state_of(request)
    cat, ext = state.catalog, state.extras
    mix = get_mix(cat, request.match_info["id"])
    if mix is None:
        raise not_found("Mix", request.match_info["id"])
    items = [{"item": shapes.track_json(cat, cat.tracks[t]), "type": "track"} for t in mix.track_ids]
    items += [{"item": video_json(cat, ext.videos[v]), "type": "video"} for v in mix.video_ids]
    return web.json_response(page(items, len(items), 0, len(items)))


@routes.get("/v1/tracks/{id}/mix")
async def track_mix(request: web.Request) -> web.Response:
    """``{"id": <TRACK_MIX id>}`` like v1_track_mix.json."""
    return web.json_response({"id": get_track(state_of(request).catalog, request).mix_id})


@routes.get("/v1/artists/{id}/mix")
async def artist_mix(request: web.Request) -> web.Response:
    """``{"id": <ARTIST_MIX id>}`` like v1_artist_mix.json."""
    cat = state_of(request).catalog
    return web.json_response({"id": cat.artists[get_artist_id(cat, request)].mix_id})


@routes.get("/v1/artists/{id}/radio")
async def artist_radio(request: web.Request) -> web.Response:
    """Popular tracks of the artist and similar artists."""
    state = state_of(request)
    cat = state.catalog
    ranked = radio_ids(cat, get_artist_id(cat, request), state.extras.unavailable)
    limit, offset = paging(request)
    items = [shapes.track_json(cat, cat.tracks[t]) for t in ranked[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(ranked)))


@routes.get("/v1/tracks/{id}/recommendations")
async def track_recommendations(request: web.Request) -> web.Response:
    """``{"track", "sources"}`` items like v1_track_recommendations_excerpt.json."""
    state = state_of(request)
    cat = state.catalog
    track = get_track(cat, request)
    ranked = radio_ids(cat, track.credits[0].artist_id, state.extras.unavailable, exclude=track.id)
    limit, offset = paging(request)
    items = [{"track": shapes.track_json(cat, cat.tracks[t]), "sources": ["SUGGESTED_TRACKS"]} for t in ranked]
    return web.json_response(page(items[offset : offset + limit], limit, offset, len(items)))


# -- artists ------------------------------------------------------------------------------


@routes.get("/v1/artists/{id}/videos")
async def artist_videos(request: web.Request) -> web.Response:
    """An artist's videos (v1_artist_videos.json); 200 with none for artists without videos."""
    state = state_of(request)
    cat, ext = state.catalog, state.extras
    found = [ext.videos[v] for v in ext.videos_by_artist.get(get_artist_id(cat, request), ())]
    found.sort(key=lambda v: (v.release_ms, v.id), reverse=True)
    limit, offset = paging(request)
    return web.json_response(
        page([video_json(cat, v) for v in found[offset : offset + limit]], limit, offset, len(found))
    )


@routes.get("/v1/artists/{id}/links")
async def artist_links(request: web.Request) -> web.Response:
    """External links (v1_artist_links.json), with the list's ``source``."""
    cat = state_of(request).catalog
    artist = cat.artists[get_artist_id(cat, request)]
    slug = artist.name.replace(" ", "+")
    links = [
        {"url": f"http://www.allmusic.com/artist/mn{artist.id:010d}", "siteName": "ALLMUSIC"},
        {"url": f"http://www.discogs.com/artist/{slug}", "siteName": "DISCOGS"},
        {"url": f"http://www.last.fm/music/{slug}", "siteName": "LAST_FM"},
        {"url": f"http://en.wikipedia.org/wiki/{artist.name.replace(' ', '_')}", "siteName": "WIKIPEDIA"},
    ]
    limit, offset = paging(request)
    return web.json_response(
        {**page(links[offset : offset + limit], limit, offset, len(links)), "source": "MusicBrainz"}
    )


# -- credits and reviews ------------------------------------------------------------------


@routes.get("/v1/tracks/{id}/contributors")
async def track_contributors(request: web.Request) -> web.Response:
    """``{"name","role"}`` items (v1_track_contributors.json)."""
    cat = state_of(request).catalog
    credits = [{"name": name, "role": role} for role, name in _contributors(cat, get_track(cat, request))]
    limit, offset = paging(request)
    return web.json_response(page(credits[offset : offset + limit], limit, offset, len(credits)))


@routes.get("/v1/tracks/{id}/credits")
async def track_credits(request: web.Request) -> web.Response:
    """``[{"type", "contributors":[{"name"}]}]`` grouped by role (a bare list)."""
    cat = state_of(request).catalog
    return web.json_response(_grouped(cat, get_track(cat, request)))


@routes.get("/v1/albums/{id}/credits")
async def album_credits(request: web.Request) -> web.Response:
    """A bare list like v1_album_credits.json: primary artists (with ids), producers, the label."""
    cat = state_of(request).catalog
    album = get_album(cat, request)
    first = cat.tracks[album.track_ids[0]]
    producers = sorted({name for role, name in _contributors(cat, first) if role == "Producer"})
    return web.json_response(
        [
            {
                "type": "Primary Artist",
                "contributors": [{"name": cat.artists[c.artist_id].name, "id": c.artist_id} for c in album.credits],
            },
            {"type": "Producer", "contributors": [{"name": n} for n in producers]},
            {"type": "Record Label", "contributors": [{"name": album.copyright.split(" ", 2)[-1]}]},
        ]
    )


@routes.get("/v1/albums/{id}/items/credits")
async def album_items_credits(request: web.Request) -> web.Response:
    """Album items with their ``credits`` (v1_album_items_credits.json)."""
    cat = state_of(request).catalog
    album = get_album(cat, request)
    limit, offset = paging(request, max_limit=100)
    items = [
        {"item": shapes.track_json(cat, cat.tracks[t]), "type": "track", "credits": _grouped(cat, cat.tracks[t])}
        for t in album.track_ids[offset : offset + limit]
    ]
    return web.json_response(page(items, limit, offset, len(album.track_ids)))


@routes.get("/v1/albums/{id}/review")
async def album_review(request: web.Request) -> web.Response:
    """``{"source","lastUpdated","text","summary"}`` for about half the albums; 404 for the rest."""
    cat = state_of(request).catalog
    album = get_album(cat, request)
    if album.id % 2:
        raise TidalError(404, 2001, f"Review for album [{album.id}] not found")
    artist = cat.artists[album.credits[0].artist_id]
    text = (
        f'[wimpLink artistId="{artist.id}"]{artist.name}[/wimpLink] released {album.title} in '
        f"{album.release_date[:4]}: {len(album.track_ids)} tracks that reward a patient listen."
    )
    return web.json_response(
        {
            "source": "TiVo",
            "lastUpdated": format_ts(album.stream_start_ms),
            "text": text,
            "summary": text.split(":")[0] + ".",
        }
    )
