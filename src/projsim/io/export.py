"""Results as files a spreadsheet opens: tidy CSV and Excel workbooks.

``projsim export result.nc -o result.csv`` writes a tidy long table, one row
per time, scenario (if any), region, nationality, sex and age, with one
column per variable over those dimensions (``population``, ``deaths``,
``immigration``, ...). The CSV is UTF-8 with a byte-order mark, so that
Excel reads its labels as UTF-8, a header row, commas between fields and
numbers written with every digit they need to be read back exactly
(Python's shortest round-trip representation); a flow at the horizon, which
no year follows, is an empty cell. ``-o result.xlsx`` writes one sheet per
variable (each in long form over its own dimensions) and a sheet ``about``
with the units and meanings; it needs openpyxl (``pip install
'projsim[xlsx]'``).

Examples
--------
>>> import projsim
>>> frame, left_out = tidy_frame(projsim.project("belgium-2012"))
>>> list(frame.columns[:6])
['time', 'region', 'nationality', 'sex', 'age', 'population']
>>> "births" in left_out
True
"""

from __future__ import annotations

import io

import pandas as pd
import xarray as xr

from projsim.errors import InputError, MissingDependencyError
from projsim.model.states import StateSpace
from projsim.types import VARIABLES

__all__ = ["EXPORT_SUFFIXES", "MAX_SHEET_ROWS", "csv_bytes", "tidy_frame", "xlsx_bytes"]

#: The suffixes ``projsim export`` writes.
EXPORT_SUFFIXES = (".csv", ".xlsx")
#: The rows of an Excel sheet, less its header row.
MAX_SHEET_ROWS = 1_048_575
#: The encoding of the CSV: UTF-8 with a byte-order mark, which Excel needs to
#: read UTF-8 (pandas and Python read it back with ``encoding="utf-8-sig"``).
CSV_ENCODING = "utf-8-sig"


def _cell_dims(dataset: xr.Dataset) -> tuple[str, ...]:
    """The dimensions of a result's population, with scenario or draw if it has them."""
    cell = StateSpace.from_dataset(dataset).expand(VARIABLES["population"].dims)
    lead = [d for d in dataset["population"].dims if d not in cell]
    return (*lead, *cell)


def tidy_frame(dataset: xr.Dataset) -> tuple[pd.DataFrame, list[str]]:
    """A result's variables over the population's dimensions as one long table.

    Returns
    -------
    frame : pandas.DataFrame
        One row per cell (time, [scenario,] state dimensions, sex, age), the
        dimensions first, then one column per variable over exactly those
        dimensions, ``population`` first.
    left_out : list of str
        The variables over other dimensions (``births``, ``fertility_rate``,
        ``immigration_by_channel``, ...), which only a workbook holds.
    """
    dims = _cell_dims(dataset)
    names = [n for n in dataset.data_vars if set(dataset[n].dims) == set(dims)]
    names = sorted(names, key=lambda n: n != "population")
    left_out = [n for n in dataset.data_vars if n not in names]
    frame = dataset[names].transpose(*dims).to_dataframe().reset_index()
    return frame[[*dims, *names]], left_out


def csv_bytes(dataset: xr.Dataset) -> tuple[bytes, list[str]]:
    """The tidy CSV of a result (:func:`tidy_frame`) and the variables it leaves out."""
    frame, left_out = tidy_frame(dataset)
    return frame.to_csv(index=False).encode(CSV_ENCODING), left_out


def xlsx_bytes(dataset: xr.Dataset) -> bytes:
    """An Excel workbook of a result: a sheet ``about`` (variable, dimensions,
    units, meaning) and one sheet per variable, long over its dimensions.

    Raises
    ------
    MissingDependencyError
        Without openpyxl.
    InputError
        If a variable has more rows than a sheet holds (kept draws).
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise MissingDependencyError("openpyxl", "writing .xlsx workbooks", "xlsx") from None
    about = pd.DataFrame([{"variable": name, "dimensions": ", ".join(map(str, array.dims)),
                           "units": array.attrs.get("units", ""),
                           "meaning": array.attrs.get("long_name", ""),
                           "age": array.attrs.get("age_meaning", "")}
                          for name, array in dataset.data_vars.items()])
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        about.to_excel(writer, sheet_name="about", index=False)
        for name, array in dataset.data_vars.items():
            if array.size > MAX_SHEET_ROWS:
                raise InputError(name, f"{array.size:,} cells", f"at most {MAX_SHEET_ROWS:,} "
                                 "rows in an Excel sheet", "export to .csv instead")
            array.to_dataframe(name=str(name)).reset_index().to_excel(
                writer, sheet_name=str(name)[:31], index=False)
    return buffer.getvalue()
