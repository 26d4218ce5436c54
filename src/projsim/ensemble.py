"""Stochastic ensembles: many draws projected in chunks, kept whole or summarised.

:func:`project_draws` splits the draws into chunks, builds each chunk's rates
year by year from its perturbed paths (:mod:`projsim.stochastic`) and
projects it with the kernel (the fused step of :mod:`projsim.fused` when numba
is installed, the numpy kernel otherwise). With the fused engine and
summaries only, a whole chunk (every year, its rates and its summaries) runs
in one compiled call. Chunks run one after the other, or
as tasks on a ``dask.distributed`` client. The result is either every draw's
population, or streaming summaries whose memory does not grow with the
number of draws (with ``quantiles="histogram"``; exact quantiles keep a
few totals per draw):

* the mean and standard deviation of the population of every cell, from
  sums over fixed blocks of draws added in block order, so they are the same
  whatever the chunking and the number of workers;
* quantiles of the population by region and broad age group, and of the
  national total: exact, from those totals kept for every draw, or from
  fixed-bin histograms of them (:class:`_Histogram`);
* the probability that the national population exceeds given thresholds.

A draw's e0 targets are met on the base-weighted national death rates (one
pass; the deterministic projection adds a second pass on its own population,
see :func:`projsim.assumptions.reweight_e0`).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Literal

import numpy as np
import xarray as xr

from projsim import kernel, noise
from projsim.assumptions import (
    build_inputs, migration_profile, national_fertility, national_rates, pooled_oldest,
)
from projsim.errors import InputError
from projsim.lifetable import survival_ratios_from_rates
from projsim.result import engine_version
from projsim.scenario import Scenario
from projsim.stochastic import (
    DRAWS_PER_SEED, NOISE_STREAM, Uncertainty, check_perturbable, draw_paths, noise_on,
    noise_streams, uncertainty,
)
from projsim.types import SEXES

Keep = Literal["summary", "draws"]
QuantileMethod = Literal["auto", "exact", "histogram"]
#: Up to this many draws the "auto" quantiles are exact; beyond, they are
#: streamed through histograms, so that memory does not grow with the draws.
EXACT_UP_TO = 2048
#: Bins of the streaming quantiles, spread over four times the range of the
#: first block of draws around it (values outside count in two end bins).
HISTOGRAM_BINS = 1000
Engine = Literal["auto", "fused", "numpy"]
#: Default broad age groups of the summaries: [first, last] ages, last open.
AGE_GROUPS = {"0-17": (0, 17), "18-66": (18, 66), "67+": (67, None), "all": (0, None)}
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
#: From this many draws the "auto" engine is the fused numba step: loading
#: numba and its compiled code costs about two seconds a process, which the
#: fused step only wins back on large ensembles.
FUSED_FROM = 2048


@dataclass(frozen=True)
class Job:
    """Everything a chunk needs, picklable for a dask worker."""

    scenario: Scenario
    parameters: Uncertainty
    population: np.ndarray          # (region, sex, age)
    regions: tuple[str, ...]
    ages: np.ndarray
    steps: np.ndarray
    e0_grid: np.ndarray             # (level,): e0 levels [years], evenly spaced
    survival_grid: np.ndarray       # (level, region, sex, age): survival ratios at those e0
    schedule: np.ndarray            # (region, age)
    schedule_tfr: float
    regional_shares: np.ndarray     # (region,)
    within_region: np.ndarray       # (region, sex, age)
    sex_ratio_at_birth: np.ndarray  # (1, region)
    internal_rate: np.ndarray | None       # (time, 1, region, sex, age)
    internal_destination: np.ndarray | None
    groups: np.ndarray              # (group, age) 0/1
    dtype: str
    engine: str
    keep: str
    demographic_noise: bool = False


@dataclass(frozen=True)
class ChunkResult:
    """One chunk's contribution: block sums, per-draw totals and maybe the draws.

    ``sums``, ``squares`` and ``totals`` are None when the chunk fed them to
    a running summary instead (``run_chunk(..., running=...)``).
    """

    first: int
    sums: np.ndarray | None       # (block, date, region, sex, age)
    squares: np.ndarray | None    # (block, date, region, sex, age)
    totals: np.ndarray | None     # (draw, date, region, group)
    population: np.ndarray | None   # (draw, date, region, sex, age)


def make_job(scenario: Scenario, parameters: Uncertainty, *, keep: Keep = "summary",
             dtype: str = "float64", engine: Engine = "auto",
             demographic_noise: bool = False) -> Job:
    """Prepare a stochastic run of a scenario (validated here, once).

    Demographic noise needs each step's flows, which only the numpy step
    records, so it runs the numpy engine whatever ``engine`` says.
    """
    from projsim.mortality import load_lee_carter

    check_perturbable(scenario)
    if dtype not in ("float64", "float32"):
        raise InputError("argument 'dtype'", repr(dtype), "'float64' or 'float32'",
                         "choose the precision of the state")
    if (scenario.safeguard != "reduce" and engine == "fused") or demographic_noise:
        engine = "numpy"
    inputs = build_inputs(scenario)
    base = inputs.base
    components = scenario.components
    profile = migration_profile(base, components["international_migration"])
    regional = profile.sum(axis=(1, 2))
    schedule = components["fertility"].options.get("schedule", base.fertility_rate)
    ages = base.ages
    groups = np.array([(ages >= lo) & (ages <= (ages[-1] if hi is None else hi))
                       for lo, hi in AGE_GROUPS.values()], dtype=float)
    pattern = load_lee_carter(ages).age_pattern
    national = national_rates(base.mortality_rate, pooled_oldest(base.population))
    e0_grid, survival_grid = _survival_grid(base.mortality_rate, national, pattern, scenario,
                                            inputs.years[:-1])
    return Job(
        scenario=scenario, parameters=parameters, population=base.population,
        regions=base.regions, ages=base.ages, steps=inputs.years[:-1], e0_grid=e0_grid,
        survival_grid=survival_grid,
        schedule=schedule, schedule_tfr=float(national_fertility(base, schedule).sum()),
        regional_shares=regional,
        within_region=profile / np.where(regional == 0, 1, regional)[:, None, None],
        sex_ratio_at_birth=np.full((1, len(base.regions)),
                                   float(inputs.rates.sex_ratio_at_birth[0, 0, 0])),
        internal_rate=inputs.rates.internal_rate,
        internal_destination=inputs.rates.internal_destination,
        groups=groups, dtype=dtype, engine=engine, keep=keep,
        demographic_noise=demographic_noise)


#: The e0 grid on which survival ratios are tabulated for draws: this far
#: around the scenario's path [years], this finely [years].
E0_MARGIN, E0_SPACING = 15.0, 0.25
#: The highest e0 on the grid [years], below what moving Belgian mortality
#: along its Lee-Carter pattern can reach (about 100 for men).
E0_HIGHEST = 99.0


def _survival_grid(regional, national, pattern, scenario, steps):
    """Survival ratios tabulated on a fixed grid of national e0 levels.

    At each level the Lee-Carter index that gives the national rates that e0
    is solved (to 1e-8 years) and applied to every region; a draw's survival
    ratios are then interpolated between four neighbouring levels
    (:func:`survival_for`), so they depend only on the draw's own targets,
    never on the other draws of its chunk. The grid runs one level beyond
    the usable range at each end, for the outer points of the stencil.

    With levels 0.25 years apart the cubic interpolation is within 2.5e-8 of
    the survival ratio solved at the draw's own e0, where the life table is a
    smooth function of e0 (measured at 300 random e0 of 77-97 years). Near
    the kinks of the HMD formula for the infant's mean age at death
    (:math:`{}_1a_0`, at infant death rates of 0.017 for women and 0.023 for
    men: e0 about 75 years for Belgian women), the infant survival ratio is
    within 5e-6.
    """
    from projsim.mortality import mortality_index_for_e0

    path = scenario.components["mortality"].path
    targets = np.stack([path[s].at(steps) for s in SEXES], axis=-1)
    low = np.floor(targets.min() - E0_MARGIN) - E0_SPACING
    high = min(np.ceil(targets.max() + E0_MARGIN), E0_HIGHEST) + E0_SPACING
    levels = np.linspace(low, high, int(round((high - low) / E0_SPACING)) + 1)
    grid = np.repeat(levels[:, None], len(SEXES), axis=1)
    index = mortality_index_for_e0(national, pattern, grid, np.array(SEXES), tolerance=1e-8)
    rates = regional * np.exp(index[:, None, :, None] * pattern)          # (level, R, S, A)
    return levels, survival_ratios_from_rates(rates, np.array(SEXES))


def check_on_grid(job: Job, e0: np.ndarray) -> None:
    """Raise if an e0 target (any shape) is off the usable range of the job's grid."""
    levels = job.e0_grid
    if e0.min() < levels[1] or e0.max() > levels[-2]:
        extreme = e0.min() if e0.min() < levels[1] else e0.max()
        raise InputError("draws", f"a life expectancy target of {extreme:.2f} years",
                         f"targets within {levels[1]:g}-{levels[-2]:g} years",
                         "lower the mortality uncertainty")


