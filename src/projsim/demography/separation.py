"""Separation factors a(x): the years lived in an age group by those who die in it.

A life table turns a central death rate :math:`{}_nm_x` into a probability
of dying :math:`{}_nq_x = n\\,m / (1 + (n - a)\\,m)` and person-years
:math:`{}_nL_x = n\\,l_{x+n} + a\\,{}_nd_x` through the separation factor
:math:`{}_na_x` [years]. Its rule hardly matters for single years of age and
matters a great deal for five-year groups at old ages, where deaths
concentrate at the end of the group because mortality rises within it.

:func:`separation_factors` gives a(x) for every group of a table:

* the first years, by a rule on the infant death rate :math:`{}_1m_0`
  (:data:`projsim.types.InfantRule`) when the table starts with a group 0 of
  one year: :math:`{}_1a_0` of Andreev and Kingkade (2015), the HMD rule
  (:data:`INFANT_SEPARATION`), or of Coale and Demeny
  (:data:`INFANT_SEPARATION_COALE_DEMENY`); and, when a group 1-4 follows,
  :math:`{}_4a_1` of Coale and Demeny (:data:`CHILD_SEPARATION`);
* the other closed groups, by a rule (:data:`projsim.types.SeparationRule`):

  - ``"midpoint"``: :math:`a = n/2`, as the HMD Methods Protocol (Wilmoth et
    al. 2017) does for single years, where it is accurate;
  - ``"greville"``: Greville's (1943) formula (:func:`greville_separation`)
    from age 15, as the UN's MORTPAK (United Nations 1988) and its model life
    tables (United Nations 1982, p. 31) apply it to abridged tables; groups
    of ages 5-14 keep :math:`n/2`;
  - ``"constant-force"``: a constant force of mortality within each group
    (:func:`constant_force_separation`), for which
    :math:`{}_nq_x = 1 - e^{-n m}`;

* the open group: :math:`a = 1/m`, its life expectancy.

On WPP 2024's abridged death rates for Belgium, the Greville rule with the
Andreev-Kingkade infant rule reproduces WPP's published life expectancy at
birth of every period 1950-2100 within 0.001 years; half the width falls 0.03
to 0.09 years short, and a constant force 0.08 to 0.17 years short, because
within a five-year group mortality rises rather than staying constant
(``validation/wpp.py``).

References
----------
Andreev, E. M. and Kingkade, W. W. (2015). Average age at death in infancy and
infant mortality level: Reconsidering the Coale-Demeny formulas at current
levels of low mortality. *Demographic Research* 33(13): 363-390.
https://doi.org/10.4054/DemRes.2015.33.13

Coale, A. J. and Demeny, P. (1983). *Regional Model Life Tables and Stable
Populations*, 2nd ed. New York: Academic Press.

Greville, T. N. E. (1943). Short methods of constructing abridged life tables.
*The Record of the American Institute of Actuaries* 32(1): 29-42.

Keyfitz, N. (1966). A life table that agrees with the data. *Journal of the
American Statistical Association* 61(314): 305-312.
https://doi.org/10.1080/01621459.1966.10480868

Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Section 3.3 and
Table 3.3.

United Nations (1982). *Model Life Tables for Developing Countries*.
Population Studies 77. New York: United Nations.

United Nations (1988). *MORTPAK - The United Nations Software Package for
Mortality Measurement*. New York: United Nations.

Wilmoth, J. R., Andreev, K., Jdanov, D., Glei, D. A., Riffe, T. et al. (2017,
revised 2021). *Methods Protocol for the Human Mortality Database*, version 6.
https://www.mortality.org
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.types import SEXES, InfantRule, SeparationRule


@dataclass(frozen=True)
class _PiecewiseLinearRule:
    """Separation factor a = intercept + slope * m0, by segment of m0 and by sex.

    Row ``i`` of every array belongs to ``SEXES[i]``. Segment ``j`` applies
    when exactly ``j`` thresholds are at or below the infant rate m0.
    """

    thresholds: np.ndarray
    intercepts: np.ndarray
    slopes: np.ndarray

    @classmethod
    def by_sex(cls, **rows: tuple[list[float], list[float], list[float]]) -> _PiecewiseLinearRule:
        columns = zip(*(rows[sex] for sex in SEXES))
        return cls(*(np.array(column, dtype=float) for column in columns))

    def __call__(self, infant_rate: np.ndarray, sex_index: np.ndarray) -> np.ndarray:
        segment = np.zeros(np.broadcast_shapes(np.shape(infant_rate), np.shape(sex_index)), int)
        for threshold in self.thresholds.T:
            segment += infant_rate >= threshold[sex_index]
        return self.intercepts[sex_index, segment] + self.slopes[sex_index, segment] * infant_rate


#: Andreev and Kingkade (2015), 1a0 [years] as a function of 1m0
#: [per person-year]: the rule of the HMD Methods Protocol v6 for single-year
#: and abridged tables.
INFANT_SEPARATION = _PiecewiseLinearRule.by_sex(
    female=([0.01724, 0.06891], [0.14903, 0.04667, 0.31411], [-2.05527, 3.88089, 0.0]),
    male=([0.02300, 0.08307], [0.14929, 0.02832, 0.29915], [-1.99545, 3.26021, 0.0]),
)

#: Coale and Demeny (1983) 1a0 [years] as a function of 1m0 [per
#: person-year], in the form of Preston, Heuveline and Guillot (2001),
#: Table 3.3 (West model).
INFANT_SEPARATION_COALE_DEMENY = _PiecewiseLinearRule.by_sex(
    female=([0.107], [0.053, 0.350], [2.800, 0.0]),
    male=([0.107], [0.045, 0.330], [2.684, 0.0]),
)

#: Coale and Demeny (1983) 4a1 [years] as a function of 1m0 [per person-year],
#: in the form of Preston, Heuveline and Guillot (2001), Table 3.3.
CHILD_SEPARATION = _PiecewiseLinearRule.by_sex(
    female=([0.107], [1.522, 1.361], [-1.518, 0.0]),
    male=([0.107], [1.651, 1.352], [-2.816, 0.0]),
)

#: The 1a0 rule of each :data:`projsim.types.InfantRule`.
INFANT_RULES: dict[str, _PiecewiseLinearRule] = {
    "andreev-kingkade": INFANT_SEPARATION,
    "coale-demeny": INFANT_SEPARATION_COALE_DEMENY,
}

#: The first age [years] of the groups whose separation factor Greville's
#: formula gives: MORTPAK and the UN model life tables keep n/2 at ages 5-14,
#: where deaths are few and the slope of mortality changes sign.
GREVILLE_FIRST_AGE = 15

#: The force of mortality [per person-year] whose constant-force separation
#: factor bounds Greville's from below: 1 - 5 e^-5 / (1 - e^-5) = 0.966 years
#: for five-year groups, which MORTPAK and bayesPop round to 0.97. The bound
#: only binds at death rates near 1, far above any observed five-year rate.
GREVILLE_FLOOR_FORCE = 1.0


def constant_force_separation(rates: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Separation factors [years] under a constant force of mortality in each group.

    With the force :math:`\\mu = m` constant over the group of width
    :math:`n`, those who die in it live on average

    .. math::

        {}_na_x = \\frac{1}{m} - \\frac{n}{e^{n m} - 1}
                = n \\left(\\frac{1}{2} - \\frac{n m}{12}
                  + \\frac{(n m)^3}{720} - \\dots\\right),

    and :math:`{}_nq_x = 1 - e^{-n m}` (Preston, Heuveline and Guillot 2001,
    section 3.3). The series is used where :math:`n m < 10^{-3}`, where the
    closed form loses digits; a rate of 0 gives :math:`n/2`.

    Parameters
    ----------
    rates : numpy.ndarray, shape (..., n_groups)
        Central death rates [per person-year], checked.
    widths : numpy.ndarray, shape (n_groups,)
        Widths of the groups [years]; the open group's (``np.inf``) gets the
        value of a one-year group, which callers replace.

    Returns
    -------
    numpy.ndarray, shape (..., n_groups)
        Separation factors [years], below :math:`n/2` wherever :math:`m > 0`.

    Examples
    --------
    >>> a = constant_force_separation(np.array([0.0, 0.01, 0.3]), np.array([5.0, 5.0, 5.0]))
    >>> print(np.round(a, 4))
    [2.5    2.4792 1.8972]
    """
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    hazard = finite_widths * rates
    small = hazard < 1e-3
    safe = np.where(small, 1.0, hazard)
    closed_form = 1 / safe - 1 / np.expm1(safe)
    series = 0.5 - hazard / 12 + hazard**3 / 720
    return finite_widths * np.where(small, series, closed_form)


