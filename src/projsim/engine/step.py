"""The reference projection step: unlabeled numpy arrays, one step at a time.

A step advances the population from one date to the date ``n`` years later
(1 January to 1 January with ``n = 1``). The algebra follows the UN Population
Division's CCMPP step (``ccmppWPP``, ``project_ccmpp_z_by_z``), with the
labelling rule that the survival ratio ``S[i]`` moves people *into* group
``i``; the README's Method section gives every equation and the Lexis meaning
of each flow. The arrays and their axes are described in
:mod:`projsim.engine.rates`. This module imports numpy and nothing else from
outside the package; labels are attached in :mod:`projsim.result`.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*, ch. 6. Oxford: Blackwell.

Wheldon, M. C. and Hertog, S. (2022). ``ccmppWPP``: cohort-component
projection for the World Population Prospects, UN Population Division
(github.com/markalava/ccmppWPP, commit 09739c8).

Rogers, A. (1975). *Introduction to Multiregional Mathematical Demography*.
New York: Wiley.
"""

from __future__ import annotations

import numpy as np

from projsim.engine.rates import (
    CCMPP_FLOOR, CCMPP_OVERRIDE_RESIDUAL, TIMING_WEIGHTS, Flows, Rates, empty_flows,
)
from projsim.types import MigrationTiming, Safeguard


class Workspace:
    """Scratch arrays reused from one step to the next.

    A time loop that passes the same workspace to every :func:`step` allocates
    its temporaries once instead of once per step; for large states that
    saves both the allocation and the operating system's zeroing of fresh
    memory.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An uninitialised array ``name`` of ``shape``, reused when possible."""
        array = self._arrays.get(name)
        if array is None or array.shape != shape:
            array = self._arrays[name] = np.empty(shape)
        return array


def survive(population, survival, out=None, deaths=None):
    """Age a population by one group and apply survival ratios.

    The shift by one age group runs on the flattened ``(batch, rest)`` view, a
    single contiguous multiplication; the cells that cross from one row to the
    next land in group 0, which is reset (births fill it).

    Parameters
    ----------
    population : ndarray, (batch, ..., age)
        Population at the start of the step, C-contiguous [persons].
    survival : ndarray, (batch or 1, ..., age)
        Survival ratios in the UN labelling (see :class:`Rates`) [1].
    out : ndarray, optional
        Where to write the survivors; a new array by default.
    deaths : ndarray, optional
        If given, receives the deaths of each cohort.

    Returns
    -------
    ndarray, (batch, ..., age)
        Survivors at the end of the step by age group at the end [persons];
        group 0 is zero.

    Examples
    --------
    >>> deaths = np.empty((1, 3))
    >>> survive(np.array([[10.0, 20.0, 30.0]]), np.array([[0.9, 0.5, 0.25]]), deaths=deaths)
    array([[ 0. ,  5. , 12.5]])
    >>> deaths
    array([[ 0. ,  5. , 37.5]])
    """
    shape = population.shape
    out = np.empty(shape) if out is None else out
    survival = np.broadcast_to(survival, survival.shape[:1] + shape[1:])
    flat_pop, flat_out = population.reshape(shape[0], -1), out.reshape(shape[0], -1)
    flat_survival = survival.reshape(survival.shape[0], -1)
    np.multiply(flat_pop[:, :-1], flat_survival[:, 1:], out=flat_out[:, 1:])
    out[..., -1] += population[..., -1] * survival[..., -1]
    out[..., 0] = 0.0
    if deaths is not None:
        flat_deaths = deaths.reshape(shape[0], -1)
        np.subtract(flat_pop[:, :-1], flat_out[:, 1:], out=flat_deaths[:, 1:])
        deaths[..., -1] = population[..., -2] + population[..., -1] - out[..., -1]
        deaths[..., 0] = 0.0
    return out


