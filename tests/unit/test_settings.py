"""Settings: defaults, validation with one-line messages naming the variable, and the CLI's exit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from shared.settings import Settings, SettingsError
from tests.support.processes import tidal_mcp


def test_defaults_match_the_documented_contract():
    settings = Settings.from_env({})
    assert (settings.redis_url, settings.host, settings.port) == ("redis://127.0.0.1:6379/0", "127.0.0.1", 8000)
    assert settings.tidal_base_url is None and settings.keyring_file is None


def test_values_are_parsed():
    settings = Settings.from_env(
        {
            "TIDAL_MCP_PORT": "9001",
            "TIDAL_BASE_URL": "http://127.0.0.1:8100/",
            "TIDAL_MCP_KEYRING_FILE": "/tmp/k.cfg",
            "TIDAL_MCP_KEYRING_PASSWORD": "pw",
            "TIDAL_MCP_LOG_LEVEL": "debug",
            "TIDAL_MCP_WAIT_TIMEOUT": "2.5",
        }
    )
    assert settings.port == 9001 and settings.tidal_base_url == "http://127.0.0.1:8100"
    assert settings.keyring_file == Path("/tmp/k.cfg") and settings.log_level == "DEBUG"
    assert settings.wait_timeout == 2.5
    assert "pw" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TIDAL_MCP_PORT", "abc", "TIDAL_MCP_PORT must be an integer from 1 to 65535 (got 'abc')"),
        ("TIDAL_MCP_PORT", "70000", "TIDAL_MCP_PORT must be an integer from 1 to 65535"),
        ("TIDAL_MCP_WORKERS", "0", "TIDAL_MCP_WORKERS must be an integer from 1 to 64"),
        ("REDIS_URL", "http://x", "REDIS_URL must be a redis://"),
        ("REDIS_URL", "redis://h:port/0", "REDIS_URL has an invalid port"),
        ("TIDAL_BASE_URL", "127.0.0.1:8100", "TIDAL_BASE_URL must be an origin"),
        ("TIDAL_MCP_LOG_LEVEL", "LOUD", "TIDAL_MCP_LOG_LEVEL must be one of DEBUG"),
        ("TIDAL_MCP_WAIT_TIMEOUT", "-1", "TIDAL_MCP_WAIT_TIMEOUT must be a number from 0.5 to 600"),
    ],
)
def test_a_bad_value_names_the_variable(name, value, expected):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({name: value})
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TIDAL_MCP_PUBLIC_HOSTS", "https://mcp.example.com", "TIDAL_MCP_PUBLIC_HOSTS must be a comma-separated list"),
        ("TIDAL_MCP_ALLOWED_ORIGINS", "mcp.example.com", "TIDAL_MCP_ALLOWED_ORIGINS must be a comma-separated list"),
        ("TIDAL_MCP_ALLOW_UNAUTHENTICATED", "maybe", "TIDAL_MCP_ALLOW_UNAUTHENTICATED must be 1/true"),
        ("TIDAL_MCP_KEYRING", "vault", "TIDAL_MCP_KEYRING must be one of auto, system, file"),
        ("TIDAL_MCP_DASHBOARD_PASSWORD", "short", "TIDAL_MCP_DASHBOARD_PASSWORD must be at least 16 characters"),
    ],
)
def test_exposure_and_keyring_settings_are_validated_too(name, value, expected):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({name: value})
    assert expected in str(info.value)
    assert name != "TIDAL_MCP_DASHBOARD_PASSWORD" or value not in str(info.value), "a secret is never echoed"


def test_a_process_with_a_bad_value_stops_with_one_line():
    result = subprocess.run(
        tidal_mcp("front"),
        env={"TIDAL_MCP_PORT": "abc", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "tidal-mcp: configuration error: TIDAL_MCP_PORT must be an integer from 1 to 65535 (got 'abc')"
    ]
