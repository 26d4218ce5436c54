"""Where population change comes from: international migration, and the
difference between two scenarios.

Both analyses compare projections that share everything but one assumption,
and both run every projection they need as variants of one projection, on
the kernel's batch axis: counterfactuals are built with
:func:`dataclasses.replace` on the loaded scenario's variants and components,
never written to files. Death rates are always the rates the scenario itself
projected with: a life-expectancy target is met on the projected population
(:func:`projsim.assumptions.reweight_e0`), so solving it again on a
counterfactual population would give other rates, and mortality differences
would leak into the part attributed to migration (or to another component).
Every run therefore takes the scenario's solved death rates as a table.

* :func:`migration_contribution` splits the population change between two
  dates into natural change without migration, migrants and their survivors
  (direct), and their children (indirect);
* :func:`decompose_difference` splits the difference between two scenarios
  into contributions of fertility, mortality and migration, by the Shapley
  value of the sequential replacement of one scenario's assumptions by the
  other's (:func:`shapley_contributions`).

Migration's share of growth
---------------------------
The planners' question, "how much of our growth is due to migration?", is
``migration_share_of_growth`` of :func:`migration_contribution`: 100 times
the population change due to international migration since the base (the
migrants, their survivors and their descendants) over the total change. The
research notes compiled for this project put migration's share of Belgian
growth at about 30 percent in the 1970s and about 70 percent around 2011.
Those are accounting shares of one year (net migration over net migration
plus natural increase); the share of the first projected year is their
analogue (74 percent in 2012 for the reference scenario, ``fpb-2013``).
Over a longer period the counterfactual share grows, because the migrants'
children count as migration's, not as natural increase, and because the
zero-migration population ages and its natural change turns negative: the
share then exceeds 100 percent, meaning that without migration the
population would have fallen.

Examples
--------
>>> ds = migration_contribution("fpb-2013", 2012, 2060)
>>> round(float(ds.migration_share_of_growth.sel(period="2012-2060")), 1)
126.8
>>> round(float(ds.migration_share_of_growth.sel(period="2012-2013")), 1)
74.1

References
----------
Edmonston, B. and Passel, J. S. (1992). Immigration and immigrant
generations in population projections. *International Journal of
Forecasting* 8(3), 459-476. doi:10.1016/0169-2070(92)90058-H

Bongaarts, J. and Bulatao, R. A. (1999). Completing the demographic
transition. *Population and Development Review* 25(3), 515-529.
doi:10.1111/j.1728-4457.1999.00515.x

Shorrocks, A. F. (2013). Decomposition procedures for distributional
analysis: a unified framework based on the Shapley value. *Journal of
Economic Inequality* 11(1), 99-126. doi:10.1007/s10888-011-9214-z
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from math import factorial
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import xarray as xr

from projsim import engine
from projsim.assumptions import Inputs, build_inputs
from projsim.errors import InputError
from projsim.io.scenarios import load_scenario
from projsim.model.scenario import Component, Scenario, TimePath, Variant
from projsim.projection import run
from projsim.types import SEXES

#: The components of a scenario (:data:`projsim.model.scenario.METHODS`), in its order.
ComponentName = Literal["fertility", "mortality", "international_migration", "internal_migration",
                        "naturalisation"]
COMPONENTS: tuple[str, ...] = get_args(ComponentName)
#: The components :func:`decompose_difference` splits a difference into by default.
DEFAULT_COMPONENTS = ("fertility", "mortality", "international_migration")
#: Dimensions a migration contribution may be kept by (the others are summed).
KEEP_DIMS = ("region", "sex", "age")
#: The runs of :func:`migration_contribution`, in batch order: the scenario;
#: no international migration; the inflow and outflow cells of the applied
#: net migrants from an empty population, with births and without.
RUNS = ("scenario", "zero_migration", "inflow", "outflow", "inflow_survivors", "outflow_survivors")
#: Persons per cell and year added to both sign-split migrant runs so that no
#: cell is ever empty: the UN safeguard overrides P + M <= 0 even for M = 0.
#: It cancels in their difference (the kernel is linear in the migrants).
CARRIER = 1.0
#: Variables of :func:`migration_contribution`: long name and units.
MIGRATION_VARIABLES = {
    "total_change": ("population change between the two dates", "persons"),
    "natural_change_counterfactual": (
        "population change without international migration since the base, with the "
        "scenario's death, fertility and internal migration rates", "persons"),
    "migration_total": ("population change due to international migration since the base: "
                        "total_change - natural_change_counterfactual", "persons"),
    "migration_direct": ("change in the number of net international migrants (arrived since "
                         "the base) alive", "persons"),
    "migration_indirect": ("change due to the migrants' births: their children, descendants "
                           "and their survivors (migration_total - migration_direct)", "persons"),
    "migration_share_of_growth": ("migration_total as a share of total_change", "%"),
    "migration_adjustment": ("net migrants applied minus asked for by the scenario, summed over "
                             "the period's years (the safeguard's cuts)", "persons"),
    "migration_nonlinear": ("part of migration_indirect that is not due to the migrants' births: "
                            "migration_total minus the linear migrants-only run (0 when no cut "
                            "or floor acts)", "persons"),
}


def migration_contribution(
    scenario: str | Path | Scenario,
    start: int | None = None,
    end: int | None = None,
    *,
    by: str | Sequence[str] = (),
) -> xr.Dataset:
    r"""Split population change into natural change and international migration.

    The scenario is compared with a counterfactual without international
    migration from the same base and with the same rates otherwise. The
    migration part is split into the migrants themselves and their
    survivors (direct) and the children born to them, their descendants and
    their survivors (indirect). All runs are variants of one projection,
    built from the scenario's variants with :func:`dataclasses.replace`, for
    every variant of the scenario at once:

    ``scenario``
        the scenario itself, with its solved death rates as a table;
    ``zero_migration``
        the same with international migration scaled by 0;
    ``inflow``, ``outflow``
        an empty population that receives the applied net migrants of the
        cells where they are positive, respectively negative (as positive
        counts), with the scenario's fertility;
    ``inflow_survivors``, ``outflow_survivors``
        the same with fertility scaled by 0.

    With ``P`` the scenario's population on 1 January, ``P0`` the
    zero-migration counterfactual's, ``X`` and ``D`` the net migrants-only
    populations with and without births (``inflow - outflow`` and
    ``inflow_survivors - outflow_survivors``), and ``s < e`` two dates::

        total_change                  = P(e) - P(s)
        natural_change_counterfactual = P0(e) - P0(s)
        migration_total               = total_change - natural_change_counterfactual
        migration_direct              = D(e) - D(s)
        migration_indirect            = migration_total - migration_direct
        migration_share_of_growth     = 100 migration_total / total_change

    so ``natural_change_counterfactual + migration_direct +
    migration_indirect = total_change`` to rounding, by construction.

    **Why the split is exact for a linear kernel.** Without cuts or floors a
    step is linear: ``P(t+1) = A_t P(t) + B_t M_t``, where ``A_t`` (survival,
    births from the mean female population, internal moves, all with the
    same rates in every run) and ``B_t`` (the timing convention's split of
    the migrants ``M_t``) do not depend on ``P`` or ``M``. Hence
    ``P(t) = Phi(t, 0) P(0) + sum_u Phi(t, u+1) B_u M_u = P0(t) + X(t)``:
    the gap to the counterfactual is exactly the migrants-only population
    ``X``, the migrants and all their descendants; ``D``, the same sum with
    the births of ``A_t`` switched off, holds the migrants and their
    survivors only, and ``X - D`` their descendants. An empty population
    cannot lose emigrants (a negative cell would be cut), so ``X`` and ``D``
    are each the difference of two runs that only receive migrants, the
    positive cells ``max(M, 0)`` and the negative ones ``max(-M, 0)``, each
    plus a carrier of :data:`CARRIER` person per cell and year that keeps
    every cell above zero: no safeguard ever acts in them, and by linearity
    the carrier and the split cancel in the difference.

    **Why cuts make it approximate.** An outflow larger than the population
    at risk is cut (``safeguard = "reduce"``), or replaced and floored
    (``"ccmpp"``); the scenario's cuts are recorded in its
    ``migration_adjustment`` and its population is then no longer linear in
    the migrants. The migrants-only runs receive the migrants actually
    applied (asked for plus the adjustment), so what remains is when in the
    year the cut migrants would have moved (the kernel cuts the start and
    end halves separately, the counterfactual splits them by the timing
    convention) and any floor. ``migration_nonlinear = migration_total -
    (X(e) - X(s))`` measures it and ``migration_adjustment`` the cuts; both
    are reported, and ``migration_nonlinear`` is included in
    ``migration_indirect``. For ``fpb-2013`` the cuts total 4.6 persons over
    2012-2061 and ``migration_nonlinear`` stays below 0.1 person a year.

    **Death rates.** Life-expectancy targets are solved on the scenario's
    projected population (two passes, :func:`projsim.assumptions.reweight_e0`).
    Every run takes those solved rates as a table
    (``Component(method="table", values=...)``), so the counterfactuals die
    at exactly the scenario's rates (and need no second pass); the
    counterfactual's own national e0 then differs slightly from the targets,
    as its regional weights differ.

    The counterfactual is "no international migration since the base". For
    a period that starts after the base, the migration part also counts the
    births to, and deaths of, migrants who arrived before ``start``, and
    ``natural_change_counterfactual`` is the change of the smaller
    zero-migration population, not the natural increase of the scenario.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A bundled scenario's name, a scenario file or a loaded scenario;
        all its variants are decomposed.
    start, end : int, optional
        The two 1 January dates [year]; the base and the horizon by default.
    by : str or sequence of str
        Dimensions to keep among ``"region"``, ``"sex"`` and ``"age"`` (age
        in completed years on 1 January); the others are summed, and the
        share is computed at that level. National totals by default.

    Returns
    -------
    xarray.Dataset
        Dimensions ``period`` (the whole period ``"start-end"`` first, then
        each year ``"t-t+1"`` in it; coordinates ``start`` and ``end``),
        ``scenario`` when the scenario has variants, and the ``by``
        dimensions. Variables (units in ``attrs``): ``total_change``,
        ``natural_change_counterfactual``, ``migration_total``,
        ``migration_direct``, ``migration_indirect`` [persons],
        ``migration_share_of_growth`` [%] (NaN when the total change is
        0), and the diagnostics ``migration_adjustment`` and
        ``migration_nonlinear`` [persons]. Every change variable adds up
        over the yearly periods to the whole period.

    Raises
    ------
    InputError
        If a date is not a date of the projection, ``start`` is not before
        ``end``, or ``by`` names another dimension.

    References
    ----------
    Edmonston, B. and Passel, J. S. (1992). Immigration and immigrant
    generations in population projections. *International Journal of
    Forecasting* 8(3), 459-476. doi:10.1016/0169-2070(92)90058-H

    Examples
    --------
    >>> ds = migration_contribution("fpb-2013", by="region")
    >>> span = ds.sel(period="2012-2061")
    >>> parts = span.natural_change_counterfactual + span.migration_direct + span.migration_indirect
    >>> bool(np.allclose(parts, span.total_change, rtol=1e-10))
    True
    """
    scenario = _loaded(scenario)
    years = np.arange(scenario.base_data.year, scenario.horizon + 1)
    start, end = _period(years, start, end)
    by = _keep(by)
    inputs, projection = run(scenario)
    periods = list(dict.fromkeys([(start, end), *((t, t + 1) for t in range(start, end))]))
    first = np.searchsorted(years, [s for s, _ in periods])
    last = np.searchsorted(years, [e for _, e in periods])

    runs = _project(_migration_runs(scenario, inputs, projection), empty=RUNS[2:])
    summed = tuple(3 + i for i, dim in enumerate(KEEP_DIMS) if dim not in by)
    stocks = runs.population.reshape(len(years), len(RUNS), len(scenario.variants),
                                     *runs.population.shape[2:]).sum(summed)
    scenario_change, zero, inflow, outflow, inflow_survivors, outflow_survivors = np.moveaxis(
        stocks[last] - stocks[first], 1, 0)                   # each (period, variant, *by)
    cuts = projection.flows.migration_adjustment.sum(tuple(a - 1 for a in summed))
    cumulated_cuts = np.concatenate([np.zeros_like(cuts[:1]), np.cumsum(cuts, axis=0)])

    migration = scenario_change - zero
    direct = inflow_survivors - outflow_survivors
    share = np.full(migration.shape, np.nan)
    np.divide(100.0 * migration, scenario_change, out=share, where=scenario_change != 0)
    values = {
        "total_change": scenario_change,
        "natural_change_counterfactual": zero,
        "migration_total": migration,
        "migration_direct": direct,
        "migration_indirect": migration - direct,
        "migration_share_of_growth": share,
        "migration_adjustment": cumulated_cuts[last] - cumulated_cuts[first],
        "migration_nonlinear": migration - (inflow - outflow),
    }
    labels = {"region": inputs.base.regions, "sex": SEXES, "age": inputs.base.ages}
    coords = {
        "period": ("period", [f"{s}-{e}" for s, e in periods]),
        "start": ("period", [s for s, _ in periods], {"long_name": "first date (1 January)",
                                                      "units": "year"}),
        "end": ("period", [e for _, e in periods], {"long_name": "last date (1 January)",
                                                    "units": "year"}),
        "scenario": ("scenario", list(inputs.variants)),
        **{dim: (dim, list(labels[dim])) for dim in by},
    }
    dims = ("period", "scenario", *by)
    ds = xr.Dataset(
        {name: (dims, array, {"long_name": MIGRATION_VARIABLES[name][0],
                              "units": MIGRATION_VARIABLES[name][1]})
         for name, array in values.items()},
        coords=coords,
        attrs={"scenario": scenario.name, "base": inputs.base.name,
               "migration_timing": scenario.migration_timing, "safeguard": scenario.safeguard,
               "method": "counterfactual projections without international migration and with "
                         "the applied net migrants only, with and without births, all with the "
                         "scenario's solved death rates (projsim.decomposition)"})
    return ds if len(scenario.variants) > 1 else ds.squeeze("scenario", drop=True)


def decompose_difference(
    scenario_a: str | Path | Scenario,
    scenario_b: str | Path | Scenario,
    components: Sequence[ComponentName] = DEFAULT_COMPONENTS,
    at: int | Sequence[int] | None = None,
) -> xr.Dataset:
    r"""Split the difference between two scenarios into contributions of components.

    The two scenarios must share base, horizon, open age and conventions.
    For ``k`` components, every combination of A's and B's assumptions
    (``2**k`` of them, the first all A, the last all B) is projected, all as
    variants of one projection; the contribution of component ``c`` is the
    Shapley value (:func:`shapley_contributions`): the change of the
    population when ``c`` switches from A's assumption to B's, averaged
    over all ``k!`` orders of replacing A's assumptions by B's one at a time,

    .. math::

        C_c = \sum_{S \subseteq K \setminus \{c\}}
              \frac{|S|!\,(k - |S| - 1)!}{k!}\,
              \bigl(P(S \cup \{c\}) - P(S)\bigr),

    where ``P(S)`` is the population [persons] with B's assumptions for the
    components in ``S`` and A's for the others. The contributions add up to
    ``P(K) - P({})``, the difference between B and A, to rounding, at every
    date, region, sex and age; they are symmetric (swapping A and B negates
    each) and a component in which A and B agree contributes 0.

    Each scenario's death rates are the rates its own projection used (its
    e0 targets solved on its own projected population, each scenario run as
    given), passed as a table to every combination, so that each
    combination is well defined and ``P({})`` and ``P(K)`` are the two
    scenarios' own projections. Two scenarios that state the same e0 path
    but differ elsewhere solve it on different populations, so their death
    rates, and the mortality contribution, differ slightly (238 persons in
    2060 between ``fpb-2013`` and ``high-migration``, whose difference is
    1.08 million).

    A component left out of ``components`` is held at scenario A's
    assumption; it must then be the same in B (otherwise the contributions
    would not add up to the difference), and an :class:`InputError` says
    which to add. Internal migration is left out by default and, when the
    scenarios differ in it, is decomposed as a fourth component by passing
    ``components=COMPONENTS``. Fertility includes the sex ratio at birth.

    Parameters
    ----------
    scenario_a, scenario_b : str, Path or Scenario
        The two scenarios (bundled names, files or loaded scenarios); of a
        scenario with variants, the scenario itself (its first variant) is
        taken: pass ``dataclasses.replace(s, variants=(s.variants[i],))``
        to take another.
    components : sequence of str
        Distinct names among :data:`COMPONENTS`.
    at : int or sequence of int, optional
        1 January dates to keep [year]; all dates from the base to the
        horizon by default.

    Returns
    -------
    xarray.Dataset
        ``contribution`` (component, time, region, sex, age), ``difference``
        (B - A), ``population_a`` and ``population_b`` (time, region, sex,
        age), all in persons on 1 January of ``time``. Sum over ``region``,
        ``sex`` and ``age`` for national totals; group ages with
        ``groupby_bins("age", ...)``.

    Raises
    ------
    InputError
        If the scenarios differ in base, horizon, open age or conventions,
        ``components`` names an unknown or repeated component or leaves out
        one in which they differ, or ``at`` is not a date of the projection.

    References
    ----------
    Shorrocks, A. F. (2013). Decomposition procedures for distributional
    analysis: a unified framework based on the Shapley value. *Journal of
    Economic Inequality* 11(1), 99-126. doi:10.1007/s10888-011-9214-z

    Andreev, E. M., Shkolnikov, V. M. and Begun, A. Z. (2002). Algorithm for
    decomposition of differences between aggregate demographic measures and
    its application to life expectancies, healthy life expectancies,
    parity-progression ratios and total fertility rates. *Demographic
    Research* 7(14), 499-522. doi:10.4054/DemRes.2002.7.14

    Examples
    --------
    >>> ds = decompose_difference("fpb-2011", "fpb-2013", at=2060)
    >>> national = ds.contribution.sum(["region", "sex", "age"])
    >>> bool(np.isclose(national.sum(), ds.difference.sum()))
    True
    """
    a, b = _loaded(scenario_a), _loaded(scenario_b)
    _check_comparable(a, b)
    components = _check_components(components)
    years = np.arange(a.base_data.year, a.horizon + 1)
    dates = None if at is None else _dates(years, at)
    inputs = [run(scenario)[0] for scenario in (a, b)]
    _check_held(inputs, components, a.name, b.name)

    own = [_with_solved_mortality(s.variants[0], i, 0) for s, i in zip((a, b), inputs)]
    combinations = tuple(
        Variant("+".join(c for j, c in enumerate(components) if mask >> j & 1) or "a", "",
                {**own[0], **{c: own[mask >> j & 1][c] for j, c in enumerate(components)}})
        for mask in range(2 ** len(components)))
    _, projection = run(replace(a, variants=combinations))
    outcomes = np.moveaxis(projection.population, 1, 0)          # (2**k, time, region, sex, age)

    dims = ("time", "region", "sex", "age")
    coords = {"component": ("component", list(components)),
              "time": ("time", years, {"long_name": "year (stocks on 1 January)", "units": "year"}),
              "region": ("region", list(inputs[0].base.regions)), "sex": ("sex", list(SEXES)),
              "age": ("age", inputs[0].base.ages, {"long_name": "age group", "units": "years"})}

    def variable(array, long_name, leading=()):
        return (leading + dims, array, {"long_name": long_name, "units": "persons"})

    ds = xr.Dataset(
        {"contribution": variable(shapley_contributions(outcomes),
                                  "contribution of the component to population_b - population_a "
                                  "(Shapley value of sequential replacement)", ("component",)),
         "difference": variable(outcomes[-1] - outcomes[0], "population_b - population_a"),
         "population_a": variable(outcomes[0], f"population on 1 January, {a.name}"),
         "population_b": variable(outcomes[-1], f"population on 1 January, {b.name}")},
        coords=coords,
        attrs={"scenario_a": a.name, "scenario_b": b.name, "base": a.base,
               "held_at_scenario_a": ", ".join(c for c in COMPONENTS if c not in components),
               "method": "Shapley value of sequential replacement over all 2**k combinations, "
                         "each scenario with its solved death rates (projsim.decomposition)"})
    return ds if dates is None else ds.sel(time=dates)


def shapley_contributions(outcomes: np.ndarray) -> np.ndarray:
    r"""Shapley value of each factor from the outcomes of all combinations.

    Parameters
    ----------
    outcomes : ndarray, (2**k, ...)
        ``outcomes[m]`` is the outcome with factor ``j`` switched (from A to
        B) where bit ``j`` of ``m`` is set: ``outcomes[0]`` is all A,
        ``outcomes[-1]`` all B.

    Returns
    -------
    ndarray, (k, ...)
        The contribution of each factor,
        :math:`C_j = \sum_{m \not\ni j} |m|!\,(k-|m|-1)!/k!\,(v(m \cup j) - v(m))`,
        the change when ``j`` switches averaged over the ``k!`` orders of
        switching; they add up to ``outcomes[-1] - outcomes[0]``.

    Examples
    --------
    Two factors, an interaction of 2 shared equally:

    >>> shapley_contributions(np.array([0.0, 1.0, 2.0, 5.0]))
    array([2., 3.])
    """
    k = int(np.log2(len(outcomes)))
    masks = np.arange(2 ** k)
    contributions = np.empty((k,) + outcomes.shape[1:])
    for j in range(k):
        without = masks[masks >> j & 1 == 0]
        size = np.array([bin(m).count("1") for m in without])
        weights = np.array([factorial(s) * factorial(k - s - 1) for s in size]) / factorial(k)
        changes = outcomes[without | 1 << j] - outcomes[without]
        contributions[j] = np.tensordot(weights, changes, axes=1)
    return contributions


def _loaded(scenario: str | Path | Scenario) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _with_solved_mortality(variant: Variant, inputs: Inputs, row: int) -> dict[str, Component]:
    """A variant's components with the death rates it projected with, as a table."""
    return {**variant.components,
            "mortality": Component("table", values=inputs.mortality_rate[:, row])}


