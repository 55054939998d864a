"""What an evaluation reads: approved rows whose numbers are not finite are set aside, by id, not carried on."""

from __future__ import annotations

import math

import polars as pl

from transcarbon.services.evaluation.inputs import finite_rows, with_quarter


def test_rows_with_a_number_that_is_not_finite_are_set_aside_by_id() -> None:
    rows = pl.DataFrame(
        {"report_row_id": [1, 2, 3, 4], "kwh": [10.0, math.inf, None, 5.0], "share": [0.1, 0.2, 0.3, math.nan]}
    )
    kept, aside = finite_rows({"shore_power": rows, "empty": rows.clear()})
    assert kept["shore_power"]["report_row_id"].to_list() == [1, 3]  # a missing value is not a broken one
    assert aside == {"shore_power": [2, 4]}
    assert kept["empty"].height == 0


def test_quarters_of_months_and_of_rows_without_months() -> None:
    q = with_quarter(pl.DataFrame({"month": [1, 3, 4, 12, None]}, schema={"month": pl.Int64}))
    assert q["quarter"].to_list() == [1, 1, 2, 4, None]
    assert with_quarter(pl.DataFrame({"year": [2024]}))["quarter"].to_list() == [None]
