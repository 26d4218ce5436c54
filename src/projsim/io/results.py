"""Results on disk: a labelled Dataset written to netCDF and read back."""

from __future__ import annotations

from pathlib import Path

from projsim.errors import InputError


def write_netcdf(dataset, path: Path) -> None:
    """Write a result to netCDF (the classic 64-bit format, written by scipy).

    The scipy engine needs no library beyond projsim's own dependencies and
    keeps every coordinate, value and attribute of a result unchanged.
    """
    dataset.to_netcdf(path, engine="scipy")


def read_netcdf(path: Path):
    """Read a result written by :func:`write_netcdf` fully into memory."""
    import xarray as xr

    if not Path(path).is_file():
        raise InputError(str(path), "no such file", "a netCDF file written by 'projsim run -o'",
                         "check the path") from None
    try:
        return xr.load_dataset(path, engine="scipy")
    except (OSError, TypeError, ValueError):
        raise InputError(str(path), "a file that is not in netCDF format",
                         "a netCDF file written by 'projsim run -o'",
                         "check the path and rerun the projection") from None
