"""Reading bases: the embedded ones (``projsim/data/``) and a user's folder or netCDF file.

Each embedded base is a folder written by a script of ``tools/`` from the
raw files in ``data-raw/``; its ``README.md`` states every source, licence
and estimation method. A base is read into a :class:`projsim.model.base.Base`
(unlabeled arrays on the axes (state, sex, age), the labels beside them)
and checked once.

A folder is a base when it holds a ``meta.toml``. Its ``kind`` is
``"projsim"`` (the default: the CSV files of the README, "Your own base", by
single year or, with ``[ages] width = 5``, by five-year group) or ``"wpp"``:
the tables of a UN World Population Prospects extract in the layout of
:mod:`projsim.io.wpp` (``wpp2024-belgium``), read by
:func:`projsim.io.wpp.load_wpp` with the ``year``, ``location`` and
``variant`` of ``meta.toml``: population on 1 July by five-year group, the
abridged death rates, fertility, sex ratio at birth and net migration of
the first period as the base's rates, and those of every period after it as
its :class:`~projsim.model.base.Periods`.

Examples
--------
>>> base = load_base("belgium-2012")
>>> base.regions
('Brussels-Capital Region', 'Flemish Region', 'Walloon Region')
>>> int(base.population.sum())
11035948
"""

from __future__ import annotations

import difflib
import os
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np

from projsim.errors import InputError
from projsim.io.files import (
    NETCDF_BASE, TOML_FILE, check_regular_file, file_sha256, iter_records, label_index,
    read_csv, read_csv_header, read_grid_csv, read_toml, shown,
)
from projsim.io.packaged import (
    DEFAULT_MORTALITY_PATTERN, DEFAULT_UNCERTAINTY, data_folder, read_lee_carter,
    read_uncertainty_parameters,
)
from projsim.io.results import load_netcdf_file, write_netcdf
from projsim.io.wpp import WPP_DATE, load_wpp
from projsim.model.base import Base, Periods, check_base
from projsim.model.grids import abridged_ages
from projsim.model.states import STATE_DIMS_ATTRIBUTE, StateSpace
from projsim.types import (
    GRID_WIDTHS, MORTALITY_AGE, NATIONALITY, REGION, SEXES, STATE_DIMS, STOCK_DATES,
)

#: Suffixes of a base in one netCDF file (netCDF3 or, with ``projsim[netcdf4]``, netCDF4).
NETCDF_SUFFIXES = (".nc", ".nc4")
#: The highest open age a base may have [years]: above the scenarios' limit of 130.
MAX_BASE_OPEN_AGE = 150
#: The years a base's 1 January may be.
BASE_YEARS = (1000, 9999)
#: The kinds of base folder: projsim's CSV files, or a WPP extract (:mod:`projsim.io.wpp`).
BASE_KINDS = ("projsim", "wpp")


def _folder(name: str) -> Path:
    return data_folder(name.replace("-", "_"))


@cache
def list_bases() -> tuple[str, ...]:
    """Names of the embedded bases.

    Examples
    --------
    >>> list_bases()
    ('belgium-1988', 'belgium-2012', 'belgium-2012-regions', 'wpp2024-belgium')
    """
    root = data_folder()
    return tuple(sorted(p.name.replace("_", "-") for p in root.iterdir()
                        if (p / "meta.toml").is_file()))


def resolve_base(name_or_path: str, relative_to: Path | None = None) -> str:
    """The name of an embedded base, or the resolved path of a user's base.

    A user's base is a folder laid out like the embedded ones (``meta.toml``
    and the CSV files named in the README, "Your own base") or a netCDF file
    written by :func:`write_base_netcdf`. A relative path is taken from
    ``relative_to`` (the scenario file's folder).

    Examples
    --------
    >>> resolve_base("belgium-2012")
    'belgium-2012'
    """
    if name_or_path in list_bases():
        return name_or_path
    path = Path(name_or_path) if relative_to is None else relative_to / name_or_path
    if (path / "meta.toml").is_file() or (path.suffix in NETCDF_SUFFIXES and path.is_file()):
        return str(path.resolve())
    if os.path.lexists(path / "meta.toml"):
        check_regular_file(path / "meta.toml", TOML_FILE)
    if path.suffix in NETCDF_SUFFIXES and os.path.exists(path):
        check_regular_file(path, NETCDF_BASE)
    close = difflib.get_close_matches(name_or_path, list_bases(), n=1)
    raise InputError("base", repr(name_or_path),
                     f"an embedded base {list(list_bases())}, a folder with meta.toml and the "
                     "base's CSV files, or a netCDF base file",
                     f"did you mean '{close[0]}'?" if close else
                     "check the path (relative to the scenario file)")


