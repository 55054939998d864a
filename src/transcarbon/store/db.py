"""Engines, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout, its folder created and a new
    database file readable by its owner only (mode 0600; SQLite gives its WAL files the same mode).

    Statement parameters are never rendered into error messages or logs (``hide_parameters``): they can
    carry password hashes, token hashes and personal data. PostgreSQL plans every statement for its parameters
    (:func:`_custom_plans`)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _private_file(Path(path))
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _custom_plans)
    return engine


def _custom_plans(dbapi_conn: Any, _record: Any) -> None:
    """PostgreSQL plans every statement for its own parameters (``plan_cache_mode = force_custom_plan``), never
    with a cached generic plan.

    The driver (psycopg) prepares a statement after a few executions, and PostgreSQL then keeps a generic plan,
    one made without the parameters' values, for as long as the connection lives and the table's statistics do
    not change. The set-wise reads of the hot paths (:mod:`transcarbon.store.bulk`: ``column = ANY(:array)``)
    are the case where that goes wrong: a generic plan cannot see the array's size, and one made while a table was
    still small (a new database, before autovacuum's first ``ANALYZE``) stays in use after it has grown. Measured
    on the credits batch endpoint (a server's pooled connections, ``benchmarks/bench_credits.py``): the
    idempotency-key lookup ``partner_id = $1 AND idempotency_key = ANY($2)`` ran as an index scan on the partner
    alone with the 500 keys as a filter over every trip of the partner (50–360 ms per batch, growing), and the
    users' kept trips as a sequential scan; PostgreSQL spent 0.33–0.44 ms per trip against 0.11–0.15 ms for the
    same batches on a fresh connection. Planning each statement costs a few tens of microseconds."""
    cur = dbapi_conn.cursor()
    cur.execute("SET plan_cache_mode = force_custom_plan")
    cur.close()
    dbapi_conn.commit()  # a session setting: kept by the pool's rollbacks


def _private_file(path: Path) -> None:
    """Create ``path`` (and its folder) empty with mode 0600 unless it exists, so that SQLite never makes it
    world-readable under the process's umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("transcarbon.store") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (creates the tables on an empty database)."""
    command.upgrade(alembic_config(url), revision)


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def head_revision() -> str | None:
    """The newest migration the code ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def schema_state(engine: Engine) -> str:
    """``missing`` (no schema), ``outdated`` (behind the code's newest migration) or ``current``."""
    if not is_initialised(engine):
        return "missing"
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return "current" if current == head_revision() else "outdated"


def sqlite_file_missing(url: str) -> bool:
    """True for a SQLite URL whose file does not exist (connecting would create it)."""
    if not url.startswith("sqlite"):
        return False
    path = url.split("///", 1)[-1]
    return bool(path) and path != ":memory:" and not Path(path).exists()


def display_url(url: str) -> str:
    """``url`` with any password masked, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with factory() as session, session.begin():
        yield session
