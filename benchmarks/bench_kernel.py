"""Benchmark the cohort-component kernel against this machine's memory bandwidth.

Run from the repository root::

    python benchmarks/bench_kernel.py            # full run, 2-4 minutes, about 5 GB of memory
    python benchmarks/bench_kernel.py --quick    # tiny sizes, a few seconds (CI smoke run)

Every figure is the median of at least five runs with the minimum and the
maximum beside it, and every judged figure is a ratio of timings taken in the
same run, because the machines we run on are shared and their absolute
speed drifts:

1. the memory bound: the bandwidth of ``np.copyto`` on 1 GiB arrays, far
   beyond the last-level cache, counting the bytes read and written; the
   bound uses the best copy (the strictest bound), before or after the
   kernels;
2. the throughput of one step, :func:`projsim.engine.step` looped over time
   on ``1,000 x 43 x 2 x 121`` cells, (a) births, mortality and net
   international migration, (b) the same plus internal migration between the
   43 states, population only, with every flow, and the fused compiled step;
   the rates vary by batch and by year: the steps cycle through several full
   sets of rates, as many as it takes for them to exceed twice the
   last-level cache, so that the rates are read from memory as a real
   ensemble's would be;
3. the deterministic path as users run it, :func:`projsim.engine.project`
   with every flow recorded, over 50 years of ``20 x 43 x 2 x 121`` cells
   whose rates vary by batch and year, in cell-steps per second and against
   the memory bound; beside it, validation and, for comparison,
   ``engine.step`` looped over the years without flows;
4. one population, 131 ages x 2 sexes x 100 years with every flow recorded,
   in process: ``projsim.engine.project`` against ``benchmarks/textbook.py``,
   the plain-numpy textbook loop (target: at most 1.5x), run in turn, and,
   with numba warm, the compiled code against the 7e8 cell-steps/s of the UN
   Population Division's C kernel on this size (target: within 10x).

A ratio that misses its target prints ``MISS``: a measurement, not an error;
the script exits 0 unless something crashes. ``benchmarks/README.md``
explains how to read the tables and records the figures of past runs.

By default the script removes ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE``
from its own environment before numpy loads OpenBLAS, so that OpenBLAS picks
the kernels of the CPU it runs on (they change the speed of the matrix
products in internal migration); ``--keep-openblas-env`` keeps them.
"""

from __future__ import annotations

import sys

from benchlib import (  # noqa: E402  (first: it clears OpenBLAS overrides before numpy)
    BOUND_COPY_BYTES, OPENBLAS_OVERRIDES, RUNS, Spread, copy_bandwidths, interleaved,
    last_level_cache_bytes, load_average, peak_rss_bytes, print_machine, print_table, ratios,
    repeat,
)

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
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

import textbook  # noqa: E402

HAVE_NUMBA = importlib.util.find_spec("numba") is not None

#: Ratio targets of (time per step) / (memory-bound time per step).
TARGETS = {"a": 3.0, "b": 6.0}
#: One population: projsim's numpy ``project`` at most this many times the textbook loop.
TEXTBOOK_TARGET = 1.5
#: The UN Population Division's CCMPP C kernel on one population of 131 ages x 2
#: sexes x 100 years (37 microseconds, issue "fast for every user") [cell-steps/s],
#: and how far below it the compiled path may stay.
C_KERNEL_RATE, C_KERNEL_TARGET = 7e8, 10.0
BYTES_PER_CELL = np.dtype(np.float64).itemsize


class Sizes(NamedTuple):
    """Problem sizes of one run (full or ``--quick``)."""

    shape: tuple[int, int, int, int]  # (batch, state, sex, age) of the big state
    steps: int  # timed steps of the big state (each one a run)
    warmup: int  # untimed steps before them
    copy_bytes: int  # array size of the bound's copy
    copy_runs: int
    project_shape: tuple[int, int, int, int]  # the deterministic all-flows path
    project_steps: int
    project_runs: int
    single_ages: int  # one population
    single_years: int
    single_runs: int
    rate_sets: int | None  # sets of rates of section 2; None: enough to exceed the cache


