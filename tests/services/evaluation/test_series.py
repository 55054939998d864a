"""One indicator's annual rows through :func:`evaluate_series`: statuses and lights at every band edge, late
versus no data, and the forecast's interval and probability."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transcarbon.city.config import Target, load_city
from transcarbon.city.reports import load_report_types
from transcarbon.services.evaluation.series import Context, evaluate_series

CITY = load_city()
CATALOG = load_report_types()


def _ratio_indicator():  # type: ignore[no-untyped-def]
    ind = CITY.indicator("new_energy_bus_share")
    return ind.model_copy(update={"base_year": 2020, "targets": {2025: Target(value=80.0), 2030: None, 2035: None}})


def _series(points: dict[int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": list(points),
            "measure": list(points.values()),
            "result_ids": [[] for _ in points],
            "run_ids": [[] for _ in points],
            "submission_ids": [[] for _ in points],
        },
        schema={
            "year": pl.Int64,
            "measure": pl.Float64,
            "result_ids": pl.List(pl.Int64),
            "run_ids": pl.List(pl.Int64),
            "submission_ids": pl.List(pl.Int64),
        },
    )


# Base 0 % in 2020 → 80 % in 2025: linear rates, R = (y/4)/(80/5) = y/64 in 2024; path 64 in 2024.
# The light is the weather chart's on the path (ratios judge the path): red only when the share fell.
@pytest.mark.parametrize(
    ("y2024", "status", "path_light"),
    [
        (80.0, "achieved", "green"),
        (64.0, "on_track", "green"),  # R = 1, on the path
        (60.8, "on_track", "yellow"),  # R = 0.95 exactly: the edge belongs to on_track; behind the path
        (60.79, "needs_acceleration", "yellow"),
        (38.4, "needs_acceleration", "yellow"),  # R = 0.60 exactly
        (38.39, "limited_progress", "yellow"),  # the right way, far behind: still yellow by the cited rule
        (0.0, "limited_progress", "yellow"),  # R = 0 exactly: not moved at all, not the wrong way
        (-0.01, "deterioration", "red"),  # moved the wrong way
    ],
)
def test_status_at_band_edges(y2024: float, status: str, path_light: str) -> None:
    ctx = Context(CITY, CATALOG, 2024, date(2025, 6, 1))
    rows = evaluate_series(ctx, _ratio_indicator(), _series({2020: 0.0, 2024: y2024}))
    last = rows[-1]
    assert last["year"] == 2024 and last["sdg_status"] == status
    assert last["details"]["path_light"] == path_light
    assert last["light"] == ("green" if status == "achieved" else path_light)
    assert last["details"]["light_rule"]["rule"] == "weather_chart"


def test_late_versus_no_data() -> None:
    ind = _ratio_indicator()
    series = _series({2020: 10.0, 2023: 30.0})
    before_due = evaluate_series(Context(CITY, CATALOG, 2024, date(2025, 1, 10)), ind, series)[-1]
    after_due = evaluate_series(Context(CITY, CATALOG, 2024, date(2025, 1, 16)), ind, series)[-1]
    assert before_due["status"] == "no_data" and after_due["status"] == "late"
    assert after_due["light"] == "grey" and after_due["details"]["due_date"] == "2025-01-15"


def test_forecast_interval_and_probability() -> None:
    ctx = Context(CITY, CATALOG, 2024, date(2025, 6, 1))
    rows = evaluate_series(
        ctx, _ratio_indicator(), _series({2020: 50.0, 2021: 55.0, 2022: 61.0, 2023: 64.0, 2024: 71.0})
    )
    fc = rows[-1]["forecast"]
    assert fc["year"] == 2025 and fc["low"] < fc["value"] < fc["high"]
    assert 0.0 <= fc["p_meet"] <= 1.0
    assert fc["indicative"] is True and fc["method"] == "ols"


# The demo's trucks: CO2 per t·km (index) 1.000 → 0.994 → 1.004 → 0.989 → 0.983 → 0.977 against −3% by 2025.
TRUCKS = {2020: 1.000, 2021: 0.994, 2022: 1.004, 2023: 0.989, 2024: 0.983, 2025: 0.977}


def test_the_target_year_is_judged_on_the_facts() -> None:
    """In 2025 the trucks' −2.3% against −3% is missed (probability 0, no forecast), and yellow: the intensity
    fell, but less than required (发改办环资〔2021〕629号), where the old ±10% shortfall rule showed red."""
    ind = CITY.indicator("truck_co2_intensity")
    rows = evaluate_series(Context(CITY, CATALOG, 2025, date(2026, 3, 31)), ind, _series(TRUCKS))
    last = rows[-1]
    assert last["year"] == 2025 and last["value"] == pytest.approx(2.3)
    assert last["status"] == "missed" and last["light"] == "yellow"
    assert last["details"]["target_year_judged"] and last["details"]["path_light"] == "yellow"
    assert last["forecast"] == {
        "year": 2025,
        "value": pytest.approx(2.3),
        "low": None,
        "high": None,
        "p_meet": 0.0,
        "method": "observed",
        "indicative": False,
    }
    later = [f for f in last["details"]["forecasts"] if f["year"] == 2030]
    assert later and later[0]["indicative"] and later[0]["method"] == "ols"
    # 2022: the intensity rose → red; 2024: fell, behind the path → yellow
    by_year = {r["year"]: r for r in rows}
    assert by_year[2022]["light"] == "red" and by_year[2022]["details"]["light_rule"]["decided_by"] == "path"
    assert by_year[2024]["light"] == "yellow" and by_year[2024]["status"] == "needs_acceleration"
    met = evaluate_series(Context(CITY, CATALOG, 2025, date(2026, 3, 31)), ind, _series({**TRUCKS, 2025: 0.969}))[-1]
    assert met["status"] == "achieved" and met["light"] == "green" and met["forecast"]["p_meet"] == 1.0


def test_too_few_points_give_no_probability() -> None:
    ctx = Context(CITY, CATALOG, 2022, date(2023, 6, 1))
    rows = evaluate_series(ctx, _ratio_indicator(), _series({2020: 50.0, 2021: 55.0, 2022: 61.0}))
    fc = rows[-1]["forecast"]
    assert fc["year"] == 2025 and fc["value"] is not None and fc["indicative"]
    assert fc["p_meet"] is None and fc["low"] is None and fc["high"] is None
