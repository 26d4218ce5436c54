"""A stochastic run prepared once: the job every chunk of draws shares.

:func:`make_job` validates the scenario for draws and builds what every
chunk needs: the base, the path's migrants and how the deviations spread
over the states, sexes and ages (their turnover), and the survival
ratios tabulated on a grid of national life expectancies, so that a draw's
survival ratios are interpolated at its own e0 targets (:func:`survival_for`)
instead of solved. A :class:`Job` is picklable, for a dask worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.assumptions import build_inputs
from projsim.assumptions.fertility import schedule_of, schedule_tfr
from projsim.assumptions.migration import (
    balanced, emigration_rates, immigrants, immigration_profile, migration_profile,
)
from projsim.demography.lifetable import survival_ratios_from_rates
from projsim.demography.mortality import mortality_index_for_e0
from projsim.demography.pooling import national_rates, pooled_oldest
from projsim.errors import InputError
from projsim.model.scenario import Scenario
from projsim.model.states import StateSpace
from projsim.stochastic.paths import (
    DRAWS_PER_SEED, Spread, Uncertainty, check_perturbable, turnover_spread,
)
from projsim.types import REGION, SEXES, Keep

#: Default broad age groups of the summaries: [first, last] ages, last open.
AGE_GROUPS = {"0-17": (0, 17), "18-66": (18, 66), "67+": (67, None), "all": (0, None)}
#: The e0 grid on which survival ratios are tabulated for draws: this far
#: around the scenario's path [years], this finely [years].
E0_MARGIN, E0_SPACING = 15.0, 0.25
#: The highest usable e0 on the grid [years]. Moving Belgian mortality along
#: its Lee-Carter pattern reaches 99.7 to 100.2 years for men within the e0
#: solver's bounds (the bases of 1988, 1995-2013 and 2021; women reach about
#: 103), and the grid has one level, 0.25 years, beyond its usable range.
#: Around WPP 2024's median e0 of women in 2100 (93.1 years), a random walk
#: of sd 0.2 years a year exceeds it about three times in ten thousand draws.
E0_HIGHEST = 99.25


@dataclass(frozen=True)
class Job:
    """Everything a chunk needs, picklable for a dask worker."""

    scenario: Scenario
    parameters: Uncertainty
    population: np.ndarray          # (state, sex, age)
    states: StateSpace
    ages: np.ndarray
    steps: np.ndarray
    e0_grid: np.ndarray             # (level,): e0 levels [years], evenly spaced
    survival_grid: np.ndarray       # (level, state, sex, age): survival ratios at those e0
    schedule: np.ndarray            # (state, age)
    schedule_tfr: float
    spread: Spread                  # how the migration deviations reach the states
    path_migrants: np.ndarray       # (time, state, sex, age): the path's migrants
    within: np.ndarray              # (state, sex, age): a state's deviation over sex and age
    sex_ratio_at_birth: np.ndarray  # (1, state)
    move_rate: np.ndarray | None          # (time, 1, move, state, sex, age)
    move_destination: np.ndarray | None   # (1, 1, move, state, state)
    emigration_rate: np.ndarray | None    # (time, state, sex, age), with gross flows
    balance: np.ndarray | None            # (time or 1, state): immigrants balancing a net total
    birth_destination: np.ndarray | None  # (state, state)
    groups: np.ndarray              # (group, age) 0/1
    dtype: str
    engine: str
    keep: str
    demographic_noise: bool = False


@dataclass(frozen=True)
class ChunkResult:
    """One chunk's contribution: block sums, per-draw totals and maybe the draws.

    ``sums``, ``squares`` and ``totals`` are None when the chunk fed them to
    a running summary instead (``run_chunk(..., running=...)``).
    """

    first: int
    sums: np.ndarray | None       # (block, date, state, sex, age)
    squares: np.ndarray | None    # (block, date, state, sex, age)
    totals: np.ndarray | None     # (draw, date, state, group)
    population: np.ndarray | None   # (draw, date, state, sex, age)


def make_job(scenario: Scenario, parameters: Uncertainty, *, keep: Keep = "summary",
             dtype: str = "float64", engine: str = "numpy",
             demographic_noise: bool = False) -> Job:
    """Prepare a stochastic run of a scenario (validated here, once).

    ``engine`` is ``"numpy"`` or ``"fused"``, already chosen
    (:func:`projsim.stochastic.choose_engine`).
    """
    check_perturbable(scenario)
    if dtype not in ("float64", "float32"):
        raise InputError("argument 'dtype'", repr(dtype), "'float64' or 'float32'",
                         "choose the precision of the state")
    inputs = build_inputs(scenario)
    base = inputs.base
    components = scenario.components
    migration = components["international_migration"]
    steps = inputs.years[:-1]
    gross = migration.method == "immigration" or balanced(migration)
    path_migrants, shape = _path_migrants(base, migration, steps, inputs)
    turnover = np.abs(shape).sum(axis=(-2, -1))                         # (state,)
    within = np.abs(shape) / np.where(turnover == 0, 1, turnover)[:, None, None]
    spread = turnover_spread(path_migrants.sum(axis=(-2, -1)), turnover, base.states.codes(REGION))
    schedule = schedule_of(base, components["fertility"])
    ages = base.ages
    groups = np.array([(ages >= lo) & (ages <= (ages[-1] if hi is None else hi))
                       for lo, hi in AGE_GROUPS.values()], dtype=float)
    pattern = base.age_pattern()
    national = national_rates(base.mortality_rate, pooled_oldest(base.population))
    e0_grid, survival_grid = _survival_grid(base.mortality_rate, national, pattern, scenario,
                                            inputs.years[:-1])
    return Job(
        scenario=scenario, parameters=parameters, population=base.population,
        states=base.states, ages=base.ages, steps=inputs.years[:-1], e0_grid=e0_grid,
        survival_grid=survival_grid,
        schedule=schedule, schedule_tfr=schedule_tfr(base, schedule),
        spread=spread, path_migrants=path_migrants, within=within,
        sex_ratio_at_birth=np.full((1, base.states.size),
                                   float(inputs.rates.sex_ratio_at_birth[0, 0, 0])),
        move_rate=inputs.rates.move_rate,
        move_destination=inputs.rates.move_destination,
        emigration_rate=emigration_rates(base, migration, steps) if gross else None,
        balance=turnover[None] / turnover.sum() if balanced(migration) else None,
        birth_destination=base.birth_destination,
        groups=groups, dtype=dtype, engine=engine, keep=keep,
        demographic_noise=demographic_noise)


def _path_migrants(base, migration, steps, inputs) -> tuple[np.ndarray, np.ndarray]:
    """The path's migrants (time, state, sex, age) and the shape (state, sex, age) of deviations.

    A net total is spread by its profile; immigrants (a path, or the
    immigrants that balance a net total) by the immigration profile, a path
    by nationality by each nationality's, and foreigners stated by channel
    as the channels' sum (the scenario's own immigration, from ``inputs``).
    The deviations take the shape of the first year's migrants, in absolute
    value (:func:`make_job`).
    """
    if migration.method == "immigration":
        migrants = (inputs.rates.immigration[:, 0] if migration.options.get("channels")
                    else immigrants(base, migration, steps))
        return migrants, migrants[0]
    if balanced(migration):
        profile = immigration_profile(base, migration)
        shares = profile / profile.sum()
    else:
        shares = migration_profile(base, migration)
    return migration.path.at(steps)[:, None, None, None] * shares, shares


def _survival_grid(regional, national, pattern, scenario, steps):
    """Survival ratios tabulated on a fixed grid of national e0 levels.

    At each level the Lee-Carter index that gives the national rates that e0
    is solved (to 1e-8 years) and applied to every region; a draw's survival
    ratios are then interpolated between four neighbouring levels
    (:func:`survival_for`), so they depend only on the draw's own targets,
    never on the other draws of its chunk. The grid runs one level beyond
    the usable range at each end, for the outer points of the stencil.

    With levels 0.25 years apart the cubic interpolation is within 2.5e-8 of
    the survival ratio solved at the draw's own e0, where the life table is a
    smooth function of e0 (measured at 300 random e0 of 77-97 years). Near
    the kinks of the HMD formula for the infant's mean age at death
    (:math:`{}_1a_0`, at infant death rates of 0.017 for women and 0.023 for
    men: e0 about 75 years for Belgian women), the infant survival ratio is
    within 5e-6.
    """
    path = scenario.components["mortality"].path
    targets = np.stack([path[s].at(steps) for s in SEXES], axis=-1)
    low = np.floor(targets.min() - E0_MARGIN) - E0_SPACING
    high = min(np.ceil(targets.max() + E0_MARGIN), E0_HIGHEST) + E0_SPACING
    levels = np.linspace(low, high, int(round((high - low) / E0_SPACING)) + 1)
    grid = np.repeat(levels[:, None], len(SEXES), axis=1)
    index = mortality_index_for_e0(national, pattern, grid, np.array(SEXES), tolerance=1e-8)
    rates = regional * np.exp(index[:, None, :, None] * pattern)          # (level, R, S, A)
    return levels, survival_ratios_from_rates(rates, np.array(SEXES))


def check_on_grid(job: Job, e0: np.ndarray) -> None:
    """Raise if an e0 target (any shape) is off the usable range of the job's grid."""
    levels = job.e0_grid
    if e0.min() < levels[1] or e0.max() > levels[-2]:
        extreme = e0.min() if e0.min() < levels[1] else e0.max()
        raise InputError("draws", f"a life expectancy target of {extreme:.2f} years",
                         f"targets within {levels[1]:g}-{levels[-2]:g} years",
                         "lower the mortality uncertainty")


