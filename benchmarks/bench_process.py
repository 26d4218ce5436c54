"""Whole-process benchmarks: ``projsim run`` as a user starts it, cold and warm.

Run from the repository root::

    python benchmarks/bench_process.py               # full run, 20-40 minutes
    python benchmarks/bench_process.py --quick       # a smoke run, under a minute (CI)
    python benchmarks/bench_process.py --fresh-venv  # also a real fresh install (pip, network)

Every figure is the median of ``--runs`` runs (at least 5 in a full run)
with the minimum and the maximum, each run a new process
(``python -m projsim.cli``, the ``projsim`` command's module):

1. **Cold and warm.** ``projsim run`` and ``projsim run --draws 10000``,
   beside ``python -c pass``:

   * *warm*: numba's cache and Python's bytecode filled by an untimed run;
   * *cold, after install*: an empty numba cache (a new ``NUMBA_CACHE_DIR``
     for every run) with Python's bytecode present, as after ``pip install``,
     which compiles the bytecode of what it installs;
   * *cold, no bytecode*: an empty numba cache and an empty
     ``PYTHONPYCACHEPREFIX``, so that every module is compiled from source,
     the standard library's too (an upper bound).

   The children never read bytecode from the source tree nor write any there
   (``PYTHONPYCACHEPREFIX`` points to folders of this run), whatever
   ``PYTHONDONTWRITEBYTECODE`` says in the calling shell. The operating
   system's file cache stays warm.
2. **Where the time goes.** The same commands, warm and cold, in a probe
   that times every module's import (its own time, by top-level package),
   numba's loading of cached machine code or compiling (by compiled
   function, with the size of its cache file) and the rest (the
   computation); the interpreter's start and exit is the process time
   outside the probe.
3. **What would pay.** The options of cold start, measured: a process that
   does not load numba at all (numba hidden), one without dask (hidden: xarray
   imports it on the first Dataset when it is installed), and the cost of
   loading or compiling each compiled function (a least-squares line
   ``a + b x size of its cache file``: what fewer, or smaller, functions
   would save).
4. **The engine choice.** ``projsim run --draws N`` for N from 100 to 204,800
   (so that ``N`` against ``2N`` is seen from 100 to 102,400), warm, as the
   CLI chooses (``projsim.stochastic.choose_engine``: the fused engine where
   its saving pays for loading numba), and with each engine forced; every N whose run is
   slower than 2N's is flagged; a line ``a + b N`` per engine gives the
   crossover where the fused engine starts to pay, warm and on a cold cache.
5. ``--fresh-venv``: a new virtual environment, ``pip install
   '<checkout>[fast]'`` (from the package index), and its first and later
   runs of ``projsim run`` and ``projsim run --draws 10000``.

The script prints the load average beside every section; it exits 0 unless
something crashes. ``benchmarks/README.md`` ("Whole processes and cold
start") reads the figures.
"""

from __future__ import annotations

import sys

# --- the probe: section 2's child, run before this script imports numpy or anything
# else, so that it sees every import of the command it runs ---------------------------------


