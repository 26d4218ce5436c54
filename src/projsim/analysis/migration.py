"""How much of a scenario's growth is due to international migration.

:func:`migration_contribution` compares a scenario with a counterfactual
without international migration from the same base, and splits the migration
part into the migrants and their survivors (direct) and their children
(indirect). Every run is a variant of one projection on the kernel's batch
axis, built with :func:`dataclasses.replace` and never written to a file,
and every run dies at the scenario's own solved death rates
(:func:`with_solved_rates`), so that no mortality difference leaks into
the part attributed to migration.

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
134.8
>>> round(float(ds.migration_share_of_growth.sel(period="2012-2013")), 1)
74.4

References
----------
Edmonston, B. and Passel, J. S. (1992). Immigration and immigrant
generations in population projections. *International Journal of
Forecasting* 8(3), 459-476. doi:10.1016/0169-2070(92)90058-H

Bongaarts, J. and Bulatao, R. A. (1999). Completing the demographic
transition. *Population and Development Review* 25(3), 515-529.
doi:10.1111/j.1728-4457.1999.00515.x
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import xarray as xr

from projsim import engine
from projsim.assumptions import Inputs, build_inputs
from projsim.errors import InputError
from projsim.io.scenarios import load_scenario
from projsim.model.scenario import Component, Scenario, TimePath, Variant
from projsim.projection import run
from projsim.types import SEXES, VARIABLES

__all__ = ["CARRIER", "KEEP_DIMS", "MIGRATION_VARIABLES", "RUNS", "migration_contribution"]

#: Dimensions a migration contribution may be kept by (the others are summed):
#: those of a population cell, :data:`projsim.types.STATE` standing for the
#: base's state dimensions.
KEEP_DIMS = VARIABLES["population"].dims
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
        Dimensions to keep among the base's state dimensions (``'region'``,
        or ``'region'`` and ``'nationality'``), ``"sex"`` and ``"age"`` (age
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
    >>> ds = migration_contribution("fpb-2013", by='region')
    >>> span = ds.sel(period="2012-2061")
    >>> parts = span.natural_change_counterfactual + span.migration_direct + span.migration_indirect
    >>> bool(np.allclose(parts, span.total_change, rtol=1e-10))
    True
    """
    scenario = loaded(scenario)
    states, width = scenario.base_data.states, scenario.width
    years = np.arange(scenario.base_data.year, scenario.horizon + 1, width)
    start, end = _period(years, start, end, scenario.base_data.date)
    cell = states.expand(KEEP_DIMS)
    by = _keep(by, cell)
    inputs, projection = run(scenario)
    periods = list(dict.fromkeys([(start, end),
                                  *((t, t + width) for t in range(start, end, width))]))
    first = np.searchsorted(years, [s for s, _ in periods])
    last = np.searchsorted(years, [e for _, e in periods])

    runs = _project(_migration_runs(scenario, inputs, projection), empty=RUNS[2:])
    population = states.unflatten(runs.population, 2)     # (time, batch, *states, sex, age)
    summed = tuple(3 + i for i, dim in enumerate(cell) if dim not in by)
    stocks = population.reshape(len(years), len(RUNS), len(scenario.variants),
                                *population.shape[2:]).sum(summed)
    scenario_change, zero, inflow, outflow, inflow_survivors, outflow_survivors = np.moveaxis(
        stocks[last] - stocks[first], 1, 0)                   # each (period, variant, *by)
    cuts = states.unflatten(projection.flows.migration_adjustment, 2).sum(
        tuple(a - 1 for a in summed))
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
    labels = {**states.coords(), "sex": SEXES, "age": inputs.base.ages}
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


def loaded(scenario: str | Path | Scenario) -> Scenario:
    """A scenario, loaded unless it already is."""
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def with_solved_rates(variant: Variant, inputs: Inputs, row: int) -> dict[str, Component]:
    """A variant's components with the death and fertility rates it projected with
    (batch row ``row`` of ``inputs``), as tables: life-expectancy targets and
    national TFR paths are met on the projected population, so solving them
    again on a counterfactual population would give other rates."""
    fertility = variant.components["fertility"]
    return {**variant.components,
            "mortality": Component("table", values=inputs.mortality_rate[:, row]),
            "fertility": Component("table", values=inputs.rates.fertility_rate[:, row],
                                   options=fertility.options)}


def _migration_runs(scenario: Scenario, inputs: Inputs, projection: engine.Projection) -> Scenario:
    """The scenario with the runs of :data:`RUNS` as variants, run-major."""
    steps = inputs.years[:-1]
    zero = Component("scale", path=TimePath(steps[:1], np.zeros(1)))
    asked = [engine.asked_migrants(projection.population[t], engine.at_step(inputs.rates, t), 1)[0]
             for t in range(len(steps))]
    applied = np.stack([0.0 * population if migrants is None else migrants
                        for migrants, population in zip(asked, projection.population)])
    applied = applied + projection.flows.migration_adjustment
    runs: dict[str, list[Variant]] = {name: [] for name in RUNS}
    for i, variant in enumerate(scenario.variants):
        own = with_solved_rates(variant, inputs, i)
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
    return engine.project(population.reshape(inputs.population.shape), inputs.rates,
                          width=scenario.width, timing=scenario.migration_timing,
                          safeguard=scenario.safeguard)


def _period(years: np.ndarray, start: int | None, end: int | None,
            day: str = "1 January") -> tuple[int, int]:
    start = int(years[0]) if start is None else start
    end = int(years[-1]) if end is None else end
    width = int(years[1] - years[0]) if years.size > 1 else 1
    every = "" if width == 1 else f", every {width} years"
    for name, date in (("start", start), ("end", end)):
        if isinstance(date, bool) or not isinstance(date, (int, np.integer)) \
                or not years[0] <= date <= years[-1] or date not in years:
            raise InputError(f"argument '{name}'", repr(date),
                             f"a {day} date of the projection, from {years[0]} to {years[-1]}"
                             f"{every}", f"give a year from {years[0]} to {years[-1]}{every}")
    if start >= end:
        raise InputError("arguments 'start' and 'end'", f"start {start} and end {end}",
                         "a start before the end", "swap them or widen the period")
    return int(start), int(end)


def _keep(by: str | Sequence[str], cell: tuple[str, ...]) -> tuple[str, ...]:
    """The dimensions of ``by``, in the order of ``cell``, after checking each is one."""
    by = (by,) if isinstance(by, str) else tuple(by)
    unknown = [d for d in by if d not in cell]
    if unknown or len(set(by)) < len(by):
        close = difflib.get_close_matches(str(unknown[0]), cell, n=1) if unknown else []
        raise InputError("argument 'by'", repr(by), f"distinct dimensions among {list(cell)}",
                         f"did you mean '{close[0]}'?" if close
                         else "name each dimension to keep once, or none for national totals")
    return tuple(d for d in cell if d in by)
