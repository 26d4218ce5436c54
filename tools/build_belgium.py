"""Build projsim's embedded Belgian inputs from the raw files in ``data-raw/belgium/``.

Run from the repository root::

    python tools/build_belgium.py              # writes src/projsim/data/belgium_{2012,2012_nationality,1988}/
    python tools/build_belgium.py --out DIR    # writes the three folders into DIR

The script reads only ``data-raw/belgium/`` (whose ``SOURCES.md`` gives the
provenance and licence of every file), derives the base population and the
rates of the embedded data sets, checks them against published figures,
prints the check values, and writes long CSV files, a ``meta.toml`` and a
``README.md`` for each data set. The README files are generated here so that
the measured check values they quote are always those of the shipped files.
The three-region ``belgium_2012_regions`` and ``belgium_1988`` are built in this file,
from the readers shared in ``belgium_common.py``; the region x nationality
``belgium_2012`` by ``belgium_nationality_files.py`` (estimation
in ``belgium_nationality.py``, README in ``belgium_nationality_readme.py``).

Output is deterministic: rows are sorted by their keys, integer counts are
written as integers and every other number with ``%.10g`` (ten significant
digits), so that a last-bit difference between two platforms' ``exp`` or
``log`` cannot change a byte. ``tests/io/test_embedded_data.py`` rebuilds into a
temporary directory and compares the files byte for byte.

Every estimate is described in the generated README files and in the
``[method]`` table of each ``meta.toml``. A check that fails raises
:class:`BuildError` with the measured and the expected value.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Run as a file or loaded by path (tests/io/test_embedded_data.py), so tools/ may not be on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import (  # noqa: E402
    REPO_ROOT, BuildError, format_value, markdown_table, run, toml_array, toml_string, toml_table, write_csv,
)
from belgium_common import (  # noqa: E402
    BASE_YEAR, BIRTHS_YEAR, CENSUS_ROY_ABROAD, CENSUS_ROY_INTERNAL, CENSUS_ROY_UNDER_1, E0_TOLERANCE,
    FERTILITY_SHAPE_YEAR, HMD_BIRTHS_2011, HMD_LEXIS_FILE, INTERNAL_LATER_PERIOD, INTERNAL_LEVEL_PERIOD, INTERNAL_MATRIX_PERIOD,
    KANNISTO_FIT_2012, KANNISTO_FROM_2012, MORTALITY_RATIO_GROUPS, MORTALITY_YEARS, N_AGES, OPEN_AGE, RAW_SEX,
    REGIONS, SEX_CODES, SHORT_REGION, Stocks, brussels_net_loss, census_age_groups, f1, f2, f3, fertility_2012,
    flow_matrix, grid, hmd_births, hmd_e0, infant_survival, mortality_2012, not_total, read_raw, read_stocks,
    licence_notes_2012, residual_net_migration, sex_ratio_at_birth, single_age_asfr, whole,
)
import belgium_nationality_files  # noqa: E402
import buildlib  # noqa: E402, F401  (tests point buildlib.RAW_DIR at a modified copy)

# Use this checkout's projsim, whether or not a copy is installed.
sys.path.insert(0, str(REPO_ROOT / "src"))
from projsim.demography.lifetable import kannisto_extend, life_expectancy_at_birth  # noqa: E402
from projsim.types import SEXES  # noqa: E402

#: First years t of the intervals t -> t+1 of the three-region residual net migration.
MIGRATION_YEARS = (2009, 2010, 2011)
KANNISTO_FIT_1988, KANNISTO_FROM_1988 = (80, 99), 100


# --------------------------------------------------------------------------
# Belgium 2012: the three regions


@dataclass
class InternalMigration:
    rate: np.ndarray  # (region, sex, age at end) out-migration hazard [per person-year]
    out_probability: np.ndarray  # (region, sex, age at end) 1 - exp(-rate)
    destination_share: np.ndarray  # (origin, destination)
    flow_2019: np.ndarray  # (origin, destination)
    scale: float
    brussels_net_2019: float
    brussels_net_level: float
    brussels_net_later: float
    out_flow_total: np.ndarray  # (origin,) scaled
    census_rate: np.ndarray  # (sex, census group)
    census_groups: list[tuple[int, int | None]]


def internal_migration(population: np.ndarray) -> InternalMigration:
    """Interregional out-migration rates and destination shares around 2012.

    The kernel (:func:`projsim.engine.moves.move_between`) moves
    ``P (1 - exp(-rate))`` persons out of the population ``P`` at the end of a
    one-year step, by age group at the end of the step. The out-migration
    probability ``p = c_o shape`` is therefore normalised on ``population``
    (1 January 2012, the proxy for the end-of-year population at risk, by age
    at the end) and written as the hazard ``-log(1 - p)``.
    """
    figures = read_raw("migration_interregional_text_figures.csv")
    flow = flow_matrix(figures)
    brussels = REGIONS.index("Brussels-Capital Region")
    brussels_net_2019 = flow[brussels].sum() - flow[:, brussels].sum()
    level, later = (brussels_net_loss(figures, period) for period in (INTERNAL_LEVEL_PERIOD, INTERNAL_LATER_PERIOD))
    scale = level / brussels_net_2019
    out_total = scale * flow.sum(axis=1)
    share = flow / flow.sum(axis=1, keepdims=True)

    census_rate, census_groups = census_internal_rate_shape()
    # The census age (1 January 2011, after the move) is the age reached at
    # the end of the year of the move: the kernel's age label.
    census_last = np.array([OPEN_AGE if last is None else last for _, last in census_groups])
    census_first = np.array([first for first, _ in census_groups])
    ages = np.arange(N_AGES)
    age_group = np.array([np.flatnonzero((census_first <= a) & (census_last >= a))[0] for a in ages])
    shape = census_rate[:, age_group]  # (sex, age at end)
    level_by_origin = out_total / (shape[None] * population).sum(axis=(1, 2))
    out_probability = level_by_origin[:, None, None] * shape[None]
    if out_probability.max() >= 1:
        o, s, a = np.unravel_index(np.argmax(out_probability), out_probability.shape)
        raise BuildError(
            f"internal migration: the out-migration probability of {REGIONS[o]}, {SEXES[s]}, age {a} is "
            f"{out_probability[o, s, a]:.4f}, expected below 1; the scaled out-flow of {REGIONS[o]} "
            f"({out_total[o]:,.0f}) is too large for the census age-sex shape on its 1 January {BASE_YEAR} "
            "population: check the interregional figures and the census 2011 copy in data-raw/belgium"
        )
    return InternalMigration(
        rate=-np.log1p(-out_probability),
        out_probability=out_probability,
        destination_share=share,
        flow_2019=flow,
        scale=float(scale),
        brussels_net_2019=float(brussels_net_2019),
        brussels_net_level=level,
        brussels_net_later=later,
        out_flow_total=out_total,
        census_rate=census_rate,
        census_groups=census_groups,
    )




def census_internal_rate_shape() -> tuple[np.ndarray, list[tuple[int, int | None]]]:
    """Census 2011 interregional in-migration rate into Brussels by sex and 5-year group.

    Numerator: Brussels residents on 1 Jan 2011 who lived in another
    arrondissement (hence in Flanders or Wallonia) on 1 Jan 2010. Denominator:
    census population of Flanders and Wallonia of the same sex and group,
    without the children born after 1 Jan 2010 (who have no prior residence).
    """
    rows = read_raw("migration_census2011_residence_one_year_prior_region_sex_age5.csv")
    groups = census_age_groups(rows)
    first_ages = [first for first, _ in groups]
    movers = np.zeros((len(SEXES), len(groups)))
    at_risk = np.zeros_like(movers)
    for row in rows:
        s, g = RAW_SEX[row["sex"]], first_ages.index(int(row["age_start"]))
        persons = float(row["persons"])
        if row["region"] == "Brussels-Capital Region" and row["residence_one_year_prior"] == CENSUS_ROY_INTERNAL:
            movers[s, g] += persons
        elif row["region"] != "Brussels-Capital Region" and row["residence_one_year_prior"] != CENSUS_ROY_UNDER_1:
            at_risk[s, g] += persons
    return movers / at_risk, groups


def immigrant_profile() -> list[tuple]:
    """Census 2011 persons who lived abroad a year earlier, as published by group."""
    rows = read_raw("migration_census2011_residence_one_year_prior_region_sex_age5.csv")
    totals: dict[tuple, int] = {}
    for row in rows:
        if row["residence_one_year_prior"] != CENSUS_ROY_ABROAD:
            continue
        age_end = int(row["age_end"]) if row["age_end"] else OPEN_AGE
        key = (row["region"], row["citizenship"], SEXES[RAW_SEX[row["sex"]]], int(row["age_start"]), age_end)
        totals[key] = totals.get(key, 0) + int(row["persons"])
    return [(*key, persons) for key, persons in sorted(totals.items())]


@dataclass
class NetMigration2012:
    total: np.ndarray  # (region, sex, age at end)
    internal: np.ndarray
    international: np.ndarray
    by_year_national: dict[int, float]
    by_year_region: dict[int, np.ndarray]
    age0_survival: dict[int, np.ndarray]  # year -> (sex,)


def net_migration_2012(stocks: Stocks, internal: InternalMigration) -> NetMigration2012:
    """Residual total net migration 2009-2011 and its internal / international split."""
    births = hmd_births(MIGRATION_YEARS)
    yearly, survival = {}, {}
    for y, year in enumerate(MIGRATION_YEARS):
        survival[year] = infant_survival(year)
        end_age0 = stocks.regional(year + 1)[..., 0]
        regional_births = births[y] * end_age0 / end_age0.sum(axis=0)
        yearly[year] = residual_net_migration(
            stocks.regional(year),
            stocks.regional(year + 1),
            stocks.cohort_deaths(year).sum(axis=1),
            regional_births * survival[year],
        )
    total = sum(yearly.values()) / len(yearly)

    # Internal flows as the kernel computes them: out-migrants P (1 - exp(-rate))
    # of the end-of-year population, by age at the end of the year. The 1 January
    # population closing each interval stands for the population at risk, and
    # the intervals are averaged like the residual.
    internal_by_year = []
    for year in MIGRATION_YEARS:
        out_flow = stocks.regional(year + 1) * -np.expm1(-internal.rate)
        in_flow = np.einsum("od,osa->dsa", internal.destination_share, out_flow)
        internal_by_year.append(in_flow - out_flow)
    internal_net = sum(internal_by_year) / len(internal_by_year)
    return NetMigration2012(
        total=total,
        internal=internal_net,
        international=total - internal_net,
        by_year_national={year: float(n.sum()) for year, n in yearly.items()},
        by_year_region={year: n.sum(axis=(1, 2)) for year, n in yearly.items()},
        age0_survival=survival,
    )


def published_international_net() -> dict[int, float]:
    rows = read_raw("migration_international_net_belgium_1990_2023.csv")
    return {int(r["year"]): float(r["net_international_migration"]) for r in rows}


# --------------------------------------------------------------------------
# Belgium 1988: national


@dataclass
class Belgium1988:
    population: np.ndarray  # (sex, age) 1 Jan 1988
    mortality_rate: np.ndarray  # (sex, age) 1987
    fertility_rate: np.ndarray  # (age,) 1987
    net_migration: np.ndarray  # (sex, age at end of 1987)
    replaced_ages: dict[str, list[int]]
    published_rate: np.ndarray  # (sex, age) HMD 1987, NaN where HMD has none
    e0: np.ndarray
    e0_hmd: np.ndarray
    tfr: float
    srb: tuple[float, int, int]
    births: np.ndarray  # (sex,) 1987


def belgium_1988() -> Belgium1988:
    """National base 1 January 1988 and the rates of 1987 (HMD, HFC)."""
    population_rows = read_raw("hmd_population_jan1_1x1_1987_1988.csv")
    axes = [("year", [1987, 1988]), ("sex", SEX_CODES), ("age", range(N_AGES))]
    population = grid(
        population_rows, "population", axes,
        select=lambda row: not_total(row) and row["hmd_year_variant"] == "none", source="hmd_population_jan1_1x1",
    )
    if not np.all(np.isfinite(population)):
        raise BuildError("HMD population 1987/1988 has empty cells")
    published_rate = grid(
        read_raw("hmd_mx_1x1_1987.csv"), "mx", [("year", [1987]), ("sex", SEX_CODES), ("age", range(N_AGES))],
        select=not_total, source="hmd_mx_1x1",
    )[0]
    observed = published_rate[:, :KANNISTO_FROM_1988]
    if not np.all(np.isfinite(observed) & (observed > 0)):
        raise BuildError(f"HMD mx 1987: a rate below age {KANNISTO_FROM_1988} is missing or zero")
    rate = kannisto_extend(
        observed, np.arange(KANNISTO_FROM_1988), fit_ages=KANNISTO_FIT_1988, replace_from=KANNISTO_FROM_1988,
        open_age=OPEN_AGE,
    )
    replaced = {
        SEXES[s]: [int(a) for a in np.flatnonzero(~np.isfinite(published_rate[s]) | (published_rate[s] == 0))]
        for s in range(len(SEXES))
    }

    lexis_rows = read_raw(HMD_LEXIS_FILE)
    lexis = {
        (row["age"], row["cohort"], RAW_SEX[row["sex"]]): float(row["deaths"])
        for row in lexis_rows
        if row["year"] == "1987" and row["sex"] != "T"
    }
    year = 1987
    cohort_deaths = np.zeros((len(SEXES), N_AGES))
    for s in range(len(SEXES)):
        for x in range(OPEN_AGE):
            cohort = str(year - x - 1)
            upper = lexis[(str(x), cohort, s)]
            # The lower triangle of the cohort turning 110 is inside HMD's 110+
            # row, which is counted with the open group below; only the sum of
            # the deaths at start ages 109 and 110+ is used.
            lower = lexis[(str(x + 1), cohort, s)] if x + 1 < OPEN_AGE else 0.0
            cohort_deaths[s, x] = upper + lower
        cohort_deaths[s, OPEN_AGE] = lexis[(str(OPEN_AGE), "", s)]
    births = hmd_births([year])[0]
    infant_lower = np.array([lexis[("0", str(year), s)] for s in range(len(SEXES))])
    net = residual_net_migration(population[0], population[1], cohort_deaths, births - infant_lower)

    fertility = single_age_asfr(read_raw("hfc_asfr_1x1_1987_2010.csv"), year)
    return Belgium1988(
        population=population[1],
        mortality_rate=rate,
        fertility_rate=fertility,
        net_migration=net,
        replaced_ages=replaced,
        published_rate=published_rate,
        e0=life_expectancy_at_birth(rate, np.array(SEXES)),
        e0_hmd=hmd_e0(year),
        tfr=float(fertility.sum()),
        srb=sex_ratio_at_birth(year),
        births=births,
    )


# --------------------------------------------------------------------------
# Writing



def region_sex_age_rows(regions: Sequence[str], *arrays: np.ndarray, convert=float) -> list[tuple]:
    """Long rows (region, sex, age, value...) sorted by region, sex, age."""
    return [
        (region, sex, age, *(convert(a[r, s, age]) for a in arrays))
        for r, region in enumerate(regions)
        for s, sex in enumerate(SEXES)
        for age in range(N_AGES)
    ]


#: Files (without ``.csv``) that every data set has, in the order ``meta.toml`` lists them.
BASE_FILES = ("population", "mortality_rate", "fertility_rate", "net_migration")


def write_base_files(
    out_dir: Path,
    regions: Sequence[str],
    population: np.ndarray,
    mortality_rate: np.ndarray,
    fertility_rate: np.ndarray,
    net_migration: dict[str, np.ndarray],
    *,
    convert_population: Callable[[float], float] = float,
) -> None:
    """Write the ``BASE_FILES`` of one data set into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder of the data set.
    regions : sequence of str
        Labels of the first axis of every array.
    population, mortality_rate : numpy.ndarray
        (region, sex, age) [persons], [deaths per person-year].
    fertility_rate : numpy.ndarray
        (region, age) [live births per woman per year].
    net_migration : dict of str to numpy.ndarray
        Column of ``net_migration.csv`` to its (region, sex, age) values [persons per year].
    convert_population : callable
        Applied to each population count, e.g. :func:`whole` for register counts.
    """
    write_csv(
        out_dir / "population.csv",
        ["region", "sex", "age", "population"],
        region_sex_age_rows(regions, population, convert=convert_population),
    )
    write_csv(
        out_dir / "mortality_rate.csv",
        ["region", "sex", "age", "mortality_rate"],
        region_sex_age_rows(regions, mortality_rate),
    )
    write_csv(
        out_dir / "fertility_rate.csv",
        ["region", "age", "fertility_rate"],
        [(region, age, float(fertility_rate[r, age])) for r, region in enumerate(regions) for age in range(N_AGES)],
    )
    write_csv(
        out_dir / "net_migration.csv",
        ["region", "sex", "age", *net_migration],
        region_sex_age_rows(regions, *net_migration.values()),
    )


def meta_header(
    *,
    name: str,
    title: str,
    base_year: int,
    regions: Sequence[str],
    sex_ratio_at_birth: float,
    migration_column: str,
    migration_note: Sequence[str],
    files: Sequence[str],
) -> list[str]:
    """The lines of ``meta.toml`` that every data set has, up to its ``[files]`` table.

    Parameters
    ----------
    name, title : str
        Data-set name, and its description in the first comment.
    base_year : int
        Year of the base population on 1 January.
    regions : sequence of str
        Region labels.
    sex_ratio_at_birth : float
        Male per female live births.
    migration_column : str
        Column of ``net_migration.csv`` with the net migration from abroad.
    migration_note : sequence of str
        Comment lines above ``net_migration_column``.
    files : sequence of str
        File names without ``.csv``, in the order of ``[files]``.
    """
    return [
        f"# projsim embedded data set: {title}, base 1 January {base_year}.",
        "# Generated by tools/build_belgium.py from data-raw/belgium/; do not edit by hand.",
        "# Files, units, age conventions, methods and licences: README.md in this folder.",
        f"name = {toml_string(name)}",
        f'base_date = "{base_year}-01-01"',
        f"year = {base_year}",
        *migration_note,
        f"net_migration_column = {toml_string(migration_column)}",
        f"regions = {toml_array(regions)}",
        f"sexes = {toml_array(SEXES)}",
        f"sex_ratio_at_birth = {format_value(sex_ratio_at_birth)}",
        "",
        toml_table("ages", {"first": 0, "last": OPEN_AGE, "open_age": OPEN_AGE}),
        toml_table("files", {stem: f"{stem}.csv" for stem in files}),
    ]


LICENCE_NOTES = """\
* **Statbel** (Statistics Belgium) open data: population on 1 January by region, sex and age, and the
  Census 2011 hypercube `TF_CENSUS_2011_HC46_L`. Reuse is free with **attribution to Statbel** (the open-data
  licence is described as compatible with CC BY). Source: Statbel, statbel.fgov.be.
