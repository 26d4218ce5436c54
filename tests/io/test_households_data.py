"""The embedded household model equals a rebuild, reads back whole, and keeps the census.

``tools/build_households.py`` derives ``src/projsim/data/households_belgium``
from ``data-raw/belgium/households``. These tests rebuild into a temporary
directory and compare bytes, read the shipped model with its reader, and
recompute from the raw copies what the model must keep: the census
population and persons by position, the family nuclei and the private
households. Only files inside the repository are read.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from helpers import raises_exactly

from projsim.io.households import read_household_model, resolve_household_model
from projsim.io.packaged import data_folder
from projsim.types import HOUSEHOLD_POSITIONS, SEXES

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW = REPO_ROOT / "data-raw" / "belgium" / "households"
DATA_SET = "households_belgium"
REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
REGION_OF_NUTS = dict(zip(("BE1", "BE2", "BE3"), REGIONS))


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_households",
                                                  REPO_ROOT / "tools" / "build_households.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return load_build_script()


@pytest.fixture(scope="module")
def rebuilt(build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("embedded")
    assert build.main(["--out", str(out)]) == 0
    return out / DATA_SET


@pytest.fixture(scope="module")
def model():
    return read_household_model()


def raw_rows(name):
    with (RAW / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def by_region(name, code, value, select=lambda row: True):
    totals = defaultdict(float)
    for row in raw_rows(name):
        if select(row):
            totals[REGION_OF_NUTS[row[code][:3]]] += float(row[value])
    return totals


def test_shipped_files_equal_a_rebuild(rebuilt):
    shipped = data_folder(DATA_SET)
    expected = sorted(p.name for p in rebuilt.iterdir())
    assert sorted(p.name for p in shipped.iterdir()) == expected
    for name in expected:
        assert (shipped / name).read_bytes() == (rebuilt / name).read_bytes(), name


def test_the_folder_is_no_base_and_no_mortality_pattern():
    from projsim.io import list_bases

    assert "households-belgium" not in list_bases()
    assert not (data_folder(DATA_SET) / "model.toml").exists()


def test_the_model_reads_on_the_vocabulary(model):
    assert model["persons"].dims == ("region", "sex", "age", "position")
    assert list(model["region"].values) == [*REGIONS, "Belgium"]
    assert tuple(model["sex"].values) == SEXES
    assert tuple(model["position"].values) == HOUSEHOLD_POSITIONS
    assert model["age"].values.tolist() == list(range(101))
    assert model.attrs["trend_first"] <= model.attrs["trend_origin"] == 2011 <= model.attrs["trend_until"]
    for name in model.data_vars:
        assert np.all(np.isfinite(model[name].values)), name
    assert np.all(model["persons"].values >= 0)
    assert np.all(model["persons"].sum("position").values > 0)


def test_the_persons_are_the_census_population_by_region_sex_and_age(model):
    census = defaultdict(float)
    for row in raw_rows("census2011_HC55_population_arrondissement_sex_age1.csv"):
        age = 0 if row["age"] == "Y_LT1" else 100 if row["age"] == "Y_GE100" else int(row["age"][1:])
        census[REGION_OF_NUTS[row["arrondissement_nuts3"][:3]], row["sex"], age] += float(row["persons"])
    persons = model["persons"].sum("position")
    for (region, sex, age), value in census.items():
        label = {"F": "female", "M": "male"}[sex]
        assert float(persons.sel(region=region, sex=label, age=age)) == pytest.approx(value, rel=1e-9)
    national = persons.sel(region="Belgium")
    # ten significant digits in the files
    np.testing.assert_allclose(national, persons.sel(region=list(REGIONS)).sum("region"), rtol=1e-9)
    assert float(national.sum()) == pytest.approx(11_000_638, rel=1e-9)


@pytest.mark.parametrize(("position", "codes"), [
    ("living_alone", ("P1",)), ("institution", ("IST",)), ("lone_parent", ("PAR1",)),
    ("partner", ("MARO", "MARS", "REPO", "REPS", "CSU")), ("other", ("MULTI_R", "MULTI_NR")),
    ("child_of_couple", ("CH_CPL",)), ("child_of_lone_parent", ("CH_PAR1",)),
])
def test_positions_keep_the_census_counts_by_region(model, position, codes):
    """Each position holds the census's persons plus its part of the persons without a
    stated position (2,559, all aged 0-14, spread in proportion), and no more."""
    hc48 = "census2011_HC48_household_position_arrondissement_sex_age5.csv"
    counts = by_region(hc48, "arrondissement_nuts3", "persons", lambda row: row["hst_lvl4"] in codes)
    not_stated = by_region(hc48, "arrondissement_nuts3", "persons",
                           lambda row: row["hst_lvl4"] == "PRV_UNK")
    for region in REGIONS:
        added = float(model["persons"].sel(region=region, position=position).sum()) - counts[region]
        assert -1e-3 <= added <= not_stated[region]  # files keep ten significant digits
        if position in ("living_alone", "institution"):
            assert added == pytest.approx(0.0, abs=1e-3)


def test_living_alone_keeps_every_five_year_group(model):
    """The graduation to single years keeps HC48's totals by region, sex and group."""
    groups = defaultdict(float)
    for row in raw_rows("census2011_HC48_household_position_arrondissement_sex_age5.csv"):
        if row["hst_lvl4"] == "P1":
            label = row["age_group"]
            first = 0 if label == "Y_LT5" else 100 if label == "Y_GE100" else int(label[1:].split("-")[0])
            groups[REGION_OF_NUTS[row["arrondissement_nuts3"][:3]], row["sex"], first] += float(row["persons"])
    alone = model["persons"].sel(position="living_alone")
    for (region, sex, first), value in groups.items():
        ages = slice(first, 100) if first == 100 else slice(first, first + 4)
        cell = alone.sel(region=region, sex={"F": "female", "M": "male"}[sex], age=ages)
        assert float(cell.sum()) == pytest.approx(value, rel=1e-9, abs=1e-6)


