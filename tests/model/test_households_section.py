"""The [households] section of a scenario: merged through extends, its model checked at load time."""

from __future__ import annotations

import shutil

import numpy as np
from helpers import raises_exactly

from projsim.io import load_scenario
from projsim.io.packaged import data_folder
from projsim.model.households import Households
from projsim.model.paths import TimePath
from projsim.types import HOUSEHOLD_POSITIONS

HEAD = 'name = "t"\nbase = "belgium-2012"\nhorizon = 2030\n'
MODEL = "households_belgium"


def national_model(folder):
    """A copy of the shipped model with the rows of Belgium only."""
    shutil.copytree(data_folder(MODEL), folder)
    toml = folder / "households.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("regions = [")
    toml.write_text(text[:start] + 'regions = ["Belgium"]' + text[text.index("\n", start):],
                    encoding="utf-8")
    for name in ("persons_by_position.csv", "region_parameters.csv", "trend.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / name).write_text(lines[0] + "".join(line for line in lines[1:]
                                                      if line.startswith("Belgium,")),
                                   encoding="utf-8")


def test_a_scenario_without_the_section_counts_no_households():
    assert load_scenario("fpb-2013").households is None


def test_the_bundled_scenario_with_households():
    section = load_scenario("fpb-2013-households").households
    assert (section.method, section.scale, section.model_name) == ("trend", {}, MODEL)
    assert section.model.attrs["model"] == MODEL


def test_defaults(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + "[households]\n")
    section = load_scenario(path).households
    assert (section.method, section.scale, section.model_name) == ("constant", {}, MODEL)
    assert section.scale_at(np.arange(2012, 2015), ["Flemish Region"]) is None


def test_scales_by_position_and_region(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + "[households.scale]\nliving_alone = { 2012 = 1.0, 2022 = 1.5 }\n"
                    'institution = { "Brussels-Capital Region" = 0.5, "Flemish Region" = 1, '
                    '"Walloon Region" = { 2012 = 1, 2020 = 2 } }\n')
    section = load_scenario(path).households
    regions = ["Brussels-Capital Region", "Flemish Region", "Walloon Region"]
    multipliers = section.scale_at([2012, 2016, 2030], regions)
    assert multipliers.shape == (3, 3, len(HOUSEHOLD_POSITIONS))
    alone, institution = (HOUSEHOLD_POSITIONS.index(p) for p in ("living_alone", "institution"))
    np.testing.assert_allclose(multipliers[:, :, alone], [[1.0] * 3, [1.2] * 3, [1.5] * 3])
    np.testing.assert_allclose(multipliers[:, :, institution],
                               [[0.5, 1, 1], [0.5, 1, 1.5], [0.5, 1, 2]])
    others = [i for i in range(len(HOUSEHOLD_POSITIONS)) if i not in (alone, institution)]
    assert np.all(multipliers[:, :, others] == 1)
    assert section.describe() == (
        "method constant, model households_belgium, scale of the odds: living_alone "
        "{2012: 1, 2022: 1.5}; institution in Brussels-Capital Region {2012: 0.5}; institution "
        "in Flemish Region {2012: 1}; institution in Walloon Region {2012: 1, 2020: 2}")


def test_a_file_that_extends_another_replaces_the_keys_it_states(tmp_path):
    """Each key keeps the file it was written in: the parent's model folder is read
    relative to the parent, the child's scale joins the parent's method."""
    (tmp_path / "parent").mkdir()
    (tmp_path / "child").mkdir()
    shutil.copytree(data_folder(MODEL), tmp_path / "parent" / "model")
    (tmp_path / "parent" / "p.toml").write_text(
        HEAD + '[households]\nmethod = "trend"\nmodel = "model"\nscale = { other = 2 }\n')
    child = tmp_path / "child" / "c.toml"
    child.write_text('extends = "../parent/p.toml"\nname = "c"\n'
                     "[households]\nscale = { partner = 1.1 }\n")
    section = load_scenario(child).households
    assert section.method == "trend"
    assert section.model_name == str((tmp_path / "parent" / "model").resolve())
    assert list(section.scale) == ["partner"]


def test_a_model_without_a_region_of_the_base_is_refused(tmp_path):
    national_model(tmp_path / "national")
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[households]\nmodel = "national"\n')
    with raises_exactly(
            f"{path}: households.model: got the model 'national', without the region "
            "'Brussels-Capital Region' of the base belgium-2012; expected a household model of "
            "every region of the base, among ['Belgium']. Fix: name a model estimated for the "
            "base's regions, or remove the [households] section."):
        load_scenario(path)
    national = tmp_path / "national.toml"
    national.write_text('name = "n"\nbase = "belgium-1988"\nhorizon = 1990\n'
                        '[households]\nmodel = "national"\n')
    assert load_scenario(national).households.model["region"].values.tolist() == ["Belgium"]


def test_a_model_whose_values_are_wrong_is_refused_at_load_time(tmp_path):
    shutil.copytree(data_folder(MODEL), tmp_path / "model")
    parameters = tmp_path / "model" / "region_parameters.csv"
    parameters.write_text(parameters.read_text(encoding="utf-8").replace(
        "Flemish Region,1.821119142", "Flemish Region,0.5"), encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[households]\nmodel = "model"\n')
    with raises_exactly(
            f"{path}: households.model: household model, variable 'children_per_couple': got "
            "0.5 at {'region': 'Flemish Region'}; expected at least 1 child per couple with "
            "children. Fix: correct the model's files, or remove 'model' to use the model "
            "shipped with projsim."):
        load_scenario(path)


def test_a_model_folder_that_cannot_be_read_is_refused_at_load_time(tmp_path):
    shutil.copytree(data_folder(MODEL), tmp_path / "model")
    (tmp_path / "model" / "trend.csv").unlink()
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[households]\nmodel = "model"\n')
    with raises_exactly(f"{path}: households.model: {tmp_path / 'model' / 'trend.csv'}: got no "
                        "such file; expected an existing CSV table. Fix: add the file, or check "
                        "the path."):
        load_scenario(path)


def test_describe_names_a_folder_by_its_name():
    section = Households("trend", {"other": TimePath(np.array([2012]), np.array([2.0]))},
                         "/some/where/my-model", None)
    assert section.describe() == "method trend, model my-model, scale of the odds: other {2012: 2}"
