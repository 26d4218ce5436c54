"""The stochastic model's national intervals for 2050 and 2100 beside WPP 2024's probabilistic ones.

Run from the repository root::

    python validation/wpp_intervals.py               # 1,000 draws, about 20 s
    python validation/wpp_intervals.py --draws 4000

The projection starts from the Statbel population of 1 January 2021 by
region, sex and age, with the rates of 2018-2020 and the net migration of
2020 in the age pattern of 2018-2020 (the rolling back-test's base,
``validation/rolling_backtest.py``), and follows WPP 2024's own medians:
the TFR, the life expectancy at birth of each sex and the net migration of
its estimates for 2021-2023 and of its medium variant (the median of its
probabilistic projection) from 2024. Around those paths, the draws take the
shipped default parameters (``src/projsim/data/uncertainty_belgium/``), so
that the comparison is of the spreads, not of the centres. WPP's population
of 31 December of a year is set against projsim's of the next 1 January.

Printed: for 2050 and 2100, the median and the 80 % and 95 % intervals of
the population, the TFR, e0 of each sex and the net migration of the year,
projsim's and WPP's, and the width of each interval as a share of WPP's.

References
----------
United Nations, DESA, Population Division (2024). *World Population Prospects
2024*. Probabilistic projections: Alkema, L., Raftery, A. E., Gerland, P. et al.
(2011), Probabilistic projections of the total fertility rate for all countries,
*Demography* 48(3): 815-839; Raftery, A. E., Chunn, J. L., Gerland, P. and
Ševčíková, H. (2013), Bayesian probabilistic projections of life expectancy for
all countries, *Demography* 50(3): 777-801; Azose, J. J., Ševčíková, H. and
Raftery, A. E. (2016), Probabilistic population projections with migration
uncertainty, *PNAS* 113(23): 6460-6465.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

import projsim
from projsim.engine import compiled
from projsim.io import write_base_netcdf
from projsim.stochastic import make_job, parameters_of, run_chunk
from projsim.stochastic.paths import DRAWS_PER_SEED, draw_paths
from projsim.types import SEXES

REPO_ROOT = Path(__file__).resolve().parents[1]
RAW = REPO_ROOT / "data-raw" / "belgium" / "backtest"
WPP_INTERVALS = RAW / "wpp2024_probabilistic_intervals_belgium.csv"
WPP_INDICATORS = RAW / "wpp2024_indicators_annual.csv"

#: The base's 1 January.
JUMP_OFF = 2021
#: The last 1 January projected: WPP's 31 December 2100.
HORIZON = 2101
#: The years compared (calendar years; populations on 31 December, projsim's next 1 January).
YEARS = (2050, 2100)
#: Central intervals compared: name -> (lower, upper) quantile.
INTERVALS = {"80%": (0.1, 0.9), "95%": (0.025, 0.975)}
#: WPP's columns of those intervals.
WPP_COLUMNS = {"80%": ("lower80", "upper80"), "95%": ("lower95", "upper95")}
#: WPP's sex codes of e0, in the order of ``SEXES``.
WPP_SEXES = ("F", "M")
SEED = 20240711


def _rolling():
    """``validation/rolling_backtest.py``, loaded by path (its bases)."""
    name = "rolling_backtest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def wpp_paths() -> dict[str, dict[int, float]]:
    """WPP 2024's TFR, e0 by sex and net migration [persons] by year: estimates to 2023, medians after."""
    with open(WPP_INDICATORS, newline="", encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream) if JUMP_OFF <= int(r["year"]) < HORIZON]
    return {"tfr": {int(r["year"]): float(r["tfr"]) for r in rows},
            "female": {int(r["year"]): float(r["e0F"]) for r in rows},
            "male": {int(r["year"]): float(r["e0M"]) for r in rows},
            "net_migration": {int(r["year"]): 1000 * float(r["net_migration_thousands"]) for r in rows}}


def table(path: dict[int, float]) -> str:
    """A TOML inline table of a path by year."""
    return "{ " + ", ".join(f"{year} = {value!r}" for year, value in path.items()) + " }"


def scenario_text(base_file: str, paths: dict[str, dict[int, float]]) -> str:
    """The scenario: WPP's paths from the 2021 base, the default uncertainty."""
    last = {name: {y: v for y, v in path.items() if y < HORIZON} for name, path in paths.items()}
    return f"""name = "wpp-2024-medians"
base = "{base_file}"
horizon = {HORIZON}

[conventions]
migration_timing = "end"

[fertility]
tfr = {table(last['tfr'])}

[mortality]
e0 = {{ female = {table(last['female'])}, male = {table(last['male'])} }}

[international_migration]
net_total = {table(last['net_migration'])}

[uncertainty]
seed = {SEED}
"""


