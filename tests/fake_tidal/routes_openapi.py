"""openapi.tidal.com/v2 (JSON:API) reads: tracks, albums, artists, videos by filter, by id, relationships.

``GET tracks?filter[id]=1,2&include=albums,artists`` answers ``{"data":[...],"links":{"self"},
"included":[...]}``: unknown ids are simply absent, at most 20 values per filter (400 beyond),
``countryCode`` is required, ``include`` fills ``relationships.<name>.data`` and ``included``
(nested paths like ``items.artists`` too), collections page 20 resources by ``page[cursor]`` with
``links.next``. tidalapi only calls ``tracks?filter[isrc]=`` and ``albums?filter[barcodeId]=``.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from aiohttp import web

from .common import split_ids, state_of
from .errors import JSONAPI_CONTENT_TYPE, TidalError
from .openapi_resources import INCLUDES, PAGE, JsonObj, Resources, decode_cursor, encode_cursor

routes = web.RouteTableDef()

ISRC_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
BARCODE_PATTERN = re.compile(r"^[0-9]{8,14}$")
ID_PATTERN = re.compile(r"^[0-9]+$")
MAX_FILTER_VALUES = 20
SORTS = ("createdAt", "-createdAt", "title", "-title")


def bad_request(detail: str, code: str, parameter: str) -> TidalError:
    """A 400 in the openapi ``errors`` shape, naming the parameter."""
    return TidalError(400, -1, detail, error=code, parameter=parameter)


def country_of(request: web.Request) -> str:
    """``countryCode`` (required by the emulator; 400 without it)."""
    country = request.query.get("countryCode", "")
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise bad_request(
            "countryCode must be an ISO 3166-1 alpha-2 country code", "VALUE_REGEX_MISMATCH", "countryCode"
        )
    return country


def resources_for(request: web.Request) -> Resources:
    """A resource builder for the request's catalog, country and locale."""
    state = state_of(request)
    return Resources(state.catalog, state.extras, country_of(request), request.query.get("locale"))


def filter_values(request: web.Request, name: str, pattern: re.Pattern[str]) -> list[str]:
    """The values of ``filter[name]`` (repeated or comma-separated), validated, at most 20."""
    values = split_ids(",".join(request.query.getall(f"filter[{name}]", [])))
    if len(values) > MAX_FILTER_VALUES:
        raise bad_request(
            f"filter[{name}] accepts at most {MAX_FILTER_VALUES} values", "VALUE_TOO_LONG", f"filter[{name}]"
        )
    for value in values:
        if not pattern.match(value):
            raise bad_request(f"filter[{name}] must match {pattern.pattern}", "VALUE_REGEX_MISMATCH", f"filter[{name}]")
    return values


def include_paths(request: web.Request, kind: str) -> list[list[str]]:
    """``include`` as dotted paths; a first segment the collection does not offer is a 400."""
    paths = [p.split(".") for p in split_ids(",".join(request.query.getall("include", [])))]
    for path in paths:
        if path[0] not in INCLUDES[kind]:
            raise bad_request(f"include [{'.'.join(path)}] is not available for {kind}", "INVALID_INCLUDE", "include")
    return paths


def self_link(request: web.Request) -> str:
    """``links.self``: the path without ``/openapi/v2`` and the query as sent, percent-encoded."""
    query = urlencode(list(request.query.items()))
    return request.path.removeprefix("/openapi/v2") + (f"?{query}" if query else "")


def page_start(request: web.Request) -> int:
    """The offset ``page[cursor]`` points at (0 without one; 400 for a cursor we never issued)."""
    raw = request.query.get("page[cursor]")
    if not raw:
        return 0
    start = decode_cursor(raw)
    if start is None or start < 0:
        raise bad_request("page[cursor] is not valid", "VALUE_REGEX_MISMATCH", "page[cursor]")
    return start


