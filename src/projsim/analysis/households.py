"""Households: persons by position in the household, and private households by type.

The household-position method (the headship-rate method of United Nations
1973, *Methods of Projecting Households and Families*, Manual VII,
ST/SOA/Series A/54, extended from heads to every position, as in static
household models such as the Federal Planning Bureau's HPROM) splits the
population of each region, sex and age into positions in the household
(:data:`projsim.types.HOUSEHOLD_POSITIONS`) with shares observed at a census,

.. math:: N_{t,r,p,s,x} = \\pi_{t,r,s,x,p} \\, P_{t,r,s,x},
          \\qquad \\sum_p \\pi_{t,r,s,x,p} = 1,

so that the persons by position add up to the population in every cell, and
counts households by their reference person, one per household
(:data:`projsim.types.HOUSEHOLD_TYPES`)::

    one_person              = N[living_alone]
    couple_with_children    = min(N[child_of_couple] / c_r, N[partner] / 2)
    couple_without_children = N[partner] / 2 - couple_with_children
    lone_parent             = N[lone_parent]
    other                   = h_r N[other]

with ``c_r`` the census's resident children per couple with children and
``h_r`` the households per person in the position "other" that make the
census's private households of the region (see the model's README,
``projsim/data/households_belgium/README.md``). Residents of institutions
are counted apart: they belong to no private household.

**Shares over time.** With ``method="constant"`` the census shares hold at
every date. With ``method="trend"`` the odds of each position against the
positions without a trend move log-linearly,

.. math:: \\pi_{t,p} \\propto \\pi_{p} \\, e^{\\beta_{r,p} \\tau(t)} \\, m_{t,r,p},
          \\qquad \\tau(t) = \\min(\\max(t, t_{first}), t_{until}) - t_{origin},

renormalised over the positions in every cell (a multinomial-logit trend), at
the slopes ``beta`` the model estimated between its years ``t_first`` and
``t_until`` and held outside them. A ``scale`` ``m`` multiplies the odds of
chosen positions by year (1 when not given), with either method.

**Results.** The functions take any projection result (a run, its variants
along ``scenario``, kept draws along ``draw``) or the ``population_mean`` of
an ensemble summary, and the household model as data
(:func:`projsim.io.households.read_household_model`). The model is by region: every
state dimension other than ``region`` (nationality) is pooled first, so a
result by region and nationality gives the same households as the same
population by region.

**Scenarios.** A scenario's optional ``[households]`` section
(:mod:`projsim.model.households`) states the method, the model and the
scales; :func:`projsim.project` then adds ``households`` and
``persons_by_position`` to its result (:func:`with_households`), and each
function here called without a model reads them back from the result:
``ds.projsim.one_person_share(aggregate="region")``.

**Ensemble summaries.** The households of each type are linear in the
population, so the households of ``population_mean`` are the mean of the
draws' households, with one exception: where a draw has more children of
couples than its couples hold at the census's number per couple (a draw of
very high fertility, late in the projection), all its couples have children,
and the mean's split of couples between "with" and "without children"
differs from the mean of the draws' splits (their sum does not). Totals, the
average size and the one-person share of the mean are exact. Quantiles of
households need the draws' own populations (``keep="draws"``): their
quantiles over ``draw`` follow from :func:`households`; the summary's
``population_quantile`` (by broad age group, both sexes) cannot give them.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from projsim.analysis.common import Aggregate, checked, inputs, labelled, ratio, summed
from projsim.errors import InputError
from projsim.io.files import array_sha256
from projsim.model.households import (
    MODEL_VARIABLES, TREND_YEARS, Households, check_household_model,
)
from projsim.model.states import StateSpace
from projsim.types import (
    HOUSEHOLD_METHODS, HOUSEHOLD_POSITIONS, HOUSEHOLD_STOCKS, HOUSEHOLD_TYPE, HOUSEHOLD_TYPES,
    POSITION, REGION, SEXES, VARIABLES, HouseholdMethod, HouseholdStock,
)

__all__ = [
    "MODEL_VARIABLES", "average_household_size", "check_household_model", "household_credit",
    "households", "households_from_positions", "one_person_share", "persons_by_position",
    "position_shares", "trended_shares", "with_households",
]

_P = {position: i for i, position in enumerate(HOUSEHOLD_POSITIONS)}


# --- kernels (numpy) -----------------------------------------------------------


def trended_shares(shares: np.ndarray, slope: np.ndarray, tau: np.ndarray,
                   scale: np.ndarray | None = None) -> np.ndarray:
    """Position shares moved along a multinomial-logit trend.

    .. math:: \\pi_{t,r,s,x,p} = \\frac{\\pi_{r,s,x,p} \\, e^{\\beta_{r,p} \\tau_t} m_{t,r,p}}
              {\\sum_q \\pi_{r,s,x,q} \\, e^{\\beta_{r,q} \\tau_t} m_{t,r,q}}

    Parameters
    ----------
    shares : ndarray
        Shares (region, sex, age, position) [1], each cell summing to 1.
    slope : ndarray
        Trend of the log odds (region, position) [per year]; 0 for the
        positions without a trend.
    tau : ndarray
        Years since the trend's origin (time,) [years]; 0 gives ``shares``.
    scale : ndarray, optional
        Multipliers of the odds (time, region, position) [1], positive.

    Returns
    -------
    ndarray
        Shares (time, region, sex, age, position) [1], each cell summing to 1.

    Examples
    --------
    >>> shares = np.array([[[[0.5, 0.5]]]])                 # one region, sex, age; two positions
    >>> trended_shares(shares, np.array([[np.log(3.0), 0.0]]), np.array([0.0, 1.0]))[:, 0, 0, 0]
    array([[0.5 , 0.5 ],
           [0.75, 0.25]])
    """
    odds = np.exp(slope[None] * tau[:, None, None])                       # (time, region, position)
    if scale is not None:
        odds = odds * scale
    weighted = shares[None] * odds[:, :, None, None, :]
    return weighted / weighted.sum(axis=-1, keepdims=True)


def households_from_positions(in_position: np.ndarray, children_per_couple: np.ndarray,
                              other_headship: np.ndarray) -> np.ndarray:
    """Private households by type from the persons in each position, one reference person each.

    Parameters
    ----------
    in_position : ndarray
        Persons (..., region, position) [persons], positions in the order of
        :data:`projsim.types.HOUSEHOLD_POSITIONS`.
    children_per_couple : ndarray
        Resident children per couple with children (region,) [persons per household].
    other_headship : ndarray
        Households per person in the position "other" (region,) [households per person].

    Returns
    -------
    ndarray
        Households (..., region, type) [households], types in the order of
        :data:`projsim.types.HOUSEHOLD_TYPES`. Couples with children are the
        children of couples over ``children_per_couple``, at most every couple.

    Examples
    --------
    >>> # alone, partner, lone parent, child of couple, child of lone parent, other, institution
    >>> persons = np.array([[10.0, 40, 5, 30, 8, 6, 3]])
    >>> households_from_positions(persons, np.array([2.0]), np.array([0.5]))
    array([[10.,  5., 15.,  5.,  3.]])
    """
    def n(position):
        return in_position[..., _P[position]]

    couples = n("partner") / 2
    with_children = np.minimum(n("child_of_couple") / children_per_couple, couples)
    by_type = {
        "one_person": n("living_alone"),
        "couple_without_children": couples - with_children,
        "couple_with_children": with_children,
        "lone_parent": n("lone_parent"),
        "other": other_headship * n("other"),
    }
    return np.stack([by_type[kind] for kind in HOUSEHOLD_TYPES], axis=-1)


def _on_ages(persons: np.ndarray, ages: np.ndarray) -> np.ndarray:
    """Census persons (..., model age, position) on a result's single ages ``0 .. omega``:
    ages past the model's open group take its counts, and a result's open group
    below the model's pools the model's ages from it on."""
    model_open, omega = persons.shape[-2] - 1, int(ages[-1])
    index = np.minimum(ages, model_open)
    mapped = persons[..., index, :]
    if omega < model_open:
        mapped[..., omega, :] = persons[..., omega:, :].sum(axis=-2)
    return mapped


# --- shares ----------------------------------------------------------------------


def position_shares(model: xr.Dataset, time, *, method: HouseholdMethod = "constant",
                    scale: xr.DataArray | None = None) -> xr.DataArray:
    """Shares of the persons of each region, sex and age in each position, by year [1].

    Parameters
    ----------
    model : xarray.Dataset
        A household model (:func:`projsim.io.households.read_household_model`).
    time : array_like of int
        The years [year].
    method : {"constant", "trend"}
        Census shares at every date, or moved along the model's trend.
    scale : xarray.DataArray, optional
        Multipliers of the odds of positions [1], positive, with the dimension
        ``position`` and optionally ``time`` and ``region``; positions left
        out are not scaled.

    Returns
    -------
    xarray.DataArray
        (time, region, sex, age, position) on the model's ages [1]; each cell sums to 1.

    Examples
    --------
    >>> from projsim.io.households import read_household_model
    >>> shares = position_shares(read_household_model(), [2011, 2016], method="trend")
    >>> print(shares.sel(region="Belgium", sex="female", age=85).to_pandas().round(3).T)
    time                   2011   2016
    position
    living_alone          0.525  0.522
    partner               0.190  0.185
    lone_parent           0.069  0.070
    child_of_couple       0.000  0.000
    child_of_lone_parent  0.000  0.000
    other                 0.060  0.065
    institution           0.155  0.158
    """
    model = check_household_model(model)
    time = np.asarray(time)
    return _shares(model, time, model[REGION].values, model["age"].values, method, scale)


def _shares(model, time, regions, ages, method, scale) -> xr.DataArray:
    """Shares (time, region, sex, age, position) for these regions and result ages."""
    _check_choice("method", method, HOUSEHOLD_METHODS, "how the shares move over time")
    selected = model.sel({REGION: list(regions)})
    persons = _on_ages(selected["persons"].values, ages)
    shares = persons / persons.sum(axis=-1, keepdims=True)
    first, origin, until = (int(model.attrs[key]) for key in TREND_YEARS)
    tau = np.clip(time, first, until) - origin if method == "trend" else np.zeros(time.size)
    slope = selected["trend"].transpose(REGION, POSITION).values
    multiplier = None if scale is None else _scale(scale, time, regions)
    return xr.DataArray(trended_shares(shares, slope, tau.astype(float), multiplier),
                        dims=("time", REGION, "sex", "age", POSITION),
                        coords={"time": time, REGION: list(regions), "sex": list(SEXES),
                                "age": ages, POSITION: list(HOUSEHOLD_POSITIONS)})


def _scale(scale, time, regions) -> np.ndarray:
    """The odds multipliers (time, region, position), checked; 1 where a position is left out."""
    allowed = ("time", REGION, POSITION)
    if not isinstance(scale, xr.DataArray) or POSITION not in scale.dims \
            or not set(scale.dims) <= set(allowed):
        got = f"dimensions {scale.dims}" if isinstance(scale, xr.DataArray) else \
            f"an object of type {type(scale).__name__}"
        raise InputError("argument 'scale'", got,
                         f"an xarray.DataArray with the dimension '{POSITION}' and optionally "
                         f"'time' and '{REGION}'", "give one multiplier of the odds per position "
                         "(and year, and region)")
    unknown = [p for p in map(str, scale[POSITION].values) if p not in HOUSEHOLD_POSITIONS]
    values = scale.values
    if unknown or not np.all(np.isfinite(values) & (values > 0)):
        got = f"the positions {unknown}" if unknown else \
            f"{values[~(np.isfinite(values) & (values > 0))][0].item()!r}"
        raise InputError("argument 'scale'", got,
                         f"positive multipliers of positions among {list(HOUSEHOLD_POSITIONS)}",
                         "scale the odds of known positions by positive numbers")
    for dim, needed in (("time", time), (REGION, regions)):
        missing = [v.item() if hasattr(v, "item") else v for v in needed
                   if dim in scale.dims and v not in scale[dim].values]
        if missing:
            raise InputError(f"argument 'scale', coordinate '{dim}'", f"no value for {missing[0]!r}",
                             f"a value for every {dim} of the result",
                             f"give the multipliers of every {dim}, or leave '{dim}' out")
    positions = [str(p) for p in scale[POSITION].values]
    full = xr.DataArray(np.ones((len(time), len(regions), len(HOUSEHOLD_POSITIONS))),
                        dims=allowed, coords={"time": time, REGION: list(regions),
                                              POSITION: list(HOUSEHOLD_POSITIONS)})
    given = scale.sel({dim: list(full[dim].values) for dim in ("time", REGION) if dim in scale.dims})
    part = full.sel({POSITION: positions})
    full.loc[{POSITION: positions}] = given.broadcast_like(part).transpose(*allowed)
    return full.values


def _check_choice(name, value, allowed, meaning):
    if value not in allowed:
        raise InputError(f"argument '{name}'", repr(value),
                         " or ".join(repr(a) for a in allowed), f"choose {meaning}")


# --- results ---------------------------------------------------------------------


def _population(ds, model, stock, indicator, aggregate=()):
    """The checked result's stock by region, other state dimensions pooled, and the model."""
    _check_choice("stock", stock, HOUSEHOLD_STOCKS,
                  "the variable the households are computed from")
    model = check_household_model(model)
    ds, dims = inputs(ds, aggregate, indicator, (stock,))
    states = StateSpace.from_dataset(ds)
    population = summed(ds[stock], [dim for dim in states.dims if dim != REGION])
    missing = [r for r in map(str, population[REGION].values) if r not in model[REGION].values]
    if missing:
        raise InputError(f"coordinate '{REGION}'", repr(missing[0]),
                         f"a region of the household model, among {list(map(str, model[REGION].values))}",
                         "project a base whose regions the model covers, or pass a model "
                         "estimated for these regions")
    return population, model, [dim for dim in dims if dim == REGION]


