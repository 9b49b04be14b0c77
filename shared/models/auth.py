"""The login status as the tools return it."""

from __future__ import annotations

from pydantic import Field

from shared.models.common import _Model


class AuthStatus(_Model):
    """Whether the pool holds a working TIDAL login, and whose."""

    logged_in: bool
    user_id: int | None = None
    username: str | None = None
    country_code: str | None = None
    token_expires_at: str | None = Field(None, description="UTC; workers refresh the token by themselves")
    message: str
