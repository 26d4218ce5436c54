"""Parity between the vectorised kernel and references written only for tests.

Three references, none of which calls :mod:`projsim.engine`:

* :func:`reference_step`, a per-cohort scalar loop in plain Python for one
  state, written from the step order documented in :func:`projsim.engine.step`
  and the UN algebra (``tests/data/ccmpp/README.md``): net counts,
  immigration, emigration rates, both timings, both safeguards;
* :func:`reference_multiregional`, an explicit origin-destination loop that
  moves people between states after the national step of each state, one
  kind of move after the other;
* :func:`leslie_matrix`, the step written as one matrix for both sexes, which
  the UN README shows to be equivalent for the births.

Inputs are random (several seeds), once with outflows small enough that no
cut is needed and once with outflows large enough that cuts (``"reduce"``)
or the UN override and floor (``"ccmpp"``) are triggered. Agreement is to
``rtol = 1e-12``, with an absolute floor of 1e-12 times the size of the
population and migrants for cells that cancel to about zero.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from projsim.engine import Rates, project
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS

RTOL = 1e-12
SEEDS = (0, 1, 2, 3)
#: Share of a step's migrants joining at the start under each timing.
EARLY_SHARE = {"even": 0.5, "end": 0.0}
#: The UN's residual after an overridden outflow, and its floor [persons].
UN_RESIDUAL, UN_FLOOR = 1e-5, 0.0005


# --- the per-cohort scalar reference ---------------------------------------------


def reference_step(pop, survival, fertility, srb, net, immigration, emigration_rate,
                   width, timing, safeguard, born=None):
    """One step for one state, cohort by cohort, with Python floats.

    ``pop``, ``survival``, ``net``, ``immigration`` and ``emigration_rate`` are
    ``[sex][age]`` lists (the last three may be ``None``), ``fertility`` an
    ``[age]`` list and ``srb`` a float. ``born``, if given, are the girls and
    boys born into this state (when children may take another state than
    their mother's); otherwise the state's own births. Returns the end
    population and a dict of flows as lists.
    """
    ages = len(pop[0])
    last = ages - 1
    early = EARLY_SHARE[timing]
    late = 1.0 - early
    cut_allowed = safeguard == "reduce"

    def join(persons, migrants):
        """Add migrants; cut an outflow that would leave fewer than 0 persons."""
        total = persons + migrants
        if cut_allowed and total < 0.0:
            return 0.0, -total
        return total, 0.0

    def zeros():
        return [[0.0] * ages for _ in range(2)]

    asked, applied, emigrants = zeros(), zeros(), zeros()
    for s in range(2):
        for i in range(ages):
            want = net[s][i] if net is not None else 0.0
            if immigration is not None:
                want += immigration[s][i]
            if emigration_rate is not None:
                emigrants[s][i] = pop[s][i] * -math.expm1(-width * emigration_rate[s][i])
                want -= emigrants[s][i]
            asked[s][i] = want
            overridden = safeguard == "ccmpp" and pop[s][i] + want <= 0.0
            applied[s][i] = UN_RESIDUAL - pop[s][i] if overridden else want

    exposed, end, deaths = zeros(), zeros(), zeros()
    cut_early, cut_late = zeros(), zeros()
    for s in range(2):
        for i in range(ages):
            exposed[s][i], cut_early[s][i] = join(pop[s][i], early * applied[s][i])
        for i in range(1, ages):
            at_risk = exposed[s][i - 1] + (exposed[s][last] if i == last else 0.0)
            end[s][i] = survival[s][i] * at_risk
            deaths[s][i] = at_risk - end[s][i]
            if timing == "even":
                end[s][i], cut_late[s][i] = join(end[s][i], late * applied[s][i])

    births_by_age = [width * fertility[i] * (exposed[0][i] + end[0][i]) / 2 for i in range(ages)]
    total = sum(births_by_age)
    births = [total / (1.0 + srb), total - total / (1.0 + srb)] if born is None else born
    for s in range(2):
        end[s][0] = survival[s][0] * births[s]
        deaths[s][0] = births[s] - end[s][0]
        late_ages = range(1) if timing == "even" else range(ages)
        for i in late_ages:
            end[s][i], cut_late[s][i] = join(end[s][i], late * applied[s][i])

    floor = zeros()
    if safeguard == "ccmpp":
        for s in range(2):
            for i in range(ages):
                if end[s][i] < 0.0:
                    floor[s][i] = UN_FLOOR - end[s][i]
                    end[s][i] = UN_FLOOR

    def cohort(early_part, late_part):
        """Flows of the cohort ending in each group: group i - 1's start part
        (the open group also keeps its own) and group i's later part."""
        flows = zeros()
        for s in range(2):
            for i in range(ages):
                flows[s][i] = late_part[s][i]
                if i > 0:
                    flows[s][i] += early_part[s][i - 1]
                if i == last:
                    flows[s][i] += early_part[s][last]
        return flows

    def share(part, values):
        return [[part * v for v in row] for row in values]

    applied_early = [[early * applied[s][i] + cut_early[s][i] for i in range(ages)]
                     for s in range(2)]
    applied_late = [[late * applied[s][i] + cut_late[s][i] for i in range(ages)]
                    for s in range(2)]
    flows = {
        "births": births,
        "births_by_age": births_by_age,
        "deaths": deaths,
        "net_migration": cohort(applied_early, applied_late),
        "migration_adjustment": [[applied[s][i] - asked[s][i] + cut_early[s][i]
                                  + cut_late[s][i] for i in range(ages)] for s in range(2)],
        "population_floor": floor,
    }
    if immigration is not None:
        flows["immigration"] = cohort(share(early, immigration), share(late, immigration))
        flows["emigration"] = cohort(share(early, emigrants), share(late, emigrants))
    return end, flows


def reference_multiregional(pops, step_inputs, moves, width, timing, safeguard,
                            birth_destination=None):
    """One step for several states: each state's own step, then the moves in turn.

    ``pops[r]`` and ``step_inputs[r]`` are the population and the
    :func:`reference_step` arguments of state ``r``; ``moves`` lists, in the
    order they apply, pairs of ``rate[r][s][i]`` (the rate of leaving state
    ``r``) and ``destination[r][d]`` (the share of state ``r``'s movers who
    go to ``d``). Each move acts on the population the previous one left.
    ``birth_destination[r][d]``, if given, is the share of the children of
    state ``r``'s mothers born into state ``d``: the steps run twice, the
    second time with each state's births gathered from every mother's state.
    """
    states = len(pops)
    ages = len(pops[0][0])
    results = [reference_step(pops[r], *step_inputs[r], width, timing, safeguard)
               for r in range(states)]
    if birth_destination is not None:
        born = [[sum(results[r][1]["births"][s] * birth_destination[r][d] for r in range(states))
                 for s in range(2)] for d in range(states)]
        results = [reference_step(pops[d], *step_inputs[d], width, timing, safeguard,
                                  born=born[d]) for d in range(states)]
    ends = [end for end, _ in results]
    for r in range(states):
        results[r][1]["moved_in"], results[r][1]["moved_out"] = [], []
    for rate, destination in moves:
        moved_in = [[[0.0] * ages for _ in range(2)] for _ in range(states)]
        moved_out = [[[0.0] * ages for _ in range(2)] for _ in range(states)]
        for s in range(2):
            for i in range(ages):
                for origin in range(states):
                    leaving = ends[origin][s][i] * -math.expm1(-width * rate[origin][s][i])
                    moved_out[origin][s][i] = leaving
                    for target in range(states):
                        moved_in[target][s][i] += leaving * destination[origin][target]
        for r in range(states):
            for s in range(2):
                for i in range(ages):
                    ends[r][s][i] = ends[r][s][i] - moved_out[r][s][i] + moved_in[r][s][i]
            results[r][1]["moved_in"].append(moved_in[r])
            results[r][1]["moved_out"].append(moved_out[r])
    return ends, [flows for _, flows in results]


# --- inputs and comparison ---------------------------------------------------------


def random_case(seed, *, states=1, ages=7, steps=4, outflow=0.005, migration="net",
                internal=False):
    """Random inputs for one batch entry.

    ``outflow`` is the largest net outflow as a share of the largest cell: 0.005
    never empties a cell here, 3.0 often does. ``internal`` adds two moves
    between states: migration among all of them, then a move out of the odd
    states into the even state before each (as naturalisation moves people
    from a foreign to a national state of the same region).
    """
    rng = np.random.default_rng(seed)
    cell = (1, states, 2, ages)
    population = rng.uniform(200.0, 1000.0, cell)
    fertility = rng.uniform(0.0, 0.3, (steps, 1, states, ages))
    fertility[..., [0, -1]] = 0.0
    rates = Rates(
        survival=rng.uniform(0.6, 0.999, (steps,) + cell),
        fertility_rate=fertility,
        sex_ratio_at_birth=rng.uniform(1.0, 1.1, (steps, 1, states)),
    )
    if migration in ("net", "both"):
        rates = rates._replace(net_migration=rng.uniform(-outflow * 1000.0, 20.0,
                                                         (steps,) + cell))
    if migration in ("gross", "both"):
        rates = rates._replace(immigration=rng.uniform(0.0, 20.0, (steps,) + cell),
                               emigration_rate=rng.uniform(0.0, 0.02, (steps,) + cell))
    if internal:
        weights = rng.uniform(0.1, 1.0, (steps, 1, states, states)) * (1 - np.eye(states))
        among = weights / weights.sum(axis=-1, keepdims=True)
        odd = np.arange(states) % 2 == 1
        onward = np.zeros((steps, 1, states, states))
        onward[..., odd, np.flatnonzero(odd) - 1] = 1.0
        rate = rng.uniform(0.0, 0.05, (steps, 1, 2, states, 2, ages))
        rate[:, :, 1, ~odd] = 0.0
        rates = rates._replace(move_rate=rate,
                               move_destination=np.stack([among, onward], axis=2))
    return population, rates, steps


def as_lists(array):
    return None if array is None else array.tolist()


def reference_projection(population, rates, steps, width, timing, safeguard):
    """Loop :func:`reference_multiregional` over steps; arrays like the kernel's."""
    states = population.shape[1]
    pops = population[0].tolist()
    history = [pops]
    collected = []
    for t in range(steps):
        def state_input(array, r, t=t):
            return None if array is None else array[t, 0, r].tolist()

        immigration = [state_input(rates.immigration, r) for r in range(states)]
        if rates.net_total is not None:     # immigrants balance the net total, cell by cell
            emigrants = sum(pops[r][s][i] * -math.expm1(-width * rates.emigration_rate[t, 0, r, s, i])
                            for r in range(states) for s in range(2) for i in range(len(pops[r][s])))
            weights = sum(v for rows in immigration for row in rows for v in row)
            needed = float(rates.net_total[t, 0]) + emigrants
            immigration = [[[v / weights * needed for v in row] for row in rows]
                           for rows in immigration]
        step_inputs = [
            (state_input(rates.survival, r), state_input(rates.fertility_rate, r),
             float(rates.sex_ratio_at_birth[t, 0, r]), state_input(rates.net_migration, r),
             immigration[r], state_input(rates.emigration_rate, r))
            for r in range(states)
        ]
        births_to = None if rates.birth_destination is None \
            else rates.birth_destination[t, 0].tolist()
        moves = [] if rates.move_rate is None else \
            [(rates.move_rate[t, 0, k].tolist(), rates.move_destination[t, 0, k].tolist())
             for k in range(rates.move_rate.shape[2])]
        pops, flows = reference_multiregional(pops, step_inputs, moves, width, timing, safeguard,
                                              births_to)
        if rates.move_rate is None:
            flows = [{k: v for k, v in f.items() if k not in ("moved_in", "moved_out")}
                     for f in flows]
        history.append(pops)
        collected.append(flows)
    stacked = {name: np.array([[[f[name] for f in step_flows]] for step_flows in collected])
               for name in collected[0][0]}
    for name in ("moved_in", "moved_out"):
        if name in stacked:          # (step, batch, state, move, ...) -> the kernel's order
            stacked[name] = np.moveaxis(stacked[name], 3, 2)
    return np.array(history)[:, None], stacked


def assert_same(actual, expected, scale, name):
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * scale, err_msg=name)


