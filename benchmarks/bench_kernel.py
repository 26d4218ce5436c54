"""Benchmark the cohort-component kernel against this machine's memory bandwidth.

Run from the repository root::

    python benchmarks/bench_kernel.py            # full run, about a minute, 2.5 GB of memory
    python benchmarks/bench_kernel.py --quick    # tiny sizes, a few seconds (CI smoke run)

Every figure that is judged is a ratio of two timings taken in the same run,
because the machines we run on are shared and their absolute speed drifts:

1. memory-copy bandwidth: the best of several ``np.copyto(dst, src)`` on
   arrays of 10 MB to the size of the state, counting the bytes read and
   written [bytes/s];
2. :func:`projsim.kernel.step` looped over time on a state of
   ``batch x state x sex x age`` cells, (a) with births, mortality and net
   international migration, (b) the same plus internal migration between
   states, each timed against the memory bound
   ``2 x 8 bytes x cells / copy bandwidth``, the time a step would take if it
   only read and wrote the population once; plus the peak memory of the loop
   relative to the state;
3. the overhead of :func:`projsim.kernel.project` (validation and the storage
   of every step's flows) over the bare loop of ``step`` on a smaller state;
4. the time of one single-population projection, 131 ages x 2 sexes x 100
   years.

A ratio above its target prints ``MISS``; that is a measurement, not an
error, and the script exits 0 unless something crashes. ``benchmarks/README.md``
explains how to read the table and records the figures of past runs.

By default the script removes ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE``
from its own environment before numpy loads OpenBLAS, so that OpenBLAS picks
the kernels of the CPU it runs on (they change the speed of the matrix
products in internal migration); ``--keep-openblas-env`` keeps them.
"""

from __future__ import annotations

import os
import sys

from benchlib import (  # noqa: E402  (first: it clears OpenBLAS overrides before numpy)
    OPENBLAS_OVERRIDES, REMOVED_OPENBLAS_ENV, copy_bandwidth, peak_rss_bytes, print_table,
)

import argparse  # noqa: E402
import datetime  # noqa: E402
import importlib.util  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import numpy as np  # noqa: E402

try:
    from projsim import engine as kernel
except ImportError:  # a plain checkout: use the source tree next to this file
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from projsim import engine as kernel

HAVE_NUMBA = importlib.util.find_spec("numba") is not None
if HAVE_NUMBA:
    import numba  # noqa: E402

    from projsim.engine.compiled import fused  # noqa: E402

    FUSED_THREADS = numba.get_num_threads()

#: Ratio targets of (measured time per step) / (memory-bound time per step).
TARGETS = {"a": 3.0, "b": 6.0}
BYTES_PER_CELL = np.dtype(np.float64).itemsize


class Sizes(NamedTuple):
    """Problem sizes of one run (full or ``--quick``)."""

    shape: tuple[int, int, int, int]  # (batch, state, sex, age) of the big state
    steps: int  # timed steps of the big state
    warmup: int  # untimed steps before them
    copy_megabytes: tuple[int, ...]  # array sizes of the copy benchmark [MB]
    copy_repeats: int
    project_shape: tuple[int, int, int, int]  # state of the project-overhead test
    project_steps: int
    single_shape: tuple[int, int, int, int]  # one population
    single_years: int
    single_repeats: int


FULL = Sizes((1000, 43, 2, 121), 50, 2, (10, 20, 40, 80), 7, (10, 43, 2, 121), 50,
             (1, 1, 2, 131), 100, 20)
QUICK = Sizes((4, 43, 2, 121), 5, 1, (1, 4), 3, (2, 5, 2, 121), 5, (1, 1, 2, 131), 100, 3)


