"""Hostile bases, in a folder or a netCDF file: one exact message each, at load time.

A netCDF base that is text, empty, truncated, holds text where numbers
belong, repeats a region or leaves a cell NaN; a folder without one of its
tables, with a region twice, absurd ages or years, a damaged immigrant
profile or a named model outside the package: each is refused when the
base loads, never later and never with a traceback.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from helpers import raises_exactly

import projsim
from projsim.io import load_base, write_base_netcdf
from projsim.io.bases import _load_folder

NOT_A_BASE = ("expected a netCDF base file written by projsim.io.write_base_netcdf. "
              "Fix: check the path.")


def embedded(name: str) -> Path:
    return Path(str(resources.files("projsim") / "data" / name))


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    """The three-region 2012 base written to netCDF."""
    path = tmp_path_factory.mktemp("base") / "belgium.nc"
    write_base_netcdf(load_base("belgium-2012-regions"), path)
    return path


def test_a_base_by_region_and_nationality_round_trips(tmp_path):
    """Every array of the base by nationality comes back, and a scenario projects the
    same from the file as from the embedded folder."""
    import dataclasses

    path = tmp_path / "belgium.nc"
    embedded_base = load_base("belgium-2012")
    write_base_netcdf(embedded_base, path)
    back = load_base(str(path))
    assert back.states == embedded_base.states
    for field in dataclasses.fields(embedded_base):
        value = getattr(embedded_base, field.name)
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(back, field.name), value, err_msg=field.name)
    (tmp_path / "s.toml").write_text('name = "s"\nextends = "fpb-2013"\nbase = "belgium.nc"\n'
                                      'horizon = 2020\n', encoding="utf-8")
    from_file = projsim.project(tmp_path / "s.toml")
    (tmp_path / "t.toml").write_text('name = "s"\nextends = "fpb-2013"\nhorizon = 2020\n',
                                      encoding="utf-8")
    np.testing.assert_array_equal(from_file.population,
                                  projsim.project(tmp_path / "t.toml").population)


def test_a_matrix_between_states_labelled_otherwise(tmp_path):
    path = tmp_path / "belgium.nc"
    write_base_netcdf(load_base("belgium-2012"), path)
    changed = rewritten(path, tmp_path, lambda d: d.assign_coords(
        destination_nationality=["foreign", "Belgian"]))
    with raises_exactly(f"{changed}: destination_nationality: got ['foreign', 'Belgian']; "
                        "expected the labels ['Belgian', 'foreign'] of nationality, in that "
                        "order. Fix: label internal_destination by the base's states."):
        load_base(str(changed))


def rewritten(base_file, tmp_path, change) -> Path:
    """The base file with ``change(dataset)`` applied, written without projsim's checks."""
    dataset = xr.load_dataset(base_file, engine="scipy", mmap=False)
    path = tmp_path / "b.nc"
    change(dataset).to_netcdf(path, engine="scipy")
    return path


# --- netCDF bases ------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "got"), [
    (b"region,sex,age,population\n", "a file that is not in netCDF format"),
    (b"", "an empty file"),
    (b"CDF\x01\x00", "a netCDF file that cannot be decoded (truncated or damaged)"),
])
def test_a_netcdf_base_that_is_no_netcdf(tmp_path, content, got):
    path = tmp_path / "b.nc"
    path.write_bytes(content)
    with raises_exactly(f"{path}: got {got}; {NOT_A_BASE}"):
        load_base(str(path))


def test_a_truncated_netcdf_base(tmp_path, base_file):
    path = tmp_path / "b.nc"
    path.write_bytes(base_file.read_bytes()[:5000])
    with raises_exactly(f"{path}: got a netCDF file that cannot be decoded (truncated or "
                        f"damaged); {NOT_A_BASE}"):
        load_base(str(path))


def test_a_truncated_netcdf_base_named_by_a_scenario(tmp_path, base_file):
    (tmp_path / "b.nc").write_bytes(base_file.read_bytes()[:5000])
    (tmp_path / "s.toml").write_text('base = "b.nc"\nhorizon = 2020\n')
    with raises_exactly(f"{tmp_path / 's.toml'}: base: {tmp_path / 'b.nc'}: got a netCDF file "
                        f"that cannot be decoded (truncated or damaged); {NOT_A_BASE}"):
        projsim.load_scenario(tmp_path / "s.toml")


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_netcdf_base_that_is_no_file(tmp_path, kind):
    path = tmp_path / "b.nc"
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    what = "a folder" if kind == "folder" else "a named pipe (FIFO)"
    with raises_exactly(f"{path}: got {what}, not a regular file; expected a netCDF base file. "
                        "Fix: give the path of a file on disk; projsim reads no folders, pipes "
                        "or devices."):
        load_base(str(path))


