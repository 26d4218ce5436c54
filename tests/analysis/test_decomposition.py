"""Decomposition of growth and of differences between scenarios: parts that add
up, null conditions, a linear case checked by hand, parity with independent
projections, Shapley symmetry and exact error messages."""

import dataclasses
from itertools import permutations
from math import factorial

import numpy as np
import pytest

import projsim
from projsim.analysis.decomposition import (
    COMPONENTS,
    decompose_difference,
    migration_contribution,
    shapley_contributions,
)
from projsim.assumptions import build_inputs
from projsim.errors import InputError
from projsim.io import load_scenario
from projsim.model.scenario import METHODS, Component, TimePath

PARTS = ("natural_change_counterfactual", "migration_direct", "migration_indirect")
CHANGES = ("total_change", *PARTS, "migration_total", "migration_adjustment", "migration_nonlinear")
NATIONAL = ["region", "sex", "age"]


def extending(tmp_path, parent, body, name="child"):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "{parent}"\n{body}')
    return load_scenario(path)


def with_components(scenario, **components):
    variant = scenario.variants[0]
    changed = dataclasses.replace(variant, components={**variant.components, **components})
    return dataclasses.replace(scenario, variants=(changed,))


def scale(value, year=2012):
    return Component("scale", path=TimePath(np.array([year]), np.array([value])))


@pytest.fixture(scope="module")
def reference():
    return migration_contribution("fpb-2013")


@pytest.fixture(scope="module")
def variants():
    return migration_contribution("fpb-2013-variants", by="region")


@pytest.fixture(scope="module")
def editions():
    return decompose_difference("fpb-2011", "fpb-2013")


# --- migration_contribution ------------------------------------------------------------


@pytest.mark.parametrize("name", ["reference", "variants"])
def test_parts_add_up_to_the_total_change(name, request):
    ds = request.getfixturevalue(name)
    np.testing.assert_allclose(sum(ds[p] for p in PARTS), ds.total_change, rtol=1e-10)
    np.testing.assert_allclose(ds.migration_direct + ds.migration_indirect, ds.migration_total,
                               rtol=1e-10)
    yearly = ds.isel(period=slice(1, None)).sum("period")
    whole = ds.isel(period=0)
    for name in CHANGES:
        np.testing.assert_allclose(yearly[name], whole[name], rtol=1e-10, atol=1e-6)


def test_variants_have_a_scenario_dimension(variants):
    assert variants.total_change.dims == ("period", "scenario", "region")
    assert list(variants.scenario.values[:3]) == ["fpb-2013", "zero-migration", "low-migration"]
    assert list(variants.period.values[:2]) == ["2012-2061", "2012-2013"]
    assert variants.migration_share_of_growth.attrs["units"] == "%"


def test_total_change_is_the_projection_s_own(variants):
    ds = projsim.project("fpb-2013-variants").population.sum(["sex", "age"])
    np.testing.assert_allclose(variants.total_change.sel(period="2012-2061"),
                               ds.sel(time=2061) - ds.sel(time=2012), rtol=1e-12)


def test_natural_change_is_an_independent_zero_migration_projection(tmp_path):
    ds = migration_contribution("belgium-2012", 2012, 2030)
    closed = projsim.project(extending(tmp_path, "belgium-2012",
                                       "[international_migration]\nscale = 0\n"))
    population = closed.population.sum(NATIONAL)
    np.testing.assert_allclose(ds.natural_change_counterfactual.sel(period="2012-2030"),
                               population.sel(time=2030) - population.sel(time=2012), rtol=1e-12)


def test_share_of_growth_is_the_migration_part_over_the_total(reference):
    share = 100 * reference.migration_total / reference.total_change
    np.testing.assert_allclose(reference.migration_share_of_growth, share, rtol=1e-12)
    assert reference.migration_share_of_growth.sel(period="2012-2061") > 100, \
        "without migration the reference population falls"


def test_zero_migration_gives_zero_migration_contribution(variants):
    ds = migration_contribution("zero-migration")
    for data in (ds, variants.sel(scenario="zero-migration")):
        for name in ("migration_total", "migration_direct", "migration_indirect",
                     "migration_share_of_growth", "migration_adjustment", "migration_nonlinear"):
            assert float(abs(data[name]).max()) == 0.0, name


def test_cuts_are_reported_and_leave_the_split_nearly_linear(reference):
    assert 0 < float(reference.migration_adjustment.sel(period="2012-2061")) < 10
    assert float(abs(reference.migration_nonlinear).max()) < 0.1


