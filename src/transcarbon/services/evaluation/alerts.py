"""Early warnings (可预警): detect, store with severity and departments, resolve when they no longer hold.

Kinds (``kind``), detected for the evaluated year:

- ``off_track`` — an indicator's light is red (severity high) or yellow (medium): the Open SDG band or
  the weather-chart path check says it falls behind (milestones: overdue / not started);
- ``worsening`` — the measure moved away from the desired direction since the previous year (low);
- ``target_at_risk`` — the forecast's probability of meeting the next target is below
  ``progress.forecast.warning_p_meet`` (high under 0.2, else medium);
- ``data_late`` — an indicator's data for the year are missing past the report's deadline (medium), or
  organisations expected to report a type have approved data missing for periods already due
  (per report type and year; high when half or more of the expected reports are missing);
- ``anomaly`` — a submitted figure far from the organisation's own approved history: modified z-score
  (Iglewicz–Hoaglin, :func:`transcarbon.methods.anomaly.trailing_z`) on logarithms,
  ``z = 0.6745 (ln x − median ln h) / MAD(ln h)``, of the organisation's period totals of the field that the
  report type checks against history (energy: amount per sector, fuel and unit) against its previous 12
  periods (at least 6); raised when ``|z| > 3.5`` and the value differs from the history's median by more
  than 50 % (the report types' jump threshold), so seasonal swings and steady growth do not flag; high when
  ``|z| > 7``;
- ``peer_outlier`` — an organisation's CO2 per converted t·km far from its sector's peers in the year
  (:func:`transcarbon.methods.anomaly.robust_z` across organisations of the sector, at least 4 peers,
  ``|z| > 3.5``).

Every warning names the responsible departments: the indicator's lead departments, or the supervisors
of the report type. A warning's ``key`` identifies its condition; re-evaluating the year keeps an open
warning open (``last_seen_at`` moves), adds new ones (``first_seen_at``), and resolves those whose
condition no longer holds (``resolved_at``); nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.domain import Period
from transcarbon.i18n import t
from transcarbon.methods.anomaly import OUTLIER_Z, robust_z, trailing_z
from transcarbon.services import audit
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.submissions import expected_organisations
from transcarbon.store.models import ActivityRecord, ImportBatch, Result, Submission
from transcarbon.store.models_evaluation import EvaluationWarning, WarningDepartment

Z_HIGH = 7.0
"""An anomaly with ``|z|`` above this is of high severity."""
MIN_HISTORY = 6
"""Fewest history periods an anomaly is judged against."""
MIN_PEERS = 4
"""Fewest organisations of a sector for a peer comparison."""
MIN_RELATIVE_JUMP = 0.5
"""An anomaly also differs from the history's median by more than this share."""
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
"""The severities of a warning, most severe first (the order of lists)."""
KINDS = ("off_track", "worsening", "target_at_risk", "data_late", "anomaly", "peer_outlier")


@dataclass(frozen=True)
class Found:
    """A warning condition that holds now."""

    kind: str
    severity: str
    year: int
    departments: list[str]
    message_key: str
    values_zh: dict[str, Any]
    values_en: dict[str, Any]
    indicator_id: str | None = None
    org_id: str | None = None
    report_type: str | None = None
    period: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    extra_key: str = ""

    @property
    def key(self) -> str:
        return audit.content_hash(
            [self.kind, self.year, self.indicator_id, self.org_id, self.report_type, self.period, self.extra_key]
        )[:40]

    def message(self, lang: str) -> str:
        return t(
            self.message_key, "zh" if lang == "zh" else "en", **(self.values_zh if lang == "zh" else self.values_en)
        )


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    s = f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.3g}" if abs(x) < 1 else f"{x:,.2f}"
    return f"{s}{'' if unit in ('', 'milestone') else ' ' + unit}"


# --------------------------------------------------------------------------- indicators


