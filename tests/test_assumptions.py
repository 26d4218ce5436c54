"""From a scenario and its base to the kernel's rates: scales, paths and the open age."""

import numpy as np
import pytest

import projsim
from projsim.assumptions import build_inputs, with_open_age
from projsim.base import load_base
from projsim.lifetable import life_expectancy_at_birth
from projsim.scenario import load_scenario
from projsim.types import SEXES


def scenario_file(tmp_path, body=""):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "t"\nbase = "belgium-2012"\nhorizon = 2031\n{body}')
    return path


def test_scale_paths_multiply_the_base_rates(tmp_path):
    path = scenario_file(tmp_path, "[fertility]\nscale = { 2012 = 1.0, 2022 = 1.5 }\n"
                                   "[international_migration]\nscale = 0\n")
    inputs = build_inputs(load_scenario(path))
    base = load_base("belgium-2012")
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
    base = load_base("belgium-2012")
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
