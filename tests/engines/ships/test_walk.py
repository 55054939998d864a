"""The compiled interval walk (engines/ships/walk.py) against the NumPy reference (compute_intervals + sum_runs, and
the intervals' emissions summed by grid cell): the same runs and cells, keys exactly and values to rounding, on
constructed tracks crossing midnight, with gaps (interpolated, excluded, stationary), spikes, missing and implausible
SOG, missing draught, zones of every kind, shore-power sessions, a single-fix ship, both methods; and the inventory's
tables through both paths."""

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from ship_fixtures import BULK, T0, registry, track, zones
from transcarbon.engines.ships import InventoryOptions, run_ais_inventory
from transcarbon.engines.ships.aggregation import aggregate, rows_frame
from transcarbon.engines.ships.driver import ship_arrays_of
from transcarbon.engines.ships.emissions import GRID_COLUMNS, apply_factors, grid_coefficients
from transcarbon.engines.ships.fixes import clean_fixes
from transcarbon.engines.ships.intervals import compute_intervals, sum_runs
from transcarbon.engines.ships.ship_factors import zone_caps
from transcarbon.engines.ships.shore_power_sessions import validate_shore_power
from transcarbon.engines.ships.tables import load_tables
from transcarbon.engines.ships.walk import ACTIVITIES, KEYS, compile_seconds, walk_runs

FLEET = (
    {**BULK, "mmsi": "1"},
    {**BULK, "mmsi": "2", "fuel": "LNG", "engine_type": "LNG-Diesel"},  # dual fuel: pilot fuel
    {
        **BULK,
        "mmsi": "3",
        "fuel": "MGO",
        "engine_type": "Steam Turbine",
        "ship_type": "container",
        "dwt": "80000",
        "mcr_kw": "30000",
        "vref_kn": "20",
    },
    {**BULK, "mmsi": "4", "fuel": "Methanol", "engine_rpm": "600", "mcr_kw": "3000", "design_draught_m": "7"},
    {**BULK, "mmsi": "5", "engine_rpm": "1000"},
)
"""Five ships that differ in fuel, engine and size, so that every ship has its own factors."""
ECA_WEST = 119.5
"""The tracks wander across the ECA's west edge: intervals outside (cap class 0) and inside (1)."""


def wandering(mmsi: int, n: int, seed: int) -> pl.DataFrame:
    """``n`` fixes from 20:00 UTC (so across midnight) at steps of 1 min to 4 h, wandering over the port's zones,
    with missing / implausible SOG, missing draught and a position spike."""
    rng = np.random.default_rng(seed)
    step_h = rng.choice([1 / 60, 0.05, 0.2, 0.3, 1.0, 3.0, 4.0], size=n, p=[0.2, 0.3, 0.25, 0.1, 0.08, 0.05, 0.02])
    hours = 20 + np.cumsum(step_h)
    lon = np.clip(119.40 + np.cumsum(rng.normal(0, 0.004, n)), 119.3, 119.7)
    lat = np.clip(34.74 + np.cumsum(rng.normal(0, 0.003, n)), 34.65, 34.9)
    sog = rng.choice([0.0, 0.5, 2.0, 4.0, 7.0, 12.0, 16.0, 25.0, np.nan, 150.0], size=n)
    lon[n // 2] += 1.0  # a spike: far from both neighbours
    frame = track(mmsi, list(hours), lon, lat, sog)
    draught = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(6, 14, n))
    return frame.with_columns(pl.Series("draught_m", draught).fill_nan(None))


def ais() -> pl.DataFrame:
    parts = [wandering(m, 300, seed=m) for m in (1, 2, 3, 4)]
    parts.append(track(5, [0.0], 119.402, 34.739, 0.0))  # a single fix: no interval
    parts.append(track(3, [20 + 2 / 60], 119.402, 34.739, 0.0))  # a duplicate-free extra fix, out of order
    return pl.concat(parts)


def sessions() -> pl.DataFrame:
    connect = (T0 + timedelta(hours=21)).isoformat().replace("+00:00", "Z")
    disconnect = (T0 + timedelta(hours=40)).isoformat().replace("+00:00", "Z")
    return validate_shore_power(
        pl.DataFrame(
            {
                "mmsi": ["1", "2"],
                "berth_id": ["SP1", "SP1"],
                "connect_time": [connect, connect],
                "disconnect_time": [disconnect, disconnect],
                "kwh": ["800", None],
            }
        )
    )


