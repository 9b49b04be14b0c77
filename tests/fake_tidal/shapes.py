"""JSON builders for TIDAL objects, key for key like the real responses.

Key order follows the recorded responses in tests/fixtures/tidal_responses/ (v1_track.json,
v1_album.json, v1_artist.json, v1_playlist.json, v1_playlist_items_excerpt.json, ...).
"""

from __future__ import annotations

from typing import Any

from .catalog import Catalog
from .catalog_extras import extras_of
from .model import Album, Artist, Credit, Favorite, Track, User, format_ts
from .state import PlaylistState

JsonObj = dict[str, Any]

MEDIA_TAGS: dict[str, list[str]] = {
    "LOW": [],
    "HIGH": [],
    "LOSSLESS": ["LOSSLESS"],
    "HI_RES_LOSSLESS": ["LOSSLESS", "HIRES_LOSSLESS"],
}


def page(items: list[Any], limit: int, offset: int, total: int) -> JsonObj:
    """The v1 list envelope."""
    return {"limit": limit, "offset": offset, "totalNumberOfItems": total, "items": items}


def credit_json(catalog: Catalog, credit: Credit) -> JsonObj:
    """An artist as embedded in a track or an album."""
    artist = catalog.artists[credit.artist_id]
    return {"id": artist.id, "name": artist.name, "handle": None, "type": credit.role, "picture": artist.picture}


def is_available(catalog: Catalog, track_id: int) -> bool:
    """Whether the track is licensed (streamable) in the user's country."""
    return track_id not in extras_of(catalog).unavailable


def track_json(catalog: Catalog, track: Track, *, playlist_context: bool = False) -> JsonObj:
    """A v1 track like v1_track.json; ``playlist_context`` adds the playlist-only keys.

    A track not licensed in the country keeps its metadata but has every ``*Ready`` flag and
    ``allowStreaming`` false and no ``streamStartDate`` (TIDAL skips such tracks on playlist adds).
    """
    album = catalog.albums[track.album_id]
    ok = is_available(catalog, track.id)
    obj: JsonObj = {
        "id": track.id,
        "title": track.title,
        "duration": track.duration,
        "replayGain": track.replay_gain,
        "peak": track.peak,
        "allowStreaming": ok,
        "streamReady": ok,
        "payToStream": False,
        "adSupportedStreamReady": ok,
        "djReady": ok,
        "stemReady": False,
        "streamStartDate": format_ts(track.stream_start_ms) if ok else None,
        "premiumStreamingOnly": False,
        "trackNumber": track.track_number,
        "volumeNumber": track.volume_number,
        "version": track.version,
        "popularity": track.popularity,
        "copyright": track.copyright,
        "bpm": track.bpm,
        "key": track.key,
        "keyScale": track.key_scale,
    }
    if playlist_context:
        obj["description"] = None
    obj.update(
        {
            "url": f"http://www.tidal.com/track/{track.id}",
            "isrc": track.isrc,
            "editable": False,
            "explicit": track.explicit,
            "audioQuality": track.audio_quality,
            "audioModes": ["STEREO"],
            "mediaMetadata": {"tags": list(MEDIA_TAGS[track.audio_quality])},
            "upload": False,
            "accessType": "PUBLIC",
            "spotlighted": False,
            "artist": credit_json(catalog, track.credits[0]),
            "artists": [credit_json(catalog, c) for c in track.credits],
            "album": {
                "id": album.id,
                "title": album.title,
                "cover": album.cover,
                "vibrantColor": album.vibrant_color,
                "videoCover": extras_of(catalog).video_covers.get(album.id),
                "releaseDate": album.release_date,
            },
            "mixes": {"TRACK_MIX": track.mix_id},
        }
    )
    return obj


def playlist_track_json(catalog: Catalog, track: Track, added_ms: int, index: int, item_uuid: str) -> JsonObj:
    """A track inside a playlist (adds ``dateAdded``, ``index``, ``itemUuid``)."""
    obj = track_json(catalog, track, playlist_context=True)
    obj["dateAdded"] = format_ts(added_ms)
    obj["index"] = index
    obj["itemUuid"] = item_uuid
    return obj


def album_json(catalog: Catalog, album: Album) -> JsonObj:
    """A v1 album like v1_album_ok_computer.json (the newest album schema on record)."""
    return {
        "id": album.id,
        "title": album.title,
        "duration": album.duration,
        "streamReady": True,
        "payToStream": False,
        "adSupportedStreamReady": True,
        "djReady": True,
        "stemReady": False,
        "streamStartDate": format_ts(album.stream_start_ms),
        "allowStreaming": True,
        "premiumStreamingOnly": False,
        "numberOfTracks": len(album.track_ids),
        "numberOfVideos": 0,
        "numberOfVolumes": album.number_of_volumes,
        "releaseDate": album.release_date,
        "copyright": album.copyright,
        "type": album.album_type,
        "version": album.version,
        "url": f"http://www.tidal.com/album/{album.id}",
        "cover": album.cover,
        "vibrantColor": album.vibrant_color,
        "videoCover": extras_of(catalog).video_covers.get(album.id),
        "explicit": album.explicit,
        "upc": album.upc,
        "popularity": album.popularity,
        "audioQuality": album.audio_quality,
        "audioModes": ["STEREO"],
        "mediaMetadata": {"tags": list(MEDIA_TAGS[album.audio_quality])},
        "upload": False,
        "artist": credit_json(catalog, album.credits[0]),
        "artists": [credit_json(catalog, c) for c in album.credits],
    }


