"""Running a scenario: Monte Carlo percentiles converge as the draws grow, draws reproduce with the seed, targets carry
P(meet) in [0, 1], and Sobol indices rank the uncertain inputs."""

from __future__ import annotations

import numpy as np
import pytest

from transcarbon.city.config import load_city
from transcarbon.factors.library import FactorLibrary
from transcarbon.services.scenarios import run as runs
from transcarbon.services.scenarios.build import carrier_co2
from transcarbon.services.scenarios.spec import parse_spec

SCENARIO = """
base_year: 2020
end_year: 2035
seed: 7
fleet:
  classes:
    - id: cars
      survival: {weibull: {scale: 14.46, shape: 4.79}}
      sales: {constant: 50000, growth: 0.0}
      nev_sales_share: {2020: 0.05, 2025: 0.30, 2030: 0.50}
      km_per_year: 15000
      energy_mj_per_km: {gasoline: {gasoline: 2.5}, bev: {electricity: 0.7}}
    - id: buses
      sector: urban_bus
      commercial: true
      bus: true
      occupancy: 20
      survival: {step: {age: 10}}
      sales: {constant: 100}
      powertrain: diesel
      nev_sales_share: {2015: 0.5, 2025: 1.0}
      km_per_year: 60000
      energy_mj_per_km: {diesel: {diesel: 14.0}, bev: {electricity: 5.6}}
grid: {kg_per_kwh: {2020: 0.6, 2035: 0.4}}
uncertainty:
  inputs:
    - {input: "fleet.classes[cars].km_per_year", dist: triangular, params: [0.8, 1.0, 1.2]}
    - {input: "fleet.classes[cars].sales_shares", dist: uniform, params: [0.7, 1.3]}
    - {input: "grid.kg_per_kwh", dist: lognormal, params: [1.0, 1.1]}
  correlations:
    - {inputs: ["fleet.classes[cars].km_per_year", "grid.kg_per_kwh"], rho: 0.3}
  sensitivity: {samples: 128}
"""


@pytest.fixture(scope="module")
def co2() -> np.ndarray:
    return carrier_co2(FactorLibrary.load())


def test_percentiles_converge_with_the_draws(co2: np.ndarray) -> None:
    spec = parse_spec(SCENARIO, "s.yaml")
    bands = {}
    for n in (250, 1000, 8000):
        out = runs.payload(runs.run(spec.model_copy(update={"seed": n}), co2, n))
        bands[n] = np.array([out["uncertainty"]["percentiles"]["co2_total_t"][f"p{q}"]["2030"] for q in (10, 50, 90)])
    ref = bands[8000]
    err = {n: np.abs(bands[n] / ref - 1).max() for n in (250, 1000)}
    assert err[1000] < 0.01 and err[250] < 0.03
    assert ref[0] < ref[1] < ref[2]


def test_draws_reproduce_and_targets_carry_probabilities(co2: np.ndarray) -> None:
    spec = parse_spec(SCENARIO, "s.yaml")
    a = runs.payload(runs.run(spec, co2, 300), load_city())
    b = runs.payload(runs.run(spec, co2, 300), load_city())
    assert a["uncertainty"] == b["uncertainty"]
    assert a["targets"] and all(0.0 <= t["p_meet"] <= 1.0 for t in a["targets"])
    bus = next(t for t in a["targets"] if t["indicator"] == "new_energy_bus_share")
    # 50 % new-energy sales in 2015 rising to 100 % in 2025, ten-year lives: 77.5 % of the 2025 stock, short of
    # the 80 % target in every draw (no uncertain input touches buses)
    assert bus["year"] == 2025 and bus["value"] == pytest.approx(77.5) and bus["p_meet"] == 0.0 and not bus["met"]
    assert sum(a["uncertainty"]["oil_peak_year"].values()) == pytest.approx(1.0)
    assert a["oil_peak"]["year"] == 2020  # constant sales, a rising new-energy share: oil falls from the start


def test_sobol_ranks_the_kilometres_first_for_oil(co2: np.ndarray) -> None:
    out = runs.payload(runs.run(parse_spec(SCENARIO, "s.yaml"), co2, 1))
    oil = out["sensitivity"]["oil_land_tce_2030"]
    assert oil[0]["input"] == "fleet.classes[cars].km_per_year"
    grid = next(r for r in oil if r["input"] == "grid.kg_per_kwh")
    assert abs(grid["st"]) < 0.02  # the grid factor moves no oil
