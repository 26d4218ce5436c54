"""Demographic noise: births, deaths and migrants drawn around a step's expected flows.

The cohort-component step (:func:`projsim.engine.step`) gives the expected
flows of a population. A population of whole persons meets them only on
average: each woman gives birth or not, each person dies or not, and the
counts vary by chance around their expectation even when the rates are known
exactly. :func:`step` draws them, for every draw, state (region), sex and
age group, in the cohort labelling of :class:`projsim.engine.Flows`:

* **births** of each state: Poisson with the expected births as mean; the
  girls among them binomial with probability ``1 / (1 + srb)``, the sex
  ratio at birth of the kernel;
* **deaths** of each cohort: binomial among the persons at risk with the
  death probability ``q = 1 - S`` of the survival ratio ``S`` that carries
  the cohort. The persons at risk are the drawn births for group 0, and
  otherwise the cohort at the start of the step with the migrants who
  arrive at its start (the exposure the kernel's deaths come from, so that
  ``N q`` equals the expected deaths). Binomial rather than Poisson because
  deaths can never exceed the persons at risk, and because the binomial
  variance ``N q (1 - q)`` is right where ``q`` is large, at the oldest ages,
  where the Poisson variance ``N q`` overstates it;
* **international migration**: only the net count is known, so the net
  migrants ``M`` applied to a cohort are drawn as ``sign(M) Poisson(|M|)``.
  Its variance ``|M|`` is that of Poisson immigrants and emigrants when only
  one of the two flows exists; with both (``I - E = M``) it would be
  ``I + E >= |M|``, so this is a lower bound of the demographic noise of a
  net flow;
* **moves between states** (internal migration, naturalisation): the movers
  out of each origin are binomial among its population, with the kernel's
  probability ``1 - exp(-n m)``, and sent to the destinations multinomially
  with the destination shares, one move after the other.

Populations are rarely whole numbers (profiles spread counts over ages, a
base may be an estimate). The whole persons of a cell are drawn; the
fraction of a person left over dies or moves in expectation (``q f``, ``p f``
persons). The mean of every binomial count is therefore exact, and it never
exceeds the persons at risk; for whole persons it is the binomial itself.

The draws are made around the expected flows of the step from the start
population, which leaves two effects of second order aside: the births'
exposure counts the expected, not the drawn, deaths and migrants of the
women, and the persons at risk of dying count the expected migrants of the
start of the step. Moves between states are drawn from the population after
the other draws. A cell whose drawn net emigrants exceed the persons there is
set to zero, as the kernel's ``"reduce"`` safeguard does: the emigrants who
are not there do not leave. No population becomes negative.

Each flow of a step takes its random numbers from its own generator per
block of draws (:class:`Streams`); :func:`projsim.stochastic.noise_streams`
derives them from the seed.

References
----------
Keyfitz, N. (1972). On future population. *Journal of the American
Statistical Association* 67(338): 347-363. doi:10.1080/01621459.1972.10482386

Alho, J. M. and Spencer, B. D. (2005). *Statistical Demography and
Forecasting*, ch. 3 and 7. New York: Springer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from projsim.engine.rates import Flows, Rates
from projsim.engine.step import Workspace
from projsim.engine.step import step as expected_step
from projsim.types import MigrationTiming, Safeguard

#: How many rounding errors of ``D / q`` from a whole number a number of
#: persons at risk may be and still count as that whole number.
ROUNDING_ULPS = 8
#: The flows drawn in each step, in the order of their streams; the movers of
#: the first move between states are ``moved_out`` and ``moved_in``, those of
#: move ``k >= 1`` have streams of their own (:func:`noisy_flows`).
NOISY_FLOWS = ("births", "girls", "deaths", "net_migration", "moved_out", "moved_in")


def noisy_flows(moves: int) -> tuple[str, ...]:
    """The flows drawn in a step with ``moves`` kinds of moves between states.

    Examples
    --------
    >>> noisy_flows(2)[-4:]
    ('moved_out', 'moved_in', 'moved_out_1', 'moved_in_1')
    """
    extra = tuple(f"{name}_{k}" for k in range(1, moves) for name in ("moved_out", "moved_in"))
    return NOISY_FLOWS + extra


def _of_move(flow: str, k: int) -> str:
    """The stream name of a move's flow: ``moved_out`` for the first move, ``moved_out_k`` after."""
    return flow if k == 0 else f"{flow}_{k}"