REGIONS = ["Brussels-Capital Region", "Flemish Region", "Walloon Region"]
BAD_NETCDF = {
    "text population": (
        lambda d: d.assign(population=d.population.astype(str)),
        "population: got text; expected numbers. "
        "Fix: write the variable as floating-point numbers."),
    "a region twice": (
        lambda d: d.assign_coords(region=["Flemish Region", "Flemish Region", "Walloon Region"]),
        "region: got the label 'Flemish Region' twice; expected each region once. "
        "Fix: remove or rename the second 'Flemish Region'."),
    "a NaN population": (
        lambda d: d.assign(population=d.population.where(d.age != 7)),
        "population: got nan at region=Brussels-Capital Region, sex=female, age=7; "
        "expected a finite number in every cell. Fix: fill in the value; projsim never fills "
        "gaps."),
    "an infinite death rate": (
        lambda d: d.assign(mortality_rate=d.mortality_rate.where(d.age != 3, np.inf)),
        "mortality_rate: got inf at region=Brussels-Capital Region, sex=female, "
        "age=3; expected a finite number in every cell. Fix: fill in the value; projsim never "
        "fills gaps."),
    "regions numbered": (
        lambda d: d.assign_coords(region=[1, 2, 3]),
        "region: got labels of type int32; expected text. Fix: label the regions by name."),
    "no region labels": (
        lambda d: d.drop_vars("region"),
        "region: got no such coordinate; expected the labels of each region. "
        "Fix: write the base with projsim.io.write_base_netcdf."),
    "unknown state dimensions": (
        lambda d: d.assign_attrs(state_dims="province"),
        "state_dims: got 'province'; expected some of ['region', 'nationality'], in that order, "
        "separated by spaces. Fix: write the base with projsim.io.write_base_netcdf."),
    "sexes swapped": (
        lambda d: d.assign_coords(sex=["male", "female"]),
        "sex: got ['male', 'female']; expected ['female', 'male']. "
        "Fix: label and order the sexes as projsim does."),
    "ages in five-year groups": (
        lambda d: d.assign_coords(age=d.age * 5),
        "age: got ages [0, 5, 10]...[550]; expected single ages 0, 1, ..., the last one open, "
        "at most 150. Fix: use single years of age."),
    "a year as text": (
        lambda d: d.assign_attrs(year="2012"),
        "year: got '2012'; expected a whole number. Fix: set year in the base's metadata."),
    "a year with a fraction": (
        lambda d: d.assign_attrs(year=2012.5),
        "year: got 2012.5; expected a whole number. Fix: set year in the base's metadata."),
    "a year far in the past": (
        lambda d: d.assign_attrs(year=-2000000),
        "year: got -2000000; expected a year from 1000 to 9999. "
        "Fix: set year to the base's 1 January."),
    "a sex ratio at birth that is NaN": (
        lambda d: d.assign_attrs(sex_ratio_at_birth=np.nan),
        "sex_ratio_at_birth: got nan; expected a finite number with a decimal point. "
        "Fix: set sex_ratio_at_birth in the base's metadata."),
    "destinations in another order": (
        lambda d: d.assign_coords(origin=REGIONS[::-1]),
        f"origin: got {REGIONS[::-1]!r}; expected the labels {REGIONS!r} of region, in that "
        "order. Fix: label internal_destination by the base's states."),
}


@pytest.mark.parametrize("case", sorted(BAD_NETCDF))
def test_bad_netcdf_base(tmp_path, base_file, case):
    change, expected = BAD_NETCDF[case]
    path = rewritten(base_file, tmp_path, change)
    with raises_exactly(f"{path}: {expected}"):
        load_base(str(path))


def test_a_netcdf4_base(tmp_path):
    write_base_netcdf(load_base("belgium-1988"), tmp_path / "b.nc4")
    (tmp_path / "s.toml").write_text('base = "b.nc4"\nhorizon = 1990\n')
    assert int(projsim.project(tmp_path / "s.toml").time[0]) == 1988


