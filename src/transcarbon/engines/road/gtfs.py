"""Bus emissions from a GTFS schedule (what gtfs2emis does in R): trips × shapes × scheduled speeds × the fleet
assigned to each route → COPERT Tier 3 emissions per route, stop-to-stop segment and hour.

Inputs:

- a GTFS feed, a folder or a zip with ``routes.txt``, ``trips.txt``, ``stop_times.txt``, ``stops.txt`` and
  optionally ``shapes.txt`` (``calendar.txt`` is not read: every trip of ``trips.txt`` runs once, or those of
  the ``service_id`` asked);
- a fleet CSV ``route_id, share, category, fuel, segment, euro_standard, technology`` (+ optional ``load``) in
  the naming of the trajectory vehicles (:mod:`.vehicles`, battery-electric buses as fuel ``BEV``): the shares
  of a route's trips run by each kind of bus, adding up to 1 per route.

Method, per trip in stop order:

1. segment i → i+1 runs from the departure at stop i to the arrival at stop i+1; a segment of zero scheduled time
   (times given to the minute) is merged with the next ones until time passes (at the end of a trip, with the
   previous one);
2. distance along the trip's shape between the points of the shape nearest to the two stops (searched forward
   along the shape, so a loop is followed in order), or the great-circle distance between the stops without a
   shape; scheduled speed V = distance / time;
3. emissions of the segment by :func:`.segments.emissions` for each kind of bus of the route, weighted by its
   share; the dwell at a stop (arrival → departure) is time below Vmin, counted by time (the idle rule);
4. aggregates per route, per segment (route, from stop, to stop, with the stops' coordinates and the number of
   trips), per hour of the service day (the departure's hour, times past 24:00 wrapping to the next day) and per
   route × hour, with the measures of the trajectory contract; a measure sums the parts that have it (a
   battery-electric bus burns no fuel) and is null where none has it.

Errors in the files (missing columns, times that are not HH:MM:SS, unknown stops or routes, a route without a
fleet, shares that do not add up to 1) stop the run with file, row, column and fix in Chinese and English.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.road.errors import RoadInputError
from transcarbon.engines.road.inputs import check_vehicles
from transcarbon.engines.road.kernel import EARTH_RADIUS_KM, OUTPUTS
from transcarbon.engines.road.segments import below_vmin, contract_columns, emissions
from transcarbon.engines.road.vehicles import VehicleParams, resolve_vehicles
from transcarbon.methods.road import METHOD_VERSION

METHOD = "road_gtfs_copert_tier3"
SUMS = (*OUTPUTS, "idle_hours")
REQUIRED = {
    "routes.txt": ("route_id",),
    "trips.txt": ("route_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
    "stops.txt": ("stop_id", "stop_lat", "stop_lon"),
}
FLEET_COLUMNS = ("route_id", "share", "category", "fuel", "segment", "euro_standard", "technology")
SHARE_TOLERANCE = 1e-6


@dataclass
class GtfsResult:
    """``summary`` = ``{"total": {...}, "by_route": {"<route>": {...}}}``; frames per route, segment, hour and
    route × hour; ``lineage`` (method, files with SHA-256, factor sets)."""

    summary: dict[str, object]
    routes: pl.DataFrame
    segments: pl.DataFrame
    hours: pl.DataFrame
    route_hours: pl.DataFrame
    lineage: dict[str, object] = field(default_factory=dict)


class _Feed:
    """The text files of a feed (folder or zip) and their SHA-256."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        self.files: dict[str, bytes] = {}
        if path.is_dir():
            for f in path.glob("*.txt"):
                self.files[f.name] = f.read_bytes()
        elif path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    if info.filename.endswith(".txt"):
                        self.files[Path(info.filename).name] = z.read(info)
        else:
            raise RoadInputError(
                self.name,
                "不是 GTFS 文件夹或 zip 文件",
                "is not a GTFS folder or zip file",
                "给出 GTFS 文件夹或 zip 的路径",
                "give the path of a GTFS folder or zip",
            )
        self.sha256 = hashlib.sha256(b"".join(self.files[k] for k in sorted(self.files))).hexdigest()

    def table(self, name: str, required: bool = True) -> pl.DataFrame | None:
        if name not in self.files:
            if not required:
                return None
            raise RoadInputError(
                f"{self.name}/{name}",
                "GTFS 中缺少该文件",
                "the feed lacks this file",
                f"在 GTFS 中加入 {name}",
                f"add {name} to the feed",
            )
        frame = pl.read_csv(io.BytesIO(self.files[name]), infer_schema=False)
        frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
        missing = [c for c in REQUIRED.get(name, ()) if c not in frame.columns]
        if missing:
            raise RoadInputError(
                f"{self.name}/{name}",
                f"缺少必需列 {', '.join(missing)}",
                f"missing required column(s) {', '.join(missing)}",
                "按 GTFS 规范补充这些列",
                "add them as the GTFS reference names them",
                row=1,
                column=missing[0],
            )
        return frame.with_columns(pl.col(c).str.strip_chars() for c in frame.columns)


