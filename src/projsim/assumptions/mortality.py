"""Mortality assumptions: death rates moved to life-expectancy targets, and survival ratios."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from projsim.assumptions.common import scaled, stack
from projsim.demography.lifetable import survival_ratios_from_rates
from projsim.demography.mortality import mortality_index_for_e0, refine_mortality_index
from projsim.demography.pooling import national_rates, pooled_oldest
from projsim.model.base import Base
from projsim.model.paths import over_steps
from projsim.model.scenario import Component, Scenario
from projsim.types import SEXES


def key(component: Component):
    """A value that is equal for components that give the same rates."""
    if component.method == "table":
        return ("table", id(component.values))
    paths = component.path if isinstance(component.path, dict) else {"": component.path}
    return (component.method, tuple((k, tuple(p.years), tuple(p.values)) for k, p in paths.items()))


def survival(mortality, keys, base: Base) -> np.ndarray:
    """Survival ratios (time, batch, state, sex, age) from death rates, with
    one life table per distinct assumption (``keys`` name them by variant).

    On single years the HMD's life table; on a five-year grid the abridged
    table of the base's death-rate groups with Greville's separation factors,
    pooled into the grid's groups, the groups above the death rates' open
    group at its constant force (:attr:`projsim.model.base.Base.survival_rules`).
    """
    first = {k: i for i, k in reversed(list(enumerate(keys)))}
    distinct = sorted(set(first.values()))
    ratios = survival_ratios_from_rates(mortality[:, distinct], np.array(SEXES),
                                        **base.survival_rules)
    return ratios[:, [distinct.index(first[k]) for k in keys]]


def e0_targets(components: list[Component], steps, width: int = 1) -> np.ndarray:
    """The e0 targets (variant, time, sex) of components with the ``e0`` method [years],
    each step's the mean of its years' (:func:`~projsim.model.paths.over_steps`)."""
    return np.stack([np.stack([over_steps(c.path[s], steps, width) for s in SEXES], axis=-1)
                     for c in components])


def mortality_rates(base: Base, components: list[Component], steps):
    """Central death rates (time, batch, state, sex, age) [per person-year] and
    the mortality index (time, batch, sex) of the variants with e0 targets.

    An e0 target is met by the national schedule, the population-weighted mean
    of the states' base rates (:func:`projsim.demography.pooling.pooled_oldest`
    weights), moved along the Lee-Carter age pattern; the same index moves
    every state, so the differences between states stay those of the base
    (:mod:`projsim.demography.mortality`). Distinct target paths are solved
    once, in one vectorised call. On a five-year grid the rates, the pattern
    and the life table are those of the abridged groups, and e0 is that of
    the abridged table with Greville's separation factors
    (:attr:`projsim.model.base.Base.life_table_rules`).
    """
    built: list = [None] * len(components)
    index = np.full((len(steps), len(components), len(SEXES)), np.nan)
    targeted = [i for i, c in enumerate(components) if c.method == "e0"]
    if targeted:
        targets = e0_targets([components[i] for i in targeted], steps, base.age_width)  # (V, T, S)
        distinct, which = np.unique(targets.reshape(len(targeted), -1), axis=0,
                                    return_inverse=True)
        pattern = base.age_pattern()
        national = national_rates(base.mortality_rate,
                                  pooled_oldest(base.mortality_weights(base.population)))
        solved = mortality_index_for_e0(national, pattern, distinct.reshape(-1, *targets.shape[1:]),
                                        np.array(SEXES), **base.life_table_rules)  # (U, T, S)
        index[:, targeted] = np.moveaxis(solved[which.ravel()], 0, 1)
        for i in targeted:
            built[i] = base.mortality_rate * np.exp(index[:, i, None, :, None] * pattern)
    for i, component in enumerate(components):
        if component.method == "table":
            built[i] = component.values
        elif component.method == "scale":
            built[i] = scaled(base.mortality_rate, component, steps, base.age_width)
    return stack(built), index


def reweight_e0(inputs, scenario: Scenario, population: np.ndarray):
    """Solve life-expectancy targets again on the projected population.

    A first projection weights the states by their base population when it
    forms the national death rates whose e0 meets the target. This second
    pass weights them by each year's mean projected population (the mean of
    the 1 January populations that open and close the year, a proxy for the
    exposure), so that the national e0 of the projection itself, deaths over
    exposure summed over states, meets the target; the states' rates move by
    the same index k(t, sex) as before, and their differences stay those of
    the base.

    Parameters
    ----------
    inputs : Inputs
        The inputs of the first projection.
    scenario : Scenario
        The scenario they were built from.
    population : ndarray, (time, batch, state, sex, age)
        The first projection's populations on 1 January [persons].

    Returns
    -------
    Inputs
        The same inputs with new death rates and survival ratios for the
        variants that target e0.
    """
    steps = inputs.years[:-1]
    rows = [i for i, v in enumerate(scenario.variants) if v.components["mortality"].method == "e0"]
    if not rows:
        return inputs
    base = inputs.base
    targets = np.ascontiguousarray(np.moveaxis(e0_targets(
        [scenario.variants[i].components["mortality"] for i in rows], steps, base.age_width),
        0, 1))                                                                        # (T, V, S)
    exposure = pooled_oldest(base.mortality_weights(
        0.5 * (population[:-1] + population[1:])[:, rows]))              # (T, V, R, S, A)
    base_rates = base.mortality_rate
    pattern = base.age_pattern()                                                      # (S, A)
    index = inputs.mortality_index.copy()
    index[:, rows] = refine_mortality_index(national_rates(base_rates, exposure), pattern,
                                            targets, np.array(SEXES), index[:, rows],
                                            **base.life_table_rules)
    mortality = inputs.mortality_rate.copy()
    mortality[:, rows] = base_rates * np.exp(index[:, rows, None, :, None] * pattern)
    keys = [(key(v.components["mortality"]), i if i in rows else None)
            for i, v in enumerate(scenario.variants)]
    rates = inputs.rates._replace(survival=survival(mortality, keys, base))
    return replace(inputs, rates=rates, mortality_rate=mortality, mortality_index=index)
