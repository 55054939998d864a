"""Road freight: ten truck fleets, their t·km from fleet size and a volume index per driver, and their
diesel, LNG and electricity from t·km and the power mix; diesel trucks burn urea solution in their SCR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from transcarbon.demo.fleets import BEV_KWH_PER_KG_DIESEL, LNG_KG_PER_KG_DIESEL, UREA_KG_PER_KG_DIESEL, Fleet
from transcarbon.demo.seasons import HVAC_FACTOR, lognormal_noise, profile, spread_annual
from transcarbon.demo.sectors.series import OrgSeries, Rng, monthly_stock, per_year
from transcarbon.domain import Sector


@dataclass(frozen=True)
class TruckFleet:
    """A freight fleet: trucks (2020), t·km per truck a year, diesel per t·km, power mix, growth."""

    fleet: Fleet
    tkm_per_truck_m: float
    diesel_kg_per_tkm: float
    growth: str  # key of FREIGHT_INDEX


#: Freight volume index by driver (2020 = 1; 2020 itself was depressed by COVID-19). ``port`` follows
#: port cargo with rail/water gaining share; ``container`` follows TEU; ``xuwei`` the petrochemical base.
FREIGHT_INDEX: dict[str, tuple[float, ...]] = {
    "general": (1.00, 1.06, 1.02, 1.07, 1.09, 1.10),
    "port": (1.00, 1.04, 1.06, 1.08, 1.11, 1.13),
    "container": (1.00, 1.03, 1.09, 1.13, 1.20, 1.24),
    "xuwei": (1.00, 1.06, 1.10, 1.16, 1.20, 1.24),
    "flat": (1.00, 1.03, 0.98, 1.01, 1.00, 0.99),
    "urban": (1.00, 1.08, 1.06, 1.14, 1.18, 1.22),
}


Mixes = tuple[dict[str, float], dict[str, float], dict[str, float]]


def _trucks(org_id: str, category: str, n: int, growth: str, mixes: Mixes, tkm_m: float, kg: float) -> TruckFleet:
    idx = (1.0, *FREIGHT_INDEX[growth])
    size = tuple(n * (g**0.7) for g in idx)
    return TruckFleet(Fleet(org_id, category, size, *mixes, retire_rate=0.11), tkm_m, kg, growth)


_LONG_HAUL: Mixes = (
    {"diesel": 0.92, "lng": 0.08},
    {"diesel": 0.86, "lng": 0.13, "bev": 0.01},
    {"diesel": 0.74, "lng": 0.22, "bev": 0.04},
)


# ≈ 8,700 trucks in the reporting fleets (the city has ≈ 6–7万 commercial trucks [D, rough]); intensities
# 0.03 kg/t·km for long-haul heavy trucks to 0.10 for light urban delivery vans (assumed, typical).
TRUCK_FLEETS: tuple[TruckFleet, ...] = (
    _trucks(
        "LYG-FRT-001",
        "truck_heavy_short_haul",
        1200,
        "container",
        (
            {"diesel": 0.72, "lng": 0.27, "bev": 0.01},
            {"diesel": 0.62, "lng": 0.35, "bev": 0.03},
            {"diesel": 0.40, "lng": 0.42, "bev": 0.18},
        ),
        0.55,
        0.052,
    ),
    _trucks(
        "LYG-FRT-002",
        "truck_heavy_short_haul",
        900,
        "port",
        (
            {"diesel": 0.84, "lng": 0.15, "bev": 0.01},
            {"diesel": 0.80, "lng": 0.18, "bev": 0.02},
            {"diesel": 0.62, "lng": 0.26, "bev": 0.12},
        ),
        0.60,
        0.050,
    ),
    _trucks(
        "LYG-FRT-003",
        "truck_heavy_short_haul",
        400,
        "flat",
        ({"diesel": 0.98, "lng": 0.02}, {"diesel": 0.98, "lng": 0.02}, {"diesel": 0.88, "lng": 0.02, "bev": 0.10}),
        0.30,
        0.062,
    ),
    _trucks("LYG-FRT-004", "truck", 1500, "xuwei", _LONG_HAUL, 1.60, 0.030),
    _trucks(
        "LYG-FRT-005",
        "truck",
        300,
        "urban",
        ({"diesel": 0.97, "bev": 0.03}, {"diesel": 0.92, "bev": 0.08}, {"diesel": 0.75, "bev": 0.25}),
        0.25,
        0.085,
    ),
    _trucks(
        "LYG-FRT-006",
        "truck",
        800,
        "urban",
        ({"diesel": 0.88, "bev": 0.12}, {"diesel": 0.60, "bev": 0.40}, {"diesel": 0.20, "bev": 0.80}),
        0.12,
        0.100,
    ),
    _trucks("LYG-FRT-007", "truck", 1200, "general", _LONG_HAUL, 1.30, 0.034),
    _trucks("LYG-FRT-008", "truck", 900, "general", _LONG_HAUL, 1.20, 0.036),
    _trucks(
        "LYG-FRT-009",
        "truck",
        700,
        "general",
        ({"diesel": 0.96, "lng": 0.04}, {"diesel": 0.92, "lng": 0.08}, {"diesel": 0.84, "lng": 0.15, "bev": 0.01}),
        1.20,
        0.037,
    ),
    _trucks("LYG-FRT-010", "truck", 800, "general", _LONG_HAUL, 1.20, 0.036),
)


def build_trucks(rng: Rng) -> list[OrgSeries]:
    """Freight fleets: t·km from fleet × t·km per truck × volume index; fuel from t·km and power mix."""
    shape = profile("freight", cny_depth=0.45, covid_sensitivity=0.5)
    out = []
    for tf in TRUCK_FLEETS:
        f = tf.fleet
        n2020 = f.size[1]
        annual = n2020 * tf.tkm_per_truck_m * 1e6 * per_year(FREIGHT_INDEX[tf.growth])
        tkm = spread_annual(annual, shape * lognormal_noise(rng, 0.03))
        stock = {k: monthly_stock(v) for k, v in f.stock().items()}
        total = sum(stock.values())
        s = OrgSeries(f.org_id, Sector.ROAD_FREIGHT, freight_tkm=np.rint(tkm))
        kg = tf.diesel_kg_per_tkm * lognormal_noise(rng, 0.015)
        for power, st in stock.items():
            diesel_t = tkm * st / total * kg / 1000.0
            if power == "diesel":
                s.add_fuel("diesel", diesel_t)
                s.add_fuel("urea_solution", diesel_t * UREA_KG_PER_KG_DIESEL)
            elif power == "lng":
                s.add_fuel("lng", diesel_t * LNG_KG_PER_KG_DIESEL)
            elif power == "bev":
                s.add_fuel("electricity", diesel_t * 1000.0 * BEV_KWH_PER_KG_DIESEL * HVAC_FACTOR**0.5)
        out.append(s)
    return out
