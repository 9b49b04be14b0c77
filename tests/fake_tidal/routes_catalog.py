"""v1 catalog and account routes: sessions, users, tracks, albums, artists, search."""

from __future__ import annotations

import functools
from collections.abc import Callable

from aiohttp import web

from . import shapes
from .catalog import Catalog
from .common import SESSION_ID_KEY, TOKEN_KEY, current_user_id, int_path, paging, require_own_user, split_ids, state_of
from .errors import TidalError, not_found
from .model import Album, Track, format_ts
from .shapes import JsonObj, page
from .shapes_extra import other_user_json

routes = web.RouteTableDef()


# -- session and user ---------------------------------------------------------------------


@routes.get("/v1/sessions")
async def sessions(request: web.Request) -> web.Response:
    """GET /v1/sessions, like v1_sessions.json."""
    state = state_of(request)
    user = state.catalog.user
    token = request[TOKEN_KEY]
    if token.client == "pkce":
        # The full app client (PKCE) is authorised for offline use from its first login.
        client = {
            "id": 593402320,
            "name": "tidal-mcp",
            "authorizedForOffline": True,
            "authorizedForOfflineDate": format_ts(int(token.issued_at * 1000)),
        }
    else:
        client = {
            "id": 475721180,
            "name": f"{user.id}_{user.id}_Android Automotive",
            "authorizedForOffline": False,
            "authorizedForOfflineDate": None,
        }
    return web.json_response(
        {
            "sessionId": request[SESSION_ID_KEY],
            "userId": current_user_id(request),
            "countryCode": user.country_code,
            "channelId": 323,
            "partnerId": 1,
            "client": client,
        }
    )


@routes.get("/v1/users/{user_id}")
async def user(request: web.Request) -> web.Response:
    """GET /v1/users/{id}: the logged-in user (with ``username``) or another user's profile."""
    state = state_of(request)
    user_id = int_path(request, "user_id", "User")
    if user_id in state.extras.users:
        return web.json_response(other_user_json(state.extras.users[user_id]))
    if user_id != state.catalog.user.id:
        raise not_found("User", user_id)
    return web.json_response(shapes.user_json(state.catalog.user))


SUBSCRIPTIONS = {
    "HIFI_PLUS": ("HI_RES_LOSSLESS", True),
    "HIFI": ("LOSSLESS", True),
    "FREE": ("HIGH", False),
}


@routes.get("/v1/users/{user_id}/subscription")
async def subscription(request: web.Request) -> web.Response:
    """GET /v1/users/{id}/subscription for the current plan (tidalapi's check_login reads the status)."""
    require_own_user(request)
    state = state_of(request)
    plan = state.settings.subscription
    best, premium = SUBSCRIPTIONS[plan]
    return web.json_response(
        {
            "startDate": format_ts(state.catalog.user.created_ms),
            "validUntil": "2027-11-21T00:00:00.000+0000" if premium else None,
            "status": "ACTIVE",
            "subscription": {"type": plan, "offlineGracePeriod": 30 if premium else 0},
            "highestSoundQuality": best,
            "premiumAccess": premium,
            "canGetTrial": not premium,
            "paymentType": "CREDIT_CARD" if premium else "NONE",
            "paymentOverdue": False,
        }
    )


# -- lookups ------------------------------------------------------------------------------


def get_track(catalog: Catalog, request: web.Request, name: str = "id") -> Track:
    """The track named by the path segment ``name``, or 404/2001."""
    track_id = int_path(request, name, "Track")
    track = catalog.tracks.get(track_id)
    if track is None:
        raise not_found("Track", track_id)
    return track


def get_album(catalog: Catalog, request: web.Request) -> Album:
    """The album named by ``{id}``, or 404/2001."""
    album_id = int_path(request, "id", "Album")
    album = catalog.albums.get(album_id)
    if album is None:
        raise not_found("Album", album_id)
    return album


def get_artist_id(catalog: Catalog, request: web.Request) -> int:
    """The artist id named by ``{id}``, or 404/2001."""
    artist_id = int_path(request, "id", "Artist")
    if artist_id not in catalog.artists:
        raise not_found("Artist", artist_id)
    return artist_id


def by_popularity(tracks: list[Track]) -> list[Track]:
    """Most popular first, then by id."""
    return sorted(tracks, key=lambda t: (-t.popularity, t.id))


# -- tracks -------------------------------------------------------------------------------


@routes.get("/v1/tracks/{id}")
async def track(request: web.Request) -> web.Response:
    """GET /v1/tracks/{id}."""
    catalog = state_of(request).catalog
    return web.json_response(shapes.track_json(catalog, get_track(catalog, request)))


# -- albums -------------------------------------------------------------------------------


@routes.get("/v1/albums/{id}")
async def album(request: web.Request) -> web.Response:
    """GET /v1/albums/{id}."""
    catalog = state_of(request).catalog
    return web.json_response(shapes.album_json(catalog, get_album(catalog, request)))


