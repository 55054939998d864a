"""Registers (台账) and travel surveys of the demo (【示例】 / "[synthetic]"), 2020 … 2025, as report rows.

Each register is filed once a year by its keepers as the whole register as it then stood (every row with a
``valid_from`` up to the year's end): a state that changes gets a new row from the day it changed, and an asset
that leaves gets its ``valid_to``. Magnitudes follow the city's public figures (docs/plan and the city notes):
35 inland berths of 1,000 t and more, ≈ 430–480 transport ships of 600 GT and more (the vessel stock and its
shore-power-ready counts of :mod:`.registrations`), the new airport (opened 2 December 2021, its stands replacing
the old airport's), a built-up area of ≈ 186 km² with bus stops about 550 m apart. The draws use their own seeded
generator, so the rest of the demo is unchanged by them.

Designed outcomes at the end of 2025: inland non-dangerous-goods berths with shore power 100 %; ships ≥ 600 GT
fitted 88 % (as designed in :mod:`.registrations`); key terminals with rail 7 of 8; China II-or-older machinery
replaced ≈ 65 %; stands with APU substitutes 9 of 12 and substitutes used on ≈ 86 % of turns; eligible service
areas with charging 14 of 14; 500 m stop coverage ≈ 99.5 %. The travel survey (2020, 2023, 2025) and the yearly
estimate of motorised trips come from the demo's central-city trips by mode, so that the survey and the
ridership path agree (the demo's bus figures count trips: 1.00 boarding per trip).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import shapely

from transcarbon.city.config import load_city
from transcarbon.demo.generator import DemoData
from transcarbon.demo.organisations import PORT_AREAS
from transcarbon.demo.seasons import YEARS
from transcarbon.demo.sectors.road_passenger import MOTORISED_MODES
from transcarbon.methods.coverage import local_projection
from transcarbon.services.stop_coverage import city_built_up_area

SEED = 20_251_301
"""The registers' own random stream (independent of the generator's)."""
SYNTHETIC = "【示例】"
PORTS = [f"LYG-PORT-{i:03d}" for i in range(1, 13)]


def _years() -> list[int]:
    return [int(y) for y in YEARS]


def _day(rng: np.random.Generator, year: int, first_month: int = 1, last_month: int = 12) -> str:
    month = int(rng.integers(first_month, last_month + 1))
    return date(year, month, int(rng.integers(1, calendar.monthrange(year, month)[1] + 1))).isoformat()


def yearly_filings(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    """Each keeper's whole register as it stood at each year's end: one annual submission per keeper and year."""
    frame = pl.DataFrame(list(rows), infer_schema_length=None)
    parts = [frame.filter(pl.col("valid_from") <= f"{y}-12-31").with_columns(period=pl.lit(str(y))) for y in _years()]
    return pl.concat(parts).sort("org_id", "period", "valid_from")


def berths(data: DemoData, rng: np.random.Generator) -> pl.DataFrame:
    """Coastal berths of the terminal companies (those of the shore-power report with shore power from the month
    it was first used), tug berths, and the 35 inland berths of the holding group's inland ports."""
    areas = {
        2: "lianyungang",
        3: "lianyungang",
        4: "lianyungang",
        5: "lianyungang",
        6: "lianyungang",
        7: "ganyu",
        8: "ganyu",
        9: "xuwei",
        10: "xuwei",
        11: "guanhe",
        12: "lianyungang",
    }
    first_use = data.shore_power.group_by("org_id", "berth_id").agg(pl.col("period").min()).sort("berth_id")
    rows: list[dict[str, Any]] = []

    def berth(org: str, bid: str, name: str, area: str, water: str, dg: str, since: str, **kw: Any) -> dict[str, Any]:
        return {
            "org_id": org,
            "berth_id": bid,
            "berth_name": f"{SYNTHETIC}{name}",
            "port_area": area,
            "water": water,
            "dangerous_goods": dg,
            "shore_power": "none",
            "capacity_kw": None,
            "valid_from": since,
            "valid_to": None,
            **kw,
        }

    for org, sp_id, first in first_use.iter_rows():
        n = int(org[-3:])
        since = _day(rng, int(rng.integers(2005, 2015)))
        rows.append(berth(org, sp_id, f"岸电泊位{sp_id[-2:]}", areas[n], "coastal", "no", since))
        rows.append(
            {
                **rows[-1],
                "shore_power": "built",
                "capacity_kw": 3000.0 if n in (2, 3) else 1600.0,
                "valid_from": min(f"{first}-01", "2019-12-31") if first == "2020-01" else f"{first}-01",
            }
        )
    for n in range(2, 13):
        for k in range(1, 6 if n < 12 else 3):
            dg = "yes" if n == 9 else "no"
            rows.append(
                berth(
                    f"LYG-PORT-{n:03d}",
                    f"LYG-B{n:02d}{k:02d}",
                    f"{PORT_AREAS[areas[n]]}{n}-{k}号泊位",
                    areas[n],
                    "coastal",
                    dg,
                    _day(rng, int(rng.integers(2000, 2019))),
                )
            )
    done_by_year = {2019: 12, 2020: 12, 2021: 16, 2022: 20, 2023: 24, 2024: 28, 2025: 30}
    inland = [f"LYG-IB{k:02d}" for k in range(1, 36)]
    order = rng.permutation(30)
    for k, bid in enumerate(inland):
        dg = "yes" if k >= 30 else "no"
        since = _day(rng, int(rng.integers(2008, 2019)))
        rows.append(berth("LYG-PORT-001", bid, f"内河港口{k + 1}号泊位", "inland", "inland", dg, since))
        if dg == "no":
            rank = int(np.nonzero(order == k)[0][0])
            year = min(y for y, n in done_by_year.items() if rank < n)
            day = _day(rng, year) if year >= 2020 else "2019-10-01"
            kind = "built" if rank % 3 == 0 else "retrofitted"
            rows.append({**rows[-1], "shore_power": kind, "capacity_kw": 250.0, "valid_from": max(day, since)})
    return yearly_filings(rows)


