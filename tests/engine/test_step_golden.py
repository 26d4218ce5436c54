"""The kernel against the UN Population Division's CCMPP golden cases.

Every case in ``tests/data/ccmpp`` (see its README) is projected with
``safeguard="ccmpp"``, the timing of the case or of the output folder, and a
step as long as the case's ``time_span``. Each output cell must match the UN's
value to a relative error of 1e-9, with ``max(|expected|, 1)`` as the
denominator so that cells of a few persons or less (the UN's 1e-5 override
and 0.0005 floor) are compared in absolute terms. The README's independent
numpy reproduction reaches about 1e-15; the tolerance leaves room for a
different order of floating-point operations, not for a different algebra.
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
import pytest
from ccmpp_cases import (
    CASES_DIR,
    OUTPUT_FOLDERS,
    Case,
    Outputs,
    load_case,
    load_outputs,
)

from projsim.engine import CCMPP_FLOOR, Projection, project

RELATIVE_TOLERANCE = 1e-9

#: Output folders computed with another timing than the case's inputs say.
FOLDER_TIMING = {
    "outputs_un_code_mig_even": "even",
    "outputs_un_code_mig_end": "end",
    "outputs_variant_mig_even": "even",
}

UNROUNDED = [
    (case, folder)
    for case, folders in OUTPUT_FOLDERS.items()
    for folder in folders
    if folder != "outputs_preston_rounded"
]

#: Overridden migration cells and floored population cells stated in the README.
KUWAIT_SAFEGUARDS = {"outputs": (80, 12), "outputs_variant_mig_even": (68, 4)}


@cache
def golden(case_name: str, folder: str) -> tuple[Case, Outputs, Projection]:
    """The case, its expected outputs and the kernel's projection (computed once)."""
    case = load_case(case_name)
    outputs = load_outputs(case, folder)
    timing = FOLDER_TIMING.get(folder, case.timing)
    projection = project(
        case.population, case.rates, safeguard="ccmpp", timing=timing, width=case.width
    )
    return case, outputs, projection


def relative_error(actual, expected):
    """Largest ``|actual - expected| / max(|expected|, 1)`` over all cells."""
    assert actual.shape == expected.shape
    return float(np.max(np.abs(actual - expected) / np.maximum(np.abs(expected), 1.0)))


