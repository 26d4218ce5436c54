"""Scenario benchmarks: the whole ``projsim run`` process, and rates against kernel.

Run from the repository root::

    python benchmarks/bench_scenario.py [--quick]

Every figure is the median of several runs with the minimum and the maximum
(7 processes, 25 calls; 2 and 3 with ``--quick``):

1. ``projsim run`` of the reference scenario as a whole process, Python
   start-up included, with numba's cache and the bytecode as the calling
   shell leaves them, timed beside ``python -c 'import xarray'`` in the same
   run. Target: within 1.2 s on these machines. ``bench_process.py`` times
   the same process cold and warm and splits its time;
2. turning the reference scenario with all its variants
   (``fpb-2013-variants``: six batch entries) into the kernel's rate arrays,
   the life-expectancy solver included (first pass and the reweighted second
   pass), against the kernel's two projections of the same scenario, each
   pair of calls in turn. Target: building the rates takes no longer than
   the kernel (the ratio of medians).

The script reports; it exits 0 unless it crashes.
"""

from __future__ import annotations

import sys

from benchlib import (  # noqa: E402  (first: it clears OpenBLAS overrides before numpy)
    Spread, load_average, print_machine,
)

import argparse  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import projsim  # noqa: E402
from projsim import engine as kernel  # noqa: E402
from projsim.assumptions import build_inputs, reweight_e0  # noqa: E402


def walls(command, runs) -> Spread:
    """Wall times of a command run as its own process ``runs`` times [s]."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return Spread.of(times)


def calls(function, runs):
    """Times of ``runs`` calls [s] and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return Spread.of(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (CI smoke run)")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else 7
    print_machine("projsim scenario benchmark" + (" (--quick)" if args.quick else ""))

    print(f"\n1. Whole process, median (min-max) of {repeats}; {load_average()}")
    run = walls([sys.executable, "-m", "projsim.cli", "run"], repeats)
    xarray = walls([sys.executable, "-c", "import xarray"], repeats)
    print(f"   projsim run (fpb-2013)          {run.text(' s')}   target <= 1.2 s: "
          f"{'PASS' if run.median <= 1.2 else 'MISS'}")
    print(f"   python -c 'import xarray'       {xarray.text(' s')}   ratio of medians "
          f"{run.median / xarray.median:.2f}")

    scenario = projsim.load_scenario("fpb-2013-variants")
    n = 3 if args.quick else 25
    first, inputs = calls(lambda: build_inputs(scenario), n)

    def project(rates_inputs):
        return kernel.project(rates_inputs.population, rates_inputs.rates,
                              timing=scenario.migration_timing, safeguard=scenario.safeguard)

    kernel_once, projection = calls(lambda: project(inputs), n)
    second, reweighted = calls(lambda: reweight_e0(inputs, scenario, projection.population), n)
    kernel_again, _ = calls(lambda: project(reweighted), n)
    rates_time = first.median + second.median
    kernel_time = kernel_once.median + kernel_again.median
    print(f"\n2. Rates against kernel, {len(scenario.variants)} variants x "
          f"{inputs.rates.survival.shape[0]} years x {inputs.population.shape[1]} regions, "
          f"median (min-max) of {n}; {load_average()}")
    print(f"   rates, first pass               {first.text(' ms', scale=1e3)}")
    print(f"   rates, e0 reweighting pass      {second.text(' ms', scale=1e3)}")
    print(f"   kernel, first projection        {kernel_once.text(' ms', scale=1e3)}")
    print(f"   kernel, second projection       {kernel_again.text(' ms', scale=1e3)}")
    print(f"   ratio rates / kernel (medians)  {rates_time / kernel_time:7.2f}    target <= 1: "
          f"{'PASS' if rates_time <= kernel_time else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
