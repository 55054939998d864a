"""Back up the database to one file and restore it from one (``transcarbon db backup|restore``).

Three forms, told apart by their first bytes when restoring:

- **SQLite file** (the default for SQLite): SQLite's online backup API copies a consistent snapshot while the
  platform keeps running; restoring copies it back the same way (into a SQLite database only).
- **PostgreSQL custom dump** (the default for PostgreSQL when ``pg_dump`` is on the PATH): ``pg_dump -Fc``;
  restoring runs ``pg_restore --clean --if-exists --no-owner`` into the configured database.
- **Logical export** (``logical=True``, or PostgreSQL without its tools): gzip'd JSON lines, first a header
  (format, schema revision, tables), then one line per row, tables in the order their foreign keys need. It
  restores into any supported database at the same schema revision: every table is emptied and refilled in one
  transaction, and PostgreSQL's id sequences are moved past the largest id.

What a backup does not hold: the raw uploaded files (``<data_dir>/uploads``, kept by content hash and never
changed: copy the folder) and the audit key (``<data_dir>/keys`` or ``TRANSCARBON_AUDIT_KEY``: kept apart on
purpose, and needed to verify the restored audit log). Files are written readable by their owner only (0600).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.engine import make_url

from transcarbon.store import db
from transcarbon.store.models import Base

LOGICAL = "transcarbon-logical-1"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"


class BackupError(RuntimeError):
    """A backup or restore cannot be made: ``key`` and ``values`` render the catalog message."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


@dataclass(frozen=True)
class BackupInfo:
    """What was written or read: the form (``sqlite``, ``pg_dump``, ``logical``), the file and its size [bytes]."""

    form: str
    path: Path
    size_bytes: int


def _private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_path(url: str) -> Path:
    return Path(str(make_url(url).database))


def _libpq(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq takes it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, target: Path, *, logical: bool = False) -> BackupInfo:
    """Write a backup of the database at ``url`` to ``target`` (replaced if there)."""
    _private(target)
    if url.startswith("sqlite") and not logical:
        with closing(sqlite3.connect(_sqlite_path(url))) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        form = "sqlite"
    elif url.startswith("postgresql") and not logical and shutil.which("pg_dump"):
        done = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError("backup.tool_failed", tool="pg_dump", detail=done.stderr.strip()[:300])
        form = "pg_dump"
    else:
        _export(url, target)
        form = "logical"
    return BackupInfo(form, target, target.stat().st_size)


def _tables() -> list[Any]:
    return list(Base.metadata.sorted_tables)


def _encode(value: object) -> object:
    """Timestamps as ``{"$dt": iso}``, calendar dates (``Date`` columns) as ``{"$date": iso}``, the rest as is."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    return {"$date": value.isoformat()} if isinstance(value, date) else value


def _decode_value(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"$dt"}:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and set(value) == {"$date"}:
        return date.fromisoformat(value["$date"])
    return value


def _export(url: str, target: Path) -> None:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn, gzip.open(target, "wt", encoding="utf-8") as out:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            header = {"format": LOGICAL, "revision": revision, "tables": [t.name for t in _tables()]}
            out.write(json.dumps(header) + "\n")
            for table in _tables():
                order = list(table.primary_key.columns) or list(table.columns)
                for row in conn.execute(select(table).order_by(*order)).mappings():
                    out.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}) + "\n")
    finally:
        engine.dispose()


def form_of(source: Path) -> str:
    """The form of a backup file by its first bytes; :class:`BackupError` for anything else."""
    with source.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "pg_dump"
    if head.startswith(GZIP_MAGIC):
        return "logical"
    raise BackupError("backup.unknown_form", file=str(source))


def restore(url: str, source: Path) -> BackupInfo:
    """Replace the content of the database at ``url`` with the backup ``source``."""
    if not source.is_file():
        raise BackupError("backup.missing", file=str(source))
    form = form_of(source)
    if form == "sqlite":
        if not url.startswith("sqlite"):
            raise BackupError("backup.wrong_database", form=form, url=db.display_url(url))
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    elif form == "pg_dump":
        if not url.startswith("postgresql") or not shutil.which("pg_restore"):
            raise BackupError("backup.wrong_database", form=form, url=db.display_url(url))
        done = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq(url)}", str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError("backup.tool_failed", tool="pg_restore", detail=done.stderr.strip()[:300])
    else:
        _import(url, source)
    return BackupInfo(form, source, source.stat().st_size)


def _rows(source: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _decode_value(v) for k, v in row.items()}


def _import(url: str, source: Path, batch: int = 2000) -> None:
    rows = _rows(source)
    header = next(rows, None)
    if not header or header.get("format") != LOGICAL:
        raise BackupError("backup.unknown_form", file=str(source))
    db.upgrade(url, str(header["revision"]))
    engine = db.make_engine(url)
    tables = {t.name: t for t in _tables()}
    try:
        with engine.begin() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current != header["revision"]:
                raise BackupError("backup.revision", backup=header["revision"], database=current)
            for table in reversed(_tables()):
                conn.execute(delete(table))
            pending: list[dict[str, Any]] = []
            name = None
            for line in rows:
                if line["t"] != name and pending:
                    conn.execute(insert(tables[str(name)]), pending)
                    pending = []
                name = line["t"]
                pending.append(_decode(line["r"]))
                if len(pending) >= batch:
                    conn.execute(insert(tables[name]), pending)
                    pending = []
            if pending and name is not None:
                conn.execute(insert(tables[name]), pending)
            _move_sequences(engine, conn)
    finally:
        engine.dispose()


def _move_sequences(engine: Engine, conn: Any) -> None:
    """On PostgreSQL, every serial id's sequence moves past the largest id restored."""
    if engine.dialect.name != "postgresql":
        return
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].type.python_type is not int:  # serial ids only (setval ignores the others)
            continue
        top = conn.execute(select(func.max(pk[0]))).scalar()
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :called)"),
            {"t": table.name, "c": pk[0].name, "v": top or 1, "called": top is not None},
        )
