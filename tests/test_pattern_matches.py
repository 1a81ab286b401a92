"""The precomputed pattern outcomes (data/vocab/pattern_matches.tsv) are what the rules
give: the file is rebuilt in memory and compared line for line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from aidxl_prompt._data import read_vocab_file
from aidxl_prompt._slot_rules import PATTERN_MATCHES_FILE, slot_rules

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_pattern_matches.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_pattern_matches", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_shipped_file_is_what_the_rules_give() -> None:
    shipped = read_vocab_file(PATTERN_MATCHES_FILE).decode("utf-8")
    assert shipped == _script().pattern_matches()  # else: run scripts/build_pattern_matches.py


# (tag, the pattern it matches); answered from the file, as the compiled rules would
CASES = [
    ("holding a magic wand", "holding-item"),  # not common enough: the patterns decide
    ("white dress", "garment"),  # common: from the file
    ("looking at viewer", "gaze"),
    ("cloud", "sky-and-weather"),
]


@pytest.mark.parametrize(("tag", "rule"), CASES)
def test_match_pattern(tag: str, rule: str) -> None:
    found = slot_rules().match_pattern(tag)
    assert found is not None
    assert found.name == rule
    assert slot_rules().match_rules(tag) == found  # the rules themselves agree