def indicator_warnings(city: CityConfig, annual: list[dict[str, Any]], year: int) -> list[Found]:
    """off_track, worsening, target_at_risk and data_late of the indicators in ``year``."""
    rows = {(r["indicator_id"], r["year"]): r for r in annual}
    p_level = city.progress.forecast.warning_p_meet
    out: list[Found] = []
    for ind in city.indicators:
        r = rows.get((ind.id, year))
        if r is None:
            continue
        names = ({"name": ind.name_zh, "year": year}, {"name": ind.name_en, "year": year})
        status = r["status"] or "no_data"
        st = ({"status": t(f"eval.status.{status}", "zh")}, {"status": t(f"eval.status.{status}", "en")})
        vals = {
            "value": _fmt(r["value"], ind.unit),
            "target": _fmt(r["target_value"], ind.unit),
            "target_year": r["target_year"] or "—",
        }
        depts = list(ind.departments)
        if status == "late":
            out.append(
                Found(
                    "data_late",
                    "medium",
                    year,
                    depts,
                    "eval.warn.indicator_late",
                    {**names[0]},
                    {**names[1]},
                    indicator_id=ind.id,
                    details={"status": status},
                )
            )
            continue
        if r["light"] in ("red", "yellow"):
            sev = "high" if r["light"] == "red" else "medium"
            out.append(
                Found(
                    "off_track",
                    sev,
                    year,
                    depts,
                    "eval.warn.off_track",
                    {**names[0], **st[0], **vals},
                    {**names[1], **st[1], **vals},
                    indicator_id=ind.id,
                    details={"light": r["light"], "status": status, "completion_to_date": r["completion_to_date"]},
                )
            )
        prev = rows.get((ind.id, year - 1))
        if (
            ind.kind != "milestone"
            and prev is not None
            and prev["measure"] is not None
            and r["measure"] is not None
            and status != "achieved"
        ):
            d = 1.0 if ind.direction == "increase" else -1.0
            if d * (r["measure"] - prev["measure"]) < 0:
                pv = {"previous": _fmt(prev["value"], ind.unit), "value": vals["value"]}
                out.append(
                    Found(
                        "worsening",
                        "low",
                        year,
                        depts,
                        "eval.warn.worsening",
                        {**names[0], **pv},
                        {**names[1], **pv},
                        indicator_id=ind.id,
                        details={"previous_measure": prev["measure"], "measure": r["measure"]},
                    )
                )
        fc = r.get("forecast")
        if (
            fc
            and fc.get("p_meet") is not None
            and fc["p_meet"] < p_level
            and not (status == "achieved" and fc["year"] == year)
        ):
            sev = "high" if fc["p_meet"] < 0.2 else "medium"
            fv = {
                "p": f"{100 * fc['p_meet']:.0f}%",
                "target_year": fc["year"],
                "forecast": _fmt(fc["value"], ind.unit),
                "target": _fmt(ind.target_value(fc["year"]), ind.unit),
            }
            out.append(
                Found(
                    "target_at_risk",
                    sev,
                    year,
                    depts,
                    "eval.warn.target_at_risk",
                    {**names[0], **fv},
                    {**names[1], **fv},
                    indicator_id=ind.id,
                    details={"forecast": fc, "warning_p_meet": p_level},
                )
            )
    return out


# --------------------------------------------------------------------------- completeness and timeliness


def _approved_slots(session: Session, rt: ReportType, year: int) -> set[tuple[str, str]]:
    if rt.feeds == "activity":
        q = (
            select(ActivityRecord.org_id, ActivityRecord.period)
            .distinct()
            .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
            .where(ActivityRecord.year == year, ImportBatch.status == "approved")
        )
    else:
        q = (
            select(Submission.org_id, Submission.period)
            .distinct()
            .where(
                Submission.report_type == rt.id, Submission.state == "approved", Submission.period.startswith(str(year))
            )
        )
    return {(o, p) for o, p in session.execute(q).all()}


