"""Estimate the default parameters of projsim's stochastic projections from Belgian history.

Run from the repository root::

    python tools/estimate_uncertainty.py              # writes src/projsim/data/uncertainty_belgium/
    python tools/estimate_uncertainty.py --out DIR    # writes DIR/uncertainty_belgium/

The script reads only ``data-raw/belgium/`` (``SOURCES.md`` there gives the
provenance and licence of every file), fits the three parts of the stochastic
model of ``projsim.stochastic`` to Belgian series, prints the fitted values
and writes ``parameters.toml`` and ``README.md``. The README is generated here
so that the figures it quotes are those of the shipped parameters.

The model and the choices made to estimate it:

* **Fertility.** log TFR(t) = log TFR_path(t) + x(t) + l(t), x(t) = phi
  x(t-1) + sd e(t), l(t) = l(t-1) + level_sd e'(t). Data: the WPP 2024 annual
  TFR estimates of Belgium, 1950-2023. The trend is the centred moving
  average of log TFR over ``TREND_WINDOW`` = 15 years, used only where the
  window is complete, so the deviations cover 1957-2016; phi and sd are the
  AR(1) of those deviations. level_sd is what the AR(1) leaves unexplained of
  the ``LEVEL_CHANGE_YEARS`` = 10-year changes of log TFR: with V the sample
  variance of all overlapping 10-year changes around their mean (the drift,
  which the path carries), level_sd^2 = (V - 2 s^2 (1 - phi^10)) / 10, s^2 the
  fitted AR(1)'s stationary variance (``fit_level``). The HFC TFR 1951-2010
  (sum of the single-age rates) is fitted the same way as a cross-check.
* **Mortality.** e0_s(t) = e0_path_s(t) + w_s(t), a random walk whose yearly
  innovations have standard deviation sd and correlation c between the sexes.
  Data: HMD period e0 by sex, annual changes 1970/71 to 2018/19. sd is the
  root of the mean of the two sexes' sample variances of the annual changes
  (the changes around each sex's own mean drift); c is the correlation of the
  female and male changes. 1970 excludes the 1950s-60s (larger, more erratic
  changes, with falls of e0 in several years), 2019 excludes the COVID-19
  year 2020.
  Years with an empty e0 would be left out with the changes on either side;
  there are none in 1950-2020.
* **International migration.** The national net N(t) = N_path(t) + u(t) + the
  sum of the regions' own deviations v_r(t), all AR(1) with the same phi.
  Data: WPP 2024 annual net migration estimates, **1991-2023** only: before
  1991 WPP's annual values are smooth between censuses and jump at the
  intercensal boundaries (README), so they are not annual observations. The
  trend and the AR(1) fit are those of fertility (levels in persons, not
  logs), so the deviations cover 1998-2016. The fitted innovation sd is the
  sd of the national total's deviation; it is split between the common part
  u and the three regions' own parts by an **assumption, not an estimate**:
  the regions' own deviations together carry ``REGIONAL_VARIANCE_SHARE`` =
  25% of the national innovation variance, equally, so that
  sd_u = sd sqrt(1 - 0.25) and regional_sd = sd sqrt(0.25 / 3), and the
  national total keeps the fitted sd (``projsim.stochastic`` adds the
  regions' own deviations to the national total).

The AR(1) is fitted by conditional least squares without intercept:
phi = sum x(t) x(t-1) / sum x(t-1)^2, sd^2 = sum of squared residuals / (m - 1)
with m residuals. A centred moving average removes the slow movements of a
series, so phi and the implied long-run variance are those of the year-to-year
noise around the trend, not of the uncertainty of the trend itself; the README
says what this implies and gives the estimates under other windows and years.

Output is deterministic: the parameters are written with 6 significant
digits and every figure of the README is computed from those rounded values.
``tests/test_uncertainty_data.py`` rebuilds into a temporary directory and
compares the files byte for byte. A check that fails raises
:class:`BuildError` with the measured and the expected value.

References: Lee, R. D. and Tuljapurkar, S. (1994). Stochastic population
forecasts for the United States: beyond high, medium, and low. *Journal of the
American Statistical Association* 89(428): 1175-1189.
https://doi.org/10.1080/01621459.1994.10476857 -- Alho, J. M. and Spencer, B. D.
(2005). *Statistical Demography and Forecasting*. New York: Springer.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np

# Run as a file or loaded by path (tests/test_uncertainty_data.py), so tools/ may not be on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import RAW_DIR, BuildError, markdown_table, read_rows, run  # noqa: E402

DATA_SET = "uncertainty_belgium"

WPP_FILE = "wpp2024_indicators_annual_tfr_netmig.csv"
HMD_FILE = "hmd_lifetables_period_age0_1950_2020.csv"
HFC_FILE = "hfc_asfr_1x1_1951_2010.csv"
STATBEL_MIGRATION_FILE = "migration_international_net_belgium_1990_2023.csv"

#: Raw sex codes, female first as in ``projsim.types.SEXES``.
SEX_CODES = ("F", "M")
REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
PERSONS_PER_THOUSAND = 1000.0

#: First and last year (both included) of each estimated series.
FERTILITY_YEARS = (1950, 2023)
HFC_YEARS = (1951, 2010)
HFC_AGES = (12, 55)
MORTALITY_YEARS = (1970, 2019)
MIGRATION_YEARS = (1991, 2023)
#: Years of WPP's annual net migration shown to be smooth between censuses.
MIGRATION_SMOOTHED_YEARS = (1950, 1990)
#: Years of the Statbel-based net migration file.
STATBEL_MIGRATION_YEARS = (1990, 2023)
#: First year of the HMD copy.
EARLIEST_E0_YEAR = 1950
#: Length [years] of the centred moving average that is the trend.
TREND_WINDOW = 15
#: Length [years] of the changes of log TFR from which the level's random walk is estimated.
LEVEL_CHANGE_YEARS = 10
#: Other lengths [years] whose estimates of the level sd the README shows.
LEVEL_SENSITIVITY = (5, 10, 15, 20)
#: Assumed share of the national innovation variance of net migration carried
#: by the regions' own deviations, split equally between the regions.
REGIONAL_VARIANCE_SHARE = 0.25

#: Horizons [years after the last observed year] and coverages of the README's intervals.
HORIZONS = (10, 25, 48)
COVERAGES = (0.80, 0.95)
SIGNIFICANT_DIGITS = 6
#: Line length of the generated README's paragraphs.
README_WIDTH = 110

#: Other choices whose estimates the README shows: (series, first year, last year, trend window).
FERTILITY_SENSITIVITY = (
    ("WPP", 1950, 2023, 7), ("WPP", 1950, 2023, 11), ("WPP", 1950, 2023, 15),
    ("WPP", 1951, 2010, 15), ("HFC", 1951, 2010, 7), ("HFC", 1951, 2010, 11), ("HFC", 1951, 2010, 15),
)
MORTALITY_SENSITIVITY = ((1950, 2019), (1960, 2019), (1970, 2019), (1980, 2019), (1990, 2019), (1970, 2020))
MIGRATION_SENSITIVITY = (
    ("WPP", 1991, 2023, 7), ("WPP", 1991, 2023, 11), ("WPP", 1991, 2023, 15),
    ("WPP", 1950, 2023, 7), ("WPP", 1950, 2023, 15),
    ("Statbel", 1990, 2023, 7), ("Statbel", 1990, 2023, 11), ("Statbel", 1990, 2023, 15),
)
#: Lengths [years] of the changes whose variance is compared with the random walk's.
MORTALITY_LONG_CHANGES = (5, 10)
#: Pairs of years between which the README quotes the swings of the WPP TFR.
TFR_SWINGS = ((1964, 1985), (2010, 2023))
#: Smallest |WPP - Statbel| net migration [persons] that the README lists.
MIGRATION_GAP_QUOTED = 20000.0


# --------------------------------------------------------------------------
# Reading


def read_raw(name: str) -> list[dict[str, str]]:
    """Rows of ``data-raw/belgium/<name>`` as dictionaries of strings."""
    return read_rows(RAW_DIR / name)


def annual_values(name: str, rows: list[dict[str, str]], column: str, years: range) -> np.ndarray:
    """``column`` of ``rows`` for each of ``years``; each year exactly once and never empty."""
    found: dict[int, float] = {}
    for row in rows:
        year = int(row["year"])
        if year not in years:
            continue
        if year in found:
            raise BuildError(f"{name}: two rows for {year}; expected one")
        if row[column] == "":
            raise BuildError(f"{name}: {column} is empty in {year}; expected a number")
        found[year] = float(row[column])
    missing = [year for year in years if year not in found]
    if missing:
        raise BuildError(f"{name}: no {column} for {missing[0]}; expected every year {years[0]}-{years[-1]}")
    return np.array([found[year] for year in years])


def year_range(first_last: tuple[int, int]) -> range:
    return range(first_last[0], first_last[1] + 1)


def wpp_rows(variant: str) -> list[dict[str, str]]:
    """Rows of the WPP file of one variant (``estimate`` up to 2023, ``median`` after)."""
    return [row for row in read_raw(WPP_FILE) if row["variant"] == variant]


def wpp_estimates(column: str, years: range) -> np.ndarray:
    """A WPP column over ``years``, which must all be estimates, not projections."""
    return annual_values(WPP_FILE, wpp_rows("estimate"), column, years)


def hfc_tfr(years: range) -> np.ndarray:
    """TFR [children per woman] of the HFC file: the sum of the rates of ages 12-55 by year."""
    ages = year_range(HFC_AGES)
    total = {year: 0.0 for year in years}
    count = {year: 0 for year in years}
    for row in read_raw(HFC_FILE):
        year = int(row["year"])
        if year in total and int(row["age"]) in ages:
            total[year] += float(row["asfr"])
            count[year] += 1
    short = [year for year in years if count[year] != len(ages)]
    if short:
        raise BuildError(f"{HFC_FILE}: {count[short[0]]} ages in {short[0]}; expected {len(ages)} "
                         f"({HFC_AGES[0]}-{HFC_AGES[1]})")
    return np.array([total[year] for year in years])


def hmd_e0(years: range) -> np.ndarray:
    """HMD e0 [years] on (sex, year); NaN where HMD has no value."""
    e0 = np.full((len(SEX_CODES), len(years)), np.nan)
    for row in read_raw(HMD_FILE):
        year = int(row["year"])
        if row["age"] == "0" and row["sex"] in SEX_CODES and year in years and row["ex"] != "":
            e0[SEX_CODES.index(row["sex"]), years.index(year)] = float(row["ex"])
    return e0


def migration_series(series: str, years: range) -> np.ndarray:
    """Annual national net migration [persons] of WPP or of the Statbel-based file."""
    if series == "WPP":
        return wpp_estimates("net_migration_thousands", years) * PERSONS_PER_THOUSAND
    return annual_values(STATBEL_MIGRATION_FILE, read_raw(STATBEL_MIGRATION_FILE), "net_international_migration",
                         years)


def tfr_series(series: str, years: range) -> np.ndarray:
    return wpp_estimates("tfr", years) if series == "WPP" else hfc_tfr(years)


# --------------------------------------------------------------------------
# Estimation


@dataclass(frozen=True)
class AutoregressiveFit:
    """AR(1) fitted to the deviations of a series from its moving-average trend."""

    autocorrelation: float  # phi [1]
    sd: float  # innovation standard deviation [unit of the series]
    first_year: int  # first and last year of the deviations
    last_year: int
    residuals: int  # number of residuals, one fewer than the deviations

    @property
    def stationary_sd(self) -> float:
        return self.sd / np.sqrt(1.0 - self.autocorrelation**2)


@dataclass(frozen=True)
class LevelFit:
    """Random walk of the log-TFR level: what the AR(1) leaves of the variance of k-year changes."""

    sd: float  # innovation sd of the level [1 per year]
    years: int  # k, the length of the changes [years]
    changes: int  # number of overlapping k-year changes
    drift: float  # mean k-year change / k [1 per year]
    change_sd: float  # sd of the k-year changes around the drift / sqrt(k) [1 per year]
    autoregressive_share: float  # share of their variance that the fitted AR(1) implies [1]


@dataclass(frozen=True)
class RandomWalkFit:
    """Random walk with drift fitted to the annual changes of e0 by sex."""

    drift: np.ndarray  # (sex,) mean annual change [years per year]
    sd_by_sex: np.ndarray  # (sex,) sample sd of the annual changes [years per year]
    sd: float  # root of the mean of the two variances [years per year]
    sex_correlation: float  # correlation of the female and male changes [1]
    changes: int  # number of annual changes
    excluded_years: list[int]  # years left out for an empty e0
    change_autocorrelation: np.ndarray  # (sex,) lag-1 autocorrelation of the changes around the drift
    long_change_ratio: np.ndarray  # (length, sex) var of k-year changes / (k var of annual changes)


def centred_moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of each complete centred window; ``len(values) - window + 1`` values.

    Examples
    --------
    >>> centred_moving_average(np.array([1.0, 2.0, 6.0, 4.0]), 3).tolist()
    [3.0, 4.0]
    """
    if window % 2 != 1 or window > len(values):
        raise BuildError(f"a centred moving average needs an odd window of at most {len(values)} years; "
                         f"got {window}")
    return np.convolve(values, np.ones(window) / window, mode="valid")


