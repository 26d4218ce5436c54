"""Labelled results: the engine's arrays as an :class:`xarray.Dataset`.

Labels, units and provenance are attached here, once, at the edge, for
deterministic projections and for the summaries of stochastic draws alike.
Names, dimensions, long names and units come from the one registry
:data:`projsim.types.VARIABLES`; the state dimensions (``region``, or
``region`` and ``nationality``) come from the base's
:class:`~projsim.model.states.StateSpace`. A result has the dimensions
``time``, the state dimensions, ``sex`` and ``age`` (and ``scenario`` when
several variants run together, ``draw`` for kept draws). ``population`` is
on 1 January of each ``time``; a flow at ``time`` t happens during the year
from 1 January t to 1 January t + 1, so flows are missing (NaN) at the
horizon, the last date, when no year follows it.

**Grids.** A projection by five-year group and step (``grid = "5x5"``) has
a ``time`` every five years, on the base's day of the year (1 July for a
WPP base), and labels each age group by its first age: ``age`` 95 is 95-99,
with ``age_width`` in the coordinate's attributes and ``grid`` and
``stock_date`` in the result's (:func:`age_width`, :func:`stock_date` read
them; a result without them is by single year on 1 January, as every result
was before grids existed). Its death rates are by abridged group, on the
dimension ``mortality_age`` (0, 1, 5, 10, ...). Its flows at ``time`` t
happen during the step from t to t + 5 and are **annual means**, the step's
count divided by its width, in persons per year like those of single years,
so that for every cohort

    population[t+n, a] = population[t, a-n]
                         + n * (net_migration + internal_in - internal_out - deaths)[t, a]
                         + population_floor[t, a]

(``population_floor``, in persons, is the step's). Rates are per year on
every grid.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from projsim.engine import TIMING_WEIGHTS, Projection, to_cohort
from projsim.errors import InputError
from projsim.io.files import array_sha256
from projsim.model.states import STATE_DIMS_ATTRIBUTE, StateSpace
from projsim.types import (
    FOREIGN, GRID_WIDTHS, GRIDS, MORTALITY_AGE, MOVES, NATIONALITY, REGION, SEXES, STATE,
    STOCK_DATES, VARIABLES, on_grid,
)

#: The assumptions stored beside the results (inputs of the kernel).
RATES = ("mortality_rate", "fertility_rate", "sex_ratio_at_birth")
#: The attributes of a result that name its grid and the day of its stocks;
#: results by single year on 1 January leave them out.
GRID_ATTRIBUTE, DATE_ATTRIBUTE = "grid", "stock_date"
#: Flows recorded per step rather than per year on wider grids: the persons the
#: UN floor adds at the end of a step.
PER_STEP = ("population_floor",)
#: Result variables filled from the kernel's flows of the same or another name.
FLOW_NAMES = {
    "births": "births", "births_by_age_of_mother": "births_by_age", "deaths": "deaths",
    "net_migration": "net_migration", "immigration": "immigration", "emigration": "emigration",
    "migration_adjustment": "migration_adjustment", "population_floor": "population_floor",
}


def engine_version() -> str:
    """The installed projsim version (``"unknown"`` when run from a source tree)."""
    try:
        return version("projsim")
    except PackageNotFoundError:
        return "unknown"


def age_width(dataset) -> int:
    """The width [years] of the age groups and steps of a result (1 for single years).

    Examples
    --------
    >>> import xarray as xr
    >>> age_width(xr.Dataset(attrs={"grid": "5x5"})), age_width(xr.Dataset())
    (5, 1)
    """
    grid = dataset.attrs.get(GRID_ATTRIBUTE, GRIDS[0])
    if grid not in GRIDS:
        raise InputError(f"attribute '{GRID_ATTRIBUTE}'", repr(grid), f"one of {list(GRIDS)}",
                         "pass a result of projsim.project, or one read back from its file")
    return GRID_WIDTHS[grid]


def stock_date(dataset) -> str:
    """The day of the year of a result's stocks (``"1 January"`` unless it says otherwise).

    Examples
    --------
    >>> import xarray as xr
    >>> stock_date(xr.Dataset(attrs={"stock_date": "1 July"})), stock_date(xr.Dataset())
    ('1 July', '1 January')
    """
    date = dataset.attrs.get(DATE_ATTRIBUTE, STOCK_DATES[0])
    if date not in STOCK_DATES:
        raise InputError(f"attribute '{DATE_ATTRIBUTE}'", repr(date), f"one of {list(STOCK_DATES)}",
                         "pass a result of projsim.project, or one read back from its file")
    return date


def period_text(width: int = 1, date: str = STOCK_DATES[0]) -> str:
    """The ``period`` attribute of a flow: when a flow at ``time`` happens.

    Examples
    --------
    >>> period_text(5, "1 July")
    'from 1 July of time to 1 July of time + 5; counts are means per year over the step'
    """
    text = f"from {date} of time to {date} of time + {width}"
    return text if width == 1 else f"{text}; counts are means per year over the step"


def variable(name: str, data: np.ndarray, states: StateSpace, lead: tuple[str, ...] = ("time",),
             flow: bool = False, width: int = 1, date: str = STOCK_DATES[0],
             abridged: bool = False) -> tuple[tuple[str, ...], np.ndarray, dict]:
    """A variable of the registry as (dims, data, attributes), its flat state axis split.

    Parameters
    ----------
    name : str
        A key of :data:`projsim.types.VARIABLES`.
    data : ndarray
        Values with the axes ``lead`` then the registry's, the state
        dimensions flattened to one axis.
    states : StateSpace
        The state dimensions.
    lead : tuple of str
        Dimensions before the registry's (``time``, ``scenario``, ``draw`` ...).
    flow : bool
        Whether it happens during the year (adds the ``period`` attribute).
    width, date : int, str
        The width of the grid [years] and the day of its stocks, which word
        the attributes (:func:`projsim.types.on_grid`).
    abridged : bool
        Whether its ages are the abridged groups of the death rates
        (dimension :data:`projsim.types.MORTALITY_AGE`).
    """
    spec = on_grid(name, width, date)
    dims = tuple(MORTALITY_AGE if abridged and dim == "age" else dim for dim in spec.dims)
    if STATE in dims:
        data = states.unflatten(data, len(lead) + dims.index(STATE))
    attrs = {"long_name": spec.long_name, "units": spec.units}
    if spec.age_meaning:
        attrs["age_meaning"] = spec.age_meaning
    if flow:
        attrs["period"] = period_text(width, date)
    if flow and width != 1 and name in PER_STEP:
        attrs["period"] = f"from {date} of time to {date} of time + {width}, the step's count"
    return (*lead, *states.expand(dims)), data, attrs


def coordinates(years: np.ndarray, states: StateSpace, ages: np.ndarray, width: int = 1,
                date: str = STOCK_DATES[0], mortality_ages: np.ndarray | None = None) -> dict:
    """The coordinates of time, the state dimensions, sex and age (and of the
    abridged ages of the death rates, ``mortality_ages``, when given)."""
    open_age = int(ages[-1])
    note = f"{open_age} is the open group {open_age}+"
    age_attrs = {"long_name": "age group", "units": "years", "open_age": open_age, "note": note}
    if width != 1:
        last = int(ages[-2])
        age_attrs.update(age_width=width, note=f"the first age of each {width}-year group: "
                         f"{last} is {last}-{last + width - 1}; {note}")
    coords = {
        "time": ("time", years, {"long_name": f"year (stocks on {date})", "units": "year"}),
        **{dim: (dim, labels) for dim, labels in states.coords().items()},
        "sex": ("sex", list(SEXES)),
        "age": ("age", ages, age_attrs),
    }
    if mortality_ages is not None:
        last = int(mortality_ages[-1])
        coords[MORTALITY_AGE] = (MORTALITY_AGE, mortality_ages, {
            "long_name": "abridged age group of the death rates", "units": "years",
            "open_age": last, "note": f"the first age of each group: 0 is 0, 1 is 1-4, 5 is 5-9, "
            f"...; {last} is the open group {last}+"})
    return coords


def _flows(projection: Projection, moves: tuple[str, ...]) -> dict[str, np.ndarray | None]:
    """The kernel's flows by result name, each move split into its in and out flows."""
    flows = {name: getattr(projection.flows, field) for name, field in FLOW_NAMES.items()}
    moved_in, moved_out = projection.flows.moved_in, projection.flows.moved_out
    for k, kind in enumerate(moves):
        into, out = MOVES[kind]
        if moved_in is None:          # switched off: nobody moved
            flows[into] = flows[out] = np.zeros_like(projection.flows.deaths)
        else:
            flows[into], flows[out] = moved_in[:, :, k], moved_out[:, :, k]
    return flows


