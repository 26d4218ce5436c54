"""The engine of a stochastic run: the fused one where what it saves pays for loading it;
and the paths need no scipy.signal."""

import dataclasses

import pytest

from projsim import stochastic
from projsim.engine import compiled
from projsim.io import load_scenario
from projsim.stochastic import (
    FUSED_LOAD_SECONDS,
    SECONDS_PER_CELL_YEAR,
    choose_engine,
    fused_saves,
)

needs_numba = pytest.mark.skipif(not compiled.available(), reason="numba is not installed")


def modelled_seconds(draws, scenario, engine):
    """The time of a run by the cost model: what the engine costs per cell-year,
    plus loading the fused engine."""
    cell_years = (fused_saves(1, scenario) + FUSED_LOAD_SECONDS) / (
        SECONDS_PER_CELL_YEAR["numpy"] - SECONDS_PER_CELL_YEAR["fused"])
    load = FUSED_LOAD_SECONDS if engine == "fused" else 0.0
    return load + draws * cell_years * SECONDS_PER_CELL_YEAR[engine]


@needs_numba
def test_auto_switches_once_where_the_fused_engine_pays():
    scenario = load_scenario("fpb-2013")
    draws = [100 * 2**k for k in range(11)]      # 100 to 102,400
    chosen = [choose_engine("auto", n, scenario, noise=False) for n in draws]
    assert chosen[0] == "numpy" and chosen[-1] == "fused"
    switch = chosen.index("fused")
    assert chosen[switch:] == ["fused"] * (len(draws) - switch)
    for n in draws[:-1]:
        assert modelled_seconds(n, scenario, choose_engine("auto", n, scenario, False)) <= \
            modelled_seconds(2 * n, scenario, choose_engine("auto", 2 * n, scenario, False))
    # the threshold is where the two modelled times meet
    for n in (draws[switch - 1], draws[switch]):
        faster = min(("numpy", "fused"), key=lambda e: modelled_seconds(n, scenario, e))
        assert choose_engine("auto", n, scenario, noise=False) == faster


@needs_numba
def test_the_choice_does_not_depend_on_what_the_process_ran_before():
    """The same run gets the same engine, and so the same numbers, in a new process
    and in one that has run the fused engine already."""
    scenario = load_scenario("fpb-2013")
    before = choose_engine("auto", 64, scenario, noise=False)
    stochastic.project_draws(scenario, 64, chunk=64, engine="fused")
    assert choose_engine("auto", 64, scenario, noise=False) == before == "numpy"


@needs_numba
def test_a_fixed_threshold_overrides_the_model(monkeypatch):
    scenario = load_scenario("fpb-2013")
    monkeypatch.setattr(stochastic, "FUSED_FROM", 0)
    assert choose_engine("auto", 64, scenario, noise=False) == "fused"
    monkeypatch.setattr(stochastic, "FUSED_FROM", 2**62)
    assert choose_engine("auto", 10**6, scenario, noise=False) == "numpy"


def test_noise_and_the_un_safeguard_keep_numpy_however_many_draws():
    scenario = load_scenario("fpb-2013")
    assert choose_engine("auto", 10**6, scenario, noise=True) == "numpy"
    ccmpp = dataclasses.replace(scenario, safeguard="ccmpp")
    assert choose_engine("auto", 10**6, ccmpp, noise=False) == "numpy"


def test_without_numba_auto_is_numpy(monkeypatch):
    monkeypatch.setattr(compiled, "available", lambda: False)
    assert choose_engine("auto", 10**6, load_scenario("fpb-2013"), noise=False) == "numpy"


@pytest.mark.parametrize("phi", [0.85, 0.54, -0.3, 0.0, 1.0])
def test_the_autoregressive_paths_equal_scipy_lfilter_bit_for_bit(phi):
    """The AR(1) recursion needs no scipy.signal: the same numbers to the last bit."""
    import numpy as np

    from projsim.stochastic.paths import autoregressive

    signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(7)
    for shape, axis in (((300, 49), 1), ((64, 49, 6), 1), ((49,), 0)):
        innovations = rng.normal(size=shape) * 1e3
        expected = signal.lfilter([1.0], [1.0, -phi], innovations, axis=axis)
        got = autoregressive(innovations, phi, axis=axis)
        assert got.flags.c_contiguous
        assert (got.view(np.int64) == expected.view(np.int64)).all()
