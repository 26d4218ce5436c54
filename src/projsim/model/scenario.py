"""The scenario schema: what a user states about the future, validated once.

A scenario is a TOML file that names a base (an embedded dataset), a horizon,
the conventions and, for each component of change, how its rates evolve:

* ``[fertility]``: ``tfr`` (a total fertility rate path, national or by
  region, applied to the base age schedule rescaled), ``scale`` (a multiplier
  of the base rates) or ``table`` (a CSV file of rates by year, region and
  age); optionally ``sex_ratio_at_birth``;
* ``[mortality]``: ``e0`` (life expectancy at birth by sex, reached each year
  by moving log-mortality along the Lee-Carter age pattern), ``scale`` or
  ``table``;
* ``[international_migration]``: ``net_total`` (national net migrants per
  year, spread over region, sex and age by ``profile``), ``scale`` or
  ``table``;
* ``[internal_migration]``: ``scale`` (0 switches it off) or ``table``.

A value over time is a number (constant) or a table ``{year = value}``,
linear between the years given and constant after the last one; its first
year must not be after the base year (nor its last at or after the horizon,
unless the path is inherited from a scenario with a later horizon). A
section left out keeps the base rates constant. ``extends = "other"`` starts from another scenario (a bundled
name or a file relative to this one) and overrides only what it states: a
key replaces the parent's key, and stating one of a section's methods
(``scale``, ``tfr``, ``e0``, ``net_total``, ``table``) replaces the parent's
method. ``[variants.NAME]`` tables state variants in the same way; the
scenario and its variants run together as one projection with a
``scenario`` dimension.

Every problem is reported at load time as an :class:`~projsim.errors.InputError`
naming the file, the key, the value, what was expected and how to fix it;
:func:`projsim.io.check_scenario` lists them all. The files themselves are
read by :mod:`projsim.io.scenarios`, which hands them to :func:`validate`;
nothing here opens a file.

Examples
--------
>>> path = TimePath(np.array([2012, 2022]), np.array([1.0, 2.0]))
>>> path.at(np.arange(2012, 2015))
array([1. , 1.1, 1.2])
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from projsim.errors import InputError
from projsim.model.base import Base
from projsim.types import MIGRATION_TIMINGS, REGION, SAFEGUARDS, SEXES, STATE

#: The largest horizon accepted, in years after the base.
MAX_YEARS = 300
#: Accepted open age groups [years]: the lowest lies above every childbearing
#: age (the kernel needs zero fertility in the open group), the highest is the
#: oldest age the engine supports.
OPEN_AGES = (60, 130)
#: Net international migration profiles a ``net_total`` can be spread by
#: (or a CSV file).
PROFILES = ("base", "rogers-castro")
#: Immigration profiles an ``immigration`` total can be spread by (or a CSV file).
IMMIGRATION_PROFILES = ("census-2011",)


@dataclass(frozen=True)
class Method:
    """How one method of a component reads its value.

    Attributes
    ----------
    low, high : float
        Accepted range of the values (``low`` excluded when ``open_low``).
    meaning : str
        What a value is, with its unit, for messages.
    by : str or None
        ``REGION`` if the path may be given per region, ``"sex"`` if it
        must be given per sex, ``None`` for a single path.
    open_low : bool
        Whether ``low`` itself is excluded.
    """

    low: float
    high: float
    meaning: str
    by: str | None = None
    open_low: bool = False


#: For each component, its methods; the first is the default (scale = 1).
METHODS: dict[str, dict[str, Method | None]] = {
    "fertility": {
        "scale": Method(0.0, 10.0, "a multiplier of the base fertility rates"),
        "tfr": Method(0.0, 10.0, "a total fertility rate [children per woman]", by=REGION,
                      open_low=True),
        "table": None,
    },
    "mortality": {
        "scale": Method(0.0, 10.0, "a multiplier of the base death rates", open_low=True),
        "e0": Method(15.0, 120.0, "a life expectancy at birth [years]", by="sex"),
        "table": None,
    },
    "international_migration": {
        "scale": Method(0.0, 10.0, "a multiplier of the base net migration"),
        "net_total": Method(-np.inf, np.inf, "net international migrants [persons per year]"),
        "immigration": Method(0.0, np.inf, "international immigrants [persons per year]"),
        "table": None,
    },
    "internal_migration": {
        "scale": Method(0.0, 10.0, "a multiplier of the base out-migration rates"),
        "table": None,
    },
}
@dataclass(frozen=True)
class Option:
    """A key of a component that is not a method.

    Attributes
    ----------
    number : Method or None
        If a number is accepted, its range.
    choices : tuple of str
        Named choices accepted.
    file : tuple or None
        If a CSV file is accepted: its value column and dimensions (no year).
    methods : tuple of str
        The methods the option goes with.
    """

    number: Method | None = None
    choices: tuple[str, ...] = ()
    file: tuple[str, tuple[str, ...]] | None = None
    methods: tuple[str, ...] = ()


#: Keys of a component that are not methods, with their checks.
OPTIONS: dict[str, dict[str, Option]] = {
    "fertility": {
        "sex_ratio_at_birth": Option(number=Method(0.8, 1.25, "male births per female birth"),
                                     methods=("scale", "tfr", "table")),
        "schedule": Option(file=("fertility_rate", (STATE, "age")), methods=("tfr",)),
    },
    "international_migration": {
        "profile": Option(choices=PROFILES, file=("net_migration", (STATE, "sex", "age")),
                          methods=("net_total",)),
        "immigration_profile": Option(choices=IMMIGRATION_PROFILES,
                                      file=("immigration", (STATE, "sex", "age")),
                                      methods=("immigration",)),
        "emigration_rate": Option(number=Method(0.0, 1.0, "an emigration rate [per person-year]"),
                                  file=("emigration_rate", (STATE, "sex", "age")),
                                  methods=("immigration",)),
    },
}
#: Columns of a component's table (after year, region[, sex], age).
TABLE_VALUES = {
    "fertility": "fertility_rate",
    "mortality": "mortality_rate",
    "international_migration": "net_migration",
    "internal_migration": "internal_migration_rate",
}
TOP_KEYS = ("name", "description", "base", "horizon", "open_age", "extends", "conventions",
            *METHODS, "uncertainty", "variants")
#: The [uncertainty] table: for each section, its keys and accepted ranges
#: (see projsim.stochastic).
UNCERTAINTY = {
    "fertility": {"sd": Method(0.0, 1.0, "an innovation sd of log TFR [1 per year]"),
                  "autocorrelation": Method(-1.0, 1.0, "an autocorrelation [1]"),
                  "level_sd": Method(0.0, 0.5, "an innovation sd of the log-TFR level [1 per year]")},
    "mortality": {"sd": Method(0.0, 5.0, "an innovation sd of e0 [years per year]"),
                  "sex_correlation": Method(-1.0, 1.0, "a correlation [1]")},
    "international_migration": {
        "sd": Method(0.0, np.inf, "an innovation sd [persons per year]"),
        "autocorrelation": Method(-1.0, 1.0, "an autocorrelation [1]"),
        "regional_sd": Method(0.0, np.inf, "an innovation sd [persons per year]")},
}
CONVENTION_KEYS = {"migration_timing": MIGRATION_TIMINGS, "safeguard": SAFEGUARDS}
#: Keys a variant may not change: they fix the shape of the shared projection.
SHARED_KEYS = ("base", "horizon", "open_age", "conventions", "extends", "variants", "name",
               "uncertainty")


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


@dataclass(frozen=True)
class Component:
    """One component's assumption.

    Attributes
    ----------
    method : str
        ``"scale"``, ``"tfr"``, ``"e0"``, ``"net_total"`` or ``"table"``.
    path : TimePath, dict of str to TimePath, or None
        The path of the method; a dict by region or by sex where the method
        allows it.
    table : Path or None
        The CSV file of a ``"table"`` method.
    values : ndarray or None
        The table's values, (time, region[, sex], age), read and checked at
        load time.
    options : dict
        Other keys (``sex_ratio_at_birth``, ``profile``).
    """

    method: str
    path: TimePath | dict[str, TimePath] | None = None
    table: Path | None = None
    values: np.ndarray | None = field(default=None, repr=False)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Variant:
    """One variant of a scenario: a name and its components."""

    name: str
    description: str
    components: dict[str, Component]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with its variants.

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
    variants : tuple of Variant
        The scenario itself first, then the variants stated in its file.
    source : str
        The file the scenario was read from.
    sha256 : str
        SHA-256 of every file read: the scenario, the scenarios it extends and
        its tables.
    uncertainty : dict
        The ``[uncertainty]`` table, validated: ``seed``, ``demographic_noise``
        and, by section, the parameters that override the defaults of
        :mod:`projsim.stochastic`.
    base_data : Base
        The base itself, read once with the scenario, so that nothing below
        reads it again.
    """

    name: str
    description: str
    base: str
    horizon: int
    open_age: int | None
    migration_timing: str
    safeguard: str
    variants: tuple[Variant, ...] = field(repr=False)
    source: str
    sha256: str
    uncertainty: dict = field(default_factory=dict, repr=False)
    base_data: Base | None = field(default=None, repr=False, compare=False)

    @property
    def components(self) -> dict[str, Component]:
        """The components of the scenario itself (its first variant)."""
        return self.variants[0].components


