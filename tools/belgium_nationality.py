"""Estimates of the region x nationality base ``belgium_2012``.

Called by ``build_belgium.py`` (which writes the files through
``belgium_nationality_files.py``). Every rate comes from data up to
1 January 2013: the Statbel stocks of 1 January 2009-2013, the deaths of
2009-2012 and the flows published for 2010-2012, as the Federal Planning Bureau
could have known them in 2013. The methods, with the measured check values,
are stated in the generated README of the folder; in short:

* **fertility** by nationality: the regional rates of ``belgium_2012_regions``, with
  foreign women's rates 2.52 / 1.74 times the Belgian women's (the FPB's TFRs
  of 2006-08), so that each region keeps its births;
* **birth nationality**: the share of the children of foreign mothers born
  Belgian, from the foreign share of the 0-year-olds on 1 January 2010-2013;
* **immigration**: Eurostat's immigrants by citizenship, spread over regions,
  sexes and ages by the census 2011 profile of the persons who lived abroad a
  year earlier, graduated to single years (:func:`graduate_monotone`);
* **emigration, naturalisation, internal migration**: smooth non-negative rate
  schedules fitted together to the residual of the stock changes by region,
  nationality, sex and age over 2010-2012 (:func:`decompose`), under one
  stated identification assumption;
* **mortality** by nationality: the regional rates times a nationality ratio
  of register deaths in broad age groups (GPL-3.0 larray quotients).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.interpolate import BSpline, PchipInterpolator
from scipy.optimize import minimize_scalar, nnls

sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import BuildError  # noqa: E402
from belgium_common import (  # noqa: E402  (it also puts this checkout's src/ on sys.path)
    BASE_YEAR, BIRTHS_YEAR, CENSUS_ROY_ABROAD, CENSUS_ROY_INTERNAL, KANNISTO_FROM_2012, MORTALITY_YEARS, N_AGES,
    NATIONALITIES, OPEN_AGE, RAW_SEX, REGIONS, STOCK_YEARS, Fertility2012, Mortality2012, Stocks, brussels_net_loss,
    census_age_groups, check_e0, close_old_ages, flow_matrix, group_index, hmd_births, infant_survival, read_raw,
    register_death_ratio, residual_net_migration, weighted_rate,
)

from projsim.demography.lifetable import life_expectancy_at_birth  # noqa: E402
from projsim.types import SEXES  # noqa: E402

BELGIAN, FOREIGN = NATIONALITIES.index("Belgian"), NATIONALITIES.index("foreign")
BRUSSELS, FLANDERS, WALLONIA = (REGIONS.index(r) for r in REGIONS)
FEMALE = SEXES.index("female")

#: Intervals t -> t+1 of the decomposition: the years with Eurostat
#: immigration by citizenship in the copy (2009 is not in it).
DECOMPOSITION_YEARS = (2010, 2011, 2012)
#: Intervals whose 0-year-olds give the nationality of births.
BIRTH_SHARE_YEARS = (2009, 2010, 2011, 2012)

#: TFR of Belgian and of foreign women, mean 2006-08, as quoted from the FPB's
#: 2010-2060 projections (lavenir.net, 20 December 2011; FPB_PROJECTIONS.md 1.3).
TFR_BELGIAN_WOMEN_2006_08, TFR_FOREIGN_WOMEN_2006_08 = 1.74, 2.52
FOREIGN_FERTILITY_RATIO = TFR_FOREIGN_WOMEN_2006_08 / TFR_BELGIAN_WOMEN_2006_08

#: Census 2011 citizenship groups counted as foreign (Eurostat's
#: "foreign country and stateless" plus "unknown").
CENSUS_CITIZENSHIP = {"Belgian": ("Belgian",), "foreign": ("foreign", "stateless", "unknown")}
EUROSTAT_FILE = "eurostat_migr_imm1ctz_BE_citizenship_2010_2012.csv"
EUROSTAT_IMMIGRATION_2012 = {"total": 129_477, "Belgian": 13_422}
BOOK_FILE = "book_migration_figures_net_migration_stocks_2011_2012.csv"
NATURALISATION_FILE = "naturalisations_text_figures_belgium_2011_2012.csv"
COMPONENTS_FILE = "components_text_figures_belgium_regions_2009_2012.csv"
CENSUS_FILE = "migration_census2011_residence_one_year_prior_region_sex_age5.csv"

#: Identification: the net international migration of Belgians in 2011
#: (Centrum / ADSEI, in the book's table) with Eurostat's Belgian immigrants of
#: 2011 gives the yearly emigration of Belgians.
IDENTIFICATION_YEAR = 2011

#: Mortality: broad age groups of the nationality ratio (ages 95+ modelled).
NATIONALITY_MORTALITY_GROUPS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 94))

#: P-spline schedules: cubic B-splines with knots every SPLINE_STEP years on
#: 0..110 and a second-order difference penalty of weight PENALTY (chosen with
#: :func:`cross_validate` over CROSS_VALIDATED_PENALTIES; see the README).
SPLINE_STEP, SPLINE_DEGREE, PENALTY = 2.5, 3, 1.0
CROSS_VALIDATED_PENALTIES = (0.01, 0.1, 1.0, 10.0, 100.0)
#: Scores of :func:`cross_validate` over CROSS_VALIDATED_PENALTIES, as printed by
#: ``python tools/belgium_nationality.py`` (quoted in the README; not rerun by the build).
CROSS_VALIDATION_SCORES = {0.01: 23592.0, 0.1: 24157.9, 1.0: 25638.0, 10.0: 29314.1, 100.0: 38383.7}
#: Weight of a cell's misfit: 1 / sqrt(immigrants + TURNOVER_SHARE x population + WEIGHT_FLOOR).
TURNOVER_SHARE, WEIGHT_FLOOR = 0.01, 25.0
#: Weight of the interregional out-flow totals, relative to a Poisson misfit.
TOTALS_WEIGHT = 1000.0
#: Weight of the census shape of the moves into Brussels, relative to a Poisson misfit: it makes the
#: shares of the 5-year groups hold to within about half a percentage point.
CENSUS_WEIGHT = 30.0
#: Search range and tolerance of the ratio of the Brussels foreigners'
#: internal out-migration rates to the Brussels Belgians'.
RHO_RANGE, RHO_TOLERANCE = (0.05, 2.0), 0.005
#: Convergence of the Belgian emigration factor (relative).
FACTOR_TOLERANCE = 1e-10
#: Looser convergence of c while searching rho.
SEARCH_TOLERANCE = 1e-7


# --------------------------------------------------------------------------
# Small helpers


def to_cohort(at_start: np.ndarray, after_start: np.ndarray) -> np.ndarray:
    """Flows by age at migration -> by age at the end of the year, as the kernel labels them.

    ``at_start[..., i]`` join (or leave) at age i at the start of the year and
    reach age i + 1 at its end (the open group stays); ``after_start`` are
    already labelled by the age at the end.
    """
    out = after_start.copy()
    out[..., 1:] += at_start[..., :-1]
    out[..., -1] += at_start[..., -1]
    return out


def bspline_basis(step: float = SPLINE_STEP, degree: int = SPLINE_DEGREE) -> np.ndarray:
    """(age 0..110, basis) cubic B-splines with equally spaced knots on 0..110."""
    inner = np.arange(0.0, OPEN_AGE + step / 2, step)
    knots = np.concatenate([[inner[0]] * degree, inner, [inner[-1]] * degree])
    count = len(knots) - degree - 1
    ages = np.arange(N_AGES, dtype=float)
    ages[-1] = OPEN_AGE - 1e-9  # the right end belongs to the last interval
    basis = np.column_stack(
        [BSpline(knots, np.eye(count)[k], degree, extrapolate=False)(ages) for k in range(count)]
    )
    return np.nan_to_num(basis)


def graduate_monotone(counts: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Single-year counts from grouped counts, preserving every group total.

    The cumulated counts at the group boundaries are interpolated by a
    monotone piecewise cubic Hermite polynomial (PCHIP, Fritsch and Carlson
    1980), and the single-year counts are its differences at whole ages: they
    are never negative and add up to each group's count exactly. This is the
    monotone spline of the cumulative distribution used by e.g. DemoTools'
    ``graduate_mono`` (Riffe et al.).

    Parameters
    ----------
    counts : ndarray, (groups,)
        Persons per group.
    boundaries : ndarray, (groups + 1,)
        Ages at which the groups start, and the end of the last group.

    Returns
    -------
    ndarray, (N_AGES,)
        Persons by single age (0 outside the groups).

    Examples
    --------
    >>> single = graduate_monotone(np.array([10.0, 30.0]), np.array([0, 5, 10]))
    >>> float(single[:5].sum()), float(single[5:10].sum())
    (10.0, 30.0)
    """
    cumulative = PchipInterpolator(boundaries.astype(float), np.concatenate([[0.0], np.cumsum(counts)]))
    out = np.zeros(N_AGES)
    ages = np.arange(int(boundaries[0]), int(boundaries[-1]))
    out[ages] = np.diff(cumulative(np.append(ages, ages[-1] + 1)))
    return np.maximum(out, 0.0)


