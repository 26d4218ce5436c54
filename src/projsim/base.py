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

    @property
    def open_age(self) -> int:
        """The first age of the open age group [years]."""
        return int(self.ages[-1])


def _folder(name: str) -> Path:
    return Path(str(resources.files("projsim") / "data" / name.replace("-", "_")))


@cache
def list_bases() -> tuple[str, ...]:
    """Names of the embedded bases.

    Examples
    --------
    >>> list_bases()
    ('belgium-1988', 'belgium-2012')
    """
    root = Path(str(resources.files("projsim") / "data"))
    return tuple(sorted(p.name.replace("_", "-") for p in root.iterdir() if (p / "meta.toml").is_file()))


def base_year(name: str) -> int:
    """The year of a base's 1 January, read from its metadata only."""
    return int(read_toml(_folder(name) / "meta.toml")["year"])


@cache
def load_base(name: str) -> Base:
    """Read an embedded base.

    Parameters
    ----------
    name : str
        One of :func:`list_bases`.

    Returns
    -------
    Base
    """
    if name not in list_bases():
        raise InputError("base", repr(name), f"one of {list(list_bases())}",
                         "pick an embedded base")
    folder = _folder(name)
    meta = read_toml(folder / "meta.toml")
    regions = tuple(meta["regions"])
    ages = np.arange(int(meta["ages"]["first"]), int(meta["ages"]["open_age"]) + 1)
    cells = {"region": regions, "sex": SEXES, "age": tuple(ages)}

    def read(file, value, dims=cells):
        return read_grid_csv(folder / file, dims, value)

    internal = (folder / "internal_migration_rate.csv").is_file()
    files = ["meta.toml", "population.csv", "mortality_rate.csv", "fertility_rate.csv",
             "net_migration.csv"]
    files += ["internal_migration_rate.csv", "internal_destination.csv"] if internal else []
    return Base(
        name=name,
        year=int(meta["year"]),
        regions=regions,
        ages=ages,
        population=read("population.csv", "population"),
        mortality_rate=read("mortality_rate.csv", "mortality_rate"),
        fertility_rate=read("fertility_rate.csv", "fertility_rate",
                            {"region": regions, "age": tuple(ages)}),
        sex_ratio_at_birth=float(meta["sex_ratio_at_birth"]),
        net_migration=read("net_migration.csv", meta["net_migration_column"]),
        internal_rate=read("internal_migration_rate.csv", "internal_migration_rate")
        if internal else None,
        internal_destination=read("internal_destination.csv", "share",
                                  {"origin": regions, "destination": regions})
        if internal else None,
        sha256={f: file_sha256(folder / f) for f in files},
    )
