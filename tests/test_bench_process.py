"""A smoke run of benchmarks/bench_process.py: it starts, times and prints every section.

The whole-process benchmark starts ``projsim`` in new processes with caches
of its own; this runs its ``--quick`` mode (one run of each, one cold
start) and checks that every section printed its table, not the figures,
which depend on the machine.
"""

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bench_process_quick_prints_every_section():
    done = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "bench_process.py"),
                           "--quick"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    for heading in ("1. Whole processes", "2. Where the time goes", "2b. numba's work",
                    "3a. Lazier loading", "4. projsim run --draws N"):
        assert heading in done.stdout
