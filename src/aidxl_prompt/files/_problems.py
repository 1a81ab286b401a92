"""What the prompt-file reader says when an entry is wrong, before it knows the line.

The reader raises :class:`EntryProblem` (a field path and a problem) deep inside a
document; the top of the reader turns it into a
:class:`~aidxl_prompt.errors.PromptFileError` with the file and the YAML line. Every
"unknown key" message is made by :func:`check_known`, the one place that words it.

>>> check_known("wieght", ("text", "weight"), ("race", 0), "a tag has text and weight")
Traceback (most recent call last):
...
aidxl_prompt.files._problems.EntryProblem: unknown key; did you mean 'weight'? (a tag has text and weight)
"""  # noqa: E501 (the doctest shows the whole message)

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..errors import did_you_mean

__all__ = ["EntryPath", "EntryProblem", "as_list", "check_known", "describe", "show_number"]

EntryPath = tuple[str | int, ...]
"""Where a value is in a document: ``("character", 0, "gender")``."""


class EntryProblem(Exception):  # noqa: N818 (internal: always becomes a PromptFileError)
    """A problem at ``path`` of a document whose source and line are not known here."""

    def __init__(self, path: EntryPath, problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


def check_known(
    key: object, known: Collection[str], path: EntryPath, expected: str, *, word: str = "key"
) -> None:
    """Refuse ``key`` unless it is one of ``known``: ``unknown key; did you mean 'x'?
    (expected)``, at ``path`` + the key."""
    if isinstance(key, str) and key in known:
        return
    hint = did_you_mean(str(key), known)
    raise EntryProblem((*path, str(key)), f"unknown {word}{hint} ({expected})")


def as_list(
    value: Any, path: EntryPath, expected: str, *, single: tuple[type, ...] = (str,)
) -> list[Any]:
    """``value`` as a list: a list, or one element written without the brackets (of a
    ``single`` type); else a problem: ``expected {expected}, got ...``.

    >>> as_list("elf", ("race",), "a list of entries"), as_list([1], ("race",), "a list")
    (['elf'], [1])
    """
    if isinstance(value, single):
        return [value]
    if not isinstance(value, list):
        raise EntryProblem(path, f"expected {expected}, got {describe(value)}")
    return value


def describe(value: Any) -> str:
    """How a YAML value reads in an error message.

    >>> describe(None), describe([]), describe("x")
    ('nothing (null)', 'an empty list', "a string ('x')")
    """
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def show_number(value: float) -> str:
    """A number as an error message shows it; a long integer by its number of digits.

    >>> show_number(1.5), show_number(10**30)
    ('1.5', 'an integer of 31 digits')
    """
    if isinstance(value, float):
        return repr(value)
    # YAML integers have at most 4300 digits (Python's limit for reading them).
    digits = len(str(abs(value)))
    return str(value) if digits <= 20 else f"an integer of {digits} digits"