def _in_position(ds, model, method, scale, stock, indicator, aggregate=()):
    """Persons in each position (time, ..., region, position), summed over sex and age."""
    population, model, pooled = _population(ds, model, stock, indicator, aggregate)
    shares = _shares(model, population["time"].values, population[REGION].values,
                     population["age"].values, method, scale)
    in_position = xr.dot(shares, population, dim=["sex", "age"])
    return in_position, model, pooled


def _households(in_position, model) -> xr.DataArray:
    """Households (..., region, household_type) from persons by position."""
    regions = in_position[REGION].values
    counts = xr.apply_ufunc(
        households_from_positions, in_position,
        model["children_per_couple"].sel({REGION: regions}),
        model["other_headship"].sel({REGION: regions}),
        input_core_dims=[[REGION, POSITION], [REGION], [REGION]],
        output_core_dims=[[REGION, HOUSEHOLD_TYPE]], dask="parallelized",
        dask_gufunc_kwargs={"output_sizes": {HOUSEHOLD_TYPE: len(HOUSEHOLD_TYPES)}},
        output_dtypes=[float])
    return counts.assign_coords({HOUSEHOLD_TYPE: list(HOUSEHOLD_TYPES)})


def _labelled(data, name, stock, last):
    """``data`` with the dimensions (time, any batch dimension, *last) and the registry's
    name and units (a mean over draws says so)."""
    spec = VARIABLES[name]
    long_name = spec.long_name if stock == "population" else \
        f"mean over draws of {spec.long_name}"
    batch = [dim for dim in data.dims if dim not in ("time", *last)]
    return labelled(data.transpose("time", *batch, *last), long_name, spec.units)


