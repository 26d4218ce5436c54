"""Estimate the household-position model shipped in ``src/projsim/data/households_belgium/``.

Run from the repository root::

    python tools/build_households.py              # writes src/projsim/data/households_belgium/
    python tools/build_households.py --out DIR    # writes DIR/households_belgium/

The script reads only ``data-raw/belgium/households/`` (whose ``SOURCES.md``
gives the provenance and licence of every file): the census of 1 January 2011
by position in the household, the census's private households by province,
the Federal Planning Bureau's household series 1991-2016 and the observed
population 2001-2016. It estimates the model of
:mod:`projsim.analysis.households` (persons by region, sex, single age and
position; children per couple with children; households per person in the
position "other"; the trend of the positions' odds), checks it, prints the
check values, and writes ``persons_by_position.csv``,
``region_parameters.csv``, ``trend.csv``, ``households.toml`` and ``README.md``.
The README is generated here so that the figures it quotes are those of the
shipped files. The model is applied with projsim's own functions
(:func:`projsim.analysis.households.trended_shares` and
:func:`~projsim.analysis.households.households_from_positions`), so the
checks measure the code that projects.

Output is deterministic: rows are sorted by their keys and numbers written
with ``%.10g``. ``tests/io/test_households_data.py`` rebuilds into a
temporary directory and compares the files byte for byte. A check that fails
raises :class:`BuildError` with the measured and the expected value.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.optimize import least_squares

# Run as a file or loaded by path (tests/io/test_households_data.py), so tools/ may not be on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import (  # noqa: E402
    RAW_DIR, REPO_ROOT, BuildError, markdown_table, read_rows, run, toml_array, toml_string, write_csv,
)

# Use this checkout's projsim, whether or not a copy is installed.
sys.path.insert(0, str(REPO_ROOT / "src"))
from projsim.analysis.households import households_from_positions, trended_shares  # noqa: E402
from projsim.types import HOUSEHOLD_POSITIONS, HOUSEHOLD_TYPES, SEXES  # noqa: E402

DATA_SET = "households_belgium"
RAW = RAW_DIR / "households"

REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
NATIONAL = "Belgium"
GEOS = REGIONS + (NATIONAL,)
#: The region of a NUTS code by its first three characters (NUTS level 1).
REGION_OF_NUTS = dict(zip(("BE1", "BE2", "BE3"), REGIONS))
#: Raw sex codes in the order of ``SEXES``.
SEX_CODES = tuple({"female": "F", "male": "M"}[sex] for sex in SEXES)

OPEN_AGE = 100
AGES = np.arange(OPEN_AGE + 1)
#: First ages of the census's 5-year groups; the last group, 100+, is the open age.
GROUP_STARTS = tuple(range(0, OPEN_AGE + 1, 5))
POPULATION_OPEN_AGE = 110

CENSUS_YEAR = 2011
CENSUS_DATE = "2011-01-01"
CENSUS_POPULATION = 11_000_638
CENSUS_HOUSEHOLDS = 4_727_831
CENSUS_LIVING_ALONE = 1_607_741
#: The trend is fitted to the FPB series of these years, from the census as
#: origin, and held after TREND_UNTIL (the last year observed).
TREND_FIRST, TREND_LAST = 2006, 2016
TREND_ORIGIN, TREND_UNTIL = CENSUS_YEAR, 2016
#: The positions whose odds trend; the others are the reference of the odds.
TRENDED = ("living_alone", "partner", "lone_parent", "other")
#: The FPB household types, by the household type of the model they count.
FPB_TYPES = {
    "one_person": ("SING",),
    "couples": ("MAR0", "MAR+", "UNM0", "UNM+"),
    "lone_parent": ("H1P",),
    "other": ("OTHR",),
}
CHECK_YEARS = tuple(range(2012, 2017))
#: Ages over which the README reports the range of the graduated share living alone.
ADULT_AGES = (20, 99)
#: Largest accepted gap [nuclei] between the census's family nuclei and the
#: persons in their positions (partners / 2, lone parents), by region.
NUCLEI_TOLERANCE = 2

PARTNER_CODES = ("MARO", "MARS", "REPO", "REPS", "CSU")
#: Categories of the census tables before the split and the allocation:
#: ``in_no_nucleus`` pools living alone and other (HC42), ``not_stated`` is a
#: private household without a stated position.
IN_NO_NUCLEUS, NOT_STATED = "in_no_nucleus", "not_stated"
HC42_CATEGORY = {
    **{("FAM", code): "partner" for code in PARTNER_CODES},
    ("FAM", "PAR1"): "lone_parent",
    ("FAM", "CH_CPL"): "child_of_couple",
    ("FAM", "CH_PAR1"): "child_of_lone_parent",
    ("NFAM", "NAP"): IN_NO_NUCLEUS,
    ("IST", "NAP"): "institution",
    ("PRV_UNK", "NAP"): NOT_STATED,
}
HC48_CATEGORY = {
    **{code: "partner" for code in PARTNER_CODES},
    "P1": "living_alone",
    "MULTI_R": "other",
    "MULTI_NR": "other",
    "PAR1": "lone_parent",
    "CH_CPL": "child_of_couple",
    "CH_PAR1": "child_of_lone_parent",
    "IST": "institution",
    "PRV_UNK": NOT_STATED,
}
CATEGORIES_42 = ("partner", "lone_parent", "child_of_couple", "child_of_lone_parent", IN_NO_NUCLEUS,
                 "institution", NOT_STATED)
CATEGORIES_48 = HOUSEHOLD_POSITIONS + (NOT_STATED,)
PRIVATE = tuple(p for p in HOUSEHOLD_POSITIONS if p != "institution")


# --------------------------------------------------------------------------
# Reading


def read_raw(name: str) -> list[dict[str, str]]:
    """Rows of ``data-raw/belgium/households/<name>`` as dictionaries of strings."""
    return read_rows(RAW / name)


def region_of(code: str, source: str) -> int:
    """Index in REGIONS of the region of a NUTS code."""
    if code[:3] not in REGION_OF_NUTS:
        raise BuildError(f"{source}: NUTS code {code!r} is in no region; expected BE1.., BE2.. or BE3..")
    return REGIONS.index(REGION_OF_NUTS[code[:3]])


def census_age(label: str) -> int:
    """The first age of a census age label: Y_LT1 and Y_LT5 are 0, Y_GE100 is 100, Yn and Yn-m are n."""
    if label.startswith("Y_LT"):
        return 0
    if label.startswith("Y_GE"):
        return int(label[4:])
    return int(label[1:].split("-")[0])


def accumulate(name: str, code_column: str, value: str, key: Callable[[dict[str, str]], tuple],
               shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``value`` into an array (region, *key(row)) of ``shape``, regions from the NUTS code."""
    out = np.zeros(shape)
    for row in read_raw(name):
        out[(region_of(row[code_column], name), *key(row))] += float(row[value])
    return out


