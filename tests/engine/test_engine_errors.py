"""The kernel's input errors, compared as exact text.

Each test builds a small valid input, breaks one thing and checks the whole
message: where the value came from, what was received, what was expected and
how to fix it (see :class:`projsim.errors.InputError`).
"""

from __future__ import annotations

import numpy as np
import pytest

from projsim.engine import Rates, project
from projsim.errors import InputError

AGES = 3


def valid_rates(**changes) -> Rates:
    """One-step rates for one batch entry, one state and three age groups."""
    rates = Rates(
        survival=np.full((1, 1, 1, 2, AGES), 0.9),
        fertility_rate=np.array([0.0, 0.5, 0.0]).reshape(1, 1, 1, AGES),
        sex_ratio_at_birth=np.full((1, 1, 1), 1.05),
    )
    return rates._replace(**changes)


def valid_population(states=1) -> np.ndarray:
    return np.ones((1, states, 2, AGES))


def move_inputs(destination):
    """Inputs of one move between two states with the given 2 x 2 shares."""
    return {
        "move_rate": np.full((1, 1, 1, 1, 2, AGES), 0.1),
        "move_destination": np.array(destination, dtype=float).reshape(1, 1, 1, 2, 2),
    }


def message(population, rates, **options) -> str:
    with pytest.raises(InputError) as excinfo:
        project(population, rates, **options)
    return str(excinfo.value)


RESHAPE = "Fix: reshape the population to the kernel's axes."
AXES_DOC = (
    "Fix: give one value per step, batch, state, sex and age group as documented "
    "in projsim.engine.Rates."
)
SURVIVAL_FIX = (
    "Fix: pass survival ratios between 0 and 1, for example from "
    "projsim.demography.survival_ratios."
)


def test_population_without_a_state_axis():
    assert message(np.ones((1, 2, AGES)), valid_rates()) == (
        "argument 'population': got shape (1, 2, 3); expected (batch, state, sex, age) "
        f"with 2 sexes and at least 2 age groups. {RESHAPE}"
    )


def test_population_with_three_sexes():
    assert message(np.ones((1, 1, 3, AGES)), valid_rates()) == (
        "argument 'population': got shape (1, 1, 3, 3); expected (batch, state, sex, age) "
        f"with 2 sexes and at least 2 age groups. {RESHAPE}"
    )


def test_population_with_a_single_age_group():
    rates = valid_rates(
        survival=np.full((1, 1, 1, 2, 1), 0.9),
        fertility_rate=np.zeros((1, 1, 1, 1)),
    )
    assert message(np.ones((1, 1, 2, 1)), rates) == (
        "argument 'population': got shape (1, 1, 2, 1); expected (batch, state, sex, age) "
        f"with 2 sexes and at least 2 age groups. {RESHAPE}"
    )


def test_negative_population():
    population = valid_population()
    population[0, 0, 1, 2] = -1.0
    assert message(population, valid_rates()) == (
        "argument 'population': got -1.0 at index (0, 0, 1, 2); expected finite values "
        ">= 0.0. Fix: remove negative or missing counts."
    )


def test_missing_population():
    population = valid_population()
    population[0, 0, 0, 1] = np.nan
    assert message(population, valid_rates()) == (
        "argument 'population': got nan at index (0, 0, 0, 1); expected finite values "
        ">= 0.0. Fix: remove negative or missing counts."
    )


@pytest.mark.parametrize(
    ("name", "shape", "index", "expected"),
    [
        ("survival", (1, 1, 1, 2, AGES), (0, 0, 0, 1, 1),
         f"expected finite values in [0.0, 1.0]. {SURVIVAL_FIX}"),
        ("fertility_rate", (1, 1, 1, AGES), (0, 0, 0, 2),
         "expected finite values >= 0.0. "
         "Fix: give births per woman per year, not negative."),
        ("sex_ratio_at_birth", (1, 1, 1), (0, 0, 0),
         "expected finite values in [0.001, 1000.0]. "
         "Fix: give male births per female birth, about 1.05."),
        ("net_migration", (1, 1, 1, 2, AGES), (0, 0, 0, 0, 2),
         "expected finite values. Fix: give finite counts."),
        ("immigration", (1, 1, 1, 2, AGES), (0, 0, 0, 1, 0),
         "expected finite values >= 0.0. "
         "Fix: give immigrant counts, not negative."),
        ("emigration_rate", (1, 1, 1, 2, AGES), (0, 0, 0, 0, 1),
         "expected finite values >= 0.0. "
         "Fix: give rates per person-year, not negative."),
    ],
)
def test_nan_in_a_rate(name, shape, index, expected):
    array = np.full(shape, 0.5)
    if name == "fertility_rate":
        array[..., 0] = 0.0
    array[index] = np.nan
    rates = valid_rates(**{name: array})
    assert message(valid_population(), rates) == (
        f"argument '{name}': got nan at index {index}; {expected}"
    )


