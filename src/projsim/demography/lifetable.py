"""Period life tables from central death rates.

:func:`life_table` builds every column of a table (:class:`LifeTable`);
:func:`life_expectancy_at_birth` and :func:`life_expectancy_at` compute only
what e(x) needs, for solvers and summaries that call them many times. Every
function is a numpy kernel: rates come in as unlabeled arrays whose last axis
is age, and any leading dimensions (time, region, sex, draw, ...) are carried
along without Python loops. Labels are attached elsewhere.

By default the conventions follow the Methods Protocol of the Human
Mortality Database (HMD), version 6 (Wilmoth et al. 2017);
:mod:`projsim.demography.columns` computes the columns, and
:mod:`projsim.demography.separation` the separation factors, whose rules an
abridged table may change (``separation="greville"``, the UN's practice for
five-year groups). The other life-table functions live beside this module
and can be imported from it too:

* :mod:`~projsim.demography.kannisto`: old-age rates smoothed and extended
  with the Kannisto model (Thatcher, Kannisto and Vaupel 1998), as the HMD
  does above age 80;
* :mod:`~projsim.demography.survival`: projection survival ratios;
* :mod:`~projsim.demography.summary`: e(x) and L(x) of many single-year
  schedules at once (:func:`single_year_summary`).

References
----------
Andreev, E. M. and Kingkade, W. W. (2015). Average age at death in infancy and
infant mortality level: Reconsidering the Coale-Demeny formulas at current
levels of low mortality. *Demographic Research* 33(13): 363-390.
https://doi.org/10.4054/DemRes.2015.33.13

Greville, T. N. E. (1943). Short methods of constructing abridged life tables.
*The Record of the American Institute of Actuaries* 32(1): 29-42.

Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Table 3.3.

Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force of mortality
at ages 80 to 120*. Odense Monographs on Population Aging 5. Odense University
Press.

Wilmoth, J. R., Andreev, K., Jdanov, D., Glei, D. A., Riffe, T. et al. (2017,
revised 2021). *Methods Protocol for the Human Mortality Database*, version 6.
https://www.mortality.org
"""

from __future__ import annotations

import numpy as np

from projsim.demography.checks import check_inputs, check_rules
from projsim.demography.columns import LifeTable, expectancy_at, life_table_columns
from projsim.demography.kannisto import kannisto_extend, kannisto_fit, kannisto_life_expectancy
from projsim.demography.summary import single_year_summary
from projsim.demography.survival import survival_ratios, survival_ratios_from_rates
from projsim.errors import InputError
from projsim.types import InfantRule, SeparationRule

__all__ = [
    "LifeTable", "kannisto_extend", "kannisto_fit", "kannisto_life_expectancy",
    "life_expectancy_at", "life_expectancy_at_birth", "life_table", "single_year_summary",
    "survival_ratios", "survival_ratios_from_rates",
]