def ships(data: DemoData, rng: np.random.Generator) -> pl.DataFrame:
    """The maritime administration's register: transport ships ≥ 600 GT whose year-end counts and fitted counts
    are the demo's vessel stock, plus small ships and tugs (outside the indicator's scope)."""
    stock = data.fleet_stock.filter(pl.col("category").is_in(["vessel", "vessel_shore_power_ready"]))
    totals = stock.group_by("year", "category").agg(pl.col("count").sum())

    def count(year: int, category: str) -> int:
        return int(totals.filter((pl.col("year") == year) & (pl.col("category") == category))["count"].sum())

    types = ["bulk", "container", "general_cargo", "tanker", "chemical_tanker", "inland_barge"]
    ships_: dict[str, dict[str, Any]] = {}
    fitted: dict[str, str] = {}
    n = 0

    def new(year: int | None) -> str:
        nonlocal n
        n += 1
        sid = f"CN{2000 + n % 20:04d}{n:07d}"
        since = _day(rng, year) if year else _day(rng, int(rng.integers(1998, 2020)))
        ships_[sid] = {
            "ship_id": sid,
            "ship_name": f"{SYNTHETIC}连港{n}号",
            "imo": None,
            "mmsi": f"41{n:07d}",
            "ship_type": types[int(rng.integers(0, len(types)))],
            "gross_tonnage": float(np.round(rng.uniform(600, 60000) if n % 3 else rng.uniform(600, 3000))),
            "valid_from": since,
            "valid_to": None,
        }
        return sid

    def present(day: str) -> list[str]:
        return [
            s for s, r in ships_.items() if r["valid_from"] <= day and (r["valid_to"] is None or r["valid_to"] > day)
        ]

    for _ in range(count(2020, "vessel")):
        new(None)
    for year in _years():
        end = f"{year}-12-31"
        if year > 2020:
            for s in [s for s in present(f"{year - 1}-12-31") if s not in fitted][:12]:
                ships_[s]["valid_to"] = _day(rng, year)
            while len(present(end)) < count(year, "vessel"):
                sid = new(year)
                fitted[sid] = ships_[sid]["valid_from"]  # new ships come with the equipment
        alive = present(end)
        want = count(year, "vessel_shore_power_ready") - sum(1 for s in alive if s in fitted)
        for s in [s for s in alive if s not in fitted][: max(want, 0)]:
            fitted[s] = max(_day(rng, year), ships_[s]["valid_from"])
    rows = []
    for sid, r in ships_.items():
        base = {**r, "org_id": "LYG-GOV-007", "shore_power_receiving": "not_fitted", "fitted_date": None}
        if sid not in fitted or fitted[sid] > r["valid_from"]:
            rows.append(base)
        if sid in fitted:
            rows.append(
                {**base, "shore_power_receiving": "fitted", "fitted_date": fitted[sid], "valid_from": fitted[sid]}
            )
    for k in range(40):  # small ships and tugs: on the register, outside the indicator's scope
        tug = k < 10
        rows.append(
            {
                "org_id": "LYG-GOV-007",
                "ship_id": f"CN2010S{k:06d}",
                "ship_name": f"{SYNTHETIC}港作{k + 1}号",
                "imo": None,
                "mmsi": None,
                "ship_type": "tug" if tug else "inland_barge",
                "gross_tonnage": 420.0 if tug else float(np.round(rng.uniform(100, 590))),
                "shore_power_receiving": "not_fitted",
                "fitted_date": None,
                "valid_from": _day(rng, 2015),
                "valid_to": None,
            }
        )
    return yearly_filings(rows)


