"""``transcarbon coverage``: the JSON contract on a hand-computed case (one stop in a square), GTFS zip feeds,
the city's default area, and a stop outside the plausible range refused with its row."""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from transcarbon.cli import app
from transcarbon.methods.coverage import local_projection

runner = CliRunner()


def _square_geojson(path: Path, side_m: float = 2000.0) -> Path:
    _, inverse = local_projection(119.2, 34.6)
    h = side_m / 2
    lon, lat = inverse.transform([-h, h, h, -h, -h], [-h, -h, h, h, -h])
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"district": "sq", "name_zh": "方块", "name_en": "square"},
                "geometry": {"type": "Polygon", "coordinates": [[[x, y] for x, y in zip(lon, lat, strict=True)]]},
            }
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


STOPS = (
    "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
    "A,centre,34.6,119.2,0,\n"
    "E,entrance,34.61,119.21,2,A\n"
)


def test_json_contract_reproduces_the_hand_computed_case(tmp_path: Path) -> None:
    area = _square_geojson(tmp_path / "area.geojson")
    stops = tmp_path / "stops.txt"
    stops.write_text(STOPS, encoding="utf-8")
    result = runner.invoke(app, ["coverage", "--stops", str(stops), "--area", str(area), "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"coverage", "covered_km2", "area_km2", "stops", "radius_m"} <= set(out)
    assert out["stops"] == 1  # the entrance (location_type 2) is not a stop
    assert out["radius_m"] == 500
    assert out["area_km2"] == pytest.approx(4.0, rel=1e-6)
    assert out["coverage"] == pytest.approx(math.pi * 0.25 / 4, rel=2e-4)
    assert out["covered_km2"] == pytest.approx(math.pi * 0.25, rel=2e-4)


def test_a_gtfs_zip_and_another_radius(tmp_path: Path) -> None:
    area = _square_geojson(tmp_path / "area.geojson")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("feed/stops.txt", STOPS)
        z.writestr("feed/routes.txt", "route_id\n1\n")
    feed = tmp_path / "feed.zip"
    feed.write_bytes(buf.getvalue())
    result = runner.invoke(app, ["coverage", "--stops", str(feed), "--area", str(area), "--radius-m", "300", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["coverage"] == pytest.approx(math.pi * 0.09 / 4, rel=2e-4)


def test_the_city_area_by_default_marked_approximate(tmp_path: Path) -> None:
    stops = tmp_path / "stops.txt"
    stops.write_text("stop_id,stop_name,stop_lat,stop_lon\nA,a,34.60,119.18\n", encoding="utf-8")
    result = runner.invoke(app, ["coverage", "--stops", str(stops), "--json"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["approximate_area"] is True
    assert {a["id"] for a in out["areas"]} == {"haizhou", "lianyun", "ganyu"}
    assert 150 < out["area_km2"] < 200
    table = runner.invoke(app, ["coverage", "--stops", str(stops)])
    assert table.exit_code == 0 and "海州区" in table.stdout and "approximate" in table.stderr


def test_a_stop_outside_the_plausible_range_is_refused_with_its_row(tmp_path: Path) -> None:
    area = _square_geojson(tmp_path / "area.geojson")
    stops = tmp_path / "stops.txt"
    stops.write_text("stop_id,stop_name,stop_lat,stop_lon\nA,a,34.6,119.2\nB,swapped,119.2,34.6\n", encoding="utf-8")
    result = runner.invoke(app, ["coverage", "--stops", str(stops), "--area", str(area), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "stops.txt 第3行" in result.stderr and "stop_lat" in result.stderr and "row 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_columns_and_files_are_refused(tmp_path: Path) -> None:
    area = _square_geojson(tmp_path / "area.geojson")
    stops = tmp_path / "stops.txt"
    stops.write_text("id,lat,lon\nA,34.6,119.2\n", encoding="utf-8")
    result = runner.invoke(app, ["coverage", "--stops", str(stops), "--area", str(area)])
    assert result.exit_code == 1 and "stop_id" in result.stderr
    gone = runner.invoke(app, ["coverage", "--stops", str(tmp_path / "none.txt"), "--area", str(area)])
    assert gone.exit_code == 2