def stencil(levels: np.ndarray, e0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The grid levels and cubic Lagrange weights that interpolate at ``e0``.

    Returns the index of the level at or below each target, clipped so that
    levels ``index - 1 .. index + 2`` exist, and the four weights (last axis)
    of those levels, which sum to one.
    """
    position = (e0 - levels[0]) / (levels[1] - levels[0])
    lower = np.clip(np.floor(position).astype(int), 1, len(levels) - 3)
    t = position - lower
    weights = np.stack([-t * (t - 1) * (t - 2) / 6, (t + 1) * (t - 1) * (t - 2) / 2,
                        -(t + 1) * t * (t - 2) / 2, (t + 1) * t * (t - 1) / 6], axis=-1)
    return lower, weights


def survival_for(job: Job, e0: np.ndarray) -> np.ndarray:
    """Survival ratios (draw, state, sex, age) for e0 targets (draw, sex)."""
    check_on_grid(job, e0)
    lower, weights = stencil(job.e0_grid, e0)
    sexes = np.arange(len(SEXES))
    out = np.zeros((len(e0), *job.survival_grid.shape[1:]))
    for offset in range(4):      # the four levels of the cubic stencil
        rows = np.moveaxis(job.survival_grid[lower + offset - 1, :, sexes, :], 1, 2)
        out += weights[:, None, :, offset, None] * rows
    return out


def chunks(draws: int, chunk: int) -> list[tuple[int, int]]:
    """(first, count) of every chunk; chunk sizes are multiples of the seed block."""
    if chunk < 1 or chunk % DRAWS_PER_SEED:
        raise InputError("argument 'chunk'", repr(chunk), f"a positive multiple of {DRAWS_PER_SEED}",
                         f"use for example {4 * DRAWS_PER_SEED} draws per chunk")
    if draws < 1:
        raise InputError("argument 'draws'", repr(draws), "at least 1 draw",
                         "ask for more draws")
    return [(first, min(chunk, draws - first)) for first in range(0, draws, chunk)]