@pytest.mark.parametrize("name", ["move_rate", "move_destination"])
def test_nan_in_a_move(name):
    inputs = move_inputs([[0.0, 1.0], [1.0, 0.0]])
    inputs[name][(0,) * inputs[name].ndim] = np.nan
    expected = {
        "move_rate": "expected finite values >= 0.0. "
                     "Fix: give rates per person-year, not negative.",
        "move_destination": "expected finite values in [0.0, 1.0]. "
                            "Fix: give shares between 0 and 1.",
    }[name]
    index = (0,) * inputs[name].ndim
    assert message(valid_population(states=2), valid_rates(**inputs)) == (
        f"argument '{name}': got nan at index {index}; {expected}"
    )


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_survival_outside_zero_one(value):
    survival = np.full((1, 1, 1, 2, AGES), 0.9)
    survival[0, 0, 0, 0, 2] = value
    assert message(valid_population(), valid_rates(survival=survival)) == (
        f"argument 'survival': got {value} at index (0, 0, 0, 0, 2); expected finite values "
        f"in [0.0, 1.0]. {SURVIVAL_FIX}"
    )


def test_fertility_in_age_group_zero():
    fertility = np.array([0.1, 0.5, 0.1]).reshape(1, 1, 1, AGES)
    assert message(valid_population(), valid_rates(fertility_rate=fertility)) == (
        "argument 'fertility_rate': got 0.1 at index (0, 0, 0, 0); expected 0 in age group 0 "
        "and in the open age group. Fix: set fertility to 0 outside the childbearing ages."
    )


def test_survival_with_more_age_groups_than_the_population():
    rates = valid_rates(survival=np.full((1, 1, 1, 2, AGES + 1), 0.9))
    assert message(valid_population(), rates) == (
        "argument 'survival': got shape (1, 1, 1, 2, 4); expected (time, 1, 1, 2, 3) with 1 "
        f"allowed on any axis. {AXES_DOC}"
    )


def test_fertility_in_the_open_age_group():
    fertility = np.array([0.0, 0.5, 0.2]).reshape(1, 1, 1, AGES)
    assert message(valid_population(), valid_rates(fertility_rate=fertility)) == (
        "argument 'fertility_rate': got 0.2 at index (0, 0, 0, 2); expected 0 in age group 0 "
        "and in the open age group. Fix: set fertility to 0 outside the childbearing ages."
    )


def test_fertility_with_fewer_age_groups_than_the_population():
    rates = valid_rates(fertility_rate=np.zeros((1, 1, 1, AGES - 1)))
    assert message(valid_population(), rates) == (
        "argument 'fertility_rate': got shape (1, 1, 1, 2); expected (time, 1, 1, 3) with 1 "
        f"allowed on any axis. {AXES_DOC}"
    )


def test_survival_without_a_time_axis():
    rates = valid_rates(survival=np.full((1, 1, 2, AGES), 0.9))
    assert message(valid_population(), rates) == (
        "argument 'survival': got shape (1, 1, 2, 3); expected (time, 1, 1, 2, 3) with 1 "
        f"allowed on any axis. {AXES_DOC}"
    )


def test_time_axis_shorter_than_the_steps():
    rates = valid_rates(survival=np.full((2, 1, 1, 2, AGES), 0.9))
    assert message(valid_population(), rates, steps=3) == (
        "argument 'survival': got 2 steps on the time axis; expected 1 or 3. "
        "Fix: give one entry per step, or one entry to hold it constant."
    )


def test_time_axes_of_different_lengths():
    rates = valid_rates(
        survival=np.full((3, 1, 1, 2, AGES), 0.9), fertility_rate=np.zeros((2, 1, 1, AGES))
    )
    assert message(valid_population(), rates) == (
        "argument 'fertility_rate': got 2 steps on the time axis; expected 1 or 3. "
        "Fix: give one entry per step, or one entry to hold it constant."
    )


def test_unknown_timing():
    assert message(valid_population(), valid_rates(), timing="middle") == (
        "argument 'timing': got 'middle'; expected one of ('even', 'end'). "
        "Fix: choose a documented timing."
    )


def test_unknown_safeguard():
    assert message(valid_population(), valid_rates(), safeguard="clip") == (
        "argument 'safeguard': got 'clip'; expected one of ('reduce', 'ccmpp'). "
        "Fix: choose a documented safeguard."
    )


