"""China MEE 2014 road-vehicle inventory method: base emission factors × correction factors × fleet × VKT.

Equations (《道路机动车大气污染物排放清单编制技术指南（试行）》, MEE 2014) [1]_::

    E_i [t]      = P_i · EF_i [g/km] · VKT_i [km] / 10⁶
    EF_i [g/km]  = BEF_i · φ_i · γ_i · λ_i · θ_i

P the number of vehicles of class, fuel and stage i, VKT their mean annual kilometres, BEF the base factor at
the reference conditions, φ the environment factor (temperature, humidity or temperature-humidity,
altitude), γ the speed factor, λ the deterioration factor, θ the other use conditions (load of diesel
trucks, fuel sulphur). Every factor is 1 at the reference conditions: 15 °C, relative humidity 50%, altitude
below 1500 m, 50 ppm sulphur (petrol; for diesel the tables equal 1 at 150–350 ppm), load 50%. No speed band
of the diesel or petrol tables equals 1, so the reference speed is not recoverable from the tables [check].

How the tables are read here (the vein transcription's code bugs are not ported [2]_):

- speed bands are half-open [low, high) km/h: <20, 20–30, 30–40, 40–80, ≥80 (30 km/h is in 30–40);
- every band is [low, high): a value on a boundary belongs to the upper band;
- temperature: the factor of "T<10 °C" below 10 °C, of "T>25 °C" from 25 °C, else 1;
- humidity (NOx): the factor of "RH<50%" or "RH>50%", none at exactly 50% (the reference); above 24 °C the
  combined temperature–humidity factor replaces the humidity factor;
- altitude: the ">1500 m" factor above 1500 m, else 1;
- sulphur: the factor of the smallest tabulated level at or above the fuel's sulphur content (a 30 ppm fuel
  takes the 50 ppm band), the largest level above it;
- load (diesel trucks): linear interpolation between the tabulated loads 0, 50, 60, 75, 100%;
- deterioration (petrol): the inventory year's factor, the nearest tabulated year outside 2015–2018.

A correction with no table row for a vehicle, fuel, stage or pollutant is 1, and the frame function says
which corrections it applied to each row.

References
----------
.. [1] Ministry of Environmental Protection of the PRC (2014). 道路机动车大气污染物排放清单编制技术指南（试行）,
   公告 2014 年第 92 号, http://www.mee.gov.cn/gkml/hbb/bgth/201407/W020140708387895271474.pdf.
.. [2] Ibarra-Espinosa, S. (2024). vein 1.5.0 (MIT): the guideline's tables as ``sysdata`` (``ef_china``,
   ``speed_china``, ``te_china``, ``humidity_china``, ``tehu_china``, ``h_china``, ``sulphur_china``,
   ``det_china``); known code bugs listed in reference/road-additions.md §2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

TEMP_HUMIDITY_SWITCH_C = 24.0
HUMIDITY_REFERENCE_PCT = 50.0
ALTITUDE_THRESHOLD_M = 1500.0

KEYS = ("mee_class", "fuel", "standard", "pollutant")
"""Columns identifying a base-factor row."""


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def band_factor(value: ArrayLike, lows: ArrayLike, highs: ArrayLike, factors: ArrayLike) -> Array:
    """Factor of the band [low, high) holding each value; NaN bounds are open ends; 1 outside every band.

    ``lows``, ``highs`` and ``factors`` describe one table (e.g. the five speed bands of one fuel, stage
    group and pollutant); ``value`` may be an array.
    """
    v = _f(value)[..., None]
    lo = np.nan_to_num(_f(lows), nan=-np.inf)
    hi = np.nan_to_num(_f(highs), nan=np.inf)
    inside = (v >= lo) & (v < hi)
    any_band = inside.any(axis=-1)
    picked = np.where(inside, _f(factors), 0.0).sum(axis=-1)
    return np.where(any_band, picked, 1.0)


def level_factor(value: ArrayLike, levels: ArrayLike, factors: ArrayLike) -> Array:
    """Factor of the smallest tabulated level ≥ value (the largest level above all of them)."""
    lv = _f(levels)
    order = np.argsort(lv)
    lv, fa = lv[order], _f(factors)[order]
    idx = np.minimum(np.searchsorted(lv, _f(value), side="left"), lv.size - 1)
    return fa[idx]


def load_factor(load_fraction: ArrayLike, levels: ArrayLike, factors: ArrayLike) -> Array:
    """Load factor by linear interpolation between tabulated loads (fractions 0–1), held at the ends."""
    lv = _f(levels)
    order = np.argsort(lv)
    return np.interp(_f(load_fraction), lv[order], _f(factors)[order])


def emission_factor(bef: ArrayLike, phi: ArrayLike, gamma: ArrayLike, lam: ArrayLike, theta: ArrayLike) -> Array:
    """EF [g/km] = BEF · φ · γ · λ · θ [1]_."""
    return _f(bef) * _f(phi) * _f(gamma) * _f(lam) * _f(theta)


def emissions_t(vehicles: ArrayLike, vkt_km: ArrayLike, ef_g_per_km: ArrayLike) -> Array:
    """E [t] = P · VKT [km/vehicle] · EF [g/km] / 10⁶ [1]_."""
    return _f(vehicles) * _f(vkt_km) * _f(ef_g_per_km) / 1.0e6


@dataclass(frozen=True)
class Conditions:
    """Local conditions of an inventory (the defaults are the guideline's reference conditions, 10 ppm sulphur
    fuel as sold in China since 2017–2019).

    ``speed_kmh`` is one mean speed for every class or a mapping ``mee_class → speed``; classes without a
    speed get no speed correction (γ = 1), which the ``corrections`` column shows.
    """

    speed_kmh: float | Mapping[str, float] | None = None
    temperature_c: float = 15.0
    humidity_pct: float = HUMIDITY_REFERENCE_PCT
    altitude_m: float = 0.0
    sulphur_ppm: float = 10.0
    load_fraction: float = 0.5
    inventory_year: int | None = None

    def speed_of(self, mee_class: str) -> float | None:
        s = self.speed_kmh
        if isinstance(s, Mapping):
            return None if mee_class not in s else float(s[mee_class])
        return None if s is None else float(s)


def _tables(corrections: pl.DataFrame, factor: str, keys: list[str]) -> dict[tuple[str, ...], tuple[Array, ...]]:
    """One factor's rows grouped by ``keys``: (lows, highs, values) arrays per key tuple."""
    t = corrections.filter(pl.col("factor") == factor)
    out: dict[tuple[str, ...], tuple[Array, ...]] = {}
    for key, g in t.group_by(keys, maintain_order=True):
        out[tuple(str(k) for k in key)] = (
            g["low"].cast(pl.Float64).to_numpy(),
            g["high"].cast(pl.Float64).to_numpy(),
            g["value"].cast(pl.Float64).to_numpy(),
        )
    return out


