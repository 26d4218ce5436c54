"""The hostile inputs of the command line, each made in an empty folder.

A :class:`Case` is a command (``argv``) and the files it needs: a scenario,
a copy of the embedded three-region 2012 base edited (``base``), tables, netCDF files,
pipes. ``message`` is the one line the command must print on standard error
after ``error: ``, with ``{dir}`` for the case's folder. Scenario cases run
through ``projsim validate`` too, which must print the same line first:
validation refuses everything a run refuses.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

REGIONS = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
SEXES = ("female", "male")
HEAD = 'name = "t"\nbase = "belgium-2012-regions"\nhorizon = 2020\n'
USER_BASE = 'name = "t"\nbase = "b"\nhorizon = 2020\n'


@dataclass
class Case:
    """A command and its files; see the module docstring."""

    name: str
    argv: list[str]
    files: dict[str, str | bytes | Callable[[Path], None]] = field(default_factory=dict)
    base: Callable[[Path], None] | None = None
    validate: bool = False
    base_folder: str = "belgium_2012_regions"


def scenario(name: str, text: str, files=None, base=None,
             base_folder: str = "belgium_2012_regions") -> Case:
    """A scenario file s.toml run with 'projsim run' (and checked by 'validate'); its
    base ``b`` a copy of the embedded ``base_folder`` edited by ``base``."""
    return Case(name, ["run", "s.toml"], {"s.toml": text, **(files or {})}, base,
                validate=True, base_folder=base_folder)


def by_nationality(name: str, edited: Callable[[Path], None]) -> Case:
    """A scenario on a copy of the region x nationality base, edited."""
    return scenario(name, USER_BASE, base=edited, base_folder="belgium_2012")


def make(case: Case, folder: Path) -> None:
    """Write a case's files in ``folder``."""
    if case.base is not None:
        shutil.copytree(Path(str(resources.files("projsim") / "data" / case.base_folder)),
                        folder / "b")
        case.base(folder / "b")
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


# --- helpers for files --------------------------------------------------------------------------

def grid(header: str, value, *, years=(None,), sexes=SEXES, ages=range(111)) -> str:
    """A CSV table by [year,] region[, sex], age with ``value(year, region, sex, age)``."""
    rows = [header]
    for year in years:
        for region in REGIONS:
            for sex in sexes or (None,):
                for age in ages:
                    cells = [year, region, sex, age, value(year, region, sex, age)]
                    rows.append(",".join(str(c) for c in cells if c is not None))
    return "\n".join(rows) + "\n"


YEARS = tuple(range(2012, 2020))


def edit(file: str, column: str, value: Callable[[int, list[str]], str]) -> Callable[[Path], None]:
    """A base edit: ``column`` of ``file`` set to ``value(row index, fields)``."""
    def apply(base: Path) -> None:
        lines = (base / file).read_text().splitlines()
        at = lines[0].split(",").index(column)
        out = [lines[0]]
        for n, line in enumerate(lines[1:]):
            fields = line.split(",")
            fields[at] = value(n, fields)
            out.append(",".join(fields))
        (base / file).write_text("\n".join(out) + "\n")
    return apply


def meta(key: str, value: str) -> Callable[[Path], None]:
    def apply(base: Path) -> None:
        path = base / "meta.toml"
        path.write_text(re.sub(rf"^{key} = .*$", f"{key} = {value}", path.read_text(),
                               count=1, flags=re.M))
    return apply


def remove(file: str) -> Callable[[Path], None]:
    return lambda base: (base / file).unlink()


def fifo(path: Path) -> None:
    os.mkfifo(path)


def netcdf_base(change: Callable | None = None, cut: int | None = None,
                content: bytes | None = None) -> Callable[[Path], None]:
    """A netCDF base file: the three-region 2012 base, changed, cut short, or other bytes."""
    def apply(path: Path) -> None:
        import xarray as xr

        from projsim.io import load_base, write_base_netcdf

        if content is not None:
            path.write_bytes(content)
            return
        write_base_netcdf(load_base("belgium-2012-regions"), path)
        if change is not None:
            dataset = change(xr.load_dataset(path, engine="scipy", mmap=False))
            dataset.to_netcdf(path, engine="scipy")
        if cut is not None:
            path.write_bytes(path.read_bytes()[:cut])
    return apply


