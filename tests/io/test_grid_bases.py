"""Bases by five-year group: WPP extracts (kind = "wpp"), folders with [ages] width = 5,
netCDF files with their width, and their messages (projsim.io.bases)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from helpers import raises_exactly

from projsim.io import list_bases, load_base, write_base_netcdf
from projsim.io.bases import _load_folder
from projsim.io.wpp import load_wpp
from projsim.model.grids import grouped
from projsim.types import SEXES

REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")


def test_the_wpp_extract_is_a_base():
    """wpp2024-belgium: 1 July 2020 by five-year group, abridged death rates, and the
    rates of every period to 2095-2100 as the base's periods."""
    assert "wpp2024-belgium" in list_bases()
    base, inputs = load_base("wpp2024-belgium"), load_wpp("wpp2024-belgium")
    assert (base.year, base.date, base.age_width, base.regions) == (2020, "1 July", 5, ("Belgium",))
    assert base.ages.tolist() == list(range(0, 101, 5))
    assert base.mortality_ages.tolist() == [0, 1, *range(5, 101, 5)]
    np.testing.assert_array_equal(base.population[0], inputs.population)
    np.testing.assert_array_equal(base.mortality_rate[0], inputs.mortality_rate[0])
    assert base.periods.years.tolist() == list(range(2020, 2100, 5)) and base.periods.end == 2100
    np.testing.assert_array_equal(base.periods.net_migration[:, 0], inputs.net_migration)
    np.testing.assert_array_equal(base.periods.sex_ratio_at_birth, inputs.sex_ratio_at_birth)
    assert base.sex_ratio_at_birth == inputs.sex_ratio_at_birth[0]
    assert set(base.sha256) == {"meta.toml", "population.csv", "mortality_rate.csv",
                                "fertility.csv", "indicators.csv", "net_migration.csv"}
    assert base.internal_migration_rate is None and base.age_pattern().shape == (2, 22)


def write_folder(base, folder: Path, width: int) -> None:
    """A folder base by age group of ``width`` years, with abridged death rates."""
    folder.mkdir()
    ages = base.ages

    def table(name, values, by_sex=True, age_labels=ages):
        rows = [f"region,{'sex,' if by_sex else ''}age,{name}"]
        for r, region in enumerate(REGIONS):
            for s, sex in enumerate(SEXES if by_sex else (None,)):
                cells = values[r, s] if by_sex else values[r]
                rows += [f"{region},{sex + ',' if sex else ''}{a},{float(v)!r}"
                         for a, v in zip(age_labels, cells)]
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n")

    table("population", base.population)
    table("mortality_rate", base.mortality_rate, age_labels=base.mortality_ages)
    table("fertility_rate", base.fertility_rate, by_sex=False)
    table("net_migration", base.net_migration)
    (folder / "meta.toml").write_text(
        f'year = 2012\nregions = {list(REGIONS)!r}\nsex_ratio_at_birth = 1.05\n'.replace("'", '"')
        + f'[ages]\nopen_age = {int(ages[-1])}\nwidth = {width}\nmortality = "abridged"\n')


def test_a_folder_by_five_year_group(tmp_path):
    five = grouped(load_base("belgium-2012-regions"), 5)
    write_folder(five, tmp_path / "b", 5)
    base = load_base(str(tmp_path / "b"))
    assert base.age_width == 5 and base.date == "1 January"
    np.testing.assert_array_equal(base.ages, five.ages)
    np.testing.assert_array_equal(base.mortality_ages, five.mortality_ages)
    np.testing.assert_array_equal(base.population, five.population)
    np.testing.assert_array_equal(base.mortality_rate, five.mortality_rate)


def test_a_netcdf_base_keeps_its_width_date_and_abridged_ages(tmp_path):
    wpp = load_base("wpp2024-belgium")
    path = tmp_path / "wpp.nc"
    write_base_netcdf(wpp, path)
    again = load_base(str(path))
    assert (again.age_width, again.date, again.year) == (5, "1 July", 2020)
    np.testing.assert_array_equal(again.mortality_ages, wpp.mortality_ages)
    np.testing.assert_array_equal(again.mortality_rate, wpp.mortality_rate)
    assert again.periods is None


def embedded(name: str) -> Path:
    return Path(str(resources.files("projsim") / "data" / name))


@pytest.mark.parametrize(("edit", "message"), [
    (("open_age = 110", "open_age = 110\nwidth = 3"),
     "ages.width: got 3; expected one of [1, 5] [years]. Fix: give the width of the base's age "
     "groups: 1 for single years, 5 for five-year groups."),
    (("open_age = 110", "open_age = 112\nwidth = 5"),
     "ages.open_age: got 112; expected a multiple of the age width 5, from 10. Fix: give the "
     "first age of the open group of 5-year groups, e.g. 100."),
    (("open_age = 110", 'open_age = 110\nmortality = "abridged"'),
     "ages.mortality: got 'abridged'; expected 'groups' (death rates by the base's age groups) "
     "or, for groups wider than a year, 'abridged' (0, 1-4, 5-9, ...). Fix: leave it out for "
     "death rates by the base's own age groups."),
    (('name = "belgium_2012"', 'name = "belgium_2012"\nkind = "census"'),
     "kind: got 'census'; expected one of ['projsim', 'wpp']. Fix: leave kind out for a folder "
     "of projsim's CSV files, or write kind = \"wpp\" for a WPP extract."),
    (('name = "belgium_2012"', 'name = "belgium_2012"\ndate = "31 December"'),
     "date: got '31 December'; expected one of ['1 January', '1 July']. Fix: give the day of "
     "the year of the base population."),
])
def test_error_grid_metadata(tmp_path, edit, message):
    folder = tmp_path / "b"
    shutil.copytree(embedded("belgium_2012"), folder)
    meta = folder / "meta.toml"
    assert meta.read_text().count(edit[0]) == 1
    meta.write_text(meta.read_text().replace(*edit))
    with raises_exactly(f"{meta}: {message}"):
        _load_folder(folder, "b")


def test_error_wpp_base_of_several_regions(tmp_path):
    folder = tmp_path / "w"
    shutil.copytree(embedded("wpp2024_belgium"), folder)
    meta = folder / "meta.toml"
    meta.write_text(meta.read_text().replace('regions = ["Belgium"]',
                                             'regions = ["Flanders", "Wallonia"]'))
    with raises_exactly(f"{meta}: regions: got ['Flanders', 'Wallonia']; expected one region, "
                        "the area of the WPP extract. Fix: write for example "
                        'regions = ["Belgium"].'):
        _load_folder(folder, "w")
