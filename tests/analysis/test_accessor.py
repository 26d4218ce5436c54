"""Tests of the accessor ds.projsim (projsim.analysis.accessor)."""

from __future__ import annotations

import inspect

import xarray as xr

from projsim.analysis import indicators
from projsim.analysis.accessor import IndicatorAccessor


def test_the_accessor_delegates(small):
    xr.testing.assert_identical(small.projsim.tfr(aggregate="region"),
                                indicators.tfr(small, aggregate="region"))
    xr.testing.assert_identical(small.projsim.life_expectancy(2),
                                indicators.life_expectancy(small, 2))
    assert str(inspect.signature(IndicatorAccessor.dependency_ratio)) == (
        "(self, kind: 'DependencyKind' = 'total', *, working_age: 'tuple[int, int] | None' = None, "
        "aggregate: 'Aggregate' = ()) -> 'xr.DataArray'")
    for function in indicators.INDICATORS:
        assert hasattr(small.projsim, function.__name__)
