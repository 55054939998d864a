"""Monthly energy and activity of each synthetic enterprise, sector by sector.

Each builder returns :class:`OrgSeries` (72-month arrays per fuel and per activity column) and, where a
report type needs them, tidy frames (port throughput, shore power, ridership). Magnitudes are anchored
on the public figures in ``shared/reference/lianyungang.md`` ([V] read, [D] derived, [R] recalled) and,
where the city publishes nothing, on typical values stated next to each table (marked *assumed*).

Annual totals are set first and spread over months with :func:`seasons.spread_annual` (so a year's
sum is exactly the figure chosen), then each organisation gets small multiplicative noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from transcarbon.demo.fleets import (
    BEV_KWH_PER_KG_DIESEL,
    LNG_KG_PER_KG_DIESEL,
    PER_KM,
    STOCK_YEARS,
    Fleet,
)
from transcarbon.demo.seasons import (
    HVAC_FACTOR,
    MONTH_INDEX,
    N_MONTHS,
    PERIODS,
    T_MID,
    FloatArray,
    lognormal_noise,
    profile,
    ramp,
    spread_annual,
)
from transcarbon.domain import Sector

Rng = np.random.Generator


@dataclass
class OrgSeries:
    """One organisation's monthly fuel use (contract units) and activity."""

    org_id: str
    sector: Sector
    fuels: dict[str, FloatArray] = field(default_factory=dict)  # fuel -> amount; electricity in kWh
    freight_tkm: FloatArray | None = None
    passenger_pkm: FloatArray | None = None
    throughput_t: FloatArray | None = None
    passenger_kind: str | None = None

    def add_fuel(self, fuel: str, amount: FloatArray) -> None:
        self.fuels[fuel] = self.fuels.get(fuel, np.zeros(N_MONTHS)) + amount


def monthly_stock(stock: np.ndarray) -> FloatArray:
    """Vehicles in service each month, interpolated between year-end stocks (2019 … 2025)."""
    return np.interp(T_MID, STOCK_YEARS + 1.0, stock.astype(np.float64))


def _per_year(values: list[float] | tuple[float, ...]) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


# ---------------------------------------------------------------------------------------------------
# Port
# ---------------------------------------------------------------------------------------------------

#: Port cargo throughput [Mt]: 2021 277 and 2025 367 [V]; 2020 253, 2022 301, 2024 346 [D/R];
#: 2023 "> 300" with Jan–Oct 259 [V] → 312 (Jan–Oct × 1.2).
PORT_CARGO_MT = _per_year([253.0, 277.0, 301.0, 312.0, 346.0, 367.0])
#: Containers [10^4 TEU]: 2021 503.49 and 2025 715.98 [V]; 2020 480, 2022 557, 2023 595, 2024 669 [D/R].
PORT_TEU_10K = _per_year([480.0, 503.49, 557.0, 595.0, 669.0, 715.98])
#: Sea–rail containers [10^4 TEU]: 2025 94.3 [V]; earlier years assumed at ≈ 11%/yr growth.
SEA_RAIL_TEU_10K = _per_year([55.0, 61.5, 68.0, 76.0, 85.0, 94.3])
#: Sea–river containers [10^4 TEU], assumed (2025 sea–river volume was 2,413.8万t [V], mostly bulk).
SEA_RIVER_TEU_10K = _per_year([20.0, 22.3, 24.9, 27.9, 31.2, 35.0])
#: Cargo per TEU [t], assumed.
T_PER_TEU = 11.0
#: Shore-power electricity delivered to ships [kWh/yr]: 2020 ≈ 120万 kWh [V, the 2015 system];
#: later years assumed so that 2025 ≈ 2.5× 2020 (plan target: double).
SHORE_POWER_KWH = _per_year([1.20e6, 1.36e6, 1.62e6, 2.02e6, 2.48e6, 2.98e6])


@dataclass(frozen=True)
class Terminal:
    """A terminal company: share of non-container cargo, bulk fraction, collection mode split, energy."""

    org_id: str
    port_area: str
    share: tuple[float, float]  # of non-container cargo, 2020 → 2025
    bulk: float  # fraction of its non-container cargo that is bulk (大宗)
    rail: tuple[float, float]  # share of bulk collected/distributed by rail, 2020 → 2025
    water: tuple[float, float]  # … by water (transhipment, sea–river)
    kwh_per_t: tuple[float, float]
    diesel_kg_per_t: tuple[float, float]
    lng_kg_per_t: tuple[float, float] = (0.0, 0.0)
    teu_share: float = 0.0  # of the port's containers
    sea_river_share: float = 0.0


