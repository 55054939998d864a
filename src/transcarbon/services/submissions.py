"""Use cases of data collection: upload (or dry-run) a report, and move it through the workflow.

Workflow per report type × organisation × period (a *slot*), one row per version::

    draft ──submit──► submitted ──approve──► approved ──unapprove (reason)──► submitted
                          └──return (comment)──► returned
    a new upload into the slot: a new version (draft); the previous draft/returned version → superseded

- Only approved data feed calculations. For ``energy_activity`` the rows are stored as activity records
  in an import batch linked to the submission; the submission's state is the one truth and the batch's
  ``status`` follows it ("approved" exactly while the submission is approved) inside the same
  transaction. Other report types store :class:`ReportRow` rows, read through approved submissions.
- Approved data are locked: no new version is accepted until a reviewer un-approves (with a reason);
  nothing is ever deleted, so every version stays readable.
- Transitions are conditional updates on ``(state, lock_version)``: of two concurrent reviewers exactly
  one wins, the other gets a conflict.
- The raw file is kept (by content hash) before anything else, in its own transaction, so it survives a
  refused or failed import; the same file uploaded again into the same slot is recognised and returns
  the existing version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.domain import Period
from transcarbon.services import audit, filestore
from transcarbon.services.activity_csv import COLUMNS as ACTIVITY_COLUMNS
from transcarbon.services.records import store_activity
from transcarbon.services.report_checks import CheckOutcome, check_report
from transcarbon.services.templates import read_upload
from transcarbon.services.users import Principal
from transcarbon.services.validation import RowError, ValidationError, file_error
from transcarbon.store.db import transaction
from transcarbon.store.models import (
    ActivityRecord,
    ImportBatch,
    Organisation,
    ReportRow,
    Submission,
    SubmissionAttachment,
    UploadedFile,
)

STATES = ("draft", "submitted", "approved", "returned", "superseded")
OPEN_STATES = ("draft", "submitted", "approved", "returned")


@dataclass(frozen=True)
class Context:
    """What the use cases need besides the database: the report types, where files live, known regions."""

    catalog: ReportCatalog
    data_dir: Path
    regions: tuple[str, ...]


class WorkflowError(Exception):
    """A request the workflow refuses: HTTP-like ``status``, catalog ``key`` and its values."""

    def __init__(self, status: int, key: str, **values: object):
        self.status, self.key, self.values = status, key, values
        super().__init__(key)


@dataclass
class UploadResult:
    submission: Submission
    duplicate: bool
    warnings: list[RowError] = field(default_factory=list)


def resolve(catalog: ReportCatalog, report_type: str, period: str) -> tuple[ReportType, Period]:
    try:
        rt = catalog.get(report_type)
    except KeyError:
        raise WorkflowError(422, "wf.unknown_report_type", id=report_type, allowed=", ".join(catalog.ids)) from None
    try:
        return rt, rt.parse_period(period)
    except ValueError as exc:
        raise WorkflowError(422, "wf.bad_period", period=period, report_type=rt.id, detail=str(exc)) from None


def _authorise_upload(session: Session, principal: Principal, org_id: str) -> None:
    if not principal.may("submissions.upload"):
        raise WorkflowError(403, "auth.forbidden", role=principal.role)
    if not principal.may_report_for(org_id):
        raise WorkflowError(403, "auth.org_forbidden", own=principal.org_id or "-")
    if session.get(Organisation, org_id) is None:
        raise WorkflowError(422, "wf.unknown_org", org=org_id)


def history(session: Session, rt: ReportType, org_id: str, exclude_period: str) -> pl.DataFrame:
    """The organisation's approved data of ``rt`` in other periods (``period`` plus the fields)."""
    if rt.feeds == "activity":
        cols = [getattr(ActivityRecord, c) for c in ACTIVITY_COLUMNS]
        rows = session.execute(
            select(*cols)
            .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
            .where(
                ActivityRecord.org_id == org_id,
                ImportBatch.status == "approved",
                ActivityRecord.period != exclude_period,
            )
        ).all()
        schema = {
            c: pl.Float64 if c in ("amount", "freight_tkm", "passenger_pkm", "throughput_t") else pl.String
            for c in ACTIVITY_COLUMNS
        }
        return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    found = session.execute(
        select(Submission.period, ReportRow.data)
        .join(ReportRow, ReportRow.submission_id == Submission.id)
        .where(
            Submission.report_type == rt.id,
            Submission.org_id == org_id,
            Submission.state == "approved",
            Submission.period != exclude_period,
        )
    ).all()
    schema = {"period": pl.String, **{f.id: pl.Float64 if f.numeric else pl.String for f in rt.fields}}
    return pl.DataFrame([{"period": p, **{k: d.get(k) for k in rt.columns}} for p, d in found], schema=schema)


