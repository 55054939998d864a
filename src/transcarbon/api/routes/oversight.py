"""Completeness and timeliness, organisations, the audit log (auditors) and published aggregates (everyone)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from transcarbon.api.deps import AuditReader, CompletenessReader, ContextDep, OptionalUser, OrgReader, SessionDep
from transcarbon.api.problems import PROBLEM_RESPONSES
from transcarbon.api.schemas import AuditEntryOut, AuditPage, AuditProblemOut, AuditVerifyOut, OrganisationOut
from transcarbon.i18n import t
from transcarbon.services import audit, integrity
from transcarbon.services import submissions as wf
from transcarbon.services.organisations import visible_organisations

router = APIRouter(responses=PROBLEM_RESPONSES)


@router.get("/completeness", tags=["oversight"], summary="Completeness and timeliness of one report type and period")
def completeness(
    principal: CompletenessReader,
    session: SessionDep,
    ctx: ContextDep,
    report_type: Annotated[str, Query(min_length=1, max_length=60)],
    period: Annotated[str, Query(min_length=4, max_length=7)],
    as_of: Annotated[date | None, Query()] = None,
) -> dict[str, Any]:
    return wf.completeness(session, ctx, principal, report_type, period, as_of=as_of)


@router.get(
    "/organisations",
    tags=["oversight"],
    response_model=list[OrganisationOut],
    summary="Reporting organisations (reporters: their own)",
)
def organisations(
    principal: OrgReader, session: SessionDep, kind: Annotated[str | None, Query(max_length=20)] = None
) -> list[OrganisationOut]:
    return [OrganisationOut.model_validate(o) for o in visible_organisations(session, principal, kind=kind)]


@router.get("/audit", tags=["audit"], response_model=AuditPage, summary="The audit log, newest first (audited read)")
def audit_log(
    principal: AuditReader,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=60)] = None,
    object_type: Annotated[str | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> AuditPage:
    with session.begin():
        total, entries = audit.entries(session, action=action, object_type=object_type, limit=limit, offset=offset)
        items = [AuditEntryOut.model_validate(e) for e in entries]
        audit.append(
            session,
            actor=principal.username,
            action="export.audit_log",
            object_type="audit_log",
            object_id="-",
            details={
                "action": action,
                "object_type": object_type,
                "limit": limit,
                "offset": offset,
                "returned": len(items),
            },
        )
    return AuditPage(total=total, items=items)


@router.get(
    "/audit/verify",
    tags=["audit"],
    response_model=AuditVerifyOut,
    summary="Verify the keyed audit chain, its head and the seals of approved data",
)
def audit_verify(_: AuditReader, session: SessionDep) -> AuditVerifyOut:
    r = integrity.verify(session)
    problems = [
        AuditProblemOut(id=p.id, reason=p.reason, message_zh=t(p.reason, "zh"), message_en=t(p.reason, "en"))
        for p in r.problems
    ]
    return AuditVerifyOut(ok=r.ok, checked=r.checked, first_bad_id=r.first_bad_id, reason=r.reason, problems=problems)


@router.get(
    "/public/aggregates",
    tags=["public"],
    summary="Published aggregates (no account needed): approved report counts, city inventory totals",
)
def public_aggregates(_: OptionalUser, session: SessionDep, ctx: ContextDep) -> dict[str, Any]:
    return wf.published_aggregates(session, ctx)