def compare(population, rates, steps, width, timing, safeguard):
    """Project with the kernel and the reference; return the kernel's flows."""
    kernel = project(population, rates, width=width, timing=timing, safeguard=safeguard)
    reference_population, reference_flows = reference_projection(
        population, rates, steps, width, timing, safeguard)
    migrants = [np.abs(a).max() for a in (rates.net_migration, rates.immigration)
                if a is not None]
    scale = float(np.abs(kernel.population).max() + sum(migrants))
    assert_same(kernel.population, reference_population, scale, "population")
    for name, expected in reference_flows.items():
        assert_same(getattr(kernel.flows, name), expected, scale, name)
    return kernel.flows


# --- tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 5])
@pytest.mark.parametrize("migration", ["net", "gross", "both"])
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_single_state_without_cuts(seed, timing, migration, width):
    population, rates, steps = random_case(seed, migration=migration)
    for safeguard in SAFEGUARDS:
        flows = compare(population, rates, steps, width, timing, safeguard)
        assert not flows.migration_adjustment.any()
        assert not flows.population_floor.any()


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_single_state_with_cuts(seed, timing, safeguard):
    population, rates, steps = random_case(seed, outflow=3.0, migration="both")
    flows = compare(population, rates, steps, 1, timing, safeguard)
    assert np.any(flows.migration_adjustment != 0)
    if safeguard == "reduce":
        assert np.all(flows.migration_adjustment >= 0)


