"""tidalapi objects -> the plain-JSON models of :mod:`shared.models`.

Only attributes tidalapi already parsed are read: nothing here makes an HTTP request (tidalapi's
own ``Artist.image()`` would, for an artist without a picture, so image URLs are built here).

Example::

    normalize_track(session.track(77646170))   # {"id": 77646170, "title": ..., "artists": [...], ...}
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import tidalapi
from tidalapi.album import Album
from tidalapi.artist import Artist
from tidalapi.media import Track
from tidalapi.playlist import Playlist

from shared import models
from workers.tidal_types import parsed_id


def _image(session: tidalapi.Session, image_id: str | None, size: int) -> str | None:
    if not image_id:
        return None
    return session.config.image_url % (image_id.replace("-", "/"), size, size)


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _role(artist: Artist) -> str | None:
    role = getattr(artist, "role", None)
    return role.value if role is not None else None


def artist_ref(artist: Artist) -> models.ArtistRef:
    return models.ArtistRef(id=int(parsed_id(artist.id)), name=artist.name, role=_role(artist))


def track(item: Track) -> models.Track:
    session = item.session
    album = item.album
    return models.Track(
        id=int(item.id),
        title=item.name,
        version=getattr(item, "version", None),
        duration_s=int(item.duration or 0),
        track_number=int(item.track_num),
        volume_number=int(item.volume_num),
        explicit=bool(item.explicit),
        popularity=item.popularity,
        isrc=getattr(item, "isrc", None),
        audio_quality=item.audio_quality,
        audio_modes=list(item.audio_modes or []),
        media_tags=list(getattr(item, "media_metadata_tags", None) or []),
        bpm=getattr(item, "bpm", None),
        key=getattr(item, "key", None),
        key_scale=getattr(item, "key_scale", None),
        replay_gain=getattr(item, "replay_gain", None),
        copyright=getattr(item, "copyright", None),
        stream_start_date=_date(item.stream_start_date),
        available=bool(item.available),
        artists=[artist_ref(a) for a in item.artists or []],
        album=(
            models.AlbumRef(id=int(album.id), title=album.name, cover_url=_image(session, album.cover, 320))
            if album is not None and album.id is not None
            else None
        ),
        url=item.share_url,
    )


def _album_fields(item: Album) -> dict[str, Any]:
    return {
        "id": int(parsed_id(item.id)),
        "title": item.name,
        "version": item.version,
        "type": item.type,
        "artists": [artist_ref(a) for a in item.artists or []],
        "release_date": item.release_date.date().isoformat() if item.release_date else None,
        "duration_s": item.duration,
        "number_of_tracks": item.num_tracks,
        "number_of_volumes": item.num_volumes,
        "explicit": item.explicit,
        "popularity": item.popularity,
        "audio_quality": item.audio_quality,
        "media_tags": list(getattr(item, "media_metadata_tags", None) or []),
        "upc": item.upc,
        "copyright": item.copyright,
        "cover_url": _image(item.session, item.cover, 640),
        "url": item.share_url,
    }


def album_summary(item: Album) -> models.AlbumSummary:
    return models.AlbumSummary(**_album_fields(item))


def album(item: Album, tracks: list[Track]) -> models.Album:
    return models.Album(**_album_fields(item), tracks=[track(t) for t in tracks])


def video(item: Any) -> models.Video:
    """A tidalapi Video."""
    return models.Video(
        id=int(item.id),
        title=item.name,
        duration_s=int(item.duration or 0),
        quality=getattr(item, "video_quality", None),
        explicit=getattr(item, "explicit", None),
        release_date=_date(getattr(item, "release_date", None)),
        artists=[artist_ref(a) for a in getattr(item, "artists", None) or []],
        url=f"https://tidal.com/browse/video/{item.id}",
    )


def artist_summary(item: Artist) -> models.ArtistSummary:
    popularity = getattr(item, "popularity", None)
    return models.ArtistSummary(
        id=int(parsed_id(item.id)),
        name=item.name,
        popularity=popularity,
        picture_url=_image(item.session, item.picture, 320),
        url=item.share_url,
    )


_LINK = re.compile(r"\[wimpLink [^\]]*\](.*?)\[/wimpLink\]")


def plain_text(text: str) -> str:
    """TIDAL's ``[wimpLink artistId="1"]Name[/wimpLink]`` markup reduced to the linked words; breaks kept."""
    return _LINK.sub(r"\1", text).replace("<br/>", "\n").replace("<br />", "\n").strip()


def artist(item: Artist, top_tracks: list[Track], albums: list[Album]) -> models.Artist:
    return models.Artist(
        id=int(parsed_id(item.id)),
        name=item.name,
        roles=[r.value for r in item.roles or []],
        picture_url=_image(item.session, item.picture, 750),
        url=item.share_url,
        top_tracks=[track(t) for t in top_tracks],
        albums=[album_summary(a) for a in albums],
    )


def _playlist_fields(item: Playlist) -> dict[str, Any]:
    creator = item.creator
    return {
        "uuid": item.id,
        "title": item.name,
        "description": item.description,
        "creator_id": int(creator.id) if creator is not None and creator.id is not None else None,
        "type": item.type,
        "number_of_tracks": item.num_tracks,
        "duration_s": item.duration,
        "last_updated": _date(item.last_updated),
        "image_url": _image(item.session, item.square_picture or item.picture, 480),
        "url": item.share_url,
    }


def playlist_summary(item: Playlist) -> models.PlaylistSummary:
    return models.PlaylistSummary(**_playlist_fields(item))


def playlist(item: Playlist, tracks: list[Track]) -> models.Playlist:
    return models.Playlist(
        **_playlist_fields(item),
        public=item.public,
        created=_date(item.created),
        tracks=[track(t) for t in tracks],
    )


def top_hit(hit: Any) -> models.TopHit | None:
    kinds: dict[type[Any], str] = {Track: "track", Album: "album", Artist: "artist", Playlist: "playlist"}
    for cls, kind in kinds.items():
        if isinstance(hit, cls):
            return models.TopHit(type=kind, id=str(hit.id), name=hit.name)
    return None


def credits(groups: list[dict[str, Any]] | None) -> list[models.Credit]:
    """TIDAL's ``[{"type": role, "contributors": [{"name", "id"?}]}]`` as :class:`models.Credit` rows."""
    return [
        models.Credit(
            role=str(group.get("type") or "Other"),
            names=[str(c["name"]) for c in group.get("contributors") or [] if c.get("name")],
            artist_ids=[int(c["id"]) for c in group.get("contributors") or [] if c.get("id")],
        )
        for group in groups or []
    ]


def user_profile(session: tidalapi.Session, body: dict[str, Any], *, is_me: bool) -> models.UserProfile:
    """``GET users/{id}`` as a profile (never the e-mail address)."""
    first, last = body.get("firstName"), body.get("lastName")
    name = " ".join(part for part in (first, last) if part) or None
    return models.UserProfile(
        id=int(body["id"]),
        name=name,
        username=body.get("username") if is_me else None,
        first_name=first,
        last_name=last,
        picture_url=_image(session, body.get("picture"), 600),
        is_me=is_me,
    )