def hazard(probability: np.ndarray, what: str) -> np.ndarray:
    """-log(1 - p): the rate whose kernel flow P (1 - exp(-rate)) equals p P."""
    if probability.max() >= 1:
        index = np.unravel_index(np.argmax(probability), probability.shape)
        raise BuildError(f"{what}: a probability of {probability.max():.4f} at index {index}, expected below 1")
    return -np.log1p(-probability)


# --------------------------------------------------------------------------
# Published figures


def eurostat_immigration() -> dict[int, dict[str, float]]:
    """Eurostat ``migr_imm1ctz`` immigrants by year: total, Belgian and the rest (foreign and unknown)."""
    rows = read_raw(EUROSTAT_FILE)
    out: dict[int, dict[str, float]] = {}
    for year in DECOMPOSITION_YEARS:
        values = {r["citizenship"]: float(r["immigrants"]) for r in rows if r["year"] == str(year)}
        for label in ("Total", "Reporting country", "Foreign country and stateless"):
            if label not in values:
                raise BuildError(f"{EUROSTAT_FILE}: no '{label}' row for {year}")
        out[year] = {
            "total": values["Total"],
            "Belgian": values["Reporting country"],
            "foreign": values["Total"] - values["Reporting country"],
            "unknown": values["Total"] - values["Reporting country"] - values["Foreign country and stateless"],
        }
    got = out[BASE_YEAR]
    if (got["total"], got["Belgian"]) != (EUROSTAT_IMMIGRATION_2012["total"], EUROSTAT_IMMIGRATION_2012["Belgian"]):
        raise BuildError(
            f"{EUROSTAT_FILE}: {BASE_YEAR} immigrants {got['total']:.0f} of which {got['Belgian']:.0f} Belgian, "
            f"expected {EUROSTAT_IMMIGRATION_2012['total']} and {EUROSTAT_IMMIGRATION_2012['Belgian']}"
        )
    return out


def book_figure(group: str, measure: str, year: str = "2011") -> float:
    """One figure of the book's migration table (Centrum / ADSEI)."""
    values = [float(r["value"]) for r in read_raw(BOOK_FILE)
              if r["group"] == group and r["measure"] == measure and r["year"] == year]
    if len(values) != 1:
        raise BuildError(f"{BOOK_FILE}: expected one '{measure}' of '{group}' in {year}, found {len(values)}")
    return values[0]


def naturalisation_figures() -> dict[tuple[int, str], float]:
    """Published acquisitions of Belgian nationality: (year, measure) -> persons."""
    return {(int(r["year"]), r["measure"]): float(r["value"]) for r in read_raw(NATURALISATION_FILE)}


def published_international_net() -> dict[int, float]:
    """Statbel's net international migration of Belgium, 2009-2012 (the only years read)."""
    rows = read_raw("migration_international_net_belgium_1990_2023.csv")
    return {int(r["year"]): float(r["net_international_migration"]) for r in rows if 2009 <= int(r["year"]) <= 2012}


