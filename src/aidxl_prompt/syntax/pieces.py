"""What the scanners return: plain records of text at a weight, and the repairs made.

A scanner (:func:`~aidxl_prompt.syntax.a1111.scan_a1111`,
:func:`~aidxl_prompt.syntax.comfyui.scan_comfyui`) reads a prompt into :class:`Piece`
records, each with its span in the source, and reports every place the tool reads
differently from what was probably meant to a :class:`Repairs` collector. No models
here: the layer above builds its items from these records.

>>> repairs = Repairs("a) b", strict=False)
>>> repairs.add("stray-bracket", "')' closes nothing", 1, 2)
>>> repairs.records()
[RepairRecord(code='stray-bracket', message="')' closes nothing", start=1, end=2)]
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from ..errors import PromptSyntaxError

__all__ = ["Piece", "PieceKind", "RepairCode", "RepairRecord", "Repairs", "plain_pieces"]

RepairCode = Literal[
    "unclosed-bracket",
    "stray-bracket",
    "invalid-weight",
    "weight-overflow",
    "weight-out-of-range",
    "bracketed-break",
    "glued-keyword",
    "scheduling-disabled",
    "ambiguous-schedule",
    "trailing-weight",
    "danbooru-name",
]
"""The stable code of each kind of repair (a linter maps it to a diagnostic)."""

PieceKind = Literal["text", "literal", "verbatim", "break", "and", "net", "sched", "pweight"]
"""``text`` (commas in it separate units), ``literal`` (one escaped character, never a
separator), ``verbatim`` (text kept as written), ``break``, ``and``, ``net`` (an extra
network), ``sched`` (a schedule, verbatim) and ``pweight`` (a sub-prompt's weight)."""


class Piece(NamedTuple):
    """One scanned element: text at a weight, or a control element, with its span."""

    kind: PieceKind
    text: str
    weight: float
    start: int
    end: int
    # Pieces join into one tag only within a run: A1111 joins neighbours of equal
    # weight (all run 0), ComfyUI keeps each weighted group apart (a run each).
    run: int = 0


class RepairRecord(NamedTuple):
    """A place the tool reads differently from what was probably meant: a code, a
    one-line message and the span ``[start, end)`` in the source."""

    code: RepairCode
    message: str
    start: int
    end: int


class Repairs:
    """Collects repairs; in strict mode the first one raises
    :class:`~aidxl_prompt.errors.PromptSyntaxError` with a caret under its span.

    A run of identical repairs at adjacent places (a thousand stray ``)`` in a row) is
    kept as one repair whose span covers them all, so bad input cannot flood memory.
    """

    def __init__(self, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self._pending: list[RepairRecord] = []

    def add(self, code: RepairCode, message: str, start: int, end: int) -> None:
        """Record one repair (or raise, in strict mode)."""
        if self.strict:
            raise PromptSyntaxError(message, source=self.source, span=(start, end))
        if self._pending:
            last = self._pending[-1]
            if last.code == code and last.message == message and last.end == start:
                self._pending[-1] = RepairRecord(code, message, last.start, end)
                return
        self._pending.append(RepairRecord(code, message, start, end))

    def records(self) -> list[RepairRecord]:
        """The repairs so far, in source order."""
        return sorted(self._pending, key=lambda record: record.start)


def plain_pieces(text: str) -> list[Piece]:
    """A prompt with no syntax at all: one text piece.

    >>> plain_pieces("a, (b)")
    [Piece(kind='text', text='a, (b)', weight=1.0, start=0, end=6, run=0)]
    """
    return [Piece("text", text, 1.0, 0, len(text))]
