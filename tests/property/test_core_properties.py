"""Property tests of the core: normalise, escape, parse and render agree with each other
and with the naive oracles of tests/oracles.py."""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from aidxl_prompt.compose import format_prompt, parse
from aidxl_prompt.errors import PromptSyntaxError, PromptValueError
from aidxl_prompt.model import parser
from aidxl_prompt.model.items import Phrase, PromptItem, Schedule, Tag
from aidxl_prompt.model.ordering import Slot
from aidxl_prompt.model.parser import parse_items, parse_tags
from aidxl_prompt.model.prompt import Prompt, render
from aidxl_prompt.syntax.normalize import (
    DIALECTS,
    Dialect,
    escape,
    normalize_spelling,
    normalize_tag,
    same_weight,
    unescape,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracles import (
    A1111CrashError,
    AmbiguousError,
    a1111_canonical,
    comfyui_canonical,
)

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
    except PromptValueError:
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
    st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False).filter(
        lambda weight: weight == 0 or abs(weight) >= 1e-6  # nearer 0 is stored as 0
    ),
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
        assert same_weight(item.weight, tag.weight)  # the same float32


def _writable(tags: list[Tag], dialect: Dialect) -> bool:
    """ComfyUI reads its own placeholders for escaped parentheses as brackets, so the
    renderer refuses a tag holding one (test_render.py checks that it does)."""
    return dialect != "comfyui" or not any(
        placeholder in tag.text for tag in tags for placeholder in ("\x00\x01", "\x00\x02")
    )


@SETTINGS
@given(prompts(), st.sampled_from(["a1111", "comfyui"]))
def test_parse_of_render_gives_back_the_tags(prompt: Prompt, dialect: Dialect) -> None:
    assume(_writable(prompt.tags(), dialect))
    rendered = render(prompt, dialect)
    _assert_same_tags(parse_tags(rendered, dialect), prompt.tags())


@SETTINGS
@given(st.lists(TAGS, max_size=6), st.sampled_from(["a1111", "comfyui"]))
def test_rendered_tags_parse_without_repairs(tags: list[Tag], dialect: Dialect) -> None:
    assume(_writable(tags, dialect))
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
            assert normalize_spelling(item.text) == item.text
            assert "," not in item.text
    for start, end in (*result.spans, *(r.span for r in result.repairs)):
        assert 0 <= start <= end <= len(text)
    if result.repairs:
        with pytest.raises(PromptSyntaxError) as info:
            parse_items(text, dialect, strict=True)
        assert info.value.source == text
    else:
        assert parse_items(text, dialect, strict=True).items == result.items


SCHEDULE_TEXT = st.text(alphabet="ab:|[]()5\\ ,", max_size=16)


@SETTINGS
@given(st.one_of(SCHEDULE_TEXT, PROMPTY))
@example("[a|[b|c]], x [y:[z|w]:5]")  # nested alternation (once read, then refused)
def test_every_schedule_read_is_a_valid_schedule(text: str) -> None:
    # The reader and the Schedule type recognise schedules by the same grammar, so what
    # the reader keeps verbatim is a value the type accepts (a prompt file reads it back).
    for item in parse_tags(text):
        for part in item.parts if isinstance(item, Phrase) else (item,):
            if isinstance(part, Schedule):
                assert Schedule(text=part.text, weight=part.weight) == part


# --- agreement with the oracles: what A1111 and ComfyUI read, step by step -------------

ORACLE_ALPHABET = "ab (()[]:,\\1.2 |"
ORACLE_TEXT = st.text(alphabet=ORACLE_ALPHABET, max_size=16)


def _same_reading(original: str, rendered: str, *, ordered: bool = True) -> bool:
    """A1111 reads both alike at every step, up to empty units (``a,,b``) and commas at
    the ends of a section, which parsing drops. An original A1111 itself cannot read (a
    crash, a reading that depends on the hash seed) is skipped; a rendering it cannot
    read is a failure."""
    try:
        expected = _units(original, ordered=ordered)
    except (AmbiguousError, A1111CrashError):
        assume(False)
        raise AssertionError("unreachable") from None
    return _units(rendered, ordered=ordered) == expected


@SETTINGS
@given(ORACLE_TEXT)
def test_rendering_what_a1111_read_reads_the_same(text: str) -> None:
    # Any text the parser reads without a repair renders back to text A1111 reads
    # alike at every step (the items in source order, nothing re-spelled away).
    result = parse_items(text)
    assume(not result.repairs)
    rendered = render(list(result.items))
    assert _same_reading(text, rendered), rendered


@SETTINGS
@given(ORACLE_TEXT)
def test_rendering_what_comfyui_read_reads_the_same(text: str) -> None:
    assume(text.count("(") < 900)
    result = parse_items(text, "comfyui")
    assume(not result.repairs)
    rendered = render(list(result.items), "comfyui")
    assert _comfy_units(text) == _comfy_units(rendered), rendered


def _comfy_units(text: str) -> tuple[tuple[tuple[str, float], ...], ...]:
    """ComfyUI's (CLIP word, float32 weight) stream cut into comma units, empty ones
    dropped (parsing drops them)."""
    units: list[tuple[tuple[str, float], ...]] = []
    unit: list[tuple[str, float]] = []
    stream = [(word, weight) for words, weight in comfyui_canonical(text) for word in words]
    for word, weight in _comma_split([*stream, (",", 1.0)]):
        if word == ",":
            if unit:
                units.append(tuple(unit))
            unit = []
        else:
            unit.append((word, same_weight_key(weight)))
    return tuple(units)


