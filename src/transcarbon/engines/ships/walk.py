"""The interval walk, compiled: the keys and activities of :func:`.intervals.compute_intervals`, summed into runs
as :func:`.intervals.sum_runs` sums them and into fine grid cells, in two passes (numba ``@njit``) without the
dozens of temporary arrays the NumPy version makes and without group-bys over intervals:

1. the walk, one pass over the fixes: per interval its keys and activities, summed into *pieces* (consecutive
   intervals sharing ship, day, mode, cap class, zone and grid cell);
2. the fold, one pass over the pieces: consecutive pieces sharing all but the grid cell summed into *runs*
   (``KEYS``: what the tables per ship × day × mode, call and zone are aggregated from, with the factors applied
   per run), and each piece's grid columns (emissions [t] and hours, ``GRID_COLUMNS``) added to its cell. The grid
   columns are linear in the activities with coefficients of the piece's (ship, cap class, mode)
   (:func:`.emissions.grid_coefficients`, taken from :func:`.emissions.apply_factors` itself), so a piece's
   emissions are ``coef @ activities``, summed per cell through a hash map.

The formulas are those of :mod:`.intervals` (see its docstring: Δt, status, speed V, IMO4 eq. 8 power, load,
mode, SFOC curve, LLAF, the ME PM10 term, shore hours) with the constants of :mod:`transcarbon.methods.ships`;
the NumPy version stays the reference (and computes the per-interval output): tests check that both give the
same runs and cells on constructed cases (midnight crossings, gaps, spikes, single-fix ships, EPA, shore power).
Results agree to rounding (the compiled code calls the C library's ``pow``, cubes V/V_ref by multiplication and sums
in order; NumPy may use SIMD functions and pairwise sums): per run and cell about 1e-14 relative, in the demo
month's tables at most 2.5e-13.

The compiled functions are cached on disk (``cache=True``: in ``__pycache__`` beside this file, or numba's user
cache when that is read-only), so a process pays the compilation (a few seconds, see
:func:`compile_seconds`) once per machine and install, and release the GIL (``nogil``) so that the driver's
worker threads run partitions in parallel. Spark's Python workers use the same functions.
"""

from __future__ import annotations

import math
import threading
import time
from functools import cache
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.emissions import GRID_COLUMNS, grid_coefficients
from transcarbon.engines.ships.fixes import US_PER_DAY, US_PER_H, Fixes
from transcarbon.engines.ships.intervals import (
    EPA_LOAD_FLOOR,
    EPA_VMAX_PER_VREF,
    EXCLUDED,
    INTERPOLATED,
    NORMAL,
    grid_cell_deg,
    ship_index_per_fix,
    shore_overlap,
    zone_kind_codes,
)
from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.engines.ships.ship_factors import SULPHATE_G_PER_G_PCT, CapClasses, ShipArrays, factors_per_cap
from transcarbon.engines.ships.zones import Zones
from transcarbon.methods.ships import ANCHORAGE, BERTH, CRUISE, MANOEUVRING, MODES, SLOW_CRUISE, low_load, modes, sfoc
from transcarbon.methods.ships import power as pw
from transcarbon.methods.ships.geo import consecutive_haversine_nm

ACTIVITIES = (
    "hours",
    "distance_nm",
    "me_kwh",
    "me_rel",
    "me_nox",
    "me_hc",
    "me_co",
    "pm_me_g",
    "connected_h",
    "metered_h",
    "shore_kwh_metered",
    "interpolated_h",
    "excluded_h",
)
"""The activities of a run (the rows of the walk's activity array), as :func:`.intervals.compute_intervals` names
them."""
_KEY_DTYPES = {
    "si": np.intp,
    "mmsi": np.int64,
    "day": np.int64,
    "mode": np.int8,
    "cap": np.int8,
    "zone": np.int32,
    "t0": np.int64,
    "t1": np.int64,
    "n": np.int64,
    "dq": np.bool_,
}
KEYS = tuple(_KEY_DTYPES)
"""The keys of a run (consecutive pieces sharing all but the grid cell; the columns of the fold's run array), as
:func:`.intervals.sum_runs` names them."""
LLAF_POLLUTANTS = ("nox", "hc", "co", "pm")
"""The ME activities adjusted at low load (LLAF), in the walk's order."""
SOG_MAX_KN = 102.2
"""AIS SOG above this is "not available" (as in :mod:`.intervals`)."""


