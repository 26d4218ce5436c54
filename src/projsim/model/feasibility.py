"""What a scenario asks of its base, checked when it loads: nothing refused later.

The schema (:mod:`~projsim.model.schema`) checks each value alone. The checks
here combine a value with the base it applies to, so that every input a
projection would refuse, or turn into NaN, fails at load time with the file
and the key that cause it, and ``projsim validate`` finds it:

* the open age can be moved (a Kannisto fit needs death rates at ages
  80-99; fertility must stop below a lowered open age);
* each life-expectancy target lies inside the range the base's death rates
  reach along the mortality age pattern, less
  :data:`~projsim.model.schema.E0_MARGIN`;
* each TFR path rescales a schedule with a positive TFR;
* each profile that spreads a total has a positive sum of at least one person
  (or shares summing to 1), not the remainder of cells that cancel
  (:data:`~projsim.model.schema.PROFILE_LEAST_TOTAL`);
* immigrants, like net migrants, number fewer than the base population;
* the values of a table are within the limits of its variable
  (:data:`~projsim.model.schema.MAX_PERSONS`, :data:`~projsim.model.schema.MAX_RATES`),
  fertility stops at age 0 and in the open group, the open group has deaths,
  and only foreigners naturalise.

Each function appends its problems to a list, as
:func:`projsim.model.scenario.validate` collects them.
"""

from __future__ import annotations

import numpy as np

from projsim.demography.e0_solver import reachable_e0
from projsim.demography.pooling import national_fertility, national_rates, pooled_oldest
from projsim.errors import InputError
from projsim.model.base import KANNISTO_FIT_AGES, Base
from projsim.model.grids import graduated, with_grid
from projsim.model.paths import TimePath, over_steps
from projsim.model.schema import (
    E0_MARGIN, MAX_PERSONS, MAX_RATES, PROFILE_LEAST_NET_SHARE, PROFILE_LEAST_TOTAL,
)
from projsim.types import NATIONALITY, REGION, SEXES


def projected_base(where: str, open_age: int | None, base: Base, problems: list,
                   width: int = 1) -> Base | None:
    """The base on the scenario's grid of ``width`` years with its open age, or None
    (with the problem) if the open age cannot move (:func:`projsim.model.grids.with_grid`)."""
    if base.age_width > width:
        base = graduated(base)
    if open_age is None or open_age == base.open_age:
        return with_grid(base, width)
    fertile = np.any(base.fertility_rate != 0, axis=0) & (base.ages >= open_age)
    if open_age < base.open_age and fertile.any():
        age = int(base.ages[np.flatnonzero(fertile)[0]])
        problems.append(InputError(where, f"{open_age}, but the base {base.name} has births to "
                                   f"mothers aged {age}",
                                   "an open age above every age with births",
                                   f"raise open_age above {age}"))
        return None
    if open_age > base.open_age and base.age_width == 1:
        fit = np.arange(*KANNISTO_FIT_AGES)
        if base.open_age < fit[-1] + 1:
            problems.append(InputError(where, f"{open_age}, above the open age "
                                       f"{base.open_age} of the base {base.name}",
                                       f"a base with single ages to at least {fit[-1] + 1}, "
                                       f"whose death rates at ages {fit[0]}-{fit[-1]} fit the "
                                       "Kannisto model that extends them",
                                       f"keep the base's open age {base.open_age}"))
            return None
        rates = base.mortality_rate[..., fit]
        bad = ~((rates > 0) & (rates < 1))
        if bad.any():
            state, sex, age = (int(i) for i in np.argwhere(bad)[0])
            cell = ", ".join(f"{d}={label}" for d, label in zip(base.states.dims,
                                                                 base.states.labels[state]))
            problems.append(InputError(
                where, f"{open_age}, above the open age {base.open_age} of the base "
                f"{base.name}, whose death rate is {rates[state, sex, age]:g} at {cell}, "
                f"sex={SEXES[sex]}, age={fit[age]}", f"death rates between 0 and 1 at ages "
                f"{fit[0]}-{fit[-1]}, which the Kannisto model that extends them is fitted to",
                f"keep the base's open age {base.open_age}, or correct its death rates"))
            return None
    return with_grid(base, width, open_age)


def _point(where: str, path: TimePath, year: int, value: float) -> tuple[str, str]:
    """Where a value of a path is written and how to show it: the key of its year
    when the year is given, else the path with the year interpolated."""
    if year in path.years.tolist():
        return f"{where}.{year}", f"{value:g}"
    return where, f"{value:.4g} in {year} (interpolated between the years given)"