def test_a_base_file_with_another_suffix(tmp_path):
    with raises_exactly(f"argument 'path': got {str(tmp_path / 'b.csv')!r}; expected a name "
                        "ending in .nc or .nc4. Fix: name the base file after its format, for "
                        "example base.nc."):
        write_base_netcdf(load_base("belgium-1988"), tmp_path / "b.csv")


# --- folder bases ------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the embedded 1988 base (one region) to damage."""
    shutil.copytree(embedded("belgium_1988"), tmp_path / "base")
    return tmp_path / "base"


def edit_meta(folder, old, new):
    meta = folder / "meta.toml"
    text = meta.read_text()
    assert old in text
    meta.write_text(text.replace(old, new))


def test_a_base_without_net_migration(folder):
    (folder / "net_migration.csv").unlink()
    with raises_exactly(f"{folder / 'net_migration.csv'}: got no such file; expected an existing "
                        "CSV table. Fix: add the file, or check the path."):
        _load_folder(folder, str(folder))


def test_a_base_without_net_migration_named_by_a_scenario(folder):
    (folder / "net_migration.csv").unlink()
    scenario = folder.parent / "s.toml"
    scenario.write_text('base = "base"\nhorizon = 1990\n')
    with raises_exactly(f"{scenario}: base: {folder / 'net_migration.csv'}: got no such file; "
                        "expected an existing CSV table. Fix: add the file, or check the path."):
        projsim.load_scenario(scenario)


BAD_META = {
    "a region twice": (
        'regions = ["Belgium"]', 'regions = ["Belgium", "Belgium"]',
        "region: got the label 'Belgium' twice; expected each region once. "
        "Fix: remove or rename the second 'Belgium'."),
    "a region that is a number": (
        'regions = ["Belgium"]', 'regions = [1]',
        "region: got [1]; expected a list of labels in quotes, without spaces around them. "
        "Fix: write for example region = [\"North\", \"South\"]."),
    "no regions": (
        'regions = ["Belgium"]', 'regions = []',
        "region: got []; expected a list of labels in quotes, without spaces around them. "
        "Fix: write for example region = [\"North\", \"South\"]."),
    "an open age of a billion": (
        "open_age = 110", "open_age = 1000000000",
        "ages.open_age: got 1000000000; expected a whole number of years from 1 to 150. "
        "Fix: give the first age of the base's open age group, e.g. 110."),
    "ages that are no table": (
        "[ages]\nfirst = 0\nlast = 110\nopen_age = 110", "ages = 110",
        "ages.open_age: got nothing; expected a whole number. "
        "Fix: set ages.open_age in the base's metadata."),
    "a year of 20 digits": (
        "year = 1988", "year = -99999999999999999999",
        "year: got -99999999999999999999; expected a year from 1000 to 9999. "
        "Fix: set year to the base's 1 January."),
    "a sex ratio at birth that is NaN": (
        "sex_ratio_at_birth = 1.060143248", "sex_ratio_at_birth = nan",
        "sex_ratio_at_birth: got nan; expected a finite number with a decimal point. "
        "Fix: set sex_ratio_at_birth in the base's metadata."),
    "a model outside the package": (
        'net_migration_column = "net_migration"',
        'net_migration_column = "net_migration"\nmodels = { mortality_pattern = "../../../etc" }',
        "models.mortality_pattern: got '../../../etc'; expected one of ['lee_carter_belgium']. "
        "Fix: name a model shipped with projsim."),
    "models that are no table": (
        'net_migration_column = "net_migration"',
        'net_migration_column = "net_migration"\nmodels = "mine"',
        "models: got 'mine'; expected a table with the keys ['mortality_pattern', "
        "'uncertainty']. Fix: name packaged models, or leave [models] out for the Belgian ones."),
}


@pytest.mark.parametrize("case", sorted(BAD_META))
def test_bad_base_metadata(folder, case):
    old, new, expected = BAD_META[case]
    edit_meta(folder, old, new)
    with raises_exactly(f"{folder / 'meta.toml'}: {expected}"):
        _load_folder(folder, str(folder))


