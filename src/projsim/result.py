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
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from projsim.engine import Projection
from projsim.io.files import array_sha256
from projsim.model.states import STATE_DIMS_ATTRIBUTE, StateSpace
from projsim.types import MOVES, SEXES, STATE, VARIABLES

#: The assumptions stored beside the results (inputs of the kernel).
RATES = ("mortality_rate", "fertility_rate", "sex_ratio_at_birth")
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


def variable(name: str, data: np.ndarray, states: StateSpace, lead: tuple[str, ...] = ("time",),
             flow: bool = False) -> tuple[tuple[str, ...], np.ndarray, dict]:
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
    """
    spec = VARIABLES[name]
    dims = spec.dims
    if STATE in dims:
        data = states.unflatten(data, len(lead) + dims.index(STATE))
    attrs = {"long_name": spec.long_name, "units": spec.units}
    if spec.age_meaning:
        attrs["age_meaning"] = spec.age_meaning
    if flow:
        attrs["period"] = "from 1 January of time to 1 January of time + 1"
    return (*lead, *states.expand(dims)), data, attrs


def coordinates(years: np.ndarray, states: StateSpace, ages: np.ndarray) -> dict:
    """The coordinates of time, the state dimensions, sex and age."""
    return {
        "time": ("time", years, {"long_name": "year (stocks on 1 January)", "units": "year"}),
        **{dim: (dim, labels) for dim, labels in states.coords().items()},
        "sex": ("sex", list(SEXES)),
        "age": ("age", ages, {"long_name": "age group", "units": "years",
                              "open_age": int(ages[-1]),
                              "note": f"{int(ages[-1])} is the open group {int(ages[-1])}+"}),
    }


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
) -> xr.Dataset:
    """Label a projection.

    Parameters
    ----------
    projection : Projection
        Kernel output with axes (time, batch, state, sex, age).
    years : ndarray of int
        The 1 January dates, one more than the steps.
    states : StateSpace
        The labelled state dimensions behind the state axis.
    ages : ndarray of int
        Age groups; the last one is open.
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

    Returns
    -------
    xarray.Dataset
    """
    flows = _flows(projection, moves)
    steps, batch = projection.population.shape[0] - 1, projection.population.shape[1]
    sizes = {STATE: states.size, "sex": len(SEXES), "age": len(ages)}
    variables = {}
    for name, spec in VARIABLES.items():
        if name == "population":
            data = projection.population
        elif name in RATES:
            if not rates or name not in rates:
                continue
            shape = (steps, batch) + tuple(sizes[d] for d in spec.dims)
            data = np.concatenate([np.broadcast_to(rates[name], shape),
                                   np.full((1,) + shape[1:], np.nan)])
        elif flows.get(name) is not None:
            flow = flows[name]
            data = np.concatenate([flow, np.full((1,) + flow.shape[1:], np.nan)])
        else:
            continue
        lead = ("time",) if scenarios is None else ("time", "scenario")
        if scenarios is None:
            data = data[:, 0]
        variables[name] = variable(name, data, states, lead, flow=name != "population")
    coords = coordinates(years, states, ages)
    if scenarios is not None:
        coords["scenario"] = ("scenario", list(scenarios))
    provenance = {"projsim_version": engine_version(), **attrs,
                  STATE_DIMS_ATTRIBUTE: " ".join(states.dims)}
    for key, array in inputs.items():
        if array is not None:
            provenance[f"sha256_{key}"] = array_sha256(np.asarray(array))
    provenance["overrides_migration_cells"] = int(
        np.count_nonzero(projection.flows.migration_adjustment))
    provenance["overrides_floor_cells"] = int(np.count_nonzero(projection.flows.population_floor))
    return xr.Dataset(variables, coords=coords, attrs=provenance)
