"""The ``projsim`` command line.

Exit codes: 0 on success, 2 on bad input (one line on standard error, no
traceback), 1 on an internal error, 130 when interrupted (Ctrl-C).

Every output (``-o``) is checked before anything is computed (its folder,
its suffix, that it is none of the files the run reads) and written
atomically, so that a failure or an interruption leaves an existing file
unchanged. A stochastic run is checked before it starts: options of
``--draws`` without ``--draws`` are refused, ``--keep draws`` is refused
when the draws would take more than :data:`MEMORY_SHARE` of the memory
available, and a run estimated (:func:`estimate_seconds`) to last more than
:data:`LONG_RUN` seconds needs ``--yes``. Text from files (scenario names,
paths, labels) is printed with its control characters escaped.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import contextmanager, nullcontext

import numpy as np

from projsim.errors import InputError, MissingDependencyError
from projsim.io.files import shown
from projsim.model.states import StateSpace, state_dims
from projsim.types import NATIONALITY, REGION, VARIABLES

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Options of ``projsim run`` that only a stochastic run takes, with their defaults.
DRAW_OPTIONS = {"seed": None, "chunk": 1024, "keep": "summary", "quantiles": "auto",
                "demographic_noise": None, "workers": None, "scheduler": None, "yes": False}
#: A stochastic run estimated to last longer than this [seconds] needs ``--yes``.
LONG_RUN = 3600.0
#: ``--keep draws`` is refused when the draws would take more than this share
#: of the memory available: writing them makes one more copy.
MEMORY_SHARE = 0.5

_EPILOG = """\
examples:
  projsim run                                 the reference scenario, fpb-2013, summarised
  projsim run fpb-2013-variants -o out.nc     the reference and its variants, saved
  projsim validate my-scenario.toml           every problem of a scenario file
  projsim plot out.nc --kind pyramid -o p.png a figure of a saved result
  projsim report out.nc -o report.html        a self-contained HTML page
  projsim compare fpb-2013 asylum-surge --years 2030 2060 --by channel
                                              scenarios side by side, by region
  projsim export out.nc -o out.csv            a tidy CSV (or .xlsx) for spreadsheets
  projsim run fpb-2013 --draws 10000 -o draws.nc && projsim plot draws.nc --kind fan -o fan.png

exit codes:
  0 success; 2 bad input (one line naming the file, the key, the value, what was
  expected and the fix); 1 an internal error; 130 interrupted

bundled scenarios:
  {scenarios}
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, in projsim's words."""

    def error(self, message: str):
        text = message.replace("argument ", "option ", 1) if message.startswith("argument -") \
            else message
        self.exit(EXIT_INPUT, f"error: {shown(self.prog)}: {shown(text)}. "
                              f"Fix: see '{shown(self.prog)} --help'.\n")


