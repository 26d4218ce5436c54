"""Scenarios side by side, by region, in the figures planners ask for.

:func:`comparison_table` sets results next to one another at chosen years:
for each region and for all regions together, the population on 1 January,
the ages 0-17 (and the school ages 3-5, 6-11 and 12-17), 18-66 and 67+, the
old-age dependency ratio, the births of the year and the net international
migration of the year by nationality, and, by channel, the immigration of
foreigners (:data:`projsim.types.CHANNELS`); each scenario after the first
also as its difference from the first. ``projsim compare`` prints the table
and writes it as CSV. Nothing here reads or writes a file.

Examples
--------
>>> import projsim
>>> table = comparison_table({"fpb-2013": projsim.project("fpb-2013"),
...                           "low-migration": projsim.project("low-migration")}, [2030])
>>> row = table[(table.region == "Total") & (table.indicator == "population")]
>>> int(row["low-migration - fpb-2013"].iloc[0]) < 0
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from projsim.errors import InputError
from projsim.model.states import state_dims
from projsim.types import CHANNEL, NATIONALITY, REGION

__all__ = ["AGE_BANDS", "TOTAL", "comparison_table"]

#: The age bands of the table [years, first and last age included]: minors and the
#: school ages (pre-primary 3-5, primary 6-11, secondary 12-17 in Belgium), working
#: ages 18-66 and the pension ages from 67 (the FPB's limits).
AGE_BANDS = {"0-17": (0, 17), "3-5": (3, 5), "6-11": (6, 11), "12-17": (12, 17),
             "18-66": (18, 66), "67+": (67, None)}
#: The label of all regions together.
TOTAL = "Total"


def comparison_table(results: Mapping[str, xr.Dataset], years: Sequence[int],
                     by: str | None = None) -> pd.DataFrame:
    """Results side by side, by region, at chosen years, with differences against the first.

    Parameters
    ----------
    results : mapping of str to xarray.Dataset
        Results of :func:`projsim.project` (one scenario each, no ``scenario``
        or ``draw`` dimension) by the label of their column, the first the
        reference of the differences. They share regions and single ages.
    years : sequence of int
        Years shown: stocks on 1 January, flows during the year (NaN for the
        last date, after which no year is projected).
    by : {None, "channel"}
        ``"channel"`` adds the immigration of foreigners by channel (NaN for
        a result without channels).

    Returns
    -------
    pandas.DataFrame
        One row per region (then ``Total``), indicator and year, with the
        columns ``region``, ``indicator``, ``unit``, ``year``, one per result
        and one ``"B - A"`` per result after the first.

    Raises
    ------
    InputError
        If fewer than two results are given, they differ in regions or are
        not by single year, a year is not a date of every result, or ``by``
        is not ``"channel"``.
    """
    labels = list(results)
    if len(labels) < 2:
        raise InputError("scenarios", f"{len(labels)} result", "two results or more",
                         "give at least two scenarios or result files")
    if by not in (None, CHANNEL):
        raise InputError("option --by", repr(by), f"'{CHANNEL}'", f"write --by {CHANNEL}")
    first = results[labels[0]]
    regions = [str(r) for r in first[REGION].values]
    for label, ds in results.items():
        if [str(r) for r in ds[REGION].values] != regions:
            raise InputError(label, f"the regions {[str(r) for r in ds[REGION].values]}",
                             f"the regions of {labels[0]}: {regions}",
                             "compare results on the same base")
        if ds.attrs.get("grid", "1x1") != "1x1":
            raise InputError(label, f"a result on the grid {ds.attrs['grid']!r}",
                             "results by single year of age (grid '1x1'), whose school ages "
                             "3-5, 6-11 and 12-17 are whole", "compare results by single year")
        missing = [y for y in years if y not in ds.time.values]
        if missing:
            raise InputError("option --years", repr(missing[0]),
                             f"dates of every result: {int(ds.time[0])} to {int(ds.time[-1])} "
                             f"for {label}", f"give years from {int(ds.time[0])} to "
                             f"{int(ds.time[-1])}")
    columns = {label: _indicators(ds, list(years), by) for label, ds in results.items()}
    keys = ["region", "indicator", "unit", "year"]
    # a result without nationality has one net migration row where others have one per
    # nationality: every row of any result is kept, NaN where a result lacks it
    table = pd.concat([frame[keys] for frame in columns.values()]).drop_duplicates(
        ignore_index=True)
    table["order"] = table.region.map({r: i for i, r in enumerate([*regions, TOTAL])})
    table = table.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)
    for label in labels:
        table[label] = table[keys].merge(columns[label], on=keys, how="left")["value"].to_numpy()
    for label in labels[1:]:
        table[f"{label} - {labels[0]}"] = table[label] - table[labels[0]]
    return table


def _indicators(ds: xr.Dataset, years: list[int], by: str | None) -> pd.DataFrame:
    """The indicators of one result by region (then all regions) and year, long."""
    others = [d for d in state_dims(ds) if d != REGION]
    population = ds.population.sel(time=years).sum([*others, "sex"])
    rows = {("population", "persons"): population.sum("age")}
    for band, (low, high) in AGE_BANDS.items():
        ages = population.age >= low if high is None else (population.age >= low) & (
            population.age <= high)
        rows[(f"aged {band}", "persons")] = population.where(ages, 0).sum("age")
    rows[("old-age dependency", "67+ per 100 aged 18-66")] = None
    rows[("births", "persons per year")] = ds.births.sel(time=years).sum([*others, "sex"])
    migration = ds.net_migration.sel(time=years).sum(["sex", "age"])
    if NATIONALITY in others:
        for label in ds[NATIONALITY].values:
            rows[(f"net migration, {label}", "persons per year")] = migration.sel(
                {NATIONALITY: label}).sum([d for d in others if d != NATIONALITY])
    else:
        rows[("net migration", "persons per year")] = migration.sum(others)
    if by == CHANNEL:
        from projsim.types import CHANNELS

        split = ds.get("immigration_by_channel")
        for channel in CHANNELS:
            values = xr.full_like(population.sum("age"), np.nan) if split is None \
                or channel not in split[CHANNEL].values \
                else split.sel({CHANNEL: channel}, drop=True).sel(time=years).sum(["sex", "age"])
            rows[(f"immigration of foreigners, {channel}", "persons per year")] = values
    frames = []
    for region in [*map(str, ds[REGION].values), TOTAL]:
        for (indicator, unit), values in rows.items():
            if values is None:
                old = rows[("aged 67+", "persons")]
                working = rows[("aged 18-66", "persons")]
                picked = [_at(old, region), _at(working, region)]
                data = 100 * picked[0] / picked[1]
            else:
                data = _at(values, region)
            frames.append(pd.DataFrame({"region": region, "indicator": indicator, "unit": unit,
                                        "year": years, "value": np.asarray(data, dtype=float)}))
    return pd.concat(frames, ignore_index=True)


def _at(values: xr.DataArray, region: str) -> np.ndarray:
    """The values of one region, or of all regions together (NaN stays NaN)."""
    if region == TOTAL:
        return values.sum(REGION, skipna=False).values
    return values.sel({REGION: region}).values
