"""The time loop: a projection is the reference step repeated, validated once."""

from __future__ import annotations

import numpy as np

from projsim.engine.cohorts import fertile_ages
from projsim.engine.rates import Flows, Projection, Rates, validate
from projsim.engine.step import Workspace, step
from projsim.types import MigrationTiming, Safeguard


def at_step(rates: Rates, t: int) -> Rates:
    """The rates of step ``t`` (a time axis of length 1 holds them constant)."""
    return Rates(*(None if a is None else a[min(t, a.shape[0] - 1)] for a in rates))


def project(
    population: np.ndarray,
    rates: Rates,
    *,
    steps: int | None = None,
    width: int = 1,
    timing: MigrationTiming = "even",
    safeguard: Safeguard = "reduce",
) -> Projection:
    """Project a population over successive steps; the only loop is over time.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the first step [persons].
    rates : Rates
        Inputs with a leading ``time`` axis of length ``steps`` or 1 (held
        constant); see :class:`projsim.engine.Rates` for units and shapes.
    steps : int, optional
        Number of steps; by default the longest time axis among ``rates``.
    width : int
        Step length and age-group width [years].
    timing : {"even", "end"}
        Timing of international migration (:data:`projsim.types.MigrationTiming`).
    safeguard : {"reduce", "ccmpp"}
        Treatment of outflows that exceed a population
        (:data:`projsim.types.Safeguard`).

    Returns
    -------
    Projection
        Populations at ``steps + 1`` dates and the flows of every step.

    Raises
    ------
    InputError
        If any input has the wrong shape, a value out of range or NaN.

    Examples
    --------
    A closed one-sex-pair population with no fertility shifts by one age:

    >>> pop = np.ones((1, 1, 2, 3))
    >>> rates = Rates(np.ones((1, 1, 1, 2, 3)), np.zeros((1, 1, 1, 3)), np.ones((1, 1, 1)))
    >>> project(pop, rates, steps=2).population[-1, 0, 0, 0]
    array([0., 0., 3.])
    """
    steps = validate(population, rates, steps=steps, width=width, timing=timing, safeguard=safeguard)
    populations = np.empty((steps + 1,) + np.shape(population))
    populations[0] = population
    workspace = Workspace(fertile_ages(rates.fertility_rate))
    constant = at_step(rates, 0) if all(a is None or a.shape[0] == 1 for a in rates) else None
    for t in range(steps):
        step(populations[t], constant or at_step(rates, t), width=width, timing=timing,
             safeguard=safeguard, out=populations[t + 1], record=False, workspace=workspace)
    return Projection(populations, flows_of(populations, rates, width=width, timing=timing,
                                            safeguard=safeguard, fertile=workspace.fertile))


def flows_of(populations, rates, *, width, timing, safeguard, fertile=None) -> Flows:
    """The flows of every step of a projection, from its populations, in one call.

    Each step's flows depend only on its start population and its rates, so
    the steps can be taken again side by side: the time axis is folded into
    the batch axis and :func:`projsim.engine.step` records every flow at once
    (its end populations are those of the time loop, bit for bit).

    Parameters
    ----------
    populations : ndarray, (time + 1, batch, state, sex, age)
        The populations of a projection [persons].
    rates : Rates
        Its rates, with a leading time axis of length ``time`` or 1.
    width, timing, safeguard
        As for :func:`project`.
    fertile : slice, optional
        The age groups with births (:func:`projsim.engine.cohorts.fertile_ages`).

    Returns
    -------
    Flows
        With a leading time axis of length ``time``.
    """
    steps, batch = populations.shape[0] - 1, populations.shape[1]
    start = populations[:-1].reshape((steps * batch,) + populations.shape[2:])
    folded = Rates(*(None if a is None else _fold(a, steps, batch) for a in rates))
    _, flows = step(start, folded, width=width, timing=timing, safeguard=safeguard,
                    workspace=Workspace(fertile))
    return Flows(*(None if f is None else f.reshape((steps, batch) + f.shape[1:]) for f in flows))


def _fold(array: np.ndarray, steps: int, batch: int) -> np.ndarray:
    """A rate array (time or 1, batch or 1, ...) with time folded into the batch
    axis: (1, ...) when constant over both, else (time x batch, ...)."""
    if array.shape[0] == 1 and array.shape[1] == 1:
        return array[0]
    full = np.broadcast_to(array, (steps, batch) + array.shape[2:])
    return full.reshape((steps * batch,) + array.shape[2:])
