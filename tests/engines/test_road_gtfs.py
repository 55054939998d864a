"""Bus emissions from a GTFS schedule: a constructed feed by hand (scheduled speed, dwell by time, fleet shares,
battery-electric buses), zero-time segments merged, hours, and refused files naming file, row, column and fix."""

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from transcarbon.engines.road import RoadInputError
from transcarbon.engines.road.gtfs import run_gtfs
from transcarbon.engines.road.inputs import check_vehicles
from transcarbon.engines.road.vehicles import PARAMS, resolve_vehicles
from transcarbon.methods.road.copert import hot_factor

KM_PER_DEG = 6371.0088 * np.pi / 180
DIESEL = ("Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR")


def _write(folder: Path, times: list[tuple[str, str, str, str, int]], fleet: list[tuple]) -> tuple[Path, Path]:
    feed = folder / "feed"
    feed.mkdir()
    lat = [34.6 + k / KM_PER_DEG for k in range(4)]  # stops 1 km apart, due north
    pl.DataFrame({"route_id": ["R1"], "route_type": [3]}).write_csv(feed / "routes.txt")
    pl.DataFrame({"route_id": ["R1"], "service_id": ["WK"], "trip_id": ["T1"]}).write_csv(feed / "trips.txt")
    pl.DataFrame({"stop_id": ["S1", "S2", "S3", "S4"], "stop_lat": lat, "stop_lon": [119.2] * 4}).write_csv(
        feed / "stops.txt"
    )
    pl.DataFrame(
        times, schema=["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], orient="row"
    ).write_csv(feed / "stop_times.txt")
    path = folder / "fleet.csv"
    pl.DataFrame(
        fleet,
        schema=["route_id", "share", "category", "fuel", "segment", "euro_standard", "technology"],
        orient="row",
    ).write_csv(path)
    return feed, path


TIMES = [
    ("T1", "08:00:00", "08:00:00", "S1", 1),
    ("T1", "08:03:00", "08:03:30", "S2", 2),  # 1 km in 180 s: 20 km/h; 30 s at the stop
    ("T1", "08:06:30", "08:06:30", "S3", 3),  # 1 km in 180 s
    ("T1", "08:06:30", "08:06:30", "S4", 4),  # no time to S4: merged into S2 → S4
]


def _row(pollutant: str, fuel: str = "D"):
    v = check_vehicles(
        pl.DataFrame(
            {
                "vehicle_id": ["x"],
                "category": ["Buses"],
                "fuel": [fuel],
                "segment": [DIESEL[2]],
                "euro_standard": [DIESEL[3] if fuel == "D" else "-"],
                "technology": [DIESEL[4] if fuel == "D" else ""],
            }
        ),
        "v.csv",
    )
    p = resolve_vehicles(v)
    return [float(p.lo[pollutant][0, j]) for j in range(len(PARAMS))]


def test_scheduled_speed_dwell_and_shares_by_hand(tmp_path: Path):
    feed, fleet = _write(tmp_path, TIMES, [("R1", 0.5, *DIESEL), ("R1", 0.5, "Buses", "BEV", DIESEL[2], "-", "")])
    res = run_gtfs(feed, fleet, grid_kgco2_per_kwh=0.5827)
    nox, ec = _row("NOx"), _row("EC")
    vmin = nox[PARAMS.index("vmin")]
    dwell_h = 30 / 3600
    # S1 → S2 at 20 km/h; S2 → S4 (merged) 2 km in 180 s at 40 km/h; 30 s dwell at S2 counted by time
    nox_g = float(hot_factor(20.0, *nox)) * 1.0 + float(hot_factor(40.0, *nox)) * 2.0
    nox_g += float(hot_factor(vmin, *nox)) * vmin * dwell_h
    total = res.summary["total"]
    assert total["nox_kg"] == pytest.approx(0.5 * nox_g / 1000, rel=1e-9)  # the electric half emits nothing
    ec_d = float(hot_factor(20.0, *ec)) + float(hot_factor(40.0, *ec)) * 2.0
    ec_d += float(hot_factor(ec[PARAMS.index("vmin")], *ec)) * ec[PARAMS.index("vmin")] * dwell_h
    bev_mj_per_km = 156.5 * 0.036  # packaged 12 m electric bus, kWh/100 km → MJ/km
    ec_e = bev_mj_per_km * 3.0 + bev_mj_per_km * 1.0 * dwell_h  # below its 1 km/h Vmin by time
    assert total["energy_mj"] == pytest.approx(0.5 * ec_d + 0.5 * ec_e, rel=1e-9)
    assert total["distance_km"] == pytest.approx(3.0, rel=1e-9)
    assert total["hours"] == pytest.approx(390 / 3600, rel=1e-9)
    assert total["fuel_kg"] == pytest.approx(0.5 * ec_d / 42.652, rel=1e-9)  # diesel only
    co2 = 0.5 * ec_d * 0.0202 * 0.98 * 44 / 12 / 1000 + 0.5 * ec_e / 3.6 * 0.5827 / 1000
    assert total["co2_t"] == pytest.approx(co2, rel=1e-9)
    segs = res.segments.sort("from_stop")
    assert segs["to_stop"].to_list() == ["S2", "S4"] and segs["trips"].to_list() == [1, 1]
    assert res.hours["hour"].to_list() == [8]
    assert set(res.summary["by_route"]) == {"R1"}


@pytest.mark.parametrize(
    ("times", "fleet", "file", "row", "column"),
    [
        (
            [("T1", "8:61:00", "08:00:00", "S1", 1), *TIMES[1:]],
            [("R1", 1.0, *DIESEL)],
            "stop_times.txt",
            2,
            "arrival_time",
        ),
        ([*TIMES[:3], ("T1", "08:07:00", "08:07:00", "S9", 4)], [("R1", 1.0, *DIESEL)], "stop_times.txt", 5, "stop_id"),
        (TIMES, [("R1", 0.6, *DIESEL)], "fleet.csv", None, "share"),
        (TIMES, [("R9", 1.0, *DIESEL)], "fleet.csv", 2, "route_id"),
    ],
)
def test_bad_files_name_file_row_column(tmp_path: Path, times, fleet, file, row, column):
    feed, path = _write(tmp_path, times, fleet)
    with pytest.raises(RoadInputError) as err:
        run_gtfs(feed, path)
    assert err.value.file.endswith(file) and err.value.row == row and err.value.column == column
    assert "请" in str(err.value) and "Fix:" in str(err.value)


def test_battery_electric_vehicles_have_energy_and_no_exhaust():
    ec, nox = _row("EC", "BEV"), _row("NOx", "BEV")
    assert float(hot_factor(5.0, *ec)) == pytest.approx(float(hot_factor(80.0, *ec))) == pytest.approx(156.5 * 0.036)
    assert float(hot_factor(30.0, *nox)) == 0.0
