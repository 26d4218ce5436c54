"""Benchmark stochastic ensembles (``projsim.stochastic.project_draws``) against this machine.

Run from the repository root::

    python benchmarks/bench_stochastic.py            # full run, 10-25 minutes, ~4 GB of memory
    python benchmarks/bench_stochastic.py --quick    # small sizes, one call each (CI smoke run)
    python benchmarks/bench_stochastic.py --product-state  # section 8 alone, full sizes

Every time is the median of ``--runs`` calls (5 by default) with the minimum
and the maximum, and every judged figure is a ratio of timings taken in the
same run, because the machines we run on are shared and their absolute
speed drifts:

1. memory-copy bandwidth of ``np.copyto(dst, src)`` on 1 GiB arrays, far
   beyond the last-level cache, counting the bytes read and written, before
   and after the projections (the bound uses the best copy, the strictest
   bound); and on arrays of one chunk's state (cache, for context);
2. ``project_draws`` on the reference scenario ``fpb-2013-regions`` with ages 0-120
   (3 regions x 2 sexes x 121 ages, 49 yearly steps), 10,000 draws,
   ``keep="summary"`` with the default quantiles (``"auto"``: histograms at
   10,000 draws), for chunks of 64 to 4,096 draws and with numba's threads
   at their default and at 1: time, cell-steps per second
   (draws x regions x sexes x ages x steps / time) and the ratio of the time
   to the memory bound ``2 x 8 bytes x cell-steps / DRAM copy bandwidth``
   (target: within 3x); the same with ``quantiles="exact"`` for contrast.
   One more call, under ``cProfile`` and not timed, splits the time into
   setup (``make_job``), drawing the paths (``draw_paths``), the kernel
   (the compiled ``blocks.project_blocks``, or ``fused.advance`` /
   ``engine.step`` on the year-by-year path), the summaries
   (``Running.add_totals`` and ``add_blocks``, or the ``record`` closure of
   the year-by-year path) and the rest (rates, casts, quantiles, Dataset);
   cProfile sees only the main thread, so the split of the compiled path is
   shown for its 1-thread runs;
3. the same figures for 1,000 draws on a synthetic base of 43 regions with
   internal migration (each Belgian region split into 14 or 15 equal
   parts), against its roofline: the larger of the memory bound and the
   dense 43 x 43 destination product (2 x 43 flops per cell-step) at the
   best matrix-multiply rate measured here over several shapes (target:
   within 2x);
4. peak memory (tracemalloc, and the resident set's peak, each run in a
   fresh process) of ``keep="summary"`` with streaming (``"histogram"``)
   quantiles for two numbers of draws and two chunk sizes, of exact
   quantiles and of ``keep="draws"`` for contrast, against the size of one
   chunk's state (target: the streaming peak does not grow with the draws
   and stays within 2x one chunk's state), and what that peak holds,
   computed from the job;
5. scaling: time against the number of draws (100 to 100,000) and against
   the number of regions (3 and 43), with a least-squares fit; and (5c) the
   numpy and fused engines side by side in process on ``fpb-2013`` (what
   ``projsim run --draws N`` runs) around the engine threshold
   the engine ``choose_engine`` picks, each N flagged where the engine chosen is the slower;
6. ``dask.distributed``: a local cluster of 2 single-threaded worker
   processes against one process on the same draws (a chunk that keeps only
   summaries is one task);
7. ``dtype="float32"`` against float64 (both on the compiled path): time,
   and the largest relative differences of national totals and of cells
   after 49 years (from ``keep="draws"`` runs, the year-by-year path);
8. the product state: ``fpb-2013`` (3 regions x 2 nationalities, what
   ``projsim run`` runs) against ``fpb-2013-regions`` (the same hypotheses on
   3 regions), both with the base's 111 ages, 10,000 draws, calls
   interleaved: the time of each, the ratio of the two run by run, and the
   same ratio per cell-step (twice the states should cost about twice the
   time, no more).

A ratio that misses its target prints ``MISS``; that is a measurement, not
an error, and the script exits 0 unless something crashes.
``benchmarks/README.md`` ("Stochastic ensembles") explains the figures and
records those of a full run.

By default the script removes ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE``
from its environment before numpy loads OpenBLAS (see ``bench_kernel.py``:
they slow down the 43 x 43 matrix product of internal migration);
``--keep-openblas-env`` keeps them.
"""

from __future__ import annotations

import os
import sys

from benchlib import (  # noqa: E402  (first: it clears OpenBLAS overrides before numpy)
    BOUND_COPY_BYTES, OPENBLAS_OVERRIDES, RUNS, Spread, copy_bandwidths, interleaved,
    matmul_rates, peak_rss_bytes, print_machine, print_table, ratios,
)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import dataclasses  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import numpy as np  # noqa: E402

try:
    from projsim import stochastic as ensemble
except ImportError:  # a plain checkout: use the source tree next to this file
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from projsim import stochastic as ensemble
from projsim.io import load_base, load_scenario, write_base_netcdf  # noqa: E402
from projsim.model.base import Base, with_open_age  # noqa: E402
from projsim.model.states import StateSpace  # noqa: E402
from projsim.types import REGION  # noqa: E402
from projsim.stochastic import DRAWS_PER_SEED, parameters_of  # noqa: E402

HAVE_NUMBA = importlib.util.find_spec("numba") is not None
HAVE_DASK = importlib.util.find_spec("distributed") is not None
ENGINE = "fused" if HAVE_NUMBA else "numpy"
if HAVE_NUMBA:
    import numba  # noqa: E402

    DEFAULT_THREADS = numba.config.NUMBA_NUM_THREADS
else:
    DEFAULT_THREADS = 1

#: Ratio target of (time) / (memory-bound time) of a stochastic run.
TARGET_RATIO = 3.0
#: Streaming (keep="summary") peak memory target, in states of one chunk.
TARGET_PEAK_CHUNKS = 2.0
#: Above this predicted time [s] the scaling stops at FALLBACK_DRAWS.
LONGEST_SCALING_RUN = 180.0
FALLBACK_DRAWS = 30_000
BYTES_PER_CELL = 8  # the bound counts float64 cells, whatever the state's dtype
REFERENCE = "fpb-2013-regions"
#: What ``projsim run`` runs without a scenario: the FPB 2013 reference by region and
#: nationality (sections 5c and 8).
CLI_DEFAULT = "fpb-2013"
OPEN_AGE = 120
#: Parts of each Belgian region (Brussels, Flanders, Wallonia) in the 43-region base.
PARTS = (14, 14, 15)
#: Environment of the dask workers: one thread each for numba, BLAS and OpenMP,
#: so that 2 workers use the 2 cores that numba's threads use in one process.
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


