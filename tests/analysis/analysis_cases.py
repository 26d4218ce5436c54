"""What the analysis tests build: a result small enough to check by hand, and
scenarios that extend others.

The hand-made result has two regions, four ages (0, 1, 2 and the open group 3+)
and two dates, 2020 and 2021; every expected value in the tests is worked out
from its numbers in the comments, without projsim.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from projsim.io import load_scenario
from projsim.types import SEXES

NAN = np.nan


def hand_made() -> xr.Dataset:
    """A result with numbers small enough to check every indicator by hand."""
    dims = ("time", "region", "sex", "age")
    population = np.array([
        # 2020: region A (female, male), region B (female, male); ages 0, 1, 2, 3+
        [[[10, 20, 30, 10], [10, 20, 10, 10]], [[10, 40, 10, 10], [20, 0, 10, 10]]],
        # 2021
        [[[10, 40, 30, 10], [10, 20, 30, 10]], [[10, 20, 10, 10], [20, 0, 10, 10]]],
    ], dtype=float)
    missing = np.full((1, 2, 2, 4), NAN)

    def flow(values_2020):
        return dims, np.concatenate([np.array(values_2020, dtype=float)[None], missing])

    mortality = [[[0.0, 0.1, 0.2, 0.5], [0.0, 0.2, 0.3, 0.6]],
                 [[0.0, 0.22, 0.32, 0.62], [0.0, 0.27, 0.37, 0.67]]]
    zeros = np.zeros((2, 2, 4))
    return xr.Dataset(
        {
            "population": (dims, population),
            "births": (("time", "region", "sex"), [[[10.0, 10.0], [8.0, 12.0]], [[NAN] * 2] * 2]),
            "births_by_age_of_mother": (("time", "region", "age"),
                                        [[[0, 10, 10, 0], [0, 12, 8, 0]], [[NAN] * 4] * 2]),
            "deaths": flow([[[0, 1, 2, 3], [0, 2, 2, 2]], [[0, 1, 1, 1], [0, 0, 1, 1]]]),
            "net_migration": flow([[[1, 1, 1, 1], [0, 0, 0, 0]], [[2, 0, 0, 0], [0, 0, 0, 0]]]),
            "internal_in": flow([[[0, 3, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [0, 1, 0, 0]]]),
            "internal_out": flow([[[0, 0, 0, 0], [0, 1, 0, 0]], [[0, 3, 0, 0], [0, 0, 0, 0]]]),
            "migration_adjustment": flow(zeros),
            "population_floor": flow(zeros),
            "mortality_rate": flow(mortality),
            "fertility_rate": (("time", "region", "age"),
                               [[[0, 0.5, 0.5, 0], [0, 1.0, 0.5, 0]], [[NAN] * 4] * 2]),
            "sex_ratio_at_birth": (("time", "region"), [[1.0, 1.5], [NAN, NAN]]),
        },
        coords={"time": [2020, 2021], "region": ["A", "B"], "sex": list(SEXES),
                "age": ("age", np.arange(4), {"open_age": 3})},
    )


# Mid-year populations E = (P2020 + P2021) / 2 by region, sex and age:
#   A female [10, 30, 30, 10] = 80    A male [10, 20, 20, 10] = 60
#   B female [10, 30, 10, 10] = 60    B male [20,  0, 10, 10] = 40     total 240
# 1 January totals: 2020 A 120, B 110 (230); 2021 A 160, B 90 (250).


def at_2020(data):
    """The values of 2020, the year whose flows the tests check."""
    return data.sel(time=2020).values


def hand_e0(m1, m2, m3):
    """e0 of rates (0, m1, m2, m3+) with a(x) = 1/2 above age 0: no deaths at age 0,
    then L = l / (1 + m/2), l(x+1) = l(x) (1 - m/2) / (1 + m/2), L(3+) = l(3) / m3."""
    l2 = (1 - m1 / 2) / (1 + m1 / 2)
    l3 = l2 * (1 - m2 / 2) / (1 + m2 / 2)
    return 1 + 1 / (1 + m1 / 2) + l2 / (1 + m2 / 2) + l3 / m3


def extending(tmp_path, parent, body, name="child"):
    """A scenario file in ``tmp_path`` that extends ``parent`` with ``body``, loaded."""
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nextends = "{parent}"\n{body}')
    return load_scenario(path)
