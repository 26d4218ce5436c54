"""Rolling back-test of the stochastic model: projections from every jump-off 1995, 1998, ..., 2013.

Run from the repository root::

    python validation/rolling_backtest.py               # 1,000 draws a jump-off, about 15 s
    python validation/rolling_backtest.py --draws 200   # a quick look
    python validation/rolling_backtest.py --seed 1000   # other draws (seed J + 1000 for jump-off J)
    python validation/rolling_backtest.py --write       # also rewrite rolling_backtest.csv and .png

For every jump-off year J the script builds a base of the three regions from
what was known on 1 January J (:func:`jump_off_base`), states a scenario
that continues the recent past (:func:`scenario_text`), estimates the
stochastic model's parameters from the data of the years before J only
(:func:`jump_off_parameters`, by ``tools/estimate_uncertainty.py``), projects
the draws to 1 January 2021 and sets them against what happened:

* the population on 1 January of Belgium and of each region, in all and in
  the age groups 0-17, 18-66 and 67+ (Statbel);
* the live births and the deaths of each year in Belgium (HMD).

Each observed value gets its probability integral transform (PIT, the share
of draws below it, ties counted half), its position in the central 50, 80 and
95 % intervals of the draws, its continuous ranked probability score (CRPS)
and the interval scores of those intervals (Gneiting and Raftery 2007), the
scores as percentages of the observed value. :func:`coverage_table` gives the
shares of the observed values inside each interval by group of quantities;
a calibrated model holds 50, 80 and 95 % of them, and its PIT values are
uniform.

**The bases.** Population on 1 January J by region, sex and single age
0-110+ (Statbel); death and fertility rates and the sex ratio at birth of the
three calendar years J-3, J-2, J-1 (``tools/belgium_history.py``: HMD
national death rates times regional ratios from the register, with a
Kannisto curve from age 95; the HFC age pattern of fertility scaled to the
HMD births, with regional levels from the children aged 0); net migration by
region, sex and age, the mean of the residuals of those three years (the
population of the next 1 January less its projection without migration,
international and interregional migration together; the data have no
interregional flows before 2006, so the bases have no internal migration).

**The scenarios** continue the recent past, as a forecaster without a
theory would: the national TFR of the base's rates held; life expectancy at
birth of each sex from the base's own value (the rates of J-3..J-1, centred
on J-2) along the mean annual gain of the HMD e0 since 1970; net migration
held at the national residual of J-1, spread like the base's. Migrants count
at the end of the year (timing ``"end"``, that of the residuals).

References
----------
Gneiting, T. and Raftery, A. E. (2007). Strictly proper scoring rules,
prediction, and estimation. *Journal of the American Statistical Association*
102(477): 359-378. https://doi.org/10.1198/016214506000001437

Keilman, N. (2008). European demographic forecasts have not become more
accurate over the past 25 years. *Population and Development Review* 34(1):
137-153. https://doi.org/10.1111/j.1728-4457.2008.00209.x
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import projsim
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.pooling import national_rates, pooled_oldest
from projsim.io import write_base_netcdf
from projsim.model.base import Base
from projsim.model.states import StateSpace
from projsim.stochastic import (
    AGE_GROUPS,
    draw_paths,
    make_job,
    parameters_of,
    project_draws,
)
from projsim.stochastic.jobs import survival_for
from projsim.stochastic.runners import migrants_of
from projsim.types import REGION, SEXES

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("rolling_backtest.csv")
FIGURE = Path(__file__).with_name("rolling_backtest.png")

#: The jump-off years: 1 January of each.
JUMP_OFFS = tuple(range(1995, 2014, 3))
#: The last 1 January observed: every jump-off is projected to it.
LAST_OBSERVED = 2021
#: Horizons [years] of the calibration targets.
SCORED_HORIZONS = range(1, 11)
#: Calendar years before a jump-off whose rates make its base.
RATE_YEARS = 3
#: Central intervals: name -> coverage [1].
INTERVALS = {"50%": 0.50, "80%": 0.80, "95%": 0.95}
#: Label of the national total beside the regions.
NATIONAL = "Belgium"
#: The quantiles written with the results.
QUANTILES = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)
#: The flows scored beside the populations: national, each a calendar year.
FLOWS = ("births", "deaths")
#: The groups of the coverage tables.
GROUPS = ("national total", "regional total", "national ages 0-17", "national ages 18-66",
          "national ages 67+", "regional ages 0-17", "regional ages 18-66", "regional ages 67+",
          f"{NATIONAL} births", f"{NATIONAL} deaths")
#: The national and regional totals together: the calibration targets.
TOTALS = "national and regional totals"
#: Nominal coverages of the reliability diagram [1].
RELIABILITY_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)


class _MissingTool:
    """Stands for a module of ``tools/`` where there is none: in the copy of this file
    installed with the package (:func:`projsim.io.packaged.shipped`), which reads and scores
    the shipped results but cannot rebuild them."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        raise RuntimeError(f"tools/{self._name}.py is not beside this copy of "
                           f"rolling_backtest.py: run it from a checkout of the repository "
                           f"to build the jump-offs' bases and parameters")


