"""Seeded, immutable TIDAL catalog: artists, albums, tracks, editorial playlists, one user.

Everything is derived from ``random.Random(seed)`` (never the global generator) and from
the fixed clock :data:`CATALOG_EPOCH_MS`, so the same seed always yields byte-identical JSON.
The mutable parts (playlist contents, favorites) are copied out of here by ``state.State``.
"""

from __future__ import annotations

import functools
import random
import string
from dataclasses import dataclass, field

from . import words
from .box_set import add_box_set
from .model import (
    CATALOG_EPOCH_MS,
    DAY_MS,
    Album,
    Artist,
    Credit,
    Favorite,
    Playlist,
    PlaylistItem,
    Track,
    User,
    format_date,
    mix_id,
    seeded_uuid,
)

MIN_TRACKS = 2000
MIN_ALBUMS = 200
N_ARTISTS = 110
USER_ID = 197368910
COUNTRY_CODE = "US"
#: Sizes of the seeded user's own playlists (the 230 one exercises paging).
USER_PLAYLIST_SIZES: tuple[int, ...] = (0, 12, 60, 230)
N_EDITORIAL_PLAYLISTS = 8
N_FAVORITE_TRACKS = 150
N_FAVORITE_ALBUMS = 30
N_FAVORITE_ARTISTS = 24
N_FAVORITE_PLAYLISTS = 3

QUALITIES: tuple[str, ...] = ("LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS")
QUALITY_WEIGHTS: tuple[int, ...] = (5, 15, 55, 25)


@dataclass(frozen=True)
class Catalog:
    """The whole seeded world. Immutable; build it with :func:`build_catalog`."""

    seed: int
    artists: dict[int, Artist]
    albums: dict[int, Album]
    tracks: dict[int, Track]
    playlists: dict[str, Playlist]
    user: User
    favorite_tracks: tuple[Favorite, ...]
    favorite_albums: tuple[Favorite, ...]
    favorite_artists: tuple[Favorite, ...]
    favorite_playlists: tuple[Favorite, ...]
    similar_artists: dict[int, tuple[int, ...]]
    albums_by_artist: dict[int, tuple[int, ...]] = field(default_factory=dict)
    appears_on: dict[int, tuple[int, ...]] = field(default_factory=dict)
    tracks_by_artist: dict[int, tuple[int, ...]] = field(default_factory=dict)
    tracks_by_isrc: dict[str, int] = field(default_factory=dict)
    albums_by_upc: dict[str, int] = field(default_factory=dict)

    def main_artist(self, credits: tuple[Credit, ...]) -> Artist:
        """The first MAIN credit of a track or album."""
        return self.artists[credits[0].artist_id]