class Sizes(NamedTuple):
    """Problem sizes of one run (full or ``--quick``)."""

    draws: int  # section 2, reference scenario
    chunks: tuple[int, ...]
    draws_43: int  # section 3, 43 regions
    chunks_43: tuple[int, ...]
    memory_draws: tuple[int, int]  # section 4
    memory_chunks: tuple[int, ...]
    scaling_draws: tuple[int, ...]  # section 5
    dask_draws: int  # section 6
    dask_chunk: int
    float32_draws: int  # section 7
    engine_draws: tuple[int, ...]  # section 5c
    copy_bytes: int  # the bound's copy arrays [bytes]
    copy_repeats: int
    matmul_repeats: int
    repeats: int  # calls behind each timed figure


FULL = Sizes(10_000, (64, 256, 1024, 4096), 1000, (64, 256, 1024), (1000, 4000), (256, 1024),
             (100, 1000, 10_000, 100_000), 4000, 512, 1000, (64, 256, 1024, 2047, 2048, 4096),
             BOUND_COPY_BYTES, 7, 7, RUNS)
QUICK = Sizes(256, (64, 256), 64, (64,), (128, 512), (256,), (64, 128, 256), 256, 64, 64,
              (64, 128), 2**24, 3, 2, 1)


# --- inputs -------------------------------------------------------------------------------


def write_scenario(folder: Path, name: str, lines: list[str]) -> Path:
    """Write a scenario file extending the reference scenario; return its path."""
    path = folder / f"{name}.toml"
    path.write_text("\n".join([f'name = "{name}"', f'extends = "{REFERENCE}"', *lines]) + "\n")
    return path


def split_regions(base: Base, parts: tuple[int, ...]) -> Base:
    """A base whose region ``r`` is split into ``parts[r]`` equal, identical parts.

    Persons and net migrants are divided equally among the parts; death,
    fertility and internal out-migration rates are the region's. An
    out-migrant of a part of region ``r`` goes to region ``s != r`` with the
    base's share ``D[r, s]``, spread equally over the parts of ``s``:
    ``D43[i, j] = D[r(i), r(j)] / parts[r(j)]``, zero between parts of one
    region (the base's own diagonal). Rows still sum to 1, and summed over
    parts a deterministic projection equals the base's.

    Parameters
    ----------
    base : Base
        A base with internal migration.
    parts : tuple of int
        Number of parts of each region.

    Returns
    -------
    Base
    """
    owner = np.repeat(np.arange(len(parts)), parts)
    divisor = np.asarray(parts, dtype=float)[owner]
    labels = tuple(f"{base.regions[r]} {i + 1}" for r, n in enumerate(parts) for i in range(n))
    destination = base.internal_migration_destination[owner][:, owner] / divisor[None, :]
    return dataclasses.replace(
        base, name=f"{base.name}-{len(owner)}-regions", states=StateSpace.of({REGION: labels}),
        population=base.population[owner] / divisor[:, None, None],
        mortality_rate=base.mortality_rate[owner], fertility_rate=base.fertility_rate[owner],
        net_migration=base.net_migration[owner] / divisor[:, None, None],
        internal_migration_rate=base.internal_migration_rate[owner],
        internal_migration_destination=destination, immigrant_profile=None)


def make_scenarios(folder: Path):
    """The 121-age reference scenario and the 43-region scenario, written in ``folder``.

    The reference is ``fpb-2013-regions`` with ``open_age = 120``. If
    ``project_draws`` cannot label such a run, the same inputs come from a base
    file whose open age is already 120 (``with_open_age`` of
    belgium-2012-regions, the function the
    scenario key calls), and a note says so.

    Returns
    -------
    reference, regions_43 : Scenario
    note : str
        How the reference's 121 ages were obtained.
    """
    wide = with_open_age(load_base("belgium-2012-regions"), OPEN_AGE)
    keyed = load_scenario(write_scenario(folder, f"{REFERENCE}-open-{OPEN_AGE}",
                                         [f"open_age = {OPEN_AGE}"]))
    try:
        ensemble.project_draws(keyed, 64, chunk=64, engine="numpy")
        reference, note = keyed, f"scenario key open_age = {OPEN_AGE}"
    except ValueError as error:
        write_base_netcdf(wide, folder / "belgium-2012-open-120.nc")
        reference = load_scenario(write_scenario(
            folder, f"{REFERENCE}-base-120", ['base = "belgium-2012-open-120.nc"']))
        same = _same_chunk(keyed, reference)
        note = (f"project_draws fails with open_age = {OPEN_AGE} ({str(error)[:70]}...); "
                f"ran on a netCDF base with open age {OPEN_AGE} instead "
                f"(run_chunk results {'identical' if same else 'DIFFERENT'})")
    write_base_netcdf(split_regions(wide, PARTS), folder / "belgium-2012-43.nc")
    regions_43 = load_scenario(write_scenario(folder, f"{REFERENCE}-43-regions",
                                              ['base = "belgium-2012-43.nc"']))
    return reference, regions_43, note


def _same_chunk(first, second) -> bool:
    """Whether one chunk of 64 draws of two scenarios gives identical summaries."""
    results = [ensemble.run_chunk(ensemble.make_job(s, parameters_of(s), engine="numpy"),
                                  0, 64) for s in (first, second)]
    return bool(np.array_equal(results[0].sums, results[1].sums))


# --- measurements -------------------------------------------------------------------------


def set_threads(threads: int) -> None:
    """Set numba's thread count for the parallel loops that follow."""
    if HAVE_NUMBA:
        numba.set_num_threads(threads)


class Run(NamedTuple):
    """``project_draws`` timed over :data:`REPEATS` calls."""

    seconds: float  # the median
    spread: Spread
    cell_steps: int
    split: dict  # label -> share of one more, profiled call, times the median [s]
    dataset: object


#: Calls behind every timed figure (``--runs``; at least 5 in a full run).
REPEATS = RUNS