def sex_index(row: dict[str, str], source: str) -> int:
    if row["sex"] not in SEX_CODES:
        raise BuildError(f"{source}: sex {row['sex']!r}, expected one of {SEX_CODES}")
    return SEX_CODES.index(row["sex"])


def category(table: dict, code, source: str, categories: tuple[str, ...]) -> int:
    if code not in table:
        raise BuildError(f"{source}: position code {code!r} unknown; expected one of {sorted(table)}")
    return categories.index(table[code])


def read_hc42() -> np.ndarray:
    """Census persons (region, sex, single age 0..100+, CATEGORIES_42), provinces summed."""
    name = "census2011_HC42_household_family_position_province_sex_age1.csv"
    return accumulate(name, "province_code", "persons", lambda row: (
        sex_index(row, name), census_age(row["age"]),
        category(HC42_CATEGORY, (row["hst_lvl2"], row["fst_lvl3"]), name, CATEGORIES_42),
    ), (len(REGIONS), len(SEXES), AGES.size, len(CATEGORIES_42)))


def read_hc48() -> np.ndarray:
    """Census persons (region, sex, 5-year group, CATEGORIES_48), arrondissements summed."""
    name = "census2011_HC48_household_position_arrondissement_sex_age5.csv"
    return accumulate(name, "arrondissement_nuts3", "persons", lambda row: (
        sex_index(row, name), GROUP_STARTS.index(census_age(row["age_group"])),
        category(HC48_CATEGORY, row["hst_lvl4"], name, CATEGORIES_48),
    ), (len(REGIONS), len(SEXES), len(GROUP_STARTS), len(CATEGORIES_48)))


def read_hc55() -> np.ndarray:
    """The census population (region, sex, single age 0..100+), arrondissements summed."""
    name = "census2011_HC55_population_arrondissement_sex_age1.csv"
    return accumulate(name, "arrondissement_nuts3", "persons",
                      lambda row: (sex_index(row, name), census_age(row["age"])),
                      (len(REGIONS), len(SEXES), AGES.size))


def read_private_households() -> np.ndarray:
    """The census's private households by region (provinces summed)."""
    name = "census2011_private_households_province.csv"
    households = accumulate(name, "province_code", "private_households", lambda row: (), (len(REGIONS),))
    if households.sum() != CENSUS_HOUSEHOLDS:
        raise BuildError(f"{name}: the provinces add up to {households.sum():,.0f}, expected {CENSUS_HOUSEHOLDS:,}")
    return households


@dataclass
class Nuclei:
    couples: np.ndarray  # (region,) couple nuclei
    couples_with_children: np.ndarray  # (region,)
    lone_parents: np.ndarray  # (region,) lone-parent nuclei
    children_counted: np.ndarray  # (region,) children of couples by the sizes, 11+ counted as 11


def read_nuclei() -> Nuclei:
    """Family nuclei by region from HC52: couples, couples with resident children, lone parents."""
    name = "census2011_HC52_family_nuclei_type_size_arrondissement.csv"
    shape = (len(REGIONS), 4)
    counts = np.zeros(shape)
    for row in read_raw(name):
        kind, _, children = row["family_type_lvl3"].partition("_")
        r = region_of(row["arrondissement_nuts3"], name)
        nuclei = float(row["family_nuclei"])
        size = int(row["family_size"].replace("GE", ""))
        if kind in PARTNER_CODES:
            counts[r, 0] += nuclei
            if children in ("YCH", "OCH"):
                counts[r, 1] += nuclei
                counts[r, 3] += nuclei * (size - 2)
        elif kind in ("F1", "M1"):
            counts[r, 2] += nuclei
        else:
            raise BuildError(f"{name}: family type {row['family_type_lvl3']!r} unknown")
    return Nuclei(*counts.T)


def read_population(years: Sequence[int]) -> np.ndarray:
    """Statbel population (year, region, sex, age 0..100+) on 1 January, 110+ pooled into 100+."""
    name = "statbel_population_jan1_region_sex_1x1_2001_2016_via_fpb.csv"
    out = np.zeros((len(years), len(REGIONS), len(SEXES), AGES.size))
    seen = np.zeros((len(years), len(REGIONS), len(SEXES), POPULATION_OPEN_AGE + 1), dtype=bool)
    for row in read_raw(name):
        if int(row["year"]) not in years:
            continue
        cell = (years.index(int(row["year"])), REGIONS.index(row["region"]), sex_index(row, name))
        age = int(row["age"])
        seen[(*cell, age)] = True
        out[(*cell, min(age, OPEN_AGE))] += float(row["population"])
    if not seen.all():
        raise BuildError(f"{name}: {np.count_nonzero(~seen)} cells of {years[0]}-{years[-1]} missing")
    return out


