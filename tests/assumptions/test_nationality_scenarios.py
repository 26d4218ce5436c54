"""The scenario language on the base by region and nationality: naturalisation,
immigrants by nationality, emigration rates and net totals balanced by immigrants,
from the scenario file to the kernel's rates and to the result."""

import numpy as np
import pytest

import projsim
from projsim.assumptions import build_inputs
from projsim.io import load_base, load_scenario
from projsim.types import FOREIGN, NATIONALITY

STATES = ("region", "nationality")


@pytest.fixture(scope="module")
def base():
    return load_base("belgium-2012")


def scenario_file(tmp_path, body="", horizon=2016):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "t"\nbase = "belgium-2012"\nhorizon = {horizon}\n{body}',
                    encoding="utf-8")
    return path


def inputs_of(tmp_path, body, horizon=2016):
    return build_inputs(load_scenario(scenario_file(tmp_path, body, horizon))).rates


def test_without_sections_the_base_rates_are_held(tmp_path, base):
    rates = inputs_of(tmp_path, "")
    np.testing.assert_array_equal(rates.immigration[:, 0], np.broadcast_to(
        base.immigration, rates.immigration[:, 0].shape))
    np.testing.assert_array_equal(rates.emigration_rate[:, 0], np.broadcast_to(
        base.emigration_rate, rates.emigration_rate[:, 0].shape))
    internal, naturalisation = rates.move_rate[:, 0, 0], rates.move_rate[:, 0, 1]
    np.testing.assert_array_equal(internal[-1], base.internal_migration_rate)
    np.testing.assert_array_equal(naturalisation[-1], base.naturalisation_rate)
    assert rates.net_total is None


def test_naturalisation_scale_multiplies_the_base_rates(tmp_path, base):
    rates = inputs_of(tmp_path, "[naturalisation]\nscale = { 2012 = 1.0, 2014 = 0.5 }\n")
    naturalisation = rates.move_rate[:, 0, 1]
    np.testing.assert_allclose(naturalisation[0], base.naturalisation_rate, rtol=1e-15)
    np.testing.assert_allclose(naturalisation[1], 0.75 * base.naturalisation_rate, rtol=1e-15)
    np.testing.assert_allclose(naturalisation[3], 0.5 * base.naturalisation_rate, rtol=1e-15)
    destination = rates.move_destination[0, 0, 1]
    states = base.states
    foreign = np.array(states.labels)[:, 1] == FOREIGN
    assert destination[foreign].sum(1).tolist() == [1.0] * 3
    for origin in np.flatnonzero(foreign):
        to = int(np.flatnonzero(destination[origin])[0])
        assert states.labels[to] == (states.labels[origin][0], "Belgian")


def test_naturalisation_switched_off_keeps_everyone_foreign(tmp_path):
    result = projsim.project(scenario_file(tmp_path, "[naturalisation]\nscale = 0\n"))
    assert float(result.naturalisation_in.sum()) == 0.0
    (tmp_path / "reference").mkdir()
    reference = projsim.project(scenario_file(tmp_path / "reference", ""))
    assert float(reference.naturalisation_in.sum()) > 1e5
    foreign = result.population.sel(nationality=FOREIGN, time=2016).sum()
    assert float(foreign) > float(reference.population.sel(nationality=FOREIGN, time=2016).sum())


def test_naturalisation_conserves_every_region(tmp_path):
    result = projsim.project(scenario_file(tmp_path, ""))
    moved = (result.naturalisation_in - result.naturalisation_out).sum(["nationality", "sex",
                                                                        "age"])
    np.testing.assert_allclose(moved, 0.0, atol=1e-6)
    assert float(result.naturalisation_out.sel(nationality="Belgian").sum()) == 0.0


def test_immigration_paths_by_nationality(tmp_path, base):
    body = ('[international_migration]\n'
            'immigration = { Belgian = 15000, foreign = { 2012 = 110000, 2015 = 140000 } }\n')
    rates = inputs_of(tmp_path, body)
    immigrants = rates.immigration[:, 0]                          # (time, state, sex, age)
    nationality = base.states.codes(NATIONALITY)
    by_nationality = np.stack([immigrants[:, nationality == n].sum((1, 2, 3))
                               for n in range(2)], axis=-1)
    np.testing.assert_allclose(by_nationality[:, 0], 15000, rtol=1e-12)
    np.testing.assert_allclose(by_nationality[:, 1], [110000, 120000, 130000, 140000],
                               rtol=1e-12)
    foreign = nationality == 1
    shares = immigrants[0, foreign] / immigrants[0, foreign].sum()
    np.testing.assert_allclose(shares, base.immigration[foreign] / base.immigration[foreign].sum(),
                               rtol=1e-12)
    np.testing.assert_array_equal(rates.emigration_rate[0, 0], base.emigration_rate)


def test_emigration_scale_multiplies_the_rates(tmp_path, base):
    body = ('[international_migration]\nimmigration = 120000\nemigration_rate = "base"\n'
            'emigration_scale = { 2012 = 1.0, 2015 = 1.3 }\n')
    rates = inputs_of(tmp_path, body)
    np.testing.assert_allclose(rates.emigration_rate[2, 0], 1.2 * base.emigration_rate,
                               rtol=1e-14)


def test_a_net_total_is_met_by_immigrants_against_emigration(tmp_path):
    body = ('[international_migration]\nnet_total = { 2012 = 40000, 2015 = 10000 }\n'
            'emigration_rate = "base"\n')
    result = projsim.project(scenario_file(tmp_path, body))
    flows = result.isel(time=slice(None, -1)).sum([*STATES, "sex", "age"])
    np.testing.assert_allclose(flows.immigration - flows.emigration, [40000, 30000, 20000, 10000],
                               rtol=1e-9)
    np.testing.assert_allclose(flows.net_migration, flows.immigration - flows.emigration,
                               rtol=1e-12)
    # the emigrants are the base's rates on each year's own population
    assert float(flows.emigration[-1]) > float(flows.emigration[0])


def test_scale_on_gross_flows_scales_immigrants_and_emigration(tmp_path, base):
    rates = inputs_of(tmp_path, "[international_migration]\nscale = 0.5\n")
    np.testing.assert_allclose(rates.immigration[0, 0], 0.5 * base.immigration, rtol=1e-15)
    np.testing.assert_allclose(rates.emigration_rate[0, 0], 0.5 * base.emigration_rate,
                               rtol=1e-15)


def test_children_of_foreign_mothers_are_partly_belgian(tmp_path, base):
    result = projsim.project(scenario_file(tmp_path, "", horizon=2013))
    births = result.births.sel(time=2012).sum("sex")
    mothers = result.births_by_age_of_mother.sel(time=2012).sum("age")
    for region in result.region.values:
        index = base.states.labels.index
        share = float(base.birth_destination[index((region, FOREIGN)),
                                             index((region, "Belgian"))])
        expected_foreign = (1 - share) * float(mothers.sel(region=region, nationality=FOREIGN))
        assert float(births.sel(region=region, nationality=FOREIGN)) == pytest.approx(
            expected_foreign, rel=1e-12)
