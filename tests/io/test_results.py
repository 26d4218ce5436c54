"""Results on disk: formats by suffix, atomic writes, checks before computing, hostile files.

A write that fails, raises or is interrupted (SIGINT, SIGTERM) leaves the
file already under the target name byte for byte as it was, and no partial
file beside it; every format reads back identical to what was written,
integer attributes too large for the format included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from helpers import raises_exactly

import projsim
from projsim.errors import MissingDependencyError
from projsim.io import read_netcdf, write_netcdf
from projsim.io import results
from projsim.io.results import INTEGER_ATTRIBUTES, check_output_path

SUFFIXES = (".nc", ".nc4", ".zarr")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """A small real result: the 1988 base projected two years."""
    folder = tmp_path_factory.mktemp("scenario")
    (folder / "s.toml").write_text('base = "belgium-1988"\nhorizon = 1990\n')
    return projsim.project(folder / "s.toml")


def small(**attrs):
    return xr.Dataset({"population": (("age",), np.arange(3.0), {"units": "persons"})},
                      coords={"age": [0, 1, 2], "region": ("age", ["a", "b", "c"])}, attrs=attrs)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- formats ---------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_round_trips(tmp_path, result, suffix):
    path = tmp_path / f"out{suffix}"
    write_netcdf(result, path)
    back = read_netcdf(path)
    xr.testing.assert_identical(back, result)
    assert back.attrs == result.attrs


def test_netcdf4_is_compressed(tmp_path, reference):
    write_netcdf(reference, tmp_path / "a.nc")
    write_netcdf(reference, tmp_path / "a.nc4")
    assert (tmp_path / "a.nc4").stat().st_size < 0.7 * (tmp_path / "a.nc").stat().st_size


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_integers_too_large_for_the_format_round_trip(tmp_path, suffix):
    dataset = small(seed=2**31, huge=2**70, small=-5, draws=np.int64(7))
    dataset.population.attrs["open_age"] = -2**40
    path = tmp_path / f"draws{suffix}"
    write_netcdf(dataset, path)
    back = read_netcdf(path)
    assert back.attrs == {"seed": 2**31, "huge": 2**70, "small": -5, "draws": 7}
    assert back.population.attrs == {"units": "persons", "open_age": -2**40}
    assert INTEGER_ATTRIBUTES not in dataset.attrs  # the dataset written is left as it was
    assert dataset.attrs["seed"] == 2**31 and dataset.population.attrs["open_age"] == -2**40


def test_a_netcdf3_file_lists_the_integers_it_stores_as_text(tmp_path):
    write_netcdf(small(seed=2147483648), tmp_path / "a.nc")
    raw = xr.load_dataset(tmp_path / "a.nc", engine="scipy")
    assert raw.attrs == {"seed": "2147483648", INTEGER_ATTRIBUTES: "seed"}


def test_a_zarr_store_is_replaced(tmp_path, result):
    path = tmp_path / "draws.zarr"
    write_netcdf(small(), path)
    write_netcdf(result, path)
    xr.testing.assert_identical(read_netcdf(path), result)
    assert files_in(tmp_path) == ["draws.zarr"]


def test_a_link_is_kept_and_its_target_replaced(tmp_path):
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "out.nc"
    write_netcdf(small(version=1), target)
    (tmp_path / "link.nc").symlink_to(target)
    write_netcdf(small(version=2), tmp_path / "link.nc")
    assert (tmp_path / "link.nc").is_symlink()
    assert read_netcdf(target).attrs["version"] == 2


def test_a_new_file_has_the_permissions_of_the_umask(tmp_path):
    mask = os.umask(0o027)
    try:
        write_netcdf(small(), tmp_path / "out.nc")
    finally:
        os.umask(mask)
    assert (tmp_path / "out.nc").stat().st_mode & 0o777 == 0o640


# --- missing optional packages ------------------------------------------------------------

@pytest.mark.parametrize(("suffix", "package", "message"), [
    (".nc4", "h5netcdf", "writing compressed netCDF4 (.nc4) needs h5netcdf, which is not "
                         "installed. Fix: pip install 'projsim[netcdf4]'."),
    (".nc4", "h5py", "writing compressed netCDF4 (.nc4) needs h5py, which is not installed. "
                     "Fix: pip install 'projsim[netcdf4]'."),
    (".zarr", "zarr", "writing a Zarr store (.zarr) needs zarr, which is not installed. "
                      "Fix: pip install 'projsim[zarr]'."),
])
def test_a_format_without_its_package(tmp_path, monkeypatch, suffix, package, message):
    monkeypatch.setitem(sys.modules, package, None)
    with raises_exactly(message, MissingDependencyError):
        check_output_path(tmp_path / f"out{suffix}")
    assert files_in(tmp_path) == []


def test_reading_netcdf4_without_h5netcdf(tmp_path, monkeypatch):
    write_netcdf(small(), tmp_path / "out.nc4")
    monkeypatch.setitem(sys.modules, "h5netcdf", None)
    with raises_exactly("reading a netCDF4 file needs h5netcdf, which is not installed. "
                        "Fix: pip install 'projsim[netcdf4]'.", MissingDependencyError):
        read_netcdf(tmp_path / "out.nc4")


# --- the output path, checked before computing ---------------------------------------------

FORMATS = "*.nc (netCDF3), *.nc4 (compressed netCDF4), *.zarr (a Zarr store)"


@pytest.mark.parametrize("name", ["out.csv", "s.toml", "out", "out.nc.bak"])
def test_an_output_with_an_unknown_suffix(tmp_path, name):
    path = tmp_path / name
    with raises_exactly(f"option -o: got {str(path)!r}; expected a name ending in {FORMATS}. "
                        "Fix: name the output after its format, for example out.nc."):
        check_output_path(path)


def test_an_output_in_a_missing_folder(tmp_path):
    path = tmp_path / "missing" / "out.nc"
    with raises_exactly(f"option -o: got {str(path)!r}; expected a file in an existing folder. "
                        f"Fix: create the folder {str(path.parent)!r} first."):
        check_output_path(path)


def test_an_output_that_is_a_folder(tmp_path):
    path = tmp_path / "out.nc"
    path.mkdir()
    with raises_exactly(f"option -o: got {str(path)!r}, a folder; expected the name of a file. "
                        f"Fix: name a file, for example {str(path / 'result.nc')!r}."):
        check_output_path(path)


def test_an_output_that_is_a_pipe(tmp_path):
    path = tmp_path / "out.nc"
    os.mkfifo(path)
    with raises_exactly(f"option -o: got {str(path)!r}, a named pipe (FIFO); expected a new "
                        "file, or a result to replace. Fix: choose another name for the output."):
        check_output_path(path)


def test_an_output_in_a_folder_that_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setattr(results.os, "access", lambda path, mode: False)
    path = tmp_path / "out.nc"
    with raises_exactly(f"option -o: got {str(path)!r}; expected a file in a folder you can write "
                        f"to. Fix: choose another folder, or make {str(tmp_path)!r} writable."):
        check_output_path(path)


@pytest.mark.parametrize("link", ["same", "symbolic link", "hard link"])
def test_an_output_that_is_an_input_of_the_run(tmp_path, link):
    base = tmp_path / "base.nc"
    base.write_bytes(b"CDF\x02")
    path = {"same": base, "symbolic link": tmp_path / "link.nc",
            "hard link": tmp_path / "hard.nc"}[link]
    if link == "symbolic link":
        path.symlink_to(base)
    elif link == "hard link":
        os.link(base, path)
    with raises_exactly(f"option -o: got {str(path)!r}, a file this run reads; expected a new "
                        "file, or a result to replace. Fix: choose another name for the output."):
        check_output_path(path, inputs=[tmp_path / "s.toml", base])


def test_a_zarr_output_that_is_another_folder(tmp_path):
    path = tmp_path / "photos.zarr"
    path.mkdir()
    (path / "holiday.jpg").write_bytes(b"\xff\xd8")
    with raises_exactly(f"option -o: got {str(path)!r}, a folder that is not a Zarr store; "
                        "expected a new name, or a Zarr store to replace. Fix: choose another "
                        "name; projsim replaces only a Zarr store."):
        check_output_path(path)


def test_a_zarr_output_that_is_a_file(tmp_path):
    path = tmp_path / "out.zarr"
    path.write_text("x")
    with raises_exactly(f"option -o: got {str(path)!r}, a file, not a folder; expected a new "
                        "name, or a Zarr store to replace. Fix: choose another name; projsim "
                        "replaces only a Zarr store."):
        check_output_path(path)


def test_the_format_of_a_good_output(tmp_path):
    assert [check_output_path(tmp_path / f"out{s}") for s in (*SUFFIXES, ".NC")] == \
        ["netcdf3", "netcdf4", "zarr", "netcdf3"]


def test_write_checks_its_path_as_an_argument(tmp_path):
    path = tmp_path / "out.csv"
    with raises_exactly(f"argument 'path': got {str(path)!r}; expected a name ending in {FORMATS}. "
                        "Fix: name the output after its format, for example out.nc."):
        write_netcdf(small(), path)


# --- atomic writes ---------------------------------------------------------------------------

def failing_writer(error):
    def write(dataset, path):
        Path(path).write_bytes(b"CDF\x02 half a file") if not Path(path).is_dir() else \
            (Path(path) / ".zgroup").write_text("{")
        raise error
    return write


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_exception_while_writing_leaves_the_old_result(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"out{suffix}"
    write_netcdf(small(version=1), path)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    monkeypatch.setitem(results._WRITERS, results.OUTPUT_FORMATS[suffix],
                        failing_writer(RuntimeError("the cluster is closed")))
    with raises_exactly("the cluster is closed", RuntimeError):
        write_netcdf(small(version=2), path)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert files_in(tmp_path) == [path.name]


def test_a_full_disk_is_an_input_error_and_leaves_the_old_result(tmp_path, monkeypatch):
    path = tmp_path / "out.nc"
    write_netcdf(small(version=1), path)
    before = path.read_bytes()
    monkeypatch.setitem(results._WRITERS, "netcdf3",
                        failing_writer(OSError(28, "No space left on device")))
    with raises_exactly(f"{path}: got an error while writing (No space left on device); expected "
                        "a complete write. Fix: check the folder's free space and permissions, "
                        "or write to another folder; any previous file of that name is "
                        "unchanged."):
        write_netcdf(small(version=2), path)
    assert path.read_bytes() == before and files_in(tmp_path) == ["out.nc"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_dask_result_that_fails_to_compute_leaves_the_old_result(tmp_path, suffix):
    """As when the dask cluster is closed before the draws are written."""
    dask_array = pytest.importorskip("dask.array")
    import dask

    def lost(block_id=None):
        raise RuntimeError("the cluster is closed")

    path = tmp_path / f"all{suffix}"
    write_netcdf(small(version=1), path)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    draws = dask_array.from_delayed(dask.delayed(lost)(), shape=(3,), dtype=float)
    with raises_exactly("the cluster is closed", RuntimeError):
        write_netcdf(small(version=2).assign(population=("age", draws)), path)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before and files_in(tmp_path) == [path.name]


SLOW_WRITE = """
import signal, sys, time
# as in a terminal: a job started in the background by a shell without job control
# inherits SIGINT ignored, and Python then raises no KeyboardInterrupt
signal.signal(signal.SIGINT, signal.default_int_handler)
from pathlib import Path
import numpy as np, xarray as xr
from projsim.io import results