FULL = Sizes((1000, 43, 2, 121), 50, 2, BOUND_COPY_BYTES, 7, (20, 43, 2, 121), 50, RUNS,
             131, 100, 30, None)
QUICK = Sizes((4, 43, 2, 121), 5, 1, 2**24, 3, (2, 5, 2, 121), 5, 2, 131, 100, 3, 2)


def synthetic_rates(shape, *, internal, sets=1, seed=0, batch_rates=True):
    """Plausible rates with a time axis of ``sets`` full sets, and a start population.

    Survival ratios are about 0.99 at adult ages (Gompertz), fertility is
    non-zero at ages 15-49 (TFR 1.3-2.0), the sex ratio at birth 1.05, net
    migration a few persons per cell and internal out-migration 0.5-3.5 % a
    year. With ``batch_rates`` every set has its own value for every batch,
    state, sex and age (a few percent around those levels), so a step reads
    as many bytes of rates as a draw's own rates would take; the destination
    shares of internal migration are one matrix for all batches and years,
    as in an ensemble.

    Parameters
    ----------
    shape : tuple of int
        ``(batch, state, sex, age)`` of the population.
    internal : bool
        Include internal migration (rates and a ``state x state`` destination
        matrix).
    sets : int
        Length of the rates' time axis: the sets a loop cycles through.
    seed : int
        Seed of the local random generator.
    batch_rates : bool
        Rates that differ by batch (else one value for all batches).

    Returns
    -------
    population : ndarray, (batch, state, sex, age)
        Start population [persons], decreasing with age.
    rates : projsim.engine.Rates
        Rates with a leading time axis of length ``sets``.
    """
    rng = np.random.default_rng(seed)
    batch, states, sexes, ages = shape
    lead = (sets, batch if batch_rates else 1)
    age = np.arange(ages, dtype=float)

    def jitter(*trailing, spread=0.02):
        return rng.uniform(1.0 - spread, 1.0 + spread, size=lead + trailing)

    death_probability = np.minimum(0.004 * np.exp(-age) + 5e-5 * np.exp(0.095 * age), 0.6)
    survival = np.minimum(1.0 - death_probability * jitter(states, sexes, ages, spread=0.2), 1.0)
    survival[..., -1] = 0.55  # open age group T(omega) / T(omega - 1)
    fertile = (age >= 15) & (age < 50)
    schedule = np.where(fertile, np.exp(-0.5 * ((age - 30.0) / 6.0) ** 2), 0.0)
    total_fertility = rng.uniform(1.3, 2.0, size=(1, 1, states, 1))
    fertility_rate = total_fertility * schedule / schedule.sum() * jitter(states, ages)
    sex_ratio_at_birth = np.full((1, 1, states), 1.05)
    level = rng.uniform(200.0, 2000.0, size=(batch, states, 1, 1))
    population = level * np.exp(-0.012 * age) * rng.uniform(0.9, 1.1, size=shape)
    migration_age = np.exp(-0.5 * ((age - 28.0) / 8.0) ** 2)
    net_migration = (rng.normal(0.0, 2.0, size=(1, 1, states, sexes, 1)) * migration_age
                     * jitter(states, sexes, ages, spread=0.5))
    rates = kernel.Rates(survival, fertility_rate, sex_ratio_at_birth, net_migration=net_migration)
    if internal:
        move_rate = (0.005 + 0.03 * migration_age) * jitter(1, states, sexes, ages, spread=0.2)
        destination = rng.uniform(size=(1, 1, 1, states, states))
        destination[..., np.arange(states), np.arange(states)] = 0.0
        destination /= destination.sum(axis=-1, keepdims=True)
        rates = rates._replace(move_rate=move_rate, move_destination=destination)
    return population, rates