#: Pieces of a run timed by cProfile: label -> (file, function) pairs whose cumulative
#: times add up. The compiled path (fused engine, keep="summary") runs ``project_blocks``
#: and feeds ``_Running``; the year-by-year path (numpy engine, keep="draws") runs
#: ``fused.advance`` or ``kernel.step`` and the ``record`` closure of ``run_chunk``.
#: cProfile sees a numba dispatcher's call under its Python function's name, but only
#: in the main thread: with more than one thread the compiled path draws the paths and
#: projects the blocks on worker threads, so its split is only shown for 1 thread.
PIECES = {
    "setup": (("jobs.py", "make_job"),),
    "paths": (("paths.py", "draw_paths"),),
    "kernel": (("blocks.py", "project_blocks"), ("fused.py", "advance"), ("step.py", "step")),
    "summaries": (("summaries.py", "add_totals"), ("summaries.py", "add_blocks"),
                  ("runners.py", "record")),
}
SPLIT_COLUMNS = ("setup", "paths", "kernel", "summaries", "rest")


def cumulative_times(profile: cProfile.Profile) -> dict:
    """Cumulative seconds of each of :data:`PIECES` (0 when not called)."""
    stats = pstats.Stats(profile).stats
    return {label: sum(entry[3] for (file, _, name), entry in stats.items()
                       if (os.path.basename(file), name) in functions)
            for label, functions in PIECES.items()}


#: Timed runs by (scenario, draws, chunk, threads), reused by later sections.
KNOWN_RUNS: dict = {}


def known_or_timed(scenario, draws, chunk, threads, quantiles="auto"):
    """A ``keep="summary"`` float64 run already timed with these sizes, or a new one."""
    key = (scenario.name, draws, chunk, threads, quantiles)
    if key not in KNOWN_RUNS:
        KNOWN_RUNS[key] = timed_run(scenario, draws, chunk, threads, quantiles=quantiles)
    return KNOWN_RUNS[key]


def fastest_of(runs):
    """The run with the shortest median time."""
    return min(runs, key=lambda run: run.seconds)


def timed_run(scenario, draws, chunk, threads, *, keep="summary", dtype="float64", client=None,
              quantiles="auto"):
    """``project_draws`` timed :data:`REPEATS` times, and the split of one more,
    profiled call into :data:`SPLIT_COLUMNS` (not timed: cProfile slows it).

    ``rest`` is everything outside the four :data:`PIECES`: the compiled
    path's fixed inputs and casts (or the year-by-year path's survival
    ratios and other rates), the quantiles from the totals or histograms and
    the Dataset. The split is scaled to the median time.
    """
    set_threads(threads)

    def call():
        return ensemble.project_draws(scenario, draws, chunk=chunk, keep=keep, dtype=dtype,
                                      engine=ENGINE, client=client, quantiles=quantiles)

    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        dataset = call()
        times.append(time.perf_counter() - start)
    spread = Spread.of(times)
    split = {}
    threaded = ENGINE == "fused" and keep == "summary" and threads > 1
    if client is None and not threaded:
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.enable()
        call()
        profile.disable()
        profiled = time.perf_counter() - start
        split = cumulative_times(profile)
        split["rest"] = max(profiled - sum(split.values()), 0.0)
        split = {k: v / profiled * spread.median for k, v in split.items()}
    set_threads(DEFAULT_THREADS)
    cell_steps = draws * dataset.sizes["region"] * dataset.sizes["sex"] * dataset.sizes["age"] \
        * (dataset.sizes["time"] - 1)
    return Run(spread.median, spread, cell_steps, split, dataset)


def memory_probe(spec: str) -> None:
    """Child process of section 4: print the peak memory of one run as JSON.

    tracemalloc counts the bytes Python and numpy allocate during the run;
    the resident-set peak (Linux ``VmHWM``, reset just before the run through
    ``/proc/self/clear_refs``) also counts the interpreter, the libraries and
    numba's code. ``ru_maxrss`` is not used: Linux carries the parent's peak
    into a child across ``fork`` and ``exec``.
    """
    options = json.loads(spec)
    scenario = load_scenario(options["scenario"])
    for quantiles in ("exact", "histogram"):  # load numba's code first
        ensemble.project_draws(scenario, 64, chunk=64, engine=ENGINE, quantiles=quantiles)
    make_job, setup = ensemble.make_job, {}

    def make_job_then_reset_peak(*arguments, **options):
        job = make_job(*arguments, **options)
        setup["peak"] = tracemalloc.get_traced_memory()[1]  # make_job's peak; from here
        tracemalloc.reset_peak()                              # on it is the chunks'
        return job

    ensemble.make_job = make_job_then_reset_peak
    before = resident_bytes()
    reset = reset_resident_peak()
    tracemalloc.start()
    ensemble.project_draws(scenario, options["draws"], chunk=options["chunk"],
                           keep=options["keep"], engine=ENGINE, quantiles=options["quantiles"])
    streaming = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"setup": setup.get("peak"), "streaming": streaming,
                      "tracemalloc": max(setup.get("peak", 0), streaming),
                      "resident_before": before,
                      "resident_peak": resident_bytes("VmHWM") if reset else None}))


