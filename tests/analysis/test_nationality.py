"""A result by region and nationality needs nothing new in the analysis layer.

The three-region reference (fpb-2013-regions) projected on its base split into two nationalities
(nationality_cases.py: the foreign one holds a known share of every cell, at
the same rates) is the reference split by that share. So every indicator
pooled over nationality equals the reference's, national or by region, and
every indicator of the age structure is the same for each nationality. The
small naturalised result checks the migration balance with naturalisations:
they count by nationality and cancel by region.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from helpers import raises_exactly
from nationality_cases import FOREIGN_SHARE, NATIONALITIES, split_by_nationality

from projsim.analysis import indicators
from projsim.analysis.difference import decompose_difference
from projsim.analysis.migration import migration_contribution
from projsim.types import FOREIGN, NATIONALITY, REGION

#: Indicators with the dimensions besides the states they pool for a national figure.
INDICATORS = [
    (indicators.tfr, {}, ()), (indicators.grr, {}, ()), (indicators.nrr, {}, ()),
    (indicators.mean_age_at_childbearing, {}, ()),
    (indicators.life_expectancy, {"age": [0, 65]}, ()),
    (indicators.natural_balance, {}, ("sex",)), (indicators.migration_balance, {}, ("sex",)),
    (indicators.crude_birth_rate, {}, ("sex",)), (indicators.crude_death_rate, {}, ("sex",)),
    (indicators.crude_net_migration_rate, {}, ("sex",)),
    (indicators.growth_rate, {"method": "crude"}, ("sex",)),
    (indicators.mean_age, {}, ("sex",)), (indicators.median_age, {}, ("sex",)),
    (indicators.dependency_ratio, {"kind": "old"}, ("sex",)),
    (indicators.dependency_ratio, {"kind": "young"}, ("sex",)),
    (indicators.share_aged, {"age": 80}, ("sex",)), (indicators.sex_ratio, {}, ("age",)),
]
#: Indicators of the age structure, the same for each nationality of the split.
STRUCTURE = [indicators.mean_age, indicators.median_age, indicators.dependency_ratio,
             indicators.share_aged, indicators.sex_ratio]


def close(split, plain, rtol=1e-9):
    np.testing.assert_allclose(split.transpose(*plain.dims), plain, rtol=rtol, atol=1e-6)


def test_the_split_is_the_regions_by_nationality(by_nationality, regions):
    assert by_nationality.population.dims == ("time", REGION, NATIONALITY, "sex", "age")
    assert by_nationality.attrs["state_dims"] == f"{REGION} {NATIONALITY}"
    close(by_nationality.population.sum(NATIONALITY), regions.population, rtol=1e-12)
    foreign = by_nationality.population.sel({NATIONALITY: FOREIGN}, drop=True)
    close(foreign, FOREIGN_SHARE * regions.population, rtol=1e-12)


@pytest.mark.parametrize("function, kwargs, others", INDICATORS,
                         ids=[f.__name__ for f, *_ in INDICATORS])
def test_national_and_regional_figures_pool_nationality(by_nationality, regions, function,
                                                        kwargs, others):
    national = function(by_nationality, aggregate=(REGION, NATIONALITY, *others), **kwargs)
    close(national, function(regions, aggregate=(REGION, *others), **kwargs))
    by_region = function(by_nationality, aggregate=(NATIONALITY, *others), **kwargs)
    close(by_region, function(regions, aggregate=others, **kwargs))
    assert national.attrs == function(regions, aggregate=(REGION, *others), **kwargs).attrs


@pytest.mark.parametrize("function", STRUCTURE, ids=[f.__name__ for f in STRUCTURE])
def test_each_nationality_keeps_the_age_structure(by_nationality, regions, function):
    kwargs = {"age": 80} if function is indicators.share_aged else {}
    kept = function(by_nationality, **kwargs)
    assert NATIONALITY in kept.dims
    for label in NATIONALITIES:
        close(kept.sel({NATIONALITY: label}, drop=True), function(regions, **kwargs))
    national = function(by_nationality, aggregate=REGION, **kwargs)
    assert national.dims[:2] == ("time", NATIONALITY)


def test_rates_kept_by_nationality_are_the_regions(by_nationality, regions):
    for function in (indicators.tfr, indicators.life_expectancy):
        kept = function(by_nationality)
        for label in NATIONALITIES:
            close(kept.sel({NATIONALITY: label}, drop=True), function(regions), rtol=1e-12)


def test_foreign_share_is_the_known_share(by_nationality):
    national = indicators.foreign_share(by_nationality, aggregate=(REGION, "sex", "age"))
    np.testing.assert_allclose(national, 100 * FOREIGN_SHARE, rtol=1e-12)
    assert national.dims == ("time",)
    assert national.attrs == {"long_name": "share of the persons of foreign nationality",
                              "units": "%"}
    cells = indicators.foreign_share(by_nationality)
    assert cells.dims == ("time", REGION, "sex", "age")
    lived = by_nationality.population.sum(NATIONALITY) > 0
    np.testing.assert_allclose(cells.where(lived).fillna(100 * FOREIGN_SHARE),
                               100 * FOREIGN_SHARE, rtol=1e-12)
    xr.testing.assert_identical(by_nationality.projsim.foreign_share(aggregate="age"),
                                indicators.foreign_share(by_nationality, aggregate="age"))


def test_error_aggregate_names_the_state_dimensions(by_nationality):
    with raises_exactly(
        "argument 'aggregate': got 'age'; expected dimensions to aggregate among 'region', "
        "'nationality' for the total fertility rate. Fix: aggregate=('region', 'nationality') "
        "gives national figures; every other dimension (time, scenario, draw) is kept."
    ):
        indicators.tfr(by_nationality, aggregate="age")
    with raises_exactly(
        "argument 'aggregate': got 'nationality'; expected dimensions to aggregate among "
        "'region', 'sex', 'age' for the foreign share. Fix: aggregate='region' gives national "
        "figures; every other dimension (time, scenario, draw) is kept."
    ):
        indicators.foreign_share(by_nationality, aggregate=NATIONALITY)


# --- moves between states --------------------------------------------------------


def test_balances_add_up_to_the_change_by_region_and_nationality(naturalised):
    totals = naturalised.population.sum("age")
    change = (totals.shift(time=-1) - totals).isel(time=slice(None, -1))
    floor = naturalised.population_floor.sum("age").isel(time=slice(None, -1))
    balance = (indicators.natural_balance(naturalised)
               + indicators.migration_balance(naturalised)).isel(time=slice(None, -1))
    np.testing.assert_allclose(balance + floor, change.transpose(*balance.dims), rtol=1e-12)
    crude = (indicators.crude_birth_rate(naturalised) - indicators.crude_death_rate(naturalised)
             + indicators.crude_net_migration_rate(naturalised))
    np.testing.assert_allclose(crude / 10, indicators.growth_rate(naturalised, method="crude"),
                               rtol=1e-10)


def test_naturalisations_count_by_nationality_and_cancel_by_region(naturalised):
    flows = naturalised.isel(time=slice(None, -1))
    assert float(flows.naturalisation_in.sum()) > 0
    by_region = indicators.migration_balance(naturalised, aggregate=(NATIONALITY, "sex"))
    without = (flows.net_migration + flows.internal_in - flows.internal_out).sum(
        [NATIONALITY, "sex", "age"])
    np.testing.assert_allclose(by_region.isel(time=slice(None, -1)), without, rtol=1e-12)
    by_nationality = indicators.migration_balance(naturalised, aggregate=(REGION, "sex"))
    with_them = (flows.net_migration + flows.naturalisation_in - flows.naturalisation_out).sum(
        [REGION, "sex", "age"])
    np.testing.assert_allclose(by_nationality.isel(time=slice(None, -1)), with_them, rtol=1e-12)
    international = flows.net_migration.sum([REGION, "sex", "age"])
    assert not np.allclose(by_nationality.isel(time=slice(None, -1)), international)
    national = indicators.migration_balance(naturalised, aggregate=(REGION, NATIONALITY, "sex"))
    np.testing.assert_allclose(national.isel(time=slice(None, -1)),
                               flows.net_migration.sum([REGION, NATIONALITY, "sex", "age"]),
                               rtol=1e-12)


def test_the_moves_counted_are_named(naturalised, reference, regions):
    assert indicators.migration_balance(naturalised).attrs["long_name"] == (
        "migration balance (international net plus internal net plus naturalisation net)")
    assert indicators.crude_net_migration_rate(naturalised).attrs["long_name"] == (
        "crude net migration rate (international, internal and naturalisation)")
    assert indicators.migration_balance(reference).attrs["long_name"] == (
        "migration balance (international net plus internal net plus naturalisation net)")
    assert indicators.migration_balance(regions).attrs["long_name"] == (
        "migration balance (international net plus internal net)")


def test_error_a_move_with_one_flow_only(naturalised):
    with raises_exactly(
        "argument 'ds': got a Dataset without the variable 'naturalisation_out'; expected a "
        "projsim result with 'net_migration', 'internal_in', 'internal_out', "
        "'naturalisation_in' and 'naturalisation_out' for the migration balance. Fix: pass "
        "the Dataset returned by projsim.project, or one read back from its netCDF file."
    ):
        indicators.migration_balance(naturalised.drop_vars("naturalisation_out"))


# --- decompositions -------------------------------------------------------------------


def test_migration_contribution_by_region_and_nationality():
    split = migration_contribution(split_by_nationality("fpb-2013-regions"), 2012, 2030,
                                   by=(REGION, NATIONALITY))
    plain = migration_contribution("fpb-2013-regions", 2012, 2030, by=REGION)
    assert split.total_change.dims == ("period", REGION, NATIONALITY)
    for name in ("total_change", "natural_change_counterfactual", "migration_total",
                 "migration_direct", "migration_indirect", "migration_adjustment"):
        close(split[name].sum(NATIONALITY), plain[name])
        close(split[name].sel({NATIONALITY: FOREIGN}, drop=True), FOREIGN_SHARE * plain[name])
    close(split.migration_share_of_growth.sel({NATIONALITY: FOREIGN}, drop=True),
          plain.migration_share_of_growth)


def test_error_migration_contribution_by_names_the_state_dimensions():
    with raises_exactly(
        "argument 'by': got ('nationalty',); expected distinct dimensions among "
        "['region', 'nationality', 'sex', 'age']. Fix: did you mean 'nationality'?"
    ):
        migration_contribution(split_by_nationality("fpb-2013-regions"), by="nationalty")


def test_decompose_difference_by_region_and_nationality(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('name = "other"\nextends = "fpb-2013-regions"\n'
                     '[fertility]\ntfr = { 2012 = 1.83, 2030 = 1.90 }\n'
                     '[international_migration]\nnet_total = 30000\n', encoding="utf-8")
    split = decompose_difference(split_by_nationality(other),
                                 split_by_nationality("fpb-2013-regions"), at=[2030, 2060])
    plain = decompose_difference(other, "fpb-2013-regions", at=[2030, 2060])
    assert split.contribution.dims == ("component", "time", REGION, NATIONALITY, "sex", "age")
    close(split.contribution.sum(NATIONALITY), plain.contribution, rtol=1e-7)
    close(split.difference.sum(NATIONALITY), plain.difference, rtol=1e-9)
