"""Running a chunk of draws: the numpy step year by year, or whole draws compiled.

:func:`run_chunk` projects the draws ``first .. first + count - 1`` of a
:class:`~projsim.stochastic.jobs.Job` and adds them to the block sums and
totals of the summaries: with the numpy step (or the fused compiled step)
for the whole chunk a year at a time, or, with the fused engine and
summaries only, each draw through all the years in compiled code
(:mod:`projsim.engine.compiled.blocks`), blocks of draws on threads.
"""

from __future__ import annotations

import numpy as np

from projsim import engine
from projsim.engine import noise
from projsim.engine.compiled import load
from projsim.stochastic.jobs import ChunkResult, Job, check_on_grid, survival_for
from projsim.stochastic.paths import DRAWS_PER_SEED, draw_paths, noise_streams


def run_chunk(job: Job, first: int, count: int, running=None) -> ChunkResult:
    """Project draws ``first .. first + count - 1`` and summarise them.

    The only loop is over years: each year's survival ratios, fertility and
    migration are built for the whole chunk, then the chunk advances. With
    the fused engine and ``keep="summary"`` (float64 or float32 state), the
    whole chunk runs in compiled calls instead (:func:`_run_chunk_compiled`),
    with the same results up to rounding. With demographic noise each year's
    births, deaths and migrants are drawn around the numpy step's flows
    (:func:`projsim.engine.noise.step`).

    Without ``running`` the result holds the sums and squares of each block
    of :data:`DRAWS_PER_SEED` draws and every draw's totals. With a
    :class:`~projsim.stochastic.summaries.Running` summary (the chunks of one process, in draw order), the
    chunk feeds them to it as it goes instead and returns only its draws (if
    kept): the summary adds them in the same order, so the results are the
    same bit for bit, and the chunk never holds all its blocks' sums.
    """
    dtype = np.dtype(job.dtype)
    if _compiled_path(job):
        return _run_chunk_compiled(job, first, count, running)
    paths = draw_paths(job.scenario, job.parameters, job.spread, job.steps, first, count)
    fertility_factor = paths.tfr / job.schedule_tfr                          # (draw, time)
    state = np.ascontiguousarray(np.broadcast_to(job.population, (count, *job.population.shape)),
                                 dtype=dtype)
    spare = np.empty_like(state)
    workspace = engine.Workspace()
    moving = engine.Rates(None, None, None, move_rate=job.move_rate)
    flows = engine.empty_flows(state.shape, moving) if job.demographic_noise else None
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
        move_rate = None if job.move_rate is None \
            else job.move_rate[min(t, len(job.move_rate) - 1)]
        gross = job.emigration_rate is not None
        emigration_rate = None if not gross \
            else job.emigration_rate[min(t, len(job.emigration_rate) - 1)][None]
        emigrants = None
        if job.balance is not None:       # the emigrants come back as immigrants
            emigrants = (state * -np.expm1(-emigration_rate)).sum(axis=(1, 2, 3))
        migrants = migrants_of(job, paths, t, emigrants).astype(dtype, copy=False)
        rates = engine.Rates(
            survival=survival_for(job, paths.e0[:, t]).astype(dtype, copy=False),
            fertility_rate=(fertility_factor[:, t, None, None] * job.schedule).astype(
                dtype, copy=False),
            sex_ratio_at_birth=job.sex_ratio_at_birth,
            net_migration=None if gross else migrants,
            immigration=migrants if gross else None,
            emigration_rate=emigration_rate,
            move_rate=None if move_rate is None else move_rate.astype(dtype, copy=False),
            move_destination=None if job.move_destination is None else job.move_destination[0],
            birth_destination=None if job.birth_destination is None
            else job.birth_destination[None],
        )
        if job.demographic_noise:
            streams = noise_streams(job.parameters.seed, first, count, t,
                                    moves=engine.moves_of(rates))
            noise.step(state, rates, streams,
                       timing=job.scenario.migration_timing, safeguard=job.scenario.safeguard,
                       out=spare, flows=flows, workspace=workspace)
        elif job.engine == "fused":
            load("fused").advance(state, rates, timing=job.scenario.migration_timing,
                                  out=spare, workspace=workspace)
        else:
            engine.step(state, rates, timing=job.scenario.migration_timing,
                        safeguard=job.scenario.safeguard, out=spare, record=False,
                        workspace=workspace)
        state, spare = spare, state
        record(t + 1, state)
    if running is not None:
        running.add_totals(totals)
        totals = None
    return ChunkResult(first=first, sums=sums, squares=squares, totals=totals, population=kept)


def migrants_of(job: Job, paths, t: int, emigrants: np.ndarray | None = None) -> np.ndarray:
    """The migrants (draw, state, sex, age) of step ``t``: the path's and the draws' deviations
    [persons per year].

    Each state's deviation is spread over sex and age like its turnover
    (``job.within``). With a net total balanced by immigrants, ``emigrants``
    (draw,) of the step come back as as many immigrants, shared like the
    path's.
    """
    by_state = paths.migration_deviation[:, t]                         # (draw, state)
    if emigrants is not None:
        by_state = by_state + emigrants[:, None] * job.balance[min(t, len(job.balance) - 1)]
    path = job.path_migrants[min(t, len(job.path_migrants) - 1)]
    return path + by_state[:, :, None, None] * job.within


