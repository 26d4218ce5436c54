"""Tests of the components of change (projsim.analysis.balance): crude rates,
balances and growth by hand, the balance identity, and exact error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_cases import at_2020
from helpers import raises_exactly

from projsim.analysis import indicators


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


def test_error_growth_method(small):
    with raises_exactly(
        "argument 'method': got 'linear'; expected 'geometric' or 'exponential' or 'crude'. "
        "Fix: see projsim.indicators.GrowthMethod."
    ):
        indicators.growth_rate(small, method="linear")
