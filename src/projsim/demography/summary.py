"""Life expectancy and person-years at a few ages of many single-year schedules.

:func:`single_year_summary` is the kernel under the indicators that summarise
every region, sex, year and draw of a projection (:mod:`projsim.analysis`).
Its compiled twin, :mod:`projsim.engine.compiled.lifetable`, runs when numba
is installed (:func:`projsim.engine.compiled.available`); the numpy path
computes the same numbers with the columns of
:mod:`projsim.demography.columns`, block by block.
"""

from __future__ import annotations

import numpy as np

from projsim.demography.columns import expectancy_at, life_table_columns
from projsim.demography.separation import INFANT_SEPARATION
from projsim.engine.compiled import available, load

#: Schedules summarised at once by the numpy path of :func:`single_year_summary`,
#: in cells: the temporaries of a block stay in the processor's cache.
_SUMMARY_BLOCK_CELLS = 2**18


def single_year_summary(rates, sex_index, expectancy_groups=(), person_years_groups=(), *,
                         closed=False, compiled=True):
    """e(x) and L(x) (radix 1) at some ages of many single-year schedules.

    For rates already checked, one schedule per row (rows, age) and
    ``sex_index`` its position in ``SEXES``: e(x) [years] at
    ``expectancy_groups`` and L(x) [person-years per newborn] at
    ``person_years_groups``, each (rows, number of groups). With ``closed``
    every age is a closed group (no open group is needed for L(x) of the
    closed groups). A missing rate (NaN) gives NaN wherever it enters.

    numba, when installed (``projsim[fast]``), runs one compiled pass per row
    over both cores; otherwise, or with ``compiled=False``, numpy computes the
    same numbers block by block, age-major (see
    :func:`projsim.demography.columns.life_table_columns`).
    """
    rates = np.ascontiguousarray(rates, dtype=float)
    expectancy_groups = np.asarray(expectancy_groups, dtype=np.int64)
    person_years_groups = np.asarray(person_years_groups, dtype=np.int64)
    expectancy = np.empty((rates.shape[0], expectancy_groups.size))
    person_years = np.empty((rates.shape[0], person_years_groups.size))
    if compiled and available():
        summarise = load("lifetable").summarise
        with np.errstate(invalid="ignore"):  # a0 = intercept + 0 x inf for m0 = inf
            infant_separation = INFANT_SEPARATION(rates[:, 0], sex_index)
        summarise(rates, infant_separation, expectancy_groups, person_years_groups, closed,
                  expectancy, person_years)
        return expectancy, person_years
    block = max(1, _SUMMARY_BLOCK_CELLS // rates.shape[1])
    for start in range(0, rates.shape[0], block):
        rows = slice(start, start + block)
        found = _summary_block(rates[rows], sex_index[rows], expectancy_groups,
                               person_years_groups, closed)
        expectancy[rows], person_years[rows] = found
    return expectancy, person_years


def _summary_block(rates, sex_index, expectancy_groups, person_years_groups, closed):
    """The numpy path of :func:`single_year_summary` on one block of rows."""
    n_rows, n_ages = rates.shape
    age_major = np.empty((n_ages + closed, n_rows))
    age_major[:n_ages] = rates.T
    # With closed groups only, an open group of rate 1 closes the table: it
    # changes none of their l, d and L.
    age_major[n_ages:] = 1.0
    widths = np.append(np.ones(age_major.shape[0] - 1), np.inf)
    # An infinite rate in a closed group gives q = inf / inf = NaN, like a missing one.
    with np.errstate(invalid="ignore"):
        _, _, survivors, _, person_years = life_table_columns(age_major.T, widths, sex_index)
    expectancy = (expectancy_at(survivors, person_years, expectancy_groups)
                  if expectancy_groups.size else np.empty((n_rows, 0)))
    return expectancy, person_years[:, person_years_groups]
