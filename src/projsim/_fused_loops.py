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


@njit(parallel=True, cache=True)
def whole_chunk(population0, grid, level0, spacing, e0, fertility_factor, schedule, sex_ratio,
                net, within, leave, destination, weights, width, groups, block,
                sums, squares, totals):
    """Project a chunk of draws over all steps and summarise it, blocks in parallel.

    Each draw advances as :func:`one_batch` would advance it, with its survival
    ratios interpolated from ``grid`` at its e0 targets (as
    :func:`projsim.ensemble.survival_for`), its fertility ``fertility_factor *
    schedule`` and its net migrants ``net * within``; internal migration
    moves ``leave`` of each cell to the other regions by ``destination``
    (row: origin). The draws of one block of ``block`` draws run on one
    thread, in order, so each block's ``sums`` and ``squares`` add its draws
    one after the other (as numpy's ``sum(axis=0)`` does) and depend on those
    draws only; ``totals`` get each draw's population by region and group.
    """
    draws, steps, _ = e0.shape
    regions, sexes, ages = population0.shape
    levels = grid.shape[0]
    n_groups = groups.shape[0]
    w_start, w_mid, w_late = weights
    internal = leave.shape[0] > 0
    for index in prange(sums.shape[0]):
        blk = np.int64(index)
        pop = np.empty((regions, sexes, ages))
        out = np.empty((regions, sexes, ages))
        moved = np.empty((regions, sexes, ages))
        inflow = np.empty((sexes, ages))
        lower = np.empty(sexes, dtype=np.int64)
        weight = np.empty(sexes)
        for d in range(blk * block, min((blk + 1) * block, draws)):
            pop[:] = population0
            for t in range(steps + 1):
                for r in range(regions):
                    for s in range(sexes):
                        for a in range(ages):
                            v = pop[r, s, a]
                            sums[blk, t, r, s, a] += v
                            squares[blk, t, r, s, a] += v * v
                    for g in range(n_groups):
                        acc = 0.0
                        for a in range(ages):
                            if groups[g, a] != 0.0:
                                both = pop[r, 0, a]
                                for s in range(1, sexes):
                                    both += pop[r, s, a]
                                acc += both * groups[g, a]
                        totals[d, t, r, g] = acc
                if t == steps:
                    break
                for s in range(sexes):
                    position = (e0[d, t, s] - level0) / spacing
                    lower[s] = min(np.int64(position), levels - 2)
                    weight[s] = position - lower[s]
                factor = fertility_factor[d, t]
                for r in range(regions):
                    n = net[d, t, r]
                    births = 0.0
                    for s in range(sexes):
                        below = grid[lower[s], r, s]
                        above = grid[lower[s] + 1, r, s]
                        w = weight[s]
                        migrants = n * within[r, s, 0]
                        previous = max(pop[r, s, 0] + w_start * migrants, 0.0)
                        for a in range(1, ages):
                            migrants = n * within[r, s, a]
                            survival = (above[a] - below[a]) * w + below[a]
                            exposed = max(pop[r, s, a] + w_start * migrants, 0.0)
                            at_risk = previous + exposed if a == ages - 1 else previous
                            end = max(survival * at_risk + w_mid * migrants, 0.0)
                            if s == 0:
                                births += (factor * schedule[r, a]) * (exposed + end)
                            out[r, s, a] = max(end + w_late * migrants, 0.0)
                            previous = exposed
                    births *= 0.5 * width
                    female = births / (1.0 + sex_ratio[r])
                    for s in range(sexes):
                        below0 = grid[lower[s], r, s, 0]
                        survival = (grid[lower[s] + 1, r, s, 0] - below0) * weight[s] + below0
                        migrants = n * within[r, s, 0]
                        born = female if s == 0 else births - female
                        infants = max(survival * born + w_mid * migrants, 0.0)
                        out[r, s, 0] = max(infants + w_late * migrants, 0.0)
                if internal:
                    rates = leave[min(t, leave.shape[0] - 1)]
                    for r in range(regions):
                        for s in range(sexes):
                            for a in range(ages):
                                moving = out[r, s, a] * rates[r, s, a]
                                moved[r, s, a] = moving
                                out[r, s, a] -= moving
                    for j in range(regions):
                        inflow[:] = 0.0
                        for i in range(regions):
                            share = destination[i, j]
                            if share != 0.0:
                                for s in range(sexes):
                                    for a in range(ages):
                                        inflow[s, a] += share * moved[i, s, a]
                        for s in range(sexes):
                            for a in range(ages):
                                out[j, s, a] += inflow[s, a]
                pop, out = out, pop
