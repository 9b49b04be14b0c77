"""Seeded additions to the catalog: videos, mixes, genres, moods, other users, availability.

Each part is drawn from its own ``random.Random(f"{seed}:<purpose>")`` (never the catalog's
generator), so the tracks, albums and playlists of a seed stay byte-identical to what they were
before these existed. Use :func:`build_extras` (cached per seed).
"""

from __future__ import annotations

import functools
import random
import string
from dataclasses import dataclass

from . import words
from .catalog import Catalog, build_catalog
from .model import CATALOG_EPOCH_MS, DAY_MS, Credit, Favorite, Playlist, PlaylistItem, mix_id, seeded_uuid

N_UNAVAILABLE = 40
N_OTHER_USERS = 3
N_FAVORITE_VIDEOS = 6
#: Share of tracks whose streams TIDAL serves encrypted (``OLD_AES`` BTS, ``cenc`` DASH).
ENCRYPTED_SHARE = 0.1
MIX_SIZE = 50
VIDEO_QUALITIES: tuple[str, ...] = ("MP4_1080P", "MP4_720P")


@dataclass(frozen=True)
class Video:
    """A music video (v1 ``/videos/{id}``)."""

    id: int
    title: str
    credits: tuple[Credit, ...]
    duration: int
    release_ms: int
    stream_start_ms: int
    image_id: str
    vibrant_color: str
    quality: str
    popularity: int
    explicit: bool
    isrc: str


@dataclass(frozen=True)
class Mix:
    """A mix: a track or artist radio, or one of the user's personal mixes."""

    id: str
    mix_type: str
    title: str
    sub_title: str
    short_subtitle: str
    track_ids: tuple[int, ...]
    video_ids: tuple[int, ...] = ()
    updated_ms: int = CATALOG_EPOCH_MS


@dataclass(frozen=True)
class Genre:
    """A genre (``GET /v1/genres``) and what it holds."""

    name: str
    path: str
    image: str
    artist_ids: tuple[int, ...]
    playlist_uuids: tuple[str, ...]


@dataclass(frozen=True)
class Mood:
    """A mood (``GET /v1/moods``): a named set of editorial playlists."""

    name: str
    path: str
    image: str
    playlist_uuids: tuple[str, ...]


@dataclass(frozen=True)
class OtherUser:
    """Another TIDAL user whose public playlists and profile can be read."""

    id: int
    first_name: str
    last_name: str
    picture: str
    created_ms: int


@dataclass(frozen=True)
class Extras:
    """Everything :func:`build_extras` adds for one seed."""

    videos: dict[int, Video]
    videos_by_artist: dict[int, tuple[int, ...]]
    personal_mixes: dict[str, Mix]
    mix_owners: dict[str, tuple[str, int]]
    genres: tuple[Genre, ...]
    genre_of_artist: dict[int, str]
    moods: tuple[Mood, ...]
    users: dict[int, OtherUser]
    user_playlists: dict[str, Playlist]
    unavailable: frozenset[int]
    encrypted: frozenset[int]
    favorite_videos: tuple[Favorite, ...]
    favorite_mixes: tuple[Favorite, ...]
    #: Albums with an animated cover (``videoCover``), by album id.
    video_covers: dict[int, str]


def _rng(seed: int, purpose: str) -> random.Random:
    return random.Random(f"{seed}:{purpose}")


def _unavailable(cat: Catalog) -> frozenset[int]:
    """Tracks not licensed in the user's country; never in a seeded playlist or favorite."""
    used = {i.track_id for p in cat.playlists.values() for i in p.items} | {int(f.id) for f in cat.favorite_tracks}
    pool = sorted(set(cat.tracks) - used)
    return frozenset(_rng(cat.seed, "unavailable").sample(pool, N_UNAVAILABLE))


def _videos(cat: Catalog) -> dict[int, Video]:
    rng = _rng(cat.seed, "videos")
    videos: dict[int, Video] = {}
    video_id = 400_000_000
    alnum = string.ascii_uppercase + string.digits
    for artist_id in sorted(cat.artists):
        if rng.random() < 0.4:
            continue
        for _ in range(rng.randint(1, 4)):
            video_id += rng.randint(10_000, 3_000_000)
            year = rng.randint(2008, 2026)
            release = CATALOG_EPOCH_MS - (2026 - year) * 365 * DAY_MS - rng.randint(0, 300) * DAY_MS
            release -= release % DAY_MS
            source = rng.choice(cat.tracks_by_artist[artist_id])
            while True:
                isrc = rng.choice(words.ISRC_COUNTRIES) + "V" + "".join(rng.choice(alnum) for _ in range(2))
                isrc += f"{year % 100:02d}{rng.randint(0, 99999):05d}"
                if isrc not in cat.tracks_by_isrc and all(v.isrc != isrc for v in videos.values()):
                    break
            suffix = rng.choice(("", " (Official Video)", " (Lyric Video)", " (Live)"))
            videos[video_id] = Video(
                id=video_id,
                title=cat.tracks[source].title.split(" (feat.")[0] + suffix,
                credits=(Credit(artist_id, "MAIN"),),
                duration=rng.randint(150, 420),
                release_ms=release,
                stream_start_ms=release + rng.randint(0, 2) * DAY_MS,
                image_id=seeded_uuid(rng),
                vibrant_color="#" + "".join(rng.choice("0123456789abcdef") for _ in range(6)),
                quality=rng.choice(VIDEO_QUALITIES),
                popularity=rng.randint(0, 80),
                explicit=rng.random() < 0.1,
                isrc=isrc,
            )
    return videos


