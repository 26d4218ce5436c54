"""The time loop: a projection is the reference step repeated, validated once."""

from __future__ import annotations

import numpy as np

from projsim.engine.rates import Flows, Projection, Rates, empty_flows, validate
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
    flows = empty_flows(np.shape(population), rates, leading=(steps,))
    workspace = Workspace()
    for t in range(steps):
        step(populations[t], at_step(rates, t), width=width, timing=timing, safeguard=safeguard,
             out=populations[t + 1], flows=Flows(*(None if f is None else f[t] for f in flows)),
             workspace=workspace)
    return Projection(populations, flows)
