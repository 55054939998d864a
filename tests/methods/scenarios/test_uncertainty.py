"""Monte Carlo: distributions, the Gaussian copula, percentiles converging with the number of draws, and Sobol
indices of a model with known answers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from transcarbon.methods.scenarios import sensitivity, uncertainty
from transcarbon.methods.scenarios.uncertainty import Distribution


def test_distributions_and_their_central_values():
    u = np.array([0.1, 0.5, 0.9])
    tri = Distribution("triangular", (0.8, 1.0, 1.3))
    assert_allclose(tri.ppf(u), stats.triang.ppf(u, 0.4, loc=0.8, scale=0.5))
    assert Distribution("lognormal", (2.0, 1.5)).ppf(np.array([0.5]))[0] == pytest.approx(2.0)
    assert Distribution("uniform", (1, 3)).central == 2
    with pytest.raises(ValueError, match="out of order"):
        Distribution("triangular", (1.0, 0.5, 2.0))
    with pytest.raises(ValueError, match="unknown distribution"):
        Distribution("beta", (1.0, 2.0))


def test_percentiles_converge_to_the_exact_quantiles():
    dist = Distribution("lognormal", (1.0, 1.4))
    exact = dist.ppf(np.array([0.1, 0.5, 0.9]))
    errors = []
    for n in (500, 5_000, 50_000):
        x = uncertainty.sample([dist], n, np.random.default_rng(n))[:, 0]
        errors.append(np.abs(uncertainty.percentiles(x) / exact - 1).max())
    assert errors[-1] < 0.01
    assert errors[2] < errors[0]


def test_gaussian_copula_keeps_marginals_and_induces_correlation():
    dists = [Distribution("uniform", (0, 1)), Distribution("triangular", (0, 1, 2))]
    r = np.array([[1.0, 0.8], [0.8, 1.0]])
    x = uncertainty.sample(dists, 40_000, np.random.default_rng(7), r)
    assert stats.spearmanr(x[:, 0], x[:, 1]).statistic == pytest.approx(6 / np.pi * np.arcsin(0.4), abs=0.02)
    assert np.median(x[:, 1]) == pytest.approx(1.0, abs=0.02)
    assert x[:, 0].min() >= 0 and x[:, 0].max() <= 1
    with pytest.raises(ValueError, match="positive definite"):
        uncertainty.sample(dists, 10, np.random.default_rng(0), np.array([[1.0, 1.5], [1.5, 1.0]]))


def test_year_distribution():
    assert uncertainty.year_distribution(np.array([2028, 2030, 2030, 0])) == {0: 0.25, 2028: 0.25, 2030: 0.5}


def test_sobol_indices_of_a_linear_model():
    dists = [Distribution("uniform", (0, 1))] * 3

    def model(theta):
        return {"y": 2 * theta[:, 0] + theta[:, 1] + 0 * theta[:, 2]}

    got = sensitivity.sobol(["a", "b", "c"], dists, model, base_samples=1024)["y"]
    by = {r.input: r for r in got}
    assert [r.input for r in got][:2] == ["a", "b"]
    assert by["a"].s1 == pytest.approx(0.8, abs=0.05)
    assert by["b"].st == pytest.approx(0.2, abs=0.05)
    assert abs(by["c"].st) < 0.02
