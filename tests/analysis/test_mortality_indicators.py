"""Tests of the mortality indicators (projsim.analysis.mortality): life tables
and life expectancy by hand, against other implementations and the engine's
national rates, numba against numpy, and exact error messages. (Test file
names must be unique across folders: tests/demography/test_mortality.py exists.)"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from analysis_cases import at_2020, hand_e0
from helpers import raises_exactly

from projsim.analysis import common, indicators
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.pooling import national_rates, pooled_oldest
from projsim.types import SEXES


#: The state dimensions of the reference results, pooled for national figures.
NATION = ("region", "nationality")


def states(array, *others):
    """``array`` (time, others..., region, nationality, sex, age) with the states on one
    axis, in the engine's order (region major)."""
    return array.stack(state=NATION).transpose("time", *others, "state", "sex", "age")


def test_life_expectancy_by_hand(small):
    e0 = indicators.life_expectancy(small)
    expected = [[hand_e0(0.1, 0.2, 0.5), hand_e0(0.2, 0.3, 0.6)],
                [hand_e0(0.22, 0.32, 0.62), hand_e0(0.27, 0.37, 0.67)]]
    np.testing.assert_allclose(at_2020(e0), expected, rtol=1e-12)
    assert e0.dims == ("time", "region", "sex") and int(e0.age) == 0
    assert e0.attrs == {"long_name": "period life expectancy at exact age", "units": "years"}
    assert np.isnan(e0.sel(time=2021)).all()


def test_national_life_expectancy_pools_the_oldest_ages(small):
    """Region B has no man aged 1, so from age 1 every region and sex is weighted by
    its mid-year population aged 1 or over: A 70 women, 50 men; B 50 women, 20 men.
    Women: 0.1 + 0.12 x 50/120 = 0.15 ...; men: 0.2 + 0.07 x 20/70 = 0.22 ..."""
    e0 = indicators.life_expectancy(small, aggregate="region")
    np.testing.assert_allclose(at_2020(e0), [hand_e0(0.15, 0.25, 0.55), hand_e0(0.22, 0.32, 0.62)],
                               rtol=1e-12)


def test_life_table_columns(small):
    table = indicators.life_table(small, radix=1.0)
    assert set(table.data_vars) == {"mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex"}
    column = table.sel(time=2020, region="A", sex="female")
    survivors_2 = 0.95 / 1.05
    np.testing.assert_allclose(
        column.Lx, [1, 1 / 1.05, survivors_2 / 1.1, survivors_2 * 0.9 / 1.1 / 0.5], rtol=1e-12)
    xr.testing.assert_allclose(table.ex.sel(age=0, drop=True),
                               indicators.life_expectancy(small).drop_vars("age"))
    assert table.Lx.attrs["units"] == "person-years"


def test_e0_and_e65_against_other_implementations(reference):
    """e0 against projsim.lifetable.life_expectancy_at_birth (which builds no table),
    e65 against the table written out here: above age 0, a(x) = 1/2, so
    l(x+1) / l(x) = (1 - m/2) / (1 + m/2), L(x) = (l(x) + l(x+1)) / 2, L(110+) = l / m."""
    rates = reference.mortality_rate.isel(time=slice(None, -1))
    both = indicators.life_expectancy(reference, [0, 65]).isel(time=slice(None, -1))
    both = both.transpose(*rates.dims[:-1], "age")
    e0 = life_expectancy_at_birth(rates.values, np.array(SEXES))
    np.testing.assert_allclose(both.sel(age=0), e0, rtol=1e-12)
    old = rates.sel(age=slice(65, None)).values
    survival = (1 - old[..., :-1] / 2) / (1 + old[..., :-1] / 2)
    survivors = np.concatenate([np.ones(old.shape[:-1] + (1,)), np.cumprod(survival, -1)], -1)
    person_years = (survivors[..., :-1] + survivors[..., 1:]) / 2
    e65 = person_years.sum(-1) + survivors[..., -1] / old[..., -1]
    np.testing.assert_allclose(both.sel(age=65), e65, rtol=1e-12)


def test_reference_national_e0_in_2060(reference):
    e0 = indicators.life_expectancy(reference, aggregate=NATION).sel(time=2060)
    assert abs(float(e0.sel(sex="male")) - 86.7) < 1e-3
    assert abs(float(e0.sel(sex="female")) - 89.1) < 1e-3


def test_national_rates_are_the_engines(reference):
    """The engine pools the oldest ages from the first age empty in *any* year
    (projsim.assumptions.reweight_e0 calls pooled_oldest on all years at once);
    here the pooling age is found year by year, so that a year's e0 does not
    depend on the others. Only ages above 104 differ, by a few weights."""
    stocks = states(reference.population).values
    exposure = pooled_oldest(0.5 * (stocks[:-1] + stocks[1:]))
    rates = states(reference.mortality_rate.isel(time=slice(None, -1))).values
    engine = life_expectancy_at_birth((rates * exposure).sum(1) / exposure.sum(1), np.array(SEXES))
    ours = indicators.life_expectancy(reference, aggregate=NATION).isel(time=slice(None, -1))
    np.testing.assert_allclose(ours.transpose("time", "sex"), engine, atol=1e-4)


