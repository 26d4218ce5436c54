"""Households from any result: identities, the census back-cast, the FPB series, ensembles, errors.

The household model is the embedded one (``households_belgium``). The census
population of 1 January 2011, the observed population of 2011-2016 and the
FPB's household series are read from ``data-raw/belgium/households`` (inside
the repository), the raw copies the model was built from.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from helpers import raises_exactly

from projsim.analysis.households import (
    average_household_size, households, households_from_positions, one_person_share,
    persons_by_position, position_shares, trended_shares,
)
from projsim.io.households import read_household_model
from projsim.types import (
    HOUSEHOLD_POSITIONS, HOUSEHOLD_TYPES, NATIONALITY, REGION, SEXES, VARIABLES,
)

RAW = Path(__file__).resolve().parents[2] / "data-raw" / "belgium" / "households"
REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
SEX = {"F": "female", "M": "male"}
CENSUS_HOUSEHOLDS = 4_727_831
CENSUS_LIVING_ALONE = 1_607_741


@pytest.fixture(scope="module")
def model():
    return read_household_model()


def rows(name):
    with (RAW / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def result(population: np.ndarray, years, regions=REGIONS) -> xr.Dataset:
    """A result holding only ``population`` (time, region, sex, age), ages 0..open."""
    ages = np.arange(population.shape[-1])
    return xr.Dataset(
        {"population": (("time", REGION, "sex", "age"), population)},
        coords={"time": list(years), REGION: list(regions), "sex": list(SEXES),
                "age": ("age", ages, {"open_age": int(ages[-1])})},
        attrs={"state_dims": REGION})


@pytest.fixture(scope="module")
def census():
    """The census population of 1 January 2011 by region, sex and age 0..100+ (HC55)."""
    population = np.zeros((1, len(REGIONS), len(SEXES), 101))
    for row in rows("census2011_HC55_population_arrondissement_sex_age1.csv"):
        age = 0 if row["age"] == "Y_LT1" else 100 if row["age"] == "Y_GE100" else int(row["age"][1:])
        region = REGIONS[int(row["arrondissement_nuts3"][2]) - 1]
        population[0, REGIONS.index(region), SEXES.index(SEX[row["sex"]]), age] += float(row["persons"])
    return result(population, [2011])


@pytest.fixture(scope="module")
def observed():
    """The observed population on 1 January 2011-2016 by region, sex and age 0..110+."""
    years = list(range(2011, 2017))
    population = np.zeros((len(years), len(REGIONS), len(SEXES), 111))
    for row in rows("statbel_population_jan1_region_sex_1x1_2001_2016_via_fpb.csv"):
        if int(row["year"]) in years:
            population[years.index(int(row["year"])), REGIONS.index(row["region"]),
                       SEXES.index(SEX[row["sex"]]), int(row["age"])] = float(row["population"])
    return result(population, years)


def fpb_households() -> dict[tuple[int, str], float]:
    totals = defaultdict(float)
    for row in rows("larray_fpb_households_by_type_region_1991_2016.csv"):
        totals[int(row["year"]), row["region"]] += float(row["households"])
    return totals


# --- identities -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["constant", "trend"])
def test_persons_by_position_add_up_to_the_population_in_every_cell(regions, model, method):
    persons = persons_by_position(regions, model, method=method)
    assert persons.dims == ("time", REGION, "position", "sex", "age")
    assert persons.attrs == {"long_name": "persons by position in the household", "units": "persons"}
    np.testing.assert_allclose(persons.sum("position").transpose(*regions.population.dims),
                               regions.population, rtol=1e-12)
    assert float(persons.min()) >= 0


@pytest.mark.parametrize("method", ["constant", "trend"])
def test_households_by_type_follow_from_the_positions(regions, model, method):
    """One reference person per household: the households of each type are the persons
    of the position that heads them (half the partners), and couples with children hold
    the children of couples at the census's number per couple."""
    persons = persons_by_position(regions, model, method=method).sum(("sex", "age"))
    counts = households(regions, model, method=method)
    assert counts.dims == ("time", REGION, "household_type")
    assert tuple(counts["household_type"].values) == HOUSEHOLD_TYPES
    assert counts.attrs["units"] == "households"
    fitted = model.sel(region=list(REGIONS))
    kind = counts.sel

    def close(actual, expected, rtol):
        np.testing.assert_allclose(actual, expected.transpose(*actual.dims), rtol=rtol)

    close(kind(household_type="one_person"), persons.sel(position="living_alone"), rtol=1e-10)
    close(kind(household_type="lone_parent"), persons.sel(position="lone_parent"), rtol=1e-10)
    close(kind(household_type=["couple_without_children", "couple_with_children"]).sum("household_type"),
          persons.sel(position="partner") / 2, rtol=1e-10)
    close(kind(household_type="couple_with_children") * fitted["children_per_couple"],
          persons.sel(position="child_of_couple"), rtol=1e-10)
    close(kind(household_type="other"), fitted["other_headship"] * persons.sel(position="other"),
          rtol=1e-10)
    private = persons.drop_sel(position="institution").sum("position")
    size = average_household_size(regions, model, method=method)
    close(size, private / counts.sum("household_type"), rtol=1e-10)
    share = one_person_share(regions, model, method=method, aggregate=REGION)
    close(share, 100 * kind(household_type="one_person").sum(REGION)
          / counts.sum(("household_type", REGION)), rtol=1e-10)