def _walk_py(
    mmsi: NDArray[np.int64],
    ts: NDArray[np.int64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    sog: NDArray[np.float64],
    draught: NDArray[np.float64],
    pair_nm: NDArray[np.float64],
    si_fix: NDArray[np.intp],
    zone_fix: NDArray[np.int32],
    port_fix: NDArray[np.bool_],
    cap_fix: NDArray[np.int8],
    kind_codes: NDArray[np.int8],
    ship: NDArray[np.float64],
    pm_cap: NDArray[np.float64],
    n_caps: int,
    shore: NDArray[np.float64],
    llaf: NDArray[np.float64],
    opt: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64], int]:
    """Pieces of one partition (fixes sorted by ship and time). ``ship``: rows vref, design draught, MCR, η_w, η_f,
    f_ref, turbine, LLAF applies (per ship index); ``pm_cap``: rows PM base, SFOC_ME, ΔS (per ship × cap class);
    ``shore``: rows connected h, metered kWh, metered h per interval (0 columns: no sessions); ``llaf``: rows a, x,
    b, denominator per pollutant of ``LLAF_POLLUTANTS``; ``opt``: EPA (1/0), gap min, gap limit, stationary gap
    limit [h], max implied speed [kn], 1 / cell size [1/°]. Returns the pieces' keys (pieces × ship index,
    MMSI, day, mode, cap class, zone, gy, gx, t0, t1, intervals, draught missing), activities (pieces ×
    ``ACTIVITIES``) and number."""
    n = mmsi.shape[0]
    epa = opt[0] > 0
    gap_min, gap_limit, stat_limit, v_max, inv_cell = opt[1], opt[2], opt[3], opt[4], opt[5]
    has_shore = shore.shape[1] > 0
    # room for a piece per interval: pages never written are never resident
    keys = np.empty((max(1, n - 1), 12), dtype=np.int64)
    act = np.empty((max(1, n - 1), 13), dtype=np.float64)
    r = -1
    i = -1  # interval index (for the shore-power arrays)
    last_ratio, t_pow = np.nan, np.nan
    for j in range(n - 1):
        k = j + 1
        if mmsi[k] != mmsi[j]:
            continue
        i += 1
        s = si_fix[j]
        vref = ship[0, s]
        sj, sk = sog[j], sog[k]
        ok_j = sj >= 0 and sj <= SOG_MAX_KN and sj <= 1.5 * vref
        ok_k = sk >= 0 and sk <= SOG_MAX_KN and sk <= 1.5 * vref
        t0, t1 = ts[j], ts[k]
        dt_h = (t1 - t0) / US_PER_H
        d = pair_nm[j]
        implied = d / dt_h
        is_gap = dt_h > gap_min
        stationary = ok_j and sj <= 1 and ok_k and sk <= 1 and d <= 0.5
        excluded = (dt_h > gap_limit and not (stationary and dt_h <= stat_limit)) or implied > v_max
        status = EXCLUDED if excluded else (INTERPOLATED if is_gap else NORMAL)
        v = (sj + sk) / 2 if (ok_j and ok_k and not is_gap) else implied
        hi = 1.5 * vref
        if v != v or hi != hi:  # np.clip and nan_to_num: NaN → 0
            v = 0.0
        else:
            v = max(v, 0.0)
            v = min(v, hi)
        design = ship[1, s]
        dr = draught[j]
        missing = not dr > 0
        used = design if missing else (dr if dr < design else design)
        zone = zone_fix[j]
        kind = kind_codes[zone] if zone >= 0 else 0
        mcr = ship[2, s]
        ratio = used / design
        if ratio != last_ratio:  # the draught ratio's power, recomputed only when the ratio changes
            last_ratio = ratio
            t_pow = ratio ** (2 / 3 if epa else pw.DRAUGHT_EXPONENT)
        vr = v / (vref * EPA_VMAX_PER_VREF) if epa else v / vref
        vr3 = vr * vr * vr  # the propeller law's cube (SPEED_EXPONENT = 3) by multiplication: within 2 ulp of pow
        w_me = 1.0 * mcr * t_pow * vr3 if epa else ship[5, s] * mcr * t_pow * vr3 / (ship[3, s] * ship[4, s])
        load = w_me / mcr
        if load < 0:
            load = 0.0
        elif load > 1:
            load = 1.0
        underway = SLOW_CRUISE if load <= modes.SLOW_CRUISE_MAX_LOAD else CRUISE
        if epa:
            if kind == 2 and v <= modes.ANCHORAGE_MAX_KN:
                mode = ANCHORAGE
            elif kind == 1 and v <= modes.BERTH_MAX_KN:
                mode = BERTH
            elif v <= modes.BERTH_MAX_KN:
                mode = ANCHORAGE
            elif load <= modes.EPA_MANOEUVRING_MAX_LOAD:
                mode = MANOEUVRING
            else:
                mode = underway
            if mode <= 1:
                load = 0.0
            elif load < EPA_LOAD_FLOOR:
                load = EPA_LOAD_FLOOR
        elif kind == 1 and v <= modes.BERTH_MAX_KN:
            mode = BERTH
        elif kind == 2 and v <= modes.ANCHORAGE_MAX_KN:
            mode = ANCHORAGE
        elif v <= modes.BERTH_MAX_KN:
            mode = BERTH if port_fix[j] else ANCHORAGE
        elif v <= modes.ANCHORAGE_MAX_KN:
            mode = ANCHORAGE
        elif port_fix[j]:
            mode = MANOEUVRING
        else:
            mode = SLOW_CRUISE if v <= modes.MANOEUVRING_MAX_KN else underway
        hours = 0.0 if excluded else dt_h
        e_me = load * mcr * hours
        rel = 1.0 if ship[6, s] > 0 else 1.0 * (sfoc.CURVE_A * load * load + sfoc.CURVE_B * load + sfoc.CURVE_C)
        me_nox = me_hc = me_co = me_pm = e_me
        if ship[7, s] > 0 and load > 0 and load < low_load.LLAF_THRESHOLD:
            safe = max(load, low_load.LLAF_MIN_LOAD)
            # L^-x once per distinct exponent (as low_load.llaf_all); L^-1 as 1/L (as NumPy computes it)
            x0 = llaf[0, 1]
            p0 = 1.0 / safe if x0 == 1.0 else safe ** (-x0)
            p1 = p0 if llaf[1, 1] == x0 else (1.0 / safe if llaf[1, 1] == 1.0 else safe ** (-llaf[1, 1]))
            p2 = p0 if llaf[2, 1] == x0 else (1.0 / safe if llaf[2, 1] == 1.0 else safe ** (-llaf[2, 1]))
            p3 = p0 if llaf[3, 1] == x0 else (1.0 / safe if llaf[3, 1] == 1.0 else safe ** (-llaf[3, 1]))
            me_nox = e_me * ((llaf[0, 0] * p0 + llaf[0, 2]) / llaf[0, 3])
            me_hc = e_me * ((llaf[1, 0] * p1 + llaf[1, 2]) / llaf[1, 3])
            me_co = e_me * ((llaf[2, 0] * p2 + llaf[2, 2]) / llaf[2, 3])
            me_pm = e_me * ((llaf[3, 0] * p3 + llaf[3, 2]) / llaf[3, 3])
        cap = cap_fix[j]
        pm = 0.0
        if e_me > 0:
            sc = s * n_caps + cap
            ef = pm_cap[0, sc] + pm_cap[1, sc] * rel * SULPHATE_G_PER_G_PCT * pm_cap[2, sc]
            pm = me_pm * (ef if (ef > 0 or ef != ef) else 0.0)
        conn = metered_kwh = metered_h = 0.0
        if has_shore:
            conn = min(shore[0, i], hours)
            metered_kwh = shore[1, i]
            metered_h = min(shore[2, i], conn)
        day = t0 // US_PER_DAY
        gy = math.floor((lat[j] + lat[k]) / 2 * inv_cell)
        gx = math.floor((lon[j] + lon[k]) / 2 * inv_cell)
        if not (
            r >= 0
            and keys[r, 0] == s
            and keys[r, 2] == day
            and keys[r, 3] == mode
            and keys[r, 4] == cap
            and keys[r, 5] == zone
            and keys[r, 6] == gy
            and keys[r, 7] == gx
        ):
            r += 1
            act[r, :] = 0.0
            keys[r, 0], keys[r, 1], keys[r, 2], keys[r, 3] = s, mmsi[j], day, mode
            keys[r, 4], keys[r, 5], keys[r, 6], keys[r, 7] = cap, zone, gy, gx
            keys[r, 8], keys[r, 10], keys[r, 11] = t0, 0, 0
        keys[r, 9] = t1
        keys[r, 10] += 1
        if missing:
            keys[r, 11] = 1
        act[r, 0] += hours
        act[r, 1] += d
        act[r, 2] += e_me
        act[r, 3] += e_me * rel
        act[r, 4] += me_nox
        act[r, 5] += me_hc
        act[r, 6] += me_co
        act[r, 7] += pm
        act[r, 8] += conn
        act[r, 9] += metered_h
        act[r, 10] += metered_kwh
        if status == INTERPOLATED:
            act[r, 11] += dt_h
        elif status == EXCLUDED:
            act[r, 12] += dt_h
    return keys, act, r + 1