def life_table(mortality_rate, sex, *, age_width=1, radix=100_000.0,
               separation: SeparationRule = "midpoint",
               infant: InfantRule = "andreev-kingkade") -> LifeTable:
    """Build period life tables from central death rates.

    Each group ``[x, x + n)`` of width ``n`` [years] is treated in the usual
    way (Preston, Heuveline and Guillot 2001, ch. 3):

    .. math::

        q_x = \\frac{n\\,m_x}{1 + (n - a_x)\\,m_x}, \\qquad
        l_{x+n} = l_x (1 - q_x), \\qquad
        L_x = n\\,l_{x+n} + a_x d_x,

    with :math:`q_x` capped at 1, and the open group :math:`\\omega+` has
    :math:`q = 1`, :math:`a = 1/m` and :math:`L = l/m`. The separation factor
    :math:`a_x` (:mod:`projsim.demography.separation`) is

    * :math:`{}_1a_0` for a group 0 of width 1 (single-year or abridged
      tables): by default Andreev and Kingkade (2015) as a function of
      :math:`{}_1m_0`, as in the HMD Methods Protocol v6 (Wilmoth et al.
      2017), or Coale and Demeny (``infant="coale-demeny"``);
    * :math:`{}_4a_1` for a group 1-4 that follows it (abridged tables):
      Coale and Demeny, as a function of :math:`{}_1m_0`, in the form of
      Preston, Heuveline and Guillot (2001), Table 3.3;
    * in the other closed groups, by default half the width (the HMD rule,
      accurate for single years); for five-year groups ``separation=
      "greville"`` (Greville's formula from age 15, the UN's practice) or
      ``"constant-force"``.

    A first group of width 5 (ages 0-4) gets half its width, or the
    constant-force value, like any other group: give the rates of ages 0 and
    1-4 separately (an abridged table) where infant mortality matters.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], age group on the last axis,
        starting at age 0; the last group is open and its rate must be
        positive. Any leading dimensions are computed independently.
    sex : str or array_like of str
        ``"female"`` or ``"male"`` (``projsim.types.SEXES``), or an array of
        those labels that broadcasts to the leading dimensions of
        ``mortality_rate``. Sex chooses the separation factors at ages 0-4.
    age_width : int, float or array_like, default 1
        Width of the age groups [years]: one number for regular groups, or one
        width per group ending with ``np.inf`` for the open group, for example
        ``[1, 4, 5, ..., 5, np.inf]`` for an abridged table.
    radix : float, default 100000
        Survivors at age 0, :math:`l_0` [persons].
    separation : {"midpoint", "greville", "constant-force"}, default "midpoint"
        The rule of the separation factors of the closed groups that the
        infant and child rules do not cover (:data:`projsim.types.SeparationRule`).
    infant : {"andreev-kingkade", "coale-demeny"}, default "andreev-kingkade"
        The rule of :math:`{}_1a_0` (:data:`projsim.types.InfantRule`).

    Returns
    -------
    LifeTable
        Columns ``mx, qx, ax, lx, dx, Lx, Tx, ex`` with the shape of
        ``mortality_rate``, and ``age_width``.

    Raises
    ------
    projsim.errors.InputError
        If a rate is NaN, infinite or negative, if the open-group rate is 0,
        if a sex label is unknown or its shape does not broadcast, if the
        widths do not match the last axis, or if a rule is unknown.

    See Also
    --------
    life_expectancy_at_birth : :math:`e_0` alone, without the table.
    survival_ratios : projection survival ratios from a table.

    References
    ----------
    .. [1] Andreev, E. M. and Kingkade, W. W. (2015). Average age at death in
       infancy and infant mortality level: Reconsidering the Coale-Demeny
       formulas at current levels of low mortality. *Demographic Research*
       33(13): 363-390. https://doi.org/10.4054/DemRes.2015.33.13
    .. [2] Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography:
       Measuring and Modeling Population Processes*. Oxford: Blackwell.
    .. [3] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6. https://www.mortality.org
    .. [4] Greville, T. N. E. (1943). Short methods of constructing abridged
       life tables. *The Record of the American Institute of Actuaries*
       32(1): 29-42.

    Examples
    --------
    An abridged table for ages 0, 1-4, 5-9 and 10+:

    >>> table = life_table([0.004, 0.0002, 0.0001, 0.02], "female",
    ...                    age_width=[1, 4, 5, np.inf])
    >>> print(np.round(table.ax, 3))
    [ 0.141  1.516  2.5   50.   ]
    >>> print(np.round(table.ex, 2))
    [59.69 58.93 54.97 50.  ]

    Greville's rule moves deaths towards the end of five-year groups where
    mortality rises (here from age 15):

    >>> rates = [0.004, 0.0002, 0.0001, 0.0001, 0.0003, 0.0006, 0.0012, 0.0024, 0.05]
    >>> widths = [1, 4, 5, 5, 5, 5, 5, 5, np.inf]
    >>> print(np.round(life_table(rates, "female", age_width=widths, separation="greville").ax[4:8], 3))
    [2.873 2.788 2.786 2.784]

    Females and males at once, one row each:

    >>> rates = np.array([[0.003, 0.0004, 0.3], [0.0035, 0.0005, 0.35]])
    >>> print(np.round(life_table(rates, ["female", "male"]).ex[:, 0], 4))
    [5.3163 4.839 ]
    """
    rates, widths, sex_index = check_inputs(mortality_rate, sex, age_width)
    check_rules(separation, infant)
    radix = float(radix)
    if not (np.isfinite(radix) and radix > 0):
        raise InputError(
            "argument 'radix'", str(radix), "a positive number of persons", "use the default 100000"
        )
    factors, death_probability, survivors, deaths, person_years = life_table_columns(
        rates, widths, sex_index, separation, infant)
    person_years_above = np.cumsum(person_years[..., ::-1], axis=-1)[..., ::-1]
    expectancy = np.divide(
        person_years_above, survivors, out=np.full(rates.shape, np.nan), where=survivors > 0
    )
    return LifeTable(
        mx=rates,
        qx=death_probability,
        ax=factors,
        lx=radix * survivors,
        dx=radix * deaths,
        Lx=radix * person_years,
        Tx=radix * person_years_above,
        ex=expectancy,
        age_width=widths,
    )


