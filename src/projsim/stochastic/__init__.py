"""Stochastic projections: many draws of a scenario, kept whole or summarised.

:func:`project_draws` perturbs a scenario's paths (:mod:`~projsim.stochastic.paths`),
prepares the run once (:mod:`~projsim.stochastic.jobs`), projects the draws
in chunks (:mod:`~projsim.stochastic.runners`), locally or as tasks on a
``dask.distributed`` client (:mod:`~projsim.stochastic.distributed`), and
summarises them as it goes (:mod:`~projsim.stochastic.summaries`). The
result is either every draw's population, or streaming summaries whose
memory does not grow with the number of draws (with
``quantiles="histogram"``; exact quantiles keep a few totals per draw):

* the mean and standard deviation of the population of every cell, from
  sums over fixed blocks of draws added in block order, so they are the same
  whatever the chunking and the number of workers;
* quantiles of the population by state and broad age group, and of the
  national total;
* the probability that the national population exceeds given thresholds.

A draw's e0 targets are met on the base-weighted national death rates (one
pass; the deterministic projection adds a second pass on its own population,
see :func:`projsim.assumptions.reweight_e0`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from projsim.engine import compiled
from projsim.errors import InputError, MissingDependencyError
from projsim.model.scenario import Scenario
from projsim.stochastic import distributed
from projsim.stochastic.jobs import AGE_GROUPS, chunks, make_job, survival_for
from projsim.stochastic.paths import (
    DRAWS_PER_SEED, NOISE_STREAM, Uncertainty, draw_paths, noise_on, noise_streams,
    parameters_of, uncertainty,
)
from projsim.stochastic.runners import local_results, run_chunk
from projsim.stochastic.summaries import EXACT_UP_TO, HISTOGRAM_BINS, QUANTILES, Histogram, Running
from projsim.types import ENGINES, QUANTILE_METHODS, Engine, Keep, QuantileMethod

#: Seconds one process takes to project one draw through one year in one cell
#: (state, sex, age), by engine, rounded up from ``benchmarks/bench_stochastic.py``
#: and ``bench_process.py`` (numpy: 4e-8 on a quiet machine, 8e-8 to 1.2e-7 on a
#: loaded one, where it suffers more than the fused engine; fused: 5e-9 to 1e-8;
#: demographic noise about 1.5e-7). The CLI's time estimate and
#: :func:`choose_engine` use them. Rounding the numpy cost up makes the choice err
#: towards the fused engine: switching early costs at most about half of
#: :data:`FUSED_LOAD_SECONDS`, while switching late makes ``N`` draws slower than
#: ``2N``.
SECONDS_PER_CELL_YEAR = {"numpy": 1e-7, "fused": 1e-8, "noise": 5e-7}
#: What a process pays before the fused engine computes anything [seconds]:
#: importing numba, setting up its compiler and loading the compiled ensemble
#: code from numba's cache: 0.9 s in ``benchmarks/bench_process.py`` section 4
#: (the fused line's fixed cost less the numpy line's), 1.2-1.4 s in the issue
#: that asked for this rule ("fast for every user").
FUSED_LOAD_SECONDS = 1.0
#: A fixed threshold of draws from which ``"auto"`` picks the fused engine,
#: instead of the cost model of :func:`choose_engine`; ``None`` (the default)
#: uses the model. The benchmarks force an engine with 0 or ``2**62``.
FUSED_FROM: int | None = None


def fused_saves(draws: int, scenario: Scenario) -> float:
    """Seconds the fused engine saves over the numpy one on ``draws`` draws of
    ``scenario``, net of what loading it costs (negative: numpy is faster).

    ``draws x steps x cells x (numpy - fused cost per cell-year)`` by
    :data:`SECONDS_PER_CELL_YEAR`, less :data:`FUSED_LOAD_SECONDS`. The load is
    counted even in a process that has loaded the code already, so that the
    engine, and the result to the last bit, depend on the run alone, never on
    what the process ran before.

    Examples
    --------
    >>> from projsim.io import load_scenario
    >>> fused_saves(10_000, load_scenario("fpb-2013")) > 0
    True
    """
    base = scenario.base_data
    ages = (scenario.open_age if scenario.open_age is not None else base.open_age) + 1
    cell_years = (scenario.horizon - base.year) * base.states.size * 2 * ages
    saved = draws * cell_years * (SECONDS_PER_CELL_YEAR["numpy"] - SECONDS_PER_CELL_YEAR["fused"])
    return saved - FUSED_LOAD_SECONDS


def choose_engine(engine: Engine, draws: int, scenario: Scenario, noise: bool) -> str:
    """The engine that runs the draws, by one documented rule; never a silent swap.

    ``"auto"`` is the fused compiled step when numba is installed, the run
    needs nothing the compiled step lacks (demographic noise, which needs each
    year's flows, and the UN safeguard ``"ccmpp"``, which the compiled step
    does not apply), and it saves more time than loading numba and its
    compiled code costs a process (:func:`fused_saves`: from about 170
    draws of ``fpb-2013``); otherwise numpy. Because the choice is where the two engines' times meet,
    ``N`` draws never take much longer than ``2N``. ``"fused"`` asked for
    explicitly with such an option is an error, and without numba a
    :class:`~projsim.errors.MissingDependencyError`.

    Examples
    --------
    >>> from projsim.io import load_scenario
    >>> choose_engine("auto", 100, load_scenario("fpb-2013"), noise=False)
    'numpy'
    """
    if engine not in ENGINES:
        raise InputError("argument 'engine'", repr(engine), f"one of {list(ENGINES)}",
                         "choose an engine, or 'auto'")
    unsupported = ("demographic noise" if noise else
                   f"the safeguard '{scenario.safeguard}'" if scenario.safeguard != "reduce"
                   else None)
    if engine == "fused":
        if unsupported:
            raise InputError("argument 'engine'", f"'fused' with {unsupported}",
                             "the numpy engine, which alone supports it",
                             "choose engine='numpy' or 'auto'")
        if not compiled.available():
            raise MissingDependencyError("numba", "the fused engine", "fast")
        return engine
    if engine == "auto":
        if unsupported or not compiled.available():
            return "numpy"
        pays = fused_saves(draws, scenario) > 0 if FUSED_FROM is None else draws >= FUSED_FROM
        return "fused" if pays else "numpy"
    return engine


def project_draws(scenario: Scenario, draws: int = 1000, *, seed: int | None = None,
                  chunk: int = 1024, keep: Keep = "summary", thresholds=(), client=None,
                  progress=None, dtype: str = "float64", engine: Engine = "auto",
                  quantiles: QuantileMethod = "auto",
                  demographic_noise: bool | None = None) -> xr.Dataset:
    """Project a scenario's uncertainty with ``draws`` trajectories.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a national ``tfr``, ``e0`` targets and a ``net_total``;
        its ``[uncertainty]`` table (if any) overrides the default parameters.
    draws : int
        Number of trajectories.
    seed : int, optional
        Overrides the scenario's seed.
    chunk : int
        Draws projected together, a multiple of
        :data:`projsim.stochastic.DRAWS_PER_SEED`; it changes memory and speed,
        never the results. The numpy engine and ``keep="draws"`` hold one
        chunk's state at a time, and a dask client gets one task per chunk;
        locally, the compiled path runs every block of 64 draws through one
        pipeline, and the chunks only pace the progress reports.
    keep : {"summary", "draws"}
        Streaming summaries only, or every draw's population as well.
    thresholds : sequence of float
        National populations whose exceedance probability to report [persons].
    client : dask.distributed.Client, optional
        Run the chunks as tasks on this client. With ``keep="draws"`` the
        draws stay on the workers and ``population`` is a dask array over
        them; only the summaries are gathered.
    progress : callable, optional
        Called with (chunks done, chunks in all) after each chunk.
    dtype : {"float64", "float32"}
        Precision of the projected state.
    engine : {"auto", "fused", "numpy"}
        The kernel: the fused numba step, the numpy step, or (``"auto"``) the
        rule of :func:`choose_engine`.
    quantiles : {"auto", "exact", "histogram"}
        ``"exact"`` keeps every draw's regional totals (a few kB per draw);
        ``"histogram"`` counts them in :data:`HISTOGRAM_BINS` bins per
        quantity instead, so the memory does not grow with the draws, and
        interpolates the quantiles within a bin (see
        :class:`~projsim.stochastic.summaries.Histogram`).
        ``"auto"`` (the default) is exact up to :data:`EXACT_UP_TO` draws.
    demographic_noise : bool, optional
        Draw each year's births, deaths and migrants by chance around their
        expected values (:mod:`projsim.engine.noise`); by default the scenario's
        ``[uncertainty]`` ``demographic_noise``, else off. It needs the numpy
        engine.

    Returns
    -------
    xarray.Dataset
        ``population_mean`` and ``population_sd`` (time, state dimensions,
        sex, age), ``population_quantile`` (time, quantile, state dimensions,
        age_group), ``national_quantile`` (time, quantile, age_group),
        ``probability_above`` (time, threshold), and with ``keep="draws"``
        ``population`` (time, draw, state dimensions, sex, age). The attributes record the engine that ran
        and ``demographic_noise`` (1 or 0).
    """
    if quantiles not in QUANTILE_METHODS:
        raise InputError("argument 'quantiles'", repr(quantiles),
                         "'auto', 'exact' or 'histogram'", "choose how the quantiles are computed")
    if quantiles == "auto":
        quantiles = "exact" if draws <= EXACT_UP_TO else "histogram"
    parameters = parameters_of(scenario, seed)
    noise = noise_on(scenario.uncertainty, demographic_noise)
    job = make_job(scenario, parameters, keep=keep, dtype=dtype,
                   engine=choose_engine(engine, draws, scenario, noise), demographic_noise=noise)
    planned = chunks(draws, chunk)
    lazy = []
    running = Running(job, thresholds, quantiles)
    if client is None:
        done = local_results(job, planned, progress, running)
    else:
        done = distributed.results(job, planned, client, progress, lazy, running)
    population = [result.population for result in done if result.population is not None]
    if lazy:    # the draws left on the workers, (draw, date, ...) as a local run's
        kept = np.moveaxis(distributed.lazy_population(lazy, job, planned), 0, 1)
    else:
        kept = np.concatenate(population) if population else None
    # one construction for both, so that a file written from either is the same
    dataset = running.dataset(draws, kept, chunk)
    dataset.attrs["demographic_noise"] = int(job.demographic_noise)
    if job.demographic_noise:
        dataset.attrs["seeding"] += (f"; demographic noise of step t, flow k of "
                                     f"projsim.engine.noise."
                                     f"NOISY_FLOWS: SeedSequence(seed, spawn_key=(block, "
                                     f"{NOISE_STREAM}, t, k))")
    return dataset


__all__ = [
    "AGE_GROUPS",
    "DRAWS_PER_SEED",
    "EXACT_UP_TO",
    "FUSED_FROM",
    "FUSED_LOAD_SECONDS",
    "HISTOGRAM_BINS",
    "QUANTILES",
    "SECONDS_PER_CELL_YEAR",
    "Histogram",
    "Running",
    "Uncertainty",
    "choose_engine",
    "chunks",
    "draw_paths",
    "fused_saves",
    "make_job",
    "noise_on",
    "noise_streams",
    "parameters_of",
    "project_draws",
    "run_chunk",
    "survival_for",
    "uncertainty",
]
