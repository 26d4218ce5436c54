"""Whole draws over all years, compiled, with their running sums (numba).

:func:`project_blocks` advances the draws of a stochastic ensemble through
every step in cache, a block of draws at a time, with the compiled step of
:mod:`projsim.engine.compiled.step`, and adds them to the block sums and the
totals by age group as it goes. :func:`count_into` and :func:`count_totals`
count streaming quantiles into fixed bins. numba is imported with this
module; its machine code is cached on disk. That cache is checked against
this file alone, and the functions of :mod:`projsim.engine.compiled.step`
are compiled into it: after changing that module alone, delete this
folder's ``__pycache__`` (a checkout that changes this file too, as this
sentence did, recompiles).
"""

import numpy as np
from numba import njit

from projsim.engine.compiled.step import advance_states, move_between


#: Draws of one block advanced together by :func:`project_blocks`: the block
#: sums of a date are then read and written once per this many draws.
LANES = 8


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
def _advance_draw(pop, out, grid, lower, coefficients, factor, schedule, sex_ratio, net, fixed,
                  within, emigration, balance, birth_destination, weights, width, survival,
                  migrants, exposed, ended, born):
    """One draw's step: its survival ratios interpolated from the grid, its
    migrants ``fixed + net * within`` (the path's and the draw's deviation)
    less the emigrants ``pop * emigration`` (unless ``emigration`` is
    empty), with, unless ``balance`` (state) is empty, the emigrants replaced
    by as many immigrants, shared among the states by ``balance`` and spread
    by ``within`` (a net total balanced by immigrants), its fertility
    ``factor * schedule``, then the compiled step
    (:func:`projsim.engine.compiled.step.advance_states`)."""
    states, sexes, ages = pop.shape
    emigrating = emigration.size > 0
    emigrants = 0.0
    if balance.size:
        for r in range(states):
            for s in range(sexes):
                for a in range(ages):
                    emigrants += pop[r, s, a] * emigration[r, s, a]
    for r in range(states):
        n = net[r] + (emigrants * balance[r] if balance.size else 0.0)
        for s in range(sexes):
            g0, g1 = grid[lower[s] - 1, r, s], grid[lower[s], r, s]
            g2, g3 = grid[lower[s] + 1, r, s], grid[lower[s] + 2, r, s]
            c0, c1, c2, c3 = (coefficients[s, 0], coefficients[s, 1], coefficients[s, 2],
                              coefficients[s, 3])
            share, path = within[r, s], fixed[r, s]
            ratio, moving = survival[r, s], migrants[r, s]
            for a in range(ages):
                ratio[a] = c0 * g0[a] + c1 * g1[a] + c2 * g2[a] + c3 * g3[a]
                moving[a] = path[a] + n * share[a]
            if emigrating:
                before, leaving = pop[r, s], emigration[r, s]
                for a in range(ages):
                    moving[a] -= before[a] * leaving[a]
    advance_states(pop, survival, schedule, sex_ratio, migrants, birth_destination, weights,
                   width * factor, exposed, ended, born, out)