class Document:
    """Collects ``included`` resources (once each) while relationships are filled in."""

    def __init__(self, res: Resources) -> None:
        self.res = res
        self.included: dict[tuple[str, str], JsonObj] = {}

    def attach(self, obj: JsonObj, path: list[str]) -> None:
        """Fill ``obj``'s relationship ``path[0]`` (first page) and include what it points at."""
        kind, ident, rel = obj["type"], obj["id"], path[0]
        refs = self.res.linkage(kind, ident, rel)
        links = {"self": f"/{kind}/{ident}/relationships/{rel}?{self.res.suffix}"}
        if len(refs) > PAGE:
            cursor = encode_cursor(PAGE)
            links = {"meta": {"nextCursor": cursor}, "next": f"{links['self']}&page%5Bcursor%5D={cursor}", **links}
        obj.setdefault("relationships", {})[rel] = {"data": refs[:PAGE], "links": links}
        for ref in refs[:PAGE]:
            related = self.include(ref["type"], ref["id"])
            if len(path) > 1:
                self.attach(related, path[1:])

    def include(self, kind: str, ident: str) -> JsonObj:
        """The included resource ``kind``/``ident`` (built on first use)."""
        key = (kind, ident)
        if key not in self.included:
            self.included[key] = self.res.resource(kind, ident)
        return self.included[key]

    def response(self, data: JsonObj | list[JsonObj], links: JsonObj) -> web.Response:
        """The JSON:API document (``included`` only when something was included)."""
        body: JsonObj = {"data": data, "links": links}
        if self.included:
            body["included"] = list(self.included.values())
        return web.json_response(body, content_type=JSONAPI_CONTENT_TYPE)


def collection(request: web.Request, kind: str, ids: list[str], *, pageable: bool = True) -> web.Response:
    """A multi-resource document for ``ids`` (already de-duplicated and existing)."""
    res = resources_for(request)
    paths = include_paths(request, kind)
    sort = request.query.get("sort")
    if sort is not None:
        if sort not in SORTS or not pageable:
            raise bad_request(f"sort must be one of {list(SORTS)}", "VALUE_NOT_ALLOWED", "sort")
        objects = [res.resource(kind, i) for i in ids]
        field = sort.lstrip("-")
        objects.sort(key=lambda o: (o["attributes"].get(field) or "", o["id"]), reverse=sort.startswith("-"))
        ids = [o["id"] for o in objects]
    start = page_start(request) if pageable else 0
    doc = Document(res)
    data = []
    for ident in ids[start : start + PAGE]:
        obj = res.resource(kind, ident)
        for path in paths:
            doc.attach(obj, path)
        data.append(obj)
    links: JsonObj = {"self": self_link(request)}
    if pageable and start + PAGE < len(ids):
        cursor = encode_cursor(start + PAGE)
        params = [(k, v) for k, v in request.query.items() if k != "page[cursor]"] + [("page[cursor]", cursor)]
        links = {
            "meta": {"nextCursor": cursor},
            "next": f"{request.path.removeprefix('/openapi/v2')}?{urlencode(params)}",
            **links,
        }
    return doc.response(data, links)


def _known(request: web.Request, kind: str, ids: list[str]) -> list[str]:
    res = resources_for(request)
    return [i for i in dict.fromkeys(ids) if res.exists(kind, i)]


def _require_filter(found: list[list[str]], names: str) -> None:
    if not any(found):
        raise bad_request(f"One of {names} is required", "MISSING_PARAMETER", "filter")


@routes.get("/openapi/v2/tracks")
async def tracks(request: web.Request) -> web.Response:
    """``filter[id]`` and/or ``filter[isrc]`` (one track per ISRC)."""
    cat = state_of(request).catalog
    isrcs = filter_values(request, "isrc", ISRC_PATTERN)
    ids = filter_values(request, "id", ID_PATTERN)
    _require_filter([isrcs, ids], "filter[id] or filter[isrc]")
    hits = [str(cat.tracks_by_isrc[i]) for i in isrcs if i in cat.tracks_by_isrc] + ids
    return collection(request, "tracks", _known(request, "tracks", hits))