def check_upload(
    session: Session, ctx: Context, rt: ReportType, period: Period, org_id: str, file_name: str, data: bytes
) -> CheckOutcome:
    """Read and check an upload (nothing stored): the outcome carries every error and warning."""
    try:
        raw, sheet = read_upload(rt, data, file_name)
    except ValidationError as exc:
        return CheckOutcome(pl.DataFrame(), list(exc.errors))
    return check_report(
        rt,
        raw,
        file=file_name,
        sheet=sheet,
        org_id=org_id,
        period=period,
        regions=ctx.regions,
        history=history(session, rt, org_id, str(period)),
    )


def dry_run(
    session: Session,
    ctx: Context,
    principal: Principal,
    *,
    report_type: str,
    org_id: str,
    period: str,
    file_name: str,
    data: bytes,
) -> CheckOutcome:
    """Validate only: the same checks as an upload, nothing kept or changed."""
    _authorise_upload(session, principal, org_id)
    rt, p = resolve(ctx.catalog, report_type, period)
    return check_upload(session, ctx, rt, p, org_id, file_name, data)


def _slot(session: Session, rt: str, org_id: str, period: str, *, lock: bool) -> list[Submission]:
    q = (
        select(Submission)
        .where(Submission.report_type == rt, Submission.org_id == org_id, Submission.period == period)
        .order_by(Submission.version.desc())
    )
    return list(session.scalars(q.with_for_update() if lock else q))


def rows_hash(frame: pl.DataFrame, columns: tuple[str, ...]) -> tuple[list[str], str]:
    """SHA-256 of each row's canonical JSON, and of the whole ordered list of row hashes."""
    encoded = frame.select(pl.struct(list(columns)).struct.json_encode().alias("j"))["j"].to_list()
    hashes = [hashlib.sha256(j.encode("utf-8")).hexdigest() for j in encoded]
    return hashes, hashlib.sha256("".join(hashes).encode("ascii")).hexdigest()


def _state(sub: Submission) -> dict[str, object]:
    return {
        "id": sub.id,
        "state": sub.state,
        "version": sub.version,
        "lock_version": sub.lock_version,
        "content_hash": sub.content_hash,
        "file_sha256": sub.file_sha256,
    }


def upload(
    factory: sessionmaker[Session],
    ctx: Context,
    principal: Principal,
    *,
    report_type: str,
    org_id: str,
    period: str,
    file_name: str,
    data: bytes,
    media_type: str = "application/octet-stream",
) -> UploadResult:
    """Keep the raw file, check it, and store it as a new draft version of its slot — or refuse it whole.

    Raises :class:`ValidationError` (every row error; nothing stored but the raw file) or
    :class:`WorkflowError` (not allowed, locked, under review, unknown type or period).
    """
    with factory() as session:
        _authorise_upload(session, principal, org_id)
    rt, p = resolve(ctx.catalog, report_type, period)
    kept = filestore.keep(
        factory,
        ctx.data_dir,
        data,
        file_name=file_name,
        media_type=media_type,
        actor=principal.username,
        purpose=f"{rt.id}/{org_id}/{p}",
    )
    try:
        with transaction(factory) as session:
            return _store(session, ctx, principal, rt, p, org_id, file_name, kept)
    except ValidationError as exc:
        with transaction(factory) as session:
            audit.append(
                session,
                actor=principal.username,
                action="upload.refused",
                object_type="uploaded_file",
                object_id=kept.sha256,
                details={
                    "report_type": rt.id,
                    "org_id": org_id,
                    "period": str(p),
                    "file_name": file_name,
                    "errors": len(exc.errors),
                },
            )
        raise
    except IntegrityError:  # a concurrent upload took this version number first
        raise WorkflowError(409, "wf.conflict", state="-") from None