def to_dataset(
    projection: Projection,
    *,
    years: np.ndarray,
    states: StateSpace,
    ages: np.ndarray,
    attrs: dict[str, str],
    inputs: dict[str, np.ndarray | None],
    rates: dict[str, np.ndarray] | None = None,
    scenarios: tuple[str, ...] | None = None,
    moves: tuple[str, ...] = (),
    width: int = 1,
    date: str = STOCK_DATES[0],
    mortality_ages: np.ndarray | None = None,
) -> xr.Dataset:
    """Label a projection.

    Parameters
    ----------
    projection : Projection
        Kernel output with axes (time, batch, state, sex, age).
    years : ndarray of int
        The dates of the stocks, one more than the steps.
    states : StateSpace
        The labelled state dimensions behind the state axis.
    ages : ndarray of int
        First age of each age group; the last one is open.
    attrs : dict
        Provenance attributes (scenario, base, conventions, seed ...).
    inputs : dict of str to ndarray
        Every input array, hashed into ``sha256_<name>`` attributes.
    rates : dict of str to ndarray, optional
        Assumed rates to store beside the results, by name in :data:`RATES`,
        with axes (time, batch, ...) of the steps (broadcast as needed).
    scenarios : tuple of str, optional
        Labels of the batch axis; by default the batch axis (of length 1) is
        dropped.
    moves : tuple of str
        The kinds of moves on the flows' ``move`` axis (:data:`projsim.types.MOVES`).
    width : int, default 1
        The width of the age groups and of the steps [years]; the kernel's
        flows of a step are divided by it (annual means).
    date : str, default "1 January"
        The day of the year of the stocks (:data:`projsim.types.STOCK_DATES`).
    mortality_ages : ndarray of int, optional
        The abridged ages of ``rates["mortality_rate"]`` when they differ from
        ``ages``.

    Returns
    -------
    xarray.Dataset
    """
    flows = _flows(projection, moves)
    steps, batch = projection.population.shape[0] - 1, projection.population.shape[1]
    sizes = {STATE: states.size, "sex": len(SEXES), "age": len(ages)}
    variables = {}
    for name, spec in VARIABLES.items():
        abridged = name == "mortality_rate" and mortality_ages is not None
        if name == "population":
            data = projection.population
        elif name in RATES:
            if not rates or name not in rates:
                continue
            shape = (steps, batch) + tuple(
                len(mortality_ages) if abridged and d == "age" else sizes[d] for d in spec.dims)
            data = np.concatenate([np.broadcast_to(rates[name], shape),
                                   np.full((1,) + shape[1:], np.nan)])
        elif flows.get(name) is not None:
            flow = flows[name] if width == 1 or name in PER_STEP else flows[name] / width
            data = np.concatenate([flow, np.full((1,) + flow.shape[1:], np.nan)])
        else:
            continue
        lead = ("time",) if scenarios is None else ("time", "scenario")
        if scenarios is None:
            data = data[:, 0]
        variables[name] = variable(name, data, states, lead, flow=name != "population",
                                   width=width, date=date, abridged=abridged)
    coords = coordinates(years, states, ages, width, date, mortality_ages)
    if scenarios is not None:
        coords["scenario"] = ("scenario", list(scenarios))
    grid = {**({GRID_ATTRIBUTE: f"{width}x{width}"} if width != 1 else {}),
            **({DATE_ATTRIBUTE: date} if date != STOCK_DATES[0] else {})}
    provenance = {"projsim_version": engine_version(), **attrs, **grid,
                  STATE_DIMS_ATTRIBUTE: " ".join(states.dims)}
    for key, array in inputs.items():
        if array is not None:
            provenance[f"sha256_{key}"] = array_sha256(np.asarray(array))
    provenance["overrides_migration_cells"] = int(
        np.count_nonzero(projection.flows.migration_adjustment))
    provenance["overrides_floor_cells"] = int(np.count_nonzero(projection.flows.population_floor))
    return xr.Dataset(variables, coords=coords, attrs=provenance)


