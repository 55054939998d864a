"""The demo's vehicle register (机动车登记, synthetic): year-end stock and new registrations by district × class ×
use × service × powertrain × China stage × model year, 2020 … 2025, plus the kilometres, energy economy and road
fuel sales that the bottom-up road inventory reads.

Two kinds of fleets make up the register, so that it tells the same story as the reports:

- the **reporting fleets** of :mod:`.sectors` (buses, taxis, coaches, the ten truck fleets, official cars,
  sanitation trucks) with exactly their stock by power type; model years by first-in first-out retirement (a
  fleet's additions of a year are that model year, the 2019 stock spread evenly over the years before);
- the **rest of the city** (private cars, minicars, ride-hailing cars, vans, trucks of non-reporting firms,
  motorcycles …): sales by model year (a growth profile scaled so that the class has its 2022 stock), split by
  powertrain shares that move between anchor years, and the stock of each model year from the class's survival
  curve (Hao et al. 2011 / mandatory scrappage; :func:`transcarbon.services.road.fleet_model.survival`). Private
  cars registered in 2020 … 2025 are those of :mod:`.registrations`.

Magnitudes (docs/sources/lianyungang.md): 1,051,168 motor vehicles (2021) and 113.1万 (2022) [V]; ≈ 6–7万
commercial trucks [D, rough]; the rest assumed. China stages by model year follow Jiangsu's early adoption
(China 5 light-duty from 2016, China 6a from 2019-07 [R]), assumed here. Everything is labelled synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from transcarbon.demo.fleets import Fleet, largest_remainder
from transcarbon.demo.organisations import DISTRICTS
from transcarbon.demo.registrations import private_car_sales
from transcarbon.demo.seasons import YEARS
from transcarbon.demo.sectors import rail_aviation_other, road_freight, road_passenger
from transcarbon.services.road.fleet_model import survival

REGISTRY_YEARS: tuple[int, ...] = tuple(int(y) for y in YEARS)
FIRST_MODEL_YEAR = 1995
REPORTER = "LYG-GOV-004"
"""Public security (车管所) reports the register."""

#: Share of a city-wide fleet registered in each district (population and car ownership, assumed).
DISTRICT_WEIGHTS = np.array([0.30, 0.10, 0.18, 0.16, 0.14, 0.12])

#: China stage by the first model year it applies to (light-duty petrol; heavy-duty and gas; motorcycles),
#: Jiangsu dates where it ran ahead of the country (assumed from the national dates in data/road).
LIGHT_STAGES = (
    (2000, "CN1"),
    (2005, "CN2"),
    (2008, "CN3"),
    (2011, "CN4"),
    (2016, "CN5"),
    (2019, "CN6A"),
    (2023, "CN6B"),
)
HEAVY_STAGES = (
    (2001, "CN1"),
    (2004, "CN2"),
    (2008, "CN3"),
    (2013, "CN4"),
    (2017, "CN5"),
    (2021, "CN6A"),
    (2023, "CN6B"),
)
MOTORCYCLE_STAGES = ((2004, "CN1"), (2008, "CN2"), (2011, "CN3"), (2019, "CN4"))
HEAVY_CLASSES = frozenset({"pv_large", "bus", "truck_medium", "truck_heavy"})
ZERO_EMISSION = frozenset({"bev", "fcev"})

SCHEMA: dict[str, type[pl.DataType]] = {
    "period": pl.String,
    "district": pl.String,
    "vehicle_class": pl.String,
    "use": pl.String,
    "service": pl.String,
    "powertrain": pl.String,
    "stage": pl.String,
    "model_year": pl.Int64,
    "stock": pl.Int64,
    "new_registrations": pl.Int64,
}


def stage_of(vehicle_class: str, powertrain: str, model_year: int) -> str | None:
    """The China stage of a new vehicle of ``model_year`` (None for battery-electric and fuel-cell ones)."""
    if powertrain in ZERO_EMISSION:
        return None
    table: tuple[tuple[int, str], ...]
    if vehicle_class == "motorcycle":
        table = MOTORCYCLE_STAGES
    elif vehicle_class in HEAVY_CLASSES or powertrain in ("cng", "lng"):
        table = HEAVY_STAGES
    else:
        table = LIGHT_STAGES
    stage = "CN0"
    for first, name in table:
        if model_year >= first:
            stage = name
    return stage


# --------------------------------------------------------------------------- reporting fleets


@dataclass(frozen=True)
class Reported:
    """A reporting fleet of the demo and where it sits in the register."""

    fleet: Fleet
    vehicle_class: str
    use: str
    service: str
    district: str


def _reported() -> list[Reported]:
    bus_districts = ("haizhou", "ganyu", "donghai", "guanyun", "guannan")
    taxi_districts = ("haizhou", "haizhou", "lianyun", "donghai", "guanyun", "guannan")
    trucks = road_freight.TRUCK_FLEETS
    truck_place = {
        "LYG-FRT-001": ("truck_heavy", "port_container", "lianyun"),
        "LYG-FRT-002": ("truck_heavy", "short_haul", "lianyun"),
        "LYG-FRT-003": ("truck_heavy", "short_haul", "ganyu"),
        "LYG-FRT-005": ("truck_light", "urban_delivery", "haizhou"),
        "LYG-FRT-006": ("truck_light", "urban_delivery", "haizhou"),
    }
    out = [
        Reported(f, "bus", "operating", "other", d)
        for f, d in zip(road_passenger.BUS_FLEETS, bus_districts, strict=True)
    ]
    out += [
        Reported(f, "taxi", "operating", "other", d)
        for f, d in zip(road_passenger.TAXI_FLEETS, taxi_districts, strict=True)
    ]
    out += [Reported(f, "pv_large", "operating", "other", "haizhou") for f in road_passenger.COACH_FLEETS]
    for tf in trucks:
        cls, service, district = truck_place.get(tf.fleet.org_id, ("truck_heavy", "long_haul", "haizhou"))
        out.append(Reported(tf.fleet, cls, "operating", service, district))
    out.append(Reported(rail_aviation_other.OFFICIAL_CARS, "pv_small", "non_operating", "official", "haizhou"))
    out.append(Reported(rail_aviation_other.SANITATION, "truck_medium", "non_operating", "sanitation", "haizhou"))
    return out


def fifo_vintages(fleet: Fleet) -> dict[tuple[int, int, str], int]:
    """Year-end stock by (year, model year, power type) of a reporting fleet, 2020 … 2025: additions of a year are
    that model year, the 2019 stock is spread evenly over the ⌈1/r⌉ model years up to 2019, and retirements take
    the oldest vehicles first (whole vehicles; the fleet's stock of every year is kept exactly)."""
    span = int(np.ceil(1.0 / fleet.retire_rate))
    stock, added = fleet.stock(), fleet.additions()
    out: dict[tuple[int, int, str], int] = {}
    first = REGISTRY_YEARS[0] - 1
    for power, counts in stock.items():
        opening = largest_remainder(np.ones(span), int(counts[0]))
        cohorts = {first - span + 1 + i: int(n) for i, n in enumerate(opening)}
        for y, year in enumerate(REGISTRY_YEARS):
            new = int(added[power][y])
            retire = int(counts[y]) + new - int(counts[y + 1])
            for my in sorted(cohorts):
                take = min(cohorts[my], retire)
                cohorts[my] -= take
                retire -= take
            cohorts[year] = cohorts.get(year, 0) + new
            for my, n in cohorts.items():
                if n > 0:
                    out[(year, my, power)] = n
    return out


def _reported_rows() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for r in _reported():
        added = r.fleet.additions()
        for (year, my, power), n in fifo_vintages(r.fleet).items():
            new = int(added[power][REGISTRY_YEARS.index(year)]) if my == year else 0
            rows.append((year, r.district, r.vehicle_class, r.use, r.service, power, my, n, new))
    return rows


# --------------------------------------------------------------------------- the rest of the city


@dataclass(frozen=True)
class Segment:
    """Vehicles of a class, use and service outside the reporting fleets: their 2022 stock, sales growth by model
    year (``growth``: (until model year, yearly growth) pieces) and powertrain shares of sales at anchor years."""

    vehicle_class: str
    use: str
    service: str
    stock_2022: int
    growth: tuple[tuple[int, float], ...]
    shares: dict[int, dict[str, float]]
    fixed_sales: dict[int, dict[str, int]] = field(default_factory=dict)


CAR_GROWTH = ((2010, 0.20), (2016, 0.10), (2025, 0.0))
TRUCK_GROWTH = ((2010, 0.12), (2018, 0.04), (2025, 0.02))
DECLINE = ((2012, 0.08), (2025, -0.05))


def _private_car_sales() -> dict[int, dict[str, int]]:
    return {year: private_car_sales(y) for y, year in enumerate(REGISTRY_YEARS)}


SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "pv_small",
        "non_operating",
        "private",
        880_000,
        CAR_GROWTH,
        {
            2012: {"gasoline": 1.0},
            2016: {"gasoline": 0.975, "hybrid": 0.01, "bev": 0.01, "phev": 0.005},
            2019: {"gasoline": 0.93, "hybrid": 0.02, "bev": 0.035, "phev": 0.015},
        },
        _private_car_sales(),
    ),
    Segment(
        "pv_mini",
        "non_operating",
        "private",
        14_000,
        CAR_GROWTH,
        {2015: {"gasoline": 1.0}, 2020: {"gasoline": 0.6, "bev": 0.4}, 2025: {"gasoline": 0.3, "bev": 0.7}},
    ),
    Segment(
        "pv_small",
        "operating",
        "ride_hailing",
        6_000,
        ((2016, 0.3), (2025, 0.05)),
        {
            2016: {"gasoline": 0.9, "hybrid": 0.1},
            2020: {"gasoline": 0.4, "bev": 0.55, "hybrid": 0.05},
            2025: {"gasoline": 0.1, "bev": 0.88, "hybrid": 0.02},
        },
    ),
    Segment(
        "pv_medium",
        "non_operating",
        "other",
        5_000,
        TRUCK_GROWTH,
        {2015: {"gasoline": 0.6, "diesel": 0.4}, 2025: {"gasoline": 0.55, "diesel": 0.3, "bev": 0.15}},
    ),
    Segment(
        "pv_medium",
        "operating",
        "other",
        2_500,
        TRUCK_GROWTH,
        {2015: {"diesel": 1.0}, 2025: {"diesel": 0.7, "bev": 0.3}},
    ),
    Segment(
        "pv_large",
        "non_operating",
        "other",
        1_800,
        TRUCK_GROWTH,
        {2015: {"diesel": 1.0}, 2025: {"diesel": 0.6, "bev": 0.4}},
    ),
    Segment(
        "truck_mini",
        "non_operating",
        "other",
        3_500,
        DECLINE,
        {2015: {"gasoline": 1.0}, 2025: {"gasoline": 0.7, "bev": 0.3}},
    ),
    Segment(
        "truck_light",
        "operating",
        "other",
        32_000,
        TRUCK_GROWTH,
        {
            2015: {"diesel": 0.85, "gasoline": 0.15},
            2020: {"diesel": 0.8, "gasoline": 0.1, "bev": 0.1},
            2025: {"diesel": 0.6, "gasoline": 0.1, "bev": 0.3},
        },
    ),
    Segment(
        "truck_light",
        "operating",
        "urban_delivery",
        6_000,
        TRUCK_GROWTH,
        {2015: {"diesel": 1.0}, 2020: {"diesel": 0.7, "bev": 0.3}, 2025: {"diesel": 0.35, "bev": 0.65}},
    ),
    Segment(
        "truck_light",
        "operating",
        "postal",
        900,
        TRUCK_GROWTH,
        {2015: {"diesel": 1.0}, 2020: {"diesel": 0.5, "bev": 0.5}, 2025: {"diesel": 0.2, "bev": 0.8}},
    ),
    Segment(
        "truck_light",
        "non_operating",
        "other",
        22_000,
        TRUCK_GROWTH,
        {2015: {"diesel": 0.7, "gasoline": 0.3}, 2025: {"diesel": 0.6, "gasoline": 0.25, "bev": 0.15}},
    ),
    Segment(
        "truck_medium",
        "operating",
        "other",
        6_500,
        TRUCK_GROWTH,
        {2015: {"diesel": 1.0}, 2025: {"diesel": 0.92, "lng": 0.05, "bev": 0.03}},
    ),
    Segment(
        "truck_heavy",
        "operating",
        "long_haul",
        22_000,
        TRUCK_GROWTH,
        {
            2015: {"diesel": 0.95, "lng": 0.05},
            2020: {"diesel": 0.88, "lng": 0.12},
            2025: {"diesel": 0.72, "lng": 0.24, "bev": 0.04},
        },
    ),
    Segment(
        "truck_heavy",
        "operating",
        "short_haul",
        1_500,
        TRUCK_GROWTH,
        {
            2015: {"diesel": 0.9, "lng": 0.1},
            2020: {"diesel": 0.78, "lng": 0.2, "bev": 0.02},
            2025: {"diesel": 0.6, "lng": 0.3, "bev": 0.1},
        },
    ),
    Segment(
        "truck_heavy",
        "operating",
        "muck",
        1_800,
        TRUCK_GROWTH,
        {2015: {"diesel": 1.0}, 2021: {"diesel": 0.97, "bev": 0.03}, 2025: {"diesel": 0.85, "bev": 0.15}},
    ),
    Segment("truck_heavy", "non_operating", "other", 1_500, TRUCK_GROWTH, {2015: {"diesel": 1.0}}),
    Segment("motorcycle", "non_operating", "private", 105_000, DECLINE, {2015: {"gasoline": 1.0}}),
)