def births_in_step(start, end, fertility_rate, sex_ratio_at_birth, width):
    """Births during a step from the mean of the start and end female population.

    Only the age groups where some fertility rate is non-zero are read.

    Parameters
    ----------
    start, end : ndarray, (..., sex, age)
        Population at the start and at the end of the step, by the same age
        group index [persons]; sex 0 are the mothers.
    fertility_rate : ndarray, (..., age)
        Age-specific fertility rates [births per woman per year].
    sex_ratio_at_birth : ndarray, (...)
        Male births per female birth [1].
    width : int
        Step length [years].

    Returns
    -------
    births : ndarray, (..., sex)
        Births by sex of the child [persons per step]: female ``B / (1 + srb)``,
        male the rest.
    births_by_age : ndarray, (..., age)
        Births by age group of the mother [persons per step],
        ``n f(i) (start(i) + end(i)) / 2``.

    Examples
    --------
    >>> start = np.array([[0.0, 100.0, 50.0], [0.0, 0.0, 0.0]])
    >>> end = np.array([[0.0, 80.0, 90.0], [0.0, 0.0, 0.0]])
    >>> births_in_step(start, end, np.array([0.0, 0.5, 0.1]), np.array(1.0), 1)
    (array([26., 26.]), array([ 0., 45.,  7.]))
    """
    ages = start.shape[-1]
    fertile = np.flatnonzero(np.reshape(fertility_rate != 0, (-1, ages)).any(axis=0))
    low, high = (fertile[0], fertile[-1] + 1) if fertile.size else (0, 0)
    mothers = start[..., 0, low:high] + end[..., 0, low:high]
    lead = np.broadcast_shapes(mothers.shape[:-1], np.shape(fertility_rate)[:-1])
    births_by_age = np.zeros(lead + (ages,))
    births_by_age[..., low:high] = width * fertility_rate[..., low:high] * mothers / 2
    total = births_by_age[..., low:high].sum(axis=-1)
    female = total / (1.0 + sex_ratio_at_birth)
    return np.stack([female, total - female], axis=-1), births_by_age


def born_into(births, birth_destination):
    """Births by the state the children are born into, from births by the mother's state.

    Parameters
    ----------
    births : ndarray, (batch, state, sex)
        Births by the mother's state and sex of the child [persons per step].
    birth_destination : ndarray, (batch or 1, state, state)
        Share of each mother's state's births (rows) born into each state
        (columns) [1].

    Returns
    -------
    ndarray, (batch, state, sex)
        Births by the child's state [persons per step]; their total is unchanged.

    Examples
    --------
    >>> births = np.array([[[10.0, 10.0], [4.0, 6.0]]])
    >>> born_into(births, np.array([[[1.0, 0.0], [0.25, 0.75]]]))
    array([[[11. , 11.5],
            [ 3. ,  4.5]]])
    """
    return np.matmul(np.swapaxes(birth_destination, -1, -2), births)


def cut_outflows(population, workspace, name, keep=True):
    """Raise negative cells to zero in place and return what was cut.

    Parameters
    ----------
    population : ndarray
        Population after an outflow [persons]; modified in place.
    workspace : Workspace
        Where the returned array lives.
    name : str
        Its name in the workspace.
    keep : bool
        If false, only clip (one pass instead of two) and return ``None``.

    Returns
    -------
    ndarray or None
        The negative parts that were removed (``<= 0``): adding it back gives
        the population before the cut [persons].

    Examples
    --------
    >>> pop = np.array([5.0, -3.0])
    >>> cut_outflows(pop, Workspace(), "cut"), pop
    (array([ 0., -3.]), array([5., 0.]))
    """
    if not keep:
        np.maximum(population, 0.0, out=population)
        return None
    negative = np.minimum(population, 0.0, out=workspace.get(name, population.shape))
    population -= negative
    return negative


