"""Vocabulary loading: format detection, errors with file and line, aliases, caching."""

from __future__ import annotations

import csv
import importlib.util
import os
import time
from array import array
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from pathlib import Path
from types import ModuleType

import pytest

from aidxl_prompt._data import load_builtin_yaml, vocab_dir
from aidxl_prompt.card.words import card_data, card_examples, card_words
from aidxl_prompt.compose import parse
from aidxl_prompt.errors import DataFileError
from aidxl_prompt.model.ordering import Ordering, Slot
from aidxl_prompt.syntax.normalize import normalize_tag
from aidxl_prompt.vocab._readers import read_table
from aidxl_prompt.vocab._slot_rules import curated_tags
from aidxl_prompt.vocab._tables import PackedTable, TagTable, pack_table
from aidxl_prompt.vocab.classify import classify
from aidxl_prompt.vocab.suggest import suggest
from aidxl_prompt.vocab.vocabulary import (
    EMBEDDED_SOURCE,
    TAGS_ENV_VAR,
    TagCategory,
    TagInfo,
    Vocabulary,
    builtin_table,
    canonical,
    embedded_table,
    load_vocabulary,
    vocabulary_paths_from_env,
)
from conftest import REPO_ROOT, require_shared_file

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
    assert (table.names, table.skipped_rows) == (("long hair", "smile"), 3)
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


def test_from_env_reads_the_given_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "tags.csv", "wlop,1,10,\n")
    assert Vocabulary.from_env({}) is Vocabulary.default()
    assert Vocabulary.from_env({TAGS_ENV_VAR: os.pathsep}) is Vocabulary.default()
    # the user's file is layered over the embedded table
    environ = {TAGS_ENV_VAR: f"{path}{os.pathsep}"}
    assert Vocabulary.from_env(environ).sources == (
        str(path.resolve()),
        "danbooru (embedded)",
        "built-in",
    )
    assert vocabulary_paths_from_env(environ) == (str(path),)


def test_from_env_defaults_to_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "tags.csv", "wlop,1,10,\n")
    monkeypatch.setenv(TAGS_ENV_VAR, str(path))
    assert Vocabulary.from_env().sources[0] == str(path.resolve())
    assert vocabulary_paths_from_env() == (str(path),)


def test_library_calls_never_read_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression (issue 9): the same call sorted tags differently in another shell.
    path = write(tmp_path, "tags.csv", "smile,1,10,\nqwzx,4,10,\n")
    before = (
        load_vocabulary(),
        classify("smile"),
        suggest("qwz", limit=1),
        canonical("gray_hair"),
        parse("smile, qwzx").character,
    )
    monkeypatch.setenv(TAGS_ENV_VAR, str(path))
    after = (
        load_vocabulary(),
        classify("smile"),
        suggest("qwz", limit=1),
        canonical("gray_hair"),
        parse("smile, qwzx").character,
    )
    assert after == before
    assert before[0] is Vocabulary.default()
    # an explicit argument is what changes the answer
    assert load_vocabulary(path).category("smile") is TagCategory.artist


# (what a caller tries on a cached, shared table or vocabulary) -- every one refused
SHARED_CHANGES = [
    ("embedded table", lambda: setattr(embedded_table(), "tags_data", b"")),
    ("embedded columns", lambda: embedded_table().unpacked().index.pop("1girl")),  # type: ignore[attr-defined]
    ("built-in names", lambda: builtin_table().names.append("x")),  # type: ignore[attr-defined]
    ("built-in aliases", lambda: builtin_table().aliases.__setitem__("x", "y")),  # type: ignore[attr-defined]
    ("built-in counts", lambda: builtin_table().counts.__setitem__(0, 5)),  # type: ignore[attr-defined]
    ("built-in categories", lambda: builtin_table().categories.__setitem__(0, 1)),  # type: ignore[attr-defined]
    ("a table's field", lambda: setattr(builtin_table(), "names", ())),
    ("default layers", lambda: setattr(Vocabulary.default(), "tables", ())),
    ("card words", lambda: card_words().__setitem__("x", None)),  # type: ignore[attr-defined]
    ("card data", lambda: card_data()["quality_levels"].append("x")),  # type: ignore[attr-defined]
    ("card examples", lambda: card_examples().pop(Slot.quality)),  # type: ignore[attr-defined]
    ("curated lists", lambda: curated_tags().pop("twintails")),  # type: ignore[attr-defined]
    ("slot ranks", lambda: Ordering.preset("caption")._ranks().pop(Slot.quality)),  # type: ignore[attr-defined]
]