def _growth_index(growth: tuple[tuple[int, float], ...], years: np.ndarray) -> np.ndarray:
    idx = np.ones(years.size)
    level = 1.0
    for i, my in enumerate(years[1:], start=1):
        rate = next((g for until, g in growth if my <= until), growth[-1][1])
        level *= 1.0 + rate
        idx[i] = level
    return idx


def _shares(anchors: dict[int, dict[str, float]], my: int) -> dict[str, float]:
    years = sorted(anchors)
    if my <= years[0]:
        return anchors[years[0]]
    if my >= years[-1]:
        return anchors[years[-1]]
    hi = next(y for y in years if y >= my)
    lo = max(y for y in years if y <= my)
    w = 0.0 if hi == lo else (my - lo) / (hi - lo)
    keys = set(anchors[lo]) | set(anchors[hi])
    return {k: (1 - w) * anchors[lo].get(k, 0.0) + w * anchors[hi].get(k, 0.0) for k in keys}


def _segment_rows(seg: Segment) -> list[tuple[object, ...]]:
    years = np.arange(FIRST_MODEL_YEAR, REGISTRY_YEARS[-1] + 1)
    surv = survival(seg.vehicle_class, seg.use, len(years))
    fixed = {my: sum(v.values()) for my, v in seg.fixed_sales.items()}
    free = np.array([my not in fixed for my in years])
    idx = _growth_index(seg.growth, years)
    age_2022 = 2022 - years
    alive = np.where(age_2022 >= 0, surv[np.clip(age_2022, 0, None)], 0.0)
    fixed_stock = sum(n * alive[my - FIRST_MODEL_YEAR] for my, n in fixed.items() if my <= 2022)
    scale = (seg.stock_2022 - fixed_stock) / float((idx * alive * free).sum())
    rows: list[tuple[object, ...]] = []
    for i, my in enumerate(years.tolist()):
        if my in seg.fixed_sales:
            split = seg.fixed_sales[my]
        else:
            sh = _shares(seg.shares, my)
            names = sorted(sh)
            counts = largest_remainder(np.array([sh[k] for k in names]), round(float(scale * idx[i])))
            split = dict(zip(names, (int(c) for c in counts), strict=True))
        for power, n in split.items():
            if n <= 0:
                continue
            per_district = largest_remainder(DISTRICT_WEIGHTS, n)
            for year in REGISTRY_YEARS:
                if my > year:
                    continue
                s = surv[year - my]
                for d, nd in zip(DISTRICTS, per_district.tolist(), strict=True):
                    stock = round(float(nd * s))
                    if stock > 0:
                        new = nd if my == year else 0
                        rows.append((year, d, seg.vehicle_class, seg.use, seg.service, power, my, stock, new))
    return rows


