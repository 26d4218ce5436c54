"""Scenario files: parsing, paths and load-time validation with exact messages."""

import json
from pathlib import Path

import numpy as np
import pytest

from projsim.errors import InputError
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
    path = CORPUS / name
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value).replace(str(CORPUS), "{dir}") == EXPECTED[name]


def test_check_scenario_lists_every_problem(tmp_path):
    path = write(tmp_path, VALID + "colour = 1\n[fertility]\nscale = -1\n[mortality]\nscal = 2\n")
    problems = [str(p) for p in check_scenario(path)]
    assert problems == [
        f"{path}: colour: got an unknown key; expected one of ['name', 'description', 'base', "
        "'horizon', 'open_age', 'extends', 'conventions', 'fertility', 'mortality', "
        "'international_migration', 'internal_migration', 'uncertainty', 'variants']. "
        "Fix: remove it.",
        f"{path}: mortality.scal: got an unknown key; expected one of ['scale', 'e0', 'table']. "
        "Fix: did you mean 'scale'?",
        f"{path}: fertility.scale.2012: got -1; expected a number at least 0 and at most 10. "
        "Fix: give a multiplier of the base fertility rates.",
    ]


def test_unknown_scenario_name():
    with pytest.raises(InputError) as caught:
        load_scenario("belgium-2013")
    assert str(caught.value) == (
        "scenario: got 'belgium-2013'; expected a file path or the name of a bundled scenario. "
        "Fix: did you mean 'belgium-2012'?")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}: got no such file; expected an existing scenario file. "
        "Fix: check the path, or run 'projsim list' for the bundled scenarios.")


def test_path_interpolates_and_holds_after_last_year(tmp_path):
    path = write(tmp_path, VALID + "[fertility]\nscale = { 2012 = 1.0, 2022 = 2.0 }\n")
    scale = load_scenario(path).components["fertility"].path
    assert np.array_equal(scale.at([2012, 2017, 2022, 2029]), [1.0, 1.5, 2.0, 2.0])


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


def test_a_child_may_shorten_its_parents_horizon(tmp_path):
    path = write(tmp_path, 'extends = "fpb-2013"\nhorizon = 2022\n')
    scenario = load_scenario(path)
    assert scenario.horizon == 2022
    net = scenario.components["international_migration"].path
    assert net.at([2021])[0] == load_scenario("fpb-2013").components[
        "international_migration"].path.at([2021])[0]


def test_a_path_written_beyond_its_own_horizon_still_fails(tmp_path):
    path = write(tmp_path, 'extends = "fpb-2013"\nhorizon = 2022\n'
                           "[fertility]\ntfr = { 2012 = 1.8, 2030 = 1.7 }\n")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}: fertility.tfr: got years 2012 to 2030; expected a first year at or before the "
        "base year 2012 and years before the horizon 2022. Fix: start the path at 2012 and end "
        "it by 2021.")