def both(opts: InventoryOptions, with_sessions: bool):
    zs = zones(eca_pct=0.1, eca_west=ECA_WEST)
    reg = registry(*FLEET)
    fx, _ = clean_fixes(ais(), opts)
    ships, _ = ship_arrays_of(pl.Series("mmsi", [1, 2, 3, 4, 5]), reg, zs, load_tables(), opts)
    caps = zone_caps(zs)
    sess = sessions() if with_sessions else None
    iv = compute_intervals(fx, ships, zs, caps, sess, opts)
    per_interval = apply_factors({"si": iv.si, "cap": iv.cap, "mode": iv.mode}, iv.act, ships, caps)
    cells = (
        pl.DataFrame({"gy": iv.gy, "gx": iv.gx, **{c: per_interval[c] for c in GRID_COLUMNS}})
        .group_by("gy", "gx")
        .agg(pl.col(GRID_COLUMNS).sum())
    )
    return (*sum_runs(iv), cells), walk_runs(fx, ships, zs, caps, sess, opts)


@pytest.mark.parametrize(
    ("method", "grid", "with_sessions"),
    [("imo4", "deg:0.01", True), ("epa", "deg:0.01", True), ("imo4", "deg:0.002", False)],
)
def test_walk_equals_the_numpy_reference(method, grid, with_sessions):
    (k1, a1, c1), (k2, a2, c2) = both(InventoryOptions(method=method, grid=grid), with_sessions)
    assert len(k1["si"]) > 100  # runs from many intervals
    assert set(np.unique(k1["cap"])) == {0, 1} and len(np.unique(k1["si"])) == 4  # both sides of the ECA, 4 ships
    assert set(k2) == set(KEYS) and set(a2) == set(ACTIVITIES)
    for name in KEYS:
        assert k2[name].dtype == k1[name].dtype, name
        np.testing.assert_array_equal(k2[name], k1[name], err_msg=name)
    for name in ACTIVITIES:
        np.testing.assert_allclose(a2[name], a1[name], rtol=1e-12, atol=1e-12, err_msg=name)
    # the grid cells: the same cells, each with the sums of its intervals' emissions and hours
    walked = pl.DataFrame(c2).sort("gy", "gx")
    reference = c1.sort("gy", "gx")
    assert reference.height > 100 and walked.select("gy", "gx").equals(reference.select("gy", "gx"))
    for name in GRID_COLUMNS:
        np.testing.assert_allclose(walked[name], reference[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert reference["co2_t"].sum() > 0
    # the cases are there: interpolated and excluded gaps, low load, shore hours, runs over midnight's both days
    assert a2["interpolated_h"].sum() > 0 and a2["excluded_h"].sum() > 0
    assert (a2["me_nox"] > a2["me_kwh"]).any()  # LLAF raised NOx at low load
    assert len(np.unique(k2["day"])) >= 2
    if with_sessions:
        assert a2["connected_h"].sum() > 0 and a2["shore_kwh_metered"].sum() > 0


def test_walk_on_no_intervals():
    opts = InventoryOptions()
    zs = zones()
    fx, _ = clean_fixes(track(1, [0.0], 119.4, 34.7, 3.0), opts)
    ships, _ = ship_arrays_of(pl.Series("mmsi", [1]), registry(BULK), zs, load_tables(), opts)
    keys, act, cells = walk_runs(fx, ships, zs, zone_caps(zs), None, opts)
    assert all(len(v) == 0 for v in (*keys.values(), *act.values(), *cells.values()))


def test_inventory_tables_equal_through_both_paths():
    """The compiled path (no per-interval output) and the reference path (per-interval output kept) give the same
    tables to 1e-9."""
    reg, zs = registry(*FLEET), zones(0.1, ECA_WEST)
    compiled = run_ais_inventory(ais(), reg, zs, sessions(), InventoryOptions())
    reference = run_ais_inventory(ais(), reg, zs, sessions(), InventoryOptions(keep_intervals=True))
    assert reference.intervals is not None and compiled.intervals is None
    for name in ("ship_day_mode", "calls", "zones", "grid"):
        a, b = getattr(compiled, name), getattr(reference, name)
        keys = [c for c in a.columns if a[c].dtype not in (pl.Float64,)]
        a, b = a.sort(keys), b.sort(keys)
        assert a.select(keys).equals(b.select(keys)), name
        for c in a.columns:
            if a[c].dtype == pl.Float64:
                np.testing.assert_allclose(a[c].to_numpy(), b[c].to_numpy(), rtol=1e-9, atol=1e-12, err_msg=c)
    assert compiled.summary["total"] == pytest.approx(reference.summary["total"], rel=1e-9)


def test_compile_seconds_is_measured():
    assert compile_seconds() >= 0.0


def test_walk_cubes_the_speed_ratio_as_the_propeller_law_says():
    """The walk multiplies V/V_ref three times instead of calling pow: valid while the exponent is 3."""
    from transcarbon.methods.ships.power import SPEED_EXPONENT

    assert SPEED_EXPONENT == 3.0


def test_grid_coefficients_reproduce_apply_factors():
    """The grid columns are linear in the activities (no constant term): coefficients @ activities equal
    apply_factors on random activities of every (ship, cap class, mode), shore hours included; and the coefficients
    are each ship's, cap class's and mode's own."""
    zs = zones(eca_pct=0.1)
    ships, _ = ship_arrays_of(
        pl.Series("mmsi", [1, 2, 3, 4, 5]), registry(*FLEET), zs, load_tables(), InventoryOptions()
    )
    caps = zone_caps(zs)
    n_caps = caps.caps.shape[0]
    assert n_caps == 2
    combos = np.arange(5 * n_caps * 5)  # every ship × cap class × mode
    coef = grid_coefficients(ships, caps, combos, ACTIVITIES)
    assert coef.shape == (combos.shape[0], len(GRID_COLUMNS), len(ACTIVITIES))
    rng = np.random.default_rng(3)
    act = {name: rng.uniform(0, 100, combos.shape[0]) for name in ACTIVITIES}
    act["connected_h"] = np.minimum(act["connected_h"], act["hours"])
    keys = {"si": combos // (n_caps * 5), "cap": combos // 5 % n_caps, "mode": combos % 5}
    direct = apply_factors(keys, act, ships, caps)
    via = np.einsum("cga,ac->gc", coef, np.stack([act[name] for name in ACTIVITIES]))
    for g, name in enumerate(GRID_COLUMNS):
        np.testing.assert_allclose(via[g], direct[name], rtol=1e-12, err_msg=name)
    c = coef.reshape(5, n_caps, 5, len(GRID_COLUMNS), len(ACTIVITIES))  # ship, cap class, mode, column, activity
    co2, me_rel, hours = GRID_COLUMNS.index("co2_t"), ACTIVITIES.index("me_rel"), ACTIVITIES.index("hours")
    assert len(np.unique(c[:4, 0, 4, co2, me_rel])) == 4  # four fuels: four CO2 per g·kWh of the main engine
    assert c[0, 1, 4, co2, me_rel] != c[0, 0, 4, co2, me_rel]  # residual fuel switches to distillate in the ECA
    assert len(np.unique(c[0, 0, :, co2, hours])) >= 3  # the auxiliaries' power differs by mode
    assert (c[:, :, :, GRID_COLUMNS.index("hours"), hours] == 1).all()


def test_runs_without_cells_are_refused_by_the_aggregation():
    """The compiled walk's runs carry no grid cell: aggregating them without the walk's cells is an error, not a map
    without cells."""
    (_, _, _), (keys, act, _) = both(InventoryOptions(), with_sessions=False)
    zs = zones(eca_pct=0.1, eca_west=ECA_WEST)
    ships, _ = ship_arrays_of(
        pl.Series("mmsi", [1, 2, 3, 4, 5]), registry(*FLEET), zs, load_tables(), InventoryOptions()
    )
    rows = rows_frame(keys, apply_factors(keys, act, ships, zone_caps(zs)))
    with pytest.raises(ValueError, match="pass cells"):
        aggregate(rows, zs, ships.frame, InventoryOptions(), {})