_SIZE = "the average household size"
#: The arguments that choose how households are counted, refused with the stored ones.
_ONLY_WITH_A_MODEL = ("method", "scale", "stock")


def _defaults(method, stock) -> tuple[str, str]:
    """The method and stock used with a model when they are not given."""
    return (HOUSEHOLD_METHODS[0] if method is None else method,
            HOUSEHOLD_STOCKS[0] if stock is None else stock)


def _stored(ds, name: str, method, scale, stock) -> xr.DataArray:
    """The variable ``name`` a result stores (:func:`with_households`), checked."""
    for key, value in zip(_ONLY_WITH_A_MODEL, (method, scale, stock)):
        if value is not None:
            shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
            raise InputError(f"argument '{key}'", f"{shown} without a model",
                             f"no {key} with the households the result stores (counted by its "
                             "scenario's [households] section)",
                             f"pass a household model too, to count them with this {key}")
    if not isinstance(ds, xr.Dataset) or name not in ds.data_vars:
        got = f"an object of type {type(ds).__name__}" if not isinstance(ds, xr.Dataset) else \
            ("a result of draws that keeps the households of each draw, not their persons by "
             "position" if "households" in ds.data_vars else f"a result without '{name}'")
        raise InputError("argument 'model'", f"None with {got}",
                         "a household model, or a result that stores its households (a scenario "
                         "with a [households] section)",
                         "pass projsim.io.households.read_household_model(), or add a "
                         "[households] section to the scenario")
    return checked(ds, (name,), name.replace("_", " "))[name]