def _store(
    session: Session,
    ctx: Context,
    principal: Principal,
    rt: ReportType,
    p: Period,
    org_id: str,
    file_name: str,
    kept: UploadedFile,
) -> UploadResult:
    versions = _slot(session, rt.id, org_id, str(p), lock=True)
    latest = next((s for s in versions if s.state != "superseded"), None)
    if latest is not None and latest.file_sha256 == kept.sha256:
        audit.append(
            session,
            actor=principal.username,
            action="upload.duplicate",
            object_type="submission",
            object_id=str(latest.id),
            details={"file_sha256": kept.sha256, "file_name": file_name},
        )
        return UploadResult(latest, True, [])
    names = {"report_type": rt.id, "org": org_id, "period": str(p)}
    if latest is not None and latest.state == "approved":
        raise WorkflowError(409, "wf.locked", version=latest.version, **names)
    if latest is not None and latest.state == "submitted":
        raise WorkflowError(409, "wf.under_review", version=latest.version, **names)
    data = filestore.read(ctx.data_dir, kept)
    outcome = check_upload(session, ctx, rt, p, org_id, file_name, data)
    if outcome.errors:
        raise ValidationError(outcome.errors)
    frame = outcome.frame
    row_hashes, content = rows_hash(frame, rt.columns)
    version = (versions[0].version + 1) if versions else 1
    warnings = [w.as_dict() for w in outcome.warnings]
    sub = Submission(
        report_type=rt.id,
        org_id=org_id,
        period=str(p),
        version=version,
        state="draft",
        file_sha256=kept.sha256,
        file_name=file_name[:300],
        row_count=frame.height,
        content_hash=content,
        warnings=warnings,
        created_by=principal.username,
        created_at=datetime.now(UTC),
        lock_version=1,
    )
    session.add(sub)
    session.flush()
    if latest is not None:  # draft or returned: kept, marked superseded
        before = _state(latest)
        latest.state, latest.lock_version = "superseded", latest.lock_version + 1
        audit.append(
            session,
            actor=principal.username,
            action="submission.supersede",
            object_type="submission",
            object_id=str(latest.id),
            before=before,
            after=_state(latest),
            details={"by": sub.id},
        )
    if rt.feeds == "activity":
        batch = store_activity(
            session,
            frame,
            kind="file",
            label=f"{rt.id} {org_id} {p} v{version}",
            actor=principal.username,
            file_name=file_name,
            file_sha256=kept.sha256,
            status="pending",
        )
        batch.submission_id = sub.id
    else:
        body = frame.select(list(rt.columns)).to_dicts()
        rows = [
            {"submission_id": sub.id, "row_number": n, "data": d, "row_hash": h}
            for n, d, h in zip(frame["row"].to_list(), body, row_hashes, strict=True)
        ]
        if rows:
            session.execute(insert(ReportRow), rows)
    session.flush()
    audit.append(
        session,
        actor=principal.username,
        action="submission.create",
        object_type="submission",
        object_id=str(sub.id),
        after=_state(sub),
        details={**names, "version": version, "rows": frame.height, "file_name": file_name, "warnings": len(warnings)},
    )
    return UploadResult(sub, False, outcome.warnings)