@njit(cache=True, fastmath={"reassoc", "contract"})
def _group_totals(pop, lanes, t, first, cuts, members, totals):
    """Each draw's persons by state and age group, from sums between consecutive cuts.

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
    ``totals`` get the draws' persons by state and age group
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
                   sex_ratio, net, fixed, within, emigration, balance, birth_destination, leave,
                   destination, weights, width, cuts, members, block, block_sums, block_squares,
                   totals):
    """Project the draws of block ``blk`` (:data:`LANES` at a time) and add them up.

    ``block_sums`` and ``block_squares`` (date, cell) get the block's draws
    added one after the other in draw order; ``totals`` each draw's
    population by state and group.
    """
    draws, steps, sexes = e0.shape
    states, _, ages = population0.shape
    levels = grid.shape[0]
    moving = leave.shape[0] > 0
    shape = (LANES, states, sexes, ages)
    pop = np.empty(shape, dtype=population0.dtype)
    out = np.empty(shape, dtype=population0.dtype)
    moved = np.empty((states, sexes, ages), dtype=population0.dtype)
    survival = np.empty((states, sexes, ages))
    migrants = np.empty((states, sexes, ages))
    exposed = np.empty(ages)
    ended = np.empty(ages)
    born = np.empty((states, 2))
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
                              fertility_factor[d, t], schedule, sex_ratio, net[d, t],
                              fixed[min(t, fixed.shape[0] - 1)], within,
                              emigration[min(t, emigration.shape[0] - 1)],
                              balance[min(t, balance.shape[0] - 1)], birth_destination, weights,
                              width, survival, migrants, exposed, ended, born)
                if moving:
                    move_between(out[lane], leave[min(t, leave.shape[0] - 1)], destination,
                                 moved)
            pop, out = out, pop


@njit(nogil=True, cache=True)
def project_blocks(population0, grid, level0, spacing, e0, fertility_factor, schedule,
                   sex_ratio, net, fixed, within, emigration, balance, birth_destination, leave,
                   destination, weights, width, cuts, members, block, sums, squares, totals):
    """Project draws over all steps and summarise them, a block at a time (GIL released).

    Each draw advances by the compiled step, with its survival ratios
    interpolated (cubic, four levels) from ``grid`` at its e0 targets (as
    :func:`projsim.stochastic.jobs.survival_for`), its fertility
    ``fertility_factor * schedule``, its migrants ``fixed + net * within``
    (the path's, (time or 1, state, sex, age), and its deviation ``net``
    (draw, time, state) spread by ``within``) less its
    emigrants ``P * emigration`` (the probability of emigrating, (time or 1,
    state, sex, age), unless empty), its children born into their states by
    ``birth_destination`` (state, state; unless empty);
    each move between states takes ``leave`` (time or 1, move, state, sex,
    age) of each cell to the other states by ``destination`` (move, state,
    state; row: origin), if ``leave`` is not empty. With ``balance`` (time or 1,
    state; unless empty) the migrants are a net total balanced by immigrants:
    each draw's emigrants come back as immigrants shared by ``balance``. The state is kept in the
    dtype of ``population0``.

    The draws of each block of ``block`` draws add up, in draw order, into
    that block's ``sums[b]`` and ``squares[b]`` (date, state, sex, age;
    float64, zero on entry), so a block's sums depend on its draws only.
    ``totals`` get each draw's population by state and age group, the
    groups made of spans of ages between consecutive ``cuts`` (age indices),
    span i in group g if ``members[g, i]``. The GIL is released, so that
    Python threads can project blocks side by side.
    """
    n_blocks = -(-e0.shape[0] // block)
    dates = sums.shape[1]
    for blk in range(n_blocks):
        _project_block(blk, population0, grid, level0, spacing, e0, fertility_factor, schedule,
                       sex_ratio, net, fixed, within, emigration, balance, birth_destination, leave,
                       destination, weights, width, cuts, members, block,
                       sums[blk].reshape(dates, -1), squares[blk].reshape(dates, -1), totals)


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
    as :meth:`projsim.stochastic.summaries.Histogram.add` counts them.
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
    """:func:`count_into` for totals by state (draw, date, state, group) and their sum.

    The quantities are (date, state + 1, group), the last one being the
    national total, the states added in order; returns how many values fell
    outside the bins. The draws are the inner loop, so that each quantity's
    bins stay in cache.
    """
    draws, dates, states, groups = totals.shape
    last = counts.shape[-1] - 1
    national = np.empty(draws)
    outside = 0
    for t in range(dates):
        for g in range(groups):
            for d in range(draws):
                national[d] = totals[d, t, 0, g]
            for r in range(1, states):
                for d in range(draws):
                    national[d] += totals[d, t, r, g]
            for r in range(states + 1):
                bins = counts[t, r, g]
                for d in range(draws):
                    value = totals[d, t, r, g] if r < states else national[d]
                    index = _bin(value, low[t, r, g], width[t, r, g], last)
                    if index == 0 or index == last:
                        outside += 1
                    bins[index] += 1
    return outside
