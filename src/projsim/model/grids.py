"""A base on a scenario's grid: grouped, graduated, and its open age moved.

A scenario states its grid (:data:`projsim.types.Grid`): single years of age
and one-year steps, or five-year groups and five-year steps. Its base may be
given on either. :func:`with_grid` puts the base on the scenario's grid and
open age, once, before any rate is built:

* a base by single year on a five-year grid is **grouped**
  (:func:`grouped`): counts are summed, fertility rates averaged (the TFR,
  n times their sum, is kept), rates of leaving averaged with the population
  as weights, and the death rates become those of the abridged groups 0,
  1-4, 5-9, ...: deaths over person-years of the single-year life table, so
  that the abridged table of the grouped rates keeps the single-year table's
  survivors at the groups' limits;
* a base by five-year group on a single-year grid is **graduated**
  (:func:`graduated`) by the monotone cubic interpolation of the cumulated
  values (:mod:`projsim.demography.graduation`): each group's persons and
  births are kept, net migrants are graduated as their positive and their
  negative cells apart, death rates so that each group keeps its survival
  in the base's abridged table, and the rates of leaving are held over each
  group's single years;
* on a five-year grid the open age moves by whole groups (:func:`with_open_age_of_groups`):
  raising it splits the open group at its own constant force, the
  assumption that closes a life table (``L = l/m``), into five-year groups
  and a later open group; lowering it pools the groups above, with the
  stationary rate ``l/T`` of the abridged table. On single years the open
  age moves as :func:`projsim.model.base.with_open_age` moves it (a Kannisto
  fit on ages 80-99).

A base by single year is grouped after its open age is moved, a base by
five-year group graduated before, so that a single-year open age above a
five-year base's is reached through the Kannisto fit of the graduated rates.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Ch. 3 (abridged life
tables).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from projsim.demography.graduation import graduate_counts, graduate_rates, group_counts
from projsim.demography.lifetable import life_table
from projsim.demography.survival import open_group_shares
from projsim.model.base import Base, with_open_age
from projsim.types import SEXES

__all__ = ["abridged_ages", "graduated", "grouped", "with_grid", "with_open_age_of_groups",
           "with_single_open_age"]


def abridged_ages(width: int, open_age: int) -> np.ndarray:
    """First ages of the abridged groups 0, 1-(n-1), n, 2n, ... of a grid of ``width`` years.

    Examples
    --------
    >>> abridged_ages(5, 20).tolist()
    [0, 1, 5, 10, 15, 20]
    """
    return np.concatenate([[0, 1], np.arange(width, open_age + 1, width)])


def with_grid(base: Base, width: int, open_age: int | None = None) -> Base:
    """The base on a grid of ``width`` years with the open age ``open_age``.

    Parameters
    ----------
    base : Base
        The base as read.
    width : int
        The width of the grid's age groups and steps [years]
        (:data:`projsim.types.GRID_WIDTHS`).
    open_age : int or None
        The first age of the open group [years]; None keeps the base's. On a
        five-year grid a multiple of 5 (the scenario checks it).

    Returns
    -------
    Base

    Examples
    --------
    >>> from projsim.io import load_base
    >>> belgium = load_base("belgium-2012")
    >>> five = with_grid(belgium, 5)
    >>> five.ages[:3].tolist(), five.mortality_ages[:4].tolist(), int(five.population.sum())
    ([0, 5, 10], [0, 1, 5, 10], 11035948)
    >>> single = with_grid(load_base("wpp2024-belgium"), 1, 110)
    >>> int(single.open_age), single.date, round(float(single.population.sum()))
    (110, '1 July', 11540103)
    """
    if base.age_width == width:
        return with_single_open_age(base, open_age) if width == 1 \
            else with_open_age_of_groups(base, open_age)
    if base.age_width == 1:
        return grouped(with_single_open_age(base, open_age), width)
    return with_single_open_age(graduated(base), open_age)


def with_single_open_age(base: Base, open_age: int | None) -> Base:
    """:func:`projsim.model.base.with_open_age` of a base by single year, its rates of
    every period moved the same way, each period's by its own death rates."""
    moved = with_open_age(base, open_age)
    periods = base.periods
    if periods is None or moved is base:
        return moved
    each = [with_open_age(replace(base, mortality_rate=mortality, fertility_rate=fertility,
                                  net_migration=migrants, periods=None), open_age)
            for mortality, fertility, migrants in zip(periods.mortality_rate,
                                                      periods.fertility_rate,
                                                      periods.net_migration)]
    return replace(moved, periods=replace(
        periods, **{name: np.stack([getattr(one, name) for one in each])
                    for name in ("mortality_rate", "fertility_rate", "net_migration")}))


# --- single years to groups ------------------------------------------------------------


