"""Old-age mortality: the Kannisto model, fitted and used to close a life table.

The Kannisto model (Thatcher, Kannisto and Vaupel 1998) is a logistic curve
of the death rate over age. :func:`kannisto_fit` fits it to single-age rates,
:func:`kannisto_life_expectancy` integrates its survival curve above an age,
and :func:`kannisto_extend` replaces the old-age rates by the curve and closes
the table with the stationary rate of the open group, as the Human Mortality
Database does above age 80 (Wilmoth et al. 2017).

References
----------
Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force of mortality
at ages 80 to 120*. Odense Monographs on Population Aging 5. Odense University
Press.

Wilmoth, J. R., Andreev, K., Jdanov, D., Glei, D. A., Riffe, T. et al. (2017,
revised 2021). *Methods Protocol for the Human Mortality Database*, version 6.
https://www.mortality.org
"""

from __future__ import annotations

import numpy as np

from projsim.demography.checks import as_rates
from projsim.errors import InputError, format_index

#: Number of Gauss-Legendre nodes used to integrate the Kannisto survival
#: curve over the open age group. 200 nodes give a relative error below
#: 1e-12 on life expectancy for any realistic old-age mortality.
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(200)

#: Survival level at which the integral over the open age group is cut off.
_SURVIVAL_FLOOR = 1e-16


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
    rates = as_rates(mortality_rate)
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
    rates = as_rates(mortality_rate)
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