def synthetic_rates(shape, *, internal, seed=0):
    """Realistic constant rates with a time axis of length 1, and a start population.

    The rates vary by state, sex and age but not by batch, so they are small
    next to the population and the step's memory traffic is the state's.

    Parameters
    ----------
    shape : tuple of int
        ``(batch, state, sex, age)`` of the population.
    internal : bool
        Include internal migration (rates and a ``state x state`` destination
        matrix).
    seed : int
        Seed of the local random generator.

    Returns
    -------
    population : ndarray, (batch, state, sex, age)
        Start population [persons], decreasing with age.
    rates : projsim.kernel.Rates
        Rates with a leading time axis of length 1.
    """
    rng = np.random.default_rng(seed)
    batch, states, sexes, ages = shape
    age = np.arange(ages, dtype=float)
    # Gompertz death probabilities with an infant term; survival ratios ~0.99 at adult ages
    death_probability = np.minimum(0.004 * np.exp(-age) + 5e-5 * np.exp(0.095 * age), 0.6)
    survival = np.broadcast_to(1.0 - death_probability, (1, 1, states, sexes, ages)).copy()
    survival[..., -1] = 0.55  # open age group T(omega) / T(omega - 1)
    fertile = (age >= 15) & (age < 50)
    schedule = np.where(fertile, np.exp(-0.5 * ((age - 30.0) / 6.0) ** 2), 0.0)
    total_fertility = rng.uniform(1.3, 2.0, size=(1, 1, states, 1))
    fertility_rate = total_fertility * schedule / schedule.sum()
    sex_ratio_at_birth = np.full((1, 1, states), 1.05)
    level = rng.uniform(200.0, 2000.0, size=(batch, states, 1, 1))
    population = level * np.exp(-0.012 * age) * rng.uniform(0.9, 1.1, size=shape)
    migration_age = np.exp(-0.5 * ((age - 28.0) / 8.0) ** 2)
    net_migration = rng.normal(0.0, 2.0, size=(1, 1, states, sexes, 1)) * migration_age
    rates = kernel.Rates(survival, fertility_rate, sex_ratio_at_birth, net_migration=net_migration)
    if internal:
        move_rate = np.broadcast_to(0.005 + 0.03 * migration_age, (1, 1, 1, states, sexes, ages))
        destination = rng.uniform(size=(1, 1, 1, states, states))
        destination[..., np.arange(states), np.arange(states)] = 0.0
        destination /= destination.sum(axis=-1, keepdims=True)
        rates = rates._replace(move_rate=move_rate.copy(), move_destination=destination)
    return population, rates


def at_time(rates, t=0):
    """The rates of step ``t`` without the time axis (the slicing ``project`` does)."""
    return kernel.Rates(*(None if a is None else a[min(t, a.shape[0] - 1)] for a in rates))


class LoopTiming(NamedTuple):
    """Timings of a loop of ``kernel.step`` [s per step] and its CPU split."""

    first: float  # first (cold) step, excluded from the statistics
    mean: float
    best: float
    worst: float
    system_share: float  # system CPU time / total CPU time (page faults of new arrays)
    minor_faults: float  # per timed step


def step_loop(population, rates, steps, record, on_step=None):
    """Loop a step as a big-batch run does: two population buffers used in turn,
    one workspace, and (with ``record=True``) one set of flow arrays overwritten
    at every step. ``record="fused"`` loops :func:`projsim.fused.advance`."""
    rates_t = at_time(rates)
    state, spare = population.copy(), np.empty_like(population)
    workspace = kernel.Workspace()
    flows = kernel.empty_flows(population.shape, rates_t) if record is True else None
    for i in range(steps):
        start = time.perf_counter()
        if record == "fused":
            fused.advance(state, rates_t, out=spare, workspace=workspace)
        else:
            kernel.step(state, rates_t, out=spare, flows=flows, record=record,
                        workspace=workspace)
        state, spare = spare, state
        if on_step is not None:
            on_step(i, time.perf_counter() - start)
    return state


