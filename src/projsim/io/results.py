"""Results on disk: a labelled Dataset written to netCDF or Zarr and read back.

The format follows the output's suffix (:data:`OUTPUT_FORMATS`):

=========  =====================================================  ====================
suffix     format                                                 needs
=========  =====================================================  ====================
``.nc``    netCDF3 (64-bit offset), uncompressed: read anywhere   scipy (a dependency)
``.nc4``   netCDF4 (HDF5), zlib level 4 with shuffle: about half  ``projsim[netcdf4]``
           the size of ``.nc`` for a deterministic result         (h5netcdf, h5py)
``.zarr``  a Zarr store (a folder, Zarr format 2), chunked and     ``projsim[zarr]``
           compressed; read lazily, for large ensembles           (zarr)
=========  =====================================================  ====================

The Zarr store is written in format 2, which every Zarr library reads: format
3 has no stable specification yet for the fixed-width text of the labels.

**Writing is atomic.** A result is written to a hidden temporary file (or
folder) beside the target and renamed onto it only once complete
(:func:`os.replace`), so that a failure, an exception, Ctrl-C (SIGINT) or a
SIGTERM or SIGHUP during the write leaves any file already under the target
name unchanged, byte for byte, and no partial file under that name; the
temporary file is removed. While writing, SIGTERM and SIGHUP (when they have
their default action) raise an exception so that this cleanup runs, and are
then delivered again, so the process still ends as the signal asks. A Zarr
store being a folder, an existing store is moved aside, the new one renamed
into place and the old one removed. :func:`check_output_path` checks an
output path before any computation.

**Integer attributes** that the format cannot hold (netCDF3 stores 32-bit
integers, netCDF4 and Zarr 64-bit ones), such as ``seed = 2**31``, are
written as decimal text and listed in the attribute
``projsim_integer_attributes`` (``name`` or ``variable/name``);
:func:`read_netcdf` turns them back into integers and drops the list, so the
attributes round-trip unchanged.
"""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import numpy as np

from projsim.errors import InputError, MissingDependencyError
from projsim.io.files import (
    RESULT_FILE, FileKind, check_regular_file, open_regular_file, shown, special_file,
)

ResultFormat = Literal["netcdf3", "netcdf4", "zarr"]
#: The output formats, by suffix.
OUTPUT_FORMATS: dict[str, ResultFormat] = {".nc": "netcdf3", ".nc4": "netcdf4", ".zarr": "zarr"}
_DESCRIPTIONS = {"netcdf3": "netCDF3", "netcdf4": "compressed netCDF4", "zarr": "a Zarr store"}
#: The packages each format needs beyond projsim's dependencies, and the extra installing them.
_PACKAGES: dict[ResultFormat, tuple[tuple[str, ...], str]] = {
    "netcdf3": ((), ""), "netcdf4": (("h5netcdf", "h5py"), "netcdf4"), "zarr": (("zarr",), "zarr"),
}
#: The integers each format stores as attributes; others are written as text.
_INTEGER_RANGE: dict[ResultFormat, tuple[int, int]] = {
    "netcdf3": (-2**31, 2**31 - 1), "netcdf4": (-2**63, 2**63 - 1), "zarr": (-2**63, 2**63 - 1),
}
#: The attribute listing the integer attributes written as text.
INTEGER_ATTRIBUTES = "projsim_integer_attributes"
#: zlib level of netCDF4 results: level 4 gives nearly all of level 9's gain, faster.
NETCDF4_COMPRESSION = {"zlib": True, "complevel": 4, "shuffle": True}
_NETCDF3_MAGIC, _HDF5_MAGIC = (b"CDF\x01", b"CDF\x02"), b"\x89HDF\r\n\x1a\n"


def _formats_text() -> str:
    return ", ".join(f"*{suffix} ({_DESCRIPTIONS[f]})" for suffix, f in OUTPUT_FORMATS.items())


def _require(fmt: ResultFormat, feature: str) -> None:
    """Import the packages ``fmt`` needs, or raise MissingDependencyError naming the extra."""
    packages, extra = _PACKAGES[fmt]
    for package in packages:
        try:
            importlib.import_module(package)
        except ImportError:
            raise MissingDependencyError(package, feature, extra) from None


def output_format(path: Path, where: str = "option -o") -> ResultFormat:
    """The format of an output file, by its suffix.

    Examples
    --------
    >>> output_format(Path("draws.zarr"))
    'zarr'
    >>> output_format(Path("out.csv"))
    Traceback (most recent call last):
    ...
    projsim.errors.InputError: option -o: got 'out.csv'; expected a name ending in *.nc (netCDF3), *.nc4 (compressed netCDF4), *.zarr (a Zarr store). Fix: name the output after its format, for example out.nc.
    """
    fmt = OUTPUT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(where, repr(str(path)), f"a name ending in {_formats_text()}",
                         "name the output after its format, for example out.nc")
    return fmt


