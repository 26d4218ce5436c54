"""The controlled vocabulary of projsim, declared once.

Dimension names, sex labels, the allowed values of every option and the
registry of result variables live here as ``Literal`` aliases, tuples and
one mapping, so that no other module spells them again.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

#: The dimensions a state may have, in storage order: the labelled state
#: dimensions of a base are those of these it has (regions alone, or regions
#: crossed with nationality). :class:`projsim.model.states.StateSpace`
#: flattens them to the kernel's ``state`` axis and back.
STATE_DIMS: tuple[str, ...] = ("region", "nationality")
#: The regional dimension, by which paths and profiles may be given.
REGION = "region"
#: The nationality dimension.
NATIONALITY = "nationality"
FOREIGN = "foreign"  #: The label of the persons of foreign nationality along NATIONALITY.
#: The placeholder for the state dimensions in :data:`VARIABLES`.
STATE = "state"
#: Dimensions of a labelled result, in storage order, with :data:`STATE`
#: standing for the state dimensions.
DIMS = ("time", STATE, "sex", "age")
#: The channels by which immigration of foreigners may be stated (``[international_migration.
#: channels]``, :mod:`projsim.model.channels`), in the order of a result's ``channel``
#: dimension: free movement of citizens of the European Union (and their families who are
#: EU citizens), family reunification and formation of citizens of third countries,
#: international protection (refugee and subsidiary protection status), paid work, study,
#: and every other reason (humanitarian regularisation among them).
Channel = Literal["eu_free_movement", "family", "international_protection", "labour", "study",
                  "other"]
CHANNELS: tuple[str, ...] = get_args(Channel)
#: The dimension of immigration by channel.
CHANNEL = "channel"
#: Dimensions a result may carry besides :data:`DIMS`: variants and draws.
BATCH_DIMS = ("scenario", "draw")

#: Sex labels in the order of the kernel's sex axis. Index 0 is the sex that
#: gives birth; fertility rates and the births exposure refer to it.
SEXES: tuple[str, str] = ("female", "male")

#: Timing of international migration within a step (see the Method section
#: of the README): ``"even"`` puts half of the step's migrants at the start,
#: exposed to mortality and counted in the births exposure, and half at the
#: end; ``"end"`` adds all of them at the end.
MigrationTiming = Literal["even", "end"]

#: What the engine does when a net outflow would make a cell negative.
#: ``"reduce"`` lowers the outflow to the population at risk. ``"ccmpp"`` is
#: the UN Population Division's rule: a net count with P + M <= 0 becomes
#: 1e-5 - P before the step, and any end population below zero is set to
#: 0.0005. Both record every change in the result.
Safeguard = Literal["reduce", "ccmpp"]

MIGRATION_TIMINGS: tuple[str, ...] = get_args(MigrationTiming)
SAFEGUARDS: tuple[str, ...] = get_args(Safeguard)

#: The separation factor a(x) of a life table's closed age groups that the
#: infant and child rules do not cover (:mod:`projsim.demography.separation`):
#: ``"midpoint"`` is half the width (the HMD Methods Protocol, the default);
#: ``"greville"`` is Greville's formula from age 15, as in the UN's MORTPAK
#: and its model life tables; ``"constant-force"`` assumes a constant force
#: of mortality within each group.
SeparationRule = Literal["midpoint", "greville", "constant-force"]
#: The separation factors of the first years, 1a0 and 4a1, as functions of
#: the infant death rate 1m0: ``"andreev-kingkade"`` (1a0 of Andreev and
#: Kingkade 2015, 4a1 of Coale and Demeny; the default) or ``"coale-demeny"``
#: (both of Coale and Demeny).
InfantRule = Literal["andreev-kingkade", "coale-demeny"]
SEPARATION_RULES: tuple[str, ...] = get_args(SeparationRule)
INFANT_RULES: tuple[str, ...] = get_args(InfantRule)

#: The grid of a projection, ``"NxN"``: age groups of N years and steps of N
#: years. ``"1x1"`` projects by single year of age from one date to the same
#: date a year later; ``"5x5"`` by five-year age group in five-year steps, as
#: the UN's World Population Prospects do. The first is the default.
Grid = Literal["1x1", "5x5"]
GRIDS: tuple[str, ...] = get_args(Grid)
#: The width [years] of the age groups and of the step of each grid.
GRID_WIDTHS: dict[str, int] = {grid: int(grid.split("x")[0]) for grid in GRIDS}
#: The separation rule of the life tables of each width of age groups
#: (:mod:`projsim.demography.separation`): half the width for single years
#: (the HMD's rule), Greville's formula for five-year groups (the UN's
#: practice, which reproduces WPP's life expectancies).
GRID_SEPARATION: dict[int, SeparationRule] = {1: "midpoint", 5: "greville"}

#: The date of a base's stocks, which every stock of its projection keeps:
#: 1 January (population registers, Statbel, HMD) or 1 July (the UN's World
#: Population Prospects). The first is the default.
StockDate = Literal["1 January", "1 July"]
STOCK_DATES: tuple[str, ...] = get_args(StockDate)
#: The dimension of death rates by abridged age group (0, 1-4, 5-9, ...) in a
#: result whose age groups are wider than a year: the first age of each
#: group, so that the infant separation factors survive the grouping into 0-4.
MORTALITY_AGE = "mortality_age"

#: The kinds of moves between states, in the order the engine applies them,
#: with the names of their flows into a state and out of it.
MOVES: dict[str, tuple[str, str]] = {
    "internal_migration": ("internal_in", "internal_out"),
    "naturalisation": ("naturalisation_in", "naturalisation_out"),
}

#: A person's position in the household, the categories of the household-position
#: method (:mod:`projsim.analysis.households`), after the census's: living alone
#: (a one-person household), partner in a couple (married, registered or
#: cohabiting), lone parent, child living with a couple or with a lone parent,
#: other member of a private household (in no family nucleus: a grandparent living
#: with a family, siblings or friends sharing a home), and resident of an
#: institution (care home, prison, religious community), who is in no private
#: household.
HouseholdPosition = Literal["living_alone", "partner", "lone_parent", "child_of_couple",
                            "child_of_lone_parent", "other", "institution"]
HOUSEHOLD_POSITIONS: tuple[str, ...] = get_args(HouseholdPosition)
#: Private households by the position of their reference person (one per household):
#: one person, a couple without or with resident children, a lone parent, other.
HouseholdType = Literal["one_person", "couple_without_children", "couple_with_children",
                        "lone_parent", "other"]
HOUSEHOLD_TYPES: tuple[str, ...] = get_args(HouseholdType)
#: The dimensions of positions and household types.
POSITION = "position"
HOUSEHOLD_TYPE = "household_type"
#: How the shares of the positions move over time: held at the census's, or moved
#: along the trend of the household model.
HouseholdMethod = Literal["constant", "trend"]
HOUSEHOLD_METHODS: tuple[str, ...] = get_args(HouseholdMethod)
#: The population households are computed from: a result's (a run, its variants or
#: kept draws), or the mean over draws of an ensemble summary.
HouseholdStock = Literal["population", "population_mean"]
HOUSEHOLD_STOCKS: tuple[str, ...] = get_args(HouseholdStock)

COHORT = (
    "by age group reached at the end of the year (Lexis parallelogram: the cohort "
    "aged a-1 on 1 January t, or born during t for a = 0)"
)


def cohort_note(width: int = 1, date: str = STOCK_DATES[0]) -> str:
    """The meaning of a cohort flow's age label on a grid of ``width`` years whose
    stocks are on ``date``: :data:`COHORT` for single years on 1 January.

    Examples
    --------
    >>> cohort_note(5, "1 July")
    'by age group reached at the end of the step (Lexis parallelogram: the cohort in group a-5 on 1 July t, or born during the step for a = 0)'
    """
    if width == 1:
        return COHORT.replace(STOCK_DATES[0], date)
    return ("by age group reached at the end of the step (Lexis parallelogram: the cohort "
            f"in group a-{width} on {date} t, or born during the step for a = 0)")


class Variable(NamedTuple):
    """A variable of a result: its dimensions after ``time``, long name, units,
    and the meaning of its age labels (None without age)."""

    dims: tuple[str, ...]
    long_name: str
    units: str
    age_meaning: str | None = None


_CELL = (STATE, "sex", "age")
#: Every variable a result may hold, declared once: the labeller
#: (:mod:`projsim.result`), the analysis, the plots and the report read their
#: names, dimensions and units here.
VARIABLES: dict[str, Variable] = {
    "population": Variable(_CELL, "population on 1 January", "persons",
                           "age in completed years on 1 January"),
    "births": Variable((STATE, "sex"), "live births by sex of the child, by state of the mother",
                       "persons per year"),
    "births_by_age_of_mother": Variable((STATE, "age"), "live births by age group of the mother",
                                        "persons per year", "age of the mother on 1 January t"),
    "deaths": Variable(_CELL, "deaths", "persons per year", COHORT),
    "net_migration": Variable(_CELL, "international net migration applied", "persons per year",
                              COHORT),
    "immigration": Variable(_CELL, "international immigration", "persons per year", COHORT),
    "emigration": Variable(_CELL, "international emigration", "persons per year", COHORT),
    "immigration_by_channel": Variable((CHANNEL, REGION, "sex", "age"),
                                       "international immigration of foreigners by channel",
                                       "persons per year", COHORT),
    "internal_in": Variable(_CELL, "internal in-migration from the other regions",
                            "persons per year", COHORT),
    "internal_out": Variable(_CELL, "internal out-migration to the other regions",
                             "persons per year", COHORT),
    "naturalisation_in": Variable(_CELL, "acquisitions of the nationality of the country, "
                                         "by the nationality acquired", "persons per year", COHORT),
    "naturalisation_out": Variable(_CELL, "acquisitions of the nationality of the country, "
                                          "by the nationality left", "persons per year", COHORT),
    "migration_adjustment": Variable(_CELL, "net migration applied minus net migration asked for",
                                     "persons per year",
                                     "age at migration, as in the scenario's migration input"),
    "population_floor": Variable(_CELL, "persons added by the UN population floor", "persons",
                                 COHORT),
    "mortality_rate": Variable(_CELL, "central death rate assumed", "deaths per person-year",
                               "age in completed years during the year"),
    "fertility_rate": Variable((STATE, "age"), "age-specific fertility rate assumed",
                               "births per woman per year", "age of the mother on 1 January t"),
    "sex_ratio_at_birth": Variable((STATE,), "sex ratio at birth assumed",
                                   "male births per female birth"),
    # summaries of stochastic draws
    "population_mean": Variable(_CELL, "mean population on 1 January over draws", "persons"),
    "population_sd": Variable(_CELL, "standard deviation over draws", "persons"),
    "population_quantile": Variable(("quantile", STATE, "age_group"),
                                    "population by region and age group, quantiles over draws",
                                    "persons"),
    "national_quantile": Variable(("quantile", "age_group"),
                                  "national population by age group, quantiles over draws",
                                  "persons"),
    "probability_above": Variable(("threshold",), "probability that the national population "
                                                  "exceeds the threshold", "1"),
    # households (projsim.analysis.households), by region: other state dimensions are pooled
    "persons_by_position": Variable((REGION, POSITION, "sex", "age"),
                                    "persons by position in the household", "persons",
                                    "age in completed years on 1 January"),
    "households": Variable((REGION, HOUSEHOLD_TYPE),
                           "private households by type, one reference person each", "households"),
    "average_household_size": Variable((REGION,), "persons in private households per private "
                                                  "household", "persons per household"),
    "one_person_share": Variable((REGION,), "share of one-person households among private "
                                            "households", "%"),
}

def on_grid(name: str, width: int = 1, date: str = STOCK_DATES[0]) -> Variable:
    """The registry's entry of a variable, worded for a grid of ``width`` years
    whose stocks are on ``date``; the entry itself for single years on 1 January.

    Stocks are dated by ``date``, ages are the first age of their group, and
    flows keep their units per year: the mean of the step's years
    (:mod:`projsim.result`).

    Examples
    --------
    >>> on_grid("population", 5, "1 July").age_meaning
    'first age of the 5-year age group (95 is 95-99) on 1 July'
    >>> on_grid("population") == VARIABLES["population"]
    True
    """
    spec = VARIABLES[name]
    meaning = spec.age_meaning
    if meaning == COHORT:
        meaning = cohort_note(width, date)
    elif meaning is not None and width != 1:
        meaning = _group_meanings(width).get(meaning, meaning).replace(STOCK_DATES[0], date)
    elif meaning is not None:
        meaning = meaning.replace(STOCK_DATES[0], date)
    return spec._replace(long_name=spec.long_name.replace(STOCK_DATES[0], date),
                         age_meaning=meaning)


def _group_meanings(width: int) -> dict[str, str]:
    """The age meanings of the registry reworded for groups of ``width`` years."""
    last = 19 * width
    return {
        "age in completed years on 1 January":
            f"first age of the {width}-year age group ({last} is {last}-{last + width - 1}) "
            "on 1 January",
        "age of the mother on 1 January t": "age group of the mother on 1 January t",
        "age in completed years during the year":
            f"abridged age group during the step (0, 1-4, 5-9, ...; dimension {MORTALITY_AGE})",
    }


#: What a stochastic run keeps: streaming summaries, or every draw's population too.
Keep = Literal["summary", "draws"]
#: How the quantiles of a stochastic run are computed (:mod:`projsim.stochastic`).
QuantileMethod = Literal["auto", "exact", "histogram"]
#: Which engine runs the draws: ``"auto"`` chooses by the rule of
#: :func:`projsim.stochastic.choose_engine`.
Engine = Literal["auto", "fused", "numpy"]
KEEPS: tuple[str, ...] = get_args(Keep)
QUANTILE_METHODS: tuple[str, ...] = get_args(QuantileMethod)
ENGINES: tuple[str, ...] = get_args(Engine)
