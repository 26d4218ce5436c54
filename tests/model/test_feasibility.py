"""What a scenario asks of its base (``projsim.model.feasibility``), refused at load time.

Each input here passed validation once and failed only when projected, with
a message naming neither file nor key (or ran to a wrong result); now it
fails when the scenario loads. ``tests/hostile/`` runs them, and many more,
through the command line.
"""

import numpy as np
import pytest
from helpers import raises_exactly

from projsim.demography.e0_solver import reachable_e0
from projsim.io import check_scenario, load_base, load_scenario
from projsim.model.feasibility import check_profile, table_problem
from projsim.model.schema import E0_MARGIN

HEAD = 'name = "t"\nbase = "belgium-2012"\nhorizon = 2020\n'


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_an_unreachable_e0_names_the_key_and_the_reachable_range(tmp_path):
    path = write(tmp_path, HEAD + "[mortality]\ne0 = { female = 120, male = 80 }\n")
    with raises_exactly(
            f"{path}: mortality.e0.female.2012: got 120; expected a life expectancy at birth "
            "from 1.3 to 102.4 years for females: the death rates of the base belgium-2012 "
            "reach 0.3 to 103.4 years for females along its mortality age pattern, and a "
            "target keeps 1 year from either end. Fix: choose a target in that range; the age "
            "pattern moves mortality no further."):
        load_scenario(path)


def test_an_unreachable_e0_between_the_years_given(tmp_path):
    path = write(tmp_path, HEAD + "[mortality]\n"
                 "e0 = { female = { 2012 = 83, 2019 = 120 }, male = 80 }\n")
    problems = [str(p) for p in check_scenario(path)]
    assert problems[0].startswith(
        f"{path}: mortality.e0.female: got 104.1 in 2016 (interpolated between the years "
        "given); expected a life expectancy at birth from 1.3 to 102.4 years for females")


def test_the_reachable_range_is_the_solvers():
    """The range checked at load time is the one the e0 solver refuses outside of."""
    from projsim.demography.mortality import mortality_index_for_e0
    from projsim.demography.pooling import national_rates, pooled_oldest
    from projsim.errors import InputError

    base = load_base("belgium-2012")
    rates = national_rates(base.mortality_rate, pooled_oldest(base.population))[0]
    low, high = reachable_e0(rates, base.age_pattern()[0], "female")
    mortality_index_for_e0(rates, base.age_pattern()[0], float(high) - 1e-3, "female")
    with pytest.raises(InputError):
        mortality_index_for_e0(rates, base.age_pattern()[0], float(high) + 1e-3, "female")
    assert float(high) - E0_MARGIN == pytest.approx(102.355, abs=1e-3)


def test_a_path_beyond_an_inherited_horizon_is_refused(tmp_path):
    """The README: a path may not reach the horizon unless it is written in the
    parent; here the child writes it and the horizon comes from the parent."""
    path = write(tmp_path, 'extends = "fpb-2013"\n[international_migration]\n'
                           "net_total = { 2012 = 60000, 2070 = 20000 }\n")
    with raises_exactly(
            f"{path}: international_migration.net_total: got years 2012 to 2070; expected a "
            "first year at or before the base year 2012 and years before the horizon 2061. "
            "Fix: start the path at 2012 and end it by 2060."):
        load_scenario(path)


def test_a_parents_path_may_reach_past_a_childs_horizon(tmp_path):
    parent = write(tmp_path, HEAD.replace("2020", "2040")
                   + "[fertility]\nscale = { 2012 = 1.0, 2039 = 1.5 }\n", "parent.toml")
    child = write(tmp_path, f'extends = "{parent.name}"\nhorizon = 2020\n', "child.toml")
    assert load_scenario(child).components["fertility"].path.years.tolist() == [2012, 2039]
    grandchild = write(tmp_path, 'extends = "child.toml"\n'
                       "[fertility]\nscale = { 2012 = 1.0, 2039 = 1.5 }\n", "grandchild.toml")
    assert str(check_scenario(grandchild)[0]).startswith(
        f"{grandchild}: fertility.scale: got years 2012 to 2039; expected")


def test_a_variant_named_like_its_scenario(tmp_path):
    path = write(tmp_path, HEAD + "[variants.t]\nfertility = { scale = 0.5 }\n")
    with raises_exactly(
            f"{path}: variants.t: got a variant named like the scenario itself; expected a "
            "name of its own for each variant, as the scenario dimension of the result labels "
            "each one once. Fix: rename the variant."):
        load_scenario(path)


@pytest.mark.parametrize(("values", "passes"), [
    ([0.5, 0.5], True), ([3.0, -1.0], True), ([1e-9, 0.0], False), ([0.0, 0.0], False),
    ([100.0, -99.5], False), ([-5.0, 2.0], False),
])
def test_the_profile_rule(values, passes):
    problems = []
    assert check_profile("p.csv", "a profile", np.array(values), problems) is passes
    assert len(problems) == (not passes)


def test_table_limits_by_variable():
    ages = np.zeros((1, 2, 4))
    fertility = ages.copy()
    fertility[0, 1, 3] = 0.1
    assert table_problem("fertility_rate", fertility, ("year", "state", "age")) == (
        (0, 1, 3), "no fertility at age 0 or in the open age group")
    assert table_problem("mortality_rate", ages + 3, ("year", "state", "age")) == (
        (0, 0, 0), "values of mortality_rate at most 2")
    assert table_problem("net_migration", ages - 2e10, ("year", "state", "age")) == (
        (0, 0, 0), "persons, from -1e+10 to 1e+10 in a cell")
    assert table_problem("immigration", ages + 1, ("state", "sex", "age")) is None
