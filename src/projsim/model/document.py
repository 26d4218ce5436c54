"""A scenario file merged with the files it extends, before validation.

A scenario may extend another (``extends``) and state variants
(``[variants.NAME]``); both override only what they state. :func:`merge`
overlays the keys of one file on a :class:`Document`, which remembers for
every value the file it was written in and its key prefix, for messages and
for table paths relative to their file. The files are read by
:mod:`projsim.io.scenarios`; nothing here opens one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projsim.errors import InputError
from projsim.model.channels import merge_channels
from projsim.model.schema import (
    CONVENTION_KEYS, HOUSEHOLD_KEYS, METHODS, OPTIONS, TOP_KEYS, unknown_keys,
)

#: The option of ``[international_migration]`` merged channel by channel and key by key
#: (:func:`projsim.model.channels.merge_channels`) rather than replaced whole.
CHANNELS_OPTION = "channels"


@dataclass
class Document:
    """A scenario file merged with the files it extends; every value keeps the
    file it was written in and its key prefix (``variants.NAME.``), for
    messages and relative table paths."""

    top: dict[str, tuple[Any, Path]]
    sections: dict[str, dict[str, tuple[Any, Path, str]]]
    files: list[Path]
    variants: dict[str, tuple[dict, Path]]

    @classmethod
    def empty(cls, path: Path) -> Document:
        """A document with no keys, read from ``path``."""
        return cls({}, {name: {} for name in METHODS}, [path], {})

    def copy(self) -> Document:
        """A copy whose tables can be changed without changing this one."""
        return Document(dict(self.top), {k: dict(v) for k, v in self.sections.items()},
                        list(self.files), dict(self.variants))


def merge(document: Document, raw: dict, path: Path, problems: list, prefix: str = "") -> None:
    """Overlay the keys of ``raw`` (read from ``path``) on ``document``."""
    for key, value in raw.items():
        if key in METHODS:
            if not isinstance(value, dict):
                problems.append(InputError(f"{path}: {prefix}{key}", repr(value), "a table",
                                           f"write it as a [{key}] section"))
                continue
            allowed = (*METHODS[key], *OPTIONS.get(key, {}))
            problems += unknown_keys(path, f"{prefix}{key}.", value, allowed)
            section = document.sections[key]
            stated = [k for k in value if k in METHODS[key]]
            if stated:
                for method in METHODS[key]:
                    section.pop(method, None)
                for option, rule in OPTIONS.get(key, {}).items():
                    if option not in value and stated[0] not in rule.methods:
                        section.pop(option, None)
            section.update({k: (v, path, prefix) for k, v in value.items()
                            if k in allowed and k != CHANNELS_OPTION})
            if CHANNELS_OPTION in value:
                previous = section.get(CHANNELS_OPTION, ({}, path, prefix))[0]
                section[CHANNELS_OPTION] = (merge_channels(previous, value[CHANNELS_OPTION], path,
                                                           prefix, problems), path, prefix)
        elif key == "uncertainty":
            document.top["uncertainty"] = (value, path)
        elif key == "households":
            _merge_households(document, value, path, problems, prefix)
        elif key == "conventions":
            if not isinstance(value, dict):
                problems.append(InputError(f"{path}: {prefix}{key}", repr(value), "a table",
                                           "write it as a [conventions] section"))
                continue
            problems += unknown_keys(path, f"{prefix}conventions.", value, tuple(CONVENTION_KEYS))
            merged = dict(document.top.get("conventions", ({}, path))[0])
            merged.update(value)
            document.top["conventions"] = (merged, path)
        elif key not in ("extends", "variants") and key in TOP_KEYS:
            document.top[key] = (value, path)


def _merge_households(document: Document, value, path: Path, problems: list, prefix: str) -> None:
    """Overlay a [households] section key by key: each key keeps the file it was
    written in (a model's folder is relative to that file)."""
    if not isinstance(value, dict):
        problems.append(InputError(f"{path}: {prefix}households", repr(value), "a table",
                                   "write it as a [households] section"))
        return
    problems += unknown_keys(path, f"{prefix}households.", value, HOUSEHOLD_KEYS)
    section = dict(document.top.get("households", ({}, path))[0])
    section.update({key: (given, path) for key, given in value.items() if key in HOUSEHOLD_KEYS})
    document.top["households"] = (section, path)
