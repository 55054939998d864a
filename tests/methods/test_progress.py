"""Progress status, target paths and lights (methods/progress.py)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from transcarbon.methods import progress as p

# Thresholds as in the city YAML (docs/methods.md): passed in, never defaults of the module.
SDG = p.BandThresholds(on_track=0.95, needs_acceleration=0.60, limited_progress=0.0)
FREE = p.BandThresholds(on_track=0.015, needs_acceleration=0.005, limited_progress=0.0)


def _status(**kw: object) -> str:
    args = {"base_year": 2020, "year": 2025, "target_year": 2030, "direction": "increase"} | kw
    r = p.sdg_progress(
        args["base_value"],
        args["value"],
        args["target_value"],
        args["base_year"],
        args["year"],
        args["target_year"],
        args["direction"],
        ratio_thresholds=SDG,
        no_target_thresholds=FREE,
    )
    return str(r.status)


# ------------------------------------------------------------------ band edges


def test_classify_bands_at_every_edge() -> None:
    below = np.nextafter
    scores = [1.5, 0.95, below(0.95, 0), 0.60, below(0.60, 0), 0.0, below(0.0, -1), -3.0, np.nan]
    expected = [
        "on_track",
        "on_track",
        "needs_acceleration",
        "needs_acceleration",
        "limited_progress",
        "limited_progress",
        "deterioration",
        "deterioration",
        "no_data",
    ]
    assert_array_equal(p.classify_bands(scores, SDG), expected)


def test_no_target_bands_at_every_edge() -> None:
    below = np.nextafter
    scores = [0.015, below(0.015, 0), 0.005, below(0.005, 0), 0.0, below(0.0, -1)]
    expected = [
        "on_track",
        "needs_acceleration",
        "needs_acceleration",
        "limited_progress",
        "limited_progress",
        "deterioration",
    ]
    assert_array_equal(p.classify_bands(scores, FREE), expected)


def test_thresholds_must_decrease() -> None:
    with pytest.raises(ValueError, match="decrease"):
        p.BandThresholds(on_track=0.6, needs_acceleration=0.95, limited_progress=0.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # base 0 % → linear rates; target 100 % in 10 years needs 10 points/yr; five years observed.
        (47.5, "on_track"),  # R = 9.5/10 = 0.95 exactly: the edge is on track
        (47.0, "needs_acceleration"),  # R = 0.94
        (30.0, "needs_acceleration"),  # R = 0.60 exactly
        (29.5, "limited_progress"),  # R = 0.59
        (0.0, "limited_progress"),  # R = 0 exactly
        (-0.5, "deterioration"),  # R < 0
        (100.0, "achieved"),  # target already met
    ],
)
def test_sdg_status_edges_linear_rates(value: float, expected: str) -> None:
    assert _status(base_value=0.0, value=value, target_value=100.0) == expected


@pytest.mark.parametrize(
    ("r", "expected"), [(0.95, "on_track"), (0.60, "needs_acceleration"), (0.0, "limited_progress")]
)
@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_sdg_status_edges_compound(r: float, expected: str, direction: str) -> None:
    """Values built so that R = r ± 1e-9 around each edge, for both directions."""
    base, years_obs, years_req = 1.0, 5, 10
    target = 1.5 if direction == "increase" else 0.8
    req = (target / base) ** (1 / years_req) - 1
    below = {
        "on_track": "needs_acceleration",
        "needs_acceleration": "limited_progress",
        "limited_progress": "deterioration",
    }[expected]
    for eps, want in ((1e-9, expected), (-1e-9, below)):
        obs = (r + eps) * abs(req) * (1 if direction == "increase" else -1)
        value = base * (1 + obs) ** years_obs
        got = _status(base_value=base, value=value, target_value=target, direction=direction)
        assert got == want, (r, eps, direction, got)


def test_sdg_ratio_values_decrease_direction() -> None:
    """Intensity index 1 → target 0.95 in 2025; 0.97 in 2023 against a required −1.02 %/yr."""
    r = p.sdg_progress(1.0, 0.97, 0.95, 2020, 2023, 2025, "decrease", ratio_thresholds=SDG, no_target_thresholds=FREE)
    obs = 0.97 ** (1 / 3) - 1
    req = 0.95 ** (1 / 5) - 1
    assert_allclose(r.ratio, -obs / abs(req), rtol=1e-12)
    assert_allclose(r.ratio, 0.9898, atol=1e-4)
    assert str(r.status) == "on_track"
    assert str(r.rate_kind) == "compound"


def test_sdg_special_cases() -> None:
    # achieved in the decrease direction
    assert _status(base_value=1.0, value=0.94, target_value=0.95, direction="decrease") == "achieved"
    # only one data point (year == base year) → no data
    assert _status(base_value=1.0, value=1.0, target_value=2.0, year=2020) == "no_data"
    assert _status(base_value=np.nan, value=1.0, target_value=2.0) == "no_data"
    # the base already met the target, then the measure fell below it → deterioration
    assert _status(base_value=2.0, value=1.9, target_value=2.0) == "deterioration"
    # no target: directed CAGR bands
    assert _status(base_value=100.0, value=100 * 1.02**5, target_value=np.nan) == "on_track"
    assert _status(base_value=100.0, value=100 * 1.01**5, target_value=np.nan) == "needs_acceleration"
    assert _status(base_value=100.0, value=100 * 1.002**5, target_value=np.nan) == "limited_progress"
    assert _status(base_value=100.0, value=100 * 1.01**5, target_value=np.nan, direction="decrease") == "deterioration"
    # no target and a zero base: no CAGR, no status
    assert _status(base_value=0.0, value=5.0, target_value=np.nan) == "no_data"


def test_sdg_vectorised_over_indicators() -> None:
    r = p.sdg_progress(
        [1.0, 1.0, 50.0],
        [0.97, 1.01, 60.0],
        [0.95, 0.95, 80.0],
        2020,
        2023,
        [2025, 2025, 2025],
        ["decrease", "decrease", "increase"],
        ratio_thresholds=SDG,
        no_target_thresholds=FREE,
    )
    assert r.status.shape == (3,)
    assert r.status.tolist() == ["on_track", "deterioration", "needs_acceleration"]


def test_bad_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="direction"):
        p.sdg_progress(1, 2, 3, 2020, 2022, 2025, "up", ratio_thresholds=SDG, no_target_thresholds=FREE)


# ------------------------------------------------------------------ kinds


def test_measure_target_by_kind() -> None:
    got = p.measure_target(
        ["ratio", "count", "reduction", "multiple", "growth"],
        [80.0, 2.0, 5.0, 2.0, 10.0],
        [40.0, 0.0, 2.0, 1.2e6, 100.0],
        2020,
        2025,
    )
    assert_allclose(got, [80.0, 2.0, 1.9, 2.4e6, 100 * 1.1**5], rtol=1e-12)
    with pytest.raises(ValueError, match="unknown indicator kind"):
        p.measure_target("percentage", 1.0, 1.0, 2020, 2025)


def test_reported_values_from_measure() -> None:
    assert_allclose(p.reduction_pct(2.0, 1.9), 5.0, rtol=1e-12)
    assert_allclose(p.multiple_of_base(1.2e6, 2.4e6), 2.0)
    assert_allclose(p.cagr(100.0, 100 * 1.1**5, 5), 0.10, rtol=1e-12)
    assert np.isnan(p.reduction_pct(0.0, 1.0))
    assert np.isnan(p.cagr(0.0, 1.0, 5))
    assert np.isnan(p.cagr(1.0, 2.0, 0))


def test_reduction_indicator_end_to_end() -> None:
    """A 5 % fall target on an intensity of 60 kgCO2/kt·km: measure space, then reported value."""
    base = 60.0
    target = float(p.measure_target("reduction", 5.0, base, 2020, 2025))
    value = 58.0
    r = p.sdg_progress(
        base, value, target, 2020, 2023, 2025, "decrease", ratio_thresholds=SDG, no_target_thresholds=FREE
    )
    assert str(r.status) == "on_track"  # fell 3.33 % in 3 of 5 years
    assert_allclose(p.reduction_pct(base, value), 100 * 2 / 60)


# ------------------------------------------------------------------ target path


def test_worked_trajectory_example() -> None:
    """docs/methods.md: 1.000 (2020) → 0.950 (2025) → 0.905 (2030), linear between waypoints."""
    path = p.target_path([2020, 2025, 2030], [1.000, 0.950, 0.905], np.arange(2021, 2031))
    expected = [0.990, 0.980, 0.970, 0.960, 0.950, 0.941, 0.932, 0.923, 0.914, 0.905]
    assert_allclose(path, expected, atol=1e-12)


def test_compound_path_and_outside_years() -> None:
    path = p.target_path([2020, 2025], [1.0, 0.95], [2019, 2020, 2021, 2025, 2026], shape="compound")
    assert np.isnan(path[0]) and np.isnan(path[-1])
    assert_allclose(path[1:4], [1.0, 0.95**0.2, 0.95], rtol=1e-12)
    with pytest.raises(ValueError, match="positive"):
        p.target_path([2020, 2025], [0.0, 20.0], [2022], shape="compound")
    with pytest.raises(ValueError, match="increase strictly"):
        p.target_path([2025, 2020], [1.0, 0.95], [2022])


def test_completion_to_date() -> None:
    path_2023 = p.target_path([2020, 2025], [1.0, 0.95], 2023)  # 0.97
    assert_allclose(p.completion_to_date(1.0, 0.975, path_2023), 0.025 / 0.03, rtol=1e-9)
    # increasing measure, same formula
    assert_allclose(p.completion_to_date(20.0, 50.0, 60.0), 0.75)
    assert np.isnan(p.completion_to_date(1.0, 1.0, 1.0))


def test_step_completion_relative_and_absolute() -> None:
    # path 0.98 → 0.97 asks −1.0204 %; actual 0.985 → 0.976 is −0.9137 %
    got = p.step_completion(0.985, 0.976, 0.98, 0.97)
    assert_allclose(got, (0.976 / 0.985 - 1) / (0.97 / 0.98 - 1), rtol=1e-12)
    # a share starting at 0 uses absolute steps
    assert_allclose(p.step_completion(0.0, 3.0, 0.0, 4.0), 0.75)


# ------------------------------------------------------------------ China's rule and lights


def test_weather_chart_light_by_the_cited_rule() -> None:
    """发改办环资〔2021〕629号: red when the intensity rose, yellow when it fell by less than required, green when
    the required fall is met (the trucks of the demo: −1.1% … −2.3% against a required −3% are yellow)."""
    base, path = 1.0, 0.97  # a 3% fall required by the target year
    values = [0.95, 0.97, 0.977, 0.989, 1.0, 1.004, np.nan]
    assert_array_equal(
        p.weather_chart_light(base, values, base, path, "decrease"),
        ["green", "green", "yellow", "yellow", "yellow", "red", "grey"],
    )
    # a share that must rise: the same shape
    assert_array_equal(
        p.weather_chart_light(40.0, [55.0, 45.0, 39.0], 40.0, 50.0, "increase"), ["green", "yellow", "red"]
    )
    # a path that allows a move back (the base already beats the target): only a larger move is red
    assert_array_equal(p.weather_chart_light(90.0, [85.0, 75.0], 90.0, 80.0, "increase"), ["green", "red"])
    # exactly on the path, up to rounding, stays green
    assert str(p.weather_chart_light(1.0, 1.0 - 0.03 + 1e-15, 1.0, 0.97, "decrease")) == "green"


def test_target_year_is_judged_on_the_observed_value() -> None:
    assert_array_equal(
        p.target_year_status([0.977, 0.97, 0.96, np.nan], 0.97, "decrease"),
        ["missed", "achieved", "achieved", "no_data"],
    )
    assert_array_equal(p.target_year_status([19.0, 20.0], 20.0, "increase"), ["missed", "achieved"])


def test_natural_limit_coefficient_and_scaled_bands() -> None:
    """Open SDG (sdg-build ProgressMeasure): C = 1 − (y0/lim)^4.44 below the limit, 1 at or beyond twice it."""
    assert_allclose(
        p.natural_limit_coefficient([0.0, 50.0, 90.0, 100.0, 250.0], 100.0),
        [1.0, 1 - 0.5**4.44, 1 - 0.9**4.44, 0.0, 1.0],
    )
    assert_allclose(p.natural_limit_coefficient(120.0, 100.0), 1 - 0.8**4.44)
    bands = p.BandThresholds(0.015, 0.005, 0.0)
    ratio = p.BandThresholds(0.95, 0.60, 0.0)
    # a share at 90% growing 0.6%/yr: needs acceleration unscaled, on track once scaled (C = 0.374)
    kwargs = dict(ratio_thresholds=ratio, no_target_thresholds=bands)
    plain = p.sdg_progress(90.0, 90.0 * 1.006**3, np.nan, 2020, 2023, 2030, "increase", **kwargs)
    scaled = p.sdg_progress(90.0, 90.0 * 1.006**3, np.nan, 2020, 2023, 2030, "increase", natural_limit=100.0, **kwargs)
    assert str(plain.status) == "needs_acceleration" and str(scaled.status) == "on_track"
    at_limit = p.sdg_progress(100.0, 100.0, np.nan, 2020, 2023, 2030, "increase", natural_limit=100.0, **kwargs)
    assert str(at_limit.status) == "on_track"


def test_status_light_and_worst() -> None:
    mapping = {
        "achieved": "green",
        "on_track": "green",
        "needs_acceleration": "yellow",
        "limited_progress": "red",
        "deterioration": "red",
        "no_data": "grey",
        "late": "grey",
    }
    got = p.status_light(["on_track", "late", "needs_acceleration", "deterioration"], mapping)
    assert got.tolist() == ["green", "grey", "yellow", "red"]
    with pytest.raises(ValueError, match="no light configured"):
        p.status_light(["on_track"], {"achieved": "green"})
    worst = p.worst_light(["green", "grey", "yellow", "grey"], ["yellow", "grey", "red", "green"])
    assert worst.tolist() == ["yellow", "grey", "red", "green"]


def test_data_status_override() -> None:
    got = p.with_data_status(["on_track", "on_track", "on_track"], [True, False, False], [True, True, False])
    assert got.tolist() == ["on_track", "late", "no_data"]


def test_milestone_status() -> None:
    got = p.milestone_status(
        [2024, np.nan, np.nan, np.nan, 2027],
        [True, True, False, False, True],
        [2025, 2025, 2030, 2025, 2030],
        [2025, 2025, 2025, 2026, 2025],
    )
    assert got.tolist() == ["done", "in_progress", "not_started", "overdue", "in_progress"]


def test_assessment_score_2014_template() -> None:
    score, vetoed = p.assessment_score(
        [1.2, 0.9, np.nan],
        [0.5, 1.0, 1.0],
        [1.0, 0.6, 0.0],
        annual_points=25,
        cumulative_points=25,
        measures_points=50,
        veto_when_missed=True,
    )
    assert_allclose(score, [25 + 12.5 + 50, 22.5 + 25 + 30, 0 + 25 + 0])
    assert vetoed.tolist() == [False, True, True]
    _, no_veto = p.assessment_score(
        0.5, 1, 1, annual_points=25, cumulative_points=25, measures_points=50, veto_when_missed=False
    )
    assert not bool(no_veto)
