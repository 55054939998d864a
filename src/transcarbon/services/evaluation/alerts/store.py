"""The stored warnings: :func:`sync` keeps open ones open, adds new ones and resolves the rest (nothing is
deleted); :func:`list_warnings` and the JSON of a warning."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog
from transcarbon.services.evaluation.alerts.found import SEVERITY_ORDER, Found
from transcarbon.services.users import Principal
from transcarbon.store.models_evaluation import EvaluationWarning, WarningDepartment


def sync(session: Session, year: int, found: Iterable[Found], *, run_id: int) -> dict[str, int]:
    """Store the year's current warnings: keep open ones open, add new ones, resolve the rest."""
    now = datetime.now(UTC)
    current: dict[str, Found] = {}
    for f in found:
        current.setdefault(f.key, f)
    open_rows = {
        w.key: w
        for w in session.scalars(
            select(EvaluationWarning).where(EvaluationWarning.year == year, EvaluationWarning.resolved_at.is_(None))
        )
    }
    resolved = 0
    for key, w in open_rows.items():
        if key not in current:
            w.resolved_at, w.last_run_id = now, run_id
            resolved += 1
        else:
            f = current[key]
            w.severity, w.message_zh, w.message_en = f.severity, f.message("zh"), f.message("en")
            w.details, w.last_seen_at, w.last_run_id = f.details, now, run_id
    new = [f for k, f in current.items() if k not in open_rows]
    if new:
        stmt = insert(EvaluationWarning).returning(EvaluationWarning.id, sort_by_parameter_order=True)
        ids = (
            session.execute(
                stmt,
                [
                    {
                        "key": f.key,
                        "year": f.year,
                        "kind": f.kind,
                        "severity": f.severity,
                        "indicator_id": f.indicator_id,
                        "org_id": f.org_id,
                        "report_type": f.report_type,
                        "period": f.period,
                        "departments": f.departments,
                        "message_zh": f.message("zh"),
                        "message_en": f.message("en"),
                        "details": f.details,
                        "first_seen_at": now,
                        "last_seen_at": now,
                        "resolved_at": None,
                        "first_run_id": run_id,
                        "last_run_id": run_id,
                    }
                    for f in new
                ],
            )
            .scalars()
            .all()
        )
        links = [
            {"warning_id": i, "department_id": d}
            for i, f in zip(ids, new, strict=True)
            for d in dict.fromkeys(f.departments)
        ]
        if links:
            session.execute(insert(WarningDepartment), links)
    session.flush()
    return {"open": len(current), "new": len(new), "resolved": resolved}


def warning_json(w: EvaluationWarning) -> dict[str, Any]:
    return {
        "id": w.id,
        "kind": w.kind,
        "severity": w.severity,
        "indicator": w.indicator_id,
        "departments": list(w.departments),
        "message_zh": w.message_zh,
        "message_en": w.message_en,
        "year": w.year,
        "org_id": w.org_id,
        "report_type": w.report_type,
        "period": w.period,
        "first_seen_at": w.first_seen_at.isoformat() if w.first_seen_at else None,
        "last_seen_at": w.last_seen_at.isoformat() if w.last_seen_at else None,
        "resolved_at": w.resolved_at.isoformat() if w.resolved_at else None,
        "details": w.details,
    }


def list_warnings(
    session: Session,
    *,
    year: int | None = None,
    include_resolved: bool = False,
    department: str | None = None,
    kind: str | None = None,
) -> list[EvaluationWarning]:
    """Stored warnings, most severe first."""
    q = select(EvaluationWarning)
    if year is not None:
        q = q.where(EvaluationWarning.year == year)
    if not include_resolved:
        q = q.where(EvaluationWarning.resolved_at.is_(None))
    if kind is not None:
        q = q.where(EvaluationWarning.kind == kind)
    if department is not None:
        q = q.join(WarningDepartment, WarningDepartment.warning_id == EvaluationWarning.id).where(
            WarningDepartment.department_id == department
        )
    rows = list(session.scalars(q.order_by(EvaluationWarning.id)))
    return sorted(rows, key=lambda w: (SEVERITY_ORDER.get(w.severity, 9), w.id))


def readable_by(principal: Principal, catalog: ReportCatalog, warning: dict[str, Any]) -> bool:
    """Whether ``principal`` may read a warning (:func:`warning_json`): one about the city or an indicator, yes;
    one about an organisation's figures only under the rule for records (:meth:`Principal.may_read` for its
    report type, else :meth:`Principal.may_read_records`): a department user sees the organisations of the report
    types it supervises, and its own."""
    org = warning.get("org_id")
    if org is None:
        return True
    report_type = warning.get("report_type")
    if report_type:
        return principal.may_read(catalog, str(report_type), str(org))
    return principal.may_read_records(catalog, str(org))


def readable(principal: Principal, catalog: ReportCatalog, warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The warnings of ``warnings`` that ``principal`` may read (:func:`readable_by`), in their order."""
    return [w for w in warnings if readable_by(principal, catalog, w)]


def open_warnings_json(session: Session, year: int) -> list[dict[str, Any]]:
    return [warning_json(w) for w in list_warnings(session, year=year)]
