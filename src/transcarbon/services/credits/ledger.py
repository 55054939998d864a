"""The credit ledger: double-entry, append-only, a keyed hash chain (:mod:`transcarbon.services.chain`, keys of
purpose ``ledger`` from :mod:`transcarbon.services.keys`), serialised like the audit log.

Each row (a *posting*) moves ``points`` from its debit account to its credit account; the city's pool issues
points (its balance is minus everything issued and not returned), so the balances of all accounts add up to
zero. Kinds: ``credit`` (pool → user, one per trip), ``redeem`` (user → the reward's partner or the pool),
``donate`` (user → a project), ``expire`` (user → pool), ``reverse`` (user → pool, one per credited trip). Nothing
is ever updated or deleted: a mistake is reversed by a new posting.

Each posting's hash is ``HMAC-SHA256(key, prev_hash ‖ canonical JSON of (id, ts, kind, debit, credit, points,
ref, trip_id, details, key_id))``; the head row carries the last id, hash and a keyed MAC. Appending holds the
head: on PostgreSQL a transaction-scoped advisory lock and ``FOR UPDATE``; on SQLite the head row is written
first (SQLite's write lock before anything is read). Every credit use case takes the head first
(:func:`lock`), so that its checks (idempotency, overlaps, caps, balances, stock) see every earlier
transaction and no two can credit the same trip. Ids are given in order by the appender (no gaps).

:func:`verify` proves the chain intact and every balance equal to the sum of its postings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from transcarbon.services import chain, keys
from transcarbon.services.chain import GENESIS, Break, canonical_json
from transcarbon.services.credits.common import now_utc
from transcarbon.store import bulk
from transcarbon.store.models_credits import CreditAccount, CreditLedgerEntry, CreditLedgerHead, CreditTrip

PURPOSE = "ledger"
_PG_LOCK = 0x7C_C0D1  # the advisory lock id of the credit ledger (used for nothing else)


@dataclass(frozen=True)
class Posting:
    """A posting to append: kind, debit and credit account ids, points (> 0), unique ref, trip, details."""

    kind: str
    debit: int
    credit: int
    points: int
    ref: str
    trip_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _body(row: dict[str, Any]) -> str:
    return canonical_json(
        [
            row["id"],
            row["ts"],
            row["kind"],
            row["debit_account_id"],
            row["credit_account_id"],
            row["points"],
            row["ref"],
            row["trip_id"],
            row["details"],
            row["key_id"],
        ]
    )


def lock(session: Session) -> CreditLedgerHead:
    """Hold the ledger's head until the transaction ends (every credit use case calls this first)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_PG_LOCK)))
    elif dialect == "sqlite":
        session.execute(
            update(CreditLedgerHead)
            .where(CreditLedgerHead.id == 1)
            .values(last_id=CreditLedgerHead.last_id)
            .execution_options(synchronize_session=False)
        )
    return session.scalars(
        select(CreditLedgerHead)
        .where(CreditLedgerHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def post(session: Session, head: CreditLedgerHead, postings: list[Posting], *, at: datetime | None = None) -> list[int]:
    """Append ``postings`` (the head held by :func:`lock`) and move the balances; returns the new ids."""
    if not postings:
        return []
    key = keys.ring(PURPOSE).current
    ts = (at or now_utc()).isoformat(timespec="microseconds")
    prev, next_id = head.last_hash, head.last_id + 1
    rows: list[dict[str, Any]] = []
    deltas: dict[int, int] = defaultdict(int)
    for p in postings:
        if p.points <= 0 or p.debit == p.credit:
            raise ValueError(f"a posting moves a positive number of points between two accounts: {p}")
        row: dict[str, Any] = {
            "id": next_id,
            "ts": ts,
            "kind": p.kind,
            "debit_account_id": p.debit,
            "credit_account_id": p.credit,
            "points": int(p.points),
            "ref": p.ref,
            "trip_id": p.trip_id,
            "details": canonical_json(p.details),
            "key_id": key.id,
            "prev_hash": prev,
        }
        row["hash"] = prev = chain.link_hash(key, prev, _body(row))
        rows.append(row)
        deltas[p.debit] -= p.points
        deltas[p.credit] += p.points
        next_id += 1
    bulk.insert_rows(session, cast(Table, CreditLedgerEntry.__table__), rows)
    moved = {a: d for a, d in deltas.items() if d}
    bulk.update_by_id(session, cast(Table, CreditAccount.__table__), "balance_points", moved, add=True)
    head.last_id, head.last_hash = rows[-1]["id"], rows[-1]["hash"]
    head.key_id, head.mac = key.id, chain.head_mac(key, head.last_id, head.last_hash)
    session.flush()
    return [r["id"] for r in rows]


@dataclass
class LedgerCheck:
    """What :func:`verify` found: postings and accounts checked, every problem (a catalog key and the id)."""

    postings: int = 0
    accounts: int = 0
    problems: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _links(session: Session, batch: int) -> Any:
    cols = CreditLedgerEntry.__table__.c
    for row in session.execute(
        select(CreditLedgerEntry.__table__).order_by(cols.id).execution_options(yield_per=batch)
    ).mappings():
        yield chain.Link(row["id"], row["prev_hash"], row["hash"], _body(dict(row)), row["key_id"])


def verify(session: Session, *, batch: int = 10000) -> LedgerCheck:
    """The chain (every link, the head and its MAC), every account's balance against the sum of its postings
    (``ledger.balance``), the accounts adding up to zero (``ledger.unbalanced``), ids without gaps
    (``ledger.gap``) and every credited trip's points against its credit (``ledger.trip_points``)."""
    ring = keys.ring(PURPOSE)
    walk = chain.check(_links(session, batch), ring)
    head = session.get(CreditLedgerHead, 1)
    if head is not None:
        chain.check_head(walk, ring, last_id=head.last_id, last_hash=head.last_hash, key_id=head.key_id, mac=head.mac)
    if walk.count != walk.last_id:
        walk.breaks.append(Break(walk.last_id, "ledger.gap"))
    sums: dict[int, int] = defaultdict(int)
    for acct, pts in session.execute(
        select(CreditLedgerEntry.credit_account_id, func.sum(CreditLedgerEntry.points)).group_by(
            CreditLedgerEntry.credit_account_id
        )
    ):
        sums[acct] += int(pts)
    for acct, pts in session.execute(
        select(CreditLedgerEntry.debit_account_id, func.sum(CreditLedgerEntry.points)).group_by(
            CreditLedgerEntry.debit_account_id
        )
    ):
        sums[acct] -= int(pts)
    total = 0
    accounts = session.execute(select(CreditAccount.id, CreditAccount.balance_points)).all()
    for acct, balance in accounts:
        total += int(balance)
        if int(balance) != sums.get(acct, 0):
            walk.breaks.append(Break(acct, "ledger.balance"))
    if total != 0:
        walk.breaks.append(Break(0, "ledger.unbalanced"))
    credit = CreditLedgerEntry
    mismatched = session.execute(
        select(CreditTrip.id)
        .join(credit, (credit.trip_id == CreditTrip.id) & (credit.kind == "credit"))
        .where(credit.points != CreditTrip.points)
    ).scalars()
    walk.breaks += [Break(t, "ledger.trip_points") for t in mismatched]
    return LedgerCheck(walk.count, len(accounts), walk.breaks)


def head_state(session: Session) -> dict[str, Any]:
    """The head as shown to admins: last id, hash, key id."""
    head = session.get(CreditLedgerHead, 1)
    if head is None:
        return {"last_id": 0, "hash": GENESIS, "key_id": None}
    return {"last_id": head.last_id, "hash": head.last_hash, "key_id": head.key_id}


def statement(session: Session, account_id: int, *, limit: int = 200) -> dict[str, Any]:
    """An account's balance and its newest postings (signed points: + in, − out)."""
    acct = session.get(CreditAccount, account_id)
    e = CreditLedgerEntry
    rows = session.execute(
        select(e.id, e.ts, e.kind, e.points, e.trip_id, e.debit_account_id)
        .where((e.debit_account_id == account_id) | (e.credit_account_id == account_id))
        .order_by(e.id.desc())
        .limit(limit)
    ).all()
    return {
        "balance_points": int(acct.balance_points) if acct is not None else 0,
        "entries": [
            {
                "entry_id": r.id,
                "ts": r.ts,
                "kind": r.kind,
                "points": -int(r.points) if r.debit_account_id == account_id else int(r.points),
                "trip_id": r.trip_id,
            }
            for r in rows
        ],
    }
