"""Tests of ``projsim.demography.summary``: the compiled loop against the numpy path and the table."""

from __future__ import annotations

import numpy as np
import pytest
from lifetable_cases import hmd_rates

from projsim.demography.lifetable import life_table
from projsim.demography.summary import single_year_summary
from projsim.types import SEXES


@pytest.mark.parametrize("closed", [False, True])
def test_compiled_summary_equals_numpy(closed):
    """The optional numba loop of single_year_summary against its numpy path,
    on random schedules with missing rates, certain deaths and both sexes."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(5)
    rates = hmd_rates().reshape(-1, 111)[rng.integers(0, 8, 3000)]
    rates = rates * np.exp(0.5 * rng.standard_normal(rates.shape))
    rates[7, 50] = np.nan
    rates[8] = np.nan
    rates[9, 30] = 3.0
    sex_index = rng.integers(0, 2, 3000)
    groups = ([0, 65, 110], [0, 20, 49]) if not closed else ((), [0, 20, 49])
    by_numba = single_year_summary(rates, sex_index, *groups, closed=closed)
    by_numpy = single_year_summary(rates, sex_index, *groups, closed=closed, compiled=False)
    for compiled, plain in zip(by_numba, by_numpy):
        np.testing.assert_allclose(compiled, plain, rtol=1e-12)
    tables = [life_table(rates[row], SEXES[sex_index[row]]) for row in range(10, 20)]
    if not closed:
        np.testing.assert_allclose(by_numpy[0][10:20], [t.ex[[0, 65, 110]] for t in tables],
                                   rtol=1e-12)
        assert np.isnan(by_numba[0][[7, 8]]).all() and np.isnan(by_numba[0][9, 2])
    np.testing.assert_allclose(by_numpy[1][10:20], [t.Lx[[0, 20, 49]] / 1e5 for t in tables],
                               rtol=1e-12)
