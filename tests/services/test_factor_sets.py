"""The factor library as faces see it: the sets in manifest order, one set by name, the region codes, and
an unknown name refused with the names there are."""

from __future__ import annotations

import pytest

from transcarbon.services.factor_sets import FactorUnavailable, factor_set, factor_sets, region_codes


def test_sets_and_one_set_with_its_sources() -> None:
    names = [s.name for s in factor_sets()]
    assert {"energy_statistics", "ndrc_land_2015", "mee_grid"} <= set(names)
    grid = factor_set("mee_grid")
    assert grid.kind == "grid" and len(grid.content_hash) == 64
    assert grid.table["source"].null_count() == 0


def test_an_unknown_set_names_the_known_ones() -> None:
    with pytest.raises(FactorUnavailable, match=r"unknown factor set 'nope'; known: .*energy_statistics"):
        factor_set("nope")


def test_region_codes() -> None:
    codes = region_codes()
    assert {"CN-JS", "east_china", "national"} <= set(codes)
