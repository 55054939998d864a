"""``transcarbon start`` is for the demo database only (its own module: it resets the test database): a database
that holds anything and was not created as the demo gets neither demo content nor demo accounts, be it
organisations or only users (no command creates organisations)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from transcarbon.cli import app
from transcarbon.store import db
from transcarbon.store.models import Organisation, User

runner = CliRunner()


@pytest.mark.parametrize("holds", ["organisation", "user"])
def test_start_refuses_a_database_with_real_data(
    migrated_db_url: str, monkeypatch: pytest.MonkeyPatch, holds: str
) -> None:
    from transcarbon.services import users
    from transcarbon.settings import get_settings

    engine = db.make_engine(migrated_db_url)
    with db.transaction(db.session_factory(engine)) as s:
        if holds == "organisation":
            s.add(Organisation(id="REAL-1", name_zh="真实单位", name_en="real org", kind="enterprise"))
        else:
            users.create_user(s, username="root", role="admin", actor="ops", password="a real password")
    monkeypatch.setenv("TRANSCARBON_DATABASE_URL", migrated_db_url)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["start", "--no-serve"])
    finally:
        get_settings.cache_clear()
    with db.session_factory(engine)() as s:
        assert s.scalars(select(Organisation.id)).all() == (["REAL-1"] if holds == "organisation" else [])
        assert s.scalars(select(User.username)).all() == ([] if holds == "organisation" else ["root"])
    engine.dispose()
    assert result.exit_code == 2 and "start is for the demo only" in result.stderr
