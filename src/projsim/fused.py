"""A fused, compiled projection step for large ensembles (population only).

:func:`advance` computes the same end population as
:func:`projsim.kernel.step` with ``record=False`` and ``safeguard="reduce"``,
but in a single pass over the state: each row of ages of one batch, state
and sex is read once and written once, with migration, survival, clipping and
the births exposure fused in one loop compiled by numba, and batches spread
over the cores. Internal migration adds one stacked matrix product over the
state axis (BLAS) and one addition. It serves ensembles of thousands of
draws, where the flows are not kept and memory bandwidth is the limit; the
numpy kernel stays the reference, and the tests check that both agree to
rounding.

numba is an optional dependency (``pip install 'projsim[fast]'``), imported
the first time :func:`advance` runs; compiled code is cached on disk.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from projsim.errors import InputError
from projsim.kernel import TIMING_WEIGHTS, Rates, Workspace
from projsim.types import MigrationTiming


@cache
def _compiled():
    """The fused loops, compiled or loaded from numba's cache; numba is imported here.

    Both loops run over the batch axis in parallel (numba's ``prange``).
    """
    try:
        from projsim import _fused_loops
    except ImportError:
        raise InputError("projsim.fused", "no numba installed", "numba for the fused step",
                         "pip install 'projsim[fast]', or use projsim.kernel.step") from None
    return _fused_loops.all_batches, _fused_loops.add_into


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
        The step's inputs without a time axis (:class:`projsim.kernel.Rates`);
        international migration as ``net_migration`` only.
    width : int
        Step length and age-group width [years].
    timing : {"even", "end"}
        Timing of international migration.
    out : ndarray, optional
        Where to write the end population (not ``population`` itself).
    workspace : Workspace, optional
        Scratch arrays reused across steps (internal migration only).

    Returns
    -------
    ndarray, (batch, state, sex, age)
        The end population, equal to ``projsim.kernel.step(..., record=False)``
        under ``safeguard="reduce"`` up to floating-point rounding [persons].

    Raises
    ------
    InputError
        If numba is missing, or the rates use immigration or emigration rates.
    """
    if rates.immigration is not None or rates.emigration_rate is not None:
        raise InputError("projsim.fused.advance", "immigration or emigration_rate",
                         "international migration as net_migration only",
                         "use projsim.kernel.step for separate immigration and emigration")
    run, add_into = _compiled()
    shape = population.shape
    work = Workspace() if workspace is None else workspace
    out = np.empty(shape) if out is None else out
    migrants = np.zeros((1,) + shape[1:]) if rates.net_migration is None else rates.net_migration
    internal = rates.internal_rate is not None
    leave = (-np.expm1(-width * _full(rates.internal_rate, shape)) if internal
             else np.zeros((1, 0, 0, 0)))
    moved_out = work.get("moved_out", shape) if internal else np.empty((shape[0], 0, 0, 0))
    run(population, _full(rates.survival, shape),
        _full(rates.fertility_rate, shape[:2] + shape[3:]),
        _full(rates.sex_ratio_at_birth, shape[:2]), _full(migrants, shape),
        np.array(TIMING_WEIGHTS[timing]), float(width), leave, out, moved_out)
    if internal:
        moved_in = work.get("moved_in", shape)
        destination = np.swapaxes(np.asarray(rates.internal_destination, dtype=float), -1, -2)
        np.matmul(destination, moved_out.reshape(shape[0], shape[1], -1),
                  out=moved_in.reshape(shape[0], shape[1], -1))
        add_into(out, moved_in)
    return out
