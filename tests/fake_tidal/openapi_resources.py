"""openapi.tidal.com/v2 JSON:API resources (tracks, albums, artists, videos, artworks, ...).

Attributes and relationship names follow the real captures in tests/fixtures/tidal_responses/
(openapi_v2_tracks.json, openapi_v2_albums_filter_id_396698918_US.json, ...). A relationship
always carries ``links.self``; it carries ``data`` only when it was asked for with ``include``
(as in the captures), and a to-many relationship pages 20 linkages at a time with
``links.next`` + ``links.meta.nextCursor``.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from . import words
from .catalog import Catalog
from .catalog_extras import Extras, Video, radio_ids
from .model import Album, Artist, Track, format_date

JsonObj = dict[str, Any]
PAGE = 20

RELATIONSHIPS: dict[str, tuple[str, ...]] = {
    "tracks": (
        "albums",
        "artists",
        "genres",
        "lyrics",
        "owners",
        "providers",
        "radio",
        "shares",
        "similarTracks",
        "sourceFile",
        "trackStatistics",
    ),
    "albums": (
        "artists",
        "coverArt",
        "genres",
        "items",
        "owners",
        "providers",
        "replacement",
        "similarAlbums",
        "suggestedCoverArts",
    ),
    "artists": (
        "albums",
        "biography",
        "followers",
        "following",
        "owners",
        "profileArt",
        "radio",
        "roles",
        "similarArtists",
        "trackProviders",
        "tracks",
        "videos",
    ),
    "videos": ("albums", "artists", "providers", "thumbnailArt"),
    "artworks": ("owners",),
    "genres": (),
    "providers": (),
}
#: ``include`` values each collection accepts (the OAS "Available options").
INCLUDES: dict[str, frozenset[str]] = {
    "tracks": frozenset(
        [
            "albums",
            "artists",
            "credits",
            "download",
            "genres",
            "lyrics",
            "metadataStatus",
            "owners",
            "priceConfig",
            "providers",
            "radio",
            "replacement",
            "shares",
            "similarTracks",
            "sourceFile",
            "suggestedTracks",
            "trackStatistics",
            "usageRules",
        ]
    ),
    "albums": frozenset(
        [
            "albumStatistics",
            "artists",
            "coverArt",
            "genres",
            "items",
            "owners",
            "priceConfig",
            "providers",
            "replacement",
            "shares",
            "similarAlbums",
            "suggestedCoverArts",
            "usageRules",
        ]
    ),
    "artists": frozenset(
        [
            "albums",
            "biography",
            "claimStatus",
            "followers",
            "following",
            "owners",
            "profileArt",
            "radio",
            "roles",
            "similarArtists",
            "trackProviders",
            "tracks",
            "videos",
        ]
    ),
    "videos": frozenset(
        [
            "albums",
            "artists",
            "credits",
            "providers",
            "replacement",
            "similarVideos",
            "suggestedVideos",
            "thumbnailArt",
            "usageRules",
        ]
    ),
}
ALBUM_ART = (1280, 1080, 750, 640, 320, 160, 80)
ARTIST_ART = (750, 480, 320, 160)
VIDEO_ART = ((1280, 720), (800, 450), (640, 360), (320, 180), (160, 90))
BLURHASH_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"


def iso_duration(seconds: int) -> str:
    """``PT3M57S`` / ``PT2H16S`` like the captures."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return text if text != "PT" else "PT0S"


def media_tags(quality: str) -> list[str]:
    """``mediaTags`` for an audio quality."""
    return {"HI_RES_LOSSLESS": ["HIRES_LOSSLESS", "LOSSLESS"], "LOSSLESS": ["LOSSLESS"]}.get(quality, [])