def test_cuts_case_reaches_the_un_floor():
    """At least one of the "with cuts" inputs needs the UN floor under "end"."""
    floors = 0
    for seed in SEEDS:
        population, rates, steps = random_case(seed, outflow=3.0, migration="both")
        flows = project(population, rates, timing="end", safeguard="ccmpp").flows
        floors += np.count_nonzero(flows.population_floor)
    assert floors > 0


@pytest.mark.parametrize("outflow", [0.005, 3.0], ids=["no-cuts", "cuts"])
@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_multiregional(seed, timing, safeguard, outflow):
    population, rates, steps = random_case(seed, states=3, outflow=outflow,
                                           migration="both", internal=True)
    flows = compare(population, rates, steps, 1, timing, safeguard)
    assert np.all(flows.moved_in[:, :, 0] > 0) or outflow > 1
    assert np.all(flows.moved_in[:, :, 1, 0, :, 1:] > 0) or outflow > 1   # from state 1
    assert not flows.moved_in[:, :, 1, 1:].any()


def nationality_case(seed, outflow):
    """Two regions crossed with two nationalities (own, foreign): states (region,
    nationality) in C order. Internal migrants keep their nationality; then
    naturalisation moves foreigners to the own nationality of their region;
    a share of the children of foreign mothers is born with the own nationality;
    immigrants and emigration rates by nationality."""
    population, rates, steps = random_case(seed, states=4, outflow=outflow, migration="both")
    rng = np.random.default_rng(seed + 100)
    region, nationality = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    same_nationality = (nationality[:, None] == nationality[None, :]) & \
        (region[:, None] != region[None, :])
    naturalising = (region[:, None] == region[None, :]) & (nationality[:, None] == 1) & \
        (nationality[None, :] == 0)
    rate = rng.uniform(0.0, 0.05, (steps, 1, 2, 4, 2, population.shape[-1]))
    rate[:, :, 1, nationality == 0] = 0.0                 # nationals do not naturalise
    births_to = np.eye(4)[None, None].repeat(steps, axis=0)
    share = rng.uniform(0.1, 0.4, (steps, 2))             # foreign mothers' own-national children
    for r in range(2):
        foreign, own = 2 * r + 1, 2 * r
        births_to[:, 0, foreign, own], births_to[:, 0, foreign, foreign] = share[:, r], 1 - share[:, r]
    rates = rates._replace(
        move_rate=rate,
        move_destination=np.broadcast_to(np.stack([same_nationality, naturalising]).astype(float),
                                         (steps, 1, 2, 4, 4)),
        birth_destination=births_to)
    return population, rates, steps