def persons_by_position(ds: xr.Dataset, model: xr.Dataset | None = None, *,
                        method: HouseholdMethod | None = None, scale: xr.DataArray | None = None,
                        stock: HouseholdStock | None = None) -> xr.DataArray:
    """Persons on 1 January by region, position in the household, sex and age [persons].

    :math:`N_{t,r,p,s,x} = \\pi_{t,r,s,x,p} P_{t,r,s,x}`; summed over the
    positions it gives back the population of every cell (state dimensions
    other than ``region`` pooled).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result (any ``scenario`` or ``draw`` dimension is kept).
    model : xarray.Dataset, optional
        A household model (:func:`projsim.io.households.read_household_model`).
        Without it, the persons by position the result stores (a scenario
        with a ``[households]`` section, :func:`with_households`).
    method : {"constant", "trend"}, optional
        Census shares at every date (the default), or moved along the
        model's trend. Only with a model.
    scale : xarray.DataArray, optional
        Multipliers of the odds of positions (:func:`position_shares`). Only
        with a model.
    stock : {"population", "population_mean"}, optional
        The population used: a result's (the default), or the mean of an
        ensemble summary. Only with a model.

    Returns
    -------
    xarray.DataArray
        (time, ..., region, position, sex, age) [persons].

    Examples
    --------
    >>> import projsim
    >>> from projsim.io.households import read_household_model
    >>> ds = projsim.project("fpb-2013")
    >>> persons = persons_by_position(ds, read_household_model())
    >>> print(f"{float(persons.sel(time=2012, position='institution').sum()):,.0f}")
    139,735
    """
    if model is None:
        return _stored(ds, "persons_by_position", method, scale, stock)
    method, stock = _defaults(method, stock)
    population, model, _ = _population(ds, model, stock, "persons by position")
    shares = _shares(model, population["time"].values, population[REGION].values,
                     population["age"].values, method, scale)
    return _labelled(shares * population, "persons_by_position", stock,
                     (REGION, POSITION, "sex", "age"))