def _migration_runs(scenario: Scenario, inputs: Inputs, projection: engine.Projection) -> Scenario:
    """The scenario with the runs of :data:`RUNS` as variants, run-major."""
    steps = inputs.years[:-1]
    zero = Component("scale", path=TimePath(steps[:1], np.zeros(1)))
    applied = inputs.rates.net_migration + projection.flows.migration_adjustment
    runs: dict[str, list[Variant]] = {name: [] for name in RUNS}
    for i, variant in enumerate(scenario.variants):
        own = _with_solved_mortality(variant, inputs, i)
        inflow = Component("table", values=np.maximum(applied[:, i], 0.0) + CARRIER)
        outflow = Component("table", values=np.maximum(-applied[:, i], 0.0) + CARRIER)
        changes = {
            "scenario": {},
            "zero_migration": {"international_migration": zero},
            "inflow": {"international_migration": inflow},
            "outflow": {"international_migration": outflow},
            "inflow_survivors": {"international_migration": inflow, "fertility": zero},
            "outflow_survivors": {"international_migration": outflow, "fertility": zero},
        }
        for name, change in changes.items():
            runs[name].append(Variant(f"{variant.name}: {name}", "", {**own, **change}))
    return replace(scenario, variants=tuple(v for name in RUNS for v in runs[name]))


