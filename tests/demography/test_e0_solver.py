"""Tests of ``projsim.demography.e0_solver``: every target hit, parity with Brent, messages.

Every returned schedule is put through
``projsim.demography.lifetable.life_expectancy_at_birth`` and must hit its
target, by both routes of the solver (at every target, and interpolated
between levels); the index it finds is compared with scipy's Brent root
finder run one schedule at a time (a different implementation).
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_exactly
from mortality_cases import SEX_AXIS, random_patterns, random_schedules
from scipy.optimize import brentq

from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.mortality import MAX_LIFE_EXPECTANCY, mortality_index_for_e0, shift_to_e0
from projsim.io import load_lee_carter
from projsim.types import SEXES

#: The scenario language promises e0 to 0.001 years.
PROMISED = 1e-3  # [years]


@pytest.mark.parametrize("n_targets", [3, 40], ids=["solved at every target", "interpolated between levels"])
def test_random_targets_are_hit(n_targets):
    rng = np.random.default_rng(20130501 + n_targets)
    rates = random_schedules(rng, (4, 2))  # (region, sex)
    pattern = random_patterns(rng, (4, 2))
    base_e0 = life_expectancy_at_birth(rates, SEX_AXIS)
    targets = base_e0 + rng.uniform(-8.0, 8.0, (n_targets, 4, 2))  # (time, region, sex)
    moved = shift_to_e0(rates, pattern, targets, SEX_AXIS)
    assert moved.shape == (n_targets, 4, 2, 111)
    error = np.abs(life_expectancy_at_birth(moved, SEX_AXIS) - targets)
    assert error.max() < 1e-4 < PROMISED
    np.testing.assert_allclose(np.log(moved / rates), np.log(moved / rates)[..., :1] / pattern[..., :1] * pattern,
                               rtol=1e-9, atol=1e-12)


def test_index_agrees_with_brent_one_schedule_at_a_time():
    rng = np.random.default_rng(11)
    rates = random_schedules(rng, (3, 2))
    pattern = random_patterns(rng, (3, 2))
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + rng.uniform(-6, 6, (20, 3, 2))
    index = mortality_index_for_e0(rates, pattern, targets, SEX_AXIS, tolerance=1e-10)
    for t, r, s in [(0, 0, 0), (5, 1, 1), (19, 2, 0), (12, 2, 1)]:
        def gap(k):
            return life_expectancy_at_birth(rates[r, s] * np.exp(k * pattern[r, s]), SEXES[s]) - targets[t, r, s]

        bound = 20 / pattern[r, s].max()
        reference = brentq(gap, -bound, bound, xtol=1e-12, rtol=1e-14)
        assert index[t, r, s] == pytest.approx(reference, abs=1e-7)


def test_patterns_with_negative_values_are_solved():
    rng = np.random.default_rng(5)
    rates = random_schedules(rng, (2,))
    mixed = load_lee_carter().age_pattern.copy()
    mixed[:, 20:35] = -0.004  # mortality of young adults moving against the rest
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + np.array([[-3.0], [0.5], [4.0]])[..., None]
    for pattern in (mixed, -load_lee_carter().age_pattern):  # an all-negative pattern: e0 rises with k
        moved = shift_to_e0(rates, pattern, targets[:, 0], SEX_AXIS)
        assert np.abs(life_expectancy_at_birth(moved, SEX_AXIS) - targets[:, 0]).max() < 1e-4


# --- error messages -------------------------------------------------------------


def test_error_unreachable_target():
    rates = 1e-4 * 2 ** (np.arange(101) / 10)
    old_ages_only = np.where(np.arange(101) >= 70, 1.0, 0.0)
    with raises_exactly(
        "argument 'target_e0': got 40 years at index (1,); expected a life expectancy at birth from 68.070 to "
        "120.000 years, the range that mortality_rate * exp(k * age_pattern) reaches for |k * age_pattern| <= 20. "
        "Fix: choose a reachable target, or a pattern that moves mortality at the ages that limit e0."
    ):
        shift_to_e0(rates, old_ages_only, [87.0, 40.0], "female")


def test_error_target_above_the_maximum():
    assert MAX_LIFE_EXPECTANCY == 120
    with raises_exactly(
        "argument 'target_e0': got 867 years at index (1, 0); expected a life expectancy at birth above 0 and at "
        "most 120 years. Fix: give the target in years, for example 86.7."
    ):
        shift_to_e0(np.full(111, 0.01), np.full(111, 0.01), [[80.0], [867.0]], "male")


def test_error_flat_pattern():
    pattern = np.full((2, 111), 0.01)
    pattern[1] = 0.0
    with raises_exactly(
        "argument 'age_pattern': got zero at every age at leading index (1,); expected a pattern that is nonzero "
        "at one age at least. Fix: give the pattern along which log mortality moves, for example "
        "load_lee_carter().age_pattern."
    ):
        shift_to_e0(np.full((2, 111), 0.01), pattern, 80.0, SEX_AXIS)


def test_error_pattern_length():
    with raises_exactly(
        "argument 'age_pattern': got an array of shape (2, 101); expected 111 values on the last axis, one per age "
        "group of 'mortality_rate'. Fix: give b(x) for the same ages as the rates, for example "
        "load_lee_carter().age_pattern."
    ):
        shift_to_e0(np.full((2, 111), 0.01), np.full((2, 101), 0.01), 80.0, SEX_AXIS)


def test_error_shapes_do_not_broadcast():
    with raises_exactly(
        "arguments 'mortality_rate', 'age_pattern', 'sex' and 'target_e0': got leading shapes mortality_rate "
        "(3, 2), age_pattern (2,), sex (2,), target_e0 (50, 3); expected leading shapes that broadcast together. "
        "Fix: insert length-1 axes where an input does not vary."
    ):
        shift_to_e0(np.full((3, 2, 111), 0.01), np.full((2, 111), 0.01), np.full((50, 3), 80.0), SEX_AXIS)


def test_error_tolerance():
    with raises_exactly(
        "argument 'tolerance': got 0.01; expected a tolerance from 1e-10 to 0.001 years. "
        "Fix: use the default 1e-4 years."
    ):
        shift_to_e0(np.full(111, 0.01), np.full(111, 0.01), 80.0, "female", tolerance=0.01)
