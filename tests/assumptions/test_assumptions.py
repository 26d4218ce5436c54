"""From a scenario and its base to the kernel's rates: scales, paths and the open age."""

import numpy as np
import pytest

import projsim
from projsim.assumptions import build_inputs
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.pooling import pooled_oldest
from projsim.io import load_base, load_scenario
from projsim.model.base import with_open_age
from projsim.types import SEXES


def scenario_file(tmp_path, body=""):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "t"\nbase = "belgium-2012-regions"\nhorizon = 2031\n{body}')
    return path


def test_scale_paths_multiply_the_base_rates(tmp_path):
    path = scenario_file(tmp_path, "[fertility]\nscale = { 2012 = 1.0, 2022 = 1.5 }\n"
                                   "[international_migration]\nscale = 0\n")
    inputs = build_inputs(load_scenario(path))
    base = load_base("belgium-2012-regions")
    fertility = inputs.rates.fertility_rate[:, 0]
    np.testing.assert_allclose(fertility[0], base.fertility_rate)
    np.testing.assert_allclose(fertility[5], 1.25 * base.fertility_rate)
    np.testing.assert_allclose(fertility[-1], 1.5 * base.fertility_rate)
    assert not inputs.rates.net_migration.any()


def test_internal_migration_switched_off(tmp_path):
    path = scenario_file(tmp_path, "[internal_migration]\nscale = 0\n")
    ds = projsim.project(path)
    assert float(abs(ds.internal_out).sum()) == 0.0


def test_mortality_scale_lowers_deaths(tmp_path):
    lower = projsim.project(scenario_file(tmp_path, "[mortality]\nscale = 0.8\n"))
    reference = projsim.project(scenario_file(tmp_path))
    assert float(lower.deaths.sel(time=2012).sum()) < 0.85 * float(
        reference.deaths.sel(time=2012).sum())


@pytest.mark.parametrize("open_age", [100, 120, 130])
def test_open_age_keeps_persons_and_life_expectancy(open_age):
    base = load_base("belgium-2012-regions")
    moved = with_open_age(base, open_age)
    assert moved.population.shape[-1] == open_age + 1
    np.testing.assert_allclose(moved.population.sum(), base.population.sum(), rtol=1e-13)
    np.testing.assert_allclose(moved.net_migration.sum(), base.net_migration.sum(), rtol=1e-12)
    e0_base = life_expectancy_at_birth(base.mortality_rate, np.array(SEXES))
    e0_moved = life_expectancy_at_birth(moved.mortality_rate, np.array(SEXES))
    tolerance = 1e-10 if open_age < base.open_age else 0.005
    np.testing.assert_allclose(e0_moved, e0_base, atol=tolerance)
    keep = min(open_age, base.open_age)
    np.testing.assert_array_equal(moved.mortality_rate[..., :keep], base.mortality_rate[..., :keep])


@pytest.mark.parametrize("open_age", [100, 130])
def test_projection_barely_depends_on_the_open_age(tmp_path, open_age):
    reference = projsim.project(scenario_file(tmp_path)).population.sum(["sex", "age"])
    moved = projsim.project(scenario_file(tmp_path, f"open_age = {open_age}\n"))
    assert moved.age.values[-1] == open_age
    np.testing.assert_allclose(moved.population.sum(["sex", "age"]), reference, rtol=2e-4)


def national_tfr(inputs, t=0, batch=0):
    """National TFR with the base's female population as weights."""
    women = inputs.base.population[:, 0, :]
    rates = inputs.rates.fertility_rate[t, batch]
    return float(((rates * women).sum(0) / women.sum(0)).sum())


def test_national_tfr_path_is_met_exactly(tmp_path):
    path = scenario_file(tmp_path, "[fertility]\ntfr = { 2012 = 1.6, 2022 = 2.1 }\n")
    inputs = build_inputs(load_scenario(path))
    assert [round(national_tfr(inputs, t), 12) for t in (0, 5, 10, 18)] == [1.6, 1.85, 2.1, 2.1]
    base = inputs.base.fertility_rate
    ratio = inputs.rates.fertility_rate[5, 0] / np.where(base > 0, base, np.nan)
    assert np.nanmax(ratio) - np.nanmin(ratio) < 1e-12, "regional differences are kept"


