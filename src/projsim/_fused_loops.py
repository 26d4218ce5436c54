"""The compiled loops of :mod:`projsim.fused` (numba, imported with this module).

They live at module level so that numba can cache their machine code on
disk: a new process loads it instead of compiling again.
"""

import numpy as np
from numba import njit, prange


@njit(cache=True)
def one_batch(population, survival, fertility, sex_ratio, migrants, weights, width,
              leave, out, moved_out):
    w_start, w_mid, w_late = weights
    states, sexes, ages = population.shape
    for state in range(states):
        births = 0.0
        for sex in range(sexes):
            previous = max(population[state, sex, 0] + w_start * migrants[state, sex, 0], 0.0)
            for age in range(1, ages):
                exposed = max(population[state, sex, age]
                              + w_start * migrants[state, sex, age], 0.0)
                at_risk = previous + exposed if age == ages - 1 else previous
                end = max(survival[state, sex, age] * at_risk
                          + w_mid * migrants[state, sex, age], 0.0)
                if sex == 0:
                    births += fertility[state, age] * (exposed + end)
                out[state, sex, age] = max(end + w_late * migrants[state, sex, age], 0.0)
                previous = exposed
        births *= 0.5 * width
        female = births / (1.0 + sex_ratio[state])
        for sex in range(sexes):
            born = female if sex == 0 else births - female
            infants = max(survival[state, sex, 0] * born + w_mid * migrants[state, sex, 0], 0.0)
            out[state, sex, 0] = max(infants + w_late * migrants[state, sex, 0], 0.0)
        if leave.shape[0]:
            for sex in range(sexes):
                for age in range(ages):
                    moving = out[state, sex, age] * leave[state, sex, age]
                    moved_out[state, sex, age] = moving
                    out[state, sex, age] -= moving

@njit(parallel=True, cache=True)
def all_batches(population, survival, fertility, sex_ratio, migrants, weights, width,
                leave, out, moved_out):
    for index in prange(population.shape[0]):
        b = np.int64(index)  # prange's unsigned index would turn min() into a float
        one_batch(population[b], survival[min(b, survival.shape[0] - 1)],
                  fertility[min(b, fertility.shape[0] - 1)],
                  sex_ratio[min(b, sex_ratio.shape[0] - 1)],
                  migrants[min(b, migrants.shape[0] - 1)], weights, width,
                  leave[min(b, leave.shape[0] - 1)], out[b], moved_out[b])

@njit(parallel=True, cache=True)
def add_into(out, addend):
    flat_out, flat_addend = out.reshape(out.shape[0], -1), addend.reshape(out.shape[0], -1)
    for index in prange(flat_out.shape[0]):
        b = np.int64(index)
        for cell in range(flat_out.shape[1]):
            flat_out[b, cell] += flat_addend[b, cell]
