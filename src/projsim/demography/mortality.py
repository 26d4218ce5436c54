"""Mortality assumptions: a life expectancy path reached along an age pattern of change.

A mortality scenario states life expectancy at birth :math:`e_0` by year and
sex. Each year's death rates are the base rates with their logarithm moved
along an age pattern of change :math:`b(x)`,

.. math:: m(x) = m_0(x)\\, e^{k\\, b(x)},

with the mortality index :math:`k` chosen so that the life table of
:math:`m` has exactly the target :math:`e_0`. This is the Lee-Carter model
[1]_ with its index re-estimated to match life expectancy, as Lee and Miller
[2]_ do, and with the observed base rates as the jump-off. The pattern
:math:`b(x)` shipped with projsim is estimated from the Belgian death rates
of 1970-2011 (:func:`projsim.io.load_lee_carter`). For several regions one index per
year and sex moves every region (:func:`regional_rates_for_e0`), so the
regional differentials of the base are kept.

The functions are numpy kernels: any leading dimensions (time, region,
variant, sex, ...) are solved at once, without a Python loop over them. Life
tables are those of :func:`projsim.demography.lifetable.life_expectancy_at_birth`, so
the open age group's rate is moved like every other rate.

References
----------
.. [1] Lee, R. D. and Carter, L. R. (1992). Modeling and forecasting U.S.
   mortality. *Journal of the American Statistical Association* 87(419):
   659-671. https://doi.org/10.1080/01621459.1992.10475265
.. [2] Lee, R. and Miller, T. (2001). Evaluating the performance of the
   Lee-Carter method for forecasting mortality. *Demography* 38(4): 537-549.
   https://doi.org/10.1353/dem.2001.0036

Examples
--------
Belgian female rates of around 2011 moved to a life expectancy of 89.1 years:

>>> from projsim.io import load_base, load_lee_carter
>>> base = load_base("belgium-2012")
>>> model = load_lee_carter()
>>> female = base.mortality_rate[1, 0]  # Flemish Region, female
>>> rates = shift_to_e0(female, model.age_pattern[0], 89.1, "female")
>>> print(f"{life_expectancy_at_birth(rates, 'female'):.3f}")
89.100
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.errors import InputError, first_index

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

    def e0(self, index: np.ndarray, mortality_index: np.ndarray) -> np.ndarray:
        """e0 [years] of the schedules ``index`` moved by ``mortality_index``."""
        shifted = self.rates[index] * np.exp(mortality_index[:, None] * self.pattern[index])
        return life_expectancy_at_birth(shifted, self.sex[index])

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


def _solve(mortality_rate, age_pattern, target_e0, sex, tolerance) -> tuple[np.ndarray, np.ndarray]:
    """Mortality index k (...) and moved rates (..., n_ages) for every target."""
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
    base_e0 = life_expectancy_at_birth(base, labels)
    grid_k, step = _index_grid(pattern)
    centre = grid_k.shape[-1] // 2
    grid_e0 = np.stack(
        [life_expectancy_at_birth(base * np.exp(grid_k[..., j, None] * pattern), labels) if j != centre else base_e0
         for j in range(grid_k.shape[-1])], axis=-1,
    )
    _check_reachable(target, grid_e0.min(axis=-1), grid_e0.max(axis=-1), shape)
    slope = (life_expectancy_at_birth(base * np.exp(step[..., None] * pattern), labels) - base_e0) / step

    # Group the targets by schedule: the axes along which only the target varies go last.
    padded = (1,) * (len(shape) - len(schedule_shape)) + schedule_shape
    target_axes = [i for i, (s, n) in enumerate(zip(padded, shape)) if s == 1 and n > 1]
    order = [i for i in range(len(shape)) if i not in target_axes] + target_axes
    n_schedules = prod(schedule_shape)
    targets = _group(np.broadcast_to(target, shape), order, n_schedules)
    n_grid = grid_k.shape[-1]
    schedules = _Schedules(base.reshape(-1, n_ages), pattern.reshape(-1, n_ages), labels.reshape(-1),
                           grid_k.reshape(-1, n_grid), grid_e0.reshape(-1, n_grid), centre)
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
        residual = life_expectancy_at_birth(moved, schedules.sex[:, None]) - targets
        missed = np.flatnonzero(np.abs(residual) >= tolerance)
        if missed.size:
            schedule_of = missed // n_targets
            level = targets.reshape(-1)[missed]
            start = k.reshape(-1)[missed]
            k.reshape(-1)[missed] = secant(schedule_of, level, start, residual.reshape(-1)[missed], tolerance)
            moved = move(k)
    return _ungroup(k, order, shape), _ungroup(moved, order, shape)


# --------------------------------------------------------------------------
# Public solvers


def mortality_index_for_e0(mortality_rate, age_pattern, target_e0, sex, *, tolerance=1e-4) -> np.ndarray:
    """Mortality index :math:`k` that moves death rates to a target life expectancy.

    Solves :math:`e_0\\big(m_0(x)\\, e^{k\\, b(x)}\\big) = e_0^{*}` for
    :math:`k`, for every combination of the leading dimensions at once; see
    :func:`shift_to_e0` for the method and the arguments.

    Returns
    -------
    numpy.ndarray, shape (...)
        The index :math:`k` [dimensionless] of every target, on the leading
        dimensions of the inputs broadcast together.

    Examples
    --------
    Rates that double every ten years of age, moved uniformly (b = 1/101 at
    every age) to a life expectancy one year higher:

    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> base_e0 = life_expectancy_at_birth(rates, "female")
    >>> k = mortality_index_for_e0(rates, np.full(101, 1 / 101), base_e0 + 1, "female")
    >>> print(f"k = {k:.2f}: every rate times {np.exp(k / 101):.4f}")
    k = -6.04: every rate times 0.9419
    """
    return _solve(mortality_rate, age_pattern, target_e0, sex, tolerance)[0]


def shift_to_e0(mortality_rate, age_pattern, target_e0, sex, *, tolerance=1e-4) -> np.ndarray:
    """Move log death rates along an age pattern until life expectancy hits a target.

    Returns :math:`m(x) = m_0(x)\\, e^{k\\, b(x)}`, where the mortality index
    :math:`k` is solved, separately for each combination of the leading
    dimensions, so that the life expectancy at birth of :math:`m` equals the
    target :math:`e_0^{*}` to within ``tolerance`` years. With :math:`b(x)`
    of a Lee-Carter model [1]_ this is the model's index re-estimated to
    match life expectancy, as in Lee and Miller [2]_, jumping off from the
    observed rates :math:`m_0`.

    Life expectancy is that of :func:`projsim.demography.lifetable.life_expectancy_at_birth`
    (HMD conventions); the open age group's rate is moved like the others.

    **Solver.** :math:`k` is searched in :math:`|k| \\max_x |b(x)| \\le 20`,
    so that no rate changes by more than a factor :math:`e^{20}`. A target
    outside the life expectancies at the two ends of that interval raises an
    error. Otherwise a safeguarded secant method starts from :math:`k = 0`
    with the slope :math:`de_0/dk` there and keeps a bracket of the root: a
    step that leaves the bracket, or that follows a step that did not halve
    the residual, is a bisection. It stops when every :math:`|e_0 - e_0^*|`
    is below ``tolerance``, after at most 100 steps. When a schedule (a
    combination of ``mortality_rate``, ``age_pattern`` and ``sex``) has more
    than 12 targets, :math:`k` is solved at 12 Chebyshev-Lobatto levels of
    :math:`e_0` between its lowest and highest target and interpolated as a
    polynomial in :math:`e_0`; each interpolated :math:`k` is then checked on
    its life table and any that misses is finished by the same secant
    method. This makes a path of many years cost about one life table per
    target.

    **Sign of the pattern.** With :math:`b(x) \\ge 0` at every age, :math:`e_0`
    decreases strictly with :math:`k` and the root is unique. If some
    :math:`b(x)` are negative, the rates at those ages move the other way;
    :math:`e_0(k)` is then usually still monotone (the Belgian pattern has
    no negative value), and if it is not, the solver returns a root inside
    the bracket, not necessarily the one closest to :math:`k = 0`.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_ages)
        Base central death rates :math:`m_0(x)` [per person-year], single
        ages 0, 1, ... on the last axis, the last one open, with a positive
        rate in the open group.
    age_pattern : array_like, shape (..., n_ages)
        Age pattern of change :math:`b(x)` [dimensionless], for example
        :attr:`LeeCarter.age_pattern`; its scale only sets the scale of
        :math:`k`. Nonzero at one age at least.
    target_e0 : array_like, shape (...)
        Target life expectancy at birth :math:`e_0^*` [years], above 0 and at
        most 120.
    sex : str or array_like of str
        ``"female"`` or ``"male"`` (``projsim.types.SEXES``), or an array of
        those labels; it chooses the infant separation factor of the life
        table.
    tolerance : float, default 1e-4
        Largest accepted :math:`|e_0 - e_0^*|` [years], from 1e-10 to 1e-3.

    The leading dimensions of ``mortality_rate``, ``age_pattern``,
    ``target_e0`` and ``sex`` are broadcast together, with numpy's rules.

    Returns
    -------
    numpy.ndarray, shape (..., n_ages)
        Death rates [per person-year] with the target life expectancies.

    Raises
    ------
    projsim.errors.InputError
        If a rate is negative or not finite, or the open-group rate is 0; if
        the pattern has the wrong length, a non-finite value or no nonzero
        value; if a target is not in (0, 120] or cannot be reached; if the
        leading shapes do not broadcast; if a sex label is unknown; or if the
        tolerance is outside [1e-10, 1e-3].

    See Also
    --------
    mortality_index_for_e0 : the index :math:`k` alone.
    regional_rates_for_e0 : one index for several regions.

    References
    ----------
    .. [1] Lee, R. D. and Carter, L. R. (1992). Modeling and forecasting U.S.
       mortality. *Journal of the American Statistical Association* 87(419):
       659-671. https://doi.org/10.1080/01621459.1992.10475265
    .. [2] Lee, R. and Miller, T. (2001). Evaluating the performance of the
       Lee-Carter method for forecasting mortality. *Demography* 38(4):
       537-549. https://doi.org/10.1353/dem.2001.0036

    Examples
    --------
    Both sexes and a path of three years at once:

    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10) * np.array([[1.0], [1.6]])
    >>> pattern = np.full(101, 1 / 101)
    >>> targets = np.array([[87.5, 83.0], [88.0, 84.0], [88.5, 85.0]])  # (time, sex)
    >>> moved = shift_to_e0(rates, pattern, targets, ["female", "male"])
    >>> moved.shape
    (3, 2, 101)
    >>> print(np.round(life_expectancy_at_birth(moved, ["female", "male"]), 3))
    [[87.5 83. ]
     [88.  84. ]
     [88.5 85. ]]
    """
    return np.ascontiguousarray(_solve(mortality_rate, age_pattern, target_e0, sex, tolerance)[1])


def _check_rates(regional_rates) -> np.ndarray:
    rates = np.asarray(regional_rates, dtype=float)
    if rates.ndim < 3:
        raise InputError(
            "argument 'regional_rates'",
            f"an array of shape {rates.shape}",
            "an array with axes (..., region, sex, age)",
            "add the region and sex axes, with length 1 if there is one region",
        )
    bad = ~(np.isfinite(rates) & (rates >= 0))
    if bad.any():
        raise InputError(
            "argument 'regional_rates'",
            f"{rates[bad][0]} at index {first_index(bad)}",
            "finite central death rates >= 0 [per person-year]",
            "check the base rates of every region",
        )
    return rates


def _check_weights(weights, rates_shape: tuple[int, ...]) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    try:
        weights = np.broadcast_to(weights, np.broadcast_shapes(weights.shape, rates_shape))
    except ValueError:
        weights = None
    if weights is None or weights.shape[-3:] != rates_shape[-3:]:
        raise InputError(
            "argument 'weights'",
            f"an array of shape {np.shape(weights)}",
            f"an array that broadcasts against 'regional_rates' of shape {rates_shape}",
            "give one weight per region, sex and age, for example the base population",
        )
    bad = ~(np.isfinite(weights) & (weights >= 0))
    if bad.any():
        raise InputError(
            "argument 'weights'",
            f"{weights[bad][0]} at index {first_index(bad)}",
            "finite weights >= 0 [persons or person-years]",
            "give populations or exposures",
        )
    empty = weights.sum(axis=-3) == 0
    if empty.any():
        raise InputError(
            "argument 'weights'",
            f"a total of 0 over the regions at index {first_index(empty)} of (..., sex, age)",
            "a positive total weight over the regions at every sex and age",
            "pool the weights of the oldest ages, for example "
            "weights[..., 100:] = weights[..., 100:].sum(axis=-1, keepdims=True)",
        )
    return weights


def regional_rates_for_e0(regional_rates, weights, age_pattern, target_e0, sex, *, tolerance=1e-4) -> np.ndarray:
    """Move the rates of several regions by one index so that national e0 hits a target.

    The national schedule is the weighted mean of the regional base rates,

    .. math:: m_0(x) = \\frac{\\sum_r w_r(x)\\, m_{0,r}(x)}{\\sum_r w_r(x)},

    separately for each sex (and each combination of the leading dimensions).
    With exposures [person-years] as weights :math:`w`, :math:`m_0` is the
    national death rate, deaths over exposure; the population on 1 January
    is the usual proxy. For each time and sex, :func:`mortality_index_for_e0`
    solves the index :math:`k` that gives the national schedule the target
    :math:`e_0^*`, and the same shift moves every region:

    .. math:: m_r(x, t) = m_{0,r}(x)\\, e^{k(t)\\, b(x)}.

    So the regional log-differentials :math:`\\ln m_r(x, t) - \\ln m(x, t)`
    keep their base values, and the weighted mean of the moved regional
    rates with the same weights is exactly the moved national schedule, whose
    :math:`e_0` is the target. The weights stay those of the base: the
    national :math:`e_0` of a projection, whose deaths and exposures follow
    its changing regional age structure, can drift slightly from the target.

    Parameters
    ----------
    regional_rates : array_like, shape (..., region, sex, age)
        Base central death rates [per person-year] of each region; single
        ages on the last axis, the last one open.
    weights : array_like, broadcasting to ``regional_rates``
        Weights [persons or person-years] of the regions by sex and age,
        :math:`\\ge 0`, with a positive total over the regions at every sex
        and age (pool the oldest ages if some single ages have nobody).
    age_pattern : array_like, shape (..., sex, age) or (age,)
        Age pattern of change :math:`b(x)` [dimensionless], for example
        :attr:`LeeCarter.age_pattern`.
    target_e0 : array_like, shape (..., time, sex)
        National life expectancy at birth [years] to reach in each year.
    sex : array_like of str, shape (sex,)
        The labels of the sex axis, for example ``projsim.types.SEXES``.
    tolerance : float, default 1e-4
        Largest accepted error on the national :math:`e_0` [years].

    The leading dimensions ``...`` (for example variants) of every argument
    are broadcast together.

    Returns
    -------
    numpy.ndarray, shape (..., time, region, sex, age)
        Death rates [per person-year] of every region in every year.

    Raises
    ------
    projsim.errors.InputError
        If the regional rates are not (..., region, sex, age) or have a
        negative or non-finite value; if a weight is negative or not finite,
        or the weights of a sex and age sum to 0; and for the reasons listed
        in :func:`shift_to_e0`.

    Examples
    --------
    Two regions, one 20% above the other at every age, on their way to a
    national e0 of 85 and 86 years:

    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10) * np.array([1.0, 1.2])[:, None, None]
    >>> weights = np.array([3.0, 1.0])[:, None, None]  # (region, sex, age)
    >>> pattern = np.full(101, 1 / 101)
    >>> moved = regional_rates_for_e0(rates, weights, pattern, [[85.0], [86.0]], ["female"])
    >>> moved.shape  # (time, region, sex, age)
    (2, 2, 1, 101)
    >>> print(np.round(moved[:, 1] / moved[:, 0], 12).min(), np.round(moved[:, 1] / moved[:, 0], 12).max())
    1.2 1.2
    >>> national = (weights * moved).sum(axis=1) / weights.sum()
    >>> print(np.round(life_expectancy_at_birth(national, "female")[:, 0], 4))
    [85. 86.]
    """
    rates = _check_rates(regional_rates)
    weights = _check_weights(weights, rates.shape)
    national = (weights * rates).sum(axis=-3) / weights.sum(axis=-3)
    pattern = np.asarray(age_pattern, dtype=float)
    per_sex = pattern.ndim >= 2
    k = mortality_index_for_e0(
        national[..., None, :, :],
        np.expand_dims(pattern, -3) if per_sex else pattern,
        target_e0,
        sex,
        tolerance=tolerance,
    )
    pattern = pattern[..., None, None, :, :] if per_sex else pattern
    return rates[..., None, :, :, :] * np.exp(k[..., :, None, :, None] * pattern)


def refine_mortality_index(mortality_rate, age_pattern, target_e0, sex, start, *,
                           tolerance=1e-4, iterations=12) -> np.ndarray:
    """Mortality index for a target, by secant steps from a nearby index.

    For schedules that moved only a little since an index was solved (for
    example the national schedule of a projection reweighted by its own
    population), a few secant steps from the old index cost far less than
    :func:`mortality_index_for_e0`'s search. Targets that do not converge
    within ``iterations`` steps are solved from scratch.

    Parameters
    ----------
    mortality_rate, age_pattern, target_e0, sex
        As in :func:`mortality_index_for_e0`, already validated.
    start : array_like, shape (...)
        The index to start from [dimensionless], one per target.
    tolerance : float, default 1e-4
        Largest accepted error on :math:`e_0` [years].
    iterations : int, default 12
        Most secant steps before falling back.

    Returns
    -------
    numpy.ndarray, shape (...)
        The index :math:`k` [dimensionless] of every target.

    Examples
    --------
    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> pattern = np.full(101, 1 / 101)
    >>> k = mortality_index_for_e0(rates, pattern, 88.0, "female")
    >>> again = refine_mortality_index(rates * 1.01, pattern, 88.0, "female", k)
    >>> bool(abs(life_expectancy_at_birth(rates * 1.01 * np.exp(again * pattern), "female") - 88)
    ...      < 1e-4)
    True
    """
    rates, pattern = np.asarray(mortality_rate, dtype=float), np.asarray(age_pattern, dtype=float)
    target = np.asarray(target_e0, dtype=float)

    def miss(k):
        return life_expectancy_at_birth(rates * np.exp(k[..., None] * pattern), sex) - target

    k_old = np.asarray(start, dtype=float) + np.zeros(np.broadcast_shapes(
        rates.shape[:-1], pattern.shape[:-1], target.shape, np.shape(start)))
    f_old = miss(k_old)
    k = k_old + np.where(f_old > 0, 0.5, -0.5)
    for _ in range(iterations):
        f = miss(k)
        done = np.abs(f) < tolerance
        if done.all():
            return k
        change = np.where(done | (f == f_old), 0.0, -f * (k - k_old) / np.where(f == f_old, 1, f - f_old))
        k_old, f_old, k = k, f, k + change
    unfinished = ~(np.abs(miss(k)) < tolerance)
    if unfinished.any():
        k[unfinished] = mortality_index_for_e0(
            np.broadcast_to(rates, k.shape + rates.shape[-1:])[unfinished],
            np.broadcast_to(pattern, k.shape + pattern.shape[-1:])[unfinished],
            np.broadcast_to(target, k.shape)[unfinished],
            np.broadcast_to(np.asarray(sex), k.shape)[unfinished], tolerance=tolerance)
    return k
