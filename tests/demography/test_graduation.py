"""Tests of ``projsim.demography.graduation``: exact totals, no negatives, round trips.

Parity: the Hermite slopes against scipy's ``PchipInterpolator`` of the
cumulated counts (a different implementation of the same interpolant).
Round trips: the Belgian population of 1 January 2012 (the embedded base,
summed over its state dimensions) and HMD death rates, grouped and graduated
back; the errors stated here are the measured ones, rounded up.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_exactly
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lifetable_cases import HMD_CASES, hmd_tables
from scipy.interpolate import PchipInterpolator

from projsim.demography.graduation import graduate_counts, graduate_rates, group_counts, group_rates
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.io import load_base

ABRIDGED = np.array([1, 4] + [5] * 21)  # 0, 1-4, 5-9, ..., 105-109 (110+ open)


def belgian_population_2012(open_age=100):
    """The 2012 base by sex and single age, summed over its state dimensions, open at ``open_age``."""
    population = load_base("belgium-2012").population
    national = population.reshape(-1, *population.shape[-2:]).sum(axis=0)  # (sex, age)
    return np.concatenate([national[:, :open_age], national[:, open_age:].sum(-1, keepdims=True)], axis=-1)


# --- the two properties the issue asks for --------------------------------------


def test_group_totals_are_kept_exactly():
    population = belgian_population_2012()
    groups = group_counts(population, 5)
    single = graduate_counts(groups, 5)
    assert single.shape == population.shape
    np.testing.assert_allclose(group_counts(single, 5), groups, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(single[:, -1], population[:, -1])  # the open group, as given


@settings(max_examples=80, deadline=None)
@given(counts=arrays(float, st.tuples(st.integers(1, 3), st.integers(2, 25)),
                     elements=st.one_of(st.just(0.0), st.floats(0, 1e7))),
       abridged=st.booleans())
def test_no_negatives_and_exact_totals_for_any_counts(counts, abridged):
    n_closed = counts.shape[-1] - 1
    widths = (np.append([1, 4, 5, 5][:n_closed], [5] * max(0, n_closed - 4)) if abridged
              else np.full(n_closed, 5))
    single = graduate_counts(counts, np.append(widths, np.inf))
    assert np.all(single >= 0)
    np.testing.assert_allclose(group_counts(single, widths), counts, rtol=1e-13, atol=1e-300)


def test_equal_groups_give_equal_single_years():
    single = graduate_counts(np.full((2, 7), 50.0), 5)
    np.testing.assert_allclose(single[:, :-1], 10.0, rtol=1e-14)


# --- parity with scipy ----------------------------------------------------------


def test_slopes_equal_scipy_pchip_of_the_cumulated_counts():
    rng = np.random.default_rng(3)
    counts = rng.uniform(0, 1e5, (4, 24))
    counts[0, 3], counts[1, 6:9], counts[2, 0] = 0.0, 0.0, 0.0
    limits = np.concatenate([[0], np.cumsum(ABRIDGED)])
    cumulated = np.concatenate([np.zeros((4, 1)), np.cumsum(counts[:, :-1], axis=-1)], axis=-1)
    reference = np.diff(PchipInterpolator(limits, cumulated, axis=-1)(np.arange(111)), axis=-1)
    single = graduate_counts(counts, np.append(ABRIDGED, np.inf))
    np.testing.assert_allclose(single[:, :-1], reference, rtol=1e-9, atol=1e-8)


# --- round trip on the Belgian population of 2012 ---------------------------------


def test_belgian_2012_population_round_trip():
    """Grouped to 0-4, ..., 95-99, 100+ and graduated back, the single years of 2012
    come back within 3.5 % at ages 0-59 (mean 1.2 %) and 20 % at 60-89, where the
    births of the Second World War and the rebound after it (ages 64-74) cannot be
    seen in five-year groups; at 90-99 those of the First World War (ages 89-94) make
    75 %. Half the sum of the absolute errors is 1.1 % of the population of each sex."""
    population = belgian_population_2012()
    single = graduate_counts(group_counts(population, 5), 5)
    error = np.abs(single[:, :-1] / population[:, :-1] - 1)
    assert error[:, :60].max() < 0.035 and error[:, :60].mean() < 0.012
    assert error[:, 60:90].max() < 0.20 and error[:, :90].mean() < 0.024
    assert error[:, 90:].max() < 0.75
    dissimilarity = 0.5 * np.abs(single - population).sum(-1) / population.sum(-1)
    assert np.all(dissimilarity < 0.011)


# --- rates ------------------------------------------------------------------------


def test_rates_keep_each_group_mean_and_the_tfr():
    fertility = load_base("belgium-2012-regions").fertility_rate  # (region, age), 110+
    grouped = group_rates(fertility, 5)
    single = graduate_rates(grouped, 5)
    np.testing.assert_allclose(group_rates(single, 5), grouped, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(single.sum(-1), fertility.sum(-1), rtol=1e-13)
    no_births = np.flatnonzero(grouped[:, :-1].max(axis=0) == 0)  # 0-14 and 50-109: zeros
    assert no_births.size == 15
    assert np.all(single[:, :-1].reshape(len(single), -1, 5)[:, no_births] == 0)
    assert np.abs(single - fertility).max() < 0.016  # [births per woman]; the peak is about 0.12


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_death_rates_round_trip_keeps_e0(year, sex):
    """HMD's single-year rates, averaged over 0, 1-4, 5-9, ..., 105-109 and graduated:
    e0 moves by less than 0.01 years."""
    rates = hmd_tables()[year, sex]["mx"]
    single = graduate_rates(group_rates(rates, ABRIDGED), np.append(ABRIDGED, np.inf))
    assert single[0] == rates[0] and single[-1] == rates[-1]
    assert abs(life_expectancy_at_birth(single, sex) - life_expectancy_at_birth(rates, sex)) < 0.01


# --- errors ---------------------------------------------------------------------


def test_error_negative_count():
    with raises_exactly(
        "argument 'counts': got -3.0 at index (1, 2); expected finite values >= 0. "
        "Fix: graduate counts and rates, not net flows; fill gaps with data."
    ):
        graduate_counts([[1.0, 2.0, 3.0], [1.0, 2.0, -3.0]], 5)


def test_error_widths_not_whole_years():
    with raises_exactly(
        "argument 'age_width': got [1. , 4.5, inf] for 3 age groups; expected whole years >= 1 for each "
        "closed group (one number, or one per group ending with np.inf for the open group), and at least "
        "one closed group. Fix: give widths such as 5 or [1, 4, 5, ..., 5, np.inf]."
    ):
        graduate_rates([0.01, 0.001, 0.2], [1, 4.5, np.inf])


def test_error_groups_that_miss_the_open_age():
    with raises_exactly(
        "argument 'age_width': got widths adding up to 10 years; expected positive whole-year widths adding "
        "up to the open age, 12. Fix: choose groups that end where the open group starts."
    ):
        group_counts(np.ones(13), [1, 4, 5])
