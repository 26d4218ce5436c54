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


def survive(population, survival):
    """Age a population by one group and apply survival ratios.

    Parameters
    ----------
    population : ndarray, (..., age)
        Population at the start of the step [persons].
    survival : ndarray, (..., age)
        Survival ratios in the UN labelling (see :class:`Rates`) [1].

    Returns
    -------
    survivors, deaths : ndarray, (..., age)
        Survivors at the end of the step and deaths of each cohort, both by
        age group at the end [persons]. Group 0 is left at zero: births fill it.

    Examples
    --------
    >>> survive(np.array([10.0, 20.0, 30.0]), np.array([0.9, 0.5, 0.25]))
    (array([ 0. ,  5. , 12.5]), array([ 0. ,  5. , 37.5]))
    """
    at_risk = np.zeros_like(population)
    at_risk[..., 1:] = population[..., :-1]
    at_risk[..., -1] += population[..., -1]
    at_risk[..., 0] = 0.0
    survivors = survival * at_risk
    return survivors, at_risk - survivors


def births_in_step(start, end, fertility_rate, sex_ratio_at_birth, width):
    """Births during a step from the mean of the start and end female population.

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
    births_by_age = width * fertility_rate * (start[..., 0, :] + end[..., 0, :]) / 2
    total = births_by_age.sum(axis=-1)
    female = total / (1.0 + sex_ratio_at_birth)
    return np.stack([female, total - female], axis=-1), births_by_age


def add_migrants(population, migrants, reduce):
    """Add net migrants to a population, reducing outflows that would empty it.

    Parameters
    ----------
    population : ndarray
        Population at risk [persons], non-negative when ``reduce`` is true.
    migrants : ndarray
        Net migrants to add [persons]; negative values are outflows.
    reduce : bool
        If true, an outflow larger than the population at risk is cut to that
        population; if false, the sum may become negative.

    Returns
    -------
    result, reduction : ndarray
        The new population and the persons by which outflows were cut
        (``>= 0``; zero when ``reduce`` is false).

    Examples
    --------
    >>> add_migrants(np.array([5.0, 5.0]), np.array([-8.0, 2.0]), True)
    (array([0., 7.]), array([3., 0.]))
    """
    result = population + migrants
    if not reduce:
        return result, np.zeros_like(result)
    reduction = np.maximum(-result, 0.0)
    return result + reduction, reduction


def to_cohort(at_start, after_start):
    """Relabel flows by the age group their cohort reaches at the end of a step.

    Parameters
    ----------
    at_start : ndarray, (..., age)
        Flows joining at the start of the step, by age at the start.
    after_start : ndarray, (..., age)
        Flows joining later in the step, by age at the end.

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
    cohort = after_start.copy()
    cohort[..., 1:] += at_start[..., :-1]
    cohort[..., -1] += at_start[..., -1]
    return cohort


def move_internally(population, internal_rate, internal_destination, width):
    """Move people between states with out-migration rates and destination shares.

    The multiregional method: out-migrants of each origin are
    ``P (1 - exp(-n m))``, so they never exceed the population at risk, and are
    shared among destinations by ``internal_destination``. The national total
    is unchanged (to rounding).

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
    moved_out = population * -np.expm1(-width * internal_rate)
    by_origin_last = np.moveaxis(moved_out, 1, -1)[..., None, :]
    shares = internal_destination[:, None, None, :, :]
    moved_in = np.moveaxis((by_origin_last @ shares)[..., 0, :], -1, 1)
    return moved_in, moved_out


def step(
    population: np.ndarray,
    rates: Rates,
    *,
    width: int = 1,
    timing: MigrationTiming = "even",
    safeguard: Safeguard = "reduce",
) -> tuple[np.ndarray, Flows]:
    """Advance a population by one step of ``width`` years.

    The order within the step is: international migrants of the start part;
    survival; migrants of the middle part; births from the mean of the start
    and end female population; infants; migrants of the end part; the
    population floor (``"ccmpp"`` only); internal migration. Inputs are not
    validated here: :func:`project` validates once before the time loop.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the step [persons].
    rates : Rates
        The step's inputs, without a time axis.
    width : int
        Step length, equal to the width of the age groups [years].
    timing : {"even", "end"}
        When international migrants arrive (:data:`projsim.types.MigrationTiming`).
    safeguard : {"reduce", "ccmpp"}
        What to do with outflows that exceed a population
        (:data:`projsim.types.Safeguard`).

    Returns
    -------
    end : ndarray, (batch, state, sex, age)
        Population at the end of the step [persons].
    flows : Flows
        The step's flows.
    """
    w_start, w_mid, w_late = TIMING_WEIGHTS[timing]
    reduce = safeguard == "reduce"
    zeros = np.zeros_like(population)

    immigration = None if rates.immigration is None else zeros + rates.immigration
    emigration = None
    asked = zeros if rates.net_migration is None else zeros + rates.net_migration
    if immigration is not None:
        asked = asked + immigration
    if rates.emigration_rate is not None:
        emigration = population * -np.expm1(-width * rates.emigration_rate)
        asked = asked - emigration
    migrants = asked
    if safeguard == "ccmpp":
        migrants = np.where(population + asked <= 0, CCMPP_OVERRIDE_RESIDUAL - population, asked)

    exposed, cut_start = add_migrants(population, w_start * migrants, reduce)
    end, deaths = survive(exposed, rates.survival)
    end[..., 1:], cut_mid = add_migrants(end[..., 1:], w_mid * migrants[..., 1:], reduce)

    births, births_by_age = births_in_step(
        exposed, end, rates.fertility_rate, rates.sex_ratio_at_birth, width
    )
    infant_survival = rates.survival[..., 0]
    end[..., 0] = infant_survival * births
    deaths[..., 0] = births - end[..., 0]
    end[..., 0], cut_infant = add_migrants(end[..., 0], w_mid * migrants[..., 0], reduce)
    end, cut_late = add_migrants(end, w_late * migrants, reduce)
    cut_after = cut_late
    cut_after[..., 1:] += cut_mid
    cut_after[..., 0] += cut_infant

    floor = zeros
    if safeguard == "ccmpp":
        floor = np.where(end < 0, CCMPP_FLOOR - end, 0.0)
        end = end + floor

    moved_in = moved_out = zeros
    if rates.internal_rate is not None:
        moved_in, moved_out = move_internally(
            end, rates.internal_rate, rates.internal_destination, width
        )
        end = end - moved_out + moved_in

    def cohort(flow):
        return None if flow is None else to_cohort(w_start * flow, (w_mid + w_late) * flow)

    applied_after = (w_mid + w_late) * migrants + cut_after
    flows = Flows(
        births=births,
        births_by_age=births_by_age,
        deaths=deaths,
        net_migration=to_cohort(w_start * migrants + cut_start, applied_after),
        immigration=cohort(immigration),
        emigration=cohort(emigration),
        internal_in=moved_in,
        internal_out=moved_out,
        migration_adjustment=migrants - asked + cut_start + cut_after,
        population_floor=floor,
    )
    return end, flows


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
    populations = np.empty((steps + 1,) + population.shape)
    populations[0] = population
    collected = []
    for t in range(steps):
        rates_t = Rates(*(None if a is None else a[min(t, a.shape[0] - 1)] for a in rates))
        populations[t + 1], flows = step(
            populations[t], rates_t, width=width, timing=timing, safeguard=safeguard
        )
        collected.append(flows)
    stacked = Flows(*(None if f[0] is None else np.stack(f) for f in zip(*collected)))
    return Projection(populations, stacked)


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
