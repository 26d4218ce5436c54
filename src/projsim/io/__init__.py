"""The input layer: the only modules that open files.

* :mod:`~projsim.io.files`: CSV tables and TOML documents, and their hashes;
* :mod:`~projsim.io.packaged`: the data shipped inside the package;
* :mod:`~projsim.io.bases`: bases, embedded or a user's;
* :mod:`~projsim.io.scenarios`: scenario files, with their base and tables;
* :mod:`~projsim.io.results`: results written to disk (netCDF3, compressed
  netCDF4 or Zarr, atomically) and read back.
"""

from projsim.io.bases import list_bases, load_base, resolve_base, write_base_netcdf
from projsim.io.packaged import load_lee_carter, read_uncertainty_parameters
from projsim.io.results import (
    check_output_file, check_output_path, read_netcdf, write_netcdf, write_output,
)
from projsim.io.scenarios import (
    bundled_scenarios, check_scenario, find_scenario, input_files, load_scenario,
)

__all__ = [
    "bundled_scenarios", "check_output_file", "check_output_path", "check_scenario",
    "find_scenario", "input_files", "list_bases", "load_base", "load_lee_carter", "load_scenario", "read_netcdf",
    "read_uncertainty_parameters", "resolve_base", "write_base_netcdf", "write_netcdf",
    "write_output",
]
