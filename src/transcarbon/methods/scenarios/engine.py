"""The city scenario engine: the road fleet, the demand modes with their structure levers, the port and the airport,
run together over draws × years and turned into energy by sector and carrier, land-transport oil, CO2 (direct and
grid electricity), road pollutants and the plan's indicators.

Order of a run (one chunk of draws at a time, every step vectorised over the chunk):

1. the road fleet with the kilometres its stock drives (:func:`.road_fleet.run_fleet`), times each class's kilometre
   index of the year (calibrated to fuel sold);
2. the bulk-cargo shift (:func:`.demand.bulk_shift`) takes kilometres from the class that hauls bulk cargo on the
   road and adds t·km to the modes that receive it; the public-transport shift moves passenger-km from cars to buses;
   each touched class gets its activity index (:func:`.demand.activity_index`, :func:`.road_fleet.with_activity`);
3. the demand modes (ASIF, :func:`.demand.mode_energy`; port handling is one), shore power and the airport's APU
   substitutes (:func:`.port.substitute`);

The levers of steps 2 and 3 act as changes against the last observed year (``observed_until``): the observed years'
activity and energy already hold the structure and the substitutions observed then, so nothing moves up to that
year and afterwards only what moves beyond it.
4. CO2 per sector: carriers × factors, electricity × the grid path (:mod:`.carbon`);
5. indicators (:mod:`.indicators`): shares of additions and of the stock, intensities and their falls against the
   base year, the growth of direct CO2, the oil peak year.

Turnover for the intensity indicators: a road class carries ``VKM · load`` t·km or ``VKM · occupancy`` p·km; a mode
its activity; converted turnover = t·km + p·km · k (road 0.1, waterway 1; :mod:`transcarbon.methods.turnover`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass

import numpy as np
from numpy.typing import NDArray

from transcarbon.methods.scenarios import carbon, demand, indicators, port, road_fleet

Array = NDArray[np.float64]
Flags = NDArray[np.bool_]

ROAD_PKM_TO_TKM = 0.1
"""Converted turnover: 10 road p·km = 1 t·km (换算周转量, ``data/factors/converted_turnover.csv``)."""


@dataclass(frozen=True)
class Mode:
    """A demand mode in ASIF form (:mod:`.demand`): activity [unit], intensity [GJ per unit], carrier mix."""

    id: str
    sector: str
    unit: str  # t·km, p·km, t, passengers …
    activity: Array  # (d, y)
    intensity: Array  # (d, y)
    mix: Array  # (d, k, y)
    land: bool = False  # land transport (its oil counts in land-transport oil)
    receives: str | None = None  # "rail" | "water": receives shifted bulk t·km
    converted: float = 0.0  # converted t·km per unit of activity (0: not transport work)
    commercial: bool = False  # commercial transport (营运): in the converted-turnover intensity
    freight: bool = False  # freight t·km: in the ship intensity when it is a waterway mode


@dataclass(frozen=True)
class Bulk:
    """The bulk-cargo shift (:func:`.demand.bulk_shift`) and the road class that hauls bulk cargo."""

    tonnes: Array  # (d, y)
    share: Array  # (d, y)
    road_haul_km: Array  # (d,)
    rail_fraction: Array  # (d,)
    rail_haul_km: Array  # (d,)
    water_haul_km: Array  # (d,)
    truck_class: int


@dataclass(frozen=True)
class Transit:
    """The public-transport shift of passenger-km from a car class to a bus class."""

    passenger_km: Array  # (d, y)
    share: Array  # (d, y)
    car_class: int
    bus_class: int


@dataclass(frozen=True)
class Port:
    """Shore power replacing ships' auxiliary fuel at berth (:mod:`.port`), counted as a change against the last
    observed year's uptake: the demand modes hold the observed at-berth fuel, so the fuel displaced beyond it leaves
    ``berth_sector`` and its electricity joins the port (cargo handling is a demand mode)."""

    throughput_t: Array  # (d, y)
    berth_gj_per_t: Array  # (d, y)
    shore_uptake: Array  # (d, y)
    shore_efficiency: Array  # (d,)
    berth_carrier: int
    berth_sector: str


@dataclass(frozen=True)
class Airport:
    """Aircraft APU fuel replaced by ground power and pre-conditioned air (:mod:`.port`), as a change against the
    last observed year's use of the substitutes (the aviation mode holds the observed APU fuel)."""

    movements: Array  # (d, y)
    apu_gj_per_movement: Array  # (d, y)
    substitute_use: Array  # (d, y)
    electricity_per_fuel: Array  # (d,)
    apu_carrier: int
    sector: str = "civil_aviation"


