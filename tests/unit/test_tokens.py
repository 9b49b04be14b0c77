"""The login's two copies: an atomically written encrypted keyring file and an encrypted live record in Redis."""

from __future__ import annotations

import dataclasses
import os
import stat

import fakeredis
import pytest

from shared.keyring_store import KeyringError
from shared.settings import Settings
from shared.tokens import LIVE_KEY, StoredLogin, TokenStore


@pytest.fixture
def store(tmp_path) -> TokenStore:
    settings = Settings.from_env(
        {"TIDAL_MCP_KEYRING_FILE": str(tmp_path / "keyring.cfg"), "TIDAL_MCP_KEYRING_PASSWORD": "unit-test-password"}
    )
    return TokenStore.from_settings(settings, fakeredis.FakeRedis())


def login(access: str = "access-1", version: int = 0) -> StoredLogin:
    return StoredLogin(token_type="Bearer", access_token=access, refresh_token="refresh-1", user_id=7, version=version)


def test_a_saved_login_is_private_and_a_second_save_keeps_the_previous_copy(store, tmp_path):
    kept = store.save(login("access-1"))
    path = tmp_path / "keyring.cfg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and kept.share_key
    store.save(dataclasses.replace(kept, access_token="access-2"))
    assert store.load().access_token == "access-2"
    assert (tmp_path / "keyring.cfg.bak").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keyring")] == [], "no temp file left behind"


def test_a_failed_write_is_a_clear_error_and_leaves_the_stored_login_whole(store, tmp_path, monkeypatch):
    store.save(login("access-1"))
    before = (tmp_path / "keyring.cfg").read_bytes()

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(KeyringError, match="No space left on device.*previous copy is unchanged"):
        store.save(login("access-2"))
    assert (tmp_path / "keyring.cfg").read_bytes() == before
    monkeypatch.undo()
    assert store.load().access_token == "access-1"


def test_the_live_record_in_redis_is_encrypted_with_the_keyrings_share_key(store):
    kept = store.save(login("secret-access-token"))
    raw = store.redis.get(LIVE_KEY)
    assert b"secret-access-token" not in raw and b"refresh-1" not in raw
    live = store.read_live(kept.share_key)
    assert live.login.access_token == "secret-access-token" and live.generation == store.generation() == 1
    assert store.read_live("A" * 43 + "=") is None, "another key reads nothing"


def test_a_logout_is_final_a_late_refresh_does_not_bring_the_login_back(store):
    kept = store.save(login("access-1"))
    generation = store.generation()
    assert store.delete() is True
    refreshed = dataclasses.replace(kept, access_token="access-2", version=1)
    assert store.persist_refresh(refreshed, generation) is False
    assert store.load() is None and store.redis.get(LIVE_KEY) is None and store.generation() == generation + 1


def test_an_older_refresh_never_overwrites_a_newer_one(store):
    kept = store.save(login("access-1"))
    generation = store.generation()
    store.write_live(dataclasses.replace(kept, access_token="access-3", version=2), generation)
    assert store.persist_refresh(dataclasses.replace(kept, access_token="access-2", version=1), generation) is False
    assert store.persist_refresh(dataclasses.replace(kept, access_token="access-3", version=2), generation) is True
    assert store.load().access_token == "access-3"
