"""Read the UN CCMPP golden cases (``tests/data/ccmpp``) into kernel arrays.

The UN tables are long CSV files with the columns ``indicator`` (some tables),
``time_start``, ``time_span``, ``sex`` (some tables), ``age_start``,
``age_span`` and ``value``; ``age_span = 1000`` marks the open age group. This
module turns them into arrays on the kernel's axes (see :mod:`projsim.kernel`):
a case has one batch entry and one state, so inputs have the shape
``(time, 1, 1, sex, age)`` and outputs drop the batch and state axes. The data
folder's README describes the cases and the UN algebra.

Examples
--------
>>> case = load_case("sweden_1993_preston_5x5")
>>> case.population.shape, case.rates.survival.shape, case.width, case.timing
((1, 1, 2, 18), (1, 1, 1, 2, 18), 5, 'even')
>>> load_outputs(case, "outputs_preston_rounded").population_years
(1998,)
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np

from projsim.engine import Rates
from projsim.types import SEXES

#: The folder holding the golden cases, next to this module.
CASES_DIR = Path(__file__).parent / "data" / "ccmpp"

#: Every case and the output folders that come with it.
OUTPUT_FOLDERS: dict[str, tuple[str, ...]] = {
    "sweden_1993_preston_5x5": (
        "outputs_preston_rounded",
        "outputs_un_code_mig_even",
        "outputs_un_code_mig_end",
    ),
    "canada_1x1_1950_2020": ("outputs",),
    "kuwait_1x1_1950_2020": ("outputs", "outputs_variant_mig_even"),
    "mexico_1x1_1950_2020": ("outputs",),
}


class Case(NamedTuple):
    """The inputs of one golden case on the kernel's axes.

    Attributes
    ----------
    name : str
        The case folder.
    start_year : int
        ``time_start`` of the first step [year].
    width : int
        Step length and age-group width [years].
    timing : str
        The case's ``mig_assumption`` (the same for every step).
    population : ndarray, (1, 1, sex, age)
        Base population [persons].
    rates : projsim.kernel.Rates
        Survival ratios, fertility rates, sex ratio at birth and net migrant
        counts, each with a leading time axis.
    """

    name: str
    start_year: int
    width: int
    timing: str
    population: np.ndarray
    rates: Rates


class Outputs(NamedTuple):
    """The expected outputs of one output folder; ``None`` where not given.

    Attributes
    ----------
    population_years : tuple of int
        The dates (``time_start``) of the population rows [year].
    population : ndarray, (len(population_years), sex, age)
        Population at those dates [persons].
    births_by_age : ndarray, (time, age)
        Births of both sexes by age group of the mother [persons per step].
    births : ndarray or None, (time, sex)
        Births by sex of the child [persons per step].
    deaths : ndarray or None, (time, sex, age)
        Cohort deaths by age group at the end of the step [persons per step].
    net_migration : ndarray or None, (time, sex, age)
        Net migrants applied, by age at migration [persons per step].
    """

    population_years: tuple[int, ...]
    population: np.ndarray
    births_by_age: np.ndarray
    births: np.ndarray | None
    deaths: np.ndarray | None
    net_migration: np.ndarray | None


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a UN table as a list of rows keyed by column name."""
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def age_index(row: dict[str, str], width: int) -> int:
    """The age-group index of a row (the open group included)."""
    return int(row["age_start"]) // width


