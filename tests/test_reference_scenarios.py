"""The bundled scenarios state what they say: structure, not published figures.

The comparison with the FPB's published figures is in validation/fidelity.py;
these tests check that the reference scenario's TFR, e0 and net migration
paths are met exactly as stated, that its result balances, and that every
bundled scenario runs.
"""

import numpy as np
import pytest

import projsim
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.pooling import pooled_oldest
from projsim.io import bundled_scenarios, load_scenario
from projsim.projection import run
from projsim.types import SEXES


@pytest.fixture(scope="module")
def reference():
    scenario = load_scenario("fpb-2013")
    inputs, projection = run(scenario)
    return scenario, inputs, projection


def test_tfr_is_met_on_the_projected_population(reference):
    """The national TFR, the states' rates weighted by each year's mean projected
    women, meets the path (solved on the first pass's population, so to the
    second pass's small change of it)."""
    scenario, inputs, projection = reference
    stocks = projection.population[:, 0]
    women = 0.5 * (stocks[:-1] + stocks[1:])[..., 0, :]                      # (T, S, A)
    rates = inputs.rates.fertility_rate[:, 0]
    national = ((rates * women).sum(1) / np.where(women.sum(1) > 0, women.sum(1), 1)).sum(-1)
    np.testing.assert_allclose(national, 1.83, rtol=2e-4)


def test_e0_path_is_met_on_the_projected_population(reference):
    scenario, inputs, projection = reference
    steps = inputs.years[:-1]
    path = scenario.components["mortality"].path
    target = np.stack([path[s].at(steps) for s in SEXES], axis=-1)
    stocks = projection.population[:, 0]
    exposure = pooled_oldest(0.5 * (stocks[:-1] + stocks[1:]))
    rates = inputs.mortality_rate[:, 0]
    national = (rates * exposure).sum(1) / exposure.sum(1)
    e0 = life_expectancy_at_birth(national, np.array(SEXES))
    assert np.abs(e0 - target).max() < 1e-3
    np.testing.assert_allclose(target[steps == 2060][0], [89.1, 86.7])


def test_net_migration_totals_are_exactly_as_stated(reference):
    scenario, inputs, projection = reference
    steps = inputs.years[:-1]
    stated = scenario.components["international_migration"].path.at(steps)
    np.testing.assert_array_equal(stated[[0, 3, 8, 18, 48]], [60000, 60000, 35000, 25000, 20000])
    applied = projection.flows.net_migration[:, 0].sum(axis=(1, 2, 3))
    adjusted = projection.flows.migration_adjustment[:, 0].sum(axis=(1, 2, 3))
    np.testing.assert_allclose(applied - adjusted, stated, rtol=1e-12)
    assert (adjusted >= 0).all() and adjusted.max() < 5.0, "cuts only in near-empty cells"


def test_reference_result_balances():
    ds = projsim.project("fpb-2013")
    start = ds.population.isel(time=slice(None, -1))
    end = ds.population.isel(time=slice(1, None)).assign_coords(time=start.time)
    flows = ds.isel(time=slice(None, -1))
    aged = start.shift(age=1, fill_value=0.0)
    aged[dict(age=-1)] += start.isel(age=-1)
    aged[dict(age=0)] = flows.births
    expected = (aged - flows.deaths + flows.immigration - flows.emigration + flows.internal_in
                - flows.internal_out + flows.naturalisation_in - flows.naturalisation_out)
    np.testing.assert_allclose(end, expected, rtol=1e-12, atol=1e-6)
    moved = (flows.naturalisation_in - flows.naturalisation_out).sum(["nationality", "sex", "age"])
    np.testing.assert_allclose(moved, 0.0, atol=1e-6)


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_runs(name):
    ds = projsim.project(name)
    assert float(ds.population.min()) >= 0
    assert ds.attrs["scenario"] == load_scenario(name).name


def test_the_1988_hypothesis():
    ds = projsim.project("nis-1988-zero-migration")
    assert list(ds.region.values) == ["Belgium"]
    assert int(ds.time[0]) == 1988 and int(ds.time[-1]) == 2061
    assert round(float(ds.population.sel(time=1988).sum())) == 9905383
    assert float(abs(ds.net_migration).sum()) == 0.0
