"""JSON logs on stderr, with the request id and without secrets."""

from __future__ import annotations

import json
import logging

from shared.logs import configure_logging, request_context, scrub


def test_secrets_are_scrubbed():
    line = (
        'authorization: Bearer eyJabc.def {"access_token": "tok123", "refresh_token":"rt_9"} '
        "url?sessionId=5f1e2c1a&countryCode=US password=hunter2"
    )
    cleaned = scrub(line)
    for secret in ("eyJabc.def", "tok123", "rt_9", "5f1e2c1a", "hunter2"):
        assert secret not in cleaned
    assert "countryCode=US" in cleaned


def test_secrets_inside_quoted_json_and_tracebacks_are_scrubbed():
    payload = json.dumps({"access_token": "tok-in-json", "refreshToken": "rt-in-json", "user": "u"})
    message = f"TIDAL answered 400: {json.dumps(payload)}"  # JSON text quoted again inside a message
    traceback_text = (
        'Traceback (most recent call last):\n  File "x.py"\nValueError: {\\"access_token\\": \\"tok-in-trace\\"}'
    )
    for text, secret in ((message, "tok-in-json"), (message, "rt-in-json"), (traceback_text, "tok-in-trace")):
        assert secret not in scrub(text), text
    assert '"user\\": \\"u' in scrub(message), "non-secret fields stay readable"


def test_signed_urls_session_ids_and_redis_passwords_are_scrubbed():
    cleaned = scrub(
        "GET https://cdn.example/track.flac?token=1700000000~abcdef&x=1 "
        "Created new transport with session ID: 0123456789abcdef0123456789abcdef "
        "redis://:s3cr3tpw@127.0.0.1:6379/0 Authorization: Basic YWRtaW46cHc="
    )
    for secret in ("1700000000~abcdef", "0123456789abcdef0123456789abcdef", "s3cr3tpw", "YWRtaW46cHc="):
        assert secret not in cleaned
    assert "redis://:***@127.0.0.1:6379/0" in cleaned and "x=1" in cleaned


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
        "INFO",
        "front",
        "req-42",
        "track.get",
    )