def channel_variable(by_channel: np.ndarray, channels: tuple[str, ...], states: StateSpace,
                     timing: str, batched: bool, width: int = 1,
                     date: str = STOCK_DATES[0]) -> tuple[tuple[str, ...], np.ndarray, dict]:
    """``immigration_by_channel`` as (dims, data, attributes), labelled by cohort.

    The immigrants of each channel, by age at migration, are relabelled by the
    age their cohort reaches at the end of the step with the timing of the
    projection, exactly as the engine records ``immigration``
    (:func:`projsim.engine.cohorts.to_cohort`), so that the channels sum to the
    immigration of foreigners in every cell. Only the foreign states are kept:
    the dimensions are (time, [scenario,] channel, region, sex, age).

    Parameters
    ----------
    by_channel : ndarray, (time, batch, channel, state, sex, age)
        Immigrants of each channel [persons per year], by age at migration.
    channels : tuple of str
        The labels of the channel axis.
    states : StateSpace
        The state dimensions (region and nationality).
    timing : str
        The migration timing (:data:`projsim.types.MigrationTiming`).
    batched : bool
        Whether to keep the batch axis as ``scenario``.
    width, date : int, str
        The grid's width [years] and the day of its stocks.
    """
    at_start, middle, late = TIMING_WEIGHTS[timing]
    cohorts = to_cohort(at_start * by_channel, (middle + late) * by_channel)
    foreign = states.codes(NATIONALITY) == states.labels_of(NATIONALITY).index(FOREIGN)
    regions = states.codes(REGION)[foreign]
    data = cohorts[..., foreign, :, :][..., np.argsort(regions), :, :]
    data = np.concatenate([data, np.full((1,) + data.shape[1:], np.nan)])
    if not batched:
        data = data[:, 0]
    spec = on_grid("immigration_by_channel", width, date)
    attrs = {"long_name": spec.long_name, "units": spec.units, "age_meaning": spec.age_meaning,
             "period": period_text(width, date), "channels": " ".join(channels)}
    return (("time", "scenario") if batched else ("time",)) + spec.dims, data, attrs
