"""The packed tables of data/vocab (curated_tags.tsv, pattern_matches.tsv,
packed_yaml.json) are what the YAML lists and rules give: each is rebuilt in memory and
compared with the committed file. The rules' word tables answer as the rules' own
regular expressions do."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt._data import (
    PACKED_YAML,
    PACKED_YAML_FILE,
    data_dir,
    load_builtin_yaml,
    load_yaml_file,
    read_vocab_file,
)
from aidxl_prompt.card.words import card_examples
from aidxl_prompt.errors import DataFileError
from aidxl_prompt.model.ordering import Slot
from aidxl_prompt.syntax.normalize import normalize_tag
from aidxl_prompt.vocab import _slot_column, _slot_rules
from aidxl_prompt.vocab._slot_column import SLOT_COLUMN_FILE, ColumnAnswer, lookup, precomputed
from aidxl_prompt.vocab._slot_rules import (
    CURATED_FILE,
    PATTERN_MATCHES_FILE,
    PATTERN_WORDS_FILE,
    PatternRule,
    SlotRules,
    _known_match,
    curated_tags,
    read_curated_lists,
    slot_rules,
)
from aidxl_prompt.vocab._word_patterns import FirstRule, _any
from aidxl_prompt.vocab.classify import classify, classify_by_rules
from aidxl_prompt.vocab.vocabulary import Vocabulary, builtin_table, embedded_table

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


def _by_expressions(rules: SlotRules) -> Callable[[str], PatternRule | None]:
    """The first rule whose own regular expression matches: all rules in one expression,
    tried in order (the reference the word tables are held to)."""
    patterns = rules.patterns
    combined = re.compile(
        "|".join(f"(?P<r{i}>{rule.expression})" for i, rule in enumerate(patterns))
    )

    def first(text: str) -> PatternRule | None:
        found = combined.fullmatch(text)
        return None if found is None else patterns[int(str(found.lastgroup)[1:])]

    return first


@pytest.mark.slow
def test_the_word_tables_answer_as_the_expressions_over_the_whole_table() -> None:
    # Issue 9: the rules' word lists became set lookups; every Danbooru name, curated
    # tag and word of the card's example still gets the first rule its regex gives.
    rules = SlotRules(curated={})
    reference = _by_expressions(rules)
    names = {*embedded_table().unpacked().names, *curated_tags()}
    names |= {word for words in card_examples().values() for word in words}
    differ = [name for name in sorted(names) if rules.match_rules(name) != reference(name)]
    assert differ == []


# (text, the rule it matches or None) -- the shapes of patterns.yaml, each way it answers
WORD_CASES = [
    ("long hair", "hair-length"),  # a whole word of a list
    ("very long hair", "hair-length"),
    ("pleated skirt", "garment"),  # a word tail after (?:.+ )?
    ("skirt", "garment"),  # (?:.+ )? may be empty
    ("watercolor (medium)", "medium"),  # a tail after .+ (which may not be empty)
    ("(medium)", None),
    ("dark blue hair", "hair-color"),  # walked: (?:{tone} )?(?:{color}|...) hair
    ("red and white hair", "hair-color"),
    ("holding hands", "holding-person"),  # walked: holding (?:hands|another's .+|...)
    ("holding a cup", "holding-item"),
    ("hands on hips", "body-part-pose"),  # walked from its first words
    ("back tattoo on arm", "body-marking"),  # no quick test: a regular expression
    ("dancing in the rain", "sky-and-weather"),  # a tail word decides: "rain", not "dancing"
    ("qwzx", None),
    ("a\nlong hair", None),  # .+ never spans a newline: the expressions decide
    ("lace-trimmed sleeves", "accessory"),
]


@pytest.mark.parametrize("packed", [True, False], ids=["read-from-file", "worked-out"])
@pytest.mark.parametrize(("text", "rule"), WORD_CASES)
def test_word_tables(text: str, rule: str | None, packed: bool) -> None:
    rules = SlotRules(curated={}, packed_words=packed)
    found = rules.match_rules(text)
    assert (None if found is None else found.name) == rule
    assert found == _by_expressions(rules)(text)


def test_the_word_table_file_is_what_the_rules_give() -> None:
    shipped = read_vocab_file(PATTERN_WORDS_FILE).decode("utf-8")
    assert shipped == _script().pattern_words()  # else: run scripts/build_slot_tables.py
    read = SlotRules(curated={})._first_rule
    worked_out = SlotRules(curated={}, packed_words=False)._first_rule
    assert (read.size, read.whole, read.tails) == (
        worked_out.size,
        worked_out.whole,
        worked_out.tails,
    )

    def left(first: FirstRule) -> list[tuple[int, bool, bool]]:  # rule, walked, guarded
        return [(i, item.walk is not None, item.guard is not _any) for i, item in first.left]

    assert left(read) == left(worked_out)


def _tables(rules: str, whole: str = "", tails: str = "", left: str = "") -> str:
    return "\n\n".join([rules, whole, tails, left]) + "\n"  # as FirstRule.to_text writes


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("39\n\nsmile\t0\n", "expected four parts"),
        (_tables("39", "smile\tx"), "not 'word<TAB>rule'"),
        (_tables("2", "smile\t5"), "not 'word<TAB>rule' of a rule there is"),
        (_tables("39", left="walk\t1\t(a|"), "not one alternative"),
        (_tables("39", left="loop\t1\tx"), "walk|regex"),
        (_tables("3"), "written for 3 rules"),
    ],
)
def test_a_word_table_file_that_cannot_be_read_is_refused(
    monkeypatch: pytest.MonkeyPatch, written: str, problem: str
) -> None:
    monkeypatch.setattr(_slot_rules, "read_vocab_file", lambda name: written.encode())
    with pytest.raises(DataFileError, match=re.escape(problem)) as caught:
        SlotRules(curated={}).match_rules("qwzx")
    assert PATTERN_WORDS_FILE in str(caught.value)


# --- the slot column: the rules' answer for every name of the embedded table ------------


@pytest.mark.slow
def test_the_slot_column_is_what_the_rules_give() -> None:
    shipped = read_vocab_file(SLOT_COLUMN_FILE).decode("utf-8")
    assert shipped == _script().slot_column()  # else: run scripts/build_slot_tables.py


_TAG_NAMES = [line.split("\t", 1)[0] for line in embedded_table().tags_data.decode().splitlines()]
_ALIAS_NAMES = [
    line.split("\t", 1)[0] for line in embedded_table().aliases_data.decode().splitlines()
]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.sampled_from(_TAG_NAMES),
        st.sampled_from(_ALIAS_NAMES),
        st.text(alphabet="ab (_):1", min_size=1, max_size=12),
    )
)
def test_classify_by_the_column_is_classify_by_the_rules(text: str) -> None:
    # The default vocabulary answers Danbooru names from the column; a vocabulary of the
    # same layers that is not the default one asks the rules.
    rules = Vocabulary([embedded_table(), builtin_table()])
    name = text if "\t" not in text and "\n" not in text else None
    if name is not None and normalize_tag(name) == name:
        assert (lookup(name) is not None) == (name in _NAMES)
    assert classify_by_rules(normalize_tag(text) or "x", Vocabulary.default()) == (
        classify_by_rules(normalize_tag(text) or "x", rules)
    )
    assert classify(text) == classify(text, rules)


_NAMES = frozenset(_TAG_NAMES) | frozenset(_ALIAS_NAMES)


def test_the_column_answers_only_for_the_default_vocabulary() -> None:
    wlop = ColumnAnswer(Slot.art_style, "artist-category", False, "by ")
    assert lookup("wlop") == wlop
    assert lookup("not a danbooru tag") is None
    assert lookup(_ALIAS_NAMES[0]) is not None
    assert precomputed("wlop", Vocabulary.default()) == wlop
    assert precomputed("wlop", Vocabulary.builtin()) is None
    assert precomputed("a\tb", Vocabulary.default()) is None


def test_the_column_is_read_only_for_a_name_the_table_holds() -> None:
    _slot_column._column.cache_clear()
    assert lookup("not a danbooru tag") is None
    assert _slot_column._column.cache_info().currsize == 0
    assert lookup("wlop") is not None
    assert _slot_column._column.cache_info().currsize == 1


def test_a_column_file_that_does_not_fit_the_table_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = read_vocab_file(SLOT_COLUMN_FILE)
    *columns, tag_samples, alias_samples, hot_names, hot_codes, _ = good.split(b"\n")
    shifted = b" ".join([b"0", *tag_samples.split()[2:], b"99999999"])
    hot = [hot_names, hot_codes]
    unfit = {
        "do not match the packed table": [
            b"clothing\tx\t\t\n\n!!\n\n0\n0\n\n\n",
            good.replace(b"\n\n!", b"\n\n\xc3\xbf", 1),  # a code no answer has
            b"\n".join([*columns, shifted, alias_samples, *hot, b""]),  # a sample left out
            b"\n".join([*columns, tag_samples, alias_samples.replace(b" ", b" 1", 1), *hot, b""]),
            good.replace(hot_codes, hot_codes + b"\xc3\xbf"),  # a hot code no answer has
        ],
        "not a slot column file": [
            b"nonsense",
            good.replace(b"\n0 ", b"\nzero ", 1),
            b"\n".join([*columns, tag_samples, alias_samples, b""]),  # no hot names
        ],
    }
    try:
        for message, texts in unfit.items():
            for text in texts:
                monkeypatch.setattr(_slot_column, "read_vocab_file", lambda name, t=text: t)
                _slot_column._column.cache_clear()
                with pytest.raises(DataFileError, match=message):
                    _slot_column._column()
    finally:
        monkeypatch.undo()
        _slot_column._column.cache_clear()


@pytest.fixture
def fresh_hot(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hot names unread and no search counted; as they were, afterwards."""
    kept = dict(_slot_column._HOT)
    _slot_column._HOT.clear()
    monkeypatch.setattr(_slot_column, "_searches", 0)
    yield
    _slot_column._column.cache_clear()
    _slot_column._HOT.clear()
    _slot_column._HOT.update(kept)