def _fold_py(
    keys: NDArray[np.int64],
    act: NDArray[np.float64],
    pieces: int,
    coef_row: NDArray[np.int64],
    coef: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64], int, NDArray[np.int64], NDArray[np.float64], int]:
    """The walk's pieces folded into runs (consecutive pieces sharing ship, day, mode, cap class and zone: the keys
    ``KEYS``, their activities summed) and into grid cells: per fine cell (gy, gx), Σ over its pieces of
    ``coef[coef_row[p]] @ act[p]`` (the piece's ``GRID_COLUMNS``: emissions [t] and hours, linear in its activities
    with the factors of its ship, cap class and mode). Returns the runs' keys, activities and number, then the cells'
    (gy, gx), values and number."""
    # room for as many runs and cells as pieces: pages never written are never resident
    run_keys = np.empty((pieces, 10), dtype=np.int64)
    run_act = np.empty((pieces, act.shape[1]), dtype=np.float64)
    cells = np.empty((pieces, 2), dtype=np.int64)
    grid = np.empty((pieces, coef.shape[1]), dtype=np.float64)
    lookup: dict[tuple[int, int], int] = {}  # (gy, gx) → row of cells
    r = -1
    n_cells = 0
    for p in range(pieces):
        if not (
            r >= 0
            and run_keys[r, 0] == keys[p, 0]
            and run_keys[r, 2] == keys[p, 2]
            and run_keys[r, 3] == keys[p, 3]
            and run_keys[r, 4] == keys[p, 4]
            and run_keys[r, 5] == keys[p, 5]
        ):
            r += 1
            run_keys[r, :6] = keys[p, :6]
            run_keys[r, 6], run_keys[r, 8], run_keys[r, 9] = keys[p, 8], 0, 0
            run_act[r, :] = 0.0
        run_keys[r, 7] = keys[p, 9]
        run_keys[r, 8] += keys[p, 10]
        run_keys[r, 9] |= keys[p, 11]
        run_act[r, :] += act[p, :]
        cell = (keys[p, 6], keys[p, 7])
        if cell in lookup:
            c = lookup[cell]
        else:
            c = n_cells
            lookup[cell] = c
            n_cells += 1
            cells[c, 0], cells[c, 1] = cell
            grid[c, :] = 0.0
        m = coef[coef_row[p]]
        for g in range(m.shape[0]):
            v = 0.0
            for a in range(m.shape[1]):
                if m[g, a] != 0.0:  # an activity a column does not depend on stays out, even if it is not finite
                    v += m[g, a] * act[p, a]
            grid[c, g] += v
    return run_keys, run_act, r + 1, cells, grid, n_cells


