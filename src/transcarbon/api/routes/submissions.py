"""Upload (or dry-run) a report, list and show submissions, move them through the workflow, download originals."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Response, UploadFile, status

from transcarbon.api.deps import (
    ContextDep,
    DbId,
    Reader,
    Reviewer,
    SessionDep,
    StateDep,
    Submitter,
    Uploader,
    schedule_recompute,
)
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.api.schemas import (
    AttachmentOut,
    ReviewIn,
    RowErrorOut,
    RuleCountOut,
    SubmissionDetail,
    SubmissionList,
    SubmissionOut,
    UploadOut,
    ValidateOut,
)
from transcarbon.services import submissions as wf
from transcarbon.services.users import Principal

StateName = Literal["draft", "submitted", "approved", "returned", "superseded"]
router = APIRouter(prefix="/submissions", tags=["submissions"], responses=PROBLEM_RESPONSES)

ReportTypeForm = Annotated[str, Form(min_length=1, max_length=60, description="report type id")]
OrgForm = Annotated[str, Form(min_length=1, max_length=64, description="organisation id")]
PeriodForm = Annotated[str, Form(min_length=4, max_length=7, description="YYYY-MM (monthly) or YYYY (annual)")]
FileForm = Annotated[UploadFile, File(description="the filled template: .xlsx or .csv")]


def _read(file: UploadFile, state: StateDep) -> tuple[str, bytes, str]:
    limit = int(state.settings.max_upload_mb * 1024 * 1024)
    data = file.file.read(limit + 1)
    name = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    if len(data) > limit:
        raise Problem(
            413,
            "upload.too_large",
            file=name,
            size_mb=f"> {state.settings.max_upload_mb:g}",
            limit_mb=f"{state.settings.max_upload_mb:g}",
        )
    return name, data, file.content_type or "application/octet-stream"


@router.post("/validate", response_model=ValidateOut, summary="Dry run: check a file, store nothing")
def validate(
    report_type: ReportTypeForm,
    org_id: OrgForm,
    period: PeriodForm,
    file: FileForm,
    principal: Uploader,
    session: SessionDep,
    ctx: ContextDep,
    state: StateDep,
) -> ValidateOut:
    name, data, _ = _read(file, state)
    outcome = wf.dry_run(
        session, ctx, principal, report_type=report_type, org_id=org_id, period=period, file_name=name, data=data
    )
    return ValidateOut(
        ok=outcome.ok,
        rows=outcome.frame.height,
        errors=[RowErrorOut.model_validate(e.as_dict()) for e in outcome.errors],
        warnings=[RowErrorOut.model_validate(w.as_dict()) for w in outcome.warnings],
        errors_total=max(sum(outcome.error_tally.values()), len(outcome.errors)),
        warnings_total=max(sum(outcome.warning_tally.values()), len(outcome.warnings)),
        error_counts=[RuleCountOut.model_validate(c) for c in outcome.error_tally.as_list()],
        warning_counts=[RuleCountOut.model_validate(c) for c in outcome.warning_tally.as_list()],
    )


@router.post(
    "",
    response_model=UploadOut,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a report: a new draft version, or the existing one when the same file comes again",
)
def upload(
    report_type: ReportTypeForm,
    org_id: OrgForm,
    period: PeriodForm,
    file: FileForm,
    response: Response,
    principal: Uploader,
    ctx: ContextDep,
    state: StateDep,
) -> UploadOut:
    name, data, media_type = _read(file, state)
    result = wf.upload(
        state.factory,
        ctx,
        principal,
        report_type=report_type,
        org_id=org_id,
        period=period,
        file_name=name,
        data=data,
        media_type=media_type,
    )
    if result.duplicate:
        response.status_code = status.HTTP_200_OK
    return UploadOut(duplicate=result.duplicate, submission=SubmissionOut.model_validate(result.submission))


@router.get("", response_model=SubmissionList, summary="Submissions the caller may see")
def list_submissions(
    principal: Reader,
    session: SessionDep,
    ctx: ContextDep,
    report_type: Annotated[str | None, Query(max_length=60)] = None,
    org_id: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[str | None, Query(max_length=7)] = None,
    state: Annotated[StateName | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> SubmissionList:
    total, subs = wf.list_submissions(
        session,
        ctx.catalog,
        principal,
        report_type=report_type,
        org_id=org_id,
        period=period,
        state=state,
        limit=limit,
        offset=offset,
    )
    return SubmissionList(total=total, items=[SubmissionOut.model_validate(s) for s in subs])


@router.get("/{submission_id}", response_model=SubmissionDetail, summary="One submission with its attachments")
def get_submission(submission_id: DbId, principal: Reader, session: SessionDep, ctx: ContextDep) -> SubmissionDetail:
    sub = wf.get_visible(session, ctx.catalog, principal, submission_id)
    detail = SubmissionDetail.model_validate(sub)
    detail.attachments = [AttachmentOut.model_validate(a) for a in wf.attachments(session, sub)]
    return detail


@router.get("/{submission_id}/rows", summary="The stored rows of a submission")
def get_rows(
    submission_id: DbId,
    principal: Reader,
    session: SessionDep,
    ctx: ContextDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[dict[str, Any]]:
    sub = wf.get_visible(session, ctx.catalog, principal, submission_id)
    return wf.submission_rows(session, sub, limit=limit, offset=offset)


#: Media types a download keeps; any other (text/html, image/svg+xml, …, as the uploader declared it)
#: goes out as application/octet-stream, so that a kept file can never run as a page on this origin.
SAFE_MEDIA_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "application/pdf",
        "application/zip",
        "image/png",
        "image/jpeg",
        "image/gif",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/msword",
    }
)


def _download(name: str, media_type: str, data: bytes) -> Response:
    kind = media_type.split(";", 1)[0].strip().lower()
    safe = kind if kind in SAFE_MEDIA_TYPES else "application/octet-stream"
    return Response(
        data,
        media_type=safe,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@router.get(
    "/{submission_id}/file",
    response_class=Response,
    summary="Download the original upload (audited)",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download(submission_id: DbId, principal: Reader, session: SessionDep, ctx: ContextDep) -> Response:
    with session.begin():
        name, media_type, data = wf.original_file(session, ctx, principal, submission_id)
    return _download(name, media_type, data)


@router.post(
    "/{submission_id}/attachments",
    response_model=AttachmentOut,
    status_code=201,
    summary="Attach an evidence file to a draft",
)
def attach(submission_id: DbId, file: FileForm, principal: Uploader, ctx: ContextDep, state: StateDep) -> AttachmentOut:
    name, data, media_type = _read(file, state)
    att = wf.add_attachment(
        state.factory, ctx, principal, submission_id, file_name=name, data=data, media_type=media_type
    )
    return AttachmentOut.model_validate(att)


@router.get(
    "/{submission_id}/attachments/{attachment_id}",
    response_class=Response,
    summary="Download an attachment (audited)",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_attachment(
    submission_id: DbId, attachment_id: DbId, principal: Reader, session: SessionDep, ctx: ContextDep
) -> Response:
    with session.begin():
        name, media_type, data = wf.original_file(session, ctx, principal, submission_id, attachment_id)
    return _download(name, media_type, data)


def _move(
    session: SessionDep, ctx: ContextDep, principal: Principal, submission_id: DbId, action: str, body: ReviewIn | None
) -> SubmissionOut:
    with session.begin():
        sub = wf.transition(
            session,
            ctx,
            principal,
            submission_id,
            action,
            comment=body.comment if body else None,
            expected_lock_version=body.lock_version if body else None,
        )
        return SubmissionOut.model_validate(sub)


@router.post("/{submission_id}/submit", response_model=SubmissionOut, summary="Send a draft for review")
def submit(
    submission_id: DbId, principal: Submitter, session: SessionDep, ctx: ContextDep, body: ReviewIn | None = None
) -> SubmissionOut:
    return _move(session, ctx, principal, submission_id, "submit", body)


@router.post("/{submission_id}/approve", response_model=SubmissionOut, summary="Approve (locks; feeds calculations)")
def approve(
    submission_id: DbId,
    principal: Reviewer,
    session: SessionDep,
    ctx: ContextDep,
    state: StateDep,
    tasks: BackgroundTasks,
    body: ReviewIn | None = None,
) -> SubmissionOut:
    out = _move(session, ctx, principal, submission_id, "approve", body)
    schedule_recompute(tasks, state)
    return out


@router.post("/{submission_id}/return", response_model=SubmissionOut, summary="Return to the reporter with a comment")
def return_(
    submission_id: DbId, body: ReviewIn, principal: Reviewer, session: SessionDep, ctx: ContextDep
) -> SubmissionOut:
    return _move(session, ctx, principal, submission_id, "return", body)


@router.post(
    "/{submission_id}/unapprove",
    response_model=SubmissionOut,
    summary="Un-approve with a reason (back to submitted; no longer feeds calculations)",
)
def unapprove(
    submission_id: DbId,
    body: ReviewIn,
    principal: Reviewer,
    session: SessionDep,
    ctx: ContextDep,
    state: StateDep,
    tasks: BackgroundTasks,
) -> SubmissionOut:
    out = _move(session, ctx, principal, submission_id, "unapprove", body)
    schedule_recompute(tasks, state)
    return out
