"""Migration assumptions: international migrants, and moves between states."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from projsim.assumptions.common import scaled, stack
from projsim.demography.graduation import group_counts
from projsim.demography.schedules import rogers_castro
from projsim.model.base import Base
from projsim.model.paths import over_steps
from projsim.model.channels import Channel
from projsim.model.scenario import Component, balancing
from projsim.types import CHANNELS, FOREIGN, NATIONALITY, REGION, SEXES


def international_migration(base: Base, components: list[Component], steps):
    """International migration of every variant, on the kernel's axes.

    Returns
    -------
    net_migration : ndarray, (time, batch, state, sex, age)
        Net migrants [persons per year]. A ``net_total`` is spread over
        state, sex and age by its profile: ``"base"`` uses the shares of the
        base's net migration (which may hold negative cells, where emigration
        dominates); ``"rogers-castro"`` keeps the base's shares by state and
        sex and spreads each over age by the Rogers-Castro standard schedule
        (:func:`projsim.demography.schedules.rogers_castro`); a table gives
        the shares directly.
    immigration : ndarray or None, (time, batch, state, sex, age)
        Immigrants [persons per year] of the variants stating ``immigration``
        (a national path, or one path per nationality), spread by the
        immigrant profile (:func:`immigration_profile`); on a base with gross
        flows (immigrants and emigration rates), ``scale`` multiplies the
        base's immigrants. ``None`` when no variant has separate flows.
    emigration_rate : ndarray or None, (time, batch, state, sex, age)
        Their emigration rates [per person-year]: the base's (``"base"``), a
        number for every cell, or a table by state, sex and age, times
        ``emigration_scale``; on a base with gross flows, ``scale`` multiplies
        the base's rates too.
    net_total : ndarray or None, (time, batch)
        When a variant states a ``net_total`` with emigration rates: the totals
        that its immigrants balance each year (``immigration`` then gives
        their distribution, :func:`immigration_profile`); NaN for the other
        variants, whose immigrants are counts.

    Counts are per year, a five-year step's the mean of its years' values
    (:func:`~projsim.model.paths.over_steps`); the kernel takes them per
    step, ``width`` times as many (:func:`projsim.assumptions.build_inputs`).
    """
    width = base.age_width
    cell = (len(steps), base.states.size, len(SEXES), len(base.ages))
    net, immigration, emigration, totals = [], [], [], []
    names = channel_names(components)
    by_channel = []
    for component in components:
        arrival = leaving = moved = np.zeros(cell)
        total = np.full(len(steps), np.nan)
        if component.method == "table":
            moved = component.values
        elif component.method == "scale" and gross_flows(base):
            arrival = scaled(base.immigration, component, steps, width)
            leaving = scaled(base.emigration_rate, component, steps, width)
        elif component.method == "scale":
            moved = scaled(base.net_migration, component, steps, width)
        elif balanced(component):
            total = over_steps(component.path, steps, width)
            arrival = immigration_profile(base, component)
            leaving = emigration_rates(base, component, steps)
        elif component.method == "net_total":
            moved = over_steps(component.path, steps, width)[:, None, None, None] \
                * migration_profile(base, component)
        else:
            arrival = immigrants(base, component, steps)
            leaving = emigration_rates(base, component, steps)
        channels = component.options.get("channels")
        if names:
            split = np.full((len(steps), len(names), *cell[1:]), np.nan)
            if channels:
                split[:] = 0.0
                raked = raked_distributions(base, channels.anchor)
                for channel in channels:
                    split[:, names.index(channel.name)] = channel_immigrants(
                        base, channel, steps, raked.get(channel.name) if channel.from_set else None)
                arrival = arrival + split.sum(axis=1)
            by_channel.append(split)
        net.append(np.broadcast_to(moved, cell))
        immigration.append(np.broadcast_to(arrival, cell))
        emigration.append(np.broadcast_to(leaving, cell))
        totals.append(total)
    separate = any(c.method == "immigration" or balanced(c) or c.method == "scale"
                   and gross_flows(base) for c in components)
    return Migration(stack(net), stack(immigration) if separate else None,
                     stack(emigration) if separate else None,
                     stack(totals) if any(balanced(c) for c in components) else None,
                     np.stack(by_channel, axis=1) if names else None, names)


class Migration(NamedTuple):
    """International migration of every variant (:func:`international_migration`).

    ``by_channel`` (time, batch, channel, state, sex, age) holds the immigrants of
    foreign nationality of each channel named in ``channels`` [persons per year]
    (:func:`channel_immigrants`), zero for a channel a variant does not state and
    NaN for variants that state no channels; their sum over channels is part of
    ``immigration``. None when no variant states channels.
    """

    net_migration: np.ndarray
    immigration: np.ndarray | None
    emigration_rate: np.ndarray | None
    net_total: np.ndarray | None
    by_channel: np.ndarray | None = None
    channels: tuple[str, ...] = ()


def channel_names(components: list[Component]) -> tuple[str, ...]:
    """The channels any variant states, in the vocabulary's order
    (:data:`projsim.types.CHANNELS`)."""
    stated = {c.name for component in components
              for c in component.options.get("channels") or ()}
    return tuple(name for name in CHANNELS if name in stated)


def channel_distribution(base: Base, channel: Channel) -> np.ndarray:
    """The shares (state, sex, age) of a channel's immigrants; they sum to 1.

    The immigrants of a channel are all of foreign nationality. Region r gets
    the share ``regions[r]`` (the base's immigrants of foreign nationality by
    region for ``"base"``), spread over sex and age by the channel's profile:
    a Rogers-Castro schedule (:func:`projsim.demography.schedules.rogers_castro`,
    on single years, summed into the base's age groups) times the share of
    each sex, a table of shares by sex and age, or, for ``"base"``, the base's
    immigrants of foreign nationality of the same region by sex and age.

    Parameters
    ----------
    base : Base
        The base, on the scenario's grid, by region and nationality.
    channel : Channel
        A validated channel (:class:`projsim.model.channels.Channel`).

    Returns
    -------
    ndarray, (state, sex, age)
        Shares [1], zero in the states of other nationalities.
    """
    states = base.states
    foreign = states.codes(NATIONALITY) == states.labels_of(NATIONALITY).index(FOREIGN)
    region = states.codes(REGION)
    observed = np.where(foreign[:, None, None], base.immigration if base.immigration is not None
                        else 0.0, 0.0)
    by_region = np.bincount(region, weights=observed.sum(axis=(1, 2)),
                            minlength=len(states.labels_of(REGION)))
    regions = by_region / by_region.sum() if isinstance(channel.regions, str) \
        else channel.regions
    if isinstance(channel.profile, str):
        within = np.divide(observed, by_region[region][:, None, None],
                           out=np.zeros_like(observed), where=by_region[region][:, None, None] > 0)
    else:
        if isinstance(channel.profile, dict):
            ages = np.arange(base.open_age + 1)
            by_age = rogers_castro(ages, **channel.profile)
            by_age = by_age if base.age_width == 1 else group_counts(by_age, base.age_width)
            sexes = np.array([channel.female_share, 1.0 - channel.female_share])
            profile = sexes[:, None] * by_age / by_age.sum()
        else:
            profile = channel.profile
        within = np.broadcast_to(profile, observed.shape)
    return np.where(foreign[:, None, None], regions[region][:, None, None] * within, 0.0)


def channel_immigrants(base: Base, channel: Channel, steps,
                       distribution: np.ndarray | None = None) -> np.ndarray:
    """Immigrants (time, state, sex, age) of one channel [persons per year]:
    its level times its scale in each step, spread by ``distribution`` (by
    default :func:`channel_distribution`)."""
    width = base.age_width
    level = over_steps(channel.level, steps, width)
    if channel.scale is not None:
        level = level * over_steps(channel.scale, steps, width)
    if distribution is None:
        distribution = channel_distribution(base, channel)
    return level[:, None, None, None] * distribution


#: Raking stops when every cell's total is within this relative error of its target.
RAKING_TOLERANCE, RAKING_ITERATIONS = 1e-12, 10_000


def raked_distributions(base: Base, anchor: tuple[Channel, ...]) -> dict[str, np.ndarray]:
    """The distributions of a set's channels raked to the base's immigrants.

    The immigrants of foreign nationality of the base (by region, sex and
    age: the census 2011 profile for ``belgium-2012``) are observed; how they
    split between channels is not. Starting from each channel's own
    distribution (:func:`channel_distribution`) times its level in the set,
    iterative proportional fitting (Deming and Stephan 1940) scales the cells
    alternately to the base's immigrants (spread to the set's total) and to
    each channel's level, so that the channels keep their levels and their
    shapes as far as they can, and their sum at the set's levels is the
    base's profile in every cell. A scenario that keeps every channel at the
    same share of the set's levels therefore spreads its immigrants exactly
    as the base does.

    Parameters
    ----------
    base : Base
        The base, with its immigrants by state, sex and age.
    anchor : tuple of Channel
        The set's channels at the set's levels (their first level is used).

    Returns
    -------
    dict of str to ndarray, (state, sex, age)
        Each channel's raked shares [1], summing to 1; empty without an anchor.

    References
    ----------
    Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of
    a sampled frequency table when the expected marginal totals are known.
    *Annals of Mathematical Statistics* 11(4), 427-444.
    """
    if not anchor:
        return {}
    levels = np.array([channel.level.values[0] for channel in anchor])
    cells = np.stack([level * channel_distribution(base, channel)
                      for level, channel in zip(levels, anchor)])    # (channel, state, sex, age)
    foreign = (base.states.codes(NATIONALITY)
               == base.states.labels_of(NATIONALITY).index(FOREIGN))[:, None, None]
    observed = np.where(foreign, base.immigration, 0.0)
    target = observed / observed.sum() * levels.sum()
    for _ in range(RAKING_ITERATIONS):
        cells *= np.divide(target, cells.sum(axis=0), out=np.zeros_like(target),
                           where=cells.sum(axis=0) > 0)
        cells *= (levels / cells.sum(axis=(1, 2, 3)))[:, None, None, None]
        if np.allclose(cells.sum(axis=0), target, rtol=RAKING_TOLERANCE, atol=0.0):
            break
    return {channel.name: cells[c] / levels[c] for c, channel in enumerate(anchor)}


def balanced(component: Component) -> bool:
    """Whether a component states a net total that immigrants balance
    (:func:`projsim.model.scenario.balancing`)."""
    return balancing(component)


def gross_flows(base: Base) -> bool:
    """Whether the base states its migration as immigrants and emigration rates."""
    return base.immigration is not None and base.emigration_rate is not None


def immigration_profile(base: Base, component: Component) -> np.ndarray:
    """Immigrants (state, sex, age) whose shares spread an ``immigration`` path [persons].

    ``"base"`` (the default when the base has its immigrants): the base's
    immigrants by nationality, region, sex and age; ``"census-2011"``: the
    census profile of persons who lived abroad a year earlier; or a table.
    """
    default = "base" if base.immigration is not None else "census-2011"
    profile = component.options.get("immigration_profile", default)
    if isinstance(profile, np.ndarray):
        return profile
    return base.immigration if profile == "base" else base.immigrant_profile


def immigrants(base: Base, component: Component, steps) -> np.ndarray:
    """Immigrants (time, state, sex, age) of an ``immigration`` path [persons per year].

    A national path is spread over every state by the profile's shares; a
    path per nationality over the states of that nationality.
    """
    profile = immigration_profile(base, component)
    width = base.age_width
    if not isinstance(component.path, dict):
        return over_steps(component.path, steps, width)[:, None, None, None] \
            * (profile / profile.sum())
    nationality = base.states.codes(NATIONALITY)
    labels = base.states.labels_of(NATIONALITY)
    totals = np.stack([profile[nationality == n].sum() for n in range(len(labels))])
    # with channels, the foreign entry is theirs (channel_immigrants): none here
    paths = np.stack([over_steps(component.path[label], steps, width) if label in component.path
                      else np.zeros(len(steps)) for label in labels], axis=-1)          # (T, N)
    return (paths / totals)[:, nationality, None, None] * profile


def emigration_rates(base: Base, component: Component, steps) -> np.ndarray:
    """Emigration rates (time, state, sex, age) of an ``immigration`` component [per person-year].

    ``emigration_rate``: ``"base"`` (the default when the base has rates),
    a number or a table; times the ``emigration_scale`` path.
    """
    given = component.options.get("emigration_rate", "base")
    rates = base.emigration_rate if isinstance(given, str) else given
    factor = component.options.get("emigration_scale")
    factor = np.ones(len(steps)) if factor is None else over_steps(factor, steps, base.age_width)
    return factor[:, None, None, None] * np.broadcast_to(rates, np.shape(base.population))


def migration_profile(base: Base, component: Component) -> np.ndarray:
    """Shares (state, sex, age) of a ``net_total`` by its profile; they sum to 1.

    ``"base"``: the base's net migration; ``"rogers-castro"``: the base's
    shares by state and sex, each spread over age by the Rogers-Castro
    standard schedule (on single years, summed into the base's age groups);
    a table: its values.
    """
    profile = component.options.get("profile", "base")
    if isinstance(profile, np.ndarray):
        return profile / profile.sum()
    total = base.net_migration.sum()
    if profile == "base":
        return base.net_migration / total
    by_age = rogers_castro(base.ages) if base.age_width == 1 else \
        group_counts(rogers_castro(np.arange(base.open_age + 1)), base.age_width)
    return (base.net_migration.sum(-1, keepdims=True) / total) * by_age / by_age.sum()


def moves(base: Base, components: dict[str, list[Component]], steps):
    """The moves between states of every variant, on the kernel's axes.

    Internal migration: the base's out-migration rates (scaled, or a table
    of rates by year) with its destination shares, movers keeping their
    nationality. Naturalisation, on a base that has its rates: from every
    other nationality to the country's own in the same region, after the
    internal moves.

    Parameters
    ----------
    base : Base
        The base, with its rates of moving.
    components : dict of str to list of Component
        Each variant's component of each move, by the name of the move
        (``internal_migration``, ``naturalisation``).
    steps : ndarray of int
        The years of the steps.

    Returns
    -------
    kinds : tuple of str
        The kinds of moves reported (:data:`projsim.types.MOVES`), in the
        order they are applied: internal migration always (its flows are zero
        when the base has none or the scenario switches it off), then
        naturalisation if the base has its rates.
    move_rate : ndarray or None, (time, batch, move, state, sex, age)
        Rates of moving [per person-year]; None when no variant moves anyone.
    move_destination : ndarray or None, (1, 1, move, state, state)
        Destination shares of each origin's movers [1].
    """
    kinds = ["internal_migration"]
    rates, destinations = [], []
    for kind, base_rate, destination in (
            ("internal_migration", base.internal_migration_rate,
             base.internal_migration_destination),
            ("naturalisation", base.naturalisation_rate,
             None if base.naturalisation_rate is None else base.naturalisation_destination())):
        if base_rate is None:
            continue
        kinds += [kind] if kind not in kinds else []
        held = [None] * len(next(iter(components.values())))     # no section: base rates held
        constant = np.broadcast_to(base_rate, (len(steps), *base_rate.shape))
        rates.append(stack([constant if c is None else c.values if c.method == "table"
                            else scaled(base_rate, c, steps, base.age_width)
                            for c in components.get(kind, held)]))
        destinations.append(destination)
    if not any(rate.any() for rate in rates):
        return tuple(kinds), None, None
    steps_shown = max(len(rate) for rate in rates)
    rate = np.stack([np.broadcast_to(r, (steps_shown, *r.shape[1:])) for r in rates], axis=2)
    return tuple(kinds), rate, np.stack(destinations)[None, None]


def births_into(base: Base):
    """The share of births born into each state (1, 1, state, state), or None
    when every child is born into its mother's state."""
    return None if base.birth_destination is None else base.birth_destination[None, None]
