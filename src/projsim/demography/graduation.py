"""Graduation: single years of age from counts or rates by age group.

A projection by single year of age can start from data by five-year group
(or any groups of whole years, such as the abridged 0, 1-4, 5-9, ...) once
each group is split into its single years. :func:`graduate_counts` splits
counts (persons, deaths, births), :func:`graduate_rates` rates (death rates,
fertility rates); :func:`group_counts` and :func:`group_rates` go the other
way. Every function is a numpy kernel: age is the last axis and any leading
dimensions (region, sex, time, ...) are carried along without Python loops.

The method is the monotone cubic interpolation of the cumulated values
(Smith, Hyndman and Wood 2004). The cumulated count :math:`C(x)`, known at the
group limits, is interpolated by a piecewise cubic Hermite polynomial whose
slopes are the weighted harmonic means of Fritsch and Butland (1984), the
shape-preserving choice of Fritsch and Carlson (1980); the single-year values
are the differences of :math:`C` at whole ages. So

* every group's total is kept exactly (to the rounding of the last bit: the
  values of a group are its total times shares that sum to 1);
* no value is negative, since :math:`C` never decreases where the data
  never decrease it;
* a group whose total is 0 gives zeros, and its neighbours slope to it
  smoothly (the first and last childbearing ages, for example).

A rate is graduated as the count of its group's person-years at one
person-year per age, :math:`n\\,m`: the single-year rates of a group average
to its rate, so a TFR is kept exactly and, with a constant force within each
single year, so is the survival across every group.

The open group is kept as it is. Graduation smooths: it cannot recover what
varies within a group, such as the birth deficits of the two World Wars in
a population pyramid (``tests/demography/test_graduation.py`` states the
errors on the Belgian population of 2012).

References
----------
Fritsch, F. N. and Butland, J. (1984). A method for constructing local
monotone piecewise cubic interpolants. *SIAM Journal on Scientific and
Statistical Computing* 5(2): 300-304. https://doi.org/10.1137/0905021

Fritsch, F. N. and Carlson, R. E. (1980). Monotone piecewise cubic
interpolation. *SIAM Journal on Numerical Analysis* 17(2): 238-246.
https://doi.org/10.1137/0717021

Smith, L., Hyndman, R. J. and Wood, S. N. (2004). Spline interpolation for
demographic variables: the monotonicity problem. *Journal of Population
Research* 21(1): 95-98. https://doi.org/10.1007/BF03032212
"""

from __future__ import annotations

import numpy as np

from projsim.errors import InputError, first_index