def _whole(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(
                f"got {text!r}; expected a whole number, {minimum} or more")
        return value
    return parse


def _parser() -> argparse.ArgumentParser:
    from projsim.io.scenarios import bundled_scenarios
    from projsim.plots import PLOT_KINDS
    from projsim.result import engine_version

    names = list(bundled_scenarios())
    scenarios = "\n  ".join(", ".join(names[i:i + 5]) for i in range(0, len(names), 5))
    parser = _Parser(prog="projsim", description="Cohort-component population projections.",
                     epilog=_EPILOG.format(scenarios=scenarios),
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"projsim {engine_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run a scenario and print a summary",
                              epilog=_EPILOG.format(scenarios=scenarios),
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("scenario", nargs="?", default=None,
                     help="a bundled scenario's name or a TOML file (default: fpb-2013, the "
                          "reference scenario on the embedded Belgian base)")
    run.add_argument("-o", "--output",
                     help="write the result to this file: .nc (netCDF3), .nc4 (compressed "
                          "netCDF4) or .zarr (a Zarr store); checked before computing")
    run.add_argument("--draws", type=_whole(1),
                     help="run a stochastic projection with this many draws (the scenario "
                          "needs tfr, e0 and net_total paths)")
    run.add_argument("--seed", type=_whole(0),
                     help="with --draws: the seed, 0 or more (default: the scenario's)")
    run.add_argument("--chunk", type=_whole(1),
                     help="with --draws: draws projected together, a multiple of 64 "
                          "(changes speed and memory, never the result; default 1024)")
    run.add_argument("--keep", choices=("summary", "draws"),
                     help="with --draws: summaries only (default) or every draw's population "
                          "(refused when it would not fit in memory)")
    run.add_argument("--quantiles", choices=("auto", "exact", "histogram"),
                     help="with --draws: exact quantiles (a few kB per draw), streaming "
                          "histogram quantiles (memory independent of the draws), or auto "
                          "(default): exact up to 2,048 draws")
    run.add_argument("--demographic-noise", action=argparse.BooleanOptionalAction,
                     help="with --draws: draw each year's births, deaths and migrants by chance "
                          "around their expected values (default: the scenario's [uncertainty] "
                          "demographic_noise, else off)")
    run.add_argument("--workers", type=_whole(1),
                     help="with --draws: run the chunks on a local dask cluster of this many "
                          "worker processes, talking over TLS (needs projsim[distributed])")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --draws: run the chunks on the workers of a running dask "
                          "scheduler, tcp://HOST:PORT or tls://HOST:PORT (with dask's TLS "
                          "settings); the same result as a local run, bit for bit (needs "
                          "projsim[distributed])")
    run.add_argument("--yes", action="store_true", default=None,
                     help="with --draws: run even if the estimated time is over an hour")
    validate = commands.add_parser("validate", help="check a scenario file and list its problems")
    validate.add_argument("scenario", help="a scenario file (TOML) or a bundled scenario's name; "
                                           "every problem is listed, one a line")
    commands.add_parser("list", help="list the bundled scenarios")
    plot = commands.add_parser("plot", help="draw a figure of a result file (PNG, SVG or PDF)")
    plot.add_argument("result", help="a result written by 'projsim run -o' (a projection, "
                                     "every draw, or the summaries of the draws)")
    plot.add_argument("--kind", default="pyramid",
                      help=f"the figure: {', '.join(PLOT_KINDS)} (default: pyramid); households "
                           "are those the result stores, else counted with the census shares "
                           "held")
    plot.add_argument("-o", "--output", required=True,
                      help="the image file to write, ending in .png, .svg or .pdf")
    plot.add_argument("--year", help="pyramid: the 1 January shown as bars (default: the last)")
    plot.add_argument("--compare-year", help="pyramid: a second 1 January, drawn as an outline")
    plot.add_argument("--scenario", action="append",
                      help="a scenario of the result (default: the first, or all of them for "
                           "totals, tfr, e0 and dependency; repeat to choose several)")
    plot.add_argument("--compare-scenario", help="pyramid: a second scenario, drawn as an outline")
    plot.add_argument("--region", help="one region (default: all regions together)")
    plot.add_argument("--nationality",
                      help="one nationality, for a result by nationality (default: all together)")
    plot.add_argument("--by-region", action="store_true", help="pyramid: one pyramid per region")
    plot.add_argument("--by", help="pyramid: one pyramid per label of this state dimension "
                                   "(region, nationality)")
    plot.add_argument("--variable", help="fan: the count to draw (default: population)")
    report = commands.add_parser("report", help="write a self-contained HTML report of a result")
    report.add_argument("result", help="a result written by 'projsim run -o'")
    report.add_argument("-o", "--output", required=True,
                        help="the HTML file to write, ending in .html")
    compare = commands.add_parser(
        "compare", help="scenarios side by side by region: population, school and working "
                        "ages, 67+, dependency, births and net migration")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="two or more bundled scenarios' names, scenario files or result "
                              "files (.nc, .nc4, .zarr); differences are against the first")
    compare.add_argument("--years", nargs="+", type=_whole(0),
                         help="the years shown: stocks on 1 January, flows during the year "
                              "(default: the base year, 2030 and 2060 where projected)")
    compare.add_argument("--by", help="'channel': the immigration of foreigners by channel too")
    compare.add_argument("-o", "--output", help="also write the table to this file (.csv)")
    export = commands.add_parser("export", help="write a result for spreadsheets: tidy CSV, "
                                                "or an Excel workbook (.xlsx)")
    export.add_argument("result", help="a result written by 'projsim run -o'")
    export.add_argument("-o", "--output", required=True,
                        help="the file to write: .csv (one row per time, region, nationality, "
                             "sex and age, UTF-8) or .xlsx (one sheet per variable; needs "
                             "projsim[xlsx])")
    return parser


# --- summaries -------------------------------------------------------------------------------

def _row(label: str, values, width: int, digits: int = 0) -> str:
    cells = "".join(f"{'-':>13}" if not np.isfinite(v) else f"{v:>13,.{digits}f}"
                    for v in values)
    return f"{label:<{width}}{cells}"


def summary(dataset, years: Sequence[int] | None = None) -> str:
    """A plain-text summary of a result, one block per scenario.

    Each block gives the population by region on 1 January, the components
    of change (births, deaths, their balance and net migration), the TFR and
    the life expectancy at birth by sex of the year, the share aged 67 and
    over, the old-age dependency ratio and the median age on 1 January, all
    for the whole area, and the overrides in cells and in persons; and, for
    a scenario with a ``[households]`` section, the private households on
    1 January by type, their total, the persons per household and the
    one-person share. A result
    by five-year group and step is summarised on its own grid: its dates
    (1 July for WPP's), its steps' flows per year, and the UN's working ages
    15-64 (:func:`projsim.indicators.default_working_age`).

    Parameters
    ----------
    dataset : xarray.Dataset
        A result of :func:`projsim.project`.
    years : sequence of int, optional
        Years to show; by default the base, every 10 years and the horizon.

    Returns
    -------
    str
    """
    from projsim.plots import area_name
    from projsim.report import default_years

    years = default_years(dataset) if years is None else [int(y) for y in years]
    batch = "scenario" in dataset.dims
    names = [str(s) for s in dataset.scenario.values] if batch else [None]
    blocks = []
    for name in names:
        data = dataset.sel(scenario=name, drop=True) if batch else dataset
        title = (f"scenario {shown(name)}" if batch else
                 f"{shown(dataset.attrs.get('scenario', ''))}: "
                 f"{shown(dataset.attrs.get('scenario_description', ''))}")
        blocks.append(_block(title, data, years, area_name(dataset)))
    return "\n\n".join(blocks)


