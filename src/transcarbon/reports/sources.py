"""What the faces (web pages, PDF and XLSX reports) show, read from the services and the store.

Thin read-only adapters: inventory figures come from the newest inventory run of each year (the
``results`` table, each with its result id so that every figure links to its lineage); indicator
evaluation, warnings, decomposition and department scorecards come from the evaluation services
(issue 4) when they are installed, and otherwise from a small stand-in here that evaluates the
inventory-based indicators only and marks every other one ``no_data`` with the reason. The stand-in
is labelled (``"engine": "fallback"``) wherever it is used.

Results of the slow calls are cached per *data version* (newest run id, newest submission change,
newest audit entry of an approval), so a page view costs a few cheap queries once the data settle.
"""

from __future__ import annotations

import importlib
import logging
import math
import threading
from collections.abc import Callable
from typing import Any, cast

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.config import CityConfig, Indicator
from transcarbon.domain import SECTOR_NAMES_ZH, Sector
from transcarbon.methods.forecast import forecast_to_year
from transcarbon.methods.lmdi import EFFECTS, lmdi_decompose
from transcarbon.store.db import transaction
from transcarbon.store.models import (
    AuditEntry,
    CalculationLine,
    CalculationRun,
    Organisation,
    Result,
    Submission,
)

Row = dict[str, Any]
log = logging.getLogger("transcarbon.reports")

SECTOR_NAMES_EN: dict[str, str] = {
    "road_freight": "Road freight", "road_passenger": "Road passenger", "urban_bus": "Urban bus",
    "taxi": "Taxi", "waterway_freight": "Waterway freight", "waterway_passenger": "Waterway passenger",
    "port": "Port", "rail": "Rail", "civil_aviation": "Civil aviation", "other": "Other",
}
FUEL_NAMES: dict[str, tuple[str, str]] = {
    "gasoline": ("汽油", "Gasoline"), "diesel": ("柴油", "Diesel"), "fuel_oil": ("燃料油", "Fuel oil"),
    "kerosene": ("煤油", "Kerosene"), "jet_kerosene": ("航空煤油", "Jet kerosene"), "lpg": ("液化石油气", "LPG"),
    "natural_gas": ("天然气", "Natural gas"), "lng": ("液化天然气", "LNG"), "hfo": ("重油", "HFO"),
    "mdo": ("船用柴油", "MDO"), "electricity": ("电力", "Electricity"),
}
LIGHTS = ("green", "yellow", "red", "grey")


def sector_name(sector: str | None, lang: str) -> str:
    if sector is None:
        return "合计" if lang == "zh" else "Total"
    try:
        return SECTOR_NAMES_ZH[Sector(sector)] if lang == "zh" else SECTOR_NAMES_EN.get(sector, sector)
    except ValueError:
        return sector


def fuel_name(fuel: str | None, lang: str) -> str:
    if fuel is None:
        return "（无燃料）" if lang == "zh" else "(no fuel)"
    zh, en = FUEL_NAMES.get(fuel, (fuel, fuel))
    return zh if lang == "zh" else en


# --------------------------------------------------------------------------- cache


_cache: dict[tuple[object, ...], object] = {}
_cache_lock = threading.Lock()


def data_version(session: Session) -> tuple[object, ...]:
    """A cheap fingerprint that changes whenever computed or approved data change."""
    run = session.scalar(select(func.max(CalculationRun.id)))
    sub = session.execute(select(func.max(Submission.id), func.coalesce(func.sum(Submission.lock_version), 0))).one()
    return (run, sub[0], sub[1])


