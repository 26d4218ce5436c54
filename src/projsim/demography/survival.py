"""Projection survival ratios, from a life table or straight from death rates.

A cohort-component projection moves the persons of an age group into the
next with the ratio of the life table's person-years, in the UN labelling
(Preston, Heuveline and Guillot 2001, ch. 6). :func:`survival_ratios` reads
the ratios from a :class:`~projsim.demography.columns.LifeTable`;
:func:`survival_ratios_from_rates` computes them from central death rates
without the columns a projection does not need.

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell.
"""

from __future__ import annotations

import numpy as np

from projsim.demography.checks import check_inputs
from projsim.demography.columns import LifeTable, death_probabilities, separation_factors
from projsim.errors import InputError


def survival_ratios(table: LifeTable, step_width=1) -> np.ndarray:
    """Projection survival ratios in the UN labelling.

    ``S[..., i]`` moves people *into* age group ``i`` over one projection step
    of ``step_width`` years, which must equal the width of every closed age
    group:

    * :math:`S_0 = L_0 / (n\\,l_0)`: births of the step, to survivors in
      group 0;
    * :math:`S_i = L_i / L_{i-1}` for :math:`0 < i < \\omega`;
    * :math:`S_\\omega = T_\\omega / T_{\\omega-1}`: the last closed group
      and the open group, pooled, into the open group.

    The ratios are computed from the per-survivor person-years
    :math:`L_x / l_x` and :math:`1 - q_x`, which give the same values without
    dividing by :math:`l_x`, so that groups no one reaches in the life table
    (after a closed group with :math:`q_x = 1`) still get the survival of
    someone who is there.

    Parameters
    ----------
    table : LifeTable
        A table from :func:`~projsim.demography.lifetable.life_table` with at
        least two age groups.
    step_width : int or float, default 1
        Length of the projection step [years]; equal to the width of every
        closed age group of ``table``.

    Returns
    -------
    numpy.ndarray
        Survival ratios [dimensionless], in [0, 1], shape of ``table.Lx``.

    Raises
    ------
    projsim.errors.InputError
        If ``table`` is not a ``LifeTable``, has fewer than two groups, or has
        a closed group whose width differs from ``step_width`` (an abridged
        table, for example).

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
    """
    if not isinstance(table, LifeTable):
        raise InputError(
            "argument 'table'",
            f"an object of type {type(table).__name__}",
            "a LifeTable",
            "build the table with projsim.demography.life_table",
        )
    widths = table.age_width
    if widths.shape[0] < 2 or not np.all(widths[:-1] == step_width):
        shown = np.array2string(widths, threshold=8, separator=", ")
        raise InputError(
            "argument 'table'",
            f"age widths {shown} for a step of {step_width} years",
            f"at least one closed age group and every closed group {step_width} years wide",
            "build the table with age_width equal to the projection step",
        )
    return _projection_survival(table.mx, widths, table.ax, table.qx, step_width)


def _projection_survival(rates, widths, separation, death_probability, step_width):
    """Survival ratios in the UN labelling from the columns m, n, a and q."""
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    survival = 1 - death_probability
    per_survivor = finite_widths * survival
    per_survivor += separation * death_probability
    per_survivor[..., -1] = 1 / rates[..., -1]
    ratios = np.empty(rates.shape)
    np.multiply(survival[..., :-1], per_survivor[..., 1:], out=ratios[..., 1:])
    ratios[..., 1:] /= per_survivor[..., :-1]
    ratios[..., 0] = per_survivor[..., 0] / step_width
    open_person_years = survival[..., -2] * per_survivor[..., -1]
    ratios[..., -1] = open_person_years / (per_survivor[..., -2] + open_person_years)
    return ratios


def survival_ratios_from_rates(mortality_rate, sex, *, step_width=1) -> np.ndarray:
    """Projection survival ratios straight from central death rates.

    The same numbers as ``survival_ratios(life_table(mortality_rate, sex,
    age_width=step_width), step_width)``, without building the columns a
    projection does not need (l, d, L, T, e); for turning many schedules into
    survival ratios at once.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year] for age groups of ``step_width``
        years, the last one open.
    sex : str or array_like of str
        As in :func:`~projsim.demography.lifetable.life_table`.
    step_width : int, default 1
        Projection step and age-group width [years].

    Returns
    -------
    numpy.ndarray, shape (..., n_groups)
        Survival ratios [dimensionless], see :func:`survival_ratios`.

    Examples
    --------
    >>> from projsim.demography import life_table
    >>> rates = [0.01, 0.02, 0.5]
    >>> direct = survival_ratios_from_rates(rates, "female", step_width=5)
    >>> bool(np.array_equal(direct, survival_ratios(life_table(rates, "female", age_width=5), 5)))
    True
    """
    rates, widths, sex_index = check_inputs(mortality_rate, sex, step_width)
    separation = separation_factors(rates, widths, sex_index)
    death_probability = death_probabilities(rates, widths, separation)
    return _projection_survival(rates, widths, separation, death_probability, step_width)
