"""Embedded base datasets: the population and rates a projection starts from.

Each base is a folder under ``projsim/data/`` written by
``tools/build_belgium.py`` from the raw files in ``data-raw/``; its
``README.md`` states every source, licence and estimation method. This
module reads a base into unlabeled arrays with their labels beside them.

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
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from projsim.errors import InputError
from projsim.io import file_sha256, read_grid_csv, read_toml
from projsim.types import SEXES


@dataclass(frozen=True)
class Base:
    """A base population with its rates, on the kernel's axes (state, sex, age).

    Attributes
    ----------
    name : str
        The base's name, e.g. ``"belgium-2012"``.
    year : int
        The base date is 1 January of this year.
    regions : tuple of str
        Labels of the state axis.
    ages : ndarray of int
        Age groups (single years); the last is the open group.
    population : ndarray, (region, sex, age)
        Population on 1 January of ``year`` [persons].
    mortality_rate : ndarray, (region, sex, age)
        Central death rates [per person-year].
    fertility_rate : ndarray, (region, age)
        Fertility rates by age of mother [births per woman per year].
    sex_ratio_at_birth : float
        Male births per female birth [1].
    net_migration : ndarray, (region, sex, age)
        International net migration [persons per year], by age at the end of
        the year.
    internal_rate : ndarray or None, (region, sex, age)
        Out-migration rates to the other regions [per person-year].
    internal_destination : ndarray or None, (region, region)
        Destination shares of each origin's out-migrants [1].
    immigrant_profile : ndarray or None, (region, sex, age)
        Recent immigrants by region, sex and age [persons], the age profile
        an immigration total is spread by (census 2011 for Belgium: persons
        who lived abroad a year earlier, 5-year groups spread evenly over
        their single ages).
    sha256 : dict of str to str
        SHA-256 of each file read.
    """

    name: str
    year: int
    regions: tuple[str, ...]
    ages: np.ndarray
    population: np.ndarray = field(repr=False)
    mortality_rate: np.ndarray = field(repr=False)
    fertility_rate: np.ndarray = field(repr=False)
    sex_ratio_at_birth: float
    net_migration: np.ndarray = field(repr=False)
    internal_rate: np.ndarray | None = field(repr=False)
    internal_destination: np.ndarray | None = field(repr=False)
    sha256: dict[str, str] = field(repr=False)
    immigrant_profile: np.ndarray | None = field(default=None, repr=False)

    @property
    def open_age(self) -> int:
        """The first age of the open age group [years]."""
        return int(self.ages[-1])


def _folder(name: str) -> Path:
    return Path(str(resources.files("projsim") / "data" / name.replace("-", "_")))


@cache
def list_bases() -> tuple[str, ...]:
    """Names of the embedded bases.

    A data folder with a ``meta.toml`` is a base, unless its ``meta.toml``
    declares a ``[states]`` table (states crossed with nationality, as
    ``belgium_2012_nationality``): this loader reads bases by region only.

    Examples
    --------
    >>> list_bases()
    ('belgium-1988', 'belgium-2012')
    """
    root = Path(str(resources.files("projsim") / "data"))
    return tuple(sorted(
        p.name.replace("_", "-") for p in root.iterdir()
        if (p / "meta.toml").is_file() and "states" not in read_toml(p / "meta.toml")
    ))


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


def base_year(name: str) -> int:
    """The year of a base's 1 January, read from its metadata only."""
    location = _location(name)
    if location.suffix == ".nc":
        import xarray as xr

        with xr.open_dataset(location, engine="scipy") as dataset:
            return int(_attribute(location, dataset.attrs, "year", int))
    return int(_attribute(location / "meta.toml", read_toml(location / "meta.toml"), "year", int))


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
    _check_base(base, str(location))
    return base


def _load_folder(folder: Path, name: str) -> Base:
    meta = read_toml(folder / "meta.toml")
    where = folder / "meta.toml"
    regions = tuple(_attribute(where, meta, "regions", list))
    ages = np.arange(int(_attribute(where, meta.get("ages", {}), "open_age", int)) + 1)
    cells = {"region": regions, "sex": SEXES, "age": tuple(ages)}

    def read(file, value, dims=cells):
        return read_grid_csv(folder / file, dims, value)

    internal = (folder / "internal_migration_rate.csv").is_file()
    files = ["meta.toml", "population.csv", "mortality_rate.csv", "fertility_rate.csv",
             "net_migration.csv"]
    files += ["internal_migration_rate.csv", "internal_destination.csv"] if internal else []
    return Base(
        name=name if name in list_bases() else folder.name,
        year=int(_attribute(where, meta, "year", int)),
        regions=regions,
        ages=ages,
        population=read("population.csv", "population"),
        mortality_rate=read("mortality_rate.csv", "mortality_rate"),
        fertility_rate=read("fertility_rate.csv", "fertility_rate",
                            {"region": regions, "age": tuple(ages)}),
        sex_ratio_at_birth=float(_attribute(where, meta, "sex_ratio_at_birth", float)),
        net_migration=read("net_migration.csv", meta.get("net_migration_column", "net_migration")),
        internal_rate=read("internal_migration_rate.csv", "internal_migration_rate")
        if internal else None,
        internal_destination=read("internal_destination.csv", "share",
                                  {"origin": regions, "destination": regions})
        if internal else None,
        sha256={f: file_sha256(folder / f) for f in files},
        immigrant_profile=_immigrant_profile(folder / "immigrant_profile.csv", regions, ages),
    )


