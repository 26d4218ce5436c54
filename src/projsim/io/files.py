"""Reading files: long CSV tables, TOML documents, and the hashes of both.

Every file projsim reads is opened in :mod:`projsim.io`, never below it, and
every one of them through :func:`open_regular_file`: only a regular file is
read (never a folder, a named pipe, a device or a socket, which could hang a
run or fill its memory), and only up to a size cap of its kind
(:data:`MAX_TOML_BYTES`, :data:`MAX_TABLE_BYTES`, :data:`MAX_BASE_BYTES`,
:data:`MAX_RESULT_BYTES`). Text is UTF-8, with or without a byte-order mark.

Tables are long ("tidy") CSV files with one header row; a reader returns a
dense numpy array over the dimensions it is asked for and fails with an
:class:`~projsim.errors.InputError` naming the file, the line, the column
and the value when a row has too many or too few fields, or a cell is
missing, repeated, unknown or not a finite number. A file whose header is
separated by ``;`` (a CSV saved by Excel in a Belgian or French locale) is
read with ``;`` between the fields and a decimal comma in the numbers.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from projsim.errors import InputError

KiB, MiB, GiB = 2**10, 2**20, 2**30

#: Largest TOML file read [bytes]. The bundled scenarios and a base's
#: ``meta.toml`` take 1-6 kB; the whole document is parsed in memory.
MAX_TOML_BYTES = 1 * MiB
#: Largest CSV table read [bytes]. The embedded tables take at most 42 kB, and
#: a scenario table by year, region, sex and age over 100 years of three
#: regions about 3 MB; a table is read row by row into an array sized by the
#: base, so the cap only bounds the time spent reading.
MAX_TABLE_BYTES = 256 * MiB
#: Largest netCDF base file read [bytes]. The embedded bases written to netCDF
#: take under 100 kB; a base of 600 municipalities by two nationalities would
#: take about 20 MB. It is read fully into memory.
MAX_BASE_BYTES = 256 * MiB
#: Largest result file read into memory [bytes]. The reference and its five
#: variants take 14 MB in netCDF3, 200 kept draws about 110 MB; larger
#: ensembles belong in a Zarr store (``.zarr``), which is read lazily.
MAX_RESULT_BYTES = 4 * GiB
#: Largest field the csv module reads [characters] (its default limit).
MAX_CSV_FIELD = csv.field_size_limit()


@dataclass(frozen=True)
class FileKind:
    """A kind of file projsim reads: its name in messages and its size cap [bytes]."""

    noun: str
    limit: int
    typical: str


TOML_FILE = FileKind("a TOML file", MAX_TOML_BYTES, "projsim's TOML files take a few kB")
CSV_TABLE = FileKind("a CSV table", MAX_TABLE_BYTES,
                     "a table by year, region, sex and age over 100 years takes about 3 MB")
NETCDF_BASE = FileKind("a netCDF base file", MAX_BASE_BYTES,
                       "a base by region, sex and age takes well under 1 MB")
RESULT_FILE = FileKind("a result file", MAX_RESULT_BYTES,
                       "write a larger ensemble to a Zarr store (-o draws.zarr), which is "
                       "read lazily")


def shown(text: Any) -> str:
    """``text`` with its control characters escaped, safe to print on a terminal.

    Examples
    --------
    >>> shown("scenarios/a.toml")
    'scenarios/a.toml'
    >>> shown("evil\\x1b[2J.toml")
    'evil\\\\x1b[2J.toml'
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _size(size: int) -> str:
    for unit, name in ((GiB, "GiB"), (MiB, "MiB"), (KiB, "KiB")):
        if size >= unit:
            return f"{size / unit:.4g} {name}"
    return f"{size} bytes"


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def special_file(path: Path, mode: int | None = None) -> str | None:
    """What ``path`` is when it is not a regular file ("a folder", "a named pipe
    (FIFO)", ...), None for a regular file; ``mode`` is its ``st_mode`` if known."""
    mode = os.stat(path).st_mode if mode is None else mode
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _KINDS if test(mode)), "a special file")
    if os.path.islink(path):
        what = f"a symbolic link to {what} ({shown(os.path.realpath(path))})"
    return what


def _refuse_special(path: Path, mode: int, kind: FileKind) -> None:
    what = special_file(path, mode)
    if what is not None:
        raise InputError(shown(path), f"{what}, not a regular file", kind.noun,
                         "give the path of a file on disk; projsim reads no folders, pipes "
                         "or devices")


def _refuse_large(path: Path, size: int, kind: FileKind) -> None:
    if size > kind.limit:
        raise InputError(shown(path), f"a file of {size:,} bytes ({_size(size)})",
                         f"{kind.noun} of at most {_size(kind.limit)}",
                         f"check that the path names the right file ({kind.typical})")