def _block(title: str, data, years: list[int], area: str) -> str:
    """The summary of one scenario (:func:`summary`)."""
    from projsim.analysis import indicators
    from projsim.result import age_width, stock_date

    states = list(state_dims(data))
    others = [dim for dim in states if dim != REGION]
    last = int(data.time[-1])
    flows = [y for y in years if y != last]
    people = (*states, "sex")
    young, old = indicators.default_working_age(data)
    date, step = stock_date(data), age_width(data)
    during = "during the year" if step == 1 else f"per year of the {step}-year step from each date"
    totals = data.population.sum([*others, "sex", "age"])
    regions = [shown(r) for r in data[REGION].values]
    rates = []
    if "fertility_rate" in data:
        rates.append(("TFR", indicators.tfr(data, aggregate=states), 2))
    if "mortality_rate" in data:
        e0 = indicators.life_expectancy(data, aggregate=states)
        rates += [(f"e0 {sex}s", e0.sel(sex=sex, drop=True), 2) for sex in ("female", "male")]
    structure = [
        (f"share {old}+ [%]", indicators.share_aged(data, old, aggregate=people), 1),
        ("old-age dependency", indicators.dependency_ratio(data, "old", aggregate=people), 1),
        ("median age", indicators.median_age(data, aggregate=people), 1),
    ]
    components = [("births", data.births.sum([*states, "sex"])),
                  ("deaths", data.deaths.sum([*states, "sex", "age"]))]
    components += [("natural balance", components[0][1] - components[1][1]),
                   ("net migration", data.net_migration.sum([*states, "sex", "age"]))]
    labels = [*regions, *(label for label, *_ in rates + structure)]
    width = max(12, *(len(label) + 2 for label in labels))

    def header(columns):
        return f"{'':<{width}}" + "".join(f"{y:>13}" for y in columns)

    lines = [title, "", f"Population on {date} (persons, {shown(area)})", header(years)]
    lines += [_row(region, totals.isel({REGION: r}).sel(time=years).values, width)
              for r, region in enumerate(regions)]
    lines.append(_row("Total", totals.sum(REGION).sel(time=years).values, width))
    lines += ["", f"Components of change and rates {during} ({shown(area)})",
              header(flows)]
    lines += [_row(label, array.sel(time=flows).values, width) for label, array in components]
    lines += [_row(label, array.sel(time=flows).values, width, digits)
              for label, array, digits in rates]
    lines += ["", f"Age structure on {date} ({shown(area)})", header(years)]
    lines += [_row(label, array.sel(time=years).values, width, digits)
              for label, array, digits in structure]
    if rates:
        lines += ["", "TFR: children per woman; e0: life expectancy at birth [years] (period "
                      f"indicators of the {'year' if step == 1 else 'step'}'s rates)."]
    lines += [f"Old-age dependency: persons {old}+ per 100 aged {young}-{old - 1}; median age "
              "[years].", "", _overrides(data)]
    if "households" in data:
        lines += ["", *_households_block(data, years, area, width)]
    return "\n".join(lines)


def _households_block(data, years: list[int], area: str, width: int) -> list[str]:
    """The private households of one scenario by type, their total, size and one-person
    share, for the whole area (a scenario with a [households] section)."""
    from projsim.analysis import households as counting

    counts = data.households.sum(REGION)
    rows = [(kind.replace("_", " "), counts.sel(household_type=kind), 0)
            for kind in map(str, counts["household_type"].values)]
    rows.append(("Total", counts.sum("household_type"), 0))
    if "persons_by_position" in data:
        rows.append(("persons per household",
                     counting.average_household_size(data, aggregate=REGION), 2))
    rows.append(("one-person share [%]", counting.one_person_share(data, aggregate=REGION), 1))
    width = max(width, *(len(label) + 2 for label, *_ in rows))
    lines = [f"Private households on 1 January (households, {shown(area)})",
             f"{'':<{width}}" + "".join(f"{y:>13}" for y in years)]
    lines += [_row(label, array.sel(time=years).values, width, digits)
              for label, array, digits in rows]
    lines.append(f"Households: {shown(data.attrs.get('households', ''))} "
                 f"({shown(data.attrs.get('household_credit', ''))}); one reference person "
                 "per household, residents of institutions in none.")
    return lines


def _overrides(data) -> str:
    """The overrides of one scenario, in cells and in persons over the projection."""
    period = f"{int(data.time[0])}-{int(data.time[-2])}"
    parts = []
    for name, words in (("migration_adjustment", "migration cells adjusted"),
                        ("population_floor", "cells raised by the population floor")):
        if name not in data:
            continue
        values = np.nan_to_num(np.asarray(data[name].values))
        persons = float(np.abs(values).sum())
        parts.append(f"{np.count_nonzero(values):,} {words} ({persons:,.1f} persons in all, "
                     f"{period})")
    return "Overrides recorded: " + ("; ".join(parts) if parts else "none") + "."


