"""The exception tree and the caret drawing of PromptSyntaxError."""

from __future__ import annotations

import re

import pytest

from aidxl_prompt import errors
from aidxl_prompt.errors import (
    AidxlPromptError,
    CardValueError,
    DataFileError,
    ExpandError,
    InputEncodingError,
    InputTooLargeError,
    OrderingError,
    PromptFileError,
    PromptSyntaxError,
    PromptValueError,
    RenderError,
    did_you_mean,
)

# (source, span, whole str(), line_number, column)
CARET_CASES = [
    ("abc", (1, 2), "bad at column 2\n  abc\n   ^", 1, 2),  # one character
    ("abcdef", (1, 4), "bad at column 2\n  abcdef\n   ~~^", 1, 2),  # three characters
    ("abc", (0, 0), "bad at column 1\n  abc\n  ^", 1, 1),  # empty span still gets a caret
    ("abc", (3, 3), "bad at column 4\n  abc\n     ^", 1, 4),  # at the very end
    ("", (0, 0), "bad at column 1\n  \n  ^", 1, 1),  # empty source
    ("ab\ncd\nef", (4, 5), "bad at line 2, column 2\n  cd\n   ^", 2, 2),  # middle line only
    ("ab\ncdef", (4, 7), "bad at line 2, column 2\n  cdef\n   ~~^", 2, 2),  # multi-char, line 2
    ("abc\ndef", (1, 6), "bad at line 1, column 2\n  abc\n   ~^", 1, 2),  # span past line end
    ("a\nb", (1, 1), "bad at line 1, column 2\n  a\n   ^", 1, 2),  # on the newline itself
    ("a\nb", (2, 3), "bad at line 2, column 1\n  b\n  ^", 2, 1),  # start of the last line
]


@pytest.mark.parametrize(("source", "span", "text", "line", "column"), CARET_CASES)
def test_caret_rendering(
    source: str, span: tuple[int, int], text: str, line: int, column: int
) -> None:
    error = PromptSyntaxError("bad", source=source, span=span)
    assert str(error) == text
    assert (error.line_number, error.column) == (line, column)
    assert (error.message, error.source, error.span) == ("bad", source, span)


def test_caret_rendering_of_a_real_prompt() -> None:
    error = PromptSyntaxError("unclosed '('", source="1girl, (smile", span=(7, 8))
    assert str(error) == "unclosed '(' at column 8\n  1girl, (smile\n         ^"
    assert error.args == ("unclosed '('",)


# (span, whole message)
BAD_SPANS = [
    ((-1, 0), "span (-1, 0) is outside a source of length 3"),  # negative start
    ((2, 1), "span (2, 1) is outside a source of length 3"),  # end before start
    ((0, 4), "span (0, 4) is outside a source of length 3"),  # past the end
]


@pytest.mark.parametrize(("span", "message"), BAD_SPANS)
def test_bad_span_is_rejected(span: tuple[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$") as info:
        PromptSyntaxError("bad", source="abc", span=span)
    assert not isinstance(info.value, PromptSyntaxError)


ERROR_TYPES = [
    PromptSyntaxError,
    PromptValueError,
    OrderingError,
    DataFileError,
    PromptFileError,
    CardValueError,
    RenderError,
    ExpandError,
    InputTooLargeError,
    InputEncodingError,
]


@pytest.mark.parametrize("error_type", ERROR_TYPES)
def test_every_error_is_a_value_error(error_type: type[Exception]) -> None:
    assert issubclass(error_type, AidxlPromptError)
    assert issubclass(error_type, ValueError)


def test_the_tree_is_in_errors() -> None:
    # Every exception the package raises on bad input is defined here (and listed above).
    defined = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert defined == {AidxlPromptError, *ERROR_TYPES}
    from aidxl_prompt.files import expand, prompt_file

    assert (expand.ExpandError, prompt_file.PromptFileError) == (ExpandError, PromptFileError)


def test_a_file_error_names_the_file_line_and_path() -> None:
    error = PromptFileError("expected a number", source="a.yaml", path=("race", 0, "elf"), line=3)
    assert str(error) == "a.yaml:3: race[0].elf: expected a number"
    assert (error.problem, error.source, error.path, error.line) == (
        "expected a number",
        "a.yaml",
        ("race", 0, "elf"),
        3,
    )
    assert str(PromptFileError("empty", source="<presets>")) == "<presets>: empty"


# (value, choices, hint)
DID_YOU_MEAN_CASES = [
    ("impasta", ["impasto", "realistic"], "; did you mean 'impasto'?"),  # one letter off
    ("wieght", ["text", "weight"], "; did you mean 'weight'?"),  # letters swapped
    ("zzz", ["impasto"], ""),  # nothing close
    ("text", [], ""),  # nothing to choose from
    ("qualty", ["quality", "quantity"], "; did you mean 'quality'?"),  # the closest wins
]


@pytest.mark.parametrize(("value", "choices", "hint"), DID_YOU_MEAN_CASES)
def test_did_you_mean(value: str, choices: list[str], hint: str) -> None:
    assert did_you_mean(value, choices) == hint


def test_syntax_error_is_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match=r"^oops at column 1\n  x\n  \^$"):
        raise PromptSyntaxError("oops", source="x", span=(0, 1))
