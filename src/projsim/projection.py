"""The public entry point: run a scenario and return a labelled Dataset."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from projsim import engine
from projsim.assumptions import Inputs, build_inputs, needs_second_pass, reweight
from projsim.io.scenarios import load_scenario
from projsim.model.scenario import Scenario
from projsim.io.files import array_sha256
from projsim.result import channel_variable, to_dataset
from projsim.types import CHANNEL

#: The scenario run when none is named: the reference scenario, the Federal
#: Planning Bureau's 2012-2060 projection rebuilt on the embedded Belgian base
#: of 1 January 2012.
DEFAULT_SCENARIO = "fpb-2013"
#: The conventions a result records, by width of the grid [years].
CONVENTIONS = {
    1: "projsim cohort-component step (README, Method); survival ratios from life tables "
       "(HMD Methods Protocol v6, Andreev-Kingkade a0)",
    5: "projsim cohort-component step (README, Method) in five-year steps; survival ratios "
       "from abridged life tables (Greville a(x) from age 15 as in MORTPAK, Andreev-Kingkade "
       "1a0, Coale-Demeny 4a1), ages 0 and 1-4 pooled into 0-4; flows are means per year",
}


def run(scenario: Scenario) -> tuple[Inputs, engine.Projection]:
    """Build a scenario's inputs and project them with the kernel (unlabelled).

    A scenario with life-expectancy targets or a national TFR path is
    projected twice: the second pass solves the targets on the first pass's
    projected population (:func:`projsim.assumptions.reweight`).

    Returns
    -------
    inputs : Inputs
        The inputs of the projection returned.
    projection : Projection
        The kernel's arrays.
    """
    inputs = build_inputs(scenario)

    def once(inputs):
        return engine.project(inputs.population, inputs.rates, width=scenario.width,
                              timing=scenario.migration_timing, safeguard=scenario.safeguard)

    result = once(inputs)
    if needs_second_pass(scenario):
        inputs = reweight(inputs, scenario, result.population)
        result = once(inputs)
    return inputs, result


def project(scenario: str | Path | Scenario = DEFAULT_SCENARIO) -> xr.Dataset:
    """Project a scenario.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A bundled scenario's name (see ``projsim list``), a scenario file, or
        a scenario already loaded with :func:`projsim.load_scenario`.

    Returns
    -------
    xarray.Dataset
        Population on 1 January of every year from the base to the horizon
        (on the base's day, every five years, on a grid of five years), the
        flows of every step, and provenance in ``attrs``
        (see :mod:`projsim.result`). A scenario with variants gives a
        ``scenario`` dimension, the scenario itself first. The households of a
        scenario with a ``[households]`` section are added by
        :func:`projsim.project`, above the analysis layer.

    Examples
    --------
    >>> import projsim
    >>> ds = projsim.project()
    >>> int(ds.population.sel(time=2012).sum())
    11035948
    >>> ds.attrs["scenario"], ds.attrs["migration_timing"]
    ('fpb-2013', 'even')
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return label(scenario, *run(scenario))


def label(scenario: Scenario, inputs: Inputs, result: engine.Projection) -> xr.Dataset:
    """Attach labels, units and provenance to a run of :func:`run`."""
    base = inputs.base
    attrs = {
        "scenario": scenario.name,
        "scenario_description": scenario.description,
        "scenario_file": Path(scenario.source).name,
        "sha256_scenario_file": scenario.sha256,
        "base": inputs.base.name,
        **{f"sha256_base_{k}": v for k, v in inputs.base.sha256.items()},
        "migration_timing": scenario.migration_timing,
        "safeguard": scenario.safeguard,
        "conventions": CONVENTIONS[base.age_width],
        "seed": "none (deterministic projection)",
    }
    dataset = to_dataset(
        result, years=inputs.years, states=inputs.base.states, ages=inputs.base.ages, attrs=attrs,
        moves=inputs.moves,
        inputs={"population": inputs.population, **inputs.rates._asdict()},
        rates={"mortality_rate": inputs.mortality_rate,
               "fertility_rate": inputs.rates.fertility_rate,
               "sex_ratio_at_birth": inputs.rates.sex_ratio_at_birth},
        scenarios=inputs.variants if len(inputs.variants) > 1 else None,
        width=base.age_width, date=base.date, mortality_ages=base.mortality_ages,
    )
    if inputs.channel_immigration is not None:
        dataset["immigration_by_channel"] = channel_variable(
            inputs.channel_immigration, inputs.channels, base.states, scenario.migration_timing,
            len(inputs.variants) > 1, base.age_width, base.date)
        dataset = dataset.assign_coords({CHANNEL: list(inputs.channels)})
        dataset.attrs["sha256_channel_immigration"] = array_sha256(inputs.channel_immigration)
    return dataset