def to_cohort(at_start, after_start, out=None):
    """Relabel flows by the age group their cohort reaches at the end of a step.

    Parameters
    ----------
    at_start : ndarray, (..., age)
        Flows joining at the start of the step, by age at the start.
    after_start : ndarray, (..., age)
        Flows joining later in the step, by age at the end.
    out : ndarray, optional
        Where to write the result.

    Returns
    -------
    ndarray, (..., age)
        The flows of each cohort, by age group at the end of the step; the
        open group pools the start flows of groups ``omega - 1`` and ``omega``.

    Examples
    --------
    >>> to_cohort(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0]))
    array([10., 21., 35.])
    """
    shape = np.broadcast_shapes(np.shape(at_start), np.shape(after_start))
    out = np.empty(shape) if out is None else out
    out[...] = after_start
    out[..., 1:] += at_start[..., :-1]
    out[..., -1] += at_start[..., -1]
    return out


def leaving(population, move_rate, width, out=None):
    """Movers out of each origin: ``P (1 - exp(-n m))``, never more than ``P``.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at risk, non-negative [persons].
    move_rate : ndarray, (batch or 1, state, sex, age)
        The move's rates [per person-year].
    width : int
        Step length [years].
    out : ndarray, optional
        Where to write the movers.

    Returns
    -------
    ndarray, (batch, state, sex, age)
        Movers by origin [persons].
    """
    out = np.empty(population.shape) if out is None else out
    return np.multiply(population, -np.expm1(-width * move_rate), out=out)


def distribute(moved_out, move_destination, out=None):
    """Send each origin's movers to the destinations: one stacked matrix product.

    Parameters
    ----------
    moved_out : ndarray, (batch, state, sex, age)
        Movers by origin [persons].
    move_destination : ndarray, (batch or 1, state, state)
        Destination shares of each origin's movers (rows: origin) [1].
    out : ndarray, optional
        Where to write the in-movers.

    Returns
    -------
    ndarray, (batch, state, sex, age)
        Movers by destination [persons]; their total equals the movers' (to
        rounding) wherever each moving origin's shares sum to 1.
    """
    batch, states = moved_out.shape[:2]
    out = np.empty(moved_out.shape) if out is None else out
    target = np.reshape(out, (batch, states, -1), copy=False)   # a view: raises if it cannot be
    np.matmul(np.swapaxes(move_destination, -1, -2), moved_out.reshape(batch, states, -1),
              out=target)
    return out


def move_between(population, move_rate, move_destination, width, moved_in=None, moved_out=None):
    """Move people between states: the rates of one move and its destination shares.

    The multiregional method (Rogers 1975), used for internal migration
    between regions and for naturalisation between nationalities alike:
    movers out of each origin are ``P (1 - exp(-n m))`` (:func:`leaving`) and
    are shared among destinations by ``move_destination`` in one stacked
    matrix product over the state axis (:func:`distribute`). The total over
    states is unchanged (to rounding).

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at risk, non-negative [persons].
    move_rate : ndarray, (batch or 1, state, sex, age)
        Rates of the move [per person-year].
    move_destination : ndarray, (batch or 1, state, state)
        Destination shares of each origin's movers [1].
    width : int
        Step length [years].
    moved_in, moved_out : ndarray, optional
        Where to write the results.

    Returns
    -------
    moved_in, moved_out : ndarray, (batch, state, sex, age)
        Movers by destination and by origin [persons].

    Examples
    --------
    >>> pop = np.array([100.0, 50.0]).reshape(1, 2, 1, 1)
    >>> rate = np.full((1, 2, 1, 1), np.log(2.0))
    >>> dest = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    >>> [a.ravel() for a in move_between(pop, rate, dest, 1)]
    [array([25., 50.]), array([50., 25.])]
    """
    moved_out = leaving(population, move_rate, width, out=moved_out)
    return distribute(moved_out, move_destination, out=moved_in), moved_out