def wpp_intervals() -> pd.DataFrame:
    """WPP 2024's median and 80 % and 95 % bounds of the compared quantities and years."""
    wanted = {("population", "T"): "population", ("tfr", "T"): "TFR", ("e0", "F"): "e0, female",
              ("e0", "M"): "e0, male", ("net_migration", "T"): "net migration"}
    rows = []
    with open(WPP_INTERVALS, newline="", encoding="utf-8") as stream:
        for r in csv.DictReader(stream):
            key = (r["indicator"], r["sex"])
            if key in wanted and r["period"] == r["year"] and int(r["year"]) in YEARS:
                scale = 1000.0 if r["indicator"] in ("population", "net_migration") else 1.0
                rows.append({"quantity": wanted[key], "year": int(r["year"]),
                             **{c: scale * float(r[c]) for c in ("median", "lower80", "upper80",
                                                                  "lower95", "upper95")}})
    return pd.DataFrame(rows).set_index(["quantity", "year"]).sort_index()


def wpp_first_year() -> str:
    """WPP's net migration and population intervals of 2024, the year of its wide migration interval."""
    with open(WPP_INTERVALS, newline="", encoding="utf-8") as stream:
        rows = {(r["indicator"], r["year"]): r for r in csv.DictReader(stream) if r["sex"] == "T"}
    lines = []
    for indicator, year in (("net_migration", "2024"), ("net_migration", "2025"), ("population", "2024")):
        r = rows[(indicator, year)]
        lines.append(f"WPP 2024 {indicator.replace('_', ' ')} {year} [thousands]: median {float(r['median']):,.1f}, "
                     f"80 % {float(r['lower80']):,.1f} to {float(r['upper80']):,.1f}, "
                     f"95 % {float(r['lower95']):,.1f} to {float(r['upper95']):,.1f}")
    return "\n".join(lines)


def projsim_draws(draws: int) -> dict[str, np.ndarray]:
    """The draws' national population on 1 January after each compared year, and their TFR, e0 and
    net migration of the compared years (draw, year)."""
    rolling = _rolling()
    base = rolling.jump_off_base(JUMP_OFF)
    with tempfile.TemporaryDirectory() as folder:
        write_base_netcdf(base, Path(folder) / "base-2021.nc")
        path = Path(folder) / "wpp.toml"
        path.write_text(scenario_text("base-2021.nc", wpp_paths()), encoding="utf-8")
        scenario = projsim.load_scenario(path)
    parameters = parameters_of(scenario)
    job = make_job(scenario, parameters, engine="fused" if compiled.available() else "numpy")
    totals = np.concatenate([run_chunk(job, first, min(DRAWS_PER_SEED, draws - first)).totals
                             for first in range(0, draws, DRAWS_PER_SEED)])
    paths = draw_paths(scenario, parameters, job.spread, job.steps, 0, draws)
    dates = np.append(job.steps, job.steps[-1] + 1)
    after = [int(np.searchsorted(dates, year + 1)) for year in YEARS]
    during = [int(np.searchsorted(job.steps, year)) for year in YEARS]
    return {"population": totals[..., -1][:, after].sum(axis=-1),               # (draw, year)
            "TFR": paths.tfr[:, during],
            **{f"e0, {sex}": paths.e0[:, during, s] for s, sex in enumerate(SEXES)},
            "net migration": paths.net_migration[:, during].sum(axis=-1)}


def comparison(draws: int) -> pd.DataFrame:
    """projsim's and WPP's medians and intervals, and the ratio of their widths."""
    ours = projsim_draws(draws)
    wpp = wpp_intervals()
    rows = []
    for (quantity, year), theirs in wpp.iterrows():
        scale = 1000.0 if quantity in ("population", "net migration") else 1.0   # shown in thousands
        values = ours[quantity][:, YEARS.index(year)] / scale
        theirs = theirs / scale
        row = {"quantity": quantity, "year": year, "projsim median": f"{np.median(values):,.2f}",
               "WPP median": f"{theirs['median']:,.2f}"}
        for name, (low, high) in INTERVALS.items():
            bounds = np.quantile(values, [low, high])
            wpp_low, wpp_high = (theirs[c] for c in WPP_COLUMNS[name])
            row[f"projsim {name}"] = f"{bounds[0]:,.2f} to {bounds[1]:,.2f}"
            row[f"WPP {name}"] = f"{wpp_low:,.2f} to {wpp_high:,.2f}"
            row[f"width {name} / WPP's"] = f"{(bounds[1] - bounds[0]) / (wpp_high - wpp_low):.2f}"
        rows.append(row)
    return pd.DataFrame(rows).set_index(["quantity", "year"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000, help="number of draws (default 1000)")
    arguments = parser.parse_args(argv)
    result = comparison(arguments.draws)
    print(f"projsim ({arguments.draws} draws, default parameters, WPP 2024's medians as paths, from "
          f"1 January {JUMP_OFF}) against WPP 2024's probabilistic intervals; population and net "
          "migration in thousands, population on 1 January after the year (WPP: 31 December)")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(result.to_string())
    print(wpp_first_year())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
