"""No double credit, ever: 50 concurrent submissions of one trip (one idempotency key; and the same trip through
two partners under different keys) leave exactly one credit, on SQLite and on PostgreSQL (when configured)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import PG_URL
from credit_fixtures import Credits, trip
from dbutil import reset_postgres, sqlite_url
from transcarbon.city.config import load_city
from transcarbon.services.credits import intake, ledger, partners
from transcarbon.services.credits.common import context
from transcarbon.services.database import Database
from transcarbon.store.models_credits import CreditLedgerEntry, CreditTrip

N = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Credits]:
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "credits.db")
    else:
        if not PG_URL:
            pytest.skip("needs TRANSCARBON_TEST_DATABASE_URL")
        url = str(request.getfixturevalue("pg_base_url"))
        reset_postgres(url)
    db = Database.open(url, create=True)
    with db.transaction() as s:
        ids = {k: int(partners.add_partner(s, f"p {k}", k, actor="t")["partner_id"]) for k in partners.KINDS}
    yield Credits(db, context(load_city()), ids)
    db.close()


def _race(platform: Credits, submissions: list[tuple[str, intake.TripInput]]) -> list[dict[str, object]]:
    start = threading.Barrier(len(submissions))

    def one(kind_item: tuple[str, intake.TripInput]) -> dict[str, object]:
        kind, item = kind_item
        start.wait()
        return platform.submit([item], kind)[0]

    with ThreadPoolExecutor(len(submissions)) as pool:
        return list(pool.map(one, submissions))


def _credits_of(platform: Credits) -> tuple[int, int]:
    with platform.db.transaction() as s:
        assert ledger.verify(s).ok
        trips = s.scalar(select(func.count()).select_from(CreditTrip)) or 0
        return trips, s.scalar(
            select(func.count()).select_from(CreditLedgerEntry).where(CreditLedgerEntry.kind == "credit")
        ) or 0


def test_fifty_concurrent_duplicates_one_credit(platform: Credits) -> None:
    platform.consent("u1")
    answers = _race(platform, [("maas", trip("same-key"))] * N)
    assert all(a == answers[0] for a in answers) and answers[0]["status"] == "credited"
    assert _credits_of(platform) == (1, 1)


def test_the_same_trip_through_two_partners_concurrently(platform: Credits) -> None:
    platform.consent("u1")
    subs = [("maas" if i % 2 else "bike_share", trip(f"key-{i}", mode="bike", km=5)) for i in range(N)]
    answers = _race(platform, subs)
    credited = [a for a in answers if a["status"] == "credited"]
    assert len(credited) == 1
    assert {a["reason"] for a in answers if a["status"] == "rejected"} <= {"overlap", "duplicate_partner"}
    assert _credits_of(platform) == (N, 1)
