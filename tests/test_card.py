"""The card's forms as types: styles, characters, painting styles, quality, themes."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from aidxl_prompt.card.forms import (
    ArtStyle,
    Character,
    CharacterForm,
    Environment,
    Theme,
    assemble,
    merge_styles,
)
from aidxl_prompt.card.words import (
    Aesthetic,
    PaintingStyle,
    Quality,
    aesthetic_examples,
    card_data,
    card_examples,
)
from aidxl_prompt.errors import CardValueError
from aidxl_prompt.files.prompt_file import load_prompt_text
from aidxl_prompt.model.items import Tag
from aidxl_prompt.model.ordering import Slot
from aidxl_prompt.vocab.vocabulary import Vocabulary

# (written, weight, expected tag)
STYLE_CASES = [
    ("yoneyama mai", 1.0, Tag(text="by yoneyama mai")),  # `by` added when missing
    ("by yoneyama mai", 1.0, Tag(text="by yoneyama mai")),  # never doubled
    ("By_Yoneyama_Mai", 0.9, Tag(text="by yoneyama mai", weight=0.9)),  # normalised, weighted
    ("chi4", 0.8, Tag(text="by chi4", weight=0.8)),  # the card's merging example
    ("by  dino", 1.2, Tag(text="by dino", weight=1.2)),  # the card's `dino` ambiguity
    ("bylaw", 1.0, Tag(text="by bylaw")),  # a name starting with "by" is not the prefix
]


@pytest.mark.parametrize(("written", "weight", "expected"), STYLE_CASES)
def test_art_style_tag(written: str, weight: float, expected: Tag) -> None:
    assert ArtStyle(artist=written, weight=weight).tag() == expected


# (written artist, pydantic message)
STYLE_ERRORS = [
    ("", "Value error, an artist name may not be empty (got '')"),  # nothing
    ("by", "Value error, an art style needs an artist name after 'by' (got 'by')"),  # only by
    ("by ", "Value error, an art style needs an artist name after 'by' (got 'by ')"),  # by+space
    ("a, b", "Value error, an artist name may not contain a comma (got 'a, b')"),  # comma
]


@pytest.mark.parametrize(("written", "message"), STYLE_ERRORS)
def test_art_style_rejects(written: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        ArtStyle(artist=written)
    assert info.value.errors()[0]["msg"] == message.removeprefix("")


def test_art_style_rejects_infinite_weight() -> None:
    with pytest.raises(ValidationError) as info:
        ArtStyle(artist="ask", weight=float("inf"))
    assert info.value.errors()[0]["msg"] == (
        "Value error, an art style's weight must be a number from -1000 to 1000 (got inf)"
    )


# (tag, artists a vocabulary knows, expected style or None)
FROM_TAG_CASES: list[tuple[Tag, frozenset[str] | None, ArtStyle | None]] = [
    (Tag(text="by ask", weight=0.8), None, ArtStyle(artist="ask", weight=0.8)),  # by form
    (Tag(text="ask"), None, None),  # bare name, no vocabulary: not a style
    (Tag(text="ask"), frozenset({"ask"}), ArtStyle(artist="ask")),  # known artist, no `by`
    (Tag(text="dino"), frozenset({"ask"}), None),  # unknown bare name stays a thing
    (Tag(text="by"), None, None),  # `by` alone is a word, not a style
]


@pytest.mark.parametrize(("tag", "artists", "expected"), FROM_TAG_CASES)
def test_art_style_from_tag(
    tag: Tag, artists: frozenset[str] | None, expected: ArtStyle | None
) -> None:
    lookup = artists.__contains__ if artists is not None else None
    assert ArtStyle.from_tag(tag, is_artist=lookup) == expected


def test_merge_styles_keeps_order_and_weights() -> None:
    # The card's style-merging example, styles only.
    merged = merge_styles(
        [
            ("yoneyama mai", 0.9),
            ("chi4", 0.8),
            "ask",
            "by modare",
            ArtStyle(artist="ikky", weight=0.9),
        ]
    )
    assert [(t.text, t.weight) for t in merged] == [
        ("by yoneyama mai", 0.9),
        ("by chi4", 0.8),
        ("by ask", 1.0),
        ("by modare", 1.0),
        ("by ikky", 0.9),
    ]


def test_merge_styles_rejects_a_repeat() -> None:
    with pytest.raises(CardValueError) as info:
        merge_styles(["chi4", "ask", ("by chi4", 0.5)])
    assert str(info.value) == "style 'by chi4' is given twice (entries 1 and 3)"


# (character fields, form, expected trigger)
TRIGGER_CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"name": "lucy", "series": "cyberpunk"}, "tag", "lucy (cyberpunk)"),  # card example
    ({"name": "ganyu", "series": "genshin impact"}, "tag", "ganyu (genshin impact)"),  # card
    ({"name": "frieren", "series": "sousou no frieren"}, "one", "1 frieren (sousou no frieren)"),
    ({"name": "chun-li"}, "tag", "chun-li"),  # "copyright part is not necessary"
    ({"name": "chun-li"}, "one", "1 chun-li"),  # the 1 prefix without a series
    ({"name": "1 frieren"}, "one", "1 frieren"),  # the prefix written in the name: not doubled
    ({"name": "1_Frieren", "series": "sousou no frieren"}, "one", "1 frieren (sousou no frieren)"),
    ({"name": "1 frieren"}, "tag", "frieren"),  # the prefix is a form, not part of the name
    (
        {"name": "lucy", "series": "cyberpunk", "gender": "girl"},
        "sentence",
        "a girl named lucy from cyberpunk series",
    ),  # v0.8
    ({"name": "sanji", "gender": "boy"}, "sentence", "a boy named sanji"),  # sentence, no series
    ({"name": "Ganyu_", "series": "Genshin_Impact"}, "tag", "ganyu (genshin impact)"),  # spelling
    (
        {"name": "st. louis (luxurious wheels)", "series": "azur lane"},
        "tag",
        "st. louis (luxurious wheels) (azur lane)",
    ),  # the card's outfit-qualified name
]


@pytest.mark.parametrize(("fields", "form", "expected"), TRIGGER_CASES)
def test_character_trigger(fields: dict[str, Any], form: str, expected: str) -> None:
    character = Character(**fields)
    assert character.trigger(form) == expected
    assert Character(**fields, form=CharacterForm(form)).tag().text == expected


# (trigger text, name, series, gender, form)
PARSE_CASES = [
    ("lucy (cyberpunk)", "lucy", "cyberpunk", None, "tag"),  # the card's form
    (r"lucy \(cyberpunk\)", "lucy", "cyberpunk", None, "tag"),  # escaped, as pasted from A1111
    ("1 frieren (sousou no frieren)", "frieren", "sousou no frieren", None, "one"),  # 1 prefix
    (
        "a girl named ganyu from genshin impact series",
        "ganyu",
        "genshin impact",
        "girl",
        "sentence",
    ),
    ("a boy named sanji", "sanji", None, "boy", "sentence"),  # sentence without series
    ("chun-li", "chun-li", None, None, "tag"),  # bare name
    ("1 chun-li", "chun-li", None, None, "one"),  # bare name with the 1 prefix
    (
        "st. louis (luxurious wheels) (azur lane)",
        "st. louis (luxurious wheels)",
        "azur lane",
        None,
        "tag",
    ),
]


@pytest.mark.parametrize(("text", "name", "series", "gender", "form"), PARSE_CASES)
def test_character_parse(
    text: str, name: str, series: str | None, gender: str | None, form: str
) -> None:
    character = Character.parse(text)
    assert (character.name, character.series, character.gender, character.form.value) == (
        name,
        series,
        gender,
        form,
    )


@pytest.mark.parametrize("text", [row[0] for row in PARSE_CASES if "\\" not in row[0]])
def test_character_parse_then_trigger_is_identity(text: str) -> None:
    assert Character.parse(text).trigger() == text


def test_outfit_goes_to_clothing_never_into_the_trigger() -> None:
    # The card: trigger words do not carry clothing; the outfit is its own tags.
    character = Character(
        name="st. louis (luxurious wheels)",
        series="azur lane",
        outfit=["silver evening gown", ("plunging neckline", 1.1)],
    )
    assert character.slot_items() == {
        Slot.character: (Tag(text="st. louis (luxurious wheels) (azur lane)"),),
        Slot.clothing: (Tag(text="silver evening gown"), Tag(text="plunging neckline", weight=1.1)),
    }


# (character fields, pydantic message)
CHARACTER_ERRORS: list[tuple[dict[str, Any], str]] = [
    (
        {"name": "lucy", "form": "sentence"},
        "Value error, the sentence form 'a girl/boy named ... from ... series' needs gender "
        "'girl' or 'boy' (character 'lucy')",
    ),  # the sentence needs girl or boy
    (
        {"name": "lucy", "gender": "gril"},
        "Value error, gender 'gril' is not 'girl' or 'boy'; did you mean 'girl'?",
    ),  # typo in gender
    ({"name": " "}, "Value error, a character's name may not be empty (got ' ')"),  # blank name
    (
        {"name": "lucy", "series": "a, b"},
        "Value error, a character's series may not contain a comma (got 'a, b')",
    ),  # comma in series
]


@pytest.mark.parametrize(("fields", "message"), CHARACTER_ERRORS)
def test_character_rejects(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Character(**fields)
    assert info.value.errors()[0]["msg"] == message


def test_sentence_trigger_without_gender_names_the_character() -> None:
    with pytest.raises(CardValueError) as info:
        Character(name="lucy", series="cyberpunk").trigger("sentence")
    assert str(info.value) == (
        "the sentence form 'a girl/boy named ... from ... series' needs gender "
        "'girl' or 'boy' (character 'lucy')"
    )


# (written, painting style)
PAINTING_STYLE_CASES = [
    ("flat color", PaintingStyle.flat_color),  # as the card writes it
    ("Flat_Color", PaintingStyle.flat_color),  # Danbooru spelling and case
    ("flat-pasto", PaintingStyle.flat_pasto),  # hyphen is part of the word
    ("3D", PaintingStyle.three_d),  # case
    ("three_d", PaintingStyle.three_d),  # the Python name
    ("pseudo-impasto", PaintingStyle.pseudo_impasto),
]


@pytest.mark.parametrize(("written", "expected"), PAINTING_STYLE_CASES)
def test_painting_style_parse(written: str, expected: PaintingStyle) -> None:
    assert PaintingStyle.parse(written) is expected


_STYLE_LIST = (
    "flat color, clean color, celluloid, flat-pasto, thin-pasto, pseudo-impasto, impasto, "
    "realistic, photorealistic, cel shading, 3d"
)

# (written, whole message)
PAINTING_STYLE_ERRORS = [
    (
        "impasta",
        "'impasta' is not one of the card's painting styles; did you mean 'impasto'? "
        f"(expected one of: {_STYLE_LIST})",
    ),  # typo
    (
        "flat pasto",
        "'flat pasto' is not one of the card's painting styles; did you mean 'flat-pasto'? "
        f"(expected one of: {_STYLE_LIST})",
    ),  # space for the hyphen
    (
        "watercolor",
        f"'watercolor' is not one of the card's painting styles (expected one of: {_STYLE_LIST})",
    ),  # not the card's word, nothing close
]


@pytest.mark.parametrize(("written", "message"), PAINTING_STYLE_ERRORS)
def test_painting_style_rejects_with_did_you_mean(written: str, message: str) -> None:
    with pytest.raises(CardValueError) as info:
        PaintingStyle.parse(written)
    assert str(info.value) == message


def test_painting_styles_are_the_cards_eleven_words() -> None:
    styles = card_data()["painting_styles"]
    assert isinstance(styles, Mapping)
    assert [style.value for style in PaintingStyle] == list(styles)
    assert len(PaintingStyle) == 11


def test_quality_levels_follow_the_card() -> None:
    assert tuple(level.value for level in Quality) == card_data()["quality_levels"]
    levels = list(Quality)
    assert all(better > worse for better, worse in itertools.pairwise(levels))
    assert sorted([Quality.worst, Quality.amazing, Quality.normal]) == [
        Quality.worst,
        Quality.normal,
        Quality.amazing,
    ]  # sorting follows the card, not the alphabet


# (written, level)
QUALITY_PARSE = [
    ("amazing", Quality.amazing),  # the level word alone
    ("amazing quality", Quality.amazing),  # the card's tag
    ("Best_Quality", Quality.best),  # Danbooru spelling
    ("worst", Quality.worst),
]


@pytest.mark.parametrize(("written", "expected"), QUALITY_PARSE)
def test_quality_parse(written: str, expected: Quality) -> None:
    assert Quality.parse(written) is expected


def test_quality_parse_rejects_with_did_you_mean() -> None:
    with pytest.raises(CardValueError) as info:
        Quality.parse("amazng quality")
    assert str(info.value) == (
        "'amazng quality' is not one of the card's quality levels; did you mean "
        "'amazing quality'? (expected one of: amazing quality, best quality, high quality, "
        "normal quality, low quality, worst quality)"
    )


def test_quality_weighted_is_the_cards_advice() -> None:
    assert Quality.amazing.weighted() == Tag(text="amazing quality", weight=1.5)
    assert Quality.best.weighted(1.2) == Tag(text="best quality", weight=1.2)
    assert Quality.high.tag() == Tag(text="high quality")


def test_negative_uses_the_low_levels() -> None:
    assert Quality.negative_levels() == (Quality.worst, Quality.low)
    assert [level.is_low for level in Quality] == [False, False, False, False, True, True]


# (value, expected slot items)
TYPED_VALUE_CASES: list[tuple[Any, dict[Slot, tuple[Tag, ...]]]] = [
    (Theme("fantasy"), {Slot.theme: (Tag(text="fantasy theme"),)}),  # suffix added
    (Theme("fantasy theme", 1.1), {Slot.theme: (Tag(text="fantasy theme", weight=1.1),)}),
    (Environment("in the forest"), {Slot.main_environment: (Tag(text="in the forest"),)}),
    (
        Environment("grass", secondary=True),
        {Slot.secondary_environment: (Tag(text="grass"),)},
    ),  # the card's secondary environment
    (Aesthetic.beautiful_color, {Slot.aesthetics: (Tag(text="beautiful color"),)}),
    (PaintingStyle.impasto, {Slot.painting_style: (Tag(text="impasto"),)}),
    (Quality.best, {Slot.quality: (Tag(text="best quality"),)}),
    (ArtStyle("xxx"), {Slot.art_style: (Tag(text="by xxx"),)}),
]


@pytest.mark.parametrize(("value", "expected"), TYPED_VALUE_CASES)
def test_typed_values_know_their_slot(value: Any, expected: dict[Slot, tuple[Tag, ...]]) -> None:
    assert dict(value.slot_items()) == expected


def test_aesthetics_and_examples_match_the_card_data() -> None:
    assert [a.value for a in Aesthetic] == list(aesthetic_examples())
    assert card_examples()[Slot.theme] == ("fantasy theme",)
    assert set(card_examples()) == set(Slot)


def test_assemble_places_typed_values_then_keyword_slots() -> None:
    prompt = assemble(
        Character(name="frieren", series="sousou no frieren", form="one", outfit=["white dress"]),
        ArtStyle("xxx"),
        Quality.best,
        clothing=["frills"],
        race=["elf"],
        negative=["worst quality"],
    )
    assert prompt.character == [Tag(text="1 frieren (sousou no frieren)")]
    assert prompt.clothing == [Tag(text="white dress"), Tag(text="frills")]
    assert prompt.art_style == [Tag(text="by xxx")]
    assert prompt.race == [Tag(text="elf")]
    assert prompt.negative == [Tag(text="worst quality")]


# --- golden cases: the card's own examples -----------------------------------------------

GOLDEN = yaml.safe_load((Path(__file__).parent / "cases" / "card_examples.yaml").read_text())


@pytest.mark.parametrize("case", GOLDEN, ids=[case["name"] for case in GOLDEN])
def test_card_examples_render_exactly(case: dict[str, str]) -> None:
    prompt = load_prompt_text(case["file"], source=case["name"])
    assert prompt.render(case["dialect"], order=case["order"]) == case["expected"]


def test_style_merging_line_from_typed_values() -> None:
    # The card's style-merging example built in Python, rendered with `style_last`.
    prompt = assemble(
        Character(name="chun-li"),
        Quality.amazing,
        *[ArtStyle(artist=a, weight=w) for a, w in [("yoneyama mai", 0.9), ("chi4", 0.8)]],
        ArtStyle(artist="ask"),
        ArtStyle(artist="by modare"),
        ArtStyle(artist="ikky", weight=0.9),
    )
    assert prompt.render(order="style_last") == (
        "chun-li, amazing quality, (by yoneyama mai:0.9), (by chi4:0.8), by ask, by modare, "
        "(by ikky:0.9)"
    )
    assert Quality.amazing.weighted() == Tag(text="amazing quality", weight=1.5)
    assert assemble(quality=[Quality.amazing.weighted()]).render() == "(amazing quality:1.5)"


def test_art_style_from_a_loaded_vocabulary(tmp_path: Path) -> None:
    # An artist known to the loaded vocabulary may be given without `by`.
    table = tmp_path / "tags.csv"
    table.write_text("yoneyama_mai,1,1500,\ndino_(dinoartforame),1,900,\ndinosaur,0,9000,\n")
    vocabulary = Vocabulary.load(table)
    assert ArtStyle.from_tag(Tag(text="yoneyama_mai", weight=0.9), vocabulary=vocabulary) == (
        ArtStyle(artist="yoneyama mai", weight=0.9)
    )
    assert ArtStyle.from_tag("dinosaur", vocabulary=vocabulary) is None  # a general tag
    assert ArtStyle.from_tag("unknown name", vocabulary=vocabulary) is None


# (fields, expected form) -- a name written with the card's "1 " takes the one form.
ONE_PREFIX_FORMS = [
    ({"name": "1 frieren"}, CharacterForm.one),  # the prefix chooses the form
    ({"name": "1 frieren", "form": "one"}, CharacterForm.one),  # the example
    ({"name": "1 frieren", "form": "tag"}, CharacterForm.tag),  # an explicit form wins
    ({"name": "1girl"}, CharacterForm.tag),  # no space: not the prefix
]


@pytest.mark.parametrize(("fields", "form"), ONE_PREFIX_FORMS)
def test_one_prefix_in_the_name(fields: dict[str, Any], form: CharacterForm) -> None:
    character = Character(**fields)
    assert character.form is form
    assert not character.name.startswith("1 ")
