"""Stochastic projections: the processes, the seeding scheme and the ensembles."""

import dataclasses

import numpy as np
import pytest

import projsim
from projsim.errors import InputError
from projsim.stochastic import chunks, make_job, project_draws
from projsim.stochastic.paths import (
    DRAWS_PER_SEED,
    autoregressive,
    check_perturbable,
    parameters_of,
    standard_normals,
    uncertainty,
)

SCENARIO = projsim.load_scenario("fpb-2013-regions")


def test_normals_depend_only_on_seed_and_draw():
    whole = standard_normals(11, 0, 3 * DRAWS_PER_SEED, (4, 2))
    for first, count in [(0, 1), (5, 70), (63, 2), (128, 64)]:
        np.testing.assert_array_equal(standard_normals(11, first, count, (4, 2)),
                                      whole[first:first + count])
    assert not np.array_equal(standard_normals(12, 0, 8, (4, 2)), whole[:8])


def test_autoregressive_matches_its_definition():
    rng = np.random.default_rng(0)
    shocks = rng.standard_normal((5, 30))
    expected = np.zeros_like(shocks)
    for t in range(30):
        expected[:, t] = (0.8 * expected[:, t - 1] if t else 0.0) + shocks[:, t]
    np.testing.assert_allclose(autoregressive(shocks, 0.8), expected, rtol=1e-12)


def test_the_processes_have_the_stated_spread():
    from projsim.stochastic import draw_paths

    parameters = uncertainty(SCENARIO.base_data.uncertainty_parameters, {"seed": 5})
    steps = np.arange(2012, 2061)
    spread = make_job(SCENARIO, parameters).spread
    paths = draw_paths(SCENARIO, parameters, spread, steps, 0, 4096)
    deviation = np.log(paths.tfr / 1.83)
    phi, sd = parameters.fertility_autocorrelation, parameters.fertility_sd
    level_sd, horizon = parameters.fertility_level_sd, len(steps)
    autoregressive_variance = sd ** 2 * (1 - phi ** (2 * horizon)) / (1 - phi ** 2)
    expected = np.sqrt(autoregressive_variance + level_sd ** 2 * horizon)
    assert abs(deviation[:, -1].std() / expected - 1) < 0.05
    early = np.sqrt(autoregressive_variance + level_sd ** 2 * 10)
    assert abs(deviation[:, 9].std() / early - 1) < 0.05
    without = draw_paths(SCENARIO, dataclasses.replace(parameters, fertility_level_sd=0.0),
                         spread, steps, 0, 4096)
    level = deviation - np.log(without.tfr / 1.83)
    np.testing.assert_allclose(level[:, -1].std() / (level_sd * np.sqrt(horizon)), 1, atol=0.05)
    np.testing.assert_allclose(np.corrcoef(level[:, -1], deviation[:, -1] - level[:, -1])[0, 1], 0,
                               atol=0.05)
    target = SCENARIO.components["mortality"].path["male"].at(steps)
    walk = paths.e0[:, :, 1] - target
    assert abs(walk[:, -1].std() / (parameters.mortality_sd * np.sqrt(len(steps))) - 1) < 0.05
    gap = paths.e0[:, -1, 0] - paths.e0[:, -1, 1]
    correlation = np.corrcoef(paths.e0[:, -1, 0], paths.e0[:, -1, 1])[0, 1]
    assert abs(correlation - parameters.mortality_sex_correlation) < 0.03
    assert gap.std() < walk[:, -1].std()


def test_summaries_do_not_depend_on_chunking_or_engine():
    small = project_draws(SCENARIO, 2 * DRAWS_PER_SEED + 10, chunk=DRAWS_PER_SEED, engine="numpy",
                          keep="draws", thresholds=(12e6,))
    large = project_draws(SCENARIO, 2 * DRAWS_PER_SEED + 10, chunk=4 * DRAWS_PER_SEED,
                          engine="numpy", keep="draws", thresholds=(12e6,))
    for name in ("population", "population_mean", "population_sd", "population_quantile",
                 "national_quantile", "probability_above"):
        np.testing.assert_array_equal(small[name], large[name], err_msg=name)


def test_fused_and_numpy_ensembles_agree():
    pytest.importorskip("numba")
    fused = project_draws(SCENARIO, 70, engine="fused", keep="draws")
    numpy = project_draws(SCENARIO, 70, engine="numpy", keep="draws")
    np.testing.assert_allclose(fused.population, numpy.population, rtol=1e-12)


