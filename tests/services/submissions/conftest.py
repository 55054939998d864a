"""A migrated, seeded database and the services' context for the workflow's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_fixtures import seed, service_context
from transcarbon.store import db


@pytest.fixture
def env(migrated_db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    seed(migrated_db_url)
    engine = db.make_engine(migrated_db_url)
    yield db.session_factory(engine), service_context(tmp_path)
    engine.dispose()