def stencil(levels: np.ndarray, e0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The grid levels and cubic Lagrange weights that interpolate at ``e0``.

    Returns the index of the level at or below each target, clipped so that
    levels ``index - 1 .. index + 2`` exist, and the four weights (last axis)
    of those levels, which sum to one.
    """
    position = (e0 - levels[0]) / (levels[1] - levels[0])
    lower = np.clip(np.floor(position).astype(int), 1, len(levels) - 3)
    t = position - lower
    weights = np.stack([-t * (t - 1) * (t - 2) / 6, (t + 1) * (t - 1) * (t - 2) / 2,
                        -(t + 1) * t * (t - 2) / 2, (t + 1) * t * (t - 1) / 6], axis=-1)
    return lower, weights


def survival_for(job: Job, e0: np.ndarray) -> np.ndarray:
    """Survival ratios (draw, region, sex, age) for e0 targets (draw, sex)."""
    check_on_grid(job, e0)
    lower, weights = stencil(job.e0_grid, e0)
    sexes = np.arange(len(SEXES))
    out = np.zeros((len(e0), *job.survival_grid.shape[1:]))
    for offset in range(4):      # the four levels of the cubic stencil
        rows = np.moveaxis(job.survival_grid[lower + offset - 1, :, sexes, :], 1, 2)
        out += weights[:, None, :, offset, None] * rows
    return out


def run_chunk(job: Job, first: int, count: int, running=None) -> ChunkResult:
    """Project draws ``first .. first + count - 1`` and summarise them.

    The only loop is over years: each year's survival ratios, fertility and
    migration are built for the whole chunk, then the chunk advances. With
    the fused engine and ``keep="summary"`` (float64 or float32 state), the
    whole chunk runs in compiled calls instead (:func:`_run_chunk_compiled`),
    with the same results up to rounding. With demographic noise each year's
    births, deaths and migrants are drawn around the numpy step's flows
    (:func:`projsim.noise.step`).

    Without ``running`` the result holds the sums and squares of each block
    of :data:`DRAWS_PER_SEED` draws and every draw's totals. With a
    :class:`_Running` summary (the chunks of one process, in draw order), the
    chunk feeds them to it as it goes instead and returns only its draws (if
    kept): the summary adds them in the same order, so the results are the
    same bit for bit, and the chunk never holds all its blocks' sums.
    """
    dtype = np.dtype(job.dtype)
    if _compiled_path(job):
        return _run_chunk_compiled(job, first, count, running)
    paths = draw_paths(job.scenario, job.parameters, job.regional_shares, job.steps, first, count)
    fertility_factor = paths.tfr / job.schedule_tfr                          # (draw, time)
    state = np.ascontiguousarray(np.broadcast_to(job.population, (count, *job.population.shape)),
                                 dtype=dtype)
    spare = np.empty_like(state)
    workspace = kernel.Workspace()
    flows = kernel.empty_flows(state.shape, kernel.Rates(None, None, None)) \
        if job.demographic_noise else None
    dates = len(job.steps) + 1
    n_blocks = -(-count // DRAWS_PER_SEED)
    sums = squares = None
    if running is None:
        sums = np.zeros((n_blocks, dates, *job.population.shape))
        squares = np.zeros_like(sums)
    totals = np.zeros((count, dates, job.population.shape[0], len(job.groups)))
    kept = np.empty((count, dates, *job.population.shape), dtype=dtype) if job.keep == "draws" \
        else None

    def record(t, population):
        values = np.asarray(population, dtype=float)
        for block in range(n_blocks):
            part = values[block * DRAWS_PER_SEED:(block + 1) * DRAWS_PER_SEED]
            if running is None:
                sums[block, t] = part.sum(axis=0)
                squares[block, t] = (part * part).sum(axis=0)
            else:
                running.sums[t] += part.sum(axis=0)
                running.squares[t] += (part * part).sum(axis=0)
        totals[:, t] = values.sum(axis=2) @ job.groups.T
        if kept is not None:
            kept[:, t] = population

    record(0, state)
    for t in range(len(job.steps)):
        internal = None if job.internal_rate is None \
            else job.internal_rate[min(t, len(job.internal_rate) - 1)]
        rates = kernel.Rates(
            survival=survival_for(job, paths.e0[:, t]).astype(dtype, copy=False),
            fertility_rate=(fertility_factor[:, t, None, None] * job.schedule).astype(
                dtype, copy=False),
            sex_ratio_at_birth=job.sex_ratio_at_birth,
            net_migration=(paths.net_migration[:, t, :, None, None] * job.within_region
                           ).astype(dtype, copy=False),
            internal_rate=None if internal is None else internal.astype(dtype, copy=False),
            internal_destination=None if job.internal_destination is None
            else job.internal_destination[0],
        )
        if job.demographic_noise:
            noise.step(state, rates, noise_streams(job.parameters.seed, first, count, t),
                       timing=job.scenario.migration_timing, safeguard=job.scenario.safeguard,
                       out=spare, flows=flows, workspace=workspace)
        elif job.engine == "fused":
            from projsim.fused import advance

            advance(state, rates, timing=job.scenario.migration_timing, out=spare,
                    workspace=workspace)
        else:
            kernel.step(state, rates, timing=job.scenario.migration_timing,
                        safeguard=job.scenario.safeguard, out=spare, record=False,
                        workspace=workspace)
        state, spare = spare, state
        record(t + 1, state)
    if running is not None:
        running.add_totals(totals)
        totals = None
    return ChunkResult(first=first, sums=sums, squares=squares, totals=totals, population=kept)


def _compiled_path(job: Job) -> bool:
    """Whether chunks run compiled, a block of draws at a time (:func:`_run_chunk_compiled`)."""
    return (job.engine == "fused" and job.keep == "summary" and not job.demographic_noise
            and (job.internal_destination is None or job.internal_destination[0].shape[0] == 1))


def _run_chunk_compiled(job: Job, first: int, count: int, running=None,
                        fed=None) -> ChunkResult:
    """:func:`run_chunk` for the fused engine and summaries, a block of draws per task.

    Each draw stays in cache through all the steps: its survival ratios are
    interpolated from the e0 grid, its fertility and migration built from its
    paths, and the block sums, squares and per-draw totals accumulated in
    compiled code (:func:`projsim._fused_loops.project_blocks`). Blocks of
    :data:`DRAWS_PER_SEED` draws run side by side on as many threads as
    numba is allowed (the compiled code releases the GIL), each drawing its
    own paths, and their results are taken in block order: fed to a
    ``running`` summary as they come, or gathered into the chunk's result.
    At most one block per thread waits to be fed, so memory does not grow
    with the chunk. ``fed``, if given, is called with the number of draws
    fed so far.
    """
    from projsim.fused import _compiled

    _compiled()                     # numba, or the InputError that says how to install it
    from numba import get_num_threads

    from projsim._fused_loops import project_blocks

    fixed = _compiled_inputs(job)
    dates, shape = len(job.steps) + 1, job.population.shape

    def one_block(block):
        start = block * DRAWS_PER_SEED
        size = min(DRAWS_PER_SEED, count - start)
        paths = draw_paths(job.scenario, job.parameters, job.regional_shares, job.steps,
                           first + start, size)
        e0 = np.ascontiguousarray(paths.e0, dtype=float)             # (draw, time, sex)
        levels = job.e0_grid
        outside = (e0.min(axis=(0, 2)) < levels[1]) | (e0.max(axis=(0, 2)) > levels[-2])
        if outside.any():        # the error of the first step off the grid, as run_chunk's
            check_on_grid(job, e0[:, np.flatnonzero(outside)[0]])
        sums = np.zeros((1, dates, *shape))
        squares = np.zeros_like(sums)
        totals = np.zeros((size, dates, shape[0], len(job.groups)))
        project_blocks(fixed["population"], fixed["grid"], fixed["level0"], fixed["spacing"],
                       e0, np.ascontiguousarray(paths.tfr / job.schedule_tfr),
                       fixed["schedule"], fixed["sex_ratio"],
                       np.ascontiguousarray(paths.net_migration, dtype=float), fixed["within"],
                       fixed["leave"], fixed["destination"], fixed["weights"], 1.0,
                       fixed["cuts"], fixed["members"], DRAWS_PER_SEED, sums, squares, totals)
        return sums, squares, totals

    n_blocks = -(-count // DRAWS_PER_SEED)
    results = _in_order(one_block, n_blocks, min(get_num_threads(), n_blocks))
    if running is None:
        sums, squares, totals = zip(*results)
        return ChunkResult(first=first, sums=np.concatenate(sums),
                           squares=np.concatenate(squares), totals=np.concatenate(totals),
                           population=None)
    done = 0
    for sums, squares, totals in results:
        running.add_blocks(sums, squares)
        running.add_totals(totals)
        done += len(totals)
        if fed:
            fed(done)
    return ChunkResult(first=first, sums=None, squares=None, totals=None, population=None)


def _in_order(function, count: int, threads: int):
    """Yield ``function(0) .. function(count - 1)`` in order, computed on ``threads`` threads.

    At most ``threads + 1`` calls are under way or waiting to be taken.
    """
    if threads <= 1:
        for index in range(count):
            yield function(index)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        pending = deque()
        for index in range(count):
            pending.append(pool.submit(function, index))
            if len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _compiled_inputs(job: Job) -> dict:
    """The arguments of :func:`projsim._fused_loops.project_blocks` shared by all draws."""
    from projsim.kernel import TIMING_WEIGHTS

    shape = job.population.shape
    if job.internal_rate is None:
        leave, destination = np.zeros((0, *shape)), np.zeros((0, 0))
    else:
        rate = np.asarray(job.internal_rate, dtype=float)
        leave = np.ascontiguousarray(np.broadcast_to(
            -np.expm1(-rate.reshape(len(rate), *rate.shape[-3:])), (len(rate), *shape)))
        destination = np.ascontiguousarray(job.internal_destination[0][0], dtype=float)
    cuts, members = _group_spans(job.groups)
    return {
        "population": np.ascontiguousarray(job.population, dtype=job.dtype),
        "grid": np.ascontiguousarray(job.survival_grid, dtype=float),
        "level0": float(job.e0_grid[0]), "spacing": float(job.e0_grid[1] - job.e0_grid[0]),
        "schedule": np.ascontiguousarray(np.broadcast_to(job.schedule, (shape[0], shape[2])),
                                         dtype=float),
        "sex_ratio": np.ascontiguousarray(job.sex_ratio_at_birth[0], dtype=float),
        "within": np.ascontiguousarray(job.within_region, dtype=float),
        "leave": leave, "destination": destination,
        "weights": np.array(TIMING_WEIGHTS[job.scenario.migration_timing]),
        "cuts": cuts, "members": members,
    }


def _group_spans(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Age groups (group, age; 0/1) as spans between cuts and the spans of each group.

    Returns the cuts (age indices where any group starts or stops, with 0
    and the number of ages) and ``members`` (group, span), 1 where span i,
    ages ``cuts[i]`` to ``cuts[i + 1] - 1``, belongs to the group.
    """
    edges = np.diff(groups, prepend=0, append=0, axis=1) != 0
    cuts = np.union1d(np.flatnonzero(edges.any(axis=0)), [0, groups.shape[1]])
    members = groups[:, cuts[:-1]].astype(float)
    return cuts.astype(np.int64), np.ascontiguousarray(members)


def chunks(draws: int, chunk: int) -> list[tuple[int, int]]:
    """(first, count) of every chunk; chunk sizes are multiples of the seed block."""
    if chunk < 1 or chunk % DRAWS_PER_SEED:
        raise InputError("argument 'chunk'", repr(chunk), f"a positive multiple of {DRAWS_PER_SEED}",
                         f"use for example {4 * DRAWS_PER_SEED} draws per chunk")
    if draws < 1:
        raise InputError("argument 'draws'", repr(draws), "at least 1 draw",
                         "ask for more draws")
    return [(first, min(chunk, draws - first)) for first in range(0, draws, chunk)]


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
        fused step from :data:`FUSED_FROM` draws when numba is installed.
    quantiles : {"auto", "exact", "histogram"}
        ``"exact"`` keeps every draw's regional totals (a few kB per draw);
        ``"histogram"`` counts them in :data:`HISTOGRAM_BINS` bins per
        quantity instead, so the memory does not grow with the draws, and
        interpolates the quantiles within a bin (see :class:`_Histogram`).
        ``"auto"`` (the default) is exact up to :data:`EXACT_UP_TO` draws.
    demographic_noise : bool, optional
        Draw each year's births, deaths and migrants by chance around their
        expected values (:mod:`projsim.noise`); by default the scenario's
        ``[uncertainty]`` ``demographic_noise``, else off. It runs the numpy
        engine.

    Returns
    -------
    xarray.Dataset
        ``population_mean`` and ``population_sd`` (time, region, sex, age),
        ``population_quantile`` (time, quantile, region, age_group),
        ``national_quantile`` (time, quantile, age_group), ``probability_above``
        (time, threshold), and with ``keep="draws"`` ``population`` (time,
        draw, region, sex, age). The attributes record the engine that ran
        and ``demographic_noise`` (1 or 0).
    """
    if quantiles not in ("auto", "exact", "histogram"):
        raise InputError("argument 'quantiles'", repr(quantiles),
                         "'auto', 'exact' or 'histogram'", "choose how the quantiles are computed")
    if quantiles == "auto":
        quantiles = "exact" if draws <= EXACT_UP_TO else "histogram"
    parameters = uncertainty(scenario.uncertainty, seed)
    if engine == "auto":
        large = draws >= FUSED_FROM and importlib.util.find_spec("numba") is not None
        engine = "fused" if large else "numpy"
    job = make_job(scenario, parameters, keep=keep, dtype=dtype, engine=engine,
                   demographic_noise=noise_on(scenario.uncertainty, demographic_noise))
    planned = chunks(draws, chunk)
    lazy = []
    running = _Running(job, thresholds, quantiles)
    population = [result.population for result in
                  _results_in_order(job, planned, client, progress, lazy, running)
                  if result.population is not None]
    dataset = running.dataset(draws, np.concatenate(population) if population else None, chunk)
    dataset.attrs["demographic_noise"] = int(job.demographic_noise)
    if job.demographic_noise:
        dataset.attrs["seeding"] += (f"; demographic noise of step t, flow k of projsim.noise."
                                     f"NOISY_FLOWS: SeedSequence(seed, spawn_key=(block, "
                                     f"{NOISE_STREAM}, t, k))")
    if lazy:
        dataset["population"] = (("time", "draw", "region", "sex", "age"),
                                 _lazy_population(lazy, job, planned),
                                 {"long_name": "population on 1 January", "units": "persons"})
        dataset = dataset.assign_coords(draw=np.arange(draws))
    return dataset


def _summary_part(result: ChunkResult) -> ChunkResult:
    """A chunk's result without its draws (the draws stay on the worker)."""
    return ChunkResult(result.first, result.sums, result.squares, result.totals, None)


def _draws_part(result: ChunkResult) -> np.ndarray:
    """A chunk's draws, (date, draw, region, sex, age), as float64."""
    return np.moveaxis(result.population, 0, 1).astype(float)


def _lazy_population(futures, job, planned):
    """The draws' populations as one dask array over the chunks left on the workers."""
    import dask
    import dask.array as da

    dates = len(job.steps) + 1
    pieces = [da.from_delayed(dask.delayed(_draws_part)(future),
                              shape=(dates, count, *job.population.shape), dtype=float)
              for future, (_, count) in zip(futures, planned)]
    return da.concatenate(pieces, axis=1)


def _results_in_order(job, planned, client, progress, lazy, running):
    """Yield chunk results in draw order, their summaries fed to ``running``.

    Local chunks feed the running summary as they go; a client's chunks
    return their blocks' sums and totals, which are fed to it here in the
    same order. On a client with ``keep="draws"`` the draws stay on the
    workers: only the summaries travel, and the chunks' futures are appended
    to ``lazy`` for a dask-backed population.
    """
    if client is None and _compiled_path(job):
        # one pipeline over every block of the run (no thread waits at the end of
        # a chunk); the chunks only pace the progress reports
        ends = np.cumsum([count for _, count in planned])
        reported = [0]

        def fed(draws_done):
            done = int(np.searchsorted(ends, draws_done, side="right"))
            if progress and done > reported[0]:
                reported[0] = done
                progress(done, len(planned))

        yield _run_chunk_compiled(job, 0, int(ends[-1]), running, fed)
        return
    if client is None:
        for done, (first, count) in enumerate(planned, start=1):
            yield run_chunk(job, first, count, running)
            if progress:
                progress(done, len(planned))
        return
    from dask.distributed import as_completed

    shared = client.scatter(job, broadcast=True)
    summaries = [client.submit(run_chunk, shared, first, count, pure=False)
                 for first, count in planned]
    if job.keep == "draws":         # the draws stay on the workers; only summaries travel
        lazy.extend(summaries)
        summaries = client.map(_summary_part, summaries, pure=False)
    waiting, following, done = {}, 0, 0
    for future in as_completed(summaries):
        result = future.result()
        waiting[result.first] = result
        done += 1
        if progress:
            progress(done, len(planned))
        while following < len(planned) and planned[following][0] in waiting:
            result = waiting.pop(planned[following][0])
            running.add_blocks(result.sums, result.squares)
            running.add_totals(result.totals)
            yield result
            following += 1


class _Running:
    """Streaming summaries of the draws, fed in draw order.

    The blocks' sums and squares are added to running totals in block order,
    so they take the same values whatever the chunking; each draw's totals
    by region and age group are kept (exact quantiles) or counted into a
    :class:`_Histogram`, and compared with the thresholds.
    """

    def __init__(self, job: Job, thresholds, method: QuantileMethod):
        self.job = job
        shape = (len(job.steps) + 1, *job.population.shape)
        self.sums, self.squares = np.zeros(shape), np.zeros(shape)
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.above = np.zeros((shape[0], self.thresholds.size))
        self.method = method
        self.totals: list[np.ndarray] = []
        self.histogram: _Histogram | None = None

    def add_blocks(self, sums: np.ndarray, squares: np.ndarray) -> None:
        """Add blocks' sums and squares (block, date, region, sex, age), in block order."""
        for block in range(sums.shape[0]):
            self.sums += sums[block]
            self.squares += squares[block]

    def add_totals(self, totals: np.ndarray) -> None:
        """Take the next draws' totals (draw, date, region, group).

        With the fused engine, once the histograms exist, the totals are
        counted in one compiled pass (:func:`projsim._fused_loops.count_totals`).
        """
        national = totals.sum(axis=2, keepdims=True)                  # (draw, date, 1, group)
        self.above += (national[:, :, 0, -1, None] > self.thresholds).sum(axis=0)
        if self.histogram is not None and self.job.engine == "fused":
            from projsim._fused_loops import count_totals

            self.histogram.outside += count_totals(np.ascontiguousarray(totals),
                                                   self.histogram.low, self.histogram.width,
                                                   self.histogram.counts)
            return
        values = np.concatenate([totals, national], axis=2)
        if self.method == "exact":
            self.totals.append(values)
        else:
            self.histogram = self.histogram or _Histogram(values[:DRAWS_PER_SEED])
            self.histogram.add(values, compiled=self.job.engine == "fused")

    def dataset(self, draws: int, population, chunk: int) -> xr.Dataset:
        """The labelled summaries of ``draws`` draws (and their populations, if kept)."""
        mean = self.sums / draws
        variance = np.maximum(self.squares - draws * mean * mean, 0.0) / max(draws - 1, 1)
        if self.method == "exact":
            by_quantity = np.moveaxis(np.concatenate(self.totals), 0, -1).copy()  # draws last
            found = np.quantile(by_quantity, QUANTILES, axis=-1)   # (quantile, date, R+1, G)
        else:
            found = self.histogram.quantiles(QUANTILES)
        dataset = _dataset(self.job, draws, mean, np.sqrt(variance), found[:, :, :-1],
                           found[:, :, -1], self.thresholds, self.above / draws, population,
                           chunk)
        dataset.attrs["quantile_method"] = self.method
        if self.histogram is not None:
            dataset.attrs["quantile_values_outside_bins"] = int(self.histogram.outside)
        return dataset


class _Histogram:
    """Streaming quantiles of many quantities: fixed bins, counts only.

    The bins of each quantity span four times the range of the first block
    of 64 draws around it, about 19 standard deviations (so they depend on
    the seed, never on the chunking); values outside fall in two end bins and
    are counted in ``outside``. A quantile is the value below which its share
    of the draws lies, interpolated linearly within its bin: it differs from
    ``numpy.quantile`` of the same draws by at most one bin (about 0.02
    standard deviations) plus the gap between neighbouring draws.
    """

    def __init__(self, pilot: np.ndarray):
        low, high = pilot.min(axis=0), pilot.max(axis=0)
        span = np.maximum(high - low, 1e-6 * np.maximum(np.abs(high), 1.0))
        self.low = low - 1.5 * span
        self.width = 4 * span / HISTOGRAM_BINS
        self.counts = np.zeros((*low.shape, HISTOGRAM_BINS + 2), dtype=np.int32)
        self.outside = 0

    def add(self, values: np.ndarray, compiled: bool = False) -> None:
        """Count values (draw, date, ...) into the bins of each quantity.

        numpy counts a date at a time; ``compiled`` counts in one pass of
        :func:`projsim._fused_loops.count_into` (numba), with the same counts.
        """
        if compiled:
            from projsim._fused_loops import count_into

            self.outside += count_into(np.ascontiguousarray(values), self.low, self.width,
                                       self.counts)
            return
        for date in range(values.shape[1]):
            self._add(date, values[:, date])

    def _add(self, date: int, values: np.ndarray) -> None:
        position = np.floor((values - self.low[date]) / self.width[date]).astype(np.int64) + 1
        bins = np.clip(position, 0, HISTOGRAM_BINS + 1)
        self.outside += int(np.count_nonzero((bins == 0) | (bins == HISTOGRAM_BINS + 1)))
        counts = self.counts[date]
        quantity = np.arange(self.low[date].size).reshape(self.low[date].shape)
        flat = (quantity * (HISTOGRAM_BINS + 2) + bins).ravel()
        counts += np.bincount(flat, minlength=counts.size).reshape(counts.shape).astype(
            counts.dtype, copy=False)

    def quantiles(self, levels) -> np.ndarray:
        """Quantiles (level, ...) interpolated within the bins, one date at a time."""
        return np.stack([self._quantiles(levels, self.counts[date], self.low[date],
                                         self.width[date])
                         for date in range(self.counts.shape[0])], axis=1)

    @staticmethod
    def _quantiles(levels, counts, low, width) -> np.ndarray:
        cumulative = np.cumsum(counts, axis=-1)
        total = cumulative[..., -1:]
        out = []
        for level in levels:
            rank = level * total
            index = np.argmax(cumulative >= rank, axis=-1)[..., None]
            inside = np.take_along_axis(counts, index, axis=-1)
            before = np.take_along_axis(cumulative, index, axis=-1) - inside
            fraction = np.where(inside > 0, (rank - before) / np.maximum(inside, 1), 0.5)
            edge = low[..., None] + (index - 1 + fraction) * width[..., None]
            out.append(edge[..., 0])
        return np.stack(out)


def _dataset(job, draws, mean, sd, quantiles, national, thresholds, above, population, chunk):
    years = np.append(job.steps, job.steps[-1] + 1)
    cell = ("time", "region", "sex", "age")
    variables = {
        "population_mean": (cell, mean, {"long_name": "mean population on 1 January over draws",
                                         "units": "persons"}),
        "population_sd": (cell, sd, {"long_name": "standard deviation over draws",
                                     "units": "persons"}),
        "population_quantile": (("quantile", "time", "region", "age_group"), quantiles,
                                {"long_name": "population by region and age group, quantiles "
                                              "over draws", "units": "persons"}),
        "national_quantile": (("quantile", "time", "age_group"), national,
                              {"long_name": "national population by age group, quantiles over "
                                            "draws", "units": "persons"}),
        "probability_above": (("time", "threshold"), above,
                              {"long_name": "probability that the national population exceeds "
                                            "the threshold", "units": "1"}),
    }
    if not thresholds.size:
        del variables["probability_above"]
    if population is not None:
        variables["population"] = (("draw", *cell), population.astype(float),
                                   {"long_name": "population on 1 January", "units": "persons"})
    coords = {"time": years, "region": list(job.regions), "sex": list(SEXES),
              "age": ("age", job.ages, {"open_age": int(job.ages[-1])}),
              "quantile": list(QUANTILES), "age_group": list(AGE_GROUPS)}
    if thresholds.size:
        coords["threshold"] = thresholds
    if population is not None:
        coords["draw"] = np.arange(draws)
    parameters = job.parameters
    attrs = {"projsim_version": engine_version(), "scenario": job.scenario.name,
             "sha256_scenario_file": job.scenario.sha256, "base": job.scenario.base,
             "migration_timing": job.scenario.migration_timing,
             "safeguard": job.scenario.safeguard, "draws": draws, "seed": parameters.seed,
             "seeding": f"numpy SeedSequence(seed, spawn_key=(block,)), {DRAWS_PER_SEED} draws "
                        "per block; results do not depend on the chunking",
             "engine": job.engine, "dtype": job.dtype, "chunk": chunk,
             **{f"uncertainty_{k}": v for k, v in vars(parameters).items() if k != "seed"}}
    dataset = xr.Dataset(variables, coords=coords, attrs=attrs)
    return dataset.transpose("time", ...) if population is None else \
        dataset.transpose("time", "draw", ...)
