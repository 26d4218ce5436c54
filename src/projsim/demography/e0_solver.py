"""The solver under :mod:`projsim.demography.mortality`: the index k of each e0 target.

For every schedule (a combination of rates, age pattern and sex), e0(k) is
tabulated on a grid of the search interval, every target is checked to be
reachable, the root nearest to k = 0 is bracketed, and a safeguarded secant
method closes the bracket. A schedule with many targets is solved at a few
Chebyshev-Lobatto levels of e0 only, k is interpolated between them by the
barycentric formula (Berrut and Trefethen 2004), and every interpolated k is
checked on its life table. :func:`solve` is the entry point, with the
checks of its arguments; :func:`projsim.demography.mortality.shift_to_e0`
documents the method.

References
----------
Berrut, J.-P. and Trefethen, L. N. (2004). Barycentric Lagrange
interpolation. *SIAM Review* 46(3): 501-517.
https://doi.org/10.1137/S0036144502417715
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.errors import InputError, first_index
from projsim.types import SeparationRule

#: Highest life expectancy at birth [years] a target may have. Above it,
#: nearly everyone would reach the oldest ages ever recorded (122 years).
MAX_LIFE_EXPECTANCY = 120.0

#: The solver searches the index k in |k| * max|b(x)| <= this bound, that is,
#: it moves the rate of the age where the pattern is largest by a factor of
#: at most e**20 (about 5e8) up or down. A target outside the life
#: expectancies reached within the bound is reported as unreachable.
_MAX_LOG_CHANGE = 20.0

#: For a pattern with values of both signs, e0 may not be monotone in k; the
#: search interval is then sampled at bound * 2**-j, j = 0..6, on both sides.
_MIXED_SIGN_HALVINGS = 6

#: Step of the finite difference that estimates de0/dk at k = 0, in the same
#: units as _MAX_LOG_CHANGE.
_SLOPE_STEP = 1e-3

#: When a schedule has more targets than this, k is solved exactly at this
#: many Chebyshev-Lobatto levels of e0 spanning its targets and interpolated
#: in between; every interpolated k is then checked on the life table.
_INTERPOLATION_LEVELS = 12

#: The levels are solved to this fraction of the tolerance.
_LEVEL_TOLERANCE_FACTOR = 0.01

#: Largest number of steps of the safeguarded secant method. A secant step
#: that does not halve the residual is followed by a bisection, so the
#: bracket keeps shrinking; a smooth e0(k) needs 4 to 8 steps.
_MAX_ITERATIONS = 100

#: Allowed tolerances [years] on e0: from the rounding error of a life table
#: to the accuracy the scenario language promises.
_TOLERANCE_RANGE = (1e-10, 1e-3)

# --------------------------------------------------------------------------
# Input checks


def _check_tolerance(tolerance) -> float:
    low, high = _TOLERANCE_RANGE
    tolerance = float(tolerance)
    if not low <= tolerance <= high:
        raise InputError(
            "argument 'tolerance'",
            f"{tolerance:g}",
            f"a tolerance from {low:g} to {high:g} years",
            "use the default 1e-4 years",
        )
    return tolerance


def _check_age_pattern(age_pattern, n_ages: int) -> np.ndarray:
    pattern = np.asarray(age_pattern, dtype=float)
    if pattern.ndim == 0 or pattern.shape[-1] != n_ages:
        raise InputError(
            "argument 'age_pattern'",
            f"an array of shape {pattern.shape}",
            f"{n_ages} values on the last axis, one per age group of 'mortality_rate'",
            "give b(x) for the same ages as the rates, for example load_lee_carter().age_pattern",
        )
    not_finite = ~np.isfinite(pattern)
    if not_finite.any():
        raise InputError(
            "argument 'age_pattern'",
            f"{pattern[not_finite][0]} at index {first_index(not_finite)}",
            "finite values [dimensionless]",
            "fill the pattern at every age",
        )
    flat = ~np.any(pattern != 0, axis=-1)
    if flat.any():
        at = f" at leading index {first_index(flat)}" if flat.ndim else ""
        raise InputError(
            "argument 'age_pattern'",
            f"zero at every age{at}",
            "a pattern that is nonzero at one age at least",
            "give the pattern along which log mortality moves, for example load_lee_carter().age_pattern",
        )
    return pattern


def _check_target(target_e0) -> np.ndarray:
    target = np.asarray(target_e0, dtype=float)
    outside = ~(np.isfinite(target) & (target > 0) & (target <= MAX_LIFE_EXPECTANCY))
    if outside.any():
        at = f" at index {first_index(outside)}" if target.ndim else ""
        raise InputError(
            "argument 'target_e0'",
            f"{target[outside][0] if target.ndim else float(target):g} years{at}",
            f"a life expectancy at birth above 0 and at most {MAX_LIFE_EXPECTANCY:g} years",
            "give the target in years, for example 86.7",
        )
    return target


def _leading_shapes(**shapes: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Broadcast leading shapes of the schedules (all but target_e0) and of everything."""
    try:
        full = np.broadcast_shapes(*shapes.values())
    except ValueError:
        names = [f"'{name}'" for name in shapes]
        raise InputError(
            f"arguments {', '.join(names[:-1])} and {names[-1]}",
            "leading shapes " + ", ".join(f"{name} {shape}" for name, shape in shapes.items()),
            "leading shapes that broadcast together",
            "insert length-1 axes where an input does not vary",
        ) from None
    return np.broadcast_shapes(*(shape for name, shape in shapes.items() if name != "target_e0")), full


