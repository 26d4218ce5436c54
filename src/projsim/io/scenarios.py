"""Reading scenario files: bundled or a user's, with the files they extend and name.

A scenario is a TOML file (:mod:`projsim.model.scenario` states its schema).
This module finds it, reads it and the scenarios it ``extends``, reads the
base and every table it names, and hands them to the validation, which
opens no file itself. :func:`load_scenario` returns the validated scenario
with its base, so that nothing below reads them again.

Examples
--------
>>> scenario = load_scenario("belgium-2012")
>>> scenario.base, scenario.horizon, scenario.migration_timing
('belgium-2012', 2061, 'even')
>>> scenario.components["fertility"].method
'scale'
>>> int(scenario.base_data.population.sum())
11035948
"""

from __future__ import annotations

import difflib
import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from projsim.errors import InputError
from projsim.io.bases import load_base, resolve_base
from projsim.io.channels import read_channel_set
from projsim.io.files import (
    CSV_TABLE, TOML_FILE, check_regular_file, open_regular_file, read_grid_csv, read_toml, shown,
)
from projsim.io.households import (
    DEFAULT_HOUSEHOLD_MODEL, read_household_model, resolve_household_model,
)
from projsim.model.base import Base
from projsim.model.scenario import TOP_KEYS, Document, Scenario, merge, unknown_keys, validate

#: The longest chain of scenarios extending one another (the bundled ones use 2).
MAX_EXTENDS = 32


def bundled_scenarios() -> dict[str, Path]:
    """Return the bundled scenarios, by name, with their files.

    Examples
    --------
    >>> "belgium-2012" in bundled_scenarios()
    True
    """
    folder = resources.files("projsim") / "scenarios"
    files = sorted(Path(str(f)) for f in folder.iterdir() if f.name.endswith(".toml"))
    return {f.stem: f for f in files}