def read_fpb_households(years: Sequence[int]) -> np.ndarray:
    """The FPB's households (year, region, type of FPB_TYPES) on 1 January."""
    name = "larray_fpb_households_by_type_region_1991_2016.csv"
    kinds = list(FPB_TYPES)
    out = np.zeros((len(years), len(REGIONS), len(kinds)))
    for row in read_raw(name):
        if int(row["year"]) in years:
            (kind,) = [k for k, codes in FPB_TYPES.items() if row["hh_type"] in codes]
            out[years.index(int(row["year"])), REGIONS.index(row["region"]), kinds.index(kind)] += \
                float(row["households"])
    if np.any(out == 0):
        raise BuildError(f"{name}: a year, region or type of {years[0]}-{years[-1]} is missing")
    return out


# --------------------------------------------------------------------------
# Estimation


def check_tables(hc42: np.ndarray, hc48: np.ndarray, hc55: np.ndarray) -> None:
    """HC42 and HC48 agree in every region, sex, group and position; HC42 sums to HC55."""
    by_group = np.add.reduceat(hc42, GROUP_STARTS, axis=2)
    pooled = np.stack([hc48[..., CATEGORIES_48.index(c)] if c != IN_NO_NUCLEUS else
                       hc48[..., CATEGORIES_48.index("living_alone")] + hc48[..., CATEGORIES_48.index("other")]
                       for c in CATEGORIES_42], axis=-1)
    if not np.array_equal(by_group, pooled):
        r, s, g, c = np.argwhere(by_group != pooled)[0]
        raise BuildError(f"HC42 and HC48 differ at {REGIONS[r]}, {SEXES[s]}, ages {GROUP_STARTS[g]}+, "
                         f"{CATEGORIES_42[c]}: {by_group[r, s, g, c]:.0f} against {pooled[r, s, g, c]:.0f}")
    if not np.array_equal(hc42.sum(axis=-1), hc55):
        raise BuildError("HC42 summed over positions differs from the census population HC55")
    if hc55.sum() != CENSUS_POPULATION:
        raise BuildError(f"census population {hc55.sum():,.0f}, expected {CENSUS_POPULATION:,}")
    alone = hc48[..., CATEGORIES_48.index("living_alone")].sum()
    if alone != CENSUS_LIVING_ALONE:
        raise BuildError(f"census persons living alone {alone:,.0f}, expected {CENSUS_LIVING_ALONE:,}")


def graduate_part(total: np.ndarray, part_by_group: np.ndarray) -> np.ndarray:
    """Split single-year counts into a part whose 5-year sums are ``part_by_group``.

    The cumulated part is a monotone cubic (Fritsch and Carlson 1980) function
    of the cumulated total through the group boundaries, where both are known;
    its differences at single ages give the part. Group sums are kept
    exactly; the part's fraction of the total varies smoothly across ages
    instead of jumping at the group boundaries. The open group is one age.

    Parameters
    ----------
    total : ndarray
        Counts by single age 0..OPEN_AGE (age,) [persons].
    part_by_group : ndarray
        The part's counts by group of GROUP_STARTS (group,) [persons].
    """
    edges = np.append(GROUP_STARTS, OPEN_AGE + 1)
    cum_total = np.concatenate([[0.0], np.cumsum(total)])
    x = cum_total[edges]
    y = np.concatenate([[0.0], np.cumsum(part_by_group)])
    keep = np.concatenate([[True], np.diff(x) > 0])  # a group without persons adds no node
    cumulated = PchipInterpolator(x[keep], y[keep])(cum_total)
    return np.diff(cumulated)


def split_in_no_nucleus(hc42: np.ndarray, hc48: np.ndarray) -> np.ndarray:
    """Persons (region, sex, age, CATEGORIES_48): HC42's persons in no nucleus split into living
    alone and other by :func:`graduate_part` on HC48's groups; the other positions as in HC42."""
    out = np.zeros(hc42.shape[:3] + (len(CATEGORIES_48),))
    for c, name in enumerate(CATEGORIES_42):
        if name != IN_NO_NUCLEUS:
            out[..., CATEGORIES_48.index(name)] = hc42[..., c]
    in_no_nucleus = hc42[..., CATEGORIES_42.index(IN_NO_NUCLEUS)]
    alone, other = CATEGORIES_48.index("living_alone"), CATEGORIES_48.index("other")
    for r in range(len(REGIONS)):
        for s in range(len(SEXES)):
            part = graduate_part(in_no_nucleus[r, s], hc48[r, s, :, alone])
            out[r, s, :, alone], out[r, s, :, other] = part, in_no_nucleus[r, s] - part
    if np.any(out < -1e-9 * in_no_nucleus.max()):
        r, s, a, c = np.argwhere(out < -1e-9 * in_no_nucleus.max())[0]
        raise BuildError(f"the split of the persons in no nucleus is negative at {REGIONS[r]}, {SEXES[s]}, "
                         f"age {a}, {CATEGORIES_48[c]}: {out[r, s, a, c]:.3f}")
    return np.maximum(out, 0.0)


def allocate_not_stated(persons: np.ndarray) -> np.ndarray:
    """Persons (region, sex, age, HOUSEHOLD_POSITIONS) with the private households' persons
    without a stated position spread over the private positions of the same cell, in
    proportion to them."""
    not_stated = persons[..., CATEGORIES_48.index(NOT_STATED)]
    positions = persons[..., : len(HOUSEHOLD_POSITIONS)].copy()
    private = [HOUSEHOLD_POSITIONS.index(p) for p in PRIVATE]
    stated = positions[..., private].sum(axis=-1)
    if np.any((not_stated > 0) & (stated == 0)):
        r, s, a = np.argwhere((not_stated > 0) & (stated == 0))[0]
        raise BuildError(f"{REGIONS[r]}, {SEXES[s]}, age {a}: persons without a stated position and none with one")
    factor = np.divide(not_stated, stated, out=np.zeros_like(stated), where=stated > 0)
    positions[..., private] *= (1 + factor)[..., None]
    return positions