def balanced_immigration(immigration, emigration, net_total):
    """Immigrants distributed like ``immigration`` whose number balances a net total.

    ``I_i = immigration_i / sum(immigration) * (N + sum(E))``, so that the
    immigrants minus the emigrants ``E`` of each batch entry equal ``N``; a
    batch entry whose ``N`` is NaN keeps ``immigration`` as its immigrants.

    Parameters
    ----------
    immigration : ndarray, (batch or 1, state, sex, age)
        The distribution of the immigrants (its total is not used) [persons].
    emigration : ndarray, (batch, state, sex, age)
        Emigrants of the step [persons per step].
    net_total : ndarray, (batch or 1,)
        Immigrants minus emigrants of the step [persons per step]; NaN where
        the immigrants are counts as given.

    Returns
    -------
    ndarray, (batch, state, sex, age)
        Immigrants [persons per step].

    Examples
    --------
    >>> balanced_immigration(np.array([[1.0, 3.0]]), np.array([[10.0, 30.0]]), np.array([60.0]))
    array([[25., 75.]])
    """
    axes = tuple(range(1, np.ndim(emigration)))
    net_total = np.asarray(net_total)
    needed = (net_total + emigration.sum(axis=axes)).reshape(-1, *(1,) * len(axes))
    total = immigration.sum(axis=axes, keepdims=True)
    share = np.divide(immigration, total, out=np.zeros(np.shape(immigration)), where=total > 0)
    balanced = share * needed
    given = np.isnan(net_total).reshape(-1, *(1,) * len(axes))
    return np.where(given, immigration, balanced) if given.any() else balanced


def asked_migrants(population, rates, width):
    """The migrants a step asks for, by age at migration (before any safeguard).

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the step [persons].
    rates : Rates
        The step's inputs, without a time axis.
    width : int
        Step length [years].

    Returns
    -------
    asked : ndarray or None
        Net international migrants asked for: net counts plus immigrants
        minus emigrants [persons per step]; ``None`` without any.
    emigration : ndarray or None
        The emigrants implied by the emigration rates [persons per step].
    immigration : ndarray or None
        The immigrants, balancing ``net_total`` where it is given [persons per step].
    """
    asked = rates.net_migration
    emigration = immigration = None
    if rates.emigration_rate is not None:
        emigration = population * -np.expm1(-width * rates.emigration_rate)
    if rates.immigration is not None:
        immigration = rates.immigration if rates.net_total is None \
            else balanced_immigration(rates.immigration, emigration, rates.net_total)
        asked = immigration if asked is None else asked + immigration
    if emigration is not None:
        asked = -emigration if asked is None else asked - emigration
    return asked, emigration, immigration


