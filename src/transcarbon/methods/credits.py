"""Green-trip carbon credits (碳普惠): the reduction of a trip against a baseline, and its points.

The published city and provincial methodologies share one form [1]_ [2]_: baseline emissions
:math:`BE = \\sum_i EF_{BL} \\cdot BD_i`, project emissions :math:`PE = \\sum_i EF_{k} \\cdot PD_{i}`, reduction
:math:`ER = BE - PE`. For one trip of mode :math:`k` over :math:`d` passenger-kilometres,

.. math::

    ER = \\max(0,\\ EF_{BL} - EF_k) \\cdot d \\qquad [\\mathrm{kgCO_2}]

with :math:`EF` in kgCO2 per passenger-km. The floor at zero is the methodologies' conservativeness (a mode
that emits more than the baseline earns nothing, never a debt). The baseline :math:`EF_{BL}` is either the
factor of the high-carbon travel replaced (small car, taxi, ride-hailing) [1]_, or the average of all modes the
residents use weighted by their shares of passenger-km [2]_:

.. math::

    EF_{avg} = \\frac{\\sum_j s_j \\cdot EF_j}{\\sum_j s_j}

Points are whole: :math:`P = \\lfloor ER \\cdot p \\rfloor` with :math:`p` points per kgCO2 (rounded down, so
the points never claim more than the reduction).

References
----------
.. [1] DB11/T 3043-2024 (Beijing–Tianjin–Hebei), carbon-inclusive methodology for low-carbon travel.
.. [2] DB33/T 1312-2023 (Zhejiang), carbon-inclusive methodology: baseline = average emission level of all modes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from transcarbon.methods.finite import NonFiniteInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_EPS = 1e-9  # points of a reduction that is a whole number of points up to floating-point noise


def require_finite(values: npt.NDArray[np.float64], name: str) -> None:
    """Raise :class:`NonFiniteInput` when ``values`` hold an infinite or NaN value."""
    if not np.isfinite(values).all():
        raise NonFiniteInput("credits", [name])


def average_baseline(ef_kgco2_per_pkm: npt.ArrayLike, share_pkm: npt.ArrayLike) -> float:
    """The all-modes average emission factor :math:`\\sum s_j EF_j / \\sum s_j` [kgCO2/p·km]."""
    ef = np.asarray(ef_kgco2_per_pkm, dtype=np.float64)
    share = np.asarray(share_pkm, dtype=np.float64)
    require_finite(ef, "ef_kgco2_per_pkm")
    require_finite(share, "share_pkm")
    if ef.shape != share.shape or ef.size == 0:
        raise ValueError("factors and shares must be non-empty and of one length")
    if (ef < 0).any() or (share < 0).any() or share.sum() <= 0:
        raise ValueError("factors and shares must not be negative, and the shares must add up to more than 0")
    return float((share * ef).sum() / share.sum())


def trip_reduction_kg(baseline_ef: float, mode_ef: npt.ArrayLike, distance_km: npt.ArrayLike) -> FloatArray:
    """Reduction of each trip :math:`\\max(0, EF_{BL} - EF_k) \\cdot d` [kgCO2] (vectorised over trips)."""
    ef = np.asarray(mode_ef, dtype=np.float64)
    dist = np.asarray(distance_km, dtype=np.float64)
    require_finite(np.asarray([baseline_ef]), "baseline_ef")
    require_finite(ef, "mode_ef")
    require_finite(dist, "distance_km")
    if (dist < 0).any() or (ef < 0).any() or baseline_ef < 0:
        raise ValueError("distances and factors must not be negative")
    return np.asarray(np.maximum(0.0, baseline_ef - ef) * dist, dtype=np.float64)


def trip_points(reduction_kg: npt.ArrayLike, points_per_kg: float) -> IntArray:
    """Whole points :math:`\\lfloor ER \\cdot p \\rfloor` of each reduction."""
    red = np.asarray(reduction_kg, dtype=np.float64)
    require_finite(red, "reduction_kg")
    return np.floor(red * points_per_kg + _EPS).astype(np.int64)
