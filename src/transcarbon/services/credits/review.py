"""Explanations, appeals, the review queue, decisions and reversals of green-trip credits.

Every trip is explained to its user: the baseline and mode factors, the distance, the formula, the rules'
verdicts, the methodology version and hash it was judged under. A rejected trip may be appealed once (by the
partner, for its user); an admin (the review queue: trips held for review and open appeals) credits it or
upholds the rejection. An admin may reverse a credited trip (a new posting, never a deletion). Decisions and
reversals are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from transcarbon.factors.credits import methodology
from transcarbon.methods.credits import trip_points, trip_reduction_kg
from transcarbon.services import audit
from transcarbon.services.credits import ledger
from transcarbon.services.credits.common import POOL_REF, CreditsError, account, now_utc
from transcarbon.services.credits.intake import answer, as_row, post_credits
from transcarbon.store.models_credits import CreditLedgerEntry, CreditPartner, CreditTrip

FORMULA = "reduction_kg = max(0, baseline_ef - mode_ef) * distance_km; points = floor(reduction_kg * points_per_kg)"


def _trip(session: Session, trip_id: int, partner_id: int | None = None) -> CreditTrip:
    trip = session.get(CreditTrip, trip_id)
    if trip is None or (partner_id is not None and trip.partner_id != partner_id):
        raise CreditsError(404, "credits.no_trip", id=trip_id)
    return trip


def explain(session: Session, trip_id: int, partner_id: int | None = None) -> dict[str, Any]:
    """The answer of a trip and why: factors, distance, formula, verdicts, methodology, appeal."""
    trip = _trip(session, trip_id, partner_id)
    return {
        **answer(trip),
        "mode": trip.mode,
        "distance_km": trip.distance_km,
        "day": trip.day,
        "baseline": trip.baseline_kind,
        "baseline_ef_kgco2_per_pkm": trip.baseline_ef,
        "mode_ef_kgco2_per_pkm": trip.mode_ef,
        "formula": FORMULA,
        "methodology_version": trip.methodology_version,
        "methodology_hash": trip.methodology_hash,
        "rules_version": trip.rules_version,
        "verdicts": trip.verdicts,
        "appeal_status": trip.appeal_status,
    }


def appeal(session: Session, partner: CreditPartner, trip_id: int, text: str) -> dict[str, Any]:
    """Open an appeal against a rejection (once per trip); it joins the review queue."""
    ledger.lock(session)
    trip = _trip(session, trip_id, partner.id)
    if trip.status != "rejected" or trip.reason == "no_consent":
        raise CreditsError(409, "credits.not_appealable")
    if trip.appeal_status is not None:
        raise CreditsError(409, "credits.appeal_exists")
    trip.appeal_status, trip.appeal_text = "open", text.strip()[:2000]
    session.flush()
    return {"trip_id": trip.id, "appeal_status": "open"}


_QUEUED = or_(
    (CreditTrip.status == "pending") & (CreditTrip.pending_reason == "review"),
    CreditTrip.appeal_status == "open",
)


def queue_size(session: Session) -> int:
    """How many trips wait in the review queue (held for review or under appeal)."""
    return int(session.scalar(select(func.count()).select_from(CreditTrip).where(_QUEUED)) or 0)


def queue(session: Session, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Trips held for review and open appeals, oldest first (``offset`` of them skipped)."""
    rows = session.scalars(select(CreditTrip).where(_QUEUED).order_by(CreditTrip.id).offset(offset).limit(limit))
    return [
        {
            "trip_id": t.id,
            "mode": t.mode,
            "day": t.day,
            "distance_km": t.distance_km,
            "status": t.status,
            "why": t.pending_reason if t.status == "pending" else t.reason,
            "appeal": t.appeal_text,
            "points": t.points,
            "speed_kmh": (t.verdicts or {}).get("speed_kmh"),
        }
        for t in rows
    ]


