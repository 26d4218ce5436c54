"""Scenario files: what a user states about the future, read and validated once.

A scenario is a TOML file that names a base (an embedded dataset), a horizon,
the conventions and, for each component, a multiplier of the base rates as a
path over time. The format is documented in the README ("Scenario files");
bundled scenarios are in the repository's ``scenarios/`` folder and install
as ``projsim.scenarios``.

Every problem is reported at load time as an :class:`~projsim.errors.InputError`
whose message names the file, the key, the value, what was expected and how
to fix it.

Examples
--------
>>> scenario = load_scenario("belgium-2012")
>>> scenario.base, scenario.horizon, scenario.migration_timing
('belgium-2012', 2061, 'even')
>>> scenario.paths["fertility"].at(np.arange(2012, 2015))
array([1., 1., 1.])
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from projsim.base import base_year, list_bases
from projsim.errors import InputError
from projsim.io import read_toml
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS

#: Components whose base rates a scenario scales, and the largest multiplier
#: accepted for each (a larger one is almost surely a typing error).
COMPONENTS: dict[str, float] = {
    "fertility": 10.0,
    "mortality": 10.0,
    "international_migration": 10.0,
    "internal_migration": 10.0,
}
TOP_KEYS = ("name", "description", "base", "horizon", "open_age", "conventions", *COMPONENTS)
CONVENTION_KEYS = {"migration_timing": MIGRATION_TIMINGS, "safeguard": SAFEGUARDS}
COMPONENT_KEYS = ("scale",)
#: The largest horizon accepted, in years after the base.
MAX_YEARS = 300
#: Accepted open age groups [years]: the lowest lies above every childbearing
#: age (the kernel needs zero fertility in the open group), the highest is the
#: oldest age the engine supports.
OPEN_AGES = (60, 130)


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
        """Return the value at each of ``years`` (linear interpolation)."""
        return np.interp(np.asarray(years, dtype=float), self.years, self.values)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Attributes
    ----------
    name, description : str
        Identification shown in results and summaries.
    base : str
        Name of the embedded base dataset (see :func:`projsim.base.list_bases`).
    horizon : int
        The last 1 January projected [year].
    open_age : int or None
        First age of the open age group [years]; ``None`` keeps the base's.
    migration_timing, safeguard : str
        Kernel conventions (:mod:`projsim.types`).
    paths : dict of str to TimePath
        Multiplier of the base rates of each component, by year [1].
    source : str
        The file the scenario was read from.
    sha256 : str
        SHA-256 of the file's bytes.
    """

    name: str
    description: str
    base: str
    horizon: int
    open_age: int | None
    migration_timing: str
    safeguard: str
    paths: dict[str, TimePath] = field(repr=False)
    source: str
    sha256: str


def bundled_scenarios() -> dict[str, Path]:
    """Return the bundled scenarios, by name, with their files.

    Examples
    --------
    >>> "belgium-2012" in bundled_scenarios()
    True
    """
    folder = resources.files("projsim") / "scenarios"
    files = sorted(Path(str(f)) for f in folder.iterdir() if f.name.endswith(".toml"))
    return {f.stem: f for f in files}


def find_scenario(name_or_path: str | Path) -> Path:
    """Resolve a bundled scenario name or a path to a scenario file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise InputError(str(path), "no such file", "an existing scenario file",
                             "check the path, or run 'projsim list' for the bundled scenarios")
        return path
    bundled = bundled_scenarios()
    if str(name_or_path) not in bundled:
        raise InputError("scenario", repr(str(name_or_path)),
                         f"a file path or a bundled scenario ({', '.join(bundled)})",
                         _did_you_mean(str(name_or_path), bundled)
                         or "run 'projsim list' to see the bundled scenarios")
    return bundled[str(name_or_path)]


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    name_or_path : str or Path
        A bundled scenario's name (``projsim list``) or a TOML file.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        On the first problem found; :func:`check_scenario` lists them all.
    """
    problems, scenario = _read(name_or_path)
    if problems:
        raise problems[0]
    return scenario


def check_scenario(name_or_path: str | Path) -> list[InputError]:
    """Return every problem of a scenario file (an empty list if it is valid)."""
    return _read(name_or_path)[0]