def _search_answer(name: str) -> ColumnAnswer:
    """The column's answer for a tag of the table, found by searching (not _HOT)."""
    column = _slot_column._column()
    lines = embedded_table().tag_index()
    sample, offset = lines.search(name.encode("utf-8"))
    return column.answers[column.tags[lines.line_number(sample, offset, column.tag_samples)]]


def test_the_hot_names_are_read_after_a_batch_of_searches_and_answer_as_the_search(
    fresh_hot: None,
) -> None:
    few = _TAG_NAMES[: _slot_column._SEARCHES_BEFORE_HOT - 1]
    assert [lookup(name) for name in few[:30]] == [_search_answer(name) for name in few[:30]]
    assert not _slot_column._HOT  # one prompt's names: no dict built
    for name in few[30:]:
        lookup(name)
    assert not _slot_column._HOT
    lookup(_TAG_NAMES[-1])  # the batch's next search reads them
    hot = dict(_slot_column._HOT)
    assert len(hot) == _slot_column.HOT_NAMES
    assert {name: _search_answer(name) for name in hot} == hot
    counts = {line.split("\t")[0]: int(line.split("\t")[2]) for line in _LINES}
    least = min(counts[name] for name in hot)  # the most-used tags, and no other
    assert sum(count > least for count in counts.values()) < _slot_column.HOT_NAMES


_LINES = embedded_table().tags_data.decode().splitlines()


def test_hot_names_that_do_not_fit_the_table_are_refused(
    fresh_hot: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = read_vocab_file(SLOT_COLUMN_FILE)
    *columns, hot_names, hot_codes, end = good.split(b"\n")
    other = b"!" if hot_codes[:1] != b"!" else b'"'
    for names, codes in ((hot_names, other + hot_codes[1:]), (hot_names + b"\tx", hot_codes)):
        text = b"\n".join([*columns, names, codes, end])
        monkeypatch.setattr(_slot_column, "read_vocab_file", lambda name, t=text: t)
        _slot_column._column.cache_clear()
        monkeypatch.setattr(_slot_column, "_searches", _slot_column._SEARCHES_BEFORE_HOT - 1)
        with pytest.raises(DataFileError, match="do not match the packed table"):
            lookup("wlop")
