"""Regional age structures and nationality: the back-test and the FPB's regional shares.

Run from the repository root::

    python validation/regions.py

It prints, for the back-test ``observed-2012-2021`` (the 2012 base with the
observed national TFR, e0, net migration of 2012-2021) on the region x
nationality model and, for comparison, on the three-region model
(``observed-2012-2021-regions``):

* the error of every region x sex x 5-year age group 0-84 against the
  observed population of 1 January 2021 (and 85+);
* the error of every region x nationality total;
* the foreign share of Belgium and of each region, projected and observed;

then, for ``fpb-2013`` on both models, Belgium's population in 2030 and 2060
and the regional shares in 2060 against the FPB's published figures. Every
rate of the 2012 bases comes from data up to 1 January 2013 at most
(``src/projsim/data/belgium_2012/README.md``): the years 2013-2021 are out of
sample. The script measures; it never fails on a miss (exit code 0 unless it
crashes).
"""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np

import projsim
from projsim.io.packaged import shipped
from projsim.types import NATIONALITY, REGION

#: The observed population by region, nationality, sex and age, 2014-2021
#: (Statbel; provenance in data-raw/belgium/SOURCES.md).
OBSERVED = "data-raw/belgium/statbel_population_jan1_region_nationality_sex_1x1_2014_2021.csv"
PUBLISHED = "validation/published.csv"
#: The date compared, and the 5-year groups: 0-4, ..., 80-84, and 85+.
YEAR, GROUPS = 2021, 18
SEX = {"F": "female", "M": "male"}


def observed(year: int = YEAR) -> dict:
    """Observed persons on 1 January ``year``: by (region, sex, group) and by
    (region, nationality)."""
    by_group, by_nationality = defaultdict(float), defaultdict(float)
    with open(shipped(OBSERVED), newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if int(row["year"]) != year:
                continue
            persons = float(row["population"])
            group = min(int(row["age"]) // 5, GROUPS - 1)
            by_group[row[REGION], SEX[row["sex"]], group] += persons
            by_nationality[row[REGION], row[NATIONALITY]] += persons
    return {"group": by_group, "nationality": by_nationality}


def published() -> dict[tuple[str, int, str], float]:
    """The published figures by (quantity, year, geo)."""
    with open(shipped(PUBLISHED), newline="", encoding="utf-8") as stream:
        return {(r["quantity"], int(r["year"]), r["geo"]): float(r["value"])
                for r in csv.DictReader(stream)}


def grouped(population) -> dict:
    """A result's population of 1 January (region, sex, age ...) by (region, sex, group)."""
    keep = [d for d in population.dims if d not in (REGION, "sex", "age")]
    summed = population.sum(keep) if keep else population
    groups = np.minimum(summed.age.values // 5, GROUPS - 1)
    out = defaultdict(float)
    for r, region in enumerate(summed[REGION].values):
        for s, sex in enumerate(summed.sex.values):
            values = summed.isel({REGION: r, "sex": s}).values
            for g in range(GROUPS):
                out[str(region), str(sex), g] += float(values[groups == g].sum())
    return out


def backtest(name: str, seen: dict) -> dict:
    """Errors [%] of a back-test against the observed population of ``YEAR``."""
    result = projsim.project(name)
    population = result.population.sel(time=YEAR)
    projected = grouped(population)
    errors = {key: 100 * (projected[key] / seen["group"][key] - 1) for key in projected}
    nationality = {}
    if NATIONALITY in population.dims:
        totals = population.sum(["sex", "age"])
        for region in totals[REGION].values:
            for label in totals[NATIONALITY].values:
                value = float(totals.sel({REGION: region, NATIONALITY: label}))
                nationality[str(region), str(label)] = value
    return {"groups": errors, "nationality": nationality}


def print_groups(title: str, errors: dict) -> None:
    """The errors by region and sex (rows) and 5-year group (columns)."""
    labels = [f"{5 * g}-{5 * g + 4}" for g in range(GROUPS - 1)] + ["85+"]
    print(f"\n{title}: error [%] against the observed 1 January {YEAR}")
    print(f"{'':<34}" + "".join(f"{label:>7}" for label in labels))
    regions = sorted({key[0] for key in errors})
    for region in regions:
        for sex in ("female", "male"):
            cells = [errors[region, sex, g] for g in range(GROUPS)]
            print(f"{region[:26]:<26} {sex:<7}" + "".join(f"{c:>7.1f}" for c in cells))
    print("largest |error| at 0-84:  " + ";  ".join(
        f"{region}: {max(abs(errors[region, s, g]) for s in ('female', 'male') for g in range(GROUPS - 1)):.1f}"
        for region in regions))


def print_nationality(totals: dict, seen: dict) -> None:
    """Region x nationality totals and foreign shares against the observed ones."""
    print(f"\nRegion x nationality totals on 1 January {YEAR}")
    for key, value in sorted(totals.items()):
        target = seen["nationality"][key]
        print(f"  {key[0]:<26} {key[1]:<9} {value:>12,.0f} {target:>12,.0f} "
              f"{100 * (value / target - 1):+6.2f} %")
    print("Foreign share [%]: projected, observed, difference [points]")
    regions = sorted({key[0] for key in totals})
    for geo in [*regions, "Belgium"]:
        keys = [k for k in totals if geo in (k[0], "Belgium")]

        def share(values):
            foreign = sum(values[k] for k in keys if k[1] != "Belgian")
            return 100 * foreign / sum(values[k] for k in keys)

        projected, target = share(totals), share(seen["nationality"])
        print(f"  {geo:<26} {projected:6.2f} {target:6.2f} {projected - target:+6.2f}")


def print_fpb(name: str, figures: dict) -> None:
    """Totals 2030 and 2060 and the 2060 regional shares against the FPB's."""
    population = projsim.project(name).population
    keep = [d for d in population.dims if d not in ("time", REGION)]
    by_region = population.sum(keep)
    print(f"\n{name} against the FPB's published figures (May 2013)")
    for year in (2030, 2060):
        value = float(by_region.sel(time=year).sum())
        target = figures["population", year, "Belgium"]
        print(f"  Belgium, 1 January {year}: {value:>14,.0f} {target:>14,.0f} "
              f"{100 * (value / target - 1):+.2f} %  (aim: within 1 %)")
    total = float(by_region.sel(time=2060).sum())
    for region in by_region[REGION].values:
        value = 100 * float(by_region.sel(time=2060, **{REGION: region})) / total
        target = figures["share", 2060, str(region)]
        print(f"  share 2060, {region:<24} {value:6.2f} {target:6.1f} {value - target:+.2f} points"
              "  (aim: within 0.5 points)")


def main() -> int:
    seen = observed()
    figures = published()
    regions = backtest("observed-2012-2021-regions", seen)
    nationality = backtest("observed-2012-2021", seen)
    print_groups("Three-region model (observed-2012-2021-regions)", regions["groups"])
    print_groups("Region x nationality model (observed-2012-2021)", nationality["groups"])
    print_nationality(nationality["nationality"], seen)
    print_fpb("fpb-2013-regions", figures)
    print_fpb("fpb-2013", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
