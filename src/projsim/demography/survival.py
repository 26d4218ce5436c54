"""Projection survival ratios, from a life table or straight from death rates.

A cohort-component projection moves the persons of an age group into the
next with the ratio of the life table's person-years, in the UN labelling
(Preston, Heuveline and Guillot 2001, ch. 6). :func:`survival_ratios` reads
the ratios from a :class:`~projsim.demography.columns.LifeTable`;
:func:`survival_ratios_from_rates` computes them from central death rates
without the columns a projection does not need.

The table's age groups need not be as wide as the projection step: narrower
groups that fill a step's groups exactly are pooled first, so that an
abridged table (ages 0, 1-4, 5-9, ...) gives the ratios of a five-year step
on the groups 0-4, 5-9, ..., with births surviving to 0-4 with
:math:`(L_0 + {}_4L_1) / (5\\,l_0)`.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell.
"""

from __future__ import annotations

import numpy as np

from projsim.demography.checks import check_inputs, check_rules
from projsim.demography.columns import LifeTable, death_probabilities
from projsim.demography.separation import separation_factors
from projsim.errors import InputError
from projsim.types import InfantRule, SeparationRule


def survival_ratios(table: LifeTable, step_width=1) -> np.ndarray:
    """Projection survival ratios in the UN labelling.

    ``S[..., i]`` moves people *into* projection age group ``i`` over one
    step of ``n = step_width`` years; the projection's closed groups are
    ``n`` years wide:

    * :math:`S_0 = L_0 / (n\\,l_0)`: births of the step, to survivors in
      group 0;
    * :math:`S_i = L_i / L_{i-1}` for :math:`0 < i < \\omega`;
    * :math:`S_\\omega = T_\\omega / T_{\\omega-1}`: the last closed group
      and the open group, pooled, into the open group.

    The table's closed groups are either ``n`` years wide or narrower groups
    that fill the projection groups exactly; those are pooled, their
    person-years added. For an abridged table and a five-year step,
    :math:`L_{0-4} = L_0 + {}_4L_1`, so :math:`S_0 = L_{0-4} / (5\\,l_0)` and
    :math:`S_1 = {}_5L_5 / L_{0-4}`; the open group must start at a multiple
    of ``n``.

    The ratios are computed from the per-survivor person-years
    :math:`L_x / l_x` and :math:`1 - q_x`, which give the same values without
    dividing by :math:`l_x`, so that groups no one reaches in the life table
    (after a closed group with :math:`q_x = 1`) still get the survival of
    someone who is there.

    Parameters
    ----------
    table : LifeTable
        A table from :func:`~projsim.demography.lifetable.life_table` whose
        groups make up at least two projection groups.
    step_width : int or float, default 1
        Length of the projection step [years], the width of the projection's
        closed age groups.

    Returns
    -------
    numpy.ndarray, shape (..., n_projection_groups)
        Survival ratios [dimensionless], in [0, 1]: the shape of
        ``table.Lx`` when every closed group is ``step_width`` wide, one
        entry per projection group otherwise (20 groups 0-4, ..., 95-99 and
        100+ for an abridged table to 100+).

    Raises
    ------
    projsim.errors.InputError
        If ``table`` is not a ``LifeTable``, or if its groups do not make up
        at least one closed projection group and an open group starting at a
        multiple of ``step_width``.

    References
    ----------
    .. [1] Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography:
       Measuring and Modeling Population Processes*. Oxford: Blackwell,
       ch. 6.

    Examples
    --------
    >>> from projsim.demography import life_table
    >>> table = life_table([0.01, 0.02, 0.5], "female", age_width=5)
    >>> print(np.round(survival_ratios(table, step_width=5), 4))
    [0.9756 0.9286 0.2754]

    An abridged table 0, 1-4, 5-9, 10+ for a five-year step (0-4, 5-9, 10+):

    >>> table = life_table([0.004, 0.0002, 0.0001, 0.05], "male", age_width=[1, 4, 5, np.inf])
    >>> ratios = survival_ratios(table, step_width=5)
    >>> bool(np.isclose(ratios[0], (table.Lx[0] + table.Lx[1]) / (5 * table.lx[0])))
    True
    """
    if not isinstance(table, LifeTable):
        raise InputError(
            "argument 'table'",
            f"an object of type {type(table).__name__}",
            "a LifeTable",
            "build the table with projsim.demography.life_table",
        )
    first_groups = step_groups(table.age_width, step_width, "argument 'table'")
    return _projection_survival(table.mx, table.age_width, table.ax, table.qx, step_width,
                                first_groups)