def grouped(base: Base, width: int) -> Base:
    """A base by single year of age on groups of ``width`` years (its open age a multiple of it).

    Counts (persons, net migrants, immigrants) are summed; fertility rates
    averaged over each group's single years (the TFR, ``width`` times their
    sum, is kept); rates of leaving (internal migration, emigration,
    naturalisation) averaged with the population as weights. Death rates are
    those of the abridged groups :func:`abridged_ages`: the single-year life
    table's deaths over its person-years in each group, so that the abridged
    table's :math:`l(x)` at the groups' limits is the single-year table's up
    to the separation factors of the groups.

    Examples
    --------
    >>> from projsim.io import load_base
    >>> base = load_base("belgium-2012-regions")
    >>> five = grouped(base, 5)
    >>> print(round(5 * float(five.fertility_rate[1].sum()), 6),
    ...       round(float(base.fertility_rate[1].sum()), 6))
    1.798486 1.798486
    """
    table = life_table(base.mortality_rate, np.array(SEXES))
    mortality_ages = abridged_ages(width, base.open_age)
    widths = np.diff(mortality_ages)
    mortality = group_counts(table.dx, widths) / group_counts(table.Lx, widths)

    def counts(values):
        return None if values is None else group_counts(values, width)

    def weighted(rates):
        if rates is None:
            return None
        people = group_counts(base.population, width)
        mean = group_counts(rates, width)
        mean[..., :-1] /= width
        total = group_counts(rates * base.population, width)
        return np.divide(total, people, out=mean, where=people > 0)

    fertility = group_counts(base.fertility_rate, width)
    fertility[..., :-1] /= width
    return replace(
        base, ages=np.arange(0, base.open_age + 1, width), age_width=width,
        population=counts(base.population), mortality_rate=mortality,
        mortality_ages=mortality_ages, fertility_rate=fertility,
        net_migration=counts(base.net_migration),
        internal_migration_rate=weighted(base.internal_migration_rate),
        immigrant_profile=counts(base.immigrant_profile), immigration=counts(base.immigration),
        emigration_rate=weighted(base.emigration_rate),
        naturalisation_rate=weighted(base.naturalisation_rate))


# --- groups to single years ------------------------------------------------------------


def graduated(base: Base) -> Base:
    """A base by age group on single years of age, by graduation.

    Persons, immigrants and fertility rates are graduated by the monotone
    cubic interpolation of their cumulated values
    (:func:`projsim.demography.graduation.graduate_counts`, ``graduate_rates``):
    each group keeps its persons and its TFR, and no value is negative. Net
    migrants, which may be negative, are graduated as their positive and
    their negative cells apart, which keeps every group's net total. Death
    rates are graduated as each group's cumulated hazard
    :math:`-\\ln(l_{x+n}/l_x)` in the base's abridged table (the grid's
    separation rule) spread over its single years, so that the single-year
    table keeps the abridged table's survival across every group to the
    order of :math:`m^3` (e0 of WPP 2024's Belgian rates within 0.02 years,
    where graduating the central rates themselves, whose group mean weights
    the younger ages of a group more, gives 0.1 years too much); the open
    group keeps its rate. Rates of leaving are held over each group's single
    years. The rates of every period (:class:`~projsim.model.base.Periods`)
    are graduated the same way.

    Examples
    --------
    >>> from projsim.io import load_base
    >>> wpp = load_base("wpp2024-belgium")
    >>> single = graduated(wpp)
    >>> int(single.ages[-1]), single.population.shape
    (100, (1, 2, 101))
    >>> bool(np.allclose(single.population[..., :5].sum(-1), wpp.population[..., 0]))
    True
    """
    width, widths = base.age_width, base.mortality_widths

    def counts(values):
        return None if values is None else graduate_counts(values, width)

    def net(values):
        return graduate_counts(np.maximum(values, 0), width) \
            - graduate_counts(np.maximum(-values, 0), width)

    def held(rates):
        return None if rates is None else np.concatenate(
            [np.repeat(rates[..., :-1], width, axis=-1), rates[..., -1:]], axis=-1)

    def hazards(rates):
        table = life_table(rates, np.array(SEXES), **base.life_table_rules)
        per_year = -np.log1p(-table.qx[..., :-1]) / widths[:-1]
        return graduate_rates(np.concatenate([per_year, rates[..., -1:]], axis=-1), widths)

    periods = base.periods
    if periods is not None:
        periods = replace(periods, mortality_rate=hazards(periods.mortality_rate),
                          fertility_rate=graduate_rates(periods.fertility_rate, width),
                          net_migration=net(periods.net_migration))
    return replace(
        base, ages=np.arange(base.open_age + 1), age_width=1, mortality_ages=None,
        population=counts(base.population), mortality_rate=hazards(base.mortality_rate),
        fertility_rate=graduate_rates(base.fertility_rate, width),
        net_migration=net(base.net_migration),
        internal_migration_rate=held(base.internal_migration_rate),
        immigrant_profile=counts(base.immigrant_profile), immigration=counts(base.immigration),
        emigration_rate=held(base.emigration_rate),
        naturalisation_rate=held(base.naturalisation_rate), periods=periods)


# --- the open age of groups ------------------------------------------------------------