class _Builder:
    """Holds the generator and the uniqueness sets while the catalog is built."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.isrcs: set[str] = set()
        self.names: set[str] = set()

    def unique_ids(self, start: int, count: int, min_gap: int, max_gap: int) -> list[int]:
        """``count`` increasing ids from ``start`` with random gaps (never consecutive)."""
        ids, current = [], start
        for _ in range(count):
            current += self.rng.randint(min_gap, max_gap)
            ids.append(current)
        return ids

    def artist_name(self) -> str:
        rng = self.rng
        while True:
            style = rng.random()
            if style < 0.4:
                name = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
            elif style < 0.65:
                name = f"The {rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}s"
            elif style < 0.85:
                name = f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}"
            else:
                name = f"{rng.choice(words.LAST_NAMES)} {rng.choice(words.BAND_SUFFIXES)}"
            if name not in self.names:
                self.names.add(name)
                return name

    def title(self) -> str:
        rng = self.rng
        style = rng.random()
        if style < 0.3:
            return f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}"
        if style < 0.5:
            return f"{rng.choice(words.NOUNS)} of the {rng.choice(words.NOUNS)}"
        if style < 0.7:
            return f"{rng.choice(words.VERBS)} {rng.choice(words.NOUNS)}"
        if style < 0.85:
            return rng.choice(words.NOUNS)
        return f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)} {rng.choice(words.NOUNS)}"

    def isrc(self, year: int) -> str:
        rng = self.rng
        alnum = string.ascii_uppercase + string.digits
        while True:
            code = (
                rng.choice(words.ISRC_COUNTRIES)
                + "".join(rng.choice(alnum) for _ in range(3))
                + f"{year % 100:02d}{rng.randint(0, 99999):05d}"
            )
            if code not in self.isrcs:
                self.isrcs.add(code)
                return code

    def color(self) -> str:
        return "#" + "".join(self.rng.choice("0123456789abcdef") for _ in range(6))


def _build_artists(b: _Builder) -> dict[int, Artist]:
    rng = b.rng
    artists: dict[int, Artist] = {}
    for artist_id in b.unique_ids(3_000_000, N_ARTISTS, 1_000, 60_000):
        types = ("ARTIST",) if rng.random() < 0.7 else ("ARTIST", "CONTRIBUTOR")
        artists[artist_id] = Artist(
            id=artist_id,
            name=b.artist_name(),
            picture=seeded_uuid(rng) if rng.random() < 0.9 else None,
            popularity=rng.randint(5, 100),
            artist_types=types,
            mix_id=mix_id(rng),
        )
    return artists


def _album_shape(rng: random.Random) -> tuple[str, int]:
    """Album type and track count."""
    roll = rng.random()
    if roll < 0.62:
        return "ALBUM", rng.randint(8, 18)
    if roll < 0.82:
        return "EP", rng.randint(4, 6)
    return "SINGLE", rng.randint(1, 3)


def _build_albums_and_tracks(b: _Builder, artists: dict[int, Artist]) -> tuple[dict[int, Album], dict[int, Track]]:
    rng = b.rng
    artist_ids = sorted(artists)
    albums: dict[int, Album] = {}
    tracks: dict[int, Track] = {}
    album_id = 5_000_000
    track_id = 10_000_000
    index = 0
    while len(albums) < MIN_ALBUMS or len(tracks) < MIN_TRACKS:
        # Every artist gets at least two releases before anyone gets a third.
        main_id = artist_ids[index % len(artist_ids)] if index < 2 * len(artist_ids) else rng.choice(artist_ids)
        index += 1
        album_id += rng.randint(2_000, 400_000)
        track_id += rng.randint(5_000, 900_000)
        album_type, n_tracks = _album_shape(rng)
        year = rng.randint(1968, 2026)
        release_ms = CATALOG_EPOCH_MS - (2026 - year) * 365 * DAY_MS - rng.randint(0, 300) * DAY_MS
        release_ms -= release_ms % DAY_MS
        stream_start_ms = max(release_ms, CATALOG_EPOCH_MS - (2026 - max(year, 2008)) * 365 * DAY_MS)
        stream_start_ms -= stream_start_ms % DAY_MS
        quality = rng.choices(QUALITIES, QUALITY_WEIGHTS)[0]
        label = rng.choice(words.LABELS)
        copyright_text = f"\u2117 {year} {label}"
        album_popularity = min(100, artists[main_id].popularity * rng.randint(40, 100) // 100)
        volumes = 2 if album_type == "ALBUM" and n_tracks >= 14 and rng.random() < 0.3 else 1
        per_volume = -(-n_tracks // volumes)
        album_title = b.title()
        album_replay_gain = round(rng.uniform(-13.5, -5.0), 2)
        album_credits: tuple[Credit, ...] = (Credit(main_id, "MAIN"),)
        if rng.random() < 0.08:
            co_main = rng.choice([a for a in artist_ids if a != main_id])
            album_credits += (Credit(co_main, "MAIN"),)
        album_track_ids: list[int] = []
        explicit_album = False
        total = 0
        for position in range(n_tracks):
            tid = track_id + 1 + position
            volume = position // per_volume + 1
            number = position % per_volume + 1
            credits = album_credits
            title = album_title if album_type == "SINGLE" and position == 0 else b.title()
            if rng.random() < 0.18:
                featured = rng.choice([a for a in artist_ids if a not in {c.artist_id for c in credits}])
                credits = credits + (Credit(featured, "FEATURED"),)
                title = f"{title} (feat. {artists[featured].name})"
            explicit = rng.random() < 0.15
            explicit_album = explicit_album or explicit
            duration = rng.randint(90, 480)
            total += duration
            has_key = rng.random() < 0.8
            tracks[tid] = Track(
                id=tid,
                title=title,
                version=rng.choice(words.VERSIONS) if rng.random() < 0.1 else None,
                album_id=album_id,
                credits=credits,
                track_number=number,
                volume_number=volume,
                duration=duration,
                popularity=max(0, min(100, album_popularity + rng.randint(-25, 15))),
                explicit=explicit,
                isrc=b.isrc(year),
                audio_quality=quality,
                bpm=rng.randint(60, 180) if has_key else None,
                key=rng.choice(words.MUSICAL_KEYS) if has_key else None,
                key_scale=rng.choice(("MAJOR", "MINOR")) if has_key else None,
                replay_gain=round(rng.uniform(-14.0, -4.0), 2),
                peak=round(rng.uniform(0.8, 1.0), 6),
                stream_start_ms=stream_start_ms,
                copyright=copyright_text,
                mix_id=mix_id(rng),
                has_lyrics=rng.random() < 0.75,
            )
            album_track_ids.append(tid)
        track_id += n_tracks
        albums[album_id] = Album(
            id=album_id,
            title=album_title,
            version="Deluxe" if album_type == "ALBUM" and volumes == 2 else None,
            album_type=album_type,
            credits=album_credits,
            release_date=format_date(release_ms),
            stream_start_ms=stream_start_ms,
            cover=seeded_uuid(rng),
            vibrant_color=b.color(),
            upc=f"{rng.randint(0, 10**12 - 1):012d}" if rng.random() < 0.5 else f"0{rng.randint(0, 10**12 - 1):012d}",
            copyright=copyright_text,
            explicit=explicit_album,
            popularity=album_popularity,
            audio_quality=quality,
            replay_gain=album_replay_gain,
            peak=round(rng.uniform(0.9, 1.0), 6),
            track_ids=tuple(album_track_ids),
            number_of_volumes=volumes,
            duration=total,
        )
    return albums, tracks


def _pick_items(b: _Builder, pool: list[int], count: int, start_ms: int, end_ms: int) -> tuple[PlaylistItem, ...]:
    rng = b.rng
    chosen = rng.sample(pool, count)
    stamps = sorted(rng.randint(start_ms, end_ms) for _ in range(count))
    return tuple(PlaylistItem(tid, ms, seeded_uuid(rng)) for tid, ms in zip(chosen, stamps, strict=True))


def _build_playlists(b: _Builder, tracks: dict[int, Track], user_id: int) -> dict[str, Playlist]:
    rng = b.rng
    pool = sorted(tracks)
    playlists: dict[str, Playlist] = {}
    for n in range(N_EDITORIAL_PLAYLISTS):
        theme = words.EDITORIAL_THEMES[n % len(words.EDITORIAL_THEMES)]
        title = f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)} {theme}"
        created = CATALOG_EPOCH_MS - rng.randint(400, 2500) * DAY_MS
        updated = CATALOG_EPOCH_MS - rng.randint(1, 60) * DAY_MS
        items = _pick_items(b, pool, rng.randint(25, 100), created, updated)
        key = seeded_uuid(rng)
        playlists[key] = Playlist(
            uuid=key,
            title=title,
            description=f"The {theme.lower()} of {rng.choice(words.NOUNS).lower()} music, updated every week.",
            creator_id=0,
            playlist_type="EDITORIAL",
            created_ms=created,
            last_updated_ms=updated,
            image=seeded_uuid(rng),
            square_image=seeded_uuid(rng),
            public=True,
            popularity=rng.randint(0, 100),
            items=items,
        )
    for size in USER_PLAYLIST_SIZES:
        created = CATALOG_EPOCH_MS - rng.randint(100, 900) * DAY_MS
        updated = CATALOG_EPOCH_MS - rng.randint(1, 90) * DAY_MS
        key = seeded_uuid(rng)
        playlists[key] = Playlist(
            uuid=key,
            title=f"My {rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)} Mix" if size else "New Playlist",
            description=f"{size} tracks I keep coming back to" if size else "",
            creator_id=user_id,
            playlist_type="USER",
            created_ms=created,
            last_updated_ms=updated,
            image=seeded_uuid(rng),
            square_image=seeded_uuid(rng),
            public=False,
            popularity=0,
            items=_pick_items(b, pool, size, created, updated),
        )
    return playlists


def _favorites(b: _Builder, ids: list, count: int) -> tuple[Favorite, ...]:
    rng = b.rng
    chosen = rng.sample(ids, count)
    stamps = sorted(CATALOG_EPOCH_MS - rng.randint(1, 1500 * 24) * 3_600_000 for _ in range(count))
    return tuple(Favorite(item, ms) for item, ms in zip(chosen, stamps, strict=True))


def _similar(b: _Builder, artists: dict[int, Artist]) -> dict[int, tuple[int, ...]]:
    rng = b.rng
    ids = sorted(artists)
    similar: dict[int, tuple[int, ...]] = {}
    for artist_id in ids:
        # About one artist in ten has no similar artists (TIDAL answers 404 for those).
        count = 0 if rng.random() < 0.1 else rng.randint(3, 10)
        similar[artist_id] = tuple(rng.sample([a for a in ids if a != artist_id], count))
    return similar


def _indexes(albums: dict[int, Album], tracks: dict[int, Track]) -> dict[str, dict]:
    by_artist: dict[int, list[int]] = {}
    appears_on: dict[int, list[int]] = {}
    tracks_by_artist: dict[int, list[int]] = {}
    for album in albums.values():
        for credit in album.credits:
            by_artist.setdefault(credit.artist_id, []).append(album.id)
    for track in tracks.values():
        for credit in track.credits:
            tracks_by_artist.setdefault(credit.artist_id, []).append(track.id)
            album_artist_ids = {c.artist_id for c in albums[track.album_id].credits}
            if credit.artist_id not in album_artist_ids:
                bucket = appears_on.setdefault(credit.artist_id, [])
                if track.album_id not in bucket:
                    bucket.append(track.album_id)
    return {
        "albums_by_artist": {k: tuple(v) for k, v in by_artist.items()},
        "appears_on": {k: tuple(v) for k, v in appears_on.items()},
        "tracks_by_artist": {k: tuple(v) for k, v in tracks_by_artist.items()},
        "tracks_by_isrc": {t.isrc: t.id for t in tracks.values()},
        "albums_by_upc": {a.upc: a.id for a in albums.values()},
    }


@functools.lru_cache(maxsize=8)
def build_catalog(seed: int = 42) -> Catalog:
    """Build (or reuse, it is immutable) the catalog for ``seed``."""
    b = _Builder(seed)
    artists = _build_artists(b)
    albums, tracks = _build_albums_and_tracks(b, artists)
    user = User(
        id=USER_ID,
        username="mara.lindqvist@example.com",
        first_name="Mara",
        last_name="Lindqvist",
        email="mara.lindqvist@example.com",
        country_code=COUNTRY_CODE,
        created_ms=CATALOG_EPOCH_MS - 2100 * DAY_MS,
        picture=seeded_uuid(b.rng),
        birthday_ms=528_854_400_000,
        google_uid=str(b.rng.randint(10**20, 10**21 - 1)),
    )
    playlists = _build_playlists(b, tracks, user.id)
    editorial = [p.uuid for p in playlists.values() if p.creator_id == 0]
    favorite_tracks = _favorites(b, sorted(tracks), N_FAVORITE_TRACKS)
    favorite_albums = _favorites(b, sorted(albums), N_FAVORITE_ALBUMS)
    favorite_artists = _favorites(b, sorted(artists), N_FAVORITE_ARTISTS)
    favorite_playlists = _favorites(b, editorial, N_FAVORITE_PLAYLISTS)
    similar = _similar(b, artists)
    add_box_set(b.seed, b.isrcs, artists, albums, tracks)  # last, so every earlier draw is unchanged
    return Catalog(
        seed=seed,
        artists=artists,
        albums=albums,
        tracks=tracks,
        playlists=playlists,
        user=user,
        favorite_tracks=favorite_tracks,
        favorite_albums=favorite_albums,
        favorite_artists=favorite_artists,
        favorite_playlists=favorite_playlists,
        similar_artists=similar,
        **_indexes(albums, tracks),
    )
