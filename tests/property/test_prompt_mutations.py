"""A Prompt cannot be corrupted: every way of changing a slot converts the value exactly
as the constructor does, or raises and leaves the slot as it was (issue 8). Whatever was
done, every rendered unit reads back through the parser."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt import (
    ArtStyle,
    PaintingStyle,
    Phrase,
    Prompt,
    PromptValueError,
    Quality,
    Slot,
    Tag,
    parse_tags,
    render,
    same_weight,
)

WORDS = st.sampled_from(["smile", "long hair", "bishop (chess)", "re:zero", "\\m/", "1girl"])
WEIGHTS = st.sampled_from([1.0, 1.1, 0.9, 1.5, 0.0, -1.0, 1 / 1.1])
GOOD_VALUES = st.one_of(
    WORDS,
    st.tuples(WORDS, WEIGHTS),
    st.builds(lambda word, weight: {word: weight}, WORDS, WEIGHTS),
    st.builds(Tag, WORDS, WEIGHTS),
    st.sampled_from([Quality.best, Quality.amazing, PaintingStyle("impasto"), ArtStyle("wlop")]),
    st.builds(
        lambda word, weight: Phrase(parts=["a ", (word, weight), " dress"]),
        WORDS,
        st.sampled_from([1.2, 0.8]),
    ),
)
BAD_VALUES = st.one_of(
    st.sampled_from([None, 5, 1.5, b"bytes", object(), ("a", "b"), {"a": 1, "b": 2}]),
    st.sampled_from(["", "a,b", "   "]),  # strings no tag can hold
    st.tuples(WORDS, st.sampled_from([float("inf"), float("nan"), 1e9])),  # bad weights
)
METHODS = st.sampled_from(["append", "extend", "insert", "iadd", "setitem", "assign", "slice"])


def _apply(prompt: Prompt, slot: str, method: str, value: Any) -> None:
    items = prompt.slot(slot)
    if method == "append":
        items.append(value)
    elif method == "extend":
        items.extend([value])
    elif method == "insert":
        items.insert(0, value)
    elif method == "iadd":
        items += [value]
    elif method == "setitem":
        if items:
            items[0] = value
        else:
            items.append(value)
    elif method == "slice":
        items[0:0] = [value]
    else:
        setattr(prompt, slot, [value])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([slot.value for slot in Slot]),
            METHODS,
            st.one_of(GOOD_VALUES, BAD_VALUES),
        ),
        max_size=12,
    )
)
def test_random_changes_never_corrupt_a_prompt(changes: list[tuple[str, str, Any]]) -> None:
    prompt = Prompt()
    for bad in (None, "BREAK", {"joiner": "pause"}, {"joiner": "BREAK", "weight": 2}):
        with contextlib.suppress(TypeError, PromptValueError):
            prompt.sections.append(bad)
    assert prompt.sections == []
    for slot, method, value in changes:
        before = list(prompt.slot(slot))
        try:
            _apply(prompt, slot, method, value)
        except (TypeError, PromptValueError):
            assert list(prompt.slot(slot)) == before  # a refusal changes nothing
    units = prompt.all_units()
    assert all(isinstance(unit, (Tag, Phrase)) for unit in units)
    read = parse_tags(render(prompt))
    assert len(read) == len(units)
    for unit, back in zip(units, read, strict=True):
        if isinstance(unit, Tag):
            assert isinstance(back, Tag)
            assert back.text == unit.text
            assert same_weight(back.weight, unit.weight)
        else:
            assert back == unit or render([back]) == render([unit])