def _location(name: str) -> Path:
    return _folder(name) if name in list_bases() else Path(name)


#: The numpy scalar types read as each Python type of a base's metadata, and its name.
_NUMPY_KINDS = {int: (np.integer,), float: (np.floating,), list: ()}
_KIND_WORDS = {int: "a whole number", float: "a finite number with a decimal point",
               list: "a list"}


def _attribute(where, mapping, key, kind):
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None or isinstance(value, (bool, np.bool_)) \
            or not isinstance(value, (kind, *_NUMPY_KINDS[kind])) \
            or (kind is float and not np.isfinite(value)):
        got = "nothing" if value is None else \
            repr(value.item() if isinstance(value, np.generic) else value)
        raise InputError(f"{shown(where)}: {key}", got, _KIND_WORDS[kind],
                         f"set {key} in the base's metadata")
    return value


def _year(where, mapping) -> int:
    year = int(_attribute(where, mapping, "year", int))
    if not BASE_YEARS[0] <= year <= BASE_YEARS[1]:
        raise InputError(f"{shown(where)}: year", repr(year),
                         f"a year from {BASE_YEARS[0]} to {BASE_YEARS[1]}",
                         "set year to the base's 1 January")
    return year


def _ages(where, mapping, width: int = 1) -> np.ndarray:
    given = mapping.get("open_age") if isinstance(mapping, dict) else None
    open_age = int(_attribute(where, {"ages.open_age": given}, "ages.open_age", int))
    if not 1 <= open_age <= MAX_BASE_OPEN_AGE:
        raise InputError(f"{shown(where)}: ages.open_age", repr(open_age),
                         f"a whole number of years from 1 to {MAX_BASE_OPEN_AGE}",
                         "give the first age of the base's open age group, e.g. 110")
    if open_age % width or open_age < 2 * width:
        raise InputError(f"{shown(where)}: ages.open_age", repr(open_age),
                         f"a multiple of the age width {width}, from {2 * width}",
                         f"give the first age of the open group of {width}-year groups, e.g. 100")
    return np.arange(0, open_age + 1, width)


def _width(where, mapping) -> int:
    """The width of a base's age groups, ``[ages] width`` (1 when left out)."""
    given = mapping.get("width", 1) if isinstance(mapping, dict) else 1
    if isinstance(given, bool) or given not in GRID_WIDTHS.values():
        raise InputError(f"{shown(where)}: ages.width", repr(given),
                         f"one of {sorted(set(GRID_WIDTHS.values()))} [years]",
                         "give the width of the base's age groups: 1 for single years, 5 for "
                         "five-year groups")
    return int(given)


def _date(where, meta) -> str:
    """The day of the base's stocks, ``date`` (1 January when left out)."""
    date = meta.get("date", STOCK_DATES[0])
    if date not in STOCK_DATES:
        raise InputError(f"{shown(where)}: date", repr(date), f"one of {list(STOCK_DATES)}",
                         "give the day of the year of the base population")
    return date


def _mortality_ages(where, mapping, ages: np.ndarray, width: int) -> np.ndarray | None:
    """The abridged ages of the death rates of a base by groups (``[ages] mortality =
    "abridged"``), or None when they are on the base's groups (``"groups"``, the default)."""
    given = mapping.get("mortality", "groups") if isinstance(mapping, dict) else "groups"
    if given not in ("groups", "abridged") or (given == "abridged" and width == 1):
        raise InputError(f"{shown(where)}: ages.mortality", repr(given),
                         "'groups' (death rates by the base's age groups) or, for groups wider "
                         "than a year, 'abridged' (0, 1-4, 5-9, ...)",
                         "leave it out for death rates by the base's own age groups")
    return abridged_ages(width, int(ages[-1])) if given == "abridged" else None


