"""The command line on hostile inputs: exit 2 and one exact line, nothing else.

Each case of ``corpus.CASES`` (scenarios, bases in folders and netCDF files,
tables, result files, arguments and outputs) is made in an empty folder and
run as ``projsim ARGV`` in a process of its own (``isolated.py``), limited to
10 s and 1 GiB more than the server. It must exit 2 with exactly one line on
standard error, ``error: `` and the message of ``expected.json`` (``{dir}``
standing for the folder, ``{scenarios}`` for the bundled scenarios), print
nothing on standard output and leave no file behind but its own. A scenario
case gives the same line, first, through ``projsim validate``: validation
refuses everything a run refuses.

With the io layer's tests (``tests/io/test_hostile_*.py``, ``test_results.py``)
and ``tests/data/bad_scenarios/``, the inputs counted by
:func:`test_the_corpus_is_large` make the corpus of hostile inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus import CASES, make
from isolated import MEMORY_LIMIT, TIME_LIMIT, Isolated

from projsim.cli import EXIT_INPUT
from projsim.io import bundled_scenarios

EXPECTED = json.loads((Path(__file__).with_name("expected.json")).read_text())
BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def server():
    isolated = Isolated()
    yield isolated
    isolated.close()


def test_every_case_has_its_message():
    assert sorted(EXPECTED) == sorted(BY_NAME)


def test_the_corpus_is_large():
    """At least 150 hostile inputs in all: these, the malformed scenario files
    and the io layer's hostile files, bases and outputs."""
    here = Path(__file__).parents[1]
    bad_scenarios = json.loads((here / "data" / "bad_scenarios" / "expected.json").read_text())
    io_cases = sum(text.count("def test_") + text.count("pytest.param") for text in (
        (here / "io" / name).read_text() for name in ("test_hostile_files.py",
                                                      "test_hostile_bases.py")))
    assert len(CASES) + len(bad_scenarios) + io_cases >= 150
    assert len(CASES) >= 130


def _expected(name: str, folder: Path) -> str:
    scenarios = str(bundled_scenarios()["fpb-2013"].parent)
    return "error: " + EXPECTED[name].replace("{dir}", str(folder)).replace(
        "{scenarios}", scenarios) + "\n"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_hostile_input(server, tmp_path, name):
    case = BY_NAME[name]
    make(case, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    done = server.run(case.argv, tmp_path)
    assert done["signal"] is None, f"ended by signal {done['signal']} (a hang past {TIME_LIMIT} s?)"
    assert done["added_memory"] < MEMORY_LIMIT
    assert "Traceback" not in done["stderr"]
    assert (done["code"], done["stdout"], done["stderr"]) == (
        EXIT_INPUT, "", _expected(name, tmp_path))
    assert sorted(tmp_path.rglob("*")) == before, "a refused command leaves no file"
    if case.validate:
        checked = server.run(["validate", *case.argv[1:]], tmp_path)
        assert checked["code"] == EXIT_INPUT
        assert checked["stderr"].splitlines(keepends=True)[0] == _expected(name, tmp_path)