def test_pooling_each_row_is_pooling_each_row_alone():
    """pooled_oldest(each_row=True) against the engine's pooling applied to one
    row at a time: empty cells at different ages in different rows."""
    rng = np.random.default_rng(3)
    exposure = rng.uniform(1, 10, (5, 3, 2, 2, 8))
    exposure[0, 0, 1, 0, 5] = exposure[1, 2, 0, 1, 3] = exposure[1, 2, 0, 1, 6] = 0.0
    exposure[4, 1, 1, 1, 7] = 0.0
    pooled = pooled_oldest(exposure, each_row=True)
    for row in np.ndindex(5, 3):
        np.testing.assert_array_equal(pooled[row], pooled_oldest(exposure[row]))
    without_empty_cells = exposure[2]
    assert pooled_oldest(without_empty_cells, each_row=True) is without_empty_cells


def test_national_rates_are_pooled_year_by_year(variants, kernels):
    """The national death rates behind e0 against the engine's functions called
    year by year and scenario by scenario."""
    ds = variants.isel(time=slice(0, 6))
    national = indicators.life_table(ds, aggregate=NATION).mx
    stocks = states(ds.population, "scenario").values
    rates = states(ds.mortality_rate, "scenario").values
    for time, scenario in np.ndindex(5, ds.sizes["scenario"]):
        exposure = 0.5 * (stocks[time, scenario] + stocks[time + 1, scenario])
        expected = national_rates(rates[time, scenario], pooled_oldest(exposure))
        np.testing.assert_array_equal(
            national.isel(time=time, scenario=scenario).transpose("sex", "age"), expected)
    assert national.isel(time=-1).isnull().all()


def test_compiled_national_rates_equal_numpy(small, monkeypatch):
    """numba's pooling loop against the numpy kernel on draws with empty cells at
    random ages (pooled from there), for all ages and for the NRR's women."""
    pytest.importorskip("numba")
    monkeypatch.setattr(common, "COMPILED_FROM_CELLS", 0)  # numba however small the result
    rng = np.random.default_rng(4)
    draws = []
    for draw in range(40):
        one = small.copy(deep=True)
        one["population"] = small.population * rng.uniform(0.5, 2, small.population.shape)
        one["population"].values[rng.random(small.population.shape) < 0.05] = 0.0
        one["mortality_rate"] = small.mortality_rate * rng.uniform(0.5, 2)
        draws.append(one)
    ds = xr.concat(draws, dim="draw")
    compiled = (indicators.life_table(ds, aggregate="region").mx,
                indicators.nrr(ds, aggregate="region"))
    monkeypatch.setattr(common, "compiled_loops", lambda cells: None)
    plain = (indicators.life_table(ds, aggregate="region").mx,
             indicators.nrr(ds, aggregate="region"))
    for by_numba, by_numpy in zip(compiled, plain):
        np.testing.assert_allclose(by_numba, by_numpy.transpose(*by_numba.dims), rtol=1e-12)


def test_rows_with_a_missing_or_infinite_rate_have_no_life_expectancy(regions):
    """A NaN or an infinite rate at any age blanks e0 and e65 of its year, region
    and sex, and of nothing else."""
    broken = regions.isel(time=slice(0, 4)).copy(deep=True)
    rates = broken["mortality_rate"]
    rates[0, 0, 0, 30] = np.nan
    rates[1, 1, 1, 80] = np.inf
    rates[2, 2, 0, -1] = np.inf
    rates[2, 0, 1, 0] = np.inf
    both = indicators.life_expectancy(broken, [0, 65])
    blank = np.zeros(both.shape[:-1], dtype=bool)
    blank[0, 0, 0] = blank[1, 1, 1] = blank[2, 2, 0] = blank[2, 0, 1] = True
    assert np.array_equal(both.isnull().all("age").values, blank)
    assert both.notnull().all("age").values[~blank].all()
    intact = indicators.life_expectancy(regions.isel(time=slice(0, 4)), [0, 65])
    np.testing.assert_array_equal(both.values[~blank], intact.values[~blank])


def test_error_negative_death_rate(small):
    broken = small.copy(deep=True)
    broken["mortality_rate"][0, 1, 1, 2] = -0.1
    with raises_exactly(
        "variable 'mortality_rate': got a negative rate at time=2020, region='B', sex='male', "
        "age=2; expected central death rates >= 0 [per person-year]. Fix: check the scenario's "
        "mortality assumptions."
    ):
        indicators.life_expectancy(broken)
