"""Tests of ``projsim.demography.survival``: the UN labelling, both routes, errors."""

from __future__ import annotations

import numpy as np
from helpers import raises_exactly
from lifetable_cases import abridge, hmd_rates, hmd_tables

from projsim.demography.lifetable import life_table
from projsim.demography.survival import survival_ratios, survival_ratios_from_rates
from projsim.types import SEXES


def test_survival_ratios_follow_the_un_labelling():
    rates = hmd_rates()
    table = life_table(rates, SEXES)
    ratios = survival_ratios(table)
    assert ratios.shape == table.Lx.shape
    assert np.all((ratios >= 0) & (ratios <= 1))
    np.testing.assert_allclose(ratios[..., 0], table.Lx[..., 0] / table.lx[..., 0], rtol=1e-14)
    np.testing.assert_allclose(ratios[..., 1:-1], table.Lx[..., 1:-1] / table.Lx[..., :-2], rtol=1e-12)
    np.testing.assert_allclose(ratios[..., -1], table.Tx[..., -1] / table.Tx[..., -2], rtol=1e-12)


def test_survival_ratios_for_five_year_groups_and_step():
    rates = abridge(hmd_tables()[2019, "female"]["mx"], "female")[..., 1:]  # stand-in 5-year rates
    table = life_table(rates, "female", age_width=5)
    ratios = survival_ratios(table, step_width=5)
    np.testing.assert_allclose(ratios[0], table.Lx[0] / (5 * table.lx[0]), rtol=1e-14)
    np.testing.assert_allclose(ratios[1:-1], table.Lx[1:-1] / table.Lx[:-2], rtol=1e-12)
    np.testing.assert_allclose(ratios[-1], table.Tx[-1] / table.Tx[-2], rtol=1e-12)


def test_survival_ratios_from_rates_equal_those_of_the_table():
    rates = hmd_rates()
    direct = survival_ratios_from_rates(rates, SEXES)
    np.testing.assert_array_equal(direct, survival_ratios(life_table(rates, SEXES)))


def test_error_survival_ratios_of_abridged_table():
    table = life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, 5, np.inf])
    with raises_exactly(
        "argument 'table': got age widths [ 1.,  4.,  5., inf] for a step of 5 years; expected at least one "
        "closed age group and every closed group 5 years wide. Fix: build the table with age_width equal to "
        "the projection step."
    ):
        survival_ratios(table, step_width=5)


def test_error_survival_ratios_of_something_else():
    with raises_exactly(
        "argument 'table': got an object of type ndarray; expected a LifeTable. "
        "Fix: build the table with projsim.demography.life_table."
    ):
        survival_ratios(np.ones(3))
