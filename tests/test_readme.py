"""README.md opens with the two commands, and CI runs the test command verbatim."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("```") + 1
    return lines[start:start + 2]


def test_readme_opens_with_the_two_commands():
    run, test = readme_commands()
    assert run == "pip install . && projsim run"
    assert test == "pip install '.[test]' && pytest"


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci
