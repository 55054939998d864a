"""Port and waterway: terminal companies (throughput, electricity, diesel, LNG), the port holding group
and its tugs, berths with shore power, shipping firms (t·km, fuel oil, diesel, LNG, electric) and
sightseeing boats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from transcarbon.demo.fleets import BEV_KWH_PER_KG_DIESEL, LNG_KG_PER_KG_DIESEL
from transcarbon.demo.seasons import (
    HVAC_FACTOR,
    MONTH_INDEX,
    N_MONTHS,
    PERIODS,
    lognormal_noise,
    profile,
    ramp,
    spread_annual,
)
from transcarbon.demo.sectors.series import OrgSeries, Rng, linear_ramp, per_year
from transcarbon.domain import Sector

# ---------------------------------------------------------------------------------------------------
# Port
# ---------------------------------------------------------------------------------------------------

#: Port cargo throughput [Mt]: 2021 277 and 2025 367 [V]; 2020 253, 2022 301, 2024 346 [D/R];
#: 2023 "> 300" with Jan–Oct 259 [V] → 312 (Jan–Oct × 1.2).
PORT_CARGO_MT = per_year([253.0, 277.0, 301.0, 312.0, 346.0, 367.0])
#: Containers [10^4 TEU]: 2021 503.49 and 2025 715.98 [V]; 2020 480, 2022 557, 2023 595, 2024 669 [D/R].
PORT_TEU_10K = per_year([480.0, 503.49, 557.0, 595.0, 669.0, 715.98])
#: Sea–rail containers [10^4 TEU]: 2025 94.3 [V]; earlier years assumed at ≈ 11%/yr growth.
SEA_RAIL_TEU_10K = per_year([55.0, 61.5, 68.0, 76.0, 85.0, 94.3])
#: Sea–river containers [10^4 TEU], assumed (2025 sea–river volume was 2,413.8万t [V], mostly bulk).
SEA_RIVER_TEU_10K = per_year([20.0, 22.3, 24.9, 27.9, 31.2, 35.0])
#: Cargo per TEU [t], assumed.
T_PER_TEU = 11.0
#: Shore-power electricity delivered to ships [kWh/yr]: 2020 ≈ 120万 kWh [V, the 2015 system];
#: later years assumed so that 2025 ≈ 2.5× 2020 (plan target: double).
SHORE_POWER_KWH = per_year([1.20e6, 1.36e6, 1.62e6, 2.02e6, 2.48e6, 2.98e6])


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
    Terminal(
        "LYG-PORT-002",
        "lianyungang",
        (0.0, 0.0),
        0.0,
        (0, 0),
        (0, 0),
        (2.3, 2.6),
        (0.30, 0.19),
        (0.02, 0.04),
        teu_share=0.94,
        sea_river_share=0.8,
    ),
    Terminal("LYG-PORT-003", "lianyungang", (0.25, 0.20), 1.0, (0.46, 0.50), (0.42, 0.42), (0.95, 1.0), (0.09, 0.07)),
    Terminal("LYG-PORT-004", "lianyungang", (0.16, 0.12), 1.0, (0.30, 0.34), (0.55, 0.55), (0.90, 0.95), (0.08, 0.06)),
    Terminal("LYG-PORT-005", "lianyungang", (0.08, 0.07), 0.3, (0.20, 0.24), (0.40, 0.42), (1.2, 1.3), (0.20, 0.15)),
    Terminal("LYG-PORT-006", "lianyungang", (0.10, 0.09), 0.85, (0.25, 0.28), (0.45, 0.47), (1.1, 1.15), (0.12, 0.10)),
    Terminal("LYG-PORT-007", "ganyu", (0.14, 0.17), 0.95, (0.10, 0.22), (0.65, 0.60), (0.85, 0.95), (0.10, 0.08)),
    Terminal(
        "LYG-PORT-008",
        "ganyu",
        (0.04, 0.05),
        0.5,
        (0.05, 0.10),
        (0.55, 0.55),
        (1.2, 1.3),
        (0.20, 0.15),
        teu_share=0.06,
        sea_river_share=0.2,
    ),
    Terminal("LYG-PORT-009", "xuwei", (0.08, 0.14), 1.0, (0.05, 0.05), (0.85, 0.86), (0.55, 0.55), (0.03, 0.025)),
    Terminal("LYG-PORT-010", "xuwei", (0.07, 0.08), 1.0, (0.20, 0.30), (0.60, 0.55), (0.90, 0.95), (0.09, 0.07)),
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


def build_port(rng: Rng) -> tuple[list[OrgSeries], pl.DataFrame, pl.DataFrame]:
    """Port terminals, holding group and tugs; the port-throughput and shore-power report frames."""
    shape = profile("port", cny_depth=0.35, covid_sensitivity=0.3)
    cargo = spread_annual(PORT_CARGO_MT * 1e6, shape * lognormal_noise(rng, 0.02))
    teu = spread_annual(PORT_TEU_10K * 1e4, shape * lognormal_noise(rng, 0.025))
    sea_rail = spread_annual(SEA_RAIL_TEU_10K * 1e4, shape * lognormal_noise(rng, 0.04))
    sea_river = spread_annual(SEA_RIVER_TEU_10K * 1e4, shape * lognormal_noise(rng, 0.05))
    non_container = cargo - teu * T_PER_TEU

    raw = np.vstack([linear_ramp(t.share) * lognormal_noise(rng, 0.04) for t in TERMINALS])
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
        rail, water = linear_ramp(t.rail), linear_ramp(t.water)
        rows.append(
            pl.DataFrame(
                {
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
                }
            )
        )
        s = OrgSeries(t.org_id, Sector.PORT, throughput_t=np.rint(t_cargo))
        sp = shore_by_org.filter(pl.col("org_id") == t.org_id)
        sp_kwh = np.zeros(N_MONTHS)
        if sp.height:
            idx = np.array([PERIODS.index(p) for p in sp["period"].to_list()])
            sp_kwh[idx] = sp["kwh"].to_numpy()
        s.add_fuel(
            "electricity", t_cargo * linear_ramp(t.kwh_per_t) * HVAC_FACTOR**0.3 * lognormal_noise(rng, 0.03) + sp_kwh
        )
        s.add_fuel("diesel", t_cargo * linear_ramp(t.diesel_kg_per_t) / 1000.0 * lognormal_noise(rng, 0.03))
        if max(t.lng_kg_per_t) > 0:
            s.add_fuel("lng", t_cargo * linear_ramp(t.lng_kg_per_t) / 1000.0 * lognormal_noise(rng, 0.04))
        series.append(s)

    group = OrgSeries("LYG-PORT-001", Sector.PORT)
    group.add_fuel(
        "electricity", 180_000.0 * ramp([1.0, 1.02, 1.04, 1.06, 1.08, 1.10]) * HVAC_FACTOR * lognormal_noise(rng, 0.04)
    )
    group.add_fuel("gasoline", 6.0 * ramp([1.0, 0.95, 0.9, 0.8, 0.7, 0.6]) * lognormal_noise(rng, 0.06))
    tug = OrgSeries("LYG-PORT-012", Sector.PORT)
    # Twelve harbour tugs, ≈ 450 t diesel a month at 2020 traffic, scaling with cargo, 1%/yr efficiency.
    tug.add_fuel(
        "diesel",
        450.0 * cargo / cargo[:12].mean() * ramp([1.0, 0.99, 0.98, 0.97, 0.96, 0.95]) * lognormal_noise(rng, 0.04),
    )
    port_throughput = pl.concat(rows).with_columns(
        pl.col(c).cast(pl.Float64)
        for c in ("cargo_t", "bulk_cargo_t", "bulk_by_rail_t", "bulk_by_water_t", "bulk_by_road_t")
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
        frames.append(
            pl.DataFrame(
                {
                    "period": np.asarray(PERIODS)[in_service],
                    "org_id": b.org_id,
                    "berth_id": b.berth_id,
                    "ship_calls_connected": calls[in_service].astype(np.int64),
                    "kwh": np.round(kwh[i][in_service], 1),
                }
            )
        )
    return pl.concat(frames)


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


# ≈ 390亿 t·km in 2020 (no public figure for waterway turnover [docs/sources/lianyungang.md: "not found"]; assumed);
# coastal bulk carriers ≈ 3 g fuel per t·km, barges ≈ 7–9 g (typical values, assumed).
SHIP_FIRMS: tuple[ShipFirm, ...] = (
    ShipFirm("LYG-SHIP-001", 180.0, (1.0, 1.06, 1.10, 1.16, 1.23, 1.29), {"fuel_oil": 2.6, "diesel": 0.35}),
    ShipFirm("LYG-SHIP-002", 110.0, (1.0, 1.05, 1.09, 1.14, 1.19, 1.24), {"fuel_oil": 2.7, "diesel": 0.35}),
    ShipFirm("LYG-SHIP-003", 55.0, (1.0, 1.04, 1.13, 1.19, 1.31, 1.38), {"fuel_oil": 3.8, "diesel": 0.5}),
    ShipFirm("LYG-SHIP-004", 22.0, (1.0, 1.10, 1.18, 1.28, 1.38, 1.48), {"diesel": 7.0}, lng_share=(0.0, 0.18)),
    ShipFirm("LYG-SHIP-005", 7.0, (1.0, 1.03, 1.02, 1.05, 1.07, 1.08), {"diesel": 8.5}, bev_share=(0.0, 0.05)),
    ShipFirm("LYG-SHIP-006", 18.0, (1.0, 1.08, 1.15, 1.25, 1.33, 1.40), {"fuel_oil": 3.5, "diesel": 1.0}),
)


def build_ships(rng: Rng) -> list[OrgSeries]:
    shape = profile("freight", cny_depth=0.15, covid_sensitivity=0.3)
    out = []
    for firm in SHIP_FIRMS:
        tkm = spread_annual(firm.tkm_e8 * 1e8 * per_year(firm.growth), shape * lognormal_noise(rng, 0.04))
        s = OrgSeries(firm.org_id, Sector.WATERWAY_FREIGHT, freight_tkm=np.rint(tkm))
        lng, bev = linear_ramp(firm.lng_share), linear_ramp(firm.bev_share)
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
        pkm = spread_annual(per_year(pax) * 1e4 * km, shape * lognormal_noise(rng, 0.05))
        share = ramp(elec)
        s = OrgSeries(org, Sector.WATERWAY_PASSENGER, passenger_pkm=np.rint(pkm), passenger_kind="seat")
        noise = lognormal_noise(rng, 0.03)
        s.add_fuel("diesel", pkm * (1.0 - share) * kg / 1000.0 * noise)
        s.add_fuel("electricity", pkm * share * kwh * noise + 3000.0 * HVAC_FACTOR)  # + piers and offices
        out.append(s)
    return out
