"""A synthetic day of road movement for the demo (示例数据): a small GTFS feed of four central-city bus routes with
the fleet assigned to them, and one day of BeiDou/GPS points of port trucks and buses with their vehicle file.

- GTFS: four routes through 海州区 (stops about 600 m apart on shapes with gentle bends), trips both ways from
  06:00 to 22:00 every 10 minutes at the peaks (07–09, 17–19) and every 15 minutes otherwise; scheduled speeds
  16 km/h at the peaks and 22 km/h otherwise, 25 s at each stop. Fleet shares per route follow the bus group's
  mostly electric fleet (battery-electric, CNG, diesel China V and VI).
- Trajectories (15 May 2024, Asia/Shanghai): 24 container trucks shuttling between the 连云港区 terminals and an
  inland logistics park, 6 trucks to 徐圩 and back, and 12 buses running the GTFS routes, a fix every 10 s
  while moving (half of the vehicles report their speed); a few duplicates and one position jump, as real feeds
  have.

Everything is deterministic (seeded) and labelled synthetic; the files go into a folder the caller gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

SEED = 20240515
CST = timezone(timedelta(hours=8))
DAY = datetime(2024, 5, 15, tzinfo=CST)
KM_PER_DEG_LAT = 111.195
Array = NDArray[np.float64]

#: Waypoints (lon, lat) of the four bus routes (central 海州区, synthetic).
BUS_ROUTES: dict[str, list[tuple[float, float]]] = {
    "B1": [(119.150, 34.600), (119.175, 34.602), (119.200, 34.598), (119.222, 34.605)],
    "B2": [(119.185, 34.570), (119.188, 34.590), (119.182, 34.612), (119.186, 34.632)],
    "B3": [(119.140, 34.585), (119.165, 34.588), (119.180, 34.575), (119.210, 34.580)],
    "B4": [(119.160, 34.625), (119.178, 34.615), (119.205, 34.620), (119.230, 34.628)],
}
#: Share of each route's trips by kind of bus, in the trajectory vehicles' naming (COPERT; BEV by energy).
BUS_FLEET: dict[str, list[tuple[float, str, str, str, str, str]]] = {
    "B1": [(1.0, "Buses", "BEV", "Ubus Std 15 - 18 t", "-", "")],
    "B2": [(0.7, "Buses", "BEV", "Ubus Std 15 - 18 t", "-", ""), (0.3, "Buses", "CNG", "Urban CNG Buses", "EEV", "")],
    "B3": [(0.6, "Buses", "BEV", "Ubus Std 15 - 18 t", "-", ""), (0.4, "Buses", "D", "Ubus Std 15 - 18 t", "V", "SCR")],
    "B4": [
        (0.5, "Buses", "BEV", "Ubus Std 15 - 18 t", "-", ""),
        (0.5, "Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR"),
    ],
}
STOP_SPACING_KM = 0.6
DWELL_S = 25
PORT = (119.452, 34.742)
PARK = (119.205, 34.578)
XUWEI = (119.583, 34.572)


def _polyline(points: list[tuple[float, float]], step_km: float) -> tuple[Array, Array, Array]:
    """Points every ``step_km`` along straight legs between waypoints: lon, lat, distance from the start [km]."""
    lon, lat = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    kx = KM_PER_DEG_LAT * np.cos(np.deg2rad(lat.mean()))
    leg = np.hypot(np.diff(lon) * kx, np.diff(lat) * KM_PER_DEG_LAT)
    cum = np.concatenate([[0.0], np.cumsum(leg)])
    d = np.arange(0.0, cum[-1], step_km)
    d = np.append(d, cum[-1])
    return np.interp(d, cum, lon), np.interp(d, cum, lat), d


def _hhmmss(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _peak(second_of_day: float) -> bool:
    h = second_of_day / 3600
    return 7 <= h < 9 or 17 <= h < 19


def write_gtfs(folder: Path) -> tuple[Path, Path]:
    """The synthetic feed (a folder of GTFS text files) and its fleet CSV, written under ``folder``."""
    feed = folder / "gtfs"
    feed.mkdir(parents=True, exist_ok=True)
    stops, shapes, trips, times = [], [], [], []
    for route, waypoints in BUS_ROUTES.items():
        for direction in (0, 1):
            pts = waypoints if direction == 0 else waypoints[::-1]
            shape_id = f"{route}-{direction}"
            slon, slat, sd = _polyline(pts, 0.05)
            shapes += [
                (shape_id, i + 1, round(x, 6), round(y, 6)) for i, (x, y) in enumerate(zip(slon, slat, strict=True))
            ]
            n_stops = int(sd[-1] // STOP_SPACING_KM) + 1
            stop_d = np.linspace(0.0, sd[-1], n_stops)
            stop_ids = [f"{shape_id}-S{k + 1:02d}" for k in range(n_stops)]
            stops += [
                (
                    sid,
                    f"【示例】{route}路{'上行' if direction == 0 else '下行'}第{k + 1}站",
                    round(float(np.interp(d, sd, slon)), 6),
                    round(float(np.interp(d, sd, slat)), 6),
                )
                for k, (sid, d) in enumerate(zip(stop_ids, stop_d, strict=True))
            ]
            t = 6 * 3600 + (0 if direction == 0 else 300)
            n = 0
            while t < 22 * 3600:
                trip_id = f"{shape_id}-T{n + 1:03d}"
                trips.append((route, "WEEKDAY", trip_id, direction, shape_id))
                clock = float(t)
                for k, sid in enumerate(stop_ids):
                    if k:
                        speed = 16.0 if _peak(clock) else 22.0
                        clock += (stop_d[k] - stop_d[k - 1]) / speed * 3600
                    arrive = round(clock)
                    depart = arrive + (DWELL_S if 0 < k < n_stops - 1 else 0)
                    times.append((trip_id, _hhmmss(arrive), _hhmmss(depart), sid, k + 1))
                    clock = float(depart)
                t += 600 if _peak(t) else 900
                n += 1
    _csv(
        feed / "agency.txt",
        ["agency_id", "agency_name", "agency_url", "agency_timezone"],
        [("LYG-BUS", "【示例】连云港公交（合成数据）", "https://example.invalid/", "Asia/Shanghai")],
    )
    _csv(
        feed / "routes.txt",
        ["route_id", "agency_id", "route_short_name", "route_type"],
        [(r, "LYG-BUS", f"{r}路", 3) for r in BUS_ROUTES],
    )
    _csv(feed / "stops.txt", ["stop_id", "stop_name", "stop_lon", "stop_lat"], stops)
    _csv(feed / "shapes.txt", ["shape_id", "shape_pt_sequence", "shape_pt_lon", "shape_pt_lat"], shapes)
    _csv(feed / "trips.txt", ["route_id", "service_id", "trip_id", "direction_id", "shape_id"], trips)
    _csv(feed / "stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], times)
    _csv(
        feed / "calendar.txt",
        [
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
        [("WEEKDAY", 1, 1, 1, 1, 1, 0, 0, "20240101", "20241231")],
    )
    fleet = folder / "gtfs_fleet.csv"
    _csv(
        fleet,
        ["route_id", "share", "category", "fuel", "segment", "euro_standard", "technology"],
        [(r, *row) for r, rows in BUS_FLEET.items() for row in rows],
    )
    return feed, fleet


def _csv(path: Path, header: list[str], rows: Sequence[tuple[object, ...]]) -> None:
    pl.DataFrame(rows, schema=header, orient="row").write_csv(path)


# --------------------------------------------------------------------------- trajectories


@dataclass(frozen=True)
class _Vehicle:
    vehicle_id: str
    path: list[tuple[float, float]]
    start_s: float
    trips: int
    cruise_kmh: float
    reports_speed: bool


def _drive(rng: np.random.Generator, v: _Vehicle) -> pl.DataFrame:
    """Fixes every 10 s along ``path`` back and forth ``trips`` times, 20 minutes at each end (no fixes: the
    device sleeps when parked), speed around the cruise speed with slow stretches."""
    lon, lat, d = _polyline(v.path, 0.01)
    out_lon, out_lat, out_t, out_v = [], [], [], []
    clock = v.start_s
    for trip in range(v.trips):
        forward = trip % 2 == 0
        pos, t = 0.0, clock
        while pos < d[-1]:
            speed = max(3.0, v.cruise_kmh * (0.55 + 0.45 * np.sin(pos / 2.3) ** 2) + rng.normal(0.0, 3.0))
            s = pos if forward else d[-1] - pos
            out_lon.append(float(np.interp(s, d, lon)))
            out_lat.append(float(np.interp(s, d, lat)))
            out_t.append(t)
            out_v.append(speed)
            pos += speed * 10.0 / 3600.0
            t += 10.0
        clock = t + 1200.0
    n = len(out_t)
    frame = pl.DataFrame(
        {
            "vehicle_id": [v.vehicle_id] * n,
            "timestamp": [(DAY + timedelta(seconds=s)).isoformat() for s in out_t],
            "lon": np.round(out_lon, 6),
            "lat": np.round(out_lat, 6),
            "speed_kmh": np.round(out_v, 1) if v.reports_speed else [None] * n,
        },
        schema={
            "vehicle_id": pl.String,
            "timestamp": pl.String,
            "lon": pl.Float64,
            "lat": pl.Float64,
            "speed_kmh": pl.Float64,
        },
    )
    return frame


def write_trajectories(folder: Path) -> tuple[Path, Path]:
    """One day of points (Parquet, zone-aware timestamps) and the vehicle file (CSV), written under ``folder``."""
    rng = np.random.default_rng(SEED)
    vehicles: list[_Vehicle] = []
    rows: list[tuple[object, ...]] = []
    via = (119.33, 34.66)
    for k in range(24):
        vid = f"SYN-TRK-{k + 1:03d}"
        vehicles.append(_Vehicle(vid, [PORT, via, PARK], 5.5 * 3600 + k * 900, 6, 55.0, k % 2 == 0))
        stage, tech = ("VI A/B/C", "DPF+SCR") if k % 3 else ("国V", "")
        rows.append(
            (vid, "Heavy Duty Trucks", "D", "Articulated 40 - 50 t", stage, tech, round(0.5 + 0.02 * (k % 10), 2))
        )
    for k in range(6):
        vid = f"SYN-TRK-X{k + 1:02d}"
        vehicles.append(_Vehicle(vid, [PORT, (119.52, 34.66), XUWEI], 6 * 3600 + k * 1800, 4, 60.0, True))
        rows.append((vid, "Heavy Duty Trucks", "D", "Articulated 34 - 40 t", "VI D/E", "DPF+SCR", 0.8))
    for k in range(12):
        route = list(BUS_ROUTES)[k % 4]
        vid = f"SYN-BUS-{k + 1:03d}"
        vehicles.append(_Vehicle(vid, BUS_ROUTES[route], 6 * 3600 + k * 600, 16, 24.0, k % 2 == 1))
        _share, *kind = BUS_FLEET[route][k % len(BUS_FLEET[route])]
        rows.append((vid, *kind, 0.5))
    points = pl.concat([_drive(rng, v) for v in vehicles])
    # a few duplicated fixes and one position jump, as real feeds have
    dup = points.sample(n=20, seed=SEED)
    jump = points.slice(5000, 1).with_columns(pl.col("lon") + 0.3)
    points = pl.concat([points.slice(0, 5000), jump, points.slice(5001), dup])
    points = points.with_columns(pl.col("timestamp").str.to_datetime(time_zone="Asia/Shanghai", time_unit="us"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "trajectories_2024-05-15.parquet"
    points.write_parquet(path)
    vehicles_csv = folder / "trajectory_vehicles.csv"
    _csv(vehicles_csv, ["vehicle_id", "category", "fuel", "segment", "euro_standard", "technology", "load"], rows)
    return path, vehicles_csv