def component_figure(year: int, geo: str, component: str) -> float:
    values = [float(r["value"]) for r in read_raw(COMPONENTS_FILE)
              if r["year"] == str(year) and r["geo"] == geo and r["component"] == component]
    if len(values) != 1:
        raise BuildError(f"{COMPONENTS_FILE}: expected one {component} of {geo} in {year}, found {len(values)}")
    return values[0]


# --------------------------------------------------------------------------
# Mortality by nationality


@dataclass
class NationalityMortality:
    rate: np.ndarray  # (region, nationality, sex, age) [per person-year]
    relative: np.ndarray  # (region, nationality, sex, group) ratio to the region's rate
    deaths: np.ndarray  # (region, nationality, sex, group) observed register deaths, pooled
    e0: np.ndarray  # (region, nationality, sex)
    e0_weighted: np.ndarray  # (sex,) of the population-weighted rates


def mortality_by_nationality(stocks: Stocks, regional: Mortality2012) -> NationalityMortality:
    """Regional rates times a nationality ratio of register deaths in broad age groups.

    Within each region, sex and group of NATIONALITY_MORTALITY_GROUPS, the
    ratio of a nationality is (observed / expected register deaths of the
    nationality) / (observed / expected of the region), pooled over 2010-2012,
    expected deaths applying the national quotient (:func:`register_death_ratio`).
    Weighted by expected deaths the two nationalities give back the region's
    deaths. The product with the regional rates below 95 is extended to 95+ by
    the same Kannisto fit (80-94) as the regional rates.
    """
    observed, expected = register_death_ratio(
        stocks, MORTALITY_YEARS, NATIONALITY_MORTALITY_GROUPS, by_nationality=True
    )
    regional_ratio = observed.sum(1) / expected.sum(1)
    relative = observed / expected / regional_ratio[:, None]
    by_age = relative[..., group_index(np.arange(KANNISTO_FROM_2012), NATIONALITY_MORTALITY_GROUPS)]
    rate = close_old_ages(regional.mortality_rate[:, None, :, :KANNISTO_FROM_2012] * by_age)
    sexes = np.array(SEXES)
    population = stocks.population[BASE_YEAR]
    flat_rate = rate.reshape(-1, len(SEXES), N_AGES)
    e0_weighted = life_expectancy_at_birth(weighted_rate(flat_rate, population.reshape(flat_rate.shape)), sexes)
    check_e0(e0_weighted, regional.e0_hmd_2011, "2012 mortality by nationality")
    return NationalityMortality(rate, relative, observed, life_expectancy_at_birth(rate, sexes), e0_weighted)


# --------------------------------------------------------------------------
# Fertility and the nationality of births


@dataclass
class NationalityFertility:
    rate: np.ndarray  # (region, nationality, age)
    level: np.ndarray  # (region,) Belgian women's rates / regional rates
    tfr: np.ndarray  # (region, nationality)
    national_tfr: np.ndarray  # (nationality,) implied by the 2011 births
    foreign_mother_share: dict[int, np.ndarray]  # year -> (region,) share of births to foreign mothers
    births_kept: np.ndarray  # (region,) births 2011 by the split rates / by the regional rates


def female_exposure(stocks: Stocks, year: int) -> np.ndarray:
    """(region, nationality, age) mean of the female population on 1 January of ``year`` and ``year`` + 1."""
    return 0.5 * (stocks.population[year] + stocks.population[year + 1])[:, :, FEMALE]


def fertility_by_nationality(stocks: Stocks, regional: Fertility2012) -> NationalityFertility:
    """Split the regional rates: foreign women FOREIGN_FERTILITY_RATIO times Belgian women, births kept.

    Same age shape for both; in region r the Belgian rate is a_r f_r(x), the
    foreign k a_r f_r(x), and a_r makes the 2011 births on the exposure of the
    regional rates (women averaged over 1 January 2011 and 2012) unchanged.
    """
    k = FOREIGN_FERTILITY_RATIO
    exposure = female_exposure(stocks, BIRTHS_YEAR)
    births_b = (regional.fertility_rate * exposure[:, BELGIAN]).sum(-1)
    births_f = (regional.fertility_rate * exposure[:, FOREIGN]).sum(-1)
    level = (births_b + births_f) / (births_b + k * births_f)
    rate = np.stack([level[:, None] * regional.fertility_rate, k * level[:, None] * regional.fertility_rate], axis=1)
    kept = (rate * exposure).sum((1, 2)) / (regional.fertility_rate * exposure.sum(1)).sum(-1)
    # National TFR by nationality: births of the nationality's women over their exposure, age by age.
    national_tfr = np.array([
        ((rate[:, n] * exposure[:, n]).sum(0) / np.maximum(exposure[:, n].sum(0), 1e-300)).sum()
        for n in range(len(NATIONALITIES))
    ])
    shares = {}
    for year in BIRTH_SHARE_YEARS:
        w = female_exposure(stocks, year)
        b = (rate * w).sum(-1)
        shares[year] = b[:, FOREIGN] / b.sum(1)
    return NationalityFertility(rate, level, rate.sum(-1), national_tfr, shares, kept)


@dataclass
class BirthNationality:
    share_belgian: np.ndarray  # (region,) share of the children of foreign mothers born Belgian
    foreign_share_age0: dict[int, np.ndarray]  # year t -> (region,) foreigners among the 0-year-olds of 1 Jan t+1


def birth_nationality(stocks: Stocks, fertility: NationalityFertility) -> BirthNationality:
    """Share s_r of the children of foreign mothers born Belgian, from the 0-year-olds.

    On 1 January t+1 the foreigners among the 0-year-olds of region r are
    (1 - s_r) phi_r(t) of them, phi_r(t) being the share of the births of t to
    foreign mothers (:func:`fertility_by_nationality`), if infant deaths,
    infant migration and infant naturalisation affect both nationalities
    alike. Pooled over BIRTH_SHARE_YEARS:
    s_r = 1 - sum_t F0_r(t+1) / sum_t phi_r(t) P0_r(t+1).
    """
    foreign, expected = np.zeros(len(REGIONS)), np.zeros(len(REGIONS))
    observed = {}
    for year in BIRTH_SHARE_YEARS:
        age0 = stocks.population[year + 1][..., 0].sum(-1)  # (region, nationality)
        foreign += age0[:, FOREIGN]
        expected += fertility.foreign_mother_share[year] * age0.sum(1)
        observed[year] = age0[:, FOREIGN] / age0.sum(1)
    share = 1 - foreign / expected
    if np.any((share < 0) | (share > 1)):
        raise BuildError(
            f"birth nationality: share of children of foreign mothers born Belgian {share}, expected in [0, 1]"
        )
    return BirthNationality(share, observed)