def _bad(
    file: str, frame: pl.DataFrame, mask: pl.Series, column: str, zh: str, en: str, fix_zh: str, fix_en: str
) -> None:
    hits = mask.arg_true()
    if hits.len():
        i = int(hits[0])
        value = frame[column][i] if column in frame.columns else None
        raise RoadInputError(file, f"值 {value!r} {zh}", f"value {value!r} {en}", fix_zh, fix_en, i + 2, column)


def _seconds(file: str, frame: pl.DataFrame, column: str) -> NDArray[np.int64]:
    parts = frame[column].str.extract_groups(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")
    h, m, s = (parts.struct.field(k).cast(pl.Int64) for k in ("1", "2", "3"))
    secs = h * 3600 + m * 60 + s
    _bad(
        file,
        frame,
        secs.is_null(),
        column,
        "不是 HH:MM:SS 时间",
        "is not a HH:MM:SS time",
        "写成 07:05:00（可超过 24:00）",
        "write it as 07:05:00 (past 24:00 allowed)",
    )
    return secs.to_numpy().astype(np.int64)


def _float(file: str, frame: pl.DataFrame, column: str, lo: float, hi: float) -> NDArray[np.float64]:
    values = frame[column].cast(pl.Float64, strict=False)
    _bad(
        file,
        frame,
        values.is_null() | (values < lo) | (values > hi),
        column,
        f"不是 {lo:g} 到 {hi:g} 之间的数",
        f"is not a number from {lo:g} to {hi:g}",
        "填写十进制数",
        "enter a decimal number",
    )
    return values.to_numpy().astype(np.float64)


def _haversine(
    lon0: NDArray[np.float64], lat0: NDArray[np.float64], lon1: NDArray[np.float64], lat1: NDArray[np.float64]
) -> NDArray[np.float64]:
    r = np.pi / 180.0
    a = np.sin((lat1 - lat0) * r / 2) ** 2 + np.cos(lat0 * r) * np.cos(lat1 * r) * np.sin((lon1 - lon0) * r / 2) ** 2
    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return out


def _along_shape(
    shape: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Distance along the shape [km] of the shape point nearest to each stop, searched forward from the previous
    stop's point (stops in trip order)."""
    slon, slat, cum = shape
    out = np.zeros(lon.size)
    start = 0
    scale = np.cos(np.deg2rad(slat.mean()))
    for i in range(lon.size):
        d = (slon[start:] - lon[i]) ** 2 * scale**2 + (slat[start:] - lat[i]) ** 2
        start += int(np.argmin(d))
        out[i] = cum[start]
    return out


def _fleet(path: Path, routes: set[str]) -> tuple[pl.DataFrame, str]:
    file = path.name
    if not path.is_file():
        raise RoadInputError(file, "文件不存在", "the file does not exist", "检查路径", "check the path")
    raw = pl.read_csv(path, infer_schema=False)
    missing = [c for c in FLEET_COLUMNS if c not in raw.columns]
    if missing:
        raise RoadInputError(
            file,
            f"缺少必需列 {', '.join(missing)}",
            f"missing required column(s) {', '.join(missing)}",
            f"添加这些列（{', '.join(FLEET_COLUMNS)}；load 可选）",
            f"add them ({', '.join(FLEET_COLUMNS)}; load optional)",
            row=1,
            column=missing[0],
        )
    share = _float(file, raw, "share", 0.0, 1.0)
    raw = raw.with_columns(pl.Series("share", share), pl.col("route_id").str.strip_chars())
    unknown = raw.with_row_index("i").filter(~pl.col("route_id").is_in(list(routes)))
    if unknown.height:
        raise RoadInputError(
            file,
            f"线路 {unknown['route_id'][0]!r} 不在 GTFS 的 routes.txt 中",
            f"route {unknown['route_id'][0]!r} is not in the feed's routes.txt",
            "改为 GTFS 中的 route_id",
            "use a route_id of the feed",
            int(unknown["i"][0]) + 2,
            "route_id",
        )
    sums = raw.group_by("route_id").agg(pl.col("share").sum())
    off = sums.filter((pl.col("share") - 1.0).abs() > SHARE_TOLERANCE)
    if off.height:
        r = off.row(0, named=True)
        raise RoadInputError(
            file,
            f"线路 {r['route_id']} 的车型占比合计为 {r['share']:g}",
            f"the shares of route {r['route_id']} add up to {r['share']:g}",
            "使每条线路的 share 合计为 1",
            "make the shares of each route add up to 1",
            column="share",
        )
    return raw, file


def run_gtfs(
    feed: str | Path,
    fleet: str | Path,
    *,
    service_id: str | None = None,
    grid_kgco2_per_kwh: float | None = None,
) -> GtfsResult:
    """Emissions of the trips of ``feed`` run by ``fleet`` (see the module docstring)."""
    f = _Feed(Path(feed))
    routes = f.table("routes.txt")
    trips = f.table("trips.txt")
    stop_times = f.table("stop_times.txt")
    stops = f.table("stops.txt")
    shapes = f.table("shapes.txt", required=False)
    assert routes is not None and trips is not None and stop_times is not None and stops is not None
    if service_id is not None and "service_id" in trips.columns:
        trips = trips.filter(pl.col("service_id") == service_id)
    fleet_rows, fleet_file = _fleet(Path(fleet), set(routes["route_id"].to_list()))
    served = set(fleet_rows["route_id"].to_list())
    lacking = sorted(set(trips["route_id"].to_list()) - served)
    if lacking:
        raise RoadInputError(
            fleet_file,
            f"线路 {', '.join(lacking[:5])} 没有车型分配",
            f"route(s) {', '.join(lacking[:5])} have no fleet",
            "为每条有班次的线路填写车型及占比",
            "give every route with trips its buses and shares",
            column="route_id",
        )
    vehicles = fleet_rows.with_row_index("n").with_columns(
        (pl.col("route_id") + "#" + pl.col("n").cast(pl.String)).alias("vehicle_id")
    )
    checked = check_vehicles(
        vehicles.select("vehicle_id", *FLEET_COLUMNS[2:], *(["load"] if "load" in vehicles.columns else [])), fleet_file
    )
    params = resolve_vehicles(checked, fleet_file, grid_kgco2_per_kwh=grid_kgco2_per_kwh)

    st_file = f"{f.name}/stop_times.txt"
    arr = _seconds(st_file, stop_times, "arrival_time")
    dep = _seconds(st_file, stop_times, "departure_time")
    seq = stop_times["stop_sequence"].cast(pl.Int64, strict=False)
    _bad(
        st_file,
        stop_times,
        seq.is_null(),
        "stop_sequence",
        "不是整数",
        "is not a whole number",
        "填写站序",
        "enter the stop sequence",
    )
    s_file = f"{f.name}/stops.txt"
    stop_xy = stops.select(
        "stop_id",
        pl.Series("lon", _float(s_file, stops, "stop_lon", -180, 180)),
        pl.Series("lat", _float(s_file, stops, "stop_lat", -90, 90)),
    )
    st = (
        stop_times.select("trip_id", "stop_id")
        .with_columns(pl.Series("arr", arr), pl.Series("dep", dep), seq.alias("seq"))
        .with_row_index("__row", offset=2)
        .join(
            trips.select("trip_id", "route_id", *(["shape_id"] if "shape_id" in trips.columns else [])),
            on="trip_id",
            how="inner",
        )
        .join(stop_xy, on="stop_id", how="left")
        .sort("trip_id", "seq")
    )
    unknown = st.filter(pl.col("lon").is_null())
    if unknown.height:
        raise RoadInputError(
            st_file,
            f"站点 {unknown['stop_id'][0]!r} 不在 stops.txt 中",
            f"stop {unknown['stop_id'][0]!r} is not in stops.txt",
            "在 stops.txt 中补充该站点",
            "add the stop to stops.txt",
            int(unknown["__row"][0]),
            "stop_id",
        )
    shape_pts = _shapes(f.name, shapes)
    seg = _segments(st, shape_pts)
    inputs = {"feed": f.sha256, "fleet": hashlib.sha256(Path(fleet).read_bytes()).hexdigest()}
    return _emissions(seg, vehicles, params, inputs, service_id)


def _shapes(feed: str, shapes: pl.DataFrame | None) -> dict[str, tuple[NDArray[np.float64], ...]]:
    if shapes is None:
        return {}
    file = f"{feed}/shapes.txt"
    lon = _float(file, shapes, "shape_pt_lon", -180, 180)
    lat = _float(file, shapes, "shape_pt_lat", -90, 90)
    frame = shapes.select(
        "shape_id", pl.col("shape_pt_sequence").cast(pl.Int64, strict=False).alias("seq")
    ).with_columns(pl.Series("lon", lon), pl.Series("lat", lat))
    out: dict[str, tuple[NDArray[np.float64], ...]] = {}
    for (sid,), g in frame.sort("shape_id", "seq").group_by("shape_id", maintain_order=True):
        x, y = g["lon"].to_numpy().astype(np.float64), g["lat"].to_numpy().astype(np.float64)
        cum = np.concatenate([[0.0], np.cumsum(_haversine(x[:-1], y[:-1], x[1:], y[1:]))])
        out[str(sid)] = (x, y, cum)
    return out


def _segments(st: pl.DataFrame, shapes: dict[str, tuple[NDArray[np.float64], ...]]) -> pl.DataFrame:
    """Stop-to-stop segments of every trip (zero-time segments merged forward), with distance, times, dwell."""
    rows: list[tuple[object, ...]] = []
    has_shape = "shape_id" in st.columns
    cache: dict[tuple[str, tuple[str, ...]], NDArray[np.float64]] = {}
    for (trip,), g in st.group_by("trip_id", maintain_order=True):
        stop_ids = g["stop_id"].to_list()
        lon, lat = g["lon"].to_numpy(), g["lat"].to_numpy()
        shape_id = g["shape_id"][0] if has_shape else None
        if shape_id in shapes:
            key = (str(shape_id), tuple(stop_ids))
            if key not in cache:
                cache[key] = _along_shape(shapes[str(shape_id)], lon, lat)  # type: ignore[arg-type]
            pos = cache[key]
        else:
            pos = np.concatenate([[0.0], np.cumsum(_haversine(lon[:-1], lat[:-1], lon[1:], lat[1:]))])
        arr, dep = g["arr"].to_numpy(), g["dep"].to_numpy()
        route = g["route_id"][0]
        trip_rows: list[tuple[object, ...]] = []
        starts: list[int] = []
        i = 0
        while i < len(stop_ids) - 1:
            j = i + 1
            while j < len(stop_ids) - 1 and arr[j] <= dep[i]:
                j += 1
            seconds = max(int(arr[j] - dep[i]), 0)
            if seconds == 0 and trip_rows:  # the trip's last stops share a time: extend the previous segment
                trip_rows.pop()
                i = starts.pop()
                seconds = max(int(arr[j] - dep[i]), 0)
            starts.append(i)
            dwell = max(int(dep[i] - arr[i]), 0)
            trip_rows.append(
                (
                    route,
                    str(trip),
                    stop_ids[i],
                    stop_ids[j],
                    float(lon[i]),
                    float(lat[i]),
                    float(lon[j]),
                    float(lat[j]),
                    float(max(pos[j] - pos[i], 0.0)),
                    seconds,
                    int(dep[i]),
                    dwell,
                )
            )
            i = j
        rows += trip_rows
    return pl.DataFrame(
        rows,
        schema=[
            "route_id",
            "trip_id",
            "from_stop",
            "to_stop",
            "lon0",
            "lat0",
            "lon1",
            "lat1",
            "distance_km",
            "seconds",
            "depart_s",
            "dwell_s",
        ],
        orient="row",
    )


def _emissions(
    seg: pl.DataFrame, vehicles: pl.DataFrame, params: VehicleParams, inputs: dict[str, str], service_id: str | None
) -> GtfsResult:
    index = params.index
    options = vehicles.select("route_id", "vehicle_id", "share").with_columns(
        pl.col("vehicle_id").replace_strict(index, return_dtype=pl.Int32).alias("v")
    )
    driven = seg.filter(pl.col("seconds") > 0).with_columns(
        (pl.col("seconds") / 3600.0).alias("hours_drive"),
        (pl.col("distance_km") / (pl.col("seconds") / 3600.0)).alias("speed_kmh"),
    )
    # each driven part, and each dwell as a part at speed 0 (time below Vmin), once per bus kind of its route
    parts = pl.concat(
        [
            driven.select(
                "route_id",
                "trip_id",
                "from_stop",
                "to_stop",
                "depart_s",
                "distance_km",
                pl.col("hours_drive").alias("hours"),
                "speed_kmh",
            ),
            seg.filter(pl.col("dwell_s") > 0).select(
                "route_id",
                "trip_id",
                "from_stop",
                "to_stop",
                "depart_s",
                pl.lit(0.0).alias("distance_km"),
                (pl.col("dwell_s") / 3600.0).alias("hours"),
                pl.lit(0.0).alias("speed_kmh"),
            ),
        ]
    ).join(options, on="route_id", how="inner")
    kinds = params.kind[parts["v"].to_numpy()]
    order = np.argsort(kinds, kind="stable")
    parts = parts[order]
    kk = kinds[order]
    dist, hours, vel = (parts[c].to_numpy().astype(np.float64) for c in ("distance_km", "hours", "speed_kmh"))
    cols = {
        "distance_km": dist,
        "hours": hours,
        **contract_columns(params, kk, emissions(params, kk, dist, hours, vel)),
    }
    cols["idle_hours"] = np.where(below_vmin(params, kk, vel), hours, 0.0)
    share = parts["share"].to_numpy().astype(np.float64)
    weighted = (
        parts.select("route_id", "from_stop", "to_stop", "depart_s", "trip_id")
        .with_columns([pl.Series(c, cols[c] * share) for c in SUMS])
        .with_columns((pl.col("depart_s") // 3600 % 24).cast(pl.Int32).alias("hour"))
    )
    # a measure sums the parts that have it (a battery-electric bus burns no fuel); null where none has it
    total_agg = [
        pl.when(pl.col(c).is_nan().all()).then(None).otherwise(pl.col(c).fill_nan(None).sum()).alias(c) for c in SUMS
    ]
    routes = weighted.group_by("route_id").agg(*total_agg, pl.col("trip_id").n_unique().alias("trips")).sort("route_id")
    coords = seg.group_by("route_id", "from_stop", "to_stop").agg(pl.col("lon0", "lat0", "lon1", "lat1").first())
    segments = (
        weighted.group_by("route_id", "from_stop", "to_stop")
        .agg(*total_agg, pl.col("trip_id").n_unique().alias("trips"))
        .join(coords, on=["route_id", "from_stop", "to_stop"], how="left")
        .sort("route_id", "from_stop", "to_stop")
    )
    hours_f = weighted.group_by("hour").agg(*total_agg).sort("hour")
    route_hours = weighted.group_by("route_id", "hour").agg(*total_agg).sort("route_id", "hour")
    by_route = {r["route_id"]: {c: r[c] for c in OUTPUTS} for r in routes.iter_rows(named=True)}
    total = {c: (None if routes[c].null_count() == routes.height else float(routes[c].sum())) for c in OUTPUTS}
    summary: dict[str, object] = {
        "total": total,
        "by_route": by_route,
        "trips": int(seg["trip_id"].n_unique()),
        "segments": int(segments.height),
    }
    lineage: dict[str, object] = {
        "method": METHOD,
        "method_version": METHOD_VERSION,
        "service_id": service_id,
        "inputs": inputs,
        "factor_sets": params.refs,
    }
    return GtfsResult(summary, routes, segments, hours_f, route_hours, lineage)
