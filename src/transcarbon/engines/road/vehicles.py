"""Vehicles → COPERT parameter arrays for the trajectory kernel.

Each vehicle row names a COPERT row set: category, fuel, segment, Euro stage and technology, in the naming of
the packaged set (``data/road/copert_hot_2019.csv``). Accepted on top of that naming:

- category aliases ``BUS``/``Bus`` → ``Buses``, ``TRUCKS``/``HDV`` → ``Heavy Duty Trucks``, ``PC`` →
  ``Passenger Cars``, ``LCV`` → ``Light Commercial Vehicles``; fuel ``Diesel`` → ``D``, ``Petrol``/``Gasoline``
  → ``G``; technology ``-`` = none; a ``Euro`` prefix is dropped (``Euro VI`` = ``VI``);
- a China stage in ``euro_standard`` (``国V``, ``国五``, ``China V``, ``CN5``; ``国VIa``/``CN6A``…) is mapped to
  the Euro stage and, when ``technology`` is empty, the technology of the stage map (``data/road/
  china_euro_stages.csv``, documented there with its sources).

Load (buses and trucks; default 0.5): the EF is interpolated linearly between the two packaged load rows
around it (0, 0.5, 1): EF = (1 − w)·EF_lo + w·EF_hi. Slope: only slope-0 rows are packaged; any other slope is
refused. A vehicle whose row set has no row at all is refused (with the valid choices); a pollutant without a
row gives null for that vehicle (e.g. PHEV rows carry EC only).

Battery-electric vehicles (fuel ``BEV``; ``ELEC``, ``electric``, ``battery-electric``): the 2019 table has no
such rows, so a vehicle gets the energy economy of its category's class in the energy-economy set (Buses → bus,
Heavy Duty Trucks → truck_heavy, Light Commercial Vehicles → truck_light, Passenger Cars → pv_small; powertrain
bev), constant with speed (EC = kWh/100 km × 0.036 MJ/km, Vmin 1 km/h, below which the same rate is counted by
time), and zero exhaust for every pollutant; segment, Euro stage and technology are not used (a project
convention: a measured consumption curve would replace it).

Energy → fuel → CO2 uses a fuel-property set of :mod:`transcarbon.factors.library` (NCV, carbon content,
oxidation; natural gas per m³ with the density set); electricity (PHEV and hybrid-bus electric parts) uses a
grid factor passed in, or gives null CO2 without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.road.errors import RoadInputError
from transcarbon.factors.library import FactorLibrary, FactorSet
from transcarbon.factors.road import COPERT_PARAMS, RoadFactors
from transcarbon.methods.combustion import CO2_PER_C
from transcarbon.methods.road import POLLUTANT_COLUMNS

PARAMS = (*COPERT_PARAMS, "vmin", "vmax")
POLLUTANTS = ("EC", *POLLUTANT_COLUMNS)
HEAVY = ("Buses", "Heavy Duty Trucks")
DEFAULT_LOAD = 0.5

CATEGORY_ALIASES = {
    "buses": "Buses",
    "bus": "Buses",
    "heavy duty trucks": "Heavy Duty Trucks",
    "trucks": "Heavy Duty Trucks",
    "hdv": "Heavy Duty Trucks",
    "passenger cars": "Passenger Cars",
    "pc": "Passenger Cars",
    "light commercial vehicles": "Light Commercial Vehicles",
    "lcv": "Light Commercial Vehicles",
}
FUEL_ALIASES = {
    "diesel": "D",
    "petrol": "G",
    "gasoline": "G",
    "bev": "BEV",
    "elec": "BEV",
    "electric": "BEV",
    "battery-electric": "BEV",
}
ELECTRIC = "BEV"
ELECTRIC_CLASS = {
    "Buses": "bus",
    "Heavy Duty Trucks": "truck_heavy",
    "Light Commercial Vehicles": "truck_light",
    "Passenger Cars": "pv_small",
}
"""The energy-economy class of a battery-electric vehicle's category."""
ELECTRIC_VMIN_KMH, ELECTRIC_VMAX_KMH = 1.0, 200.0
CARRIER = {
    "D": "diesel",
    "G": "gasoline",
    "G HY": "gasoline",
    "G PHEV G": "gasoline",
    "CNG": "natural_gas",
    "D HY D": "diesel",
    "G PHEV ELEC": "electricity",
    "D HY ELEC": "electricity",
    "BEV": "electricity",
}
_ROMAN = {
    "0": "0",
    "I": "1",
    "II": "2",
    "III": "3",
    "IV": "4",
    "V": "5",
    "VI": "6",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "零": "0",
}
_CHINA = re.compile(r"^(?:国|CHINA\s*|CN)\s*(0|I{1,3}|IV|VI|V|[0-6]|[零一二三四五六])\s*([AB])?$", re.IGNORECASE)


