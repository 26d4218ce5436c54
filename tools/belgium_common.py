"""Raw Belgian inputs and estimates shared by the two 2012 builds.

``build_belgium.py`` derives the three-region base ``belgium_2012_regions`` and calls
``belgium_nationality.py`` for the region x nationality base
``belgium_2012``. Both rest on the same stocks, death quotients,
mortality, fertility and interregional figures, which this module reads from
``data-raw/belgium/`` (provenance: its ``SOURCES.md``) and checks:

* :func:`read_stocks`: the Statbel population on 1 January 2009-2013 by
  region, nationality, sex and single age 0..99 and 100+, with the 100+ split
  over 100..109 and 110+ by the HMD national shares, and the probability that
  a person of each cell on 1 January dies during the year (larray register
  quotients below 100, an HMD quotient from 100 on);
* :func:`mortality_2012`: national HMD rates times regional ratios;
* :func:`fertility_2012`: the HFC shape, HMD births and regional levels;
* :func:`sex_ratio_at_birth`, the interregional flow figures and the small
  formatting helpers of the generated README files.

A failed check raises :class:`buildlib.BuildError` with the measured and the
expected value.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import buildlib  # noqa: E402
from buildlib import REPO_ROOT, BuildError, read_rows  # noqa: E402

sys.path.insert(0, str(REPO_ROOT / "src"))
from projsim.demography.lifetable import kannisto_extend, life_expectancy_at_birth  # noqa: E402
from projsim.types import SEXES  # noqa: E402

REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
NATIONALITIES = ("Belgian", "foreign")
#: Raw sex codes of every source, in the order of ``SEXES``. "T" rows (both
#: sexes, as published) are never read.
SEX_CODES = tuple({"female": "F", "male": "M"}[sex] for sex in SEXES)
RAW_SEX = {code: i for i, code in enumerate(SEX_CODES)}

OPEN_AGE = 110
N_AGES = OPEN_AGE + 1
STATBEL_OPEN_AGE = 100
HFC_FIRST_AGE, HFC_LAST_AGE = 12, 55

BASE_YEAR = 2012
#: 1 January dates of the stocks read by the 2012 builds: everything up to
#: 1 January 2013, as the FPB could know it in 2013.
STOCK_YEARS = (2009, 2010, 2011, 2012, 2013)
#: Years whose deaths (of the population of 1 January) are known.
DEATH_YEARS = (2009, 2010, 2011, 2012)
MORTALITY_YEARS = (2010, 2011, 2012)
FERTILITY_SHAPE_YEAR = 2010
BIRTHS_YEAR = 2011
#: Broad age groups (first, last age, both included) in which the regional
#: mortality ratio is estimated; ages from KANNISTO_FROM_2012 on are modelled.
MORTALITY_RATIO_GROUPS = ((0, 14), (15, 29), (30, 44), (45, 59), (60, 69), (70, 79), (80, 84), (85, 89), (90, 94))
KANNISTO_FIT_2012, KANNISTO_FROM_2012 = (80, 94), 95
INTERNAL_MATRIX_PERIOD = "2019"
INTERNAL_LEVEL_PERIOD = "2012"
#: The next year's Brussels net loss, quoted in the README as a sensitivity.
INTERNAL_LATER_PERIOD = "2013"
CENSUS_ROY_INTERNAL = "moved_from_other_arrondissement_in_belgium"
CENSUS_ROY_ABROAD = "moved_from_abroad"
CENSUS_ROY_UNDER_1 = "not_applicable_under_age_1"

STATBEL_NATIONALITY_FILE = "statbel_population_jan1_region_nationality_sex_1x1_2009_2013.csv"
HMD_OLD_AGE_FILE = "hmd_population_jan1_age100plus_2009_2013.csv"
HMD_LEXIS_FILE = "hmd_deaths_lexis_1987_2009_2012.csv"
LARRAY_QX_FILE = "larray_qx_region_nationality_1x1_2009_2012.csv"

# Published figures the build is checked against (see data-raw/belgium/SOURCES.md).
STATBEL_TOTAL_2012 = 11_035_948
STATBEL_REGION_TOTALS_2012 = {
    "Brussels-Capital Region": 1_138_854,
    "Flemish Region": 6_350_765,
    "Walloon Region": 3_546_329,
}
#: Foreign nationals on 1 January 2012 (Rijksregister-ADSEI, as printed in
#: the book's table of stocks).
STATBEL_FOREIGN_2012 = 1_169_064
HMD_BIRTHS_2011 = 128_705
#: Largest accepted gap [years] between the e0 implied by the
#: population-weighted regional rates and the HMD 2011 life table.
E0_TOLERANCE = 0.5


# --------------------------------------------------------------------------
# Reading


def read_raw(name: str) -> list[dict[str, str]]:
    """Rows of ``data-raw/belgium/<name>`` as dictionaries of strings.

    The folder is looked up in :mod:`buildlib` at each call, so that a test
    can point ``buildlib.RAW_DIR`` at a modified copy.
    """
    return read_rows(buildlib.RAW_DIR / name)


def grid(
    rows: list[dict[str, str]],
    value: str,
    axes: Sequence[tuple[str, Sequence]],
    *,
    select: Callable[[dict[str, str]], bool] = lambda row: True,
    source: str,
) -> np.ndarray:
    """Place ``row[value]`` of the selected rows into a dense array.

    ``axes`` is a sequence of (column, labels); a row goes to the index of its
    column values among the labels (compared as strings). Every cell must be
    given exactly once. Empty source cells (HMD's ".") become NaN.
    """
    positions = [{str(label): i for i, label in enumerate(labels)} for _, labels in axes]
    out = np.full(tuple(len(labels) for _, labels in axes), np.nan)
    seen = np.zeros(out.shape, dtype=bool)
    for row in rows:
        if not select(row):
            continue
        try:
            index = tuple(pos[row[column]] for pos, (column, _) in zip(positions, axes))
        except KeyError:
            continue
        if seen[index]:
            raise BuildError(f"{source}: duplicate row for {dict((c, row[c]) for c, _ in axes)}")
        seen[index] = True
        out[index] = float(row[value]) if row[value] != "" else np.nan
    if not seen.all():
        missing = tuple(int(i) for i in np.argwhere(~seen)[0])
        labels = {column: list(labels)[i] for (column, labels), i in zip(axes, missing)}
        raise BuildError(f"{source}: no row for {labels}; the data-raw copy is incomplete")
    return out


def not_total(row: dict[str, str]) -> bool:
    return row["sex"] != "T"


def single_age_asfr(rows: list[dict[str, str]], year: int) -> np.ndarray:
    """HFC ASFR of ``year`` on ages 0..OPEN_AGE [births per woman per year].

    HFC's bound groups "12 and younger" and "55 and older" sit at ages 12 and
    55; every other age outside 12..55 is zero (no births recorded there).
    """
    hfc_ages = range(HFC_FIRST_AGE, HFC_LAST_AGE + 1)
    published = grid(rows, "asfr", [("year", [year]), ("age", hfc_ages)], source="HFC ASFR")[0]
    rate = np.zeros(N_AGES)
    rate[HFC_FIRST_AGE : HFC_LAST_AGE + 1] = published
    return rate


def group_index(ages: np.ndarray, groups: Sequence[tuple[int, int]]) -> np.ndarray:
    """Index of the group (first, last) that contains each age; -1 if none."""
    index = np.full(ages.shape, -1)
    for i, (first, last) in enumerate(groups):
        index[(ages >= first) & (ages <= last)] = i
    return index


def hmd_births(years: Sequence[int]) -> np.ndarray:
    """HMD live births by year and sex [births]."""
    return grid(read_raw("hmd_births.csv"), "births", [("year", years), ("sex", SEX_CODES)], source="hmd_births")


def hmd_e0(year: int) -> np.ndarray:
    """e0 [years] of the HMD period life table of ``year``, by sex."""
    rows = read_raw("hmd_lifetables_period_age0_1987_2011.csv")
    return grid(
        rows, "ex", [("year", [year]), ("sex", SEX_CODES)], select=not_total, source="hmd_lifetables_period"
    )[0]


def sex_ratio_at_birth(year: int) -> tuple[float, int, int]:
    """Male per female live births of ``year`` (HMD), with the two counts."""
    female, male = hmd_births([year])[0]
    return male / female, int(male), int(female)


def infant_survival(year: int) -> np.ndarray:
    """1 - (HMD deaths at age 0 in the lower Lexis triangle of ``year``) / births, by sex."""
    infant_deaths = grid(
        read_raw(HMD_LEXIS_FILE), "deaths", [("sex", SEX_CODES)],
        select=lambda row: row["year"] == str(year) and row["age"] == "0" and row["cohort"] == str(year),
        source=f"hmd_deaths_lexis {year} age 0 lower triangle",
    )
    return 1 - infant_deaths / hmd_births([year])[0]


# --------------------------------------------------------------------------
# Stocks and death quotients


def largest_remainder(total: float, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that add up to ``total``.

    Hamilton's method: every cell gets the integer part of its exact share,
    and the persons left over go one each to the cells with the largest
    remainders (ties: the younger age first).

    Examples
    --------
    >>> largest_remainder(5, np.array([0.5, 0.3, 0.2]))
    array([3., 1., 1.])
    """
    if total != round(total) or total < 0:
        raise BuildError(f"expected a whole number of persons to split, got {total!r}")
    if total == 0:
        return np.zeros(len(weights))
    exact = total * weights / weights.sum()
    whole_part = np.floor(exact)
    left = int(round(total - whole_part.sum()))
    order = np.lexsort((np.arange(len(weights)), -(exact - whole_part)))
    whole_part[order[:left]] += 1
    return whole_part


@dataclass
class Stocks:
    """Statbel stocks on the model ages and the probabilities of dying of each cell."""

    #: year -> (region, nationality, sex, age 0..110) [whole persons] on 1 January.
    population: dict[int, np.ndarray]
    #: year -> (region, nationality, sex, age 0..110): probability that a person of
    #: the cell on 1 January dies before the next 1 January (prospective quotient).
    quotient: dict[int, np.ndarray]
    #: year -> (sex, 11): HMD shares of ages 100..109 and 110+ within 100+.
    old_age_share: dict[int, np.ndarray]
    #: year -> (sex,): HMD prospective quotient of the persons aged 100+.
    old_age_quotient: dict[int, np.ndarray]

    def cohort_deaths(self, year: int) -> np.ndarray:
        """Deaths during ``year`` of the persons of each cell on 1 January [persons]."""
        return self.population[year] * self.quotient[year]

    def regional(self, year: int) -> np.ndarray:
        """(region, sex, age) population on 1 January of ``year``, summed over nationality."""
        return self.population[year].sum(axis=1)


def _hmd_old_age(years: Sequence[int]) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """HMD shares of ages 100..109, 110+ in the 100+ and the 100+ prospective quotient, by year and sex.

    HMD gives 1 January 2011 under the old and the new population universe
    (without and with asylum seekers, variants "-" and "+"); they must be equal
    at 100+, and the "-" rows are used.
    """
    rows = read_raw(HMD_OLD_AGE_FILE)
    old_ages = range(STATBEL_OPEN_AGE, OPEN_AGE + 1)
    axes = [("year", years), ("sex", SEX_CODES), ("age", old_ages)]
    population = grid(rows, "population", axes, select=lambda r: r["hmd_year_variant"] in ("none", "-"),
                      source=HMD_OLD_AGE_FILE)
    if 2011 in years:
        plus = grid(rows, "population", [("sex", SEX_CODES), ("age", old_ages)],
                    select=lambda r: r["year"] == "2011" and r["hmd_year_variant"] == "+", source=HMD_OLD_AGE_FILE)
        if not np.array_equal(plus, population[list(years).index(2011)]):
            raise BuildError(f"{HMD_OLD_AGE_FILE}: the 2011 variants '+' and '-' differ at ages 100+")
    lexis = read_raw(HMD_LEXIS_FILE)
    shares, quotients = {}, {}
    for y, year in enumerate(years):
        shares[year] = population[y] / population[y].sum(axis=-1, keepdims=True)
        if year not in DEATH_YEARS:
            continue
        # Deaths during the year of those aged 100+ on 1 January: every death
        # at 100+ except the lower triangle at 100 (the cohort that was 99).
        deaths = np.zeros(len(SEX_CODES))
        for row in lexis:
            if row["year"] != str(year) or row["sex"] == "T" or int(row["age"]) < STATBEL_OPEN_AGE:
                continue
            if row["age"] == str(STATBEL_OPEN_AGE) and row["cohort"] == str(year - STATBEL_OPEN_AGE):
                continue
            deaths[RAW_SEX[row["sex"]]] += float(row["deaths"] or 0)
        quotients[year] = deaths / population[y].sum(axis=-1)
    return shares, quotients


def read_stocks() -> Stocks:
    """Statbel 1 January 2009-2013 on ages 0..110+ and the death quotients of 2009-2012.

    Statbel gives single ages 0..99 and 100+ by region, nationality and sex.
    The 100+ of each cell is split over 100..109 and 110+ in proportion to
    HMD's national population of the same year and sex by single age
    100..109 and 110+, in whole persons (:func:`largest_remainder`). The
    quotients are the larray register quotients below age 100 and, from 100
    on, the HMD quotient of the 100+ (the same for every region, nationality
    and single age).
    """
    years = list(STOCK_YEARS)
    statbel = grid(
        read_raw(STATBEL_NATIONALITY_FILE),
        "population",
        [("year", years), ("region", REGIONS), ("nationality", NATIONALITIES), ("sex", SEX_CODES),
         ("age", range(STATBEL_OPEN_AGE + 1))],
        source=STATBEL_NATIONALITY_FILE,
    )
    shares, old_quotient = _hmd_old_age(years)
    register_q = grid(
        read_raw(LARRAY_QX_FILE),
        "qx",
        [("year", DEATH_YEARS), ("region", REGIONS), ("nationality", NATIONALITIES), ("sex", SEX_CODES),
         ("age", range(STATBEL_OPEN_AGE))],
        source=LARRAY_QX_FILE,
    )
    stocks = Stocks({}, {}, shares, old_quotient)
    for y, year in enumerate(years):
        population = np.zeros((len(REGIONS), len(NATIONALITIES), len(SEXES), N_AGES))
        population[..., :STATBEL_OPEN_AGE] = statbel[y][..., :STATBEL_OPEN_AGE]
        for r in range(len(REGIONS)):
            for n in range(len(NATIONALITIES)):
                for s in range(len(SEXES)):
                    population[r, n, s, STATBEL_OPEN_AGE:] = largest_remainder(
                        statbel[y][r, n, s, STATBEL_OPEN_AGE], shares[year][s]
                    )
        stocks.population[year] = population
        if year in DEATH_YEARS:
            quotient = np.empty_like(population)
            quotient[..., :STATBEL_OPEN_AGE] = register_q[DEATH_YEARS.index(year)]
            quotient[..., STATBEL_OPEN_AGE:] = old_quotient[year][:, None]
            stocks.quotient[year] = quotient
    check_base_totals(stocks.population[BASE_YEAR])
    return stocks


def check_base_totals(population: np.ndarray) -> None:
    """The 1 January 2012 stock (region, nationality, sex, age) against the published totals."""
    total = population.sum()
    if total != STATBEL_TOTAL_2012:
        raise BuildError(f"{BASE_YEAR} population: total {total:.0f}, expected {STATBEL_TOTAL_2012}")
    for r, region in enumerate(REGIONS):
        if population[r].sum() != STATBEL_REGION_TOTALS_2012[region]:
            raise BuildError(
                f"{BASE_YEAR} population: {region} {population[r].sum():.0f}, "
                f"expected {STATBEL_REGION_TOTALS_2012[region]}"
            )
    foreign = population[:, NATIONALITIES.index("foreign")].sum()
    if foreign != STATBEL_FOREIGN_2012:
        raise BuildError(f"{BASE_YEAR} population: {foreign:.0f} foreigners, expected {STATBEL_FOREIGN_2012}")


def residual_net_migration(
    population_start: np.ndarray,
    population_end: np.ndarray,
    cohort_deaths: np.ndarray,
    newborn_survivors: np.ndarray,
) -> np.ndarray:
    """Net migration by age at the end of the year, by the residual method.

    ``cohort_deaths[..., x]`` are the deaths during the year of the persons aged
    x on 1 January (x = OPEN_AGE: the open group); ``newborn_survivors`` are
    the births of the year alive on the next 1 January. Age 0 at the end is
    the birth cohort, OPEN_AGE at the end collects start ages OPEN_AGE-1 and
    OPEN_AGE+.
    """
    survivors = population_start - cohort_deaths
    net = np.empty_like(population_end)
    net[..., 0] = population_end[..., 0] - newborn_survivors
    net[..., 1:OPEN_AGE] = population_end[..., 1:OPEN_AGE] - survivors[..., : OPEN_AGE - 1]
    net[..., OPEN_AGE] = population_end[..., OPEN_AGE] - survivors[..., OPEN_AGE - 1 :].sum(axis=-1)
    return net


# --------------------------------------------------------------------------
# Mortality around 2011


@dataclass
class Mortality2012:
    mortality_rate: np.ndarray  # (region, sex, age) [per person-year]
    national_rate: np.ndarray  # (sex, age) HMD pooled, closed the same way
    ratio: np.ndarray  # (region, sex, group)
    e0_region: np.ndarray  # (region, sex)
    e0_weighted_rates: np.ndarray  # (sex,)
    e0_weighted_mean: np.ndarray  # (sex,)
    e0_national_pooled: np.ndarray  # (sex,)
    e0_hmd_2011: np.ndarray  # (sex,)
    e0_national_by_year: dict[int, np.ndarray]  # year -> (sex,), HMD D/E closed the same way
    observed_national: np.ndarray  # (sex, age < KANNISTO_FROM_2012) HMD pooled deaths / exposure


def register_death_ratio(
    stocks: Stocks, years: Sequence[int], groups: Sequence[tuple[int, int]], *, by_nationality: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Observed and expected register deaths by region (and nationality), sex and age group.

    Observed deaths are the quotients times the population of the cell;
    expected deaths apply the national quotient (all regions and
    nationalities) of the same year, sex and age to the cell's population.
    Both are summed over ``years`` and over the ages of each group.

    Returns
    -------
    observed, expected : ndarray
        (region, nationality, sex, group) if ``by_nationality``, else
        (region, sex, group) [deaths].
    """
    index = group_index(np.arange(N_AGES), groups)
    shape = (len(REGIONS), len(NATIONALITIES), len(SEXES), len(groups))
    observed, expected = np.zeros(shape), np.zeros(shape)
    for year in years:
        persons = stocks.population[year]
        deaths = stocks.cohort_deaths(year)
        national_persons = persons.sum((0, 1))
        national_quotient = np.divide(
            deaths.sum((0, 1)), national_persons, out=np.zeros_like(national_persons), where=national_persons > 0
        )
        for g in range(len(groups)):
            in_group = index == g
            observed[..., g] += deaths[..., in_group].sum(-1)
            expected[..., g] += (national_quotient[:, in_group] * persons[..., in_group]).sum(-1)
    if by_nationality:
        return observed, expected
    return observed.sum(1), expected.sum(1)


def mortality_2012(stocks: Stocks) -> Mortality2012:
    """Regional central death rates around 2011.

    National HMD rates = deaths / exposure pooled over 2010-2012. Regional
    ratio = observed / expected register deaths in broad age groups, pooled
    over 2010-2012 (:func:`register_death_ratio`, summed over nationality;
    indirect standardisation). Ages 95+ come from a Kannisto fit to 80-94.
    """
    years = list(MORTALITY_YEARS)
    axes = [("year", years), ("sex", SEX_CODES), ("age", range(N_AGES))]
    deaths = grid(read_raw("hmd_deaths_1x1_2010_2012.csv"), "deaths", axes, select=not_total, source="hmd_deaths_1x1")
    exposure = grid(
        read_raw("hmd_exposures_1x1_2010_2012.csv"), "exposure", axes, select=not_total, source="hmd_exposures_1x1"
    )
    observed_ages = slice(0, KANNISTO_FROM_2012)
    national = deaths.sum(axis=0)[:, observed_ages] / exposure.sum(axis=0)[:, observed_ages]
    if not np.all(np.isfinite(national) & (national > 0)):
        raise BuildError(f"HMD {years[0]}-{years[-1]}: a national rate below age {KANNISTO_FROM_2012} is missing or 0")

    observed, expected = register_death_ratio(stocks, years, MORTALITY_RATIO_GROUPS, by_nationality=False)
    ratio = observed / expected
    ratio_by_age = ratio[..., group_index(np.arange(KANNISTO_FROM_2012), MORTALITY_RATIO_GROUPS)]
    rate = close_old_ages(national[None, :, :] * ratio_by_age)
    national_closed, by_year = (
        close_old_ages(observed_rate)
        for observed_rate in (national, deaths[..., observed_ages] / exposure[..., observed_ages])
    )
    population = stocks.regional(BASE_YEAR)
    sexes = np.array(SEXES)
    e0_region = life_expectancy_at_birth(rate, sexes)
    e0_weighted_rates = life_expectancy_at_birth(weighted_rate(rate, population), sexes)
    regional_weight = population.sum(-1) / population.sum((0, -1))
    e0_hmd = hmd_e0(BIRTHS_YEAR)
    result = Mortality2012(
        mortality_rate=rate,
        national_rate=national_closed,
        ratio=ratio,
        e0_region=e0_region,
        e0_weighted_rates=e0_weighted_rates,
        e0_weighted_mean=(e0_region * regional_weight).sum(0),
        e0_national_pooled=life_expectancy_at_birth(national_closed, sexes),
        e0_hmd_2011=e0_hmd,
        e0_national_by_year=dict(zip(years, life_expectancy_at_birth(by_year, sexes))),
        observed_national=national,
    )
    check_e0(result.e0_weighted_rates, e0_hmd, "2012 mortality")
    return result


def close_old_ages(observed_rate: np.ndarray) -> np.ndarray:
    """Rates on ages 0..KANNISTO_FROM_2012-1 extended to 0..110+ by a Kannisto fit to ages 80-94."""
    return kannisto_extend(
        observed_rate,
        np.arange(KANNISTO_FROM_2012),
        fit_ages=KANNISTO_FIT_2012,
        replace_from=KANNISTO_FROM_2012,
        open_age=OPEN_AGE,
    )


def weighted_rate(rate: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Population-weighted mean over the leading axis of (state, sex, age) rates.

    Weights: the population of the age; from age 100 on, where some single
    ages have nobody, the state's 100+ population.
    """
    weight = population.copy()
    weight[..., STATBEL_OPEN_AGE:] = population[..., STATBEL_OPEN_AGE:].sum(-1, keepdims=True)
    return (rate * weight).sum(0) / weight.sum(0)


def check_e0(e0: np.ndarray, e0_hmd: np.ndarray, what: str) -> None:
    gap = np.abs(e0 - e0_hmd)
    if gap.max() > E0_TOLERANCE:
        raise BuildError(
            f"{what}: e0 of the population-weighted rates {e0} differs from HMD {BIRTHS_YEAR} {e0_hmd} "
            f"by more than {E0_TOLERANCE} years"
        )


# --------------------------------------------------------------------------
# Fertility around 2011


@dataclass
class Fertility2012:
    fertility_rate: np.ndarray  # (region, age)
    national_rate: np.ndarray  # (age,)
    shape: np.ndarray  # (age,) HFC ASFR of FERTILITY_SHAPE_YEAR
    hfc_tfr: float
    national_scale: float
    regional_multiplier: np.ndarray  # (region,) before rescaling
    regional_level: np.ndarray  # (region,) after rescaling
    female_exposure: np.ndarray  # (region, age)


def fertility_2012(regional_population: Callable[[int], np.ndarray]) -> Fertility2012:
    """Regional ASFR 2011: HFC 2010 shape, HMD 2011 births, age-0 regional levels.

    ``regional_population(year)`` gives the (region, sex, age) population on
    1 January of ``year``.
    """
    hfc = read_raw("hfc_asfr_1x1_1987_2010.csv")
    shape = single_age_asfr(hfc, FERTILITY_SHAPE_YEAR)
    female = SEXES.index("female")
    exposure = 0.5 * (regional_population(BIRTHS_YEAR)[:, female] + regional_population(BASE_YEAR)[:, female])
    births = hmd_births([BIRTHS_YEAR])[0].sum()
    if births != HMD_BIRTHS_2011:
        raise BuildError(f"HMD births {BIRTHS_YEAR}: {births:.0f}, expected {HMD_BIRTHS_2011}")
    national_scale = births / (shape * exposure).sum()
    national = national_scale * shape
    predicted = (national * exposure).sum(-1)
    age_zero = regional_population(BASE_YEAR)[..., 0].sum(-1)
    multiplier = age_zero / predicted
    level = multiplier * births / (multiplier * predicted).sum()
    return Fertility2012(
        fertility_rate=level[:, None] * national[None, :],
        national_rate=national,
        shape=shape,
        hfc_tfr=float(shape.sum()),
        national_scale=float(national_scale),
        regional_multiplier=multiplier,
        regional_level=level,
        female_exposure=exposure,
    )


# --------------------------------------------------------------------------
# Interregional figures


def brussels_net_loss(figures: list[dict[str, str]], period: str) -> float:
    """Brussels' published net interregional loss of ``period`` [persons]."""
    values = [
        float(row["value"])
        for row in figures
        if row["period"] == period
        and row["measure"] == "net_flow"
        and row["origin"] == "Brussels-Capital Region"
        and row["destination"] == "Flemish Region + Walloon Region"
    ]
    if len(values) != 1:
        raise BuildError(f"interregional figures: expected one Brussels net flow for {period}, found {len(values)}")
    return values[0]


def flow_matrix(figures: list[dict[str, str]]) -> np.ndarray:
    """The 2019 Statbel-based gross flows between the three regions; zero diagonal."""
    flow = np.zeros((len(REGIONS), len(REGIONS)))
    found = np.eye(len(REGIONS), dtype=bool)
    for row in figures:
        if row["period"] != INTERNAL_MATRIX_PERIOD or row["measure"] != "gross_flow":
            continue
        if row["origin"] in REGIONS and row["destination"] in REGIONS:
            o, d = REGIONS.index(row["origin"]), REGIONS.index(row["destination"])
            if found[o, d]:
                raise BuildError(
                    f"interregional figures: duplicate or diagonal {INTERNAL_MATRIX_PERIOD} flow "
                    f"{row['origin']} -> {row['destination']}"
                )
            flow[o, d], found[o, d] = float(row["value"]), True
    if not found.all():
        raise BuildError("interregional figures: the 2019 3x3 gross-flow matrix is incomplete")
    return flow


def census_age_groups(rows: list[dict[str, str]]) -> list[tuple[int, int | None]]:
    """The census 5-year groups (first, last age); last is None for 100+."""
    return sorted({(int(r["age_start"]), int(r["age_end"]) if r["age_end"] else None) for r in rows})


# --------------------------------------------------------------------------
# Writing helpers


def whole(value: float) -> int:
    if value != round(value):
        raise BuildError(f"expected a whole number of persons, got {value!r}")
    return int(round(value))


def f1(x: float) -> str:
    return f"{x:,.0f}"


def f2(x: float) -> str:
    return f"{x:.2f}"


def f3(x: float) -> str:
    return f"{x:.3f}"


SHORT_REGION = {"Brussels-Capital Region": "Brussels", "Flemish Region": "Flanders", "Walloon Region": "Wallonia"}


def licence_notes_2012(gpl_files: Sequence[str], extra: Sequence[str] = ()) -> str:
    """The "Sources and licences" section of a 2012 README.

    ``gpl_files`` are the files of the folder derived from the GPL-3.0 larray
    quotients; ``extra`` are further bullet points (without the leading "* ").
    """
    gpl = ", ".join(f"`{name}`" for name in gpl_files)
    bullets = [
        "**Statbel** (Statistics Belgium) open data: population on 1 January by region, nationality, sex and age, and "
        "the Census 2011 hypercube `TF_CENSUS_2011_HC46_L`. Reuse is free with **attribution to Statbel** (the "
        "open-data licence is described as compatible with CC BY). Source: Statbel, statbel.fgov.be.",
        "**Human Mortality Database** (HMD), version \"Last modified: 25 Sep 2021\": deaths, exposures, births, "
        "Lexis deaths, life tables and the population aged 100+ of Belgium, **CC BY 4.0**. Cite as: *Human "
        "Mortality Database, UC Berkeley and MPIDR, www.mortality.org.* No HMD input-data file is used.",
        "**larray register quotients** (Belgian prospective death quotients by region, nationality, sex and age, as "
        "compiled by the Federal Planning Bureau) ship as test data of the `larray` package, which is **GPL-3.0**; "
        f"no separate data licence is stated. The files of this folder derived from them, {gpl}, are therefore "
        "**GPL-3.0**; the other files do not use them.",
        "**Human Fertility Collection** (HFC, MPIDR and VID): free for research with citation of the Human Fertility "
        "Collection, MPIDR and VID; the intermediary repository states no licence. Please verify.",
        "Interregional flows are figures published by IBSA, Statistiek Vlaanderen and Statbel, copied by hand from "
        "web pages (addresses in `data-raw/belgium/migration_interregional_text_figures.csv`).",
        *extra,
    ]
    return (
        "\n".join("* " + wrap_bullet(text) for text in bullets)
        + "\n\nprojsim's code is BSD-3-Clause; these data files keep the terms of their sources above. Full provenance"
        "\n(repositories, commits, transformations): `data-raw/belgium/SOURCES.md`.\n"
    )


def wrap_bullet(text: str, width: int = 114) -> str:
    """Wrap a bullet's text at ``width`` characters, continuation lines indented by two spaces."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n  ".join(lines)