_COMPILE_LOCK = threading.Lock()


def _compiled() -> tuple[Any, Any]:
    """The compiled walk and fold; the first of the driver's worker threads to need them compiles them (or loads them
    from the cache) while the others wait."""
    with _COMPILE_LOCK:
        return _compile()


@cache
def _compile() -> tuple[Any, Any]:
    """The compiled walk and fold (numba imported on first use: importing it costs about a second), each for one
    signature (contiguous arrays of fixed types, read-only or not, as Polars hands them over read-only), so that
    they are compiled once and then loaded from the cache."""
    from numba import njit, types

    def ro(dtype: Any, ndim: int = 1) -> Any:  # a read-only C array: accepts writable ones too
        return types.Array(dtype, ndim, "C", readonly=True)

    f64, i64 = types.float64, types.int64
    keys_act = (types.Array(i64, 2, "C"), types.Array(f64, 2, "C"), i64)
    walk = types.Tuple(keys_act)(  # type: ignore[no-untyped-call]
        ro(i64),
        ro(i64),
        *(ro(f64) for _ in range(5)),
        ro(types.intp),
        ro(types.int32),
        ro(types.boolean),
        ro(types.int8),
        ro(types.int8),
        ro(f64, 2),
        ro(f64, 2),
        i64,
        ro(f64, 2),
        ro(f64, 2),
        ro(f64),
    )
    fold = types.Tuple(keys_act + keys_act)(ro(i64, 2), ro(f64, 2), i64, ro(i64), ro(f64, 3))  # type: ignore[no-untyped-call]
    return njit(walk, cache=True, nogil=True)(_walk_py), njit(fold, cache=True, nogil=True)(_fold_py)


