"""compel_escape and compel_problem against what compel 2.5.1's own parser reads.

The tables under ``tests/cases/compel/`` come from the real parser
(``scripts/compel_cases.py``); compel itself is not needed here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidxl_prompt.syntax._compel import compel_escape, compel_problem, compel_unescape
from aidxl_prompt.syntax.normalize import normalize_tag

CASES = Path(__file__).resolve().parent / "cases" / "compel"
WEIGHT = 1.3

WEIGHT_SUFFIX = "compel reads {!r} after a word as a weight"
EQUALS_IN_GROUP = "compel cannot read '=' inside weighted parentheses and keeps the group as text"
FINAL_BACKSLASH = "a final backslash escapes the closing parenthesis of the group"
REMOVED_AGAIN = (
    "compel deletes the backslash of '\\(', '\\)' and '\\\"' each time it rebuilds the text"
)
WHITESPACE = "compel splits words at whitespace and joins them with single spaces"
COMMA_THEN_TEXT = "compel adds a space after a ',' that is followed by text"
FINAL_COMMA = "compel adds a space between a final ',' and the ', ' after the tag"

# (text, weighted, the problem compel_problem names, or None)
PROBLEM_CASES = [
    # issue 8: refused before, yet compel 2.5.1 reads these back unchanged
    ("\\m/", False, None),
    ("\\||/", False, None),
    ("double \\m/", False, None),
    ("\\m/", True, None),
    ("double \\m/", True, None),
    # issue 8: '=' and '+=' / '++' are compel syntax
    ("a=", True, EQUALS_IN_GROUP),  # '(a=)1.5' is read as the text '(a=)1.5'
    ("a+=", False, WEIGHT_SUFFIX.format("+")),  # 'a' at 1.1, then '='
    ("a++b", False, WEIGHT_SUFFIX.format("++")),  # 'a' at 1.21, then 'b'
    ("a++b", True, WEIGHT_SUFFIX.format("++")),  # 'a' at 1.573, then 'b' at 1.3
    ("a=", False, None),  # bare, '=' is only a word character
    ("qi==qi", False, None),  # a Danbooru name
    ("1=2", True, EQUALS_IN_GROUP),
    # a sign run ends a word only before whitespace, syntax or the end
    ("6+girls", False, None),
    ("6+girls", True, None),
    ("blood+", False, WEIGHT_SUFFIX.format("+")),
    ("+++", False, None),  # no word before the signs: a plain word
    ("+_+", False, WEIGHT_SUFFIX.format("+")),  # the kaomoji reads as '+_' at 1.1
    ("a - b", False, None),
    (
        "a - b",
        True,
        "compel cannot read a lone '-' inside weighted parentheses and keeps the group as text",
    ),
    (
        "a\\++",
        False,
        WEIGHT_SUFFIX.format("+"),
    ),  # '\+' is part of the word, the '+' after it is not
    # backslashes: kept as written, except before ( ) "
    ("^_^\\", False, None),
    ("^_^\\", True, FINAL_BACKSLASH),
    ("a\\b", True, None),
    ("a\\.b", True, None),  # '\.' keeps its backslash and stays in the word
    ("\\(^o^)/", False, REMOVED_AGAIN),
    ("\\(^o^)/", True, REMOVED_AGAIN),
    # quotes and parentheses are escaped, so they read back
    ('don\'t say "lazy"', False, None),
    ('tharja ("normal girl") (fire emblem)', True, None),
    ("bishop (chess)", True, None),
    # ',' and '.'
    ("a,b", False, COMMA_THEN_TEXT),
    ("a,", False, FINAL_COMMA),  # 'x, a,, y' is read as 'x, a, , y'
    ("a, b", False, None),
    ("a, b", True, "compel puts spaces around ',' inside weighted parentheses"),
    ("a , b", True, None),
    ("mmm.", False, None),
    ("mmm.", True, "compel puts spaces around '.' inside weighted parentheses"),
    ("2.5", True, "compel puts spaces around '.' inside weighted parentheses"),
    # whitespace
    ("a  b", False, WHITESPACE),
    ("a\tb", True, WHITESPACE),
    ("a\xa0b", False, None),  # not a word separator for compel
    ("", True, "compel reads an empty group '()' as no prompt at all"),
]


@pytest.mark.parametrize(("text", "weighted", "expected"), PROBLEM_CASES)
def test_compel_problem(text: str, weighted: bool, expected: str | None) -> None:
    assert compel_problem(text, weighted=weighted) == expected


# (text, what the renderer writes for compel)
ESCAPE_CASES = [
    ("bishop (chess)", "bishop \\(chess\\)"),  # compel groups with ( )
    ('say "hi"', 'say \\"hi\\"'),  # '"' starts a quoted fragment
    ("\\m/", "\\m/"),  # a backslash before anything else is kept by compel
    ("a+b, c.d", "a+b, c.d"),  # '\+' '\,' '\.' would keep their backslash: not escapes
]


@pytest.mark.parametrize(("text", "expected"), ESCAPE_CASES)
def test_compel_escape(text: str, expected: str) -> None:
    assert compel_escape(text) == expected


@given(st.text(alphabet='ab (),."\\+-=m/'))
def test_compel_unescape_undoes_compel_escape(text: str) -> None:
    assert compel_unescape(compel_escape(text)) == text


@cache
def _table(name: str) -> dict[str, Any]:
    with (CASES / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _expected(text: str, weighted: bool) -> dict[str, list[list[Any]]]:
    """compel's reading when it reads the text back: alone, and as 'x, TEXT, y'."""
    if weighted:
        return {"alone": [[text, WEIGHT]], "in_prompt": [["x,", 1.0], [text, WEIGHT], [", y", 1.0]]}
    return {"alone": [[text, 1.0]], "in_prompt": [[f"x, {text}, y", 1.0]]}


