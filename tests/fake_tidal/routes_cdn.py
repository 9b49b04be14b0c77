"""``GET /cdn/<host>/<path>?token=…``: what the signed URLs in manifests point at.

403 (JSON) for a missing, forged or expired token; manifests (``.mpd``, ``.m3u8``) are rebuilt from
their path; media files are small deterministic payloads (``Range`` honoured, 206).
"""

from __future__ import annotations

import time

from aiohttp import web

from .cdn import payload, verify
from .common import state_of
from .errors import v1_body
from .manifests import served_manifest

routes = web.RouteTableDef()

CONTENT_TYPES = {
    "flac": "audio/flac",
    "mp4": "audio/mp4",
    "m4a": "audio/mp4",
    "ts": "video/mp2t",
    "m3u8": "application/vnd.apple.mpegurl",
    "mpd": "application/dash+xml",
}


def _forbidden(message: str) -> web.Response:
    return web.json_response(v1_body(403, 4003, message), status=403)


def _ranged(request: web.Request, data: bytes, content_type: str) -> web.Response:
    """The whole body, or one ``Range: bytes=a-b`` slice as 206."""
    header = request.headers.get("Range", "")
    if header.startswith("bytes="):
        first, _, last = header.removeprefix("bytes=").partition("-")
        start = int(first or 0)
        end = min(int(last) if last else len(data) - 1, len(data) - 1)
        if start > end:
            body = v1_body(416, -1, "Range not satisfiable")
            return web.json_response(body, status=416, headers={"Content-Range": f"bytes */{len(data)}"})
        headers = {"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes"}
        return web.Response(body=data[start : end + 1], status=206, content_type=content_type, headers=headers)
    return web.Response(body=data, content_type=content_type, headers={"Accept-Ranges": "bytes"})


@routes.get("/cdn/{host}/{path:.+}")
async def media(request: web.Request) -> web.StreamResponse:
    """Serve a signed URL: 403 without a valid, unexpired token; text for manifests, bytes otherwise."""
    state = state_of(request)
    reason = verify(state.catalog.seed, request.path, request.query.get("token", ""), time.time())
    if reason is not None:
        return _forbidden(reason)
    ext = request.path.rsplit(".", 1)[-1]
    content_type = CONTENT_TYPES.get(ext, "application/octet-stream")
    if ext in ("m3u8", "mpd"):
        return web.Response(text=served_manifest(request), content_type=content_type)
    return _ranged(request, payload(request.path), content_type)
