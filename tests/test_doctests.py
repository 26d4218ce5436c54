"""Every example in a docstring runs, against the installed package.

The examples are collected here rather than with ``--doctest-modules`` so
that they run on the same installed ``projsim`` as the other tests, whether
the package was installed from a wheel or in editable mode.
"""

import doctest
import importlib
import pkgutil

import pytest

import projsim

MODULES = sorted(m.name for m in pkgutil.walk_packages(projsim.__path__, "projsim."))
MODULES += ["projsim", "ccmpp_cases"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_examples_exist():
    counts = {name: doctest.testmod(importlib.import_module(name), verbose=False).attempted
              for name in ("projsim.engine.step", "projsim.demography.lifetable",
                           "projsim.io.scenarios")}
    assert all(counts.values()), counts