def at_time(rates, t):
    """The rates of step ``t`` of a loop that cycles through their time axis."""
    return kernel.Rates(*(None if a is None else a[t % a.shape[0]] for a in rates))


def rate_bytes(rates) -> int:
    """Bytes of one step's rates (one entry of the time axis)."""
    return sum(a[0].nbytes for a in rates if a is not None)


def sets_beyond_cache(population, internal) -> int:
    """The fewest full sets of rates (at least 2) whose bytes exceed twice the last-level cache."""
    _, one = synthetic_rates((1,) + population.shape[1:], internal=internal)
    per_set = rate_bytes(one) * population.shape[0]
    return max(2, math.ceil(2 * last_level_cache_bytes() / per_set))


# --- 2. the step loop ---------------------------------------------------------------------


class LoopTiming(NamedTuple):
    """Timings of a loop of steps [s per step] and its CPU split."""

    first: float  # first (cold) step, excluded from the spread
    steps: Spread  # the timed steps
    system_share: float  # system CPU time / total CPU time (page faults of new arrays)
    minor_faults: float  # per timed step


def step_loop(population, rates, steps, record, on_step=None):
    """Loop a step as a big-batch run does: two population buffers used in turn,
    one workspace, the rates of step ``t`` taken from set ``t`` modulo the sets,
    and (with ``record=True``) one set of flow arrays overwritten at every step.
    ``record="fused"`` loops the compiled :func:`projsim.engine.compiled.fused.advance`."""
    state, spare = population.copy(), np.empty_like(population)
    workspace = kernel.Workspace()
    flows = kernel.empty_flows(population.shape, at_time(rates, 0)) if record is True else None
    advance = None
    if record == "fused":
        from projsim.engine.compiled import load

        advance = load("fused").advance
    for i in range(steps):
        rates_t = at_time(rates, i)
        start = time.perf_counter()
        if advance is not None:
            advance(state, rates_t, out=spare, workspace=workspace)
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
    before = usage_before["usage"]
    after = resource.getrusage(resource.RUSAGE_SELF)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    timed = durations[sizes.warmup:]
    return LoopTiming(first=durations[0], steps=Spread.of(timed),
                      system_share=system / max(user + system, 1e-12),
                      minor_faults=(after.ru_minflt - before.ru_minflt) / len(timed))