def test_the_median_draw_follows_the_scenario():
    ds = project_draws(SCENARIO, 512, thresholds=(10e6, 20e6))
    deterministic = projsim.project(SCENARIO).population.sum(["region", "sex", "age"])
    median = ds.national_quantile.sel(quantile=0.5, age_group="all")
    assert float(abs(median / deterministic - 1).max()) < 0.01
    wide = ds.national_quantile.sel(age_group="all")
    assert (wide.sel(quantile=0.9) >= wide.sel(quantile=0.1)).all()
    spread = wide.sel(quantile=0.9, time=2060) - wide.sel(quantile=0.1, time=2060)
    assert float(spread) > float(wide.sel(quantile=0.9, time=2020) - wide.sel(quantile=0.1,
                                                                             time=2020))
    np.testing.assert_array_equal(ds.probability_above.sel(time=2030), [1.0, 0.0])
    np.testing.assert_allclose(ds.population_mean.sel(time=2012).sum(), 11035948)
    assert float(ds.population_sd.sel(time=2012).max()) == 0.0


def test_float32_state_stays_close():
    single = project_draws(SCENARIO, 64, dtype="float32", keep="draws", engine="numpy")
    double = project_draws(SCENARIO, 64, keep="draws", engine="numpy")
    relative = abs(single.population.sum(["region", "sex", "age"])
                   / double.population.sum(["region", "sex", "age"]) - 1)
    assert float(relative.max()) < 1e-5


def test_only_perturbable_scenarios():
    with pytest.raises(InputError) as caught:
        check_perturbable(projsim.load_scenario("belgium-2012"))
    assert str(caught.value).endswith(
        "fertility: got the method scale; expected tfr (a national path) for a stochastic "
        "projection. Fix: state fertility.tfr, or run without draws.")


def test_chunk_must_align_with_seed_blocks():
    with pytest.raises(InputError) as caught:
        chunks(100, 50)
    assert str(caught.value) == (
        f"argument 'chunk': got 50; expected a positive multiple of {DRAWS_PER_SEED}. "
        f"Fix: use for example {4 * DRAWS_PER_SEED} draws per chunk.")