def households(ds: xr.Dataset, model: xr.Dataset | None = None, *,
               method: HouseholdMethod | None = None, scale: xr.DataArray | None = None,
               stock: HouseholdStock | None = None) -> xr.DataArray:
    """Private households on 1 January by region and type [households].

    One reference person per household (the module's formulas): one-person
    households are the persons living alone, couples half the partners,
    split by the children living with couples, lone parents one per lone
    parent, other households ``h_r`` per person in the position "other".
    Residents of institutions form no private household.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result (any ``scenario`` or ``draw`` dimension is kept: the
        households of each draw, whose quantiles over ``draw`` are the
        intervals).
    model : xarray.Dataset, optional
        A household model (:func:`projsim.io.households.read_household_model`).
        Without it, the households the result stores (a scenario with a
        ``[households]`` section, :func:`with_households`).
    method : {"constant", "trend"}, optional
        Census shares at every date (the default), or moved along the
        model's trend. Only with a model.
    scale : xarray.DataArray, optional
        Multipliers of the odds of positions (:func:`position_shares`). Only
        with a model.
    stock : {"population", "population_mean"}, optional
        The population used: a result's (the default), or the mean of an
        ensemble summary (which gives the mean households over draws). Only
        with a model.

    Returns
    -------
    xarray.DataArray
        (time, ..., region, household_type) [households].

    Examples
    --------
    >>> import projsim
    >>> from projsim.io.households import read_household_model
    >>> ds = projsim.project("fpb-2013")
    >>> counts = households(ds, read_household_model())
    >>> print(counts.sel(time=2060).sum("region").to_pandas().round(-3))
    household_type
    one_person                 2146000.0
    couple_without_children    1555000.0
    couple_with_children       1504000.0
    lone_parent                 578000.0
    other                        29000.0
    dtype: float64
    """
    if model is None:
        return _stored(ds, "households", method, scale, stock)
    method, stock = _defaults(method, stock)
    in_position, model, _ = _in_position(ds, model, method, scale, stock, "households")
    counts = _households(in_position, model)
    return _labelled(counts, "households", stock, (REGION, HOUSEHOLD_TYPE))


