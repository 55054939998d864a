"""Intervals between consecutive fixes of a ship: their keys (ship, day, mode, sulphur-cap class, zone,
grid cell) and *activities*, and the runs of consecutive intervals that share the keys but the grid cell.

Per interval i between consecutive fixes of a ship (times in h, powers in kW):

- Δt_i = t_{i+1} − t_i; status normal (Δt ≤ ``gap_min_h``), interpolated (≤ ``gap_limit_h``, or
  ≤ ``stationary_gap_limit_h`` when both ends are stationary) or excluded (longer, or a position jump
  implying more than ``max_implied_speed_kn``); an excluded interval counts no hours;
- V_i = mean of the two fixes' SOG (the exact time-mean of a linearly interpolated speed), or the
  implied speed d/Δt where a SOG is missing, implausible (> 1.5 V_ref) or the interval is a gap;
  capped at 1.5 V_ref;
- W_ME (IMO4 eq. 8, :func:`methods.ships.power.main_engine_power_kw`), L = min(1, W_ME/MCR);
- mode (zones first, then IMO4 rules; or EPA rules, :mod:`methods.ships.modes`);
- h_c: hours of the interval covered by a shore-power connection of the ship.

Only what depends on the interval is computed here, the *activities*: hours, ME energy E = L·MCR·Δt
[kWh], E·SFOC_rel(L), E·LLAF_X(L) for NOx, HC and CO (ME only, 0 < L < 0.2), the ME PM10 term [g]
(non-linear in L, so evaluated per interval), connected hours and metered shore kWh. Every emission is
linear in these activities with a factor that depends only on (ship, cap class, mode)
(:mod:`.emissions`). :func:`sum_runs` then sums consecutive intervals with the same keys but the grid cell into
*runs* (a ship's hours in one mode and zone of a day become one row); when per-interval output is asked for,
each interval is its own run, with its cell (the map is summed from them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.fixes import US_PER_DAY, US_PER_H, Fixes
from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.engines.ships.ship_factors import SULPHATE_G_PER_G_PCT, CapClasses, ShipArrays, factors_per_cap
from transcarbon.engines.ships.zones import Zones
from transcarbon.methods.ships import low_load, modes, sfoc
from transcarbon.methods.ships import power as pw
from transcarbon.methods.ships.geo import haversine_nm

NORMAL, INTERPOLATED, EXCLUDED = 0, 1, 2
"""Interval status codes (see the module docstring)."""
EPA_VMAX_PER_VREF = 1 / 0.94
"""EPA: maximum speed estimated as service speed / 0.94 when not known (to check)."""
EPA_LOAD_FLOOR = 0.02


def zone_kind_codes(zones: Zones) -> NDArray[np.int8]:
    """Per zone index (and −1 = none, the last element): 1 berth, 2 anchorage, 0 otherwise."""
    return np.array([{"berth": 1, "anchorage": 2}.get(z.kind, 0) for z in zones.zones] + [0], dtype=np.int8)


def shore_overlap(
    mmsi: NDArray[np.int64], t0: NDArray[np.int64], t1: NDArray[np.int64], sessions: pl.DataFrame | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Connected hours, metered kWh share and hours connected to a metered session, per interval (one session
    per interval: the latest that connected before the interval's end). A session without a meter reading
    (kWh empty) connects the ship but meters nothing: its hours count in ``connected_h`` and not in the metered
    hours, so that the modelled kWh stand in for them. Intervals are in ship and time order; the loop runs
    over the ships that have sessions, each matched with one ``searchsorted``."""
    n = mmsi.shape[0]
    conn, share, metered_h = np.zeros(n), np.zeros(n), np.zeros(n)
    if sessions is None or sessions.height == 0 or n == 0:
        return conn, share, metered_h
    first = np.flatnonzero(np.concatenate(([True], mmsi[1:] != mmsi[:-1])))
    ship_ids = mmsi[first]
    bounds = np.append(first, n)
    s = (
        sessions.filter(pl.col("mmsi").is_in(ship_ids.tolist()))
        .select(
            "mmsi",
            pl.col("connect_time").dt.cast_time_unit("us").to_physical().alias("c0"),
            pl.col("disconnect_time").dt.cast_time_unit("us").to_physical().alias("c1"),
            pl.col("kwh").cast(pl.Float64).fill_null(float("nan")),
        )
        .sort("mmsi", "c0")
    )
    if s.height == 0:
        return conn, share, metered_h
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
        metered = ~np.isnan(s_kwh[kk])
        share[idx] = np.where(metered, np.nan_to_num(s_kwh[kk]) * h / sess_h, 0.0)
        metered_h[idx] = np.where(metered, h, 0.0)
    return conn, np.nan_to_num(share, nan=0.0), metered_h


def ship_index_per_fix(fx: Fixes, ships: ShipArrays) -> NDArray[np.intp]:
    """Each fix's ship index in ``ships``: fixes are sorted by ship, so each ship is looked up once and repeated."""
    n = fx.mmsi.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    first = np.flatnonzero(np.concatenate(([True], fx.mmsi[1:] != fx.mmsi[:-1])))
    counts = np.diff(np.append(first, n))
    return np.repeat(ships.index_of(fx.mmsi[first]), counts)


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


def grid_cell_deg(spec: str) -> float:
    """Cell size [degrees] of the fine grid intervals are binned on: the size of a ``deg:<size>`` map
    grid, or 0.002° for ``h3:<resolution>`` (the fine cells are then grouped into H3 cells)."""
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
    si_fix = ship_index_per_fix(fx, ships)
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
    kind = zone_kind_codes(zones)[zone]
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
        c = factors_per_cap(ships, caps)
        sc = si[run] * c.n_caps + cap[run]
        ef = c.get("pm_base")[sc] + c.get("sfoc_me")[sc] * rel[run] * SULPHATE_G_PER_G_PCT * c.get("ds")[sc]
        pm_me[run] = me_x["pm"][run] * np.maximum(ef, 0.0)
    conn_h, kwh_metered, metered_h = shore_overlap(fx.mmsi[j], t0, t1, sessions)
    conn_h = np.minimum(conn_h, hours)
    metered_h = np.minimum(metered_h, conn_h)

    size = grid_cell_deg(opts.grid)
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
        "metered_h": metered_h,
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


def sum_runs(iv: Intervals) -> tuple[dict[str, NDArray[np.generic]], dict[str, NDArray[np.float64]]]:
    """Sum consecutive intervals sharing (ship, day, mode, cap class, zone) into runs (the grid cell aside: the
    map sums intervals by cell, :func:`.aggregation.aggregate`)."""
    m = iv.si.shape[0]
    keys: dict[str, NDArray[np.generic]] = {
        "si": iv.si,
        "mmsi": iv.mmsi,
        "day": iv.day,
        "mode": iv.mode,
        "cap": iv.cap,
        "zone": iv.zone,
    }
    if m == 0 or iv.extra:
        return (
            {
                **keys,
                "gy": iv.gy,
                "gx": iv.gx,
                "t0": iv.t0,
                "t1": iv.t1,
                "n": np.ones(m, dtype=np.int64),
                "dq": iv.draught_missing,
            },
            iv.act,
        )
    new = np.zeros(m, dtype=bool)
    new[0] = True
    for name in ("si", "day", "mode", "cap", "zone"):
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
