"""The workflow's state transitions (submit, approve, return, un-approve) as conditional updates on
``(state, lock_version)``: of two concurrent reviewers exactly one wins. Four eyes (``Context.four_eyes``, on by
default): the approver is neither the uploader nor the submitter, and the approval's audit entry names both.
An approval or un-approval queues the recomputation of its year's figures in the same transaction
(:mod:`transcarbon.services.recompute`)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from transcarbon.services import audit, integrity, recompute
from transcarbon.services.submissions.common import Context, WorkflowError, audit_state, get_visible
from transcarbon.services.users import Principal
from transcarbon.services.validation import ValidationError, file_error
from transcarbon.store.models import ImportBatch, ReportRow, Submission, SubmissionAttachment

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
    if action == "approve" and ctx.four_eyes and principal.username in (sub.created_by, sub.submitted_by):
        raise WorkflowError(403, "wf.four_eyes", uploader=sub.created_by, submitter=sub.submitted_by or "-")
    seen = sub.lock_version if expected_lock_version is None else expected_lock_version
    before = audit_state(sub)
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
    details: dict[str, object] = {
        "report_type": sub.report_type,
        "org_id": sub.org_id,
        "period": sub.period,
        "version": sub.version,
        "comment": comment,
    }
    if action in ("approve", "unapprove"):  # the figures of its year follow (services.recompute)
        details["recompute_job"] = recompute.enqueue(
            session, [int(sub.period[:4])], reason=action, actor=principal.username, submission_id=sub.id
        ).id
    if action == "approve":  # who else handled it (four eyes), and the approved data as stored, sealed
        details["four_eyes"] = {"required": ctx.four_eyes, "uploader": sub.created_by, "submitter": sub.submitted_by}
        details["seals"] = integrity.seals_of_submission(session, sub.id)
    audit.append(
        session,
        actor=principal.username,
        action=f"submission.{action}",
        object_type="submission",
        object_id=str(sub.id),
        before=before,
        after=audit_state(sub),
        details=details,
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
