"""Vocabulary loading: format detection, errors with file and line, aliases, caching."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pytest

from aidxl_prompt.errors import DataFileError
from aidxl_prompt.normalize import normalize_tag
from aidxl_prompt.vocab import (
    TAGS_ENV_VAR,
    TagCategory,
    TagInfo,
    Vocabulary,
    canonical,
    load_vocabulary,
    read_table,
)
from conftest import require_shared_file

ALIASES_HEADER = "id,antecedent_name,consequent_name,status,created_at\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# (file name, content, tag, expected info) -- one row per format the loader detects.
FORMAT_CASES = [
    # tag-autocomplete CSV, no header, quoted alias list
    (
        "danbooru.csv",
        'long_hair,0,4350743,"/lh,longhair"\nwlop,1,5000,\n',
        "wlop",
        TagInfo(name="wlop", category=TagCategory.artist, post_count=5000),
    ),
    # three fields (no alias column) are fine too
    (
        "mine.csv",
        "frieren,4,30000\n",
        "Frieren",
        TagInfo(name="frieren", category=TagCategory.character, post_count=30000),
    ),
    # WD tagger selected_tags.csv, with a rating row (category 9)
    (
        "selected_tags.csv",
        "tag_id,name,category,count\n9999999,general,9,807858\n470575,1girl,0,3458813\n",
        "general",
        TagInfo(name="general", category=TagCategory.rating, post_count=807858),
    ),
    # a UTF-8 byte-order mark before the WD header
    (
        "bom.csv",
        "\ufefftag_id,name,category,count\n1,bishop_(chess),0,300\n",
        r"bishop \(chess\)",
        TagInfo(name="bishop (chess)", category=TagCategory.general, post_count=300),
    ),
]


@pytest.mark.parametrize(("name", "content", "tag", "expected"), FORMAT_CASES)
def test_format_detected(
    tmp_path: Path, name: str, content: str, tag: str, expected: TagInfo
) -> None:
    vocab = Vocabulary.load(write(tmp_path, name, content), include_builtin=False)
    assert vocab.info(tag) == expected


# (file name, content, message after "<path>:") -- every malformed shape, message whole.
ERROR_CASES = [
    # too few fields
    (
        "tags.csv",
        "long_hair,0\n",
        "1: expected name,category,post_count[,aliases] (3 or 4 fields), got 2",
    ),
    # an unknown category code on line 2 (line 1 is fine)
    (
        "tags.csv",
        "long_hair,0,10,\nwlop,2,10,\n",
        "2: unknown category '2' "
        "(expected 0 general, 1 artist, 3 copyright, 4 character or 5 meta)",
    ),
    # a post count that is not a whole number
    ("tags.csv", "long_hair,0,many,\n", "1: the post count must be a whole number, got 'many'"),
    # a negative post count
    ("tags.csv", "long_hair,0,-3,\n", "1: the post count must be a whole number, got '-3'"),
    # an empty name
    ("tags.csv", ",0,10,\n", "1: the tag name is empty"),
    # the same tag twice (after normalising)
    ("tags.csv", "long_hair,0,10,\nLong Hair,0,5,\n", "2: tag 'long hair' is listed twice"),
    # blank lines are skipped, so the bad row is still reported on its own line
    (
        "tags.csv",
        "long_hair,0,10,\n\n\nbad\n",
        "4: expected name,category,post_count[,aliases] (3 or 4 fields), got 1",
    ),
    # WD rows must have four fields
    (
        "selected_tags.csv",
        "tag_id,name,category,count\n1,smile,0\n",
        "2: expected tag_id,name,category,count (4 fields), got 3",
    ),
    # WD category 7 does not exist
    (
        "selected_tags.csv",
        "tag_id,name,category,count\n1,smile,7,10\n",
        "2: unknown category '7' "
        "(expected 0 general, 1 artist, 3 copyright, 4 character, 5 meta or 9 rating)",
    ),
    # an alias row with a missing field
    (
        "tag_aliases.csv",
        ALIASES_HEADER + "1,gray_hair,grey_hair,active\n",
        "2: expected 5 fields (id,antecedent_name,consequent_name,status,created_at), got 4",
    ),
    # an alias row without a status
    (
        "tag_aliases.csv",
        ALIASES_HEADER + "1,gray_hair,grey_hair,,2013-01-01\n",
        "2: the status is empty",
    ),
    # an unterminated quote
    ("tags.csv", 'long_hair,0,10,"a,b\n', "1: malformed CSV (unexpected end of data)"),
    # a post count too large for a signed 64-bit integer
    (
        "tags.csv",
        "long_hair,0,10,\nsmile,0,99999999999999999999,\n",
        "2: the post count 99999999999999999999 is too large (at most 9223372036854775807)",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), ERROR_CASES)
def test_malformed_rows_name_file_and_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert str(caught.value) == f"{path}:{message}"


# (file name, raw bytes, message after "<path>") -- whole-file problems.
FILE_ERROR_CASES = [
    # nothing but blank lines
    ("tags.csv", b"\n\n", ": the file holds no rows"),
    # an alias/implication table whose name does not say which
    (
        "relations.csv",
        ALIASES_HEADER.encode(),
        ": cannot tell whether this table holds aliases or implications; put 'alias' or "
        "'implication' in its file name",
    ),
    # a Latin-1 byte on line 2
    ("tags.csv", b"long_hair,0,10,\ncaf\xe9,0,10,\n", ":2: not UTF-8 text"),
]


@pytest.mark.parametrize(("name", "content", "message"), FILE_ERROR_CASES)
def test_file_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert str(caught.value) == f"{path}{message}"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert str(caught.value) == f"{path}: cannot read file (No such file or directory)"


def test_lenient_mode_counts_skipped_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path, "tags.csv", "long_hair,0,10,\nbad\n\nsmile,x,1,\nsmile,0,5,\nsmile,0,6,\n"
    )
    table = read_table(path, lenient=True)
    assert (table.names, table.skipped_rows) == (["long hair", "smile"], 3)
    assert Vocabulary.load(path, lenient=True).skipped_rows == 3


def test_inactive_alias_rows_are_counted_not_used(tmp_path: Path) -> None:
    rows = "1,gray_hair,grey_hair,active,2013-01-01\n2,keitai,cellphone,deleted,2013-02-16\n"
    table = read_table(write(tmp_path, "tag_aliases.csv", ALIASES_HEADER + rows))
    assert (table.aliases, table.inactive_rows) == ({"gray hair": "grey hair"}, 1)


def test_inline_aliases_and_alias_table_resolve(tmp_path: Path) -> None:
    tags = write(tmp_path, "tags.csv", 'long_hair,0,100,"/lh,longhair"\ngrey_hair,0,50,\n')
    aliases = write(
        tmp_path, "tag_aliases.csv", ALIASES_HEADER + "1,gray_hair,grey_hair,active,x\n"
    )
    vocab = Vocabulary.load(tags, aliases)
    assert [vocab.canonical(t) for t in ("/lh", "LongHair", "gray_hair", "grey hair")] == [
        "long hair",
        "long hair",
        "grey hair",
        "grey hair",
    ]
    assert vocab.lookup("Gray_Hair") == TagInfo(
        name="grey hair", category=TagCategory.general, post_count=50
    )


def test_alias_chains_and_cycles(tmp_path: Path) -> None:
    rows = "1,a,b,active,x\n2,b,c,active,x\n3,x,y,active,x\n4,y,x,active,x\n"
    tags = write(tmp_path, "tags.csv", "c,0,1,\n")
    vocab = Vocabulary.load(tags, write(tmp_path, "tag_aliases.csv", ALIASES_HEADER + rows))
    # a -> b -> c is followed to the tag; the x <-> y cycle gives back what was written
    assert (vocab.canonical("a"), vocab.canonical("x")) == ("c", "x")


def test_implications_are_transitive(tmp_path: Path) -> None:
    rows = "1,very_long_hair,long_hair,active,x\n2,absurdly_long_hair,very_long_hair,active,x\n"
    vocab = Vocabulary.load(write(tmp_path, "tag_implications.csv", ALIASES_HEADER + rows))
    assert vocab.implied("absurdly_long_hair") == ("very long hair", "long hair")


def test_loading_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, "tags.csv", "smile,0,1,\n")
    first = Vocabulary.load(path)
    assert Vocabulary.load(path) is first
    path.write_text("smile,0,1,\nfrown,0,2,\n", encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert "frown" in Vocabulary.load(path)


def test_environment_variable_then_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "tags.csv", "wlop,1,10,\n")
    monkeypatch.delenv(TAGS_ENV_VAR, raising=False)
    assert load_vocabulary().sources == ("danbooru (embedded)", "built-in")
    monkeypatch.setenv(TAGS_ENV_VAR, f"{path}{os.pathsep}")
    # the user's file is layered over the embedded table
    assert load_vocabulary().sources == (str(path.resolve()), "danbooru (embedded)", "built-in")
    # an explicit argument wins over the variable
    other = write(tmp_path, "other.csv", "ask,1,10,\n")
    assert load_vocabulary(other).category("ask") is TagCategory.artist


def test_builtin_vocabulary_knows_the_card_words() -> None:
    vocab = Vocabulary.builtin()
    words = ["amazing quality", "flat-pasto", "beautiful color", "^_^", "1girl"]
    assert [word in vocab for word in words] == [True] * len(words)
    assert canonical("thigh_highs", vocab) == "thighhighs"


# --- against the shared Danbooru tables ---------------------------------------------


@pytest.fixture(scope="session")
def danbooru_vocabulary() -> Vocabulary:
    """The full tag list plus the alias table, loaded once per session."""
    return Vocabulary.load(
        require_shared_file("danbooru_tags.csv"), require_shared_file("danbooru_tag_aliases.csv")
    )


def test_full_table_loads(danbooru_vocabulary: Vocabulary) -> None:
    table = danbooru_vocabulary.tables[0]
    assert (len(table.names), table.skipped_rows) == (140782, 0)
    assert danbooru_vocabulary.info("1girl") == TagInfo(
        name="1girl", category=TagCategory.general, post_count=6008644
    )


def test_fast_name_path_equals_normalize_tag(danbooru_vocabulary: Vocabulary) -> None:
    path = require_shared_file("danbooru_tags.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        raw = [row[0] for row in csv.reader(handle) if row]
    assert danbooru_vocabulary.tables[0].names == [normalize_tag(name) for name in raw]


# (alias as a user writes it, the tag the Danbooru tables say it became)
DANBOORU_ALIAS_CASES = [
    ("gray_hair", "grey hair"),  # inline alias of the autocomplete list
    ("/lh", "long hair"),  # Danbooru's autocomplete abbreviation
    ("Gray Hair", "grey hair"),  # any case, spaces
    ("silver_hair", "silver hair"),  # the 2025 alias table has no active row for it
]


@pytest.mark.parametrize(("alias", "tag"), DANBOORU_ALIAS_CASES)
def test_danbooru_aliases(danbooru_vocabulary: Vocabulary, alias: str, tag: str) -> None:
    assert danbooru_vocabulary.canonical(alias) == tag


def test_wd_selected_tags_with_blank_line() -> None:
    table = read_table(require_shared_file("wd14_v2_selected_tags_general.csv"))
    # 6,913 tags; the file's blank line 4,997 is skipped, not counted as malformed
    assert (len(table.names), table.skipped_rows) == (6913, 0)


def test_danbooru_implications() -> None:
    vocab = Vocabulary.load(require_shared_file("danbooru_tag_implications.csv"))
    assert "long hair" in vocab.implied("very_long_hair")


def test_quoted_names_spanning_lines_are_one_name(tmp_path: Path) -> None:
    # a quoted field may hold a newline; the name is one name, its newline a space
    path = write(tmp_path, "tags.csv", '"new\nline",0,5,"a\nb,c"\nsmile,0,3,\n')
    table = read_table(path)
    assert (table.names, table.aliases) == (
        ["new line", "smile"],
        {"a b": "new line", "c": "new line"},
    )
