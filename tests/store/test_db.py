"""Engines: statement parameters (password hashes, tokens) never appear in error messages or logs, and a new
SQLite database file is readable by its owner only."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from transcarbon.store import db
from transcarbon.store.models import User

SECRET = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0LXNhbHQ$secret-hash-value"


def test_parameters_hidden_from_errors_and_logs(migrated_db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    engine = db.make_engine(migrated_db_url)
    row = {"username": "u", "display_name": "u", "role": "admin", "password_hash": SECRET, "disabled": False}
    caplog.set_level(logging.INFO, logger="sqlalchemy")
    with engine.begin() as conn:
        conn.execute(insert(User), row)
    with pytest.raises(IntegrityError) as exc, engine.begin() as conn:
        conn.execute(insert(User), row)  # the same user name again
    engine.dispose()
    assert "secret-hash-value" not in str(exc.value)
    logging.getLogger("transcarbon.test").exception("as a server would log it", exc_info=exc.value)
    assert "secret-hash-value" not in caplog.text


def test_new_sqlite_database_is_private(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'data' / 'tc.db').as_posix()}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    engine.dispose()
    for path in (tmp_path / "data").glob("tc.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_postgres_plans_set_reads_for_their_parameters(migrated_db_url: str) -> None:
    """A statement prepared while its table was empty is still planned for its parameters once the table has grown:
    the keys of ``= ANY(:array)`` used in the index (not a filter over every row of the first column's value)."""
    if not migrated_db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (TRANSCARBON_TEST_DATABASE_URL)")
    engine = db.make_engine(migrated_db_url)
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TEMP TABLE t (p integer, k text, UNIQUE (p, k))")
        conn.exec_driver_sql("PREPARE q(integer, text[]) AS SELECT k FROM t WHERE p = $1 AND k = ANY($2)")
        for _ in range(10):  # past the five custom plans after which PostgreSQL may keep a generic one
            conn.exec_driver_sql("EXECUTE q(1, ARRAY['a', 'b'])")
        conn.exec_driver_sql("INSERT INTO t SELECT 1, 'k' || i FROM generate_series(1, 20000) AS i")
        plan = "\n".join(conn.exec_driver_sql("EXPLAIN EXECUTE q(1, ARRAY['k5', 'k7'])").scalars())
        mode = conn.exec_driver_sql("SHOW plan_cache_mode").scalar()
    engine.dispose()
    assert "Filter" not in plan, plan
    assert "k5" in plan, plan  # the parameters' values were planned with
    assert mode == "force_custom_plan"
