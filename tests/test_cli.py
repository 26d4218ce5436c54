"""The projsim command line: output, exit codes and one-line errors."""

import subprocess
import sys

import pytest
import xarray as xr

from projsim.cli import EXIT_INPUT, EXIT_OK, main


def test_run_default_prints_summary(capsys):
    assert main(["run"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("fpb-2013: FPB 2012-2060 reference (May 2013)")
    total = next(line for line in out.splitlines() if line.startswith("Total"))
    assert total.split()[1] == "11,035,948"
    for label in ("Brussels-Capital Region", "births", "deaths", "net migration", "2061"):
        assert label in out


def test_run_writes_netcdf(tmp_path, capsys):
    path = tmp_path / "out.nc"
    assert main(["run", "belgium-2012", "-o", str(path)]) == EXIT_OK
    assert f"Wrote {path}" in capsys.readouterr().out
    assert int(xr.load_dataset(path).population.isel(time=0).sum()) == 11035948


def test_bad_scenario_exits_2_with_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nbase = "belgium-2012"\nhorizon = 2030\n[fertility]\nscale = -1\n')
    done = subprocess.run([sys.executable, "-m", "projsim.cli", "run", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == EXIT_INPUT
    assert done.stdout == ""
    assert done.stderr == (
        f"error: {path}: fertility.scale.2012: got -1; expected a number at least 0 and at most "
        "10. Fix: give a multiplier of the base fertility rates.\n")


def test_validate_lists_all_problems(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('base = "belgium-2012"\nhorizon = 2030\nhorizont = 1\n[mortality]\nscale = 0\n')
    assert main(["validate", str(path)]) == EXIT_INPUT
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"error: {path}: horizont: got an unknown key")
    assert lines[1].startswith(f"error: {path}: mortality.scale.2012: got 0;")


def test_validate_good_and_list(capsys):
    assert main(["validate", "belgium-2012"]) == EXIT_OK
    assert main(["list"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "belgium-2012: valid" in out
    assert "belgium-2012     " in out


def test_unknown_command_is_a_usage_error():
    with pytest.raises(SystemExit) as caught:
        main(["fly"])
    assert caught.value.code == 2


def test_run_with_draws_prints_quantiles(tmp_path, capsys):
    path = tmp_path / "draws.nc"
    assert main(["run", "--draws", "64", "--seed", "3", "-o", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("fpb-2013: 64 draws, seed 3 (numpy engine)")
    assert "National population on 1 January (persons), quantiles over draws" in out
    assert int(xr.load_dataset(path).attrs["draws"]) == 64


def test_run_with_draws_and_demographic_noise(tmp_path, capsys):
    path = tmp_path / "noise.nc"
    assert main(["run", "--draws", "64", "--demographic-noise", "-o", str(path)]) == EXIT_OK
    assert capsys.readouterr().out.startswith(
        "fpb-2013: 64 draws, seed 0 (numpy engine, demographic noise)")
    assert int(xr.load_dataset(path).attrs["demographic_noise"]) == 1


def test_run_with_draws_rejects_a_misaligned_chunk(capsys):
    assert main(["run", "--draws", "100", "--chunk", "50"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: argument 'chunk': got 50; expected a positive multiple of 64. "
        "Fix: use for example 256 draws per chunk.\n")


@pytest.mark.slow
def test_run_with_draws_on_two_local_workers(capsys):
    pytest.importorskip("distributed")
    import os

    before = dict(os.environ)
    assert main(["run", "--draws", "64", "--workers", "2"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("fpb-2013: 64 draws, seed 0 (numpy engine)")
    assert dict(os.environ) == before, "the workers' variables stay out of this process"


def test_run_summary_of_a_base_by_nationality(monkeypatch, capsys, by_nationality, reference):
    """The summary adds the nationalities of each region, from the kernel's arrays
    and from a labelled result alike (the overrides count cells, twice as many)."""
    from nationality_cases import split_by_nationality

    from projsim.cli import summary

    assert main(["run"]) == EXIT_OK
    plain = capsys.readouterr().out
    monkeypatch.setattr("projsim.io.scenarios.load_scenario",
                        lambda name: split_by_nationality("fpb-2013"))
    assert main(["run"]) == EXIT_OK
    split = capsys.readouterr().out
    assert split.split("Overrides")[0] == plain.split("Overrides")[0]
    assert summary(by_nationality).split("Overrides")[0] == summary(reference).split(
        "Overrides")[0]


def test_plot_a_result_by_nationality(by_nationality, tmp_path, capsys):
    from projsim.io import write_netcdf

    path = tmp_path / "split.nc"
    write_netcdf(by_nationality.isel(time=slice(0, 5)), path)
    for options in (["--kind", "totals", "--nationality", "foreign"],
                    ["--kind", "pyramid", "--by", "nationality"]):
        assert main(["plot", str(path), *options, "-o", str(tmp_path / "f.png")]) == EXIT_OK
    assert main(["plot", str(path), "--nationality", "Belgian",
                 "-o", str(tmp_path / "f.png")]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        f"error: {path}: --nationality: got 'Belgian'; expected one of ['national', "
        "'foreign']. Fix: use a nationality label of the result.\n")
