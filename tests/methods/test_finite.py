"""Computations refuse non-finite input, naming the columns (defence in depth behind the input checks)."""

from __future__ import annotations

import polars as pl
import pytest

from transcarbon.methods.finite import NonFiniteInput, require_finite
from transcarbon.methods.lmdi import lmdi_decompose


def test_require_finite_names_every_bad_column() -> None:
    frame = pl.DataFrame({"a": [1.0, None], "b": [float("inf"), 1.0], "c": [float("nan"), 2.0]})
    require_finite(frame, ["a", "missing"], "test")  # nulls and absent columns are not this check's business
    with pytest.raises(NonFiniteInput) as exc:
        require_finite(frame, ["a", "b", "c"], "test")
    assert exc.value.columns == ["b", "c"]


def test_lmdi_refuses_an_infinite_input() -> None:
    frame = pl.DataFrame(
        {
            "year": [2020, 2021],
            "sector": ["road_freight"] * 2,
            "fuel": ["diesel"] * 2,
            "activity": [100.0, 110.0],
            "energy": [10.0, float("inf")],
            "co2": [1.0, 1.1],
        }
    )
    with pytest.raises(NonFiniteInput, match="energy"):
        lmdi_decompose(frame, 2020, 2021)
