"""Calibration of a scenario on the platform's data (``calibration: {source: platform}``), in two steps that tests can
take apart: :func:`observations` reads what was observed through the services' read paths, :func:`calibrate_with`
fits and fills the scenario with it.

What is read (each only if the city declares the report type and approved rows exist):

- the vehicle register (report type ``vehicle_registry``: year-end stock and new registrations by class, use,
  service, powertrain and model year) → per scenario class (its ``registry`` filter): the survival curve fitted to the
  stock by model year (:func:`~transcarbon.methods.scenarios.calibration.fit_weibull_survival`, or the step profile),
  the sales of every observed model year (the fit's cohorts; new registrations where held) and the powertrain shares
  of sales by model year;
- road fuel sold in the city (``road_fuel_sales``) → a kilometre index per group of classes (the ``km_group`` of a
  class, by default its default powertrain) and observed year, fitted to that year's fuel by carrier
  (:func:`~transcarbon.methods.scenarios.calibration.fit_scale_factors`), held after the last observed year;
- the inventory (newest run of each year) → for each mode linked to inventory sectors: its activity, energy
  intensity and carrier mix of every observed year; the port's energy;
- port throughput (``port_throughput``) → throughput, bulk tonnes moved to and from the port and their rail + water
  share; shore power (``shore_power``) → the uptake of every observed year.

Then the calibrated scenario runs and its observed years are compared with what was observed: the registered stock
of all classes, road fuel per carrier and inventory CO2 per modelled sector, each relative error against the
scenario's ``calibration.tolerance``; each class's own registered stock is shown as a fit diagnostic.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog, load_report_types
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.fleet import survival_by_age
from transcarbon.methods.scenarios import calibration as cal
from transcarbon.methods.scenarios import carbon
from transcarbon.methods.scenarios.engine import CityOutputs, run_city
from transcarbon.methods.scenarios.road_fleet import run_fleet
from transcarbon.services import figures
from transcarbon.services.report_data import approved_rows
from transcarbon.services.scenarios.build import Axes, build_inputs, carrier_co2
from transcarbon.services.scenarios.spec import POWERTRAINS, FleetClass, ScenarioSpec, SpecError, validate
from transcarbon.store.models import CalculationLine

Array = NDArray[np.float64]
REGISTRY = "vehicle_registry"
FUEL_SALES = "road_fuel_sales"
PORT = "port_throughput"
SHORE = "shore_power"
GJ_PER_KWH = 0.0036


@dataclass(frozen=True)
class Observations:
    """What was observed, as frames (empty where nothing was):

    - ``registry``: ``year, vehicle_class, use, service, powertrain, model_year, stock, new_registrations``;
    - ``fuel``: ``year, carrier, energy_gj`` (road fuel sold);
    - ``inventory``: ``year, sector, carrier, energy_gj, co2_t, freight_tkm, passenger_pkm, throughput_t`` (one row
      per calculation line);
    - ``port``: ``year, cargo_t, bulk_total_t, bulk_rail_water_t``; ``shore``: ``year, kwh``.
    """

    registry: pl.DataFrame
    fuel: pl.DataFrame
    inventory: pl.DataFrame
    port: pl.DataFrame
    shore: pl.DataFrame
    sources: dict[str, list[int]] = field(default_factory=dict)  # report type → submission ids; inventory → run ids


def _declared(catalog: ReportCatalog, report_type: str) -> bool:
    try:
        catalog.get(report_type)
    except KeyError:
        return False
    return True


def _to_gj(amount: float, unit: str, ncv: dict[str, tuple[float, str]], fuel: str) -> float:
    value, ncv_unit = ncv[fuel]
    per = ncv_unit.split("/")[1]
    if unit != per:
        raise ValueError(f"{fuel} sold in {unit}, but its NCV is per {per}")
    return amount * value


def observations(session: Session, city: CityConfig, years: list[int], library: FactorLibrary) -> Observations:
    """Everything :func:`calibrate_with` can use, for ``years``, from approved reports and the newest inventories."""
    catalog = load_report_types(city.reports_path)
    sources: dict[str, list[int]] = {}
    registry = pl.DataFrame(
        schema={
            "year": pl.Int64,
            "vehicle_class": pl.String,
            "use": pl.String,
            "service": pl.String,
            "powertrain": pl.String,
            "model_year": pl.Int64,
            "stock": pl.Float64,
            "new_registrations": pl.Float64,
        }
    )
    if _declared(catalog, REGISTRY):
        rows = approved_rows(session, REGISTRY, years, catalog=catalog)
        if not rows.is_empty():
            sources[REGISTRY] = sorted(set(rows["submission_id"].to_list()))
            registry = rows.select(
                "year",
                "vehicle_class",
                "use",
                pl.col("service").fill_null("other"),
                "powertrain",
                pl.col("model_year").cast(pl.Int64),
                "stock",
                pl.col("new_registrations").fill_null(0.0),
            )
    fuel = pl.DataFrame(schema={"year": pl.Int64, "carrier": pl.String, "energy_gj": pl.Float64})
    ncv_table = library.default("fuel_properties").table
    ncv = {r["fuel"]: (float(r["ncv"]), str(r["ncv_unit"])) for r in ncv_table.iter_rows(named=True)}
    if _declared(catalog, FUEL_SALES):
        rows = approved_rows(session, FUEL_SALES, years, catalog=catalog)
        if not rows.is_empty():
            sources[FUEL_SALES] = sorted(set(rows["submission_id"].to_list()))
            fuel = (
                pl.DataFrame(
                    [
                        (int(r["year"]), r["fuel"], _to_gj(float(r["amount"]), r["unit"], ncv, r["fuel"]))
                        for r in rows.iter_rows(named=True)
                    ],
                    schema=fuel.schema,
                    orient="row",
                )
                .group_by("year", "carrier")
                .agg(pl.col("energy_gj").sum())
            )
    runs = {y: r for y, r in figures.latest_runs(session).items() if y in years}
    inv_rows = []
    if runs:
        sources["inventory_runs"] = sorted(runs.values())
        q = select(
            CalculationLine.run_id,
            CalculationLine.sector,
            CalculationLine.fuel,
            CalculationLine.energy_gj,
            CalculationLine.co2_t,
            CalculationLine.freight_tkm,
            CalculationLine.passenger_pkm,
            CalculationLine.throughput_t,
        ).where(CalculationLine.run_id.in_(list(runs.values())))
        year_of = {r: y for y, r in runs.items()}
        for row in session.execute(q):
            run_id, sector, fuel_, e, co2, tkm, pkm, tput = tuple(row)
            inv_rows.append(
                (year_of[int(str(run_id))], sector, fuel_, e or 0.0, co2 or 0.0, tkm or 0.0, pkm or 0.0, tput or 0.0)
            )
    inventory = pl.DataFrame(
        inv_rows,
        schema={
            "year": pl.Int64,
            "sector": pl.String,
            "carrier": pl.String,
            "energy_gj": pl.Float64,
            "co2_t": pl.Float64,
            "freight_tkm": pl.Float64,
            "passenger_pkm": pl.Float64,
            "throughput_t": pl.Float64,
        },
        orient="row",
    )
    port = pl.DataFrame(
        schema={"year": pl.Int64, "cargo_t": pl.Float64, "bulk_total_t": pl.Float64, "bulk_rail_water_t": pl.Float64}
    )
    if _declared(catalog, PORT):
        rows = approved_rows(session, PORT, years, catalog=catalog)
        if not rows.is_empty():
            sources[PORT] = sorted(set(rows["submission_id"].to_list()))
            port = rows.group_by("year").agg(
                pl.col("cargo_t").sum(), pl.col("bulk_total_t").sum(), pl.col("bulk_rail_water_t").sum()
            )
    shore = pl.DataFrame(schema={"year": pl.Int64, "kwh": pl.Float64})
    if _declared(catalog, SHORE):
        rows = approved_rows(session, SHORE, years, catalog=catalog)
        if not rows.is_empty():
            sources[SHORE] = sorted(set(rows["submission_id"].to_list()))
            shore = rows.group_by("year").agg(pl.col("kwh").sum())
    return Observations(registry, fuel, inventory, port.sort("year"), shore.sort("year"), sources)


# --------------------------------------------------------------------------- fitting


@dataclass
class Calibration:
    """What calibration fitted and how well the calibrated scenario reproduces the observed years."""

    survival: dict[str, dict[str, Any]] = field(default_factory=dict)  # class → fit
    km_factors: list[dict[str, Any]] = field(default_factory=list)
    modes: dict[str, dict[str, Any]] = field(default_factory=dict)
    reproduction: list[dict[str, Any]] = field(default_factory=list)
    tolerance: float = 0.05
    sources: dict[str, list[int]] = field(default_factory=dict)
    km_index_rmse: float | None = None  # the worst year's relative RMSE of the kilometre index fit to fuel sold

    @property
    def within_tolerance(self) -> bool:
        """Every checked series within the tolerance (a class's own stock is a fit diagnostic, not checked)."""
        return all(r["within"] for r in self.reproduction if r["checked"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "survival": self.survival,
            "km_factors": self.km_factors,
            "modes": self.modes,
            "reproduction": self.reproduction,
            "tolerance": self.tolerance,
            "within_tolerance": self.within_tolerance,
            "sources": self.sources,
            "km_index_rmse": self.km_index_rmse,
        }


def _registry_of(obs: Observations, c: FleetClass) -> pl.DataFrame:
    if c.registry is None or obs.registry.is_empty():
        return obs.registry.clear()
    expr = pl.col("vehicle_class").is_in(c.registry.classes)
    if c.registry.uses:
        expr = expr & pl.col("use").is_in(c.registry.uses)
    if c.registry.services:
        expr = expr & pl.col("service").is_in(c.registry.services)
    return obs.registry.filter(expr)


def _class_key(raw: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in raw["fleet"]["classes"] if c["id"] == cid)


def _fit_class(
    raw_c: dict[str, Any], c: FleetClass, rows: pl.DataFrame, spec: ScenarioSpec, fit_survival: bool
) -> dict[str, Any]:
    """Fill one class's survival, sales and shares of observed model years from its register rows."""
    obs_years = sorted(set(rows["year"].to_list()))
    reg_years = np.array(obs_years, dtype=np.int64)
    first_my = min(int(m) for m in rows["model_year"].to_list())
    mys = np.arange(first_my, max(obs_years) + 1)
    grid = rows.group_by("year", "model_year").agg(pl.col("stock").sum())
    stock = np.full((reg_years.size, mys.size), np.nan)
    for y, my, n in grid.iter_rows():
        stock[obs_years.index(y), my - first_my] = n
    stock = np.where(reg_years[:, None] >= mys[None, :], np.nan_to_num(stock), np.nan)
    new = (
        rows.filter(pl.col("model_year") == pl.col("year"))
        .group_by("model_year")
        .agg(pl.col("new_registrations").sum())
    )
    known = np.full(mys.size, np.nan)
    for my, n in new.iter_rows():
        if n > 0:
            known[my - first_my] = n
    report: dict[str, Any] = {"registry_years": obs_years, "model_years": [int(mys[0]), int(mys[-1])]}
    if fit_survival:
        if c.survival.step is not None:
            fit = cal.fit_step_survival(stock, reg_years, mys, known)
            raw_c["survival"] = {"step": {"age": fit.value("scrappage_age")}}
        else:
            x0 = (c.survival.weibull.scale, c.survival.weibull.shape) if c.survival.weibull else (14.0, 4.0)
            fit = cal.fit_weibull_survival(stock, reg_years, mys, known, x0=x0)
            raw_c["survival"] = {
                "weibull": {"scale": round(fit.value("scale"), 4), "shape": round(fit.value("shape"), 4)}
            }
        cohorts = fit.cohorts
        report.update(
            {
                "model": fit.model,
                "parameters": [
                    {"name": p.name, "value": p.value, "low": p.low, "high": p.high} for p in fit.parameters
                ],
                "rmse": fit.rmse,
                "relative_error": fit.relative_error,
                "observations": fit.observations,
                "residuals": {
                    str(int(y)): {
                        str(int(m)): round(float(v), 2)
                        for m, v in zip(mys, fit.residuals[i], strict=True)
                        if np.isfinite(v)
                    }
                    for i, y in enumerate(reg_years)
                },
            }
        )
    else:
        ages = reg_years[0] - mys
        surv = _survival_of(c, int(ages.max()) + 1)
        s_at = surv[np.clip(ages, 0, surv.size - 1)]
        cohorts = np.divide(stock[0], s_at, out=np.full(mys.size, np.nan), where=s_at > 0.02)
        cohorts = np.where(np.isfinite(known), known, cohorts)
    last_obs = spec.last_observed
    sales_hist = {
        int(m): round(float(v), 1) for m, v in zip(mys, cohorts, strict=True) if np.isfinite(v) and m <= last_obs
    }
    future: dict[int, float] = {}
    old_sales = raw_c.get("sales", {})
    if isinstance(old_sales.get("by_year"), dict):
        future = {int(y): float(v) for y, v in old_sales["by_year"].items() if int(y) > last_obs}
    raw_c["sales"] = {"by_year": {**sales_hist, **future}, "growth": float(old_sales.get("growth", 0.0))}
    # powertrain shares of sales by model year: the base year's stock by model year, then new registrations
    by_p = rows.filter(pl.col("year") == obs_years[0]).group_by("model_year", "powertrain").agg(pl.col("stock").sum())
    later = rows.filter((pl.col("model_year") == pl.col("year")) & (pl.col("year") > obs_years[0]))
    by_p = pl.concat(
        [by_p, later.group_by("model_year", "powertrain").agg(pl.col("new_registrations").alias("stock").sum())]
    )
    totals = by_p.group_by("model_year").agg(pl.col("stock").sum().alias("total"))
    sh = by_p.join(totals, on="model_year").filter(pl.col("total") > 0)
    shares_raw: dict[str, dict[int, float]] = {
        p: {int(y): float(v) for y, v in path.items()} for p, path in (raw_c.get("sales_shares") or {}).items()
    }
    if raw_c.get("nev_sales_share") is not None:
        shares_raw["bev"] = {int(y): float(v) for y, v in raw_c.pop("nev_sales_share").items()}
    observed: dict[str, dict[int, float]] = {}
    for my, p, n, total in sh.sort("model_year").iter_rows():
        if p != c.powertrain and my <= last_obs:
            observed.setdefault(p, {})[int(my)] = round(float(n) / float(total), 6)
    observed_mys = sorted(set(sh["model_year"].to_list()))
    for p in sorted(set(observed) | set(shares_raw)):
        hist = {my: observed.get(p, {}).get(my, 0.0) for my in observed_mys if my <= last_obs}
        fut = {y: v for y, v in shares_raw.get(p, {}).items() if y > last_obs}
        if not fut and hist:
            fut = {}
        shares_raw[p] = {**hist, **fut}
    raw_c["sales_shares"] = {p: v for p, v in shares_raw.items() if v}
    unknown = sorted(set(observed) - set(POWERTRAINS))
    if unknown:
        raise SpecError(
            "calibration", [(f"fleet.classes[{c.id}]", "scn.spec.unknown", {"value": unknown, "known": ""})]
        )
    return report


def _survival_of(c: FleetClass, n: int) -> Array:
    nan = float("nan")
    if c.survival.step is not None:
        return survival_by_age(n, nan, nan, c.survival.step.age)
    w = c.survival.weibull
    return survival_by_age(n, w.scale if w else nan, w.shape if w else nan, nan)


def _mode_observed(
    raw_m: dict[str, Any], sectors: list[str], activity: str, inv: pl.DataFrame, last: int
) -> dict[str, Any]:
    """Fill a mode's activity, intensity and mix of observed years from the inventory of its sectors."""
    rows = inv.filter(pl.col("sector").is_in(sectors) & (pl.col("year") <= last))
    if rows.is_empty():
        return {}
    act = rows.group_by("year").agg(pl.col(activity).sum()).sort("year")
    energy = rows.group_by("year").agg(pl.col("energy_gj").sum()).sort("year")
    years = act["year"].to_list()
    a = dict(zip(years, act[activity].to_list(), strict=True))
    e = dict(zip(energy["year"].to_list(), energy["energy_gj"].to_list(), strict=True))
    if any(a[y] <= 0 for y in years):
        return {}
    intensity = {y: e[y] / a[y] for y in years}
    base = years[0]
    raw_m["activity"] = {"by_year": {y: round(a[y], 1) for y in years}, "growth": raw_m["activity"].get("growth", 0.0)}
    raw_m["intensity_gj"] = intensity[base]
    old_change = raw_m.get("intensity_change", 0.0)
    future = (
        {int(y): float(v) for y, v in old_change.items() if int(y) > last}
        if isinstance(old_change, dict)
        else {last + 1: float(old_change)}
    )
    hist = {y: intensity[y] / intensity[prev] - 1.0 for prev, y in itertools.pairwise(years)}
    raw_m["intensity_change"] = {**{y: round(v, 6) for y, v in hist.items()}, **future}
    mix_rows = rows.group_by("year", "carrier").agg(pl.col("energy_gj").sum())
    old_mix = raw_m.get("mix", {})
    mix: dict[str, dict[int, float]] = {}
    for y, k, v in mix_rows.iter_rows():
        if k in carbon.CARRIERS and e[y] > 0:
            mix.setdefault(k, {})[int(y)] = round(v / e[y], 6)
    for k in sorted(set(mix) | set(old_mix)):
        hist_k = {y: mix.get(k, {}).get(y, 0.0) for y in years}
        fut = old_mix.get(k)
        fut_d = {int(yy): float(vv) for yy, vv in fut.items() if int(yy) > last} if isinstance(fut, dict) else {}
        mix[k] = {**hist_k, **fut_d}
    raw_m["mix"] = dict(sorted(mix.items()))
    trend = cal.fit_trend(np.array(years), np.array([intensity[y] for y in years]), base)
    return {
        "sectors": sectors,
        "years": years,
        "intensity_gj": intensity,
        "trend_change": {"value": trend.change.value, "low": trend.change.low, "high": trend.change.high},
    }


def calibrate_with(
    raw: dict[str, Any], spec: ScenarioSpec, obs: Observations, co2: Array
) -> tuple[dict[str, Any], Calibration]:
    """The scenario's raw mapping filled with what ``obs`` holds (module docstring), and the calibration report."""
    out = copy.deepcopy(raw)
    settings = spec.calibration
    report = Calibration(tolerance=settings.tolerance if settings else 0.05, sources=obs.sources)
    last = spec.last_observed
    for c in spec.fleet.classes:
        rows = _registry_of(obs, c).filter(pl.col("year") <= last)
        if rows.is_empty():
            continue
        report.survival[c.id] = _fit_class(
            _class_key(out, c.id), c, rows, spec, settings.fit_survival if settings else True
        )
    for i, m in enumerate(spec.modes):
        if m.inventory is None:
            continue
        fitted = _mode_observed(out["modes"][i], m.inventory.sectors, m.inventory.activity, obs.inventory, last)
        if fitted:
            report.modes[m.id] = fitted
    if spec.freight is not None and not obs.port.is_empty():
        p = obs.port.filter((pl.col("year") <= last) & (pl.col("bulk_total_t") > 0))
        if not p.is_empty():
            out["freight"]["bulk_tonnes"]["by_year"] = {
                int(y): float(t) for y, t in zip(p["year"], p["bulk_total_t"], strict=True)
            }
            share = {
                int(y): round(float(r / t), 6)
                for y, r, t in zip(p["year"], p["bulk_rail_water_t"], p["bulk_total_t"], strict=True)
            }
            old = {int(y): v for y, v in out["freight"]["rail_water_share"].items() if int(y) > last}
            out["freight"]["rail_water_share"] = {**share, **old}
    if spec.port is not None and not obs.port.is_empty():
        p = obs.port.filter(pl.col("year") <= last)
        out["port"]["throughput_t"]["by_year"] = {
            int(y): float(t) for y, t in zip(p["year"], p["cargo_t"], strict=True)
        }
        if not obs.shore.is_empty():
            q = dict(zip(p["year"].to_list(), p["cargo_t"].to_list(), strict=True))
            b, eta = spec.port.berth_gj_per_t, spec.port.shore_efficiency
            uptake = {
                int(y): round(min(float(k) * GJ_PER_KWH / (q[y] * b * eta), 1.0), 6)
                for y, k in zip(obs.shore["year"], obs.shore["kwh"], strict=True)
                if y in q and y <= last and q[y] > 0 and b > 0
            }
            old = {int(y): v for y, v in out["port"]["shore_power_uptake"].items() if int(y) > last}
            out["port"]["shore_power_uptake"] = {**uptake, **old}
    calibrated = validate(out, "calibration")
    if not obs.fuel.is_empty():
        _fit_km(out, calibrated, obs, co2, report)
        calibrated = validate(out, "calibration")
    report.reproduction = reproduction(calibrated, obs, co2, report.tolerance)
    return out, report


def _central(spec: ScenarioSpec, co2: Array) -> CityOutputs:
    return run_city(build_inputs(spec, [], np.zeros((1, 0)), co2))


def _fit_km(out: dict[str, Any], spec: ScenarioSpec, obs: Observations, co2: Array, report: Calibration) -> None:
    """A kilometre index per group of classes (``km_group``, default the class's powertrain) and observed year,
    fitted to the road fuel sold by carrier in that year (the years after hold the last one): ``km_index`` of every
    class of the group."""
    ax = Axes.of(spec)
    years = [y for y in sorted(set(obs.fuel["year"].to_list())) if y <= spec.last_observed and y in ax.years]
    carriers = sorted(set(obs.fuel["carrier"].to_list()) & set(carbon.CARRIERS))
    if not years or not carriers:
        return
    groups = sorted({c.km_group or c.powertrain for c in spec.fleet.classes})
    fl = run_fleet(build_inputs(spec, [], np.zeros((1, 0)), co2).fleet)
    e = fl.energy_gj[0]  # (c, k, y) at the scenario's own kilometres
    fuel = {(int(y), k): float(v) for y, k, v in obs.fuel.iter_rows()}
    index: dict[str, dict[int, float]] = {g: {} for g in groups}
    worst = 0.0
    for y in years:
        contrib = np.zeros((len(groups), len(carriers)))
        observed = np.array([fuel.get((y, k), np.nan) for k in carriers])
        for ci, c in enumerate(spec.fleet.classes):
            g = groups.index(c.km_group or c.powertrain)
            contrib[g] += [e[ci, carbon.CARRIERS.index(k), y - spec.base_year] for k in carriers]
        keep = np.isfinite(observed) & (observed > 0)
        used = contrib[:, keep].sum(axis=1) > 0
        if not used.any():
            continue
        names = tuple(g for g, u in zip(groups, used, strict=True) if u)
        fit = cal.fit_scale_factors(contrib[used][:, keep], observed[keep], names)
        worst = max(worst, fit.relative_rmse)
        for p in fit.parameters:
            index[p.name][y] = round(p.value, 6)
            report.km_factors.append({"group": p.name, "year": y, "factor": p.value, "low": p.low, "high": p.high})
    for c in out["fleet"]["classes"]:
        g = c.get("km_group") or c.get("powertrain", "gasoline")
        if index.get(g):
            c["km_index"] = dict(index[g])
    report.km_index_rmse = worst


def reproduction(spec: ScenarioSpec, obs: Observations, co2: Array, tolerance: float) -> list[dict[str, Any]]:
    """The calibrated scenario's observed years against the observations: registered stock per class, road fuel per
    carrier, inventory CO2 per sector of the modes and the port."""
    run = _central(spec, co2)
    years = [int(y) for y in run.years if y <= spec.last_observed]
    rows: list[dict[str, Any]] = []

    def add(series: str, year: int, observed: float, modelled: float, checked: bool = True) -> None:
        err = float(cal.relative_errors(np.array([modelled]), np.array([observed]))[0])
        if np.isfinite(err):
            rows.append(
                {
                    "series": series,
                    "year": year,
                    "observed": observed,
                    "modelled": modelled,
                    "relative_error": err,
                    "checked": checked,
                    "within": abs(err) <= tolerance,
                }
            )

    stock = run.stock[0].astype(np.float64).sum(axis=1)  # (c, y)
    if obs.registry.is_empty() and spec.calibration is not None:
        for y, n in sorted(spec.calibration.public_stock.items()):
            if y in years:
                add("stock:total (published)", int(y), float(n), float(stock[:, y - spec.base_year].sum()))
    registered: dict[int, tuple[float, float]] = {}
    for ci, c in enumerate(spec.fleet.classes):
        reg = _registry_of(obs, c)
        for y, n in reg.group_by("year").agg(pl.col("stock").sum()).sort("year").iter_rows():
            if y in years:
                add(f"stock:{c.id}", int(y), float(n), float(stock[ci, y - spec.base_year]), checked=False)
                m, o = registered.get(y, (0.0, 0.0))
                registered[y] = (m + float(stock[ci, y - spec.base_year]), o + float(n))
    for y, (m, o) in sorted(registered.items()):
        add("stock:total", int(y), o, m)
    if not obs.fuel.is_empty():
        road = [run.sectors.index(s) for s in dict.fromkeys(c.sector for c in spec.fleet.classes)]
        e = run.energy_gj[0].astype(np.float64)[road].sum(axis=0)  # (k, y)
        for y, k, v in obs.fuel.sort("year", "carrier").iter_rows():
            if y in years and k in carbon.CARRIERS:
                add(f"road_fuel:{k}", int(y), float(v), float(e[carbon.CARRIERS.index(k), y - spec.base_year]))
    inv = obs.inventory.group_by("year", "sector").agg(pl.col("co2_t").sum())
    modelled_sectors = [m.inventory.sectors for m in spec.modes if m.inventory]
    co2_s = run.co2_direct_t[0] + run.co2_electricity_t[0]
    for sectors in modelled_sectors:
        own = [s for s in sectors if s in run.sectors]
        if not own:
            continue
        for y, total in (
            inv.filter(pl.col("sector").is_in(sectors))
            .group_by("year")
            .agg(pl.col("co2_t").sum())
            .sort("year")
            .iter_rows()
        ):
            if y in years:
                model = float(sum(co2_s[run.sectors.index(s), y - spec.base_year] for s in own))
                add(f"co2:{'+'.join(sectors)}", int(y), float(total), model)
    return rows


def calibrate(
    raw: dict[str, Any], spec: ScenarioSpec, session: Session, city: CityConfig, library: FactorLibrary | None = None
) -> tuple[dict[str, Any], Calibration]:
    """:func:`calibrate_with` on the platform's :func:`observations` of the base year … last observed year."""
    lib = library or FactorLibrary.load()
    years = list(range(spec.base_year, spec.last_observed + 1))
    return calibrate_with(raw, spec, observations(session, city, years, lib), carrier_co2(lib))
