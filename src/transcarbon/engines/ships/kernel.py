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
3. consecutive intervals with the same (ship, day, mode, cap class, zone) are summed into *runs* (a
   ship's hours in one mode and zone of a day become one row); the factors are applied per run and the
   runs are aggregated per ship × day × mode, port call and zone. The map grid sums each interval's
   emissions by its fine cell (the compiled walk: per piece of consecutive intervals in one cell, with the
   linear coefficients of its ship, cap class and mode). When per-interval output is asked for, each
   interval is its own run and the grid is summed from them.

The steps, one module each: cleaning the fixes (:mod:`.fixes`), intervals and runs (:mod:`.intervals`, the
NumPy reference, which also gives the per-interval output; :mod:`.walk`, the same compiled with the grid cells, used
when no per-interval output is asked for),
the per (ship, cap class) factors (:mod:`.ship_factors`), applying them (:mod:`.emissions`), and the
aggregates (:mod:`.aggregation`); :func:`run_partition` chains them.
"""

from __future__ import annotations

import polars as pl

from transcarbon.engines.ships.aggregation import (
    PartitionAggregates,
    aggregate,
    cells_frame,
    intervals_frame,
    rows_frame,
)
from transcarbon.engines.ships.emissions import apply_factors
from transcarbon.engines.ships.fixes import clean_fixes
from transcarbon.engines.ships.intervals import compute_intervals, sum_runs
from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.engines.ships.ship_factors import ShipArrays, zone_caps
from transcarbon.engines.ships.walk import walk_runs
from transcarbon.engines.ships.zones import Zones


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
    if not opts.wants_intervals:  # the compiled walk: runs and grid cells straight from the fixes
        keys, act, cells = walk_runs(fx, ships, zones, caps, sessions, opts)
        rows = rows_frame(keys, apply_factors(keys, act, ships, caps))
        return aggregate(rows, zones, params, opts, counts, cells_frame(cells)), pl.DataFrame()
    iv = compute_intervals(fx, ships, zones, caps, sessions, opts)
    keys, act = sum_runs(iv)
    rows = rows_frame(keys, apply_factors(keys, act, ships, caps))
    return aggregate(rows, zones, params, opts, counts), intervals_frame(iv, rows)
