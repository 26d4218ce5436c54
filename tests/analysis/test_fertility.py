"""Tests of the fertility indicators (projsim.analysis.fertility): TFR, GRR,
NRR and mean age at childbearing by hand, against the reference scenario and
against whole life tables, and the search for childbearing ages."""

from __future__ import annotations

import numpy as np
import xarray as xr
from analysis_cases import at_2020

from projsim.analysis import fertility, indicators
from projsim.demography import lifetable


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
    """The scenario states TFR 1.83 for Belgium: the rates of every region and
    nationality are scaled by one factor each year so that the births on the
    projected women make it (projsim.assumptions.reweight_tfr), within the
    gap between the solver's mid-year women and the indicator's mean of two
    1 January populations. Foreign women keep their 2011 ratio to Belgian
    women in every region (2.52 / 1.74, the FPB's), so the national TFR is a mix that the
    growing foreign share would raise if nothing held it."""
    national = indicators.tfr(reference, aggregate=("region", "nationality"))
    assert np.abs(national.isel(time=slice(None, -1)) - 1.83).max() < 1e-3
    by_state = indicators.tfr(reference).sel(time=2012)
    np.testing.assert_allclose(by_state.sel(nationality="foreign")
                               / by_state.sel(nationality="Belgian"), 2.52 / 1.74, rtol=1e-9)


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


def test_childbearing_ages(kernels):
    """The ages from the first to the last with a rate other than 0: NaN is not
    one, a negative rate is."""
    rates = np.zeros((4, 3, 10))
    rates[0, 1, 3] = 0.2
    rates[2, 0, 6] = -0.1
    rates[3] = np.nan
    rates[1, 2, 8] = np.nan
    data = xr.DataArray(rates, dims=("time", "region", "age"))
    assert fertility._childbearing_ages(data) == slice(3, 7)
    assert fertility._childbearing_ages(data * 0) == slice(None)
