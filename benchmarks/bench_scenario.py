"""Scenario benchmarks: the whole ``projsim run`` process, and rates against kernel.

Run from the repository root::

    python benchmarks/bench_scenario.py [--quick]

1. ``projsim run`` of the reference scenario as a whole process, Python
   start-up included, timed beside ``python -c 'import xarray'`` in the same
   run (best of several). Target: within 1.2 s on these machines.
2. Turning the reference scenario with all its variants
   (``fpb-2013-variants``: six batch entries) into the kernel's rate arrays,
   the life-expectancy solver included (first pass and the reweighted second
   pass), against the kernel's two projections of the same scenario. Target:
   building the rates takes no longer than the kernel.

The script reports; it exits 0 unless it crashes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import projsim
from projsim import engine as kernel
from projsim.assumptions import build_inputs, reweight_e0


def best_wall(command, repeats):
    """Best wall time of a command run as its own process [s]."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def best_call(function, repeats):
    """Best time of a call [s] and its last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (CI smoke run)")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else 7

    print("1. Whole process, best of", repeats)
    run = best_wall([sys.executable, "-m", "projsim.cli", "run"], repeats)
    xarray = best_wall([sys.executable, "-c", "import xarray"], repeats)
    print(f"   projsim run (fpb-2013)          {run:6.3f} s   target <= 1.2 s: "
          f"{'PASS' if run <= 1.2 else 'MISS'}")
    print(f"   python -c 'import xarray'       {xarray:6.3f} s   ratio {run / xarray:.2f}")

    scenario = projsim.load_scenario("fpb-2013-variants")
    n = 3 if args.quick else 25
    first, inputs = best_call(lambda: build_inputs(scenario), n)

    def project(rates_inputs):
        return kernel.project(rates_inputs.population, rates_inputs.rates,
                              timing=scenario.migration_timing, safeguard=scenario.safeguard)

    kernel_once, projection = best_call(lambda: project(inputs), n)
    second, reweighted = best_call(lambda: reweight_e0(inputs, scenario, projection.population), n)
    kernel_again, _ = best_call(lambda: project(reweighted), n)
    rates_time, kernel_time = first + second, kernel_once + kernel_again
    print(f"\n2. Rates against kernel, {len(scenario.variants)} variants x "
          f"{inputs.rates.survival.shape[0]} years x {inputs.population.shape[1]} regions, "
          f"best of {n}")
    print(f"   rates, first pass               {first * 1e3:7.2f} ms")
    print(f"   rates, e0 reweighting pass      {second * 1e3:7.2f} ms")
    print(f"   kernel, two projections         {kernel_time * 1e3:7.2f} ms")
    print(f"   ratio rates / kernel            {rates_time / kernel_time:7.2f}    target <= 1: "
          f"{'PASS' if rates_time <= kernel_time else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
