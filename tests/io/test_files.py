"""Readers of long CSV tables and netCDF results: every bad input has one exact message."""

import shutil
from pathlib import Path

import numpy as np
import pytest

import projsim
from projsim.errors import InputError
from projsim.io import list_bases, load_base, read_netcdf, write_base_netcdf
from projsim.io.files import read_grid_csv

DIMS = {"region": ("north", "south"), "age": (0, 1)}
GOOD = "region,age,rate\nnorth,0,0.1\nnorth,1,0.2\nsouth,0,0.3\nsouth,1,0.4\n"


def read(tmp_path, text):
    path = tmp_path / "rates.csv"
    path.write_text(text)
    return path, lambda: read_grid_csv(path, DIMS, "rate")


def test_reads_a_dense_grid(tmp_path):
    _, reader = read(tmp_path, GOOD)
    assert np.array_equal(reader(), [[0.1, 0.2], [0.3, 0.4]])


BAD = {
    "missing column": (
        GOOD.replace("rate", "value", 1),
        "{path}: got columns ['region', 'age', 'value']; expected the columns "
        "['region', 'age', 'rate']. Fix: add the column 'rate'."),
    "unknown region": (
        GOOD.replace("south,1", "east,1"),
        "{path}, line 5, column 'region': got 'east'; expected one of ['north', 'south']. "
        "Fix: use the labels of the base data."),
    "ages that do not line up": (
        GOOD.replace("south,1", "south,2"),
        "{path}, line 5, column 'age': got '2'; expected one of ['0', '1']. "
        "Fix: use the labels of the base data."),
    "missing cell": (
        GOOD.replace("south,1,0.4\n", ""),
        "{path}: got no row for region=south, age=1; expected one row per cell. "
        "Fix: add the missing row."),
    "duplicate cell": (
        GOOD + "north,0,0.5\n",
        "{path}, line 6: got a second row for region=north, age=0; expected one row per cell. "
        "Fix: remove the duplicate row."),
    "NaN": (
        GOOD.replace("0.3", "nan"),
        "{path}, line 4, column 'rate': got 'nan'; expected a finite number. "
        "Fix: fill in the value; projsim never fills gaps."),
    "empty value": (
        GOOD.replace("0.3", ""),
        "{path}, line 4, column 'rate': got ''; expected a finite number. "
        "Fix: fill in the value; projsim never fills gaps."),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_table_message(tmp_path, case):
    text, expected = BAD[case]
    path, reader = read(tmp_path, text)
    with pytest.raises(InputError) as caught:
        reader()
    assert str(caught.value) == expected.format(path=path)


def test_unreadable_netcdf(tmp_path):
    path = tmp_path / "broken.nc"
    path.write_text("not a netCDF file")
    with pytest.raises(InputError) as caught:
        read_netcdf(path)
    assert str(caught.value) == (
        f"{path}: got a file that is not in netCDF format; expected a netCDF file written by "
        "'projsim run -o'. Fix: check the path and rerun the projection.")


def test_missing_netcdf(tmp_path):
    path = tmp_path / "missing.nc"
    with pytest.raises(InputError) as caught:
        read_netcdf(path)
    assert str(caught.value) == (
        f"{path}: got no such file; expected a netCDF file written by 'projsim run -o'. "
        "Fix: check the path.")


def test_unknown_base():
    with pytest.raises(InputError) as caught:
        load_base("belgium-2020")
    assert str(caught.value) == (
        f"base: got 'belgium-2020'; expected an embedded base {list(list_bases())}, a folder "
        "with meta.toml and the base's CSV files, or a netCDF base file. "
        "Fix: did you mean 'belgium-2012'?")


@pytest.mark.parametrize("name", list_bases())
def test_embedded_bases_load_on_the_kernel_axes(name):
    base = load_base(name)
    states, ages = base.states.size, len(base.ages)
    assert base.population.shape == (states, 2, ages)
    assert base.mortality_rate.shape == (states, 2, len(base.death_rate_ages))
    assert base.fertility_rate.shape == (states, ages)
    assert base.net_migration.shape == (states, 2, ages)
    assert base.open_age == base.ages[-1]
    assert set(base.sha256) >= {"meta.toml", "population.csv", "mortality_rate.csv"}


def embedded_folder(name):
    from importlib import resources

    return Path(str(resources.files("projsim") / "data" / name.replace("-", "_")))


def test_a_users_base_folder_runs_like_the_embedded_one(tmp_path):
    shutil.copytree(embedded_folder("belgium-2012"), tmp_path / "my-base")
    (tmp_path / "s.toml").write_text('base = "my-base"\nhorizon = 2020\n')
    mine = projsim.project(tmp_path / "s.toml")
    (tmp_path / "e.toml").write_text('base = "belgium-2012"\nhorizon = 2020\n')
    embedded = projsim.project(tmp_path / "e.toml")
    np.testing.assert_array_equal(mine.population, embedded.population)


def test_a_users_base_in_netcdf(tmp_path):
    write_base_netcdf(load_base("belgium-1988"), tmp_path / "b.nc")
    (tmp_path / "s.toml").write_text('base = "b.nc"\nhorizon = 1990\n')
    ds = projsim.project(tmp_path / "s.toml")
    assert int(ds.time[0]) == 1988 and list(ds.region.values) == ["Belgium"]


def test_a_users_base_with_a_negative_count(tmp_path):
    folder = tmp_path / "bad-base"
    shutil.copytree(embedded_folder("belgium-1988"), folder)
    lines = (folder / "population.csv").read_text().splitlines()
    fields = lines[5].split(",")
    lines[5] = ",".join(fields[:-1] + ["-3"])
    (folder / "population.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "s.toml").write_text('base = "bad-base"\nhorizon = 1990\n')
    with pytest.raises(InputError) as caught:
        projsim.load_scenario(tmp_path / "s.toml")
    assert str(caught.value) == (
        f"{tmp_path / 's.toml'}: base: {folder.resolve()}: population: got -3.0 at "
        "region=Belgium, sex=female, age=4; expected persons, not negative. "
        "Fix: correct the base data.")


def test_a_users_base_with_fertility_in_the_open_group(tmp_path):
    folder = tmp_path / "bad-base"
    shutil.copytree(embedded_folder("belgium-1988"), folder)
    lines = (folder / "fertility_rate.csv").read_text().splitlines()
    last = lines[-1].split(",")
    lines[-1] = ",".join(last[:-1] + ["0.01"])
    (folder / "fertility_rate.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "s.toml").write_text('base = "bad-base"\nhorizon = 1990\n')
    with pytest.raises(InputError) as caught:
        projsim.load_scenario(tmp_path / "s.toml")
    assert str(caught.value) == (
        f"{tmp_path / 's.toml'}: base: {folder.resolve()}: fertility_rate: got 0.01 at "
        "region=Belgium, age=110; expected no fertility at age 0 or in the open age group. "
        "Fix: correct the base data.")
