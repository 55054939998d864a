"""Global sensitivity of scenario outputs to the uncertain inputs: Sobol first-order and total indices (SALib).

Each input is sampled on the unit interval by Saltelli's scheme (Sobol' sequences, N·(k + 2) model runs without
second-order terms) and mapped through its declared distribution's F⁻¹, so the indices are those of the declared
marginals; correlations are not applied here (Sobol indices assume independent inputs) [1]_ [2]_::

    S1_j = V[E(Y | X_j)] / V(Y)           the share of the output's variance that X_j explains alone
    ST_j = E[V(Y | X_~j)] / V(Y)          its share with all its interactions

References
----------
.. [1] Saltelli, A., et al. (2010). Variance based sensitivity analysis of model output. Design and estimator for
   the total sensitivity index. Computer Physics Communications 181(2):259–270.
.. [2] Herman, J., Usher, W. (2017). SALib: An open-source Python library for Sensitivity Analysis. Journal of
   Open Source Software 2(9):97.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from transcarbon.methods.scenarios.uncertainty import Distribution

Array = NDArray[np.float64]


@dataclass(frozen=True)
class SobolIndex:
    """First-order and total Sobol indices of one input for one output, with 95 % bootstrap half-widths."""

    input: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float


def sobol(
    names: Sequence[str],
    dists: Sequence[Distribution],
    model: Callable[[Array], dict[str, Array]],
    base_samples: int = 256,
    seed: int = 0,
) -> dict[str, list[SobolIndex]]:
    """Sobol indices of each output of ``model`` (draws × inputs → output name → values per draw), ranked by the
    total index, from ``base_samples`` · (k + 2) runs (``base_samples`` a power of two)."""
    if len(names) != len(dists) or not names:
        raise ValueError("one name per distribution, at least one input")
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    u = np.clip(sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed), 1e-9, 1 - 1e-9)
    theta = np.column_stack([d.ppf(u[:, j]) for j, d in enumerate(dists)])
    outputs = model(theta)
    result: dict[str, list[SobolIndex]] = {}
    for out_name, y in outputs.items():
        values = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.var(values) == 0:
            result[out_name] = [SobolIndex(n, 0.0, 0.0, 0.0, 0.0) for n in names]
            continue
        si = sobol_analyze.analyze(problem, values, calc_second_order=False, seed=seed)
        rows = [
            SobolIndex(n, float(si["S1"][j]), float(si["S1_conf"][j]), float(si["ST"][j]), float(si["ST_conf"][j]))
            for j, n in enumerate(names)
        ]
        result[out_name] = sorted(rows, key=lambda r: -r.st)
    return result