def _gompertz_slopes(rates: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """k = ln(m(next) / m(previous)) / span for the groups 1 .. n_groups - 3 [per year].

    The span is the distance between the midpoints of the two neighbours. A
    slope is 0 where a neighbour's rate is 0 (no slope can be read there).
    """
    previous, following = rates[..., :-3], rates[..., 2:-1]
    span = widths[:-3] / 2 + widths[1:-2] + widths[2:-1] / 2
    readable = (previous > 0) & (following > 0)
    # logarithms apart, not of the ratio, which overflows for a tiny previous rate
    log_previous, log_following = (np.log(np.where(readable, rate, 1.0)) for rate in (previous, following))
    return (log_following - log_previous) / span


def greville_separation(rates: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Separation factors [years] of Greville's formula, for every closed group.

    Greville (1943) derives, for mortality that rises exponentially at the
    rate :math:`k` across neighbouring groups,

    .. math::

        {}_na_x = \\frac{n}{2} - \\frac{n^2}{12}\\left({}_nm_x - k_x\\right),
        \\qquad
        k_x = \\frac{\\ln({}_nm_{x+n} / {}_nm_{x-n})}
                   {n_{x-n}/2 + n + n_{x+n}/2},

    the form in MORTPAK (United Nations 1988) and the UN model life tables
    (United Nations 1982, p. 31), :math:`k = \\ln(m_{x+5}/m_{x-5})/10` for
    five-year groups. As in MORTPAK, the last closed group takes the slope of
    the group before it (the open group's rate is a mean over all older
    ages, not a rate five years on), and :math:`a` is kept between the
    constant-force value at a force of 1 per year (0.966 years for five-year
    groups, MORTPAK's 0.97) and the width. The first group, which has no
    neighbour below, keeps :math:`n/2`; :func:`separation_factors` chooses
    the groups the formula applies to.

    Parameters
    ----------
    rates : numpy.ndarray, shape (..., n_groups)
        Central death rates [per person-year], checked; the last group open.
    widths : numpy.ndarray, shape (n_groups,)
        Widths of the groups [years], ``np.inf`` last.

    Returns
    -------
    numpy.ndarray, shape (..., n_groups)
        Separation factors [years]; the open group's entry is a placeholder.

    References
    ----------
    .. [1] Greville, T. N. E. (1943). Short methods of constructing abridged
       life tables. *The Record of the American Institute of Actuaries*
       32(1): 29-42.
    .. [2] United Nations (1982). *Model Life Tables for Developing
       Countries*. Population Studies 77. New York: United Nations.

    Examples
    --------
    Rates doubling every five years, k = ln(4) / 10:

    >>> rates = 0.01 * 2.0 ** np.arange(5)
    >>> a = greville_separation(rates, np.array([5, 5, 5, 5, np.inf]))
    >>> print(np.round(a[:-1], 4))
    [2.5    2.7471 2.7055 2.6221]
    """
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    separation = np.broadcast_to(finite_widths / 2, rates.shape).copy()
    n_groups = rates.shape[-1]
    if n_groups < 3:
        return separation
    slopes = np.zeros(rates.shape[:-1] + (n_groups - 2,))  # groups 1 .. n_groups - 2
    slopes[..., :-1] = _gompertz_slopes(rates, widths)
    if n_groups > 3:
        slopes[..., -1] = slopes[..., -2]  # the last closed group: MORTPAK's choice
    closed = finite_widths[1:-1]
    greville = closed / 2 - closed**2 / 12 * (rates[..., 1:-1] - slopes)
    floor = constant_force_separation(np.full(closed.shape, GREVILLE_FLOOR_FORCE), closed)
    separation[..., 1:-1] = np.clip(greville, floor, closed)
    return separation


#: The separation factors of each rule other than the midpoint, for every group.
_RULES = {"greville": greville_separation, "constant-force": constant_force_separation}


def _rule_groups(rule: SeparationRule, widths: np.ndarray) -> np.ndarray:
    """Which groups (boolean, open group False) a rule other than the midpoint covers."""
    closed = np.isfinite(widths)
    if rule == "greville":
        starts = np.concatenate([[0.0], np.cumsum(widths[:-1])])
        return closed & (starts >= GREVILLE_FIRST_AGE)
    return closed


def separation_factors(rates: np.ndarray, widths: np.ndarray, sex_index: np.ndarray,
                       separation: SeparationRule = "midpoint",
                       infant: InfantRule = "andreev-kingkade") -> np.ndarray:
    """Average years lived in each group by those who die in it [years].

    Parameters
    ----------
    rates : numpy.ndarray, shape (..., n_groups)
        Central death rates [per person-year], checked
        (:func:`projsim.demography.checks.check_inputs`).
    widths : numpy.ndarray, shape (n_groups,)
        Widths of the groups [years], ``np.inf`` last.
    sex_index : numpy.ndarray of int
        Position of each row's sex in ``SEXES``, broadcasting to the leading
        dimensions of ``rates``.
    separation : {"midpoint", "greville", "constant-force"}
        The rule of the closed groups that the infant and child rules do not
        cover (:data:`projsim.types.SeparationRule`).
    infant : {"andreev-kingkade", "coale-demeny"}
        The rule of 1a0 when the first group is one year wide
        (:data:`projsim.types.InfantRule`); 4a1 is Coale and Demeny's when a
        group 1-4 follows.

    Returns
    -------
    numpy.ndarray, shape (..., n_groups)
        Separation factors [years]; :math:`1/m` in the open group.

    Examples
    --------
    An abridged table 0, 1-4, 5-9, ..., 25-29, 30+:

    >>> rates = np.array([0.004, 0.0002, 0.0001, 0.0001, 0.0003, 0.0005, 0.0006, 0.002])
    >>> widths = np.array([1, 4, 5, 5, 5, 5, 5, np.inf])
    >>> print(np.round(separation_factors(rates, widths, np.array(0), "greville")[:-1], 3))
    [0.141 1.516 2.5   2.5   2.835 2.643 2.643]
    """
    factors = np.empty_like(rates)
    factors[...] = widths / 2
    factors[..., -1] = 1 / rates[..., -1]
    if separation != "midpoint":
        covered = _rule_groups(separation, widths)
        factors[..., covered] = _RULES[separation](rates, widths)[..., covered]
    infant_alone = rates.shape[-1] > 1 and widths[0] == 1
    if infant_alone:
        factors[..., 0] = INFANT_RULES[infant](rates[..., 0], sex_index)
    if infant_alone and rates.shape[-1] > 2 and widths[1] == 4:
        factors[..., 1] = CHILD_SEPARATION(rates[..., 0], sex_index)
    return factors