def table_to_array(rows, years, ages, width, *, by_sex=True, by_age=True) -> np.ndarray:
    """Place the ``value`` column of UN rows on a ``(time, [sex,] [age])`` grid.

    Every cell of the grid must be filled exactly once, so that a missing or
    duplicated row fails loudly instead of leaving a zero.

    Parameters
    ----------
    rows : list of dict
        Rows from :func:`read_rows`; rows for ``sex == "both"`` are skipped.
    years : sequence of int
        The ``time_start`` of each entry of the time axis [year].
    ages : int
        Number of age groups, the open group included.
    width : int
        Age-group width [years].
    by_sex, by_age : bool
        Whether the grid has a sex axis (:data:`projsim.types.SEXES` order)
        and an age axis.

    Examples
    --------
    >>> rows = [{"time_start": "2000", "sex": "male", "age_start": "0", "value": "2.5"},
    ...         {"time_start": "2000", "sex": "female", "age_start": "0", "value": "1.5"}]
    >>> table_to_array(rows, [2000], 1, 1)
    array([[[1.5],
            [2.5]]])
    """
    shape = (len(years),) + ((len(SEXES),) if by_sex else ()) + ((ages,) if by_age else ())
    grid = np.full(shape, np.nan)
    filled = np.zeros(shape, dtype=int)
    position = {year: i for i, year in enumerate(years)}
    for row in rows:
        if by_sex and row["sex"] == "both":
            continue
        index = (position[int(row["time_start"])],)
        if by_sex:
            index += (SEXES.index(row["sex"]),)
        if by_age:
            index += (age_index(row, width),)
        grid[index] = float(row["value"])
        filled[index] += 1
    if not np.all(filled == 1):
        raise ValueError(f"rows do not fill the {shape} grid exactly once")
    return grid


def load_case(name: str) -> Case:
    """Read the inputs of a golden case onto the kernel's axes."""
    inputs = CASES_DIR / name / "inputs"
    fertility_rows = read_rows(inputs / "fert_rate_age_f.csv")
    width = int(fertility_rows[0]["time_span"])
    years = sorted({int(row["time_start"]) for row in fertility_rows})
    ages = max(age_index(row, width) for row in fertility_rows) + 1

    def read(file, **kwargs):
        return table_to_array(read_rows(inputs / file), years, ages, width, **kwargs)

    base_rows = read_rows(inputs / "pop_count_age_sex_base.csv")
    base = table_to_array(base_rows, [years[0]], ages, width)[0]
    rates = Rates(
        survival=read("life_table_age_sex_Sx.csv")[:, None, None],
        fertility_rate=read("fert_rate_age_f.csv", by_sex=False)[:, None, None],
        sex_ratio_at_birth=read("srb.csv", by_sex=False, by_age=False)[:, None, None],
        net_migration=read("mig_net_count_age_sex.csv")[:, None, None],
    )
    parameters = read_rows(inputs / "mig_parameter.csv")
    assumptions = {row["value"] for row in parameters if row["indicator"] == "mig_assumption"}
    types = {row["value"] for row in parameters if row["indicator"] == "mig_type"}
    if len(assumptions) != 1 or types != {"counts"}:
        raise ValueError(f"{name}: expected one migration timing and counts, "
                         f"got {assumptions} and {types}")
    return Case(name, years[0], width, assumptions.pop(), base[None, None], rates)


def load_outputs(case: Case, folder: str) -> Outputs:
    """Read the expected outputs in ``folder`` of a case; absent tables give ``None``."""
    outputs = CASES_DIR / case.name / folder
    steps = case.rates.survival.shape[0]
    years = [case.start_year + case.width * t for t in range(steps)]
    ages = case.population.shape[-1]

    def read(file, **kwargs):
        path = outputs / file
        if not path.exists():
            return None
        return table_to_array(read_rows(path), years, ages, case.width, **kwargs)

    population_rows = read_rows(outputs / "pop_count_age_sex.csv")
    population_years = sorted({int(row["time_start"]) for row in population_rows})
    return Outputs(
        population_years=tuple(population_years),
        population=table_to_array(population_rows, population_years, ages, case.width),
        births_by_age=read("birth_count_age_b.csv", by_sex=False),
        births=read("birth_count_tot_sex.csv", by_age=False),
        deaths=read("death_count_cohort_sex.csv"),
        net_migration=read("mig_net_count_age_sex.csv"),
    )