def resident_bytes(field: str = "VmRSS") -> int:
    """This process's resident set (``VmRSS``) or its peak (``VmHWM``) [bytes].

    Falls back to ``ru_maxrss`` where ``/proc`` is missing.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return peak_rss_bytes()


def reset_resident_peak() -> bool:
    """Reset ``VmHWM`` to the current resident set (Linux); whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def probe_memory(scenario_path: Path, draws: int, chunk: int, keep: str, quantiles: str) -> dict:
    """Run :func:`memory_probe` in a fresh process (so that its resident set is its own)."""
    spec = json.dumps({"scenario": str(scenario_path), "draws": draws, "chunk": chunk,
                       "keep": keep, "quantiles": quantiles})
    done = subprocess.run([sys.executable, __file__, "--memory-probe", spec], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- printing -----------------------------------------------------------------------------


def verdict(value, target) -> str:
    """PASS when a figure is within its target, else MISS."""
    return "PASS" if value <= target else "MISS"


STARTED = time.perf_counter()


def load() -> str:
    """Elapsed time and the 1-minute load average (how busy the shared machine is)."""
    return (f"[{time.perf_counter() - STARTED:.0f} s elapsed; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs]")


def throughput_rows(runs, bandwidth, label=""):
    """Table rows of timed runs keyed by (threads, chunk): time, rates, ratio, split."""
    rows = []
    for (threads, chunk), run in runs.items():
        bound = 2 * BYTES_PER_CELL * run.cell_steps / bandwidth
        ratio = run.seconds / bound
        kernel = run.split.get("kernel", 0.0)
        ratios = run.spread.scaled(1 / bound)
        rows.append([
            f"{threads} thread{'s' if threads > 1 else ''}, chunk {chunk}{label}",
            run.spread.text(), f"{run.cell_steps / run.seconds:.3g}",
            f"{ratio:.1f}x ({ratios.minimum:.1f}-{ratios.maximum:.1f})",
            verdict(ratio, TARGET_RATIO),
            f"{run.cell_steps / kernel:.3g}" if kernel else "n/a",
            " ".join(f"{100 * run.split[c] / run.seconds:3.0f}" for c in SPLIT_COLUMNS)
            if run.split else "n/a",
        ])
    return rows


THROUGHPUT_HEADER = ["threads, chunk", "s, median (min-max)", "cell-steps/s", "ratio to bound",
                     f"<= {TARGET_RATIO:.0f}x",
                     "kernel-only cell-steps/s",
                     "% " + " ".join(c[:4].rjust(3) for c in SPLIT_COLUMNS)]


def describe_environment(args):
    """Print the machine and what else the figures depend on: threads, engine, OpenBLAS."""
    print_machine("projsim stochastic-ensemble benchmark" + (" (--quick)" if args.quick else ""))
    numba_text = f"numba {DEFAULT_THREADS} threads by default" if HAVE_NUMBA \
        else "no numba (numpy engine)"
    print(f"  {numba_text}; engine {ENGINE}; every time is the median (min-max) of {REPEATS} "
          f"calls; {load()}")


# --- sections -----------------------------------------------------------------------------


def sweep(scenario, draws, chunks):
    """Time ``draws`` for each chunk size at the default and at 1 numba thread."""
    thread_counts = sorted({DEFAULT_THREADS, 1}, reverse=True)
    return {(threads, chunk): known_or_timed(scenario, draws, chunk, threads)
            for threads in thread_counts for chunk in chunks}


def print_sweep(title, runs, bandwidth):
    """Print a sweep's table and its fastest configuration; return that (threads, chunk)."""
    print_table(title, THROUGHPUT_HEADER, throughput_rows(runs, bandwidth))
    fastest = min(runs, key=lambda key: runs[key].seconds)
    print(f"fastest: {fastest[0]} thread(s), chunk {fastest[1]}")
    return fastest


def streaming_parts(job, chunk: int, threads: int) -> dict:
    """What a streaming (``quantiles="histogram"``) run holds at once [bytes], from the job.

    Locally the compiled path runs every block of
    :data:`~projsim.stochastic.DRAWS_PER_SEED` draws through one pipeline of
    ``threads`` threads, with at most ``threads + 1`` blocks under way or
    waiting to be fed: each block's paths, sums and squares and totals. Then
    the running sums and squares and the histogram counts of the whole run,
    and the job's survival grid. None of it depends on the number of draws,
    nor on the chunk.
    """
    dates, steps = len(job.steps) + 1, len(job.steps)
    regions, groups, cells = job.population.shape[0], len(job.groups), job.population.size
    blocks = threads + 1 if threads > 1 else 1
    draws = blocks * DRAWS_PER_SEED
    sexes = job.population.shape[1]
    return {
        "survival grid": job.survival_grid.nbytes,
        f"histogram counts (int32, {dates} dates x {regions + 1} x {groups} groups x "
        f"{ensemble.HISTOGRAM_BINS + 2} bins)":
            dates * (regions + 1) * groups * (ensemble.HISTOGRAM_BINS + 2) * 4,
        "running sums and squares": 2 * dates * cells * 8,
        f"sums and squares of {blocks} block(s) in flight": 2 * blocks * dates * cells * 8,
        f"their paths ({draws} draws)": draws * steps * (sexes + 1 + regions) * 8,
        f"their totals ({draws} draws)": draws * dates * regions * groups * 8,
    }


#: The 43-region ensemble's target: its time within this many rooflines.
ROOFLINE_TARGET = 2.0


def roofline(job, runs, bandwidth, repeats):
    """Print the 43-region ensemble against its roofline.

    Internal migration adds, for every cell-step, ``2 x regions`` flops (a
    multiply and an add for each destination of a dense matrix), so the run
    is held to the larger of two times: the memory bound (the state read and
    written once per step at the best DRAM copy's speed) and the flops of
    the destination product at the best matrix-multiply rate measured on
    this machine, over several shapes (one draw's product, a block's, 64
    draws stacked, square DGEMMs), the fastest of them all. (A first
    multithreaded OpenBLAS call on a block's 43 x 15,488 moves has run at
    4 GFLOP/s here while later ones ran at 120: every shape is timed after an
    untimed call.)
    """
    destination = np.ascontiguousarray(job.move_destination[0, 0, 0], dtype=float)
    regions = destination.shape[0]
    columns = job.population[0].size
    block = DRAWS_PER_SEED * columns
    shapes = {
        f"one draw's product ({regions} x {regions} @ {regions} x {columns})":
            (regions, regions, columns, 1),
        f"a block's, 64 draws side by side ({regions} x {regions} @ {regions} x {block:,})":
            (regions, regions, block, 1),
        f"64 draws stacked (64 x {regions} x {regions} @ {regions} x {columns})":
            (regions, regions, columns, DRAWS_PER_SEED),
        "DGEMM 1,024 x 1,024": (1024, 1024, 1024, 1),
        "DGEMM 2,048 x 2,048": (2048, 2048, 2048, 1),
    }
    rates = matmul_rates(shapes, repeats)
    best_shape, best = max(rates.items(), key=lambda item: item[1].maximum)
    print_table(f"3, roofline: numpy.matmul rates, GFLOP/s, median (min-max) of {repeats} timings "
                f"(threads: OpenBLAS's default)", ["shape", "GFLOP/s"],
                [[name, rate.text(scale=1e-9)] for name, rate in rates.items()])
    run = fastest_of(runs.values())
    steps = len(job.steps)
    memory = 2 * BYTES_PER_CELL * run.cell_steps / bandwidth
    flops = 2 * regions * run.cell_steps
    compute = flops / best.maximum
    roof = max(memory, compute)
    ratio = run.spread.scaled(1 / roof)
    nonzero = np.count_nonzero(destination)
    print(f"roofline of {run.cell_steps // (steps * job.population.size):,} draws x "
          f"{job.population.size:,} cells x {steps} steps: memory {memory:.3f} s (2 x 8 bytes "
          f"per cell-step at {bandwidth / 1e9:.1f} GB/s); the destination product "
          f"{flops / 1e9:.1f} GFLOP (2 x {regions} per cell-step) at the best rate measured, "
          f"{best.maximum / 1e9:.0f} GFLOP/s ({best_shape}), {compute:.3f} s; the roofline is "
          f"the larger, {roof:.3f} s ({'compute' if compute >= memory else 'memory'}-bound)")
    print(f"the fastest configuration, {run.spread.text(' s')}, is {ratio.median:.1f}x the "
          f"roofline ({ratio.minimum:.1f}-{ratio.maximum:.1f}): target <= "
          f"{ROOFLINE_TARGET:.0f}x: {verdict(ratio.median, ROOFLINE_TARGET)}; "
          f"{run.seconds / memory:.1f}x the memory bound alone")
    print(f"the compiled loop skips the zero shares ({regions * regions - nonzero:,} of "
          f"{regions * regions:,}, between parts of one region), so it does "
          f"{nonzero / regions:.1f} of the {regions} multiply-adds per cell-step; the roofline "
          f"counts the dense product")


def memory_section(sizes, scenario_path, job):
    """Section 4: peak memory of streaming, exact and keep='draws' runs in fresh processes.

    Streaming summaries (``quantiles="histogram"``) run with every chunk of
    ``sizes.memory_chunks``; exact quantiles and ``keep="draws"`` with the
    first, for contrast. The probes run two at a time (each in its own
    process, so their peaks are their own).
    """
    from concurrent.futures import ThreadPoolExecutor

    cells = job.population.size
    first_chunk = sizes.memory_chunks[0]
    cases = [("summary", "histogram", chunk, draws) for chunk in sizes.memory_chunks
             for draws in sizes.memory_draws]
    cases += [(keep, quantiles, first_chunk, draws)
              for keep, quantiles in (("summary", "exact"), ("draws", "auto"))
              for draws in sizes.memory_draws]
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda case: probe_memory(scenario_path, case[3], case[2], case[0],
                                                   case[1]), cases)
        peaks = dict(zip(cases, found))

    def megabytes(value):
        return "n/a" if value is None else f"{value / 1e6:.0f}"

    rows = [[f"keep={keep!r}, {quantiles}, chunk {chunk}, {draws:,} draws",
             f"{p['tracemalloc'] / 1e6:.1f}", megabytes(p["setup"]),
             f"{p['streaming'] / 1e6:.1f}",
             f"{p['streaming'] / (chunk * cells * BYTES_PER_CELL):.1f}x",
             megabytes(p["resident_before"]), megabytes(p["resident_peak"]),
             megabytes(p["resident_peak"] and p["resident_peak"] - p["resident_before"])]
            for (keep, quantiles, chunk, draws), p in peaks.items()]
    states = ", ".join(f"{c} draws {c * cells * BYTES_PER_CELL / 1e6:.2f} MB"
                       for c in sizes.memory_chunks)
    print_table(f"4. Peak memory, each run in a fresh process (one chunk's state = chunk x "
                f"{cells} cells x 8 bytes: {states}); {DEFAULT_THREADS} numba thread(s)",
                ["run", "tracemalloc peak MB", "of make_job", "after make_job",
                 "/ chunk state", "RSS before MB", "RSS peak MB", "growth MB"], rows)
    print("'after make_job' is the peak from the first chunk to the end, make_job's arrays "
          "(the survival grid) included; it is the streaming peak judged below")
    few, many = sizes.memory_draws
    for chunk in sizes.memory_chunks:
        state = chunk * cells * BYTES_PER_CELL
        small, large = (peaks["summary", "histogram", chunk, d]["streaming"] for d in (few, many))
        growth = large / small
        print(f"streaming (histogram) peak, chunk {chunk}: {small / 1e6:.1f} MB at {few:,} "
              f"draws, {large / 1e6:.1f} MB at {many:,}: {growth:.2f}x, independent of the "
              f"draws (<= 1.10x): {verdict(growth, 1.10)}; {large / state:.1f}x one chunk's "
              f"state ({state / 1e6:.2f} MB): target <= {TARGET_PEAK_CHUNKS:.0f}x: "
              f"{verdict(large / state, TARGET_PEAK_CHUNKS)}")
    fixed = max(peaks["summary", "histogram", c, d]["streaming"]
                for c in sizes.memory_chunks for d in sizes.memory_draws)
    print(f"fixed overhead of streaming summaries (the largest of these peaks, whatever the "
          f"draws and the chunk): {fixed / 1e6:.1f} MB")
    small, large = (peaks["summary", "exact", first_chunk, d]["streaming"] for d in (few, many))
    print(f"exact quantiles, chunk {first_chunk}, for contrast: {small / 1e6:.1f} MB at {few:,} "
          f"draws, {large / 1e6:.1f} MB at {many:,}: {large / small:.2f}x, "
          f"{(large - small) / (many - few):,.0f} bytes per extra draw (each draw's totals "
          f"by region and group, kept and copied when concatenated)")
    held: dict = {}  # the same parts for every chunk of at least `threads` blocks
    for chunk in sizes.memory_chunks:
        parts = streaming_parts(job, chunk, DEFAULT_THREADS)
        held.setdefault(tuple(parts.items()), []).append(str(chunk))
    for parts, chunks_held in held.items():
        listed = "; ".join(f"{name} {size / 1e6:.2f} MB" for name, size in parts)
        print(f"what the streaming peak holds at chunk {' and '.join(chunks_held)} "
              f"({DEFAULT_THREADS} thread(s)), from the job: {listed}; in all "
              f"{sum(size for _, size in parts) / 1e6:.1f} MB")
    return peaks


