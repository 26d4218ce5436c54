"""Reading bases: the embedded ones (``projsim/data/``) and a user's folder or netCDF file.

Each embedded base is a folder written by ``tools/build_belgium.py`` from the
raw files in ``data-raw/``; its ``README.md`` states every source, licence
and estimation method. A base is read into a :class:`projsim.model.base.Base`
(unlabeled arrays on the axes (state, sex, age), the labels beside them)
and checked once.

Examples
--------
>>> base = load_base("belgium-2012")
>>> base.regions
('Brussels-Capital Region', 'Flemish Region', 'Walloon Region')
>>> int(base.population.sum())
11035948
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np

from projsim.errors import InputError
from projsim.io.files import file_sha256, read_grid_csv, read_toml
from projsim.io.packaged import (
    DEFAULT_MORTALITY_PATTERN, DEFAULT_UNCERTAINTY, data_folder, read_lee_carter,
    read_uncertainty_parameters,
)
from projsim.model.base import Base, check_base
from projsim.model.states import StateSpace
from projsim.types import NATIONALITY, REGION, SEXES, STATE_DIMS


def _folder(name: str) -> Path:
    return data_folder(name.replace("-", "_"))


@cache
def list_bases() -> tuple[str, ...]:
    """Names of the embedded bases.

    Examples
    --------
    >>> list_bases()
    ('belgium-1988', 'belgium-2012')
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
    if (path / "meta.toml").is_file() or (path.suffix == ".nc" and path.is_file()):
        return str(path.resolve())
    close = difflib.get_close_matches(name_or_path, list_bases(), n=1)
    raise InputError("base", repr(name_or_path),
                     f"an embedded base {list(list_bases())}, a folder with meta.toml and the "
                     "base's CSV files, or a netCDF base file",
                     f"did you mean '{close[0]}'?" if close else
                     "check the path (relative to the scenario file)")


def _location(name: str) -> Path:
    return _folder(name) if name in list_bases() else Path(name)


def _attribute(where, mapping, key, kind):
    value = mapping.get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, (kind, np.generic)):
        raise InputError(f"{where}: {key}", repr(value), f"a {kind.__name__}",
                         f"set {key} in the base's metadata")
    return value


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
    base = _load_netcdf(location) if location.suffix == ".nc" else _load_folder(location, name)
    check_base(base, str(location))
    return base


def _models(meta: dict) -> dict:
    """The packaged models a base names in its ``[models]`` table (Belgian by default)."""
    models = meta.get("models", {})
    return {"mortality_pattern": read_lee_carter(models.get("mortality_pattern",
                                                            DEFAULT_MORTALITY_PATTERN)),
            "uncertainty_parameters": read_uncertainty_parameters(
                models.get("uncertainty", DEFAULT_UNCERTAINTY))}


def _states(where: Path, meta: dict) -> StateSpace:
    """The state space of a base's metadata: a ``[states]`` table, or a ``regions`` list."""
    table = meta.get("states")
    if table is None:
        return StateSpace.of({REGION: _attribute(where, meta, "regions", list)})
    if not isinstance(table, dict) or not table or any(k not in STATE_DIMS for k in table):
        raise InputError(f"{where}: states", repr(table),
                         f"a table of labels by state dimension, among {list(STATE_DIMS)}",
                         'write for example [states] region = ["North", "South"]')
    return StateSpace.of({dim: _attribute(where, table, dim, list) for dim in table})


def _load_folder(folder: Path, name: str) -> Base:
    where = folder / "meta.toml"
    meta = read_toml(where)
    states = _states(where, meta)
    ages = np.arange(int(_attribute(where, meta.get("ages", {}), "open_age", int)) + 1)
    by_state = states.coords()
    cells = {**by_state, "sex": SEXES, "age": tuple(ages)}

    files = ["meta.toml", "population.csv", "mortality_rate.csv", "fertility_rate.csv",
             "net_migration.csv"]

    def read(file, value, dims=cells):
        files.append(file) if file not in files else None
        return states.flatten(read_grid_csv(folder / file, dims, value), 0)

    def optional(file, value):
        return read(file, value) if (folder / file).is_file() else None

    internal = (folder / "internal_migration_rate.csv").is_file()
    destination = _internal_destination(folder, states, files) if internal else None
    base = Base(
        name=name if name in list_bases() else folder.name,
        year=int(_attribute(where, meta, "year", int)),
        states=states,
        ages=ages,
        population=read("population.csv", "population"),
        mortality_rate=read("mortality_rate.csv", "mortality_rate"),
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
        **_models(meta),
    )
    return replace(base, sha256={f: file_sha256(folder / f) for f in files})


def _internal_destination(folder: Path, states: StateSpace, files: list) -> np.ndarray:
    """Destination shares (state, state) of internal migrants, who keep their nationality.

    ``internal_migration_destination.csv`` gives ``origin, destination, share``
    between regions, with a ``nationality`` column when the shares differ by
    nationality; ``internal_destination.csv`` is the older name of a file
    without it.
    """
    regions = {"origin": states.labels_of(REGION), "destination": states.labels_of(REGION)}
    name = "internal_migration_destination.csv"
    if not (folder / name).is_file():
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
    if not path.is_file():
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


