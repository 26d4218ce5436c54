"""Chunks of draws as tasks on a ``dask.distributed`` client (imported lazily).

Each chunk is one task on the job scattered to every worker; results come
back in any order and are fed to the running summary in draw order, so a
distributed run gives the same summaries as a local one. Kept draws stay on
the workers as one dask array.
"""

from __future__ import annotations

import numpy as np

from projsim.stochastic.jobs import ChunkResult
from projsim.stochastic.runners import run_chunk


def _summary_part(result: ChunkResult) -> ChunkResult:
    """A chunk's result without its draws (the draws stay on the worker)."""
    return ChunkResult(result.first, result.sums, result.squares, result.totals, None)


def _draws_part(result: ChunkResult) -> np.ndarray:
    """A chunk's draws, (date, draw, state, sex, age), as float64."""
    return np.moveaxis(result.population, 0, 1).astype(float)


def lazy_population(futures, job, planned):
    """The draws' populations as one dask array over the chunks left on the workers."""
    import dask
    import dask.array as da

    dates = len(job.steps) + 1
    pieces = [da.from_delayed(dask.delayed(_draws_part)(future),
                              shape=(dates, count, *job.population.shape), dtype=float)
              for future, (_, count) in zip(futures, planned)]
    return da.concatenate(pieces, axis=1)


def results(job, planned, client, progress, lazy, running):
    """Yield a client's chunk results in draw order, their summaries fed to ``running``.

    The chunks run as tasks on the client and return their blocks' sums and
    totals, which are fed to the running summary here in draw order, so the
    summaries equal a local run's bit for bit. With ``keep="draws"`` the
    draws stay on the workers: only the summaries travel, and the chunks'
    futures are appended to ``lazy`` for a dask-backed population
    (:func:`lazy_population`).
    """
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