def china_stage(text: str) -> str | None:
    """``国V`` / ``国五`` / ``China V`` / ``CN5`` → ``CN5``; ``国VIb`` → ``CN6B`` (``国VI`` → ``CN6A``); else None."""
    m = _CHINA.match(text.strip())
    if not m:
        return None
    digit = _ROMAN.get(m.group(1).upper(), _ROMAN.get(m.group(1), m.group(1)))
    if digit == "6":
        return "CN6" + (m.group(2) or "A").upper()
    return f"CN{digit}"


@dataclass
class VehicleParams:
    """Parameter tables per vehicle *kind* (a distinct COPERT row set and load), and each vehicle's kind.

    ``kind[i]``: the kind of vehicle ``ids[i]``. Per kind k: ``lo[p][k]``/``hi[p][k]`` the parameters
    (``PARAMS`` order) of the load rows around its load, ``w[p][k]`` the weight of ``hi``, ``has[p][k]``
    whether pollutant ``p`` has rows, ``ncv_mj_per_kg[k]`` and ``co2_kg_per_mj[k]`` (NaN where not defined).
    """

    ids: list[str]
    frame: pl.DataFrame
    kind: NDArray[np.int32]
    lo: dict[str, NDArray[np.float64]]
    hi: dict[str, NDArray[np.float64]]
    w: dict[str, NDArray[np.float64]]
    has: dict[str, NDArray[np.bool_]]
    ncv_mj_per_kg: NDArray[np.float64]
    co2_kg_per_mj: NDArray[np.float64]
    refs: dict[str, object] = field(default_factory=dict)

    @property
    def index(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.ids)}


def _normalise(vehicles: pl.DataFrame, stages: pl.DataFrame, file: str) -> pl.DataFrame:
    cats, fuels, euros, techs = [], [], [], []
    for r in vehicles.iter_rows(named=True):
        cat = CATEGORY_ALIASES.get(r["category"].lower(), r["category"])
        fuel = FUEL_ALIASES.get(r["fuel"].lower(), r["fuel"])
        tech = "" if r["technology"] in ("-", None) else r["technology"]
        euro = re.sub(r"^euro\s*", "", r["euro_standard"], flags=re.IGNORECASE)
        stage = china_stage(r["euro_standard"])
        if fuel == ELECTRIC:
            euro, tech = "", ""
        elif stage is not None:
            hit = stages.filter(
                (pl.col("copert_category") == cat) & (pl.col("fuel") == fuel) & (pl.col("china_stage") == stage)
            )
            if hit.is_empty():
                raise RoadInputError(
                    file,
                    f"{r['euro_standard']} 没有对应的 COPERT 排放阶段（{cat}, {fuel}）",
                    f"{r['euro_standard']} has no COPERT Euro stage for {cat}, {fuel}",
                    "填写欧洲阶段（如 VI）或检查类别与燃料",
                    "enter a Euro stage (e.g. VI) or check category and fuel",
                    int(r["__row"]),
                    "euro_standard",
                )
            euro = str(hit["euro"][0])
            tech = tech or str(hit["technology"][0])
        cats.append(cat)
        fuels.append(fuel)
        euros.append(euro)
        techs.append(tech)
    return vehicles.with_columns(
        pl.Series("category", cats), pl.Series("fuel", fuels), pl.Series("euro", euros), pl.Series("technology", techs)
    )