def linear_fit(draws, seconds):
    """Least-squares ``seconds = fixed + per_draw x draws`` and the log-log exponent."""
    x, y = np.asarray(draws, dtype=float), np.asarray(seconds)
    per_draw, fixed = np.polyfit(x, y, 1)
    large = x >= 1000 if (x >= 1000).sum() >= 2 else np.ones_like(x, dtype=bool)
    exponent = np.polyfit(np.log(x[large]), np.log(y[large]), 1)[0]
    return fixed, per_draw, exponent, (fixed + per_draw * x - y) / y


def scaling_section(sizes, reference, regions_43, threads, chunk):
    """Section 5: time against draws (3 regions) and against regions (1,000 draws)."""
    points = list(sizes.scaling_draws)
    runs = {}
    for draws in points:
        if draws == points[-1] and len(points) > 1 and draws > FALLBACK_DRAWS:
            previous = points[-2]
            predicted = runs[previous].seconds * draws / previous
            if predicted > LONGEST_SCALING_RUN:
                print(f"\n{draws:,} draws would take about {predicted:.0f} s (> "
                      f"{LONGEST_SCALING_RUN:.0f} s): stopping at {FALLBACK_DRAWS:,} draws")
                draws = FALLBACK_DRAWS
        runs[draws] = known_or_timed(reference, draws, chunk, threads, quantiles="histogram")
    seconds = [r.seconds for r in runs.values()]
    fixed, per_draw, exponent, residuals = linear_fit(list(runs), seconds)
    print_table(f"5a. Time against draws, reference scenario, chunk {chunk}, {threads} thread(s), "
                f"quantiles='histogram' at every size (one method throughout)",
                ["draws", "s, median (min-max)", "ms per draw", "cell-steps/s", "fit residual",
                 "quantiles"],
                [[f"{d:,}", r.spread.text(), f"{1e3 * r.seconds / d:.3f}",
                  f"{r.cell_steps / r.seconds:.3g}", f"{100 * e:+.0f} %",
                  r.dataset.attrs.get("quantile_method", "?")]
                 for (d, r), e in zip(runs.items(), residuals)])
    print(f"least squares: {fixed:.2f} s + {1e3 * per_draw:.3f} ms per draw; log-log exponent "
          f"over >= 1,000 draws {exponent:.2f} (below 1 while the fixed cost still counts)")
    sizes_run = sorted(runs)
    if len(sizes_run) >= 3:
        (a, b, c) = sizes_run[-3:]
        early = (runs[b].seconds - runs[a].seconds) / (b - a)
        late = (runs[c].seconds - runs[b].seconds) / (c - b)
        print(f"marginal cost per draw, {a:,} to {b:,} draws: {1e3 * early:.3f} ms; {b:,} to "
              f"{c:,}: {1e3 * late:.3f} ms; ratio {late / early:.2f}: "
              f"{'linear' if 0.9 <= late / early <= 1.1 else 'NOT linear'} (within 0.9-1.1)")

    draws = sizes.draws_43
    by_regions = {3: known_or_timed(reference, draws, chunk, threads),
                  43: known_or_timed(regions_43, draws, chunk, threads)}
    rows = [[f"{regions} regions", r.spread.text(), f"{1e9 * r.seconds / r.cell_steps:.2f}",
             f"{1e9 * r.split['kernel'] / r.cell_steps:.2f}" if r.split else "n/a"]
            for regions, r in by_regions.items()]
    print_table(f"5b. Time against regions, {draws:,} draws, chunk {chunk}, {threads} thread(s)",
                ["", "s", "ns per cell-step", "kernel ns per cell-step"], rows)
    ratio = by_regions[43].seconds / by_regions[3].seconds
    print(f"43 / 3 regions: time {ratio:.1f}x for {43 / 3:.1f}x the cells; per cell-step "
          f"{ratio / (43 / 3):.2f}x (1 is linear in regions; internal migration adds a "
          f"43 x 43 product per draw, quadratic in regions)")
    return runs


