"""The exception tree of aidxl-prompt.

Every error the library raises on bad input is an :class:`AidxlPromptError`, and each
one is also a :class:`ValueError`, so ``except ValueError`` keeps working for callers
that do not know this package.

>>> err = PromptSyntaxError("unclosed '('", source="1girl, (smile", span=(7, 8))
>>> print(err)
unclosed '(' at column 8
  1girl, (smile
         ^
"""

from __future__ import annotations

__all__ = [
    "AidxlPromptError",
    "DataFileError",
    "OrderingError",
    "PromptSyntaxError",
    "RenderError",
]


class AidxlPromptError(ValueError):
    """Base class of every error this package raises on bad input."""


class PromptSyntaxError(AidxlPromptError):
    """A prompt that cannot be read, with the text and the span at fault.

    ``str()`` shows the message, the offending line and a caret marker under the span
    (``^`` for one character, ``~~~^`` for longer spans), as ``packaging`` does.
    """

    def __init__(self, message: str, *, source: str, span: tuple[int, int]) -> None:
        start, end = span
        if not 0 <= start <= end <= len(source):
            raise ValueError(f"span {span!r} is outside a source of length {len(source)}")
        self.message = message
        self.source = source
        self.span = span
        super().__init__(message)

    @property
    def line_number(self) -> int:
        """1-based line of the span's start."""
        return self.source.count("\n", 0, self.span[0]) + 1

    @property
    def column(self) -> int:
        """1-based column of the span's start within its line."""
        return self.span[0] - (self.source.rfind("\n", 0, self.span[0]) + 1) + 1

    def __str__(self) -> str:
        start, end = self.span
        line_start = self.source.rfind("\n", 0, start) + 1
        line_end = self.source.find("\n", start)
        if line_end == -1:
            line_end = len(self.source)
        line = self.source[line_start:line_end]
        # A span that runs past the end of its line is drawn to the line's end.
        width = max(1, min(end, line_end) - start)
        marker = " " * (start - line_start) + "~" * (width - 1) + "^"
        where = f"column {self.column}"
        if "\n" in self.source:
            where = f"line {self.line_number}, {where}"
        return f"{self.message} at {where}\n  {line}\n  {marker}"


class OrderingError(AidxlPromptError):
    """A slot order that is not a permutation of the documented slots."""


class DataFileError(AidxlPromptError):
    """A YAML or CSV data file that is missing, unreadable or of the wrong shape.

    The message names the file (and the line or field where known).
    """


class RenderError(AidxlPromptError):
    """An item that the chosen dialect cannot express without changing its meaning."""
