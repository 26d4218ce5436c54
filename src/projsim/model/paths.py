"""Values over time: :class:`TimePath`, and how a scenario states and checks them.

A value over time is a number (constant) or a table ``{year = value}``,
linear between the years given and constant after the last one; its first
year must not be after the base year (nor its last at or after the horizon,
unless the path is inherited from a scenario with a later horizon). Methods
declared ``by`` region or sex (:data:`projsim.model.schema.METHODS`) take one
such path per label. The parsers append every problem to a list, as
:func:`projsim.model.scenario.validate` collects them.

Examples
--------
>>> path = TimePath(np.array([2012, 2022]), np.array([1.0, 2.0]))
>>> path.at(np.arange(2012, 2015))
array([1. , 1.1, 1.2])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from projsim.errors import InputError
from projsim.model.schema import Method, bad_number, did_you_mean, expected_number
from projsim.types import NATIONALITY, REGION, SEXES


@dataclass(frozen=True)
class TimePath:
    """A value over time: given at some years, linear between, constant after.

    Attributes
    ----------
    years : ndarray of int
        Increasing years at which the value is given.
    values : ndarray of float
        The values at those years.
    """

    years: np.ndarray
    values: np.ndarray

    def at(self, years) -> np.ndarray:
        """Return the value at each of ``years`` (linear interpolation).

        Examples
        --------
        >>> TimePath(np.array([2012, 2022]), np.array([1.0, 2.0])).at([2012, 2017, 2030])
        array([1. , 1.5, 2. ])
        """
        return np.interp(np.asarray(years, dtype=float), self.years, self.values)


def over_steps(path: TimePath, steps: np.ndarray, width: int = 1) -> np.ndarray:
    """A path's value in each step: the mean of its values in the step's ``width`` years.

    A step of one year takes the value of its year. A five-year step takes
    the mean of the values of its five years, the value a single-year
    projection would apply on average: for a linear path, the value two
    years after the step's first (its midpoint, for years counted from their
    start); a flow per year times the width gives the step's total.

    Examples
    --------
    >>> path = TimePath(np.array([2020, 2030]), np.array([0.0, 10.0]))
    >>> over_steps(path, np.array([2020, 2025]), 5)
    array([2., 7.])
    """
    if width == 1:
        return path.at(steps)
    return path.at(np.asarray(steps)[:, None] + np.arange(width)).mean(axis=-1)


def parse_labelled_paths(where, value, spec, base, head, problems, inherited=False):
    """A path, or (for methods given by region or sex) a dict of paths."""
    by_state = spec.by in (REGION, NATIONALITY) and base.states.has(spec.by)
    labels = base.states.labels_of(spec.by) if by_state else {"sex": SEXES}.get(spec.by)
    is_table_of_labels = isinstance(value, dict) and value and all(
        isinstance(v, (dict, int, float)) and not str(k).strip().isdigit() for k, v in value.items())
    if spec.by in (REGION, NATIONALITY) and not by_state and is_table_of_labels:
        problems.append(InputError(where, f"paths by {spec.by} ({', '.join(map(str, value))})",
                                   f"one national path: the base {base.name} has no {spec.by} "
                                   "dimension", f"give one number or {{year = value}} table, or "
                                   f"use a base by {spec.by}"))
        return None
    if spec.by == "sex" or (labels and is_table_of_labels):
        if not isinstance(value, dict):
            problems.append(InputError(where, repr(value), f"a table with one path per {spec.by} "
                                       f"({', '.join(labels)})",
                                       f"write {where.split('.')[-1]} = {{ {labels[0]} = ..., ... }}"))
            return None
        unknown = [k for k in value if k not in labels]
        missing = [k for k in labels if k not in value]
        if unknown:
            problems.append(InputError(f"{where}.{unknown[0]}", f"an unknown {spec.by}",
                                       f"one of {list(labels)}",
                                       did_you_mean(unknown[0], labels) or f"use the base's {spec.by} names"))
            return None
        if missing:
            problems.append(InputError(where, f"no path for {missing[0]}",
                                       f"one path per {spec.by}: {list(labels)}",
                                       f"add {missing[0]} = ..."))
            return None
        paths = {k: parse_path(f"{where}.{k}", value[k], spec, head, problems, inherited)
                 for k in labels}
        return None if any(p is None for p in paths.values()) else paths
    return parse_path(where, value, spec, head, problems, inherited)


def parse_path(where, value, spec: Method, head, problems, inherited=False):
    """Turn a number or a {year = value} table into a validated :class:`TimePath`.

    A path written in another file than the horizon (inherited through
    ``extends`` by a scenario with a shorter horizon) may reach past the
    horizon: its later years are interpolated from but never reached.
    """
    first, horizon = head["base_year"], head["horizon"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        points: dict[str, Any] = {str(first): value}
    elif isinstance(value, dict) and value:
        points = value
    else:
        problems.append(InputError(where, repr(value), "a number or a table of {year = value}",
                                   f"write for example {where.split('.')[-1]} = {{ {first} = ... }}"))
        return None
    years, values = [], []
    for year_text, number in points.items():
        full = f"{where}.{year_text}"
        try:
            year = int(year_text)
        except ValueError:
            problems.append(InputError(full, repr(year_text), "a year such as 2030",
                                       "use years as keys"))
            return None
        if bad_number(number, spec):
            problems.append(InputError(full, repr(number), expected_number(spec), f"give {spec.meaning}"))
            return None
        years.append(year)
        values.append(float(number))
    if any(b <= a for a, b in zip(years, years[1:])):
        problems.append(InputError(where, f"years {years}", "increasing years",
                                   "list the years in increasing order, each once"))
    elif years[0] > first or (years[-1] >= horizon and not inherited):
        problems.append(InputError(where, f"years {years[0]} to {years[-1]}",
                                   f"a first year at or before the base year {first} "
                                   f"and years before the horizon {horizon}",
                                   f"start the path at {first} and end it by {horizon - 1}"))
    else:
        return TimePath(np.array(years), np.array(values))
    return None


def check_net_total(where, path, base, problems):
    """A net outflow may not exceed the base population."""
    if path is None:
        return
    population = float(base.population.sum())
    too_large = np.flatnonzero(np.abs(path.values) >= population)
    if too_large.size:
        i = too_large[0]
        problems.append(InputError(f"{where}.{path.years[i]}", f"{path.values[i]:g}",
                                   f"net migrants fewer than the base population ({population:,.0f})",
                                   "give persons per year, not a cumulated or scaled figure"))
