"""Suggestions: ranking (exact > alias > prefix > fuzzy), ties, threshold, variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidxl_prompt.vocab.suggest import Suggestion, suggest
from aidxl_prompt.vocab.vocabulary import TagCategory, Vocabulary
from conftest import require_shared_file

ALIASES_HEADER = "id,antecedent_name,consequent_name,status,created_at\n"

TAGS = """\
long_hair,0,4000,"/lh,longhair"
long_hair_between_eyes,0,40,
leg_hair,0,50,
short_hair,0,3000,
hat,0,900,
hats,0,20,
cat,0,800,
bat,0,300,
cats,0,80,
bats,0,30,
smile,0,2000,
hatsune_miku,4,100,
grey_hair,0,600,
"""


@pytest.fixture(scope="module")
def vocab(tmp_path_factory: pytest.TempPathFactory) -> Vocabulary:
    folder = tmp_path_factory.mktemp("vocab")
    tags = folder / "tags.csv"
    tags.write_text(TAGS, encoding="utf-8")
    aliases = folder / "tag_aliases.csv"
    aliases.write_text(ALIASES_HEADER + "1,gray_hair,grey_hair,active,x\n", encoding="utf-8")
    # only this small table: the embedded Danbooru one would add its own near spellings
    return Vocabulary.load(tags, aliases, include_builtin=False, include_embedded=False)


# (input, expected (tag, why) pairs in order) -- the ranking rules, one per row.
RANKING_CASES = [
    # exact first, then tags it is a prefix of, then near spellings
    (
        "long_hair",
        [("long hair", "exact"), ("long hair between eyes", "prefix"), ("leg hair", "fuzzy")],
    ),
    # an alias resolves to its tag
    ("gray_hair", [("grey hair", "alias")]),
    # an inline abbreviation of the autocomplete list
    ("/lh", [("long hair", "alias")]),
    # prefix hits are ranked by post count
    ("long h", [("long hair", "prefix"), ("long hair between eyes", "prefix")]),
    # a swap of two letters is one edit
    ("long_hiar", [("long hair", "fuzzy")]),
    # exact first; prefix hits by post count (hatsune miku 100 > hats 20)
    ("hat", [("hat", "exact"), ("hatsune miku", "prefix"), ("hats", "prefix")]),
    # equal distance: the more-used tag first (cats 80 > bats 30 > hats 20)
    ("xats", [("cats", "fuzzy"), ("bats", "fuzzy"), ("hats", "fuzzy")]),
    ("caat", [("cat", "fuzzy")]),
    ("xat", []),  # three letters: too short to guess from
    ("smiel", [("smile", "fuzzy")]),
    # nonsense stays out
    ("qwertyuiop", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), RANKING_CASES)
def test_ranking(vocab: Vocabulary, text: str, expected: list[tuple[str, str]]) -> None:
    found = suggest(text, limit=3, vocabulary=vocab)
    assert [(s.tag, s.why) for s in found] == expected


def test_fuzzy_never_outranks_exact(vocab: Vocabulary) -> None:
    # "hats" is exact, though "hat" is more used and one edit away
    found = suggest("hats", vocabulary=vocab)
    assert [(s.tag, s.why) for s in found] == [
        ("hats", "exact"),
        ("hatsune miku", "prefix"),
        ("hat", "fuzzy"),
        ("cats", "fuzzy"),
        ("bats", "fuzzy"),
    ]


# Variants of one tag a user may type (underscores, case, spacing, escapes).
VARIANTS = ["Hatsune_Miku", "HATSUNE MIKU", "  hatsune   miku ", "hatsune_miku", "Hatsune Miku"]


@pytest.mark.parametrize("text", VARIANTS)
def test_variants_are_exact(vocab: Vocabulary, text: str) -> None:
    assert suggest(text, limit=1, vocabulary=vocab) == [
        Suggestion(
            tag="hatsune miku",
            score=100.0,
            post_count=100,
            why="exact",
            category=TagCategory.character,
        )
    ]


def test_limit(vocab: Vocabulary) -> None:
    assert len(suggest("long hair", limit=1, vocabulary=vocab)) == 1
    assert suggest("long hair", limit=0, vocabulary=vocab) == []


def test_escaped_parentheses(tmp_path: Path) -> None:
    tags = tmp_path / "tags.csv"
    tags.write_text("bishop_(chess),0,300,\n", encoding="utf-8")
    vocab = Vocabulary.load(tags, include_builtin=False, include_embedded=False)
    assert [s.why for s in suggest(r"Bishop \(chess\)", vocabulary=vocab)] == ["exact"]


# (typo, expected first tag) -- against the full Danbooru list and alias table.
DANBOORU_CASES = [
    ("long_hiar", "long hair"),  # the README example
    ("blnde hair", "blonde hair"),
    ("smle", "smile"),
    ("hatsune mku", "hatsune miku"),
    ("thighighs", "thighhighs"),  # an inline alias of the list
    ("Looking_At_Viewr", "looking at viewer"),
    ("amazing qualty", "amazing quality"),  # the card's word, from the built-in layer
]


@pytest.fixture(scope="session")
def danbooru_vocabulary() -> Vocabulary:
    return Vocabulary.load(
        require_shared_file("danbooru_tags.csv"),
        require_shared_file("danbooru_tag_aliases.csv"),
        include_embedded=False,
    )


@pytest.mark.parametrize(("text", "tag"), DANBOORU_CASES)
def test_danbooru_typos(danbooru_vocabulary: Vocabulary, text: str, tag: str) -> None:
    assert suggest(text, limit=1, vocabulary=danbooru_vocabulary)[0].tag == tag


@pytest.mark.parametrize(("text", "tag"), DANBOORU_CASES)
def test_embedded_table_is_the_default(text: str, tag: str) -> None:
    # no file at all: the embedded Danbooru table answers the same
    assert suggest(text, limit=1)[0].tag == tag


def test_default_suggestion_in_full() -> None:
    assert suggest("long_hiar", limit=1) == [
        Suggestion(
            tag="long hair",
            score=88.9,
            post_count=4350743,
            why="fuzzy",
            category=TagCategory.general,
        )
    ]


# (input, expected (tag, why, score) in order) -- an art style is looked up without "by".
BY_CASES = [
    ("by wlpo", [("by wlop", "fuzzy", 85.7)]),  # the example: one swap in the name
    ("By_WLOP", [("by wlop", "exact", 100.0)]),  # any spelling of a known artist
    ("by yoneyama ma", [("by yoneyama mai", "prefix", 93.3)]),  # a name cut short
    ("yoneyama_mia", [("yoneyama mai", "fuzzy", 91.7)]),  # without "by", no "by" is added
    ("by long hiar", []),  # only artists follow a "by": no "by long hair"
    ("by spoon", [("by spoon", "exact", 100.0)]),  # an artist whose own name starts with "by"
    ("by", []),  # "by" alone is no art style
]


@pytest.mark.parametrize(("text", "expected"), BY_CASES)
def test_art_style_is_looked_up_without_by(
    text: str, expected: list[tuple[str, str, float]]
) -> None:
    found = suggest(text, limit=3)
    assert [(s.tag, s.why, s.score) for s in found] == expected
    assert all(s.category is TagCategory.artist for s in found)