def engine_section(sizes):
    """Section 5c: the two engines in process on the CLI's default scenario, by draws.

    ``projsim run --draws N`` runs ``fpb-2013`` (111 ages) with the engine
    :func:`projsim.stochastic.choose_engine` picks; here both engines run
    every N in this process, numba's code loaded beforehand, so the figures
    are the engines' own costs, without a process's fixed costs
    (``bench_process.py`` times those).
    """
    if not HAVE_NUMBA:
        print("\n5c. numba not installed: one engine only, skipped")
        return
    scenario = load_scenario(CLI_DEFAULT)
    for engine in ("numpy", "fused"):  # load numba's code outside the timings
        ensemble.project_draws(scenario, 64, chunk=64, engine=engine)
    rows, times = [], {}
    for draws in sizes.engine_draws:
        chosen = ensemble.choose_engine("auto", draws, scenario, noise=False)
        for engine in ("numpy", "fused"):
            calls = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                ensemble.project_draws(scenario, draws, engine=engine)
                calls.append(time.perf_counter() - start)
            times[draws, engine] = Spread.of(calls)
        numpy_time, fused_time = times[draws, "numpy"], times[draws, "fused"]
        faster = "numpy" if numpy_time.median < fused_time.median else "fused"
        rows.append([f"{draws:,}", numpy_time.text(" s"), fused_time.text(" s"),
                     f"{numpy_time.median / fused_time.median:.1f}x", chosen,
                     "" if chosen == faster else "WRONG"])
    print_table(f"5c. The engines in process, {CLI_DEFAULT} (as projsim run --draws N), numba "
                f"loaded, default chunk and threads, median (min-max) of {REPEATS}",
                ["draws", "numpy engine", "fused engine", "numpy / fused",
                 "chosen (choose_engine, code loaded)", ""], rows)
    for engine in ("numpy", "fused"):
        x = np.array(sizes.engine_draws, dtype=float)
        y = np.array([times[int(d), engine].median for d in x])
        per_draw, fixed = np.polyfit(x, y, 1)
        print(f"{engine}: {fixed:.3f} s + {1e3 * per_draw:.4f} ms per draw (least squares)")


