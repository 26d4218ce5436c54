"""Demographic indicators of a projection result.

Every function takes a result :class:`xarray.Dataset` (from
:func:`projsim.project`, or read back from its netCDF file) and returns a
labelled :class:`xarray.DataArray` with ``units`` and ``long_name``
attributes; :func:`life_table` returns a Dataset of its columns. The same
functions hang off the Dataset accessor ``ds.projsim``, which importing
:mod:`projsim` registers::

    ds.projsim.tfr(aggregate="region")  ==  projsim.indicators.tfr(ds, aggregate="region")

**Dimensions.** An indicator consumes the dimensions its definition sums over
(age for a TFR or a crude rate, sex for a sex ratio) and keeps every other
one: ``time``, ``region``, ``sex`` where it applies, and any batch dimension
such as ``scenario`` or ``draw``, each cell computed on its own. The argument
``aggregate`` names the dimensions of the population to pool before the
indicator is computed: ``aggregate="region"`` gives national figures,
``aggregate=("region", "sex")`` a national both-sexes crude rate. Counts are
summed and rates are averaged with the exposures as weights, so that an
aggregate rate is the rate of the pooled population. Each function lists the
dimensions it can aggregate; batch dimensions never are.

**Time.** A stock indicator (mean age, dependency ratio ...) refers to
1 January of ``time``. A flow indicator (crude rates, balances, growth) and
an indicator of the assumed rates (TFR, life expectancy) refer to the year
from 1 January ``time`` to 1 January ``time + 1``, like the flows of the
result; it is missing (NaN) at the last date.

**Exposure.** The person-years lived in a year are taken as the mean of the
two 1 January populations that open and close it, cell by cell
(:func:`mid_year_population`), the exposure the engine itself uses when it
solves life-expectancy targets (:func:`projsim.assumptions.reweight_e0`).

**Speed.** The kernels work on numpy arrays, a year or a block of rows at a
time, and the labels are attached at the end. With numba installed
(``pip install 'projsim[fast]'``) the life tables, the national death rates,
the median age and the search for childbearing ages run as compiled loops;
without it, numpy computes the same numbers, more slowly.

**Ages.** Age groups are single years ``0 .. omega`` with ``omega``, the
open group, in ``ds.age.attrs["open_age"]``. A woman's fertility rate and a
death rate at age ``x`` refer to the Lexis square of age ``x`` during the
year (see the README's Method section).

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Ch. 1 (crude rates and
growth), ch. 3 (life table), ch. 5 (fertility and reproduction).

Shryock, H. S. and Siegel, J. S. (1976). *The Methods and Materials of
Demography*, condensed edition by E. G. Stockwell. New York: Academic Press.
Ch. 7 (age composition: median age, dependency ratios).

Wilmoth, J. R. et al. (2017, revised 2021). *Methods Protocol for the Human
Mortality Database*, version 6. https://www.mortality.org

Examples
--------
>>> import projsim
>>> ds = projsim.project("fpb-2013")
>>> print(f"{float(ds.projsim.tfr(aggregate='region').sel(time=2012)):.3f}")
1.830
>>> e0 = ds.projsim.life_expectancy(age=0, aggregate="region").sel(time=2060)
>>> print(e0.round(1).to_series().to_dict())
{'female': 89.1, 'male': 86.7}
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import cache
from typing import Literal, get_args

import numpy as np
import xarray as xr

from projsim.assumptions import national_rates, pooled_oldest
from projsim.errors import InputError
from projsim.lifetable import single_year_summary
from projsim.lifetable import life_table as _numpy_life_table
from projsim.result import VARIABLES
from projsim.types import SEXES

#: The three dependency ratios: persons under working age, persons over it,
#: or both, per 100 persons of working age.
DependencyKind = Literal["young", "old", "total"]
#: Growth rate between two 1 January totals P0 and P1 [% per year]:
#: ``"geometric"`` 100 (P1/P0 - 1), ``"exponential"`` 100 ln(P1/P0),
#: ``"crude"`` 100 (P1 - P0) / ((P0 + P1)/2), the growth rate whose
#: denominator is that of the crude rates, so that it equals
#: (CBR - CDR + CNMR) / 10 when the floor of the UN safeguard adds nobody.
GrowthMethod = Literal["geometric", "exponential", "crude"]

DEPENDENCY_KINDS: tuple[str, ...] = get_args(DependencyKind)
GROWTH_METHODS: tuple[str, ...] = get_args(GrowthMethod)

#: Default working ages [years]: first age in, first age out. 18 and 67 are
#: the Federal Planning Bureau's (end of compulsory schooling, legal pension
#: age from 2030); the UN's convention is (15, 65).
WORKING_AGE = (18, 67)

#: Life-table columns: long name and units.
LIFE_TABLE_COLUMNS = {
    "mx": ("central death rate", "deaths per person-year"),
    "qx": ("probability of dying between exact ages x and x + 1", "1"),
    "ax": ("average years lived in the age group by those who die in it", "years"),
    "lx": ("survivors at exact age x out of the radix", "persons"),
    "dx": ("deaths in the age group", "persons"),
    "Lx": ("person-years lived in the age group", "person-years"),
    "Tx": ("person-years lived above exact age x", "person-years"),
    "ex": ("period life expectancy at exact age x", "years"),
}

#: Rows handed at once to the kernels that work block by block (whole life
#: tables, median age), in cells: the temporaries of a block stay in the
#: processor's cache, which makes 1,000 draws several times faster than one
#: call on the whole array.
_BLOCK_CELLS = 2**18

#: Dimensions of the population that an aggregate may pool.
_PARTITION = ("region", "sex", "age")

Aggregate = str | Sequence[str]


# --- validation -------------------------------------------------------------------


def _checked(ds, names: tuple[str, ...], indicator: str) -> xr.Dataset:
    """``ds`` after checking it is a projsim result with the variables ``names``."""
    quoted = [f"'{name}'" for name in names]
    listed = " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    if not isinstance(ds, xr.Dataset):
        raise InputError("argument 'ds'", f"an object of type {type(ds).__name__}",
                         f"an xarray.Dataset with {listed} for {indicator}",
                         "pass the Dataset returned by projsim.project")
    for name in names:
        if name not in ds.data_vars:
            raise InputError(
                "argument 'ds'", f"a Dataset without the variable '{name}'",
                f"a projsim result with {listed} for {indicator}",
                "pass the Dataset returned by projsim.project, or one read back from its "
                "netCDF file")
        expected = ("time",) + VARIABLES[name][0]
        if not set(expected) <= set(ds[name].dims):
            raise InputError(
                f"variable '{name}'", f"dimensions {ds[name].dims}",
                f"the dimensions {expected}, in any order, plus any batch dimension such as "
                "'scenario' or 'draw'",
                "keep a dimension of length 1 when selecting, for example "
                "ds.sel(region=['Flemish Region'])")
    ages, times = ds["age"].values, ds["time"].values
    if not np.array_equal(ages, np.arange(ages.size)):
        raise InputError(
            "coordinate 'age'", np.array2string(ages, threshold=6, separator=", "),
            "single years of age 0, 1, ..., omega, the last one open",
            "compute indicators on the result's own age groups")
    if times.size > 1 and not np.all(np.diff(times) == 1):
        raise InputError(
            "coordinate 'time'", np.array2string(times, threshold=6, separator=", "),
            "consecutive years: flows run from 1 January of time to 1 January of time + 1",
            "select a contiguous range of years, for example ds.sel(time=slice(2020, 2040))")
    return ds


def _aggregated(aggregate: Aggregate, allowed: tuple[str, ...], indicator: str) -> list[str]:
    """The dimensions named by ``aggregate``, after checking ``indicator`` can pool them."""
    names = tuple(aggregate) if isinstance(aggregate, (list, tuple)) else (aggregate,)
    for name in names:
        if name not in allowed:
            raise InputError(
                "argument 'aggregate'", repr(name),
                f"dimensions to aggregate among {', '.join(map(repr, allowed))} for {indicator}",
                "aggregate='region' gives national figures; every other dimension (time, "
                "scenario, draw) is kept")
    return list(dict.fromkeys(names))


def _checked_age(age, ds: xr.Dataset, name: str) -> int:
    open_age = int(ds["age"][-1])
    if not (isinstance(age, (int, np.integer)) and 0 <= age <= open_age):
        raise InputError(
            f"argument '{name}'", repr(age),
            f"an integer age from 0 to {open_age}, the open age of the result [years]",
            "choose an age the result covers, or project with a higher open_age")
    return int(age)


def _labelled(data: xr.DataArray, long_name: str, units: str) -> xr.DataArray:
    """A new DataArray (never a variable of the Dataset) with these attributes only."""
    labelled = data.copy(deep=False).rename(None)
    labelled.attrs = {"long_name": long_name, "units": units}
    return labelled


def _divide(numerator: np.ndarray, denominator: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = np.divide(numerator, denominator)
    zero = denominator == 0
    if zero.any():
        quotient[np.broadcast_to(zero, quotient.shape)] = np.nan
    if scale != 1:
        quotient *= scale
    return quotient


def _ratio(numerator: xr.DataArray, denominator: xr.DataArray, scale: float = 1) -> xr.DataArray:
    """scale x numerator / denominator, NaN (and no warning) where the denominator is 0."""
    return xr.apply_ufunc(_divide, numerator, denominator, kwargs={"scale": scale})


def _sum(data: xr.DataArray, dims) -> xr.DataArray:
    """Sum over ``dims`` that propagates NaN: a missing year stays missing, it does
    not become 0. numpy.einsum adds at the speed of memory, where a reduction
    over the short trailing age axis is several times slower."""
    dims = list(dims)
    if not dims:
        return data
    summed = [data.get_axis_num(dim) for dim in dims]
    kept = [axis for axis in range(data.ndim) if axis not in summed]
    total = data.isel({dim: 0 for dim in dims}, drop=True)
    total = total.copy(data=np.einsum(data.values, list(range(data.ndim)), kept))
    total.attrs = {}
    return total


# --- exposure -------------------------------------------------------------------


def _mid_year(population: xr.DataArray) -> xr.DataArray:
    """(P(t) + P(t+1)) / 2 labelled t, NaN at the last date, in one pass."""
    values = np.moveaxis(population.values, population.get_axis_num("time"), 0)
    mean = np.empty_like(values)
    np.add(values[:-1], values[1:], out=mean[:-1])
    mean[:-1] *= 0.5
    mean[-1] = np.nan
    return population.copy(data=np.moveaxis(mean, 0, population.get_axis_num("time")))


def mid_year_population(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Person-years lived during each year, by region, sex and age.

    .. math:: E_{t,x} = \\tfrac12 \\left(P_{t,x} + P_{t+1,x}\\right)

    the mean of the 1 January populations that open and close the year at the
    same age label ``x`` (Preston, Heuveline and Guillot 2001, section 1.5:
    the mid-period population approximates the person-years of a period when
    the population changes linearly). It is the exposure of every rate in
    this module and the one the engine uses to weight regions when it solves
    a national life-expectancy target.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Dimensions to sum over, among ``"region"``, ``"sex"`` and ``"age"``.

    Returns
    -------
    xarray.DataArray
        Person-years [person-years per year], labelled by the year's first
        date; NaN at the last date.

    Examples
    --------
    >>> import projsim
    >>> ds = projsim.project("belgium-2012")
    >>> exposure = mid_year_population(ds, aggregate=("region", "sex", "age"))
    >>> print(f"{float(exposure.sel(time=2012)):,.0f}")
    11,081,794
    """
    dims = _aggregated(aggregate, _PARTITION, "the mid-year population")
    ds = _checked(ds, ("population",), "the mid-year population")
    return _labelled(_mid_year(_sum(ds["population"], dims)),
                     "mid-year population (mean of 1 January of time and time + 1)",
                     "person-years per year")


