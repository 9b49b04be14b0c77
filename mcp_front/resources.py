"""MCP resources over the same cache and pool as the tools, completions for their arguments, logging/setLevel.

Resources (JSON, ``application/json``):

* ``tidal://track/{track_id}``, ``tidal://album/{album_id}``, ``tidal://artist/{artist_id}``,
  ``tidal://playlist/{playlist_id}``: the object as the matching ``tidal_get_*`` tool answers it;
* ``tidal://me/playlists``: every playlist and folder of the user's library;
* ``tidal://me/favorites/{kind}``: every favorite of a kind (tracks, albums, artists, playlists, videos, mixes).

Completions: the caller's own playlists for ``playlist_id`` (by uuid prefix or by title words, from the
cached library listing), the favorite kinds for ``kind``.

Example (MCP SDK client)::

    await client.read_resource("tidal://track/10085833")
    await client.complete(ResourceTemplateReference(uri="tidal://playlist/{playlist_id}"),
                          {"name": "playlist_id", "value": "road"})
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from mcp import types
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from mcp_front.tools.common import front_state
from shared.errors import NotFound, TidalMcpError
from shared.models import FAVORITE_KINDS

log = logging.getLogger(__name__)

_ID = re.compile(r"^[1-9][0-9]{0,11}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_COMPLETIONS = 20


async def _read(source: Context | Any, op: str, args: dict[str, Any]) -> str:
    """Run ``op`` through the dispatcher (``source``: a resource's context, or the dispatcher itself)."""
    dispatcher = front_state(source).dispatcher if isinstance(source, Context) else source
    if dispatcher is None:
        raise ResourceError("The server is starting; retry in a moment.")
    try:
        answer = await dispatcher.call(op, args)
    except NotFound as exc:
        raise ResourceNotFoundError(exc.message) from None
    except TidalMcpError as exc:
        raise ResourceError(exc.message) from None
    return json.dumps(answer.data, ensure_ascii=False)


def _id(value: str, what: str) -> int:
    if not _ID.match(value):
        raise ResourceNotFoundError(f"{value!r} is not a TIDAL {what} id (digits, e.g. 10085833).")
    return int(value)


def register(mcp: MCPServer, dispatcher_of: Callable[[], Any]) -> None:
    """Declare the resources, the completion handler and logging/setLevel on ``mcp``.

    ``dispatcher_of`` returns the running front's dispatcher (completion handlers get no context).
    """

    @mcp.resource("tidal://track/{track_id}", name="track", title="A TIDAL track", mime_type="application/json")
    async def track(track_id: str, ctx: Context) -> str:
        """A track with its metadata (as tidal_get_track)."""
        return await _read(ctx, "track.get", {"track_id": _id(track_id, "track")})

    @mcp.resource("tidal://album/{album_id}", name="album", title="A TIDAL album", mime_type="application/json")
    async def album(album_id: str, ctx: Context) -> str:
        """An album with every track (as tidal_get_album)."""
        return await _read(ctx, "album.get", {"album_id": _id(album_id, "album")})

    @mcp.resource("tidal://artist/{artist_id}", name="artist", title="A TIDAL artist", mime_type="application/json")
    async def artist(artist_id: str, ctx: Context) -> str:
        """An artist with top tracks and albums (as tidal_get_artist)."""
        return await _read(ctx, "artist.get", {"artist_id": _id(artist_id, "artist")})

    @mcp.resource(
        "tidal://playlist/{playlist_id}", name="playlist", title="A TIDAL playlist", mime_type="application/json"
    )
    async def playlist(playlist_id: str, ctx: Context) -> str:
        """A playlist with every track in order."""
        if not _UUID.match(playlist_id):
            raise ResourceNotFoundError(f"{playlist_id!r} is not a playlist uuid.")
        return await _read(ctx, "playlist.get", {"playlist_id": playlist_id.lower()})

    @mcp.resource(
        "tidal://me/playlists", name="my-playlists", title="My playlists and folders", mime_type="application/json"
    )
    async def my_playlists() -> str:
        """Every playlist the user created or favorited, and every folder."""
        return await _read(dispatcher_of(), "playlists.library", {})

    @mcp.resource(
        "tidal://me/favorites/{kind}", name="my-favorites", title="My favorites of a kind", mime_type="application/json"
    )
    async def my_favorites(kind: str, ctx: Context) -> str:
        """Every favorite of one kind (tracks, albums, artists, playlists, videos, mixes), newest first."""
        if kind not in FAVORITE_KINDS:
            raise ResourceNotFoundError(f"{kind!r} is not a favorites kind: one of {', '.join(FAVORITE_KINDS)}.")
        return await _read(ctx, "favorites.list", {"kind": kind, "order": "newest"})

    @mcp.completion()
    async def complete(
        ref: Any, argument: types.CompletionArgument, context: types.CompletionContext | None
    ) -> types.Completion | None:
        if argument.name == "kind":
            values = [k for k in FAVORITE_KINDS if k.startswith(argument.value.lower())]
            return types.Completion(values=values, total=len(values), has_more=False)
        if argument.name == "playlist_id":
            return await _playlists_matching(dispatcher_of(), argument.value)
        return None

    async def set_level(ctx: Any, params: types.SetLevelRequestParams) -> types.EmptyResult:
        """Accepted (legacy sessions send it before anything else); the front sends clients no log
        messages, and its own logs (stderr) stay under the operator's TIDAL_MCP_LOG_LEVEL."""
        log.debug("a client asked for log level", extra={"level": params.level})
        return types.EmptyResult()

    mcp._lowlevel_server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, set_level)


async def _playlists_matching(dispatcher: Any, typed: str) -> types.Completion:
    """The caller's playlists whose uuid starts with, or whose title contains, what was typed."""
    if dispatcher is None:
        return types.Completion(values=[], total=0, has_more=False)
    try:
        library = (await dispatcher.call("playlists.library", {})).data
    except TidalMcpError:
        return types.Completion(values=[], total=0, has_more=False)
    needle = typed.strip().lower()
    matches = [
        p["uuid"] for p in library.get("playlists", []) if p["uuid"].startswith(needle) or needle in p["title"].lower()
    ]
    return types.Completion(
        values=matches[:MAX_COMPLETIONS], total=len(matches), has_more=len(matches) > MAX_COMPLETIONS
    )