def _compiled_path(job: Job) -> bool:
    """Whether chunks run compiled, a block of draws at a time (:func:`_run_chunk_compiled`)."""
    return (job.engine == "fused" and job.keep == "summary" and not job.demographic_noise
            and (job.move_destination is None or job.move_destination.shape[1] == 1))


def _run_chunk_compiled(job: Job, first: int, count: int, running=None,
                        fed=None) -> ChunkResult:
    """:func:`run_chunk` for the fused engine and summaries, a block of draws per task.

    Each draw stays in cache through all the steps: its survival ratios are
    interpolated from the e0 grid, its fertility and migration built from its
    paths, and the block sums, squares and per-draw totals accumulated in
    compiled code (:func:`projsim.engine.compiled.blocks.project_blocks`). Blocks of
    :data:`DRAWS_PER_SEED` draws run side by side on as many threads as
    numba is allowed (the compiled code releases the GIL), each drawing its
    own paths, and their results are taken in block order: fed to a
    ``running`` summary as they come, or gathered into the chunk's result.
    At most one block per thread waits to be fed, so memory does not grow
    with the chunk. ``fed``, if given, is called with the number of draws
    fed so far.
    """
    project_blocks = load("blocks").project_blocks   # numba, or the error that says how to install it
    from numba import get_num_threads

    fixed = _compiled_inputs(job)
    dates, shape = len(job.steps) + 1, job.population.shape

    def one_block(block):
        start = block * DRAWS_PER_SEED
        size = min(DRAWS_PER_SEED, count - start)
        paths = draw_paths(job.scenario, job.parameters, job.spread, job.steps,
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
                       np.ascontiguousarray(paths.migration_deviation, dtype=float),
                       fixed["path_migrants"], fixed["within"],
                       fixed["emigration"], fixed["balance"], fixed["birth_destination"],
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
    """The arguments of :func:`projsim.engine.compiled.blocks.project_blocks` shared by all draws."""
    shape = job.population.shape
    if job.move_rate is None:
        leave, destination = np.zeros((0, 0, *shape)), np.zeros((0, 0, 0))
    else:
        rate = np.asarray(job.move_rate, dtype=float)                 # (time, 1, move, ...)
        moves = rate.shape[-4]
        leave = np.ascontiguousarray(np.broadcast_to(
            -np.expm1(-rate.reshape(len(rate), moves, *rate.shape[-3:])),
            (len(rate), moves, *shape)))
        destination = np.ascontiguousarray(job.move_destination[0][0], dtype=float)
    cuts, members = _group_spans(job.groups)
    return {
        "population": np.ascontiguousarray(job.population, dtype=job.dtype),
        "grid": np.ascontiguousarray(job.survival_grid, dtype=float),
        "level0": float(job.e0_grid[0]), "spacing": float(job.e0_grid[1] - job.e0_grid[0]),
        "schedule": np.ascontiguousarray(np.broadcast_to(job.schedule, (shape[0], shape[2])),
                                         dtype=float),
        "sex_ratio": np.ascontiguousarray(job.sex_ratio_at_birth[0], dtype=float),
        "path_migrants": np.ascontiguousarray(job.path_migrants, dtype=float),
        "within": np.ascontiguousarray(job.within, dtype=float),
        "emigration": np.zeros((1, 0, 0, 0)) if job.emigration_rate is None
        else np.ascontiguousarray(-np.expm1(-job.emigration_rate)),
        "balance": np.zeros((1, 0)) if job.balance is None
        else np.ascontiguousarray(job.balance, dtype=float),
        "birth_destination": np.zeros((0, 0)) if job.birth_destination is None
        else np.ascontiguousarray(job.birth_destination, dtype=float),
        "leave": leave, "destination": destination,
        "weights": np.array(engine.TIMING_WEIGHTS[job.scenario.migration_timing]),
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




def local_results(job: Job, planned, progress, running):
    """Yield the chunks' results in draw order in this process, fed to ``running``.

    On the compiled path one pipeline runs every block of the run (no thread
    waits at the end of a chunk); the chunks only pace the progress reports.
    """
    if _compiled_path(job):
        ends = np.cumsum([count for _, count in planned])
        reported = [0]

        def fed(draws_done):
            done = int(np.searchsorted(ends, draws_done, side="right"))
            if progress and done > reported[0]:
                reported[0] = done
                progress(done, len(planned))

        yield _run_chunk_compiled(job, 0, int(ends[-1]), running, fed)
        return
    for done, (first, count) in enumerate(planned, start=1):
        yield run_chunk(job, first, count, running)
        if progress:
            progress(done, len(planned))
