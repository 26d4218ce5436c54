"""Scenario files: load-time validation with exact messages, defaults and the bundled scenarios."""

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import raises_exactly

from projsim.io import bundled_scenarios, check_scenario, load_scenario

VALID = """\
name = "test"
base = "belgium-2012"
horizon = 2030
"""

CORPUS = Path(__file__).parents[1] / "data" / "bad_scenarios"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())


def write(tmp_path, text):
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return path


def test_the_corpus_is_large():
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_scenario_message(name):
    """Each malformed file fails at load time with its exact first message."""
    with raises_exactly(EXPECTED[name].replace("{dir}", str(CORPUS))):
        load_scenario(CORPUS / name)


def test_check_scenario_lists_every_problem(tmp_path):
    path = write(tmp_path, VALID + "colour = 1\n[fertility]\nscale = -1\n[mortality]\nscal = 2\n")
    problems = [str(p) for p in check_scenario(path)]
    assert problems == [
        f"{path}: colour: got an unknown key; expected one of ['name', 'description', 'base', "
        "'horizon', 'open_age', 'extends', 'conventions', 'fertility', 'mortality', "
        "'international_migration', 'internal_migration', 'naturalisation', 'households', "
        "'uncertainty', 'variants']. Fix: remove it.",
        f"{path}: mortality.scal: got an unknown key; expected one of ['scale', 'e0', 'table']. "
        "Fix: did you mean 'scale'?",
        f"{path}: fertility.scale.2012: got -1; expected a number at least 0 and at most 10. "
        "Fix: give a multiplier of the base fertility rates.",
    ]


def test_unknown_scenario_name():
    with raises_exactly(
            "scenario: got 'belgium-2013'; expected a file path or the name of a bundled scenario. "
            "Fix: did you mean 'belgium-2012'?"):
        load_scenario("belgium-2013")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    with raises_exactly(
            f"{path}: got no such file; expected an existing scenario file. "
            "Fix: check the path, or run 'projsim list' for the bundled scenarios."):
        load_scenario(path)


def test_defaults_and_hash(tmp_path):
    path = write(tmp_path, VALID)
    scenario = load_scenario(path)
    assert (scenario.migration_timing, scenario.safeguard) == ("even", "reduce")
    assert all(c.method == "scale" and np.array_equal(c.path.values, [1.0])
               for c in scenario.components.values())
    assert len(scenario.sha256) == 64


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_bundled_scenarios_are_valid(name):
    assert check_scenario(name) == []
