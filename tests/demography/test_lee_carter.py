"""Tests of the Lee-Carter estimate (``projsim.demography.lee_carter``).

The shipped files are compared with a rebuild by ``tools/build_lee_carter.py``
and the fit with HMD's published life expectancies.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
from helpers import raises_exactly
from mortality_cases import SEX_AXIS

from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.io import load_lee_carter

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "src" / "projsim" / "data" / "lee_carter_belgium"
HMD_E0 = REPO_ROOT / "data-raw" / "belgium" / "hmd_lifetables_period_age0_1970_2011.csv"


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


def test_lee_carter_on_abridged_groups():
    """Each closed group takes the mean of its single ages, the open group its first age's."""
    model = load_lee_carter()
    starts = np.array([0, 1, *range(5, 101, 5)])
    grouped = model.on_groups(starts)
    assert grouped.ages.tolist() == starts.tolist() and grouped.age_pattern.shape == (2, 22)
    np.testing.assert_allclose(grouped.age_pattern[:, 2], model.age_pattern[:, 5:10].mean(axis=1))
    np.testing.assert_array_equal(grouped.age_pattern[:, 0], model.age_pattern[:, 0])
    np.testing.assert_array_equal(grouped.age_pattern[:, -1], model.age_pattern[:, 100])
    assert not grouped.age_pattern.flags.writeable


def test_error_lee_carter_groups():
    with raises_exactly(
        "argument 'first_ages': got [0, 5, 5, 10]; expected increasing first ages of the groups "
        "from 0, the last one open. Fix: pass the first ages of the groups, for example "
        "[0, 1, 5, 10, ..., 100]."
    ):
        load_lee_carter().on_groups([0, 5, 5, 10])


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
