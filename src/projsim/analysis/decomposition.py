"""Where population change comes from: international migration, and the
difference between two scenarios.

Both analyses compare projections that share everything but one assumption,
and both run every projection they need as variants of one projection, on
the kernel's batch axis: counterfactuals are built with
:func:`dataclasses.replace` on the loaded scenario's variants and components,
never written to files. Death rates are always the rates the scenario itself
projected with: a life-expectancy target is met on the projected population
(:func:`projsim.assumptions.reweight_e0`), so solving it again on a
counterfactual population would give other rates, and mortality differences
would leak into the part attributed to migration (or to another component).
Every run therefore takes the scenario's solved death rates as a table.

* :func:`migration_contribution` (:mod:`projsim.analysis.migration`) splits
  the population change between two dates into natural change without
  migration, migrants and their survivors (direct), and their children
  (indirect);
* :func:`decompose_difference` (:mod:`projsim.analysis.difference`) splits
  the difference between two scenarios into contributions of fertility,
  mortality and migration, by the Shapley value of the sequential
  replacement of one scenario's assumptions by the other's
  (:func:`shapley_contributions`);
* :func:`decompose_by_channel` splits the difference between two scenarios
  stated by channel into the channels of immigration of foreigners.

This module gathers both; the results keep the state dimensions of the
scenario's base (regions, or regions and nationalities).
"""

from projsim.analysis.difference import (
    COMPONENTS, DEFAULT_COMPONENTS, NOT_BY_CHANNEL, ComponentName, decompose_by_channel,
    decompose_difference, shapley_contributions,
)
from projsim.analysis.migration import (
    CARRIER, KEEP_DIMS, MIGRATION_VARIABLES, RUNS, migration_contribution,
)

__all__ = [
    "CARRIER", "COMPONENTS", "DEFAULT_COMPONENTS", "KEEP_DIMS", "MIGRATION_VARIABLES",
    "NOT_BY_CHANNEL", "RUNS", "ComponentName", "decompose_by_channel", "decompose_difference",
    "migration_contribution", "shapley_contributions",
]
