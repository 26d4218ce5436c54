"""Indicators benchmark: every indicator of an ensemble against projecting it.

Run from the repository root::

    python benchmarks/bench_indicators.py [--quick]

The reference scenario's inputs (``fpb-2013``: 3 regions, 2 sexes, ages
0-110+, 49 yearly steps, 50 dates) are copied into 1,000 draws (20 with
``--quick``) whose fertility, mortality and international migration are
scaled by random factors, one per draw and component. The script times

1. the projection of the draws: :func:`projsim.kernel.project` on the batch
   axis, then :func:`projsim.result.to_dataset` labelling it (its batch
   dimension renamed ``draw``);
2. every indicator of :mod:`projsim.indicators` on that Dataset, by region
   and national: TFR, GRR, NRR, mean age at childbearing, e0 and e65, crude
   birth, death and net migration rates, natural and migration balances,
   growth rate, mean and median age, the three dependency ratios, shares of
   67+ and 80+, sex ratios by age and in total.

Target: the indicators take less time than the projection. The script
prints the first run of each and the median, minimum and maximum of 5 runs
(1 with ``--quick``) in the same process, and judges the ratio of the
medians: on a first run the operating system has to find and zero fresh
memory for the projection's 2.4 GB of results, which makes that projection
several times slower than the next ones and flatters the ratio. Building the draws' rates (the life tables behind their survival
ratios) is timed too, and a second ratio counts it as part of projecting. A
warm-up on 2 draws runs first, untimed: the first Dataset of a process
imports xarray's optional array modules. The script exits 0 unless it
crashes; ``MISS`` is a measurement, not a failure.
"""

from __future__ import annotations

from benchlib import (  # noqa: E402  (first: it clears OpenBLAS overrides before numpy)
    RUNS, Spread, load_average, print_machine,
)

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from projsim import engine as kernel  # noqa: E402
from projsim.analysis import indicators  # noqa: E402
from projsim.demography.lifetable import survival_ratios_from_rates  # noqa: E402
from projsim.projection import run  # noqa: E402
from projsim.result import to_dataset  # noqa: E402
from projsim.io import load_scenario  # noqa: E402
from projsim.types import SEXES  # noqa: E402

#: Standard deviations of the log scale factors drawn per draw [1].
SPREAD = {"fertility": 0.1, "mortality": 0.1, "net_migration": 0.3}


def timed(function, repeats):
    """Wall time of each of ``repeats`` calls [s] and the last call's result."""
    times, result = [], None
    for _ in range(repeats):
        result = None
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def draws(inputs, n_draws, seed=2013):
    """Population, kernel rates and death rates of ``n_draws`` perturbed copies."""
    rng = np.random.default_rng(seed)
    factor = {name: np.exp(spread * rng.standard_normal(n_draws))
              for name, spread in SPREAD.items()}
    rates = inputs.rates
    mortality = inputs.mortality_rate * factor["mortality"][None, :, None, None, None]
    batch = rates._replace(
        survival=survival_ratios_from_rates(mortality, np.array(SEXES)),
        fertility_rate=rates.fertility_rate * factor["fertility"][None, :, None, None],
        net_migration=rates.net_migration * factor["net_migration"][None, :, None, None, None],
    )
    population = np.repeat(inputs.population, n_draws, axis=0)
    return population, batch, mortality


