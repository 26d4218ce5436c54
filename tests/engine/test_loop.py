"""The time loop: validated once, a lean step loop, flows recorded for every step at once;
bit for bit the reference step taken year by year."""

import numpy as np
import pytest

from projsim.engine import Flows, Workspace, at_step, empty_flows, project, step
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS
from test_invariants import random_inputs


def assert_equals_reference(population, rates, timing, safeguard, steps=None):
    """project against step(record=True) called year by year with its own flows."""
    result = project(population, rates, timing=timing, safeguard=safeguard, steps=steps)
    steps = result.population.shape[0] - 1
    expected = empty_flows(population.shape, rates, leading=(steps,))
    state = population
    for t in range(steps):
        state, _ = step(state, at_step(rates, t), timing=timing, safeguard=safeguard,
                        flows=Flows(*(None if f is None else f[t] for f in expected)),
                        workspace=Workspace())
        np.testing.assert_array_equal(result.population[t + 1], state)
    for name, flow in expected._asdict().items():
        got = getattr(result.flows, name)
        assert (got is None) == (flow is None), name
        if flow is not None:
            np.testing.assert_array_equal(got, flow, err_msg=name)


@pytest.mark.parametrize("scenario", ["net_migration", "immigration_emigration", "internal",
                                      "all", "none"])
@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_project_equals_a_loop_that_records_each_step(timing, safeguard, scenario):
    """Bit for bit: the populations and every flow of project, against step(record=True)
    called year by year with its own flows."""
    population, rates = random_inputs(21, steps=6, outflow_scale=3.0, scenario=scenario)
    assert_equals_reference(population, rates, timing, safeguard)


def constant(array):
    """A rate held constant: a time axis of length 1, and batch 1."""
    return None if array is None else array[:1, :1].copy()


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_project_equals_the_reference_with_constant_and_shared_rates(timing, safeguard):
    """Rates with a time axis of 1 and a batch axis of 1, held for every step and
    shared by every batch entry, and survival ratios shared by every state."""
    population, rates = random_inputs(22, steps=5, outflow_scale=3.0)
    rates = rates._replace(**{name: constant(a) for name, a in rates._asdict().items()})
    rates = rates._replace(survival=rates.survival[:, :, :1].copy())
    assert_equals_reference(population, rates, timing, safeguard, steps=5)


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_project_equals_the_reference_with_a_net_total_and_births_elsewhere(timing, safeguard):
    """Immigrants that balance a net total (NaN for one batch entry: counts as given)
    and children born into another state than their mother's."""
    population, rates = random_inputs(23, steps=5, scenario="immigration_emigration",
                                      emigration_max=0.6)
    rng = np.random.default_rng(5)
    net_total = rng.uniform(-800.0, 400.0, (5, 2))
    net_total[2, 1] = np.nan
    shares = rng.uniform(0.0, 1.0, (5, 2, 3, 3))
    rates = rates._replace(net_total=net_total,
                           birth_destination=shares / shares.sum(axis=-1, keepdims=True))
    assert_equals_reference(population, rates, timing, safeguard)


def test_project_with_non_negative_migrants_cuts_nothing():
    """Without a negative migrant no outflow can exceed a cell: project skips the cuts
    under "reduce", and its adjustment is zero, as the reference's."""
    population, rates = random_inputs(24, steps=4, scenario="net_migration")
    rates = rates._replace(net_migration=np.abs(rates.net_migration))
    assert_equals_reference(population, rates, "even", "reduce")
    result = project(population, rates)
    assert not result.flows.migration_adjustment.any()
