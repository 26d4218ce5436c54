"""WPP 2024's abridged death rates and published life expectancy for Belgium (golden case).

``data-raw/wpp2024`` holds WPP 2024's central death rates of the abridged
ages 0, 1-4, 5-9, ..., 95-99, 100+ by sex and five-year period 1950-2100, and
the life expectancy at birth WPP publishes for the same periods (its
``SOURCES.md`` gives the provenance; CC BY 3.0 IGO, United Nations, DESA,
Population Division, World Population Prospects 2024). WPP prints e0 to four
decimals.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np

from projsim.types import SEXES

RAW = Path(__file__).resolve().parents[2] / "data-raw" / "wpp2024"
#: WPP's sex codes in the order of SEXES, and the e0 column of each.
SEX_CODES = {"female": "F", "male": "M"}
E0_COLUMNS = {"female": "e0F", "male": "e0M"}
#: Widths of the abridged groups 0, 1-4, 5-9, ..., 95-99, 100+ [years].
ABRIDGED_WIDTHS = np.array([1, 4] + [5] * 19 + [np.inf])


def read(name: str) -> list[dict[str, str]]:
    with (RAW / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def wpp_life_tables() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The periods, the rates (period, sex, age) and WPP's e0 (period, sex)."""
    rates = {}
    for row in read("wpp2024_mx_abridged_5yr.csv"):
        rates.setdefault((row["period"], row["sex"]), []).append((int(row["age_start"]), float(row["mx"])))
    periods = tuple(sorted({period for period, _ in rates}))
    e0_rows = {row["period"]: row for row in read("wpp2024_tfr_srb_e0_netmig_5yr.csv")}
    schedules = np.empty((len(periods), len(SEXES), ABRIDGED_WIDTHS.size))
    published = np.empty((len(periods), len(SEXES)))
    for i, period in enumerate(periods):
        for j, sex in enumerate(SEXES):
            ages, values = zip(*sorted(rates[period, SEX_CODES[sex]]))
            assert ages == (0, 1, *range(5, 101, 5)), (period, sex)
            schedules[i, j] = values
            published[i, j] = float(e0_rows[period][E0_COLUMNS[sex]])
    return periods, schedules, published
