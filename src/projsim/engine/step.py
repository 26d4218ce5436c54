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

from projsim.engine.cohorts import births_in_step, cut_outflows, survive, to_cohort
from projsim.engine.moves import born_into, move_between
from projsim.engine.rates import (
    CCMPP_FLOOR,
    CCMPP_OVERRIDE_RESIDUAL,
    TIMING_WEIGHTS,
    Flows,
    Rates,
    empty_flows,
)
from projsim.types import MigrationTiming, Safeguard


class Workspace:
    """Scratch arrays reused from one step to the next.

    A time loop that passes the same workspace to every :func:`step` allocates
    its temporaries once instead of once per step; for large states that
    saves both the allocation and the operating system's zeroing of fresh
    memory.
    """

    def __init__(self, fertile: slice | None = None) -> None:
        self._arrays: dict[str, np.ndarray] = {}
        #: The age groups with births in every step, when the time loop knows them.
        self.fertile = fertile

    def get(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """An uninitialised array ``name`` of ``shape``, reused when possible."""
        array = self._arrays.get(name)
        if array is None or array.shape != shape:
            array = self._arrays[name] = np.empty(shape)
        return array


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
        exposed, end, rates.fertility_rate, rates.sex_ratio_at_birth, width, work.fertile, record)
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
