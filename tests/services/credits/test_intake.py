"""Trip intake: idempotency, accounts, consent, fare matching and the claim window, the methodology recorded."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from credit_fixtures import T0, Credits, credits, trip
from transcarbon.factors.credits import _load, methodology
from transcarbon.services.credits import intake, ledger, review
from transcarbon.services.credits.common import CreditsError
from transcarbon.store.models_credits import CreditAccount, CreditLedgerEntry, CreditTrip

__all__ = ["credits"]  # the fixture


def test_credit_and_idempotency(credits: Credits) -> None:
    credits.consent("u1")
    first = credits.submit([trip("k1")])
    # 2 km navigated walk, high-carbon baseline 0.272: 0.544 kg, 5 points
    assert first == [{"trip_id": 1, "status": "credited", "reduction_kg": 0.544, "points": 5}]
    assert credits.submit([trip("k1")]) == first  # same key, same body: the same answer
    assert credits.submit([trip("k1", km=2.5)]) == [{"error": "credits.key_reused", "http_status": 409}]
    # the same key in one batch twice: one trip; another key for the same trip overlaps it
    twice = credits.submit([trip("k2", start_min=60), trip("k2", start_min=60), trip("k3", start_min=61)])
    assert twice[0] == twice[1] and twice[0]["status"] == "credited"
    assert twice[2]["reason"] == "overlap"
    with credits.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(CreditTrip)) == 3
        assert s.scalar(select(func.count()).select_from(CreditLedgerEntry)) == 2
        assert ledger.verify(s).ok
        user = s.scalars(select(CreditAccount).where(CreditAccount.kind == "user")).one()
        assert user.balance_points == 10 and len(user.ref) == 64 and "u1" not in user.ref
        assert ledger.statement(s, user.id)["balance_points"] == 10


def test_unknown_mode_refused(credits: Credits) -> None:
    assert credits.submit([trip("k", mode="rocket")]) == [{"error": "credits.unknown_mode", "http_status": 422}]


def test_without_consent_nothing_personal_is_kept(credits: Credits) -> None:
    credits.consent("u1", "transit")  # not walking
    answer = credits.submit([trip("k1")])[0]
    assert answer["status"] == "rejected" and answer["reason"] == "no_consent" and answer["points"] == 0
    with credits.db.transaction() as s:
        row = s.get(CreditTrip, answer["trip_id"])
        assert row is not None
        assert (row.distance_km, row.started_at, row.ended_at, row.day, row.evidence) == (None,) * 5
        assert s.scalar(select(func.count()).select_from(CreditAccount).where(CreditAccount.kind == "user")) == 1


def test_transit_waits_for_its_fare_then_credits(credits: Credits) -> None:
    credits.consent("u1")
    bus = credits.submit([trip("b1", mode="bus", km=10, minutes=40, navigated=None)])[0]
    assert bus == {"trip_id": 1, "status": "pending", "reduction_kg": 2.04, "points": 20, "reason": "fare_match"}
    with credits.db.transaction() as s:
        done = intake.record_fares(
            s, credits.ctx, credits.partner(s, "transit_card"), [intake.FareInput("f1", "u1", "bus", T0)]
        )
        assert done == {"stored": 1, "skipped": 0, "trips_credited": 1}
    with credits.db.transaction() as s:
        assert review.explain(s, 1)["status"] == "credited"
        assert review.explain(s, 1)["verdicts"]["fare_match"] == "pass"
        assert ledger.verify(s).ok
    # fare records only from transit-card partners
    with credits.db.transaction() as s, pytest.raises(CreditsError) as refused:
        intake.record_fares(s, credits.ctx, credits.partner(s), [intake.FareInput("f2", "u1", "bus", T0)])
    assert refused.value.status == 403


def test_unmatched_transit_expires_after_the_claim_window(credits: Credits) -> None:
    credits.consent("u1")
    credits.submit([trip("b1", mode="bus", km=10, minutes=40, navigated=None)])
    with credits.db.transaction() as s:
        head = ledger.lock(s)
        early = intake.match_pending(s, credits.ctx, head, now=T0 + timedelta(days=6))
        assert early == {"credited": 0, "review": 0, "expired": 0}
        late = intake.match_pending(s, credits.ctx, head, now=T0 + timedelta(days=8))  # claim window: 7 days
        assert late == {"credited": 0, "review": 0, "expired": 1}
        row = s.get(CreditTrip, 1)
        assert row is not None and (row.status, row.reason, row.points) == ("rejected", "fare_unmatched", 0)


def test_a_new_methodology_version_never_changes_past_credits(credits: Credits, tmp_path: Path) -> None:
    credits.consent("u1")
    old = credits.submit([trip("k1")])[0]
    folder = tmp_path / "credits"
    shutil.copytree(Path(str(resources.files("transcarbon") / "data" / "credits")), folder)
    text = (folder / "methodologies.yaml").read_text(encoding="utf-8")
    block = text[text.index("  - version:") :]
    (folder / "methodologies.yaml").write_text(
        text + block.replace('"2026.1"', '"2027.1"').replace("points_per_kg: 10", "points_per_kg: 20"),
        encoding="utf-8",
    )
    rows = (folder / "mode_factors.csv").read_text(encoding="utf-8").splitlines()
    (folder / "mode_factors.csv").write_text(
        "\n".join(rows + [r.replace("2026.1,", "2027.1,", 1) for r in rows[1:]]) + "\n", encoding="utf-8"
    )
    _load.cache_clear()
    new_method = methodology("2027.1", "high_carbon", folder)
    ctx = replace(credits.ctx, method=new_method)
    with credits.db.transaction() as s:
        new = intake.submit_trips(s, ctx, credits.partner(s), [trip("k2", start_min=120)])[0]
    assert (old["points"], new["points"]) == (5, 10)  # 0.544 kg × 10 and × 20
    with credits.db.transaction() as s:
        first, second = review.explain(s, old["trip_id"]), review.explain(s, new["trip_id"])
    assert (first["methodology_version"], second["methodology_version"]) == ("2026.1", "2027.1")
    assert first["points"] == 5 and first["methodology_hash"] == credits.ctx.method.hash
    assert second["methodology_hash"] == new_method.hash != first["methodology_hash"]
