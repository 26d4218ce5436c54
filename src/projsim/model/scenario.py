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
  year, spread over region, sex and age by ``profile``), ``immigration``
  (immigrants by nationality, with emigration rates; the foreigners may be
  stated by channel instead, ``[international_migration.channels]``,
  :mod:`~projsim.model.channels`), ``scale`` or ``table``;
* ``[internal_migration]``: ``scale`` (0 switches it off) or ``table``;
* ``[households]``, optional: how the households of the projection are
  counted (:mod:`~projsim.model.households`), shared by all variants.

``grid`` (:data:`projsim.types.Grid`) chooses single years of age and
one-year steps (``"1x1"``, the default) or five-year groups and five-year
steps (``"5x5"``); on a five-year grid the horizon lies a whole number of
steps after the base year and the open age is a multiple of 5. The base is
grouped or graduated to the grid (:mod:`projsim.model.grids`). ``table =
"base"`` takes the base's own rates of every period (WPP's) for fertility,
mortality or international migration.

A value over time is a number (constant) or a table ``{year = value}``
(:mod:`~projsim.model.paths`); a five-year step takes the mean of its years'
values (:func:`~projsim.model.paths.over_steps`). A section left out keeps
the base rates constant. ``extends = "other"`` starts from another scenario
(a bundled name or a file relative to this one) and overrides only what it
states: a key
replaces the parent's key, and stating one of a section's methods
(``scale``, ``tfr``, ``e0``, ``net_total``, ``table``) replaces the parent's
method. ``[variants.NAME]`` tables state variants in the same way; the
scenario and its variants run together as one projection with a
``scenario`` dimension.

Every problem is reported at load time as an :class:`~projsim.errors.InputError`
naming the file, the key, the value, what was expected and how to fix it;
:func:`projsim.io.check_scenario` lists them all. The files themselves are
read by :mod:`projsim.io.scenarios`, which hands them to :func:`validate`;
nothing here opens a file.

The scenario is validated in layers: :mod:`~projsim.model.schema` declares
every key and its range, :mod:`~projsim.model.document` merges a file with
the files it extends and its variants, :mod:`~projsim.model.paths` parses
and checks the values over time, and this module checks the rest and builds
the :class:`Scenario`. Their public names can be imported from here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from projsim.errors import InputError
from projsim.model.base import Base
from projsim.model.channels import validate_channels
from projsim.model.document import Document, merge
from projsim.model.feasibility import (
    check_e0, check_persons_per_year, check_profile, check_tfr, projected_base, table_problem,
)
from projsim.model.households import Households, validate_households
from projsim.model.paths import TimePath, check_net_total, parse_labelled_paths, parse_path
from projsim.model.schema import (
    BASE_TABLE, BASE_TABLES, CONVENTION_KEYS, IMMIGRATION_PROFILES, MAX_YEARS, METHODS, OPEN_AGES,
    OPTIONS, PROFILES, SHARED_KEYS, TABLE_VALUES, TOP_KEYS, UNCERTAINTY, Method, Option, bad_number,
    did_you_mean, expected_number, unknown_keys,
)
from projsim.types import FOREIGN, GRID_WIDTHS, GRIDS, NATIONALITY, SEXES, STATE