def _project(scenario: Scenario, empty: Sequence[str]) -> engine.Projection:
    """Project a scenario whose variants are :data:`RUNS`-major, the runs named
    in ``empty`` starting from an empty population."""
    inputs = build_inputs(scenario)
    population = inputs.population.reshape(len(RUNS), -1, *inputs.population.shape[1:])
    population[[RUNS.index(name) for name in empty]] = 0.0
    return engine.project(population.reshape(inputs.population.shape), inputs.rates, width=1,
                          timing=scenario.migration_timing, safeguard=scenario.safeguard)


def _period(years: np.ndarray, start: int | None, end: int | None) -> tuple[int, int]:
    start = int(years[0]) if start is None else start
    end = int(years[-1]) if end is None else end
    for name, date in (("start", start), ("end", end)):
        if isinstance(date, bool) or not isinstance(date, (int, np.integer)) \
                or not years[0] <= date <= years[-1]:
            raise InputError(f"argument '{name}'", repr(date),
                             f"a 1 January date of the projection, from {years[0]} to {years[-1]}",
                             f"give a year from {years[0]} to {years[-1]}")
    if start >= end:
        raise InputError("arguments 'start' and 'end'", f"start {start} and end {end}",
                         "a start before the end", "swap them or widen the period")
    return int(start), int(end)