# --- reading and merging files ----------------------------------------------------


@dataclass
class Document:
    """A scenario file merged with the files it extends; every value keeps the
    file it was written in and its key prefix (``variants.NAME.``), for
    messages and relative table paths."""

    top: dict[str, tuple[Any, Path]]
    sections: dict[str, dict[str, tuple[Any, Path, str]]]
    files: list[Path]
    variants: dict[str, tuple[dict, Path]]

    @classmethod
    def empty(cls, path: Path) -> Document:
        """A document with no keys, read from ``path``."""
        return cls({}, {name: {} for name in METHODS}, [path], {})

    def copy(self) -> Document:
        """A copy whose tables can be changed without changing this one."""
        return Document(dict(self.top), {k: dict(v) for k, v in self.sections.items()},
                        list(self.files), dict(self.variants))


class Sources(Protocol):
    """What validation needs from the files a scenario names (:mod:`projsim.io.scenarios`).

    Validation itself opens no file: the input layer reads the base and the
    tables and hands them over through this interface.
    """

    def base(self, name: str, relative_to: Path) -> tuple[str, Base]:
        """The resolved name of a base and the base, or an InputError."""

    def table(self, where: str, value: Any, origin: Path, dims: dict[str, tuple],
              column: str, problems: list) -> tuple[Path, np.ndarray] | None:
        """A CSV table named by ``value`` (relative to ``origin``), read over
        ``dims``; None, with the problem appended, if it cannot be read."""

    def digest(self, files: list[Path]) -> str:
        """The SHA-256 of the files' bytes, one after the other."""