def _immigrant_profile(path: Path, regions, ages):
    """Immigrants by region, sex and single age from 5-year groups, spread evenly.

    Rows give ``region, citizenship, sex, age_start, age_end, persons``;
    citizenships are summed and each group's persons are shared equally among
    its single ages (ages above the open age fold into it).
    """
    if not path.is_file():
        return None
    profile = np.zeros((len(regions), len(SEXES), len(ages)))
    with open(path, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            first, last = int(row["age_start"]), int(row["age_end"])
            spread = np.arange(first, last + 1)
            np.add.at(profile[regions.index(row["region"]), SEXES.index(row["sex"])],
                      np.minimum(spread, ages[-1]), float(row["persons"]) / spread.size)
    return profile


#: Variables of a netCDF base, with their dimensions; the last two are optional.
NETCDF_VARIABLES = {
    "population": ("region", "sex", "age"),
    "mortality_rate": ("region", "sex", "age"),
    "fertility_rate": ("region", "age"),
    "net_migration": ("region", "sex", "age"),
    "internal_migration_rate": ("region", "sex", "age"),
    "internal_destination": ("origin", "destination"),
}


def _load_netcdf(path: Path) -> Base:
    import xarray as xr

    try:
        dataset = xr.load_dataset(path, engine="scipy")
    except (OSError, TypeError, ValueError):
        raise InputError(str(path), "a file that is not in netCDF format",
                         "a netCDF base file written by projsim.base.write_base_netcdf",
                         "check the path") from None
    optional = ("internal_migration_rate", "internal_destination")
    for name, dims in NETCDF_VARIABLES.items():
        if name not in dataset and name not in optional:
            raise InputError(f"{path}: {name}", "no such variable", f"a variable {name}{dims}",
                             "write the base with projsim.base.write_base_netcdf")
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
    return Base(
        name=path.stem,
        year=int(_attribute(path, dataset.attrs, "year", int)),
        regions=tuple(str(r) for r in dataset.region.values),
        ages=ages.astype(int),
        population=dataset.population.values,
        mortality_rate=dataset.mortality_rate.values,
        fertility_rate=dataset.fertility_rate.values,
        sex_ratio_at_birth=float(_attribute(path, dataset.attrs, "sex_ratio_at_birth", float)),
        net_migration=dataset.net_migration.values,
        internal_rate=dataset.internal_migration_rate.values if internal else None,
        internal_destination=dataset.internal_destination.values if internal else None,
        sha256={path.name: file_sha256(path)},
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

    arrays = {"population": base.population, "mortality_rate": base.mortality_rate,
              "fertility_rate": base.fertility_rate, "net_migration": base.net_migration,
              "internal_migration_rate": base.internal_rate,
              "internal_destination": base.internal_destination}
    dataset = xr.Dataset(
        {name: (NETCDF_VARIABLES[name], array) for name, array in arrays.items() if array is not None},
        coords={"region": list(base.regions), "sex": list(SEXES), "age": base.ages,
                "origin": list(base.regions), "destination": list(base.regions)},
        attrs={"year": base.year, "sex_ratio_at_birth": base.sex_ratio_at_birth,
               "source": f"projsim base {base.name}"})
    dataset.to_netcdf(path, engine="scipy")


def _check_base(base: Base, where: str) -> None:
    """Reject values no projection can use: negative counts or rates, fertility
    outside the childbearing ages, a zero death rate in the open group,
    destination shares that do not sum to 1."""
    def at(array, mask):
        full = np.zeros(array.shape, dtype=bool)
        full[..., mask] = True
        return full

    cells = ("region", "sex", "age")
    open_group, outside = at(base.mortality_rate, [-1]), at(base.fertility_rate, [0, -1])
    checks = [
        ("population", cells, base.population, base.population < 0, "persons, not negative"),
        ("mortality_rate", cells, base.mortality_rate, base.mortality_rate < 0,
         "death rates, not negative"),
        ("mortality_rate", cells, base.mortality_rate, open_group & (base.mortality_rate <= 0),
         "a positive death rate in the open age group"),
        ("fertility_rate", ("region", "age"), base.fertility_rate, base.fertility_rate < 0,
         "fertility rates, not negative"),
        ("fertility_rate", ("region", "age"), base.fertility_rate,
         outside & (base.fertility_rate != 0), "no fertility at age 0 or in the open age group"),
    ]
    if base.internal_rate is not None:
        rows = base.internal_destination.sum(-1)
        checks += [
            ("internal_migration_rate", cells, base.internal_rate, base.internal_rate < 0,
             "rates, not negative"),
            ("internal_destination", ("origin",), rows, np.abs(rows - 1) > 1e-9,
             "shares of each origin summing to 1"),
        ]
    labels = {"region": base.regions, "origin": base.regions, "sex": SEXES, "age": base.ages}
    for name, dims, values, bad, expected in checks:
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            cell = ", ".join(f"{d}={labels[d][i]}" for d, i in zip(dims, index))
            raise InputError(f"{where}: {name}", f"{float(values[index])!r} at {cell}", expected,
                             "correct the base data")
