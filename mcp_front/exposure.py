"""Who may reach the front over HTTP: loopback by default, the network only with a key.

* Binding anywhere but loopback without ``TIDAL_MCP_AUTH_TOKEN`` refuses to start (one line naming
  the variable), unless the operator opts out explicitly with ``TIDAL_MCP_ALLOW_UNAUTHENTICATED=1``
  (a trusted network behind another authenticating proxy).
* Host and Origin headers are checked on ``/mcp`` (the SDK's DNS-rebinding protection) for
  loopback names, the bind address, and the names in ``TIDAL_MCP_PUBLIC_HOSTS``; a wildcard bind
  (``0.0.0.0``) must say which names clients use.

Example::

    check_exposure(settings)                     # raises ExposureError with the fix
    app = mcp.streamable_http_app(transport_security=transport_security(settings), ...)
"""

from __future__ import annotations

from mcp.server.transport_security import TransportSecuritySettings

from shared.settings import Settings

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


class ExposureError(ValueError):
    """The front would be reachable by others without a key; the message says what to set."""


def check_exposure(settings: Settings) -> None:
    """Refuse a configuration that would serve the TIDAL account to the network without a key."""
    host = settings.host
    if host in LOOPBACK:
        return
    if not settings.auth_token and not settings.allow_unauthenticated:
        raise ExposureError(
            f"TIDAL_MCP_HOST={host} is not loopback and TIDAL_MCP_AUTH_TOKEN is not set: anyone who reaches "
            "the port could use the TIDAL account. Set TIDAL_MCP_AUTH_TOKEN (or TIDAL_MCP_ALLOW_UNAUTHENTICATED=1 "
            "on a trusted network)."
        )
    if host in WILDCARDS and not settings.public_hosts:
        raise ExposureError(
            f"TIDAL_MCP_HOST={host} listens on every address: set TIDAL_MCP_PUBLIC_HOSTS to the names clients use "
            "to reach it (e.g. mcp.example.com,10.0.0.5), so requests for other Host names are refused."
        )


def _host_patterns(name: str) -> list[str]:
    if name.startswith("[") or name.count(":") == 1:  # host:port, or [v6]:port
        return [name]
    if ":" in name:  # a bare IPv6 address
        return [f"[{name}]:*", f"[{name}]"]
    return [f"{name}:*", name]


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """The Host/Origin allow-lists for ``/mcp``."""
    names = ["127.0.0.1", "localhost", "::1", *settings.public_hosts]
    if settings.host not in WILDCARDS:
        names.append(settings.host)
    hosts: list[str] = []
    for name in names:
        for pattern in _host_patterns(name):
            if pattern not in hosts:
                hosts.append(pattern)
    origins = [f"{scheme}://{pattern}" for pattern in hosts for scheme in ("http", "https")]
    origins += [origin for origin in settings.allowed_origins if origin not in origins]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)
