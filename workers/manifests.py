"""TIDAL playback manifests, parsed here (tidalapi 0.8.11's helpers raise: ``get_mimetype``,
``DashInfo.from_stream``, ``get_sampling_rate`` on BTS), and the expiry of signed media URLs.

* **BTS** (``application/vnd.tidal.bts``): base64 of ``{"mimeType", "codecs", "encryptionType",
  "keyId"?, "urls": [...]}``: direct URLs.
* **DASH** (``application/dash+xml``): base64 of an MPD: one audio Representation (codecs,
  ``audioSamplingRate``) with a SegmentTemplate (``initialization``, ``media`` with ``$Number$``,
  ``startNumber``, ``timescale``, a SegmentTimeline) and, when encrypted, ``ContentProtection``.
* **video** (``application/vnd.tidal.emu``, and BTS-like JSON): ``{"mimeType", "urls": [HLS master]}``.

Signed CDN URLs carry ``token=<unix expiry>~<signature>`` (the real captures); :func:`url_expiry`
reads it; when no URL says, the worker assumes :data:`workers.runtime.DEFAULT_URL_LIFETIME`.

Example::

    parsed = parse(info["manifestMimeType"], info["manifest"])
    parsed.urls, parsed.codec, parsed.expires_at
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from shared.errors import UpstreamUnavailable

_NS = {"mpd": "urn:mpeg:dash:schema:mpd:2011"}
_EXPIRY = re.compile(r"^(\d{9,11})~")


@dataclass
class Manifest:
    """What a manifest says, in plain fields."""

    kind: str  # BTS, DASH or HLS
    mime_type: str
    codec: str | None = None
    encryption: str = "NONE"
    urls: list[str] = field(default_factory=list)
    mpd: str | None = None
    segment_template: dict[str, Any] | None = None
    sample_rate: int | None = None
    expires_at: int | None = None  # unix seconds, from the URLs' tokens


def url_expiry(url: str) -> int | None:
    """The unix expiry in a signed URL's ``token=<expiry>~...`` (None when it has none)."""
    values = parse_qs(urlsplit(url).query).get("token") or []
    match = _EXPIRY.match(values[0]) if values else None
    return int(match.group(1)) if match else None


def _decode(encoded: str) -> str:
    try:
        return base64.b64decode(encoded, validate=False).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UpstreamUnavailable("TIDAL sent a playback manifest that is not readable; retry shortly.") from None


def _earliest(urls: list[str]) -> int | None:
    expiries = [e for e in (url_expiry(u) for u in urls) if e is not None]
    return min(expiries) if expiries else None


def parse(mime_type: str, encoded: str) -> Manifest:
    """Parse a base64 manifest of ``mime_type``."""
    text = _decode(encoded)
    if mime_type == "application/dash+xml":
        return _dash(text)
    try:
        body = json.loads(text)
    except ValueError:
        raise UpstreamUnavailable(f"TIDAL sent an unreadable {mime_type} manifest; retry shortly.") from None
    urls = [str(u) for u in body.get("urls") or []]
    kind = "HLS" if body.get("mimeType") == "application/vnd.apple.mpegurl" else "BTS"
    return Manifest(
        kind=kind,
        mime_type=str(body.get("mimeType") or mime_type),
        codec=body.get("codecs"),
        encryption=str(body.get("encryptionType") or "NONE"),
        urls=urls,
        expires_at=_earliest(urls),
    )


def _dash(text: str) -> Manifest:
    try:
        root = ET.fromstring(text.encode())
    except ET.ParseError:
        raise UpstreamUnavailable("TIDAL sent an unreadable DASH manifest; retry shortly.") from None
    adaptation = root.find(".//mpd:AdaptationSet", _NS)
    representation = root.find(".//mpd:Representation", _NS)
    template = root.find(".//mpd:SegmentTemplate", _NS)
    if representation is None or template is None:
        raise UpstreamUnavailable("TIDAL sent a DASH manifest without a segment template; retry shortly.")
    timeline = template.findall("mpd:SegmentTimeline/mpd:S", _NS)
    segments = sum(1 + int(s.get("r", "0")) for s in timeline)
    protected = root.find(".//mpd:ContentProtection", _NS) is not None
    init, media = template.get("initialization", ""), template.get("media", "")
    rate = representation.get("audioSamplingRate")
    return Manifest(
        kind="DASH",
        mime_type=(adaptation.get("mimeType") if adaptation is not None else None) or "audio/mp4",
        codec=representation.get("codecs"),
        encryption="cenc" if protected else "NONE",
        mpd=text,
        segment_template={
            "initialization": init,
            "media": media,
            "start_number": int(template.get("startNumber", "1")),
            "timescale": int(template.get("timescale", "1")),
            "segments": segments,
        },
        sample_rate=int(rate) if rate and rate.isdigit() else None,
        expires_at=_earliest([u for u in (init, media) if u]),
    )