def validate(document: Document, path: Path, problems: list, sources: Sources) -> Scenario | None:
    """Validate a merged scenario document and its variants; None if any problem.

    Parameters
    ----------
    document : Document
        The scenario file merged with the files it extends.
    path : Path
        The scenario file.
    problems : list of InputError
        Receives every problem found.
    sources : Sources
        Reads the base and the tables the scenario names.
    """
    head = _validate_head(document, path, problems, sources)
    variants = [_validate_variant(document, head, path, problems, sources)]
    variant_keys = tuple(k for k in TOP_KEYS if k not in SHARED_KEYS)
    for name, (table, origin) in document.variants.items():
        problems += unknown_keys(origin, f"variants.{name}.",
                                  {k: v for k, v in table.items() if k not in SHARED_KEYS},
                                  variant_keys)
        problems += [InputError(f"{origin}: variants.{name}.{key}", "a key shared by all variants",
                                "only components and a description in a variant",
                                f"move '{key}' out of the variant, or make a separate scenario file")
                     for key in table if key in SHARED_KEYS]
        variant_document = document.copy()
        variant_document.variants = {}
        variant_document.top.pop("description", None)
        merge(variant_document, {k: v for k, v in table.items() if k not in SHARED_KEYS},
              origin, problems, prefix=f"variants.{name}.")
        variant_document.top["name"] = (name, origin)
        variants.append(_validate_variant(variant_document, head, origin, problems, sources))
    if problems:
        return None
    tables = [c.table for v in variants for c in v.components.values() if c.table is not None]
    return Scenario(
        name=head["name"], description=head["description"], base=head["base"],
        horizon=head["horizon"], open_age=head["open_age"],
        migration_timing=head["migration_timing"], safeguard=head["safeguard"],
        variants=tuple(variants), source=str(path),
        sha256=sources.digest(document.files + tables),
        uncertainty=head["uncertainty"], base_data=head["base_data"])


