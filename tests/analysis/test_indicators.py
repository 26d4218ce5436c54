"""Tests of ``projsim.indicators``: hand calculations, the reference scenario,
identities, batch dimensions and exact error messages.

The hand-made result below has two regions, four ages (0, 1, 2 and the open
group 3+) and two dates, 2020 and 2021; every expected value is worked out
from its numbers in the comments, without projsim.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import xarray as xr
from helpers import raises_exactly

from projsim.analysis import indicators
from projsim.analysis.indicators import IndicatorAccessor
from projsim.demography import lifetable
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.pooling import national_rates, pooled_oldest
from projsim.types import SEXES

NAN = np.nan


def hand_made() -> xr.Dataset:
    """A result with numbers small enough to check every indicator by hand."""
    dims = ("time", "region", "sex", "age")
    population = np.array([
        # 2020: region A (female, male), region B (female, male); ages 0, 1, 2, 3+
        [[[10, 20, 30, 10], [10, 20, 10, 10]], [[10, 40, 10, 10], [20, 0, 10, 10]]],
        # 2021
        [[[10, 40, 30, 10], [10, 20, 30, 10]], [[10, 20, 10, 10], [20, 0, 10, 10]]],
    ], dtype=float)
    missing = np.full((1, 2, 2, 4), NAN)

    def flow(values_2020):
        return dims, np.concatenate([np.array(values_2020, dtype=float)[None], missing])

    mortality = [[[0.0, 0.1, 0.2, 0.5], [0.0, 0.2, 0.3, 0.6]],
                 [[0.0, 0.22, 0.32, 0.62], [0.0, 0.27, 0.37, 0.67]]]
    zeros = np.zeros((2, 2, 4))
    return xr.Dataset(
        {
            "population": (dims, population),
            "births": (("time", "region", "sex"), [[[10.0, 10.0], [8.0, 12.0]], [[NAN] * 2] * 2]),
            "births_by_age_of_mother": (("time", "region", "age"),
                                        [[[0, 10, 10, 0], [0, 12, 8, 0]], [[NAN] * 4] * 2]),
            "deaths": flow([[[0, 1, 2, 3], [0, 2, 2, 2]], [[0, 1, 1, 1], [0, 0, 1, 1]]]),
            "net_migration": flow([[[1, 1, 1, 1], [0, 0, 0, 0]], [[2, 0, 0, 0], [0, 0, 0, 0]]]),
            "internal_in": flow([[[0, 3, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [0, 1, 0, 0]]]),
            "internal_out": flow([[[0, 0, 0, 0], [0, 1, 0, 0]], [[0, 3, 0, 0], [0, 0, 0, 0]]]),
            "migration_adjustment": flow(zeros),
            "population_floor": flow(zeros),
            "mortality_rate": flow(mortality),
            "fertility_rate": (("time", "region", "age"),
                               [[[0, 0.5, 0.5, 0], [0, 1.0, 0.5, 0]], [[NAN] * 4] * 2]),
            "sex_ratio_at_birth": (("time", "region"), [[1.0, 1.5], [NAN, NAN]]),
        },
        coords={"time": [2020, 2021], "region": ["A", "B"], "sex": list(SEXES),
                "age": ("age", np.arange(4), {"open_age": 3})},
    )


# Mid-year populations E = (P2020 + P2021) / 2 by region, sex and age:
#   A female [10, 30, 30, 10] = 80    A male [10, 20, 20, 10] = 60
#   B female [10, 30, 10, 10] = 60    B male [20,  0, 10, 10] = 40     total 240
# 1 January totals: 2020 A 120, B 110 (230); 2021 A 160, B 90 (250).


@pytest.fixture(scope="module")
def small():
    return hand_made()


def at_2020(data):
    return data.sel(time=2020).values


def hand_e0(m1, m2, m3):
    """e0 of rates (0, m1, m2, m3+) with a(x) = 1/2 above age 0: no deaths at age 0,
    then L = l / (1 + m/2), l(x+1) = l(x) (1 - m/2) / (1 + m/2), L(3+) = l(3) / m3."""
    l2 = (1 - m1 / 2) / (1 + m1 / 2)
    l3 = l2 * (1 - m2 / 2) / (1 + m2 / 2)
    return 1 + 1 / (1 + m1 / 2) + l2 / (1 + m2 / 2) + l3 / m3


# --- fertility ---------------------------------------------------------------------


def test_tfr_by_hand(small):
    # A: 0.5 + 0.5; B: 1.0 + 0.5.
    np.testing.assert_allclose(at_2020(indicators.tfr(small)), [1.0, 1.5])
    # Nation: age 1 (0.5 x 30 + 1.0 x 30) / 60 = 0.75, age 2 (0.5 x 30 + 0.5 x 10) / 40 = 0.5.
    np.testing.assert_allclose(at_2020(indicators.tfr(small, aggregate="region")), 1.25)
    assert np.isnan(indicators.tfr(small).sel(time=2021)).all()


def test_grr_by_hand(small):
    # Girls are 1/(1+1) of births in A and 1/(1+1.5) = 0.4 in B.
    np.testing.assert_allclose(at_2020(indicators.grr(small)), [0.5, 0.6])
    # Age 1 (0.25 x 30 + 0.4 x 30) / 60 = 0.325, age 2 (0.25 x 30 + 0.2 x 10) / 40 = 0.2375.
    np.testing.assert_allclose(at_2020(indicators.grr(small, aggregate="region")), 0.5625)


def test_nrr_by_hand(small):
    # Region A's women: m = (0, 0.1, 0.2), so L1 = 1/1.05 and L2 = (0.95/1.05)/1.1.
    person_years_a = np.array([1 / 1.05, 0.95 / 1.05 / 1.1])
    # Region B's: m = (0, 0.22, 0.32).
    person_years_b = np.array([1 / 1.11, 0.89 / 1.11 / 1.16])
    expected = [0.5 * 0.5 * person_years_a.sum(),
                0.4 * (1.0 * person_years_b[0] + 0.5 * person_years_b[1])]
    np.testing.assert_allclose(at_2020(indicators.nrr(small)), expected, rtol=1e-12)
    # The nation's women: rates pooled from age 1 (region B has no man aged 1),
    # weights 70 (A) and 50 (B): m = 0.1 + 0.12 x 50/120 = 0.15 and 0.25.
    national = np.array([1 / 1.075, 0.925 / 1.075 / 1.125])
    np.testing.assert_allclose(at_2020(indicators.nrr(small, aggregate="region")),
                               0.325 * national[0] + 0.2375 * national[1], rtol=1e-12)


def test_mean_age_at_childbearing_by_hand(small):
    # A: (1.5 x 0.5 + 2.5 x 0.5) / 1; B: (1.5 x 1 + 2.5 x 0.5) / 1.5; nation with 0.75 and 0.5.
    np.testing.assert_allclose(at_2020(indicators.mean_age_at_childbearing(small)),
                               [2.0, 2.75 / 1.5])
    np.testing.assert_allclose(
        at_2020(indicators.mean_age_at_childbearing(small, aggregate="region")), 1.9)


def test_reference_national_tfr(reference):
    """The scenario states TFR 1.83 with the base female population (1 January
    2012) as weights at every age (projsim.assumptions.fertility_rates). Weighted
    by each year's own mid-year women, the regions' shares move: by 2060
    Brussels, whose TFR is the highest (1.89), holds fewer of the women aged
    15-49 and Flanders, the lowest (1.80), more, so the national TFR drifts down
    to 1.828."""
    national = indicators.tfr(reference, aggregate="region").isel(time=slice(None, -1))
    assert np.abs(national - 1.83).max() < 0.005
    assert abs(float(national.sel(time=2012)) - 1.83) < 1e-3


# --- mortality --------------------------------------------------------------------


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
    e0 = indicators.life_expectancy(reference, aggregate="region").sel(time=2060)
    assert abs(float(e0.sel(sex="male")) - 86.7) < 1e-3
    assert abs(float(e0.sel(sex="female")) - 89.1) < 1e-3


def test_national_rates_are_the_engines(reference):
    """The engine pools the oldest ages from the first age empty in *any* year
    (projsim.assumptions.reweight_e0 calls pooled_oldest on all years at once);
    here the pooling age is found year by year, so that a year's e0 does not
    depend on the others. Only ages above 104 differ, by a few weights."""
    stocks = reference.population.transpose("time", "region", "sex", "age").values
    exposure = pooled_oldest(0.5 * (stocks[:-1] + stocks[1:]))
    rates = reference.mortality_rate.isel(time=slice(None, -1)).values
    engine = life_expectancy_at_birth((rates * exposure).sum(1) / exposure.sum(1), np.array(SEXES))
    ours = indicators.life_expectancy(reference, aggregate="region").isel(time=slice(None, -1))
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
    national = indicators.life_table(ds, aggregate="region").mx
    stocks = ds.population.transpose("time", "scenario", "region", "sex", "age").values
    rates = ds.mortality_rate.transpose("time", "scenario", "region", "sex", "age").values
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
    monkeypatch.setattr(indicators, "_compiled_loops", lambda: None)
    plain = (indicators.life_table(ds, aggregate="region").mx,
             indicators.nrr(ds, aggregate="region"))
    for by_numba, by_numpy in zip(compiled, plain):
        np.testing.assert_allclose(by_numba, by_numpy.transpose(*by_numba.dims), rtol=1e-12)


def test_rows_with_a_missing_or_infinite_rate_have_no_life_expectancy(reference):
    """A NaN or an infinite rate at any age blanks e0 and e65 of its year, region
    and sex, and of nothing else."""
    broken = reference.isel(time=slice(0, 4)).copy(deep=True)
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
    intact = indicators.life_expectancy(reference.isel(time=slice(0, 4)), [0, 65])
    np.testing.assert_array_equal(both.values[~blank], intact.values[~blank])


def test_nrr_against_whole_life_tables(reference):
    """NRR from L(x) of tables cut after the last childbearing age against whole
    tables of projsim.lifetable, by region and for the nation."""
    years = slice(0, -1)
    daughters = (reference.fertility_rate / (1 + reference.sex_ratio_at_birth)).isel(time=years)
    women = reference.mortality_rate.sel(sex="female").isel(time=years)
    person_years = women.copy(data=lifetable.life_table(women.values, "female", radix=1.0).Lx)
    np.testing.assert_allclose(indicators.nrr(reference).isel(time=years),
                               (daughters * person_years).sum("age"), rtol=1e-12)
    stocks = reference.population.sel(sex="female")
    exposure = (0.5 * (stocks + stocks.shift(time=-1))).isel(time=years)
    pooled = (daughters * exposure).sum("region") / exposure.sum("region")
    national = indicators.life_table(reference, aggregate="region").Lx.sel(sex="female")
    np.testing.assert_allclose(indicators.nrr(reference, aggregate="region").isel(time=years),
                               (pooled * national.isel(time=years) / 1e5).sum("age"), rtol=1e-12)


# --- components of change ---------------------------------------------------------


def test_crude_rates_by_hand(small):
    nation = ("region", "sex")
    # Births 40, deaths 6 + 6 + 3 + 2 = 17, migration 6 over 240 person-years.
    np.testing.assert_allclose(at_2020(indicators.crude_birth_rate(small, aggregate=nation)),
                               1000 * 40 / 240)
    np.testing.assert_allclose(at_2020(indicators.crude_death_rate(small, aggregate=nation)),
                               1000 * 17 / 240)
    np.testing.assert_allclose(
        at_2020(indicators.crude_net_migration_rate(small, aggregate=nation)), 1000 * 6 / 240)
    # By region, both sexes: A 20 births / 140, B 20 / 100.
    np.testing.assert_allclose(at_2020(indicators.crude_birth_rate(small, aggregate="sex")),
                               [1000 * 20 / 140, 1000 * 20 / 100])
    # By region and sex: A's 10 girls per 80 women.
    cbr = indicators.crude_birth_rate(small)
    assert float(cbr.sel(time=2020, region="A", sex="female")) == pytest.approx(125.0)
    assert cbr.attrs["units"] == "per 1,000 mid-year population per year"


def test_balances_by_hand(small):
    # A: 20 births - 12 deaths; migration 4 international + 3 in - 1 out.
    np.testing.assert_allclose(at_2020(indicators.natural_balance(small, aggregate="sex")),
                               [8, 15])
    np.testing.assert_allclose(at_2020(indicators.migration_balance(small, aggregate="sex")),
                               [6, 0])
    np.testing.assert_allclose(at_2020(indicators.migration_balance(small)), [[7, -1], [-1, 1]])
    np.testing.assert_allclose(
        at_2020(indicators.migration_balance(small, aggregate=("region", "sex"))), 6)


def test_growth_rate_by_hand(small):
    nation = ("region", "sex")
    growth = {method: float(indicators.growth_rate(small, aggregate=nation, method=method)
                            .sel(time=2020)) for method in indicators.GROWTH_METHODS}
    assert growth == pytest.approx({"geometric": 100 * (250 / 230 - 1),
                                    "exponential": 100 * math.log(250 / 230),
                                    "crude": 100 * 20 / 240})
    np.testing.assert_allclose(at_2020(indicators.growth_rate(small, aggregate="sex")),
                               [100 * (160 / 120 - 1), 100 * (90 / 110 - 1)])
    assert np.isnan(indicators.growth_rate(small).sel(time=2021)).all()


def test_balances_add_up_to_the_change(variants):
    """Natural plus migration balance plus the UN floor is the change between
    two 1 January populations, and CBR - CDR + CNMR is 10 x the crude growth rate."""
    for aggregate in ((), ("region", "sex")):
        totals = variants.population.sum(["age", *aggregate])
        change = (totals.shift(time=-1) - totals).isel(time=slice(None, -1))
        floor = variants.population_floor.sum(["age", *aggregate]).isel(time=slice(None, -1))
        balance = (indicators.natural_balance(variants, aggregate=aggregate)
                   + indicators.migration_balance(variants, aggregate=aggregate)).isel(
            time=slice(None, -1))
        np.testing.assert_allclose(balance + floor, change, rtol=1e-9, atol=1e-6)
    nation = ("region", "sex")
    crude = (indicators.crude_birth_rate(variants, aggregate=nation)
             - indicators.crude_death_rate(variants, aggregate=nation)
             + indicators.crude_net_migration_rate(variants, aggregate=nation))
    growth = indicators.growth_rate(variants, aggregate=nation, method="crude")
    np.testing.assert_allclose(crude / 10, growth, rtol=1e-10)


# --- structure --------------------------------------------------------------------

# The nation on 1 January 2020, both sexes, by age: 50, 80, 60, 40 (230).


def test_mean_and_median_age_by_hand(small):
    nation = ("region", "sex")
    mean = indicators.mean_age(small, aggregate=nation)
    np.testing.assert_allclose(at_2020(mean), (0.5 * 50 + 1.5 * 80 + 2.5 * 60 + 3.5 * 40) / 230)
    # Half is 115: 50 below age 1, so 1 + (115 - 50) / 80.
    np.testing.assert_allclose(at_2020(indicators.median_age(small, aggregate=nation)),
                               1 + 65 / 80)
    # Region B's men, 20 aged 0 out of 40: the median is exactly 1.
    assert float(indicators.median_age(small).sel(time=2020, region="B", sex="male")) == 1.0


def test_median_age_in_the_open_group_is_missing():
    population = xr.DataArray([[[[1.0, 1.0, 10.0]]]], dims=("time", "region", "sex", "age"))
    ds = xr.Dataset({"population": population},
                    coords={"time": [2020], "region": ["A"], "sex": ["female"], "age": [0, 1, 2]})
    assert np.isnan(indicators.median_age(ds)).all()


@pytest.fixture(params=["compiled", "numpy"])
def kernels(request, monkeypatch):
    """Run a test with numba's loops and again with their numpy twins."""
    if request.param == "compiled":
        pytest.importorskip("numba")
    else:
        monkeypatch.setattr(indicators, "_compiled_loops", lambda: None)
    return request.param


