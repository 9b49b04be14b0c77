"""TIDAL's official JSON:API (openapi.tidal.com/v2) through tidalapi's request layer: multi-gets.

tidalapi 0.8.11 uses this API only for one ISRC or one barcode at a time; the API takes up to
:data:`FILTER_BATCH` values per ``filter[...]`` (more is a 400), so one request answers twenty codes.

Example::

    tracks_by_isrc(session, ["USWB11506516", "GBAYE0601498"])   # {"USWB11506516": 58756128}
    document = multi_get(session, "tracks", "id", ["58756128", "1"], include=("albums.coverArt", "artists"))
    document.data     # the resources found, in TIDAL's order (unknown ids are simply absent)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tidalapi

FILTER_BATCH = 20


def get(session: tidalapi.Session, path: str, params: dict[str, Any]) -> dict[str, Any]:
    """One openapi GET (``countryCode`` added: openapi requires it); the JSON:API document."""
    query = {"countryCode": session.country_code, **params}
    response = session.request.request("GET", path, params=query, base_url=session.config.openapi_v2_location)
    return response.json()


@dataclass
class Document:
    """A JSON:API answer: its primary resources and the included ones by ``(type, id)``."""

    data: list[dict[str, Any]]
    included: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def related(self, resource: dict[str, Any], name: str) -> list[dict[str, Any]]:
        """The included resources ``resource``'s relationship ``name`` points at, in order."""
        refs = ((resource.get("relationships") or {}).get(name) or {}).get("data") or []
        return [self.included[(r["type"], r["id"])] for r in refs if (r["type"], r["id"]) in self.included]


def multi_get(
    session: tidalapi.Session, collection: str, filter_name: str, values: Sequence[str], include: Sequence[str] = ()
) -> Document:
    """Up to :data:`FILTER_BATCH` resources of ``collection`` by ``filter[filter_name]``, one request."""
    if not values or len(values) > FILTER_BATCH:
        raise ValueError(f"between 1 and {FILTER_BATCH} values per request, not {len(values)}")
    params = {f"filter[{filter_name}]": ",".join(values)}
    if include:
        params["include"] = ",".join(include)
    body = get(session, collection, params)
    data = body.get("data") or []
    included = {(r["type"], r["id"]): r for r in body.get("included") or []}
    return Document(data if isinstance(data, list) else [data], included)


def tracks_by_isrc(session: tidalapi.Session, isrcs: Iterable[str]) -> dict[str, int]:
    """Track id per ISRC, for the ISRCs TIDAL knows (the first track when several share one)."""
    wanted = list(dict.fromkeys(code.upper() for code in isrcs))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), FILTER_BATCH):
        batch = wanted[start : start + FILTER_BATCH]
        document = get(session, "tracks", {"filter[isrc]": ",".join(batch)})
        for resource in document.get("data") or []:
            code = str((resource.get("attributes") or {}).get("isrc") or "").upper()
            if code in batch and code not in found:
                found[code] = int(resource["id"])
    return found
