"""Calibration on the platform's data, on synthetic observations generated with known parameters: survival curves
and cohorts recovered from synthetic registrations, kilometre factors from synthetic fuel, the observed years of
the calibrated scenario reproduced within the stated tolerance."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.fleet import step_survival, weibull_survival
from transcarbon.services.scenarios.build import carrier_co2
from transcarbon.services.scenarios.calibrate import Observations, calibrate_with
from transcarbon.services.scenarios.spec import load_raw, validate

SCENARIO = """
base_year: 2020
end_year: 2030
observed_until: 2025
calibration: {source: platform, tolerance: 0.03}
fleet:
  classes:
    - id: cars
      registry: {classes: [pv_small], uses: [non_operating]}
      survival: {weibull: {scale: 10.0, shape: 3.0}}
      sales: {constant: 1000}
      powertrain: gasoline
      sales_shares: {bev: {2030: 0.6}}
      km_per_year: 10000
      energy_mj_per_km: {gasoline: {gasoline: 2.5}, bev: {electricity: 0.7}}
    - id: cabs
      registry: {classes: [taxi]}
      survival: {step: {age: 5}}
      sales: {constant: 10}
      powertrain: gasoline
      km_per_year: 100000
      energy_mj_per_km: {gasoline: {gasoline: 3.0}, bev: {electricity: 0.8}}