@pytest.mark.parametrize("outflow", [0.005, 3.0], ids=["no-cuts", "cuts"])
@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_region_by_nationality(seed, timing, safeguard, outflow):
    """The kernel against the per-cohort reference on regions x nationalities."""
    population, rates, steps = nationality_case(seed, outflow)
    flows = compare(population, rates, steps, 1, timing, safeguard)
    naturalised = flows.moved_out[:, :, 1]
    assert np.all(naturalised[:, :, [1, 3], :, 1:] > 0) or outflow > 1
    # naturalisation conserves each region's total
    by_region = (flows.moved_in[:, :, 1] - naturalised).reshape(steps, 1, 2, 2, 2, -1)
    np.testing.assert_allclose(by_region.sum(axis=3), 0.0, atol=1e-9)
    assert np.all(flows.births[:, :, [0, 2]] > 0) or outflow > 1


@pytest.mark.parametrize("safeguard", SAFEGUARDS)
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_immigrants_balancing_a_net_total(seed, timing, safeguard):
    """Immigrants distributed by a profile and scaled so that immigrants minus emigrants
    equal the net total, against the reference that balances cell by cell."""
    population, rates, steps = nationality_case(seed, 0.005)
    rng = np.random.default_rng(seed + 200)
    rates = rates._replace(net_migration=None, net_total=rng.uniform(-200.0, 400.0, (steps, 1)))
    flows = compare(population, rates, steps, 1, timing, safeguard)
    if safeguard == "reduce" and not flows.migration_adjustment.any():
        np.testing.assert_allclose(flows.immigration.sum(axis=(2, 3, 4))
                                   - flows.emigration.sum(axis=(2, 3, 4)), rates.net_total,
                                   rtol=1e-12)


