"""TIDAL's device-code login, run by ``tidal-mcp login`` (and unattended by ``make demo``).

The user opens a link, approves the device, and the tokens go into the keyring. Workers pick the
new login up at their next job (the token store bumps the login generation in Redis).

Example::

    login = device_login(settings, show=lambda link: print(link.verification_uri_complete))
    TokenStore.from_settings(settings).save(login)
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tidalapi.session import LinkLogin

from shared.settings import Settings
from shared.tidal import login_from_session, new_session
from shared.tokens import StoredLogin

log = logging.getLogger(__name__)


class LoginFailed(RuntimeError):
    """The device login did not complete (expired, refused, or TIDAL unreachable)."""


def device_login(settings: Settings, show: Callable[[LinkLogin], None]) -> StoredLogin:
    """Run the device flow: call ``show(link)`` once, then wait until approved or expired."""
    session = new_session(settings)
    try:
        link = session.get_link_login()
    except Exception as exc:
        raise LoginFailed(f"could not start the TIDAL login ({_describe(exc)})") from None
    show(link)
    try:
        session.process_link_login(link)
    except TimeoutError:
        raise LoginFailed("the login link expired before it was approved; run the command again") from None
    except Exception as exc:
        raise LoginFailed(f"the TIDAL login failed ({_describe(exc)})") from None
    return login_from_session(session)


def _describe(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if response is not None:
        return f"TIDAL answered {response.status_code}"
    return type(exc).__name__