def test_without_births_the_indirect_part_is_zero_and_the_direct_part_is_by_hand():
    """No fertility, no internal migration and only inflows: the kernel is
    linear, the gap to the counterfactual holds the migrants and their
    survivors only, and in the first year (timing "even") half the migrants
    arrive at the start and survive one year, half at the end."""
    base = dataclasses.replace(load_scenario("belgium-2012"), horizon=2022)
    migrants = np.full((10, 3, 2, 111), 40.0)
    scenario = with_components(base, fertility=scale(0.0), internal_migration=scale(0.0),
                               international_migration=Component("table", values=migrants))
    ds = migration_contribution(scenario)
    np.testing.assert_allclose(ds.migration_indirect, 0.0, atol=1e-6)
    assert float(abs(ds.migration_adjustment).max()) == 0.0

    survival = build_inputs(scenario).rates.survival[0, 0]                  # (region, sex, age)
    into_next_age = np.concatenate([survival[..., 1:], survival[..., -1:]], axis=-1)
    first_year = (0.5 * migrants[0] * into_next_age + 0.5 * migrants[0]).sum()
    np.testing.assert_allclose(ds.migration_direct.sel(period="2012-2013"), first_year,
                               rtol=1e-12)
    np.testing.assert_allclose(ds.migration_total, ds.migration_direct, rtol=1e-10)


# --- decompose_difference --------------------------------------------------------------


def test_contributions_add_up_to_the_difference(editions):
    np.testing.assert_allclose(editions.contribution.sum("component"), editions.difference,
                               rtol=1e-10, atol=1e-6)
    assert editions.contribution.dims == ("component", "time", "region", "sex", "age")
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


def test_the_same_e0_path_solved_on_other_populations_moves_mortality_a_little():
    ds = decompose_difference("fpb-2013", "high-migration", at=2060).sum(NATIONAL)
    assert float(ds.contribution.sel(component="fertility")) == 0.0
    mortality = float(ds.contribution.sel(component="mortality"))
    assert 0 < abs(mortality) < 1e-3 * float(ds.difference)


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


# --- error messages --------------------------------------------------------------------


def test_scenarios_with_another_base_are_refused():
    with pytest.raises(InputError) as caught:
        decompose_difference("fpb-2013", "nis-1988-zero-migration")
    assert str(caught.value) == (
        "argument 'scenario_b': got 'nis-1988-zero-migration' with base 'belgium-1988'; "
        "expected base 'belgium-2012' as in scenario_a 'fpb-2013'. Fix: compare scenarios that "
        "share base, horizon, open_age and conventions, for example a scenario and one that "
        "extends it.")


def test_scenarios_with_another_horizon_and_safeguard_are_refused():
    shorter = dataclasses.replace(load_scenario("fpb-2013"), horizon=2050, safeguard="ccmpp")
    with pytest.raises(InputError) as caught:
        decompose_difference("fpb-2013", shorter)
    assert str(caught.value) == (
        "argument 'scenario_b': got 'fpb-2013' with horizon 2050, safeguard 'ccmpp'; "
        "expected horizon 2061, safeguard 'reduce' as in scenario_a 'fpb-2013'. Fix: compare "
        "scenarios that share base, horizon, open_age and conventions, for example a scenario "
        "and one that extends it.")


def test_unknown_component_is_refused():
    with pytest.raises(InputError) as caught:
        decompose_difference("fpb-2013", "fpb-2011", components=("fertilty", "mortality"))
    assert str(caught.value) == (
        "argument 'components': got ('fertilty', 'mortality'); expected distinct names among "
        "['fertility', 'mortality', 'international_migration', 'internal_migration', 'naturalisation']. "
        "Fix: did you mean 'fertility'?")


def test_a_component_held_but_different_is_refused(tmp_path):
    other = extending(tmp_path, "fpb-2013", "[internal_migration]\nscale = 0.5\n")
    with pytest.raises(InputError) as caught:
        decompose_difference("fpb-2013", other)
    assert str(caught.value) == (
        "argument 'components': got ('fertility', 'mortality', 'international_migration'), "
        "which holds internal_migration at 'fpb-2013''s assumption; expected every component "
        "in which 'fpb-2013' and 'child' differ. Fix: add 'internal_migration' to components.")


def test_a_date_outside_the_projection_is_refused():
    with pytest.raises(InputError) as caught:
        decompose_difference("fpb-2013", "fpb-2011", at=[2030, 2070])
    assert str(caught.value) == (
        "argument 'at': got [2030, 2070]; expected 1 January dates of the projection, from 2012 "
        "to 2061. Fix: give years from 2012 to 2061, or None for all.")


@pytest.mark.parametrize("arguments, message", [
    ({"start": 2070}, "argument 'start': got 2070; expected a 1 January date of the projection, "
                      "from 2012 to 2061. Fix: give a year from 2012 to 2061."),
    ({"start": 2030, "end": 2020}, "arguments 'start' and 'end': got start 2030 and end 2020; "
                                   "expected a start before the end. Fix: swap them or widen "
                                   "the period."),
    ({"by": "regoin"}, "argument 'by': got ('regoin',); expected distinct dimensions among "
                       "['region', 'sex', 'age']. Fix: did you mean 'region'?"),
])
def test_bad_period_or_dimension_is_refused(arguments, message):
    with pytest.raises(InputError) as caught:
        migration_contribution("fpb-2013", **arguments)
    assert str(caught.value) == message