# Generated prompts of the kind people write: comma units that mix plain words, emphasis,
# explicit weights, schedules and alternation, in sections divided by BREAK and AND.
WORDS = st.sampled_from(["smile", "long hair", "1girl", "white dress", "forest", "blue"])
SEGMENTS = st.one_of(
    WORDS,
    WORDS.map(lambda word: f"({word}:1.2)"),
    WORDS.map(lambda word: f"({word}:0.8)"),
    WORDS.map(lambda word: f"[{word}]"),
    WORDS.map(lambda word: f"(({word}))"),
    st.tuples(WORDS, WORDS).map(lambda pair: f"[{pair[0]}:{pair[1]}:5]"),
    st.tuples(WORDS, WORDS).map(lambda pair: f"[{pair[0]}:{pair[1]}:0.5]"),
    st.tuples(WORDS, WORDS).map(lambda pair: f"[{pair[0]}|{pair[1]}]"),
    WORDS.map(lambda word: f"[{word}:3]"),
    WORDS.map(lambda word: f"[{word}::4]"),
)
UNITS = st.lists(st.tuples(SEGMENTS, st.sampled_from([" ", "", " "])), min_size=1, max_size=3).map(
    lambda parts: "".join(segment + glue for segment, glue in parts).strip()
)
SECTIONS = st.lists(UNITS, min_size=1, max_size=4).map(", ".join)


@st.composite
def real_prompts(draw: st.DrawFn) -> str:
    text = draw(SECTIONS)
    for _ in range(draw(st.integers(0, 3))):
        keyword = draw(st.sampled_from([" BREAK ", " AND ", ", BREAK, "]))
        if keyword == " AND " and draw(st.booleans()):
            text += draw(st.sampled_from([":0.5", ":1.5", " :2"]))  # a sub-prompt weight
        text += keyword + draw(SECTIONS)
    if draw(st.booleans()):
        text += draw(st.sampled_from([", <lora:style:0.8>", " <lora:x:1>"]))
    return text


def _units(text: str, *, ordered: bool = False) -> tuple[object, ...]:
    """What A1111 reads, cut into sections (BREAK, AND) of comma units, empty units
    dropped. Unless ``ordered``, each section's units are a multiset: ordering may move
    whole units inside a section."""
    canonical = a1111_canonical(text, steps=10)
    subprompts = []
    for weight, steps in canonical.subprompts:
        per_step = []
        for stream in steps:
            sections: list[list[tuple[tuple[str, float], ...]]] = [[]]
            unit: list[tuple[str, float]] = []
            for word, word_weight in _comma_split([*stream, (",", 1.0)]):
                if (word, word_weight) == ("BREAK", -1.0) or word == ",":
                    if unit:
                        sections[-1].append(tuple(unit))
                    unit = []
                    if word == "BREAK":
                        sections.append([])
                    continue
                unit.append((word, same_weight_key(word_weight)))
            per_step.append(
                tuple(tuple(section if ordered else sorted(section)) for section in sections)
            )
        subprompts.append((same_weight_key(weight), tuple(per_step)))
    return (canonical.networks, tuple(subprompts))


def _comma_split(stream: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """CLIP words with each comma as a word of its own: the renderer writes ", " between
    units, so ``a,(b`` (the word ``,(``) comes back as ``a, (b``."""
    out: list[tuple[str, float]] = []
    for word, weight in stream:
        if word == "BREAK" or "," not in word:
            out.append((word, weight))
            continue
        for index, piece in enumerate(word.split(",")):
            if index:
                out.append((",", weight))
            if piece:
                out.append((piece, weight))
    return out


def same_weight_key(weight: float) -> float:
    """A weight as the float32 the tools compute with."""
    return struct.unpack("f", struct.pack("f", weight))[0]


@settings(max_examples=200, deadline=None)
@given(real_prompts())
def test_render_of_parse_reads_the_same_as_the_prompt(text: str) -> None:
    # Issue 8: units, schedules, AND and BREAK survive parse -> render unchanged in
    # meaning, at every sampling step.
    parsed = parse_items(text)
    assert not parsed.repairs
    assert _same_reading(text, render(list(parsed.items)))


@settings(max_examples=200, deadline=None)
@given(real_prompts(), st.sampled_from(["documented", "style_last"]))
def test_format_only_moves_whole_units_inside_sections(text: str, order: str) -> None:
    # format = parse into slots and sections, order, render: A1111 must read the same
    # units in every section at every step, only in another order.
    formatted = format_prompt(text, order=order, danbooru_names=False)
    assert _same_reading(text, formatted, ordered=False), formatted
    assert not formatted.startswith("BREAK")
    assert not formatted.endswith("BREAK")


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
    assert parse_items(text) == parser._read(text, "a1111", strict=False)


def test_units_helper() -> None:
    # The comparison itself, on known cases: order inside a section does not matter,
    # crossing a BREAK or splitting a unit does.
    assert _units("a, (b:1.2) c BREAK d") == _units("(b:1.2) c, a BREAK d")
    assert _units("a, b BREAK c") != _units("a BREAK b, c")
    assert _units("a (b:1.2) c") != _units("a, (b:1.2), c")