def small_result(path: Path) -> None:
    """A short deterministic result (three years of belgium-2012), whatever the name."""
    import projsim
    from projsim.io import write_netcdf

    written = path.with_name(path.name + ".nc")
    write_netcdf(projsim.project("belgium-2012").isel(time=slice(0, 3)), written)
    written.rename(path)


def other_netcdf(path: Path) -> None:
    import xarray as xr

    from projsim.io import write_netcdf

    write_netcdf(xr.Dataset({"x": ("time", [1.0, 2.0])}), path)


def household_model(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    """A copy of the shipped household model in a folder, edited."""
    def apply(folder: Path) -> None:
        shutil.copytree(Path(str(resources.files("projsim") / "data" / "households_belgium")),
                        folder)
        edit(folder)
    return apply


def national_rows(folder: Path) -> None:
    """The model of Belgium as a whole only."""
    toml = folder / "households.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("regions = [")
    toml.write_text(text[:start] + 'regions = ["Belgium"]' + text[text.index("\n", start):],
                    encoding="utf-8")
    for name in ("persons_by_position.csv", "region_parameters.csv", "trend.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / name).write_text(lines[0] + "".join(
            line for line in lines[1:] if line.startswith("Belgium,")), encoding="utf-8")


def replaced(name: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return apply


def result_of_other_regions(path: Path) -> None:
    """A short result whose regions no household model shipped covers."""
    import projsim
    from projsim.io import write_netcdf

    written = path.with_name(path.name + ".nc")
    result = projsim.project("belgium-2012").isel(time=slice(0, 3))
    write_netcdf(result.assign_coords(region=["Antwerp", "Ghent", "Liège"]), written)
    written.rename(path)


def text_population(dataset):
    return dataset.assign(population=dataset.population.astype(str))


# --- the cases ------------------------------------------------------------------------------------

CASES: list[Case] = [
    # scenario values that only the base can refuse
    scenario("e0-120", HEAD + "[mortality]\ne0 = { female = 120, male = 80 }\n"),
    scenario("e0-103-male", HEAD + "[mortality]\ne0 = { female = 85, male = 103 }\n"),
    scenario("e0-path-interpolated",
             HEAD + "[mortality]\ne0 = { female = { 2012 = 83, 2019 = 120 }, male = 80 }\n"),
    scenario("e0-open-age-130", HEAD + "open_age = 130\n[mortality]\n"
             "e0 = { female = 100, male = 100 }\n"),
    scenario("immigration-1e15", HEAD + "[international_migration]\nimmigration = 1e15\n"
             "emigration_rate = 0.01\n"),
    scenario("immigration-path-1e300", HEAD + "[international_migration]\n"
             "immigration = { 2012 = 1000, 2015 = 1e300 }\nemigration_rate = 0.01\n"),
    scenario("migration-sd-1e300", HEAD + "[uncertainty]\n"
             "international_migration = { sd = 1e300 }\n"),
    scenario("regional-sd-huge", HEAD + "[uncertainty]\n"
             "international_migration = { regional_sd = 2e7 }\n"),
    scenario("variant-named-like-scenario", HEAD + "[variants.t]\nfertility = { scale = 0.5 }\n"),
    scenario("variant-empty-name", HEAD + '[variants.""]\nfertility = { scale = 0.5 }\n'),
    scenario("net-total-past-inherited-horizon",
             'extends = "fpb-2013"\n[international_migration]\n'
             "net_total = { 2012 = 60000, 2070 = 20000 }\n"),
    scenario("scale-at-inherited-horizon",
             'extends = "fpb-2013"\n[fertility]\nscale = { 2012 = 1, 2061 = 2 }\n'),
    scenario("emigration-scale-past-horizon", HEAD + "[international_migration]\n"
             "immigration = 1e5\nemigration_rate = 0.01\n"
             "emigration_scale = { 2012 = 1, 2030 = 2 }\n"),
    scenario("profile-sums-to-1e-9", HEAD + '[international_migration]\nnet_total = 20000\n'
             'profile = "p.csv"\n',
             {"p.csv": grid("region,sex,age,net_migration", lambda y, r, s, a: 1e-9 / 666)}),
    scenario("profile-of-zeros", HEAD + '[international_migration]\nnet_total = 20000\n'
             'profile = "p.csv"\n',
             {"p.csv": grid("region,sex,age,net_migration", lambda y, r, s, a: 0)}),
    scenario("profile-that-cancels", HEAD + '[international_migration]\nnet_total = 20000\n'
             'profile = "p.csv"\n',
             {"p.csv": grid("region,sex,age,net_migration",
                            lambda y, r, s, a: 0 if a == 110 else (1 if a % 2 else -1))}),
    scenario("immigration-profile-of-zeros", HEAD + "[international_migration]\n"
             'immigration = 50000\nemigration_rate = 0.01\nimmigration_profile = "p.csv"\n',
             {"p.csv": grid("region,sex,age,immigration", lambda y, r, s, a: 0)}),
    scenario("immigration-profile-negative", HEAD + "[international_migration]\n"
             'immigration = 50000\nemigration_rate = 0.01\nimmigration_profile = "p.csv"\n',
             {"p.csv": grid("region,sex,age,immigration", lambda y, r, s, a: -1)}),
    scenario("schedule-of-zeros", HEAD + '[fertility]\ntfr = 1.8\nschedule = "s.csv"\n',
             {"s.csv": grid("region,age,fertility_rate", lambda y, r, s, a: 0, sexes=())}),
    scenario("schedule-1e300", HEAD + '[fertility]\ntfr = 1.8\nschedule = "s.csv"\n',
             {"s.csv": grid("region,age,fertility_rate",
                            lambda y, r, s, a: 1e300 if 20 < a < 40 else 0, sexes=())}),
    scenario("schedule-births-at-age-0", HEAD + '[fertility]\ntfr = 1.8\nschedule = "s.csv"\n',
             {"s.csv": grid("region,age,fertility_rate",
                            lambda y, r, s, a: 0.1 if a < 3 else 0, sexes=())}),
    scenario("schedule-births-in-the-open-group",
             HEAD + '[fertility]\ntfr = 1.8\nschedule = "s.csv"\n',
             {"s.csv": grid("region,age,fertility_rate",
                            lambda y, r, s, a: 0.1 if a == 110 else 0, sexes=())}),
    scenario("fertility-table-1e300", HEAD + '[fertility]\ntable = "f.csv"\n',
             {"f.csv": grid("year,region,age,fertility_rate",
                            lambda y, r, s, a: 1e300 if 20 < a < 40 else 0, years=YEARS,
                            sexes=())}),
    scenario("fertility-table-at-age-0", HEAD + '[fertility]\ntable = "f.csv"\n',
             {"f.csv": grid("year,region,age,fertility_rate",
                            lambda y, r, s, a: 0.1 if a == 0 else 0, years=YEARS, sexes=())}),
    scenario("mortality-table-without-deaths-in-the-open-group",
             HEAD + '[mortality]\ntable = "m.csv"\n',
             {"m.csv": grid("year,region,sex,age,mortality_rate", lambda y, r, s, a: 0,
                            years=YEARS)}),
    scenario("mortality-table-1e300", HEAD + '[mortality]\ntable = "m.csv"\n',
             {"m.csv": grid("year,region,sex,age,mortality_rate", lambda y, r, s, a: 1e300,
                            years=YEARS)}),
    scenario("migration-table-1e300", HEAD + '[international_migration]\ntable = "n.csv"\n',
             {"n.csv": grid("year,region,sex,age,net_migration", lambda y, r, s, a: 1e300,
                            years=YEARS)}),
    scenario("migration-table-minus-1e300",
             HEAD + '[international_migration]\ntable = "n.csv"\n',
             {"n.csv": grid("year,region,sex,age,net_migration", lambda y, r, s, a: -1e300,
                            years=YEARS)}),
    scenario("internal-table-1e300", HEAD + '[internal_migration]\ntable = "i.csv"\n',
             {"i.csv": grid("year,region,sex,age,internal_migration_rate",
                            lambda y, r, s, a: 1e300, years=YEARS)}),
    scenario("emigration-rate-table-of-5", HEAD + "[international_migration]\n"
             'immigration = 1e5\nemigration_rate = "e.csv"\n',
             {"e.csv": grid("region,sex,age,emigration_rate", lambda y, r, s, a: 5)}),
    scenario("internal-table-with-a-base-without-internal-migration",
             'name = "t"\nbase = "belgium-1988"\nhorizon = 1990\n'
             '[internal_migration]\ntable = "i.csv"\n',
             {"i.csv": "year,region,sex,age,internal_migration_rate\n" + "".join(
                 f"{y},Belgium,{s},{a},0.01\n" for y in (1988, 1989) for s in SEXES
                 for a in range(111))}),
    scenario("one-underscore-in-a-csv-number", HEAD + '[fertility]\ntable = "f.csv"\n',
             {"f.csv": grid("year,region,age,fertility_rate",
                            lambda y, r, s, a: "1_0" if a == 30 else 0, years=YEARS,
                            sexes=())}),
    scenario("csv-row-with-an-extra-field", HEAD + '[international_migration]\n'
             'table = "n.csv"\n',
             {"n.csv": grid("year,region,sex,age,net_migration",
                            lambda y, r, s, a: "1,234" if a == 5 else 10, years=YEARS)}),
    scenario("csv-row-with-a-missing-field", HEAD + '[international_migration]\n'
             'table = "n.csv"\n',
             {"n.csv": grid("year,region,sex,age,net_migration", lambda y, r, s, a: 10,
                            years=YEARS).replace("2012,Flemish Region,male,7,10\n",
                                                 "2012,Flemish Region,male,7\n")}),
    scenario("csv-years-of-twenty-digits", HEAD + '[international_migration]\n'
             'table = "n.csv"\n',
             {"n.csv": grid("year,region,sex,age,net_migration", lambda y, r, s, a: 10,
                            years=YEARS).replace("\n2012,", "\n-99999999999999999999,", 1)}),
    scenario("csv-field-over-128-kib", HEAD + '[international_migration]\n'
             'table = "n.csv"\n',
             {"n.csv": "year,region,sex,age,net_migration\n2012," + "x" * 200_000 + ",f,0,1\n"}),
    scenario("csv-in-utf-16", HEAD + '[international_migration]\ntable = "n.csv"\n',
             {"n.csv": grid("year,region,sex,age,net_migration", lambda y, r, s, a: 10,
                            years=YEARS).encode("utf-16")}),
    scenario("csv-that-is-a-pipe", HEAD + '[international_migration]\ntable = "n.csv"\n',
             {"n.csv": fifo}),
    scenario("csv-linked-to-dev-zero", HEAD + '[international_migration]\ntable = "n.csv"\n',
             {"n.csv": lambda path: path.symlink_to("/dev/zero")}),
    scenario("toml-in-latin-1", (HEAD + 'description = "Liège"\n').encode("latin-1")),
    scenario("toml-nested-50000-deep", HEAD + "x = " + "[" * 50_000 + "]" * 50_000 + "\n"),
    scenario("toml-with-a-nul-byte", (HEAD + "#\x00\n").encode()),
    scenario("extends-chain-of-1500", 'extends = "s1.toml"\n',
             {f"s{i}.toml": f'extends = "s{i + 1}.toml"\n' for i in range(1, 1500)}),
    # the [households] section and its model
    scenario("households-model-of-the-nation-only", HEAD + '[households]\nmodel = "m"\n',
             {"m": household_model(national_rows)}),
    scenario("households-model-with-a-negative-count", HEAD + '[households]\nmodel = "m"\n',
             {"m": household_model(replaced("persons_by_position.csv",
                                            "Flemish Region,male,40,other,",
                                            "Flemish Region,male,40,other,-"))}),
    scenario("households-model-with-a-nan-slope", HEAD + '[households]\nmodel = "m"\n',
             {"m": household_model(replaced("trend.csv", "Walloon Region,partner,-0.01509145975",
                                            "Walloon Region,partner,nan"))}),
    scenario("households-model-without-credits", HEAD + '[households]\nmodel = "m"\n',
             {"m": household_model(replaced("households.toml", "[credit]", "[credits]"))}),
    scenario("households-model-that-is-a-file", HEAD + '[households]\nmodel = "m"\n',
             {"m": "households"}),
    scenario("households-model-toml-linked-to-dev-zero", HEAD + '[households]\nmodel = "m"\n',
             {"m": household_model(lambda folder: ((folder / "households.toml").unlink(),
                                                   (folder / "households.toml").symlink_to(
                                                       "/dev/zero")))}),
    scenario("households-scale-1e300", HEAD + "[households]\nscale = { other = 1e300 }\n"),
    scenario("households-scale-path-of-text",
             HEAD + '[households]\nscale = { living_alone = { 2012 = "1.2" } }\n'),
    # bases: a copy of the embedded 2012 base with one thing wrong
    by_nationality("base-birth-nationality-not-summing-to-one",
                   edit("birth_nationality.csv", "share", lambda n, f: "0.5" if n == 2 else f[3])),
    by_nationality("base-naturalisation-rate-negative",
                   edit("naturalisation_rate.csv", "naturalisation_rate",
                        lambda n, f: "-0.01" if n == 300 else f[4])),
    by_nationality("base-immigration-nan",
                   edit("immigration.csv", "immigration", lambda n, f: "NaN" if n == 40 else f[4])),
    by_nationality("base-emigration-rate-of-an-unknown-nationality",
                   edit("emigration_rate.csv", "nationality",
                        lambda n, f: "Belgain" if n == 7 else f[1])),
    by_nationality("base-states-without-nationality-labels",
                   lambda b: (b / "meta.toml").write_text(
                       (b / "meta.toml").read_text().replace(
                           'nationality = ["Belgian", "foreign"]', "nationality = []"))),
    scenario("base-sex-ratio-0", USER_BASE, base=meta("sex_ratio_at_birth", "0.0")),
    scenario("base-sex-ratio-minus-1", USER_BASE, base=meta("sex_ratio_at_birth", "-1.0")),
    scenario("base-sex-ratio-1e9", USER_BASE, base=meta("sex_ratio_at_birth", "1e9")),
    scenario("base-destination-nan", USER_BASE,
             base=edit("internal_destination.csv", "share", lambda n, f: "NaN")),
    scenario("base-destination-negative", USER_BASE,
             base=edit("internal_destination.csv", "share",
                       lambda n, f: {1: "-1", 2: "2"}.get(n, f[2]))),
    scenario("base-destination-on-the-diagonal", USER_BASE,
             base=edit("internal_destination.csv", "share",
                       lambda n, f: "1" if n in (0, 4, 8) else "0")),
    scenario("base-cell-of-1e300-persons", USER_BASE,
             base=edit("population.csv", "population", lambda n, f: "1e300" if n == 30 else f[3])),
    scenario("base-negative-population", USER_BASE,
             base=edit("population.csv", "population", lambda n, f: "-3" if n == 4 else f[3])),
    scenario("base-without-women-and-a-tfr", USER_BASE + "[fertility]\ntfr = 1.8\n",
             base=edit("population.csv", "population",
                       lambda n, f: "0" if f[1] == "female" else f[3])),
    scenario("base-without-fertility-and-a-tfr", USER_BASE + "[fertility]\ntfr = 1.8\n",
             base=edit("fertility_rate.csv", "fertility_rate", lambda n, f: "0")),
    scenario("base-fertility-rate-of-5", USER_BASE,
             base=edit("fertility_rate.csv", "fertility_rate",
                       lambda n, f: "5" if n == 30 else f[2])),
    scenario("base-fertility-in-the-open-group", USER_BASE,
             base=edit("fertility_rate.csv", "fertility_rate",
                       lambda n, f: "0.01" if f[1] == "110" else f[2])),
    scenario("base-death-rate-of-5", USER_BASE,
             base=edit("mortality_rate.csv", "mortality_rate", lambda n, f: "5")),
    scenario("base-no-deaths-in-the-open-group", USER_BASE,
             base=edit("mortality_rate.csv", "mortality_rate",
                       lambda n, f: "0" if f[2] == "110" else f[3])),
    scenario("base-without-deaths-and-e0", USER_BASE + "[mortality]\n"
             "e0 = { female = 85, male = 80 }\n",
             base=edit("mortality_rate.csv", "mortality_rate",
                       lambda n, f: f[3] if f[2] == "110" else "0")),
    scenario("base-without-old-deaths-and-open-age-130", USER_BASE + "open_age = 130\n",
             base=edit("mortality_rate.csv", "mortality_rate",
                       lambda n, f: f[3] if f[2] == "110" else "0")),
    scenario("base-births-at-62-and-open-age-60", USER_BASE + "open_age = 60\n",
             base=edit("fertility_rate.csv", "fertility_rate",
                       lambda n, f: "0.001" if f[1] == "62" else f[2])),
    scenario("base-net-migration-of-zeros-and-a-net-total",
             USER_BASE + "[international_migration]\nnet_total = 1000\n",
             base=edit("net_migration.csv", "international_net_migration", lambda n, f: "0")),
    scenario("base-net-migration-of-zeros-and-rogers-castro",
             USER_BASE + '[international_migration]\nnet_total = 1000\n'
                         'profile = "rogers-castro"\n',
             base=edit("net_migration.csv", "international_net_migration", lambda n, f: "0")),
    scenario("base-net-migration-of-1e300", USER_BASE,
             base=edit("net_migration.csv", "international_net_migration",
                       lambda n, f: "1e300" if n == 3 else f[5])),
    scenario("base-internal-rate-1e300", USER_BASE,
             base=edit("internal_migration_rate.csv", "internal_migration_rate",
                       lambda n, f: "1e300")),
    scenario("base-immigrant-profile-of-zeros", USER_BASE + "[international_migration]\n"
             "immigration = 1000\nemigration_rate = 0.01\n",
             base=edit("immigrant_profile.csv", "persons", lambda n, f: "0")),
    scenario("base-immigrant-profile-negative", USER_BASE,
             base=edit("immigrant_profile.csv", "persons", lambda n, f: "-5" if n == 2 else f[5])),
    scenario("base-immigrant-age-abc", USER_BASE,
             base=edit("immigrant_profile.csv", "age_start",
                       lambda n, f: "abc" if n == 2 else f[3])),
    scenario("base-region-without-fertility-and-regional-tfr",
             USER_BASE + '[fertility]\ntfr = { "Brussels-Capital Region" = 1.8, '
                         '"Flemish Region" = 1.7, "Walloon Region" = 1.9 }\n',
             base=edit("fertility_rate.csv", "fertility_rate",
                       lambda n, f: "0" if f[0].startswith("Bru") else f[2])),
    scenario("base-without-net-migration", USER_BASE, base=remove("net_migration.csv")),
    scenario("base-population-that-is-a-pipe", USER_BASE,
             base=lambda b: ((b / "population.csv").unlink(), os.mkfifo(b / "population.csv"))),
    scenario("base-year-is-text", USER_BASE, base=meta("year", '"2012"')),
    scenario("base-of-three-year-groups", USER_BASE, base=meta("first", "0\nwidth = 3")),
    scenario("grid-horizon-between-steps", HEAD + 'grid = "5x5"\n'),
    scenario("grid-open-age-between-groups", 'name = "t"\nbase = "belgium-2012"\nhorizon = 2022\n'
             'grid = "5x5"\nopen_age = 97\n'),
    scenario("base-region-twice", USER_BASE,
             base=meta("regions", '["Flemish Region", "Flemish Region", "Walloon Region"]')),
    scenario("base-csv-with-semicolons-and-a-bad-number", USER_BASE,
             base=lambda b: (b / "population.csv").write_text(
                 (b / "population.csv").read_text().replace(",", ";").replace(";8781", ";8x81"))),
    scenario("netcdf-base-that-is-text", 'name = "t"\nbase = "b.nc"\nhorizon = 2020\n',
             {"b.nc": b"region,sex,age,population\n"}),
    scenario("netcdf-base-that-is-empty", 'name = "t"\nbase = "b.nc"\nhorizon = 2020\n',
             {"b.nc": b""}),
    scenario("netcdf-base-truncated", 'name = "t"\nbase = "b.nc"\nhorizon = 2020\n',
             {"b.nc": netcdf_base(cut=5000)}),
    scenario("netcdf-base-with-a-text-population",
             'name = "t"\nbase = "b.nc"\nhorizon = 2020\n',
             {"b.nc": netcdf_base(change=text_population)}),
    scenario("netcdf-base-with-a-region-twice", 'name = "t"\nbase = "b.nc"\nhorizon = 2020\n',
             {"b.nc": netcdf_base(change=lambda d: d.assign_coords(
                 region=["Flemish Region", "Flemish Region", "Walloon Region"]))}),
    scenario("netcdf-base-with-a-nan", 'name = "t"\nbase = "b.nc"\nhorizon = 2020\n',
             {"b.nc": netcdf_base(change=lambda d: d.assign(
                 population=d.population.where(d.age != 7)))}),
    # arguments of 'projsim run'
    Case("seed-minus-1", ["run", "--draws", "64", "--seed", "-1"]),
    Case("seed-not-a-number", ["run", "--draws", "64", "--seed", "abc"]),
    Case("workers-minus-1", ["run", "--draws", "64", "--workers", "-1"]),
    Case("workers-0", ["run", "--draws", "64", "--workers", "0"]),
    Case("draws-0", ["run", "--draws", "0"]),
    Case("draws-minus-5", ["run", "--draws", "-5"]),
    Case("draws-1e9-without-yes", ["run", "--draws", "1000000000"]),
    Case("draws-of-a-five-year-scenario", ["run", "wpp2024-belgium-5x5", "--draws", "64"]),
    Case("chunk-0", ["run", "--draws", "64", "--chunk", "0"]),
    Case("chunk-not-a-multiple-of-64", ["run", "--draws", "100", "--chunk", "50"]),
    Case("keep-unknown", ["run", "--draws", "64", "--keep", "everything"]),
    Case("seed-without-draws", ["run", "--seed", "3"]),
    Case("keep-without-draws", ["run", "--keep", "draws"]),
    Case("chunk-without-draws", ["run", "--chunk", "128"]),
    Case("workers-without-draws", ["run", "--workers", "2"]),
    Case("noise-without-draws", ["run", "--demographic-noise"]),
    Case("no-noise-without-draws", ["run", "--no-demographic-noise"]),
    Case("quantiles-without-draws", ["run", "--quantiles", "exact"]),
    Case("yes-without-draws", ["run", "--yes"]),
    Case("draws-of-a-scenario-without-paths", ["run", "belgium-2012", "--draws", "64"]),
    Case("unknown-scenario", ["run", "fpb-2031"]),
    Case("scenario-that-is-missing", ["run", "nowhere.toml"]),
    Case("scenario-that-is-a-folder", ["run", "s.toml"], {"s.toml/x": ""}),
    Case("scenario-that-is-a-device", ["run", "/dev/null"]),
    Case("unknown-command", ["fly"]),
    Case("unknown-option", ["run", "--colour"]),
    # outputs, checked before anything is computed
    Case("output-over-the-scenario", ["run", "s.toml", "-o", "s.toml"], {"s.toml": HEAD}),
    Case("output-over-a-scenario-named-nc", ["run", "s.nc", "-o", "s.nc"], {"s.nc": HEAD}),
    Case("output-as-csv", ["run", "-o", "out.csv"]),
    Case("output-in-a-missing-folder", ["run", "-o", "missing/out.nc"]),
    Case("output-that-is-a-folder", ["run", "-o", "out.nc"], {"out.nc/x": ""}),
    Case("output-that-is-a-pipe", ["run", "-o", "out.nc"], {"out.nc": fifo}),
    Case("output-over-the-netcdf-base", ["run", "s.toml", "-o", "b.nc"],
         {"s.toml": 'name = "t"\nbase = "b.nc"\nhorizon = 2014\n', "b.nc": netcdf_base()}),
    Case("output-zarr-over-a-file", ["run", "-o", "out.zarr"], {"out.zarr": "text"}),
    Case("output-zarr-over-another-folder", ["run", "-o", "out.zarr"], {"out.zarr/x": ""}),
    Case("draws-output-over-the-scenario", ["run", "s.toml", "--draws", "64", "-o", "s.toml"],
         {"s.toml": HEAD}),
    # plot and report
    Case("plot-unknown-kind", ["plot", "r.nc", "--kind", "map", "-o", "f.png"],
         {"r.nc": small_result}),
    Case("plot-as-jpeg", ["plot", "r.nc", "-o", "f.jpg"], {"r.nc": small_result}),
    Case("plot-in-a-missing-folder", ["plot", "r.nc", "-o", "no/f.png"], {"r.nc": small_result}),
    Case("plot-year-outside", ["plot", "r.nc", "--year", "2070", "-o", "f.png"],
         {"r.nc": small_result}),
    Case("plot-year-not-a-year", ["plot", "r.nc", "--year", "20x0", "-o", "f.png"],
         {"r.nc": small_result}),
    Case("plot-fan-without-draws", ["plot", "r.nc", "--kind", "fan", "-o", "f.png"],
         {"r.nc": small_result}),
    Case("plot-unknown-region", ["plot", "r.nc", "--region", "Flanders", "-o", "f.png"],
         {"r.nc": small_result}),
    Case("plot-year-with-totals", ["plot", "r.nc", "--kind", "totals", "--year", "2013",
                                   "-o", "f.png"], {"r.nc": small_result}),
    Case("plot-two-scenarios-in-a-pyramid", ["plot", "r.nc", "--scenario", "a", "--scenario",
                                             "b", "-o", "f.png"], {"r.nc": small_result}),
    Case("plot-missing-file", ["plot", "missing.nc", "-o", "f.png"]),
    Case("plot-text-file", ["plot", "r.nc", "-o", "f.png"], {"r.nc": "not a netCDF file"}),
    Case("plot-empty-file", ["plot", "r.nc", "-o", "f.png"], {"r.nc": b""}),
    Case("plot-other-netcdf", ["plot", "r.nc", "-o", "f.png"], {"r.nc": other_netcdf}),
    Case("plot-a-pipe", ["plot", "r.nc", "-o", "f.png"], {"r.nc": fifo}),
    Case("plot-dev-zero", ["plot", "/dev/zero", "-o", "f.png"]),
    Case("plot-a-folder", ["plot", "r.nc", "-o", "f.png"], {"r.nc/x": ""}),
    Case("plot-over-its-result", ["plot", "r.png", "-o", "r.png"], {"r.png": small_result}),
    Case("plot-households-of-a-nationality", ["plot", "r.nc", "--kind", "households",
                                              "--nationality", "foreign", "-o", "f.png"],
         {"r.nc": small_result}),
    Case("plot-households-of-regions-the-model-lacks",
         ["plot", "r.nc", "--kind", "households", "-o", "f.png"],
         {"r.nc": result_of_other_regions}),
    Case("report-as-text", ["report", "r.nc", "-o", "r.txt"], {"r.nc": small_result}),
    Case("report-truncated", ["report", "r.nc", "-o", "r.html"],
         {"r.nc": lambda p: (small_result(p), p.write_bytes(p.read_bytes()[:3000]))}),
    Case("report-missing-file", ["report", "missing.nc", "-o", "r.html"]),
    Case("report-into-a-folder", ["report", "r.nc", "-o", "r.html"],
         {"r.nc": small_result, "r.html/x": ""}),
    Case("export-as-text", ["export", "r.nc", "-o", "r.txt"], {"r.nc": small_result}),
    Case("export-truncated", ["export", "r.nc", "-o", "r.csv"],
         {"r.nc": lambda p: (small_result(p), p.write_bytes(p.read_bytes()[:3000]))}),
    Case("export-missing-file", ["export", "missing.nc", "-o", "r.csv"]),
    Case("compare-unknown-scenario", ["compare", "fpb-2031", "fpb-2013"]),
    Case("compare-missing-result", ["compare", "missing.nc", "fpb-2013"]),
    Case("compare-table-as-text", ["compare", "fpb-2013", "low-migration", "-o", "t.txt"]),
    Case("validate-missing-file", ["validate", "nowhere.toml"]),
    Case("validate-a-device", ["validate", "/dev/zero"]),
]

assert len({case.name for case in CASES}) == len(CASES), "every case has a name of its own"