@dataclass
class Estimate:
    persons: np.ndarray  # (geo, sex, age, position) [persons], census 2011
    children_per_couple: np.ndarray  # (geo,)
    other_headship: np.ndarray  # (geo,)
    trend: np.ndarray  # (geo, position) [per year]
    census_households: np.ndarray  # (region,)
    nuclei: Nuclei
    not_stated: float
    census_children_of_couples: float  # HC48, before the allocation of step 3
    not_stated_ages: tuple[int, int]  # youngest and oldest age with persons without a stated position
    group_fraction_range: tuple[float, float]  # smallest and largest alone fraction at ADULT_AGES


def with_nation(regional: np.ndarray) -> np.ndarray:
    """(region, ...) with Belgium, the sum of the regions, appended."""
    return np.concatenate([regional, regional.sum(axis=0, keepdims=True)])


def position_totals(persons: np.ndarray, position: str) -> np.ndarray:
    return persons[..., HOUSEHOLD_POSITIONS.index(position)].sum(axis=(-2, -1) if persons.ndim > 2 else ())


def household_parameters(persons: np.ndarray, nuclei: Nuclei, households: np.ndarray):
    """Children per couple with children and households per person "other", by geo."""
    totals = {p: persons[..., HOUSEHOLD_POSITIONS.index(p)].sum(axis=(1, 2)) for p in HOUSEHOLD_POSITIONS}
    couples_with_children = with_nation(nuclei.couples_with_children)
    census = with_nation(households)
    nucleus_households = totals["living_alone"] + totals["partner"] / 2 + totals["lone_parent"]
    other_households = census - nucleus_households
    if np.any(other_households < 0):
        raise BuildError(f"households per person 'other' negative: {other_households}")
    return totals["child_of_couple"] / couples_with_children, other_households / totals["other"]


def check_nuclei(persons: np.ndarray, nuclei: Nuclei) -> None:
    """Couple and lone-parent nuclei of HC52 agree with the partners / 2 and lone parents of HC48."""
    for label, counted, expected in (
        ("couple nuclei", nuclei.couples, persons[..., HOUSEHOLD_POSITIONS.index("partner")].sum((1, 2)) / 2),
        ("lone-parent nuclei", nuclei.lone_parents, persons[..., HOUSEHOLD_POSITIONS.index("lone_parent")].sum((1, 2))),
    ):
        gap = np.abs(counted - expected)
        if gap.max() > NUCLEI_TOLERANCE:
            raise BuildError(f"{label} of HC52 {counted} differ from the positions' {expected} by more than "
                             f"{NUCLEI_TOLERANCE}")


def model_households(shares: np.ndarray, population: np.ndarray, estimate_params) -> np.ndarray:
    """Households (year, geo, type) of populations (year, geo, sex, age) with shares
    (year, geo, sex, age, position), by projsim's kernel."""
    children_per_couple, other_headship = estimate_params
    in_position = np.einsum("tgsap,tgsa->tgp", shares, population)
    return households_from_positions(in_position, children_per_couple, other_headship)


def by_fpb_type(households: np.ndarray) -> np.ndarray:
    """Model households (..., type) pooled into the FPB's types (..., FPB_TYPES)."""
    index = {kind: HOUSEHOLD_TYPES.index(kind) for kind in HOUSEHOLD_TYPES}
    couples = households[..., index["couple_without_children"]] + households[..., index["couple_with_children"]]
    return np.stack([households[..., index["one_person"]], couples, households[..., index["lone_parent"]],
                     households[..., index["other"]]], axis=-1)


def fit_trend(shares: np.ndarray, population: np.ndarray, fpb: np.ndarray, years: Sequence[int],
              params) -> np.ndarray:
    """Slopes (position,) of the log odds of the TRENDED positions that best follow the FPB series.

    Least squares on log(FPB households) - log(model households) of the four
    FPB types over ``years``, each type's mean removed (the levels of the two
    definitions differ; only the trends are fitted).
    """
    trended = [HOUSEHOLD_POSITIONS.index(p) for p in TRENDED]
    tau = np.asarray(years, dtype=float) - TREND_ORIGIN

    def residuals(beta):
        slope = np.zeros((1, len(HOUSEHOLD_POSITIONS)))
        slope[0, trended] = beta
        moved = trended_shares(shares[None], slope, tau)[:, 0]
        model = by_fpb_type(model_households(moved[:, None], population[:, None], params)[:, 0])
        gap = np.log(fpb) - np.log(model)
        return (gap - gap.mean(axis=0)).ravel()

    fit = least_squares(residuals, np.zeros(len(TRENDED)), xtol=1e-15, ftol=1e-15, gtol=1e-15)
    slope = np.zeros(len(HOUSEHOLD_POSITIONS))
    slope[trended] = fit.x
    return slope


def estimate() -> Estimate:
    hc42, hc48, hc55 = read_hc42(), read_hc48(), read_hc55()
    check_tables(hc42, hc48, hc55)
    split = split_in_no_nucleus(hc42, hc48)
    in_no_nucleus = hc42[..., CATEGORIES_42.index(IN_NO_NUCLEUS)]
    alone = split[..., CATEGORIES_48.index("living_alone")]
    adults = slice(ADULT_AGES[0], ADULT_AGES[1] + 1)
    fraction = alone[..., adults] / in_no_nucleus[..., adults]
    nuclei = read_nuclei()
    check_nuclei(split, nuclei)
    regional = allocate_not_stated(split)
    households = read_private_households()
    persons = with_nation(regional)
    params = household_parameters(persons, nuclei, households)

    years = list(range(TREND_FIRST, TREND_LAST + 1))
    population = with_nation(np.moveaxis(read_population(years), 0, 1))       # (geo, year, sex, age)
    fpb = with_nation(np.moveaxis(read_fpb_households(years), 0, 1))           # (geo, year, type)
    shares = persons / persons.sum(axis=-1, keepdims=True)
    trend = np.stack([fit_trend(shares[g], population[g], fpb[g], years, (params[0][g:g + 1], params[1][g:g + 1]))
                      for g in range(len(GEOS))])
    not_stated = hc42[..., CATEGORIES_42.index(NOT_STATED)].sum(axis=(0, 1))
    children = float(hc48[..., CATEGORIES_48.index("child_of_couple")].sum())
    return Estimate(persons, params[0], params[1], trend, households, nuclei, float(not_stated.sum()), children,
                    (int(np.flatnonzero(not_stated)[0]), int(np.flatnonzero(not_stated)[-1])),
                    (float(fraction.min()), float(fraction.max())))


