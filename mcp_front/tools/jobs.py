"""Long-operation tools: a job's state and result, cancelling it, the caller's recent jobs.

Jobs live in Redis (:mod:`shared.batches`): they survive the client going away, the front restarting
and workers dying, for ``TIDAL_MCP_JOB_TTL`` (24 h). With a bearer token on the front, a job is seen
only by the token that started it.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_front.tools.batch import PAGE, PageSize, caller
from mcp_front.tools.common import READ_ONLY, Offset, changes, front_state
from shared.errors import TidalMcpError
from shared.models import JobInfo, JobList

JobId = Annotated[str, Field(pattern=r"^b[0-9a-f]{16}$", description="The job_id a long call answered with")]


def register(mcp: MCPServer) -> None:
    """Declare this area's tools on ``mcp``."""

    @mcp.tool(name="tidal_get_job", title="Get a job", annotations=READ_ONLY)
    async def tidal_get_job(job_id: JobId, ctx: Context, offset: Offset = 0, limit: PageSize = PAGE) -> JobInfo:
        """A long operation's state and progress (done/total, ETA) and, once done, its result, one page
        at a time (`offset`, `limit`; the result says `next_offset`)."""
        try:
            return JobInfo.model_validate(await front_state(ctx).batches.info(job_id, caller(ctx), offset, limit))
        except TidalMcpError as exc:
            raise ToolError(exc.message) from None

    @mcp.tool(name="tidal_cancel_job", title="Cancel a job", annotations=changes(destructive=False, idempotent=True))
    async def tidal_cancel_job(job_id: JobId, ctx: Context) -> JobInfo:
        """Stop a running job: parts not started are dropped; the answer says what was done."""
        try:
            return JobInfo.model_validate(await front_state(ctx).batches.cancel(job_id, caller(ctx)))
        except TidalMcpError as exc:
            raise ToolError(exc.message) from None

    @mcp.tool(name="tidal_list_jobs", title="List my jobs", annotations=READ_ONLY)
    async def tidal_list_jobs(ctx: Context) -> JobList:
        """The caller's jobs of the last 24 hours, newest first, with their state and progress."""
        jobs = await front_state(ctx).batches.recent(caller(ctx))
        return JobList.model_validate({"jobs": jobs})
