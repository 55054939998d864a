"""Ship parameters as arrays (:class:`ShipArrays`) and the fuel-dependent factors per (ship, sulphur-cap
class) that the kernel multiplies activities with.

Inside an emission control area with a sulphur cap ≤ 0.1% residual fuel switches to distillate (IMO4
table 18): every factor of ``FUEL_FACTORS`` then takes the switch fuel's value (``<name>_sw``), and the
sulphur burnt is the fuel's S [%] lowered to the cap. The sulphate term of PM10 uses
``ds`` = S − S_ref [%] (IMO4 eq. 16–17). The factors depend only on (ship, cap class), so they are
computed once per run for every ship and the distinct caps of the zone set (:func:`prepare_ships`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.params import FUEL_FACTORS
from transcarbon.engines.ships.zones import Zones
from transcarbon.methods.ships import emission_factors

SULPHATE_G_PER_G_PCT = 7.0 * 0.02247 / 100.0
"""Sulphate PM [g] per g of fuel and % of sulphur (IMO4 eq. 16–17: 7 · 0.02247 · S)."""


@dataclass
class ShipArrays:
    """Ship parameters as arrays indexed by a ship's position in ``mmsi`` (sorted)."""

    mmsi: NDArray[np.int64]
    frame: pl.DataFrame
    cache: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    cap_factors: CapFactors | None = None
    """The factors per cap class, once built by :func:`factors_per_cap`."""

    @classmethod
    def from_params(cls, params: pl.DataFrame) -> ShipArrays:
        p = params.sort("mmsi")
        return cls(p["mmsi"].to_numpy(), p)

    def __getitem__(self, col: str) -> NDArray[np.float64]:
        if col not in self.cache:
            self.cache[col] = self.frame[col].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        return self.cache[col]

    def index_of(self, mmsi: NDArray[np.int64]) -> NDArray[np.intp]:
        pos = np.searchsorted(self.mmsi, mmsi)
        ok = pos < self.mmsi.shape[0]
        ok[ok] = self.mmsi[pos[ok]] == mmsi[ok]
        if not ok.all():
            raise ValueError(f"no ship parameters for MMSI {mmsi[~ok][:5].tolist()}")
        return pos


@dataclass
class CapClasses:
    """Sulphur-cap classes: 0 = no cap, k ≥ 1 = ``values[k - 1]`` [%]."""

    values: NDArray[np.float64]

    @property
    def caps(self) -> NDArray[np.float64]:
        return np.concatenate(([np.nan], self.values))

    def classify(self, cap_pct: NDArray[np.float64]) -> NDArray[np.int8]:
        if self.values.shape[0] == 0:
            return np.zeros(cap_pct.shape[0], dtype=np.int8)
        if self.values.shape[0] == 1:
            same: NDArray[np.bool_] = cap_pct == self.values[0]
            return same.astype(np.int8)
        idx: NDArray[np.int8] = np.searchsorted(self.values, cap_pct).astype(np.int8) + 1  # NaN sorts last
        idx[np.isnan(cap_pct)] = 0
        return idx


@dataclass
class CapFactors:
    """Emission factors per (ship, cap class), flattened as ``ship * n_caps + cap``."""

    n_caps: int
    cols: dict[str, NDArray[np.float64]]

    def get(self, name: str) -> NDArray[np.float64]:
        return self.cols[name]


def factors_per_cap(ships: ShipArrays, caps: CapClasses) -> CapFactors:
    """Fuel-dependent factors per ship and cap class: residual fuel switches to distillate where the cap
    is ≤ 0.1% (IMO4 table 18), and the sulphur burnt is the fuel's, lowered to the cap."""
    if ships.cap_factors is not None and ships.cap_factors.n_caps == caps.caps.shape[0]:
        return ships.cap_factors
    cap_values = caps.caps
    n_caps = cap_values.shape[0]
    n = ships.mmsi.shape[0]
    cap = np.tile(cap_values, n)  # ship-major
    rep = np.repeat(np.arange(n), n_caps)
    fuel = ships.frame["fuel"].to_numpy()[rep]
    switch = emission_factors.eca_switches_to_distillate(fuel, cap)

    def f(name: str) -> NDArray[np.float64]:
        return np.where(switch, ships[f"{name}_sw"][rep], ships[name][rep])

    # sulphur and the PM reference sulphur enter through s_main and ds below
    cols = {name: f(name) for name in (*FUEL_FACTORS, "pm25_ratio")}
    for name in ("co_me", "co_ae", "co_ab", "hc_me", "hc_ae", "hc_ab", "sfoc_pilot", "cf_pilot", "ab_on_shore"):
        cols[name] = ships[name][rep]
    cols["s_main"] = emission_factors.effective_sulphur_pct(f("s_pct"), cap)
    cols["s_pilot"] = emission_factors.effective_sulphur_pct(ships["s_pilot_pct"][rep], cap)
    cols["ds"] = cols["s_main"] - 100.0 * f("pm_sref")  # S − S_ref [%]
    ships.cap_factors = CapFactors(n_caps, cols)
    return ships.cap_factors


def zone_caps(zones: Zones) -> CapClasses:
    """The sulphur-cap classes of a zone set (the distinct ECA caps)."""
    vals = sorted({z.sulphur_pct for z in zones.zones if z.kind == "eca" and not np.isnan(z.sulphur_pct)})
    return CapClasses(np.asarray(vals, dtype=np.float64))


def prepare_ships(ships: ShipArrays, zones: Zones) -> None:
    """Fill the lazily built arrays of ``ships`` so that worker threads only read them."""
    factors_per_cap(ships, zone_caps(zones))
    for name in ships.frame.columns:
        if ships.frame[name].dtype.is_numeric() or ships.frame[name].dtype == pl.Boolean:
            ships[name]