# --------------------------------------------------------------------------
# Checks against the census and the FPB series


@dataclass
class Checks:
    census: np.ndarray  # (geo, type) households of the back-cast on the census population
    census_private_persons: np.ndarray  # (geo,)
    fpb_years: tuple[int, ...]
    fpb: np.ndarray  # (geo, year) FPB total households
    population: np.ndarray  # (geo, year) observed population
    constant: np.ndarray  # (geo, year) model households, constant shares
    trend: np.ndarray  # (geo, year) model households, trended shares
    fpb_other_census_year: float  # the FPB's "other" households of Belgium in the census year


def shares_of(fit: Estimate, tau: np.ndarray) -> np.ndarray:
    """Shares (year, geo, sex, age, position) moved along the trend by ``tau`` years."""
    shares = fit.persons / fit.persons.sum(axis=-1, keepdims=True)
    return trended_shares(shares, fit.trend, np.asarray(tau, dtype=float))


def measure(fit: Estimate) -> Checks:
    params = (fit.children_per_couple, fit.other_headship)
    census_population = with_nation(read_hc55())
    shares = shares_of(fit, [0.0])
    census = model_households(shares, census_population[None], params)[0]
    private = np.einsum("gsap,gsa->g", shares[0][..., [HOUSEHOLD_POSITIONS.index(p) for p in PRIVATE]],
                        census_population)
    years = (CENSUS_YEAR, *CHECK_YEARS)
    population = np.moveaxis(with_nation(np.moveaxis(read_population(list(years)), 0, 1)), 0, 1)
    fpb = with_nation(np.moveaxis(read_fpb_households(list(years)), 0, 1))     # (geo, year, type)
    tau = np.clip(years, TREND_FIRST, TREND_UNTIL) - TREND_ORIGIN
    constant = model_households(shares_of(fit, np.zeros(len(years))), population, params)
    trend = model_households(shares_of(fit, tau), population, params)
    return Checks(census, private, years, fpb.sum(-1), population.sum(axis=(2, 3)).T, constant.sum(-1).T,
                  trend.sum(-1).T, float(fpb[-1, 0, list(FPB_TYPES).index("other")]))


def check_back_cast(checks: Checks, fit: Estimate) -> None:
    """The 2011 back-cast gives the census's households exactly (the calibration) and its
    persons living alone within 0.5 % (the not-stated persons add a few)."""
    total = checks.census[:len(REGIONS)].sum(-1)
    if np.abs(total / fit.census_households - 1).max() > 1e-9:
        raise BuildError(f"back-cast 2011: households {total}, expected the census's {fit.census_households}")
    alone = checks.census[-1, HOUSEHOLD_TYPES.index("one_person")]
    if abs(alone / CENSUS_LIVING_ALONE - 1) > 0.005:
        raise BuildError(f"back-cast 2011: {alone:,.0f} one-person households, expected {CENSUS_LIVING_ALONE:,} "
                         "within 0.5 %")


# --------------------------------------------------------------------------
# Writing


def households_toml() -> str:
    methods = {
        "persons": "Census 1 January 2011 (Statbel HC42) by region (provinces summed), sex, single age 0-99 and "
        "100+, position: partners of the five couple kinds pooled; persons in no family nucleus split into "
        "living alone and other by a monotone cubic of the cumulated counts through HC48's 5-year groups "
        "(group totals kept); private-household persons without a stated position spread over the private "
        "positions of their cell in proportion. Belgium is the sum of the regions.",
        "children_per_couple": "Children living with a couple over the couple nuclei with resident children "
        "(HC52), by region, census 2011.",
        "other_headship": "(census private households of the region - persons living alone - partners / 2 - "
        "lone parents) / persons in the position other, census 2011: every family nucleus counted as a "
        "household, the rest of the census's households set against the other persons.",
        "trend": f"Slopes of the log odds of {', '.join(TRENDED)} against the other positions (0), fitted by "
        f"least squares to the trends of the FPB household series {TREND_FIRST}-{TREND_LAST} by type (levels "
        "removed), on the observed population; from the GPL-3 larray copy of that series.",
    }
    lines = [
        "# projsim embedded model: household positions by region, sex and age (census 2011), and the",
        "# parameters that turn them into private households by type.",
        "# Generated by tools/build_households.py from data-raw/belgium/households/; do not edit by hand.",
        "# Files, method, checks and licences: README.md in this folder. (Named households.toml: a",
        "# meta.toml marks a base population and a model.toml a mortality pattern, see projsim.io.bases.)",
        f'name = "{DATA_SET}"',
        f'census_date = "{CENSUS_DATE}"',
        f"regions = {toml_array(GEOS)}",
        f"sexes = {toml_array(SEXES)}",
        f"positions = {toml_array(HOUSEHOLD_POSITIONS)}",
        f"household_types = {toml_array(HOUSEHOLD_TYPES)}",
        "",
        "[ages]",
        "first = 0",
        f"last = {OPEN_AGE}",
        f"open_age = {OPEN_AGE}",
        "",
        "[trend]",
        f"first = {TREND_FIRST}",
        f"last = {TREND_LAST}",
        f"origin = {TREND_ORIGIN}",
        f"until = {TREND_UNTIL}",
        f"positions = {toml_array(TRENDED)}",
        "",
        "[files]",
        'persons = "persons_by_position.csv"',
        'parameters = "region_parameters.csv"',
        'trend = "trend.csv"',
        "",
        "[units]",
        'persons = "persons"',
        'children_per_couple = "persons per household"',
        'other_headship = "households per person"',
        'trend = "per year"',
        "",
        "[sources]",
        'census = "Statbel, Census 2011 (HC42, HC48, HC52, HC55; private households by province): Statbel open '
        'data, attribution required"',
        'trend = "Federal Planning Bureau household series 1991-2016, from larray (GPL-3.0): the trend slopes only"',
        'provenance = "data-raw/belgium/households/SOURCES.md"',
        "",
        "# Short credits, written under figures: the census always, the FPB series with the trend.",
        "[credit]",
        'census = "Statbel, census 2011"',
        'trend = "FPB household series 1991-2016, via larray (GPL-3.0)"',
        "",
        "[method]",
        *(f"{key} = {toml_string(text)}" for key, text in methods.items()),
        "",
    ]
    return "\n".join(lines)


