"""Scenario files: parsing, paths and load-time validation with exact messages."""

import numpy as np
import pytest

from projsim.errors import InputError
from projsim.scenario import bundled_scenarios, check_scenario, load_scenario

VALID = """\
name = "test"
base = "belgium-2012"
horizon = 2030
"""

# (file text, the exact message of the first problem); {path} is the file.
BAD = {
    "unknown top key": (
        VALID + 'horizont = 2040\n',
        "{path}: horizont: got an unknown key; expected one of ['name', 'description', 'base', "
        "'horizon', 'open_age', 'conventions', 'fertility', 'mortality', 'international_migration', "
        "'internal_migration']. Fix: did you mean 'horizon'?"),
    "unknown component key": (
        VALID + "[fertility]\nscal = 1.1\n",
        "{path}: fertility.scal: got an unknown key; expected one of ['scale']. "
        "Fix: did you mean 'scale'?"),
    "unknown base": (
        VALID.replace("belgium-2012", "belgium-2021"),
        "{path}: base: got 'belgium-2021'; expected one of the embedded bases "
        "['belgium-1988', 'belgium-2012']. Fix: did you mean 'belgium-2012'?"),
    "missing base": (
        'name = "x"\nhorizon = 2030\n',
        "{path}: base: got nothing; expected a str. Fix: add 'base = ...' at the top of the file."),
    "horizon not a number": (
        VALID.replace("2030", '"2030"'),
        "{path}: horizon: got '2030'; expected a int. Fix: write horizon as a int."),
    "horizon before base": (
        VALID.replace("2030", "2010"),
        "{path}: horizon: got 2010; expected a year after the base year 2012 and at most 2312. "
        "Fix: set the last 1 January to project."),
    "open age too high": (
        VALID + "open_age = 150\n",
        "{path}: open_age: got 150; expected a whole number of years from 60 to 130. "
        "Fix: give the first age of the open age group, e.g. 110."),
    "open age within childbearing ages": (
        VALID + "open_age = 45\n",
        "{path}: open_age: got 45; expected a whole number of years from 60 to 130. "
        "Fix: give the first age of the open age group, e.g. 110."),
    "bad timing": (
        VALID + '[conventions]\nmigration_timing = "middle"\n',
        "{path}: conventions.migration_timing: got 'middle'; expected one of ['even', 'end']. "
        "Fix: pick one of them."),
    "bad safeguard": (
        VALID + '[conventions]\nsafeguard = "ccmp"\n',
        "{path}: conventions.safeguard: got 'ccmp'; expected one of ['reduce', 'ccmpp']. "
        "Fix: did you mean 'ccmpp'?"),
    "negative scale": (
        VALID + "[fertility]\nscale = -0.5\n",
        "{path}: fertility.scale.2012: got -0.5; expected a number at least 0 and at most 10.0. "
        "Fix: give a multiplier of the base rates."),
    "zero mortality": (
        VALID + "[mortality]\nscale = 0\n",
        "{path}: mortality.scale.2012: got 0; expected a number greater than 0 and at most 10.0. "
        "Fix: give a multiplier of the base rates."),
    "absurd scale": (
        VALID + "[international_migration]\nscale = 50\n",
        "{path}: international_migration.scale.2012: got 50; expected a number at least 0 and "
        "at most 10.0. Fix: give a multiplier of the base rates."),
    "nan scale": (
        VALID + "[fertility]\nscale = nan\n",
        "{path}: fertility.scale.2012: got nan; expected a number at least 0 and at most 10.0. "
        "Fix: give a multiplier of the base rates."),
    "years not increasing": (
        VALID + "[fertility]\nscale = { 2012 = 1.0, 2025 = 1.1, 2020 = 1.2 }\n",
        "{path}: fertility.scale: got years [2012, 2025, 2020]; expected increasing years. "
        "Fix: list the years in increasing order, each once."),
    "path starts late": (
        VALID + "[fertility]\nscale = { 2015 = 1.0 }\n",
        "{path}: fertility.scale: got years 2015 to 2015; expected a first year at or before the "
        "base year 2012 and years before the horizon 2030. Fix: start the path at 2012."),
    "path beyond horizon": (
        VALID + "[fertility]\nscale = { 2012 = 1.0, 2040 = 1.1 }\n",
        "{path}: fertility.scale: got years 2012 to 2040; expected a first year at or before the "
        "base year 2012 and years before the horizon 2030. Fix: start the path at 2012."),
    "year key not a year": (
        VALID + "[fertility]\nscale = { soon = 1.0 }\n",
        "{path}: fertility.scale.soon: got 'soon'; expected a year such as 2030. "
        "Fix: use years as keys."),
    "scale is text": (
        VALID + '[fertility]\nscale = "high"\n',
        "{path}: fertility.scale: got 'high'; expected a number or a table of {{year = value}}. "
        "Fix: write for example scale = 1.0."),
    "component not a table": (
        VALID.replace('horizon = 2030\n', 'horizon = 2030\nfertility = 1.2\n'),
        "{path}: fertility: got 1.2; expected a table. Fix: write it as a [fertility] section."),
    "toml syntax": (
        VALID + "[fertility\n",
        "{path}: got invalid TOML (Expected ']' at the end of a table declaration "
        "(at line 4, column 11)); expected a valid TOML document. "
        "Fix: correct the syntax at the position given."),
}


def write(tmp_path, text):
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_message(tmp_path, case):
    text, expected = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value) == expected.format(path=path)


def test_check_scenario_lists_every_problem(tmp_path):
    path = write(tmp_path, VALID + "colour = 1\n[fertility]\nscale = -1\n[mortality]\nscal = 2\n")
    problems = [str(p) for p in check_scenario(path)]
    assert problems == [
        f"{path}: colour: got an unknown key; expected one of ['name', 'description', 'base', "
        "'horizon', 'open_age', 'conventions', 'fertility', 'mortality', 'international_migration', "
        "'internal_migration']. Fix: remove it.",
        f"{path}: fertility.scale.2012: got -1; expected a number at least 0 and at most 10.0. "
        "Fix: give a multiplier of the base rates.",
        f"{path}: mortality.scal: got an unknown key; expected one of ['scale']. "
        "Fix: did you mean 'scale'?",
    ]


def test_unknown_scenario_name():
    with pytest.raises(InputError) as caught:
        load_scenario("belgium-2013")
    assert str(caught.value) == (
        "scenario: got 'belgium-2013'; expected a file path or a bundled scenario "
        f"({', '.join(bundled_scenarios())}). Fix: did you mean 'belgium-2012'?")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}: got no such file; expected an existing scenario file. "
        "Fix: check the path, or run 'projsim list' for the bundled scenarios.")


def test_path_interpolates_and_holds_after_last_year(tmp_path):
    path = write(tmp_path, VALID + "[fertility]\nscale = { 2012 = 1.0, 2022 = 2.0 }\n")
    scale = load_scenario(path).paths["fertility"]
    assert np.array_equal(scale.at([2012, 2017, 2022, 2029]), [1.0, 1.5, 2.0, 2.0])


def test_defaults_and_hash(tmp_path):
    path = write(tmp_path, VALID)
    scenario = load_scenario(path)
    assert (scenario.migration_timing, scenario.safeguard) == ("even", "reduce")
    assert all(np.array_equal(p.values, [1.0]) for p in scenario.paths.values())
    assert len(scenario.sha256) == 64


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_bundled_scenarios_are_valid(name):
    assert check_scenario(name) == []