def life_expectancy_at_birth(mortality_rate, sex, *, age_width=1,
                             separation: SeparationRule = "midpoint",
                             infant: InfantRule = "andreev-kingkade") -> np.ndarray:
    """Period life expectancy at birth :math:`e_0` [years] from death rates.

    The same life table as :func:`life_table` (same conventions and checks),
    reduced to :math:`e_0 = \\sum_x L_x / l_0` without building the other
    columns, so that it stays cheap inside root solvers that call it many
    times.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], age group on the last axis,
        starting at age 0; the last group is open and its rate must be
        positive.
    sex : str or array_like of str
        ``"female"`` or ``"male"``, or an array of those labels that
        broadcasts to the leading dimensions of ``mortality_rate``.
    age_width : int, float or array_like, default 1
        Width of the age groups [years], as in :func:`life_table`.
    separation, infant : str
        The rules of the separation factors, as in :func:`life_table`.

    Returns
    -------
    numpy.ndarray, shape (...)
        Life expectancy at birth [years].

    Raises
    ------
    projsim.errors.InputError
        For the reasons listed in :func:`life_table`.

    References
    ----------
    .. [1] Wilmoth, J. R. et al. (2017). *Methods Protocol for the Human
       Mortality Database*, version 6. https://www.mortality.org

    Examples
    --------
    A constant rate of 0.02 per year in a single open group gives 50 years:

    >>> print(life_expectancy_at_birth([0.02], "male"))
    50.0

    Single ages 0-99 and 100+, with rates doubling every ten years:

    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> print(np.round(life_expectancy_at_birth(rates, "female"), 3))
    87.418
    """
    rates, widths, sex_index = check_inputs(mortality_rate, sex, age_width)
    check_rules(separation, infant)
    person_years = life_table_columns(rates, widths, sex_index, separation, infant)[4]
    return person_years.sum(axis=-1)


def life_expectancy_at(mortality_rate, sex, ages, *, age_width=1,
                       separation: SeparationRule = "midpoint",
                       infant: InfantRule = "andreev-kingkade") -> np.ndarray:
    """Period life expectancy [years] at the start of some age groups.

    The same conventions and checks as :func:`life_table`, computing only the
    survivors and person-years needed for ``e(x) = T(x) / l(x)`` at the groups
    asked for; cheaper than a whole table when many schedules are summarised.

    Parameters
    ----------
    mortality_rate : array_like, shape (..., n_groups)
        Central death rates [per person-year], as in :func:`life_table`.
    sex : str or array_like of str
        As in :func:`life_table`.
    ages : sequence of int
        Indices of the age groups [group index; the age itself for single
        years].
    age_width : int, float or array_like, default 1
        As in :func:`life_table`.
    separation, infant : str
        The rules of the separation factors, as in :func:`life_table`.

    Returns
    -------
    numpy.ndarray, shape (..., len(ages))
        Life expectancy at each group asked for [years]; NaN where nobody
        reaches the group.

    Examples
    --------
    >>> rates = 1e-4 * 2 ** (np.arange(101) / 10)
    >>> table = life_table(rates, "female")
    >>> bool(np.allclose(life_expectancy_at(rates, "female", [0, 65]), table.ex[[0, 65]]))
    True
    """
    rates, widths, sex_index = check_inputs(mortality_rate, sex, age_width)
    check_rules(separation, infant)
    _, _, survivors, _, person_years = life_table_columns(rates, widths, sex_index,
                                                          separation, infant)
    return expectancy_at(survivors, person_years, [int(a) for a in ages])
