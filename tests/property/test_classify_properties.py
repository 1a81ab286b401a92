"""Property tests: classify and suggest never raise on any string."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt.model.ordering import Slot
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
