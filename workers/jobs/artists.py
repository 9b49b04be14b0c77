"""Artist jobs."""

from __future__ import annotations

import tidalapi
from tidalapi.exceptions import ObjectNotFound

from shared import models
from workers import normalize
from workers.paging import fetch_all
from workers.runtime import cache_tracks, tidal_job
from workers.tidal_types import media_id

TOP_TRACKS = 20
ALBUMS = 100


@tidal_job("artist.get")
def get_artist(session: tidalapi.Session, artist_id: int) -> models.Artist:
    """An artist with their top tracks and albums (3 TIDAL requests)."""
    artist = session.artist(media_id(artist_id))
    top_tracks = artist.get_top_tracks(limit=TOP_TRACKS)
    albums = artist.get_albums(limit=ALBUMS)
    result = normalize.artist(artist, top_tracks, albums)
    cache_tracks(result.top_tracks)
    return result


ALBUM_KINDS = {"albums": "get_albums", "eps_singles": "get_ep_singles", "other": "get_other"}
RADIO = 100


@tidal_job("artist.albums")
def get_artist_albums(session: tidalapi.Session, artist_id: int, kind: str) -> models.AlbumList:
    """Every album of one kind (albums, EPs and singles, other appearances), every page."""
    artist = session.artist(media_id(artist_id))
    fetch = getattr(artist, ALBUM_KINDS[kind])
    albums = fetch_all(lambda limit, offset: fetch(limit=limit, offset=offset), total=None, page_size=50)
    return models.AlbumList(items=[normalize.album_summary(a) for a in albums])


@tidal_job("artist.similar")
def get_similar_artists(session: tidalapi.Session, artist_id: int) -> models.ArtistList:
    """The artists TIDAL lists as similar (2 requests; none is an empty list)."""
    artist = session.artist(media_id(artist_id))  # an unknown artist is "not found"
    try:
        similar = artist.get_similar()
    except ObjectNotFound:  # TIDAL answers 404 when it knows no similar artist
        similar = []
    return models.ArtistList(items=[normalize.artist_summary(a) for a in similar])


@tidal_job("artist.radio")
def get_artist_radio(session: tidalapi.Session, artist_id: int) -> models.TrackList:
    """Tracks in the spirit of the artist (TIDAL's artist radio, up to 100)."""
    tracks = session.artist(media_id(artist_id)).get_radio(limit=RADIO)
    result = models.TrackList(items=[normalize.track(t) for t in tracks])
    cache_tracks(result.items)
    return result


@tidal_job("artist.bio")
def get_artist_bio(session: tidalapi.Session, artist_id: int) -> models.Text:
    """The artist's biography, link markup removed (1 request)."""
    body = session.request.request("GET", f"artists/{artist_id}/bio").json()
    return models.Text(id=artist_id, text=normalize.plain_text(body.get("text") or ""), source=body.get("source"))


TOP_TRACKS_MAX = 300  # TIDAL ranks far more for a big artist; past a few hundred it is the whole catalog


def _capped(fetch, cap: int):  # noqa: ANN001, ANN202 - a tidalapi paged getter
    return lambda limit, offset: fetch(limit=limit, offset=offset) if offset < cap else []


@tidal_job("artist.top_tracks")
def get_artist_top_tracks(session: tidalapi.Session, artist_id: int) -> models.TrackList:
    """An artist's tracks by popularity, up to 300 (pages of 50)."""
    artist = session.artist(media_id(artist_id))
    tracks = fetch_all(_capped(artist.get_top_tracks, TOP_TRACKS_MAX), total=None, page_size=50)
    result = models.TrackList(items=[normalize.track(t) for t in tracks[:TOP_TRACKS_MAX]])
    cache_tracks(result.items)
    return result


@tidal_job("artist.videos")
def get_artist_videos(session: tidalapi.Session, artist_id: int) -> models.VideoList:
    """Every music video of an artist (pages of 50)."""
    artist = session.artist(media_id(artist_id))
    videos = fetch_all(_capped(artist.get_videos, 1000), total=None, page_size=50)
    return models.VideoList(items=[normalize.video(v) for v in videos])
