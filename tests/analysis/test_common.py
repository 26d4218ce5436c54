"""Tests of what the indicators share (projsim.analysis.common): batch
dimensions kept, results left alone, and the exact messages of the checks of
a result and of what to aggregate."""

from __future__ import annotations

import numpy as np
import xarray as xr
from helpers import raises_exactly

from projsim.analysis import indicators


#: Every indicator, by region and national, as (function, arguments).
CALLS = [
    (indicators.tfr, {}), (indicators.tfr, {"aggregate": "region"}),
    (indicators.grr, {"aggregate": "region"}), (indicators.nrr, {}),
    (indicators.nrr, {"aggregate": "region"}),
    (indicators.mean_age_at_childbearing, {"aggregate": "region"}),
    (indicators.life_expectancy, {"age": [0, 2]}),
    (indicators.life_expectancy, {"aggregate": "region"}),
    (indicators.mid_year_population, {}), (indicators.natural_balance, {}),
    (indicators.migration_balance, {"aggregate": "region"}),
    (indicators.crude_birth_rate, {"aggregate": ("region", "sex")}),
    (indicators.crude_death_rate, {}), (indicators.crude_net_migration_rate, {}),
    (indicators.growth_rate, {"method": "exponential"}), (indicators.mean_age, {}),
    (indicators.median_age, {"aggregate": "sex"}),
    (indicators.dependency_ratio, {"working_age": (1, 3)}), (indicators.share_aged, {"age": 2}),
    (indicators.sex_ratio, {}), (indicators.sex_ratio, {"aggregate": ("region", "age")}),
]


def test_every_indicator_keeps_a_draw_dimension(small):
    """Two draws, the second without empty cells (so pooled differently) and with
    other rates: each draw's indicators are those of the draw alone."""
    other = small.copy()
    other["population"] = small.population + 5
    other["mortality_rate"] = small.mortality_rate * 1.5
    other["fertility_rate"] = small.fertility_rate * 0.8
    draws = xr.concat([small, other], dim=xr.DataArray([0, 1], dims="draw", name="draw"))
    for function, kwargs in CALLS:
        together = function(draws, **kwargs)
        assert "draw" in together.dims, function.__name__
        assert together.attrs["units"] and together.attrs["long_name"], function.__name__
        for draw, alone in enumerate((small, other)):
            expected = function(alone, **kwargs)
            xr.testing.assert_allclose(together.sel(draw=draw, drop=True).transpose(*expected.dims),
                                       expected)


def test_national_rates_when_the_population_has_no_draw_dimension(small, kernels):
    """Rates by draw over one population: the pooling kernels broadcast it."""
    draws = xr.concat([small, small], dim="draw")
    draws["population"] = small.population
    for function in (indicators.life_expectancy, indicators.nrr, indicators.tfr):
        together, alone = function(draws, aggregate="region"), function(small, aggregate="region")
        xr.testing.assert_allclose(together.isel(draw=1, drop=True).transpose(*alone.dims), alone)


#: Ages of the calls above that the Belgian results need instead of the hand-made one's.
BELGIAN_AGES = {indicators.dependency_ratio: {"working_age": (18, 67)},
                indicators.share_aged: {"age": 80}}


def test_every_indicator_keeps_the_scenario_dimension(variants):
    for function, kwargs in CALLS:
        kwargs = {**kwargs, **BELGIAN_AGES.get(function, {})}
        result = function(variants, **kwargs)
        assert "scenario" in result.dims, function.__name__
        first = function(variants.isel(scenario=0), **kwargs)
        np.testing.assert_allclose(result.isel(scenario=0).transpose(*first.dims), first,
                                   rtol=1e-12, err_msg=function.__name__)
    tfr = indicators.tfr(variants, aggregate=("region", "nationality"))
    assert tfr.dims == ("time", "scenario") and list(tfr.scenario.values) == list(
        variants.scenario.values)


def test_the_result_is_left_alone(small):
    before = small.copy(deep=True)
    for function, kwargs in CALLS:
        function(small, **kwargs)
    xr.testing.assert_identical(small, before)


def test_error_unknown_aggregate(small):
    with raises_exactly(
        "argument 'aggregate': got 'sex'; expected dimensions to aggregate among 'region' for "
        "the total fertility rate. Fix: aggregate='region' gives national figures; every other "
        "dimension (time, scenario, draw) is kept."
    ):
        indicators.tfr(small, aggregate="sex")
    with raises_exactly(
        "argument 'aggregate': got 'scenario'; expected dimensions to aggregate among 'region', "
        "'sex' for the crude death rate. Fix: aggregate='region' gives national figures; every "
        "other dimension (time, scenario, draw) is kept."
    ):
        indicators.crude_death_rate(small, aggregate=["region", "scenario"])


def test_error_age_outside_the_result(small):
    with raises_exactly(
        "argument 'age': got 4; expected an integer age from 0 to 3, the open age of the result "
        "[years]. Fix: choose an age the result covers, or project with a higher open_age."
    ):
        indicators.life_expectancy(small, [0, 4])
    with raises_exactly(
        "argument 'age': got -1; expected an integer age from 0 to 3, the open age of the result "
        "[years]. Fix: choose an age the result covers, or project with a higher open_age."
    ):
        indicators.share_aged(small, -1)


def test_error_missing_variable(small):
    with raises_exactly(
        "argument 'ds': got a Dataset without the variable 'fertility_rate'; expected a projsim "
        "result with 'fertility_rate' for the total fertility rate. Fix: pass the Dataset "
        "returned by projsim.project, or one read back from its netCDF file."
    ):
        indicators.tfr(small.drop_vars("fertility_rate"))
    with raises_exactly(
        "argument 'ds': got a Dataset without the variable 'mortality_rate'; expected a projsim "
        "result with 'fertility_rate', 'sex_ratio_at_birth', 'mortality_rate' and 'population' "
        "for the net reproduction rate. Fix: pass the Dataset returned by projsim.project, or "
        "one read back from its netCDF file."
    ):
        indicators.nrr(small.drop_vars("mortality_rate"), aggregate="region")


def test_error_dimension_dropped(small):
    with raises_exactly(
        "variable 'population': got dimensions ('time', 'sex', 'age'); expected the dimensions "
        "('time', 'region', 'sex', 'age'), in any order, plus any batch dimension such as "
        "'scenario' or 'draw'. Fix: keep a dimension of length 1 when selecting, for example "
        "ds.sel(region=['Flemish Region'])."
    ):
        indicators.mean_age(small.sel(region="A"))


def test_error_years_not_consecutive(reference):
    with raises_exactly(
        "coordinate 'time': got [2012, 2022, 2032, 2042, 2052]; expected consecutive years: "
        "flows run from 1 January of time to 1 January of time + 1. Fix: select a contiguous "
        "range of years, for example ds.sel(time=slice(2020, 2040))."
    ):
        indicators.crude_birth_rate(reference.sel(time=[2012, 2022, 2032, 2042, 2052]))


def test_error_not_a_dataset(small):
    with raises_exactly(
        "argument 'ds': got an object of type DataArray; expected an xarray.Dataset with "
        "'population' for the mean age. Fix: pass the Dataset returned by projsim.project."
    ):
        indicators.mean_age(small.population)