def _electric_mj_per_km(road: RoadFactors) -> dict[str, float]:
    """EC [MJ/km] of a battery-electric vehicle per COPERT category (see the module docstring)."""
    table = road.table("energy_economy").filter(
        (pl.col("powertrain") == "bev") & (pl.col("carrier") == "electricity") & (pl.col("unit") == "kWh/100km")
    )
    per_class = dict(zip(table["class_id"].to_list(), table["value"].to_list(), strict=True))
    return {cat: float(per_class[c]) * 0.036 for cat, c in ELECTRIC_CLASS.items() if c in per_class}


def _load_rows(rows: pl.DataFrame, load: float) -> tuple[dict[str, object], dict[str, object], float]:
    """The rows around ``load`` and the weight of the upper one (rows without a load dimension: w = 0)."""
    if rows["load"].null_count() == rows.height:
        r = rows.row(0, named=True)
        return r, r, 0.0
    loads = rows.sort("load")
    levels = loads["load"].to_numpy()
    k = int(np.clip(np.searchsorted(levels, load, side="right") - 1, 0, levels.size - 1))
    k2 = min(k + 1, levels.size - 1)
    w = 0.0 if k2 == k else float((load - levels[k]) / (levels[k2] - levels[k]))
    return loads.row(k, named=True), loads.row(k2, named=True), min(max(w, 0.0), 1.0)