def _pooled_counts(ds, model, method, scale, stock, aggregate, indicator):
    """Households by type and persons in private households, regions pooled as asked,
    and the stock they come from."""
    if model is None:
        counts = _stored(ds, "households", method, scale, stock)
        _, dims = inputs(ds, aggregate, indicator, ())
        pooled = [dim for dim in dims if dim == REGION]
        persons = _stored(ds, "persons_by_position", None, None, None) \
            if indicator == _SIZE else None
        private = None if persons is None else \
            persons.drop_sel({POSITION: "institution"}).sum([POSITION, "sex", "age"])
        stock = ds.attrs.get("household_stock", "population")
    else:
        method, stock = _defaults(method, stock)
        in_position, model, pooled = _in_position(ds, model, method, scale, stock, indicator,
                                                  aggregate)
        counts = _households(in_position, model)
        private = in_position.drop_sel({POSITION: "institution"}).sum(POSITION)
    return summed(counts, pooled), None if private is None else summed(private, pooled), stock


def _kept(data) -> tuple[str, ...]:
    """The region dimension when it is kept."""
    return (REGION,) if REGION in data.dims else ()


def average_household_size(ds: xr.Dataset, model: xr.Dataset | None = None, *,
                           aggregate: Aggregate = (), method: HouseholdMethod | None = None,
                           scale: xr.DataArray | None = None,
                           stock: HouseholdStock | None = None) -> xr.DataArray:
    """Persons in private households per private household [persons per household].

    Parameters
    ----------
    ds, model, method, scale, stock
        As for :func:`households`.
    aggregate : str or sequence of str, default ()
        State dimensions to pool: ``"region"`` gives the national size
        (nationality is always pooled).

    Returns
    -------
    xarray.DataArray
        (time, ..., region) or, pooled, (time, ...) [persons per household].

    Examples
    --------
    >>> import projsim
    >>> from projsim.io.households import read_household_model
    >>> ds = projsim.project("fpb-2013")
    >>> size = average_household_size(ds, read_household_model(), aggregate="region")
    >>> print(size.sel(time=[2012, 2060]).round(2).values)
    [2.29 2.22]
    """
    counts, private, stock = _pooled_counts(ds, model, method, scale, stock, aggregate, _SIZE)
    return _labelled(ratio(private, counts.sum(HOUSEHOLD_TYPE)), "average_household_size",
                     stock, _kept(counts))


def one_person_share(ds: xr.Dataset, model: xr.Dataset | None = None, *,
                     aggregate: Aggregate = (), method: HouseholdMethod | None = None,
                     scale: xr.DataArray | None = None,
                     stock: HouseholdStock | None = None) -> xr.DataArray:
    """Share of one-person households among private households [%].

    Parameters
    ----------
    ds, model, method, scale, stock
        As for :func:`households`.
    aggregate : str or sequence of str, default ()
        State dimensions to pool: ``"region"`` gives the national share.

    Returns
    -------
    xarray.DataArray
        (time, ..., region) or, pooled, (time, ...) [%].

    Examples
    --------
    >>> import projsim
    >>> from projsim.io.households import read_household_model
    >>> ds = projsim.project("fpb-2013")
    >>> share = one_person_share(ds, read_household_model(), aggregate="region")
    >>> print(share.sel(time=[2012, 2060]).round(1).values)
    [34.1 36.9]
    """
    counts, _, stock = _pooled_counts(ds, model, method, scale, stock, aggregate,
                                      "the one-person share")
    return _labelled(ratio(counts.sel({HOUSEHOLD_TYPE: "one_person"}, drop=True),
                           counts.sum(HOUSEHOLD_TYPE), 100), "one_person_share", stock,
                     _kept(counts))