def merge(document: Document, raw: dict, path: Path, problems: list, prefix: str = "") -> None:
    """Overlay the keys of ``raw`` (read from ``path``) on ``document``."""
    for key, value in raw.items():
        if key in METHODS:
            if not isinstance(value, dict):
                problems.append(InputError(f"{path}: {prefix}{key}", repr(value), "a table",
                                           f"write it as a [{key}] section"))
                continue
            allowed = (*METHODS[key], *OPTIONS.get(key, {}))
            problems += unknown_keys(path, f"{prefix}{key}.", value, allowed)
            section = document.sections[key]
            stated = [k for k in value if k in METHODS[key]]
            if stated:
                for method in METHODS[key]:
                    section.pop(method, None)
                for option, rule in OPTIONS.get(key, {}).items():
                    if option not in value and stated[0] not in rule.methods:
                        section.pop(option, None)
            section.update({k: (v, path, prefix) for k, v in value.items() if k in allowed})
        elif key == "uncertainty":
            document.top["uncertainty"] = (value, path)
        elif key == "conventions":
            if not isinstance(value, dict):
                problems.append(InputError(f"{path}: {prefix}{key}", repr(value), "a table",
                                           "write it as a [conventions] section"))
                continue
            problems += unknown_keys(path, f"{prefix}conventions.", value, tuple(CONVENTION_KEYS))
            merged = dict(document.top.get("conventions", ({}, path))[0])
            merged.update(value)
            document.top["conventions"] = (merged, path)
        elif key not in ("extends", "variants") and key in TOP_KEYS:
            document.top[key] = (value, path)


# --- validating values --------------------------------------------------------------


def _validate_head(document: Document, path: Path, problems: list, sources: Sources) -> dict | None:
    """The keys shared by all variants: name, base, horizon, open age, conventions."""
    top = document.top

    def need(key, kind, default=None):
        value, origin = top.get(key, (default, path))
        words = {str: "a text in quotes", int: "a whole number"}[kind]
        if value is None:
            problems.append(InputError(f"{origin}: {key}", "nothing", words,
                                       f"add '{key} = ...' at the top of the file"))
        elif not isinstance(value, kind) or isinstance(value, bool):
            problems.append(InputError(f"{origin}: {key}", repr(value), words,
                                       f"write {key} as {words}"))
            value = None
        return value

    head = {"name": need("name", str, path.stem), "description": need("description", str, ""),
            "base": need("base", str), "horizon": need("horizon", int),
            "horizon_origin": top.get("horizon", (None, path))[1]}
    head["base_year"] = head["base_data"] = None
    if head["base"] is not None:
        origin = top["base"][1]
        try:
            head["base"], head["base_data"] = sources.base(head["base"], origin.parent)
            head["base_year"] = head["base_data"].year
        except InputError as error:
            where = f"{origin}: base" if error.where == "base" else f"{origin}: base: {error.where}"
            problems.append(InputError(where, error.got, error.expected, error.fix))
    first = head["base_year"]
    if first is not None and head["horizon"] is not None \
            and not first < head["horizon"] <= first + MAX_YEARS:
        problems.append(InputError(f"{top['horizon'][1]}: horizon", repr(head["horizon"]),
                                   f"a year after the base year {first} and at most "
                                   f"{first + MAX_YEARS}", "set the last 1 January to project"))
        head["horizon"] = None
    open_age, origin = top.get("open_age", (None, path))
    if open_age is not None and (not isinstance(open_age, int) or isinstance(open_age, bool)
                                 or not OPEN_AGES[0] <= open_age <= OPEN_AGES[1]):
        problems.append(InputError(f"{origin}: open_age", repr(open_age),
                                   f"a whole number of years from {OPEN_AGES[0]} to {OPEN_AGES[1]}",
                                   "give the first age of the open age group, e.g. 110"))
    head["open_age"] = open_age
    conventions, origin = top.get("conventions", ({}, path))
    for key, allowed in CONVENTION_KEYS.items():
        value = conventions.get(key, allowed[0])
        if value not in allowed:
            problems.append(InputError(f"{origin}: conventions.{key}", repr(value),
                                       f"one of {list(allowed)}",
                                       _did_you_mean(str(value), allowed) or "pick one of them"))
        head[key] = value
    head["uncertainty"] = _uncertainty(*top.get("uncertainty", ({}, path)), problems)
    return head if all(head[k] is not None for k in ("name", "base_year", "horizon")) else None


