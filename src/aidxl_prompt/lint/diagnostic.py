"""Lint findings as plain immutable records: :class:`Diagnostic` and its :class:`Fix`.

A diagnostic says what is wrong (``code``, kebab-case ``name``, ``message``), where
(``span`` in the linted text, 1-based ``line`` and ``column``, and ``path`` when the text
came from a file), how bad (``severity``), in which slot of the card (``slot``), what to
write instead (``suggestion``) and, when a safe fix exists, the edit that makes it
(``fix``). :meth:`Diagnostic.to_dict` is the stable JSON shape.

>>> d = Diagnostic(code="AP502", name="redundant-weight", message="'(smile:1)' is 1",
...                span=(7, 16), severity=Severity.warning, fix=Fix((7, 16), "smile"))
>>> d.fix.apply("1girl, (smile:1)")
'1girl, smile'
>>> d.to_dict()["fix"]
{'span': [7, 16], 'replacement': 'smile'}
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Diagnostic", "Fix", "Severity"]


class Severity(str, enum.Enum):
    """How much a finding matters: ``error`` (a tool misreads or crashes on it),
    ``warning`` (the model will probably not do what was meant), ``info`` (advice)."""

    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace ``span`` of the linted text with ``replacement`` (``""`` deletes it)."""

    span: tuple[int, int]
    replacement: str

    def apply(self, text: str) -> str:
        """The text with this one edit made.

        >>> Fix((0, 2), "x").apply("ab, c")
        'x, c'
        """
        start, end = self.span
        return text[:start] + self.replacement + text[end:]

    def shifted(self, offset: int) -> Fix:
        """The same edit ``offset`` characters further on."""
        start, end = self.span
        return Fix((start + offset, end + offset), self.replacement)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding; ``span`` is ``(start, end)`` in the linted text, ``line`` and
    ``column`` are 1-based (in the file, when :attr:`path` is set); ``related`` is the
    span, in the same text, of what the finding refers back to (a duplicate's first
    occurrence), or None."""

    code: str
    name: str
    message: str
    span: tuple[int, int]
    severity: Severity
    line: int = 1
    column: int = 1
    path: str | None = None
    slot: str | None = None
    suggestion: str | None = None
    fix: Fix | None = None
    related: tuple[int, int] | None = None

    def shifted(self, offset: int) -> Diagnostic:
        """The same finding ``offset`` characters further on (for a prompt inside a
        larger text); ``line`` and ``column`` are left for :meth:`located`."""
        start, end = self.span
        moved = self.fix.shifted(offset) if self.fix is not None else None
        related = self.related
        if related is not None:
            related = (related[0] + offset, related[1] + offset)
        return replace(self, span=(start + offset, end + offset), fix=moved, related=related)

    def located(self, text: str, path: str | None = None) -> Diagnostic:
        """With ``line`` and ``column`` of the span's start in ``text`` (and ``path``).

        >>> d = Diagnostic("AP101", "unclosed-bracket", "m", (9, 10), Severity.error)
        >>> located = d.located("a, b\\nc, (d", "p.txt")
        >>> located.line, located.column, located.path
        (2, 5, 'p.txt')
        """
        start = self.span[0]
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        return replace(self, line=line, column=column, path=path or self.path)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding (stable: fields are only ever added)."""
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "span": list(self.span),
            "slot": self.slot,
            "suggestion": self.suggestion,
            "fix": (
                None
                if self.fix is None
                else {"span": list(self.fix.span), "replacement": self.fix.replacement}
            ),
            "related": None if self.related is None else {"span": list(self.related)},
        }
