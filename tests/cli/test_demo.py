"""``transcarbon start`` is for the demo database only (its own module: it resets the test database)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from transcarbon.cli import app
from transcarbon.store import db
from transcarbon.store.models import Organisation

runner = CliRunner()


def test_start_refuses_a_database_with_real_data(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from transcarbon.settings import get_settings

    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    with db.transaction(db.session_factory(engine)) as s:
        s.add(Organisation(id="REAL-1", name_zh="真实单位", name_en="real org", kind="enterprise"))
    monkeypatch.setenv("TRANSCARBON_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["start", "--no-serve"])
    finally:
        get_settings.cache_clear()
    with db.session_factory(engine)() as s:
        assert s.scalars(select(Organisation.id)).all() == ["REAL-1"]  # nothing loaded, nobody added
    engine.dispose()
    assert result.exit_code == 2 and "start is for the demo only" in result.stderr