def test_regional_tfr_paths(tmp_path):
    path = scenario_file(tmp_path, '[fertility]\ntfr = { "Brussels-Capital Region" = 2.0, '
                                   '"Flemish Region" = { 2012 = 1.7, 2030 = 1.9 }, '
                                   '"Walloon Region" = 1.8 }\n')
    rates = build_inputs(load_scenario(path)).rates.fertility_rate
    np.testing.assert_allclose(rates[0, 0].sum(-1), [2.0, 1.7, 1.8], rtol=1e-12)
    np.testing.assert_allclose(rates[-1, 0].sum(-1), [2.0, 1.7 + 0.2 * 18 / 18, 1.8], rtol=1e-12)


def test_net_total_is_spread_exactly(tmp_path):
    path = scenario_file(tmp_path, "[international_migration]\n"
                                   "net_total = { 2012 = 60000, 2015 = 60000, 2020 = 35000 }\n")
    net = build_inputs(load_scenario(path)).rates.net_migration[:, 0]
    totals = net.sum(axis=(1, 2, 3))
    np.testing.assert_allclose(totals[[0, 3, 6, 8, 18]], [60000, 60000, 45000, 35000, 35000],
                               rtol=1e-12)


def test_rogers_castro_profile_keeps_regional_shares(tmp_path):
    path = scenario_file(tmp_path, '[international_migration]\nnet_total = 30000\n'
                                   'profile = "rogers-castro"\n')
    inputs = build_inputs(load_scenario(path))
    net = inputs.rates.net_migration[0, 0]
    base = inputs.base.net_migration
    np.testing.assert_allclose(net.sum(-1) / 30000, base.sum(-1) / base.sum(), rtol=1e-12)
    assert int(np.argmax(net[0, 0, 15:])) + 15 == 23


def test_a_table_replaces_the_rates(tmp_path):
    base = load_base("belgium-2012-regions")
    rows = ["year,region,sex,age,internal_migration_rate"]
    rows += [f"2012,{r},{s},{a},0.01" for r in base.regions for s in SEXES for a in base.ages]
    (tmp_path / "internal.csv").write_text("\n".join(rows) + "\n")
    path = tmp_path / "s.toml"
    path.write_text('base = "belgium-2012-regions"\nhorizon = 2013\n[internal_migration]\n'
                    'table = "internal.csv"\n')
    inputs = build_inputs(load_scenario(path))
    assert np.all(inputs.rates.move_rate[:, :, 0] == 0.01)


def test_extends_overrides_only_what_it_states(tmp_path):
    parent = tmp_path / "parent.toml"
    parent.write_text('name = "parent"\nbase = "belgium-2012-regions"\nhorizon = 2031\n'
                      '[fertility]\ntfr = 1.6\nsex_ratio_at_birth = 1.06\n'
                      '[international_migration]\nnet_total = 40000\n')
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\n[fertility]\nscale = 1.0\n')
    scenario = load_scenario(child)
    assert scenario.name == "child" and scenario.horizon == 2031
    fertility = scenario.components["fertility"]
    assert fertility.method == "scale" and fertility.options == {"sex_ratio_at_birth": 1.06}
    assert scenario.components["international_migration"].method == "net_total"


def test_variants_run_as_a_scenario_dimension():
    ds = projsim.project("fpb-2013-variants")
    assert list(ds.scenario.values) == ["fpb-2013", "zero-migration", "low-migration",
                                        "high-migration", "constant-fertility",
                                        "constant-mortality"]
    assert ds.population.dims == ("time", "scenario", "region", "nationality", "sex", "age")
    net = ds.net_migration.sum(["region", "nationality", "sex", "age"]).sel(time=2020)
    np.testing.assert_allclose(net, [35000, 0, 17500, 52500, 35000, 35000], rtol=1e-9)
    closed = ds.sel(scenario="zero-migration")
    assert float(closed.immigration.sum()) == float(closed.emigration.sum()) == 0.0
    alone = projsim.project("fpb-2013").population
    np.testing.assert_allclose(ds.population.sel(scenario="fpb-2013"), alone, rtol=1e-12)


