"""Login status, answered from the worker's session without calling TIDAL."""

from __future__ import annotations

import tidalapi

from shared import models
from workers.runtime import tidal_job
from workers.tidal_types import parsed_id


@tidal_job("auth.status")
def auth_status(session: tidalapi.Session) -> models.AuthStatus:
    """Who the pool is logged in as (the "not logged in" case is answered by the job wrapper)."""
    user = session.user
    expiry = session.expiry_time
    return models.AuthStatus(
        logged_in=True,
        user_id=int(parsed_id(user.id)) if user is not None else None,
        username=getattr(user, "username", None),
        country_code=session.country_code,
        token_expires_at=expiry.isoformat() if expiry else None,
        message="Logged in to TIDAL.",
    )