def test_an_optional_table_that_is_a_pipe_is_refused_not_skipped(folder):
    os.mkfifo(folder / "immigration.csv")
    with raises_exactly(f"{folder / 'immigration.csv'}: got a named pipe (FIFO), not "
                        "a regular file; expected a CSV table. Fix: give the path of a file on "
                        "disk; projsim reads no folders, pipes or devices."):
        _load_folder(folder, str(folder))


def test_a_metadata_file_that_is_a_pipe(folder):
    (folder / "meta.toml").unlink()
    os.mkfifo(folder / "meta.toml")
    with raises_exactly(f"{folder / 'meta.toml'}: got a named pipe (FIFO), not a regular file; "
                        "expected a TOML file. Fix: give the path of a file on disk; projsim "
                        "reads no folders, pipes or devices."):
        load_base(str(folder))


def test_a_base_saved_by_excel_in_a_belgian_locale_reads_the_same(folder):
    expected = _load_folder(folder, str(folder))
    for name in ("population.csv", "mortality_rate.csv"):
        text = (folder / name).read_text()
        belgian = text.replace(",", ";").replace(".", ",").replace("\n", "\r\n")
        (folder / name).write_bytes(b"\xef\xbb\xbf" + belgian.encode())
    base = _load_folder(folder, str(folder))
    np.testing.assert_array_equal(base.population, expected.population)
    np.testing.assert_array_equal(base.mortality_rate, expected.mortality_rate)


# --- the immigrant profile -----------------------------------------------------------------

PROFILE = "region,citizenship,sex,age_start,age_end,persons\n"
BAD_PROFILE = {
    "an age that is no number": (
        "Belgium,Belgian,female,abc,4,10\n",
        "line 2, column 'age_start': got 'abc'; expected a whole number of years from 0 to 150. "
        "Fix: write the age in digits, such as 85."),
    "a negative age": (
        "Belgium,Belgian,female,-5,4,10\n",
        "line 2, column 'age_start': got '-5'; expected a whole number of years from 0 to 150. "
        "Fix: write the age in digits, such as 85."),
    "an age of a billion": (
        "Belgium,Belgian,female,0,1000000000,10\n",
        "line 2, column 'age_end': got '1000000000'; expected a whole number of years from 0 to "
        "150. Fix: write the age in digits, such as 85."),
    "a group that ends before it starts": (
        "Belgium,Belgian,female,10,4,10\n",
        "line 2, column 'age_end': got '4'; expected an age from age_start (10) on. "
        "Fix: correct the age group."),
    "an unknown region": (
        "Wallonia,Belgian,female,0,4,10\n",
        "line 2, column 'region': got 'Wallonia'; expected one of ['Belgium']. "
        "Fix: use the labels of the base data."),
    "an unknown sex": (
        "Belgium,Belgian,f,0,4,10\n",
        "line 2, column 'sex': got 'f'; expected one of ['female', 'male']. "
        "Fix: use the labels of the base data."),
    "persons with a digit separator": (
        "Belgium,Belgian,female,0,4,1_000\n",
        "line 2, column 'persons': got '1_000'; expected a finite number. Fix: write a plain "
        "number such as 1234.5, with no separator between its digits."),
    "a row too short": (
        "Belgium,Belgian,female,0,4\n",
        "line 2: got 5 fields; expected 6 fields, one per column of the header. "
        "Fix: fill in every column; projsim never fills gaps."),
}


@pytest.mark.parametrize("case", sorted(BAD_PROFILE))
def test_bad_immigrant_profile(folder, case):
    row, expected = BAD_PROFILE[case]
    (folder / "immigrant_profile.csv").write_text(PROFILE + row)
    with raises_exactly(f"{folder / 'immigrant_profile.csv'}, {expected}"
                        if expected.startswith("line") else expected):
        _load_folder(folder, str(folder))


def test_an_immigrant_profile_is_spread_over_its_ages(folder):
    (folder / "immigrant_profile.csv").write_text(
        PROFILE + "Belgium,Belgian,female,0,4,10\nBelgium,foreign,female,0,4,5\n"
                  "Belgium,Belgian,male,105,114,20\n")
    profile = _load_folder(folder, str(folder)).immigrant_profile
    np.testing.assert_allclose(profile[0, 0, :5], 3.0)
    np.testing.assert_allclose(profile[0, 1, 105:110], 2.0)
    assert profile[0, 1, 110] == pytest.approx(10.0)  # ages 110-114 fold into the open group
    assert profile.sum() == pytest.approx(35.0)