def test_immigration_and_emigration_rates(tmp_path):
    path = scenario_file(tmp_path, "[international_migration]\nimmigration = 150000\n"
                                   "emigration_rate = 0.008\n")
    ds = projsim.project(path)
    immigrants = ds.immigration.sum(["region", "sex", "age"]).isel(time=slice(None, -1))
    np.testing.assert_allclose(immigrants, 150000, rtol=1e-12)
    emigrants = ds.emigration.sel(time=2012).sum()
    start = ds.population.sel(time=2012).sum()
    np.testing.assert_allclose(emigrants, start * -np.expm1(-0.008), rtol=1e-12)
    net = ds.net_migration - ds.immigration + ds.emigration
    assert float(abs(net.isel(time=slice(None, -1)) - ds.migration_adjustment.isel(
        time=slice(None, -1))).max()) < 1e-6
    profile = load_base("belgium-2012-regions").immigrant_profile
    np.testing.assert_allclose(ds.immigration.sel(time=2012).sum(["sex", "age"]) / 150000,
                               profile.sum((1, 2)) / profile.sum(), rtol=1e-12)


def test_schedule_and_profile_tables(tmp_path):
    base = load_base("belgium-2012-regions")
    rows = ["region,age,fertility_rate"] + [
        f"{r},{a},{0.1 if 20 <= a < 40 else 0.0}" for r in base.regions for a in base.ages]
    (tmp_path / "schedule.csv").write_text("\n".join(rows) + "\n")
    rows = ["region,sex,age,net_migration"] + [
        f"{r},{s},{a},{1.0 if a == 30 else 0.0}" for r in base.regions for s in SEXES
        for a in base.ages]
    (tmp_path / "profile.csv").write_text("\n".join(rows) + "\n")
    path = scenario_file(tmp_path, '[fertility]\ntfr = 1.5\nschedule = "schedule.csv"\n'
                                   '[international_migration]\nnet_total = 6000\n'
                                   'profile = "profile.csv"\n')
    rates = build_inputs(load_scenario(path)).rates
    np.testing.assert_allclose(rates.fertility_rate[0, 0].sum(-1), 1.5, rtol=1e-12)
    assert rates.fertility_rate[0, 0, :, 19].max() == 0.0
    np.testing.assert_allclose(rates.net_migration[0, 0, :, :, 30], 1000.0, rtol=1e-12)


def test_a_child_switching_method_drops_the_parents_options(tmp_path):
    child = tmp_path / "child.toml"
    child.write_text('extends = "fpb-2013"\n[international_migration]\nscale = 0.5\n')
    component = load_scenario(child).components["international_migration"]
    assert component.method == "scale" and component.options == {}


