"""Shore-power supervision (岸电使用监管): which berth stays of ships able to take shore power went without it.

A stay is a ship's time at one berth (from AIS and the berth zones: a port call's berth-mode intervals). It is
a **warning** when all hold [1]_:

- the ship has shore-power receiving equipment (the ship register's ``shore_power_capable``);
- the berth supplies shore power (the zones' ``has_shore_power``);
- the stay lasted longer than the configured time ``threshold_h`` [h] (city configuration, 2 h by default);
- no session covers it: neither the run's shore-power file (``connected_h``) nor a recorded session of the same
  ship (at the same berth, or with no berth given) whose connect–disconnect span overlaps the stay;
- no record of the same ship and berth declares, for a berthing within the stay, why it did not connect.

Everything is vectorised: sessions and reasons are joined to the stays by MMSI and the overlap hours summed
per stay (:func:`~transcarbon.methods.ships.shore_power.overlap_h`), then the rule
(:func:`~transcarbon.methods.ships.shore_power.stayed_without_connecting`) runs on whole arrays.

References
----------
.. [1] Ministry of Transport of the PRC (2019). 港口和船舶岸电管理办法 (rules on port and ship shore power):
   ships with receiving equipment berthing at a berth with shore power beyond the set time shall use it, and the
   parties record its use (to check against the current text).
"""

from __future__ import annotations

import polars as pl

from transcarbon.methods.ships.shore_power import stayed_without_connecting

STAY_COLUMNS = (
    "stay_id",
    "mmsi",
    "berth_id",
    "arrival",
    "departure",
    "berth_h",
    "shore_power_capable",
    "berth_has_shore_power",
    "connected_h",
)
SESSION_COLUMNS = ("mmsi", "berth_id", "connect_time", "disconnect_time")
REASON_COLUMNS = ("mmsi", "berth_id", "berth_arrival")
_H = 3_600_000_000.0  # microseconds per hour


def _empty(columns: tuple[str, ...], like: pl.DataFrame) -> pl.DataFrame:
    schema = {"mmsi": pl.Int64, "berth_id": pl.String}
    return pl.DataFrame(
        schema={c: schema.get(c, like.schema.get("arrival", pl.Datetime("us", "UTC"))) for c in columns}
    )


def supervise_berth_stays(
    stays: pl.DataFrame,
    sessions: pl.DataFrame | None,
    reasons: pl.DataFrame | None,
    threshold_h: float,
) -> pl.DataFrame:
    """Each stay with ``recorded_h`` (hours covered by recorded sessions), ``explained`` (a declared reason for not
    connecting) and ``warning`` (see the module docstring).

    ``stays``: :data:`STAY_COLUMNS` (times as UTC datetimes, ``berth_h`` and ``connected_h`` [h]);
    ``sessions``: :data:`SESSION_COLUMNS` (``berth_id`` null: any berth); ``reasons``: :data:`REASON_COLUMNS`.
    """
    if threshold_h <= 0 or threshold_h != threshold_h:
        raise ValueError(f"threshold_h must be a positive number of hours, not {threshold_h}")
    sessions = sessions if sessions is not None else _empty(SESSION_COLUMNS, stays)
    reasons = reasons if reasons is not None else _empty(REASON_COLUMNS, stays)
    keys = stays.select("stay_id", "mmsi", "berth_id", "arrival", "departure")
    start = pl.max_horizontal("arrival", "connect_time")
    end = pl.min_horizontal("departure", "disconnect_time")
    covered = (
        keys.join(sessions.select(SESSION_COLUMNS), on="mmsi", how="inner", suffix="_s")
        .filter(pl.col("berth_id_s").is_null() | (pl.col("berth_id_s") == pl.col("berth_id")))
        .group_by("stay_id")
        .agg(((end - start).dt.total_microseconds().clip(lower_bound=0) / _H).sum().alias("recorded_h"))
    )
    explained = (
        keys.join(reasons.select(REASON_COLUMNS), on=["mmsi", "berth_id"], how="inner")
        .filter(pl.col("berth_arrival").is_between(pl.col("arrival") - pl.duration(hours=1), pl.col("departure")))
        .select("stay_id")
        .unique()
        .with_columns(pl.lit(True).alias("explained"))
    )
    out = (
        stays.join(covered, on="stay_id", how="left")
        .join(explained, on="stay_id", how="left")
        .with_columns(pl.col("recorded_h").fill_null(0.0), pl.col("explained").fill_null(False))
    )
    flag = stayed_without_connecting(
        out["shore_power_capable"].fill_null(False).to_numpy(),
        out["berth_has_shore_power"].fill_null(False).to_numpy(),
        out["berth_h"].to_numpy(),
        (out["connected_h"].fill_null(0.0) + out["recorded_h"]).to_numpy(),
        threshold_h,
    )
    return out.with_columns((pl.Series("warning", flag, dtype=pl.Boolean) & ~pl.col("explained")).alias("warning"))
