"""Property tests: classify and suggest never raise on any string; the slot rules'
word tables answer as the rules' regular expressions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt.model.ordering import Slot
from aidxl_prompt.vocab._slot_rules import SlotRules
from aidxl_prompt.vocab.classify import RULES, classify
from aidxl_prompt.vocab.suggest import suggest
from aidxl_prompt.vocab.vocabulary import Vocabulary

BUILTIN = Vocabulary.builtin()
# Text with the characters prompts are made of, plus anything else Unicode has.
TAGGY = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz _-()\\:1234567890!?^<>|/."))


@settings(max_examples=300)
@given(st.one_of(st.text(), TAGGY))
def test_classify_never_raises(text: str) -> None:
    found = classify(text, BUILTIN)
    assert isinstance(found.slot, Slot)
    assert found.rule.split(":", 1)[0] in RULES


@settings(max_examples=150)
@given(st.one_of(st.text(), TAGGY))
def test_suggest_never_raises(text: str) -> None:
    found = suggest(text, vocabulary=BUILTIN)
    assert len(found) <= 5
    assert [s.why for s in found] == sorted(
        (s.why for s in found), key=["exact", "alias", "prefix", "fuzzy"].index
    )


# --- the slot rules' word tables answer as their regular expressions ------------------

_RULES = SlotRules(curated={})
_REFERENCE = re.compile(
    "|".join(f"(?P<r{i}>{rule.expression})" for i, rule in enumerate(_RULES.patterns))
)
# Pieces of the rules themselves (their words, and the literal parts around them), so
# that random texts come near to matching: joined by spaces, hyphens or nothing.
_WORDS = sorted(
    {word for rule in _RULES.patterns for words in rule.sets.values() for word in words}
    | {"hair", "holding", "looking", "on", "the", "a", "own", "another's", "(medium)", "and"}
)
_PIECES = st.one_of(st.sampled_from(_WORDS), st.text(alphabet="ab- ()\n", max_size=3))


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=5), st.sampled_from([" ", "", "-"]))
def test_word_tables_answer_as_the_expressions(pieces: list[str], joiner: str) -> None:
    text = joiner.join(pieces)
    found = _REFERENCE.fullmatch(text)
    expected = None if found is None else _RULES.patterns[int(str(found.lastgroup)[1:])]
    assert _RULES.match_rules(text) == expected
