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

from pathlib import Path

import numpy as np
import xarray as xr

from projsim.errors import InputError
from projsim.io.files import read_grid_csv, read_toml, shown
from projsim.io.packaged import data_folder
from projsim.types import HOUSEHOLD_POSITIONS, POSITION, REGION, SEXES

__all__ = ["DEFAULT_HOUSEHOLD_MODEL", "read_household_model"]

#: The household model shipped with projsim.
DEFAULT_HOUSEHOLD_MODEL = "households_belgium"
#: The metadata file of a household model's folder (a ``meta.toml`` would mark a base,
#: a ``model.toml`` a mortality pattern: :mod:`projsim.io.bases`).
METADATA = "households.toml"


def _folder(name: str | Path) -> Path:
    """The folder of a packaged model named ``name``, or the folder ``name`` itself."""
    packaged = data_folder(str(name))
    if isinstance(name, str) and (packaged / METADATA).is_file():
        return packaged
    if not (Path(name) / METADATA).is_file():
        known = sorted(p.name for p in data_folder().iterdir() if (p / METADATA).is_file())
        raise InputError("household model", repr(str(name)),
                         f"a model shipped with projsim {known}, or a folder holding {METADATA}",
                         "check the name or the path")
    return Path(name)


def _labels(meta: dict, key: str, expected: tuple[str, ...], where: Path) -> tuple[str, ...]:
    labels = tuple(meta.get(key, ()))
    if labels != expected:
        raise InputError(f"{shown(where)}: {key}", repr(list(labels)), f"the labels {list(expected)}",
                         "use projsim's vocabulary (projsim.types), in its order")
    return labels


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
        ``census_date`` and ``model``.

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
    regions = tuple(map(str, meta.get("regions", ())))
    if not regions:
        raise InputError(f"{shown(where)}: regions", "no regions", "a list of region labels",
                         "name the regions of the model")
    _labels(meta, "sexes", SEXES, where)
    _labels(meta, "positions", HOUSEHOLD_POSITIONS, where)
    ages = tuple(range(int(meta["ages"]["first"]), int(meta["ages"]["open_age"]) + 1))
    files = meta["files"]
    by_region = {REGION: regions}
    persons = read_grid_csv(folder / files["persons"],
                            {**by_region, "sex": SEXES, "age": ages, POSITION: HOUSEHOLD_POSITIONS},
                            "persons")
    parameters = {key: read_grid_csv(folder / files["parameters"], by_region, key)
                  for key in ("children_per_couple", "other_headship")}
    trend = read_grid_csv(folder / files["trend"], {**by_region, POSITION: HOUSEHOLD_POSITIONS},
                          "slope")
    units = meta["units"]
    variables = {
        "persons": ((REGION, "sex", "age", POSITION), persons, units["persons"]),
        "children_per_couple": ((REGION,), parameters["children_per_couple"],
                                units["children_per_couple"]),
        "other_headship": ((REGION,), parameters["other_headship"], units["other_headship"]),
        "trend": ((REGION, POSITION), trend, units["trend"]),
    }
    return xr.Dataset(
        {key: (dims, values, {"units": unit}) for key, (dims, values, unit) in variables.items()},
        coords={REGION: list(regions), "sex": list(SEXES),
                "age": ("age", np.array(ages), {"open_age": ages[-1]}),
                POSITION: list(HOUSEHOLD_POSITIONS)},
        attrs={"model": str(meta["name"]), "census_date": str(meta["census_date"]),
               **{f"trend_{key}": int(meta["trend"][key]) for key in ("first", "origin", "until")}},
    )
