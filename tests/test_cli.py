"""The projsim command line: output, exit codes and one-line errors."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from projsim.cli import EXIT_INPUT, EXIT_OK, main
from projsim.model.states import state_dims


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


def test_run_summary_of_a_base_by_nationality(monkeypatch, capsys, by_nationality, regions):
    """The summary adds the nationalities of each region, from the kernel's arrays
    and from a labelled result alike (the overrides count cells, twice as many)."""
    from nationality_cases import split_by_nationality

    from projsim.cli import summary

    assert main(["run", "fpb-2013-regions"]) == EXIT_OK
    plain = capsys.readouterr().out
    monkeypatch.setattr("projsim.io.scenarios.load_scenario",
                        lambda name: split_by_nationality("fpb-2013-regions"))
    assert main(["run"]) == EXIT_OK
    split = capsys.readouterr().out
    assert split.split("Overrides")[0] == plain.split("Overrides")[0]
    assert summary(by_nationality).split("Overrides")[0] == summary(regions).split(
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


# --- the summary -------------------------------------------------------------------------------

def test_the_summary_gives_what_a_demographer_looks_for_first(reference, capsys):
    assert main(["run"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()

    def row(label):
        return next(line for line in lines if line.startswith(label + "  "))[len(label):].split()

    assert "Population on 1 January (persons, Belgium)" in lines
    national = state_dims(reference)
    balance = reference.projsim.natural_balance(aggregate=national)
    assert row("natural balance") == [f"{float(balance.sel(time=year).sum()):,.0f}"
                                      for year in (2012, 2020, 2030, 2040, 2050, 2060)]
    assert row("TFR") == ["1.83"] * 6
    assert row("e0 females")[-1] == "89.10" and row("e0 males")[-1] == "86.70"
    assert row("share 67+ [%]")[0] == "15.3" and row("old-age dependency")[0] == "23.8"
    assert row("median age")[0] == "41.1"
    assert lines[-1] == ("Overrides recorded: 0 migration cells adjusted (0.0 persons in all, "
                         "2012-2060); 0 cells raised by the population floor (0.0 persons in "
                         "all, 2012-2060).")


def test_the_summary_shows_the_households_of_a_scenario_that_counts_them(reference, capsys):
    from projsim.analysis.households import households, one_person_share
    from projsim.io.households import read_household_model

    assert main(["run", "fpb-2013-households"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("Private households on 1 January (households, Belgium)")

    def row(label):
        return next(line for line in lines[start:] if line.startswith(label + "  "))[
            len(label):].split()

    years = [2012, 2020, 2030, 2040, 2050, 2060, 2061]
    assert lines[start + 1].split() == [str(year) for year in years]
    model = read_household_model()
    counts = households(reference, model, method="trend").sum("region").sel(time=years)
    assert row("one person") == [f"{value:,.0f}" for value in
                                 counts.sel(household_type="one_person").values]
    assert row("Total") == [f"{value:,.0f}" for value in counts.sum("household_type").values]
    share = one_person_share(reference, model, method="trend", aggregate="region")
    assert row("one-person share [%]") == [f"{value:.1f}" for value in share.sel(time=years)]
    assert row("persons per household")[0] == "2.30"
    assert lines[-1] == (
        "Households: method trend, model households_belgium, no scale (Statbel, census 2011; "
        "trend: FPB household series 1991-2016, via larray (GPL-3.0)); one reference person per "
        "household, residents of institutions in none.")


def test_a_summary_without_households_says_nothing_of_them(capsys):
    assert main(["run", "belgium-2012"]) == EXIT_OK
    assert "households" not in capsys.readouterr().out.lower()


def test_draws_of_a_scenario_with_households_give_their_quantiles(tmp_path, capsys):
    path = tmp_path / "draws.nc"
    assert main(["run", "fpb-2013-households", "--draws", "64", "--keep", "draws",
                 "-o", str(path)]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("National private households on 1 January (households)")
    saved = xr.load_dataset(path)
    total = saved.households.sum(["region", "household_type"])
    median = next(line for line in lines[start:] if line.startswith("0.5 "))
    assert median.split()[1:] == [f"{value:,.0f}" for value in total.median("draw").sel(
        time=[2012, 2020, 2030, 2040, 2050, 2060, 2061]).values]
    assert "persons_by_position" not in saved
    assert saved.attrs["household_method"] == "trend"


def test_control_characters_of_a_scenario_are_escaped(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text('name = "a\\u001b[31mred"\ndescription = "two\\nlines"\n'
                    'base = "belgium-2012"\nhorizon = 2014\n[variants."v\\u0007"]\n'
                    "fertility = { scale = 0.5 }\n")
    assert main(["run", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "scenario v\\x07" in out
    bad = tmp_path / "bad\x1b[2J.toml"
    bad.write_text('base = "belgium-2012"\nhorizon = 2014\n[fertility]\nscale = -1\n')
    assert main(["validate", str(bad)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "\x1b" not in err and err.count("\n") == 1 and "bad\\x1b[2J.toml" in err


# --- arguments -------------------------------------------------------------------------------------

def test_version(capsys):
    from projsim.result import engine_version

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"projsim {engine_version()}\n"


def test_help_has_examples_exit_codes_and_the_scenarios(capsys):
    from projsim.io import bundled_scenarios

    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "examples:\n  projsim run  " in text
    assert "exit codes:\n  0 success; 2 bad input" in text
    assert all(name in text for name in bundled_scenarios())
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "a scenario file (TOML) or a bundled scenario's name" in capsys.readouterr().out


def test_a_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["run", "--seed", "-1", "--draws", "64"])
    assert caught.value.code == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: projsim run: option --seed: got '-1'; expected a whole number, 0 or more. "
        "Fix: see 'projsim run --help'.\n")


@pytest.mark.parametrize(("module", "argv", "message"), [
    ("dask", ["run", "--draws", "64", "--workers", "2"],
     "--workers (a local dask cluster) needs dask.distributed, which is not installed. "
     "Fix: pip install 'projsim[distributed]'."),
    ("cryptography", ["run", "--draws", "64", "--workers", "2"],
     "--workers (a local dask cluster over TLS) needs cryptography, which is not installed. "
     "Fix: pip install 'projsim[distributed]'."),
    ("zarr", ["run", "-o", "out.zarr"],
     "writing a Zarr store (.zarr) needs zarr, which is not installed. "
     "Fix: pip install 'projsim[zarr]'."),
])
def test_a_missing_optional_dependency_exits_2(monkeypatch, tmp_path, capsys, module, argv,
                                                message):
    """As on a plain install: the message names the extra that installs it."""
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.chdir(tmp_path)
    assert main(argv) == EXIT_INPUT
    assert capsys.readouterr() == ("", f"error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_draws_that_would_not_fit_in_memory_are_refused_before_computing(monkeypatch, capsys):
    from projsim import cli

    monkeypatch.setattr(cli, "available_memory", lambda: 16 * 2**30)
    assert main(["run", "--draws", "100000", "--keep", "draws"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --draws: got 100,000 draws, whose populations (every cell of every "
        "draw and year) would take 49.6 GiB; expected at most 50% of the 16.0 GiB of memory "
        "available. Fix: drop --keep draws: the summaries take little memory whatever the "
        "draws; or run fewer draws; or, from Python, run project_draws on a dask cluster with "
        "more memory and write a Zarr store (-o draws.zarr).\n")
    assert main(["run", "--draws", "20000000", "--quantiles", "exact", "--yes"]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        "error: option --draws: got 20,000,000 draws, whose totals for exact quantiles would "
        "take 208.6 GiB; expected at most 50% of the 16.0 GiB of memory available. Fix: use "
        "--quantiles histogram, whose memory does not grow with the draws.\n")


def test_the_estimates_follow_the_documented_rules():
    from projsim import cli
    from projsim.io import load_scenario
    from projsim.stochastic import SECONDS_PER_CELL_YEAR, choose_engine

    scenario = load_scenario("fpb-2013")
    cells = 6 * 2 * 111                  # region x nationality, sex, age
    assert cli.estimate_bytes(scenario, 1000, "draws", "histogram") == 1000 * 50 * cells * 8
    for draws in (100, 1000):
        engine = choose_engine("auto", draws, scenario, noise=False)
        assert cli.estimate_seconds(scenario, draws, False, None) == pytest.approx(
            draws * 49 * cells * SECONDS_PER_CELL_YEAR[engine])
    assert cli.estimate_seconds(scenario, 1000, True, 4) == pytest.approx(
        1000 * 49 * cells * SECONDS_PER_CELL_YEAR["noise"] / 4)


def test_a_long_run_starts_with_yes(monkeypatch, capsys):
    """--yes lets a run estimated over an hour start (here it stops at once)."""
    from projsim import cli

    def started(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("projsim.stochastic.project_draws", started)
    assert main(["run", "--draws", "1000000000", "--yes"]) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err == (
        "error: interrupted; an output file that existed is unchanged\n")


def test_a_seed_too_large_for_netcdf3_is_written(tmp_path):
    path = tmp_path / "draws.nc"
    path.write_bytes(b"an older result")
    assert main(["run", "--draws", "64", "--seed", str(2**31), "-o", str(path)]) == EXIT_OK
    from projsim.io import read_netcdf

    assert read_netcdf(path).attrs["seed"] == 2**31


# --- interruptions and failing writes leave an existing output intact --------------------------

INTERRUPTED_RUN = """
import signal, sys, time
# as in a terminal: a job started in the background by a shell without job control
# inherits SIGINT ignored, and Python then raises no KeyboardInterrupt
signal.signal(signal.SIGINT, signal.default_int_handler)
from pathlib import Path
from projsim.io import results
import projsim.projection