def trend_deviations(values: np.ndarray, window: int) -> np.ndarray:
    """``values`` minus their centred moving average, where the window is complete."""
    half = window // 2
    return values[half: len(values) - half] - centred_moving_average(values, window)


def least_squares_autoregression(deviation: np.ndarray) -> tuple[float, float]:
    """phi and sd of x(t) = phi x(t-1) + sd e(t), by conditional least squares through the origin.

    phi = sum x(t) x(t-1) / sum x(t-1)^2; sd^2 = sum of the squared residuals / (m - 1), with m residuals.
    """
    previous, current = deviation[:-1], deviation[1:]
    phi = float(previous @ current / (previous @ previous))
    residual = current - phi * previous
    return phi, float(np.sqrt(residual @ residual / (len(residual) - 1)))


def fit_autoregressive(values: np.ndarray, years: range, window: int) -> AutoregressiveFit:
    """AR(1) of the deviations of ``values`` (one per year of ``years``) from their centred moving average."""
    phi, sd = least_squares_autoregression(trend_deviations(values, window))
    half = window // 2
    return AutoregressiveFit(phi, sd, years[half], years[-1 - half], len(years) - window)


def fit_level(values: np.ndarray, autoregression: AutoregressiveFit, years: int) -> LevelFit:
    """Innovation sd of a random walk l in values = trend + x + l, x the fitted AR(1).

    With V the sample variance of the overlapping ``years``-year changes of ``values`` around their mean,
    and s^2 the AR(1)'s stationary variance: V = 2 s^2 (1 - phi^k) + k level_sd^2.
    """
    change = values[years:] - values[:-years]
    variance = float(change.var(ddof=1))
    phi = autoregression.autocorrelation
    autoregressive = 2.0 * autoregression.stationary_sd**2 * (1.0 - phi**years)
    if not variance > autoregressive:
        raise BuildError(f"the {years}-year changes have a variance of {variance:.6g}; expected more than the "
                         f"{autoregressive:.6g} that the AR(1) alone implies")
    return LevelFit(float(np.sqrt((variance - autoregressive) / years)), years, len(change),
                    float(change.mean() / years), float(np.sqrt(variance / years)), autoregressive / variance)


