"""Fertility assumptions: rates by state and age of mother, and the sex ratio at birth."""

from __future__ import annotations

import numpy as np

from projsim.assumptions.common import scaled, stack
from projsim.demography.pooling import national_fertility
from projsim.model.base import Base
from projsim.model.scenario import Component
from projsim.types import REGION


def schedule_of(base: Base, component: Component) -> np.ndarray:
    """The schedule (state, age) a ``tfr`` path rescales: the component's table or the base's."""
    return component.options.get("schedule", base.fertility_rate)


def schedule_tfr(base: Base, schedule: np.ndarray) -> float:
    """The national TFR of a schedule, weighted by the base's women at each age."""
    return float(national_fertility(schedule, base.population[:, 0, :]).sum())


def regional_tfr(base: Base, schedule: np.ndarray) -> np.ndarray:
    """The TFR (region) of a schedule (state, age), each region's states weighted
    by their women at each age in the base."""
    regions = base.states.codes(REGION)
    women = base.population[:, 0, :]
    return np.array([national_fertility(schedule[regions == r], women[regions == r]).sum()
                     for r in range(len(base.regions))])


def fertility_rates(base: Base, components: list[Component], steps) -> np.ndarray:
    """Fertility rates (time, batch, state, age) [births per woman per year].

    A ``tfr`` path rescales a schedule (the base's, or the ``schedule`` table)
    to its level. A national path rescales every state's schedule by the same
    factor, so regional differences are kept and the national TFR, defined
    with the base's female population as weights at each age, equals the
    target; a path per region rescales the schedules of each region's states
    by one factor, so that the region's TFR, defined in the same way, equals
    the target.
    """
    built = []
    regions = base.states.codes(REGION)
    for component in components:
        if component.method == "table":
            built.append(component.values)
            continue
        if component.method == "scale":
            built.append(scaled(base.fertility_rate, component, steps))
            continue
        schedule = schedule_of(base, component)
        if isinstance(component.path, dict):
            targets = np.stack([component.path[r].at(steps) for r in base.regions], axis=-1)
            built.append(schedule * (targets / regional_tfr(base, schedule))[:, regions, None])
        else:
            factor = component.path.at(steps) / national_fertility(
                schedule, base.population[:, 0, :]).sum()
            built.append(factor[:, None, None] * schedule)
    return stack(built)


def sex_ratios(base: Base, components: list[Component]) -> np.ndarray:
    """The sex ratio at birth (time 1, batch, state 1) of every variant [male per female]."""
    ratio = np.array([c.options.get("sex_ratio_at_birth", base.sex_ratio_at_birth)
                      for c in components])
    return np.broadcast_to(ratio[None, :, None], (1, len(components), 1))
