"""The ledger: double entry and balances, verify catching an edited, removed or forged entry, reversal,
redemption with stock, donation, expiry, statements; review, appeals; deletion and retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from credit_fixtures import T0, Credits, credits, trip
from transcarbon.services import audit, keys
from transcarbon.services.credits import ledger, privacy, review, wallet
from transcarbon.services.credits.common import CreditsError, pseudonym
from transcarbon.settings import Settings
from transcarbon.store.models_credits import (
    CreditAccount,
    CreditConsent,
    CreditLedgerEntry,
    CreditTrip,
)

__all__ = ["credits"]  # the fixture


def _walks(credits: Credits, user: str = "u1", n: int = 3) -> None:
    credits.consent(user)
    answers = credits.submit([trip(f"{user}-{i}", user=user, start_min=60 * i) for i in range(n)])
    assert [a["points"] for a in answers] == [5] * n


def reasons(credits: Credits) -> list[str]:
    with credits.db.transaction() as s:
        return [p.reason for p in ledger.verify(s).problems]


def test_verify_catches_an_edited_entry(credits: Credits) -> None:
    _walks(credits)
    assert reasons(credits) == []
    with credits.db.transaction() as s:  # someone with database access gives themselves points
        s.execute(update(CreditLedgerEntry).where(CreditLedgerEntry.id == 2).values(points=500))
    assert set(reasons(credits)) == {"chain.bad_hash", "ledger.balance", "ledger.trip_points"}
    with credits.db.transaction() as s:  # …and makes the balance match: the chain and the trip still tell
        acct = s.scalars(select(CreditAccount).where(CreditAccount.kind == "user")).one()
        acct.balance_points += 495
        pool = s.scalars(select(CreditAccount).where(CreditAccount.kind == "pool")).one()
        pool.balance_points -= 495
    assert set(reasons(credits)) == {"chain.bad_hash", "ledger.trip_points"}


def test_verify_catches_a_removed_entry(credits: Credits) -> None:
    _walks(credits)
    with credits.db.transaction() as s:
        s.execute(delete(CreditLedgerEntry).where(CreditLedgerEntry.id == 3))
    found = reasons(credits)
    assert "chain.head" in found and "ledger.balance" in found


def test_reversal_redemption_donation_and_statement(credits: Credits) -> None:
    _walks(credits, n=4)  # 20 points
    with credits.db.transaction() as s:
        reversed_ = review.reverse(s, 1, actor="admin", note="faulty tracker")
        assert reversed_["status"] == "rejected" and reversed_["reason"] == "reversed"
        with pytest.raises(CreditsError, match="not_reversible"):
            review.reverse(s, 1, actor="admin", note="again")
    with credits.db.transaction() as s:
        ticket = wallet.add_item(s, "reward", "一日票", "day ticket", cost_points=10, stock=1, actor="admin")
        trees = wallet.add_item(s, "project", "植树", "trees", actor="admin")
    with credits.db.transaction() as s:
        maas = credits.partner(s)
        first = wallet.redeem(s, maas, "u1", ticket, "r1")
        assert wallet.redeem(s, maas, "u1", ticket, "r1") == first  # a retry spends nothing more
        with pytest.raises(CreditsError, match="out_of_stock"):
            wallet.redeem(s, maas, "u1", ticket, "r2")
        wallet.donate(s, maas, "u1", trees, 3, "d1")
        with pytest.raises(CreditsError, match="insufficient"):
            wallet.donate(s, maas, "u1", trees, 3, "d2")  # 20 − 5 − 10 − 3 = 2 left
    with credits.db.transaction() as s:
        acct = s.scalars(select(CreditAccount).where(CreditAccount.ref == pseudonym("u1"))).one()
        st = ledger.statement(s, acct.id)
        assert st["balance_points"] == 2
        assert [(e["kind"], e["points"]) for e in st["entries"]] == [
            ("donate", -3),
            ("redeem", -10),
            ("reverse", -5),
            ("credit", 5),
            ("credit", 5),
            ("credit", 5),
            ("credit", 5),
        ]
        total = s.scalar(select(func.sum(CreditAccount.balance_points)))
        assert total == 0  # double entry
        assert ledger.verify(s).ok


def test_expiry_takes_the_oldest_points_not_spent(credits: Credits) -> None:
    _walks(credits, n=2)  # 10 points credited now
    with credits.db.transaction() as s:
        trees = wallet.add_item(s, "project", "植树", "trees", actor="admin")
        wallet.donate(s, credits.partner(s), "u1", trees, 4, "d1")
    with credits.db.transaction() as s:
        none = wallet.expire(s, credits.ctx, as_of=T0 + timedelta(days=30), actor="t")
        assert none == {"accounts": 0, "points": 0}
    with credits.db.transaction() as s:  # validity 365 days: 10 credited − 4 spent = 6 expire
        later = wallet.expire(s, credits.ctx, as_of=T0 + timedelta(days=800), actor="t")
        assert later == {"accounts": 1, "points": 6}
        assert wallet.expire(s, credits.ctx, as_of=T0 + timedelta(days=800), actor="t")["points"] == 0
        assert ledger.verify(s).ok


def test_review_queue_decisions_and_appeal(credits: Credits) -> None:
    credits.consent("u1")
    long_walk, fast = credits.submit([trip("long", km=13, minutes=180), trip("fast", km=4, start_min=300, minutes=20)])
    assert long_walk["status"] == "pending" and long_walk["reason"] == "review"
    assert fast["status"] == "rejected" and fast["reason"] == "speed"  # 12 km/h on foot
    with credits.db.transaction() as s:
        assert review.appeal(s, credits.partner(s), fast["trip_id"], "I was running") == {
            "trip_id": fast["trip_id"],
            "appeal_status": "open",
        }
        with pytest.raises(CreditsError, match="appeal_exists"):
            review.appeal(s, credits.partner(s), fast["trip_id"], "again")
    with credits.db.transaction() as s:
        assert [q["trip_id"] for q in review.queue(s)] == [long_walk["trip_id"], fast["trip_id"]]
        credited = review.decide(s, long_walk["trip_id"], "credit", actor="analyst")
        assert credited == {"trip_id": 1, "status": "credited", "reduction_kg": 3.536, "points": 35}  # 0.272 × 13
        granted = review.decide(s, fast["trip_id"], "credit", actor="analyst", note="runner")
        assert granted["points"] == 10  # 0.272 × 4 = 1.088 kg
        assert review.queue(s) == []
        assert review.explain(s, fast["trip_id"])["appeal_status"] == "granted"
        assert ledger.verify(s).ok
        assert "credits.trip_decided" in audit.actions(s)


def test_forget_keeps_the_ledger_and_nothing_personal(credits: Credits) -> None:
    _walks(credits)
    user_hash = pseudonym("u1")
    with credits.db.transaction() as s:
        done = privacy.forget(s, "u1", actor="partner:1")
        assert done["consents"] == 4 and done["trips"] == 3
    with credits.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(CreditConsent)) == 0
        trips = s.scalars(select(CreditTrip)).all()
        assert all(t.started_at is None and t.distance_km is None and t.day is None for t in trips)
        assert all(t.points == 5 for t in trips)  # the credit stays
        assert ledger.verify(s).ok  # the ledger keeps its pseudonymous entries
        for table in ("credit_accounts", "credit_trips", "credit_ledger", "credit_consents", "audit_log"):
            dump = " ".join(str(r) for r in s.execute(text(f"SELECT * FROM {table}")))
            assert user_hash not in dump and "u1" not in dump.replace("u1-", "")
        with pytest.raises(CreditsError, match="no_account"):
            privacy.forget(s, "u1", actor="partner:1")
    credits.consent("u1")  # the same reference later opens a new account
    with credits.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(CreditAccount).where(CreditAccount.kind == "user")) == 2


def test_retention_drops_times_and_old_fares(credits: Credits) -> None:
    _walks(credits, n=1)
    with credits.db.transaction() as s:
        kept = privacy.purge(s, credits.ctx, as_of=T0 + timedelta(days=10), actor="t")
        assert kept == {"trips": 0, "fares": 0}
    with credits.db.transaction() as s:
        from transcarbon.services.credits.common import now_utc

        done = privacy.purge(s, credits.ctx, as_of=now_utc() + timedelta(days=181), actor="t")
        assert done == {"trips": 1, "fares": 0}
        row = s.get(CreditTrip, 1)
        assert row is not None and row.started_at is None and row.evidence is None and row.distance_km == 2.0


def test_ledger_key_rotation_keeps_the_chain(credits: Credits, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keys in a folder (``credits rotate-key``): postings after the rotation are signed with the new key, the old
    ones still verify with the old key (each link names its key); without the old key the chain no longer
    verifies."""
    monkeypatch.delenv("TRANSCARBON_LEDGER_KEY")
    monkeypatch.setattr(keys, "_rings", {})
    monkeypatch.setattr(keys, "_settings", None)
    settings = Settings(data_dir=tmp_path)
    keys.configure(settings)
    _walks(credits, "u1", 2)
    old, new = keys.rotate(settings, ledger.PURPOSE)
    assert old.id != new.id and keys.ring(ledger.PURPOSE).current == new
    _walks(credits, "u2", 2)
    with credits.db.transaction() as s:
        assert ledger.verify(s).ok
        used = s.scalars(select(CreditLedgerEntry.key_id).order_by(CreditLedgerEntry.id)).all()
        assert used == [old.id, old.id, new.id, new.id] and ledger.head_state(s)["key_id"] == new.id
    (keys.folder_for(settings, ledger.PURPOSE) / f"{old.id}.key").unlink()
    keys.configure(settings)
    with credits.db.transaction() as s:
        assert "chain.unknown_key" in {p.reason for p in ledger.verify(s).problems}
