"""Invariants of the kernel that hold for any valid input.

* the balance identity of every cohort (the :class:`projsim.kernel.Flows`
  docstring), and the split of net migration into its components;
* null conditions: no fertility, survival 1 and no migration;
* sex symmetry;
* no negative population under ``safeguard="reduce"``, with every cut
  recorded (property tests with hypothesis);
* moves between states (two kinds, applied in turn) conserve the national population;
* batch entries do not interact.

Balance residuals are compared with the gross flows of the cell as the scale:
``|end - balance| <= 1e-12 * (|start| + |births| + |deaths| + |migrants| + ...)``,
where the migrants include those asked for but cut or overridden. A cell can
end near zero after large flows cancel (a cut to 0, the UN override leaving
1e-5 persons), so a tolerance relative to the end population would ask for
more digits than the arithmetic carries.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from projsim.engine import Rates, project, step
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS

BALANCE_RTOL = 1e-12
SCENARIOS = ("net_migration", "immigration_emigration", "internal", "all")


def random_inputs(seed, *, batch=2, states=3, ages=6, steps=4, scenario="all",
                  outflow_scale=0.3, emigration_max=0.3):
    """Random valid inputs: rates vary by step, batch, state, sex and age.

    ``outflow_scale`` sets the largest net outflow as a share of the largest
    population; above about 0.3 some outflows exceed their cell.
    ``emigration_max`` is the largest emigration rate [per person-year].
    """
    rng = np.random.default_rng(seed)
    cell = (batch, states, 2, ages)
    population = rng.uniform(0.0, 1000.0, cell)
    fertility = rng.uniform(0.0, 0.4, (steps, batch, states, ages))
    fertility[..., [0, -1]] = 0.0
    rates = Rates(
        survival=rng.uniform(0.5, 1.0, (steps,) + cell),
        fertility_rate=fertility,
        sex_ratio_at_birth=rng.uniform(0.9, 1.2, (steps, batch, states)),
    )
    if scenario in ("net_migration", "all"):
        low = -outflow_scale * 1000.0
        rates = rates._replace(net_migration=rng.uniform(low, 100.0, (steps,) + cell))
    if scenario in ("immigration_emigration", "all"):
        rates = rates._replace(
            immigration=rng.uniform(0.0, 50.0, (steps,) + cell),
            emigration_rate=rng.uniform(0.0, emigration_max, (steps,) + cell),
        )
    if scenario in ("internal", "all"):
        moves = 2
        rates = rates._replace(
            move_rate=rng.uniform(0.0, 0.2, (steps, batch, moves) + cell[1:]),
            move_destination=destination_shares(rng.uniform(0.1, 1.0, (steps, batch, moves,
                                                                       states, states))),
        )
    return population, rates


def destination_shares(weights):
    """Rows summing to 1 with a zero diagonal, from positive weights."""
    weights = weights * (1.0 - np.eye(weights.shape[-1]))
    return weights / weights.sum(axis=-1, keepdims=True)


def cohort_balance(projection):
    """The end population implied by the flows, and the gross flows of each cell."""
    start, end = projection.population[:-1], projection.population[1:]
    flows = projection.flows
    entering = np.empty_like(end)
    entering[..., 0] = flows.births
    entering[..., 1:-1] = start[..., :-2]
    entering[..., -1] = start[..., -2] + start[..., -1]
    terms = [-flows.deaths, flows.net_migration, flows.population_floor]
    if flows.moved_in is not None:
        terms += [flows.moved_in.sum(axis=2), -flows.moved_out.sum(axis=2)]
    balance = entering + sum(terms)
    # A cut cancels the migrants asked for, so their size sets the rounding:
    # the adjustment of group i reaches cohorts i and i + 1.
    adjustment = np.abs(flows.migration_adjustment)
    cancelled = adjustment.copy()
    cancelled[..., 1:] += adjustment[..., :-1]
    cancelled[..., -1] += adjustment[..., -1]
    gross = np.abs(entering) + sum(np.abs(term) for term in terms) + cancelled
    return balance, gross


def assert_balanced(projection):
    balance, gross = cohort_balance(projection)
    end = projection.population[1:]
    assert np.all(np.abs(end - balance) <= BALANCE_RTOL * gross + 1e-300)


def by_cohort(at_migration, share_at_start):
    """Relabel migrants by age at migration as cohort flows (age at the end).

    A share ``share_at_start`` of the migrants of group ``i`` joins at the start
    of the step and ends it in group ``i + 1`` (the open group keeps its own);
    the rest join later and end the step in group ``i``.
    """
    late = (1.0 - share_at_start) * at_migration
    early = share_at_start * at_migration
    cohort = late.copy()
    cohort[..., 1:] += early[..., :-1]
    cohort[..., -1] += early[..., -1]
    return cohort


START_SHARE = {"even": 0.5, "end": 0.0}


def single_state_closed(ages=5, steps=3, *, fertility=0.0, survival=1.0):
    """A one-state population with constant scalar rates and no migration."""
    population = np.arange(1.0, 2 * ages + 1).reshape(1, 1, 2, ages)
    fertility_rate = np.full((1, 1, 1, ages), fertility)
    fertility_rate[..., [0, -1]] = 0.0
    rates = Rates(
        survival=np.full((1, 1, 1, 2, ages), survival),
        fertility_rate=fertility_rate,
        sex_ratio_at_birth=np.full((1, 1, 1), 1.05),
    )
    return population, rates, steps


# --- balance identity ------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("outflow_scale", [0.1, 3.0], ids=["no-cuts", "cuts"])
def test_every_cohort_balances(timing, safeguard, scenario, outflow_scale):
    population, rates = random_inputs(7, scenario=scenario, outflow_scale=outflow_scale)
    projection = project(population, rates, timing=timing, safeguard=safeguard)
    assert_balanced(projection)


def test_large_outflows_do_trigger_the_safeguards():
    """The "cuts" inputs above exercise the reduction, the override and the floor."""
    population, rates = random_inputs(7, outflow_scale=3.0)
    reduced = project(population, rates, timing="even", safeguard="reduce")
    assert np.any(reduced.flows.migration_adjustment > 0)
    ccmpp = project(population, rates, timing="end", safeguard="ccmpp")
    assert np.any(ccmpp.flows.migration_adjustment != 0)
    assert np.any(ccmpp.flows.population_floor > 0)


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_net_migration_is_its_components_by_cohort(timing, safeguard):
    """Without cuts, or under ``"ccmpp"`` (where the override is split like the
    migrants it replaces), net migration by cohort is the input net count plus
    immigrants minus emigrants plus the adjustment, all relabelled by cohort."""
    if safeguard == "ccmpp":
        population, rates = random_inputs(11, outflow_scale=3.0)
    else:
        population, rates = random_inputs(11, outflow_scale=0.0, emigration_max=0.05)
    projection = project(population, rates, timing=timing, safeguard=safeguard)
    flows = projection.flows
    if safeguard == "reduce":
        assert not flows.migration_adjustment.any()
    share = START_SHARE[timing]
    expected = (by_cohort(rates.net_migration, share) + flows.immigration - flows.emigration
                + by_cohort(flows.migration_adjustment, share))
    np.testing.assert_allclose(flows.net_migration, expected, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(flows.immigration, by_cohort(rates.immigration, share),
                               rtol=1e-12)


def test_net_migration_with_cuts_adds_up_over_ages():
    """Under ``"reduce"`` with ``"even"`` a cut of group ``i`` may fall on the
    start half (cohort ``i + 1``) or the end half (cohort ``i``), and the
    adjustment, labelled by age at migration, does not say which: only the
    totals over age can be compared."""
    population, rates = random_inputs(11, outflow_scale=3.0)
    flows = project(population, rates, timing="even", safeguard="reduce").flows
    assert np.any(flows.migration_adjustment > 0)
    components = (rates.net_migration + flows.migration_adjustment
                  + by_cohort(rates.immigration, 0.5) - flows.emigration)
    np.testing.assert_allclose(flows.net_migration.sum(axis=-1), components.sum(axis=-1),
                               rtol=1e-12, atol=1e-9)


def test_emigration_is_the_rate_applied_to_the_start_population():
    population, rates = random_inputs(5, steps=1, scenario="immigration_emigration")
    flows = step(population, Rates(*(None if a is None else a[0] for a in rates)),
                 timing="end")[1]
    expected = population * (1.0 - np.exp(-rates.emigration_rate[0]))
    np.testing.assert_allclose(flows.emigration, expected, rtol=1e-12)


# --- null conditions --------------------------------------------------------------


@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_no_births_no_deaths_no_migration_shifts_by_one_group(timing):
    population, rates, steps = single_state_closed(ages=5, steps=3)
    result = project(population, rates, steps=steps, timing=timing, safeguard="reduce")
    start = population[0, 0]
    expected = np.zeros_like(start)
    expected[:, 3] = start[:, 0]
    expected[:, 4] = start[:, 1:].sum(axis=-1)
    np.testing.assert_array_equal(result.population[-1, 0, 0], expected)
    np.testing.assert_array_equal(result.population[1, 0, 0, :, 1:-1], start[:, :-2])


@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_ccmpp_override_fills_empty_cells_even_without_migrants(timing):
    """The UN rule tests ``P + M <= 0``, so an empty cell given zero migrants gets
    ``1e-5`` persons (``project_ccmpp_loop_over_time.R``). The null shift above
    therefore holds under ``"ccmpp"`` only up to these residuals."""
    population, rates, steps = single_state_closed(ages=5, steps=3)
    rates = rates._replace(net_migration=np.zeros((1, 1, 1, 2, 5)))
    result = project(population, rates, steps=steps, timing=timing, safeguard="ccmpp")
    adjustment = result.flows.migration_adjustment
    empty_at_start = result.population[:-1] == 0
    np.testing.assert_array_equal(adjustment != 0, empty_at_start)
    np.testing.assert_array_equal(adjustment[empty_at_start], 1e-5)
    reduced = project(population, rates, steps=steps, timing=timing, safeguard="reduce")
    np.testing.assert_allclose(result.population, reduced.population, rtol=0, atol=3e-5)


@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_ccmpp_without_migration_input_adjusts_nothing(timing):
    """Without any migration input there are no migrants to override."""
    population, rates, steps = single_state_closed(ages=5, steps=3)
    result = project(population, rates, steps=steps, timing=timing, safeguard="ccmpp")
    assert not result.flows.migration_adjustment.any()
    assert not result.flows.population_floor.any()


@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_no_fertility_leaves_group_zero_empty(timing):
    population, rates = random_inputs(3, scenario="internal")
    rates = rates._replace(fertility_rate=np.zeros_like(rates.fertility_rate))
    result = project(population, rates, timing=timing)
    assert not result.flows.births.any()
    assert not result.flows.births_by_age.any()
    assert not result.population[1:, ..., 0].any()


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_survival_one_gives_no_deaths(timing, safeguard):
    population, rates = random_inputs(4)
    rates = rates._replace(survival=np.ones_like(rates.survival))
    result = project(population, rates, timing=timing, safeguard=safeguard)
    assert not result.flows.deaths.any()
    assert np.all(result.flows.births > 0)


# --- sex symmetry -----------------------------------------------------------------


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_identical_sexes_stay_identical(timing, safeguard):
    population, rates = random_inputs(9, outflow_scale=3.0)

    def same_for_both_sexes(array):
        return None if array is None else np.repeat(array[..., :1, :], 2, axis=-2)

    sex_axis_fields = ("survival", "net_migration", "immigration", "emigration_rate",
                       "move_rate")
    rates = rates._replace(
        sex_ratio_at_birth=np.ones_like(rates.sex_ratio_at_birth),
        **{name: same_for_both_sexes(getattr(rates, name)) for name in sex_axis_fields},
    )
    result = project(same_for_both_sexes(population), rates, timing=timing,
                     safeguard=safeguard)
    female, male = result.population[..., 0, :], result.population[..., 1, :]
    np.testing.assert_array_equal(female, male)
    np.testing.assert_array_equal(result.flows.births[..., 0], result.flows.births[..., 1])
    for name in ("deaths", "net_migration", "moved_in", "moved_out",
                 "migration_adjustment", "population_floor"):
        flow = getattr(result.flows, name)
        np.testing.assert_array_equal(flow[..., 0, :], flow[..., 1, :], err_msg=name)


# --- moves between states ---------------------------------------------------------


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_moves_sum_to_zero_nationally(timing, safeguard):
    population, rates = random_inputs(12, outflow_scale=3.0)
    flows = project(population, rates, timing=timing, safeguard=safeguard).flows
    assert np.all(flows.moved_out.sum(axis=(0, 1, 3, 4, 5)) > 0)     # every kind of move
    np.testing.assert_allclose(flows.moved_in.sum(axis=3), flows.moved_out.sum(axis=3),
                               rtol=1e-13)


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_moves_leave_the_national_population_unchanged(timing, safeguard):
    population, rates = random_inputs(13, steps=1, outflow_scale=3.0)
    one_step = Rates(*(None if a is None else a[0] for a in rates))
    closed = one_step._replace(move_rate=None, move_destination=None)
    with_moves, flows = step(population, one_step, timing=timing, safeguard=safeguard)
    without_moves, _ = step(population, closed, timing=timing, safeguard=safeguard)
    assert np.any(np.abs(with_moves - without_moves) > 1.0)
    np.testing.assert_allclose(with_moves.sum(axis=1), without_moves.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(with_moves, without_moves + flows.moved_in.sum(axis=1)
                               - flows.moved_out.sum(axis=1), rtol=1e-13)


# --- batch independence -----------------------------------------------------------


def batch_entry(rates, index):
    """The rates of one batch entry (axis 1 of every array, after time)."""
    return Rates(*(None if a is None else a[:, index:index + 1] for a in rates))


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
def test_batch_entries_project_independently(timing, safeguard):
    population, rates = random_inputs(21, batch=3, outflow_scale=3.0)
    together = project(population, rates, timing=timing, safeguard=safeguard)
    for index in range(3):
        alone = project(population[index:index + 1], batch_entry(rates, index),
                        timing=timing, safeguard=safeguard)
        np.testing.assert_array_equal(together.population[:, index:index + 1],
                                      alone.population)
        for name, flow in together.flows._asdict().items():
            np.testing.assert_array_equal(flow[:, index:index + 1],
                                          getattr(alone.flows, name), err_msg=name)


# --- no negative population (property tests) --------------------------------------


def floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def valid_inputs(draw):
    """Any finite input that passes validation, with outflows up to 100 times
    the largest population, for one to three constant-rate steps."""
    batch, states = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    ages, steps = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    cell = (batch, states, 2, ages)

    def array(shape, low, high):
        return draw(hnp.arrays(np.float64, shape, elements=floats(low, high)))

    fertility = array((1, batch, states, ages), 0.0, 5.0)
    fertility[..., [0, -1]] = 0.0
    rates = Rates(
        survival=array((1,) + cell, 0.0, 1.0),
        fertility_rate=fertility,
        sex_ratio_at_birth=array((1, batch, states), 0.5, 2.0),
    )
    if draw(st.booleans()):
        rates = rates._replace(net_migration=array((1,) + cell, -1e5, 1e3))
    if draw(st.booleans()):
        rates = rates._replace(immigration=array((1,) + cell, 0.0, 1e3),
                               emigration_rate=array((1,) + cell, 0.0, 10.0))
    if states > 1 and draw(st.booleans()):
        weights = array((1, batch, 1, states, states), 0.01, 1.0)
        rates = rates._replace(move_rate=array((1, batch, 1) + cell[1:], 0.0, 10.0),
                               move_destination=destination_shares(weights))
    population = array(cell, 0.0, 1e3)
    return population, rates, steps, draw(st.sampled_from(MIGRATION_TIMINGS))


def asked_migrants(population, rates):
    """Net international migrants asked for in a step, by age at migration."""
    asked = np.zeros_like(population)
    if rates.net_migration is not None:
        asked = asked + rates.net_migration[0]
    if rates.immigration is not None:
        asked = asked + rates.immigration[0]
        asked = asked - population * -np.expm1(-rates.emigration_rate[0])
    return asked


@settings(max_examples=150, deadline=None)
@given(valid_inputs())
def test_reduce_never_gives_a_negative_population(inputs):
    population, rates, steps, timing = inputs
    result = project(population, rates, steps=steps, timing=timing, safeguard="reduce")
    assert np.all(np.isfinite(result.population))
    assert np.all(result.population >= 0)
    assert np.all(result.flows.migration_adjustment >= 0)
    assert not result.flows.population_floor.any()
    assert_balanced(result)


@settings(max_examples=100, deadline=None)
@given(valid_inputs())
def test_reduce_records_every_cut(inputs):
    """Each step's cuts, recomputed from outside the kernel.

    Under ``"end"`` all migrants join after births and deaths, so the cut of a
    cell is ``max(-(closed + asked), 0)``, where ``closed`` is the end population
    of the same step without any migration. Under ``"even"`` the start half
    alone is cut by ``max(-(start + asked / 2), 0)``; a cut of the end half may
    follow, so that is a lower bound.
    """
    population, rates, steps, timing = inputs
    result = project(population, rates, steps=steps, timing=timing, safeguard="reduce")
    event("some outflow cut" if result.flows.migration_adjustment.any() else "no cut")
    closed_rates = Rates(rates.survival[0], rates.fertility_rate[0],
                         rates.sex_ratio_at_birth[0])
    for t in range(steps):
        start = result.population[t]
        asked = asked_migrants(start, rates)
        adjustment = result.flows.migration_adjustment[t]
        scale = 1e-12 * (np.abs(start).max() + np.abs(asked).max() + 1.0)
        if timing == "end":
            closed, _ = step(start, closed_rates, timing=timing)
            missing = closed + asked
            np.testing.assert_allclose(adjustment, np.maximum(-missing, 0.0), rtol=1e-12,
                                       atol=scale)
        else:
            missing = start + asked / 2
            assert np.all(adjustment >= np.maximum(-missing, 0.0) - scale)
        assert np.all(adjustment[missing < -scale] > 0)