# Energy per tonne: coastal ports use ≈ 2–3 tce per 10^4 t [assumed, typical of Chinese coastal ports];
# electricity ≈ 1 kWh/t and diesel ≈ 0.1 kg/t at bulk terminals, more at container terminals (cranes,
# reefers, yard tractors), falling diesel as rubber-tyred gantries and yard tractors are electrified.
TERMINALS: tuple[Terminal, ...] = (
    Terminal("LYG-PORT-002", "lianyungang", (0.0, 0.0), 0.0, (0, 0), (0, 0), (2.3, 2.6), (0.30, 0.19),
             (0.02, 0.04), teu_share=0.94, sea_river_share=0.8),
    Terminal("LYG-PORT-003", "lianyungang", (0.25, 0.20), 1.0, (0.46, 0.50), (0.42, 0.42), (0.95, 1.0),
             (0.09, 0.07)),
    Terminal("LYG-PORT-004", "lianyungang", (0.16, 0.12), 1.0, (0.30, 0.34), (0.55, 0.55), (0.90, 0.95),
             (0.08, 0.06)),
    Terminal("LYG-PORT-005", "lianyungang", (0.08, 0.07), 0.3, (0.20, 0.24), (0.40, 0.42), (1.2, 1.3),
             (0.20, 0.15)),
    Terminal("LYG-PORT-006", "lianyungang", (0.10, 0.09), 0.85, (0.25, 0.28), (0.45, 0.47), (1.1, 1.15),
             (0.12, 0.10)),
    Terminal("LYG-PORT-007", "ganyu", (0.14, 0.17), 0.95, (0.10, 0.22), (0.65, 0.60), (0.85, 0.95),
             (0.10, 0.08)),
    Terminal("LYG-PORT-008", "ganyu", (0.04, 0.05), 0.5, (0.05, 0.10), (0.55, 0.55), (1.2, 1.3), (0.20, 0.15),
             teu_share=0.06, sea_river_share=0.2),
    Terminal("LYG-PORT-009", "xuwei", (0.08, 0.14), 1.0, (0.05, 0.05), (0.85, 0.86), (0.55, 0.55),
             (0.03, 0.025)),
    Terminal("LYG-PORT-010", "xuwei", (0.07, 0.08), 1.0, (0.20, 0.30), (0.60, 0.55), (0.90, 0.95),
             (0.09, 0.07)),
    Terminal("LYG-PORT-011", "guanhe", (0.08, 0.08), 0.8, (0.0, 0.0), (0.75, 0.77), (1.0, 1.1), (0.14, 0.12)),
)


@dataclass(frozen=True)
class Berth:
    """A berth with shore power: its terminal, first month in service, typical use."""

    berth_id: str
    org_id: str
    start: str
    calls_per_month: float
    kwh_per_call: float


# LYG-SP-01/02: the 2015 high-voltage system, 3,000 kW on 2 berths [V]; the rest assumed, one or two a year.
BERTHS: tuple[Berth, ...] = (
    Berth("LYG-SP-01", "LYG-PORT-002", "2020-01", 5.0, 11000.0),
    Berth("LYG-SP-02", "LYG-PORT-003", "2020-01", 3.0, 14000.0),
    Berth("LYG-SP-03", "LYG-PORT-005", "2020-01", 2.0, 6000.0),
    Berth("LYG-SP-04", "LYG-PORT-002", "2021-07", 4.0, 10000.0),
    Berth("LYG-SP-05", "LYG-PORT-007", "2022-03", 3.0, 12000.0),
    Berth("LYG-SP-06", "LYG-PORT-010", "2022-09", 3.0, 13000.0),
    Berth("LYG-SP-07", "LYG-PORT-006", "2023-05", 3.0, 9000.0),
    Berth("LYG-SP-08", "LYG-PORT-011", "2023-10", 4.0, 4000.0),
    Berth("LYG-SP-09", "LYG-PORT-004", "2024-04", 3.0, 13000.0),
    Berth("LYG-SP-10", "LYG-PORT-008", "2024-09", 3.0, 8000.0),
    Berth("LYG-SP-11", "LYG-PORT-003", "2025-03", 3.0, 14000.0),
)


def _lin(pair: tuple[float, float]) -> FloatArray:
    """A 2020 → 2025 linear ramp of a pair of values, per month."""
    return ramp(np.linspace(pair[0], pair[1], 6))


