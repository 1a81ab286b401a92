"""ComfyUI's reading of a prompt, as plain pieces with source spans (no models).

:func:`scan_comfyui` follows ComfyUI's ``token_weights`` (``sd1_clip.py``) without its
recursion: groups are matched once with a bracket stack, and a group's weight is its
explicit ``:number`` (which replaces the inherited weight) or its parent's times 1.1.
Square brackets, ``BREAK``, ``AND`` and ``<...>`` are plain text to ComfyUI. It runs in
``n log n`` time (for its unclosed-bracket quirk) and never recurses.

>>> [(p.text, p.weight) for p in scan_comfyui("a, ((b:1.2) c)", Repairs("", strict=False))]
[('a, ', 1.0), ('b', 1.2), (' c', 1.1)]
"""

from __future__ import annotations

import bisect
import heapq
import math
import re

from .grammar import COMFYUI_PLACEHOLDERS, RULES
from .pieces import Piece, Repairs

__all__ = ["scan_comfyui"]

_ROUND = 1.1


def scan_comfyui(source: str, repairs: Repairs) -> list[Piece]:
    """The pieces of a ComfyUI prompt in source order; every weighted group is a run
    of its own (ComfyUI tokenises each apart)."""
    if RULES["COMFYUI_SYNTAX"].search(source) is None:
        return [Piece("text", source, 1.0, 0, len(source))]
    reading = _Reading(source, repairs)
    reading.top_level()
    while reading.groups:
        opened, closed, inherited = reading.groups.pop()
        weight, text_end = reading.weight(opened, closed, inherited)
        reading.level(opened + 1, text_end, weight)
    reading.runs.sort()
    pieces: list[Piece] = []
    for run, (start, stop, weight) in enumerate(reading.runs):
        _run_pieces(source, start, stop, weight, run, pieces)
    return pieces


class _Groups:
    """Bracket matching shared by the passes: partners both ways, and a heap of the
    ``(`` that close nothing (the start of an unclosed tail is the first of them)."""

    def __init__(self, work: str) -> None:
        self.close_of: dict[int, int] = {}
        self.open_of: dict[int, int] = {}
        stack: list[int] = []
        self.parens = [paren.start() for paren in RULES["COMFYUI_SPECIAL"].finditer(work)]
        for offset in self.parens:
            if work[offset] == "(":
                stack.append(offset)
            elif stack:
                opened = stack.pop()
                self.close_of[opened] = offset
                self.open_of[offset] = opened
        self.unmatched = stack  # ascending, so already a heap
        self.colons = [colon.start() for colon in re.finditer(":", work)]

    def paren_between(self, start: int, stop: int) -> bool:
        """Whether a ``(`` or ``)`` lies in ``[start, stop)`` (in log n)."""
        index = bisect.bisect_left(self.parens, start)
        return index < len(self.parens) and self.parens[index] < stop

    def last_colon(self, start: int, stop: int) -> int:
        """Offset of the last ``:`` in ``[start, stop)``, or -1 (``str.rfind`` in log n)."""
        index = bisect.bisect_left(self.colons, stop) - 1
        return self.colons[index] if index >= 0 and self.colons[index] >= start else -1


