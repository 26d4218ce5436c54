"""Labelled results: the kernel's arrays as an :class:`xarray.Dataset`.

Labels, units and provenance are attached here, once, at the edge. The
Dataset has the dimensions ``time``, ``region``, ``sex`` and ``age`` (and
``scenario`` when several variants run together). ``population`` is on
1 January of each ``time``; a flow at ``time`` t happens during the year
from 1 January t to 1 January t + 1, so flows are missing (NaN) at the
horizon, the last date, when no year follows it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from projsim.io import array_sha256
from projsim.kernel import Projection

COHORT = (
    "by age group reached at the end of the year (Lexis parallelogram: the cohort "
    "aged a-1 on 1 January t, or born during t for a = 0)"
)
#: name: (dims after time, long name, units, age labelling or None)
VARIABLES = {
    "population": (("region", "sex", "age"), "population on 1 January", "persons",
                   "age in completed years on 1 January"),
    "births": (("region", "sex"), "live births by sex of the child, by state of the mother",
               "persons per year", None),
    "births_by_age_of_mother": (("region", "age"), "live births by age group of the mother",
                                "persons per year", "age of the mother on 1 January t"),
    "deaths": (("region", "sex", "age"), "deaths", "persons per year", COHORT),
    "net_migration": (("region", "sex", "age"), "international net migration applied",
                      "persons per year", COHORT),
    "immigration": (("region", "sex", "age"), "international immigration", "persons per year",
                    COHORT),
    "emigration": (("region", "sex", "age"), "international emigration", "persons per year",
                   COHORT),
    "internal_in": (("region", "sex", "age"), "internal in-migration from the other regions",
                    "persons per year", COHORT),
    "internal_out": (("region", "sex", "age"), "internal out-migration to the other regions",
                     "persons per year", COHORT),
    "migration_adjustment": (("region", "sex", "age"),
                             "net migration applied minus net migration asked for",
                             "persons per year",
                             "age at migration, as in the scenario's migration input"),
    "population_floor": (("region", "sex", "age"), "persons added by the UN population floor",
                         "persons", COHORT),
    "mortality_rate": (("region", "sex", "age"), "central death rate assumed",
                       "deaths per person-year", "age in completed years during the year"),
    "fertility_rate": (("region", "age"), "age-specific fertility rate assumed",
                       "births per woman per year", "age of the mother on 1 January t"),
    "sex_ratio_at_birth": (("region",), "sex ratio at birth assumed",
                           "male births per female birth", None),
}
#: The assumptions stored beside the results (inputs of the kernel).
RATES = ("mortality_rate", "fertility_rate", "sex_ratio_at_birth")
FLOW_NAMES = {
    "births": "births", "births_by_age_of_mother": "births_by_age", "deaths": "deaths",
    "net_migration": "net_migration", "immigration": "immigration", "emigration": "emigration",
    "internal_in": "internal_in", "internal_out": "internal_out",
    "migration_adjustment": "migration_adjustment", "population_floor": "population_floor",
}


def engine_version() -> str:
    """The installed projsim version (``"unknown"`` when run from a source tree)."""
    try:
        return version("projsim")
    except PackageNotFoundError:
        return "unknown"


def to_dataset(
    projection: Projection,
    *,
    years: np.ndarray,
    regions: tuple[str, ...],
    sexes: tuple[str, ...],
    ages: np.ndarray,
    attrs: dict[str, str],
    inputs: dict[str, np.ndarray | None],
    rates: dict[str, np.ndarray] | None = None,
    scenarios: tuple[str, ...] | None = None,
) -> xr.Dataset:
    """Label a projection.

    Parameters
    ----------
    projection : Projection
        Kernel output with axes (time, batch, state, sex, age).
    years : ndarray of int
        The 1 January dates, one more than the steps.
    regions, sexes : tuple of str
        Labels of the state and sex axes.
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

    Returns
    -------
    xarray.Dataset
    """
    variables = {}
    for name, (dims, long_name, units, age_meaning) in VARIABLES.items():
        if name == "population":
            data = projection.population
        elif name in RATES:
            if not rates or name not in rates:
                continue
            steps, batch = projection.population.shape[0] - 1, projection.population.shape[1]
            shape = (steps, batch) + tuple(
                {"region": len(regions), "sex": len(sexes), "age": len(ages)}[d] for d in dims)
            data = np.concatenate([np.broadcast_to(rates[name], shape),
                                   np.full((1,) + shape[1:], np.nan)])
        else:
            flow = getattr(projection.flows, FLOW_NAMES[name])
            if flow is None:
                continue
            data = np.concatenate([flow, np.full((1,) + flow.shape[1:], np.nan)])
        if scenarios is None:
            data, full_dims = data[:, 0], ("time", *dims)
        else:
            full_dims = ("time", "scenario", *dims)
        attrs_v = {"long_name": long_name, "units": units}
        if age_meaning:
            attrs_v["age_meaning"] = age_meaning
        if name != "population":
            attrs_v["period"] = "from 1 January of time to 1 January of time + 1"
        variables[name] = (full_dims, data, attrs_v)
    coords = {
        "time": ("time", years, {"long_name": "year (stocks on 1 January)", "units": "year"}),
        "region": ("region", list(regions)),
        "sex": ("sex", list(sexes)),
        "age": ("age", ages, {"long_name": "age group", "units": "years",
                              "open_age": int(ages[-1]),
                              "note": f"{int(ages[-1])} is the open group {int(ages[-1])}+"}),
    }
    if scenarios is not None:
        coords["scenario"] = ("scenario", list(scenarios))
    provenance = {"projsim_version": engine_version(), **attrs}
    for key, array in inputs.items():
        if array is not None:
            provenance[f"sha256_{key}"] = array_sha256(np.asarray(array))
    provenance["overrides_migration_cells"] = int(
        np.count_nonzero(projection.flows.migration_adjustment))
    provenance["overrides_floor_cells"] = int(np.count_nonzero(projection.flows.population_floor))
    return xr.Dataset(variables, coords=coords, attrs=provenance)
