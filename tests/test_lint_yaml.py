"""Tests for aidxl_prompt.lint.prompt_file: a YAML prompt file's findings at its lines,
and its safe fixes made in place."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt.errors import PromptFileError
from aidxl_prompt.files._yaml_input import load_yaml
from aidxl_prompt.files.prompt_file import parse_prompt_text
from aidxl_prompt.lint.config import LintConfig
from aidxl_prompt.lint.diagnostic import Fix
from aidxl_prompt.lint.prompt_file import fix_prompt_file, lint_prompt_file

UNDERSCORE = "'long_hair' is written with underscores; the card spells it 'long hair'"

# (file text, [(code, line, column, the text the span covers, message)])
CASES = [
    # a plain tag in a flow list: the span is the tag in the YAML line
    (
        "clothing: [long_hair]\n",
        [("AP201", 1, 12, "long_hair", UNDERSCORE)],
    ),
    # a block list, and the duplicate (its first occurrence: see the test below)
    (
        "expression:\n  - smile\n  - smile\n",
        [
            (
                "AP601",
                3,
                5,
                "smile",
                "'smile' is already in the prompt",
            )
        ],
    ),
    # the negative entries are the negative prompt of every part
    (
        "expression: [smile]\nnegative: [smile]\n",
        [
            (
                "AP604",
                1,
                14,
                "smile",
                "'smile' is also in the negative prompt; the two cancel out",
            )
        ],
    ),
    # a weight written beside the text is checked at that number (AP501), in every form
    (
        "quality:\n  - {best quality: 5}\n  - {text: high quality, weight: 0x10}\n",
        [
            ("AP501", 2, 20, "5", "the weight 5 of 'best quality' is outside 0.5 to 1.5"),
            ("AP501", 3, 34, "0x10", "the weight 16 of 'high quality' is outside 0.5 to 1.5"),
        ],
    ),
    (
        "expression: [{smile: 1.2}, {choose: [{frown: 3}, pout]}]\nnegative: [{blurry: 0.1}]\n",
        [
            ("AP501", 1, 46, "3", "the weight 3 of 'frown' is outside 0.5 to 1.5"),
            ("AP501", 2, 21, "0.1", "the weight 0.1 of 'blurry' is outside 0.5 to 1.5"),
        ],
    ),
    # the quality slot: a level's short name is that level (nothing to say), a tag of
    # the writer's own is not one of the card's levels (AP304)
    (
        "quality: [best, amazing quality, masterpiece]\n",
        [
            (
                "AP304",
                1,
                34,
                "masterpiece",
                "'masterpiece' is not one of the card's 6 quality levels; use one of: "
                "amazing quality, best quality, high quality, normal quality, low quality, "
                "worst quality",
            )
        ],
    ),
    # a phrase is A1111 syntax: the finding is inside the quoted text
    (
        "clothing:\n  - {kind: phrase, text: '((dress))'}\n",
        [("AP503", 2, 27, "((dress))", "nested emphasis '((dress))' is the weight 1.21")],
    ),
    # a tag whose parentheses A1111 needs escaped: the whole YAML value
    (
        "clothing: ['bishop_(chess)']\n",
        [
            (
                "AP201",
                1,
                12,
                "'bishop_(chess)'",
                "'bishop_\\\\(chess\\\\)' is written with underscores; the card spells it "
                "'bishop (chess)'",
            )
        ],
    ),
    # {tag: weight} and {text: ...} entries are tags too
    (
        "expression: [{long_hair: 1.2}]\nclothing: [{text: white_shirt, weight: 0.9}]\n",
        [
            ("AP201", 1, 15, "long_hair", UNDERSCORE),
            (
                "AP201",
                2,
                19,
                "white_shirt",
                "'white_shirt' is written with underscores; the card spells it 'white shirt'",
            ),
        ],
    ),
    # each section is a part of its own
    (
        "expression: [solo]\nsections:\n  - joiner: BREAK\n    character: [2girls]\n",
        [],
    ),
    (
        "sections:\n  - joiner: AND\n    expression: [solo, 2girls]\n",
        [
            (
                "AP603",
                3,
                24,
                "2girls",
                "'2girls' contradicts 'solo': a solo picture shows one person",
            )
        ],
    ),
    # the options of a choose are never in one prompt: no conflict, each linted alone
    (
        "expression:\n  - choose: [solo, 2girls, [long_hair, smile]]\n",
        [("AP201", 2, 29, "long_hair", UNDERSCORE)],
    ),
    # left out: the slot order (rendered in the card's order) and the card's treatment
    # of short forms (art_style adds 'by', quality reads 'amazing')
    ("quality: [{amazing quality: 1.5}]\ncharacter: [1girl]\n", []),
    ("art_style: [yoneyama mai]\nquality: [amazing]\npainting_style: [impasto]\n", []),
    # typed entries are checked when the file is read
    ("character:\n  - {character: lucy, series: cyberpunk}\n", []),
    # the settings block, at its key
    (
        "expression: [smile]\nsettings:\n  cfg_scale: 13\n",
        [
            (
                "AP703",
                3,
                3,
                "cfg_scale: 13",
                'cfg_scale: CFG scale 13 is outside the card\'s 5 to 11 (card: "CFG scale: 5-11")',
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_findings_are_where_the_file_writes_them(
    text: str, expected: list[tuple[str, int, int, str, str]]
) -> None:
    found = lint_prompt_file(text, path="a.prompt.yaml")
    got = [(d.code, d.line, d.column, text[d.span[0] : d.span[1]], d.message) for d in found]
    assert got == expected
    assert all(d.path == "a.prompt.yaml" for d in found)


def test_a_duplicate_points_at_where_the_file_writes_the_first() -> None:
    text = "expression:\n  - smile\n  - smile\n"
    (found,) = lint_prompt_file(text)
    assert found.related is not None
    assert (text[found.related[0] : found.related[1]], found.related) == ("smile", (16, 21))


def test_quoted_with_escapes_points_at_the_value() -> None:
    # the YAML value is not the text as written: the finding is on the whole value
    text = 'clothing: ["long\\u005fhair"]\n'
    (found,) = lint_prompt_file(text)
    assert (found.code, found.line, found.column) == ("AP201", 1, 12)
    assert text[found.span[0] : found.span[1]] == '"long\\u005fhair"'


def test_a_byte_order_mark_does_not_move_the_spans() -> None:
    text = "\ufeffclothing: [long_hair]\n"
    (found,) = lint_prompt_file(text)
    assert text[found.span[0] : found.span[1]] == "long_hair"


def test_selection_and_per_file_ignores_apply() -> None:
    text = "clothing: [long_hair, frown_x]\n"
    config = LintConfig(per_file_ignores={"*.prompt.yaml": ("AP201",)})
    assert [d.code for d in lint_prompt_file(text, path="a.prompt.yaml", config=config)] == [
        "AP301"
    ]
    assert [d.code for d in lint_prompt_file(text, config=LintConfig(select=("AP3",)))] == ["AP301"]


def test_a_bad_file_is_a_prompt_file_error() -> None:
    with pytest.raises(PromptFileError) as error:
        lint_prompt_file("painting_style: [impasta]\n", path="b.prompt.yaml")
    assert str(error.value).startswith(
        "b.prompt.yaml:1: painting_style[0]: 'impasta' is not one of the card's painting styles"
    )


WORDS = st.lists(
    st.text(alphabet="abcdeghilmnorst_", min_size=1, max_size=12).filter(
        lambda w: w.strip("_") == w
    ),
    min_size=1,
    max_size=6,
)


@settings(deadline=None)  # the first call loads the vocabulary
@given(WORDS, st.booleans())
def test_every_span_lies_inside_its_entry(words: list[str], block: bool) -> None:
    # wherever a finding is, it covers text of one entry on that entry's own line (the
    # words are quoted: YAML reads a bare 'no' as false)
    if block:
        text = "clothing:\n" + "".join(f"  - '{word}'\n" for word in words)
    else:
        text = "clothing: [" + ", ".join(f"'{word}'" for word in words) + "]\n"
    for found in lint_prompt_file(text):
        covered = text[found.span[0] : found.span[1]]
        assert covered in words
        line = text.splitlines()[found.line - 1]
        assert line[found.column - 1 :].startswith(covered)


# --- fixes ------------------------------------------------------------------------------

# (file text, the file after fix_prompt_file): only the fixed scalars' bytes change
FIXES = [
    # plain tags in a flow list
    ("clothing: [long_hair, smile]\n", "clothing: [long hair, smile]\n"),
    # a block list keeps its comments and indentation
    (
        "clothing:  # the clothes\n  - long_hair  # hair\n  - white_shirt\n",
        "clothing:  # the clothes\n  - long hair  # hair\n  - white shirt\n",
    ),
    # single quotes stay, a quote in them stays doubled
    ("clothing: ['long_hair', 'it''s_me']\n", "clothing: ['long hair', 'it''s me']\n"),
    # double quotes stay; an escape in them is written as the character
    ('clothing: ["long\\u005fhair"]\n', 'clothing: ["long hair"]\n'),
    # in double quotes, quotes and backslashes are escaped again
    (
        'clothing:\n  - {kind: phrase, text: "((\\"dress\\" \\\\\\\\m/))"}\n',
        'clothing:\n  - {kind: phrase, text: "(\\"dress\\" \\\\\\\\m/:1.21)"}\n',
    ),
    # a plain phrase in a flow mapping that would now need quotes gets single quotes
    (
        "clothing: [{kind: phrase, text: ((dress))}]\n",
        "clothing: [{kind: phrase, text: '(dress:1.21)'}]\n",
    ),
    # ... while in a block mapping it stays plain
    (
        "clothing:\n  - kind: phrase\n    text: ((dress))\n",
        "clothing:\n  - kind: phrase\n    text: (dress:1.21)\n",
    ),
    # a tag with parentheses: plain where YAML allows it, quoted where it was
    (
        "clothing: ['bishop_(chess)', shirt_(x)]\n",
        "clothing: ['bishop (chess)', shirt (x)]\n",
    ),
    # {tag: weight}, block and flow, and {text: ..., weight: ...}
    ("expression: [{long_hair: 1.2}]\n", "expression: [{long hair: 1.2}]\n"),
    ("expression:\n  - long_hair: 1.2\n", "expression:\n  - long hair: 1.2\n"),
    (
        "clothing: [{text: white_shirt, weight: 0.9}]\n",
        "clothing: [{text: white shirt, weight: 0.9}]\n",
    ),
    # choose options, as a flow list and as {option: ...}
    (
        "expression:\n  - choose: [solo, [long_hair, smile]]\n",
        "expression:\n  - choose: [solo, [long hair, smile]]\n",
    ),
    (
        "expression:\n  - choose:\n    - option: [long_hair]\n",
        "expression:\n  - choose:\n    - option: [long hair]\n",
    ),
    # sections and the negative prompt
    (
        "sections:\n  - joiner: AND\n    clothing: [long_hair]\n",
        "sections:\n  - joiner: AND\n    clothing: [long hair]\n",
    ),
    ("negative: [bad_hands]\n", "negative: [bad hands]\n"),
    # two fixes in one scalar are both made (in two passes)
    (
        "negative:\n  - {kind: phrase, text: '(bad_hands:1)'}\n",
        "negative:\n  - {kind: phrase, text: 'bad hands'}\n",
    ),
    # full-width letters and underscores in one tag
    ("clothing: [\uff37\uff28\uff29\uff34\uff25_shirt]\n", "clothing: [white shirt]\n"),
    # a byte-order mark is kept (libyaml's offsets leave it out)
    ("\ufeffclothing: [long_hair]\n", "\ufeffclothing: [long hair]\n"),
    # not placed: removing a duplicate would delete a list item
    ("expression: [smile, smile]\n", "expression: [smile, smile]\n"),
    # not placed: a block scalar is not re-written
    (
        "clothing:\n  - kind: phrase\n    text: |\n      ((dress))\n",
        "clothing:\n  - kind: phrase\n    text: |\n      ((dress))\n",
    ),
    # not placed: a scalar written over two lines
    (
        "clothing: ['long_hair\n    ']\n",
        "clothing: ['long_hair\n    ']\n",
    ),
    # the slot order is never fixed (a file is rendered in the card's order)
    (
        "quality: [best_quality]\ncharacter: [1girl]\n",
        "quality: [best quality]\ncharacter: [1girl]\n",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FIXES)
def test_fix_rewrites_only_the_fixed_scalars(text: str, expected: str) -> None:
    assert fix_prompt_file(text) == expected
    assert fix_prompt_file(expected) == expected


def test_a_finding_carries_the_fix_of_its_scalar() -> None:
    # the fix of a file finding re-writes the whole scalar, in the file's coordinates
    text = "clothing: [{kind: phrase, text: ((dress))}]\n"
    (found,) = lint_prompt_file(text)
    assert found.fix == Fix((32, 41), "'(dress:1.21)'")
    assert found.fix.apply(text) == fix_prompt_file(text)


def test_fix_takes_the_selection_and_per_file_ignores() -> None:
    text = "clothing: [long_hair]\nnegative: [{kind: phrase, text: '(bad_hands:1)'}]\n"
    ignored = LintConfig(per_file_ignores={"*.prompt.yaml": ("AP201",)})
    assert fix_prompt_file(text, path="a.prompt.yaml", config=ignored) == (
        "clothing: [long_hair]\nnegative: [{kind: phrase, text: 'bad_hands'}]\n"
    )
    assert fix_prompt_file(text, config=LintConfig(select=("AP2",))) == (
        "clothing: [long hair]\nnegative: [{kind: phrase, text: '(bad hands:1)'}]\n"
    )


def test_fix_of_a_bad_file_is_the_error_lint_gives() -> None:
    for text in ("expression: [smile\n", "painting_style: [impasta]\n"):
        with pytest.raises(PromptFileError) as linted:
            lint_prompt_file(text, path="b.prompt.yaml")
        with pytest.raises(PromptFileError) as fixed:
            fix_prompt_file(text, path="b.prompt.yaml")
        assert str(fixed.value) == str(linted.value)
        assert str(fixed.value).startswith("b.prompt.yaml:")


def _changed_leaves(before: Any, after: Any) -> list[tuple[str, str]]:
    """The (before, after) strings where two YAML values differ; fails on any other
    difference (of shape, of a number, of a key that is not a string)."""
    if isinstance(before, dict):
        assert isinstance(after, dict)
        assert len(before) == len(after)
        pairs = list(zip(before.items(), after.items(), strict=True))
        keys = [(k1, k2) for (k1, _), (k2, _) in pairs if k1 != k2]
        return keys + [c for (_, v1), (_, v2) in pairs for c in _changed_leaves(v1, v2)]
    if isinstance(before, list):
        assert isinstance(after, list)
        return [c for v1, v2 in zip(before, after, strict=True) for c in _changed_leaves(v1, v2)]
    if before == after:
        return []
    assert isinstance(before, str)
    assert isinstance(after, str)
    return [(before, after)]


TAG_WORDS = st.text(alphabet="abcdehilmnorst_()\uff41", min_size=1, max_size=10).filter(
    lambda w: w.strip("_") == w and w[0] != "("
)
# how an entry is written: plain, single- or double-quoted, or a phrase of A1111 text
STYLES = st.sampled_from(["{}", "'{}'", '"{}"', "{{kind: phrase, text: '(({}))'}}"])


@settings(deadline=None, max_examples=60)  # each example lints a file several times
@given(st.lists(st.tuples(TAG_WORDS, STYLES), min_size=1, max_size=5), st.booleans())
def test_fix_is_idempotent_and_changes_only_fixed_entries(
    entries: list[tuple[str, str]], block: bool
) -> None:
    items = [style.format(word) for word, style in entries]
    if block:
        lines = [f"  - {item}  # entry {i}\n" for i, item in enumerate(items)]
        text = "# a scene\nclothing:\n" + "".join(lines)
    else:
        text = "# a scene\nclothing: [" + ", ".join(items) + "]  # entry 0\n"
    try:
        before = lint_prompt_file(text)
    except PromptFileError:
        return  # a word the reader does not take as a tag
    fixed = fix_prompt_file(text)
    parse_prompt_text(fixed, source="<fixed>")  # the files layer reads it
    assert fix_prompt_file(fixed) == fixed
    # every value that changed is the value of a scalar a finding's fix re-writes
    fixable = {_scalar_value(text[d.fix.span[0] : d.fix.span[1]]) for d in before if d.fix}
    changed = _changed_leaves(load_yaml(text, source="a").value, load_yaml(fixed, source="b").value)
    assert {old for old, _ in changed} <= fixable
    # the comments and the line structure are kept
    assert [line.partition("#")[2] for line in fixed.splitlines()] == [
        line.partition("#")[2] for line in text.splitlines()
    ]
    # no fix is left (a finding of a fixed code may stay where it has no fix: 'd' is
    # the trigger of two characters, 'l' of one)
    assert [d for d in lint_prompt_file(fixed) if d.fix is not None] == []


def _scalar_value(written: str) -> Any:
    return load_yaml(f"[{written}]", source="<scalar>").value[0]