def build_port(rng: Rng) -> tuple[list[OrgSeries], pl.DataFrame, pl.DataFrame]:
    """Port terminals, holding group and tugs; the port-throughput and shore-power report frames."""
    shape = profile("port", cny_depth=0.35, covid_sensitivity=0.3)
    cargo = spread_annual(PORT_CARGO_MT * 1e6, shape * lognormal_noise(rng, 0.02))
    teu = spread_annual(PORT_TEU_10K * 1e4, shape * lognormal_noise(rng, 0.025))
    sea_rail = spread_annual(SEA_RAIL_TEU_10K * 1e4, shape * lognormal_noise(rng, 0.04))
    sea_river = spread_annual(SEA_RIVER_TEU_10K * 1e4, shape * lognormal_noise(rng, 0.05))
    non_container = cargo - teu * T_PER_TEU

    raw = np.vstack([_lin(t.share) * lognormal_noise(rng, 0.04) for t in TERMINALS])
    raw[0] = 0.0
    split = raw / raw.sum(axis=0, keepdims=True) * non_container[None, :]

    shore = _shore_power(rng)
    shore_by_org = shore.group_by("org_id", "period").agg(pl.col("kwh").sum())

    series: list[OrgSeries] = []
    rows: list[pl.DataFrame] = []
    for i, t in enumerate(TERMINALS):
        t_teu = teu * t.teu_share
        t_cargo = split[i] + t_teu * T_PER_TEU
        bulk = split[i] * t.bulk
        rail, water = _lin(t.rail), _lin(t.water)
        rows.append(pl.DataFrame({
            "period": PERIODS,
            "org_id": t.org_id,
            "port_area": t.port_area,
            "cargo_t": np.rint(t_cargo),
            "bulk_cargo_t": np.rint(bulk),
            "bulk_by_rail_t": np.rint(bulk * rail),
            "bulk_by_water_t": np.rint(bulk * water),
            "bulk_by_road_t": np.rint(bulk) - np.rint(bulk * rail) - np.rint(bulk * water),
            "containers_teu": np.rint(t_teu).astype(np.int64),
            "sea_rail_teu": np.rint(sea_rail * (1.0 if t.teu_share > 0.5 else 0.0)).astype(np.int64),
            "sea_river_teu": np.rint(sea_river * t.sea_river_share).astype(np.int64),
        }))
        s = OrgSeries(t.org_id, Sector.PORT, throughput_t=np.rint(t_cargo))
        sp = shore_by_org.filter(pl.col("org_id") == t.org_id)
        sp_kwh = np.zeros(N_MONTHS)
        if sp.height:
            idx = np.array([PERIODS.index(p) for p in sp["period"].to_list()])
            sp_kwh[idx] = sp["kwh"].to_numpy()
        s.add_fuel("electricity", t_cargo * _lin(t.kwh_per_t) * HVAC_FACTOR ** 0.3
                   * lognormal_noise(rng, 0.03) + sp_kwh)
        s.add_fuel("diesel", t_cargo * _lin(t.diesel_kg_per_t) / 1000.0 * lognormal_noise(rng, 0.03))
        if max(t.lng_kg_per_t) > 0:
            s.add_fuel("lng", t_cargo * _lin(t.lng_kg_per_t) / 1000.0 * lognormal_noise(rng, 0.04))
        series.append(s)

    group = OrgSeries("LYG-PORT-001", Sector.PORT)
    group.add_fuel("electricity", 180_000.0 * ramp([1.0, 1.02, 1.04, 1.06, 1.08, 1.10]) * HVAC_FACTOR
                   * lognormal_noise(rng, 0.04))
    group.add_fuel("gasoline", 6.0 * ramp([1.0, 0.95, 0.9, 0.8, 0.7, 0.6]) * lognormal_noise(rng, 0.06))
    tug = OrgSeries("LYG-PORT-012", Sector.PORT)
    # Twelve harbour tugs, ≈ 450 t diesel a month at 2020 traffic, scaling with cargo, 1%/yr efficiency.
    tug.add_fuel("diesel", 450.0 * cargo / cargo[:12].mean() * ramp([1.0, 0.99, 0.98, 0.97, 0.96, 0.95])
                 * lognormal_noise(rng, 0.04))
    port_throughput = pl.concat(rows).with_columns(
        pl.col(c).cast(pl.Float64) for c in ("cargo_t", "bulk_cargo_t", "bulk_by_rail_t", "bulk_by_water_t",
                                             "bulk_by_road_t")
    )
    return [group, *series, tug], port_throughput, shore


def _shore_power(rng: Rng) -> pl.DataFrame:
    """Shore-power use by berth and month, scaled to :data:`SHORE_POWER_KWH` a year."""
    weights = []
    for b in BERTHS:
        start = PERIODS.index(b.start)
        age = MONTH_INDEX - start
        uptake = np.where(age < 0, 0.0, np.clip(0.4 + 0.05 * age, 0.4, 1.0))
        weights.append(uptake * b.calls_per_month * b.kwh_per_call * lognormal_noise(rng, 0.15))
    w = np.vstack(weights)
    # City-wide uptake (supervision, price subsidy) grows on top of new berths.
    total = spread_annual(SHORE_POWER_KWH, w.sum(axis=0))
    kwh = w / w.sum(axis=0, keepdims=True) * total[None, :]
    frames = []
    for i, b in enumerate(BERTHS):
        in_service = kwh[i] > 0
        calls = np.maximum(1, np.rint(kwh[i] / b.kwh_per_call * lognormal_noise(rng, 0.1)))
        frames.append(pl.DataFrame({
            "period": np.asarray(PERIODS)[in_service],
            "org_id": b.org_id,
            "berth_id": b.berth_id,
            "ship_calls_connected": calls[in_service].astype(np.int64),
            "kwh": np.round(kwh[i][in_service], 1),
        }))
    return pl.concat(frames)