def all_indicators(ds):
    """Compute every indicator, by region and for the nation: name -> time [s]."""
    national = {"aggregate": "region"}
    both = {"aggregate": ("region", "sex")}
    calls = {
        "tfr": lambda: indicators.tfr(ds),
        "tfr national": lambda: indicators.tfr(ds, **national),
        "grr": lambda: indicators.grr(ds),
        "grr national": lambda: indicators.grr(ds, **national),
        "nrr": lambda: indicators.nrr(ds),
        "nrr national": lambda: indicators.nrr(ds, **national),
        "mean age at childbearing": lambda: indicators.mean_age_at_childbearing(ds),
        "mean age at childbearing national":
            lambda: indicators.mean_age_at_childbearing(ds, **national),
        "e0, e65": lambda: indicators.life_expectancy(ds, [0, 65]),
        "e0, e65 national": lambda: indicators.life_expectancy(ds, [0, 65], **national),
        "crude birth rate": lambda: indicators.crude_birth_rate(ds, aggregate="sex"),
        "crude birth rate national": lambda: indicators.crude_birth_rate(ds, **both),
        "crude death rate": lambda: indicators.crude_death_rate(ds, aggregate="sex"),
        "crude death rate national": lambda: indicators.crude_death_rate(ds, **both),
        "crude net migration rate":
            lambda: indicators.crude_net_migration_rate(ds, aggregate="sex"),
        "crude net migration rate national":
            lambda: indicators.crude_net_migration_rate(ds, **both),
        "natural balance": lambda: indicators.natural_balance(ds),
        "migration balance": lambda: indicators.migration_balance(ds),
        "growth rate": lambda: indicators.growth_rate(ds),
        "growth rate national": lambda: indicators.growth_rate(ds, **both),
        "mean age": lambda: indicators.mean_age(ds),
        "median age": lambda: indicators.median_age(ds),
        "median age national": lambda: indicators.median_age(ds, **both),
        "dependency ratios young, old, total": lambda: [
            indicators.dependency_ratio(ds, kind, **both) for kind in indicators.DEPENDENCY_KINDS],
        "shares 67+, 80+": lambda: [indicators.share_aged(ds, age, **both) for age in (67, 80)],
        "sex ratio by age": lambda: indicators.sex_ratio(ds),
        "sex ratio total national": lambda: indicators.sex_ratio(ds, aggregate=("region", "age")),
    }
    times = {}
    for name, call in calls.items():
        start = time.perf_counter()
        call()
        times[name] = time.perf_counter() - start
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 draws, one run (CI smoke run)")
    args = parser.parse_args(argv)
    n_draws, repeats = (20, 1) if args.quick else (1000, RUNS)
    print_machine("projsim indicators benchmark" + (" (--quick)" if args.quick else ""))

    scenario = load_scenario("fpb-2013")
    inputs, _ = run(scenario)

    def project(population, rates):
        return kernel.project(population, rates, timing=scenario.migration_timing,
                              safeguard=scenario.safeguard)

    def label(projection, rates, mortality):
        ds = to_dataset(projection, years=inputs.years, states=inputs.base.states,
                        ages=inputs.base.ages, attrs={"scenario": scenario.name}, inputs={},
                        moves=inputs.moves,
                        scenarios=tuple(map(str, range(rates.fertility_rate.shape[1]))),
                        rates={"mortality_rate": mortality, "fertility_rate": rates.fertility_rate,
                               "sex_ratio_at_birth": rates.sex_ratio_at_birth})
        return ds.rename(scenario="draw")

    # Untimed warm-up on 2 draws: the first xarray Dataset of a process imports
    # the optional array modules (dask ...), a cost of the process, not of a run.
    population, rates, mortality = draws(inputs, 2)
    all_indicators(label(project(population, rates), rates, mortality))

    building, (population, rates, mortality) = timed(lambda: draws(inputs, n_draws), repeats)
    kernel_times, projection = timed(lambda: project(population, rates), repeats)
    label_times, ds = timed(lambda: label(projection, rates, mortality), repeats)
    del projection
    runs = [all_indicators(ds) for _ in range(repeats)]
    indicator_times = [sum(times.values()) for times in runs]
    median_run = runs[indicator_times.index(sorted(indicator_times)[len(indicator_times) // 2])]
    projection_times = [a + b for a, b in zip(kernel_times, label_times)]

    shape = " x ".join(f"{size} {dim}" for dim, size in ds.population.sizes.items())
    print(f"Indicators of {n_draws} draws of fpb-2013: population {shape}")
    print(f"{'':43s}{'first run':>10s}   median (min-max) of {repeats}")
    rows = {"rates of the draws (survival ratios)": building,
            "projection: kernel.project": kernel_times,
            "projection: to_dataset": label_times,
            "projection, total": projection_times,
            "indicators, total": indicator_times}
    for name, times in rows.items():
        print(f"   {name:40s}{times[0]:8.3f} s   {Spread.of(times).text(' s')}")
    first = indicator_times[0] / projection_times[0]
    median = Spread.of(indicator_times).median / Spread.of(projection_times).median
    by_run = Spread.of([a / b for a, b in zip(indicator_times, projection_times)])
    whole = Spread.of(indicator_times).median / (Spread.of(projection_times).median
                                                 + Spread.of(building).median)
    print(f"   {'ratio indicators / projection':40s}{first:10.2f}   {median:.2f} (medians; run "
          f"by run {by_run.minimum:.2f}-{by_run.maximum:.2f})    target < 1 (medians): "
          f"{'PASS' if median < 1 else 'MISS'}")
    print(f"   {'ratio indicators / (rates + projection)':40s}{'':10s}   {whole:.2f}")
    print(f"\n   indicators in the median run{'':15s}{'ms':>10s}")
    for name, seconds in median_run.items():
        print(f"      {name:37s}{seconds * 1e3:10.1f}")
    print(f"\n{load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
