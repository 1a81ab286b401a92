"""Property tests of the core: normalise, escape, parse and render agree with each other
and with the naive oracles of tests/oracles.py."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from aidxl_prompt import parser
from aidxl_prompt.compose import parse
from aidxl_prompt.errors import PromptSyntaxError
from aidxl_prompt.models import Prompt, PromptItem, Schedule, Tag
from aidxl_prompt.normalize import DIALECTS, Dialect, escape, normalize_tag, unescape
from aidxl_prompt.ordering import Slot
from aidxl_prompt.parser import parse_items, parse_tags
from aidxl_prompt.render import render

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracles import a1111_attention, comfyui_weights

SETTINGS = settings(max_examples=300, deadline=None)

# Characters prompts are made of, and the troublesome ones.
PROMPT_ALPHABET = "abcxyzAB _-,:.|()[]<>\\^/0123456789\uff08\uff09\uff1a\uff0c"
PROMPTY = st.text(alphabet=PROMPT_ALPHABET, max_size=40)
ANY_TEXT = st.one_of(st.text(max_size=40), PROMPTY)

# Real-looking tags: parentheses, backslashes, colons, kaomoji.
REAL_TAGS = [
    "bishop (chess)",
    "1 frieren (sousou no frieren)",
    "re:zero kara hajimeru isekai seikatsu",
    "\\m/",
    "\\(^o^)/",
    "\\\\//",
    "double \\m/",
    "^_^",
    ">_<",
    "<o>_<o>",
    "<|>_<|>",
    "|_|",
    "aspect 16:9",
    "score:9",
    "a:1.2",
    "[oshi no ko]",
    "<lora:x:1>",
    "heart <3",
    ":3",
    ":)",
    "st. louis (azur lane)",
    "by yoneyama mai",
    "best quality",
]


def _valid_tag_text(text: str) -> bool:
    try:
        Tag(text)
    except ValidationError:
        return False
    return True


TAG_TEXTS = st.one_of(
    st.sampled_from(REAL_TAGS),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
    ).filter(_valid_tag_text),
    st.text(alphabet="abc ():[]\\<>|_^", min_size=1, max_size=10).filter(_valid_tag_text),
)
WEIGHTS = st.one_of(
    st.just(1.0),
    st.sampled_from([1.1, 0.9, 1.2, 1.5, 0.0, -1.0, 2.0, 1 / 1.1, 1.21]),
    st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False),
)
TAGS = st.builds(Tag, TAG_TEXTS, WEIGHTS)


@st.composite
def prompts(draw: st.DrawFn) -> Prompt:
    slots = draw(st.lists(st.sampled_from(list(Slot)), max_size=5))
    data: dict[str, list[Tag]] = {}
    for slot in slots:
        data.setdefault(slot.value, []).extend(draw(st.lists(TAGS, min_size=1, max_size=3)))
    return Prompt.model_validate(data)


# --- normalise and escape --------------------------------------------------------------


@SETTINGS
@given(ANY_TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_tag(text)
    assert normalize_tag(once) == once


@SETTINGS
@given(ANY_TEXT, st.sampled_from(DIALECTS))
def test_unescape_undoes_escape(text: str, dialect: Dialect) -> None:
    assert unescape(escape(text, dialect), dialect) == text


# --- render then parse -----------------------------------------------------------------


def _assert_same_tags(read: list[PromptItem], tags: list[Tag]) -> None:
    assert [type(item) for item in read] == [Tag] * len(tags)
    for item, tag in zip(read, tags, strict=True):
        assert isinstance(item, Tag)
        assert item.text == tag.text
        assert abs(item.weight - tag.weight) <= 5e-5


@SETTINGS
@given(prompts(), st.sampled_from(["a1111", "comfyui"]))
def test_parse_of_render_gives_back_the_tags(prompt: Prompt, dialect: Dialect) -> None:
    rendered = render(prompt, dialect)
    _assert_same_tags(parse_tags(rendered, dialect), prompt.tags())


@SETTINGS
@given(st.lists(TAGS, max_size=6), st.sampled_from(["a1111", "comfyui"]))
def test_rendered_tags_parse_without_repairs(tags: list[Tag], dialect: Dialect) -> None:
    rendered = render(tags, dialect)
    assert parse_items(rendered, dialect, strict=True).tags() == parse_tags(rendered, dialect)


# --- render(parse(x)) is a fixed point after one pass -----------------------------------


@SETTINGS
@given(PROMPTY, st.sampled_from(["a1111", "comfyui"]))
def test_render_of_parse_is_a_fixed_point(text: str, dialect: Dialect) -> None:
    once = render(parse(text, dialect), dialect)
    twice = render(parse(once, dialect), dialect)
    assert twice == once


# --- the parser never raises on text ----------------------------------------------------


@SETTINGS
@given(ANY_TEXT, st.sampled_from(["a1111", "comfyui", "plain"]))
def test_parse_items_never_raises(text: str, dialect: Dialect) -> None:
    result = parse_items(text, dialect)
    assert len(result.items) == len(result.spans)
    for item in result.items:
        if isinstance(item, Tag):
            assert math.isfinite(item.weight)
            assert item.text
            assert normalize_tag(item.text) == item.text
            assert "," not in item.text
    for start, end in (*result.spans, *(r.span for r in result.repairs)):
        assert 0 <= start <= end <= len(text)
    if result.repairs:
        with pytest.raises(PromptSyntaxError) as info:
            parse_items(text, dialect, strict=True)
        assert info.value.source == text
    else:
        assert parse_items(text, dialect, strict=True).items == result.items


# --- agreement with the naive oracles ---------------------------------------------------

ORACLE_ALPHABET = "ab (()[]:,\\1.2 "
ORACLE_TEXT = st.text(alphabet=ORACLE_ALPHABET, max_size=16)


def _oracle_tags(runs: list[tuple[str, float]], *, join: bool = True) -> list[tuple[str, float]]:
    """Runs cut into comma-separated tags the way parser._assemble does it: split each
    run at commas, join equal-weight neighbours inside one segment (A1111 only; ComfyUI
    keeps its runs apart), then normalise."""
    tags: list[tuple[str, float]] = []
    segment: list[list[object]] = []

    def flush() -> None:
        words = [run for run in segment if str(run[0]).strip()]
        segment.clear()
        for text, weight in words:
            canonical = normalize_tag(str(text).strip())
            if canonical:
                tags.append((canonical, float(weight)))  # type: ignore[arg-type]

    for text, weight in runs:
        if text == "BREAK" and weight < 0:
            flush()
            continue
        for index, part in enumerate(text.split(",")):
            if index:
                flush()
            if not part:
                continue
            if join and segment and segment[-1][1] == weight:
                segment[-1][0] = str(segment[-1][0]) + part
            else:
                segment.append([part, weight])
    flush()
    return tags


def _read(items: list[PromptItem]) -> list[tuple[str, float]]:
    return [(item.text, item.weight) for item in items if isinstance(item, Tag)]


@SETTINGS
@given(ORACLE_TEXT)
def test_a1111_agrees_with_the_oracle(text: str) -> None:
    items = parse_tags(text)
    assume(not any(isinstance(item, Schedule) for item in items))
    # Brackets around a '|' or a third colon read as a failed schedule: A1111 then
    # reads the whole prompt as emphasis, which is what the oracle does anyway.
    try:
        runs = a1111_attention(text)
    except ValueError:  # A1111 crashes on (a:1.2.3); the parser repairs it instead
        assume(False)
        return
    expected = _oracle_tags(runs)
    assert _read(items) == [(t, w) for t, w in expected if math.isfinite(w)]


@SETTINGS
@given(ORACLE_TEXT)
def test_comfyui_agrees_with_the_oracle(text: str) -> None:
    assume(text.count("(") < 900)
    runs = comfyui_weights(text)
    expected = [(t, w) for t, w in _oracle_tags(runs, join=False) if math.isfinite(w)]
    assert _read(parse_tags(text, "comfyui")) == expected


# The common-case fast path and the full scanner must read simple prompts alike.
SIMPLE = st.lists(
    st.tuples(
        st.text(alphabet="abc _\\()[]:", min_size=1, max_size=8),
        st.sampled_from(["", ":1.2", ":0.5", ":10"]),
    ),
    max_size=5,
)


@SETTINGS
@given(SIMPLE)
def test_fast_path_agrees_with_the_scanner(parts: list[tuple[str, str]]) -> None:
    text = ", ".join(f"({body}{weight})" if weight else body for body, weight in parts)
    collector = parser._Collector(text, strict=False)
    items, spans = parser._assemble(parser._scan_a1111(text, collector), collector)
    result = parse_items(text)
    assert list(result.items) == items
    assert list(result.spans) == spans


def test_oracle_tags_helper() -> None:
    # The helper itself, on a known case: one comma segment with three weights.
    assert _oracle_tags([("a ", 1.0), ("b", 1.1), (" c, d", 1.0)]) == [
        ("a", 1.0),
        ("b", 1.1),
        ("c", 1.0),
        ("d", 1.0),
    ]
    assert _oracle_tags([("a", 1.1), ("b", 1.1)]) == [("ab", 1.1)]
    assert _oracle_tags([("a", 1.1), ("b", 1.1)], join=False) == [("a", 1.1), ("b", 1.1)]
    assert re.fullmatch(r"[ab (()\[\]:,\\1.2 ]+", ORACLE_ALPHABET)