* **Human Mortality Database** (HMD): deaths, exposures, death rates, births and populations of Belgium,
  version "Last modified: 25 Sep 2021". Cite as: *Human Mortality Database. University of California,
  Berkeley (USA), and Max Planck Institute for Demographic Research (Germany). www.mortality.org.* HMD moved to
  CC BY 4.0 in 2022 as far as we know, but this copy was obtained under the older HMD user agreement through
  third-party repositories that state no licence: **please verify the HMD terms before redistributing**.
* **larray register data** (Belgian register population and prospective death quotients by region, nationality,
  sex and age, as compiled by the Federal Planning Bureau) ship as test data of the `larray` package, which is
  **GPL-3.0**; no separate data licence is stated.
* **Human Fertility Collection** (HFC, MPIDR and VID): free for research with citation of the Human Fertility
  Collection, MPIDR and VID; the intermediary repository states no licence. Please verify.
* Interregional flows are figures published by IBSA, Statistiek Vlaanderen and Statbel, copied by hand from web
  pages (addresses in `data-raw/belgium/migration_interregional_text_figures.csv`).

projsim's code is BSD-3-Clause; these data files keep the terms of their sources above. Full provenance
(repositories, commits, transformations): `data-raw/belgium/SOURCES.md`.
"""


def build_2012(out_dir: Path) -> list[str]:
    """Compute, check and write ``belgium_2012_regions``; return the printed report."""
    stocks = read_stocks()
    population = stocks.regional(BASE_YEAR)
    mortality = mortality_2012(stocks)
    fertility = fertility_2012(stocks.regional)
    srb, male_births, female_births = sex_ratio_at_birth(BIRTHS_YEAR)
    internal = internal_migration(population)
    net = net_migration_2012(stocks, internal)
    published = published_international_net()
    profile = immigrant_profile()

    out_dir.mkdir(parents=True, exist_ok=True)
    write_base_files(
        out_dir,
        REGIONS,
        population,
        mortality.mortality_rate,
        fertility.fertility_rate,
        {
            "net_migration_total": net.total,
            "internal_net_migration": net.internal,
            "international_net_migration": net.international,
        },
        convert_population=whole,
    )
    write_csv(
        out_dir / "internal_migration_rate.csv",
        ["region", "sex", "age", "internal_migration_rate"],
        region_sex_age_rows(REGIONS, internal.rate),
    )
    write_csv(
        out_dir / "internal_destination.csv",
        ["origin", "destination", "share"],
        [(o, d, float(internal.destination_share[i, j])) for i, o in enumerate(REGIONS) for j, d in enumerate(REGIONS)],
    )
    write_csv(
        out_dir / "immigrant_profile.csv",
        ["region", "citizenship", "sex", "age_start", "age_end", "persons"],
        profile,
    )

    tfr = fertility.regional_level * fertility.national_rate.sum()
    groups = ",".join(f"{first}-{last}" for first, last in MORTALITY_RATIO_GROUPS)
    years = f"{MORTALITY_YEARS[0]}-{MORTALITY_YEARS[-1]}"
    intervals = ", ".join(f"{year}->{year + 1}" for year in MIGRATION_YEARS)
    methods = {
        "population": f"Statbel 1 Jan {BASE_YEAR} by region, nationality, sex and age 0-99 and 100+, summed over "
        "nationality; each region's, nationality's and sex's 100+ split over 100..109 and 110+ in proportion to the "
        "HMD national population of the same year and sex (whole persons, largest remainder).",
        "mortality_rate": f"HMD national deaths/exposure pooled {years} times a regional ratio (observed/expected "
        f"register deaths qx*P, P the Statbel population by nationality, pooled {years}, in the age groups {groups}); "
        f"ages {KANNISTO_FROM_2012}-109 and 110+ "
        f"from a Kannisto fit to ages {KANNISTO_FIT_2012[0]}-{KANNISTO_FIT_2012[1]}.",
        "fertility_rate": f"HFC {FERTILITY_SHAPE_YEAR} ASFR shape scaled to HMD {BIRTHS_YEAR} births "
        f"({HMD_BIRTHS_2011:,}) on Statbel women averaged over 1 Jan {BIRTHS_YEAR} and {BASE_YEAR}; regional levels "
        f"from the children aged 0 on 1 Jan {BASE_YEAR}, rescaled to keep national births.",
        "sex_ratio_at_birth": f"HMD live births {BIRTHS_YEAR}, male / female ({male_births:,} / {female_births:,}).",
        "net_migration_total": "Residual P(t+1,x+1) - P(t,x)(1-q(t,x)) with Statbel P (by nationality, summed) and "
        "larray register quotients below 100 (HMD quotient of the 100+ from 100 on), "
        f"mean of {intervals}; age 0 from HMD births shared by the regions' age-0 counts.",
        "internal_net_migration": "Net interregional flows implied by internal_migration_rate and internal_destination "
        "as the kernel applies them (out-migrants P (1 - exp(-rate)) by age at the end of the year), with P the "
        f"Statbel population on 1 January closing each interval, mean of {intervals}.",
        "international_net_migration": "net_migration_total - internal_net_migration (includes statistical "
        "adjustments).",
        "internal_migration_rate": f"{INTERNAL_MATRIX_PERIOD} Statbel-based out-flows scaled by Brussels' net loss "
        f"{INTERNAL_LEVEL_PERIOD}/{INTERNAL_MATRIX_PERIOD} ({internal.brussels_net_level:,.0f}/"
        f"{internal.brussels_net_2019:,.0f}); age-sex shape of the census 2011 moves into Brussels from the two other "
        "regions by census age (= age at the end of the year); same shape for every origin. The out-migration "
        f"probability p is normalised so that p x P(1 Jan {BASE_YEAR}) gives each origin's scaled out-flow, and "
        "written as the hazard -log(1 - p).",
        "internal_destination": f"Destination shares of the {INTERNAL_MATRIX_PERIOD} Statbel-based 3x3 gross-flow "
        "matrix.",
        "immigrant_profile": "Census 2011 persons living abroad on 1 Jan 2010, by region, citizenship (as published: "
        "Belgian, foreign, stateless, unknown), sex and 5-year group as published.",
    }
    meta = "\n".join(
        [
            *meta_header(
                name="belgium_2012_regions",
                title="Belgium by region",
                base_year=BASE_YEAR,
                regions=REGIONS,
                sex_ratio_at_birth=srb,
                migration_column="international_net_migration",
                migration_note=[
                    "# Column of net_migration.csv with the net migration from abroad "
                    "(the other two columns hold the",
                    "# total residual and its interregional part).",
                ],
                files=[*BASE_FILES, "internal_migration_rate", "internal_destination", "immigrant_profile"],
            ),
            toml_table(
                "units",
                {
                    "population": "persons on 1 January 2012",
                    "mortality_rate": "deaths per person-year",
                    "fertility_rate": "live births per woman per year",
                    "sex_ratio_at_birth": "male live births per female live birth",
                    "net_migration": "persons per year",
                    "internal_migration_rate": "per person-year (hazard); out-migrants = P * (1 - exp(-rate))",
                    "internal_destination": "fraction of the origin's out-migrants",
                    "immigrant_profile": "persons",
                },
            ),
            toml_table(
                "age_meaning",
                {
                    "population": "completed age on 1 January 2012",
                    "mortality_rate": "completed age during the year (Lexis square)",
                    "fertility_rate": "completed age of the mother during the year (Lexis square)",
                    "net_migration": "age on 1 January at the end of the year: the cohort aged age-1 on 1 January "
                    "at the start, or born during the year for age 0",
                    "internal_migration_rate": "age group reached at the end of the year, as the census age",
                    "immigrant_profile": "completed age at the census of 1 January 2011, after the move",
                },
            ),
            toml_table(
                "internal_migration",
                {
                    "brussels_net_loss_2019": whole(internal.brussels_net_2019),
                    "brussels_net_loss_2012": whole(internal.brussels_net_level),
                    "scale_2019_to_2012": internal.scale,
                },
            ),
            toml_table(
                "internal_migration.out_flow_total",
                {region: internal.out_flow_total[i] for i, region in enumerate(REGIONS)},
            ),
            toml_table(
                "sources",
                {
                    "statbel_population": "Statbel, population on 1 January by region, nationality, sex and age "
                    "(National Register, legal population, without asylum seekers), 2009-2012; attribution to Statbel "
                    "required",
                    "larray_register": "Belgian register prospective death quotients by region, nationality, sex and "
                    "age 2009-2012 (FPB), test data of the GPL-3.0 larray package: GPL-3.0",
                    "hmd": "Human Mortality Database, UC Berkeley and MPIDR, www.mortality.org (25 Sep 2021 version, "
                    "CC BY 4.0): deaths, exposures, births, Lexis deaths, e0, population 100+",
                    "hfc": "Human Fertility Collection (MPIDR, VID), standardized ASFR of Belgium, 2010",
                    "census_2011": "Statbel, Census 2011 hypercube TF_CENSUS_2011_HC46_L (residence one year earlier)",
                    "interregional_flows": "IBSA / Statistiek Vlaanderen (Statbel data): 2019 gross flows between the "
                    "regions and Brussels' 2012 net interregional loss, copied from web pages",
                    "provenance": "data-raw/belgium/SOURCES.md",
                },
            ),
            toml_table("method", methods),
        ]
    )
    (out_dir / "meta.toml").write_text(meta, encoding="utf-8")

    readme = readme_2012(
        population, mortality, fertility, tfr, (srb, male_births, female_births), internal, net, published, profile,
    )
    (out_dir / "README.md").write_text(readme, encoding="utf-8")

    report = [f"belgium_2012_regions -> {out_dir}"]
    report.append(f"  population 1 Jan 2012: total {population.sum():,.0f}; " + ", ".join(
        f"{SHORT_REGION[r]} {population[i].sum():,.0f}" for i, r in enumerate(REGIONS)))
    for s, sex in enumerate(SEXES):
        report.append(
            f"  e0 {sex}: "
            + ", ".join(f"{SHORT_REGION[r]} {mortality.e0_region[i, s]:.2f}" for i, r in enumerate(REGIONS))
            + f"; population-weighted rates {mortality.e0_weighted_rates[s]:.2f}"
            + f", national HMD 2010-2012 pooled {mortality.e0_national_pooled[s]:.2f}"
            + f", HMD life table 2011 {mortality.e0_hmd_2011[s]:.2f}"
        )
    report.append(
        f"  TFR: national {fertility.national_rate.sum():.3f} "
        f"(HFC {FERTILITY_SHAPE_YEAR} {fertility.hfc_tfr:.3f} x {fertility.national_scale:.4f}); "
        + ", ".join(f"{SHORT_REGION[r]} {tfr[i]:.3f}" for i, r in enumerate(REGIONS))
    )
    report.append(f"  sex ratio at birth 2011: {srb:.4f} ({male_births} / {female_births})")
    for year in MIGRATION_YEARS:
        report.append(
            f"  residual net migration {year}: Belgium {net.by_year_national[year]:,.0f} "
            f"(published net international {published[year]:,.0f}); "
            + ", ".join(f"{SHORT_REGION[r]} {net.by_year_region[year][i]:,.0f}" for i, r in enumerate(REGIONS))
        )
    mean_published = np.mean([published[y] for y in MIGRATION_YEARS])
    report.append(
        f"  mean 2009-2011: international {net.international.sum():,.0f} vs published {mean_published:,.0f}; "
        + "; ".join(
            f"{SHORT_REGION[r]} total {net.total[i].sum():,.0f} internal {net.internal[i].sum():,.0f} "
            f"international {net.international[i].sum():,.0f}"
            for i, r in enumerate(REGIONS)
        )
    )
    report.append(
        f"  internal: scale 2019->2012 {internal.scale:.4f}; out-flow totals "
        + ", ".join(f"{SHORT_REGION[r]} {internal.out_flow_total[i]:,.0f}" for i, r in enumerate(REGIONS))
    )
    return report


def readme_2012(population, mortality, fertility, tfr, srb, internal, net, published, profile) -> str:
    srb_value, male_births, female_births = srb
    groups = ", ".join(f"{a}-{b}" for a, b in MORTALITY_RATIO_GROUPS)
    ratio_rows = [
        [f"{SHORT_REGION[r]}, {sex}"] + [f2(mortality.ratio[i, s, g]) for g in range(len(MORTALITY_RATIO_GROUPS))]
        for i, r in enumerate(REGIONS)
        for s, sex in enumerate(SEXES)
    ]
    e0_rows = [[SHORT_REGION[r]] + [f2(v) for v in mortality.e0_region[i]] for i, r in enumerate(REGIONS)]
    e0_rows += [
        ["Belgium: population-weighted regional rates"] + [f2(v) for v in mortality.e0_weighted_rates],
        ["Belgium: population-weighted mean of the regional e0"] + [f2(v) for v in mortality.e0_weighted_mean],
        ["Belgium: HMD deaths/exposure pooled 2010-2012, same closure"] + [f2(v) for v in mortality.e0_national_pooled],
    ]
    e0_rows += [
        [f"Belgium: HMD deaths/exposure {year} alone, same closure"] + [f2(v) for v in e0]
        for year, e0 in mortality.e0_national_by_year.items()
    ]
    e0_rows.append(["Belgium: HMD period life table 2011 (published)"] + [f2(v) for v in mortality.e0_hmd_2011])
    tfr_rows = [
        [SHORT_REGION[r], f3(fertility.regional_multiplier[i]), f3(fertility.regional_level[i]), f3(tfr[i]),
         f1((fertility.fertility_rate[i] * fertility.female_exposure[i]).sum()), f1(population[i, :, 0].sum())]
        for i, r in enumerate(REGIONS)
    ]
    mean_published = float(np.mean([published[y] for y in MIGRATION_YEARS]))
    year_rows = [
        [f"{year} -> {year + 1}", f1(net.by_year_national[year]), f1(published[year]),
         f1(net.by_year_national[year] - published[year])]
        + [f1(net.by_year_region[year][i]) for i in range(len(REGIONS))]
        for year in MIGRATION_YEARS
    ]
    year_rows.append(
        ["mean", f1(net.total.sum()), f1(mean_published), f1(net.total.sum() - mean_published)]
        + [f1(net.total[i].sum()) for i in range(len(REGIONS))]
    )
    split_rows = [
        [SHORT_REGION[r], f1(net.total[i].sum()), f1(net.internal[i].sum()), f1(net.international[i].sum())]
        for i, r in enumerate(REGIONS)
    ]
    flow_rows = [
        [SHORT_REGION[o]] + [f1(internal.flow_2019[i, j]) if i != j else "" for j in range(len(REGIONS))]
        + [f1(internal.flow_2019[i].sum()), f1(internal.out_flow_total[i])]
        + [f3(internal.destination_share[i, j]) for j in range(len(REGIONS)) if j != i]
        for i, o in enumerate(REGIONS)
    ]
    census_rows = [
        [f"{first}-{last}" if last is not None else f"{first}+"]
        + [f"{1000 * internal.census_rate[s, g]:.2f}" for s in range(len(SEXES))]
        for g, (first, last) in enumerate(internal.census_groups)
    ]
    peak = tuple(int(i) for i in np.unravel_index(np.argmax(internal.out_probability), internal.out_probability.shape))
    survival = "; ".join(
        f"{year}: " + ", ".join(f"{SEXES[s]} {internal_s:.5f}" for s, internal_s in enumerate(net.age0_survival[year]))
        for year in MIGRATION_YEARS
    )
    births_by_sex = {"female": female_births, "male": male_births}
    birth_share = np.array([births_by_sex[sex] for sex in SEXES]) / (female_births + male_births)
    infant_deaths_per_1000 = 1000 * float(((1 - net.age0_survival[BIRTHS_YEAR]) * birth_share).sum())
    abroad = {}
    for region, _, _, _, _, persons in profile:
        abroad[region] = abroad.get(region, 0) + persons
    return f"""# Belgium 2012: embedded base data for projsim

