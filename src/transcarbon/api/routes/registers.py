"""Registers (台账): a register as it stood on a date, and one asset's history. Rows come in through the
submissions routes (template, checks, approval) like every report; who reads what follows the submissions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from transcarbon.api.deps import ContextDep, Reader, SessionDep
from transcarbon.api.problems import PROBLEM_RESPONSES, Problem
from transcarbon.services import registers as reg

router = APIRouter(prefix="/registers", tags=["registers"], responses=PROBLEM_RESPONSES)
RegisterId = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
AsOf = Annotated[date | None, Query(description="the day the register is read as it stood (default today)")]


def _type(ctx: ContextDep, register_id: str) -> Any:
    try:
        return reg.register_type(ctx.catalog, register_id)
    except reg.UnknownRegister:
        raise Problem(
            404, "reg.unknown", id=register_id, allowed=", ".join(r.id for r in reg.register_types(ctx.catalog))
        ) from None


@router.get("", summary="The registers (台账) of the city: ids, names, keys and fields")
def list_registers(_: Reader, ctx: ContextDep) -> list[dict[str, Any]]:
    return [
        {"id": rt.id, "name": rt.name.model_dump(), "key": list(rt.asset_register.key), "fields": list(rt.columns)}
        for rt in reg.register_types(ctx.catalog)
        if rt.asset_register is not None
    ]


@router.get("/{register_id}", summary="A register as it stood on a date: the assets on it with their rows' ids")
def get_register(
    register_id: RegisterId, principal: Reader, session: SessionDep, ctx: ContextDep, as_of: AsOf = None
) -> dict[str, Any]:
    rt = _type(ctx, register_id)
    day = as_of or datetime.now(UTC).date()
    rows = reg.visible_rows(reg.register_rows(session, rt, ctx.catalog), rt, ctx.catalog, principal)
    return reg.register_json(rt, reg.as_of(rows, rt, day), day)


@router.get("/{register_id}/assets/{asset_id}/history", summary="Every approved row one asset has had, oldest first")
def get_history(
    register_id: RegisterId,
    asset_id: Annotated[str, Path(min_length=1, max_length=100)],
    principal: Reader,
    session: SessionDep,
    ctx: ContextDep,
    as_of: AsOf = None,
) -> dict[str, Any]:
    rt = _type(ctx, register_id)
    day = as_of or datetime.now(UTC).date()
    rows = reg.visible_rows(reg.register_rows(session, rt, ctx.catalog), rt, ctx.catalog, principal)
    history = reg.asset_history(session, rows, rt, {rt.asset_register.key[0]: asset_id}, day)
    if not history:
        raise Problem(404, "reg.asset_not_found", id=asset_id, register=register_id)
    return {
        "register": rt.id,
        "asset": asset_id,
        "as_of": day.isoformat(),
        "rows": [h.__dict__ for h in history],
    }
