"""Privacy: deletion of a user's personal data on request, and retention limits.

What is kept about a person at all: a pseudonymous account (a keyed hash of the partner's user reference),
consents per scene, and per trip the mode, day, distance, times, whether it was navigated, the verdicts and the
credit; fare-card records (user, mode, tap time) until matched and for the retention time.

- :func:`forget`: the account's link to the person is cut (its ref becomes ``deleted:<id>``, so the same
  user reference opens a new account), consents and fare records are deleted, and every trip loses its times,
  distance, day, evidence and appeal text. The ledger keeps its pseudonymous postings (balances and the chain
  stay provable). Audited without the user's reference.
- :func:`purge`: trips decided more than the city's ``retention_days`` ago lose their times and evidence
  (the day, distance and credit stay, for the explanation and the statistics); fare records older than that
  are deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.credits import ledger
from transcarbon.services.credits.common import CreditsContext, CreditsError, account, now_utc, pseudonym
from transcarbon.store.models_credits import CreditConsent, CreditFare, CreditTrip


def _count(session: Session, statement: Any) -> int:
    """Rows an UPDATE or DELETE touched."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def forget(session: Session, user_ref: str, *, actor: str) -> dict[str, int]:
    """Delete a user's personal data (see the module); 404 when the reference has no account."""
    ledger.lock(session)
    acct = account(session, "user", pseudonym(user_ref), create=False)
    if acct is None:
        raise CreditsError(404, "credits.no_account")
    now = now_utc()
    consents = _count(session, delete(CreditConsent).where(CreditConsent.account_id == acct.id))
    fares = _count(session, delete(CreditFare).where(CreditFare.account_id == acct.id))
    trips = _count(
        session,
        update(CreditTrip)
        .where(CreditTrip.account_id == acct.id)
        .values(started_at=None, ended_at=None, distance_km=None, day=None, evidence=None, appeal_text=None),
    )
    acct.ref, acct.deleted_at = f"deleted:{acct.id}", now
    audit.append(
        session,
        actor=actor,
        action="credits.user_forgotten",
        object_type="credit_account",
        object_id=str(acct.id),
        details={"consents": consents, "fares": fares, "trips": trips},
    )
    return {"account_id": acct.id, "consents": consents, "fares": fares, "trips": trips}


def purge(session: Session, ctx: CreditsContext, *, as_of: datetime | None = None, actor: str) -> dict[str, int]:
    """Apply the retention limit (see the module). Audited."""
    as_of = as_of or now_utc()
    cutoff = as_of - timedelta(days=ctx.section.retention_days)
    ledger.lock(session)
    trips = _count(
        session,
        update(CreditTrip)
        .where(CreditTrip.status != "pending", CreditTrip.created_at < cutoff, CreditTrip.started_at.is_not(None))
        .values(started_at=None, ended_at=None, evidence=None),
    )
    fares = _count(session, delete(CreditFare).where(CreditFare.tapped_at < cutoff))
    audit.append(
        session,
        actor=actor,
        action="credits.retention_applied",
        object_type="credit_trips",
        object_id=as_of.date().isoformat(),
        details={"trips": trips, "fares": fares, "retention_days": ctx.section.retention_days},
    )
    return {"trips": trips, "fares": fares}
