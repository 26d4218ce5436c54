"""Immigration of foreigners stated as a sum of channels, validated once.

Planners discuss immigration by the reason people come (family, asylum,
work, study, free movement within the European Union), not as one total. A
scenario may state the immigrants of foreign nationality as a sum of
channels (:data:`projsim.types.CHANNELS`) in a table
``[international_migration.channels]`` that goes with ``immigration = {
Belgian = ... }``, the immigrants of the country's own nationality::

    [international_migration]
    immigration = { Belgian = 13400 }
    emigration_rate = "base"

    [international_migration.channels]
    set = "belgium-2012"                                  # levels, profiles, regions
    family = { scale = { 2012 = 1.0, 2013 = 0.7 } }       # 30 % fewer from 2013
    international_protection = { level = { 2012 = 5300, 2015 = 16000, 2019 = 16000, 2020 = 5300 } }

Each channel has

* ``level``: its immigrants [persons per year], a value over time;
* ``scale``: a multiplier of that level [1], a value over time (default 1);
* ``profile``: its age-sex profile, a table of the seven Rogers-Castro
  parameters (``a1``, ``alpha1``, ``a2``, ``alpha2``, ``mu2``, ``lambda2``,
  ``c``; :func:`projsim.demography.schedules.rogers_castro`) with
  ``female_share``, the share of women; a CSV file of shares by sex and age
  (``sex,age,share``, summing to 1); or ``"base"``, the base's immigrants of
  foreign nationality by region, sex and age;
* ``regions``: its regional distribution, a share per region summing to 1,
  or ``"base"``, the regional distribution of the base's immigrants of
  foreign nationality.

``set`` names a bundled channel set (``projsim.io.channels``) whose
channels give every key a scenario leaves out (a set with ``anchor =
"base"`` rakes its profiles to the base's immigrants,
:func:`projsim.assumptions.migration.raked_distributions`; a channel whose
``profile``, ``female_share`` or ``regions`` a scenario restates is spread
as stated, not raked); a scenario without a set
states every key of each of its channels. Immigration of foreigners is
stated once: a scenario gives channels or a total (``net_total``, a
national ``immigration``, or a ``foreign`` entry in it), never both.

Channels merge through ``extends`` and variants channel by channel and key
by key (:func:`merge_channels`), so that a hypothesis states only what it
changes. Nothing here opens a file: the set and the CSV profiles are read by
:mod:`projsim.io.scenarios` and handed over.

Examples
--------
>>> sorted(CHANNEL_KEYS)
['female_share', 'level', 'profile', 'regions', 'scale']
>>> ROGERS_CASTRO_KEYS
('a1', 'alpha1', 'a2', 'alpha2', 'mu2', 'lambda2', 'c')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from projsim.errors import InputError
from projsim.model.feasibility import check_persons_per_year
from projsim.model.paths import TimePath, parse_path
from projsim.model.schema import Method, bad_number, did_you_mean, expected_number, unknown_keys
from projsim.types import CHANNELS, FOREIGN, NATIONALITY, REGION

#: The keys of one channel, with the numbers they accept.
CHANNEL_KEYS: dict[str, Method | None] = {
    "level": Method(0.0, np.inf, "immigrants of the channel [persons per year]"),
    "scale": Method(0.0, 10.0, "a multiplier of the channel's level [1]"),
    "profile": None,
    "female_share": Method(0.0, 1.0, "the share of women among the channel's immigrants [1]"),
    "regions": None,
}
#: The keys of the channels table besides the channels.
SET_KEY = "set"
#: The parameters of a Rogers-Castro profile, with their ranges: levels [1],
#: rates of descent and ascent [per year], the mean age of the labour-force
#: component [years] (Rogers and Castro 1981).
ROGERS_CASTRO: dict[str, Method] = {
    "a1": Method(0.0, 1.0, "the level of the childhood component [1]"),
    "alpha1": Method(0.0, 2.0, "the rate of descent of the childhood component [per year]"),
    "a2": Method(0.0, 1.0, "the level of the labour-force component [1]", open_low=True),
    "alpha2": Method(0.0, 2.0, "the rate of descent of the labour-force component [per year]",
                     open_low=True),
    "mu2": Method(0.0, 100.0, "the mean age of the labour-force component [years]"),
    "lambda2": Method(0.0, 5.0, "the rate of ascent of the labour-force component [per year]",
                      open_low=True),
    "c": Method(0.0, 1.0, "the constant [1]"),
}
ROGERS_CASTRO_KEYS = tuple(ROGERS_CASTRO)
#: The named choice of ``profile`` and ``regions``: the base's immigrants of foreign nationality.
FROM_BASE = "base"
#: How far shares may sum from 1 (rounding of a typed table).
SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Channel:
    """One channel of immigration of foreigners, validated.

    Attributes
    ----------
    name : str
        One of :data:`projsim.types.CHANNELS`.
    level : TimePath
        Immigrants of the channel [persons per year].
    scale : TimePath or None
        Multiplier of the level [1]; None for 1.
    profile : dict of str to float, ndarray or str
        The Rogers-Castro parameters, shares by (sex, age) summing to 1, or
        ``"base"``.
    female_share : float or None
        The share of women [1], with a Rogers-Castro profile.
    regions : ndarray or str
        Shares by region (the base's order) summing to 1, or ``"base"``.
    files : tuple of Path
        The files read for it (the set, a CSV profile), for the scenario's SHA-256.
    """

    name: str
    level: TimePath
    scale: TimePath | None
    profile: dict[str, float] | np.ndarray | str
    female_share: float | None
    regions: np.ndarray | str
    files: tuple[Path, ...] = field(default=(), repr=False)
    from_set: bool = False


@dataclass(frozen=True)
class Channels:
    """The validated channels of a scenario, with what their set anchors them to.

    Attributes
    ----------
    channels : tuple of Channel
        The channels stated, in the vocabulary's order.
    anchor : tuple of Channel
        When the set is anchored to the base's immigrants (``anchor = "base"``
        in its file): the set's own channels at the set's levels, whose
        profiles are raked jointly to the base's immigrants of foreign
        nationality (:func:`projsim.assumptions.migration.raked_distributions`);
        a channel with ``from_set`` takes its raked distribution. Empty otherwise.
    """

    channels: tuple[Channel, ...]
    anchor: tuple[Channel, ...] = ()

    def __iter__(self):
        return iter(self.channels)

    def __len__(self) -> int:
        return len(self.channels)


@dataclass(frozen=True)
class ChannelSet:
    """A bundled channel set: each channel's keys as written, and where.

    Attributes
    ----------
    name : str
        The set's name (``"belgium-2012"``).
    file : Path
        Its TOML file.
    channels : dict of str to dict
        Each channel's keys and values, as in a scenario.
    """

    name: str
    file: Path
    channels: dict[str, dict[str, Any]]
    anchor: str | None = None


def merge_channels(merged: dict, value: Any, path: Path, prefix: str, problems: list) -> dict:
    """Overlay a channels table read from ``path`` on the ``merged`` one.

    ``merged`` maps ``set`` to (value, file, prefix) and each channel to a
    dict of its keys, each (value, file, prefix), so that each key keeps the
    file it was written in (a CSV profile is relative to it).
    """
    where = f"{path}: {prefix}international_migration.channels"
    if not isinstance(value, dict):
        problems.append(InputError(where, repr(value), "a table of channels",
                                   "write it as [international_migration.channels]"))
        return merged
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in merged.items()}
    for key, given in value.items():
        if key == SET_KEY:
            merged[key] = (given, path, prefix)
        elif key not in CHANNELS:
            problems.append(InputError(f"{where}.{key}", "an unknown channel",
                                       f"one of {list(CHANNELS)}, or {SET_KEY}",
                                       did_you_mean(key, (*CHANNELS, SET_KEY))
                                       or "name a channel of projsim.types.CHANNELS"))
        elif not isinstance(given, dict):
            problems.append(InputError(f"{where}.{key}", repr(given), "a table of the channel's "
                                       f"keys ({', '.join(CHANNEL_KEYS)})",
                                       f"write {key} = {{ level = ... }}"))
        else:
            problems += unknown_keys(path, f"{prefix}international_migration.channels.{key}.",
                                     given, tuple(CHANNEL_KEYS))
            channel = merged.setdefault(key, {})
            if "profile" in given:
                channel.pop("female_share", None)
            channel.update({k: (v, path, prefix) for k, v in given.items() if k in CHANNEL_KEYS})
    return merged


def validate_channels(merged: dict, where: str, base, head: dict, problems: list,
                      read_set: Callable[[str], ChannelSet],
                      read_profile: Callable[[str, Any, Path], tuple[Path, np.ndarray] | None],
                      inherited: Callable[[Path], bool]) -> tuple[Channel, ...] | None:
    """The channels of a merged channels table, each checked; None if any problem.

    Parameters
    ----------
    merged : dict
        The table merged through ``extends`` (:func:`merge_channels`).
    where : str
        The file and key of the table, for messages.
    base : Base
        The base, on the scenario's grid.
    head : dict
        The scenario's shared keys (base year, horizon).
    problems : list of InputError
        Receives every problem found.
    read_set : callable
        Reads a bundled channel set by name, or raises an InputError.
    read_profile : callable
        Reads a CSV profile (where, value, origin) over sex and age, or appends
        a problem and returns None.
    inherited : callable
        Whether a value written in a file may reach past the horizon
        (:func:`projsim.model.scenario._inherited`).
    """
    known = len(problems)
    if not base.states.has(NATIONALITY) or FOREIGN not in base.states.labels_of(NATIONALITY):
        problems.append(InputError(where, f"channels with the base {base.name}, which has no "
                                   f"{NATIONALITY} '{FOREIGN}'", "a base by region and "
                                   "nationality: channels state the immigrants of foreign "
                                   "nationality", "remove the channels, or use a base by "
                                   "nationality such as belgium-2012"))
        return None
    stated = {k: v for k, v in merged.items() if k != SET_KEY}
    defaults: dict[str, dict] = {}
    files: tuple[Path, ...] = ()
    if SET_KEY in merged:
        name, origin, prefix = merged[SET_KEY]
        try:
            channel_set = read_set(name)
            defaults = {c: {k: (v, channel_set.file, f"channels.{c}.{k}") for k, v in keys.items()}
                        for c, keys in channel_set.channels.items()}
            files = (channel_set.file,)
        except InputError as error:
            problems.append(InputError(f"{origin}: {prefix}international_migration.channels."
                                       f"{SET_KEY}", error.got, error.expected, error.fix))
            return None
    if not stated and not defaults:
        problems.append(InputError(where, "no channel", "at least one channel, or a set",
                                   f"add {SET_KEY} = \"belgium-2012\", or a channel such as "
                                   "family = { level = ..., profile = ..., regions = ... }"))
        return None
    channels, anchor = [], []
    for name in CHANNELS:
        if name not in stated and name not in defaults:
            continue
        own = {k: (v, origin, f"{prefix}international_migration.channels.{name}.{k}")
               for k, (v, origin, prefix) in stated.get(name, {}).items()}
        keys = {**defaults.get(name, {}), **own}
        if "profile" in stated.get(name, {}) and "female_share" not in stated.get(name, {}):
            keys.pop("female_share", None)
        channel = _validate_channel(name, keys, where, base, head, problems, read_profile,
                                    inherited)
        if channel is None:
            continue
        own_shape = {"profile", "regions", "female_share"} & set(own)
        channels.append(replace(channel, files=(*files, *channel.files),
                                from_set=bool(defaults) and not own_shape))
        if name in defaults and channel_set.anchor == FROM_BASE:
            anchor.append(_validate_channel(name, defaults[name], where, base, head, problems,
                                            read_profile, inherited))
    if len(problems) > known:
        return None
    return Channels(tuple(channels), tuple(anchor))


def _validate_channel(name, keys, where, base, head, problems, read_profile, inherited):
    """One channel's keys, each checked."""
    def at(key):
        return keys[key]

    missing = [k for k in ("level", "profile", "regions") if k not in keys]
    if missing:
        problems.append(InputError(f"{where}.{name}", f"no {missing[0]}",
                                   f"{', '.join(missing)} for a channel outside a set",
                                   f"add {missing[0]} = ..., or {SET_KEY} = \"belgium-2012\" for "
                                   "the bundled channels"))
        return None
    known = len(problems)
    paths = {}
    for key in ("level", "scale"):
        if key in keys:
            value, origin, key_where = at(key)
            paths[key] = parse_path(f"{origin}: {key_where}", value, CHANNEL_KEYS[key], head,
                                    problems, inherited(origin))
    if paths.get("level") is not None:
        check_persons_per_year(f"{at('level')[1]}: {at('level')[2]}", paths["level"],
                               "immigrants", base, problems)
    profile, female_share, files = _profile(name, keys, at, base, problems, read_profile)
    regions = _regions(keys, at, base, problems)
    if len(problems) > known:
        return None
    return Channel(name, paths["level"], paths.get("scale"), profile, female_share, regions,
                   files)


