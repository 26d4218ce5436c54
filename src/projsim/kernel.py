"""The cohort-component kernel: unlabeled numpy arrays, one step at a time.

Every array has the axes ``(batch, state, sex, age)``:

* ``batch`` carries variants or stochastic draws;
* ``state`` is a generic axis (regions today; it may later cross regions with
  nationality), so nothing here knows what a state is;
* ``sex`` has two entries, ``0`` for the sex that gives birth (female) and
  ``1`` for male (:data:`projsim.types.SEXES`);
* ``age`` holds groups ``0 .. omega`` of width ``n`` years, the last one open.

A step advances the population from one date to the date ``n`` years later
(1 January to 1 January with ``n = 1``). The algebra follows the UN Population
Division's CCMPP step (``ccmppWPP``, ``project_ccmpp_z_by_z``), with the
labelling rule that the survival ratio ``S[i]`` moves people *into* group
``i``; the README's Method section gives every equation and the Lexis meaning
of each flow. This module imports numpy and nothing else from outside the
package; labels are attached in :mod:`projsim.result`.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*, ch. 6. Oxford: Blackwell.

Wheldon, M. C. and Hertog, S. (2022). ``ccmppWPP``: cohort-component
projection for the World Population Prospects, UN Population Division
(github.com/markalava/ccmppWPP, commit 09739c8).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from projsim.errors import InputError
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS, MigrationTiming, Safeguard

#: Share of a step's international migrants added (at the start, after
#: survival but before the births exposure is measured, after births) under
#: each timing convention.
TIMING_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "even": (0.5, 0.5, 0.0),
    "end": (0.0, 0.0, 1.0),
}

#: The UN's replacement for a net count that would empty a cell before the
#: step (P + M <= 0 gives M = CCMPP_OVERRIDE_RESIDUAL - P) [persons].
CCMPP_OVERRIDE_RESIDUAL = 1e-5
#: The UN's floor for a negative end population [persons].
CCMPP_FLOOR = 0.0005


class Rates(NamedTuple):
    """Inputs of one step, or of every step with a leading ``time`` axis.

    Shapes below are for one step; :func:`project` takes the same fields
    with a leading ``time`` axis of length ``T`` or ``1`` (constant). Every
    array may have size 1 on any axis it does not vary over.

    Attributes
    ----------
    survival : ndarray, (batch, state, sex, age)
        Survival ratios [1] in the UN labelling: ``S[..., 0] = L0 / (n l0)``
        carries births to group 0, ``S[..., i] = L(i) / L(i-1)`` carries group
        ``i - 1`` into group ``i`` and ``S[..., omega] = T(omega) / T(omega-1)``
        carries groups ``omega - 1`` and ``omega`` into the open group.
    fertility_rate : ndarray, (batch, state, age)
        Age-specific fertility rates [births per woman per year] by age group
        of the mother at the start of the step; must be 0 in group 0 and in
        the open group.
    sex_ratio_at_birth : ndarray, (batch, state)
        Male births per female birth [1].
    net_migration : ndarray, (batch, state, sex, age), optional
        Net international migrants during the step [persons per step], by
        age group at the time of migration (a Lexis square).
    immigration : ndarray, (batch, state, sex, age), optional
        International immigrants during the step [persons per step].
    emigration_rate : ndarray, (batch, state, sex, age), optional
        International emigration rates [per person-year].
    internal_rate : ndarray, (batch, state, sex, age), optional
        Out-migration rates to the other states [per person-year], by age
        group at the end of the step.
    internal_destination : ndarray, (batch, state, state), optional
        Share of the out-migrants of each origin (rows) that go to each
        destination (columns) [1]; rows sum to 1, the diagonal is 0.
    """

    survival: np.ndarray
    fertility_rate: np.ndarray
    sex_ratio_at_birth: np.ndarray
    net_migration: np.ndarray | None = None
    immigration: np.ndarray | None = None
    emigration_rate: np.ndarray | None = None
    internal_rate: np.ndarray | None = None
    internal_destination: np.ndarray | None = None


class Flows(NamedTuple):
    """What happened during a step (or each step, with a leading time axis).

    Cohort flows are labelled by the age group the cohort reaches at the end
    of the step (a Lexis parallelogram), as the UN labels cohort deaths, so
    that for ``0 < i < omega`` and every batch, state and sex::

        end[i] = start[i-1] - deaths[i] + net_migration[i]
                 + internal_in[i] - internal_out[i] + population_floor[i]

    with births entering group 0 and the open group pooling ``start[omega-1]``
    and ``start[omega]``.

    Attributes
    ----------
    births : ndarray, (batch, state, sex)
        Live births during the step by sex of the child [persons per step],
        attributed to the mother's state.
    births_by_age : ndarray, (batch, state, age)
        The same births (both sexes) by age group of the mother.
    deaths : ndarray, (batch, state, sex, age)
        Deaths implied by the survival ratios, by cohort [persons per step].
    net_migration : ndarray, (batch, state, sex, age)
        International net migrants applied, by cohort [persons per step].
    immigration, emigration : ndarray or None, (batch, state, sex, age)
        International immigrants and emigrants by cohort, when the step was
        given immigration counts or emigration rates (``None`` otherwise).
    internal_in, internal_out : ndarray, (batch, state, sex, age)
        Moves between states by cohort [persons per step].
    migration_adjustment : ndarray, (batch, state, sex, age)
        Net migrants applied minus net migrants asked for, labelled like the
        input (age at migration) [persons per step]: the UN override under
        ``safeguard="ccmpp"``, the reduction of outflows larger than the
        population at risk under ``"reduce"``.
    population_floor : ndarray, (batch, state, sex, age)
        Persons added to raise a negative end population to the UN floor
        (``safeguard="ccmpp"`` only; zero otherwise) [persons].
    """

    births: np.ndarray
    births_by_age: np.ndarray
    deaths: np.ndarray
    net_migration: np.ndarray
    immigration: np.ndarray | None
    emigration: np.ndarray | None
    internal_in: np.ndarray
    internal_out: np.ndarray
    migration_adjustment: np.ndarray
    population_floor: np.ndarray


class Projection(NamedTuple):
    """A projection: populations at ``T + 1`` dates and the flows of ``T`` steps.

    Attributes
    ----------
    population : ndarray, (time, batch, state, sex, age)
        Population at the start of each step and at the end of the last
        [persons].
    flows : Flows
        The flows of each step, with a leading ``time`` axis of length ``T``.
    """

    population: np.ndarray
    flows: Flows


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


def move_internally(population, internal_rate, internal_destination, width,
                    moved_in=None, moved_out=None):
    """Move people between states with out-migration rates and destination shares.

    The multiregional method: out-migrants of each origin are
    ``P (1 - exp(-n m))``, so they never exceed the population at risk, and are
    shared among destinations by ``internal_destination`` in one stacked
    matrix product over the state axis. The national total is unchanged (to
    rounding).

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at risk, non-negative [persons].
    internal_rate : ndarray, (batch, state, sex, age)
        Out-migration rates [per person-year].
    internal_destination : ndarray, (batch, state, state)
        Destination shares of each origin's out-migrants [1].
    width : int
        Step length [years].
    moved_in, moved_out : ndarray, optional
        Where to write the results.

    Returns
    -------
    moved_in, moved_out : ndarray, (batch, state, sex, age)
        In-migrants by destination and out-migrants by origin [persons].

    Examples
    --------
    >>> pop = np.array([100.0, 50.0]).reshape(1, 2, 1, 1)
    >>> rate = np.full((1, 2, 1, 1), np.log(2.0))
    >>> dest = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    >>> [a.ravel() for a in move_internally(pop, rate, dest, 1)]
    [array([25., 50.]), array([50., 25.])]
    """
    batch, states = population.shape[:2]
    moved_out = np.empty(population.shape) if moved_out is None else moved_out
    moved_in = np.empty(population.shape) if moved_in is None else moved_in
    np.multiply(population, -np.expm1(-width * internal_rate), out=moved_out)
    to_destination = np.swapaxes(internal_destination, -1, -2)
    np.matmul(to_destination, moved_out.reshape(batch, states, -1),
              out=moved_in.reshape(batch, states, -1))
    return moved_in, moved_out


def empty_flows(shape, rates, leading=()):
    """Zero-filled :class:`Flows` arrays for a state of ``shape``.

    Parameters
    ----------
    shape : tuple of int
        The state's shape (batch, state, sex, age).
    rates : Rates
        Decides whether immigration and emigration are recorded.
    leading : tuple of int
        Extra leading axes, e.g. ``(steps,)`` for a whole projection.

    Returns
    -------
    Flows
    """
    batch, states, sexes, ages = shape
    cell = leading + shape

    def maybe(given):
        return None if given is None else np.zeros(cell)

    return Flows(
        births=np.zeros(leading + (batch, states, sexes)),
        births_by_age=np.zeros(leading + (batch, states, ages)),
        deaths=np.zeros(cell), net_migration=np.zeros(cell),
        immigration=maybe(rates.immigration), emigration=maybe(rates.emigration_rate),
        internal_in=np.zeros(cell), internal_out=np.zeros(cell),
        migration_adjustment=np.zeros(cell), population_floor=np.zeros(cell),
    )


def _asked_migrants(population, rates, width):
    """Net international migrants asked for (net counts + immigrants - emigrants),
    or ``None`` without any, and the emigrants implied by the emigration rates."""
    asked = rates.net_migration
    if rates.immigration is not None:
        asked = rates.immigration if asked is None else asked + rates.immigration
    emigration = None
    if rates.emigration_rate is not None:
        emigration = population * -np.expm1(-width * rates.emigration_rate)
        asked = -emigration if asked is None else asked - emigration
    return asked, emigration


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
    and end female population; infants; migrants of the end part; the
    population floor (``"ccmpp"`` only); internal migration. Inputs are not
    validated here: :func:`project` validates once before the time loop.

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
        Zero-filled arrays (:func:`empty_flows`) to write the flows into.
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

    asked, emigration = _asked_migrants(population, rates, width)
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

    if rates.internal_rate is not None:
        moved_in, moved_out = move_internally(
            end, rates.internal_rate, rates.internal_destination, width,
            moved_in=flows.internal_in if record else work.get("moved_in", shape),
            moved_out=flows.internal_out if record else work.get("moved_out", shape))
        end -= moved_out
        end += moved_in

    if record and migrants is not None:
        _record_migration(flows, asked, migrants, cut_start, cut_after, rates.immigration,
                          emigration, (w_start, w_mid + w_late))
    return end, flows


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


def project(
    population: np.ndarray,
    rates: Rates,
    *,
    steps: int | None = None,
    width: int = 1,
    timing: MigrationTiming = "even",
    safeguard: Safeguard = "reduce",
) -> Projection:
    """Project a population over successive steps; the only loop is over time.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the first step [persons].
    rates : Rates
        Inputs with a leading ``time`` axis of length ``steps`` or 1 (held
        constant); see :class:`Rates` for units and shapes.
    steps : int, optional
        Number of steps; by default the longest time axis among ``rates``.
    width : int
        Step length and age-group width [years].
    timing : {"even", "end"}
        Timing of international migration (:data:`projsim.types.MigrationTiming`).
    safeguard : {"reduce", "ccmpp"}
        Treatment of outflows that exceed a population
        (:data:`projsim.types.Safeguard`).

    Returns
    -------
    Projection
        Populations at ``steps + 1`` dates and the flows of every step.

    Raises
    ------
    InputError
        If any input has the wrong shape, a value out of range or NaN.

    Examples
    --------
    A closed one-sex-pair population with no fertility shifts by one age:

    >>> pop = np.ones((1, 1, 2, 3))
    >>> rates = Rates(np.ones((1, 1, 1, 2, 3)), np.zeros((1, 1, 1, 3)), np.ones((1, 1, 1)))
    >>> project(pop, rates, steps=2).population[-1, 0, 0, 0]
    array([0., 0., 3.])
    """
    steps = validate(population, rates, steps=steps, width=width, timing=timing, safeguard=safeguard)
    populations = np.empty((steps + 1,) + np.shape(population))
    populations[0] = population
    flows = empty_flows(np.shape(population), rates, leading=(steps,))
    workspace = Workspace()
    for t in range(steps):
        rates_t = Rates(*(None if a is None else a[min(t, a.shape[0] - 1)] for a in rates))
        step(populations[t], rates_t, width=width, timing=timing, safeguard=safeguard,
             out=populations[t + 1], flows=Flows(*(None if f is None else f[t] for f in flows)),
             workspace=workspace)
    return Projection(populations, flows)


def _fail(name, got, expected, fix):
    raise InputError(f"argument '{name}'", got, expected, fix)


def _first_bad(array, bad):
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"{float(array[index])!r} at index {index}"


def _check_values(name, array, low, high, fix):
    """Reject NaN, infinities and values outside ``[low, high]`` in an input array."""
    if not np.issubdtype(np.asarray(array).dtype, np.floating):
        _fail(name, f"an array of dtype {np.asarray(array).dtype}", "a floating-point array",
              "convert it with numpy.asarray(x, dtype=float)")
    bad = ~(np.isfinite(array) & (array >= low) & (array <= high))
    if bad.any():
        bounds = (f"in [{low}, {high}]" if np.isfinite(high)
                  else f">= {low}" if np.isfinite(low) else "")
        _fail(name, _first_bad(array, bad), f"finite values {bounds}".strip(), fix)


def _check_shape(name, array, target, steps):
    """Check that ``array[t]`` broadcasts to ``target`` and its time axis fits."""
    ok = array.ndim == len(target) + 1 and all(
        a in (1, b) for a, b in zip(array.shape[1:], target)
    )
    if not ok:
        _fail(name, f"shape {array.shape}",
              f"(time, {', '.join(map(str, target))}) with 1 allowed on any axis",
              "give one value per step, batch, state, sex and age group as documented "
              "in projsim.kernel.Rates")
    if array.shape[0] not in (1, steps):
        _fail(name, f"{array.shape[0]} steps on the time axis", f"1 or {steps}",
              "give one entry per step, or one entry to hold it constant")


def validate(population, rates, *, steps, width, timing, safeguard) -> int:
    """Validate a projection's inputs once, before the time loop.

    Returns the number of steps. See :func:`project` for the parameters.

    Examples
    --------
    >>> validate(np.ones((1, 1, 2, 3)), Rates(np.full((1, 1, 1, 2, 3), 1.5),
    ...          np.zeros((1, 1, 1, 3)), np.ones((1, 1, 1))),
    ...          steps=None, width=1, timing="even", safeguard="reduce")
    Traceback (most recent call last):
    ...
    projsim.errors.InputError: argument 'survival': got 1.5 at index (0, 0, 0, 0, 0); expected finite values in [0.0, 1.0]. Fix: pass survival ratios between 0 and 1, for example from projsim.lifetable.survival_ratios.
    """
    if timing not in MIGRATION_TIMINGS:
        _fail("timing", repr(timing), f"one of {MIGRATION_TIMINGS}", "choose a documented timing")
    if safeguard not in SAFEGUARDS:
        _fail("safeguard", repr(safeguard), f"one of {SAFEGUARDS}",
              "choose a documented safeguard")
    if not isinstance(width, (int, np.integer)) or width < 1:
        _fail("width", repr(width), "a positive whole number of years",
              "give the step length, equal to the age-group width")
    population = np.asarray(population)
    if population.ndim != 4 or population.shape[2] != 2 or population.shape[3] < 2:
        _fail("population", f"shape {population.shape}",
              "(batch, state, sex, age) with 2 sexes and at least 2 age groups",
              "reshape the population to the kernel's axes")
    _check_values("population", population, 0.0, np.inf, "remove negative or missing counts")
    batch, states, sexes, ages = population.shape
    lengths = [a.shape[0] for a in rates if a is not None and np.ndim(a) > 0]
    steps = steps if steps is not None else max(lengths, default=0)
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        _fail("steps", repr(steps), "a positive number of steps",
              "pass steps= or give the rates a time axis")
    cell = (batch, states, sexes, ages)
    targets = {
        "survival": (cell, 0.0, 1.0, "pass survival ratios between 0 and 1, for example "
                     "from projsim.lifetable.survival_ratios"),
        "fertility_rate": ((batch, states, ages), 0.0, np.inf,
                           "give births per woman per year, not negative"),
        "sex_ratio_at_birth": ((batch, states), 1e-3, 1e3,
                               "give male births per female birth, about 1.05"),
        "net_migration": (cell, -np.inf, np.inf, "give finite counts"),
        "immigration": (cell, 0.0, np.inf, "give immigrant counts, not negative"),
        "emigration_rate": (cell, 0.0, np.inf, "give rates per person-year, not negative"),
        "internal_rate": (cell, 0.0, np.inf, "give rates per person-year, not negative"),
        "internal_destination": ((batch, states, states), 0.0, 1.0,
                                 "give shares between 0 and 1"),
    }
    for name, array in rates._asdict().items():
        if array is None:
            continue
        target, low, high, fix = targets[name]
        array = np.asarray(array)
        _check_shape(name, array, target, steps)
        _check_values(name, array, low, high, fix)
    fertility = np.asarray(rates.fertility_rate)
    outside = np.zeros(fertility.shape, dtype=bool)
    outside[..., [0, -1]] = fertility[..., [0, -1]] != 0
    if outside.any():
        _fail("fertility_rate", _first_bad(fertility, outside),
              "0 in age group 0 and in the open age group",
              "set fertility to 0 outside the childbearing ages")
    if (rates.internal_rate is None) != (rates.internal_destination is None):
        _fail("internal_destination", "only one of internal_rate and internal_destination",
              "both or neither", "give the destination shares with the out-migration rates")
    if rates.internal_destination is not None:
        shares = np.asarray(rates.internal_destination)
        if shares.shape[-2:] != (states, states):
            _fail("internal_destination", f"shape {shares.shape}",
                  f"one row and one column per state: (..., {states}, {states})",
                  "give the full origin-destination matrix")
        if np.any(np.diagonal(shares, axis1=-2, axis2=-1) != 0):
            _fail("internal_destination", "a non-zero share on the diagonal",
                  "0 for moves from a state to itself",
                  "set the diagonal to 0; internal moves leave their origin")
        sums = shares.sum(axis=-1)
        bad = np.abs(sums - 1.0) > 1e-9
        if bad.any():
            _fail("internal_destination", f"row sum {_first_bad(sums, bad)}", "rows summing to 1",
                  "divide each origin's row by its sum")
    return int(steps)
