"""The append-only audit log: a keyed hash chain (:mod:`transcarbon.services.chain`) with a keyed head.

Each entry's hash is ``HMAC-SHA256(key, prev_hash ‖ canonical JSON of (ts, actor, action, object_type,
object_id, before_hash, after_hash, details, key_id))`` under the audit key ring (:mod:`transcarbon.services.keys`:
a key outside the database). Entries written before the chain was keyed (``key_id`` null) were plain SHA-256 and
are accepted only before the first keyed entry.

Appending is serialised on every database, across processes: on PostgreSQL a transaction-scoped advisory lock
and the head row locked ``FOR UPDATE``; on SQLite, which ignores ``FOR UPDATE``, the head row is written first, so
that the transaction holds SQLite's write lock before it reads the head (a deferred transaction would read a
head that another process is about to move, and fork the chain).

:func:`verify` walks the whole chain once and reports every broken entry, the head (a keyed MAC over the last
id and hash: entries removed from the end show) and, given an :class:`Anchor` recorded earlier (:func:`anchor`),
whether the chain still holds it. It also collects the seals of approved data written into entries
(``details["seals"]``), which :mod:`transcarbon.services.integrity` checks against the data.
:func:`entries` and :func:`actions` list the log for people (newest first, a page at a time).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from transcarbon.services import chain, keys
from transcarbon.services.chain import GENESIS, Break, canonical_json
from transcarbon.services.listing import matching, order, page_of
from transcarbon.store.models import AuditEntry, AuditHead

PURPOSE = "audit"
_PG_LOCK = 0x7C_A0D1  # the advisory lock id of the audit chain (any constant the platform uses for nothing else)


def content_hash(value: object) -> str:
    """SHA-256 of the canonical JSON of ``value`` (used for before/after hashes of objects)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _body(e: AuditEntry) -> str:
    fields: list[object] = [e.ts, e.actor, e.action, e.object_type, e.object_id, e.before_hash, e.after_hash, e.details]
    return canonical_json(fields if e.key_id is None else [*fields, e.key_id])


def _unkeyed(prev_hash: str, body: str) -> str:
    """How entries were hashed before the chain was keyed."""
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    """The head row, held so that no other transaction appends until this one ends (see the module doc)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_PG_LOCK)))
    elif dialect == "sqlite":
        session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_id=AuditHead.last_id)
            .execution_options(synchronize_session=False)
        )
    head = session.scalars(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:  # a database migrated before the head row was made at creation
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: object = None,
    after: object = None,
    details: dict[str, object] | None = None,
) -> AuditEntry:
    """Add one entry in the caller's transaction (it commits or rolls back with the change itself)."""
    key = keys.ring(PURPOSE).current
    head = _lock_head(session)
    entry = AuditEntry(
        ts=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before_hash=None if before is None else content_hash(before),
        after_hash=None if after is None else content_hash(after),
        details=canonical_json(details or {}),
        prev_hash=head.last_hash,
        hash="",
        key_id=key.id,
    )
    entry.hash = chain.link_hash(key, head.last_hash, _body(entry))
    session.add(entry)
    session.flush()
    head.last_id, head.last_hash = entry.id, entry.hash
    head.key_id, head.mac = key.id, chain.head_mac(key, entry.id, entry.hash)
    return entry


@dataclass(frozen=True)
class Entry:
    """One entry for :func:`append_many`: the fields of :func:`append`."""

    actor: str
    action: str
    object_type: str
    object_id: str
    before: object = None
    after: object = None
    details: dict[str, object] | None = None