def draws_summary(dataset, years: Sequence[int] | None = None) -> str:
    """A plain-text summary of a stochastic result: national quantiles by year, and
    the national private households (their quantiles over kept draws, or the mean
    over the draws of summaries) of a scenario with a [households] section."""
    from projsim.report import default_years

    years = default_years(dataset) if years is None else [int(y) for y in years]
    national = dataset.national_quantile.sel(age_group="all", time=years)
    noise = ", demographic noise" if dataset.attrs.get("demographic_noise") else ""
    lines = [f"{shown(dataset.attrs['scenario'])}: {dataset.attrs['draws']} draws, seed "
             f"{dataset.attrs['seed']} ({dataset.attrs['engine']} engine{noise})", "",
             "National population on 1 January (persons), quantiles over draws",
             f"{'quantile':<12}" + "".join(f"{y:>13}" for y in years)]
    for q in national["quantile"].values:
        lines.append(_row(f"{q:g}", national.sel(quantile=q).values, 12))
    if "households" in dataset:
        total = dataset.households.sum([REGION, "household_type"]).sel(time=years)
        lines += ["", "National private households on 1 January (households)",
                  f"{'':<12}" + "".join(f"{y:>13}" for y in years)]
        if "draw" in total.dims:
            lines += [_row(f"{q:g}", total.quantile(q, dim="draw").values, 12)
                      for q in national["quantile"].values]
        else:
            lines.append(_row("mean", total.values, 12))
        lines.append(f"Households: {shown(dataset.attrs.get('households', ''))} "
                     f"({shown(dataset.attrs.get('household_credit', ''))}).")
    return "\n".join(lines)


class Progress:
    """A one-line progress bar on standard error, silent when it is not a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        filled = int(30 * done / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} chunks")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


# --- run -------------------------------------------------------------------------------------

def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _check_draw_options(args) -> None:
    """Refuse options of a stochastic run without --draws; fill in their defaults."""
    for name, default in DRAW_OPTIONS.items():
        value = getattr(args, name)
        if args.draws is None and value is not None:
            given = {True: _option(name), False: "--no-" + _option(name)[2:]}.get(
                value, f"{_option(name)} {value}") if isinstance(value, bool) \
                else f"{_option(name)} {value}"
            raise InputError(f"option {given.split()[0]}", f"'{given}' without --draws",
                             "--draws N with this option, which only a stochastic run takes",
                             f"add --draws N, or drop {given.split()[0]}")
        if value is None:
            setattr(args, name, default)


def available_memory() -> int | None:
    """The memory available to a new allocation [bytes], from ``/proc/meminfo``
    (``MemAvailable``) or ``sysconf``; None where neither tells."""
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _cells(scenario) -> tuple[int, int]:
    """Steps and cells (state x sex x age) of a scenario's projection."""
    base = scenario.base_data
    ages = (scenario.open_age if scenario.open_age is not None else base.open_age) + 1
    return scenario.horizon - base.year, base.states.size * 2 * ages


def estimate_bytes(scenario, draws: int, keep: str, quantiles: str) -> int:
    """Memory a stochastic run holds beyond its fixed summaries [bytes]: every
    draw's population with ``keep="draws"`` (8 bytes a cell and date), and the
    totals of every draw behind exact quantiles (8 bytes by date, state and
    the four age groups, plus the nation)."""
    from projsim.stochastic import EXACT_UP_TO

    steps, cells = _cells(scenario)
    size = draws * (steps + 1) * cells * 8 if keep == "draws" else 0
    if quantiles == "exact" or (quantiles == "auto" and draws <= EXACT_UP_TO):
        size += draws * (steps + 1) * (scenario.base_data.states.size + 1) * 4 * 8
    return size


def estimate_seconds(scenario, draws: int, noise: bool, workers: int | None) -> float:
    """Time a stochastic run takes [seconds], by
    :data:`projsim.stochastic.SECONDS_PER_CELL_YEAR` for the engine
    :func:`projsim.stochastic.choose_engine` picks, over the worker processes."""
    from projsim.stochastic import SECONDS_PER_CELL_YEAR, choose_engine

    steps, cells = _cells(scenario)
    engine = "noise" if noise else choose_engine("auto", draws, scenario, noise)
    return draws * steps * cells * SECONDS_PER_CELL_YEAR[engine] / (workers or 1)


def _bytes(size: float) -> str:
    for unit, name in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB")):
        if size >= unit:
            return f"{size / unit:,.1f} {name}"
    return f"{size / 2**10:,.1f} kiB"


def _duration(seconds: float) -> str:
    for unit, name in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= unit or unit == 1:
            text = f"{seconds / unit:,.3g}"
            return f"{text} {name}" + ("" if text == "1" else "s")
    return ""