def projected_population(case, outputs, projection):
    """The kernel's population at the dates of the expected population rows."""
    dates = [(year - case.start_year) // case.width for year in outputs.population_years]
    return projection.population[dates][:, 0, 0]


def applied_migration(case, projection):
    """Net migrants applied by the kernel, by age at migration [persons per step]."""
    return (case.rates.net_migration + projection.flows.migration_adjustment)[:, 0, 0]


def test_data_match_the_manifest():
    """Every CSV is the file the README describes, byte for byte."""
    listed = {}
    for line in (CASES_DIR / "MANIFEST.sha256").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    present = {path.relative_to(CASES_DIR).as_posix() for path in CASES_DIR.rglob("*.csv")}
    assert present == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((CASES_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(("case_name", "folder"), UNROUNDED)
def test_population_matches(case_name, folder):
    case, outputs, projection = golden(case_name, folder)
    actual = projected_population(case, outputs, projection)
    assert relative_error(actual, outputs.population) < RELATIVE_TOLERANCE


@pytest.mark.parametrize(("case_name", "folder"), UNROUNDED)
def test_births_by_age_of_mother_match(case_name, folder):
    _, outputs, projection = golden(case_name, folder)
    actual = projection.flows.births_by_age[:, 0, 0]
    assert relative_error(actual, outputs.births_by_age) < RELATIVE_TOLERANCE


@pytest.mark.parametrize(("case_name", "folder"), UNROUNDED)
def test_births_by_sex_match(case_name, folder):
    _, outputs, projection = golden(case_name, folder)
    assert relative_error(projection.flows.births[:, 0, 0], outputs.births) < RELATIVE_TOLERANCE


@pytest.mark.parametrize(("case_name", "folder"), UNROUNDED)
def test_cohort_deaths_match(case_name, folder):
    _, outputs, projection = golden(case_name, folder)
    assert relative_error(projection.flows.deaths[:, 0, 0], outputs.deaths) < RELATIVE_TOLERANCE


@pytest.mark.parametrize(
    ("case_name", "folder"), [(c, f) for c, f in UNROUNDED if not c.startswith("sweden")]
)
def test_applied_migration_matches(case_name, folder):
    case, outputs, projection = golden(case_name, folder)
    actual = applied_migration(case, projection)
    assert relative_error(actual, outputs.net_migration) < RELATIVE_TOLERANCE


def test_sweden_rounds_to_preston_box_6_2():
    """Preston, Heuveline & Guillot (2001), Box 6.2, as the UN's own test checks it."""
    case, outputs, projection = golden("sweden_1993_preston_5x5", "outputs_preston_rounded")
    population = projected_population(case, outputs, projection)
    np.testing.assert_array_equal(np.round(population), outputs.population)
    births = projection.flows.births_by_age[:, 0, 0]
    np.testing.assert_array_equal(np.round(births), outputs.births_by_age)


@pytest.mark.parametrize("folder", sorted(KUWAIT_SAFEGUARDS))
def test_kuwait_overrides_and_floors_where_the_un_applied_them(folder):
    case, outputs, projection = golden("kuwait_1x1_1950_2020", folder)
    overrides, floors = KUWAIT_SAFEGUARDS[folder]
    adjusted = projection.flows.migration_adjustment[:, 0, 0] != 0
    overridden_by_un = outputs.net_migration != case.rates.net_migration[:, 0, 0]
    assert adjusted.sum() == overridden_by_un.sum() == overrides
    np.testing.assert_array_equal(adjusted, overridden_by_un)

    floored = projection.flows.population_floor[:, 0, 0] != 0
    floored_by_un = outputs.population[1:] == CCMPP_FLOOR
    assert floored.sum() == floored_by_un.sum() == floors
    np.testing.assert_array_equal(floored, floored_by_un)


@pytest.mark.parametrize("case_name", ["canada_1x1_1950_2020", "mexico_1x1_1950_2020"])
def test_no_safeguard_fires_where_the_un_applied_none(case_name):
    _, _, projection = golden(case_name, "outputs")
    assert not projection.flows.migration_adjustment.any()
    assert not projection.flows.population_floor.any()


def largest_population_error(case_name, folder, **options):
    """Largest absolute population error against a folder with other options."""
    case, outputs, _ = golden(case_name, folder)
    settings = {"safeguard": "ccmpp", "timing": FOLDER_TIMING.get(folder, case.timing)}
    settings.update(options)
    projection = project(case.population, case.rates, width=case.width, **settings)
    actual = projected_population(case, outputs, projection)
    return float(np.max(np.abs(actual - outputs.population)))


@pytest.mark.parametrize(
    ("case_name", "folder", "options", "at_least"),
    [
        pytest.param("kuwait_1x1_1950_2020", "outputs", {"safeguard": "reduce"}, 100.0,
                     id="kuwait-reduce-instead-of-ccmpp"),
        pytest.param("kuwait_1x1_1950_2020", "outputs_variant_mig_even",
                     {"safeguard": "reduce"}, 100.0, id="kuwait-even-reduce-instead-of-ccmpp"),
        pytest.param("canada_1x1_1950_2020", "outputs", {"timing": "even"}, 1000.0,
                     id="canada-even-instead-of-end"),
        pytest.param("kuwait_1x1_1950_2020", "outputs", {"timing": "even"}, 1000.0,
                     id="kuwait-even-instead-of-end"),
        pytest.param("sweden_1993_preston_5x5", "outputs_un_code_mig_even", {"timing": "end"},
                     1000.0, id="sweden-end-instead-of-even"),
    ],
)
def test_golden_cases_catch_deviations(case_name, folder, options, at_least):
    """A plausible deviation from the UN algebra misses the outputs by far more
    than the tolerance, so the tests above can fail."""
    assert largest_population_error(case_name, folder, **options) > at_least


def test_sweden_with_end_timing_misses_preston():
    case, outputs, _ = golden("sweden_1993_preston_5x5", "outputs_preston_rounded")
    projection = project(
        case.population, case.rates, safeguard="ccmpp", timing="end", width=case.width
    )
    population = projected_population(case, outputs, projection)
    assert np.any(np.round(population) != outputs.population)
