"""Helpers shared by the build scripts in ``tools/``.

``build_belgium.py``, ``build_lee_carter.py`` and ``estimate_uncertainty.py``
derive the data sets of ``src/projsim/data/`` from the raw copies in
``data-raw/belgium/``. This module holds what they have in common: the
folders, the error a failed check raises, the CSV reader and writer (whose
number format keeps the output byte for byte the same across platforms), the
TOML and Markdown snippets of the generated files, and the ``--out`` command
line. The scripts put ``tools/`` on ``sys.path`` before importing it.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = REPO_ROOT / "data-raw" / "belgium"
DEFAULT_OUT = REPO_ROOT / "src" / "projsim" / "data"

#: Ten significant digits, so that a last-bit difference between two
#: platforms' ``exp`` or ``log`` cannot change a byte of the output.
FLOAT_FORMAT = "%.10g"


class BuildError(RuntimeError):
    """A raw file or a derived quantity failed a check of the build."""


# --------------------------------------------------------------------------
# CSV


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file with one header row.

    Parameters
    ----------
    path : Path
        UTF-8 CSV file.

    Returns
    -------
    list of dict
        One dictionary of strings per row, keyed by the header.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def format_value(value) -> str:
    """Write a cell: strings as they are, integers as integers, other numbers with ``FLOAT_FORMAT``.

    Examples
    --------
    >>> [format_value(v) for v in ("male", np.int64(3), 1 / 3, -0.0)]
    ['male', '3', '0.3333333333', '0']
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return FLOAT_FORMAT % (float(value) + 0.0)  # + 0.0 turns -0.0 into 0.0


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Write a UTF-8 CSV file with ``\\n`` line ends, every cell through :func:`format_value`.

    Parameters
    ----------
    path : Path
        File to create or overwrite.
    header : sequence of str
        Column names.
    rows : sequence of sequences
        Rows in the order they are written.
    """
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([format_value(v) for v in row] for row in rows)


# --------------------------------------------------------------------------
# TOML and Markdown


def toml_string(text: str) -> str:
    """A TOML basic string.

    Examples
    --------
    >>> print(toml_string('a "b"'))
    "a \\"b\\""
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_array(items: Sequence[str]) -> str:
    """A one-line TOML array of strings.

    Examples
    --------
    >>> print(toml_array(["female", "male"]))
    ["female", "male"]
    """
    return "[" + ", ".join(toml_string(i) for i in items) + "]"


def toml_table(name: str, entries: Mapping[str, object]) -> str:
    """A TOML table of strings and numbers, ending with a newline.

    Keys other than letters, digits and ``_`` are quoted; numbers are written
    by :func:`format_value`.

    Examples
    --------
    >>> print(toml_table("ages", {"first": 0, "open age": 110.0}), end="")
    [ages]
    first = 0
    "open age" = 110
    """
    lines = [f"[{name}]"]
    for key, value in entries.items():
        shown_key = key if key.replace("_", "").isalnum() else toml_string(key)
        shown = toml_string(value) if isinstance(value, str) else format_value(value)
        lines.append(f"{shown_key} = {shown}")
    return "\n".join(lines) + "\n"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, without a final newline.

    Examples
    --------
    >>> print(markdown_table(["age", "rate"], [["0", "0.004"]]))
    | age | rate |
    |---|---|
    | 0 | 0.004 |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


# --------------------------------------------------------------------------
# Command line


def run(
    argv: Sequence[str] | None,
    description: str,
    builders: Mapping[str, Callable[[Path], list[str]]],
) -> int:
    """Parse ``--out DIR``, build each data set into ``DIR/<name>`` and print the reports.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments; None reads ``sys.argv``.
    description : str
        Text of ``--help``.
    builders : mapping of str to callable
        Data-set name to the function that writes it into the folder it is
        given and returns the lines to print; run in order.

    Returns
    -------
    int
        0, the exit status (a failed check raises :class:`BuildError`).
    """
    folders = " and ".join(f"{name}/" for name in builders)
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"directory that receives {folders} (default: {DEFAULT_OUT.relative_to(REPO_ROOT).as_posix()})",
    )
    args = parser.parse_args(argv)
    report = [line for name, build in builders.items() for line in build(args.out / name)]
    print("\n".join(report))
    return 0
