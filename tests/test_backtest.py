"""The calibration back-test ``validation/backtest.py``: coverage, observed file, a short run."""

from __future__ import annotations

import doctest
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from projsim.io import load_base
from projsim.types import SEXES

REPO_ROOT = Path(__file__).resolve().parents[1]
REGIONS = ["Brussels-Capital Region", "Flemish Region", "Walloon Region"]
GROUPS = ["0-17", "18-66", "67+", "all"]


@pytest.fixture(scope="module")
def backtest():
    path = REPO_ROOT / "validation" / "backtest.py"
    spec = importlib.util.spec_from_file_location("backtest", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def observed(backtest):
    return backtest.read_observed()


def hand_made_quantiles():
    """Quantiles 0.1, 0.25, 0.75, 0.9 at 80, 90, 110, 120 for six cells of one year."""
    bounds = np.array([80.0, 90.0, 110.0, 120.0])
    values = np.broadcast_to(bounds[:, None, None, None], (4, 1, 1, 6)).copy()
    return xr.DataArray(values, dims=("quantile", "time", "region", "age_group"),
                        coords={"quantile": [0.1, 0.25, 0.75, 0.9], "time": [2013],
                                "region": ["Belgium"], "age_group": list("abcdef")})


def test_coverage_places_values_inside_and_outside_known_intervals(backtest):
    quantiles = hand_made_quantiles()
    # Reordered labels and an extra time in the quantiles must not matter.
    quantiles = xr.concat([quantiles, quantiles.assign_coords(time=[2014]) * 2], dim="time")
    observed = xr.DataArray([[[79.0, 85.0, 90.0, 100.0, 120.0, 121.0]]],
                            dims=("time", "region", "age_group"),
                            coords={"time": [2013], "region": ["Belgium"],
                                    "age_group": list("abcdef")})
    positions = backtest.coverage(observed.isel(age_group=slice(None, None, -1)), quantiles)
    positions = positions.sel(age_group=list("abcdef"))
    assert positions.dims == ("interval", "time", "region", "age_group")
    assert positions.interval.values.tolist() == ["50%", "80%"]
    assert positions.sel(interval="50%").values.ravel().tolist() == [-1, -1, 0, 0, 1, 1]
    assert positions.sel(interval="80%").values.ravel().tolist() == [-1, 0, 0, 0, 0, 1]
    shares = backtest.share_inside(positions, ["time", "region", "age_group"])
    assert shares.sel(interval="50%") == pytest.approx(2 / 6)
    assert shares.sel(interval="80%") == pytest.approx(4 / 6)
    assert backtest.coverage_codes(positions).ravel().tolist() == [
        "lo", "80", "50", "50", "80", "hi"]


def test_coverage_refuses_labels_or_bounds_the_quantiles_do_not_have(backtest):
    observed = xr.DataArray([[[100.0]]], dims=("time", "region", "age_group"),
                            coords={"time": [2030], "region": ["Belgium"], "age_group": ["a"]})
    with pytest.raises(ValueError) as raised:
        backtest.coverage(observed, hand_made_quantiles())
    assert str(raised.value) == (
        "observed time [2030] not in the draws' quantiles; project the draws over those labels "
        "or leave them out of the observed values")
    with pytest.raises(ValueError) as raised:
        backtest.coverage(observed.assign_coords(time=[2013]), hand_made_quantiles(),
                          {"90%": (0.05, 0.95)})
    assert str(raised.value) == (
        "quantiles [0.05, 0.95] of the intervals not among the draws' quantiles "
        "[0.1, 0.25, 0.75, 0.9]; choose intervals whose bounds the draws report")


def test_docstring_examples(backtest):
    result = doctest.testmod(backtest, verbose=False)
    assert result.attempted and not result.failed


def test_observed_file_equals_its_rebuild(backtest):
    assert backtest.OBSERVED.read_text(encoding="utf-8") == backtest.derive_observed()


def test_observed_file_layout(observed):
    assert observed.time.values.tolist() == list(range(2012, 2022))
    assert observed.region.values.tolist() == ["Belgium", *REGIONS]
    assert observed.age_group.values.tolist() == GROUPS


def test_observed_totals_add_up(observed):
    regions = observed.sel(region=REGIONS)
    np.testing.assert_array_equal(observed.sel(region="Belgium"), regions.sum("region"))
    np.testing.assert_array_equal(observed.sel(age_group="all"),
                                  observed.sel(age_group=GROUPS[:-1]).sum("age_group"))
    national = observed.sel(region="Belgium", age_group="all")
    assert int(national.sel(time=2012)) == 11_035_948
    assert int(national.sel(time=2021)) == 11_521_238


def test_observed_2012_is_the_embedded_base(backtest, observed):
    base = load_base("belgium-2012-regions")
    population = xr.DataArray(base.population[None], dims=("time", "region", "sex", "age"),
                              coords={"time": [base.year], "region": list(base.regions),
                                      "sex": list(SEXES), "age": base.ages})
    np.testing.assert_allclose(backtest.grouped(population).sel(time=2012),
                               observed.sel(time=2012), rtol=0, atol=1e-6)


def test_grouped_keeps_draws_first_and_sums_nationality(backtest):
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 100, (3, 2, 3, 2, 2, 5))
    population = xr.DataArray(
        values, dims=("draw", "time", "region", "nationality", "sex", "age"),
        coords={"draw": [0, 1, 2], "time": [2012, 2013], "region": REGIONS,
                "nationality": ["Belgian", "foreign"], "sex": list(SEXES),
                "age": [0, 17, 18, 66, 67]})
    groups = backtest.grouped(population)
    assert groups.dims == ("draw", "time", "region", "age_group")
    for draw in range(3):
        one = backtest.grouped(population.isel(draw=draw, drop=True).sum("nationality"))
        xr.testing.assert_allclose(groups.isel(draw=draw, drop=True), one)
    np.testing.assert_allclose(groups.sel(region="Belgium", age_group="all"),
                               values.sum(axis=(2, 3, 4, 5)))


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows + [rows[-1].replace(",M,", ",T,")],
     "raw.csv: sex codes ['T']; expected ['F', 'M'] only; copy the file without both-sexes rows"),
    (lambda rows: rows + [rows[-1]],
     "raw.csv: 2012, Walloon Region, M, age 100 appears twice; expected one row per cell"),
    (lambda rows: rows[:-1],
     "raw.csv: 1 cells of year x region x sex x age 0-100 have no row; expected every cell"),
])
def test_raw_file_errors_name_the_problem(backtest, tmp_path, change, message):
    lines = backtest.RAW_POPULATION.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], [r for r in lines[1:] if r.startswith("2012,")]
    path = tmp_path / "raw.csv"
    path.write_text("\n".join([header, *change(rows)]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        backtest.read_raw_population(path)
    assert str(raised.value) == message


def test_a_short_run_reports_every_quantity_and_year(backtest, capsys):
    assert backtest.main(["--draws", "64", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "64 draws (seed 3)" in out
    assert "by at most 0 persons" in out
    table = out.split("Where the observed population lies")[1].split("\n\n")[0].splitlines()
    assert table[1].split() == [str(y) for y in range(2013, 2022)]
    assert len(table) == 2 + 16
    assert all(set(row[36:].split()) <= {"50", "80", "lo", "hi"} for row in table[2:])
    assert "all quantities and years                 144" in out


def test_a_nationality_base_is_checked_by_region(backtest, capsys):
    """fpb-2013 (region x nationality): the draws summed over nationality, by region."""
    assert backtest.main(["--draws", "64", "--seed", "3", "--scenario", "fpb-2013"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Back-test of fpb-2013: 64 draws (seed 3)")
    assert "by at most 0 persons" in out
    table = out.split("Where the observed population lies")[1].split("\n\n")[0].splitlines()
    assert len(table) == 2 + 16
    assert "all quantities and years                 144" in out


def test_grouped_sums_nationality_and_keeps_draws(backtest):
    rng = np.random.default_rng(5)
    population = xr.DataArray(
        rng.uniform(0, 10, (3, 2, 2, 2, 2, 101)),
        dims=("draw", "time", "region", "nationality", "sex", "age"),
        coords={"time": [2012, 2013], "region": ["A", "B"], "nationality": ["x", "y"],
                "sex": list(SEXES), "age": np.arange(101)})
    grouped = backtest.grouped(population)
    assert grouped.dims == ("draw", "time", "region", "age_group")
    np.testing.assert_allclose(grouped.sel(region="A", age_group="all"),
                               population.sel(region="A").sum(["nationality", "sex", "age"]))
    np.testing.assert_allclose(grouped.sel(region="Belgium"),
                               grouped.drop_sel(region="Belgium").sum("region"))