def test_couples_with_children_never_outnumber_couples():
    # alone, partner, lone parent, child of couple, child of lone parent, other, institution
    persons = np.array([[0.0, 10, 0, 50, 0, 0, 0]])
    counts = households_from_positions(persons, np.array([2.0]), np.array([0.1]))
    assert counts[0, HOUSEHOLD_TYPES.index("couple_with_children")] == 5
    assert counts[0, HOUSEHOLD_TYPES.index("couple_without_children")] == 0


def test_a_result_by_nationality_gives_the_households_of_its_regions(by_nationality, regions, model):
    split = households(by_nationality, model, method="trend")
    np.testing.assert_allclose(split, households(regions, model, method="trend"), rtol=1e-10)
    persons = persons_by_position(by_nationality, model)
    assert NATIONALITY not in persons.dims
    np.testing.assert_allclose(persons.sum("position"), by_nationality.population.sum(NATIONALITY),
                               rtol=1e-10)


def test_a_result_by_region_and_nationality_pools_its_nationalities(reference, model):
    """The reference (region x nationality) counts the households of its regions:
    the same as its population pooled over nationality."""
    pooled = result(reference.population.sum(NATIONALITY).transpose("time", REGION, "sex", "age")
                    .values, reference["time"].values)
    np.testing.assert_allclose(households(reference, model, method="trend"),
                               households(pooled, model, method="trend"), rtol=1e-10)


def test_variants_keep_their_dimension(variants, model):
    counts = households(variants, model)
    assert counts.dims == ("time", "scenario", REGION, "household_type")
    for name in variants["scenario"].values[:2]:
        one = households(variants.sel(scenario=name), model)
        np.testing.assert_allclose(counts.sel(scenario=name), one, rtol=1e-12)


def test_a_national_result_uses_the_national_shares(regions, model):
    national = result(regions.population.sum(REGION).values[:, None], regions["time"].values,
                      ["Belgium"])
    counts = households(national, model).sum("household_type").sel(region="Belgium")
    by_region = households(regions, model).sum(("household_type", REGION))
    np.testing.assert_allclose(counts, by_region, rtol=0.01)


