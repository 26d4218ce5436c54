"""Tests of ``projsim.demography.lifetable``: golden HMD tables, parity with a loop, invariants.

The golden case and its tolerances are in ``lifetable_cases``; the reference
for parity is a plain loop over age groups written only for the tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lifetable_cases import (
    A0_TOLERANCE,
    ABRIDGED_WIDTHS,
    E0_TOLERANCE,
    HMD_CASES,
    LX_TOLERANCE,
    QX_TOLERANCE,
    abridge,
    hmd_rates,
    hmd_tables,
    reference_life_table,
)

from projsim.demography.lifetable import (
    LifeTable,
    life_expectancy_at_birth,
    life_table,
    survival_ratios,
)
from projsim.types import SEXES


def assert_matches_reference(table: LifeTable, reference: dict[str, list[float]]) -> None:
    for name, expected in reference.items():
        np.testing.assert_allclose(getattr(table, name), expected, rtol=1e-12, err_msg=name)


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


def test_single_open_group_is_exponential():
    assert life_expectancy_at_birth([0.025], "female") == pytest.approx(40.0, rel=1e-15)


def test_certain_death_in_a_closed_group_leaves_later_groups_empty():
    table = life_table([0.01, 3.0, 0.5, 0.6], "male")
    np.testing.assert_array_equal(table.qx[1], 1.0)
    np.testing.assert_array_equal(table.lx[2:], 0.0)
    assert np.isnan(table.ex[2:]).all() and np.isfinite(table.ex[:2]).all()
    ratios = survival_ratios(table)
    assert np.all(np.isfinite(ratios)) and ratios[2] == 0.0


def test_life_table_is_frozen():
    table = life_table([0.01, 0.5], "female")
    assert isinstance(table, LifeTable)
    with pytest.raises(AttributeError, match="cannot assign to field 'ex'"):
        table.ex = table.ex