def available_pool(cat: Catalog, unavailable: frozenset[int]) -> list[int]:
    """Every streamable track id, ascending."""
    return [t for t in sorted(cat.tracks) if t not in unavailable]


def radio_ids(cat: Catalog, artist_id: int, unavailable: frozenset[int], exclude: int | None = None) -> list[int]:
    """Popular tracks of the artist and its similar artists (what radios and mixes play)."""
    artists = (artist_id, *cat.similar_artists[artist_id])
    pool = {t for a in artists for t in cat.tracks_by_artist.get(a, ()) if t != exclude and t not in unavailable}
    return sorted(pool, key=lambda t: (-cat.tracks[t].popularity, t))


def _personal_mixes(cat: Catalog, unavailable: frozenset[int], videos: dict[int, Video]) -> dict[str, Mix]:
    rng = _rng(cat.seed, "mixes")
    pool = available_pool(cat, unavailable)
    favorites = [int(f.id) for f in cat.favorite_tracks if int(f.id) not in unavailable]
    mixes: list[Mix] = []
    for number in range(1, 4):
        picked = rng.sample(pool, MIX_SIZE)
        names = ", ".join(cat.artists[cat.tracks[t].credits[0].artist_id].name for t in picked[:3])
        mixes.append(Mix(mix_id(rng), "DAILY_MIX", f"My Mix {number}", names, names, tuple(picked)))
    newest = sorted(pool, key=lambda t: (-cat.tracks[t].stream_start_ms, t))[:MIX_SIZE]
    mixes.append(
        Mix(mix_id(rng), "DISCOVERY_MIX", "My Daily Discovery", "New to you", "Daily", tuple(rng.sample(pool, 40)))
    )
    mixes.append(Mix(mix_id(rng), "NEW_RELEASE_MIX", "My New Arrivals", "Fresh releases", "Weekly", tuple(newest)))
    mixes.append(
        Mix(mix_id(rng), "HISTORY_ALLTIME_MIX", "My Most Listened", "All time", "All time", tuple(favorites[:MIX_SIZE]))
    )
    mixes.append(Mix(mix_id(rng), "HISTORY_MONTHLY_MIX", "October 2026", "Monthly", "Monthly", tuple(favorites[-30:])))
    chosen_videos = tuple(rng.sample(sorted(videos), min(20, len(videos))))
    mixes.append(Mix(mix_id(rng), "VIDEO_DAILY_MIX", "Video Mix", "Videos for you", "Daily", (), chosen_videos))
    return {m.id: m for m in mixes}


def _genres_and_moods(cat: Catalog) -> tuple[tuple[Genre, ...], dict[int, str], tuple[Mood, ...]]:
    rng = _rng(cat.seed, "genres")
    of_artist = {a: rng.choice(words.GENRES)[1] for a in sorted(cat.artists)}
    editorial = sorted(p.uuid for p in cat.playlists.values() if p.creator_id == 0)
    genres = []
    for index, (name, path) in enumerate(words.GENRES):
        genres.append(
            Genre(
                name=name,
                path=path,
                image=seeded_uuid(rng),
                artist_ids=tuple(a for a, g in of_artist.items() if g == path),
                playlist_uuids=tuple(editorial[index % len(editorial) :: len(words.GENRES)] or editorial[:1]),
            )
        )
    moods = tuple(
        Mood(name=name, path=path, image=seeded_uuid(rng), playlist_uuids=tuple(rng.sample(editorial, 3)))
        for name, path in words.MOODS
    )
    return tuple(genres), of_artist, moods