def peak_memory_of(run):
    """Peak bytes allocated while ``run()`` executes, by tracemalloc."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MODE_LABELS = {False: "population only", True: "all flows", "fused": "fused, compiled"}


def throughput_section(sizes):
    """Section 2: the step loop on the big state, rates varying by batch and year.

    Returns what :func:`print_throughput` prints, once the bound is known.
    """
    measured = []
    modes = (False, True, "fused") if HAVE_NUMBA else (False, True)
    for name, internal in (("a", False), ("b", True)):
        probe, _ = synthetic_rates(sizes.shape, internal=internal, sets=1, batch_rates=False)
        sets = sizes.rate_sets or sets_beyond_cache(probe, internal)
        population, rates = synthetic_rates(sizes.shape, internal=internal, sets=sets)
        if HAVE_NUMBA:  # compile (or load the cache) outside the timings
            step_loop(population[:1], kernel.Rates(*(None if a is None else a[:, :1]
                                                     for a in rates)), 1, "fused")
        for record in modes:
            timing = time_step_loop(population, rates, sizes, record)
            peak = peak_memory_of(lambda: step_loop(population, rates, 2, record))
            measured.append((name, record, sets, rate_bytes(rates), timing, peak))
        del population, rates
    return measured


def print_throughput(sizes, measured, bandwidth):
    """Print section 2's table against the memory bound of ``bandwidth``."""
    batch, states, sexes, ages = sizes.shape
    cells = batch * states * sexes * ages
    state_bytes = cells * BYTES_PER_CELL
    bound = 2 * state_bytes / bandwidth
    labels = {"a": "(a) births + mortality + net migration",
              "b": f"(b) (a) + internal migration {states}x{states}"}
    rows, notes, described = [], [], set()
    for name, record, sets, per_step, timing, peak in measured:
        if name not in described:
            described.add(name)
            notes.append(f"({name}) rates: {sets} full sets of {per_step / 1e6:.0f} MB "
                         f"({sets * per_step / 1e9:.2f} GB in all), step t reads set t mod "
                         f"{sets}; read once a step they add {per_step / state_bytes:.1f} "
                         f"states of traffic to the bound's 2")
        traffic_bound = (2 * state_bytes + per_step) / bandwidth
        ratio = timing.steps.scaled(1 / bound)
        rows.append([
            f"{labels[name]}, {MODE_LABELS[record]}",
            timing.steps.text(scale=1e3, digits=3),
            f"{cells / timing.steps.median:.3g}",
            f"{ratio.median:.1f}x ({ratio.minimum:.1f}-{ratio.maximum:.1f})",
            f"<= {TARGETS[name]:.0f}x",
            "PASS" if ratio.median <= TARGETS[name] else "MISS",
            f"{timing.steps.median / traffic_bound:.1f}x",
            f"{peak / state_bytes:.1f}x",
        ])
        notes.append(f"({name}, {MODE_LABELS[record]}) first (cold) step "
                     f"{timing.first * 1e3:.0f} ms; system CPU {timing.system_share:.0%} of "
                     f"CPU time; {timing.minor_faults:,.0f} minor page faults per step")
    print_table(
        f"2. One step on {batch} x {states} x {sexes} x {ages} = {cells:,} cells "
        f"({state_bytes / 1e6:.0f} MB), rates varying by batch and year; ms per step: median "
        f"(min-max) of {sizes.steps} steps after {sizes.warmup} warm-up; memory bound "
        f"2 x state / copy bandwidth = {bound * 1e3:.3g} ms",
        ["case", "ms/step", "cell-steps/s", "ratio to bound", "target", "verdict",
         "ratio, rates counted", "peak/state"],
        rows)
    for note in notes:
        print(note)


# --- 3. the deterministic all-flows path --------------------------------------------------


def output_bytes(projection) -> int:
    """Bytes of a projection's arrays: what ``project`` has to write at least."""
    return projection.population.nbytes + sum(f.nbytes for f in projection.flows if f is not None)


