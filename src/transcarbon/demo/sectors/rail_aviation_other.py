"""Rail (freight and high-speed passenger), civil aviation (airport, its ground equipment, a domestic and
an international airline) and other transport (public-service fleets, stations).
"""

from __future__ import annotations

import numpy as np

from transcarbon.demo.fleets import PER_KM, Fleet
from transcarbon.demo.seasons import HVAC_FACTOR, MONTH_INDEX, PERIODS, lognormal_noise, profile, ramp, spread_annual
from transcarbon.demo.sectors.series import OrgSeries, Rng, fleet_energy, linear_ramp, monthly_stock, per_year
from transcarbon.domain import Sector

# ---------------------------------------------------------------------------------------------------
# Rail and aviation
# ---------------------------------------------------------------------------------------------------

#: Rail freight [Mt/yr]: ≈ 4,000万t a year [V/D]; hauled ≈ 180 km within the reporting section (assumed).
RAIL_FREIGHT_MT = per_year([38.0, 40.0, 41.5, 43.5, 45.5, 47.5])
RAIL_HAUL_KM = 180.0
#: Rail passengers [M/yr] boarding in the city, rising as the high-speed lines opened (assumed), × 230 km.
RAIL_PASSENGERS_M = per_year([3.2, 5.0, 3.8, 8.5, 9.8, 10.8])
RAIL_TRIP_KM = 230.0


def build_rail(rng: Rng) -> list[OrgSeries]:
    fshape = profile("freight", cny_depth=0.2, covid_sensitivity=0.35)
    tkm = spread_annual(RAIL_FREIGHT_MT * 1e6 * RAIL_HAUL_KM, fshape * lognormal_noise(rng, 0.03))
    electric = linear_ramp((0.80, 0.88))  # share of t·km hauled electrically
    freight = OrgSeries("LYG-RAIL-001", Sector.RAIL, freight_tkm=np.rint(tkm))
    freight.add_fuel("electricity", tkm * electric * 0.0095 * lognormal_noise(rng, 0.02) + 250_000.0)
    freight.add_fuel("diesel", tkm * (1 - electric) * 0.0024 / 1000.0 * lognormal_noise(rng, 0.02))
    pshape = profile("intercity", cny_depth=-0.3, covid_sensitivity=1.0)
    pkm = spread_annual(RAIL_PASSENGERS_M * 1e6 * RAIL_TRIP_KM, pshape * lognormal_noise(rng, 0.03))
    passenger = OrgSeries("LYG-RAIL-002", Sector.RAIL, passenger_pkm=np.rint(pkm))
    # Traction ≈ 0.04 kWh per p·km on high-speed lines (assumed) plus stations ≈ 300 MWh a month.
    passenger.add_fuel("electricity", pkm * 0.040 * lognormal_noise(rng, 0.02) + 300_000.0 * HVAC_FACTOR)
    return [freight, passenger]


#: Airport passengers [M/yr]: 1,233,272 in 2021 [V]; other years assumed (COVID 2020/2022, growth after).
AIRPORT_PASSENGERS_M = per_year([0.98, 1.233272, 0.80, 1.65, 2.05, 2.35])
#: Airport cargo [t/yr]: 8,415.6 in 2021 [V]; other years assumed.
AIRPORT_CARGO_T = per_year([7500.0, 8415.6, 6800.0, 9500.0, 11000.0, 12500.0])
AIR_TRIP_KM = 1150.0
AIR_INTL_TRIP_KM = 1000.0
#: Airport ground equipment (stock, year-end 2019 … 2025); electric share ≥ 25% by 2025 (plan target).
AIRPORT_EQUIPMENT = Fleet(
    "LYG-AIR-001",
    "airport_equipment",
    (200, 210, 225, 300, 320, 340, 360),
    {"bev": 0.08, "diesel": 0.62, "gasoline": 0.30},
    {"bev": 0.30, "diesel": 0.50, "gasoline": 0.20},
    {"bev": 0.60, "diesel": 0.30, "gasoline": 0.10},
    retire_rate=0.07,
)


