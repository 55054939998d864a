"""Facts about a database itself, in its ``platform_meta`` table: above all whether it was created as the
synthetic demo (``kind`` = ``demo``, written by the demo build in the transaction that loads the demo). Demo
content and the demo accounts, whose passwords are public, go only into a database marked so, or into an empty
one that the demo build then marks; never into a database that holds anything else."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.store.models import AuditEntry, Organisation, PlatformMeta, Submission, User

KIND = "kind"
DEMO = "demo"


def is_demo(session: Session) -> bool:
    """True when the database was created as the synthetic demo."""
    row = session.get(PlatformMeta, KIND)
    return row is not None and row.value == DEMO


def mark_demo(session: Session) -> None:
    """Mark the database as the synthetic demo (in the caller's transaction, with the demo's loading)."""
    row = session.get(PlatformMeta, KIND)
    if row is None:
        session.add(PlatformMeta(key=KIND, value=DEMO))
    else:
        row.value = DEMO
    session.flush()


def is_empty(session: Session) -> bool:
    """True when the database holds nothing yet: no organisation, user, submission or audit entry."""
    return all(session.scalars(select(t.id)).first() is None for t in (Organisation, User, Submission, AuditEntry))