ARTIST_ROLES: dict[str, list[JsonObj]] = {
    "ARTIST": [{"categoryId": -1, "category": "Artist"}],
    "CONTRIBUTOR": [
        {"categoryId": 2, "category": "Songwriter"},
        {"categoryId": 1, "category": "Producer"},
    ],
}


def artist_json(artist: Artist) -> JsonObj:
    """A v1 artist like v1_artist.json."""
    roles: list[JsonObj] = []
    for artist_type in artist.artist_types:
        roles.extend(dict(role) for role in ARTIST_ROLES[artist_type])
    return {
        "id": artist.id,
        "name": artist.name,
        "artistTypes": list(artist.artist_types),
        "url": f"http://www.tidal.com/artist/{artist.id}",
        "picture": artist.picture,
        "selectedAlbumCoverFallback": None,
        "popularity": artist.popularity,
        "artistRoles": roles,
        "mixes": {"ARTIST_MIX": artist.mix_id},
        "handle": None,
        "userId": None,
        "spotlighted": False,
    }


def playlist_json(catalog: Catalog, playlist: PlaylistState) -> JsonObj:
    """A v1 playlist like v1_playlist.json (duration and counts from the current items)."""
    tracks = [catalog.tracks[item.track_id] for item in playlist.items]
    promoted = _promoted_artists(catalog, tracks)
    last_added = max((item.added_ms for item in playlist.items), default=None)
    return {
        "uuid": playlist.uuid,
        "title": playlist.title,
        "numberOfTracks": len(tracks),
        "numberOfVideos": 0,
        "creator": {"id": playlist.creator_id},
        "description": playlist.description,
        "duration": sum(t.duration for t in tracks),
        "lastUpdated": format_ts(playlist.last_updated_ms),
        "created": format_ts(playlist.created_ms),
        "type": playlist.playlist_type,
        "publicPlaylist": playlist.public,
        "url": f"http://www.tidal.com/playlist/{playlist.uuid}",
        "image": playlist.image,
        "popularity": playlist.popularity,
        "squareImage": playlist.square_image,
        "customImageUrl": None,
        "promotedArtists": promoted,
        "lastItemAddedAt": format_ts(last_added) if last_added is not None else None,
    }


def _promoted_artists(catalog: Catalog, tracks: list[Track]) -> list[JsonObj]:
    """Up to four most frequent main artists of an editorial-style playlist."""
    counts: dict[int, int] = {}
    for track in tracks:
        main = track.credits[0].artist_id
        counts[main] = counts.get(main, 0) + 1
    top = sorted(counts, key=lambda a: (-counts[a], a))[:4]
    return [
        {
            "id": a,
            "name": catalog.artists[a].name,
            "handle": None,
            "type": "MAIN",
            "picture": catalog.artists[a].picture,
        }
        for a in top
    ]


def user_json(user: User) -> JsonObj:
    """GET /v1/users/{id} for the logged-in user."""
    return {
        "id": user.id,
        "username": user.username,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email,
        "countryCode": user.country_code,
        "created": format_ts(user.created_ms),
        "picture": user.picture,
        "newsletter": False,
        "acceptedEULA": True,
        "gender": None,
        "dateOfBirth": None,
        "facebookUid": 0,
        "appleUid": None,
    }


def oauth_user_json(user: User) -> JsonObj:
    """The ``user`` object inside an OAuth token reply (oauth_token.json)."""
    return {
        "userId": user.id,
        "email": user.email,
        "countryCode": user.country_code,
        "fullName": None,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "nickname": None,
        "username": user.username,
        "address": None,
        "city": None,
        "postalcode": None,
        "usState": None,
        "phoneNumber": None,
        "birthday": user.birthday_ms,
        "channelId": 323,
        "parentId": 0,
        "acceptedEULA": True,
        "created": user.created_ms,
        "updated": user.created_ms,
        "facebookUid": 0,
        "appleUid": None,
        "googleUid": user.google_uid,
        "accountLinkCreated": False,
        "emailVerified": True,
        "newUser": False,
    }


def favorite_json(favorite: Favorite, item: JsonObj) -> JsonObj:
    """One entry of a favorites list."""
    return {"created": format_ts(favorite.created_ms), "item": item}
