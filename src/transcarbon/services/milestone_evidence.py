"""Milestone evidence on the web: the approved evidence of every milestone with its documents, date, status and
reviewer, and filing new evidence — one row of the ``milestone_evidence`` report with its documents attached,
sent for review — through the same workflow (upload, attachments, submit) as any report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.reports import ReportCatalog
from transcarbon.services import submissions as wf
from transcarbon.services.report_data import approved_rows
from transcarbon.services.users import Principal
from transcarbon.store.db import transaction
from transcarbon.store.models import Submission, SubmissionAttachment

REPORT = "milestone_evidence"


def approved_evidence(session: Session, catalog: ReportCatalog) -> dict[str, list[dict[str, Any]]]:
    """Milestone id → its approved evidence, newest first: date, status, count, text, organisation, submission,
    reviewer and decision time, and the attached documents (id, file name)."""
    rows = approved_rows(session, REPORT, None, catalog=catalog)
    if rows.is_empty():
        return {}
    ids = [int(i) for i in rows["submission_id"].unique().to_list()]
    decided = {
        sid: (by, at)
        for sid, by, at in session.execute(
            select(Submission.id, Submission.decided_by, Submission.decided_at).where(Submission.id.in_(ids))
        ).all()
    }
    files: dict[int, list[tuple[int, str]]] = {}
    for aid, sid, name in session.execute(
        select(SubmissionAttachment.id, SubmissionAttachment.submission_id, SubmissionAttachment.file_name)
        .where(SubmissionAttachment.submission_id.in_(ids))
        .order_by(SubmissionAttachment.id)
    ).all():
        files.setdefault(sid, []).append((aid, name))
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows.sort(["evidence_date", "period", "submission_id"], descending=True, nulls_last=True).iter_rows(
        named=True
    ):
        by, at = decided.get(int(r["submission_id"]), (None, None))
        out.setdefault(str(r["milestone_id"]), []).append(
            {
                "date": r["evidence_date"] or r["period"],
                "status": r["status"],
                "count": None if r["count"] is None else int(r["count"]),
                "text": r["evidence_text"],
                "org_id": r["org_id"],
                "submission_id": int(r["submission_id"]),
                "decided_by": by,
                "decided_at": None if at is None else at.date().isoformat(),
                "files": files.get(int(r["submission_id"]), []),
            }
        )
    return out


@dataclass(frozen=True)
class Evidence:
    """What a department files for one milestone."""

    milestone_id: str
    status: str
    evidence_date: str
    text: str
    count: int | None = None


def file_evidence(
    factory: sessionmaker[Session],
    ctx: wf.Context,
    principal: Principal,
    org_id: str,
    evidence: Evidence,
    documents: list[tuple[str, bytes, str]],
) -> int:
    """Upload the evidence as a draft of ``milestone_evidence`` (period: the year of its date), attach the
    documents (name, bytes, media type), and send it for review; the submission id. Refusals are the workflow's
    (:class:`ValidationError` with row errors, :class:`WorkflowError`)."""
    rt = ctx.catalog.get(REPORT)
    names = [n for n, _, _ in documents]
    row = {
        "milestone_id": evidence.milestone_id,
        "status": evidence.status,
        "count": "" if evidence.count is None else str(evidence.count),
        "evidence_date": evidence.evidence_date,
        "evidence_text": evidence.text,
        "attachments": ";".join(names),
    }
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(rt.columns)
    writer.writerow([row.get(c, "") for c in rt.columns])
    result = wf.upload(
        factory,
        ctx,
        principal,
        report_type=REPORT,
        org_id=org_id,
        period=evidence.evidence_date[:4],
        file_name=f"milestone_{evidence.milestone_id}_{evidence.evidence_date}.csv",
        data=buf.getvalue().encode("utf-8"),
        media_type="text/csv",
    )
    sid = result.submission.id
    for name, data, media in documents:
        wf.add_attachment(factory, ctx, principal, sid, file_name=name, data=data, media_type=media)
    with transaction(factory) as session:
        wf.transition(session, ctx, principal, sid, "submit")
    return sid
