"""The ``projsim`` command line.

Exit codes: 0 on success, 2 on bad input (one line on standard error, no
traceback), 1 on an internal error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from projsim.errors import InputError

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
    validate = commands.add_parser("validate", help="check a scenario file and list its problems")
    validate.add_argument("scenario")
    commands.add_parser("list", help="list the bundled scenarios")
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
    first, last = int(dataset.time[0]), int(dataset.time[-1])
    if years is None:
        years = [first, *range((first // 10 + 1) * 10, last, 10), last]
    population = dataset.population.sum(["sex", "age"])
    regions = [str(r) for r in dataset.region.values]
    width = max(12, *(len(r) for r in regions))
    lines = [f"{dataset.attrs.get('scenario', '')}: {dataset.attrs.get('scenario_description', '')}",
             "", "Population on 1 January (persons)",
             f"{'':<{width}}" + "".join(f"{y:>13}" for y in years)]
    for region in regions:
        values = population.sel(region=region, time=years).values
        lines.append(f"{region:<{width}}" + "".join(f"{v:>13,.0f}" for v in values))
    total = population.sum("region").sel(time=years).values
    lines.append(f"{'Total':<{width}}" + "".join(f"{v:>13,.0f}" for v in total))
    flow_years = [y for y in years if y != last]
    lines += ["", "Components of change during the year (persons, all regions)",
              f"{'':<{width}}" + "".join(f"{y:>13}" for y in flow_years)]
    for name in ("births", "deaths", "net_migration"):
        values = dataset[name].sel(time=flow_years).sum([d for d in dataset[name].dims
                                                         if d != "time"]).values
        lines.append(f"{name.replace('_', ' '):<{width}}" + "".join(f"{v:>13,.0f}" for v in values))
    adjusted = dataset.attrs.get("overrides_migration_cells", 0)
    floors = dataset.attrs.get("overrides_floor_cells", 0)
    lines += ["", f"Overrides recorded: {adjusted} migration cells adjusted, {floors} cells floored."]
    return "\n".join(lines)


def _run(args) -> int:
    from projsim.io import write_netcdf
    from projsim.projection import DEFAULT_SCENARIO, project

    dataset = project(args.scenario or DEFAULT_SCENARIO)
    print(summary(dataset))
    if args.output:
        write_netcdf(dataset, args.output)
        print(f"\nWrote {args.output}")
    return EXIT_OK


def _validate(args) -> int:
    from projsim.scenario import check_scenario

    problems = check_scenario(args.scenario)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_INPUT
    print(f"{args.scenario}: valid")
    return EXIT_OK


def _list(args) -> int:
    from projsim.scenario import bundled_scenarios, load_scenario

    for name in bundled_scenarios():
        print(f"{name:<24}{load_scenario(name).description}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    commands = {"run": _run, "validate": _validate, "list": _list}
    try:
        return commands[args.command](args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