# --------------------------------------------------------------------------
# Immigration


def census_counts(residence: str) -> tuple[np.ndarray, list[tuple[int, int | None]]]:
    """Census 2011 persons by (nationality, region, sex, 5-year group) with a residence a year earlier."""
    rows = read_raw(CENSUS_FILE)
    groups = census_age_groups(rows)
    firsts = [first for first, _ in groups]
    counts = np.zeros((len(NATIONALITIES), len(REGIONS), len(SEXES), len(groups)))
    for row in rows:
        if row["residence_one_year_prior"] != residence:
            continue
        n = next(i for i, name in enumerate(NATIONALITIES) if row["citizenship"] in CENSUS_CITIZENSHIP[name])
        counts[n, REGIONS.index(row["region"]), RAW_SEX[row["sex"]], firsts.index(int(row["age_start"]))] += float(
            row["persons"]
        )
    return counts, groups


def census_boundaries(groups: list[tuple[int, int | None]]) -> np.ndarray:
    """Group starts and the end of the last group; the first group 0-4 holds ages 1-4 only.

    The census question on the residence a year earlier does not apply to the
    children born after 1 January 2010 (age 0 at the census), so the group
    0-4 counts ages 1-4; the open group 100+ is graduated as 100-104.
    """
    starts = [max(first, 1) for first, _ in groups]
    return np.array(starts + [starts[-1] + 5])


@dataclass
class ImmigrantProfile:
    share: np.ndarray  # (nationality, region, sex, age at migration), sums to 1 per nationality
    census: np.ndarray  # (nationality, region, sex, group) census persons
    groups: list[tuple[int, int | None]]


def immigrant_profile() -> ImmigrantProfile:
    """Census 2011 recent immigrants by nationality, graduated and turned into ages at migration.

    1. Census persons who lived abroad a year earlier, by nationality, region,
       sex and 5-year group, graduated to single census ages 1..104
       (:func:`graduate_monotone`).
    2. Census age 0 (born during the year, not asked) is taken as half of
       census age 1: a child born during the year has on average half a year
       in which to migrate.
    3. The census age is the age after the move (1 January 2011); the age at
       migration of a move during 2010 is on average half a year lower, so the
       immigrants at age i are the mean of census ages i and i + 1.
    """
    counts, groups = census_counts(CENSUS_ROY_ABROAD)
    boundaries = census_boundaries(groups)
    share = np.zeros(counts.shape[:3] + (N_AGES,))
    for index in np.ndindex(counts.shape[:3]):
        census_age = graduate_monotone(counts[index], boundaries)
        census_age[0] = census_age[1] / 2
        migration_age = np.zeros(N_AGES)
        migration_age[:-1] = 0.5 * (census_age[:-1] + census_age[1:])
        migration_age[-1] = 0.5 * census_age[-1]
        share[index] = migration_age
    share /= share.sum(axis=(1, 2, 3), keepdims=True)
    return ImmigrantProfile(share, counts, groups)


def immigration_counts(profile: ImmigrantProfile, levels: dict[str, float]) -> np.ndarray:
    """(region, nationality, sex, age at migration) immigrants for Eurostat's levels of one year."""
    out = np.zeros((len(REGIONS), len(NATIONALITIES), len(SEXES), N_AGES))
    for n, name in enumerate(NATIONALITIES):
        out[:, n] = levels[name] * profile.share[n]
    return out


# --------------------------------------------------------------------------
# Internal migration matrix of 2012


@dataclass
class InternalTargets:
    flow_2019: np.ndarray  # (origin, destination)
    flow_2012: np.ndarray  # (origin, destination), adjusted to the 2012 nets
    share: np.ndarray  # (origin, destination) of flow_2012
    out_total: np.ndarray  # (origin,) of flow_2012
    scale: float  # Brussels net 2012 / 2019
    brussels_net_2012: float
    brussels_net_2013: float
    flanders_net_2012: float
    flanders_share_of_growth: float
    flanders_change_2012: float
    wallonia_range: str


def internal_targets() -> InternalTargets:
    """The 2012 interregional flows: the 2019 matrix scaled and adjusted to the nets of 2012.

    The six 2019 gross flows G are scaled by Brussels' net loss 2012 / 2019,
    then changed as little as possible (least squares with weights 1 / G, the
    chi-square distance) so that Brussels' net is the published -13,714 and
    Flanders' net the published 21.8 % of its 2012 population change (Statbel,
    quoted in the components file); Wallonia's net follows.
    """
    figures = read_raw("migration_interregional_text_figures.csv")
    flow_2019 = flow_matrix(figures)
    brussels_2012 = brussels_net_loss(figures, "2012")
    brussels_2013 = brussels_net_loss(figures, "2013")
    net_2019 = flow_2019[BRUSSELS].sum() - flow_2019[:, BRUSSELS].sum()
    scale = brussels_2012 / net_2019
    prior = scale * flow_2019
    share_growth = component_figure(2012, "Flemish Region", "share_of_growth_internal_migration")
    change = component_figure(2012, "Flemish Region", "population_change")
    flanders_net = change * share_growth / 100
    pairs = [(o, d) for o in range(len(REGIONS)) for d in range(len(REGIONS)) if o != d]
    g = np.array([prior[o, d] for o, d in pairs])

    def net_row(region):
        return np.array([(d == region) - (o == region) for o, d in pairs], dtype=float)

    constraint = np.array([net_row(BRUSSELS), net_row(FLANDERS)])
    target = np.array([-brussels_2012, flanders_net])
    weighted = constraint * g
    adjusted = g + weighted.T @ np.linalg.solve(weighted @ constraint.T, target - constraint @ g)
    flow = np.zeros_like(prior)
    for (o, d), value in zip(pairs, adjusted):
        flow[o, d] = value
    if np.any(adjusted <= 0):
        raise BuildError(f"internal migration: a 2012 flow is not positive after the adjustment: {flow}")
    ranges = [r["value_qualifier"] for r in figures if r["measure"] == "net_flow_per_year_range"
              and r["destination"] == "Walloon Region"]
    return InternalTargets(
        flow_2019=flow_2019, flow_2012=flow, share=flow / flow.sum(1, keepdims=True), out_total=flow.sum(1),
        scale=float(scale), brussels_net_2012=brussels_2012, brussels_net_2013=brussels_2013,
        flanders_net_2012=float(flanders_net), flanders_share_of_growth=share_growth, flanders_change_2012=change,
        wallonia_range=ranges[0] if ranges else "",
    )