Base population on **1 January 2012** and the rates of the years around 2011 for the three Belgian regions, to
reproduce the Federal Planning Bureau's *Bevolkingsvooruitzichten / Perspectives de population 2012-2060*
(May 2013) with projsim. Every file is **generated** by `tools/build_belgium.py` from the raw copies in
`data-raw/belgium/` (provenance: `data-raw/belgium/SOURCES.md`); do not edit them by hand. Rebuild with
`python tools/build_belgium.py`; `tests/io/test_embedded_data.py` checks that the shipped files equal a rebuild.

Most files are **estimates**, not published statistics: only `population.csv` and `immigrant_profile.csv` are
source counts. Each method, the years it uses and the checks it passes are given below.

## Conventions

* Long CSV, UTF-8, one header row, sorted by region, sex and age. Integer counts are written as integers, other
  numbers with 10 significant digits.
* `region`: `Brussels-Capital Region`, `Flemish Region`, `Walloon Region`. `sex`: `female`, `male`.
* `age`: integers 0..110, where **110 is the open group 110+** (`[ages]` in `meta.toml`). All age-specific files
  cover every region, sex and age 0..110.
* Ages do not mean the same thing in every file (Lexis diagram):

| file | columns | unit | what `age` means |
|---|---|---|---|
| `population.csv` | region, sex, age, population | persons on 1 January 2012 | completed age on 1 January 2012 |
| `mortality_rate.csv` | region, sex, age, mortality_rate | deaths per person-year (central death rate m(x)) | completed age during the year (Lexis square) |
| `fertility_rate.csv` | region, age, fertility_rate | live births per woman per year | completed age of the mother during the year (Lexis square) |
| `net_migration.csv` | region, sex, age, net_migration_total, internal_net_migration, international_net_migration | persons per year | age on 1 January **at the end** of the year: the cohort aged `age - 1` at the start, or born during the year for age 0; 110 = start ages 109 and 110+ |
| `internal_migration_rate.csv` | region, sex, age, internal_migration_rate | out-migration rate to the two other regions per person-year (a hazard): out-migrants = P x (1 - exp(-rate)) | age on 1 January **at the end** of the year (the age group reached at the end of the year, as the census age); P is the population at the end of the year before internal moves |
| `internal_destination.csv` | origin, destination, share | fraction of the origin's out-migrants | (no age) |
| `immigrant_profile.csv` | region, citizenship, sex, age_start, age_end, persons | persons | completed age at the census of 1 January 2011, after the move; the group `100+` is written `age_start = 100, age_end = {OPEN_AGE}` |