@dataclass(frozen=True)
class CityInputs:
    """Everything a city scenario run needs, as arrays (leading draws axis ``d``, 1 for a single run)."""

    years: NDArray[np.int64]
    classes: tuple[str, ...]
    class_sector: tuple[str, ...]
    class_commercial: Flags  # (c,)
    class_load_t: Array  # (d, c) t per vehicle-km (freight classes), else 0
    class_occupancy: Array  # (d, c) passengers per vehicle (passenger classes), else 0
    class_km_index: Array  # (d, c, y) kilometres per vehicle relative to the class's own (calibrated years), else 1
    powertrains: tuple[str, ...]
    nev: Flags  # (p,) new-energy powertrains (plug-in hybrid, battery-electric, fuel cell)
    clean: Flags  # (p,) clean-energy powertrains counted with new energy in the plan's additions (CNG, LNG)
    additions_excluded: Flags  # (c,) classes left out of the additions shares (motorcycles)
    bus_classes: Flags  # (c,) classes of the new-energy bus share
    fleet: road_fleet.FleetInputs
    modes: tuple[Mode, ...]
    bulk: Bulk | None
    transit: Transit | None
    port: Port | None
    airport: Airport | None
    carrier_co2: Array  # (k,) t CO2 per GJ
    grid_kg_per_kwh: Array  # (d, y)
    observed_until: int  # the last observed year: the shifts and substitutions change nothing up to it


def draws_of(obj: object) -> int:
    """The number of draws of ``obj``: the longest leading axis of its per-draw (float) arrays, 1 when none varies;
    flags and axes (boolean and integer arrays) and the tables of :data:`_DRAWLESS` have no draws axis."""
    if isinstance(obj, np.ndarray):
        return int(obj.shape[0]) if obj.ndim >= 1 and obj.dtype.kind == "f" else 1
    if is_dataclass(obj) and not isinstance(obj, type):
        return max([1, *(draws_of(getattr(obj, f.name)) for f in fields(obj) if f.name not in _DRAWLESS)])
    if isinstance(obj, tuple):
        return max([1, *(draws_of(v) for v in obj)])
    return 1


_DRAWLESS = frozenset({"pollutant_factors", "carrier_co2"})
"""Float array fields without a draws axis (tables shared by every draw)."""


@dataclass
class CityOutputs:
    """Per-draw outputs of a run (years on the last axis)."""

    years: NDArray[np.int64]
    classes: tuple[str, ...]
    powertrains: tuple[str, ...]
    sectors: tuple[str, ...]
    stock: NDArray[np.float32]  # (d, c, p, y) [veh]
    additions: NDArray[np.float32]  # (d, c, p, y) [veh]
    energy_gj: NDArray[np.float32]  # (d, s, k, y)
    co2_direct_t: Array  # (d, s, y)
    co2_electricity_t: Array  # (d, s, y)
    pollutants_t: Array  # (d, q, y) road
    oil_land_tce: Array  # (d, y)
    indicators: dict[str, Array]  # name → (d, y)
    peak_year: NDArray[np.int64]  # (d,) NO_PEAK where the land-transport oil still peaks in the last year

    @property
    def draws(self) -> int:
        return int(self.stock.shape[0])


def sectors_of(inp: CityInputs) -> tuple[str, ...]:
    """The sectors of a run in order: the road classes', the modes', the port's and the airport's."""
    out: list[str] = []
    for s in (
        *inp.class_sector,
        *(m.sector for m in inp.modes),
        *(["port"] if inp.port else []),
        *([inp.airport.sector] if inp.airport else []),
    ):
        if s not in out:
            out.append(s)
    return tuple(out)


def _after(inp: CityInputs) -> tuple[int, Array]:
    """The index of the last observed year (0 if before the first) and a mask of the years after it."""
    i = int(np.clip(inp.observed_until - inp.years[0], 0, inp.years.size - 1))
    return i, (inp.years > inp.observed_until).astype(np.float64)


def _road_indices(inp: CityInputs, stock_vkm: Array) -> tuple[Array, Array, Array]:
    """Activity index ``(d, c, y)`` of every class, and the rail and water t·km the bulk shift adds ``(d, y)``: the
    structure levers move activity against the last observed year's structure, in the years after it (the observed
    years' activity already holds the observed structure)."""
    d, c, y = stock_vkm.shape
    i_obs, after = _after(inp)
    change = np.zeros((d, c, y))
    rail = np.zeros((d, y))
    water = np.zeros((d, y))
    if inp.bulk is not None:
        b = inp.bulk
        shift = demand.bulk_shift(
            b.tonnes, b.share, b.share[:, i_obs], b.road_haul_km, b.rail_fraction, b.rail_haul_km, b.water_haul_km
        )
        load = inp.class_load_t[:, b.truck_class]
        change[:, b.truck_class] -= shift.road_tkm_removed * after / load[:, None]
        rail, water = shift.rail_tkm_added * after, shift.water_tkm_added * after
    if inp.transit is not None:
        tr = inp.transit
        moved = demand.public_transport_shift(tr.passenger_km, tr.share, tr.share[:, i_obs]) * after
        change[:, tr.car_class] -= moved / inp.class_occupancy[:, tr.car_class, None]
        change[:, tr.bus_class] += moved / inp.class_occupancy[:, tr.bus_class, None]
    return demand.activity_index(stock_vkm, change), rail, water