def test_e0_targets_on_a_base_with_empty_oldest_ages(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('base = "belgium-1988"\nhorizon = 1995\n[mortality]\n'
                    'e0 = { female = 79.0, male = 72.5 }\n')
    ds = projsim.project(path)
    e0 = ds.projsim.life_expectancy(0).sel(time=1990)
    np.testing.assert_allclose(e0.squeeze(), [79.0, 72.5], atol=2e-3)


# --- a five-year grid -----------------------------------------------------------------


FIVE_YEARS = """grid = "5x5"
[fertility]
tfr = { 2012 = 1.7, 2031 = 1.89 }
[mortality]
e0 = { female = { 2012 = 83.0, 2031 = 85.85 }, male = { 2012 = 78.0, 2031 = 81.8 } }
[international_migration]
net_total = { 2012 = 40000, 2031 = 21000 }
"""


@pytest.fixture(scope="module")
def five_year_inputs(tmp_path_factory):
    path = tmp_path_factory.mktemp("grid") / "s.toml"
    path.write_text('name = "t"\nbase = "belgium-2012-regions"\nhorizon = 2032\n' + FIVE_YEARS)
    scenario = load_scenario(path)
    return scenario, build_inputs(scenario)


def test_five_year_steps_take_the_mean_of_their_years(five_year_inputs):
    """On the grid 5x5: steps 2012, 2017, 2022, 2027; the TFR of the base's women, 5 x
    the sum of the rates, is each step's mean target; e0 of the national abridged
    rates (Greville), each step's mean target; net migrants per step, 5 x the mean."""
    scenario, inputs = five_year_inputs
    base, steps = inputs.base, inputs.years[:-1]
    assert steps.tolist() == [2012, 2017, 2022, 2027] and base.age_width == 5
    years = steps[:, None] + np.arange(5)
    tfr = 1.7 + 0.01 * (years - 2012)
    women = base.population[:, 0]
    national = (inputs.rates.fertility_rate[:, 0] * women).sum(-2) / women.sum(-2)
    np.testing.assert_allclose(5 * national.sum(-1), tfr.mean(-1), rtol=1e-12)
    weights = pooled_oldest(base.mortality_weights(base.population))
    rates = (inputs.mortality_rate[:, 0] * weights).sum(1) / weights.sum(0)
    e0 = life_expectancy_at_birth(rates, np.array(SEXES), **base.life_table_rules)
    targets = np.stack([83 + 0.15 * (years - 2012), 78 + 0.2 * (years - 2012)], -1).mean(1)
    np.testing.assert_allclose(e0, targets, atol=1e-4)
    migrants = inputs.rates.net_migration[:, 0].sum(axis=(1, 2, 3))
    np.testing.assert_allclose(migrants, 5 * (40000 - 1000 * (years - 2012)).mean(-1), rtol=1e-12)
    assert inputs.rates.survival.shape == (4, 1, 3, 2, 23)


def test_the_wpp_scenario_takes_the_rates_of_every_period():
    scenario = load_scenario("wpp2024-belgium-5x5")
    inputs = build_inputs(scenario)
    periods = scenario.base_data.periods
    np.testing.assert_array_equal(inputs.rates.fertility_rate[:, 0],
                                  np.concatenate([periods.fertility_rate,
                                                  np.zeros((16, 1, 6))], axis=-1))
    np.testing.assert_array_equal(inputs.rates.sex_ratio_at_birth[:, 0, 0], periods.sex_ratio_at_birth)
    np.testing.assert_allclose(inputs.rates.net_migration[:, 0].sum(axis=(1, 2, 3)),
                               5 * periods.net_migration.sum(axis=(1, 2, 3)), rtol=1e-12)
    assert inputs.years.tolist() == list(range(2020, 2101, 5))


def test_a_single_year_projection_from_the_wpp_base(tmp_path):
    """The WPP base graduated to single years, open at 110 (Kannisto on the graduated
    rates of every period), with WPP's rates of each period held over its years: the
    population follows the bundled 5x5 projection within 0.05 % to 2050."""
    path = tmp_path / "s.toml"
    path.write_text('name = "t"\nbase = "wpp2024-belgium"\nhorizon = 2050\nopen_age = 110\n'
                    '[fertility]\ntable = "base"\n[mortality]\ntable = "base"\n'
                    '[international_migration]\ntable = "base"\n')
    single = projsim.project(path)
    assert single.age.values[-1] == 110 and "grid" not in single.attrs
    assert single.attrs["stock_date"] == "1 July"
    five = projsim.project("wpp2024-belgium-5x5").sel(time=slice(2020, 2050))
    totals = [ds.population.sum(["region", "sex", "age"]) for ds in (single, five)]
    np.testing.assert_allclose(totals[0].sel(time=five.time), totals[1], rtol=5e-4)