def _check_cost(args, scenario) -> None:
    """Refuse, before it starts, a stochastic run that would not fit in memory,
    or that would take over :data:`LONG_RUN` without --yes."""
    from projsim.stochastic import noise_on

    needed = estimate_bytes(scenario, args.draws, args.keep, args.quantiles)
    available = available_memory()
    if available is not None and needed > MEMORY_SHARE * available:
        what = "populations (every cell of every draw and year)" if args.keep == "draws" \
            else "totals for exact quantiles"
        fix = ("drop --keep draws: the summaries take little memory whatever the draws; or run "
               "fewer draws; or, from Python, run project_draws on a dask cluster with more "
               "memory and write a Zarr store (-o draws.zarr)") if args.keep == "draws" else \
            "use --quantiles histogram, whose memory does not grow with the draws"
        raise InputError("option --draws", f"{args.draws:,} draws, whose {what} would take "
                         f"{_bytes(needed)}", f"at most {MEMORY_SHARE:.0%} of the "
                         f"{_bytes(available)} of memory available", fix)
    noise = noise_on(scenario.uncertainty, args.demographic_noise)
    seconds = estimate_seconds(scenario, args.draws, noise, args.workers)
    if seconds > LONG_RUN and not args.yes:
        raise InputError("option --draws", f"{args.draws:,} draws, estimated to take "
                         f"{_duration(seconds)}", f"a run of at most {_duration(LONG_RUN)} "
                         "without --yes", "add --yes to start it anyway, or run fewer draws")


@contextmanager
def local_cluster(workers: int):
    """A dask client on a local cluster of ``workers`` processes, over TLS.

    The cluster listens on 127.0.0.1 only and its scheduler and workers talk
    over TLS with certificates made for this run (``security=True``), so that
    no other local user can connect to it and run code. One thread per
    worker process: numba must not start threads of its own in each of them
    (benchmarks/README.md, "Stochastic ensembles"). The Nanny writes these
    variables into this process's environment as well, where numba would
    read them later: they are put back after.

    Raises
    ------
    MissingDependencyError
        Without dask.distributed, or without cryptography (for TLS).
    """
    try:
        import dask
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise MissingDependencyError("dask.distributed", "--workers (a local dask cluster)",
                                     "distributed") from None
    try:
        import cryptography  # noqa: F401  (makes the cluster's TLS certificates)
    except ImportError:
        raise MissingDependencyError("cryptography", "--workers (a local dask cluster over TLS)",
                                     "distributed") from None
    single = {"distributed.nanny.pre-spawn-environ.NUMBA_NUM_THREADS": 1}
    saved = dict(os.environ)
    try:
        with dask.config.set(single), \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                             host="127.0.0.1", dashboard_address=None, security=True) as cluster, \
                Client(cluster) as client:
            yield client
    finally:
        os.environ.clear()
        os.environ.update(saved)


#: The address schemes of a scheduler ``--scheduler`` connects to.
SCHEDULER_SCHEMES = ("tcp", "tls")


def _scheduler_address(address: str) -> str:
    """``address`` checked: ``tcp://HOST:PORT`` or ``tls://HOST:PORT``."""
    scheme, separator, rest = address.partition("://")
    host, colon, port = rest.rpartition(":")
    if host.startswith("[") and host.endswith("]"):     # an IPv6 address
        host = host[1:-1]
    if not (separator and scheme in SCHEDULER_SCHEMES and host and colon and port.isdigit()
            and 0 < int(port) < 65536 and "/" not in rest):
        raise InputError("option --scheduler", repr(address),
                         "a scheduler's address, tcp://HOST:PORT or tls://HOST:PORT",
                         "give the address the scheduler printed when it started "
                         "('Scheduler at: tcp://...')")
    return address


@contextmanager
def remote_client(address: str):
    """A dask client connected to the scheduler at ``address``, with at least one worker.

    ``tls://`` takes its certificates from dask's configuration
    (``distributed.comm.tls``: ``ca-file``, ``client.cert``, ``client.key``, in a
    dask configuration file or ``DASK_DISTRIBUTED__COMM__TLS__...`` variables),
    as dask's own tools do. The connection and the wait for a worker each
    give up after dask's ``distributed.comm.timeouts.connect`` (30 s by
    default).

    Raises
    ------
    InputError
        A malformed address, ``tls://`` without certificates, no scheduler
        answering, or a scheduler without workers.
    MissingDependencyError
        Without dask.distributed.
    """
    _scheduler_address(address)
    try:
        import dask
        from dask.distributed import Client
        from distributed.security import Security
    except ImportError:
        raise MissingDependencyError("dask.distributed", "--scheduler (a dask scheduler)",
                                     "distributed") from None
    security = Security()
    if address.startswith("tls://") and security.get_connection_args("client")[
            "ssl_context"] is None:
        raise InputError("option --scheduler", f"{address} without TLS certificates",
                         "dask's TLS settings for a tls:// scheduler",
                         "set distributed.comm.tls.ca-file, .client.cert and .client.key in a "
                         "dask configuration file, or the variables "
                         "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, "
                         "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
                         "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY")
    timeout = dask.config.get("distributed.comm.timeouts.connect")
    try:
        client = Client(address, security=security, timeout=timeout)
    except OSError:
        raise InputError("option --scheduler", f"{address}, where no scheduler answered "
                         f"within {timeout}", "a running dask scheduler at this address",
                         "start one ('dask scheduler') and its workers ('dask worker "
                         "ADDRESS'), or check the address and the firewall") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise InputError("option --scheduler", f"{address}, a scheduler without workers "
                             f"for {timeout}", "at least one worker",
                             "start workers with 'dask worker ADDRESS'") from None
        yield client


