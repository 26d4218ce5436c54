"""Tests of ``projsim.mortality``: the e0 solver, regional shifts and the Lee-Carter estimate.

The solver is checked three ways: every returned schedule is put through
``projsim.lifetable.life_expectancy_at_birth`` and must hit its target;
the index it finds is compared with scipy's Brent root finder run one
schedule at a time (a different implementation); and the null and sign
conditions (target = base e0 gives the base, higher e0 lowers every rate
the pattern moves) hold. The Lee-Carter files are compared with a rebuild
and with HMD's published life expectancies.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import raises_exactly
from scipy.optimize import brentq

from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.mortality import (
    MAX_LIFE_EXPECTANCY,
    mortality_index_for_e0,
    regional_rates_for_e0,
    shift_to_e0,
)
from projsim.io import load_base, load_lee_carter
from projsim.types import SEXES

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "src" / "projsim" / "data" / "lee_carter_belgium"
HMD_E0 = REPO_ROOT / "data-raw" / "belgium" / "hmd_lifetables_period_age0_1970_2011.csv"
AGES = np.arange(111)
SEX_AXIS = np.array(SEXES)

#: The scenario language promises e0 to 0.001 years.
PROMISED = 1e-3  # [years]



def random_schedules(rng, shape) -> np.ndarray:
    """Gompertz-Makeham rates with an infant peak and noise, ages 0..110+ [per person-year]."""
    level = rng.uniform(2e-5, 1.5e-4, shape + (1,))
    slope = rng.uniform(0.085, 0.11, shape + (1,))
    makeham = rng.uniform(1e-5, 3e-4, shape + (1,))
    infant = rng.uniform(0.002, 0.03, shape + (1,))
    rates = makeham + level * np.exp(slope * AGES) + infant * np.exp(-2.0 * AGES)
    return np.minimum(rates * rng.lognormal(0.0, 0.1, shape + (111,)), 3.0)


def random_patterns(rng, shape) -> np.ndarray:
    """Positive, noisy age patterns like a Lee-Carter b(x), summing to 1."""
    pattern = np.exp(-((AGES - rng.uniform(0, 70, shape + (1,))) / 60.0) ** 2) * rng.uniform(0.3, 1.0, shape + (111,))
    return pattern / pattern.sum(axis=-1, keepdims=True)


# --- the solver hits its targets ------------------------------------------------


@pytest.mark.parametrize("n_targets", [3, 40], ids=["solved at every target", "interpolated between levels"])
def test_random_targets_are_hit(n_targets):
    rng = np.random.default_rng(20130501 + n_targets)
    rates = random_schedules(rng, (4, 2))  # (region, sex)
    pattern = random_patterns(rng, (4, 2))
    base_e0 = life_expectancy_at_birth(rates, SEX_AXIS)
    targets = base_e0 + rng.uniform(-8.0, 8.0, (n_targets, 4, 2))  # (time, region, sex)
    moved = shift_to_e0(rates, pattern, targets, SEX_AXIS)
    assert moved.shape == (n_targets, 4, 2, 111)
    error = np.abs(life_expectancy_at_birth(moved, SEX_AXIS) - targets)
    assert error.max() < 1e-4 < PROMISED
    np.testing.assert_allclose(np.log(moved / rates), np.log(moved / rates)[..., :1] / pattern[..., :1] * pattern,
                               rtol=1e-9, atol=1e-12)


def test_every_leading_layout_gives_the_same_rates():
    rng = np.random.default_rng(7)
    rates = random_schedules(rng, (2,))
    pattern = load_lee_carter().age_pattern
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + rng.uniform(-5, 8, (7, 50, 2))  # (variant, time, sex)
    by_variant = shift_to_e0(rates, pattern, targets, SEX_AXIS)
    sex_first = shift_to_e0(rates[:, None, None, :], pattern[:, None, None, :], np.moveaxis(targets, -1, 0),
                            SEX_AXIS[:, None, None])
    assert by_variant.shape == (7, 50, 2, 111)
    np.testing.assert_allclose(np.moveaxis(sex_first, 0, -2), by_variant, rtol=1e-5)
    one_by_one = np.stack([shift_to_e0(rates[s], pattern[s], targets[3, 10, s], SEXES[s]) for s in range(2)])
    np.testing.assert_allclose(by_variant[3, 10], one_by_one, rtol=1e-5)


def test_index_agrees_with_brent_one_schedule_at_a_time():
    rng = np.random.default_rng(11)
    rates = random_schedules(rng, (3, 2))
    pattern = random_patterns(rng, (3, 2))
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + rng.uniform(-6, 6, (20, 3, 2))
    index = mortality_index_for_e0(rates, pattern, targets, SEX_AXIS, tolerance=1e-10)
    for t, r, s in [(0, 0, 0), (5, 1, 1), (19, 2, 0), (12, 2, 1)]:
        def gap(k):
            return life_expectancy_at_birth(rates[r, s] * np.exp(k * pattern[r, s]), SEXES[s]) - targets[t, r, s]

        bound = 20 / pattern[r, s].max()
        reference = brentq(gap, -bound, bound, xtol=1e-12, rtol=1e-14)
        assert index[t, r, s] == pytest.approx(reference, abs=1e-7)


def test_target_equal_to_base_e0_returns_the_base_rates():
    rng = np.random.default_rng(3)
    rates = random_schedules(rng, (3, 2))
    base_e0 = life_expectancy_at_birth(rates, SEX_AXIS)
    pattern = random_patterns(rng, (3, 2))
    for n_targets in (1, 30):  # solved directly, and through the interpolation levels
        moved = shift_to_e0(rates, pattern, np.broadcast_to(base_e0, (n_targets, 3, 2)), SEX_AXIS)
        np.testing.assert_array_equal(moved, np.broadcast_to(rates, moved.shape))


def test_patterns_with_negative_values_are_solved():
    rng = np.random.default_rng(5)
    rates = random_schedules(rng, (2,))
    mixed = load_lee_carter().age_pattern.copy()
    mixed[:, 20:35] = -0.004  # mortality of young adults moving against the rest
    targets = life_expectancy_at_birth(rates, SEX_AXIS) + np.array([[-3.0], [0.5], [4.0]])[..., None]
    for pattern in (mixed, -load_lee_carter().age_pattern):  # an all-negative pattern: e0 rises with k
        moved = shift_to_e0(rates, pattern, targets[:, 0], SEX_AXIS)
        assert np.abs(life_expectancy_at_birth(moved, SEX_AXIS) - targets[:, 0]).max() < 1e-4


# --- regions --------------------------------------------------------------------


def test_regional_differentials_are_kept_and_national_e0_is_hit():
    rng = np.random.default_rng(17)
    regional = random_schedules(rng, (3, 2))  # (region, sex)
    weights = rng.uniform(1e3, 1e5, (3, 2, 111))
    pattern = load_lee_carter().age_pattern
    national = (weights * regional).sum(0) / weights.sum(0)
    targets = life_expectancy_at_birth(national, SEX_AXIS) + rng.uniform(0, 8, (4, 50, 2))  # (variant, time, sex)

    moved = regional_rates_for_e0(regional, weights, pattern, targets, SEXES)

    assert moved.shape == (4, 50, 3, 2, 111)  # (variant, time, region, sex, age)
    moved_national = (weights * moved).sum(-3) / weights.sum(0)
    assert np.abs(life_expectancy_at_birth(moved_national, SEX_AXIS) - targets).max() < 1e-4
    np.testing.assert_allclose(np.log(moved / moved_national[..., None, :, :]),
                               np.broadcast_to(np.log(regional / national), moved.shape), atol=1e-12)


def test_belgium_2011_moved_to_the_fpb_2060_life_expectancy():
    """Belgian regional rates of around 2011 moved to the FPB's e0 for 2060.

    The FPB's 2012-2060 projection reaches e0 = 89.1 years for women and
    86.7 for men in 2060, against about 83 and 78 in the base. With the
    Belgian Lee-Carter pattern, which is positive or zero at every age,
    the index falls and every rate falls where b(x) > 0 and stays where
    b(x) = 0 (the oldest ages, see the model's README), in every region.
    The weights are the base population, pooled over 100+ where some
    single ages have nobody.
    """
    base = load_base("belgium-2012")
    pattern = load_lee_carter().age_pattern
    weights = base.population.copy()
    weights[..., 100:] = weights[..., 100:].sum(axis=-1, keepdims=True)
    target = np.array([[89.1, 86.7]])  # (time, sex) in the order of SEXES

    moved = regional_rates_for_e0(base.mortality_rate, weights, pattern, target, SEXES)[0]

    change = np.sign(moved - base.mortality_rate)
    np.testing.assert_array_equal(change, np.broadcast_to(-np.sign(pattern), change.shape))
    assert (pattern[:, :100] > 0).all()
    national = (weights * moved).sum(0) / weights.sum(0)
    assert np.abs(life_expectancy_at_birth(national, SEX_AXIS) - target[0]).max() < 1e-4


# --- error messages -------------------------------------------------------------


def test_error_unreachable_target():
    rates = 1e-4 * 2 ** (np.arange(101) / 10)
    old_ages_only = np.where(np.arange(101) >= 70, 1.0, 0.0)
    with raises_exactly(
        "argument 'target_e0': got 40 years at index (1,); expected a life expectancy at birth from 68.070 to "
        "120.000 years, the range that mortality_rate * exp(k * age_pattern) reaches for |k * age_pattern| <= 20. "
        "Fix: choose a reachable target, or a pattern that moves mortality at the ages that limit e0."
    ):
        shift_to_e0(rates, old_ages_only, [87.0, 40.0], "female")


def test_error_target_above_the_maximum():
    assert MAX_LIFE_EXPECTANCY == 120
    with raises_exactly(
        "argument 'target_e0': got 867 years at index (1, 0); expected a life expectancy at birth above 0 and at "
        "most 120 years. Fix: give the target in years, for example 86.7."
    ):
        shift_to_e0(np.full(111, 0.01), np.full(111, 0.01), [[80.0], [867.0]], "male")


def test_error_flat_pattern():
    pattern = np.full((2, 111), 0.01)
    pattern[1] = 0.0
    with raises_exactly(
        "argument 'age_pattern': got zero at every age at leading index (1,); expected a pattern that is nonzero "
        "at one age at least. Fix: give the pattern along which log mortality moves, for example "
        "load_lee_carter().age_pattern."
    ):
        shift_to_e0(np.full((2, 111), 0.01), pattern, 80.0, SEX_AXIS)


def test_error_pattern_length():
    with raises_exactly(
        "argument 'age_pattern': got an array of shape (2, 101); expected 111 values on the last axis, one per age "
        "group of 'mortality_rate'. Fix: give b(x) for the same ages as the rates, for example "
        "load_lee_carter().age_pattern."
    ):
        shift_to_e0(np.full((2, 111), 0.01), np.full((2, 101), 0.01), 80.0, SEX_AXIS)


def test_error_shapes_do_not_broadcast():
    with raises_exactly(
        "arguments 'mortality_rate', 'age_pattern', 'sex' and 'target_e0': got leading shapes mortality_rate "
        "(3, 2), age_pattern (2,), sex (2,), target_e0 (50, 3); expected leading shapes that broadcast together. "
        "Fix: insert length-1 axes where an input does not vary."
    ):
        shift_to_e0(np.full((3, 2, 111), 0.01), np.full((2, 111), 0.01), np.full((50, 3), 80.0), SEX_AXIS)


def test_error_tolerance():
    with raises_exactly(
        "argument 'tolerance': got 0.01; expected a tolerance from 1e-10 to 0.001 years. "
        "Fix: use the default 1e-4 years."
    ):
        shift_to_e0(np.full(111, 0.01), np.full(111, 0.01), 80.0, "female", tolerance=0.01)


def test_error_weights_without_anyone():
    weights = np.ones((3, 2, 111))
    weights[:, 1, 108] = 0.0
    with raises_exactly(
        "argument 'weights': got a total of 0 over the regions at index (1, 108) of (..., sex, age); expected a "
        "positive total weight over the regions at every sex and age. Fix: pool the weights of the oldest ages, "
        "for example weights[..., 100:] = weights[..., 100:].sum(axis=-1, keepdims=True)."
    ):
        regional_rates_for_e0(np.full((3, 2, 111), 0.01), weights, np.full(111, 0.01), [[80.0, 75.0]], SEXES)


def test_error_regional_rates_without_region_axis():
    with raises_exactly(
        "argument 'regional_rates': got an array of shape (2, 111); expected an array with axes (..., region, "
        "sex, age). Fix: add the region and sex axes, with length 1 if there is one region."
    ):
        regional_rates_for_e0(np.full((2, 111), 0.01), 1.0, np.full(111, 0.01), [[80.0, 75.0]], SEXES)


# --- the Lee-Carter estimate ------------------------------------------------------


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_lee_carter", REPO_ROOT / "tools" / "build_lee_carter.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_files_equal_a_rebuild(tmp_path):
    assert load_build_script().main(["--out", str(tmp_path)]) == 0
    rebuilt = tmp_path / "lee_carter_belgium"
    names = sorted(p.name for p in rebuilt.iterdir())
    assert names == ["README.md", "k.csv", "lee_carter.csv", "model.toml"]
    assert sorted(p.name for p in SHIPPED.iterdir()) == names
    for name in names:
        assert (SHIPPED / name).read_bytes() == (rebuilt / name).read_bytes(), name


def test_lee_carter_normalisation_and_sign():
    model = load_lee_carter()
    assert model.mean_log_rate.shape == model.age_pattern.shape == (2, 111)
    assert model.mortality_index.shape == (2, 42) and model.years[[0, -1]].tolist() == [1970, 2011]
    np.testing.assert_allclose(model.age_pattern.sum(axis=-1), 1.0, atol=1e-9)
    np.testing.assert_allclose(model.mortality_index.sum(axis=-1), 0.0, atol=1e-6)
    assert (model.age_pattern >= 0).all()
    assert (model.age_pattern[:, :100] > 0).all()
    assert (np.diff(model.mortality_index, axis=-1).mean(axis=-1) < 0).all()  # mortality fell
    assert not model.age_pattern.flags.writeable


def test_lee_carter_on_other_ages():
    model = load_lee_carter()
    wider, narrower = load_lee_carter(np.arange(131)), load_lee_carter(np.arange(101))
    np.testing.assert_array_equal(wider.age_pattern[:, :111], model.age_pattern)
    np.testing.assert_array_equal(wider.age_pattern[:, 111:], np.repeat(model.age_pattern[:, 110:], 20, axis=1))
    np.testing.assert_array_equal(narrower.mean_log_rate, model.mean_log_rate[:, :101])
    assert narrower.ages[-1] == 100 and narrower.mortality_index is model.mortality_index


def test_error_lee_carter_ages():
    with raises_exactly(
        "argument 'ages': got [1, 2, 3] (shape (3,)); expected consecutive single ages from 0, the last one open. "
        "Fix: pass the ages of the base, for example load_base('belgium-2012').ages."
    ):
        load_lee_carter([1, 2, 3])


def test_lee_carter_fit_against_hmd_e0():
    """The fitted exp(a + b k) has HMD's e0 within 0.7 years every year, and within 0.05 on average."""
    with HMD_E0.open(newline="") as handle:
        hmd = {(row["sex"], int(row["year"])): float(row["ex"]) for row in csv.DictReader(handle)}
    model = load_lee_carter()
    observed = np.array([[hmd[code, int(year)] for year in model.years] for code in ("F", "M")])
    fitted = np.exp(model.mean_log_rate[:, None, :] + model.age_pattern[:, None, :] * model.mortality_index[..., None])
    error = life_expectancy_at_birth(fitted, SEX_AXIS[:, None]) - observed
    assert np.abs(error).max() < 0.7
    assert np.abs(error.mean(axis=-1)).max() < 0.05
