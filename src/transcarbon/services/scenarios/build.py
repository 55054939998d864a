"""From a validated scenario (:mod:`.spec`) to the engine's arrays (:class:`~transcarbon.methods.scenarios.engine.
CityInputs`), for a block of Monte Carlo draws: time paths on the scenario's years and model years, the uncertain
inputs applied as multipliers, carrier CO2 factors from the platform's fuel-property set.

Uncertain inputs (``uncertainty.inputs``) are multipliers of a named input, drawn from the declared distribution
(central value 1 for a deterministic run, unless the distribution says otherwise):

- time paths — ``fleet.classes[ID].sales``, ``fleet.classes[ID].sales_shares`` (every powertrain but the class's
  default one), ``modes[ID].activity``, ``modes[ID].intensity``, ``grid.kg_per_kwh``, ``freight.bulk_tonnes``,
  ``passenger.passenger_km``, ``port.throughput_t``, ``airport.movements`` — are multiplied by a ramp
  ``1 + (m − 1) · (y − y_obs) / (y_end − y_obs)`` after the last observed year ``y_obs`` (history stays as observed);
- scalars — ``fleet.classes[ID].km_per_year``, ``fleet.classes[ID].survival`` (Weibull scale or scrappage age),
  ``fleet.classes[ID].efficiency_gain``, ``fleet.classes[ID].load_t`` — are multiplied by ``m``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.fleet import interpolate_shares, survival_by_age
from transcarbon.methods.scenarios import carbon
from transcarbon.methods.scenarios.engine import Airport, Bulk, CityInputs, Mode, Port, Transit
from transcarbon.methods.scenarios.road_fleet import FleetInputs
from transcarbon.methods.scenarios.uncertainty import Distribution
from transcarbon.services.scenarios.spec import (
    CLEAN,
    HISTORY_YEARS,
    NEV,
    POWERTRAINS,
    Activity,
    FleetClass,
    Path_,
    ScenarioSpec,
    SpecError,
)

Array = NDArray[np.float64]
POLLUTANTS: tuple[str, ...] = ("nox", "pm25")
"""Road pollutants a scenario may give factors for (g/km by model year)."""
PATH_TARGETS = re.compile(
    r"^(fleet\.classes\[(?P<cls>[a-z0-9_]+)\]\.(?P<cfield>sales|sales_shares)"
    r"|modes\[(?P<mode>[a-z0-9_]+)\]\.(?P<mfield>activity|intensity)"
    r"|grid\.kg_per_kwh|freight\.bulk_tonnes|passenger\.passenger_km|port\.throughput_t|airport\.movements)$"
)
SCALAR_TARGETS = re.compile(r"^fleet\.classes\[(?P<cls>[a-z0-9_]+)\]\.(km_per_year|survival|efficiency_gain|load_t)$")


@dataclass(frozen=True)
class Axes:
    """The scenario's calendar years and model years."""

    years: NDArray[np.int64]
    model_years: NDArray[np.int64]
    last_observed: int

    @classmethod
    def of(cls, spec: ScenarioSpec) -> Axes:
        return cls(
            np.arange(spec.base_year, spec.end_year + 1),
            np.arange(spec.base_year - HISTORY_YEARS, spec.end_year + 1),
            spec.last_observed,
        )


def held(path: Path_ | float, at: NDArray[np.int64]) -> Array:
    """A path at years ``at``: linear between its years, its first value before, its last after."""
    if isinstance(path, int | float):
        return np.full(at.size, float(path))
    ys = np.array(sorted(path), dtype=np.float64)
    vs = np.array([path[int(y)] for y in ys], dtype=np.float64)
    return np.interp(at.astype(np.float64), ys, vs)


def shares(path: Path_, at: NDArray[np.int64]) -> Array:
    """A share path at years ``at``: linear between its years, its last value after, 0 before the first."""
    ys = sorted(path)
    return interpolate_shares(ys, [path[y] for y in ys], at)


def activity(a: Activity, at: NDArray[np.int64]) -> Array:
    """An activity: its ``by_year`` values held before the first, grown by ``growth`` a year after the last."""
    last = max(a.by_year)
    base = held(a.by_year, np.minimum(at, last))
    return base * (1.0 + a.growth) ** np.maximum(at - last, 0)