# ---------------------------------------------------------------------------------------------------
# Urban bus, taxi, ridership
# ---------------------------------------------------------------------------------------------------

# Bus fleets at the end of 2019 … 2025. City bus group: 192 LNG + 179 CNG + 697 electric in 2019 [V]
# (≈ 1,100 buses in 2022–24 [D]); 东海县 257 electric buses [V]; the other county operators assumed.
BUS_FLEETS: tuple[Fleet, ...] = (
    Fleet("LYG-BUS-001", "bus", (1068, 1100, 1110, 1115, 1120, 1120, 1125),
          {"bev": 697, "lng": 192, "cng": 179}, {"bev": 0.96, "lng": 0.04}, {"bev": 1.0}, retire_rate=0.12),
    Fleet("LYG-BUS-002", "bus", (215, 220, 225, 230, 235, 240, 240),
          {"bev": 0.48, "cng": 0.22, "diesel": 0.30}, {"bev": 0.85, "cng": 0.15}, {"bev": 1.0}, retire_rate=0.12),
    Fleet("LYG-BUS-003", "bus", (257, 257, 257, 262, 265, 268, 270), {"bev": 1.0}, {"bev": 1.0}, {"bev": 1.0},
          retire_rate=0.12),
    Fleet("LYG-BUS-004", "bus", (148, 150, 152, 155, 158, 160, 160),
          {"bev": 0.38, "diesel": 0.42, "hybrid": 0.20}, {"bev": 0.80, "hybrid": 0.20}, {"bev": 1.0}, retire_rate=0.12),
    Fleet("LYG-BUS-005", "bus", (118, 120, 122, 125, 128, 130, 130),
          {"bev": 0.33, "cng": 0.20, "diesel": 0.47}, {"bev": 0.80, "diesel": 0.20},
          {"bev": 0.95, "diesel": 0.05}, retire_rate=0.12),
)
#: Kilometres per bus a year (≈ 160 km a day, less in COVID years), assumed.
BUS_KM_PER_YEAR = _per_year([52000, 58000, 55000, 58000, 58500, 59000])
#: Average passengers on board of county buses, assumed.
COUNTY_BUS_LOAD = _per_year([8.0, 9.0, 8.5, 9.5, 9.8, 10.0])
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
_RIDERSHIP_COVID = {"bus": 1.0, "taxi": 1.0, "private_car": 0.6, "motorcycle": 0.5, "ebike": 0.5,
                    "bicycle": 0.5, "walk": 0.4}


def build_ridership(rng: Rng) -> pl.DataFrame:
    """Central-city trips by mode and month (``area`` = central_city)."""
    frames = []
    for mode, per_day in RIDERSHIP_K_PER_DAY.items():
        shape = profile("urban", cny_depth=0.5, covid_sensitivity=_RIDERSHIP_COVID[mode])
        annual = _per_year(per_day) * 1000.0 * 365.0
        trips = spread_annual(annual, shape * lognormal_noise(rng, 0.02))
        frames.append(pl.DataFrame({
            "period": PERIODS,
            "area": "central_city",
            "mode": mode,
            "motorised": mode in MOTORISED_MODES,
            "trips": np.rint(trips).astype(np.int64),
        }))
    return pl.concat(frames)


def _fleet_energy(fleet: Fleet, per_km: dict[str, dict[str, float]], km_month: FloatArray,
                  rng: Rng, s: OrgSeries) -> FloatArray:
    """Add a fleet's fuels to ``s`` from its monthly stock and km per vehicle; return vehicle-km."""
    vkm_total = np.zeros(N_MONTHS)
    for power, stock in fleet.stock().items():
        vkm = monthly_stock(stock) * km_month * lognormal_noise(rng, 0.02)
        vkm_total += vkm
        for fuel, per in per_km[power].items():
            hvac = HVAC_FACTOR if fuel == "electricity" else HVAC_FACTOR ** 0.3
            s.add_fuel(fuel, vkm * per * hvac)
    return vkm_total


