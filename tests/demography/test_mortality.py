"""Tests of ``projsim.demography.mortality``: layouts, null conditions and regional shifts.

The null and sign conditions hold (target = base e0 gives the base, higher e0
lowers every rate the pattern moves), any arrangement of the leading
dimensions gives the same rates, and one index per year and sex moves every
region while keeping their differentials. ``test_e0_solver`` checks the
solver under these functions.
"""

from __future__ import annotations

import numpy as np
from helpers import raises_exactly
from mortality_cases import SEX_AXIS, random_patterns, random_schedules

from projsim.demography.e0_solver import reachable_e0
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.mortality import (
    mortality_index_for_e0,
    refine_mortality_index,
    regional_rates_for_e0,
    shift_to_e0,
)
from projsim.io import load_base, load_lee_carter
from projsim.types import SEXES


def test_every_leading_layout_gives_the_same_rates():
    rng = np.random.default_rng(7)
    rates = random_schedules(rng, (2,))
    pattern = load_lee_carter().age_pattern
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + rng.uniform(-5, 8, (7, 50, 2))  # (variant, time, sex)
    by_variant = shift_to_e0(rates, pattern, targets, SEX_AXIS)
    sex_first = shift_to_e0(rates[:, None, None, :], pattern[:, None, None, :], np.moveaxis(targets, -1, 0),
                            SEX_AXIS[:, None, None])
    assert by_variant.shape == (7, 50, 2, 111)
    np.testing.assert_allclose(np.moveaxis(sex_first, 0, -2), by_variant, rtol=1e-5)
    one_by_one = np.stack([shift_to_e0(rates[s], pattern[s], targets[3, 10, s], SEXES[s]) for s in range(2)])
    np.testing.assert_allclose(by_variant[3, 10], one_by_one, rtol=1e-5)


def test_target_equal_to_base_e0_returns_the_base_rates():
    rng = np.random.default_rng(3)
    rates = random_schedules(rng, (3, 2))
    base_e0 = life_expectancy_at_birth(rates, SEX_AXIS)
    pattern = random_patterns(rng, (3, 2))
    for n_targets in (1, 30):  # solved directly, and through the interpolation levels
        moved = shift_to_e0(rates, pattern, np.broadcast_to(base_e0, (n_targets, 3, 2)), SEX_AXIS)
        np.testing.assert_array_equal(moved, np.broadcast_to(rates, moved.shape))


def test_refined_index_hits_the_targets_of_schedules_that_moved():
    """A few secant steps from the old index, or the full search when they are not allowed."""
    rng = np.random.default_rng(23)
    rates = random_schedules(rng, (3, 2))
    pattern = random_patterns(rng, (3, 2))
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + rng.uniform(-4, 4, (5, 3, 2))
    start = mortality_index_for_e0(rates, pattern, targets, SEX_AXIS)
    moved = rates * 1.02
    for iterations in (12, 0):
        k = refine_mortality_index(moved, pattern, targets, SEX_AXIS, start, iterations=iterations)
        reached = life_expectancy_at_birth(moved * np.exp(k[..., None] * pattern), SEX_AXIS)
        assert np.abs(reached - targets).max() < 1e-4

# --- regions --------------------------------------------------------------------


def test_regional_differentials_are_kept_and_national_e0_is_hit():
    rng = np.random.default_rng(17)
    regional = random_schedules(rng, (3, 2))  # (region, sex)
    weights = rng.uniform(1e3, 1e5, (3, 2, 111))
    pattern = load_lee_carter().age_pattern
    national = (weights * regional).sum(0) / weights.sum(0)
    targets = life_expectancy_at_birth(national, SEX_AXIS) + rng.uniform(0, 8, (4, 50, 2))  # (variant, time, sex)

    moved = regional_rates_for_e0(regional, weights, pattern, targets, SEXES)

    assert moved.shape == (4, 50, 3, 2, 111)  # (variant, time, region, sex, age)
    moved_national = (weights * moved).sum(-3) / weights.sum(0)
    assert np.abs(life_expectancy_at_birth(moved_national, SEX_AXIS) - targets).max() < 1e-4
    np.testing.assert_allclose(np.log(moved / moved_national[..., None, :, :]),
                               np.broadcast_to(np.log(regional / national), moved.shape), atol=1e-12)