class _Reading:
    """The text runs found so far, as source ranges with their weights, and the groups
    still to read, as (open, close, inherited weight)."""

    def __init__(self, source: str, repairs: Repairs) -> None:
        # Escaped parentheses become placeholders of the same length: they vanish.
        self.work = RULES["COMFYUI_ESCAPE"].sub("\x00\x00", source)
        self.matching = _Groups(self.work)
        self.repairs = repairs
        self.runs: list[tuple[int, int, float]] = []
        self.groups: list[tuple[int, int, float]] = []

    def top_level(self) -> None:
        """The top level, walked as ``parse_parentheses`` does: a stray ``)`` drives the
        level negative, and the brackets after it are text until it is back at zero."""
        level = 0
        item_start = 0
        for offset in self.matching.parens:
            if self.work[offset] == "(":
                if level == 0:
                    if offset > item_start:
                        self.runs.append((item_start, offset, 1.0))
                    item_start = offset
                level += 1
                continue
            level -= 1
            if level == 0:
                self.groups.append((item_start, offset, 1.0))
                item_start = offset + 1
            elif level == -1:
                self.repairs.add(
                    "stray-bracket",
                    "')' closes nothing; ComfyUI reads the rest of the prompt as plain text",
                    offset,
                    offset + 1,
                )
        self._end(level, item_start)

    def _end(self, level: int, item_start: int) -> None:
        end = len(self.work)
        if level > 0:
            self.repairs.add(
                "unclosed-bracket",
                "unclosed '('; ComfyUI reads it as plain text",
                item_start,
                item_start + 1,
            )
            self._tail(item_start, end, 1.0)
        elif end > item_start:
            self.runs.append((item_start, end, 1.0))

    def weight(self, opened: int, closed: int, inherited: float) -> tuple[float, int]:
        """A group's weight and where its text ends (before an explicit ``:weight``)."""
        colon = self.matching.last_colon(opened + 1, closed)
        # ComfyUI float()s the whole rest, whatever its length; the candidates of
        # different groups never overlap, so reading them all stays linear.
        if colon > opened + 1 and not self.matching.paren_between(colon + 1, closed):
            candidate = self.work[colon + 1 : closed]
            try:
                value = float(candidate)
            except ValueError:
                pass
            else:
                if math.isfinite(value):
                    return value, colon
                self.repairs.add(
                    "invalid-weight",
                    f"{candidate.strip()!r} is not a finite weight; "
                    "the group is read as plain emphasis",
                    colon,
                    closed,
                )
        return inherited * _ROUND, closed

    def level(self, start: int, stop: int, weight: float) -> None:
        """Text and closed groups of one balanced stretch, at ``weight``."""
        position = start
        while position < stop:
            inner = self.work.find("(", position, stop)
            if inner == -1:
                break
            if inner > position:
                self.runs.append((position, inner, weight))
            inner_close = self.matching.close_of.get(inner)
            if inner_close is None or inner_close >= stop:
                # An explicit weight cut the group short: the rest of it is text.
                self.runs.append((inner, stop, weight))
                return
            self.groups.append((inner, inner_close, weight))
            position = inner_close + 1
        if stop > position:
            self.runs.append((position, stop, weight))

    def _tail(self, start: int, end: int, weight: float) -> None:
        """The unclosed tail item: plain text, unless it happens to end with ``)``.

        ComfyUI then takes it for a group (``((a)`` is ``(a`` at 1.1) and re-reads the
        inside, whose own unclosed tail may do the same; the heap of unmatched ``(``
        makes each of those steps cheap.
        """
        matching = self.matching
        while end - start >= 2 and self.work[start] == "(" and self.work[end - 1] == ")":
            closing = end - 1
            weight, text_end = self.weight(start, closing, weight)
            partner = matching.open_of.pop(closing, None)
            if partner is not None:  # that ")" now ends the tail, not its own group
                del matching.close_of[partner]
                heapq.heappush(matching.unmatched, partner)
            inner_start = start + 1
            while matching.unmatched and matching.unmatched[0] < inner_start:
                heapq.heappop(matching.unmatched)
            first_open = matching.unmatched[0] if matching.unmatched else None
            if first_open is None or first_open >= text_end:
                self.level(inner_start, text_end, weight)
                return
            self.level(inner_start, first_open, weight)
            start, end = first_open, text_end
        if end > start:
            self.runs.append((start, end, weight))


def _run_pieces(
    source: str, start: int, stop: int, weight: float, run: int, pieces: list[Piece]
) -> None:
    """Text pieces of one run, with each escaped parenthesis as a one-character literal."""
    position = start
    first = len(pieces)
    for escaped in RULES["COMFYUI_ESCAPE"].finditer(source, start, stop):
        if escaped.start() > position:
            text = source[position : escaped.start()]
            pieces.append(Piece("text", text, weight, position, escaped.start(), run))
        literal = escaped.group(1)
        pieces.append(Piece("literal", literal, weight, escaped.start(), escaped.end(), run))
        position = escaped.end()
    if stop > position:
        pieces.append(Piece("text", source[position:stop], weight, position, stop, run))
    if "\x00" in source[start:stop]:
        for index in range(first, len(pieces)):
            piece = pieces[index]
            text = piece.text
            for placeholder, bracket in COMFYUI_PLACEHOLDERS.items():
                text = text.replace(placeholder, bracket)
            pieces[index] = piece._replace(text=text)
