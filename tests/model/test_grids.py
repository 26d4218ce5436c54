"""Bases on a scenario's grid: grouped, graduated and their open age moved (projsim.model.grids)."""

from __future__ import annotations

import numpy as np
import pytest

from projsim.demography.lifetable import life_expectancy_at_birth, life_table
from projsim.demography.survival import open_group_shares
from projsim.io import load_base
from projsim.model.grids import abridged_ages, graduated, grouped, with_grid, with_open_age_of_groups
from projsim.types import SEXES


@pytest.fixture(scope="module")
def belgium():
    return load_base("belgium-2012")


@pytest.fixture(scope="module")
def wpp():
    return load_base("wpp2024-belgium")


def test_grouped_keeps_counts_fertility_and_life_expectancy(belgium):
    """Counts are summed, the TFR (5 x the sum of the rates) kept, and the abridged
    table of the grouped death rates (deaths over person-years of the single-year
    table, Greville's separation factors) keeps e0 within 0.01 years."""
    five = grouped(belgium, 5)
    assert five.age_width == 5 and five.ages.tolist() == list(range(0, 111, 5))
    assert five.mortality_ages.tolist() == abridged_ages(5, 110).tolist()
    np.testing.assert_allclose(five.population.sum(-1), belgium.population.sum(-1), rtol=1e-14)
    np.testing.assert_allclose(five.population[..., 1], belgium.population[..., 5:10].sum(-1))
    np.testing.assert_allclose(five.net_migration.sum(-1), belgium.net_migration.sum(-1),
                               rtol=1e-12)
    np.testing.assert_allclose(5 * five.fertility_rate.sum(-1), belgium.fertility_rate.sum(-1),
                               rtol=1e-14)
    single = life_expectancy_at_birth(belgium.mortality_rate, np.array(SEXES))
    abridged = life_expectancy_at_birth(five.mortality_rate, np.array(SEXES),
                                        **five.life_table_rules)
    np.testing.assert_allclose(abridged, single, atol=0.01)
    assert five.internal_migration_destination is belgium.internal_migration_destination


def test_grouped_death_rates_are_the_life_tables_deaths_over_person_years(belgium):
    table = life_table(belgium.mortality_rate, np.array(SEXES))
    five = grouped(belgium, 5)
    np.testing.assert_allclose(five.mortality_rate[..., 1],
                               table.dx[..., 1:5].sum(-1) / table.Lx[..., 1:5].sum(-1))
    np.testing.assert_allclose(five.mortality_rate[..., -1], belgium.mortality_rate[..., -1])


def test_graduated_keeps_every_group(wpp):
    """Graduation keeps each group's persons and net migrants exactly (the net
    migrants' positive and negative cells graduated apart) and each group's mean
    fertility and death rates; no count is negative."""
    single = graduated(wpp)
    assert single.age_width == 1 and single.mortality_ages is None and single.date == "1 July"
    assert single.ages.tolist() == list(range(101))
    np.testing.assert_allclose(single.population[..., :100].reshape(1, 2, 20, 5).sum(-1),
                               wpp.population[..., :20], rtol=1e-12)
    np.testing.assert_allclose(single.net_migration[..., :100].reshape(1, 2, 20, 5).sum(-1),
                               wpp.net_migration[..., :20], rtol=1e-9, atol=1e-6)
    assert (single.population >= 0).all()
    np.testing.assert_allclose(single.fertility_rate.sum(-1), 5 * wpp.fertility_rate.sum(-1),
                               rtol=1e-12)
    table = life_table(wpp.mortality_rate, np.array(SEXES), **wpp.life_table_rules)
    np.testing.assert_allclose(single.mortality_rate[..., 5:10].sum(-1),
                               -np.log1p(-table.qx[..., 2]), rtol=1e-12)
    np.testing.assert_allclose(life_expectancy_at_birth(single.mortality_rate, np.array(SEXES)),
                               table.ex[..., 0], atol=0.02)
    assert single.periods.mortality_rate.shape == (16, 1, 2, 101)
    np.testing.assert_allclose(single.periods.net_migration.sum(-1),
                               wpp.periods.net_migration.sum(-1), rtol=1e-9)


