"""Input readers: formats, MarineCadastre names, NMEA via pyais, bilingual errors naming row and column."""

import polars as pl
import pytest

from transcarbon.engines.ships import ShipInputError
from transcarbon.engines.ships.readers import read_ais, read_registry, read_shore_power, read_zones


def test_csv_marinecadastre_and_parquet(tmp_path):
    p = tmp_path / "mc.csv"
    p.write_text(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,Status,Draft\n"
        "412000001,2024-05-01T00:00:00,34.7,119.4,12.5,90,90,0,10.2\n"
    )
    df = read_ais(p).collect()
    assert df.columns == ["mmsi", "ts", "lon", "lat", "sog_kn", "draught_m"]
    assert (
        df.row(0)[0] == 412000001
        and df["sog_kn"][0] == 12.5
        and str(df["ts"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    )
    df.rename({"ts": "timestamp", "sog_kn": "sog", "draught_m": "draught"}).write_parquet(tmp_path / "a.parquet")
    assert read_ais(tmp_path / "a.parquet").collect().equals(df)


def test_nmea_via_pyais(tmp_path):
    from pyais.encode import encode_dict

    lines = []
    for i, lon in enumerate((119.40, 119.41)):
        (s,) = encode_dict({"type": 1, "mmsi": 412000009, "lon": lon, "lat": 34.74, "speed": 8.0}, talker_id="AI")
        lines.append(f"2024-05-01T00:0{i}:00Z,{s}")
    p = tmp_path / "x.nmea"
    p.write_text("\n".join(lines) + "\n")
    df = read_ais(p).collect()
    assert df.height == 2 and df["mmsi"].to_list() == [412000009] * 2
    assert df["lon"][1] == pytest.approx(119.41, abs=1e-4) and df["sog_kn"][0] == pytest.approx(8.0)


def test_registry_error_names_row_column_in_both_languages(tmp_path):
    p = tmp_path / "ships.csv"
    p.write_text("mmsi,ship_type,mcr_kw\n1,bulk_carrier,9000\n2,container,lots\n")
    with pytest.raises(ShipInputError) as e:
        read_registry(p)
    msg = str(e.value)
    assert "ships.csv" in msg and "第 3 行" in msg and "row 3" in msg and "mcr_kw" in msg and "Fix:" in msg
    assert e.value.row == 3 and e.value.column == "mcr_kw"


def test_ais_error_and_sessions_error(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("mmsi,timestamp,lon,lat\n1,2024-05-01T00:00:00Z,119.4,34.7\n1,yesterday,119.4,34.7\n")
    with pytest.raises(ShipInputError, match="row 3, column timestamp"):
        read_ais(p)
    q = tmp_path / "sp.csv"
    q.write_text("mmsi,berth_id,connect_time,disconnect_time,kwh\n1,B,2024-05-01T05:00:00Z,2024-05-01T01:00:00Z,10\n")
    with pytest.raises(ShipInputError, match="断开时间") as e:
        read_shore_power(q)
    assert e.value.row == 2 and e.value.column == "disconnect_time"
    with pytest.raises(ShipInputError, match="missing required column"):
        read_ais(tmp_path / "sp.csv")


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