def fit_random_walk(years: range) -> RandomWalkFit:
    """Drift, innovation sd and sex correlation of HMD e0 over ``years``."""
    e0 = hmd_e0(years)
    present = np.isfinite(e0).all(axis=0)
    change = np.diff(e0, axis=1)[:, present[1:] & present[:-1]]
    if change.shape[1] < 3:
        raise BuildError(f"{HMD_FILE}: {change.shape[1]} annual e0 changes in {years[0]}-{years[-1]}; expected "
                         "at least 3")
    variance = change.var(axis=1, ddof=1)
    centred = change - change.mean(axis=1, keepdims=True)
    lag_one = (centred[:, 1:] * centred[:, :-1]).sum(axis=1) / (centred**2).sum(axis=1)
    long_ratio = np.array([
        np.nanvar(e0[:, k:] - e0[:, :-k], axis=1, ddof=1) / (k * variance) for k in MORTALITY_LONG_CHANGES])
    return RandomWalkFit(
        drift=change.mean(axis=1),
        sd_by_sex=np.sqrt(variance),
        sd=float(np.sqrt(variance.mean())),
        sex_correlation=float(np.corrcoef(change)[0, 1]),
        changes=change.shape[1],
        excluded_years=[year for year, ok in zip(years, present) if not ok],
        change_autocorrelation=lag_one,
        long_change_ratio=long_ratio,
    )


@dataclass(frozen=True)
class Facts:
    """Observations the README quotes, read here so that no figure is typed by hand."""

    tfr_swings: list[tuple[int, float, int, float]]  # first year, its WPP TFR, last year, its WPP TFR
    early_e0_falls: list[int]  # years before MORTALITY_YEARS in which e0 fell for both sexes
    e0_change_after: np.ndarray  # (sex,) change of e0 into the year after MORTALITY_YEARS
    migration_smoothing: tuple[float, float]  # median |annual change| [persons] before and from 1991
    wpp_minus_statbel: list[tuple[int, float]]  # years where |WPP - Statbel| >= MIGRATION_GAP_QUOTED


@dataclass(frozen=True)
class Estimate:
    fertility: AutoregressiveFit
    fertility_hfc: AutoregressiveFit
    fertility_level: LevelFit
    fertility_level_hfc: LevelFit
    fertility_level_sensitivity: list[LevelFit]
    trend_change_sd: float  # sd of the annual changes of the moving-average trend of log TFR [1 per year]
    mortality: RandomWalkFit
    migration: AutoregressiveFit  # of the national total
    fertility_sensitivity: list[tuple[str, AutoregressiveFit, int]]
    mortality_sensitivity: list[RandomWalkFit]
    migration_sensitivity: list[tuple[str, AutoregressiveFit, int]]
    facts: Facts


