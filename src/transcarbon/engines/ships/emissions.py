"""Applying the factors: energy, fuel, emissions and shore-power columns of runs (or intervals) from
their activities (:mod:`.intervals`) and the (ship, sulphur-cap class, mode) factors (:mod:`.ship_factors`).

Per run, with c ∈ {ME, AE, AB} (main engine, auxiliary engines, auxiliary boilers), powers W in kW,
SFOC in g/kWh and h_c the hours connected to shore power:

- on board, W_AE (and W_AB when boilers also go on shore power) run for Δt − h_c only; the displaced
  energy W·h_c is the shore-supplied energy (the modelled kWh) and its fuel's emissions the gross avoided
  emissions; the kWh the grid term counts are the metered kWh where the session was metered and the modelled
  kWh for the hours of sessions without a meter reading (``shore_kwh_modelled_used``), never zero;
- fuel_c = W_c Δt SFOC_c (ME: SFOC_base · E·SFOC_rel(L)), plus the pilot fuel of dual-fuel engines;
- CO2 = Σ fuel_c Cf_c; SOx = Σ fuel_c · 2 · 0.97753 · S (:func:`methods.ships.emission_factors.sox_g`);
- X = Σ W_c Δt EF_{X,c} · LLAF_X(L) for NOx, CH4, N2O, CO and HC (LLAF on the ME only, 0 < L < 0.2;
  CH4 takes the HC adjustment, N2O the NOx one);
- PM10 = ME term (:mod:`.intervals`) + Σ_{AE, AB} W Δt · max(0, B + SFOC · 7 · 0.02247 · (S − S_ref))
  (IMO4 eq. 16–17), PM2.5 = PM10 × the fuel's PM2.5 ratio.

Outputs are in kWh and t (g × 10⁻⁶).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from transcarbon.engines.ships.ship_factors import SULPHATE_G_PER_G_PCT, CapClasses, ShipArrays, factors_per_cap
from transcarbon.methods.ships import MODES, POLLUTANTS, emission_factors

GRID_COLUMNS = ("fuel_t", *(f"{p}_t" for p in POLLUTANTS), "hours")
"""The columns of the map grid: fuel and emissions [t] and hours [h]."""


def apply_factors(
    keys: dict[str, NDArray[np.generic]], act: dict[str, NDArray[np.float64]], ships: ShipArrays, caps: CapClasses
) -> dict[str, NDArray[np.float64]]:
    """Energy, fuel, emissions and shore-power columns [kWh, t] of runs (or intervals) from their
    activities and the (ship, cap class, mode) factors."""
    c = factors_per_cap(ships, caps)
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
    modelled = ae_shore + ab_shore
    unmetered = np.where(conn > 0, (conn - act["metered_h"]) / np.where(conn > 0, conn, 1.0), 0.0)
    modelled_used = modelled * unmetered
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
        "shore_kwh": act["shore_kwh_metered"] + modelled_used,
        "shore_kwh_metered": act["shore_kwh_metered"],
        "shore_kwh_modelled": modelled,
        "shore_kwh_modelled_used": modelled_used,
        **{f"avoided_{p}_t": avoided_g[p] * g_to_t for p in ("fuel", "co2", "nox", "sox", "pm10")},
        "interpolated_h": act["interpolated_h"],
        "excluded_h": act["excluded_h"],
    }


def grid_coefficients(
    ships: ShipArrays, caps: CapClasses, combos: NDArray[np.intp], activities: tuple[str, ...]
) -> NDArray[np.float64]:
    """∂(column)/∂(activity) of the ``GRID_COLUMNS`` per (ship, cap class, mode) combination of ``combos``
    (``(ship index · n_caps + cap class) · len(MODES) + mode``), shape (combinations, columns, activities): each grid
    column of :func:`apply_factors` is linear in the activities, with no constant term, so its coefficient for an
    activity is its value for that activity = 1 and the others 0."""
    n_caps, n_modes, n_act = factors_per_cap(ships, caps).n_caps, len(MODES), len(activities)
    each = np.repeat(combos, n_act)  # a row per (combination, activity)
    keys: dict[str, NDArray[np.generic]] = {
        "si": each // (n_caps * n_modes),
        "cap": each // n_modes % n_caps,
        "mode": each % n_modes,
    }
    unit = np.tile(np.arange(n_act), combos.shape[0])
    act = {name: (unit == a).astype(np.float64) for a, name in enumerate(activities)}
    out = apply_factors(keys, act, ships, caps)
    return np.stack([out[c].reshape(-1, n_act) for c in GRID_COLUMNS], axis=1)
