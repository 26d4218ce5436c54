"""Chunks of draws on a dask.distributed cluster give the single-process result bit for bit."""

import numpy as np
import pytest

import projsim
from projsim.stochastic import DRAWS_PER_SEED, project_draws

distributed = pytest.importorskip("distributed")

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings(
    # the cluster's own start-up and shut-down chatter is not ours to fix
    "ignore::DeprecationWarning", "ignore::ResourceWarning", "ignore::UserWarning")]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def test_two_workers_equal_one_process_bit_for_bit(client):
    scenario = projsim.load_scenario("fpb-2013")
    draws = 3 * DRAWS_PER_SEED + 5
    alone = project_draws(scenario, draws, chunk=DRAWS_PER_SEED, keep="draws", engine="numpy",
                          thresholds=(12e6,))
    spread = project_draws(scenario, draws, chunk=DRAWS_PER_SEED, keep="draws", engine="numpy",
                           thresholds=(12e6,), client=client)
    assert len(client.scheduler_info()["workers"]) == 2
    assert spread.population.chunks is not None, "the draws stay on the workers (dask-backed)"
    for name in alone.data_vars:
        np.testing.assert_array_equal(alone[name], spread[name].compute(), err_msg=name)


def test_demographic_noise_on_two_workers_equals_one_process(client):
    scenario = projsim.load_scenario("fpb-2013")
    draws = 2 * DRAWS_PER_SEED + 5
    options = {"chunk": DRAWS_PER_SEED, "keep": "draws", "thresholds": (12e6,),
               "demographic_noise": True}
    alone = project_draws(scenario, draws, **options)
    spread = project_draws(scenario, draws, client=client, **options)
    assert alone.attrs["demographic_noise"] == spread.attrs["demographic_noise"] == 1
    for name in alone.data_vars:
        np.testing.assert_array_equal(alone[name], spread[name].compute(), err_msg=name)
