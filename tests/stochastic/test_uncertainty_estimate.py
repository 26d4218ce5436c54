"""The estimate of the migration deviations (``tools/estimate_uncertainty.py``): no-change errors,
the random walk of short series, the regions' own parts, the widening for estimation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def script():
    name = "estimate_uncertainty"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def simulated(phi, sd, years, rows, seed):
    rng = np.random.default_rng(seed)
    values = np.zeros((rows, years))
    for t in range(1, years):
        values[:, t] = phi * values[:, t - 1] + sd * rng.standard_normal(rows)
    return values


def test_no_change_variance_is_that_of_the_sums_of_an_autoregression(script):
    phi, sd, horizon = 0.7, 3.0, 6
    # x(t) = sum over k <= t of phi^(t-k) e(k); the sum over t = 1..h weights e(k) by sum phi^(t-k)
    weights = np.array([sum(phi ** (t - k) for t in range(k, horizon)) for k in range(horizon)])
    assert script.no_change_variance(phi, np.array([horizon]))[0] * sd**2 == pytest.approx(
        sd**2 * weights @ weights)


def test_the_no_change_fit_recovers_a_random_walk(script):
    # a random walk's no-change errors are those of the model's deviations, whatever the origin
    values = simulated(1.0, 2.0, 60, 400, seed=20261207)
    fit = script.fit_no_change(values, range(1960, 2020))
    assert fit.persistence_estimated
    assert fit.autocorrelation >= 0.98
    assert fit.sd == pytest.approx(2.0, rel=0.05)
    assert fit.degrees_of_freedom == 59 * 400 - 1


def test_the_no_change_fit_matches_the_errors_it_was_fitted_to(script):
    values = simulated(0.8, 2.0, 60, 400, seed=11)
    fit = script.fit_no_change(values, range(1960, 2020))
    model = fit.sd * np.sqrt(script.no_change_variance(fit.autocorrelation, np.arange(1, 11)))
    np.testing.assert_allclose(fit.error_rms / model, 1, atol=0.08)


def test_a_short_series_is_a_random_walk_of_its_mean_squared_change(script):
    values = np.array([8000.0, 27000.0, 26000.0, 19000.0, 18000.0])
    fit = script.fit_no_change(values, range(1990, 1995))
    assert not fit.persistence_estimated
    assert fit.autocorrelation == 1.0
    assert fit.sd == pytest.approx(np.sqrt(np.mean(np.diff(values) ** 2)))
    assert fit.degrees_of_freedom == 4


def test_the_widening_is_students_at_80_percent(script):
    from scipy.stats import norm, t

    assert script.predictive_factor(4) == pytest.approx(t.ppf(0.9, 4) / norm.ppf(0.9))
    assert script.predictive_factor(10**6) == pytest.approx(1.0, abs=1e-5)


def test_the_regions_own_parts_are_what_the_national_total_leaves(script):
    rng = np.random.default_rng(5)
    national = np.cumsum(rng.normal(0, 10_000, 40))
    own = simulated(1.0, 1_000, 40, 3, seed=6)
    own -= own.mean(axis=0)                       # the regions' own parts sum to zero
    migration = national[:, None] * np.array([0.4, 0.4, 0.2]) + own.T
    fit = script.fit_regional(migration, range(1981, 2021), phi=1.0)
    np.testing.assert_allclose(fit.loadings, [0.4, 0.4, 0.2], atol=0.04)
    assert fit.loadings.sum() == pytest.approx(1.0)
    # centred independent walks: each has variance (R - 1) / R of the innovations'; sd gives it back
    assert fit.own.sd == pytest.approx(1_000 * np.sqrt(2 / 3), rel=0.15)
    assert fit.sd == pytest.approx(fit.own.predictive_sd * np.sqrt(3 / 2))
    given = script.fit_regional(migration, range(1981, 2021), phi=1.0, shares=np.array([0.5, 0.3, 0.2]))
    np.testing.assert_array_equal(given.loadings, [0.5, 0.3, 0.2])


def test_migration_autocorrelation_may_be_one(script):
    values = script.parameters(script.fit_until(2000))
    assert values.migration_autocorrelation == 1.0
    script.check_parameters(values)
