"""IPCC approach 1 (methods/uncertainty.py) against hand propagation, and the quality grade."""

from __future__ import annotations

import math

import polars as pl
import pytest

from transcarbon.methods.uncertainty import (
    co2_variance_by,
    combine_product,
    combine_sum,
    grade,
    grade_expr,
    level_u,
    ratio_u,
)


def test_two_inputs_propagated_by_hand() -> None:
    """300 t CO2 of reported diesel (activity ±5%, factor ±4.2%) and 100 t of metered electricity (±2.5%, grid
    ±5%): each line by eq. 3.1, the total by eq. 3.2 — and the same through the frame function."""
    u_diesel = math.sqrt(0.05**2 + 0.042**2)  # 0.06530
    u_power = math.sqrt(0.025**2 + 0.05**2)  # 0.05590
    assert combine_product(0.05, 0.042) == pytest.approx(u_diesel)
    by_hand = math.sqrt((300 * u_diesel) ** 2 + (100 * u_power) ** 2)  # sqrt(225 + 158.76 + 6.25 + 25) = 20.372
    assert by_hand == pytest.approx(math.sqrt(415.01))
    assert combine_sum([300, 100], [u_diesel, u_power]) * 400 == pytest.approx(by_hand)
    lines = pl.DataFrame(
        {
            "co2_t": [300.0, 100.0],
            "u_activity": [0.05, 0.025],
            "u_factor": [0.042, 0.05],
            "factor_key": ["fuel_properties:diesel", "grid:CN-JS:2023"],
        }
    )
    assert math.sqrt(co2_variance_by(lines, [])["co2_u2"][0]) == pytest.approx(by_hand, rel=1e-12)


def test_a_factor_shared_by_lines_is_correlated() -> None:
    """Two lines on one factor row: activity errors add in quadrature, the factor's error on their sum."""
    lines = pl.DataFrame(
        {"co2_t": [100.0, 100.0], "u_activity": [0.05, 0.05], "u_factor": [0.04, 0.04], "factor_key": ["f", "f"]}
    )
    assert co2_variance_by(lines, [])["co2_u2"][0] == pytest.approx(2 * 5.0**2 + (0.04 * 200) ** 2)  # 114
    grouped = co2_variance_by(lines.with_columns(pl.Series("sector", ["a", "b"])), ["sector"]).sort("sector")
    assert grouped["co2_u2"].to_list() == pytest.approx([5.0**2 + 4.0**2] * 2)


def test_ratio_of_two_years_cancels_a_shared_factor() -> None:
    """The same factor row in both years cancels (type A sensitivity); a row used in one year counts whole."""
    base = pl.DataFrame({"factor_key": ["d"], "co2_t": [100.0], "a2": [25.0], "u_factor": [0.042]})
    same = pl.DataFrame({"factor_key": ["d"], "co2_t": [90.0], "a2": [20.25], "u_factor": [0.042]})
    assert ratio_u(base, same) == pytest.approx(math.sqrt(0.05**2 + 0.05**2))  # only the activity terms remain
    assert level_u(same) == pytest.approx(math.sqrt(0.05**2 + 0.042**2))
    switched = pl.DataFrame(
        {"factor_key": ["d", "g"], "co2_t": [60.0, 30.0], "a2": [9.0, 2.25], "u_factor": [0.042, 0.05]}
    )
    # shares: d 1.0 → 2/3, g 0 → 1/3
    factor = (0.042 * (2 / 3 - 1)) ** 2 + (0.05 * (1 / 3)) ** 2
    activity = (9.0 + 2.25) / 90**2 + 25.0 / 100**2
    assert ratio_u(base, switched) == pytest.approx(math.sqrt(factor + activity))


def test_grades() -> None:
    assert [grade(s) for s in (0.0, 0.5, 0.51, 1.5, 2.2, 2.6, None, float("nan"))] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        None,
        None,
    ]
    frame = pl.DataFrame({"s": [0.2, 1.0, 2.0, 3.0, None]})
    assert frame.select(grade_expr(pl.col("s")).alias("g"))["g"].to_list() == ["A", "B", "C", "D", None]
