"""Bottom-up road fuel against reported fuel: the gap per fleet and what explains it.

For a fleet (the registered vehicles whose fuel a sector's enterprises report) with bottom-up energy BU [GJ]
from N_reg registered vehicles and reported energy R [GJ] from the reporting enterprises' N_rep vehicles, the
gap splits exactly into a coverage part and an intensity part [1]_::

    BU − R = (N_reg − N_rep) · BU / N_reg  +  N_rep · (BU / N_reg − R / N_rep)
           =  coverage                     +  intensity (per-vehicle use: km and economy)

When N_rep is not known, the reported energy is expressed as the vehicles it would take at the bottom-up use
per vehicle, N_implied = R / (BU / N_reg), and the gap stays unexplained beyond that.

The explanation of a fleet is one of ``agree`` (|gap| ≤ tolerance · BU), ``no_report`` (nothing reported),
``no_bottom_up`` (nothing registered), ``coverage`` or ``intensity`` (the larger part, N_rep known), or
``coverage_unknown`` (N_rep not known).

References
----------
.. [1] The two-factor split is the additive form of gap = (ΔN) · f + N_rep · Δf with f = energy per vehicle,
   the same identity an index decomposition applies to a change between years (Ang 2005, LMDI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TOLERANCE = 0.10
"""A gap within 10 % of the bottom-up figure counts as agreement."""


@dataclass(frozen=True)
class Gap:
    """One fleet's comparison [GJ, vehicles, fraction]; None where a value cannot be computed."""

    bottom_up_gj: float
    reported_gj: float
    gap_gj: float
    ratio: float | None
    registered: float
    reporting: float | None
    implied_vehicles: float | None
    coverage_gj: float | None
    intensity_gj: float | None
    explanation: str


def reconcile(
    bottom_up_gj: float,
    reported_gj: float,
    registered: float,
    reporting: float | None = None,
    tolerance: float = TOLERANCE,
) -> Gap:
    """The gap BU − R of one fleet and its explanation (see the module docstring).

    ``registered``: N_reg; ``reporting``: N_rep when the reports say how many vehicles they cover.
    """
    for name, value in (("bottom_up_gj", bottom_up_gj), ("reported_gj", reported_gj), ("registered", registered)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number ≥ 0, got {value}")
    if reporting is not None and (not math.isfinite(reporting) or reporting < 0):
        raise ValueError(f"reporting must be a finite number ≥ 0, got {reporting}")
    gap = bottom_up_gj - reported_gj
    ratio = reported_gj / bottom_up_gj if bottom_up_gj > 0 else None
    per_vehicle = bottom_up_gj / registered if registered > 0 else None
    implied = reported_gj / per_vehicle if per_vehicle else None
    coverage = intensity = None
    if per_vehicle is not None and reporting is not None:
        coverage = (registered - reporting) * per_vehicle
        intensity = reporting * per_vehicle - reported_gj
    if reported_gj == 0:
        why = "no_report"
    elif bottom_up_gj == 0:
        why = "no_bottom_up"
    elif abs(gap) <= tolerance * bottom_up_gj:
        why = "agree"
    elif coverage is None or intensity is None:
        why = "coverage_unknown"
    else:
        why = "coverage" if abs(coverage) >= abs(intensity) else "intensity"
    return Gap(bottom_up_gj, reported_gj, gap, ratio, registered, reporting, implied, coverage, intensity, why)
