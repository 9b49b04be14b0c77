"""The transport under tidalapi: URL mapping, timeouts, retries honouring Retry-After, the 429 pause."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import fakeredis
import pytest
import requests

from shared.ratelimit import PoolRateLimiter
from shared.settings import Settings
from shared.tidal import TidalAdapter, api_family, make_config, new_session, rewrite_url


def test_every_tidal_host_maps_onto_the_base_url():
    base = "http://127.0.0.1:8100"
    assert rewrite_url("https://api.tidal.com/v1/tracks/1", base) == f"{base}/v1/tracks/1"
    assert rewrite_url("https://api.tidal.com/v2/home/feed", base) == f"{base}/v2/home/feed"
    assert rewrite_url("https://openapi.tidal.com/v2/tracks", base) == f"{base}/openapi/v2/tracks"
    assert rewrite_url("https://auth.tidal.com/v1/oauth2/device_authorization", base) == (
        f"{base}/auth/v1/oauth2/device_authorization"
    )
    assert rewrite_url("https://example.com/x", base) == "https://example.com/x"
    config = make_config(base)
    assert config.api_oauth2_token == f"{base}/auth/v1/oauth2/token"
    assert make_config(None).api_v1_location == "https://api.tidal.com/v1/"


class Script:
    """A tiny HTTP server answering a scripted list of (status, headers) then 200s."""

    def __init__(self, answers: list[tuple[int, dict[str, str]]]) -> None:
        self.answers = list(answers)
        self.hits = 0
        self.times: list[float] = []
        script = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                script.hits += 1
                script.times.append(time.monotonic())
                status, headers = script.answers.pop(0) if script.answers else (200, {})
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def script() -> Iterator[callable]:
    servers: list[Script] = []

    def make(*answers: tuple[int, dict[str, str]]) -> Script:
        servers.append(Script(list(answers)))
        return servers[-1]

    yield make
    for server in servers:
        server.server.shutdown()


def session_for(server: Script, *, time_left: float = 20.0, **kwargs) -> requests.Session:
    http_session = requests.Session()
    http_session.mount("http://", TidalAdapter(base_url=None, timeout=5, remaining=lambda: time_left, **kwargs))
    return http_session


def test_transient_answers_are_retried_until_success(script):
    server = script((503, {}), (502, {}))
    assert session_for(server).get(server.url).status_code == 200
    assert server.hits == 3


class RecordingLimiter(PoolRateLimiter):
    def __init__(self) -> None:
        super().__init__(fakeredis.FakeRedis(), ceiling=100, start=100, burst=100)
        self.acquired, self.throttles, self.accepted_reports = 0, [], []

    def acquire(self, timeout: float, accepted: int = 0) -> float:
        self.acquired += 1
        self.accepted_reports.append(accepted)
        return super().acquire(timeout, accepted)

    def throttled(self, retry_after: float) -> float:
        self.throttles.append(retry_after)
        return super().throttled(retry_after)


def test_retry_after_is_honoured_and_slows_the_pool(script):
    server = script((429, {"Retry-After": "1"}))
    limiter = RecordingLimiter()
    response = session_for(server, limiter=limiter).get(server.url)
    assert response.status_code == 200 and server.hits == 2
    assert server.times[1] - server.times[0] >= 1.0, "the retry came before Retry-After elapsed"
    assert limiter.throttles == [1.0] and limiter.acquired == 2
    assert limiter.current_rate() < 100


def test_each_token_reports_how_many_requests_tidal_accepted_since_the_last(script):
    server = script((200, {}), (404, {}), (429, {"Retry-After": "0"}))
    limiter = RecordingLimiter()
    http_session = session_for(server, limiter=limiter)
    for _ in range(4):
        http_session.get(server.url)
    assert limiter.accepted_reports == [0, 1, 1, 0, 1], "a 404 was accepted, a 429 was not"


def test_429s_are_retried_for_as_long_as_the_job_has_time(script):
    server = script(*[(429, {"Retry-After": "0"})] * 6)
    assert session_for(server, attempts=2).get(server.url).status_code == 200
    assert server.hits == 7, "a 429 storm is waited out, not counted against the 5xx attempts"


def test_out_of_retries_the_last_answer_goes_back_to_tidalapi(script):
    server = script(*[(503, {})] * 10)
    response = session_for(server, attempts=3).get(server.url)
    assert response.status_code == 503 and server.hits == 3


def test_a_retry_after_longer_than_the_job_has_left_is_not_waited_for(script):
    server = script((429, {"Retry-After": "60"}))
    response = session_for(server, time_left=2).get(server.url)
    assert response.status_code == 429 and server.hits == 1


def test_client_errors_are_not_retried_and_writes_only_on_429(script):
    server = script((404, {}), (503, {}), (429, {"Retry-After": "0"}))
    http_session = session_for(server)
    assert http_session.get(server.url).status_code == 404
    assert http_session.post(server.url, data={"a": 1}).status_code == 503, "a 5xx write may have happened"
    assert http_session.post(server.url, data={"a": 1}).status_code == 200, "a 429 write did not happen: resend"
    assert server.hits == 4


def test_sessions_get_a_fresh_config_and_the_adapter():
    settings = Settings.from_env({"TIDAL_BASE_URL": "http://127.0.0.1:1"})
    first, second = new_session(settings), new_session(settings)
    assert first.config is not second.config
    adapter = first.request_session.get_adapter("https://api.tidal.com/v1/")
    assert isinstance(adapter, TidalAdapter) and adapter.timeout == settings.http_timeout


def test_stated_budgets_steer_their_own_familys_bucket(script):
    """openapi's x-ratelimit-* set the openapi bucket; v1 answers (without them) leave it alone and vice versa."""
    stated = {
        "x-ratelimit-replenish-rate": "10",
        "x-ratelimit-remaining": "9",
        "x-ratelimit-burst-capacity": "10",
        "x-ratelimit-requested-tokens": "2",
    }
    server = script((200, stated), (200, {}))
    limiter = RecordingLimiter()
    adapter = TidalAdapter(base_url=server.url, timeout=5, remaining=lambda: 20.0, limiter=limiter)
    http_session = requests.Session()
    http_session.mount("https://", adapter)
    http_session.mount("http://", adapter)
    assert http_session.get("https://openapi.tidal.com/v2/tracks").status_code == 200
    assert http_session.get("https://api.tidal.com/v1/tracks/1").status_code == 200
    assert limiter.family("openapi").current_rate() == 5, "10 tokens/s at 2 tokens a request"
    assert limiter.current_rate() == pytest.approx(100), "the v1 budget is not what openapi states"
    assert api_family("https://openapi.tidal.com/v2/x") == "openapi" == api_family(f"{server.url}/openapi/v2/x")
    assert api_family("https://api.tidal.com/v1/x") == "v1" == api_family("https://api.tidal.com/v2/home")


def test_a_429_is_counted_as_a_pause_of_its_api(script):
    from prometheus_client import REGISTRY

    def paused(api: str) -> float:
        return REGISTRY.get_sample_value("tidal_mcp_rate_limit_pauses_total", {"api": api}) or 0.0

    before = paused("v1")
    server = script((429, {"Retry-After": "0"}))
    assert session_for(server, limiter=RecordingLimiter()).get(server.url).status_code == 200
    assert paused("v1") == before + 1
