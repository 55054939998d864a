"""The demo's month of green trips: every fraud rule catches its planted cases, the review queue and the catalogue
hold what the story says, the ledger verifies, and the public figures add up."""

from __future__ import annotations

from sqlalchemy import func, select

from transcarbon.city.config import load_city
from transcarbon.services.credits import ledger, review, views
from transcarbon.services.credits.common import context
from transcarbon.services.database import Database
from transcarbon.store.models_credits import CreditLedgerEntry, CreditTrip


def test_demo_credits(demo_db_url: str) -> None:
    with Database.open(demo_db_url) as database, database.transaction() as s:
        t = CreditTrip
        why = func.coalesce(t.reason, t.pending_reason)
        counts = dict(s.execute(select(why, func.count()).group_by(why)).all())
        caught = {"speed", "navigation", "duplicate_partner", "overlap", "daily_cap", "fare_unmatched", "no_consent"}
        assert caught <= set(counts), counts
        assert counts["daily_cap"] == 5 * 1 + 4  # five users' sixth walk (27 km > 20) and, for some, the fifth
        assert counts[None] > 4000  # credited trips
        assert [q["why"] for q in review.queue(s)] == ["speed", "review", "review", "review"]
        assert counts["reversed"] == 1 and counts["review_rejected"] == 1
        assert ledger.verify(s).ok
        kinds = dict(s.execute(select(CreditLedgerEntry.kind, func.count()).group_by(CreditLedgerEntry.kind)).all())
        assert set(kinds) == {"credit", "reverse", "redeem", "donate"}
        summary = views.public_summary(s, context(load_city()))
        credited_kg = s.scalar(select(func.sum(t.reduction_kg)).where(t.status == "credited"))
        assert summary["reduction_kg"] == credited_kg and summary["participants"] == 150
        assert sum(g["reduction_kg"] for g in summary["by_month"]) == credited_kg