def brussels_in_migrants() -> tuple[np.ndarray, list[tuple[int, int | None]]]:
    """Census 2011 Brussels residents who lived in Flanders or Wallonia a year earlier: (nationality, sex, group)."""
    counts, groups = census_counts(CENSUS_ROY_INTERNAL)
    return counts[:, BRUSSELS], groups


# --------------------------------------------------------------------------
# The residual and its decomposition


@dataclass
class Observed:
    """Stock changes of the decomposition intervals and the known flows."""

    residual: np.ndarray  # (t, region, nationality, sex, end age)
    start: np.ndarray  # (t, region, nationality, sex, age) population on 1 January t
    end: np.ndarray  # (t, ...) population on 1 January t + 1
    survival: np.ndarray  # (t, ...) 1 - quotient of year t
    immigration: np.ndarray  # (t, region, nationality, sex, age at migration)
    immigration_cohort: np.ndarray  # (t, ..., end age) as it enters the residual
    newborns: np.ndarray  # (t, region, nationality, sex) births by child's nationality alive on 1 January t+1
    all_intervals: dict[int, np.ndarray]  # year -> residual, every interval 2009-2012 (for the README)


def observed_residuals(stocks: Stocks, fertility: NationalityFertility, births_share: BirthNationality,
                       profile: ImmigrantProfile, eurostat: dict[int, dict[str, float]]) -> Observed:
    """Residual net migration by region, nationality, sex and end age, and the immigrants, per interval.

    R(t, x) = P(t+1, x) - P(t, x-1) (1 - q(t, x-1)); age 0: P(t+1, 0) minus the
    births of t by the child's nationality alive on 1 January t+1 (HMD births
    shared among the regions by their 0-year-olds, as in ``belgium_2012_regions``, then
    by the mother's nationality phi_r(t) and the birth nationality s_r, times
    HMD's infant survival).
    """
    residual = {}
    newborns = {}
    years = [y for y in STOCK_YEARS[:-1]]
    births = hmd_births(years)
    for y, year in enumerate(years):
        end = stocks.population[year + 1]
        age0 = end[..., 0].sum(1)  # (region, sex)
        regional = births[y] * age0 / age0.sum(0)
        foreign_child = (1 - births_share.share_belgian) * fertility_share(fertility, stocks, year)
        child = np.stack([regional * (1 - foreign_child)[:, None], regional * foreign_child[:, None]], axis=1)
        newborns[year] = child * infant_survival(year)
        residual[year] = residual_net_migration(
            stocks.population[year], end, stocks.cohort_deaths(year), newborns[year]
        )
    immigration = np.array([immigration_counts(profile, eurostat[t]) for t in DECOMPOSITION_YEARS])
    survival = np.array([1 - stocks.quotient[t] for t in DECOMPOSITION_YEARS])
    return Observed(
        residual=np.array([residual[t] for t in DECOMPOSITION_YEARS]),
        start=np.array([stocks.population[t] for t in DECOMPOSITION_YEARS]),
        end=np.array([stocks.population[t + 1] for t in DECOMPOSITION_YEARS]),
        survival=survival,
        immigration=immigration,
        immigration_cohort=to_cohort(0.5 * immigration * survival, 0.5 * immigration),
        newborns=np.array([newborns[t] for t in DECOMPOSITION_YEARS]),
        all_intervals=residual,
    )


def fertility_share(fertility: NationalityFertility, stocks: Stocks, year: int) -> np.ndarray:
    """(region,) share of the births of ``year`` to foreign mothers."""
    if year in fertility.foreign_mother_share:
        return fertility.foreign_mother_share[year]
    b = (fertility.rate * female_exposure(stocks, year)).sum(-1)
    return b[:, FOREIGN] / b.sum(1)


@dataclass
class Assumptions:
    """The identification and structure of one decomposition."""

    name: str
    #: Yearly emigrants of Belgians the rates must give, summed over the intervals.
    belgian_emigrants: float
    #: "foreign_shape": Belgian emigration rates = factor x the foreign rates of
    #: the same region; "immigrant_profile": Belgian emigrants distributed like
    #: the Belgian immigrants of the census.
    belgian_shape: str = "foreign_shape"
    #: "national": one naturalisation schedule by sex for the three regions; "regional".
    naturalisation: str = "national"
    #: None: estimate the ratio of the Brussels foreigners' internal out-rates
    #: to the Brussels Belgians'; a number: hold it.
    rho: float | None = None


@dataclass
class Decomposition:
    assumptions: Assumptions
    emigration_probability: np.ndarray  # (region, nationality, sex, age at migration)
    naturalisation_odds: np.ndarray  # (region, sex, end age): Nat = odds x foreigners at the end
    internal_probability: np.ndarray  # (region, nationality, sex, end age)
    share: np.ndarray  # (origin, destination)
    factor: float  # Belgian / foreign emigration rates (foreign_shape)
    rho: float  # Brussels foreign / Belgian internal out-rates
    rho_profile: list[tuple[float, float]] = field(default_factory=list)  # (rho, weighted residual norm)
    norm: float = 0.0
    # Flows per interval (t, region, nationality, sex, end age)
    immigration: np.ndarray = None
    emigration: np.ndarray = None
    internal_in: np.ndarray = None
    internal_out: np.ndarray = None
    naturalisation: np.ndarray = None  # (t, region, sex, end age), foreign -> Belgian
    misfit: np.ndarray = None

    def naturalisation_net(self) -> np.ndarray:
        """(t, region, nationality, sex, end age): +Nat for Belgians, -Nat for foreigners."""
        return np.stack([self.naturalisation, -self.naturalisation], axis=2)


