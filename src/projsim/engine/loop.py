"""The time loop: a projection validated once, then a lean step loop.

:func:`project` is the reference step (:func:`projsim.engine.step`) taken
over and over, with the same floating-point operations in the same order, so
that its populations and flows equal a loop of ``step(record=True)`` bit for
bit (``tests/engine/test_loop.py``). What it does differently is where the
work is done:

* everything that depends on the rates alone (factors such as
  ``-expm1(-n m)``, the shares of the start and end of a step's migrants, the
  views of each step's rates) is prepared once, before the loop;
* the loop writes every intermediate it needs (the exposed population, the
  survivors, births by age, cuts) straight into arrays with a time axis that
  are allocated once, so a step allocates nothing and makes a dozen numpy
  calls for one population;
* the flows that follow from those intermediates (deaths, migrants by cohort,
  adjustments) are computed after the loop, for every step at once.
"""

from __future__ import annotations

import numpy as np

from projsim.engine.cohorts import fertile_ages, to_cohort
from projsim.engine.moves import distribute
from projsim.engine.rates import (
    CCMPP_FLOOR,
    CCMPP_OVERRIDE_RESIDUAL,
    TIMING_WEIGHTS,
    Projection,
    Rates,
    empty_flows,
    moves_of,
    validate,
)
from projsim.engine.step import asked_migrants, balanced_immigration
from projsim.types import MigrationTiming, Safeguard


