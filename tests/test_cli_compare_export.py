"""projsim compare and projsim export: the tables, the files, exit codes and messages."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from projsim.cli import EXIT_INPUT, EXIT_OK, compare_years, main

SHORT = ('name = "{name}"\ndescription = "short"\nextends = "{parent}"\nhorizon = 2016\n')


@pytest.fixture(scope="module")
def short_result(tmp_path_factory):
    """fpb-2013-channels to 2016, written by projsim run -o."""
    folder = tmp_path_factory.mktemp("short")
    scenario = folder / "short.toml"
    scenario.write_text(SHORT.format(name="short", parent="fpb-2013-channels"), encoding="utf-8")
    path = folder / "short.nc"
    assert main(["run", str(scenario), "-o", str(path)]) == EXIT_OK
    return path


def test_compare_prints_the_table_and_exits_0(capsys):
    code = main(["compare", "fpb-2013", "fpb-2013-channels", "low-migration",
                 "--years", "2030", "2060"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    for label in ("Brussels-Capital Region", "Flemish Region", "Walloon Region", "All regions",
                  "aged 3-5", "aged 6-11", "aged 12-17", "aged 18-66", "aged 67+",
                  "old-age dependency", "births", "net migration, foreign",
                  "low-migration - fpb-2013"):
        assert label in out
    total = [line.split() for line in out.splitlines() if line.startswith("population")]
    assert len(total) == 8                       # 3 regions and all, 2 years
    same = [float(cells[-2].replace(",", "")) for cells in total]
    assert max(abs(v) for v in same) < 0.001 * 1.1e6    # fpb-2013-channels within 0.1 %


def test_compare_by_channel_writes_a_csv(tmp_path, capsys):
    path = tmp_path / "table.csv"
    assert main(["compare", "fpb-2013-channels", "asylum-surge", "--years", "2017",
                 "--by", "channel", "-o", str(path)]) == EXIT_OK
    assert f"Wrote {path}" in capsys.readouterr().out
    assert path.read_bytes().startswith(b"\xef\xbb\xbfregion,indicator,unit,year,")
    table = pd.read_csv(path, encoding="utf-8-sig")
    row = table[(table.region == "Total")
                & (table.indicator == "immigration of foreigners, international_protection")]
    ratio = row["asylum-surge"].iloc[0] / row["fpb-2013-channels"].iloc[0]
    assert ratio == pytest.approx(15839 / 5315)


def test_compare_reads_result_files(short_result, capsys):
    assert main(["compare", str(short_result), "fpb-2013-channels", "--years", "2012",
                 "2015"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "short" in out and "fpb-2013-channels - short" in out


def test_compare_bad_name_exits_2_with_did_you_mean():
    done = subprocess.run([sys.executable, "-m", "projsim.cli", "compare", "fpb-2013",
                           "fpb-2031"], capture_output=True, text=True)
    assert done.returncode == EXIT_INPUT
    assert done.stdout == ""
    assert done.stderr == ("error: scenario: got 'fpb-2031'; expected a file path or the name "
                           "of a bundled scenario. Fix: did you mean 'fpb-2013'?\n")


def test_compare_refuses_years_outside_the_projection(capsys):
    assert main(["compare", "fpb-2013", "low-migration", "--years", "2070"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --years: got 2070; expected dates of every result: 2012 to 2061 for "
        "fpb-2013. Fix: give years from 2012 to 2061.\n")


def test_compare_refuses_an_unknown_split(capsys):
    assert main(["compare", "fpb-2013", "low-migration", "--by", "reason"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --by: got 'reason'; expected 'channel'. Fix: write --by channel.\n")


def test_compare_needs_two_results(capsys):
    assert main(["compare", "fpb-2013"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: scenarios: got 1 result; expected two results or more. Fix: give at least two "
        "scenarios or result files.\n")


def test_compare_years_default():
    assert compare_years(2012, 2061) == [2012, 2030, 2060]
    assert compare_years(2012, 2016) == [2012]


def test_export_csv_reads_back_to_the_same_numbers(short_result, tmp_path, capsys):
    path = tmp_path / "result.csv"
    assert main(["export", str(short_result), "-o", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Not in the CSV" in out and "immigration_by_channel" in out
    assert path.read_bytes().startswith(b"\xef\xbb\xbftime,region,nationality,sex,age,population,")
    table = pd.read_csv(path, encoding="utf-8-sig")
    result = xr.load_dataset(short_result)
    assert len(table) == result.population.size
    back = table.set_index(["time", "region", "nationality", "sex", "age"]).to_xarray()
    for name in ("population", "deaths", "immigration", "naturalisation_in"):
        expected = result[name].transpose("time", "region", "nationality", "sex", "age")
        np.testing.assert_array_equal(back[name].values, expected.values)


def test_export_xlsx_has_a_sheet_per_variable(short_result, tmp_path, capsys):
    pytest.importorskip("openpyxl")
    path = tmp_path / "result.xlsx"
    assert main(["export", str(short_result), "-o", str(path)]) == EXIT_OK
    sheets = pd.read_excel(path, sheet_name=None)
    result = xr.load_dataset(short_result)
    assert set(sheets) == {"about", *map(str, result.data_vars)}
    births = sheets["births"].set_index(["time", "region", "nationality", "sex"]).to_xarray()
    np.testing.assert_allclose(births["births"].values, result.births.values, rtol=1e-15)


def test_export_xlsx_without_openpyxl_names_the_extra(short_result, tmp_path, capsys,
                                                      monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "result.xlsx"
    assert main(["export", str(short_result), "-o", str(path)]) == EXIT_INPUT
    assert capsys.readouterr().err == ("error: writing .xlsx workbooks needs openpyxl, which is "
                                       "not installed. Fix: pip install 'projsim[xlsx]'.\n")
    assert not path.exists()


def test_export_refuses_other_suffixes_before_reading(short_result, tmp_path, capsys):
    path = tmp_path / "result.txt"
    assert main(["export", str(short_result), "-o", str(path)]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        f"error: option -o: got '{path}'; expected a file name ending in .csv, .xlsx. Fix: name "
        "the export after its format, for example result.csv.\n")


def test_comparison_keeps_the_rows_of_results_by_other_states(reference, regions):
    from projsim.analysis.compare import comparison_table

    table = comparison_table({"fpb-2013": reference, "fpb-2013-regions": regions}, [2030])
    total = table[table.region == "Total"].set_index("indicator")
    assert np.isnan(total.loc["net migration, foreign", "fpb-2013-regions"])
    assert np.isnan(total.loc["net migration", "fpb-2013"])
    assert total.loc["net migration", "fpb-2013-regions"] > 0
    assert list(dict.fromkeys(table.region)) == [*map(str, reference.region.values), "Total"]
