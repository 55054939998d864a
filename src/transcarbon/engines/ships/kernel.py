"""The per-partition kernel: AIS fixes of a set of ships → intervals with energy and emissions → additive
aggregates. One call handles whole ships (all fixes of an MMSI must be in the same partition), so the
same function can run per partition on a cluster engine (e.g. Spark ``mapInArrow`` grouped by
``hash(mmsi) % n``) and the aggregates summed afterwards.

Per interval i between consecutive fixes of a ship (times in h, powers in kW, factors in g/kWh):

- Δt_i = t_{i+1} − t_i; status normal (Δt ≤ ``gap_min_h``), interpolated (≤ ``gap_limit_h``, or
  ≤ ``stationary_gap_limit_h`` when both ends are stationary) or excluded (longer, or a position jump
  implying more than ``max_implied_speed_kn``);
- V_i = mean of the two fixes' SOG (the exact time-mean of a linearly interpolated speed), or the
  implied speed d/Δt where a SOG is missing, implausible (> 1.5 V_ref) or the interval is a gap;
  capped at 1.5 V_ref;
- W_ME (IMO4 eq. 8, :func:`methods.ships.power.main_engine_power_kw`), L = min(1, W_ME/MCR);
- mode (zones first, then IMO4 rules; or EPA rules), W_AE and W_AB by mode (table 17);
- with a shore connection covering h_c of the interval: on-board W_AE (and W_AB if configured) run
  for Δt − h_c only; the displaced energy W·h_c is the shore-supplied energy and its fuel's emissions
  the gross avoided emissions;
- fuel_c = W_c Δt SFOC_c (ME: SFOC curve); CO2 = Σ fuel_c Cf_c; SOx = Σ fuel_c · 2 · 0.97753 · S;
  X = Σ W_c Δt EF_{X,c} · LLAF_X(L) (ME only, L < 0.2) for NOx, CH4, N2O, CO, HC and PM10.

How it is computed (the numbers are those of the formulas above; only the order of the sums differs):

1. the fixes are NumPy arrays, sorted by ship and time (a sort only when the input is not sorted);
   "next fix" values are array views, never shifted copies;
2. per interval only what depends on the interval is computed: Δt, distance, speed, load, mode and
   the *activities* — hours, ME energy E = L·MCR·Δt, E·SFOC_rel(L), E·LLAF_X(L), the ME PM term,
   connected hours. Every emission is linear in these activities with a factor that depends only on
   (ship, sulphur-cap class, mode): fuel_ME = SFOC_base · E·SFOC_rel(L), AE fuel =
   W_AE(mode) · SFOC_AE · (Δt − h_c), and so on;
3. consecutive intervals with the same (ship, day, mode, cap class, zone, grid cell) are summed into
   *runs* (a stationary ship's hours of fixes become one row); the factors are applied per run and
   the runs are aggregated per ship × day × mode, port call, zone and grid cell. When per-interval
   output is asked for, each interval is its own run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.params import FUEL_FACTORS
from transcarbon.engines.ships.zones import Zones
from transcarbon.methods.ships import BERTH, MODES, POLLUTANTS, emission_factors, low_load, modes, sfoc
from transcarbon.methods.ships import power as pw
from transcarbon.methods.ships.geo import EARTH_RADIUS_NM, consecutive_haversine_nm, haversine_nm

POLLUTANT_COLS = tuple(f"{p}_t" for p in POLLUTANTS)
SUM_COLS = (
    "hours",
    "distance_nm",
    "me_kwh",
    "ae_kwh",
    "ab_kwh",
    "fuel_t",
    *POLLUTANT_COLS,
    "connected_h",
    "shore_kwh_metered",
    "shore_kwh_modelled",
    "avoided_fuel_t",
    "avoided_co2_t",
    "avoided_nox_t",
    "avoided_sox_t",
    "avoided_pm10_t",
    "interpolated_h",
    "excluded_h",
)
NORMAL, INTERPOLATED, EXCLUDED = 0, 1, 2
EPA_VMAX_PER_VREF = 1 / 0.94
"""EPA: maximum speed estimated as service speed / 0.94 when not known (to check)."""
EPA_LOAD_FLOOR = 0.02
US_PER_H = 3.6e9
US_PER_DAY = 86_400_000_000
SULPHATE_G_PER_G_PCT = 7.0 * 0.02247 / 100.0
"""Sulphate PM [g] per g of fuel and % of sulphur (IMO4 eq. 16–17: 7 · 0.02247 · S)."""

# activity columns summed over runs (see the module docstring, step 2)
_ACTIVITIES = (
    "hours",
    "distance_nm",
    "me_kwh",
    "me_rel",
    "me_nox",
    "me_hc",
    "me_co",
    "pm_me_g",
    "connected_h",
    "shore_kwh_metered",
    "interpolated_h",
    "excluded_h",
)


@dataclass(frozen=True)
class InventoryOptions:
    """Parameters of an inventory run (all recorded with its lineage)."""

    method: Literal["imo4", "epa"] = "imo4"
    gap_min_h: float = 0.25
    """Intervals longer than this [h] are gaps, interpolated linearly (constant implied speed)."""
    gap_limit_h: float = 2.0
    """Gaps longer than this [h] are excluded and reported (public codes use 15 min – 2 h)."""
    stationary_gap_limit_h: float = 12.0
    """Limit [h] for gaps whose two fixes are stationary (SOG ≤ 1 kn, moved ≤ 0.5 nm), e.g. at berth."""
    max_implied_speed_kn: float = 50.0
    """Fixes implying more than this [kn] from both neighbours (and > 0.5 nm) are dropped as bad."""
    min_fixes: int = 5
    """Ships with fewer fixes are flagged ``few_fixes`` (never extrapolated)."""
    boilers_on_shore_power: bool = False
    connect_after_h: float = 3.0
    """Berth stay [h] beyond which a capable ship at a shore-power berth should connect (coastal 3, inland 2)."""
    grid_region: str = "CN-JS"
    grid_year: int | None = None
    """Grid-factor year; None = the year of most AIS intervals."""
    grid: str = "deg:0.01"
    """Map grid: ``deg:<cell size in degrees>`` or ``h3:<resolution>``."""
    partition_rows: int = 500_000
    """Rows per ship partition; larger inputs are read in partitions of whole ships (row groups of a
    Parquet file sorted by ship, else staged to Parquet partitions by hash(mmsi)). Peak memory grows
    with ``partition_rows × workers``."""
    workers: int = 2
    """Partitions computed at once (threads)."""
    keep_intervals: bool = False
    intervals_path: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @property
    def wants_intervals(self) -> bool:
        return self.keep_intervals or bool(self.intervals_path)


def _hav_expr(lon1: pl.Expr, lat1: pl.Expr, lon2: pl.Expr, lat2: pl.Expr) -> pl.Expr:
    """Haversine [nm] as a Polars expression (mirror of :func:`methods.ships.geo.haversine_nm`)."""
    r = np.pi / 180
    a = ((lat2 - lat1) * (r / 2)).sin() ** 2 + (lat1 * r).cos() * (lat2 * r).cos() * (
        (lon2 - lon1) * (r / 2)
    ).sin() ** 2
    return 2 * EARTH_RADIUS_NM * a.clip(0.0, 1.0).sqrt().arcsin()


@dataclass
class Fixes:
    """Cleaned AIS fixes of one partition as contiguous arrays, sorted by ship and time."""

    mmsi: NDArray[np.int64]
    ts: NDArray[np.int64]
    """Time [µs since the epoch, UTC]."""
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    sog: NDArray[np.float64]
    """SOG [kn]; NaN where missing."""
    draught: NDArray[np.float64]
    """Draught [m]; NaN where missing."""
    pair_nm: NDArray[np.float64] | None = None
    """Distance [nm] from each fix to the next (length n − 1), when already known."""

    def take(self, idx: NDArray[np.intp] | NDArray[np.bool_]) -> Fixes:
        return Fixes(self.mmsi[idx], self.ts[idx], self.lon[idx], self.lat[idx], self.sog[idx], self.draught[idx])


def _np_f64(s: pl.Series) -> NDArray[np.float64]:
    return s.cast(pl.Float64).fill_null(float("nan")).to_numpy()


def clean_fixes(ais: pl.DataFrame, opts: InventoryOptions) -> tuple[Fixes, dict[str, int]]:
    """Drop invalid and duplicate fixes, sort by ship and time, drop single-fix position spikes."""
    n0 = ais.height
    valid = (
        pl.col("mmsi").is_not_null()
        & pl.col("ts").is_not_null()
        & pl.col("lon").is_between(-180, 180)
        & pl.col("lat").is_between(-90, 90)
        & ~((pl.col("lon") == 0) & (pl.col("lat") == 0))
    ).fill_null(False)
    mask = ais.select(valid.alias("v")).to_series()
    df = ais if mask.all() else ais.filter(mask)
    n_valid = df.height
    fx = Fixes(
        df["mmsi"].cast(pl.Int64).to_numpy(),
        df["ts"].dt.cast_time_unit("us").to_physical().to_numpy(),
        _np_f64(df["lon"]),
        _np_f64(df["lat"]),
        _np_f64(df["sog_kn"]),
        _np_f64(df["draught_m"]),
    )
    if n_valid > 1:
        dm = fx.mmsi[1:] - fx.mmsi[:-1]
        if not bool(np.all((dm > 0) | ((dm == 0) & (fx.ts[1:] >= fx.ts[:-1])))):
            fx = fx.take(np.lexsort((fx.ts, fx.mmsi)))
        dup = (fx.mmsi[1:] == fx.mmsi[:-1]) & (fx.ts[1:] == fx.ts[:-1])
        if dup.any():
            fx = fx.take(np.concatenate(([True], ~dup)))
    n_dedup = fx.mmsi.shape[0]
    if n_dedup > 1:
        # pair j joins fix j and fix j + 1; a spike is a fix whose both pairs imply an impossible speed
        d = consecutive_haversine_nm(fx.lon, fx.lat)
        h = (fx.ts[1:] - fx.ts[:-1]) / US_PER_H
        bad = (d > 0.5) & (d > opts.max_implied_speed_kn * h) & (fx.mmsi[1:] == fx.mmsi[:-1])
        spike = bad[:-1] & bad[1:]
        if spike.any():
            fx = fx.take(np.concatenate(([True], ~spike, [True])))
        else:
            fx.pair_nm = d
    return fx, {
        "positions": n0,
        "dropped_invalid": n0 - n_valid,
        "dropped_duplicate": n_valid - n_dedup,
        "dropped_spike": n_dedup - fx.mmsi.shape[0],
    }


@dataclass
class ShipArrays:
    """Ship parameters as arrays indexed by a ship's position in ``mmsi`` (sorted)."""

    mmsi: NDArray[np.int64]
    frame: pl.DataFrame
    cache: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    cap_factors: CapFactors | None = None

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
            return (cap_pct == self.values[0]).astype(np.int8)
        idx = np.searchsorted(self.values, cap_pct).astype(np.int8) + 1  # NaN sorts last
        idx[np.isnan(cap_pct)] = 0
        return idx