@routes.get("/v1/albums/{id}/tracks")
async def album_tracks(request: web.Request) -> web.Response:
    """GET /v1/albums/{id}/tracks (limit/offset)."""
    catalog = state_of(request).catalog
    found = get_album(catalog, request)
    limit, offset = paging(request)
    chosen = found.track_ids[offset : offset + limit]
    items = [shapes.track_json(catalog, catalog.tracks[t]) for t in chosen]
    return web.json_response(page(items, limit, offset, len(found.track_ids)))


@routes.get("/v1/albums/{id}/items")
async def album_items(request: web.Request) -> web.Response:
    """GET /v1/albums/{id}/items: ``[{"item": track, "type": "track"}]``."""
    catalog = state_of(request).catalog
    found = get_album(catalog, request)
    limit, offset = paging(request, max_limit=100)
    chosen = found.track_ids[offset : offset + limit]
    items = [{"item": shapes.track_json(catalog, catalog.tracks[t]), "type": "track"} for t in chosen]
    return web.json_response(page(items, limit, offset, len(found.track_ids)))


@routes.get("/v1/albums/{id}/similar")
async def album_similar(request: web.Request) -> web.Response:
    """GET /v1/albums/{id}/similar: albums by the main artist's similar artists."""
    catalog = state_of(request).catalog
    found = get_album(catalog, request)
    similar_artists = catalog.similar_artists[found.credits[0].artist_id]
    album_ids = [a for artist in similar_artists for a in catalog.albums_by_artist.get(artist, ())]
    if not album_ids:
        raise TidalError(404, 2001, f"Similar albums for album [{found.id}] not found")
    limit, offset = paging(request)
    items = [shapes.album_json(catalog, catalog.albums[a]) for a in album_ids[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(album_ids)))


# -- artists ------------------------------------------------------------------------------


@routes.get("/v1/artists/{id}")
async def artist(request: web.Request) -> web.Response:
    """GET /v1/artists/{id}."""
    catalog = state_of(request).catalog
    return web.json_response(shapes.artist_json(catalog.artists[get_artist_id(catalog, request)]))


@routes.get("/v1/artists/{id}/toptracks")
async def artist_top_tracks(request: web.Request) -> web.Response:
    """GET /v1/artists/{id}/toptracks: the artist's tracks by popularity."""
    catalog = state_of(request).catalog
    artist_id = get_artist_id(catalog, request)
    ranked = by_popularity([catalog.tracks[t] for t in catalog.tracks_by_artist.get(artist_id, ())])
    limit, offset = paging(request)
    items = [shapes.track_json(catalog, t) for t in ranked[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(ranked)))


ALBUM_FILTERS: dict[str | None, tuple[str, ...]] = {
    None: ("ALBUM",),
    "ALBUMS": ("ALBUM",),
    "EPSANDSINGLES": ("EP", "SINGLE"),
}


@routes.get("/v1/artists/{id}/albums")
async def artist_albums(request: web.Request) -> web.Response:
    """GET /v1/artists/{id}/albums[?filter=EPSANDSINGLES|COMPILATIONS], newest first.

    An unknown artist answers 200 with no items, like TIDAL.
    """
    catalog = state_of(request).catalog
    artist_id = int_path(request, "id", "Artist")
    album_filter = request.query.get("filter")
    if album_filter == "COMPILATIONS":
        album_ids = list(catalog.appears_on.get(artist_id, ()))
    elif album_filter in ALBUM_FILTERS:
        wanted = ALBUM_FILTERS[album_filter]
        album_ids = [a for a in catalog.albums_by_artist.get(artist_id, ()) if catalog.albums[a].album_type in wanted]
    else:
        raise TidalError(400, 1002, f"Invalid filter [{album_filter}]")
    albums = sorted((catalog.albums[a] for a in album_ids), key=lambda a: (a.release_date, a.id), reverse=True)
    limit, offset = paging(request)
    items = [shapes.album_json(catalog, a) for a in albums[offset : offset + limit]]
    return web.json_response(page(items, limit, offset, len(albums)))


@routes.get("/v1/artists/{id}/similar")
async def artist_similar(request: web.Request) -> web.Response:
    """GET /v1/artists/{id}/similar (404 when TIDAL has none, like error_404.json)."""
    catalog = state_of(request).catalog
    artist_id = get_artist_id(catalog, request)
    similar = catalog.similar_artists[artist_id]
    if not similar:
        raise TidalError(404, 2001, f"Similar artists for artist [{artist_id}] not found")
    limit, offset = paging(request)
    items = []
    for other in similar[offset : offset + limit]:
        obj = shapes.artist_json(catalog.artists[other])
        obj["relationType"] = "SIMILAR_ARTIST"
        obj["source"] = "TiVo"
        items.append(obj)
    return web.json_response(page(items, limit, offset, len(similar)))