class Streams(NamedTuple):
    """The random generators of one step for consecutive blocks of draws.

    Attributes
    ----------
    generators : mapping of str to sequence of numpy.random.Generator
        For each flow of :data:`NOISY_FLOWS`, one generator per block, the
        first for draws ``0 .. block - 1`` of the batch.
    block : int
        Draws per block.
    """

    generators: Mapping[str, Sequence[np.random.Generator]]
    block: int


def draw(streams: Streams, flow: str, method: str, *parameters) -> np.ndarray:
    """Random variates of one flow, each block of draws from its own generator.

    Parameters
    ----------
    streams : Streams
        The step's generators.
    flow : str
        One of :data:`NOISY_FLOWS`.
    method : str
        A method of :class:`numpy.random.Generator` (``"poisson"``, ...).
    *parameters : ndarray
        Its parameters, with the batch of draws first (or an axis of size 1).

    Returns
    -------
    ndarray
        The variates, batch first.

    Examples
    --------
    >>> def streams(seed):
    ...     return Streams({"births": [np.random.default_rng(seed + b) for b in range(2)]}, 2)
    >>> mean = np.full((3, 4), 50.0)
    >>> whole = draw(streams(0), "births", "poisson", mean)
    >>> bool(np.array_equal(draw(streams(0), "births", "poisson", mean[:2]), whole[:2]))
    True
    """
    batch = max(np.shape(p)[0] for p in parameters)
    pieces = []
    for index, generator in enumerate(streams.generators[flow]):
        part = slice(index * streams.block, min((index + 1) * streams.block, batch))
        if part.start >= batch:
            break
        pieces.append(getattr(generator, method)(
            *(p[part] if np.shape(p)[0] == batch else p for p in parameters)))
    return np.concatenate(pieces)


def binomial_persons(streams: Streams, flow: str, persons: np.ndarray,
                     probability: np.ndarray) -> np.ndarray:
    """How many of ``persons`` an event with ``probability`` takes, drawn.

    The whole persons are drawn binomially; the fraction of a person left
    over contributes its expectation. The mean is ``persons * probability``
    and the result lies between 0 and ``persons``.

    Parameters
    ----------
    streams : Streams
        The step's generators.
    flow : str
        The flow drawn (:data:`NOISY_FLOWS`).
    persons : ndarray, (batch, ...)
        Persons at risk, not negative [persons].
    probability : ndarray, (batch or 1, ...)
        Probability of the event for each person [1].

    Returns
    -------
    ndarray, (batch, ...)
        Persons the event takes [persons].
    """
    whole = np.floor(persons)
    drawn = draw(streams, flow, "binomial", whole.astype(np.int64),
                 np.broadcast_to(probability, persons.shape))
    return drawn + (persons - whole) * probability