# --------------------------------------------------------------------------- the register


def vehicle_registry() -> pl.DataFrame:
    """The register's rows (``period`` = the year) in the report type's fields; see the module docstring."""
    rows = _reported_rows()
    for seg in SEGMENTS:
        rows += _segment_rows(seg)
    frame = pl.DataFrame(
        rows,
        schema=["year", "district", "vehicle_class", "use", "service", "powertrain", "model_year", "stock", "new"],
        orient="row",
    )
    stages = [
        stage_of(c, p, int(m)) for c, p, m in frame.select("vehicle_class", "powertrain", "model_year").iter_rows()
    ]
    keys = ["year", "district", "vehicle_class", "use", "service", "powertrain", "stage", "model_year"]
    return (
        frame.with_columns(pl.Series("stage", stages, dtype=pl.String))
        .group_by(keys)
        .agg(pl.col("stock").sum(), pl.col("new").sum().alias("new_registrations"))
        .with_columns(pl.col("year").cast(pl.String).alias("period"))
        .select(list(SCHEMA))
        .cast(SCHEMA)  # type: ignore[arg-type]
        .sort("period", "district", "vehicle_class", "use", "service", "powertrain", "model_year")
    )


# --------------------------------------------------------------------------- activity of the register

KM_REPORTER = "LYG-GOV-001"
"""The transport bureau reports kilometres and energy economy (surveys, fleet records)."""
FUEL_SALES_REPORTER = "LYG-GOV-002"
SYNTHETIC = "【示例】"


