"""A base: the population and rates a projection starts from, on the kernel's axes.

A base is read by :mod:`projsim.io.bases` (embedded under ``projsim/data/``,
or a user's folder or netCDF file) and checked here once. Its arrays have
the axes (state, sex, age), the state axis flattening the base's labelled
state dimensions (:class:`~projsim.model.states.StateSpace`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from projsim.demography.lee_carter import LeeCarter
from projsim.demography.lifetable import kannisto_extend, life_table
from projsim.errors import InputError
from projsim.model.schema import MAX_PERSONS, MAX_RATES, OPTIONS, bad_number, expected_number
from projsim.model.states import StateSpace
from projsim.types import GRID_SEPARATION, MORTALITY_AGE, NATIONALITY, REGION, SEXES, STOCK_DATES


@dataclass(frozen=True)
class Periods:
    """Rates a base states for every period after its date, such as the UN's
    World Population Prospects, on the base's axes.

    A scenario takes them with ``table = "base"``
    (:mod:`projsim.model.scenario`); a projection step that starts in a
    period takes that period's rates.

    Attributes
    ----------
    years : ndarray of int
        First year of each period, from the base year, ``width`` years apart;
        a period runs from the base's date in that year for ``width`` years.
    width : int
        Length of each period [years].
    mortality_rate : ndarray, (period, state, sex, mortality age)
        Central death rates [per person-year], on the base's mortality ages.
    fertility_rate : ndarray, (period, state, age)
        Fertility rates [births per woman per year].
    sex_ratio_at_birth : ndarray, (period,)
        Male births per female birth [1].
    net_migration : ndarray, (period, state, sex, age)
        International net migrants [persons per year], by age group at migration.
    """

    years: np.ndarray
    width: int
    mortality_rate: np.ndarray = field(repr=False)
    fertility_rate: np.ndarray = field(repr=False)
    sex_ratio_at_birth: np.ndarray = field(repr=False)
    net_migration: np.ndarray = field(repr=False)

    def at(self, years) -> np.ndarray:
        """The index of the period each of ``years`` falls in (-1 before the first).

        Examples
        --------
        >>> periods = Periods(np.array([2020, 2025]), 5, *(np.zeros(2),) * 4)
        >>> periods.at([2020, 2024, 2025, 2029]).tolist()
        [0, 0, 1, 1]
        """
        return np.searchsorted(self.years, np.asarray(years), side="right") - 1

    @property
    def end(self) -> int:
        """The year the last period ends."""
        return int(self.years[-1]) + self.width


@dataclass(frozen=True)
class Base:
    """A base population with its rates, on the kernel's axes (state, sex, age).

    Attributes
    ----------
    name : str
        The base's name, e.g. ``"belgium-2012"``.
    year : int
        The base date is ``date`` of this year (1 January by default).
    states : StateSpace
        The labelled state dimensions behind the state axis.
    ages : ndarray of int
        First age of each age group, ``age_width`` years apart (single years
        by default); the last is the open group.
    population : ndarray, (state, sex, age)
        Population on the base date [persons].
    mortality_rate : ndarray, (state, sex, age or mortality age)
        Central death rates [per person-year], on ``mortality_ages`` when the
        base has them.
    fertility_rate : ndarray, (state, age)
        Fertility rates by age of mother [births per woman per year].
    sex_ratio_at_birth : float
        Male births per female birth [1].
    net_migration : ndarray, (state, sex, age)
        International net migration [persons per year], by age at the end of
        the year.
    internal_migration_rate : ndarray or None, (state, sex, age)
        Out-migration rates to the other regions [per person-year].
    internal_migration_destination : ndarray or None, (state, state)
        Destination shares of each origin's out-migrants [1]; internal
        migrants keep their nationality.
    sha256 : dict of str to str
        SHA-256 of each file read.
    immigrant_profile : ndarray or None, (state, sex, age)
        Recent immigrants by state, sex and age [persons], the age profile
        an immigration total is spread by (census 2011 for Belgium: persons
        who lived abroad a year earlier, 5-year groups spread evenly over
        their single ages).
    mortality_pattern : LeeCarter or None
        The Lee-Carter model whose age pattern moves the death rates to
        life-expectancy targets.
    uncertainty_parameters : dict or None
        The default parameters of the stochastic model for this population,
        ``{section: {key: value}}`` (:mod:`projsim.stochastic`).
    immigration : ndarray or None, (state, sex, age)
        International immigrants per year of the base period [persons per
        year], by age at migration: the level and the profile of immigration
        by nationality.
    emigration_rate : ndarray or None, (state, sex, age)
        International emigration rates [per person-year], by age at the start
        of the year.
    naturalisation_rate : ndarray or None, (state, sex, age)
        Rates of acquiring the country's nationality [per person-year], by age
        at the end of the year; zero for the country's own nationality.
    birth_destination : ndarray or None, (state, state)
        Share of the births to mothers of each state (rows) born into each
        state (columns) [1]: the child's nationality.
    age_width : int
        Width of the closed age groups [years]: 1 (single years) or 5
        (:data:`projsim.types.GRID_WIDTHS`).
    date : str
        The day of the year of the base's stocks (:data:`projsim.types.STOCK_DATES`):
        ``"1 January"``, or ``"1 July"`` for the UN's World Population Prospects.
    mortality_ages : ndarray of int or None
        First age of each group of the death rates when they differ from
        ``ages``: the abridged groups 0, 1-4, 5-9, ... of a five-year base, so
        that the separation factors of ages 0 and 1-4 survive the pooling
        into 0-4 (:func:`projsim.demography.survival_ratios_from_rates`).
        Their open group may start below the open age group of ``ages``:
        the groups above it then die at its constant force
        (:func:`projsim.demography.survival.split_open_group`).
    periods : Periods or None
        Rates of every period after the base date, when the base states them.
    """

    name: str
    year: int
    states: StateSpace
    ages: np.ndarray
    population: np.ndarray = field(repr=False)
    mortality_rate: np.ndarray = field(repr=False)
    fertility_rate: np.ndarray = field(repr=False)
    sex_ratio_at_birth: float
    net_migration: np.ndarray = field(repr=False)
    internal_migration_rate: np.ndarray | None = field(repr=False)
    internal_migration_destination: np.ndarray | None = field(repr=False)
    sha256: dict[str, str] = field(repr=False)
    immigrant_profile: np.ndarray | None = field(default=None, repr=False)
    mortality_pattern: LeeCarter | None = field(default=None, repr=False, compare=False)
    uncertainty_parameters: dict | None = field(default=None, repr=False, compare=False)
    immigration: np.ndarray | None = field(default=None, repr=False)
    emigration_rate: np.ndarray | None = field(default=None, repr=False)
    naturalisation_rate: np.ndarray | None = field(default=None, repr=False)
    birth_destination: np.ndarray | None = field(default=None, repr=False)
    age_width: int = 1
    date: str = STOCK_DATES[0]
    mortality_ages: np.ndarray | None = field(default=None, repr=False)
    periods: Periods | None = field(default=None, repr=False, compare=False)

    @property
    def open_age(self) -> int:
        """The first age of the open age group [years]."""
        return int(self.ages[-1])

    @property
    def death_rate_ages(self) -> np.ndarray:
        """The first ages of the groups of the death rates: ``mortality_ages``, else ``ages``."""
        return self.ages if self.mortality_ages is None else self.mortality_ages

    @property
    def mortality_widths(self) -> np.ndarray:
        """Widths of the groups of the death rates [years], ``np.inf`` for the open one."""
        return np.append(np.diff(self.death_rate_ages), np.inf)

    @property
    def life_table_rules(self) -> dict:
        """Keyword arguments of :func:`projsim.demography.lifetable.life_table` for the
        base's death rates: none for single years (the HMD's rules), else their
        widths and the separation rule of the grid (:data:`projsim.types.GRID_SEPARATION`)."""
        if self.age_width == 1 and self.mortality_ages is None:
            return {}
        return {"age_width": self.mortality_widths, "separation": GRID_SEPARATION[self.age_width]}

    @property
    def survival_rules(self) -> dict:
        """Keyword arguments of :func:`projsim.demography.survival_ratios_from_rates`
        that give the survival ratios of the base's age groups from its death
        rates: the life table's rules, the step and, when the death rates
        close their open group below the base's, the groups to open above it."""
        rules = self.life_table_rules
        if not rules:
            return {}
        open_groups = (self.open_age - int(self.death_rate_ages[-1])) // self.age_width
        return {**rules, "step_width": self.age_width, "open_groups": open_groups}

    def mortality_weights(self, population: np.ndarray) -> np.ndarray:
        """Counts (..., age) on the groups of the death rates (..., mortality age),
        as weights of pooled death rates: each group takes the count of the age
        group it lies in, and the open group the sum from its first age."""
        if self.mortality_ages is None:
            return population
        index = np.searchsorted(self.ages, self.mortality_ages, side="right") - 1
        weights = population[..., index]
        weights[..., -1] = population[..., index[-1]:].sum(-1)
        return weights

    @property
    def regions(self) -> tuple[str, ...]:
        """The labels of the regions."""
        return self.states.labels_of(REGION)

    def naturalisation_destination(self) -> np.ndarray:
        """Where naturalisation takes each state (state, state) [1]: from every
        other nationality to the country's own (the first nationality label),
        in the same region; rows of the own nationality are zero."""
        states = self.states
        own = states.codes(NATIONALITY) == 0
        same_place = states.within(NATIONALITY)
        return (same_place & ~own[:, None] & own[None, :]).astype(float)

    def age_pattern(self) -> np.ndarray:
        """The Lee-Carter age pattern b(x) (sex, age) on the base's ages [1]."""
        if self.mortality_pattern is None:
            raise InputError(f"base {self.name}", "no Lee-Carter model",
                             "a base with a mortality age pattern",
                             "read the base with projsim.io.load_base")
        if self.age_width != 1 or self.mortality_ages is not None:
            return self.mortality_pattern.on_groups(self.death_rate_ages).age_pattern
        return self.mortality_pattern.on_ages(self.ages).age_pattern


