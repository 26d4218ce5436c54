"""Tests of ``projsim.demography.columns``: the columns in both memory layouts.

The reference is the plain loop over age groups of ``lifetable_cases``.
"""

from __future__ import annotations

import numpy as np
from lifetable_cases import ABRIDGED_WIDTHS, abridge, hmd_rates, reference_life_table

from projsim.demography.columns import expectancy_at, life_table_columns
from projsim.types import SEXES


def age_major(rates: np.ndarray) -> np.ndarray:
    """The same rates as a view whose age axis is the slowest in memory."""
    return np.ascontiguousarray(np.moveaxis(rates, -1, 0)).transpose(*range(1, rates.ndim), 0)


def test_age_major_columns_equal_the_loop_reference():
    """The layout in which the indicators summarise many schedules at once
    (one vectorised step per age, see projsim.analysis.indicators) against the scalar loop."""
    rng = np.random.default_rng(11)
    rates = hmd_rates() * np.exp(0.3 * rng.standard_normal((4, 2, 111)))
    abridged = abridge(rates, np.array([SEXES] * 4))
    rates[0, 1, 40] = 2.5  # a closed group where everybody dies
    for rates_of, widths in ((rates, np.append(np.ones(110), np.inf)),
                             (abridged, ABRIDGED_WIDTHS)):
        sex_index = np.array([[0, 1]] * 4)
        columns = life_table_columns(age_major(rates_of), widths, sex_index)
        ax, qx, lx, _, person_years = columns
        assert person_years.strides[-1] > person_years.strides[0]
        groups = [0, 1, 65 if widths[2] == 1 else 14]
        expectancy = expectancy_at(lx, person_years, groups)
        for i, j in np.ndindex(4, 2):
            with np.errstate(invalid="ignore"):  # e(x) = 0 / 0 after certain death
                reference = reference_life_table(rates_of[i, j], SEXES[j], widths)
            for name, column in (("ax", ax), ("qx", qx), ("lx", lx), ("Lx", person_years)):
                np.testing.assert_allclose(column[i, j], reference[name], rtol=1e-12, err_msg=name)
            np.testing.assert_allclose(expectancy[i, j], np.array(reference["ex"])[groups],
                                       rtol=1e-12)
        # The row-major layout (numpy.cumprod) gives the same numbers, bit for bit.
        for by_row, by_age in zip(life_table_columns(rates_of, widths, sex_index), columns):
            np.testing.assert_array_equal(by_row, by_age)