# --- kernels ------------------------------------------------------------------


@cache
def _compiled_loops():
    """:mod:`projsim._indicator_loops` when numba is installed (``projsim[fast]``),
    else None: the numpy kernels below compute the same numbers, more slowly."""
    try:
        from projsim import _indicator_loops
    except ImportError:
        return None
    return _indicator_loops


def _broadcast(*arrays: np.ndarray) -> list[np.ndarray]:
    """``arrays`` with a common shape (a batch dimension that one of them lacks
    has length 1 in it), as read-only views where one has to be broadcast."""
    shape = np.broadcast_shapes(*(array.shape for array in arrays))
    return [array if array.shape == shape else np.broadcast_to(array, shape)
            for array in arrays]


def _pooled_fertility_kernel(rates: np.ndarray, women: np.ndarray) -> np.ndarray:
    """Rates (..., time, region, age) averaged over regions, year by year, with
    the women's mid-year populations (..., time, region, age) as weights:
    (..., time, age). Where the weights add up to 0, the plain mean; NaN at
    the last date, which has no exposure.

    The weights are P(t) + P(t + 1), twice the mid-year populations: a
    weighted mean is the same, to the last bit, when every weight is doubled.
    One year at a time, the temporaries stay in cache.
    """
    rates, women = (np.moveaxis(array, -3, 0) for array in _broadcast(rates, women))
    pooled = np.empty(rates.shape[:-2] + rates.shape[-1:])
    pooled[-1] = np.nan
    weights = np.empty(women.shape[1:])
    for time in range(rates.shape[0] - 1):
        np.add(women[time], women[time + 1], out=weights)
        total = weights.sum(axis=-2)
        np.einsum("...ra,...ra->...a", rates[time], weights, out=pooled[time])
        pooled[time] = _divide(pooled[time], total, 1)
        empty = total == 0
        if empty.any():
            pooled[time][empty] = rates[time].mean(axis=-2)[empty]
    return np.moveaxis(pooled, 0, -2)


