"""Belgium by region, 1992-2021: stocks, rates of any years and residual migration.

The rolling back-test (``validation/rolling_backtest.py``) starts projections
from every 1 January of 1995, 1998, ..., 2013, and the uncertainty estimate
(``tools/estimate_uncertainty.py``) needs each region's net migration year by
year. Both read the raw copies of ``data-raw/belgium/backtest/`` through this
module (``SOURCES.md`` there gives their provenance and licences):

* the Statbel population on 1 January 1992-2021 by region, sex and single age
  0-110+ (the observed part of the FPB's regional workbook);
* HMD national deaths and exposures by sex and single age, 1989-2020, and
  live births by sex;
* HFC standardized fertility rates by single age 12-55, 1951-2010;
* the FPB register's prospective death quotients by region, nationality, sex
  and age 0-99, with the register population, 1991-2012.

:func:`rates_of` estimates the rates of a window of calendar years, from the
data of those years only: death rates are national (HMD deaths over
exposures, pooled) times a regional ratio by sex and age group (observed over
expected register deaths, indirect standardisation), with a Kannisto curve
from age 95; fertility is the HFC age pattern scaled to the HMD births over
the female exposure, times a regional factor from the children aged 0 a year
later; the sex ratio at birth is that of the HMD births. :func:`residual_migration`
is the net migration by region, sex and age that closes the population
balance of a year with those rates, as projsim's engine projects it (migrants
counted at the end of the year, by age at the end of the year): the observed
population of the next 1 January minus the projection without migration.
It holds international and interregional migration together (the data have
no interregional flows before 2006), and the statistical adjustments of the
register.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*, ch. 6 (cohort-component projection) and
7 (indirect standardisation, residual estimates of migration). Oxford:
Blackwell.

Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force of
mortality at ages 80 to 120*. Odense University Press.
"""

from __future__ import annotations

import csv
import gzip
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

# Loaded by path from validation/ and tests/, so tools/ may not be on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import RAW_DIR, BuildError  # noqa: E402

from projsim import engine  # noqa: E402
from projsim.demography.lifetable import kannisto_extend, survival_ratios_from_rates  # noqa: E402
from projsim.types import SEXES  # noqa: E402

HISTORY_DIR = RAW_DIR / "backtest"
POPULATION_FILE = "statbel_population_jan1_region_sex_1x1_1992_2021_via_fpb.csv.gz"
DEATHS_FILE = "hmd_deaths_1x1_1989_2020.csv.gz"
EXPOSURES_FILE = "hmd_exposures_1x1_1989_2020.csv.gz"
BIRTHS_FILE = "hmd_births.csv"
FERTILITY_FILE = "hfc_asfr_1x1_1951_2010.csv"
QUOTIENTS_FILE = "larray_qx_region_nationality_1x1_1991_2012_age0_99.csv.gz"
REGISTER_FILE = "larray_population_jan1_region_nationality_1x1_1991_2012_age0_99.csv.gz"

REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
#: Raw sex codes, in the order of ``projsim.types.SEXES``.
SEX_CODES = ("F", "M")
#: The open age group of the population file and of the rates [years].
OPEN_AGE = 110
#: Age groups [first, last] of the regional mortality ratios; ages from the
#: last group's first age on take its ratio.
RATIO_GROUPS = ((0, 14), (15, 29), (30, 44), (45, 59), (60, 69), (70, 79), (80, 84), (85, 89),
                (90, 94))
