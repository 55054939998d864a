"""Vehicle and vessel registrations of the demo: monthly additions by organisation, category and power type
(every reported fleet, plus private cars registered by public security) and the year-end stock by category and
power type, 2020 … 2025; the fleets come from :mod:`.sectors` and follow :mod:`.fleets`."""

from __future__ import annotations

import numpy as np
import polars as pl

from transcarbon.demo.fleets import Fleet, largest_remainder
from transcarbon.demo.seasons import N_YEARS, PERIODS, YEARS, profile
from transcarbon.demo.sectors import rail_aviation_other, road_freight, road_passenger

#: The register of seagoing and inland transport ships ≥ 600 GT (assumed ≈ 430 → 480), reported by the
#: maritime administration; LNG and electric ships appear from 2021.
VESSELS_600GT = Fleet(
    "LYG-GOV-007",
    "vessel",
    (425, 430, 440, 452, 461, 470, 478),
    {"diesel": 1.0},
    {"diesel": 0.90, "lng": 0.10},
    {"diesel": 0.60, "lng": 0.30, "bev": 0.10},
    retire_rate=0.04,
)
#: Share of ships ≥ 600 GT with shore-power receiving equipment, 2020 … 2025 (assumed; electric ships: all).
SHORE_POWER_READY = (0.18, 0.30, 0.45, 0.62, 0.76, 0.88)

#: New private cars registered a year (public security, LYG-GOV-004), assumed for ≈ 113万 vehicles [V],
#: and their new-energy share (national trend [R]: ≈ 6% in 2020 to ≈ 45% by 2025).
PRIVATE_CARS_PER_YEAR = (62000, 70000, 66000, 72000, 76000, 78000)
PRIVATE_CAR_NEV_SHARE = (0.06, 0.12, 0.22, 0.30, 0.38, 0.44)

#: Month weights of vehicle registrations (fewer around the New Year, more at year end).
_ADD_MONTH_WEIGHTS = np.array([0.6, 0.5, 0.9, 1.0, 1.0, 1.1, 1.0, 0.9, 1.1, 1.1, 1.3, 1.5])

ADDITIONS_SCHEMA: dict[str, type[pl.DataType]] = {
    "period": pl.String,
    "org_id": pl.String,
    "category": pl.String,
    "power_type": pl.String,
    "count": pl.Int64,
}


def additions_fleets() -> list[Fleet]:
    """Every fleet whose additions are reported (buses, taxis, trucks, public-service, ships, airport)."""
    return [
        *road_passenger.BUS_FLEETS,
        *road_passenger.TAXI_FLEETS,
        *(t.fleet for t in road_freight.TRUCK_FLEETS),
        rail_aviation_other.OFFICIAL_CARS,
        rail_aviation_other.SANITATION,
        VESSELS_600GT,
        rail_aviation_other.AIRPORT_EQUIPMENT,
    ]


def _spread_months(
    rng: np.random.Generator, org_id: str, category: str, power: str, per_year: np.ndarray, weights: np.ndarray
) -> pl.DataFrame | None:
    counts = np.concatenate([rng.multinomial(int(n), weights / weights.sum()) for n in per_year])
    keep = counts > 0
    if not keep.any():
        return None
    return pl.DataFrame(
        {
            "period": np.asarray(PERIODS)[keep],
            "org_id": org_id,
            "category": category,
            "power_type": power,
            "count": counts[keep].astype(np.int64),
        },
        schema=ADDITIONS_SCHEMA,
    )


def private_car_sales(y: int) -> dict[str, int]:
    """New private cars of year index ``y`` by power type: the new-energy share split 70/30 battery-electric and
    plug-in, 3% hybrids, gasoline the rest (whole cars)."""
    nev = PRIVATE_CAR_NEV_SHARE[y]
    counts = largest_remainder(np.array([0.7 * nev, 0.3 * nev, 0.03, 0.97 - nev]), PRIVATE_CARS_PER_YEAR[y])
    return dict(zip(("bev", "phev", "hybrid", "gasoline"), (int(c) for c in counts), strict=True))


def vehicle_additions(rng: np.random.Generator) -> pl.DataFrame:
    """Monthly additions of every reported fleet and of private cars (counts drawn with ``rng``)."""
    frames = []
    for fleet in additions_fleets():
        for power, per_year in fleet.additions().items():
            frames.append(_spread_months(rng, fleet.org_id, fleet.category, power, per_year, _ADD_MONTH_WEIGHTS))
    car_weights = _ADD_MONTH_WEIGHTS * profile("urban", cny_depth=0.5, covid_sensitivity=0.8)[:12]
    for y in range(N_YEARS):
        for power, n in private_car_sales(y).items():
            per_year = np.zeros(N_YEARS, dtype=np.int64)
            per_year[y] = n
            frames.append(_spread_months(rng, "LYG-GOV-004", "car_private", power, per_year, car_weights))
    return pl.concat([f for f in frames if f is not None]).sort("period", "org_id", "category", "power_type")


def fleet_stock() -> pl.DataFrame:
    """Year-end stock by category and power type, summed over organisations, 2020 … 2025."""
    rows: dict[tuple[int, str, str], int] = {}

    def add(category: str, stock: dict[str, np.ndarray]) -> None:
        for power, counts in stock.items():
            for y, year in enumerate(YEARS):
                key = (int(year), category, power)
                rows[key] = rows.get(key, 0) + int(counts[y + 1])

    for fleet in additions_fleets():
        add(fleet.category, fleet.stock())
    add("truck_container_port", road_freight.TRUCK_FLEETS[0].fleet.stock())
    ready = np.array([0.12, *SHORE_POWER_READY])
    add(
        "vessel_shore_power_ready",
        {p: (s if p == "bev" else np.rint(s * ready).astype(np.int64)) for p, s in VESSELS_600GT.stock().items()},
    )
    keys = sorted(rows)
    return pl.DataFrame(
        {
            "year": [k[0] for k in keys],
            "category": [k[1] for k in keys],
            "power_type": [k[2] for k in keys],
            "count": [rows[k] for k in keys],
        },
        schema={"year": pl.Int64, "category": pl.String, "power_type": pl.String, "count": pl.Int64},
    )
