"""Turn a scenario and its base into the kernel's rate arrays.

This is the only place where assumptions become numbers. Each component is
built for all variants at once, with the variants on the kernel's batch
axis: paths are read at the step years, fertility schedules are rescaled to
their TFR targets, death rates are moved to their life-expectancy targets by
one vectorised solver call (:mod:`projsim.mortality`), net migration totals
are spread by their profile, and life tables turn death rates into survival
ratios. The result is a :class:`projsim.kernel.Rates` with axes
(time, batch, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from projsim.base import Base, load_base
from projsim.kernel import Rates
from projsim.lifetable import kannisto_extend, life_table, survival_ratios_from_rates
from projsim.scenario import Component, Scenario
from projsim.schedules import rogers_castro
from projsim.types import SEXES


@dataclass(frozen=True)
class Inputs:
    """Everything the kernel needs for one scenario, with the labels beside it.

    Attributes
    ----------
    base : Base
        The base dataset (with the scenario's open age).
    years : ndarray of int
        The 1 January dates of the projection, from the base year to the
        horizon; step ``t`` runs from ``years[t]`` to ``years[t + 1]``.
    variants : tuple of str
        Names of the batch entries: the scenario, then its variants.
    population : ndarray, (batch, region, sex, age)
        The starting population [persons].
    rates : Rates
        Rates of every step, with a leading time axis.
    mortality_rate : ndarray, (time, batch, region, sex, age)
        The central death rates behind ``rates.survival`` [per person-year].
    mortality_index : ndarray, (time, batch, sex)
        The Lee-Carter index k that moves the base rates to each year's e0
        target [dimensionless]; NaN for variants without e0 targets.
    """

    base: Base
    years: np.ndarray
    variants: tuple[str, ...]
    population: np.ndarray
    rates: Rates
    mortality_rate: np.ndarray
    mortality_index: np.ndarray


def build_inputs(scenario: Scenario) -> Inputs:
    """Build the kernel inputs of a scenario and all its variants.

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
    steps = years[:-1]
    variants = scenario.variants

    def each(component):
        return [v.components[component] for v in variants]

    mortality, index = mortality_rates(base, each("mortality"), steps)
    net_migration, immigration, emigration_rate = international_migration(
        base, each("international_migration"), steps)
    internal_rate = internal_rates(base, each("internal_migration"), steps)
    sex_ratio = np.array([c.options.get("sex_ratio_at_birth", base.sex_ratio_at_birth)
                          for c in each("fertility")])
    rates = Rates(
        survival=survival(mortality, [_key(c) for c in each("mortality")]),
        fertility_rate=fertility_rates(base, each("fertility"), steps),
        sex_ratio_at_birth=np.broadcast_to(sex_ratio[None, :, None], (1, len(variants), 1)),
        net_migration=net_migration,
        immigration=immigration,
        emigration_rate=emigration_rate,
        internal_rate=internal_rate,
        internal_destination=None if internal_rate is None else base.internal_destination[None, None],
    )
    population = np.repeat(base.population[None], len(variants), axis=0)
    return Inputs(base=base, years=years, variants=tuple(v.name for v in variants),
                  population=population, rates=rates, mortality_rate=mortality,
                  mortality_index=index)


def _stack(arrays):
    """Per-variant arrays (time, ...) stacked on the batch axis: (time, batch, ...)."""
    return np.stack(arrays, axis=1)


def _scaled(base_values, component: Component, steps):
    """Base values times the component's scale path: (time, ...)."""
    factor = component.path.at(steps)
    return factor.reshape((-1,) + (1,) * base_values.ndim) * base_values


def fertility_rates(base: Base, components: list[Component], steps) -> np.ndarray:
    """Fertility rates (time, batch, region, age) [births per woman per year].

    A ``tfr`` path rescales a schedule (the base's, or the ``schedule`` table)
    to its level. A national path rescales every region's schedule by the same
    factor, so regional differences are kept and the national TFR, defined
    with the base's female population as weights at each age, equals the
    target; a path per region rescales each region's schedule to it.
    """
    built = []
    for component in components:
        if component.method == "table":
            built.append(component.values)
            continue
        if component.method == "scale":
            built.append(_scaled(base.fertility_rate, component, steps))
            continue
        schedule = component.options.get("schedule", base.fertility_rate)
        if isinstance(component.path, dict):
            targets = np.stack([component.path[r].at(steps) for r in base.regions], axis=-1)
            built.append(schedule * (targets / schedule.sum(-1))[..., None])
        else:
            factor = component.path.at(steps) / national_fertility(base, schedule).sum()
            built.append(factor[:, None, None] * schedule)
    return _stack(built)


def _key(component: Component):
    """A value that is equal for components that give the same rates."""
    if component.method == "table":
        return ("table", id(component.values))
    paths = component.path if isinstance(component.path, dict) else {"": component.path}
    return (component.method, tuple((k, tuple(p.years), tuple(p.values)) for k, p in paths.items()))


def survival(mortality, keys) -> np.ndarray:
    """Survival ratios (time, batch, region, sex, age) from death rates, with
    one life table per distinct assumption (``keys`` name them by variant)."""
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    distinct = sorted(set(first.values()))
    ratios = survival_ratios_from_rates(mortality[:, distinct], np.array(SEXES))
    return ratios[:, [distinct.index(first[key]) for key in keys]]


def national_rates(regional_rates, weights):
    """Death rates of the nation: the weighted mean of the regions' rates
    (..., region, sex, age) -> (..., sex, age) [per person-year].

    Where no region has anyone (for example the oldest men of a small base)
    the plain mean of the regions' rates stands in.

    Examples
    --------
    >>> national_rates(np.array([[[0.1, 0.2]], [[0.3, 0.4]]]),
    ...                np.array([[[1.0, 0.0]], [[3.0, 0.0]]]))
    array([[0.25, 0.3 ]])
    """
    total = weights.sum(-3)
    weighted = np.einsum("...rsa,...rsa->...sa", regional_rates, weights)
    has_weight = total > 0
    np.divide(weighted, total, out=weighted, where=has_weight)
    if not has_weight.all():
        weighted = np.where(has_weight, weighted, regional_rates.mean(-3))
    return weighted


def mortality_rates(base: Base, components: list[Component], steps):
    """Central death rates (time, batch, region, sex, age) [per person-year] and
    the mortality index (time, batch, sex) of the variants with e0 targets.

    An e0 target is met by the national schedule, the population-weighted mean
    of the regional base rates (:func:`pooled_oldest` weights), moved along
    the Lee-Carter age pattern; the same index moves every region, so regional
    differences stay those of the base (:mod:`projsim.mortality`). Distinct
    target paths are solved once, in one vectorised call.
    """
    built: list = [None] * len(components)
    index = np.full((len(steps), len(components), len(SEXES)), np.nan)
    targeted = [i for i, c in enumerate(components) if c.method == "e0"]
    if targeted:
        from projsim.mortality import load_lee_carter, mortality_index_for_e0

        targets = np.stack([np.stack([components[i].path[s].at(steps) for s in SEXES], axis=-1)
                            for i in targeted])                                   # (V, T, S)
        distinct, which = np.unique(targets.reshape(len(targeted), -1), axis=0,
                                    return_inverse=True)
        pattern = load_lee_carter(base.ages).age_pattern
        national = national_rates(base.mortality_rate, pooled_oldest(base.population))
        solved = mortality_index_for_e0(national, pattern, distinct.reshape(-1, *targets.shape[1:]),
                                        np.array(SEXES))                           # (U, T, S)
        index[:, targeted] = np.moveaxis(solved[which.ravel()], 0, 1)
        for i in targeted:
            built[i] = base.mortality_rate * np.exp(index[:, i, None, :, None] * pattern)
    for i, component in enumerate(components):
        if component.method == "table":
            built[i] = component.values
        elif component.method == "scale":
            built[i] = _scaled(base.mortality_rate, component, steps)
    return _stack(built), index


def reweight_e0(inputs: Inputs, scenario: Scenario, population: np.ndarray) -> Inputs:
    """Solve life-expectancy targets again on the projected population.

    A first projection weights the regions by their base population when it
    forms the national death rates whose e0 meets the target. This second
    pass weights them by each year's mean projected population (the mean of
    the 1 January populations that open and close the year, a proxy for the
    exposure), so that the national e0 of the projection itself, deaths over
    exposure summed over regions, meets the target; the regional rates move
    by the same index k(t, sex) as before, and their differences stay those of
    the base.

    Parameters
    ----------
    inputs : Inputs
        The inputs of the first projection.
    scenario : Scenario
        The scenario they were built from.
    population : ndarray, (time, batch, region, sex, age)
        The first projection's populations on 1 January [persons].

    Returns
    -------
    Inputs
        The same inputs with new death rates and survival ratios for the
        variants that target e0.
    """
    from projsim.mortality import load_lee_carter, refine_mortality_index

    steps = inputs.years[:-1]
    rows = [i for i, v in enumerate(scenario.variants) if v.components["mortality"].method == "e0"]
    if not rows:
        return inputs
    targets = np.stack([np.stack([scenario.variants[i].components["mortality"].path[s].at(steps)
                                  for s in SEXES], axis=-1) for i in rows], axis=1)  # (T, V, S)
    exposure = pooled_oldest(0.5 * (population[:-1] + population[1:])[:, rows])    # (T, V, R, S, A)
    base_rates = inputs.base.mortality_rate
    pattern = load_lee_carter(inputs.base.ages).age_pattern                           # (S, A)
    index = inputs.mortality_index.copy()
    index[:, rows] = refine_mortality_index(national_rates(base_rates, exposure), pattern,
                                            targets, np.array(SEXES), index[:, rows])
    mortality = inputs.mortality_rate.copy()
    mortality[:, rows] = base_rates * np.exp(index[:, rows, None, :, None] * pattern)
    keys = [(_key(v.components["mortality"]), i if i in rows else None)
            for i, v in enumerate(scenario.variants)]
    rates = inputs.rates._replace(survival=survival(mortality, keys))
    return replace(inputs, rates=rates, mortality_rate=mortality, mortality_index=index)


def pooled_oldest(population, *, each_row=False):
    """Population weights with the oldest ages pooled from the first empty cell.

    From the first age at which some region and sex has nobody, every age
    takes the region's and sex's total over those ages, so that a national
    mean of regional rates is defined at every age.

    Parameters
    ----------
    population : numpy.ndarray, (..., region, sex, age)
        Populations or exposures [persons or person-years].
    each_row : bool, default False
        Find the first empty age in each row (each index of the leading
        dimensions, such as a year and a draw) instead of anywhere, so that
        one row's weights do not depend on the others.

    Returns
    -------
    numpy.ndarray
        The weights, shape of ``population``; ``population`` itself when
        no cell is empty.

    Examples
    --------
    >>> pooled_oldest(np.array([[[5.0, 2.0, 0.0, 1.0]]]))
    array([[[5., 2., 1., 1.]]])
    >>> pooled_oldest(np.array([[[[5.0, 2.0, 0.0, 1.0]]], [[[5.0, 2.0, 3.0, 1.0]]]]),
    ...               each_row=True)[:, 0, 0]
    array([[5., 2., 1., 1.],
           [5., 2., 3., 1.]])
    """
    shared = (-3, -2) if each_row else tuple(range(population.ndim - 1))
    empty = (population == 0).any(axis=shared, keepdims=True)
    pooled = np.logical_or.accumulate(empty, axis=-1)
    if not pooled.any():
        return population
    first = int(np.argmax(pooled.reshape(-1, pooled.shape[-1]).any(axis=0)))
    old, is_pooled = population[..., first:], pooled[..., first:]
    oldest = np.where(is_pooled, old, 0.0).sum(-1, keepdims=True)
    weights = population.copy()
    weights[..., first:] = np.where(is_pooled, oldest, old)
    return weights


def international_migration(base: Base, components: list[Component], steps):
    """International migration of every variant, on the kernel's axes.

    Returns
    -------
    net_migration : ndarray, (time, batch, region, sex, age)
        Net migrants [persons per year]. A ``net_total`` is spread over
        region, sex and age by its profile: ``"base"`` uses the shares of the
        base's net migration (which may hold negative cells, where emigration
        dominates); ``"rogers-castro"`` keeps the base's shares by region and
        sex and spreads each over age by the Rogers-Castro standard schedule
        (:func:`projsim.schedules.rogers_castro`); a table gives the shares
        directly.
    immigration : ndarray or None, (time, batch, region, sex, age)
        Immigrants [persons per year] of the variants stating an
        ``immigration`` total, spread by the immigrant profile (the base's
        census profile, or a table); ``None`` when no variant does.
    emigration_rate : ndarray or None, (time, batch, region, sex, age)
        Their emigration rates [per person-year]: a number for every cell, or
        a table by region, sex and age.
    """
    cell = (len(steps), len(base.regions), len(SEXES), len(base.ages))
    net, immigration, emigration = [], [], []
    for component in components:
        arrival = leaving = np.zeros(cell)
        if component.method == "table":
            moved = component.values
        elif component.method == "scale":
            moved = _scaled(base.net_migration, component, steps)
        elif component.method == "net_total":
            moved = component.path.at(steps)[:, None, None, None] * migration_profile(base, component)
        else:
            profile = component.options.get("immigration_profile", "census-2011")
            if not isinstance(profile, np.ndarray):
                profile = base.immigrant_profile
            moved = np.zeros(cell)
            arrival = component.path.at(steps)[:, None, None, None] * (profile / profile.sum())
            leaving = np.broadcast_to(component.options["emigration_rate"], cell)
        net.append(np.broadcast_to(moved, cell))
        immigration.append(arrival)
        emigration.append(leaving)
    separate = any(c.method == "immigration" for c in components)
    return (_stack(net), _stack(immigration) if separate else None,
            _stack(emigration) if separate else None)


def migration_profile(base: Base, component: Component) -> np.ndarray:
    """Shares (region, sex, age) of a ``net_total`` by its profile; they sum to 1.

    ``"base"``: the base's net migration; ``"rogers-castro"``: the base's
    shares by region and sex, each spread over age by the Rogers-Castro
    standard schedule; a table: its values.
    """
    profile = component.options.get("profile", "base")
    if isinstance(profile, np.ndarray):
        return profile / profile.sum()
    total = base.net_migration.sum()
    if profile == "base":
        return base.net_migration / total
    by_age = rogers_castro(base.ages)
    return (base.net_migration.sum(-1, keepdims=True) / total) * by_age / by_age.sum()


def national_fertility(base: Base, schedule: np.ndarray) -> np.ndarray:
    """National fertility rates (age) of regional ones, weighted by the base's women."""
    female = base.population[:, 0, :]
    return (schedule * female).sum(0) / np.maximum(female.sum(0), 1e-300)


def internal_rates(base: Base, components: list[Component], steps) -> np.ndarray | None:
    """Internal out-migration rates (time, batch, region, sex, age) [per person-year],
    or ``None`` when the base has none or every variant switches them off."""
    if base.internal_rate is None:
        return None
    built = [c.values if c.method == "table" else _scaled(base.internal_rate, c, steps)
             for c in components]
    stacked = _stack(built)
    return stacked if stacked.any() else None


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