class _Design:
    """The linear model of the residual in the spline coefficients, in parts that scale with c and rho."""

    def __init__(self, observed: Observed, targets: InternalTargets, census_in: np.ndarray,
                 census_groups: list[tuple[int, int | None]], assumptions: Assumptions,
                 profile: ImmigrantProfile):
        self.basis = bspline_basis()
        nb = self.basis.shape[1]
        obs = observed
        self.obs, self.targets, self.assumptions = obs, targets, assumptions
        n_t = obs.residual.shape[0]
        blocks = [("emigration", r, FOREIGN, s) for r in range(3) for s in range(2)]
        nat_regions = [None] if assumptions.naturalisation == "national" else list(range(3))
        blocks += [("naturalisation", r, FOREIGN, s) for r in nat_regions for s in range(2)]
        blocks += [("internal", r, n, s) for r in range(3) for n in range(2) for s in range(2)
                   if not (r == BRUSSELS and n == FOREIGN)]
        self.blocks = blocks
        ncol = nb * len(blocks)
        shape = obs.residual.shape
        base = np.zeros(shape + (ncol,))
        with_factor = np.zeros_like(base)  # Belgian emigration, times c
        with_rho = np.zeros_like(base)  # Brussels foreigners' internal moves, times rho
        totals_base = np.zeros((3, ncol))
        totals_rho = np.zeros((3, ncol))
        census_base = np.zeros((2, 2, len(census_groups), ncol))
        census_rho = np.zeros_like(census_base)
        last = n_t - 1
        share = targets.share

        def emigration_columns(population, survival):
            half = 0.5 * self.basis * population[:, None]
            return to_cohort((half * survival[:, None]).T, half.T).T

        def internal_columns(target, t, r, n, s, c, population):
            moved = self.basis * population[:, None]
            target[t, r, n, s, :, c] -= moved
            for d in range(3):
                if d != r:
                    target[t, d, n, s, :, c] += share[r, d] * moved

        for j, (kind, r, n, s) in enumerate(blocks):
            c = slice(j * nb, (j + 1) * nb)
            for t in range(n_t):
                if kind == "emigration":
                    base[t, r, FOREIGN, s, :, c] -= emigration_columns(
                        obs.start[t, r, FOREIGN, s], obs.survival[t, r, FOREIGN, s])
                    if assumptions.belgian_shape == "foreign_shape":
                        with_factor[t, r, BELGIAN, s, :, c] -= emigration_columns(
                            obs.start[t, r, BELGIAN, s], obs.survival[t, r, BELGIAN, s])
                elif kind == "naturalisation":
                    for rr in (range(3) if r is None else [r]):
                        moved = self.basis * obs.end[t, rr, FOREIGN, s][:, None]
                        base[t, rr, FOREIGN, s, :, c] -= moved
                        base[t, rr, BELGIAN, s, :, c] += moved
                else:
                    internal_columns(base, t, r, n, s, c, obs.end[t, r, n, s])
                    if r == BRUSSELS:
                        internal_columns(with_rho, t, r, FOREIGN, s, c, obs.end[t, r, FOREIGN, s])
            if kind == "internal":
                totals_base[r, c] += self.basis.T @ obs.end[last, r, n, s]
                if r == BRUSSELS:
                    totals_rho[r, c] += self.basis.T @ obs.end[last, r, FOREIGN, s]
                if r != BRUSSELS:
                    for g, (first, last_age) in enumerate(census_groups):
                        ages = np.arange(max(first, 1), (OPEN_AGE if last_age is None else last_age) + 1)
                        census_base[n, s, g, c] += share[r, BRUSSELS] * (self.basis[ages].T @ obs.end[0, r, n, s][ages])

        # Known part of the residual: immigrants, and the Belgian emigrants if prescribed.
        known = obs.immigration_cohort.copy()
        if assumptions.belgian_shape == "immigrant_profile":
            emigrants = assumptions.belgian_emigrants * profile.share[BELGIAN]  # (region, sex, age)
            probability = np.divide(emigrants * n_t, obs.start[:, :, BELGIAN].sum(0),
                                    out=np.zeros_like(emigrants), where=obs.start[:, :, BELGIAN].sum(0) > 0)
            self.prescribed_belgian = probability
            flows = probability * obs.start[:, :, BELGIAN]
            known[:, :, BELGIAN] -= to_cohort(0.5 * flows * obs.survival[:, :, BELGIAN], 0.5 * flows)
        else:
            self.prescribed_belgian = None
        self.target = (obs.residual - known).mean(0)
        self.weight = 1 / np.sqrt((obs.immigration_cohort + TURNOVER_SHARE * obs.end).mean(0) + WEIGHT_FLOOR)
        difference = np.diff(np.eye(nb), 2, axis=0)
        penalty = np.zeros((difference.shape[0] * len(blocks), ncol))
        for j, (kind, r, n, s) in enumerate(blocks):
            regions = slice(None) if r is None else r
            at_risk = obs.end[last][regions, n, s, 15:65]
            weights = self.weight[regions, n, s, 15:65]
            scale = np.sqrt(PENALTY) * at_risk.mean(axis=-1).sum() * weights.mean()
            penalty[j * difference.shape[0]:(j + 1) * difference.shape[0], j * nb:(j + 1) * nb] = scale * difference
        self.ncol = ncol
        # Rows of the least-squares problem, split into the parts that do not
        # move and the parts proportional to c and to rho.
        totals_weight = TOTALS_WEIGHT / np.sqrt(targets.out_total)
        census_share = census_in / census_in.sum()
        census_target = targets.share[FLANDERS, BRUSSELS] * targets.out_total[FLANDERS] + \
            targets.share[WALLONIA, BRUSSELS] * targets.out_total[WALLONIA]
        census_weight = (CENSUS_WEIGHT / np.sqrt(census_share * census_target + 5))[..., None]

        def census_rows(part):
            return ((part - census_share[..., None] * part.sum(axis=(0, 1, 2))) * census_weight).reshape(-1, ncol)

        # The three intervals enter through their mean: the model is linear in
        # the coefficients, so the mean residual is the mean design times them.
        cells = self.weight[..., None]
        base, with_factor, with_rho = (part.mean(0) for part in (base, with_factor, with_rho))
        self.rows_base = np.vstack([
            (base * cells).reshape(-1, ncol), totals_base * totals_weight[:, None], census_rows(census_base), penalty,
        ])
        self.rows_factor = np.vstack([(with_factor * cells).reshape(-1, ncol),
                                      np.zeros((len(self.rows_base) - base[..., 0].size, ncol))])
        self.rows_rho = np.vstack([
            (with_rho * cells).reshape(-1, ncol), totals_rho * totals_weight[:, None], census_rows(census_rho),
            np.zeros_like(penalty),
        ])
        self.rhs = np.concatenate([
            (self.target * self.weight).reshape(-1), targets.out_total * totals_weight,
            np.zeros(census_share.size), np.zeros(len(penalty)),
        ])

    def solve(self, factor: float, rho: float) -> tuple[np.ndarray, float]:
        """Non-negative penalised least squares for given c and rho: coefficients and the weighted norm.

        The problem is reduced by a QR factorisation of the rows with the
        right-hand side appended, then solved by non-negative least squares
        on the triangular factor.
        """
        matrix = self.rows_base + factor * self.rows_factor + rho * self.rows_rho
        triangle = np.linalg.qr(np.column_stack([matrix, self.rhs]), mode="r")
        coefficients, reduced_norm = nnls(triangle[: self.ncol, : self.ncol], triangle[: self.ncol, self.ncol],
                                          maxiter=50 * self.ncol)
        return coefficients, float(np.hypot(reduced_norm, triangle[self.ncol, self.ncol]))

    def schedules(self, coefficients: np.ndarray, factor: float, rho: float):
        nb = self.basis.shape[1]
        emigration = np.zeros((3, 2, 2, N_AGES))
        naturalisation = np.zeros((3, 2, N_AGES))
        internal = np.zeros((3, 2, 2, N_AGES))
        for j, (kind, r, n, s) in enumerate(self.blocks):
            values = self.basis @ coefficients[j * nb:(j + 1) * nb]
            if kind == "emigration":
                emigration[r, FOREIGN, s] = values
                if self.assumptions.belgian_shape == "foreign_shape":
                    emigration[r, BELGIAN, s] = factor * values
            elif kind == "naturalisation":
                naturalisation[slice(None) if r is None else r, s] = values
            else:
                internal[r, n, s] = values
                if r == BRUSSELS:
                    internal[r, FOREIGN, s] = rho * values
        if self.prescribed_belgian is not None:
            emigration[:, BELGIAN] = self.prescribed_belgian
        return emigration, naturalisation, internal

    def belgian_emigrants(self, emigration: np.ndarray) -> float:
        """Mean yearly Belgian emigrants of the intervals for given probabilities."""
        return float((emigration[:, BELGIAN] * self.obs.start[:, :, BELGIAN]).sum() / self.obs.start.shape[0])


