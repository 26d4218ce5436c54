"""Turn a scenario and its base into the kernel's rate arrays.

This is the only place where assumptions become numbers: the scenario's
paths multiply the base rates year by year, life tables turn death rates into
survival ratios, and the result is a :class:`projsim.kernel.Rates` with a
leading time axis and a batch axis of one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from projsim.base import Base, load_base
from projsim.kernel import Rates
from projsim.lifetable import kannisto_extend, life_table, survival_ratios
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
    base = with_open_age(load_base(scenario.base), scenario.open_age)
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


def with_open_age(base: Base, open_age: int | None) -> Base:
    """Move a base's open age group to ``open_age`` (any age up to 130).

    Raising it, death rates of the new single ages and of the new open group
    come from a Kannisto fit on ages 80-99 (:func:`projsim.lifetable.kannisto_extend`)
    and the persons and net migrants of the old open group are spread over the
    new ages in proportion to the stationary life-table population
    ``L(x) / T(old open age)``; internal out-migration rates of the old open
    group apply to every new age. Lowering it, counts above the new open age
    are summed, the open group's death rate is the stationary-population rate
    ``l(open age) / T(open age)`` of the base life table and its internal rate
    the population-weighted mean. Fertility must be zero from the new open age
    on (the scenario enforces a lowest open age above the childbearing ages).

    Parameters
    ----------
    base : Base
        The base as embedded.
    open_age : int or None
        The first age of the new open group [years]; ``None`` keeps the base's.

    Returns
    -------
    Base

    Examples
    --------
    >>> base = load_base("belgium-2012")
    >>> wider = with_open_age(base, 130)
    >>> int(wider.ages[-1]), bool(np.isclose(wider.population.sum(), base.population.sum()))
    (130, True)
    >>> narrower = with_open_age(base, 100)
    >>> narrower.population.shape, int(narrower.population.sum())
    ((3, 2, 101), 11035948)
    """
    if open_age is None or open_age == base.open_age:
        return base
    sexes = np.array(SEXES)
    if open_age > base.open_age:
        ages = np.arange(open_age + 1)
        mortality = kannisto_extend(base.mortality_rate, base.ages, fit_ages=(80, 99),
                                    replace_from=base.open_age, open_age=open_age)
        table = life_table(mortality, sexes)
        share = table.Lx[..., base.open_age:] / table.Tx[..., base.open_age, None]

        def spread(counts):
            return np.concatenate([counts[..., :-1], counts[..., -1:] * share], axis=-1)

        def repeat(rates):
            return np.concatenate([rates, np.repeat(rates[..., -1:], open_age - base.open_age,
                                                    axis=-1)], axis=-1)

        fertility = np.concatenate(
            [base.fertility_rate, np.zeros(base.fertility_rate.shape[:-1]
                                           + (open_age - base.open_age,))], axis=-1)
        return replace(
            base, ages=ages, population=spread(base.population), mortality_rate=mortality,
            fertility_rate=fertility, net_migration=spread(base.net_migration),
            internal_rate=None if base.internal_rate is None else repeat(base.internal_rate))
    table = life_table(base.mortality_rate, sexes)
    mortality = base.mortality_rate[..., : open_age + 1].copy()
    mortality[..., -1] = table.lx[..., open_age] / table.Tx[..., open_age]

    def collapse(counts):
        return np.concatenate([counts[..., :open_age],
                               counts[..., open_age:].sum(axis=-1, keepdims=True)], axis=-1)

    internal_rate = None
    if base.internal_rate is not None:
        weights = base.population[..., open_age:]
        total = weights.sum(-1)
        weighted = (base.internal_rate[..., open_age:] * weights).sum(-1)
        internal_rate = base.internal_rate[..., : open_age + 1].copy()
        np.divide(weighted, total, out=internal_rate[..., -1], where=total > 0)
    return replace(
        base, ages=np.arange(open_age + 1), population=collapse(base.population),
        mortality_rate=mortality, fertility_rate=collapse(base.fertility_rate),
        net_migration=collapse(base.net_migration), internal_rate=internal_rate)