def test_graduation_round_trip(wpp):
    """Grouped again, a graduated base is the five-year base: persons, fertility and net
    migrants to rounding, and the life expectancy of the death rates within 0.02 years."""
    again = grouped(graduated(wpp), 5)
    np.testing.assert_allclose(again.population, wpp.population, rtol=1e-12)
    np.testing.assert_allclose(again.fertility_rate, wpp.fertility_rate, rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(again.net_migration, wpp.net_migration, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(
        life_expectancy_at_birth(again.mortality_rate, np.array(SEXES), **again.life_table_rules),
        life_expectancy_at_birth(wpp.mortality_rate, np.array(SEXES), **wpp.life_table_rules),
        atol=0.02)


def test_raising_the_open_age_of_groups_splits_it_at_its_constant_force(wpp):
    """100+ into 100-104, ..., 125-129 and 130+ in the stationary shares of the open
    group's force; the death rates keep their groups, the survival ratios open six
    groups above them."""
    wider = with_open_age_of_groups(wpp, 130)
    assert wider.ages[-7:].tolist() == [100, 105, 110, 115, 120, 125, 130]
    assert wider.mortality_ages is wpp.mortality_ages
    shares = open_group_shares(wpp.mortality_rate[..., -1], 6, 5)
    np.testing.assert_allclose(wider.population[..., 20:], wpp.population[..., 20:] * shares)
    np.testing.assert_allclose(wider.population.sum(-1), wpp.population.sum(-1), rtol=1e-14)
    assert not wider.fertility_rate[..., 20:].any()
    assert wider.survival_rules["open_groups"] == 6
    assert wider.periods.net_migration.shape == (16, 1, 2, 27)


def test_lowering_the_open_age_of_groups_closes_it_with_the_stationary_rate(wpp):
    narrower = with_open_age_of_groups(wpp, 85)
    assert narrower.ages[-1] == 85 and narrower.mortality_ages[-1] == 85
    table = life_table(wpp.mortality_rate, np.array(SEXES), **wpp.life_table_rules)
    np.testing.assert_allclose(narrower.mortality_rate[..., -1],
                               table.lx[..., 18] / table.Tx[..., 18])
    np.testing.assert_allclose(narrower.population[..., -1], wpp.population[..., 17:].sum(-1))
    assert narrower.periods.mortality_rate.shape == (16, 1, 2, 19)


def test_with_grid_orders_the_open_age_and_the_grid(belgium, wpp):
    """A single-year base is grouped after its open age moves (Kannisto on single
    years), a five-year base graduated before (so that 110 comes from the graduated
    rates' Kannisto fit)."""
    assert with_grid(belgium, 1) is belgium
    five = with_grid(belgium, 5, 100)
    assert five.open_age == 100 and five.mortality_ages[-1] == 100
    np.testing.assert_allclose(five.population.sum(), belgium.population.sum(), rtol=1e-14)
    single = with_grid(wpp, 1, 110)
    assert single.open_age == 110 and single.ages.size == 111 and single.date == "1 July"
    np.testing.assert_allclose(single.population.sum(), wpp.population.sum(), rtol=1e-12)


def test_base_rules_and_weights_of_a_five_year_base(wpp):
    rules = wpp.life_table_rules
    assert rules["separation"] == "greville"
    np.testing.assert_array_equal(rules["age_width"], [1, 4, *[5] * 19, np.inf])
    weights = wpp.mortality_weights(wpp.population)
    np.testing.assert_array_equal(weights[..., :3], wpp.population[..., [0, 0, 1]])
    np.testing.assert_array_equal(weights[..., -1], wpp.population[..., -1])
    assert load_base("belgium-2012").life_table_rules == {}
    assert load_base("belgium-2012").survival_rules == {}