def walk_runs(
    fx: Fixes,
    ships: ShipArrays,
    zones: Zones,
    caps: CapClasses,
    sessions: pl.DataFrame | None,
    opts: InventoryOptions,
) -> tuple[dict[str, NDArray[np.generic]], dict[str, NDArray[np.float64]], dict[str, NDArray[np.generic]]]:
    """The runs of one partition (the result of ``sum_runs(compute_intervals(...))``) and its fine grid cells (the
    ``gy``, ``gx`` of :func:`.intervals.compute_intervals` and the sums of ``GRID_COLUMNS``), compiled."""
    si_fix = ship_index_per_fix(fx, ships)
    hits = zones.locate(fx.lon, fx.lat)
    pair = fx.pair_nm if fx.pair_nm is not None else consecutive_haversine_nm(fx.lon, fx.lat)
    ship = np.stack(
        [ships[c] for c in ("vref_kn", "design_draught_m", "mcr_kw", "eta_w", "eta_f", "f_ref")]
        + [ships["is_turbine"], ships["llaf_applies"]]
    )
    c = factors_per_cap(ships, caps)
    pm_cap = np.stack([c.get("pm_base"), c.get("sfoc_me"), c.get("ds")])
    shore = np.zeros((3, 0))
    if sessions is not None and sessions.height and fx.mmsi.shape[0] > 1:
        j = np.flatnonzero(fx.mmsi[1:] == fx.mmsi[:-1])
        shore = np.stack(shore_overlap(fx.mmsi[j], fx.ts[j], fx.ts[j + 1], sessions))
    th = low_load.LLAF_THRESHOLD
    llaf = np.array(
        [[a, x, b, a * th ** (-x) + b] for a, x, b in (low_load.COEFFICIENTS[p] for p in LLAF_POLLUTANTS)],
        dtype=np.float64,
    )
    opt = np.array(
        [
            1.0 if opts.method == "epa" else 0.0,
            opts.gap_min_h,
            opts.gap_limit_h,
            opts.stationary_gap_limit_h,
            opts.max_implied_speed_kn,
            1.0 / grid_cell_deg(opts.grid),
        ]
    )
    args = (
        (fx.mmsi, np.int64),
        (fx.ts, np.int64),
        (fx.lon, np.float64),
        (fx.lat, np.float64),
        (fx.sog, np.float64),
        (fx.draught, np.float64),
        (pair, np.float64),
        (si_fix, np.intp),
        (hits.zone_index, np.int32),
        (hits.in_port_area, np.bool_),
        (caps.classify(hits.sulphur_cap_pct), np.int8),
        (zone_kind_codes(zones), np.int8),
        (ship, np.float64),
        (pm_cap, np.float64),
    )
    walk, fold = _compiled()
    # contiguous arrays of fixed types: one compiled signature
    piece_keys, piece_act, pieces = walk(
        *(np.ascontiguousarray(a, dtype=t) for a, t in args),
        c.n_caps,
        np.ascontiguousarray(shore, dtype=np.float64),
        llaf,
        opt,
    )
    # the grid columns' coefficients of the (ship, cap class, mode) combinations present, and each piece's row: the
    # pieces come ship by ship, so the combinations are counted over the partition's ships, not the registry's
    si = piece_keys[:pieces, 0]
    first = np.concatenate(([True], si[1:] != si[:-1])) if pieces else np.zeros(0, dtype=np.bool_)
    per_ship = c.n_caps * len(MODES)
    local = (np.cumsum(first) - 1) * per_ship + piece_keys[:pieces, 4] * len(MODES) + piece_keys[:pieces, 3]
    present = np.zeros(int(first.sum()) * per_ship, dtype=np.bool_)
    present[local] = True
    found = np.flatnonzero(present)
    row = np.empty(present.shape[0], dtype=np.int64)
    row[found] = np.arange(found.shape[0])
    combos = si[first][found // per_ship] * per_ship + found % per_ship
    coef = grid_coefficients(ships, caps, combos, ACTIVITIES)
    run_keys, run_act, runs, cells, grid, n_cells = fold(piece_keys, piece_act, pieces, row[local], coef)
    out: dict[str, NDArray[np.generic]] = {
        name: run_keys[:runs, q].astype(dt) for q, (name, dt) in enumerate(_KEY_DTYPES.items())
    }
    cell_cols: dict[str, NDArray[np.generic]] = {"gy": cells[:n_cells, 0].copy(), "gx": cells[:n_cells, 1].copy()}
    cell_cols.update({name: grid[:n_cells, g].copy() for g, name in enumerate(GRID_COLUMNS)})
    return out, {name: run_act[:runs, q].copy() for q, name in enumerate(ACTIVITIES)}, cell_cols


def compile_seconds() -> float:
    """Seconds to compile (or load from the cache) the walk and the fold (compiled for their signatures when first
    needed); the benchmark reports it apart from the run's time."""
    t = time.perf_counter()
    _compiled()
    return time.perf_counter() - t
