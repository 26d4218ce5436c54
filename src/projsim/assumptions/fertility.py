"""Fertility assumptions: rates by state and age of mother, and the sex ratio at birth."""

from __future__ import annotations

import numpy as np

from projsim.assumptions.common import scaled, stack
from projsim.demography.pooling import national_fertility
from projsim.model.base import Base
from projsim.model.paths import over_steps
from projsim.model.scenario import Component
from projsim.types import REGION


def schedule_of(base: Base, component: Component) -> np.ndarray:
    """The schedule (state, age) a ``tfr`` path rescales: the component's table or the base's."""
    return component.options.get("schedule", base.fertility_rate)


def schedule_tfr(base: Base, schedule: np.ndarray) -> float:
    """The national TFR of a schedule, weighted by the base's women at each age:
    the width of the age groups times the sum of the rates [children per woman]."""
    return float(base.age_width * national_fertility(schedule, base.population[:, 0, :]).sum())


def regional_tfr(base: Base, schedule: np.ndarray) -> np.ndarray:
    """The TFR (region) of a schedule (state, age), each region's states weighted
    by their women at each age in the base."""
    regions = base.states.codes(REGION)
    women = base.population[:, 0, :]
    return base.age_width * np.array([
        national_fertility(schedule[regions == r], women[regions == r]).sum()
        for r in range(len(base.regions))])


def fertility_rates(base: Base, components: list[Component], steps) -> np.ndarray:
    """Fertility rates (time, batch, state, age) [births per woman per year].

    A ``tfr`` path rescales a schedule (the base's, or the ``schedule`` table)
    to its level. A national path rescales every state's schedule by the same
    factor, so regional differences are kept and the national TFR, defined
    with the base's female population as weights at each age, equals the
    target; a path per region rescales the schedules of each region's states
    by one factor, so that the region's TFR, defined in the same way, equals
    the target. On age groups of n years the TFR is n times the sum of the
    rates, and a five-year step takes the mean of its years' targets
    (:func:`~projsim.model.paths.over_steps`).
    """
    built = []
    regions = base.states.codes(REGION)
    width = base.age_width
    for component in components:
        if component.method == "table":
            built.append(component.values)
            continue
        if component.method == "scale":
            built.append(scaled(base.fertility_rate, component, steps, width))
            continue
        schedule = schedule_of(base, component)
        if isinstance(component.path, dict):
            targets = np.stack([over_steps(component.path[r], steps, width) for r in base.regions],
                               axis=-1)
            built.append(schedule * (targets / regional_tfr(base, schedule))[:, regions, None])
        else:
            factor = over_steps(component.path, steps, width) / (width * national_fertility(
                schedule, base.population[:, 0, :]).sum())
            built.append(factor[:, None, None] * schedule)
    return stack(built)


def national_path(component: Component) -> bool:
    """Whether a fertility component states one national TFR path."""
    return component.method == "tfr" and not isinstance(component.path, dict)


def reweight_tfr(fertility_rate: np.ndarray, components: list[Component], steps,
                 population: np.ndarray, width: int = 1) -> np.ndarray:
    """Rescale national TFR paths so that the projected population meets them.

    A first projection rescales every state's schedule by one factor per
    year, chosen on the base's women. As the weight of states with higher
    fertility grows (the foreign population, Brussels), the national TFR of
    the projection drifts from the target. This second pass weights the
    states' rates by each year's mean projected women (the mean of the
    1 January populations that open and close the year) and rescales the
    year's factor so that the national TFR, so defined, equals the target;
    the differences between states stay those of the schedule.

    Parameters
    ----------
    fertility_rate : ndarray, (time, batch, state, age)
        The first projection's fertility rates [births per woman per year].
    components : list of Component
        Each variant's fertility component.
    steps : ndarray of int
        The years of the steps.
    population : ndarray, (time + 1, batch, state, sex, age)
        The first projection's populations at the start of each step [persons].
    width : int, default 1
        The width of the age groups and of the steps [years]: the TFR is
        ``width`` times the sum of the rates, and a step's target the mean of
        its years'.

    Returns
    -------
    ndarray, (time, batch, state, age)
        The rescaled rates (those of variants without a national path unchanged).
    """
    rows = [i for i, c in enumerate(components) if national_path(c)]
    if not rows:
        return fertility_rate
    women = 0.5 * (population[:-1, rows] + population[1:, rows])[..., 0, :]     # (T, V, S, A)
    rates = fertility_rate[:, rows]
    realised = width * (national_fertility_by_row(rates, women)).sum(axis=-1)  # (T, V)
    targets = np.stack([over_steps(components[i].path, steps, width) for i in rows], axis=1)
    rescaled = np.array(fertility_rate, copy=True)
    rescaled[:, rows] = rates * (targets / realised)[..., None, None]
    return rescaled


def national_fertility_by_row(rates: np.ndarray, women: np.ndarray) -> np.ndarray:
    """National rates (..., age) of the states' rates (..., state, age) weighted by women."""
    total = women.sum(axis=-2)
    return np.divide((rates * women).sum(axis=-2), total, out=np.zeros(total.shape),
                     where=total > 0)


def sex_ratios(base: Base, components: list[Component], steps) -> np.ndarray:
    """The sex ratio at birth (time, batch, state 1) of every variant [male per female]:
    a time axis of length 1 when every variant holds one ratio, else one ratio per
    step (those of the base's periods, ``table = "base"``)."""
    given = [c.options.get("sex_ratio_at_birth", base.sex_ratio_at_birth) for c in components]
    if all(np.ndim(value) == 0 for value in given):
        ratio = np.array(given)
        return np.broadcast_to(ratio[None, :, None], (1, len(components), 1))
    by_step = np.stack([np.broadcast_to(value, (len(steps),)) for value in given], axis=1)
    return by_step[:, :, None]