def probe(arguments: list[str]) -> None:
    """Child of section 2: run the CLI with ``arguments``, print where the time went (JSON).

    Imports are timed by wrapping the import system's module execution
    (``_frozen_importlib._load_unlocked``), each module's own time, outside
    numba's compilation; numba's work by wrapping ``Dispatcher.compile``
    (outermost calls that add a machine-code version: a cache hit is a load,
    a miss a compilation, with its callees and the imports it makes).
    """
    import json
    import os
    import threading
    import time

    import _frozen_importlib as bootstrap

    started, started_at = time.perf_counter(), time.time()
    local = threading.local()
    imports: dict[str, float] = {}
    compiled: list[dict] = []
    in_numba = [0]

    load_unlocked = bootstrap._load_unlocked

    def timed_load(spec):
        stack = local.__dict__.setdefault("stack", [])
        stack.append(0.0)
        start = time.perf_counter()
        try:
            return load_unlocked(spec)
        finally:
            elapsed = time.perf_counter() - start
            children = stack.pop()
            if stack:
                stack[-1] += elapsed
            if not in_numba[0]:
                root = spec.name.split(".")[0]
                root = "numba" if root == "llvmlite" else root
                imports[root] = imports.get(root, 0.0) + elapsed - children
            if spec.name == "numba.core.dispatcher":
                wrap_dispatcher(sys.modules[spec.name].Dispatcher)

    def wrap_dispatcher(dispatcher):
        from numba.core.compiler_lock import global_compiler_lock

        original = dispatcher.compile

        def compile(self, sig):
            depth = local.__dict__.setdefault("depth", 0)
            if depth:
                return original(self, sig)
            # numba's own lock (reentrant), taken here so that a thread that
            # waited for another's load neither counts it nor its wait
            with global_compiler_lock:
                local.depth = 1
                in_numba[0] += 1
                versions, hits = len(self.overloads), sum(self._cache_hits.values())
                start = time.perf_counter()
                try:
                    return original(self, sig)
                finally:
                    elapsed = time.perf_counter() - start
                    in_numba[0] -= 1
                    local.depth = 0
                    record(self, versions, hits, elapsed)

        def record(self, versions, hits, elapsed):
            if len(self.overloads) > versions:
                compiled.append({
                    "function": f"{self.py_func.__module__.rsplit('.', 1)[-1]}."
                                f"{self.py_func.__qualname__}",
                    "seconds": elapsed,
                    "loaded": sum(self._cache_hits.values()) > hits})

        dispatcher.compile = compile

    bootstrap._load_unlocked = timed_load
    stdout = sys.stdout
    with open(os.devnull, "w") as quiet:
        sys.stdout = quiet
        from projsim.cli import main
        status = main(arguments)
        sys.stdout = stdout
    elapsed = time.perf_counter() - started
    print(json.dumps({"status": status, "elapsed": elapsed, "imports": imports,
                      "compiled": compiled, "started_at": started_at,
                      "ended_at": time.time()}), flush=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--probe"]:
    import json

    probe(json.loads(sys.argv[2]))
    raise SystemExit(0)

from benchlib import (  # noqa: E402  (first: it clears OpenBLAS overrides before numpy)
    RUNS, Spread, load_average, print_machine, print_table,
)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
try:
    import projsim
except ImportError:  # a plain checkout: use the source tree next to this file
    sys.path.insert(0, str(HERE.parent / "src"))
    import projsim
#: The folder holding the projsim package the children import (this one's).
PACKAGE_ROOT = Path(projsim.__file__).resolve().parents[1]

#: Top-level packages whose imports are reported on their own.
PACKAGES = ("numpy", "pandas", "xarray", "scipy", "dask", "numba", "matplotlib", "projsim")

#: Runs a CLI command with modules hidden (``sys.modules[name] = None``: importlib
#: then finds no such module), the fused engine's threshold set, or not, and
#: ending either as usual or with ``os._exit`` once the output is flushed (which
#: skips the interpreter's teardown: freeing every module and object).
RUNNER = """
import os, sys
hidden, fused_from, quick_exit, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
for name in filter(None, hidden.split(",")):
    sys.modules[name] = None
if fused_from != "-":
    import projsim.stochastic
    projsim.stochastic.FUSED_FROM = int(fused_from)
from projsim.cli import main
status = main(argv)
if quick_exit == "1":
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
raise SystemExit(status)
"""


#: Calls the CLI's ``main`` again and again in one process: the in-process times
#: of a command, printed as JSON (the first call pays the imports after
#: ``projsim.cli`` and numba's loads; the later ones do not).
IN_PROCESS = """
import contextlib, io, json, sys, time
arguments, runs = json.loads(sys.argv[1]), int(sys.argv[2])
from projsim.cli import main
times = []
for _ in range(runs + 1):
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        main(arguments)
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


class Sizes(NamedTuple):
    """What one run measures (full or ``--quick``)."""

    runs: int
    draws: int  # the ensemble of sections 1 and 2
    cold_runs: int  # runs of each cold variant
    cold_draws: bool  # also time the ensemble cold
    cold_bytecode: bool  # also time runs with no bytecode
    probes: int  # probe runs per command and cache state
    cold_probes: bool  # also probe cold runs
    curve: tuple[int, ...]  # section 4: draws
    numpy_up_to: int  # the numpy engine forced up to this many draws
    fused_below: int  # the fused engine forced below this many draws (else as chosen)


FULL = Sizes(RUNS, 10_000, RUNS, True, True, 3, True,
             (100, 200, 400, 800, 1024, 1600, 2047, 2048, 3200, 4094, 6400, 12_800, 25_600,
              51_200, 102_400, 204_800), 12_800, 2048)
QUICK = Sizes(1, 256, 1, False, False, 1, False, (64, 128), 128, 0)


# --- children -----------------------------------------------------------------------------


class Caches:
    """The numba and bytecode caches of the children, in one temporary folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        self.warm_numba = self.fresh("numba-warm")
        self.warm_bytecode = self.fresh("bytecode-warm")

    def fresh(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{name}-{self.count}"
        path.mkdir()
        return path

    def environment(self, state: str) -> dict:
        """The children's environment for ``state``: warm, cold, or cold-no-bytecode."""
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        env["NUMBA_CACHE_DIR"] = str(self.warm_numba if state == "warm" else self.fresh("numba"))
        env["PYTHONPYCACHEPREFIX"] = str(self.fresh("bytecode") if state == "cold-no-bytecode"
                                         else self.warm_bytecode)
        return env

    def remove_cold(self) -> None:
        """Delete the cold runs' caches (a compiled cache is some MB)."""
        for path in self.folder.iterdir():
            if path not in (self.warm_numba, self.warm_bytecode):
                shutil.rmtree(path, ignore_errors=True)


def cli(*arguments: str) -> list[str]:
    """The command line of ``projsim ARGUMENTS`` in a new interpreter."""
    return [sys.executable, "-m", "projsim.cli", *arguments]


def runner(arguments, hidden=(), fused_from=None, quick_exit=False) -> list[str]:
    """A CLI command run through :data:`RUNNER`."""
    return [sys.executable, "-c", RUNNER, ",".join(hidden),
            "-" if fused_from is None else str(fused_from), "1" if quick_exit else "0",
            *arguments]


def wall(command, env) -> float:
    """Wall time of one process [s]; its output is discarded, a failure raises."""
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    return time.perf_counter() - start


def timed(command, caches: Caches, state: str, runs: int) -> Spread:
    """The spread of ``runs`` wall times of ``command`` in ``state``."""
    return Spread.of([wall(command, caches.environment(state)) for _ in range(runs)])


def probed(arguments, caches, state) -> dict:
    """Run :func:`probe` in a new process in ``state``; its figures and the process's wall time."""
    env = caches.environment(state)
    command = [sys.executable, str(Path(__file__).resolve()), "--probe", json.dumps(arguments)]
    start, start_at = time.perf_counter(), time.time()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    total, end_at = time.perf_counter() - start, time.time()
    found = json.loads(done.stdout.strip().splitlines()[-1])
    found["total"] = total
    found["start"] = found["started_at"] - start_at
    found["exit"] = end_at - found["ended_at"]
    found["cache"] = {path.name: path.stat().st_size
                      for path in Path(env["NUMBA_CACHE_DIR"]).rglob("*.nbc")}
    return found


def buckets(found: dict) -> dict:
    """One probe's time [s] by bucket: start and exit, imports by package, numba, the rest.

    numba's first function of a process is shown apart: loading or compiling
    it also initialises numba's compiler and CPU target (and imports the
    modules that needs), a cost any process that touches compiled code pays
    once, whatever the function.
    """
    imports = found["imports"]
    events = found["compiled"]
    first = events[0]["seconds"] if events else 0.0
    loads = sum(c["seconds"] for c in events[1:] if c["loaded"])
    compiles = sum(c["seconds"] for c in events[1:] if not c["loaded"])
    shown = {f"import {p}": imports.get(p, 0.0) for p in PACKAGES if p != "numba"}
    other = sum(v for k, v in imports.items() if k not in PACKAGES)
    accounted = sum(imports.values()) + first + loads + compiles
    return {"interpreter start (to the probe's first line)": found["start"],
            "interpreter exit (after the probe's last line)": found["exit"],
            **shown, "import of other modules (standard library ...)": other,
            "import numba (and llvmlite)": imports.get("numba", 0.0),
            "numba: first function (loaded or compiled), with numba's set-up": first,
            "numba: the other functions, loaded from the cache": loads,
            "numba: the other functions, compiled": compiles,
            "the rest: computing and printing": found["elapsed"] - accounted,
            "whole process": found["total"]}


def cache_size(found: dict, function: str) -> int:
    """Bytes of the cache files of a compiled function (``module.name``)."""
    return sum(size for name, size in found["cache"].items() if name.startswith(function + "-"))


# --- sections -----------------------------------------------------------------------------


def section_cold_warm(sizes, caches, commands):
    """Section 1: whole-process times, warm and cold."""
    states = [("warm", "warm (numba cache and bytecode filled)"),
              ("cold", "cold, after install (empty numba cache, bytecode present)"),
              ("cold-no-bytecode", "cold, no bytecode either (every module compiled)")]
    results = {}
    rows = []
    baseline = timed([sys.executable, "-c", "pass"], caches, "warm", sizes.runs)
    rows.append(["python -c pass", baseline.text(" s"), "", ""])
    for name, command in commands.items():
        for state, label in states:
            if state != "warm" and name != "projsim run" and not sizes.cold_draws:
                continue
            if state == "cold-no-bytecode" and not sizes.cold_bytecode:
                continue
            runs = sizes.runs if state == "warm" else sizes.cold_runs
            spread = timed(command, caches, state, runs)
            results[name, state] = spread
            warm = results[name, "warm"]
            rows.append([f"{name}: {label}", spread.text(" s"),
                         f"{spread.median / warm.median:.2f}x" if state != "warm" else "1",
                         f"{spread.median / results['projsim run', 'warm'].median:.2f}x"])
            caches.remove_cold()
        arguments = command[3:]
        done = subprocess.run([sys.executable, "-c", IN_PROCESS, json.dumps(arguments),
                               str(sizes.runs)], env=caches.environment("warm"), check=True,
                              capture_output=True, text=True)
        times = json.loads(done.stdout.strip().splitlines()[-1])
        later = Spread.of(times[1:])
        results[name, "in process"] = later
        rows.append([f"{name}: in process, its first call (warm caches)", f"{times[0]:.3g} s",
                     "", ""])
        rows.append([f"{name}: in process, later calls", later.text(" s"),
                     f"{later.median / results[name, 'warm'].median:.2f}x", ""])
    print_table(f"1. Whole processes (python -m projsim.cli), each a new process, median "
                f"(min-max) of {sizes.runs} runs warm, {sizes.cold_runs} cold; beside them the "
                f"same command in process (the CLI's main called again in one process); "
                f"{load_average()}", ["command", "seconds", "/ warm", "/ projsim run, warm"],
                rows)
    draws = f"projsim run --draws {sizes.draws}"
    if (draws, "warm") in results:
        ratio = results[draws, "warm"].median / results["projsim run", "warm"].median
        print(f"targets: {draws}, warm, at most 3x projsim run: {ratio:.2f}x "
              f"{'PASS' if ratio <= 3 else 'MISS'}")
    for name in commands:
        if (name, "cold") in results:
            ratio = results[name, "cold"].median / results[name, "warm"].median
            print(f"first run after install of {name}, at most 2x its warm run: {ratio:.2f}x "
                  f"{'PASS' if ratio <= 2 else 'MISS'}")
    return results


def section_breakdown(sizes, caches, commands):
    """Section 2: where a process's time goes, warm and cold; returns the probes."""
    probes = {}
    columns = []
    for name, command in commands.items():
        arguments = command[3:]
        for state in ("warm", "cold") if sizes.cold_probes else ("warm",):
            found = [probed(arguments, caches, state) for _ in range(sizes.probes)]
            caches.remove_cold()
            probes[name, state] = found
            columns.append((f"{name.replace('projsim run', 'run')}, {state}", found))
    labels = list(buckets(columns[0][1][0]))
    rows = []
    for label in labels:
        cells = [Spread.of([buckets(f)[label] for f in found]) for _, found in columns]
        if label != "whole process" and all(c.maximum < 0.005 for c in cells):
            continue
        rows.append([label, *[f"{c.median:.3f}" if c.runs < 2 else
                              f"{c.median:.3f} ({c.minimum:.2f}-{c.maximum:.2f})"
                              for c in cells]])
    print_table(f"2. Where the time goes [s], median (min-max) of {sizes.probes} probe runs; "
                f"imports are each module's own time, by top-level package, outside numba's "
                f"compiling; {load_average()}", ["", *[c for c, _ in columns]], rows)

    functions = {}
    for (name, state), found in probes.items():
        for run in found:
            for event in run["compiled"]:
                key = (event["function"], "load" if event["loaded"] else "compile")
                functions.setdefault(key, {}).setdefault(name, []).append(event["seconds"])
    warm_cache = {}
    for found in probes.values():
        for run in found:
            warm_cache.update(run["cache"])
    rows = []
    for (function, kind), by_command in sorted(functions.items()):
        size = sum(s for n, s in warm_cache.items() if n.startswith(function + "-"))
        rows.append([function, kind, f"{size / 1e3:,.0f}",
                     *[f"{1e3 * Spread.of(by_command[n]).median:,.0f}" if n in by_command else ""
                       for n in commands]])
    print_table("2b. numba's work by compiled function (outermost calls; a compile includes its "
                "callees): median ms per process, and the size of its cache files [kB]",
                ["function", "kind", "cache kB", *commands], rows)
    return probes


def section_options(sizes, caches, commands, probes):
    """Section 3: measured options of cold start."""
    rows = []
    plain = {}
    for name, command in commands.items():
        arguments = command[3:]
        plain[name] = timed(runner(arguments), caches, "warm", sizes.runs)
        rows.append([f"{name}, as it is (through the runner)", plain[name].text(" s"), "1"])
        for hidden, quick_exit, label in (
                (("numba",), False, "numba hidden: numpy everywhere"),
                (("dask",), False, "dask hidden (a user who installed no dask)"),
                (("numba", "dask"), False, "numba and dask hidden"),
                ((), True, "os._exit once the output is flushed (no teardown)"),
                (("numba", "dask"), True, "numba and dask hidden, os._exit")):
            spread = timed(runner(arguments, hidden, quick_exit=quick_exit), caches, "warm",
                           sizes.runs)
            rows.append([f"{name}, {label}", spread.text(" s"),
                         f"{spread.median / plain[name].median:.2f}x"])
    print_table(f"3a. Lazier loading and a quick exit, warm, median (min-max) of {sizes.runs} runs; "
                f"{load_average()}", ["", "seconds", "/ as it is"], rows)

    samples = []
    for (name, state), found in probes.items():
        for run in found:
            for event in run["compiled"][1:]:  # the first also sets numba up
                size = cache_size(run, event["function"])
                if size:
                    samples.append((event["loaded"], size, event["seconds"]))
    for loaded, label in ((True, "loading from the cache"), (False, "compiling")):
        points = [(size, seconds) for was, size, seconds in samples if was == loaded]
        if len({size for size, _ in points}) < 3:
            print(f"3b. {label}: fewer than 3 functions after the first of a process; no fit")
            continue
        x, y = np.array(points, dtype=float).T
        per_byte, fixed = np.polyfit(x, y, 1)
        print(f"3b. {label} a compiled function other than a process's first: "
              f"{1e3 * fixed:.1f} ms + {1e6 * per_byte:.3f} ms per kB of its cache file "
              f"(least squares over {len(points)} function-runs of {x.min() / 1e3:.0f}-"
              f"{x.max() / 1e3:.0f} kB)")
    firsts = [run["compiled"][0] for run in probes_runs(probes) if run["compiled"]]
    for loaded, label in ((True, "loaded"), (False, "compiled")):
        times = [event["seconds"] for event in firsts if event["loaded"] == loaded]
        if times:
            print(f"3c. a process's first compiled function, {label}, numba's set-up "
                  f"included: {Spread.of(times).text(' s')}")


def probes_runs(probes) -> list[dict]:
    """Every probe run of section 2."""
    return [run for found in probes.values() for run in found]


def section_curve(sizes, caches, cold):
    """Section 4: --draws N against 2N, warm, as chosen and with each engine forced."""
    from projsim.io import load_scenario
    from projsim.stochastic import FUSED_FROM, FUSED_LOAD_SECONDS, choose_engine

    scenario = load_scenario("fpb-2013")
    switch = next(n for n in range(1, 10**7)
                  if choose_engine("auto", n, scenario, noise=False) == "fused")
    rule = (f"FUSED_FROM = {FUSED_FROM:,} draws" if FUSED_FROM is not None else
            f"the cost model (numba's load {FUSED_LOAD_SECONDS} s; fused from about "
            f"{switch:,} draws)")
    # Every command once per round, rounds repeated: a change of the machine's
    # load falls on every N alike instead of on the N measured at the time.
    commands, chosen_of = {}, {}
    for draws in sizes.curve:
        arguments = ["run", "--draws", str(draws)]
        chosen = chosen_of[draws] = choose_engine("auto", draws, scenario, noise=False)
        commands[draws, "auto"] = cli(*arguments)
        other = "fused" if chosen == "numpy" else "numpy"
        if other == "numpy" and draws <= sizes.numpy_up_to:
            commands[draws, "numpy"] = runner(arguments, fused_from=2**62)
        if other == "fused" and draws < sizes.fused_below:
            commands[draws, "fused"] = runner(arguments, fused_from=0)
    times = {key: [] for key in commands}
    for round_ in range(sizes.runs):
        for key, command in commands.items():
            times[key].append(wall(command, caches.environment("warm")))
        print(f"   round {round_ + 1} of {sizes.runs} done; {load_average()}", flush=True)
    table = {}
    for draws in sizes.curve:
        chosen = chosen_of[draws]
        entry = {"chosen": chosen, "auto": Spread.of(times[draws, "auto"])}
        entry[chosen] = entry["auto"]
        for engine in ("numpy", "fused"):
            if (draws, engine) in times:
                entry[engine] = Spread.of(times[draws, engine])
        table[draws] = entry
    rows = []
    for draws, entry in table.items():
        double = table.get(2 * draws)
        step = "" if double is None else f"{entry['auto'].median / double['auto'].median:.2f}"
        flag = "N SLOWER THAN 2N" if double is not None and \
            entry["auto"].median > double["auto"].median else ""
        rows.append([f"{draws:,}", entry["chosen"], entry["auto"].text(" s"),
                     entry["numpy"].text(" s") if "numpy" in entry else "",
                     entry["fused"].text(" s") if "fused" in entry else "", step, flag])
    print_table(f"4. projsim run --draws N, whole process, warm, median (min-max) of {sizes.runs} "
                f"runs, in rounds over every N; the CLI chooses the engine by {rule}; "
                f"{load_average()}",
                ["N", "chosen", "as chosen", "numpy forced", "fused forced", "t(N) / t(2N)", ""],
                rows)
    fits = {}
    for engine in ("numpy", "fused"):
        points = [(d, e[engine].median) for d, e in table.items() if engine in e]
        if len(points) >= 2:
            x, y = np.array(points, dtype=float).T
            fits[engine] = np.polyfit(x, y, 1)  # (per draw, fixed)
            print(f"{engine}: {fits[engine][1]:.2f} s + {1e3 * fits[engine][0]:.3f} ms per draw "
                  f"(least squares over {len(points)} points, {int(x.min()):,}-{int(x.max()):,} "
                  f"draws)")
    if len(fits) == 2 and fits["numpy"][0] > fits["fused"][0]:
        (numpy_slope, numpy_fixed), (fused_slope, fused_fixed) = fits["numpy"], fits["fused"]
        crossover = (fused_fixed - numpy_fixed) / (numpy_slope - fused_slope)
        print(f"crossover, numba cache warm: the fused engine is faster from about "
              f"{max(crossover, 0):,.0f} draws (the CLI's rule: {rule})")
        if cold is not None:
            crossover_cold = (fused_fixed + cold - numpy_fixed) / (numpy_slope - fused_slope)
            print(f"crossover, numba cache cold (compiling costs {cold:.1f} s more, section 1): "
                  f"from about {crossover_cold:,.0f} draws")
    return table


def section_fresh_venv(sizes, folder: Path):
    """Section 5: a new virtual environment with ``pip install '<checkout>[fast]'``."""
    checkout = HERE.parent
    venv = folder / "venv"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{checkout}[fast]"],
                   check=True)
    installed = time.perf_counter() - start
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX",
                        "NUMBA_CACHE_DIR")}
    projsim_command = str(venv / "bin" / "projsim")
    rows = []
    for arguments in (["run"], ["run", "--draws", str(sizes.draws)]):
        first = wall([projsim_command, *arguments], env)
        later = Spread.of([wall([projsim_command, *arguments], env) for _ in range(sizes.runs)])
        rows.append([f"projsim {' '.join(arguments)}", f"{first:.2f}", later.text(" s"),
                     f"{first / later.median:.2f}x"])
    print_table(f"5. A fresh install (venv, pip install '.[fast]', {installed:.0f} s), numba's "
                f"default cache (beside the installed sources); {load_average()}",
                ["command", "first run s", "later runs", "first / later"], rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (CI)")
    parser.add_argument("--runs", type=int, help=f"runs per figure (default {RUNS})")
    parser.add_argument("--fresh-venv", action="store_true",
                        help="also install the checkout in a new venv (downloads packages)")
    parser.add_argument("--sections", default="1234",
                        help="the sections to run, e.g. 14 (default 1234)")
    parser.add_argument("--curve-max", type=int,
                        help="section 4: only N up to this many draws, the numpy engine forced "
                             "up to a quarter of it (a shorter run on a busy machine)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.runs:
        sizes = sizes._replace(runs=args.runs, cold_runs=args.runs)
    if args.curve_max:
        sizes = sizes._replace(curve=tuple(n for n in sizes.curve if n <= args.curve_max),
                               numpy_up_to=min(sizes.numpy_up_to, args.curve_max // 4))
    print_machine("projsim whole-process benchmark" + (" (--quick)" if args.quick else ""))
    print(f"  children: {sys.executable} -m projsim.cli, projsim from {PACKAGE_ROOT}; "
          f"NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS', 'default')}")
    commands = {"projsim run": cli("run"),
                f"projsim run --draws {sizes.draws}": cli("run", "--draws", str(sizes.draws))}
    with tempfile.TemporaryDirectory(prefix="projsim-bench-process-") as temporary:
        caches = Caches(Path(temporary))
        for command in commands.values():  # fill the warm caches
            wall(command, caches.environment("warm"))
        results = {}
        if "1" in args.sections:
            results = section_cold_warm(sizes, caches, commands)
        probes = {}
        if "2" in args.sections or "3" in args.sections:
            probes = section_breakdown(sizes, caches, commands)
        if "3" in args.sections:
            section_options(sizes, caches, commands, probes)
        if "4" in args.sections:
            draws = f"projsim run --draws {sizes.draws}"
            cold = (results[draws, "cold"].median - results[draws, "warm"].median
                    if (draws, "cold") in results else None)
            section_curve(sizes, caches, cold)
        if args.fresh_venv:
            section_fresh_venv(sizes, Path(temporary))
    print(f"\n{load_average()}")
    if args.quick:
        print("--quick: one run of each, small ensembles; the figures say nothing about a "
              "full run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
