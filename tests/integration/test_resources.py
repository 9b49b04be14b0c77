"""MCP resources, completions, prompts and logging/setLevel through a real front, workers and the emulator."""

from __future__ import annotations

import json
import warnings

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import PromptReference, ResourceTemplateReference

from tests.fake_tidal.client import Control
from tests.support.stack import shared_stack

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with shared_stack(
        tmp_path_factory.mktemp("resources"),
        workers=2,
        front=True,
        TIDAL_MCP_RATE_START="200",
        TIDAL_MCP_RATE_LIMIT="200",
        TIDAL_MCP_RATE_BURST="50",
    ) as stack:
        yield stack


@pytest.fixture
def control(stack) -> Control:
    stack.fresh()
    return stack.control


@pytest.fixture
def catalog(control) -> dict:
    return control.get("catalog")


def body(result) -> dict:  # type: ignore[no-untyped-def]
    [content] = result.contents
    assert content.mime_type == "application/json"
    return json.loads(content.text)


async def test_resources_are_listed_and_read_through_the_cache(stack, control, catalog):
    track_id, uuid = catalog["track_ids"][42], catalog["user_playlist_uuids"][0]
    async with Client(stack.mcp_url) as client:
        listed = [r.uri for r in (await client.list_resources()).resources]
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        track = body(await client.read_resource(f"tidal://track/{track_id}"))
        again = body(await client.read_resource(f"tidal://track/{track_id}"))
        playlist = body(await client.read_resource(f"tidal://playlist/{uuid}"))
        mine = body(await client.read_resource("tidal://me/playlists"))
        albums = body(await client.read_resource("tidal://me/favorites/albums"))
    assert listed == ["tidal://me/playlists"]
    assert templates == {
        "tidal://track/{track_id}",
        "tidal://album/{album_id}",
        "tidal://artist/{artist_id}",
        "tidal://playlist/{playlist_id}",
        "tidal://me/favorites/{kind}",
    }
    assert track == again and track["title"] == control.get(f"snapshot/track/{track_id}")["title"]
    assert control.get("counters")["paths"][f"GET /v1/tracks/{track_id}"] == 1
    assert [t["id"] for t in playlist["tracks"]] == control.get(f"snapshot/playlist/{uuid}")["trackIds"]
    assert set(catalog["user_playlist_uuids"]) <= {p["uuid"] for p in mine["playlists"]}
    assert albums["kind"] == "albums" and albums["items"]


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("tidal://track/999999999", "no track with id 999999999"),
        ("tidal://track/abc", "not a TIDAL track id"),
        ("tidal://playlist/not-a-uuid", "not a playlist uuid"),
        ("tidal://me/favorites/podcasts", "not a favorites kind"),
    ],
)
async def test_bad_resources_are_clear_errors(stack, control, uri, says):
    async with Client(stack.mcp_url) as client:
        with pytest.raises(MCPError, match=says):
            await client.read_resource(uri)
        assert (await client.list_resources()).resources  # still serving


async def test_completions_prompts_and_log_level(stack, control, catalog):
    uuid = catalog["user_playlist_uuids"][1]
    title = control.get(f"snapshot/playlist/{uuid}")["title"]
    word = max(title.split(), key=len).lower()
    async with Client(stack.mcp_url) as client:
        by_word = await client.complete(
            ResourceTemplateReference(uri="tidal://playlist/{playlist_id}"), {"name": "playlist_id", "value": word}
        )
        by_prefix = await client.complete(
            PromptReference(name="playlist_review"), {"name": "playlist_id", "value": uuid[:8]}
        )
        kinds = await client.complete(
            ResourceTemplateReference(uri="tidal://me/favorites/{kind}"), {"name": "kind", "value": "al"}
        )
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        review = await client.get_prompt("playlist_review", {"playlist_id": uuid})
    async with Client(stack.mcp_url, mode="legacy") as legacy:  # logging/setLevel exists only before 2026-07-28
        assert legacy.server_capabilities.logging is not None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the SDK marks the logging capability deprecated (SEP-2577)
            assert await legacy.set_logging_level("debug") is not None
    assert uuid in by_word.completion.values and by_prefix.completion.values == [uuid]
    assert kinds.completion.values == ["albums"]
    assert prompts == {"playlist_from_description", "playlist_review", "discovery_digest", "library_audit"}
    assert uuid in review.messages[0].content.text and "tidal_get_playlist" in review.messages[0].content.text


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_an_unknown_prompt_is_an_invalid_params_error(stack, control, mode):
    async with Client(stack.mcp_url, mode=mode) as client:
        with pytest.raises(MCPError, match="Unknown prompt: nope") as raised:
            await client.get_prompt("nope", {})
        assert raised.value.error.code == -32602
        assert (await client.list_prompts()).prompts  # still serving
    assert "Traceback" not in stack.front.logs(tail=None)


async def test_legacy_sessions_subscribe_to_resources(stack, control):
    async with Client(stack.mcp_url, mode="legacy") as legacy:
        assert legacy.server_capabilities.resources.subscribe is True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # resources/subscribe is deprecated for 2026-07-28 clients
            await legacy.session.subscribe_resource("tidal://me/playlists")
            await legacy.session.unsubscribe_resource("tidal://me/playlists")
            await legacy.session.unsubscribe_resource("tidal://never/subscribed")