def _uncertainty(table, origin, problems):
    """The validated [uncertainty] table."""
    if not isinstance(table, dict):
        problems.append(InputError(f"{origin}: uncertainty", repr(table), "a table",
                                   "write it as an [uncertainty] section"))
        return {}
    problems += unknown_keys(origin, "uncertainty.", table,
                              ("seed", "demographic_noise", *UNCERTAINTY))
    seed = table.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        problems.append(InputError(f"{origin}: uncertainty.seed", repr(seed),
                                   "a whole number, 0 or more", "give a seed such as 20130524"))
    if not isinstance(table.get("demographic_noise", False), bool):
        problems.append(InputError(f"{origin}: uncertainty.demographic_noise",
                                   repr(table["demographic_noise"]), "true or false",
                                   "write demographic_noise = true to draw births, deaths and "
                                   "migrants by chance each year, or false (the default)"))
    for section, keys in UNCERTAINTY.items():
        given = table.get(section, {})
        if not isinstance(given, dict):
            problems.append(InputError(f"{origin}: uncertainty.{section}", repr(given), "a table",
                                       f"write it as [uncertainty.{section}]"))
            continue
        problems += unknown_keys(origin, f"uncertainty.{section}.", given, tuple(keys))
        for key, rule in keys.items():
            if key in given and _bad_number(given[key], rule):
                problems.append(InputError(f"{origin}: uncertainty.{section}.{key}",
                                           repr(given[key]), _expected(rule), f"give {rule.meaning}"))
    return table


def _validate_variant(document, head, path, problems, sources) -> Variant | None:
    """The components of one variant, each checked against the base and horizon."""
    name = document.top.get("name", (path.stem, path))[0]
    description = document.top.get("description", ("", path))[0]
    if head is None:
        return None
    base = head["base_data"]
    components = {}
    for component, methods in METHODS.items():
        section = document.sections[component]
        chosen = [m for m in methods if m in section]
        if len(chosen) > 1:
            _, origin, prefix = section[chosen[1]]
            problems.append(InputError(f"{origin}: {prefix}{component}",
                                       f"both {chosen[0]} and {chosen[1]}",
                                       "one method per component",
                                       f"keep only one of {', '.join(methods)}"))
            continue
        method = chosen[0] if chosen else "scale"
        value, origin, prefix = section.get(method, (1.0, path, ""))
        where = f"{origin}: {prefix}{component}.{method}"
        options = _options(component, method, section, base, head, problems, sources)
        if method == "table":
            dims = ("year", STATE, "age") if component == "fertility" \
                else ("year", STATE, "sex", "age")
            read = _read_table(where, value, origin, TABLE_VALUES[component], dims, base, head,
                               problems, sources)
            table, values = read if read else (None, None)
            components[component] = Component(method, table=table, values=values,
                                              options=options)
            continue
        spec = methods[method]
        inherited = origin != head["horizon_origin"]
        path_value = _labelled_paths(where, value, spec, base, head, problems, inherited)
        if method == "net_total":
            _check_net_total(where, path_value, base, problems)
        components[component] = Component(method, path=path_value, options=options)
    return Variant(str(name), str(description), components)