def persons_at_risk(deaths: np.ndarray, death_probability: np.ndarray,
                    epsilon: float) -> np.ndarray:
    """The persons at risk ``N = D / q`` whose expected deaths are ``D``.

    The kernel's deaths ``D = N - N S`` carry a rounding error of a few
    ``epsilon N``, which the division by ``q`` enlarges to about
    ``epsilon N / q``; a result within :data:`ROUNDING_ULPS` such errors of a
    whole number is that whole number, so that a cohort of whole persons
    stays one. Cells with ``q = 0`` have no one at risk of dying.

    Parameters
    ----------
    deaths : ndarray
        Expected deaths [persons].
    death_probability : ndarray
        Probability of dying during the step, ``1 - S`` [1].
    epsilon : float
        The machine epsilon of the state's precision.

    Returns
    -------
    ndarray
        Persons at risk, not negative [persons].

    Examples
    --------
    >>> survival = np.array([0.999, 0.5])
    >>> deaths, q = 500.0 - 500.0 * survival, 1 - survival
    >>> float(deaths[0] / q[0])
    499.99999999999955
    >>> persons_at_risk(deaths, q, np.finfo(float).eps).tolist()
    [500.0, 500.0]
    """
    shape = np.broadcast_shapes(deaths.shape, np.shape(death_probability))
    at_risk = np.divide(deaths, death_probability, out=np.zeros(shape),
                        where=death_probability > 0)
    np.maximum(at_risk, 0.0, out=at_risk)
    whole = np.round(at_risk)
    rounding = ROUNDING_ULPS * epsilon * np.divide(at_risk, death_probability,
                                                   out=np.zeros(shape),
                                                   where=death_probability > 0)
    return np.where(np.abs(at_risk - whole) <= rounding, whole, at_risk)


def births_drawn(streams: Streams, expected: np.ndarray,
                 sex_ratio_at_birth: np.ndarray) -> np.ndarray:
    """Births by sex: Poisson in all, the girls binomial among them.

    Parameters
    ----------
    streams : Streams
        The step's generators.
    expected : ndarray, (batch, state, sex)
        Expected births by sex of the child [persons per step].
    sex_ratio_at_birth : ndarray, (batch or 1, state)
        Male births per female birth [1].

    Returns
    -------
    ndarray, (batch, state, sex)
        Drawn births [persons per step].
    """
    total = draw(streams, "births", "poisson", expected.sum(axis=-1))
    girl = np.broadcast_to(1.0 / (1.0 + np.asarray(sex_ratio_at_birth, dtype=float)),
                           total.shape)
    girls = draw(streams, "girls", "binomial", total, girl)
    return np.stack([girls, total - girls], axis=-1).astype(float)


def net_migrants_drawn(streams: Streams, expected: np.ndarray) -> np.ndarray:
    """Net migrants ``sign(M) Poisson(|M|)`` around the expected net ``M`` [persons]."""
    return np.sign(expected) * draw(streams, "net_migration", "poisson",
                                    np.abs(expected))


def moves_drawn(streams: Streams, population: np.ndarray, move_rate: np.ndarray,
                move_destination: np.ndarray, width: int, k: int = 0):
    """One move between states (move ``k``): binomial movers, multinomial destinations.

    Parameters
    ----------
    streams : Streams
        The step's generators.
    population : ndarray, (batch, state, sex, age)
        Population at risk, not negative [persons].
    move_rate : ndarray, (batch or 1, state, sex, age)
        Rates of the move [per person-year].
    move_destination : ndarray, (batch or 1, state, state)
        Destination shares of each origin's movers [1]; an origin that no one
        leaves may have a row of zeros.
    width : int
        Step length [years].
    k : int
        The move's position on the move axis, which chooses its streams.

    Returns
    -------
    moved_in, moved_out : ndarray, (batch, state, sex, age)
        Movers by destination and by origin [persons].
    """
    batch, states = population.shape[:2]
    leaving = -np.expm1(-width * np.asarray(move_rate, dtype=float))
    shares = np.asarray(move_destination, dtype=float)
    sums = shares.sum(axis=-1, keepdims=True)
    # an origin no one leaves gets a stand-in distribution: it sends no one anywhere
    shares = np.where(sums > 0, shares / np.where(sums > 0, sums, 1.0), np.eye(states))
    whole = np.floor(population)
    whole_out = draw(streams, _of_move("moved_out", k), "binomial", whole.astype(np.int64),
                     np.broadcast_to(leaving, population.shape))
    to_each = draw(streams, _of_move("moved_in", k), "multinomial", whole_out,
                   shares[:, :, None, None, :])                  # (batch, origin, sex, age, dest)
    fraction_out = (population - whole) * leaving
    moved_in = np.moveaxis(to_each.sum(axis=1), -1, 1).astype(float)
    moved_in += np.matmul(np.swapaxes(shares, -1, -2),
                          fraction_out.reshape(batch, states, -1)).reshape(population.shape)
    return moved_in, whole_out + fraction_out