def _read(name_or_path):
    try:
        path = find_scenario(name_or_path)
        document = read_toml(path)
    except InputError as error:
        return [error], None
    problems: list[InputError] = []
    where = str(path)

    def need(key, kind, default=None):
        value = document.get(key, default)
        if value is None:
            problems.append(InputError(f"{where}: {key}", "nothing", f"a {kind.__name__}",
                                       f"add '{key} = ...' at the top of the file"))
        elif not isinstance(value, kind) or isinstance(value, bool):
            problems.append(InputError(f"{where}: {key}", repr(value), f"a {kind.__name__}",
                                       f"write {key} as a {kind.__name__}"))
            value = None
        return value

    problems += _unknown_keys(where, "", document, TOP_KEYS)
    name = need("name", str, path.stem)
    description = need("description", str, "")
    base = need("base", str)
    horizon = need("horizon", int)
    base_year = _base_year(where, base, problems)
    if base_year is not None and horizon is not None and not (
        base_year < horizon <= base_year + MAX_YEARS
    ):
        problems.append(InputError(f"{where}: horizon", repr(horizon),
                                   f"a year after the base year {base_year} and at most "
                                   f"{base_year + MAX_YEARS}", "set the last 1 January to project"))
        horizon = None
    open_age = document.get("open_age")
    if open_age is not None and (not isinstance(open_age, int) or isinstance(open_age, bool)
                                 or not OPEN_AGES[0] <= open_age <= OPEN_AGES[1]):
        problems.append(InputError(f"{where}: open_age", repr(open_age),
                                   f"a whole number of years from {OPEN_AGES[0]} to {OPEN_AGES[1]}",
                                   "give the first age of the open age group, e.g. 110"))
    conventions = _table(where, document, "conventions", problems)
    problems += _unknown_keys(where, "conventions.", conventions, tuple(CONVENTION_KEYS))
    chosen = {}
    for key, allowed in CONVENTION_KEYS.items():
        value = conventions.get(key, allowed[0])
        if value not in allowed:
            problems.append(InputError(f"{where}: conventions.{key}", repr(value),
                                       f"one of {list(allowed)}",
                                       _did_you_mean(str(value), allowed) or "pick one of them"))
        chosen[key] = value
    paths = {}
    for component, largest in COMPONENTS.items():
        table = _table(where, document, component, problems)
        problems += _unknown_keys(where, f"{component}.", table, COMPONENT_KEYS)
        paths[component] = _path(where, f"{component}.scale", table.get("scale", 1.0),
                                 largest, base_year, horizon, problems,
                                 positive=component == "mortality")
    if problems:
        return problems, None
    scenario = Scenario(
        name=name, description=description, base=base, horizon=horizon, open_age=open_age,
        migration_timing=chosen["migration_timing"], safeguard=chosen["safeguard"],
        paths=paths, source=where, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    return problems, scenario


def _base_year(where, base, problems):
    if base is None:
        return None
    if base not in list_bases():
        problems.append(InputError(f"{where}: base", repr(base),
                                   f"one of the embedded bases {list(list_bases())}",
                                   _did_you_mean(base, list_bases()) or "pick an embedded base"))
        return None
    return base_year(base)


def _table(where, document, key, problems):
    value = document.get(key, {})
    if not isinstance(value, dict):
        problems.append(InputError(f"{where}: {key}", repr(value), "a table",
                                   f"write it as a [{key}] section"))
        return {}
    return value


def _unknown_keys(where, prefix, table, allowed):
    return [
        InputError(f"{where}: {prefix}{key}", "an unknown key", f"one of {list(allowed)}",
                   _did_you_mean(key, allowed) or "remove it")
        for key in table
        if key not in allowed
    ]


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


def _path(where, key, value, largest, base_year, horizon, problems, positive):
    """Turn a number or a {year = value} table into a validated :class:`TimePath`."""
    low = "greater than 0" if positive else "at least 0"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        points: dict[str, Any] = {str(base_year): value}
    elif isinstance(value, dict) and value:
        points = value
    else:
        problems.append(InputError(f"{where}: {key}", repr(value),
                                   "a number or a table of {year = value}",
                                   f"write for example {key.split('.')[-1]} = 1.0"))
        return None
    years, values = [], []
    for year_text, number in points.items():
        full = f"{where}: {key}.{year_text}"
        try:
            year = int(year_text)
        except ValueError:
            problems.append(InputError(full, repr(year_text), "a year such as 2030",
                                       "use years as keys"))
            return None
        ok = isinstance(number, (int, float)) and not isinstance(number, bool)
        if not ok or not np.isfinite(number) or number < 0 or (positive and number == 0) \
                or number > largest:
            problems.append(InputError(full, repr(number), f"a number {low} and at most {largest}",
                                       "give a multiplier of the base rates"))
            return None
        years.append(year)
        values.append(float(number))
    if base_year is None or horizon is None:
        return None
    if any(b <= a for a, b in zip(years, years[1:])):
        problems.append(InputError(f"{where}: {key}", f"years {years}", "increasing years",
                                   "list the years in increasing order, each once"))
    elif years[0] > base_year or years[-1] >= horizon:
        problems.append(InputError(f"{where}: {key}", f"years {years[0]} to {years[-1]}",
                                   f"a first year at or before the base year {base_year} "
                                   f"and years before the horizon {horizon}",
                                   f"start the path at {base_year}"))
    else:
        return TimePath(np.array(years), np.array(values))
    return None
