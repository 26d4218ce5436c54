"""What the benchmark scripts share: the OpenBLAS environment, the memory-copy
bound, tables and peak memory.

Import it before numpy: OpenBLAS reads ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE`` once, when numpy loads it, and a script run directly
removes them from its own environment (unless ``--keep-openblas-env`` is
given), as benchmarks/README.md explains.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

#: Variables that force OpenBLAS onto another CPU's kernels or cache size.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REMOVED_OPENBLAS_ENV: dict[str, str] = {}
_MAIN = getattr(sys.modules.get("__main__"), "__file__", None) or ""
if (Path(_MAIN).resolve().parent == Path(__file__).resolve().parent
        and "--keep-openblas-env" not in sys.argv and "numpy" not in sys.modules):
    REMOVED_OPENBLAS_ENV = {k: os.environ.pop(k) for k in OPENBLAS_OVERRIDES if k in os.environ}

import numpy as np  # noqa: E402


def copy_bandwidth(nbytes: int, repeats: int) -> float:
    """Best memory-copy bandwidth [bytes/s] on float64 arrays of ``nbytes``,
    counting the bytes read and the bytes written."""
    source = np.random.default_rng(1).random(max(nbytes // 8, 1))
    target = np.empty_like(source)
    np.copyto(target, source)  # fault the target's pages in before timing
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - start)
    return 2 * source.nbytes / best


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
