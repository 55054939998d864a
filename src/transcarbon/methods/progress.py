"""Progress of an indicator against its target: Open SDG status, target paths, China's traffic lights.

Every function is pure and vectorised: arguments broadcast as NumPy arrays, so one call evaluates
all indicators of a year (or all years of an indicator). Thresholds are always passed in (they come
from the city YAML, ``progress:``); nothing here holds a threshold value of its own.

Measure space
-------------
Progress is judged on the *measure*, the quantity that moves: a share [%], an intensity
[kgCO2/t·km], a volume [TEU], an electricity use [kWh]. The plan states some targets in derived
terms; :func:`measure_target` turns each kind of target into a target value of the measure:

=========== ======================================= ==================================================
kind        plan target ``g``                        target value of the measure ``y*``
=========== ======================================= ==================================================
ratio/count level [% or count]                       ``y* = g``
reduction   fall vs base [%]                         ``y* = y0 · (1 − g/100)``     (direction decrease)
multiple    multiple of base [×]                     ``y* = y0 · g``
growth      average annual growth [%/yr]             ``y* = y0 · (1 + g/100)^(tT − t0)``
=========== ======================================= ==================================================

and :func:`reduction_pct`, :func:`multiple_of_base` and :func:`cagr` give the reported value back.

Open SDG status [1]_ [2]_
-------------------------
Observed and required compound annual growth rates::

    CAGR_obs = (y_t / y_0)^(1 / (t − t0)) − 1
    CAGR_req = (y* / y_0)^(1 / (tT − t0)) − 1
    R        = d · CAGR_obs / |CAGR_req|          d = +1 (increase) or −1 (decrease)

``achieved`` when the latest value already meets the target (``d·(y_t − y*) ≥ 0``); otherwise
``on_track`` when R ≥ θ1, ``needs_acceleration`` when θ2 ≤ R < θ1, ``limited_progress`` when
θ3 ≤ R < θ2, ``deterioration`` when R < θ3 (Open SDG: θ = 0.95, 0.60, 0). Without a numeric target
the directed growth ``d·CAGR_obs`` is compared with fixed rates (Open SDG: 1.5 %, 0.5 %, 0) with the
same four band names. A CAGR is undefined when the base value is not positive (a share that starts
at 0 %); there the *linear* rates ``(y_t − y_0)/(t − t0)`` and ``(y* − y_0)/(tT − t0)`` replace the
compound ones in R (``rate_kind`` says which was used). Without a target, a non-positive base gives
``no_data`` for the CAGR bands, as Open SDG does.

Target path and completion to date [3]_
---------------------------------------
The path runs through the waypoints ``(t0, y0), (2025, y*_2025), (2030, y*_2030) …``, linear between
them (or compound, i.e. linear in ln y). Completion to date in year t::

    c_t = (y_t − y0) / (p_t − y0)        [fraction; 1 = exactly on the path]

The worked example of [3]_: intensity index 1.000 (2020) → 0.950 (2025) → 0.905 (2030) gives
0.990, 0.980, 0.970, 0.960, 0.950, 0.941, 0.932, 0.923, 0.914, 0.905.

China's red/yellow/green rule (能耗双控晴雨表, 发改办环资〔2021〕629号) [3]_ [4]_
---------------------------------------------------------------------------
The weather chart's three levels for an intensity that must fall: red (一级预警) when it rose instead of
falling (不降反升), yellow (二级预警) when it fell but by less than the progress required by then, green when
the required progress is met. For quantities and shares that must rise, the same shape. With the desired
direction d, the progress made ``m = d·(y − y_ref)`` and the progress required ``q = d·(p − p_ref)``::

    red     m < min(0, q)          (moved the wrong way)
    yellow  min(0, q) ≤ m < q      (the right way, or not at all, but behind the path)
    green   m ≥ q                  (on the path)

judged on the cumulative path (``y_ref = y0``, ``p_ref = y0``) and on the year's step (``y_ref = y_{t−1}``,
``p_ref = p_{t−1}``); a city's ``progress.light_rules`` say, per indicator kind, which of the two make the light
shown (the worse of them). Where the path allows a move against the direction (q < 0: a target the base
already beats), only a move beyond that allowance is red.

In the target year
------------------
A forecast answers nothing in the target year itself: the observed value meets the target or misses it,
status ``achieved`` or ``missed`` (:func:`target_year_status`).

Natural limits (Open SDG) [1]_
-----------------------------
For an indicator without a numeric target that is bounded by a natural limit in its desired direction
(a share that cannot exceed 100%, say), the positive thresholds of the no-target CAGR bands are scaled
by ``C`` (:func:`natural_limit_coefficient`), with ``a = 4.44``::

    C = 1 − (y0/y_lim)^a                 for y0 ≤ y_lim
    C = 1 − ((2·y_lim − y0)/y_lim)^a     for y_lim < y0 < 2·y_lim
    C = 1                                 for y0 ≥ 2·y_lim

(absolute values of y0 and y_lim), so that a base already near its limit can still be on track; with
``C = 0`` (the base at the limit) a non-negative CAGR is on track.

Assessment score (2014 carbon-intensity assessment rules) [3]_ [5]_
-------------------------------------------------------------------
``score = P_a · min(c_a, 1) + P_c · min(c_c, 1) + P_m · m`` [points], with the annual-target
completion ``c_a``, the cumulative-progress completion ``c_c``, the share ``m`` of other measures
done, and the points ``P_a, P_c, P_m`` of the city's template (25, 25, 50); when the template says
so, missing the annual target (``c_a < 1``) vetoes the assessment (graded fail whatever the score).

References
----------
.. [1] Open SDG, "Progress measurement methodology", open-sdg/open-sdg docs/progress-methodology.md
   (method of Statistics Canada, after Eurostat); the natural-limit coefficient as implemented in
   open-sdg/sdg-build ``sdg/ProgressMeasure.py`` (``get_progress_thresholds``).
.. [2] Statistics Canada, Canadian Indicator Framework for the SDGs, progress methodology (2022).
.. [3] 国家发展改革委办公厅, 《关于印发〈2021年上半年各地区能耗双控目标完成情况晴雨表〉的通知》
   (发改办环资〔2021〕629号): the three warning levels of the weather chart; the trajectory worked example
   is in ``docs/methods.md`` of this repository.
.. [4] National Development and Reform Commission, 2021年上半年各地区能耗双控目标完成情况晴雨表
   (energy-consumption dual-control barometer, 2021).
.. [5] 国家发展改革委, 《单位国内生产总值二氧化碳排放降低目标责任考核评估办法》(2014): annual target 25 points with
   a veto, cumulative progress 25 points, other measures the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
StrArray = NDArray[np.str_]


class Status(StrEnum):
    """Progress status of an indicator in a year (the ``status`` of ``evaluate --json``)."""

    ACHIEVED = "achieved"
    MISSED = "missed"
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "needs_acceleration"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NO_DATA = "no_data"
    LATE = "late"


class MilestoneStatus(StrEnum):
    """Status of a milestone (kind ``milestone``) from its reviewed evidence."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"