def _is_zarr_store(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in (".zgroup", "zarr.json"))


def check_output_path(path: Path | str, inputs: Iterable[Path | str] = (), *,
                      where: str = "option -o") -> ResultFormat:
    """Check, before computing, that a result can be written to ``path``; return its format.

    Parameters
    ----------
    path : Path or str
        The output: a name ending in ``.nc``, ``.nc4`` or ``.zarr``.
    inputs : iterable of Path or str
        The files the run reads (scenario files, tables, base files): the
        output may not be one of them.
    where : str
        How messages name the path (``"option -o"`` on the command line).

    Returns
    -------
    str
        The format, one of :data:`OUTPUT_FORMATS`' values.

    Raises
    ------
    InputError
        If the suffix is unknown, the folder does not exist or cannot be
        written to, the path is a folder (a file that is not a Zarr store
        for ``.zarr``), a pipe or a device, or one of ``inputs``.
    MissingDependencyError
        If the format needs a package that is not installed.
    """
    path = Path(path)
    got = repr(shown(path))
    fmt = output_format(path, where)
    _require(fmt, f"writing {_DESCRIPTIONS[fmt]} ({path.suffix})")
    _check_target(path, fmt, inputs, where, got)
    return fmt


def check_output_file(path: Path | str, suffixes: Iterable[str], inputs: Iterable[Path | str] = (),
                      *, where: str = "option -o", example: str = "out",
                      kind: str = "file") -> str:
    """Check, before computing, that a file other than a result (a figure, a
    report page) can be written to ``path``; return its suffix, in lower case.

    The checks are those of :func:`check_output_path`, with ``suffixes``
    (such as ``(".png", ".svg", ".pdf")``) as the known suffixes, ``kind``
    naming the file and ``example`` the stem of the example name in messages.

    Examples
    --------
    >>> check_output_file("figure.PNG", (".png", ".svg"))
    '.png'
    >>> check_output_file("figure.jpg", (".png", ".svg"), example="pyramid", kind="image file")
    Traceback (most recent call last):
    ...
    projsim.errors.InputError: option -o: got 'figure.jpg'; expected a file name ending in .png, .svg. Fix: name the image file after its format, for example pyramid.png.
    """
    path, suffixes = Path(path), tuple(suffixes)
    got = repr(shown(path))
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise InputError(where, got, f"a file name ending in {', '.join(suffixes)}",
                         f"name the {kind} after its format, for example {example}{suffixes[0]}")
    _check_target(path, None, inputs, where, got)
    return suffix


def _check_target(path: Path, fmt: ResultFormat | None, inputs, where: str, got: str) -> None:
    """The folder exists and can be written to; an existing target can be replaced
    and is none of ``inputs``."""
    folder = Path(os.path.realpath(path)).parent
    if not folder.is_dir():
        raise InputError(where, got, "a file in an existing folder",
                         f"create the folder {shown(path.parent)!r} first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(where, got, "a file in a folder you can write to",
                         f"choose another folder, or make {shown(path.parent)!r} writable")
    if os.path.exists(path):
        _check_replaceable(path, fmt, where, got)
        for item in inputs:
            if os.path.exists(item) and os.path.samefile(path, item):
                raise InputError(where, f"{got}, a file this run reads",
                                 "a new file, or a result to replace",
                                 "choose another name for the output")


def _check_replaceable(path: Path, fmt: ResultFormat | None, where: str, got: str) -> None:
    if fmt == "zarr":
        if path.is_dir() and (_is_zarr_store(path) or not any(path.iterdir())):
            return
        what = "a folder that is not a Zarr store" if path.is_dir() else "a file, not a folder"
        raise InputError(where, f"{got}, {what}", "a new name, or a Zarr store to replace",
                         "choose another name; projsim replaces only a Zarr store")
    if path.is_dir():
        raise InputError(where, f"{got}, a folder", "the name of a file",
                         f"name a file, for example {shown(path / ('result' + path.suffix))!r}")
    what = special_file(path)
    if what is not None:
        raise InputError(where, f"{got}, {what}", "a new file, or a result to replace",
                         "choose another name for the output")


# --- writing --------------------------------------------------------------------------------