def test_a_lower_open_age_pools_the_model_ages_with_census_weights(census, model):
    pooled = census.population.values.copy()[..., :86]
    pooled[..., 85] = census.population.values[..., 85:].sum(-1)
    lower = result(pooled, [2011])
    np.testing.assert_allclose(households(lower, model), households(census, model), rtol=1e-10)
    persons = persons_by_position(lower, model)
    np.testing.assert_allclose(persons.sum("position"), lower.population, rtol=1e-12)


# --- the census and the FPB series --------------------------------------------------


def test_the_census_back_cast_gives_the_census_households(census, model):
    counts = households(census, model).sel(time=2011)
    total, alone = float(counts.sum()), float(counts.sel(household_type="one_person").sum())
    assert abs(total / CENSUS_HOUSEHOLDS - 1) < 0.005
    assert abs(alone / CENSUS_LIVING_ALONE - 1) < 0.005
    published = {"Brussels-Capital Region": 544_529, "Flemish Region": 2_658_751,
                 "Walloon Region": 1_524_551}
    for region, value in published.items():
        assert abs(float(counts.sel(region=region).sum()) / value - 1) < 0.01
    share = one_person_share(census, model, aggregate=REGION).sel(time=2011)
    assert float(share) == pytest.approx(100 * CENSUS_LIVING_ALONE / CENSUS_HOUSEHOLDS, abs=0.05)


def test_the_trend_follows_the_fpb_series_2012_2016_within_2_percent(observed, model):
    counts = households(observed, model, method="trend").sum("household_type")
    fpb = fpb_households()
    for year in range(2012, 2017):
        for region in REGIONS:
            gap = float(counts.sel(time=year, region=region)) / fpb[year, region] - 1
            assert abs(gap) < 0.02, (year, region, gap)


def test_constant_shares_follow_the_fpb_series_outside_brussels(observed, model):
    """The census shares held: within 2 % in Flanders and Wallonia; Brussels' households
    grew more slowly than its population, which the trend (fitted on 2006-2016) follows."""
    counts = households(observed, model).sum("household_type")
    fpb = fpb_households()
    gaps = {(year, region): float(counts.sel(time=year, region=region)) / fpb[year, region] - 1
            for year in range(2012, 2017) for region in REGIONS}
    assert max(abs(g) for (_, region), g in gaps.items() if region != REGIONS[0]) < 0.01
    assert gaps[2016, REGIONS[0]] > 0.03


# --- the trend and the scale ----------------------------------------------------------


def test_trended_shares_move_the_odds_by_the_slope():
    shares = np.array([[[[0.2, 0.3, 0.5]]]])
    slope = np.array([[0.1, -0.2, 0.0]])
    moved = trended_shares(shares, slope, np.array([0.0, 3.0]))
    np.testing.assert_allclose(moved[0], shares)
    np.testing.assert_allclose(moved.sum(-1), 1.0)
    odds = moved[1, 0, 0, 0] / moved[1, 0, 0, 0, 2]
    np.testing.assert_allclose(odds, shares[0, 0, 0] / 0.5 * np.exp(3 * slope[0]))


def test_the_trend_starts_at_the_census_and_holds_after_its_last_year(model):
    years = [2006, 2011, 2016, 2030, 2060]
    trend = position_shares(model, years, method="trend")
    constant = position_shares(model, years)
    def at(shares, year):
        return shares.sel(time=year, drop=True)

    xr.testing.assert_allclose(at(trend, 2011), at(constant, 2011))
    xr.testing.assert_allclose(at(trend, 2030), at(trend, 2016))
    xr.testing.assert_allclose(at(trend, 2060), at(trend, 2016))
    assert not np.allclose(at(trend, 2016), at(constant, 2016))
    xr.testing.assert_allclose(at(constant, 2060), at(constant, 2011))


