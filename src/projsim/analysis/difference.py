"""The difference between two scenarios, split into contributions of their components.

:func:`decompose_difference` projects every combination of two scenarios'
assumptions, all as variants of one projection, and gives each component
the Shapley value of sequential replacement (:func:`shapley_contributions`),
the change when it switches from one scenario's assumption to the other's,
averaged over all orders. Each scenario's death rates are the rates its own
projection used (:func:`projsim.analysis.migration.with_solved_rates`).

References
----------
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

from projsim.analysis.migration import loaded, with_solved_rates
from projsim.assumptions import Inputs
from projsim.errors import InputError
from projsim.model.channels import Channels
from projsim.model.scenario import Scenario, Variant
from projsim.projection import run
from projsim.types import CHANNEL, CHANNELS, MOVES, SEXES

__all__ = [
    "COMPONENTS", "DEFAULT_COMPONENTS", "NOT_BY_CHANNEL", "ComponentName", "decompose_by_channel",
    "decompose_difference", "shapley_contributions",
]

#: The components of a scenario (:data:`projsim.model.scenario.METHODS`), in its order.
ComponentName = Literal["fertility", "mortality", "international_migration", "internal_migration",
                        "naturalisation"]
COMPONENTS: tuple[str, ...] = get_args(ComponentName)
#: The components :func:`decompose_difference` splits a difference into by default.
DEFAULT_COMPONENTS = ("fertility", "mortality", "international_migration")


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
        ``contribution`` (component, time, state dimensions, sex, age),
        ``difference`` (B - A), ``population_a`` and ``population_b`` (time,
        state dimensions, sex, age), all in persons on 1 January of ``time``.
        Sum over the state dimensions, ``sex`` and ``age`` for national
        totals; group ages with ``groupby_bins("age", ...)``.

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
    >>> national = ds.contribution.sum(['region', 'sex', 'age'])
    >>> bool(np.isclose(national.sum(), ds.difference.sum()))
    True
    """
    a, b = loaded(scenario_a), loaded(scenario_b)
    _check_comparable(a, b)
    components = _check_components(components)
    years, day = np.arange(a.base_data.year, a.horizon + 1, a.width), a.base_data.date
    dates = None if at is None else _dates(years, at, day)
    inputs = [run(scenario)[0] for scenario in (a, b)]
    _check_held(inputs, components, a.name, b.name)

    own = [with_solved_rates(s.variants[0], i, 0) for s, i in zip((a, b), inputs)]
    combinations = tuple(
        Variant("+".join(c for j, c in enumerate(components) if mask >> j & 1) or "a", "",
                {**own[0], **{c: own[mask >> j & 1][c] for j, c in enumerate(components)}})
        for mask in range(2 ** len(components)))
    _, projection = run(replace(a, variants=combinations))
    states = inputs[0].base.states
    outcomes = states.unflatten(np.moveaxis(projection.population, 1, 0), 2)
    # (2**k, time, *states, sex, age)
    ds = _contributions_dataset(
        "component", list(components), shapley_contributions(outcomes), outcomes[[0, -1]],
        inputs[0].base, years, day, a, b,
        {"held_at_scenario_a": ", ".join(c for c in COMPONENTS if c not in components),
         "method": "Shapley value of sequential replacement over all 2**k combinations, "
                   "each scenario with its solved death rates (projsim.decomposition)"})
    return ds if dates is None else ds.sel(time=dates)


