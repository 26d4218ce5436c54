"""Mortality indicators: period life tables and life expectancy of the assumed rates.

National (or any pooled) tables pool the states' death rates with their
mid-year populations as weights, the oldest ages pooled from the first age at
which some state and sex has nobody, year by year (:func:`life_table`).

A result by five-year group holds its death rates by abridged group (0, 1-4,
5-9, ...; dimension :data:`projsim.types.MORTALITY_AGE`); its tables are
abridged tables with the grid's separation rule (Greville's, the rule the
projection's survival ratios came from), labelled ``age`` by the first age
of each group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from projsim.analysis import common
from projsim.analysis.common import Aggregate, broadcast, checked_age, inputs, labelled, merged
from projsim.demography.lifetable import life_table as _numpy_life_table
from projsim.demography.lifetable import single_year_summary
from projsim.demography.pooling import national_rates, pooled_oldest
from projsim.errors import InputError
from projsim.result import age_width
from projsim.types import GRID_SEPARATION, MORTALITY_AGE, SEXES

__all__ = ["LIFE_TABLE_COLUMNS", "life_expectancy", "life_table"]

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


# --- kernels ------------------------------------------------------------------


def _national_mortality_kernel(rates: np.ndarray, population: np.ndarray, *, sex: slice,
                               age: slice, n_pooled: int = 1) -> np.ndarray:
    """Rates (..., time, pooled states, sex, age) averaged over the ``n_pooled``
    state dimensions, year by year, with the mid-year populations as weights,
    the oldest ages pooled in each row (:func:`projsim.demography.pooling.pooled_oldest`
    with ``each_row``): (..., time, sex, age) at the positions ``sex`` and
    ``age``. NaN at the last date, which has no exposure.

    Each year is pooled on its own, so the temporaries are one year's size.
    The weights are the sums P(t) + P(t + 1), twice the mid-year populations:
    a weighted mean is the same, to the last bit, when every weight is
    doubled. Only the ages up to the last one kept are looked at, unless a
    row pools from one of them and needs the exposures above.
    """
    rates, population = (np.moveaxis(merged(array, n_pooled, 2), -4, 0)
                         for array in broadcast(rates, population))
    n_ages = rates.shape[-1]
    head = slice(0, range(n_ages)[age][-1] + 1)
    kept = rates[..., 0, sex, age].shape[-2:]
    national = np.empty(rates.shape[:-3] + kept)
    loops = common.compiled_loops(rates.size)
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
                       age_index, radix: float, closed: bool = False,
                       rules: dict | None = None) -> tuple[np.ndarray, ...]:
    """Life-table columns from rates (..., sex, age): one array (..., sex, ages kept)
    per column; rows with a missing rate give NaN. With ``closed``, the rates
    are of closed groups only (columns l, d and L). ``rules`` are the widths
    and separation rule of groups wider than a year
    (:func:`projsim.demography.lifetable.life_table`)."""
    leading, n_ages = rates.shape[:-1], rates.shape[-1]
    rows = rates.reshape(-1, n_ages)
    labels = np.broadcast_to(sex, leading).reshape(-1)
    groups = np.arange(n_ages)[age_index]
    if rules:
        found = _full_table(rows, labels, columns, groups, radix, rules)
    elif set(columns) <= {"ex", "Lx"}:
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
        closed=closed, compiled=common.compiled_pays(rows.size))
    if "ex" in columns:
        expectancy[~np.isfinite(rows[:, -1])] = np.nan
    found = {"ex": expectancy, "Lx": radix * person_years}
    return tuple(found[column] for column in columns)


def _full_table(rows: np.ndarray, labels: np.ndarray, columns: tuple[str, ...],
                groups: np.ndarray, radix: float, rules: dict | None = None
                ) -> tuple[np.ndarray, ...]:
    """Any columns at ``groups`` of schedules (rows, age), by blocks of rows that
    keep the temporaries in cache; rows with a missing rate are computed on a
    placeholder, then blanked."""
    out = [np.empty((rows.shape[0], groups.size)) for _ in columns]
    block = max(1, common.BLOCK_CELLS // rows.shape[1])
    for start in range(0, rows.shape[0], block):
        chunk = rows[start:start + block]
        missing = ~np.isfinite(chunk).all(axis=-1)
        placeholder = np.where(missing[:, None], 1.0, chunk)
        table = _numpy_life_table(placeholder, labels[start:start + block], radix=radix,
                                  **(rules or {}))
        for column, array in zip(columns, out):
            values = getattr(table, column)[:, groups]
            values[missing] = np.nan
            array[start:start + block] = values
    return out


# --- rates and tables ---------------------------------------------------------


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


def rate_ages(ds: xr.Dataset) -> str:
    """The dimension of the result's death rates by age: ``age``, or the abridged
    :data:`projsim.types.MORTALITY_AGE` of a result by five-year group."""
    return MORTALITY_AGE if MORTALITY_AGE in ds["mortality_rate"].dims else "age"


def table_rules(ds: xr.Dataset) -> dict:
    """The widths of the groups of the result's death rates and the separation rule
    of its grid (:data:`projsim.types.GRID_SEPARATION`), for
    :func:`projsim.demography.lifetable.life_table`; none for single years."""
    width = age_width(ds)
    if width == 1:
        return {}
    ages = ds[rate_ages(ds)].values
    return {"age_width": np.append(np.diff(ages), np.inf), "separation": GRID_SEPARATION[width]}


def _exposures(ds: xr.Dataset) -> xr.DataArray:
    """The population on the groups of the death rates, as weights: each abridged
    group takes its age group's, the open group the sum from its first age."""
    population, by_age = ds["population"], rate_ages(ds)
    if by_age == "age":
        return population
    ages, first = ds["age"].values, ds[by_age].values
    index = np.searchsorted(ages, first, side="right") - 1
    weights = population.isel(age=index).rename(age=by_age).assign_coords({by_age: first})
    oldest = population.isel(age=slice(index[-1], None)).sum("age")
    return xr.where(weights[by_age] == first[-1], oldest, weights).transpose(*weights.dims)


