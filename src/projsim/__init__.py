"""projsim: vectorised cohort-component population projections.

The package is layered, and imports point down:

* :mod:`projsim.types`, :mod:`projsim.errors`: the vocabulary and the error type;
* :mod:`projsim.kernel`: the numpy projection step and time loop;
* :mod:`projsim.lifetable`: life tables, Kannisto extension, survival ratios;
* :mod:`projsim.io`, :mod:`projsim.base`: files and the embedded base data;
* :mod:`projsim.scenario`: scenario files, validated at load time;
* :mod:`projsim.assumptions`: scenario and base to kernel rates;
* :mod:`projsim.result`: labelled :class:`xarray.Dataset` results;
* :mod:`projsim.projection`: :func:`project`, the entry point;
* :mod:`projsim.stochastic`, :mod:`projsim.ensemble`: stochastic draws, run in
  chunks locally or on dask.distributed, with streaming summaries;
* :mod:`projsim.indicators`, :mod:`projsim.decomposition`: what a result says
  (the ``ds.projsim`` accessor), and where growth and differences come from;
* :mod:`projsim.plots`, :mod:`projsim.report`: figures and an HTML report;
* :mod:`projsim.cli`: the ``projsim`` command.
"""

from projsim.errors import InputError
from projsim import indicators  # registers the Dataset accessor ds.projsim
from projsim.projection import DEFAULT_SCENARIO, project
from projsim.result import engine_version
from projsim.scenario import load_scenario

__version__ = engine_version()
__all__ = ["DEFAULT_SCENARIO", "InputError", "load_scenario", "project", "__version__"]
