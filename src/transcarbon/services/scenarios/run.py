"""Run a scenario: the central run, Monte Carlo over the uncertain inputs, Sobol indices when asked, and the answer
to the plan's questions (each target's value and P(meet), the oil peak year) as one JSON-ready payload — the
``scenario run --json`` contract and what the page and the report show.

The payload (:func:`payload`)::

    {"years": [...],
     "fleet": {"<class id>": {"stock": {"<year>": n}, "nev_stock_share": {"<year>": fraction},
                              "sales": {...}, "nev_sales_share": {...}, "stock_by_powertrain": {"<p>": {...}}}},
     "scenario": {...}, "energy_gj": {"<carrier>": {...}}, "oil_land_tce": {...},
     "co2_t": {"direct": {...}, "electricity": {...}, "total": {...}, "by_sector": {...}},
     "pollutants_t": {...}, "indicators": {"<id>": {...}}, "oil_peak": {...}, "targets": [...],
     "uncertainty": {...} (draws > 1), "sensitivity": {...} (when asked)}

Central values are those of the deterministic run (every uncertain input at its central value); with draws,
``uncertainty.percentiles`` holds p10/p50/p90 of the main series and ``targets[].p_meet`` the share of draws meeting
each target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from transcarbon.city.config import CityConfig
from transcarbon.methods.scenarios import carbon, indicators, sensitivity, uncertainty
from transcarbon.methods.scenarios.engine import CityOutputs, run_city
from transcarbon.services.scenarios.build import POLLUTANTS, build_inputs, uncertain
from transcarbon.services.scenarios.spec import NEV, POWERTRAINS, ScenarioSpec

Array = NDArray[np.float64]

TARGETS: tuple[tuple[str, str], ...] = (
    ("new_energy_vehicle_share_new", "increase"),
    ("converted_turnover_co2_intensity", "increase"),
    ("land_transport_oil_peak", "milestone"),
    ("direct_emission_growth_slowing", "milestone"),
    ("nev_sales_share", "increase"),
    ("new_energy_bus_share", "increase"),
    ("truck_co2_intensity", "increase"),
    ("ship_co2_intensity", "increase"),
    ("rail_water_bulk_share", "increase"),
    ("public_transport_mode_share", "increase"),
    ("shore_power_use_multiple", "increase"),
    ("apu_substitute_use_rate", "increase"),
)
"""The plan's indicators a scenario determines, and how each is met (reduction values are falls: higher is better)."""
INDICATOR_SERIES = {"public_transport_mode_share": "public_transport_share"}
"""Plan indicator → the scenario's series where the names differ (the scenario's is a share of passenger-km)."""
SUMMARY_SERIES = ("oil_land_tce", "co2_total_t", "co2_direct_t", "converted_turnover_co2_intensity")


@dataclass
class ScenarioRun:
    """A scenario's runs: the central one, and the draws when asked."""

    spec: ScenarioSpec
    central: CityOutputs
    draws: CityOutputs | None
    sobol: dict[str, list[sensitivity.SobolIndex]] = field(default_factory=dict)
    uncertain_inputs: list[str] = field(default_factory=list)


def run(spec: ScenarioSpec, co2: Array, draws: int | None = None, chunk: int = 1000) -> ScenarioRun:
    """The central run, ``draws`` Monte Carlo draws (default the scenario's own ``draws``) and Sobol indices."""
    names, dists, corr = uncertain(spec)
    center = np.array([[d.central for d in dists]]) if dists else np.zeros((1, 0))
    central = run_city(build_inputs(spec, names, center, co2))
    n = spec.draws if draws is None else draws
    mc = None
    if n > 1:
        theta = uncertainty.sample(dists, n, np.random.default_rng(spec.seed), corr)
        mc = uncertainty.run_draws(lambda th: build_inputs(spec, names, th, co2), theta, chunk)
    sobol: dict[str, list[sensitivity.SobolIndex]] = {}
    if spec.uncertainty.sensitivity is not None and names:
        year = min(2030, spec.end_year)
        iy = year - spec.base_year

        def model(theta: Array) -> dict[str, Array]:
            out = uncertainty.run_draws(lambda th: build_inputs(spec, names, th, co2), theta, chunk)
            return {
                f"co2_total_t_{year}": (out.co2_direct_t + out.co2_electricity_t).sum(axis=1)[:, iy],
                f"oil_land_tce_{year}": out.oil_land_tce[:, iy],
                f"converted_turnover_co2_intensity_{year}": out.indicators["converted_turnover_co2_intensity"][:, iy],
            }

        sobol = sensitivity.sobol(names, dists, model, spec.uncertainty.sensitivity.samples, seed=spec.seed)
    return ScenarioRun(spec, central, mc, sobol, names)


