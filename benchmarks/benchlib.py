"""What the benchmark scripts share: the OpenBLAS environment, the machine,
statistics over repeated runs, the memory-copy bound, matrix-multiply rates,
tables and peak memory.

Import it before numpy: OpenBLAS reads ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE`` once, when numpy loads it, and a script run directly
removes them from its own environment (unless ``--keep-openblas-env`` is
given), as benchmarks/README.md explains.

Every figure the scripts print is the median of at least :data:`RUNS` runs,
with the minimum and the maximum beside it (:class:`Spread`); a best-of
figure is never the headline, because on a shared machine it shows what the
code costs when nothing else runs, which no user can count on.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

#: Variables that force OpenBLAS onto another CPU's kernels or cache size.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REMOVED_OPENBLAS_ENV: dict[str, str] = {}
_MAIN = getattr(sys.modules.get("__main__"), "__file__", None) or ""
if (Path(_MAIN).resolve().parent == Path(__file__).resolve().parent
        and "--keep-openblas-env" not in sys.argv and "numpy" not in sys.modules):
    REMOVED_OPENBLAS_ENV = {k: os.environ.pop(k) for k in OPENBLAS_OVERRIDES if k in os.environ}

import numpy as np  # noqa: E402

#: The fewest runs behind any figure of a full run.
RUNS = 5
#: Bytes of each array of the copy that gives the memory bound: 1 GiB, far
#: beyond any last-level cache we run on (an 83 MB copy ran at 16 GB/s on a
#: host that copies 400 MB at 25 GB/s, and a state-sized copy can sit in a
#: large L3 altogether).
BOUND_COPY_BYTES = 2**30


# --- statistics ---------------------------------------------------------------------------


class Spread(NamedTuple):
    """The median, minimum and maximum of repeated measurements, and their count."""

    median: float
    minimum: float
    maximum: float
    runs: int

    @classmethod
    def of(cls, values) -> Spread:
        values = [float(v) for v in values]
        return cls(statistics.median(values), min(values), max(values), len(values))

    def scaled(self, factor: float) -> Spread:
        """The same figures times ``factor`` (a positive number)."""
        return Spread(self.median * factor, self.minimum * factor, self.maximum * factor,
                      self.runs)

    def inverse(self, numerator: float = 1.0) -> Spread:
        """``numerator / value``: a rate from times (the minimum becomes the maximum)."""
        return Spread(numerator / self.median, numerator / self.maximum,
                      numerator / self.minimum, self.runs)

    def text(self, unit: str = "", digits: int = 3, scale: float = 1.0) -> str:
        """``median (min-max, n=runs)`` with ``digits`` significant digits."""
        def show(value):
            return f"{value * scale:.{digits}g}"
        return (f"{show(self.median)}{unit} ({show(self.minimum)}-{show(self.maximum)}, "
                f"n={self.runs})")


def repeat(function, runs: int, warmup: int = 0) -> list[float]:
    """Wall times [s] of ``runs`` calls of ``function()`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def interleaved(functions: dict, runs: int, warmup: int = 1, cpu: bool = False):
    """Wall times [s] of each of ``functions`` (name -> callable), run in turn.

    The calls alternate (a, b, a, b, ...), so that a change in the load of
    the machine falls on every function alike and the ratio of two of them,
    run by run, is measured in the same conditions. With ``cpu``, also the
    CPU time of the process during each call (all its threads), which
    leaves out the time the call waited for a core on a loaded machine:
    returns ``(wall, cpu)``.
    """
    for function in functions.values():
        for _ in range(warmup):
            function()
    walls: dict[str, list[float]] = {name: [] for name in functions}
    cpus: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(time.process_time() - start_cpu)
    return (walls, cpus) if cpu else walls


def ratios(numerators, denominators) -> Spread:
    """The spread of the run-by-run ratios of two interleaved series."""
    return Spread.of([a / b for a, b in zip(numerators, denominators)])


# --- the machine --------------------------------------------------------------------------


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _size_bytes(text: str) -> int:
    """``"48K"``, ``"2048K"``, ``"32M"`` -> bytes."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def caches() -> list[dict]:
    """The caches of CPU 0 (Linux ``/sys``): level, type, size [bytes], CPUs sharing it."""
    found = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        level, kind, size = (_read(index / name) for name in ("level", "type", "size"))
        if level and kind and size:
            found.append({"level": int(level), "type": kind, "bytes": _size_bytes(size),
                          "shared_with": _read(index / "shared_cpu_list") or "?"})
    return found


def last_level_cache_bytes() -> int:
    """Size of the last-level cache [bytes] (32 MiB if the system does not say)."""
    known = [cache["bytes"] for cache in caches() if cache["type"] != "Instruction"]
    return max(known) if known else 32 * 2**20


def cpuinfo() -> dict:
    """Fields of the first processor of ``/proc/cpuinfo``, and the processor count."""
    text = _read("/proc/cpuinfo") or ""
    first = {}
    for line in text.split("\n\n")[0].splitlines():
        key, _, value = line.partition(":")
        first[key.strip()] = value.strip()
    first["processors"] = text.count("processor\t:") or os.cpu_count()
    return first


def memory_total_bytes() -> int | None:
    """Physical memory [bytes] (Linux ``/proc/meminfo``)."""
    for line in (_read("/proc/meminfo") or "").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages and the CPU count."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} CPUs"


def describe_machine() -> list[str]:
    """Lines naming the machine: CPU model, cores, caches, memory, software, load."""
    info = cpuinfo()
    flags = set(info.get("flags", "").split())
    vector = [f for f in ("avx2", "avx512f", "amx_tile") if f in flags]
    cores = info.get("cpu cores", "?")
    siblings = info.get("siblings", "?")
    virtual = " (a virtual machine: the hypervisor flag is set)" if "hypervisor" in flags else ""
    lines = [f"CPU: {info.get('model name', platform.processor() or '?')}, "
             f"{info['processors']} logical CPUs ({cores} cores per package, {siblings} "
             f"threads per package), {', '.join(vector) or 'no AVX2'}{virtual}"]
    listed = [f"L{c['level']} {c['type'].lower()} {c['bytes'] / 2**10:,.0f} KiB "
              f"(CPUs {c['shared_with']})" for c in caches()]
    lines.append("caches of CPU 0: " + ("; ".join(listed) if listed else "not reported")
                 + (f"; /proc/cpuinfo cache size {info['cache size']}"
                    if "cache size" in info else ""))
    memory = memory_total_bytes()
    lines.append(f"memory: {memory / 2**30:.1f} GiB" if memory else "memory: not reported")
    versions = f"python {platform.python_version()}, numpy {np.__version__}"
    try:  # without importing numba, which a process-time benchmark would pay for
        versions += f", numba {importlib.metadata.version('numba')}"
    except importlib.metadata.PackageNotFoundError:
        versions += ", no numba"
    lines.append(versions + f", {platform.system()} {platform.release()}")
    if REMOVED_OPENBLAS_ENV:
        removed = ", ".join(f"{k}={v}" for k, v in REMOVED_OPENBLAS_ENV.items())
        lines.append(f"removed from this process's environment before loading numpy: {removed}")
    kept = {k: os.environ[k] for k in OPENBLAS_OVERRIDES if k in os.environ}
    if kept:
        lines.append("in effect: " + ", ".join(f"{k}={v}" for k, v in kept.items()))
    try:
        from threadpoolctl import threadpool_info
        lines += [f"thread pool: {p.get('internal_api')} {p.get('version', '')} "
                  f"{p.get('architecture', '')}, {p.get('num_threads')} threads"
                  for p in threadpool_info()]
    except ImportError:
        pass
    lines.append(load_average())
    return lines


def print_machine(title: str) -> None:
    """Print a benchmark's title with the date and the machine it runs on."""
    import datetime

    print(f"{title}, {datetime.datetime.now().isoformat(timespec='minutes')}")
    for line in describe_machine():
        print("  " + line)


# --- bounds -------------------------------------------------------------------------------


def copy_bandwidths(nbytes: int, runs: int) -> list[float]:
    """Memory-copy bandwidths [bytes/s] of ``runs`` ``np.copyto`` of float64 arrays
    of ``nbytes``, counting the bytes read and the bytes written."""
    source = np.random.default_rng(1).random(max(nbytes // 8, 1))
    target = np.empty_like(source)
    np.copyto(target, source)  # fault the target's pages in before timing
    return [2 * source.nbytes / seconds
            for seconds in repeat(lambda: np.copyto(target, source), runs)]


def copy_bandwidth(nbytes: int, runs: int) -> float:
    """The best of :func:`copy_bandwidths` [bytes/s]: the bound a kernel is held to."""
    return max(copy_bandwidths(nbytes, runs))


def matmul_rates(shapes: dict, runs: int) -> dict[str, Spread]:
    """Rates [flop/s] of ``numpy.matmul`` on float64 operands: name -> (m, k, n, stack).

    Each figure is a spread over ``runs`` timings of enough calls to last
    about 20 ms (one call of a large product), after one untimed call.
    """
    rng = np.random.default_rng(3)
    found = {}
    for name, (m, k, n, stack) in shapes.items():
        left = rng.random((stack, m, k) if stack > 1 else (m, k))
        right = rng.random((stack, k, n) if stack > 1 else (k, n))
        out = np.matmul(left, right)
        flops = 2.0 * m * k * n * stack
        start = time.perf_counter()
        np.matmul(left, right, out=out)
        calls = max(1, int(0.02 / max(time.perf_counter() - start, 1e-7)))

        def batch():
            for _ in range(calls):
                np.matmul(left, right, out=out)

        found[name] = Spread.of(repeat(batch, runs)).inverse(flops * calls)
    return found


# --- printing and memory ------------------------------------------------------------------


def print_table(title, header, rows):
    """Print rows of strings as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def join(cells):
        # first column left-aligned (labels), the others right-aligned (numbers)
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    print(f"\n{title}")
    print(join(header))
    print("-" * len(join(header)))
    for row in rows:
        print(join(row))


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far [bytes] (Linux reports KiB)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