def test_a_scale_multiplies_the_odds_of_the_positions_it_names(regions, model):
    scale = xr.DataArray([2.0], dims="position", coords={"position": ["living_alone"]})
    years = regions["time"].values
    scaled = position_shares(model, years, scale=scale).sel(region=REGIONS[1], sex="female", age=80)
    plain = position_shares(model, years).sel(region=REGIONS[1], sex="female", age=80)
    odds = scaled / scaled.sel(position="partner")
    expected = plain / plain.sel(position="partner")
    np.testing.assert_allclose(odds.sel(position="living_alone"), 2 * expected.sel(position="living_alone"))
    np.testing.assert_allclose(odds.sel(position="institution"), expected.sel(position="institution"))
    by_year = xr.DataArray(np.where(years >= 2030, 1.5, 1.0)[:, None], dims=("time", "position"),
                           coords={"time": years, "position": ["living_alone"]})
    more = one_person_share(regions, model, scale=by_year, aggregate=REGION)
    base = one_person_share(regions, model, aggregate=REGION)
    assert float(more.sel(time=2029)) == pytest.approx(float(base.sel(time=2029)), rel=1e-12)
    assert float(more.sel(time=2040)) > float(base.sel(time=2040)) + 3


# --- ensembles ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def draws():
    from projsim.io import load_scenario
    from projsim.stochastic import project_draws

    return project_draws(load_scenario("fpb-2013-regions"), 64, keep="draws", seed=3, engine="numpy")


def test_households_of_the_mean_are_the_mean_households_of_the_draws(draws, model):
    """Linear in the population, but for the split of couples by children where a draw of
    very high fertility has more children of couples than its couples hold (all of its
    couples then have children): the sum of the two couple types stays linear."""
    each = households(draws, model)
    assert each.dims == ("time", "draw", REGION, "household_type")
    mean = households(draws, model, stock="population_mean")
    assert mean.attrs["long_name"].startswith("mean over draws of ")
    couples = ["couple_without_children", "couple_with_children"]
    others = [kind for kind in HOUSEHOLD_TYPES if kind not in couples]
    averaged = each.mean("draw")
    np.testing.assert_allclose(mean.sel(household_type=others),
                               averaged.sel(household_type=others), rtol=1e-10)
    np.testing.assert_allclose(mean.sel(household_type=couples).sum("household_type"),
                               averaged.sel(household_type=couples).sum("household_type"),
                               rtol=1e-10)
    early = {"time": slice(2012, 2040)}
    np.testing.assert_allclose(mean.sel(early), averaged.sel(early), rtol=1e-10)
    capped = each.sel(household_type="couple_without_children") == 0
    assert bool(capped.any()) and not bool(capped.sel(early).any())
    size = average_household_size(draws, model, stock="population_mean", aggregate=REGION)
    private = persons_by_position(draws, model).drop_sel(position="institution").sum(
        ("position", "sex", "age", REGION))
    np.testing.assert_allclose(
        size, private.mean("draw") / each.sum(("household_type", REGION)).mean("draw"), rtol=1e-10)
    interval = each.sum(("household_type", REGION)).quantile([0.1, 0.9], dim="draw")
    assert np.all(interval.sel(quantile=0.1) <= interval.sel(quantile=0.9))
    assert float(interval.sel(quantile=0.9, time=2060) - interval.sel(quantile=0.1, time=2060)) > 0


def test_draws_held_by_dask_give_the_same_households(draws, model):
    pytest.importorskip("dask")
    lazy = draws[["population"]].chunk({"draw": 16})
    lazy.attrs = draws.attrs
    counts = households(lazy, model)
    np.testing.assert_allclose(counts.compute(), households(draws, model), rtol=1e-12)


# --- a scenario's [households] section --------------------------------------------------


@pytest.fixture(scope="module")
def scenario_with_households():
    import projsim

    return projsim.load_scenario("fpb-2013-households")


@pytest.fixture(scope="module")
def with_section(scenario_with_households):
    import projsim

    return projsim.project(scenario_with_households)


