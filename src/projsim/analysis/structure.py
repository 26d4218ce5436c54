"""The population's structure: exposure, mean and median age, dependency ratios, shares.

Stock indicators refer to 1 January of ``time`` (the base's day on other
grids: 1 July for WPP's); the mid-year population is the exposure of every
rate of :mod:`projsim.analysis.indicators`. On age groups of n years, a
group is placed at its midpoint (first age + n/2) and ages that bound a
band (working ages, a share's first age) are first ages of groups.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import xarray as xr

from projsim.analysis import common
from projsim.analysis.common import (
    Aggregate, checked_age, inputs, labelled, mid_year, ratio, summed,
)
from projsim.errors import InputError
from projsim.model.states import StateSpace
from projsim.result import age_width, stock_date
from projsim.types import FOREIGN, NATIONALITY, SEXES, STATE, VARIABLES

__all__ = [
    "DEPENDENCY_KINDS", "DependencyKind", "WORKING_AGE", "WORKING_AGE_OF_GROUPS",
    "default_working_age", "dependency_ratio", "foreign_share", "mean_age", "median_age",
    "mid_year_population", "sex_ratio", "share_aged",
]

#: The three dependency ratios: persons under working age, persons over it,
#: or both, per 100 persons of working age.
DependencyKind = Literal["young", "old", "total"]
DEPENDENCY_KINDS: tuple[str, ...] = get_args(DependencyKind)

#: Default working ages [years]: first age in, first age out. 18 and 67 are
#: the Federal Planning Bureau's (end of compulsory schooling, legal pension
#: age from 2030); the UN's convention is (15, 65).
WORKING_AGE = (18, 67)
#: Default working ages on age groups wider than a year, whose limits must be
#: first ages of groups: the UN's convention, 15-64 (World Population Prospects).
WORKING_AGE_OF_GROUPS = (15, 65)


def default_working_age(ds: xr.Dataset) -> tuple[int, int]:
    """The default working ages of a result: :data:`WORKING_AGE` on single years,
    :data:`WORKING_AGE_OF_GROUPS` on five-year groups.

    Examples
    --------
    >>> default_working_age(xr.Dataset()), default_working_age(xr.Dataset(attrs={"grid": "5x5"}))
    ((18, 67), (15, 65))
    """
    return WORKING_AGE if age_width(ds) == 1 else WORKING_AGE_OF_GROUPS

#: The dimensions of a population cell besides its state (sex and age), which
#: a structure indicator may pool with the state dimensions.
_CELL = tuple(dim for dim in VARIABLES["population"].dims if dim != STATE)


def _structure(ds, aggregate, indicator, others=("sex",)):
    ds, dims = inputs(ds, aggregate, indicator, ("population",), others=others)
    return ds, summed(ds["population"], dims)


def mid_year_population(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Person-years lived during each year, by state, sex and age.

    .. math:: E_{t,x} = \\tfrac12 \\left(P_{t,x} + P_{t+1,x}\\right)

    the mean of the 1 January populations that open and close the year at the
    same age label ``x`` (Preston, Heuveline and Guillot 2001, section 1.5:
    the mid-period population approximates the person-years of a period when
    the population changes linearly). It is the exposure of every rate of
    the indicators and the one the engine uses to weight regions when it
    solves a national life-expectancy target.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Dimensions to sum over, among the state dimensions, ``"sex"`` and ``"age"``.

    Returns
    -------
    xarray.DataArray
        Person-years [person-years per year], labelled by the year's first
        date; NaN at the last date.

    Examples
    --------
    >>> import projsim
    >>> ds = projsim.project("belgium-2012")
    >>> exposure = mid_year_population(ds, aggregate=('region', 'nationality', 'sex', 'age'))
    >>> print(f"{float(exposure.sel(time=2012)):,.0f}")
    11,073,637
    """
    ds, population = _structure(ds, aggregate, "the mid-year population", others=_CELL)
    width, date = age_width(ds), stock_date(ds)
    return labelled(mid_year(population),
                    f"mid-year population (mean of {date} of time and time + {width})"
                    if width == 1 else f"mean population over the step (mean of {date} of time "
                    f"and time + {width})", "person-years per year")


# --- kernels ------------------------------------------------------------------


