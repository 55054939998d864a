"""What ``audit verify`` proves: the keyed audit chain, its head and an anchor (:mod:`.audit`), and the *seals* of
approved data.

A seal is the SHA-256 of an approved data set as stored, written into the keyed audit entry that approved it
(``details["seals"]``): for an import batch, its activity records (id, row number, year, month, row hash and
every contract field, in id order); for a submission of another report type, its report rows (id, row number,
row hash and data). Whoever edits approved data in the database, even recomputing the row hashes, cannot write a
matching seal without the audit key. :func:`verify` recomputes every approved batch's and submission's seal and
each approved record's row hash (the SHA-256 of its contract fields, :func:`.records.row_hashes`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.activity_csv import COLUMNS, OPTIONAL_COLUMNS, hashed_fields
from transcarbon.services.chain import Break, canonical_json
from transcarbon.store.models import ActivityRecord, ImportBatch, ReportRow, Submission

Seal = dict[str, Any]


def _seal(kind: str, ident: int, lines: Iterable[str]) -> Seal:
    digest, n = hashlib.sha256(), 0
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
        n += 1
    return {"kind": kind, "id": ident, "rows": n, "sha256": digest.hexdigest()}


def _record_fields(r: ActivityRecord) -> list[object]:
    return hashed_fields({c: getattr(r, c) for c in (*COLUMNS, *OPTIONAL_COLUMNS)})


def seal_batches(session: Session, batch_ids: Iterable[int]) -> list[Seal]:
    """The seals of import batches' activity records as stored now."""
    ids = sorted(set(batch_ids))
    lines: dict[int, list[str]] = defaultdict(list)
    if ids:
        for r in session.scalars(
            select(ActivityRecord).where(ActivityRecord.batch_id.in_(ids)).order_by(ActivityRecord.id)
        ):
            lines[r.batch_id].append(
                canonical_json([r.id, r.row_number, r.year, r.month, r.row_hash, *_record_fields(r)])
            )
    return [_seal("batch", i, lines[i]) for i in ids]


def seal_submissions(session: Session, submission_ids: Iterable[int]) -> list[Seal]:
    """The seals of submissions' report rows as stored now."""
    ids = sorted(set(submission_ids))
    lines: dict[int, list[str]] = defaultdict(list)
    if ids:
        for r in session.scalars(select(ReportRow).where(ReportRow.submission_id.in_(ids)).order_by(ReportRow.id)):
            lines[r.submission_id].append(canonical_json([r.id, r.row_number, r.row_hash, r.data]))
    return [_seal("submission", i, lines[i]) for i in ids]


def seals_of_submission(session: Session, submission_id: int) -> list[Seal]:
    """What approving a submission seals: the import batch it brought (activity) or its report rows."""
    batches = list(session.scalars(select(ImportBatch.id).where(ImportBatch.submission_id == submission_id)))
    return seal_batches(session, batches) if batches else seal_submissions(session, [submission_id])


def _check_seals(session: Session, recorded: dict[tuple[str, int], Seal]) -> list[Break]:
    problems: list[Break] = []
    batches = list(session.scalars(select(ImportBatch.id).where(ImportBatch.status == "approved")))
    with_batch = select(ImportBatch.submission_id).where(ImportBatch.submission_id.is_not(None))
    subs = list(
        session.scalars(select(Submission.id).where(Submission.state == "approved", Submission.id.not_in(with_batch)))
    )
    for seal in [*seal_batches(session, batches), *seal_submissions(session, subs)]:
        kept = recorded.get((seal["kind"], seal["id"]))
        if kept is None:
            problems.append(Break(seal["id"], f"seal.{seal['kind']}_unsealed"))
        elif (kept.get("rows"), kept.get("sha256")) != (seal["rows"], seal["sha256"]):
            problems.append(Break(seal["id"], f"seal.{seal['kind']}_changed"))
    return problems


def _check_row_hashes(session: Session) -> list[Break]:
    rows = session.scalars(
        select(ActivityRecord)
        .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
        .where(ImportBatch.status == "approved")
        .order_by(ActivityRecord.id)
        .execution_options(yield_per=5000)
    )
    return [Break(r.id, "seal.record_edited") for r in rows if audit.content_hash(_record_fields(r)) != r.row_hash]


def verify(session: Session, *, anchor: audit.Anchor | None = None) -> audit.VerifyResult:
    """The chain (every broken entry, the head, the anchor when given), then every approved record's row hash and
    every approved data set's seal; all problems in one result."""
    result = audit.verify(session, anchor=anchor)
    result.problems += _check_row_hashes(session) + _check_seals(session, result.seals)
    return result
