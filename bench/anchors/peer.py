"""The single-process anchor: a TIDAL MCP server built the way the strongest peer builds one.

    TIDAL_BASE_URL=... PEER_ACCESS_TOKEN=... PEER_REFRESH_TOKEN=... \
        .venv/bin/python -m bench.anchors.peer --port 8765 [--echo]

One process, MCP SDK ``MCPServer`` over streamable HTTP with uvicorn (the same SDK and server
settings as our front), one logged-in ``tidalapi.Session``, and each tool call run with
``asyncio.to_thread`` on the default executor, ``session.track(id, with_album=True)`` as that peer
calls it. No cache, no limiter, no retries: what it does is what the peer does. Only tidalapi's
endpoints are pointed at the emulator (``shared.tidal.make_config``: URLs, nothing else).

``--echo`` adds the SDK's plainest tool (``echo``), the anchor of the cache-hit benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

import tidalapi
import uvicorn
from mcp.server import MCPServer

from shared.tidal import make_config


def _session() -> tidalapi.Session:
    session = tidalapi.Session(make_config(os.environ["TIDAL_BASE_URL"]))
    session.load_oauth_session("Bearer", os.environ["PEER_ACCESS_TOKEN"], os.environ["PEER_REFRESH_TOKEN"])
    return session


def build(echo: bool) -> MCPServer:
    """The anchor server: ``get_track`` (and ``echo`` with ``echo``)."""
    session = _session()
    mcp = MCPServer("peer-anchor")

    @mcp.tool(name="get_track")
    async def get_track(track_id: int) -> dict[str, Any]:
        """One track with its album, as the peer reads it."""
        track = await asyncio.to_thread(session.track, track_id, with_album=True)
        return {
            "id": track.id,
            "title": track.name,
            "duration": track.duration,
            "isrc": track.isrc,
            "artists": [a.name for a in track.artists],
            "album": track.album.name if track.album else None,
        }

    if echo:

        @mcp.tool(name="echo")
        async def echo_tool(text: str) -> str:
            """The SDK's plainest tool."""
            return text

    return mcp


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.anchors.peer")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--echo", action="store_true")
    args = parser.parse_args()
    app = build(args.echo).streamable_http_app(streamable_http_path="/mcp", host="127.0.0.1")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, timeout_keep_alive=75)


if __name__ == "__main__":
    main()
