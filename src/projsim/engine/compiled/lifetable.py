"""The compiled loop of :func:`projsim.lifetable.single_year_summary` (numba,
imported with this module).

It lives at module level so that numba can cache its machine code on disk: a
new process loads it instead of compiling again.
"""

import numpy as np
from numba import njit, prange

#: Schedules advanced together along age: independent, so the loop over them
#: is vectorised, and their rates (BLOCK x ages) stay in the core's cache.
BLOCK = 256


@njit(cache=True, parallel=True, error_model="numpy")
def summarise(rates, infant_separation, expectancy_groups, person_years_groups, closed,
              expectancy, person_years):
    """e(x) and L(x) (radix 1) of single-year schedules (rows, age).

    The numpy path's operations in its order, on blocks of rows stepped along
    age together: q = m / ((1 - a) m + 1) capped at 1, l(x+1) = l(x) (1 - q),
    L = a (l q) + l(x+1), L = l / m in the open group, T(x) summed from x up.
    """
    n_rows, n_ages = rates.shape
    n_closed = n_ages if closed else n_ages - 1
    n_expectancy = expectancy_groups.shape[0]
    for block in prange((n_rows + BLOCK - 1) // BLOCK):
        start = block * BLOCK
        size = min(BLOCK, n_rows - start)
        survivors = np.ones(size)
        lived = np.empty(size)
        above = np.zeros((n_expectancy, size))
        reached = np.zeros((n_expectancy, size))
        for age in range(n_ages):
            for k in range(n_expectancy):
                if age == expectancy_groups[k]:
                    reached[k] = survivors
            if age < n_closed:
                for i in range(size):
                    rate = rates[start + i, age]
                    separation = infant_separation[start + i] if age == 0 else 0.5
                    probability = rate / ((1.0 - separation) * rate + 1.0)
                    if probability > 1.0:
                        probability = 1.0
                    after = survivors[i] * (1.0 - probability)
                    lived[i] = separation * (survivors[i] * probability) + after
                    survivors[i] = after
            else:
                for i in range(size):
                    lived[i] = survivors[i] / rates[start + i, age]
            for k in range(n_expectancy):
                if age >= expectancy_groups[k]:
                    for i in range(size):
                        above[k, i] += lived[i]
            for k in range(person_years_groups.shape[0]):
                if age == person_years_groups[k]:
                    for i in range(size):
                        person_years[start + i, k] = lived[i]
        for k in range(n_expectancy):
            for i in range(size):
                if reached[k, i] > 0:
                    expectancy[start + i, k] = above[k, i] / reached[k, i]
                else:
                    expectancy[start + i, k] = np.nan
