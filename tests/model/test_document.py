"""Merging a scenario file over the files it extends (``projsim.model.document``)."""

from pathlib import Path

from projsim.model.document import Document, merge

PARENT, CHILD = Path("parent.toml"), Path("child.toml")


def merged(*layers):
    document, problems = Document.empty(PARENT), []
    for raw, path in layers:
        merge(document, raw, path, problems)
    return document, problems


def test_a_stated_method_replaces_the_parents_method_and_its_options():
    document, problems = merged(
        ({"international_migration": {"net_total": 20000, "profile": "rogers-castro"}}, PARENT),
        ({"international_migration": {"scale": 0.5}}, CHILD))
    assert problems == []
    assert document.sections["international_migration"] == {"scale": (0.5, CHILD, "")}


def test_an_option_alone_keeps_the_parents_method():
    document, _ = merged(
        ({"international_migration": {"net_total": 20000}}, PARENT),
        ({"international_migration": {"profile": "rogers-castro"}}, CHILD))
    assert document.sections["international_migration"] == {
        "net_total": (20000, PARENT, ""), "profile": ("rogers-castro", CHILD, "")}


def test_conventions_merge_key_by_key():
    document, _ = merged(({"conventions": {"safeguard": "ccmpp"}}, PARENT),
                         ({"conventions": {"migration_timing": "end"}}, CHILD))
    assert document.top["conventions"] == ({"safeguard": "ccmpp", "migration_timing": "end"}, CHILD)


def test_a_section_that_is_not_a_table_is_a_problem():
    _, problems = merged(({"fertility": 1.2}, CHILD))
    assert [str(p) for p in problems] == [
        "child.toml: fertility: got 1.2; expected a table. Fix: write it as a [fertility] section."]