def check_base(base: Base, where: str) -> None:
    """Reject values no projection can use: counts or rates that are not finite,
    negative or absurd (:data:`~projsim.model.schema.MAX_PERSONS`,
    :data:`~projsim.model.schema.MAX_RATES`), fertility outside the
    childbearing ages, a zero death rate in the open group, destination shares
    outside [0, 1], on the diagonal or not summing to 1, and a sex ratio at
    birth outside the range a scenario may state."""
    def at(array, mask):
        full = np.zeros(array.shape, dtype=bool)
        full[..., mask] = True
        return full

    cells = ("state", "sex", "age")
    arrays = [(name, getattr(base, attribute)) for name, attribute in _ARRAYS]
    arrays += [(f"periods.{name}", getattr(base.periods, name)) for name in _PERIODS
               if base.periods is not None]
    arrays = [(name, values) for name, values in arrays if values is not None]
    dims = {name: _DIMS.get(name, cells) for name, _ in arrays}
    if base.mortality_ages is not None:
        dims["mortality_rate"] = ("state", "sex", MORTALITY_AGE)
    dims.update({f"periods.{name}": ("period", *dims.get(name, _DIMS.get(name, cells)))
                 for name in _PERIODS if base.periods is not None})
    checks = [(name, dims[name], values, ~np.isfinite(values), "a finite number")
              for name, values in arrays]
    checks.append(("population", cells, base.population, base.population < 0,
                   "persons, not negative"))
    for name, values in arrays:
        kind = name.removeprefix("periods.")
        if kind == "mortality_rate":
            checks += [(name, dims[name], values, values < 0, "death rates, not negative"),
                       (name, dims[name], values, at(values, [-1]) & (values <= 0),
                        "a positive death rate in the open age group")]
        if kind == "fertility_rate":
            checks += [(name, dims[name], values, values < 0, "fertility rates, not negative"),
                       (name, dims[name], values, at(values, [0, -1]) & (values != 0),
                        "no fertility at age 0 or in the open age group")]
    for name, values in arrays:
        kind = name.removeprefix("periods.")
        if kind in _COUNTS:
            limit = (-MAX_PERSONS if kind == "net_migration" else 0.0, MAX_PERSONS)
            expected = (f"persons, from {-MAX_PERSONS:g} to {MAX_PERSONS:g} in a cell"
                        if kind == "net_migration" else
                        f"persons, from 0 to {MAX_PERSONS:g} in a cell")
        elif kind in MAX_RATES:
            limit = (0.0, MAX_RATES[kind])
            expected = f"rates from 0 to {MAX_RATES[kind]:g}"
        else:
            limit, expected = (0.0, 1.0), "shares from 0 to 1"
        checks.append((name, dims[name], values, (values < limit[0]) | (values > limit[1]),
                       expected))
    if base.internal_migration_rate is not None:
        shares = base.internal_migration_destination
        rows = shares.sum(-1)
        checks += [
            ("internal_destination", _DIMS["internal_destination"], shares,
             np.eye(len(shares), dtype=bool) & (shares != 0),
             "0 from a state to itself (movers leave their state)"),
            ("internal_destination", ("origin",), rows, np.abs(rows - 1) > 1e-9,
             "shares of each origin summing to 1"),
        ]
    if base.naturalisation_rate is not None:
        own = (base.states.codes(NATIONALITY) == 0)[:, None, None]
        checks.append(("naturalisation_rate", cells, base.naturalisation_rate,
                       own & (base.naturalisation_rate != 0),
                       "0 for those who have the country's nationality already"))
    if base.birth_destination is not None:
        rows = base.birth_destination.sum(-1)
        checks.append(("birth_nationality", ("mother",), rows, np.abs(rows - 1) > 1e-9,
                       "shares of each mother's nationality summing to 1"))
    labels = {"sex": SEXES, "age": base.ages, MORTALITY_AGE: base.death_rate_ages,
              "period": () if base.periods is None else base.periods.years}
    for name, dims_of, values, bad, expected in checks:
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            cell = ", ".join(_label(base.states, labels, d, i) for d, i in zip(dims_of, index))
            raise InputError(f"{where}: {name}", f"{float(values[index])!r} at {cell}", expected,
                             "correct the base data")
    ratio = OPTIONS["fertility"]["sex_ratio_at_birth"].number
    if bad_number(base.sex_ratio_at_birth, ratio):
        raise InputError(f"{where}: sex_ratio_at_birth", repr(base.sex_ratio_at_birth),
                         expected_number(ratio), f"give {ratio.meaning}, about 1.05")
    for year, value in ([] if base.periods is None else
                        zip(base.periods.years, base.periods.sex_ratio_at_birth.tolist())):
        if bad_number(value, ratio):
            raise InputError(f"{where}: periods.sex_ratio_at_birth", f"{value!r} in {year}",
                             expected_number(ratio), f"give {ratio.meaning}, about 1.05")


