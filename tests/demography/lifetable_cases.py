"""What the life-table tests share: HMD's Belgian tables and a plain-loop reference.

The golden case is the set of Belgian HMD period life tables in
``tests/data/hmd`` (see its README). HMD prints ``mx`` and ``qx`` to 5
decimals, ``ax`` and ``ex`` to 2 and ``lx`` to whole persons, so the
tolerances below are those roundings plus what the rounding of ``mx`` does to
a table built from it.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path

import numpy as np

from projsim.demography.lifetable import life_table
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
# Coale-Demeny 1a0 from 1m0, Preston, Heuveline & Guillot (2001) Table 3.3 (West).
CD_A0 = {
    "female": [(0.107, 0.053, 2.800), (np.inf, 0.350, 0.0)],
    "male": [(0.107, 0.045, 2.684), (np.inf, 0.330, 0.0)],
}
A0_RULES = {"andreev-kingkade": AK_A0, "coale-demeny": CD_A0}


def piecewise(rule, m0):
    for upper, intercept, slope in rule:
        if m0 < upper:
            return intercept + slope * m0
    raise AssertionError("unreachable")


def reference_separation(rates, widths, i, rule):
    """a(x) of closed group i >= 1 under a rule, one group at a time.

    Greville (1943) as in MORTPAK: from age 15, a = n/2 - n^2/12 (m - k) with
    k = ln(m[i+1] / m[i-1]) / (n[i-1]/2 + n[i] + n[i+1]/2), the last closed group
    taking the k of the group before it, and a kept within [1 - n/(e^n - 1), n];
    constant force: a = 1/m - n/(e^(n m) - 1).
    """
    width, rate = widths[i], rates[i]
    if rule == "constant-force":
        return width / 2 if rate == 0 else 1 / rate - width / math.expm1(width * rate)
    if rule == "midpoint" or sum(widths[:i]) < 15:
        return width / 2
    j = i if i < len(rates) - 2 else i - 1  # the group whose neighbours give k
    if j < 1 or rates[j - 1] <= 0 or rates[j + 1] <= 0:
        slope = 0.0
    else:
        slope = math.log(rates[j + 1] / rates[j - 1]) / (widths[j - 1] / 2 + widths[j] + widths[j + 1] / 2)
    floor = 1 - width / math.expm1(width)
    return min(width, max(floor, width / 2 - width**2 / 12 * (rate - slope)))


def reference_life_table(rates, sex, widths, rule="midpoint", infant="andreev-kingkade"):
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
            ax.append(piecewise(A0_RULES[infant][sex], rates[0]))
        elif i == 1 and widths[0] == 1 and width == 4:
            ax.append(piecewise(CD_4A1[sex], rates[0]))
        elif i == 0 and rule != "constant-force":
            ax.append(width / 2)
        else:
            ax.append(reference_separation(rates, widths, i, rule))
        qx.append(min(1.0, width * rate / (1 + (width - ax[i]) * rate)))
        lx.append(lx[i] * (1 - qx[i]))
        person_years.append(width * lx[i + 1] + ax[i] * lx[i] * qx[i])
    ex = [sum(person_years[i:]) / lx[i] for i in range(n_groups)]
    return {"qx": qx, "ax": ax, "lx": lx, "Lx": person_years, "ex": ex}


def abridge(rates_single_age: np.ndarray, sex) -> np.ndarray:
    """Rates of the groups 0, 1-4, 5-9, ..., 95+ of a single-age table: sum(dx) / sum(Lx)."""
    table = life_table(rates_single_age, sex)
    starts = np.concatenate([[0, 1], np.arange(5, 100, 5)])
    deaths, person_years = (np.add.reduceat(column, starts, axis=-1) for column in (table.dx, table.Lx))
    return deaths / person_years
