"""Demo accounts: one per role, and never on a database without the synthetic demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from transcarbon.demo.accounts import ensure_demo_users
from transcarbon.store import db
from transcarbon.store.models import User


def test_demo_accounts_only_on_the_demo_database(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'real.db').as_posix()}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with pytest.raises(RuntimeError, match="demo"), db.transaction(db.session_factory(engine)) as s:
        ensure_demo_users(s)
    with db.session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
    engine.dispose()
