"""Reading files: long CSV tables, TOML documents, and the hashes of both.

Every file projsim reads is opened in :mod:`projsim.io`, never below it.
Tables are long ("tidy") CSV
files with one header row; a reader returns a dense numpy array over the
dimensions it is asked for and fails with an :class:`~projsim.errors.InputError`
naming the file, the column and the value when a cell is missing, repeated,
unknown or not a finite number.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from projsim.errors import InputError


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, reporting syntax errors as an :class:`InputError`.

    Parameters
    ----------
    path : Path
        The file to read.

    Returns
    -------
    dict
        The parsed document.
    """
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise InputError(str(path), "no such file", "an existing TOML file",
                         "check the path, or run 'projsim list' for the bundled scenarios") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(str(path), f"invalid TOML ({error})", "a valid TOML document",
                         "correct the syntax at the position given") from None


def read_grid_csv(
    path: Path, dims: dict[str, tuple], value: str
) -> np.ndarray:
    """Read a long CSV table into a dense array over the given coordinates.

    Parameters
    ----------
    path : Path
        A CSV file with one column per dimension and a value column.
    dims : dict of str to tuple
        For each dimension column, in output axis order, the labels it must
        hold. Integer labels (ages, years) are matched as integers.
    value : str
        The name of the value column; values must be finite numbers.

    Returns
    -------
    ndarray
        Values with one axis per dimension, in the order of ``dims``.

    Raises
    ------
    InputError
        On a missing column, an unknown label, a repeated or missing cell, or
        a value that is not a finite number.
    """
    shape = tuple(len(labels) for labels in dims.values())
    index = {name: {str(label): i for i, label in enumerate(labels)} for name, labels in dims.items()}
    grid = np.full(shape, np.nan)
    seen = np.zeros(shape, dtype=bool)
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        columns = [*dims, value]
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(str(path), f"columns {reader.fieldnames}",
                             f"the columns {columns}", f"add the column '{missing[0]}'")
        for line, row in enumerate(reader, start=2):
            cell = tuple(_label_index(path, line, name, row[name], index[name]) for name in dims)
            if seen[cell]:
                raise InputError(f"{path}, line {line}", f"a second row for {_describe(dims, cell)}",
                                 "one row per cell", "remove the duplicate row")
            grid[cell] = _number(path, line, value, row[value])
            seen[cell] = True
    if not seen.all():
        cell = tuple(int(i) for i in np.argwhere(~seen)[0])
        raise InputError(str(path), f"no row for {_describe(dims, cell)}", "one row per cell",
                         "add the missing row")
    return grid


def _label_index(path, line, name, label, index):
    key = label.strip()
    if key not in index:
        allowed = list(index)
        shown = allowed if len(allowed) <= 6 else allowed[:3] + ["..."] + allowed[-2:]
        raise InputError(f"{path}, line {line}, column '{name}'", repr(label),
                         f"one of {shown}", "use the labels of the base data")
    return index[key]


def _number(path, line, column, text):
    try:
        number = float(text)
    except ValueError:
        number = np.nan
    if not np.isfinite(number):
        raise InputError(f"{path}, line {line}, column '{column}'", repr(text),
                         "a finite number", "fill in the value; projsim never fills gaps")
    return number


def _describe(dims, cell):
    return ", ".join(f"{name}={labels[i]}" for (name, labels), i in zip(dims.items(), cell))


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def array_sha256(array: np.ndarray) -> str:
    """Return the SHA-256 hex digest of an array's dtype, shape and values."""
    array = np.ascontiguousarray(array)
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()
