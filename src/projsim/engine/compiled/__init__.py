"""Every numba-compiled loop of projsim, behind one availability check.

numba is optional (``pip install 'projsim[fast]'``). :func:`available` says
whether it is installed; :func:`load` imports one of the modules below (which
import numba themselves) or raises :class:`~projsim.errors.MissingDependencyError`
naming the feature and the extra that installs it. Nothing here swaps engines
silently: a caller that has a numpy twin decides, by its documented rule,
which one runs, and a caller that asked for compiled code gets the error.

* :mod:`~projsim.engine.compiled.step`: the projection step of one draw and
  the moves between states, compiled once and shared by the fused batch step
  (:mod:`~projsim.engine.compiled.fused`) and the ensemble blocks
  (:mod:`~projsim.engine.compiled.blocks`);
* :mod:`~projsim.engine.compiled.fused`: the step for a whole batch, in parallel;
* :mod:`~projsim.engine.compiled.blocks`: whole draws over all years, with their
  running sums, and the histogram counts of streaming quantiles;
* :mod:`~projsim.engine.compiled.indicators`: pooled rates and medians of
  :mod:`projsim.analysis`;
* :mod:`~projsim.engine.compiled.lifetable`: life-table summaries of
  :func:`projsim.demography.single_year_summary`.

Compiled machine code is cached on disk by numba, so a new process loads it
instead of compiling again.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from types import ModuleType

from projsim.errors import MissingDependencyError

#: The modules of this package that hold compiled loops.
MODULES = ("step", "fused", "blocks", "indicators", "lifetable")


@cache
def available() -> bool:
    """Whether numba is installed, so that the compiled loops can run.

    Examples
    --------
    >>> isinstance(available(), bool)
    True
    """
    return importlib.util.find_spec("numba") is not None


def load(module: str, feature: str = "the compiled engine") -> ModuleType:
    """Import one of :data:`MODULES`, compiled (or loaded from numba's cache).

    Parameters
    ----------
    module : str
        One of :data:`MODULES`.
    feature : str
        What needs it, for the error message.

    Raises
    ------
    MissingDependencyError
        If numba is not installed.
    """
    if module not in MODULES:
        raise ValueError(f"no compiled module {module!r}; one of {MODULES}")
    if not available():
        raise MissingDependencyError("numba", feature, "fast")
    return importlib.import_module(f"projsim.engine.compiled.{module}")
