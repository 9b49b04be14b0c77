"""A stored login for the emulator's user, as `tidal-mcp login` would leave it."""

from __future__ import annotations

from shared.tokens import StoredLogin
from tests.fake_tidal import FakeTidal


def emulator_login(emu: FakeTidal) -> StoredLogin:
    """Fresh tokens for the emulator's seeded user, in the shape the token store keeps."""
    tokens = emu.issue_tokens()
    return StoredLogin(
        token_type="Bearer",
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        user_id=int(tokens["user_id"]),
    )
