"""Shared fixtures: a fresh database per test (SQLite by default, PostgreSQL when
``TRANSCARBON_TEST_DATABASE_URL`` is set), the packaged factor library, and a CSV writer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbutil import reset_postgres, worker_pg_url
from transcarbon.factors.library import FactorLibrary

PG_URL = os.environ.get("TRANSCARBON_TEST_DATABASE_URL")
HEADER = "org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t"


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
        yield f"sqlite:///{(tmp_path / 'test.db').as_posix()}"


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
