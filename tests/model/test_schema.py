"""The declared vocabulary (``projsim.model.schema``): consistent, and worded exactly."""

import numpy as np
import pytest

from projsim.model.schema import (
    METHODS, OPTIONS, SHARED_KEYS, TABLE_VALUES, TOP_KEYS, UNCERTAINTY, Method, bad_number,
    did_you_mean, expected_number, unknown_keys,
)


def test_the_vocabulary_is_consistent():
    assert all(next(iter(methods)) == "scale" for methods in METHODS.values())  # the default
    assert set(METHODS) <= set(TOP_KEYS) and set(SHARED_KEYS) <= set(TOP_KEYS)
    assert set(TABLE_VALUES) == {c for c, methods in METHODS.items() if "table" in methods}
    assert set(UNCERTAINTY) <= set(METHODS)
    for component, options in OPTIONS.items():
        assert all(set(rule.methods) <= set(METHODS[component]) for rule in options.values())
        assert not set(options) & set(METHODS[component])


@pytest.mark.parametrize(("rule", "words"), [
    (Method(0.0, 10.0, ""), "a number at least 0 and at most 10"),
    (Method(0.0, 10.0, "", open_low=True), "a number greater than 0 and at most 10"),
    (Method(0.0, np.inf, ""), "a number at least 0"),
    (Method(-np.inf, np.inf, ""), "a finite number"),
])
def test_expected_numbers_are_worded_from_the_range(rule, words):
    assert expected_number(rule) == words


def test_bad_numbers():
    rule = Method(0.0, 10.0, "", open_low=True)
    assert [bad_number(n, rule) for n in (5, 10.0, 0.0, 10.5, float("nan"), True, "5")] == [
        False, False, True, True, True, True, True]


def test_unknown_keys_suggest_the_closest_key():
    problems = unknown_keys("s.toml", "mortality.", {"scal": 2, "e0": 1}, tuple(METHODS["mortality"]))
    assert [str(p) for p in problems] == [
        "s.toml: mortality.scal: got an unknown key; expected one of ['scale', 'e0', 'table']. "
        "Fix: did you mean 'scale'?"]
    assert did_you_mean("colour", TOP_KEYS) == ""
