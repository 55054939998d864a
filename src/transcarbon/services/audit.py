"""The append-only, hash-chained audit log.

Each entry's hash is ``SHA-256(prev_hash ‖ canonical JSON of (ts, actor, action, object_type,
object_id, before_hash, after_hash, details))``; the first entry chains from 64 zeros. Appending
locks the chain head row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), so
concurrent writers queue rather than fork the chain. :func:`verify` recomputes the chain and
reports the first entry that does not match: any edit, insertion or deletion of a row shows.
:func:`entries` and :func:`actions` list the log for people (newest first, a page at a time).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces: the same bytes on every machine and database."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(value: object) -> str:
    """SHA-256 of the canonical JSON of ``value`` (used for before/after hashes of objects)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _entry_hash(prev_hash: str, e: AuditEntry) -> str:
    body = canonical_json([e.ts, e.actor, e.action, e.object_type, e.object_id, e.before_hash, e.after_hash, e.details])
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


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
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
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
    )
    entry.hash = _entry_hash(head.last_hash, entry)
    session.add(entry)
    session.flush()
    head.last_id, head.last_hash = entry.id, entry.hash
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Recompute the whole chain in id order, streaming; stop at the first mismatch."""
    prev, count = GENESIS, 0
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)):
        if e.prev_hash != prev:
            return VerifyResult(
                False,
                count,
                e.id,
                "prev_hash does not match the previous entry (an entry was removed, inserted or edited)",
            )
        if _entry_hash(prev, e) != e.hash:
            return VerifyResult(False, count, e.id, "hash does not match the entry's content (edited)")
        prev, count = e.hash, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return VerifyResult(
            False,
            count,
            head.last_id,
            "the chain head does not match the last entry (entries were removed from the end)",
        )
    return VerifyResult(True, count)


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


def entries(
    session: Session, *, action: str | None = None, object_type: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """(number of entries, one page of them newest first), of one ``action`` and ``object_type`` or all."""
    conds = []
    if action:
        conds.append(AuditEntry.action == action)
    if object_type:
        conds.append(AuditEntry.object_type == object_type)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conds)) or 0
    rows = session.scalars(select(AuditEntry).where(*conds).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return total, [{f: getattr(e, f) for f in ENTRY_FIELDS} for e in rows]


def actions(session: Session) -> list[str]:
    """Every action the log holds, sorted."""
    return sorted(a for (a,) in session.execute(select(AuditEntry.action).distinct()))
