"""Demographic noise: the drawn flows have the stated distributions and balance.

The distributions are checked on many draws of one step of a small
population of whole persons, where the theory is exact: deaths binomial
(variance N q (1 - q), not the Poisson N q), births Poisson (variance equal
to the mean), net migrants Poisson around |M|, internal moves binomial by
origin and destination. A sample variance of n draws has a relative standard
error of about sqrt(2 / n), 2.2 percent for n = 4,000; the tolerances are
five of them, and the seeds are fixed, so the tests are reproducible but
would fail with the wrong distribution (a Poisson instead of a binomial
doubles the variance where q = 0.5).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_invariants import cohort_balance, random_inputs

from projsim import engine as kernel
from projsim.engine import noise
from projsim.stochastic import DRAWS_PER_SEED, noise_streams
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS

DRAWS = 4000
#: Five standard errors of a sample variance of DRAWS draws, relative.
VARIANCE_RTOL = 5 * np.sqrt(2 / DRAWS)
SURVIVAL = np.array([0.99, 0.999, 0.9, 0.7, 0.5, 0.3])


def closed(states=1, persons=500.0, fertility=0.0, survival=SURVIVAL):
    """Identical draws of a population of whole persons, without migration."""
    ages = len(survival)
    population = np.full((DRAWS, states, 2, ages), persons)
    fertility_rate = np.zeros((1, states, ages))
    fertility_rate[..., 2:4] = fertility
    rates = kernel.Rates(survival=np.broadcast_to(survival, (1, states, 2, ages)),
                         fertility_rate=fertility_rate,
                         sex_ratio_at_birth=np.full((1, states), 1.05))
    return population, rates


def noisy(population, rates, seed=3, **options):
    streams = noise_streams(seed, 0, len(population), 0, moves=kernel.moves_of(rates))
    return noise.step(population, rates, streams, **options)


def assert_variance(sample, expected, rtol=VARIANCE_RTOL):
    np.testing.assert_allclose(sample.var(axis=0, ddof=1), expected, rtol=rtol)


def assert_mean(sample, expected, variance):
    """The sample mean within five standard errors of ``expected``."""
    error = np.abs(sample.mean(axis=0) - expected)
    assert np.all(error <= 5 * np.sqrt(variance / len(sample)) + 1e-12)


def test_deaths_are_binomial_among_the_persons_at_risk():
    population, rates = closed()
    expected_end, expected = kernel.step(population, rates)
    end, flows = noisy(population, rates)
    q = 1 - SURVIVAL[1:]
    at_risk = np.array([500.0, 500, 500, 500, 1000])
    assert_mean(flows.deaths[..., 1:], expected.deaths[0, ..., 1:], at_risk * q * (1 - q))
    assert_variance(flows.deaths[..., 1:], np.broadcast_to(at_risk * q * (1 - q), (1, 2, 5)))
    assert np.all(flows.deaths[..., 1:] <= at_risk) and np.all(end >= 0)
    np.testing.assert_allclose(end, np.round(end), atol=1e-9, err_msg="whole persons stay whole")
    np.testing.assert_allclose(end.mean(axis=0), expected_end[0], rtol=0.01)


def test_births_are_poisson_and_the_girls_binomial():
    population, rates = closed(fertility=0.05, survival=np.ones(6))
    _, expected = kernel.step(population[:1], rates)
    total = expected.births[0].sum(axis=-1)                     # (state,)
    _, flows = noisy(population, rates)
    births = flows.births.sum(axis=-1)
    assert_mean(births, total, total)
    assert_variance(births, total)
    girl = 1 / (1 + 1.05)
    assert_variance(flows.births[..., 0], girl * total)
    np.testing.assert_allclose(flows.births[..., 0].mean() / births.mean(), girl, rtol=0.01)
    np.testing.assert_allclose(flows.births_by_age.sum(axis=-1), births)


def test_net_migrants_are_poisson_around_the_net_count():
    population, rates = closed(persons=5000.0)
    net = np.linspace(-300.0, 300.0, 12).reshape(1, 1, 2, 6)
    rates = rates._replace(net_migration=np.broadcast_to(net, (1, 1, 2, 6)))
    _, expected = kernel.step(population[:1], rates, timing="end")
    _, flows = noisy(population, rates, timing="end")
    migrants = expected.net_migration[0]
    assert_mean(flows.net_migration, migrants, np.abs(migrants))
    assert_variance(flows.net_migration, np.abs(migrants))
    assert np.all(np.sign(flows.net_migration) * np.sign(migrants) >= 0)


def test_moves_are_binomial_by_origin_and_destination():
    population, rates = closed(states=3, survival=np.ones(6))
    shares = np.array([[0.0, 0.75, 0.25], [0.5, 0.0, 0.5], [0.9, 0.1, 0.0]])
    rate = np.array([0.1, 0.3, 0.5]).reshape(1, 3, 1, 1)
    rates = rates._replace(move_rate=np.broadcast_to(rate, (1, 1, 3, 2, 6)),
                           move_destination=shares[None, None])
    _, flows = noisy(population, rates)
    moved_in, moved_out = flows.moved_in[:, 0], flows.moved_out[:, 0]
    leaving = 1 - np.exp(-rate[0])                                  # (origin, 1, 1)
    persons = np.array([0.0, 500, 500, 500, 500, 1000])            # shifted by one age
    assert_variance(moved_out, np.broadcast_to(persons * leaving * (1 - leaving), (3, 2, 6)))
    each = leaving[:, None] * shares[:, :, None, None]              # (origin, dest, 1, 1)
    variance = (persons * each * (1 - each)).sum(axis=0)            # independent origins
    assert_mean(moved_in, (persons * each).sum(axis=0), variance)
    assert_variance(moved_in, np.broadcast_to(variance, (3, 2, 6)))
    np.testing.assert_allclose(moved_in.sum(axis=1), moved_out.sum(axis=1))


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("outflow_scale", [0.1, 3.0], ids=["no-cuts", "cuts"])
def test_drawn_flows_balance_and_nobody_is_negative(timing, safeguard, outflow_scale):
    population, rates = random_inputs(5, batch=70, steps=1, outflow_scale=outflow_scale)
    rates = kernel.Rates(*(None if a is None else a[0] for a in rates))
    end, flows = noisy(population, rates, timing=timing, safeguard=safeguard)
    assert np.all(end >= 0)
    projection = kernel.Projection(np.stack([population, end]),
                                   kernel.Flows(*(None if f is None else f[None] for f in flows)))
    balance, gross = cohort_balance(projection)
    assert np.all(np.abs(end - balance[0]) <= 1e-12 * gross[0] + 1e-300)


def test_reused_flows_give_the_same_step():
    population, rates = random_inputs(6, batch=3, steps=2, scenario="internal")
    first = kernel.Rates(*(None if a is None else a[0] for a in rates))
    fresh, _ = noisy(population, first)
    stale = kernel.empty_flows(population.shape, first)
    stale.net_migration[...] = 1e3
    noisy(population, first._replace(survival=first.survival * 0.5), flows=stale)
    again, _ = noisy(population, first, flows=stale)
    np.testing.assert_array_equal(again, fresh)


def test_a_draw_depends_on_its_index_only():
    """Draws 0-99 are the same whether the batch holds 100 or 128 draws."""
    population, rates = random_inputs(8, batch=2 * DRAWS_PER_SEED, steps=1)
    rates = kernel.Rates(*(None if a is None else a[0][:1] for a in rates))
    whole, _ = noisy(population, rates)
    part, _ = noisy(population[:100], rates)
    np.testing.assert_array_equal(part, whole[:100])
    tail, _ = noise.step(population[DRAWS_PER_SEED:], rates,
                         noise_streams(3, DRAWS_PER_SEED, DRAWS_PER_SEED, 0,
                                       moves=kernel.moves_of(rates)))
    np.testing.assert_array_equal(tail, whole[DRAWS_PER_SEED:])
