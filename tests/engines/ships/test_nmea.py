"""NMEA sentences decoded with pyais into the normalised AIS frame."""

import pytest

from transcarbon.engines.ships.ais_readers import read_ais


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
