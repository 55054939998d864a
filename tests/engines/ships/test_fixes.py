"""Cleaning the fixes: invalid, duplicate and spike fixes dropped and counted, ships sorted by time."""

import polars as pl

from ship_fixtures import BULK, HOURS, eastward, registry, run
from transcarbon.engines.ships.fixes import clean_fixes
from transcarbon.engines.ships.options import InventoryOptions


def test_spike_dropped():
    ais = eastward(1, HOURS, 12.0, 120.0, 33.0)
    spiky = ais.with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(pl.col("lat") + 1.0).otherwise(pl.col("lat")).alias("lat")
    )
    res = run(spiky, registry(BULK))
    assert res.lineage["data_quality"]["dropped_spike"] == 1


def test_invalid_and_duplicate_fixes_dropped_and_ships_sorted():
    a = eastward(1, HOURS, 12.0, 120.0, 33.0)
    b = eastward(2, HOURS, 12.0, 120.0, 33.1)
    bad = a.head(2).with_columns(pl.Series("lon", [0.0, 181.0]), pl.Series("lat", [0.0, 33.0]))
    ais = pl.concat([b.reverse(), a, a.slice(3, 1), bad])  # unsorted, one duplicate, two invalid
    fx, counts = clean_fixes(ais, InventoryOptions())
    assert counts == {"positions": 15, "dropped_invalid": 2, "dropped_duplicate": 1, "dropped_spike": 0}
    assert fx.mmsi.tolist() == [1] * 6 + [2] * 6
    assert (fx.ts[1:6] > fx.ts[:5]).all() and (fx.ts[7:] > fx.ts[6:11]).all()
    assert fx.pair_nm is not None and fx.pair_nm.shape == (11,)
