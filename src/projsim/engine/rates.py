"""What the engine takes and gives: rates, flows, projections, and their validation.

Every array has the kernel's axes ``(batch, state, sex, age)``, or a subset
of them, with a leading ``time`` axis where a whole projection is meant:

* ``batch`` carries variants or stochastic draws;
* ``state`` is generic (regions, or regions crossed with nationality), so
  nothing here knows what a state is; :class:`projsim.model.states.StateSpace`
  attaches the labels;
* ``sex`` has two entries, ``0`` for the sex that gives birth (female) and
  ``1`` for male (:data:`projsim.types.SEXES`);
* ``age`` holds groups ``0 .. omega`` of width ``n`` years, the last one open.

Moves between states (internal migration, naturalisation) share one form:
a rate by origin state, sex and age and a destination distribution of each
origin's movers, stacked on a ``move`` axis in the order they are applied.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from projsim.errors import InputError
from projsim.types import MIGRATION_TIMINGS, SAFEGUARDS

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

    Shapes below are for one step; :func:`projsim.engine.project` takes the
    same fields with a leading ``time`` axis of length ``T`` or ``1``
    (constant). Every array may have size 1 on any axis it does not vary over.

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
    net_total : ndarray, (batch,), optional
        A net international migration total [persons per step] that the
        immigrants balance: with it, ``immigration`` gives only how the
        immigrants are distributed, and their number is the total plus the
        step's emigrants (:func:`projsim.engine.balanced_immigration`); NaN
        for a batch entry whose ``immigration`` are counts as given.
    move_rate : ndarray, (batch, move, state, sex, age), optional
        Rates of each move between states [per person-year], by origin state
        and age group at the end of the step; moves are applied in the order
        of the ``move`` axis.
    move_destination : ndarray, (batch, move, state, state), optional
        Share of the movers of each origin (rows) that go to each destination
        (columns) [1]; rows sum to 1 and the diagonal is 0. A row of an origin
        whose rate is 0 everywhere may be all zero.
    birth_destination : ndarray, (batch, state, state), optional
        Share of the births to mothers of each state (rows) born into each
        state (columns) [1], for a child's nationality that may differ from
        the mother's; rows sum to 1. By default every child is born into its
        mother's state.
    """

    survival: np.ndarray
    fertility_rate: np.ndarray
    sex_ratio_at_birth: np.ndarray
    net_migration: np.ndarray | None = None
    immigration: np.ndarray | None = None
    emigration_rate: np.ndarray | None = None
    net_total: np.ndarray | None = None
    move_rate: np.ndarray | None = None
    move_destination: np.ndarray | None = None
    birth_destination: np.ndarray | None = None