def _load_tool(name: str):
    """A module of ``tools/``, loaded by path (``tools/`` is not a package)."""
    path = REPO_ROOT / "tools" / f"{name}.py"
    if not path.is_file():
        return _MissingTool(name)
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module       # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules[name]


history = _load_tool("belgium_history")
estimate = _load_tool("estimate_uncertainty")


# --------------------------------------------------------------------------
# Bases and scenarios


def rate_years(jump_off: int) -> list[int]:
    """The calendar years whose rates make the base of ``jump_off``."""
    return list(range(jump_off - RATE_YEARS, jump_off))


def jump_off_base(jump_off: int) -> Base:
    """The base of 1 January ``jump_off`` from what was known then (module docstring)."""
    data = history.read_history()
    years = rate_years(jump_off)
    rates = history.rates_of(data, years)
    residuals = np.stack([history.residual_migration(data, year, rates) for year in years])
    return Base(
        name=f"belgium-{jump_off}", year=jump_off, states=StateSpace.of({REGION: history.REGIONS}),
        ages=data.ages, population=history.population_on(data, jump_off),
        mortality_rate=rates.mortality_rate, fertility_rate=rates.fertility_rate,
        sex_ratio_at_birth=rates.sex_ratio_at_birth, net_migration=last_year_migration(residuals),
        internal_migration_rate=None, internal_migration_destination=None, sha256={})


def last_year_migration(residuals: np.ndarray) -> np.ndarray:
    """Net migration (region, sex, age): each region's total of the last year of ``residuals``
    (year, region, sex, age), in the mean age pattern of all the years.

    The mean of the residuals by region, sex and age, shifted to each
    region's total of the last year by migrants spread like the mean's
    absolute values (the turnover that spreads the model's deviations):
    no change from the last year, in a smoother age pattern than one year's.
    """
    mean = residuals.mean(axis=0)
    turnover = np.abs(mean) / np.abs(mean).sum(axis=(1, 2), keepdims=True)
    shift = residuals[-1].sum(axis=(1, 2)) - mean.sum(axis=(1, 2))
    return mean + shift[:, None, None] * turnover


def turnover_shares(base: Base) -> np.ndarray:
    """Each region's share of the base's migrants in absolute value: its share of the national
    migration deviation (:func:`projsim.stochastic.paths.turnover_spread`)."""
    turnover = np.abs(base.net_migration).sum(axis=(1, 2))
    return turnover / turnover.sum()


def base_e0(base: Base) -> np.ndarray:
    """Life expectancy at birth (sex,) of the base's national death rates [years]."""
    national = national_rates(base.mortality_rate, pooled_oldest(base.population))
    return life_expectancy_at_birth(national, np.array(SEXES))