def _keep(by: str | Sequence[str]) -> tuple[str, ...]:
    by = (by,) if isinstance(by, str) else tuple(by)
    unknown = [d for d in by if d not in KEEP_DIMS]
    if unknown or len(set(by)) < len(by):
        close = difflib.get_close_matches(str(unknown[0]), KEEP_DIMS, n=1) if unknown else []
        raise InputError("argument 'by'", repr(by), f"distinct dimensions among {list(KEEP_DIMS)}",
                         f"did you mean '{close[0]}'?" if close
                         else "name each dimension to keep once, or none for national totals")
    return tuple(d for d in KEEP_DIMS if d in by)


def _dates(years: np.ndarray, at: int | Sequence[int]) -> int | list[int]:
    dates = [at] if np.ndim(at) == 0 else list(at)
    bad = [d for d in dates if isinstance(d, bool) or not isinstance(d, (int, np.integer))
           or d not in years]
    if bad or not dates:
        raise InputError("argument 'at'", repr(at),
                         f"1 January dates of the projection, from {years[0]} to {years[-1]}",
                         f"give years from {years[0]} to {years[-1]}, or None for all")
    return at if np.ndim(at) == 0 else dates


def _check_comparable(a: Scenario, b: Scenario) -> None:
    """Base, horizon, open age and conventions must be the same."""
    keys = ("base", "horizon", "open_age", "migration_timing", "safeguard")
    differ = [k for k in keys if getattr(a, k) != getattr(b, k)]
    if differ:
        def show(s):
            return ", ".join(f"{k} {getattr(s, k)!r}" for k in differ)

        raise InputError("argument 'scenario_b'", f"{b.name!r} with {show(b)}",
                         f"{show(a)} as in scenario_a {a.name!r}",
                         "compare scenarios that share base, horizon, open_age and conventions, "
                         "for example a scenario and one that extends it")


