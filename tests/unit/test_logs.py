"""JSON logs on stderr, with the request id and without secrets."""

from __future__ import annotations

import json
import logging

from shared.logs import configure_logging, request_context, scrub


def test_secrets_are_scrubbed():
    line = ('authorization: Bearer eyJabc.def {"access_token": "tok123", "refresh_token":"rt_9"} '
            "url?sessionId=5f1e2c1a&countryCode=US password=hunter2")
    cleaned = scrub(line)
    for secret in ("eyJabc.def", "tok123", "rt_9", "5f1e2c1a", "hunter2"):
        assert secret not in cleaned
    assert "countryCode=US" in cleaned


def test_records_are_json_lines_on_stderr_with_the_request_id(capsys):
    configure_logging("INFO", process="front")
    try:
        with request_context("req-42"):
            logging.getLogger("t").info("cache miss Bearer sekrit", extra={"op": "track.get"})
        captured = capsys.readouterr()
    finally:
        logging.getLogger().handlers.clear()
    assert captured.out == ""
    record = json.loads(captured.err.strip().splitlines()[-1])
    assert record["message"] == "cache miss Bearer ***"
    assert (record["level"], record["process"], record["request_id"], record["op"]) == (
        "INFO", "front", "req-42", "track.get")