def late_reports(session: Session, catalog: ReportCatalog, year: int, as_of: date) -> list[Found]:
    """Per report type: expected organisations without approved data for periods already due."""
    out: list[Found] = []
    for rt in catalog.report_types:
        periods = [Period(year, m) for m in range(1, 13)] if rt.period == "monthly" else [Period(year)]
        due = [str(p) for p in periods if as_of > rt.due_date(p)]
        if not due:
            continue
        orgs = [o.id for o in expected_organisations(session, rt)]
        if not orgs:
            continue
        have = _approved_slots(session, rt, year)
        expected = pl.DataFrame({"org_id": orgs}).join(pl.DataFrame({"period": due}), how="cross")
        present = pl.DataFrame(list(have), schema={"org_id": pl.String, "period": pl.String}, orient="row")
        missing = expected.join(present, on=["org_id", "period"], how="anti")
        if missing.height == 0:
            continue
        per_org = missing.group_by("org_id").agg(pl.len().alias("periods")).sort("org_id")
        share = missing.height / expected.height
        v = {"count": per_org.height, "expected": len(orgs), "missing": missing.height, "year": year}
        out.append(
            Found(
                "data_late",
                "high" if share >= 0.5 else "medium",
                year,
                list(rt.supervisors),
                "eval.warn.report_late",
                {**v, "report": rt.name.zh},
                {**v, "report": rt.name.en},
                report_type=rt.id,
                details={"share_missing": share, "organisations": dict(per_org.iter_rows())},
            )
        )
    return out


# --------------------------------------------------------------------------- anomalies


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
) -> list[Found]:
    if frame.height == 0:
        return []
    z = trailing_z(frame, value, group, year).filter(
        pl.col("n") >= min_points, pl.col("z").abs() > OUTLIER_Z, (pl.col("ratio") - 1).abs() > MIN_RELATIVE_JUMP
    )
    out = []
    for r in z.sort([*group, "period"]).iter_rows(named=True):
        what = "/".join(str(r[c]) for c in group if c != "org_id") or value
        v = {
            "org": r["org_id"],
            "period": r["period"],
            "field": value,
            "what": what,
            "value": _fmt(r[value]),
            "median": _fmt(r["median"]),
            "z": f"{r['z']:.1f}",
        }
        out.append(
            Found(
                kind,
                "high" if abs(r["z"]) > Z_HIGH else "medium",
                year,
                departments,
                "eval.warn.anomaly",
                {**v, "report": report.name.zh},
                {**v, "report": report.name.en},
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


def report_anomalies(inp: Inputs, catalog: ReportCatalog, year: int) -> list[Found]:
    """Robust z of each organisation's period totals of the fields checked against history."""
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
            )
    return out


def activity_anomalies(session: Session, catalog: ReportCatalog, year: int) -> list[Found]:
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
    )


def peer_outliers(session: Session, inp: Inputs, catalog: ReportCatalog, year: int) -> list[Found]:
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
            "org": r["org_id"],
            "sector": r["sector"],
            "value": _fmt(r["intensity"], "kgCO2/t·km"),
            "median": _fmt(r["median"], "kgCO2/t·km"),
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
                v,
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


def detect(
    session: Session, inp: Inputs, city: CityConfig, catalog: ReportCatalog, annual: list[dict[str, Any]], as_of: date
) -> list[Found]:
    """Every warning condition holding for the evaluated year."""
    year = inp.year
    return [
        *indicator_warnings(city, annual, year),
        *late_reports(session, catalog, year, as_of),
        *report_anomalies(inp, catalog, year),
        *activity_anomalies(session, catalog, year),
        *peer_outliers(session, inp, catalog, year),
    ]


# --------------------------------------------------------------------------- lifecycle


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


def open_warnings_json(session: Session, year: int) -> list[dict[str, Any]]:
    return [warning_json(w) for w in list_warnings(session, year=year)]
