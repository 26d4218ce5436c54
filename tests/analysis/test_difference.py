"""Differences between scenarios by component (projsim.analysis.difference):
contributions that add up, end points, Shapley symmetry and the definition,
null conditions and exact error messages."""

import dataclasses
from itertools import permutations
from math import factorial

import numpy as np
import pytest
from analysis_cases import extending
from helpers import raises_exactly

import projsim
from projsim.analysis.difference import COMPONENTS, decompose_difference, shapley_contributions
from projsim.io import load_scenario
from projsim.model.scenario import METHODS

NATIONAL = ["region", "nationality", "sex", "age"]


@pytest.fixture(scope="module")


def editions():
    return decompose_difference("fpb-2011", "fpb-2013")


def test_contributions_add_up_to_the_difference(editions):
    np.testing.assert_allclose(editions.contribution.sum("component"), editions.difference,
                               rtol=1e-10, atol=1e-6)
    assert editions.contribution.dims == ("component", "time", "region", "nationality", "sex",
                                         "age")
    assert float(abs(editions.contribution.sel(time=2012)).max()) == 0.0


def test_end_points_are_the_scenarios_own_projections(editions):
    for name, variable in (("fpb-2011", "population_a"), ("fpb-2013", "population_b")):
        np.testing.assert_allclose(editions[variable], projsim.project(name).population,
                                   rtol=1e-12)


def test_swapping_the_scenarios_negates_every_contribution(editions):
    swapped = decompose_difference("fpb-2013", "fpb-2011")
    np.testing.assert_allclose(swapped.contribution, -editions.contribution, rtol=1e-10,
                               atol=1e-6)


def test_identical_scenarios_give_zero_contributions():
    ds = decompose_difference("fpb-2013", "fpb-2013", at=[2030, 2061])
    assert float(abs(ds.difference).max()) == 0.0
    np.testing.assert_allclose(ds.contribution, 0.0, atol=1e-9)


def test_a_difference_in_migration_only_goes_to_migration(tmp_path):
    more = extending(tmp_path, "belgium-2012", "[international_migration]\nscale = 1.5\n")
    ds = decompose_difference("belgium-2012", more).sum(NATIONAL)
    np.testing.assert_allclose(ds.contribution.sel(component=["fertility", "mortality"]), 0.0,
                               atol=1e-6)
    np.testing.assert_allclose(ds.contribution.sel(component="international_migration"),
                               ds.difference, rtol=1e-12)
    assert float(ds.difference.sel(time=2061)) > 1e5


def test_the_same_paths_solved_on_other_populations_move_mortality_and_fertility():
    """The e0 and national TFR paths are met on each scenario's own population, so the
    same paths give other rates when migration changes the population. More immigrants
    bring more foreign women, whose rates are 1.45 times the Belgian women's: holding
    the national TFR, every woman's rates are lower, and fewer children are born than
    the migrants alone would bring (a few per cent of the difference); the e0 path moves
    deaths much less."""
    ds = decompose_difference("fpb-2013", "high-migration", at=2060).sum(NATIONAL)
    fertility = float(ds.contribution.sel(component="fertility"))
    mortality = float(ds.contribution.sel(component="mortality"))
    assert -0.1 * float(ds.difference) < fertility < -0.01 * float(ds.difference)
    assert 0 < abs(mortality) < 2e-3 * float(ds.difference)


def test_internal_migration_as_a_fourth_component(tmp_path):
    other = extending(tmp_path, "fpb-2013", "[internal_migration]\nscale = 0.5\n"
                                            "[fertility]\ntfr = 1.6\n")
    ds = decompose_difference("fpb-2013", other, components=COMPONENTS, at=2040)
    np.testing.assert_allclose(ds.contribution.sum("component"), ds.difference, rtol=1e-10,
                               atol=1e-6)
    national = ds.contribution.sum(NATIONAL)
    assert float(national.sel(component="internal_migration")) != 0.0
    assert float(national.sel(component="international_migration")) == 0.0


def test_components_are_those_of_the_scenario_language():
    assert COMPONENTS == tuple(METHODS)


def test_shapley_value_equals_the_mean_over_orders():
    """Parity with the definition: the change when each factor switches,
    averaged over every order of switching them one at a time."""
    outcomes = np.random.default_rng(7).normal(size=(8, 5))
    by_order = np.zeros((3, 5))
    for order in permutations(range(3)):
        mask = 0
        for factor in order:
            by_order[factor] += outcomes[mask | 1 << factor] - outcomes[mask]
            mask |= 1 << factor
    np.testing.assert_allclose(shapley_contributions(outcomes), by_order / factorial(3),
                               rtol=1e-12)


def test_scenarios_with_another_base_are_refused():
    with raises_exactly(
        "argument 'scenario_b': got 'nis-1988-zero-migration' with base 'belgium-1988'; "
        "expected base 'belgium-2012' as in scenario_a 'fpb-2013'. Fix: compare scenarios that "
        "share base, horizon, open_age and conventions, for example a scenario and one that "
        "extends it."
    ):
        decompose_difference("fpb-2013", "nis-1988-zero-migration")


def test_scenarios_with_another_horizon_and_safeguard_are_refused():
    shorter = dataclasses.replace(load_scenario("fpb-2013"), horizon=2050, safeguard="ccmpp")
    with raises_exactly(
        "argument 'scenario_b': got 'fpb-2013' with horizon 2050, safeguard 'ccmpp'; "
        "expected horizon 2061, safeguard 'reduce' as in scenario_a 'fpb-2013'. Fix: compare "
        "scenarios that share base, horizon, open_age and conventions, for example a scenario "
        "and one that extends it."
    ):
        decompose_difference("fpb-2013", shorter)


def test_unknown_component_is_refused():
    with raises_exactly(
        "argument 'components': got ('fertilty', 'mortality'); expected distinct names among "
        "['fertility', 'mortality', 'international_migration', 'internal_migration', "
        "'naturalisation']. "
        "Fix: did you mean 'fertility'?"
    ):
        decompose_difference("fpb-2013", "fpb-2011", components=("fertilty", "mortality"))


def test_a_component_held_but_different_is_refused(tmp_path):
    other = extending(tmp_path, "fpb-2013", "[internal_migration]\nscale = 0.5\n")
    with raises_exactly(
        "argument 'components': got ('fertility', 'mortality', 'international_migration'), "
        "which holds internal_migration at 'fpb-2013''s assumption; expected every component "
        "in which 'fpb-2013' and 'child' differ. Fix: add 'internal_migration' to components."
    ):
        decompose_difference("fpb-2013", other)


def test_a_date_outside_the_projection_is_refused():
    with raises_exactly(
        "argument 'at': got [2030, 2070]; expected 1 January dates of the projection, from 2012 "
        "to 2061. Fix: give years from 2012 to 2061, or None for all."
    ):
        decompose_difference("fpb-2013", "fpb-2011", at=[2030, 2070])