def annual_km_rows() -> pl.DataFrame:
    """Kilometres per vehicle of the classes the city surveyed (buses, taxis, coaches: the reporting fleets'
    own; heavy trucks from trajectories; private cars from inspection odometers), 2020 … 2025."""
    per_class = {
        ("bus", "operating", "survey", "公交企业运营里程台账"): road_passenger.BUS_KM_PER_YEAR,
        ("taxi", "operating", "inspection_odometer", "出租车年检里程表读数"): road_passenger.TAXI_KM_PER_YEAR,
        ("pv_large", "operating", "survey", "客运企业运营里程台账"): road_passenger.COACH_KM_PER_YEAR,
        ("truck_heavy", "operating", "trajectory", "重型货车北斗定位轨迹（道路货运监管平台）"): np.array(
            [68000.0, 74000.0, 70000.0, 73000.0, 74000.0, 75000.0]
        ),
        ("pv_small", "non_operating", "inspection_odometer", "小型客车年检里程表读数"): np.array(
            [11000.0, 12500.0, 11500.0, 12500.0, 12800.0, 13000.0]
        ),
    }
    rows = [
        (KM_REPORTER, str(year), cls, use, float(round(km[y], 0)), basis, f"{SYNTHETIC}{year}年{source}")
        for (cls, use, basis, source), km in per_class.items()
        for y, year in enumerate(REGISTRY_YEARS)
    ]
    return pl.DataFrame(
        rows,
        schema=["org_id", "period", "vehicle_class", "use", "km_per_year", "basis", "source"],
        orient="row",
    )