def check_regular_file(path: Path, kind: FileKind) -> int:
    """Check that ``path`` is a regular file within the cap of its kind; return its size.

    Symbolic links are followed. A missing file raises :class:`FileNotFoundError`,
    which each reader turns into its own message.

    Raises
    ------
    InputError
        For a folder, a named pipe, a device or a socket, a file that cannot
        be read, or a file larger than ``kind.limit``.
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise InputError(shown(path), f"a file that cannot be read ({error.strerror})",
                         kind.noun, "check the path and the file's permissions") from None
    _refuse_special(path, status.st_mode, kind)
    _refuse_large(path, status.st_size, kind)
    return status.st_size


#: Opening without blocking, so that a pipe swapped in after the check cannot hang (POSIX).
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def open_regular_file(path: Path, kind: FileKind) -> BinaryIO:
    """Open a regular file for reading in binary mode, refusing anything else.

    The file is checked before it is opened (so that no device is opened) and
    again once open (so that it cannot have been swapped for one); a named
    pipe is opened without blocking. Read at most ``kind.limit + 1`` bytes
    from it: :func:`read_capped` does.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    InputError
        As :func:`check_regular_file`.
    """
    check_regular_file(path, kind)
    flags = os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise InputError(shown(path), f"a file that cannot be read ({error.strerror})",
                         kind.noun, "check the path and the file's permissions") from None
    try:
        status = os.fstat(descriptor)
        _refuse_special(path, status.st_mode, kind)
        _refuse_large(path, status.st_size, kind)
        if _NONBLOCK:
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def read_capped(path: Path, kind: FileKind) -> bytes:
    """The bytes of a regular file of at most ``kind.limit`` bytes.

    A file that reports a small size but holds more (it grew, or it is a
    kernel file such as ``/proc/self/environ``) is refused when it passes
    the cap.
    """
    with open_regular_file(path, kind) as stream:
        data = stream.read(kind.limit + 1)
    _refuse_large(path, len(data), kind)
    return data


def decode_text(data: bytes, where: str) -> str:
    """Decode UTF-8 text (a byte-order mark is dropped), refusing any other encoding.

    Examples
    --------
    >>> decode_text(codecs.BOM_UTF8 + "région".encode(), "f.csv")
    'région'
    >>> decode_text("région".encode("latin-1"), "f.csv")
    Traceback (most recent call last):
    ...
    projsim.errors.InputError: f.csv: got the byte 0xe9 at line 1, column 2, which is not UTF-8; expected UTF-8 text. Fix: save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: the encoding UTF-8).
    """
    fix = "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: the encoding UTF-8)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(where, "UTF-16 text (the file starts with a UTF-16 byte-order mark)",
                         "UTF-8 text", fix)
    data = data.removeprefix(codecs.BOM_UTF8)
    bad = data.find(b"\x00")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.start if bad < 0 else min(bad, error.start)
    else:
        if bad < 0:
            return text
    line, column = data.count(b"\n", 0, bad) + 1, bad - data.rfind(b"\n", 0, bad)
    got = (f"a NUL byte at line {line}, column {column} (UTF-16 or binary data)" if data[bad] == 0
           else f"the byte 0x{data[bad]:02x} at line {line}, column {column}, which is not UTF-8")
    raise InputError(where, got, "UTF-8 text", fix)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, reporting syntax errors as an :class:`InputError`.

    Parameters
    ----------
    path : Path
        The file to read: a regular file of at most :data:`MAX_TOML_BYTES`,
        in UTF-8.

    Returns
    -------
    dict
        The parsed document.
    """
    where = shown(path)
    try:
        text = decode_text(read_capped(path, TOML_FILE), where)
    except FileNotFoundError:
        raise InputError(where, "no such file", "an existing TOML file",
                         "check the path, or run 'projsim list' for the bundled scenarios") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(where, f"invalid TOML ({error})", "a valid TOML document",
                         "correct the syntax at the position given") from None
    except RecursionError:
        raise InputError(where, "tables or arrays nested too deeply to parse",
                         "a TOML document nested a few levels deep",
                         "write the values as flat tables") from None


# --- CSV tables ---------------------------------------------------------------------

#: A number as projsim reads it: ASCII digits, an optional decimal point and
#: exponent; no digit separators ("1_0", "1 000"), no "inf" or "nan".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: What stands for a missing value in common spreadsheets and data tools.
_GAPS = {"", "nan", "na", "n/a", "null", "none", "-", "inf", "+inf", "-inf", "infinity"}
#: A column name, as tables have them: shown in messages only when every
#: name of a header looks like one, so that no line of an arbitrary file is.
_COLUMN_NAME = re.compile(r"[^\W\d][\w .()/-]{0,63}")


