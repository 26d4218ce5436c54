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


#: Draws of one block advanced together by :func:`project_blocks`: the block
#: sums of a date are then read and written once per this many draws.
LANES = 8


@njit(cache=True, fastmath={"reassoc", "contract"})
def _dot(x, y):
    """Sum of ``x * y``, reassociated so that it vectorises."""
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * y[i]
    return acc


@njit(cache=True)
def _stencil(e0, level0, spacing, levels, lower, coefficients):
    """Cubic Lagrange weights of the grid levels ``lower - 1 .. lower + 2`` for each sex."""
    for s in range(e0.shape[0]):
        position = (e0[s] - level0) / spacing
        below = min(max(np.int64(np.floor(position)), 1), levels - 3)
        t = position - below
        lower[s] = below
        coefficients[s, 0] = -t * (t - 1.0) * (t - 2.0) / 6.0
        coefficients[s, 1] = (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0
        coefficients[s, 2] = -(t + 1.0) * t * (t - 2.0) / 2.0
        coefficients[s, 3] = (t + 1.0) * t * (t - 1.0) / 6.0


@njit(cache=True)
def _advance_draw(pop, out, grid, lower, coefficients, factor, schedule, sex_ratio, net,
                  within, weights, width, exposed, ended):
    """One draw's step: survival from the grid, migration, births (as :func:`one_batch`)."""
    w_start, w_mid, w_late = weights
    regions, sexes, ages = pop.shape
    last = ages - 1
    for r in range(regions):
        n = net[r]
        births = 0.0
        for s in range(sexes):
            g0, g1 = grid[lower[s] - 1, r, s], grid[lower[s], r, s]
            g2, g3 = grid[lower[s] + 1, r, s], grid[lower[s] + 2, r, s]
            c0, c1, c2, c3 = (coefficients[s, 0], coefficients[s, 1], coefficients[s, 2],
                              coefficients[s, 3])
            share, before, after = within[r, s], pop[r, s], out[r, s]
            for a in range(ages):
                exposed[a] = max(before[a] + w_start * (n * share[a]), 0.0)
            for a in range(1, last):
                survival = c0 * g0[a] + c1 * g1[a] + c2 * g2[a] + c3 * g3[a]
                end = max(survival * exposed[a - 1] + w_mid * (n * share[a]), 0.0)
                ended[a] = end
                after[a] = max(end + w_late * (n * share[a]), 0.0)
            survival = c0 * g0[last] + c1 * g1[last] + c2 * g2[last] + c3 * g3[last]
            end = max(survival * (exposed[last - 1] + exposed[last])
                      + w_mid * (n * share[last]), 0.0)
            ended[last] = end
            after[last] = max(end + w_late * (n * share[last]), 0.0)
            if s == 0:
                for a in range(1, ages):
                    exposed[a] += ended[a]
                births = _dot(schedule[r, 1:], exposed[1:])
        births *= factor * 0.5 * width
        female = births / (1.0 + sex_ratio[r])
        for s in range(sexes):
            survival = (coefficients[s, 0] * grid[lower[s] - 1, r, s, 0]
                        + coefficients[s, 1] * grid[lower[s], r, s, 0]
                        + coefficients[s, 2] * grid[lower[s] + 1, r, s, 0]
                        + coefficients[s, 3] * grid[lower[s] + 2, r, s, 0])
            migrants = n * within[r, s, 0]
            born = female if s == 0 else births - female
            infants = max(survival * born + w_mid * migrants, 0.0)
            out[r, s, 0] = max(infants + w_late * migrants, 0.0)


@njit(cache=True)
def _move_within(out, leave, destination, moved):
    """Internal migration of one draw: ``leave`` of each cell moves by ``destination``."""
    regions = out.shape[0]
    flat_out = out.reshape(regions, -1)
    flat_moved = moved.reshape(regions, -1)
    flat_leave = leave.reshape(regions, -1)
    cells = flat_out.shape[1]
    for i in range(regions):
        for c in range(cells):
            moving = flat_out[i, c] * flat_leave[i, c]
            flat_moved[i, c] = moving
            flat_out[i, c] -= moving
    for i in range(regions):
        for j in range(regions):
            share = destination[i, j]
            if share != 0.0:
                for c in range(cells):
                    flat_out[j, c] += share * flat_moved[i, c]


@njit(cache=True, fastmath={"reassoc", "contract"})
def _group_totals(pop, lanes, t, first, cuts, members, totals):
    """Each draw's persons by region and age group, from sums between consecutive cuts.

    The ages from ``cuts[i]`` to ``cuts[i + 1] - 1`` are summed over both
    sexes; ``members[g, i]`` (0 or 1) says whether that span is in group g.
    """
    spans = cuts.shape[0] - 1
    partial = np.empty(spans)
    for lane in range(lanes):
        for r in range(pop.shape[1]):
            for i in range(spans):
                acc = 0.0
                for s in range(pop.shape[2]):
                    span = pop[lane, r, s, cuts[i]:cuts[i + 1]]
                    for a in range(span.shape[0]):     # from 0: so that it vectorises
                        acc += span[a]
                partial[i] = acc
            for g in range(members.shape[0]):
                acc = 0.0
                for i in range(spans):
                    acc += members[g, i] * partial[i]
                totals[first + lane, t, r, g] = acc


@njit(cache=True)
def _record(pop, lanes, t, first, sums, squares, totals, cuts, members):
    """Add ``lanes`` draws (their states ``pop[:lanes]``) to a block's sums and squares.

    Each cell's sum gets the draws added one after the other in draw order;
    ``totals`` get the draws' persons by region and age group
    (:func:`_group_totals`).
    """
    flat = pop.reshape(pop.shape[0], -1)
    row_sums, row_squares = sums[t], squares[t]
    if lanes == LANES:
        for c in range(flat.shape[1]):
            v0, v1, v2, v3 = (np.float64(flat[0, c]), np.float64(flat[1, c]),
                              np.float64(flat[2, c]), np.float64(flat[3, c]))
            v4, v5, v6, v7 = (np.float64(flat[4, c]), np.float64(flat[5, c]),
                              np.float64(flat[6, c]), np.float64(flat[7, c]))
            row_sums[c] = row_sums[c] + v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7
            row_squares[c] = (row_squares[c] + v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3
                              + v4 * v4 + v5 * v5 + v6 * v6 + v7 * v7)
    else:
        for lane in range(lanes):
            for c in range(flat.shape[1]):
                v = np.float64(flat[lane, c])
                row_sums[c] += v
                row_squares[c] += v * v
    _group_totals(pop, lanes, t, first, cuts, members, totals)


@njit(cache=True)
def _project_block(blk, population0, grid, level0, spacing, e0, fertility_factor, schedule,
                   sex_ratio, net, within, leave, destination, weights, width, cuts, members, block,
                   block_sums, block_squares, totals):
    """Project the draws of block ``blk`` (:data:`LANES` at a time) and add them up.

    ``block_sums`` and ``block_squares`` (date, cell) get the block's draws
    added one after the other in draw order; ``totals`` each draw's
    population by region and group.
    """
    draws, steps, sexes = e0.shape
    regions, _, ages = population0.shape
    levels = grid.shape[0]
    internal = leave.shape[0] > 0
    shape = (LANES, regions, sexes, ages)
    pop = np.empty(shape, dtype=population0.dtype)
    out = np.empty(shape, dtype=population0.dtype)
    moved = np.empty((regions, sexes, ages), dtype=population0.dtype)
    exposed = np.empty(ages)
    ended = np.empty(ages)
    lower = np.empty(sexes, dtype=np.int64)
    coefficients = np.empty((sexes, 4))
    stop = min((blk + 1) * block, draws)
    for first in range(blk * block, stop, LANES):
        lanes = min(LANES, stop - first)
        for lane in range(lanes):
            pop[lane] = population0
        for t in range(steps + 1):
            _record(pop, lanes, t, first, block_sums, block_squares, totals, cuts, members)
            if t == steps:
                break
            for lane in range(lanes):
                d = first + lane
                _stencil(e0[d, t], level0, spacing, levels, lower, coefficients)
                _advance_draw(pop[lane], out[lane], grid, lower, coefficients,
                              fertility_factor[d, t], schedule, sex_ratio, net[d, t], within,
                              weights, width, exposed, ended)
                if internal:
                    _move_within(out[lane], leave[min(t, leave.shape[0] - 1)], destination,
                                 moved)
            pop, out = out, pop


@njit(nogil=True, cache=True)
def project_blocks(population0, grid, level0, spacing, e0, fertility_factor, schedule,
                   sex_ratio, net, within, leave, destination, weights, width, cuts, members,
                   block, sums, squares, totals):
    """Project draws over all steps and summarise them, a block at a time (GIL released).

    Each draw advances as :func:`one_batch` would advance it, with its survival
    ratios interpolated (cubic, four levels) from ``grid`` at its e0 targets
    (as :func:`projsim.ensemble.survival_for`), its fertility
    ``fertility_factor * schedule`` and its net migrants ``net * within``;
    internal migration moves ``leave`` of each cell to the other regions by
    ``destination`` (row: origin). The state is kept in the dtype of
    ``population0``.

    The draws of each block of ``block`` draws add up, in draw order, into
    that block's ``sums[b]`` and ``squares[b]`` (date, region, sex, age;
    float64, zero on entry), so a block's sums depend on its draws only.
    ``totals`` get each draw's population by region and age group, the
    groups made of spans of ages between consecutive ``cuts`` (age indices),
    span i in group g if ``members[g, i]``. The GIL is released, so that
    Python threads can project blocks side by side.
    """
    n_blocks = -(-e0.shape[0] // block)
    dates = sums.shape[1]
    for blk in range(n_blocks):
        _project_block(blk, population0, grid, level0, spacing, e0, fertility_factor, schedule,
                       sex_ratio, net, within, leave, destination, weights, width, cuts,
                       members, block, sums[blk].reshape(dates, -1),
                       squares[blk].reshape(dates, -1), totals)


@njit(cache=True)
def _bin(value, low, width, last):
    """Bin ``1 + floor((value - low) / width)``, clipped to ``0 .. last``."""
    position = np.floor((value - low) / width) + 1.0
    return np.int64(min(max(position, 0.0), float(last)))


@njit(cache=True)
def count_into(values, low, width, counts):
    """Count ``values`` (draw, quantity...) into fixed bins; return how many fell outside.

    Bin ``1 + floor((value - low) / width)`` of each quantity, clipped to the
    two end bins ``0`` and ``bins + 1`` of ``counts`` (quantity..., bins + 2),
    as :meth:`projsim.ensemble._Histogram.add` counts them.
    """
    flat_low, flat_width = low.reshape(-1), width.reshape(-1)
    quantities = flat_low.shape[0]
    flat_values = values.reshape(values.shape[0], quantities)
    flat_counts = counts.reshape(quantities, -1)
    last = flat_counts.shape[1] - 1
    outside = 0
    for d in range(flat_values.shape[0]):
        for q in range(quantities):
            index = _bin(flat_values[d, q], flat_low[q], flat_width[q], last)
            if index == 0 or index == last:
                outside += 1
            flat_counts[q, index] += 1
    return outside


@njit(cache=True)
def count_totals(totals, low, width, counts):
    """:func:`count_into` for regional totals (draw, date, region, group) and their sum.

    The quantities are (date, region + 1, group), the last region being the
    national total, the regions added in order; returns how many values fell
    outside the bins. The draws are the inner loop, so that each quantity's
    bins stay in cache.
    """
    draws, dates, regions, groups = totals.shape
    last = counts.shape[-1] - 1
    national = np.empty(draws)
    outside = 0
    for t in range(dates):
        for g in range(groups):
            for d in range(draws):
                national[d] = totals[d, t, 0, g]
            for r in range(1, regions):
                for d in range(draws):
                    national[d] += totals[d, t, r, g]
            for r in range(regions + 1):
                bins = counts[t, r, g]
                for d in range(draws):
                    value = totals[d, t, r, g] if r < regions else national[d]
                    index = _bin(value, low[t, r, g], width[t, r, g], last)
                    if index == 0 or index == last:
                        outside += 1
                    bins[index] += 1
    return outside