def build_buses(rng: Rng, ridership: pl.DataFrame) -> list[OrgSeries]:
    """Bus operators: fuels from their fleets; p·km from central-city trips (group) or loads (counties)."""
    shape = profile("urban", cny_depth=0.3, covid_sensitivity=0.5)
    km_month = spread_annual(BUS_KM_PER_YEAR, shape)
    bus_trips = ridership.filter(pl.col("mode") == "bus").sort("period")["trips"].to_numpy().astype(float)
    out = []
    for fleet in BUS_FLEETS:
        s = OrgSeries(fleet.org_id, Sector.URBAN_BUS)
        vkm = _fleet_energy(fleet, PER_KM["bus"], km_month * (1.0 if fleet.org_id.endswith("001") else 0.9),
                            rng, s)
        if fleet.org_id == "LYG-BUS-001":
            s.passenger_pkm = np.rint(bus_trips * BUS_TRIP_KM * lognormal_noise(rng, 0.01))
        else:
            s.passenger_pkm = np.rint(vkm * ramp(COUNTY_BUS_LOAD) * lognormal_noise(rng, 0.03))
        out.append(s)
    return out


# Taxis: ≈ 3,000 in all (assumed; no public figure [lianyungang.md: "not found"]); CNG bi-fuel and
# gasoline cars giving way to battery-electric ones.
_TAXI_CENTRAL = ({"bev": 0.12, "cng": 0.60, "gasoline": 0.28}, {"bev": 0.50, "cng": 0.38, "gasoline": 0.12},
                 {"bev": 0.78, "cng": 0.17, "gasoline": 0.05})
_TAXI_COUNTY = ({"bev": 0.06, "cng": 0.62, "gasoline": 0.32}, {"bev": 0.30, "cng": 0.50, "gasoline": 0.20},
                {"bev": 0.60, "cng": 0.30, "gasoline": 0.10})
TAXI_FLEETS: tuple[Fleet, ...] = tuple(
    Fleet(org, "taxi", (n,) * 7, *mix, retire_rate=0.13)
    for org, n, mix in (("LYG-TAXI-001", 900, _TAXI_CENTRAL), ("LYG-TAXI-002", 650, _TAXI_CENTRAL),
                        ("LYG-TAXI-003", 550, _TAXI_CENTRAL), ("LYG-TAXI-004", 350, _TAXI_COUNTY),
                        ("LYG-TAXI-005", 300, _TAXI_COUNTY), ("LYG-TAXI-006", 250, _TAXI_COUNTY))
)
#: Kilometres per taxi a year (double shifts, ≈ 300+ km a day), assumed.
TAXI_KM_PER_YEAR = _per_year([96000, 110000, 101000, 112000, 114000, 115000])
#: Passenger-km per taxi-km: 62% occupied × 1.45 passengers, assumed.
TAXI_PKM_PER_KM = 0.9


def build_taxis(rng: Rng) -> list[OrgSeries]:
    shape = profile("urban", cny_depth=0.45, covid_sensitivity=0.9)
    km_month = spread_annual(TAXI_KM_PER_YEAR, shape)
    out = []
    for fleet in TAXI_FLEETS:
        s = OrgSeries(fleet.org_id, Sector.TAXI)
        vkm = _fleet_energy(fleet, PER_KM["taxi"], km_month, rng, s)
        s.passenger_pkm = np.rint(vkm * TAXI_PKM_PER_KM * lognormal_noise(rng, 0.03))
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------
# Road freight
# ---------------------------------------------------------------------------------------------------


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
    size = tuple(n * (g ** 0.7) for g in idx)
    return TruckFleet(Fleet(org_id, category, size, *mixes, retire_rate=0.11), tkm_m, kg, growth)


_LONG_HAUL: Mixes = ({"diesel": 0.92, "lng": 0.08}, {"diesel": 0.86, "lng": 0.13, "bev": 0.01},
              {"diesel": 0.74, "lng": 0.22, "bev": 0.04})


# ≈ 8,700 trucks in the reporting fleets (the city has ≈ 6–7万 commercial trucks [D, rough]); intensities
# 0.03 kg/t·km for long-haul heavy trucks to 0.10 for light urban delivery vans (assumed, typical).
TRUCK_FLEETS: tuple[TruckFleet, ...] = (
    _trucks("LYG-FRT-001", "truck_heavy_short_haul", 1200, "container",
            ({"diesel": 0.72, "lng": 0.27, "bev": 0.01}, {"diesel": 0.62, "lng": 0.35, "bev": 0.03},
             {"diesel": 0.40, "lng": 0.42, "bev": 0.18}), 0.55, 0.052),
    _trucks("LYG-FRT-002", "truck_heavy_short_haul", 900, "port",
            ({"diesel": 0.84, "lng": 0.15, "bev": 0.01}, {"diesel": 0.80, "lng": 0.18, "bev": 0.02},
             {"diesel": 0.62, "lng": 0.26, "bev": 0.12}), 0.60, 0.050),
    _trucks("LYG-FRT-003", "truck_heavy_short_haul", 400, "flat",
            ({"diesel": 0.98, "lng": 0.02}, {"diesel": 0.98, "lng": 0.02}, {"diesel": 0.88, "lng": 0.02, "bev": 0.10}),
            0.30, 0.062),
    _trucks("LYG-FRT-004", "truck", 1500, "xuwei", _LONG_HAUL, 1.60, 0.030),
    _trucks("LYG-FRT-005", "truck", 300, "urban",
            ({"diesel": 0.97, "bev": 0.03}, {"diesel": 0.92, "bev": 0.08}, {"diesel": 0.75, "bev": 0.25}), 0.25, 0.085),
    _trucks("LYG-FRT-006", "truck", 800, "urban",
            ({"diesel": 0.88, "bev": 0.12}, {"diesel": 0.60, "bev": 0.40}, {"diesel": 0.20, "bev": 0.80}), 0.12, 0.100),
    _trucks("LYG-FRT-007", "truck", 1200, "general", _LONG_HAUL, 1.30, 0.034),
    _trucks("LYG-FRT-008", "truck", 900, "general", _LONG_HAUL, 1.20, 0.036),
    _trucks("LYG-FRT-009", "truck", 700, "general",
            ({"diesel": 0.96, "lng": 0.04}, {"diesel": 0.92, "lng": 0.08}, {"diesel": 0.84, "lng": 0.15, "bev": 0.01}),
            1.20, 0.037),
    _trucks("LYG-FRT-010", "truck", 800, "general", _LONG_HAUL, 1.20, 0.036),
)