def _fit_factor(design: _Design, rho: float, start: float, slope: float | None = None,
                tolerance: float = FACTOR_TOLERANCE):
    """Belgian emigration factor c giving the yearly Belgian emigrants of the assumptions.

    Secant method on (Belgian emigrants - target) as a function of c, started
    at ``start`` with the ``slope`` of a previous search if known.

    Returns
    -------
    c, coefficients, norm, slope
    """
    target = design.assumptions.belgian_emigrants
    if design.assumptions.belgian_shape != "foreign_shape":
        coefficients, norm = design.solve(0.0, rho)
        return 0.0, coefficients, norm, None

    def gap(c):
        coefficients, norm = design.solve(c, rho)
        emigration = design.schedules(coefficients, c, rho)[0]
        return design.belgian_emigrants(emigration) - target, coefficients, norm

    c0 = start
    g0, coefficients, norm = gap(c0)
    c1 = c0 - g0 / slope if slope else c0 * target / (g0 + target)
    for _ in range(40):
        if c1 == c0:
            return c1, coefficients, norm, slope
        g1, coefficients, norm = gap(c1)
        if abs(c1 - c0) <= tolerance * abs(c1) or g1 == g0:
            return c1, coefficients, norm, slope
        slope = (g1 - g0) / (c1 - c0)
        c0, c1, g0 = c1, c1 - g1 / slope, g1
    raise BuildError(f"decomposition: the Belgian emigration factor did not converge (last {c1!r})")


