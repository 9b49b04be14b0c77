"""Signed media URLs that expire, and the route serving their (small, fake, deterministic) bytes.

Real TIDAL CDN URLs carry ``?token=<unix expiry>~<base64 of a hex HMAC>`` (see the manifests in
v1_playbackinfo_lossless_bts.json and v1_video_playbackinfo.json); DASH templates use a wildcard
token whose base64 part is ``<path prefix>*~<hex HMAC>`` (v1_playbackinfo_dash_low_anonymized.json).
The emulator signs URLs on its own origin (``/cdn/<host>/<path>``) so a client pointed at it can
fetch them: a bad signature or an expired token answers 403.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from aiohttp import web

from .common import state_of

CDN_PREFIX = "/cdn/"
PAYLOAD_BYTES = 4096


def _secret(seed: int) -> bytes:
    return hashlib.sha256(f"fake-tidal-cdn:{seed}".encode()).digest()


def _mac(seed: int, subject: str, expiry: int) -> str:
    return hmac.new(_secret(seed), f"{subject}|{expiry}".encode(), hashlib.sha1).hexdigest()


def sign(request: web.Request, host: str, path: str, *, wildcard: bool = False) -> str:
    """``{origin}/cdn/{host}/{path}?token=…`` valid for the current ``url_lifetime``.

    With ``wildcard`` the token covers every path under ``path``'s directory (DASH templates,
    HLS segments): its base64 part then spells the prefix like TIDAL's.
    """
    state = state_of(request)
    expiry = int(time.time()) + state.settings.url_lifetime
    full = f"{CDN_PREFIX}{host}/{path}"
    seed = state.catalog.seed
    if wildcard:
        prefix = full.rsplit("/", 1)[0] + "/"
        inner = f"{prefix}*~{_mac(seed, prefix, expiry)}"
    else:
        inner = _mac(seed, full, expiry)
    token = f"{expiry}~{base64.b64encode(inner.encode()).decode()}"
    return f"{request.scheme}://{request.host}{full}?token={token}"


def verify(seed: int, path: str, token: str, now: float) -> str | None:
    """None when ``token`` grants ``path`` now, else the reason it does not."""
    expiry_text, _, encoded = token.replace(" ", "+").partition("~")  # a raw "+" arrives as a space
    try:
        expiry = int(expiry_text)
        inner = base64.b64decode(encoded, validate=True).decode()
    except ValueError:
        return "Malformed token"
    if "*~" in inner:
        prefix, _, mac = inner.partition("*~")
        granted = path.startswith(prefix) and hmac.compare_digest(mac, _mac(seed, prefix, expiry))
    else:
        granted = hmac.compare_digest(inner, _mac(seed, path, expiry))
    if not granted:
        return "Invalid signature"
    if now >= expiry:
        return "URL has expired"
    return None


def payload(path: str) -> bytes:
    """Deterministic fake media bytes whose first bytes match the container the extension names."""
    ext = path.rsplit(".", 1)[-1]
    head = {"flac": b"fLaC\x00\x00\x00\x22", "mp4": b"\x00\x00\x00\x18ftypiso6", "m4a": b"\x00\x00\x00\x18ftypM4A "}
    data = bytearray(head.get(ext, b"\x47" if ext == "ts" else b""))
    block = hashlib.sha256(path.encode()).digest()
    while len(data) < PAYLOAD_BYTES:
        data += block
        block = hashlib.sha256(block).digest()
    return bytes(data[:PAYLOAD_BYTES])