def visible_query(catalog: ReportCatalog, principal: Principal) -> Any:
    """A WHERE clause limiting submissions to what ``principal`` may read."""
    if not principal.may("submissions.read"):
        return Submission.id.is_(None)
    if principal.role == "reporter":
        return Submission.org_id == (principal.org_id or "")
    if principal.role == "department":
        return or_(
            Submission.org_id == (principal.org_id or ""), Submission.report_type.in_(principal.supervised(catalog))
        )
    return Submission.id.is_not(None)


def get_visible(
    session: Session, catalog: ReportCatalog, principal: Principal, submission_id: int, *, lock: bool = False
) -> Submission:
    q = select(Submission).where(Submission.id == submission_id, visible_query(catalog, principal))
    sub = session.scalars(q.with_for_update() if lock else q).first()
    if sub is None:
        raise WorkflowError(404, "wf.not_found", id=submission_id)
    return sub


def list_submissions(
    session: Session,
    catalog: ReportCatalog,
    principal: Principal,
    *,
    report_type: str | None = None,
    org_id: str | None = None,
    period: str | None = None,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[Submission]]:
    conds = [visible_query(catalog, principal)]
    for col, value in (
        (Submission.report_type, report_type),
        (Submission.org_id, org_id),
        (Submission.period, period),
        (Submission.state, state),
    ):
        if value is not None:
            conds.append(col == value)
    where = and_(*conds)
    total = session.scalar(select(func.count()).select_from(Submission).where(where)) or 0
    subs = session.scalars(select(Submission).where(where).order_by(Submission.id.desc()).limit(limit).offset(offset))
    return total, list(subs)


_TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": (("draft",), "submitted", "submissions.submit"),
    "approve": (("submitted",), "approved", "submissions.review"),
    "return": (("submitted",), "returned", "submissions.review"),
    "unapprove": (("approved",), "submitted", "submissions.review"),
}


