"""Demographic indicators of a projection result.

Every function takes a result :class:`xarray.Dataset` (from
:func:`projsim.project`, or read back from its netCDF file) and returns a
labelled :class:`xarray.DataArray` with ``units`` and ``long_name``
attributes; :func:`life_table` returns a Dataset of its columns. The same
functions hang off the Dataset accessor ``ds.projsim``, which importing
:mod:`projsim` registers::

    ds.projsim.tfr(aggregate='region')  ==  projsim.indicators.tfr(ds, aggregate='region')

They live in modules by theme, and this module gathers them:

* :mod:`~projsim.analysis.fertility`: TFR, GRR, NRR, mean age at childbearing;
* :mod:`~projsim.analysis.mortality`: life tables and life expectancy;
* :mod:`~projsim.analysis.balance`: natural and migration balances, crude
  rates and growth;
* :mod:`~projsim.analysis.structure`: mid-year population, mean and median
  age, dependency ratios, shares of the oldest and of foreigners, sex ratio;
* :mod:`~projsim.analysis.households`: persons by position in the household,
  private households by type, the average household size and the one-person
  share (with a household model, or those a result stores);
* :mod:`~projsim.analysis.accessor`: the accessor, built from :data:`INDICATORS`;
* :mod:`~projsim.analysis.common`: the checks and helpers they share.

**Dimensions.** An indicator consumes the dimensions its definition sums over
(age for a TFR or a crude rate, sex for a sex ratio) and keeps every other
one: ``time``, the result's state dimensions (``region``, or ``region`` and
``nationality``), ``sex`` where it applies, and any batch dimension such as
``scenario`` or ``draw``, each cell computed on its own. The argument
``aggregate`` names the dimensions of the population to pool before the
indicator is computed: all the state dimensions give national figures
(``aggregate='region'`` for a result by region, ``('region', 'nationality')``
for one by region and nationality), ``aggregate=('region', 'sex')`` a
national both-sexes crude rate, ``aggregate='nationality'`` figures by region
of all nationalities. Counts are summed and rates are averaged with the
exposures as weights, so that an aggregate rate is the rate of the pooled
population. Each function lists the dimensions it can aggregate; batch
dimensions never are.

**Time.** A stock indicator (mean age, dependency ratio ...) refers to
1 January of ``time``. A flow indicator (crude rates, balances, growth) and
an indicator of the assumed rates (TFR, life expectancy) refer to the year
from 1 January ``time`` to 1 January ``time + 1``, like the flows of the
result; it is missing (NaN) at the last date.

**Exposure.** The person-years lived in a year are taken as the mean of the
two 1 January populations that open and close it, cell by cell
(:func:`mid_year_population`), the exposure the engine itself uses when it
solves life-expectancy targets (:func:`projsim.assumptions.reweight_e0`).

**Speed.** The kernels work on numpy arrays, a year or a block of rows at a
time, and the labels are attached at the end. With numba installed
(``pip install 'projsim[fast]'``) the life tables, the national death rates,
the median age and the search for childbearing ages run as compiled loops
(:mod:`projsim.engine.compiled.indicators`); without it, numpy computes the
same numbers, more slowly.

**Ages.** Age groups are single years ``0 .. omega`` with ``omega``, the
open group, in ``ds.age.attrs["open_age"]``. A woman's fertility rate and a
death rate at age ``x`` refer to the Lexis square of age ``x`` during the
year (see the README's Method section).

**Grids.** A result by five-year group and step (``ds.attrs["grid"] ==
"5x5"``, :func:`projsim.result.age_width`) has its stocks every five years
on the base's day (1 July for WPP's), its flows as annual means of each
step, and its death rates by abridged group (0, 1-4, 5-9, ...). Its
indicators follow: the TFR is 5 times the sum of the rates, life tables are
abridged with Greville's separation factors (the rule of the projection's
survival ratios), a group is placed at its midpoint for the mean and median
ages, ages that bound a band are first ages of groups (the default working
ages are then the UN's 15-64, :func:`default_working_age`; 18 or 67 are
refused), crude rates are per year and growth rates per year over the step.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Ch. 1 (crude rates and
growth), ch. 3 (life table), ch. 5 (fertility and reproduction).

Shryock, H. S. and Siegel, J. S. (1976). *The Methods and Materials of
Demography*, condensed edition by E. G. Stockwell. New York: Academic Press.
Ch. 7 (age composition: median age, dependency ratios).

Wilmoth, J. R. et al. (2017, revised 2021). *Methods Protocol for the Human
Mortality Database*, version 6. https://www.mortality.org

Examples
--------
>>> import projsim
>>> ds = projsim.project("fpb-2013")
>>> national = ('region', 'nationality')
>>> print(f"{float(ds.projsim.tfr(aggregate=national).sel(time=2012)):.3f}")
1.830
>>> e0 = ds.projsim.life_expectancy(age=0, aggregate=national).sel(time=2060)
>>> print(e0.round(1).to_series().to_dict())
{'female': 89.1, 'male': 86.7}
"""

from projsim.analysis.accessor import INDICATORS, IndicatorAccessor
from projsim.analysis.balance import (
    GROWTH_METHODS, GrowthMethod, crude_birth_rate, crude_death_rate, crude_net_migration_rate,
    growth_rate, migration_balance, natural_balance,
)
from projsim.analysis.common import Aggregate
from projsim.analysis.fertility import grr, mean_age_at_childbearing, nrr, tfr
from projsim.analysis.households import (
    average_household_size, households, one_person_share, persons_by_position,
)
from projsim.analysis.mortality import LIFE_TABLE_COLUMNS, life_expectancy, life_table
from projsim.analysis.structure import (
    DEPENDENCY_KINDS, WORKING_AGE, WORKING_AGE_OF_GROUPS, DependencyKind, default_working_age,
    dependency_ratio, foreign_share, mean_age, median_age, mid_year_population, sex_ratio,
    share_aged,
)

__all__ = [
    "DEPENDENCY_KINDS", "GROWTH_METHODS", "INDICATORS", "LIFE_TABLE_COLUMNS", "WORKING_AGE",
    "WORKING_AGE_OF_GROUPS", "Aggregate", "DependencyKind", "GrowthMethod", "IndicatorAccessor",
    "average_household_size", "crude_birth_rate", "crude_death_rate",
    "crude_net_migration_rate", "default_working_age", "dependency_ratio", "foreign_share",
    "growth_rate", "grr", "households", "life_expectancy", "life_table", "mean_age",
    "mean_age_at_childbearing", "median_age", "mid_year_population", "migration_balance",
    "natural_balance", "nrr", "one_person_share", "persons_by_position", "sex_ratio",
    "share_aged", "tfr",
]
