"""Anomalies in reported figures: ``anomaly`` (an organisation's period totals against its own approved
history) and ``peer_outlier`` (an organisation's CO2 per converted t·km against its sector's peers); the
statistics are :func:`transcarbon.methods.anomaly.trailing_z` and :func:`~transcarbon.methods.anomaly.robust_z`."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.reports import FieldSpec, ReportCatalog, ReportType
from transcarbon.i18n import Lang
from transcarbon.i18n.labels import label, value_name
from transcarbon.i18n.numbers import unit_label
from transcarbon.methods.anomaly import OUTLIER_Z, robust_z, trailing_z
from transcarbon.services.evaluation.alerts.found import Found, format_value
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.store.models import ActivityRecord, ImportBatch, Organisation, Result

Z_HIGH = 7.0
"""An anomaly with ``|z|`` above this is of high severity."""
MIN_HISTORY = 6
"""Fewest history periods an anomaly is judged against."""
MIN_PEERS = 4
"""Fewest organisations of a sector for a peer comparison."""
MIN_RELATIVE_JUMP = 0.5
"""An anomaly also differs from the history's median by more than this share."""
OrgNames = dict[str, tuple[str, str]]
"""Organisation id → (Chinese name, English name)."""


def _z_warnings(
    frame: pl.DataFrame,
    value: str,
    group: list[str],
    year: int,
    *,
    kind: str,
    report: ReportType,
    departments: list[str],
    min_points: int,
    names: OrgNames,
) -> list[Found]:
    if frame.height == 0:
        return []
    z = trailing_z(frame, value, group, year).filter(
        pl.col("n") >= min_points, pl.col("z").abs() > OUTLIER_Z, (pl.col("ratio") - 1).abs() > MIN_RELATIVE_JUMP
    )
    out = []
    counted = _field_type(report, value) == "integer"
    for r in z.sort([*group, "period"]).iter_rows(named=True):
        what = "/".join(str(r[c]) for c in group if c != "org_id") or value

        def words(lang: Lang, r: dict[str, Any] = r) -> dict[str, object]:
            named = [_value_label(report, c, r[c], lang) for c in group if c != "org_id"]
            spec = _field_spec(report, value)
            unit = _unit_of(spec, r, lang)
            return {
                "org": org_name(names, r["org_id"], lang),
                "period": r["period"],
                "field": getattr(spec.label, lang) if spec is not None else value,
                "what": "/".join(named) or "—",
                "value": format_value(r[value], unit, 0 if counted else None),
                "median": format_value(r["median"], unit, (1 if r["median"] % 1 else 0) if counted else None),
                "z": f"{r['z']:.1f}",
            }

        out.append(
            Found(
                kind,
                "high" if abs(r["z"]) > Z_HIGH else "medium",
                year,
                departments,
                "eval.warn.anomaly",
                {**words("zh"), "report": report.name.zh},
                {**words("en"), "report": report.name.en},
                org_id=r["org_id"],
                report_type=report.id,
                period=r["period"],
                extra_key=f"{value}:{what}",
                details={
                    "value": r[value],
                    "median": r["median"],
                    "mad_log": r["mad"],
                    "z": r["z"],
                    "history_points": r["n"],
                    "group": {c: r[c] for c in group},
                },
            )
        )
    return out


def org_names(session: Session) -> OrgNames:
    """Each organisation's names (Chinese, English) by id, so that a warning names it rather than its id."""
    return {
        i: (zh, en)
        for i, zh, en in session.execute(select(Organisation.id, Organisation.name_zh, Organisation.name_en))
    }


def org_name(names: OrgNames, org_id: str, lang: Lang) -> str:
    """An organisation's name in ``lang``, or its id when it is not registered."""
    named = names.get(org_id)
    return org_id if named is None else named[0 if lang == "zh" else 1]


def _field_spec(report: ReportType, field_id: str) -> FieldSpec | None:
    return next((f for f in report.fields if f.id == field_id), None)


def _unit_of(spec: FieldSpec | None, row: dict[str, Any], lang: Lang) -> str:
    """The unit of a field's value in a warning, in words where the catalog names it: the field's own, else the row's
    unit column (a figure whose unit varies by row), else none."""
    if spec is None:
        return ""
    code = spec.unit or (str(row.get(spec.unit_field) or "") if spec.unit_field else "")
    return unit_label(code, lang) if code else ""


def _field_type(report: ReportType, field_id: str) -> str | None:
    spec = _field_spec(report, field_id)
    return spec.type if spec is not None else None


def _value_label(report: ReportType, field_id: str, code: object, lang: Lang) -> str:
    """A group value of a warning in words: the report field's own name for it, else the catalog's (a unit's name
    where it has one, as ``10^4m3`` → 万立方米)."""
    spec = _field_spec(report, field_id)
    name = spec.value_label(str(code), lang) if spec is not None else value_name(code, lang)
    return unit_label(str(code), lang) if field_id == "unit" and name == str(code) else name