def write_netcdf(dataset, path: Path | str) -> None:
    """Write a result to ``path`` atomically, in the format of its suffix.

    ``.nc`` gives netCDF3 (scipy), ``.nc4`` compressed netCDF4 (h5netcdf)
    and ``.zarr`` a Zarr store; the module docstring states what each needs,
    how the write is made atomic and how integer attributes too large for
    the format are stored. A dask-backed result (the draws kept on a dask
    cluster) is written chunk by chunk to a Zarr store, and computed into
    memory first for a netCDF file; the client must stay open until this
    returns.

    Raises
    ------
    InputError
        As :func:`check_output_path`.
    MissingDependencyError
        If the format's package is not installed.
    """
    path = Path(path)
    fmt = check_output_path(path, where="argument 'path'")
    encoded = _encode_integers(dataset, fmt)
    _write_atomically(path, fmt, lambda temporary: _WRITERS[fmt](encoded, temporary))


def write_output(path: Path | str, data: bytes) -> None:
    """Write the bytes of an output file (a figure, a report page) to ``path``
    atomically, as :func:`write_netcdf` writes a result: an existing file of
    that name stays unchanged, byte for byte, unless the write completes.

    Check the path first with :func:`check_output_file`.
    """
    path = Path(path)

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as stream:
            stream.write(data)

    _write_atomically(path, "netcdf3", write)


def _in_memory(dataset):
    """The dataset with its dask-backed variables computed: a netCDF file is
    written from memory (xarray's scipy writer cannot take a distributed
    scheduler's chunks, and a file has one writer anyway)."""
    if any(variable.chunks is not None for variable in dataset.variables.values()):
        return dataset.compute()
    return dataset


def _write_netcdf3(dataset, path):
    _in_memory(dataset).to_netcdf(path, engine="scipy", format="NETCDF3_64BIT")


def _write_netcdf4(dataset, path):
    dataset = _in_memory(dataset)
    encoding = {name: dict(NETCDF4_COMPRESSION) for name, variable in dataset.data_vars.items()
                if variable.dtype.kind in "fiub"}
    dataset.to_netcdf(path, engine="h5netcdf", encoding=encoding)


def _write_zarr(dataset, path):
    dataset.to_zarr(path, mode="w", consolidated=False, zarr_format=2)


_WRITERS: dict[ResultFormat, Callable] = {
    "netcdf3": _write_netcdf3, "netcdf4": _write_netcdf4, "zarr": _write_zarr,
}


def _encode_integers(dataset, fmt: ResultFormat):
    """A shallow copy of ``dataset``, integer attributes outside the format's range as text."""
    low, high = _INTEGER_RANGE[fmt]
    encoded, listed = dataset.copy(deep=False), []

    def encode(attrs: dict, prefix: str) -> dict:
        out = {}
        for key, value in attrs.items():
            integral = isinstance(value, (int, np.integer)) \
                and not isinstance(value, (bool, np.bool_))
            if integral and not low <= int(value) <= high:
                out[key] = str(int(value))
                listed.append(prefix + key)
            else:
                out[key] = value
        return out

    for name, variable in encoded.variables.items():
        variable.attrs = encode(variable.attrs, f"{name}/")
    encoded.attrs = encode(dataset.attrs, "")
    if listed:
        encoded.attrs[INTEGER_ATTRIBUTES] = " ".join(listed)
    return encoded


def _decode_integers(dataset):
    """Undo :func:`_encode_integers` (in place) and return the dataset."""
    listed = dataset.attrs.pop(INTEGER_ATTRIBUTES, None)
    for entry in listed.split() if isinstance(listed, str) else ():
        name, _, key = entry.rpartition("/")
        attrs = dataset.variables[name].attrs if name else dataset.attrs
        if isinstance(attrs.get(key), str) and attrs[key].lstrip("-").isdigit():
            attrs[key] = int(attrs[key])
    return dataset