def test_parameters_give_back_the_nuclei_and_the_private_households(model):
    with_children = by_region("census2011_HC52_family_nuclei_type_size_arrondissement.csv",
                              "arrondissement_nuts3", "family_nuclei",
                              lambda row: row["family_type_lvl3"].split("_")[0] not in ("F1", "M1")
                              and row["family_type_lvl3"].endswith(("YCH", "OCH")))
    households = by_region("census2011_private_households_province.csv", "province_code",
                           "private_households")
    persons = model["persons"].sum(("sex", "age"))
    for region in REGIONS:
        n = persons.sel(region=region)
        assert float(n.sel(position="child_of_couple") / model["children_per_couple"].sel(region=region)) \
            == pytest.approx(with_children[region], rel=1e-9)
        total = (n.sel(position="living_alone") + n.sel(position="partner") / 2
                 + n.sel(position="lone_parent")
                 + model["other_headship"].sel(region=region) * n.sel(position="other"))
        assert float(total) == pytest.approx(households[region], rel=1e-9)
    assert sum(households.values()) == 4_727_831


def test_a_census_table_that_disagrees_stops_the_build(build, tmp_path, monkeypatch):
    raw = tmp_path / "households"
    shutil.copytree(RAW, raw)
    name = "census2011_HC48_household_position_arrondissement_sex_age5.csv"
    lines = (raw / name).read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith("BE100,F,Y10-14,CH_CPL,")]
    lines[index] = "BE100,F,Y10-14,CH_CPL,20036\n"
    (raw / name).write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(build, "RAW", raw)
    with raises_exactly("HC42 and HC48 differ at Brussels-Capital Region, female, ages 10+, "
                        "child_of_couple: 20035 against 20036", build.BuildError):
        build.estimate()


