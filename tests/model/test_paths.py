"""Values over time (``projsim.model.paths``): interpolation, inheritance and the horizon."""

import numpy as np
from helpers import raises_exactly

from projsim.io import load_scenario
from projsim.model.paths import TimePath, over_steps, parse_path
from projsim.model.schema import METHODS

VALID = """\
name = "test"
base = "belgium-2012"
horizon = 2030
"""


def write(tmp_path, text):
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return path


def test_path_interpolates_and_holds_after_last_year(tmp_path):
    path = write(tmp_path, VALID + "[fertility]\nscale = { 2012 = 1.0, 2022 = 2.0 }\n")
    scale = load_scenario(path).components["fertility"].path
    assert np.array_equal(scale.at([2012, 2017, 2022, 2029]), [1.0, 1.5, 2.0, 2.0])


def test_a_number_is_a_constant_path_from_the_base_year():
    problems = []
    head = {"base_year": 2012, "horizon": 2030}
    path = parse_path("s.toml: fertility.scale", 1.5, METHODS["fertility"]["scale"], head, problems)
    assert problems == []
    assert isinstance(path, TimePath) and path.years.tolist() == [2012]
    assert path.at([2012, 2029]).tolist() == [1.5, 1.5]


def test_unordered_years_are_a_problem_and_no_path():
    problems = []
    head = {"base_year": 2012, "horizon": 2030}
    value = {"2012": 1.0, "2020": 1.2, "2015": 1.1}
    assert parse_path("s.toml: fertility.scale", value, METHODS["fertility"]["scale"], head,
                      problems) is None
    assert [str(p) for p in problems] == [
        "s.toml: fertility.scale: got years [2012, 2020, 2015]; expected increasing years. "
        "Fix: list the years in increasing order, each once."]


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
    with raises_exactly(
            f"{path}: fertility.tfr: got years 2012 to 2030; expected a first year at or before the "
            "base year 2012 and years before the horizon 2022. Fix: start the path at 2012 and end "
            "it by 2021."):
        load_scenario(path)


def test_a_five_year_step_takes_the_mean_of_its_years():
    """over_steps: a step of one year its year's value; of five years the mean of its
    years' (for a linear path, the value two years after its first)."""
    path = TimePath(np.array([2020, 2030]), np.array([0.0, 10.0]))
    np.testing.assert_array_equal(over_steps(path, np.array([2020, 2021]), 1), [0.0, 1.0])
    np.testing.assert_allclose(over_steps(path, np.array([2020, 2025, 2030]), 5), [2.0, 7.0, 10.0])
    np.testing.assert_array_equal(over_steps(path, np.arange(2020, 2031), 1),
                                  path.at(np.arange(2020, 2031)))