def step(population: np.ndarray, rates: Rates, streams: Streams, *, width: int = 1,
         timing: MigrationTiming = "even", safeguard: Safeguard = "reduce",
         out: np.ndarray | None = None, flows: Flows | None = None,
         workspace: Workspace | None = None) -> tuple[np.ndarray, Flows]:
    """Advance a population by one step with births, deaths and migrants drawn.

    The kernel's step gives the expected flows; births, deaths, net
    international migrants and moves between states are then drawn around them as
    the module docstring states, and the end population is rebuilt from the
    drawn flows.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the step [persons].
    rates : Rates
        The step's inputs, without a time axis.
    streams : Streams
        The step's random generators, one per flow and block of the batch.
    width, timing, safeguard, out, workspace
        As for :func:`projsim.engine.step`.
    flows : Flows, optional
        Arrays to write the flows into (:func:`projsim.engine.empty_flows`);
        those of the previous step may be passed again.

    Returns
    -------
    end : ndarray, (batch, state, sex, age)
        Population at the end of the step, never negative [persons].
    flows : Flows
        The drawn flows: ``births``, ``births_by_age`` (scaled to the drawn
        births), ``deaths``, ``net_migration`` (applied, after any cut of
        emigrants who are not there), ``moved_in`` and ``moved_out``,
        which balance the end population as the kernel's flows do.
        ``migration_adjustment`` and ``population_floor`` are those of the
        expected step.
    """
    if flows is not None:
        flows.net_migration[...] = 0.0      # the kernel leaves it alone without migrants
    end, flows = expected_step(population, rates, width=width, timing=timing,
                               safeguard=safeguard, out=out, flows=flows, record=True,
                               workspace=workspace)
    expected_births = flows.births.copy()
    births = births_drawn(streams, expected_births, rates.sex_ratio_at_birth)
    death_probability = 1.0 - np.asarray(rates.survival, dtype=float)
    at_risk = persons_at_risk(flows.deaths, death_probability, np.finfo(end.dtype).eps)
    at_risk[..., 0] = births
    deaths = binomial_persons(streams, "deaths", at_risk, death_probability)
    migrants = net_migrants_drawn(streams, flows.net_migration)

    moves = 0 if rates.move_rate is None else rates.move_rate.shape[-4]
    before_moves = np.asarray(end, dtype=float)
    for k in reversed(range(moves)):
        before_moves = before_moves - flows.moved_in[:, k] + flows.moved_out[:, k]
    before_moves += flows.deaths - deaths
    before_moves[..., 0] += births - expected_births
    before_moves += migrants - flows.net_migration
    cut = np.minimum(before_moves, 0.0)
    before_moves -= cut

    flows.births_by_age[...] *= np.divide(births.sum(axis=-1), expected_births.sum(axis=-1),
                                          out=np.zeros(births.shape[:-1]),
                                          where=expected_births.sum(axis=-1) > 0)[..., None]
    flows.births[...] = births
    flows.deaths[...] = deaths
    flows.net_migration[...] = migrants - cut
    for k in range(moves):
        moved_in, moved_out = moves_drawn(streams, before_moves, rates.move_rate[..., k, :, :, :],
                                          rates.move_destination[..., k, :, :], width, k)
        flows.moved_in[:, k] = moved_in
        flows.moved_out[:, k] = moved_out
        before_moves = before_moves - moved_out + moved_in
    end[...] = before_moves
    return end, flows
