"""Compare the bundled FPB scenarios with the figures the FPB published.

Run from the repository root::

    python validation/fidelity.py

It prints, for the reference scenario ``fpb-2013`` (region x nationality) and
its three-region copy ``fpb-2013-regions``, Belgium's population in 2030 and
2060, the regional shares in 2060, life expectancy at birth by sex in 2060,
the TFR path, the year the natural balance reaches zero and the first years
against the observed Statbel totals; then the 2030 and 2060 totals of the
rebuilt 2011 edition (``fpb-2011``). Each line gives the projected value,
the published one, the error and the aim. The script measures; it never fails
on a miss (its exit code is 0 unless it crashes).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

import projsim
from projsim.demography.pooling import pooled_oldest
from projsim.projection import run
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.types import SEXES

PUBLISHED = Path(__file__).with_name("published.csv")


def published() -> dict[tuple[str, int, str], float]:
    """The published figures by (quantity, year, geo)."""
    with open(PUBLISHED, newline="", encoding="utf-8") as stream:
        return {(r["quantity"], int(r["year"]), r["geo"]): float(r["value"])
                for r in csv.DictReader(stream)}


def national_indicators(scenario: str):
    """The projection, and its national TFR and e0 by year from its own rates.

    The national schedules weight each state's rates (region, or region x
    nationality) by the year's mean projected population (women for fertility, each sex for mortality; the
    mean of the two 1 January populations, a proxy for the exposure), so they
    include the shifts in the regional composition.
    """
    loaded = projsim.load_scenario(scenario)
    result = projsim.project(loaded)
    inputs, projection = run(loaded)                                       # the same arrays
    stocks = projection.population[:, 0]
    exposure = pooled_oldest(0.5 * (stocks[:-1] + stocks[1:]))             # (T, state, S, A)
    fertility = inputs.rates.fertility_rate[:, 0]                          # (T, state, A)
    women = exposure[:, :, 0, :]
    tfr = ((fertility * women).sum(1) / women.sum(1)).sum(-1)
    rates = inputs.mortality_rate[:, 0]                                    # (T, state, S, A)
    national_rates = (rates * exposure).sum(1) / exposure.sum(1)
    e0 = life_expectancy_at_birth(national_rates, np.array(SEXES))          # (T, S)
    return result, tfr, e0


def line(label, projected, target, error, aim):
    """One aligned row of the comparison table."""
    return f"{label:<44}{projected:>14}{target:>14}  {error:<22}{aim}"


def relative(a, b):
    """The relative error of ``a`` against ``b``, formatted."""
    return f"{(a - b) / b:+.2%}"


def over(array, *keep: str):
    """``array`` summed over every dimension but ``time`` and ``keep``."""
    return array.sum([d for d in array.dims if d not in ("time", *keep)])


def compare(scenario: str, figures) -> None:
    """Print one FPB 2013 scenario against the published figures."""
    result, tfr, e0 = national_indicators(scenario)
    years = result.time.values
    total = over(result.population)
    print(f"{scenario} against the FPB's published figures (May 2013)\n")
    print(line("", "projsim", "published", "error", "aim"))
    for year in (2030, 2060):
        value, target = float(total.sel(time=year)), figures["population", year, "Belgium"]
        print(line(f"Belgium, 1 January {year} [persons]", f"{value:,.0f}", f"{target:,.0f}",
                   relative(value, target), "within 1 %"))
    shares = 100 * over(result.population, "region").sel(time=2060) / float(total.sel(time=2060))
    for region in result.region.values:
        value, target = float(shares.sel(region=region)), figures["share", 2060, str(region)]
        print(line(f"share 2060, {region} [%]", f"{value:.2f}", f"{target:.1f}",
                   f"{value - target:+.2f} points", "within 0.5 points"))
    t2060 = int(np.flatnonzero(years[:-1] == 2060)[0])
    for s, sex in enumerate(SEXES):
        value, target = float(e0[t2060, s]), figures["e0", 2060, sex]
        print(line(f"e0 2060, {sex} [years]", f"{value:.4f}", f"{target:.1f}",
                   f"{value - target:+.4f} years", "within 0.01"))
    shown = [2012, 2015, 2020, 2030, 2040, 2050, 2060]
    print("\nTFR [children per woman], national, from the projected female population")
    print("  " + "  ".join(f"{y}: {tfr[int(np.flatnonzero(years == y)[0])]:.3f}" for y in shown))
    natural = (over(result.births) - over(result.deaths)).isel(time=slice(None, -1))
    negative = years[:-1][natural.values <= 0]
    first = int(negative[0]) if negative.size else None
    print(f"\nNatural balance (births - deaths) first <= 0 in: {first} "
          f"(published: about 2045); 2012: {float(natural.sel(time=2012)):+,.0f}, "
          f"2030: {float(natural.sel(time=2030)):+,.0f}, 2045: {float(natural.sel(time=2045)):+,.0f}")
    print("\nFirst years against the observed Statbel totals (1 January)")
    for year in range(2013, 2022):
        value, target = float(total.sel(time=year)), figures["observed", year, "Belgium"]
        print(line(f"  {year}", f"{value:,.0f}", f"{target:,.0f}", relative(value, target), ""))


def main() -> int:
    figures = published()
    compare("fpb-2013", figures)
    print()
    compare("fpb-2013-regions", figures)
    print("\nfpb-2011 (rebuilt on the 2012 base; migration calibrated to these two totals)")
    previous = over(projsim.project("fpb-2011").population)
    for year in (2030, 2060):
        value, target = float(previous.sel(time=year)), figures["population_fpb2011", year, "Belgium"]
        print(line(f"Belgium, 1 January {year} [persons]", f"{value:,.0f}", f"{target:,.0f}",
                   relative(value, target), "within 1 %"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