@routes.get("/openapi/v2/albums")
async def albums(request: web.Request) -> web.Response:
    """``filter[id]`` and/or ``filter[barcodeId]`` (one album per barcode)."""
    cat = state_of(request).catalog
    barcodes = filter_values(request, "barcodeId", BARCODE_PATTERN)
    ids = filter_values(request, "id", ID_PATTERN)
    _require_filter([barcodes, ids], "filter[id] or filter[barcodeId]")
    hits = [str(cat.albums_by_upc[b]) for b in barcodes if b in cat.albums_by_upc] + ids
    return collection(request, "albums", _known(request, "albums", hits))


@routes.get("/openapi/v2/artists")
async def artists(request: web.Request) -> web.Response:
    """``filter[id]`` (the OAS offers no paging here); ``filter[handle]`` matches nobody."""
    ids = filter_values(request, "id", ID_PATTERN)
    handles = filter_values(request, "handle", re.compile(r"^[A-Za-z0-9_.-]+$"))
    _require_filter([ids, handles], "filter[id] or filter[handle]")
    return collection(request, "artists", _known(request, "artists", ids), pageable=False)


@routes.get("/openapi/v2/videos")
async def videos(request: web.Request) -> web.Response:
    """``filter[id]`` and/or ``filter[isrc]``."""
    ext = state_of(request).extras
    ids = filter_values(request, "id", ID_PATTERN)
    isrcs = filter_values(request, "isrc", ISRC_PATTERN)
    _require_filter([ids, isrcs], "filter[id] or filter[isrc]")
    by_isrc = {v.isrc: str(v.id) for v in ext.videos.values()}
    hits = [by_isrc[i] for i in isrcs if i in by_isrc] + ids
    return collection(request, "videos", _known(request, "videos", hits), pageable=False)


def _not_found(kind: str, ident: str) -> TidalError:
    return TidalError(404, -1, f"{kind[:-1].capitalize()} with id {ident} not found", error="NOT_FOUND")


@routes.get(r"/openapi/v2/{kind:tracks|albums|artists|videos}/{id}")
async def single(request: web.Request) -> web.Response:
    """One resource by id, with ``include`` (404 in the ``errors`` shape when unknown)."""
    kind, ident = request.match_info["kind"], request.match_info["id"]
    res = resources_for(request)
    if not res.exists(kind, ident):
        raise _not_found(kind, ident)
    doc = Document(res)
    obj = res.resource(kind, ident)
    for path in include_paths(request, kind):
        doc.attach(obj, path)
    return doc.response(obj, {"self": self_link(request)})


@routes.get(r"/openapi/v2/{kind:tracks|albums|artists|videos}/{id}/relationships/{rel}")
async def relationship(request: web.Request) -> web.Response:
    """A to-many relationship, 20 linkages a page by ``page[cursor]``; ``include=<rel>`` adds them."""
    kind, ident, rel = request.match_info["kind"], request.match_info["id"], request.match_info["rel"]
    res = resources_for(request)
    if not res.exists(kind, ident):
        raise _not_found(kind, ident)
    if rel not in INCLUDES[kind]:
        raise TidalError(404, -1, f"Relationship [{rel}] not found", error="NOT_FOUND")
    refs = res.linkage(kind, ident, rel)
    start = page_start(request)
    doc = Document(res)
    paths = [p for p in (s.split(".") for s in split_ids(request.query.get("include"))) if p[0] == rel]
    for ref in refs[start : start + PAGE]:
        related = doc.include(ref["type"], ref["id"])
        for path in paths:
            if len(path) > 1:
                doc.attach(related, path[1:])
    links: JsonObj = {"self": self_link(request)}
    if start + PAGE < len(refs):
        cursor = encode_cursor(start + PAGE)
        params = [(k, v) for k, v in request.query.items() if k != "page[cursor]"] + [("page[cursor]", cursor)]
        links = {
            "meta": {"nextCursor": cursor},
            "next": f"{request.path.removeprefix('/openapi/v2')}?{urlencode(params)}",
            **links,
        }
    if not paths:
        doc.included.clear()
    return doc.response(refs[start : start + PAGE], links)