def facts() -> Facts:
    swings = []
    for first, last in TFR_SWINGS:
        tfr = wpp_estimates("tfr", year_range((first, last)))
        swings.append((first, float(tfr[0]), last, float(tfr[-1])))
    early = year_range((EARLIEST_E0_YEAR, MORTALITY_YEARS[0]))
    early_change = np.diff(hmd_e0(early), axis=1)
    after = hmd_e0(year_range((MORTALITY_YEARS[1], MORTALITY_YEARS[1] + 1)))
    smoothed = migration_series("WPP", year_range(MIGRATION_SMOOTHED_YEARS))
    recent = migration_series("WPP", year_range((MIGRATION_SMOOTHED_YEARS[1] + 1, MIGRATION_YEARS[1])))
    overlap = year_range(STATBEL_MIGRATION_YEARS)
    gap = migration_series("WPP", overlap) - migration_series("Statbel", overlap)
    return Facts(
        tfr_swings=swings,
        early_e0_falls=[early[i + 1] for i in np.flatnonzero((early_change < 0).all(axis=0))],
        e0_change_after=after[:, 1] - after[:, 0],
        migration_smoothing=(float(np.median(np.abs(np.diff(smoothed)))), float(np.median(np.abs(np.diff(recent))))),
        wpp_minus_statbel=[(year, float(g)) for year, g in zip(overlap, gap) if abs(g) >= MIGRATION_GAP_QUOTED],
    )


def estimate() -> Estimate:
    fertility_years = year_range(FERTILITY_YEARS)
    log_tfr = np.log(tfr_series("WPP", fertility_years))
    fertility = fit_autoregressive(log_tfr, fertility_years, TREND_WINDOW)
    hfc_years = year_range(HFC_YEARS)
    log_hfc = np.log(tfr_series("HFC", hfc_years))
    fertility_hfc = fit_autoregressive(log_hfc, hfc_years, TREND_WINDOW)
    mortality = fit_random_walk(year_range(MORTALITY_YEARS))
    migration_years = year_range(MIGRATION_YEARS)
    migration = fit_autoregressive(migration_series("WPP", migration_years), migration_years, TREND_WINDOW)

    def sensitivity(series_of, choices):
        out = []
        for series, first, last, window in choices:
            years = year_range((first, last))
            out.append((series, fit_autoregressive(series_of(series, years), years, window), window))
        return out

    return Estimate(
        fertility=fertility,
        fertility_hfc=fertility_hfc,
        fertility_level=fit_level(log_tfr, fertility, LEVEL_CHANGE_YEARS),
        fertility_level_hfc=fit_level(log_hfc, fertility_hfc, LEVEL_CHANGE_YEARS),
        fertility_level_sensitivity=[fit_level(log_tfr, fertility, k) for k in LEVEL_SENSITIVITY],
        trend_change_sd=float(np.diff(centred_moving_average(log_tfr, TREND_WINDOW)).std(ddof=1)),
        mortality=mortality,
        migration=migration,
        fertility_sensitivity=sensitivity(lambda s, y: np.log(tfr_series(s, y)), FERTILITY_SENSITIVITY),
        mortality_sensitivity=[fit_random_walk(year_range(years)) for years in MORTALITY_SENSITIVITY],
        migration_sensitivity=sensitivity(migration_series, MIGRATION_SENSITIVITY),
        facts=facts(),
    )


# --------------------------------------------------------------------------
# Parameters and what they imply


def rounded(value: float) -> str:
    """``value`` with SIGNIFICANT_DIGITS significant digits, always with a decimal point (a TOML float)."""
    return np.format_float_positional(float(value) + 0.0, precision=SIGNIFICANT_DIGITS, unique=False,
                                      fractional=False, trim="0")


@dataclass(frozen=True)
class Parameters:
    """The shipped values, after rounding; every README figure derives from these."""

    fertility_sd: float
    fertility_autocorrelation: float
    fertility_level_sd: float
    mortality_sd: float
    mortality_sex_correlation: float
    migration_sd: float  # of the common national part u
    migration_autocorrelation: float
    migration_regional_sd: float

    @property
    def migration_total_sd(self) -> float:
        """Innovation sd [persons per year] of the national total u + sum of v_r."""
        return float(np.sqrt(self.migration_sd**2 + len(REGIONS) * self.migration_regional_sd**2))


def parameters(fit: Estimate) -> Parameters:
    values = {
        "fertility_sd": fit.fertility.sd,
        "fertility_autocorrelation": fit.fertility.autocorrelation,
        "fertility_level_sd": fit.fertility_level.sd,
        "mortality_sd": fit.mortality.sd,
        "mortality_sex_correlation": fit.mortality.sex_correlation,
        "migration_sd": fit.migration.sd * np.sqrt(1.0 - REGIONAL_VARIANCE_SHARE),
        "migration_autocorrelation": fit.migration.autocorrelation,
        "migration_regional_sd": fit.migration.sd * np.sqrt(REGIONAL_VARIANCE_SHARE / len(REGIONS)),
    }
    shipped = Parameters(**{name: float(rounded(value)) for name, value in values.items()})
    check_parameters(shipped)
    return shipped


def check_parameters(values: Parameters) -> None:
    """Raise unless every sd is positive, |phi| < 1 and -1 < c <= 1."""
    for name in ("fertility_sd", "fertility_level_sd", "mortality_sd", "migration_sd", "migration_regional_sd"):
        if not getattr(values, name) > 0:
            raise BuildError(f"{name} is {getattr(values, name)}; expected a positive number")
    for name in ("fertility_autocorrelation", "migration_autocorrelation"):
        if not abs(getattr(values, name)) < 1:
            raise BuildError(f"{name} is {getattr(values, name)}; expected a value in (-1, 1)")
    if not -1 < values.mortality_sex_correlation <= 1:
        raise BuildError(f"mortality_sex_correlation is {values.mortality_sex_correlation}; "
                         "expected a value in (-1, 1]")


def autoregressive_sd(sd: float, phi: float, horizon: int) -> float:
    """sd of x(h) for x(t) = phi x(t-1) + sd e(t) with x(0) = 0: sd sqrt(sum_{k<h} phi^(2k))."""
    return float(sd * np.sqrt((1.0 - phi ** (2 * horizon)) / (1.0 - phi**2)))


def cumulative_autoregressive_sd(sd: float, phi: float, horizon: int) -> float:
    """sd of x(1) + ... + x(h): innovation j enters (1 - phi^(h-j+1)) / (1 - phi) times."""
    weights = (1.0 - phi ** np.arange(1, horizon + 1)) / (1.0 - phi)
    return float(sd * np.sqrt(weights @ weights))


def random_walk_sd(sd: float, horizon: int) -> float:
    """sd of w(h) for a random walk from w(0) = 0."""
    return float(sd * np.sqrt(horizon))