def _client(args):
    """The dask client of a stochastic run: a scheduler's, a local cluster's, or none."""
    if args.scheduler is not None and args.workers is not None:
        raise InputError("option --scheduler", "--scheduler with --workers",
                         "one of them: the workers of a running scheduler, or a local cluster",
                         "drop --workers: start the workers with 'dask worker ADDRESS'")
    if args.scheduler is not None:
        return remote_client(args.scheduler)       # which checks the address
    return local_cluster(args.workers) if args.workers else nullcontext()


def _run(args) -> int:
    from projsim.analysis.households import with_households
    from projsim.io.results import check_output_path, write_netcdf
    from projsim.io.scenarios import input_files, load_scenario
    from projsim import project
    from projsim.projection import DEFAULT_SCENARIO

    _check_draw_options(args)
    scenario = load_scenario(args.scenario or DEFAULT_SCENARIO)
    if args.draws is not None and scenario.width != 1:
        raise InputError("option --draws", f"a scenario on the grid {scenario.grid!r} "
                         f"({shown(scenario.name)})",
                         "a scenario by single year of age (grid '1x1'): stochastic draws "
                         "project one-year steps",
                         "drop --draws, or run a scenario on the grid '1x1'")
    if args.output is not None:
        check_output_path(args.output, input_files(scenario))
    if args.draws is None:
        dataset = project(scenario)
        print(summary(dataset))
        if args.output is not None:
            write_netcdf(dataset, args.output)
    else:
        from projsim.stochastic import project_draws

        connection = _client(args)      # checks the options; connects when entered
        _check_cost(args, scenario)
        # the client stays open until the result is written: a kept population
        # is a dask array whose chunks are on the workers
        with connection as client:
            dataset = project_draws(scenario, args.draws, seed=args.seed, chunk=args.chunk,
                                    keep=args.keep, client=client, progress=Progress(),
                                    quantiles=args.quantiles,
                                    demographic_noise=args.demographic_noise)
            if scenario.households is not None:
                dataset = with_households(dataset, scenario.households)
            print(draws_summary(dataset))
            if args.output is not None:
                write_netcdf(dataset, args.output)
    if args.output is not None:
        print(f"\nWrote {shown(args.output)}")
    return EXIT_OK


def _validate(args) -> int:
    from projsim.io.scenarios import check_scenario

    problems = check_scenario(args.scenario)
    for problem in problems:
        print(f"error: {shown(problem)}", file=sys.stderr)
    if problems:
        return EXIT_INPUT
    print(f"{shown(args.scenario)}: valid")
    return EXIT_OK


def _list(args) -> int:
    from projsim.io.scenarios import bundled_scenarios, load_scenario

    for name in bundled_scenarios():
        print(f"{name:<24}{shown(load_scenario(name).description)}")
    return EXIT_OK


# --- plot and report ---------------------------------------------------------------------------

#: Options of ``projsim plot`` beyond --kind, -o, --region and --nationality, by the kinds
#: that take them.
_PLOT_OPTIONS = {
    "year": ("pyramid",), "compare_year": ("pyramid",), "compare_scenario": ("pyramid",),
    "by_region": ("pyramid",), "by": ("pyramid",), "variable": ("fan",),
}
_SEVERAL_SCENARIOS = ("totals", "tfr", "e0", "dependency")
_IMAGE_SUFFIXES = (".png", ".svg", ".pdf")
_NEEDS = {"tfr": "fertility_rate", "e0": "mortality_rate", "components": "births"}


def _read_result(path: str):
    """A result file: a projection (a population by time, its states, sex and
    age), or the summaries of stochastic draws (``population_mean`` and
    ``national_quantile``)."""
    from projsim.io.results import read_netcdf
    from projsim.plots import is_draws_summary

    dataset = read_netcdf(path)
    if is_draws_summary(dataset):
        return dataset
    dims = set(dataset["population"].dims) if "population" in dataset else set()
    expected = ("time",) + StateSpace.from_dataset(dataset).expand(VARIABLES["population"].dims)
    if not set(expected) <= dims:
        raise InputError(shown(path), "a netCDF file without a variable 'population' over "
                         f"{', '.join(expected[:-1])} and {expected[-1]}, nor the summaries of "
                         "stochastic draws", "a result written by 'projsim run -o'",
                         "check the path and rerun the projection")
    return dataset


def _year(text: str, dataset, path: str, option: str) -> int:
    from projsim.plots import check_label

    try:
        year = int(text)
    except ValueError:
        raise InputError(f"option {option}", repr(text), "a year such as 2060",
                         "give a whole year") from None
    check_label(dataset, "time", year, f"{shown(path)}: {option}")
    return year


