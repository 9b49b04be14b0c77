"""Recommendation tool: the radios of up to 10 seed tracks and artists, merged, filtered, attributed."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.recommend import Filters, merge
from mcp_front.tools.common import READ_ONLY, ArtistId, PlaylistId, TrackId, call_op, front_state
from shared.errors import TidalMcpError
from shared.models import Recommendations

MAX_SEEDS = 10
Year = Annotated[int, Field(strict=True, ge=1900, le=2100)]
Seconds = Annotated[int, Field(strict=True, ge=0, le=24 * 3600)]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_recommend_tracks", title="Recommend tracks", annotations=READ_ONLY)
    async def tidal_recommend_tracks(
        ctx: Context,
        seed_track_ids: Annotated[list[TrackId], Field(max_length=MAX_SEEDS, description="Tracks to start from")] = [],  # noqa: B006 - pydantic copies defaults
        seed_artist_ids: Annotated[
            list[ArtistId], Field(max_length=MAX_SEEDS, description="Artists to start from")
        ] = [],  # noqa: B006
        limit: Annotated[int, Field(strict=True, ge=1, le=100, description="Tracks to return")] = 25,
        year_from: Annotated[Year | None, Field(description="Released in or after this year")] = None,
        year_to: Annotated[Year | None, Field(description="Released in or before this year")] = None,
        min_duration_s: Annotated[Seconds | None, Field(description="At least this long")] = None,
        max_duration_s: Annotated[Seconds | None, Field(description="At most this long")] = None,
        explicit: Annotated[
            bool | None, Field(strict=True, description="true: only explicit; false: none explicit; omitted: both")
        ] = None,
        exclude_track_ids: Annotated[list[TrackId], Field(max_length=5000)] = [],  # noqa: B006
        exclude_artist_ids: Annotated[list[ArtistId], Field(max_length=500)] = [],  # noqa: B006
        exclude_playlist_id: Annotated[
            PlaylistId | None, Field(description="Leave out what this playlist holds")
        ] = None,
        exclude_favorites: Annotated[
            bool, Field(strict=True, description="Leave out the user's favorite tracks")
        ] = False,
        max_per_artist: Annotated[
            int | None, Field(strict=True, ge=1, le=100, description="At most this many tracks per main artist")
        ] = None,
    ) -> Recommendations:
        """Tracks recommended from 1-10 seed tracks and/or artists: their TIDAL radios, read in parallel,
        merged without duplicates, each with the seeds it came from (tracks several seeds share come
        first), then filtered. Seeds themselves are left out. E.g. seed_track_ids=[10085833],
        year_from=2000, max_per_artist=2."""
        seeds = [f"track:{t}" for t in dict.fromkeys(seed_track_ids)]
        seeds += [f"artist:{a}" for a in dict.fromkeys(seed_artist_ids)]
        if not seeds or len(seeds) > MAX_SEEDS:
            raise ToolError(
                f"Give 1 to {MAX_SEEDS} seeds in all (seed_track_ids and/or seed_artist_ids); got {len(seeds)}."
            )
        for low, high, what in ((year_from, year_to, "year"), (min_duration_s, max_duration_s, "duration")):
            if low is not None and high is not None and low > high:
                raise ToolError(f"The {what} range is empty: {low} is after {high}.")
        dispatcher = front_state(ctx).dispatcher
        request_id = uuid.uuid4().hex[:12]

        async def read(op: str, args: dict[str, Any]) -> Any:
            return (await dispatcher.call(op, args, request_id=request_id)).data

        async def radio(seed: str) -> list[dict[str, Any]]:
            kind, ident = seed.split(":")
            op = "track.radio" if kind == "track" else "artist.radio"
            return (await read(op, {f"{kind}_id": int(ident)}))["items"]

        excluded = set(exclude_track_ids) | set(seed_track_ids)
        extra: list[Any] = []
        if exclude_playlist_id is not None:
            extra.append(
                call_op(ctx, "tidal_recommend_tracks", "playlist.get", {"playlist_id": exclude_playlist_id.lower()})
            )
        if exclude_favorites:
            extra.append(
                call_op(ctx, "tidal_recommend_tracks", "favorites.list", {"kind": "tracks", "order": "newest"})
            )
        answers = await asyncio.gather(*(radio(s) for s in seeds), return_exceptions=True)
        for listing in await asyncio.gather(*extra):  # a failed exclusion list fails the call: never ignore it
            excluded |= {int(t["id"]) for t in listing.get("tracks") or listing.get("items") or []}
        radios: dict[str, list[dict[str, Any]]] = {}
        failed: list[dict[str, str]] = []
        for seed, answer in zip(seeds, answers, strict=True):
            if isinstance(answer, TidalMcpError):
                failed.append({"seed": seed, "error": answer.message})
            elif isinstance(answer, BaseException):
                raise answer
            else:
                radios[seed] = answer
        if not radios:
            raise ToolError("No seed's radio could be read: " + "; ".join(f"{f['seed']}: {f['error']}" for f in failed))
        filters = Filters(
            year_from=year_from,
            year_to=year_to,
            min_duration_s=min_duration_s,
            max_duration_s=max_duration_s,
            explicit=explicit,
            exclude_track_ids=frozenset(excluded),
            exclude_artist_ids=frozenset(exclude_artist_ids),
            max_per_artist=max_per_artist,
        )
        kept, seen, dropped = merge(radios, filters)
        return Recommendations.model_validate(
            {
                "items": kept[:limit],
                "total": len(kept),
                "considered": seen,
                "excluded": dict(dropped),
                "failed_seeds": failed,
            }
        )