def project_section(sizes, bandwidth):
    """Section 3: ``project`` with every flow, rates varying by batch and year."""
    batch, states, sexes, ages = sizes.project_shape
    steps = sizes.project_steps
    cells = batch * states * sexes * ages
    rows = []
    for name, internal in (("a", False), ("b", True)):
        population, rates = synthetic_rates(sizes.project_shape, internal=internal, sets=steps)
        options = {"width": 1, "timing": "even", "safeguard": "reduce"}
        projection = kernel.project(population, rates, steps=steps, **options)
        written = output_bytes(projection)
        read = rate_bytes(rates) * steps
        del projection
        bound = 2 * BYTES_PER_CELL * cells * steps / bandwidth
        traffic_bound = (written + read + population.nbytes) / bandwidth

        workspace = kernel.Workspace()
        populations = np.empty((steps + 1,) + population.shape)
        populations[0] = population

        def loop():
            for t in range(steps):
                kernel.step(populations[t], at_time(rates, t), out=populations[t + 1],
                            record=False, workspace=workspace, **options)

        parts = interleaved({
            "project": lambda: kernel.project(population, rates, steps=steps, **options),
            "validate": lambda: kernel.validate(population, rates, steps=steps, **options),
            "engine.step looped, population only": loop,
        }, sizes.project_runs)
        whole = Spread.of(parts["project"])
        ratio = whole.scaled(1 / bound)
        label = {"a": "(a) births + mortality + net migration",
                 "b": f"(b) (a) + internal migration {states}x{states}"}[name]
        rows.append([f"{label}: project", whole.text(scale=1e3), f"{cells * steps / whole.median:.3g}",
                     f"{ratio.median:.1f}x ({ratio.minimum:.1f}-{ratio.maximum:.1f})",
                     f"{whole.median / traffic_bound:.1f}x"])
        for part in ("validate", "engine.step looped, population only"):
            spread = Spread.of(parts[part])
            rows.append([f"    of which {part}", spread.text(scale=1e3),
                         f"{cells * steps / spread.median:.3g}",
                         f"{spread.median / bound:.1f}x", ""])
        print_table(
            f"3{name}. The deterministic path with every flow: engine.project on {batch} x "
            f"{states} x {sexes} x {ages} = {cells:,} cells x {steps} years, rates varying by "
            f"batch and year ({read / 1e9:.2f} GB); median (min-max) of {sizes.project_runs} "
            f"runs, in turn with its parts", ["", "ms", "cell-steps/s", "ratio to bound",
                                                "ratio, all traffic"], rows[-3:])
        print(f"bound: the population read and written once per step, 2 x 8 bytes x "
              f"cell-steps / copy bandwidth = {bound * 1e3:.3g} ms; all traffic: the result "
              f"written ({written / 1e9:.2f} GB: populations and every flow) and the rates "
              f"read once = {traffic_bound * 1e3:.3g} ms")
        del population, rates, populations


# --- 4. one population --------------------------------------------------------------------


def single_population(ages):
    """One population with constant rates: the engine's arrays and the textbook's."""
    population, rates = synthetic_rates((1, 1, 2, ages), internal=False, batch_rates=False)
    migrants = np.abs(rates.net_migration)  # inflows only: no outflow is ever cut
    rates = rates._replace(net_migration=migrants)
    plain = (population[0, 0], rates.survival[0, 0, 0], rates.fertility_rate[0, 0, 0],
             float(rates.sex_ratio_at_birth[0, 0, 0]), migrants[0, 0, 0])
    return population, rates, plain


