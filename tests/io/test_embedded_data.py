"""The embedded Belgian data sets equal a rebuild and satisfy their identities.

``tools/build_belgium.py`` derives ``src/projsim/data/belgium_2012_regions`` (three
regions), ``belgium_2012`` (region x nationality) and
``belgium_1988`` from ``data-raw/belgium``. These tests rebuild into a
temporary directory and compare bytes, then check the shipped files: exact
published totals, complete age grids, signs, the internal-migration
normalisation, the residual migration identity recomputed here from the raw
copies, and the identities of the nationality base (per-state totals, shares
summing to 1, no naturalisation of Belgians, the parts of the net migration).
Only files inside the repository are read.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from projsim.engine import move_between

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW = REPO_ROOT / "data-raw" / "belgium"
STATBEL = "statbel_population_jan1_region_nationality_sex_1x1_2009_2013.csv"
SHIPPED = REPO_ROOT / "src" / "projsim" / "data"
DATA_SETS = ("belgium_2012_regions", "belgium_2012", "belgium_1988")
NATIONALITY = "belgium_2012"
REGIONS_2012 = ("Brussels-Capital Region", "Flemish Region", "Walloon Region")
NATIONALITIES = ("Belgian", "foreign")
SEXES = ("female", "male")
AGES = range(111)


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_belgium", REPO_ROOT / "tools" / "build_belgium.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return load_build_script()


@pytest.fixture(scope="module")
def rebuilt(build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("embedded")
    assert build.main(["--out", str(out)]) == 0
    return out


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def shipped(data_set: str, name: str) -> list[dict[str, str]]:
    return read_rows(SHIPPED / data_set / name)


def by_cell(rows, column, keys=("region", "sex", "age")) -> dict[tuple, float]:
    return {tuple(row[k] for k in keys): float(row[column]) for row in rows}


def raw_table(name, value, keys, select=lambda row: True) -> dict[tuple, float]:
    return {tuple(row[k] for k in keys): float(row[value]) for row in read_rows(RAW / name) if select(row)}


@pytest.mark.parametrize("data_set", DATA_SETS)
def test_shipped_files_equal_a_rebuild(rebuilt, data_set):
    expected = sorted(p.name for p in (rebuilt / data_set).iterdir())
    assert sorted(p.name for p in (SHIPPED / data_set).iterdir()) == expected
    for name in expected:
        assert (SHIPPED / data_set / name).read_bytes() == (rebuilt / data_set / name).read_bytes(), name


def test_population_2012_has_the_published_totals():
    population = by_cell(shipped("belgium_2012_regions", "population.csv"), "population")
    assert all(value == int(value) >= 0 for value in population.values())
    assert sum(population.values()) == 11_035_948
    by_region = defaultdict(float)
    for (region, _, _), value in population.items():
        by_region[region] += value
    assert by_region == {"Brussels-Capital Region": 1_138_854, "Flemish Region": 6_350_765, "Walloon Region": 3_546_329}


@pytest.mark.parametrize(
    ("data_set", "regions", "files"),
    [
        (
            "belgium_2012_regions",
            REGIONS_2012,
            ("population.csv", "mortality_rate.csv", "net_migration.csv", "internal_migration_rate.csv"),
        ),
        ("belgium_1988", ("Belgium",), ("population.csv", "mortality_rate.csv", "net_migration.csv")),
    ],
)
def test_every_region_sex_and_age_appears_once_in_order(data_set, regions, files):
    expected = [(region, sex, str(age)) for region in regions for sex in SEXES for age in AGES]
    for name in files:
        rows = shipped(data_set, name)
        assert [(row["region"], row["sex"], row["age"]) for row in rows] == expected, name
    fertility = shipped(data_set, "fertility_rate.csv")
    assert [(row["region"], row["age"]) for row in fertility] == [(r, str(a)) for r in regions for a in AGES]


@pytest.mark.parametrize("data_set", ("belgium_2012_regions", "belgium_1988"))
def test_values_are_finite_and_signed_as_allowed(data_set):
    checks = {
        "population.csv": ("population", lambda v: v >= 0),
        "mortality_rate.csv": ("mortality_rate", lambda v: v > 0),
        "fertility_rate.csv": ("fertility_rate", lambda v: v >= 0),
    }
    if data_set == "belgium_2012_regions":
        checks["internal_migration_rate.csv"] = ("internal_migration_rate", lambda v: v >= 0)
        checks["internal_destination.csv"] = ("share", lambda v: 0 <= v <= 1)
        checks["immigrant_profile.csv"] = ("persons", lambda v: v >= 0)
    for name, (column, allowed) in checks.items():
        values = np.array([float(row[column]) for row in shipped(data_set, name)])
        assert np.all(np.isfinite(values)), name
        assert all(allowed(v) for v in values), name
    net_columns = (
        ("net_migration_total", "internal_net_migration", "international_net_migration")
        if data_set == "belgium_2012_regions"
        else ("net_migration",)
    )
    net = shipped(data_set, "net_migration.csv")
    assert all(np.isfinite(float(row[c])) for row in net for c in net_columns)


def test_fertility_is_zero_outside_the_hfc_ages():
    for data_set in DATA_SETS:
        for row in shipped(data_set, "fertility_rate.csv"):
            if not 12 <= int(row["age"]) <= 55:
                assert float(row["fertility_rate"]) == 0.0


def test_destination_shares_sum_to_one_with_zero_diagonal():
    shares = by_cell(shipped("belgium_2012_regions", "internal_destination.csv"), "share", ("origin", "destination"))
    assert set(shares) == {(o, d) for o in REGIONS_2012 for d in REGIONS_2012}
    for origin in REGIONS_2012:
        assert shares[(origin, origin)] == 0.0
        assert sum(shares[(origin, d)] for d in REGIONS_2012) == pytest.approx(1.0, abs=1e-9)


def test_internal_rates_reproduce_the_scaled_out_flows():
    figures = read_rows(RAW / "migration_interregional_text_figures.csv")
    flow = {
        (row["origin"], row["destination"]): float(row["value"])
        for row in figures
        if row["period"] == "2019" and row["measure"] == "gross_flow"
    }
    brussels = "Brussels-Capital Region"
    out_2019 = {o: sum(flow[(o, d)] for d in REGIONS_2012 if d != o) for o in REGIONS_2012}
    in_brussels = sum(flow[(o, brussels)] for o in REGIONS_2012 if o != brussels)
    assert out_2019[brussels] - in_brussels == 15_722
    scale = 13_714 / 15_722

    rate = by_cell(shipped("belgium_2012_regions", "internal_migration_rate.csv"), "internal_migration_rate")
    population = by_cell(shipped("belgium_2012_regions", "population.csv"), "population")
    shares = by_cell(shipped("belgium_2012_regions", "internal_destination.csv"), "share", ("origin", "destination"))
    cells = [(o, s, str(a)) for o in REGIONS_2012 for s in SEXES for a in AGES]
    shape = (1, len(REGIONS_2012), len(SEXES), len(AGES))
    # The kernel moves P (1 - exp(-rate)) out of the population at the end of
    # the step, by age at the end; 1 January 2012 is the at-risk proxy.
    moved_in, moved_out = move_between(
        np.array([population[c] for c in cells]).reshape(shape),
        np.array([rate[c] for c in cells]).reshape(shape),
        np.array([[[shares[(o, d)] for d in REGIONS_2012] for o in REGIONS_2012]]),
        1,
    )
    meta = tomllib.loads((SHIPPED / "belgium_2012_regions" / "meta.toml").read_text(encoding="utf-8"))
    for i, origin in enumerate(REGIONS_2012):
        assert moved_out[0, i].sum() == pytest.approx(scale * out_2019[origin], rel=1e-8)
        assert meta["internal_migration"]["out_flow_total"][origin] == pytest.approx(scale * out_2019[origin], rel=1e-9)
    assert (moved_in - moved_out)[0, 0].sum() == pytest.approx(-13_714, rel=1e-8)


def test_internal_and_international_add_up_to_the_residual_and_internal_cancels():
    rows = shipped("belgium_2012_regions", "net_migration.csv")
    for row in rows:
        total = float(row["net_migration_total"])
        parts = float(row["internal_net_migration"]) + float(row["international_net_migration"])
        assert parts == pytest.approx(total, rel=1e-9, abs=1e-6)
    for sex in SEXES:
        for age in AGES:
            cancel = sum(
                float(r["internal_net_migration"]) for r in rows if r["sex"] == sex and r["age"] == str(age)
            )
            assert cancel == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("region", "sex", "end_age"),
    [("Flemish Region", "F", 30), ("Brussels-Capital Region", "M", 1), ("Walloon Region", "F", 65)],
)
def test_residual_identity_at_single_cells(region, sex, end_age):
    """N(x+1) = mean over t of P(t+1, x+1) - P(t, x) (1 - q(t, x)), from the raw copies."""
    statbel = raw_table(STATBEL, "population", ("year", "region", "nationality", "sex", "age"))
    register_q = raw_table(
        "larray_qx_region_nationality_1x1_2009_2012.csv", "qx", ("year", "region", "nationality", "sex", "age")
    )
    start_age = str(end_age - 1)
    residuals = []
    for year in (2009, 2010, 2011):
        keys = [(str(year), region, n, sex, start_age) for n in NATIONALITIES]
        start = sum(statbel[k] for k in keys)
        survivors = sum(statbel[k] * (1 - register_q[k]) for k in keys)
        end = sum(statbel[(str(year + 1), region, n, sex, str(end_age))] for n in NATIONALITIES)
        residuals.append(end - survivors)
        assert start > 0
    label = {"F": "female", "M": "male"}[sex]
    net = by_cell(shipped("belgium_2012_regions", "net_migration.csv"), "net_migration_total")
    assert net[(region, label, str(end_age))] == pytest.approx(np.mean(residuals), rel=1e-9)


@pytest.mark.parametrize(("sex", "end_age"), [("F", 31), ("M", 0), ("M", 75)])
def test_residual_identity_1987_at_single_cells(sex, end_age):
    """N(x+1) = P(1988, x+1) - P(1987, x) + cohort deaths (HMD Lexis triangles)."""
    population = raw_table(
        "hmd_population_jan1_1x1_1987_1988.csv", "population", ("year", "sex", "age")
    )
    lexis = raw_table(
        "hmd_deaths_lexis_1987_2009_2012.csv", "deaths", ("age", "cohort", "sex"), select=lambda r: r["year"] == "1987"
    )
    end = population[("1988", sex, str(end_age))]
    if end_age == 0:
        births = raw_table("hmd_births.csv", "births", ("year", "sex"))[("1987", sex)]
        expected = end - (births - lexis[("0", "1987", sex)])
    else:
        cohort = str(1987 - end_age)
        deaths = lexis[(str(end_age - 1), cohort, sex)] + lexis[(str(end_age), cohort, sex)]
        expected = end - population[("1987", sex, str(end_age - 1))] + deaths
    net = by_cell(shipped("belgium_1988", "net_migration.csv"), "net_migration")
    label = {"F": "female", "M": "male"}[sex]
    assert net[("Belgium", label, str(end_age))] == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_national_fertility_gives_the_hmd_2011_births():
    by_nationality = raw_table(
        STATBEL, "population", ("year", "region", "nationality", "sex", "age"), select=lambda r: r["sex"] == "F"
    )
    statbel = defaultdict(float)
    for (year, region, _, sex, age), value in by_nationality.items():
        statbel[(year, region, sex, age)] += value
    fertility = by_cell(shipped("belgium_2012_regions", "fertility_rate.csv"), "fertility_rate", ("region", "age"))
    births = sum(
        fertility[(region, str(age))]
        * 0.5 * (statbel[("2011", region, "F", str(age))] + statbel[("2012", region, "F", str(age))])
        for region in REGIONS_2012
        for age in range(12, 56)
    )
    assert births == pytest.approx(128_705, rel=1e-8)


def test_meta_names_the_ages_and_the_sex_ratios():
    for data_set, regions, male, female in (
        ("belgium_2012_regions", list(REGIONS_2012), 65_891, 62_814),
        (NATIONALITY, list(REGIONS_2012), 65_891, 62_814),
        ("belgium_1988", ["Belgium"], 60_390, 56_964),
    ):
        meta = tomllib.loads((SHIPPED / data_set / "meta.toml").read_text(encoding="utf-8"))
        assert meta["regions"] == regions
        assert meta["sexes"] == list(SEXES)
        assert meta["ages"] == {"first": 0, "last": 110, "open_age": 110}
        assert meta["base_date"] == f"{meta['year']}-01-01"
        assert meta["net_migration_column"] in shipped(data_set, "net_migration.csv")[0]
        assert meta["sex_ratio_at_birth"] == pytest.approx(male / female, rel=1e-9)
        assert set(meta["files"].values()) <= {p.name for p in (SHIPPED / data_set).iterdir()}
        assert set(meta["method"]) >= set(meta["files"]) - {"net_migration"}


def test_a_statbel_copy_with_a_wrong_2012_total_stops_the_build(build, tmp_path, monkeypatch):
    raw = tmp_path / "belgium"
    shutil.copytree(RAW, raw)
    lines = (raw / STATBEL).read_text(encoding="utf-8").splitlines(keepends=True)
    target = "2012,Brussels-Capital Region,foreign,F,30,False,"
    (index,) = [i for i, line in enumerate(lines) if line.startswith(target)]
    lines[index] = target + str(int(lines[index].rsplit(",", 1)[1]) + 1) + "\n"
    (raw / STATBEL).write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(build.buildlib, "RAW_DIR", raw)
    with pytest.raises(build.BuildError) as error:
        build.read_stocks()
    assert str(error.value) == "2012 population: total 11035949, expected 11035948"


def test_an_out_migration_probability_of_one_or_more_stops_the_build(build, monkeypatch):
    census_shape = build.census_internal_rate_shape

    def only_the_oldest_move():
        rate, groups = census_shape()
        concentrated = np.zeros_like(rate)
        concentrated[:, -1] = 1.0
        return concentrated, groups

    monkeypatch.setattr(build, "census_internal_rate_shape", only_the_oldest_move)
    population = build.read_stocks().regional(2012)
    with pytest.raises(build.BuildError) as error:
        build.internal_migration(population)
    assert str(error.value) == (
        "internal migration: the out-migration probability of Brussels-Capital Region, female, age 100 is "
        "139.0572, expected below 1; the scaled out-flow of Brussels-Capital Region (35,599) is too large for the "
        "census age-sex shape on its 1 January 2012 population: check the interregional figures and the census "
        "2011 copy in data-raw/belgium"
    )


# --------------------------------------------------------------------------
# belgium_2012

CELL = ("region", "nationality", "sex", "age")


def nationality_cells(name, column):
    return by_cell(shipped(NATIONALITY, name), column, CELL)


@pytest.mark.parametrize(
    "name",
    ["population.csv", "mortality_rate.csv", "immigration.csv", "emigration_rate.csv", "naturalisation_rate.csv",
     "internal_migration_rate.csv", "net_migration.csv"],
)
def test_nationality_files_have_every_cell_once_in_order(name):
    expected = [(r, n, s, str(a)) for r in REGIONS_2012 for n in NATIONALITIES for s in SEXES for a in AGES]
    assert [tuple(row[k] for k in CELL) for row in shipped(NATIONALITY, name)] == expected


def test_nationality_population_has_the_published_totals_and_adds_up_to_the_regional_base():
    population = nationality_cells("population.csv", "population")
    assert all(value == int(value) >= 0 for value in population.values())
    assert sum(population.values()) == 11_035_948
    assert sum(v for (_, n, _, _), v in population.items() if n == "foreign") == 1_169_064
    regional = by_cell(shipped("belgium_2012_regions", "population.csv"), "population")
    summed = defaultdict(float)
    for (r, _, s, a), value in population.items():
        summed[(r, s, a)] += value
    assert summed == regional


def test_nationality_rates_are_finite_and_signed_as_allowed():
    for name, column, allowed in (
        ("mortality_rate.csv", "mortality_rate", lambda v: v > 0),
        ("immigration.csv", "immigration", lambda v: v >= 0),
        ("emigration_rate.csv", "emigration_rate", lambda v: v >= 0),
        ("naturalisation_rate.csv", "naturalisation_rate", lambda v: v >= 0),
        ("internal_migration_rate.csv", "internal_migration_rate", lambda v: v >= 0),
    ):
        values = np.array(list(nationality_cells(name, column).values()))
        assert np.all(np.isfinite(values)), name
        assert all(allowed(v) for v in values), name
    fertility = shipped(NATIONALITY, "fertility_rate.csv")
    assert [(r["region"], r["nationality"], r["age"]) for r in fertility] == [
        (r, n, str(a)) for r in REGIONS_2012 for n in NATIONALITIES for a in AGES
    ]
    assert all(float(r["fertility_rate"]) >= 0 for r in fertility)


def test_belgians_are_never_naturalised_and_foreigners_are():
    rate = nationality_cells("naturalisation_rate.csv", "naturalisation_rate")
    assert all(v == 0.0 for (_, n, _, _), v in rate.items() if n == "Belgian")
    for region in REGIONS_2012:
        assert max(v for (r, n, _, _), v in rate.items() if r == region and n == "foreign") > 0


def test_birth_nationality_shares_sum_to_one_and_belgian_mothers_have_belgian_children():
    shares = by_cell(shipped(NATIONALITY, "birth_nationality.csv"), "share",
                     ("region", "mother_nationality", "child_nationality"))
    assert set(shares) == {(r, m, c) for r in REGIONS_2012 for m in NATIONALITIES for c in NATIONALITIES}
    for region in REGIONS_2012:
        assert shares[(region, "Belgian", "Belgian")] == 1.0
        assert shares[(region, "Belgian", "foreign")] == 0.0
        assert 0 < shares[(region, "foreign", "Belgian")] < 1
        for mother in NATIONALITIES:
            assert sum(shares[(region, mother, c)] for c in NATIONALITIES) == pytest.approx(1.0, abs=1e-9)


def test_internal_destinations_sum_to_one_with_zero_diagonal_for_each_nationality():
    shares = by_cell(shipped(NATIONALITY, "internal_migration_destination.csv"), "share",
                     ("nationality", "origin", "destination"))
    assert set(shares) == {(n, o, d) for n in NATIONALITIES for o in REGIONS_2012 for d in REGIONS_2012}
    for n in NATIONALITIES:
        for origin in REGIONS_2012:
            assert shares[(n, origin, origin)] == 0.0
            assert sum(shares[(n, origin, d)] for d in REGIONS_2012) == pytest.approx(1.0, abs=1e-9)


def test_immigration_has_eurostat_2012_levels():
    immigration = nationality_cells("immigration.csv", "immigration")
    assert sum(immigration.values()) == pytest.approx(129_477, abs=1e-4)
    assert sum(v for (_, n, _, _), v in immigration.items() if n == "Belgian") == pytest.approx(13_422, abs=1e-4)


def test_net_migration_parts_add_up_and_cancel_where_they_should():
    rows = shipped(NATIONALITY, "net_migration.csv")
    internal, naturalisation = defaultdict(float), defaultdict(float)
    for row in rows:
        parts = sum(float(row[c]) for c in ("internal_net_migration", "naturalisation_net", "international_net_migration"))
        assert parts == pytest.approx(float(row["net_migration_total"]), rel=1e-9, abs=1e-6)
        internal[(row["nationality"], row["sex"], row["age"])] += float(row["internal_net_migration"])
        naturalisation[(row["region"], row["sex"], row["age"])] += float(row["naturalisation_net"])
        if row["nationality"] == "Belgian":
            assert float(row["naturalisation_net"]) >= 0
    assert max(abs(v) for v in internal.values()) < 1e-6
    assert max(abs(v) for v in naturalisation.values()) < 1e-6


def test_nationality_fertility_keeps_each_regions_2011_births():
    """Sum over nationality of f(r, n, x) W(r, n, x) = f(r, x) W(r, x), W the mean of 1 Jan 2011 and 2012."""
    women = raw_table(STATBEL, "population", ("year", "region", "nationality", "sex", "age"),
                      select=lambda r: r["sex"] == "F" and r["year"] in ("2011", "2012"))
    split = by_cell(shipped(NATIONALITY, "fertility_rate.csv"), "fertility_rate", ("region", "nationality", "age"))
    regional = by_cell(shipped("belgium_2012_regions", "fertility_rate.csv"), "fertility_rate", ("region", "age"))
    for region in REGIONS_2012:
        def exposure(n, a):
            return 0.5 * sum(women[(y, region, n, "F", str(a))] for y in ("2011", "2012"))

        by_nationality = sum(split[(region, n, str(a))] * exposure(n, a) for n in NATIONALITIES for a in range(12, 56))
        together = sum(regional[(region, str(a))] * sum(exposure(n, a) for n in NATIONALITIES) for a in range(12, 56))
        assert by_nationality == pytest.approx(together, rel=1e-9)
        foreign = [split[(region, "foreign", str(a))] / split[(region, "Belgian", str(a))] for a in range(15, 50)]
        assert foreign == pytest.approx([2.52 / 1.74] * len(foreign), rel=1e-9)


def test_nationality_meta_declares_the_states_and_every_file():
    meta = tomllib.loads((SHIPPED / NATIONALITY / "meta.toml").read_text(encoding="utf-8"))
    assert meta["states"] == {"region": list(REGIONS_2012), "nationality": list(NATIONALITIES)}
    files = {p.name for p in (SHIPPED / NATIONALITY).iterdir()} - {"meta.toml", "README.md"}
    assert set(meta["files"].values()) == files
    assert set(meta["method"]) >= set(meta["files"]) - {"net_migration"}
    assert set(meta["units"]) >= set(meta["files"])


def test_both_2012_bases_are_listed():
    from projsim.io import list_bases

    assert {"belgium-2012", "belgium-2012-regions", "belgium-1988"} <= set(list_bases())