def fertility_sd(values: Parameters, horizon: int) -> float:
    """sd of the log-TFR deviation x(h) + l(h): the AR(1) and the independent random walk of the level."""
    return float(np.hypot(autoregressive_sd(values.fertility_sd, values.fertility_autocorrelation, horizon),
                          random_walk_sd(values.fertility_level_sd, horizon)))


def normal_quantile(coverage: float) -> float:
    """z such that a normal variable lies within mean +- z sd with probability ``coverage``."""
    return NormalDist().inv_cdf(0.5 + coverage / 2)


# --------------------------------------------------------------------------
# Writing


def parameters_toml(values: Parameters) -> str:
    entries = [
        ("fertility", [
            ("sd", values.fertility_sd, "innovation sd of the log-TFR AR(1) deviation x [1 per year]"),
            ("autocorrelation", values.fertility_autocorrelation, "[1]"),
            ("level_sd", values.fertility_level_sd, "innovation sd of the log-TFR level's random walk [1 per year]"),
        ]),
        ("mortality", [
            ("sd", values.mortality_sd, "innovation sd of the e0 random walk [years per year]"),
            ("sex_correlation", values.mortality_sex_correlation, "[1]"),
        ]),
        ("international_migration", [
            ("sd", values.migration_sd, "innovation sd of the common national deviation u [persons per year]"),
            ("autocorrelation", values.migration_autocorrelation, "[1]"),
            ("regional_sd", values.migration_regional_sd,
             "innovation sd of each region's own deviation [persons per year]"),
        ]),
    ]
    lines = [
        "# generated by tools/estimate_uncertainty.py; do not edit by hand",
        "# Data, method and what the values imply: README.md in this folder.",
    ]
    for section, keys in entries:
        lines.append(f"[{section}]")
        lines += [f"{f'{key} = {rounded(value)}':<27} # {comment}" for key, value, comment in keys]
    return "\n".join(lines) + "\n"


def reflow(markdown: str, width: int = README_WIDTH) -> str:
    r"""Re-wrap the paragraphs and ``* `` list items of ``markdown``; leave headings and tables as they are.

    Examples
    --------
    >>> reflow("Two\nlines.\n\n* an item\n  continued\n| a |", 40)
    'Two lines.\n\n* an item continued\n| a |'
    """
    out: list[str] = []
    words: list[str] = []
    first_indent = ""

    def flush() -> None:
        if words:
            out.extend(textwrap.wrap(" ".join(words), width, initial_indent=first_indent,
                                     subsequent_indent=" " * len(first_indent), break_long_words=False,
                                     break_on_hyphens=False))
            words.clear()

    for line in markdown.split("\n"):
        if not line.strip() or line.startswith(("|", "#")):
            flush()
            out.append(line)
            continue
        if line.startswith("* "):
            flush()
            first_indent, line = "* ", line[2:]
        elif not words:
            first_indent = ""
        words.extend(line.split())
    flush()
    return "\n".join(out)


def persons(value: float) -> str:
    return f"{value:,.0f}"


def interval_tables(values: Parameters) -> tuple[str, str, str]:
    """Markdown tables of the implied TFR, e0 and migration intervals."""
    last_year = FERTILITY_YEARS[1]
    median = {int(r["year"]): r for r in wpp_rows("median")}
    z = [normal_quantile(c) for c in COVERAGES]
    tfr_rows, e0_rows, migration_rows = [], [], []
    for h in HORIZONS:
        year = last_year + h
        path = float(median[year]["tfr"])
        sd = fertility_sd(values, h)
        tfr_rows.append([
            str(h), str(year), f"{sd:.4f}",
            *(f"×{np.exp(-q * sd):.3f} to ×{np.exp(q * sd):.3f}" for q in z),
            f"{path:.3f}", *(f"{path * np.exp(-q * sd):.2f}-{path * np.exp(q * sd):.2f}" for q in z),
            f"{float(median[year]['tfr_low']):.2f}-{float(median[year]['tfr_high']):.2f}",
        ])
        walk = random_walk_sd(values.mortality_sd, h)
        gap = walk * np.sqrt(2 * (1 - values.mortality_sex_correlation))
        e0_rows.append([str(h), f"{walk:.2f}", *(f"±{q * walk:.2f}" for q in z), f"{gap:.2f}", f"±{z[0] * gap:.2f}"])
        phi = values.migration_autocorrelation
        level = autoregressive_sd(values.migration_total_sd, phi, h)
        total = cumulative_autoregressive_sd(values.migration_total_sd, phi, h)
        own = cumulative_autoregressive_sd(values.migration_regional_sd, phi, h)
        migration_rows.append([
            str(h), persons(level), f"±{persons(z[0] * level)}", persons(total),
            *(f"±{persons(q * total)}" for q in z), f"±{persons(z[0] * own)}",
        ])
    cover = [f"{100 * c:.0f}%" for c in COVERAGES]
    tfr = markdown_table(
        ["h", "year", "sd of x(h) + l(h)", *(f"{c} factor" for c in cover), "WPP median TFR",
         *(f"{c} interval" for c in cover), "WPP low-high variants"], tfr_rows)
    e0 = markdown_table(["h", "sd of w(h) [years]", *(f"{c} e0 interval" for c in cover),
                         "sd of the F-M gap", f"{cover[0]} gap interval"], e0_rows)
    migration = markdown_table(
        ["h", "sd of the national deviation in year h", f"{cover[0]} interval", "sd of the cumulated deviation",
         *(f"{c} interval of the cumulated deviation" for c in cover),
         f"{cover[0]} interval of a region's own cumulated part"], migration_rows)
    return tfr, e0, migration


def sensitivity_rows(fits: list[tuple[str, AutoregressiveFit, int]], scale: str) -> list[list[str]]:
    def number(value: float) -> str:
        return persons(value) if scale == "persons" else f"{value:.4f}"

    return [[series, f"{fit.first_year}-{fit.last_year}", str(window), str(fit.residuals),
             f"{fit.autocorrelation:.3f}", number(fit.sd), number(fit.stationary_sd)]
            for series, fit, window in fits]


