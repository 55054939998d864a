"""City inventories and the lineage of every stored result (the accounting's figures through the API).

Analysts, admins and auditors read the city inventory and any result's lineage; department users read
the city inventory, and a lineage (whose inputs are organisations' activity rows) when they supervise the
activity report type or the result is their own organisation's; an enterprise reporter reads only its own
organisation's results (by sector) and their lineage.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from sqlalchemy import select

from transcarbon.api.deps import ContextDep, SessionDep, require
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.methods.inventory import MEASURES
from transcarbon.services.inventory_runs import latest_run_id
from transcarbon.services.lineage import LineageNotFound, lineage
from transcarbon.services.users import Principal
from transcarbon.store.models import Result

router = APIRouter(tags=["inventory"], responses=PROBLEM_RESPONSES)
ResultsReader = Annotated[Principal, Depends(require("results.read"))]


def _row(r: Result) -> dict[str, Any]:
    return {"result_id": r.id, **{m: getattr(r, m) for m in MEASURES}, "throughput_t": r.throughput_t}


@router.get("/inventory/{year}", summary="The city's (or, for a reporter, its own) inventory of a year")
def get_inventory(year: Annotated[int, Path(ge=1990, le=2100)], principal: ResultsReader,
                  session: SessionDep) -> dict[str, Any]:
    run_id = latest_run_id(session, year)
    if run_id is None:
        raise Problem(404, "api.no_inventory", year=year)
    yearly = select(Result).where(Result.run_id == run_id, Result.month.is_(None))
    if principal.role == "reporter":
        rows = session.scalars(yearly.where(Result.org_id == principal.org_id)).all()
        total = None
    else:
        rows = session.scalars(yearly.where(Result.org_id.is_(None), Result.sector.is_not(None))).all()
        total = session.scalars(yearly.where(Result.org_id.is_(None), Result.sector.is_(None))).one_or_none()
    return {"year": year, "run_id": run_id, "org_id": principal.org_id if principal.role == "reporter" else None,
            "total": _row(total) if total else None,
            "by_sector": {r.sector: _row(r) for r in sorted(rows, key=lambda r: str(r.sector))}}


@router.get("/results/{result_id}/lineage", summary="How a stored result was derived: inputs, factors, sources")
def get_lineage(result_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: ResultsReader,
                session: SessionDep, ctx: ContextDep) -> dict[str, Any]:
    result = session.get(Result, result_id)
    if result is None:
        raise Problem(404, "cli.no_result", id=result_id)
    if not principal.may_read_records(ctx.catalog, result.org_id):  # its inputs are other organisations' rows
        raise Problem(403, "auth.org_forbidden", own=principal.org_id or "-")
    try:
        return lineage(session, result_id)
    except LineageNotFound as exc:
        raise Problem(404, "cli.no_result", id=result_id) from exc