def port_areas(rng: np.random.Generator) -> pl.DataFrame:
    """Each terminal company's terminal: eight key terminals, rail reaching seven of them by 2025."""
    names = {
        1: ("庙岭综合作业区", "lianyungang", "no", None),
        2: ("集装箱作业区", "lianyungang", "yes", "2008-06-30"),
        3: ("矿石作业区", "lianyungang", "yes", "2006-09-30"),
        4: ("煤炭作业区", "lianyungang", "yes", "2005-12-31"),
        5: ("通用及滚装作业区", "lianyungang", "yes", "2023-11-28"),
        6: ("粮食作业区", "lianyungang", "yes", "2012-05-31"),
        7: ("赣榆散货作业区", "ganyu", "yes", "2022-12-26"),
        8: ("赣榆通用作业区", "ganyu", "no", None),
        9: ("徐圩液体散货作业区", "xuwei", "yes", "build"),
        10: ("徐圩散货作业区", "xuwei", "yes", "2021-06-30"),
        11: ("燕尾港作业区", "guanhe", "no", None),
        12: ("港作船基地", "lianyungang", "no", None),
    }
    rows: list[dict[str, Any]] = []
    for n, (name, area, key, opened) in names.items():
        base = {
            "org_id": f"LYG-PORT-{n:03d}",
            "terminal_id": f"LYG-T{n:02d}",
            "terminal_name": f"{SYNTHETIC}{name}",
            "port_area": area,
            "key_area": key,
            "rail_access": "no",
            "rail_opened": None,
            "provincial_target_pct": None,
            "valid_from": "2015-01-01",
            "valid_to": None,
        }
        if opened is None:
            rows.append(base)
        elif opened == "build":
            rows += [base, {**base, "rail_access": "under_construction", "valid_from": "2024-03-15"}]
        elif opened < "2020":
            rows.append({**base, "rail_access": "yes", "rail_opened": opened})
        else:
            rows += [base, {**base, "rail_access": "yes", "rail_opened": opened, "valid_from": opened}]
    return yearly_filings(rows)


#: China II-or-older machines on the register (per keeper) and the share replaced or retired by each year's end.
OLD_MACHINES = {
    **{org: 30 for org in PORTS[1:11]},
    "LYG-PORT-001": 20,
    "LYG-PORT-012": 6,
    "LYG-AIR-001": 24,
    "LYG-AIR-002": 6,
    "LYG-AIR-003": 4,
}
REPLACED_SHARE = {2020: 0.12, 2021: 0.22, 2022: 0.33, 2023: 0.44, 2024: 0.55, 2025: 0.65}


