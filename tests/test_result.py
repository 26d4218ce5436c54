"""The labelled result of projsim.project: coordinates, units, provenance, netCDF."""

import numpy as np
import pytest
import xarray as xr

import projsim
from projsim.io import read_netcdf, write_netcdf


@pytest.fixture(scope="module")
def result():
    return projsim.project("belgium-2012")


@pytest.fixture(scope="module")
def regions():
    return projsim.project("fpb-2013-regions")


def test_dimensions_and_coordinates(result):
    assert result.population.dims == ("time", "region", "nationality", "sex", "age")
    assert result.births.dims == ("time", "region", "nationality", "sex")
    for flow in ("immigration", "emigration", "naturalisation_in", "naturalisation_out"):
        assert result[flow].dims == result.population.dims, flow
    assert list(result.sex.values) == ["female", "male"]
    assert list(result.region.values) == [
        "Brussels-Capital Region", "Flemish Region", "Walloon Region"]
    assert list(result.nationality.values) == ["Belgian", "foreign"]
    assert result.attrs["state_dims"] == "region nationality"
    assert result.time.values[[0, -1]].tolist() == [2012, 2061]
    assert result.age.attrs["open_age"] == int(result.age[-1])


def test_units_and_lexis_labels(result):
    for name, variable in result.data_vars.items():
        assert variable.attrs["units"], name
        assert variable.attrs["long_name"], name
    assert result.deaths.attrs["units"] == "persons per year"
    assert result.mortality_rate.attrs["units"] == "deaths per person-year"
    assert "Lexis parallelogram" in result.deaths.attrs["age_meaning"]


def test_base_population_totals(result):
    base = result.population.sel(time=2012).sum(["sex", "age"])
    assert base.sum("nationality").values.tolist() == [1138854.0, 6350765.0, 3546329.0]
    assert base.sel(nationality="foreign").values.tolist() == [371041.0, 453399.0, 344624.0]
    assert float(base.sum()) == 11_035_948


def test_flows_missing_only_at_horizon(result):
    assert result.deaths.sel(time=2061).isnull().all()
    assert result.deaths.sel(time=slice(2012, 2060)).notnull().all()


@pytest.mark.parametrize("name", ["result", "regions"])
def test_accounting_identity_on_the_dataset(name, request):
    """P[t+1, a] = P[t, a-1] - deaths + net migration + internal in - out + naturalised
    in - out (+ the floor), in every cell; the net migration of gross flows is the
    immigrants less the emigrants."""
    result = request.getfixturevalue(name)
    start = result.population.isel(time=slice(None, -1))
    end = result.population.isel(time=slice(1, None)).assign_coords(time=start.time)
    flows = result.isel(time=slice(None, -1))
    change = (-flows.deaths + flows.net_migration + flows.internal_in - flows.internal_out
              + flows.population_floor)
    if "naturalisation_in" in flows:
        change += flows.naturalisation_in - flows.naturalisation_out
        np.testing.assert_allclose(flows.net_migration, flows.immigration - flows.emigration,
                                   rtol=1e-12, atol=1e-9)
    aged = start.shift(age=1, fill_value=0.0)
    aged[dict(age=-1)] += start.isel(age=-1)
    aged[dict(age=0)] = flows.births
    np.testing.assert_allclose(end, aged + change, rtol=1e-12, atol=1e-6)


def test_internal_migration_conserves_the_total(result):
    moved = (result.internal_in - result.internal_out).sum("region").isel(time=slice(None, -1))
    assert float(abs(result.internal_out.sel(nationality="foreign")).sum()) > 0
    np.testing.assert_allclose(moved, 0.0, atol=1e-7)
    assert float(result.internal_out.sel(time=2012).sum()) > 1e4


