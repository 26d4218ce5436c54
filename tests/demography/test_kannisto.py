"""Tests of ``projsim.demography.kannisto``: exact fits, quadrature, HMD's extension, errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_exactly
from lifetable_cases import E0_TOLERANCE, hmd_tables
from scipy.integrate import quad

from projsim.demography.kannisto import kannisto_extend, kannisto_fit, kannisto_life_expectancy
from projsim.demography.lifetable import life_expectancy_at_birth, life_table


def kannisto_rates(level, slope, ages):
    odds = level * np.exp(slope * np.asarray(ages, dtype=float))
    return odds / (1 + odds)


def test_kannisto_fit_recovers_parameters_of_exact_rates():
    ages = np.arange(111)
    level = np.array([[2e-5, 5e-5], [1e-5, 8e-6], [3e-5, 1e-4]])
    slope = np.array([[0.11, 0.10], [0.12, 0.125], [0.09, 0.105]])
    rates = kannisto_rates(level[..., None], slope[..., None], ages)
    fitted_level, fitted_slope = kannisto_fit(rates, ages, fit_ages=(80, 99))
    assert fitted_level.shape == fitted_slope.shape == (3, 2)
    np.testing.assert_allclose(fitted_level, level, rtol=1e-10)
    np.testing.assert_allclose(fitted_slope, slope, rtol=1e-10)


def test_kannisto_extend_keeps_observed_and_uses_fitted_rates():
    hmd = hmd_tables()[2011, "female"]["mx"][:100]
    extended = kannisto_extend(hmd, np.arange(100), fit_ages=(80, 99), replace_from=90, open_age=110)
    level, slope = kannisto_fit(hmd, np.arange(100), fit_ages=(80, 99))
    assert extended.shape == (111,)
    np.testing.assert_array_equal(extended[:90], hmd[:90])
    np.testing.assert_allclose(extended[90:110], kannisto_rates(level, slope, np.arange(90, 110)), rtol=1e-14)
    assert extended[-1] == pytest.approx(1 / kannisto_life_expectancy(level, slope, 110.0), rel=1e-14)


def test_kannisto_life_expectancy_matches_adaptive_quadrature():
    # m_x = mu(x + 1/2): the force at exact age t is the curve evaluated at t - 1/2.
    for level, slope, age in [(2e-5, 0.11, 110.0), (1e-6, 0.15, 80.0), (5e-4, 0.06, 100.0)]:
        def survival(t):
            log_odds = np.log(level) + slope * (age - 0.5 + np.array([t, 0.0]))
            hazard_integral = np.diff(np.logaddexp(0, log_odds)[::-1])[0] / slope
            return np.exp(-hazard_integral)

        expected = quad(survival, 0, np.inf, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert kannisto_life_expectancy(level, slope, age) == pytest.approx(expected, rel=1e-10)


def test_kannisto_open_group_of_flat_unit_hazard_lives_one_year():
    # A huge level makes the Kannisto force equal to 1 per year at every age.
    assert kannisto_life_expectancy(1e15, 0.1, 100.0) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(("year", "sex"), [(2011, "female"), (2011, "male")])
def test_kannisto_extension_of_truncated_rates_reproduces_hmd(year, sex):
    """Rates cut at 99 and closed by Kannisto at 110+ give HMD's e0 and e80."""
    hmd = hmd_tables()[year, sex]
    truncated = hmd["mx"][:100]
    extended = kannisto_extend(truncated, np.arange(100), fit_ages=(80, 99), replace_from=100, open_age=110)
    table = life_table(extended, sex)
    full_e0 = life_expectancy_at_birth(hmd["mx"], sex)
    assert abs(table.ex[0] - full_e0) < 1e-3  # [years]
    assert abs(table.ex[80] - hmd["ex"][80]) < E0_TOLERANCE  # [years]
    assert abs(table.ex[100] - hmd["ex"][100]) < 0.02  # [years]


def test_kannisto_fit_accepts_old_ages_only():
    ages = np.arange(80, 100)
    level, slope = kannisto_fit(kannisto_rates(3e-5, 0.105, ages), ages)
    assert (level, slope) == (pytest.approx(3e-5, rel=1e-10), pytest.approx(0.105, rel=1e-10))


def test_error_kannisto_ages_do_not_match():
    with raises_exactly(
        "argument 'ages': got [ 0,  1,  2, ..., 97, 98, 99] (shape (100,)); expected 101 consecutive single "
        "ages 1 year apart, one per rate on the last axis. "
        "Fix: pass the integer age [years] of each rate, for example np.arange(mortality_rate.shape[-1])."
    ):
        kannisto_fit(np.full(101, 0.1), np.arange(100))


def test_error_kannisto_extend_ages_not_from_zero():
    with raises_exactly(
        "argument 'ages': got [  1,   2,   3, ...,  98,  99, 100] (shape (100,)); expected 100 consecutive "
        "single ages starting at 0, one per rate on the last axis. "
        "Fix: pass the integer age [years] of each rate, for example np.arange(mortality_rate.shape[-1])."
    ):
        kannisto_extend(np.full(100, 0.1), np.arange(1, 101), replace_from=90, open_age=110)


def test_error_kannisto_fit_ages_outside_rates():
    with raises_exactly(
        "argument 'fit_ages': got (80, 105); expected two ages first < last within the observed ages 0..99. "
        "Fix: fit on an age range the rates cover, for example (80, 99)."
    ):
        kannisto_fit(np.full(100, 0.1), np.arange(100), fit_ages=(80, 105))


def test_error_kannisto_rate_without_logit():
    rates = np.full(100, 0.1)
    rates[95] = 1.2
    with raises_exactly(
        "argument 'mortality_rate': got 1.2 at index (95,); expected rates strictly between 0 and 1 at the "
        "fitting ages 80..99. Fix: choose fit_ages where every rate is positive and below 1."
    ):
        kannisto_extend(rates, np.arange(100), replace_from=90, open_age=110)


def test_error_kannisto_replace_from_beyond_observed_ages():
    with raises_exactly(
        "argument 'replace_from': got 101; expected an age from 0 to min(number of observed ages, open_age) "
        "= 100. Fix: keep observed rates only for ages that were observed."
    ):
        kannisto_extend(np.full(100, 0.1), np.arange(100), replace_from=101, open_age=110)


def test_error_kannisto_slope_not_positive():
    rates = np.full((1, 100), 0.1)
    rates[0, 80:] = np.linspace(0.2, 0.1, 20)
    with raises_exactly(
        "argument 'mortality_rate': got a Kannisto slope of -0.04219 per year of age at leading "
        "index (0,); expected rates that rise with age over the fitting ages 80..99. "
        "Fix: fit on older ages or on rates pooled over more years."
    ):
        kannisto_extend(rates, np.arange(100), replace_from=90, open_age=110)
