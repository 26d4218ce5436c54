"""The declared vocabulary of a scenario file: its keys, methods, options and ranges.

Every key a scenario may state is declared here once, with the range or the
choices it accepts and the words that describe it in messages:
:data:`TOP_KEYS` at the top of a file, :data:`METHODS` and :data:`OPTIONS`
in each component's section, :data:`TABLE_VALUES` for the tables,
:data:`UNCERTAINTY`, :data:`CONVENTION_KEYS` and :data:`HOUSEHOLD_KEYS` for their sections, and
:data:`SHARED_KEYS` for the keys a variant may not change. The helpers at
the end turn a key or a number that does not fit into the words of an
:class:`~projsim.errors.InputError`. :mod:`projsim.model.scenario` validates
a scenario against this vocabulary.

Examples
--------
>>> METHODS["mortality"]["e0"].by
'sex'
>>> expected_number(METHODS["mortality"]["e0"])
'a number at least 15 and at most 120'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from projsim.errors import InputError
from projsim.types import MIGRATION_TIMINGS, NATIONALITY, REGION, SAFEGUARDS, STATE

#: The largest horizon accepted, in years after the base.
MAX_YEARS = 300
#: Accepted open age groups [years]: the lowest lies above every childbearing
#: age (the kernel needs zero fertility in the open group), the highest is the
#: oldest age the engine supports.
OPEN_AGES = (60, 130)
#: Net international migration profiles a ``net_total`` can be spread by
#: (or a CSV file).
PROFILES = ("base", "rogers-castro")
#: Immigration profiles an ``immigration`` total can be spread by (or a CSV file).
IMMIGRATION_PROFILES = ("base", "census-2011")
#: The most persons a cell of a base or a table may hold or move [persons]:
#: more than the world's population, so that only a unit or a typing error
#: (``1e300``) reaches it.
MAX_PERSONS = 1e10
#: The highest rate each table or base array may hold [per person-year, or
#: births per woman per year]. Above 2 deaths per person-year a life table's
#: death probability n m / (1 + (n - a) m) with a = n / 2 passes 1 and would
#: be capped; a woman has at most one birth a year on average; a rate of
#: leaving of 1 per person-year already takes 63 % of a cell in a year (the
#: emigration rate stated as a number has the same limit).
MAX_RATES = {"mortality_rate": 2.0, "fertility_rate": 1.0, "internal_migration_rate": 1.0,
             "emigration_rate": 1.0, "naturalisation_rate": 1.0}
#: A profile spreads a total by its values divided by their sum, so the sum
#: must be positive and no smaller than a person (or shares summing to 1:
#: a sum of 1e-9 is a unit error), and at least this share of the sum of the
#: values' sizes (positive and negative cells that nearly cancel would turn
#: a net total into cells many times larger).
PROFILE_LEAST_TOTAL, PROFILE_LEAST_NET_SHARE = 1.0 - 1e-9, 0.01
#: Life-expectancy targets must lie this far [years] inside the range the base's
#: death rates reach along the age pattern: the projection solves them again
#: on its own population, whose weights move that range a little.
E0_MARGIN = 1.0


@dataclass(frozen=True)
class Method:
    """How one method of a component reads its value.

    Attributes
    ----------
    low, high : float
        Accepted range of the values (``low`` excluded when ``open_low``).
    meaning : str
        What a value is, with its unit, for messages.
    by : str or None
        ``REGION`` if the path may be given per region, ``"sex"`` if it
        must be given per sex, ``None`` for a single path.
    open_low : bool
        Whether ``low`` itself is excluded.
    """

    low: float
    high: float
    meaning: str
    by: str | None = None
    open_low: bool = False


#: For each component, its methods; the first is the default (scale = 1).
METHODS: dict[str, dict[str, Method | None]] = {
    "fertility": {
        "scale": Method(0.0, 10.0, "a multiplier of the base fertility rates"),
        "tfr": Method(0.0, 10.0, "a total fertility rate [children per woman]", by=REGION,
                      open_low=True),
        "table": None,
    },
    "mortality": {
        "scale": Method(0.0, 10.0, "a multiplier of the base death rates", open_low=True),
        "e0": Method(15.0, 120.0, "a life expectancy at birth [years]", by="sex"),
        "table": None,
    },
    "international_migration": {
        "scale": Method(0.0, 10.0, "a multiplier of the base net migration"),
        "net_total": Method(-np.inf, np.inf, "net international migrants [persons per year]"),
        "immigration": Method(0.0, np.inf, "international immigrants [persons per year]",
                              by=NATIONALITY),
        "table": None,
    },
    "internal_migration": {
        "scale": Method(0.0, 10.0, "a multiplier of the base out-migration rates"),
        "table": None,
    },
    "naturalisation": {
        "scale": Method(0.0, 10.0, "a multiplier of the base naturalisation rates"),
        "table": None,
    },
}


@dataclass(frozen=True)
class Option:
    """A key of a component that is not a method.

    Attributes
    ----------
    number : Method or None
        If a number is accepted, its range.
    choices : tuple of str
        Named choices accepted.
    file : tuple or None
        If a CSV file is accepted: its value column and dimensions (no year).
    methods : tuple of str
        The methods the option goes with.
    path : bool
        Whether the number may be a path over time (a :class:`TimePath`).
    """

    number: Method | None = None
    choices: tuple[str, ...] = ()
    file: tuple[str, tuple[str, ...]] | None = None
    methods: tuple[str, ...] = ()
    path: bool = False


#: Keys of a component that are not methods, with their checks.
OPTIONS: dict[str, dict[str, Option]] = {
    "fertility": {
        "sex_ratio_at_birth": Option(number=Method(0.8, 1.25, "male births per female birth"),
                                     methods=("scale", "tfr", "table")),
        "schedule": Option(file=("fertility_rate", (STATE, "age")), methods=("tfr",)),
    },
    "international_migration": {
        "profile": Option(choices=PROFILES, file=("net_migration", (STATE, "sex", "age")),
                          methods=("net_total",)),
        "immigration_profile": Option(choices=IMMIGRATION_PROFILES,
                                      file=("immigration", (STATE, "sex", "age")),
                                      methods=("immigration", "net_total")),
        "emigration_rate": Option(number=Method(0.0, 1.0, "an emigration rate [per person-year]"),
                                  choices=("base",),
                                  file=("emigration_rate", (STATE, "sex", "age")),
                                  methods=("immigration", "net_total")),
        "emigration_scale": Option(number=Method(0.0, 10.0, "a multiplier of the emigration "
                                                            "rates"),
                                   methods=("immigration", "net_total"), path=True),
        # immigration of foreigners by channel (projsim.model.channels), with the
        # immigrants of the country's own nationality stated by ``immigration``
        "channels": Option(methods=("immigration",)),
    },
}
#: Columns of a component's table (after year, region[, sex], age).
TABLE_VALUES = {
    "fertility": "fertility_rate",
    "mortality": "mortality_rate",
    "international_migration": "net_migration",
    "internal_migration": "internal_migration_rate",
    "naturalisation": "naturalisation_rate",
}
#: The [households] section's keys (:mod:`projsim.model.households`): how the shares of
#: the positions move, the household model, and multipliers of the odds of positions.
HOUSEHOLD_KEYS = ("method", "model", "scale")
#: A multiplier of the odds of a position, by year and optionally by region.
HOUSEHOLD_SCALE = Method(0.0, 10.0, "a multiplier of the odds of the position [1]", by=REGION,
                         open_low=True)
#: Keys at the top of a scenario file.
TOP_KEYS = ("name", "description", "base", "horizon", "open_age", "grid", "extends", "conventions",
            *METHODS, "households", "uncertainty", "variants")
#: The [uncertainty] table: for each section, its keys and accepted ranges
#: (see projsim.stochastic).
UNCERTAINTY = {
    "fertility": {"sd": Method(0.0, 1.0, "an innovation sd of log TFR [1 per year]"),
                  "autocorrelation": Method(-1.0, 1.0, "an autocorrelation [1]"),
                  "level_sd": Method(0.0, 0.5, "an innovation sd of the log-TFR level [1 per year]")},
    "mortality": {"sd": Method(0.0, 5.0, "an innovation sd of e0 [years per year]"),
                  "sex_correlation": Method(-1.0, 1.0, "a correlation [1]")},
    "international_migration": {
        "sd": Method(0.0, np.inf, "an innovation sd [persons per year]"),
        "autocorrelation": Method(-1.0, 1.0, "an autocorrelation [1]"),
        "regional_sd": Method(0.0, np.inf, "an innovation sd [persons per year]")},
}
#: The [conventions] keys and their choices; the first is the default.
CONVENTION_KEYS = {"migration_timing": MIGRATION_TIMINGS, "safeguard": SAFEGUARDS}
#: Keys a variant may not change: they fix the shape of the shared projection.
SHARED_KEYS = ("base", "horizon", "open_age", "grid", "conventions", "extends", "variants", "name",
               "uncertainty", "households")
#: The value of ``table`` that takes the base's own rates of every period
#: (:class:`projsim.model.base.Periods`, such as WPP's) instead of a CSV file.
BASE_TABLE = "base"
#: The components whose ``table`` may be :data:`BASE_TABLE`, with the rates they take.
BASE_TABLES = {"fertility": "fertility_rate", "mortality": "mortality_rate",
               "international_migration": "net_migration"}


def bad_number(number, spec: Method) -> bool:
    """Whether ``number`` is not a finite number within the range of ``spec``."""
    if not isinstance(number, (int, float)) or isinstance(number, bool) or not np.isfinite(number):
        return True
    return number < spec.low or number > spec.high or (spec.open_low and number == spec.low)


def expected_number(spec: Method) -> str:
    """The words for the numbers ``spec`` accepts, for messages."""
    if not np.isfinite(spec.low):
        return "a finite number"
    low = f"greater than {spec.low:g}" if spec.open_low else f"at least {spec.low:g}"
    return f"a number {low}" + (f" and at most {spec.high:g}" if np.isfinite(spec.high) else "")


def unknown_keys(path, prefix, table, allowed):
    """An InputError for each key of ``table`` not in ``allowed`` (``path`` and
    ``prefix`` locate the table in its file)."""
    return [
        InputError(f"{path}: {prefix}{key}", "an unknown key", f"one of {list(allowed)}",
                   did_you_mean(key, allowed) or "remove it")
        for key in table
        if key not in allowed
    ]


def did_you_mean(word, choices):
    """A suggestion of the choice closest to ``word``, or "" if none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else ""