def _in_a_band(value: float, table: tuple[Array, ...]) -> bool:
    lows, highs = np.nan_to_num(table[0], nan=-np.inf), np.nan_to_num(table[1], nan=np.inf)
    return bool(((value >= lows) & (value < highs)).any())


def _deterioration_group(mee_class: str) -> str:
    if mee_class == "PV Taxi":
        return "petrol taxi"
    return "petrol mini/small" if mee_class in ("PV Mini", "PV Small") else "petrol other"


def corrected_factors(bef: pl.DataFrame, corrections: pl.DataFrame, conditions: Conditions) -> pl.DataFrame:
    """Apply the guideline's corrections to base factors (see the module docstring for the table rules).

    ``bef``: columns ``mee_class, fuel, standard, pollutant, bef_g_per_km`` (the packaged set or a city's
    replacement). ``corrections``: the long table of a correction set (``factor, fuel, standard, vehicle,
    pollutant, low, high, value``; bands [low, high), sulphur, load and year levels in ``low``). Returns
    ``bef`` with ``phi, gamma, lambda, theta``, ``ef_g_per_km`` and ``corrections`` (the corrections whose
    table applied to the row under these conditions, comma-separated).
    """
    c = conditions
    speed = _tables(corrections, "speed", ["fuel", "standard", "pollutant"])
    temperature = _tables(corrections, "temperature", ["vehicle", "fuel", "pollutant"])
    humidity_kind = "temp_humidity" if c.temperature_c > TEMP_HUMIDITY_SWITCH_C else "humidity"
    humidity = _tables(corrections, humidity_kind, ["fuel", "pollutant"])
    altitude = _tables(corrections, "altitude", ["vehicle", "fuel", "pollutant"])
    sulphur = _tables(corrections, "sulphur", ["fuel", "standard", "pollutant"])
    load = _tables(corrections, "load", ["fuel", "pollutant"])
    deterioration = _tables(corrections, "deterioration", ["vehicle", "fuel", "standard", "pollutant"])

    n = bef.height
    cols = {name: np.ones(n) for name in ("phi", "gamma", "lambda", "theta")}
    applied: list[str] = []
    rows = bef.select(*KEYS).iter_rows()
    for i, (mee_class, fuel, standard, pollutant) in enumerate(rows):
        used: list[str] = []
        v = c.speed_of(mee_class)
        if v is not None and (t := speed.get((fuel, standard, pollutant))):
            cols["gamma"][i] = float(band_factor(v, *t))
            used.append("speed")
        if (t := temperature.get((mee_class, fuel, pollutant))) and _in_a_band(c.temperature_c, t):
            cols["phi"][i] *= float(band_factor(c.temperature_c, *t))
            used.append("temperature")
        if c.humidity_pct != HUMIDITY_REFERENCE_PCT and (t := humidity.get((fuel, pollutant))):
            cols["phi"][i] *= float(band_factor(c.humidity_pct, *t))
            used.append(humidity_kind)
        if c.altitude_m > ALTITUDE_THRESHOLD_M and (t := altitude.get((mee_class, fuel, pollutant))):
            cols["phi"][i] *= float(t[2][0])
            used.append("altitude")
        if t := sulphur.get((fuel, standard, pollutant)):
            cols["theta"][i] *= float(level_factor(c.sulphur_ppm, t[0], t[2]))
            used.append("sulphur")
        if mee_class.startswith("Trucks") and (t := load.get((fuel, pollutant))):
            cols["theta"][i] *= float(load_factor(c.load_fraction, t[0], t[2]))
            used.append("load")
        det_key = (_deterioration_group(mee_class), fuel, standard, pollutant)
        if c.inventory_year is not None and (t := deterioration.get(det_key)):
            nearest = int(np.argmin(np.abs(t[0] - c.inventory_year)))
            cols["lambda"][i] = float(t[2][nearest])
            used.append("deterioration")
        applied.append(",".join(used))
    out = bef.with_columns(
        *[pl.Series(name, values, dtype=pl.Float64) for name, values in cols.items()],
        pl.Series("corrections", applied, dtype=pl.String),
    )
    return out.with_columns(
        pl.Series(
            "ef_g_per_km",
            emission_factor(out["bef_g_per_km"], out["phi"], out["gamma"], out["lambda"], out["theta"]),
            dtype=pl.Float64,
        )
    )