def readme(fit: Estimate, values: Parameters) -> str:
    tfr_table, e0_table, migration_table = interval_tables(values)
    walk = fit.mortality
    f, m = 0, 1
    z80 = normal_quantile(COVERAGES[0])
    fertility_stationary = values.fertility_sd / np.sqrt(1 - values.fertility_autocorrelation**2)
    migration_stationary = values.migration_total_sd / np.sqrt(1 - values.migration_autocorrelation**2)
    last_year = FERTILITY_YEARS[1]
    longest = HORIZONS[-1]
    mortality_rows = [
        [f"{years[0]}-{years[1]}", str(w.changes), f"{w.drift[f]:.3f}",
         f"{w.drift[m]:.3f}", f"{w.sd_by_sex[f]:.3f}", f"{w.sd_by_sex[m]:.3f}", f"{w.sd:.4f}",
         f"{w.sex_correlation:.3f}"]
        for years, w in zip(MORTALITY_SENSITIVITY, fit.mortality_sensitivity)
    ]
    ratio = walk.long_change_ratio
    level_table = markdown_table(
        ["k [years]", "changes", "drift [per year]", "sd of k-year changes / √k", "AR(1) share of the variance",
         "level_sd"],
        [[str(lv.years), str(lv.changes), f"{lv.drift:+.4f}", f"{lv.change_sd:.4f}",
          f"{100 * lv.autoregressive_share:.1f}%", f"{lv.sd:.4f}"] for lv in fit.fertility_level_sensitivity])
    level_periods = (FERTILITY_YEARS[1] - FERTILITY_YEARS[0]) // LEVEL_CHANGE_YEARS
    sensitivity_header = ["series", "deviations", "window", "residuals", "phi", "sd", "stationary sd"]
    regional_share = f"{100 * REGIONAL_VARIANCE_SHARE:.0f}%"
    facts = fit.facts
    before, after = facts.migration_smoothing
    swings = " and ".join(f"from {a:.2f} ({y0}) to {b:.2f} ({y1})" for y0, a, y1, b in facts.tfr_swings)
    swing_sizes = " and ".join(f"{np.log(b / a) / fertility_sd(values, y1 - y0):+.1f}"
                               for y0, a, y1, b in facts.tfr_swings)
    falls = ", ".join(map(str, facts.early_e0_falls))
    after_year = MORTALITY_YEARS[1] + 1
    gaps = ", ".join(f"{year} ({gap:+,.0f})" for year, gap in facts.wpp_minus_statbel)
    last_tfr, previous_tfr = wpp_estimates("tfr", year_range((last_year - 1, last_year)))[::-1]
    return reflow(f"""# Default uncertainty of projsim's stochastic projections, estimated from Belgian history

The parameters that `projsim.stochastic` uses unless a scenario's `[uncertainty]` table overrides them. Both
files are **generated** by `tools/estimate_uncertainty.py` from the raw copies in `data-raw/belgium/`
(provenance and licences: `data-raw/belgium/SOURCES.md`); do not edit them by hand.
`tests/test_uncertainty_data.py` checks that the shipped files equal a rebuild.

## Parameters

| component | parameter | value | unit | estimated from |
|---|---|---|---|---|
| fertility | `sd` | {rounded(values.fertility_sd)} | 1 per year (log TFR) | WPP 2024 TFR {FERTILITY_YEARS[0]}-{FERTILITY_YEARS[1]} |
| fertility | `autocorrelation` | {rounded(values.fertility_autocorrelation)} | 1 | same |
| fertility | `level_sd` | {rounded(values.fertility_level_sd)} | 1 per year (log TFR) | same, {LEVEL_CHANGE_YEARS}-year changes |
| mortality | `sd` | {rounded(values.mortality_sd)} | years per year | HMD e0 {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[1]} |
| mortality | `sex_correlation` | {rounded(values.mortality_sex_correlation)} | 1 | same |
| international_migration | `sd` | {rounded(values.migration_sd)} | persons per year | WPP 2024 net migration {MIGRATION_YEARS[0]}-{MIGRATION_YEARS[1]} (national total {persons(fit.migration.sd)}) × √{1 - REGIONAL_VARIANCE_SHARE:g}, an **assumed** split |
| international_migration | `autocorrelation` | {rounded(values.migration_autocorrelation)} | 1 | WPP 2024 net migration {MIGRATION_YEARS[0]}-{MIGRATION_YEARS[1]} |
| international_migration | `regional_sd` | {rounded(values.migration_regional_sd)} | persons per year | **assumption**: {regional_share} of the national variance |

Values have {SIGNIFICANT_DIGITS} significant digits. Every figure below is computed from these rounded values.

## Model

* fertility: log TFR(t) = log TFR_path(t) + x(t) + l(t), x(t) = phi x(t-1) + sd e(t) (year-to-year
  fluctuation), l(t) = l(t-1) + level_sd e'(t) (a random walk of the level), x = l = 0 before the first
  projected year;
* mortality: e0_s(t) = e0_path_s(t) + w_s(t), w(t) = w(t-1) + eta(t), eta ~ N(0, sd² [[1, c], [c, 1]]) over
  (female, male), w = 0 before the first projected year;
* international migration: national net N(t) = N_path(t) + u(t); region r receives its path share of N plus
  its own v_r(t); u and each v_r are AR(1) with the same phi and innovation sds `sd` and `regional_sd`. The
  regions' own deviations are not constrained to cancel, so the national total deviates by u + Σ v_r, an
  AR(1) with the same phi and innovation sd √(sd² + 3 regional_sd²) = {persons(values.migration_total_sd)}.

e(t), e'(t) and the innovations are independent standard normal across years and components.

## Estimation

**Trend and AR(1) fit (fertility, migration).** The trend of a series is its centred moving average over
{TREND_WINDOW} years, used only where the window is complete (the first and last {TREND_WINDOW // 2} years get
no deviation). The AR(1) is fitted to the deviations by conditional least squares through the origin:
phi = Σ x(t) x(t-1) / Σ x(t-1)², sd² = Σ residual² / (m - 1) with m residuals. A moving average absorbs the
slow movements of the series, so phi and sd describe the year-to-year noise around a trend; see
"What the values imply".

**Fertility.** Log of the WPP 2024 annual TFR estimates of Belgium (`variant == estimate`),
{FERTILITY_YEARS[0]}-{FERTILITY_YEARS[1]}; deviations {fit.fertility.first_year}-{fit.fertility.last_year} ({fit.fertility.residuals}
residuals): phi = {fit.fertility.autocorrelation:.4f}, sd = {fit.fertility.sd:.5f}, stationary sd
{fit.fertility.stationary_sd:.4f}. Cross-check with the Human Fertility Collection TFR (sum of the standardized
single-age rates 12-55), {HFC_YEARS[0]}-{HFC_YEARS[1]}, same method (deviations
{fit.fertility_hfc.first_year}-{fit.fertility_hfc.last_year}): phi = {fit.fertility_hfc.autocorrelation:.4f},
sd = {fit.fertility_hfc.sd:.5f}. WPP is used because it reaches {FERTILITY_YEARS[1]}; over the same years the
two agree (table below). WPP's {last_year} value ({last_tfr:.3f}, down from {previous_tfr:.3f} in
{last_year - 1}) enters only the trend of the last deviations.

{markdown_table(sensitivity_header, sensitivity_rows(fit.fertility_sensitivity, "log"))}

**Fertility level.** The AR(1) around a moving average describes fluctuation around a trend; the trend
itself also moves, and a projection does not know where it goes. The level's random walk l is estimated from
the variance of the changes of log TFR over k = {LEVEL_CHANGE_YEARS} years, which is what a forecast of that
horizon has to cover. In the model, a k-year change of log TFR around the path's change has variance
2 s² (1 - phi^k) + k level_sd², with s² = sd² / (1 - phi²) the AR(1)'s stationary variance. So, with V the
sample variance of all {fit.fertility_level.changes} overlapping {LEVEL_CHANGE_YEARS}-year changes of the WPP log TFR
{FERTILITY_YEARS[0]}-{FERTILITY_YEARS[1]} around their mean (the drift, {fit.fertility_level.drift:+.4f} a year,
which belongs to the path, not to its uncertainty): level_sd² = (V - 2 s² (1 - phi^k)) / k. V / k is
{fit.fertility_level.change_sd:.4f}², of which the fitted AR(1) explains
{100 * fit.fertility_level.autoregressive_share:.1f}%; the rest gives **level_sd = {fit.fertility_level.sd:.4f}**.
Subtracting the AR(1) keeps the fluctuation that x already carries from being counted twice. The HFC TFR
{HFC_YEARS[0]}-{HFC_YEARS[1]} gives {fit.fertility_level_hfc.sd:.4f} the same way. Other lengths of the changes:

{level_table}

The alternative of taking the sd of the annual changes of the {TREND_WINDOW}-year moving-average trend
({fit.trend_change_sd:.4f}) is not used directly: a moving average of a random walk changes each year by the
mean of {TREND_WINDOW} innovations, so that sd estimates level_sd / √{TREND_WINDOW}; rescaled, it gives
{fit.trend_change_sd * np.sqrt(TREND_WINDOW):.4f}, close to the {LEVEL_CHANGE_YEARS}-year estimate. The
overlapping changes share years, so the estimate rests on about {level_periods} independent
{LEVEL_CHANGE_YEARS}-year periods, dominated by the fall from the baby boom (1964-1985) and by that of
the 2010s; it is uncertain by a good fraction of its value.

**Mortality.** HMD period life tables of Belgium, e0 of females and males, {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[1]}
({walk.changes} annual changes; years without e0 excluded: {", ".join(map(str, walk.excluded_years)) or "none"}).
The innovation sd of a random walk with drift is the sd of the annual changes around their mean (the drift):
female {walk.sd_by_sex[f]:.4f}, male {walk.sd_by_sex[m]:.4f} years, drift {walk.drift[f]:.3f} and
{walk.drift[m]:.3f} years per year. The model has one sd for both sexes: the root of the mean of the two
variances, **{walk.sd:.4f}**. The sex correlation is the correlation of the female and male annual changes,
**{walk.sex_correlation:.4f}**. Starting in {MORTALITY_YEARS[0]} leaves out the 1950s and 1960s, whose changes
are larger and more erratic (e0 fell for both sexes in {falls}); ending in {MORTALITY_YEARS[1]} leaves out the
COVID-19 year {after_year}, in which e0 changed by {facts.e0_change_after[f]:+.2f} (female) and
{facts.e0_change_after[m]:+.2f} (male) years. Other windows:

{markdown_table(["years", "changes", "drift F", "drift M", "sd F", "sd M", "pooled sd", "sex correlation"],
                mortality_rows)}

**International migration.** WPP 2024 annual net migration estimates of Belgium, in persons,
{MIGRATION_YEARS[0]}-{MIGRATION_YEARS[1]}; deviations {fit.migration.first_year}-{fit.migration.last_year}
({fit.migration.residuals} residuals): phi = {fit.migration.autocorrelation:.4f}, sd of the national total =
{persons(fit.migration.sd)} persons, stationary sd {persons(fit.migration.stationary_sd)}. The years before
{MIGRATION_YEARS[0]} are left out: WPP's annual values for {MIGRATION_SMOOTHED_YEARS[0]}-{MIGRATION_SMOOTHED_YEARS[1]}
are smooth within the intervals between the censuses of 1961, 1970, 1981 and 1991 and jump at their
boundaries (median absolute annual change {before:,.1f} persons over the changes into
{MIGRATION_SMOOTHED_YEARS[0] + 1}-{MIGRATION_SMOOTHED_YEARS[1]}, {after:,.1f} into
{MIGRATION_SMOOTHED_YEARS[1] + 2}-{MIGRATION_YEARS[1]}), so
their deviations measure WPP's interpolation, not annual migration. The Statbel-based series of
`migration_international_net_belgium_1990_2023.csv` (1990-2001 rounded, 2002 on unrounded) gives a smaller sd:
WPP minus that series is {persons(MIGRATION_GAP_QUOTED)} or more in absolute value in {gaps}; the data do not say
why.

{markdown_table(sensitivity_header, sensitivity_rows(fit.migration_sensitivity, "persons"))}

**Regional migration (an assumption, not an estimate).** No annual series of net international migration by
region exists in the data for more than a few years. The regions' own deviations are assumed to carry
{regional_share} of the national innovation variance, split equally between the {len(REGIONS)} regions, and the
common part the rest: `sd` = {persons(fit.migration.sd)} × √{1 - REGIONAL_VARIANCE_SHARE:g} and `regional_sd` =
{persons(fit.migration.sd)} × √({REGIONAL_VARIANCE_SHARE:g} / {len(REGIONS)}), so that the national total keeps
the fitted sd. A region's deviation is its share of u plus its own v_r; with the same phi the two parts
have the same time pattern.

## What the values imply

Intervals h years after the last observed year ({last_year}), computed analytically for normal deviations
starting from 0: Var x(h) = sd² (1 - phi^(2h)) / (1 - phi²) for an AR(1), Var w(h) = h sd² for a random walk
(so Var (x(h) + l(h)) = sd² (1 - phi^(2h)) / (1 - phi²) + h level_sd² for log TFR), and
Var(u(1) + ... + u(h)) = sd² Σ_j ((1 - phi^j) / (1 - phi))² for a cumulated AR(1). The 80% and 95%
intervals are ±{z80:.4f} and ±{normal_quantile(COVERAGES[1]):.4f} sd. {longest} years is about the span
2012-2060 of the reference scenario.

**TFR.** The deviation is multiplicative, so the interval is a factor on the path; applied here to the WPP 2024
median TFR of year {last_year} + h:

{tfr_table}

The WPP low and high variants are the median ∓ half a child (∓ 0.25 and ∓ 0.4 in the first ten years). They
are **deterministic variants, not a probabilistic interval**; WPP's probabilistic intervals are not in the
project's data, so they cannot be compared here. The AR(1) alone reaches its stationary sd
({fertility_stationary:.4f} in log TFR, a {100 * (np.exp(z80 * fertility_stationary) - 1):.1f}% factor at 80%)
within a few decades: it is year-to-year fluctuation around the path. The level's random walk makes the
intervals grow with the horizon, as √h: after {HORIZONS[0]} years it already carries
{100 * HORIZONS[0] * values.fertility_level_sd**2 / fertility_sd(values, HORIZONS[0])**2:.0f}% of the variance.
The Belgian TFR moved {swings} (WPP): changes of log TFR of {swing_sizes} times the sd that the model gives
its deviation over as many years. A random walk has no pull back
towards a level, so the long-horizon intervals are wide; a scenario's `[uncertainty]` table can set
`fertility.level_sd = 0` to keep only the fluctuation, or a smaller value.

**e0.** The random walk's intervals widen with √h and apply to each sex; the female-male gap varies less
than either sex's e0 because the innovations are correlated (c = {rounded(values.mortality_sex_correlation)}):

{e0_table}

The annual e0 changes of {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[1]} are negatively autocorrelated (lag 1: female
{walk.change_autocorrelation[f]:.2f}, male {walk.change_autocorrelation[m]:.2f}): a bad year (typically a heat
wave or a strong influenza season) is followed by a rebound. So the variance of observed {MORTALITY_LONG_CHANGES[-1]}-year changes
around the drift is only {ratio[-1, f]:.2f} (female) and {ratio[-1, m]:.2f} (male) of what a random walk with
this sd implies ({MORTALITY_LONG_CHANGES[0]}-year changes: {ratio[0, f]:.2f} and {ratio[0, m]:.2f}). The random walk
therefore overstates the year-to-year noise accumulated over long horizons; it is kept because it also stands
for the uncertainty of the drift itself, which the history of one country cannot estimate.

**Net international migration** [persons]: the national total's deviation in year h, its sum over the
years 1..h, and the sum of one region's own part (each region's total deviation adds its share of the
national common part):

{migration_table}

The national deviation's stationary sd is {persons(migration_stationary)} persons, against a path of
60,000 falling to 20,000 a year in the reference scenario `fpb-2013`; its 80% interval after {longest} years of cumulated migration is
±{persons(z80 * cumulative_autoregressive_sd(values.migration_total_sd, values.migration_autocorrelation, longest))}
persons. WPP 2024 publishes no migration variant in the project's data.

## Sources and licences

* United Nations, DESA, Population Division. *World Population Prospects 2024*. Annual TFR and net migration of
  Belgium, copied to `data-raw/belgium/wpp2024_indicators_annual_tfr_netmig.csv`. CC BY 3.0 IGO.
* Human Mortality Database. University of California, Berkeley (USA), and Max Planck Institute for Demographic
  Research (Germany). www.mortality.org. Version of 25 Sep 2021, period life tables of Belgium, copied to
  `data-raw/belgium/hmd_lifetables_period_age0_1950_2020.csv`. That copy was obtained under the HMD user
  agreement of the time; **verify the terms before redistributing.**
* Human Fertility Collection. Max Planck Institute for Demographic Research and Vienna Institute of Demography.
  Standardized ASFR of Belgium, copied to `data-raw/belgium/hfc_asfr_1x1_1951_2010.csv` (cross-check only).
* Statbel-based net international migration 1990-2023 (`data-raw/belgium/migration_international_net_belgium_1990_2023.csv`;
  sensitivity only).
* Lee, R. D. and Tuljapurkar, S. (1994). Stochastic population forecasts for the United States: beyond high,
  medium, and low. *Journal of the American Statistical Association* 89(428): 1175-1189.
  https://doi.org/10.1080/01621459.1994.10476857
* Alho, J. M. and Spencer, B. D. (2005). *Statistical Demography and Forecasting*. New York: Springer.
""")


def build(out_dir: Path) -> list[str]:
    """Estimate, check and write the parameters; return the printed report."""
    fit = estimate()
    values = parameters(fit)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "parameters.toml").write_text(parameters_toml(values), encoding="utf-8")
    (out_dir / "README.md").write_text(readme(fit, values), encoding="utf-8")
    return [
        f"{DATA_SET} -> {out_dir}",
        f"  fertility: sd {rounded(values.fertility_sd)}, autocorrelation {rounded(values.fertility_autocorrelation)},"
        f" level sd {rounded(values.fertility_level_sd)} (HFC cross-check: {fit.fertility_hfc.sd:.4f},"
        f" {fit.fertility_hfc.autocorrelation:.3f}, {fit.fertility_level_hfc.sd:.4f})",
        f"  mortality: sd {rounded(values.mortality_sd)}, sex correlation {rounded(values.mortality_sex_correlation)}",
        f"  migration: sd {rounded(values.migration_sd)} (national total {fit.migration.sd:.0f}), autocorrelation "
        f"{rounded(values.migration_autocorrelation)}, regional sd {rounded(values.migration_regional_sd)}",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__.splitlines()[0], {DATA_SET: build})


if __name__ == "__main__":
    sys.exit(main())
