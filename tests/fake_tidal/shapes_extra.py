"""JSON builders for videos, mixes, other users and the v2 collection (folders, public playlists).

Videos follow v1_artist_videos.json and v1_page_videos_VIDEO_LIST_module_excerpt.json; the v1
mix follows v1_page_mix_header_mix_object.json. The v2 shapes (MixV2, folder items, public
playlists) have no real capture: they carry what tidalapi 0.8.11's parsers read.
"""

from __future__ import annotations

import base64
import hashlib

from .catalog import Catalog
from .catalog_extras import Mix, OtherUser, Video, extras_of
from .collection import PLAYLIST_TRN, Entry, FolderState
from .model import Favorite, format_ts
from .shapes import JsonObj, credit_json, playlist_json
from .state import PlaylistState

IMAGE_SIZES: tuple[tuple[str, int], ...] = (("SMALL", 320), ("MEDIUM", 640), ("LARGE", 1500))


def video_json(catalog: Catalog, video: Video) -> JsonObj:
    """A v1 video (``/videos/{id}``, ``/artists/{id}/videos``, VIDEO_LIST items)."""
    artists = [{**credit_json(catalog, c), "userId": None} for c in video.credits]
    return {
        "id": video.id,
        "title": video.title,
        "volumeNumber": 1,
        "trackNumber": 1,
        "releaseDate": format_ts(video.release_ms),
        "imagePath": None,
        "imageId": video.image_id,
        "vibrantColor": video.vibrant_color,
        "duration": video.duration,
        "quality": video.quality,
        "streamReady": True,
        "adSupportedStreamReady": True,
        "djReady": True,
        "stemReady": False,
        "streamStartDate": format_ts(video.stream_start_ms),
        "allowStreaming": True,
        "explicit": video.explicit,
        "popularity": video.popularity,
        "doublePopularity": video.popularity / 100,
        "type": "Music Video",
        "adsUrl": None,
        "adsPrePaywallOnly": True,
        "version": None,
        "url": f"http://www.tidal.com/video/{video.id}",
        "artist": artists[0],
        "artists": artists,
        "album": None,
    }


def _image_url(mix_id: str, size: int, detail: bool) -> str:
    digest = hashlib.sha1(f"{mix_id}:{size}:{detail}".encode()).hexdigest()
    path = base64.urlsafe_b64encode(hashlib.sha256(mix_id.encode()).digest()).decode().rstrip("=")
    return f"https://images.tidal.com/0/{path}{'OAE' if detail else ''}?token={digest}"


def mix_images(mix_id: str, *, detail: bool = False) -> JsonObj:
    """``{"SMALL":{width,height,url},"MEDIUM":…,"LARGE":…}``."""
    return {
        name: {"width": size, "height": size, "url": _image_url(mix_id, size, detail)} for name, size in IMAGE_SIZES
    }


def _color(mix_id: str) -> str:
    return "#" + hashlib.md5(mix_id.encode()).hexdigest()[:6].upper()  # noqa: S324 - a colour, not security


def mix_json(catalog: Catalog, mix: Mix) -> JsonObj:
    """A v1 mix as in a MIX_HEADER module or a MIX_LIST (v1_page_mix_header_mix_object.json)."""
    first = catalog.tracks[mix.track_ids[0]] if mix.track_ids else None
    graphic_images = []
    if first is not None:
        artist = catalog.artists[first.credits[0].artist_id]
        graphic_images.append({"id": artist.picture, "vibrantColor": "#FFFFFF", "type": "ARTIST"})
    return {
        "id": mix.id,
        "title": mix.title,
        "subTitle": mix.sub_title,
        "description": None,
        "graphic": {"type": "SQUARES_GRID", "text": mix.title, "images": graphic_images},
        "images": mix_images(mix.id),
        "sharingImages": None,
        "mixType": mix.mix_type,
        "mixNumber": None,
        "contentBehavior": "UNRESTRICTED",
        "master": False,
        "titleColor": _color(mix.id),
        "subTitleColor": _color(mix.id),
        "descriptionColor": None,
        "detailImages": mix_images(mix.id, detail=True),
        "shortSubtitle": mix.short_subtitle,
    }