def slow(dataset, path):
    Path(path).write_bytes(b"CDF\\x02 the first bytes")
    print("writing", flush=True)
    time.sleep(60)

def slow_project(scenario):
    print("computing", flush=True)
    time.sleep(60)

if sys.argv[2] == "writing":
    results._WRITERS["netcdf3"] = slow
else:
    projsim.projection.project = slow_project
from projsim.cli import main
sys.exit(main(["run", "belgium-2012", "-o", sys.argv[1]]))
"""


@pytest.mark.parametrize("stage", ["computing", "writing"])
@pytest.mark.parametrize(("name", "returncode", "stderr"), [
    ("SIGINT", 130, "error: interrupted; an output file that existed is unchanged\n"),
    ("SIGTERM", -15, ""),
])
def test_an_interrupted_run_leaves_the_old_output(tmp_path, stage, name, returncode, stderr):
    import signal
    import textwrap

    path = tmp_path / "out.nc"
    path.write_bytes(b"a good result, byte for byte")
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(INTERRUPTED_RUN), str(path),
                              stage], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while child.stdout.readline() not in (f"{stage}\n", ""):
            pass
        child.send_signal(getattr(signal, name))
        out, err = child.communicate(timeout=60)  # generous: a loaded machine exits slowly
    finally:
        child.kill()
        child.communicate()  # close the pipes, even after a timeout
    assert child.returncode == returncode
    assert err == stderr
    assert path.read_bytes() == b"a good result, byte for byte"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nc"]


def test_a_failing_write_leaves_the_old_output(tmp_path, monkeypatch, capsys):
    from projsim.io import results

    def full(dataset, path):
        Path(path).write_bytes(b"CDF\x02 half")
        raise OSError(28, "No space left on device")

    path = tmp_path / "out.nc"
    path.write_bytes(b"a good result")
    monkeypatch.setitem(results._WRITERS, "netcdf3", full)
    assert main(["run", "belgium-2012", "-o", str(path)]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        f"error: {path}: got an error while writing (No space left on device); expected a "
        "complete write. Fix: check the folder's free space and permissions, or write to "
        "another folder; any previous file of that name is unchanged.\n")
    assert path.read_bytes() == b"a good result" and list(tmp_path.iterdir()) == [path]


def test_a_failing_figure_leaves_the_old_image(tmp_path, monkeypatch, capsys, reference):
    from projsim import plots
    from projsim.io import write_netcdf

    write_netcdf(reference.isel(time=slice(0, 3)), tmp_path / "r.nc")
    image = tmp_path / "p.png"
    image.write_bytes(b"an older figure")

    def broken(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(plots, "render", lambda *a, **k: b"\x89PNG new")
    monkeypatch.setattr("projsim.io.results._fsync", broken)
    assert main(["plot", str(tmp_path / "r.nc"), "-o", str(image)]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        f"error: {image}: got an error while writing (Input/output error); expected a complete "
        "write. Fix: check the folder's free space and permissions, or write to another folder; "
        "any previous file of that name is unchanged.\n")
    assert image.read_bytes() == b"an older figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.png", "r.nc"]


# --- the README's uncertainty workflow -----------------------------------------------------------

def uncertainty_workflow(tmp_path, draws, capsys):
    """projsim run fpb-2013 --draws N -o draws.nc; plot --kind fan; report -o r.html."""
    from projsim.io import read_netcdf

    summaries = tmp_path / "draws.nc"
    assert main(["run", "fpb-2013", "--draws", str(draws), "-o", str(summaries)]) == EXIT_OK
    for kind in ("fan", "totals", "pyramid"):
        assert main(["plot", str(summaries), "--kind", kind,
                     "-o", str(tmp_path / f"{kind}.png")]) == EXIT_OK
        assert (tmp_path / f"{kind}.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["report", str(summaries), "-o", str(tmp_path / "r.html")]) == EXIT_OK
    page = (tmp_path / "r.html").read_text()
    median = float(read_netcdf(summaries).national_quantile.sel(
        quantile=0.5, age_group="all", time=2061))
    assert "<th>Total (Belgium)</th>" in page and f"{median:,.0f}</td></tr></tbody>" in page
    assert capsys.readouterr().err == ""


def test_the_uncertainty_workflow_of_the_readme(tmp_path, capsys):
    uncertainty_workflow(tmp_path, 256, capsys)


@pytest.mark.slow
def test_the_uncertainty_workflow_of_the_readme_with_its_10000_draws(tmp_path, capsys):
    uncertainty_workflow(tmp_path, 10000, capsys)


@pytest.mark.slow
def test_draws_kept_on_two_workers_are_written_whole(tmp_path, capsys):
    """The cluster stays open until the draws are written: the file holds them all,
    equal to a run on one process."""
    pytest.importorskip("distributed")
    from projsim.io import read_netcdf

    for name, workers in (("two.nc", ["--workers", "2"]), ("one.nc", [])):
        assert main(["run", "--draws", "128", "--keep", "draws", *workers,
                     "-o", str(tmp_path / name)]) == EXIT_OK
    two, one = read_netcdf(tmp_path / "two.nc"), read_netcdf(tmp_path / "one.nc")
    assert float(two.population.isel(time=-1).min()) > 0
    np.testing.assert_array_equal(two.population.values, one.population.values)


@pytest.mark.slow
def test_a_local_cluster_talks_over_tls():
    pytest.importorskip("distributed")
    from projsim.cli import local_cluster

    with local_cluster(1) as client:
        assert client.scheduler.address.startswith("tls://127.0.0.1:")


def test_summary_of_a_five_year_scenario(capsys):
    assert main(["run", "wpp2024-belgium-5x5"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "Population on 1 July (persons, Belgium)" in out
    assert "Components of change and rates per year of the 5-year step from each date" in out
    assert "share 65+ [%]" in out and "persons 65+ per 100 aged 15-64" in out
    header = next(line for line in out.splitlines() if line.strip().startswith("2020"))
    assert header.split() == [str(y) for y in range(2020, 2101, 10)]
