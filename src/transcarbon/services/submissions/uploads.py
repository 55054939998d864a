"""Uploads: check a report (dry run) or keep its raw file and store it as a new draft version of its slot,
all or nothing; attach evidence files to a draft."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.reports import ReportType
from transcarbon.domain import Period
from transcarbon.services import audit, filestore
from transcarbon.services.activity_csv import COLUMNS as ACTIVITY_COLUMNS
from transcarbon.services.records import store_activity
from transcarbon.services.report_checks import CheckOutcome, check_report
from transcarbon.services.submissions.common import Context, WorkflowError, audit_state, get_visible, resolve, slot
from transcarbon.services.templates import read_upload
from transcarbon.services.upload_limits import UploadTooLarge
from transcarbon.services.users import Principal
from transcarbon.services.validation import RowError, ValidationError
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


@dataclass
class UploadResult:
    submission: Submission
    duplicate: bool
    warnings: list[RowError] = field(default_factory=list)


def _authorise_upload(session: Session, principal: Principal, org_id: str) -> None:
    if not principal.may("submissions.upload"):
        raise WorkflowError(403, "auth.forbidden", role=principal.role)
    if not principal.may_report_for(org_id):
        raise WorkflowError(403, "auth.org_forbidden", own=principal.org_id or "-")
    if not org_id.isprintable() or session.get(Organisation, org_id) is None:
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
        raw, sheet = read_upload(rt, data, file_name, ctx.limits)
    except UploadTooLarge:  # too large to open: refused as such (413/422), not as a list of cell errors
        raise
    except ValidationError as exc:
        return CheckOutcome(pl.DataFrame(), list(exc.errors), error_tally=exc.tally)
    return check_report(
        rt,
        raw,
        file=file_name,
        sheet=sheet,
        org_id=org_id,
        period=period,
        regions=ctx.regions,
        years=ctx.open_years(),
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
    file_name = filestore.safe_name(file_name)
    _authorise_upload(session, principal, org_id)
    rt, p = resolve(ctx, report_type, period)
    return check_upload(session, ctx, rt, p, org_id, file_name, data)


def rows_hash(frame: pl.DataFrame, columns: tuple[str, ...]) -> tuple[list[str], str]:
    """SHA-256 of each row's canonical JSON, and of the whole ordered list of row hashes."""
    encoded = frame.select(pl.struct(list(columns)).struct.json_encode().alias("j"))["j"].to_list()
    hashes = [hashlib.sha256(j.encode("utf-8")).hexdigest() for j in encoded]
    return hashes, hashlib.sha256("".join(hashes).encode("ascii")).hexdigest()


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
    file_name = filestore.safe_name(file_name)
    with factory() as session:
        _authorise_upload(session, principal, org_id)
    rt, p = resolve(ctx, report_type, period)
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
                    "errors": exc.total,
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
    versions = slot(session, rt.id, org_id, str(p), lock=True)
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
        raise outcome.refusal()
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
        before = audit_state(latest)
        latest.state, latest.lock_version = "superseded", latest.lock_version + 1
        audit.append(
            session,
            actor=principal.username,
            action="submission.supersede",
            object_type="submission",
            object_id=str(latest.id),
            before=before,
            after=audit_state(latest),
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
        after=audit_state(sub),
        details={**names, "version": version, "rows": frame.height, "file_name": file_name, "warnings": len(warnings)},
    )
    return UploadResult(sub, False, outcome.warnings)


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
    file_name = filestore.safe_name(file_name)
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