def _contributions_dataset(factor: str, labels: list[str], contributions: np.ndarray,
                           outcomes: np.ndarray, base, years: np.ndarray, day: str,
                           a: Scenario, b: Scenario, attrs: dict) -> xr.Dataset:
    """Label the Shapley contributions (factor, time, *states, sex, age) and the two
    outcomes (2, time, *states, sex, age) of a decomposition [persons]."""
    states = base.states
    dims = ("time", *states.dims, "sex", "age")
    coords = {factor: (factor, labels),
              "time": ("time", years, {"long_name": f"year (stocks on {day})", "units": "year"}),
              **{dim: (dim, values) for dim, values in states.coords().items()},
              "sex": ("sex", list(SEXES)),
              "age": ("age", base.ages, {"long_name": "age group", "units": "years"})}

    def variable(array, long_name, leading=()):
        return (leading + dims, array, {"long_name": long_name, "units": "persons"})

    return xr.Dataset(
        {"contribution": variable(contributions,
                                  f"contribution of the {factor} to population_b - population_a "
                                  "(Shapley value of sequential replacement)", (factor,)),
         "difference": variable(outcomes[-1] - outcomes[0], "population_b - population_a"),
         "population_a": variable(outcomes[0], f"population on {day}, {a.name}"),
         "population_b": variable(outcomes[-1], f"population on {day}, {b.name}")},
        coords=coords, attrs={"scenario_a": a.name, "scenario_b": b.name, "base": a.base, **attrs})


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


def _dates(years: np.ndarray, at: int | Sequence[int], day: str = "1 January") -> int | list[int]:
    dates = [at] if np.ndim(at) == 0 else list(at)
    bad = [d for d in dates if isinstance(d, bool) or not isinstance(d, (int, np.integer))
           or d not in years]
    every = "" if years.size < 2 or years[1] - years[0] == 1 else \
        f", every {years[1] - years[0]} years"
    if bad or not dates:
        raise InputError("argument 'at'", repr(at),
                         f"{day} dates of the projection, from {years[0]} to {years[-1]}{every}",
                         f"give years from {years[0]} to {years[-1]}{every}, or None for all")
    return at if np.ndim(at) == 0 else dates


def _check_comparable(a: Scenario, b: Scenario) -> None:
    """Base, horizon, open age and conventions must be the same."""
    keys = ("base", "horizon", "open_age", "grid", "migration_timing", "safeguard")
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
    if component in MOVES:
        moving = rates.move_rate is not None and component in inputs.moves
        return [rates.move_rate[:, 0, inputs.moves.index(component)] if moving else None]
    arrays = {"fertility": (rates.fertility_rate, rates.sex_ratio_at_birth),
              "mortality": (inputs.mortality_rate,),
              "international_migration": (rates.net_migration, rates.immigration,
                                          rates.emigration_rate, rates.net_total)}[component]
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


#: The factor of :func:`decompose_by_channel` beside the channels: the rest of the
#: international migration assumption (immigrants of the country's own nationality,
#: emigration rates).
NOT_BY_CHANNEL = "nationals_and_emigration"


