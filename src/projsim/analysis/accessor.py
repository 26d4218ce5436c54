"""The ``ds.projsim`` accessor: every indicator as a method of a result Dataset.

The methods are made from one list, :data:`INDICATORS`, so that an indicator
added there is reachable as ``ds.projsim.<name>(...)`` with its own
signature and the first line of its docstring.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import xarray as xr

from projsim.analysis.balance import (
    crude_birth_rate, crude_death_rate, crude_net_migration_rate, growth_rate,
    migration_balance, natural_balance,
)
from projsim.analysis.fertility import grr, mean_age_at_childbearing, nrr, tfr
from projsim.analysis.households import (
    average_household_size, households, one_person_share, persons_by_position,
)
from projsim.analysis.mortality import life_expectancy, life_table
from projsim.analysis.structure import (
    dependency_ratio, foreign_share, mean_age, median_age, mid_year_population, sex_ratio,
    share_aged,
)

__all__ = ["INDICATORS", "IndicatorAccessor"]

#: The indicators reachable as ``ds.projsim.<name>(...)``.
INDICATORS: tuple[Callable, ...] = (
    tfr, grr, nrr, mean_age_at_childbearing, life_table, life_expectancy,
    mid_year_population, natural_balance, migration_balance, crude_birth_rate,
    crude_death_rate, crude_net_migration_rate, growth_rate, mean_age, median_age,
    dependency_ratio, share_aged, sex_ratio, foreign_share,
    persons_by_position, households, average_household_size, one_person_share,
)


def _method(function: Callable) -> Callable:
    """``function(ds, ...)`` as a method ``(self, ...)`` of the accessor."""
    def method(self, *args, **kwargs):
        return function(self._ds, *args, **kwargs)

    parameters = list(inspect.signature(function).parameters.values())
    self_parameter = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = inspect.signature(function).replace(
        parameters=[self_parameter, *parameters[1:]])
    method.__name__ = method.__qualname__ = function.__name__
    method.__doc__ = (f"{function.__doc__.splitlines()[0]}\n\n"
                      f"See :func:`projsim.indicators.{function.__name__}`.")
    return method


@xr.register_dataset_accessor("projsim")
class IndicatorAccessor:
    """The indicators of :mod:`projsim.indicators` as methods of a result Dataset.

    ``ds.projsim.tfr(aggregate='region')`` is ``tfr(ds, aggregate='region')``.
    """

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds


for _function in INDICATORS:
    setattr(IndicatorAccessor, _function.__name__, _method(_function))
del _function
