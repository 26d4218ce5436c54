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
* **International migration.** The national net N(t) = N_path(t) + u(t), u
  an AR(1) started from 0; each region gets its path migrants plus its
  turnover share of u and its own AR(1) deviation v_r (same phi), the v_r
  centred on their mean over the regions. Data: the Statbel-based annual net
  migration **1990-2023** (WPP's annual values before 1991 are smooth
  between censuses, README) and the regions' residual net migration
  1992-2020 (``tools/belgium_history.py``). phi and sd are fitted to the
  errors of no-change forecasts of the cumulated migration, horizons 1-10
  (``fit_no_change``); with fewer than ``PERSISTENCE_MIN_YEARS`` = 20 years,
  phi = 1 and sd^2 is the mean squared annual change. The regions' own
  parts are their migration less their slope on the national total; their
  no-change errors give ``regional_sd`` (``fit_regional``). Both sds are
  widened for their estimation by Student's factor at 80 %
  (``predictive_factor``).

``fit_until(last_year)`` cuts every series at ``last_year``: the rolling
back-test (``validation/rolling_backtest.py``) estimates the parameters of
each jump-off from the years before it.

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
import belgium_history  # noqa: E402
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
#: Years of the annual national net migration (the Statbel-based series) the model is fitted to.
MIGRATION_YEARS = (1990, 2023)
#: Years of the regions' residual net migration (``tools/belgium_history.py``; the last one
#: needs the population of 1 January 2021).
REGIONAL_YEARS = (1992, 2020)
#: Years of WPP's annual net migration whose AR(1) around a moving average the README compares.
WPP_MIGRATION_YEARS = (1991, 2023)
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
#: Longest horizon [years] of the no-change forecast errors the migration model is fitted to.
NO_CHANGE_HORIZON = 10
#: Fewest annual values from which the persistence phi of migration is estimated: ten pairs at
#: each horizon up to NO_CHANGE_HORIZON. With fewer, phi = 1 (random walks).
PERSISTENCE_MIN_YEARS = 2 * NO_CHANGE_HORIZON
#: Coverage [1] at which the migration sds are widened for their estimation (:func:`predictive_factor`).
PREDICTIVE_COVERAGE = 0.80
#: The grid of phi [1] searched by the no-change fit.
PERSISTENCE_GRID = np.linspace(0.0, 1.0, 1001)

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
    ("Statbel", 1990, 2023), ("Statbel", 1990, 2021), ("Statbel", 1990, 2012), ("Statbel", 2000, 2023),
    ("WPP", 1991, 2023), ("WPP", 1950, 2023),
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
class NoChangeFit:
    """An AR(1) deviation fitted to the errors of no-change forecasts (:func:`fit_no_change`)."""

    autocorrelation: float  # phi [1]
    sd: float  # innovation sd [unit of the series per year]
    first_year: int  # the years of the series
    last_year: int
    error_rms: np.ndarray  # (horizon,) root mean square of the cumulated no-change errors, h = 1, 2, ...
    pairs: np.ndarray  # (horizon,) number of errors at each horizon
    persistence_estimated: bool  # False: too few years, phi = 1
    degrees_of_freedom: float  # independent annual changes, less the parameters fitted besides sd

    @property
    def predictive_sd(self) -> float:
        """sd widened for its estimation (:func:`predictive_factor`) [unit of the series per year]."""
        return self.sd * predictive_factor(self.degrees_of_freedom)

    @property
    def stationary_sd(self) -> float:
        return float("inf") if self.autocorrelation >= 1 else self.sd / np.sqrt(1.0 - self.autocorrelation**2)


