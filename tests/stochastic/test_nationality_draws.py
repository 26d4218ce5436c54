"""Draws of the reference by region and nationality: the states kept, both engines
alike, and the deterministic projection at the centre."""

import numpy as np
import pytest

import projsim
from projsim.stochastic import make_job, project_draws, run_chunk
from projsim.stochastic.paths import DRAWS_PER_SEED, parameters_of

SCENARIO = projsim.load_scenario("fpb-2013")
CELL = ("region", "nationality", "sex", "age")


@pytest.fixture(scope="module")
def draws():
    return project_draws(SCENARIO, 70, engine="numpy", keep="draws", seed=4)


def test_the_draws_keep_the_states(draws):
    assert draws.population.dims == ("time", "draw", *CELL)
    np.testing.assert_allclose(draws.population.sel(time=2012).sum(CELL), 11_035_948)
    assert float(draws.population.min()) >= 0


def test_the_engines_agree_on_the_states():
    pytest.importorskip("numba")
    fused = make_job(SCENARIO, parameters_of(SCENARIO), engine="fused")
    numpy = make_job(SCENARIO, parameters_of(SCENARIO), engine="numpy")
    count = DRAWS_PER_SEED + 3
    compiled, reference = run_chunk(fused, 0, count), run_chunk(numpy, 0, count)
    assert compiled.sums.shape[2:] == (6, 2, 111)
    for name in ("sums", "squares", "totals"):
        np.testing.assert_allclose(getattr(compiled, name), getattr(reference, name),
                                   rtol=1e-11, err_msg=name)


def test_the_median_draw_follows_the_scenario():
    ds = project_draws(SCENARIO, 256, seed=1)
    deterministic = projsim.project(SCENARIO).population.sum(CELL)
    median = ds.national_quantile.sel(quantile=0.5, age_group="all")
    assert float(abs(median / deterministic - 1).max()) < 0.01
    assert ds.population_quantile.dims[:4] == ("time", "quantile", "region", "nationality")