def nationality_section(sizes, threads: int, chunk: int) -> None:
    """Section 8: 3 regions x 2 nationalities against 3 regions, in one run.

    Both scenarios state the FPB 2013 hypotheses; ``fpb-2013`` adds
    nationality, gross immigration, emigration rates and naturalisation.
    Their calls alternate, so the ratio of the two is measured run by run
    under the same load. Cell-steps count every state (region x
    nationality), sex and age over the projected years.
    """
    scenarios = {name: load_scenario(name) for name in (REFERENCE, CLI_DEFAULT)}
    engines = {name: ensemble.choose_engine("auto", sizes.draws, scenario, noise=False)
               for name, scenario in scenarios.items()}
    cells = {}
    for name, scenario in scenarios.items():
        job = ensemble.make_job(scenario, parameters_of(scenario), engine=ENGINE)
        cells[name] = job.population.size * len(job.steps) * sizes.draws
    set_threads(threads)
    walls = interleaved({name: (lambda s=scenario: ensemble.project_draws(
        s, sizes.draws, chunk=chunk)) for name, scenario in scenarios.items()},
        REPEATS, warmup=1)
    rows = []
    for name in scenarios:
        spread = Spread.of(walls[name])
        rows.append([name, engines[name], f"{cells[name]:.3g}", spread.text(" s"),
                     spread.inverse(cells[name]).text(digits=2)])
    print_table(f"8. The product state: {sizes.draws:,} draws, chunk {chunk}, {threads} "
                f"thread(s), keep='summary', median (min-max) of {REPEATS}",
                ["scenario", "engine", "cell-steps", "time", "cell-steps/s"], rows)
    ratio = ratios(walls[CLI_DEFAULT], walls[REFERENCE])
    per_cell = ratio.scaled(cells[REFERENCE] / cells[CLI_DEFAULT])
    print(f"{CLI_DEFAULT} / {REFERENCE}, run by run: time {ratio.text('x', digits=2)}; "
          f"per cell-step {per_cell.text('x', digits=2)}")


def dask_section(sizes, reference):
    """Section 6: a local cluster of 2 single-threaded processes against one process.

    The workers get ``WORKER_ENV`` through ``distributed.nanny.pre-spawn-environ``
    (set before the worker process starts; the Nanny's ``env`` argument comes
    too late for numba, which would run 2 threads in each worker), once with
    dask's own ``MALLOC_TRIM_THRESHOLD_=65536`` and once without it. A chunk
    that keeps only summaries runs as one task, which returns its blocks'
    sums and its draws' totals; this process adds them in draw order.
    """
    import logging

    import dask
    from distributed import Client, LocalCluster

    draws, chunk = sizes.dask_draws, sizes.dask_chunk
    single = {threads: known_or_timed(reference, draws, chunk, threads)
              for threads in sorted({DEFAULT_THREADS, 1}, reverse=True)}
    dask_environ = dask.config.get("distributed.nanny.pre-spawn-environ")
    variants = {
        "dask defaults": {**dask_environ, **WORKER_ENV},
        "without MALLOC_TRIM_THRESHOLD_": {k: v for k, v in {**dask_environ, **WORKER_ENV}.items()
                                           if k != "MALLOC_TRIM_THRESHOLD_"},
    }
    distributed, started = {}, []
    saved_environ = dict(os.environ)
    for name, environ in variants.items():
        start = time.perf_counter()
        try:
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), \
                    LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None,
                                 silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                started.append(time.perf_counter() - start)
                ensemble.project_draws(reference, 2 * chunk, chunk=chunk, engine=ENGINE,
                                       client=client)
                distributed[name] = timed_run(reference, draws, chunk, DEFAULT_THREADS,
                                              client=client)
        finally:  # the Nanny writes the pre-spawn variables into our environment, and the
            os.environ.clear()  # next cluster's workers would inherit them
            os.environ.update(saved_environ)
    baseline = min(r.seconds for r in single.values())
    rows = [[f"one process, numba {t} thread(s)" if HAVE_NUMBA else "one process",
             r.spread.text(),
             f"{r.cell_steps / r.seconds:.3g}", f"{baseline / r.seconds:.2f}"]
            for t, r in single.items()]
    rows += [[f"dask, 2 processes x 1 thread, {name}", r.spread.text(),
              f"{r.cell_steps / r.seconds:.3g}", f"{baseline / r.seconds:.2f}"]
             for name, r in distributed.items()]
    workers = ", ".join(f"{k}={v}" for k, v in WORKER_ENV.items())
    print_table(f"6. dask.distributed against one process, {draws:,} draws, chunk {chunk} "
                f"(one task per chunk), median (min-max) of {REPEATS}, engine {ENGINE}; workers: {workers}",
                ["", "s", "cell-steps/s", "speed-up over the faster single process"], rows)
    difference = max(float(np.abs(r.dataset.population_mean
                                  - single[max(single)].dataset.population_mean).max())
                     for r in distributed.values())
    print(f"cluster start {max(started):.1f} s or less and a warm-up of {2 * chunk} draws, not "
          f"counted; largest difference of population_mean, dask against one process: "
          f"{difference:g}")


def float32_section(sizes, reference, threads, chunk, steps):
    """Section 7: float32 state against float64, time and accuracy after 49 years."""
    draws = sizes.float32_draws
    timed = {dtype: timed_run(reference, draws, chunk, threads, dtype=dtype)
             for dtype in ("float64", "float32")}
    seconds = {dtype: run.seconds for dtype, run in timed.items()}
    final = {dtype: timed_run(reference, draws, chunk, threads, keep="draws",
                              dtype=dtype).dataset.population.isel(time=-1).values
             for dtype in ("float64", "float32")}
    exact, single = final["float64"], final["float32"]
    national = np.abs(single.sum(axis=(1, 2, 3)) / exact.sum(axis=(1, 2, 3)) - 1).max()
    counted = exact >= 1.0
    cells = (np.abs(single - exact)[counted] / exact[counted]).max()
    print_table(f"7. float32 state against float64, {draws:,} draws, chunk {chunk}, "
                f"{threads} thread(s), median (min-max) of {REPEATS}, keep='summary' (both on "
                f"the compiled path)", ["dtype", "s", "ratio of medians"],
                [[d, timed[d].spread.text(), f"{s / seconds['float64']:.2f}"]
                 for d, s in seconds.items()])
    print(f"after {steps} years: largest "
          f"relative difference of a draw's national total {national:.2e}; of a cell with at "
          f"least 1 person {cells:.2e}; largest absolute difference of a cell "
          f"{np.abs(single - exact).max():.3g} persons")


# --- main ---------------------------------------------------------------------------------


