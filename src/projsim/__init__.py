"""projsim: vectorised cohort-component population projections.

The package is layered, one folder a layer, and imports point down:

* :mod:`projsim.types`, :mod:`projsim.errors`: the vocabulary (dimensions,
  options, the registry of result variables) and the error types;
* :mod:`projsim.engine`: the numpy projection step and time loop, the
  demographic noise, and every numba-compiled loop (:mod:`projsim.engine.compiled`);
* :mod:`projsim.demography`: life tables, mortality models, schedules, pooling;
* :mod:`projsim.model`: the state space, the base and the scenario schema, in memory;
* :mod:`projsim.io`: the only modules that open files: bases, scenarios,
  packaged data and results;
* :mod:`projsim.assumptions`: scenario and base to the engine's rates;
* :mod:`projsim.result`: the one labeller of results;
* :mod:`projsim.projection`: :func:`project`, the entry point;
* :mod:`projsim.stochastic`: stochastic draws, run in chunks locally or on
  dask.distributed, with streaming summaries;
* :mod:`projsim.analysis`: indicators (the ``ds.projsim`` accessor) and
  decompositions;
* :mod:`projsim.plots`, :mod:`projsim.report`: figures and an HTML report;
* :mod:`projsim.cli`: the ``projsim`` command.
"""

from projsim import _compat
from projsim.errors import InputError
from projsim import analysis  # noqa: F401  (registers the Dataset accessor ds.projsim)
from projsim.io.scenarios import load_scenario
from projsim.projection import DEFAULT_SCENARIO, project
from projsim.result import engine_version

_compat.install()
__version__ = engine_version()
__all__ = ["DEFAULT_SCENARIO", "InputError", "load_scenario", "project", "__version__"]