def decompose_by_channel(
    scenario_a: str | Path | Scenario,
    scenario_b: str | Path | Scenario,
    at: int | Sequence[int] | None = None,
) -> xr.Dataset:
    r"""Split the difference between two scenarios stated by channel into channels.

    Both scenarios state the immigration of foreigners by channel
    (:mod:`projsim.model.channels`) and share every other component (their
    fertility, mortality, internal migration and naturalisation; a component
    in which they differ is refused, :func:`decompose_difference` splits
    those). The factors are the channels either states, in the vocabulary's
    order, and :data:`NOT_BY_CHANNEL`, the rest of their international
    migration (immigrants of the country's own nationality, emigration). As
    in :func:`decompose_difference`, every combination of A's and B's factors
    is projected as a variant of one projection, with scenario A's solved
    death and fertility rates as tables, and each factor gets its Shapley
    value: the contributions add up to B - A at every date and cell. With
    the rates held, the projection is linear in the immigrants, so a
    channel's contribution is also what its change alone would do.

    Parameters
    ----------
    scenario_a, scenario_b : str, Path or Scenario
        Two scenarios with channels (bundled names, files or loaded
        scenarios); of a scenario with variants, the scenario itself.
    at : int or sequence of int, optional
        1 January dates to keep [year]; all by default.

    Returns
    -------
    xarray.Dataset
        ``contribution`` (channel, time, state dimensions, sex, age): the part
        of ``population_b - population_a`` due to each channel (and
        :data:`NOT_BY_CHANNEL`) [persons]; ``difference``, ``population_a``
        and ``population_b`` as in :func:`decompose_difference`.

    Raises
    ------
    InputError
        If either scenario states no channels, they differ in base, horizon,
        conventions or a component other than international migration, or
        ``at`` is not a date of the projection.

    Examples
    --------
    >>> ds = decompose_by_channel("fpb-2013-channels", "asylum-surge", at=2030)
    >>> national = ds.contribution.sum(["region", "nationality", "sex", "age"])
    >>> int(national.sel(channel="international_protection").round(-2))
    38900
    >>> float(abs(national.drop_sel(channel="international_protection")).max()) < 1e-6
    True
    """
    a, b = loaded(scenario_a), loaded(scenario_b)
    _check_comparable(a, b)
    stated = [s.components["international_migration"].options.get("channels") for s in (a, b)]
    for scenario, channels, argument in zip((a, b), stated, ("scenario_a", "scenario_b")):
        if not channels:
            raise InputError(f"argument '{argument}'", f"{scenario.name!r}, which states no "
                             "channels", "a scenario with [international_migration.channels]",
                             "compare two scenarios stated by channel, such as "
                             "fpb-2013-channels and asylum-surge, or use decompose_difference")
    years, day = np.arange(a.base_data.year, a.horizon + 1, a.width), a.base_data.date
    dates = None if at is None else _dates(years, at, day)
    inputs = [run(scenario)[0] for scenario in (a, b)]
    for held in ("fertility", "mortality"):
        if repr(a.components[held]) != repr(b.components[held]):
            raise InputError("argument 'scenario_b'", f"{b.name!r}, whose {held} differs from "
                             f"{a.name!r}'s", "two scenarios that differ only in international "
                             "migration", "split the other components with decompose_difference")
    _check_held(inputs, ("international_migration", "fertility", "mortality"), a.name, b.name)

    names = [c for c in CHANNELS if any(c in {x.name for x in s} for s in stated)]
    own = with_solved_rates(a.variants[0], inputs[0], 0)
    migration = [s.components["international_migration"] for s in (a, b)]
    by_name = [{c.name: c for c in s} for s in stated]
    anchor = stated[0].anchor or stated[1].anchor
    factors = [*names, NOT_BY_CHANNEL]
    rests = [repr(replace(m, options={k: v for k, v in m.options.items() if k != "channels"}))
             for m in migration]
    # only the factors in which A and B differ are switched; the others contribute 0
    differ = [j for j, name in enumerate(names)
              if repr(by_name[0].get(name)) != repr(by_name[1].get(name))]
    differ += [len(names)] if rests[0] != rests[1] else []

    def combined(mask):
        switched = {factor: mask >> i & 1 for i, factor in enumerate(differ)}
        rest = migration[switched.get(len(names), 0)]
        chosen = [by_name[switched.get(j, 0)].get(name) for j, name in enumerate(names)]
        channels = Channels(tuple(c for c in chosen if c is not None), anchor)
        options = {**rest.options, "channels": channels}
        return Variant(str(mask), "", {**own, "international_migration": replace(rest,
                                                                                 options=options)})

    combinations = tuple(combined(mask) for mask in range(2 ** len(differ)))
    _, projection = run(replace(a, variants=combinations))
    states = inputs[0].base.states
    switched = states.unflatten(np.moveaxis(projection.population, 1, 0), 2)
    contributions = np.zeros((len(factors),) + switched.shape[1:])
    if differ:
        contributions[differ] = shapley_contributions(switched)
    ds = _contributions_dataset(
        CHANNEL, factors, contributions, switched[[0, -1]], inputs[0].base, years, day, a, b,
        {"method": "Shapley value of sequential replacement of the channels over all "
                   "combinations, with scenario_a's solved death and fertility rates"})
    return ds if dates is None else ds.sel(time=dates)
