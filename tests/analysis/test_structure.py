"""Tests of the structure indicators (projsim.analysis.structure): mean and
median age, dependency ratios, shares and the sex ratio by hand and against a
loop, and exact error messages."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from analysis_cases import at_2020
from helpers import raises_exactly

from projsim.analysis import indicators
from projsim.types import FOREIGN, NATIONALITY, REGION


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
    nation = ("region", "nationality", "sex")
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


def test_error_working_ages_outside_the_result(small):
    with raises_exactly(
        "argument 'working_age': got (18, 67); expected two integer ages (first, after) with "
        "0 < first < after <= 3, the open age of the result [years]. Fix: give working ages "
        "such as (18, 67) or (15, 65)."
    ):
        indicators.dependency_ratio(small)


def test_error_dependency_kind(small):
    with raises_exactly(
        "argument 'kind': got 'elderly'; expected 'young' or 'old' or 'total'. Fix: see "
        "projsim.indicators.DependencyKind."
    ):
        indicators.dependency_ratio(small, "elderly", working_age=(1, 3))


def test_foreign_share_by_hand(small):
    """The hand-made result split into nationals and foreigners: in region A a
    quarter of every cell is foreign, in region B a half."""
    shares = xr.DataArray([[0.75, 0.25], [0.5, 0.5]], dims=(REGION, NATIONALITY),
                          coords={REGION: ["A", "B"], NATIONALITY: ["national", FOREIGN]})
    split = xr.Dataset({"population": small.population * shares})
    share = indicators.foreign_share(split, aggregate=(REGION, "sex", "age"))
    # 2020: A 120 persons, 30 foreign; B 110, 55 foreign.
    np.testing.assert_allclose(at_2020(share), 100 * 85 / 230)
    np.testing.assert_allclose(at_2020(indicators.foreign_share(split, aggregate=("sex", "age"))),
                               [25, 50])


def test_error_foreign_share_without_nationality(small):
    with raises_exactly(
        "argument 'ds': got a result with the state dimensions ('region',); expected a result "
        "with a 'nationality' dimension for the foreign share. Fix: project a base whose states "
        "are crossed with nationality."
    ):
        indicators.foreign_share(small)
    split = small.expand_dims({NATIONALITY: ["national", "other"]}, axis=2)
    with raises_exactly(
        "coordinate 'nationality': got ['national', 'other']; expected the label 'foreign' "
        "among the nationalities. Fix: label the persons of foreign nationality 'foreign'."
    ):
        indicators.foreign_share(split)