def at_step(rates: Rates, t: int) -> Rates:
    """The rates of step ``t`` (a time axis of length 1 holds them constant)."""
    return Rates(*(None if a is None else a[min(t, a.shape[0] - 1)] for a in rates))


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

    The inputs are validated once; the step loop then allocates nothing and
    records every flow (see the module's docstring). The result equals
    :func:`projsim.engine.step` called step by step with ``record=True``, bit
    for bit.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at the start of the first step [persons].
    rates : Rates
        Inputs with a leading ``time`` axis of length ``steps`` or 1 (held
        constant); see :class:`projsim.engine.Rates` for units and shapes.
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
    steps = validate(population, rates, steps=steps, width=width, timing=timing,
                     safeguard=safeguard)
    return _run(population, rates, steps, width, timing, safeguard)


def _each(array, steps):
    """The ``steps`` views ``array[t]`` of a rate with a time axis of ``steps`` or 1."""
    if array is None:
        return None
    return [array[0]] * steps if array.shape[0] == 1 else list(array)


def _run(population, rates, steps, width, timing, safeguard):
    """The step loop of :func:`project` on validated inputs (the module's docstring)."""
    w_start, w_mid, w_late = TIMING_WEIGHTS[timing]
    reduce, ccmpp = safeguard == "reduce", safeguard == "ccmpp"
    shape = np.shape(population)
    batch = shape[0]
    populations = np.empty((steps + 1,) + shape)
    populations[0] = population
    flows = empty_flows(shape, rates, leading=(steps,))
    survivors = flows.deaths  # the survivors of each step, turned into deaths after the loop
    fertile = fertile_ages(rates.fertility_rate)

    # What the migrants depend on: the rates alone, or the population too.
    has_migrants = any(a is not None for a in
                       (rates.net_migration, rates.immigration, rates.emigration_rate))
    emigrating = rates.emigration_rate is not None
    balancing = rates.net_total is not None
    dynamic = has_migrants and (emigrating or ccmpp)  # migrants differ by the state
    asked_all = None if emigrating else asked_migrants(None, rates, width)[0]
    cutting = has_migrants and reduce and (
        emigrating or (rates.net_migration is not None and bool(np.any(rates.net_migration < 0))))
    has_start, has_mid, has_late = (has_migrants and bool(w) for w in (w_start, w_mid, w_late))

    def full():
        return np.empty((steps,) + shape)

    exposed = full() if has_start else populations[:-1]
    cut_start = full() if cutting and has_start else None
    cut_after = full() if cutting and (has_mid or has_late) else None
    emigrants = full() if emigrating else None
    asked = full() if emigrating else None
    migrants = full() if dynamic and ccmpp else asked
    immigrants = full() if balancing else None
    scratch = np.empty(shape)
    if dynamic:  # one array each, rewritten by every step
        start_part, mid_part, late_part = ([np.empty(shape)] * steps for _ in range(3))
        if w_start == w_mid:
            mid_part = start_part
    else:
        start_part = _each(None if not has_start else w_start * asked_all, steps)
        mid_part = _each(None if not has_mid else w_mid * asked_all, steps)
        late_part = _each(None if not has_late else w_late * asked_all, steps)
        asked_each = None
    mask = np.empty(shape, dtype=bool) if ccmpp else None

    # The rates of each step, prepared once.
    survival = rates.survival
    if survival.shape[2:] != shape[1:]:
        survival = np.broadcast_to(survival, survival.shape[:2] + shape[1:])
    survival_flat = _each(survival.reshape(survival.shape[:2] + (-1,))[:, :, 1:], steps)
    survival_open = _each(rates.survival[..., -1], steps)
    survival_infant = _each(rates.survival[..., 0], steps)
    denominator = _each(1.0 + rates.sex_ratio_at_birth, steps)
    if emigrating:
        leaving_share = _each(-np.expm1(-width * rates.emigration_rate), steps)
        net_each = _each(rates.net_migration, steps)
        immigration_each = _each(rates.immigration, steps)
        net_total_each = _each(rates.net_total, steps)
    elif ccmpp and has_migrants:
        asked_each = _each(asked_all, steps)
    moves = moves_of(rates)
    if moves:
        move_share = [_each(-np.expm1(-width * rates.move_rate[..., k, :, :, :]), steps)
                      for k in range(moves)]
        move_destination = [_each(rates.move_destination[..., k, :, :], steps)
                            for k in range(moves)]
    destination = _each(rates.birth_destination, steps)

    # Views with the time axis first, indexed once per step.
    flat = (steps, batch, -1)
    exposed_flat = exposed.reshape(flat)[:, :, :-1]
    survivors_flat = survivors.reshape(flat)[:, :, 1:]
    exposed_open, survivors_open = exposed[..., -1], survivors[..., -1]
    open_term = np.empty(shape[:-1])
    exposed_mothers = exposed[..., 0, fertile]
    at_birth = populations[1:, ..., 0, fertile] if has_mid else survivors[..., 0, fertile]
    mothers = np.empty(shape[:2] + (fertile.stop - fertile.start,))
    by_age = flows.births_by_age[..., fertile]
    total = np.empty(shape[:2])
    births = flows.births if destination is None else np.empty(flows.births.shape)
    births_female, births_male = births[..., 0], births[..., 1]
    infants = populations[1:, ..., 0] if has_mid else survivors[..., 0]
    infant_cut = None if cut_after is None else cut_after[..., 0]
    middle_infants = None if not has_mid else (
        [mid_part[0][..., 0]] * steps if dynamic else [m[..., 0] for m in mid_part])
    fertility = _each(rates.fertility_rate[..., fertile], steps)
    half_width = np.array(0.5 * width)
    flow_births = flows.births
    move_range = range(moves)
    add, multiply, subtract, divide, minimum, sum_ages = (
        np.add, np.multiply, np.subtract, np.divide, np.minimum, np.add.reduce)

    def dynamic_migrants(t, start):
        """The migrants of step ``t`` where they depend on its start population:
        :func:`projsim.engine.asked_migrants` and the UN override of ``"ccmpp"``."""
        if emigrating:
            multiply(start, leaving_share[t], out=emigrants[t])
            immigration = None if immigration_each is None else immigration_each[t]
            if balancing:
                immigration = immigrants[t]
                immigration[...] = balanced_immigration(immigration_each[t], emigrants[t],
                                                        net_total_each[t])
            wanted = asked[t]
            if net_each is None:
                if immigration is None:
                    np.negative(emigrants[t], out=wanted)
                else:
                    subtract(immigration, emigrants[t], out=wanted)
            else:
                if immigration is None:
                    subtract(net_each[t], emigrants[t], out=wanted)
                else:
                    add(net_each[t], immigration, out=wanted)
                    subtract(wanted, emigrants[t], out=wanted)
        else:
            wanted = asked_each[t]
        if not ccmpp:
            return wanted
        applied = migrants[t]
        add(start, wanted, out=scratch)
        np.less_equal(scratch, 0.0, out=mask)
        np.copyto(applied, wanted)
        subtract(CCMPP_OVERRIDE_RESIDUAL, start, out=applied, where=mask)
        return applied

    end = populations[0]
    for t in range(steps):
        start, end = end, populations[t + 1]
        if dynamic:
            applied = dynamic_migrants(t, start)
            if has_start:
                multiply(applied, w_start, out=start_part[t])
            if has_mid and mid_part is not start_part:
                multiply(applied, w_mid, out=mid_part[t])
            if has_late:
                multiply(applied, w_late, out=late_part[t])
        if has_start:
            exposed_t = exposed[t]
            add(start, start_part[t], out=exposed_t)
            if cut_start is not None:
                minimum(exposed_t, 0.0, out=cut_start[t])
                subtract(exposed_t, cut_start[t], out=exposed_t)
        # Survival: the shift by one age group on the flat (batch, rest) view, as
        # projsim.engine.survive does, and the open group's second cohort.
        multiply(exposed_flat[t], survival_flat[t], out=survivors_flat[t])
        multiply(exposed_open[t], survival_open[t], out=open_term)
        open_t = survivors_open[t]
        add(open_t, open_term, out=open_t)
        if has_mid:
            add(survivors[t], mid_part[t], out=end)
            if cut_after is not None:
                minimum(end, 0.0, out=cut_after[t])
                subtract(end, cut_after[t], out=end)
        # Births from the mean of the start and end female population.
        add(exposed_mothers[t], at_birth[t], out=mothers)
        by_age_t = by_age[t]
        multiply(fertility[t], mothers, out=by_age_t)
        multiply(by_age_t, half_width, out=by_age_t)
        sum_ages(by_age_t, axis=-1, out=total)
        female = births_female[t]
        divide(total, denominator[t], out=female)
        subtract(total, female, out=births_male[t])
        born = births[t]
        if destination is not None:
            born = flow_births[t]
            np.matmul(np.swapaxes(destination[t], -1, -2), births[t], out=born)
        infants_t = infants[t]
        multiply(survival_infant[t], born, out=infants_t)
        if has_mid:
            add(infants_t, middle_infants[t], out=infants_t)
            if infant_cut is not None:
                minimum(infants_t, 0.0, out=infant_cut[t])
                subtract(infants_t, infant_cut[t], out=infants_t)
            if has_late:
                add(end, late_part[t], out=end)
        elif has_late:
            add(survivors[t], late_part[t], out=end)
        else:
            np.copyto(end, survivors[t])
        if has_late and cut_after is not None:
            minimum(end, 0.0, out=cut_after[t])
            subtract(end, cut_after[t], out=end)
        if ccmpp:
            floor = flows.population_floor[t]
            np.less(end, 0.0, out=mask)
            subtract(CCMPP_FLOOR, end, out=floor, where=mask)
            add(end, floor, out=end)
        for k in move_range:
            moved_out, moved_in = flows.moved_out[t][:, k], flows.moved_in[t][:, k]
            multiply(end, move_share[k][t], out=moved_out)
            distribute(moved_out, move_destination[k][t], out=moved_in)
            subtract(end, moved_out, out=end)
            add(end, moved_in, out=end)

    _deaths(exposed, flows, rates.survival[..., 0])
    if has_migrants:
        if not dynamic:
            migrants = asked = asked_all
        elif not ccmpp:
            migrants = asked
        if not emigrating:
            asked = asked_all
        _migration(flows, asked, migrants, cut_start, cut_after,
                   immigrants if balancing else rates.immigration, emigrants,
                   (w_start, w_mid + w_late), exposed if has_start else None)
    return Projection(populations, flows)


def _deaths(exposed, flows, survival_infant):
    """Turn the survivors in ``flows.deaths`` into deaths, for every step at once.

    The same operations as :func:`projsim.engine.survive` and
    :func:`projsim.engine.step`: deaths of a cohort are its exposed population
    less its survivors, the open group pooling two cohorts, and the infants'
    are the births less the surviving infants.
    """
    deaths = flows.deaths
    steps, batch = deaths.shape[:2]
    open_deaths = exposed[..., -2] + exposed[..., -1] - deaths[..., -1]
    flat = (steps * batch, -1)
    flat_deaths = deaths.reshape(flat)
    np.subtract(exposed.reshape(flat)[:, :-1], flat_deaths[:, 1:], out=flat_deaths[:, 1:])
    deaths[..., -1] = open_deaths
    deaths[..., 0] = flows.births - survival_infant * flows.births


def _migration(flows, asked, migrants, cut_start, cut_after, immigration, emigration, weights,
               scratch):
    """Write the applied migrants by cohort and every adjustment into ``flows``, for
    every step at once, with the operations of :func:`projsim.engine.step`
    (``_record_migration``); ``scratch``, an array of the flows' shape or None, holds
    the parts of the start of each step."""
    at_start, after_start = weights
    adjustment = flows.migration_adjustment
    if migrants is not asked:  # else their difference is zero, as adjustment already is
        np.subtract(migrants, asked, out=adjustment)
    for cut in (cut_start, cut_after):
        if cut is not None:
            np.subtract(adjustment, cut, out=adjustment)

    def cohorts(flow, out, cut_start=None, cut_after=None):
        """to_cohort(at_start * flow - cut_start, after_start * flow - cut_after, out=out),
        the products written into ``out`` and ``scratch`` where they have its size."""
        whole = np.shape(flow) == out.shape
        if whole or cut_after is not None:
            after = np.multiply(flow, after_start, out=out)
            if cut_after is not None:
                np.subtract(after, cut_after, out=after)
        else:
            after = after_start * flow
        if scratch is not None and (whole or cut_start is not None):
            start = np.multiply(flow, at_start, out=scratch)
            if cut_start is not None:
                np.subtract(start, cut_start, out=start)
        else:
            start = at_start * flow
            if cut_start is not None:
                start = start - cut_start
        to_cohort(start, after, out=out)

    cohorts(migrants, flows.net_migration, cut_start, cut_after)
    if immigration is not None:
        cohorts(immigration, flows.immigration)
    if emigration is not None:
        cohorts(emigration, flows.emigration)