def _plot_options(args, dataset) -> dict:
    """The keyword arguments of the plot function, each checked against the file."""
    from projsim.plots import SUMMARY_KINDS, check_label, is_draws_summary

    kind, path = args.kind, shown(args.result)
    for name, kinds in _PLOT_OPTIONS.items():
        value = getattr(args, name)
        if value not in (None, False) and kind not in kinds:
            raise InputError(f"option {_option(name)}", f"{value!r} with --kind {kind}",
                             f"this option only with --kind {' or '.join(kinds)}",
                             f"drop {_option(name)}")
    if kind == "households" and args.nationality is not None:
        raise InputError("option --nationality", f"{args.nationality!r} with --kind households",
                         "no nationality: households are counted by region, nationalities "
                         "pooled", "drop --nationality")
    scenarios = args.scenario or []
    if len(scenarios) > 1 and kind not in _SEVERAL_SCENARIOS:
        raise InputError("option --scenario", f"{len(scenarios)} scenarios with --kind {kind}",
                         "one", "give --scenario once; a pyramid compares with --compare-scenario")
    for name in scenarios:
        check_label(dataset, "scenario", name, f"{path}: --scenario")
    if args.compare_scenario is not None:
        check_label(dataset, "scenario", args.compare_scenario, f"{path}: --compare-scenario")
    chosen = {REGION: args.region, NATIONALITY: args.nationality}
    for dim, label in chosen.items():
        if label is not None:
            check_label(dataset, dim, label, f"{path}: --{dim}")
    summaries = is_draws_summary(dataset)
    if summaries and kind not in SUMMARY_KINDS:
        raise InputError(path, f"the summaries of stochastic draws with --kind {kind}",
                         f"a projection, or every draw (--keep draws), for --kind {kind}",
                         f"plot --kind {' or '.join(SUMMARY_KINDS)} of the summaries, or save "
                         "the projection with 'projsim run -o'")
    if kind == "fan" and "draw" not in dataset.dims and not summaries:
        raise InputError(path, "a result without a 'draw' dimension",
                         "a result with stochastic draws for --kind fan",
                         "plot --kind totals, or run a stochastic projection")
    if kind in _NEEDS and _NEEDS[kind] not in dataset:
        raise InputError(path, f"no variable '{_NEEDS[kind]}'",
                         f"a result with '{_NEEDS[kind]}' for --kind {kind}",
                         "draw a figure of the population (pyramid, totals, dependency, fan), "
                         "or save a projection with 'projsim run -o'")
    options = dict(chosen)     # the plot functions' arguments region and nationality
    if kind == "households":
        from projsim.io.households import read_household_model

        del options[NATIONALITY]
        if "households" not in dataset:
            # a result of a scenario without [households]: the census shares held
            options["model"] = read_household_model()
            covered = options["model"][REGION].values
            missing = [str(r) for r in dataset[REGION].values if r not in covered]
            if missing:
                raise InputError(f"{path}: --kind households", f"the region {missing[0]!r}, "
                                 f"which the household model {options['model'].attrs['model']} "
                                 "does not cover", f"a result by the regions of the model, "
                                 f"{list(map(str, covered))}, or one that stores its households",
                                 "add a [households] section naming a model of these regions "
                                 "to the scenario, and save its run with 'projsim run -o'")
    if kind in _SEVERAL_SCENARIOS:
        options["scenarios"] = scenarios or None
    else:
        options["scenario"] = scenarios[0] if scenarios else None
    if kind == "pyramid":
        options.update(
            year=None if args.year is None else _year(args.year, dataset, path, "--year"),
            compare_year=(None if args.compare_year is None
                          else _year(args.compare_year, dataset, path, "--compare-year")),
            compare_scenario=args.compare_scenario, by_region=args.by_region, by=args.by)
    if kind == "fan" and args.variable is not None:
        options["variable"] = args.variable
    return options


def _plot(args) -> int:
    from projsim.io.results import check_output_file, write_output
    from projsim.plots import PLOT_KINDS, render

    if args.kind not in PLOT_KINDS:
        raise InputError("option --kind", repr(args.kind), f"one of {', '.join(PLOT_KINDS)}",
                         "choose one of these figures")
    suffix = check_output_file(args.output, _IMAGE_SUFFIXES, [args.result], example=args.kind,
                               kind="image file")
    dataset = _read_result(args.result)
    image = render(dataset, args.kind, format=suffix.lstrip("."), dpi=150,
                   **_plot_options(args, dataset))
    write_output(args.output, image)
    print(f"Wrote {shown(args.output)}")
    return EXIT_OK


def _report(args) -> int:
    from projsim.io.results import check_output_file, write_output
    from projsim.report import report_html

    check_output_file(args.output, (".html", ".htm"), [args.result], example="report",
                      kind="HTML page")
    page = report_html(_read_result(args.result))
    write_output(args.output, page.encode("utf-8"))
    print(f"Wrote {shown(args.output)}")
    return EXIT_OK


