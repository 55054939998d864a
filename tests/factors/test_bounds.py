"""Physical bounds: every quantity has a finite range and a source; a value outside or not finite is caught."""

from __future__ import annotations

import polars as pl

from transcarbon.factors.bounds import physical_bounds


def test_every_bound_has_a_range_and_a_source() -> None:
    bounds = physical_bounds()
    assert len(bounds.content_hash) == 64
    assert {"lat_deg", "lon_deg", "sog_kn", "gt", "mcr_kw", "shore_kwh_per_session"} <= set(bounds.bounds)
    for b in bounds.bounds.values():
        assert b.min <= b.max and len(b.source) > 20


def test_outside_catches_non_finite_and_out_of_range() -> None:
    frame = pl.DataFrame({"v": [12.0, None, float("inf"), float("nan"), -1.0, 200.0]})
    flagged = frame.select(physical_bounds()["sog_kn"].outside(pl.col("v")))["v"].to_list()
    assert flagged == [False, False, True, True, True, True]