def _profile(name, keys, at, base, problems, read_profile):
    """The profile of a channel and its share of women, checked."""
    value, origin, key_where = at("profile")
    where = f"{origin}: {key_where}"
    share = keys.get("female_share")
    if isinstance(value, str) and value.endswith(".csv"):
        read = read_profile(where, value, origin)
        if share is not None:
            _, share_origin, share_where = at("female_share")
            problems.append(InputError(f"{share_origin}: {share_where}",
                                       "female_share with a profile by sex", "female_share only "
                                       "with a Rogers-Castro profile", "remove female_share: the "
                                       "table's shares by sex give it"))
        if read is None:
            return None, None, ()
        table, values = read
        total = float(values.sum())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            problems.append(InputError(f"{where}: {table.name}", f"shares summing to {total:.6g}",
                                       "shares by sex and age summing to 1",
                                       "divide every share by their sum"))
        return values, None, (table,)
    if value == FROM_BASE:
        if base.immigration is None:
            problems.append(InputError(where, f"profile = {FROM_BASE!r} with the base "
                                       f"{base.name}, which has no immigrants",
                                       "a base with immigrants by state, sex and age",
                                       "give a Rogers-Castro profile or a CSV file"))
        if share is not None:
            _, share_origin, share_where = at("female_share")
            problems.append(InputError(f"{share_origin}: {share_where}",
                                       f"female_share with profile = {FROM_BASE!r}",
                                       "female_share only with a Rogers-Castro profile",
                                       "remove female_share: the base's immigrants give it"))
        return FROM_BASE, None, ()
    if not isinstance(value, dict):
        problems.append(InputError(where, repr(value), "a table of Rogers-Castro parameters "
                                   f"({', '.join(ROGERS_CASTRO_KEYS)}), a CSV file of shares by "
                                   f"sex and age, or {FROM_BASE!r}",
                                   "write profile = { a1 = 0.02, alpha1 = 0.1, a2 = 0.06, "
                                   "alpha2 = 0.1, mu2 = 20, lambda2 = 0.4, c = 0.003 }"))
        return None, None, ()
    problems += unknown_keys(origin, f"{key_where}.", value, ROGERS_CASTRO_KEYS)
    missing = [k for k in ROGERS_CASTRO_KEYS if k not in value]
    if missing:
        problems.append(InputError(where, f"no {missing[0]}", "the seven Rogers-Castro "
                                   f"parameters ({', '.join(ROGERS_CASTRO_KEYS)})",
                                   f"add {missing[0]} = {ROGERS_CASTRO[missing[0]].meaning}"))
    for key, rule in ROGERS_CASTRO.items():
        if key in value and bad_number(value[key], rule):
            problems.append(InputError(f"{where}.{key}", repr(value[key]), expected_number(rule),
                                       f"give {rule.meaning}"))
    if share is None:
        problems.append(InputError(f"{origin}: {key_where.rsplit('.', 1)[0]}.female_share",
                                   "nothing", "the share of women with a Rogers-Castro profile",
                                   "add female_share = a number from 0 to 1"))
        return None, None, ()
    share_value, share_origin, share_where = at("female_share")
    rule = CHANNEL_KEYS["female_share"]
    if bad_number(share_value, rule):
        problems.append(InputError(f"{share_origin}: {share_where}", repr(share_value),
                                   expected_number(rule), f"give {rule.meaning}"))
        return None, None, ()
    return {k: float(value[k]) for k in ROGERS_CASTRO_KEYS if k in value}, float(share_value), ()


