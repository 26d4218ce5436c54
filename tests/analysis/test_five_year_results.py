"""Indicators of results by five-year group and step: the WPP scenario and the Belgian base on 5x5."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_exactly

import projsim
from projsim.analysis import indicators
from projsim.analysis.migration import migration_contribution
from projsim.demography.lifetable import life_table
from projsim.io import load_scenario
from projsim.io.packaged import data_folder
from projsim.io.wpp import read_wpp_indicators
from projsim.types import SEXES

NATIONAL = ("region", "sex")
BELGIUM_5X5 = """name = "belgium-5x5"
base = "belgium-2012-regions"
grid = "5x5"
horizon = 2042
[fertility]
tfr = { 2012 = 1.7, 2041 = 1.85 }
[mortality]
e0 = { female = { 2012 = 83.0, 2041 = 86.0 }, male = { 2012 = 78.0, 2041 = 82.0 } }
[international_migration]
net_total = 30000
"""


@pytest.fixture(scope="module")
def wpp():
    return projsim.project("wpp2024-belgium-5x5")


@pytest.fixture(scope="module")
def belgium_scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("five") / "belgium-5x5.toml"
    path.write_text(BELGIUM_5X5)
    return load_scenario(path)


@pytest.fixture(scope="module")
def belgium(belgium_scenario):
    return projsim.project(belgium_scenario)


def published(columns):
    return read_wpp_indicators(data_folder("wpp2024_belgium") / "indicators.csv", columns)[1]


def test_tfr_and_e0_are_wpps(wpp):
    """TFR = 5 x the sum of the rates, e0 of the abridged table by Greville's rule: WPP's
    own indicators of every period 2020-2095."""
    tfr = indicators.tfr(wpp, aggregate="region").isel(time=slice(None, -1))
    np.testing.assert_allclose(tfr, published(["tfr"])[:, 0], rtol=1e-5)  # PASFR sum to 100 +- 0.01
    e0 = indicators.life_expectancy(wpp, aggregate="region").isel(time=slice(None, -1))
    np.testing.assert_allclose(e0.transpose("time", "sex"), published(["e0F", "e0M"]), atol=1e-4)
    table = indicators.life_table(wpp).isel(time=0, region=0)
    assert table.age.values.tolist() == [0, 1, *range(5, 101, 5)]
    np.testing.assert_allclose(table.ex.sel(age=0), e0.isel(time=0))
    e65 = indicators.life_expectancy(wpp, [0, 65]).isel(time=0, region=0)
    np.testing.assert_allclose(e65.sel(age=65), table.ex.sel(age=65))


def test_nrr_and_mean_age_at_childbearing(wpp):
    first = wpp.isel(time=0, region=0)
    rates, ratio = first.fertility_rate.values, float(first.sex_ratio_at_birth)
    table = life_table(first.mortality_rate.sel(sex="female").values, "female",
                       age_width=[1, 4, *[5] * 19, np.inf], separation="greville", radix=1.0)
    person_years = np.concatenate([[table.Lx[0] + table.Lx[1]], table.Lx[2:], np.zeros(6)])
    nrr = indicators.nrr(wpp).isel(time=0, region=0)
    np.testing.assert_allclose(nrr, (rates / (1 + ratio) * person_years).sum(), rtol=1e-12)
    mac = indicators.mean_age_at_childbearing(wpp).isel(time=0, region=0)
    np.testing.assert_allclose(mac, ((first.age.values + 2.5) * rates).sum() / rates.sum())


def test_ages_of_the_population_by_group_midpoints(wpp):
    """Mean age: each group at its midpoint (first age + 2.5); median age: persons spread
    evenly over each five-year group."""
    people = wpp.population.isel(time=0).sum(NATIONAL).values
    ages = wpp.age.values
    mean = indicators.mean_age(wpp, aggregate=NATIONAL).isel(time=0)
    np.testing.assert_allclose(mean, ((ages + 2.5) * people).sum() / people.sum())
    below = np.cumsum(people) - people
    group = int(np.flatnonzero(np.cumsum(people) >= people.sum() / 2)[0])
    median = ages[group] + 5 * (people.sum() / 2 - below[group]) / people[group]
    np.testing.assert_allclose(indicators.median_age(wpp, aggregate=NATIONAL).isel(time=0), median)


def test_dependency_ratio_and_share_on_the_grid(wpp):
    """The UN's working ages 15-64 by default; 18 and 67, off the grid, are refused."""
    assert indicators.default_working_age(wpp) == (15, 65)
    people = wpp.population.isel(time=0).sum(NATIONAL).values
    old = indicators.dependency_ratio(wpp, "old", aggregate=NATIONAL).isel(time=0)
    np.testing.assert_allclose(old, 100 * people[13:].sum() / people[3:13].sum())
    share = indicators.share_aged(wpp, aggregate=NATIONAL).isel(time=0)
    np.testing.assert_allclose(share, 100 * people[13:].sum() / people.sum())
    with raises_exactly(
            "argument 'working_age': got (18, 67); expected two first ages of the result's "
            "5-year age groups (multiples of 5) with 0 < first < after <= 130 [years]. Fix: give "
            "working ages on the grid, such as (15, 65) or (20, 65)."):
        indicators.dependency_ratio(wpp, working_age=(18, 67))
    with raises_exactly(
            "argument 'age': got 67; expected the first age of one of the result's groups "
            "(0, 5, 10, 15, ..., 130+) [years]. Fix: choose an age on the grid of 5 years, such "
            "as 65 or 70."):
        indicators.share_aged(wpp, 67)
    with raises_exactly(
            "argument 'age': got 3; expected the first age of one of the result's groups "
            "(0, 1, 5, 10, ..., 100+) [years]. Fix: choose an age on the grid of 5 years, such "
            "as 1 or 5."):
        indicators.life_expectancy(wpp, 3)


