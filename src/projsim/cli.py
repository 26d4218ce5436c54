"""The ``projsim`` command line.

Exit codes: 0 on success, 2 on bad input (one line on standard error, no
traceback), 1 on an internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import numpy as np

from projsim.errors import InputError
from projsim.model.states import StateSpace, state_dims
from projsim.types import NATIONALITY, REGION, VARIABLES

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="projsim", description="Cohort-component population projections.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a scenario and print a summary")
    run.add_argument("scenario", nargs="?", default=None,
                     help="a bundled scenario's name or a TOML file (default: fpb-2013, the "
                          "reference scenario on the embedded Belgian base)")
    run.add_argument("-o", "--output", help="write the result to this netCDF file")
    run.add_argument("--draws", type=int,
                     help="run a stochastic projection with this many draws (the scenario "
                          "needs tfr, e0 and net_total paths)")
    run.add_argument("--seed", type=int, help="with --draws: the seed (default: the scenario's)")
    run.add_argument("--chunk", type=int, default=1024,
                     help="with --draws: draws projected together, a multiple of 64 "
                          "(changes speed and memory, never the result; default 1024)")
    run.add_argument("--keep", choices=("summary", "draws"), default="summary",
                     help="with --draws: summaries only (default) or every draw's population")
    run.add_argument("--quantiles", choices=("auto", "exact", "histogram"), default="auto",
                     help="with --draws: exact quantiles (a few kB per draw), streaming "
                          "histogram quantiles (memory independent of the draws), or auto: "
                          "exact up to 2,048 draws")
    run.add_argument("--demographic-noise", action=argparse.BooleanOptionalAction,
                     help="with --draws: draw each year's births, deaths and migrants by chance "
                          "around their expected values (default: the scenario's [uncertainty] "
                          "demographic_noise, else off)")
    run.add_argument("--workers", type=int,
                     help="with --draws: run the chunks on a local dask cluster of this many "
                          "worker processes")
    validate = commands.add_parser("validate", help="check a scenario file and list its problems")
    validate.add_argument("scenario")
    commands.add_parser("list", help="list the bundled scenarios")
    from projsim.plots import PLOT_KINDS

    plot = commands.add_parser("plot", help="draw a figure of a result file (PNG, SVG or PDF)")
    plot.add_argument("result", help="a netCDF file written by 'projsim run -o'")
    plot.add_argument("--kind", default="pyramid",
                      help=f"the figure: {', '.join(PLOT_KINDS)} (default: pyramid)")
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
    report.add_argument("result", help="a netCDF file written by 'projsim run -o'")
    report.add_argument("-o", "--output", required=True, help="the HTML file to write")
    return parser


def summary(dataset, years: Sequence[int] | None = None) -> str:
    """A short plain-text summary of a result: totals by region and components.

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
    batch = "scenario" in dataset.dims
    others = [dim for dim in state_dims(dataset) if dim != REGION]

    def values(name):
        array = dataset[name].sum(others).transpose("time", *(("scenario",) if batch else ()),
                                                    ...).values
        return np.moveaxis(array, 1, 0) if batch else array[None]

    names = [str(s) for s in dataset.scenario.values] if batch else None
    return summary_text(
        f"{dataset.attrs.get('scenario', '')}: {dataset.attrs.get('scenario_description', '')}",
        dataset.time.values, [str(r) for r in dataset[REGION].values], values("population"),
        values("births")[:, :-1], values("deaths")[:, :-1], values("net_migration")[:, :-1],
        int(dataset.attrs.get("overrides_migration_cells", 0)),
        int(dataset.attrs.get("overrides_floor_cells", 0)), names, years)