def scenario_text(base: Base, base_file: str, drift: np.ndarray, net_total: float, seed: int,
                  parameters) -> str:
    """A scenario that continues the recent past from ``base`` (module docstring).

    Parameters
    ----------
    base : Base
        The jump-off's base.
    base_file : str
        Its file, relative to the scenario.
    drift : ndarray, (sex,)
        Mean annual gain of e0 [years per year].
    net_total : float
        Net migration held [persons per year].
    seed : int
        The seed of the draws.
    parameters : estimate_uncertainty.Parameters
        The stochastic model's parameters, written in the ``[uncertainty]`` table.
    """
    from projsim.assumptions.fertility import schedule_tfr

    centre = base.year - 1 - RATE_YEARS // 2
    last = LAST_OBSERVED - 1
    start = base_e0(base)
    e0 = {sex: f"{{ {centre} = {start[s]:.6f}, {last} = {start[s] + drift[s] * (last - centre):.6f} }}"
          for s, sex in enumerate(SEXES)}
    return f"""name = "jump-off-{base.year}"
base = "{base_file}"
horizon = {LAST_OBSERVED}

[conventions]
migration_timing = "end"

[fertility]
tfr = {schedule_tfr(base, base.fertility_rate):.8f}

[mortality]
e0 = {{ female = {e0['female']}, male = {e0['male']} }}

[international_migration]
net_total = {net_total:.3f}

[uncertainty]
seed = {seed}
fertility = {{ sd = {parameters.fertility_sd!r}, autocorrelation = {parameters.fertility_autocorrelation!r}, \
level_sd = {parameters.fertility_level_sd!r} }}
mortality = {{ sd = {parameters.mortality_sd!r}, sex_correlation = {parameters.mortality_sex_correlation!r} }}
international_migration = {{ sd = {parameters.migration_sd!r}, \
autocorrelation = {parameters.migration_autocorrelation!r}, regional_sd = {parameters.migration_regional_sd!r} }}
"""


def jump_off_parameters(jump_off: int, shares: np.ndarray):
    """The stochastic model's parameters of ``jump_off`` and their fits, from the years before it only
    (``tools/estimate_uncertainty.py``); the regions' own deviations are measured around ``shares``
    of the national one, the shares the model gives them."""
    fit = estimate.fit_until(jump_off - 1, shares)
    return estimate.parameters(fit), fit


# --------------------------------------------------------------------------
# Draws


def grouped(population: np.ndarray, ages: np.ndarray) -> np.ndarray:
    """Persons (..., region + nation, group) of a population (..., region, sex, age); the nation first."""
    groups = np.array([(ages >= lo) & (ages <= (ages[-1] if hi is None else hi))
                       for lo, hi in AGE_GROUPS.values()], dtype=float)
    by_region = population.sum(axis=-2) @ groups.T
    return np.concatenate([by_region.sum(axis=-2, keepdims=True), by_region], axis=-2)


