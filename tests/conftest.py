"""What the tests share: the reference results, the same by nationality, and the
slow marker (helpers.py and the *_cases.py modules: the rest).

The test folders mirror the package's layers (``engine/``, ``demography/``,
``model/``, ``io/``, ``assumptions/``, ``stochastic/``, ``analysis/``); the
tests of the top-level modules sit here. ``pytest -m "not slow"`` leaves out
the notebooks, the dask clusters and the demographic-noise ensembles; the
README's plain ``pytest`` runs everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import projsim

#: The repository's root folder.
REPO_ROOT = Path(__file__).resolve().parents[1]
# the shared helpers (helpers, ccmpp_cases, nationality_cases) import by name from any
# test folder
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: takes seconds (notebooks, dask clusters, noise ensembles); "
                   "deselect with -m 'not slow'")


@pytest.fixture(scope="session")
def reference():
    """The reference scenario's result (fpb-2013, region x nationality), projected
    once per session."""
    return projsim.project("fpb-2013")


@pytest.fixture(scope="session")
def regions():
    """The reference on the three regions without nationality (fpb-2013-regions),
    projected once per session."""
    return projsim.project("fpb-2013-regions")


@pytest.fixture(scope="session")
def variants():
    """The reference with its variants (fpb-2013-variants), projected once per session."""
    return projsim.project("fpb-2013-variants")


@pytest.fixture(scope="session")
def by_nationality():
    """The three-region reference on its base split into two nationalities, the
    foreign one a known share of every cell (nationality_cases.py)."""
    from nationality_cases import split_by_nationality

    return projsim.project(split_by_nationality("fpb-2013-regions"))


@pytest.fixture(scope="session")
def naturalised():
    """A small result by region and nationality with internal migration and
    naturalisations (nationality_cases.py)."""
    from nationality_cases import naturalised

    return naturalised()
