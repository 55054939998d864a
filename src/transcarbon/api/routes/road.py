"""Road transport: the bottom-up inventory of the registered fleet, its reconciliation with reported fuel, and the
city's choice of the official figure per sector. (The register, kilometres and energy economy are report types:
their templates, uploads and approval are the submissions routes.)

Who: analysts, admins, auditors and department users read; admins and analysts record the official figure (kept
and audited, never overwritten).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from transcarbon.api.deps import CityDep, ContextDep, SessionDep, StateDep, require
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.services.database import transaction
from transcarbon.services.road.reconciliation import ChoiceRefused, choose_official, reconciliation
from transcarbon.services.road.views import road_summary
from transcarbon.services.users import Principal

Year = Annotated[int, Path(ge=1990, le=2100, description="calendar year")]
Reader = Annotated[Principal, Depends(require("evaluation.read"))]
Decider = Annotated[Principal, Depends(require("evaluation.run"))]

router = APIRouter(tags=["road"], responses=PROBLEM_RESPONSES)


class OfficialChoice(BaseModel):
    """The official road figure of a sector: enterprise-reported or bottom-up, with why."""

    sector: str = Field(max_length=40)
    figure: Literal["reported", "bottom_up"]
    note: str = Field(default="", max_length=2000)


@router.get("/road/{year}", summary="The bottom-up road inventory of a year (latest stored run)")
def get_road(year: Year, _: Reader, session: SessionDep) -> dict[str, Any]:
    found = road_summary(session, year)
    if found is None:
        raise Problem(404, "road.no_run", year=year)
    return found


@router.get("/road/{year}/reconciliation", summary="Bottom-up against reported fuel per fleet, fuel sales, official")
def get_reconciliation(year: Year, _: Reader, session: SessionDep, city: CityDep, ctx: ContextDep) -> dict[str, Any]:
    found = reconciliation(session, year, city, ctx.catalog)
    if found is None:
        raise Problem(404, "road.no_run", year=year)
    return found


@router.post("/road/{year}/official", summary="Record the official road figure of a sector (audited)")
def post_official(
    year: Year, body: OfficialChoice, principal: Decider, state: StateDep, city: CityDep
) -> dict[str, Any]:
    try:
        with transaction(state.factory) as session:
            return choose_official(
                session, city, body.sector, year, body.figure, actor=principal.username, note=body.note
            )
    except ChoiceRefused as exc:
        raise Problem(422, exc.key, None, **exc.values) from exc