def test_crude_and_growth_rates_per_year(wpp):
    """Flows are annual means: CBR - CDR + CNMR = 10 x the crude growth rate per year, and
    the geometric growth rate is per year over the five years."""
    cbr, cdr, cnmr = (f(wpp, aggregate=NATIONAL) for f in (
        indicators.crude_birth_rate, indicators.crude_death_rate,
        indicators.crude_net_migration_rate))
    crude = indicators.growth_rate(wpp, aggregate=NATIONAL, method="crude")
    np.testing.assert_allclose((cbr - cdr + cnmr) / 10, crude, rtol=1e-10)
    totals = wpp.population.sum(["region", "sex", "age"]).values
    geometric = indicators.growth_rate(wpp, aggregate=NATIONAL).values[:-1]
    np.testing.assert_allclose(geometric, 100 * ((totals[1:] / totals[:-1]) ** 0.2 - 1))
    natural = indicators.natural_balance(wpp, aggregate=NATIONAL) \
        + indicators.migration_balance(wpp, aggregate=NATIONAL)
    np.testing.assert_allclose(5 * natural.values[:-1], np.diff(totals), rtol=1e-10)


def test_targets_of_a_five_year_projection_by_region(belgium):
    """The Belgian base grouped, by region: the national TFR and e0 of the result (the
    regions pooled by their mean population over each step) are each step's mean target."""
    steps = belgium.time.values[:-1]
    years = steps[:, None] + np.arange(5)
    tfr = indicators.tfr(belgium, aggregate="region").values[:-1]
    np.testing.assert_allclose(tfr, (1.7 + 0.15 * (years - 2012) / 29).mean(-1), rtol=1e-6)
    e0 = indicators.life_expectancy(belgium, aggregate="region").transpose("time", "sex")
    targets = np.stack([83 + 3 * (years - 2012) / 29, 78 + 4 * (years - 2012) / 29], -1).mean(1)
    np.testing.assert_allclose(e0.values[:-1], targets, atol=1e-3)
    assert [str(s) for s in belgium.sex.values] == list(SEXES)


def test_migration_contribution_on_five_year_steps(belgium_scenario):
    ds = migration_contribution(belgium_scenario)
    span = ds.sel(period="2012-2042")
    parts = span.natural_change_counterfactual + span.migration_direct + span.migration_indirect
    np.testing.assert_allclose(parts, span.total_change, rtol=1e-10)
    assert "2012-2017" in ds.period.values.tolist()


def test_targets_of_a_five_year_projection_by_region_and_nationality(tmp_path):
    """The same on the region x nationality base: the national figures pool both. The
    nationalities' shares move within a step, which the one factor per step that meets
    the TFR sees on the step's mean women only: within 1e-4."""
    path = tmp_path / "belgium-5x5.toml"
    path.write_text(BELGIUM_5X5.replace('"belgium-2012-regions"', '"belgium-2012"'))
    result = projsim.project(path)
    years = result.time.values[:-1, None] + np.arange(5)
    national = ("region", "nationality")
    np.testing.assert_allclose(indicators.tfr(result, aggregate=national).values[:-1],
                               (1.7 + 0.15 * (years - 2012) / 29).mean(-1), rtol=1e-4)
    e0 = indicators.life_expectancy(result, aggregate=national).transpose("time", "sex")
    targets = np.stack([83 + 3 * (years - 2012) / 29, 78 + 4 * (years - 2012) / 29], -1).mean(1)
    np.testing.assert_allclose(e0.values[:-1], targets, atol=1e-3)