def _persons_aged_kernel(population: np.ndarray, *, n_pooled: int,
                         ranges: list[tuple[int, int]]) -> np.ndarray:
    """Persons (..., time, range) aged ``first`` to ``after - 1`` for each range of
    populations (..., time, pooled dims, age), summed over the ``n_pooled``
    pooled dims: the sums of :func:`projsim.analysis.common.summed` in its
    order, one year at a time, so that a year's population by age stays in
    cache instead of filling an array of every year's."""
    population = np.moveaxis(population, -2 - n_pooled, 0)
    kept = list(range(population.ndim - 2 - n_pooled)) + [population.ndim - 2]
    counts = np.empty(population.shape[:len(kept)] + (len(ranges),))
    for time, year in enumerate(population):
        by_age = np.einsum(year, list(range(year.ndim)), kept) if n_pooled else year
        for k, (first, after) in enumerate(ranges):
            np.einsum(by_age[..., first:after], list(range(by_age.ndim)),
                      list(range(by_age.ndim - 1)), out=counts[time, ..., k])
    return np.moveaxis(counts, 0, -2)


def _persons_aged(population: xr.DataArray, dims: list[str],
                  ranges: list[tuple[int, int]]) -> list[xr.DataArray]:
    """Persons [persons] aged ``first`` to ``after - 1`` for each range of ``ranges``,
    summed over ``dims``."""
    counts = xr.apply_ufunc(_persons_aged_kernel, population,
                            input_core_dims=[["time", *dims, "age"]],
                            output_core_dims=[["time", "range"]],
                            kwargs={"n_pooled": len(dims), "ranges": ranges})
    order = [dim for dim in population.dims if dim not in (*dims, "age")]
    return [counts.isel(range=k).transpose(*order) for k in range(len(ranges))]