def append_many(session: Session, entries: list[Entry]) -> int:
    """Add ``entries`` in this order in the caller's transaction, chained exactly as :func:`append` would one by
    one, under one hold of the head (a bulk load's thousands of entries in one executemany). Returns how many."""
    if not entries:
        return 0
    key = keys.ring(PURPOSE).current
    head = _lock_head(session)
    ts = datetime.now(UTC).isoformat(timespec="microseconds")
    prev, rows = head.last_hash, []
    for e in entries:
        row: dict[str, str | None] = {
            "ts": ts,
            "actor": e.actor,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": str(e.object_id),
            "before_hash": None if e.before is None else content_hash(e.before),
            "after_hash": None if e.after is None else content_hash(e.after),
            "details": canonical_json(e.details or {}),
        }
        body = canonical_json([*row.values(), key.id])
        row |= {"prev_hash": prev, "key_id": key.id}
        row["hash"] = prev = chain.link_hash(key, prev, body)
        rows.append(row)
    # in order, after the head: nobody else appends while it is held
    session.connection().execute(insert(AuditEntry), rows)
    last_id = session.scalar(select(func.max(AuditEntry.id)))
    assert last_id is not None
    head.last_id, head.last_hash = last_id, prev
    head.key_id, head.mac = key.id, chain.head_mac(key, last_id, prev)
    return len(rows)


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at one moment, to be recorded outside the platform: how many entries, the last
    one's id and hash, and when."""

    count: int
    last_id: int
    hash: str
    ts: str

    def as_dict(self) -> dict[str, object]:
        return {"count": self.count, "last_id": self.last_id, "hash": self.hash, "ts": self.ts}

    def to_json(self) -> str:
        return canonical_json(self.as_dict())

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """An anchor from the JSON :func:`anchor` wrote; ``ValueError`` when it is not one."""
        try:
            data = json.loads(text)
            return cls(int(data["count"]), int(data["last_id"]), str(data["hash"]), str(data["ts"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not an audit anchor: {exc}") from exc


def anchor(session: Session) -> Anchor:
    """The current head as an :class:`Anchor` (read, not locked: it names a state the chain has reached)."""
    head = session.get(AuditHead, 1)
    last_id, last_hash = (head.last_id, head.last_hash) if head is not None else (0, GENESIS)
    count = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= last_id)) or 0
    return Anchor(count, last_id, last_hash, datetime.now(UTC).isoformat(timespec="seconds"))


@dataclass
class VerifyResult:
    """The chain's verification: entries checked, every break found, and the seals of approved data that the
    entries carry (``(kind, id)`` → seal, the newest per object)."""

    checked: int
    problems: list[Break] = field(default_factory=list)
    seals: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_id(self) -> int | None:
        return self.problems[0].id if self.problems else None

    @property
    def reason(self) -> str:
        """The first problem's catalog key ('' when none)."""
        return self.problems[0].reason if self.problems else ""


def _links(session: Session, seals: dict[tuple[str, int], dict[str, Any]], batch: int) -> Iterator[chain.Link]:
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)):
        if '"seals"' in e.details:
            for seal in json.loads(e.details).get("seals") or []:
                if isinstance(seal, dict) and seal.get("kind") in ("batch", "submission"):
                    seals[(str(seal["kind"]), int(seal["id"]))] = seal
        yield chain.Link(e.id, e.prev_hash, e.hash, _body(e), e.key_id)


def verify(session: Session, *, anchor: Anchor | None = None, batch: int = 5000) -> VerifyResult:
    """Recompute the whole chain in id order (streaming), check the head and, when given, the anchor; report
    every broken entry."""
    ring = keys.ring(PURPOSE)
    result = VerifyResult(0)
    walk = chain.check(_links(session, result.seals, batch), ring, unkeyed=_unkeyed)
    head = session.get(AuditHead, 1)
    if head is not None:
        chain.check_head(walk, ring, last_id=head.last_id, last_hash=head.last_hash, key_id=head.key_id, mac=head.mac)
    if anchor is not None:
        walk.breaks += _check_anchor(session, anchor)
    result.checked, result.problems = walk.count, walk.breaks
    return result


def _check_anchor(session: Session, anchor: Anchor) -> list[Break]:
    """The anchored entry is still there with the same hash, and no entry before it went missing."""
    if anchor.last_id == 0:
        return []
    entry = session.get(AuditEntry, anchor.last_id)
    if entry is None or entry.hash != anchor.hash:
        return [Break(anchor.last_id, "chain.anchor_changed")]
    before = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= anchor.last_id))
    if before != anchor.count:
        return [Break(anchor.last_id, "chain.anchor_count")]
    return []


ENTRY_FIELDS = (
    "id",
    "ts",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before_hash",
    "after_hash",
    "details",
    "prev_hash",
    "hash",
)
"""The fields of an entry as :func:`entries` returns it (``details``: the canonical JSON text that is hashed)."""


ENTRY_SORTS = {
    "id": AuditEntry.id,
    "actor": AuditEntry.actor,
    "action": AuditEntry.action,
    "object_type": AuditEntry.object_type,
}
"""What the log may be sorted by (``-`` first for descending)."""


def entries(
    session: Session,
    *,
    action: str | None = None,
    object_type: str | None = None,
    search: str | None = None,
    sort: str = "-id",
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """(number of entries, one page of them; newest first unless ``sort`` says otherwise), of one ``action`` and
    ``object_type`` or all, ``search`` looked for in the actor, action, object type and object id."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    searched = (AuditEntry.actor, AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id)
    if (found := matching(searched, search)) is not None:
        query = query.where(found)
    total, rows = page_of(session, query, order(ENTRY_SORTS, sort, AuditEntry.id), limit=limit, offset=offset)
    return total, [{f: getattr(e, f) for f in ENTRY_FIELDS} for e in rows]


def actions(session: Session) -> list[str]:
    """Every action the log holds, sorted."""
    return sorted(a for (a,) in session.execute(select(AuditEntry.action).distinct()))