def build_trucks(rng: Rng) -> list[OrgSeries]:
    """Freight fleets: t·km from fleet × t·km per truck × volume index; fuel from t·km and power mix."""
    shape = profile("freight", cny_depth=0.45, covid_sensitivity=0.5)
    out = []
    for tf in TRUCK_FLEETS:
        f = tf.fleet
        n2020 = f.size[1]
        annual = n2020 * tf.tkm_per_truck_m * 1e6 * _per_year(FREIGHT_INDEX[tf.growth])
        tkm = spread_annual(annual, shape * lognormal_noise(rng, 0.03))
        stock = {k: monthly_stock(v) for k, v in f.stock().items()}
        total = sum(stock.values())
        s = OrgSeries(f.org_id, Sector.ROAD_FREIGHT, freight_tkm=np.rint(tkm))
        kg = tf.diesel_kg_per_tkm * lognormal_noise(rng, 0.015)
        for power, st in stock.items():
            diesel_t = tkm * st / total * kg / 1000.0
            if power == "diesel":
                s.add_fuel("diesel", diesel_t)
            elif power == "lng":
                s.add_fuel("lng", diesel_t * LNG_KG_PER_KG_DIESEL)
            elif power == "bev":
                s.add_fuel("electricity", diesel_t * 1000.0 * BEV_KWH_PER_KG_DIESEL * HVAC_FACTOR ** 0.5)
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------
# Road passenger (coaches)
# ---------------------------------------------------------------------------------------------------

# ≈ 800 coaches in 2020 shrinking as high-speed rail opened (连淮扬镇 2020-12, 连徐 2021-02 [R]), loads
# falling; electric coaches on county routes. All assumed.
_COACH_MIX = ({"diesel": 0.86, "lng": 0.10, "bev": 0.04}, {"diesel": 0.50, "lng": 0.10, "bev": 0.40},
              {"diesel": 0.20, "lng": 0.10, "bev": 0.70})
_COACH_SHRINK = (1.02, 1.0, 0.97, 0.93, 0.90, 0.87, 0.84)
COACH_FLEETS: tuple[Fleet, ...] = tuple(
    Fleet(org, "coach", tuple(n * k for k in _COACH_SHRINK), *_COACH_MIX)
    for org, n in (("LYG-COACH-001", 320), ("LYG-COACH-002", 140), ("LYG-COACH-003", 150),
                   ("LYG-COACH-004", 180))
)
COACH_KM_PER_YEAR = _per_year([62000, 70000, 55000, 72000, 74000, 75000])
COACH_LOAD = _per_year([17.0, 16.5, 15.0, 15.0, 14.5, 14.0])


def build_coaches(rng: Rng) -> list[OrgSeries]:
    out = []
    for fleet in COACH_FLEETS:
        tourism = fleet.org_id.endswith("004")
        shape = profile("tourism" if tourism else "intercity", cny_depth=0.3 if tourism else -0.25,
                        covid_sensitivity=1.2)
        km_month = spread_annual(COACH_KM_PER_YEAR, shape)
        s = OrgSeries(fleet.org_id, Sector.ROAD_PASSENGER)
        vkm = _fleet_energy(fleet, PER_KM["coach"], km_month, rng, s)
        s.passenger_pkm = np.rint(vkm * ramp(COACH_LOAD) * lognormal_noise(rng, 0.03))
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------
# Waterway
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShipFirm:
    """A shipping firm: t·km (2020, 10^8), growth, fuel per t·km [g], LNG / electric share ramps."""

    org_id: str
    tkm_e8: float
    growth: tuple[float, ...]
    g_per_tkm: dict[str, float]
    lng_share: tuple[float, float] = (0.0, 0.0)
    bev_share: tuple[float, float] = (0.0, 0.0)