def _unique(where, dim, labels) -> None:
    """Refuse a label given twice: cells would be read into one, results doubled."""
    seen = set()
    for label in labels:
        if label in seen:
            raise InputError(f"{shown(where)}: {dim}", f"the label {label!r} twice",
                             f"each {dim} once", f"remove or rename the second {label!r}")
        seen.add(label)


@cache
def load_base(name: str) -> Base:
    """Read a base: embedded (by name) or a user's folder or netCDF file (by path).

    Parameters
    ----------
    name : str
        One of :func:`list_bases`, or a path from :func:`resolve_base`.

    Returns
    -------
    Base
    """
    location = _location(resolve_base(name))
    base = _load_netcdf(location) if location.suffix in NETCDF_SUFFIXES \
        else _load_folder(location, name)
    check_base(base, str(location))
    return base


def _models(where, meta: dict) -> dict:
    """The packaged models a base names in its ``[models]`` table (Belgian by default)."""
    models = meta.get("models", {})
    packaged = {"mortality_pattern": ("model.toml", DEFAULT_MORTALITY_PATTERN),
                "uncertainty": ("parameters.toml", DEFAULT_UNCERTAINTY)}
    if not isinstance(models, dict) or any(key not in packaged for key in models):
        raise InputError(f"{shown(where)}: models", repr(models),
                         f"a table with the keys {list(packaged)}",
                         "name packaged models, or leave [models] out for the Belgian ones")
    names = {}
    for key, (file, default) in packaged.items():
        names[key] = models.get(key, default)
        known = sorted(p.name for p in data_folder().iterdir() if (p / file).is_file())
        if names[key] not in known:
            raise InputError(f"{shown(where)}: models.{key}", repr(names[key]), f"one of {known}",
                             "name a model shipped with projsim")
    return {"mortality_pattern": read_lee_carter(names["mortality_pattern"]),
            "uncertainty_parameters": read_uncertainty_parameters(names["uncertainty"])}


#: Labels of each state dimension shown in the fix of a message.
_EXAMPLE_LABELS = {REGION: '["North", "South"]', NATIONALITY: '["national", "foreign"]'}


def _states(where: Path, meta: dict) -> StateSpace:
    """The state space of a base's metadata: a ``[states]`` table, or a ``regions`` list."""
    table = meta.get("states")
    if table is None:
        table = {REGION: _attribute(where, meta, "regions", list)}
    elif not isinstance(table, dict) or not table or any(k not in STATE_DIMS for k in table):
        raise InputError(f"{shown(where)}: states", repr(table),
                         f"a table of labels by state dimension, among {list(STATE_DIMS)}",
                         'write for example [states] region = ["North", "South"]')
    labels = {dim: _attribute(where, table, dim, list) for dim in table}
    for dim, values in labels.items():
        if not values or not all(isinstance(v, str) and v.strip() == v and v for v in values):
            raise InputError(f"{shown(where)}: {dim}", repr(values),
                             "a list of labels in quotes, without spaces around them",
                             f'write for example {dim} = {_EXAMPLE_LABELS[dim]}')
        _unique(where, dim, values)
    return StateSpace.of(labels)


