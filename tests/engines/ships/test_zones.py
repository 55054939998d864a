"""Zones read from GeoJSON and located by point-in-polygon."""

import polars as pl

from transcarbon.engines.ships.zones import read_zones


def test_packaged_lianyungang_zones():
    from importlib import resources

    path = resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson"
    z = read_zones(str(path))
    kinds = {x.kind for x in z.zones}
    assert kinds == {"berth", "anchorage", "port_area", "eca"}
    assert any(x.has_shore_power for x in z.zones if x.kind == "berth")
    assert [x.sulphur_pct for x in z.zones if x.kind == "eca"] == [0.5]
    hits = z.locate(pl.Series([119.402, 119.58, 120.5]).to_numpy(), pl.Series([34.739, 34.81, 34.0]).to_numpy())
    assert [z.zones[i].kind if i >= 0 else None for i in hits.zone_index] == ["berth", "anchorage", None]
