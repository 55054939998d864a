"""The road block of a scenario: vintaged stock by class × powertrain, vehicle-kilometres by age, energy by carrier
with energy economy improving by model year, and pollutants by model year — vectorised over a leading draws axis.

Equations (the stock model of :mod:`transcarbon.methods.fleet`, the ICCT Roadmap / LEAP form) [1]_ [2]_::

    Sales(c, p, MY)    = Sales(c, MY) · share(c, p, MY)                       vehicles sold [veh]
    Stock(c, p, CY)    = Σ_MY Sales(c, p, MY) · S_c(CY − MY)                   [veh], S_c(0) = 1
    km_c(t)            = km0_c · (1 − δ_c)^t                                   km per vehicle at age t [km/yr]
    VKM(c, p, CY)      = X_c(CY) · Σ_MY Sales(c, p, MY) · S_c(t) · km_c(t)     t = CY − MY [veh·km]
    e(c, p, k, MY)     = e_ref(c, p, k) · (1 − g_cp)^max(MY − MY_ref, 0)      energy economy [MJ/km]
    E(c, k, CY)        = X_c(CY) · Σ_p Σ_MY Sales(c, p, MY) · S_c(t) · km_c(t) · e(c, p, k, MY) / 1000   [GJ]
    Pol(c, q, CY)      = X_c(CY) · Σ_p Σ_MY Sales(c, p, MY) · S_c(t) · km_c(t) · EF(c, p, q, MY) / 10^6  [t]

Vintages older than the reference model year keep its economy (their fuel use is calibrated through the
kilometres). ``X_c(CY)`` is the class's activity index (1 where the stock alone drives the kilometres; the demand
levers of :mod:`.demand` move it); ``e_ref`` may split a powertrain's kilometres over carriers (a plug-in hybrid's
electric and petrol shares) by giving both carriers' MJ per km of all its kilometres.

Array conventions: ``d`` draws (1 for a single run; every input broadcasts on it), ``c`` classes, ``p``
powertrains, ``k`` carriers, ``q`` pollutants, ``m`` model years (consecutive), ``y`` calendar years, ``a`` ages.
The vintage weights ``S(t)·km(t)`` are a ``d × c × y × m`` array and every sum over model years is one
batched matrix product (``einsum``), so memory grows with draws × classes × years × model years; the scenario
engine runs draws in chunks to bound it.

References
----------
.. [1] ICCT (2022). Roadmap model documentation: stock turnover, vehicle activity by age, energy intensity by
   model year.
.. [2] Heaps, C. (2022). LEAP: the Low Emissions Analysis Platform, stock-turnover and transport analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class FleetInputs:
    """The road block's inputs (shapes in the module's axis letters; a leading ``d`` may be 1)."""

    model_years: NDArray[np.int64]  # (m,) consecutive
    years: NDArray[np.int64]  # (y,)
    sales: Array  # (d, c, m) vehicles sold per model year [veh]
    shares: Array  # (d, c, p, m) powertrain shares of sales [-], summing to 1 over p
    survival: Array  # (d, c, a) S(0 … a−1) [-]
    km_new: Array  # (d, c) km per vehicle at age 0 [km/yr]
    km_decline: Array  # (d, c) fall of km per year of age [1/yr]
    energy_ref: Array  # (d, c, p, k) energy economy of the reference model year [MJ/km]
    efficiency_gain: Array  # (d, c, p) improvement per model year [1/yr]
    reference_model_year: int
    pollutant_factors: Array  # (c, p, m, q) [g/km]


@dataclass(frozen=True)
class FleetOutputs:
    """Stock, additions (sales of the calendar year), vehicle-km, energy by carrier and pollutants of every year."""

    stock: Array  # (d, c, p, y) [veh]
    additions: Array  # (d, c, p, y) [veh]
    vkm: Array  # (d, c, p, y) [veh·km]
    energy_gj: Array  # (d, c, k, y) [GJ], summed over powertrains
    pollutants_t: Array  # (d, c, q, y) [t]


def vintage_weights(
    survival: Array, km_new: Array, km_decline: Array, model_years: NDArray[np.int64], years: NDArray[np.int64]
) -> tuple[Array, Array]:
    """``S(CY − MY)`` and ``S(CY − MY) · km(CY − MY)`` as ``(d, c, y, m)`` arrays (0 before a model year is sold
    and at ages beyond the survival curve)."""
    age = years[:, None] - model_years[None, :]  # (y, m)
    n_age = survival.shape[-1]
    valid = (age >= 0) & (age < n_age)
    idx = np.clip(age, 0, n_age - 1)
    s_at = np.where(valid, np.take(survival, idx, axis=-1), 0.0)  # (d, c, y, m)
    km_at = km_new[..., None, None] * (1.0 - km_decline[..., None, None]) ** np.maximum(age, 0)
    return s_at, s_at * km_at


def run_fleet(inp: FleetInputs) -> FleetOutputs:
    """Stock, additions, vehicle-km, energy [GJ] and pollutants [t] of every class, powertrain and year, with the
    kilometres the stock drives (X = 1; :func:`with_activity` applies an activity index)."""
    my, cy = inp.model_years, inp.years
    if my.size and np.any(np.diff(my) != 1):
        raise ValueError("model years must be consecutive and increasing")
    for name in ("sales", "shares", "survival", "km_new", "km_decline", "energy_ref", "efficiency_gain"):
        if not np.all(np.isfinite(getattr(inp, name))):
            raise ValueError(f"fleet input {name} is not finite")
    s_at, w = vintage_weights(inp.survival, inp.km_new, inp.km_decline, my, cy)
    sold = inp.sales[:, :, None, :] * inp.shares  # (d, c, p, m)
    stock = np.einsum("dcpm,dcym->dcpy", sold, s_at, optimize=True)
    vkm = np.einsum("dcpm,dcym->dcpy", sold, w, optimize=True)
    gain = (1.0 - inp.efficiency_gain)[..., None] ** np.maximum(my - inp.reference_model_year, 0).astype(np.float64)
    ref_vkm = np.einsum("dcpm,dcym->dcpy", sold * gain, w, optimize=True)  # vkm at the reference economy
    energy = (
        np.einsum(
            "dcpy,dcpk->dcky", ref_vkm, np.broadcast_to(inp.energy_ref, (*ref_vkm.shape[:3], inp.energy_ref.shape[-1]))
        )
        / 1000.0
    )
    pol = np.einsum("dcpm,cpmq,dcym->dcqy", sold, inp.pollutant_factors, w, optimize=True)
    pollutants = pol / 1e6
    in_range = (cy >= my[0]) & (cy <= my[-1])
    additions = np.zeros_like(stock)
    additions[..., in_range] = sold[..., cy[in_range] - my[0]]
    return FleetOutputs(stock, additions, vkm, energy, pollutants)


def with_activity(out: FleetOutputs, index: Array) -> FleetOutputs:
    """The outputs with every class's kilometres, energy and pollutants scaled by its activity index ``(d, c, y)``
    (stock and additions unchanged): vehicle-km, energy and pollutants are linear in X."""
    x = index[:, :, None, :]
    return FleetOutputs(out.stock, out.additions, out.vkm * x, out.energy_gj * x, out.pollutants_t * x)
