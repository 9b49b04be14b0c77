"""TIDAL's official JSON:API (openapi.tidal.com/v2) through tidalapi's request layer: multi-gets.

tidalapi 0.8.11 uses this API only for one ISRC or one barcode at a time; the API takes up to
:data:`FILTER_BATCH` values per ``filter[...]`` (more is a 400), so one request answers twenty codes.

Example::

    tracks_by_isrc(session, ["USWB11506516", "GBAYE0601498"])   # {"USWB11506516": 58756128}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tidalapi

FILTER_BATCH = 20


def get(session: tidalapi.Session, path: str, params: dict[str, Any]) -> dict[str, Any]:
    """One openapi GET (``countryCode`` added: openapi requires it); the JSON:API document."""
    query = {"countryCode": session.country_code, **params}
    response = session.request.request("GET", path, params=query, base_url=session.config.openapi_v2_location)
    return response.json()


def tracks_by_isrc(session: tidalapi.Session, isrcs: Iterable[str]) -> dict[str, int]:
    """Track id per ISRC, for the ISRCs TIDAL knows (the first track when several share one)."""
    wanted = list(dict.fromkeys(code.upper() for code in isrcs))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), FILTER_BATCH):
        batch = wanted[start:start + FILTER_BATCH]
        document = get(session, "tracks", {"filter[isrc]": ",".join(batch)})
        for resource in document.get("data") or []:
            code = str((resource.get("attributes") or {}).get("isrc") or "").upper()
            if code in batch and code not in found:
                found[code] = int(resource["id"])
    return found
