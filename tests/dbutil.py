"""Database helpers for the tests: PostgreSQL databases named ``<base>_<suffix>`` on the server of the base URL
(one per xdist worker, reset between tests; copies of a built one), and SQLite URLs and file copies."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def pg_url(base: str, suffix: str) -> str:
    """The URL of database ``<base database>_<suffix>`` on the same server (the prefix that CI drops by)."""
    url = make_url(base)
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def _admin(url: str) -> Engine:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def worker_pg_url(base: str, suffix: str) -> str:
    """A database of its own for each xdist worker (created on first use) on the same server."""
    url = pg_url(base, suffix)
    name = make_url(url).database
    admin = _admin(url)
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def create_pg_database(url: str, *, template: str | None = None) -> None:
    """(Re)create the database of ``url``: empty, or a copy of the database of ``template``, which nobody may be
    connected to while it is copied."""
    drop_pg_database(url)
    name = make_url(url).database
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()


def drop_pg_database(url: str) -> None:
    """Drop the database of ``url`` if it exists, closing any connection still open to it."""
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database file with the backup API: consistent even with pages still in its write-ahead log."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