def _options(component, method, section, base, head, problems, sources):
    """The options of a component, parsed: numbers, choices or file contents."""
    options = {}
    for key, rule in OPTIONS.get(component, {}).items():
        if key not in section:
            continue
        value, origin, prefix = section[key]
        where = f"{origin}: {prefix}{component}.{key}"
        if method not in rule.methods:
            problems.append(InputError(where, f"{key} with the method {method}",
                                       f"{key} only with {' or '.join(rule.methods)}",
                                       f"remove {key}, or state {rule.methods[0]}"))
            continue
        if rule.file and isinstance(value, str) and value.endswith(".csv"):
            read = _read_table(where, value, origin, *rule.file, base, head, problems, sources)
            value = read[1] if read else None
        elif rule.number and not isinstance(value, str):
            if _bad_number(value, rule.number):
                problems.append(InputError(where, repr(value), _expected(rule.number),
                                           f"give {rule.number.meaning}"))
        elif value not in rule.choices:
            accepted = [*rule.choices, *(["a CSV file"] if rule.file else []),
                        *(["a number"] if rule.number else [])]
            problems.append(InputError(where, repr(value), f"one of {accepted}",
                                       _did_you_mean(str(value), rule.choices) or "pick one of them"))
        options[key] = value
    if method == "immigration" and "emigration_rate" not in section:
        origin, prefix = section["immigration"][1:]
        problems.append(InputError(f"{origin}: {prefix}{component}.immigration",
                                   "immigration without emigration_rate",
                                   "an emigration rate with the immigrants",
                                   "add emigration_rate = a number or a CSV file"))
    return options


def _read_table(where, value, origin, column, dims, base, head, problems, sources):
    """Read a CSV table over ``dims`` (among year, the state dimensions, sex and
    age), with values that must not be negative unless they are net migrants;
    return its path and values (year, state, ...) or None."""
    states = base.states
    labels = {"year": tuple(range(head["base_year"], head["horizon"])), **states.coords(),
              "sex": SEXES, "age": tuple(range((head["open_age"] or base.open_age) + 1))}
    full = states.expand(dims)
    grid = {d: tuple(labels[d]) for d in full}
    read = sources.table(where, value, origin, grid, column, problems)
    if read is None:
        return None
    table, values = read
    if column != "net_migration" and (values < 0).any():
        index = tuple(int(i) for i in np.argwhere(values < 0)[0])
        cell = ", ".join(f"{d}={grid[d][i]}" for d, i in zip(full, index))
        problems.append(InputError(f"{where}: {table}", f"{values[index]:g} at {cell}",
                                   f"non-negative values of {column}", "correct the table"))
        return None
    at = dims.index(STATE)
    return table, states.flatten(values, at) if STATE in dims else values


def _labelled_paths(where, value, spec, base, head, problems, inherited=False):
    """A path, or (for methods given by region or sex) a dict of paths."""
    labels = {REGION: base.regions, "sex": SEXES}.get(spec.by)
    is_table_of_labels = isinstance(value, dict) and value and all(
        isinstance(v, (dict, int, float)) and not str(k).strip().isdigit() for k, v in value.items())
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
                                       _did_you_mean(unknown[0], labels) or f"use the base's {spec.by} names"))
            return None
        if missing:
            problems.append(InputError(where, f"no path for {missing[0]}",
                                       f"one path per {spec.by}: {list(labels)}",
                                       f"add {missing[0]} = ..."))
            return None
        paths = {k: _path(f"{where}.{k}", value[k], spec, head, problems, inherited)
                 for k in labels}
        return None if any(p is None for p in paths.values()) else paths
    return _path(where, value, spec, head, problems, inherited)


def _path(where, value, spec: Method, head, problems, inherited=False):
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
        if _bad_number(number, spec):
            problems.append(InputError(full, repr(number), _expected(spec), f"give {spec.meaning}"))
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


def _bad_number(number, spec: Method) -> bool:
    if not isinstance(number, (int, float)) or isinstance(number, bool) or not np.isfinite(number):
        return True
    return number < spec.low or number > spec.high or (spec.open_low and number == spec.low)


def _expected(spec: Method) -> str:
    if not np.isfinite(spec.low):
        return "a finite number"
    low = f"greater than {spec.low:g}" if spec.open_low else f"at least {spec.low:g}"
    return f"a number {low}" + (f" and at most {spec.high:g}" if np.isfinite(spec.high) else "")


def _check_net_total(where, path, base, problems):
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


def unknown_keys(path, prefix, table, allowed):
    return [
        InputError(f"{path}: {prefix}{key}", "an unknown key", f"one of {list(allowed)}",
                   _did_you_mean(key, allowed) or "remove it")
        for key in table
        if key not in allowed
    ]


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else ""