def time_step_loop(population, rates, sizes, record):
    """Timings of :func:`step_loop` on the big state."""
    durations = []
    usage_before = {}

    def on_step(i, seconds):
        if i == sizes.warmup - 1:
            usage_before["usage"] = resource.getrusage(resource.RUSAGE_SELF)
        durations.append(seconds)

    step_loop(population, rates, sizes.warmup + sizes.steps, record, on_step)
    usage_before = usage_before["usage"]
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    user = usage_after.ru_utime - usage_before.ru_utime
    system = usage_after.ru_stime - usage_before.ru_stime
    timed = durations[sizes.warmup:]
    return LoopTiming(
        first=durations[0],
        mean=statistics.fmean(timed),
        best=min(timed),
        worst=max(timed),
        system_share=system / max(user + system, 1e-12),
        minor_faults=(usage_after.ru_minflt - usage_before.ru_minflt) / len(timed),
    )


def peak_memory_of(run):
    """Peak bytes allocated while ``run()`` executes, by tracemalloc."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def step_loop_peak(population, rates, record, steps=2):
    """Peak memory of two steps of the loop, the state's own copies included."""
    return peak_memory_of(lambda: step_loop(population, rates, steps, record))


def best_time(run, repeats):
    """Best wall time of ``run()`` over ``repeats`` calls [s]."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def describe_environment(args):
    """Print what the figures depend on: versions, CPU count and OpenBLAS settings."""
    print(f"projsim kernel benchmark, {datetime.date.today().isoformat()}"
          f"{' (--quick)' if args.quick else ''}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    if REMOVED_OPENBLAS_ENV:
        removed = ", ".join(f"{k}={v}" for k, v in REMOVED_OPENBLAS_ENV.items())
        print(f"removed from this process's environment before loading numpy: {removed}")
    kept = {k: os.environ[k] for k in OPENBLAS_OVERRIDES if k in os.environ}
    if kept:
        print("in effect: " + ", ".join(f"{k}={v}" for k, v in kept.items()))
    if importlib.util.find_spec("threadpoolctl") is not None:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            print(f"thread pool: {pool.get('internal_api')} {pool.get('architecture', '')} "
                  f"{pool.get('num_threads')} threads")
    else:
        print("threadpoolctl not installed: BLAS thread pool not reported")


def main(argv=None):
    """Run the four measurements and print their tables; return the exit code 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes for a smoke run (a few seconds)")
    parser.add_argument("--keep-openblas-env", action="store_true",
                        help=f"keep {' and '.join(OPENBLAS_OVERRIDES)} if they are set")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    describe_environment(args)

    batch, states, sexes, ages = sizes.shape
    cells = batch * states * sexes * ages
    state_bytes = cells * BYTES_PER_CELL
    problems = {
        "a": ("births + mortality + net international migration",
              synthetic_rates(sizes.shape, internal=False)),
        "b": ("(a) + internal migration 43x43" if states == 43 else "(a) + internal migration",
              synthetic_rates(sizes.shape, internal=True)),
    }

    # 1. copy bandwidth; the state-sized figure is measured again after the kernel
    copy_sizes = sorted({mb * 10**6 for mb in sizes.copy_megabytes} | {state_bytes})
    bandwidth = {n: copy_bandwidth(n, sizes.copy_repeats) for n in copy_sizes}

    # 2. the kernel on the big state
    timings, peaks = {}, {}
    modes = (False, True, "fused") if HAVE_NUMBA else (False, True)
    for name, (_, (population, rates)) in problems.items():
        if HAVE_NUMBA:  # compile (or load the cache) outside the timings
            step_loop(population[:1], rates, 1, "fused")
        for record in modes:
            timings[name, record] = time_step_loop(population, rates, sizes, record)
            peaks[name, record] = step_loop_peak(population, rates, record)
    bandwidth_after = copy_bandwidth(state_bytes, sizes.copy_repeats)
    state_bandwidth = max(bandwidth[state_bytes], bandwidth_after)

    rows = [[f"{n / 1e6:.1f} MB" + (" (the state)" if n == state_bytes else ""), f"{bw / 1e9:.1f}"]
            for n, bw in bandwidth.items()]
    rows.append([f"{state_bytes / 1e6:.1f} MB (the state, after the kernel)",
                 f"{bandwidth_after / 1e9:.1f}"])
    print_table("1. Memory-copy bandwidth, np.copyto, best of "
                f"{sizes.copy_repeats}, (read + write bytes) / time",
                ["array size", "GB/s"], rows)
    print(f"memory bound uses {state_bandwidth / 1e9:.1f} GB/s, the best state-sized figure")

    bound = 2 * state_bytes / state_bandwidth
    rows = []
    for (name, record), timing in timings.items():
        label = problems[name][0] + {False: ", population only", True: ", all flows",
                                     "fused": f", fused ({FUSED_THREADS} threads)"}[record]
        ratio = timing.mean / bound
        verdict = "PASS" if ratio <= TARGETS[name] else "MISS"
        rows.append([
            f"({name}) {label}",
            f"{timing.mean * 1e3:.1f}",
            f"{timing.best * 1e3:.1f} / {timing.worst * 1e3:.1f}",
            f"{cells / timing.mean / 1e6:.1f}",
            f"{bound * 1e3:.3g}",
            f"{ratio:.1f}x",
            f"{timing.best / bound:.1f}x",
            f"<= {TARGETS[name]:.0f}x",
            verdict,
            f"{peaks[name, record] / state_bytes:.1f}x",
        ])
    print_table(
        f"2. kernel.step on {batch} x {states} x {sexes} x {ages} = {cells:,} cells "
        f"({state_bytes / 1e6:.0f} MB), mean of {sizes.steps} steps after {sizes.warmup} warm-up",
        ["case", "ms/step", "best/worst", "Mcell-steps/s", "bound ms", "ratio", "best ratio",
         "target", "verdict", "peak/state"],
        rows,
    )
    for (name, record), timing in timings.items():
        print(f"({name}{ {False: '', True: ', flows', 'fused': ', fused'}[record]}) first (cold) step {timing.first * 1e3:.0f} ms; system CPU "
              f"{timing.system_share:.0%} of CPU time; {timing.minor_faults:,.0f} minor page "
              f"faults per step")
    print(f"process peak resident set (ru_maxrss) {peak_rss_bytes() / state_bytes:.1f}x the state")
    if args.quick:
        print("--quick: the state fits in the CPU caches and Python overhead dominates, so these "
              "ratios say nothing about the full run")

    # 3. project against the bare step loop on a smaller state
    population, rates = synthetic_rates(sizes.project_shape, internal=False)
    small_bytes = population.nbytes

    def bare_loop():
        step_loop(population, rates, sizes.project_steps, record=True)

    def full_project():
        kernel.project(population, rates, steps=sizes.project_steps)

    repeats = 3
    loop_time = best_time(bare_loop, repeats)
    project_time = best_time(full_project, repeats)
    validate_time = best_time(lambda: kernel.validate(
        population, rates, steps=sizes.project_steps, width=1, timing="even",
        safeguard="reduce"), repeats)
    project_peak = peak_memory_of(full_project)
    print_table(
        f"3. project vs. a bare loop of step, {' x '.join(map(str, sizes.project_shape))}, "
        f"{sizes.project_steps} steps (case a), best of {repeats}",
        ["", "ms", "ratio to loop"],
        [["loop of step", f"{loop_time * 1e3:.1f}", "1.00"],
         ["project", f"{project_time * 1e3:.1f}", f"{project_time / loop_time:.2f}"],
         ["  of which validate", f"{validate_time * 1e3:.1f}", f"{validate_time / loop_time:.2f}"]],
    )
    print(f"project peak memory {project_peak / small_bytes:.0f}x its state "
          f"({project_peak / 1e6:.0f} MB): it keeps the population and flows of every step")

    # 4. one population, 100 years
    population, rates = synthetic_rates(sizes.single_shape, internal=False)
    single = best_time(lambda: kernel.project(population, rates, steps=sizes.single_years),
                       sizes.single_repeats)
    print_table(
        f"4. One population, {sizes.single_shape[3]} ages x 2 sexes x {sizes.single_years} "
        f"years with project, best of {sizes.single_repeats}",
        ["", "ms"],
        [["projection", f"{single * 1e3:.1f}"],
         ["per step", f"{single / sizes.single_years * 1e3:.3f}"]],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