def sales_by_model_year(c: FleetClass, model_years: NDArray[np.int64], base_year: int) -> Array:
    """Sales per model year: ``constant`` from ``base_year − 40``, or ``by_year`` (0 before its first year),
    grown by ``growth`` after the last given year."""
    if c.sales.constant is not None:
        out = np.where(model_years >= base_year - HISTORY_YEARS, c.sales.constant, 0.0)
        return out * (1.0 + c.sales.growth) ** np.maximum(model_years - base_year, 0)
    by_year = c.sales.by_year or {}
    first, last = min(by_year), max(by_year)
    base = held(by_year, np.clip(model_years, first, last)) * (1.0 + c.sales.growth) ** np.maximum(
        model_years - last, 0
    )
    return np.where(model_years >= first, base, 0.0)


def class_shares(c: FleetClass) -> dict[str, Path_]:
    """The class's share paths by powertrain (``nev_sales_share`` is the battery-electric one)."""
    out = dict(c.sales_shares)
    if c.nev_sales_share is not None:
        out["bev"] = c.nev_sales_share
    return out


def ramp(m: Array, years: NDArray[np.int64], last_observed: int) -> Array:
    """1 + (m − 1) · clip((y − y_obs) / (y_end − y_obs), 0, 1): ``(d, len(years))`` for multipliers ``m`` ``(d,)``."""
    span = max(int(years[-1]) - last_observed, 1)
    w = np.clip((years - last_observed) / span, 0.0, 1.0)
    return np.asarray(1.0 + (m[:, None] - 1.0) * w[None, :], dtype=np.float64)


def uncertain(spec: ScenarioSpec) -> tuple[list[str], list[Distribution], Array | None]:
    """Names, distributions and correlation matrix (None: independent) of the scenario's uncertain inputs."""
    problems: list[tuple[str, str, dict[str, object]]] = []
    names, dists = [], []
    classes, modes = set(spec.class_ids()), {m.id for m in spec.modes}
    for i, u in enumerate(spec.uncertainty.inputs):
        key = f"uncertainty.inputs[{i}]"
        path, scalar = PATH_TARGETS.match(u.input), SCALAR_TARGETS.match(u.input)
        target = path or scalar
        if target is None:
            problems.append((f"{key}.input", "scn.spec.unknown_target", {"value": u.input}))
            continue
        cls, mode = target.groupdict().get("cls"), target.groupdict().get("mode")
        if (cls is not None and cls not in classes) or (mode is not None and mode not in modes):
            problems.append((f"{key}.input", "scn.spec.unknown_target", {"value": u.input}))
            continue
        try:
            dists.append(Distribution(u.dist, tuple(u.params)))
        except ValueError as exc:
            problems.append((f"{key}.params", "scn.spec.invalid", {"detail": str(exc)}))
            continue
        names.append(u.input)
    if problems:
        raise SpecError("uncertainty", problems)
    corr = None
    if spec.uncertainty.correlations:
        corr = np.eye(len(names))
        for c in spec.uncertainty.correlations:
            a, b = names.index(c.inputs[0]), names.index(c.inputs[1])
            corr[a, b] = corr[b, a] = c.rho
    return names, dists, corr


class Multipliers:
    """The multipliers of one block of draws, looked up by input name (1 where the input is not uncertain)."""

    def __init__(self, names: list[str], theta: Array):
        self.names, self.theta = names, theta
        self.draws = int(theta.shape[0])

    def of(self, name: str) -> Array:
        if name in self.names:
            return np.asarray(self.theta[:, self.names.index(name)], dtype=np.float64)
        return np.ones(self.draws)