def slow(dataset, path):
    Path(path).write_bytes(b"CDF\\x02 the first bytes")
    print("writing", flush=True)
    time.sleep(60)

results._WRITERS["netcdf3"] = slow
results.write_netcdf(xr.Dataset({"population": ("age", np.zeros(3))}), sys.argv[1])
"""


@pytest.mark.parametrize(("name", "returncode"), [("SIGTERM", -signal.SIGTERM),
                                                  ("SIGINT", -signal.SIGINT),
                                                  ("SIGHUP", -signal.SIGHUP)])
def test_a_signal_while_writing_leaves_the_old_result(tmp_path, name, returncode):
    path = tmp_path / "out.nc"
    write_netcdf(small(version=1), path)
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SLOW_WRITE), str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
        assert len(files_in(tmp_path)) == 2  # the temporary file, beside the old result
        child.send_signal(getattr(signal, name))
        child.wait(timeout=60)  # generous: a loaded machine tears an interpreter down slowly
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == returncode
    assert path.read_bytes() == before
    assert files_in(tmp_path) == ["out.nc"]


# --- reading hostile files -------------------------------------------------------------------

def test_reading_a_pipe(tmp_path):
    path = tmp_path / "out.nc"
    os.mkfifo(path)
    with raises_exactly(f"{path}: got a named pipe (FIFO), not a regular file; expected a result "
                        "file. Fix: give the path of a file on disk; projsim reads no folders, "
                        "pipes or devices."):
        read_netcdf(path)


@pytest.mark.parametrize(("content", "got"), [
    (b"", "an empty file"),
    (b"CDF\x02\x00\x00", "a netCDF file that cannot be decoded (truncated or damaged)"),
    (b"\x89HDF\r\n\x1a\n\x00\x00", "a netCDF file that cannot be decoded (truncated or damaged)"),
    (b"CDF\x05", "a file that is not in netCDF format"),
])
def test_reading_a_damaged_file(tmp_path, content, got):
    path = tmp_path / "out.nc"
    path.write_bytes(content)
    with raises_exactly(f"{path}: got {got}; expected a netCDF file written by 'projsim run -o'. "
                        "Fix: check the path and rerun the projection."):
        read_netcdf(path)


def test_reading_a_truncated_result(tmp_path, result):
    write_netcdf(result, tmp_path / "out.nc")
    data = (tmp_path / "out.nc").read_bytes()
    (tmp_path / "out.nc").write_bytes(data[:len(data) // 2])
    with raises_exactly(f"{tmp_path / 'out.nc'}: got a netCDF file that cannot be decoded "
                        "(truncated or damaged); expected a netCDF file written by 'projsim run "
                        "-o'. Fix: check the path and rerun the projection."):
        read_netcdf(tmp_path / "out.nc")


def test_reading_a_folder_that_is_no_zarr_store(tmp_path):
    path = tmp_path / "out.zarr"
    path.mkdir()
    with raises_exactly(f"{path}: got a folder that is not a Zarr store; expected a Zarr store "
                        "written by 'projsim run -o result.zarr'. Fix: check the path."):
        read_netcdf(path)


def test_reading_a_folder(tmp_path):
    with raises_exactly(f"{tmp_path}: got a folder, not a regular file; expected a result file. "
                        "Fix: give the path of a file on disk; projsim reads no folders, pipes "
                        "or devices."):
        read_netcdf(tmp_path)


def test_an_output_over_the_netcdf_base_of_its_scenario(tmp_path):
    from projsim.io import load_base, write_base_netcdf
    from projsim.io.scenarios import input_files

    write_base_netcdf(load_base("belgium-1988"), tmp_path / "b.nc")
    (tmp_path / "parent.toml").write_text('base = "b.nc"\nhorizon = 1990\n')
    (tmp_path / "net.csv").write_text("year,region,sex,age,net_migration\n" + "".join(
        f"{y},Belgium,{s},{a},0\n" for y in (1988, 1989) for s in ("female", "male")
        for a in range(111)))
    (tmp_path / "s.toml").write_text('extends = "parent.toml"\n'
                                     '[international_migration]\ntable = "net.csv"\n')
    inputs = input_files(projsim.load_scenario(tmp_path / "s.toml"))
    assert [p.name for p in inputs] == ["s.toml", "parent.toml", "net.csv", "b.nc"]
    with raises_exactly(f"option -o: got {str(tmp_path / 'b.nc')!r}, a file this run reads; "
                        "expected a new file, or a result to replace. Fix: choose another name "
                        "for the output."):
        check_output_path(tmp_path / "b.nc", inputs)