def step(
    population: np.ndarray,
    rates: Rates,
    *,
    width: int = 1,
    timing: MigrationTiming = "even",
    safeguard: Safeguard = "reduce",
    out: np.ndarray | None = None,
    flows: Flows | None = None,
    record: bool = True,
    workspace: Workspace | None = None,
) -> tuple[np.ndarray, Flows | None]:
    """Advance a population by one step of ``width`` years.

    The order within the step is: international migrants of the start part;
    survival; migrants of the middle part; births from the mean of the start
    and end female population, each child born into its state (the mother's,
    or by ``birth_destination``); infants; migrants of the end part; the
    population floor (``"ccmpp"`` only); the moves between states, one after
    the other in the order of the ``move`` axis. Inputs are not validated
    here: :func:`projsim.engine.project` validates once before the time loop.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the step, C-contiguous [persons].
    rates : Rates
        The step's inputs, without a time axis.
    width : int
        Step length, equal to the width of the age groups [years].
    timing : {"even", "end"}
        When international migrants arrive (:data:`projsim.types.MigrationTiming`).
    safeguard : {"reduce", "ccmpp"}
        What to do with outflows that exceed a population
        (:data:`projsim.types.Safeguard`).
    out : ndarray, optional
        Where to write the end population (not ``population`` itself).
    flows : Flows, optional
        Zero-filled arrays (:func:`projsim.engine.empty_flows`) to write the
        flows into.
    record : bool
        If false, compute the end population only and return ``None`` flows;
        for large ensembles that need no flows.
    workspace : Workspace, optional
        Scratch arrays to reuse across steps.

    Returns
    -------
    end : ndarray, (batch, state, sex, age)
        Population at the end of the step [persons].
    flows : Flows or None
        The step's flows.
    """
    w_start, w_mid, w_late = TIMING_WEIGHTS[timing]
    reduce = safeguard == "reduce"
    shape = population.shape
    work = Workspace() if workspace is None else workspace
    end = np.empty(shape) if out is None else out
    if record and flows is None:
        flows = empty_flows(shape, rates)

    asked, emigration, immigration = asked_migrants(population, rates, width)
    migrants = asked
    if asked is not None and safeguard == "ccmpp":
        migrants = np.where(population + asked <= 0, CCMPP_OVERRIDE_RESIDUAL - population, asked)
    cut_start = cut_after = None

    exposed = population
    if migrants is not None and w_start:
        exposed = np.add(population, w_start * migrants, out=work.get("exposed", shape))
        cut_start = cut_outflows(exposed, work, "cut_start", record) if reduce else None
    survive(exposed, rates.survival, out=end, deaths=flows.deaths if record else None)
    if migrants is not None and w_mid:
        middle = w_mid * migrants
        end += middle
        end[..., 0] = 0.0
        cut_after = cut_outflows(end, work, "cut_after", record) if reduce else None

    births, births_by_age = births_in_step(
        exposed, end, rates.fertility_rate, rates.sex_ratio_at_birth, width)
    if rates.birth_destination is not None:
        births = born_into(births, rates.birth_destination)
    end[..., 0] = rates.survival[..., 0] * births
    if record:
        flows.deaths[..., 0] = births - end[..., 0]
        flows.births[...] = births
        flows.births_by_age[...] = births_by_age
    if migrants is not None and w_mid:
        end[..., 0] += middle[..., 0]
        if reduce:
            infant_cut = np.minimum(end[..., 0], 0.0)
            end[..., 0] -= infant_cut
            if record:
                cut_after[..., 0] = infant_cut
    if migrants is not None and w_late:
        end += w_late * migrants
        cut_after = cut_outflows(end, work, "cut_after", record) if reduce else None

    if safeguard == "ccmpp":
        floor = np.where(end < 0, CCMPP_FLOOR - end, 0.0)
        end += floor
        if record:
            flows.population_floor[...] = floor

    if rates.move_rate is not None:
        _move(end, rates, width, flows if record else None, work)

    if record and migrants is not None:
        _record_migration(flows, asked, migrants, cut_start, cut_after, immigration,
                          emigration, (w_start, w_mid + w_late))
    return end, flows


def _move(end, rates, width, flows, work):
    """Apply each move between states to ``end`` in turn, recording the movers."""
    shape = end.shape
    for k in range(rates.move_rate.shape[-4]):
        moved_in, moved_out = move_between(
            end, rates.move_rate[..., k, :, :, :], rates.move_destination[..., k, :, :], width,
            moved_in=work.get("moved_in", shape) if flows is None else flows.moved_in[:, k],
            moved_out=work.get("moved_out", shape) if flows is None else flows.moved_out[:, k])
        end -= moved_out
        end += moved_in


def _record_migration(flows, asked, migrants, cut_start, cut_after, immigration, emigration,
                      weights):
    """Write the applied migrants by cohort and every adjustment into ``flows``."""
    at_start, after_start = weights
    applied_start = at_start * migrants
    applied_after = after_start * migrants
    adjustment = flows.migration_adjustment
    adjustment[...] = migrants - asked
    if cut_start is not None:
        applied_start = applied_start - cut_start
        adjustment -= cut_start
    if cut_after is not None:
        applied_after = applied_after - cut_after
        adjustment -= cut_after
    to_cohort(applied_start, applied_after, out=flows.net_migration)
    if immigration is not None:
        to_cohort(at_start * immigration, after_start * immigration, out=flows.immigration)
    if emigration is not None:
        to_cohort(at_start * emigration, after_start * emigration, out=flows.emigration)