def _fleet(spec: ScenarioSpec, ax: Axes, mult: Multipliers) -> tuple[FleetInputs, dict[str, Array]]:
    classes = spec.fleet.classes
    c, p, m = len(classes), len(POWERTRAINS), ax.model_years.size
    d = mult.draws
    k = len(carbon.CARRIERS)
    sales = np.zeros((d, c, m))
    share = np.zeros((d, c, p, m))
    scale = np.full((d, c), np.nan)
    shape = np.full((d, c), np.nan)
    step = np.full((d, c), np.nan)
    km = np.zeros((d, c))
    decline = np.zeros((d, c))
    energy = np.zeros((1, c, p, k))
    gain = np.zeros((d, c, p))
    pol = np.zeros((c, p, m, len(POLLUTANTS)))
    load = np.zeros((d, c))
    occupancy = np.zeros((1, c))
    km_index = np.ones((1, c, ax.years.size))
    for ci, cl in enumerate(classes):
        key = f"fleet.classes[{cl.id}]"
        s_ramp = ramp(mult.of(f"{key}.sales"), ax.model_years, ax.last_observed)
        sales[:, ci] = sales_by_model_year(cl, ax.model_years, spec.base_year)[None, :] * s_ramp
        sh_ramp = ramp(mult.of(f"{key}.sales_shares"), ax.model_years, ax.last_observed)
        others = np.zeros((d, m))
        for pw, path in class_shares(cl).items():
            v = shares(path, ax.model_years)[None, :] * sh_ramp
            share[:, ci, POWERTRAINS.index(pw)] = v
            others += v
        over = np.maximum(others, 1.0)
        share[:, ci] /= over[:, None, :]
        share[:, ci, POWERTRAINS.index(cl.powertrain)] = 1.0 - others / over
        sm = mult.of(f"{key}.survival")
        if cl.survival.weibull is not None:
            scale[:, ci] = cl.survival.weibull.scale * sm
            shape[:, ci] = cl.survival.weibull.shape
        elif cl.survival.step is not None:
            step[:, ci] = cl.survival.step.age * sm
        km[:, ci] = cl.km_per_year * mult.of(f"{key}.km_per_year")
        decline[:, ci] = cl.km_decline
        for pw, carriers in cl.energy_mj_per_km.items():
            for kk, mj in carriers.items():
                energy[0, ci, POWERTRAINS.index(pw), carbon.CARRIERS.index(kk)] = mj
        g = mult.of(f"{key}.efficiency_gain")
        for pi, pw in enumerate(POWERTRAINS):
            gain[:, ci, pi] = cl.efficiency_gain.get(pw, cl.efficiency_gain.get("all", 0.0)) * g
        for pw, by_pollutant in cl.pollutants_g_per_km.items():
            for q, path in by_pollutant.items():
                if q in POLLUTANTS and pw in POWERTRAINS:
                    pol[ci, POWERTRAINS.index(pw), :, POLLUTANTS.index(q)] = held(path, ax.model_years)
        load[:, ci] = cl.load_t * mult.of(f"{key}.load_t")
        if cl.km_index:
            km_index[0, ci] = held(cl.km_index, ax.years)
        occupancy[0, ci] = cl.occupancy
    max_age = int(ax.model_years.size)
    survival = survival_by_age(max_age, scale, shape, step)
    fleet = FleetInputs(
        model_years=ax.model_years,
        years=ax.years,
        sales=sales,
        shares=share,
        survival=survival,
        km_new=km,
        km_decline=decline,
        energy_ref=energy,
        efficiency_gain=gain,
        reference_model_year=spec.fleet.reference_model_year or spec.base_year,
        pollutant_factors=pol,
    )
    return fleet, {"load": load, "occupancy": occupancy, "km_index": km_index}


def _path(spec_path: Path_ | float, name: str, ax: Axes, mult: Multipliers) -> Array:
    return held(spec_path, ax.years)[None, :] * ramp(mult.of(name), ax.years, ax.last_observed)


def _activity(a: Activity, name: str, ax: Axes, mult: Multipliers) -> Array:
    return activity(a, ax.years)[None, :] * ramp(mult.of(name), ax.years, ax.last_observed)


def _mode(spec: ScenarioSpec, i: int, ax: Axes, mult: Multipliers) -> Mode:
    m = spec.modes[i]
    key = f"modes[{m.id}]"
    change = held(m.intensity_change, ax.years)
    change[0] = 0.0
    intensity = (
        m.intensity_gj
        * np.cumprod(1.0 + change)[None, :]
        * ramp(mult.of(f"{key}.intensity"), ax.years, ax.last_observed)
    )
    mix = np.zeros((1, len(carbon.CARRIERS), ax.years.size))
    for k, path in m.mix.items():
        mix[0, carbon.CARRIERS.index(k)] = held(path, ax.years)
    total = mix.sum(axis=1, keepdims=True)
    mix = np.divide(mix, total, out=np.zeros_like(mix), where=total > 0)
    return Mode(
        id=m.id,
        sector=m.sector,
        unit=m.unit,
        activity=_activity(m.activity, f"{key}.activity", ax, mult),
        intensity=intensity,
        mix=mix,
        land=m.land,
        receives=m.receives,
        converted=m.converted,
        commercial=m.commercial,
        freight=m.freight,
    )


