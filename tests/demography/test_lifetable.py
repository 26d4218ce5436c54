"""Tests of ``projsim.lifetable``: golden HMD tables, Kannisto, invariants, errors.

The golden case is the set of Belgian HMD period life tables in
``tests/data/hmd`` (see its README). HMD prints ``mx`` and ``qx`` to 5
decimals, ``ax`` and ``ex`` to 2 and ``lx`` to whole persons, so the
tolerances below are those roundings plus what the rounding of ``mx`` does to
a table built from it.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from helpers import raises_exactly
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.integrate import quad

from projsim.demography.lifetable import (
    LifeTable,
    _columns,
    _expectancy_at,
    kannisto_extend,
    kannisto_fit,
    kannisto_life_expectancy,
    life_expectancy_at_birth,
    life_table,
    single_year_summary,
    survival_ratios,
)
from projsim.types import SEXES

HMD_FILE = Path(__file__).parents[1] / "data" / "hmd" / "bel_lifetables_period_1x1.csv"
HMD_YEARS = (1987, 2000, 2011, 2019)
HMD_SEX = {"F": "female", "M": "male"}
HMD_CASES = [(year, sex) for year in HMD_YEARS for sex in SEXES]

#: HMD's ex are rounded to 0.01 years; the brief allows 0.01 at birth.
E0_TOLERANCE = 0.01  # [years]
#: Rounding of HMD's qx (5e-6) plus the effect of rounding mx (5e-6).
QX_TOLERANCE = 1.1e-5
#: HMD's lx are whole persons; the rounded mx of up to 110 ages shift ours by a few.
LX_TOLERANCE = 10.0  # [persons out of 100,000]
#: HMD's ax are rounded to 0.01 years.
A0_TOLERANCE = 0.005  # [years]

ABRIDGED_WIDTHS = np.array([1, 4] + [5] * 18 + [np.inf])  # 0, 1-4, 5-9, ..., 90-94, 95+


@cache
def hmd_tables() -> dict[tuple[int, str], dict[str, np.ndarray]]:
    """HMD's columns by (year, sex label), ages 0..110+ on the last axis."""
    with HMD_FILE.open(newline="") as file:
        rows = list(csv.DictReader(file))
    columns = ("mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex")
    tables = {}
    for year, sex in HMD_CASES:
        selected = [row for row in rows if int(row["year"]) == year and HMD_SEX[row["sex"]] == sex]
        assert [int(row["age"]) for row in selected] == list(range(111))
        assert selected[-1]["age_open_ended"] == "True"
        tables[year, sex] = {name: np.array([float(row[name]) for row in selected]) for name in columns}
    return tables


def hmd_rates(sexes=SEXES) -> np.ndarray:
    """HMD mx with shape (year, sex, age)."""
    return np.array([[hmd_tables()[year, sex]["mx"] for sex in sexes] for year in HMD_YEARS])


# A reference life table written as a plain loop over age groups, for parity
# with the vectorised kernel. The separation factors are typed again from the
# publications: Andreev & Kingkade (2015) (1a0 from 1m0) and Preston,
# Heuveline & Guillot (2001) Table 3.3 (4a1 from 1m0).
AK_A0 = {
    "female": [(0.01724, 0.14903, -2.05527), (0.06891, 0.04667, 3.88089), (np.inf, 0.31411, 0.0)],
    "male": [(0.02300, 0.14929, -1.99545), (0.08307, 0.02832, 3.26021), (np.inf, 0.29915, 0.0)],
}
CD_4A1 = {
    "female": [(0.107, 1.522, -1.518), (np.inf, 1.361, 0.0)],
    "male": [(0.107, 1.651, -2.816), (np.inf, 1.352, 0.0)],
}


def piecewise(rule, m0):
    for upper, intercept, slope in rule:
        if m0 < upper:
            return intercept + slope * m0
    raise AssertionError("unreachable")