def _load_folder(folder: Path, name: str) -> Base:
    where = folder / "meta.toml"
    meta = read_toml(where)
    kind = meta.get("kind", BASE_KINDS[0])
    if kind not in BASE_KINDS:
        raise InputError(f"{shown(where)}: kind", repr(kind), f"one of {list(BASE_KINDS)}",
                         "leave kind out for a folder of projsim's CSV files, or write "
                         "kind = \"wpp\" for a WPP extract")
    if kind == "wpp":
        return _load_wpp_folder(folder, name, meta)
    states = _states(where, meta)
    width = _width(where, meta.get("ages"))
    ages = _ages(where, meta.get("ages"), width)
    mortality_ages = _mortality_ages(where, meta.get("ages"), ages, width)
    by_state = states.coords()
    cells = {**by_state, "sex": SEXES, "age": tuple(ages)}

    files = ["meta.toml", "population.csv", "mortality_rate.csv", "fertility_rate.csv",
             "net_migration.csv"]

    def read(file, value, dims=cells):
        files.append(file) if file not in files else None
        return states.flatten(read_grid_csv(folder / file, dims, value), 0)

    def optional(file, value):
        return read(file, value) if _present(folder / file) else None

    internal = _present(folder / "internal_migration_rate.csv")
    destination = _internal_destination(folder, states, files) if internal else None
    base = Base(
        name=name if name in list_bases() else folder.name,
        year=_year(where, meta),
        states=states,
        ages=ages,
        population=read("population.csv", "population"),
        mortality_rate=read("mortality_rate.csv", "mortality_rate",
                            cells if mortality_ages is None
                            else {**cells, "age": tuple(mortality_ages)}),
        fertility_rate=read("fertility_rate.csv", "fertility_rate",
                            {**by_state, "age": tuple(ages)}),
        sex_ratio_at_birth=float(_attribute(where, meta, "sex_ratio_at_birth", float)),
        net_migration=read("net_migration.csv", meta.get("net_migration_column", "net_migration")),
        internal_migration_rate=optional("internal_migration_rate.csv", "internal_migration_rate"),
        internal_migration_destination=destination,
        sha256={},
        immigrant_profile=_immigrant_profile(folder / "immigrant_profile.csv", states, ages),
        immigration=optional("immigration.csv", "immigration"),
        emigration_rate=optional("emigration_rate.csv", "emigration_rate"),
        naturalisation_rate=optional("naturalisation_rate.csv", "naturalisation_rate"),
        birth_destination=_birth_destination(folder, states, files),
        age_width=width, date=_date(where, meta), mortality_ages=mortality_ages,
        **_models(where, meta),
    )
    return replace(base, sha256={f: file_sha256(folder / f) for f in files})


def _load_wpp_folder(folder: Path, name: str, meta: dict) -> Base:
    """A base of ``kind = "wpp"``: the tables of a WPP extract (:func:`projsim.io.wpp.load_wpp`),
    on 1 July of ``year``, with the rates of every period from it."""
    where = folder / "meta.toml"
    states = _states(where, meta)
    if states.size != 1:
        raise InputError(f"{shown(where)}: regions", repr(list(states.labels_of(REGION))),
                         "one region, the area of the WPP extract",
                         'write for example regions = ["Belgium"]')
    location = meta.get("location")
    if location is not None:
        location = int(_attribute(where, meta, "location", int))
    variant = meta.get("variant", "median")
    if not isinstance(variant, str):
        raise InputError(f"{shown(where)}: variant", repr(variant), "a text in quotes",
                         'write for example variant = "median"')
    inputs = load_wpp(folder, year=_year(where, meta), location=location, variant=variant)
    one = (slice(None), None)                   # a state axis of length 1 after the period
    periods = Periods(years=inputs.periods, width=inputs.age_width,
                      mortality_rate=inputs.mortality_rate[one],
                      fertility_rate=inputs.fertility_rate[one],
                      sex_ratio_at_birth=inputs.sex_ratio_at_birth,
                      net_migration=inputs.net_migration[one])
    return Base(
        name=name if name in list_bases() else folder.name, year=inputs.year, states=states,
        ages=inputs.ages, population=inputs.population[None],
        mortality_rate=periods.mortality_rate[0], fertility_rate=periods.fertility_rate[0],
        sex_ratio_at_birth=float(inputs.sex_ratio_at_birth[0]),
        net_migration=periods.net_migration[0], internal_migration_rate=None,
        internal_migration_destination=None,
        sha256={"meta.toml": file_sha256(where), **inputs.sha256},
        age_width=inputs.age_width, date=WPP_DATE, mortality_ages=inputs.mortality_ages,
        periods=periods, **_models(where, meta))


