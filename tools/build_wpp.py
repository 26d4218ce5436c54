"""Derive the WPP 2024 inputs for Belgium shipped in ``src/projsim/data/wpp2024_belgium/``.

Run from the repository root::

    python tools/build_wpp.py              # writes src/projsim/data/wpp2024_belgium/
    python tools/build_wpp.py --out DIR    # writes DIR/wpp2024_belgium/

The script reads only ``data-raw/wpp2024/`` (``SOURCES.md`` there gives the
provenance and the CC BY 3.0 IGO licence), keeps what a five-year projection
of Belgium from 1 July 2020 needs and what it is compared with, and writes the
tables in the layout :mod:`projsim.io.wpp` reads:

* ``population.csv``: the estimate of 1 July 2020 and the medium variant of
  1 July 2025 ... 2100 (the ``low`` and ``high`` variants are left out);
* ``mortality_rate.csv``: the abridged death rates of the periods 2020-2025
  ... 2095-2100, females and males (the both-sexes rows are left out);
* ``fertility.csv``: the PASFR of the same periods;
* ``indicators.csv``: TFR, sex ratio at birth, e0 and net migration of the
  same periods;
* ``net_migration.csv``: net migrants by sex and age group of the same
  periods (all the raw file holds);
* ``meta.toml``: what makes the folder a base of ``kind = "wpp"``
  (:func:`projsim.io.load_base` reads it through :func:`projsim.io.wpp.load_wpp`):
  the base year, the location code, the variant, the name of the area and
  the source credited under figures.

Every kept row is written as the raw file has it, field by field (no number is
parsed and written again), with a first column ``country_code`` = 56, the UN
location code the rows were selected by. Checks, each raising
:class:`BuildError` with the measured and the expected value: the abridged
life tables of every period give WPP's published e0 within 0.02 years
(Greville's separation factors, as the UN computes them); the PASFR of every
period sum to 100; net migration by age sums to the period's total; every
period and age group is present. The README is generated here so that the
figures it quotes are those of the shipped files. Output is deterministic;
``tests/io/test_wpp.py`` rebuilds into a temporary directory and compares the
files byte for byte.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Run as a file or loaded by path (tests/io/test_wpp.py), so tools/ may not be on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import REPO_ROOT, BuildError, markdown_table, read_rows, run, write_csv  # noqa: E402

# Use this checkout's projsim, whether or not a copy is installed.
sys.path.insert(0, str(REPO_ROOT / "src"))
from projsim.demography.lifetable import life_expectancy_at_birth  # noqa: E402
from projsim.io.wpp import WPP_FILES, load_wpp, read_wpp_population  # noqa: E402
from projsim.types import SEXES  # noqa: E402

RAW_DIR = REPO_ROOT / "data-raw" / "wpp2024"
DATA_SET = "wpp2024_belgium"
#: The UN location code of Belgium, which the raw rows were selected by.
COUNTRY_CODE = "56"
#: The base year: the projection starts on 1 July of it.
FIRST_YEAR = 2020
#: The projection variant kept (the UN medium variant).
VARIANT = "median"
#: Largest accepted |e0 from the abridged rates - WPP's e0| [years] (the issue's criterion).
E0_TOLERANCE = 0.02
#: Largest accepted gap between the PASFR of a period and 100 [percentage points].
PASFR_TOLERANCE = 0.01
#: Largest accepted gap between net migration by age and the period's total [thousands].
MIGRATION_TOLERANCE = 0.01

#: Each shipped table: its raw file and which rows it keeps.
TABLES = {
    "population": ("wpp2024_population_jul1_age5_5yr.csv",
                   lambda row: int(row["year"]) >= FIRST_YEAR and row["variant"] in ("estimate", VARIANT)),
    "mortality_rate": ("wpp2024_mx_abridged_5yr.csv",
                       lambda row: period_start(row) >= FIRST_YEAR and row["sex"] in ("F", "M")),
    "fertility": ("wpp2024_pasfr_age5_5yr.csv", lambda row: period_start(row) >= FIRST_YEAR),
    "indicators": ("wpp2024_tfr_srb_e0_netmig_5yr.csv", lambda row: period_start(row) >= FIRST_YEAR),
    "net_migration": ("wpp2024_netmig_age5_sex_5yr_proj.csv", lambda row: period_start(row) >= FIRST_YEAR),
}


def period_start(row: dict[str, str]) -> int:
    return int(row["period"].split("-")[0])


def header(name: str) -> list[str]:
    """The raw file's columns, as written in its first line."""
    with (RAW_DIR / name).open(encoding="utf-8") as handle:
        return handle.readline().rstrip("\n").split(",")