# --- compare and export ----------------------------------------------------------------------

#: Suffixes of the result files ``projsim compare`` reads (anything else is a scenario).
_RESULT_SUFFIXES = (".nc", ".nc4", ".zarr")


def compare_years(first: int, last: int) -> list[int]:
    """The default years of ``projsim compare``: the base year, the first tenth year
    at least 15 years later and the last tenth year before the horizon.

    Examples
    --------
    >>> compare_years(2012, 2061)
    [2012, 2030, 2060]
    """
    middle = ((first + 15 + 9) // 10) * 10
    end = ((last - 1) // 10) * 10
    return sorted({first, *(y for y in (middle, end) if first < y < last)})


def _comparison_inputs(arguments: Sequence[str]) -> dict:
    """Each argument's results by column label: a result file read, or a scenario
    projected; a file or scenario with variants gives one column per variant."""
    from projsim import project
    from projsim.io.scenarios import load_scenario

    results = {}
    for argument in arguments:
        is_file = os.path.splitext(argument)[1].lower() in _RESULT_SUFFIXES
        dataset = _read_result(argument) if is_file else project(load_scenario(argument))
        if "draw" in dataset.dims or "population" not in dataset:
            raise InputError(shown(argument), "stochastic draws or their summaries",
                             "a projection, a scenario or its result file",
                             "compare scenarios run without --draws")
        parts = [(str(s), dataset.sel(scenario=s, drop=True)) for s in dataset.scenario.values] \
            if "scenario" in dataset.dims else [(dataset.attrs.get("scenario", argument), dataset)]
        for label, part in parts:
            name, n = label, 2
            while name in results:
                name, n = f"{label} ({n})", n + 1
            results[name] = part
    return results


def comparison_text(table, labels: Sequence[str]) -> str:
    """The comparison table as plain text, one block per region (:func:`_compare`)."""
    from projsim.analysis.compare import TOTAL

    columns = [*labels, *(f"{label} - {labels[0]}" for label in labels[1:])]
    width = max(13, *(len(shown(c)) + 2 for c in columns))
    indicator_width = max(len(i) for i in table.indicator) + 2
    blocks = []
    for region in dict.fromkeys(table.region):
        part = table[table.region == region]
        title = "All regions" if region == TOTAL else shown(region)
        lines = [title, f"{'':<{indicator_width}}{'year':>6}"
                 + "".join(f"{shown(c):>{width}}" for c in columns)]
        values = part[columns].to_numpy(dtype=float)
        for row, numbers in zip(part.itertuples(index=False), values):
            digits = 1 if row.unit.startswith("67+") else 0
            cells = "".join(f"{'-':>{width}}" if not np.isfinite(v)
                            else f"{round(v, digits) + 0.0:>{width},.{digits}f}" for v in numbers)
            lines.append(f"{row.indicator:<{indicator_width}}{row.year:>6}{cells}")
        blocks.append("\n".join(lines))
    units = sorted(dict.fromkeys(zip(table.indicator, table.unit)))
    notes = "; ".join(f"{i} [{u}]" for i, u in units if not i.startswith("aged"))
    return "\n\n".join(blocks) + ("\n\nPopulation and ages: persons on 1 January; " + notes
                                  + ". Differences are against the first column.")


def _compare(args) -> int:
    from projsim.analysis.compare import comparison_table
    from projsim.io.results import check_output_file, write_output

    inputs = [a for a in args.scenarios if os.path.splitext(a)[1].lower() in _RESULT_SUFFIXES]
    if args.output is not None:
        check_output_file(args.output, (".csv",), inputs, example="table", kind="table")
    results = _comparison_inputs(args.scenarios)
    first = next(iter(results.values()))
    years = args.years or compare_years(int(first.time[0]), int(first.time[-1]))
    table = comparison_table(results, years, by=args.by)
    print(comparison_text(table, list(results)))
    if args.output is not None:
        write_output(args.output, table.to_csv(index=False).encode("utf-8-sig"))
        print(f"\nWrote {shown(args.output)}")
    return EXIT_OK


def _export(args) -> int:
    from projsim.io.export import EXPORT_SUFFIXES, csv_bytes, xlsx_bytes
    from projsim.io.results import check_output_file, write_output

    suffix = check_output_file(args.output, EXPORT_SUFFIXES, [args.result], example="result",
                               kind="export")
    dataset = _read_result(args.result)
    if suffix == ".csv":
        data, left_out = csv_bytes(dataset)
    else:
        data, left_out = xlsx_bytes(dataset), []
    write_output(args.output, data)
    print(f"Wrote {shown(args.output)}")
    if left_out:
        print(f"Not in the CSV (other dimensions; export to .xlsx for them): "
              f"{', '.join(left_out)}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    commands = {"run": _run, "validate": _validate, "list": _list, "plot": _plot,
                "report": _report, "compare": _compare, "export": _export}
    try:
        return commands[args.command](args)
    except (InputError, MissingDependencyError) as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("error: interrupted; an output file that existed is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader (for example 'head') stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
