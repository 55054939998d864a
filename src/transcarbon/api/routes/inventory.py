"""City inventories and the lineage of every stored result (the accounting's figures through the API).

Analysts, admins and auditors read the city inventory and any result's lineage; department users read
the city inventory, and a lineage (whose inputs are organisations' activity rows) when they supervise the
activity report type or the result is their own organisation's; an enterprise reporter reads only its own
organisation's results (by sector) and their lineage.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from transcarbon.api.deps import ContextDep, SessionDep, require
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.services.inventory_runs import year_inventory
from transcarbon.services.lineage import LineageNotFound, lineage, result_org
from transcarbon.services.users import Principal

router = APIRouter(tags=["inventory"], responses=PROBLEM_RESPONSES)
ResultsReader = Annotated[Principal, Depends(require("results.read"))]


@router.get("/inventory/{year}", summary="The city's (or, for a reporter, its own) inventory of a year")
def get_inventory(
    year: Annotated[int, Path(ge=1990, le=2100)], principal: ResultsReader, session: SessionDep
) -> dict[str, Any]:
    reporter = principal.role == "reporter"
    found = year_inventory(session, year, org_id=(principal.org_id or "") if reporter else None)
    if found is None:
        raise Problem(404, "api.no_inventory", year=year)
    return {
        "year": year,
        "run_id": found["run_id"],
        "org_id": principal.org_id if reporter else None,
        "total": found["total"],
        "by_sector": found["by_sector"],
    }


@router.get("/results/{result_id}/lineage", summary="How a stored result was derived: inputs, factors, sources")
def get_lineage(
    result_id: Annotated[int, Path(ge=1, le=2**31 - 1)], principal: ResultsReader, session: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    try:
        org_id = result_org(session, result_id)
        if not principal.may_read_records(ctx.catalog, org_id):  # its inputs are other organisations' rows
            raise Problem(403, "auth.org_forbidden", own=principal.org_id or "-")
        return lineage(session, result_id)
    except LineageNotFound as exc:
        raise Problem(404, "cli.no_result", id=result_id) from exc