@routes.get("/v1/artists/{id}/bio")
async def artist_bio(request: web.Request) -> web.Response:
    """GET /v1/artists/{id}/bio with a ``[wimpLink]`` to a similar artist, like TIDAL's."""
    catalog = state_of(request).catalog
    artist_id = get_artist_id(catalog, request)
    found = catalog.artists[artist_id]
    albums = catalog.albums_by_artist.get(artist_id, ())
    first = min((catalog.albums[a] for a in albums), key=lambda a: a.release_date)
    text = (
        f'{found.name} released a first record, [wimpLink albumId="{first.id}"]{first.title}[/wimpLink], '
        f"in {first.release_date[:4]} and has put out {len(albums)} releases since."
    )
    similar = catalog.similar_artists[artist_id]
    if similar:
        peer = catalog.artists[similar[0]]
        text += f' Often compared with [wimpLink artistId="{peer.id}"]{peer.name}[/wimpLink].'
    return web.json_response(
        {
            "source": "TiVo",
            "lastUpdated": "2026-10-01T00:00:00.000+0000",
            "text": text,
            "summary": text.split(".")[0] + ".",
        }
    )


# -- search -------------------------------------------------------------------------------

SEARCH_TYPES: tuple[str, ...] = ("artists", "albums", "tracks", "videos", "playlists")
TOP_HIT_ORDER: tuple[str, ...] = ("artists", "albums", "tracks", "playlists")


def _matches(words: list[str], text: str) -> bool:
    lowered = text.lower()
    return all(word in lowered for word in words)


Ranked = list[tuple[int, Callable[[], JsonObj]]]


def search_candidates(request: web.Request, words: list[str]) -> dict[str, Ranked]:
    """Every match per type as ``(popularity, build_json)``, ranked by popularity then id.

    JSON is built lazily so that only the requested page (and the top hit) is rendered.
    """
    state = state_of(request)
    catalog = state.catalog

    def track_text(t: Track) -> str:
        names = [catalog.artists[c.artist_id].name for c in t.credits]
        return " ".join([t.title, t.version or "", catalog.albums[t.album_id].title, *names])

    tracks = sorted(
        (t for t in catalog.tracks.values() if _matches(words, track_text(t))), key=lambda t: (-t.popularity, t.id)
    )
    albums = sorted(
        (
            a
            for a in catalog.albums.values()
            if _matches(words, " ".join([a.title] + [catalog.artists[c.artist_id].name for c in a.credits]))
        ),
        key=lambda a: (-a.popularity, a.id),
    )
    artists = sorted(
        (a for a in catalog.artists.values() if _matches(words, a.name)), key=lambda a: (-a.popularity, a.id)
    )
    with state.lock:
        playlists = sorted(
            (
                (p.popularity, p.uuid, shapes.playlist_json(catalog, p))
                for p in state.playlists.values()
                if p.public and _matches(words, p.title)
            ),
            key=lambda p: (-p[0], p[1]),
        )
    return {
        "tracks": [(t.popularity, functools.partial(shapes.track_json, catalog, t)) for t in tracks],
        "albums": [(a.popularity, functools.partial(shapes.album_json, catalog, a)) for a in albums],
        "artists": [(a.popularity, functools.partial(shapes.artist_json, a)) for a in artists],
        "playlists": [(pop, functools.partial(dict, obj)) for pop, _, obj in playlists],
        "videos": [],
    }


def top_hit(query: str, results: dict[str, Ranked], types: list[str]) -> JsonObj | None:
    """An exact title/name match wins, else the most popular first result; None when empty."""
    firsts = [
        (kind, results[kind][0][0], results[kind][0][1]()) for kind in TOP_HIT_ORDER if kind in types and results[kind]
    ]
    if not firsts:
        return None
    wanted = query.strip().lower()
    for kind, _, obj in firsts:
        if str(obj.get("name", obj.get("title", ""))).lower() == wanted:
            return {"value": obj, "type": kind.upper()}
    kind, _, obj = max(firsts, key=lambda entry: entry[1])
    return {"value": obj, "type": kind.upper()}


@routes.get("/v1/search")
async def search(request: web.Request) -> web.Response:
    """GET /v1/search: always all five sections plus ``topHit``, like v1_search.json."""
    query = request.query.get("query", "")
    words = query.lower().split()
    requested = [t.lower() for t in split_ids(request.query.get("types"))] or list(SEARCH_TYPES)
    types = [t for t in requested if t in SEARCH_TYPES]
    limit, offset = paging(request)
    results = search_candidates(request, words) if words else {kind: [] for kind in SEARCH_TYPES}
    body: JsonObj = {}
    for kind in ("artists", "albums", "playlists", "tracks", "videos"):
        found = results[kind] if kind in types else []
        body[kind] = page([build() for _, build in found[offset : offset + limit]], limit, offset, len(found))
    body["topHit"] = top_hit(query, results, types)
    return web.json_response(body)
