"""Shared fixtures: a fresh database per test (SQLite by default, PostgreSQL when
``TRANSCARBON_TEST_DATABASE_URL`` is set), empty or already at the newest migration (migrated once per session,
a copy per test), the demo database and the demo web site (built once per session, a copy per module), the
packaged factor library, and a CSV writer."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbutil import drop_pg_database, pg_url, reset_postgres, sqlite_url, worker_pg_url
from demo_builds import (
    DemoSite,
    build_demo_db,
    build_migrated_db,
    build_once,
    build_site_from,
    copy_database,
    copy_site,
)
from transcarbon.factors.library import FactorLibrary

PG_URL = os.environ.get("TRANSCARBON_TEST_DATABASE_URL")
# The audit chain's key for every test (and the processes they start): no key files in the working tree.
os.environ.setdefault("TRANSCARBON_AUDIT_KEY", "test-audit-key-0123456789abcdef0123456789abcdef")
os.environ.setdefault("TRANSCARBON_LEDGER_KEY", "test-ledger-key-0123456789abcdef0123456789abcdef")
os.environ.setdefault("TRANSCARBON_CREDITS_KEY", "test-credits-key-0123456789abcdef0123456789abcdef")
HEADER = "org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules in the order the workers should take them: most tests marked ``slow`` first, then most tests (the
    order xdist's ``--dist loadfile`` picks by itself), each module's tests kept together and in their order. With
    ``--no-loadscope-reorder`` (``make pytest``) xdist keeps this order, so that no long module starts last and
    runs alone at the end while the other worker idles."""
    slow: dict[str, int] = {}
    size: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        size[module] = size.get(module, 0) + 1
        slow[module] = slow.get(module, 0) + (item.get_closest_marker("slow") is not None)
    items.sort(key=lambda item: (-slow[m := item.nodeid.split("::", 1)[0]], -size[m]))


@pytest.fixture(scope="session")
def pg_base_url(worker_id: str) -> str | None:
    """Per-worker PostgreSQL database (``worker_id`` comes from pytest-xdist)."""
    return worker_pg_url(PG_URL, worker_id) if PG_URL else None


@pytest.fixture
def db_url(tmp_path: Path, pg_base_url: str | None) -> Iterator[str]:
    """An empty database: PostgreSQL (reset) when configured, else a new SQLite file."""
    if pg_base_url:
        reset_postgres(pg_base_url)
        yield pg_base_url
    else:
        yield sqlite_url(tmp_path / "test.db")


@pytest.fixture(scope="session")
def migrated_template(shared_tmp: Path) -> str:
    """URL of the session's empty database at the newest migration (a SQLite file, or the PostgreSQL database
    ``<base>_migrated_template`` when configured): copy it, never connect to it."""
    if PG_URL:
        return build_once(
            shared_tmp / "migrated-postgresql", lambda _: build_migrated_db(pg_url(PG_URL, "migrated_template"))
        )
    return build_once(shared_tmp / "migrated-sqlite", lambda folder: build_migrated_db(sqlite_url(folder / "m.db")))


@pytest.fixture
def migrated_db_url(migrated_template: str, tmp_path: Path, pg_base_url: str | None) -> str:
    """A database at the newest migration with no rows, as :func:`db_url` followed by ``db.upgrade`` would make
    it, but copied from the session's migrated one (a file copy, or ``CREATE DATABASE … TEMPLATE``) instead of
    running every migration again. Don't ask for ``db_url`` too: on PostgreSQL both are the worker's database."""
    url = pg_base_url or sqlite_url(tmp_path / "test.db")
    copy_database(migrated_template, url)
    return url


@pytest.fixture(scope="session")
def shared_tmp(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A temporary folder shared by the session's xdist workers (the session's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def demo_sqlite_template(shared_tmp: Path) -> str:
    """URL of the session's demo database in SQLite, whichever database the tests use: copy it, never open it."""
    return build_once(shared_tmp / "demo-sqlite", lambda folder: build_demo_db(sqlite_url(folder / "demo.db")))


@pytest.fixture(scope="session")
def demo_template(request: pytest.FixtureRequest, shared_tmp: Path) -> str:
    """URL of the session's demo database on the tests' database: the SQLite one, or the PostgreSQL database
    ``<base>_demo_template`` when configured. Copy it, never connect to it (a template takes no connections)."""
    if not PG_URL:
        return str(request.getfixturevalue("demo_sqlite_template"))
    return build_once(shared_tmp / "demo-postgresql", lambda _: build_demo_db(pg_url(PG_URL, "demo_template")))


_demo_copies = itertools.count()


@pytest.fixture(scope="module")
def demo_db_url(demo_template: str, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """This module's own copy of the demo database (``<base>_<worker>_demo<n>`` on PostgreSQL, dropped after)."""
    if PG_URL:
        url = pg_url(PG_URL, f"{worker_id}_demo{next(_demo_copies)}")
    else:
        url = sqlite_url(tmp_path_factory.mktemp("demo") / "demo.db")
    copy_database(demo_template, url)
    yield url
    if PG_URL:
        drop_pg_database(url)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL templates once every test is done (in the xdist controller, or without xdist)."""
    if PG_URL and not hasattr(session.config, "workerinput"):
        drop_pg_database(pg_url(PG_URL, "demo_template"))
        drop_pg_database(pg_url(PG_URL, "migrated_template"))


@pytest.fixture(scope="session")
def demo_site_template(shared_tmp: Path, demo_sqlite_template: str) -> DemoSite:
    """The session's demo web site (SQLite database with the demo accounts, data folder): copy it, never use it.
    Made from the session's demo database (the demo data set is built once per session, not twice)."""
    folder = shared_tmp / "demo-site"
    return DemoSite(folder, build_once(folder, lambda data_dir: build_site_from(demo_sqlite_template, data_dir)))


@pytest.fixture(scope="module")
def demo_site(demo_site_template: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> DemoSite:
    """This module's own copy of the demo web site."""
    return copy_site(demo_site_template, tmp_path_factory.mktemp("site") / "data")


@pytest.fixture(scope="session")
def library() -> FactorLibrary:
    return FactorLibrary.load()


@pytest.fixture
def write_csv(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write data rows under the contract header; return the file's path."""

    def _write(*rows: str, name: str = "activity.csv", header: str = HEADER) -> Path:
        path = tmp_path / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    return _write