def test_provinces_that_miss_the_census_total_stop_the_build(build, tmp_path, monkeypatch):
    raw = tmp_path / "households"
    raw.mkdir()
    name = "census2011_private_households_province.csv"
    text = (RAW / name).read_text(encoding="utf-8").replace("BE10,Région de Bruxelles-Capitale,544529",
                                                           "BE10,Région de Bruxelles-Capitale,544530")
    (raw / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(build, "RAW", raw)
    with raises_exactly(f"{name}: the provinces add up to 4,727,832, expected 4,727,831",
                        build.BuildError):
        build.read_private_households()


def test_a_model_folder_with_other_positions_is_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(data_folder(DATA_SET), folder)
    toml = folder / "households.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"living_alone", ', ""), encoding="utf-8")
    with raises_exactly(
            f"{folder / 'households.toml'}: positions: got ['partner', 'lone_parent', 'child_of_couple', "
            "'child_of_lone_parent', 'other', 'institution']; expected the labels ['living_alone', "
            "'partner', 'lone_parent', 'child_of_couple', 'child_of_lone_parent', 'other', "
            "'institution']. Fix: use projsim's vocabulary (projsim.types), in its order."):
        read_household_model(folder)


def test_a_model_folder_with_a_missing_row_is_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(data_folder(DATA_SET), folder)
    trend = folder / "trend.csv"
    trend.write_text("".join(trend.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]),
                     encoding="utf-8")
    with raises_exactly(f"{trend}: got no row for region=Belgium, position=institution; expected one "
                        "row per cell. Fix: add the missing row."):
        read_household_model(folder)


def test_an_unknown_model_is_refused():
    with raises_exactly("household model: got 'households_belgum'; expected a model shipped with "
                        "projsim ['households_belgium'], or a folder holding households.toml. Fix: "
                        "check the name or the path."):
        read_household_model("households_belgum")


def test_the_model_credits_its_sources(model):
    assert model.attrs["credit_census"] == "Statbel, census 2011"
    assert model.attrs["credit_trend"] == "FPB household series 1991-2016, via larray (GPL-3.0)"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda text: text.replace('[credit]\ncensus = "Statbel, census 2011"\n', "[credit]\n"),
     "credit.census: got nothing; expected a text in quotes. Fix: set credit.census in the "
     "model's households.toml."),
    (lambda text: text.replace("open_age = 100", "open_age = 1e9"),
     "ages.open_age: got 1000000000.0; expected a whole number. Fix: set ages.open_age in the "
     "model's households.toml."),
    (lambda text: text.replace("open_age = 100", "open_age = 1000000000"),
     "ages: got first = 0, open_age = 1000000000; expected first = 0 and an open age from 1 to "
     "150. Fix: give the shares by single year of age from 0."),
    (lambda text: text.replace('regions = ["Brussels-Capital Region", ',
                               'regions = ["Flemish Region", '),
     "regions: got ['Flemish Region', 'Flemish Region', 'Walloon Region', 'Belgium']; expected a "
     "list of region labels, each once. Fix: name the regions of the model."),
    (lambda text: text.replace('persons = "persons_by_position.csv"', "persons = 3"),
     "files.persons: got 3; expected a text in quotes. Fix: set files.persons in the model's "
     "households.toml."),
])
def test_a_model_folder_with_malformed_metadata_is_refused(tmp_path, edit, message):
    folder = tmp_path / "model"
    shutil.copytree(data_folder(DATA_SET), folder)
    toml = folder / "households.toml"
    toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
    with raises_exactly(f"{toml}: {message}"):
        read_household_model(folder)


def test_a_model_folder_is_found_relative_to_a_folder(tmp_path):
    shutil.copytree(data_folder(DATA_SET), tmp_path / "model")
    assert resolve_household_model("model", tmp_path) == str((tmp_path / "model").resolve())
    assert resolve_household_model(DATA_SET, tmp_path) == DATA_SET
    with raises_exactly("household model: got 'nowhere'; expected a model shipped with projsim "
                        "['households_belgium'], or a folder holding households.toml. Fix: check "
                        "the name or the path (relative to the scenario file)."):
        resolve_household_model("nowhere", tmp_path)
