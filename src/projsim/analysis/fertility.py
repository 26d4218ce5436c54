"""Fertility indicators of the assumed rates: TFR, GRR, NRR and mean age at childbearing.

Pooled figures (national, or over any state dimension) average the states'
rates at each age with the women's mid-year populations as weights, so that
a pooled rate is the births of the pooled population over its women's
exposure (:func:`tfr`). On age groups of n years a rate holds for the n
years of its group: the TFR is n times the sum of the rates.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from projsim.analysis import common
from projsim.analysis.common import (
    Aggregate, broadcast, divide, inputs, labelled, merged, ratio, summed,
)
from projsim.analysis.mortality import death_rates, life_table_columns, rate_ages, table_rules
from projsim.result import age_width
from projsim.types import SEXES

__all__ = ["grr", "mean_age_at_childbearing", "nrr", "tfr"]


def _pooled_fertility_kernel(rates: np.ndarray, women: np.ndarray, *,
                             n_pooled: int = 1) -> np.ndarray:
    """Rates (..., time, pooled states, age) averaged over the ``n_pooled`` state
    dimensions, year by year, with the women's mid-year populations (same
    axes) as weights: (..., time, age). Where the weights add up to 0, the
    plain mean; NaN at the last date, which has no exposure.

    The weights are P(t) + P(t + 1), twice the mid-year populations: a
    weighted mean is the same, to the last bit, when every weight is doubled.
    One year at a time, the temporaries stay in cache.
    """
    rates, women = (np.moveaxis(merged(array, n_pooled, 1), -3, 0)
                    for array in broadcast(rates, women))
    pooled = np.empty(rates.shape[:-2] + rates.shape[-1:])
    pooled[-1] = np.nan
    weights = np.empty(women.shape[1:])
    for time in range(rates.shape[0] - 1):
        np.add(women[time], women[time + 1], out=weights)
        total = weights.sum(axis=-2)
        np.einsum("...ra,...ra->...a", rates[time], weights, out=pooled[time])
        pooled[time] = divide(pooled[time], total, 1)
        empty = total == 0
        if empty.any():
            pooled[time][empty] = rates[time].mean(axis=-2)[empty]
    return np.moveaxis(pooled, 0, -2)


def _childbearing_ages(rates: xr.DataArray) -> slice:
    """The age groups from the first to the last with a rate other than 0 somewhere."""
    rows = rates.transpose(..., "age").values.reshape(-1, rates.sizes["age"])
    loops = common.compiled_loops(rows.size)
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
    """Fertility rates (of daughters only with ``daughters``), pooled over the state
    dimensions ``dims`` with the women's mid-year populations as weights, at
    the childbearing ages when pooled or asked for (``childbearing``), else at
    every age. The rates are 0 at the other ages, and so is every aggregate of
    them: leaving them out spares the pooling work, looking for them costs a
    pass over the rates."""
    ages = _childbearing_ages(ds["fertility_rate"]) if dims or childbearing else slice(None)
    rates = ds["fertility_rate"].isel(age=ages)
    if daughters:
        rates = rates / (1 + ds["sex_ratio_at_birth"])
    if dims:
        women = ds["population"].sel(sex=SEXES[0], drop=True).isel(age=ages)
        core = ["time", *dims, "age"]
        pooled = xr.apply_ufunc(_pooled_fertility_kernel, rates, women,
                                input_core_dims=[core, core], output_core_dims=[["time", "age"]],
                                kwargs={"n_pooled": len(dims)})
        rates = pooled.transpose(*[dim for dim in rates.dims if dim not in dims])
    return rates


def _fertility_inputs(ds, aggregate, indicator, names):
    return inputs(ds, aggregate, indicator, names, to_pool=("population",))


def tfr(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period total fertility rate of the assumed rates [births per woman].

    .. math:: \\mathrm{TFR} = n \\sum_x f_x

    over age groups of :math:`n` years (1 for single years), :math:`f_x`
    being ``fertility_rate``. With
    ``aggregate`` naming state dimensions (all of them for the nation), the
    rates are first pooled over those states with the women's mid-year
    populations as weights,

    .. math:: f_x = \\frac{\\sum_s f_{s,x} E^F_{s,x}}{\\sum_s E^F_{s,x}},
       \\qquad E^F_{s,x} = \\tfrac12 (P^F_{t,s,x} + P^F_{t+1,s,x}),

    so that :math:`f_x` is the pooled population's births at age :math:`x`
    over its women's exposure. (A scenario's national TFR target weights the
    regions by the *base* female population; this aggregate drifts from it
    as the regions' populations change.)

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate`` (and ``population`` to
        aggregate).
    aggregate : str or sequence of str, default ()
        State dimensions to pool: all of them for the nation.

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
    >>> ds = projsim.project("belgium-2012")
    >>> tfr(ds).sel(time=2012).round(3).values    # regions x (Belgian, foreign)
    array([[1.573, 2.278],
           [1.711, 2.478],
           [1.754, 2.541]])
    >>> print(f"{float(tfr(ds, aggregate=('region', 'nationality')).sel(time=2012)):.3f}")
    1.830
    """
    ds, dims = _fertility_inputs(ds, aggregate, "the total fertility rate", ("fertility_rate",))
    return labelled(_width_times(ds, summed(_fertility(ds, dims), ["age"])),
                    "period total fertility rate", "births per woman")