def pct(value: float) -> str:
    return f"{100 * value:+.2f} %"


def readme(fit: Estimate, checks: Checks) -> str:
    shares = fit.persons / fit.persons.sum(axis=-1, keepdims=True)
    national = GEOS.index(NATIONAL)
    census = checks.census
    one = HOUSEHOLD_TYPES.index("one_person")
    back_rows = [[geo, f"{census[g].sum():,.0f}", f"{(with_nation(fit.census_households)[g]):,.0f}",
                  pct(census[g].sum() / with_nation(fit.census_households)[g] - 1), f"{census[g, one]:,.0f}",
                  f"{100 * census[g, one] / census[g].sum():.2f} %",
                  f"{checks.census_private_persons[g] / census[g].sum():.3f}"] for g, geo in enumerate(GEOS)]
    type_rows = [[kind.replace("_", " ")] + [f"{census[g, k]:,.0f}" for g in range(len(GEOS))]
                 for k, kind in enumerate(HOUSEHOLD_TYPES)]
    fpb_rows = [[geo, str(year), f"{checks.fpb[g, y]:,.0f}", f"{checks.constant[g, y]:,.0f}",
                 pct(checks.constant[g, y] / checks.fpb[g, y] - 1), f"{checks.trend[g, y]:,.0f}",
                 pct(checks.trend[g, y] / checks.fpb[g, y] - 1)]
                for g, geo in enumerate(GEOS) for y, year in enumerate(checks.fpb_years)]
    worst = {name: np.abs(values[:, 1:] / checks.fpb[:, 1:] - 1).max(axis=1)
             for name, values in (("constant", checks.constant), ("trend", checks.trend))}
    trend_rows = [[geo] + [f"{100 * fit.trend[g, HOUSEHOLD_POSITIONS.index(p)]:+.3f}" for p in TRENDED]
                  for g, geo in enumerate(GEOS)]
    param_rows = [[geo, f"{fit.children_per_couple[g]:.4f}", f"{fit.other_headship[g]:.5f}",
                   f"{fit.other_headship[g] * fit.persons[g, ..., HOUSEHOLD_POSITIONS.index('other')].sum():,.0f}"]
                  for g, geo in enumerate(GEOS)]
    shown_ages = (0, 15, 20, 25, 30, 35, 40, 50, 60, 70, 75, 80, 85, 90, 95, 100)
    share_rows = [[SEXES[s], str(a)] + [f"{shares[national, s, a, p]:.3f}" for p in range(len(HOUSEHOLD_POSITIONS))]
                  for s in range(len(SEXES)) for a in shown_ages]
    lo, hi = fit.group_fraction_range
    brussels, first, last = GEOS.index(REGIONS[0]), checks.fpb_years.index(2012), checks.fpb_years.index(2016)
    growth_fpb = checks.fpb[brussels, last] / checks.fpb[brussels, first] - 1
    growth_population = checks.population[brussels, last] / checks.population[brussels, first] - 1
    within_constant, within_trend = (
        int(np.count_nonzero(np.abs(values[:len(REGIONS), 1:] / checks.fpb[:len(REGIONS), 1:] - 1) <= 0.02))
        for values in (checks.constant, checks.trend))
    return f"""# Household-position model of Belgium, census 2011

The shares of the persons of each region, sex and single age in each position in the household, and the parameters
that turn the persons by position into private households by type (`projsim.analysis.households`). Every file is
**generated** by `tools/build_households.py` from the raw copies in `data-raw/belgium/households/` (provenance:
`data-raw/belgium/households/SOURCES.md`); do not edit them by hand. `tests/io/test_households_data.py` checks that
the shipped files equal a rebuild. Read it with `projsim.io.households.read_household_model()`.

## Files

| file | columns | unit |
|---|---|---|
| `persons_by_position.csv` | region, sex, age, position, persons | persons, census of 1 January 2011 |
| `region_parameters.csv` | region, children_per_couple, other_headship | persons per household; households per person |
| `trend.csv` | region, position, slope | per year (log odds) |
| `households.toml` | regions, sexes, positions, household types, ages, trend years, files, units, sources, credit, method | |

`region` is one of the three regions or `Belgium` (their sum, for national results); `sex` is `female` or `male`;
`age` runs over 0..{OPEN_AGE}, where **{OPEN_AGE} is the open group {OPEN_AGE}+** (a projection's older ages take
its shares); `position` is one of {', '.join(f'`{p}`' for p in HOUSEHOLD_POSITIONS)}
(`projsim.types.HOUSEHOLD_POSITIONS`). The model projects the **shares**, persons / their sum over positions; the
counts are kept so that the census can be rebuilt and the shares pooled over ages. Numbers have up to 10
significant digits (the persons are not whole numbers after the two estimation steps below). The metadata file is
`households.toml`: `projsim.io.bases` takes every data folder with a `meta.toml` for a base population and every one
with a `model.toml` for a mortality pattern.

## Method

The household-position method (United Nations 1973, *Methods of Projecting Households and Families*, Manual VII;
the headship-rate method extended to every position, as in the static household model HPROM that the Federal
Planning Bureau runs on its population projection): the population of each region, sex and age is split into
positions with shares held from the census or trended, and households are counted by their reference person.

1. **Positions (census 2011).** Statbel's HC42 gives persons by province, sex, single age 0-99 and 100+ and
   position; the provinces are summed into the three regions (the first three characters of the NUTS code: BE1
   Brussels-Capital Region, BE2 Flemish Region, BE3 Walloon Region; each province lies in one region, so the sum is
   exact). Married, registered and cohabiting partners of either sex are pooled as `partner`; `lone_parent`,
   `child_of_couple`, `child_of_lone_parent` and `institution` are HC42's own. HC42 agrees with the 5-year table
   HC48 (by arrondissement, summed the same way) in every region, sex, group and position, and with the census
   population HC55 at every region, sex and single age (checked).
2. **Living alone and other, graduated.** HC42 does not split the persons in a private household but in no family
   nucleus into those **living alone** (one-person households) and the **other** ones (living with relatives or
   non-relatives outside a nucleus); HC48 does, by 5-year group. Each region's and sex's single-year counts in no
   nucleus are split so that the 5-year sums are HC48's exactly: the cumulated count living alone is a monotone
   piecewise cubic (Fritsch and Carlson 1980, `scipy.interpolate.PchipInterpolator`) of the cumulated count in no
   nucleus, through the group boundaries where both are known, and differenced at single ages (the approach of
   graduating cumulated counts with a monotone spline, as in `DemoTools::graduate_mono`, applied to a part of an
   observed single-year total rather than to ages). The share living alone thus changes smoothly with age instead
   of jumping at the group boundaries, and every group total is kept (the open group 100+ is one age). At ages
   {ADULT_AGES[0]}-{ADULT_AGES[1]} the persons living alone are {100 * lo:.1f} % to {100 * hi:.1f} % of those in no nucleus, by
   region, sex and age; no count is negative (checked).
3. **Position not stated.** {fit.not_stated:,.0f} persons of private households, all aged {fit.not_stated_ages[0]}
   to {fit.not_stated_ages[1]}, have no stated position; they are spread over the private positions of their region,
   sex and age in proportion to the stated ones (the usual pro-rata allocation of "not stated"). No cell has such
   persons without stated ones (checked).
4. **Households by type**, one reference person per household (`projsim.analysis.households`):
   one-person = persons living alone; couples = partners / 2, of which **with children** = children of couples /
   `children_per_couple` (at most all couples) and the rest without; **lone parent** = lone parents; **other** =
   `other_headship` x persons in the position other. Residents of institutions ({fit.persons[national, ..., -1].sum():,.0f}
   in 2011) are in no private household.
   * `children_per_couple` = the children of couples (positions, after step 3) over the couple nuclei with
     resident children (HC52, by region). HC52's couples and lone-parent nuclei agree with partners / 2 and lone
     parents to within {NUCLEI_TOLERANCE} per region (checked), and the children counted from HC52's nucleus sizes
     (11+ as 11) are {fit.nuclei.children_counted.sum():,.0f}, against the census's {fit.census_children_of_couples:,.0f}
     children of couples (HC48).
   * `other_headship` closes each region's households on the census's private households (Statbel's census
     page, by province, summed by region): (households - persons living alone - partners / 2 - lone parents) /
     persons other. The census tables give no count of households with two or more family nuclei, so every nucleus
     is counted as a household and the households without a nucleus (siblings, friends) net of the second nuclei of
     multi-family households make the "other" type. That is why `other` is small here ({census[national, -1]:,.0f}
     households in 2011), while the register-based FPB series counts {checks.fpb_other_census_year:,.0f} "other" households in 2011: its typology puts
     a second nucleus inside the first one's household.
5. **Trend.** `trend.csv` holds the slopes of the log odds of {', '.join(f'`{p}`' for p in TRENDED)} against the
   other positions (slope 0), by region. With `method="trend"` the shares of every cell are
   pi_p(t) = pi_p exp(beta_p tau) / sum_q pi_q exp(beta_q tau), with tau = min(max(t, {TREND_FIRST}), {TREND_UNTIL}) -
   {TREND_ORIGIN}: the trend runs from the census over the years it was fitted on and is **held after {TREND_UNTIL}**,
   the last year observed, so no change of behaviour is extrapolated beyond the data (a projection that wants one
   scales the odds of the positions, `scale=`). The slopes are fitted, region by region and for Belgium, by least
   squares to the FPB household series {TREND_FIRST}-{TREND_LAST} (five years before and five after the census):
   the log of the FPB's one-person, couple, lone-parent and other households minus the log of the model's on the
   observed population of the same 1 January, each type's mean over the years removed, so that the register's
   levels (which differ from the census's, see below) do not enter, only the trends. **The slopes are derived from
   the FPB series, a GPL-3.0 file (larray)**; the census-based shares and parameters are not, and the default
   method, `constant`, does not use them. Slopes [% per year]:

{markdown_table(["region", *TRENDED], trend_rows)}

   The trend mostly moves Brussels, whose households grew more slowly than its population since 2011 (its average
   household size grew, see the checks): all its heads' odds fall against the children,
   other persons and residents of institutions. In Flanders the odds of living alone and of being a lone parent
   rise, in Wallonia every head's odds fall a little. The trend is by region only (the FPB series has no age):
   within a region it shifts every age alike on the log-odds scale.

## Parameters

{markdown_table(["region", "children per couple with children", "households per person 'other'", "other households 2011"], param_rows)}

## Measured checks

**Census 2011 back-cast.** The shares applied to the census population of 1 January 2011 (HC55, by region, sex and
single age, with the waiting register: 11,000,638 persons), by `projsim.analysis.households`' own kernel:

{markdown_table(["region", "households", "census", "difference", "one-person", "one-person share", "persons per household"], back_rows)}

The census counts {CENSUS_HOUSEHOLDS:,} private households and {CENSUS_LIVING_ALONE:,} persons living alone
(34.0 %). The households are met exactly by construction (`other_headship` closes them region by region, so the
regional totals are calibration targets, not an independent test). The one-person households differ from the
census's persons living alone by {pct(census[national, one] / CENSUS_LIVING_ALONE - 1)}: the persons without a
stated position, the only ones the estimation adds to a position, are aged {fit.not_stated_ages[0]} to
{fit.not_stated_ages[1]}. What the back-cast checks is that
the estimation steps (aggregation, graduation, allocation) and the projection's formulas give the census back. By
type:

{markdown_table(["type", *GEOS], type_rows)}

**FPB household series.** The model applied to the observed population (Statbel, National Register, 1 January;
without the census's waiting register), against the FPB's households of the same date (larray copy, GPL-3.0), with
the census shares held (`constant`) and trended (`trend`); Belgium is the model's national shares on the national
population. 2011 compares definitions: the register's households
against the census's shares. 2012-2016 are the test years; for `trend` they lie inside its fitting window
({TREND_FIRST}-{TREND_LAST}), so its fit there is in-sample, while `constant` uses no FPB figure at all. Largest
difference over 2012-2016: constant {', '.join(f'{geo} {100 * w:.2f} %' for geo, w in zip(GEOS, worst['constant']))};
trend {', '.join(f'{geo} {100 * w:.2f} %' for geo, w in zip(GEOS, worst['trend']))}.

{markdown_table(["region", "year", "FPB", "constant", "difference", "trend", "difference"], fpb_rows)}

With constant shares the difference grows in Brussels, whose households grew by {pct(growth_fpb)} from 2012 to
2016 in the FPB's series while its population grew by {pct(growth_population)}: the constant method is within 2 % of
the series in {within_constant} of the {len(REGIONS) * len(CHECK_YEARS)} region-years 2012-2016 of the three
regions, the trend in {within_trend}. `validation/households.py` also sets a trend fitted on the years before the
test (2001-2011) against them.

## Shares at selected ages, Belgium

{markdown_table(["sex", "age", *HOUSEHOLD_POSITIONS], share_rows)}

## Sources and licences

* Statbel (Directorate-General Statistics - Statistics Belgium), Census 2011: hypercubes HC42, HC48, HC52 and HC55,
  and the private households by province of `https://census2011.be/data/fresult/households_fr.html`. Statbel open
  data: reuse allowed, **attribution to Statbel required**.
* Federal Planning Bureau, households by region and type 1991-2016, as the test file `larray/tests/data/hh.csv` of
  larray (GPL-3.0). Used for `trend.csv` only.
* Statbel population by region, sex and age on 1 January (National Register), via the FPB workbook `popregnl.xlsx`:
  Statbel open data and FPB ("reuse allowed with the source cited").
* United Nations (1973). *Methods of Projecting Households and Families*. Manual VII, Population Studies 54,
  ST/SOA/Series A/54. New York: United Nations.
* Fritsch, F. N. and Carlson, R. E. (1980). Monotone piecewise cubic interpolation. *SIAM Journal on Numerical
  Analysis* 17(2): 238-246. https://doi.org/10.1137/0717021
* Riffe, T. et al. (2019). DemoTools: an R package of tools for aggregate demographic analysis (`graduate_mono`).
  https://github.com/timriffe/DemoTools
"""


