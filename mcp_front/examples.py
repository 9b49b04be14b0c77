"""Example ids for tool descriptions, help texts and docs: real ids of the demo's seeded catalog.

Every example a user reads must work in ``make demo`` (the emulator, seed 42); a test checks these
and every id written in README.md and docs/ against the emulator's catalog.
"""

EXAMPLE_TRACK_ID = 10085833
EXAMPLE_ALBUM_ID = 5122581
EXAMPLE_ARTIST_ID = 3042905
EXAMPLE_PLAYLIST_UUID = "433e343f-404f-4456-bfd9-2127ceeb3fbc"