def _fuel_factors(
    carriers: list[str], fuels: FactorSet, densities: FactorSet, grid_kgco2_per_kwh: float | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    props = {r["fuel"]: r for r in fuels.table.iter_rows(named=True)}
    dens = {r["fuel"]: r for r in densities.table.iter_rows(named=True)}
    ncv, co2 = np.full(len(carriers), np.nan), np.full(len(carriers), np.nan)
    for i, c in enumerate(carriers):
        if c == "electricity":
            co2[i] = np.nan if grid_kgco2_per_kwh is None else grid_kgco2_per_kwh / 3.6
            continue
        p = props[c]
        value = float(p["ncv"])
        if c == "natural_gas":  # GJ per 10^4 m³ → MJ/m³ → MJ/kg with the density (t/m³)
            value = value / 10.0 / (float(dens["natural_gas"]["t_per_unit"]) * 1000.0)
        ncv[i] = value
        co2[i] = float(p["carbon_content_tc_per_gj"]) * float(p["oxidation"]) * CO2_PER_C
    return ncv, co2


def resolve_vehicles(
    vehicles: pl.DataFrame,
    file: str = "vehicles.csv",
    road: RoadFactors | None = None,
    library: FactorLibrary | None = None,
    fuel_set: str | None = None,
    grid_kgco2_per_kwh: float | None = None,
) -> VehicleParams:
    """Match checked vehicle rows (:func:`.inputs.check_vehicles`) to COPERT rows; see the module docstring."""
    road = road or RoadFactors.load()
    library = library or FactorLibrary.load()
    copert_set = road.default("copert_hot")
    stage_set = road.default("stage_map")
    table = copert_set.table
    v = _normalise(vehicles, stage_set.table, file)
    keys = ["category", "fuel", "segment", "euro", "technology"]
    groups = {tuple(k): g for k, g in table.group_by(keys)}
    electric = _electric_mj_per_km(road)
    for r in v.iter_rows(named=True):
        if r["fuel"] == ELECTRIC:
            if r["category"] not in electric:
                known = ", ".join(sorted(electric))
                raise RoadInputError(
                    file,
                    f"类别 {r['category']} 没有纯电动能耗数据",
                    f"no battery-electric energy economy for category {r['category']}",
                    f"改为 {known}",
                    f"use one of {known}",
                    int(r["__row"]),
                    "category",
                )
            continue
        if (r["category"], r["fuel"], r["segment"], r["euro"], r["technology"]) not in groups:
            same = table.filter((pl.col("category") == r["category"]) & (pl.col("segment") == r["segment"]))
            choices = sorted({f"{a}, {b}, {c}" for a, b, c in same.select("fuel", "euro", "technology").iter_rows()})
            hint = "; ".join(choices[:12]) or "see data/road/copert_hot_2019.csv"
            what = f"{r['category']}, {r['fuel']}, {r['segment']}, {r['euro']}, {r['technology']}"
            raise RoadInputError(
                file,
                f"没有 COPERT 参数行：{what}",
                f"no COPERT rows for {what}",
                f"改为已有的组合（燃料, 阶段, 技术）：{hint}",
                f"use a combination that exists (fuel, Euro, technology): {hint}",
                int(r["__row"]),
                "segment",
            )
        if r["slope"] is not None and float(r["slope"]) != 0.0:
            raise RoadInputError(
                file,
                f"坡度 {r['slope']} 没有参数行（仅有坡度 0）",
                f"slope {r['slope']} has no packaged rows (slope 0 only)",
                "留空或填 0",
                "leave it empty or enter 0",
                int(r["__row"]),
                "slope",
            )
    v = v.with_columns(
        pl.when(pl.col("load").is_null() & pl.col("category").is_in(HEAVY))
        .then(pl.lit(DEFAULT_LOAD))
        .otherwise(pl.col("load"))
        .alias("load")
    )
    kinds = v.select(*keys, "load").unique(maintain_order=True)
    kind = (
        v.join(kinds.with_row_index("__kind"), on=[*keys, "load"], how="left", nulls_equal=True, maintain_order="left")[
            "__kind"
        ]
        .to_numpy()
        .astype(np.int32)
    )
    n = kinds.height
    lo = {p: np.full((n, len(PARAMS)), np.nan) for p in POLLUTANTS}
    hi = {p: np.full((n, len(PARAMS)), np.nan) for p in POLLUTANTS}
    w = {p: np.zeros(n) for p in POLLUTANTS}
    has = {p: np.zeros(n, dtype=bool) for p in POLLUTANTS}
    for k, r in enumerate(kinds.iter_rows(named=True)):
        if r["fuel"] == ELECTRIC:
            for p in POLLUTANTS:
                ec = electric[r["category"]] if p == "EC" else 0.0
                row = [0.0, 0.0, ec, 0.0, 0.0, 0.0, 1.0, 0.0, ELECTRIC_VMIN_KMH, ELECTRIC_VMAX_KMH]
                lo[p][k] = hi[p][k] = row
                has[p][k] = True
            continue
        rows = groups[(r["category"], r["fuel"], r["segment"], r["euro"], r["technology"])]
        load = DEFAULT_LOAD if r["load"] is None else float(r["load"])
        for p in POLLUTANTS:
            pr = rows.filter(pl.col("pollutant") == p)
            if pr.is_empty():
                continue
            a, b, wt = _load_rows(pr, load)
            lo[p][k] = [float(a[c]) for c in PARAMS]  # type: ignore[arg-type]
            hi[p][k] = [float(b[c]) for c in PARAMS]  # type: ignore[arg-type]
            w[p][k], has[p][k] = wt, True
    carriers = [CARRIER[f] for f in kinds["fuel"].to_list()]
    fuels = library.get(fuel_set, "fuel_properties") if fuel_set else library.default("fuel_properties")
    densities = library.default("densities")
    ncv, co2 = _fuel_factors(carriers, fuels, densities, grid_kgco2_per_kwh)
    frame = v.with_columns(pl.Series("carrier", [CARRIER[f] for f in v["fuel"].to_list()])).drop("euro_standard")
    refs: dict[str, object] = {
        "copert_hot": copert_set.ref,
        "energy_economy": road.default("energy_economy").ref,
        "stage_map": stage_set.ref,
        "fuel_properties": fuels.ref,
        "densities": densities.ref,
        "grid_kgco2_per_kwh": grid_kgco2_per_kwh,
    }
    return VehicleParams(
        ids=v["vehicle_id"].to_list(),
        frame=frame,
        kind=kind,
        lo=lo,
        hi=hi,
        w=w,
        has=has,
        ncv_mj_per_kg=ncv,
        co2_kg_per_mj=co2,
        refs=refs,
    )
