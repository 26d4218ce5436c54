"""The households a scenario asks for: its ``[households]`` section, and the household model.

A scenario may state how the households of its projection are counted
(:mod:`projsim.analysis.households` gives the method)::

    [households]
    method = "trend"                 # or "constant" (the default): the census shares held
    model = "households_belgium"     # the default; or a model's folder, relative to the file
    scale = { living_alone = { 2012 = 1.0, 2060 = 1.2 }, institution = 0.9 }

``scale`` multiplies the odds of living in a position, by year, as a value
over time (:mod:`projsim.model.paths`) or one per region of the base. The
section is validated once, when the scenario loads, into a
:class:`Households`; the model itself is read by :mod:`projsim.io.households`
(through :class:`projsim.model.scenario.Sources`) and checked here by
:func:`check_household_model`, which the analysis functions apply to any
model they are handed. Nothing here opens a file.

Examples
--------
>>> from projsim.model.paths import TimePath
>>> section = Households("constant", {"living_alone": TimePath(np.array([2012, 2022]),
...                                                            np.array([1.0, 1.5]))},
...                      "households_belgium", None)
>>> section.scale_at([2012, 2017], ["Flemish Region"])[:, 0, :2]
array([[1.  , 1.  ],
       [1.25, 1.  ]])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from projsim.errors import InputError
from projsim.model.paths import TimePath, parse_labelled_paths
from projsim.model.schema import HOUSEHOLD_SCALE, did_you_mean
from projsim.types import HOUSEHOLD_METHODS, HOUSEHOLD_POSITIONS, POSITION, REGION, SEXES

__all__ = ["MODEL_VARIABLES", "TREND_YEARS", "Households", "check_household_model",
           "validate_households"]

#: The variables of a household model, with their dimensions.
MODEL_VARIABLES = {
    "persons": (REGION, "sex", "age", POSITION),
    "children_per_couple": (REGION,),
    "other_headship": (REGION,),
    "trend": (REGION, POSITION),
}
#: The attributes of a household model that date its trend [year].
TREND_YEARS = ("trend_first", "trend_origin", "trend_until")

_MODEL_SOURCE = "the Dataset returned by projsim.io.households.read_household_model()"


@dataclass(frozen=True)
class Households:
    """A scenario's ``[households]`` section, validated.

    Attributes
    ----------
    method : {"constant", "trend"}
        How the shares of the positions move over time.
    scale : dict of str to TimePath or dict of str to TimePath
        Multipliers of the odds of positions [1], by position: one path, or
        one per region. Positions left out are not scaled.
    model_name : str
        The household model: a shipped model's name, or its folder.
    model : xarray.Dataset
        The model itself, read and checked with the scenario.
    """

    method: str
    scale: dict[str, TimePath | dict[str, TimePath]]
    model_name: str
    model: xr.Dataset | None = field(repr=False, compare=False)

    def scale_at(self, years, regions) -> np.ndarray | None:
        """The odds multipliers (time, region, position) [1] at ``years``, 1 where a
        position is not scaled; None without a ``scale``."""
        if not self.scale:
            return None
        multipliers = np.ones((len(years), len(regions), len(HOUSEHOLD_POSITIONS)))
        for position, path in self.scale.items():
            at = HOUSEHOLD_POSITIONS.index(position)
            for r, region in enumerate(regions):
                chosen = path[str(region)] if isinstance(path, dict) else path
                multipliers[:, r, at] = chosen.at(years)
        return multipliers

    def describe(self) -> str:
        """The section in one line, for a result's attributes.

        Examples
        --------
        >>> Households("trend", {}, "households_belgium", None).describe()
        'method trend, model households_belgium, no scale'
        """
        def path_text(path: TimePath) -> str:
            return ", ".join(f"{year}: {value:g}" for year, value in zip(path.years, path.values))

        scales = []
        for position, path in self.scale.items():
            paths = path.items() if isinstance(path, dict) else [(None, path)]
            scales += [f"{position}{'' if region is None else f' in {region}'} {{{path_text(p)}}}"
                       for region, p in paths]
        return (f"method {self.method}, model {Path(self.model_name).name}, "
                + (f"scale of the odds: {'; '.join(scales)}" if scales else "no scale"))


# --- the household model ---------------------------------------------------------


def check_household_model(model) -> xr.Dataset:
    """``model`` after checking it is a household model: its variables, labels and values.

    Parameters
    ----------
    model : object
        What the caller passed as the model.

    Returns
    -------
    xarray.Dataset
        The model, positions in the order of :data:`projsim.types.HOUSEHOLD_POSITIONS`.

    Raises
    ------
    projsim.errors.InputError
        If it is not a Dataset, lacks a variable or a dimension, has other
        positions or sexes, ages that are not single years from 0, values that
        are negative or not finite, a cell where nobody lives, fewer than one
        child per couple with children, or trend years out of order.
    """
    if not isinstance(model, xr.Dataset):
        raise InputError("argument 'model'", f"an object of type {type(model).__name__}",
                         "an xarray.Dataset holding a household model", f"pass {_MODEL_SOURCE}")
    for name, dims in MODEL_VARIABLES.items():
        if name not in model.data_vars or set(model[name].dims) != set(dims):
            got = f"dimensions {model[name].dims}" if name in model.data_vars else "no such variable"
            raise InputError(f"household model, variable '{name}'", got,
                             f"the dimensions {dims}, in any order", f"pass {_MODEL_SOURCE}")
    for dim, labels in ((POSITION, HOUSEHOLD_POSITIONS), ("sex", SEXES)):
        if sorted(map(str, model[dim].values)) != sorted(labels):
            got = repr(list(map(str, model[dim].values)))
            raise InputError(f"household model, coordinate '{dim}'", got, f"the labels {list(labels)}",
                             "label the model with projsim's vocabulary (projsim.types)")
    ages = model["age"].values
    if not np.array_equal(ages, np.arange(ages.size)):
        raise InputError("household model, coordinate 'age'",
                         np.array2string(ages, threshold=6, separator=", "),
                         "single years of age 0, 1, ..., the last one open",
                         "give the shares by single year of age")
    _check_values(model)
    years = [model.attrs.get(key) for key in TREND_YEARS]
    if not all(isinstance(y, (int, np.integer)) for y in years) or not years[0] <= years[1] <= years[2]:
        raise InputError("household model, attributes " + ", ".join(TREND_YEARS), repr(years),
                         "whole years with trend_first <= trend_origin <= trend_until",
                         "date the trend: the years of its fit and its origin")
    return model.transpose(*MODEL_VARIABLES["persons"]).sel({POSITION: list(HOUSEHOLD_POSITIONS),
                                                             "sex": list(SEXES)})


def _check_values(model: xr.Dataset) -> None:
    rules = {
        "persons": (lambda v: v >= 0, "numbers of persons >= 0"),
        "children_per_couple": (lambda v: v >= 1, "at least 1 child per couple with children"),
        "other_headship": (lambda v: v >= 0, "households per person >= 0"),
        "trend": (lambda v: np.isfinite(v), "finite slopes [per year]"),
    }
    for name, (rule, expected) in rules.items():
        values = model[name].values
        bad = ~(np.isfinite(values) & rule(values))
        if bad.any():
            cell = {dim: model[dim].values[i].item() for dim, i in
                    zip(model[name].dims, np.argwhere(bad)[0])}
            raise InputError(f"household model, variable '{name}'",
                             f"{values[bad][0].item()!r} at {cell}", expected,
                             f"pass {_MODEL_SOURCE}, or correct the value")
    empty = model["persons"].sum(POSITION) <= 0
    if empty.any():
        cell = {dim: empty[dim].values[i].item() for dim, i in
                zip(empty.dims, np.argwhere(empty.values)[0])}
        raise InputError("household model, variable 'persons'", f"nobody at {cell}",
                         "persons in some position in every region, sex and age",
                         "pool the empty ages with their neighbours before building the model")


# --- the [households] section ------------------------------------------------------


def validate_households(section: dict[str, tuple[Any, Path]], path: Path, head: dict,
                        problems: list, read_model, inherited) -> Households | None:
    """The ``[households]`` section of a scenario, checked; None if any problem.

    Parameters
    ----------
    section : dict
        Its keys, each with its value and the file it was written in
        (files merged through ``extends``: :mod:`projsim.model.document`).
    path : Path
        The scenario file, for keys left out.
    head : dict
        The scenario's validated base, base year and horizon.
    problems : list of InputError
        Receives every problem found.
    read_model : callable
        ``read_model(name, relative_to)``: the resolved name and the model
        Dataset (:meth:`projsim.model.scenario.Sources.household_model`);
        ``name`` None for the default model.
    inherited : callable
        ``inherited(origin)``: whether a path written in ``origin`` may reach
        past the horizon (:mod:`projsim.model.paths`).
    """
    known = len(problems)
    method, origin = section.get("method", (HOUSEHOLD_METHODS[0], path))
    if method not in HOUSEHOLD_METHODS:
        problems.append(InputError(f"{origin}: households.method", repr(method),
                                   f"one of {list(HOUSEHOLD_METHODS)}",
                                   did_you_mean(str(method), HOUSEHOLD_METHODS)
                                   or "choose 'constant' (the census shares held) or 'trend' "
                                   "(moved along the model's trend)"))
    name, model = _model(section, path, head["base_data"], problems, read_model)
    value, origin = section.get("scale", ({}, path))
    where = f"{origin}: households.scale"
    if not isinstance(value, dict):
        problems.append(InputError(where, repr(value), "a table of multipliers by position",
                                   f"write scale = {{ {HOUSEHOLD_POSITIONS[0]} = ... }}"))
        value = {}
    scale = {}
    for position, given in value.items():
        if position not in HOUSEHOLD_POSITIONS:
            problems.append(InputError(f"{where}.{position}", "an unknown position",
                                       f"one of {list(HOUSEHOLD_POSITIONS)}",
                                       did_you_mean(position, HOUSEHOLD_POSITIONS)
                                       or "name one of these positions"))
            continue
        scale[position] = parse_labelled_paths(f"{where}.{position}", given, HOUSEHOLD_SCALE,
                                               head["base_data"], head, problems,
                                               inherited(origin))
    if len(problems) > known:
        return None
    return Households(method, scale, name, model)


def _model(section, path, base, problems, read_model):
    """The household model the section names, read, checked and covering the base's regions."""
    name, origin = section.get("model", (None, path))
    where = f"{origin}: households.model"
    if name is not None and not isinstance(name, str):
        problems.append(InputError(where, repr(name), "a text in quotes: a model shipped with "
                                   "projsim or a folder", 'write model = "households_belgium", '
                                   "or the folder of a model relative to the scenario file"))
        return None, None
    try:
        resolved, model = read_model(name, Path(origin).parent)
    except InputError as error:
        inner = "" if error.where == "household model" else f": {error.where}"
        problems.append(InputError(where + inner, error.got, error.expected, error.fix))
        return None, None
    try:
        model = check_household_model(model)
    except InputError as error:
        problems.append(InputError(f"{where}: {error.where}", error.got, error.expected,
                                   "correct the model's files, or remove 'model' to use the "
                                   "model shipped with projsim"))
        return None, None
    regions = base.states.labels_of(REGION) if base.states.has(REGION) else ()
    missing = [r for r in regions if r not in model[REGION].values]
    if not regions or missing:
        problems.append(InputError(
            where, f"the model {name or resolved!r}, without the region "
            f"{missing[0]!r} of the base {base.name}" if missing else
            f"a base {base.name} without regions", "a household model of every region of the "
            f"base, among {list(map(str, model[REGION].values))}",
            "name a model estimated for the base's regions, or remove the [households] section"))
        return None, None
    return resolved, model