class _Terminated(BaseException):
    """A termination signal that arrived during a write (raised so that cleanup runs)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum


@contextmanager
def _termination_raises():
    """Within the block, SIGTERM and SIGHUP raise :class:`_Terminated`, then are delivered again.

    Only signals with their default action (ending the process) are caught,
    and only in the main thread, where Python runs signal handlers; the
    signal is raised again once the handlers are restored, so the process
    ends as it would have, after the cleanup.
    """
    signals = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None))
               if s is not None and signal.getsignal(s) == signal.SIG_DFL]
    if threading.current_thread() is not threading.main_thread() or not signals:
        yield
        return

    def handler(signum, frame):
        raise _Terminated(signum)

    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    except _Terminated as stop:
        for s, action in previous.items():
            signal.signal(s, action)
        previous = {}
        signal.raise_signal(stop.signum)
        raise
    finally:
        for s, action in previous.items():
            signal.signal(s, action)


def _write_atomically(path: Path, fmt: ResultFormat, write: Callable[[Path], None]) -> None:
    """Write through ``write(temporary)`` beside ``path``, then rename onto it."""
    target = Path(os.path.realpath(path))
    temporary = target.parent / f".{target.name[:200]}.{secrets.token_hex(4)}.tmp"
    with _termination_raises():
        try:
            if fmt == "zarr":
                os.mkdir(temporary)
            else:
                os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            write(temporary)
            if fmt == "zarr":
                _replace_folder(temporary, target)
            else:
                _fsync(temporary)
                os.replace(temporary, target)
            if os.name == "posix":  # make the rename itself durable
                _fsync(target.parent)
        except OSError as error:
            _remove(temporary)
            raise InputError(shown(path), f"an error while writing ({error.strerror or error})",
                             "a complete write",
                             "check the folder's free space and permissions, or write to another "
                             "folder; any previous file of that name is unchanged") from error
        except BaseException:
            _remove(temporary)
            raise


def _replace_folder(new: Path, target: Path) -> None:
    if not os.path.exists(target):
        os.rename(new, target)
        return
    old = target.parent / f".{target.name}.{secrets.token_hex(4)}.old"
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)


# --- reading --------------------------------------------------------------------------------

def netcdf_format(path: Path, kind: FileKind) -> ResultFormat | None:
    """``"netcdf3"`` or ``"netcdf4"`` from a regular file's first bytes, None for neither."""
    with open_regular_file(path, kind) as stream:
        head = stream.read(len(_HDF5_MAGIC))
    if head.startswith(_NETCDF3_MAGIC):
        return "netcdf3"
    return "netcdf4" if head.startswith(_HDF5_MAGIC) else None


def load_netcdf_file(path: Path, kind: FileKind, expected: str, fix: str):
    """A netCDF3 or netCDF4 file read fully into memory, its format told by its first bytes.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    InputError
        If the file is not a regular file of at most ``kind.limit`` bytes,
        is empty, is not netCDF, or is netCDF that cannot be decoded
        (truncated or damaged).
    MissingDependencyError
        For a netCDF4 file without h5netcdf.
    """
    import xarray as xr

    where = shown(path)
    if check_regular_file(path, kind) == 0:
        raise InputError(where, "an empty file", expected, fix)
    fmt = netcdf_format(path, kind)
    if fmt is None:
        raise InputError(where, "a file that is not in netCDF format", expected, fix)
    _require(fmt, "reading a netCDF4 file")
    try:
        # without mmap, no array of a damaged file keeps the file open
        options = {"engine": "scipy", "mmap": False} if fmt == "netcdf3" \
            else {"engine": "h5netcdf"}
        dataset = xr.load_dataset(path, **options)
    except Exception:  # the decoders fail in many ways on damaged bytes; all mean one thing
        raise InputError(where, "a netCDF file that cannot be decoded (truncated or damaged)",
                         expected, fix) from None
    return _decode_integers(dataset)


def read_netcdf(path: Path | str):
    """Read a result written by :func:`write_netcdf`, in any of its formats.

    A netCDF file (``.nc`` or ``.nc4``, told apart by its first bytes, of at
    most :data:`~projsim.io.files.MAX_RESULT_BYTES`) is read fully into
    memory; a Zarr store is opened lazily, each variable read when used.
    """
    path = Path(path)
    expected = "a netCDF file written by 'projsim run -o'"
    if path.is_dir() and (path.suffix.lower() == ".zarr" or _is_zarr_store(path)):
        return _read_zarr(path)
    try:
        return load_netcdf_file(path, RESULT_FILE, expected,
                                "check the path and rerun the projection")
    except FileNotFoundError:
        raise InputError(shown(path), "no such file", expected, "check the path") from None


def _read_zarr(path: Path):
    import xarray as xr

    where = shown(path)
    if not _is_zarr_store(path):
        raise InputError(where, "a folder that is not a Zarr store",
                         "a Zarr store written by 'projsim run -o result.zarr'", "check the path")
    _require("zarr", "reading a Zarr store")
    try:
        dataset = xr.open_zarr(path, consolidated=False, chunks=None)
    except Exception:  # as for netCDF: a damaged store fails in many ways
        raise InputError(where, "a Zarr store that cannot be decoded (damaged)",
                         "a Zarr store written by 'projsim run -o result.zarr'",
                         "rerun the projection") from None
    return _decode_integers(dataset)

