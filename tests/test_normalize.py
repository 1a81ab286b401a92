"""Spelling (normalize_tag), escaping per dialect, and weight formatting."""

from __future__ import annotations

import enum
import importlib.util
import math
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from aidxl_prompt.model.items import Tag
from aidxl_prompt.model.parser import parse_tags
from aidxl_prompt.syntax.normalize import (
    DIALECTS,
    Dialect,
    escape,
    format_weight,
    kaomoji_names,
    normalize_tag,
    same_weight,
    unescape,
    verbatim_names,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
VERBATIM_YAML = REPO_ROOT / "data" / "tags" / "verbatim_names.yaml"
VERBATIM = yaml.safe_load(VERBATIM_YAML.read_text(encoding="utf-8"))

# (written, canonical)
NORMALIZE_CASES = [
    ("bishop_(chess)", "bishop (chess)"),  # the card: underscores become spaces
    (r"bishop \(chess\)", "bishop (chess)"),  # the card's escaped form is unescaped
    (r"bishop_\(chess\)", "bishop (chess)"),  # escaped and underscored
    ("Bishop_(Chess)", "bishop (chess)"),  # lower case
    ("1 frieren (sousou no frieren)", "1 frieren (sousou no frieren)"),  # card: already canon
    ("  long   hair ", "long hair"),  # whitespace collapsed and stripped
    ("long\thair\n", "long hair"),  # tabs and newlines are whitespace
    ("\u3000long hair\u3000", "long hair"),  # ideographic space (NFKC)
    ("long_hair_", "long hair"),  # a trailing underscore is trailing whitespace
    ("a__b", "a b"),  # underscore runs collapse like spaces
    ("ganyu\uff08genshin impact\uff09", "ganyu(genshin impact)"),  # full-width parentheses
    ("re\uff1azero", "re:zero"),  # full-width colon
    ("a\uff0cb", "a,b"),  # a full-width comma becomes a comma (the parser splits there)
    ("\uff42\uff52\uff45\uff41\uff4b", "break"),  # full-width letters
    ("BREAK", "break"),  # keywords are lowered out of tag text
    ("AND", "and"),  # likewise
    (r"\\(x\\)", "(x)"),  # any run of backslashes before a bracket is an escape
    (r"\[oshi no ko\]", "[oshi no ko]"),  # square-bracket escapes too
    ("a\\\\b", "a\\b"),  # a run of backslashes is one literal backslash
    ("a\\b", "a\\b"),  # a lone backslash elsewhere is kept
    ("O_O", "o_o"),  # a kaomoji in upper case: lowered, underscore kept
    ("^_^ ", "^_^"),  # a kaomoji with whitespace around it
    ("<O>_<O>", "<o>_<o>"),  # a longer kaomoji
    ("double_\\m/", "double \\m/"),  # a backslash name with a word underscore
    ("\\\\m/", "\\m/"),  # a doubled backslash name reads as the name
    ("_", ""),  # nothing left
    ("", ""),  # empty
]


@pytest.mark.parametrize(("written", "canonical"), NORMALIZE_CASES)
def test_normalize_tag(written: str, canonical: str) -> None:
    assert normalize_tag(written) == canonical
    assert normalize_tag(canonical) == canonical  # idempotent


@pytest.mark.parametrize("name", VERBATIM["kaomoji"])
def test_every_kaomoji_is_kept_verbatim(name: str) -> None:
    assert normalize_tag(name) == name
    assert name in kaomoji_names()
    assert Tag(name).text == name


# The backslash names as Danbooru writes them (underscores) and canonically (spaces).
BACKSLASH_NAMES = [
    ("\\m/", "\\m/"),  # devil horns
    ("\\(^o^)/", "\\(^o^)/"),  # the backslash is not an escape of "("
    ("\\\\//", "\\\\//"),  # two backslashes that are part of the name
    ("double_\\m/", "double \\m/"),  # word underscore becomes a space
    ("double_\\n/", "double \\n/"),  # likewise
    ("\\||/", "\\||/"),  # pipes inside
    ("\\o/", "\\o/"),  # the classic
    ("\\n/", "\\n/"),  # and its sibling
]


@pytest.mark.parametrize(("danbooru", "canonical"), BACKSLASH_NAMES)
def test_backslash_names_are_kept(danbooru: str, canonical: str) -> None:
    assert normalize_tag(danbooru) == canonical
    assert normalize_tag(canonical) == canonical


def test_backslash_table_lists_exactly_those_names() -> None:
    assert sorted(VERBATIM["backslash"]) == sorted(canonical for _, canonical in BACKSLASH_NAMES)
    assert verbatim_names() == frozenset(VERBATIM["kaomoji"]) | frozenset(VERBATIM["backslash"])


def _load_build_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "build_verbatim_names.py"
    spec = importlib.util.spec_from_file_location("build_verbatim_names", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_verbatim_yaml_is_derived_from_the_shared_table(danbooru_tags_csv: Path) -> None:
    kaomoji, backslash = _load_build_script().derive(danbooru_tags_csv)
    assert [name for name, _ in kaomoji] == VERBATIM["kaomoji"]
    assert [name for name, _ in backslash] == VERBATIM["backslash"]
    # The issue names these; the table must hold them (and the lists are not empty).
    for face in ("^_^", ">_<", "o_o", "0_0", "u_u", "x_x", "=_=", "@_@", "+_+", "|_|"):
        assert face in VERBATIM["kaomoji"]
    for face in ("._.", "<o>_<o>", "<|>_<|>", ">_o", "3_3", "6_9", "+_-", "t_t", "o_x"):
        assert face in VERBATIM["kaomoji"]


def test_normalize_tag_rejects_non_strings() -> None:
    with pytest.raises(TypeError) as info:
        normalize_tag(3)  # type: ignore[arg-type]
    assert str(info.value) == "normalize_tag() takes a str, not int"


# --- escape / unescape: every edge of dialects.md section 5 ----------------------------

# (dialect, canonical text, escaped)
ESCAPE_CASES: list[tuple[Dialect, str, str]] = [
    ("a1111", "bishop (chess)", "bishop \\(chess\\)"),  # both parens, always
    ("a1111", "a)", "a\\)"),  # one paren alone is still escaped
    ("a1111", "[oshi no ko]", "\\[oshi no ko\\]"),  # square brackets
    ("a1111", "\\m/", "\\\\m/"),  # a lone backslash would be deleted: doubled
    ("a1111", "\\(^o^)/", "\\\\\\(^o^\\)/"),  # backslash then an escaped paren
    ("a1111", "\\\\//", "\\\\\\\\//"),  # two backslashes, both doubled
    ("a1111", "re:zero", "re:zero"),  # a colon needs no escape (the renderer weights it)
    ("a1111", "a|b", "a|b"),  # the pipe is the renderer's business (only with schedules)
    ("a1111", "<lora:x:1>", "<\\lora:x:1>"),  # not an extra network any more
    ("a1111", "<a_b:(c)>", "<\\a_b:\\(c\\)>"),  # both rules at once
    ("a1111", "<3", "<3"),  # no network can form (escape(weighted=True) protects it)
    ("a1111", "gauss <bokashi", "gauss <bokashi"),  # issue 8: no "<\\" where none forms
    ("a1111", "a <b:c", "a <\\b:c"),  # here one would
    ("a1111", "<3 x", "<3 x"),  # a heart inside the text is safe
    ("a1111", "BREAK", "BREAK"),  # keywords never reach escape (canonical text is lower)
    ("comfyui", "bishop (chess)", "bishop \\(chess\\)"),  # both parens
    ("comfyui", "a)", "a\\)"),  # one paren: escaped, or it unbalances the rest
    ("comfyui", "[oshi no ko]", "[oshi no ko]"),  # \[ would send a backslash to CLIP
    ("comfyui", "\\m/", "\\m/"),  # backslashes are kept as they are
    ("comfyui", "\\(^o^)/", "\\\\(^o^\\)/"),  # ComfyUI reads \\( as \ then an escaped (
    ("comfyui", "<lora:x:1>", "<lora:x:1>"),  # literal in ComfyUI
    ("comfyui", "a|b", "a|b"),  # literal
    ("compel", "bishop (chess)", "bishop \\(chess\\)"),  # compel drops the backslash of \(
    ("compel", "[a]", "[a]"),  # leave as is
    ("compel", "a\\b", "a\\b"),  # leave as is
    ("plain", "bishop (chess)", "bishop (chess)"),  # plain never escapes
    ("plain", "\\m/", "\\m/"),  # not even backslashes
]


@pytest.mark.parametrize(("dialect", "text", "escaped"), ESCAPE_CASES)
def test_escape(dialect: Dialect, text: str, escaped: str) -> None:
    assert escape(text, dialect) == escaped
    assert unescape(escaped, dialect) == text


# (dialect, escaped text as a tool would see it, what the tool reads)
UNESCAPE_CASES: list[tuple[Dialect, str, str]] = [
    ("a1111", "a\\b", "ab"),  # A1111 deletes any other backslash
    ("a1111", "a\\:b", "a:b"),  # including before a colon
    ("a1111", "\\", ""),  # a lone backslash is nothing
    ("a1111", "\\\\", "\\"),  # an escaped backslash
    ("comfyui", "\\[a\\]", "\\[a\\]"),  # ComfyUI keeps unknown escapes
    ("comfyui", "a\\\\b", "a\\\\b"),  # and doubled backslashes
    ("comfyui", "\\(a\\)", "(a)"),  # its only escapes
    ("compel", "\\+", "\\+"),  # compel keeps \+
    ("plain", "\\(a\\)", "\\(a\\)"),  # plain reads nothing
]


@pytest.mark.parametrize(("dialect", "escaped", "read"), UNESCAPE_CASES)
def test_unescape(dialect: Dialect, escaped: str, read: str) -> None:
    assert unescape(escaped, dialect) == read


# Escaped text must come back from the dialect's own parser as the same single tag.
PARSE_BACK = [
    ("a1111", "bishop (chess)"),  # the card
    ("a1111", "\\(^o^)/"),  # a backslash name
    ("a1111", "<lora:x:1>"),  # network-looking text
    ("a1111", "[a:b:5]"),  # schedule-looking text
    ("comfyui", "\\(^o^)/"),  # one-sided escape trap
    ("comfyui", "a)"),  # a stray paren would switch parsing off
]


@pytest.mark.parametrize("dialect", ["a1111", "comfyui", "compel"])
def test_escape_of_a_str_enum_is_its_value_as_a_plain_str(dialect: Dialect) -> None:
    class Word(str, enum.Enum):
        SMILE = "smile"
        CHESS = "bishop (chess)"

    for word in Word:
        escaped = escape(word, dialect)
        assert type(escaped) is str
        assert escaped == escape(word.value, dialect)


@pytest.mark.parametrize(("dialect", "text"), PARSE_BACK)
def test_escaped_text_parses_back(dialect: Dialect, text: str) -> None:
    assert parse_tags(escape(text, dialect), dialect) == [Tag(text)]


@pytest.mark.parametrize("function", [escape, unescape])
def test_unknown_dialect(function: object) -> None:
    message = "unknown dialect 'sdnext'; expected one of a1111, comfyui, compel, plain"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        function("a", "sdnext")  # type: ignore[operator]


# --- format_weight ---------------------------------------------------------------------

# (weight, text)
WEIGHT_CASES = [
    (1.1, "1.1"),  # the common emphasis
    (0.9, "0.9"),  # and de-emphasis
    (1.2100000000000002, "1.21"),  # float noise of ((x)) is dropped
    (1 / 1.1, "0.90909091"),  # [x]: the shortest decimal with the same float32
    (1.5, "1.5"),  # the card's (amazing quality:1.5)
    (2.0, "2"),  # no trailing ".0"
    (0.0, "0"),  # zero
    (-0.0, "0"),  # never "-0"
    (-1e-9, "-0.000000001"),  # tiny but not 0 in float32: written out, no exponent
    (-1e-46, "0"),  # 0 in float32, and never "-0"
    (-1.5, "-1.5"),  # negative weights are written as such
    (-1.0, "-1"),  # negative integer
    (1e6, "1000000"),  # large: plain digits
    (1e20, "100000000000000000000"),  # huge: still no exponent
    (123456.789, "123456.79"),  # float32 holds no more digits than that
    (1.00004, "1.00004"),  # a different float32 from 1
    (1.00000001, "1"),  # the same float32 as 1
    (0.99999997, "0.99999997"),  # below 1 in float32: its shortest decimal
]


@pytest.mark.parametrize(("weight", "text"), WEIGHT_CASES)
def test_format_weight(weight: float, text: str) -> None:
    assert format_weight(weight) == text
    assert same_weight(float(text), weight)  # the tools compute with the same float32
    assert "e" not in text


# (weight, whole message)
BAD_WEIGHTS = [
    (math.nan, "a weight must be a finite number, not nan"),  # NaN
    (math.inf, "a weight must be a finite number, not inf"),  # +inf
    (-math.inf, "a weight must be a finite number, not -inf"),  # -inf
]


@pytest.mark.parametrize(("weight", "message"), BAD_WEIGHTS)
def test_format_weight_rejects_non_finite(weight: float, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        format_weight(weight)


# --- every Danbooru name ---------------------------------------------------------------


@pytest.fixture(scope="module")
def canonical_names(danbooru_names: list[str]) -> list[str]:
    return [normalize_tag(name) for name in danbooru_names]


@pytest.mark.slow
def test_every_danbooru_name_survives_escape_and_a1111_parse(
    danbooru_names: list[str], canonical_names: list[str]
) -> None:
    assert len(danbooru_names) == 140_782
    lost = []
    for name, canonical in zip(danbooru_names, canonical_names, strict=True):
        items = parse_tags(escape(canonical, "a1111"), "a1111")
        if not (
            len(items) == 1
            and isinstance(items[0], Tag)
            and items[0].text == canonical
            and items[0].weight == 1.0
        ):
            lost.append((name, canonical, items))
    assert lost == []


@pytest.mark.slow
def test_normalize_undoes_escape_for_every_danbooru_name(canonical_names: list[str]) -> None:
    # Issue 8: escape() of 'gauss <bokashi' once inserted "<\\" where no network could
    # form, and normalize_tag did not take it out again.
    for dialect in ("a1111", "comfyui"):
        changed = [n for n in canonical_names if normalize_tag(escape(n, dialect)) != n]
        assert changed == [], dialect


@pytest.mark.slow
def test_every_danbooru_name_survives_weighted_a1111(canonical_names: list[str]) -> None:
    # Written as (name:1.2), 300 at a time: each is one tag with its weight.
    lost = []
    for first in range(0, len(canonical_names), 300):
        chunk = canonical_names[first : first + 300]
        items = parse_tags(", ".join(Tag(name, 1.2).a1111 for name in chunk))
        read = [(item.text, item.weight) if isinstance(item, Tag) else item for item in items]
        if read != [(name, 1.2) for name in chunk]:
            lost.extend(name for name in chunk if (name, 1.2) not in read)
    assert lost == []


@pytest.mark.slow
def test_every_danbooru_name_survives_escape_and_comfyui_parse(
    canonical_names: list[str],
) -> None:
    # Parsed 200 at a time, joined by ", ": each name must still be one tag of its own.
    lost = []
    for first in range(0, len(canonical_names), 200):
        chunk = canonical_names[first : first + 200]
        items = parse_tags(", ".join(escape(name, "comfyui") for name in chunk), "comfyui")
        read = [(item.text, item.weight) if isinstance(item, Tag) else item for item in items]
        if read != [(name, 1.0) for name in chunk]:
            lost.extend(name for name in chunk if (name, 1.0) not in read)
            lost.append(f"chunk at {first}")
    assert lost == []


def test_dialect_list() -> None:
    assert DIALECTS == ("a1111", "comfyui", "compel", "plain")