def copy_rows(out_dir: Path) -> dict[str, int]:
    """Write every table's kept rows with the country code first; the row counts."""
    counts = {}
    for table, (raw, keep) in TABLES.items():
        rows = [row for row in read_rows(RAW_DIR / raw) if keep(row)]
        columns = header(raw)
        write_csv(out_dir / WPP_FILES[table], ["country_code", *columns],
                  [[COUNTRY_CODE, *(row[c] for c in columns)] for row in rows])
        counts[table] = len(rows)
    return counts


def e0_errors(out_dir: Path):
    """Published e0 and our e0 minus it (period, sex), from the shipped tables."""
    inputs = load_wpp(out_dir, location=int(COUNTRY_CODE))
    e0 = life_expectancy_at_birth(inputs.mortality_rate, np.array(SEXES), age_width=inputs.mortality_widths,
                                  separation="greville")
    by_period = {row["period"]: row for row in read_rows(out_dir / WPP_FILES["indicators"])}
    columns = {"female": "e0F", "male": "e0M"}
    published = np.array([[float(by_period[f"{p}-{p + 5}"][columns[sex]]) for sex in SEXES]
                          for p in inputs.periods])
    return inputs, published, e0 - published


def check(out_dir: Path, inputs, errors) -> None:
    """Raise BuildError where a shipped table fails a check."""
    worst = np.unravel_index(np.abs(errors).argmax(), errors.shape)
    if abs(errors[worst]) > E0_TOLERANCE:
        raise BuildError(f"e0 of {inputs.periods[worst[0]]}, {SEXES[worst[1]]}: the abridged table gives "
                         f"{errors[worst]:+.4f} years from WPP's, expected within {E0_TOLERANCE}")
    pasfr = {}
    for row in read_rows(out_dir / WPP_FILES["fertility"]):
        pasfr[row["period"]] = pasfr.get(row["period"], 0.0) + float(row["pasfr_percent"])
    for period, total in pasfr.items():
        if abs(total - 100) > PASFR_TOLERANCE:
            raise BuildError(f"PASFR of {period} sum to {total:.4f}, expected 100 within {PASFR_TOLERANCE}")
    totals = {row["period"]: float(row["net_migration_thousands"])
              for row in read_rows(out_dir / WPP_FILES["indicators"])}
    by_age = 5 * inputs.net_migration.sum(axis=(1, 2)) / 1000
    for period, summed in zip(inputs.periods, by_age):
        total = totals[f"{period}-{period + 5}"]
        if abs(summed - total) > MIGRATION_TOLERANCE:
            raise BuildError(f"net migration {period}: {summed:.3f} thousand by age, {total:.3f} in total, "
                             f"expected equal within {MIGRATION_TOLERANCE}")


