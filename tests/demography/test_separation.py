"""Tests of ``projsim.demography.separation``: a(x) rules against published tables and a loop.

Golden cases: a table of the UN's *Model Life Tables for Developing Countries*
(Greville's rule with Coale-Demeny's first years) and WPP 2024's life
expectancy for Belgium from its own abridged death rates (``wpp_cases``).
Parity: the vectorised rules against the plain loop of ``lifetable_cases``.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_exactly
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lifetable_cases import ABRIDGED_WIDTHS, HMD_CASES, abridge, hmd_rates, hmd_tables, reference_life_table
from wpp_cases import ABRIDGED_WIDTHS as WPP_WIDTHS
from wpp_cases import wpp_life_tables

from projsim.demography.lifetable import life_expectancy_at_birth, life_table
from projsim.demography.separation import (
    constant_force_separation, greville_separation, separation_factors,
)
from projsim.types import INFANT_RULES, SEPARATION_RULES, SEXES

#: The criterion of the WPP golden case [years].
WPP_E0_TOLERANCE = 0.02


# --- golden: a UN model life table ---------------------------------------------


def test_greville_reproduces_a_un_model_life_table():
    """United Nations (1982), *Model Life Tables for Developing Countries*, p. 34:
    the first Latin American model table for males, its nmx and nax (as printed,
    to three decimals; the values as quoted in the axUN example of the R package
    DemoTools). Coale-Demeny's first years (1m0 above 0.107), n/2 at 5-14,
    Greville from 15 with the last closed group on the slope of the one before."""
    rates = [0.23669, 0.04672, 0.00982, 0.00511, 0.00697, 0.01036, 0.01169, 0.01332, 0.01528, 0.01757,
             0.02092, 0.02517, 0.03225, 0.04241, 0.06056, 0.08574, 0.11840, 0.16226, 0.23745]
    printed = [0.330, 1.352, 2.500, 2.500, 2.633, 2.586, 2.528, 2.528, 2.526, 2.529, 2.531, 2.538,
               2.542, 2.543, 2.520, 2.461, 2.386, 2.295, 4.211]
    widths = [1, 4] + [5] * 16 + [np.inf]
    table = life_table(rates, "male", age_width=widths, separation="greville", infant="coale-demeny")
    np.testing.assert_allclose(table.ax, printed, rtol=0, atol=5e-4)


# --- golden: WPP 2024 Belgium ------------------------------------------------------


def wpp_errors(separation, infant):
    """Our e0 minus WPP's published e0 [years], (period, sex)."""
    _, rates, published = wpp_life_tables()
    ours = life_expectancy_at_birth(rates, np.array(SEXES), age_width=WPP_WIDTHS,
                                    separation=separation, infant=infant)
    return ours - published


def test_wpp_cases_cover_1950_to_2100():
    periods, rates, _ = wpp_life_tables()
    assert periods[0] == "1950-1955" and periods[-1] == "2095-2100" and len(periods) == 30
    assert rates.shape == (30, 2, 22)


@pytest.mark.parametrize("infant", INFANT_RULES)
def test_greville_gives_wpp_e0_in_every_period(infant):
    """The UN's rule reproduces WPP's e0 within 0.02 years in all 30 periods, both sexes;
    measured: within 0.0001 years with Andreev-Kingkade's 1a0, 0.0021 with Coale-Demeny's."""
    errors = wpp_errors("greville", infant)
    assert np.abs(errors).max() <= WPP_E0_TOLERANCE
    worst = {"andreev-kingkade": 2e-4, "coale-demeny": 3e-3}[infant]
    assert np.abs(errors).max() <= worst


@pytest.mark.parametrize(("separation", "shortest", "longest"),
                         [("midpoint", 0.027, 0.09), ("constant-force", 0.08, 0.17)])
def test_other_rules_fall_short_of_wpp_e0(separation, shortest, longest):
    """Half the width, or a constant force, puts deaths too early in groups where
    mortality rises: e0 falls short of WPP's in every period, by these bounds [years]."""
    errors = wpp_errors(separation, "andreev-kingkade")
    assert np.all(-errors > shortest) and np.all(-errors < longest)


# --- abridged HMD tables against the single-year tables they come from ----------


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_greville_keeps_the_e0_of_the_single_year_table(year, sex):
    """Abridging HMD's single-year tables (rates sum(d)/sum(L)) and rebuilding them:
    Greville's a(x) keeps e0 within 0.004 years, half the width loses 0.03 to 0.06."""
    rates = hmd_tables()[year, sex]["mx"]
    single = life_expectancy_at_birth(rates, sex)
    abridged = abridge(rates, sex)
    greville = life_expectancy_at_birth(abridged, sex, age_width=ABRIDGED_WIDTHS, separation="greville")
    midpoint = life_expectancy_at_birth(abridged, sex, age_width=ABRIDGED_WIDTHS)
    assert abs(greville - single) < 0.004
    assert 0.03 < single - midpoint < 0.06


# --- parity with the plain loop, and invariants -----------------------------------