def _has_column(path: Path, column: str) -> bool:
    """Whether a CSV file's header names ``column``."""
    with open(path, newline="", encoding="utf-8") as stream:
        return column in next(csv.reader(stream), [])


def _immigrant_profile(path: Path, states: StateSpace, ages):
    """Immigrants by state, sex and single age from 5-year groups, spread evenly.

    Rows give ``region, citizenship, sex, age_start, age_end, persons``;
    citizenships are summed and each group's persons are shared equally among
    its single ages (ages above the open age fold into it).
    """
    if not path.is_file():
        return None
    regions = states.labels_of(REGION)
    profile = np.zeros((len(regions), len(SEXES), len(ages)))
    with open(path, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            first, last = int(row["age_start"]), int(row["age_end"])
            spread = np.arange(first, last + 1)
            np.add.at(profile[regions.index(row[REGION]), SEXES.index(row["sex"])],
                      np.minimum(spread, ages[-1]), float(row["persons"]) / spread.size)
    return profile


def _netcdf_variables(states: StateSpace) -> dict[str, tuple[str, ...]]:
    """Variables of a netCDF base, with their dimensions; the last two are optional."""
    cell = (*states.dims, "sex", "age")
    return {
        "population": cell,
        "mortality_rate": cell,
        "fertility_rate": (*states.dims, "age"),
        "net_migration": cell,
        "internal_migration_rate": cell,
        "internal_destination": ("origin", "destination"),
    }


def _load_netcdf(path: Path) -> Base:
    import xarray as xr

    try:
        dataset = xr.load_dataset(path, engine="scipy")
    except (OSError, TypeError, ValueError):
        raise InputError(str(path), "a file that is not in netCDF format",
                         "a netCDF base file written by projsim.io.write_base_netcdf",
                         "check the path") from None
    states = StateSpace.from_dataset(dataset)
    optional = ("internal_migration_rate", "internal_destination")
    for name, dims in _netcdf_variables(states).items():
        if name not in dataset and name not in optional:
            raise InputError(f"{path}: {name}", "no such variable", f"a variable {name}{dims}",
                             "write the base with projsim.io.write_base_netcdf")
        if name in dataset and dataset[name].dims != dims:
            raise InputError(f"{path}: {name}", f"dimensions {dataset[name].dims}",
                             f"dimensions {dims}", "transpose the variable")
    if list(dataset.sex.values) != list(SEXES):
        raise InputError(f"{path}: sex", repr(list(dataset.sex.values)), repr(list(SEXES)),
                         "label and order the sexes as projsim does")
    ages = dataset.age.values
    if not np.array_equal(ages, np.arange(len(ages))):
        raise InputError(f"{path}: age", f"ages {ages[:3].tolist()}...{ages[-1:].tolist()}",
                         "single ages 0, 1, ..., the last one open", "use single years of age")
    internal = "internal_migration_rate" in dataset

    def values(name):
        return states.flatten(dataset[name].values, 0)

    return Base(
        name=path.stem,
        year=int(_attribute(path, dataset.attrs, "year", int)),
        states=states,
        ages=ages.astype(int),
        population=values("population"),
        mortality_rate=values("mortality_rate"),
        fertility_rate=values("fertility_rate"),
        sex_ratio_at_birth=float(_attribute(path, dataset.attrs, "sex_ratio_at_birth", float)),
        net_migration=values("net_migration"),
        internal_migration_rate=values("internal_migration_rate") if internal else None,
        internal_migration_destination=dataset.internal_destination.values if internal else None,
        sha256={path.name: file_sha256(path)},
        **_models(dataset.attrs),
    )


def write_base_netcdf(base: Base, path: Path) -> None:
    """Write a base to a netCDF file that :func:`load_base` reads back.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "belgium.nc"
    >>> write_base_netcdf(load_base("belgium-2012"), path)
    >>> int(load_base(str(path)).population.sum())
    11035948
    """
    import xarray as xr

    states = base.states
    arrays = {"population": base.population, "mortality_rate": base.mortality_rate,
              "fertility_rate": base.fertility_rate, "net_migration": base.net_migration,
              "internal_migration_rate": base.internal_migration_rate,
              "internal_destination": base.internal_migration_destination}
    variables = _netcdf_variables(states)
    dataset = xr.Dataset(
        {name: (variables[name], array if name == "internal_destination"
                else states.unflatten(array, 0))
         for name, array in arrays.items() if array is not None},
        coords={**states.coords(), "sex": list(SEXES), "age": base.ages,
                "origin": list(base.regions), "destination": list(base.regions)},
        attrs={"year": base.year, "sex_ratio_at_birth": base.sex_ratio_at_birth,
               "source": f"projsim base {base.name}"})
    dataset.to_netcdf(path, engine="scipy")


def base_year(name: str) -> int:
    """The year of a base's 1 January (reads the whole base, which is cached)."""
    return load_base(name).year