def _median_kernel(population: np.ndarray) -> np.ndarray:
    """Median age [age groups] of populations (..., age), interpolated linearly
    within the group, in units of the group's width (years for single years);
    NaN in the open group. Blocks of rows keep the temporaries in cache."""
    leading, n_ages = population.shape[:-1], population.shape[-1]
    rows = population.reshape(-1, n_ages)
    median = np.empty(rows.shape[0])
    loops = common.compiled_loops(rows.size)
    if loops is not None:
        loops.median(rows, median)
        return median.reshape(leading)
    block = max(1, common.BLOCK_CELLS // n_ages)
    for start in range(0, rows.shape[0], block):
        median[start:start + block] = _median_block(rows[start:start + block])
    return median.reshape(leading)


def _median_block(population: np.ndarray) -> np.ndarray:
    """:func:`_median_kernel` of one block (rows, age). The cumulated population
    is built age-major, one vectorised addition per age over all rows, in the
    order of numpy.cumsum, which walks each row one element at a time."""
    n_rows, n_ages = population.shape
    cumulative = np.empty((n_ages, n_rows))
    cumulative[:] = population.T
    for age in range(1, n_ages):
        cumulative[age] += cumulative[age - 1]
    half = 0.5 * cumulative[-1]
    group = np.argmax(cumulative >= half, axis=0)
    within = population[np.arange(n_rows), group]
    below = cumulative[group, np.arange(n_rows)] - within
    defined = (half > 0) & (group < n_ages - 1) & (within > 0)
    safe = np.where(defined, within, 1.0)
    return np.where(defined, group + (half - below) / safe, np.nan)


# --- indicators ---------------------------------------------------------------


def mean_age(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Mean age of the population on 1 January [years].

    .. math:: \\bar a = \\frac{\\sum_x (x + \\tfrac12) P_x}{\\sum_x P_x}

    Persons in age group :math:`x` have completed :math:`x` years and are on
    average :math:`x + 1/2` years old. The open group :math:`\\omega+` is
    placed at :math:`\\omega + 1/2` too, which understates its mean age
    :math:`\\omega + e_\\omega` by a year or two; with the open group at 110
    it holds about one person in a million, so the mean age is short by less
    than 0.0001 years. On groups of :math:`n` years each group, the open one
    too, is placed at its midpoint :math:`x + n/2`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        Mean age [years] at every date.

    References
    ----------
    .. [1] Shryock, H. S. and Siegel, J. S. (1976). *The Methods and
       Materials of Demography*, ch. 7. New York: Academic Press.
    """
    ds, population = _structure(ds, aggregate, "the mean age")
    midpoint = ds["age"] + 0.5 * age_width(ds)
    return labelled(ratio(xr.dot(midpoint, population, dim="age"), summed(population, ["age"])),
                    f"mean age on {stock_date(ds)}", "years")


def median_age(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Median age of the population on 1 January [years].

    The age :math:`m` below which half the population is, with persons spread
    evenly within each age group of :math:`n` years (single years: n = 1):

    .. math:: m = x + n\\,\\frac{N/2 - C_x}{P_x}

    where :math:`x` is the group in which the cumulated population reaches
    half the total :math:`N`, and :math:`C_x` the population below age
    :math:`x`. NaN where the median would fall in the open group, whose width
    is unknown (or where the population is 0).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        Median age [years] at every date.

    References
    ----------
    .. [1] Shryock, H. S. and Siegel, J. S. (1976). *The Methods and
       Materials of Demography*, ch. 7. New York: Academic Press.

    Examples
    --------
    >>> import projsim
    >>> median = median_age(projsim.project("belgium-2012"),
    ...                     aggregate=('region', 'nationality', 'sex'))
    >>> print(f"{float(median.sel(time=2012)):.1f}")
    41.1
    """
    ds, population = _structure(ds, aggregate, "the median age")
    median = xr.apply_ufunc(_median_kernel, population, input_core_dims=[["age"]])
    width = age_width(ds)
    return labelled(median if width == 1 else width * median, f"median age on {stock_date(ds)}",
                    "years")


def dependency_ratio(ds: xr.Dataset, kind: DependencyKind = "total", *,
                     working_age: tuple[int, int] | None = None,
                     aggregate: Aggregate = ()) -> xr.DataArray:
    """Dependency ratio on 1 January [persons per 100 of working age].

    With working ages :math:`[a, b)` given by ``working_age = (a, b)``:

    .. math::

        \\mathrm{young} = 100\\,\\frac{P_{[0, a)}}{P_{[a, b)}}, \\qquad
        \\mathrm{old} = 100\\,\\frac{P_{[b, \\infty)}}{P_{[a, b)}}, \\qquad
        \\mathrm{total} = \\mathrm{young} + \\mathrm{old}.

    The default on single years, (18, 67), counts ages 0-17 as young, 18-66
    as of working age and 67+ as old, the Federal Planning Bureau's
    convention (legal pension age 67 from 2030); the UN's convention is
    ``working_age=(15, 65)``: 0-14, 15-64 and 65+ (United Nations, *World
    Population Prospects*), the default on five-year groups, whose limits
    must be first ages of groups (:func:`default_working_age`).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    kind : {"young", "old", "total"}, default "total"
    working_age : tuple of int, optional
        First age of working age and first age after it [years]; 0 < a < b
        <= the open age, first ages of groups on a grid wider than a year.
        By default (18, 67) on single years, (15, 65) on five-year groups.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [persons per 100 persons of working age] at every date.

    References
    ----------
    .. [1] Shryock, H. S. and Siegel, J. S. (1976). *The Methods and
       Materials of Demography*, ch. 7. New York: Academic Press.

    Examples
    --------
    >>> import projsim
    >>> ds = projsim.project("belgium-2012")
    >>> old = dependency_ratio(ds, "old", aggregate=('region', 'nationality', 'sex'))
    >>> print(f"{float(old.sel(time=2012)):.1f}")
    23.8
    """
    ds, dims = inputs(ds, aggregate, "a dependency ratio", ("population",), others=("sex",))
    if kind not in DEPENDENCY_KINDS:
        raise InputError("argument 'kind'", repr(kind), " or ".join(map(repr, DEPENDENCY_KINDS)),
                         "see projsim.indicators.DependencyKind")
    open_age, width = int(ds["age"][-1]), age_width(ds)
    working_age = default_working_age(ds) if working_age is None else working_age
    valid = (isinstance(working_age, tuple) and len(working_age) == 2
             and all(isinstance(a, (int, np.integer)) for a in working_age)
             and 0 < working_age[0] < working_age[1] <= open_age)
    if not valid:
        raise InputError(
            "argument 'working_age'", repr(working_age),
            f"two integer ages (first, after) with 0 < first < after <= {open_age}, "
            "the open age of the result [years]",
            "give working ages such as (18, 67) or (15, 65)")
    if any(a % width for a in working_age):
        raise InputError(
            "argument 'working_age'", repr(working_age),
            f"two first ages of the result's {width}-year age groups (multiples of {width}) "
            f"with 0 < first < after <= {open_age} [years]",
            f"give working ages on the grid, such as {WORKING_AGE_OF_GROUPS} or (20, 65)")
    first, after = (int(a) // width for a in working_age)
    young, working, old = _persons_aged(ds["population"], dims,
                                        [(0, first), (first, after), (after, ds.sizes["age"])])
    first, after = (int(a) for a in working_age)
    dependants = {"young": young, "old": old, "total": young + old}[kind]
    return labelled(ratio(dependants, working, 100),
                    f"{kind} dependency ratio (working ages {first}-{after - 1})",
                    f"persons per 100 persons aged {first}-{after - 1}")


def share_aged(ds: xr.Dataset, age: int | None = None, *,
               aggregate: Aggregate = ()) -> xr.DataArray:
    """Share of the population aged ``age`` or over on 1 January [%].

    :math:`100\\, P_{[x, \\infty)} / P`; ``age=67`` and ``age=80`` give the
    shares of 67+ and 80+.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    age : int, optional
        First age counted [years], from 0 to the open age, the first age of a
        group on a grid wider than a year; by default the first age after
        working age (:func:`default_working_age`): 67, or 65 on five-year
        groups.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [%] at every date.
    """
    ds, dims = inputs(ds, aggregate, "a share of the population", ("population",),
                      others=("sex",))
    first = checked_age(default_working_age(ds)[1] if age is None else age, ds, "age")
    end = ds.sizes["age"]
    older, everyone = _persons_aged(ds["population"], dims,
                                    [(first // age_width(ds), end), (0, end)])
    return labelled(ratio(older, everyone, 100),
                    f"share of the population aged {first} or over", "%")


def sex_ratio(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Males per 100 females on 1 January, by age or in total.

    :math:`100\\, P^M / P^F`, by age group; ``aggregate="age"`` gives the
    ratio of the totals, the state dimensions and ``"age"`` the nation's. NaN
    where there are no females.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"age"``.

    Returns
    -------
    xarray.DataArray
        [males per 100 females] at every date.
    """
    ds, population = _structure(ds, aggregate, "the sex ratio", others=("age",))
    female, male = (population.sel(sex=sex, drop=True) for sex in SEXES)
    return labelled(ratio(male, female, 100), "sex ratio", "males per 100 females")


def foreign_share(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Share of the persons of foreign nationality on 1 January [%].

    :math:`100\\, P^{foreign} / P`, the population summed over nationality in
    the denominator, by every dimension kept: by default by state (other than
    nationality), sex and age; pooling the other state dimensions, ``"sex"``
    and ``"age"`` gives the nation's share. The foreign label is
    :data:`projsim.types.FOREIGN`. NaN where nobody lives.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population`` by nationality.
    aggregate : str or sequence of str, default ()
        Among the state dimensions other than nationality, ``"sex"`` and
        ``"age"``.

    Returns
    -------
    xarray.DataArray
        [%] at every date.

    Raises
    ------
    projsim.errors.InputError
        If the result has no nationality dimension, or no foreign label on it.
    """
    ds, dims = inputs(ds, aggregate, "the foreign share", ("population",), others=_CELL,
                      consumed=(NATIONALITY,))
    states = StateSpace.from_dataset(ds)
    if not states.has(NATIONALITY):
        raise InputError("argument 'ds'", f"a result with the state dimensions {states.dims}",
                         f"a result with a '{NATIONALITY}' dimension for the foreign share",
                         "project a base whose states are crossed with nationality")
    if FOREIGN not in states.labels_of(NATIONALITY):
        raise InputError(f"coordinate '{NATIONALITY}'", repr(list(states.labels_of(NATIONALITY))),
                         f"the label '{FOREIGN}' among the nationalities",
                         f"label the persons of foreign nationality '{FOREIGN}'")
    population = summed(ds["population"], dims)
    foreign = population.sel({NATIONALITY: FOREIGN}, drop=True)
    return labelled(ratio(foreign, summed(population, [NATIONALITY]), 100),
                    "share of the persons of foreign nationality", "%")