# --------------------------------------------------------------------------- series and payload


def _by_year(years: NDArray[np.int64], values: Array, digits: int = 6) -> dict[str, float | None]:
    return {
        str(int(y)): (None if not np.isfinite(v) else round(float(v), digits))
        for y, v in zip(years, values, strict=True)
    }


def series(out: CityOutputs) -> dict[str, Array]:
    """The main per-draw series ``(d, y)``: oil, CO2 (direct, electricity, total), every indicator."""
    co2_d = out.co2_direct_t.sum(axis=1)
    co2_e = out.co2_electricity_t.sum(axis=1)
    return {
        "oil_land_tce": out.oil_land_tce,
        "co2_direct_t": co2_d,
        "co2_electricity_t": co2_e,
        "co2_total_t": co2_d + co2_e,
        **out.indicators,
    }


def nev_stock_share(out: CityOutputs) -> Array:
    """New-energy share of each class's stock ``(d, c, y)`` [fraction]."""
    nev = np.array([p in NEV for p in POWERTRAINS])
    stock = out.stock.astype(np.float64)
    total = stock.sum(axis=2)
    return np.asarray(np.divide(stock[:, :, nev].sum(axis=2), total, out=np.zeros_like(total), where=total > 0))


def _target_value(name: str, values: dict[str, Array], iy: int, out: CityOutputs, year: int) -> Array | None:
    """The per-draw value of a plan indicator in the year at index ``iy`` (milestones: 1 met, 0 not)."""
    if name == "land_transport_oil_peak":
        if not np.any(out.oil_land_tce > 0):
            return None
        return np.asarray((out.peak_year != indicators.NO_PEAK) & (out.peak_year <= year), dtype=np.float64)
    if name == "direct_emission_growth_slowing":
        g = values["direct_co2_growth_pct"]
        earlier = iy - 5
        if earlier < 0 or not np.isfinite(g[:, earlier]).all():
            return None
        return np.asarray(g[:, iy] < g[:, earlier], dtype=np.float64)
    key = INDICATOR_SERIES.get(name, name)
    return values[key][:, iy] if key in values else None


def targets(run_: ScenarioRun, city: CityConfig | None) -> list[dict[str, Any]]:
    """Every target of the plan that the scenario determines: its year, value, central value, P(meet)."""
    if city is None:
        return []
    known = {i.id for i in city.indicators}
    central = run_.central
    vals_c = series(central)
    draws = run_.draws
    vals_d = series(draws) if draws is not None else None
    rows: list[dict[str, Any]] = []
    for name, how in TARGETS:
        if name not in known:
            continue
        ind = city.indicator(name)
        for year in city.target_years:
            goal = ind.target_value(year)
            if goal is None or not central.years[0] <= year <= central.years[-1]:
                continue
            iy = int(year - central.years[0])
            v = _target_value(name, vals_c, iy, central, year)
            if v is None:
                continue
            direction = "increase"
            threshold = float(goal) if how != "milestone" else 1.0
            p = None
            if draws is not None and vals_d is not None:
                vd = _target_value(name, vals_d, iy, draws, year)
                p = indicators.p_meet(vd, threshold - 1e-9, direction) if vd is not None else None
            value = float(v[0])
            if not np.isfinite(value):
                continue
            target = ind.targets.get(year)
            rows.append(
                {
                    "indicator": name,
                    "name_zh": ind.name_zh,
                    "name_en": ind.name_en,
                    "kind": ind.kind,
                    "unit": ind.unit,
                    "year": year,
                    "target": float(goal),
                    "approximate": bool(target is not None and target.approximate),
                    "value": round(value, 6),
                    "met": bool(value >= threshold - 1e-9),
                    "p_meet": p,
                }
            )
    return rows