def test_childbearing_ages(kernels):
    """The ages from the first to the last with a rate other than 0: NaN is not
    one, a negative rate is."""
    rates = np.zeros((4, 3, 10))
    rates[0, 1, 3] = 0.2
    rates[2, 0, 6] = -0.1
    rates[3] = np.nan
    rates[1, 2, 8] = np.nan
    data = xr.DataArray(rates, dims=("time", "region", "age"))
    assert indicators._childbearing_ages(data) == slice(3, 7)
    assert indicators._childbearing_ages(data * 0) == slice(None)


def test_median_age_against_a_loop_over_rows(kernels):
    """Medians of many rows, several blocks of the age-major kernel, against a
    scalar loop: empty groups, empty rows and medians in the open group."""
    rng = np.random.default_rng(8)
    population = rng.uniform(0, 100, (3, 1500, 111)) * (rng.uniform(size=(3, 1500, 111)) > 0.1)
    population[0, :5] = 0.0
    population[1, :5, :-1] = 0.0
    ds = xr.Dataset({"population": (("time", "region", "age"), population)},
                    coords={"time": [2020, 2021, 2022], "age": np.arange(111)})
    ds = ds.expand_dims(sex=["female"], axis=2)
    median = indicators.median_age(ds).values
    expected = np.full(population.shape[:-1], np.nan)
    for row in np.ndindex(population.shape[:-1]):
        cumulative = np.cumsum(population[row])
        half = cumulative[-1] / 2
        if half > 0:
            group = int(np.argmax(cumulative >= half))
            if group < 110 and population[row][group] > 0:
                below = cumulative[group] - population[row][group]
                expected[row] = group + (half - below) / population[row][group]
    np.testing.assert_array_equal(median[:, :, 0], expected)
    assert np.isnan(expected[:2, :5]).all() and np.isfinite(expected[2]).all()