def test_the_section_adds_households_and_persons_to_the_result(with_section, reference, model):
    """The projection is the reference's; its households are those of the analysis layer."""
    added = {"households", "persons_by_position"}
    assert set(with_section.data_vars) == set(reference.data_vars) | added
    for name in reference.data_vars:
        xr.testing.assert_identical(with_section[name], reference[name])
    expected = households(reference, model, method="trend")
    xr.testing.assert_equal(with_section.households, expected)
    assert with_section.households.attrs == expected.attrs
    assert with_section.time.attrs == reference.time.attrs
    xr.testing.assert_allclose(with_section.persons_by_position,
                               persons_by_position(reference, model, method="trend"), rtol=1e-12)
    for name in added:
        assert with_section[name].attrs["units"] == VARIABLES[name].units
    assert with_section.attrs["households"] == "method trend, model households_belgium, no scale"
    assert with_section.attrs["household_method"] == "trend"
    assert with_section.attrs["household_credit"] == (
        "Statbel, census 2011; trend: FPB household series 1991-2016, via larray (GPL-3.0)")
    assert len(with_section.attrs["sha256_household_model"]) == 64


def test_a_result_without_the_section_holds_no_households(reference):
    assert not {"households", "persons_by_position"} & set(reference.data_vars)
    assert not {"position", "household_type"} & set(reference.dims)
    assert not any(key.startswith("household") for key in reference.attrs)


@pytest.mark.parametrize("aggregate", [(), REGION])
def test_without_a_model_the_functions_read_the_stored_households(with_section, reference, model,
                                                                  aggregate):
    for function in (average_household_size, one_person_share):
        xr.testing.assert_allclose(function(with_section, aggregate=aggregate),
                                   function(reference, model, method="trend",
                                            aggregate=aggregate), rtol=1e-12)
    xr.testing.assert_identical(households(with_section), with_section.households)
    xr.testing.assert_identical(with_section.projsim.persons_by_position(),
                                with_section.persons_by_position)
    xr.testing.assert_identical(with_section.projsim.one_person_share(aggregate=aggregate),
                                one_person_share(with_section, aggregate=aggregate))


def test_the_section_scales_the_odds_as_the_argument_does(tmp_path, reference, model):
    import projsim

    path = tmp_path / "s.toml"
    path.write_text('extends = "fpb-2013"\nname = "s"\n[households]\n'
                    'scale = { living_alone = { 2012 = 1.0, 2040 = 1.3 }, institution = '
                    '{ "Brussels-Capital Region" = 0.8, "Flemish Region" = 1, "Walloon Region" = 1 } }\n')
    scaled = projsim.project(path)
    years = reference.time.values
    multipliers = np.ones((years.size, len(REGIONS), len(HOUSEHOLD_POSITIONS)))
    multipliers[:, :, 0] = np.interp(years, [2012, 2040], [1.0, 1.3])[:, None]
    multipliers[:, 0, -1] = 0.8
    scale = xr.DataArray(multipliers, dims=("time", REGION, "position"),
                         coords={"time": years, REGION: list(REGIONS),
                                 "position": list(HOUSEHOLD_POSITIONS)})
    np.testing.assert_allclose(scaled.households, households(reference, model, scale=scale),
                               rtol=1e-12)
    alone = scaled.households.sel(household_type="one_person", time=2040).sum()
    assert float(alone) > float(households(reference, model).sel(
        household_type="one_person", time=2040).sum())