# --------------------------------------------------------------------------
# Solver


@dataclass
class _Schedules:
    """Flat base schedules, rates and pattern (n, n_ages) and sex labels (n,),
    with e0 on a grid of indices from -bound to bound (n, n_grid), k = 0 in column ``centre``."""

    rates: np.ndarray
    pattern: np.ndarray
    sex: np.ndarray
    grid_k: np.ndarray
    grid_e0: np.ndarray
    centre: int
    rules: dict

    def e0(self, index: np.ndarray, mortality_index: np.ndarray) -> np.ndarray:
        """e0 [years] of the schedules ``index`` moved by ``mortality_index``."""
        shifted = self.rates[index] * np.exp(mortality_index[:, None] * self.pattern[index])
        return life_expectancy_at_birth(shifted, self.sex[index], **self.rules)

    def bracket(self, index: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, ...]:
        """The two grid indices around the root of e0 = level nearest to k = 0, with their residuals.

        On each side of k = 0 the first grid point whose residual differs in
        sign from the residual at k = 0 closes a bracket with the point before
        it; the side whose bracket is nearer to 0 wins.
        """
        k, residual = self.grid_k[index], self.grid_e0[index] - level[:, None]
        crossed = np.sign(residual) != np.sign(residual[:, self.centre : self.centre + 1])
        above, below = crossed[:, self.centre + 1 :], crossed[:, self.centre - 1 :: -1]
        upper = self.centre + 1 + above.argmax(axis=1)
        lower = self.centre - 1 - below.argmax(axis=1)
        rows = np.arange(level.size)
        use_upper = above.any(axis=1) & (~below.any(axis=1) | (k[rows, upper] <= -k[rows, lower]))
        outer = np.where(use_upper, upper, lower)
        inner = np.where(use_upper, upper - 1, lower + 1)
        return k[rows, inner], residual[rows, inner], k[rows, outer], residual[rows, outer]