def decide(
    session: Session, trip_id: int, decision: str, *, actor: str, note: str = "", now: datetime | None = None
) -> dict[str, Any]:
    """Credit (``credit``) or reject (``reject``) a trip held for review or under appeal (audited)."""
    if decision not in ("credit", "reject"):
        raise CreditsError(422, "credits.bad_decision")
    now = now or now_utc()
    head = ledger.lock(session)
    trip = _trip(session, trip_id)
    held = trip.status == "pending" and trip.pending_reason == "review"
    appealed = trip.appeal_status == "open"
    if not (held or appealed):
        raise CreditsError(409, "credits.not_in_queue")
    if trip.distance_km is None and decision == "credit":
        raise CreditsError(409, "credits.no_data")
    before = answer(trip)
    trip.decided_by, trip.decided_at = actor, now
    if decision == "credit":
        if appealed:  # the rejection is lifted: credit what the methodology gave the trip
            reduction = trip_reduction_kg(trip.baseline_ef, [trip.mode_ef or 0.0], [float(trip.distance_km or 0.0)])
            trip.reduction_kg = round(float(reduction[0]), 6)
            trip.points = int(trip_points([trip.reduction_kg], _points_per_kg(trip))[0])
        trip.status, trip.pending_reason, trip.reason = "credited", None, None
        trip.appeal_status = "granted" if appealed else trip.appeal_status
        session.flush()
        post_credits(session, head, [as_row(trip)], now)
    else:
        trip.status, trip.pending_reason = "rejected", None
        trip.reason = trip.reason if appealed else "review_rejected"
        trip.reduction_kg, trip.points = 0.0, 0
        trip.appeal_status = "upheld" if appealed else trip.appeal_status
    audit.append(
        session,
        actor=actor,
        action="credits.trip_decided",
        object_type="credit_trip",
        object_id=str(trip.id),
        before=before,
        after=answer(trip),
        details={"decision": decision, "appeal": appealed, "note": note[:500]},
    )
    return answer(trip)


def _points_per_kg(trip: CreditTrip) -> float:
    """Points per kg of the methodology the trip was judged under (its recorded version)."""
    return methodology(trip.methodology_version, trip.baseline_kind).points_per_kg


def reverse(session: Session, trip_id: int, *, actor: str, note: str, now: datetime | None = None) -> dict[str, Any]:
    """Reverse a credited trip: a posting user → pool of its points (one per trip); the trip reads rejected,
    ``reversed``. Audited."""
    head = ledger.lock(session)
    trip = _trip(session, trip_id)
    credit = session.scalars(select(CreditLedgerEntry).where(CreditLedgerEntry.ref == f"credit:trip:{trip.id}")).first()
    if trip.status != "credited" or credit is None:
        raise CreditsError(409, "credits.not_reversible")
    pool = account(session, "pool", POOL_REF)
    assert pool is not None
    before = answer(trip)
    ledger.post(
        session,
        head,
        [
            ledger.Posting(
                "reverse",
                credit.credit_account_id,
                pool.id,
                credit.points,
                f"reverse:trip:{trip.id}",
                trip.id,
                {"note": note[:500]},
            )
        ],
        at=now,
    )
    trip.status, trip.reason, trip.decided_by, trip.decided_at = "rejected", "reversed", actor, now or now_utc()
    audit.append(
        session,
        actor=actor,
        action="credits.trip_reversed",
        object_type="credit_trip",
        object_id=str(trip.id),
        before=before,
        after=answer(trip),
        details={"note": note[:500]},
    )
    return answer(trip)


def first_trip(session: Session, *, status: str, reason: str | None = None, mode: str | None = None) -> int | None:
    """The id of the oldest trip with this status (and reason, mode), or None."""
    cond = [CreditTrip.status == status]
    if reason is not None:
        cond.append(CreditTrip.reason == reason)
    if mode is not None:
        cond.append(CreditTrip.mode == mode)
    return session.scalars(select(CreditTrip.id).where(*cond).order_by(CreditTrip.id).limit(1)).first()