`meta.toml` holds the base date (and `year`), regions, sexes, ages, units, the sex ratio at birth
(**{format_value(srb_value)}** male per female birth), `net_migration_column` (the column of `net_migration.csv`
that holds migration from abroad: `international_net_migration`), the internal-migration totals, short source
notes and a one-line statement of every method.

## population.csv

Statbel's legal population (National Register, without the asylum seekers' waiting register) on 1 January 2012,
by region, nationality, sex and single age 0..99, and its 100+ total, summed over nationality. The 100+ of each
region, nationality and sex is split into 100..109 and 110+ in proportion to the HMD national population of
1 January 2012 of the same sex by single age 100..109 and 110+ (HMD's own estimates, CC BY 4.0), in whole
persons: each age gets the integer part of its share and the persons left over go to the largest remainders
(Hamilton's method). The split is the same as in `belgium_2012`, summed over nationality. Checked
totals: Belgium **{f1(population.sum())}**; Brussels
{f1(population[0].sum())}, Flanders {f1(population[1].sum())}, Wallonia {f1(population[2].sum())} (the published
figures). The 110+ group holds {f1(population[..., OPEN_AGE].sum())} persons.

## mortality_rate.csv

Central death rates m(x) around 2011 [deaths per person-year], by region, sex and age 0..110+.

1. **National level**: HMD deaths divided by HMD exposures, both summed over **2010, 2011 and 2012**, by sex and
   age. Pooling smooths the year-to-year variation: e0 was higher in 2011 than in 2010 and 2012 (table below).
2. **Regional ratio**: the larray register quotients `qx` are *prospective* probabilities: the probability that
   a person aged x on 1 January dies before the next 1 January (`data-raw/belgium/SOURCES.md`). For each year
   2010-2012, observed register deaths are qx x P (P = the Statbel population by region, nationality, sex and
   age, summed over nationality); expected deaths apply the national register quotient of the same year, sex and age to the
   region's population. The ratio observed / expected (indirect standardisation), pooled over 2010-2012, is
   computed in the age groups **{groups}** (age on 1 January) and multiplies the national m(x) at every age of
   the group. The half-year offset between the quotients' ages (1 January) and m(x) (age during the year) is
   ignored at this resolution.
3. **Ages 95..109 and 110+**: a Kannisto curve (`projsim.demography.kannisto_extend`) is fitted by least squares
   on the logit of the regional rates at ages **{KANNISTO_FIT_2012[0]}-{KANNISTO_FIT_2012[1]}** and replaces the
   rates from age {KANNISTO_FROM_2012}; the 110+ rate is 1 / e(110) of the fitted curve.

Regional ratios (observed / expected register deaths, 2010-2012):

{markdown_table(["region, sex"] + [f"{a}-{b}" for a, b in MORTALITY_RATIO_GROUPS], ratio_rows)}

Check, life expectancy at birth [years] (`projsim.demography.life_expectancy_at_birth`: a(x) = 1/2,
Andreev-Kingkade a0, the 110+ group lives 1/m years):

{markdown_table(["", "female", "male"], e0_rows)}

The population-weighted regional rates (weights: 1 January 2012 population; from age 100 the regional 100+
population) reproduce the pooled national level. They are
{f2(mortality.e0_hmd_2011[0] - mortality.e0_weighted_rates[0])} (female) and
{f2(mortality.e0_hmd_2011[1] - mortality.e0_weighted_rates[1])} (male) years below the HMD 2011 life table because
2011 was a light year between 2010 and 2012; the row "2011 alone" shows that the life-table code used here
reproduces the published HMD values. The build stops if the gap to HMD 2011 exceeds {E0_TOLERANCE} year.
For reference, the FPB quotes e0 2011 = 83.4 (female) and 78.2 (male) with its own quotients and life-table
method.

## fertility_rate.csv

Age-specific fertility rates [live births per woman per year] by region and single age of the mother 0..110;
zero outside 12..55. HFC's bound groups "12 and younger" and "55 and older" are put at ages 12 and 55.

1. **Shape**: HFC standardized ASFR of Belgium for **{FERTILITY_SHAPE_YEAR}** (TFR {f3(fertility.hfc_tfr)});
   2011 is not available in the HFC.
2. **National level**: scaled by {fertility.national_scale:.4f} so that the rates applied to the Statbel female
   population averaged over 1 January 2011 and 1 January 2012 give the HMD live births of **2011
   ({HMD_BIRTHS_2011:,})**. National TFR: **{f3(fertility.national_rate.sum())}**. HMD's 2011 figures include
   asylum seekers (the population universe changed on 1 January 2011) while the Statbel population does not, so
   the rates are slightly too high for the Statbel population if asylum seekers' births are among the HMD births.
3. **Regional levels**: for each region, the multiplier = children aged 0 on 1 January 2012 (born in 2011) /
   births the national schedule predicts for the region's women; the multipliers are then rescaled so that the
   three regions together keep the HMD national births. This ignores infant deaths (HMD lower-triangle deaths at
   age 0 in {BIRTHS_YEAR}: {infant_deaths_per_1000:.1f} per 1,000 births) and differences in infant migration
   between the regions.

{markdown_table(["region", "raw multiplier", "level (x national)", "TFR", "births implied 2011", "aged 0 on 1 Jan 2012"], tfr_rows)}

For reference, the observed TFRs of 2007 are Brussels 2.09 and Flanders 1.77 (NIS figures quoted by piglix.com,
"Demographics of Belgium"); no Walloon figure for these years is in the sources used here (a level of about
1.8-1.9 is the usual expectation, not a sourced figure). The Brussels level here is **probably too low**: families
with infants leave Brussels for the two other regions, so the age-0 count on 1 January understates Brussels
births (and overstates those of Flanders and Wallonia).

## Sex ratio at birth

`sex_ratio_at_birth` in `meta.toml` = HMD live births 2011, male / female = {male_births:,} / {female_births:,}
= {srb_value:.4f}.

## net_migration.csv

Net migrants per year [persons] by region, sex and age at the end of the year, averaged over the three
intervals **2009->2010, 2010->2011 and 2011->2012**.

* `net_migration_total` (residual method): N(t, x+1) = P(t+1, x+1) - P(t, x) x (1 - q(t, x)), with P the Statbel
  populations on 1 January (100+ split as for `population.csv`) and q the larray prospective quotients of
  year t by region, nationality, sex and age below 100 (deaths q x P summed over nationality); from age 100 on,
  q is the HMD quotient of the 100+ of year t and sex (deaths during the year of the persons aged 100+ on
  1 January, from HMD's Lexis triangles, over HMD's 100+ population), the same for every region. The end-age group 110+
  collects the start ages 109 and 110+. For **age 0 at the end**,
  the region's births are the HMD national births of year t by sex times the region's share of the age-0
  population of that sex on the next 1 January, survived with the national infant survival
  1 - (HMD deaths at age 0 in the lower Lexis triangle of year t) / births ({survival}).
  The residual is the **total** net migration of each region (international plus interregional) and also
  absorbs statistical adjustments (register corrections, ex-officio deletions) and any error in the quotients.
  Because the regional births are shared in proportion to the age-0 counts, the regional age-0 values only
  distribute the national age-0 residual; migration of infants between regions cannot be identified this way.
* `internal_net_migration`: the interregional in-flows minus out-flows implied by `internal_migration_rate.csv`
  and `internal_destination.csv` with the kernel's formula: out-migrants P(t+1, x) x (1 - exp(-rate(x))) by age
  x at the end of the year, shared among destinations. P(t+1, x) is the Statbel population on the **1 January
  closing each interval** (1 January 2010, 2011 and 2012), the proxy for the end-of-year population at risk, and
  the three intervals are averaged like the residual, so that `international_net_migration` is the mean of the
  three yearly differences. Age 0 holds the children born during the year (the kernel moves them with the rate
  of age 0). It sums to zero over the regions.
* `international_net_migration` = `net_migration_total` - `internal_net_migration`.

Check, national residual against Statbel's published net international migration
(`migration_international_net_belgium_1990_2023.csv`; nationally the interregional flows cancel):

{markdown_table(["year t", "Belgium residual", "published net international, year t", "difference", "Brussels", "Flanders", "Wallonia"], year_rows)}

The published series counts registered international moves only; the residual also contains the statistical
adjustment and the errors of the quotients, so differences of a few thousand are expected.

Regional split of the 2009-2011 mean [persons per year]:

{markdown_table(["region", "total", "internal", "international"], split_rows)}

The Brussels internal net implied for the mean of 2009-2011 ({f1(net.internal[0].sum())}) compares with the
published net loss of {f1(internal.brussels_net_level)} in {INTERNAL_LEVEL_PERIOD} that set the level: the rates
are normalised on the population of 1 January {BASE_YEAR}, so the interval closing on that date reproduces the
published loss exactly, and the two earlier, smaller populations give slightly smaller flows.

## internal_migration_rate.csv and internal_destination.csv

Out-migration to the two other regions, by origin region, sex and age, and the destination shares.

1. **Destination shares and totals**: the complete Statbel-based 3x3 gross-flow matrix for **2019** (IBSA /
   Statistiek Vlaanderen) gives each origin's destination shares (`internal_destination.csv`, rows sum to 1,
   zero diagonal) and its total out-flow. No matrix for 2009-2013 was found.
2. **Level around 2012**: the 2019 totals are scaled by the ratio of Brussels' published net interregional loss
   in **2012 ({f1(internal.brussels_net_level)})** to its 2019 net loss from the matrix
   ({f1(internal.brussels_net_2019)}): factor **{internal.scale:.4f}**, the same for every flow. The
   {INTERNAL_LATER_PERIOD} loss ({f1(internal.brussels_net_later)}) would give
   {internal.brussels_net_later / internal.brussels_net_2019:.4f}, the mean of the two years
   {0.5 * (internal.brussels_net_level + internal.brussels_net_later) / internal.brussels_net_2019:.4f}.
3. **Age-sex shape**: Census 2011 (1 January 2011) residents of Brussels who lived in Flanders or Wallonia a year
   earlier (`moved_from_other_arrondissement_in_belgium`; Brussels is one arrondissement), divided by the census
   population of Flanders and Wallonia of the same sex and 5-year group; for 0-4 both exclude the children born
   after 1 January 2010. The group rate is spread evenly over the single ages of the group (100+ over 100..110).
   The census age is the age on 1 January 2011, at the end of the year of the move, which is the age the kernel
   labels internal moves with: the shape at `age` is that of census age `age`, without a shift. Age 0 (children
   born during the year) takes the 0-4 group, whose rate is measured on ages 1-4.
   **The same shape is used for every origin** (only Brussels' in-moves can be identified in the census).
4. **Normalisation**: each origin's shape is multiplied by the factor that makes the out-migration probability
   p(age) applied to its 1 January {BASE_YEAR} population (the proxy for the population at risk at the end of the
   year, by age at the end) reproduce its scaled out-flow total. The file holds the hazard
   rate = -log(1 - p) [per person-year], so that the kernel's P x (1 - exp(-rate)) on that population gives the
   out-flow exactly. The build stops if any p reaches 1; the largest is
   {internal.out_probability[peak]:.4f} ({SHORT_REGION[REGIONS[peak[0]]]}, {SEXES[peak[1]]}, age {peak[2]}).

{markdown_table(["origin", "to Brussels 2019", "to Flanders 2019", "to Wallonia 2019", "out 2019", "out scaled (reproduced by the rates)", "share 1", "share 2"], flow_rows)}

(Shares are to the two other regions in the order Brussels, Flanders, Wallonia.)

Census shape, Brussels in-migrants per 1,000 residents of Flanders and Wallonia (sex and age at the census):

{markdown_table(["age group", "female", "male"], census_rows)}

## immigrant_profile.csv

Census 2011 residents who lived abroad on 1 January 2010 (`moved_from_abroad`), by region, citizenship, sex and
5-year age group at the census, **as published** (no splitting): citizenship is kept as the four published
groups `Belgian`, `foreign`, `stateless` and `unknown`. It is a profile (age-sex-citizenship structure) of
recent immigrants, not a flow: it misses immigrants who died or left again within the year and infants born
abroad after 1 January 2010, and the census population includes asylum seekers. Totals:
{", ".join(f"{SHORT_REGION[r]} {f1(abroad[r])}" for r in REGIONS)}; Belgium {f1(sum(abroad.values()))}.

## Limitations noticed

* The 2019 flow structure is assumed for 2012; IWEPS states that Wallonia gained 5,000-7,000 net a year from
  the two other regions over 2003-2015, while the scaled 2019 structure gives Wallonia
  {f1(net.internal[2].sum())} a year (mean of 2009-2011).
* One age-sex shape serves all origins, and it is the shape of moves *into* Brussels (peaking at 20-34). Moves
  *out of* Brussels are commonly described as suburbanisation of families with young children (not measured in
  these sources); if so, Brussels' out-migration here is too concentrated on young adults and too low for
  children.
* Children born during the year (age 0 at its end) get the full-year rate of the census group 0-4, measured
  on ages 1-4, although they are at risk for about half a year; their internal moves are probably overstated.
* The regional fertility levels rest on the age-0 population (see above); the Brussels TFR is likely
  understated.
* HMD (from 2011: births, the e0 check) and the census 2011 include asylum seekers; the Statbel population does
  not.

## Sources and licences

{licence_notes_2012(['mortality_rate.csv', 'net_migration.csv'])}"""


def build_1988(out_dir: Path) -> list[str]:
    """Compute, check and write ``belgium_1988``; return the printed report."""
    data = belgium_1988()
    srb_value, male_births, female_births = data.srb
    regions = ("Belgium",)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_base_files(
        out_dir,
        regions,
        data.population[None],
        data.mortality_rate[None],
        data.fertility_rate[None],
        {"net_migration": data.net_migration[None]},
    )
    replaced = "; ".join(f"{sex} {', '.join(map(str, ages))}" for sex, ages in data.replaced_ages.items())
    methods = {
        "population": "HMD population on 1 January 1988 (HMD intercensal estimate, not an official count), ages 0-109 "
        "and 110+.",
        "mortality_rate": f"HMD central death rates 1987, ages 0-{KANNISTO_FROM_1988 - 1}; ages "
        f"{KANNISTO_FROM_1988}-109 and 110+ from a Kannisto fit to ages {KANNISTO_FIT_1988[0]}-{KANNISTO_FIT_1988[1]} "
        f"(HMD has no rate at {replaced}).",
        "fertility_rate": "HFC standardized ASFR 1987; the bound groups 12-and-younger and 55-and-older at ages 12 "
        "and 55.",
        "sex_ratio_at_birth": f"HMD live births 1987, male / female ({male_births:,} / {female_births:,}).",
        "net_migration": "Residual 1987: P(1988,x+1) - P(1987,x) + deaths of the cohort in 1987 (HMD Lexis triangles); "
        "age 0: P(1988,0) - (births 1987 - lower-triangle infant deaths).",
    }
    meta = "\n".join(
        [
            *meta_header(
                name="belgium_1988",
                title="Belgium (national)",
                base_year=1988,
                regions=regions,
                sex_ratio_at_birth=srb_value,
                migration_column="net_migration",
                migration_note=[
                    "# Column of net_migration.csv with the net migration from abroad (one region: all of it).",
                ],
                files=BASE_FILES,
            ),
            toml_table(
                "units",
                {
                    "population": "persons on 1 January 1988",
                    "mortality_rate": "deaths per person-year",
                    "fertility_rate": "live births per woman per year",
                    "sex_ratio_at_birth": "male live births per female live birth",
                    "net_migration": "persons per year",
                },
            ),
            toml_table(
                "age_meaning",
                {
                    "population": "completed age on 1 January 1988",
                    "mortality_rate": "completed age during 1987 (Lexis square)",
                    "fertility_rate": "completed age of the mother during 1987 (Lexis square)",
                    "net_migration": "age on 1 January 1988, at the end of 1987: the cohort aged age-1 on "
                    "1 January 1987, or born during 1987 for age 0",
                },
            ),
            toml_table(
                "sources",
                {
                    "hmd": "Human Mortality Database, UC Berkeley and MPIDR, www.mortality.org (25 Sep 2021 version): "
                    "population, death rates, Lexis deaths, births, e0; CC BY 4.0",
                    "hfc": "Human Fertility Collection (MPIDR, VID), standardized ASFR of Belgium, 1987",
                    "provenance": "data-raw/belgium/SOURCES.md",
                },
            ),
            toml_table("method", methods),
        ]
    )
    (out_dir / "meta.toml").write_text(meta, encoding="utf-8")
    (out_dir / "README.md").write_text(readme_1988(data), encoding="utf-8")

    report = [f"belgium_1988 -> {out_dir}"]
    report.append(f"  population 1 Jan 1988 (HMD): {data.population.sum():,.2f}")
    report.append(
        "  e0 1987: " + ", ".join(f"{sex} {data.e0[s]:.2f} (HMD {data.e0_hmd[s]:.2f})" for s, sex in enumerate(SEXES))
    )
    report.append(
        f"  TFR 1987 (HFC): {data.tfr:.3f}; sex ratio at birth {srb_value:.4f} ({male_births} / {female_births})"
    )
    report.append(
        "  residual net migration 1987: "
        + ", ".join(f"{sex} {data.net_migration[s].sum():,.0f}" for s, sex in enumerate(SEXES))
        + f", total {data.net_migration.sum():,.0f}"
    )
    return report


def readme_1988(data: Belgium1988) -> str:
    srb_value, male_births, female_births = data.srb
    replaced = "; ".join(f"{sex}: {', '.join(map(str, ages))}" for sex, ages in data.replaced_ages.items())
    net_rows = [
        [label] + [f1(data.net_migration[s, first : last + 1].sum()) for s in range(len(SEXES))]
        for label, first, last in (("0-14", 0, 14), ("15-29", 15, 29), ("30-44", 30, 44), ("45-64", 45, 64),
                                   ("65+", 65, OPEN_AGE), ("all ages", 0, OPEN_AGE))
    ]
    return f"""# Belgium 1988: embedded national base for projsim

The national base population on **1 January 1988** and the rates of **1987**, for reconstructing the NIS
population forecast of that time (which assumed zero net migration). One region, `Belgium`. Every file is
**generated** by `tools/build_belgium.py` from the raw copies in `data-raw/belgium/` (provenance:
`data-raw/belgium/SOURCES.md`); do not edit them by hand. `tests/io/test_embedded_data.py` checks that the shipped
files equal a rebuild.

## Conventions

* Long CSV, UTF-8, one header row, sorted by sex and age; numbers with up to 10 significant digits.
* `region`: `Belgium`. `sex`: `female`, `male`. `age`: integers 0..110, where **110 is the open group 110+**.

| file | columns | unit | what `age` means |
|---|---|---|---|
| `population.csv` | region, sex, age, population | persons on 1 January 1988 (HMD estimates carry decimals) | completed age on 1 January 1988 |
| `mortality_rate.csv` | region, sex, age, mortality_rate | deaths per person-year | completed age during 1987 (Lexis square) |
| `fertility_rate.csv` | region, age, fertility_rate | live births per woman per year | completed age of the mother during 1987 |
| `net_migration.csv` | region, sex, age, net_migration | persons in 1987 | age on 1 January 1988: the cohort aged `age - 1` on 1 January 1987, or born in 1987 for age 0; 110 = start ages 109 and 110+ |

`meta.toml` holds the base date (and `year`), ages, units, the sex ratio at birth (**{format_value(srb_value)}**),
`net_migration_column` (`net_migration`), short source notes and a one-line statement of every method.

## population.csv

HMD population on 1 January 1988 by sex and single age 0..109 and 110+ (total {data.population.sum():,.2f}).
Before 1991 HMD populations are HMD's own intercensal estimates between the 1981 and 1991 censuses, not official
register counts (the official NIS figure for 1 January 1989 is 9,927,612, according to the HMD input data quoted
in `data-raw/belgium/SOURCES.md`). No official single-age table for 1 January 1988 was found.

## mortality_rate.csv

HMD central death rates (`Mx_1x1`, rounded by HMD to 6 decimals) of 1987 by sex, ages
0..{KANNISTO_FROM_1988 - 1} as published. HMD has no rate (no exposure) at ages {replaced}, and its rates
above 100 rest on a handful of deaths (the highest published rate is {np.nanmax(data.published_rate):.2f}).
Therefore ages {KANNISTO_FROM_1988}..109 and
110+ come from a Kannisto curve (`projsim.demography.kannisto_extend`) fitted on the logit of the rates at ages
{KANNISTO_FIT_1988[0]}-{KANNISTO_FIT_1988[1]}; the 110+ rate is 1 / e(110) of the curve.

Check, life expectancy at birth [years] (`projsim.demography.life_expectancy_at_birth`: a(x) = 1/2,
Andreev-Kingkade a0, the 110+ group lives 1/m years):
female {data.e0[0]:.2f} (HMD life table 1987: {data.e0_hmd[0]:.2f}), male {data.e0[1]:.2f} (HMD: {data.e0_hmd[1]:.2f}).

## fertility_rate.csv

HFC standardized ASFR of Belgium for 1987 by single age of the mother, as published; HFC's "12 and younger" and
"55 and older" groups sit at ages 12 and 55; zero at every other age outside 12..55. TFR **{data.tfr:.3f}**.

## Sex ratio at birth

HMD live births 1987, male / female = {male_births:,} / {female_births:,} = {srb_value:.4f}.

## net_migration.csv (for comparison only)

Net migration of 1987 by sex and age at the end of the year, **derived** by the residual method from HMD data:
N(x+1) = P(1988, x+1) - P(1987, x) + D, where D are the 1987 deaths of the cohort aged x on 1 January 1987
(upper Lexis triangle at age x plus lower triangle at age x+1, `hmd_deaths_lexis`); the end-age group 110+ takes
start ages 109 and 110+ and all deaths in HMD's 110+ row; for age 0, N(0) = P(1988, 0) - (births 1987 - deaths at
age 0 in the lower triangle of 1987). Because the HMD populations of 1987 and 1988 are intercensal estimates,
this residual is the migration **implied by HMD's estimates** (including HMD's distribution of the 1981-1991
census error), not a registered count. It lets users compare the zero-migration hypothesis of the 1988 forecast
with what happened in its first year.

{markdown_table(["age at end of 1987", "female", "male"], net_rows)}

## Sources and licences

{LICENCE_NOTES}"""


def main(argv: Sequence[str] | None = None) -> int:
    return run(
        argv,
        __doc__.splitlines()[0],
        {
            "belgium_2012_regions": build_2012,
            "belgium_2012": belgium_nationality_files.build,
            "belgium_1988": build_1988,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