def mix_v2_json(mix: Mix, favorite: Favorite | None = None) -> JsonObj:
    """A MixV2 (v2 ``favorites/mixes``, v2 home feed): the keys tidalapi's MixV2.parse reads."""
    color = _color(mix.id)
    obj: JsonObj = {
        "id": mix.id,
        "mixType": mix.mix_type,
        "title": mix.title,
        "subTitle": mix.sub_title,
        "shortSubtitle": mix.short_subtitle,
        "images": mix_images(mix.id),
        "detailImages": mix_images(mix.id, detail=True),
        "master": False,
        "contentBehavior": "UNRESTRICTED",
        "titleTextInfo": {"text": mix.title, "color": color},
        "subTitleTextInfo": {"text": mix.sub_title, "color": color},
        "shortSubtitleTextInfo": {"text": mix.short_subtitle, "color": color},
        "updated": format_ts(mix.updated_ms),
    }
    if favorite is not None:
        obj["dateAdded"] = format_ts(favorite.created_ms)
    return obj


def other_user_json(user: OtherUser) -> JsonObj:
    """``GET /v1/users/{id}`` for someone else: no username or e-mail (tidalapi's FetchedUser)."""
    return {
        "id": user.id,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "picture": user.picture,
        "created": format_ts(user.created_ms),
    }


def creator_name(catalog: Catalog, creator_id: int) -> str:
    """The display name of a playlist creator (TIDAL for editorial playlists)."""
    if creator_id == 0:
        return "TIDAL"
    if creator_id == catalog.user.id:
        return f"{catalog.user.first_name} {catalog.user.last_name}"
    user = extras_of(catalog).users[creator_id]
    return f"{user.first_name} {user.last_name}"


def playlist_v2_data(catalog: Catalog, playlist: PlaylistState) -> JsonObj:
    """A playlist inside a v2 collection item: the v1 object plus the v2-only keys."""
    obj = playlist_json(catalog, playlist)
    obj["creator"] = {
        "id": playlist.creator_id,
        "name": creator_name(catalog, playlist.creator_id),
        "picture": None,
        "type": "USER" if playlist.creator_id else "TIDAL",
    }
    obj.update(
        {
            "trn": PLAYLIST_TRN + playlist.uuid,
            "itemType": "PLAYLIST",
            "contentBehavior": "UNRESTRICTED",
            "sharingLevel": "PUBLIC" if playlist.public else "PRIVATE",
        }
    )
    return obj


def folder_data(folder: FolderState, children: int) -> JsonObj:
    """The ``data`` of a folder item."""
    return {
        "trn": folder.trn,
        "itemType": "FOLDER",
        "id": folder.id,
        "name": folder.name,
        "createdAt": format_ts(folder.created_ms),
        "lastModifiedAt": format_ts(folder.last_modified_ms),
        "totalNumberOfItems": children,
    }


def collection_item(entry: Entry, parent: str | None, data: JsonObj) -> JsonObj:
    """One item of ``GET /v2/my-collection/playlists/folders`` (``parent`` is a folder id or null)."""
    return {
        "trn": entry.trn,
        "itemType": entry.kind,
        "addedAt": format_ts(entry.added_ms),
        "lastModifiedAt": format_ts(entry.modified_ms),
        "name": entry.name,
        "parent": parent,
        "data": data,
    }


def public_playlist_entry(catalog: Catalog, playlist: PlaylistState, followers: int) -> JsonObj:
    """One item of ``GET /v2/user-playlists/{id}/public``: playlist, followInfo, profile."""
    return {
        "playlist": playlist_v2_data(catalog, playlist),
        "followInfo": {
            "nrOfFollowers": followers,
            "tidalResourceName": PLAYLIST_TRN + playlist.uuid,
            "followed": False,
            "followType": "PLAYLIST",
        },
        "profile": {
            "userId": playlist.creator_id,
            "name": creator_name(catalog, playlist.creator_id),
            "color": [_color(str(playlist.creator_id))],
        },
    }
