"""Synthetic AIS month for the port of Lianyungang (deterministic, seeded, labelled synthetic).

Ships arrive along two sea lanes, wait at an anchorage, manoeuvre to a berth of their type, stay,
and leave; some capable ships connect to shore power at berths that have it, some do not. Magnitudes
follow docs/sources/lianyungang.md loosely (bulk-dominated port, a container trade, liquid bulk at
徐圩). Nothing here is observed data.

- :func:`synthetic_ais` returns ``(ais, ships, sessions)`` Polars frames;
- :func:`write_synthetic_ais` writes ``ais.parquet`` (or ``.csv``), ``ships.csv``, ``shore_power.csv``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

SYNTHETIC_LABEL = "synthetic demo data (transcarbon.demo.ais), not observed AIS"

# (ship_type, share, dwt/teu range, mcr range kW, vref kn, draught m, rpm, berths)
_TYPES = (
    (
        "bulk_carrier",
        0.42,
        (20_000, 200_000),
        (6_000, 18_000),
        (13.0, 14.5),
        (10.0, 18.0),
        100,
        ("LYG-B01", "LYG-B02", "LYG-B03", "LYG-B04"),
    ),
    ("container", 0.25, (1_000, 16_000), (8_000, 60_000), (17.0, 23.0), (9.0, 15.0), 95, ("LYG-B05", "LYG-B06")),
    ("oil_tanker", 0.10, (5_000, 120_000), (3_000, 16_000), (12.5, 15.0), (7.0, 16.0), 110, ("XW-X01",)),
    ("chemical_tanker", 0.06, (3_000, 40_000), (2_000, 9_000), (12.0, 14.5), (6.0, 11.0), 500, ("XW-X01",)),
    ("general_cargo", 0.14, (2_000, 30_000), (1_000, 8_000), (11.0, 14.0), (5.0, 10.0), 600, ("LYG-B07", "LYG-B08")),
    ("ro_ro", 0.03, (5_000, 20_000), (6_000, 15_000), (16.0, 19.0), (6.0, 8.0), 500, ("LYG-B07",)),
)
_BERTH_XY = {
    f"LYG-B0{i}": (x + 0.002, 34.739)
    for i, x in zip(range(1, 9), (119.400, 119.406, 119.412, 119.418, 119.430, 119.436, 119.448, 119.454), strict=True)
}
_BERTH_XY["XW-X01"] = (119.587, 34.566)
_SHORE_BERTHS = {"LYG-B01", "LYG-B02", "LYG-B05"}
_ANCH = ((119.585, 34.815), (119.66, 34.775))
_LANES = ((120.60, 34.95), (120.30, 34.20), (120.70, 34.60))
_PORT_GATE = ((119.50, 34.745), (119.60, 34.58))


def _registry(rng: np.random.Generator, n_ships: int) -> pl.DataFrame:
    shares = np.array([t[1] for t in _TYPES])
    kind = rng.choice(len(_TYPES), size=n_ships, p=shares / shares.sum())
    rows = []
    for i in range(n_ships):
        name, _, size, mcr, vref, dr, rpm, _berths = _TYPES[kind[i]]
        frac = rng.random()
        s = size[0] + frac * (size[1] - size[0])
        fuel = "LNG" if i % 97 == 13 else ("MDO" if name in ("general_cargo",) and rng.random() < 0.3 else "HFO")
        rows.append(
            {
                "mmsi": 412_000_000 + i,
                "imo": 9_300_000 + i,
                "name": f"SYNTH {name.upper()} {i:04d}",
                "ship_type": name,
                "dwt": round(s) if name != "container" else round(s * 12),
                "gt": round(s * 0.6),
                "teu": round(s) if name == "container" else None,
                "cbm": None,
                "mcr_kw": round(mcr[0] + frac * (mcr[1] - mcr[0])),
                "vref_kn": round(vref[0] + frac * (vref[1] - vref[0]), 1),
                "design_draught_m": round(dr[0] + frac * (dr[1] - dr[0]), 1),
                "engine_rpm": rpm if fuel != "LNG" else None,
                "engine_type": "LNG-Otto-MS" if fuel == "LNG" else None,
                "fuel": fuel,
                "build_year": int(rng.integers(1995, 2024)),
                "nox_tier": None,
                "shore_power_capable": bool(rng.random() < (0.5 if name == "container" else 0.25)),
            }
        )
    df = pl.DataFrame(rows)
    # a few registry gaps, to show the documented defaults and flags
    return df.with_columns(
        pl.when(pl.col("mmsi") % 23 == 5).then(None).otherwise(pl.col("mcr_kw")).alias("mcr_kw"),
        pl.when(pl.col("mmsi") % 31 == 7).then(None).otherwise(pl.col("build_year")).alias("build_year"),
    )


def synthetic_ais(
    seed: int = 20240501,
    n_ships: int = 60,
    days: int = 30,
    interval_min: float = 3.0,
    start: datetime = datetime(2024, 5, 1, tzinfo=UTC),
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A month of AIS fixes, the registry and shore-power sessions (all synthetic, seeded).

    Rows ≈ n_ships × days × 1440 / interval_min (60 ships, 30 days, 3 min → about 0.86 M rows).
    The loop runs per ship and per port call (waypoints), never per fix.
    """
    rng = np.random.default_rng(seed)
    reg = _registry(rng, n_ships)
    t_end = days * 24.0
    step = interval_min / 60.0
    grid = np.arange(0.0, t_end, step)
    kinds = {t[0]: t for t in _TYPES}
    out_m, out_t, out_x, out_y, out_v, out_d = [], [], [], [], [], []
    sessions = []
    for row in reg.iter_rows(named=True):
        spec = kinds[row["ship_type"]]
        vref = row["vref_kn"]
        design = row["design_draught_m"]
        wt, wx, wy, wv, wd = [], [], [], [], []  # waypoint time h, lon, lat, sog over the following leg, draught
        t = -rng.uniform(0, 72)
        lane = _LANES[int(rng.integers(len(_LANES)))]
        while t < t_end:
            berth = spec[7][int(rng.integers(len(spec[7])))]
            bx, by = _BERTH_XY[berth]
            gate = _PORT_GATE[1] if berth.startswith("XW") else _PORT_GATE[0]
            ax, ay = _ANCH[int(rng.integers(2))] if not berth.startswith("XW") else (119.69, 34.665)
            ax, ay = ax + rng.normal(0, 0.004), ay + rng.normal(0, 0.003)
            laden = design * rng.uniform(0.85, 0.98)
            sea_v = vref * rng.uniform(0.7, 0.95)
            wait = rng.exponential(14.0)
            d_sea = _nm(lane, (ax, ay))
            wt += [t, t + d_sea / sea_v]
            wx += [lane[0], ax]
            wy += [lane[1], ay]
            wv += [sea_v, 0.2]
            wd += [laden, laden]
            t += d_sea / sea_v + wait
            man_v = rng.uniform(5.0, 8.0)
            d1, d2 = _nm((ax, ay), gate), _nm(gate, (bx, by))
            wt += [t, t + d1 / man_v, t + d1 / man_v + d2 / 3.0]
            wx += [ax, gate[0], bx]
            wy += [ay, gate[1], by]
            wv += [man_v, 3.0, 0.0]
            wd += [laden, laden, laden]
            t_arr = t + d1 / man_v + d2 / 3.0
            stay = rng.uniform(10.0, 60.0)
            t_dep = t_arr + stay
            ballast = design * rng.uniform(0.55, 0.7)
            if row["shore_power_capable"] and berth in _SHORE_BERTHS and rng.random() < 0.8:
                kw = rng.uniform(250, 1500) if spec[0] == "container" else rng.uniform(120, 400)
                c0, c1 = t_arr + rng.uniform(0.5, 1.5), t_dep - rng.uniform(0.5, 1.5)
                sessions.append(
                    {"mmsi": row["mmsi"], "berth_id": berth, "c0": c0, "c1": c1, "kwh": round(kw * (c1 - c0), 1)}
                )
            lane = _LANES[int(rng.integers(len(_LANES)))]
            wt += [t_dep, t_dep + d2 / 4.0, t_dep + d2 / 4.0 + _nm(gate, lane) / sea_v]
            wx += [bx, gate[0], lane[0]]
            wy += [by, gate[1], lane[1]]
            wv += [4.0, sea_v, sea_v]
            wd += [ballast, ballast, ballast]
            t = t_dep + d2 / 4.0 + _nm(gate, lane) / sea_v + rng.uniform(24, 120)  # away at sea
        wt_a = np.asarray(wt)
        keep = (grid >= wt_a[0]) & (grid <= wt_a[-1])
        tt = grid[keep]
        if tt.size == 0:
            continue
        s = np.searchsorted(wt_a, tt, side="right") - 1
        # between the lane exit and the next lane entry the ship is outside the area
        exit_idx = set(range(7, len(wt), 8))
        mask = ~np.isin(s, list(exit_idx))
        tt, s = tt[mask], s[mask]
        x = np.interp(tt, wt_a, np.asarray(wx)) + rng.normal(0, 0.00005, tt.size)
        y = np.interp(tt, wt_a, np.asarray(wy)) + rng.normal(0, 0.00005, tt.size)
        v = np.maximum(np.asarray(wv)[s] + rng.normal(0, 0.15, tt.size), 0.0)
        d = np.asarray(wd)[s]
        # data-quality noise: a 40-minute outage (interpolated) and, for some ships, a 5-hour one (excluded)
        drop = np.zeros(tt.size, dtype=bool)
        k = int(rng.integers(0, max(tt.size - 200, 1)))
        drop[k : k + int(40 / interval_min)] = True
        if row["mmsi"] % 5 == 0:
            k2 = int(rng.integers(0, max(tt.size - 200, 1)))
            drop[k2 : k2 + int(300 / interval_min)] = True
        tt, x, y, v, d = tt[~drop], x[~drop], y[~drop], v[~drop], d[~drop]
        out_m.append(np.full(tt.size, row["mmsi"], dtype=np.int64))
        out_t.append(tt)
        out_x.append(x)
        out_y.append(y)
        out_v.append(np.round(v, 1))
        out_d.append(np.round(d, 1))
    t0 = int(start.timestamp() * 1e6)
    ts_us = (np.concatenate(out_t) * 3.6e9).astype(np.int64) + t0
    ais = pl.DataFrame(
        {
            "mmsi": np.concatenate(out_m),
            "timestamp": pl.Series(ts_us).cast(pl.Datetime("us", "UTC")),
            "lon": np.round(np.concatenate(out_x), 6),
            "lat": np.round(np.concatenate(out_y), 6),
            "sog": np.concatenate(out_v),
            "cog": None,
            "heading": None,
            "nav_status": None,
            "draught": np.concatenate(out_d),
        }
    ).with_columns(
        pl.col("cog").cast(pl.Float64), pl.col("heading").cast(pl.Float64), pl.col("nav_status").cast(pl.Int64)
    )
    if sessions:
        sp = (
            pl.DataFrame(sessions)
            .filter((pl.col("c0") >= 0) & (pl.col("c1") <= t_end))
            .select(
                "mmsi",
                "berth_id",
                ((pl.col("c0") * 3.6e9).cast(pl.Int64) + t0).cast(pl.Datetime("us", "UTC")).alias("connect_time"),
                ((pl.col("c1") * 3.6e9).cast(pl.Int64) + t0).cast(pl.Datetime("us", "UTC")).alias("disconnect_time"),
                "kwh",
            )
        )
    else:
        sp = pl.DataFrame(
            schema={
                "mmsi": pl.Int64,
                "berth_id": pl.String,
                "connect_time": pl.Datetime("us", "UTC"),
                "disconnect_time": pl.Datetime("us", "UTC"),
                "kwh": pl.Float64,
            }
        )
    return ais.sort("mmsi", "timestamp"), reg, sp


def _nm(a: tuple[float, float], b: tuple[float, float]) -> float:
    from transcarbon.methods.ships.geo import haversine_nm

    return float(haversine_nm(a[0], a[1], b[0], b[1]))


def write_synthetic_ais(
    directory: str | Path,
    seed: int = 20240501,
    n_ships: int = 60,
    days: int = 30,
    interval_min: float = 3.0,
    ais_format: str = "parquet",
) -> dict[str, Path]:
    """Write ``ais.parquet`` (or ``ais.csv``), ``ships.csv`` and ``shore_power.csv`` into ``directory``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    ais, reg, sp = synthetic_ais(seed, n_ships, days, interval_min)
    paths = {"ais": d / f"ais.{ais_format}", "ships": d / "ships.csv", "shore_power": d / "shore_power.csv"}
    if ais_format == "csv":
        ais.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).write_csv(paths["ais"])
    else:
        ais.write_parquet(paths["ais"], metadata={"label": SYNTHETIC_LABEL})
    reg.write_csv(paths["ships"])
    sp.with_columns(
        pl.col("connect_time").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        pl.col("disconnect_time").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ).write_csv(paths["shore_power"])
    return paths