def decompose(observed: Observed, targets: InternalTargets, profile: ImmigrantProfile,
              assumptions: Assumptions, *, start_factor: float = 0.07) -> Decomposition:
    """Fit emigration, naturalisation and internal migration to the residuals of 2010-2012.

    The model of the residual of interval t, cell (region, nationality, sex)
    and end age x (all flows as the kernel labels them) is

        R = I - E + In - Out + Nat (Belgians) or - Nat (foreigners) + misfit,

    with I the immigrants (known), E = p_e P(t) by age at migration (half at
    the start, surviving, half at the end), Out = p_m P(t+1) and
    Nat = c_nu P_foreign(t+1) at the end of the year, In the out-migrants of
    the two other regions times the 2012 destination shares. Each p_e, p_m and
    c_nu is a cubic B-spline in age with non-negative coefficients, so every
    rate is smooth and non-negative; they are fitted by penalised least squares
    (P-splines, Eilers and Marx 1996; non-negative least squares, Lawson and
    Hanson 1974) to the residuals of the three intervals (weights
    1 / sqrt(immigrants + 1 % of the population + 25)), to the 2012 out-flow
    totals of each region (almost exactly) and to the census 2011 age-sex-
    nationality shape of the moves into Brussels. The Belgian emigration
    factor c and the ratio rho of the Brussels foreigners' internal out-rates
    are found in outer loops (secant method; Brent's bounded search on the
    weighted residual norm).
    """
    census_in, census_groups = brussels_in_migrants()
    design = _Design(observed, targets, census_in, census_groups, assumptions, profile)
    profile_points: list[tuple[float, float]] = []
    if assumptions.rho is None:
        factor, slope = start_factor, None
        cache = {}

        def evaluate(rho):
            nonlocal factor, slope
            rho = float(rho)
            if rho not in cache:
                factor, coefficients, norm, slope = _fit_factor(design, rho, factor, slope, SEARCH_TOLERANCE)
                cache[rho] = (norm, factor, coefficients)
                profile_points.append((rho, norm))
            return cache[rho][0]

        search = minimize_scalar(evaluate, bounds=RHO_RANGE, method="bounded", options={"xatol": RHO_TOLERANCE})
        rho = float(search.x)
        evaluate(rho)
        factor, coefficients, norm, _ = _fit_factor(design, rho, cache[rho][1], slope)
    else:
        rho = assumptions.rho
        factor, coefficients, norm, _ = _fit_factor(design, rho, start_factor)
    emigration, naturalisation, internal = design.schedules(coefficients, factor, rho)
    result = Decomposition(assumptions, emigration, naturalisation, internal, targets.share, factor, rho,
                           sorted(profile_points), norm)
    _flows(result, observed)
    return result


def _flows(result: Decomposition, observed: Observed) -> None:
    """Fill the flows of each interval and the misfit."""
    emigrants = result.emigration_probability * observed.start
    result.immigration = observed.immigration_cohort
    result.emigration = to_cohort(0.5 * emigrants * observed.survival, 0.5 * emigrants)
    result.internal_out = result.internal_probability * observed.end
    result.internal_in = np.einsum("od,tonsx->tdnsx", result.share, result.internal_out)
    result.naturalisation = result.naturalisation_odds * observed.end[:, :, FOREIGN]
    model = result.immigration - result.emigration + result.internal_in - result.internal_out + \
        result.naturalisation_net()
    result.misfit = observed.residual - model


def rates(result: Decomposition) -> dict[str, np.ndarray]:
    """The rate files of a decomposition, as the kernel applies them [per person-year]."""
    naturalisation = np.zeros((3, 2, 2, N_AGES))
    naturalisation[:, FOREIGN] = np.log1p(result.naturalisation_odds)
    return {
        "emigration_rate": hazard(result.emigration_probability, "emigration"),
        "internal_migration_rate": hazard(result.internal_probability, "internal migration"),
        "naturalisation_rate": naturalisation,
    }


# --------------------------------------------------------------------------
# Choice of the penalty


def interval_subset(observed: Observed, index: Sequence[int]) -> Observed:
    """The intervals ``index`` of an :class:`Observed`."""
    index = list(index)
    return dataclasses.replace(
        observed, residual=observed.residual[index], start=observed.start[index], end=observed.end[index],
        survival=observed.survival[index], immigration=observed.immigration[index],
        immigration_cohort=observed.immigration_cohort[index], newborns=observed.newborns[index],
    )


def predicted_misfit(result: Decomposition, observed: Observed) -> np.ndarray:
    """Residual minus the flows the fitted probabilities give on other intervals' populations."""
    emigrants = result.emigration_probability * observed.start
    emigration = to_cohort(0.5 * emigrants * observed.survival, 0.5 * emigrants)
    out = result.internal_probability * observed.end
    moved_in = np.einsum("od,tonsx->tdnsx", result.share, out)
    naturalised = result.naturalisation_odds * observed.end[:, :, FOREIGN]
    return observed.residual - (observed.immigration_cohort - emigration + moved_in - out
                                + np.stack([naturalised, -naturalised], axis=2))


def cross_validate(observed: Observed, targets: InternalTargets, profile: ImmigrantProfile,
                   assumptions: Assumptions, penalties: Sequence[float]) -> dict[float, float]:
    """Leave-one-interval-out cross-validation of the penalty weight.

    For each penalty, fit on two of the three intervals and predict the
    residual of the third with the fitted rates; the score is the sum over the
    three left-out intervals of the squared misfits weighted as in the fit.
    Not run by the build (it refits 3 x len(penalties) times); run
    ``python tools/belgium_nationality.py`` to reproduce the table quoted in
    the README.
    """
    global PENALTY
    saved, scores = PENALTY, {}
    try:
        for penalty in penalties:
            PENALTY = penalty
            total = 0.0
            for left_out in range(observed.residual.shape[0]):
                kept = [t for t in range(observed.residual.shape[0]) if t != left_out]
                result = decompose(interval_subset(observed, kept), targets, profile, assumptions)
                test = interval_subset(observed, [left_out])
                weight = 1 / np.sqrt(test.immigration_cohort + TURNOVER_SHARE * test.end + WEIGHT_FLOOR)
                total += float(((predicted_misfit(result, test) * weight) ** 2).sum())
            scores[penalty] = total
    finally:
        PENALTY = saved
    return scores


if __name__ == "__main__":
    from belgium_common import fertility_2012, read_stocks

    stocks = read_stocks()
    fertility = fertility_by_nationality(stocks, fertility_2012(stocks.regional))
    births = birth_nationality(stocks, fertility)
    profile = immigrant_profile()
    eurostat = eurostat_immigration()
    observed = observed_residuals(stocks, fertility, births, profile, eurostat)
    belgian_net = book_figure("Belgian citizens", "net international migration")
    emigrants = eurostat[IDENTIFICATION_YEAR]["Belgian"] - belgian_net
    scores = cross_validate(observed, internal_targets(), profile, Assumptions("main", emigrants),
                            [float(x) for x in sys.argv[1:]] or CROSS_VALIDATED_PENALTIES)
    for penalty, score in scores.items():
        print(f"penalty {penalty:g}: leave-one-interval-out weighted sum of squares {score:.1f}")
