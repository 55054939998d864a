"""The one settings object: defaults, and every field read from ``TRANSCARBON_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from transcarbon.settings import Settings


def test_defaults_and_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / 'transcarbon.db').as_posix()}"
    assert (settings.auto_migrate, settings.cookie_secure, settings.max_upload_mb) == (True, None, 100.0)
    assert (settings.four_eyes, settings.token_days, settings.max_upload_rows) == (True, 90.0, 200_000)
    assert (
        Settings(data_dir=tmp_path, database_url="postgresql+psycopg://u@h/db").effective_database_url
        == "postgresql+psycopg://u@h/db"
    )


def test_web_fields_read_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRANSCARBON_LOGIN_MAX_FAILURES", "9")
    monkeypatch.setenv("TRANSCARBON_COOKIE_SECURE", "true")
    monkeypatch.setenv("TRANSCARBON_MAX_UPLOAD_MB", "2.5")
    monkeypatch.setenv("TRANSCARBON_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("TRANSCARBON_AUTO_MIGRATE", "false")
    monkeypatch.setenv("TRANSCARBON_FOUR_EYES", "false")
    monkeypatch.setenv("TRANSCARBON_AUDIT_KEY", "k" * 40)
    settings = Settings()
    assert not settings.four_eyes and settings.key_text("audit") == "k" * 40
    assert (
        settings.login_max_failures,
        settings.cookie_secure,
        settings.max_upload_mb,
        settings.argon2_time_cost,
        settings.auto_migrate,
    ) == (9, True, 2.5, 1, False)
