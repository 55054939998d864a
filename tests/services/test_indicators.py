"""Indicator values on the demo database against the generator's design check, hand-computed fixtures,
and statuses at every band edge through :func:`evaluate_series`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import polars as pl
import pytest
from sqlalchemy import select

from evaluation_fixtures import INDICATOR_IDS
from transcarbon.city.config import Target, load_city
from transcarbon.city.reports import load_report_types
from transcarbon.demo.generator import design_check, generate
from transcarbon.services import indicators as ev
from transcarbon.store import db
from transcarbon.store.models import CalculationRun, Result
from transcarbon.store.models_evaluation import IndicatorValue

CITY = load_city()
CATALOG = load_report_types()


@pytest.fixture(scope="module")
def demo(demo_db_url: str) -> Iterator[dict]:
    factory = db.session_factory(db.make_engine(demo_db_url))
    with factory() as session, session.begin():
        result = ev.evaluate(session, 2025, actor="test", as_of=date(2026, 6, 1))
    yield {"factory": factory, "result": result, "by_id": {i["id"]: i for i in result.payload["indicators"]}}
    factory.kw["bind"].dispose()


def test_every_plan_indicator_is_listed(demo: dict) -> None:
    ids = [i["id"] for i in demo["result"].payload["indicators"]]
    assert sorted(ids) == sorted(INDICATOR_IDS)
    assert len(ids) == 35
    for i in demo["result"].payload["indicators"]:
        assert i["light"] in ("green", "yellow", "red", "grey")
        assert i["departments"]
        if i["status"] in ("no_data", "late"):
            assert i["details"]["no_data_reason"]["zh"] and i["details"]["no_data_reason"]["en"]


DESIGN = {  # indicator id → (design_check key, scale to the reported unit, tolerance)
    "new_energy_bus_share": ("new_energy_bus_share", 100, 1e-9),
    "short_haul_heavy_truck_nev_share": ("short_haul_heavy_truck_nev_share", 100, 1e-9),
    # the YAML counts every new road vehicle registered, the design check private cars only
    "nev_sales_share": ("nev_sales_share", 100, 0.005),
    "airport_electric_ground_equipment_share": ("airport_electric_ground_equipment_share", 100, 1e-9),
    "port_container_truck_clean_share": ("port_container_truck_clean_share", 100, 1e-9),
    "shore_power_use_multiple": ("shore_power_use_multiple", 1, 1e-9),
    "rail_water_bulk_share": ("rail_water_bulk_share", 100, 1e-9),
    "container_multimodal_growth": ("container_multimodal_cagr", 100, 1e-9),
    "truck_co2_intensity": ("truck_co2_intensity_change", -100, 0.05),
    "ship_co2_intensity": ("ship_co2_intensity_change", -100, 0.05),
}


@pytest.mark.parametrize("indicator", sorted(DESIGN))
def test_values_agree_with_the_design_check(demo: dict, indicator: str) -> None:
    key, scale, tol = DESIGN[indicator]
    expected = design_check(generate())[key][2025] * scale
    assert demo["by_id"][indicator]["value"] == pytest.approx(expected, rel=tol, abs=tol)


def test_designed_outcomes_of_2025(demo: dict) -> None:
    by = demo["by_id"]
    for met in ("converted_turnover_co2_intensity", "ship_co2_intensity", "new_energy_bus_share",
                "shore_power_use_multiple", "airport_electric_ground_equipment_share",
                "short_haul_heavy_truck_nev_share", "container_multimodal_growth", "nev_sales_share"):
        assert by[met]["status"] == "achieved" and by[met]["light"] == "green", met
    for missed in ("truck_co2_intensity", "public_service_ev_share", "rail_water_bulk_share",
                   "port_container_truck_clean_share"):
        assert by[missed]["light"] in ("yellow", "red"), missed
    assert by["inland_container_routes_four_provinces"]["status"] == "overdue"
    assert by["repair_emission_systems_linked"]["status"] == "done"
    assert by["public_transport_mode_share"]["status"] == "no_data"
    # road and waterway only: −9.4 % (generator docstring)
    assert by["converted_turnover_co2_intensity"]["value"] == pytest.approx(9.4, abs=0.3)


def test_values_are_stored_with_lineage(demo: dict) -> None:
    with demo["factory"]() as session:
        run = session.get(CalculationRun, demo["result"].run_id)
        assert run is not None and run.kind == "evaluation"
        assert run.parameters["year"] == 2025 and run.input_hash
        truck = session.scalars(select(IndicatorValue).where(
            IndicatorValue.run_id == run.id, IndicatorValue.indicator_id == "truck_co2_intensity",
            IndicatorValue.year == 2025, IndicatorValue.month.is_(None))).one()
        results = session.scalars(select(Result).where(Result.id.in_(truck.sources["result_ids"]))).all()
        assert {r.sector for r in results} == {"road_freight"} and {r.year for r in results} == {2020, 2025}
        share = session.scalars(select(IndicatorValue).where(
            IndicatorValue.run_id == run.id, IndicatorValue.indicator_id == "rail_water_bulk_share",
            IndicatorValue.year == 2025, IndicatorValue.month.is_(None))).one()
        assert len(share.sources["submission_ids"]) == 120  # ten port organisations × twelve months
        months = session.scalars(select(IndicatorValue.month).where(
            IndicatorValue.run_id == run.id, IndicatorValue.indicator_id == "shore_power_use_multiple",
            IndicatorValue.year == 2025, IndicatorValue.month.is_not(None))).all()
        assert sorted(months) == list(range(1, 13))
        again = ev.evaluate(session, 2025, actor="test", as_of=date(2026, 6, 1))
        assert again.reused and again.run_id == run.id


# --------------------------------------------------------------------------- hand-computed fixtures


def _inputs(results: list[tuple], reports: dict[str, pl.DataFrame] | None = None) -> ev.Inputs:
    frame = pl.DataFrame(results, schema=ev.RESULT_SCHEMA, orient="row")
    return ev.Inputs(2025, list(range(2020, 2026)), {}, frame, pl.DataFrame(schema=ev.FUEL_SCHEMA), reports or {})


def test_intensity_fall_hand_computed() -> None:
    # road freight: 2020 100 t over 1e6 t·km (0.1 kg/t·km); 2025 97 t over 1.02e6 t·km → fall 4.902 %
    res = [(1, 1, 2020, None, "road_freight", 100.0, 100.0, 0, 1e6, 1e6, None),
           (2, 1, 2020, None, "waterway_freight", 50.0, 50.0, 0, 1e6, 1e6, None),
           (3, 2, 2025, None, "road_freight", 97.0, 97.0, 0, 1.02e6, 1.02e6, None),
           (4, 2, 2025, None, "waterway_freight", 40.0, 40.0, 0, 1e6, 1e6, None)]
    rows = ev.compute_values(_inputs(res), CITY, CATALOG, date(2026, 6, 1))
    got = {(r["indicator_id"], r["year"]): r for r in rows if r["month"] is None}
    truck = got[("truck_co2_intensity", 2025)]
    assert truck["measure"] == pytest.approx(97.0 * 1000 / 1.02e6)
    assert truck["value"] == pytest.approx(100 * (1 - (97 / 1.02e6) / (100 / 1e6)))
    assert truck["status"] == "achieved" and truck["sources"]["result_ids"] == [1, 3]
    conv = got[("converted_turnover_co2_intensity", 2025)]
    assert conv["value"] == pytest.approx(100 * (1 - (137 / 2.02e6) / (150 / 2e6)))
    assert got[("truck_co2_intensity", 2021)]["status"] == "late"  # no 2021 data, past its deadline


def test_report_shares_hand_computed() -> None:
    add = pl.DataFrame({
        "submission_id": [10, 10, 10, 11, 11, 12], "org_id": ["A"] * 6,
        "period": ["2020-03", "2020-03", "2020-03", "2025-12", "2025-12", "2025-12"],
        "year": [2020, 2020, 2020, 2025, 2025, 2025], "month": [3, 3, 3, 12, 12, 12],
        "category": ["heavy_truck_short_haul", "muck_truck", "bus", "heavy_truck_short_haul", "muck_truck",
                     "airside_equipment"],
        "power_type": ["bev", "diesel", "bev", "bev", "diesel", "bev"],
        "added_count": [1.0, 9.0, 5.0, 3.0, 7.0, 0.0], "in_service_count": [None, None, None, None, None, 40.0],
    })
    rows = ev.compute_values(_inputs([], {"vehicle_additions": add}), CITY, CATALOG, date(2026, 6, 1))
    got = {(r["indicator_id"], r["year"]): r for r in rows if r["month"] is None}
    short = got[("short_haul_heavy_truck_nev_share", 2025)]
    assert short["value"] == pytest.approx(30.0) and short["sources"]["submission_ids"] == [11]
    assert got[("short_haul_heavy_truck_nev_share", 2020)]["value"] == pytest.approx(10.0)
    assert got[("airport_electric_ground_equipment_share", 2025)]["value"] == pytest.approx(100.0)
    everything = got[("new_energy_vehicle_share_new", 2020)]  # 6 of 15 additions are electric
    assert everything["value"] == pytest.approx(40.0)


# --------------------------------------------------------------------------- band edges


def _ratio_indicator():  # type: ignore[no-untyped-def]
    ind = CITY.indicator("new_energy_bus_share")
    return ind.model_copy(update={"base_year": 2020, "targets": {2025: Target(value=80.0), 2030: None, 2035: None}})


def _series(points: dict[int, float]) -> pl.DataFrame:
    return pl.DataFrame({"year": list(points), "measure": list(points.values()),
                         "result_ids": [[] for _ in points], "run_ids": [[] for _ in points],
                         "submission_ids": [[] for _ in points]},
                        schema={"year": pl.Int64, "measure": pl.Float64, "result_ids": pl.List(pl.Int64),
                                "run_ids": pl.List(pl.Int64), "submission_ids": pl.List(pl.Int64)})


# Base 0 % in 2020 → 80 % in 2025: linear rates, R = (y/4)/(80/5) = y/64 in 2024; path 64 in 2024.
@pytest.mark.parametrize(("y2024", "status", "path_light"), [
    (80.0, "achieved", "green"),
    (64.0, "on_track", "green"),           # R = 1, completion 1
    (60.8, "on_track", "yellow"),          # R = 0.95 exactly: the edge belongs to on_track
    (60.79, "needs_acceleration", "yellow"),
    (57.6, "needs_acceleration", "yellow"),  # completion 0.90 exactly: yellow edge of the weather chart
    (57.59, "needs_acceleration", "red"),
    (38.4, "needs_acceleration", "red"),   # R = 0.60 exactly
    (38.39, "limited_progress", "red"),
    (0.0, "limited_progress", "red"),      # R = 0 exactly
    (-0.01, "deterioration", "red"),
])
def test_status_at_band_edges(y2024: float, status: str, path_light: str) -> None:
    ctx = ev.Context(CITY, CATALOG, 2024, date(2025, 6, 1))
    rows = ev.evaluate_series(ctx, _ratio_indicator(), _series({2020: 0.0, 2024: y2024}))
    last = rows[-1]
    assert last["year"] == 2024 and last["sdg_status"] == status
    assert last["details"]["path_light"] == path_light
    expected_light = "green" if status == "achieved" else max(
        CITY.progress.lights[status], path_light, key=["grey", "green", "yellow", "red"].index)
    assert last["light"] == expected_light


def test_late_versus_no_data() -> None:
    ind = _ratio_indicator()
    series = _series({2020: 10.0, 2023: 30.0})
    before_due = ev.evaluate_series(ev.Context(CITY, CATALOG, 2024, date(2025, 1, 10)), ind, series)[-1]
    after_due = ev.evaluate_series(ev.Context(CITY, CATALOG, 2024, date(2025, 1, 16)), ind, series)[-1]
    assert before_due["status"] == "no_data" and after_due["status"] == "late"
    assert after_due["light"] == "grey" and after_due["details"]["due_date"] == "2025-01-15"


def test_forecast_interval_and_probability() -> None:
    ctx = ev.Context(CITY, CATALOG, 2024, date(2025, 6, 1))
    rows = ev.evaluate_series(ctx, _ratio_indicator(), _series({2020: 50.0, 2021: 55.0, 2022: 61.0, 2023: 64.0,
                                                                 2024: 71.0}))
    fc = rows[-1]["forecast"]
    assert fc["year"] == 2025 and fc["low"] < fc["value"] < fc["high"]
    assert 0.0 <= fc["p_meet"] <= 1.0