#: The arrays of a base that :func:`check_base` checks, by their names in messages.
_ARRAYS = (("population", "population"), ("mortality_rate", "mortality_rate"),
           ("fertility_rate", "fertility_rate"), ("net_migration", "net_migration"),
           ("internal_migration_rate", "internal_migration_rate"),
           ("internal_destination", "internal_migration_destination"),
           ("immigrant_profile", "immigrant_profile"), ("immigration", "immigration"),
           ("emigration_rate", "emigration_rate"), ("naturalisation_rate", "naturalisation_rate"),
           ("birth_nationality", "birth_destination"))
#: Their dimensions, where they are not (state, sex, age).
_DIMS = {"fertility_rate": ("state", "age"), "internal_destination": ("origin", "destination"),
         "birth_nationality": ("mother", "child"), "sex_ratio_at_birth": ()}
#: The arrays of a base's :class:`Periods` that :func:`check_base` checks, with a
#: leading period axis.
_PERIODS = ("mortality_rate", "fertility_rate", "net_migration")
#: The arrays of persons (the others are rates or shares).
_COUNTS = ("population", "net_migration", "immigrant_profile", "immigration")


def _label(states: StateSpace, labels, dim, index) -> str:
    if dim in ("origin", "destination", "mother", "child"):
        if len(states.dims) == 1:
            return f"{dim}={states.labels[index][0]}"
        return f"{dim} " + ", ".join(f"{d}={label}"
                                     for d, label in zip(states.dims, states.labels[index]))
    if dim == "state":
        return ", ".join(f"{d}={label}" for d, label in zip(states.dims, states.labels[index]))
    return f"{dim}={labels[dim][index]}"


