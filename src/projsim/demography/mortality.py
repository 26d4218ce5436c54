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
the open age group's rate is moved like every other rate. The solver's
brackets, secant steps and interpolation are in
:mod:`projsim.demography.e0_solver`.

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

import numpy as np

from projsim.demography.e0_solver import MAX_LIFE_EXPECTANCY, solve
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.errors import InputError, first_index
from projsim.types import SeparationRule

__all__ = [
    "MAX_LIFE_EXPECTANCY", "mortality_index_for_e0", "refine_mortality_index",
    "regional_rates_for_e0", "shift_to_e0",
]


def mortality_index_for_e0(mortality_rate, age_pattern, target_e0, sex, *, tolerance=1e-4,
                           age_width=1, separation: SeparationRule = "midpoint") -> np.ndarray:
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
    return solve(mortality_rate, age_pattern, target_e0, sex, tolerance, age_width=age_width,
                 separation=separation)[0]


def shift_to_e0(mortality_rate, age_pattern, target_e0, sex, *, tolerance=1e-4, age_width=1,
                separation: SeparationRule = "midpoint") -> np.ndarray:
    """Move log death rates along an age pattern until life expectancy hits a target.

    Returns :math:`m(x) = m_0(x)\\, e^{k\\, b(x)}`, where the mortality index
    :math:`k` is solved, separately for each combination of the leading
    dimensions, so that the life expectancy at birth of :math:`m` equals the
    target :math:`e_0^{*}` to within ``tolerance`` years. With :math:`b(x)`
    of a Lee-Carter model [1]_ this is the model's index re-estimated to
    match life expectancy, as in Lee and Miller [2]_, jumping off from the
    observed rates :math:`m_0`.

    Life expectancy is that of :func:`projsim.demography.lifetable.life_expectancy_at_birth`
    (HMD conventions by default; ``age_width`` and ``separation`` as there,
    such as an abridged table by Greville's rule); the open age group's rate
    is moved like the others.

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
    age_width : int, float or array_like, default 1
        Widths of the age groups of the rates [years], as in
        :func:`~projsim.demography.lifetable.life_table`: ``[1, 4, 5, ...,
        np.inf]`` for abridged rates.
    separation : {"midpoint", "greville", "constant-force"}, default "midpoint"
        The separation rule of the life table (:data:`projsim.types.SeparationRule`).

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
    return np.ascontiguousarray(solve(mortality_rate, age_pattern, target_e0, sex, tolerance,
                                      age_width=age_width, separation=separation)[1])


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
                           tolerance=1e-4, iterations=12, age_width=1,
                           separation: SeparationRule = "midpoint") -> np.ndarray:
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
    age_width, separation
        The life table's, as in :func:`shift_to_e0`.

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

    rules = {"age_width": age_width, "separation": separation}

    def miss(k):
        return life_expectancy_at_birth(rates * np.exp(k[..., None] * pattern), sex,
                                        **rules) - target

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
            np.broadcast_to(np.asarray(sex), k.shape)[unfinished], tolerance=tolerance, **rules)
    return k
