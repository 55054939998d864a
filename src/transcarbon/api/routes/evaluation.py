"""Indicators, warnings, decomposition and department scorecards.

Who reads what: analysts, admins, auditors and department users read every indicator with its
lineage, the warnings (department users: those about organisations only within the report types they
supervise) and the scorecards; enterprise reporters and the public read the published
aggregates only (values, statuses, lights, forecasts; no lineage, no warnings, no organisation-level
detail). Evaluating (which stores a run) is for admins and analysts.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from transcarbon.api.deps import CityDep, ContextDep, OptionalUser, SessionDep, StateDep, require
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.services.database import transaction
from transcarbon.services.evaluation import (
    DecompositionError,
    decompose,
    evaluate,
    evaluation_payload,
    latest_evaluation_run,
    list_warnings,
    readable,
    stored_scorecards,
    warning_json,
)
from transcarbon.services.users import Principal

Year = Annotated[int, Path(ge=1990, le=2100, description="calendar year")]
YearQuery = Annotated[int | None, Query(ge=1990, le=2100)]

router = APIRouter(tags=["evaluation"], responses=PROBLEM_RESPONSES)


Internal = Annotated[Principal, Depends(require("evaluation.read"))]
Evaluator = Annotated[Principal, Depends(require("evaluation.run"))]


@router.get("/indicators/{year}", summary="Indicators of a year (latest stored evaluation)")
def get_evaluation(
    year: Year, principal: OptionalUser, session: SessionDep, city: CityDep, ctx: ContextDep
) -> dict[str, Any]:
    run_id = latest_evaluation_run(session, year)
    if run_id is None:
        raise Problem(404, "eval.not_evaluated", year=year)
    payload = evaluation_payload(session, run_id, city, published_only=not principal.may("evaluation.read"))
    if "warnings" in payload:  # per-organisation warnings only where the caller may read that organisation's data
        payload["warnings"] = readable(principal, ctx.catalog, payload["warnings"])
    return payload


@router.post("/indicators/{year}/run", summary="Evaluate a year now (stores a run; reused when nothing changed)")
def run_evaluation(
    year: Year, principal: Evaluator, state: StateDep, city: CityDep, as_of: date | None = None
) -> dict[str, Any]:
    with transaction(state.factory) as session:
        ev = evaluate(session, year, actor=principal.username, as_of=as_of, city=city)
    return {**ev.payload, "reused": ev.reused}


@router.get("/scorecards/{year}", summary="Department scorecards of a year")
def get_scorecards(year: Year, _: Internal, session: SessionDep, city: CityDep) -> dict[str, Any]:
    run_id = latest_evaluation_run(session, year)
    if run_id is None:
        raise Problem(404, "eval.not_evaluated", year=year)
    return {
        "year": year,
        "run_id": run_id,
        "template": city.scoring.template,
        "scorecards": stored_scorecards(session, run_id, city),
    }


@router.get("/warnings", summary="Stored warnings (open ones unless include_resolved)")
def get_warnings(
    principal: Internal,
    session: SessionDep,
    ctx: ContextDep,
    year: YearQuery = None,
    include_resolved: bool = False,
    department: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    if principal.role == "department" and department is None and principal.department_id:
        department = principal.department_id
    found = list_warnings(session, year=year, include_resolved=include_resolved, department=department, kind=kind)
    return readable(principal, ctx.catalog, [warning_json(w) for w in found])


@router.get("/decomposition", summary="LMDI-I decomposition of the CO2 change between two years")
def get_decomposition(
    principal: Internal,
    state: StateDep,
    year_from: Annotated[int, Query(alias="from", ge=1990, le=2100)],
    year_to: Annotated[int, Query(alias="to", ge=1990, le=2100)],
) -> dict[str, Any]:
    try:
        with transaction(state.factory) as session:
            return decompose(session, year_from, year_to, actor=principal.username).payload
    except DecompositionError as exc:
        status = {"eval.decomp.bad_years": 422, "eval.decomp.not_finite": 409}.get(exc.key, 404)
        raise Problem(status, exc.key, None, **exc.values) from exc