def test_dependency_ratios_by_hand(small):
    # Working ages 1-2 (140), young aged 0 (50), old 3+ (40).
    ratios = {kind: float(indicators.dependency_ratio(small, kind, working_age=(1, 3),
                                                      aggregate=("region", "sex")).sel(time=2020))
              for kind in indicators.DEPENDENCY_KINDS}
    assert ratios == pytest.approx({"young": 500 / 14, "old": 400 / 14, "total": 900 / 14})


def test_dependency_ratio_conventions(reference):
    nation = ("region", "sex")
    fpb = indicators.dependency_ratio(reference, "old", aggregate=nation)
    un = indicators.dependency_ratio(reference, "old", working_age=(15, 65), aggregate=nation)
    assert fpb.attrs["units"] == "persons per 100 persons aged 18-66"
    assert un.attrs["long_name"] == "old dependency ratio (working ages 15-64)"
    population = reference.population.sel(time=2012).sum(nation)
    expected = 100 * population.sel(age=slice(65, None)).sum() / population.sel(
        age=slice(15, 64)).sum()
    assert float(un.sel(time=2012)) == pytest.approx(float(expected))
    assert (fpb < un).all()


def test_shares_and_sex_ratio_by_hand(small):
    nation = ("region", "sex")
    np.testing.assert_allclose(at_2020(indicators.share_aged(small, 3, aggregate=nation)),
                               100 * 40 / 230)
    np.testing.assert_allclose(at_2020(indicators.share_aged(small, 2, aggregate=nation)),
                               100 * 100 / 230)
    # Men by age 30, 20, 20, 20; women 20, 60, 40, 20.
    by_age = indicators.sex_ratio(small, aggregate="region")
    np.testing.assert_allclose(at_2020(by_age), [150, 100 / 3, 50, 100])
    total = indicators.sex_ratio(small, aggregate=("region", "age"))
    np.testing.assert_allclose(at_2020(total), 100 * 90 / 140)
    assert total.attrs["units"] == "males per 100 females"