# ≈ 390亿 t·km in 2020 (no public figure for waterway turnover [lianyungang.md: "not found"]; assumed);
# coastal bulk carriers ≈ 3 g fuel per t·km, barges ≈ 7–9 g (typical values, assumed).
SHIP_FIRMS: tuple[ShipFirm, ...] = (
    ShipFirm("LYG-SHIP-001", 180.0, (1.0, 1.06, 1.10, 1.16, 1.23, 1.29), {"fuel_oil": 2.6, "diesel": 0.35}),
    ShipFirm("LYG-SHIP-002", 110.0, (1.0, 1.05, 1.09, 1.14, 1.19, 1.24), {"fuel_oil": 2.7, "diesel": 0.35}),
    ShipFirm("LYG-SHIP-003", 55.0, (1.0, 1.04, 1.13, 1.19, 1.31, 1.38), {"fuel_oil": 3.8, "diesel": 0.5}),
    ShipFirm("LYG-SHIP-004", 22.0, (1.0, 1.10, 1.18, 1.28, 1.38, 1.48), {"diesel": 7.0},
             lng_share=(0.0, 0.18)),
    ShipFirm("LYG-SHIP-005", 7.0, (1.0, 1.03, 1.02, 1.05, 1.07, 1.08), {"diesel": 8.5}, bev_share=(0.0, 0.05)),
    ShipFirm("LYG-SHIP-006", 18.0, (1.0, 1.08, 1.15, 1.25, 1.33, 1.40), {"fuel_oil": 3.5, "diesel": 1.0}),
)


def build_ships(rng: Rng) -> list[OrgSeries]:
    shape = profile("freight", cny_depth=0.15, covid_sensitivity=0.3)
    out = []
    for firm in SHIP_FIRMS:
        tkm = spread_annual(firm.tkm_e8 * 1e8 * _per_year(firm.growth), shape * lognormal_noise(rng, 0.04))
        s = OrgSeries(firm.org_id, Sector.WATERWAY_FREIGHT, freight_tkm=np.rint(tkm))
        lng, bev = _lin(firm.lng_share), _lin(firm.bev_share)
        fossil = 1.0 - lng - bev
        noise = lognormal_noise(rng, 0.02)
        for fuel, g in firm.g_per_tkm.items():
            s.add_fuel(fuel, tkm * g / 1e6 * fossil * noise)
        diesel_eq_t = tkm * sum(firm.g_per_tkm.values()) / 1e6 * noise
        if max(firm.lng_share) > 0:
            s.add_fuel("lng", diesel_eq_t * lng * LNG_KG_PER_KG_DIESEL)
        if max(firm.bev_share) > 0:
            s.add_fuel("electricity", diesel_eq_t * bev * 1000.0 * BEV_KWH_PER_KG_DIESEL)
        out.append(s)
    return out


def build_ferries(rng: Rng) -> list[OrgSeries]:
    """Sightseeing boats (seated passengers): diesel giving way to electric boats from 2023 (assumed)."""
    specs = (
        # org, passengers [10^4/yr], trip km, diesel kg/p·km, electric share 2020 … 2025, kWh/p·km
        ("LYG-FERRY-001", (15, 32, 20, 42, 48, 52), 25.0, 0.015, (0, 0, 0, 0.08, 0.18, 0.25), 0.06),
        ("LYG-FERRY-002", (5, 10, 7, 14, 16, 18), 8.0, 0.012, (0.5, 0.6, 0.7, 0.85, 0.95, 1.0), 0.05),
    )
    shape = profile("tourism", cny_depth=-0.2, covid_sensitivity=1.3)
    out = []
    for org, pax, km, kg, elec, kwh in specs:
        pkm = spread_annual(_per_year(pax) * 1e4 * km, shape * lognormal_noise(rng, 0.05))
        share = ramp(elec)
        s = OrgSeries(org, Sector.WATERWAY_PASSENGER, passenger_pkm=np.rint(pkm), passenger_kind="seat")
        noise = lognormal_noise(rng, 0.03)
        s.add_fuel("diesel", pkm * (1.0 - share) * kg / 1000.0 * noise)
        s.add_fuel("electricity", pkm * share * kwh * noise + 3000.0 * HVAC_FACTOR)  # + piers and offices
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------
# Rail and aviation
# ---------------------------------------------------------------------------------------------------

#: Rail freight [Mt/yr]: ≈ 4,000万t a year [V/D]; hauled ≈ 180 km within the reporting section (assumed).
RAIL_FREIGHT_MT = _per_year([38.0, 40.0, 41.5, 43.5, 45.5, 47.5])
RAIL_HAUL_KM = 180.0
#: Rail passengers [M/yr] boarding in the city, rising as the high-speed lines opened (assumed), × 230 km.
RAIL_PASSENGERS_M = _per_year([3.2, 5.0, 3.8, 8.5, 9.8, 10.8])
RAIL_TRIP_KM = 230.0