__all__ = [
    "CONVENTION_KEYS", "IMMIGRATION_PROFILES", "MAX_YEARS", "METHODS", "OPEN_AGES", "OPTIONS",
    "PROFILES", "SHARED_KEYS", "TABLE_VALUES", "TOP_KEYS", "UNCERTAINTY", "Component",
    "Document", "Method", "Option", "Scenario", "Sources", "TimePath", "Variant", "merge",
    "unknown_keys", "validate",
]


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
        The last date projected [year], on the base's day (1 January, or
        1 July for a WPP base).
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
    households : Households or None
        The ``[households]`` section with its household model
        (:mod:`projsim.model.households`); None without the section, when a
        projection counts no households.
    grid : str
        The grid of the projection (:data:`projsim.types.Grid`): ``"1x1"``
        or ``"5x5"``.
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
    households: Households | None = field(default=None, repr=False)
    grid: str = GRIDS[0]

    @property
    def width(self) -> int:
        """The width of the age groups and of the steps [years]."""
        return GRID_WIDTHS[self.grid]

    @property
    def steps(self) -> np.ndarray:
        """The first year of every step, from the base year to the last before the horizon."""
        return np.arange(self.base_data.year, self.horizon, self.width)

    @property
    def components(self) -> dict[str, Component]:
        """The components of the scenario itself (its first variant)."""
        return self.variants[0].components


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

    def channel_set(self, name: str):
        """A bundled channel set (:class:`projsim.model.channels.ChannelSet`), or an InputError."""

    def digest(self, files: list[Path]) -> str:
        """The SHA-256 of the files' bytes, one after the other."""

    def household_model(self, name: str | None, relative_to: Path) -> tuple[str, Any]:
        """The resolved name of a household model (None: the default one) and the
        model, an xarray.Dataset; or an InputError."""


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
        if head is not None and name in ("", head["name"]):
            problems.append(InputError(
                f"{origin}: variants.{name}", "a variant named like the scenario itself" if name
                else "an empty name", "a name of its own for each variant, as the scenario "
                "dimension of the result labels each one once", "rename the variant"))
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
    households = None
    if head is not None and "households" in document.top and head["grid"] not in (None, GRIDS[0]):
        problems.append(InputError(f"{document.top['households'][1]}: households",
                                   f"a [households] section on the grid {head['grid']!r}",
                                   f"households counted on the grid {GRIDS[0]!r}: the household "
                                   "model holds shares by single year of age",
                                   f"remove the section, or set grid = {GRIDS[0]!r}"))
    elif head is not None and "households" in document.top:
        households = validate_households(document.top["households"][0], path, head, problems,
                                         sources.household_model,
                                         lambda origin: _inherited(origin, head))
    if problems:
        return None
    tables = [c.table for v in variants for c in v.components.values() if c.table is not None]
    tables += list(dict.fromkeys(
        file for v in variants for channel in v.components["international_migration"].options.get(
            "channels") or () for file in channel.files))
    return Scenario(
        name=head["name"], description=head["description"], base=head["base"],
        horizon=head["horizon"], open_age=head["open_age"],
        migration_timing=head["migration_timing"], safeguard=head["safeguard"],
        variants=tuple(variants), source=str(path),
        sha256=sources.digest(document.files + tables),
        uncertainty=head["uncertainty"], base_data=head["base_data"], households=households,
        grid=head["grid"])


def balancing(component: Component) -> bool:
    """Whether a migration component states a net total balanced by immigrants
    (``net_total`` with ``emigration_rate``)."""
    return component.method == "net_total" and "emigration_rate" in component.options


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
    grid, grid_origin = top.get("grid", (GRIDS[0], path))
    if grid not in GRIDS:
        problems.append(InputError(f"{grid_origin}: grid", repr(grid), f"one of {list(GRIDS)}",
                                   did_you_mean(str(grid), GRIDS) or "pick one of them"))
        grid = None
    head["grid"] = grid
    width = GRID_WIDTHS.get(grid, 1)
    first = head["base_year"]
    if first is not None and head["horizon"] is not None \
            and not first < head["horizon"] <= first + MAX_YEARS:
        problems.append(InputError(f"{top['horizon'][1]}: horizon", repr(head["horizon"]),
                                   f"a year after the base year {first} and at most "
                                   f"{first + MAX_YEARS}",
                                   f"set the last {head['base_data'].date} to project"))
        head["horizon"] = None
    elif first is not None and head["horizon"] is not None and (head["horizon"] - first) % width:
        below = head["horizon"] - (head["horizon"] - first) % width
        problems.append(InputError(
            f"{top['horizon'][1]}: horizon", repr(head["horizon"]),
            f"a year a whole number of {width}-year steps after the base year {first}, on the "
            f"grid {grid!r}", f"set horizon to {below} or {below + width}"
            if below > first else f"set horizon to {below + width}"))
        head["horizon"] = None
    open_age, origin = top.get("open_age", (None, path))
    on_grid = True
    if open_age is not None and (not isinstance(open_age, int) or isinstance(open_age, bool)
                                 or not OPEN_AGES[0] <= open_age <= OPEN_AGES[1]):
        problems.append(InputError(f"{origin}: open_age", repr(open_age),
                                   f"a whole number of years from {OPEN_AGES[0]} to {OPEN_AGES[1]}",
                                   "give the first age of the open age group, e.g. 110"))
    elif open_age is not None and open_age % width:
        below = open_age - open_age % width
        problems.append(InputError(
            f"{origin}: open_age", repr(open_age),
            f"a multiple of {width} from {OPEN_AGES[0]} to {OPEN_AGES[1]}, on the grid {grid!r}",
            f"set open_age to {below} or {below + width}"))
        on_grid = False
    elif open_age is None and head["base_data"] is not None \
            and head["base_data"].open_age % width:
        problems.append(InputError(
            f"{grid_origin}: grid", f"{grid!r} with the base {head['base_data'].name}, whose "
            f"open age {head['base_data'].open_age} is not a multiple of {width}",
            f"an open age that is a multiple of {width} on the grid {grid!r}",
            f"add open_age = a multiple of {width}, such as 100"))
        on_grid = False
    head["open_age"] = open_age
    head["files"] = [Path(f).resolve() for f in document.files]
    head["projected"] = None
    if head["base_data"] is not None and grid is not None and on_grid \
            and (open_age is None or isinstance(open_age, int)):
        head["projected"] = projected_base(f"{origin}: open_age", open_age, head["base_data"],
                                           problems, width)
    conventions, origin = top.get("conventions", ({}, path))
    for key, allowed in CONVENTION_KEYS.items():
        value = conventions.get(key, allowed[0])
        if value not in allowed:
            problems.append(InputError(f"{origin}: conventions.{key}", repr(value),
                                       f"one of {list(allowed)}",
                                       did_you_mean(str(value), allowed) or "pick one of them"))
        head[key] = value
    head["uncertainty"] = _uncertainty(*top.get("uncertainty", ({}, path)), problems)
    if head["base_data"] is not None:
        _check_migration_sd(head["uncertainty"], top.get("uncertainty", ({}, path))[1],
                            head["base_data"], problems)
    needed = ("name", "base_year", "horizon", "projected")
    return head if all(head[k] is not None for k in needed) else None


