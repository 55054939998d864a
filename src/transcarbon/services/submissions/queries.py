"""Read queries of collected reports: lists of what a principal may see, a submission's stored rows, raw
file, versions and attachments; the organisations expected to report, completeness and timeliness of a
period; the aggregates published to the public."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.services import audit, filestore
from transcarbon.services.activity_csv import COLUMNS as ACTIVITY_COLUMNS
from transcarbon.services.listing import contains, matching, order, page_of
from transcarbon.services.submissions.common import Context, WorkflowError, get_visible, resolve, slot, visible_query
from transcarbon.services.users import Principal
from transcarbon.store.models import (
    ActivityRecord,
    CalculationRun,
    ImportBatch,
    Organisation,
    ReportRow,
    Result,
    Submission,
    SubmissionAttachment,
    UploadedFile,
)

SORTS = {
    "id": Submission.id,
    "report_type": Submission.report_type,
    "org": Submission.org_id,
    "period": Submission.period,
    "state": Submission.state,
    "created_at": Submission.created_at,
}
"""What a list of submissions may be sorted by."""


def list_submissions(
    session: Session,
    catalog: ReportCatalog,
    principal: Principal,
    *,
    report_type: str | None = None,
    org_id: str | None = None,
    period: str | None = None,
    state: str | None = None,
    search: str | None = None,
    sort: str = "-id",
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[Submission]]:
    """(how many match, one page of them) of what ``principal`` may see, filtered, searched (``search``: part
    of an organisation's id or name, a period's start, or an uploader) and sorted (``sort``: one of
    :data:`SORTS`, ``-`` first for descending; newest first by default)."""
    conds = [visible_query(catalog, principal)]
    if (found := matching((Organisation.id, Organisation.name_zh, Organisation.name_en), search)) is not None:
        text = (search or "").strip()
        conds.append(
            or_(
                Submission.org_id.in_(select(Organisation.id).where(found)),
                Submission.period.startswith(text[:7]),
                contains((Submission.created_by,), text[:60]),
            )
        )
    for col, value in (
        (Submission.report_type, report_type),
        (Submission.org_id, org_id),
        (Submission.period, period),
        (Submission.state, state),
    ):
        if value is not None:
            conds.append(col == value)
    query = select(Submission).where(and_(*conds))
    return page_of(session, query, order(SORTS, sort, Submission.id), limit=limit, offset=offset)


def submission_rows(session: Session, sub: Submission, *, limit: int, offset: int) -> list[dict[str, object]]:
    """Stored rows of a submission (activity records or report rows), in sheet order."""
    if session.scalars(select(ImportBatch.id).where(ImportBatch.submission_id == sub.id)).first() is not None:
        q = (
            select(ActivityRecord)
            .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
            .where(ImportBatch.submission_id == sub.id)
            .order_by(ActivityRecord.row_number)
            .limit(limit)
            .offset(offset)
        )
        return [{"row": r.row_number, **{c: getattr(r, c) for c in ACTIVITY_COLUMNS}} for r in session.scalars(q)]
    q2 = (
        select(ReportRow)
        .where(ReportRow.submission_id == sub.id)
        .order_by(ReportRow.row_number)
        .limit(limit)
        .offset(offset)
    )
    return [{"row": r.row_number, **r.data} for r in session.scalars(q2)]


def original_file(
    session: Session, ctx: Context, principal: Principal, submission_id: int, attachment_id: int | None = None
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of a submission's raw upload or one attachment; the export is audited."""
    sub = get_visible(session, ctx.catalog, principal, submission_id)
    name, digest = sub.file_name, sub.file_sha256
    if attachment_id is not None:
        att = session.get(SubmissionAttachment, attachment_id)
        if att is None or att.submission_id != sub.id:
            raise WorkflowError(404, "wf.attachment_not_found", id=attachment_id)
        name, digest = att.file_name, att.file_sha256
    row = session.get(UploadedFile, digest)
    assert row is not None  # a foreign key guarantees it
    data = filestore.read(ctx.data_dir, row)
    audit.append(
        session,
        actor=principal.username,
        action="export.file",
        object_type="submission",
        object_id=str(sub.id),
        after={"sha256": digest},
        details={"file_name": name, "attachment_id": attachment_id},
    )
    return name, row.media_type, data


def slot_versions(session: Session, sub: Submission) -> list[Submission]:
    """Every version of ``sub``'s slot (report type × organisation × period), newest first."""
    return slot(session, sub.report_type, sub.org_id, sub.period, lock=False)


def attachments(session: Session, sub: Submission) -> list[SubmissionAttachment]:
    return list(
        session.scalars(
            select(SubmissionAttachment)
            .where(SubmissionAttachment.submission_id == sub.id)
            .order_by(SubmissionAttachment.id)
        )
    )