def _internal_destination(folder: Path, states: StateSpace, files: list) -> np.ndarray:
    """Destination shares (state, state) of internal migrants, who keep their nationality.

    ``internal_migration_destination.csv`` gives ``origin, destination, share``
    between regions, with a ``nationality`` column when the shares differ by
    nationality; ``internal_destination.csv`` is the older name of a file
    without it.
    """
    regions = {"origin": states.labels_of(REGION), "destination": states.labels_of(REGION)}
    name = "internal_migration_destination.csv"
    if not _present(folder / name):
        name = "internal_destination.csv"
    files.append(name)
    by_nationality = states.has(NATIONALITY) and _has_column(folder / name, NATIONALITY)
    dims = {NATIONALITY: states.labels_of(NATIONALITY), **regions} if by_nationality else regions
    shares = read_grid_csv(folder / name, dims, "share")
    region, others = states.codes(REGION), states.within(REGION)
    if by_nationality:
        nationality = states.codes(NATIONALITY)
        between = shares[nationality[:, None], region[:, None], region[None, :]]
    else:
        between = shares[region[:, None], region[None, :]]
    return np.where(others, between, 0.0)


def _birth_destination(folder: Path, states: StateSpace, files: list) -> np.ndarray | None:
    """The nationality of children by their mother's (state, state), from
    ``birth_nationality.csv`` (``region, mother_nationality, child_nationality,
    share``); None without the file."""
    path = folder / "birth_nationality.csv"
    if not _present(path):
        return None
    files.append(path.name)
    nationalities = states.labels_of(NATIONALITY)
    shares = read_grid_csv(path, {REGION: states.labels_of(REGION),
                                  "mother_nationality": nationalities,
                                  "child_nationality": nationalities}, "share")
    region, nationality = states.codes(REGION), states.codes(NATIONALITY)
    same_region = region[:, None] == region[None, :]
    return np.where(same_region, shares[region[:, None], nationality[:, None],
                                        nationality[None, :]], 0.0)


def _present(path: Path) -> bool:
    """Whether an optional file is there: anything under its name, so that a
    folder, a pipe or a broken link is refused by the reader, not skipped."""
    return os.path.lexists(path)


def _has_column(path: Path, column: str) -> bool:
    """Whether a CSV file's header names ``column``."""
    return column in read_csv_header(path)


