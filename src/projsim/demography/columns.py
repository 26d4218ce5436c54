"""The columns of a period life table, on unlabeled arrays.

:class:`LifeTable` holds the columns of a table. :func:`life_table_columns`
computes the separation factors a(x), the probabilities of dying q(x), and
the survivors l(x), deaths d(x) and person-years L(x) for a radix of 1, from
rates already checked (:func:`projsim.demography.checks.check_inputs`). Age is
the last axis, and any leading dimensions (time, region, sex, draw, ...) are
carried along without Python loops.

The separation factors come from :mod:`projsim.demography.separation`; by
default they follow the Methods Protocol of the Human Mortality Database
(HMD), version 6 (Wilmoth et al. 2017): the infant separation factor of
Andreev and Kingkade (2015), the 4a1 of Coale and Demeny in the form of
Preston, Heuveline and Guillot (2001), half an interval elsewhere, and an
open age group closed with its own rate. Greville's formula or a constant
force within the groups can replace the half interval (abridged tables).

References
----------
Preston, S. H., Heuveline, P. and Guillot, M. (2001). *Demography: Measuring
and Modeling Population Processes*. Oxford: Blackwell. Table 3.3.

Wilmoth, J. R., Andreev, K., Jdanov, D., Glei, D. A., Riffe, T. et al. (2017,
revised 2021). *Methods Protocol for the Human Mortality Database*, version 6.
https://www.mortality.org
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.demography.separation import separation_factors
from projsim.types import InfantRule, SeparationRule


@dataclass(frozen=True, eq=False)
class LifeTable:
    """A period life table; every column has the shape of the rates it came from.

    The last axis is age group. Group ``i`` starts at exact age
    ``sum(age_width[:i])`` and the last group is open.

    Attributes
    ----------
    mx : numpy.ndarray
        Central death rate [per person-year].
    qx : numpy.ndarray
        Probability of dying in the group [dimensionless]; 1 in the open group.
    ax : numpy.ndarray
        Average years lived in the group by those who die in it [years].
    lx : numpy.ndarray
        Survivors at the start of the group [persons, out of the radix].
    dx : numpy.ndarray
        Deaths in the group [persons].
    Lx : numpy.ndarray
        Person-years lived in the group [person-years].
    Tx : numpy.ndarray
        Person-years lived in the group and above [person-years].
    ex : numpy.ndarray
        Life expectancy at the start of the group [years]. NaN for groups that
        no one reaches (``lx == 0``, after a closed group with ``qx == 1``).
    age_width : numpy.ndarray, shape (n_groups,)
        Width of each age group [years]; ``np.inf`` for the open group.
    """

    mx: np.ndarray
    qx: np.ndarray
    ax: np.ndarray
    lx: np.ndarray
    dx: np.ndarray
    Lx: np.ndarray
    Tx: np.ndarray
    ex: np.ndarray
    age_width: np.ndarray


def death_probabilities(rates: np.ndarray, widths: np.ndarray, separation: np.ndarray) -> np.ndarray:
    """Probability of dying in each group [dimensionless]; 1 in the open group."""
    # Whole rows are faster than the closed groups' strided view; the open
    # group's infinite width is replaced before and its value after.
    finite_widths = np.where(np.isfinite(widths), widths, 1.0)
    probability = np.subtract(finite_widths, separation)
    probability *= rates
    probability += 1
    # n m is m itself for single years: a pass saved, the same numbers.
    deaths_per_survivor = rates if np.all(finite_widths == 1) else finite_widths * rates
    np.divide(deaths_per_survivor, probability, out=probability)
    np.minimum(probability, 1.0, out=probability)
    probability[..., -1] = 1.0
    return probability


def _cumulative_product(values: np.ndarray) -> None:
    """Replace ``values`` by its cumulative product along the last axis, in place.

    ``numpy.cumprod`` walks each row one element at a time. When the last
    axis is the slowest in memory (an age-major block, see
    :func:`life_table_columns`), a loop over it multiplies whole contiguous
    rows instead, several times faster; both multiply in the same order, so
    the numbers are the same.
    """
    age_major = values.ndim > 1 and abs(values.strides[-1]) == max(map(abs, values.strides))
    if not age_major:
        np.multiply.accumulate(values, axis=-1, out=values)
        return
    for group in range(1, values.shape[-1]):
        values[..., group] *= values[..., group - 1]


def _survivorship(rates, widths, separation, death_probability):
    """Survivors, deaths and person-years per group for a radix of 1."""
    survivors = np.empty_like(rates)
    survivors[..., 0] = 1.0
    np.subtract(1, death_probability[..., :-1], out=survivors[..., 1:])
    _cumulative_product(survivors[..., 1:])
    deaths = survivors * death_probability
    person_years = separation * deaths
    # L = n l(x+n) + a d, with n l(x+n) = l(x+n) for single years.
    survivors_after = survivors[..., 1:]
    if not np.all(widths[:-1] == 1):
        survivors_after = widths[:-1] * survivors_after
    person_years[..., :-1] += survivors_after
    person_years[..., -1] = survivors[..., -1] / rates[..., -1]
    return survivors, deaths, person_years


def life_table_columns(rates, widths, sex_index, separation: SeparationRule = "midpoint",
                       infant: InfantRule = "andreev-kingkade"):
    """The columns a, q, l, d and L (radix 1) of rates already checked.

    ``separation`` and ``infant`` choose the separation factors
    (:func:`projsim.demography.separation.separation_factors`). Every column
    has the memory layout of ``rates``. Kernels that summarise many schedules
    pass an age-major block (a transposed view whose age axis is the slowest
    in memory): each step along age is then one vectorised operation over all
    schedules.
    """
    factors = separation_factors(rates, widths, sex_index, separation, infant)
    death_probability = death_probabilities(rates, widths, factors)
    survivors, deaths, person_years = _survivorship(rates, widths, factors, death_probability)
    return factors, death_probability, survivors, deaths, person_years


def expectancy_at(survivors, person_years, groups) -> np.ndarray:
    """e(x) = T(x) / l(x) at the age groups ``groups``; NaN where l(x) is 0."""
    above = np.stack([person_years[..., group:].sum(axis=-1) for group in groups], axis=-1)
    reached = survivors[..., groups]
    return np.divide(above, reached, out=np.full(above.shape, np.nan), where=reached > 0)