def report_years(session: Session, report_type: str) -> list[int]:
    """The years in which any organisation filed ``report_type`` (any state but superseded), sorted."""
    year = func.substr(Submission.period, 1, 4)
    found = session.scalars(
        select(year).where(Submission.report_type == report_type, Submission.state != "superseded").group_by(year)
    )
    return sorted(int(y) for y in found)


def expected_organisations(session: Session, rt: ReportType) -> list[Organisation]:
    q = select(Organisation).where(Organisation.kind.in_(rt.reporters.kinds)).order_by(Organisation.id)
    if rt.reporters.org_ids:
        q = q.where(Organisation.id.in_(rt.reporters.org_ids))
    if rt.reporters.sectors:
        q = q.where(Organisation.sector.in_(rt.reporters.sectors))
    return list(session.scalars(q))


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else (value if value.tzinfo else value.replace(tzinfo=UTC))


def completeness(
    session: Session, ctx: Context, principal: Principal, report_type: str, period: str, *, as_of: date | None = None
) -> dict[str, object]:
    """Per expected organisation: state of the slot and timeliness against the deadline; totals."""
    rt, p = resolve(ctx, report_type, period)
    if principal.role == "department" and rt.id not in principal.supervised(ctx.catalog):
        raise WorkflowError(403, "auth.forbidden", role=principal.role)
    as_of = as_of or datetime.now(UTC).date()
    due = rt.due_date(p)
    orgs = expected_organisations(session, rt)
    subs = session.scalars(
        select(Submission)
        .where(Submission.report_type == rt.id, Submission.period == str(p))
        .order_by(Submission.version.desc())
    ).all()
    latest: dict[str, Submission] = {}
    first_sent: dict[str, datetime] = {}
    for s in subs:
        if s.state != "superseded":
            latest.setdefault(s.org_id, s)
        sent = _aware(s.submitted_at)
        if sent is not None and (s.org_id not in first_sent or sent < first_sent[s.org_id]):
            first_sent[s.org_id] = sent
    rows = []
    for o in orgs:
        slot = latest.get(o.id)
        sent = first_sent.get(o.id)
        if sent is not None:
            timeliness = "on_time" if sent.date() <= due else "late"
        else:
            timeliness = "overdue" if as_of > due else "not_due"
        rows.append(
            {
                "org_id": o.id,
                "name_zh": o.name_zh,
                "name_en": o.name_en,
                "state": slot.state if slot else "missing",
                "submission_id": slot.id if slot else None,
                "version": slot.version if slot else None,
                "first_submitted_at": sent.isoformat() if sent else None,
                "timeliness": timeliness,
            }
        )
    n = len(rows)
    approved = sum(r["state"] == "approved" for r in rows)
    received = sum(r["state"] in ("submitted", "approved") for r in rows)
    on_time = sum(r["timeliness"] == "on_time" for r in rows)
    return {
        "report_type": rt.id,
        "period": str(p),
        "due_date": due.isoformat(),
        "as_of": as_of.isoformat(),
        "expected": n,
        "received": received,
        "approved": approved,
        "completeness_pct": round(100 * approved / n, 1) if n else None,
        "timeliness_pct": round(100 * on_time / n, 1) if n else None,
        "organisations": rows,
    }


def published_aggregates(session: Session, ctx: Context) -> dict[str, object]:
    """What the public may see: counts of approved reports per type and year, and the city inventory
    totals of the latest run of each year (approved data only)."""
    year = func.substr(Submission.period, 1, 4).label("year")  # grouped by its label: PostgreSQL sees one expression
    counts = session.execute(
        select(Submission.report_type, year, func.count())
        .where(Submission.state == "approved")
        .group_by(Submission.report_type, year)
    ).all()
    latest_runs = (
        select(Result.year, func.max(Result.run_id).label("run_id"))
        .join(CalculationRun, CalculationRun.id == Result.run_id)
        .where(CalculationRun.kind == "inventory")
        .group_by(Result.year)
        .subquery()
    )
    totals = session.execute(
        select(
            Result.year,
            Result.co2_t,
            Result.co2e_t,
            Result.energy_tce,
            Result.converted_tkm,
            Result.intensity_kgco2_per_converted_tkm,
        )
        .join(latest_runs, and_(latest_runs.c.year == Result.year, latest_runs.c.run_id == Result.run_id))
        .where(Result.sector.is_(None), Result.month.is_(None), Result.org_id.is_(None))
        .order_by(Result.year)
    ).all()
    return {
        "approved_reports": [{"report_type": r, "year": int(y), "count": c} for r, y, c in sorted(counts)],
        "inventory": [
            {
                "year": y,
                "co2_t": co2,
                "co2e_t": co2e,
                "energy_tce": tce,
                "converted_tkm": ctkm,
                "intensity_kgco2_per_converted_tkm": i,
            }
            for y, co2, co2e, tce, ctkm, i in totals
        ],
    }
