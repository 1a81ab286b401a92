"""The packed tables of data/vocab (curated_tags.tsv, pattern_matches.tsv,
packed_yaml.json) are what the YAML lists and rules give: each is rebuilt in memory and
compared with the committed file."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from aidxl_prompt._data import (
    PACKED_YAML,
    PACKED_YAML_FILE,
    data_dir,
    load_builtin_yaml,
    load_yaml_file,
    read_vocab_file,
)
from aidxl_prompt.vocab._slot_rules import (
    BATCH_SIZE,
    CURATED_FILE,
    PATTERN_MATCHES_FILE,
    SlotRules,
    _known_match,
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


def test_the_packed_yaml_is_the_yaml_files() -> None:
    shipped = read_vocab_file(PACKED_YAML_FILE).decode("utf-8")
    assert shipped == _script().packed_yaml()  # else: run scripts/build_slot_tables.py
    for name in PACKED_YAML:  # JSON keeps every value's type (no int keys, no dates)
        packed, source = load_builtin_yaml(name), load_yaml_file(data_dir() / name)
        assert packed == source
        assert _key_order(packed) == _key_order(source)  # the card's lists are in order


def _key_order(value: object) -> object:
    if isinstance(value, dict):
        return [(key, _key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_key_order(item) for item in value]
    return None


@pytest.mark.slow
def test_the_pattern_table_is_what_the_rules_give() -> None:
    shipped = read_vocab_file(PATTERN_MATCHES_FILE).decode("utf-8")
    assert shipped == _script().pattern_matches()  # else: run scripts/build_slot_tables.py


def test_the_pattern_table_is_sorted_for_its_binary_search() -> None:
    lines = read_vocab_file(PATTERN_MATCHES_FILE).decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert all(line.count("\t") == 2 for line in lines)
    tags = {line.split("\t")[0] for line in lines}
    for line in lines[:: len(lines) // 50]:  # each tag is found, a shorter one only if held
        tag = line.split("\t")[0]
        assert _known_match(tag) == (True, slot_rules().match_pattern(tag))
        assert _known_match(tag[:-1])[0] == (tag[:-1] in tags)


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
    # A batch switches to one combined expression once every rule is compiled and
    # BATCH_SIZE texts have needed the rules; the answers must be those of trying the
    # rules in order.
    tags = ["holding a magic wand", "pink pleated skirt", "qwzx", "in the forest", "smile"]
    one_by_one = SlotRules(curated={})
    found = [one_by_one.match_rules(tag) for tag in tags]
    assert "_combined" not in vars(one_by_one)  # a few texts: never combined
    combined = SlotRules(curated={})
    for _ in range(BATCH_SIZE):
        assert combined.match_rules("qwzx") is None  # matches no rule: all compiled
    assert [combined.match_rules(tag) for tag in tags] == found
    assert "_combined" in vars(combined)
