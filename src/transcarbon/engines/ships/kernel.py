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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from transcarbon.engines.ships.zones import Zones
from transcarbon.methods.ships import BERTH, MODES, POLLUTANTS, emission_factors, low_load, modes, sfoc
from transcarbon.methods.ships import power as pw
from transcarbon.methods.ships.geo import EARTH_RADIUS_NM

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
    partition_rows: int = 3_000_000
    """Rows per ship partition; inputs beyond it are staged to Parquet partitions by hash(mmsi)."""
    keep_intervals: bool = False
    intervals_path: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _hav_expr(lon1: pl.Expr, lat1: pl.Expr, lon2: pl.Expr, lat2: pl.Expr) -> pl.Expr:
    """Haversine [nm] as a Polars expression (mirror of :func:`methods.ships.geo.haversine_nm`)."""
    r = np.pi / 180
    a = ((lat2 - lat1) * (r / 2)).sin() ** 2 + (lat1 * r).cos() * (lat2 * r).cos() * (
        (lon2 - lon1) * (r / 2)
    ).sin() ** 2
    return 2 * EARTH_RADIUS_NM * a.clip(0.0, 1.0).sqrt().arcsin()


def clean_fixes(ais: pl.DataFrame, opts: InventoryOptions) -> tuple[pl.DataFrame, dict[str, int]]:
    """Drop invalid and duplicate fixes, sort by ship and time, drop single-fix position spikes."""
    n0 = ais.height
    df = ais.filter(
        pl.col("mmsi").is_not_null()
        & pl.col("ts").is_not_null()
        & pl.col("lon").is_between(-180, 180)
        & pl.col("lat").is_between(-90, 90)
        & ~((pl.col("lon") == 0) & (pl.col("lat") == 0))
    ).sort("mmsi", "ts")
    n_valid = df.height
    df = df.filter(
        ~((pl.col("mmsi") == pl.col("mmsi").shift(1)) & (pl.col("ts") == pl.col("ts").shift(1))).fill_null(False)
    )
    n_dedup = df.height
    same_prev = pl.col("mmsi") == pl.col("mmsi").shift(1)
    same_next = pl.col("mmsi") == pl.col("mmsi").shift(-1)
    d_prev = _hav_expr(pl.col("lon").shift(1), pl.col("lat").shift(1), pl.col("lon"), pl.col("lat"))
    d_next = _hav_expr(pl.col("lon"), pl.col("lat"), pl.col("lon").shift(-1), pl.col("lat").shift(-1))
    h_prev = (pl.col("ts") - pl.col("ts").shift(1)).dt.total_microseconds() / 3.6e9
    h_next = (pl.col("ts").shift(-1) - pl.col("ts")).dt.total_microseconds() / 3.6e9
    vmax = opts.max_implied_speed_kn
    bad_prev = (d_prev > 0.5) & (d_prev > vmax * h_prev)
    bad_next = (d_next > 0.5) & (d_next > vmax * h_next)
    spike = (same_prev & same_next & bad_prev & bad_next).fill_null(False)
    df = df.filter(~spike)
    return df, {
        "positions": n0,
        "dropped_invalid": n0 - n_valid,
        "dropped_duplicate": n_valid - n_dedup,
        "dropped_spike": n_dedup - df.height,
    }


