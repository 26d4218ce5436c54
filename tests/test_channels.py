"""Immigration by channel: schedules integrate to their levels, the channels sum to
the immigration of foreigners in every cell, the accounting identity still holds,
the restated reference matches fpb-2013, and channels merge key by key."""

from __future__ import annotations

import numpy as np
import pytest

import projsim
from projsim.assumptions import build_inputs
from projsim.assumptions.migration import (
    channel_distribution, channel_immigrants, raked_distributions,
)
from projsim.io.channels import read_channel_set
from projsim.model.grids import with_grid
from projsim.types import CHANNELS, FOREIGN

HYPOTHESES = ("family-post-2011-law", "asylum-surge", "eu-free-movement-halved")
CELL = ["region", "sex", "age"]


@pytest.fixture(scope="module")
def channels():
    """fpb-2013-channels, projected once."""
    return projsim.project("fpb-2013-channels")


@pytest.fixture(scope="module")
def scenario():
    return projsim.load_scenario("fpb-2013-channels")


def test_every_channel_of_the_set_is_in_the_result(channels):
    assert tuple(channels.channel.values) == CHANNELS
    assert channels.immigration_by_channel.dims == ("time", "channel", "region", "sex", "age")
    assert channels.immigration_by_channel.attrs["units"] == "persons per year"


def test_channels_sum_to_the_immigration_of_foreigners_in_every_cell(channels):
    total = channels.immigration.sel(nationality=FOREIGN).isel(time=slice(None, -1))
    summed = channels.immigration_by_channel.sum("channel").isel(time=slice(None, -1))
    assert float(total.sum()) > 1e6
    np.testing.assert_allclose(summed.values, total.values, rtol=1e-9, atol=1e-9)


def test_schedules_integrate_to_their_level(scenario):
    base = with_grid(scenario.base_data, 1, None)
    steps = np.arange(2012, 2061)
    stated = scenario.components["international_migration"].options["channels"]
    raked = raked_distributions(base, stated.anchor)
    for channel in stated:
        for distribution in (channel_distribution(base, channel), raked[channel.name]):
            assert distribution.min() >= 0
            assert distribution.sum() == pytest.approx(1.0, rel=1e-12)
        flows = channel_immigrants(base, channel, steps)
        expected = channel.level.at(steps) * channel.scale.at(steps)
        np.testing.assert_allclose(flows.sum(axis=(1, 2, 3)), expected, rtol=1e-12)


def test_raked_channels_sum_to_the_base_profile_at_the_set_levels(scenario):
    base = with_grid(scenario.base_data, 1, None)
    anchor = scenario.components["international_migration"].options["channels"].anchor
    raked = raked_distributions(base, anchor)
    levels = read_channel_set("belgium-2012").channels
    summed = sum(levels[name]["level"] * shares for name, shares in raked.items())
    foreign = np.array([label[1] == FOREIGN for label in base.states.labels])[:, None, None]
    observed = np.where(foreign, base.immigration, 0.0)
    expected = observed / observed.sum() * sum(c["level"] for c in levels.values())
    np.testing.assert_allclose(summed, expected, rtol=1e-9, atol=1e-9)


def test_rogers_castro_profiles_have_the_stated_share_of_women(scenario):
    base = with_grid(scenario.base_data, 1, None)
    for channel in scenario.components["international_migration"].options["channels"]:
        if channel.female_share is not None:
            shares = channel_distribution(base, channel)
            assert shares[:, 0].sum() == pytest.approx(channel.female_share, rel=1e-12)


def test_the_accounting_identity_holds_per_cell(channels):
    ds = channels
    start = ds.population.isel(time=slice(None, -1))
    end = ds.population.isel(time=slice(1, None)).values
    flows = (ds.net_migration + ds.internal_in - ds.internal_out + ds.naturalisation_in
             - ds.naturalisation_out - ds.deaths).isel(time=slice(None, -1)).values
    shifted = np.zeros_like(end)
    shifted[..., 1:] = start.values[..., :-1]
    shifted[..., -1] += start.values[..., -1]
    np.testing.assert_allclose((shifted + flows)[..., 1:], end[..., 1:], rtol=1e-9, atol=1e-6)