def encode_cursor(offset: int) -> str:
    """An opaque page cursor."""
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> int | None:
    """The offset inside a cursor, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        return int(text[1:]) if text.startswith("o") else None
    except ValueError:
        return None


def artwork_id(image: str) -> str:
    """A 20-character artwork id derived from an image uuid (stable)."""
    return base64.urlsafe_b64encode(uuid.UUID(image).bytes).decode()[:20]


def _links(kind: str, ident: str, country: str) -> JsonObj:
    return {"self": f"/{kind}/{ident}?countryCode={country}"}


def _external(kind: str, ident: int) -> list[JsonObj]:
    return [{"href": f"https://tidal.com/browse/{kind}/{ident}", "meta": {"type": "TIDAL_SHARING"}}]


def _label_id(copyright_text: str) -> str:
    label = next((lab for lab in words.LABELS if copyright_text.endswith(lab)), words.LABELS[0])
    return str(100 + words.LABELS.index(label))


def _genre_id(ext: Extras, artist_id: int) -> str:
    path = ext.genre_of_artist[artist_id]
    return str(1 + [p for _, p in words.GENRES].index(path))


class Resources:
    """Builds resources and relationship linkage for one catalog (``country`` goes into links)."""

    def __init__(self, cat: Catalog, ext: Extras, country: str, locale: str | None) -> None:
        self.cat, self.ext, self.country = cat, ext, country
        self.suffix = f"countryCode={country}" + (f"&locale={locale}" if locale else "")

    def exists(self, kind: str, ident: str) -> bool:
        """Whether ``kind``/``ident`` names something in the catalog."""
        pools: dict[str, Any] = {
            "tracks": self.cat.tracks,
            "albums": self.cat.albums,
            "artists": self.cat.artists,
            "videos": self.ext.videos,
        }
        return ident.isdigit() and int(ident) in pools.get(kind, {})

    def relationships(self, kind: str, ident: str) -> JsonObj:
        """Every relationship of a resource, links only."""
        return {
            name: {"links": {"self": f"/{kind}/{ident}/relationships/{name}?{self.suffix}"}}
            for name in RELATIONSHIPS[kind]
        }

    def resource(self, kind: str, ident: str) -> JsonObj:
        """The resource object (``id``, ``type``, ``attributes``, ``relationships``)."""
        builders = {
            "tracks": lambda: self._track(self.cat.tracks[int(ident)]),
            "albums": lambda: self._album(self.cat.albums[int(ident)]),
            "artists": lambda: self._artist(self.cat.artists[int(ident)]),
            "videos": lambda: self._video(self.ext.videos[int(ident)]),
            "artworks": lambda: self._artwork(ident),
            "providers": lambda: {"name": words.LABELS[int(ident) - 100]},
            "genres": lambda: {"genreName": words.GENRES[int(ident) - 1][0]},
        }
        obj: JsonObj = {"id": ident, "type": kind, "attributes": builders[kind]()}
        if RELATIONSHIPS[kind]:
            obj["relationships"] = self.relationships(kind, ident)
        return obj

    def linkage(self, kind: str, ident: str, rel: str) -> list[JsonObj]:
        """Every resource identifier a relationship points at (empty for what is not modelled)."""
        cat, ext = self.cat, self.ext
        ref = int(ident) if ident.isdigit() else 0
        refs: list[tuple[str, Any]] = []
        if kind == "tracks":
            track = cat.tracks[ref]
            artist_id = track.credits[0].artist_id
            refs = {
                "albums": [("albums", track.album_id)],
                "artists": [("artists", c.artist_id) for c in track.credits],
                "genres": [("genres", _genre_id(ext, artist_id))],
                "providers": [("providers", _label_id(track.copyright))],
                "similarTracks": [("tracks", t) for t in radio_ids(cat, artist_id, ext.unavailable, exclude=ref)],
            }.get(rel, [])
        elif kind == "albums":
            album = cat.albums[ref]
            if rel == "items":
                return [
                    {
                        "id": str(t),
                        "type": "tracks",
                        "meta": {
                            "trackNumber": cat.tracks[t].track_number,
                            "volumeNumber": cat.tracks[t].volume_number,
                        },
                    }
                    for t in album.track_ids
                ]
            similar = [
                a for s in cat.similar_artists[album.credits[0].artist_id] for a in cat.albums_by_artist.get(s, ())
            ]
            refs = {
                "artists": [("artists", c.artist_id) for c in album.credits],
                "coverArt": [("artworks", artwork_id(album.cover))],
                "genres": [("genres", _genre_id(ext, album.credits[0].artist_id))],
                "providers": [("providers", _label_id(album.copyright))],
                "similarAlbums": [("albums", a) for a in similar],
            }.get(rel, [])
        elif kind == "artists":
            artist = cat.artists[ref]
            top = sorted(cat.tracks_by_artist.get(ref, ()), key=lambda t: (-cat.tracks[t].popularity, t))
            refs = {
                "albums": [("albums", a) for a in cat.albums_by_artist.get(ref, ())],
                "tracks": [("tracks", t) for t in top],
                "videos": [("videos", v) for v in ext.videos_by_artist.get(ref, ())],
                "similarArtists": [("artists", a) for a in cat.similar_artists[ref]],
                "profileArt": [("artworks", artwork_id(artist.picture))] if artist.picture else [],
            }.get(rel, [])
        elif kind == "videos":
            video = ext.videos[ref]
            refs = {
                "artists": [("artists", c.artist_id) for c in video.credits],
                "thumbnailArt": [("artworks", artwork_id(video.image_id))],
                "providers": [("providers", "100")],
            }.get(rel, [])
        return [{"id": str(i), "type": t} for t, i in refs]

    # -- attributes -------------------------------------------------------------------------

    def _track(self, track: Track) -> JsonObj:
        available = track.id not in self.ext.unavailable
        return {
            "title": track.title,
            "version": track.version,
            "isrc": track.isrc,
            "duration": iso_duration(track.duration),
            "copyright": {"text": track.copyright},
            "explicit": track.explicit,
            "ai": False,
            "key": track.key,
            "keyScale": track.key_scale,
            "bpm": float(track.bpm) if track.bpm is not None else None,
            "popularity": round(track.popularity / 100, 6),
            "accessType": "PUBLIC",
            "availability": ["STREAM", "DJ"] if available else [],
            "mediaTags": media_tags(track.audio_quality),
            "toneTags": [],
            "externalLinks": _external("track", track.id),
            "spotlighted": False,
            "createdAt": format_date(track.stream_start_ms) + "T00:00:00Z",
        }

    def _album(self, album: Album) -> JsonObj:
        return {
            "title": album.title,
            "barcodeId": album.upc,
            "numberOfVolumes": album.number_of_volumes,
            "numberOfItems": len(album.track_ids),
            "duration": iso_duration(album.duration),
            "explicit": album.explicit,
            "ai": False,
            "releaseDate": album.release_date,
            "copyright": {"text": album.copyright},
            "popularity": round(album.popularity / 100, 6),
            "accessType": "PUBLIC",
            "availability": ["STREAM", "DJ"],
            "mediaTags": media_tags(album.audio_quality),
            "externalLinks": _external("album", album.id),
            "type": "ALBUM",
            "albumType": album.album_type,
            "version": album.version,
            "createdAt": format_date(album.stream_start_ms) + "T00:00:00Z",
        }

    def _artist(self, artist: Artist) -> JsonObj:
        return {
            "name": artist.name,
            "popularity": round(artist.popularity / 100, 6),
            "externalLinks": _external("artist", artist.id),
            "spotlighted": False,
            "contributionsEnabled": False,
            "ownerType": "LABEL",
        }

    def _video(self, video: Video) -> JsonObj:
        return {
            "title": video.title,
            "isrc": video.isrc,
            "duration": iso_duration(video.duration),
            "copyright": {"text": f"\u00a9 {format_date(video.release_ms)[:4]} {words.LABELS[0]}"},
            "releaseDate": format_date(video.release_ms),
            "explicit": video.explicit,
            "popularity": round(video.popularity / 100, 6),
            "availability": ["STREAM", "DJ"],
            "externalLinks": _external("video", video.id),
        }

    def _artwork(self, ident: str) -> JsonObj:
        image, sizes = self._artwork_source(ident)
        path = image.replace("-", "/")
        digest = hashlib.sha256(image.encode()).digest()
        return {
            "mediaType": "IMAGE",
            "files": [
                {"href": f"https://resources.tidal.com/images/{path}/{w}x{h}.jpg", "meta": {"width": w, "height": h}}
                for w, h in sizes
            ],
            "visualMetadata": {
                "selectedPaletteColor": "#" + digest[:3].hex(),
                "blurHash": "".join(BLURHASH_CHARS[b % len(BLURHASH_CHARS)] for b in digest[:28]),
                "status": "OK",
            },
        }

    def _artwork_source(self, ident: str) -> tuple[str, list[tuple[int, int]]]:
        for album in self.cat.albums.values():
            if artwork_id(album.cover) == ident:
                return album.cover, [(s, s) for s in ALBUM_ART]
        for artist in self.cat.artists.values():
            if artist.picture and artwork_id(artist.picture) == ident:
                return artist.picture, [(s, s) for s in ARTIST_ART]
        for video in self.ext.videos.values():
            if artwork_id(video.image_id) == ident:
                return video.image_id, list(VIDEO_ART)
        raise KeyError(ident)