def step_groups(widths: np.ndarray, step_width, where: str) -> np.ndarray | None:
    """The first table group of each projection group, None when they are the same.

    Raises an InputError naming ``where`` if the table's groups do not fill
    projection groups of ``step_width`` years exactly.
    """
    if widths.shape[0] >= 2 and np.all(widths[:-1] == step_width):
        return None
    starts = np.concatenate([[0.0], np.cumsum(widths[:-1])])
    steps = np.arange(0.0, starts[-1] + step_width / 2, step_width)
    fills = (widths.shape[0] >= 2 and starts[-1] % step_width == 0 and steps.size >= 2
             and np.isin(steps, starts).all())
    if not fills:
        shown = np.array2string(widths, threshold=8, separator=", ")
        raise InputError(
            where,
            f"age widths {shown} for a step of {step_width} years",
            f"closed age groups that fill projection groups of {step_width} years exactly, at "
            f"least one of them, and an open group from a multiple of {step_width} years",
            "build the table with age_width equal to the projection step, or abridged "
            "(1, 4, 5, ..., 5, np.inf) for a step of 5 years",
        )
    return np.searchsorted(starts, steps)


def _per_survivor(rates, widths, separation, death_probability):
    """Survival 1 - q and person-years per survivor L / l of each table group."""
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    survival = 1 - death_probability
    per_survivor = finite_widths * survival
    per_survivor += separation * death_probability
    per_survivor[..., -1] = 1 / rates[..., -1]
    return survival, per_survivor


def _pooled(survival, per_survivor, first_groups):
    """Survival and person-years per survivor of the projection groups.

    A projection group made of table groups j .. k-1 survives with
    ``prod (1 - q)`` and lives ``sum_h L_h / l_j``, each sub-group's
    per-survivor person-years weighted by the survival to its start. The loop
    runs over the position within a projection group (at most its width in
    single years), each pass vectorised over all groups.
    """
    sizes = np.diff(np.append(first_groups, survival.shape[-1]))
    pooled_survival = np.ones(survival.shape[:-1] + (first_groups.size,))
    pooled_per_survivor = np.zeros(pooled_survival.shape)
    for offset in range(int(sizes.max())):
        present = offset < sizes
        groups = first_groups[present] + offset
        pooled_per_survivor[..., present] += pooled_survival[..., present] * per_survivor[..., groups]
        pooled_survival[..., present] *= survival[..., groups]
    return pooled_survival, pooled_per_survivor


def _projection_survival(rates, widths, separation, death_probability, step_width,
                         first_groups=None):
    """Survival ratios in the UN labelling from the columns m, n, a and q."""
    survival, per_survivor = _per_survivor(rates, widths, separation, death_probability)
    if first_groups is not None:
        survival, per_survivor = _pooled(survival, per_survivor, first_groups)
    ratios = np.empty(per_survivor.shape)
    np.multiply(survival[..., :-1], per_survivor[..., 1:], out=ratios[..., 1:])
    ratios[..., 1:] /= per_survivor[..., :-1]
    ratios[..., 0] = per_survivor[..., 0] / step_width
    open_person_years = survival[..., -2] * per_survivor[..., -1]
    ratios[..., -1] = open_person_years / (per_survivor[..., -2] + open_person_years)
    return ratios


def survival_ratios_from_rates(mortality_rate, sex, *, step_width=1, age_width=None,
                               separation: SeparationRule = "midpoint",
                               infant: InfantRule = "andreev-kingkade",
                               open_groups: int = 0) -> np.ndarray:
    """Projection survival ratios straight from central death rates.

    The same numbers as ``survival_ratios(life_table(mortality_rate, sex,
    age_width=age_width, separation=separation, infant=infant), step_width)``,
    without building the columns a projection does not need (l, d, L, T, e);
    for turning many schedules into survival ratios at once.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], the last group open.
    sex : str or array_like of str
        As in :func:`~projsim.demography.lifetable.life_table`.
    step_width : int, default 1
        Projection step and width of the projection's age groups [years].
    age_width : int, float or array_like, optional
        Widths of the groups of ``mortality_rate`` [years], as in
        :func:`~projsim.demography.lifetable.life_table`; ``step_width`` by
        default. Narrower groups must fill the projection groups exactly,
        such as ``[1, 4, 5, ..., 5, np.inf]`` for a step of 5 years.
    separation : {"midpoint", "greville", "constant-force"}, default "midpoint"
        The rule of the separation factors (:data:`projsim.types.SeparationRule`);
        ``"greville"`` for five-year groups.
    infant : {"andreev-kingkade", "coale-demeny"}, default "andreev-kingkade"
        The rule of 1a0 (:data:`projsim.types.InfantRule`).
    open_groups : int, default 0
        Projection groups to open above the table's open group: that group is
        split into ``open_groups`` closed groups of ``step_width`` years and
        a later open group, at its own constant force
        (:func:`split_open_group`).

    Returns
    -------
    numpy.ndarray, shape (..., n_projection_groups + open_groups)
        Survival ratios [dimensionless], see :func:`survival_ratios`.

    Examples
    --------
    >>> from projsim.demography import life_table
    >>> rates = [0.01, 0.02, 0.5]
    >>> direct = survival_ratios_from_rates(rates, "female", step_width=5)
    >>> bool(np.array_equal(direct, survival_ratios(life_table(rates, "female", age_width=5), 5)))
    True

    An abridged schedule 0, 1-4, 5-9, ..., 95-99, 100+ gives a five-year step's
    21 ratios:

    >>> abridged = 1e-4 * 2 ** (np.array([0, 1] + list(range(5, 101, 5))) / 10)
    >>> widths = [1, 4] + [5] * 19 + [np.inf]
    >>> survival_ratios_from_rates(abridged, "female", step_width=5, age_width=widths,
    ...                            separation="greville").shape
    (21,)
    """
    age_width = step_width if age_width is None else age_width
    rates, widths, sex_index = check_inputs(mortality_rate, sex, age_width)
    check_rules(separation, infant)
    first_groups = step_groups(widths, step_width, "argument 'age_width'")
    factors = separation_factors(rates, widths, sex_index, separation, infant)
    death_probability = death_probabilities(rates, widths, factors)
    ratios = _projection_survival(rates, widths, factors, death_probability, step_width,
                                  first_groups)
    return split_open_group(ratios, rates[..., -1], open_groups, step_width) if open_groups \
        else ratios


