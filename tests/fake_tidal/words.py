"""Word lists the seeded catalog builds readable, searchable names from.

A few words (``night``, ``blue``, ``river``, ``gold``...) are deliberately shared by the
title, album and artist lists so that one search query hits several kinds of object.
"""

from __future__ import annotations

ADJECTIVES: tuple[str, ...] = (
    "Blue", "Golden", "Silent", "Electric", "Broken", "Velvet", "Hollow", "Wild", "Crimson",
    "Distant", "Paper", "Silver", "Neon", "Quiet", "Burning", "Northern", "Fading", "Endless",
    "Lucky", "Restless", "Gentle", "Frozen", "Bitter", "Sweet", "Midnight", "Lonely", "Bright",
    "Secret", "Falling", "Violet", "Hidden", "Copper", "Amber", "Tender", "Heavy", "Little",
)

NOUNS: tuple[str, ...] = (
    "Night", "River", "Heart", "Summer", "Ocean", "Light", "Road", "Dream", "Fire", "Garden",
    "Mountain", "City", "Rain", "Shadow", "Mirror", "Highway", "Morning", "Window", "Harbor",
    "Echo", "Horizon", "Thunder", "Island", "Letter", "Season", "Signal", "Feather", "Diamond",
    "Lantern", "Canyon", "Meadow", "Orbit", "Satellite", "Valley", "Anthem", "Paradise",
    "Weather", "Gold", "Stone", "Moon", "Tide", "Wire", "Compass", "Avenue", "Ghost",
)

VERBS: tuple[str, ...] = (
    "Chasing", "Holding", "Running", "Dancing", "Waiting", "Calling", "Falling", "Breaking",
    "Finding", "Leaving", "Burning", "Drifting", "Counting", "Crossing", "Keeping", "Turning",
)

FIRST_NAMES: tuple[str, ...] = (
    "Mara", "Elias", "Nora", "Jonah", "Ines", "Tobias", "Lena", "Oskar", "Aurelie", "Mateo",
    "Freya", "Caleb", "Yara", "Silas", "Ruby", "Anton", "Esme", "Dario", "Isla", "Felix",
    "Priya", "Marcus", "Juno", "Levi", "Noor", "Hugo", "Selma", "Rafael", "Tess", "Kenji",
)

LAST_NAMES: tuple[str, ...] = (
    "Lindqvist", "Okafor", "Marchetti", "Haldane", "Novak", "Reyes", "Whitlock", "Moreau",
    "Kowalski", "Achterberg", "Delacroix", "Sato", "Brennan", "Castellano", "Fairweather",
    "Ivanova", "Lachance", "Osei", "Park", "Quinlan", "Rasmussen", "Strand", "Tanaka", "Vidal",
)

BAND_SUFFIXES: tuple[str, ...] = (
    "Band", "Collective", "Quartet", "Orchestra", "Trio", "Club", "Society", "Brothers",
)

LABELS: tuple[str, ...] = (
    "Northbound Records", "Harbor Light Music", "Blue Orbit Recordings", "Copper Wire Records",
    "Velvet Tide Music Group", "Satellite Sound Ltd", "Meadowlark Records", "Lantern House Music",
)

VERSIONS: tuple[str, ...] = (
    "Remastered 2011", "Live", "Radio Edit", "Acoustic", "Extended Mix", "Demo", "Remix",
)

LYRIC_LINES: tuple[str, ...] = (
    "I kept the {n} light burning through the night",
    "We were {a} and the {n} was ours",
    "Take me down to the {n} again",
    "Every {n} remembers your name",
    "{v} the {n}, never looking back",
    "Oh, the {a} {n} is calling me home",
    "Hold on, hold on, the {n} is near",
    "You said the {n} would never change",
)

EDITORIAL_THEMES: tuple[str, ...] = (
    "Essentials", "Hits", "Lounge", "Workout", "Focus", "Road Trip", "Throwbacks", "Discoveries",
)

ISRC_COUNTRIES: tuple[str, ...] = ("US", "GB", "DE", "FR", "SE", "NL", "NO", "CA", "AU", "JP")

MUSICAL_KEYS: tuple[str, ...] = (
    "C", "CSharp", "D", "Eb", "E", "F", "FSharp", "G", "Ab", "A", "Bb", "B",
)
