"""Tabular AIS readers: CSV, MarineCadastre names, Parquet, and bilingual errors naming row and column."""

import pytest

from transcarbon.engines.ships import ShipInputError
from transcarbon.engines.ships.ais_readers import read_ais


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


def test_ais_errors_name_row_and_column(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("mmsi,timestamp,lon,lat\n1,2024-05-01T00:00:00Z,119.4,34.7\n1,yesterday,119.4,34.7\n")
    with pytest.raises(ShipInputError, match="row 3, column timestamp"):
        read_ais(p)
    q = tmp_path / "sp.csv"
    q.write_text("mmsi,berth_id,connect_time,disconnect_time,kwh\n1,B,2024-05-01T05:00:00Z,2024-05-01T01:00:00Z,10\n")
    with pytest.raises(ShipInputError, match="missing required column"):
        read_ais(tmp_path / "sp.csv")


def test_values_outside_physical_bounds_read_as_not_available(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text(
        "mmsi,timestamp,lon,lat,sog,draught\n"
        "1,2024-05-01T00:00:00Z,119.4,34.7,inf,1e309\n"
        "1,2024-05-01T00:01:00Z,181,91,102.3,NaN\n"
        "1,2024-05-01T00:02:00Z,119.4,34.7,12.5,10.2\n"
    )
    df = read_ais(p).collect()
    assert df["sog_kn"].to_list() == [None, None, 12.5]
    assert df["draught_m"].to_list() == [None, None, 10.2]
    assert df["lon"].to_list() == [119.4, None, 119.4] and df["lat"].to_list() == [34.7, None, 34.7]
