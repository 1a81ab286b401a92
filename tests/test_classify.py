"""The slot classifier: card forms, categories, curated lists, patterns, accuracy."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from aidxl_prompt.errors import AidxlPromptError, DataFileError
from aidxl_prompt.model.items import Tag
from aidxl_prompt.model.ordering import Slot
from aidxl_prompt.vocab._slot_rules import _read_groups, slot_rules
from aidxl_prompt.vocab.classify import (
    DEFAULT_SLOT,
    RULES,
    Classification,
    classify,
    rule_description,
)
from aidxl_prompt.vocab.vocabulary import Vocabulary
from conftest import require_shared_file

LABELED = Path(__file__).parent / "cases" / "labeled_tags.yaml"
BUILTIN = Vocabulary.builtin()

# (tag as written, slot, rule) -- at least one row per slot, built-in data only.
CASES = [
    ("by yoneyama mai", Slot.art_style, "by-prefix"),  # the card's artist form
    ("1 frieren (sousou no frieren)", Slot.character, "character-trigger"),  # card's character form
    (
        "a girl named ganyu from genshin impact series",
        Slot.character,
        "named-character",
    ),  # v0.8 form
    ("2 girls", Slot.character, "people-count"),  # a count written with a space
    ("1girl", Slot.character, "list:people-count"),  # Danbooru's people count
    ("no_humans", Slot.character, "list:people-count"),
    ("elf", Slot.race, "list:species"),  # the card's race example
    ("cat_girl", Slot.race, "pattern:creature-race"),
    ("cowboy shot", Slot.composition, "pattern:view-angle"),  # the card's composition example
    ("from_above", Slot.composition, "pattern:view-angle"),
    ("feet out of frame", Slot.composition, "pattern:out-of-frame"),
    ("impasto", Slot.painting_style, "painting-style"),  # the card's painting style example
    ("flat-pasto", Slot.painting_style, "painting-style"),
    ("watercolor_(medium)", Slot.painting_style, "list:medium"),
    ("pastel_(medium)", Slot.painting_style, "pattern:medium"),  # not listed: the pattern,
    ("fantasy theme", Slot.theme, "pattern:theme"),  # the card's theme example
    ("halloween", Slot.theme, "list:occasion"),
    ("in the forest", Slot.main_environment, "pattern:place"),  # the card's environment example
    ("at day", Slot.main_environment, "pattern:place"),
    ("outdoors", Slot.main_environment, "list:setting"),
    ("gradient background", Slot.background, "pattern:background"),  # the card's example
    ("sitting on ground", Slot.action, "pattern:gerund"),  # the card's action example
    ("all_fours", Slot.action, "pattern:pose-noun"),
    ("looking_at_viewer", Slot.action, "pattern:gaze"),
    ("hand_on_own_hip", Slot.action, "pattern:body-part-pose"),
    ("expressionless", Slot.expression, "list:mood"),  # the card's expression example
    ("light_smile", Slot.expression, "pattern:facial-expression"),
    ("^_^", Slot.expression, "kaomoji"),  # a kaomoji keeps its underscore
    ("white hair", Slot.main_characteristics, "list:hair-color"),  # the card's example
    ("silver_hair", Slot.main_characteristics, "pattern:hair-color"),
    ("twintails", Slot.other_characteristics, "list:hairstyle"),  # the card's examples
    ("green eyes", Slot.other_characteristics, "list:eye-color"),
    ("parted lip", Slot.other_characteristics, "pattern:makeup"),
    ("wearing a white dress", Slot.clothing, "pattern:garment"),  # the card's clothing example
    ("pleated_skirt", Slot.clothing, "pattern:garment"),
    ("frills", Slot.clothing_accessories, "pattern:accessory"),  # the card's accessory example
    ("star_hair_ornament", Slot.clothing_accessories, "pattern:hair-accessory"),
    ("holding a magic wand", Slot.other_items, "pattern:holding-item"),  # the card's item example
    ("katana", Slot.other_items, "pattern:item"),
    ("grass", Slot.secondary_environment, "pattern:scenery-element"),  # the card's examples
    ("sunshine", Slot.secondary_environment, "list:light"),
    ("beautiful color", Slot.aesthetics, "aesthetic-example"),  # the card's aesthetic examples
    ("detailed", Slot.aesthetics, "aesthetic-example"),
    ("depth_of_field", Slot.aesthetics, "pattern:aesthetic"),
    ("best quality", Slot.quality, "quality-level"),  # the card's quality levels
    ("worst quality", Slot.quality, "quality-level"),
    ("masterpiece", Slot.quality, "list:quality-word"),
    ("birds", Slot.secondary_description, "pattern:creature"),  # the card's examples
    ("cloud", Slot.secondary_description, "pattern:sky-and-weather"),
    ("butterfly", Slot.secondary_description, "pattern:creature"),
    ("qwzx florb", DEFAULT_SLOT, "default"),  # nothing knows it
    ("", DEFAULT_SLOT, "default"),  # empty text
]


@pytest.mark.parametrize(("tag", "slot", "rule"), CASES)
def test_classify(tag: str, slot: Slot, rule: str) -> None:
    found = classify(tag, BUILTIN)
    assert (found.slot, found.rule) == (slot, rule)


def test_every_slot_has_a_case() -> None:
    assert {slot for _, slot, _ in CASES} == set(Slot)


def test_tag_objects_and_strings_agree() -> None:
    assert classify(Tag("Long_Hair", 1.2), BUILTIN) == classify("long hair", BUILTIN)


def test_meta_tags_are_marked() -> None:
    assert classify("absurdres", BUILTIN) == Classification(
        slot=DEFAULT_SLOT, rule="list:resolution", text="absurdres", meta=True
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small_vocabulary(tmp_path: Path) -> Vocabulary:
    tags = "wlop,1,5000,\nfrieren,4,300,\nsousou_no_frieren,3,900,\nhighres,5,10,\nponytail,0,9,\n"
    aliases = (
        "id,antecedent_name,consequent_name,status,created_at\n1,ponytails,ponytail,active,x\n"
    )
    return Vocabulary.load(
        write(tmp_path, "tags.csv", tags), write(tmp_path, "tag_aliases.csv", aliases)
    )


# (tag, expected classification) -- the vocabulary's categories decide these.
CATEGORY_CASES = [
    # an artist gets the card's "by" prefix
    ("wlop", Classification(slot=Slot.art_style, rule="artist-category", text="by wlop")),
    ("frieren", Classification(slot=Slot.character, rule="character-category", text="frieren")),
    (
        "sousou no frieren",
        Classification(slot=Slot.character, rule="copyright-category", text="sousou no frieren"),
    ),
    (
        "highres",
        Classification(slot=DEFAULT_SLOT, rule="meta-category", text="highres", meta=True),
    ),
    # an alias is classified as its tag, but keeps its own spelling
    (
        "ponytails",
        Classification(slot=Slot.other_characteristics, rule="list:hairstyle", text="ponytails"),
    ),
    # the card's explicit form wins over the category
    ("by frieren", Classification(slot=Slot.art_style, rule="by-prefix", text="by frieren")),
]


@pytest.mark.parametrize(("tag", "expected"), CATEGORY_CASES)
def test_vocabulary_categories(
    small_vocabulary: Vocabulary, tag: str, expected: Classification
) -> None:
    assert classify(tag, small_vocabulary) == expected


def test_rule_registry_is_complete() -> None:
    rules = slot_rules()
    reported = {f"list:{entry.group}" for entry in rules.curated.values()}
    reported |= {f"pattern:{rule.name}" for rule in rules.patterns}
    assert all(rule_description(rule) for rule in reported)
    with pytest.raises(AidxlPromptError) as caught:
        rule_description("guess")
    assert str(caught.value) == "unknown classification rule 'guess'"
    assert "default" in RULES


def test_a_tag_listed_twice_is_an_error() -> None:
    curated: dict[str, Any] = {}
    _read_groups("slots/race.yaml", {"species": ["elf"]}, Slot.race, curated)
    with pytest.raises(DataFileError) as caught:
        _read_groups("slots/clothing.yaml", {"garment": ["Elf"]}, Slot.clothing, curated)
    assert str(caught.value) == (
        "slots/clothing.yaml: group 'garment': 'elf' is already listed in race group 'species'"
    )


# --- the labeled set and the coverage of the most-used tags --------------------------


def labeled_rows() -> list[tuple[str, str]]:
    raw = yaml.safe_load(LABELED.read_text(encoding="utf-8"))
    return [(tag, label) for label, tags in raw.items() for tag in tags]


def test_labeled_set_spans_every_slot() -> None:
    rows = labeled_rows()
    counts = Counter(label for _, label in rows)
    assert len(rows) >= 400
    assert set(counts) == {slot.value for slot in Slot} | {"meta"}
    assert len({tag for tag, _ in rows}) == len(rows)  # no tag labeled twice


@pytest.fixture(scope="session")
def danbooru_vocabulary() -> Vocabulary:
    return Vocabulary.load(
        require_shared_file("danbooru_tags.csv"), require_shared_file("danbooru_tag_aliases.csv")
    )


def test_labeled_set_accuracy(danbooru_vocabulary: Vocabulary) -> None:
    rows = labeled_rows()
    hits = 0
    for tag, label in rows:
        found = classify(tag, danbooru_vocabulary)
        hits += ("meta" if found.meta else found.slot.value) == label
    assert hits / len(rows) >= 0.90


def test_top_general_tags_get_a_rule() -> None:
    path = require_shared_file("danbooru_tags.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        general = [row[0] for row in csv.reader(handle) if row and row[1] == "0"][:2000]
    by_rule = sum(classify(tag, BUILTIN).rule != "default" for tag in general)
    assert by_rule / len(general) >= 0.90


# --- the embedded Danbooru table (the default vocabulary) ---------------------------

# (tag as written, expected classification with no vocabulary given)
EMBEDDED_CASES = [
    # the three characters: two Danbooru knows, one by the card's form
    (
        "ganyu (genshin impact)",
        Classification(
            slot=Slot.character, rule="character-category", text="ganyu (genshin impact)"
        ),
    ),
    (
        "lucy_(cyberpunk)",
        Classification(slot=Slot.character, rule="character-category", text="lucy (cyberpunk)"),
    ),
    (
        "frieren (sousou no frieren)",
        Classification(
            slot=Slot.character, rule="character-tag", text="frieren (sousou no frieren)"
        ),
    ),
    # a known general tag wins over the character form
    (
        r"bishop \(chess\)",
        Classification(slot=DEFAULT_SLOT, rule="default", text="bishop (chess)"),
    ),
    # an unknown name with an unknown qualifier: the card's character form
    (
        "qwzx (plmo)",
        Classification(slot=Slot.character, rule="character-tag", text="qwzx (plmo)"),
    ),
    # an unknown name with a qualifier Danbooru uses for general tags: not a character
    ("qwzx (chess)", Classification(slot=DEFAULT_SLOT, rule="default", text="qwzx (chess)")),
    # ... unless the name is a known character
    (
        "frieren (chess)",
        Classification(slot=Slot.character, rule="character-tag", text="frieren (chess)"),
    ),
    # the 1-prefixed and sentence forms, with names nobody knows
    (
        "1 qwzx (plmo)",
        Classification(slot=Slot.character, rule="character-trigger", text="1 qwzx (plmo)"),
    ),
    (
        "a boy named qwzx from plmo series",
        Classification(
            slot=Slot.character, rule="named-character", text="a boy named qwzx from plmo series"
        ),
    ),
    # known artists written without "by" are art styles, written with it
    ("wlop", Classification(slot=Slot.art_style, rule="artist-category", text="by wlop")),
    (
        "Yoneyama_Mai",
        Classification(slot=Slot.art_style, rule="artist-category", text="by yoneyama mai"),
    ),
    # a series alone goes with the characters
    (
        "genshin impact",
        Classification(slot=Slot.character, rule="copyright-category", text="genshin impact"),
    ),
    # a general tag still goes through the curated lists
    (
        "long hair",
        Classification(slot=Slot.main_characteristics, rule="list:hair-length", text="long hair"),
    ),
]


@pytest.mark.parametrize(("tag", "expected"), EMBEDDED_CASES)
def test_embedded_vocabulary_is_the_default(tag: str, expected: Classification) -> None:
    assert classify(tag) == expected


# (tag, rule with the built-in data alone) -- the character form needs no vocabulary.
FORM_WITHOUT_VOCABULARY = [
    ("frieren (sousou no frieren)", "character-tag"),  # the card's form
    ("ganyu (genshin impact)", "character-tag"),  # known to Danbooru, but not loaded here
    ("bishop (chess)", "default"),  # a general qualifier, a name not known as a character
    ("wlop", "default"),  # no artists without the Danbooru table
]


@pytest.mark.parametrize(("tag", "rule"), FORM_WITHOUT_VOCABULARY)
def test_character_form_with_builtin_data_only(tag: str, rule: str) -> None:
    assert classify(tag, BUILTIN).rule == rule


def test_a_bad_pattern_is_named() -> None:
    from aidxl_prompt.vocab._slot_rules import PatternRule, SlotRules

    rules = (PatternRule("fine", Slot.theme, "x"), PatternRule("bad", Slot.theme, "(y"))
    with pytest.raises(DataFileError) as caught:
        SlotRules(curated={}, read_patterns=lambda: rules).match_rules("z")
    assert str(caught.value) == (
        "patterns.yaml: rules[1]: invalid pattern "
        "(missing ), unterminated subpattern at position 0)"
    )


def test_classify_without_remembering_gives_the_same_answer() -> None:
    from aidxl_prompt.vocab import classify as classify_module

    text = "holding a cup of green tea"
    classify_module._classify_memo.cache_clear()
    alone = classify(text, remember=False)
    assert classify_module._classify_memo.cache_info().currsize == 0  # nothing kept
    assert classify(text) == alone
    assert classify_module._classify_memo.cache_info().currsize == 1
