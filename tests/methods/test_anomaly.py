"""The modified z-score of Iglewicz and Hoaglin (methods/anomaly.py) against hand-computed values."""

from __future__ import annotations

import math

import polars as pl
import pytest
from numpy.testing import assert_allclose

from transcarbon.methods.anomaly import MAD_SCALE, OUTLIER_Z, robust_z, trailing_z


def test_constants_of_the_reference() -> None:
    assert MAD_SCALE == 0.6745 and OUTLIER_Z == 3.5


def test_robust_z_one_group_hand_computed() -> None:
    # x = 1, 2, 3, 4, 100: median 3; |x − 3| = 2, 1, 0, 1, 97 → MAD 1; M = 0.6745 (x − 3)
    f = robust_z(pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 100.0]}), "x", [])
    assert f["median"].to_list() == [3.0] * 5 and f["mad"].to_list() == [1.0] * 5 and f["n"].to_list() == [5] * 5
    assert_allclose(f["z"].to_numpy(), [-1.349, -0.6745, 0.0, 0.6745, 65.4265], rtol=1e-12)
    assert [abs(z) > OUTLIER_Z for z in f["z"]] == [False, False, False, False, True]


def test_robust_z_per_group_and_zero_mad() -> None:
    # A: 10, 12, 14 → median 12, MAD 2 → M = ∓0.6745; B: 5, 5, 5, 9 → MAD 0 → M undefined (null)
    frame = pl.DataFrame({"g": ["A", "A", "A", "B", "B", "B", "B"], "x": [10.0, 12.0, 14.0, 5.0, 5.0, 5.0, 9.0]})
    f = robust_z(frame, "x", ["g"])
    a, b = f.filter(pl.col("g") == "A"), f.filter(pl.col("g") == "B")
    assert_allclose(a["z"].to_numpy(), [-0.6745, 0.0, 0.6745], rtol=1e-12)
    assert a["mad"].to_list() == [2.0] * 3 and a["n"].to_list() == [3] * 3
    assert b["mad"].to_list() == [0.0] * 4 and b["z"].null_count() == 4


def _series(values: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {"org_id": "A", "period": list(values), "year": [int(p[:4]) for p in values], "x": list(values.values())}
    )


def test_trailing_z_hand_computed() -> None:
    e = math.e
    # ln of the history 1, 2, 3, 4 (a zero is left out): median 2.5, |ln h − 2.5| = 1.5, .5, .5, 1.5 → MAD 1
    frame = _series(
        {
            "2024-01": e,
            "2024-02": e**2,
            "2024-03": e**3,
            "2024-04": e**4,
            "2024-05": 0.0,
            "2025-01": e**10,
            "2025-02": e**4,
        }
    )
    z = trailing_z(frame, "x", ["org_id"], 2025, window=4).sort("period")
    jan, feb = z.row(0, named=True), z.row(1, named=True)
    assert jan["n"] == 4 and jan["mad"] == pytest.approx(1.0)
    assert jan["z"] == pytest.approx(0.6745 * (10 - 2.5))  # 5.05875
    assert jan["median"] == pytest.approx((e**2 + e**3) / 2)
    assert jan["ratio"] == pytest.approx(e**10 / ((e**2 + e**3) / 2))
    # February's history is e², e³, e⁴ and January's e¹⁰: ln median 3.5, deviations 1.5, .5, .5, 6.5 → MAD 1
    assert feb["n"] == 4 and feb["z"] == pytest.approx(0.6745 * (4 - 3.5))  # 0.33725
    # a window of 2: ln 3, 4 → median 3.5, MAD 0.5
    short = trailing_z(frame, "x", ["org_id"], 2025, window=2).sort("period").row(0, named=True)
    assert short["n"] == 2 and short["z"] == pytest.approx(0.6745 * (10 - 3.5) / 0.5)  # 8.7685


def test_trailing_z_flat_history_has_no_score() -> None:
    z = trailing_z(_series({"2024-01": 7.0, "2024-02": 7.0, "2024-03": 7.0, "2025-01": 70.0}), "x", ["org_id"], 2025)
    assert z["mad"].to_list() == [0.0] and z["z"].to_list() == [None] and z["ratio"].to_list() == [10.0]


def test_trailing_robust_z() -> None:
    periods = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01", "2025-02"]
    values = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98, 100, 400]
    frame = pl.DataFrame(
        {"org_id": "A", "period": periods, "year": [int(p[:4]) for p in periods], "x": [float(v) for v in values]}
    )
    z = trailing_z(frame, "x", ["org_id"], 2025).sort("period")
    assert z["n"].to_list() == [12, 12]
    assert abs(z["z"][0]) < 1.0 and z["z"][1] > 3.5
    assert z["median"][1] == pytest.approx(100.0)
