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
        "'horizon', 'open_age', 'grid', 'extends', 'conventions', 'fertility', 'mortality', "
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


def test_the_grid_is_single_years_by_default(tmp_path):
    scenario = load_scenario(write(tmp_path, VALID))
    assert (scenario.grid, scenario.width) == ("1x1", 1)
    assert scenario.steps.tolist() == list(range(2012, 2030))


def test_a_five_year_grid_and_the_base_rates_by_period():
    """wpp2024-belgium-5x5: steps every five years from 1 July 2020, every table the
    base's rates of the step's period, the sex ratio at birth of each period."""
    scenario = load_scenario("wpp2024-belgium-5x5")
    base = scenario.base_data
    assert (scenario.grid, scenario.width, scenario.horizon, scenario.open_age) == \
        ("5x5", 5, 2100, 130)
    assert scenario.steps.tolist() == list(range(2020, 2100, 5))
    components = scenario.components
    np.testing.assert_array_equal(components["mortality"].values, base.periods.mortality_rate)
    np.testing.assert_array_equal(components["fertility"].options["sex_ratio_at_birth"],
                                  base.periods.sex_ratio_at_birth)
    assert components["international_migration"].values.shape == (16, 1, 2, 27)


def test_a_single_year_grid_from_a_five_year_base_takes_the_period_of_each_year(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "t"\nbase = "wpp2024-belgium"\nhorizon = 2031\n'
                    '[fertility]\ntable = "base"\n')
    scenario = load_scenario(path)
    rates = scenario.components["fertility"].values
    assert scenario.grid == "1x1" and rates.shape == (11, 1, 101)
    np.testing.assert_array_equal(rates[4], rates[0])
    assert not np.array_equal(rates[5], rates[4])
