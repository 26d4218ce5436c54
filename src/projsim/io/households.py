"""The household-position model: read from its folder into a Dataset.

The model shipped with projsim, ``projsim/data/households_belgium/``, is
estimated by ``tools/build_households.py`` from the census of 1 January 2011
and the Federal Planning Bureau's household series; its README states the
sources, licences, methods and the measured checks. A folder laid out the
same way (``households.toml`` and the three CSV files it names) is read the
same.
The model is used by :mod:`projsim.analysis.households`, which takes it as
data.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from projsim.errors import InputError
from projsim.io.bases import MAX_BASE_OPEN_AGE
from projsim.io.files import TOML_FILE, check_regular_file, read_grid_csv, read_toml, shown
from projsim.io.packaged import data_folder
from projsim.types import HOUSEHOLD_POSITIONS, POSITION, REGION, SEXES

__all__ = ["DEFAULT_HOUSEHOLD_MODEL", "list_household_models", "read_household_model",
           "resolve_household_model"]

#: The household model shipped with projsim.
DEFAULT_HOUSEHOLD_MODEL = "households_belgium"
#: The metadata file of a household model's folder (a ``meta.toml`` would mark a base,
#: a ``model.toml`` a mortality pattern: :mod:`projsim.io.bases`).
METADATA = "households.toml"


def list_household_models() -> list[str]:
    """The household models shipped with projsim.

    Examples
    --------
    >>> list_household_models()
    ['households_belgium']
    """
    return sorted(p.name for p in data_folder().iterdir() if (p / METADATA).is_file())


def resolve_household_model(name: str | Path, relative_to: Path | None = None) -> str:
    """The name of a shipped household model, or the resolved path of a model's folder.

    A relative path is taken from ``relative_to`` (a scenario file's folder).

    Examples
    --------
    >>> resolve_household_model("households_belgium")
    'households_belgium'
    """
    if isinstance(name, str) and name in list_household_models():
        return name
    path = Path(name) if relative_to is None else relative_to / name
    if (path / METADATA).is_file():
        return str(path.resolve())
    if os.path.lexists(path / METADATA):
        try:
            check_regular_file(path / METADATA, TOML_FILE)    # a device, a pipe, too large
        except FileNotFoundError:
            pass                                              # a broken link: not a model
    raise InputError("household model", repr(str(name)),
                     f"a model shipped with projsim {list_household_models()}, or a folder "
                     f"holding {METADATA}", "check the name or the path"
                     + ("" if relative_to is None else " (relative to the scenario file)"))


def _folder(name: str | Path) -> Path:
    """The folder of a packaged model named ``name``, or the folder ``name`` itself."""
    resolved = resolve_household_model(name)
    return data_folder(resolved) if resolved in list_household_models() else Path(resolved)


def _labels(meta: dict, key: str, expected: tuple[str, ...], where: Path) -> tuple[str, ...]:
    value = meta.get(key)
    labels = tuple(value) if isinstance(value, list) else ()
    if labels != expected:
        raise InputError(f"{shown(where)}: {key}", repr(list(labels)), f"the labels {list(expected)}",
                         "use projsim's vocabulary (projsim.types), in its order")
    return labels


def _entry(meta: dict, key: str, kind: type, where: Path):
    """The value of ``key`` (``"section.key"`` for a table's key) in the metadata, of ``kind``."""
    value = meta
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None or isinstance(value, bool) or not isinstance(value, kind):
        words = {int: "a whole number", str: "a text in quotes"}[kind]
        raise InputError(f"{shown(where)}: {key}", "nothing" if value is None else repr(value),
                         words, f"set {key} in the model's {METADATA}")
    return value


def read_household_model(name: str | Path = DEFAULT_HOUSEHOLD_MODEL) -> xr.Dataset:
    """Read a household-position model.

    Parameters
    ----------
    name : str or Path
        A model shipped with projsim (by default ``"households_belgium"``), or
        the folder of one laid out the same way.

    Returns
    -------
    xarray.Dataset
        ``persons`` (region, sex, age, position): the census persons in each
        position [persons], whose shares by cell the projection applies;
        ``children_per_couple`` (region) [persons per household];
        ``other_headship`` (region) [households per person]; ``trend`` (region,
        position), the slopes of the log odds of the positions [per year];
        attributes ``trend_first``, ``trend_origin``, ``trend_until`` [year],
        ``census_date``, ``model``, and the short credits of its sources written
        under figures, ``credit_census`` (always) and ``credit_trend`` (with the
        method ``"trend"``).

    Raises
    ------
    projsim.errors.InputError
        If a file is missing or malformed, or the labels are not projsim's.

    Examples
    --------
    >>> model = read_household_model()
    >>> model["persons"].dims, model.attrs["census_date"]
    (('region', 'sex', 'age', 'position'), '2011-01-01')
    >>> print(f"{float(model['persons'].sel(region='Belgium', position='living_alone').sum()):,.0f}")
    1,607,741
    """
    folder = _folder(name)
    where = folder / METADATA
    meta = read_toml(where)
    given = meta.get("regions")
    regions = tuple(given) if isinstance(given, list) else ()
    if not regions or not all(isinstance(r, str) for r in regions) \
            or len(set(regions)) < len(regions):
        raise InputError(f"{shown(where)}: regions", repr(given) if given is not None
                         else "no regions", "a list of region labels, each once",
                         "name the regions of the model")
    _labels(meta, "sexes", SEXES, where)
    _labels(meta, "positions", HOUSEHOLD_POSITIONS, where)
    first, open_age = (_entry(meta, f"ages.{key}", int, where) for key in ("first", "open_age"))
    if first != 0 or not 1 <= open_age <= MAX_BASE_OPEN_AGE:
        raise InputError(f"{shown(where)}: ages", f"first = {first}, open_age = {open_age}",
                         f"first = 0 and an open age from 1 to {MAX_BASE_OPEN_AGE}",
                         "give the shares by single year of age from 0")
    ages = tuple(range(open_age + 1))
    files = {key: folder / _entry(meta, f"files.{key}", str, where)
             for key in ("persons", "parameters", "trend")}
    by_region = {REGION: regions}
    persons = read_grid_csv(files["persons"],
                            {**by_region, "sex": SEXES, "age": ages, POSITION: HOUSEHOLD_POSITIONS},
                            "persons")
    parameters = {key: read_grid_csv(files["parameters"], by_region, key)
                  for key in ("children_per_couple", "other_headship")}
    trend = read_grid_csv(files["trend"], {**by_region, POSITION: HOUSEHOLD_POSITIONS}, "slope")
    variables = {
        "persons": ((REGION, "sex", "age", POSITION), persons),
        "children_per_couple": ((REGION,), parameters["children_per_couple"]),
        "other_headship": ((REGION,), parameters["other_headship"]),
        "trend": ((REGION, POSITION), trend),
    }
    return xr.Dataset(
        {key: (dims, values, {"units": _entry(meta, f"units.{key}", str, where)})
         for key, (dims, values) in variables.items()},
        coords={REGION: list(regions), "sex": list(SEXES),
                "age": ("age", np.array(ages), {"open_age": ages[-1]}),
                POSITION: list(HOUSEHOLD_POSITIONS)},
        attrs={"model": _entry(meta, "name", str, where),
               "census_date": _entry(meta, "census_date", str, where),
               **{f"trend_{key}": _entry(meta, f"trend.{key}", int, where)
                  for key in ("first", "origin", "until")},
               **{f"credit_{key}": _entry(meta, f"credit.{key}", str, where)
                  for key in ("census", "trend")}},
    )