def _national_mortality_kernel(rates: np.ndarray, population: np.ndarray, *, sex: slice,
                               age: slice) -> np.ndarray:
    """Rates (..., time, region, sex, age) averaged over regions, year by year,
    with the mid-year populations as weights, the oldest ages pooled in each
    row (:func:`projsim.assumptions.pooled_oldest` with ``each_row``):
    (..., time, sex, age) at the positions ``sex`` and ``age``. NaN at the
    last date, which has no exposure.

    Each year is pooled on its own, so the temporaries are one year's size.
    The weights are the sums P(t) + P(t + 1), twice the mid-year populations:
    a weighted mean is the same, to the last bit, when every weight is
    doubled. Only the ages up to the last one kept are looked at, unless a
    row pools from one of them and needs the exposures above.
    """
    rates, population = (np.moveaxis(array, -4, 0) for array in _broadcast(rates, population))
    n_ages = rates.shape[-1]
    head = slice(0, range(n_ages)[age][-1] + 1)
    kept = rates[..., 0, sex, age].shape[-2:]
    national = np.empty(rates.shape[:-3] + kept)
    loops = _compiled_loops()
    sex_start, sex_stop, sex_step = sex.indices(rates.shape[-2])
    if loops is not None and sex_step == 1 and age.indices(n_ages) == (0, head.stop, 1):
        batch = (rates.shape[0], -1) + rates.shape[-3:]
        loops.national_mortality(rates.reshape(batch), population.reshape(batch), sex_start,
                                 sex_stop, head.stop, national.reshape(batch[:2] + kept))
        return np.moveaxis(national, 0, -3)
    national[-1] = np.nan
    exposure = np.empty(population[0][..., head].shape)
    for time in range(rates.shape[0] - 1):
        np.add(population[time][..., head], population[time + 1][..., head], out=exposure)
        weights = pooled_oldest(exposure, each_row=True)
        if weights is not exposure and head.stop < n_ages:
            weights = pooled_oldest(population[time] + population[time + 1], each_row=True)
        national[time] = national_rates(rates[time][..., sex, age], weights[..., sex, age])
    return np.moveaxis(national, 0, -3)


def _life_table_kernel(rates: np.ndarray, sex: np.ndarray, *, columns: tuple[str, ...],
                       age_index, radix: float, closed: bool = False) -> tuple[np.ndarray, ...]:
    """Life-table columns from rates (..., sex, age): one array (..., sex, ages kept)
    per column; rows with a missing rate give NaN. With ``closed``, the rates
    are of closed groups only (columns l, d and L)."""
    leading, n_ages = rates.shape[:-1], rates.shape[-1]
    rows = rates.reshape(-1, n_ages)
    labels = np.broadcast_to(sex, leading).reshape(-1)
    groups = np.arange(n_ages)[age_index]
    if set(columns) <= {"ex", "Lx"}:
        sex_index = np.broadcast_to([SEXES.index(label) for label in sex], leading).reshape(-1)
        found = _summary(rows, sex_index, columns, groups, radix, closed)
    else:
        found = _full_table(rows, labels, columns, groups, radix)
    return tuple(array.reshape(leading + (groups.size,)) for array in found)


def _summary(rows: np.ndarray, sex_index: np.ndarray, columns: tuple[str, ...],
             groups: np.ndarray, radix: float, closed: bool) -> tuple[np.ndarray, ...]:
    """Columns ``ex`` and ``Lx`` at ``groups`` of single-year schedules (rows, age).

    A missing rate (NaN) makes every e(x) of its row NaN: l(x) carries the
    rates below x and T(x) those from x up. So does an infinite rate in a
    closed group, whose q is inf / inf; only an infinite open-group rate,
    whose person-years are l / inf = 0, has to be blanked by hand.
    """
    expectancy, person_years = single_year_summary(
        rows, sex_index, groups if "ex" in columns else (), groups if "Lx" in columns else (),
        closed=closed)
    if "ex" in columns:
        expectancy[~np.isfinite(rows[:, -1])] = np.nan
    found = {"ex": expectancy, "Lx": radix * person_years}
    return tuple(found[column] for column in columns)


