"""What users do with their points: the catalogue (rewards with a stock, public-good projects), redemption,
donation, and expiry of points older than the methodology's validity.

Redemption and donation carry the partner's idempotency key: the ledger row's ``ref`` is unique, so a retried
request finds its posting instead of spending twice. Expiry takes the oldest points first: the points that can
expire on a day are those credited before the validity cut-off less everything the account has spent since it
opened (redeemed, donated, expired, reversed), never more than the balance.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.credits import ledger
from transcarbon.services.credits.common import POOL_REF, CreditsContext, CreditsError, account, now_utc, pseudonym
from transcarbon.store.models_credits import CreditAccount, CreditCatalogueItem, CreditLedgerEntry, CreditPartner


def add_item(
    session: Session,
    kind: str,
    name_zh: str,
    name_en: str,
    *,
    cost_points: int = 0,
    stock: int = 0,
    partner_id: int | None = None,
    actor: str,
) -> int:
    """A reward (``reward``: cost and stock) or a public-good project (``project``) in the catalogue (audited)."""
    if kind not in ("reward", "project") or (kind == "reward" and (cost_points <= 0 or stock < 0)):
        raise CreditsError(422, "credits.bad_item")
    item = CreditCatalogueItem(
        kind=kind, name_zh=name_zh, name_en=name_en, cost_points=cost_points, stock=stock, partner_id=partner_id
    )
    session.add(item)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="credits.item_added",
        object_type="credit_item",
        object_id=str(item.id),
        after={"kind": kind, "name_zh": name_zh, "cost_points": cost_points, "stock": stock},
    )
    return item.id


def catalogue(session: Session) -> list[dict[str, Any]]:
    """Active rewards and projects."""
    return [
        {
            "item_id": i.id,
            "kind": i.kind,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "cost_points": i.cost_points,
            "stock": i.stock,
        }
        for i in session.scalars(
            select(CreditCatalogueItem).where(CreditCatalogueItem.active.is_(True)).order_by(CreditCatalogueItem.id)
        )
    ]


def user_account(session: Session, user_ref: str) -> CreditAccount:
    acct = account(session, "user", pseudonym(user_ref), create=False)
    if acct is None:
        raise CreditsError(404, "credits.no_account")
    return acct


def _replayed(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.scalars(select(CreditLedgerEntry).where(CreditLedgerEntry.ref == ref)).first()
    if row is None:
        return None
    return {"entry_id": row.id, "kind": row.kind, "points": row.points}


def redeem(
    session: Session, partner: CreditPartner, user_ref: str, item_id: int, idempotency_key: str
) -> dict[str, Any]:
    """Spend a reward's cost (user → the reward's partner, or the pool) and take one from its stock."""
    head = ledger.lock(session)
    ref = f"redeem:{partner.id}:{idempotency_key}"
    if (done := _replayed(session, ref)) is not None:
        return done
    acct = user_account(session, user_ref)
    item = session.get(CreditCatalogueItem, item_id)
    if item is None or item.kind != "reward" or not item.active:
        raise CreditsError(404, "credits.no_item", id=item_id)
    if item.stock <= 0:
        raise CreditsError(409, "credits.out_of_stock")
    if acct.balance_points < item.cost_points:
        raise CreditsError(409, "credits.insufficient", balance=acct.balance_points, cost=item.cost_points)
    to = account(session, "partner", str(item.partner_id)) if item.partner_id else account(session, "pool", POOL_REF)
    assert to is not None
    (entry_id,) = ledger.post(
        session, head, [ledger.Posting("redeem", acct.id, to.id, item.cost_points, ref, None, {"item": item.id})]
    )
    item.stock -= 1
    return {"entry_id": entry_id, "kind": "redeem", "points": item.cost_points}


def donate(
    session: Session, partner: CreditPartner, user_ref: str, item_id: int, points: int, idempotency_key: str
) -> dict[str, Any]:
    """Give points to a public-good project (user → the project's account)."""
    head = ledger.lock(session)
    ref = f"donate:{partner.id}:{idempotency_key}"
    if (done := _replayed(session, ref)) is not None:
        return done
    acct = user_account(session, user_ref)
    item = session.get(CreditCatalogueItem, item_id)
    if item is None or item.kind != "project" or not item.active:
        raise CreditsError(404, "credits.no_item", id=item_id)
    if points <= 0 or acct.balance_points < points:
        raise CreditsError(409, "credits.insufficient", balance=acct.balance_points, cost=points)
    project = account(session, "project", str(item.id))
    assert project is not None
    (entry_id,) = ledger.post(
        session, head, [ledger.Posting("donate", acct.id, project.id, points, ref, None, {"item": item.id})]
    )
    return {"entry_id": entry_id, "kind": "donate", "points": points}


def expire(session: Session, ctx: CreditsContext, *, as_of: datetime | None = None, actor: str) -> dict[str, int]:
    """Expire, per user, the points credited more than the methodology's validity before ``as_of`` and not spent
    since (oldest first); one posting per account and day (``expire:<account>:<day>``). Audited."""
    as_of = as_of or now_utc()
    head = ledger.lock(session)
    cutoff = (as_of - timedelta(days=ctx.method.validity_days)).isoformat(timespec="microseconds")
    e = CreditLedgerEntry
    old = dict(
        session.execute(
            select(e.credit_account_id, func.sum(e.points))
            .where(e.kind == "credit", e.ts < cutoff)
            .group_by(e.credit_account_id)
        ).all()
    )
    if not old:
        return {"accounts": 0, "points": 0}
    spent = dict(
        session.execute(
            select(e.debit_account_id, func.sum(e.points))
            .where(e.debit_account_id.in_(list(old)))
            .group_by(e.debit_account_id)
        ).all()
    )
    pool = account(session, "pool", POOL_REF)
    assert pool is not None
    day = as_of.date().isoformat()
    balances = dict(
        session.execute(
            select(CreditAccount.id, CreditAccount.balance_points).where(CreditAccount.id.in_(list(old)))
        ).all()
    )
    postings = []
    for acct, credited in old.items():
        due = min(int(credited) - int(spent.get(acct, 0)), int(balances.get(acct, 0)))
        ref = f"expire:{acct}:{day}"
        if due > 0 and _replayed(session, ref) is None:
            postings.append(ledger.Posting("expire", acct, pool.id, due, ref, None, {"before": cutoff}))
    ledger.post(session, head, postings, at=as_of)
    total = sum(p.points for p in postings)
    audit.append(
        session,
        actor=actor,
        action="credits.points_expired",
        object_type="credit_ledger",
        object_id=day,
        details={"accounts": len(postings), "points": total},
    )
    return {"accounts": len(postings), "points": total}