def reference_life_table(rates, sex, widths):
    """Scalar loop over groups: the columns qx, ax, lx, Lx and ex for a radix of 1."""
    n_groups = len(rates)
    qx, ax, lx, person_years = [], [], [1.0], []
    for i, (rate, width) in enumerate(zip(rates, widths)):
        if i == n_groups - 1:
            ax.append(1 / rate)
            qx.append(1.0)
            person_years.append(lx[i] / rate)
            break
        if i == 0 and width == 1:
            ax.append(piecewise(AK_A0[sex], rates[0]))
        elif i == 1 and widths[0] == 1 and width == 4:
            ax.append(piecewise(CD_4A1[sex], rates[0]))
        else:
            ax.append(width / 2)
        qx.append(min(1.0, width * rate / (1 + (width - ax[i]) * rate)))
        lx.append(lx[i] * (1 - qx[i]))
        person_years.append(width * lx[i + 1] + ax[i] * lx[i] * qx[i])
    ex = [sum(person_years[i:]) / lx[i] for i in range(n_groups)]
    return {"qx": qx, "ax": ax, "lx": lx, "Lx": person_years, "ex": ex}


def assert_matches_reference(table: LifeTable, reference: dict[str, list[float]]) -> None:
    for name, expected in reference.items():
        np.testing.assert_allclose(getattr(table, name), expected, rtol=1e-12, err_msg=name)


def abridge(rates_single_age: np.ndarray, sex) -> np.ndarray:
    """Rates of the groups 0, 1-4, 5-9, ..., 95+ of a single-age table: sum(dx) / sum(Lx)."""
    table = life_table(rates_single_age, sex)
    starts = np.concatenate([[0, 1], np.arange(5, 100, 5)])
    deaths, person_years = (np.add.reduceat(column, starts, axis=-1) for column in (table.dx, table.Lx))
    return deaths / person_years


def kannisto_rates(level, slope, ages):
    odds = level * np.exp(slope * np.asarray(ages, dtype=float))
    return odds / (1 + odds)


# --- golden case: HMD -------------------------------------------------------


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_hmd_life_expectancy_at_birth(year, sex):
    hmd = hmd_tables()[year, sex]
    e0 = life_expectancy_at_birth(hmd["mx"], sex)
    assert abs(e0 - hmd["ex"][0]) <= E0_TOLERANCE


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_hmd_life_table_columns(year, sex):
    hmd = hmd_tables()[year, sex]
    table = life_table(hmd["mx"], sex)
    np.testing.assert_allclose(table.qx, hmd["qx"], rtol=0, atol=QX_TOLERANCE)
    np.testing.assert_allclose(table.lx, hmd["lx"], rtol=0, atol=LX_TOLERANCE)
    np.testing.assert_allclose(table.ex, hmd["ex"], rtol=0, atol=E0_TOLERANCE)
    assert abs(table.ax[0] - hmd["ax"][0]) <= A0_TOLERANCE
    np.testing.assert_allclose(table.ax[-1], hmd["ax"][-1], atol=A0_TOLERANCE)


# --- Kannisto ------------------------------------------------------------------


def test_kannisto_fit_recovers_parameters_of_exact_rates():
    ages = np.arange(111)
    level = np.array([[2e-5, 5e-5], [1e-5, 8e-6], [3e-5, 1e-4]])
    slope = np.array([[0.11, 0.10], [0.12, 0.125], [0.09, 0.105]])
    rates = kannisto_rates(level[..., None], slope[..., None], ages)
    fitted_level, fitted_slope = kannisto_fit(rates, ages, fit_ages=(80, 99))
    assert fitted_level.shape == fitted_slope.shape == (3, 2)
    np.testing.assert_allclose(fitted_level, level, rtol=1e-10)
    np.testing.assert_allclose(fitted_slope, slope, rtol=1e-10)