@pytest.mark.parametrize(("what", "change"), SHARED_CHANGES, ids=[row[0] for row in SHARED_CHANGES])
def test_cached_shared_tables_are_read_only(what: str, change: Callable[[], object]) -> None:
    # Regression (issue 9): builtin_table() was cached but handed out a mutable table.
    with pytest.raises((AttributeError, TypeError, FrozenInstanceError)):
        change()
    assert "amazing quality" in Vocabulary.default()
    assert Vocabulary.default().sources == ("danbooru (embedded)", "built-in")


def test_a_file_table_is_read_only_and_shared(tmp_path: Path) -> None:
    path = write(tmp_path, "tags.csv", "smile,0,1,smiling\n")
    table = read_table(path)
    assert read_table(path) is table  # cached: every vocabulary over the file shares it
    with pytest.raises(TypeError):
        table.aliases["frown"] = "smile"  # type: ignore[index]
    assert dict(read_table(path).aliases) == {"smiling": "smile"}


def test_builtin_data_files_are_copied_for_each_caller() -> None:
    first = load_builtin_yaml("card.yaml")
    first["quality_levels"].clear()
    assert load_builtin_yaml("card.yaml")["quality_levels"][0] == "amazing quality"


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
    assert list(danbooru_vocabulary.tables[0].names) == [normalize_tag(name) for name in raw]


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
    assert (table.names, dict(table.aliases)) == (
        ("new line", "smile"),
        {"a b": "new line", "c": "new line"},
    )


# --- the embedded table -------------------------------------------------------------