def single_section(sizes):
    """Section 4: one population, projsim against the textbook loop and the C kernel's rate."""
    ages, years = sizes.single_ages, sizes.single_years
    cell_steps = ages * 2 * years
    population, rates, plain = single_population(ages)

    def engine_project():
        return kernel.project(population, rates, steps=years)

    def textbook_project():
        return textbook.project(*plain, years)

    ours, theirs = engine_project().population[:, 0, 0], textbook_project()
    difference = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
    runs = {"projsim.engine.project, every flow (numpy)": engine_project,
            "benchmarks/textbook.py, population only (numpy)": textbook_project}
    # The two numpy codes first, in turn with each other only: after a parallel
    # numba call its idle threads keep spinning for a while and would take a
    # core from whichever numpy call came next.
    times, cpu_times = interleaved(runs, sizes.single_runs, warmup=2, cpu=True)
    compiled_note = "numba not installed: no compiled figure"
    if HAVE_NUMBA:
        from projsim.engine.compiled import load

        advance = load("fused").advance
        constant = kernel.at_step(rates, 0)

        import numba

        def fused_loop(threads):
            def run():
                numba.set_num_threads(threads)
                state, spare = population.copy(), np.empty_like(population)
                workspace = kernel.Workspace()
                for _ in range(years):
                    advance(state, constant, out=spare, workspace=workspace)
                    state, spare = spare, state
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
                return state
            return run

        compiled = {}
        for threads in sorted({numba.config.NUMBA_NUM_THREADS, 1}):
            fused_loop(threads)()  # numba warm: compiled or loaded from the cache before timing
            compiled[f"compiled fused.advance looped from Python, {threads} numba thread(s), "
                     f"population only"] = fused_loop(threads)
        more, more_cpu = interleaved(compiled, sizes.single_runs, warmup=2, cpu=True)
        times.update(more)
        cpu_times.update(more_cpu)
        runs.update(compiled)
        compiled_note = ("there is no compiled single-projection path: project() runs numpy; "
                         "the nearest compiled code is the fused ensemble step, called once per "
                         "year from Python, which records no flow (timed after the numpy codes, "
                         "in turn with each other)")
    names = list(runs)
    rows = []
    for name in names:
        spread, cpu = Spread.of(times[name]), Spread.of(cpu_times[name])
        rate = spread.inverse(cell_steps)
        rows.append([name, spread.text(scale=1e3), cpu.text(scale=1e3), f"{rate.median:.3g}",
                     f"{C_KERNEL_RATE / rate.median:.0f}x"])
    print_table(f"4. One population, {ages} ages x 2 sexes x {years} years, constant rates, "
                f"in process; median (min-max) of {sizes.single_runs} runs of each, in turn",
                ["code", "wall ms", "CPU ms (all threads)", "cell-steps/s (wall)",
                 "slower than the C kernel (7e8)"], rows)
    ratio = ratios(times[names[0]], times[names[1]])
    cpu_ratio = ratios(cpu_times[names[0]], cpu_times[names[1]])
    print(f"projsim / textbook, run by run: wall {ratio.text('x')}, CPU time "
          f"{cpu_ratio.text('x')} (on a loaded machine the longer call waits for a core more "
          f"often: CPU time leaves that out); target <= {TEXTBOOK_TARGET}x (wall): "
          f"{'PASS' if ratio.median <= TEXTBOOK_TARGET else 'MISS'}; largest difference of a "
          f"population {difference:.1e} of the largest cell")
    for name in names[2:]:
        compiled = Spread.of(times[name]).inverse(cell_steps)
        gap = C_KERNEL_RATE / compiled.median
        print(f"{name}, numba warm: {compiled.median:.3g} cell-steps/s, {gap:.0f}x below the "
              f"C kernel; target within {C_KERNEL_TARGET:.0f}x: "
              f"{'PASS' if gap <= C_KERNEL_TARGET else 'MISS'}")
    print(compiled_note)


# --- main ---------------------------------------------------------------------------------


def main(argv=None):
    """Run the four measurements and print their tables; return the exit code 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes for a smoke run (a few seconds)")
    parser.add_argument("--keep-openblas-env", action="store_true",
                        help=f"keep {' and '.join(OPENBLAS_OVERRIDES)} if they are set")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    print_machine("projsim kernel benchmark" + (" (--quick)" if args.quick else ""))

    before = copy_bandwidths(sizes.copy_bytes, sizes.copy_runs)
    measured = throughput_section(sizes)
    after = copy_bandwidths(sizes.copy_bytes, sizes.copy_runs)
    bandwidth = max(before + after)
    print_table(f"1. Memory-copy bandwidth, np.copyto of {sizes.copy_bytes / 2**30:.3g} GiB "
                f"arrays, (read + write bytes) / time, {sizes.copy_runs} copies each",
                ["", "GB/s"],
                [["before section 2", Spread.of(before).text(scale=1e-9)],
                 ["after section 2", Spread.of(after).text(scale=1e-9)]])
    print(f"every bound below uses the best copy, {bandwidth / 1e9:.1f} GB/s (the strictest "
          f"bound); last-level cache {last_level_cache_bytes() / 2**20:,.0f} MiB; "
          f"{load_average()}")
    print_throughput(sizes, measured, bandwidth)
    project_section(sizes, bandwidth)
    single_section(sizes)
    print(f"\nprocess peak resident set (ru_maxrss) {peak_rss_bytes() / 1e9:.2f} GB; "
          f"{load_average()}")
    if args.quick:
        print("--quick: tiny states that fit in the CPU caches, where Python overhead dominates; "
              "the ratios say nothing about a full run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