#: Energy economy the city collected (the reporting fleets' own figures, as in :mod:`.fleets`, with the year's
#: mean air-conditioning factor on electricity; the other classes assumed, typical): class → powertrain →
#: [(carrier, value, unit, km share)].
ECONOMY: dict[str, dict[str, list[tuple[str, float, str, float]]]] = {
    "bus": {
        "bev": [("electricity", 127.0, "kWh/100km", 1.0)],
        "lng": [("lng", 32.0, "kg/100km", 1.0)],
        "cng": [("natural_gas", 38.0, "Nm3/100km", 1.0)],
        "diesel": [("diesel", 25.0, "kg/100km", 1.0)],
        "hybrid": [("diesel", 19.0, "kg/100km", 1.0)],
    },
    "taxi": {
        "bev": [("electricity", 16.9, "kWh/100km", 1.0)],
        "cng": [("natural_gas", 7.5, "Nm3/100km", 1.0)],
        "gasoline": [("gasoline", 6.2, "kg/100km", 1.0)],
        "hybrid": [("gasoline", 4.5, "kg/100km", 1.0)],
    },
    "pv_large": {
        "bev": [("electricity", 100.0, "kWh/100km", 1.0)],
        "lng": [("lng", 19.0, "kg/100km", 1.0)],
        "diesel": [("diesel", 20.0, "kg/100km", 1.0)],
    },
    "pv_small": {"gasoline": [("gasoline", 7.6, "L/100km", 1.0)], "bev": [("electricity", 15.5, "kWh/100km", 1.0)]},
    "pv_mini": {"gasoline": [("gasoline", 6.0, "L/100km", 1.0)], "bev": [("electricity", 11.0, "kWh/100km", 1.0)]},
    "pv_medium": {"gasoline": [("gasoline", 11.0, "L/100km", 1.0)], "bev": [("electricity", 28.0, "kWh/100km", 1.0)]},
    "truck_mini": {"gasoline": [("gasoline", 8.0, "L/100km", 1.0)], "bev": [("electricity", 18.0, "kWh/100km", 1.0)]},
    "truck_light": {"gasoline": [("gasoline", 10.0, "L/100km", 1.0)], "bev": [("electricity", 25.0, "kWh/100km", 1.0)]},
    "truck_medium": {
        "lng": [("lng", 17.0, "kg/100km", 1.0)],
        "bev": [("electricity", 80.0, "kWh/100km", 1.0)],
    },
    "truck_heavy": {
        "diesel": [("diesel", 34.0, "L/100km", 1.0)],
        "lng": [("lng", 30.0, "kg/100km", 1.0)],
        "bev": [("electricity", 150.0, "kWh/100km", 1.0)],
    },
    "motorcycle": {"gasoline": [("gasoline", 2.5, "L/100km", 1.0)]},
}


