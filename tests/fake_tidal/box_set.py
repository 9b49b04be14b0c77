"""The seeded anthology: one album longer than an openapi page (46 tracks), added after the rest.

Drawn from its own generator and given ids above every other album and track, so adding it
changed no earlier object of a seed.
"""

from __future__ import annotations

import random
import string

from . import words
from .model import CATALOG_EPOCH_MS, DAY_MS, Album, Artist, Credit, Track, format_date, mix_id, seeded_uuid

BOX_SET_TRACKS = 46


def add_box_set(
    seed: int, isrcs: set[str], artists: dict[int, Artist], albums: dict[int, Album], tracks: dict[int, Track]
) -> None:
    """One 46-track anthology (more than a 20-item openapi page), with ids above every other."""
    rng = random.Random(f"{seed}:box-set")
    main = max(artists.values(), key=lambda a: (a.popularity, a.id))
    album_id = max(albums) + rng.randint(2_000, 40_000)
    first_track = max(tracks) + rng.randint(5_000, 90_000)
    year, label = 2024, rng.choice(words.LABELS)
    release_ms = CATALOG_EPOCH_MS - 2 * 365 * DAY_MS
    release_ms -= release_ms % DAY_MS
    credits = (Credit(main.id, "MAIN"),)
    track_ids = []
    for position in range(BOX_SET_TRACKS):
        tid = first_track + position
        while True:
            isrc = rng.choice(words.ISRC_COUNTRIES) + "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
            isrc += f"{year % 100:02d}{rng.randint(0, 99999):05d}"
            if isrc not in isrcs:
                isrcs.add(isrc)
                break
        tracks[tid] = Track(
            id=tid,
            title=f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}",
            version=None,
            album_id=album_id,
            credits=credits,
            track_number=position + 1,
            volume_number=1,
            duration=rng.randint(120, 300),
            popularity=rng.randint(5, 60),
            explicit=False,
            isrc=isrc,
            audio_quality="HI_RES_LOSSLESS",
            bpm=rng.randint(60, 180),
            key=rng.choice(words.MUSICAL_KEYS),
            key_scale=rng.choice(("MAJOR", "MINOR")),
            replay_gain=round(rng.uniform(-12.0, -6.0), 2),
            peak=round(rng.uniform(0.85, 1.0), 6),
            stream_start_ms=release_ms,
            copyright=f"\u2117 {year} {label}",
            mix_id=mix_id(rng),
            has_lyrics=False,
        )
        track_ids.append(tid)
    albums[album_id] = Album(
        id=album_id,
        title=f"{main.name} Anthology",
        version=None,
        album_type="ALBUM",
        credits=credits,
        release_date=format_date(release_ms),
        stream_start_ms=release_ms,
        cover=seeded_uuid(rng),
        vibrant_color="#" + "".join(rng.choice("0123456789abcdef") for _ in range(6)),
        upc=f"0{rng.randint(0, 10**12 - 1):012d}",
        copyright=f"\u2117 {year} {label}",
        explicit=False,
        popularity=main.popularity,
        audio_quality="HI_RES_LOSSLESS",
        replay_gain=-9.5,
        peak=0.99,
        track_ids=tuple(track_ids),
        number_of_volumes=1,
        duration=sum(tracks[t].duration for t in track_ids),
    )