def compute_intervals(
    ais: pl.DataFrame, params: pl.DataFrame, zones: Zones, sessions: pl.DataFrame | None, opts: InventoryOptions
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Energy and emissions per interval for the ships of one partition (see the module docstring)."""
    fixes, counts = clean_fixes(ais, opts)
    hits = zones.locate(fixes["lon"].to_numpy(), fixes["lat"].to_numpy())
    fixes = fixes.with_columns(
        pl.Series("zone_index", hits.zone_index),
        pl.Series("in_port", hits.in_port_area),
        pl.Series("cap_pct", hits.sulphur_cap_pct),
    )
    p = params.select("mmsi", "vref_kn", "design_draught_m")
    fixes = fixes.join(p, on="mmsi", how="left", maintain_order="left")
    same_next = pl.col("mmsi") == pl.col("mmsi").shift(-1)
    sog_ok = pl.col("sog_kn").is_between(0, 102.2) & (pl.col("sog_kn") <= 1.5 * pl.col("vref_kn"))
    iv = (
        fixes.with_columns(
            sog_ok.fill_null(False).alias("__ok"),
        )
        .with_columns(
            ((pl.col("ts").shift(-1) - pl.col("ts")).dt.total_microseconds() / 3.6e9).alias("dt_h"),
            _hav_expr(pl.col("lon"), pl.col("lat"), pl.col("lon").shift(-1), pl.col("lat").shift(-1)).alias(
                "distance_nm"
            ),
            ((pl.col("sog_kn") + pl.col("sog_kn").shift(-1)) / 2).alias("__sog_mean"),
            (pl.col("__ok") & pl.col("__ok").shift(-1)).alias("__both_ok"),
            (
                pl.col("__ok") & (pl.col("sog_kn") <= 1) & pl.col("__ok").shift(-1) & (pl.col("sog_kn").shift(-1) <= 1)
            ).alias("__stationary"),
            ((pl.col("lon") + pl.col("lon").shift(-1)) / 2).alias("lon_mid"),
            ((pl.col("lat") + pl.col("lat").shift(-1)) / 2).alias("lat_mid"),
            same_next.fill_null(False).alias("__has_next"),
        )
        .filter(pl.col("__has_next"))
    )
    implied = pl.col("distance_nm") / pl.col("dt_h")
    is_gap = pl.col("dt_h") > opts.gap_min_h
    stationary = pl.col("__stationary") & (pl.col("distance_nm") <= 0.5)
    excluded = (
        (pl.col("dt_h") > opts.gap_limit_h) & ~(stationary & (pl.col("dt_h") <= opts.stationary_gap_limit_h))
    ) | (implied > opts.max_implied_speed_kn)
    iv = iv.with_columns(
        pl.when(excluded)
        .then(EXCLUDED)
        .when(is_gap)
        .then(INTERPOLATED)
        .otherwise(NORMAL)
        .cast(pl.Int8)
        .alias("status"),
        pl.when(pl.col("__both_ok") & ~is_gap)
        .then(pl.col("__sog_mean"))
        .otherwise(implied)
        .clip(0, 1.5 * pl.col("vref_kn"))
        .fill_nan(0.0)
        .alias("speed_kn"),
        pl.when(pl.col("draught_m") > 0)
        .then(pl.col("draught_m").clip(upper_bound=pl.col("design_draught_m")))
        .otherwise(pl.col("design_draught_m"))
        .alias("draught_used_m"),
        (pl.col("draught_m").is_null() | (pl.col("draught_m") <= 0)).alias("draught_missing"),
    )
    iv = iv.select(
        "mmsi",
        pl.col("ts").alias("t0"),
        "dt_h",
        "status",
        "speed_kn",
        "distance_nm",
        "lon_mid",
        "lat_mid",
        "zone_index",
        "in_port",
        "cap_pct",
        "draught_used_m",
        "draught_missing",
    )
    # ship parameters are gathered per interval by row index (cheaper than joining ~75 columns)
    iv = iv.join(params.select("mmsi").with_row_index("__pi"), on="mmsi", how="left", maintain_order="left")
    return _energy_and_emissions(iv, params, zones, sessions, opts), counts


def _shore_overlap(iv: pl.DataFrame, sessions: pl.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """Connected hours and metered kWh share per interval (one session per interval: the latest that
    connected before the interval's end)."""
    n = iv.height
    if sessions is None or sessions.height == 0 or n == 0:
        return np.zeros(n), np.zeros(n)
    s = sessions.filter(pl.col("mmsi").is_in(iv["mmsi"].unique().implode())).sort("mmsi", "connect_time")
    if s.height == 0:
        return np.zeros(n), np.zeros(n)
    left = (
        iv.select(
            "mmsi", "t0", (pl.col("t0") + pl.duration(microseconds=(pl.col("dt_h") * 3.6e9).cast(pl.Int64))).alias("t1")
        )
        .with_row_index("__i")
        .sort("mmsi", "t1")
    )
    j = left.join_asof(
        s.select("mmsi", "connect_time", "disconnect_time", "kwh"),
        left_on="t1",
        right_on="connect_time",
        by="mmsi",
        strategy="backward",
        check_sortedness=False,
    )
    start = pl.max_horizontal("t0", "connect_time")
    end = pl.min_horizontal("t1", "disconnect_time")
    j = j.with_columns(
        pl.when(pl.col("connect_time").is_null())
        .then(0.0)
        .otherwise(((end - start).dt.total_microseconds() / 3.6e9).clip(lower_bound=0))
        .alias("conn_h"),
        ((pl.col("disconnect_time") - pl.col("connect_time")).dt.total_microseconds() / 3.6e9).alias("sess_h"),
    ).sort("__i")
    conn = j["conn_h"].to_numpy()
    share = (j["kwh"].fill_null(0.0) * j["conn_h"] / j["sess_h"]).fill_null(0.0).fill_nan(0.0).to_numpy()
    return conn, share


def _energy_and_emissions(
    iv: pl.DataFrame, params: pl.DataFrame, zones: Zones, sessions: pl.DataFrame | None, opts: InventoryOptions
) -> pl.DataFrame:
    pi = iv["__pi"].to_numpy().astype(np.int64)
    gathered: dict[str, np.ndarray] = {}

    def a(col: str) -> np.ndarray:
        if col in iv.columns:
            return iv[col].to_numpy()
        if col not in gathered:
            gathered[col] = params[col].to_numpy()[pi]
        return gathered[col]

    n = iv.height
    status = a("status")
    dt = np.where(status == EXCLUDED, 0.0, a("dt_h"))
    v = a("speed_kn")
    mcr = a("mcr_kw")
    zi = a("zone_index")
    kinds = np.array([z.kind for z in zones.zones] + ["none"])
    zk = kinds[zi] if n else np.array([], dtype=str)
    in_berth, in_anch = zk == "berth", zk == "anchorage"
    near_port = a("in_port")
    if opts.method == "epa":
        w_me = pw.main_engine_power_kw(
            v, a("draught_used_m"), mcr, a("vref_kn") * EPA_VMAX_PER_VREF, a("design_draught_m"), draught_exponent=2 / 3
        )
        load = pw.engine_load(w_me, mcr)
        mode = modes.classify_epa(v, load, in_berth, in_anch)
        stopped = mode <= 1
        load = np.where(stopped, 0.0, np.maximum(load, EPA_LOAD_FLOOR))
    else:
        w_me = pw.main_engine_power_kw(
            v, a("draught_used_m"), mcr, a("vref_kn"), a("design_draught_m"), a("eta_w"), a("eta_f"), a("f_ref")
        )
        load = pw.engine_load(w_me, mcr)
        mode = modes.classify_imo4(v, load, in_berth, in_anch, near_port)
    w_me = load * mcr
    col = np.minimum(mode, 3)  # berth, anch, man, sea (slow cruise and cruise share the sea column)
    ae_kw = np.choose(col, [a("ae_berth_kw"), a("ae_anch_kw"), a("ae_man_kw"), a("ae_sea_kw")]) if n else np.zeros(0)
    ab_kw = np.choose(col, [a("ab_berth_kw"), a("ab_anch_kw"), a("ab_man_kw"), a("ab_sea_kw")]) if n else np.zeros(0)
    conn_h, kwh_metered = _shore_overlap(iv, sessions)
    conn_h = np.minimum(conn_h, dt)
    frac = np.divide(conn_h, dt, out=np.zeros(n), where=dt > 0)
    ab_frac = frac * a("ab_on_shore")
    cap = a("cap_pct")
    switch = emission_factors.eca_switches_to_distillate(a("fuel"), cap)

    any_switch = bool(switch.any())
    cache: dict[str, np.ndarray] = {}

    def f(name: str) -> np.ndarray:
        if name not in cache:
            cache[name] = np.where(switch, a(f"{name}_sw"), a(name)) if any_switch else a(name)
        return cache[name]

    e_me = w_me * dt
    e_ae_full = ae_kw * dt
    e_ab_full = ab_kw * dt
    sfoc_me = sfoc.main_engine_sfoc_g_per_kwh(f("sfoc_me"), load, a("is_turbine"))
    fuel_me_g = e_me * sfoc_me
    pilot_g = e_me * a("sfoc_pilot")
    fuel_ae_full = e_ae_full * f("sfoc_ae")
    fuel_ab_full = e_ab_full * f("sfoc_ab")
    k_ae, k_ab = 1.0 - frac, 1.0 - ab_frac
    llaf_on = a("llaf_applies")
    lf: dict[str, np.ndarray] = {}
    for key, coef in (("nox", "nox"), ("hc", "hc"), ("co", "co"), ("pm", "pm")):
        aa, x, b = low_load.COEFFICIENTS[coef]
        lf[key] = np.where(llaf_on, low_load.llaf(load, aa, x, b), 1.0)
    s_main = emission_factors.effective_sulphur_pct(f("s_pct"), cap)
    s_pilot = emission_factors.effective_sulphur_pct(a("s_pilot_pct"), cap)
    sulphate = 7.0 * 0.02247 / 100.0  # g PM per g fuel per % S
    cf = f("cf")
    pm_base = f("pm_base")
    ds = s_main - 100.0 * f("pm_sref")  # S − S_ref [%]

    def group_emissions(k_ae_: np.ndarray, k_ab_: np.ndarray, me: bool) -> dict[str, np.ndarray]:
        m = 1.0 if me else 0.0
        fuel_main = m * fuel_me_g + k_ae_ * fuel_ae_full + k_ab_ * fuel_ab_full
        pilot = m * pilot_g
        out = {
            "fuel": fuel_main + pilot,
            "co2": fuel_main * cf + pilot * a("cf_pilot"),
            "sox": emission_factors.sox_g(fuel_main, s_main) + emission_factors.sox_g(pilot, s_pilot),
            "pm10": (
                m * lf["pm"] * np.maximum(0.0, e_me * pm_base + fuel_me_g * sulphate * ds)
                + k_ae_ * np.maximum(0.0, e_ae_full * pm_base + fuel_ae_full * sulphate * ds)
                + k_ab_ * np.maximum(0.0, e_ab_full * pm_base + fuel_ab_full * sulphate * ds)
                + pilot * sulphate * s_pilot
            ),
        }
        for gas, lkey in (("nox", "nox"), ("ch4", "hc"), ("n2o", "nox"), ("co", "co"), ("hc", "hc")):
            src = f if gas in ("nox", "ch4", "n2o") else a
            out[gas] = (
                m * e_me * src(f"{gas}_me") * lf[lkey]
                + k_ae_ * e_ae_full * src(f"{gas}_ae")
                + k_ab_ * e_ab_full * src(f"{gas}_ab")
            )
        out["pm25"] = out["pm10"] * f("pm25_ratio")
        return out

    actual = group_emissions(k_ae, k_ab, me=True)
    if conn_h.any():
        avoided = group_emissions(frac, ab_frac, me=False)
    else:
        zero = np.zeros(n)
        avoided = {p: zero for p in ("fuel", "co2", "nox", "sox", "pm10")}
    g_to_t = 1e-6
    dq = a("draught_missing")
    out = iv.select("mmsi", "t0", "dt_h", "status", "speed_kn", "distance_nm", "lon_mid", "lat_mid", "zone_index")
    cols = {
        "mode_code": mode.astype(np.int8),
        "load": load,
        "hours": dt,
        "me_kwh": e_me,
        "ae_kwh": e_ae_full * k_ae,
        "ab_kwh": e_ab_full * k_ab,
        **{f"{p}_t": actual[p] * g_to_t for p in ("fuel", *POLLUTANTS)},
        "connected_h": conn_h,
        "shore_kwh_metered": kwh_metered,
        "shore_kwh_modelled": e_ae_full * frac + e_ab_full * ab_frac,
        **{f"avoided_{p}_t": avoided[p] * g_to_t for p in ("fuel", "co2", "nox", "sox", "pm10")},
        "interpolated_h": np.where(status == INTERPOLATED, a("dt_h"), 0.0),
        "excluded_h": np.where(status == EXCLUDED, a("dt_h"), 0.0),
        "draught_missing": dq,
    }
    return out.with_columns(pl.Series(k, v) for k, v in cols.items())


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


def aggregate(
    iv: pl.DataFrame, zones: Zones, params: pl.DataFrame, opts: InventoryOptions, counts: dict[str, int]
) -> PartitionAggregates:
    """Per ship × day × mode, per port call, per zone, per grid cell, and per-ship data quality."""
    zt = pl.DataFrame(
        zones.table(),
        schema={"zone_index": pl.Int32, "zone_id": pl.String, "zone_kind": pl.String, "has_shore_power": pl.Boolean},
    )
    sdm = iv.group_by("mmsi", pl.col("t0").dt.date().alias("day"), "mode_code").agg(_sums())
    sdm = sdm.with_columns(
        pl.col("mode_code").replace_strict(list(range(5)), list(MODES), return_dtype=pl.String).alias("mode")
    ).drop("mode_code")
    zagg = (
        iv.group_by("zone_index")
        .agg(_sums())
        .join(zt, on="zone_index", how="left")
        .with_columns(pl.col("zone_id").fill_null("outside"), pl.col("zone_kind").fill_null("none"))
        .drop("zone_index", "has_shore_power")
    )
    # port calls: runs of berth-mode intervals at the same berth
    b = (
        iv.with_columns(
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
            (pl.col("t0") + pl.duration(microseconds=(pl.col("dt_h") * 3.6e9).cast(pl.Int64))).max().alias("departure"),
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
    grid = _grid(iv, opts.grid)
    quality = iv.group_by("mmsi").agg(
        pl.len().alias("intervals"),
        pl.col("interpolated_h").sum(),
        pl.col("excluded_h").sum(),
        pl.col("draught_missing").any().alias("draught_missing"),
    )
    return PartitionAggregates(sdm, calls, zagg, grid, quality, counts)


def _grid(iv: pl.DataFrame, spec: str) -> pl.DataFrame:
    kind, _, arg = spec.partition(":")
    pol = [c for c in SUM_COLS if c.endswith("_t") and not c.startswith("avoided")]
    if kind == "h3":
        fine = 0.002
        g = iv.group_by(
            (pl.col("lat_mid") / fine).floor().cast(pl.Int64).alias("__y"),
            (pl.col("lon_mid") / fine).floor().cast(pl.Int64).alias("__x"),
        ).agg(pl.col(pol).sum(), pl.col("hours").sum())
        import h3

        res = int(arg or 7)
        cells = [
            h3.latlng_to_cell((y + 0.5) * fine, (x + 0.5) * fine, res) for y, x in zip(g["__y"], g["__x"], strict=True)
        ]
        return g.with_columns(pl.Series("cell", cells)).group_by("cell").agg(pl.col(pol).sum(), pl.col("hours").sum())
    size = float(arg or 0.01)
    g = iv.group_by(
        (pl.col("lat_mid") / size).floor().cast(pl.Int64).alias("__y"),
        (pl.col("lon_mid") / size).floor().cast(pl.Int64).alias("__x"),
    ).agg(pl.col(pol).sum(), pl.col("hours").sum())
    return g.with_columns(
        ((pl.col("__y") + 0.5) * size).alias("lat"),
        ((pl.col("__x") + 0.5) * size).alias("lon"),
        pl.concat_str([pl.col("__y"), pl.col("__x")], separator="_").alias("cell"),
    ).drop("__y", "__x")


def run_partition(
    ais: pl.DataFrame, params: pl.DataFrame, zones: Zones, sessions: pl.DataFrame | None, opts: InventoryOptions
) -> tuple[PartitionAggregates, pl.DataFrame]:
    """The cluster-shaped entry point: one partition of whole ships in, aggregates (and intervals) out."""
    iv, counts = compute_intervals(ais, params, zones, sessions, opts)
    return aggregate(iv, zones, params, opts, counts), iv
