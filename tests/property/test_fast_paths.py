"""The A1111 fast paths give exactly what the full scanner gives, or step aside."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aidxl_prompt.model.parser as parser_module
from aidxl_prompt import escape
from aidxl_prompt.model.parser import ParseResult, parse_items
from aidxl_prompt.syntax.normalize import _normalize_fully, normalize_tag

_WORDS = st.sampled_from(
    [
        "long hair",
        "bishop (chess)",
        ">_<",
        ":d",
        "honkai: star rail",
        "\\m/",
        "re:zero",
        "st. louis (azur lane)",
        "<o>_<o>",
        "a|b",
        "x_x",
        "\uff11girl",
        "c++",
        "16:9",
    ]
)
_SEGMENT = st.one_of(
    _WORDS.map(escape),
    st.tuples(_WORDS, st.sampled_from(["1.2", "0.8", "2", "1.15"])).map(
        lambda pair: f"({escape(pair[0])}:{pair[1]})"
    ),
    st.sampled_from(["<lora:style_x:0.8>", "<lora:a:1>", "", " ", "(", ")", "[a:b:5]", "\\"]),
    st.text(alphabet="ab ():<>\\,|:1.", max_size=6),
)
_PROMPT = st.lists(_SEGMENT, max_size=8).map(", ".join)


def _full_scanner(text: str) -> ParseResult:
    original = parser_module._fast_a1111
    parser_module._fast_a1111 = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        return parse_items(text)
    finally:
        parser_module._fast_a1111 = original


@settings(max_examples=400, deadline=None)
@given(_PROMPT)
def test_fast_path_with_spans_matches_the_scanner(text: str) -> None:
    fast = parser_module._fast_a1111(text)
    if fast is not None:
        full = _full_scanner(text)
        assert fast == (full.items, full.spans)
        assert full.repairs == ()


@settings(max_examples=400, deadline=None)
@given(_PROMPT)
def test_bulk_fast_path_matches_the_scanner(text: str) -> None:
    fast = parser_module._fast_a1111_items(text)
    if fast is not None:
        assert fast == list(_full_scanner(text).items)


@pytest.mark.parametrize(
    "text",
    [
        "(honkai: star rail:1.3), >_<, (:d:1.15), (c::1.15)",  # colons and '<' as text
        "a, <lora:x:1>, (b:1.2), bishop \\(chess\\)",  # the common mix
    ],
)
def test_common_prompts_take_the_fast_path(text: str) -> None:
    assert parser_module._fast_a1111_items(text) is not None
    assert parser_module._fast_a1111(text) is not None


# --- normalize_tag's shortcut for text that is already canonical --------------------

_TAG_TEXT = st.one_of(
    st.text(alphabet="ab :()_\\ABz1^`[]~!\t\u3000\uff41", max_size=12),
    st.text(max_size=8),
)


@settings(max_examples=1500, deadline=None)
@given(_TAG_TEXT)
def test_normalize_shortcut_matches_the_full_path(text: str) -> None:
    assert normalize_tag(text) == _normalize_fully(text)