@pytest.mark.parametrize("width", [0, 2.5])
def test_width_not_a_positive_whole_number(width):
    assert message(valid_population(), valid_rates(), width=width) == (
        f"argument 'width': got {width!r}; expected a positive whole number of years. "
        "Fix: give the step length, equal to the age-group width."
    )


def test_destination_row_not_summing_to_one():
    rates = valid_rates(**move_inputs([[0.0, 0.5], [1.0, 0.0]]))
    assert message(valid_population(states=2), rates) == (
        "argument 'move_destination': got row sum 0.5 at index (0, 0, 0, 0); expected "
        "rows summing to 1. Fix: divide each origin's row by its sum."
    )


def test_destination_with_a_non_zero_diagonal():
    rates = valid_rates(**move_inputs([[0.5, 0.5], [1.0, 0.0]]))
    assert message(valid_population(states=2), rates) == (
        "argument 'move_destination': got a non-zero share on the diagonal; expected 0 "
        "for moves from a state to itself. Fix: set the diagonal to 0; moves leave "
        "their origin."
    )


@pytest.mark.parametrize("given", ["move_rate", "move_destination"])
def test_move_half_given(given):
    rates = valid_rates(**{given: move_inputs([[0.0, 1.0], [1.0, 0.0]])[given]})
    assert message(valid_population(states=2), rates) == (
        "argument 'move_destination': got only one of move_rate and "
        "move_destination; expected both or neither. Fix: give the destination shares "
        "with the move rates."
    )


def test_integer_population():
    population = np.ones((1, 1, 2, AGES), dtype=int)
    assert message(population, valid_rates()) == (
        "argument 'population': got an array of dtype int64; expected a floating-point "
        "array. Fix: convert it with numpy.asarray(x, dtype=float)."
    )


def test_integer_survival():
    rates = valid_rates(survival=np.ones((1, 1, 1, 2, AGES), dtype=int))
    assert message(valid_population(), rates) == (
        "argument 'survival': got an array of dtype int64; expected a floating-point "
        "array. Fix: convert it with numpy.asarray(x, dtype=float)."
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("population", np.inf, "argument 'population': got inf at index (0, 0, 0, 1); "
         "expected finite values >= 0.0. Fix: remove negative or missing counts."),
        ("net_migration", -np.inf, "argument 'net_migration': got -inf at index "
         "(0, 0, 0, 0, 0); expected finite values. Fix: give finite counts."),
        ("immigration", np.inf, "argument 'immigration': got inf at index (0, 0, 0, 0, 0); "
         "expected finite values >= 0.0. Fix: give immigrant counts, not negative."),
    ],
)
def test_infinite_values_are_rejected(name, value, expected):
    population = valid_population()
    changes = {}
    if name == "population":
        population[0, 0, 0, 1] = value
    else:
        changes[name] = np.full((1, 1, 1, 2, AGES), value)
    assert message(population, valid_rates(**changes)) == expected


def test_destination_shared_by_all_origins_is_rejected():
    rates = valid_rates(
        move_rate=np.full((1, 1, 1, 1, 2, AGES), 0.1),
        move_destination=np.array([0.0, 1.0]).reshape(1, 1, 1, 1, 2),
    )
    assert message(valid_population(states=2), rates) == (
        "argument 'move_destination': got shape (1, 1, 1, 1, 2); expected one row and one "
        "column per state: (..., 2, 2). Fix: give the full origin-destination matrix."
    )


def balancing_inputs(immigrants, net_total):
    """Immigrants (batch of 2) who balance ``net_total`` against an emigration rate."""
    return {
        "immigration": np.array(immigrants, dtype=float).reshape(1, 2, 1, 1, 1)
        * np.array([0.0, 1.0, 0.0]),
        "emigration_rate": np.full((1, 2, 1, 2, AGES), 0.05),
        "net_total": np.array([net_total], dtype=float),
    }


def test_balancing_without_immigrants_to_distribute():
    rates = valid_rates(**balancing_inputs([1.0, 0.0], [10.0, 10.0]))
    assert message(np.ones((2, 1, 2, AGES)), rates) == (
        "argument 'immigration': got no immigrants to distribute; expected a positive total. "
        "Fix: give the distribution of the immigrants who balance net_total.")


def test_immigrants_given_as_counts_need_no_distribution():
    """A variant whose net total is NaN takes its immigrants as counts: none is fine."""
    rates = valid_rates(**balancing_inputs([1.0, 0.0], [10.0, np.nan]))
    projected = project(np.ones((2, 1, 2, AGES)), rates)
    assert np.isfinite(projected.population).all()