class Light(StrEnum):
    """The four lights shown to people."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"


@dataclass(frozen=True)
class BandThresholds:
    """Lower edges of the three upper bands, highest first (from the city YAML).

    For the CAGR ratio R [–]: Open SDG uses 0.95 / 0.60 / 0 [1]_. For the directed CAGR of an
    indicator without target [fraction per year]: 0.015 / 0.005 / 0.
    """

    on_track: float
    needs_acceleration: float
    limited_progress: float

    def __post_init__(self) -> None:
        if not self.on_track > self.needs_acceleration > self.limited_progress:
            raise ValueError(
                "band thresholds must decrease: on_track > needs_acceleration > limited_progress, "
                f"got {self.on_track}, {self.needs_acceleration}, {self.limited_progress}"
            )


@dataclass(frozen=True)
class SdgProgress:
    """Open SDG progress of a batch of indicators (arrays of one shape)."""

    status: StrArray
    ratio: FloatArray
    cagr_observed: FloatArray
    cagr_required: FloatArray
    rate_kind: StrArray  # "compound", "linear" or "" where no rate could be formed


# --------------------------------------------------------------------------- helpers


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def direction_sign(direction: ArrayLike) -> FloatArray:
    """d = +1 for ``"increase"``, −1 for ``"decrease"``; ValueError on anything else."""
    arr = np.asarray(direction, dtype=np.str_)
    ok = np.isin(arr, ["increase", "decrease"])
    if not np.all(ok):
        bad = sorted(set(np.atleast_1d(arr)[~np.atleast_1d(ok)].tolist()))
        raise ValueError(f"direction must be 'increase' or 'decrease', got {bad}")
    return np.where(arr == "increase", 1.0, -1.0)


def cagr(start_value: ArrayLike, end_value: ArrayLike, years: ArrayLike) -> FloatArray:
    """Compound annual growth rate [fraction/yr]: ``(y1/y0)^(1/n) − 1``.

    NaN where ``y0 ≤ 0``, ``y1 < 0``, ``n ≤ 0`` or an input is NaN.
    """
    y0, y1, n = np.broadcast_arrays(_f(start_value), _f(end_value), _f(years))
    ok = (y0 > 0) & (y1 >= 0) & (n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            ok, np.power(np.where(ok, y1 / np.where(ok, y0, 1.0), 1.0), 1.0 / np.where(ok, n, 1.0)) - 1.0, np.nan
        )
    return np.asarray(out, dtype=np.float64)


def reduction_pct(base_value: ArrayLike, value: ArrayLike) -> FloatArray:
    """Fall vs the base [%]: ``100 · (1 − y/y0)``; NaN where ``y0 ≤ 0``."""
    y0, y = np.broadcast_arrays(_f(base_value), _f(value))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y0 > 0, 100.0 * (1.0 - y / y0), np.nan)


def multiple_of_base(base_value: ArrayLike, value: ArrayLike) -> FloatArray:
    """Multiple of the base [×]: ``y / y0``; NaN where ``y0 ≤ 0``."""
    y0, y = np.broadcast_arrays(_f(base_value), _f(value))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y0 > 0, y / y0, np.nan)


def measure_target(
    kind: ArrayLike, plan_target: ArrayLike, base_value: ArrayLike, base_year: ArrayLike, target_year: ArrayLike
) -> FloatArray:
    """Target value of the measure from the plan's target, by indicator kind (table above).

    Parameters
    ----------
    kind : ratio | count | milestone | reduction | multiple | growth
    plan_target : target as the plan states it [% level, count, % fall, ×, or %/yr]
    base_value : measure in the base year [measure unit]; unused for ratio/count/milestone
    base_year, target_year : [year]
    """
    k = np.asarray(kind, dtype=np.str_)
    g, y0, t0, tt = np.broadcast_arrays(_f(plan_target), _f(base_value), _f(base_year), _f(target_year))
    k = np.broadcast_to(k, g.shape)
    known = np.isin(k, ["ratio", "count", "milestone", "reduction", "multiple", "growth"])
    if not np.all(known):
        raise ValueError(f"unknown indicator kind(s): {sorted(set(k[~known].tolist()))}")
    with np.errstate(invalid="ignore", over="ignore"):
        return np.select(
            [k == "reduction", k == "multiple", k == "growth"],
            [y0 * (1.0 - g / 100.0), y0 * g, y0 * np.power(1.0 + g / 100.0, tt - t0)],
            default=g,
        )


# --------------------------------------------------------------------------- Open SDG


def classify_bands(score: ArrayLike, thresholds: BandThresholds) -> StrArray:
    """Band of a score (R, or the directed CAGR without target); ``no_data`` where NaN.

    Edges belong to the upper band: ``score == thresholds.on_track`` is ``on_track``.
    """
    s = _f(score)
    out = np.select(
        [np.isnan(s), s >= thresholds.on_track, s >= thresholds.needs_acceleration, s >= thresholds.limited_progress],
        [Status.NO_DATA.value, Status.ON_TRACK.value, Status.NEEDS_ACCELERATION.value, Status.LIMITED_PROGRESS.value],
        default=Status.DETERIORATION.value,
    )
    return np.asarray(out, dtype=np.str_)


def sdg_progress(
    base_value: ArrayLike,
    value: ArrayLike,
    target_value: ArrayLike,
    base_year: ArrayLike,
    year: ArrayLike,
    target_year: ArrayLike,
    direction: ArrayLike,
    *,
    ratio_thresholds: BandThresholds,
    no_target_thresholds: BandThresholds,
    natural_limit: float | None = None,
) -> SdgProgress:
    """Open SDG progress status from the CAGR ratio [1]_ [2]_ (equations in the module docstring).

    Parameters
    ----------
    base_value, value : measure in the base year and in the latest year [measure unit]
    target_value : measure's target value [measure unit]; NaN for an indicator without target
    base_year, year, target_year : [year]; ``year > base_year`` is needed (two data points)
    direction : ``"increase"`` or ``"decrease"`` (desired direction of the measure)
    ratio_thresholds : bands for R (YAML ``progress.sdg``)
    no_target_thresholds : bands for the directed CAGR [fraction/yr] (YAML ``progress.no_target_cagr``)
    natural_limit : the measure's natural limit in its desired direction (100 for a share that must rise), or
        None; scales the positive no-target thresholds by :func:`natural_limit_coefficient`

    Returns
    -------
    SdgProgress with ``status`` in achieved, on_track, needs_acceleration, limited_progress,
    deterioration, no_data; ``ratio`` R [–] (NaN where achieved or without target); observed and
    required rates [fraction/yr for compound, measure unit/yr for linear].
    """
    y0, y, ys, t0, t, tt, d = np.broadcast_arrays(
        _f(base_value), _f(value), _f(target_value), _f(base_year), _f(year), _f(target_year), direction_sign(direction)
    )
    has_data = ~np.isnan(y0) & ~np.isnan(y) & (t > t0)
    has_target = ~np.isnan(ys)
    compound = y0 > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        obs_c = cagr(y0, y, t - t0)
        req_c = cagr(y0, ys, tt - t0)
        obs_l = (y - y0) / (t - t0)
        req_l = (ys - y0) / (tt - t0)
        obs = np.where(compound, obs_c, obs_l)
        req = np.where(compound, req_c, req_l)
        # A target the base already met (req = 0 or of the wrong sign) that is no longer met means
        # the measure moved the wrong way: R = −inf → deterioration. |req| keeps the sign of d·obs.
        ratio = np.where(np.abs(req) > 0, d * obs / np.abs(req), np.where(d * obs >= 0, np.inf, -np.inf))
    ratio = np.where(has_data & has_target, ratio, np.nan)
    achieved = has_data & has_target & (d * (y - ys) >= 0)
    s_target = classify_bands(ratio, ratio_thresholds)
    directed = np.where(compound & has_data, d * obs_c, np.nan)
    s_free = _no_target_bands(directed, y0, no_target_thresholds, natural_limit)
    status = np.where(
        ~has_data,
        Status.NO_DATA.value,
        np.where(achieved, Status.ACHIEVED.value, np.where(has_target, s_target, s_free)),
    )
    rate_kind = np.where(~has_data, "", np.where(compound, "compound", np.where(has_target, "linear", "")))
    return SdgProgress(
        status=np.asarray(status, dtype=np.str_),
        ratio=np.where(achieved, np.nan, ratio).astype(np.float64),
        cagr_observed=np.where(has_data, obs, np.nan).astype(np.float64),
        cagr_required=np.where(has_data & has_target, req, np.nan).astype(np.float64),
        rate_kind=np.asarray(rate_kind, dtype=np.str_),
    )


def natural_limit_coefficient(base_value: ArrayLike, limit: float, a: float = 4.44) -> FloatArray:
    """Open SDG's threshold scaling ``C`` for a base value near a natural limit (module docstring) [1]_."""
    y0 = np.abs(_f(base_value))
    lim = abs(limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        near = np.where(y0 <= lim, 1.0 - np.power(y0 / lim, a), 1.0 - np.power((2.0 * lim - y0) / lim, a))
    return np.asarray(np.where((y0 >= 2.0 * lim) | (lim == 0), 1.0, near), dtype=np.float64)


def _no_target_bands(
    directed: FloatArray, base_value: FloatArray, thresholds: BandThresholds, natural_limit: float | None
) -> StrArray:
    """No-target bands of the directed CAGR, the positive thresholds scaled near a natural limit [1]_."""
    if natural_limit is None:
        return classify_bands(directed, thresholds)
    c = natural_limit_coefficient(base_value, natural_limit)
    edges = [thresholds.on_track, thresholds.needs_acceleration, thresholds.limited_progress]
    scaled = [np.where(e > 0, e * c, e) for e in edges]
    s = _f(directed)
    at_limit = (c == 0) & (s >= 0)
    out = np.select(
        [np.isnan(s), at_limit | (s >= scaled[0]), s >= scaled[1], s >= scaled[2]],
        [Status.NO_DATA.value, Status.ON_TRACK.value, Status.NEEDS_ACCELERATION.value, Status.LIMITED_PROGRESS.value],
        default=Status.DETERIORATION.value,
    )
    return np.asarray(out, dtype=np.str_)


def target_year_status(value: ArrayLike, target_value: ArrayLike, direction: ArrayLike) -> StrArray:
    """In the target year: ``achieved`` when the observed measure meets its target (``d·(y − y*) ≥ 0``), else
    ``missed``; ``no_data`` where either is NaN. No forecast: the probability is 1 or 0."""
    y, ys, d = np.broadcast_arrays(_f(value), _f(target_value), direction_sign(direction))
    met = d * (y - ys) >= 0
    out = np.where(
        np.isnan(y) | np.isnan(ys), Status.NO_DATA.value, np.where(met, Status.ACHIEVED.value, Status.MISSED.value)
    )
    return np.asarray(out, dtype=np.str_)


# --------------------------------------------------------------------------- target path


def target_path(
    waypoint_years: Sequence[float],
    waypoint_values: Sequence[float],
    years: ArrayLike,
    shape: Literal["linear", "compound"] = "linear",
) -> FloatArray:
    """Value of the target path in ``years`` through the waypoints [3]_.

    ``waypoint_years`` ascending, the first the base year; ``waypoint_values`` the measure there
    (base value, then the measure targets). ``linear``: straight lines between waypoints;
    ``compound``: constant growth rate between waypoints (linear in ln y, all values > 0).
    Years before the base or after the last waypoint are NaN.
    """
    xs = _f(waypoint_years)
    vs = _f(waypoint_values)
    if xs.ndim != 1 or xs.shape != vs.shape or xs.size < 2:
        raise ValueError("need at least two waypoints with as many values as years")
    if np.any(np.diff(xs) <= 0):
        raise ValueError(f"waypoint years must increase strictly, got {xs.tolist()}")
    if np.any(np.isnan(vs)):
        raise ValueError("waypoint values must not be NaN (drop target years without a value)")
    q = _f(years)
    inside = (q >= xs[0]) & (q <= xs[-1])
    if shape == "linear":
        out = np.interp(q, xs, vs)
    elif shape == "compound":
        if np.any(vs <= 0):
            raise ValueError("a compound path needs positive waypoint values; use shape='linear'")
        out = np.exp(np.interp(q, xs, np.log(vs)))
    else:
        raise ValueError(f"shape must be 'linear' or 'compound', got {shape!r}")
    return np.where(inside, out, np.nan)


def completion_to_date(base_value: ArrayLike, value: ArrayLike, path_value: ArrayLike) -> FloatArray:
    """Completion to date [fraction]: ``(y_t − y0) / (p_t − y0)`` [3]_.

    Direction-free: for a falling target both differences are negative. NaN where the path asks for
    no change yet (``p_t == y0``) or an input is NaN.
    """
    y0, y, p = np.broadcast_arrays(_f(base_value), _f(value), _f(path_value))
    need = p - y0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(need != 0, (y - y0) / np.where(need != 0, need, 1.0), np.nan)


def step_completion(
    previous_value: ArrayLike, value: ArrayLike, path_previous: ArrayLike, path_value: ArrayLike
) -> FloatArray:
    """Completion of the annual step [fraction]: ``(y_t/y_{t−1} − 1) / (p_t/p_{t−1} − 1)``.

    The weather chart judges the year's rate of change [4]_. Where ``y_{t−1} ≤ 0`` or
    ``p_{t−1} ≤ 0`` the absolute step ``(y_t − y_{t−1}) / (p_t − p_{t−1})`` is used. NaN where the
    path asks for no change in the step.
    """
    y1, y, p1, p = np.broadcast_arrays(_f(previous_value), _f(value), _f(path_previous), _f(path_value))
    rel = (y1 > 0) & (p1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        act = np.where(rel, y / y1 - 1.0, y - y1)
        req = np.where(rel, p / p1 - 1.0, p - p1)
        return np.where(req != 0, act / np.where(req != 0, req, 1.0), np.nan)


def weather_chart_light(
    reference_value: ArrayLike,
    value: ArrayLike,
    path_reference: ArrayLike,
    path_value: ArrayLike,
    direction: ArrayLike,
) -> StrArray:
    """China's rule [3]_ [4]_: red when the measure moved the wrong way, yellow when it moved the right way
    (or not at all) but less than the path requires, green when on the path; grey where an input is NaN.

    ``reference_value``/``value`` are the measure at the start and end of the judged span (the base and this
    year for the cumulative path, last year and this year for the step); ``path_reference``/``path_value`` the
    target path at the same two years; ``direction`` ``"increase"`` or ``"decrease"``.
    """
    y0, y, p0, p, d = np.broadcast_arrays(
        _f(reference_value), _f(value), _f(path_reference), _f(path_value), direction_sign(direction)
    )
    made = d * (y - y0)
    required = d * (p - p0)
    # a relative tolerance keeps a year exactly on the path (up to rounding) green
    eps = 1e-12 * np.maximum(np.abs(y0), 1.0)
    out = np.select(
        [
            np.isnan(made) | np.isnan(required),
            made < np.minimum(0.0, required) - eps,
            made < required - eps,
        ],
        [Light.GREY.value, Light.RED.value, Light.YELLOW.value],
        default=Light.GREEN.value,
    )
    return np.asarray(out, dtype=np.str_)


# --------------------------------------------------------------------------- lights and statuses


def status_light(status: ArrayLike, mapping: Mapping[str, str]) -> StrArray:
    """Light of each status through the city's mapping (YAML ``progress.lights``).

    KeyError-free: a status missing from the mapping raises ValueError naming it.
    """
    s = np.asarray(status, dtype=np.str_)
    missing = sorted(set(np.unique(s).tolist()) - set(mapping))
    if missing:
        raise ValueError(f"no light configured for status(es) {missing}")
    bad = sorted({v for v in mapping.values() if v not in {x.value for x in Light}})
    if bad:
        raise ValueError(f"unknown light(s) {bad}; use green, yellow, red or grey")
    keys = np.array(list(mapping), dtype=np.str_)
    vals = np.array([mapping[k] for k in keys], dtype=np.str_)
    order = np.argsort(keys)
    idx = np.searchsorted(keys[order], s)
    return np.asarray(vals[order][idx], dtype=np.str_)


_SEVERITY = {Light.GREY.value: 0, Light.GREEN.value: 1, Light.YELLOW.value: 2, Light.RED.value: 3}


def worst_light(*lights: ArrayLike) -> StrArray:
    """Element-wise worst of several lights: red > yellow > green > grey (grey only if all grey)."""
    if not lights:
        raise ValueError("need at least one light array")
    arrs = np.broadcast_arrays(*[np.asarray(x, dtype=np.str_) for x in lights])
    stack = np.stack(arrs)
    known = np.isin(stack, list(_SEVERITY))
    if not np.all(known):
        raise ValueError(f"unknown light(s) {sorted(set(stack[~known].tolist()))}")
    sev = np.select([stack == k for k in _SEVERITY], list(_SEVERITY.values()))
    names = np.array(list(_SEVERITY), dtype=np.str_)
    return np.asarray(names[sev.max(axis=0)], dtype=np.str_)


def with_data_status(status: ArrayLike, has_data: ArrayLike, is_late: ArrayLike) -> StrArray:
    """Override statuses where the year's data are missing: ``late`` if past the deadline of the
    reporting calendar, else ``no_data``."""
    s, h, late = np.broadcast_arrays(
        np.asarray(status, dtype=np.str_), np.asarray(has_data, dtype=bool), np.asarray(is_late, dtype=bool)
    )
    out = np.where(h, s, np.where(late, Status.LATE.value, Status.NO_DATA.value))
    return np.asarray(out, dtype=np.str_)


def milestone_status(done_year: ArrayLike, started: ArrayLike, due_year: ArrayLike, as_of_year: ArrayLike) -> StrArray:
    """Milestone status from reviewed evidence.

    ``done`` when the evidence shows completion in or before ``as_of_year``; otherwise ``overdue``
    when ``as_of_year`` is past ``due_year`` (NaN due year: never overdue); otherwise
    ``in_progress`` when work has started, else ``not_started``.
    """
    dy, st, due, now = np.broadcast_arrays(_f(done_year), np.asarray(started, dtype=bool), _f(due_year), _f(as_of_year))
    done = ~np.isnan(dy) & (dy <= now)
    overdue = ~done & ~np.isnan(due) & (now > due)
    out = np.select(
        [done, overdue, st],
        [MilestoneStatus.DONE.value, MilestoneStatus.OVERDUE.value, MilestoneStatus.IN_PROGRESS.value],
        default=MilestoneStatus.NOT_STARTED.value,
    )
    return np.asarray(out, dtype=np.str_)


def assessment_score(
    annual_completion: ArrayLike,
    cumulative_completion: ArrayLike,
    measures_done_share: ArrayLike,
    *,
    annual_points: float,
    cumulative_points: float,
    measures_points: float,
    veto_when_missed: bool,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Score [points] and veto flag of each department-year (equation in the module docstring).

    Completions are fractions (1 = target met); NaN completions score 0. Points come from the city
    YAML ``scoring``. Returns ``(score, vetoed)``; a vetoed assessment is graded fail.
    """
    ca, cc, m = np.broadcast_arrays(_f(annual_completion), _f(cumulative_completion), _f(measures_done_share))
    part = [np.nan_to_num(np.clip(x, 0.0, 1.0), nan=0.0) for x in (ca, cc, m)]
    score = annual_points * part[0] + cumulative_points * part[1] + measures_points * part[2]
    vetoed = np.asarray(veto_when_missed & ~(np.nan_to_num(ca, nan=0.0) >= 1.0), dtype=bool)
    return np.asarray(score, dtype=np.float64), vetoed