def _check(values, age_width, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The values as floats and the whole-year widths of the closed groups, checked."""
    array = np.asarray(values, dtype=float)
    where = f"argument '{name}'"
    if array.ndim == 0:
        raise InputError(where, "a scalar", "an array with age group on the last axis",
                         "pass one value per age group")
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        raise InputError(where, f"{array.flat[np.flatnonzero(bad)[0]]} at index {first_index(bad)}",
                         "finite values >= 0",
                         "graduate counts and rates, not net flows; fill gaps with data")
    widths = np.asarray(age_width, dtype=float)
    n_closed = array.shape[-1] - 1
    if widths.ndim == 0:
        widths = np.full(n_closed, float(widths))
    elif widths.shape == (n_closed + 1,) and widths[-1] == np.inf:
        widths = widths[:-1]
    whole = widths.shape == (n_closed,) and np.all(widths >= 1) and np.all(widths == np.round(widths))
    if not whole or n_closed < 1:
        shown = np.array2string(np.asarray(age_width, dtype=float), threshold=8, separator=", ")
        raise InputError("argument 'age_width'", f"{shown} for {array.shape[-1]} age groups",
                         "whole years >= 1 for each closed group (one number, or one per group "
                         "ending with np.inf for the open group), and at least one closed group",
                         "give widths such as 5 or [1, 4, 5, ..., 5, np.inf]")
    return array, widths.astype(int)


def _hermite_slopes(density: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Slopes of the cumulated values at the group limits (Fritsch and Butland 1984).

    ``density`` is each group's value per year (the secant slope of the
    cumulated values), shape (..., n_closed); the result has one slope per
    limit, shape (..., n_closed + 1). Interior slopes are weighted harmonic
    means of the neighbouring secants, 0 where one of them is 0; the end
    slopes are the three-point formula, kept within the monotone range, as in
    Moler's ``pchip``.
    """
    slopes = np.zeros(density.shape[:-1] + (density.shape[-1] + 1,))
    if density.shape[-1] == 1:
        slopes[...] = density
        return slopes
    before, after = density[..., :-1], density[..., 1:]
    width_before, width_after = widths[:-1], widths[1:]
    weight_before, weight_after = 2 * width_after + width_before, width_after + 2 * width_before
    rising = (before > 0) & (after > 0)
    # (w1 + w2) / (w1 / a + w2 / b), with a and b scaled by the larger so that
    # neither a tiny nor a huge secant overflows
    scale = np.where(rising, np.maximum(before, after), 1.0)
    before, after = before / scale, after / scale
    harmonic = scale * (weight_before + weight_after) * before * after \
        / np.where(rising, weight_before * after + weight_after * before, 1.0)
    slopes[..., 1:-1] = np.where(rising, harmonic, 0.0)
    slopes[..., 0] = _end_slope(density[..., 0], density[..., 1], widths[0], widths[1])
    slopes[..., -1] = _end_slope(density[..., -1], density[..., -2], widths[-1], widths[-2])
    return slopes


def _end_slope(secant, next_secant, width, next_width):
    """The three-point end slope, 0 if it points down and at most 3 secants."""
    slope = ((2 * width + next_width) * secant - width * next_secant) / (width + next_width)
    slope = np.maximum(slope, 0.0)
    return np.where((next_secant == 0) & (slope > 3 * secant), 3 * secant, slope)


def _within_group_shares(density, slopes, widths) -> np.ndarray:
    """Shares of each group's total in its single years, shape (..., sum of widths).

    On group k of width n the cumulated value above its start, divided by
    the width, is ``density h01(s) + d_k h10(s) + d_k+1 h11(s)`` at
    ``s = j / n`` (the cubic Hermite basis), from 0 at ``j = 0`` to the
    density at ``j = n``; the shares are its increments over the total.
    """
    group = np.repeat(np.arange(widths.size), widths)
    offset = np.concatenate([np.arange(n) for n in widths])
    lower, upper = (np.asarray(offset + end) / widths[group] for end in (0, 1))
    below, above = (density[..., group] * (3 * s**2 - 2 * s**3)
                    + slopes[..., group] * (s**3 - 2 * s**2 + s)
                    + slopes[..., group + 1] * (s**3 - s**2) for s in (lower, upper))
    increments = np.maximum(above - below, 0.0)
    totals = np.add.reduceat(increments, np.cumsum(widths) - widths, axis=-1)[..., group]
    return np.divide(increments, totals, out=np.zeros(increments.shape), where=totals > 0)


def graduate_counts(counts, age_width) -> np.ndarray:
    """Split counts by age group into single years of age.

    The monotone cubic interpolation of the cumulated counts (Smith, Hyndman
    and Wood 2004), with the slopes of Fritsch and Butland (1984): each
    group's count is kept exactly, no single year is negative, and the open
    group is kept as it is.

    Parameters
    ----------
    counts : array_like, shape (..., n_groups)
        Counts by age group [persons, or events], non-negative, the first
        group starting at age 0 and the last one open.
    age_width : int or array_like
        Widths of the groups [whole years]: one number for groups of equal
        width, or one per group ending with ``np.inf`` for the open group,
        such as ``[1, 4, 5, ..., 5, np.inf]``.

    Returns
    -------
    numpy.ndarray, shape (..., open_age + 1)
        Counts by single year of age 0 .. open_age - 1 and the open group.

    Raises
    ------
    projsim.errors.InputError
        If a count is negative or not finite, or if the widths are not whole
        years, one per closed group.

    References
    ----------
    .. [1] Smith, L., Hyndman, R. J. and Wood, S. N. (2004). Spline
       interpolation for demographic variables: the monotonicity problem.
       *Journal of Population Research* 21(1): 95-98.
       https://doi.org/10.1007/BF03032212
    .. [2] Fritsch, F. N. and Butland, J. (1984). A method for constructing
       local monotone piecewise cubic interpolants. *SIAM Journal on
       Scientific and Statistical Computing* 5(2): 300-304.
       https://doi.org/10.1137/0905021

    Examples
    --------
    Three five-year groups and an open group 15+:

    >>> single = graduate_counts([500.0, 450.0, 400.0, 900.0], 5)
    >>> print(np.round(single, 1))
    [104.  102.1 100.1  98.   95.8  93.9  92.1  90.1  88.1  85.9  83.8  82.
      80.1  78.1  76.  900. ]
    >>> print(single[:5].sum(), single[5:10].sum(), single[10:15].sum())
    500.0 450.0 400.0
    """
    values, widths = _check(counts, age_width, "counts")
    closed = values[..., :-1]
    density = closed / widths
    shares = _within_group_shares(density, _hermite_slopes(density, widths), widths)
    group = np.repeat(np.arange(widths.size), widths)
    return np.concatenate([closed[..., group] * shares, values[..., -1:]], axis=-1)


def graduate_rates(rates, age_width) -> np.ndarray:
    """Split rates by age group into single years of age, keeping each group's mean.

    The group's person-years at one per age, :math:`n\\,m_x`, are graduated
    as a count (:func:`graduate_counts`), so the single-year rates of a group
    average exactly to its rate, none is negative, and a rate of 0 stays 0
    over its group. For fertility rates the TFR is kept; for death rates the
    cumulated hazard, hence the survival across every group under a constant
    force within each single year. The open group's rate is kept.

    Parameters
    ----------
    rates : array_like, shape (..., n_groups)
        Rates by age group [per person-year], non-negative, the first group
        starting at age 0 and the last one open.
    age_width : int or array_like
        Widths of the groups [whole years], as in :func:`graduate_counts`.

    Returns
    -------
    numpy.ndarray, shape (..., open_age + 1)
        Rates by single year of age 0 .. open_age - 1 and the open group
        [per person-year].

    Examples
    --------
    Fertility rates of the groups 15-19 ... 45-49 (0 at 0-14, and from 50):

    >>> asfr = [0, 0, 0, 0.01, 0.06, 0.11, 0.09, 0.04, 0.008, 0.0005, 0]
    >>> single = graduate_rates(asfr, 5)
    >>> print(round(5 * sum(asfr), 6), round(single.sum(), 6))
    1.5925 1.5925
    >>> bool(np.all(single[:15] == 0) and np.all(single[50:] == 0))
    True
    """
    values, widths = _check(rates, age_width, "rates")
    person_years = np.concatenate([values[..., :-1] * widths, values[..., -1:]], axis=-1)
    return graduate_counts(person_years, np.append(widths, np.inf))


def group_counts(counts, age_width) -> np.ndarray:
    """Sum single-year counts into age groups (the inverse of :func:`graduate_counts`).

    Parameters
    ----------
    counts : array_like, shape (..., open_age + 1)
        Counts by single year of age 0 .. open_age - 1 and the open group.
    age_width : int or array_like
        Widths of the closed groups [whole years], one number or one per
        group; they must add up to the open age.

    Returns
    -------
    numpy.ndarray, shape (..., n_groups)
        Counts by group, the open group last.

    Examples
    --------
    >>> print(group_counts(np.arange(11.0), [1, 4, 5]))
    [ 0. 10. 35. 10.]
    """
    values = np.asarray(counts, dtype=float)
    widths = _group_widths(values.shape[-1] - 1, age_width)
    starts = np.concatenate([[0], np.cumsum(widths)])
    return np.add.reduceat(values, starts, axis=-1)


def group_rates(rates, age_width) -> np.ndarray:
    """The mean single-year rate of each age group (the inverse of :func:`graduate_rates`).

    Examples
    --------
    >>> print(group_rates([0.1, 0.2, 0.3, 0.4, 0.5, 0.9], 5))
    [0.3 0.9]
    """
    values = np.asarray(rates, dtype=float)
    widths = _group_widths(values.shape[-1] - 1, age_width)
    grouped = group_counts(values, widths)
    grouped[..., :-1] /= widths
    return grouped


def _group_widths(open_age: int, age_width) -> np.ndarray:
    widths = np.asarray(age_width, dtype=int)
    if widths.ndim == 0:
        widths = np.full(open_age // int(widths), int(widths))
    if widths.sum() != open_age or np.any(widths < 1):
        raise InputError("argument 'age_width'", f"widths adding up to {widths.sum()} years",
                         f"positive whole-year widths adding up to the open age, {open_age}",
                         "choose groups that end where the open group starts")
    return widths
