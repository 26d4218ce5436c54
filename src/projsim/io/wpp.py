"""Reading UN World Population Prospects (WPP) inputs by five-year age group and period.

The UN Population Division's WPP gives, for every country, the population
by sex and five-year age group, abridged death rates, the age pattern of
fertility, the sex ratio at birth and net migration by age, by five-year
period: the inputs of a 5x5 cohort-component projection.
:func:`load_wpp` reads them into a :class:`WppInputs` on the kernel's axes
(sex, age) with the labels beside them; :func:`read_wpp_population`,
:func:`read_wpp_mortality` and :func:`read_wpp_indicators` read one table
over all its dates, to compare a projection or a life table with WPP's.

The layout
----------
Long CSV tables, one per quantity, with the columns of the ``wpp2024`` R
data package reshaped to long form (``data-raw/wpp2024/SOURCES.md``), each
optionally with a ``country_code`` column (UN M49 code, WPP's ``LocID``,
56 for Belgium). In a folder the tables have the names of :data:`WPP_FILES`:

==================== ===================================================================
``population.csv``   ``year, variant, age_group, sex, population_thousands``: population
                     on 1 July of ``year`` [thousands]; ``variant`` is ``estimate`` for
                     past years, else ``median`` (the medium variant), ``low``, ...
``mortality_rate.csv`` ``period, mid_year, age_start, age_open_ended, sex, mx``: central
                     death rates [per person-year] of the abridged ages 0, 1, 5, 10, ...
                     and the open group (``age_open_ended`` True)
``fertility.csv``    either ``age_group, period, pasfr_percent`` (the percentage of the
                     TFR in each age group of the mother, with the TFR of
                     ``indicators.csv``) or ``period, age_group, asfr`` (births per woman
                     per year)
``indicators.csv``   ``period, variant, tfr, srb`` (and any other columns): TFR
                     [children per woman] and sex ratio at birth [male per female births]
``net_migration.csv`` ``period, age_group, sex, net_migration_thousands``: net migrants
                     over the period [thousands]
==================== ===================================================================

Age groups are written ``0-4``, ..., ``95-99`` and ``100+`` (the open group);
periods ``2020-2025``, from 1 July of the first year to 1 July of the second,
as in WPP; sexes ``F`` and ``M`` (rows of both sexes, ``T``, are not used).
Another country's extract is read the same way: a table with a
``country_code`` column holding several countries is read with
``location=<code>``; a table without it must hold the rows of one country.

Examples
--------
>>> inputs = load_wpp("wpp2024-belgium")
>>> inputs.year, inputs.periods.tolist()[::5], inputs.population.shape
(2020, [2020, 2045, 2070, 2095], (2, 21))
>>> round(float(inputs.population.sum()))
11540103
>>> print(round(float(5 * inputs.fertility_rate[0].sum()), 4))
1.4778
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from projsim.errors import InputError
from projsim.io.files import CsvTable, file_sha256, iter_records, read_csv, shown
from projsim.io.packaged import data_folder
from projsim.types import SEXES, STOCK_DATES

#: The width of WPP's age groups and periods [years].
WPP_WIDTH = 5
#: The day of the year of WPP's stocks, on which its periods start and end.
WPP_DATE = STOCK_DATES[1]
#: WPP's sex codes, in the order of :data:`projsim.types.SEXES`; ``T`` (both) is skipped.
SEX_CODES: dict[str, int] = {"F": SEXES.index("female"), "M": SEXES.index("male")}
BOTH_SEXES = "T"
#: The column that names the country of a row, when a table holds several.
LOCATION_COLUMN = "country_code"
#: Persons in WPP's unit of counts.
THOUSAND = 1000.0
#: Largest accepted gap between the sum of a period's PASFR and 100 [percentage points].
PASFR_TOLERANCE = 0.01
#: The variant of past years in the population and indicator tables.
ESTIMATE = "estimate"
#: The embedded WPP data sets (``projsim/data/<name with _>/``).
EMBEDDED = ("wpp2024-belgium",)


class WppFiles(NamedTuple):
    """The five tables of a WPP extract (the layout is in the module's docstring)."""

    population: Path
    mortality_rate: Path
    fertility: Path
    indicators: Path
    net_migration: Path

    @classmethod
    def in_folder(cls, folder: Path | str) -> WppFiles:
        """The tables of a folder, under the names of :data:`WPP_FILES`."""
        return cls(*(Path(folder) / name for name in WPP_FILES.values()))


#: The file name of each table in a folder.
WPP_FILES: dict[str, str] = {
    "population": "population.csv", "mortality_rate": "mortality_rate.csv",
    "fertility": "fertility.csv", "indicators": "indicators.csv",
    "net_migration": "net_migration.csv",
}


@dataclass(frozen=True)
class WppInputs:
    """WPP's inputs of a 5x5 projection from a base year, on the kernel's axes.

    Attributes
    ----------
    location : int or None
        The ``country_code`` the rows were selected by; None when the tables
        hold one country's rows.
    year : int
        The base date is 1 July of this year.
    ages : ndarray of int
        First age of each age group [years], 0, 5, ..., the last one open.
    age_width : int
        Width of the closed age groups and of the periods [years].
    periods : ndarray of int
        First year of each period, from ``year`` on; a period runs from 1 July
        of that year for ``age_width`` years.
    population : ndarray, (sex, age)
        Population on 1 July of ``year`` [persons].
    mortality_ages : ndarray of int
        First age of each abridged group of the death rates (0, 1, 5, ...),
        the last one open.
    mortality_rate : ndarray, (period, sex, mortality age)
        Central death rates [per person-year].
    fertility_rate : ndarray, (period, age)
        Age-specific fertility rates [births per woman per year], 0 outside
        the childbearing groups.
    sex_ratio_at_birth : ndarray, (period,)
        Male births per female birth [1].
    net_migration : ndarray, (period, sex, age)
        Net international migrants [persons per year], the period's count
        divided by its length, by age group at migration.
    sha256 : dict of str to str
        SHA-256 of each file read.
    """

    location: int | None
    year: int
    ages: np.ndarray
    age_width: int
    periods: np.ndarray
    population: np.ndarray = field(repr=False)
    mortality_ages: np.ndarray = field(repr=False)
    mortality_rate: np.ndarray = field(repr=False)
    fertility_rate: np.ndarray = field(repr=False)
    sex_ratio_at_birth: np.ndarray = field(repr=False)
    net_migration: np.ndarray = field(repr=False)
    sha256: dict[str, str] = field(repr=False)

    @property
    def mortality_widths(self) -> np.ndarray:
        """Widths of the abridged groups of the death rates [years], ``np.inf`` last."""
        return np.append(np.diff(self.mortality_ages), np.inf)


# --- rows of one country --------------------------------------------------------------


class _Rows(NamedTuple):
    table: CsvTable
    records: list[tuple[int, dict[str, str]]]


def _rows(path: Path, columns: list[str], location: int | None) -> _Rows:
    """The rows of ``path`` that belong to ``location``, with ``columns`` checked."""
    table = read_csv(path, columns)
    if LOCATION_COLUMN not in table.columns:
        if location is not None:
            raise InputError(shown(path), f"no column '{LOCATION_COLUMN}'",
                             f"a column '{LOCATION_COLUMN}' to select location {location} by",
                             "add the column, or read a table of one country with location=None")
        return _Rows(table, list(iter_records(table, columns)))
    records = list(iter_records(table, [*columns, LOCATION_COLUMN]))
    codes = sorted({row[LOCATION_COLUMN].strip() for _, row in records})
    if location is None and len(codes) > 1:
        raise InputError(shown(path), f"{len(codes)} countries ({LOCATION_COLUMN} "
                         f"{', '.join(codes[:4])}{', ...' if len(codes) > 4 else ''})",
                         "the rows of one country", "give location=<country code>")
    if location is not None:
        records = [(line, row) for line, row in records
                   if _whole(table, line, LOCATION_COLUMN, row[LOCATION_COLUMN]) == location]
        if not records:
            raise InputError(shown(path), f"no row with {LOCATION_COLUMN} {location}",
                             f"the rows of location {location}",
                             "check the code (UN M49, WPP's LocID: 56 for Belgium)")
    return _Rows(table, records)


def _whole(table: CsvTable, line: int, column: str, text: str) -> int:
    value = table.number(line, column, text)
    if value != int(value):
        raise InputError(f"{shown(table.path)}, line {line}, column '{column}'", repr(text),
                         "a whole number", "write the value without decimals")
    return int(value)


# --- labels ---------------------------------------------------------------------------


def _age_group(table: CsvTable, line: int, text: str) -> tuple[int, bool]:
    """The first age of an age group written ``a-b`` (b = a + 4) or ``a+``, and whether it is open."""
    label = text.strip()
    where = f"{shown(table.path)}, line {line}, column 'age_group'"
    first, _, last = label.partition("-")
    if label.endswith("+") and label[:-1].isdigit():
        return int(label[:-1]), True
    if first.isdigit() and last.isdigit() and int(last) == int(first) + WPP_WIDTH - 1:
        return int(first), False
    raise InputError(where, repr(text), f"an age group of {WPP_WIDTH} years such as '15-19', or "
                     "an open group such as '100+'", "write the groups as WPP does")


def _period(table: CsvTable, line: int, text: str) -> int:
    """The first year of a period written ``2020-2025``."""
    first, _, last = text.strip().partition("-")
    if first.isdigit() and last.isdigit() and int(last) == int(first) + WPP_WIDTH:
        return int(first)
    raise InputError(f"{shown(table.path)}, line {line}, column 'period'", repr(text),
                     f"a period of {WPP_WIDTH} years such as '2020-2025'",
                     "write the periods as WPP does")


def _sex(table: CsvTable, line: int, text: str) -> int | None:
    """The position of a sex code in SEXES; None for both sexes."""
    code = text.strip()
    if code == BOTH_SEXES:
        return None
    if code not in SEX_CODES:
        raise InputError(f"{shown(table.path)}, line {line}, column 'sex'", repr(text),
                         "'F', 'M' or 'T'", "write the sex codes as WPP does")
    return SEX_CODES[code]


def _age_grid(path: Path, starts: dict[int, bool]) -> np.ndarray:
    """The first ages 0, 5, ..., open of a table's age groups, checked to be complete."""
    ages = np.array(sorted(starts))
    expected = np.arange(0, ages[-1] + 1, WPP_WIDTH) if ages.size else ages
    open_groups = [age for age, is_open in starts.items() if is_open]
    if not (ages.size >= 2 and np.array_equal(ages, expected) and open_groups == [ages[-1]]):
        raise InputError(shown(path), f"age groups from {list(ages[:3])} ... to {list(ages[-2:])}, "
                         f"open: {open_groups}",
                         f"groups of {WPP_WIDTH} years from 0 and one open group after them",
                         "give every age group, the last one open (such as '100+')")
    return ages


def _fill(path: Path, cells: dict[tuple, float], shape: tuple[int, ...], describe) -> np.ndarray:
    """A dense array from ``{index: value}``, every cell present."""
    grid = np.full(shape, np.nan)
    for index, value in cells.items():
        grid[index] = value
    missing = np.isnan(grid)
    if missing.any():
        raise InputError(shown(path), f"no row for {describe(tuple(np.argwhere(missing)[0]))}",
                         "one row per cell", "add the missing row")
    return grid


def _put(cells: dict, path: Path, line: int, index: tuple, value: float, describe) -> None:
    if index in cells:
        raise InputError(f"{shown(path)}, line {line}", f"a second row for {describe(index)}",
                         "one row per cell", "remove the duplicate row")
    cells[index] = value


# --- the tables -----------------------------------------------------------------------


def read_wpp_population(path: Path | str, *, location: int | None = None,
                        variant: str = "median") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WPP's population by date, sex and five-year age group.

    Parameters
    ----------
    path : Path or str
        A population table (``year, variant, age_group, sex,
        population_thousands``; see the module's docstring).
    location : int, optional
        The ``country_code`` to select, for a table of several countries.
    variant : str, default "median"
        The projection variant; rows of past years (``estimate``) are read too.

    Returns
    -------
    years : ndarray of int
        The dates, 1 July of each year.
    ages : ndarray of int
        First age of each group [years], the last one open.
    population : ndarray, (year, sex, age)
        Population [persons].

    Examples
    --------
    >>> from projsim.io.packaged import data_folder
    >>> years, ages, population = read_wpp_population(
    ...     data_folder("wpp2024_belgium") / "population.csv")
    >>> int(years[0]), int(years[-1]), int(ages[-1]), round(float(population[-1].sum()))
    (2020, 2100, 100, 11060847)
    """
    path = Path(path)
    rows = _rows(path, ["year", "variant", "age_group", "sex", "population_thousands"], location)
    kept = [(line, row) for line, row in rows.records if row["variant"].strip() in (ESTIMATE, variant)]
    if not kept:
        raise InputError(shown(path), f"no row of variant '{variant}' or '{ESTIMATE}'",
                         "the rows of a variant", "choose a variant of the table's column 'variant'")
    parsed = [(line, _whole(rows.table, line, "year", row["year"]),
               _age_group(rows.table, line, row["age_group"]), _sex(rows.table, line, row["sex"]),
               row) for line, row in kept]
    years = np.array(sorted({year for _, year, _, _, _ in parsed}))
    ages = _age_grid(path, dict(age for _, _, age, _, _ in parsed))
    year_index, age_index = ({v: i for i, v in enumerate(a)} for a in (years, ages))

    def describe(index):
        return f"year={years[index[0]]}, sex={SEXES[index[1]]}, age={ages[index[2]]}"

    cells: dict[tuple, float] = {}
    for line, year, (age, _), sex, row in parsed:
        if sex is not None:
            value = rows.table.number(line, "population_thousands", row["population_thousands"])
            _put(cells, path, line, (year_index[year], sex, age_index[age]), value, describe)
    population = _fill(path, cells, (years.size, len(SEXES), ages.size), describe)
    return years, ages, THOUSAND * population


def _read_mortality(path, location, periods):
    """Abridged death rates (period, sex, age) and their first ages."""
    rows = _rows(path, ["period", "age_start", "age_open_ended", "sex", "mx"], location)
    starts: dict[int, bool] = {}
    parsed = []
    for line, row in rows.records:
        period, sex = _period(rows.table, line, row["period"]), _sex(rows.table, line, row["sex"])
        if period in periods and sex is not None:
            age = _whole(rows.table, line, "age_start", row["age_start"])
            starts[age] = row["age_open_ended"].strip() == "True"
            parsed.append((line, period, sex, age, row["mx"]))
    ages = np.array(sorted(starts))
    widths = np.diff(ages)
    if not (ages.size > 3 and ages[0] == 0 and list(widths[:2]) == [1, 4]
            and np.all(widths[2:] == WPP_WIDTH) and [a for a, o in starts.items() if o] == [ages[-1]]):
        raise InputError(shown(path), f"first ages {list(ages[:4])} ... {list(ages[-2:])}",
                         "the abridged ages 0, 1, 5, 10, ... and one open group after them",
                         "give the death rates of every abridged age group")
    period_index, age_index = {p: i for i, p in enumerate(periods)}, {a: i for i, a in enumerate(ages)}

    def describe(index):
        return f"period={periods[index[0]]}, sex={SEXES[index[1]]}, age_start={ages[index[2]]}"

    cells: dict[tuple, float] = {}
    for line, period, sex, age, text in parsed:
        _put(cells, path, line, (period_index[period], sex, age_index[age]),
             rows.table.number(line, "mx", text), describe)
    return ages, _fill(path, cells, (len(periods), len(SEXES), ages.size), describe)


def read_wpp_mortality(path: Path | str, *, location: int | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WPP's abridged death rates of every period of a table.

    Parameters
    ----------
    path : Path or str
        A table of death rates (``period, mid_year, age_start,
        age_open_ended, sex, mx``; see the module's docstring).
    location : int, optional
        The ``country_code`` to select, for a table of several countries.

    Returns
    -------
    periods : ndarray of int
        First year of each period.
    ages : ndarray of int
        First age of each abridged group (0, 1, 5, ...), the last one open.
    mortality_rate : ndarray, (period, sex, age)
        Central death rates [per person-year].

    Examples
    --------
    >>> from projsim.io.packaged import data_folder
    >>> periods, ages, rates = read_wpp_mortality(data_folder("wpp2024_belgium") / "mortality_rate.csv")
    >>> rates.shape, ages[:4].tolist()
    ((16, 2, 22), [0, 1, 5, 10])
    """
    path = Path(path)
    rows = _rows(path, ["period"], location)
    periods = np.array(sorted({_period(rows.table, line, row["period"]) for line, row in rows.records}))
    ages, rates = _read_mortality(path, location, periods)
    return periods, ages, rates


def read_wpp_indicators(path: Path | str, columns: list[str], *, location: int | None = None,
                        variant: str = "median") -> tuple[np.ndarray, np.ndarray]:
    """Columns of WPP's indicators by period (TFR, sex ratio at birth, e0, ...).

    Parameters
    ----------
    path : Path or str
        A table of indicators by period (``period, variant`` and the columns).
    columns : list of str
        The columns to read, such as ``["e0F", "e0M"]``.
    location : int, optional
        The ``country_code`` to select, for a table of several countries.
    variant : str, default "median"
        The projection variant; rows of past periods (``estimate``) are read too.

    Returns
    -------
    periods : ndarray of int
        First year of each period.
    values : ndarray, (period, column)

    Examples
    --------
    >>> from projsim.io.packaged import data_folder
    >>> periods, e0 = read_wpp_indicators(data_folder("wpp2024_belgium") / "indicators.csv", ["e0F", "e0M"])
    >>> int(periods[0]), e0[0].tolist()
    (2020, [84.039, 79.4362])
    """
    path = Path(path)
    rows = _rows(path, ["period", "variant"], location)
    periods = np.array(sorted({_period(rows.table, line, row["period"]) for line, row in rows.records
                               if row["variant"].strip() in (ESTIMATE, variant)}))
    return periods, _read_by_period(path, location, periods, columns, variant)


def _read_by_period(path, location, periods, columns, variant):
    """Values of ``columns`` by period (period, column), of the variant or estimates."""
    rows = _rows(path, ["period", "variant", *columns], location)
    cells: dict[tuple, float] = {}
    index = {p: i for i, p in enumerate(periods)}

    def describe(i):
        return f"period={periods[i[0]]}, column {columns[i[1]]}"

    for line, row in rows.records:
        period = _period(rows.table, line, row["period"])
        if period in index and row["variant"].strip() in (ESTIMATE, variant):
            for j, column in enumerate(columns):
                _put(cells, path, line, (index[period], j), rows.table.number(line, column, row[column]),
                     describe)
    return _fill(path, cells, (len(periods), len(columns)), describe)


def _read_by_age(path, location, periods, ages, value, by_sex):
    """Values by period, (sex,) and age group; cells without a row are 0 only for fertility."""
    columns = ["period", "age_group", *(["sex"] if by_sex else []), value]
    rows = _rows(path, columns, location)
    period_index, age_index = {p: i for i, p in enumerate(periods)}, {a: i for i, a in enumerate(ages)}
    cells: dict[tuple, float] = {}

    def describe(i):
        sex = f", sex={SEXES[i[1]]}" if by_sex else ""
        return f"period={periods[i[0]]}{sex}, age={ages[i[-1]]}"

    for line, row in rows.records:
        period = _period(rows.table, line, row["period"])
        sex = _sex(rows.table, line, row["sex"]) if by_sex else 0
        if period not in period_index or sex is None:
            continue
        age, _ = _age_group(rows.table, line, row["age_group"])
        if age not in age_index:
            raise InputError(f"{shown(path)}, line {line}, column 'age_group'", repr(row["age_group"]),
                             f"one of the population's groups, {ages[0]} to {ages[-1]}+",
                             "use the age groups of the population table")
        index = (period_index[period], *((sex,) if by_sex else ()), age_index[age])
        _put(cells, path, line, index, rows.table.number(line, value, row[value]), describe)
    return cells, describe


def _read_fertility(path, indicators, location, periods, ages, variant):
    """Fertility rates (period, age) [births per woman per year] from ASFR or PASFR and TFR."""
    header = read_csv(path).columns
    shape = (len(periods), ages.size)
    if "asfr" in header and "pasfr_percent" not in header:
        cells, _ = _read_by_age(path, location, periods, ages, "asfr", by_sex=False)
        given = {index[0] for index in cells}
        missing = [periods[i] for i in range(len(periods)) if i not in given]
        if missing:
            raise InputError(shown(path), f"no row for the period {missing[0]}-{missing[0] + WPP_WIDTH}",
                             "the fertility rates of every period", "add the period's rows")
        return _sparse(cells, shape)
    cells, _ = _read_by_age(path, location, periods, ages, "pasfr_percent", by_sex=False)
    pasfr = _sparse(cells, shape)
    totals = pasfr.sum(axis=-1)
    bad = np.abs(totals - 100) > PASFR_TOLERANCE
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(shown(path), f"PASFR summing to {totals[first]:.4f} in "
                         f"{periods[first]}-{periods[first] + WPP_WIDTH}",
                         f"percentages summing to 100 (within {PASFR_TOLERANCE}) in every period",
                         "give every childbearing age group of each period")
    tfr = _read_by_period(indicators, location, periods, ["tfr"], variant)[:, 0]
    return tfr[:, None] * pasfr / 100 / WPP_WIDTH


def _sparse(cells: dict[tuple, float], shape) -> np.ndarray:
    grid = np.zeros(shape)
    for index, value in cells.items():
        grid[index] = value
    return grid


def _periods(path: Path, location: int | None, year: int) -> np.ndarray:
    """The periods of the death rates that start in ``year`` or later."""
    rows = _rows(path, ["period"], location)
    periods = sorted({p for line, row in rows.records
                      if (p := _period(rows.table, line, row["period"])) >= year})
    if not periods or periods[0] != year or np.any(np.diff(periods) != WPP_WIDTH):
        raise InputError(shown(path), f"periods from {year}: {periods[:3]}",
                         f"consecutive periods of {WPP_WIDTH} years, the first from {year}",
                         "choose a base year at the start of a period, or complete the table")
    return np.array(periods)


def load_wpp(source: str | Path | WppFiles = "wpp2024-belgium", *, year: int = 2020,
             location: int | None = None, variant: str = "median") -> WppInputs:
    """Read a WPP extract: the base population of 1 July ``year`` and the rates of every period after.

    Parameters
    ----------
    source : str, Path or WppFiles, default "wpp2024-belgium"
        An embedded extract (:data:`EMBEDDED`), a folder holding the tables
        of :data:`WPP_FILES`, or the five tables (:class:`WppFiles`), in the
        layout of the module's docstring.
    year : int, default 2020
        The base date, 1 July of ``year``: the first year of a period of the
        death rates. Every period from there to the last one of the death
        rates is read; each other table must have them all.
    location : int, optional
        The ``country_code`` (UN M49) to select in tables of several
        countries; None for tables of one country.
    variant : str, default "median"
        The projection variant of the population and indicator tables (rows
        of past periods, ``estimate``, are read too).

    Returns
    -------
    WppInputs

    Raises
    ------
    projsim.errors.InputError
        On a missing table, column, row or period, a duplicate row, an age
        group, period or sex that is not written as WPP does, several
        countries without ``location``, or PASFR that do not sum to 100.

    Examples
    --------
    >>> inputs = load_wpp("wpp2024-belgium")
    >>> inputs.mortality_rate.shape, inputs.net_migration.shape
    ((16, 2, 22), (16, 2, 21))
    >>> print(np.round(inputs.sex_ratio_at_birth[:2], 3))
    [1.048 1.05 ]
    """
    files = _files(source)
    periods = _periods(files.mortality_rate, location, year)
    years, ages, stocks = read_wpp_population(files.population, location=location, variant=variant)
    if year not in years:
        raise InputError(shown(files.population), f"no population on 1 July {year}",
                         f"the population of the base year {year}", "choose a year of the table")
    mortality_ages, mortality = _read_mortality(files.mortality_rate, location, periods)
    fertility = _read_fertility(files.fertility, files.indicators, location, periods, ages, variant)
    srb = _read_by_period(files.indicators, location, periods, ["srb"], variant)[:, 0]
    cells, describe = _read_by_age(files.net_migration, location, periods, ages,
                                   "net_migration_thousands", by_sex=True)
    migrants = _fill(files.net_migration, cells, (periods.size, len(SEXES), ages.size), describe)
    return WppInputs(
        location=location, year=year, ages=ages, age_width=WPP_WIDTH, periods=periods,
        population=stocks[list(years).index(year)], mortality_ages=mortality_ages,
        mortality_rate=mortality, fertility_rate=fertility, sex_ratio_at_birth=srb,
        net_migration=THOUSAND * migrants / WPP_WIDTH,
        sha256={path.name: file_sha256(path) for path in files},
    )


def _files(source) -> WppFiles:
    if isinstance(source, WppFiles):
        return WppFiles(*(Path(p) for p in source))
    if isinstance(source, str) and source in EMBEDDED:
        return WppFiles.in_folder(data_folder(source.replace("-", "_")))
    return WppFiles.in_folder(source)
