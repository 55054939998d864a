"""The daily pass of green-trip credits: fare-card matching, expiry of points and the retention limit, in one
transaction with the ledger's head held, as of a date.

Order: pending transit trips are matched first (a fare record about to pass the retention limit still credits
its trip), then points older than the methodology's validity expire, then trip details and fare records older
than the retention limit are cleared. Each step is idempotent (a matched trip is no longer pending; an expiry
posting has the unique ref ``expire:<account>:<day>`` and nothing is left to expire after it; cleared details
stay cleared), so the pass can run again, by a timer or by hand, and changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from transcarbon.services.credits import intake, ledger, privacy, wallet
from transcarbon.services.credits.common import CreditsContext


def run(session: Session, ctx: CreditsContext, *, as_of: datetime, actor: str) -> dict[str, Any]:
    """Match, expire, purge as of ``as_of``: ``{"as_of", "matched": {credited, review, expired}, "expired":
    {accounts, points}, "purged": {trips, fares}}``. Each step is audited by its service."""
    head = ledger.lock(session)
    matched = intake.match_pending(session, ctx, head, now=as_of)
    expired = wallet.expire(session, ctx, as_of=as_of, actor=actor)
    purged = privacy.purge(session, ctx, as_of=as_of, actor=actor)
    return {"as_of": as_of.isoformat(), "matched": matched, "expired": expired, "purged": purged}