def _other_users(cat: Catalog, unavailable: frozenset[int]) -> tuple[dict[int, OtherUser], dict[str, Playlist]]:
    rng = _rng(cat.seed, "users")
    pool = available_pool(cat, unavailable)
    users: dict[int, OtherUser] = {}
    playlists: dict[str, Playlist] = {}
    user_id = 180_000_000
    for _ in range(N_OTHER_USERS):
        user_id += rng.randint(100_000, 5_000_000)
        users[user_id] = OtherUser(
            id=user_id,
            first_name=rng.choice(words.FIRST_NAMES),
            last_name=rng.choice(words.LAST_NAMES),
            picture=seeded_uuid(rng),
            created_ms=CATALOG_EPOCH_MS - rng.randint(200, 3000) * DAY_MS,
        )
        for _ in range(rng.randint(2, 3)):
            created = CATALOG_EPOCH_MS - rng.randint(30, 900) * DAY_MS
            updated = created + rng.randint(1, 25) * DAY_MS
            size = rng.randint(8, 40)
            stamps = sorted(rng.randint(created, updated) for _ in range(size))
            items = tuple(
                PlaylistItem(t, ms, seeded_uuid(rng)) for t, ms in zip(rng.sample(pool, size), stamps, strict=True)
            )
            key = seeded_uuid(rng)
            playlists[key] = Playlist(
                uuid=key,
                title=f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}s",
                description=f"Made by {users[user_id].first_name}",
                creator_id=user_id,
                playlist_type="USER",
                created_ms=created,
                last_updated_ms=updated,
                image=seeded_uuid(rng),
                square_image=seeded_uuid(rng),
                public=True,
                popularity=rng.randint(0, 30),
                items=items,
            )
    return users, playlists


def _stamped(rng: random.Random, ids: list, count: int) -> tuple[Favorite, ...]:
    chosen = rng.sample(ids, count)
    stamps = sorted(CATALOG_EPOCH_MS - rng.randint(1, 900 * 24) * 3_600_000 for _ in range(count))
    return tuple(Favorite(item, ms) for item, ms in zip(chosen, stamps, strict=True))


@functools.lru_cache(maxsize=8)
def build_extras(seed: int = 42) -> Extras:
    """Build (or reuse, it is immutable) the additions for ``seed``."""
    cat = build_catalog(seed)
    unavailable = _unavailable(cat)
    videos = _videos(cat)
    by_artist: dict[int, list[int]] = {}
    for video in videos.values():
        by_artist.setdefault(video.credits[0].artist_id, []).append(video.id)
    personal = _personal_mixes(cat, unavailable, videos)
    owners: dict[str, tuple[str, int]] = {t.mix_id: ("TRACK_MIX", t.id) for t in cat.tracks.values()}
    owners.update({a.mix_id: ("ARTIST_MIX", a.id) for a in cat.artists.values()})
    genres, genre_of_artist, moods = _genres_and_moods(cat)
    users, user_playlists = _other_users(cat, unavailable)
    rng = _rng(seed, "encrypted")
    encrypted = frozenset(t for t in sorted(cat.tracks) if rng.random() < ENCRYPTED_SHARE)
    fav_rng = _rng(seed, "favorites")
    track_mixes = [cat.tracks[t].mix_id for t in sorted(cat.tracks)[:200]]
    favorite_mixes = _stamped(fav_rng, track_mixes, 2) + _stamped(fav_rng, sorted(personal), 2)
    return Extras(
        videos=videos,
        videos_by_artist={k: tuple(v) for k, v in by_artist.items()},
        personal_mixes=personal,
        mix_owners=owners,
        genres=genres,
        genre_of_artist=genre_of_artist,
        moods=moods,
        users=users,
        user_playlists=user_playlists,
        unavailable=unavailable,
        encrypted=encrypted,
        favorite_videos=_stamped(fav_rng, sorted(videos), N_FAVORITE_VIDEOS),
        favorite_mixes=tuple(sorted(favorite_mixes, key=lambda f: f.created_ms)),
        video_covers=_video_covers(cat),
    )


def _video_covers(cat: Catalog) -> dict[int, str]:
    rng = _rng(cat.seed, "video-covers")
    return {a: seeded_uuid(rng) for a in sorted(cat.albums) if rng.random() < 0.12}


def extras_of(cat: Catalog) -> Extras:
    """The additions that belong to ``cat``'s seed."""
    return build_extras(cat.seed)


def get_mix(cat: Catalog, mix: str) -> Mix | None:
    """A personal mix, or the track/artist radio mix with that id (built on demand)."""
    ext = extras_of(cat)
    if mix in ext.personal_mixes:
        return ext.personal_mixes[mix]
    owner = ext.mix_owners.get(mix)
    if owner is None:
        return None
    kind, ident = owner
    if kind == "TRACK_MIX":
        track = cat.tracks[ident]
        artist = cat.artists[track.credits[0].artist_id]
        items = [ident] + radio_ids(cat, artist.id, ext.unavailable, exclude=ident)
        return Mix(mix, kind, track.title, artist.name, "Track Radio", tuple(items[:MIX_SIZE]))
    artist = cat.artists[ident]
    items = radio_ids(cat, ident, ext.unavailable)
    return Mix(mix, kind, artist.name, "Artist Radio", "Artist Radio", tuple(items[:MIX_SIZE]))