def find_scenario(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """Resolve a bundled scenario name or a path to a scenario file.

    A path is taken relative to ``relative_to`` (a folder) when given.
    """
    text = str(name_or_path)
    path = Path(text) if relative_to is None else relative_to / text
    if path.suffix == ".toml" or path.exists():
        if path.exists():
            check_regular_file(path, TOML_FILE)
        else:
            raise InputError(shown(path), "no such file", "an existing scenario file",
                             "check the path, or run 'projsim list' for the bundled scenarios")
        return path
    bundled = bundled_scenarios()
    if text not in bundled:
        raise InputError("scenario", repr(text),
                         "a file path or the name of a bundled scenario",
                         _did_you_mean(text, bundled)
                         or "run 'projsim list' to see the bundled scenarios")
    return bundled[text]


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    name_or_path : str or Path
        A bundled scenario's name (``projsim list``) or a TOML file.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        On the first problem found; :func:`check_scenario` lists them all.
    """
    problems, scenario = _read(name_or_path)
    if problems:
        raise problems[0]
    return scenario


def check_scenario(name_or_path: str | Path) -> list[InputError]:
    """Return every problem of a scenario file (an empty list if it is valid)."""
    return _read(name_or_path)[0]


def _read(name_or_path) -> tuple[list[InputError], Scenario | None]:
    problems: list[InputError] = []
    try:
        path = find_scenario(name_or_path)
    except InputError as error:
        return [error], None
    try:
        document = _load_document(path, problems)
    except _ChainTooLong:
        return problems, None
    if document is None:
        return problems, None
    scenario = validate(document, path, problems, _FileSources())
    if problems:
        return list({str(p): p for p in reversed(problems)}.values())[::-1], None
    return problems, scenario


def _load_document(path: Path, problems: list, chain: tuple[Path, ...] = ()) -> Document | None:
    """Read a scenario file and the files it extends, merged (every problem appended).

    The chain of ``extends`` is followed to at most :data:`MAX_EXTENDS` files,
    so that its recursion stays shallow.
    """
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(shown(p.name) for p in (*chain, resolved))
        problems.append(InputError(f"{shown(chain[-1])}: extends", repr(path.name),
                                   "a chain of scenarios without a cycle", f"break the cycle {cycle}"))
        return None
    if len(chain) == MAX_EXTENDS:
        problems.append(InputError(f"{shown(chain[0])}: extends",
                                   f"a chain of more than {MAX_EXTENDS} scenarios, each "
                                   "extending the next", f"at most {MAX_EXTENDS}",
                                   "extend a scenario nearer the root of the chain"))
        raise _ChainTooLong
    try:
        raw = read_toml(path)
    except InputError as error:
        problems.append(error)
        return None
    problems += unknown_keys(path, "", raw, TOP_KEYS)
    document = Document.empty(path)
    parent_name = raw.get("extends")
    if parent_name is not None:
        try:
            parent_path = find_scenario(parent_name, relative_to=path.parent)
        except InputError as error:
            problems.append(InputError(f"{shown(path)}: extends", error.got, error.expected,
                                       error.fix))
            parent_path = None
        parent = parent_path and _load_document(parent_path, problems, (*chain, resolved))
        if parent is not None:
            document = parent.copy()
            document.files.append(path)
            document.variants = {}
            document.top.pop("name", None)
            document.top.pop("description", None)
    merge(document, raw, path, problems)
    variants = raw.get("variants", {})
    if not isinstance(variants, dict) or not all(isinstance(v, dict) for v in variants.values()):
        problems.append(InputError(f"{shown(path)}: variants", repr(variants),
                                   "tables [variants.NAME] of keys to change",
                                   "write each variant as a [variants.NAME] section"))
    else:
        document.variants = {name: (table, path) for name, table in variants.items()}
    return document


def input_files(scenario: Scenario) -> list[Path]:
    """Files a loaded scenario was read from, for
    :func:`projsim.io.results.check_output_path` to keep a run from writing over one.

    They are the scenario file and those it extends, its tables, and a
    user's base (its netCDF file, or the files of its folder). CSV files of
    options (a ``profile``) are not recorded by the scenario; no output
    suffix can name them.

    Examples
    --------
    >>> [path.name for path in input_files(load_scenario("low-migration"))]
    ['low-migration.toml', 'fpb-2013.toml']
    """
    files, path = [], Path(scenario.source)
    while path is not None and path.resolve() not in files and len(files) <= MAX_EXTENDS:
        files.append(path.resolve())
        parent = read_toml(path).get("extends")
        path = find_scenario(parent, relative_to=path.parent) if isinstance(parent, str) else None
    files += [component.table for variant in scenario.variants
              for component in variant.components.values() if component.table is not None]
    base = Path(scenario.base)
    if base.is_absolute():
        files += [base / name for name in scenario.base_data.sha256] if base.is_dir() else [base]
    return list(dict.fromkeys(files))


class _ChainTooLong(Exception):
    """Raised past :data:`MAX_EXTENDS` files, to abandon the whole chain at once."""


class _FileSources:
    """The files a scenario names, read for :func:`projsim.model.scenario.validate`."""

    def base(self, name: str, relative_to: Path) -> tuple[str, Base]:
        resolved = resolve_base(name, relative_to=relative_to)
        return resolved, load_base(resolved)

    def table(self, where: str, value: Any, origin: Path, dims: dict[str, tuple], column: str,
              problems: list) -> tuple[Path, np.ndarray] | None:
        if not isinstance(value, str):
            problems.append(InputError(where, repr(value), "a CSV file name",
                                       "write table = \"file.csv\", relative to the scenario file"))
            return None
        table = origin.parent / value
        if not os.path.exists(table):
            problems.append(InputError(where, repr(value),
                                       f"an existing file (looked for {shown(table)})",
                                       "check the name; paths are relative to the scenario file"))
            return None
        try:
            return table, read_grid_csv(table, dims, column)
        except InputError as error:
            problems.append(InputError(f"{where}: {error.where}", error.got, error.expected,
                                       error.fix))
            return None

    def household_model(self, name: str | None, relative_to: Path):
        resolved = resolve_household_model(name or DEFAULT_HOUSEHOLD_MODEL, relative_to)
        return resolved, read_household_model(resolved)

    def channel_set(self, name: str):
        return read_channel_set(name)

    def digest(self, files: list[Path]) -> str:
        digest = hashlib.sha256()
        for file in files:
            with open_regular_file(file, CSV_TABLE) as stream:
                for block in iter(lambda: stream.read(2**20), b""):
                    digest.update(block)
        return digest.hexdigest()


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else ""
