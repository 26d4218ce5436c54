"""The migration deviations: national, by region, by state, and the path they are added to."""

import dataclasses

import numpy as np
import pytest
from helpers import raises_exactly
from nationality_cases import FOREIGN_SHARE, split_by_nationality

import projsim
from projsim.stochastic import draw_paths, make_job, project_draws
from projsim.stochastic.paths import (
    autoregressive,
    standard_normals,
    turnover_spread,
    uncertainty,
)
from projsim.stochastic.runners import migrants_of
from projsim.types import NATIONALITY

SCENARIO = projsim.load_scenario("fpb-2013-regions")


def parameters_of(scenario, **changes):
    defaults = uncertainty(scenario.base_data.uncertainty_parameters, {"seed": 17})
    return dataclasses.replace(defaults, **changes)


def test_the_regions_own_deviations_leave_the_national_total_to_u():
    parameters = parameters_of(SCENARIO)
    job = make_job(SCENARIO, parameters)
    paths = draw_paths(SCENARIO, parameters, job.spread, job.steps, 0, 200)
    normal = standard_normals(parameters.seed, 0, 200, (len(job.steps), 5 + job.spread.regions))
    national = autoregressive(parameters.migration_sd * normal[..., 3],
                              parameters.migration_autocorrelation)
    np.testing.assert_allclose(paths.migration_deviation.sum(axis=-1), national, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(paths.net_migration - paths.migration_deviation,
                               np.broadcast_to(job.spread.path, paths.net_migration.shape))


def test_the_regions_own_deviations_have_the_centred_spread():
    parameters = parameters_of(SCENARIO, migration_sd=0.0, migration_autocorrelation=1.0)
    job = make_job(SCENARIO, parameters)
    paths = draw_paths(SCENARIO, parameters, job.spread, job.steps, 0, 4096)
    own = paths.migration_deviation[:, 9]                       # a random walk after 10 years
    regions = job.spread.regions
    expected = parameters.migration_regional_sd * np.sqrt(10 * (regions - 1) / regions)
    np.testing.assert_allclose(own.std(axis=0) / expected, 1, atol=0.05)
    np.testing.assert_allclose(np.corrcoef(own.T)[0, 1], -1 / (regions - 1), atol=0.05)


def test_the_path_migrants_are_the_deterministic_projections():
    from projsim.assumptions import build_inputs

    job = make_job(SCENARIO, parameters_of(SCENARIO))
    deterministic = build_inputs(SCENARIO).rates.net_migration[:, 0]          # (time, state, sex, age)
    np.testing.assert_allclose(job.path_migrants, deterministic, rtol=1e-12, atol=1e-9)


def test_deviations_are_spread_like_the_turnover():
    parameters = parameters_of(SCENARIO)
    job = make_job(SCENARIO, parameters)
    paths = draw_paths(SCENARIO, parameters, job.spread, job.steps, 0, 8)
    migrants = migrants_of(job, paths, 5)
    deviation = migrants - job.path_migrants[5]
    turnover = np.abs(job.path_migrants[0])
    shape = turnover / turnover.sum(axis=(-2, -1), keepdims=True)
    np.testing.assert_allclose(deviation, paths.migration_deviation[:, 5, :, None, None] * shape,
                               rtol=1e-9, atol=1e-9)


def test_a_region_with_a_small_net_total_gets_no_huge_deviations():
    base = SCENARIO.base_data
    net = base.net_migration.copy()
    brussels = list(base.regions).index("Brussels-Capital Region")
    # the region's immigrants and emigrants nearly cancel: its net total is 1 % of its turnover
    net[brussels] -= net[brussels].sum() * 0.99 * np.abs(net[brussels]) / np.abs(net[brussels]).sum()
    scenario = dataclasses.replace(SCENARIO, base_data=dataclasses.replace(base, net_migration=net))
    parameters = parameters_of(scenario)
    job = make_job(scenario, parameters)
    paths = draw_paths(scenario, parameters, job.spread, job.steps, 0, 64)
    deviation = migrants_of(job, paths, 10) - job.path_migrants[10]
    largest = np.abs(deviation[:, brussels]).max(axis=(-2, -1))
    assert (largest <= np.abs(paths.migration_deviation[:, 10, brussels]) + 1e-9).all()


def test_turnover_spread_shares_a_region_among_its_states():
    spread = turnover_spread(np.array([[10.0, -2.0, 6.0]]), np.array([10.0, 2.0, 6.0]),
                             np.array([0, 0, 1]))
    np.testing.assert_allclose(spread.region_share, [12 / 18, 6 / 18])
    np.testing.assert_allclose(spread.state_share, [10 / 12, 2 / 12, 1.0])


def test_turnover_spread_needs_migrants():
    with raises_exactly("the scenario's migration: got no migrants in any state; expected some "
                        "migrants, whose turnover spreads the deviations. Fix: state a migration "
                        "path, or run without draws."):
        turnover_spread(np.zeros((1, 2)), np.zeros(2), np.array([0, 1]))


def test_random_walks_run_on_both_engines():
    pytest.importorskip("numba")
    walk = dataclasses.replace(SCENARIO, uncertainty={"seed": 3, "international_migration": {
        "autocorrelation": 1.0}})
    numpy_run = project_draws(walk, 128, engine="numpy")
    fused = project_draws(walk, 128, engine="fused")
    np.testing.assert_allclose(fused.population_mean, numpy_run.population_mean, rtol=1e-9)


@pytest.mark.parametrize("engine", ["numpy", "fused"])
def test_draws_by_nationality_add_up_to_the_draws_by_region(engine):
    """The base split into nationalities at the same rates projects the same draws, split."""
    if engine == "fused":
        pytest.importorskip("numba")
    split = split_by_nationality("fpb-2013-regions")
    by_state = project_draws(split, 96, engine=engine, chunk=64)
    by_region = project_draws(SCENARIO, 96, engine=engine, chunk=64)
    summed = by_state.population_mean.sum(NATIONALITY)
    np.testing.assert_allclose(summed, by_region.population_mean, rtol=1e-9)
    foreign = by_state.population_mean.sel({NATIONALITY: "foreign"})
    np.testing.assert_allclose(foreign, FOREIGN_SHARE * by_region.population_mean, rtol=1e-9)
    np.testing.assert_allclose(by_state.population_quantile.sel(age_group="all").sum(NATIONALITY)
                               .isel(time=0), by_region.population_quantile.sel(age_group="all")
                               .isel(time=0))


def test_draws_by_nationality_do_not_depend_on_chunking():
    split = split_by_nationality("fpb-2013-regions")
    small = project_draws(split, 2 * 64 + 5, chunk=64, engine="numpy", keep="draws")
    large = project_draws(split, 2 * 64 + 5, chunk=256, engine="numpy", keep="draws")
    np.testing.assert_array_equal(small.population, large.population)


GROSS = """name = "gross"
base = "belgium-2012-regions"
horizon = 2031
[fertility]
tfr = 1.8
[mortality]
e0 = {{ female = {{ 2011 = 82.77, 2030 = 86.0 }}, male = {{ 2011 = 77.58, 2030 = 82.0 }} }}
[international_migration]
{migration}
emigration_rate = 0.008
"""


@pytest.mark.parametrize("migration", ["immigration = 150000",
                                       "net_total = 40000\nimmigration_profile = \"census-2011\""])
def test_gross_flows_follow_their_path_on_both_engines(tmp_path, migration):
    pytest.importorskip("numba")
    from projsim.assumptions import build_inputs

    path = tmp_path / "gross.toml"
    path.write_text(GROSS.format(migration=migration), encoding="utf-8")
    scenario = projsim.load_scenario(path)
    job = make_job(scenario, parameters_of(scenario))
    if migration.startswith("immigration"):
        np.testing.assert_allclose(job.path_migrants, build_inputs(scenario).rates.immigration[:, 0],
                                   rtol=1e-12)
    np.testing.assert_allclose(job.within.sum(axis=(-2, -1)), 1.0)
    numpy_run = project_draws(scenario, 128, engine="numpy")
    fused = project_draws(scenario, 128, engine="fused")
    np.testing.assert_allclose(fused.population_mean, numpy_run.population_mean, rtol=1e-9)
    still = project_draws(dataclasses.replace(scenario, uncertainty={"international_migration": {
        "sd": 0.0, "regional_sd": 0.0}, "fertility": {"sd": 0.0, "level_sd": 0.0},
        "mortality": {"sd": 0.0}}), 64, engine="numpy")
    deterministic = projsim.project(scenario).population.sum(["region", "sex", "age"])
    np.testing.assert_allclose(still.national_quantile.sel(quantile=0.5, age_group="all"),
                               deterministic, rtol=2e-3)


# --- on the region x nationality base -----------------------------------------------

NATIONALITIES = projsim.load_scenario("fpb-2013")


def by_region(spread):
    """The same deviations on the regions alone: each region's turnover share, one state each."""
    regions = np.arange(spread.regions)
    return turnover_spread(np.zeros((1, spread.regions)), spread.region_share, regions)


def test_the_regions_of_a_nationality_base_share_their_deviation_among_nationalities():
    job = make_job(NATIONALITIES, parameters_of(NATIONALITIES))
    spread = job.spread
    assert spread.regions == 3 and len(spread.region) == job.states.size == 6
    np.testing.assert_array_equal(spread.region, job.states.codes("region"))
    np.testing.assert_allclose(np.bincount(spread.region, weights=spread.state_share), 1.0)
    # the regions' shares of the national deviation are close to those of the three-region model
    regions = make_job(SCENARIO, parameters_of(SCENARIO)).spread
    np.testing.assert_allclose(spread.region_share, regions.region_share, atol=0.03)


def test_the_deviations_by_nationality_add_up_to_the_regional_model():
    """Summed over nationalities, the deviations are those of a model of the three regions
    with the same shares: the national deviation u split by region, plus the regions' own
    deviations centred over the three regions (not over the six states); within a region the
    nationalities take fixed shares of its deviation."""
    parameters = parameters_of(NATIONALITIES)
    job = make_job(NATIONALITIES, parameters)
    paths = draw_paths(NATIONALITIES, parameters, job.spread, job.steps, 0, 300)
    regional = draw_paths(NATIONALITIES, parameters, by_region(job.spread), job.steps, 0, 300)
    deviation = paths.migration_deviation
    summed = np.stack([deviation[..., job.spread.region == r].sum(-1) for r in range(3)], -1)
    np.testing.assert_allclose(summed, regional.migration_deviation, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(deviation, summed[..., job.spread.region] * job.spread.state_share,
                               rtol=1e-9, atol=1e-6)


def test_the_own_deviations_on_a_nationality_base_are_centred_over_the_regions():
    parameters = parameters_of(NATIONALITIES, migration_sd=0.0, migration_autocorrelation=1.0)
    job = make_job(NATIONALITIES, parameters)
    paths = draw_paths(NATIONALITIES, parameters, job.spread, job.steps, 0, 4096)
    own = np.stack([paths.migration_deviation[:, 9, job.spread.region == r].sum(-1)
                    for r in range(3)], -1)
    expected = parameters.migration_regional_sd * np.sqrt(10 * 2 / 3)
    np.testing.assert_allclose(own.std(axis=0) / expected, 1, atol=0.05)
    np.testing.assert_allclose(own.sum(-1), 0, atol=1e-6)


def test_a_nationality_base_spreads_deviations_like_its_immigrants():
    """A net total balanced by immigrants: the path's migrants are the net total spread like
    the deterministic projection's immigrants (the emigrants come back as immigrants in
    each draw), and each state's deviation goes where its immigrants go."""
    from projsim.assumptions import build_inputs

    parameters = parameters_of(NATIONALITIES)
    job = make_job(NATIONALITIES, parameters)
    assert job.balance is not None and job.emigration_rate is not None
    net = NATIONALITIES.components["international_migration"].path.at(job.steps)
    np.testing.assert_allclose(job.path_migrants.sum(axis=(1, 2, 3)), net, rtol=1e-12)
    immigrants = build_inputs(NATIONALITIES).rates.immigration[:, 0]
    np.testing.assert_allclose(job.path_migrants / net[:, None, None, None],
                               immigrants / immigrants.sum(axis=(1, 2, 3), keepdims=True),
                               rtol=1e-9, atol=1e-15)
    turnover = np.abs(job.path_migrants[0]).sum(axis=(-2, -1))
    np.testing.assert_allclose(job.spread.state_share,
                               turnover / np.bincount(job.spread.region, weights=turnover)[
                                   job.spread.region], rtol=1e-12)
    np.testing.assert_allclose(job.within.sum(axis=(-2, -1)), 1.0)


def test_random_walks_by_nationality_run_on_both_engines():
    pytest.importorskip("numba")
    walk = dataclasses.replace(NATIONALITIES, uncertainty={"seed": 3, "international_migration": {
        "autocorrelation": 1.0}})
    numpy_run = project_draws(walk, 96, engine="numpy")
    fused = project_draws(walk, 96, engine="fused")
    np.testing.assert_allclose(fused.population_mean, numpy_run.population_mean, rtol=1e-9)


def test_the_regions_are_as_uncertain_by_nationality_as_alone(tmp_path):
    """The regional totals of the nationality model have the intervals of the three-region
    model, whose calibration the rolling back-test measures (80 % widths in 2016 and 2021)."""
    widths = []
    for name in ("fpb-2013", "fpb-2013-regions"):
        path = tmp_path / f"{name}.toml"
        path.write_text(f'extends = "{name}"\nhorizon = 2021\n', encoding="utf-8")
        population = project_draws(projsim.load_scenario(path), 256, seed=2, keep="draws",
                                   engine="numpy").population
        totals = population.sum([d for d in population.dims if d not in ("time", "draw", "region")])
        q = totals.sel(time=[2016, 2021]).quantile([0.1, 0.5, 0.9], "draw")
        widths.append((q.sel(quantile=0.9) - q.sel(quantile=0.1)) / q.sel(quantile=0.5))
    np.testing.assert_allclose(widths[0], widths[1], rtol=0.12)