def with_open_age_of_groups(base: Base, open_age: int | None) -> Base:
    """Move the open age group of a base by age groups to ``open_age``, a multiple of the width.

    **Raising** it splits the open group into groups of the base's width
    and a later open group at its own constant force, the force :math:`m` of
    the death rates' open group (the assumption behind a life table's
    :math:`L = l/m`): persons and net migrants of the open group are shared
    in the stationary proportions :math:`e^{-knm}(1 - e^{-nm})`, the last
    :math:`e^{-Knm}` (:func:`projsim.demography.survival.open_group_shares`);
    fertility is 0 in the new groups and rates of leaving are those of the
    open group. The death rates keep their groups: the groups above their
    open group die at its force (:attr:`~projsim.model.base.Base.survival_rules`),
    so that those entering the open group survive by their own ratio, not by
    the ratio of a stationary group pooled with those already in it (the
    pooled ratio under-projects WPP's 100+ by 8 to 11 %, the split brings it
    within 8 %; ``validation/README.md``).

    **Lowering** it sums the counts above the new open age; the open group's
    death rate becomes the stationary rate :math:`l(x)/T(x)` of the abridged
    life table (the grid's separation rule), its rates of leaving the
    population-weighted mean of the groups it pools. Fertility must be 0
    from the new open age on (the scenario checks it).

    Examples
    --------
    >>> from projsim.io import load_base
    >>> wpp = load_base("wpp2024-belgium")
    >>> wider = with_open_age_of_groups(wpp, 130)
    >>> wider.ages[-3:].tolist(), wider.mortality_ages[-1].item()
    ([120, 125, 130], 100)
    >>> bool(np.isclose(wider.population.sum(), wpp.population.sum()))
    True
    """
    if open_age is None or open_age == base.open_age:
        return base
    if open_age > base.open_age:
        return _raised(base, open_age)
    return _lowered(base, open_age)


def _raised(base: Base, open_age: int) -> Base:
    groups = (open_age - base.open_age) // base.age_width
    shares = open_group_shares(base.mortality_rate[..., -1], groups, base.age_width)

    def spread(counts, share=shares):
        return None if counts is None else np.concatenate(
            [counts[..., :-1], counts[..., -1:] * share], axis=-1)

    def repeat(rates):
        return None if rates is None else np.concatenate(
            [rates, np.repeat(rates[..., -1:], groups, axis=-1)], axis=-1)

    def zeros(rates):
        return np.concatenate([rates, np.zeros(rates.shape[:-1] + (groups,))], axis=-1)

    periods = base.periods
    if periods is not None:
        by_period = open_group_shares(periods.mortality_rate[..., -1], groups, base.age_width)
        periods = replace(periods, fertility_rate=zeros(periods.fertility_rate),
                          net_migration=spread(periods.net_migration, by_period))
    return replace(
        base, ages=np.arange(0, open_age + 1, base.age_width),
        mortality_ages=base.death_rate_ages, population=spread(base.population),
        fertility_rate=zeros(base.fertility_rate), net_migration=spread(base.net_migration),
        internal_migration_rate=repeat(base.internal_migration_rate),
        immigrant_profile=spread(base.immigrant_profile), immigration=spread(base.immigration),
        emigration_rate=repeat(base.emigration_rate),
        naturalisation_rate=repeat(base.naturalisation_rate), periods=periods)


def _lowered(base: Base, open_age: int) -> Base:
    cut = int(np.searchsorted(base.ages, open_age))
    mortality_ages = base.death_rate_ages
    kept = int(np.searchsorted(mortality_ages, open_age))

    def stationary(rates):
        if kept >= mortality_ages.size - 1:
            return rates
        table = life_table(rates, np.array(SEXES), **base.life_table_rules)
        closed = rates[..., : kept + 1].copy()
        closed[..., -1] = table.lx[..., kept] / table.Tx[..., kept]
        return closed

    def collapse(counts):
        return None if counts is None else np.concatenate(
            [counts[..., :cut], counts[..., cut:].sum(axis=-1, keepdims=True)], axis=-1)

    def pooled(rates):
        if rates is None:
            return None
        weights = base.population[..., cut:]
        total = weights.sum(-1)
        kept_rates = rates[..., : cut + 1].copy()
        np.divide((rates[..., cut:] * weights).sum(-1), total, out=kept_rates[..., -1],
                  where=total > 0)
        return kept_rates

    periods = base.periods
    if periods is not None:
        periods = replace(periods, mortality_rate=stationary(periods.mortality_rate),
                          fertility_rate=collapse(periods.fertility_rate),
                          net_migration=collapse(periods.net_migration))
    return replace(
        base, ages=base.ages[: cut + 1], mortality_ages=mortality_ages[: kept + 1],
        population=collapse(base.population), mortality_rate=stationary(base.mortality_rate),
        fertility_rate=collapse(base.fertility_rate), net_migration=collapse(base.net_migration),
        internal_migration_rate=pooled(base.internal_migration_rate),
        immigrant_profile=collapse(base.immigrant_profile), immigration=collapse(base.immigration),
        emigration_rate=pooled(base.emigration_rate),
        naturalisation_rate=pooled(base.naturalisation_rate), periods=periods)

