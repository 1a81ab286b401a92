"""parse(): tags into slots by the simple rules; format_prompt(): parse, order, render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aidxl_prompt.compose import format_prompt, parse, parse_prompt, prompt_from_items
from aidxl_prompt.errors import PromptSyntaxError
from aidxl_prompt.model.items import And, Break, ExtraNetwork, Phrase, PromptWeight, Schedule, Tag
from aidxl_prompt.model.ordering import Ordering, Slot
from aidxl_prompt.syntax.normalize import Dialect, normalize_tag
from aidxl_prompt.vocab.vocabulary import Vocabulary

PAINTING_STYLES = [
    "flat color",
    "clean color",
    "celluloid",
    "flat-pasto",
    "thin-pasto",
    "pseudo-impasto",
    "impasto",
    "realistic",
    "photorealistic",
    "cel shading",
    "3d",
]
QUALITY_LEVELS = ["amazing", "best", "high", "normal", "low", "worst"]

# (tag as written, slot, canonical text)
SLOT_CASES = [
    ("by yoneyama mai", Slot.art_style, "by yoneyama mai"),  # the card's by-prefix
    ("By_Chi4", Slot.art_style, "by chi4"),  # normalised first
    ("(by ikky:0.9)", Slot.art_style, "by ikky"),  # weighted
    *((style, Slot.painting_style, style) for style in PAINTING_STYLES),  # the 11 words
    ("Flat_Color", Slot.painting_style, "flat color"),  # normalised painting style
    *((f"{level} quality", Slot.quality, f"{level} quality") for level in QUALITY_LEVELS),
    ("bylaw", Slot.secondary_description, "bylaw"),  # "by" must be a word
    ("by", Slot.secondary_description, "by"),  # and needs a name after it
    ("chun-li", Slot.character, "chun-li"),  # a character of the embedded vocabulary
]


@pytest.mark.parametrize(("written", "slot", "text"), SLOT_CASES)
def test_slot_assignment(written: str, slot: Slot, text: str) -> None:
    p = parse(written)
    assert [t.text for t in p.slot(slot)] == [text]
    assert len(p.tags()) == 1


def test_break_and_and_divide_the_prompt_into_sections() -> None:
    p = parse("BREAK a, by ask, BREAK, impasto, [a:b:5], x AND y:0.5, <lora:Foo:1>, best quality")
    assert not p.has_units()  # a leading BREAK: the first section is empty
    first, second, third = p.sections
    assert (first.joiner, first.art_style, first.secondary_description) == (
        "BREAK",
        [Tag("by ask")],
        [Tag("a")],
    )
    assert (second.joiner, second.painting_style) == ("BREAK", [Tag("impasto")])
    assert second.secondary_description == [Schedule(text="[a:b:5]"), Tag("x")]
    assert (third.joiner, third.weight) == ("AND", 1.0)
    assert third.quality == [Tag("best quality")]
    assert third.secondary_description == [Tag("y:0.5")]  # not at the end: not a weight
    assert p.networks == [ExtraNetwork(text="<lora:Foo:1>")]  # case kept


def test_ordering_never_crosses_break_or_and() -> None:
    # Issue 8: "masterpiece, 1girl, smile AND 1boy, frown" came out as
    # "1girl, 1boy, smile AND frown, masterpiece".
    assert format_prompt("masterpiece, 1girl, smile AND 1boy, frown") == (
        "1girl, smile, masterpiece AND 1boy, frown"
    )
    assert format_prompt("masterpiece, 1girl BREAK by ask, smile") == (
        "1girl, masterpiece BREAK by ask, smile"
    )
    # A BREAK written between units never ends up leading or trailing.
    assert format_prompt("1girl, long hair, BREAK, smile") == "1girl, long hair BREAK smile"
    assert format_prompt("best quality, 1girl:0.8 AND 1boy:0.5") == (
        "1girl, best quality:0.8 AND 1boy:0.5"
    )


def test_phrases_move_whole() -> None:
    # Issue 8: the parts of a comma unit were split into tags and ordered apart.
    assert format_prompt("a (white:1.2) dress, 1girl") == "1girl, a (white:1.2) dress"
    assert format_prompt("1girl, [red:blue:0.5] hair, smile") == (
        "1girl, smile, [red:blue:0.5] hair"
    )
    assert format_prompt("[red|blue] hair") == "[red|blue] hair"
    p = parse("a (white:1.2) dress")
    assert [unit.text for unit in p.clothing] == ["a white dress"]  # classified whole


def test_parse_of_only_control_items() -> None:
    p = parse("BREAK")
    assert (p.is_empty(), [s.joiner for s in p.sections]) == (False, ["BREAK"])
    assert parse("<lora:x:1>").networks == [ExtraNetwork(text="<lora:x:1>")]
    assert parse("").is_empty()


def test_parse_in_comfyui() -> None:
    p = parse("((by ask:1.2)), [x]", "comfyui")
    assert p.art_style == [Tag("by ask", 1.2)]
    assert p.secondary_description == [Tag("[x]")]


def test_parse_strict() -> None:
    with pytest.raises(PromptSyntaxError) as info:
        parse("1girl, (smile", strict=True)
    assert str(info.value) == (
        "unclosed '('; A1111 applies it up to the end of the prompt at column 8\n"
        "  1girl, (smile\n"
        "         ^"
    )


# (prompt, output dialect, input dialect, order, formatted)
FORMAT_CASES: list[tuple[str, Dialect, Dialect | None, str, str]] = [
    (
        "best_quality, (by_ask:0.9), bishop \\(chess\\)",
        "a1111",
        None,
        "documented",
        "(by ask:0.9), best quality, bishop \\(chess\\)",
    ),  # the docstring's example
    (
        "best quality, by ask",
        "a1111",
        None,
        "style_last",
        "best quality, by ask",
    ),  # art style moved last
    (
        "(masterpiece:1.2), 1girl",
        "comfyui",
        "a1111",
        "documented",
        "1girl, (masterpiece:1.2)",
    ),  # A1111 in, ComfyUI out
    ("a, [b], (c)", "plain", None, "documented", "a, b, c"),  # compel/plain read A1111
    ("a, [b], (c)", "compel", None, "documented", "a, (b)0.90909091, (c)1.1"),  # compel out
    (
        "bishop_(chess), best_quality",
        "a1111",
        "plain",
        "documented",
        "best quality, bishop \\(chess\\)",
    ),  # a raw Danbooru list
    ("1girl, (smile", "a1111", None, "documented", "1girl, (smile:1.1)"),  # repaired
    (
        "impasto, by ask, x <lora:s:0.5>, best quality",
        "a1111",
        None,
        "documented",
        "by ask, impasto, best quality, x, <lora:s:0.5>",
    ),  # networks last
]


@pytest.mark.parametrize(("prompt", "dialect", "reading", "order", "text"), FORMAT_CASES)
def test_format_prompt(
    prompt: str, dialect: Dialect, reading: Dialect | None, order: str, text: str
) -> None:
    assert format_prompt(prompt, dialect, input_dialect=reading, order=order) == text


@pytest.mark.parametrize("prompt", [row[0] for row in FORMAT_CASES])
def test_format_prompt_is_a_fixed_point(prompt: str) -> None:
    once = format_prompt(prompt)
    assert format_prompt(once) == once


# --- prompt_from_items: the one way from a flat list to a Prompt ------------------------


@pytest.fixture
def small_vocabulary(tmp_path: Path) -> Vocabulary:
    path = tmp_path / "tags.csv"
    path.write_text("wlop,1,5000,\nhighres,5,10,\nponytail,0,9,\n", encoding="utf-8")
    return Vocabulary.load(path, include_embedded=False)


def test_caption_order_follows_the_card_example() -> None:
    # The card's "caption semantic sorting": gun, 1boy, holding, short hair
    prompt = prompt_from_items(["gun", "1boy", "holding", "short hair"], Vocabulary.builtin())
    assert [t.text for t in prompt.tags(order="caption")] == [
        "1boy",
        "short hair",
        "holding",
        "gun",
    ]
    assert Ordering.preset("caption").slots[-1] is Slot.art_style


def test_prompt_from_items_keeps_weights_and_networks(small_vocabulary: Vocabulary) -> None:
    lora = ExtraNetwork(text="<lora:style:0.8>")
    prompt = prompt_from_items(
        ["best quality", Tag("wlop", 0.9), "highres", "Qwzx", lora], small_vocabulary
    )
    assert (prompt.art_style, prompt.quality, prompt.networks) == (
        [Tag("by wlop", 0.9)],  # an artist of the vocabulary gets "by", keeps its weight
        [Tag("best quality")],
        [lora],
    )
    # a string is one tag (normalised); the meta tag is kept, in the last slot
    assert prompt.secondary_description == [Tag("highres"), Tag("qwzx")]


# (items, keep_meta, what the last slot holds)
META_CASES = [
    (["highres", "qwzx"], True, ["highres", "qwzx"]),  # kept by default, as parse does
    (["highres", "qwzx"], False, ["qwzx"]),  # left out when asked
    ([Phrase.model_validate({"parts": ["highres"]}), "qwzx"], False, ["qwzx"]),  # a unit too
]


@pytest.mark.parametrize(("items", "keep_meta", "last"), META_CASES)
def test_prompt_from_items_meta_tags(
    small_vocabulary: Vocabulary, items: list[Phrase | str], keep_meta: bool, last: list[str]
) -> None:
    prompt = prompt_from_items(items, small_vocabulary, keep_meta=keep_meta)
    assert [unit.text for unit in prompt.secondary_description] == last


def test_prompt_from_items_cuts_sections_at_controls() -> None:
    items = [Tag("impasto"), Break(), Tag("smile"), PromptWeight(weight=0.5), And(), "1girl"]
    prompt = prompt_from_items(items, Vocabulary.builtin())
    assert (prompt.painting_style, prompt.weight) == ([Tag("impasto")], 0.5)
    assert [(s.joiner, [t.text for t in s.units()]) for s in prompt.sections] == [
        ("BREAK", ["smile"]),
        ("AND", ["1girl"]),
    ]


def test_prompt_from_items_writes_embedded_artists_with_by() -> None:
    prompt = prompt_from_items(["1girl", "wlop", "ganyu (genshin impact)", "smile"])
    assert [tag.text for tag in prompt.tags()] == [
        "by wlop",
        "1girl",
        "ganyu (genshin impact)",
        "smile",
    ]


# --- raw Danbooru names: every qualifier, colons included -------------------------------

RAW_NAME_CASES = [
    ("bishop_(chess)", "bishop (chess)", 1.0, "'bishop_' and 'chess' at 1.1"),
    (
        "robin_(female)_(fire_emblem)",
        "robin (female) (fire emblem)",
        1.0,
        "'robin_', 'female' at 1.1, '_' and 'fire_emblem' at 1.1",
    ),
    ("seele_(honkai:_star_rail)", "seele (honkai: star rail)", 1.0, None),
    ("9s_(nier:automata)", "9s (nier:automata)", 1.0, None),
    ("vertin_(reverse:1999)", "vertin (reverse:1999)", 1.0, None),  # known: not a weight
    ("soldier:_76_(overwatch)", "soldier: 76 (overwatch)", 1.0, None),  # known: colon
    ("(bishop_(chess):1.2)", "bishop (chess)", 1.2, "'bishop_' and 'chess' at 1.32"),
    ("ganyu (genshin impact)", "ganyu (genshin impact)", 1.0, None),  # known: bare parens
]


@pytest.mark.parametrize(("written", "text", "weight", "reading"), RAW_NAME_CASES)
def test_raw_danbooru_names_are_read_as_their_tag(
    written: str, text: str, weight: float, reading: str | None
) -> None:
    result = parse_prompt(f"1girl, {written}")
    assert result.prompt.all_units() == [Tag("1girl"), Tag(text, weight)]
    (repair,) = result.repairs
    assert (repair.code, repair.span) == ("danbooru-name", (7, 7 + len(written)))
    assert repair.message.startswith(f"A1111 reads {written!r} as ")
    if reading is not None:
        assert f" as {reading}; read as the Danbooru tag {text!r}" in repair.message


@pytest.mark.parametrize(
    "written",
    [
        "a_(b:1.2)",  # a weighted group: A1111 weights 'b'
        "a_(_)",  # a qualifier that spells as nothing
        "qwzx (qwzx)",  # bare parentheses, unknown to the vocabulary
    ],
)
def test_what_is_not_a_raw_danbooru_name(written: str) -> None:
    result = parse_prompt(written)
    assert [repair.code for repair in result.repairs] == []
    assert result.prompt == parse(written, danbooru_names=False)


def test_every_danbooru_name_written_raw_is_read_as_its_tag(danbooru_names: list[str]) -> None:
    # The card writes Danbooru names as tags; a caption list holds them raw
    # (``robin_(female)_(fire_emblem)``, ``vertin_(reverse:1999)``). Each is read as one
    # tag with its own name, except a qualifier nested in another
    # (``puru-see_(hoshizuki_(seigetsu))``) and a few names whose parentheses or colon
    # are not a qualifier's.
    qualified = [name for name in danbooru_names if name.endswith(")") and "_(" in name]
    assert len(qualified) > 39_000
    misread = []
    for name in qualified:
        units = parse(name).all_units()
        canonical = normalize_tag(name)  # an artist's gets the card's "by"
        if units not in ([Tag(canonical)], [Tag(f"by {canonical}")]):
            misread.append(name)
    nested = [name for name in misread if re.search(r"\([^()]*\(", name)]
    assert sorted(set(misread) - set(nested)) == [
        "dear:_(utaite)",
        "digimon_adventure:_(2020)",
        "ryisu_(deluxe<<<)",
        "zero(z)_(mega_man)",
    ]
    assert len(nested) < 120


@pytest.mark.parametrize("option", ["foo", "keep_repairs", "vocab"])
def test_parse_names_itself_for_an_option_it_does_not_take(option: str) -> None:
    with pytest.raises(
        TypeError, match=rf"^parse\(\) got an unexpected keyword argument '{option}'$"
    ):
        parse("1girl, smile", **{option: True})  # type: ignore[arg-type]