def report_anomalies(inp: Inputs, catalog: ReportCatalog, year: int, names: OrgNames) -> list[Found]:
    """Robust z of each organisation's period totals of the fields checked against history (organisations named by
    ``names``, :func:`org_names`)."""
    out: list[Found] = []
    for rt_id, rows in inp.reports.items():
        rt = catalog.get(rt_id)
        if rows.height == 0:
            continue
        for f in rt.fields:
            if f.history is None or f.id not in rows.columns:
                continue
            by = [b for b in f.history.by if b in rows.columns]
            totals = (
                rows.filter(pl.col(f.id).is_not_null())
                .group_by(["org_id", *by, "period", "year"])
                .agg(pl.col(f.id).sum())
            )
            out += _z_warnings(
                totals,
                f.id,
                ["org_id", *by],
                year,
                kind="anomaly",
                report=rt,
                departments=list(rt.supervisors),
                min_points=max(f.history.min_points, MIN_HISTORY),
                names=names,
            )
    return out


def activity_anomalies(session: Session, catalog: ReportCatalog, year: int, names: OrgNames) -> list[Found]:
    """Robust z of each organisation's monthly energy use per sector, fuel and unit (approved records)."""
    try:
        rt = catalog.get("energy_activity")
    except KeyError:
        return []
    rows = session.execute(
        select(
            ActivityRecord.org_id,
            ActivityRecord.sector,
            ActivityRecord.fuel,
            ActivityRecord.unit,
            ActivityRecord.period,
            ActivityRecord.year,
            ActivityRecord.amount,
        )
        .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
        .where(
            ImportBatch.status == "approved",
            ActivityRecord.amount.is_not(None),
            ActivityRecord.year.between(year - 5, year),
        )
    ).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        orient="row",
        schema={
            "org_id": pl.String,
            "sector": pl.String,
            "fuel": pl.String,
            "unit": pl.String,
            "period": pl.String,
            "year": pl.Int64,
            "amount": pl.Float64,
        },
    )
    totals = frame.group_by("org_id", "sector", "fuel", "unit", "period", "year").agg(pl.col("amount").sum())
    return _z_warnings(
        totals,
        "amount",
        ["org_id", "sector", "fuel", "unit"],
        year,
        kind="anomaly",
        report=rt,
        departments=list(rt.supervisors),
        min_points=MIN_HISTORY,
        names=names,
    )


def peer_outliers(session: Session, inp: Inputs, catalog: ReportCatalog, year: int, names: OrgNames) -> list[Found]:
    """Organisations whose CO2 per converted t·km is far from their sector's peers in ``year``."""
    run = inp.runs.get(year)
    if run is None:
        return []
    try:
        rt = catalog.get("energy_activity")
    except KeyError:
        return []
    rows = session.execute(
        select(Result.org_id, Result.sector, Result.co2_t, Result.converted_tkm).where(
            Result.run_id == run, Result.org_id.is_not(None), Result.sector.is_not(None), Result.month.is_(None)
        )
    ).all()
    f = pl.DataFrame(
        [tuple(r) for r in rows],
        orient="row",
        schema={"org_id": pl.String, "sector": pl.String, "co2_t": pl.Float64, "converted_tkm": pl.Float64},
    )
    f = f.filter(pl.col("converted_tkm") > 0).with_columns(
        intensity=pl.col("co2_t") * 1000 / pl.col("converted_tkm"),
        year=pl.lit(year, pl.Int64),
        period=pl.lit(str(year)),
    )
    if f.height == 0:
        return []
    z = robust_z(f, "intensity", ["sector"]).filter(pl.col("n") >= MIN_PEERS, pl.col("z").abs() > OUTLIER_Z)
    out = []
    for r in z.iter_rows(named=True):
        v = {
            "org": org_name(names, r["org_id"], "zh"),
            "sector": label("sector", r["sector"], "zh"),
            "value": format_value(r["intensity"], "kgCO2/t·km"),
            "median": format_value(r["median"], "kgCO2/t·km"),
            "z": f"{r['z']:.1f}",
            "year": year,
        }
        out.append(
            Found(
                "peer_outlier",
                "medium",
                year,
                list(rt.supervisors),
                "eval.warn.peer_outlier",
                v,
                {**v, "org": org_name(names, r["org_id"], "en"), "sector": label("sector", r["sector"], "en")},
                org_id=r["org_id"],
                report_type=rt.id,
                period=str(year),
                extra_key=r["sector"],
                details={
                    "intensity_kgco2_per_tkm": r["intensity"],
                    "sector_median": r["median"],
                    "mad": r["mad"],
                    "z": r["z"],
                    "peers": r["n"],
                    "result_run_id": run,
                },
            )
        )
    return out