def predictive_factor(degrees_of_freedom: float, coverage: float = PREDICTIVE_COVERAGE) -> float:
    """Student's over the normal quantile of a central ``coverage`` interval.

    A future sum of the innovations of a random walk whose variance is
    estimated from ``degrees_of_freedom`` squared changes, divided by the
    estimate, follows Student's t with that many degrees of freedom: the
    exact prediction interval is the normal one widened by this factor
    (Student 1908; Lawless and Fredette 2005). The normal deviations of the
    model can be widened at one coverage only, the 80 % of the calibration
    targets.

    Examples
    --------
    >>> round(predictive_factor(4), 3), round(predictive_factor(1000), 3)
    (1.196, 1.001)
    """
    from scipy.stats import norm, t

    upper = 0.5 + coverage / 2
    return float(t.ppf(upper, degrees_of_freedom) / norm.ppf(upper))


def no_change_errors(values: np.ndarray, horizons: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared cumulated errors (horizon,) of no-change forecasts, and how many, pooled over
    leading axes.

    The forecast made in year t of each year t + k is the value of year t;
    the error h years ahead is that of the sum of years t + 1 .. t + h,
    ``sum(values[..., t + k] - values[..., t] for k in 1 .. h)``: what the
    population of 1 January t + h + 1 carries.

    Examples
    --------
    >>> errors, pairs = no_change_errors(np.array([0.0, 1.0, 3.0]), 2)
    >>> errors.tolist(), pairs.tolist()
    ([2.5, 16.0], [2, 1])
    """
    years = values.shape[-1]
    errors, pairs = [], []
    for h in range(1, horizons + 1):
        ahead = sum(values[..., k:years - h + k] for k in range(1, h + 1))
        change = ahead - h * values[..., :years - h]
        errors.append(float(np.mean(change**2)))
        pairs.append(change.size)
    return np.array(errors), np.array(pairs)


def no_change_variance(phi: float, horizon: np.ndarray) -> np.ndarray:
    """Var(x(1) + ... + x(h)) / sd^2 of an AR(1) x started from 0 (innovation j enters
    (1 - phi^(h - j + 1)) / (1 - phi) times; h (h + 1) (2 h + 1) / 6 at phi = 1).

    Examples
    --------
    >>> no_change_variance(0.5, np.array([1, 2])).tolist()
    [1.0, 3.25]
    >>> no_change_variance(1.0, np.array([1, 2, 3])).tolist()
    [1.0, 5.0, 14.0]
    """
    def one(h):
        count = np.arange(1, int(h) + 1, dtype=float)
        weights = count if phi >= 1.0 else (1.0 - phi**count) / (1.0 - phi)
        return weights @ weights

    return np.array([one(h) for h in np.atleast_1d(horizon)])


def _weighted_log_fit(errors: np.ndarray, pairs: np.ndarray, phi: float) -> tuple[float, float]:
    """The innovation sd that fits ``errors`` best on the log scale at ``phi``, and the loss."""
    shape = np.log(no_change_variance(phi, np.arange(1, len(errors) + 1)))
    log_variance = float(pairs @ (np.log(errors) - shape) / pairs.sum())
    loss = float(pairs @ (np.log(errors) - shape - log_variance) ** 2)
    return float(np.exp(log_variance / 2)), loss


def fit_no_change(values: np.ndarray, years: range, phi: float | None = None,
                  independent_rows: float | None = None) -> NoChangeFit:
    """AR(1) deviation whose spread matches the errors of no-change forecasts in ``values``.

    A stochastic projection adds to its path a deviation x started from 0,
    x(t) = phi x(t-1) + sd e(t); when the path holds the last observed value,
    x(1) + ... + x(h) is the error of the sum of the next h years of that
    no-change forecast, which the population carries.

    * From :data:`PERSISTENCE_MIN_YEARS` values on (ten errors at each
      horizon up to ``NO_CHANGE_HORIZON``), phi and sd are chosen so that the
      variances of those sums (:func:`no_change_variance`) match the mean
      squared errors of the no-change forecasts that could have been made
      within ``values`` (:func:`no_change_errors`) at horizons 1 to
      ``NO_CHANGE_HORIZON``: by weighted least squares on the logarithms,
      each horizon weighted by its number of errors, phi on
      :data:`PERSISTENCE_GRID` and sd in closed form.
    * A shorter series cannot show the persistence of the deviations: they
      are a random walk (phi = 1, whose variance grows without bound; the
      data do not rule it out), and sd^2 is the mean squared annual change,
      the maximum-likelihood estimate of a driftless random walk's
      innovation variance (the one-year errors, the only ones numerous
      enough).

    ``phi`` fixes the autocorrelation (sd is then fitted as above, at that
    phi). The degrees of freedom of sd are the annual changes, of the
    ``independent_rows`` of ``values`` that are independent (by default all),
    less one if phi is estimated.

    References: Alho, J. M. and Spencer, B. D. (2005), *Statistical Demography and Forecasting*,
    ch. 9 (the errors of past forecasts as the measure of a forecast's uncertainty).
    """
    count = values.shape[-1]
    if count < 2:
        raise BuildError(f"a no-change fit needs at least two years; got {count} ({years[0]}-{years[-1]})")
    long_enough = count >= PERSISTENCE_MIN_YEARS
    errors, pairs = no_change_errors(values, min(NO_CHANGE_HORIZON, count - 1) if long_enough else 1)
    estimated = phi is None and long_enough
    if estimated:
        losses = [_weighted_log_fit(errors, pairs, p)[1] for p in PERSISTENCE_GRID]
        phi = float(PERSISTENCE_GRID[int(np.argmin(losses))])
    elif phi is None:
        phi = 1.0
    sd, _ = _weighted_log_fit(errors, pairs, phi)
    rows = independent_rows if independent_rows is not None else values.size // count
    freedom = (count - 1) * rows - int(estimated)
    return NoChangeFit(float(phi), sd, years[0], years[-1], np.sqrt(errors), pairs, estimated, freedom)


@dataclass(frozen=True)
class RegionalFit:
    """The regions' own migration deviations (:func:`fit_regional`)."""

    loadings: np.ndarray  # (region,) share of the national year-to-year changes [1]
    own: NoChangeFit  # no-change fit of the own parts, pooled over the regions
    sd: float  # innovation sd of each region's own deviation before centring [persons per year]


def regional_migration(years: range) -> np.ndarray:
    """Residual net migration (year, region) of ``years`` [persons per year] (``tools/belgium_history.py``),
    each year's with that year's rates."""
    data = belgium_history.read_history()
    return np.stack([belgium_history.residual_migration(data, year, belgium_history.rates_of(data, [year]))
                     .sum(axis=(1, 2)) for year in years])


def fit_regional(migration: np.ndarray, years: range, phi: float,
                 shares: np.ndarray | None = None) -> RegionalFit:
    """Loadings and own deviations of the regions' net migration (year, region).

    The loadings are ``shares`` if given (the shares of the national
    deviation the model gives the regions), else the least-squares slopes of
    each region's annual change on the national one; they sum to 1. A
    region's own part is its migration less its loading times the national
    total, and the own parts sum to zero over the regions. Their no-change errors, pooled over the regions, give
    the innovation sd at the national ``phi`` (:func:`fit_no_change`). The
    model centres independent deviations on their mean over the R regions,
    which takes (R - 1) / R of their variance; the sd is raised by
    sqrt(R / (R - 1)) to make up for it.
    """
    national = migration.sum(axis=1)
    change, national_change = np.diff(migration, axis=0), np.diff(national)
    loadings = change.T @ national_change / (national_change @ national_change) if shares is None \
        else np.asarray(shares, dtype=float)
    regions = migration.shape[1]
    own = fit_no_change((migration - national[:, None] * loadings).T, years, phi, regions - 1)
    return RegionalFit(loadings, own, own.predictive_sd * np.sqrt(regions / (regions - 1)))


@dataclass(frozen=True)
class Facts:
    """Observations the README quotes, read here so that no figure is typed by hand."""

    tfr_swings: list[tuple[int, float, int, float]]  # first year, its WPP TFR, last year, its WPP TFR
    early_e0_falls: list[int]  # years before MORTALITY_YEARS in which e0 fell for both sexes
    e0_change_after: np.ndarray  # (sex,) change of e0 into the year after MORTALITY_YEARS
    migration_smoothing: tuple[float, float]  # median |annual change| [persons] before and from 1991
    wpp_minus_statbel: list[tuple[int, float]]  # years where |WPP - Statbel| >= MIGRATION_GAP_QUOTED


@dataclass(frozen=True)
class CoreFit:
    """The fits the parameters come from, on the data up to ``last_year``."""

    last_year: int
    fertility: AutoregressiveFit
    fertility_level: LevelFit
    mortality: RandomWalkFit
    migration: NoChangeFit  # of the national total
    regional: RegionalFit


@dataclass(frozen=True)
class Estimate(CoreFit):
    """The fits of the shipped parameters, with the cross-checks and facts the README quotes."""

    fertility_hfc: AutoregressiveFit
    fertility_level_hfc: LevelFit
    fertility_level_sensitivity: list[LevelFit]
    trend_change_sd: float  # sd of the annual changes of the moving-average trend of log TFR [1 per year]
    fertility_sensitivity: list[tuple[str, AutoregressiveFit, int]]
    mortality_sensitivity: list[RandomWalkFit]
    migration_sensitivity: list[tuple[str, NoChangeFit]]
    previous_migration: AutoregressiveFit  # the former estimate: AR(1) around a moving average of WPP
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


def fit_until(last_year: int | None = None, region_shares: np.ndarray | None = None) -> CoreFit:
    """The fits behind the parameters, from the data of the years up to ``last_year`` only.

    Every series is cut at ``last_year`` (by default each runs to its own
    last year: TFR and national migration 2023, e0 2019, the regions'
    migration 2020), so that a projection from 1 January ``last_year + 1``
    gets parameters its forecaster could have estimated. ``region_shares``
    are the regions' shares of the national migration deviation in the model
    (:func:`fit_regional`); by default the slopes of the regions' changes on
    the national ones.
    """
    def window(first_last: tuple[int, int]) -> range:
        first, last = first_last
        return year_range((first, last if last_year is None else min(last, last_year)))

    fertility_years = window(FERTILITY_YEARS)
    log_tfr = np.log(tfr_series("WPP", fertility_years))
    fertility = fit_autoregressive(log_tfr, fertility_years, TREND_WINDOW)
    migration_years = window(MIGRATION_YEARS)
    migration = fit_no_change(migration_series("Statbel", migration_years), migration_years)
    regional_years = window(REGIONAL_YEARS)
    regional = fit_regional(regional_migration(regional_years), regional_years, migration.autocorrelation,
                            region_shares)
    return CoreFit(
        last_year=max(fertility_years[-1], migration_years[-1]),
        fertility=fertility,
        fertility_level=fit_level(log_tfr, fertility, LEVEL_CHANGE_YEARS),
        mortality=fit_random_walk(window(MORTALITY_YEARS)),
        migration=migration,
        regional=regional,
    )


def estimate() -> Estimate:
    """The fits of the shipped parameters (all the data), with the README's cross-checks."""
    core = fit_until()
    log_tfr = np.log(tfr_series("WPP", year_range(FERTILITY_YEARS)))
    hfc_years = year_range(HFC_YEARS)
    log_hfc = np.log(tfr_series("HFC", hfc_years))
    fertility_hfc = fit_autoregressive(log_hfc, hfc_years, TREND_WINDOW)

    def sensitivity(series_of, choices):
        out = []
        for series, first, last, window in choices:
            years = year_range((first, last))
            out.append((series, fit_autoregressive(series_of(series, years), years, window), window))
        return out

    return Estimate(
        **vars(core),
        fertility_hfc=fertility_hfc,
        fertility_level_hfc=fit_level(log_hfc, fertility_hfc, LEVEL_CHANGE_YEARS),
        fertility_level_sensitivity=[fit_level(log_tfr, core.fertility, k) for k in LEVEL_SENSITIVITY],
        trend_change_sd=float(np.diff(centred_moving_average(log_tfr, TREND_WINDOW)).std(ddof=1)),
        fertility_sensitivity=sensitivity(lambda s, y: np.log(tfr_series(s, y)), FERTILITY_SENSITIVITY),
        mortality_sensitivity=[fit_random_walk(year_range(years)) for years in MORTALITY_SENSITIVITY],
        migration_sensitivity=[(series, fit_no_change(migration_series(series, year_range((first, last))),
                                                      year_range((first, last))))
                               for series, first, last in MIGRATION_SENSITIVITY],
        previous_migration=fit_autoregressive(migration_series("WPP", year_range(WPP_MIGRATION_YEARS)),
                                              year_range(WPP_MIGRATION_YEARS), TREND_WINDOW),
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



def parameters(fit: CoreFit) -> Parameters:
    values = {
        "fertility_sd": fit.fertility.sd,
        "fertility_autocorrelation": fit.fertility.autocorrelation,
        "fertility_level_sd": fit.fertility_level.sd,
        "mortality_sd": fit.mortality.sd,
        "mortality_sex_correlation": fit.mortality.sex_correlation,
        "migration_sd": fit.migration.predictive_sd,
        "migration_autocorrelation": fit.migration.autocorrelation,
        "migration_regional_sd": fit.regional.sd,
    }
    shipped = Parameters(**{name: float(rounded(value)) for name, value in values.items()})
    check_parameters(shipped)
    return shipped


def check_parameters(values: Parameters) -> None:
    """Raise unless every sd is positive, |phi| < 1 for fertility, 0 <= phi <= 1 for migration (1: random
    walks) and -1 < c <= 1."""
    for name in ("fertility_sd", "fertility_level_sd", "mortality_sd", "migration_sd", "migration_regional_sd"):
        if not getattr(values, name) > 0:
            raise BuildError(f"{name} is {getattr(values, name)}; expected a positive number")
    if not abs(values.fertility_autocorrelation) < 1:
        raise BuildError(f"fertility_autocorrelation is {values.fertility_autocorrelation}; "
                         "expected a value in (-1, 1)")
    if not 0 <= values.migration_autocorrelation <= 1:
        raise BuildError(f"migration_autocorrelation is {values.migration_autocorrelation}; "
                         "expected a value in [0, 1]")
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
            ("sd", values.migration_sd, "innovation sd of the national deviation u [persons per year]"),
            ("autocorrelation", values.migration_autocorrelation, "[1]"),
            ("regional_sd", values.migration_regional_sd,
             "innovation sd of each region's own deviation, before centring [persons per year]"),
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
        level = autoregressive_sd(values.migration_sd, phi, h)
        total = cumulative_autoregressive_sd(values.migration_sd, phi, h)
        centred = values.migration_regional_sd * np.sqrt((len(REGIONS) - 1) / len(REGIONS))
        own = cumulative_autoregressive_sd(centred, phi, h)
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
    if values.migration_autocorrelation < 1:
        stationary_text = (
            f"The national deviation's stationary sd is "
            f"{persons(values.migration_sd / np.sqrt(1 - values.migration_autocorrelation**2))} persons, against "
            f"a path of 60,000 falling to 20,000 a year in the reference scenario `fpb-2013`; its 80% interval "
            f"after {HORIZONS[-1]} years of cumulated migration is ±"
            f"{persons(z80 * cumulative_autoregressive_sd(values.migration_sd, values.migration_autocorrelation, HORIZONS[-1]))}"
            " persons.")
    else:
        stationary_text = "With phi = 1 the national deviation is a random walk: its spread grows without bound."
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
`tests/io/test_uncertainty_data.py` checks that the shipped files equal a rebuild. The same estimate, cut at
each year before a jump-off, gives the parameters of the rolling back-test (`validation/rolling_backtest.py`,
results in `validation/README.md`).

## Parameters

| component | parameter | value | unit | estimated from |
|---|---|---|---|---|
| fertility | `sd` | {rounded(values.fertility_sd)} | 1 per year (log TFR) | WPP 2024 TFR {FERTILITY_YEARS[0]}-{FERTILITY_YEARS[1]} |
| fertility | `autocorrelation` | {rounded(values.fertility_autocorrelation)} | 1 | same |
| fertility | `level_sd` | {rounded(values.fertility_level_sd)} | 1 per year (log TFR) | same, {LEVEL_CHANGE_YEARS}-year changes |
| mortality | `sd` | {rounded(values.mortality_sd)} | years per year | HMD e0 {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[1]} |
| mortality | `sex_correlation` | {rounded(values.mortality_sex_correlation)} | 1 | same |
| international_migration | `sd` | {rounded(values.migration_sd)} | persons per year | no-change errors of the Statbel-based net migration {MIGRATION_YEARS[0]}-{MIGRATION_YEARS[1]} ({persons(fit.migration.sd)}), × {predictive_factor(fit.migration.degrees_of_freedom):.4f} for its estimation |
| international_migration | `autocorrelation` | {rounded(values.migration_autocorrelation)} | 1 | same |
| international_migration | `regional_sd` | {rounded(values.migration_regional_sd)} | persons per year | no-change errors of the regions' own residual migration {fit.regional.own.first_year}-{fit.regional.own.last_year} |

Values have {SIGNIFICANT_DIGITS} significant digits. Every figure below is computed from these rounded values.

## Model

* fertility: log TFR(t) = log TFR_path(t) + x(t) + l(t), x(t) = phi x(t-1) + sd e(t) (year-to-year
  fluctuation), l(t) = l(t-1) + level_sd e'(t) (a random walk of the level), x = l = 0 before the first
  projected year;
* mortality: e0_s(t) = e0_path_s(t) + w_s(t), w(t) = w(t-1) + eta(t), eta ~ N(0, sd² [[1, c], [c, 1]]) over
  (female, male), w = 0 before the first projected year;
* international migration: national net N(t) = N_path(t) + u(t), u(t) = phi u(t-1) + sd e(t), u = 0 before
  the first projected year; region r receives its path migrants plus b_r u(t) + v_r(t), where b_r is the
  region's share of the path's migrants in absolute value (its turnover) and the v_r are AR(1) processes with
  the same phi and innovation sd `regional_sd`, independent, then centred on their mean over the R regions: they
  move migrants between the regions (two regions' own deviations correlate by -1 / (R - 1)) and the national
  total deviates by u alone. A region's deviation is shared by its states (nationalities) in proportion to
  their turnover and spread over sex and age like it. With phi = 1 the deviations are random walks.

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

**International migration: the national deviation.** The Statbel-based annual net international migration of
Belgium, {MIGRATION_YEARS[0]}-{MIGRATION_YEARS[1]} (`migration_international_net_belgium_1990_2023.csv`): the
migration of the register population, which projsim's bases and back-tests count. WPP's series includes asylum
seekers and differs from it by {persons(MIGRATION_GAP_QUOTED)} or more in absolute value in {gaps}; before 1991
WPP's values are smooth within the intervals between the censuses of 1961, 1970, 1981 and 1991 and jump at
their boundaries (median absolute annual change {before:,.1f} persons over the changes into
{MIGRATION_SMOOTHED_YEARS[0] + 1}-{MIGRATION_SMOOTHED_YEARS[1]}, {after:,.1f} into
{MIGRATION_SMOOTHED_YEARS[1] + 2}-{MIGRATION_YEARS[1]}), so they are not annual observations.

A stochastic projection adds to its path a deviation u started from 0. When the path holds the last observed
value, u(1) + ... + u(h) is the error of a no-change forecast of the migrants of the next h years, which is
what the population carries. phi and sd are therefore chosen so that the model's variances of those sums,
sd² Σ_j ((1 - phi^(h-j+1)) / (1 - phi))², match the mean squared errors of the no-change forecasts that could
have been made within the series, at horizons 1 to {NO_CHANGE_HORIZON}: weighted least squares on the logarithms,
each horizon weighted by its number of errors, phi on a grid of step 0.001 in [0, 1] and sd in closed form
(the errors of past forecasts as the measure of uncertainty: Alho and Spencer 2005, ch. 9; Keilman 2008). With
fewer than {PERSISTENCE_MIN_YEARS} years (ten errors at every horizon up to {NO_CHANGE_HORIZON}) the persistence
cannot be measured: the deviation is then a random walk (phi = 1), and sd² is the mean squared annual change,
the maximum-likelihood estimate of a driftless random walk's innovation variance. This is the case of every
jump-off of the rolling back-test before 2010. An earlier estimate fitted an AR(1) to the deviations from a
{TREND_WINDOW}-year moving average (on WPP {WPP_MIGRATION_YEARS[0]}-{WPP_MIGRATION_YEARS[1]}: phi
{fit.previous_migration.autocorrelation:.3f}, sd {persons(fit.previous_migration.sd)}): year-to-year noise around a smooth trend, which leaves out the level shifts of Belgian migration
(about 15,000 a year in the 1990s, 50,000-60,000 in the late 2000s, 116,544 in 2022) and was far too narrow in
the back-test.

From {MIGRATION_YEARS[0]}-{MIGRATION_YEARS[1]}: phi = {fit.migration.autocorrelation:.3f}, sd =
{persons(fit.migration.sd)} persons. The sd is then widened for its estimation: the sum of future innovations of
a random walk divided by its sd estimated from ν squared changes follows Student's t with ν degrees of freedom,
so the exact prediction interval is the normal one times t_ν / z (Student 1908; Lawless and Fredette 2005); the
model's normal deviations can match it at one coverage only, the 80% of the calibration targets: ×
{predictive_factor(fit.migration.degrees_of_freedom):.4f} with ν = {fit.migration.degrees_of_freedom:g} (the
annual changes less one for phi), **sd = {persons(values.migration_sd)}**. The no-change errors of the series
and the model's:

{markdown_table(["h [years]", *(str(h) for h in range(1, len(fit.migration.error_rms) + 1))], [
    ["errors", *(str(n) for n in fit.migration.pairs)],
    ["rms of the errors of the sum of h years", *(persons(e) for e in fit.migration.error_rms)],
    ["model (plug-in sd)", *(persons(fit.migration.sd * np.sqrt(v)) for v in no_change_variance(
        fit.migration.autocorrelation, np.arange(1, len(fit.migration.error_rms) + 1)))]])}

Other series and years (plug-in sd; phi = 1 where fewer than {PERSISTENCE_MIN_YEARS} years):

{markdown_table(["series", "years", "phi", "sd", "ν", "widened sd", "stationary sd of the widened"],
                [[series, f"{f.first_year}-{f.last_year}", f"{f.autocorrelation:.3f}", persons(f.sd),
                  f"{f.degrees_of_freedom:g}", persons(f.predictive_sd),
                  "∞" if f.autocorrelation >= 1 else persons(f.predictive_sd / np.sqrt(1 - f.autocorrelation**2))]
                 for series, f in fit.migration_sensitivity])}

The two years {MIGRATION_YEARS[1] - 1}-{MIGRATION_YEARS[1]} (116,544 in 2022, the arrivals from Ukraine, then
66,349) move phi from {fit.migration_sensitivity[1][1].autocorrelation:.3f} to {fit.migration.autocorrelation:.3f}:
a one-year spike looks like a deviation that fades fast. The long-horizon intervals depend on phi more than on
anything else in the model.

**International migration: the regions' own deviations.** No annual series of international migration by region
exists in the data before 2006. The regions' net migration is the residual of the population balance
{fit.regional.own.first_year}-{fit.regional.own.last_year} (the Statbel population of 1 January by region, sex
and age, less its projection without migration with that year's death and fertility rates:
`tools/belgium_history.py`); it holds interregional and international migration together, so the regions' own
deviations stand for the uncertainty of both. Each region's annual change is regressed on the national one
(without intercept): the slopes, {", ".join(f"{r} {b:.3f}" for r, b in zip(REGIONS, fit.regional.loadings))},
sum to 1. (The model gives the national deviation to the regions by their turnover instead, the absolute values
of the path's migrants; `validation/README.md` compares the two.) A region's own
part is its migration less its slope times the national total; the own parts sum to zero. Their no-change
errors, pooled over the regions, give sd = {persons(fit.regional.own.sd)} at the national phi (from one-year
changes if the series is shorter than {PERSISTENCE_MIN_YEARS} years), widened as above with ν =
{fit.regional.own.degrees_of_freedom:g} (R - 1 = {len(REGIONS) - 1} independent own parts a year) and raised by
√(R / (R - 1)) = {np.sqrt(len(REGIONS) / (len(REGIONS) - 1)):.4f} because the model centres R independent
deviations on their mean, which takes (R - 1) / R of their variance: **regional_sd =
{persons(values.migration_regional_sd)}**.

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
are **deterministic variants, not a probabilistic interval**; `validation/README.md` compares the model's
intervals with WPP 2024's probabilistic ones. The AR(1) alone reaches its stationary sd
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

**Net international migration** [persons]: the national deviation in year h, its sum over the years 1..h,
and the sum of one region's own part, whose variance the centring takes to (R - 1) / R of
regional_sd² (a region's whole deviation adds its turnover share of the national one):

{migration_table}

{stationary_text}

## Sources and licences

* United Nations, DESA, Population Division. *World Population Prospects 2024*. Annual TFR and net migration of
  Belgium, copied to `data-raw/belgium/wpp2024_indicators_annual_tfr_netmig.csv`. CC BY 3.0 IGO.
* Human Mortality Database. University of California, Berkeley (USA), and Max Planck Institute for Demographic
  Research (Germany). www.mortality.org. Version of 25 Sep 2021, period life tables of Belgium, copied to
  `data-raw/belgium/hmd_lifetables_period_age0_1950_2020.csv`. HMD estimates are distributed under CC BY 4.0.
* Human Fertility Collection. Max Planck Institute for Demographic Research and Vienna Institute of Demography.
  Standardized ASFR of Belgium, copied to `data-raw/belgium/hfc_asfr_1x1_1951_2010.csv` (cross-check only).
* Statbel-based net international migration 1990-2023
  (`data-raw/belgium/migration_international_net_belgium_1990_2023.csv`): the national migration model.
* The regions' residual migration 1992-2020 (`tools/belgium_history.py`), from the copies in
  `data-raw/belgium/backtest/` (its `SOURCES.md`): Statbel population of 1 January by region, sex and age
  1992-2021 (the observed part of the FPB's regional workbook), HMD deaths, exposures and births, HFC fertility
  rates and the register's death quotients by region (FPB, in the larray package). The quotients and the
  register population they apply to are **GPL-3.0** (the larray package's licence), so `parameters.toml`,
  whose regional migration parameters come from these residuals, carries **GPL-3.0** too, like the other
  files derived from the quotients (`data-raw/belgium/SOURCES.md`).
* Alho, J. M. and Spencer, B. D. (2005), ch. 9, for forecast errors as the measure of uncertainty; Keilman, N.
  (2008). European demographic forecasts have not become more accurate over the past 25 years. *Population and
  Development Review* 34(1): 137-153. https://doi.org/10.1111/j.1728-4457.2008.00209.x
* Student (1908). The probable error of a mean. *Biometrika* 6(1): 1-25. https://doi.org/10.2307/2331554;
  Lawless, J. F. and Fredette, M. (2005). Frequentist prediction intervals and predictive distributions.
  *Biometrika* 92(3): 529-542. https://doi.org/10.1093/biomet/92.3.529
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
        f"  migration: sd {rounded(values.migration_sd)} (plug-in {fit.migration.sd:.0f}), autocorrelation "
        f"{rounded(values.migration_autocorrelation)}, regional sd {rounded(values.migration_regional_sd)}"
        f" (slopes {', '.join(f'{b:.3f}' for b in fit.regional.loadings)})",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__.splitlines()[0], {DATA_SET: build})


if __name__ == "__main__":
    sys.exit(main())