# --- the Leslie-matrix reference ------------------------------------------------------


def leslie_matrix(survival, fertility, srb, width):
    """The step without migration as one ``(2 A, 2 A)`` matrix, females first.

    A woman in group ``j`` at the start gives ``(n/2) (f_j + S_k f_k)`` births,
    with ``k = min(j + 1, omega)`` the group she is in at the end; a share
    ``1 / (1 + srb)`` of them are girls. Infants survive with ``S_0`` of their
    sex, everyone else moves down one group with ``S`` of the group they enter,
    and the open group keeps its survivors.
    """
    ages = survival.shape[-1]
    onward = np.minimum(np.arange(ages) + 1, ages - 1)
    births = width / 2 * (fertility + survival[0, onward] * fertility[onward])
    matrix = np.zeros((2 * ages, 2 * ages))
    for sex, share in ((0, 1 / (1 + srb)), (1, srb / (1 + srb))):
        block = slice(sex * ages, (sex + 1) * ages)
        matrix[sex * ages, :ages] = survival[sex, 0] * share * births
        ageing = np.diag(survival[sex, 1:], k=-1)
        ageing[-1, -1] = survival[sex, -1]
        matrix[block, block] += ageing
    return matrix


def late_migrant_births(survival, fertility, srb, width):
    """Infants born during a step to the female migrants who join at its end
    half (``"even"``), as a matrix acting on those migrants."""
    ages = survival.shape[-1]
    matrix = np.zeros((2 * ages, 2 * ages))
    for sex, share in ((0, 1 / (1 + srb)), (1, srb / (1 + srb))):
        matrix[sex * ages, :ages] = survival[sex, 0] * share * width / 2 * fertility
    return matrix


@pytest.mark.parametrize("migration", [False, True], ids=["closed", "immigrants"])
@pytest.mark.parametrize("width", [1, 5])
@pytest.mark.parametrize("timing", MIGRATION_TIMINGS)
@pytest.mark.parametrize("seed", SEEDS)
def test_leslie_matrix(seed, timing, width, migration):
    """Ten steps as matrix products, with non-negative net migrants (no cuts).

    ``P' = L (P + M / 2) + M / 2 + G M / 2`` under ``"even"``, where the end
    half of the female migrants counts in the births exposure, and
    ``P' = L P + M`` under ``"end"``.
    """
    population, rates, _ = random_case(seed, steps=10, outflow=0.0)
    if not migration:
        rates = rates._replace(net_migration=None)
    kernel = project(population, rates, width=width, timing=timing)
    early = EARLY_SHARE[timing]
    current = population[0, 0].ravel()
    for t in range(10):
        survival, fertility = rates.survival[t, 0, 0], rates.fertility_rate[t, 0, 0]
        srb = rates.sex_ratio_at_birth[t, 0, 0]
        migrants = np.zeros_like(current)
        if migration:
            migrants = rates.net_migration[t, 0, 0].ravel()
        births_late = late_migrant_births(survival, fertility, srb, width)
        if timing == "end":
            births_late[:] = 0.0
        current = (leslie_matrix(survival, fertility, srb, width) @ (current + early * migrants)
                   + (1 - early) * migrants + births_late @ ((1 - early) * migrants))
        np.testing.assert_allclose(kernel.population[t + 1, 0, 0].ravel(), current, rtol=RTOL)
