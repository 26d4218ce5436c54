"""Turn a scenario and its base into the engine's rate arrays.

This is the only place where assumptions become numbers, one module per
component (:mod:`~projsim.assumptions.fertility`,
:mod:`~projsim.assumptions.mortality`, :mod:`~projsim.assumptions.migration`).
Each component is built for all variants at once, with the variants on the
kernel's batch axis: paths are read at the step years, fertility schedules
are rescaled to their TFR targets, death rates are moved to their
life-expectancy targets by one vectorised solver call, net migration totals
are spread by their profile, and life tables turn death rates into survival
ratios. The result is a :class:`projsim.engine.Rates` with axes
(time, batch, ...). Nothing here reads a file: the scenario carries its base.

The base is first put on the scenario's grid (:func:`projsim.model.grids.with_grid`).
On a grid of n years a step is n years long: paths are read as the mean of
the step's years, the TFR is n times the sum of the rates, life tables are
abridged with Greville's separation factors, and migrants, stated per year,
reach the kernel per step (n times as many).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from projsim.assumptions.fertility import (
    fertility_rates, national_path, reweight_tfr, sex_ratios,
)
from projsim.assumptions.migration import births_into, international_migration, moves
from projsim.assumptions.mortality import key, mortality_rates, reweight_e0, survival
from projsim.engine import Rates
from projsim.model.base import Base
from projsim.model.grids import with_grid
from projsim.model.scenario import Scenario
from projsim.types import MOVES


@dataclass(frozen=True)
class Inputs:
    """Everything the kernel needs for one scenario, with the labels beside it.

    Attributes
    ----------
    base : Base
        The base dataset, on the scenario's grid with its open age.
    years : ndarray of int
        The dates of the projection (the base's day of the year), from the
        base year to the horizon, a step apart; step ``t`` runs from
        ``years[t]`` to ``years[t + 1]``.
    variants : tuple of str
        Names of the batch entries: the scenario, then its variants.
    population : ndarray, (batch, state, sex, age)
        The starting population [persons].
    rates : Rates
        Rates of every step, with a leading time axis.
    mortality_rate : ndarray, (time, batch, state, sex, age)
        The central death rates behind ``rates.survival`` [per person-year].
    mortality_index : ndarray, (time, batch, sex)
        The Lee-Carter index k that moves the base rates to each year's e0
        target [dimensionless]; NaN for variants without e0 targets.
    moves : tuple of str
        The kinds of moves between states on the rates' ``move`` axis
        (:data:`projsim.types.MOVES`).
    channel_immigration : ndarray or None, (time, batch, channel, state, sex, age)
        Immigrants of foreign nationality by channel [persons per year], by
        age at migration; part of ``rates.immigration`` (NaN for variants
        stated without channels). None when no variant states channels.
    channels : tuple of str
        The channels on its ``channel`` axis (:data:`projsim.types.CHANNELS`).
    """

    base: Base
    years: np.ndarray
    variants: tuple[str, ...]
    population: np.ndarray
    rates: Rates
    mortality_rate: np.ndarray
    mortality_index: np.ndarray
    moves: tuple[str, ...] = ()
    channel_immigration: np.ndarray | None = None
    channels: tuple[str, ...] = ()


def build_inputs(scenario: Scenario) -> Inputs:
    """Build the kernel inputs of a scenario and all its variants.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario, with its base.

    Returns
    -------
    Inputs

    Examples
    --------
    >>> from projsim.io import load_scenario
    >>> inputs = build_inputs(load_scenario("belgium-2012"))
    >>> inputs.rates.survival.shape
    (49, 1, 6, 2, 111)
    """
    base = with_grid(scenario.base_data, scenario.width, scenario.open_age)
    years = np.arange(base.year, scenario.horizon + 1, scenario.width)
    steps = years[:-1]
    variants = scenario.variants

    def each(component):
        return [v.components[component] for v in variants]

    mortality, index = mortality_rates(base, each("mortality"), steps)
    migration = international_migration(base, each("international_migration"), steps)
    kinds, move_rate, move_destination = moves(
        base, {kind: each(kind) for kind in MOVES if kind in scenario.components}, steps)
    rates = Rates(
        survival=survival(mortality, [key(c) for c in each("mortality")], base),
        fertility_rate=fertility_rates(base, each("fertility"), steps),
        sex_ratio_at_birth=sex_ratios(base, each("fertility"), steps),
        net_migration=per_step(migration.net_migration, scenario.width),
        immigration=per_step(migration.immigration, scenario.width),
        emigration_rate=migration.emigration_rate,
        net_total=per_step(migration.net_total, scenario.width),
        move_rate=move_rate,
        move_destination=move_destination,
        birth_destination=births_into(base),
    )
    population = np.repeat(base.population[None], len(variants), axis=0)
    return Inputs(base=base, years=years, variants=tuple(v.name for v in variants),
                  population=population, rates=rates, mortality_rate=mortality,
                  mortality_index=index, moves=kinds,
                  channel_immigration=migration.by_channel, channels=migration.channels)


def per_step(per_year: np.ndarray | None, width: int) -> np.ndarray | None:
    """Counts per year [persons per year] as the kernel takes them, per step of
    ``width`` years [persons per step]."""
    return per_year if per_year is None or width == 1 else width * per_year


def reweight(inputs: Inputs, scenario: Scenario, population: np.ndarray) -> Inputs:
    """The inputs of a second pass: e0 targets and national TFR paths solved again
    on the first pass's projected population (:func:`reweight_e0`,
    :func:`projsim.assumptions.fertility.reweight_tfr`)."""
    inputs = reweight_e0(inputs, scenario, population)
    fertility = [v.components["fertility"] for v in scenario.variants]
    rates = inputs.rates._replace(fertility_rate=reweight_tfr(
        inputs.rates.fertility_rate, fertility, inputs.years[:-1], population, scenario.width))
    return replace(inputs, rates=rates)


def needs_second_pass(scenario: Scenario) -> bool:
    """Whether a scenario has targets met on its own projected population (e0, national TFR)."""
    return any(v.components["mortality"].method == "e0" or national_path(v.components["fertility"])
               for v in scenario.variants)


__all__ = ["Inputs", "build_inputs", "needs_second_pass", "per_step", "reweight", "reweight_e0"]