def payload(run_: ScenarioRun, city: CityConfig | None = None) -> dict[str, Any]:
    """The JSON answer of a run (module docstring)."""
    c = run_.central
    years = c.years
    share = nev_stock_share(c)[0]
    fleet: dict[str, Any] = {}
    stock = c.stock[0].astype(np.float64)
    additions = c.additions[0].astype(np.float64)
    nev = np.array([p in NEV for p in POWERTRAINS])
    for ci, cid in enumerate(c.classes):
        total_add = additions[ci].sum(axis=0)
        fleet[cid] = {
            "stock": _by_year(years, stock[ci].sum(axis=0), 1),
            "nev_stock_share": _by_year(years, share[ci]),
            "sales": _by_year(years, total_add, 1),
            "nev_sales_share": _by_year(
                years,
                np.divide(additions[ci][nev].sum(axis=0), total_add, out=np.zeros_like(total_add), where=total_add > 0),
            ),
            "stock_by_powertrain": {
                p: _by_year(years, stock[ci, pi], 1) for pi, p in enumerate(POWERTRAINS) if stock[ci, pi].any()
            },
        }
    vals = series(c)
    energy = c.energy_gj[0].astype(np.float64)  # (s, k, y)
    peak = int(c.peak_year[0])
    spec = run_.spec
    out: dict[str, Any] = {
        "scenario": {
            "id": spec.id,
            "name": spec.name.model_dump() if spec.name else None,
            "kind": spec.kind,
            "base_year": spec.base_year,
            "end_year": spec.end_year,
            "observed_until": spec.last_observed,
            "levers": spec.levers,
            "classes": {
                c.id: (c.name.model_dump() if c.name else {"zh": c.id, "en": c.id}) for c in spec.fleet.classes
            },
            "modes": {m.id: (m.name.model_dump() if m.name else {"zh": m.id, "en": m.id}) for m in spec.modes},
        },
        "years": [int(y) for y in years],
        "fleet": fleet,
        "energy_gj": {
            k: _by_year(years, energy[:, ki].sum(axis=0), 1)
            for ki, k in enumerate(carbon.CARRIERS)
            if energy[:, ki].any()
        },
        "oil_land_tce": _by_year(years, vals["oil_land_tce"][0], 1),
        "co2_t": {
            "direct": _by_year(years, vals["co2_direct_t"][0], 1),
            "electricity": _by_year(years, vals["co2_electricity_t"][0], 1),
            "total": _by_year(years, vals["co2_total_t"][0], 1),
            "by_sector": {
                s: _by_year(years, c.co2_direct_t[0, si] + c.co2_electricity_t[0, si], 1)
                for si, s in enumerate(c.sectors)
            },
        },
        "pollutants_t": {q: _by_year(years, c.pollutants_t[0, qi], 3) for qi, q in enumerate(POLLUTANTS)},
        "indicators": {k: _by_year(years, v[0], 4) for k, v in c.indicators.items()},
        "oil_peak": {
            "year": None if peak == indicators.NO_PEAK else peak,
            "by": int(years[-1]),
            "modelled": bool(np.any(c.oil_land_tce > 0)),
        },
        "targets": targets(run_, city),
    }
    if run_.draws is not None:
        d = run_.draws
        dv = series(d)
        shares_d = nev_stock_share(d)
        out["uncertainty"] = {
            "draws": d.draws,
            "inputs": run_.uncertain_inputs,
            "percentiles": {
                name: {
                    f"p{int(q)}": _by_year(years, row, 4)
                    for q, row in zip(uncertainty.PERCENTILES, uncertainty.percentiles(dv[name]), strict=True)
                }
                for name in (*SUMMARY_SERIES, *(k for k in d.indicators if k not in SUMMARY_SERIES))
            },
            "nev_stock_share": {
                cid: {
                    f"p{int(q)}": _by_year(years, row)
                    for q, row in zip(uncertainty.PERCENTILES, uncertainty.percentiles(shares_d[:, ci]), strict=True)
                }
                for ci, cid in enumerate(d.classes)
            },
            "oil_peak_year": {
                ("none" if y == indicators.NO_PEAK else str(y)): round(p, 6)
                for y, p in uncertainty.year_distribution(d.peak_year).items()
            },
        }
    if run_.sobol:
        out["sensitivity"] = {
            name: [
                {
                    "input": r.input,
                    "s1": round(r.s1, 4),
                    "s1_conf": round(r.s1_conf, 4),
                    "st": round(r.st, 4),
                    "st_conf": round(r.st_conf, 4),
                }
                for r in rows
            ]
            for name, rows in run_.sobol.items()
        }
    return out