# --- a scenario's households ------------------------------------------------------------


def household_credit(model: xr.Dataset, method: HouseholdMethod) -> str:
    """The sources of a household model's counts, in short, for under a figure.

    Examples
    --------
    >>> from projsim.io.households import read_household_model
    >>> household_credit(read_household_model(), "trend")
    'Statbel, census 2011; trend: FPB household series 1991-2016, via larray (GPL-3.0)'
    """
    credit = str(model.attrs.get("credit_census", model.attrs.get("model", "")))
    if method == "trend" and model.attrs.get("credit_trend"):
        credit += f"; trend: {model.attrs['credit_trend']}"
    return credit


def with_households(ds: xr.Dataset, section: Households) -> xr.Dataset:
    """A result with the households its scenario's ``[households]`` section asks for.

    :func:`projsim.project` calls it for a scenario with the section; call it
    on the draws of such a scenario (:func:`projsim.stochastic.project_draws`)
    to count theirs. The result is returned with

    * ``households`` (time, ..., region, household_type) [households];
    * ``persons_by_position`` (time, ..., region, position, sex, age)
      [persons], except for kept draws (seven times every draw's population):
      their households are kept, draw by draw;
    * the attributes ``households`` (the section in words),
      ``household_method``, ``household_stock`` (``population``, or
      ``population_mean`` for the summaries of draws, whose households are
      the mean over draws), ``household_credit`` (the sources, in short) and
      ``sha256_household_model``.

    Every other variable and attribute is unchanged, so a result without
    the section is what it was.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result, or the summaries of draws (``population_mean``).
    section : projsim.model.households.Households
        The scenario's section, with its model (``scenario.households``).

    Returns
    -------
    xarray.Dataset

    Examples
    --------
    >>> import projsim
    >>> scenario = projsim.load_scenario("fpb-2013-households")
    >>> ds = projsim.project(scenario)       # calls with_households
    >>> ds.attrs["households"]
    'method trend, model households_belgium, no scale'
    >>> print(f"{float(ds.households.sel(time=2060).sum()):,.0f}")
    5,795,608
    """
    stock = "population" if "population" in ds.data_vars else "population_mean"
    model = check_household_model(section.model)
    regions = ds[REGION].values
    multipliers = section.scale_at(ds["time"].values, regions)
    scale = None if multipliers is None else xr.DataArray(
        multipliers, dims=("time", REGION, POSITION),
        coords={"time": ds["time"].values, REGION: regions, POSITION: list(HOUSEHOLD_POSITIONS)})
    options = {"method": section.method, "scale": scale, "stock": stock}
    if "draw" in ds[stock].dims:
        added = {"households": households(ds, model, **options)}
    else:
        persons = persons_by_position(ds, model, **options)
        counts = _households(persons.sum(["sex", "age"]), model)
        added = {"persons_by_position": persons,
                 "households": _labelled(counts, "households", stock, (REGION, HOUSEHOLD_TYPE))}
    # the result's own coordinates, with their attributes, label the added variables
    added = {name: array.assign_coords({dim: ds[dim] for dim in array.dims if dim in ds.coords})
             for name, array in added.items()}
    arrays = np.concatenate([model[name].values.ravel() for name in MODEL_VARIABLES])
    attrs = {"households": section.describe(), "household_method": section.method,
             "household_stock": stock, "household_credit": household_credit(model, section.method),
             "sha256_household_model": array_sha256(arrays)}
    return ds.assign(added).assign_attrs(attrs)