def _zone_kind_codes(zones: Zones) -> NDArray[np.int8]:
    """Per zone index (and −1 = none, the last element): 1 berth, 2 anchorage, 0 otherwise."""
    return np.array([{"berth": 1, "anchorage": 2}.get(z.kind, 0) for z in zones.zones] + [0], dtype=np.int8)


def _shore_overlap(
    mmsi: NDArray[np.int64], t0: NDArray[np.int64], t1: NDArray[np.int64], sessions: pl.DataFrame | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Connected hours and metered kWh share per interval (one session per interval: the latest that
    connected before the interval's end). Intervals are in ship and time order; the loop runs over the
    ships that have sessions, each matched with one ``searchsorted``."""
    n = mmsi.shape[0]
    conn, share = np.zeros(n), np.zeros(n)
    if sessions is None or sessions.height == 0 or n == 0:
        return conn, share
    first = np.flatnonzero(np.concatenate(([True], mmsi[1:] != mmsi[:-1])))
    ship_ids = mmsi[first]
    bounds = np.append(first, n)
    s = (
        sessions.filter(pl.col("mmsi").is_in(ship_ids.tolist()))
        .select(
            "mmsi",
            pl.col("connect_time").dt.cast_time_unit("us").to_physical().alias("c0"),
            pl.col("disconnect_time").dt.cast_time_unit("us").to_physical().alias("c1"),
            pl.col("kwh").fill_null(0.0),
        )
        .sort("mmsi", "c0")
    )
    if s.height == 0:
        return conn, share
    s_m, s_c0, s_c1, s_kwh = (s[c].to_numpy() for c in ("mmsi", "c0", "c1", "kwh"))
    s_first = np.flatnonzero(np.concatenate(([True], s_m[1:] != s_m[:-1])))
    s_bounds = np.append(s_first, s_m.shape[0])
    pos = np.searchsorted(ship_ids, s_m[s_first])
    for q, p in enumerate(pos):  # ships with sessions
        a, b = bounds[p], bounds[p + 1]
        lo, hi = s_bounds[q], s_bounds[q + 1]
        k = np.searchsorted(s_c0[lo:hi], t1[a:b], side="right") - 1  # latest connect ≤ interval end
        has = k >= 0
        if not has.any():
            continue
        kk = k[has] + lo
        idx = np.arange(a, b)[has]
        h = (np.minimum(t1[idx], s_c1[kk]) - np.maximum(t0[idx], s_c0[kk])) / US_PER_H
        h = np.maximum(h, 0.0)
        conn[idx] = h
        sess_h = (s_c1[kk] - s_c0[kk]) / US_PER_H
        share[idx] = s_kwh[kk] * h / sess_h
    return conn, np.nan_to_num(share, nan=0.0)


@dataclass
class Intervals:
    """Per-interval keys, activities and (for the per-interval output) descriptors."""

    si: NDArray[np.intp]
    mmsi: NDArray[np.int64]
    t0: NDArray[np.int64]
    t1: NDArray[np.int64]
    day: NDArray[np.int64]
    mode: NDArray[np.int8]
    cap: NDArray[np.int8]
    zone: NDArray[np.int32]
    gy: NDArray[np.int64]
    gx: NDArray[np.int64]
    draught_missing: NDArray[np.bool_]
    act: dict[str, NDArray[np.float64]]
    extra: dict[str, NDArray[np.generic]]


def _cell_index(deg: NDArray[np.float64], size: float) -> NDArray[np.int64]:
    """floor(deg / size) as Polars evaluates it (it may divide by multiplying with 1/size, which puts a
    few points on a cell edge into the neighbouring cell; kept so that maps do not depend on the engine)."""
    return (pl.Series(deg, dtype=pl.Float64) / size).floor().cast(pl.Int64).to_numpy()


def _grid_cell_deg(spec: str) -> float:
    kind, _, arg = spec.partition(":")
    return 0.002 if kind == "h3" else float(arg or 0.01)


def compute_intervals(
    fx: Fixes,
    ships: ShipArrays,
    zones: Zones,
    caps: CapClasses,
    sessions: pl.DataFrame | None,
    opts: InventoryOptions,
) -> Intervals:
    """Keys and activities per interval for the ships of one partition (see the module docstring)."""
    n = fx.mmsi.shape[0]
    # ship index per fix: fixes are sorted by ship, so look each ship up once and repeat
    if n:
        first = np.flatnonzero(np.concatenate(([True], fx.mmsi[1:] != fx.mmsi[:-1])))
        counts = np.diff(np.append(first, n))
        si_fix = np.repeat(ships.index_of(fx.mmsi[first]), counts)
    else:
        si_fix = np.zeros(0, dtype=np.intp)
    same = fx.mmsi[1:] == fx.mmsi[:-1]
    j = np.flatnonzero(same)  # interval j runs from fix j to fix j + 1
    k = j + 1
    si = si_fix[j]
    vref_fix = ships["vref_kn"][si_fix]
    sog = fx.sog
    ok = (sog >= 0) & (sog <= 102.2) & (sog <= 1.5 * vref_fix)
    still = ok & (sog <= 1)

    t0, t1 = fx.ts[j], fx.ts[k]
    dt_h = (t1 - t0) / US_PER_H
    d_nm = fx.pair_nm[j] if fx.pair_nm is not None else haversine_nm(fx.lon[j], fx.lat[j], fx.lon[k], fx.lat[k])
    implied = d_nm / dt_h
    is_gap = dt_h > opts.gap_min_h
    stationary = still[j] & still[k] & (d_nm <= 0.5)
    excluded = ((dt_h > opts.gap_limit_h) & ~(stationary & (dt_h <= opts.stationary_gap_limit_h))) | (
        implied > opts.max_implied_speed_kn
    )
    status = np.where(excluded, EXCLUDED, np.where(is_gap, INTERPOLATED, NORMAL)).astype(np.int8)
    vref = ships["vref_kn"][si]
    v = np.where(ok[j] & ok[k] & ~is_gap, (sog[j] + sog[k]) / 2, implied)
    v = np.nan_to_num(np.clip(v, 0, 1.5 * vref), nan=0.0)
    design = ships["design_draught_m"][si]
    dr = fx.draught[j]
    draught_missing = ~(dr > 0)  # NaN (missing) or not positive
    draught_used = np.where(draught_missing, design, np.minimum(dr, design))

    hits = zones.locate(fx.lon, fx.lat)
    zone = hits.zone_index[j]
    kind = _zone_kind_codes(zones)[zone]
    in_berth, in_anch = kind == 1, kind == 2
    cap = caps.classify(hits.sulphur_cap_pct[j])

    mcr = ships["mcr_kw"][si]
    if opts.method == "epa":
        w_me = pw.main_engine_power_kw(v, draught_used, mcr, vref * EPA_VMAX_PER_VREF, design, draught_exponent=2 / 3)
        load = pw.engine_load(w_me, mcr)
        mode = modes.classify_epa(v, load, in_berth, in_anch)
        load = np.where(mode <= 1, 0.0, np.maximum(load, EPA_LOAD_FLOOR))
    else:
        w_me = pw.main_engine_power_kw(
            v, draught_used, mcr, vref, design, ships["eta_w"][si], ships["eta_f"][si], ships["f_ref"][si]
        )
        load = pw.engine_load(w_me, mcr)
        mode = modes.classify_imo4(v, load, in_berth, in_anch, hits.in_port_area[j])
    hours = np.where(status == EXCLUDED, 0.0, dt_h)
    e_me = load * mcr * hours
    rel = sfoc.main_engine_sfoc_g_per_kwh(1.0, load, ships["is_turbine"][si] > 0)  # SFOC(L) / SFOC_base
    me_rel = e_me * rel
    # low-load adjustment: only intervals with 0 < L < 0.2 of engines it applies to
    me_x = {g: e_me for g in ("nox", "hc", "co", "pm")}
    low = np.flatnonzero((ships["llaf_applies"][si] > 0) & (load > 0) & (load < low_load.LLAF_THRESHOLD))
    if low.size:
        factors = low_load.llaf_all(load[low], tuple(me_x))
        for g in me_x:
            arr = e_me.copy()
            arr[low] *= factors[g]
            me_x[g] = arr
    # ME PM10 [g] = E·LLAF_PM · max(0, B + SFOC(L)·7·0.02247·(S − S_ref)) (IMO4 eq. 16–17), per interval
    pm_me = np.zeros(e_me.shape[0])
    run = np.flatnonzero(e_me > 0)
    if run.size:
        c = _cap_factors(ships, caps)
        sc = si[run] * c.n_caps + cap[run]
        ef = c.get("pm_base")[sc] + c.get("sfoc_me")[sc] * rel[run] * SULPHATE_G_PER_G_PCT * c.get("ds")[sc]
        pm_me[run] = me_x["pm"][run] * np.maximum(ef, 0.0)
    conn_h, kwh_metered = _shore_overlap(fx.mmsi[j], t0, t1, sessions)
    conn_h = np.minimum(conn_h, hours)

    size = _grid_cell_deg(opts.grid)
    lon_mid = (fx.lon[j] + fx.lon[k]) / 2
    lat_mid = (fx.lat[j] + fx.lat[k]) / 2
    act = {
        "hours": hours,
        "distance_nm": d_nm,
        "me_kwh": e_me,
        "me_rel": me_rel,
        "me_nox": me_x["nox"],
        "me_hc": me_x["hc"],
        "me_co": me_x["co"],
        "pm_me_g": pm_me,
        "connected_h": conn_h,
        "shore_kwh_metered": kwh_metered,
        "interpolated_h": np.where(status == INTERPOLATED, dt_h, 0.0),
        "excluded_h": np.where(status == EXCLUDED, dt_h, 0.0),
    }
    extra: dict[str, NDArray[np.generic]] = {}
    if opts.wants_intervals:
        extra = {
            "dt_h": dt_h,
            "status": status,
            "speed_kn": v,
            "lon_mid": lon_mid,
            "lat_mid": lat_mid,
            "load": load,
        }
    return Intervals(
        si=si,
        mmsi=fx.mmsi[j],
        t0=t0,
        t1=t1,
        day=np.floor_divide(t0, US_PER_DAY),
        mode=mode.astype(np.int8),
        cap=cap,
        zone=zone,
        gy=_cell_index(lat_mid, size),
        gx=_cell_index(lon_mid, size),
        draught_missing=draught_missing,
        act=act,
        extra=extra,
    )


@dataclass
class CapFactors:
    """Emission factors per (ship, cap class), flattened as ``ship * n_caps + cap``."""

    n_caps: int
    cols: dict[str, NDArray[np.float64]]

    def get(self, name: str) -> NDArray[np.float64]:
        return self.cols[name]


def _cap_factors(ships: ShipArrays, caps: CapClasses) -> CapFactors:
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


def _sum_runs(iv: Intervals) -> tuple[dict[str, NDArray[np.generic]], dict[str, NDArray[np.float64]]]:
    """Sum consecutive intervals sharing (ship, day, mode, cap class, zone, grid cell) into runs."""
    m = iv.si.shape[0]
    keys: dict[str, NDArray[np.generic]] = {
        "si": iv.si,
        "mmsi": iv.mmsi,
        "day": iv.day,
        "mode": iv.mode,
        "cap": iv.cap,
        "zone": iv.zone,
        "gy": iv.gy,
        "gx": iv.gx,
    }
    if m == 0 or iv.extra:
        return (
            {**keys, "t0": iv.t0, "t1": iv.t1, "n": np.ones(m, dtype=np.int64), "dq": iv.draught_missing},
            iv.act,
        )
    new = np.zeros(m, dtype=bool)
    new[0] = True
    for name in ("si", "day", "mode", "cap", "zone", "gy", "gx"):
        a = keys[name]
        new[1:] |= a[1:] != a[:-1]
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], m) - 1
    out_keys = {k: a[starts] for k, a in keys.items()}
    out_keys["t0"] = iv.t0[starts]
    out_keys["t1"] = iv.t1[ends]
    out_keys["n"] = ends - starts + 1
    out_keys["dq"] = np.logical_or.reduceat(iv.draught_missing, starts)
    act = {k: np.add.reduceat(a, starts) for k, a in iv.act.items()}
    return out_keys, act


def apply_factors(
    keys: dict[str, NDArray[np.generic]], act: dict[str, NDArray[np.float64]], ships: ShipArrays, caps: CapClasses
) -> dict[str, NDArray[np.float64]]:
    """Energy, fuel, emissions and shore-power columns [kWh, t] of runs (or intervals) from their
    activities and the (ship, cap class, mode) factors."""
    c = _cap_factors(ships, caps)
    si = keys["si"].astype(np.intp)
    sc = si * c.n_caps + keys["cap"].astype(np.intp)

    def g(name: str) -> NDArray[np.float64]:
        return c.get(name)[sc]

    col = np.minimum(keys["mode"], 3).astype(np.intp)  # berth, anch, man, sea (slow cruise and cruise: sea)
    ae_kw = np.stack([ships[f"ae_{m}_kw"] for m in ("berth", "anch", "man", "sea")], axis=1)[si, col]
    ab_kw = np.stack([ships[f"ab_{m}_kw"] for m in ("berth", "anch", "man", "sea")], axis=1)[si, col]
    hours, conn = act["hours"], act["connected_h"]
    conn_ab = conn * g("ab_on_shore")
    ae_on = ae_kw * (hours - conn)  # kWh of auxiliary engines run on board
    ab_on = ab_kw * (hours - conn_ab)
    ae_shore = ae_kw * conn  # kWh displaced by shore power
    ab_shore = ab_kw * conn_ab
    e_me = act["me_kwh"]
    sfoc_ae, sfoc_ab = g("sfoc_ae"), g("sfoc_ab")
    fuel_main = g("sfoc_me") * act["me_rel"] + ae_on * sfoc_ae + ab_on * sfoc_ab
    pilot = e_me * g("sfoc_pilot")
    s_main, s_pilot = g("s_main"), g("s_pilot")
    pm_base, ds = g("pm_base"), g("ds")
    ef_pm_ae = np.maximum(0.0, pm_base + sfoc_ae * SULPHATE_G_PER_G_PCT * ds)
    ef_pm_ab = np.maximum(0.0, pm_base + sfoc_ab * SULPHATE_G_PER_G_PCT * ds)
    cf = g("cf")
    pm10 = act["pm_me_g"] + ae_on * ef_pm_ae + ab_on * ef_pm_ab + pilot * SULPHATE_G_PER_G_PCT * s_pilot
    out_g = {
        "fuel": fuel_main + pilot,
        "co2": fuel_main * cf + pilot * g("cf_pilot"),
        "ch4": act["me_hc"] * g("ch4_me") + ae_on * g("ch4_ae") + ab_on * g("ch4_ab"),
        "n2o": act["me_nox"] * g("n2o_me") + ae_on * g("n2o_ae") + ab_on * g("n2o_ab"),
        "nox": act["me_nox"] * g("nox_me") + ae_on * g("nox_ae") + ab_on * g("nox_ab"),
        "sox": emission_factors.sox_g(fuel_main, s_main) + emission_factors.sox_g(pilot, s_pilot),
        "pm10": pm10,
        "pm25": pm10 * g("pm25_ratio"),
        "co": act["me_co"] * g("co_me") + ae_on * g("co_ae") + ab_on * g("co_ab"),
        "hc": act["me_hc"] * g("hc_me") + ae_on * g("hc_ae") + ab_on * g("hc_ab"),
    }
    fuel_av = ae_shore * sfoc_ae + ab_shore * sfoc_ab
    avoided_g = {
        "fuel": fuel_av,
        "co2": fuel_av * cf,
        "nox": ae_shore * g("nox_ae") + ab_shore * g("nox_ab"),
        "sox": emission_factors.sox_g(fuel_av, s_main),
        "pm10": ae_shore * ef_pm_ae + ab_shore * ef_pm_ab,
    }
    g_to_t = 1e-6
    return {
        "hours": hours,
        "distance_nm": act["distance_nm"],
        "me_kwh": e_me,
        "ae_kwh": ae_on,
        "ab_kwh": ab_on,
        **{f"{p}_t": out_g[p] * g_to_t for p in ("fuel", *POLLUTANTS)},
        "connected_h": conn,
        "shore_kwh_metered": act["shore_kwh_metered"],
        "shore_kwh_modelled": ae_shore + ab_shore,
        **{f"avoided_{p}_t": avoided_g[p] * g_to_t for p in ("fuel", "co2", "nox", "sox", "pm10")},
        "interpolated_h": act["interpolated_h"],
        "excluded_h": act["excluded_h"],
    }


@dataclass
class PartitionAggregates:
    """Additive aggregates of one partition (sum them over partitions with :func:`combine`)."""

    ship_day_mode: pl.DataFrame
    calls: pl.DataFrame
    zones: pl.DataFrame
    grid: pl.DataFrame
    ship_quality: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def _sums() -> list[pl.Expr]:
    return [pl.col(c).sum() for c in SUM_COLS]


def _rows_frame(keys: dict[str, NDArray[np.generic]], values: dict[str, NDArray[np.float64]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "mmsi": pl.Series(keys["mmsi"], dtype=pl.Int64),
            "day": pl.Series(keys["day"], dtype=pl.Int64).cast(pl.Int32).cast(pl.Date),
            "mode_code": pl.Series(keys["mode"], dtype=pl.Int8),
            "zone_index": pl.Series(keys["zone"], dtype=pl.Int32),
            "__gy": pl.Series(keys["gy"], dtype=pl.Int64),
            "__gx": pl.Series(keys["gx"], dtype=pl.Int64),
            "t0": pl.Series(keys["t0"], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            "t1": pl.Series(keys["t1"], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            "intervals": pl.Series(keys["n"], dtype=pl.Int64),
            "draught_missing": pl.Series(keys["dq"], dtype=pl.Boolean),
            **{k: pl.Series(k, v, dtype=pl.Float64) for k, v in values.items()},
        }
    )


def aggregate(
    rows: pl.DataFrame, zones: Zones, params: pl.DataFrame, opts: InventoryOptions, counts: dict[str, int]
) -> PartitionAggregates:
    """Per ship × day × mode, per port call, per zone, per grid cell, and per-ship data quality, from runs
    (or intervals) in ship and time order."""
    zt = pl.DataFrame(
        zones.table(),
        schema={"zone_index": pl.Int32, "zone_id": pl.String, "zone_kind": pl.String, "has_shore_power": pl.Boolean},
    )
    sdm = rows.group_by("mmsi", "day", "mode_code").agg(_sums())
    sdm = sdm.with_columns(
        pl.col("mode_code").replace_strict(list(range(5)), list(MODES), return_dtype=pl.String).alias("mode")
    ).drop("mode_code")
    zagg = (
        rows.group_by("zone_index")
        .agg(_sums())
        .join(zt, on="zone_index", how="left")
        .with_columns(pl.col("zone_id").fill_null("outside"), pl.col("zone_kind").fill_null("none"))
        .drop("zone_index", "has_shore_power")
    )
    # port calls: runs of berth-mode intervals at the same berth
    b = (
        rows.with_columns(
            ((pl.col("mode_code") == BERTH) & (pl.col("zone_index") >= 0)).alias("__at"),
        )
        .with_columns(
            (
                pl.col("__at")
                & ~(
                    (pl.col("__at").shift(1))
                    & (pl.col("mmsi") == pl.col("mmsi").shift(1))
                    & (pl.col("zone_index") == pl.col("zone_index").shift(1))
                ).fill_null(False)
            )
            .cum_sum()
            .alias("__call")
        )
        .filter(pl.col("__at"))
    )
    calls = (
        b.group_by("mmsi", "__call")
        .agg(
            pl.col("zone_index").first(),
            pl.col("t0").min().alias("arrival"),
            pl.col("t1").max().alias("departure"),
            pl.col("hours").sum().alias("berth_h"),
            *[pl.col(c).sum() for c in SUM_COLS if c != "hours"],
        )
        .join(zt, on="zone_index", how="left")
        .join(params.select("mmsi", "shore_power_capable"), on="mmsi", how="left")
    )
    from transcarbon.methods.ships.shore_power import stayed_without_connecting

    flag = stayed_without_connecting(
        calls["shore_power_capable"].fill_null(False).to_numpy(),
        calls["has_shore_power"].fill_null(False).to_numpy(),
        calls["berth_h"].to_numpy(),
        calls["connected_h"].to_numpy(),
        opts.connect_after_h,
    )
    calls = (
        calls.with_columns(
            pl.Series("over_limit_not_connected", flag, dtype=pl.Boolean), pl.col("zone_id").alias("berth_id")
        )
        .drop("__call", "zone_index", "zone_id", "zone_kind")
        .sort("mmsi", "arrival")
    )
    grid = _grid(rows, opts.grid)
    quality = rows.group_by("mmsi").agg(
        pl.col("intervals").sum(),
        pl.col("interpolated_h").sum(),
        pl.col("excluded_h").sum(),
        pl.col("draught_missing").any().alias("draught_missing"),
    )
    return PartitionAggregates(sdm, calls, zagg, grid, quality, counts)


def _grid(rows: pl.DataFrame, spec: str) -> pl.DataFrame:
    kind, _, arg = spec.partition(":")
    pol = [c for c in SUM_COLS if c.endswith("_t") and not c.startswith("avoided")]
    g = rows.group_by("__gy", "__gx").agg(pl.col(pol).sum(), pl.col("hours").sum())
    if kind == "h3":
        import h3

        fine = _grid_cell_deg(spec)
        res = int(arg or 7)
        cells = [
            h3.latlng_to_cell((y + 0.5) * fine, (x + 0.5) * fine, res)
            for y, x in zip(g["__gy"], g["__gx"], strict=True)
        ]
        return g.with_columns(pl.Series("cell", cells)).group_by("cell").agg(pl.col(pol).sum(), pl.col("hours").sum())
    size = _grid_cell_deg(spec)
    return g.with_columns(
        ((pl.col("__gy") + 0.5) * size).alias("lat"),
        ((pl.col("__gx") + 0.5) * size).alias("lon"),
        pl.concat_str([pl.col("__gy"), pl.col("__gx")], separator="_").alias("cell"),
    ).drop("__gy", "__gx")


def _intervals_frame(iv: Intervals, rows: pl.DataFrame) -> pl.DataFrame:
    """The optional per-interval output (one row per interval, in ship and time order)."""
    e = iv.extra
    return rows.select(
        "mmsi",
        "t0",
        pl.Series("dt_h", e["dt_h"], dtype=pl.Float64),
        pl.Series("status", e["status"], dtype=pl.Int8),
        pl.Series("speed_kn", e["speed_kn"], dtype=pl.Float64),
        "distance_nm",
        pl.Series("lon_mid", e["lon_mid"], dtype=pl.Float64),
        pl.Series("lat_mid", e["lat_mid"], dtype=pl.Float64),
        "zone_index",
        "mode_code",
        pl.Series("load", e["load"], dtype=pl.Float64),
        *[c for c in SUM_COLS if c not in ("distance_nm",)],
        "draught_missing",
    )


def zone_caps(zones: Zones) -> CapClasses:
    """The sulphur-cap classes of a zone set (the distinct ECA caps)."""
    vals = sorted({z.sulphur_pct for z in zones.zones if z.kind == "eca" and not np.isnan(z.sulphur_pct)})
    return CapClasses(np.asarray(vals, dtype=np.float64))


def prepare_ships(ships: ShipArrays, zones: Zones) -> None:
    """Fill the lazily built arrays of ``ships`` so that worker threads only read them."""
    _cap_factors(ships, zone_caps(zones))
    for name in ships.frame.columns:
        if ships.frame[name].dtype.is_numeric() or ships.frame[name].dtype == pl.Boolean:
            ships[name]


def run_partition(
    ais: pl.DataFrame,
    params: pl.DataFrame | ShipArrays,
    zones: Zones,
    sessions: pl.DataFrame | None,
    opts: InventoryOptions,
) -> tuple[PartitionAggregates, pl.DataFrame]:
    """The cluster-shaped entry point: one partition of whole ships in, aggregates out, and the intervals
    when ``opts`` asks for them (``keep_intervals`` / ``intervals_path``; else an empty frame).

    ``params`` holds one row per MMSI of the partition (:func:`.params.resolve_ships`); more rows are fine.
    A :class:`ShipArrays` built once (``ShipArrays.from_params``) can be passed instead and shared by the
    partitions of a run, so that its per-ship arrays and factors are prepared once.
    """
    fx, counts = clean_fixes(ais, opts)
    ships = params if isinstance(params, ShipArrays) else ShipArrays.from_params(params)
    params = ships.frame
    caps = zone_caps(zones)
    iv = compute_intervals(fx, ships, zones, caps, sessions, opts)
    keys, act = _sum_runs(iv)
    rows = _rows_frame(keys, apply_factors(keys, act, ships, caps))
    agg = aggregate(rows, zones, params, opts, counts)
    intervals = _intervals_frame(iv, rows) if iv.extra else pl.DataFrame()
    return agg, intervals
