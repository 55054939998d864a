"""The daily pass (``transcarbon credits daily``): fare matching, expiry and retention in one transaction, and a
second run as of the same day changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from credit_fixtures import T0, Credits, credits, trip
from transcarbon.services.credits import daily, ledger
from transcarbon.store.models_credits import CreditLedgerEntry, CreditTrip

__all__ = ["credits"]  # the fixture


def test_daily_pass_matches_expires_purges_once(credits: Credits) -> None:
    credits.consent("u1")
    walk = credits.submit([trip("w")], now=T0)[0]  # 2 km navigated walk: 5 points, credited at T0
    bus = credits.submit([trip("b", mode="bus", km=8, start_min=120)], now=T0)[0]  # no fare record: pending
    assert walk["status"] == "credited" and bus["status"] == "pending"
    as_of = T0 + timedelta(days=400)  # past the 7-day claim window, 365-day validity, 180-day retention
    with credits.db.transaction() as s:
        first = daily.run(s, credits.ctx, as_of=as_of, actor="timer")
    assert first["matched"] == {"credited": 0, "review": 0, "expired": 1}
    assert first["expired"] == {"accounts": 1, "points": 5}
    assert first["purged"] == {"trips": 2, "fares": 0}
    with credits.db.transaction() as s:
        again = daily.run(s, credits.ctx, as_of=as_of, actor="timer")
        assert again["matched"] == {"credited": 0, "review": 0, "expired": 0}
        assert again["expired"] == {"accounts": 0, "points": 0} and again["purged"] == {"trips": 0, "fares": 0}
        assert ledger.verify(s).ok
        assert (
            s.scalar(select(func.count()).select_from(CreditLedgerEntry).where(CreditLedgerEntry.kind == "expire")) == 1
        )
        kept = s.scalars(select(CreditTrip).order_by(CreditTrip.id)).all()
        assert [t.status for t in kept] == ["credited", "rejected"] and kept[1].reason == "fare_unmatched"
        assert all(t.started_at is None and t.distance_km is not None for t in kept)
