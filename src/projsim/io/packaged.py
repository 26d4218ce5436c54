"""Data shipped inside the package: where it lives, and the models read from it.

The embedded bases (``projsim/data/<base>/``), the Lee-Carter model of
Belgian mortality (``lee_carter_belgium/``) and the default parameters of the
stochastic model (``uncertainty_belgium/``) are written by the scripts in
``tools/``; each folder's README states its sources, licence and methods.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from projsim.demography.lee_carter import LeeCarter
from projsim.io.files import read_grid_csv, read_toml
from projsim.types import SEXES

#: The Lee-Carter model a base uses unless its metadata names another.
DEFAULT_MORTALITY_PATTERN = "lee_carter_belgium"
#: The stochastic parameters a base uses unless its metadata names others.
DEFAULT_UNCERTAINTY = "uncertainty_belgium"
#: Keys of the parameter file, by section (see :mod:`projsim.stochastic`).
UNCERTAINTY_KEYS = {
    "fertility": ("sd", "autocorrelation", "level_sd"),
    "mortality": ("sd", "sex_correlation"),
    "international_migration": ("sd", "autocorrelation", "regional_sd"),
}


#: The folders of the repository installed with the package for the notebooks:
#: the comparisons with observed and published figures (``validation/``) and
#: the raw source files they and the back-test read (``data-raw/``).
SHIPPED_FOLDERS = ("validation", "data-raw", "scenarios")


def shipped(relative: str) -> Path:
    """A file or folder of the repository installed with the package.

    The notebooks read the observed populations, the back-test's functions
    and the raw sources through this, so that they run from any folder and
    from an installed projsim, not only from ``notebooks/`` in a checkout.

    Parameters
    ----------
    relative : str
        A path under one of :data:`SHIPPED_FOLDERS`, such as
        ``"validation/observed_statbel.csv"``.

    Examples
    --------
    >>> shipped("validation/observed_statbel.csv").is_file()
    True
    """
    top = relative.replace("\\", "/").split("/")[0]
    if top not in SHIPPED_FOLDERS or ".." in relative.split("/"):
        from projsim.errors import InputError

        raise InputError("argument 'relative'", repr(relative),
                         f"a path under one of {list(SHIPPED_FOLDERS)}",
                         "name a file the package ships, such as "
                         "'validation/observed_statbel.csv'")
    return Path(str(resources.files("projsim") / relative))


def data_folder(name: str = "") -> Path:
    """The folder of the packaged data set ``name`` (the data root without it)."""
    return Path(str(resources.files("projsim") / "data")) / name


@cache
def read_lee_carter(name: str = DEFAULT_MORTALITY_PATTERN) -> LeeCarter:
    """Read a Lee-Carter model shipped with projsim (read-only arrays).

    Examples
    --------
    >>> model = read_lee_carter()
    >>> model.age_pattern.shape, model.mortality_index.shape
    ((2, 111), (2, 42))
    """
    folder = data_folder(name)
    model = read_toml(folder / "model.toml")
    ages = np.arange(int(model["ages"]["first"]), int(model["ages"]["open_age"]) + 1)
    years = np.arange(int(model["years"]["first"]), int(model["years"]["last"]) + 1)
    by_age = {"sex": SEXES, "age": tuple(ages)}
    arrays = (
        read_grid_csv(folder / "lee_carter.csv", by_age, "ax"),
        read_grid_csv(folder / "lee_carter.csv", by_age, "bx"),
        read_grid_csv(folder / "k.csv", {"sex": SEXES, "year": tuple(years)}, "kt"),
    )
    for array in (ages, years, *arrays):
        array.setflags(write=False)
    return LeeCarter(SEXES, ages, years, *arrays)


def load_lee_carter(ages=None) -> LeeCarter:
    """Read the Lee-Carter model of Belgian mortality shipped with projsim.

    The model is estimated by ``tools/build_lee_carter.py`` from the Human
    Mortality Database death rates of Belgium, 1970-2011, by sex and single
    age 0..110+, with the normalisation :math:`\\sum_x b(x) = 1` and
    :math:`\\sum_t k(t) = 0` of Lee and Carter (1992). The ``README.md`` of
    ``projsim/data/lee_carter_belgium`` states the method, the treatment of
    the oldest ages and the measured fit.

    Parameters
    ----------
    ages : array_like of int, optional
        Single ages to return the model on (:meth:`LeeCarter.on_ages`); by
        default the ages 0..110+ of the estimate.

    Returns
    -------
    LeeCarter
        :math:`a(x)`, :math:`b(x)` of shape (2, n_ages) and :math:`k(t)` of
        shape (2, 42), rows in the order of ``projsim.types.SEXES``.

    Examples
    --------
    >>> model = load_lee_carter()
    >>> print(np.round(model.age_pattern.sum(axis=-1), 12))
    [1. 1.]
    >>> load_lee_carter(np.arange(131)).age_pattern.shape  # open group 130+
    (2, 131)
    """
    model = read_lee_carter()
    return model if ages is None else model.on_ages(ages)


@cache
def read_uncertainty_parameters(name: str = DEFAULT_UNCERTAINTY) -> dict[str, dict[str, float]]:
    """The default parameters of the stochastic model, ``{section: {key: value}}``.

    Examples
    --------
    >>> sorted(read_uncertainty_parameters())
    ['fertility', 'international_migration', 'mortality']
    """
    table = read_toml(data_folder(name) / "parameters.toml")
    return {section: {key: float(table[section][key]) for key in keys}
            for section, keys in UNCERTAINTY_KEYS.items()}