def test_the_restated_reference_matches_fpb_2013(channels, reference):
    def foreign(ds):
        return ds.immigration.sel(nationality=FOREIGN).sum(CELL).isel(time=slice(None, -1))

    assert float(np.abs(foreign(channels) / foreign(reference) - 1).max()) < 1e-3
    total = [ds.population.sel(time=2061).sum() for ds in (channels, reference)]
    assert float(total[0] / total[1] - 1) == pytest.approx(0, abs=1e-3)


def test_a_hypothesis_changes_only_its_channel(channels):
    surge = projsim.project("asylum-surge")
    by_channel = surge.immigration_by_channel - channels.immigration_by_channel
    changed = by_channel.sum(CELL).isel(time=slice(None, -1))
    others = changed.drop_sel(channel="international_protection")
    assert float(np.abs(others).max()) < 1e-6
    protection = surge.immigration_by_channel.sel(channel="international_protection").sum(CELL)
    reference = channels.immigration_by_channel.sel(channel="international_protection").sum(CELL)
    assert float(protection.sel(time=2017) / reference.sel(time=2017)) == pytest.approx(
        15839 / 5315, rel=1e-9)
    assert float(protection.sel(time=2025) / reference.sel(time=2025)) == pytest.approx(1.0)


@pytest.mark.parametrize("name", HYPOTHESES)
def test_hypotheses_extend_the_restated_reference(name):
    scenario = projsim.load_scenario(name)
    stated = scenario.components["international_migration"].options["channels"]
    assert [c.name for c in stated] == list(CHANNELS)
    assert all(c.scale is not None for c in stated)      # the reference's common scale kept


def test_channels_merge_key_by_key_through_variants(tmp_path):
    path = tmp_path / "variants.toml"
    path.write_text('name = "mixed"\ndescription = "x"\nextends = "fpb-2013-channels"\n'
                    '[variants.fewer-students.international_migration.channels]\n'
                    'study = { scale = 0.5 }\n'
                    '[variants.total.international_migration]\nnet_total = 30000\n',
                    encoding="utf-8")
    inputs = build_inputs(projsim.load_scenario(path))
    split = inputs.channel_immigration
    study = inputs.channels.index("study")
    first = split[0, :, study].sum(axis=(1, 2, 3))
    assert first[1] == pytest.approx(0.5 * first[0] / 0.973231, rel=1e-9)
    assert np.isnan(split[:, 2]).all()                    # the variant with a net total
    assert not np.isnan(split[:, :2]).any()


def test_the_decomposition_attributes_a_difference_to_its_channel():
    from projsim.analysis.decomposition import NOT_BY_CHANNEL, decompose_by_channel

    ds = decompose_by_channel("fpb-2013-channels", "family-post-2011-law", at=[2030, 2060])
    assert tuple(ds.channel.values) == (*CHANNELS, NOT_BY_CHANNEL)
    np.testing.assert_allclose(ds.contribution.sum("channel"), ds.difference, atol=1e-6)
    national = ds.contribution.sum(["region", "nationality", "sex", "age"])
    assert float(national.sel(channel="family", time=2060)) < -200_000
    assert float(abs(national.drop_sel(channel="family")).max()) == 0.0


def test_the_decomposition_needs_channels():
    from helpers import raises_exactly

    from projsim.analysis.decomposition import decompose_by_channel

    with raises_exactly("argument 'scenario_a': got 'fpb-2013', which states no channels; "
                        "expected a scenario with [international_migration.channels]. Fix: "
                        "compare two scenarios stated by channel, such as fpb-2013-channels and "
                        "asylum-surge, or use decompose_difference."):
        decompose_by_channel("fpb-2013", "asylum-surge")


def test_draws_perturb_all_immigrants_channels_included(channels, scenario):
    from projsim.stochastic import make_job, parameters_of

    job = make_job(scenario, parameters_of(scenario), engine="numpy")
    immigrants = channels.immigration.sum(["region", "nationality", "sex", "age"])
    np.testing.assert_allclose(job.spread.path.sum(axis=-1),
                               immigrants.isel(time=slice(None, -1)).values, rtol=1e-12)