"""
YEARS = range(2020, 2026)
MODEL_YEARS = range(1990, 2026)


def _register(rng: np.random.Generator) -> tuple[pl.DataFrame, dict[str, float]]:
    """Year-end stock by model year of two classes with known survival: cars Weibull(14.46, 4.79) with 6 % then 20 %
    battery-electric sales, cabs a step at 8 years; binomial scrappage, consistent from year to year."""
    truth = {"scale": 14.46, "shape": 4.79, "age": 8.0}
    rows = []
    for cls, surv, base_sales in (
        ("pv_small", lambda t: weibull_survival(t, 14.46, 4.79), 50_000),
        ("taxi", lambda t: step_survival(t, 8.0), 400),
    ):
        use = "non_operating" if cls == "pv_small" else "operating"
        for my in MODEL_YEARS:
            sales = int(base_sales * 1.04 ** (my - 1990))
            bev_share = 0.0 if my < 2020 else 0.06 if my < 2023 else 0.2
            for pw, n0 in (("gasoline", round(sales * (1 - bev_share))), ("bev", round(sales * bev_share))):
                if n0 == 0:
                    continue
                alive, prev = n0, 1.0
                for year in YEARS:
                    age = year - my
                    if age < 0:
                        continue
                    s = float(surv(np.array([float(age)]))[0])
                    alive = rng.binomial(alive, min(s / prev, 1.0)) if prev > 0 else 0
                    prev = s
                    rows.append((year, cls, use, "private", pw, my, float(alive), float(n0 if my == year else 0)))
    frame = pl.DataFrame(
        rows,
        schema={
            "year": pl.Int64,
            "vehicle_class": pl.String,
            "use": pl.String,
            "service": pl.String,
            "powertrain": pl.String,
            "model_year": pl.Int64,
            "stock": pl.Float64,
            "new_registrations": pl.Float64,
        },
        orient="row",
    )
    return frame, truth


def _empty(schema: dict[str, type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def _observations(registry: pl.DataFrame, fuel: pl.DataFrame | None = None) -> Observations:
    return Observations(
        registry=registry,
        fuel=fuel if fuel is not None else _empty({"year": pl.Int64, "carrier": pl.String, "energy_gj": pl.Float64}),
        inventory=_empty(
            {
                "year": pl.Int64,
                "sector": pl.String,
                "carrier": pl.String,
                "energy_gj": pl.Float64,
                "co2_t": pl.Float64,
                "freight_tkm": pl.Float64,
                "passenger_pkm": pl.Float64,
                "throughput_t": pl.Float64,
            }
        ),
        port=_empty(
            {"year": pl.Int64, "cargo_t": pl.Float64, "bulk_total_t": pl.Float64, "bulk_rail_water_t": pl.Float64}
        ),
        shore=_empty({"year": pl.Int64, "kwh": pl.Float64}),
        sources={"vehicle_registry": [1]},
    )


@pytest.fixture(scope="module")
def co2() -> np.ndarray:
    return carrier_co2(FactorLibrary.load())


def test_survival_and_cohorts_recovered_from_synthetic_registrations(co2: np.ndarray) -> None:
    registry, truth = _register(np.random.default_rng(11))
    raw = load_raw(SCENARIO, "t.yaml")
    out, report = calibrate_with(raw, validate(raw, "t.yaml"), _observations(registry), co2)
    cars = report.survival["cars"]
    scale, shape = (next(p for p in cars["parameters"] if p["name"] == n) for n in ("scale", "shape"))
    for p, true in ((scale, truth["scale"]), (shape, truth["shape"])):
        assert p["value"] == pytest.approx(true, rel=0.01)  # large cohorts: a tight fit
        assert p["low"] < p["value"] < p["high"] and p["high"] - p["low"] < 0.05 * true
    assert report.survival["cabs"]["parameters"][0]["value"] == truth["age"]
    cls = {c["id"]: c for c in out["fleet"]["classes"]}
    assert cls["cars"]["survival"]["weibull"]["scale"] == pytest.approx(scale["value"], rel=1e-3)
    assert cls["cabs"]["survival"] == {"step": {"age": 8.0}}
    # the sales of observed model years are the fitted cohorts; new registrations where the register holds them
    assert cls["cars"]["sales"]["by_year"][2024] == pytest.approx(50_000 * 1.04**34, rel=1e-3)
    # powertrain shares of the observed model years come from the register; the scenario's future path stays
    bev = cls["cars"]["sales_shares"]["bev"]
    assert (
        bev[2021] == pytest.approx(0.06, abs=0.002) and bev[2024] == pytest.approx(0.2, abs=0.002) and bev[2030] == 0.6
    )
    assert report.within_tolerance, [r for r in report.reproduction if not r["within"]]
    assert {r["series"] for r in report.reproduction} == {"stock:cars", "stock:cabs", "stock:total"}
    assert {r["series"] for r in report.reproduction if r["checked"]} == {"stock:total"}


def test_kilometres_fitted_to_road_fuel(co2: np.ndarray) -> None:
    registry, _ = _register(np.random.default_rng(12))
    raw = load_raw(SCENARIO, "t.yaml")
    spec = validate(raw, "t.yaml")
    first, _ = calibrate_with(raw, spec, _observations(registry), co2)
    # fuel of a fleet driving 1.3 × the scenario's kilometres
    from transcarbon.methods.scenarios.engine import run_city
    from transcarbon.services.scenarios.build import build_inputs

    fleet_run = run_city(build_inputs(validate(first, "t.yaml"), [], np.zeros((1, 0)), co2))
    gasoline = fleet_run.energy_gj[0, :, 0].sum(axis=0) * 1.3
    fuel = pl.DataFrame(
        {"year": list(YEARS), "carrier": ["gasoline"] * 6, "energy_gj": [float(v) for v in gasoline[:6]]}
    )
    out, report = calibrate_with(raw, spec, _observations(registry, fuel), co2)
    assert [f["year"] for f in report.km_factors] == list(YEARS)
    assert all(f["group"] == "gasoline" and f["factor"] == pytest.approx(1.3, rel=1e-3) for f in report.km_factors)
    cars = next(c for c in out["fleet"]["classes"] if c["id"] == "cars")
    assert cars["km_index"] == {y: pytest.approx(1.3, rel=1e-3) for y in YEARS}
    assert all(r["within"] for r in report.reproduction if r["series"].startswith("road_fuel"))
