"""What the stage report shows, gathered once as plain data (:func:`build_report`): inventory totals with their
range and grade, the indicator evaluation (values with ranges, grades and the rule that made each light), the
headline intensity in its named scope with the others beside it, warnings, department scores and emissions by
sector, from :mod:`transcarbon.services.figures` and the evaluation service (which evaluates the year or reuses
its run); the XLSX holds the same."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from transcarbon import __version__
from transcarbon.city.config import CityConfig
from transcarbon.i18n import sector_name, t
from transcarbon.i18n.numbers import format_time
from transcarbon.services import figures
from transcarbon.services.evaluation import (
    LIGHTS,
    DecompositionError,
    decomposition_between,
    department_scorecards,
    year_evaluation,
)
from transcarbon.services.scenarios.saved import latest

PATH_INDICATOR = "converted_turnover_co2_intensity"
"""The headline indicator whose path to its targets the report draws."""
OFF_TRACK_LIGHTS = ("red", "yellow")
"""An indicator is off track when its light is one of these: it gets a page of its own."""
EFFECTS = ("activity", "structure", "intensity", "fuel_mix", "emission_factor")
"""The LMDI effects, in the order the summary names them."""


def build_report(
    session: Session, city: CityConfig, year: int, *, actor: str, factory: sessionmaker[Session] | None = None
) -> dict[str, Any]:
    """Everything the report shows, as plain data (also what the XLSX holds).

    The year is evaluated (or its run reused) as ``actor``: in the caller's transaction, or with ``factory``
    in a transaction of its own (a page, whose session only reads).
    """
    series = figures.city_series(session)
    ev = year_evaluation(session, city, year, actor=actor, factory=factory)
    total = next((s for s in series if s["year"] == year), None)
    base = series[0] if series else None
    inds = []
    for n, r in enumerate(ev["indicators"], start=1):
        ind = city.indicator(r["id"])
        inds.append(
            {
                "no": n,
                "id": r["id"],
                "section": ind.section,
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "value": r.get("value"),
                "unit": r.get("unit") or ind.unit,
                "targets": [ind.target_value(y) for y in city.target_years],
                "completion_to_date": r.get("completion_to_date"),
                "status": r.get("status"),
                "light": r.get("light") or "grey",
                "light_rule": ((r.get("details") or {}).get("light_rule") or {}).get("rule"),
                "value_low": r.get("value_low"),
                "value_high": r.get("value_high"),
                "quality_grade": r.get("quality_grade"),
                "straddles_target": bool(((r.get("details") or {}).get("uncertainty") or {}).get("straddles_target")),
                "p_meet": (r.get("forecast") or {}).get("p_meet"),
                "p_meet_indicative": bool((r.get("forecast") or {}).get("indicative")),
                "departments": [
                    city.department(d).name_zh
                    for d in r.get("departments") or []
                    if d in {x.id for x in city.departments}
                ],
            }
        )
    warns = ev["warnings"]  # most severe first
    by_id = {r["id"]: r for r in ev["indicators"]}
    for row in inds:
        ind = city.indicator(row["id"])
        full = by_id[row["id"]]
        row.update(
            kind=ind.kind,
            section_title=ind.section_title_zh,
            plan_text=ind.plan_text_zh,
            why=((full.get("details") or {}).get("light_rule") or {}),
            history=[(h["year"], h.get("value")) for h in full.get("history") or [] if h["year"] <= year],
            warnings=[w.get("message_zh") for w in warns if w.get("indicator") == row["id"]],
        )
    em = figures.emissions(session, year)
    path_ind = city.indicator(PATH_INDICATOR)
    path_row = next(r for r in ev["indicators"] if r["id"] == path_ind.id)
    path_hist = path_row["history"]
    details = path_row.get("details") or {}
    return {
        "scenario": scenario_section(session),
        "year": year,
        "city_zh": city.city.name_zh,
        "city_en": city.city.name_en,
        "evaluation_run": ev["run_id"],
        "generated_at": f"{format_time(datetime.now(UTC))} {t('report.city_time', 'zh')}",
        "code_version": __version__,
        "total": total,
        "base": base,
        "series": series,
        "target_years": list(city.target_years),
        "indicators": inds,
        "lights": {lt: sum(1 for r in inds if r["light"] == lt) for lt in LIGHTS},
        "warnings": [
            {
                "severity": w.get("severity"),
                "indicator": w.get("indicator"),
                "kind": w.get("kind"),
                "message_zh": w.get("message_zh"),
                "message_en": w.get("message_en"),
                "departments": [
                    city.department(d).name_zh
                    for d in w.get("departments") or []
                    if d in {x.id for x in city.departments}
                ],
            }
            for w in warns
        ],
        "off_track": [r for r in inds if r["light"] in OFF_TRACK_LIGHTS],
        "milestones": [r for r in inds if r["kind"] == "milestone"],
        "lmdi": lmdi_section(session, series[0]["year"] if series else None, year, actor=actor, factory=factory),
        "factor_sets": figures_factor_sets(session, em["run_id"]),
        "scorecards": department_scorecards(session, city, year, actor=actor, factory=factory),
        "by_sector": [
            {
                "sector": r["sector"],
                "name_zh": sector_name(r["sector"], "zh"),
                "co2_t": r["co2_t"],
                "energy_tce": r["energy_tce"],
                "converted_tkm": r["converted_tkm"],
                "intensity": r["intensity_kgco2_per_converted_tkm"],
                "result_id": r["result_id"],
            }
            for r in em["by_sector"]
        ],
        "run_id": em["run_id"],
        "headline": {
            "measure": path_row.get("measure"),
            "value": path_row.get("value"),
            "value_low": path_row.get("value_low"),
            "value_high": path_row.get("value_high"),
            "scopes": details.get("scopes") or [],
            "base_grid": details.get("base_grid") or [],
            "base_year": city.base_year_of(path_ind),
        },
        "history": {path_ind.id: [(h["year"], h.get("value")) for h in path_hist if h["year"] <= year]},
        "path_targets": [
            (city.base_year_of(path_ind), 0.0),  # a reduction: 0 % in its base year
            *[(y, v) for y in city.target_years if (v := path_ind.target_value(y)) is not None],
        ],
    }


def lmdi_section(
    session: Session, year_from: int | None, year_to: int, *, actor: str, factory: sessionmaker[Session] | None
) -> dict[str, Any] | None:
    """Why the CO2 changed since the first year: the LMDI-I effects (t CO2) of the decomposed sectors, largest
    first; None when there is no earlier year to compare with."""
    if year_from is None or year_from >= year_to:
        return None
    try:
        p = decomposition_between(session, year_from, year_to, actor=actor, factory=factory)
    except DecompositionError:
        return None
    total = p["total"]
    return {
        "year_from": year_from,
        "year_to": year_to,
        "delta_t": p["city_delta_co2_t"],
        "effects": sorted(((e, float(total[e])) for e in EFFECTS), key=lambda kv: -abs(kv[1])),
        "run_id": p["run_id"],
    }


def figures_factor_sets(session: Session, run_id: int | None) -> list[dict[str, str]]:
    """The factor sets the inventory run used (kind, name, version, SHA-256), for the methods annex."""
    return figures.run_factor_sets(session, run_id) if run_id is not None else []


def scenario_section(session: Session) -> dict[str, Any] | None:
    """The newest saved run of the city's policy scenario as the report shows it: the oil peak year (and its
    distribution over draws) and each target it determines with its value and P(meet); None before any run."""
    run = latest(session, "policy")
    if run is None:
        return None
    p = run["payload"]
    unc = p.get("uncertainty") or {}
    return {
        "run_id": run["run_id"],
        "name_zh": run["name_zh"],
        "draws": run["draws"],
        "peak_year": p["oil_peak"]["year"],
        "by": p["oil_peak"]["by"],
        "peak_distribution": unc.get("oil_peak_year", {}),
        "targets": [
            {k: t[k] for k in ("indicator", "name_zh", "year", "target", "value", "unit", "kind", "met", "p_meet")}
            for t in p["targets"]
        ],
        "within_tolerance": (run.get("calibration") or {}).get("within_tolerance"),
    }