def main(argv=None):
    """Run the eight measurements and print their tables; return the exit code 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes for a smoke run (under a minute)")
    parser.add_argument("--keep-openblas-env", action="store_true",
                        help=f"keep {' and '.join(OPENBLAS_OVERRIDES)} if they are set")
    parser.add_argument("--product-state", action="store_true",
                        help="section 8 only (region x nationality against regions)")
    parser.add_argument("--memory-probe", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int,
                        help=f"calls behind each timed figure (default {RUNS}, 1 with --quick)")
    args = parser.parse_args(argv)
    if args.memory_probe:
        memory_probe(args.memory_probe)
        return 0
    sizes = QUICK if args.quick else FULL
    global REPEATS
    REPEATS = args.runs or sizes.repeats
    describe_environment(args)
    if args.product_state:
        if HAVE_NUMBA:  # load the compiled loops outside the timings
            ensemble.project_draws(load_scenario(CLI_DEFAULT), 64, chunk=64, engine=ENGINE)
        nationality_section(sizes, DEFAULT_THREADS, min(sizes.chunks[-1], 1024))
        print(load())
        return 0

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        reference, regions_43, note = make_scenarios(folder)
        job = ensemble.make_job(reference, parameters_of(reference), engine=ENGINE)
        start = time.perf_counter()
        job_43 = ensemble.make_job(regions_43, parameters_of(regions_43), engine=ENGINE)
        setup_43 = time.perf_counter() - start
        regions, sexes, ages = job.population.shape
        print(load())
        print(f"reference: {REFERENCE}, {regions} regions x {sexes} sexes x {ages} ages x "
              f"{len(job.steps)} steps; {ages} ages: {note}")
        print(f"43 regions: {' + '.join(map(str, PARTS))} equal parts of the 3 regions, "
              f"internal migration {job_43.population.shape[0]} x {job_43.population.shape[0]}; "
              f"its make_job takes {setup_43:.1f} s (survival grid "
              f"{job_43.survival_grid.nbytes / 1e6:.0f} MB)")
        if HAVE_NUMBA:  # load the compiled loops (float64 and float32) outside the timings
            for dtype in ("float64", "float32"):
                ensemble.project_draws(reference, 64, chunk=64, engine=ENGINE, dtype=dtype)
            print(f"numba threading layer: {numba.threading_layer()}")

        # 1. copy bandwidth, measured again after the projections
        dram_bytes = sizes.copy_bytes
        chunk_bytes = sorted({c * job.population.size * BYTES_PER_CELL for c in sizes.chunks})
        bandwidth = {n: Spread.of(copy_bandwidths(n, sizes.copy_repeats))
                     for n in [*chunk_bytes, dram_bytes]}

        # 2. and 3. throughput
        runs = sweep(reference, sizes.draws, sizes.chunks)
        runs_43 = sweep(regions_43, sizes.draws_43, sizes.chunks_43)
        after = Spread.of(copy_bandwidths(dram_bytes, sizes.copy_repeats))
        rows = [[f"{n / 1e6:.2f} MB (a chunk's state: cache, for context)",
                 bw.text(scale=1e-9)] for n, bw in bandwidth.items() if n != dram_bytes]
        rows += [[f"{dram_bytes / 2**30:.3g} GiB (DRAM), before the runs",
                  bandwidth[dram_bytes].text(scale=1e-9)],
                 [f"{dram_bytes / 2**30:.3g} GiB (DRAM), after the runs",
                  after.text(scale=1e-9)]]
        print_table(f"1. Memory-copy bandwidth, np.copyto, {sizes.copy_repeats} copies each, "
                    "(read + write bytes) / time", ["array size", "GB/s"], rows)
        dram = max(bandwidth[dram_bytes].maximum, after.maximum)
        print(f"the memory bound uses {dram / 1e9:.1f} GB/s, the best DRAM copy (the strictest "
              f"bound): {TARGET_RATIO:.0f}x the bound is "
              f"{dram / (2 * BYTES_PER_CELL) / TARGET_RATIO:.3g} cell-steps/s")
        print("split columns (one more call, profiled, 1 thread only): % of the time in "
              "make_job (setup), draw_paths, the kernel (project_blocks), the summaries "
              "(Running.add_totals + add_blocks) and the rest (inputs, casts, quantiles, "
              "Dataset)")
        auto = "histogram" if sizes.draws > ensemble.EXACT_UP_TO else "exact"
        threads, chunk = print_sweep(
            f"2. project_draws, {REFERENCE} with 121 ages, {sizes.draws:,} draws, "
            f"keep='summary', quantiles='auto' (= {auto!r} at {sizes.draws:,} draws)", runs, dram)
        exact = timed_run(reference, sizes.draws, chunk, threads, quantiles="exact")
        print_table("2, for contrast: the fastest configuration with quantiles='exact'",
                    THROUGHPUT_HEADER,
                    throughput_rows({(threads, chunk): exact}, dram, ", exact"))
        slower = exact.seconds / runs[threads, chunk].seconds
        print(f"exact against 'auto' ({auto}): {slower:.2f}x the time")
        print_sweep(f"3. project_draws, 43 regions with internal migration, "
                    f"{sizes.draws_43:,} draws, keep='summary', quantiles='auto' (= "
                    f"{'histogram' if sizes.draws_43 > ensemble.EXACT_UP_TO else 'exact'!r})",
                    runs_43, dram)
        roofline(job_43, runs_43, dram, sizes.matmul_repeats)
        print(load())

        # 4. memory
        memory_section(sizes, folder / f"{reference.name}.toml", job)
        print(load())

        # 5. scaling, with the fastest configuration of section 2
        scaling_section(sizes, reference, regions_43, threads, chunk)
        engine_section(sizes)

        print(load())

        # 6. dask
        if HAVE_DASK:
            dask_section(sizes, reference)
        else:
            print("\n6. dask.distributed not installed: skipped")

        # 7. float32
        float32_section(sizes, reference, threads, min(chunk, 1024), len(job.steps))
        print(load())

        # 8. region x nationality against regions
        nationality_section(sizes, threads, chunk)
        print(load())
    print(f"\nprocess peak resident set (ru_maxrss) {peak_rss_bytes() / 1e9:.2f} GB; {load()}")
    if args.quick:
        print("--quick: small sizes where fixed costs dominate; the figures say nothing about "
              "a full run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
