"""The comparison with WPP 2024's probabilistic intervals (``validation/wpp_intervals.py``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wpp():
    path = REPO_ROOT / "validation" / "wpp_intervals.py"
    spec = importlib.util.spec_from_file_location("wpp_intervals", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_paths_are_wpps_medians(wpp):
    paths = wpp.wpp_paths()
    assert min(paths["tfr"]) == wpp.JUMP_OFF and max(paths["tfr"]) == wpp.HORIZON - 1
    assert paths["tfr"][2050] == pytest.approx(1.49197, abs=1e-5)
    assert paths["net_migration"][2024] == pytest.approx(36243.0)


def test_wpps_check_values(wpp):
    table = wpp.wpp_intervals()
    assert table.loc[("population", 2050), "median"] == pytest.approx(11_865_631.0)
    assert table.loc[("population", 2100), "lower80"] == pytest.approx(7_790_255.0)
    assert table.loc[("TFR", 2050), "upper80"] == pytest.approx(1.785)


def test_a_short_comparison_has_wpps_centre(wpp):
    draws = wpp.projsim_draws(64)
    assert draws["population"].shape == (64, len(wpp.YEARS))
    table = wpp.wpp_intervals()
    for quantity in ("TFR", "e0, female", "e0, male"):
        median = np.median(draws[quantity], axis=0)
        expected = [table.loc[(quantity, year), "median"] for year in wpp.YEARS]
        np.testing.assert_allclose(median, expected, rtol=0.12, err_msg=quantity)  # 64 draws