def _run(inp: CityInputs) -> CityOutputs:
    sectors = sectors_of(inp)
    n_k = len(carbon.CARRIERS)
    fleet0 = road_fleet.run_fleet(inp.fleet)
    d = draws_of(inp)
    fleet0 = road_fleet.with_activity(fleet0, inp.class_km_index)
    index, rail_tkm, water_tkm = _road_indices(inp, fleet0.vkm.sum(axis=2))
    fl = road_fleet.with_activity(fleet0, index)
    y = inp.years.size
    energy = np.zeros((d, len(sectors), n_k, y))
    sec = {s: i for i, s in enumerate(sectors)}
    for ci, s in enumerate(inp.class_sector):
        energy[:, sec[s]] += fl.energy_gj[:, ci]
    turnover = np.zeros((d, y))  # converted t·km of commercial transport
    co2_commercial = np.zeros((d, y))
    ship_tkm = np.zeros((d, y))
    ship_co2 = np.zeros((d, y))
    grid = inp.grid_kg_per_kwh

    def co2_of(e: Array) -> Array:  # (d, k, y) → (d, y)
        return carbon.direct_co2_t(e, inp.carrier_co2) + carbon.electricity_co2_t(e[:, carbon.ELECTRICITY], grid)

    vkm_c = fl.vkm.sum(axis=2)  # (d, c, y)
    e_c = fl.energy_gj  # (d, c, k, y)
    truck_tkm = np.zeros((d, y))
    truck_co2 = np.zeros((d, y))
    for cc in (int(i) for i in np.flatnonzero(inp.class_commercial)):
        load = inp.class_load_t[:, cc, None]
        occ = inp.class_occupancy[:, cc, None]
        co2 = co2_of(e_c[:, cc])
        turnover += vkm_c[:, cc] * (load + occ * ROAD_PKM_TO_TKM)
        co2_commercial += co2
        if np.any(load > 0):
            truck_tkm += vkm_c[:, cc] * load
            truck_co2 += co2
    for m in inp.modes:
        activity = m.activity + (rail_tkm if m.receives == "rail" else water_tkm if m.receives == "water" else 0.0)
        e = demand.mode_energy(activity, m.intensity, m.mix)
        energy[:, sec[m.sector]] += e
        if m.commercial and m.converted > 0:
            turnover += activity * m.converted
            co2_commercial += co2_of(e)
        if m.freight and m.sector.startswith("waterway"):
            ship_tkm += activity
            ship_co2 += co2_of(e)
    shore_kwh = np.zeros((d, y))
    i_obs, after = _after(inp)
    if inp.port is not None:
        p = inp.port
        berth = port.substitute(p.throughput_t, p.berth_gj_per_t, p.shore_uptake, p.shore_efficiency)
        ref = port.substitute(p.throughput_t, p.berth_gj_per_t, p.shore_uptake[:, i_obs, None], p.shore_efficiency)
        energy[:, sec[p.berth_sector], p.berth_carrier] += (berth.fuel_gj - ref.fuel_gj) * after
        energy[:, sec["port"], carbon.ELECTRICITY] += (berth.electricity_gj - ref.electricity_gj) * after
        shore_kwh = berth.electricity_kwh
    apu_use = None
    if inp.airport is not None:
        a = inp.airport
        apu = port.substitute(a.movements, a.apu_gj_per_movement, a.substitute_use, a.electricity_per_fuel)
        ref = port.substitute(
            a.movements, a.apu_gj_per_movement, a.substitute_use[:, i_obs, None], a.electricity_per_fuel
        )
        i = sec[a.sector]
        energy[:, i, a.apu_carrier] += (apu.fuel_gj - ref.fuel_gj) * after
        energy[:, i, carbon.ELECTRICITY] += (apu.electricity_gj - ref.electricity_gj) * after
        apu_use = np.broadcast_to(np.clip(a.substitute_use, 0, 1) * 100.0, (d, y))
    co2_direct = carbon.direct_co2_t(energy, inp.carrier_co2)
    co2_elec = carbon.electricity_co2_t(energy[:, :, carbon.ELECTRICITY], grid[:, None, :])
    land = [sec[s] for s in dict.fromkeys(inp.class_sector)] + [sec[m.sector] for m in inp.modes if m.land]
    oil = energy[:, sorted(set(land))][:, :, carbon.oil_mask()].sum(axis=(1, 2)) / carbon.GJ_PER_TCE
    ind = _indicators(inp, fl, d, y)
    conv = indicators.intensity(co2_commercial * 1000.0, turnover)
    ind["converted_turnover_intensity_kg_per_tkm"] = conv
    ind["converted_turnover_co2_intensity"] = indicators.fall_vs_base_pct(conv)
    truck = indicators.intensity(truck_co2 * 1000.0, truck_tkm)
    ind["truck_intensity_kg_per_tkm"] = truck
    ind["truck_co2_intensity"] = indicators.fall_vs_base_pct(truck)
    ship = indicators.intensity(ship_co2 * 1000.0, ship_tkm)
    ind["ship_intensity_kg_per_tkm"] = ship
    ind["ship_co2_intensity"] = indicators.fall_vs_base_pct(ship)
    ind["direct_co2_growth_pct"] = indicators.rolling_growth_pct(co2_direct.sum(axis=1))
    if inp.bulk is not None:
        ind["rail_water_bulk_share"] = np.broadcast_to(inp.bulk.share * 100.0, (d, y)).copy()
    if inp.transit is not None:
        ind["public_transport_share"] = np.broadcast_to(inp.transit.share * 100.0, (d, y)).copy()
    if inp.port is not None:
        ind["shore_power_use_multiple"] = indicators.intensity(shore_kwh, shore_kwh[:, :1])
        ind["shore_power_kwh"] = shore_kwh
    if apu_use is not None:
        ind["apu_substitute_use_rate"] = apu_use.copy()
    return CityOutputs(
        years=inp.years,
        classes=inp.classes,
        powertrains=inp.powertrains,
        sectors=sectors,
        stock=np.broadcast_to(fl.stock, (d, *fl.stock.shape[1:])).astype(np.float32),
        additions=np.broadcast_to(fl.additions, (d, *fl.additions.shape[1:])).astype(np.float32),
        energy_gj=energy.astype(np.float32),
        co2_direct_t=co2_direct,
        co2_electricity_t=co2_elec,
        pollutants_t=np.broadcast_to(fl.pollutants_t.sum(axis=1), (d, *fl.pollutants_t.shape[2:])).copy(),
        oil_land_tce=oil,
        indicators=ind,
        peak_year=indicators.peak_year(oil, inp.years),
    )