def build_inputs(spec: ScenarioSpec, names: list[str], theta: Array, carrier_co2: Array) -> CityInputs:
    """The engine's inputs for the draws of ``theta`` (draws × uncertain inputs, columns named by ``names``)."""
    ax = Axes.of(spec)
    mult = Multipliers(names, theta)
    fleet, per_class = _fleet(spec, ax, mult)
    ids = spec.class_ids()
    classes = spec.fleet.classes
    bulk = None
    if spec.freight is not None:
        f = spec.freight
        share_path = shares(f.rail_water_share, ax.years)
        bulk = Bulk(
            tonnes=_activity(f.bulk_tonnes, "freight.bulk_tonnes", ax, mult),
            share=share_path[None, :],
            road_haul_km=np.array([f.road_haul_km]),
            rail_fraction=np.array([f.rail_fraction]),
            rail_haul_km=np.array([f.rail_haul_km]),
            water_haul_km=np.array([f.water_haul_km]),
            truck_class=ids.index(f.truck_class),
        )
    transit = None
    if spec.passenger is not None:
        pa = spec.passenger
        pt = shares(pa.public_transport_share, ax.years)
        transit = Transit(
            passenger_km=_activity(pa.passenger_km, "passenger.passenger_km", ax, mult),
            share=pt[None, :],
            car_class=ids.index(pa.car_class),
            bus_class=ids.index(pa.bus_class),
        )
    port = None
    if spec.port is not None:
        po = spec.port
        port = Port(
            throughput_t=_activity(po.throughput_t, "port.throughput_t", ax, mult),
            berth_gj_per_t=np.full((1, ax.years.size), po.berth_gj_per_t),
            shore_uptake=held(po.shore_power_uptake, ax.years)[None, :],
            shore_efficiency=np.array([po.shore_efficiency]),
            berth_carrier=carbon.CARRIERS.index(po.berth_carrier),
            berth_sector=po.berth_sector,
        )
    airport = None
    if spec.airport is not None:
        ai = spec.airport
        airport = Airport(
            movements=_activity(ai.movements, "airport.movements", ax, mult),
            apu_gj_per_movement=np.full((1, ax.years.size), ai.apu_gj_per_movement),
            substitute_use=held(ai.substitute_use, ax.years)[None, :],
            electricity_per_fuel=np.array([ai.electricity_per_fuel]),
            apu_carrier=carbon.CARRIERS.index(ai.apu_carrier),
        )
    grid = spec.grid.kg_per_kwh if spec.grid is not None else 0.0
    nev = np.array([p in NEV for p in POWERTRAINS])
    return CityInputs(
        years=ax.years,
        classes=tuple(ids),
        class_sector=tuple(c.sector for c in classes),
        class_commercial=np.array([c.commercial for c in classes]),
        class_load_t=per_class["load"],
        class_occupancy=per_class["occupancy"],
        class_km_index=per_class["km_index"],
        powertrains=POWERTRAINS,
        nev=nev,
        clean=np.array([p in CLEAN for p in POWERTRAINS]),
        additions_excluded=np.array([not c.in_additions for c in classes]),
        bus_classes=np.array([c.bus for c in classes]),
        fleet=fleet,
        modes=tuple(_mode(spec, i, ax, mult) for i in range(len(spec.modes))),
        bulk=bulk,
        transit=transit,
        port=port,
        airport=airport,
        carrier_co2=carrier_co2,
        grid_kg_per_kwh=_path(grid, "grid.kg_per_kwh", ax, mult),
        observed_until=spec.last_observed,
    )


def carrier_co2(library: FactorLibrary, factor_set: str | None = None) -> Array:
    """t CO2 per GJ of each carrier: CC [tC/GJ] · OF · 44/12 from the fuel-property set (0 for electricity and
    hydrogen; jet kerosene, LPG and the gases as the set gives them)."""
    table = (library.get(factor_set, "fuel_properties") if factor_set else library.default("fuel_properties")).table
    rows = {r["fuel"]: r for r in table.iter_rows(named=True)}
    out = np.zeros(len(carbon.CARRIERS))
    for i, k in enumerate(carbon.CARRIERS):
        if k in rows:
            out[i] = float(rows[k]["carbon_content_tc_per_gj"]) * float(rows[k]["oxidation"]) * 44.0 / 12.0
    return out