def test_kannisto_extend_keeps_observed_and_uses_fitted_rates():
    hmd = hmd_tables()[2011, "female"]["mx"][:100]
    extended = kannisto_extend(hmd, np.arange(100), fit_ages=(80, 99), replace_from=90, open_age=110)
    level, slope = kannisto_fit(hmd, np.arange(100), fit_ages=(80, 99))
    assert extended.shape == (111,)
    np.testing.assert_array_equal(extended[:90], hmd[:90])
    np.testing.assert_allclose(extended[90:110], kannisto_rates(level, slope, np.arange(90, 110)), rtol=1e-14)
    assert extended[-1] == pytest.approx(1 / kannisto_life_expectancy(level, slope, 110.0), rel=1e-14)


def test_kannisto_life_expectancy_matches_adaptive_quadrature():
    # m_x = mu(x + 1/2): the force at exact age t is the curve evaluated at t - 1/2.
    for level, slope, age in [(2e-5, 0.11, 110.0), (1e-6, 0.15, 80.0), (5e-4, 0.06, 100.0)]:
        def survival(t):
            log_odds = np.log(level) + slope * (age - 0.5 + np.array([t, 0.0]))
            hazard_integral = np.diff(np.logaddexp(0, log_odds)[::-1])[0] / slope
            return np.exp(-hazard_integral)

        expected = quad(survival, 0, np.inf, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert kannisto_life_expectancy(level, slope, age) == pytest.approx(expected, rel=1e-10)


def test_kannisto_open_group_of_flat_unit_hazard_lives_one_year():
    # A huge level makes the Kannisto force equal to 1 per year at every age.
    assert kannisto_life_expectancy(1e15, 0.1, 100.0) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(("year", "sex"), [(2011, "female"), (2011, "male")])
def test_kannisto_extension_of_truncated_rates_reproduces_hmd(year, sex):
    """Rates cut at 99 and closed by Kannisto at 110+ give HMD's e0 and e80."""
    hmd = hmd_tables()[year, sex]
    truncated = hmd["mx"][:100]
    extended = kannisto_extend(truncated, np.arange(100), fit_ages=(80, 99), replace_from=100, open_age=110)
    table = life_table(extended, sex)
    full_e0 = life_expectancy_at_birth(hmd["mx"], sex)
    assert abs(table.ex[0] - full_e0) < 1e-3  # [years]
    assert abs(table.ex[80] - hmd["ex"][80]) < E0_TOLERANCE  # [years]
    assert abs(table.ex[100] - hmd["ex"][100]) < 0.02  # [years]


# --- invariants and parity ------------------------------------------------------


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_single_age_table_equals_loop_reference(year, sex):
    rates = hmd_tables()[year, sex]["mx"]
    widths = np.append(np.ones(110), np.inf)
    table = life_table(rates, sex, radix=1.0)
    assert_matches_reference(table, reference_life_table(rates, sex, widths))


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_abridged_table_equals_loop_reference(year, sex):
    rates = abridge(hmd_tables()[year, sex]["mx"], sex)
    table = life_table(rates, sex, age_width=ABRIDGED_WIDTHS, radix=1.0)
    assert_matches_reference(table, reference_life_table(rates, sex, ABRIDGED_WIDTHS))


@pytest.mark.parametrize(("year", "sex"), HMD_CASES)
def test_abridged_table_is_close_to_single_age_table(year, sex):
    """Grouping the rates of a single-age table changes e0 only through ax.

    With a = n/2 in the 5-year groups (the documented simplification), the
    abridged e0 of these tables is 0.03 to 0.06 years below the single-age one.
    """
    rates = hmd_tables()[year, sex]["mx"]
    single = life_expectancy_at_birth(rates, sex)
    abridged = life_expectancy_at_birth(abridge(rates, sex), sex, age_width=ABRIDGED_WIDTHS)
    assert abs(abridged - single) < 0.1  # [years]


def test_table_invariants():
    rates = hmd_rates()
    table = life_table(rates, SEXES, radix=100_000.0)
    assert table.lx.shape == rates.shape == (4, 2, 111)
    assert np.all(np.diff(table.lx, axis=-1) < 0)
    np.testing.assert_allclose(table.lx[..., 0], 100_000.0, rtol=0)
    np.testing.assert_allclose(table.dx.sum(axis=-1), 100_000.0, rtol=1e-12)
    np.testing.assert_allclose(table.Tx[..., 0] / table.lx[..., 0], table.ex[..., 0], rtol=1e-14)
    np.testing.assert_allclose(table.Tx[..., 0], table.Lx.sum(axis=-1), rtol=1e-12)
    np.testing.assert_array_equal(table.qx[..., -1], 1.0)
    np.testing.assert_allclose(table.ax[..., -1] * table.mx[..., -1], 1.0, rtol=1e-15)
    np.testing.assert_allclose(table.dx, table.lx * table.qx, rtol=1e-14)
    assert np.all((table.ax[..., :-1] >= 0) & (table.ax[..., :-1] <= 1))


@settings(max_examples=60, deadline=None)
@given(
    closed=arrays(float, st.tuples(st.integers(1, 3), st.integers(1, 30)), elements=st.floats(0, 5)),
    open_rate=st.floats(1e-3, 5),
    width=st.sampled_from([1, 5]),
    sex=st.sampled_from(SEXES),
)
def test_invariants_hold_for_any_rates(closed, open_rate, width, sex):
    """Any non-negative rates, including q capped at 1, give a consistent table."""
    rates = np.concatenate([closed, np.full((closed.shape[0], 1), open_rate)], axis=-1)
    table = life_table(rates, sex, age_width=width, radix=1.0)
    assert np.all(np.diff(table.lx, axis=-1) <= 0) and np.all(table.lx >= 0)
    assert np.all((table.qx >= 0) & (table.qx <= 1))
    np.testing.assert_allclose(table.dx.sum(axis=-1), 1.0, rtol=1e-12)
    e0 = life_expectancy_at_birth(rates, sex, age_width=width)
    np.testing.assert_allclose(e0, table.ex[..., 0], rtol=1e-12)
    ratios = survival_ratios(table, step_width=width)
    assert np.all((ratios >= 0) & (ratios <= 1))


def test_life_expectancy_at_birth_equals_table():
    rates = hmd_rates()
    sexes = np.array(SEXES)
    np.testing.assert_allclose(
        life_expectancy_at_birth(rates, sexes), life_table(rates, sexes).ex[..., 0], rtol=1e-12
    )
    abridged = abridge(rates, sexes)
    np.testing.assert_allclose(
        life_expectancy_at_birth(abridged, sexes, age_width=ABRIDGED_WIDTHS),
        life_table(abridged, sexes, age_width=ABRIDGED_WIDTHS).ex[..., 0],
        rtol=1e-12,
    )


def test_batch_equals_per_slice():
    rates = hmd_rates()[:3]  # (3, 2, 111)
    batch = life_table(rates, ["female", "male"])
    for i in range(3):
        for j, sex in enumerate(SEXES):
            single = life_table(rates[i, j], sex)
            for name in ("mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex"):
                np.testing.assert_array_equal(getattr(batch, name)[i, j], getattr(single, name))
            assert life_expectancy_at_birth(rates[i, j], sex) == pytest.approx(
                life_expectancy_at_birth(rates, ["female", "male"])[i, j], rel=1e-15
            )


def test_sex_changes_only_the_separation_factors_of_ages_0_to_4():
    rates = abridge(hmd_tables()[2000, "male"]["mx"], "male")
    female, male = (life_table(rates, sex, age_width=ABRIDGED_WIDTHS) for sex in SEXES)
    assert female.ax[0] != male.ax[0] and female.ax[1] != male.ax[1]
    np.testing.assert_array_equal(female.ax[2:], male.ax[2:])
    np.testing.assert_allclose(female.ex[2:], male.ex[2:], rtol=1e-13)


def age_major(rates: np.ndarray) -> np.ndarray:
    """The same rates as a view whose age axis is the slowest in memory."""
    return np.ascontiguousarray(np.moveaxis(rates, -1, 0)).transpose(*range(1, rates.ndim), 0)


def test_age_major_columns_equal_the_loop_reference():
    """The layout in which the indicators summarise many schedules at once
    (one vectorised step per age, see projsim.indicators) against the scalar loop."""
    rng = np.random.default_rng(11)
    rates = hmd_rates() * np.exp(0.3 * rng.standard_normal((4, 2, 111)))
    abridged = abridge(rates, np.array([SEXES] * 4))
    rates[0, 1, 40] = 2.5  # a closed group where everybody dies
    for rates_of, widths in ((rates, np.append(np.ones(110), np.inf)),
                             (abridged, ABRIDGED_WIDTHS)):
        sex_index = np.array([[0, 1]] * 4)
        columns = _columns(age_major(rates_of), widths, sex_index)
        ax, qx, lx, _, person_years = columns
        assert person_years.strides[-1] > person_years.strides[0]
        groups = [0, 1, 65 if widths[2] == 1 else 14]
        expectancy = _expectancy_at(lx, person_years, groups)
        for i, j in np.ndindex(4, 2):
            with np.errstate(invalid="ignore"):  # e(x) = 0 / 0 after certain death
                reference = reference_life_table(rates_of[i, j], SEXES[j], widths)
            for name, column in (("ax", ax), ("qx", qx), ("lx", lx), ("Lx", person_years)):
                np.testing.assert_allclose(column[i, j], reference[name], rtol=1e-12, err_msg=name)
            np.testing.assert_allclose(expectancy[i, j], np.array(reference["ex"])[groups],
                                       rtol=1e-12)
        # The row-major layout (numpy.cumprod) gives the same numbers, bit for bit.
        for by_row, by_age in zip(_columns(rates_of, widths, sex_index), columns):
            np.testing.assert_array_equal(by_row, by_age)


@pytest.mark.parametrize("closed", [False, True])
def test_compiled_summary_equals_numpy(closed):
    """The optional numba loop of single_year_summary against its numpy path,
    on random schedules with missing rates, certain deaths and both sexes."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(5)
    rates = hmd_rates().reshape(-1, 111)[rng.integers(0, 8, 3000)]
    rates = rates * np.exp(0.5 * rng.standard_normal(rates.shape))
    rates[7, 50] = np.nan
    rates[8] = np.nan
    rates[9, 30] = 3.0
    sex_index = rng.integers(0, 2, 3000)
    groups = ([0, 65, 110], [0, 20, 49]) if not closed else ((), [0, 20, 49])
    by_numba = single_year_summary(rates, sex_index, *groups, closed=closed)
    by_numpy = single_year_summary(rates, sex_index, *groups, closed=closed, compiled=False)
    for compiled, plain in zip(by_numba, by_numpy):
        np.testing.assert_allclose(compiled, plain, rtol=1e-12)
    tables = [life_table(rates[row], SEXES[sex_index[row]]) for row in range(10, 20)]
    if not closed:
        np.testing.assert_allclose(by_numpy[0][10:20], [t.ex[[0, 65, 110]] for t in tables],
                                   rtol=1e-12)
        assert np.isnan(by_numba[0][[7, 8]]).all() and np.isnan(by_numba[0][9, 2])
    np.testing.assert_allclose(by_numpy[1][10:20], [t.Lx[[0, 20, 49]] / 1e5 for t in tables],
                               rtol=1e-12)


def test_single_open_group_is_exponential():
    assert life_expectancy_at_birth([0.025], "female") == pytest.approx(40.0, rel=1e-15)


def test_certain_death_in_a_closed_group_leaves_later_groups_empty():
    table = life_table([0.01, 3.0, 0.5, 0.6], "male")
    np.testing.assert_array_equal(table.qx[1], 1.0)
    np.testing.assert_array_equal(table.lx[2:], 0.0)
    assert np.isnan(table.ex[2:]).all() and np.isfinite(table.ex[:2]).all()
    ratios = survival_ratios(table)
    assert np.all(np.isfinite(ratios)) and ratios[2] == 0.0


def test_survival_ratios_follow_the_un_labelling():
    rates = hmd_rates()
    table = life_table(rates, SEXES)
    ratios = survival_ratios(table)
    assert ratios.shape == table.Lx.shape
    assert np.all((ratios >= 0) & (ratios <= 1))
    np.testing.assert_allclose(ratios[..., 0], table.Lx[..., 0] / table.lx[..., 0], rtol=1e-14)
    np.testing.assert_allclose(ratios[..., 1:-1], table.Lx[..., 1:-1] / table.Lx[..., :-2], rtol=1e-12)
    np.testing.assert_allclose(ratios[..., -1], table.Tx[..., -1] / table.Tx[..., -2], rtol=1e-12)


def test_survival_ratios_for_five_year_groups_and_step():
    rates = abridge(hmd_tables()[2019, "female"]["mx"], "female")[..., 1:]  # stand-in 5-year rates
    table = life_table(rates, "female", age_width=5)
    ratios = survival_ratios(table, step_width=5)
    np.testing.assert_allclose(ratios[0], table.Lx[0] / (5 * table.lx[0]), rtol=1e-14)
    np.testing.assert_allclose(ratios[1:-1], table.Lx[1:-1] / table.Lx[:-2], rtol=1e-12)
    np.testing.assert_allclose(ratios[-1], table.Tx[-1] / table.Tx[-2], rtol=1e-12)


# --- error messages ----------------------------------------------------------------



def test_error_nan_rate():
    rates = np.full((2, 3), 0.1)
    rates[1, 2] = np.nan
    with raises_exactly(
        "argument 'mortality_rate': got nan at index (1, 2); expected finite central death rates "
        "[per person-year]. Fix: fill the gap with observed or modelled rates before building the table."
    ):
        life_table(rates, "female")


def test_error_negative_rate():
    with raises_exactly(
        "argument 'mortality_rate': got -0.001 at index (1,); expected central death rates >= 0 "
        "[per person-year]. Fix: check the deaths and exposures the rates were computed from."
    ):
        life_expectancy_at_birth([0.01, -0.001, 0.5], "male")


def test_error_zero_rate_in_open_group():
    with raises_exactly(
        "argument 'mortality_rate': got 0.0 in the open age group at leading index (1,); expected a positive "
        "rate in the open age group, whose person-years are l/m. Fix: pool the oldest ages into a group with "
        "deaths, or close the table with kannisto_extend."
    ):
        life_table([[0.01, 0.5], [0.01, 0.0]], "female")


def test_error_unknown_sex_label():
    with raises_exactly(
        "argument 'sex': got 'F' at index (1,); expected 'female' or 'male'. "
        "Fix: label sex with the values of projsim.types.SEXES."
    ):
        life_table(np.full((2, 3), 0.1), ["female", "F"])


def test_error_sex_shape():
    with raises_exactly(
        "argument 'sex': got labels of shape (3,); expected one label, or labels that broadcast to "
        "the leading shape (2,) of 'mortality_rate'. Fix: give one label per row of the rates, "
        "with length-1 axes where sex does not vary."
    ):
        life_expectancy_at_birth(np.full((2, 3), 0.1), ["female", "male", "female"])


def test_error_widths_do_not_match_last_axis():
    with raises_exactly(
        "argument 'age_width': got 3 widths (shape (3,)); expected one width per age group on the last axis "
        "of 'mortality_rate', that is 4. Fix: pass one width [years] per age group, ending with np.inf for "
        "the open group."
    ):
        life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, np.inf])


def test_error_open_group_width_not_infinite():
    with raises_exactly(
        "argument 'age_width': got [1., 4., 5., 5.]; expected positive finite widths [years] for the closed "
        "groups and np.inf for the open group. Fix: give widths such as 1 or [1, 4, 5, ..., 5, np.inf]."
    ):
        life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, 5, 5])


def test_error_survival_ratios_of_abridged_table():
    table = life_table([0.01, 0.001, 0.002, 0.3], "female", age_width=[1, 4, 5, np.inf])
    with raises_exactly(
        "argument 'table': got age widths [ 1.,  4.,  5., inf] for a step of 5 years; expected at least one "
        "closed age group and every closed group 5 years wide. Fix: build the table with age_width equal to "
        "the projection step."
    ):
        survival_ratios(table, step_width=5)


def test_error_survival_ratios_of_something_else():
    with raises_exactly(
        "argument 'table': got an object of type ndarray; expected a LifeTable. "
        "Fix: build the table with projsim.demography.life_table."
    ):
        survival_ratios(np.ones(3))


def test_kannisto_fit_accepts_old_ages_only():
    ages = np.arange(80, 100)
    level, slope = kannisto_fit(kannisto_rates(3e-5, 0.105, ages), ages)
    assert (level, slope) == (pytest.approx(3e-5, rel=1e-10), pytest.approx(0.105, rel=1e-10))


def test_error_kannisto_ages_do_not_match():
    with raises_exactly(
        "argument 'ages': got [ 0,  1,  2, ..., 97, 98, 99] (shape (100,)); expected 101 consecutive single "
        "ages 1 year apart, one per rate on the last axis. "
        "Fix: pass the integer age [years] of each rate, for example np.arange(mortality_rate.shape[-1])."
    ):
        kannisto_fit(np.full(101, 0.1), np.arange(100))


def test_error_kannisto_extend_ages_not_from_zero():
    with raises_exactly(
        "argument 'ages': got [  1,   2,   3, ...,  98,  99, 100] (shape (100,)); expected 100 consecutive "
        "single ages starting at 0, one per rate on the last axis. "
        "Fix: pass the integer age [years] of each rate, for example np.arange(mortality_rate.shape[-1])."
    ):
        kannisto_extend(np.full(100, 0.1), np.arange(1, 101), replace_from=90, open_age=110)


def test_error_kannisto_fit_ages_outside_rates():
    with raises_exactly(
        "argument 'fit_ages': got (80, 105); expected two ages first < last within the observed ages 0..99. "
        "Fix: fit on an age range the rates cover, for example (80, 99)."
    ):
        kannisto_fit(np.full(100, 0.1), np.arange(100), fit_ages=(80, 105))


def test_error_kannisto_rate_without_logit():
    rates = np.full(100, 0.1)
    rates[95] = 1.2
    with raises_exactly(
        "argument 'mortality_rate': got 1.2 at index (95,); expected rates strictly between 0 and 1 at the "
        "fitting ages 80..99. Fix: choose fit_ages where every rate is positive and below 1."
    ):
        kannisto_extend(rates, np.arange(100), replace_from=90, open_age=110)


def test_error_kannisto_replace_from_beyond_observed_ages():
    with raises_exactly(
        "argument 'replace_from': got 101; expected an age from 0 to min(number of observed ages, open_age) "
        "= 100. Fix: keep observed rates only for ages that were observed."
    ):
        kannisto_extend(np.full(100, 0.1), np.arange(100), replace_from=101, open_age=110)


def test_error_kannisto_slope_not_positive():
    rates = np.full((1, 100), 0.1)
    rates[0, 80:] = np.linspace(0.2, 0.1, 20)
    with raises_exactly(
        "argument 'mortality_rate': got a Kannisto slope of -0.04219 per year of age at leading "
        "index (0,); expected rates that rise with age over the fitting ages 80..99. "
        "Fix: fit on older ages or on rates pooled over more years."
    ):
        kannisto_extend(rates, np.arange(100), replace_from=90, open_age=110)


def test_life_table_is_frozen():
    table = life_table([0.01, 0.5], "female")
    assert isinstance(table, LifeTable)
    with pytest.raises(AttributeError, match="cannot assign to field 'ex'"):
        table.ex = table.ex
