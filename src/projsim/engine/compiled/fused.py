"""The compiled step for a whole batch (population only), in parallel over the batch.

:func:`advance` computes the same end population as
:func:`projsim.engine.step` with ``record=False`` and ``safeguard="reduce"``,
but in a single pass over the state: each draw's rows of ages are read once
and written once by the compiled step of :mod:`projsim.engine.compiled.step`,
with the movers of the first move between states taken out in the same
pass, and batches spread over the cores. Each move's destinations are one
stacked matrix product over the state axis (BLAS, the numpy
:func:`projsim.engine.distribute`) and one addition. It serves ensembles of
thousands of draws, where the flows are not kept and memory bandwidth is the
limit; the numpy step stays the reference, and the tests check that both
agree to rounding. numba is imported with this module.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from projsim.engine.compiled.step import advance_states, take_leavers
from projsim.engine.moves import distribute
from projsim.engine.rates import TIMING_WEIGHTS, Rates
from projsim.engine.step import Workspace
from projsim.types import MigrationTiming


@njit(parallel=True, cache=True)
def all_batches(population, survival, fertility, sex_ratio, migrants, immigration, emigration,
                net_total, birth_destination, weights, width, leave, out, moved_out):
    """:func:`advance_states` for every batch, in parallel.

    Inputs may have a batch of 1 (shared). ``immigration`` and ``emigration``
    (the probability of emigrating during the step), unless empty, add
    ``I - P q`` to the net migrants, as :func:`projsim.engine.step` does; with
    a ``net_total`` (unless empty), the immigrants are scaled to balance it
    (:func:`projsim.engine.balanced_immigration`);
    ``leave`` (batch or 1, state, sex, age), unless empty, are the first
    move's probabilities of moving, whose movers are taken out into
    ``moved_out`` in the same pass.
    """
    batches, states, sexes, ages = population.shape
    gross = emigration.size > 0
    for index in prange(batches):
        b = np.int64(index)  # prange's unsigned index would turn min() into a float
        exposed, ended, born = np.empty(ages), np.empty(ages), np.empty((states, 2))
        moving = migrants[min(b, migrants.shape[0] - 1)]
        if gross:
            moving = moving.copy()
            arriving = immigration[min(b, immigration.shape[0] - 1)]
            leaving = emigration[min(b, emigration.shape[0] - 1)]
            scale = 1.0
            if net_total.size and not np.isnan(net_total[min(b, net_total.shape[0] - 1)]):
                emigrants, immigrants = 0.0, 0.0
                for r in range(states):
                    for s in range(sexes):
                        for a in range(ages):
                            emigrants += population[b, r, s, a] * leaving[r, s, a]
                            immigrants += arriving[r, s, a]
                scale = (net_total[min(b, net_total.shape[0] - 1)] + emigrants) / immigrants
            for r in range(states):
                for s in range(sexes):
                    for a in range(ages):
                        moving[r, s, a] += (arriving[r, s, a] * scale
                                            - population[b, r, s, a] * leaving[r, s, a])
        advance_states(population[b], survival[min(b, survival.shape[0] - 1)],
                       fertility[min(b, fertility.shape[0] - 1)],
                       sex_ratio[min(b, sex_ratio.shape[0] - 1)], moving,
                       birth_destination[min(b, birth_destination.shape[0] - 1)], weights, width,
                       exposed, ended, born, out[b])
        if leave.size:
            take_leavers(out[b], leave[min(b, leave.shape[0] - 1)], moved_out[b])


@njit(parallel=True, cache=True)
def leave_all(out, leave, moved_out):
    """:func:`take_leavers` for every batch (``leave`` may have a batch of 1)."""
    for index in prange(out.shape[0]):
        b = np.int64(index)
        take_leavers(out[b], leave[min(b, leave.shape[0] - 1)], moved_out[b])


@njit(parallel=True, cache=True)
def add_into(out, addend):
    """``out += addend``, in parallel over the batch."""
    flat_out, flat_addend = out.reshape(out.shape[0], -1), addend.reshape(out.shape[0], -1)
    for index in prange(flat_out.shape[0]):
        b = np.int64(index)
        for cell in range(flat_out.shape[1]):
            flat_out[b, cell] += flat_addend[b, cell]


def _full(array, shape):
    """``array`` broadcast to ``(its batch, *shape[1:])`` as a C-contiguous float array."""
    array = np.asarray(array, dtype=float)
    return np.ascontiguousarray(np.broadcast_to(array, array.shape[:1] + tuple(shape[1:])))


def advance(
    population: np.ndarray,
    rates: Rates,
    *,
    width: int = 1,
    timing: MigrationTiming = "even",
    out: np.ndarray | None = None,
    workspace: Workspace | None = None,
) -> np.ndarray:
    """Advance a population by one step, population only, in one fused pass.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the step, C-contiguous [persons].
    rates : Rates
        The step's inputs without a time axis (:class:`projsim.engine.Rates`).
    width : int
        Step length and age-group width [years].
    timing : {"even", "end"}
        Timing of international migration.
    out : ndarray, optional
        Where to write the end population (not ``population`` itself).
    workspace : Workspace, optional
        Scratch arrays reused across steps (moves between states only).

    Returns
    -------
    ndarray, (batch, state, sex, age)
        The end population, equal to ``projsim.engine.step(..., record=False)``
        under ``safeguard="reduce"`` up to floating-point rounding [persons].

    """
    shape = population.shape
    work = Workspace() if workspace is None else workspace
    out = np.empty(shape) if out is None else out
    migrants = np.zeros((1,) + shape[1:]) if rates.net_migration is None else rates.net_migration
    moves = 0 if rates.move_rate is None else rates.move_rate.shape[-4]
    leave = [-np.expm1(-width * _full(rates.move_rate[:, k], shape)) for k in range(moves)]
    moved_out = work.get("moved_out", shape) if moves else np.empty((shape[0], 0, 0, 0))
    none = np.zeros((1, 0, 0, 0))
    immigration = none if rates.immigration is None else _full(rates.immigration, shape)
    emigration = none if rates.emigration_rate is None \
        else -np.expm1(-width * _full(rates.emigration_rate, shape))
    if (rates.emigration_rate is None) != (rates.immigration is None):   # one of the two
        immigration = np.zeros((1,) + shape[1:]) if rates.immigration is None else immigration
        emigration = np.zeros((1,) + shape[1:]) if rates.emigration_rate is None else emigration
    births_to = np.zeros((1, 0, 0)) if rates.birth_destination is None \
        else _full(rates.birth_destination, (1, shape[1], shape[1]))
    net_total = np.zeros(0) if rates.net_total is None \
        else np.ascontiguousarray(rates.net_total, dtype=float).reshape(-1)
    all_batches(population, _full(rates.survival, shape),
                _full(rates.fertility_rate, shape[:2] + shape[3:]),
                _full(rates.sex_ratio_at_birth, shape[:2]), _full(migrants, shape), immigration,
                emigration, net_total, births_to, np.array(TIMING_WEIGHTS[timing]), float(width),
                leave[0] if moves else none, out, moved_out)
    for k in range(moves):
        if k:
            leave_all(out, leave[k], moved_out)
        moved_in = distribute(moved_out, np.asarray(rates.move_destination[:, k], dtype=float),
                              out=work.get("moved_in", shape))
        add_into(out, moved_in)
    return out