def build_aviation(rng: Rng) -> list[OrgSeries]:
    """Airport (terminal electricity, ground equipment) and two airlines (departing p·km, belly cargo)."""
    shape = profile("aviation", cny_depth=-0.15, covid_sensitivity=1.3)
    pax = spread_annual(AIRPORT_PASSENGERS_M * 1e6, shape * lognormal_noise(rng, 0.03))
    cargo = spread_annual(AIRPORT_CARGO_T, shape * lognormal_noise(rng, 0.05))
    period = np.asarray(PERIODS)
    intl_on = (period == "2020-01") | (period >= "2023-07")
    intl_share = np.where(intl_on, ramp([0.03, 0.0, 0.0, 0.02, 0.03, 0.035]), 0.0)
    intl_share[0] = 0.03

    airport = OrgSeries("LYG-AIR-001", Sector.CIVIL_AVIATION)
    terminal_kwh = np.where(period >= "2021-12", 1.75e6, 0.75e6) * HVAC_FACTOR  # new terminal Dec 2021 [V]
    eq = {k: monthly_stock(v) for k, v in AIRPORT_EQUIPMENT.stock().items()}
    activity = pax / pax.mean()
    airport.add_fuel("electricity", (terminal_kwh + eq["bev"] * 700.0 * activity) * lognormal_noise(rng, 0.03))
    airport.add_fuel("diesel", eq["diesel"] * 0.075 * activity * lognormal_noise(rng, 0.03))
    airport.add_fuel("gasoline", eq["gasoline"] * 0.04 * activity * lognormal_noise(rng, 0.03))

    departing = pax / 2.0
    dom_pkm = departing * (1.0 - intl_share) * AIR_TRIP_KM
    kg_per_pkm = ramp([0.0265, 0.0262, 0.0275, 0.0258, 0.0254, 0.0251])  # load factor and fleet renewal
    domestic = OrgSeries(
        "LYG-AIR-002",
        Sector.CIVIL_AVIATION,
        passenger_pkm=np.rint(dom_pkm),
        freight_tkm=np.rint(cargo / 2.0 * AIR_TRIP_KM),
        passenger_kind="domestic",
    )
    domestic.add_fuel("jet_kerosene", dom_pkm * kg_per_pkm / 1000.0 * lognormal_noise(rng, 0.02))
    intl_pkm = departing * intl_share * AIR_INTL_TRIP_KM
    intl = OrgSeries(
        "LYG-AIR-003", Sector.CIVIL_AVIATION, passenger_pkm=np.rint(intl_pkm), passenger_kind="international"
    )
    intl.add_fuel("jet_kerosene", intl_pkm * 0.030 / 1000.0 * lognormal_noise(rng, 0.02))
    return [airport, domestic, intl]


# ---------------------------------------------------------------------------------------------------
# Other: public-service fleets and facilities
# ---------------------------------------------------------------------------------------------------

OFFICIAL_CARS = Fleet(
    "LYG-OTH-001",
    "car_public_service",
    (920, 900, 880, 860, 850, 840, 830),
    {"gasoline": 0.82, "bev": 0.15, "phev": 0.03},
    {"gasoline": 0.55, "bev": 0.40, "phev": 0.05},
    {"gasoline": 0.30, "bev": 0.62, "phev": 0.08},
)
SANITATION = Fleet(
    "LYG-OTH-002",
    "car_public_service",
    (580, 600, 620, 640, 660, 680, 700),
    {"diesel": 0.93, "bev": 0.07},
    {"diesel": 0.85, "bev": 0.15},
    {"diesel": 0.55, "bev": 0.45},
)
DRIVING_SCHOOL = Fleet(
    "LYG-OTH-003",
    "car_driving_school",
    (500,) * 7,
    {"gasoline": 1.0},
    {"gasoline": 0.95, "bev": 0.05},
    {"gasoline": 0.80, "bev": 0.20},
)


def build_other(rng: Rng) -> list[OrgSeries]:
    shape = profile("urban", cny_depth=0.3, covid_sensitivity=0.3)
    out = []
    for fleet, per_km, km in (
        (OFFICIAL_CARS, PER_KM["car"], 15000.0),
        (SANITATION, PER_KM["sanitation"], 25000.0),
        (DRIVING_SCHOOL, PER_KM["car"], 20000.0),
    ):
        s = OrgSeries(fleet.org_id, Sector.OTHER)
        fleet_energy(fleet, per_km, spread_annual(np.full(6, km), shape), rng, s)
        out.append(s)
    stations = OrgSeries("LYG-OTH-004", Sector.OTHER)
    stations.add_fuel(
        "electricity", 350_000.0 * ramp([1.0, 1.05, 1.10, 1.18, 1.25, 1.32]) * HVAC_FACTOR * lognormal_noise(rng, 0.03)
    )
    stations.add_fuel(
        "natural_gas", 1.2 * np.where(np.isin(MONTH_INDEX % 12, [0, 1, 11]), 1.0, 0.15) * lognormal_noise(rng, 0.05)
    )  # heating boilers, 10^4 m3
    out.append(stations)
    return out
