"""Tests of ``projsim.demography.survival``: the UN labelling, both routes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_exactly
from lifetable_cases import ABRIDGED_WIDTHS, HMD_CASES, abridge, hmd_rates, hmd_tables

from projsim.demography.lifetable import life_table
from projsim.demography.survival import (
    open_group_shares, survival_ratios, survival_ratios_from_rates,
)
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


def test_abridged_table_gives_the_ratios_of_a_five_year_step():
    """Groups 0 and 1-4 pooled into 0-4: S0 = (L0 + 4L1) / (5 l0), S1 = 5L5 / L(0-4),
    then L(x) / L(x-5), and the open group T(95) / T(90), for every year, sex and rule."""
    rates = abridge(hmd_rates(), np.array([SEXES] * 4))
    for separation in ("midpoint", "greville"):
        table = life_table(rates, SEXES, age_width=ABRIDGED_WIDTHS, separation=separation)
        ratios = survival_ratios(table, step_width=5)
        assert ratios.shape == (4, 2, 20)
        first = table.Lx[..., 0] + table.Lx[..., 1]
        np.testing.assert_allclose(ratios[..., 0], first / (5 * table.lx[..., 0]), rtol=1e-14)
        np.testing.assert_allclose(ratios[..., 1], table.Lx[..., 2] / first, rtol=1e-13)
        np.testing.assert_allclose(ratios[..., 2:-1], table.Lx[..., 3:-1] / table.Lx[..., 2:-2], rtol=1e-12)
        np.testing.assert_allclose(ratios[..., -1], table.Tx[..., -1] / table.Tx[..., -2], rtol=1e-12)


def test_single_year_table_gives_the_ratios_of_a_five_year_step():
    """Five single years pooled: the person-years of each five-year group are their sum."""
    rates = hmd_rates()
    table = life_table(rates, SEXES)
    ratios = survival_ratios(table, step_width=5)
    person_years = np.add.reduceat(table.Lx, np.arange(0, 111, 5), axis=-1)  # 0-4, ..., 105-109, 110+
    np.testing.assert_allclose(ratios[..., 0], person_years[..., 0] / (5 * table.lx[..., 0]), rtol=1e-14)
    np.testing.assert_allclose(ratios[..., 1:-1], person_years[..., 1:-1] / person_years[..., :-2], rtol=1e-12)
    np.testing.assert_allclose(ratios[..., -1], table.Tx[..., -1] / table.Tx[..., -6], rtol=1e-12)


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_greville_ratios_of_an_abridged_table_are_close_to_single_years(year, sex):
    """The five-year ratios of HMD's single-year table (open at 95, rate l/T) against those
    of its abridged table: Greville's a(x) keeps them within 0.5 % below 85 and 2 % above,
    half the width misses the oldest by up to 23 %."""
    rates = hmd_tables()[year, sex]["mx"]
    table = life_table(rates, sex)
    closed_at_95 = np.append(rates[:95], table.lx[95] / table.Tx[95])
    single = survival_ratios_from_rates(closed_at_95, sex, step_width=5, age_width=1)
    abridged = survival_ratios_from_rates(abridge(rates, sex), sex, step_width=5, age_width=ABRIDGED_WIDTHS,
                                          separation="greville")
    error = np.abs(abridged / single - 1)
    assert error[:17].max() < 0.005 and error[17:].max() < 0.02


def test_survival_ratios_from_rates_equal_those_of_the_table():
    rates = hmd_rates()
    direct = survival_ratios_from_rates(rates, SEXES)
    np.testing.assert_array_equal(direct, survival_ratios(life_table(rates, SEXES)))
    abridged = abridge(rates, np.array([SEXES] * 4))
    for separation in ("greville", "constant-force"):
        direct = survival_ratios_from_rates(abridged, SEXES, step_width=5, age_width=ABRIDGED_WIDTHS,
                                            separation=separation, infant="coale-demeny")
        table = life_table(abridged, SEXES, age_width=ABRIDGED_WIDTHS, separation=separation,
                           infant="coale-demeny")
        np.testing.assert_array_equal(direct, survival_ratios(table, step_width=5))


def test_error_survival_ratios_of_groups_that_do_not_fill_the_step():
    table = life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, 5, np.inf])
    with raises_exactly(
        "argument 'table': got age widths [ 1.,  4.,  5., inf] for a step of 2 years; expected closed age "
        "groups that fill projection groups of 2 years exactly, at least one of them, and an open group from "
        "a multiple of 2 years. Fix: build the table with age_width equal to the projection step, or abridged "
        "(1, 4, 5, ..., 5, np.inf) for a step of 5 years."
    ):
        survival_ratios(table, step_width=2)


def test_error_survival_ratios_from_rates_of_groups_that_do_not_fill_the_step():
    with raises_exactly(
        "argument 'age_width': got age widths [ 5.,  4., inf] for a step of 5 years; expected closed age "
        "groups that fill projection groups of 5 years exactly, at least one of them, and an open group from "
        "a multiple of 5 years. Fix: build the table with age_width equal to the projection step, or abridged "
        "(1, 4, 5, ..., 5, np.inf) for a step of 5 years."
    ):
        survival_ratios_from_rates([0.01, 0.02, 0.3], "male", step_width=5, age_width=[5, 4, np.inf])


def test_error_survival_ratios_of_something_else():
    with raises_exactly(
        "argument 'table': got an object of type ndarray; expected a LifeTable. "
        "Fix: build the table with projsim.demography.life_table."
    ):
        survival_ratios(np.ones(3))


# --- the open group split at its constant force ------------------------------------


def test_split_open_group_is_the_constant_force_table_of_the_open_group():
    """The split ratios are those of the life table's own closure L = l / m: the
    person-years of the open group 100+ of an abridged table spread over 100-104,
    105-109 and 110+ at the open group's force, and the stationary shares."""
    rates = 1e-4 * 2 ** (np.array([0, 1, *range(5, 101, 5)]) / 10)
    widths = [1, 4] + [5] * 19 + [np.inf]
    table = life_table(rates, "female", age_width=widths, separation="greville")
    split = survival_ratios_from_rates(rates, "female", step_width=5, age_width=widths,
                                       separation="greville", open_groups=2)
    force = rates[-1]
    person_years = table.lx[-1] * np.exp(-5 * force * np.arange(3)) / force
    person_years[:2] *= 1 - np.exp(-5 * force)                # 100-104, 105-109, 110+
    assert split.shape == (23,)
    np.testing.assert_allclose(split[20], person_years[0] / table.Lx[-2], rtol=1e-12)
    np.testing.assert_allclose(split[21], person_years[1] / person_years[0], rtol=1e-12)
    np.testing.assert_allclose(split[22], person_years[2] / (person_years[1] + person_years[2]),
                               rtol=1e-12)
    np.testing.assert_array_equal(split[:20], survival_ratios_from_rates(
        rates, "female", step_width=5, age_width=widths, separation="greville")[:20])
    shares = open_group_shares(force, 2, 5)
    np.testing.assert_allclose(shares, person_years / person_years.sum(), rtol=1e-12)
    assert shares.sum() == pytest.approx(1.0, abs=1e-15)


def test_split_open_group_by_sex_and_period():
    """Any leading dimensions: each schedule is split at its own open-group force."""
    rates = 0.01 * np.array([[[1.0, 3.0, 40.0], [1.2, 3.5, 45.0]]])      # (period, sex, age)
    split = survival_ratios_from_rates(rates, np.array(SEXES), step_width=5, open_groups=3)
    assert split.shape == (1, 2, 6)
    np.testing.assert_allclose(split[..., -1], np.exp(-5 * rates[..., -1]))