#: The ages [first, last + 1) whose death rates the Kannisto model that extends
#: a base beyond its open age is fitted to.
KANNISTO_FIT_AGES = (80, 100)


def with_open_age(base: Base, open_age: int | None) -> Base:
    """Move a base's open age group to ``open_age`` (any age up to 130).

    Raising it, death rates of the new single ages and of the new open group
    come from a Kannisto fit on ages 80-99 (:func:`projsim.demography.kannisto_extend`)
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
    >>> from projsim.io import load_base
    >>> base = load_base("belgium-2012")
    >>> wider = with_open_age(base, 130)
    >>> int(wider.ages[-1]), bool(np.isclose(wider.population.sum(), base.population.sum()))
    (130, True)
    >>> narrower = with_open_age(base, 100)
    >>> narrower.population.shape, int(narrower.population.sum())
    ((6, 2, 101), 11035948)
    """
    if open_age is None or open_age == base.open_age:
        return base
    sexes = np.array(SEXES)
    internal, immigrants = base.internal_migration_rate, base.immigrant_profile
    if open_age > base.open_age:
        ages = np.arange(open_age + 1)
        mortality = kannisto_extend(base.mortality_rate, base.ages,
                                    fit_ages=(KANNISTO_FIT_AGES[0], KANNISTO_FIT_AGES[1] - 1),
                                    replace_from=base.open_age, open_age=open_age)
        table = life_table(mortality, sexes)
        share = table.Lx[..., base.open_age:] / table.Tx[..., base.open_age, None]

        def spread(counts):
            return np.concatenate([counts[..., :-1], counts[..., -1:] * share], axis=-1)

        def repeat(rates):
            if rates is None:
                return None
            return np.concatenate([rates, np.repeat(rates[..., -1:], open_age - base.open_age,
                                                    axis=-1)], axis=-1)

        fertility = np.concatenate(
            [base.fertility_rate, np.zeros(base.fertility_rate.shape[:-1]
                                           + (open_age - base.open_age,))], axis=-1)
        return replace(
            base, ages=ages, population=spread(base.population), mortality_rate=mortality,
            fertility_rate=fertility, net_migration=spread(base.net_migration),
            internal_migration_rate=repeat(internal),
            immigrant_profile=None if immigrants is None else spread(immigrants),
            immigration=None if base.immigration is None else spread(base.immigration),
            emigration_rate=repeat(base.emigration_rate),
            naturalisation_rate=repeat(base.naturalisation_rate))
    table = life_table(base.mortality_rate, sexes)
    mortality = base.mortality_rate[..., : open_age + 1].copy()
    mortality[..., -1] = table.lx[..., open_age] / table.Tx[..., open_age]

    def collapse(counts):
        return np.concatenate([counts[..., :open_age],
                               counts[..., open_age:].sum(axis=-1, keepdims=True)], axis=-1)

    def pooled(rates):
        """The open group's rate: the population-weighted mean of the ages it pools."""
        if rates is None:
            return None
        weights = base.population[..., open_age:]
        total = weights.sum(-1)
        weighted = (rates[..., open_age:] * weights).sum(-1)
        kept = rates[..., : open_age + 1].copy()
        np.divide(weighted, total, out=kept[..., -1], where=total > 0)
        return kept

    return replace(
        base, ages=np.arange(open_age + 1), population=collapse(base.population),
        mortality_rate=mortality, fertility_rate=collapse(base.fertility_rate),
        net_migration=collapse(base.net_migration), internal_migration_rate=pooled(internal),
        immigrant_profile=None if immigrants is None else collapse(immigrants),
        immigration=None if base.immigration is None else collapse(base.immigration),
        emigration_rate=pooled(base.emigration_rate),
        naturalisation_rate=pooled(base.naturalisation_rate))