# --- dimensions -------------------------------------------------------------------

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
    tfr = indicators.tfr(variants, aggregate="region")
    assert tfr.dims == ("time", "scenario") and list(tfr.scenario.values) == list(
        variants.scenario.values)


def test_the_accessor_delegates(small):
    xr.testing.assert_identical(small.projsim.tfr(aggregate="region"),
                                indicators.tfr(small, aggregate="region"))
    xr.testing.assert_identical(small.projsim.life_expectancy(2),
                                indicators.life_expectancy(small, 2))
    assert str(inspect.signature(IndicatorAccessor.dependency_ratio)) == (
        "(self, kind: 'DependencyKind' = 'total', *, working_age: 'tuple[int, int]' = (18, 67), "
        "aggregate: 'Aggregate' = ()) -> 'xr.DataArray'")
    for function in indicators.INDICATORS:
        assert hasattr(small.projsim, function.__name__)


def test_the_result_is_left_alone(small):
    before = small.copy(deep=True)
    for function, kwargs in CALLS:
        function(small, **kwargs)
    xr.testing.assert_identical(small, before)


# --- error messages ---------------------------------------------------------------



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


def test_error_working_ages_outside_the_result(small):
    with raises_exactly(
        "argument 'working_age': got (18, 67); expected two integer ages (first, after) with "
        "0 < first < after <= 3, the open age of the result [years]. Fix: give working ages "
        "such as (18, 67) or (15, 65)."
    ):
        indicators.dependency_ratio(small)


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


def test_error_negative_death_rate(small):
    broken = small.copy(deep=True)
    broken["mortality_rate"][0, 1, 1, 2] = -0.1
    with raises_exactly(
        "variable 'mortality_rate': got a negative rate at time=2020, region='B', sex='male', "
        "age=2; expected central death rates >= 0 [per person-year]. Fix: check the scenario's "
        "mortality assumptions."
    ):
        indicators.life_expectancy(broken)


def test_error_options(small):
    with raises_exactly(
        "argument 'kind': got 'elderly'; expected 'young' or 'old' or 'total'. Fix: see "
        "projsim.indicators.DependencyKind."
    ):
        indicators.dependency_ratio(small, "elderly", working_age=(1, 3))
    with raises_exactly(
        "argument 'method': got 'linear'; expected 'geometric' or 'exponential' or 'crude'. "
        "Fix: see projsim.indicators.GrowthMethod."
    ):
        indicators.growth_rate(small, method="linear")
    with raises_exactly(
        "argument 'ds': got an object of type DataArray; expected an xarray.Dataset with "
        "'population' for the mean age. Fix: pass the Dataset returned by projsim.project."
    ):
        indicators.mean_age(small.population)