def summary_text(title, times, regions, population, births, deaths, net_migration, adjusted,
                 floored, scenarios=None, years=None) -> str:
    """The summary of :func:`summary` from unlabelled arrays (batch, time, region, ...).

    ``projsim run`` without ``-o`` prints it straight from the kernel's
    arrays, so it never builds an xarray Dataset.
    """
    first, last = int(times[0]), int(times[-1])
    if years is None:
        years = [first, *range((first // 10 + 1) * 10, last, 10), last]
    at = [int(np.flatnonzero(times == y)[0]) for y in years]
    flows = [i for i, y in zip(at, years) if y != last]
    width = max(12, *(len(r) for r in regions))
    blocks = []
    for b in range(population.shape[0]):
        totals = population[b].sum(axis=(2, 3))                       # (time, region)
        lines = [title if scenarios is None else f"scenario {scenarios[b]}", "",
                 "Population on 1 January (persons)",
                 f"{'':<{width}}" + "".join(f"{y:>13}" for y in years)]
        for r, region in enumerate(regions):
            lines.append(f"{region:<{width}}" + "".join(f"{v:>13,.0f}" for v in totals[at, r]))
        lines.append(f"{'Total':<{width}}" + "".join(f"{v:>13,.0f}" for v in
                                                      totals[at].sum(axis=1)))
        lines += ["", "Components of change during the year (persons, all regions)",
                  f"{'':<{width}}" + "".join(f"{times[i]:>13}" for i in flows)]
        for name, flow in (("births", births), ("deaths", deaths),
                           ("net migration", net_migration)):
            per_year = flow[b].reshape(flow.shape[1], -1).sum(axis=1)
            lines.append(f"{name:<{width}}" + "".join(f"{per_year[i]:>13,.0f}" for i in flows))
        blocks.append("\n".join(lines))
    text = "\n\n".join(blocks)
    return text + (f"\n\nOverrides recorded: {adjusted} migration cells adjusted, "
                   f"{floored} cells floored.")


def draws_summary(dataset, years: Sequence[int] | None = None) -> str:
    """A plain-text summary of a stochastic result: national quantiles by year."""
    first, last = int(dataset.time[0]), int(dataset.time[-1])
    if years is None:
        years = [first, *range((first // 10 + 1) * 10, last, 10), last]
    national = dataset.national_quantile.sel(age_group="all", time=years)
    noise = ", demographic noise" if dataset.attrs.get("demographic_noise") else ""
    lines = [f"{dataset.attrs['scenario']}: {dataset.attrs['draws']} draws, seed "
             f"{dataset.attrs['seed']} ({dataset.attrs['engine']} engine{noise})", "",
             "National population on 1 January (persons), quantiles over draws",
             f"{'quantile':<12}" + "".join(f"{y:>13}" for y in years)]
    for q in national["quantile"].values:
        values = national.sel(quantile=q).values
        lines.append(f"{q:<12}" + "".join(f"{v:>13,.0f}" for v in values))
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


def _run_draws(args, scenario):
    from projsim.stochastic import project_draws
    from projsim.io.scenarios import load_scenario

    loaded = load_scenario(scenario)
    if args.workers:
        import dask
        from dask.distributed import Client, LocalCluster

        # One thread per worker process: numba must not start threads of its
        # own in each of them (benchmarks/README.md, "Stochastic ensembles").
        # The Nanny writes these variables into this process's environment as
        # well, where numba would read them later: they are put back after.
        single = {"distributed.nanny.pre-spawn-environ.NUMBA_NUM_THREADS": 1}
        saved = dict(os.environ)
        try:
            with dask.config.set(single), \
                    LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                return project_draws(loaded, args.draws, seed=args.seed, chunk=args.chunk,
                                     keep=args.keep, client=client, progress=Progress(),
                                     quantiles=args.quantiles,
                                     demographic_noise=args.demographic_noise)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return project_draws(loaded, args.draws, seed=args.seed, chunk=args.chunk, keep=args.keep,
                         progress=Progress(), quantiles=args.quantiles,
                         demographic_noise=args.demographic_noise)


def _summary_of_run(scenario) -> str:
    """Project and summarise without building a Dataset (the fast path of 'run')."""
    from projsim.projection import run
    from projsim.io.scenarios import load_scenario

    loaded = load_scenario(scenario)
    inputs, result = run(loaded)
    flows = result.flows
    names = inputs.variants if len(inputs.variants) > 1 else None

    def by_region(array):
        """(batch, time, region, ...) from the kernel's (time, batch, state, ...)."""
        return np.moveaxis(_by_region(array, inputs.base.states), 1, 0)

    return summary_text(f"{loaded.name}: {loaded.description}", inputs.years,
                        list(inputs.base.regions), by_region(result.population),
                        by_region(flows.births), by_region(flows.deaths),
                        by_region(flows.net_migration),
                        int(np.count_nonzero(flows.migration_adjustment)),
                        int(np.count_nonzero(flows.population_floor)), names)


def _by_region(array: np.ndarray, states: StateSpace) -> np.ndarray:
    """A kernel array (time, batch, state, ...) with its states summed by region."""
    array = states.unflatten(array, 2)
    others = tuple(2 + i for i, dim in enumerate(states.dims) if dim != REGION)
    return array.sum(others) if others else array


def _run(args) -> int:
    from projsim.io.results import write_netcdf
    from projsim.projection import DEFAULT_SCENARIO, project

    scenario = args.scenario or DEFAULT_SCENARIO
    if args.draws is not None:
        dataset = _run_draws(args, scenario)
        print(draws_summary(dataset))
    elif args.output:
        dataset = project(scenario)
        print(summary(dataset))
    else:
        print(_summary_of_run(scenario))
        return EXIT_OK
    if args.output:
        write_netcdf(dataset, args.output)
        print(f"\nWrote {args.output}")
    return EXIT_OK


def _validate(args) -> int:
    from projsim.io.scenarios import check_scenario

    problems = check_scenario(args.scenario)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_INPUT
    print(f"{args.scenario}: valid")
    return EXIT_OK


def _list(args) -> int:
    from projsim.io.scenarios import bundled_scenarios, load_scenario

    for name in bundled_scenarios():
        print(f"{name:<24}{load_scenario(name).description}")
    return EXIT_OK


#: Options of ``projsim plot`` beyond --kind, -o, --region and --nationality, by the kinds
#: that take them.
_PLOT_OPTIONS = {
    "year": ("pyramid",), "compare_year": ("pyramid",), "compare_scenario": ("pyramid",),
    "by_region": ("pyramid",), "by": ("pyramid",), "variable": ("fan",),
}
_SEVERAL_SCENARIOS = ("totals", "tfr", "e0", "dependency")
_IMAGE_FORMATS = ("png", "svg", "pdf")
_NEEDS = {"tfr": "fertility_rate", "e0": "mortality_rate", "components": "births"}


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _read_result(path: str):
    """A result file, checked to hold a population by time, its states, sex and age."""
    from projsim.io.results import read_netcdf

    dataset = read_netcdf(path)
    dims = set(dataset["population"].dims) if "population" in dataset else set()
    expected = ("time",) + StateSpace.from_dataset(dataset).expand(VARIABLES["population"].dims)
    if not set(expected) <= dims:
        raise InputError(path, "a netCDF file without a variable 'population' over "
                         f"{', '.join(expected[:-1])} and {expected[-1]}",
                         "a result written by 'projsim run -o'",
                         "check the path and rerun the projection")
    return dataset


def _year(text: str, dataset, path: str, option: str) -> int:
    from projsim.plots import check_label

    try:
        year = int(text)
    except ValueError:
        raise InputError(f"option {option}", repr(text), "a year such as 2060",
                         "give a whole year") from None
    check_label(dataset, "time", year, f"{path}: {option}")
    return year


def _plot_options(args, dataset) -> dict:
    """The keyword arguments of the plot function, each checked against the file."""
    from projsim.plots import check_label

    kind, path = args.kind, args.result
    for name, kinds in _PLOT_OPTIONS.items():
        value = getattr(args, name)
        if value not in (None, False) and kind not in kinds:
            raise InputError(f"option {_option(name)}", f"{value!r} with --kind {kind}",
                             f"this option only with --kind {' or '.join(kinds)}",
                             f"drop {_option(name)}")
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
    if kind == "fan" and "draw" not in dataset.dims:
        raise InputError(path, "a result without a 'draw' dimension",
                         "a result with stochastic draws for --kind fan",
                         "plot --kind totals, or run a stochastic projection")
    if kind in _NEEDS and _NEEDS[kind] not in dataset:
        raise InputError(path, f"no variable '{_NEEDS[kind]}'",
                         f"a result with '{_NEEDS[kind]}' for --kind {kind}",
                         "draw a figure of the population (pyramid, totals, dependency, fan), "
                         "or save a projection with 'projsim run -o'")
    options = dict(chosen)     # the plot functions' arguments region and nationality
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
    from pathlib import Path

    from projsim.plots import PLOT_KINDS, render

    if args.kind not in PLOT_KINDS:
        raise InputError("option --kind", repr(args.kind), f"one of {', '.join(PLOT_KINDS)}",
                         "choose one of these figures")
    output = Path(args.output)
    image_format = output.suffix.lower().lstrip(".")
    if image_format not in _IMAGE_FORMATS:
        raise InputError("option -o", repr(args.output), "a file name ending in "
                         + ", ".join(f".{f}" for f in _IMAGE_FORMATS),
                         "name the image file after its format, for example pyramid.png")
    _check_folder(output)
    dataset = _read_result(args.result)
    image = render(dataset, args.kind, format=image_format, dpi=150,
                   **_plot_options(args, dataset))
    output.write_bytes(image)
    print(f"Wrote {args.output}")
    return EXIT_OK


def _report(args) -> int:
    from pathlib import Path

    from projsim.report import write_report

    output = Path(args.output)
    _check_folder(output)
    write_report(_read_result(args.result), output)
    print(f"Wrote {args.output}")
    return EXIT_OK


def _check_folder(path) -> None:
    if not path.parent.is_dir():
        raise InputError("option -o", repr(str(path)), "a file in an existing folder",
                         f"create the folder {str(path.parent)!r} first")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    commands = {"run": _run, "validate": _validate, "list": _list, "plot": _plot,
                "report": _report}
    try:
        return commands[args.command](args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        # the reader (for example 'head') stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