def _check_migration_sd(table, origin, base, problems):
    """The migration innovations, in persons per year, stay below the base population."""
    section = table.get("international_migration") if isinstance(table, dict) else None
    population = float(base.population.sum())
    for key in ("sd", "regional_sd"):
        value = section.get(key) if isinstance(section, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and np.isfinite(value) and value >= population:
            problems.append(InputError(
                f"{origin}: uncertainty.international_migration.{key}", f"{value:g}",
                f"a standard deviation of migrants per year below the base population "
                f"({population:,.0f})", "give persons per year, such as 15000"))


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
            if key in given and bad_number(given[key], rule):
                problems.append(InputError(f"{origin}: uncertainty.{section}.{key}",
                                           repr(given[key]), expected_number(rule), f"give {rule.meaning}"))
    return table


def _validate_variant(document, head, path, problems, sources) -> Variant | None:
    """The components of one variant, each checked against the base and horizon."""
    name = document.top.get("name", (path.stem, path))[0]
    description = document.top.get("description", ("", path))[0]
    if head is None:
        return None
    base = head["base_data"]
    components = {}
    known = len(problems)
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
        if method == "table" and value == BASE_TABLE:
            values = _base_table(where, component, head, problems)
            if values is not None and component == "fertility" \
                    and "sex_ratio_at_birth" not in options:
                options["sex_ratio_at_birth"] = values[1]
            components[component] = Component(method, values=None if values is None
                                              else values[0], options=options)
            continue
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
        if method == "immigration" and "channels" in section:
            path_value = _own_nationals(where, value, spec, base, head, problems,
                                        _inherited(origin, head))
        else:
            path_value = parse_labelled_paths(where, value, spec, base, head, problems,
                                              _inherited(origin, head))
        if method == "net_total":
            check_net_total(where, path_value, base, problems)
        components[component] = Component(method, path=path_value, options=options)
    if len(problems) == known:
        _check_feasible(document, components, head, path, problems)
    return Variant(str(name), str(description), components)


def _base_table(where: str, component: str, head: dict, problems: list):
    """The base's rates of every period at the step years (``table = "base"``), for
    fertility with the sex ratio at birth of each step; None, with the problem,
    when the base has none or they end before the horizon."""
    base = head["projected"]
    periods = base.periods
    if component not in BASE_TABLES:
        problems.append(InputError(
            where, repr(BASE_TABLE), f"a CSV file of {TABLE_VALUES[component]} (a base's own "
            f"rates of every period hold {', '.join(BASE_TABLES)} only)",
            "give a CSV table of rates by year"))
        return None
    if periods is None:
        problems.append(InputError(
            where, f"{BASE_TABLE!r} with the base {base.name}, which has no rates by period",
            "a base with rates of every period (such as wpp2024-belgium), or a CSV file",
            "give a CSV table of rates by year, or use a base with rates by period"))
        return None
    if head["horizon"] > periods.end:
        problems.append(InputError(
            where, f"{BASE_TABLE!r} with rates by period to {periods.end}",
            f"a horizon at most {periods.end}, the end of the base's last period",
            f"set horizon to {periods.end} or earlier, or give a CSV table"))
        return None
    index = periods.at(np.arange(head["base_year"], head["horizon"], GRID_WIDTHS[head["grid"]]))
    rates = getattr(periods, BASE_TABLES[component])[index]
    return rates, periods.sex_ratio_at_birth[index]


def _inherited(origin: Path, head: dict) -> bool:
    """Whether a value was written in a file that the file setting the horizon
    extends (directly or not): only such a value's path may reach to or past
    the horizon, which it was written for a longer projection of."""
    files = head["files"]
    origin, horizon_origin = Path(origin).resolve(), Path(head["horizon_origin"]).resolve()
    if origin not in files or horizon_origin not in files:
        return False
    return files.index(origin) < files.index(horizon_origin)


def _check_feasible(document, components, head, path, problems):
    """What the variant's components ask of the base (:mod:`projsim.model.feasibility`)."""
    base = head["projected"]
    steps = np.arange(head["base_year"], head["horizon"], base.age_width)

    def where(component, key):
        _, origin, prefix = document.sections[component].get(key, (None, path, ""))
        return f"{origin}: {prefix}{component}.{key}"

    stated = {c: set(document.sections[c]) for c in components}
    fertility = components["fertility"]
    if fertility.method == "tfr":
        schedule = fertility.options.get("schedule")
        check_tfr(where("fertility", "tfr"), fertility.path,
                  base.fertility_rate if schedule is None else schedule, schedule is not None,
                  base, problems)
    mortality = components["mortality"]
    if mortality.method == "e0":
        check_e0(where("mortality", "e0"), mortality.path, base, steps, problems)
    migration = components["international_migration"]
    _check_migration(migration, stated["international_migration"], base,
                     lambda key: where("international_migration", key), problems)
    for kind, rate in (("internal_migration", base.internal_migration_rate),
                       ("naturalisation", base.naturalisation_rate)):
        if components[kind].method == "table" and rate is None:
            problems.append(InputError(
                where(kind, "table"), f"a table of {TABLE_VALUES[kind]} with the base "
                f"{base.name}, which has no {kind.replace('_', ' ')}",
                f"a base with {TABLE_VALUES[kind]} and destinations",
                f"remove the [{kind}] table, or use a base that has {kind.replace('_', ' ')}"))
    if stated["naturalisation"] and components["naturalisation"].method == "scale" \
            and base.naturalisation_rate is None:
        problems.append(InputError(
            where("naturalisation", "scale"), f"a [naturalisation] section with the base "
            f"{base.name}, which has no nationality", "a base by region and nationality, with "
            "naturalisation rates", "remove the [naturalisation] section, or use a base by "
            "nationality such as belgium-2012"))


def _check_migration(component, stated, base, where, problems):
    """Profiles that spread a total, and immigrants fewer than the base population."""
    method, options = component.method, component.options
    if method == "net_total" and not balancing(component):
        profile = options.get("profile", "base")
        key = "profile" if "profile" in stated else "net_total"
        if isinstance(profile, np.ndarray):
            check_profile(where(key), "a profile", profile, problems)
        elif profile == "base":
            check_profile(where(key), f"the net migration of the base {base.name}",
                          base.net_migration, problems)
        else:
            check_profile(where(key), f"the net migration of the base {base.name} by state "
                          "and sex (which rogers-castro spreads over age)",
                          base.net_migration.sum(-1), problems)
    if method == "immigration" or balancing(component):
        if method == "immigration":
            check_persons_per_year(where("immigration"), component.path, "immigrants", base,
                                   problems)
        profile = options.get("immigration_profile")
        key = "immigration_profile" if "immigration_profile" in stated else method
        if isinstance(profile, np.ndarray):
            what = "an immigration profile"
        else:
            profile = profile or ("base" if base.immigration is not None else "census-2011")
            what = (f"the immigrants of the base {base.name}" if profile == "base"
                    else f"the census immigrant profile of the base {base.name}")
            profile = base.immigration if profile == "base" else base.immigrant_profile
        if profile is None:
            return
        if isinstance(component.path, dict) and base.states.has(NATIONALITY):
            codes = base.states.codes(NATIONALITY)
            for n, label in enumerate(base.states.labels_of(NATIONALITY)):
                if not check_profile(where(key), f"{what} of nationality {label}",
                                     profile[codes == n], problems):
                    return
        else:
            check_profile(where(key), what, profile, problems)


def _options(component, method, section, base, head, problems, sources):
    """The options of a component, parsed: numbers, choices or file contents."""
    options = {}
    for key, rule in OPTIONS.get(component, {}).items():
        if key not in section:
            continue
        value, origin, prefix = section[key]
        where = f"{origin}: {prefix}{component}.{key}"
        if key == "channels":
            options[key] = _channels(where, value, method, section, base, head, problems,
                                     sources)
            continue
        if method not in rule.methods:
            problems.append(InputError(where, f"{key} with the method {method}",
                                       f"{key} only with {' or '.join(rule.methods)}",
                                       f"remove {key}, or state {rule.methods[0]}"))
            continue
        if rule.file and isinstance(value, str) and value.endswith(".csv"):
            read = _read_table(where, value, origin, *rule.file, base, head, problems, sources)
            value = read[1] if read else None
        elif rule.path and not isinstance(value, str):
            value = parse_path(where, value, rule.number, head, problems,
                               _inherited(origin, head))
        elif rule.number and not isinstance(value, str):
            if bad_number(value, rule.number):
                problems.append(InputError(where, repr(value), expected_number(rule.number),
                                           f"give {rule.number.meaning}"))
        elif value not in rule.choices:
            accepted = [*rule.choices, *(["a CSV file"] if rule.file else []),
                        *(["a number"] if rule.number else [])]
            problems.append(InputError(where, repr(value), f"one of {accepted}",
                                       did_you_mean(str(value), rule.choices) or "pick one of them"))
        if isinstance(value, str) and key in _FROM_BASE.get(value, {}):
            _check_in_base(where, key, value, base, problems)
        options[key] = value
    if method == "immigration" and "immigration_profile" not in section \
            and base.immigration is None and base.immigrant_profile is None:
        origin, prefix = section["immigration"][1:]
        problems.append(InputError(f"{origin}: {prefix}{component}.immigration",
                                   f"immigrants with the base {base.name}, which has no "
                                   "immigrant profile", "a profile to spread the immigrants by",
                                   "add immigration_profile = a CSV file of immigrants by "
                                   "state, sex and age"))
    if method == "immigration" and "emigration_rate" not in section:
        if base.emigration_rate is None:
            origin, prefix = section["immigration"][1:]
            problems.append(InputError(f"{origin}: {prefix}{component}.immigration",
                                       "immigration without emigration_rate",
                                       "an emigration rate with the immigrants",
                                       "add emigration_rate = a number or a CSV file"))
        else:
            options["emigration_rate"] = "base"
    if method == "net_total" and "emigration_rate" not in options:
        for key in ("immigration_profile", "emigration_scale"):
            if key in section:
                value, origin, prefix = section[key]
                problems.append(InputError(f"{origin}: {prefix}{component}.{key}",
                                           f"{key} with a net total without emigration rates",
                                           f"{key} only with emigration_rate",
                                           "add emigration_rate (the immigrants then balance "
                                           "the net total), or remove it"))
    if method == "net_total" and "emigration_rate" in options \
            and "immigration_profile" not in options:
        _check_in_base(f"{section['net_total'][1]}: {section['net_total'][2]}{component}."
                       "net_total", "immigration_profile", "base", base, problems)
    return options


def _channels(where, value, method, section, base, head, problems, sources):
    """The channels of immigration of foreigners (:mod:`projsim.model.channels`),
    which go with ``immigration`` of the country's own nationals and no total."""
    if method in ("net_total", "table"):
        _, origin, prefix = section[method]
        problems.append(InputError(
            where, f"channels and {method} in the same scenario",
            "immigration of foreigners stated once: as channels or as a total, not both",
            f"remove {method} and state immigration = {{ {_own_label(base)} = ... }} for the "
            "country's own nationals, or remove the channels"))
        return None
    if method != "immigration":
        problems.append(InputError(
            where, "channels without immigration of the country's own nationals",
            "immigration = { nationality = path } for every nationality but "
            f"'{FOREIGN}' beside the channels",
            f"add immigration = {{ {_own_label(base)} = ... }} to [international_migration]"))
        return None

    def read_profile(profile_where, file, origin):
        return _read_table(profile_where, file, origin, "share", ("sex", "age"), base, head,
                           problems, sources)

    return validate_channels(value, where, head["projected"], head, problems,
                             sources.channel_set, read_profile,
                             lambda origin: _inherited(origin, head))


def _own_label(base) -> str:
    """The first nationality that is not foreign (the country's own), for messages."""
    labels = base.states.labels_of(NATIONALITY) if base.states.has(NATIONALITY) else ()
    return next((label for label in labels if label != FOREIGN), "Belgian")


def _own_nationals(where, value, spec, base, head, problems, inherited):
    """The immigration paths of every nationality but the foreign one, which
    the channels state: a table {nationality = path} without ``foreign``."""
    if not base.states.has(NATIONALITY):
        return None                       # the channels' own message says why
    labels = [label for label in base.states.labels_of(NATIONALITY) if label != FOREIGN]
    is_labelled = isinstance(value, dict) and value and all(
        not str(k).strip().isdigit() for k in value)
    if not is_labelled or FOREIGN in value:
        problems.append(InputError(
            where, f"immigrants of foreign nationality both as a total ({value!r}) and as "
            "channels" if not is_labelled else f"{FOREIGN} = ... beside the channels",
            "immigration of foreigners stated once: as channels or as a total, not both",
            f"state immigration = {{ {labels[0]} = ... }} for the country's own nationals "
            "only, or remove the channels"))
        return None
    unknown = [k for k in value if k not in labels]
    missing = [k for k in labels if k not in value]
    if unknown or missing:
        problems.append(InputError(
            f"{where}.{unknown[0]}" if unknown else where,
            f"an unknown {NATIONALITY}" if unknown else f"no path for {missing[0]}",
            f"one path per {NATIONALITY} but '{FOREIGN}': {labels}",
            (did_you_mean(unknown[0], labels) or f"use the base's {NATIONALITY} names")
            if unknown else f"add {missing[0]} = ..."))
        return None
    paths = {k: parse_path(f"{where}.{k}", value[k], spec, head, problems, inherited)
             for k in labels}
    return None if any(p is None for p in paths.values()) else paths


#: What each named choice needs from the base: its attribute and its description.
_FROM_BASE = {"base": {"emigration_rate": ("emigration_rate", "emigration rates"),
                       "immigration_profile": ("immigration", "immigrants by state, sex and age")},
              "census-2011": {"immigration_profile": ("immigrant_profile",
                                                      "a census immigrant profile")}}


def _check_in_base(where, key, value, base, problems):
    """A choice that reads the base (``"base"``, ``"census-2011"``) needs the base to have it."""
    attribute, words = _FROM_BASE[value][key]
    if getattr(base, attribute) is None:
        given = "a number or a CSV file" if key == "emigration_rate" else "a CSV file"
        problems.append(InputError(where, f"{key} = {value!r} with the base {base.name}",
                                   f"a base with {words}",
                                   f"give {key} as {given}, or use a base that has them"))


def _read_table(where, value, origin, column, dims, base, head, problems, sources):
    """Read a CSV table over ``dims`` (among year, the state dimensions, sex and
    age), with values its variable can hold (:func:`~projsim.model.feasibility.table_problem`);
    return its path and values (year, state, ...) or None."""
    states, projected = base.states, head["projected"]
    ages = projected.death_rate_ages if column == TABLE_VALUES["mortality"] else projected.ages
    labels = {"year": tuple(range(head["base_year"], head["horizon"], projected.age_width)),
              **states.coords(), "sex": SEXES, "age": tuple(int(a) for a in ages)}
    full = states.expand(dims)
    grid = {d: tuple(labels[d]) for d in full}
    read = sources.table(where, value, origin, grid, column, problems)
    if read is None:
        return None
    table, values = read
    found = table_problem(column, values, full)
    if found is not None:
        index, expected = found
        cell = ", ".join(f"{d}={grid[d][i]}" for d, i in zip(full, index))
        problems.append(InputError(f"{where}: {table}", f"{values[index]:g} at {cell}",
                                   expected, "correct the table"))
        return None
    if STATE not in dims:
        return table, values
    return table, states.flatten(values, dims.index(STATE))
