"""The fused numba step against the numpy step: the same end population.

The fused batch step and the ensemble blocks share the compiled step of
:mod:`projsim.engine.compiled.step`; these tests hold it to the numpy step,
with two kinds of moves between states applied in turn.
"""

import numpy as np
import pytest

from projsim.engine import Rates, Workspace, step
from projsim.types import MIGRATION_TIMINGS

pytest.importorskip("numba")
from projsim.engine.compiled.fused import advance  # noqa: E402


def random_step(seed, batch=4, states=3, ages=12, *, internal, rate_batch=1, outflow=1.0):
    """Random one-step inputs; large negative migration forces cuts."""
    rng = np.random.default_rng(seed)
    population = rng.uniform(0, 1000, (batch, states, 2, ages))
    population[rng.uniform(size=population.shape) < 0.1] = 0.0
    fertility = rng.uniform(0, 0.2, (rate_batch, states, ages))
    fertility[..., [0, 1, -1]] = 0.0
    destination = rng.uniform(0, 1, (rate_batch, 2, states, states))
    destination[..., np.arange(states), np.arange(states)] = 0.0
    destination /= destination.sum(-1, keepdims=True)
    rates = Rates(
        survival=rng.uniform(0.8, 1.0, (rate_batch, states, 2, ages)),
        fertility_rate=fertility,
        sex_ratio_at_birth=rng.uniform(1.0, 1.1, (rate_batch, states)),
        net_migration=rng.normal(0, 300 * outflow, (rate_batch, states, 2, ages)),
        move_rate=rng.uniform(0, 0.2, (rate_batch, 2, states, 2, ages)) if internal else None,
        move_destination=destination if internal else None,
    )
    return population, rates


@pytest.mark.parametrize("internal", [False, True])
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", range(4))
def test_fused_step_equals_the_numpy_kernel(seed, timing, internal):
    population, rates = random_step(seed, internal=internal, rate_batch=1 + seed % 2 * 3)
    expected, flows = step(population, rates, timing=timing, record=True)
    assert (flows.migration_adjustment > 0).any(), "the case must exercise the cuts"
    got = advance(population, rates, timing=timing, workspace=Workspace())
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)
    assert (got >= 0).all()


def test_fused_step_over_several_steps_with_buffers():
    population, rates = random_step(7, batch=50, states=5, ages=30, internal=True, outflow=0.2)
    reference, state = population, population.copy()
    spare, workspace = np.empty_like(population), Workspace()
    for _ in range(20):
        reference = step(reference, rates, record=False)[0]
        advance(state, rates, out=spare, workspace=workspace)
        state, spare = spare, state
    np.testing.assert_allclose(state, reference, rtol=1e-11)


@pytest.mark.parametrize("given", ["immigration", "emigration_rate", "both"])
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_fused_step_with_gross_migration_and_a_birth_rule(timing, given):
    """Immigrants, emigration rates and children born into another state, as the numpy step."""
    population, rates = random_step(11, internal=True, rate_batch=4, outflow=0.5)
    rng = np.random.default_rng(5)
    birth_destination = rng.uniform(0, 1, (4, 3, 3))
    birth_destination /= birth_destination.sum(-1, keepdims=True)
    gross = {"immigration": rng.uniform(0, 50, (1, 3, 2, 12)),
             "emigration_rate": rng.uniform(0, 0.3, (4, 3, 2, 12))}
    chosen = gross if given == "both" else {given: gross[given]}
    if given == "both":          # the immigrants balance a net total
        chosen["net_total"] = np.array([100.0, -50.0, 0.0, 300.0])
    rates = rates._replace(birth_destination=birth_destination, **chosen)
    expected, _ = step(population, rates, timing=timing, record=False)
    got = advance(population, rates, timing=timing, workspace=Workspace())
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("states", [3, 7, 8, 9, 12, 43, 44])
@pytest.mark.parametrize("empty", [0.0, 0.5, 0.9])
def test_compiled_destination_product_adds_one_origin_at_a_time(states, empty):
    """The blocked destination product (from 8 states on) gives, to the last bit, the sums
    of the movers added to each destination one origin at a time in origin order, for
    dense and sparse shares, and matches the numpy product."""
    from projsim.engine.compiled.step import distribute

    rng = np.random.default_rng(states)
    destination = rng.uniform(0, 1, (states, states))
    destination[rng.uniform(size=destination.shape) < empty] = 0.0
    population = rng.uniform(0, 1000, (states, 2, 13))
    moved = population * rng.uniform(0, 0.2, population.shape)
    expected = population.copy()
    for origin in range(states):
        for target in range(states):
            if destination[origin, target] != 0.0:
                expected[target] += destination[origin, target] * moved[origin]
    got = population.copy()
    distribute(moved, destination, got)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(got, population + np.einsum("ij,isa->jsa", destination, moved),
                               rtol=1e-13)
