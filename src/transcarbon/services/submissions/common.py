"""What the workflow's use cases share: their context, the error they refuse with, a report type and
period resolved from a request, a slot's versions, what a principal may see, and a submission's state as the
audit log records it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.domain import Period
from transcarbon.services.upload_limits import UploadLimits
from transcarbon.services.users import Principal
from transcarbon.store.models import Submission

STATES = ("draft", "submitted", "approved", "returned", "superseded")
OPEN_STATES = ("draft", "submitted", "approved", "returned")


@dataclass(frozen=True)
class Context:
    """What the use cases need besides the database: the report types, where files live, known regions, and
    the first year open to reporting (the city's ``reporting_calendar.first_year``; the last is next year),
    how much an upload may hold once opened, and whether an approver must differ from the uploader and the
    submitter (``four_eyes``)."""

    catalog: ReportCatalog
    data_dir: Path
    regions: tuple[str, ...]
    first_year: int = 2000
    limits: UploadLimits = field(default_factory=UploadLimits)
    four_eyes: bool = True

    def open_years(self, today: date | None = None) -> tuple[int, int]:
        """(first, last) year a period may have: ``first_year`` to next year (``today``: default today, UTC)."""
        return self.first_year, (today or datetime.now(UTC).date()).year + 1


class WorkflowError(Exception):
    """A request the workflow refuses: HTTP-like ``status``, catalog ``key`` and its values."""

    def __init__(self, status: int, key: str, **values: object):
        self.status, self.key, self.values = status, key, values
        super().__init__(key)


def resolve(ctx: Context, report_type: str, period: str) -> tuple[ReportType, Period]:
    """The report type and period of a request, the period in the type's form and within the open years."""
    try:
        rt = ctx.catalog.get(report_type)
    except KeyError:
        raise WorkflowError(422, "wf.unknown_report_type", id=report_type, allowed=", ".join(ctx.catalog.ids)) from None
    try:
        p = rt.parse_period(period)
    except ValueError as exc:
        raise WorkflowError(422, "wf.bad_period", period=period, report_type=rt.id, detail=str(exc)) from None
    first, last = ctx.open_years()
    if not first <= p.year <= last:
        raise WorkflowError(422, "wf.period_out_of_range", period=period, first=first, last=last)
    return rt, p


def slot(session: Session, rt: str, org_id: str, period: str, *, lock: bool) -> list[Submission]:
    q = (
        select(Submission)
        .where(Submission.report_type == rt, Submission.org_id == org_id, Submission.period == period)
        .order_by(Submission.version.desc())
    )
    return list(session.scalars(q.with_for_update() if lock else q))


def audit_state(sub: Submission) -> dict[str, object]:
    return {
        "id": sub.id,
        "state": sub.state,
        "version": sub.version,
        "lock_version": sub.lock_version,
        "content_hash": sub.content_hash,
        "file_sha256": sub.file_sha256,
    }


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
