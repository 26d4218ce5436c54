"""Demographic methods on unlabeled arrays: life tables, mortality models, schedules.

* :mod:`~projsim.demography.lifetable`: life tables, life expectancy at birth
  and at other ages (and every life-table name below, gathered);
* :mod:`~projsim.demography.checks`: the checks of the life-table arguments;
* :mod:`~projsim.demography.columns`: the columns a, q, l, d, L of a table;
* :mod:`~projsim.demography.separation`: the separation factors a(x), by
  rule (half the width, Greville's formula, a constant force; the first years
  by Andreev-Kingkade or Coale-Demeny);
* :mod:`~projsim.demography.kannisto`: the Kannisto model of old-age mortality;
* :mod:`~projsim.demography.survival`: projection survival ratios, for one-
  or five-year steps (from abridged tables too);
* :mod:`~projsim.demography.summary`: e(x) and L(x) of many single-year
  schedules, with a compiled twin;
* :mod:`~projsim.demography.lee_carter`: the Lee-Carter model and its age pattern;
* :mod:`~projsim.demography.mortality`: death rates that meet life-expectancy
  targets along an age pattern;
* :mod:`~projsim.demography.e0_solver`: the solver under them;
* :mod:`~projsim.demography.pooling`: national rates from regional ones;
* :mod:`~projsim.demography.schedules`: model age schedules (Rogers-Castro);
* :mod:`~projsim.demography.graduation`: single years of age from counts or
  rates by age group (monotone cubic interpolation of the cumulated values),
  and back.
"""

from projsim.demography.lifetable import (
    kannisto_extend, life_expectancy_at, life_expectancy_at_birth, life_table,
    single_year_summary, survival_ratios, survival_ratios_from_rates,
)

__all__ = [
    "kannisto_extend", "life_expectancy_at", "life_expectancy_at_birth", "life_table",
    "single_year_summary", "survival_ratios", "survival_ratios_from_rates",
]
