"""What the analysis tests share: the hand-made result and the switch to numpy kernels."""

from __future__ import annotations

import pytest
from analysis_cases import hand_made

from projsim.analysis import common


@pytest.fixture(scope="module")
def small():
    """The hand-made result of analysis_cases.py, built once per test module."""
    return hand_made()


@pytest.fixture(params=["compiled", "numpy"])
def kernels(request, monkeypatch):
    """Run a test with numba's loops and again with their numpy twins."""
    if request.param == "compiled":
        pytest.importorskip("numba")
        monkeypatch.setattr(common, "COMPILED_FROM_CELLS", 0)  # however small the result
    else:
        monkeypatch.setattr(common, "compiled_loops", lambda cells: None)
    return request.param
