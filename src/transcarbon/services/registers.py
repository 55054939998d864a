"""Registers (台账): report types whose rows are versions of assets, read as they stood on any date.

A register's rows come through the same templates, checks, approval and audit as every report; only approved
rows count (the latest approved version of each slot, :func:`transcarbon.services.report_data.approved_rows`).
Each row is an asset's state from ``valid_from`` to ``valid_to`` (empty: still in force).

As it stood on a date ``d`` (:func:`as_of`): per asset (the register's key), the row with the latest
``valid_from`` not after ``d`` — on a tie, the later submission, then the later row — and the asset is on the
register when that row's ``valid_to`` is empty or after ``d``. A later row thus supersedes an earlier one from
its ``valid_from`` on, corrections come as new approved versions of a slot, and nothing is ever deleted:
:func:`asset_history` lists every row an asset has had, with the submission, who approved it and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.services.report_data import approved_rows
from transcarbon.services.users import Principal
from transcarbon.store.models import Submission


class UnknownRegister(KeyError):
    """No register of that id in the city's report types."""


def register_types(catalog: ReportCatalog) -> list[ReportType]:
    """The report types that are registers, in the order of the city's file."""
    return [rt for rt in catalog.report_types if rt.asset_register is not None]


def register_type(catalog: ReportCatalog, register_id: str) -> ReportType:
    """The register ``register_id``; :class:`UnknownRegister` when it is not one."""
    try:
        rt = catalog.get(register_id)
    except KeyError:
        raise UnknownRegister(register_id) from None
    if rt.asset_register is None:
        raise UnknownRegister(register_id)
    return rt


def register_rows(session: Session, rt: ReportType, catalog: ReportCatalog) -> pl.DataFrame:
    """Every approved row of the register (all periods), with submission and row ids."""
    return approved_rows(session, rt.id, None, catalog=catalog)


def visible_rows(rows: pl.DataFrame, rt: ReportType, catalog: ReportCatalog, principal: Principal) -> pl.DataFrame:
    """The rows ``principal`` may read, as for submissions: a reporter its own organisation's; a department user
    its own, or all of a register it supervises; the other readers all."""
    if principal.role == "reporter" or (principal.role == "department" and rt.id not in principal.supervised(catalog)):
        return rows.filter(pl.col("org_id") == (principal.org_id or ""))
    return rows


def _key(rt: ReportType) -> list[str]:
    assert rt.asset_register is not None
    return list(rt.asset_register.key)


def as_of(rows: pl.DataFrame, rt: ReportType, on: date) -> pl.DataFrame:
    """The register as it stood on ``on``: one row per asset on the register that day (rule in the module doc)."""
    reg = rt.asset_register
    assert reg is not None
    day = on.isoformat()
    start, end = pl.col(reg.valid_from), pl.col(reg.valid_to)
    if rows.is_empty():
        return rows
    latest = (
        rows.filter(start.is_not_null() & (start <= day))
        .sort([reg.valid_from, "submission_id", "row_number"])
        .group_by(_key(rt), maintain_order=True)
        .last()
    )
    return latest.filter(end.is_null() | (end > day)).select(rows.columns).sort(_key(rt))


@dataclass(frozen=True)
class HistoryRow:
    """One state an asset has had: its fields, the latest approved submission that carried it (who approved it,
    when), the periods whose filings carried it, and whether it is the state in force on the day asked."""

    fields: dict[str, Any]
    submission_id: int
    report_row_id: int
    org_id: str
    period: str
    version: int
    decided_by: str | None
    decided_at: str | None
    in_force_on: bool
    periods: list[str]


def asset_history(
    session: Session, rows: pl.DataFrame, rt: ReportType, key_values: dict[str, str], on: date
) -> list[HistoryRow]:
    """Every state of one asset (``key_values``: its key fields) in its approved rows, oldest first, marking the
    one in force on ``on`` (none when the asset is off the register that day). A register filed whole each year
    carries an unchanged state again: such repeats are one state, listed with every period that carried it."""
    match = rows
    for k, v in key_values.items():
        match = match.filter(pl.col(k) == v)
    if match.is_empty():
        return []
    current = as_of(match, rt, on)
    current_id = int(current["report_row_id"][0]) if current.height else None
    ids = [int(i) for i in match["submission_id"].unique().to_list()]
    decided = {
        sid: (by, at)
        for sid, by, at in session.execute(
            select(Submission.id, Submission.decided_by, Submission.decided_at).where(Submission.id.in_(ids))
        ).all()
    }
    assert rt.asset_register is not None
    ordered = match.sort([rt.asset_register.valid_from, "submission_id", "row_number"])
    states: dict[str, list[dict[str, Any]]] = {}
    for r in ordered.iter_rows(named=True):
        fields = {f: plain_value(rt, f, r[f]) for f in rt.columns}
        states.setdefault(repr(sorted(fields.items())), []).append({**r, "_fields": fields})
    out = []
    for carried in states.values():
        r = carried[-1]
        row_ids = {int(c["report_row_id"]) for c in carried}
        by, at = decided.get(int(r["submission_id"]), (None, None))
        out.append(
            HistoryRow(
                fields=r["_fields"],
                submission_id=int(r["submission_id"]),
                report_row_id=int(r["report_row_id"]),
                org_id=str(r["org_id"]),
                period=str(r["period"]),
                version=int(r["version"]),
                decided_by=by,
                decided_at=None if at is None else at.isoformat(),
                in_force_on=current_id in row_ids,
                periods=sorted({str(c["period"]) for c in carried}),
            )
        )
    return out


def plain_value(rt: ReportType, field_id: str, value: Any) -> Any:
    """A stored cell as shown: integer fields as ``int`` (rows are read with every number as a float)."""
    if value is not None and rt.field(field_id).type == "integer":
        return int(value)
    return value


def register_json(rt: ReportType, frame: pl.DataFrame, on: date) -> dict[str, Any]:
    """A register as it stood on ``on`` for the API: its fields, its rows (with their lineage ids), the count."""
    reg = rt.asset_register
    assert reg is not None
    return {
        "register": rt.id,
        "name": rt.name.model_dump(),
        "key": list(reg.key),
        "as_of": on.isoformat(),
        "count": frame.height,
        "rows": [
            {
                **{f: plain_value(rt, f, r[f]) for f in rt.columns},
                "org_id": r["org_id"],
                "submission_id": r["submission_id"],
                "report_row_id": r["report_row_id"],
            }
            for r in frame.iter_rows(named=True)
        ],
    }
