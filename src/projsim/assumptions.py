"""Turn a scenario and its base into the kernel's rate arrays.

This is the only place where assumptions become numbers: the scenario's
paths multiply the base rates year by year, life tables turn death rates into
survival ratios, and the result is a :class:`projsim.kernel.Rates` with a
leading time axis and a batch axis of one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.base import Base, load_base
from projsim.kernel import Rates
from projsim.lifetable import life_table, survival_ratios
from projsim.scenario import Scenario
from projsim.types import SEXES


@dataclass(frozen=True)
class Inputs:
    """Everything the kernel needs for one scenario, with the labels beside it.

    Attributes
    ----------
    base : Base
        The base dataset.
    years : ndarray of int
        The 1 January dates of the projection, from the base year to the
        horizon; step ``t`` runs from ``years[t]`` to ``years[t + 1]``.
    population : ndarray, (batch, region, sex, age)
        The starting population [persons].
    rates : Rates
        Rates of every step, with a leading time axis.
    """

    base: Base
    years: np.ndarray
    population: np.ndarray
    rates: Rates


def build_inputs(scenario: Scenario) -> Inputs:
    """Build the kernel inputs of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Returns
    -------
    Inputs

    Examples
    --------
    >>> from projsim.scenario import load_scenario
    >>> inputs = build_inputs(load_scenario("belgium-2012"))
    >>> inputs.rates.survival.shape
    (49, 1, 3, 2, 111)
    """
    base = load_base(scenario.base)
    years = np.arange(base.year, scenario.horizon + 1)
    step_years = years[:-1]
    scale = {name: path.at(step_years) for name, path in scenario.paths.items()}

    def over_time(array, name):
        """Base array (state, ...) times the path: (time, batch=1, state, ...)."""
        factor = scale[name].reshape((-1, 1) + (1,) * array.ndim)
        return factor * array[None, None]

    mortality = over_time(base.mortality_rate, "mortality")
    survival = survival_ratios(life_table(mortality, np.array(SEXES)), step_width=1)
    internal_rate = internal_destination = None
    if base.internal_rate is not None and np.any(scale["internal_migration"] > 0):
        internal_rate = over_time(base.internal_rate, "internal_migration")
        internal_destination = base.internal_destination[None, None]
    rates = Rates(
        survival=survival,
        fertility_rate=over_time(base.fertility_rate, "fertility"),
        sex_ratio_at_birth=np.full((1, 1, 1), base.sex_ratio_at_birth),
        net_migration=over_time(base.net_migration, "international_migration"),
        internal_rate=internal_rate,
        internal_destination=internal_destination,
    )
    return Inputs(base=base, years=years, population=base.population[None].copy(), rates=rates)
