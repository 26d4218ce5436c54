"""The time loop: populations advanced alone, flows recorded afterwards in one call."""

import numpy as np
import pytest

from projsim.engine import Flows, Workspace, at_step, empty_flows, project, step
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS
from test_invariants import random_inputs


@pytest.mark.parametrize("scenario", ["net_migration", "immigration_emigration", "internal",
                                      "all"])
@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_project_equals_a_loop_that_records_each_step(timing, safeguard, scenario):
    """Bit for bit: the populations and every flow of project, against step(record=True)
    called year by year with its own flows."""
    population, rates = random_inputs(21, steps=6, outflow_scale=3.0, scenario=scenario)
    result = project(population, rates, timing=timing, safeguard=safeguard)
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