def check_e0(where: str, paths: dict[str, TimePath], base: Base, steps: np.ndarray,
             problems: list) -> None:
    """Each target must be reachable from the base's national death rates
    (weighted by the base population) along the mortality age pattern, with
    :data:`E0_MARGIN` years to spare at either end."""
    national = national_rates(base.mortality_rate,
                              pooled_oldest(base.mortality_weights(base.population)))  # (sex, age)
    low, high = reachable_e0(national, base.age_pattern(), np.array(SEXES),
                             **base.life_table_rules)
    for s, sex in enumerate(SEXES):
        path = paths[sex]
        targets = over_steps(path, steps, base.age_width)
        bad = (targets < low[s] + E0_MARGIN) | (targets > high[s] - E0_MARGIN)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            key, got = _point(f"{where}.{sex}", path, int(steps[i]), float(targets[i]))
            reach = f"{low[s]:.1f} to {high[s]:.1f} years for {sex}s"
            if high[s] - low[s] <= 2 * E0_MARGIN:
                expected = (f"death rates that its mortality age pattern can move: those of the "
                            f"base {base.name} reach only {reach}")
                fix = "correct the base's death rates, or state mortality by scale"
            else:
                expected = (f"a life expectancy at birth from {low[s] + E0_MARGIN:.1f} to "
                            f"{high[s] - E0_MARGIN:.1f} years for {sex}s: the death rates of "
                            f"the base {base.name} reach {reach} along its mortality age "
                            f"pattern, and a target keeps {E0_MARGIN:g} year from either end")
                fix = "choose a target in that range; the age pattern moves mortality no further"
            problems.append(InputError(key, got, expected, fix))
            return


def check_tfr(where: str, path, schedule: np.ndarray, from_table: bool, base: Base,
              problems: list) -> None:
    """A TFR path rescales a schedule: its TFR (national, or of each region for
    paths by region) must be positive, with the base's women as weights."""
    women = base.population[:, 0, :]
    regions = base.states.codes(REGION)
    if isinstance(path, dict):
        levels = {region: float(national_fertility(schedule[regions == r],
                                                   women[regions == r]).sum())
                  for r, region in enumerate(base.regions)}
    else:
        levels = {None: float(national_fertility(schedule, women).sum())}
    what = "the schedule" if from_table else f"the fertility rates of the base {base.name}"
    for region, level in levels.items():
        if not level > 0:
            key = where if region is None else f"{where}.{region}"
            of = "" if region is None else f" in {region}"
            problems.append(InputError(
                key, f"a TFR path that rescales {what}, whose TFR{of} is {level:g}",
                "a schedule with births at some age, to women the base has",
                "give a schedule with positive rates at the childbearing ages, or state "
                "fertility by scale"))
            return


def check_profile(where: str, what: str, profile: np.ndarray, problems: list) -> bool:
    """A profile spreads a total by its values over their sum: the sum must be at
    least one person (or shares summing to 1) and not the remainder of cells
    that cancel. Returns whether it passed."""
    total, size = float(profile.sum()), float(np.abs(profile).sum())
    if total >= PROFILE_LEAST_TOTAL and total >= PROFILE_LEAST_NET_SHARE * size:
        return True
    cancel = f", {size:.4g} in absolute value" if size > abs(total) else ""
    problems.append(InputError(
        where, f"{what} whose values sum to {total:.4g}{cancel}",
        f"values summing to 1 (shares) or to at least 1 person, and to at least "
        f"{PROFILE_LEAST_NET_SHARE:.0%} of their absolute values",
        "give the profile as shares or persons by cell, whose positive and negative cells "
        "do not cancel"))
    return False


def check_persons_per_year(where: str, path, what: str, base: Base, problems: list) -> None:
    """A flow of persons per year may not reach the base population."""
    population = float(base.population.sum())
    for label, one in (path.items() if isinstance(path, dict) else [(None, path)]):
        if one is None:
            continue
        too_large = np.flatnonzero(np.abs(one.values) >= population)
        if too_large.size:
            i = too_large[0]
            key = where if label is None else f"{where}.{label}"
            problems.append(InputError(
                f"{key}.{one.years[i]}", f"{one.values[i]:g}",
                f"{what} fewer than the base population ({population:,.0f})",
                "give persons per year, not a cumulated or scaled figure"))
            return


def table_problem(column: str, values: np.ndarray,
                  dims: tuple[str, ...]) -> tuple[tuple, str] | None:
    """The first cell of a table that its variable cannot hold, and what was
    expected there; None if every cell is fine.

    ``values`` has the table's dimensions ``dims`` (among year, the state
    dimensions, sex and age), the last age being the open group. Net migrants
    may be negative; every other variable is a count or a rate that is not.
    """
    if column == "net_migration":
        checks = [(np.abs(values) > MAX_PERSONS,
                   f"persons, from {-MAX_PERSONS:g} to {MAX_PERSONS:g} in a cell")]
    else:
        limit, unit = (MAX_RATES[column], "") if column in MAX_RATES else (MAX_PERSONS, " persons")
        checks = [(values < 0, f"non-negative values of {column}"),
                  (values > limit, f"values of {column} at most {limit:g}{unit}")]

    def along(dim, mask):
        return mask.reshape([-1 if d == dims.index(dim) else 1 for d in range(values.ndim)])

    ages = np.arange(values.shape[dims.index("age")])
    if column == "fertility_rate":
        edge = along("age", (ages == 0) | (ages == ages[-1]))
        checks.append((edge & (values != 0), "no fertility at age 0 or in the open age group"))
    if column == "mortality_rate":
        checks.append((along("age", ages == ages[-1]) & (values <= 0),
                       "a positive death rate in the open age group"))
    if column == "naturalisation_rate" and NATIONALITY in dims:
        own = along(NATIONALITY, np.arange(values.shape[dims.index(NATIONALITY)]) == 0)
        checks.append((own & (values != 0),
                       "0 for those who have the country's nationality already"))
    for bad, expected in checks:
        if bad.any():
            return tuple(int(i) for i in np.argwhere(bad)[0]), expected
    return None
