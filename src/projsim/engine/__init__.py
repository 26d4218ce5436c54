"""The projection engine: unlabeled numpy arrays on the axes (batch, state, sex, age).

* :mod:`projsim.engine.rates`: the inputs (:class:`Rates`), the outputs
  (:class:`Flows`, :class:`Projection`) and their validation;
* :mod:`projsim.engine.step`: the reference step, written once in numpy, from
  the pieces of :mod:`projsim.engine.cohorts` (survival, births, cuts, cohort
  labels) and :mod:`projsim.engine.moves` (moves between states);
* :mod:`projsim.engine.loop`: the time loop, :func:`project`;
* :mod:`projsim.engine.noise`: demographic noise drawn around a step's flows;
* :mod:`projsim.engine.compiled`: the same step compiled with numba, for
  large ensembles, and every other compiled loop of the package.

Nothing here knows labels, files or scenarios.
"""

from projsim.engine.cohorts import births_in_step, cut_outflows, survive, to_cohort
from projsim.engine.loop import at_step, project
from projsim.engine.moves import born_into, distribute, leaving, move_between
from projsim.engine.rates import (
    CCMPP_FLOOR,
    CCMPP_OVERRIDE_RESIDUAL,
    TIMING_WEIGHTS,
    Flows,
    Projection,
    Rates,
    empty_flows,
    moves_of,
    validate,
)
from projsim.engine.step import Workspace, asked_migrants, balanced_immigration, step

__all__ = [
    "CCMPP_FLOOR", "CCMPP_OVERRIDE_RESIDUAL", "TIMING_WEIGHTS", "Flows", "Projection", "Rates",
    "Workspace", "asked_migrants", "at_step", "balanced_immigration", "born_into",
    "births_in_step", "cut_outflows", "distribute", "empty_flows", "leaving", "move_between",
    "moves_of", "project", "step", "survive", "to_cohort", "validate",
]
