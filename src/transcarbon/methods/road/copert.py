"""COPERT Tier 3 road-vehicle emission factors: hot factors at a mean speed, time-based emissions below the
minimum speed, and the guidebook's cold-start excess.

Hot emission factor (EMEP/EEA guidebook 2019, every speed-dependent row) [1]_::

    EF(V) = (α·V² + β·V + γ + δ/V) / (ε·V² + ζ·V + η) · (1 − RF),   V = clamp(v, Vmin, Vmax)

with v the mean speed [km/h], EF in [g/km], except rows of pollutant ``EC`` whose EF is energy
consumption in [MJ/km]. RF is a fraction (the sheet's column title says "%", the values are fractions
[2]_) and may be negative, scaling a row up (LCV N1-III diesel Euro 5 NOx: RF −4.068, EF × 5.07); it is
never clipped. Each row is valid on [Vmin, Vmax]; outside, the speed is clamped to the nearer limit.

Below the minimum speed (stops, queues, idling) a factor per km is meaningless (the distance tends to 0
while the engine keeps running), so emissions are counted by time at the row's rate at Vmin::

    E = EF(Vmin) · Vmin · t        for v < Vmin,   t in [h], E in [g] (EC: [MJ])
    E = EF(clamp(v)) · d           for v ≥ Vmin,   d in [km]

The rate EF(V)·V [g/h] is therefore continuous at Vmin and held constant below it. This is the
project's convention (no idle rate is given by the guidebook's Tier 3 rows); it is the row's own rate at
the lowest speed it was fitted for, which is likely above true idling for rows with a high Vmin (HDV
Euro III/IV: 12 km/h) and should be checked against measured idle rates [check].

Cold-start excess (guidebook Tier 3 form, passenger cars and light commercial vehicles only; the
guidebook gives none for heavy-duty vehicles and buses) [1]_ [3]_::

    E_cold = β · VKT · e_hot · (e_cold/e_hot − 1)
    β (petrol Euro 1) = 0.6474 − 0.02545·l_trip − (0.00974 − 0.000385·l_trip)·t_a
    e_cold/e_hot = A·V + B·t_a + C   (petrol Euro 1+, per pollutant, speed and temperature range)

with l_trip the mean trip length [km], t_a the ambient temperature [°C] and β the share of mileage driven
with a cold engine; later Euro classes scale β down (Euro 4: × 0.18). Conventional diesel ratios:
CO 1.9 − 0.03·t_a, NOx 1.3 − 0.013·t_a, PM 3.1 − 0.1·t_a, FC 1.34 − 0.008·t_a. These coefficients are
second-hand [check]; the ratio tables of the Euro 4–6 classes are not transcribed in this project.

References
----------
.. [1] EMEP/EEA (2019). Air pollutant emission inventory guidebook, 1.A.3.b.i-iv Road transport,
   Appendix 4 (COPERT 5 hot emission factor parameters) and section 3.4 (Tier 3).
.. [2] Ibarra-Espinosa, S. (2024). vein 1.5.0, R package (MIT): the guidebook sheet as ``sysdata`` ``eea``;
   EF = formula · (1 − RF) reproduces the sheet's EF column for all 33,620 rows to 1e-4 relative
   (reference/road-additions.md §1).
.. [3] Ntziachristos, L., Samaras, Z. (2000). COPERT III: Methodology and emission factors, EEA Technical
   report No 49 (cold-start β and e_cold/e_hot forms).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]

EURO4_BETA_REDUCTION = 0.18
"""Cold-mileage share of petrol Euro 4 relative to Euro 1 (β × 0.18) [1]_ [check]."""

CONVENTIONAL_DIESEL_COLD_RATIO: dict[str, tuple[float, float]] = {
    "CO": (1.9, -0.03),
    "NOx": (1.3, -0.013),
    "PM": (3.1, -0.1),
    "EC": (1.34, -0.008),
}
"""e_cold/e_hot = a + b·t_a for conventional diesel cars, per pollutant (EC: the guidebook's FC) [1]_ [check]."""


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def clamp_speed(speed_kmh: ArrayLike, vmin: ArrayLike, vmax: ArrayLike) -> Array:
    """V = min(max(v, Vmin), Vmax) [km/h], elementwise."""
    return np.minimum(np.maximum(_f(speed_kmh), _f(vmin)), _f(vmax))


def hot_factor(
    speed_kmh: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    gamma: ArrayLike,
    delta: ArrayLike,
    epsilon: ArrayLike,
    zita: ArrayLike,
    hta: ArrayLike,
    rf: ArrayLike,
    vmin: ArrayLike,
    vmax: ArrayLike,
) -> Array:
    r"""Hot emission factor EF(V) [g/km; EC rows MJ/km] of COPERT rows at a mean speed [km/h] [1]_.

    .. math:: EF = \frac{\alpha V^2 + \beta V + \gamma + \delta / V}{\epsilon V^2 + \zeta V + \eta} (1 - RF),
              \quad V = \min(\max(v, V_{min}), V_{max})

    Every argument broadcasts (one row against many speeds, or one speed per row). RF is a fraction and
    may be negative.
    """
    v = clamp_speed(speed_kmh, vmin, vmax)
    num = _f(alpha) * v
    num += _f(beta)
    num *= v
    num += _f(gamma)
    num += _f(delta) / v
    den = _f(epsilon) * v
    den += _f(zita)
    den *= v
    den += _f(hta)
    num /= den
    num *= 1.0 - _f(rf)
    return num


def segment_emission(
    distance_km: ArrayLike,
    hours: ArrayLike,
    speed_kmh: ArrayLike,
    alpha: ArrayLike,
    beta: ArrayLike,
    gamma: ArrayLike,
    delta: ArrayLike,
    epsilon: ArrayLike,
    zita: ArrayLike,
    hta: ArrayLike,
    rf: ArrayLike,
    vmin: ArrayLike,
    vmax: ArrayLike,
) -> Array:
    """Emission of a driven segment [g; EC rows MJ]: EF(clamp(v))·d at v ≥ Vmin, EF(Vmin)·Vmin·t below.

    ``distance_km`` [km] and ``hours`` [h] describe the segment, ``speed_kmh`` its mean speed; see the
    module docstring for the time-based rule below Vmin.
    """
    v = _f(speed_kmh)
    lo = _f(vmin)
    ef = hot_factor(v, alpha, beta, gamma, delta, epsilon, zita, hta, rf, vmin, vmax)
    ef *= np.where(v >= lo, _f(distance_km), lo * _f(hours))
    return ef


def cold_beta_petrol_euro1(trip_km: ArrayLike, ambient_c: ArrayLike) -> Array:
    """Share β [-] of mileage driven with a cold engine, petrol Euro 1 [1]_ [check].

    β = 0.6474 − 0.02545·l_trip − (0.00974 − 0.000385·l_trip)·t_a, limited to [0, 1].
    """
    l_trip, t_a = _f(trip_km), _f(ambient_c)
    return np.clip(0.6474 - 0.02545 * l_trip - (0.00974 - 0.000385 * l_trip) * t_a, 0.0, 1.0)


def cold_ratio_linear(speed_kmh: ArrayLike, ambient_c: ArrayLike, a: float, b: float, c: float) -> Array:
    """e_cold/e_hot = A·V + B·t_a + C [-] (petrol Euro 1+ form; e.g. CO, 1.4–2.0 l, V ≤ 25 km/h,
    t_a ≤ 15 °C: A 0.121, B −0.146, C 3.766) [1]_ [check]."""
    return a * _f(speed_kmh) + b * _f(ambient_c) + c


def cold_ratio_conventional_diesel(pollutant: str, ambient_c: ArrayLike) -> Array:
    """e_cold/e_hot [-] of conventional diesel cars: a + b·t_a (:data:`CONVENTIONAL_DIESEL_COLD_RATIO`)."""
    a, b = CONVENTIONAL_DIESEL_COLD_RATIO[pollutant]
    return a + b * _f(ambient_c)


def cold_excess(beta: ArrayLike, vkt_km: ArrayLike, hot_ef: ArrayLike, cold_hot_ratio: ArrayLike) -> Array:
    """Cold-start excess emission [g] = β · VKT [km] · e_hot [g/km] · (e_cold/e_hot − 1) [1]_.

    A ratio below 1 (possible at warm ambient temperatures in the linear forms) is taken as 1: no excess
    rather than a negative one (the project's reading of the guidebook [check]).
    """
    return _f(beta) * _f(vkt_km) * _f(hot_ef) * np.maximum(_f(cold_hot_ratio) - 1.0, 0.0)
