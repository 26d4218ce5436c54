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

from pathlib import Path

import xarray as xr

from projsim import _compat, projection
from projsim import analysis  # noqa: F401  (registers the Dataset accessor ds.projsim)
from projsim.analysis.households import with_households
from projsim.errors import InputError
from projsim.io.scenarios import load_scenario
from projsim.model.scenario import Scenario
from projsim.projection import DEFAULT_SCENARIO
from projsim.result import engine_version


def project(scenario: str | Path | Scenario = DEFAULT_SCENARIO) -> xr.Dataset:
    """Project a scenario: :func:`projsim.projection.project`, with the households of
    a scenario that has a ``[households]`` section.

    The households (``households``, ``persons_by_position``) are counted from
    the projected population by the analysis layer
    (:func:`projsim.analysis.households.with_households`), so they are added
    here, at the top of the package; without the section the result holds the
    projection alone.

    Examples
    --------
    >>> ds = project("fpb-2013")
    >>> int(ds.population.sel(time=2012).sum())
    11035948
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    result = projection.project(scenario)
    if scenario.households is None:
        return result
    return with_households(result, scenario.households)


_compat.install()
__version__ = engine_version()
__all__ = ["DEFAULT_SCENARIO", "InputError", "load_scenario", "project", "__version__"]