def test_the_draws_of_a_scenario_keep_their_households(draws, scenario_with_households, model):
    from projsim.analysis.households import with_households

    section = scenario_with_households.households
    kept = with_households(draws, section)
    assert "persons_by_position" not in kept
    xr.testing.assert_equal(kept.households, households(draws, model, method="trend"))
    assert one_person_share(kept).dims == ("time", "draw", REGION)
    summary = with_households(draws.drop_vars("population"), section)
    assert summary.attrs["household_stock"] == "population_mean"
    xr.testing.assert_equal(summary.households, households(
        draws, model, method="trend", stock="population_mean"))
    xr.testing.assert_allclose(
        average_household_size(summary, aggregate=REGION),
        average_household_size(draws, model, method="trend", stock="population_mean",
                               aggregate=REGION), rtol=1e-12)
    assert average_household_size(summary).attrs["long_name"].startswith("mean over draws of ")
    with raises_exactly("argument 'model': got None with a result of draws that keeps the "
                        "households of each draw, not their persons by position; expected a "
                        "household model, or a result that stores its households (a scenario "
                        "with a [households] section). Fix: pass projsim.io.households."
                        "read_household_model(), or add a [households] section to the scenario."):
        average_household_size(kept)


def test_a_result_without_households_needs_a_model(regions):
    with raises_exactly("argument 'model': got None with a result without 'households'; expected "
                        "a household model, or a result that stores its households (a scenario "
                        "with a [households] section). Fix: pass projsim.io.households."
                        "read_household_model(), or add a [households] section to the scenario."):
        households(regions)


@pytest.mark.parametrize(("options", "message"), [
    ({"method": "constant"},
     "argument 'method': got 'constant' without a model; expected no method with the households "
     "the result stores (counted by its scenario's [households] section). Fix: pass a household "
     "model too, to count them with this method."),
    ({"stock": "population_mean"},
     "argument 'stock': got 'population_mean' without a model; expected no stock with the "
     "households the result stores (counted by its scenario's [households] section). Fix: pass a "
     "household model too, to count them with this stock."),
])
def test_stored_households_take_no_choice_of_counting(with_section, options, message):
    with raises_exactly(message):
        one_person_share(with_section, **options)


# --- errors -------------------------------------------------------------------------


SOURCE = "the Dataset returned by projsim.io.households.read_household_model()"


def test_a_model_that_is_not_a_dataset_is_refused(regions):
    with raises_exactly("argument 'model': got an object of type dict; expected an xarray.Dataset "
                        f"holding a household model. Fix: pass {SOURCE}."):
        households(regions, {})


def test_a_model_without_a_variable_is_refused(regions, model):
    with raises_exactly("household model, variable 'trend': got no such variable; expected the "
                        "dimensions ('region', 'position'), in any order. Fix: pass "
                        f"{SOURCE}."):
        households(regions, model.drop_vars("trend"))


def test_a_model_with_other_positions_is_refused(regions, model):
    renamed = model.assign_coords(position=["alone", *HOUSEHOLD_POSITIONS[1:]])
    with raises_exactly("household model, coordinate 'position': got ['alone', 'partner', "
                        "'lone_parent', 'child_of_couple', 'child_of_lone_parent', 'other', "
                        "'institution']; expected the labels ['living_alone', 'partner', "
                        "'lone_parent', 'child_of_couple', 'child_of_lone_parent', 'other', "
                        "'institution']. Fix: label the model with projsim's vocabulary "
                        "(projsim.types)."):
        households(regions, renamed)


def test_a_model_with_negative_persons_is_refused(regions, model):
    broken = model.copy(deep=True)
    broken["persons"].loc[{"region": "Walloon Region", "sex": "male", "age": 30,
                           "position": "other"}] = -1.0
    with raises_exactly("household model, variable 'persons': got -1.0 at {'region': 'Walloon "
                        "Region', 'sex': 'male', 'age': 30, 'position': 'other'}; expected "
                        f"numbers of persons >= 0. Fix: pass {SOURCE}, or correct the value."):
        households(regions, broken)


def test_a_model_with_fewer_than_one_child_per_couple_is_refused(regions, model):
    broken = model.copy(deep=True)
    broken["children_per_couple"].loc[{"region": "Flemish Region"}] = 0.5
    with raises_exactly("household model, variable 'children_per_couple': got 0.5 at {'region': "
                        "'Flemish Region'}; expected at least 1 child per couple with children. "
                        f"Fix: pass {SOURCE}, or correct the value."):
        households(regions, broken)