def readme(counts: dict[str, int], inputs, published, errors, totals) -> str:
    files = markdown_table(
        ["file", "raw copy", "rows", "content"],
        [[f"`{WPP_FILES['population']}`", f"`{TABLES['population'][0]}`", f"{counts['population']:,}",
          "population on 1 July [thousands] by sex and age group: the estimate of 2020 and the medium "
          "variant of 2025 ... 2100"],
         [f"`{WPP_FILES['mortality_rate']}`", f"`{TABLES['mortality_rate'][0]}`",
          f"{counts['mortality_rate']:,}", "central death rates [per person-year], abridged ages 0, 1, 5, "
          "..., 95 and 100+, females and males"],
         [f"`{WPP_FILES['fertility']}`", f"`{TABLES['fertility'][0]}`", f"{counts['fertility']:,}",
          "percentage of the TFR by age group of the mother, 15-19 ... 45-49 (PASFR)"],
         [f"`{WPP_FILES['indicators']}`", f"`{TABLES['indicators'][0]}`", f"{counts['indicators']:,}",
          "TFR, sex ratio at birth, e0 by sex and net migration [thousands] of each period"],
         [f"`{WPP_FILES['net_migration']}`", f"`{TABLES['net_migration'][0]}`",
          f"{counts['net_migration']:,}", "net migrants over each period [thousands] by sex and age group"]])
    worst = np.abs(errors).max(axis=0)
    e0_rows = [[f"{p}-{p + 5}", *(f"{published[i, s]:.4f}" for s in range(2)),
                *(f"{round(errors[i, s], 5) + 0.0:+.5f}" for s in range(2))] for i, p in enumerate(inputs.periods)]
    years, total = totals
    return f"""# WPP 2024: Belgium, five-year inputs from 1 July 2020

The inputs of a 5x5 projection of Belgium from 1 July 2020 to 1 July 2100 as the United Nations' *World
Population Prospects 2024* (WPP 2024) gives them, medium variant, and WPP's own population of every date to
compare a projection with. `projsim.io.wpp.load_wpp("wpp2024-belgium")` reads them
(`projsim.io.wpp` documents the layout, which another country's extract can follow).

**Source and licence.** United Nations, Department of Economic and Social Affairs, Population Division
(2024). *World Population Prospects 2024*. CC BY 3.0 IGO (https://creativecommons.org/licenses/by/3.0/igo/).
Read from the R data package `wpp2024` (GitHub `PPgp/wpp2024`); `data-raw/wpp2024/SOURCES.md` gives the
commits, the files and what was reshaped. Not endorsed by the United Nations.

Written by `tools/build_wpp.py` from the raw copies in `data-raw/wpp2024/`: every row kept is the raw row,
field by field, after a first column `country_code` = {COUNTRY_CODE} (the UN location code of Belgium, by
which the raw rows were selected). No number was computed, rounded or filled in.

{files}

## Conventions

* Periods run from 1 July to 1 July (`2020-2025` is 1 July 2020 to 1 July 2025; its `mid_year`, 2023, is
  the midpoint, 1 January 2023), and the population is on 1 July of `year`, so a five-year projection from
  the 1 July 2020 population with these rates stays on WPP's calendar.
* Counts are in thousands, as WPP publishes them; `projsim.io.wpp.load_wpp` converts them to persons, the net
  migrants of a period to persons per year, and the PASFR to fertility rates, TFR x PASFR / 100 / 5
  [births per woman per year].
* Net migrants are by age group at migration; WPP projects them with half at the start and half at the end
  of each period (the UN's "even" timing).

## Checks made by the build

* The abridged life table of every period (Greville's separation factors from age 15, 1a0 of Andreev and
  Kingkade, 4a1 of Coale and Demeny: `projsim.demography.separation`) gives WPP's published e0 within
  {E0_TOLERANCE} years; the largest gap is {worst[0]:.5f} years for females and {worst[1]:.5f} for males:

{markdown_table(["period", "e0 female (WPP)", "e0 male (WPP)", "ours - WPP, female", "ours - WPP, male"],
                e0_rows)}

* The PASFR of every period sum to 100 within {PASFR_TOLERANCE}; net migration by age sums to the period's
  total within {MIGRATION_TOLERANCE} thousand.

Population on 1 July [persons]: {years[0]} {total[0]:,.0f}; 2050 {total[list(years).index(2050)]:,.0f};
{years[-1]} {total[-1]:,.0f}.
"""


#: The area of the base: its one region.
AREA = "Belgium"
META = f"""\
# projsim embedded data set: Belgium, WPP 2024 medium variant, base 1 July {FIRST_YEAR}.
# Generated by tools/build_wpp.py from data-raw/wpp2024/; do not edit by hand.
# A base of kind "wpp": projsim.io.load_base reads the tables of this folder with
# projsim.io.wpp.load_wpp (layout in its docstring; README.md in this folder).
kind = "wpp"
year = {FIRST_YEAR}
location = {COUNTRY_CODE}
variant = "{VARIANT}"
regions = ["{AREA}"]

[sources]
wpp = "United Nations, Department of Economic and Social Affairs, Population Division (2024). World Population Prospects 2024, medium variant. CC BY 3.0 IGO"
provenance = "data-raw/wpp2024/SOURCES.md"
"""


def build(out_dir: Path) -> list[str]:
    """Copy, check and document the tables; return the printed report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = copy_rows(out_dir)
    (out_dir / "meta.toml").write_text(META, encoding="utf-8")
    inputs, published, errors = e0_errors(out_dir)
    check(out_dir, inputs, errors)
    years, _, population = read_wpp_population(out_dir / WPP_FILES["population"], location=int(COUNTRY_CODE))
    totals = (years, population.sum(axis=(1, 2)))
    (out_dir / "README.md").write_text(readme(counts, inputs, published, errors, totals), encoding="utf-8")
    worst = np.abs(errors).max(axis=0)
    return [
        f"{DATA_SET} -> {out_dir}",
        "  rows: " + ", ".join(f"{table} {count}" for table, count in counts.items()),
        f"  periods {inputs.periods[0]}-{inputs.periods[-1] + 5}, ages {inputs.ages[0]}..{inputs.ages[-1]}+",
        "  largest |e0 - WPP| (Greville): " + ", ".join(f"{sex} {w:.5f}" for sex, w in zip(SEXES, worst)),
        f"  population 1 July {years[0]}: {totals[1][0]:,.0f}, {years[-1]}: {totals[1][-1]:,.0f}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__.splitlines()[0], {DATA_SET: build})


if __name__ == "__main__":
    sys.exit(main())
