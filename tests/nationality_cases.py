"""Results by region and nationality, for the tests that the layers above the
engine need nothing new for a second state dimension.

* :func:`split_by_nationality` crosses a scenario's base with two
  nationalities, the foreign one holding a known share of every cell of the
  population and of the migrants, at the same rates as the nationals: its
  projection is the scenario's own, split by that share.
* :func:`naturalised` labels a small kernel projection by region and
  nationality with internal migration between the regions and
  naturalisations from the foreign to the national state of each region.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from projsim import engine
from projsim.demography.lifetable import survival_ratios_from_rates
from projsim.io import load_scenario
from projsim.model.states import StateSpace
from projsim.result import to_dataset
from projsim.types import FOREIGN, NATIONALITY, REGION, SEXES

#: The labels of the nationality dimension.
NATIONALITIES = ("national", FOREIGN)
#: The foreign share of every cell of the split base [1].
FOREIGN_SHARE = 0.15


def split_base(base, share=FOREIGN_SHARE):
    """A base by region and nationality: counts split by ``share``, rates repeated,
    moves between regions kept within each nationality."""
    states = StateSpace.of({REGION: base.states.labels_of(REGION),
                            NATIONALITY: NATIONALITIES})
    shares = np.array([1 - share, share])

    def counts(array):
        if array is None:
            return None
        split = array[:, None] * shares.reshape((1, 2) + (1,) * (array.ndim - 1))
        return split.reshape((-1,) + array.shape[1:])

    def rates(array):
        return None if array is None else np.repeat(array, 2, axis=0)

    destination = base.internal_migration_destination
    return dataclasses.replace(
        base, states=states, population=counts(base.population),
        net_migration=counts(base.net_migration),
        immigrant_profile=counts(base.immigrant_profile),
        mortality_rate=rates(base.mortality_rate), fertility_rate=rates(base.fertility_rate),
        internal_migration_rate=rates(base.internal_migration_rate),
        internal_migration_destination=None if destination is None
        else np.kron(destination, np.eye(2)))


def split_by_nationality(name, share=FOREIGN_SHARE):
    """A bundled scenario on its base split by nationality (:func:`split_base`)."""
    scenario = load_scenario(name)
    return dataclasses.replace(scenario, base_data=split_base(scenario.base_data, share))


def naturalised(steps=3, ages=6, seed=11):
    """A labelled projection of 2 regions x 2 nationalities with internal
    migration (the first move) and naturalisation (the second)."""
    rng = np.random.default_rng(seed)
    states = StateSpace.of({REGION: ["A", "B"], NATIONALITY: NATIONALITIES})
    cell = (1, states.size, len(SEXES), ages)
    mortality = rng.uniform(0.005, 0.05, (steps,) + cell)
    mortality[..., -1] = 0.3
    fertility = rng.uniform(0.0, 0.4, (steps, 1, states.size, ages))
    fertility[..., [0, -1]] = 0.0
    foreign = states.codes(NATIONALITY) == NATIONALITIES.index(FOREIGN)
    between_regions = states.within(REGION) & ~np.eye(states.size, dtype=bool)
    to_nationals = states.within(NATIONALITY) & foreign[:, None] & ~foreign[None, :]
    move_rate = rng.uniform(0.01, 0.05, (steps, 1, 2) + cell[1:])
    move_rate[:, :, 1, ~foreign] = 0.0
    rates = engine.Rates(
        survival=survival_ratios_from_rates(mortality, np.array(SEXES)),
        fertility_rate=fertility,
        sex_ratio_at_birth=np.full((steps, 1, states.size), 1.05),
        net_migration=rng.uniform(-2.0, 10.0, (steps,) + cell),
        move_rate=move_rate,
        move_destination=np.stack([between_regions, to_nationals]).astype(float)[None, None],
    )
    population = rng.uniform(50.0, 200.0, cell)
    projection = engine.project(population, rates)
    return to_dataset(projection, years=np.arange(2020, 2021 + steps), states=states,
                      ages=np.arange(ages), attrs={"scenario": "naturalised"}, inputs={},
                      rates={"mortality_rate": mortality, "fertility_rate": fertility,
                             "sex_ratio_at_birth": rates.sex_ratio_at_birth},
                      moves=("internal_migration", "naturalisation"))
