"""Period life tables, old-age mortality and projection survival ratios.

Every function here is a numpy kernel. Rates come in as unlabeled arrays whose
last axis is age, and any leading dimensions (time, region, sex, draw, ...) are
carried along without Python loops. Labels are attached elsewhere.

The conventions follow the Methods Protocol of the Human Mortality Database
(HMD), version 6 (Wilmoth et al. 2017): the infant separation factor of
Andreev and Kingkade (2015), half an interval elsewhere, and an open age group
closed with its own rate. Old-age rates can be smoothed and extended with the
Kannisto model (Thatcher, Kannisto and Vaupel 1998), as the HMD does above age
80.

References
----------
Andreev, E. M. and Kingkade, W. W. (2015). Average age at death in infancy and
infant mortality level: Reconsidering the Coale-Demeny formulas at current
levels of low mortality. *Demographic Research* 33(13): 363-390.
https://doi.org/10.4054/DemRes.2015.33.13

Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Table 3.3.

Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force of mortality
at ages 80 to 120*. Odense Monographs on Population Aging 5. Odense University
Press.

Wilmoth, J. R., Andreev, K., Jdanov, D., Glei, D. A., Riffe, T. et al. (2017,
revised 2021). *Methods Protocol for the Human Mortality Database*, version 6.
https://www.mortality.org
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.engine.compiled import available, load
from projsim.errors import InputError, format_index
from projsim.types import SEXES

#: Number of Gauss-Legendre nodes used to integrate the Kannisto survival
#: curve over the open age group. 200 nodes give a relative error below
#: 1e-12 on life expectancy for any realistic old-age mortality.
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(200)

#: Survival level at which the integral over the open age group is cut off.
_SURVIVAL_FLOOR = 1e-16


@dataclass(frozen=True)
class _PiecewiseLinearRule:
    """Separation factor a = intercept + slope * m0, by segment of m0 and by sex.

    Row ``i`` of every array belongs to ``SEXES[i]``. Segment ``j`` applies
    when exactly ``j`` thresholds are at or below the infant rate m0.
    """

    thresholds: np.ndarray
    intercepts: np.ndarray
    slopes: np.ndarray

    @classmethod
    def by_sex(cls, **rows: tuple[list[float], list[float], list[float]]) -> _PiecewiseLinearRule:
        columns = zip(*(rows[sex] for sex in SEXES))
        return cls(*(np.array(column, dtype=float) for column in columns))

    def __call__(self, infant_rate: np.ndarray, sex_index: np.ndarray) -> np.ndarray:
        segment = np.zeros(np.broadcast_shapes(np.shape(infant_rate), np.shape(sex_index)), int)
        for threshold in self.thresholds.T:
            segment += infant_rate >= threshold[sex_index]
        return self.intercepts[sex_index, segment] + self.slopes[sex_index, segment] * infant_rate


#: Andreev and Kingkade (2015), 1a0 [years] as a function of 1m0
#: [per person-year]: the rule of the HMD Methods Protocol v6 for single-year
#: and abridged tables.
_INFANT_SEPARATION = _PiecewiseLinearRule.by_sex(
    female=([0.01724, 0.06891], [0.14903, 0.04667, 0.31411], [-2.05527, 3.88089, 0.0]),
    male=([0.02300, 0.08307], [0.14929, 0.02832, 0.29915], [-1.99545, 3.26021, 0.0]),
)

#: Coale and Demeny (1983) 4a1 [years] as a function of 1m0 [per person-year],
#: in the form of Preston, Heuveline and Guillot (2001), Table 3.3.
_CHILD_SEPARATION = _PiecewiseLinearRule.by_sex(
    female=([0.107], [1.522, 1.361], [-1.518, 0.0]),
    male=([0.107], [1.651, 1.352], [-2.816, 0.0]),
)


def _as_rates(mortality_rate, name: str = "mortality_rate") -> np.ndarray:
    """Return ``mortality_rate`` as a float array after checking its values."""
    rates = np.asarray(mortality_rate, dtype=float)
    where = f"argument '{name}'"
    if rates.ndim == 0:
        raise InputError(
            where,
            "a scalar",
            "an array with age on the last axis",
            "pass one rate per age group",
        )
    not_finite = ~np.isfinite(rates)
    if not_finite.any():
        first = int(np.flatnonzero(not_finite)[0])
        raise InputError(
            where,
            f"{rates.flat[first]} at index {format_index(first, rates.shape)}",
            "finite central death rates [per person-year]",
            "fill the gap with observed or modelled rates before building the table",
        )
    negative = rates < 0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise InputError(
            where,
            f"{rates.flat[first]} at index {format_index(first, rates.shape)}",
            "central death rates >= 0 [per person-year]",
            "check the deaths and exposures the rates were computed from",
        )
    return rates


def _as_single_ages(ages, n_ages: int, *, from_zero: bool) -> np.ndarray:
    """Return ``ages`` after checking they are consecutive integers, one per rate."""
    ages = np.asarray(ages)
    consecutive = (
        ages.ndim == 1
        and ages.shape[0] == n_ages
        and np.array_equal(ages, ages[0] + np.arange(n_ages))
        and (ages[0] == 0 or not from_zero)
    )
    if not consecutive:
        shown = np.array2string(ages, threshold=6, separator=", ")
        start = "starting at 0" if from_zero else "1 year apart"
        raise InputError(
            "argument 'ages'",
            f"{shown} (shape {ages.shape})",
            f"{n_ages} consecutive single ages {start}, one per rate on the last axis",
            "pass the integer age [years] of each rate, for example np.arange(mortality_rate.shape[-1])",
        )
    return ages


def _fit_age_slice(fit_ages, ages: np.ndarray) -> slice:
    first, last = (int(age) for age in fit_ages)
    if not ages[0] <= first < last <= ages[-1]:
        raise InputError(
            "argument 'fit_ages'",
            f"({first}, {last})",
            f"two ages first < last within the observed ages {ages[0]}..{ages[-1]}",
            "fit on an age range the rates cover, for example (80, 99)",
        )
    return slice(first - int(ages[0]), last - int(ages[0]) + 1)


def kannisto_fit(mortality_rate, ages, fit_ages=(80, 99)) -> tuple[np.ndarray, np.ndarray]:
    """Fit the Kannisto model of old-age mortality to single-age rates.

    The Kannisto model [1]_ is a logistic curve for the death rate,

    .. math:: m(x) = \\frac{a e^{b x}}{1 + a e^{b x}},

    so that :math:`\\operatorname{logit} m(x) = \\ln a + b x`. The two parameters
    are estimated by ordinary least squares of the logit of the observed rates
    on age, over ages ``fit_ages[0]`` to ``fit_ages[1]`` inclusive. The HMD [2]_
    fits the same model by Poisson maximum likelihood on deaths and exposures;
    with rates alone, least squares on the logit scale is a common
    substitute. Here :math:`x` is the integer age of the rate :math:`m_x`;
    :func:`kannisto_life_expectancy` explains how the curve is read between
    integer ages.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_ages)
        Central death rates [per person-year] for the single ages ``ages``.
        Leading dimensions are fitted independently.
    ages : array_like of int, shape (n_ages,)
        The single ages [years] of the last axis, consecutive integers (for
        example 0, 1, ..., 110, or 80, ..., 99).
    fit_ages : tuple of int, default (80, 99)
        First and last age [years] of the fitting range, both included.

    Returns
    -------
    a : numpy.ndarray, shape (...)
        Level parameter [dimensionless]: the odds of dying at age 0 on the
        fitted curve.
    b : numpy.ndarray, shape (...)
        Slope parameter [per year of age].

    Raises
    ------
    projsim.errors.InputError
        If the rates contain NaN or negative values, if ``ages`` does not match
        the last axis, if ``fit_ages`` is outside the ages, or if a rate in the
        fitting range is not strictly between 0 and 1 (its logit is undefined).

    References
    ----------
    .. [1] Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force
       of mortality at ages 80 to 120*. Odense University Press.
    .. [2] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6, section on death rates at older ages.

    Examples
    --------
    >>> ages = np.arange(111)
    >>> odds = 2e-5 * np.exp(0.11 * ages)
    >>> a, b = kannisto_fit(odds / (1 + odds), ages)
    >>> print(f"{a:.1e} {b:.3f}")
    2.0e-05 0.110
    """
    rates = _as_rates(mortality_rate)
    ages = _as_single_ages(ages, rates.shape[-1], from_zero=False)
    window = _fit_age_slice(fit_ages, ages)
    fit_rates = rates[..., window]
    outside = (fit_rates <= 0) | (fit_rates >= 1)
    if outside.any():
        first = int(np.flatnonzero(outside)[0])
        index = np.unravel_index(first, fit_rates.shape)
        index = (*index[:-1], int(index[-1]) + window.start)
        first_age, last_age = ages[window][[0, -1]]
        raise InputError(
            "argument 'mortality_rate'",
            f"{fit_rates.flat[first]} at index {tuple(int(i) for i in index)}",
            f"rates strictly between 0 and 1 at the fitting ages {first_age}..{last_age}",
            "choose fit_ages where every rate is positive and below 1",
        )
    x = ages[window].astype(float)
    logit = np.log(fit_rates / (1 - fit_rates))
    x_centred = x - x.mean()
    slope = (logit * x_centred).sum(axis=-1) / (x_centred**2).sum()
    log_level = logit.mean(axis=-1) - slope * x.mean()
    return np.exp(log_level), slope


def _kannisto_rate(level, slope, ages) -> np.ndarray:
    odds = level[..., None] * np.exp(slope[..., None] * ages)
    return odds / (1 + odds)


def kannisto_life_expectancy(level, slope, age) -> np.ndarray:
    """Life expectancy [years] at exact age ``age`` under a Kannisto curve.

    The single-age rate :math:`m_x` of the curve fitted by :func:`kannisto_fit`
    is read, as in the HMD [1]_, as the force of mortality at mid-interval
    :math:`x + 1/2`. The force at exact age :math:`t` is therefore
    :math:`\\mu(t) = a e^{b (t - 1/2)} / (1 + a e^{b (t - 1/2)})` and the
    survival curve from age :math:`\\omega` = ``age`` has the closed form

    .. math:: S(t) = \\left(\\frac{1 + a e^{b(\\omega - 1/2)}}
              {1 + a e^{b(\\omega + t - 1/2)}}\\right)^{1/b}.

    Life expectancy :math:`e_\\omega = \\int_0^\\infty S(t)\\,dt` is computed by
    200-point Gauss-Legendre quadrature from 0 to the duration where
    :math:`S` falls below 1e-16.

    Parameters
    ----------
    level, slope : array_like
        Kannisto parameters ``a`` [dimensionless] and ``b`` [per year of age],
        as returned by :func:`kannisto_fit`; broadcast together.
    age : float
        Exact age [years] at which life expectancy is wanted.

    Returns
    -------
    numpy.ndarray
        Life expectancy [years], shape of ``level`` and ``slope`` broadcast.

    References
    ----------
    .. [1] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6.

    Examples
    --------
    A very high level gives a force of mortality of 1 per year at every age,
    hence a life expectancy of one year:

    >>> print(f"{kannisto_life_expectancy(1e12, 0.1, 100.0):.6f}")
    1.000000
    """
    level, slope = np.broadcast_arrays(np.asarray(level, float), np.asarray(slope, float))
    odds_start = level * np.exp(slope * (age - 0.5))
    # S(t) = ((1 + o)/(1 + o e^{bt}))^{1/b} reaches the floor when
    # 1 + o e^{bt} = (1 + o) / floor^b.
    target = (1 + odds_start) * np.exp(-slope * np.log(_SURVIVAL_FLOOR))
    horizon = np.log((target - 1) / odds_start) / slope
    duration = 0.5 * horizon[..., None] * (_GAUSS_NODES + 1)
    odds = odds_start[..., None] * np.exp(slope[..., None] * duration)
    log_survival = (np.log1p(odds_start)[..., None] - np.log1p(odds)) / slope[..., None]
    return 0.5 * horizon * (np.exp(log_survival) @ _GAUSS_WEIGHTS)


def kannisto_extend(mortality_rate, ages, *, fit_ages=(80, 99), replace_from, open_age) -> np.ndarray:
    """Replace old-age rates by a fitted Kannisto curve and close the table.

    The Kannisto model [1]_ is fitted to ``fit_ages`` with
    :func:`kannisto_fit`. Rates below ``replace_from`` are kept as observed,
    single ages ``replace_from`` to ``open_age - 1`` take the fitted rate, and
    the last element is the rate of the open age group ``open_age``+.

    The open-group rate is :math:`m_{\\omega+} = 1 / e_\\omega`, where
    :math:`e_\\omega` is the life expectancy at exact age :math:`\\omega` =
    ``open_age`` obtained by integrating the fitted Kannisto survival curve to
    infinity (see :func:`kannisto_life_expectancy`). It is the ratio of deaths
    to person-years of a stationary population above :math:`\\omega`, so a life
    table built with :math:`L_{\\omega+} = l_\\omega / m_{\\omega+}` has exactly
    the Kannisto life expectancy in the open group. This is how the HMD [2]_
    closes its tables at 110+.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_ages)
        Central death rates [per person-year] for the single ages ``ages``.
    ages : array_like of int, shape (n_ages,)
        The single ages [years] of the last axis: exactly 0, 1, ..., n_ages - 1.
    fit_ages : tuple of int, default (80, 99)
        First and last age [years] of the fitting range, both included.
    replace_from : int
        First age [years] that takes the fitted rate. Must satisfy
        ``replace_from <= n_ages`` (observed rates are needed below it) and
        ``replace_from <= open_age``.
    open_age : int
        Start [years] of the open age group of the result.

    Returns
    -------
    numpy.ndarray, shape (..., open_age + 1)
        Central death rates [per person-year] for ages 0, 1, ...,
        ``open_age - 1`` and the open group ``open_age``+.

    Raises
    ------
    projsim.errors.InputError
        For the reasons listed in :func:`kannisto_fit`, if ``replace_from``
        is beyond the observed ages or above ``open_age``, or if the fitted
        slope is not positive (the open group would never die out).

    References
    ----------
    .. [1] Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force
       of mortality at ages 80 to 120*. Odense University Press.
    .. [2] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6.

    Examples
    --------
    >>> ages = np.arange(100)
    >>> odds = 2e-5 * np.exp(0.11 * ages)
    >>> rates = kannisto_extend(odds / (1 + odds), ages, replace_from=90, open_age=110)
    >>> rates.shape
    (111,)
    >>> print(f"{1 / rates[-1]:.3f}")  # life expectancy at 110 [years]
    1.258
    """
    rates = _as_rates(mortality_rate)
    n_ages = rates.shape[-1]
    ages = _as_single_ages(ages, n_ages, from_zero=True)
    level, slope = kannisto_fit(rates, ages, fit_ages)
    replace_from, open_age = int(replace_from), int(open_age)
    if not 0 <= replace_from <= min(n_ages, open_age):
        raise InputError(
            "argument 'replace_from'",
            str(replace_from),
            f"an age from 0 to min(number of observed ages, open_age) = {min(n_ages, open_age)}",
            "keep observed rates only for ages that were observed",
        )
    not_rising = slope <= 0
    if np.any(not_rising):
        first = int(np.flatnonzero(not_rising)[0])
        raise InputError(
            "argument 'mortality_rate'",
            f"a Kannisto slope of {np.ravel(slope)[first]:.4g} per year of age at leading index "
            f"{format_index(first, np.shape(slope))}",
            f"rates that rise with age over the fitting ages {int(fit_ages[0])}..{int(fit_ages[1])}",
            "fit on older ages or on rates pooled over more years",
        )
    fitted_ages = np.arange(replace_from, open_age, dtype=float)
    open_rate = 1 / kannisto_life_expectancy(level, slope, float(open_age))
    return np.concatenate(
        [rates[..., :replace_from], _kannisto_rate(level, slope, fitted_ages), open_rate[..., None]],
        axis=-1,
    )


@dataclass(frozen=True, eq=False)
class LifeTable:
    """A period life table; every column has the shape of the rates it came from.

    The last axis is age group. Group ``i`` starts at exact age
    ``sum(age_width[:i])`` and the last group is open.

    Attributes
    ----------
    mx : numpy.ndarray
        Central death rate [per person-year].
    qx : numpy.ndarray
        Probability of dying in the group [dimensionless]; 1 in the open group.
    ax : numpy.ndarray
        Average years lived in the group by those who die in it [years].
    lx : numpy.ndarray
        Survivors at the start of the group [persons, out of the radix].
    dx : numpy.ndarray
        Deaths in the group [persons].
    Lx : numpy.ndarray
        Person-years lived in the group [person-years].
    Tx : numpy.ndarray
        Person-years lived in the group and above [person-years].
    ex : numpy.ndarray
        Life expectancy at the start of the group [years]. NaN for groups that
        no one reaches (``lx == 0``, after a closed group with ``qx == 1``).
    age_width : numpy.ndarray, shape (n_groups,)
        Width of each age group [years]; ``np.inf`` for the open group.
    """

    mx: np.ndarray
    qx: np.ndarray
    ax: np.ndarray
    lx: np.ndarray
    dx: np.ndarray
    Lx: np.ndarray
    Tx: np.ndarray
    ex: np.ndarray
    age_width: np.ndarray


def _as_age_widths(age_width, n_groups: int) -> np.ndarray:
    """Return the widths [years] of the ``n_groups`` groups, ``np.inf`` last."""
    widths = np.asarray(age_width, dtype=float)
    where = "argument 'age_width'"
    if widths.ndim == 0:
        widths = np.append(np.full(n_groups - 1, float(widths)), np.inf)
    elif widths.shape != (n_groups,):
        raise InputError(
            where,
            f"{widths.size} widths (shape {widths.shape})",
            f"one width per age group on the last axis of 'mortality_rate', that is {n_groups}",
            "pass one width [years] per age group, ending with np.inf for the open group",
        )
    closed = widths[:-1]
    if not (np.all(np.isfinite(closed)) and np.all(closed > 0) and widths[-1] == np.inf):
        shown = np.array2string(widths, threshold=8, separator=", ")
        raise InputError(
            where,
            shown,
            "positive finite widths [years] for the closed groups and np.inf for the open group",
            "give widths such as 1 or [1, 4, 5, ..., 5, np.inf]",
        )
    return widths


def _as_sex_index(sex, leading_shape: tuple[int, ...]) -> np.ndarray:
    """Return the position of each sex label in ``SEXES`` as an integer array."""
    labels = np.asarray(sex)
    known = np.isin(labels, SEXES)
    if not known.all():
        first = int(np.flatnonzero(~known)[0])
        at = f" at index {format_index(first, labels.shape)}" if labels.ndim else ""
        raise InputError(
            "argument 'sex'",
            f"'{labels.flat[first]}'{at}",
            " or ".join(f"'{label}'" for label in SEXES),
            "label sex with the values of projsim.types.SEXES",
        )
    try:
        fits = np.broadcast_shapes(labels.shape, leading_shape) == leading_shape
    except ValueError:
        fits = False
    if not fits:
        raise InputError(
            "argument 'sex'",
            f"labels of shape {labels.shape}",
            f"one label, or labels that broadcast to the leading shape {leading_shape} of 'mortality_rate'",
            "give one label per row of the rates, with length-1 axes where sex does not vary",
        )
    return (labels[..., None] == np.array(SEXES)).argmax(axis=-1)


def _check_open_rate(rates: np.ndarray) -> None:
    zero = rates[..., -1] == 0
    if zero.any():
        first = int(np.flatnonzero(zero)[0])
        raise InputError(
            "argument 'mortality_rate'",
            f"0.0 in the open age group at leading index {format_index(first, zero.shape)}",
            "a positive rate in the open age group, whose person-years are l/m",
            "pool the oldest ages into a group with deaths, or close the table with kannisto_extend",
        )


def _check_inputs(mortality_rate, sex, age_width):
    rates = _as_rates(mortality_rate)
    widths = _as_age_widths(age_width, rates.shape[-1])
    sex_index = _as_sex_index(sex, rates.shape[:-1])
    _check_open_rate(rates)
    return rates, widths, sex_index


def _separation_factors(rates: np.ndarray, widths: np.ndarray, sex_index: np.ndarray) -> np.ndarray:
    """Average years lived in each group by those who die in it [years]."""
    separation = np.empty_like(rates)
    separation[...] = widths / 2
    separation[..., -1] = 1 / rates[..., -1]
    infant_alone = rates.shape[-1] > 1 and widths[0] == 1
    if infant_alone:
        separation[..., 0] = _INFANT_SEPARATION(rates[..., 0], sex_index)
    if infant_alone and rates.shape[-1] > 2 and widths[1] == 4:
        separation[..., 1] = _CHILD_SEPARATION(rates[..., 0], sex_index)
    return separation


def _death_probabilities(rates: np.ndarray, widths: np.ndarray, separation: np.ndarray) -> np.ndarray:
    """Probability of dying in each group [dimensionless]; 1 in the open group."""
    # Whole rows are faster than the closed groups' strided view; the open
    # group's infinite width is replaced before and its value after.
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    probability = np.subtract(finite_widths, separation)
    probability *= rates
    probability += 1
    # n m is m itself for single years: a pass saved, the same numbers.
    deaths_per_survivor = rates if np.all(finite_widths == 1) else finite_widths * rates
    np.divide(deaths_per_survivor, probability, out=probability)
    np.minimum(probability, 1.0, out=probability)
    probability[..., -1] = 1.0
    return probability


def _cumulative_product(values: np.ndarray) -> None:
    """Replace ``values`` by its cumulative product along the last axis, in place.

    ``numpy.cumprod`` walks each row one element at a time. When the last axis
    is the slowest in memory (an age-major block, see :func:`_columns`), a
    loop over it multiplies whole contiguous rows instead, several times
    faster; both multiply in the same order, so the numbers are the same.
    """
    age_major = values.ndim > 1 and abs(values.strides[-1]) == max(map(abs, values.strides))
    if not age_major:
        np.multiply.accumulate(values, axis=-1, out=values)
        return
    for group in range(1, values.shape[-1]):
        values[..., group] *= values[..., group - 1]


def _survivorship(rates, widths, separation, death_probability):
    """Survivors, deaths and person-years per group for a radix of 1."""
    survivors = np.empty_like(rates)
    survivors[..., 0] = 1.0
    np.subtract(1, death_probability[..., :-1], out=survivors[..., 1:])
    _cumulative_product(survivors[..., 1:])
    deaths = survivors * death_probability
    person_years = separation * deaths
    # L = n l(x+n) + a d, with n l(x+n) = l(x+n) for single years.
    survivors_after = survivors[..., 1:]
    if not np.all(widths[:-1] == 1):
        survivors_after = widths[:-1] * survivors_after
    person_years[..., :-1] += survivors_after
    person_years[..., -1] = survivors[..., -1] / rates[..., -1]
    return survivors, deaths, person_years


def _columns(rates, widths, sex_index):
    """The columns a, q, l, d and L (radix 1) of rates already checked.

    Every column has the memory layout of ``rates``. Kernels that summarise
    many schedules pass an age-major block (a transposed view whose age axis
    is the slowest in memory): each step along age is then one vectorised
    operation over all schedules.
    """
    separation = _separation_factors(rates, widths, sex_index)
    death_probability = _death_probabilities(rates, widths, separation)
    survivors, deaths, person_years = _survivorship(rates, widths, separation, death_probability)
    return separation, death_probability, survivors, deaths, person_years


def _expectancy_at(survivors, person_years, groups) -> np.ndarray:
    """e(x) = T(x) / l(x) at the age groups ``groups``; NaN where l(x) is 0."""
    above = np.stack([person_years[..., group:].sum(axis=-1) for group in groups], axis=-1)
    reached = survivors[..., groups]
    return np.divide(above, reached, out=np.full(above.shape, np.nan), where=reached > 0)


#: Schedules summarised at once by the numpy path of :func:`single_year_summary`,
#: in cells: the temporaries of a block stay in the processor's cache.
_SUMMARY_BLOCK_CELLS = 2**18


def single_year_summary(rates, sex_index, expectancy_groups=(), person_years_groups=(), *,
                         closed=False, compiled=True):
    """e(x) and L(x) (radix 1) at some ages of many single-year schedules.

    For rates already checked, one schedule per row (rows, age) and
    ``sex_index`` its position in ``SEXES``: e(x) [years] at
    ``expectancy_groups`` and L(x) [person-years per newborn] at
    ``person_years_groups``, each (rows, number of groups). With ``closed``
    every age is a closed group (no open group is needed for L(x) of the
    closed groups). A missing rate (NaN) gives NaN wherever it enters.

    numba, when installed (``projsim[fast]``), runs one compiled pass per row
    over both cores; otherwise, or with ``compiled=False``, numpy computes the
    same numbers block by block, age-major (see :func:`_columns`).
    """
    rates = np.ascontiguousarray(rates, dtype=float)
    expectancy_groups = np.asarray(expectancy_groups, dtype=np.int64)
    person_years_groups = np.asarray(person_years_groups, dtype=np.int64)
    expectancy = np.empty((rates.shape[0], expectancy_groups.size))
    person_years = np.empty((rates.shape[0], person_years_groups.size))
    if compiled and available():
        summarise = load("lifetable").summarise
        with np.errstate(invalid="ignore"):  # a0 = intercept + 0 x inf for m0 = inf
            infant_separation = _INFANT_SEPARATION(rates[:, 0], sex_index)
        summarise(rates, infant_separation, expectancy_groups, person_years_groups, closed,
                  expectancy, person_years)
        return expectancy, person_years
    block = max(1, _SUMMARY_BLOCK_CELLS // rates.shape[1])
    for start in range(0, rates.shape[0], block):
        rows = slice(start, start + block)
        found = _summary_block(rates[rows], sex_index[rows], expectancy_groups,
                               person_years_groups, closed)
        expectancy[rows], person_years[rows] = found
    return expectancy, person_years


def _summary_block(rates, sex_index, expectancy_groups, person_years_groups, closed):
    """The numpy path of :func:`single_year_summary` on one block of rows."""
    n_rows, n_ages = rates.shape
    age_major = np.empty((n_ages + closed, n_rows))
    age_major[:n_ages] = rates.T
    # With closed groups only, an open group of rate 1 closes the table: it
    # changes none of their l, d and L.
    age_major[n_ages:] = 1.0
    widths = np.append(np.ones(age_major.shape[0] - 1), np.inf)
    # An infinite rate in a closed group gives q = inf / inf = NaN, like a missing one.
    with np.errstate(invalid="ignore"):
        _, _, survivors, _, person_years = _columns(age_major.T, widths, sex_index)
    expectancy = (_expectancy_at(survivors, person_years, expectancy_groups)
                  if expectancy_groups.size else np.empty((n_rows, 0)))
    return expectancy, person_years[:, person_years_groups]


def life_table(mortality_rate, sex, *, age_width=1, radix=100_000.0) -> LifeTable:
    """Build period life tables from central death rates.

    Each group ``[x, x + n)`` of width ``n`` [years] is treated in the usual
    way (Preston, Heuveline and Guillot 2001, ch. 3):

    .. math::

        q_x = \\frac{n\\,m_x}{1 + (n - a_x)\\,m_x}, \\qquad
        l_{x+n} = l_x (1 - q_x), \\qquad
        L_x = n\\,l_{x+n} + a_x d_x,

    with :math:`q_x` capped at 1, and the open group :math:`\\omega+` has
    :math:`q = 1`, :math:`a = 1/m` and :math:`L = l/m`. The separation factor
    :math:`a_x` is half the width, except

    * :math:`{}_1a_0` for a group 0 of width 1 (single-year or abridged
      tables): Andreev and Kingkade (2015) as a function of :math:`{}_1m_0`,
      as in the HMD Methods Protocol v6 (Wilmoth et al. 2017);
    * :math:`{}_4a_1` for a group 1-4 that follows it (abridged tables):
      Coale and Demeny, as a function of :math:`{}_1m_0`, in the form of
      Preston, Heuveline and Guillot (2001), Table 3.3.

    A first group of width 5 (ages 0-4) gets 2.5 years like any other group.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], age group on the last axis,
        starting at age 0; the last group is open and its rate must be
        positive. Any leading dimensions are computed independently.
    sex : str or array_like of str
        ``"female"`` or ``"male"`` (``projsim.types.SEXES``), or an array of
        those labels that broadcasts to the leading dimensions of
        ``mortality_rate``. Sex chooses the separation factors at ages 0-4.
    age_width : int, float or array_like, default 1
        Width of the age groups [years]: one number for regular groups, or one
        width per group ending with ``np.inf`` for the open group, for example
        ``[1, 4, 5, ..., 5, np.inf]`` for an abridged table.
    radix : float, default 100000
        Survivors at age 0, :math:`l_0` [persons].

    Returns
    -------
    LifeTable
        Columns ``mx, qx, ax, lx, dx, Lx, Tx, ex`` with the shape of
        ``mortality_rate``, and ``age_width``.

    Raises
    ------
    projsim.errors.InputError
        If a rate is NaN, infinite or negative, if the open-group rate is 0,
        if a sex label is unknown or its shape does not broadcast, or if the
        widths do not match the last axis.

    See Also
    --------
    life_expectancy_at_birth : :math:`e_0` alone, without the table.
    survival_ratios : projection survival ratios from a table.

    References
    ----------
    .. [1] Andreev, E. M. and Kingkade, W. W. (2015). Average age at death in
       infancy and infant mortality level: Reconsidering the Coale-Demeny
       formulas at current levels of low mortality. *Demographic Research*
       33(13): 363-390. https://doi.org/10.4054/DemRes.2015.33.13
    .. [2] Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography:
       Measuring and Modeling Population Processes*. Oxford: Blackwell.
    .. [3] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6. https://www.mortality.org

    Examples
    --------
    An abridged table for ages 0, 1-4, 5-9 and 10+:

    >>> table = life_table([0.004, 0.0002, 0.0001, 0.02], "female",
    ...                    age_width=[1, 4, 5, np.inf])
    >>> print(np.round(table.ax, 3))
    [ 0.141  1.516  2.5   50.   ]
    >>> print(np.round(table.ex, 2))
    [59.69 58.93 54.97 50.  ]

    Females and males at once, one row each:

    >>> rates = np.array([[0.003, 0.0004, 0.3], [0.0035, 0.0005, 0.35]])
    >>> print(np.round(life_table(rates, ["female", "male"]).ex[:, 0], 4))
    [5.3163 4.839 ]
    """
    rates, widths, sex_index = _check_inputs(mortality_rate, sex, age_width)
    radix = float(radix)
    if not (np.isfinite(radix) and radix > 0):
        raise InputError(
            "argument 'radix'", str(radix), "a positive number of persons", "use the default 100000"
        )
    separation, death_probability, survivors, deaths, person_years = _columns(
        rates, widths, sex_index)
    person_years_above = np.cumsum(person_years[..., ::-1], axis=-1)[..., ::-1]
    expectancy = np.divide(
        person_years_above, survivors, out=np.full(rates.shape, np.nan), where=survivors > 0
    )
    return LifeTable(
        mx=rates,
        qx=death_probability,
        ax=separation,
        lx=radix * survivors,
        dx=radix * deaths,
        Lx=radix * person_years,
        Tx=radix * person_years_above,
        ex=expectancy,
        age_width=widths,
    )


def life_expectancy_at_birth(mortality_rate, sex, *, age_width=1) -> np.ndarray:
    """Period life expectancy at birth :math:`e_0` [years] from death rates.

    The same life table as :func:`life_table` (same conventions and checks),
    reduced to :math:`e_0 = \\sum_x L_x / l_0` without building the other
    columns, so that it stays cheap inside root solvers that call it many
    times.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], age group on the last axis,
        starting at age 0; the last group is open and its rate must be
        positive.
    sex : str or array_like of str
        ``"female"`` or ``"male"``, or an array of those labels that
        broadcasts to the leading dimensions of ``mortality_rate``.
    age_width : int, float or array_like, default 1
        Width of the age groups [years], as in :func:`life_table`.

    Returns
    -------
    numpy.ndarray, shape (...)
        Life expectancy at birth [years].

    Raises
    ------
    projsim.errors.InputError
        For the reasons listed in :func:`life_table`.

    References
    ----------
    .. [1] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6. https://www.mortality.org

    Examples
    --------
    A constant rate of 0.02 per year in a single open group gives 50 years:

    >>> print(life_expectancy_at_birth([0.02], "male"))
    50.0

    Single ages 0-99 and 100+, with rates doubling every ten years:

    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> print(np.round(life_expectancy_at_birth(rates, "female"), 3))
    87.418
    """
    rates, widths, sex_index = _check_inputs(mortality_rate, sex, age_width)
    person_years = _columns(rates, widths, sex_index)[4]
    return person_years.sum(axis=-1)


def life_expectancy_at(mortality_rate, sex, ages, *, age_width=1) -> np.ndarray:
    """Period life expectancy [years] at the start of some age groups.

    The same conventions and checks as :func:`life_table`, computing only the
    survivors and person-years needed for ``e(x) = T(x) / l(x)`` at the groups
    asked for; cheaper than a whole table when many schedules are summarised.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], as in :func:`life_table`.
    sex : str or array_like of str
        As in :func:`life_table`.
    ages : sequence of int
        Indices of the age groups [group index; the age itself for single
        years].
    age_width : int, float or array_like, default 1
        As in :func:`life_table`.

    Returns
    -------
    numpy.ndarray, shape (..., len(ages))
        Life expectancy at each group asked for [years]; NaN where nobody
        reaches the group.

    Examples
    --------
    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> table = life_table(rates, "female")
    >>> bool(np.allclose(life_expectancy_at(rates, "female", [0, 65]), table.ex[[0, 65]]))
    True
    """
    rates, widths, sex_index = _check_inputs(mortality_rate, sex, age_width)
    _, _, survivors, _, person_years = _columns(rates, widths, sex_index)
    return _expectancy_at(survivors, person_years, [int(a) for a in ages])


def survival_ratios(table: LifeTable, step_width=1) -> np.ndarray:
    """Projection survival ratios in the UN labelling.

    ``S[..., i]`` moves people *into* age group ``i`` over one projection step
    of ``step_width`` years, which must equal the width of every closed age
    group:

    * :math:`S_0 = L_0 / (n\\,l_0)`: births of the step, to survivors in
      group 0;
    * :math:`S_i = L_i / L_{i-1}` for :math:`0 < i < \\omega`;
    * :math:`S_\\omega = T_\\omega / T_{\\omega-1}`: the last closed group
      and the open group, pooled, into the open group.

    The ratios are computed from the per-survivor person-years
    :math:`L_x / l_x` and :math:`1 - q_x`, which give the same values without
    dividing by :math:`l_x`, so that groups no one reaches in the life table
    (after a closed group with :math:`q_x = 1`) still get the survival of
    someone who is there.

    Parameters
    ----------
    table : LifeTable
        A table from :func:`life_table` with at least two age groups.
    step_width : int or float, default 1
        Length of the projection step [years]; equal to the width of every
        closed age group of ``table``.

    Returns
    -------
    numpy.ndarray
        Survival ratios [dimensionless], in [0, 1], shape of ``table.Lx``.

    Raises
    ------
    projsim.errors.InputError
        If ``table`` is not a ``LifeTable``, has fewer than two groups, or has
        a closed group whose width differs from ``step_width`` (an abridged
        table, for example).

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography:
       Measuring and Modeling Population Processes*. Oxford: Blackwell,
       ch. 6.

    Examples
    --------
    >>> table = life_table([0.01, 0.02, 0.5], "female", age_width=5)
    >>> print(np.round(survival_ratios(table, step_width=5), 4))
    [0.9756 0.9286 0.2754]
    """
    if not isinstance(table, LifeTable):
        raise InputError(
            "argument 'table'",
            f"an object of type {type(table).__name__}",
            "a LifeTable",
            "build the table with projsim.demography.life_table",
        )
    widths = table.age_width
    if widths.shape[0] < 2 or not np.all(widths[:-1] == step_width):
        shown = np.array2string(widths, threshold=8, separator=", ")
        raise InputError(
            "argument 'table'",
            f"age widths {shown} for a step of {step_width} years",
            f"at least one closed age group and every closed group {step_width} years wide",
            "build the table with age_width equal to the projection step",
        )
    return _projection_survival(table.mx, widths, table.ax, table.qx, step_width)


def _projection_survival(rates, widths, separation, death_probability, step_width):
    """Survival ratios in the UN labelling from the columns m, n, a and q."""
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    survival = 1 - death_probability
    per_survivor = finite_widths * survival
    per_survivor += separation * death_probability
    per_survivor[..., -1] = 1 / rates[..., -1]
    ratios = np.empty(rates.shape)
    np.multiply(survival[..., :-1], per_survivor[..., 1:], out=ratios[..., 1:])
    ratios[..., 1:] /= per_survivor[..., :-1]
    ratios[..., 0] = per_survivor[..., 0] / step_width
    open_person_years = survival[..., -2] * per_survivor[..., -1]
    ratios[..., -1] = open_person_years / (per_survivor[..., -2] + open_person_years)
    return ratios


def survival_ratios_from_rates(mortality_rate, sex, *, step_width=1) -> np.ndarray:
    """Projection survival ratios straight from central death rates.

    The same numbers as ``survival_ratios(life_table(mortality_rate, sex,
    age_width=step_width), step_width)``, without building the columns a
    projection does not need (l, d, L, T, e); for turning many schedules into
    survival ratios at once.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year] for age groups of ``step_width``
        years, the last one open.
    sex : str or array_like of str
        As in :func:`life_table`.
    step_width : int, default 1
        Projection step and age-group width [years].

    Returns
    -------
    numpy.ndarray, shape (..., n_groups)
        Survival ratios [dimensionless], see :func:`survival_ratios`.

    Examples
    --------
    >>> rates = [0.01, 0.02, 0.5]
    >>> direct = survival_ratios_from_rates(rates, "female", step_width=5)
    >>> bool(np.array_equal(direct, survival_ratios(life_table(rates, "female", age_width=5), 5)))
    True
    """
    rates, widths, sex_index = _check_inputs(mortality_rate, sex, step_width)
    separation = _separation_factors(rates, widths, sex_index)
    death_probability = _death_probabilities(rates, widths, separation)
    return _projection_survival(rates, widths, separation, death_probability, step_width)