def test_draws_with_a_moved_open_age(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('extends = "fpb-2013-regions"\nopen_age = 120\n')
    ds = project_draws(projsim.load_scenario(path), 64, engine="numpy")
    assert int(ds.age[-1]) == 120 and ds.age.attrs["open_age"] == 120
    np.testing.assert_allclose(ds.population_mean.sel(time=2012).sum(), 11035948)


def _chunk_job(engine, **changes):
    import dataclasses

    from projsim.stochastic import make_job

    job = make_job(SCENARIO, parameters_of(SCENARIO), engine=engine)
    return dataclasses.replace(job, **changes)


@pytest.mark.parametrize("internal", [True, False])
def test_compiled_chunks_match_the_numpy_engine(internal):
    pytest.importorskip("numba")
    from projsim.stochastic import run_chunk

    changes = {} if internal else {"move_rate": None, "move_destination": None}
    fused, numpy = _chunk_job("fused", **changes), _chunk_job("numpy", **changes)
    count = 2 * DRAWS_PER_SEED + 2
    compiled, reference = run_chunk(fused, 0, count), run_chunk(numpy, 0, count)
    assert compiled.population is None and compiled.sums.shape == (3, 50, 3, 2, 111)
    for name in ("sums", "squares", "totals"):
        np.testing.assert_allclose(getattr(compiled, name), getattr(reference, name),
                                   rtol=1e-12, err_msg=name)
    if internal:
        fused = project_draws(SCENARIO, count, chunk=DRAWS_PER_SEED, engine="fused",
                              thresholds=(12e6,))
        numpy = project_draws(SCENARIO, count, chunk=4 * DRAWS_PER_SEED, engine="numpy",
                              thresholds=(12e6,))
        for name in ("population_mean", "population_quantile", "national_quantile",
                     "probability_above"):
            np.testing.assert_allclose(fused[name], numpy[name], rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(fused.population_sd, numpy.population_sd, rtol=1e-9,
                                   atol=1e-6)


def test_compiled_chunks_do_not_depend_on_the_chunking():
    pytest.importorskip("numba")
    from projsim.stochastic import run_chunk

    job = _chunk_job("fused")
    whole = run_chunk(job, 0, 2 * DRAWS_PER_SEED + 2)
    tail = run_chunk(job, DRAWS_PER_SEED, DRAWS_PER_SEED + 2)
    np.testing.assert_array_equal(tail.sums, whole.sums[1:])
    np.testing.assert_array_equal(tail.squares, whole.squares[1:])
    np.testing.assert_array_equal(tail.totals, whole.totals[DRAWS_PER_SEED:])
    small = project_draws(SCENARIO, 2 * DRAWS_PER_SEED + 2, chunk=DRAWS_PER_SEED,
                          engine="fused", thresholds=(12e6,))
    large = project_draws(SCENARIO, 2 * DRAWS_PER_SEED + 2, chunk=4 * DRAWS_PER_SEED,
                          engine="fused", thresholds=(12e6,))
    for name in ("population_mean", "population_sd", "population_quantile",
                 "national_quantile", "probability_above"):
        np.testing.assert_array_equal(small[name], large[name], err_msg=name)


def test_compiled_chunks_refuse_targets_off_the_grid():
    pytest.importorskip("numba")
    from projsim.stochastic import run_chunk

    messages = []
    for engine in ("fused", "numpy"):
        job = _chunk_job(engine)
        job = _chunk_job(engine, e0_grid=job.e0_grid + 30.0)
        with pytest.raises(InputError) as caught:
            run_chunk(job, 0, DRAWS_PER_SEED)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "life expectancy target" in messages[0]


def test_histogram_quantiles_stay_close_and_do_not_depend_on_chunking():
    exact = project_draws(SCENARIO, 640, engine="numpy", thresholds=(12e6,))
    binned = project_draws(SCENARIO, 640, engine="numpy", thresholds=(12e6,),
                           quantiles="histogram")
    rechunked = project_draws(SCENARIO, 640, chunk=128, engine="numpy", thresholds=(12e6,),
                              quantiles="histogram")
    assert binned.attrs["quantile_method"] == "histogram"
    assert binned.attrs["quantile_values_outside_bins"] == 0
    spread = (exact.national_quantile.sel(quantile=0.9)
              - exact.national_quantile.sel(quantile=0.1))
    error = abs(binned.national_quantile - exact.national_quantile)
    assert float((error - 0.05 * spread).max()) <= 1.0, "within a small share of the spread"
    np.testing.assert_array_equal(binned.population_quantile, rechunked.population_quantile)
    np.testing.assert_array_equal(binned.probability_above, exact.probability_above)


def test_unknown_quantile_method():
    with pytest.raises(InputError) as caught:
        project_draws(SCENARIO, 64, quantiles="tdigest")
    assert str(caught.value) == (
        "argument 'quantiles': got 'tdigest'; expected 'auto', 'exact' or 'histogram'. "
        "Fix: choose how the quantiles are computed.")


def test_survival_is_interpolated_close_to_the_solved_ratios():
    from projsim.demography.lifetable import survival_ratios_from_rates
    from projsim.demography.mortality import mortality_index_for_e0
    from projsim.demography.pooling import national_rates, pooled_oldest
    from projsim.io import load_base, load_lee_carter
    from projsim.stochastic import survival_for
    from projsim.types import SEXES

    job = _chunk_job("numpy")
    base = load_base("belgium-2012-regions")
    pattern = load_lee_carter(base.ages).age_pattern
    national = national_rates(base.mortality_rate, pooled_oldest(base.population))
    e0 = np.random.default_rng(3).uniform(77, 95, (40, 2))
    index = mortality_index_for_e0(national, pattern, e0, np.array(SEXES), tolerance=1e-10)
    solved = survival_ratios_from_rates(
        base.mortality_rate * np.exp(index[:, None, :, None] * pattern), np.array(SEXES))
    error = abs(survival_for(job, e0) - solved).max()
    assert 1e-12 < error < 5e-8


def test_float32_compiled_chunks_stay_close():
    pytest.importorskip("numba")
    from projsim.stochastic import run_chunk

    single = run_chunk(_chunk_job("fused", dtype="float32"), 0, DRAWS_PER_SEED + 3)
    double = run_chunk(_chunk_job("fused"), 0, DRAWS_PER_SEED + 3)
    relative = abs(single.totals[..., -1] / double.totals[..., -1] - 1)
    assert 0 < relative.max() < 1e-6


# --- demographic noise -------------------------------------------------------------

CLOSED = """extends = "fpb-2013-regions"
horizon = 2013
[international_migration]
net_total = 0
[internal_migration]
scale = 0.0
[uncertainty]
demographic_noise = true
fertility = { sd = 0.0, level_sd = 0.0 }
mortality = { sd = 0.0 }
international_migration = { sd = 0.0, regional_sd = 0.0 }
"""


def test_without_noise_the_draws_are_unchanged(monkeypatch, tmp_path):
    """Noise off never calls the noise step, whether off by default, by argument or by file."""
    from projsim.engine import noise

    path = tmp_path / "off.toml"
    path.write_text('extends = "fpb-2013-regions"\n[uncertainty]\ndemographic_noise = false\n')
    before = project_draws(SCENARIO, 70, keep="draws", engine="numpy")

    def refuse(*args, **kwargs):
        raise AssertionError("noise drawn")

    monkeypatch.setattr(noise, "step", refuse)
    for ds in (project_draws(SCENARIO, 70, keep="draws", engine="numpy", demographic_noise=False),
               project_draws(projsim.load_scenario(path), 70, keep="draws", engine="numpy")):
        np.testing.assert_array_equal(ds.population, before.population)
        assert ds.attrs["demographic_noise"] == 0
        assert ds.attrs["seeding"] == before.attrs["seeding"]
        assert "demographic noise" not in ds.attrs["seeding"]
    with pytest.raises(AssertionError, match="noise drawn"):
        project_draws(projsim.load_scenario(path), 64, demographic_noise=True)


@pytest.mark.slow
def test_noise_does_not_depend_on_chunking_or_the_number_of_draws():
    kwargs = {"keep": "draws", "demographic_noise": True, "thresholds": (12e6,)}
    small = project_draws(SCENARIO, 3 * DRAWS_PER_SEED, chunk=DRAWS_PER_SEED, **kwargs)
    large = project_draws(SCENARIO, 3 * DRAWS_PER_SEED, chunk=2 * DRAWS_PER_SEED, **kwargs)
    for name in small.data_vars:
        np.testing.assert_array_equal(small[name], large[name], err_msg=name)
    fewer = project_draws(SCENARIO, 100, chunk=2 * DRAWS_PER_SEED, **kwargs)
    np.testing.assert_array_equal(fewer.population, small.population.isel(draw=slice(100)))
    assert float(small.population.min()) >= 0


@pytest.mark.slow
def test_noise_runs_the_numpy_step_and_says_so(tmp_path):
    path = tmp_path / "on.toml"
    path.write_text('extends = "fpb-2013-regions"\nhorizon = 2015\n[uncertainty]\n'
                    'demographic_noise = true\n')
    scenario = projsim.load_scenario(path)
    with pytest.raises(InputError) as excinfo:
        project_draws(scenario, 64, engine="fused")
    assert str(excinfo.value) == (
        "argument 'engine': got 'fused' with demographic noise; expected the numpy engine, "
        "which alone supports it. Fix: choose engine='numpy' or 'auto'.")
    on = project_draws(scenario, 4096, engine="auto")
    assert on.attrs["engine"] == "numpy" and on.attrs["demographic_noise"] == 1
    assert "spawn_key=(block, 1, t, k)" in on.attrs["seeding"]
    off = project_draws(scenario, 64, engine="numpy", demographic_noise=False)
    assert off.attrs["demographic_noise"] == 0
    assert float((on.population_sd - off.population_sd).sum()) > 0


def test_noise_has_the_binomial_and_poisson_size(tmp_path):
    """One year of a closed population whose rates are certain: all spread is noise.

    Infants are Poisson births thinned by binomial infant deaths, so Poisson:
    their variance equals their mean. Every older cohort of N persons loses
    binomial deaths: variance N q (1 - q), and mean N (1 - q). Cells with a
    variance of 20 or more are tested one by one (the sample variance is then
    close to normal), and all cells together.
    """
    from projsim.stochastic import make_job, survival_for

    path = tmp_path / "closed.toml"
    path.write_text(CLOSED)
    scenario = projsim.load_scenario(path)
    draws = 2000
    ds = project_draws(scenario, draws, keep="draws")
    end = ds.population.sel(time=2013).values                       # (draw, region, sex, age)
    tolerance = 5 * np.sqrt(2 / draws)
    expected = project_draws(scenario, DRAWS_PER_SEED, keep="draws",
                             demographic_noise=False).population.sel(time=2013).values[0]
    infants = end[..., 0]
    np.testing.assert_allclose(infants.var(axis=0, ddof=1), expected[..., 0], rtol=tolerance)
    np.testing.assert_allclose(infants.mean(axis=0), expected[..., 0],
                               atol=5 * np.sqrt(expected[..., 0].max() / draws))
    job = make_job(scenario, parameters_of(scenario))
    e0 = np.stack([scenario.components["mortality"].path[s].at(job.steps[:1]) for s in
                   ("female", "male")], axis=-1)
    q = 1 - survival_for(job, e0)[0]                                # (region, sex, age)
    start = job.population
    at_risk = np.concatenate([start[..., :-2], start[..., -2:].sum(axis=-1, keepdims=True)],
                             axis=-1)
    variance = at_risk * q[..., 1:] * (1 - q[..., 1:])
    sample = end[..., 1:].var(axis=0, ddof=1)
    large = variance >= 20
    assert large.sum() > 300
    np.testing.assert_allclose(sample[large], variance[large], rtol=tolerance)
    np.testing.assert_allclose(sample.sum(), variance.sum(), rtol=tolerance)
    old = variance * (q[..., 1:] > 0.2)
    assert abs((sample * (old > 0)).sum() / old.sum() - 1) < tolerance, "not Poisson (N q)"
    np.testing.assert_allclose(end[..., 1:].mean(axis=0), at_risk * (1 - q[..., 1:]),
                               atol=5 * np.sqrt(variance.max() / draws), rtol=1e-9)


@pytest.mark.slow
def test_noise_keeps_the_mean_of_the_draws():
    """Same seed, same paths: the difference of the national totals is the noise alone."""
    on = project_draws(SCENARIO, 256, keep="draws", demographic_noise=True)
    off = project_draws(SCENARIO, 256, keep="draws")
    difference = (on.population - off.population).sum(["region", "sex", "age"])
    spread = difference.std("draw")
    assert float(spread.isel(time=0)) == 0
    # births, deaths and net migrants of 2012: a variance near 128,000 + 109,000 + 60,000
    assert 400 < float(spread.isel(time=1)) < 700
    assert float(spread.isel(time=-1)) > 2 * float(spread.isel(time=10)), "noise accumulates"
    assert bool((abs(difference.mean("draw")) <= 5 * spread / np.sqrt(256) + 1e-9).all())


def test_quantiles_stream_by_default_for_large_ensembles(monkeypatch):
    import projsim.stochastic as ensemble

    monkeypatch.setattr(ensemble, "EXACT_UP_TO", DRAWS_PER_SEED)
    assert project_draws(SCENARIO, DRAWS_PER_SEED).attrs["quantile_method"] == "exact"
    assert project_draws(SCENARIO, DRAWS_PER_SEED + 1).attrs["quantile_method"] == "histogram"


def test_compiled_histogram_counts_equal_numpy_counts():
    pytest.importorskip("numba")
    from projsim.stochastic.summaries import Histogram as _Histogram

    rng = np.random.default_rng(8)
    values = rng.normal(1e6, 1e4, (300, 5, 4, 2))
    values[100, 1, 2, 0], values[200, 4, 0, 1] = 2e6, -3.0      # beyond the bins
    numpy, compiled = _Histogram(values[:64]), _Histogram(values[:64])
    numpy.add(values)
    compiled.add(values, compiled=True)
    np.testing.assert_array_equal(compiled.counts, numpy.counts)
    assert compiled.outside == numpy.outside >= 2
    assert int(numpy.counts.sum()) == values.size


def test_compiled_counts_of_totals_and_their_national_sum_equal_numpy_counts():
    pytest.importorskip("numba")
    from projsim.engine.compiled.blocks import count_totals
    from projsim.stochastic.summaries import Histogram as _Histogram

    totals = np.random.default_rng(9).normal(3e6, 2e4, (200, 5, 3, 4))
    values = np.concatenate([totals, totals.sum(axis=2, keepdims=True)], axis=2)
    numpy, compiled = _Histogram(values[:64]), _Histogram(values[:64])
    numpy.add(values)
    compiled.outside += count_totals(totals, compiled.low, compiled.width, compiled.counts)
    np.testing.assert_array_equal(compiled.counts, numpy.counts)
    assert compiled.outside == numpy.outside