@dataclass(frozen=True)
class CsvTable:
    """The rows of a CSV file, checked for their shape but not their values.

    Attributes
    ----------
    path : Path
        The file.
    columns : list of str
        The header.
    rows : list of (int, list of str)
        Each row's line number (of its first line) and fields, one per column.
    decimal : str
        The decimal mark of the numbers: ``","`` in a file separated by ``;``.
    """

    path: Path
    columns: list[str]
    rows: list[tuple[int, list[str]]]
    decimal: str

    def require(self, columns: list[str]) -> dict[str, int]:
        """The position of each of ``columns``, or an InputError naming the first missing."""
        missing = [c for c in columns if c not in self.columns]
        twice = [c for c in columns if self.columns.count(c) > 1]
        if not missing and not twice:
            return {c: self.columns.index(c) for c in columns}
        if not self.columns:
            raise InputError(shown(self.path), "an empty file",
                             f"a CSV table with the columns {columns}",
                             "check the path, or write the table")
        if self.path.suffix.lower() == ".csv" and len(self.columns) >= 2 \
                and all(_COLUMN_NAME.fullmatch(c) for c in self.columns):
            if not missing:
                raise InputError(shown(self.path), f"the column '{twice[0]}' twice",
                                 f"the columns {columns}, once each",
                                 f"remove one of the columns '{twice[0]}'")
            raise InputError(shown(self.path), f"columns {self.columns}",
                             f"the columns {columns}", f"add the column '{missing[0]}'")
        raise InputError(shown(self.path), "a file whose first line is not a header of "
                         "column names", f"a CSV table with the columns {columns}",
                         f"check the path; a table's first line names its columns, "
                         f"such as {','.join(columns)}")

    def number(self, line: int, column: str, text: str) -> float:
        """A finite number from a field, with this file's decimal mark."""
        return parse_number(f"{shown(self.path)}, line {line}, column '{column}'", text,
                            self.decimal)


def parse_number(where: str, text: str, decimal: str = ".") -> float:
    """A finite number written with plain ASCII digits and ``decimal`` as the decimal mark.

    Python's ``float`` also reads ``"1_0"`` as 10, ``" ١٢ "`` as 12 and
    ``"inf"``; a table never means those, so they are refused.

    Examples
    --------
    >>> parse_number("f.csv, line 2, column 'rate'", "0,25", decimal=",")
    0.25
    >>> parse_number("f.csv, line 2, column 'rate'", "1_0")
    Traceback (most recent call last):
    ...
    projsim.errors.InputError: f.csv, line 2, column 'rate': got '1_0'; expected a finite number. Fix: write a plain number such as 1234.5, with no separator between its digits.
    """
    body = text.strip()
    if decimal == ",":
        if "." in body:
            raise InputError(where, repr(text), "a number with a decimal comma, as in the rest "
                             "of this file separated by ';'",
                             "write the number with no thousands separator and a decimal "
                             "comma, such as 1234,5")
        body = body.replace(",", ".")
    if _NUMBER.fullmatch(body):
        number = float(body)
        if np.isfinite(number):
            return number
    fix = "fill in the value; projsim never fills gaps" if body.lower() in _GAPS \
        or _NUMBER.fullmatch(body) else \
        "write a plain number such as 1234.5, with no separator between its digits"
    raise InputError(where, repr(text), "a finite number", fix)


def _separator(header_line: str) -> str:
    """``;`` when the header is separated by semicolons and has no comma, else ``,``."""
    by_comma = next(csv.reader([header_line]), [])
    by_semicolon = next(csv.reader([header_line], delimiter=";"), [])
    return ";" if len(by_comma) <= 1 < len(by_semicolon) else ","


