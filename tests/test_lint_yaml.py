"""Tests for aidxl_prompt.lint.prompt_file: a YAML prompt file's findings at its lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt.errors import PromptFileError
from aidxl_prompt.lint.config import LintConfig
from aidxl_prompt.lint.prompt_file import lint_prompt_file

UNDERSCORE = "'long_hair' is written with underscores; the card spells it 'long hair'"

# (file text, [(code, line, column, the text the span covers, message)])
CASES = [
    # a plain tag in a flow list: the span is the tag in the YAML line
    (
        "clothing: [long_hair]\n",
        [("AP201", 1, 12, "long_hair", UNDERSCORE)],
    ),
    # a block list, and the duplicate names the first one by line and column
    (
        "expression:\n  - smile\n  - smile\n",
        [
            (
                "AP601",
                3,
                5,
                "smile",
                "'smile' is already in the prompt (at line 2, column 5)",
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
    assert all(d.path == "a.prompt.yaml" and d.fix is None for d in found)


def test_quoted_with_escapes_points_at_the_value() -> None:
    # the YAML value is not the text as written: the finding is on the whole value
    text = 'clothing: ["long\\u005fhair"]\n'
    (found,) = lint_prompt_file(text)
    assert (found.code, found.line, found.column) == ("AP201", 1, 12)
    assert text[found.span[0] : found.span[1]] == '"long\\u005fhair"'


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
