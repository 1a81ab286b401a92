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

from collections.abc import Iterable, Sequence

__all__ = [
    "AidxlPromptError",
    "CardValueError",
    "DataFileError",
    "ExpandError",
    "InputEncodingError",
    "InputTooLargeError",
    "OrderingError",
    "PromptFileError",
    "PromptSyntaxError",
    "PromptValueError",
    "RenderError",
    "did_you_mean",
]

_PathPart = str | int


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


class PromptValueError(AidxlPromptError):
    """A value that cannot be a tag, a phrase, a weight or a prompt's part, in one line.

    >>> print(PromptValueError("Tag: weight: a tag's weight must be a number (got 'x')"))
    Tag: weight: a tag's weight must be a number (got 'x')
    """

    detail: str = ""
    """The message without the name of the value it is about (for nesting)."""


class OrderingError(AidxlPromptError):
    """A slot order that is not a permutation of the documented slots."""


class DataFileError(AidxlPromptError):
    """A YAML or CSV data file that is missing, unreadable or of the wrong shape.

    The message names the file (and the line or field where known).
    """


class CardValueError(AidxlPromptError):
    """A value that is not one of the card's words, or a card form built wrongly."""


class RenderError(AidxlPromptError):
    """An item that the chosen dialect cannot express without changing its meaning."""


class PromptFileError(DataFileError):
    """A prompt or preset file that cannot be used, with where and what was expected.

    The message reads ``FILE:LINE: FIELD.PATH: problem`` (the line and path are left
    out where there is none).

    >>> print(PromptFileError("expected a number", source="a.yaml", path=("quality", 0), line=3))
    a.yaml:3: quality[0]: expected a number
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str,
        path: tuple[_PathPart, ...] = (),
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.path = path
        self.line = line
        where = source if line is None else f"{source}:{line}"
        field = _format_path(path)
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


class ExpandError(AidxlPromptError):
    """A batch of variations that cannot be made as asked: a bad mode or count, or a
    pick that does not fit the file's choices."""


class InputTooLargeError(AidxlPromptError):
    """A prompt or file over the size limit, refused before it is parsed.

    >>> print(InputTooLargeError(source="<stdin>", limit=4194304))
    <stdin>: more than 4194304 bytes (the limit; raise it with max_bytes / --max-bytes)
    """

    def __init__(self, *, source: str, limit: int) -> None:
        self.source = source
        self.limit = limit
        super().__init__(
            f"{source}: more than {limit} bytes (the limit; raise it with max_bytes / --max-bytes)"
        )


class InputEncodingError(AidxlPromptError):
    """Input bytes that are not UTF-8 text, with the offset of the first bad byte.

    ``offset`` counts bytes from 0; ``line`` is the 1-based line it is on.

    >>> print(InputEncodingError(source="<stdin>", offset=2, byte=0xFF, line=1))
    <stdin>: not UTF-8 text: byte 0xff at offset 2 (line 1)
    """

    def __init__(self, *, source: str, offset: int, byte: int, line: int) -> None:
        self.source = source
        self.offset = offset
        self.byte = byte
        self.line = line
        super().__init__(
            f"{source}: not UTF-8 text: byte 0x{byte:02x} at offset {offset} (line {line})"
        )


def _format_path(path: Sequence[_PathPart]) -> str:
    """A field path as users write it: ``character[0].gender``.

    >>> _format_path(("character", 0, "gender"))
    'character[0].gender'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """The hint every "unknown ..." message ends with: ``; did you mean 'x'?`` for the
    closest choice, or ``''`` when none is close (the one place that decides "close").

    >>> did_you_mean("impasta", ["impasto", "realistic"])
    "; did you mean 'impasto'?"
    >>> did_you_mean("zzz", ["impasto"])
    ''
    """
    import difflib  # noqa: PLC0415 (only an error message asks; most starts never do)

    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""