@pytest.mark.parametrize("separation", SEPARATION_RULES)
@pytest.mark.parametrize("infant", INFANT_RULES)
def test_rules_equal_the_loop_reference(separation, infant):
    rng = np.random.default_rng(5)
    rates = hmd_rates() * np.exp(0.3 * rng.standard_normal((4, 2, 111)))
    rates[0, 0, 50] = 0.0  # no deaths in a group: no slope can be read beside it
    # The loop's closed form of the constant-force a(x) loses digits where n m is
    # small, where the module switches to the series.
    tolerance = 1e-11 if separation == "constant-force" else 1e-12
    for rates_of, widths in ((abridge(rates, np.array([SEXES] * 4)), ABRIDGED_WIDTHS),
                             (rates, np.append(np.ones(110), np.inf))):
        table = life_table(rates_of, np.array(SEXES), age_width=widths, radix=1.0,
                           separation=separation, infant=infant)
        for i, j in np.ndindex(4, 2):
            reference = reference_life_table(rates_of[i, j], SEXES[j], widths, separation, infant)
            for name in ("ax", "qx", "lx", "Lx", "ex"):
                np.testing.assert_allclose(getattr(table, name)[i, j], reference[name], rtol=tolerance,
                                           err_msg=f"{name} {i} {j}")


def test_constant_force_gives_exponential_survival():
    rates = abridge(hmd_tables()[2019, "male"]["mx"], "male")
    table = life_table(rates, "male", age_width=ABRIDGED_WIDTHS, separation="constant-force")
    closed = slice(2, -1)  # 0 and 1-4 keep the infant and child rules
    np.testing.assert_allclose(table.qx[closed], -np.expm1(-ABRIDGED_WIDTHS[closed] * rates[closed]),
                               rtol=1e-12)


def test_midpoint_is_half_the_width_and_default():
    rates = abridge(hmd_tables()[2000, "female"]["mx"], "female")
    default = life_table(rates, "female", age_width=ABRIDGED_WIDTHS)
    midpoint = life_table(rates, "female", age_width=ABRIDGED_WIDTHS, separation="midpoint",
                          infant="andreev-kingkade")
    np.testing.assert_array_equal(default.ax, midpoint.ax)
    np.testing.assert_array_equal(default.ax[2:-1], 2.5)


def test_greville_covers_ages_15_and_over_only():
    rates = abridge(hmd_tables()[2011, "male"]["mx"], "male")
    factors = separation_factors(rates, ABRIDGED_WIDTHS, np.array(1), "greville")
    np.testing.assert_array_equal(factors[2:4], 2.5)  # ages 5-9 and 10-14
    assert np.all(factors[4:-1] != 2.5)
    # the last closed group (90-94) takes the slope of 85-89
    slope = np.log(rates[-2] / rates[-4]) / 10
    assert factors[-2] == pytest.approx(2.5 - 25 / 12 * (rates[-2] - slope), rel=1e-14)


def test_greville_is_bounded_and_silent_at_extreme_rates():
    rates = np.array([0.0, 0.0, 5.0, 0.0, 1e-9, 3.0, 40.0])
    factors = greville_separation(rates, np.array([5, 5, 5, 5, 5, 5, np.inf]))
    floor = 1 - 5 / np.expm1(5)
    assert np.all((factors[:-1] >= floor) & (factors[:-1] <= 5))
    assert factors[2] == pytest.approx(floor)  # k = 0 beside zero rates: 2.5 - 25/12 * 5 < floor


def test_constant_force_series_meets_the_closed_form():
    widths = np.array([5.0, 5.0])
    below, above = constant_force_separation(np.array([0.999e-3, 1.001e-3]) / 5, widths)
    assert below == pytest.approx(above, abs=1e-6)
    assert constant_force_separation(np.array([0.0]), np.array([1.0]))[0] == 0.5


@settings(max_examples=60, deadline=None)
@given(
    closed=arrays(float, st.tuples(st.integers(1, 3), st.integers(1, 30)), elements=st.floats(0, 5)),
    open_rate=st.floats(1e-3, 5),
    abridged=st.booleans(),
    separation=st.sampled_from(SEPARATION_RULES),
    infant=st.sampled_from(INFANT_RULES),
    sex=st.sampled_from(SEXES),
)
def test_invariants_hold_for_any_rates_and_rules(closed, open_rate, abridged, separation, infant, sex):
    rates = np.concatenate([closed, np.full((closed.shape[0], 1), open_rate)], axis=-1)
    n_groups = rates.shape[-1]
    widths = np.append([1, 4, 5, 5, 5, 5][:n_groups - 1] + [5] * max(0, n_groups - 7), np.inf) \
        if abridged else 5
    table = life_table(rates, sex, age_width=widths, radix=1.0, separation=separation, infant=infant)
    closed_widths = np.broadcast_to(table.age_width[:-1], table.ax[..., :-1].shape)
    assert np.all((table.ax[..., :-1] >= 0) & (table.ax[..., :-1] <= closed_widths))
    assert np.all((table.qx >= 0) & (table.qx <= 1))
    assert np.all(np.diff(table.lx, axis=-1) <= 0) and np.all(table.lx >= 0)
    np.testing.assert_allclose(table.dx.sum(axis=-1), 1.0, rtol=1e-12)


# --- errors ---------------------------------------------------------------------


def test_error_unknown_separation_rule():
    with raises_exactly(
        "argument 'separation': got 'Greville'; expected 'midpoint' or 'greville' or 'constant-force'. "
        "Fix: choose one of the rules of projsim.types.SEPARATION_RULES."
    ):
        life_table([0.01, 0.5], "female", separation="Greville")


def test_error_unknown_infant_rule():
    with raises_exactly(
        "argument 'infant': got 'hmd'; expected 'andreev-kingkade' or 'coale-demeny'. "
        "Fix: choose one of the rules of projsim.types.INFANT_RULES."
    ):
        life_expectancy_at_birth([0.01, 0.5], "male", infant="hmd")
