"""The shortcuts give exactly what the full paths give, or step aside."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt import compose, escape
from aidxl_prompt.model import parser
from aidxl_prompt.syntax.normalize import (
    _normalize_fully,
    _spell,
    _with_embeddings,
    normalize_spelling,
    normalize_tag,
)
from aidxl_prompt.vocab import _tables
from aidxl_prompt.vocab.vocabulary import Vocabulary

_WORDS = st.sampled_from(
    [
        "long hair",
        "bishop (chess)",
        ">_<",
        ":d",
        "honkai: star rail",
        "\\m/",
        "\\\\//",
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
    st.tuples(_WORDS, st.sampled_from(["1.2", "0.8", "2", "1.15", "0", "1e3", "9" * 400])).map(
        lambda pair: f"({escape(pair[0])}:{pair[1]})"
    ),
    st.sampled_from(["<lora:style_x:0.8>", "<lora:a:1>", "", " ", "(", ")", "[a:b:5]", "\\"]),
    st.text(alphabet="ab ():<>\\,|:1.[]_", max_size=6),
)
_PROMPT = st.lists(_SEGMENT, max_size=8).map(", ".join)


@settings(max_examples=600, deadline=None)
@given(_PROMPT)
def test_shortcut_matches_the_scanner(text: str) -> None:
    shortcut = parser.simple_items(text)
    if shortcut is not None:
        full = parser._read(text, "a1111", strict=False)
        assert tuple(shortcut) == full.items
        assert parser.segment_spans(text) == full.spans
        assert full.repairs == ()
        assert parser.parse_items(text) == full


@pytest.mark.parametrize(
    "text",
    [
        "(honkai: star rail:1.3), >_<, (:d:1.15), (c::1.15)",  # colons and '<' as text
        "a, <lora:x:1>, (b:1.2), bishop \\(chess\\)",  # the common mix
        "a, \\\\m/, (\\\\m/:1.2), b",  # escaped backslashes (issue 9: once sent to the scanner)
        "",  # nothing at all
    ],
)
def test_common_prompts_take_the_shortcut(text: str) -> None:
    assert parser.simple_items(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "a\\b",  # a lone backslash: A1111 drops it
        "a\\, b",  # likewise before a comma
        "(a:1.2) BREAK b",  # keywords reach across segments
        "aspect 16:9",  # a trailing weight
        "(a:0)",  # a weight the reader repairs (zero)
        "x <lora:a:1> y",  # a network inside text
        "a" * 300,  # too long to memoise
    ],
)
def test_other_prompts_take_the_scanner(text: str) -> None:
    assert parser.simple_items(text) is None


# --- normalize_tag's shortcut for simple ASCII text -----------------------------------

_TAG_TEXT = st.one_of(
    st.text(alphabet="ab :()_\\ABz1^`[]~!\t\u3000\uff41", max_size=12),
    st.text(alphabet="ab_ ^<>o|x-", max_size=8),  # underscores, kaomoji-like
    st.sampled_from(["^_^", "<o>_<o>", "o_o", "embedding:my_net", "a_embedding:x_y", "_a", "a_"]),
    st.text(max_size=8),
)


@settings(max_examples=1500, deadline=None)
@given(_TAG_TEXT)
def test_normalize_shortcut_matches_the_full_path(text: str) -> None:
    assert normalize_tag(text) == _with_embeddings(text, _normalize_fully)


@settings(max_examples=1500, deadline=None)
@given(_TAG_TEXT)
def test_spelling_shortcut_matches_the_full_path(text: str) -> None:
    assert normalize_spelling(text) == _with_embeddings(text, _spell)


# --- parse_prompt's shortcut: cached readings of simple segments ----------------------

_RAW_NAMES = st.sampled_from(
    [
        "bishop_(chess)",
        "robin_(female)_(fire_emblem)",
        "seele_(honkai:_star_rail)",
        "vertin_(reverse:1999)",
        "qwzx_(qwzx:1999)",
        "soldier:_76_(overwatch)",
        "ganyu (genshin impact)",  # bare parentheses: read as the name only when known
        "qwzx (qwzx)",  # ...and not when unknown
        "a_(_)",  # a qualifier that spells as nothing
        "a_(b:1.2)",  # a weighted group, not a qualifier
        "(bishop_(chess):1.2)",  # weighted: the full reader's
        "x_(y)z",
        ">:)",
        "wlop",  # an artist: gets "by"
        "highres",
    ]
)
_COMPOSE_SEGMENT = st.one_of(_SEGMENT, _RAW_NAMES, st.text(alphabet="ab_() :,\\", max_size=8))
_COMPOSE_PROMPT = st.lists(_COMPOSE_SEGMENT, max_size=8).map(", ".join)


@settings(max_examples=800, deadline=None)
@given(_COMPOSE_PROMPT, st.booleans(), st.booleans())
def test_parse_prompt_shortcut_matches_the_full_reader(
    text: str, strict: bool, danbooru_names: bool
) -> None:
    vocabulary = Vocabulary.default()
    shortcut = compose._parse_simple(text, vocabulary, strict=strict, danbooru_names=danbooru_names)
    if shortcut is None:
        return
    full = compose._parse_general(
        text, "a1111", vocabulary, strict=strict, danbooru_names=danbooru_names
    )
    prompt, repairs = shortcut
    assert prompt.model_dump() == full.prompt.model_dump()
    assert prompt == full.prompt
    assert repairs == full.repairs
    # parse() asks for no repairs: the same prompt, none written
    unrepaired = compose._parse_simple(
        text, vocabulary, strict=strict, danbooru_names=danbooru_names, keep_repairs=False
    )
    assert unrepaired == (full.prompt, ())


@pytest.mark.parametrize(
    "text",
    [
        "1girl, bishop_(chess), robin_(female)_(fire_emblem), <lora:x:1>, (smile:1.2), wlop",
        "seele_(honkai:_star_rail), ganyu (genshin impact)",
    ],
)
def test_common_prompts_take_the_parse_shortcut(text: str) -> None:
    vocabulary = Vocabulary.default()
    shortcut = compose._parse_simple(text, vocabulary, strict=False, danbooru_names=True)
    assert shortcut is not None
    full = compose._parse_general(text, "a1111", vocabulary, strict=False, danbooru_names=True)
    assert shortcut == (full.prompt, full.repairs)


# --- LineIndex: a sorted packed text searched in place ----------------------------------

_NAME_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")),  # as packed: no control characters
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.dictionaries(_NAME_TEXT, st.text(alphabet="0123456789ab", max_size=30), max_size=60),
    sample=st.sampled_from([1, 7, 64, 2048]),
    probes=st.lists(_NAME_TEXT, max_size=10),
)
def test_line_index_finds_every_line_as_splitting_the_text_does(
    rows: dict[str, str], sample: int, probes: list[str]
) -> None:
    # Every packed line has a name and at least one field after a tab.
    lines = sorted(name.encode("utf-8") + b"\t" + rest.encode() for name, rest in rows.items())
    data = b"".join(line + b"\n" for line in lines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_tables, "_SAMPLE_BYTES", sample)
        index = _tables.LineIndex(data)
    offsets, offset = {}, 0
    for number, line in enumerate(lines):
        offsets[line.split(b"\t", 1)[0]] = (offset, number)
        offset += len(line) + 1
    for name in [*offsets, *(probe.encode("utf-8") for probe in probes)]:
        expected = offsets.get(name)
        assert index.find(name) == (None if expected is None else expected[0])
        assert index.find_line(name) == (None if expected is None else expected[1])
        # the same from the sample lines a caller keeps (the slot column's)
        sample, offset = index.search(name)
        assert offset == (-1 if expected is None else expected[0])
        if expected is not None:
            kept = list(index.sample_lines())
            assert index.line_number(sample, offset, kept) == expected[1]
    assert index.fits(index.sample_lines(), len(lines))
    assert not index.fits(index.sample_lines(), len(lines) + 1)
