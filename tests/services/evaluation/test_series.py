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
@pytest.mark.parametrize(
    ("y2024", "status", "path_light"),
    [
        (80.0, "achieved", "green"),
        (64.0, "on_track", "green"),  # R = 1, completion 1
        (60.8, "on_track", "yellow"),  # R = 0.95 exactly: the edge belongs to on_track
        (60.79, "needs_acceleration", "yellow"),
        (57.6, "needs_acceleration", "yellow"),  # completion 0.90 exactly: yellow edge of the weather chart
        (57.59, "needs_acceleration", "red"),
        (38.4, "needs_acceleration", "red"),  # R = 0.60 exactly
        (38.39, "limited_progress", "red"),
        (0.0, "limited_progress", "red"),  # R = 0 exactly
        (-0.01, "deterioration", "red"),
    ],
)
def test_status_at_band_edges(y2024: float, status: str, path_light: str) -> None:
    ctx = Context(CITY, CATALOG, 2024, date(2025, 6, 1))
    rows = evaluate_series(ctx, _ratio_indicator(), _series({2020: 0.0, 2024: y2024}))
    last = rows[-1]
    assert last["year"] == 2024 and last["sdg_status"] == status
    assert last["details"]["path_light"] == path_light
    expected_light = (
        "green"
        if status == "achieved"
        else max(CITY.progress.lights[status], path_light, key=["grey", "green", "yellow", "red"].index)
    )
    assert last["light"] == expected_light


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
