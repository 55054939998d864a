"""Calibration of a scenario to what was observed: survival curves to the register's stock by model year, scale
factors (kilometres) to reported fuel, trends of the demand modes, and the check that the calibrated scenario
reproduces the observed years — least squares with bounds (scipy), with fit errors, residuals and intervals.

Survival from the register (stock ``N(CY, MY)`` at the end of registry years ``CY`` for model years ``MY``)::

    N(CY, MY) ≈ n_MY · S(CY − MY; a, b)            S(t) = exp(−(t/a)^b), S(0) = 1

Each cohort's size ``n_MY`` (its sales) enters linearly, so it is profiled out for given (a, b) — the variable
projection of Golub and Pereyra [1]_: ``n_MY = Σ_CY N·S / Σ_CY S²``, or the new registrations of MY where the register
holds them. The residuals ``(N − n·S) / √max(N, 1)`` (Pearson-like weights: counts vary as their size) are minimised
over (a, b) within bounds (trust-region reflective, ``scipy.optimize.least_squares``) [2]_. Parameter intervals:
``cov = s² (JᵀJ)⁻¹`` at the optimum (s² the residual variance, 95 % = ±1.96 standard errors), widened to the 2.5–97.5
percentiles of a bootstrap over cohorts (model years drawn with replacement and refitted) [3]_, because a cohort's
residuals are correlated from year to year (a cohort that lost more vehicles early stays lower). A step curve
(mandatory scrappage at age A) is fitted by its profile: the residual sum of squares for each whole age, the
interval the ages within Δχ² = n · ln(SSE/SSE_min) ≤ 3.84 of the best.

Scale factors to reported fuel (kilometres per vehicle of groups of classes): the modelled fuel is linear in each
group's factor ``k_g``, ``F_obs(k, y) ≈ Σ_g k_g · F_g(k, y)``; relative residuals, bounds on ``k_g``, intervals as
above. Trends: ``ln x(y) = ln x0 + (y − y0) · ln(1 + r)`` by least squares, the level and yearly change with
intervals. The reproduction check: the relative error of each modelled observed year against a stated tolerance.

References
----------
.. [1] Golub, G., Pereyra, V. (2003). Separable nonlinear least squares: the variable projection method and its
   applications. Inverse Problems 19(2):R1–R26.
.. [2] Branch, M. A., Coleman, T. F., Li, Y. (1999). A subspace, interior, and conjugate gradient method for
   large-scale bound-constrained minimization problems. SIAM J. Sci. Comput. 21(1):1–23.
.. [3] Efron, B., Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall (resampling clusters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from transcarbon.methods.fleet import step_survival, weibull_survival

Array = NDArray[np.float64]
Z95 = 1.959964
CHI2_1_95 = 3.841459


@dataclass(frozen=True)
class Parameter:
    """A fitted parameter with its 95 % interval."""

    name: str
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class SurvivalFit:
    """A survival curve fitted to a register: parameters, cohort sizes, residuals and fit error."""

    model: str  # weibull | step
    parameters: tuple[Parameter, ...]
    cohorts: Array  # (M,) fitted sales of each model year (NaN where unobserved)
    fitted: Array  # (R, M) modelled stock
    residuals: Array  # (R, M) observed − modelled (NaN where unobserved)
    rmse: float  # of the observed − modelled stock [veh]
    relative_error: float  # Σ|obs − model| / Σ obs over the observed cells
    observations: int

    def value(self, name: str) -> float:
        return next(p.value for p in self.parameters if p.name == name)


def _cohorts(obs: Array, s: Array, known: Array) -> Array:
    """n_MY = Σ N·S / Σ S² over the observed years, or the known sales; NaN where a cohort is not identified."""
    mask = np.isfinite(obs)
    num = np.where(mask, obs * s, 0.0).sum(axis=0)
    den = np.where(mask, s * s, 0.0).sum(axis=0)
    fitted = np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 1e-12)
    return np.where(np.isfinite(known), known, fitted)


def _ages(years: NDArray[np.int64], model_years: NDArray[np.int64]) -> Array:
    return (np.asarray(years)[:, None] - np.asarray(model_years)[None, :]).astype(np.float64)


def _check_register(stock: Array, years: NDArray[np.int64], model_years: NDArray[np.int64]) -> Array:
    obs = np.asarray(stock, dtype=np.float64)
    if obs.shape != (len(years), len(model_years)):
        raise ValueError("stock must be registry years × model years")
    if np.any(obs[np.isfinite(obs)] < 0):
        raise ValueError("stock must be ≥ 0")
    ages = _ages(years, model_years)
    obs = np.where(ages >= 0, obs, np.nan)  # no stock before a model year is sold
    if np.isfinite(obs).sum() < 3:
        raise ValueError("at least three observed stock figures are needed")
    return obs


def fit_weibull_survival(
    stock: Array,
    years: NDArray[np.int64],
    model_years: NDArray[np.int64],
    sales: Array | None = None,
    x0: tuple[float, float] = (14.0, 4.0),
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((2.0, 40.0), (1.0, 12.0)),
    bootstrap: int = 100,
    seed: int = 0,
) -> SurvivalFit:
    """Weibull (scale a [yr], shape b) fitted to the register's stock by model year (module docstring), with
    ``bootstrap`` cohort resamples for the intervals (0: Jacobian intervals only).

    ``stock``: ``(R, M)`` year-end stock of registry years × model years (NaN unobserved); ``sales``: ``(M,)``
    new registrations of a model year where known (NaN elsewhere), which fix that cohort's size.
    """
    obs = _check_register(stock, years, model_years)
    ages = _ages(years, model_years)
    known = np.full(len(model_years), np.nan) if sales is None else np.asarray(sales, dtype=np.float64)
    lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    start = np.clip(np.asarray(x0, dtype=np.float64), lo + 1e-6, hi - 1e-6)
    x, jac, fun = _weibull_solve(obs, ages, known, start, lo, hi)
    params = _with_intervals(("scale", "shape"), x, jac, fun, lo, hi)
    if bootstrap:
        rng = np.random.default_rng(seed)
        m = obs.shape[1]
        boots = []
        for _ in range(bootstrap):
            cols = rng.integers(0, m, m)
            if np.isfinite(obs[:, cols]).sum() >= 3:
                boots.append(_weibull_solve(obs[:, cols], ages[:, cols], known[cols], x, lo, hi)[0])
        q = np.percentile(np.array(boots), [2.5, 97.5], axis=0)
        params = tuple(
            Parameter(p.name, p.value, float(min(p.low, q[0, i])), float(max(p.high, q[1, i])))
            for i, p in enumerate(params)
        )
    s = weibull_survival(ages, x[0], x[1])
    cohorts = _cohorts(obs, s, known)
    return _survival_fit("weibull", params, obs, np.nan_to_num(cohorts)[None, :] * s, cohorts)


def _weibull_solve(
    obs: Array, ages: Array, known: Array, start: Array, lo: Array, hi: Array
) -> tuple[Array, Array, Array]:
    """(a, b), the Jacobian and the residuals at the optimum of the profiled least squares."""
    mask = np.isfinite(obs)
    w = 1.0 / np.sqrt(np.maximum(np.where(mask, obs, 1.0), 1.0))

    def residuals(x: Array) -> Array:
        s = weibull_survival(ages, x[0], x[1])
        pred = np.nan_to_num(_cohorts(obs, s, known))[None, :] * s
        return ((obs - pred) * w)[mask]

    sol = least_squares(residuals, start, bounds=(lo, hi), method="trf", x_scale="jac")
    return sol.x, np.asarray(sol.jac, dtype=np.float64), sol.fun


def fit_step_survival(
    stock: Array,
    years: NDArray[np.int64],
    model_years: NDArray[np.int64],
    sales: Array | None = None,
    ages: range = range(2, 31),
) -> SurvivalFit:
    """A mandatory scrappage age A (step survival) fitted by its profile over whole ``ages`` (module docstring)."""
    obs = _check_register(stock, years, model_years)
    age = _ages(years, model_years)
    known = np.full(len(model_years), np.nan) if sales is None else np.asarray(sales, dtype=np.float64)
    mask = np.isfinite(obs)
    w = 1.0 / np.sqrt(np.maximum(np.where(mask, obs, 1.0), 1.0))
    sse = []
    for a in ages:
        s = step_survival(age, a)
        pred = np.nan_to_num(_cohorts(obs, s, known))[None, :] * s
        sse.append(float((((obs - pred) * w)[mask] ** 2).sum()))
    sse_a = np.array(sse)
    best = int(np.argmin(sse_a))
    n_obs = int(mask.sum())
    floor = max(sse_a[best], 1e-12)
    inside = [a for a, v in zip(ages, sse_a, strict=True) if n_obs * np.log(max(v, 1e-12) / floor) <= CHI2_1_95]
    a_best = float(ages[best])
    s = step_survival(age, a_best)
    cohorts = _cohorts(obs, s, known)
    pred = np.nan_to_num(cohorts)[None, :] * s
    return _survival_fit(
        "step", (Parameter("scrappage_age", a_best, float(min(inside)), float(max(inside))),), obs, pred, cohorts
    )


def _survival_fit(model: str, params: tuple[Parameter, ...], obs: Array, pred: Array, cohorts: Array) -> SurvivalFit:
    mask = np.isfinite(obs)
    res = np.where(mask, obs - pred, np.nan)
    total = float(obs[mask].sum())
    return SurvivalFit(
        model=model,
        parameters=params,
        cohorts=cohorts,
        fitted=pred,
        residuals=res,
        rmse=float(np.sqrt(np.nanmean(res**2))),
        relative_error=float(np.nansum(np.abs(res)) / total) if total > 0 else float("nan"),
        observations=int(mask.sum()),
    )


def _with_intervals(
    names: tuple[str, ...], x: Array, jac: Array, fun: Array, lo: Array, hi: Array
) -> tuple[Parameter, ...]:
    """Parameters with ±1.96 standard errors from cov = s² (JᵀJ)⁻¹, clipped to the bounds."""
    dof = max(fun.size - x.size, 1)
    s2 = float(fun @ fun) / dof
    jtj = jac.T @ jac
    cov = np.linalg.pinv(jtj) * s2
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    return tuple(
        Parameter(n, float(v), float(max(v - Z95 * e, lo[i])), float(min(v + Z95 * e, hi[i])))
        for i, (n, v, e) in enumerate(zip(names, x, se, strict=True))
    )


@dataclass(frozen=True)
class ScaleFit:
    """Scale factors fitted to observations (e.g. kilometres to reported fuel)."""

    parameters: tuple[Parameter, ...]
    fitted: Array  # (n,) modelled observations
    residuals: Array  # (n,) relative: (model − observed) / observed
    relative_rmse: float


def fit_scale_factors(
    contributions: Array,
    observed: Array,
    names: tuple[str, ...],
    bounds: tuple[float, float] = (0.3, 3.0),
) -> ScaleFit:
    """k minimising Σ ((Σ_g k_g · C_g − O) / O)² within ``bounds``: ``contributions`` ``(G, n)``, ``observed``
    ``(n,)`` (> 0, finite)."""
    c = np.asarray(contributions, dtype=np.float64)
    o = np.asarray(observed, dtype=np.float64)
    if c.shape != (len(names), o.size):
        raise ValueError("contributions must be groups × observations")
    if not (np.all(np.isfinite(c)) and np.all(np.isfinite(o)) and np.all(o > 0)):
        raise ValueError("observations must be finite and > 0, contributions finite")
    a = (c / o).T  # (n, G)
    lo, hi = np.full(len(names), bounds[0]), np.full(len(names), bounds[1])

    def residuals(k: Array) -> Array:
        return np.asarray(a @ k - 1.0, dtype=np.float64)

    sol = least_squares(residuals, np.clip(np.ones(len(names)), lo, hi), bounds=(lo, hi), method="trf")
    fitted = c.T @ sol.x
    rel = (fitted - o) / o
    jac = np.asarray(sol.jac, dtype=np.float64)
    return ScaleFit(_with_intervals(names, sol.x, jac, sol.fun, lo, hi), fitted, rel, float(np.sqrt(np.mean(rel**2))))


@dataclass(frozen=True)
class TrendFit:
    """A log-linear trend: the level in the base year and the yearly change, with intervals."""

    level: Parameter
    change: Parameter  # per year, as a fraction
    residuals: Array  # relative, per observed year


def fit_trend(years: NDArray[np.int64], values: Array, base_year: int) -> TrendFit:
    """ln x(y) = ln x0 + (y − y0) · ln(1 + r) by least squares; intervals from the residual variance."""
    y = np.asarray(years, dtype=np.float64) - base_year
    v = np.asarray(values, dtype=np.float64)
    if v.size < 2 or not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise ValueError("a trend needs at least two finite values > 0")
    a = np.column_stack([np.ones_like(y), y])
    coef, *_ = np.linalg.lstsq(a, np.log(v), rcond=None)
    res = np.log(v) - a @ coef
    dof = max(v.size - 2, 1)
    cov = np.linalg.pinv(a.T @ a) * float(res @ res) / dof
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    lv, lr = coef
    level = Parameter("level", float(np.exp(lv)), float(np.exp(lv - Z95 * se[0])), float(np.exp(lv + Z95 * se[0])))
    change = Parameter(
        "change", float(np.expm1(lr)), float(np.expm1(lr - Z95 * se[1])), float(np.expm1(lr + Z95 * se[1]))
    )
    return TrendFit(level, change, np.expm1(res))


def relative_errors(modelled: Array, observed: Array) -> Array:
    """(model − observed) / observed, NaN where nothing was observed (or observed 0)."""
    m = np.asarray(modelled, dtype=np.float64)
    o = np.asarray(observed, dtype=np.float64)
    return np.asarray(np.divide(m - o, o, out=np.full(o.shape, np.nan), where=np.isfinite(o) & (o != 0)))