def build(out_dir: Path) -> list[str]:
    """Estimate, check and write the model; return the printed report."""
    fit = estimate()
    checks = measure(fit)
    check_back_cast(checks, fit)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "persons_by_position.csv", ["region", "sex", "age", "position", "persons"],
              [(geo, sex, int(age), position, fit.persons[g, s, age, p])
               for g, geo in enumerate(GEOS) for s, sex in enumerate(SEXES) for age in AGES
               for p, position in enumerate(HOUSEHOLD_POSITIONS)])
    write_csv(out_dir / "region_parameters.csv", ["region", "children_per_couple", "other_headship"],
              [(geo, fit.children_per_couple[g], fit.other_headship[g]) for g, geo in enumerate(GEOS)])
    write_csv(out_dir / "trend.csv", ["region", "position", "slope"],
              [(geo, position, fit.trend[g, p]) for g, geo in enumerate(GEOS)
               for p, position in enumerate(HOUSEHOLD_POSITIONS)])
    (out_dir / "households.toml").write_text(households_toml(), encoding="utf-8")
    (out_dir / "README.md").write_text(readme(fit, checks), encoding="utf-8")
    national = GEOS.index(NATIONAL)
    gap = {name: np.abs(values[:, 1:] / checks.fpb[:, 1:] - 1).max()
           for name, values in (("constant", checks.constant), ("trend", checks.trend))}
    return [
        f"{DATA_SET} -> {out_dir}",
        f"  back-cast 2011: {checks.census[national].sum():,.0f} households (census {CENSUS_HOUSEHOLDS:,}), "
        f"{checks.census[national, 0]:,.0f} one-person (census {CENSUS_LIVING_ALONE:,})",
        "  trend slopes [% per year]: " + "; ".join(
            f"{geo} " + ", ".join(f"{p} {100 * fit.trend[g, HOUSEHOLD_POSITIONS.index(p)]:+.2f}" for p in TRENDED)
            for g, geo in enumerate(GEOS)),
        f"  largest |model / FPB - 1| 2012-{CHECK_YEARS[-1]}: constant {100 * gap['constant']:.2f} %, "
        f"trend {100 * gap['trend']:.2f} %",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__.splitlines()[0], {DATA_SET: build})


if __name__ == "__main__":
    sys.exit(main())