def death_rates(ds: xr.Dataset, dims: list[str], *, sex: slice = slice(None),
                age: slice = slice(None)) -> xr.DataArray:
    """Death rates at the positions ``sex`` and ``age`` (of the death rates' own
    age groups), pooled over the state dimensions ``dims`` with pooled-oldest
    exposures."""
    rates, by_age = ds["mortality_rate"], rate_ages(ds)
    if not dims:
        return rates.isel({"sex": sex, by_age: age})
    core = ["time", *dims, "sex", by_age]
    pooled = xr.apply_ufunc(_national_mortality_kernel, rates, _exposures(ds),
                            input_core_dims=[core, core],
                            output_core_dims=[["time", "sex", by_age]],
                            exclude_dims={"sex", by_age},
                            kwargs={"sex": sex, "age": age, "n_pooled": len(dims)})
    kept = rates.isel({dim: 0 for dim in dims}, drop=True).isel({"sex": sex, by_age: age})
    return pooled.assign_coords({"sex": kept["sex"], by_age: kept[by_age]}).transpose(*kept.dims)


def life_table_columns(rates: xr.DataArray, columns: tuple[str, ...], ages=None,
                       radix: float = 100_000.0, closed: bool = False,
                       rules: dict | None = None) -> list[xr.DataArray]:
    """Life-table ``columns`` of death rates with dims (..., sex, age), at the
    positions ``ages`` of their age groups (default all), as DataArrays with
    the leading dims of ``rates`` and ``age`` last. With ``closed``, ``rates``
    are of closed groups only (columns l, d, L); ``rules`` are the widths and
    separation rule of groups wider than a year (:func:`table_rules`)."""
    by_age = MORTALITY_AGE if MORTALITY_AGE in rates.dims else "age"
    rates = rates.rename({MORTALITY_AGE: "age"}) if by_age != "age" else rates
    _check_rates(rates, closed=closed)
    index = slice(None) if ages is None else np.asarray(ages)

    def kernel(values):
        arrays = _life_table_kernel(values, rates["sex"].values, columns=columns,
                                    age_index=index, radix=radix, closed=closed, rules=rules)
        return arrays if len(columns) > 1 else arrays[0]

    arrays = xr.apply_ufunc(kernel, rates, input_core_dims=[["sex", "age"]],
                            output_core_dims=[["sex", "age"]] * len(columns),
                            exclude_dims={"age"})
    arrays = arrays if len(columns) > 1 else (arrays,)
    age = rates["age"].isel(age=index)
    return [array.assign_coords(age=age) for array in arrays]


