"""A TIDAL API emulator driven by the real tidalapi (see tests/emulator/ for its tests).

from tests.fake_tidal import FakeTidal, EmulatorOptions
with FakeTidal(EmulatorOptions(seed=42, auto_approve=True)) as emu:
    ...  # point tidalapi's Config at emu.url
"""

from .app import FakeTidal, create_app
from .options import EmulatorOptions

__all__ = ["EmulatorOptions", "FakeTidal", "create_app"]