def build_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "build_vocab.py"
    spec = importlib.util.spec_from_file_location("build_vocab", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_files_equal_the_build() -> None:
    built = build_script().build(require_shared_file("danbooru_tags.csv"))
    shipped = {name: (vocab_dir() / name).read_bytes() for name in built}
    # compared file by file, so a failure names the file that is stale
    for name, content in built.items():
        assert shipped[name] == content, f"data/vocab/{name} is stale: run scripts/build_vocab.py"


def test_licence_and_provenance_ship_with_the_table() -> None:
    licence = (vocab_dir() / "LICENSE-tagcomplete.txt").read_text(encoding="utf-8")
    assert "Copyright (c) 2022 Dominik Reh" in licence
    provenance = (vocab_dir() / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "f936684fa0b041e9a55d35f2052588e28d95eef8672be6829241f8b1a7214732" in provenance


def test_packed_table_agrees_with_the_csv_reader() -> None:
    table = read_table(require_shared_file("danbooru_tags.csv"))
    packed = embedded_table()
    unpacked = packed.unpacked()
    assert packed.size == unpacked.size == table.size == 140782
    assert list(unpacked.names) == sorted(table.names)
    assert {
        name: (unpacked.category_of(position), unpacked.counts[position])
        for position, name in enumerate(unpacked.names)
    } == {
        name: (table.category_of(position), table.counts[position])
        for position, name in enumerate(table.names)
    }
    assert unpacked.aliases == table.aliases


@pytest.mark.slow
def test_every_name_and_alias_is_found_by_binary_search() -> None:
    packed = embedded_table()
    unpacked = packed.unpacked()
    for position, name in enumerate(unpacked.names):
        found = packed.position(name)
        assert found is not None, name
        assert (packed.name_of(found), packed.category_of(found), packed.count_of(found)) == (
            name,
            unpacked.category_of(position),
            unpacked.counts[position],
        )
    assert all(packed.alias_of(alias) == tag for alias, tag in unpacked.aliases.items())


# (tag as a user writes it, what the embedded table says) -- no file needed.
EMBEDDED_INFO_CASES = [
    ("1girl", TagInfo(name="1girl", category=TagCategory.general, post_count=6008644)),
    ("!", TagInfo(name="!", category=TagCategory.general, post_count=38079)),  # the first line
    ("wlop", TagInfo(name="wlop", category=TagCategory.artist, post_count=365)),
    (
        "Ganyu_(Genshin_Impact)",
        TagInfo(name="ganyu (genshin impact)", category=TagCategory.character, post_count=18317),
    ),
    (
        r"bishop \(chess\)",
        TagInfo(name="bishop (chess)", category=TagCategory.general, post_count=1315),
    ),
    (
        "sousou no frieren",
        TagInfo(name="sousou no frieren", category=TagCategory.copyright, post_count=14212),
    ),
    ("^_^", TagInfo(name="^_^", category=TagCategory.general, post_count=110141)),  # kaomoji
]


@pytest.mark.parametrize(("tag", "expected"), EMBEDDED_INFO_CASES)
def test_embedded_lookup(tag: str, expected: TagInfo) -> None:
    assert Vocabulary.default().info(tag) == expected


# (alias as written, the tag it stands for) -- the list's alias column, embedded.
EMBEDDED_ALIAS_CASES = [
    ("/lh", "long hair"),  # an autocomplete abbreviation
    ("gray_hair", "grey hair"),  # a deprecated spelling
    ("long hair", "long hair"),  # a tag is never rewritten
    ("qwzx", "qwzx"),  # unknown: kept as written
]


@pytest.mark.parametrize(("alias", "tag"), EMBEDDED_ALIAS_CASES)
def test_embedded_aliases(alias: str, tag: str) -> None:
    assert canonical(alias) == tag


# Names that are not in the table, around the names that are.
ABSENT_NAMES = [
    "",  # empty
    " ",  # sorts before the first name
    "long hai",  # a prefix of a name
    "long hair\t0",  # a name followed by its own separator
    "long hair\t0\t4350743",  # a whole line
    "\U0010ffff",  # sorts after the last name
    "\ud800",  # a lone surrogate: looked up, never raised on
]


@pytest.mark.parametrize("name", ABSENT_NAMES)
def test_absent_names(name: str) -> None:
    packed = embedded_table()
    assert (packed.position(name), packed.alias_of(name)) == (None, None)


def test_pack_and_search_a_small_table() -> None:
    table = TagTable(
        source="mine",
        kind="tags",
        names=["smile", "blush", "a"],
        counts=array("q", [9, 5, 1]),
        categories=bytearray([0, 0, 1]),
        aliases={"smiling": "smile"},
    )
    tags, aliases = pack_table(table)
    assert tags == b"a\t1\t1\nblush\t0\t5\nsmile\t0\t9\n"
    packed = PackedTable("mine", tags, aliases)
    assert [packed.position(name) for name in ("a", "blush", "smile", "b")] == [0, 6, 16, None]
    assert packed.unpacked().names == ("a", "blush", "smile")
    assert packed.unpacked() is packed.unpacked()


def test_a_rating_cannot_be_packed() -> None:
    table = TagTable(
        source="selected_tags.csv",
        kind="wd",
        names=["general"],
        counts=array("q", [7]),
        categories=bytearray([5]),
    )
    with pytest.raises(DataFileError) as caught:
        pack_table(table)
    assert str(caught.value) == "selected_tags.csv: 'general': a rating tag cannot be packed"


def test_packed_text_must_end_with_a_newline() -> None:
    with pytest.raises(DataFileError) as caught:
        PackedTable("mine", b"smile\t0\t9")
    assert str(caught.value) == "mine: the packed tags text must end with a newline"


def test_user_files_are_layered_over_the_embedded_table(tmp_path: Path) -> None:
    # the user's file says wlop is a character: it wins; Danbooru still knows the rest
    path = write(tmp_path, "mine.csv", "wlop,4,1,\nqwzx,1,2,\n")
    vocab = Vocabulary.load(path)
    assert vocab.sources == (str(path.resolve()), EMBEDDED_SOURCE, "built-in")
    assert [vocab.category(tag) for tag in ("wlop", "qwzx", "yoneyama mai")] == [
        TagCategory.character,
        TagCategory.artist,
        TagCategory.artist,
    ]
    # include_embedded=False: the file replaces the embedded table
    alone = Vocabulary.load(path, include_embedded=False)
    assert alone.sources == (str(path.resolve()), "built-in")
    assert alone.category("yoneyama mai") is None


def test_default_vocabulary_is_shared() -> None:
    assert Vocabulary.default() is Vocabulary.default()
    assert Vocabulary.default().tables[0] is embedded_table()
    assert len(Vocabulary.default()) == 140782 + len(Vocabulary.builtin())