def nonroad_machinery(rng: np.random.Generator) -> pl.DataFrame:
    """Port and airport machinery: old (China II or older) machines replaced year by year, most by electric ones,
    and newer machines (China III/IV, electric) outside the indicator's scope."""
    port_types = ["forklift", "loader", "reach_stacker", "yard_crane", "tractor", "excavator"]
    rows: list[dict[str, Any]] = []
    old: list[dict[str, Any]] = []
    n = 0

    def machine(org: str, stage: str, power: str, since: str) -> dict[str, Any]:
        nonlocal n
        n += 1
        kind = "airport_ground_equipment" if org.startswith("LYG-AIR") else port_types[n % len(port_types)]
        return {
            "org_id": org,
            "machine_id": f"320700-{since[:4]}-{n:06d}",
            "machine_type": kind,
            "emission_stage": stage,
            "power": power,
            "rated_power_kw": float(rng.integers(30, 260)),
            "registered_date": since,
            "status": "in_use",
            "valid_from": since,
            "valid_to": None,
        }

    for org, k in OLD_MACHINES.items():
        for _ in range(k):
            stage = ["pre_china_1", "china_1", "china_2", "china_2"][int(rng.integers(0, 4))]
            old.append(machine(org, stage, "diesel", _day(rng, int(rng.integers(2005, 2014)))))
        for _ in range(k // 2):
            rows.append(machine(org, ["china_3", "china_4"][int(rng.integers(0, 2))], "diesel", _day(rng, 2018)))
    rows += old
    order = rng.permutation(len(old))
    done = 0
    for year in _years():
        target = round(REPLACED_SHARE[year] * len(old))
        for i in order[done:target]:
            m = old[int(i)]
            day = _day(rng, year)
            status = "replaced" if i % 4 else "retired"
            rows.append({**m, "status": status, "valid_from": day})
            if status == "replaced":
                rows.append(machine(m["org_id"], "electric", "electric", day) | {"machine_type": m["machine_type"]})
        done = target
    return yearly_filings(rows)


def airport_stands(rng: np.random.Generator) -> pl.DataFrame:
    """The old airport's six remote stands (until the move on 2 December 2021) and the new airport's twelve,
    equipped with ground power and pre-conditioned air stand by stand (9 of 12 by 2025)."""
    move = "2021-12-02"
    rows: list[dict[str, Any]] = []
    for k in range(1, 7):
        gpu = "yes" if k <= 2 else "no"
        rows.append(
            {
                "org_id": "LYG-AIR-001",
                "stand_id": f"B{k:02d}",
                "stand_type": "remote",
                "ground_power": gpu,
                "preconditioned_air": "no",
                "installed_date": None,
                "valid_from": "2010-01-01",
                "valid_to": move,
            }
        )
    equipped = {
        1: move,
        2: move,
        3: move,
        4: move,
        5: "2022-05-20",
        6: "2022-10-08",
        7: "2023-06-16",
        8: "2024-04-25",
        9: "2025-05-30",
    }
    for k in range(1, 13):
        base = {
            "org_id": "LYG-AIR-001",
            "stand_id": f"{100 + k}",
            "stand_type": "contact" if k <= 5 else "remote",
            "ground_power": "no",
            "preconditioned_air": "no",
            "installed_date": None,
            "valid_from": move,
            "valid_to": None,
        }
        when = equipped.get(k)
        if when != move:
            rows.append(base)
        if when is not None:
            rows.append(
                {**base, "ground_power": "yes", "preconditioned_air": "yes", "installed_date": when, "valid_from": when}
            )
    return yearly_filings(rows)


#: Share of turns at equipped stands served by the substitutes, per year (rising with habit and rules).
SUBSTITUTE_USE = {2020: 0.52, 2021: 0.58, 2022: 0.66, 2023: 0.74, 2024: 0.81, 2025: 0.86}


def apu_use(rng: np.random.Generator) -> pl.DataFrame:
    """Monthly turns at stands with APU substitutes and those served by them (contact and remote stands)."""
    rows = []
    for year in _years():
        for month in range(1, 13):
            for stand_type, turns_mean in (("contact", 380.0), ("remote", 150.0)):
                scale = 0.45 if (year, month) < (2021, 12) else 1.0  # the old airport: two equipped stands
                turns = int(rng.poisson(turns_mean * scale * (0.8 if stand_type == "remote" and year < 2022 else 1)))
                share = min(0.99, SUBSTITUTE_USE[year] + rng.normal(0, 0.02))
                served = round(turns * share)
                rows.append(
                    {
                        "org_id": "LYG-AIR-001",
                        "period": f"{year}-{month:02d}",
                        "stand_type": stand_type,
                        "turns": turns,
                        "substitute_turns": served,
                        "apu_hours": round((turns - served) * 0.75 + turns * 0.08, 1),
                        "substitute_hours": round(served * 0.9, 1),
                    }
                )
    return pl.DataFrame(rows)


def service_areas(rng: np.random.Generator) -> pl.DataFrame:
    """Sixteen expressway and trunk-road service areas, fourteen eligible for charging, all of them charging by
    2025."""
    roads = [
        ("G15", "expressway", "ganyu"),
        ("G15", "expressway", "guanyun"),
        ("G25", "expressway", "donghai"),
        ("G30", "expressway", "haizhou"),
        ("G30", "expressway", "donghai"),
        ("G1516", "expressway", "guannan"),
        ("S242", "expressway", "guanyun"),
        ("G15", "expressway", "lianyun"),
        ("G30", "expressway", "lianyun"),
        ("G25", "expressway", "guannan"),
        ("G204", "trunk_road", "ganyu"),
        ("G204", "trunk_road", "guanyun"),
        ("G310", "trunk_road", "donghai"),
        ("S323", "trunk_road", "haizhou"),
        ("S236", "trunk_road", "guannan"),
        ("S245", "trunk_road", "donghai"),
    ]
    first_charging = [2018, 2018, 2019, 2019, 2019, 2019, 2019, 2019, 2021, 2021, 2022, 2022, 2023, 2025, None, None]
    rows: list[dict[str, Any]] = []
    for k, ((road, cls, district), year) in enumerate(zip(roads, first_charging, strict=True), start=1):
        base = {
            "org_id": "LYG-OTH-004",
            "area_id": f"{road}-SA-{k:02d}",
            "area_name": f"{SYNTHETIC}{road}服务区{k}",
            "road_class": cls,
            "district": district,
            "eligible": "no" if year is None else "yes",
            "charging_points": 0,
            "fast_charging_points": 0,
            "valid_from": "2012-01-01",
            "valid_to": None,
        }
        rows.append(base)
        if year is not None:
            points = int(rng.integers(4, 13)) if cls == "expressway" else int(rng.integers(2, 5))
            rows.append(
                {**base, "charging_points": points, "fast_charging_points": points // 2, "valid_from": _day(rng, year)}
            )
    return yearly_filings(rows)


STOP_SPACING_M = 550.0
"""Spacing of the demo's stop grid [m]: the discs of 500 m then cover the built-up area but for gaps."""


def bus_stops(rng: np.random.Generator) -> pl.DataFrame:
    """Stops on a jittered 550 m grid over the built-up area, with gaps that new stops fill year by year and a few
    stops withdrawn: coverage ≈ 97.4 % (2020) → ≈ 99.5 % (2025)."""
    area = city_built_up_area(load_city())
    assert area is not None
    rows: list[dict[str, Any]] = []
    n = 0
    for area_id, geom in area.parts:
        minx, miny, maxx, maxy = geom.bounds
        forward, inverse = local_projection((minx + maxx) / 2, (miny + maxy) / 2)
        (x0, x1), (y0, y1) = forward.transform([minx, maxx], [miny, maxy])
        xs = np.arange(x0, x1, STOP_SPACING_M)
        ys = np.arange(y0, y1, STOP_SPACING_M)
        gx, gy = np.meshgrid(xs, ys)
        gx = gx.ravel() + rng.uniform(-110, 110, gx.size)
        gy = gy.ravel() + rng.uniform(-110, 110, gy.size)
        lon, lat = inverse.transform(gx, gy)
        inside = shapely.contains_xy(geom, lon, lat)
        for x, y in zip(np.asarray(lon)[inside], np.asarray(lat)[inside], strict=True):
            n += 1
            u = rng.uniform()
            since = (
                _day(rng, int(rng.integers(2008, 2020)))
                if u < 0.86
                else _day(rng, 2021 + int((u - 0.86) / 0.03))
                if u < 0.995
                else None
            )
            if since is None:
                continue  # a gap left in 2025
            row = {
                "org_id": "LYG-BUS-001",
                "stop_id": f"S{n:04d}",
                "stop_name": f"{SYNTHETIC}{area_id}站{n:04d}",
                "stop_lat": round(float(y), 6),
                "stop_lon": round(float(x), 6),
                "valid_from": since,
                "valid_to": None,
            }
            if u < 0.01:  # withdrawn when a road was rebuilt
                row["valid_to"] = _day(rng, 2023)
            rows.append(row)
    return yearly_filings(rows)


def travel_survey(data: DemoData) -> pl.DataFrame:
    """The central city's trips per day by mode in the survey years (household surveys 2020 and 2025, a
    mobile-signalling analysis 2023), from the demo's monthly trips by mode."""
    per_day = _trips_per_day(data)
    method = {2020: "household_survey", 2023: "mobile_signalling", 2025: "household_survey"}
    rows = [
        {
            "org_id": "LYG-GOV-001",
            "period": str(y),
            "area": "central_city",
            "mode": m,
            "trips_daily": round(v, 2),
            "method": method[y],
            "sample_size": 12000 if method[y] == "household_survey" else None,
        }
        for y, m, v in per_day.iter_rows()
        if y in method
    ]
    return pl.DataFrame(rows)


def trip_estimate(data: DemoData) -> pl.DataFrame:
    """The yearly estimate of the central city's motorised trips per day (mobile signalling)."""
    per_day = _trips_per_day(data).filter(pl.col("mode").is_in([_MODE.get(m, m) for m in MOTORISED_MODES]))
    totals = per_day.group_by("year").agg(pl.col("trips").sum()).sort("year")
    return pl.DataFrame(
        [
            {
                "org_id": "LYG-GOV-001",
                "period": str(y),
                "area": "central_city",
                "motorised_trips_daily": round(v, 2),
                "boardings_per_trip": 1.0,
                "method": "mobile_signalling",
            }
            for y, v in totals.iter_rows()
        ]
    )


_MODE = {"ebike": "e_bike", "private_car": "car"}


def _trips_per_day(data: DemoData) -> pl.DataFrame:
    """year, mode (the survey's codes), trips per day [万人次/日]."""
    r = data.ridership.with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))
    g = r.group_by("year", "mode").agg(pl.col("trips").sum())
    days = pl.col("year").map_elements(lambda y: 366 if calendar.isleap(y) else 365, return_dtype=pl.Int64)
    return g.select("year", pl.col("mode").replace(_MODE), (pl.col("trips") / days / 1e4).alias("trips")).sort(
        "year", "mode"
    )


def register_frames(data: DemoData) -> dict[str, pl.DataFrame]:
    """The demo's rows of every register, APU use and travel survey (``org_id``, ``period`` and the fields)."""
    rng = np.random.default_rng(SEED)
    return {
        "berths": berths(data, rng),
        "ships": ships(data, rng),
        "port_areas": port_areas(rng),
        "nonroad_machinery": nonroad_machinery(rng),
        "airport_stands": airport_stands(rng),
        "apu_use": apu_use(rng),
        "service_areas": service_areas(rng),
        "bus_stops": bus_stops(rng),
        "travel_survey": travel_survey(data),
        "trip_estimate": trip_estimate(data),
    }
