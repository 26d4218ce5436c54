"""The WPP reader (``projsim.io.wpp``) and the embedded WPP 2024 inputs for Belgium.

The shipped folder ``src/projsim/data/wpp2024_belgium`` equals a rebuild by
``tools/build_wpp.py`` from ``data-raw/wpp2024``; the reader gives the same
arrays from the raw copies (one country's rows) and from the shipped tables
(a ``country_code`` column), with the units of the vocabulary; a table of
several countries is read by code; every malformed table fails with its
message.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import raises_exactly

from projsim.io.packaged import data_folder
from projsim.io.wpp import (
    WPP_FILES,
    WppFiles,
    load_wpp,
    read_wpp_indicators,
    read_wpp_mortality,
    read_wpp_population,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW = REPO_ROOT / "data-raw" / "wpp2024"
SHIPPED = REPO_ROOT / "src" / "projsim" / "data" / "wpp2024_belgium"
RAW_FILES = WppFiles(RAW / "wpp2024_population_jul1_age5_5yr.csv", RAW / "wpp2024_mx_abridged_5yr.csv",
                     RAW / "wpp2024_pasfr_age5_5yr.csv", RAW / "wpp2024_tfr_srb_e0_netmig_5yr.csv",
                     RAW / "wpp2024_netmig_age5_sex_5yr_proj.csv")
ARRAYS = ("ages", "periods", "population", "mortality_ages", "mortality_rate", "fertility_rate",
          "sex_ratio_at_birth", "net_migration")


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_wpp", REPO_ROOT / "tools" / "build_wpp.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def validation():
    spec = importlib.util.spec_from_file_location("validation_wpp", REPO_ROOT / "validation" / "wpp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def belgium():
    return load_wpp("wpp2024-belgium")


def test_shipped_files_equal_a_rebuild(build, tmp_path):
    assert build.main(["--out", str(tmp_path)]) == 0
    rebuilt = tmp_path / "wpp2024_belgium"
    names = sorted(p.name for p in rebuilt.iterdir())
    assert names == sorted([*WPP_FILES.values(), "README.md", "meta.toml"])
    assert sorted(p.name for p in SHIPPED.iterdir()) == names
    for name in names:
        assert (SHIPPED / name).read_bytes() == (rebuilt / name).read_bytes(), name


def test_shipped_rows_are_the_raw_rows_with_the_country_code():
    for table, raw in zip(WPP_FILES.values(), RAW_FILES):
        raw_lines = raw.read_text(encoding="utf-8").splitlines()
        shipped = (SHIPPED / table).read_text(encoding="utf-8").splitlines()
        assert shipped[0] == "country_code," + raw_lines[0]
        assert all(line.startswith("56,") for line in shipped[1:])
        assert set(line[3:] for line in shipped[1:]) <= set(raw_lines[1:]), table


# --- what the reader gives ----------------------------------------------------------


def test_raw_copies_and_shipped_tables_give_the_same_inputs(belgium):
    from_raw = load_wpp(RAW_FILES)
    by_code = load_wpp("wpp2024-belgium", location=56)
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(from_raw, name), getattr(belgium, name), err_msg=name)
        np.testing.assert_array_equal(getattr(by_code, name), getattr(belgium, name), err_msg=name)
    assert (belgium.location, by_code.location) == (None, 56)


def test_inputs_have_the_grid_and_the_units_of_the_vocabulary(belgium):
    assert belgium.year == 2020 and belgium.age_width == 5
    assert belgium.periods.tolist() == list(range(2020, 2100, 5))
    assert belgium.ages.tolist() == list(range(0, 101, 5))
    assert belgium.mortality_ages.tolist() == [0, 1, *range(5, 101, 5)]
    np.testing.assert_array_equal(belgium.mortality_widths, [1, 4, *[5] * 19, np.inf])
    assert belgium.population.shape == (2, 21)
    assert belgium.population.sum() == pytest.approx(11_540_103, abs=0.01)  # persons, 1 July 2020
    assert belgium.population[0, 0] == pytest.approx(295_976)  # females 0-4, "295.976" thousand
    tfr = [1.4778, 1.4018]  # indicators.csv, 2020-2025 and 2025-2030
    np.testing.assert_allclose(5 * belgium.fertility_rate[:2].sum(-1), tfr, rtol=1e-4)
    childbearing = (belgium.ages >= 15) & (belgium.ages < 50)
    assert np.all(belgium.fertility_rate[:, ~childbearing] == 0)
    assert np.all(belgium.fertility_rate[:, childbearing] > 0)
    assert 5 * belgium.net_migration[0].sum() == pytest.approx(258_444, abs=5)  # persons over 2020-2025
    assert belgium.net_migration[0, 0, 0] == pytest.approx(8_380 / 5)  # females 0-4, per year
    assert belgium.sex_ratio_at_birth[0] == 1.048
    assert belgium.mortality_rate[0, 0, 0] == 0.00275995


def test_population_by_date(belgium):
    years, ages, population = read_wpp_population(SHIPPED / "population.csv")
    assert years.tolist() == list(range(2020, 2101, 5))
    np.testing.assert_array_equal(population[0], belgium.population)
    assert population[years.tolist().index(2060)].sum() == pytest.approx(11_684_664, abs=1)
    raw_years, _, raw = read_wpp_population(RAW / "wpp2024_population_jul1_age5_5yr.csv", variant="low")
    assert raw_years[0] == 1950 and raw.shape == (31, 2, 21)


def test_death_rates_and_indicators_of_every_period(belgium):
    periods, ages, rates = read_wpp_mortality(RAW_FILES.mortality_rate)
    assert periods.tolist() == list(range(1950, 2100, 5)) and rates.shape == (30, 2, 22)
    np.testing.assert_array_equal(ages, belgium.mortality_ages)
    np.testing.assert_array_equal(rates[14:], belgium.mortality_rate)
    periods, values = read_wpp_indicators(RAW_FILES.indicators, ["e0F", "e0M", "srb"])
    assert periods.tolist() == list(range(1950, 2100, 5))
    assert values[0].tolist() == [70.359, 65.3329, 1.058]  # 1950-1955, an estimate
    np.testing.assert_array_equal(values[14:, 2], belgium.sex_ratio_at_birth)


def test_a_table_of_several_countries_is_read_by_code(tmp_path, belgium):
    """Belgium's rows and those of another code (the same values doubled) in one table per kind."""
    for name in WPP_FILES.values():
        lines = (SHIPPED / name).read_text(encoding="utf-8").splitlines()
        other = [doubled("999" + line[2:], name) for line in lines[1:]]
        (tmp_path / name).write_text("\n".join([lines[0], *lines[1:], *other]) + "\n", encoding="utf-8")
    both = load_wpp(tmp_path, location=56)
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(both, name), getattr(belgium, name), err_msg=name)
    other = load_wpp(tmp_path, location=999)
    np.testing.assert_allclose(other.population, 2 * belgium.population)
    with raises_exactly(
        f"{tmp_path / 'mortality_rate.csv'}: got 2 countries (country_code 56, 999); expected the rows of "
        "one country. Fix: give location=<country code>."
    ):
        load_wpp(tmp_path)
    with raises_exactly(
        f"{tmp_path / 'mortality_rate.csv'}: got no row with country_code 40; expected the rows of location "
        "40. Fix: check the code (UN M49, WPP's LocID: 56 for Belgium)."
    ):
        load_wpp(tmp_path, location=40)