def flows_of_draws(job, paths, population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """National live births and deaths (draw, year) of kept draws, from their populations.

    With migrants counted at the end of the year (timing ``"end"``), the
    infants of 1 January t + 1 are the births of year t times their survival
    ratio plus the migrants aged 0, and the deaths close the balance:
    deaths = P(t) + births + migrants - P(t + 1), summed over the country.
    """
    births, deaths = [], []
    for t in range(len(job.steps)):
        migrants = migrants_of(job, paths, t)                           # (draw, state, sex, age)
        infants = survival_for(job, paths.e0[:, t])[..., 0]             # (draw, state, sex)
        born = (population[:, t + 1, ..., 0] - migrants[..., 0]) / infants
        births.append(born.sum(axis=(1, 2)))
        deaths.append(population[:, t].sum(axis=(1, 2, 3)) + births[-1] + migrants.sum(axis=(1, 2, 3))
                      - population[:, t + 1].sum(axis=(1, 2, 3)))
    return np.stack(births, axis=1), np.stack(deaths, axis=1)


def run_jump_off(jump_off: int, draws: int, folder: Path, seed: int = 0) -> xr.DataArray:
    """The draws of ``jump_off`` (draw, time, quantity): grouped populations, births and deaths.

    The base and the scenario are written to ``folder`` and read back as a
    user's would be; the draws take the seed ``jump_off + seed``.
    """
    base = jump_off_base(jump_off)
    base_file = folder / f"{base.name}.nc"
    write_base_netcdf(base, base_file)
    parameters, fit = jump_off_parameters(jump_off, turnover_shares(base))
    net_total = base.net_migration.sum()
    path = folder / f"jump-off-{jump_off}.toml"
    path.write_text(scenario_text(base, base_file.name, fit.mortality.drift, net_total, jump_off + seed,
                                  parameters), encoding="utf-8")
    scenario = projsim.load_scenario(path)
    ensemble = project_draws(scenario, draws, keep="draws", engine="numpy")
    population = ensemble.population.transpose("draw", "time", REGION, "sex", "age").values
    drawn = parameters_of(scenario)
    job = make_job(scenario, drawn)
    paths = draw_paths(scenario, drawn, job.spread, job.steps, 0, draws)
    births, deaths = flows_of_draws(job, paths, population)
    values = grouped(population, base.ages).reshape(draws, population.shape[1], -1)
    flows = np.full((draws, population.shape[1], 2), np.nan)
    flows[:, :-1, 0], flows[:, :-1, 1] = births, deaths
    return xr.DataArray(np.concatenate([values, flows], axis=-1), dims=("draw", "time", "quantity"),
                        coords={"time": ensemble.time.values, "quantity": quantity_labels()})


def quantity_labels() -> list[str]:
    """Labels of the scored quantities: "<region>, <age group>", then births and deaths."""
    return [f"{region}, {group}" for region in (NATIONAL, *history.REGIONS) for group in AGE_GROUPS] \
        + [f"{NATIONAL}, {flow}" for flow in FLOWS]


def observed() -> xr.DataArray:
    """Observed values (time, quantity): 1 January populations, and the births and deaths of the year."""
    data = history.read_history()
    values = grouped(data.population, data.ages).reshape(len(data.years), -1)
    flows = np.full((len(data.years), 2), np.nan)
    for i, year in enumerate(data.years):
        if year in data.births:
            flows[i, 0] = data.births[year].sum()
        if year in data.rate_years:
            flows[i, 1] = data.deaths[year - data.rate_years[0]].sum()
    return xr.DataArray(np.concatenate([values, flows], axis=1), dims=("time", "quantity"),
                        coords={"time": data.years, "quantity": quantity_labels()})


# --------------------------------------------------------------------------
# Scores


def pit(draws: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Probability integral transform: the share of draws (first axis) below ``value``, ties half.

    Examples
    --------
    >>> float(pit(np.array([1.0, 2.0, 3.0, 4.0]), np.array(2.0)))
    0.375
    """
    below = (draws < value).mean(axis=0)
    return below + 0.5 * (draws == value).mean(axis=0)


def crps(draws: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Continuous ranked probability score of an ensemble (draws on the first axis) [unit of the values].

    CRPS = E|X - y| - E|X - X'| / 2, the second term from the sorted draws:
    E|X - X'| = 2 / n^2 sum_i (2 i - n - 1) x_(i) (Gneiting and Raftery 2007).

    Examples
    --------
    >>> float(crps(np.array([0.0, 1.0]), np.array(0.0)))
    0.25
    """
    n = draws.shape[0]
    ordered = np.sort(draws, axis=0)
    weights = (2 * np.arange(1, n + 1) - n - 1).reshape((n,) + (1,) * (draws.ndim - 1))
    spread = 2.0 * (weights * ordered).sum(axis=0) / n**2
    return np.abs(draws - value).mean(axis=0) - spread / 2


def interval_score(low, high, value, coverage: float):
    """Interval score of a central interval (Gneiting and Raftery 2007, eq. 43) [unit of the values]:
    its width plus 2 / alpha times the distance of a value outside it, alpha = 1 - coverage.

    Examples
    --------
    >>> float(interval_score(8.0, 12.0, 13.0, 0.5))
    8.0
    """
    alpha = 1.0 - coverage
    return (high - low) + (2 / alpha) * np.maximum(low - value, 0) + (2 / alpha) * np.maximum(value - high, 0)


def interval_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """The interval scores of the central intervals of :data:`INTERVALS` [% of the observed value],
    from the quantiles of each scored value."""
    scores = {}
    for name, coverage in INTERVALS.items():
        low, high = (frame[f"q{(1 - coverage) / 2:g}"], frame[f"q{(1 + coverage) / 2:g}"])
        scores[f"IS {name}"] = 100 * interval_score(low, high, frame.observed, coverage) / frame.observed
    return pd.DataFrame(scores)


def score(jump_off: int, draws: xr.DataArray, seen: xr.DataArray) -> pd.DataFrame:
    """The scores of one jump-off's draws (draw, time, quantity) against the observed values.

    Returns one row per observed value: the jump-off, the year (1 January for
    a population, the calendar year of a flow), the horizon (a population of
    1 January t is t - J years ahead, a flow of year t is t - J + 1), the
    region and the quantity, the observed value, the draws' quantiles
    :data:`QUANTILES` (whose bounds give the interval scores,
    :func:`interval_scores`), the PIT and the CRPS.
    """
    years = [int(t) for t in draws.time.values if t in seen.time.values]
    values = draws.sel(time=years).values
    flow = np.array([label.endswith(FLOWS) for label in draws.quantity.values])
    horizon = np.array(years)[:, None] - jump_off + flow[None, :]
    truth = seen.sel(time=years).values
    columns = {"observed": truth, "pit": pit(values, truth), "crps": crps(values, truth)}
    for level, bound in zip(QUANTILES, np.quantile(values, QUANTILES, axis=0)):
        columns[f"q{level:g}"] = bound
    region, quantity = zip(*(label.split(", ") for label in draws.quantity.values))
    shape = truth.shape
    frame = pd.DataFrame({
        "jump_off": jump_off, "year": np.repeat(years, shape[1]), "horizon": horizon.ravel(),
        "region": np.tile(region, shape[0]), "quantity": np.tile(quantity, shape[0]),
        **{name: np.asarray(column, dtype=float).ravel() for name, column in columns.items()}})
    return frame[(frame.horizon >= 1) & np.isfinite(frame.observed)].reset_index(drop=True)


def inside(pit_values, coverage: float):
    """Whether a value lies inside the central ``coverage`` interval of the draws, from its PIT.

    Examples
    --------
    >>> inside(np.array([0.05, 0.5, 0.95]), 0.8).tolist()
    [False, True, False]
    """
    return np.abs(np.asarray(pit_values) - 0.5) <= coverage / 2


def group_of(region: str, quantity: str) -> str:
    """The group of a scored value in the coverage tables (:data:`GROUPS`)."""
    if quantity in FLOWS:
        return f"{NATIONAL} {quantity}"
    where = "national" if region == NATIONAL else "regional"
    return f"{where} total" if quantity == "all" else f"{where} ages {quantity}"


def grouped_frames(frame: pd.DataFrame, horizons=SCORED_HORIZONS) -> dict[str, pd.DataFrame]:
    """The scored values of ``horizons`` by group: the totals together, then each of :data:`GROUPS`."""
    part = frame[frame.horizon.isin(list(horizons))]
    group = [group_of(r, q) for r, q in zip(part.region, part.quantity)]
    part = part.assign(group=group)
    totals = part[part.group.isin(GROUPS[:2])]
    return {TOTALS: totals, **{name: part[part.group == name] for name in GROUPS}}


def coverage_table(frame: pd.DataFrame, horizons=SCORED_HORIZONS) -> pd.DataFrame:
    """Shares inside the central intervals [%], mean CRPS and mean interval score of the 80 % interval
    [% of the observed value], by group."""
    rows = {}
    for name, part in grouped_frames(frame, horizons).items():
        rows[name] = {"checks": len(part),
                      **{k: 100 * inside(part.pit, c).mean() for k, c in INTERVALS.items()},
                      "CRPS %": 100 * (part.crps / part.observed).mean(),
                      "IS 80% %": interval_scores(part)["IS 80%"].mean()}
    return pd.DataFrame(rows).T.astype({"checks": int})


def reliability(frame: pd.DataFrame, levels=RELIABILITY_LEVELS, horizons=SCORED_HORIZONS) -> pd.DataFrame:
    """Empirical against nominal coverage [1] of the central intervals, by group (columns)."""
    return pd.DataFrame({name: [inside(part.pit, level).mean() for level in levels]
                         for name, part in grouped_frames(frame, horizons).items()},
                        index=pd.Index(levels, name="nominal coverage"))


def pit_histogram(frame: pd.DataFrame, bins: int = 10, horizons=SCORED_HORIZONS) -> pd.DataFrame:
    """Shares of the PIT values in ``bins`` equal bins [1], by group (columns); 1 / bins if calibrated."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    return pd.DataFrame({name: np.histogram(part.pit, edges)[0] / max(len(part), 1)
                         for name, part in grouped_frames(frame, horizons).items()},
                        index=pd.Index(edges[:-1], name="PIT bin from"))


# --------------------------------------------------------------------------
# Running, writing, reading


def results(draws: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Project and score every jump-off (:func:`score`)."""
    seen = observed()
    parts = []
    with tempfile.TemporaryDirectory() as folder:
        for jump_off in JUMP_OFFS:
            parts.append(score(jump_off, run_jump_off(jump_off, draws, Path(folder), seed), seen))
    return pd.concat(parts, ignore_index=True)


def write_results(frame: pd.DataFrame, path: Path = RESULTS) -> None:
    """Write the scores as CSV, six significant digits, after a header of comment lines."""
    header = (f"# Rolling back-test of projsim's stochastic model: {len(JUMP_OFFS)} jump-offs "
              f"{JUMP_OFFS[0]}-{JUMP_OFFS[-1]}, every observed value to {LAST_OBSERVED}.\n"
              "# Written by `python validation/rolling_backtest.py --write`; columns and method: "
              "validation/README.md.\n")
    path.write_text(header + frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"),
                    encoding="utf-8")


def read_results(path: Path = RESULTS) -> pd.DataFrame:
    """The scores written by :func:`write_results`."""
    return pd.read_csv(path, comment="#")


def parameters_table() -> pd.DataFrame:
    """The parameters of every jump-off (rows), as its scenario states them."""
    rows = {}
    for jump_off in JUMP_OFFS:
        parameters, _ = jump_off_parameters(jump_off, turnover_shares(jump_off_base(jump_off)))
        rows[jump_off] = vars(parameters)
    return pd.DataFrame(rows).T.rename_axis("jump-off")


# --------------------------------------------------------------------------
# Figure


def plot_summary(frame: pd.DataFrame, axes=None):
    """The national total of every jump-off against the observed, the reliability diagram and the
    PIT histogram of the national and regional totals (horizons 1-10).

    Parameters
    ----------
    frame : pandas.DataFrame
        Scores (:func:`results` or :func:`read_results`).
    axes : sequence of three matplotlib Axes, optional
        Where to draw; by default a new figure.

    Returns
    -------
    sequence of matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained",
                               gridspec_kw={"width_ratios": [1.6, 1, 1]})
    fans, diagram, histogram = axes
    national = frame[(frame.region == NATIONAL) & (frame.quantity == "all")]
    seen = national.drop_duplicates("year").sort_values("year")
    for jump_off, part in national[national.horizon <= SCORED_HORIZONS[-1]].groupby("jump_off"):
        line, = fans.plot(part.year, part["q0.5"] / 1e6, linewidth=1)
        fans.fill_between(part.year, part["q0.1"] / 1e6, part["q0.9"] / 1e6, alpha=0.2,
                          color=line.get_color(), label=f"{jump_off}")
    fans.plot(seen.year, seen.observed / 1e6, color="black", marker="o", markersize=3,
              linewidth=0.8, label="observed")
    fans.set(xlabel="1 January", ylabel="Belgium [millions]",
             title="Medians and 80 % intervals, 1-10 years from each jump-off")
    fans.legend(fontsize="small", ncol=2)
    levels = reliability(frame)
    diagram.plot([0, 1], [0, 1], color="grey", linewidth=0.8)
    for name in (TOTALS, "regional ages 0-17", "regional ages 67+", f"{NATIONAL} births"):
        diagram.plot(levels.index, levels[name], marker="o", markersize=3, label=name)
    diagram.set(xlabel="nominal coverage", ylabel="empirical coverage", xlim=(0, 1), ylim=(0, 1),
                title="Reliability, horizons 1-10")
    diagram.legend(fontsize="small")
    shares = pit_histogram(frame)[TOTALS]
    histogram.bar(shares.index + 0.05, shares, width=0.09)
    histogram.axhline(0.1, color="grey", linewidth=0.8)
    histogram.set(xlabel="PIT", ylabel="share of the values", xlim=(0, 1),
                  title="PIT of the totals, horizons 1-10")
    return axes


# --------------------------------------------------------------------------
# Report


def print_frame(title: str, table: pd.DataFrame, digits: int = 1) -> None:
    print(f"\n{title}")
    print(table.round(digits).to_string())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000, help="draws a jump-off (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="added to the jump-off year for its seed")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name} and {FIGURE.name}")
    arguments = parser.parse_args(argv)
    frame = results(arguments.draws, arguments.seed)
    print(f"Rolling back-test: {len(JUMP_OFFS)} jump-offs {JUMP_OFFS[0]}-{JUMP_OFFS[-1]}, "
          f"{arguments.draws} draws each (seed J + {arguments.seed}), every observed value to {LAST_OBSERVED}")
    print_frame("Parameters of each jump-off, estimated from the years before it", parameters_table(), 6)
    print_frame("Coverage [%] of the central intervals and mean CRPS [% of the observed], horizons 1-10",
                coverage_table(frame))
    for first, last in ((1, 3), (4, 6), (7, 10), (11, LAST_OBSERVED - JUMP_OFFS[0])):
        print_frame(f"The same, horizons {first}-{last}", coverage_table(frame, range(first, last + 1)))
    totals = grouped_frames(frame)[TOTALS]
    by_jump_off = pd.DataFrame({jump_off: {k: 100 * inside(part.pit, c).mean() for k, c in INTERVALS.items()}
                                for jump_off, part in totals.groupby("jump_off")}).T
    print_frame(f"Coverage [%] by jump-off, {TOTALS}, horizons 1-10", by_jump_off)
    print_frame("PIT histogram, horizons 1-10 [share of the values]", pit_histogram(frame), 3)
    if arguments.write:
        write_results(frame)
        import matplotlib

        matplotlib.use("Agg")
        axes = plot_summary(frame)
        axes[0].figure.savefig(FIGURE, dpi=110)
        print(f"\nWrote {RESULTS.relative_to(REPO_ROOT)} and {FIGURE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