def _full_table(rows: np.ndarray, labels: np.ndarray, columns: tuple[str, ...],
                groups: np.ndarray, radix: float) -> tuple[np.ndarray, ...]:
    """Any columns at ``groups`` of schedules (rows, age), by blocks of rows that
    keep the temporaries in cache; rows with a missing rate are computed on a
    placeholder, then blanked."""
    out = [np.empty((rows.shape[0], groups.size)) for _ in columns]
    block = max(1, _BLOCK_CELLS // rows.shape[1])
    for start in range(0, rows.shape[0], block):
        chunk = rows[start:start + block]
        missing = ~np.isfinite(chunk).all(axis=-1)
        placeholder = np.where(missing[:, None], 1.0, chunk)
        table = _numpy_life_table(placeholder, labels[start:start + block], radix=radix)
        for column, array in zip(columns, out):
            values = getattr(table, column)[:, groups]
            values[missing] = np.nan
            array[start:start + block] = values
    return out


def _median_kernel(population: np.ndarray) -> np.ndarray:
    """Median age [years] of populations (..., age) by single year of age,
    interpolated linearly within the group; NaN in the open group. Blocks of
    rows keep the temporaries in cache."""
    leading, n_ages = population.shape[:-1], population.shape[-1]
    rows = population.reshape(-1, n_ages)
    median = np.empty(rows.shape[0])
    loops = _compiled_loops()
    if loops is not None:
        loops.median(rows, median)
        return median.reshape(leading)
    block = max(1, _BLOCK_CELLS // n_ages)
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


# --- mortality ----------------------------------------------------------------


def _first_cell(mask: xr.DataArray) -> str:
    where = np.unravel_index(int(np.argmax(mask.values)), mask.shape)
    return ", ".join(f"{dim}={mask[dim].values[i].item()!r}" for dim, i in zip(mask.dims, where))


def _check_rates(rates: xr.DataArray, *, closed: bool = False) -> None:
    """Raise unless every rate is >= 0 and, unless the rates are of ``closed``
    groups only, the open group's is positive."""
    values = rates.values
    # One pass without temporaries; the cell is located only for the message.
    if values.size and np.fmin.reduce(values, axis=None) < 0:
        raise InputError(
            "variable 'mortality_rate'", f"a negative rate at {_first_cell(rates < 0)}",
            "central death rates >= 0 [per person-year]",
            "check the scenario's mortality assumptions")
    zero = rates.isel(age=-1) == 0
    if not closed and zero.any():
        raise InputError(
            "variable 'mortality_rate'", f"0.0 in the open age group at {_first_cell(zero)}",
            "a positive rate in the open age group, whose person-years are l/m",
            "close the rates with projsim.lifetable.kannisto_extend")


def _mortality(ds: xr.Dataset, dims: list[str], *, sex: slice = slice(None),
               age: slice = slice(None)) -> xr.DataArray:
    """Death rates at the positions ``sex`` and ``age``, pooled over ``dims``
    (region) with pooled-oldest exposures."""
    rates = ds["mortality_rate"]
    if not dims:
        return rates.isel(sex=sex, age=age)
    core = ["time", "region", "sex", "age"]
    national = xr.apply_ufunc(_national_mortality_kernel, rates, ds["population"],
                              input_core_dims=[core, core],
                              output_core_dims=[["time", "sex", "age"]],
                              exclude_dims={"sex", "age"}, kwargs={"sex": sex, "age": age})
    kept = rates.isel(region=0, drop=True).isel(sex=sex, age=age)
    return national.assign_coords(sex=kept["sex"], age=kept["age"]).transpose(*kept.dims)


def _life_table_columns(rates: xr.DataArray, columns: tuple[str, ...], ages=None,
                        radix: float = 100_000.0, closed: bool = False) -> list[xr.DataArray]:
    """Life-table ``columns`` of death rates with dims (..., sex, age), at ``ages``
    (default all), as DataArrays with the leading dims of ``rates``. With
    ``closed``, ``rates`` are of closed groups only (columns l, d, L)."""
    _check_rates(rates, closed=closed)
    index = slice(None) if ages is None else np.asarray(ages)

    def kernel(values):
        arrays = _life_table_kernel(values, rates["sex"].values, columns=columns,
                                    age_index=index, radix=radix, closed=closed)
        return arrays if len(columns) > 1 else arrays[0]

    arrays = xr.apply_ufunc(kernel, rates, input_core_dims=[["sex", "age"]],
                            output_core_dims=[["sex", "age"]] * len(columns),
                            exclude_dims={"age"})
    arrays = arrays if len(columns) > 1 else (arrays,)
    age = rates["age"].isel(age=index)
    return [array.assign_coords(age=age) for array in arrays]


def life_table(ds: xr.Dataset, *, aggregate: Aggregate = (),
               radix: float = 100_000.0) -> xr.Dataset:
    """Period life tables of the assumed death rates, by year, region and sex.

    Each year's table is built from ``mortality_rate`` by
    :func:`projsim.lifetable.life_table` (HMD Methods Protocol v6: Andreev
    and Kingkade's :math:`a_0`, :math:`a_x = 1/2` elsewhere, the open group
    closed with :math:`L_\\omega = l_\\omega / m_\\omega`):

    .. math::

        q_x = \\frac{m_x}{1 + (1 - a_x) m_x}, \\quad
        l_{x+1} = l_x (1 - q_x), \\quad
        L_x = l_{x+1} + a_x d_x, \\quad
        e_x = \\frac{\\sum_{y \\ge x} L_y}{l_x}.

    With ``aggregate="region"`` the table is the nation's: its rate at age
    :math:`x` is the mean of the regions' rates weighted by their mid-year
    populations, :math:`m_x = \\sum_r m_{r,x} E_{r,x} / \\sum_r E_{r,x}`
    (the nation's deaths over its exposure, had deaths followed the rates),
    with the oldest ages pooled: from the first age at which some region and
    sex has nobody, each region and sex is weighted at every older age by its
    exposure summed over those ages, so the weights are defined up to the
    open group. This is the national rate on which the engine meets its
    life-expectancy targets (:func:`projsim.assumptions.reweight_e0`), except
    that the pooling age is found year by year, so that one year's table does
    not depend on the others.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``mortality_rate`` (and ``population`` to
        aggregate).
    aggregate : str or sequence of str, default ()
        ``"region"`` for the national table; a table is always by sex.
    radix : float, default 100000
        :math:`l_0` [persons].

    Returns
    -------
    xarray.Dataset
        The columns ``mx, qx, ax, lx, dx, Lx, Tx, ex`` (units in their
        attributes) with the dimensions of ``mortality_rate`` minus those
        aggregated; NaN at the last date, which has no rates.

    Raises
    ------
    projsim.errors.InputError
        If a variable is missing, ``aggregate`` names another dimension, a
        rate is negative or the open group's rate is 0.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001).
       *Demography*, ch. 3. Oxford: Blackwell.
    .. [2] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6. https://www.mortality.org

    Examples
    --------
    >>> import projsim
    >>> table = life_table(projsim.project("belgium-2012"))
    >>> table.ex.sel(time=2012, region="Flemish Region", age=[0, 65]).round(2).values
    array([[83.44, 21.38],
           [78.6 , 18.02]])
    """
    dims = _aggregated(aggregate, ("region",), "a life table")
    names = ("mortality_rate", "population") if dims else ("mortality_rate",)
    ds = _checked(ds, names, "a life table")
    columns = tuple(LIFE_TABLE_COLUMNS)
    arrays = _life_table_columns(_mortality(ds, dims), columns, radix=radix)
    return xr.Dataset({name: _labelled(array, *LIFE_TABLE_COLUMNS[name])
                       for name, array in zip(columns, arrays)})


def life_expectancy(ds: xr.Dataset, age: int | Sequence[int] = 0, *,
                    aggregate: Aggregate = ()) -> xr.DataArray:
    """Period life expectancy at exact age ``age`` [years], by year, region and sex.

    :math:`e_x = T_x / l_x`, from the tables of :func:`life_table` (see there
    for the national aggregate). ``age=0`` gives :math:`e_0`, ``age=65``
    :math:`e_{65}`, and a list of ages both at once along ``age``.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``mortality_rate`` (and ``population`` to
        aggregate).
    age : int or sequence of int, default 0
        Exact age(s) [years] from 0 to the open age.
    aggregate : str or sequence of str, default ()
        ``"region"`` for the nation.

    Returns
    -------
    xarray.DataArray
        Life expectancy [years]; with one ``age``, ``age`` is a scalar
        coordinate. NaN at the last date.

    Raises
    ------
    projsim.errors.InputError
        As :func:`life_table`, or if an age is outside the result.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001).
       *Demography*, ch. 3. Oxford: Blackwell.

    Examples
    --------
    >>> import projsim
    >>> e65 = life_expectancy(projsim.project("belgium-2012"), 65, aggregate="region")
    >>> e65.sel(time=2012).round(2).values
    array([21.  , 17.55])
    """
    dims = _aggregated(aggregate, ("region",), "life expectancy")
    names = ("mortality_rate", "population") if dims else ("mortality_rate",)
    ds = _checked(ds, names, "life expectancy")
    ages = [_checked_age(a, ds, "age") for a in (age if np.ndim(age) else [age])]
    (expectancy,) = _life_table_columns(_mortality(ds, dims), ("ex",), ages=ages)
    if not np.ndim(age):
        expectancy = expectancy.isel(age=0)
    return _labelled(expectancy, "period life expectancy at exact age", "years")


# --- fertility ----------------------------------------------------------------


def _childbearing_ages(rates: xr.DataArray) -> slice:
    """The age groups from the first to the last with a rate other than 0 somewhere."""
    rows = rates.transpose(..., "age").values.reshape(-1, rates.sizes["age"])
    loops = _compiled_loops()
    if loops is not None:
        nonzero = np.zeros(rows.shape[1], dtype=np.uint8)
        loops.nonzero_columns(rows, nonzero)
    else:
        # fmax and fmin skip NaN (the last date), as abs(NaN) > 0 is False.
        nonzero = (np.fmax.reduce(rows, axis=0) > 0) | (np.fmin.reduce(rows, axis=0) < 0)
    where = np.flatnonzero(nonzero)
    return slice(int(where[0]), int(where[-1]) + 1) if where.size else slice(None)


def _fertility(ds: xr.Dataset, dims: list[str], *, daughters: bool = False,
               childbearing: bool = False) -> xr.DataArray:
    """Fertility rates (of daughters only with ``daughters``), pooled over ``dims``
    with the women's mid-year populations as weights, at the childbearing ages
    when pooled or asked for (``childbearing``), else at every age. The rates
    are 0 at the other ages, and so is every aggregate of them: leaving them
    out spares the pooling work, looking for them costs a pass over the rates."""
    ages = _childbearing_ages(ds["fertility_rate"]) if dims or childbearing else slice(None)
    rates = ds["fertility_rate"].isel(age=ages)
    if daughters:
        rates = rates / (1 + ds["sex_ratio_at_birth"])
    if dims:
        women = ds["population"].sel(sex=SEXES[0], drop=True).isel(age=ages)
        core = ["time", "region", "age"]
        pooled = xr.apply_ufunc(_pooled_fertility_kernel, rates, women,
                                input_core_dims=[core, core], output_core_dims=[["time", "age"]])
        rates = pooled.transpose(*[dim for dim in rates.dims if dim != "region"])
    return rates


def _fertility_inputs(ds, aggregate, indicator, names):
    dims = _aggregated(aggregate, ("region",), indicator)
    return _checked(ds, names + (("population",) if dims else ()), indicator), dims


def tfr(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period total fertility rate of the assumed rates [births per woman].

    .. math:: \\mathrm{TFR} = \\sum_x f_x

    over single years of age, :math:`f_x` being ``fertility_rate``. With
    ``aggregate="region"``, the rates are first pooled over the regions with
    the women's mid-year populations as weights,

    .. math:: f_x = \\frac{\\sum_r f_{r,x} E^F_{r,x}}{\\sum_r E^F_{r,x}},
       \\qquad E^F_{r,x} = \\tfrac12 (P^F_{t,r,x} + P^F_{t+1,r,x}),

    so that :math:`f_x` is the nation's births at age :math:`x` over its
    women's exposure. (A scenario's national TFR target weights the regions
    by the *base* female population; this aggregate drifts from it as the
    regions' populations change.)

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate`` (and ``population`` to
        aggregate).
    aggregate : str or sequence of str, default ()
        ``"region"`` for the nation.

    Returns
    -------
    xarray.DataArray
        TFR [births per woman], NaN at the last date.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001).
       *Demography*, ch. 5. Oxford: Blackwell.

    Examples
    --------
    >>> import projsim
    >>> tfr(projsim.project("belgium-2012")).sel(time=2012).round(3).values
    array([1.888, 1.798, 1.85 ])
    """
    ds, dims = _fertility_inputs(ds, aggregate, "the total fertility rate", ("fertility_rate",))
    return _labelled(_sum(_fertility(ds, dims), ["age"]), "period total fertility rate",
                     "births per woman")


def grr(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period gross reproduction rate [daughters per woman].

    .. math:: \\mathrm{GRR} = \\sum_x \\frac{f_x}{1 + s}

    with :math:`s` the ``sex_ratio_at_birth`` (male per female births), so
    that :math:`1/(1+s)` is the share of girls among births; for one region,
    TFR / (1 + s). The national aggregate pools the daughters' rates
    :math:`f_{r,x}/(1 + s_r)` as :func:`tfr` pools :math:`f_{r,x}`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate`` and ``sex_ratio_at_birth``
        (and ``population`` to aggregate).
    aggregate : str or sequence of str, default ()
        ``"region"`` for the nation.

    Returns
    -------
    xarray.DataArray
        GRR [daughters per woman], NaN at the last date.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001).
       *Demography*, ch. 5. Oxford: Blackwell.
    """
    ds, dims = _fertility_inputs(ds, aggregate, "the gross reproduction rate",
                                 ("fertility_rate", "sex_ratio_at_birth"))
    if dims:
        daughters = _sum(_fertility(ds, dims, daughters=True), ["age"])
    else:
        daughters = _sum(_fertility(ds, dims), ["age"]) / (1 + ds["sex_ratio_at_birth"])
    return _labelled(daughters, "period gross reproduction rate", "daughters per woman")


def nrr(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period net reproduction rate [surviving daughters per woman].

    .. math:: \\mathrm{NRR} = \\sum_x \\frac{f_x}{1 + s} \\, \\frac{L^F_x}{l_0}

    where :math:`L^F_x / l_0` is the expected number of years a newborn girl
    lives between ages :math:`x` and :math:`x + 1` in the female life table of
    the same year's assumed death rates (:func:`life_table`), and :math:`s`
    the sex ratio at birth. This is the usual discrete approximation of
    :math:`\\int p(a) m^F(a)\\, da` (Preston, Heuveline and Guillot 2001,
    ch. 5): it takes the daughters' rate as constant within each year of age
    and the share of girls as the same at every age of the mother, and it
    weights by the *period* survival of the year, not by the survival of the
    women's own cohort. The national NRR combines the pooled rates of
    :func:`grr` with the national female life table of :func:`life_table`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate``, ``sex_ratio_at_birth`` and
        ``mortality_rate`` (and ``population`` to aggregate).
    aggregate : str or sequence of str, default ()
        ``"region"`` for the nation.

    Returns
    -------
    xarray.DataArray
        NRR [surviving daughters per woman], NaN at the last date.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001).
       *Demography*, ch. 5. Oxford: Blackwell.
    """
    ds, dims = _fertility_inputs(ds, aggregate, "the net reproduction rate",
                                 ("fertility_rate", "sex_ratio_at_birth", "mortality_rate"))
    daughters = _fertility(ds, dims, daughters=True, childbearing=True)
    last = int(daughters["age"][-1])
    # L(x) up to the last childbearing age does not depend on the rates above it,
    # so a table of the ages up to it, closed after them, gives the same L(x)
    # for a fraction of the work.
    female = list(ds["sex"].values).index(SEXES[0])
    women = _mortality(ds, dims, sex=slice(female, female + 1), age=slice(0, last + 1))
    (person_years,) = _life_table_columns(women, ("Lx",), ages=daughters["age"].values,
                                          radix=1.0, closed=True)
    survival = person_years.isel(sex=0, drop=True)
    return _labelled(xr.dot(daughters, survival, dim="age"),
                     "period net reproduction rate", "surviving daughters per woman")


def mean_age_at_childbearing(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period mean age at childbearing [years].

    .. math:: \\mathrm{MAC} = \\frac{\\sum_x (x + \\tfrac12) f_x}{\\sum_x f_x}

    the mean age of the fertility schedule, births at age :math:`x` being
    placed at the group's midpoint. It does not depend on the population's
    age structure (unlike the mean age of the mothers of the year's births).
    The national value uses the pooled rates of :func:`tfr`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate`` (and ``population`` to
        aggregate).
    aggregate : str or sequence of str, default ()
        ``"region"`` for the nation.

    Returns
    -------
    xarray.DataArray
        Mean age [years], NaN at the last date.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001).
       *Demography*, ch. 5. Oxford: Blackwell.
    """
    ds, dims = _fertility_inputs(ds, aggregate, "the mean age at childbearing",
                                 ("fertility_rate",))
    rates = _fertility(ds, dims)
    midpoint = ds["age"] + 0.5
    return _labelled(_ratio(xr.dot(midpoint, rates, dim="age"), _sum(rates, ["age"])),
                     "period mean age at childbearing", "years")


# --- components of change -----------------------------------------------------


def _components(ds, aggregate, indicator, names):
    dims = _aggregated(aggregate, ("region", "sex"), indicator)
    return _checked(ds, names, indicator), dims


def natural_balance(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Births minus deaths during the year [persons per year].

    With ``sex`` kept, births of that sex (the child's) minus deaths of that
    sex. The natural and migration balances add up to the change between the
    two 1 January populations, plus the persons the UN safeguard's floor adds
    (``population_floor``, zero with ``safeguard = "reduce"``).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``births`` and ``deaths``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [persons per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the natural balance", ("births", "deaths"))
    return _labelled(_sum(ds["births"], dims) - _sum(ds["deaths"], ["age", *dims]),
                     "natural balance (births minus deaths)", "persons per year")


def migration_balance(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Net international plus net internal migration during the year [persons per year].

    .. math:: M = \\sum_x (N_x + I^{in}_x - I^{out}_x)

    with :math:`N` the international net migrants applied (``net_migration``,
    after any safeguard) and :math:`I` the moves between regions; internal
    moves cancel in a national aggregate.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``net_migration``, ``internal_in`` and
        ``internal_out``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [persons per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the migration balance",
                           ("net_migration", "internal_in", "internal_out"))
    return _labelled(_net_migrants(ds, ["age", *dims]),
                     "migration balance (international net plus internal net)",
                     "persons per year")


def _net_migrants(ds, dims):
    """International net plus internal net migrants, summed over ``dims``."""
    return (_sum(ds["net_migration"], dims) + _sum(ds["internal_in"], dims)
            - _sum(ds["internal_out"], dims))


def _per_thousand(ds, count, dims, long_name):
    exposure = _mid_year(_sum(ds["population"], ["age", *dims]))
    return _labelled(_ratio(count, exposure, 1000), long_name,
                     "per 1,000 mid-year population per year")


def crude_birth_rate(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Births per 1,000 of the mid-year population [per 1,000 per year].

    .. math:: \\mathrm{CBR} = 1000 \\, B / E, \\qquad E = \\sum_x \\tfrac12 (P_{t,x} + P_{t+1,x})

    (Preston, Heuveline and Guillot 2001, ch. 1). With ``sex`` kept, births
    of that sex per 1,000 persons of that sex; ``aggregate=("region", "sex")``
    gives the usual national CBR.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``births`` and ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [per 1,000 mid-year population per year], NaN at the last date.

    Examples
    --------
    >>> import projsim
    >>> cbr = crude_birth_rate(projsim.project("belgium-2012"), aggregate=("region", "sex"))
    >>> print(f"{float(cbr.sel(time=2012)):.2f}")
    11.75
    """
    ds, dims = _components(ds, aggregate, "the crude birth rate", ("births", "population"))
    return _per_thousand(ds, _sum(ds["births"], dims), dims, "crude birth rate")


def crude_death_rate(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Deaths per 1,000 of the mid-year population [per 1,000 per year].

    :math:`\\mathrm{CDR} = 1000\\, D / E`, with the exposure of
    :func:`crude_birth_rate`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``deaths`` and ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [per 1,000 mid-year population per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the crude death rate", ("deaths", "population"))
    return _per_thousand(ds, _sum(ds["deaths"], ["age", *dims]), dims, "crude death rate")


def crude_net_migration_rate(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Migration balance per 1,000 of the mid-year population [per 1,000 per year].

    :math:`\\mathrm{CNMR} = 1000\\, M / E` with :math:`M` the
    :func:`migration_balance` (international and internal) and the exposure
    of :func:`crude_birth_rate`; with these three,
    CBR - CDR + CNMR = 10 x :func:`growth_rate` ``(method="crude")``.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``net_migration``, ``internal_in``,
        ``internal_out`` and ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [per 1,000 mid-year population per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the crude net migration rate",
                           ("net_migration", "internal_in", "internal_out", "population"))
    return _per_thousand(ds, _net_migrants(ds, ["age", *dims]), dims,
                         "crude net migration rate (international and internal)")


def growth_rate(ds: xr.Dataset, *, aggregate: Aggregate = (),
                method: GrowthMethod = "geometric") -> xr.DataArray:
    """Growth rate of the population between consecutive 1 January totals [% per year].

    With :math:`P_0` and :math:`P_1` the totals on 1 January of ``time`` and
    ``time + 1`` (see :data:`GrowthMethod`):

    * ``"geometric"``: :math:`100\\,(P_1/P_0 - 1)`;
    * ``"exponential"``: :math:`100 \\ln(P_1/P_0)` (Preston, Heuveline and
      Guillot 2001, ch. 1);
    * ``"crude"``: :math:`100\\,(P_1 - P_0) / \\tfrac12(P_0 + P_1)`, the crude
      growth rate whose denominator approximates the person-years of the
      year, so that it is (CBR - CDR + CNMR) / 10.

    They differ by terms of order :math:`r^2`: 0.001 points at 0.5 % a year.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.
    method : {"geometric", "exponential", "crude"}, default "geometric"

    Returns
    -------
    xarray.DataArray
        [% per year], labelled by the first date; NaN at the last.
    """
    ds, dims = _components(ds, aggregate, "the growth rate", ("population",))
    if method not in GROWTH_METHODS:
        raise InputError("argument 'method'", repr(method), " or ".join(map(repr, GROWTH_METHODS)),
                         "see projsim.indicators.GrowthMethod")
    start = _sum(ds["population"], ["age", *dims])
    end = start.shift(time=-1)
    if method == "geometric":
        rate = _ratio(end, start) - 1
    elif method == "exponential":
        rate = np.log(_ratio(end, start))
    else:
        rate = _ratio(end - start, 0.5 * (start + end))
    return _labelled(100 * rate, f"population growth rate ({method})", "% per year")


# --- structure ----------------------------------------------------------------


def _structure(ds, aggregate, indicator, allowed=("region", "sex")):
    dims = _aggregated(aggregate, allowed, indicator)
    ds = _checked(ds, ("population",), indicator)
    return ds, _sum(ds["population"], dims)


def _persons_aged_kernel(population: np.ndarray, *, n_pooled: int,
                         ranges: list[tuple[int, int]]) -> np.ndarray:
    """Persons (..., time, range) aged ``first`` to ``after - 1`` for each range of
    populations (..., time, pooled dims, age), summed over the ``n_pooled``
    pooled dims: the sums of :func:`_sum` in its order, one year at a time, so
    that a year's population by age stays in cache instead of filling an
    array of every year's."""
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


def mean_age(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Mean age of the population on 1 January [years].

    .. math:: \\bar a = \\frac{\\sum_x (x + \\tfrac12) P_x}{\\sum_x P_x}

    Persons in age group :math:`x` have completed :math:`x` years and are on
    average :math:`x + 1/2` years old. The open group :math:`\\omega+` is
    placed at :math:`\\omega + 1/2` too, which understates its mean age
    :math:`\\omega + e_\\omega` by a year or two; with the open group at 110
    it holds about one person in a million, so the mean age is short by less
    than 0.0001 years.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

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
    midpoint = ds["age"] + 0.5
    return _labelled(_ratio(xr.dot(midpoint, population, dim="age"), _sum(population, ["age"])),
                     "mean age on 1 January", "years")


def median_age(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Median age of the population on 1 January [years].

    The age :math:`m` below which half the population is, with persons spread
    evenly within each single year of age:

    .. math:: m = x + \\frac{N/2 - C_x}{P_x}

    where :math:`x` is the group in which the cumulated population reaches
    half the total :math:`N`, and :math:`C_x` the population below age
    :math:`x`. NaN where the median would fall in the open group, whose width
    is unknown (or where the population is 0).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

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
    >>> median = median_age(projsim.project("belgium-2012"), aggregate=("region", "sex"))
    >>> print(f"{float(median.sel(time=2012)):.1f}")
    41.1
    """
    ds, population = _structure(ds, aggregate, "the median age")
    median = xr.apply_ufunc(_median_kernel, population, input_core_dims=[["age"]])
    return _labelled(median, "median age on 1 January", "years")


def dependency_ratio(ds: xr.Dataset, kind: DependencyKind = "total", *,
                     working_age: tuple[int, int] = WORKING_AGE,
                     aggregate: Aggregate = ()) -> xr.DataArray:
    """Dependency ratio on 1 January [persons per 100 of working age].

    With working ages :math:`[a, b)` given by ``working_age = (a, b)``:

    .. math::

        \\mathrm{young} = 100\\,\\frac{P_{[0, a)}}{P_{[a, b)}}, \\qquad
        \\mathrm{old} = 100\\,\\frac{P_{[b, \\infty)}}{P_{[a, b)}}, \\qquad
        \\mathrm{total} = \\mathrm{young} + \\mathrm{old}.

    The default (18, 67) counts ages 0-17 as young, 18-66 as of working age
    and 67+ as old, the Federal Planning Bureau's convention (legal pension
    age 67 from 2030); the UN's convention is ``working_age=(15, 65)``:
    0-14, 15-64 and 65+ (United Nations, *World Population Prospects*).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    kind : {"young", "old", "total"}, default "total"
    working_age : tuple of int, default (18, 67)
        First age of working age and first age after it [years]; 0 < a < b
        <= the open age.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

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
    >>> old = dependency_ratio(ds, "old", aggregate=("region", "sex"))
    >>> print(f"{float(old.sel(time=2012)):.1f}")
    23.8
    """
    dims = _aggregated(aggregate, ("region", "sex"), "a dependency ratio")
    ds = _checked(ds, ("population",), "a dependency ratio")
    if kind not in DEPENDENCY_KINDS:
        raise InputError("argument 'kind'", repr(kind), " or ".join(map(repr, DEPENDENCY_KINDS)),
                         "see projsim.indicators.DependencyKind")
    open_age = int(ds["age"][-1])
    valid = (isinstance(working_age, tuple) and len(working_age) == 2
             and all(isinstance(a, (int, np.integer)) for a in working_age)
             and 0 < working_age[0] < working_age[1] <= open_age)
    if not valid:
        raise InputError(
            "argument 'working_age'", repr(working_age),
            f"two integer ages (first, after) with 0 < first < after <= {open_age}, "
            "the open age of the result [years]",
            "give working ages such as (18, 67) or (15, 65)")
    first, after = (int(a) for a in working_age)
    young, working, old = _persons_aged(ds["population"], dims,
                                        [(0, first), (first, after), (after, open_age + 1)])
    dependants = {"young": young, "old": old, "total": young + old}[kind]
    return _labelled(_ratio(dependants, working, 100),
                     f"{kind} dependency ratio (working ages {first}-{after - 1})",
                     f"persons per 100 persons aged {first}-{after - 1}")


def share_aged(ds: xr.Dataset, age: int = 67, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Share of the population aged ``age`` or over on 1 January [%].

    :math:`100\\, P_{[x, \\infty)} / P`; ``age=67`` and ``age=80`` give the
    shares of 67+ and 80+.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    age : int, default 67
        First age counted [years], from 0 to the open age.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [%] at every date.
    """
    dims = _aggregated(aggregate, ("region", "sex"), "a share of the population")
    ds = _checked(ds, ("population",), "a share of the population")
    first = _checked_age(age, ds, "age")
    end = int(ds["age"][-1]) + 1
    older, everyone = _persons_aged(ds["population"], dims, [(first, end), (0, end)])
    return _labelled(_ratio(older, everyone, 100),
                     f"share of the population aged {first} or over", "%")


def sex_ratio(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Males per 100 females on 1 January, by age or in total.

    :math:`100\\, P^M / P^F`, by age group; ``aggregate="age"`` gives the
    ratio of the totals, ``aggregate=("region", "age")`` the nation's. NaN
    where there are no females.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among ``"region"`` and ``"age"``.

    Returns
    -------
    xarray.DataArray
        [males per 100 females] at every date.
    """
    ds, population = _structure(ds, aggregate, "the sex ratio", allowed=("region", "age"))
    female, male = (population.sel(sex=sex, drop=True) for sex in SEXES)
    return _labelled(_ratio(male, female, 100), "sex ratio", "males per 100 females")


# --- accessor -----------------------------------------------------------------

#: The indicators reachable as ``ds.projsim.<name>(...)``.
INDICATORS: tuple[Callable, ...] = (
    tfr, grr, nrr, mean_age_at_childbearing, life_table, life_expectancy,
    mid_year_population, natural_balance, migration_balance, crude_birth_rate,
    crude_death_rate, crude_net_migration_rate, growth_rate, mean_age, median_age,
    dependency_ratio, share_aged, sex_ratio,
)


def _method(function: Callable) -> Callable:
    def method(self, *args, **kwargs):
        return function(self._ds, *args, **kwargs)

    parameters = list(inspect.signature(function).parameters.values())
    self_parameter = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = inspect.signature(function).replace(
        parameters=[self_parameter, *parameters[1:]])
    method.__name__ = method.__qualname__ = function.__name__
    method.__doc__ = (f"{function.__doc__.splitlines()[0]}\n\n"
                      f"See :func:`projsim.indicators.{function.__name__}`.")
    return method


@xr.register_dataset_accessor("projsim")
class IndicatorAccessor:
    """The indicators of :mod:`projsim.indicators` as methods of a result Dataset.

    ``ds.projsim.tfr(aggregate="region")`` is ``tfr(ds, aggregate="region")``.
    """

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds


for _function in INDICATORS:
    setattr(IndicatorAccessor, _function.__name__, _method(_function))
del _function