def _regions(keys, at, base, problems):
    """The regional distribution of a channel, checked."""
    value, origin, key_where = at("regions")
    where = f"{origin}: {key_where}"
    labels = base.states.labels_of(REGION)
    if value == FROM_BASE:
        if base.immigration is None:
            problems.append(InputError(where, f"regions = {FROM_BASE!r} with the base "
                                       f"{base.name}, which has no immigrants",
                                       "a base with immigrants by state, sex and age",
                                       "give a share per region"))
        return FROM_BASE
    if not isinstance(value, dict) or not value:
        problems.append(InputError(where, repr(value), f"a share per region ({', '.join(labels)}) "
                                   f"summing to 1, or {FROM_BASE!r}",
                                   f"write regions = {{ \"{labels[0]}\" = ..., ... }}"))
        return None
    unknown = [k for k in value if k not in labels]
    if unknown:
        problems.append(InputError(f"{where}.{unknown[0]}", "an unknown region",
                                   f"one of {list(labels)}",
                                   did_you_mean(unknown[0], labels)
                                   or "use the base's region names"))
        return None
    missing = [k for k in labels if k not in value]
    if missing:
        problems.append(InputError(where, f"no share for {missing[0]}",
                                   f"a share for every region: {list(labels)}",
                                   f"add \"{missing[0]}\" = ... (0 if nobody goes there)"))
        return None
    rule = Method(0.0, 1.0, "a share of the channel's immigrants [1]")
    for label in labels:
        if bad_number(value[label], rule):
            problems.append(InputError(f"{where}.{label}", repr(value[label]),
                                       expected_number(rule), f"give {rule.meaning}"))
            return None
    shares = np.array([float(value[label]) for label in labels])
    if abs(shares.sum() - 1.0) > SHARE_TOLERANCE:
        problems.append(InputError(where, f"shares summing to {shares.sum():.6g}",
                                   "shares of the regions summing to 1",
                                   "divide every share by their sum"))
        return None
    return shares


__all__ = ["CHANNEL_KEYS", "Channel", "ChannelSet", "Channels", "FROM_BASE", "ROGERS_CASTRO",
           "ROGERS_CASTRO_KEYS", "SET_KEY", "merge_channels", "validate_channels"]