def test_belgium_2011_moved_to_the_fpb_2060_life_expectancy():
    """Belgian regional rates of around 2011 moved to the FPB's e0 for 2060.

    The FPB's 2012-2060 projection reaches e0 = 89.1 years for women and
    86.7 for men in 2060, against about 83 and 78 in the base. With the
    Belgian Lee-Carter pattern, which is positive or zero at every age,
    the index falls and every rate falls where b(x) > 0 and stays where
    b(x) = 0 (the oldest ages, see the model's README), in every region.
    The weights are the base population, pooled over 100+ where some
    single ages have nobody.
    """
    base = load_base("belgium-2012")
    pattern = load_lee_carter().age_pattern
    weights = base.population.copy()
    weights[..., 100:] = weights[..., 100:].sum(axis=-1, keepdims=True)
    target = np.array([[89.1, 86.7]])  # (time, sex) in the order of SEXES

    moved = regional_rates_for_e0(base.mortality_rate, weights, pattern, target, SEXES)[0]

    change = np.sign(moved - base.mortality_rate)
    np.testing.assert_array_equal(change, np.broadcast_to(-np.sign(pattern), change.shape))
    assert (pattern[:, :100] > 0).all()
    national = (weights * moved).sum(0) / weights.sum(0)
    assert np.abs(life_expectancy_at_birth(national, SEX_AXIS) - target[0]).max() < 1e-4


# --- error messages -------------------------------------------------------------


def test_error_weights_without_anyone():
    weights = np.ones((3, 2, 111))
    weights[:, 1, 108] = 0.0
    with raises_exactly(
        "argument 'weights': got a total of 0 over the regions at index (1, 108) of (..., sex, age); expected a "
        "positive total weight over the regions at every sex and age. Fix: pool the weights of the oldest ages, "
        "for example weights[..., 100:] = weights[..., 100:].sum(axis=-1, keepdims=True)."
    ):
        regional_rates_for_e0(np.full((3, 2, 111), 0.01), weights, np.full(111, 0.01), [[80.0, 75.0]], SEXES)


def test_error_regional_rates_without_region_axis():
    with raises_exactly(
        "argument 'regional_rates': got an array of shape (2, 111); expected an array with axes (..., region, "
        "sex, age). Fix: add the region and sex axes, with length 1 if there is one region."
    ):
        regional_rates_for_e0(np.full((2, 111), 0.01), 1.0, np.full(111, 0.01), [[80.0, 75.0]], SEXES)


def test_e0_targets_of_abridged_rates_by_greville():
    """WPP's abridged rates of 2020-2025 moved to e0 targets two years higher, with the
    life table of the projection's survival ratios: Greville's, on the abridged groups."""
    from projsim.io.wpp import load_wpp

    inputs = load_wpp("wpp2024-belgium")
    rates, widths = inputs.mortality_rate[0], inputs.mortality_widths
    pattern = load_lee_carter().on_groups(inputs.mortality_ages).age_pattern
    rules = {"age_width": widths, "separation": "greville"}
    start = life_expectancy_at_birth(rates, np.array(SEXES), **rules)
    moved = shift_to_e0(rates, pattern, start + 2, np.array(SEXES), **rules)
    np.testing.assert_allclose(life_expectancy_at_birth(moved, np.array(SEXES), **rules),
                               start + 2, atol=1e-4)
    k = mortality_index_for_e0(rates, pattern, start + 2, np.array(SEXES), **rules)
    again = refine_mortality_index(rates * 1.01, pattern, start + 2, np.array(SEXES), k, **rules)
    np.testing.assert_allclose(life_expectancy_at_birth(
        rates * 1.01 * np.exp(again[:, None] * pattern), np.array(SEXES), **rules), start + 2,
        atol=1e-4)
    low, high = reachable_e0(rates, pattern, np.array(SEXES), **rules)
    assert np.all(low < start) and np.all(start < high)