def transition(
    session: Session,
    ctx: Context,
    principal: Principal,
    submission_id: int,
    action: str,
    *,
    comment: str | None = None,
    expected_lock_version: int | None = None,
) -> Submission:
    """Move a submission (in the caller's transaction); conflicts and wrong states raise :class:`WorkflowError`."""
    sources, target, permission = _TRANSITIONS[action]
    sub = get_visible(session, ctx.catalog, principal, submission_id)
    if not principal.may(permission):
        raise WorkflowError(403, "auth.forbidden", role=principal.role)
    if action == "submit" and not principal.may_report_for(sub.org_id):
        raise WorkflowError(403, "auth.org_forbidden", own=principal.org_id or "-")
    if sub.state not in sources:
        raise WorkflowError(409, "wf.bad_state", state=sub.state, action=action, needed=", ".join(sources))
    if action in ("return", "unapprove") and not (comment or "").strip():
        raise WorkflowError(422, "wf.comment_required", what="comment" if action == "return" else "reason")
    if action == "submit":
        _check_attachments(session, ctx, sub)
    seen = sub.lock_version if expected_lock_version is None else expected_lock_version
    before = _state(sub)
    now = datetime.now(UTC)
    values: dict[str, object] = {"state": target, "lock_version": Submission.lock_version + 1}
    if action == "submit":
        values |= {"submitted_by": principal.username, "submitted_at": now}
    else:
        values |= {"decided_by": principal.username, "decided_at": now, "comment": comment}
    done = session.execute(
        update(Submission)
        .where(Submission.id == sub.id, Submission.state == sub.state, Submission.lock_version == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(Submission.state).where(Submission.id == submission_id))
        raise WorkflowError(409, "wf.conflict", state=current or "-")
    session.refresh(sub)
    if action in ("approve", "unapprove"):
        session.execute(
            update(ImportBatch)
            .where(ImportBatch.submission_id == sub.id)
            .values(status="approved" if action == "approve" else "pending")
        )
    audit.append(
        session,
        actor=principal.username,
        action=f"submission.{action}",
        object_type="submission",
        object_id=str(sub.id),
        before=before,
        after=_state(sub),
        details={
            "report_type": sub.report_type,
            "org_id": sub.org_id,
            "period": sub.period,
            "version": sub.version,
            "comment": comment,
        },
    )
    return sub


def _check_attachments(session: Session, ctx: Context, sub: Submission) -> None:
    rt = ctx.catalog.get(sub.report_type)
    if "attachments" not in rt.columns:
        return
    attached = set(
        session.scalars(select(SubmissionAttachment.file_name).where(SubmissionAttachment.submission_id == sub.id))
    )
    errors = []
    rows = session.scalars(select(ReportRow).where(ReportRow.submission_id == sub.id).order_by(ReportRow.row_number))
    for row in rows:
        names = [n.strip() for n in str(row.data.get("attachments") or "").replace("；", ";").split(";") if n.strip()]
        errors += [
            file_error(
                sub.file_name, "val.attachment_missing", row=row.row_number, column="attachments", value=n, name=n
            )
            for n in names
            if n not in attached
        ]
    if errors:
        raise ValidationError(errors)


def add_attachment(
    factory: sessionmaker[Session],
    ctx: Context,
    principal: Principal,
    submission_id: int,
    *,
    file_name: str,
    data: bytes,
    media_type: str,
) -> SubmissionAttachment:
    with factory() as session:
        sub = get_visible(session, ctx.catalog, principal, submission_id)
        if not principal.may_report_for(sub.org_id):
            raise WorkflowError(403, "auth.org_forbidden", own=principal.org_id or "-")
        if sub.state != "draft":
            raise WorkflowError(409, "wf.attachment_not_allowed", state=sub.state)
    kept = filestore.keep(
        factory,
        ctx.data_dir,
        data,
        file_name=file_name,
        media_type=media_type,
        actor=principal.username,
        purpose=f"attachment/{submission_id}",
    )
    with transaction(factory) as session:
        sub = get_visible(session, ctx.catalog, principal, submission_id, lock=True)
        if sub.state != "draft":
            raise WorkflowError(409, "wf.attachment_not_allowed", state=sub.state)
        existing = session.scalars(
            select(SubmissionAttachment).where(
                SubmissionAttachment.submission_id == sub.id, SubmissionAttachment.file_name == file_name
            )
        ).first()
        if existing is not None:
            existing.file_sha256 = kept.sha256
            att = existing
        else:
            att = SubmissionAttachment(
                submission_id=sub.id, file_sha256=kept.sha256, file_name=file_name[:300], added_by=principal.username
            )
            session.add(att)
        session.flush()
        audit.append(
            session,
            actor=principal.username,
            action="submission.attach",
            object_type="submission",
            object_id=str(sub.id),
            after={"file_sha256": kept.sha256},
            details={"file_name": file_name},
        )
        session.expunge(att)
    return att


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
    return _slot(session, sub.report_type, sub.org_id, sub.period, lock=False)


def attachments(session: Session, sub: Submission) -> list[SubmissionAttachment]:
    return list(
        session.scalars(
            select(SubmissionAttachment)
            .where(SubmissionAttachment.submission_id == sub.id)
            .order_by(SubmissionAttachment.id)
        )
    )


def expected_organisations(session: Session, rt: ReportType) -> list[Organisation]:
    q = select(Organisation).where(Organisation.kind.in_(rt.reporters.kinds)).order_by(Organisation.id)
    if rt.reporters.sectors:
        q = q.where(Organisation.sector.in_(rt.reporters.sectors))
    return list(session.scalars(q))


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else (value if value.tzinfo else value.replace(tzinfo=UTC))


def completeness(
    session: Session, ctx: Context, principal: Principal, report_type: str, period: str, *, as_of: date | None = None
) -> dict[str, object]:
    """Per expected organisation: state of the slot and timeliness against the deadline; totals."""
    rt, p = resolve(ctx.catalog, report_type, period)
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
    from transcarbon.store.models import CalculationRun, Result

    counts = session.execute(
        select(Submission.report_type, func.substr(Submission.period, 1, 4), func.count())
        .where(Submission.state == "approved")
        .group_by(Submission.report_type, func.substr(Submission.period, 1, 4))
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