def _immigrant_profile(path: Path, states: StateSpace, ages):
    """Immigrants by state, sex and age group of the base from 5-year groups, spread evenly.

    Rows give ``region, citizenship, sex, age_start, age_end, persons``;
    citizenships are summed and each group's persons are shared equally among
    its single ages, which fall in the base's age groups (ages above the open
    age fold into it). Ages are whole numbers from 0 to
    :data:`MAX_BASE_OPEN_AGE`, the first not above the last.
    """
    if not _present(path):
        return None
    regions = states.labels_of(REGION)
    width = int(ages[1] - ages[0])
    table = read_csv(path)
    index = {REGION: {r: i for i, r in enumerate(regions)},
             "sex": {s: i for i, s in enumerate(SEXES)}}
    profile = np.zeros((len(regions), len(SEXES), len(ages)))
    columns = [REGION, "citizenship", "sex", "age_start", "age_end", "persons"]
    for line, row in iter_records(table, columns):
        first, last = (_whole_age(path, line, c, row[c]) for c in ("age_start", "age_end"))
        if first > last:
            raise InputError(f"{shown(path)}, line {line}, column 'age_end'", repr(row["age_end"]),
                             f"an age from age_start ({first}) on", "correct the age group")
        spread = np.arange(first, last + 1)
        region = label_index(path, line, REGION, row[REGION], index[REGION])
        sex = label_index(path, line, "sex", row["sex"], index["sex"])
        persons = table.number(line, "persons", row["persons"])
        if persons < 0:
            raise InputError(f"{shown(path)}, line {line}, column 'persons'", repr(row["persons"]),
                             "a number of persons, 0 or more", "correct the profile")
        np.add.at(profile[region, sex], np.minimum(spread // width, ages.size - 1),
                  persons / spread.size)
    return profile


def _whole_age(path, line, column, text) -> int:
    where = f"{shown(path)}, line {line}, column '{column}'"
    if not text.strip().isdecimal() or not text.strip().isascii() \
            or int(text) > MAX_BASE_OPEN_AGE:
        raise InputError(where, repr(text), f"a whole number of years from 0 to "
                         f"{MAX_BASE_OPEN_AGE}", "write the age in digits, such as 85")
    return int(text)


#: The optional variables of a netCDF base (:func:`_netcdf_variables`).
NETCDF_OPTIONAL = ("internal_migration_rate", "internal_destination", "immigrant_profile",
                   "immigration", "emigration_rate", "naturalisation_rate", "birth_destination")
#: Matrices between states in a netCDF base: the name of their row and column dimensions.
NETCDF_PAIRS = {"internal_destination": ("origin", "destination"),
                "birth_destination": ("mother", "child")}


def _netcdf_variables(states: StateSpace, abridged: bool = False) -> dict[str, tuple[str, ...]]:
    """Variables of a netCDF base, with their dimensions (:data:`NETCDF_OPTIONAL` may be
    left out). Death rates by abridged group have the dimension
    :data:`projsim.types.MORTALITY_AGE`; a matrix between states has a row and a column
    dimension per state dimension (:func:`_pair_dims`)."""
    cell = (*states.dims, "sex", "age")
    return {
        "population": cell,
        "mortality_rate": (*states.dims, "sex", MORTALITY_AGE) if abridged else cell,
        "fertility_rate": (*states.dims, "age"),
        "net_migration": cell,
        "internal_migration_rate": cell,
        "immigrant_profile": cell,
        "immigration": cell,
        "emigration_rate": cell,
        "naturalisation_rate": cell,
        **{name: _pair_dims(states, name) for name in NETCDF_PAIRS},
    }


def _pair_dims(states: StateSpace, name: str) -> tuple[str, ...]:
    """The dimensions of a matrix between states: ``origin`` and ``destination`` on
    a base by region (the format of bases written before nationality), else
    ``origin_region``, ``origin_nationality``, ..., ``destination_nationality``."""
    row, column = NETCDF_PAIRS[name]
    if states.dims == (REGION,):
        return row, column
    return (*(f"{row}_{d}" for d in states.dims), *(f"{column}_{d}" for d in states.dims))


def _pair_coords(states: StateSpace) -> dict[str, list[str]]:
    """The labels of every dimension of the matrices between states."""
    coords = {}
    for name in NETCDF_PAIRS:
        dims = _pair_dims(states, name)
        for dim, state_dim in zip(dims, states.dims * 2):
            coords[dim] = list(states.labels_of(state_dim))
    return coords


def _load_netcdf(path: Path) -> Base:
    expected = "a netCDF base file written by projsim.io.write_base_netcdf"
    try:
        dataset = load_netcdf_file(path, NETCDF_BASE, expected, "check the path")
    except FileNotFoundError:
        raise InputError(shown(path), "no such file", expected, "check the path") from None
    where = shown(path)
    states = _netcdf_states(where, dataset)
    optional = NETCDF_OPTIONAL
    abridged = MORTALITY_AGE in dataset.dims
    for name, dims in _netcdf_variables(states, abridged).items():
        if name not in dataset and name not in optional:
            raise InputError(f"{where}: {name}", "no such variable", f"a variable {name}{dims}",
                             "write the base with projsim.io.write_base_netcdf")
        if name not in dataset:
            continue
        variable = dataset[name]
        if variable.dims != dims:
            raise InputError(f"{where}: {name}", f"dimensions {variable.dims}",
                             f"dimensions {dims}", "transpose the variable")
        if variable.dtype.kind not in "fiu":
            got = "text" if variable.dtype.kind in "OSU" else f"values of type {variable.dtype}"
            raise InputError(f"{where}: {name}", got, "numbers",
                             "write the variable as floating-point numbers")
        if not np.isfinite(variable.values).all():
            bad = tuple(np.argwhere(~np.isfinite(variable.values))[0])
            cell = ", ".join(f"{d}={shown(dataset[d].values[i])}" for d, i in zip(dims, bad))
            raise InputError(f"{where}: {name}", f"{float(variable.values[bad])!r} at {cell}",
                             "a finite number in every cell",
                             "fill in the value; projsim never fills gaps")
    sexes = [str(s) for s in dataset.sex.values]
    if sexes != list(SEXES):
        raise InputError(f"{where}: sex", repr(sexes), repr(list(SEXES)),
                         "label and order the sexes as projsim does")
    ages = dataset.age.values
    # bases written before grids existed have no width: single years
    width = _width(path, {"width": dataset.attrs.get("age_width", 1)})
    if ages.dtype.kind not in "iu" or not np.array_equal(ages, width * np.arange(len(ages))) \
            or not 1 <= ages[-1] <= MAX_BASE_OPEN_AGE or len(ages) < 2:
        expected = "single ages 0, 1, ..." if width == 1 else f"groups 0, {width}, {2 * width}, ..."
        raise InputError(f"{where}: age", f"ages {ages[:3].tolist()}...{ages[-1:].tolist()}",
                         f"{expected}, the last one open, at most {MAX_BASE_OPEN_AGE}",
                         "use single years of age" if width == 1 else
                         f"label the groups of {width} years by their first age")
    mortality_ages = None
    if abridged:
        mortality_ages = abridged_ages(width, int(ages[-1]))
        if width == 1 or not np.array_equal(dataset[MORTALITY_AGE].values, mortality_ages):
            raise InputError(f"{where}: {MORTALITY_AGE}",
                             repr(dataset[MORTALITY_AGE].values.tolist()),
                             f"the abridged ages {mortality_ages.tolist()} of groups of {width} "
                             "years", "write the base with projsim.io.write_base_netcdf")
    internal = "internal_migration_rate" in dataset
    if internal != ("internal_destination" in dataset):
        raise InputError(f"{where}: internal_destination",
                         "only one of internal_migration_rate and internal_destination",
                         "both or neither", "write the base with projsim.io.write_base_netcdf")
    for name in NETCDF_PAIRS:
        if name not in dataset:
            continue
        for dim, state_dim in zip(_pair_dims(states, name), states.dims * 2):
            labels = [str(v) for v in dataset[dim].values]
            if labels != list(states.labels_of(state_dim)):
                raise InputError(f"{where}: {dim}", repr(labels),
                                 f"the labels {list(states.labels_of(state_dim))} of "
                                 f"{state_dim}, in that order",
                                 f"label {name} by the base's states")

    def values(name):
        return states.flatten(dataset[name].values, 0) if name in dataset else None

    def matrix(name):
        return dataset[name].values.reshape(states.size, states.size) if name in dataset \
            else None

    return Base(
        name=path.stem,
        year=_year(path, dataset.attrs),
        states=states,
        ages=ages.astype(int),
        population=values("population"),
        mortality_rate=values("mortality_rate"),
        fertility_rate=values("fertility_rate"),
        sex_ratio_at_birth=float(_attribute(path, dataset.attrs, "sex_ratio_at_birth", float)),
        net_migration=values("net_migration"),
        internal_migration_rate=values("internal_migration_rate"),
        internal_migration_destination=matrix("internal_destination"),
        sha256={path.name: file_sha256(path)},
        immigrant_profile=values("immigrant_profile"),
        immigration=values("immigration"),
        emigration_rate=values("emigration_rate"),
        naturalisation_rate=values("naturalisation_rate"),
        birth_destination=matrix("birth_destination"),
        age_width=width, date=_date(path, dataset.attrs), mortality_ages=mortality_ages,
        **_models(where, dataset.attrs),
    )


def _netcdf_states(where: str, dataset) -> StateSpace:
    """The state dimensions of a netCDF base, each with unique text labels."""
    named = dataset.attrs.get(STATE_DIMS_ATTRIBUTE)
    dims = [d for d in STATE_DIMS if d in dataset.dims or d == REGION] if named is None \
        else named.split() if isinstance(named, str) else None
    if not dims or any(d not in STATE_DIMS for d in dims) \
            or dims != sorted(dims, key=STATE_DIMS.index) or len(set(dims)) < len(dims):
        raise InputError(f"{where}: {STATE_DIMS_ATTRIBUTE}", repr(named),
                         f"some of {list(STATE_DIMS)}, in that order, separated by spaces",
                         "write the base with projsim.io.write_base_netcdf")
    for dim in dims:
        if dim not in dataset.coords or dataset[dim].ndim != 1:
            raise InputError(f"{where}: {dim}", "no such coordinate", f"the labels of each {dim}",
                             "write the base with projsim.io.write_base_netcdf")
        if dataset[dim].dtype.kind not in "UO":
            raise InputError(f"{where}: {dim}", f"labels of type {dataset[dim].dtype}", "text",
                             f"label the {dim}s by name")
        _unique(where, dim, [str(v) for v in dataset[dim].values])
    return StateSpace.from_dataset(dataset)


def write_base_netcdf(base: Base, path: Path) -> None:
    """Write a base to a netCDF file that :func:`load_base` reads back.

    The format follows the suffix: ``.nc`` (netCDF3) or ``.nc4`` (compressed
    netCDF4, with ``projsim[netcdf4]``); the write is atomic, as
    :func:`projsim.io.write_netcdf`'s. A base by age groups records their
    width (``age_width``) and a base on another day than 1 January its date
    (``date``) in the attributes; death rates by abridged group have the
    dimension ``mortality_age``. A base by region and nationality keeps its
    gross flows (immigrants, emigration and naturalisation rates) and its
    matrices between states, labelled by origin and destination (and mother
    and child) region and nationality. Rates by period are not written.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "belgium.nc"
    >>> write_base_netcdf(load_base("belgium-2012"), path)
    >>> back = load_base(str(path))
    >>> int(back.population.sum()), back.states.dims, int(back.immigration.sum())
    (11035948, ('region', 'nationality'), 129477)
    """
    import xarray as xr

    states = base.states
    arrays = {"population": base.population, "mortality_rate": base.mortality_rate,
              "fertility_rate": base.fertility_rate, "net_migration": base.net_migration,
              "internal_migration_rate": base.internal_migration_rate,
              "internal_destination": base.internal_migration_destination,
              "immigrant_profile": base.immigrant_profile, "immigration": base.immigration,
              "emigration_rate": base.emigration_rate,
              "naturalisation_rate": base.naturalisation_rate,
              "birth_destination": base.birth_destination}
    variables = _netcdf_variables(states, base.mortality_ages is not None)
    grid = {**({"age_width": base.age_width} if base.age_width != 1 else {}),
            **({"date": base.date} if base.date != STOCK_DATES[0] else {})}
    mortality_ages = {} if base.mortality_ages is None else {MORTALITY_AGE: base.mortality_ages}

    def labelled(name, array):
        if name in NETCDF_PAIRS:
            return np.asarray(array).reshape(states.shape * 2)
        return states.unflatten(array, 0)

    dataset = xr.Dataset(
        {name: (variables[name], labelled(name, array))
         for name, array in arrays.items() if array is not None},
        coords={**states.coords(), "sex": list(SEXES), "age": base.ages, **mortality_ages,
                **_pair_coords(states)},
        attrs={"year": base.year, "sex_ratio_at_birth": base.sex_ratio_at_birth,
               "source": f"projsim base {base.name}", **grid})
    if Path(path).suffix not in NETCDF_SUFFIXES:
        raise InputError("argument 'path'", repr(str(path)),
                         f"a name ending in {' or '.join(NETCDF_SUFFIXES)}",
                         "name the base file after its format, for example base.nc")
    write_netcdf(dataset, path)


def base_sources(name: str) -> dict[str, str]:
    """The sources an embedded base credits (its ``meta.toml`` ``[sources]``), by
    key; empty for a name that is no embedded base (a user's base).

    Examples
    --------
    >>> base_sources("belgium-1988")["hfc"]
    'Human Fertility Collection (MPIDR, VID), standardized ASFR of Belgium, 1987'
    >>> base_sources("my-base")
    {}
    """
    if name not in list_bases():
        return {}
    sources = read_toml(_folder(name) / "meta.toml").get("sources", {})
    return {str(k): str(v) for k, v in sources.items()} if isinstance(sources, dict) else {}


def base_year(name: str) -> int:
    """The year of a base's 1 January (reads the whole base, which is cached)."""
    return load_base(name).year
