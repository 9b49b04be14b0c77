"""The emulator's live state: catalog, playlists, favorites, tokens, device logins, counters.

All mutation goes through methods holding ``State.lock`` so that tests reading state from
another thread (``FakeTidal.state``) see consistent values.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from .catalog import Catalog, build_catalog
from .catalog_extras import Extras, build_extras
from .collection import Collection
from .model import Favorite, Playlist, PlaylistItem
from .options import EmulatorOptions

#: Favorite kinds served by v1 ``users/{id}/favorites/{kind}``.
FAVORITE_KINDS: tuple[str, ...] = ("tracks", "albums", "artists", "videos", "playlists")


@dataclass
class PlaylistState:
    """A playlist's mutable copy; ``etag`` is derived from ``last_updated_ms``."""

    uuid: str
    title: str
    description: str
    creator_id: int
    playlist_type: str
    created_ms: int
    last_updated_ms: int
    image: str
    square_image: str
    public: bool
    popularity: int
    items: list[PlaylistItem]

    @property
    def etag(self) -> str:
        """The quoted ETag TIDAL sends: ``"<lastUpdated ms>"``."""
        return f'"{self.last_updated_ms}"'

    def touch(self) -> None:
        """Bump lastUpdated (and so the ETag) after a write; strictly increasing."""
        self.last_updated_ms = max(self.last_updated_ms + 1, now_ms())


@dataclass(frozen=True)
class Grant:
    """Who a refresh token was issued to: the user and the OAuth client kind."""

    user_id: int
    client: str


@dataclass
class TokenRecord:
    """An issued access token (``client`` is "device" or "pkce")."""

    user_id: int
    client: str
    issued_at: float
    expires_at: float
    session_id: str


@dataclass
class DeviceLogin:
    """A pending (or approved) device-code login."""

    device_code: str
    user_code: str
    expires_at: float
    approved: bool = False
    polls: int = 0


@dataclass
class Settings:
    """Run-time settings ``POST /_control/settings`` may change (reset with the state)."""

    subscription: str
    url_lifetime: int


@dataclass
class Counters:
    """Request counters for TIDAL routes (the control API is never counted)."""

    total: int = 0
    routes: Counter = field(default_factory=Counter)
    paths: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)


def now_ms() -> int:
    """Wall-clock epoch milliseconds."""
    return int(time.time() * 1000)