def cached(session: Session, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
    full = (*key, data_version(session))
    with _cache_lock:
        if full in _cache:
            return _cache[full]
    value = compute()
    with _cache_lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[full] = value
    return value


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


# --------------------------------------------------------------------------- inventory


def latest_runs(session: Session) -> dict[int, int]:
    """Year → id of the newest inventory run of that year."""
    rows = session.execute(
        select(Result.year, func.max(Result.run_id)).join(CalculationRun, CalculationRun.id == Result.run_id)
        .where(CalculationRun.kind == "inventory").group_by(Result.year)).all()
    return {int(y): int(r) for y, r in rows}


def years(session: Session) -> list[int]:
    return sorted(latest_runs(session))


_MEASURES = ("co2_t", "co2e_t", "energy_tce", "converted_tkm", "freight_tkm", "passenger_pkm",
             "intensity_kgco2_per_converted_tkm", "scope1_co2_t", "scope2_co2_t")


def _res(r: Result) -> Row:
    return {"result_id": r.id, "run_id": r.run_id, "year": r.year, "month": r.month, "sector": r.sector,
            "org_id": r.org_id, **{m: getattr(r, m) for m in _MEASURES}, "line_count": r.line_count}


def city_series(session: Session) -> list[Row]:
    """The city totals of each year (newest run), oldest first."""
    runs = latest_runs(session)
    if not runs:
        return []
    q = select(Result).where(Result.run_id.in_(runs.values()), Result.sector.is_(None), Result.month.is_(None),
                             Result.org_id.is_(None))
    out = [_res(r) for r in session.scalars(q) if runs.get(r.year) == r.run_id]
    return sorted(out, key=lambda r: r["year"])


def emissions(session: Session, year: int) -> dict[str, Any]:
    """By sector, month, organisation (each figure with its result id) and fuel (from the run's lines)."""
    run = latest_runs(session).get(year)
    if run is None:
        return {"year": year, "run_id": None, "total": None, "by_sector": [], "by_month": [], "by_org": [],
                "by_fuel": [], "by_sector_month": []}
    rows = [_res(r) for r in session.scalars(select(Result).where(Result.run_id == run, Result.year == year))]
    total = next((r for r in rows if r["sector"] is None and r["month"] is None and r["org_id"] is None), None)
    by_sector = sorted((r for r in rows if r["sector"] and r["month"] is None and r["org_id"] is None),
                       key=lambda r: -r["co2_t"])
    sector_month = [r for r in rows if r["sector"] and r["month"] is not None and r["org_id"] is None]
    month_tot: dict[int, float] = {}
    for r in sector_month:
        month_tot[r["month"]] = month_tot.get(r["month"], 0.0) + r["co2_t"]
    by_month = [{"month": m, "co2_t": v} for m, v in sorted(month_tot.items())]
    org_rows = [r for r in rows if r["org_id"] is not None and r["month"] is None]
    names = {o.id: (o.name_zh, o.name_en, o.kind) for o in session.scalars(select(Organisation))}
    by_org = sorted(({**r, "name_zh": names.get(r["org_id"], (r["org_id"],) * 3)[0],
                      "name_en": names.get(r["org_id"], (r["org_id"],) * 3)[1]} for r in org_rows),
                    key=lambda r: -r["co2_t"])
    fuels = session.execute(
        select(CalculationLine.fuel, func.sum(CalculationLine.co2_t), func.sum(CalculationLine.energy_tce),
               func.count()).where(CalculationLine.run_id == run).group_by(CalculationLine.fuel)).all()
    by_fuel: list[Row] = sorted(({"fuel": f, "co2_t": float(c or 0), "energy_tce": float(e or 0), "lines": int(n)}
                                 for f, c, e, n in fuels), key=lambda r: -float(r["co2_t"]))
    return {"year": year, "run_id": run, "total": total, "by_sector": by_sector, "by_month": by_month,
            "by_org": by_org, "by_fuel": by_fuel,
            "by_sector_month": sorted(sector_month, key=lambda r: (r["sector"], r["month"]))}


def result_exists(session: Session, result_id: int) -> bool:
    return session.get(Result, result_id) is not None


# --------------------------------------------------------------------------- decomposition


def _lmdi_frame(session: Session, runs: dict[int, int], years_: tuple[int, ...]) -> pl.DataFrame:
    rows = session.execute(
        select(CalculationLine.year, CalculationLine.sector, CalculationLine.fuel,
               func.sum(CalculationLine.converted_tkm), func.sum(CalculationLine.energy_gj),
               func.sum(CalculationLine.co2_t))
        .where(CalculationLine.run_id.in_([runs[y] for y in years_]))
        .group_by(CalculationLine.year, CalculationLine.sector, CalculationLine.fuel)).all()
    frame = pl.DataFrame([(int(y), s, f or "none", float(a or 0), float(e or 0), float(c or 0))
                          for y, s, f, a, e, c in rows],
                         schema={"year": pl.Int64, "sector": pl.String, "fuel": pl.String, "activity": pl.Float64,
                                 "energy": pl.Float64, "co2": pl.Float64}, orient="row")
    # activity is the sector's total, repeated on each of its fuel rows
    return frame.with_columns(pl.col("activity").sum().over("year", "sector"))


def _service_decomposition(session: Session, year_from: int, year_to: int,
                           factory: sessionmaker[Session]) -> dict[str, Any]:
    from transcarbon.services.evaluation import decompose

    def compute() -> dict[str, Any]:
        session.rollback()
        with transaction(factory) as writer:
            p = decompose(writer, year_from, year_to, actor="web").payload
        rows = [{"sector": r["sector"], "co2_from": r["co2_from_t"], "co2_to": r["co2_to_t"],
                 "delta_co2": r["delta_co2_t"], **{e: r[e] for e in EFFECTS}} for r in p["by_sector"]]
        tot = p["total"]
        totals = {"co2_from": tot["co2_from_t"], "co2_to": tot["co2_to_t"], "delta_co2": tot["delta_co2_t"],
                  **{e: tot[e] for e in EFFECTS}}
        return {"engine": "service", "run_id": p.get("run_id"), "year_from": year_from, "year_to": year_to,
                "by_sector": rows, "totals": totals,
                "excluded": [o["sector"] for o in p.get("outside", {}).get("sectors", [])]}

    return cast(dict[str, Any], cached(session, ("decomposition", year_from, year_to), compute))


def decomposition(session: Session, year_from: int, year_to: int, *,
                  factory: sessionmaker[Session] | None = None) -> dict[str, Any]:
    """LMDI-I effects on transport CO2 [t] between two years, by sector and in total.

    Uses ``services.decomposition`` (a stored run, reused) when installed and ``factory`` is given;
    otherwise decomposes the inventory runs' lines here. Sectors without converted turnover (ports,
    "other") are left out and listed in ``excluded``.
    """
    if _service("transcarbon.services.evaluation", ("decompose",)) is not None and factory is not None:
        try:
            return _service_decomposition(session, year_from, year_to, factory)
        except Exception:
            log.exception("decomposition service failed; using the stand-in")
            session.rollback()
    runs = latest_runs(session)
    if year_from not in runs or year_to not in runs or year_from == year_to:
        return {"engine": "fallback", "year_from": year_from, "year_to": year_to, "by_sector": [], "totals": {},
                "excluded": []}
    frame = _lmdi_frame(session, runs, (year_from, year_to))
    act = frame.group_by("sector", "year").agg(pl.col("activity").first()).group_by("sector").agg(
        pl.col("activity").min().alias("lo"), pl.len().alias("n"))
    ok = act.filter((pl.col("lo") > 0) & (pl.col("n") == 2))["sector"].to_list()
    excluded = sorted(set(frame["sector"].to_list()) - set(ok))
    by_sector = lmdi_decompose(frame.filter(pl.col("sector").is_in(ok)), year_from, year_to)
    totals = {c: float(by_sector[c].sum()) for c in ("co2_from", "co2_to", "delta_co2", *EFFECTS)}
    return {"engine": "fallback", "year_from": year_from, "year_to": year_to, "by_sector": by_sector.to_dicts(),
            "totals": totals, "excluded": excluded}


# --------------------------------------------------------------------------- evaluation


def _service(module: str, names: tuple[str, ...]) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except Exception:
        return None
    for n in names:
        fn = getattr(mod, n, None)
        if callable(fn):
            return cast(Callable[..., Any], fn)
    return None


def _as_dict(obj: object) -> Row:
    if isinstance(obj, dict):
        return dict(obj)
    as_dict = getattr(obj, "as_dict", None)
    return dict(as_dict()) if callable(as_dict) else dict(vars(obj))


def _fallback_indicator(city: CityConfig, ind: Indicator, series: dict[int, dict[int, float]], year: int) -> Row:
    targets = {y: ind.target_value(y) for y in city.target_years}
    row: Row = {"id": ind.id, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit, "kind": ind.kind,
                "value": None, **{f"target_{y}": v for y, v in targets.items()}, "status": "no_data",
                "sdg_status": "no_data", "light": "grey",
                "completion_to_date": None, "forecast": None, "departments": list(ind.departments),
                "history": [], "reason_zh": None, "reason_en": None}
    comp = ind.computation
    if comp.source != "inventory" or ind.kind != "reduction" or not comp.measure:
        reason = comp.no_data_reason
        row["reason_zh"] = reason.zh if reason else "评估服务尚未提供此指标（仅显示清单类指标）"
        row["reason_en"] = reason.en if reason else "the evaluation service does not provide this indicator yet " \
                                                    "(only inventory-based indicators are shown)"
        return row
    by_year = series.get(id(ind), {})
    base_year = city.base_year_of(ind)
    base = by_year.get(base_year)
    if base is None or base <= 0:
        row["reason_zh"], row["reason_en"] = "缺少基准年数据", "no data for the base year"
        return row
    hist = [(y, (base - v) / base * 100.0) for y, v in sorted(by_year.items()) if y <= year]
    row["history"] = [{"year": y, "value": v} for y, v in hist]
    value = dict(hist).get(year)
    if value is None:
        row["reason_zh"], row["reason_en"] = "本年无数据", "no data for this year"
        return row
    row["value"] = value
    target_year = next((y for y in city.target_years if targets[y] is not None and y >= year), None)
    if target_year is not None:
        tv = float(cast(float, targets[target_year]))
        path = tv * (year - base_year) / (target_year - base_year)
        completion = value / path if path > 0 else (1.0 if value >= 0 else 0.0)
        shortfall = city.progress.red_yellow.red_shortfall
        row["completion_to_date"] = completion
        row["light"] = "green" if completion >= 1 else ("yellow" if completion >= 1 - shortfall else "red")
        row["status"] = ("achieved" if value >= tv else "on_track") if completion >= 1 else (
            "needs_acceleration" if completion >= 1 - shortfall else "limited_progress")
        row["sdg_status"] = row["status"]
        fc = forecast_to_year([h[0] for h in hist], [h[1] for h in hist], target_year,
                              level=city.progress.forecast.interval_level, target_value=tv, direction="increase")
        row["forecast"] = {k: (None if isinstance(v, float) and math.isnan(v) else v)
                           for k, v in fc.as_dict().items() if k in ("year", "value", "low", "high", "p_meet")}
    return row


def _inventory_measures(session: Session, city: CityConfig) -> dict[int, dict[int, float]]:
    """id(indicator) → year → intensity [kg CO2 per t·km] over the indicator's sectors (newest runs)."""
    runs = latest_runs(session)
    rows = session.execute(
        select(Result.year, Result.sector, Result.co2_t, Result.freight_tkm, Result.converted_tkm)
        .where(Result.run_id.in_(runs.values()), Result.sector.is_not(None), Result.month.is_(None),
               Result.org_id.is_(None))).all()
    out: dict[int, dict[int, float]] = {}
    for ind in city.indicators:
        if ind.computation.source != "inventory":
            continue
        sectors = {str(s) for s in ind.computation.sectors}
        per: dict[int, list[float]] = {}
        for y, s, co2, ftkm, ctkm in rows:
            if s in sectors:
                denom = ctkm if ind.computation.measure == "intensity_kgco2_per_converted_tkm" else ftkm
                acc = per.setdefault(int(y), [0.0, 0.0])
                acc[0] += float(co2 or 0)
                acc[1] += float(denom or 0)
        out[id(ind)] = {y: c * 1000 / d for y, (c, d) in per.items() if d > 0}
    return out


def _fallback_warnings(city: CityConfig, indicators: list[Row]) -> list[Row]:
    out = []
    for r in indicators:
        if r["light"] in ("red", "yellow"):
            sev = "high" if r["light"] == "red" else "medium"
            names = "、".join(city.department(d).name_zh for d in r["departments"])
            names_en = ", ".join(city.department(d).name_en for d in r["departments"])
            out.append({"id": f"off_track:{r['id']}", "kind": "off_track", "severity": sev, "indicator": r["id"],
                        "departments": r["departments"],
                        "message_zh": f"{r['name_zh']}进度滞后（完成度 {100 * (r['completion_to_date'] or 0):.0f}%），"
                                      f"责任单位：{names}",
                        "message_en": f"{r['name_en']} is behind its path ({100 * (r['completion_to_date'] or 0):.0f}% "
                                      f"of the required progress); responsible: {names_en}",
                        "first_seen": None, "resolved": None})
    return out


def _service_evaluation(session: Session, city: CityConfig, year: int,
                        factory: sessionmaker[Session] | None) -> dict[str, Any]:
    """Evaluate (or reuse) the year with ``services.indicators`` and read the stored payload and history."""
    from transcarbon.services.evaluation import evaluate, evaluation_payload, stored_values

    if factory is not None:  # a page: end its read transaction, evaluate in a transaction of its own
        session.rollback()
        with transaction(factory) as writer:
            run_id = evaluate(writer, year, actor="web", city=city).run_id
    else:  # the caller's transaction (CLI)
        run_id = evaluate(session, year, actor="report", city=city).run_id
    payload = evaluation_payload(session, run_id, city)
    history: dict[str, list[Row]] = {}
    for v in stored_values(session, run_id):
        if v.year <= year:
            history.setdefault(v.indicator_id, []).append(
                {"year": v.year, "value": v.value, "light": v.light, "status": v.status})
    for row in payload["indicators"]:
        row["history"] = sorted(history.get(row["id"], []), key=lambda h: h["year"])
        details = row.get("details") or {}
        if row.get("value") is None and isinstance(details, dict):
            reason = details.get("reason") or {}
            if isinstance(reason, dict):
                row.setdefault("reason_zh", reason.get("zh"))
                row.setdefault("reason_en", reason.get("en"))
    return {"engine": "service", "warnings": [], **payload}


def evaluation(session: Session, city: CityConfig, year: int, *,
               factory: sessionmaker[Session] | None = None) -> dict[str, Any]:
    """``{"year", "engine", "indicators": [...], "warnings": [...]}`` in the contract of ``evaluate --json``.

    With ``services.indicators`` installed the year is evaluated (a stored run, reused while the data do not
    change) and every indicator row carries its ``history``; ``factory`` (pages) evaluates in a transaction
    of its own. Without it, or if it fails, the stand-in of this module answers (``engine: fallback``).
    """

    def compute() -> dict[str, Any]:
        if _service("transcarbon.services.evaluation", ("evaluate",)) is not None:
            try:
                return _service_evaluation(session, city, year, factory)
            except Exception:
                log.exception("indicator evaluation failed for %s; showing the inventory-only stand-in", year)
                session.rollback()
        series = _inventory_measures(session, city)
        indicators = [_fallback_indicator(city, ind, series, year) for ind in city.indicators]
        return {"year": year, "engine": "fallback", "indicators": indicators,
                "warnings": _fallback_warnings(city, indicators)}

    return cast(dict[str, Any], cached(session, ("evaluation", city.city.id, year), compute))


def indicator_history(session: Session, city: CityConfig, indicator_id: str, year: int, *,
                      factory: sessionmaker[Session] | None = None) -> list[Row]:
    """The indicator's evaluated row of every inventory year up to ``year`` (value, light, status)."""
    out = []
    for y in years(session):
        if y > year:
            continue
        row = next((r for r in evaluation(session, city, y, factory=factory)["indicators"]
                    if r["id"] == indicator_id), None)
        if row is not None:
            out.append({"year": y, "value": row.get("value"), "light": row.get("light"),
                        "status": row.get("status")})
    return out


def warnings(session: Session, city: CityConfig, year: int, *,
             factory: sessionmaker[Session] | None = None) -> list[Row]:
    """Open warnings of ``year`` (those the evaluation stored, or the stand-in's)."""
    return list(evaluation(session, city, year, factory=factory).get("warnings", []))


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def scorecards(session: Session, city: CityConfig, year: int, *,
               factory: sessionmaker[Session] | None = None) -> list[Row]:
    """One row per department: its indicators' lights, score and grade.

    Score and grade are those ``services.scorecards`` stored with the evaluation run; without it, a
    stand-in: the share of the department's evaluated indicators that are green (full marks), yellow
    (half) or red (none), times 100, graded with the city's grades (no veto applied).
    """
    ev = evaluation(session, city, year, factory=factory)
    stored: dict[str, Row] = {}
    if ev.get("engine") == "service" and ev.get("run_id") is not None:
        try:
            from transcarbon.services.evaluation import stored_scorecards

            stored = {c["department_id"]: c for c in stored_scorecards(session, int(ev["run_id"]), city)}
        except Exception:
            log.exception("reading the stored scorecards failed")
    by_id = {r["id"]: r for r in ev["indicators"]}
    rows = []
    for d in city.departments:
        inds = [by_id[i.id] for i in city.indicators_of(d.id) if i.id in by_id]
        counts = {lt: sum(1 for r in inds if r["light"] == lt) for lt in LIGHTS}
        rated = counts["green"] + counts["yellow"] + counts["red"]
        card = stored.get(d.id)
        if card is not None:
            score, vetoed = card.get("score"), bool(card.get("vetoed"))
            grade_zh, grade_en = card.get("grade_zh"), card.get("grade_en")
        else:
            score = 100.0 * (counts["green"] + 0.5 * counts["yellow"]) / rated if rated else None
            grade = city.scoring.grade(score) if score is not None else None
            grade_zh, grade_en, vetoed = (grade.name_zh if grade else None), (grade.name_en if grade else None), False
        rows.append({"department": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "indicators": len(inds),
                     **counts, "score": score, "grade_zh": grade_zh, "grade_en": grade_en, "vetoed": vetoed,
                     "annual_completion": (card or {}).get("annual_completion"),
                     "cumulative_completion": (card or {}).get("cumulative_completion"),
                     "engine": "service" if card is not None else "fallback",
                     "lead_of": [i.id for i in city.indicators_of(d.id, lead_only=True)]})
    return sorted(rows, key=lambda r: (r["score"] is None, -(r["score"] or 0)))


# --------------------------------------------------------------------------- audit


def audit_entries(session: Session, *, action: str | None = None, limit: int = 100,
                  offset: int = 0) -> tuple[int, list[Row]]:
    conds = [AuditEntry.action == action] if action else []
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conds)) or 0
    rows = session.scalars(select(AuditEntry).where(*conds).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return total, [{"id": e.id, "ts": e.ts, "actor": e.actor, "action": e.action, "object_type": e.object_type,
                    "object_id": e.object_id, "details": e.details, "hash": e.hash} for e in rows]


def audit_actions(session: Session) -> list[str]:
    return sorted(a for (a,) in session.execute(select(AuditEntry.action).distinct()))