# --- indicators ---------------------------------------------------------------


def life_table(ds: xr.Dataset, *, aggregate: Aggregate = (),
               radix: float = 100_000.0) -> xr.Dataset:
    """Period life tables of the assumed death rates, by year, state and sex.

    Each year's table is built from ``mortality_rate`` by
    :func:`projsim.demography.lifetable.life_table` (HMD Methods Protocol v6:
    Andreev and Kingkade's :math:`a_0`, :math:`a_x = 1/2` elsewhere, the open
    group closed with :math:`L_\\omega = l_\\omega / m_\\omega`):

    .. math::

        q_x = \\frac{m_x}{1 + (1 - a_x) m_x}, \\quad
        l_{x+1} = l_x (1 - q_x), \\quad
        L_x = l_{x+1} + a_x d_x, \\quad
        e_x = \\frac{\\sum_{y \\ge x} L_y}{l_x}.

    With ``aggregate`` naming every state dimension (``'region'``, or
    ``('region', 'nationality')``) the table is the nation's: its rate at
    age :math:`x` is the mean of the states' rates weighted by their mid-year
    populations, :math:`m_x = \\sum_s m_{s,x} E_{s,x} / \\sum_s E_{s,x}`
    (the nation's deaths over its exposure, had deaths followed the rates),
    with the oldest ages pooled: from the first age at which some state and
    sex has nobody, each state and sex is weighted at every older age by its
    exposure summed over those ages, so the weights are defined up to the
    open group. This is the national rate on which the engine meets its
    life-expectancy targets (:func:`projsim.assumptions.reweight_e0`), except
    that the pooling age is found year by year, so that one year's table does
    not depend on the others. Pooling some state dimensions only (for
    example ``aggregate='nationality'``) gives the tables of the others.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``mortality_rate`` (and ``population`` to
        aggregate).
    aggregate : str or sequence of str, default ()
        State dimensions to pool; a table is always by sex.
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
    >>> flemish = table.ex.sel(time=2012, region="Flemish Region", age=[0, 65])
    >>> flemish.sel(nationality="Belgian").round(2).values
    array([[83.45, 21.38],
           [78.56, 18.  ]])
    """
    ds, dims = inputs(ds, aggregate, "a life table", ("mortality_rate",),
                      to_pool=("population",))
    columns = tuple(LIFE_TABLE_COLUMNS)
    arrays = life_table_columns(death_rates(ds, dims), columns, radix=radix,
                                rules=table_rules(ds))
    return xr.Dataset({name: labelled(array, *LIFE_TABLE_COLUMNS[name])
                       for name, array in zip(columns, arrays)})


def life_expectancy(ds: xr.Dataset, age: int | Sequence[int] = 0, *,
                    aggregate: Aggregate = ()) -> xr.DataArray:
    """Period life expectancy at exact age ``age`` [years], by year, state and sex.

    :math:`e_x = T_x / l_x`, from the tables of :func:`life_table` (see there
    for the national aggregate). ``age=0`` gives :math:`e_0`, ``age=65``
    :math:`e_{65}`, and a list of ages both at once along ``age``.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``mortality_rate`` (and ``population`` to
        aggregate).
    age : int or sequence of int, default 0
        Exact age(s) [years] from 0 to the open age; on a grid of five-year
        groups, first ages of the abridged groups of the death rates (0, 1,
        5, 10, ...).
    aggregate : str or sequence of str, default ()
        State dimensions to pool: all of them for the nation.

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
    >>> e65 = life_expectancy(projsim.project("belgium-2012"), 65,
    ...                       aggregate=('region', 'nationality'))
    >>> e65.sel(time=2012).round(2).values
    array([21.  , 17.55])
    """
    ds, dims = inputs(ds, aggregate, "life expectancy", ("mortality_rate",),
                      to_pool=("population",))
    groups = ds[rate_ages(ds)].values
    ages = [checked_age(a, ds, "age", groups) for a in (age if np.ndim(age) else [age])]
    (expectancy,) = life_table_columns(death_rates(ds, dims), ("ex",),
                                       ages=np.searchsorted(groups, ages), rules=table_rules(ds))
    if not np.ndim(age):
        expectancy = expectancy.isel(age=0)
    return labelled(expectancy, "period life expectancy at exact age", "years")