def doubled(line: str, name: str) -> str:
    """The row with its population count doubled (other tables unchanged)."""
    if name != "population.csv":
        return line
    *fields, value = line.split(",")
    return ",".join([*fields, repr(2 * float(value))])


def test_asfr_table_gives_the_same_rates(tmp_path, belgium):
    shutil.copytree(SHIPPED, tmp_path / "wpp", dirs_exist_ok=True)
    folder = tmp_path / "wpp"
    rows = ["period,age_group,asfr"]
    for t, period in enumerate(belgium.periods):
        for i, age in enumerate(belgium.ages):
            if belgium.fertility_rate[t, i] > 0:
                rows.append(f"{period}-{period + 5},{age}-{age + 4},{float(belgium.fertility_rate[t, i])!r}")
    (folder / "fertility.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    np.testing.assert_array_equal(load_wpp(folder).fertility_rate, belgium.fertility_rate)
    (folder / "fertility.csv").write_text("\n".join(row for row in rows if not row.startswith("2095"))
                                          + "\n", encoding="utf-8")
    with raises_exactly(
        f"{folder / 'fertility.csv'}: got no row for the period 2095-2100; expected the fertility rates of "
        "every period. Fix: add the period's rows."
    ):
        load_wpp(folder)


# --- the bundled 5x5 scenario against WPP (validation/wpp.py) ------------------------


def test_bundled_5x5_scenario_meets_the_aims(validation):
    """projsim.project("wpp2024-belgium-5x5"), the scenario alone, against WPP's medium
    variant of 1 July 2025 ... 2100 (validation/README.md gives the figures): the total
    within 0.25 % at 2030, 2050, 2075 and 2100 (0.11 % at every date), every sex and age
    group 0-89 within 3 % (2 % found), 90-99 within 3.5 % (2 % found) and 100+ within
    8 % (7.9 % found) at those four dates."""
    dates, ages, errors, totals = validation.errors_against_wpp(*validation.project_scenario())
    assert dates.tolist() == list(range(2020, 2101, 5))
    issue_dates = [dates.tolist().index(year) for year in (2030, 2050, 2075, 2100)]
    errors, nineties = np.abs(errors[issue_dates]), (ages >= 90) & (ages < 100)
    assert np.abs(totals[issue_dates]).max() < 0.0025 and np.abs(totals).max() < 0.0011
    assert errors[..., ages < 90].max() < 0.02
    assert errors[..., nineties].max() < 0.02
    assert errors[..., ages == 100].max() < 0.08


def test_sensitivities_of_the_open_group_and_the_separation_rule(validation):
    """WPP's open group kept (open_age = 100) misses 100+ by up to 9.3 % at the four dates;
    half the width, at kernel level, by more than 60 % at some date."""
    dates, ages, errors, _ = validation.errors_against_wpp(*validation.project_scenario(100))
    issue_dates = [dates.tolist().index(year) for year in (2030, 2050, 2075, 2100)]
    pooled = np.abs(errors[issue_dates][..., ages == 100]).max()
    assert 0.08 < pooled < 0.093
    midpoint = np.abs(validation.errors_against_wpp(*validation.project_wpp("midpoint"))[2])
    assert midpoint[..., ages == 100].max() > 0.6


# --- errors -------------------------------------------------------------------------


def edited(tmp_path, name, old, new) -> Path:
    """A copy of the shipped folder with one line of one table changed."""
    folder = tmp_path / "wpp"
    shutil.copytree(SHIPPED, folder, dirs_exist_ok=True)
    text = (folder / name).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (folder / name).write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_error_location_without_a_country_column():
    with raises_exactly(
        f"{RAW_FILES.mortality_rate}: got no column 'country_code'; expected a column 'country_code' to select "
        "location 56 by. Fix: add the column, or read a table of one country with location=None."
    ):
        load_wpp(RAW_FILES, location=56)


def test_error_age_group_not_written_as_wpp_does(tmp_path):
    folder = edited(tmp_path, "net_migration.csv", "56,2020-2025,5-9,F,", "56,2020-2025,5-10,F,")
    with raises_exactly(
        f"{folder / 'net_migration.csv'}, line 3, column 'age_group': got '5-10'; expected an age group of 5 "
        "years such as '15-19', or an open group such as '100+'. Fix: write the groups as WPP does."
    ):
        load_wpp(folder)


def test_error_period_not_written_as_wpp_does(tmp_path):
    folder = edited(tmp_path, "indicators.csv", "56,2025-2030,", "56,2025-2029,")
    with raises_exactly(
        f"{folder / 'indicators.csv'}, line 3, column 'period': got '2025-2029'; expected a period of 5 years "
        "such as '2020-2025'. Fix: write the periods as WPP does."
    ):
        load_wpp(folder)


def test_error_missing_row(tmp_path):
    folder = edited(tmp_path, "net_migration.csv", "56,2095-2100,100+,M,0.0000\n", "")
    with raises_exactly(
        f"{folder / 'net_migration.csv'}: got no row for period=2095, sex=male, age=100; expected one row per "
        "cell. Fix: add the missing row."
    ):
        load_wpp(folder)


def test_error_duplicate_row(tmp_path):
    folder = edited(tmp_path, "mortality_rate.csv", "56,2020-2025,2023,1,False,F,",
                    "56,2020-2025,2023,0,False,F,")
    with raises_exactly(
        f"{folder / 'mortality_rate.csv'}, line 3: got a second row for period=2020, sex=female, age_start=0; "
        "expected one row per cell. Fix: remove the duplicate row."
    ):
        load_wpp(folder)


def test_error_unknown_sex_code(tmp_path):
    folder = edited(tmp_path, "population.csv", "56,2020,estimate,0-4,F,", "56,2020,estimate,0-4,W,")
    with raises_exactly(
        f"{folder / 'population.csv'}, line 2, column 'sex': got 'W'; expected 'F', 'M' or 'T'. "
        "Fix: write the sex codes as WPP does."
    ):
        load_wpp(folder)


def test_error_pasfr_not_summing_to_100(tmp_path):
    folder = edited(tmp_path, "fertility.csv", "56,15-19,2020-2025,1.36367", "56,15-19,2020-2025,2.36367")
    with raises_exactly(
        f"{folder / 'fertility.csv'}: got PASFR summing to 101.0000 in 2020-2025; expected percentages summing "
        "to 100 (within 0.01) in every period. Fix: give every childbearing age group of each period."
    ):
        load_wpp(folder)


def test_error_base_year_not_at_the_start_of_a_period():
    with raises_exactly(
        f"{data_folder('wpp2024_belgium') / 'mortality_rate.csv'}: got periods from 2022: "
        "[2025, 2030, 2035]; expected consecutive "
        "periods of 5 years, the first from 2022. Fix: choose a base year at the start of a period, or "
        "complete the table."
    ):
        load_wpp("wpp2024-belgium", year=2022)
