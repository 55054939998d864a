"""The empty database at the newest migration, the demo database and the demo web site, built once per test session
and copied for each test or module that uses them.

A build goes into a folder shared by the xdist workers of one session: the first worker to need it builds it
under a file lock while the others wait, then each module gets its own copy (SQLite: a file copy through the
backup API; PostgreSQL: ``CREATE DATABASE … TEMPLATE``), so that no module sees another one's writes.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from dbutil import copy_sqlite, create_pg_database, sqlite_url
from transcarbon.demo.builder import build_demo
from transcarbon.demo_site import build_demo_site
from transcarbon.store import db


def build_once(folder: Path, build: Callable[[Path], str]) -> str:
    """The database URL that ``build(folder)`` returned, built by the first process of the session to get here
    under a lock that the others wait on; a build that failed half-way is started again from an empty folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder.with_name(f"{folder.name}.built")
    with folder.with_name(f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(build(folder), encoding="utf-8")
        return done.read_text(encoding="utf-8")


def build_migrated_db(url: str) -> str:
    """An empty database at the newest migration built at ``url``: a new SQLite file, or a PostgreSQL database
    (re)created empty. Returns ``url``."""
    if not url.startswith("sqlite"):
        create_pg_database(url)
    db.upgrade(url)
    return url


def build_demo_db(url: str) -> str:
    """The demo (activity, inventories, the demo reports as approved submissions, the ship run) built at ``url``:
    a new SQLite file, or a PostgreSQL database (re)created empty; closed afterwards, ready to be copied.
    Returns ``url``."""
    build_migrated_db(url)
    engine = db.make_engine(url)
    with db.transaction(db.session_factory(engine)) as session:
        build_demo(session, actor="demo")  # as ``transcarbon start`` and the demo site build it
    engine.dispose()
    return url


def build_site_from(demo_url: str, data_dir: Path) -> str:
    """The demo web site in ``data_dir`` made from the SQLite demo database at ``demo_url`` (a copy of it, to which
    :func:`~transcarbon.demo_site.build_demo_site` only adds the demo accounts). Returns the site's database URL."""
    copy_sqlite(Path(str(make_url(demo_url).database)), data_dir / "transcarbon.db")
    return build_demo_site(data_dir)


def copy_database(template: str, url: str) -> None:
    """The database at ``url`` made a copy of the one at ``template`` (both SQLite or both PostgreSQL)."""
    if template.startswith("sqlite"):
        copy_sqlite(Path(str(make_url(template).database)), Path(str(make_url(url).database)))
    else:
        create_pg_database(url, template=template)


@dataclass(frozen=True)
class DemoSite:
    """The demo web site: its data folder (raw files, the SQLite database) and the URL of its database, which
    holds the demo data set and one demo account per role."""

    data_dir: Path
    url: str


def copy_site(site: DemoSite, data_dir: Path) -> DemoSite:
    """A copy of ``site`` in ``data_dir`` (which must not exist yet): the files, then the database."""
    db_file = Path(str(make_url(site.url).database))
    shutil.copytree(site.data_dir, data_dir, ignore=shutil.ignore_patterns(f"{db_file.name}*"))
    copy = data_dir / db_file.relative_to(site.data_dir)
    copy_sqlite(db_file, copy)
    return DemoSite(data_dir, sqlite_url(copy))