@dataclass
class _Bracket:
    """Per problem: the index k with residual f = e0(k) - level, a slope, and a bracket of the root."""

    k: np.ndarray
    f: np.ndarray
    slope: np.ndarray
    low: np.ndarray
    f_low: np.ndarray
    high: np.ndarray
    f_high: np.ndarray

    def absorb(self, rows, k, f) -> None:
        """Make (k, f) the current point; if it lies inside the bracket, it replaces the end of its sign."""
        low, high = self.low[rows], self.high[rows]
        inside = (k - low) * (k - high) < 0
        to_low = inside & (np.sign(f) == np.sign(self.f_low[rows]))
        to_high = inside & ~to_low
        self.low[rows], self.f_low[rows] = np.where(to_low, k, low), np.where(to_low, f, self.f_low[rows])
        self.high[rows], self.f_high[rows] = np.where(to_high, k, high), np.where(to_high, f, self.f_high[rows])
        self.k[rows], self.f[rows] = k, f


def _secant(schedules: _Schedules, schedule_of: np.ndarray, level: np.ndarray, state: _Bracket,
            tolerance: float) -> np.ndarray:
    """Solve e0(k) = level for every problem by a safeguarded secant method.

    A secant step that leaves the bracket, or follows a secant step that did
    not halve the residual, is replaced by bisection; only the problems not
    yet within ``tolerance`` are evaluated.
    """
    bisect_next = np.zeros(level.shape, dtype=bool)
    for _ in range(_MAX_ITERATIONS):
        rows = np.flatnonzero(np.abs(state.f) >= tolerance)
        if rows.size == 0:
            return state.k
        k, f = state.k[rows], state.f[rows]
        low = np.minimum(state.low[rows], state.high[rows])
        high = np.maximum(state.low[rows], state.high[rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = k - f / state.slope[rows]
        secant = np.isfinite(step) & (step > low) & (step < high) & ~bisect_next[rows]
        k_new = np.where(secant, step, 0.5 * (low + high))
        f_new = schedules.e0(schedule_of[rows], k_new) - level[rows]
        moved = (k_new != k) & (f_new != f)
        state.slope[rows] = np.divide(f_new - f, k_new - k, out=state.slope[rows], where=moved)
        bisect_next[rows] = secant & (np.abs(f_new) > 0.5 * np.abs(f))
        state.absorb(rows, k_new, f_new)
    raise RuntimeError(
        f"the e0 solver did not converge within {_MAX_ITERATIONS} iterations; please report this "
        "with the rates, pattern and targets that caused it"
    )


def _chebyshev_levels(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Chebyshev-Lobatto points from ``high`` down to ``low`` (both included), per row."""
    cosines = np.cos(np.pi * np.arange(_INTERPOLATION_LEVELS) / (_INTERPOLATION_LEVELS - 1))
    levels = 0.5 * (high + low)[:, None] + 0.5 * (high - low)[:, None] * cosines
    levels[:, 0], levels[:, -1] = high, low
    return levels


def _barycentric(levels: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Polynomial through (levels, values) of each row at the points ``at`` of that row.

    Barycentric formula for Chebyshev-Lobatto points (Berrut and Trefethen
    2004, SIAM Review 46(3): 501-517, https://doi.org/10.1137/S0036144502417715).
    """
    weights = (-1.0) ** np.arange(_INTERPOLATION_LEVELS)
    weights[[0, -1]] *= 0.5
    difference = at[:, :, None] - levels[:, None, :]
    exact = difference == 0
    at_level = exact.any(-1)
    terms = weights / np.where(exact, 1.0, difference)
    interpolated = np.divide((terms * values[:, None, :]).sum(-1), terms.sum(-1),
                             out=np.zeros(at.shape), where=~at_level)
    return np.where(at_level, np.take_along_axis(values, exact.argmax(-1), axis=-1), interpolated)


def _group(array: np.ndarray, order: list[int], n_schedules: int) -> np.ndarray:
    """Axes ``order`` first, as (schedule, target of the schedule)."""
    return array.transpose(order).reshape(n_schedules, -1)


def _ungroup(grouped: np.ndarray, order: list[int], shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`_group`; trailing axes after the first two are kept last."""
    extra = grouped.shape[2:]
    arranged = grouped.reshape([shape[i] for i in order] + list(extra))
    return arranged.transpose([*np.argsort(order), *range(len(order), len(order) + len(extra))])


def _check_reachable(target, reach_min, reach_max, shape) -> None:
    unreachable = (target < reach_min) | (target > reach_max)
    if not unreachable.any():
        return
    index = np.unravel_index(int(np.flatnonzero(np.broadcast_to(unreachable, shape))[0]), shape)
    value, low, high = (float(np.broadcast_to(a, shape)[index]) for a in (target, reach_min, reach_max))
    high = min(high, MAX_LIFE_EXPECTANCY)
    raise InputError(
        "argument 'target_e0'",
        f"{value:g} years at index {tuple(int(i) for i in index)}",
        f"a life expectancy at birth from {low:.3f} to {high:.3f} years, the range that "
        f"mortality_rate * exp(k * age_pattern) reaches for |k * age_pattern| <= {_MAX_LOG_CHANGE:g}",
        "choose a reachable target, or a pattern that moves mortality at the ages that limit e0",
    )


def reachable_e0(mortality_rate, age_pattern, sex, *, age_width=1,
                 separation: SeparationRule = "midpoint") -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest life expectancy at birth the solver can reach [years].

    They are the extremes of e0 over the search interval of :func:`solve`
    (``|k * age_pattern| <= 20``), computed as :func:`solve` computes them
    before it refuses a target outside, so that a scenario can be checked
    when it loads. ``age_width`` and ``separation`` are those of the life
    table (:func:`projsim.demography.lifetable.life_table`).

    Examples
    --------
    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> low, high = reachable_e0(rates, np.full(101, 1 / 101), "female")
    >>> bool(low < 40 < 90 < high)
    True
    """
    rates = np.asarray(mortality_rate, dtype=float)
    pattern = np.broadcast_to(np.asarray(age_pattern, dtype=float), rates.shape)
    grid_k = _index_grid(pattern)[0]
    grid_e0 = np.stack([life_expectancy_at_birth(rates * np.exp(grid_k[..., j, None] * pattern),
                                                 sex, age_width=age_width, separation=separation)
                        for j in range(grid_k.shape[-1])], axis=-1)
    return grid_e0.min(axis=-1), np.minimum(grid_e0.max(axis=-1), MAX_LIFE_EXPECTANCY)


def _index_grid(pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices k [dimensionless] at which e0 is tabulated before solving, and the slope step.

    For a pattern of one sign, e0 is monotone in k and the two ends of the
    search interval suffice; otherwise the interval is sampled at
    bound * (+-2**-j, j = 0..6) to find the crossing nearest to k = 0.
    """
    largest = np.abs(pattern).max(axis=-1)
    one_sign = np.all((pattern >= 0) | np.all(pattern <= 0, axis=-1, keepdims=True))
    fractions = 2.0 ** -np.arange(0 if one_sign else _MIXED_SIGN_HALVINGS, -1, -1)
    grid = np.concatenate([-fractions[::-1], [0.0], fractions])
    return (_MAX_LOG_CHANGE / largest)[..., None] * grid, _SLOPE_STEP / largest


def solve(mortality_rate, age_pattern, target_e0, sex, tolerance, *, age_width=1,
          separation: SeparationRule = "midpoint") -> tuple[np.ndarray, np.ndarray]:
    """Mortality index k (...) and moved rates (..., n_ages) for every target.

    The arguments are those of :func:`projsim.demography.mortality.shift_to_e0`,
    checked here, each problem raised as an InputError.
    """
    rules = {"age_width": age_width, "separation": separation}
    tolerance = _check_tolerance(tolerance)
    rates = np.asarray(mortality_rate, dtype=float)
    if rates.ndim == 0:
        raise InputError("argument 'mortality_rate'", "a scalar", "an array with age on the last axis",
                         "pass one rate per age group")
    n_ages = rates.shape[-1]
    pattern = _check_age_pattern(age_pattern, n_ages)
    target = _check_target(target_e0)
    labels = np.asarray(sex)
    schedule_shape, shape = _leading_shapes(
        mortality_rate=rates.shape[:-1], age_pattern=pattern.shape[:-1], sex=labels.shape, target_e0=target.shape
    )

    # Per schedule: e0 at k = 0 (its life table validates the rates and the sex
    # labels), on the grid of the search interval, and a step away for the slope.
    base = np.broadcast_to(rates, schedule_shape + (n_ages,))
    pattern = np.broadcast_to(pattern, schedule_shape + (n_ages,))
    labels = np.broadcast_to(labels, schedule_shape)
    base_e0 = life_expectancy_at_birth(base, labels, **rules)
    grid_k, step = _index_grid(pattern)
    centre = grid_k.shape[-1] // 2
    grid_e0 = np.stack(
        [life_expectancy_at_birth(base * np.exp(grid_k[..., j, None] * pattern), labels, **rules)
         if j != centre else base_e0 for j in range(grid_k.shape[-1])], axis=-1,
    )
    _check_reachable(target, grid_e0.min(axis=-1), grid_e0.max(axis=-1), shape)
    slope = (life_expectancy_at_birth(base * np.exp(step[..., None] * pattern), labels, **rules)
             - base_e0) / step

    # Group the targets by schedule: the axes along which only the target varies go last.
    padded = (1,) * (len(shape) - len(schedule_shape)) + schedule_shape
    target_axes = [i for i, (s, n) in enumerate(zip(padded, shape)) if s == 1 and n > 1]
    order = [i for i in range(len(shape)) if i not in target_axes] + target_axes
    n_schedules = prod(schedule_shape)
    targets = _group(np.broadcast_to(target, shape), order, n_schedules)
    n_grid = grid_k.shape[-1]
    schedules = _Schedules(base.reshape(-1, n_ages), pattern.reshape(-1, n_ages), labels.reshape(-1),
                           grid_k.reshape(-1, n_grid), grid_e0.reshape(-1, n_grid), centre, rules)
    base_e0, slope = base_e0.reshape(-1), slope.reshape(-1)

    def secant(schedule_of, level, k, f, tolerance):
        state = _Bracket(k, f, slope[schedule_of], *schedules.bracket(schedule_of, level))
        state.absorb(np.arange(level.size), k, f)
        return _secant(schedules, schedule_of, level, state, tolerance)

    # Solve at the targets themselves, or at a few levels spanning each
    # schedule's targets; these are solved more tightly, so that the
    # interpolated index misses the tolerance only by interpolation error.
    n_targets = targets.shape[1]
    interpolate = n_targets > _INTERPOLATION_LEVELS
    levels = _chebyshev_levels(targets.min(1), targets.max(1)) if interpolate else targets
    schedule_of = np.repeat(np.arange(n_schedules), levels.shape[1])
    flat = levels.reshape(-1)
    level_tolerance = max(_LEVEL_TOLERANCE_FACTOR * tolerance, _TOLERANCE_RANGE[0]) if interpolate else tolerance
    solved = secant(schedule_of, flat, np.zeros(flat.size), base_e0[schedule_of] - flat, level_tolerance)
    solved = solved.reshape(levels.shape)
    k = _barycentric(levels, solved, targets) if interpolate else solved

    def move(k):
        return schedules.rates[:, None, :] * np.exp(k[..., None] * schedules.pattern[:, None, :])

    moved = move(k)
    if interpolate:
        # Check every interpolated index on its life table and finish those that miss.
        residual = life_expectancy_at_birth(moved, schedules.sex[:, None], **rules) - targets
        missed = np.flatnonzero(np.abs(residual) >= tolerance)
        if missed.size:
            schedule_of = missed // n_targets
            level = targets.reshape(-1)[missed]
            start = k.reshape(-1)[missed]
            k.reshape(-1)[missed] = secant(schedule_of, level, start, residual.reshape(-1)[missed], tolerance)
            moved = move(k)
    return _ungroup(k, order, shape), _ungroup(moved, order, shape)