@pytest.mark.parametrize("weighted", [False, True])
def test_compel_problem_agrees_with_compel_on_generated_texts(weighted: bool) -> None:
    # Each row: [text, weighted, None] when compel read it back, else
    # [text, weighted, where, compel's reading].
    rows = [row for row in _table("tricky.json")["cases"] if row[1] is weighted]
    wrong = [
        row
        for row in rows
        if (compel_problem(row[0], weighted=weighted) is None) is not (row[2] is None)
    ]
    assert wrong == []


def test_generated_table_says_what_compel_read() -> None:
    rows = _table("tricky.json")["cases"]
    # A refusal records a reading that really differs from the text written.
    same = [
        row for row in rows if row[2] is not None and row[3] == _expected(row[0], row[1])[row[2]]
    ]
    assert same == []
    assert len(rows) == 34_170
    assert sum(row[2] is None for row in rows) == 11_120


def test_generated_table_holds_the_issue_examples() -> None:
    rows = {(row[0], row[1]): row[2:] for row in _table("tricky.json")["cases"]}
    assert rows["\\m/", False] == [None]
    assert rows["\\||/", False] == [None]
    assert rows["double \\m/", False] == [None]
    assert rows["a++b", False] == ["alone", [["a", 1.2100000000000002], ["b", 1.0]]]
    assert rows["a+=", False] == ["alone", [["a", 1.1], ["=", 1.0]]]
    assert rows["a=", True] == ["alone", [["(a=)1.3", 1.0]]]
    assert rows["a,", False] == ["in_prompt", [["x, a, , y", 1.0]]]


@pytest.mark.slow
def test_compel_problem_agrees_with_compel_on_danbooru_names(danbooru_names: list[str]) -> None:
    # The table lists every name compel does not read back among the names it checked
    # (every name with a syntax character other than parentheses, and a sample of the rest).
    table = _table("danbooru.json")
    names = {normalize_tag(name) for name in danbooru_names}
    assert len(names) == table["names"]
    checked = table["checked_names"]
    assert set(checked) <= names
    for key, weighted in (("bare", False), ("weighted", True)):
        refused = {row[0] for row in table[f"refused_{key}"]}
        found = {name for name in checked if compel_problem(name, weighted=weighted) is not None}
        assert (key, sorted(found - refused), sorted(refused - found)) == (key, [], [])
        assert len(checked) - len(found) == table[f"accepted_{key}"]
