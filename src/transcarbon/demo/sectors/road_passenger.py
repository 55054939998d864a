"""Road passenger: urban buses, taxis and coaches, and central-city ridership by mode (bus trips also set
the city bus group's passenger-km).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from transcarbon.demo.fleets import PER_KM, Fleet
from transcarbon.demo.seasons import PERIODS, lognormal_noise, profile, ramp, spread_annual
from transcarbon.demo.sectors.series import OrgSeries, Rng, fleet_energy, per_year
from transcarbon.domain import Sector

# ---------------------------------------------------------------------------------------------------
# Urban bus, taxi, ridership
# ---------------------------------------------------------------------------------------------------

# Bus fleets at the end of 2019 … 2025. City bus group: 192 LNG + 179 CNG + 697 electric in 2019 [V]
# (≈ 1,100 buses in 2022–24 [D]); 东海县 257 electric buses [V]; the other county operators assumed.
BUS_FLEETS: tuple[Fleet, ...] = (
    Fleet(
        "LYG-BUS-001",
        "bus",
        (1068, 1100, 1110, 1115, 1120, 1120, 1125),
        {"bev": 697, "lng": 192, "cng": 179},
        {"bev": 0.96, "lng": 0.04},
        {"bev": 1.0},
        retire_rate=0.12,
    ),
    Fleet(
        "LYG-BUS-002",
        "bus",
        (215, 220, 225, 230, 235, 240, 240),
        {"bev": 0.48, "cng": 0.22, "diesel": 0.30},
        {"bev": 0.85, "cng": 0.15},
        {"bev": 1.0},
        retire_rate=0.12,
    ),
    Fleet(
        "LYG-BUS-003",
        "bus",
        (257, 257, 257, 262, 265, 268, 270),
        {"bev": 1.0},
        {"bev": 1.0},
        {"bev": 1.0},
        retire_rate=0.12,
    ),
    Fleet(
        "LYG-BUS-004",
        "bus",
        (148, 150, 152, 155, 158, 160, 160),
        {"bev": 0.38, "diesel": 0.42, "hybrid": 0.20},
        {"bev": 0.80, "hybrid": 0.20},
        {"bev": 1.0},
        retire_rate=0.12,
    ),
    Fleet(
        "LYG-BUS-005",
        "bus",
        (118, 120, 122, 125, 128, 130, 130),
        {"bev": 0.33, "cng": 0.20, "diesel": 0.47},
        {"bev": 0.80, "diesel": 0.20},
        {"bev": 0.95, "diesel": 0.05},
        retire_rate=0.12,
    ),
)
#: Kilometres per bus a year (≈ 160 km a day, less in COVID years), assumed.
BUS_KM_PER_YEAR = per_year([52000, 58000, 55000, 58000, 58500, 59000])
#: Average passengers on board of county buses, assumed.
COUNTY_BUS_LOAD = per_year([8.0, 9.0, 8.5, 9.5, 9.8, 10.0])
#: Average bus trip length [km] in the central city, assumed.
BUS_TRIP_KM = 6.0

# Central-city trips per day by mode [thousand trips/day]. Bus ≈ 22万 trips a day (2017) [V]; the other
# modes assumed for a central city of ≈ 1.6 M people with ≈ 113万 motor vehicles city-wide [V].
# Public transport's share of motorised trips: 22% (2020) → 27% (2025), short of the 30% target.
RIDERSHIP_K_PER_DAY: dict[str, tuple[float, ...]] = {
    "bus": (150, 190, 168, 205, 212, 220),
    "taxi": (62, 72, 66, 78, 80, 82),
    "private_car": (390, 420, 410, 450, 468, 480),
    "motorcycle": (60, 55, 50, 45, 40, 36),
    "ebike": (620, 640, 630, 650, 655, 660),
    "bicycle": (70, 75, 78, 85, 88, 90),
    "walk": (440, 460, 450, 480, 490, 500),
}
#: Modes that count as motorised trips (机动化出行); e-bikes are non-motor vehicles (非机动车) in Chinese law.
MOTORISED_MODES: frozenset[str] = frozenset({"bus", "taxi", "private_car", "motorcycle"})
#: Public transport modes (the city has buses and BRT, no metro).
PUBLIC_TRANSPORT_MODES: frozenset[str] = frozenset({"bus"})
#: Green trips (绿色出行): public transport, walking, cycling, e-bikes.
GREEN_MODES: frozenset[str] = frozenset({"bus", "walk", "bicycle", "ebike"})
_RIDERSHIP_COVID = {
    "bus": 1.0,
    "taxi": 1.0,
    "private_car": 0.6,
    "motorcycle": 0.5,
    "ebike": 0.5,
    "bicycle": 0.5,
    "walk": 0.4,
}


def build_ridership(rng: Rng) -> pl.DataFrame:
    """Central-city trips by mode and month (``area`` = central_city)."""
    frames = []
    for mode, per_day in RIDERSHIP_K_PER_DAY.items():
        shape = profile("urban", cny_depth=0.5, covid_sensitivity=_RIDERSHIP_COVID[mode])
        annual = per_year(per_day) * 1000.0 * 365.0
        trips = spread_annual(annual, shape * lognormal_noise(rng, 0.02))
        frames.append(
            pl.DataFrame(
                {
                    "period": PERIODS,
                    "area": "central_city",
                    "mode": mode,
                    "motorised": mode in MOTORISED_MODES,
                    "trips": np.rint(trips).astype(np.int64),
                }
            )
        )
    return pl.concat(frames)


def build_buses(rng: Rng, ridership: pl.DataFrame) -> list[OrgSeries]:
    """Bus operators: fuels from their fleets; p·km from central-city trips (group) or loads (counties)."""
    shape = profile("urban", cny_depth=0.3, covid_sensitivity=0.5)
    km_month = spread_annual(BUS_KM_PER_YEAR, shape)
    bus_trips = ridership.filter(pl.col("mode") == "bus").sort("period")["trips"].to_numpy().astype(float)
    out = []
    for fleet in BUS_FLEETS:
        s = OrgSeries(fleet.org_id, Sector.URBAN_BUS)
        vkm = fleet_energy(fleet, PER_KM["bus"], km_month * (1.0 if fleet.org_id.endswith("001") else 0.9), rng, s)
        if fleet.org_id == "LYG-BUS-001":
            s.passenger_pkm = np.rint(bus_trips * BUS_TRIP_KM * lognormal_noise(rng, 0.01))
        else:
            s.passenger_pkm = np.rint(vkm * ramp(COUNTY_BUS_LOAD) * lognormal_noise(rng, 0.03))
        out.append(s)
    return out


# Taxis: ≈ 3,000 in all (assumed; no public figure [docs/sources/lianyungang.md: "not found"]); CNG bi-fuel and
# gasoline cars giving way to battery-electric ones.
_TAXI_CENTRAL = (
    {"bev": 0.12, "cng": 0.60, "gasoline": 0.28},
    {"bev": 0.50, "cng": 0.38, "gasoline": 0.12},
    {"bev": 0.78, "cng": 0.17, "gasoline": 0.05},
)
_TAXI_COUNTY = (
    {"bev": 0.06, "cng": 0.62, "gasoline": 0.32},
    {"bev": 0.30, "cng": 0.50, "gasoline": 0.20},
    {"bev": 0.60, "cng": 0.30, "gasoline": 0.10},
)
TAXI_FLEETS: tuple[Fleet, ...] = tuple(
    Fleet(org, "taxi", (n,) * 7, *mix, retire_rate=0.13)
    for org, n, mix in (
        ("LYG-TAXI-001", 900, _TAXI_CENTRAL),
        ("LYG-TAXI-002", 650, _TAXI_CENTRAL),
        ("LYG-TAXI-003", 550, _TAXI_CENTRAL),
        ("LYG-TAXI-004", 350, _TAXI_COUNTY),
        ("LYG-TAXI-005", 300, _TAXI_COUNTY),
        ("LYG-TAXI-006", 250, _TAXI_COUNTY),
    )
)
#: Kilometres per taxi a year (double shifts, ≈ 300+ km a day), assumed.
TAXI_KM_PER_YEAR = per_year([96000, 110000, 101000, 112000, 114000, 115000])
#: Passenger-km per taxi-km: 62% occupied × 1.45 passengers, assumed.
TAXI_PKM_PER_KM = 0.9


def build_taxis(rng: Rng) -> list[OrgSeries]:
    shape = profile("urban", cny_depth=0.45, covid_sensitivity=0.9)
    km_month = spread_annual(TAXI_KM_PER_YEAR, shape)
    out = []
    for fleet in TAXI_FLEETS:
        s = OrgSeries(fleet.org_id, Sector.TAXI)
        vkm = fleet_energy(fleet, PER_KM["taxi"], km_month, rng, s)
        s.passenger_pkm = np.rint(vkm * TAXI_PKM_PER_KM * lognormal_noise(rng, 0.03))
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------
# Road passenger (coaches)
# ---------------------------------------------------------------------------------------------------

# ≈ 800 coaches in 2020 shrinking as high-speed rail opened (连淮扬镇 2020-12, 连徐 2021-02 [R]), loads
# falling; electric coaches on county routes. All assumed.
_COACH_MIX = (
    {"diesel": 0.86, "lng": 0.10, "bev": 0.04},
    {"diesel": 0.50, "lng": 0.10, "bev": 0.40},
    {"diesel": 0.20, "lng": 0.10, "bev": 0.70},
)
_COACH_SHRINK = (1.02, 1.0, 0.97, 0.93, 0.90, 0.87, 0.84)
COACH_FLEETS: tuple[Fleet, ...] = tuple(
    Fleet(org, "coach", tuple(n * k for k in _COACH_SHRINK), *_COACH_MIX)
    for org, n in (("LYG-COACH-001", 320), ("LYG-COACH-002", 140), ("LYG-COACH-003", 150), ("LYG-COACH-004", 180))
)
COACH_KM_PER_YEAR = per_year([62000, 70000, 55000, 72000, 74000, 75000])
COACH_LOAD = per_year([17.0, 16.5, 15.0, 15.0, 14.5, 14.0])


def build_coaches(rng: Rng) -> list[OrgSeries]:
    out = []
    for fleet in COACH_FLEETS:
        tourism = fleet.org_id.endswith("004")
        shape = profile(
            "tourism" if tourism else "intercity", cny_depth=0.3 if tourism else -0.25, covid_sensitivity=1.2
        )
        km_month = spread_annual(COACH_KM_PER_YEAR, shape)
        s = OrgSeries(fleet.org_id, Sector.ROAD_PASSENGER)
        vkm = fleet_energy(fleet, PER_KM["coach"], km_month, rng, s)
        s.passenger_pkm = np.rint(vkm * ramp(COACH_LOAD) * lognormal_noise(rng, 0.03))
        out.append(s)
    return out