class Flows(NamedTuple):
    """What happened during a step (or each step, with a leading time axis).

    Cohort flows are labelled by the age group the cohort reaches at the end
    of the step (a Lexis parallelogram), as the UN labels cohort deaths, so
    that for ``0 < i < omega`` and every batch, state and sex::

        end[i] = start[i-1] - deaths[i] + net_migration[i]
                 + sum over moves (moved_in[i] - moved_out[i]) + population_floor[i]

    with births entering group 0 and the open group pooling ``start[omega-1]``
    and ``start[omega]``.

    Attributes
    ----------
    births : ndarray, (batch, state, sex)
        Live births during the step by sex of the child [persons per step],
        in the state the child is born into (the mother's, unless
        ``birth_destination`` says otherwise).
    births_by_age : ndarray, (batch, state, age)
        The same births (both sexes) by the mother's state and age group.
    deaths : ndarray, (batch, state, sex, age)
        Deaths implied by the survival ratios, by cohort [persons per step].
    net_migration : ndarray, (batch, state, sex, age)
        International net migrants applied, by cohort [persons per step].
    immigration, emigration : ndarray or None, (batch, state, sex, age)
        International immigrants and emigrants by cohort, when the step was
        given immigration counts or emigration rates (``None`` otherwise).
    moved_in, moved_out : ndarray or None, (batch, move, state, sex, age)
        Movers between states by cohort, into each destination and out of
        each origin [persons per step] (``None`` without moves).
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
    moved_in: np.ndarray | None
    moved_out: np.ndarray | None
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


def moves_of(rates: Rates) -> int:
    """The number of kinds of moves between states the rates hold."""
    return 0 if rates.move_rate is None else int(np.shape(rates.move_rate)[-4])


def empty_flows(shape, rates, leading=()):
    """Zero-filled :class:`Flows` arrays for a state of ``shape``.

    Parameters
    ----------
    shape : tuple of int
        The state's shape (batch, state, sex, age).
    rates : Rates
        Decides whether immigration, emigration and moves are recorded.
    leading : tuple of int
        Extra leading axes, e.g. ``(steps,)`` for a whole projection.

    Returns
    -------
    Flows
    """
    batch, states, sexes, ages = shape
    cell = leading + shape
    moves = moves_of(rates)
    moved = leading + (batch, moves, states, sexes, ages)

    def maybe(given, of=cell):
        return None if given is None else np.zeros(of)

    return Flows(
        births=np.zeros(leading + (batch, states, sexes)),
        births_by_age=np.zeros(leading + (batch, states, ages)),
        deaths=np.zeros(cell), net_migration=np.zeros(cell),
        immigration=maybe(rates.immigration), emigration=maybe(rates.emigration_rate),
        moved_in=maybe(rates.move_rate, moved), moved_out=maybe(rates.move_rate, moved),
        migration_adjustment=np.zeros(cell), population_floor=np.zeros(cell),
    )


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
              "in projsim.engine.Rates")
    if array.shape[0] not in (1, steps):
        _fail(name, f"{array.shape[0]} steps on the time axis", f"1 or {steps}",
              "give one entry per step, or one entry to hold it constant")


def _check_destinations(rates: Rates, states: int) -> None:
    """Destination shares: a full matrix per move, zero diagonal, rows summing to 1."""
    shares = np.asarray(rates.move_destination)
    if shares.shape[-2:] != (states, states):
        _fail("move_destination", f"shape {shares.shape}",
              f"one row and one column per state: (..., {states}, {states})",
              "give the full origin-destination matrix")
    if np.any(np.diagonal(shares, axis1=-2, axis2=-1) != 0):
        _fail("move_destination", "a non-zero share on the diagonal",
              "0 for moves from a state to itself",
              "set the diagonal to 0; moves leave their origin")
    sums = shares.sum(axis=-1)
    leaving = np.any(np.asarray(rates.move_rate) != 0, axis=(0, 1, -2, -1))   # (move, state)
    bad = (np.abs(sums - 1.0) > 1e-9) & ~((sums == 0) & ~leaving)
    if bad.any():
        _fail("move_destination", f"row sum {_first_bad(sums, bad)}", "rows summing to 1",
              "divide each origin's row by its sum")


def validate(population, rates, *, steps, width, timing, safeguard) -> int:
    """Validate a projection's inputs once, before the time loop.

    Returns the number of steps. See :func:`projsim.engine.project` for the
    parameters.

    Examples
    --------
    >>> validate(np.ones((1, 1, 2, 3)), Rates(np.full((1, 1, 1, 2, 3), 1.5),
    ...          np.zeros((1, 1, 1, 3)), np.ones((1, 1, 1))),
    ...          steps=None, width=1, timing="even", safeguard="reduce")
    Traceback (most recent call last):
    ...
    projsim.errors.InputError: argument 'survival': got 1.5 at index (0, 0, 0, 0, 0); expected finite values in [0.0, 1.0]. Fix: pass survival ratios between 0 and 1, for example from projsim.demography.survival_ratios.
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
    moves = moves_of(rates) if rates.move_rate is not None and np.ndim(rates.move_rate) == 6 \
        else 1
    targets = {
        "survival": (cell, 0.0, 1.0, "pass survival ratios between 0 and 1, for example "
                     "from projsim.demography.survival_ratios"),
        "fertility_rate": ((batch, states, ages), 0.0, np.inf,
                           "give births per woman per year, not negative"),
        "sex_ratio_at_birth": ((batch, states), 1e-3, 1e3,
                               "give male births per female birth, about 1.05"),
        "net_migration": (cell, -np.inf, np.inf, "give finite counts"),
        "immigration": (cell, 0.0, np.inf, "give immigrant counts, not negative"),
        "emigration_rate": (cell, 0.0, np.inf, "give rates per person-year, not negative"),
        "net_total": ((batch,), -np.inf, np.inf, "give finite counts, or NaN for immigrants "
                      "given as counts"),
        "move_rate": ((batch, moves, states, sexes, ages), 0.0, np.inf,
                      "give rates per person-year, not negative"),
        "move_destination": ((batch, moves, states, states), 0.0, 1.0,
                             "give shares between 0 and 1"),
        "birth_destination": ((batch, states, states), 0.0, 1.0,
                              "give shares between 0 and 1"),
    }
    for name, array in rates._asdict().items():
        if array is None:
            continue
        target, low, high, fix = targets[name]
        array = np.asarray(array)
        _check_shape(name, array, target, steps)
        _check_values(name, np.where(np.isnan(array), 0.0, array) if name == "net_total"
                      else array, low, high, fix)
    fertility = np.asarray(rates.fertility_rate)
    outside = np.zeros(fertility.shape, dtype=bool)
    outside[..., [0, -1]] = fertility[..., [0, -1]] != 0
    if outside.any():
        _fail("fertility_rate", _first_bad(fertility, outside),
              "0 in age group 0 and in the open age group",
              "set fertility to 0 outside the childbearing ages")
    if (rates.move_rate is None) != (rates.move_destination is None):
        _fail("move_destination", "only one of move_rate and move_destination",
              "both or neither", "give the destination shares with the move rates")
    if rates.move_destination is not None:
        if np.shape(rates.move_destination)[-3] != moves_of(rates):
            _fail("move_destination", f"{np.shape(rates.move_destination)[-3]} moves",
                  f"{moves_of(rates)} moves, as in move_rate", "give one matrix per move")
        _check_destinations(rates, states)
    if rates.net_total is not None and (rates.immigration is None
                                        or rates.emigration_rate is None):
        _fail("net_total", "a net total without immigration and emigration_rate",
              "both, to distribute the immigrants and count the emigrants",
              "give the immigrants' distribution and the emigration rates with the net total")
    if rates.net_total is not None and np.any(
            (np.asarray(rates.immigration).sum(axis=(-3, -2, -1)) <= 0)
            & ~np.isnan(np.asarray(rates.net_total))):
        _fail("immigration", "no immigrants to distribute", "a positive total",
              "give the distribution of the immigrants who balance net_total")
    if rates.birth_destination is not None:
        sums = np.asarray(rates.birth_destination).sum(axis=-1)
        bad = np.abs(sums - 1.0) > 1e-9
        if bad.any():
            _fail("birth_destination", f"row sum {_first_bad(sums, bad)}", "rows summing to 1",
                  "give each mother's state shares of her children that sum to 1")
    return int(steps)
