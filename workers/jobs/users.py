"""User jobs: profiles and public playlists (the logged-in user's or anyone's)."""

from __future__ import annotations

import tidalapi

from shared import models
from workers import normalize
from workers.runtime import tidal_job
from workers.tidal_types import me, parsed_id

PUBLIC_PAGE = 50  # TIDAL's v2 listings refuse bigger pages (400/1001)
PUBLIC_MAX = 2000


def _resolve(session: tidalapi.Session, user_id: int) -> int:
    """0 stands for the logged-in user."""
    return int(parsed_id(me(session).id)) if user_id == 0 else user_id


@tidal_job("user.get")
def get_user(session: tidalapi.Session, user_id: int) -> models.UserProfile:
    """A user's profile (1 request); ``user_id`` 0 is the logged-in user."""
    me_id = int(parsed_id(me(session).id))
    wanted = _resolve(session, user_id)
    body = session.request.request("GET", f"users/{wanted}").json()
    return normalize.user_profile(session, body, is_me=wanted == me_id)


@tidal_job("user.playlists")
def get_user_playlists(session: tidalapi.Session, user_id: int) -> models.UserPlaylistList:
    """Every public playlist of a user, pages of 50 (up to 2,000); ``user_id`` 0 is the logged-in user."""
    wanted = _resolve(session, user_id)
    parse = session.playlist().parse_factory
    entries: list[dict] = []
    offset, total = 0, None
    while (total is None or offset < total) and offset < PUBLIC_MAX:
        body = session.request.request(
            "GET",
            f"user-playlists/{wanted}/public",
            base_url=session.config.api_v2_location,
            params={"limit": PUBLIC_PAGE, "offset": offset},
        ).json()
        page = [item["playlist"] for item in body.get("items") or [] if item.get("playlist")]
        entries += page
        total = int(body["totalNumberOfItems"]) if body.get("totalNumberOfItems") is not None else None
        offset += PUBLIC_PAGE
        if total is None and len(body.get("items") or []) < PUBLIC_PAGE:
            break
    playlists = session.request.map_json({"items": entries}, parse=parse)
    return models.UserPlaylistList(user_id=wanted, items=[normalize.playlist_summary(p) for p in playlists])