#: Ages [years] of the Kannisto fit and the first age that takes the fitted rate.
KANNISTO_FIT, KANNISTO_FROM = (80, 94), 95
#: Ages [years] of the HFC rates: 12 stands for 12 and younger, 55 for 55 and older.
FERTILITY_AGES = (12, 55)


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of ``data-raw/belgium/backtest/<name>`` (gzip-compressed if it ends in .gz)."""
    path = HISTORY_DIR / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class History:
    """The raw series on arrays.

    Attributes
    ----------
    years : ndarray of int
        Years of the population on 1 January.
    population : ndarray, (year, region, sex, age)
        Population on 1 January [persons], ages 0-110+.
    rate_years : ndarray of int
        Years of the HMD deaths and exposures.
    deaths, exposures : ndarray, (year, sex, age)
        National deaths [persons per year] and exposures [person-years], ages 0-110+.
    births : dict of int to ndarray
        Live births (sex,) of each year [persons per year].
    fertility_years : ndarray of int
        Years of the HFC rates.
    fertility_rate : ndarray, (year, age)
        HFC rates on ages 0-110 (zero outside 12-55) [births per woman per year].
    register_years : ndarray of int
        Years of the register quotients.
    register_deaths, register_population : ndarray, (year, region, sex, age)
        Register population on 1 January, ages 0-99 [persons], and its expected
        deaths before the next 1 January (quotient times population, summed
        over nationality) [persons].
    """

    years: np.ndarray
    population: np.ndarray
    rate_years: np.ndarray
    deaths: np.ndarray
    exposures: np.ndarray
    births: dict
    fertility_years: np.ndarray
    fertility_rate: np.ndarray
    register_years: np.ndarray
    register_deaths: np.ndarray
    register_population: np.ndarray

    @property
    def ages(self) -> np.ndarray:
        """Single ages 0-110, the last one open [years]."""
        return np.arange(OPEN_AGE + 1)


def _grid(name, rows, value, keys, shape_of):
    """Fill an array from rows keyed by ``keys(row)`` (a tuple of indices); every cell once."""
    out = np.full(shape_of, np.nan)
    for row in rows:
        index = keys(row)
        if index is None:
            continue
        if not np.isnan(out[index]):
            raise BuildError(f"{name}: the cell {index} appears twice; expected one row per cell")
        out[index] = float(row[value])
    if np.isnan(out).any():
        missing = tuple(int(i) for i in np.argwhere(np.isnan(out))[0])
        raise BuildError(f"{name}: no value for the cell {missing}; expected every cell")
    return out


def _read_population():
    rows = read_rows(POPULATION_FILE)
    years = np.array(sorted({int(r["year"]) for r in rows}))
    shape = (len(years), len(REGIONS), len(SEXES), OPEN_AGE + 1)
    values = _grid(POPULATION_FILE, rows, "population", lambda r: (
        int(r["year"]) - years[0], REGIONS.index(r["region"]), SEX_CODES.index(r["sex"]),
        int(r["age"])), shape)
    return years, values


def _read_national(name, value):
    rows = read_rows(name)
    years = np.array(sorted({int(r["year"]) for r in rows}))
    shape = (len(years), len(SEXES), OPEN_AGE + 1)
    return years, _grid(name, rows, value, lambda r: (
        int(r["year"]) - years[0], SEX_CODES.index(r["sex"]), int(r["age"])), shape)


def _read_fertility():
    rows = read_rows(FERTILITY_FILE)
    years = np.array(sorted({int(r["year"]) for r in rows}))
    shape = (len(years), OPEN_AGE + 1)
    rates = np.zeros(shape)
    inside = _grid(FERTILITY_FILE, rows, "asfr", lambda r: (
        int(r["year"]) - years[0], int(r["age"]) - FERTILITY_AGES[0]),
        (len(years), FERTILITY_AGES[1] - FERTILITY_AGES[0] + 1))
    rates[:, FERTILITY_AGES[0]:FERTILITY_AGES[1] + 1] = inside
    return years, rates


def _read_register():
    """Register population and expected deaths (year, region, sex, age 0-99), nationalities summed."""
    people, quotients = read_rows(REGISTER_FILE), read_rows(QUOTIENTS_FILE)
    years = np.array(sorted({int(r["year"]) for r in people}))
    nationalities = sorted({r["nationality"] for r in people})
    shape = (len(years), len(REGIONS), len(nationalities), len(SEXES), 100)

    def keys(r):
        return (int(r["year"]) - years[0], REGIONS.index(r["region"]),
                nationalities.index(r["nationality"]), SEX_CODES.index(r["sex"]), int(r["age"]))

    population = _grid(REGISTER_FILE, people, "population", keys, shape)
    quotient = _grid(QUOTIENTS_FILE, quotients, "qx", keys, shape)
    return years, (quotient * population).sum(axis=2), population.sum(axis=2)


@cache
def read_history() -> History:
    """Read the raw copies of ``data-raw/belgium/backtest/`` (once per process)."""
    years, population = _read_population()
    rate_years, deaths = _read_national(DEATHS_FILE, "deaths")
    exposure_years, exposures = _read_national(EXPOSURES_FILE, "exposure")
    if not np.array_equal(rate_years, exposure_years):
        raise BuildError(f"{DEATHS_FILE} and {EXPOSURES_FILE} cover different years; expected the same")
    births = {}
    for row in read_rows(BIRTHS_FILE):
        if row["sex"] in SEX_CODES:
            births.setdefault(int(row["year"]), np.zeros(len(SEXES)))[SEX_CODES.index(row["sex"])] = \
                float(row["births"])
    fertility_years, fertility_rate = _read_fertility()
    register_years, register_deaths, register_population = _read_register()
    return History(years, population, rate_years, deaths, exposures, births, fertility_years,
                   fertility_rate, register_years, register_deaths, register_population)


def population_on(history: History, year: int) -> np.ndarray:
    """Population (region, sex, age) on 1 January of ``year`` [persons]."""
    if year not in history.years:
        raise BuildError(f"{POPULATION_FILE}: no population on 1 January {year}; expected "
                         f"{history.years[0]}-{history.years[-1]}")
    return history.population[year - history.years[0]]


def _rows_of(name, available, years):
    """Indices of ``years`` among ``available``; every year must be there."""
    missing = [int(y) for y in years if y not in available]
    if missing:
        raise BuildError(f"{name}: no data for {missing[0]}; expected {available[0]}-{available[-1]}")
    return [int(np.flatnonzero(available == y)[0]) for y in years]


def national_mortality(history: History, years) -> np.ndarray:
    """National death rates (sex, age below :data:`KANNISTO_FROM`) of ``years``: deaths over
    exposures, pooled [per person-year]."""
    rows = _rows_of(DEATHS_FILE, history.rate_years, years)
    observed = slice(0, KANNISTO_FROM)
    return history.deaths[rows, :, observed].sum(axis=0) / history.exposures[rows, :, observed].sum(axis=0)


def regional_mortality_ratio(history: History, years) -> np.ndarray:
    """Observed over expected register deaths (region, sex, age 0-110) of ``years``, pooled.

    The expected deaths of a region apply the national quotients (the
    regions' deaths over their population, by sex and age) to its population;
    each age group of :data:`RATIO_GROUPS` takes one ratio, and the ages from
    the last group's first age on take the last. Years after the register's
    last year take its last three years.
    """
    available = history.register_years
    chosen = [y for y in years if y in available] or list(available[-3:])
    rows = _rows_of(QUOTIENTS_FILE, available, chosen)
    deaths = history.register_deaths[rows].sum(axis=0)                     # (region, sex, age)
    people = history.register_population[rows].sum(axis=0)
    national = deaths.sum(axis=0) / people.sum(axis=0)
    ratio = np.empty((len(REGIONS), len(SEXES), OPEN_AGE + 1))
    for first, last in RATIO_GROUPS:
        ages = slice(first, last + 1)
        group = deaths[..., ages].sum(axis=-1) / (national[:, ages] * people[..., ages]).sum(axis=-1)
        ratio[..., first:] = group[..., None]
    return ratio


def mortality_rates(history: History, years) -> np.ndarray:
    """Death rates (region, sex, age) of ``years`` [per person-year]: national times regional ratio,
    with a Kannisto curve fitted to ages 80-94 from age 95."""
    regional = national_mortality(history, years) * regional_mortality_ratio(history, years)[..., :KANNISTO_FROM]
    return kannisto_extend(regional, np.arange(KANNISTO_FROM), fit_ages=KANNISTO_FIT, replace_from=KANNISTO_FROM,
                           open_age=OPEN_AGE)


def _female_exposure(history: History, years) -> np.ndarray:
    """Women (region, age) of ``years``: the mean of the 1 January populations on either side [person-years]."""
    start = np.stack([population_on(history, y)[:, 0] for y in years])
    end = np.stack([population_on(history, y + 1)[:, 0] for y in years])
    return ((start + end) / 2).sum(axis=0)


def fertility_rates(history: History, years) -> np.ndarray:
    """Fertility rates (region, age) of ``years`` [births per woman per year].

    The age pattern is the HFC's of ``years`` (of its last three years if
    ``years`` are later), scaled so that the national women of the HMD
    exposures have the HMD births of ``years``; each region's level is then
    scaled by the ratio of its children aged 0 on the next 1 January to
    those the national rates give its women (the factors are normalised so
    that the national births are kept).
    """
    chosen = [y for y in years if y in history.fertility_years] or list(history.fertility_years[-3:])
    pattern = history.fertility_rate[_rows_of(FERTILITY_FILE, history.fertility_years, chosen)].mean(axis=0)
    rows = _rows_of(EXPOSURES_FILE, history.rate_years, years)
    women = history.exposures[rows, 0].sum(axis=0)
    births = sum(history.births[y].sum() for y in years)
    national = pattern * births / (pattern @ women)
    exposure = _female_exposure(history, years)                          # (region, age)
    children = sum(population_on(history, y + 1)[:, :, 0].sum(axis=1) for y in years)
    expected = exposure @ national
    factor = (children / expected) / (children.sum() / expected.sum())
    return factor[:, None] * national[None, :]


def sex_ratio_at_birth(history: History, years) -> float:
    """Male per female live births of ``years`` (HMD) [1]."""
    births = sum(history.births[y] for y in years)
    return float(births[1] / births[0])


@dataclass(frozen=True)
class Rates:
    """The rates of a window of years, on the base's axes (region, sex, age)."""

    mortality_rate: np.ndarray
    fertility_rate: np.ndarray
    sex_ratio_at_birth: float


