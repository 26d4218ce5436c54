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
