"""The packed slot tables of data/vocab (curated_tags.tsv, pattern_matches.tsv) are what
the YAML lists and rules give: both are rebuilt in memory and compared line for line."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from aidxl_prompt._data import read_vocab_file
from aidxl_prompt._slot_rules import (
    CURATED_FILE,
    PATTERN_MATCHES_FILE,
    SlotRules,
    curated_tags,
    read_curated_lists,
    slot_rules,
)

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_slot_tables.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_slot_tables", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_curated_table_is_the_yaml_lists() -> None:
    shipped = read_vocab_file(CURATED_FILE).decode("utf-8")
    assert shipped == _script().curated_table()  # else: run scripts/build_slot_tables.py
    assert dict(curated_tags()) == dict(read_curated_lists())


@pytest.mark.slow
def test_the_pattern_table_is_what_the_rules_give() -> None:
    shipped = read_vocab_file(PATTERN_MATCHES_FILE).decode("utf-8")
    assert shipped == _script().pattern_matches()  # else: run scripts/build_slot_tables.py


# (tag, the pattern it matches); from the table or from the rules, the same answer
CASES = [
    ("holding a magic wand", "holding-item"),  # not common enough: the rules decide
    ("white dress", "garment"),  # common: from the table
    ("looking at viewer", "gaze"),
    ("cloud", "sky-and-weather"),
    ("in the forest", "place"),  # a word of the card's example prompt
]


@pytest.mark.parametrize(("tag", "rule"), CASES)
def test_match_pattern(tag: str, rule: str) -> None:
    found = slot_rules().match_pattern(tag)
    assert found is not None
    assert found.name == rule
    by_rules = slot_rules().match_rules(tag)  # the rules themselves agree
    assert by_rules is not None
    assert (by_rules.name, by_rules.slot) == (found.name, found.slot)


def test_the_rules_one_by_one_and_combined_agree() -> None:
    # A batch switches to one combined expression once every rule is compiled; the
    # answers must be those of trying the rules in order.
    tags = ["holding a magic wand", "pink pleated skirt", "qwzx", "in the forest", "smile"]
    one_by_one = SlotRules(curated={})
    found = [one_by_one.match_rules(tag) for tag in tags[:2]]  # early rules only
    combined = SlotRules(curated={})
    assert combined.match_rules("qwzx") is None  # matches no rule: all compiled now
    assert [combined.match_rules(tag) for tag in tags[:2]] == found
    assert [combined.match_rules(tag) for tag in tags] == [
        one_by_one.match_rules(tag) for tag in tags
    ]