def read_csv(path: Path, columns: list[str] | None = None) -> CsvTable:
    """Read a CSV file's header and rows, every row with as many fields as the header.

    The file is a regular file of at most :data:`MAX_TABLE_BYTES` in UTF-8;
    fields are separated by ``,`` or, when the header is, by ``;`` (then
    numbers take a decimal comma). Blank lines are skipped.

    Parameters
    ----------
    path : Path
        The file.
    columns : list of str, optional
        Columns the header must name, checked before any row is read.

    Raises
    ------
    InputError
        On a missing or unreadable file, text that is not UTF-8, a header
        without one of ``columns``, a row with too many or too few fields, a
        field longer than :data:`MAX_CSV_FIELD` characters or a quote that is
        not closed.
    """
    where = shown(path)
    try:
        text = decode_text(read_capped(path, CSV_TABLE), where)
    except FileNotFoundError:
        raise InputError(where, "no such file", "an existing CSV table",
                         "add the file, or check the path") from None
    separator = _separator(text[:text.find("\n")] if "\n" in text else text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    decimal = "," if separator == ";" else "."
    rows, end = [], 0
    try:
        header = next(reader, [])
        end = reader.line_num
        if not header and text.strip():
            raise InputError(f"{where}, line 1", "a blank line", "a header of column names",
                             "remove the blank lines at the top of the file")
        if columns is not None:
            CsvTable(Path(path), header, [], decimal).require(columns)
        for fields in reader:
            line, end = end + 1, reader.line_num
            if not fields:
                continue
            if len(fields) != len(header):
                raise _field_count(where, line, len(fields), len(header), separator)
            rows.append((line, fields))
    except csv.Error as error:
        raise _csv_error(where, end + 1, str(error), separator) from None
    return CsvTable(Path(path), header, rows, decimal)


def _field_count(where, line, count, expected, separator):
    per_column = f"{expected} field{'s' * (expected != 1)}, one per column of the header"
    if count > expected:
        return InputError(f"{where}, line {line}", f"{count} fields", per_column,
                          f"write numbers with no thousands separator, and quote a text "
                          f"that holds '{separator}'")
    return InputError(f"{where}, line {line}", f"{count} field{'s' * (count != 1)}", per_column,
                      "fill in every column; projsim never fills gaps")


def _csv_error(where, line, message, separator):
    if message.startswith("field larger than field limit"):
        return InputError(f"{where}, line {line}", f"a field longer than {MAX_CSV_FIELD:,} "
                          "characters", f"fields of at most {MAX_CSV_FIELD:,} characters",
                          "check the file: a quote that is never closed makes the rest of "
                          "the file one field")
    if message == "unexpected end of data":
        return InputError(f"{where}, line {line}", "a quote (\") that is never closed",
                          "quoted fields that end with a quote", "close the quote or remove it")
    if message.endswith("expected after '\"'"):
        return InputError(f"{where}, line {line}", "text after the closing quote of a field",
                          f"'{separator}' or the end of the line after a closing quote",
                          "quote the whole field, or remove the quotes")
    return InputError(f"{where}, line {line}", f"malformed CSV ({message})",
                      "a CSV table", "correct the line")


def read_csv_header(path: Path) -> list[str]:
    """The column names of a CSV table (checked as :func:`read_csv` does)."""
    return read_csv(path).columns


def iter_records(table: CsvTable, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row's line and the fields of ``columns`` (an InputError if one is missing)."""
    positions = table.require(columns)
    for line, fields in table.rows:
        yield line, {name: fields[i] for name, i in positions.items()}


def read_grid_csv(
    path: Path, dims: dict[str, tuple], value: str
) -> np.ndarray:
    """Read a long CSV table into a dense array over the given coordinates.

    Parameters
    ----------
    path : Path
        A CSV file with one column per dimension and a value column
        (:func:`read_csv` states the format).
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
        On a missing column, an unknown label, a repeated or missing cell, a
        value that is not a finite number, or a file :func:`read_csv` refuses.
    """
    table = read_csv(path, [*dims, value])
    shape = tuple(len(labels) for labels in dims.values())
    index = {name: {str(label): i for i, label in enumerate(labels)} for name, labels in dims.items()}
    grid = np.full(shape, np.nan)
    seen = np.zeros(shape, dtype=bool)
    for line, row in iter_records(table, [*dims, value]):
        cell = tuple(label_index(path, line, name, row[name], index[name]) for name in dims)
        if seen[cell]:
            raise InputError(f"{shown(path)}, line {line}",
                             f"a second row for {_describe(dims, cell)}",
                             "one row per cell", "remove the duplicate row")
        grid[cell] = table.number(line, value, row[value])
        seen[cell] = True
    if not seen.all():
        cell = tuple(int(i) for i in np.argwhere(~seen)[0])
        raise InputError(shown(path), f"no row for {_describe(dims, cell)}", "one row per cell",
                         "add the missing row")
    return grid


def label_index(path: Path, line: int, name: str, label: str, index: dict[str, int]) -> int:
    """The position of a label among the allowed ones, or an InputError showing a few."""
    key = label.strip()
    if key not in index:
        allowed = list(index)
        shown_labels = allowed if len(allowed) <= 6 else allowed[:3] + ["..."] + allowed[-2:]
        raise InputError(f"{shown(path)}, line {line}, column '{name}'", repr(label),
                         f"one of {shown_labels}", "use the labels of the base data")
    return index[key]


def _describe(dims, cell):
    return ", ".join(f"{name}={shown(labels[i])}" for (name, labels), i in zip(dims.items(), cell))


# --- hashes -------------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a regular file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open_regular_file(path, RESULT_FILE) as stream:
        for block in iter(lambda: stream.read(MiB), b""):
            digest.update(block)
    return digest.hexdigest()


def array_sha256(array: np.ndarray) -> str:
    """Return the SHA-256 hex digest of an array's dtype, shape and values."""
    array = np.ascontiguousarray(array)
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()