def _indicators(inp: CityInputs, fl: road_fleet.FleetOutputs, d: int, y: int) -> dict[str, Array]:
    """The shares of the road fleet: new-energy (and clean-energy) additions, the new-energy bus stock share."""
    counted = ~inp.additions_excluded
    add = fl.additions[:, counted]  # (d, c', p, y)
    total = add.sum(axis=(1, 2))
    nev = add[:, :, inp.nev].sum(axis=(1, 2))
    clean = add[:, :, inp.clean].sum(axis=(1, 2))
    bus = fl.stock[:, inp.bus_classes]
    out = {
        "nev_sales_share": indicators.share_pct(nev, total),
        "new_energy_vehicle_share_new": indicators.share_pct(nev + clean, total),
    }
    if inp.bus_classes.any():
        out["new_energy_bus_share"] = indicators.share_pct(bus[:, :, inp.nev].sum(axis=(1, 2)), bus.sum(axis=(1, 2)))
    return {k: np.broadcast_to(v, (d, y)).copy() for k, v in out.items()}


def run_city(inp: CityInputs) -> CityOutputs:
    """Run every draw of ``inp`` at once (see the module docstring); :func:`concat` joins runs of chunks of draws."""
    if not np.all(np.isfinite(inp.grid_kg_per_kwh)):
        raise ValueError("grid factor path is not finite")
    return _run(inp)


def concat(parts: list[CityOutputs]) -> CityOutputs:
    """The outputs of consecutive chunks of draws as one."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return CityOutputs(
        years=first.years,
        classes=first.classes,
        powertrains=first.powertrains,
        sectors=first.sectors,
        stock=np.concatenate([p.stock for p in parts]),
        additions=np.concatenate([p.additions for p in parts]),
        energy_gj=np.concatenate([p.energy_gj for p in parts]),
        co2_direct_t=np.concatenate([p.co2_direct_t for p in parts]),
        co2_electricity_t=np.concatenate([p.co2_electricity_t for p in parts]),
        pollutants_t=np.concatenate([p.pollutants_t for p in parts]),
        oil_land_tce=np.concatenate([p.oil_land_tce for p in parts]),
        indicators={k: np.concatenate([p.indicators[k] for p in parts]) for k in first.indicators},
        peak_year=np.concatenate([p.peak_year for p in parts]),
    )
