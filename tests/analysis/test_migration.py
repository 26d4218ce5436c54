"""Growth due to international migration (projsim.analysis.migration): parts
that add up, null conditions, a linear case checked by hand, parity with an
independent zero-migration projection and exact error messages."""

import dataclasses

import numpy as np
import pytest
from analysis_cases import extending
from helpers import raises_exactly

import projsim
from projsim.analysis.migration import migration_contribution
from projsim.assumptions import build_inputs
from projsim.io import load_scenario
from projsim.model.scenario import Component, TimePath

PARTS = ("natural_change_counterfactual", "migration_direct", "migration_indirect")
CHANGES = ("total_change", *PARTS, "migration_total", "migration_adjustment", "migration_nonlinear")
NATIONAL = ["region", "nationality", "sex", "age"]


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
    ds = projsim.project("fpb-2013-variants").population.sum(["nationality", "sex", "age"])
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


def test_cuts_are_reported_and_leave_the_split_nearly_linear():
    """The three-region reference spreads net migrants by a profile with negative
    cells, a few of which the safeguard cuts; the gross flows of the reference by
    nationality need no cut."""
    regions = migration_contribution("fpb-2013-regions")
    assert 0 < float(regions.migration_adjustment.sel(period="2012-2061")) < 10
    assert float(abs(regions.migration_nonlinear).max()) < 0.1


def test_without_births_the_indirect_part_is_zero_and_the_direct_part_is_by_hand():
    """No fertility, no internal migration and only inflows: the kernel is
    linear, the gap to the counterfactual holds the migrants and their
    survivors only, and in the first year (timing "even") half the migrants
    arrive at the start and survive one year, half at the end."""
    base = dataclasses.replace(load_scenario("belgium-2012"), horizon=2022)
    migrants = np.full((10, 6, 2, 111), 40.0)
    scenario = with_components(base, fertility=scale(0.0), internal_migration=scale(0.0),
                               naturalisation=scale(0.0),
                               international_migration=Component("table", values=migrants))
    ds = migration_contribution(scenario)
    np.testing.assert_allclose(ds.migration_indirect, 0.0, atol=1e-6)
    assert float(abs(ds.migration_adjustment).max()) == 0.0

    survival = build_inputs(scenario).rates.survival[0, 0]                  # (state, sex, age)
    into_next_age = np.concatenate([survival[..., 1:], survival[..., -1:]], axis=-1)
    first_year = (0.5 * migrants[0] * into_next_age + 0.5 * migrants[0]).sum()
    np.testing.assert_allclose(ds.migration_direct.sel(period="2012-2013"), first_year,
                               rtol=1e-12)
    np.testing.assert_allclose(ds.migration_total, ds.migration_direct, rtol=1e-10)


@pytest.mark.parametrize("arguments, message", [
    ({"start": 2070}, "argument 'start': got 2070; expected a 1 January date of the projection, "
                      "from 2012 to 2061. Fix: give a year from 2012 to 2061."),
    ({"start": 2030, "end": 2020}, "arguments 'start' and 'end': got start 2030 and end 2020; "
                                   "expected a start before the end. Fix: swap them or widen "
                                   "the period."),
    ({"by": "regoin"}, "argument 'by': got ('regoin',); expected distinct dimensions among "
                       "['region', 'nationality', 'sex', 'age']. Fix: did you mean 'region'?"),
])


def test_bad_period_or_dimension_is_refused(arguments, message):
    with raises_exactly(message):
        migration_contribution("fpb-2013", **arguments)
