"""Compiled loops of the indicators of :mod:`projsim.analysis` (numba, imported here).

Each has a numpy twin in :mod:`projsim.analysis` that computes the same
numbers when numba is missing, and the tests compare the two. They live at
module level so that numba can cache their machine code on disk.
"""

import numpy as np
from numba import njit, prange

#: Batch cells pooled together year after year by :func:`national_mortality`.
BATCH_BLOCK = 64


@njit(cache=True, parallel=True, error_model="numpy")
def national_mortality(rates, population, sex_start, sex_stop, age_stop, national):
    """Death rates (time, batch, state, sex, age) pooled over states, year by
    year: see ``projsim.analysis.mortality._national_mortality_kernel``.

    Weights are P(t) + P(t + 1); from the first age at which some state and
    sex of the row (year and batch cell) has none, each state and sex takes
    its weight summed over the ages from there up. The first empty age is
    looked for below ``age_stop`` only: above it no kept age is pooled.
    """
    n_times, n_batch, n_regions, n_sexes, n_ages = rates.shape
    # A few batch cells go through every year together: the populations of a
    # year, read as P(t + 1), are still in cache when read again as P(t).
    for block in prange((n_batch + BATCH_BLOCK - 1) // BATCH_BLOCK):
        tail = np.empty((n_regions, n_sexes))
        total = np.empty(age_stop)
        weighted = np.empty(age_stop)
        plain = np.empty(age_stop)
        for time in range(n_times - 1):
            for batch in range(block * BATCH_BLOCK, min((block + 1) * BATCH_BLOCK, n_batch)):
                _pool_row(rates[time, batch], population[time, batch], population[time + 1, batch],
                          sex_start, sex_stop, age_stop, tail, total, weighted, plain,
                          national[time, batch])
    national[n_times - 1] = np.nan


@njit(cache=True, inline="always")
def _pool_row(rates, start, end, sex_start, sex_stop, age_stop, tail, total, weighted, plain,
              national):
    """One row (state, sex, age) of :func:`national_mortality` into ``national``
    (kept sex, age); ``tail``, ``total``, ``weighted`` and ``plain`` are scratch."""
    n_regions, n_sexes, n_ages = rates.shape
    first = age_stop
    for region in range(n_regions):
        for sex in range(n_sexes):
            # Counting the empty cells is a loop without exits, which the
            # compiler vectorises; the first one is looked for only if any.
            empty = 0
            for age in range(age_stop):
                empty += start[region, sex, age] + end[region, sex, age] == 0
            if empty:
                for age in range(first):
                    if start[region, sex, age] + end[region, sex, age] == 0:
                        first = age
                        break
    if first < age_stop:
        for region in range(n_regions):
            for sex in range(n_sexes):
                tail[region, sex] = 0.0
                for age in range(first, n_ages):
                    tail[region, sex] += start[region, sex, age] + end[region, sex, age]
    for sex in range(sex_start, sex_stop):
        total[:] = 0.0
        weighted[:] = 0.0
        plain[:] = 0.0
        for region in range(n_regions):
            for age in range(first):
                weight = start[region, sex, age] + end[region, sex, age]
                total[age] += weight
                weighted[age] += rates[region, sex, age] * weight
                plain[age] += rates[region, sex, age]
            for age in range(first, age_stop):
                total[age] += tail[region, sex]
                weighted[age] += rates[region, sex, age] * tail[region, sex]
                plain[age] += rates[region, sex, age]
        for age in range(age_stop):
            if total[age] > 0:
                national[sex - sex_start, age] = weighted[age] / total[age]
            else:
                national[sex - sex_start, age] = plain[age] / n_regions


@njit(cache=True, parallel=True, error_model="numpy")
def median(population, out):
    """Median age of populations (rows, age): see ``projsim.analysis.structure._median_block``.

    The cumulated population is added up in numpy.cumsum's order, so the
    medians are the numpy path's to the last bit.
    """
    n_rows, n_ages = population.shape
    for row in prange(n_rows):
        total = 0.0
        for age in range(n_ages):
            total += population[row, age]
        half = 0.5 * total
        group = 0
        reached = population[row, 0]
        cumulative = 0.0
        for age in range(n_ages):
            cumulative += population[row, age]
            if cumulative >= half:
                group = age
                reached = cumulative
                break
        within = population[row, group]
        if half > 0 and group < n_ages - 1 and within > 0:
            out[row] = group + (half - (reached - within)) / within
        else:
            out[row] = np.nan


@njit(cache=True, error_model="numpy")
def nonzero_columns(rows, nonzero):
    """Mark in ``nonzero`` (uint8, one per column) the columns of ``rows`` with a
    value other than 0; NaN is not one: see ``projsim.analysis.fertility._childbearing_ages``."""
    for row in range(rows.shape[0]):
        for column in range(rows.shape[1]):
            value = rows[row, column]
            nonzero[column] |= (value > 0) | (value < 0)