def test_a_model_whose_trend_years_are_out_of_order_is_refused(regions, model):
    broken = model.copy()
    broken.attrs = {**model.attrs, "trend_until": 2001}
    with raises_exactly("household model, attributes trend_first, trend_origin, trend_until: got "
                        "[2006, 2011, 2001]; expected whole years with trend_first <= trend_origin "
                        "<= trend_until. Fix: date the trend: the years of its fit and its origin."):
        households(regions, broken)


def test_a_region_the_model_lacks_is_refused(model):
    other = result(np.ones((1, 1, 2, 101)), [2020], ["Hainaut"])
    with raises_exactly("coordinate 'region': got 'Hainaut'; expected a region of the household "
                        "model, among ['Brussels-Capital Region', 'Flemish Region', 'Walloon "
                        "Region', 'Belgium']. Fix: project a base whose regions the model covers, "
                        "or pass a model estimated for these regions."):
        households(other, model)


def test_an_unknown_method_is_refused(regions, model):
    with raises_exactly("argument 'method': got 'linear'; expected 'constant' or 'trend'. Fix: "
                        "choose how the shares move over time."):
        households(regions, model, method="linear")


def test_an_unknown_stock_is_refused(regions, model):
    with raises_exactly("argument 'stock': got 'population_sd'; expected 'population' or "
                        "'population_mean'. Fix: choose the variable the households are computed "
                        "from."):
        households(regions, model, stock="population_sd")


def test_a_summary_without_draws_needs_the_mean(draws, model):
    summary = draws.drop_vars("population")
    with raises_exactly("argument 'ds': got a Dataset without the variable 'population'; expected a "
                        "projsim result with 'population' for households. Fix: pass the Dataset "
                        "returned by projsim.project, or one read back from its netCDF file."):
        households(summary, model)
    assert households(summary, model, stock="population_mean").dims[:2] == ("time", REGION)


def test_pooling_sex_is_refused(regions, model):
    with raises_exactly("argument 'aggregate': got 'sex'; expected dimensions to aggregate among "
                        "'region' for the average household size. Fix: aggregate='region' gives "
                        "national figures; every other dimension (time, scenario, draw) is kept."):
        average_household_size(regions, model, aggregate="sex")


@pytest.mark.parametrize(("scale", "message"), [
    (xr.DataArray([2.0], dims="sex", coords={"sex": ["female"]}),
     "argument 'scale': got dimensions ('sex',); expected an xarray.DataArray with the dimension "
     "'position' and optionally 'time' and 'region'. Fix: give one multiplier of the odds per "
     "position (and year, and region)."),
    (xr.DataArray([0.0], dims="position", coords={"position": ["partner"]}),
     "argument 'scale': got 0.0; expected positive multipliers of positions among ['living_alone', "
     "'partner', 'lone_parent', 'child_of_couple', 'child_of_lone_parent', 'other', "
     "'institution']. Fix: scale the odds of known positions by positive numbers."),
    (xr.DataArray([1.1], dims="position", coords={"position": ["single"]}),
     "argument 'scale': got the positions ['single']; expected positive multipliers of positions "
     "among ['living_alone', 'partner', 'lone_parent', 'child_of_couple', 'child_of_lone_parent', "
     "'other', 'institution']. Fix: scale the odds of known positions by positive numbers."),
    (xr.DataArray([[1.1]], dims=("time", "position"),
                  coords={"time": [2012], "position": ["living_alone"]}),
     "argument 'scale', coordinate 'time': got no value for 2013; expected a value for every time "
     "of the result. Fix: give the multipliers of every time, or leave 'time' out."),
])
def test_a_malformed_scale_is_refused(regions, model, scale, message):
    with raises_exactly(message):
        households(regions, model, scale=scale)