def _check_components(components: Sequence[str]) -> tuple[str, ...]:
    names = (components,) if isinstance(components, str) else tuple(components)
    unknown = [c for c in names if c not in COMPONENTS]
    if unknown or not names or len(set(names)) < len(names):
        close = difflib.get_close_matches(str(unknown[0]), COMPONENTS, n=1) if unknown else []
        raise InputError("argument 'components'", repr(components),
                         f"distinct names among {list(COMPONENTS)}",
                         f"did you mean '{close[0]}'?" if close
                         else "name each component to decompose once")
    return names


def _assumed(inputs: Inputs, component: str) -> list[np.ndarray | None]:
    """The arrays that a component's assumption gives the first variant."""
    rates = inputs.rates
    arrays = {"fertility": (rates.fertility_rate, rates.sex_ratio_at_birth),
              "mortality": (inputs.mortality_rate,),
              "international_migration": (rates.net_migration,),
              "internal_migration": (rates.move_rate,),
              "naturalisation": (rates.move_rate,)}[component]
    return [None if x is None else x[:, 0] for x in arrays]


def _check_held(inputs: list[Inputs], components: tuple[str, ...], name_a: str,
                name_b: str) -> None:
    """A component held at scenario A's assumption must be B's too."""
    for held in (c for c in COMPONENTS if c not in components):
        pairs = zip(*(_assumed(i, held) for i in inputs))
        if not all((x is None and y is None) or np.array_equal(x, y) for x, y in pairs):
            raise InputError("argument 'components'",
                             f"{components!r}, which holds {held} at {name_a!r}'s assumption",
                             f"every component in which {name_a!r} and {name_b!r} differ",
                             f"add {held!r} to components")