def build_rail(rng: Rng) -> list[OrgSeries]:
    fshape = profile("freight", cny_depth=0.2, covid_sensitivity=0.35)
    tkm = spread_annual(RAIL_FREIGHT_MT * 1e6 * RAIL_HAUL_KM, fshape * lognormal_noise(rng, 0.03))
    electric = _lin((0.80, 0.88))  # share of t·km hauled electrically
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
AIRPORT_PASSENGERS_M = _per_year([0.98, 1.233272, 0.80, 1.65, 2.05, 2.35])
#: Airport cargo [t/yr]: 8,415.6 in 2021 [V]; other years assumed.
AIRPORT_CARGO_T = _per_year([7500.0, 8415.6, 6800.0, 9500.0, 11000.0, 12500.0])
AIR_TRIP_KM = 1150.0
AIR_INTL_TRIP_KM = 1000.0
#: Airport ground equipment (stock, year-end 2019 … 2025); electric share ≥ 25% by 2025 (plan target).
AIRPORT_EQUIPMENT = Fleet("LYG-AIR-001", "airport_equipment", (200, 210, 225, 300, 320, 340, 360),
                          {"bev": 0.08, "diesel": 0.62, "gasoline": 0.30},
                          {"bev": 0.30, "diesel": 0.50, "gasoline": 0.20},
                          {"bev": 0.60, "diesel": 0.30, "gasoline": 0.10}, retire_rate=0.07)


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
    domestic = OrgSeries("LYG-AIR-002", Sector.CIVIL_AVIATION, passenger_pkm=np.rint(dom_pkm),
                         freight_tkm=np.rint(cargo / 2.0 * AIR_TRIP_KM), passenger_kind="domestic")
    domestic.add_fuel("jet_kerosene", dom_pkm * kg_per_pkm / 1000.0 * lognormal_noise(rng, 0.02))
    intl_pkm = departing * intl_share * AIR_INTL_TRIP_KM
    intl = OrgSeries("LYG-AIR-003", Sector.CIVIL_AVIATION, passenger_pkm=np.rint(intl_pkm),
                     passenger_kind="international")
    intl.add_fuel("jet_kerosene", intl_pkm * 0.030 / 1000.0 * lognormal_noise(rng, 0.02))
    return [airport, domestic, intl]


# ---------------------------------------------------------------------------------------------------
# Other: public-service fleets and facilities
# ---------------------------------------------------------------------------------------------------

OFFICIAL_CARS = Fleet("LYG-OTH-001", "car_public_service", (920, 900, 880, 860, 850, 840, 830),
                      {"gasoline": 0.82, "bev": 0.15, "phev": 0.03}, {"gasoline": 0.55, "bev": 0.40, "phev": 0.05},
                      {"gasoline": 0.30, "bev": 0.62, "phev": 0.08})
SANITATION = Fleet("LYG-OTH-002", "car_public_service", (580, 600, 620, 640, 660, 680, 700),
                   {"diesel": 0.93, "bev": 0.07}, {"diesel": 0.85, "bev": 0.15}, {"diesel": 0.55, "bev": 0.45})
DRIVING_SCHOOL = Fleet("LYG-OTH-003", "car_driving_school", (500,) * 7, {"gasoline": 1.0},
                       {"gasoline": 0.95, "bev": 0.05}, {"gasoline": 0.80, "bev": 0.20})


def build_other(rng: Rng) -> list[OrgSeries]:
    shape = profile("urban", cny_depth=0.3, covid_sensitivity=0.3)
    out = []
    for fleet, per_km, km in ((OFFICIAL_CARS, PER_KM["car"], 15000.0), (SANITATION, PER_KM["sanitation"], 25000.0),
                              (DRIVING_SCHOOL, PER_KM["car"], 20000.0)):
        s = OrgSeries(fleet.org_id, Sector.OTHER)
        _fleet_energy(fleet, per_km, spread_annual(np.full(6, km), shape), rng, s)
        out.append(s)
    stations = OrgSeries("LYG-OTH-004", Sector.OTHER)
    stations.add_fuel("electricity", 350_000.0 * ramp([1.0, 1.05, 1.10, 1.18, 1.25, 1.32]) * HVAC_FACTOR
                      * lognormal_noise(rng, 0.03))
    stations.add_fuel("natural_gas", 1.2 * np.where(np.isin(MONTH_INDEX % 12, [0, 1, 11]), 1.0, 0.15)
                      * lognormal_noise(rng, 0.05))  # heating boilers, 10^4 m3
    out.append(stations)
    return out