def rates_of(history: History, years) -> Rates:
    """Death and fertility rates and the sex ratio at birth of ``years`` (:func:`mortality_rates`,
    :func:`fertility_rates`, :func:`sex_ratio_at_birth`)."""
    years = [int(y) for y in years]
    return Rates(mortality_rates(history, years), fertility_rates(history, years),
                 sex_ratio_at_birth(history, years))


def without_migration(population: np.ndarray, rates: Rates) -> np.ndarray:
    """The population (region, sex, age) one year on, without migration, as projsim's engine projects it."""
    survival = survival_ratios_from_rates(rates.mortality_rate, np.array(SEXES))
    step_rates = engine.Rates(survival=survival[None], fertility_rate=rates.fertility_rate[None],
                              sex_ratio_at_birth=np.full((1, len(population)), rates.sex_ratio_at_birth),
                              net_migration=np.zeros((1, *population.shape)))
    end, _ = engine.step(np.ascontiguousarray(population[None], dtype=float), step_rates, timing="end",
                         record=False)
    return end[0]


def residual_migration(history: History, year: int, rates: Rates) -> np.ndarray:
    """Net migration (region, sex, age) of ``year`` that closes the balance with ``rates`` [persons per year].

    The population of 1 January ``year + 1`` minus the projection of that of
    1 January ``year`` without migration (:func:`without_migration`): the
    migrants of the year by age at its end, counted at its end (the timing
    ``"end"``), as the engine adds them back.
    """
    start, end = population_on(history, year), population_on(history, year + 1)
    return end - without_migration(start, rates)