def energy_economy_rows() -> pl.DataFrame:
    """The city's energy-economy figures of :data:`ECONOMY` for every year (fleet records for the reporting
    fleets' classes, surveys otherwise)."""
    fleets = {"bus", "taxi", "pv_large"}
    rows = [
        (
            KM_REPORTER,
            str(year),
            cls,
            power,
            carrier,
            value,
            unit,
            share,
            "fleet_records" if cls in fleets else "survey",
            f"{SYNTHETIC}{year}年{'企业能耗台账' if cls in fleets else '车辆能耗抽样调查'}",
        )
        for year in REGISTRY_YEARS
        for cls, powers in ECONOMY.items()
        for power, carriers in powers.items()
        for carrier, value, unit, share in carriers
    ]
    return pl.DataFrame(
        rows,
        schema=[
            "org_id",
            "period",
            "vehicle_class",
            "powertrain",
            "carrier",
            "value",
            "unit",
            "km_share",
            "basis",
            "source",
        ],
        orient="row",
    )


#: Road fuel sold in the city (retail and wholesale to road users, synthetic): gasoline ≈ 4 % and diesel ≈ 18 %
#: above the register's bottom-up fuel (vehicles registered elsewhere refuel here; some diesel goes to
#: machinery), LNG ≈ 10 % below (trucks fill up at the port's stations outside the city), natural gas in 10^4 m³.
ROAD_FUEL_SALES: dict[int, dict[str, float]] = {
    2020: {"gasoline": 573_000, "diesel": 869_000, "lng": 49_500, "natural_gas": 1_700},
    2021: {"gasoline": 665_000, "diesel": 953_000, "lng": 60_900, "natural_gas": 1_810},
    2022: {"gasoline": 628_000, "diesel": 923_000, "lng": 64_600, "natural_gas": 1_570},
    2023: {"gasoline": 684_000, "diesel": 968_000, "lng": 77_000, "natural_gas": 1_600},
    2024: {"gasoline": 700_000, "diesel": 985_000, "lng": 88_800, "natural_gas": 1_500},
    2025: {"gasoline": 704_000, "diesel": 996_000, "lng": 102_000, "natural_gas": 1_390},
}


def fuel_sales_rows() -> pl.DataFrame:
    """:data:`ROAD_FUEL_SALES` as rows of ``road_fuel_sales`` (the development and reform commission's)."""
    rows = [
        (
            FUEL_SALES_REPORTER,
            str(year),
            fuel,
            float(amount),
            "10^4m3" if fuel == "natural_gas" else "t",
            f"{SYNTHETIC}{year}年成品油与燃气零售、批发企业销售汇总",
        )
        for year, fuels in ROAD_FUEL_SALES.items()
        for fuel, amount in fuels.items()
    ]
    return pl.DataFrame(rows, schema=["org_id", "period", "fuel", "amount", "unit", "source"], orient="row")
