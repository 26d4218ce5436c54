"""Tests of ``projsim.demography.checks``: the exact messages of bad life-table arguments."""

from __future__ import annotations

import numpy as np
from helpers import raises_exactly

from projsim.demography.lifetable import life_expectancy_at_birth, life_table


def test_error_nan_rate():
    rates = np.full((2, 3), 0.1)
    rates[1, 2] = np.nan
    with raises_exactly(
        "argument 'mortality_rate': got nan at index (1, 2); expected finite central death rates "
        "[per person-year]. Fix: fill the gap with observed or modelled rates before building the table."
    ):
        life_table(rates, "female")


def test_error_negative_rate():
    with raises_exactly(
        "argument 'mortality_rate': got -0.001 at index (1,); expected central death rates >= 0 "
        "[per person-year]. Fix: check the deaths and exposures the rates were computed from."
    ):
        life_expectancy_at_birth([0.01, -0.001, 0.5], "male")


def test_error_zero_rate_in_open_group():
    with raises_exactly(
        "argument 'mortality_rate': got 0.0 in the open age group at leading index (1,); expected a positive "
        "rate in the open age group, whose person-years are l/m. Fix: pool the oldest ages into a group with "
        "deaths, or close the table with kannisto_extend."
    ):
        life_table([[0.01, 0.5], [0.01, 0.0]], "female")


def test_error_unknown_sex_label():
    with raises_exactly(
        "argument 'sex': got 'F' at index (1,); expected 'female' or 'male'. "
        "Fix: label sex with the values of projsim.types.SEXES."
    ):
        life_table(np.full((2, 3), 0.1), ["female", "F"])


def test_error_sex_shape():
    with raises_exactly(
        "argument 'sex': got labels of shape (3,); expected one label, or labels that broadcast to "
        "the leading shape (2,) of 'mortality_rate'. Fix: give one label per row of the rates, "
        "with length-1 axes where sex does not vary."
    ):
        life_expectancy_at_birth(np.full((2, 3), 0.1), ["female", "male", "female"])


def test_error_widths_do_not_match_last_axis():
    with raises_exactly(
        "argument 'age_width': got 3 widths (shape (3,)); expected one width per age group on the last axis "
        "of 'mortality_rate', that is 4. Fix: pass one width [years] per age group, ending with np.inf for "
        "the open group."
    ):
        life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, np.inf])


def test_error_open_group_width_not_infinite():
    with raises_exactly(
        "argument 'age_width': got [1., 4., 5., 5.]; expected positive finite widths [years] for the closed "
        "groups and np.inf for the open group. Fix: give widths such as 1 or [1, 4, 5, ..., 5, np.inf]."
    ):
        life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, 5, 5])
