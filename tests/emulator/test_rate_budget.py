"""The hidden rate budget (never advertised) and the token buckets behind it."""

from __future__ import annotations

import pytest
import requests
from tidalapi.exceptions import TooManyRequests

from tests.emulator.support import Api
from tests.fake_tidal import ratelimit
from tests.fake_tidal.client import Control, logged_in_session
from tests.fake_tidal.ratelimit import Budget


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_refills_at_its_rate(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(ratelimit.time, "monotonic", clock)
    budget = Budget(rate=2, burst=3)
    assert [budget.take("a").allowed for _ in range(4)] == [True, True, True, False]
    denied = budget.take("a")
    assert denied.wait_s == pytest.approx(0.5) and denied.retry_after == 1
    assert budget.take("b").allowed  # another key, another bucket
    clock.now += 1.0
    verdict = budget.take("a")
    assert verdict.allowed and verdict.remaining == 1
    assert verdict.headers() == {
        "x-ratelimit-remaining": "1",
        "x-ratelimit-replenish-rate": "2",
        "x-ratelimit-burst-capacity": "3",
        "x-ratelimit-requested-tokens": "1",
    }
    clock.now += 60
    assert budget.take("a").remaining == 2  # capped at the burst


def test_hidden_budget_option_answers_429_without_telling(make_emu):
    emu = make_emu(budget_rate=0.5, budget_burst=3)
    first, second = Api(emu), Api(emu)
    track = Control(emu.url).get("catalog")["track_ids"][0]
    answers = [first.call("GET", f"/v1/tracks/{track}") for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert not any(k.lower().startswith("x-ratelimit") for r in answers for k in r.headers)
    assert answers[3].headers["Retry-After"] == "2"
    assert answers[3].json() == {"status": 429, "subStatus": -1, "userMessage": "Rate limit exceeded"}
    assert second.call("GET", f"/v1/tracks/{track}").status_code == 200  # per access token
    counters = Control(emu.url).get("counters")
    assert counters["rate_limited"] == 1 and counters["statuses"] == {"200": 4, "429": 1}


def test_global_scope_shares_one_bucket(make_emu):
    emu = make_emu(budget_rate=0.5, budget_burst=2, budget_scope="global")
    track = Control(emu.url).get("catalog")["track_ids"][0]
    codes = [Api(emu).call("GET", f"/v1/tracks/{track}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_budget_through_fault_control_and_tidalapi(emu, control):
    session = logged_in_session(emu)
    track = control.get("catalog")["track_ids"][0]
    control.post("faults", {"budget_rate": 0.25, "budget_burst": 1})
    assert control.get("faults")["budget_rate"] == 0.25
    session.track(track)
    with pytest.raises(TooManyRequests) as info:
        session.track(track)
    assert info.value.retry_after == 4
    control.delete("faults")
    assert session.track(track).id == track
    for body in ({"budget_scope": "nobody"}, {"budget_burst": 0}, {"budget_rate": -1}, {"ratelimit_headers": "yes"}):
        assert requests.post(f"{emu.url}/_control/faults", json=body, timeout=10).status_code == 400, body


def test_headers_on_every_response_when_asked(make_emu):
    emu = make_emu(budget_rate=1, budget_burst=5, ratelimit_headers=True)
    api = Api(emu)
    remaining = [int(api.call("GET", "/v1/sessions").headers["x-ratelimit-remaining"]) for _ in range(3)]
    assert remaining == [4, 3, 2]
    response = api.call("GET", "/v1/sessions")
    assert (
        response.headers["x-ratelimit-burst-capacity"] == "5" and response.headers["x-ratelimit-replenish-rate"] == "1"
    )


def test_cdn_and_control_are_never_limited(emu, session, control):
    catalog = control.get("catalog")
    track = next(t for t in catalog["track_ids"] if t not in catalog["unavailable_track_ids"])
    session.audio_quality = "LOSSLESS"
    url = session.track(track).get_url()
    control.post("faults", {"budget_rate": 0.01, "budget_burst": 1, "budget_scope": "global"})
    api = Api(emu, token=session.access_token)
    assert [api.call("GET", f"/v1/tracks/{track}").status_code for _ in range(2)] == [200, 429]
    assert [requests.get(url, timeout=10).status_code for _ in range(3)] == [200, 200, 200]
    assert all(control.get("health") == {"ok": True} for _ in range(3))
    assert control.get("counters")["rate_limited"] == 1
