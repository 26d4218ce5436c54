"""Long-run behaviour of the kernel against Lotka's stable population.

With constant rates and no migration, any population converges to the stable
population of its rates (Lotka, 1939; Preston, Heuveline and Guillot, 2001,
ch. 7): it grows by a constant factor ``lambda`` per step and keeps a fixed
age and sex distribution. Both are computed here without the kernel, from the
same survival ratios and fertility rates:

* ``lambda`` solves the discrete Lotka equation ``sum_j phi_j lambda^-(j+1) = 1``
  (``scipy.optimize.brentq``), where the net maternity ``phi_j`` of a woman
  aged ``j`` at the start of a step counts the daughters born to her during the
  step, ``(n / 2) (f_j + S_(j+1) f_(j+1)) / (1 + srb)``, survived to group 0
  with ``S_0`` and weighted by her survival from birth to group ``j``;
* the stable distribution is ``l_i lambda^-i`` by sex, with ``l_i`` the
  product of the survival ratios up to group ``i`` and the open group summing
  its geometric tail; the male cohorts start from ``srb`` times the female
  births.

The speed of convergence is set by the ratio of the largest subdominant root
to ``lambda``. For a one-year schedule with fertility spread like a real one
(standard deviation 5 to 6 years) that ratio is about 0.97 to 0.98, so the
distance to the stable state shrinks by only 1e-5 to 1e-4 in 400 years. The
schedule below has a standard deviation of 7 years, which brings the ratio to
about 0.963. After 500 years the measured distance is about 1e-11 in the
annual growth rate, 2e-10 in the largest share and 1e-7 relative to the
thinnest share (the open group), so growth and shares are checked to 1e-8,
and each share to 1e-6 of itself, with a margin of 50 to 1000. The projection
starts from a population far from stable (echoes of a baby boom), so the test
measures convergence rather than the starting point.

References
----------
Lotka, A. J. (1939). *Théorie analytique des associations biologiques*.
Paris: Hermann.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize

from projsim.engine import Rates, project

AGES = 101  # single years 0 .. 99 and 100+
YEARS = 500
SEX_RATIO_AT_BIRTH = 1.05
TOLERANCE = 1e-8


def gompertz_survival_ratios(level, slope):
    """UN-labelled survival ratios [1] for the Gompertz hazard ``level exp(slope x)``.

    ``S_0 = L_0 / l_0``, ``S_i = L_i / L_(i-1)`` and ``S_100+ = T_100 / T_99``,
    with person-years ``L`` integrated numerically from ``l(x)`` (``l_0 = 1``).
    """
    def alive(x):
        return np.exp(-level / slope * np.expm1(slope * x))

    person_years = [integrate.quad(alive, i, i + 1)[0] for i in range(AGES - 1)]
    person_years.append(integrate.quad(alive, AGES - 1, 250)[0])
    person_years = np.array(person_years)
    ratios = np.empty(AGES)
    ratios[0] = person_years[0]
    ratios[1:-1] = person_years[1:-1] / person_years[:-2]
    ratios[-1] = person_years[-1] / (person_years[-2] + person_years[-1])
    return ratios


def bell_fertility(total, mean, spread):
    """Fertility rates [births per woman per year] by single year of age, zero
    outside 12 .. 52, summing to ``total`` (the total fertility rate)."""
    midpoint = np.arange(AGES) + 0.5
    rates = np.exp(-0.5 * ((midpoint - mean) / spread) ** 2)
    rates[(midpoint < 12) | (midpoint > 53)] = 0.0
    return total * rates / rates.sum()


@pytest.fixture(scope="module")
def schedule():
    """Female and male survival ratios (sex, age) and fertility rates (age)."""
    survival = np.stack([gompertz_survival_ratios(2e-5, 0.1),
                         gompertz_survival_ratios(4e-5, 0.1)])
    return survival, bell_fertility(total=2.2, mean=28.0, spread=7.0)


def survivorship(survival):
    """Persons in each closed group per birth of a step earlier: ``prod_{k <= i} S_k``.

    In the UN labelling this is ``L_i / l_0`` for the closed groups (the
    stationary population per yearly birth); the last entry is the open
    group's inflow ``L_(omega-1) S_omega``, not ``T_omega``.
    """
    return np.cumprod(survival)


def lotka_growth_factor(survival, fertility):
    """Solve the discrete Lotka equation for the growth factor per step."""
    female = survival[0]
    onward = np.minimum(np.arange(AGES) + 1, AGES - 1)
    daughters = 0.5 * (fertility + female[onward] * fertility[onward]) / (1 + SEX_RATIO_AT_BIRTH)
    # Her daughters reach group 0 j + 1 steps after she was born. Fertility is
    # zero long before the open group, so its different survival never enters.
    net_maternity = survivorship(female) * daughters
    exponents = np.arange(1, AGES + 1)

    def lotka(factor):
        return np.sum(net_maternity * factor ** -exponents) - 1.0

    return optimize.brentq(lotka, 0.5, 2.0, xtol=1e-15, rtol=4 * np.finfo(float).eps)


def stable_distribution(survival, growth):
    """Stable population by sex and age, as shares of the total [1]."""
    shares = np.empty((2, AGES))
    for sex, births in ((0, 1.0), (1, SEX_RATIO_AT_BIRTH)):
        lives = survivorship(survival[sex]) * growth ** -np.arange(AGES)
        # The open group collects every cohort that reached it: a geometric sum.
        lives[-1] = lives[-2] * survival[sex, -1] / (growth - survival[sex, -1])
        shares[sex] = births * lives
    return shares / shares.sum()


@pytest.fixture(scope="module")
def long_projection(schedule):
    survival, fertility = schedule
    age = np.arange(AGES)
    boom = (1.0 + 0.6 * np.sin(age / 4.0) + 0.8 * np.exp(-((age - 45) / 6.0) ** 2))
    start = 1e5 * boom * np.exp(-age / 50.0)
    population = np.stack([start, 0.8 * start])[None, None]
    rates = Rates(
        survival=survival[None, None, None],
        fertility_rate=fertility[None, None, None],
        sex_ratio_at_birth=np.full((1, 1, 1), SEX_RATIO_AT_BIRTH),
    )
    return project(population, rates, steps=YEARS, timing="end").population[:, 0, 0]


def growth_and_shares(population, year):
    total = population.sum(axis=(-2, -1))
    return total[year] / total[year - 1], population[year] / total[year]


def test_schedule_is_realistic(schedule):
    """Life expectancy ``sum L_i + T_100`` of about 79 (female) and 72 (male) years."""
    survival, fertility = schedule
    life_expectancy = [
        survivorship(s)[:-1].sum() + survivorship(s)[-1] / (1 - s[-1]) for s in survival
    ]
    assert 70 < life_expectancy[1] < life_expectancy[0] < 85
    assert fertility.sum() == pytest.approx(2.2)


def test_growth_rate_converges_to_lotka(schedule, long_projection):
    growth = lotka_growth_factor(*schedule)
    assert 1.0 < growth < 1.01
    projected, _ = growth_and_shares(long_projection, YEARS)
    assert abs(np.log(projected) - np.log(growth)) < TOLERANCE


def test_age_and_sex_distribution_converges_to_stable(schedule, long_projection):
    survival, fertility = schedule
    stable = stable_distribution(survival, lotka_growth_factor(survival, fertility))
    _, shares = growth_and_shares(long_projection, YEARS)
    assert np.max(np.abs(shares - stable)) < TOLERANCE
    # Relative to each share, including the thin oldest ages.
    assert np.max(np.abs(shares / stable - 1)) < 100 * TOLERANCE


def test_starting_population_is_far_from_stable(schedule, long_projection):
    """The check above is about convergence: the start is far from stable and
    still visibly so after a century."""
    survival, fertility = schedule
    growth = lotka_growth_factor(survival, fertility)
    stable = stable_distribution(survival, growth)
    for year, at_least in ((1, 1e-3), (100, 1e-5)):
        projected, shares = growth_and_shares(long_projection, year)
        assert np.max(np.abs(shares - stable)) > at_least