class State:
    """Everything the routes read and write."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.options = options
        self.catalog: Catalog = build_catalog(options.seed)
        self.extras: Extras = build_extras(options.seed)
        self.lock = threading.RLock()
        self.counters = Counters()
        self.tokens: dict[str, TokenRecord] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self.devices: dict[str, DeviceLogin] = {}
        self.playlists: dict[str, PlaylistState] = {}
        self.favorites: dict[str, list[Favorite]] = {}
        self.favorite_playlists: list[Favorite] = []
        self.favorite_mixes: list[Favorite] = []
        self.collection = Collection(options.seed)
        self.settings = Settings(options.subscription, options.url_lifetime)
        self.reset_mutable()

    # -- resets -------------------------------------------------------------------------

    def reset_mutable(self, keep_tokens: bool = False) -> None:
        """Restore playlists, favorites, tokens and device logins to the seeded state (with
        ``keep_tokens``, logins already issued stay valid)."""
        with self.lock:
            cat, ext = self.catalog, self.extras
            seeded = [*cat.playlists.values(), *ext.user_playlists.values()]
            self.playlists = {p.uuid: playlist_state(p) for p in seeded}
            self.favorites = {
                "tracks": list(cat.favorite_tracks),
                "albums": list(cat.favorite_albums),
                "artists": list(cat.favorite_artists),
                "videos": list(ext.favorite_videos),
            }
            self.favorite_playlists = list(cat.favorite_playlists)
            self.favorites["playlists"] = self.favorite_playlists
            self.favorite_mixes = list(ext.favorite_mixes)
            self.collection = Collection(cat.seed)
            self.settings = Settings(self.options.subscription, self.options.url_lifetime)
            if not keep_tokens:
                self.tokens.clear()
                self.refresh_tokens.clear()
                self.devices.clear()

    def reset_counters(self) -> None:
        """Zero the request counters."""
        with self.lock:
            self.counters = Counters()

    # -- counters ----------------------------------------------------------------------

    def count(self, method: str, route: str, path: str) -> None:
        """Count one TIDAL request by route template and by concrete path."""
        with self.lock:
            self.counters.total += 1
            self.counters.routes[f"{method} {route}"] += 1
            self.counters.paths[f"{method} {path}"] += 1

    def count_status(self, status: int) -> None:
        """Count the status a TIDAL request was answered with."""
        with self.lock:
            self.counters.statuses[str(status)] += 1

    def counters_json(self) -> dict:
        """Snapshot of the counters as the control API serves them."""
        with self.lock:
            return {
                "total": self.counters.total,
                "routes": dict(sorted(self.counters.routes.items())),
                "paths": dict(sorted(self.counters.paths.items())),
                "statuses": dict(sorted(self.counters.statuses.items())),
                "rate_limited": self.counters.statuses.get("429", 0),
            }

    # -- tokens ------------------------------------------------------------------------

    def issue_tokens(self, client: str = "device") -> dict:
        """Mint an access/refresh pair for the seeded user through ``client`` (device or pkce)."""
        with self.lock:
            grant = Grant(self.catalog.user.id, client)
            access = self._new_access_token(grant)
            refresh = "rt_" + secrets.token_urlsafe(32)
            self.refresh_tokens[refresh] = grant
            return {
                "access_token": access,
                "refresh_token": refresh,
                "token_type": "Bearer",
                "expires_in": self.options.token_lifetime,
                "user_id": grant.user_id,
            }

    def refresh(self, refresh_token: str) -> dict | None:
        """Exchange a refresh token; None when it is unknown (or was rotated away)."""
        with self.lock:
            grant = self.refresh_tokens.get(refresh_token)
            if grant is None:
                return None
            result = {
                "access_token": self._new_access_token(grant),
                "expires_in": self.options.token_lifetime,
                "user_id": grant.user_id,
            }
            if self.options.rotate_refresh_tokens:
                del self.refresh_tokens[refresh_token]
                new_refresh = "rt_" + secrets.token_urlsafe(32)
                self.refresh_tokens[new_refresh] = grant
                result["refresh_token"] = new_refresh
            return result

    def _new_access_token(self, grant: Grant) -> str:
        token = "at_" + secrets.token_urlsafe(32)
        issued = time.time()
        self.tokens[token] = TokenRecord(
            user_id=grant.user_id,
            client=grant.client,
            issued_at=issued,
            expires_at=issued + self.options.token_lifetime,
            session_id=str(uuid.uuid4()),
        )
        return token

    def expire_all_tokens(self) -> int:
        """Make every issued access token expired now; returns how many."""
        with self.lock:
            for record in self.tokens.values():
                record.expires_at = 0.0
            return len(self.tokens)

    # -- device logins -----------------------------------------------------------------

    def new_device_login(self) -> DeviceLogin:
        """Start a device-code login with a fresh 5-letter user code."""
        with self.lock:
            alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ"
            while True:
                user_code = "".join(secrets.choice(alphabet) for _ in range(5))
                if all(d.user_code != user_code for d in self.devices.values()):
                    break
            login = DeviceLogin(
                device_code=str(uuid.uuid4()),
                user_code=user_code,
                expires_at=time.time() + self.options.device_expires_in,
            )
            self.devices[login.device_code] = login
            return login

    def approve_devices(self, user_code: str | None) -> list[str]:
        """Approve the pending login with ``user_code`` (all pending ones when None)."""
        with self.lock:
            approved = []
            for login in self.devices.values():
                if user_code is None or login.user_code == user_code.upper():
                    login.approved = True
                    approved.append(login.user_code)
            return approved

    # -- playlists ---------------------------------------------------------------------

    def create_playlist(self, title: str, description: str, public: bool = False) -> PlaylistState:
        """A new empty playlist owned by the seeded user."""
        with self.lock:
            stamp = now_ms()
            playlist = PlaylistState(
                uuid=str(uuid.uuid4()),
                title=title,
                description=description,
                creator_id=self.catalog.user.id,
                playlist_type="USER",
                created_ms=stamp,
                last_updated_ms=stamp,
                image=str(uuid.uuid4()),
                square_image=str(uuid.uuid4()),
                public=public,
                popularity=0,
                items=[],
            )
            self.playlists[playlist.uuid] = playlist
            return playlist

    def user_playlists(self, user_id: int) -> list[PlaylistState]:
        """Playlists created by ``user_id``, newest first."""
        with self.lock:
            owned = [p for p in self.playlists.values() if p.creator_id == user_id]
            return sorted(owned, key=lambda p: (-p.created_ms, p.uuid))


def playlist_state(p: Playlist) -> PlaylistState:
    """A mutable copy of a seeded playlist."""
    return PlaylistState(
        uuid=p.uuid,
        title=p.title,
        description=p.description,
        creator_id=p.creator_id,
        playlist_type=p.playlist_type,
        created_ms=p.created_ms,
        last_updated_ms=p.last_updated_ms,
        image=p.image,
        square_image=p.square_image,
        public=p.public,
        popularity=p.popularity,
        items=list(p.items),
    )
