"""Demographic methods on unlabeled arrays: life tables, mortality models, schedules.

* :mod:`~projsim.demography.lifetable`: life tables, Kannisto extension,
  survival ratios;
* :mod:`~projsim.demography.lee_carter`: the Lee-Carter model and its age pattern;
* :mod:`~projsim.demography.mortality`: the solver that meets life-expectancy
  targets along an age pattern;
* :mod:`~projsim.demography.pooling`: national rates from regional ones;
* :mod:`~projsim.demography.schedules`: model age schedules (Rogers-Castro).
"""

from projsim.demography.lifetable import (
    kannisto_extend, life_expectancy_at, life_expectancy_at_birth, life_table,
    single_year_summary, survival_ratios, survival_ratios_from_rates,
)

__all__ = [
    "kannisto_extend", "life_expectancy_at", "life_expectancy_at_birth", "life_table",
    "single_year_summary", "survival_ratios", "survival_ratios_from_rates",
]