def test_provenance(result):
    attrs = result.attrs
    assert attrs["scenario"] == "belgium-2012"
    assert attrs["base"] == "belgium-2012"
    assert (attrs["migration_timing"], attrs["safeguard"]) == ("even", "reduce")
    assert attrs["seed"] == "none (deterministic projection)"
    for key in ("projsim_version", "sha256_scenario_file", "sha256_population",
                "sha256_survival", "sha256_fertility_rate", "sha256_net_migration",
                "sha256_base_population.csv"):
        assert key in attrs, key
    assert len(attrs["sha256_survival"]) == 64


def test_projection_is_deterministic(result):
    again = projsim.project("belgium-2012")
    xr.testing.assert_identical(result, again)


def test_netcdf_round_trip(result, tmp_path):
    path = tmp_path / "result.nc"
    write_netcdf(result, path)
    xr.testing.assert_identical(read_netcdf(path), result)


def test_assumed_rates_are_stored(result):
    assert result.mortality_rate.dims == ("time", "region", "nationality", "sex", "age")
    assert result.fertility_rate.dims == ("time", "region", "nationality", "age")
    np.testing.assert_allclose(result.fertility_rate.sel(time=2012).sum("age"),
                               [[1.573, 2.278], [1.711, 2.478], [1.754, 2.541]], atol=1e-3)
    assert result.mortality_rate.sel(time=2061).isnull().all()
    assert (result.sex_ratio_at_birth.sel(time=2030, region="Flemish Region") > 1).all()


def test_no_negative_population(result):
    assert float(result.population.min()) >= 0.0


# --- a five-year grid ---------------------------------------------------------------


@pytest.fixture(scope="module")
def five():
    return projsim.project("wpp2024-belgium-5x5")


def test_a_five_year_result_labels_its_grid(five):
    """Dates every five years on 1 July, ages by the first age of each group with the
    width in attrs, death rates by abridged group, and the grid and date recorded."""
    assert five.time.values.tolist() == list(range(2020, 2101, 5))
    assert five.time.attrs["long_name"] == "year (stocks on 1 July)"
    assert five.age.values.tolist() == list(range(0, 131, 5))
    assert five.age.attrs["age_width"] == 5
    assert five.age.attrs["note"] == ("the first age of each 5-year group: 125 is 125-129; "
                                      "130 is the open group 130+")
    assert five.mortality_rate.dims == ("time", "region", "sex", "mortality_age")
    assert five.mortality_age.values.tolist() == [0, 1, *range(5, 101, 5)]
    assert (five.attrs["grid"], five.attrs["stock_date"]) == ("5x5", "1 July")
    assert five.population.attrs["long_name"] == "population on 1 July"
    assert five.deaths.attrs["units"] == "persons per year"
    assert five.deaths.attrs["period"] == ("from 1 July of time to 1 July of time + 5; counts "
                                           "are means per year over the step")
    assert "Greville" in five.attrs["conventions"]


def test_accounting_identity_of_five_year_steps(five):
    """P[t+5, a] = P[t, a-5] + 5 (net migrants + moves in - out - deaths)[t, a] + floor:
    the flows are the annual means of each step."""
    start = five.population.isel(time=slice(None, -1))
    end = five.population.isel(time=slice(1, None)).assign_coords(time=start.time)
    flows = five.isel(time=slice(None, -1))
    change = 5 * (-flows.deaths + flows.net_migration + flows.internal_in - flows.internal_out) \
        + flows.population_floor
    aged = start.shift(age=1, fill_value=0.0)
    aged[dict(age=-1)] += start.isel(age=-1)
    aged[dict(age=0)] = 5 * flows.births
    np.testing.assert_allclose(end, aged + change, rtol=1e-12, atol=1e-6)


def test_single_year_results_keep_their_layout(result):
    """No grid, date or width attributes on a result by single year on 1 January."""
    assert "grid" not in result.attrs and "stock_date" not in result.attrs
    assert "age_width" not in result.age.attrs and "mortality_age" not in result.dims


def test_a_five_year_result_round_trips_through_netcdf(five, tmp_path):
    path = tmp_path / "five.nc"
    write_netcdf(five, path)
    xr.testing.assert_identical(read_netcdf(path), five)
