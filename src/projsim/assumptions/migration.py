"""Migration assumptions: international migrants, and moves between states."""

from __future__ import annotations

import numpy as np

from projsim.assumptions.common import scaled, stack
from projsim.demography.schedules import rogers_castro
from projsim.model.base import Base
from projsim.model.scenario import Component
from projsim.types import SEXES


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
        Immigrants [persons per year] of the variants stating an
        ``immigration`` total, spread by the immigrant profile (the base's
        census profile, or a table); ``None`` when no variant does.
    emigration_rate : ndarray or None, (time, batch, state, sex, age)
        Their emigration rates [per person-year]: a number for every cell, or
        a table by state, sex and age.
    """
    cell = (len(steps), base.states.size, len(SEXES), len(base.ages))
    net, immigration, emigration = [], [], []
    for component in components:
        arrival = leaving = np.zeros(cell)
        if component.method == "table":
            moved = component.values
        elif component.method == "scale":
            moved = scaled(base.net_migration, component, steps)
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
    return (stack(net), stack(immigration) if separate else None,
            stack(emigration) if separate else None)


def migration_profile(base: Base, component: Component) -> np.ndarray:
    """Shares (state, sex, age) of a ``net_total`` by its profile; they sum to 1.

    ``"base"``: the base's net migration; ``"rogers-castro"``: the base's
    shares by state and sex, each spread over age by the Rogers-Castro
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


def moves(base: Base, components: dict[str, list[Component]], steps):
    """The moves between states of every variant, on the kernel's axes.

    Internal migration: the base's out-migration rates (scaled, or a table
    of rates by year) with its destination shares.

    Parameters
    ----------
    base : Base
        The base, with its rates of moving.
    components : dict of str to list of Component
        Each variant's ``internal_migration`` component, by the name of the move.
    steps : ndarray of int
        The years of the steps.

    Returns
    -------
    kinds : tuple of str
        The kinds of moves reported (:data:`projsim.types.MOVES`), in the
        order they are applied: internal migration always (its flows are zero
        when the base has none or the scenario switches it off).
    move_rate : ndarray or None, (time, batch, move, state, sex, age)
        Rates of moving [per person-year]; None when the base has none or
        every variant switches them off.
    move_destination : ndarray or None, (1, 1, move, state, state)
        Destination shares of each origin's movers [1].
    """
    if base.internal_migration_rate is None:
        return ("internal_migration",), None, None
    built = [c.values if c.method == "table" else scaled(base.internal_migration_rate, c, steps)
             for c in components["internal_migration"]]
    rate = stack(built)
    if not rate.any():
        return ("internal_migration",), None, None
    return (("internal_migration",), rate[:, :, None],
            base.internal_migration_destination[None, None, None])