def split_open_group(ratios, open_rate, open_groups: int, step_width) -> np.ndarray:
    """Survival ratios with the open group split into closed groups at its constant force.

    A life table closes its open group :math:`\\omega+` with
    :math:`L = l_\\omega / m`, a constant force :math:`m` from its first age.
    Split into groups of :math:`n` = ``step_width`` years at that force,
    :math:`{}_nL_{\\omega+kn} = l_\\omega e^{-knm} (1 - e^{-nm}) / m`, so the
    ratios into the first new group, into each later one and into the new
    open group are

    .. math::

        \\frac{{}_nL_\\omega}{{}_nL_{\\omega-n}} = \\frac{S}{1 - S} (1 - e^{-nm}),
        \\qquad e^{-nm}, \\qquad \\frac{T_{\\omega+Kn}}{T_{\\omega+(K-1)n}} = e^{-nm},

    where :math:`S = T_\\omega / T_{\\omega-n}` is the pooled ratio into the
    old open group (so that :math:`T_\\omega / {}_nL_{\\omega-n} = S / (1-S)`).
    The ratios below the open group are unchanged. The survival of those
    aged :math:`\\omega-n` to :math:`\\omega-1` into the open group then no
    longer depends on how many are already in it: the pooled ratio treats
    both as one stationary group, which under-projects the oldest when the
    cohorts entering the open group are larger than the stationary
    population's (``validation/README.md``, "WPP 2024").

    Parameters
    ----------
    ratios : numpy.ndarray, shape (..., n_groups)
        Survival ratios in the UN labelling (:func:`survival_ratios`).
    open_rate : numpy.ndarray, shape (...)
        The open group's central death rate [per person-year], positive.
    open_groups : int
        Closed groups to add: the new open group starts ``open_groups``
        steps above the old one.
    step_width : int or float
        Width of the groups and of the step [years].

    Returns
    -------
    numpy.ndarray, shape (..., n_groups + open_groups)

    Examples
    --------
    A table with groups 0-4, 5-9, 10-14 and 15+, its open group split into
    15-19, 20-24 and 25+:

    >>> rates = np.array([0.01, 0.05, 0.2, 0.4])
    >>> pooled = survival_ratios_from_rates(rates, "female", step_width=5)
    >>> split = survival_ratios_from_rates(rates, "female", step_width=5, open_groups=2)
    >>> print(np.round(pooled, 4), np.round(split, 4))
    [0.9756 0.8667 0.5833 0.2   ] [0.9756 0.8667 0.5833 0.2162 0.1353 0.1353]
    """
    decay = np.exp(-step_width * np.asarray(open_rate, dtype=float))[..., None]
    pooled = ratios[..., -1:]
    entering = pooled / (1 - pooled) * (1 - decay)
    return np.concatenate([ratios[..., :-1], entering,
                           np.repeat(decay, open_groups, axis=-1)], axis=-1)


def open_group_shares(open_rate, open_groups: int, step_width) -> np.ndarray:
    """Shares [1] of a stationary open group in the groups it is split into.

    At a constant force :math:`m`, the stationary persons of an open group
    :math:`\\omega+` are in its ``open_groups`` groups of :math:`n` years and
    the new open group in the proportions
    :math:`e^{-knm}(1 - e^{-nm})` for :math:`k = 0, 1, ...` and
    :math:`e^{-Knm}` for the last (:func:`split_open_group`).

    Parameters
    ----------
    open_rate : array_like, shape (...)
        The open group's central death rate [per person-year].
    open_groups, step_width
        As in :func:`split_open_group`.

    Returns
    -------
    numpy.ndarray, shape (..., open_groups + 1)
        Shares summing to 1.

    Examples
    --------
    >>> print(np.round(open_group_shares(0.4, 2, 5), 4))
    [0.8647 0.117  0.0183]
    """
    decay = np.exp(-step_width * np.asarray(open_rate, dtype=float))[..., None]
    shares = decay ** np.arange(open_groups + 1)
    shares[..., :-1] *= 1 - decay
    return shares