def _width_times(ds: xr.Dataset, total: xr.DataArray) -> xr.DataArray:
    """A sum of rates over age groups times their width: the years each rate holds."""
    width = age_width(ds)
    return total if width == 1 else width * total


def grr(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period gross reproduction rate [daughters per woman].

    .. math:: \\mathrm{GRR} = n \\sum_x \\frac{f_x}{1 + s}

    with :math:`s` the ``sex_ratio_at_birth`` (male per female births), so
    that :math:`1/(1+s)` is the share of girls among births; for one state,
    TFR / (1 + s). A pooled GRR pools the daughters' rates
    :math:`f_{s,x}/(1 + s_s)` as :func:`tfr` pools :math:`f_{s,x}`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate`` and ``sex_ratio_at_birth``
        (and ``population`` to aggregate).
    aggregate : str or sequence of str, default ()
        State dimensions to pool: all of them for the nation.

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
        daughters = summed(_fertility(ds, dims, daughters=True), ["age"])
    else:
        daughters = summed(_fertility(ds, dims), ["age"]) / (1 + ds["sex_ratio_at_birth"])
    return labelled(_width_times(ds, daughters), "period gross reproduction rate",
                    "daughters per woman")


def nrr(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period net reproduction rate [surviving daughters per woman].

    .. math:: \\mathrm{NRR} = \\sum_x \\frac{f_x}{1 + s} \\, \\frac{L^F_x}{l_0}

    where :math:`L^F_x / l_0` is the expected number of years a newborn girl
    lives in age group :math:`x` (between ages :math:`x` and :math:`x + n`) in
    the female life table of the same year's assumed death rates
    (:func:`projsim.analysis.mortality.life_table`; abridged on five-year groups),
    and :math:`s` the sex ratio at birth. This is the usual discrete
    approximation of :math:`\\int p(a) m^F(a)\\, da` (Preston, Heuveline and
    Guillot 2001, ch. 5): it takes the daughters' rate as constant within
    each year of age and the share of girls as the same at every age of the
    mother, and it weights by the *period* survival of the year, not by the
    survival of the women's own cohort. A pooled NRR combines the pooled
    rates of :func:`grr` with the pooled female life table.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate``, ``sex_ratio_at_birth`` and
        ``mortality_rate`` (and ``population`` to aggregate).
    aggregate : str or sequence of str, default ()
        State dimensions to pool: all of them for the nation.

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
    female = list(ds["sex"].values).index(SEXES[0])
    if age_width(ds) == 1:
        # L(x) up to the last childbearing age does not depend on the rates above
        # it, so a table of the ages up to it, closed after them, gives the same
        # L(x) for a fraction of the work.
        last = int(daughters["age"][-1])
        women = death_rates(ds, dims, sex=slice(female, female + 1), age=slice(0, last + 1))
        (person_years,) = life_table_columns(women, ("Lx",), ages=daughters["age"].values,
                                             radix=1.0, closed=True)
    else:
        # the abridged table's groups from 5 are the age groups (0-4 holds no births)
        women = death_rates(ds, dims, sex=slice(female, female + 1))
        groups = ds[rate_ages(ds)].values
        (person_years,) = life_table_columns(women, ("Lx",),
                                             ages=np.searchsorted(groups, daughters["age"].values),
                                             radix=1.0, rules=table_rules(ds))
    survival = person_years.isel(sex=0, drop=True)
    return labelled(xr.dot(daughters, survival, dim="age"),
                    "period net reproduction rate", "surviving daughters per woman")


def mean_age_at_childbearing(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Period mean age at childbearing [years].

    .. math:: \\mathrm{MAC} = \\frac{\\sum_x (x + \\tfrac{n}{2}) f_x}{\\sum_x f_x}

    the mean age of the fertility schedule, births at age :math:`x` being
    placed at the midpoint of the group of :math:`n` years. It does not depend on the population's
    age structure (unlike the mean age of the mothers of the year's births).
    A pooled value uses the pooled rates of :func:`tfr`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``fertility_rate`` (and ``population`` to
        aggregate).
    aggregate : str or sequence of str, default ()
        State dimensions to pool: all of them for the nation.

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
    midpoint = ds["age"] + 0.5 * age_width(ds)
    return labelled(ratio(xr.dot(midpoint, rates, dim="age"), summed(rates, ["age"])),
                    "period mean age at childbearing", "years")
