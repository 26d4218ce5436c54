"""The rolling back-test (``validation/rolling_backtest.py``): what each jump-off may know, the scores,
and the calibration the shipped results show."""

from __future__ import annotations

import csv
import doctest
import gzip
import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Raw files of stocks on 1 January: the jump-off may know its own 1 January, not later ones.
STOCKS = ("statbel_population_jan1", "larray_population_jan1")
#: Columns that label a row rather than hold a value.
LABELS = {"year", "age", "age_open_ended", "age_bound", "sex", "region", "nationality", "variant",
          "value_rounding", "indicator", "unit", "period", "source_files", "cohort", "hmd_year_variant"}
JUMP_OFF = 2004


@pytest.fixture(scope="module")
def rolling():
    path = REPO_ROOT / "validation" / "rolling_backtest.py"
    spec = importlib.util.spec_from_file_location("rolling_backtest", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def rewrite(path: Path, changed) -> int:
    """Multiply by 1.25 every value of the rows of ``path`` for which ``changed(name, year)``;
    return how many rows changed. Rows are read as lists, so that a row with more fields than
    the header (an unquoted comma in a note) is kept as it is."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle)) or [[]]
    if "year" not in header:
        return 0
    year = header.index("year")
    values = [i for i, key in enumerate(header) if key not in LABELS]
    count = 0
    for row in rows:
        if not changed(path.name, int(row[year][:4])):              # a year or a date
            continue
        count += 1
        for i in values:
            if i < len(row) and row[i] != "":
                try:
                    row[i] = repr(float(row[i]) * 1.25)
                except ValueError:
                    pass
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return count


def after_the_jump_off(name: str, year: int) -> bool:
    """Data a forecaster on 1 January ``JUMP_OFF`` did not have: stocks after that day, flows of that
    year and later."""
    return year > JUMP_OFF if name.startswith(STOCKS) else year >= JUMP_OFF


def just_before(name: str, year: int) -> bool:
    """The flows of the year before the jump-off."""
    return year == JUMP_OFF - 1 and not name.startswith(STOCKS)


@pytest.fixture
def raw_copy(tmp_path, rolling, monkeypatch):
    """A copy of data-raw/belgium/ that the estimate and the bases read, and a function that alters it."""
    folder = tmp_path / "belgium"
    shutil.copytree(REPO_ROOT / "data-raw" / "belgium", folder)
    monkeypatch.setattr(rolling.estimate, "RAW_DIR", folder)
    monkeypatch.setattr(rolling.history, "HISTORY_DIR", folder / "backtest")
    rolling.history.read_history.cache_clear()

    def alter(changed) -> int:
        count = sum(rewrite(path, changed) for path in sorted(folder.rglob("*.csv*")))
        rolling.history.read_history.cache_clear()
        return count

    yield alter
    rolling.history.read_history.cache_clear()


def jump_off_inputs(rolling):
    base = rolling.jump_off_base(JUMP_OFF)
    parameters, fit = rolling.jump_off_parameters(JUMP_OFF, rolling.turnover_shares(base))
    return base, parameters, fit


def test_a_jump_off_uses_no_data_after_it(rolling, raw_copy):
    base, parameters, fit = jump_off_inputs(rolling)
    assert raw_copy(after_the_jump_off) > 10_000
    again, moved, refit = jump_off_inputs(rolling)
    assert moved == parameters
    np.testing.assert_array_equal(refit.mortality.drift, fit.mortality.drift)
    for name in ("population", "mortality_rate", "fertility_rate", "net_migration"):
        np.testing.assert_array_equal(getattr(again, name), getattr(base, name), err_msg=name)
    assert again.sex_ratio_at_birth == base.sex_ratio_at_birth


def test_the_year_before_the_jump_off_moves_its_inputs(rolling, raw_copy):
    """The control of the test above: the same alteration one year earlier is seen."""
    base, parameters, _ = jump_off_inputs(rolling)
    assert raw_copy(just_before) > 100
    again, moved, _ = jump_off_inputs(rolling)
    for name in ("fertility_sd", "mortality_sd", "migration_sd", "migration_regional_sd"):
        assert getattr(moved, name) != getattr(parameters, name), name
    assert not np.array_equal(again.mortality_rate, base.mortality_rate)
    assert not np.array_equal(again.net_migration, base.net_migration)


def test_the_scores_examples(rolling):
    result = doctest.testmod(rolling)
    assert result.attempted > 0 and result.failed == 0


def test_scores_of_a_perfect_ensemble_are_calibrated(rolling):
    rng = np.random.default_rng(3)
    draws = rng.standard_normal((2000, 500))
    truth = rng.standard_normal(500)
    pit = rolling.pit(draws, truth)
    for coverage in (0.5, 0.8, 0.95):
        assert rolling.inside(pit, coverage).mean() == pytest.approx(coverage, abs=0.05)
    # the CRPS of a standard normal forecast of a standard normal value is 1 / sqrt(pi) on average
    assert rolling.crps(draws, truth).mean() == pytest.approx(1 / np.sqrt(np.pi), rel=0.05)


def test_a_short_run_scores_every_quantity(rolling):
    seen = rolling.observed()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rolling, "JUMP_OFFS", (2013,))
        frame = rolling.results(draws=64)
    assert set(frame.quantity) == {"0-17", "18-66", "67+", "all", "births", "deaths"}
    assert set(frame.region) == {"Belgium", *rolling.history.REGIONS}
    assert frame.horizon.min() == 1 and frame.horizon.max() == rolling.LAST_OBSERVED - 2013
    births = frame[frame.quantity == "births"].sort_values("year")
    assert births.year.iloc[0] == 2013 and births.horizon.iloc[0] == 1
    first = frame[(frame.year == 2014) & (frame.quantity == "all") & (frame.region == "Belgium")]
    assert float(first.observed.iloc[0]) == float(seen.sel(time=2014, quantity="Belgium, all"))


@pytest.fixture(scope="module")
def shipped(rolling):
    return rolling.read_results()


def test_the_shipped_results_meet_the_calibration_targets(rolling, shipped):
    table = rolling.coverage_table(shipped)
    totals = table.loc[rolling.TOTALS]
    assert totals["checks"] == 272
    assert 40 <= totals["50%"] <= 60
    assert 73 <= totals["80%"] <= 87
    assert totals["95%"] >= 88


def test_the_shipped_results_cover_every_jump_off_and_horizon(rolling, shipped):
    assert sorted(set(shipped.jump_off)) == list(rolling.JUMP_OFFS)
    for jump_off, part in shipped.groupby("jump_off"):
        assert part.horizon.max() == rolling.LAST_OBSERVED - jump_off
    assert ((shipped.pit >= 0) & (shipped.pit <= 1)).all()


@pytest.mark.slow
def test_the_shipped_results_equal_a_rerun(rolling, shipped):
    rerun = rolling.results()
    assert len(rerun) == len(shipped)
    np.testing.assert_allclose(rerun.pit, shipped.pit, atol=1e-6)
    np.testing.assert_allclose(rerun["q0.5"], shipped["q0.5"], rtol=1e-5)
