"""Read A1111 and ComfyUI prompts into a flat list of items, exactly as those tools do.

The result is a :class:`ParseResult`: the items (:class:`~aidxl_prompt.model.items.Tag`
with its effective weight, :class:`~aidxl_prompt.model.items.Break`,
:class:`~aidxl_prompt.model.items.And`, :class:`~aidxl_prompt.model.items.ExtraNetwork`,
:class:`~aidxl_prompt.model.items.Schedule`), the source span of each item, and a
:class:`Repair` for every place where the tool would read the text in a way the writer
probably did not mean (an unclosed bracket, a stray ``)``, a weight A1111 crashes on).
``strict=True`` raises :class:`~aidxl_prompt.errors.PromptSyntaxError` at the first one.

Both scanners run in time linear in the prompt's length (``n log n`` for ComfyUI's
unclosed-bracket quirk) and never recurse, so a megabyte of brackets is fine.

A1111 grammar, as ``modules/prompt_parser.py`` reads it (token table ``_A1111_TOKEN``)::

    prompt    := (network | AND | item)*           networks are stripped first, anywhere
    item      := escape | "(" | "[" | weight_close | ")" | "]" | text | ":"
    escape    := "\\(" | "\\)" | "\\[" | "\\]" | "\\\\" | "\\"   (a lone "\\" is dropped)
    weight_close := ":" WS* [+-]? [.0-9]+ WS* ")"
    text      := [^\\()[\\]:]+                        BREAK splits it; commas split tags
    schedule  := "[" p ":" p ":" N "]" | "[" p ":" N "]" | "[" p ("|" p)+ "]"  (verbatim)

>>> parse_tags("masterpiece, (long_hair:1.2), bishop \\\\(chess\\\\) BREAK <lora:x:0.8>")
... # doctest: +NORMALIZE_WHITESPACE
[Tag(text='masterpiece', weight=1.0), Tag(text='long hair', weight=1.2),
 Tag(text='bishop (chess)', weight=1.0), Break(kind='break'),
 ExtraNetwork(kind='extra_network', text='<lora:x:0.8>')]
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
import re
import sys
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from .._input import MAX_INPUT_BYTES, check_size
from ..errors import PromptSyntaxError
from ..syntax.normalize import MAX_WEIGHT, MIN_WEIGHT, Dialect, normalize_spelling, unescape
from .items import (
    EXTRA_NETWORK_PATTERN,
    SCHEDULE_STEP,
    And,
    Break,
    ExtraNetwork,
    Phrase,
    PromptItem,
    PromptWeight,
    Run,
    Schedule,
    Tag,
)

__all__ = ["ParseResult", "Repair", "RepairCode", "parse_items", "parse_tags"]

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

# Words A1111 reads as syntax; both are case-sensitive whole words.
# (The look-behinds start each match at the head of a whitespace run: same matches as
# A1111's patterns, in linear time.)
_BREAK = re.compile(r"(?:(?<!\s)\s+)?\bBREAK\b\s*")
_AND = re.compile(r"\bAND\b")
# A1111 reads a trailing ":number" of each (sub)prompt as that sub-prompt's weight.
# (Only the last colon can start it, so it is matched there, not searched for.)
_TRAILING_WEIGHT = re.compile(r":\s*([-+]?(?:\d+\.?|\d*\.\d+))\s*")
# Anything that makes a prompt need the full scanner; otherwise it is split on commas.
_NEEDS_SCANNER = re.compile(r"[\\()\[\]<:|]|BREAK|AND")
_COMFY_NEEDS_SCANNER = re.compile(r"[\\()\x00]")

# The token table of A1111's attention parser (``re_attention``), one named rule each.
_A1111_TOKEN = re.compile(
    r"""
    (?P<escape>\\[()\[\]\\])         # an escaped bracket or backslash: the character
    |(?P<lone_backslash>\\)          # any other backslash is dropped
    |(?P<open_round>\()
    |(?P<open_square>\[)
    |(?P<weight_close>:\s*(?P<weight>[+-]?[.\d]+)\s*\))
    |(?P<close_round>\))
    |(?P<close_square>\])
    |(?P<text>[^\\()\[\]:]+)
    |(?P<colon>:)
    """,
    re.VERBOSE,
)
_ROUND = 1.1
_SQUARE = 1 / 1.1
# Past this many brackets around one run, weights are multiplied in opening order
# instead of A1111's closing order (same value to within a few ulps), to stay linear.
_EXACT_FOLD_DEPTH = 16
_LOG_FLOAT_MAX = math.log(sys.float_info.max)
# ComfyUI replaces escaped parentheses by two-character placeholders before parsing.
_COMFY_ESCAPED = re.compile(r"\\[()]")
# ComfyUI's own placeholders for escaped parentheses: text holding them is read as
# the bracket itself (sd1_clip.py escape_important / unescape_important).
_COMFY_PLACEHOLDERS = {"\x00\x01": ")", "\x00\x02": "("}


class Repair(BaseModel):
    """A place the tool reads differently from what was probably meant, and what we did.

    ``code`` is stable (a linter maps it to a diagnostic); ``span`` is ``(start, end)``
    in the source text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    code: RepairCode
    message: str
    span: tuple[int, int]


class ParseResult(BaseModel):
    """Items in source order, the span of each, and the repairs made on the way."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    source: str
    dialect: Dialect
    items: tuple[PromptItem, ...]
    spans: tuple[tuple[int, int], ...]
    repairs: tuple[Repair, ...] = ()

    def tags(self) -> list[Tag]:
        """Only the tags."""
        return [item for item in self.items if isinstance(item, Tag)]


class _Piece(NamedTuple):
    """One scanned element: text at a weight, or a control item, with its source span."""

    kind: str  # "text", "literal", "break", "and", "net", "sched"
    text: str
    weight: float
    start: int
    end: int
    # Pieces join into one tag only within a run: A1111 joins neighbours of equal
    # weight (all run 0), ComfyUI keeps each weighted group apart (a run each).
    run: int = 0


class _Collector:
    """Collects repairs; in strict mode the first one raises.

    A run of identical repairs at adjacent places (a thousand stray ``)`` in a row) is
    kept as one repair whose span covers them all, so bad input cannot flood memory.
    """

    def __init__(self, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self._pending: list[tuple[RepairCode, str, int, int]] = []

    def add(self, code: RepairCode, message: str, start: int, end: int) -> None:
        if self.strict:
            raise PromptSyntaxError(message, source=self.source, span=(start, end))
        if self._pending:
            last_code, last_message, last_start, last_end = self._pending[-1]
            if last_code == code and last_message == message and last_end == start:
                self._pending[-1] = (code, message, last_start, end)
                return
        self._pending.append((code, message, start, end))

    @property
    def repairs(self) -> tuple[Repair, ...]:
        return tuple(
            Repair.model_construct(code=code, message=message, span=(start, end))
            for code, message, start, end in sorted(self._pending, key=lambda r: r[2])
        )


def parse_tags(
    text: str,
    dialect: Dialect = "a1111",
    *,
    strict: bool = False,
    max_bytes: int = MAX_INPUT_BYTES,
) -> list[PromptItem]:
    """The prompt as a flat list of items; see :func:`parse_items` for spans and repairs.

    >>> parse_tags("(a:1.2), [b], ((c))")  # doctest: +NORMALIZE_WHITESPACE
    [Tag(text='a', weight=1.2), Tag(text='b', weight=0.9090909090909091),
     Tag(text='c', weight=1.2100000000000002)]
    >>> parse_tags("(a:1.2), ((c))", "comfyui")
    [Tag(text='a', weight=1.2), Tag(text='c', weight=1.2100000000000002)]
    """
    if dialect == "a1111" and isinstance(text, str):
        check_size(text, source="<prompt>", max_bytes=max_bytes)
        simple = _fast_a1111_items(text)  # the common case, without spans or a ParseResult
        if simple is not None:
            return simple
    return list(parse_items(text, dialect, strict=strict, max_bytes=max_bytes).items)


def parse_items(
    text: str,
    dialect: Dialect = "a1111",
    *,
    strict: bool = False,
    max_bytes: int = MAX_INPUT_BYTES,
) -> ParseResult:
    """Parse a prompt, keeping the span of every item and a record of every repair.

    A prompt over ``max_bytes`` (UTF-8; default 4 MiB) is refused with
    :class:`~aidxl_prompt.errors.InputTooLargeError` before it is read.

    >>> result = parse_items("1girl, (smile")
    >>> result.items, result.spans
    ((Tag(text='1girl', weight=1.0), Tag(text='smile', weight=1.1)), ((0, 5), (7, 13)))
    >>> result.repairs[0].code
    'unclosed-bracket'
    """
    if not isinstance(text, str):
        raise TypeError(f"a prompt must be a str, not {type(text).__name__}")
    check_size(text, source="<prompt>", max_bytes=max_bytes)
    if dialect == "a1111":
        simple = _fast_a1111(text)
        if simple is not None:
            return ParseResult.model_construct(
                source=text, dialect=dialect, items=simple[0], spans=simple[1], repairs=()
            )
    collector = _Collector(text, strict)
    if dialect == "a1111":
        pieces = _scan_a1111(text, collector)
    elif dialect == "comfyui":
        fast = _COMFY_NEEDS_SCANNER.search(text) is None
        pieces = _plain_pieces(text) if fast else _scan_comfyui(text, collector)
    elif dialect == "plain":
        pieces = _plain_pieces(text)
    else:
        raise ValueError(
            f"cannot parse the {dialect!r} dialect; parsing reads 'a1111', 'comfyui' or 'plain'"
        )
    items, spans = _assemble(pieces, collector)
    # Every item was built valid (or is a shared, already-validated Tag), so the
    # result skips a second validation pass over them.
    return ParseResult.model_construct(
        source=text,
        dialect=dialect,
        items=tuple(items),
        spans=tuple(spans),
        repairs=collector.repairs,
    )


# --- the common case, in one regex pass ---------------------------------------------

# The common case: every comma-separated segment is a bare tag, a ``(tag:weight)``
# group or an extra network, with escaped brackets allowed. Anything else (nesting,
# ``[ ]``, a lone backslash, another weight form, BREAK/AND, a trailing ``:number``)
# goes to the full scanner; both give the same items (a property test holds them to it).
_LONE_BACKSLASH = re.compile(r"\\(?![()\[\]\\])")
_FAST_SPECIAL = re.compile(r"[()\[\]<\\]")
# The weight is the last ":number" before the ")"; colons before it are text (A1111
# cannot read an earlier one as a weight: no ")" follows it). A "<" is text unless it
# opens an extra network, which _special_segment checks.
_FAST_WEIGHTED = re.compile(
    r"\((?P<text>[^\\()\[\]]*(?:\\[()\[\]\\][^\\()\[\]]*)*):\s*(?P<weight>\d+(?:\.\d+)?)\s*\)"
)
_FAST_ESCAPED_PLAIN = re.compile(r"[^()\[\]\\]*(?:\\[()\[\]\\][^()\[\]\\]*)*")


def _needs_scanner(text: str) -> bool:
    """Whole-prompt syntax only the full scanner handles: BREAK, AND, a lone backslash,
    a trailing ``:number``."""
    return (
        "BREAK" in text
        or "AND" in text
        or ("\\" in text and _LONE_BACKSLASH.search(text) is not None)
        or _trailing_weight(text, 0, len(text)) is not None
    )


def _fast_a1111(
    text: str, *, with_spans: bool = True
) -> tuple[tuple[PromptItem, ...], tuple[tuple[int, int], ...]] | None:
    """Items and spans of a prompt made only of simple segments, else None.

    ``with_spans=False`` skips the span arithmetic (``parse_tags`` has no use for it).
    """
    if _needs_scanner(text):
        return None
    items: list[PromptItem] = []
    spans: list[tuple[int, int]] = []
    # Offsets of the characters that need a closer look, walked alongside the segments.
    specials = [found.start() for found in _FAST_SPECIAL.finditer(text)]
    specials.append(len(text) + 1)
    next_special = 0
    plain_tag = _plain_tag_from_raw
    position = 0
    for segment in text.split(","):
        start = position
        position += len(segment) + 1
        while specials[next_special] < start:
            next_special += 1
        stripped = segment.strip()
        if not stripped:
            continue
        if specials[next_special] >= position:  # nothing special in this segment
            tag = plain_tag(stripped) if len(stripped) <= _CACHED_LENGTH else None
            if tag is None:
                return None
            items.append(tag)
            if with_spans:
                start += len(segment) - len(segment.lstrip())
                spans.append((start, start + len(stripped)))
            continue
        start += len(segment) - len(segment.lstrip())
        special = _special_segment(stripped) if len(stripped) <= _CACHED_LENGTH else None
        if special is None:
            return None
        items.append(special[0])
        spans.append((start, start + len(stripped)))
    return tuple(items), tuple(spans)


@functools.lru_cache(maxsize=65536)
def _special_segment(stripped: str) -> tuple[PromptItem, int, int] | None:
    """A segment holding brackets, ``<`` or backslashes: a ``(tag:w)`` group, an extra
    network or an escaped tag, with the offset and length of its text; else None."""
    if stripped[0] == "<" and EXTRA_NETWORK_PATTERN.fullmatch(stripped):
        return _network(stripped), 0, len(stripped)
    if "<" in stripped and _NETWORK_OPENER.search(stripped):
        return None  # a network inside other text, or one that may run past a comma
    if stripped[0] == "(":
        match = _FAST_WEIGHTED.fullmatch(stripped)
        if match is None:
            return None
        raw = match.group("text")
        offset = 1 + len(raw) - len(raw.lstrip())
        raw = raw.strip()
        if not raw or len(raw) > _CACHED_LENGTH:
            return None
        tag = _tag_from_raw(raw, float(match.group("weight")))
        return None if tag is None else (tag, offset, len(raw))
    if len(stripped) > _CACHED_LENGTH or _FAST_ESCAPED_PLAIN.fullmatch(stripped) is None:
        return None
    tag = _tag_from_raw(stripped, 1.0)
    # None: full-width commas, overflowing weights and the like; the scanner reports them.
    return None if tag is None else (tag, 0, len(stripped))


def _fast_a1111_items(text: str) -> list[PromptItem] | None:
    """The items of :func:`_fast_a1111`, without spans, in bulk (``parse_tags``'s path).

    The plain segments go through C-level ``split``/``strip``/``map`` and the tag cache;
    only the few segments with brackets, ``<`` or backslashes are looked at one by one.
    """
    if _needs_scanner(text):
        return None
    stripped = list(map(str.strip, text.split(",")))
    if max(map(len, stripped)) > _CACHED_LENGTH:
        return None
    results: list[PromptItem | None] = list(map(_plain_tag_from_raw, stripped))
    index = 0
    previous = 0
    done = -1
    for found in _FAST_SPECIAL.finditer(text):
        index += text.count(",", previous, found.start())  # the segment it falls in
        previous = found.start()
        if index == done:
            continue
        done = index
        special = _special_segment(stripped[index])
        if special is None:
            return None
        results[index] = special[0]
    items = [item for item in results if item is not None]
    if len(items) != len(stripped) - stripped.count(""):
        return None  # a segment that is not one tag: the scanner says why
    return items


@functools.lru_cache(maxsize=65536)
def _plain_tag_from_raw(raw: str) -> Tag | None:
    """:func:`_tag_from_raw` at weight 1 (one argument: the cheapest cache key)."""
    return _tag_from_raw(raw, 1.0)


# Only short texts are memoised: the caches hold real tags, never megabytes of input.
_CACHED_LENGTH = 256


@functools.lru_cache(maxsize=65536)
def _tag_from_raw(raw: str, weight: float) -> Tag | None:
    """The tag for escaped A1111 text, or None when it is not exactly one tag."""
    canonical = _canonical(unescape(raw, "a1111") if "\\" in raw else raw)
    if not canonical or "," in canonical or not MIN_WEIGHT <= abs(weight) <= MAX_WEIGHT:
        return None
    return _tag(canonical, weight)


def _network(text: str) -> ExtraNetwork:
    if len(text) <= _CACHED_LENGTH:
        return _cached_network(text)
    return ExtraNetwork.model_construct(text=text)


@functools.lru_cache(maxsize=4096)
def _cached_network(text: str) -> ExtraNetwork:
    return ExtraNetwork.model_construct(text=text)


# --- assembling pieces into items -----------------------------------------------------


def _canonical(raw: str) -> str:
    """The spelling of text the tool has read: escapes are already gone, so every
    backslash left is a real one and is kept."""
    return _cached_canonical(raw) if len(raw) <= _CACHED_LENGTH else normalize_spelling(raw)


@functools.lru_cache(maxsize=65536)
def _cached_canonical(raw: str) -> str:
    return normalize_spelling(raw)


def _tag(text: str, weight: float) -> Tag:
    """An already-canonical tag, built once per (text, weight) and shared (it is frozen)."""
    if len(text) <= _CACHED_LENGTH:
        return _cached_tag(text, weight)
    return Tag.model_construct(text=text, weight=weight)


@functools.lru_cache(maxsize=65536)
def _cached_tag(text: str, weight: float) -> Tag:
    return Tag.model_construct(text=text, weight=weight)


def _plain_pieces(text: str) -> list[_Piece]:
    return [_Piece("text", text, 1.0, 0, len(text))]


def _assemble(
    pieces: Sequence[_Piece], collector: _Collector
) -> tuple[list[PromptItem], list[tuple[int, int]]]:
    """Cut the pieces into comma-separated units and build one item per unit.

    A unit A1111 reads as one run is a :class:`Tag`; one it reads as several runs (or
    that holds a schedule) is a :class:`Phrase`, kept whole with its inner spacing.
    Equal-weight neighbours of one run group are joined, as A1111 joins them.
    """
    items: list[PromptItem] = []
    spans: list[tuple[int, int]] = []
    unit = _Unit(0)
    source = collector.source

    def close(end: int, next_start: int) -> None:
        nonlocal unit
        unit.end = end
        _emit_unit(unit, source, items, spans, collector)
        unit = _Unit(next_start)

    for piece in pieces:
        kind = piece.kind
        if kind == "net":  # A1111 cuts networks out; the text around them joins up
            items.append(_network(piece.text))
            spans.append((piece.start, piece.end))
        elif kind == "sched":
            unit.parts.append(_control_item(piece, collector))
        elif kind in ("break", "and", "pweight"):
            close(piece.start, piece.end)
            items.append(_control_item(piece, collector))
            spans.append((piece.start, piece.end))
        elif kind in ("literal", "verbatim"):  # one escaped character: never a separator
            unit.add(piece.text, piece.weight, piece.run, verbatim=kind == "verbatim")
        else:
            position = piece.start
            for index, part in enumerate(piece.text.split(",")):
                if index:
                    close(position, position + 1)
                    position += 1  # the comma
                if part:
                    unit.add(part, piece.weight, piece.run)
                position += len(part)
    close(len(source), len(source))
    _order_by_start(items, spans)
    return items, spans


class _Unit:
    """One comma-separated unit while it is built: runs of text and schedules."""

    __slots__ = ("end", "parts", "start")

    def __init__(self, start: int) -> None:
        self.start = start
        self.end = start
        # Text runs as [text parts, weight, group, verbatim], schedules as items.
        self.parts: list[list[Any] | PromptItem] = []

    def add(self, text: str, weight: float, group: int, *, verbatim: bool = False) -> None:
        """Append text, joining the previous run of equal weight and group."""
        last = self.parts[-1] if self.parts else None
        if (
            isinstance(last, list)
            and last[1] == weight
            and last[2] == group
            and not last[3]
            and not verbatim
        ):
            last[0].append(text)
        else:
            self.parts.append([[text], weight, group, verbatim])


def _unit_span(source: str, start: int, end: int) -> tuple[int, int]:
    """The unit's source text without the whitespace around it."""
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


def _emit_unit(
    unit: _Unit,
    source: str,
    items: list[PromptItem],
    spans: list[tuple[int, int]],
    collector: _Collector,
) -> None:
    parts: list[Any] = []  # (text, weight, verbatim) runs and schedules
    for part in unit.parts:
        if isinstance(part, list):
            text = "".join(part[0])
            if text:
                parts.append((text, part[1], part[3]))
        else:
            parts.append(part)
    # Whitespace at the edges of a unit sits next to a comma: it is not part of it.
    while parts and isinstance(parts[0], tuple) and not parts[0][0].strip():
        parts.pop(0)
    while parts and isinstance(parts[-1], tuple) and not parts[-1][0].strip():
        parts.pop()
    if not parts:
        return
    span = _unit_span(source, unit.start, unit.end)
    if len(parts) == 1 and isinstance(parts[0], tuple):
        text, weight, _ = parts[0]
        weight = _checked_weight(weight, text, span, collector)
        canonical = _canonical(text.strip())
        if "," in canonical:  # full-width commas become commas under NFKC: split there
            for piece in canonical.split(","):
                if piece.strip():
                    items.append(_tag(_canonical(piece), weight))
                    spans.append(span)
        elif canonical:
            items.append(_tag(canonical, weight))
            spans.append(span)
        return
    if len(parts) == 1:  # a schedule alone
        items.append(parts[0])
        spans.append(span)
        return
    phrase_parts: list[Run | Schedule] = []
    reported: set[str] = set()
    for part in parts:
        if not isinstance(part, tuple):
            assert isinstance(part, Schedule)
            phrase_parts.append(part)
            continue
        text, weight, verbatim = part
        weight = _checked_weight(weight, text, span, collector, reported)
        if verbatim:
            phrase_parts.append(Run.model_construct(text=text, weight=weight))
            continue
        spelled = _spell_run(text)
        if "," in spelled:  # a full-width comma: keep the unit whole, as A1111 reads it
            spelled = _COMMA_AS_SPACE.sub(" ", spelled)
        phrase_parts.append(Run.model_construct(text=spelled, weight=weight))
    _trim_edges(phrase_parts)
    if len(phrase_parts) == 1 and isinstance(phrase_parts[0], Run):
        only = phrase_parts[0]
        items.append(_tag(only.text, only.weight))
    else:
        items.append(Phrase.model_construct(kind="phrase", parts=tuple(phrase_parts)))
    spans.append(span)


_COMMA_AS_SPACE = re.compile(r"\s*,[\s,]*")


def _trim_edges(parts: list[Run | Schedule]) -> None:
    """No blank run and no edge space at either end of a unit (it sits by a comma)."""
    while parts and isinstance(parts[0], Run) and not parts[0].text.strip():
        parts.pop(0)
    while parts and isinstance(parts[-1], Run) and not parts[-1].text.strip():
        parts.pop()
    if not parts:
        return
    first, last = parts[0], parts[-1]
    if isinstance(first, Run) and first.text[:1] == " ":
        parts[0] = first = Run.model_construct(text=first.text.lstrip(), weight=first.weight)
    if isinstance(last, Run) and last.text[-1:] == " ":
        parts[-1] = Run.model_construct(text=last.text.rstrip(), weight=last.weight)


def _spell_run(text: str) -> str:
    core = _canonical(text)
    if not core:
        return " "
    # An edge underscore is a space once spelled (``bishop_`` before a group).
    head = " " if text[:1].isspace() or text[:1] == "_" else ""
    tail = " " if text[-1:].isspace() or text[-1:] == "_" else ""
    return head + core + tail


def _checked_weight(
    weight: float,
    text: str,
    span: tuple[int, int],
    collector: _Collector,
    reported: set[str] | None = None,
) -> float:
    """A run's weight, or a repair when it is not finite or out of range (one repair of
    each kind per unit: ``reported`` holds the kinds already reported)."""
    if abs(weight) <= MAX_WEIGHT:
        return 0.0 if abs(weight) < MIN_WEIGHT else weight
    kind = "weight-out-of-range" if math.isfinite(weight) else "weight-overflow"
    if reported is not None:
        if kind in reported:
            return math.copysign(MAX_WEIGHT, weight) if math.isfinite(weight) else 1.0
        reported.add(kind)
    if not math.isfinite(weight):
        collector.add(
            "weight-overflow",
            f"the weight of {text.strip()!r} is not a finite number; 1 is used",
            *span,
        )
        return 1.0
    limit = math.copysign(MAX_WEIGHT, weight)
    collector.add(
        "weight-out-of-range",
        f"the weight {weight:g} of {text.strip()!r} is outside -{MAX_WEIGHT:g} to "
        f"{MAX_WEIGHT:g}; {limit:g} is used",
        *span,
    )
    return limit


_BREAK_ITEM = (
    Break.model_construct()
)  # shared; built without validation (no schema build at import)
_AND_ITEM = And.model_construct()


def _control_item(piece: _Piece, collector: _Collector) -> PromptItem:
    if piece.kind == "break":
        return _BREAK_ITEM
    if piece.kind == "and":
        return _AND_ITEM
    if piece.kind == "net":
        return _network(piece.text)
    weight = _checked_weight(piece.weight, piece.text, (piece.start, piece.end), collector)
    if piece.kind == "pweight":
        return PromptWeight.model_construct(kind="prompt_weight", weight=weight)
    return Schedule.model_construct(kind="schedule", text=piece.text, weight=weight)


def _order_by_start(items: list[PromptItem], spans: list[tuple[int, int]]) -> None:
    """Networks are cut out before scanning; put every item back in source order."""
    if all(spans[i][0] <= spans[i + 1][0] for i in range(len(spans) - 1)):
        return
    order = sorted(range(len(items)), key=lambda i: spans[i][0])
    items[:] = [items[i] for i in order]
    spans[:] = [spans[i] for i in order]


# --- A1111 ----------------------------------------------------------------------------


class _Stripped(NamedTuple):
    """The prompt with extra networks cut out, and a map back to source offsets."""

    text: str
    cut_starts: list[int]  # offsets in ``text`` where a cut happened
    shifts: list[int]  # source offset minus text offset after each cut


def _strip_networks(source: str, pieces: list[_Piece]) -> _Stripped:
    parts: list[str] = []
    cut_starts: list[int] = []
    shifts: list[int] = []
    previous = 0
    removed = 0
    for match in _find_networks(source):
        pieces.append(_Piece("net", match.group(0), 1.0, match.start(), match.end()))
        parts.append(source[previous : match.start()])
        removed += match.end() - match.start()
        cut_starts.append(match.start() - (removed - (match.end() - match.start())))
        shifts.append(removed)
        previous = match.end()
    if not cut_starts:
        return _Stripped(source, [], [])
    parts.append(source[previous:])
    return _Stripped("".join(parts), cut_starts, shifts)


_NETWORK_OPENER = re.compile(r"<\w+:")


class _NetworkMatch(NamedTuple):
    """One ``<kind:args>`` found in the source, shaped like the ``re.Match`` it replaces."""

    text: str
    begin: int
    stop: int

    def group(self, _index: int = 0) -> str:
        return self.text

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop


def _find_networks(source: str) -> list[_NetworkMatch]:
    """The matches of A1111's ``<(\\w+):([^>]+)>``, found in linear time.

    The regex itself rescans to the end of the text from every ``<word:`` that has no
    ``>`` after it (quadratic); here the next ``>`` is looked up once and reused.
    """
    found: list[_NetworkMatch] = []
    position = 0
    next_close = -1
    while True:
        opener = _NETWORK_OPENER.search(source, position)
        if opener is None:
            return found
        if next_close < opener.end():
            next_close = source.find(">", opener.end())
            if next_close < 0:
                return found  # no ">" after this point: no network can close
        if next_close > opener.end():  # "[^>]+" needs at least one character
            found.append(
                _NetworkMatch(
                    source[opener.start() : next_close + 1], opener.start(), next_close + 1
                )
            )
            position = next_close + 1
        else:
            position = opener.start() + 1


def _to_source(stripped: _Stripped, offset: int, *, is_end: bool = False) -> int:
    if not stripped.cut_starts:
        return offset
    # An end offset that sits on a cut belongs before it; a start offset after it.
    index = (bisect.bisect_left if is_end else bisect.bisect_right)(stripped.cut_starts, offset)
    return offset + (stripped.shifts[index - 1] if index else 0)


def _scan_a1111(source: str, collector: _Collector) -> list[_Piece]:
    networks: list[_Piece] = []
    stripped = _strip_networks(source, networks)
    text = stripped.text
    pieces: list[_Piece] = []
    bounds = [0]
    for match in _AND.finditer(text):
        bounds.extend((match.start(), match.end()))
    bounds.append(len(text))
    has_and = len(bounds) > 2
    for index in range(0, len(bounds), 2):
        begin, end = bounds[index], bounds[index + 1]
        if index:
            pieces.append(
                _Piece(
                    "and",
                    "AND",
                    1.0,
                    _to_source(stripped, begin - 3),
                    _to_source(stripped, begin, is_end=True),
                )
            )
        pieces.extend(_scan_subprompt(text, begin, end, stripped, collector, has_and=has_and))
    if networks:
        pieces.extend(networks)
        pieces.sort(key=lambda piece: piece.start)
    return pieces


def _scan_subprompt(
    text: str,
    begin: int,
    end: int,
    stripped: _Stripped,
    collector: _Collector,
    *,
    has_and: bool = False,
) -> list[_Piece]:
    trailing = _trailing_weight(text, begin, end)
    weight_piece: _Piece | None = None
    if trailing is not None:
        start, stop = trailing
        number = text[start:stop].strip()
        if has_and:
            # With AND, a sub-prompt's trailing ":w" is its weight: the syntax at work.
            weight_piece = _Piece(
                "pweight",
                number,
                float(number[1:]),
                _to_source(stripped, start),
                _to_source(stripped, stop, is_end=True),
            )
            end = start
        else:
            collector.add(
                "trailing-weight",
                f"A1111 reads the trailing {number!r} as the weight of the whole prompt; the "
                "text is kept as written (a comma after it stops A1111 doing so)",
                _to_source(stripped, start),
                _to_source(stripped, stop, is_end=True),
            )
    pieces = _scan_attention(text, begin, end, stripped, collector)
    if weight_piece is not None:
        pieces.append(weight_piece)
    return pieces


def _scan_attention(
    text: str, begin: int, end: int, stripped: _Stripped, collector: _Collector
) -> list[_Piece]:
    """One sub-prompt's schedules, emphasis, escapes and BREAKs, as pieces."""
    schedules = _find_schedules(text, begin, end, stripped, collector)
    elements: list[tuple[str, str, int, int]] = []  # (kind, text, start, end)
    # Each closed bracket is a range over ``elements``: (first, stop, multiplier, order).
    ranges: list[tuple[int, int, float, int]] = []
    round_open: list[tuple[int, int]] = []  # (element index, offset of the bracket)
    square_open: list[tuple[int, int]] = []
    position = begin
    token = _A1111_TOKEN
    while position < end:
        sched_end = schedules.get(position)
        if sched_end is not None:
            elements.append(("sched", text[position:sched_end], position, sched_end))
            position = sched_end
            continue
        match = token.match(text, position, end)
        assert match is not None  # the table matches every character
        kind = match.lastgroup
        value = match.group(0)
        token_end = match.end()
        if kind == "escape":
            elements.append(("literal", value[1], position, token_end))
        elif kind == "lone_backslash":
            # Dropped, but A1111 still appends an empty run, which keeps the runs on
            # either side from being joined if the brackets give it another weight.
            elements.append(("literal", "", position, token_end))
        elif kind == "open_round":
            round_open.append((len(elements), position))
        elif kind == "open_square":
            square_open.append((len(elements), position))
        elif kind == "weight_close" and round_open:
            first, _ = round_open.pop()
            number = match.group("weight")
            try:
                multiplier = float(number)
            except ValueError:
                collector.add(
                    "invalid-weight",
                    f"{number!r} is not a number (A1111 stops with an error here); "
                    "the group is read as plain emphasis",
                    _to_source(stripped, position),
                    _to_source(stripped, token_end, is_end=True),
                )
                elements.append(("text", value[:-1], position, token_end - 1))
                multiplier = _ROUND
            ranges.append((first, len(elements), multiplier, len(ranges)))
        elif kind == "close_round" and round_open:
            first, _ = round_open.pop()
            ranges.append((first, len(elements), _ROUND, len(ranges)))
        elif kind == "close_square" and square_open:
            first, _ = square_open.pop()
            ranges.append((first, len(elements), _SQUARE, len(ranges)))
        elif kind in ("weight_close", "close_round", "close_square"):
            collector.add(
                "stray-bracket",
                f"{value[-1]!r} closes nothing; A1111 reads it as plain text",
                _to_source(stripped, token_end - 1),
                _to_source(stripped, token_end, is_end=True),
            )
            elements.append(("text", value, position, token_end))
        elif kind == "text" and "BREAK" in value:
            glued_before = (
                bool(elements) and elements[-1][0] == "sched" and (elements[-1][3] == position)
            )
            for start, stop in _split_breaks(
                value, position, elements, glued_before, token_end in schedules
            ):
                collector.add(
                    "glued-keyword",
                    "BREAK touches a schedule: A1111 reads it as a break only at the steps "
                    "where the schedule's text does not end (or start) with a letter; it is "
                    "kept as written",
                    _to_source(stripped, start),
                    _to_source(stripped, stop, is_end=True),
                )
        else:  # text, or a colon that is not a weight
            elements.append(("text", value, position, token_end))
        position = token_end
    count = len(elements)
    for opened, name, multiplier in ((round_open, "(", _ROUND), (square_open, "[", _SQUARE)):
        for first, offset in opened:
            collector.add(
                "unclosed-bracket",
                f"unclosed {name!r}; A1111 applies it up to the end of the prompt",
                _to_source(stripped, offset),
                _to_source(stripped, offset + 1, is_end=True),
            )
            ranges.append((first, count, multiplier, len(ranges)))
    weights = _fold_weights(count, ranges)
    pieces: list[_Piece] = []
    for (kind, value, start, stop), weight in zip(elements, weights, strict=True):
        if kind == "text" and stripped.cut_starts:
            _add_cut_text(value, weight, start, stripped, pieces)
            continue
        source_start = _to_source(stripped, start)
        source_end = _to_source(stripped, stop, is_end=True)
        if kind == "break" and weight != 1.0:
            # A1111 multiplies its ('BREAK', -1) marker by the brackets around it, and
            # then no longer sees a break: it encodes the word with that weight.
            collector.add(
                "bracketed-break",
                "BREAK inside brackets is not a chunk break in A1111; it is encoded as the "
                "word 'BREAK' with a negative weight",
                source_start,
                source_end,
            )
            pieces.append(_Piece("literal", "break", -weight, source_start, source_end))
        else:
            pieces.append(_Piece(kind, value, weight, source_start, source_end))
    return pieces


def _add_cut_text(
    value: str, weight: float, start: int, stripped: _Stripped, pieces: list[_Piece]
) -> None:
    """A text element that may span cut-out networks, as pieces that map 1:1 to source."""
    cuts = stripped.cut_starts
    first = bisect.bisect_right(cuts, start)
    last = bisect.bisect_left(cuts, start + len(value))
    offset = 0
    for cut in [*cuts[first:last], start + len(value)]:
        part = value[offset : cut - start]
        if part:
            begin = _to_source(stripped, start + offset)
            pieces.append(_Piece("text", part, weight, begin, begin + len(part)))
        offset = cut - start


def _trailing_weight(text: str, begin: int, end: int) -> tuple[int, int] | None:
    """Span of a trailing ``:number`` that A1111 reads as a (sub-)prompt's weight."""
    colon = text.rfind(":", begin, end)
    if colon < 0 or _TRAILING_WEIGHT.fullmatch(text, colon, end) is None:
        return None
    start = colon
    while start > begin and text[start - 1].isspace():
        start -= 1
    return start, end


def _split_breaks(
    value: str,
    position: int,
    elements: list[tuple[str, str, int, int]],
    glued_before: bool = False,
    glued_after: bool = False,
) -> list[tuple[int, int]]:
    """Cut a text token at each ``BREAK`` (which eats the whitespace around it).

    Like A1111's ``re.split``, an empty part between two BREAKs is kept (as an empty
    run): inside brackets it is what keeps two weighted BREAK words apart. A BREAK
    glued to a schedule (``[a:5]BREAK``) is kept as verbatim text: after substitution
    A1111 may read it as part of a word. Returns the spans of those glued ones.
    """
    offset = 0
    glued: list[tuple[int, int]] = []
    for separator in _BREAK.finditer(value):
        word_start = value.index("BREAK", separator.start())
        if (glued_before and word_start == 0) or (glued_after and word_start + 5 == len(value)):
            if word_start > offset:
                elements.append(
                    ("text", value[offset:word_start], position + offset, position + word_start)
                )
            elements.append(("verbatim", "BREAK", position + word_start, position + word_start + 5))
            glued.append((position + word_start, position + word_start + 5))
            offset = word_start + 5
            continue
        part = value[offset : separator.start()]
        kind = "text" if part else "literal"
        elements.append((kind, part, position + offset, position + separator.start()))
        elements.append(
            ("break", "BREAK", position + separator.start(), position + separator.end())
        )
        offset = separator.end()
    if offset < len(value):
        elements.append(("text", value[offset:], position + offset, position + len(value)))
    return glued


def _fold_weights(count: int, ranges: list[tuple[int, int, float, int]]) -> list[float]:
    """Multiply each element by the brackets around it, in A1111's (closing) order.

    A sweep over element indices keeps the open ranges. Up to ``_EXACT_FOLD_DEPTH``
    of them, the product is taken in closing order exactly as A1111's
    ``multiply_range`` does; deeper, a running product of logarithms keeps the sweep
    linear (equal to within float rounding).
    """
    if not ranges:
        return [1.0] * count
    starts: dict[int, list[tuple[int, float]]] = {}
    ends: dict[int, list[int]] = {}
    for first, stop, multiplier, order in ranges:
        if first < stop:
            starts.setdefault(first, []).append((order, multiplier))
            ends.setdefault(stop, []).append(order)
    active: dict[int, float] = {}
    log_sum = 0.0
    zeros = 0
    negatives = 0
    weights: list[float] = []
    for index in range(count):
        for order in ends.get(index, ()):
            multiplier = active.pop(order)
            if multiplier == 0:
                zeros -= 1
            else:
                log_sum -= math.log(abs(multiplier))
                negatives -= multiplier < 0
        for order, multiplier in starts.get(index, ()):
            active[order] = multiplier
            if multiplier == 0:
                zeros += 1
            else:
                log_sum += math.log(abs(multiplier))
                negatives += multiplier < 0
        if len(active) <= _EXACT_FOLD_DEPTH:
            weight = 1.0
            for order in sorted(active):
                weight *= active[order]
        elif zeros:
            weight = 0.0
        else:  # past float range this is inf, which the caller reports as an overflow
            magnitude = math.exp(log_sum) if log_sum < _LOG_FLOAT_MAX else math.inf
            weight = -magnitude if negatives % 2 else magnitude
        weights.append(weight)
    return weights


# A backslash escapes any character but a newline in the schedule grammar; one before a
# newline or at the end makes the grammar fail (and scheduling is switched off).
_SCHEDULE_SYNTAX = re.compile(r"\\[^\n]|\\|[()\[\]:|]")


class _OpenBracket:
    """A bracket still open while looking for schedules, and what it holds directly."""

    __slots__ = ("bad", "char", "colons", "found", "offset", "pipes")

    def __init__(self, char: str, offset: int) -> None:
        self.char = char
        self.offset = offset
        self.colons: list[int] = []
        self.pipes = 0
        # A stray bracket inside makes this one plain text to the grammar.
        self.bad = False
        self.found: list[tuple[int, int]] = []  # schedules inside, outermost first

    def is_construct(self, text: str, close: int) -> bool:
        """Whether the grammar can read this bracket pair as one of its rules:
        ``(p)``, ``(p:p)``, ``[p]``, ``[p|p...]``, ``[p:N]`` or ``[p:p:N]``."""
        if self.bad:
            return False
        if self.char == "(":
            return len(self.colons) <= 1
        if self.pipes:
            return not self.colons
        if not self.colons:
            return True
        return (
            len(self.colons) <= 2
            and SCHEDULE_STEP.fullmatch(text, self.colons[-1] + 1, close) is not None
        )


def _find_schedules(
    text: str, begin: int, end: int, stripped: _Stripped, collector: _Collector
) -> dict[int, int]:
    """Spans ``start -> end`` of the scheduling and alternation brackets A1111 runs.

    A1111's grammar (``prompt_parser.py``) reads bracket pairs as rules only when
    everything inside them is well formed; at the top level its start rule absorbs
    leftover ``[ ] ( ) :`` as plain text, so a malformed group is simply not a rule
    while the others still work (``[a:][b:3]`` schedules ``b``). The whole grammar
    fails, and scheduling is off for the sub-prompt, only on a ``|`` that no
    alternation holds, or a backslash at the end of a line. One linear pass with a
    stack decides this; a schedule that leftover brackets or colons touch is reported
    as ambiguous (lark may read it either way, depending on Python's hash seed).
    """
    if "[" not in text[begin:end] and "|" not in text[begin:end]:
        return {}
    stack: list[_OpenBracket] = []
    found: list[tuple[int, int]] = []
    strays: set[int] = set()  # leftover characters the start rule absorbs
    failure: tuple[int, str] | None = None
    for match in _SCHEDULE_SYNTAX.finditer(text, begin, end):
        char = match.group(0)
        position = match.start()
        if char[0] == "\\":
            if char == "\\" and failure is None:
                failure = (position, "a backslash at the end of a line")
            continue
        if char in "([":
            stack.append(_OpenBracket(char, position))
        elif char == ":":
            if stack:
                stack[-1].colons.append(position)
            else:
                strays.add(position)
        elif char == "|":
            if stack and stack[-1].char == "[":
                stack[-1].pipes += 1
            elif failure is None:
                failure = (position, "a '|' outside square brackets")
        elif not stack:
            strays.add(position)
        elif stack[-1].char != ("(" if char == ")" else "["):
            for bracket in stack:  # a stray close: no open bracket can hold it
                bracket.bad = True
        else:
            bracket = stack.pop()
            inner = bracket.found
            if bracket.is_construct(text, position):
                if bracket.char == "[" and (bracket.colons or bracket.pipes):
                    inner = [(bracket.offset, position + 1)]  # keeps its inner ones
            else:
                if bracket.pipes and failure is None:
                    failure = (
                        bracket.offset,
                        f"{_snippet(text, bracket.offset, position)} "
                        "holds a '|' but is not a valid alternation",
                    )
                if stack:
                    stack[-1].bad = True
                else:
                    strays.update((bracket.offset, position))
            (stack[-1].found if stack else found).extend(inner)
    while stack:  # unclosed: the grammar cannot read them as rules
        bracket = stack.pop()
        if bracket.pipes and failure is None:
            failure = (bracket.offset, f"the unclosed {bracket.char!r} holds a '|'")
        if stack:
            stack[-1].bad = True
            stack[-1].found.extend(bracket.found)
        else:
            strays.add(bracket.offset)
            found.extend(bracket.found)
    if failure is not None:
        if found:
            offset, why = failure
            collector.add(
                "scheduling-disabled",
                f"{why} makes A1111 switch prompt editing off for the whole prompt; "
                "its [a:b:n] and [a|b] are read as plain emphasised text",
                _to_source(stripped, offset),
                _to_source(stripped, offset + 1, is_end=True),
            )
        return {}
    for start, stop in found:
        if stop in strays:
            collector.add(
                "ambiguous-schedule",
                f"a leftover {text[stop]!r} right after {_snippet(text, start, stop - 1)} "
                "makes A1111's reading depend on Python's hash seed: scheduled or plain text",
                _to_source(stripped, start),
                _to_source(stripped, stop + 1, is_end=True),
            )
    return dict(found)


def _snippet(text: str, start: int, close: int) -> str:
    snippet = text[start : close + 1]
    return repr(snippet if len(snippet) <= 40 else snippet[:37] + "...")


# --- ComfyUI --------------------------------------------------------------------------


class _ComfyGroups:
    """Bracket matching shared by the ComfyUI passes: partners both ways, and a heap of
    the ``(`` that close nothing (the start of an unclosed tail is the first of them)."""

    def __init__(self, work: str) -> None:
        self.close_of: dict[int, int] = {}
        self.open_of: dict[int, int] = {}
        stack: list[int] = []
        for paren in re.finditer(r"[()]", work):
            offset = paren.start()
            if paren.group(0) == "(":
                stack.append(offset)
            elif stack:
                opened = stack.pop()
                self.close_of[opened] = offset
                self.open_of[offset] = opened
        self.unmatched = stack  # ascending, so already a heap
        self.colons = [colon.start() for colon in re.finditer(":", work)]
        self.parens = [paren.start() for paren in re.finditer(r"[()]", work)]

    def paren_between(self, start: int, stop: int) -> bool:
        """Whether a ``(`` or ``)`` lies in ``[start, stop)`` (in log n)."""
        index = bisect.bisect_left(self.parens, start)
        return index < len(self.parens) and self.parens[index] < stop

    def last_colon(self, start: int, stop: int) -> int:
        """Offset of the last ``:`` in ``[start, stop)``, or -1 (``str.rfind`` in log n)."""
        index = bisect.bisect_left(self.colons, stop) - 1
        return self.colons[index] if index >= 0 and self.colons[index] >= start else -1


def _scan_comfyui(source: str, collector: _Collector) -> list[_Piece]:
    """ComfyUI's ``token_weights`` (sd1_clip.py), without its recursion.

    Groups are matched once with a bracket stack; a group's weight is its explicit
    ``:number`` (which replaces the inherited weight) or its parent's times 1.1.
    """
    work = _COMFY_ESCAPED.sub("\x00\x00", source)  # same length; escaped parens vanish
    matching = _ComfyGroups(work)
    runs: list[tuple[int, int, float]] = []  # source ranges of text, with their weights
    groups: list[tuple[int, int, float]] = []  # (open, close, inherited weight)
    # The top level, walked as parse_parentheses does: a stray ")" drives the level
    # negative, and the brackets after it are text until the level is back at zero.
    level = 0
    item_start = 0
    for paren in re.finditer(r"[()]", work):
        offset = paren.start()
        if paren.group(0) == "(":
            if level == 0:
                if offset > item_start:
                    runs.append((item_start, offset, 1.0))
                item_start = offset
            level += 1
        else:
            level -= 1
            if level == 0:
                groups.append((item_start, offset, 1.0))
                item_start = offset + 1
            elif level == -1:
                collector.add(
                    "stray-bracket",
                    "')' closes nothing; ComfyUI reads the rest of the prompt as plain text",
                    offset,
                    offset + 1,
                )
    if level > 0:
        collector.add(
            "unclosed-bracket",
            "unclosed '('; ComfyUI reads it as plain text",
            item_start,
            item_start + 1,
        )
        _comfy_tail(work, item_start, len(work), 1.0, matching, runs, groups, collector)
    elif len(work) > item_start:
        runs.append((item_start, len(work), 1.0))
    while groups:
        opened, closed, inherited = groups.pop()
        weight, text_end = _comfy_weight(work, opened, closed, inherited, matching, collector)
        _comfy_level(work, opened + 1, text_end, weight, matching, runs, groups)
    runs.sort()
    pieces: list[_Piece] = []
    for run, (start, stop, weight) in enumerate(runs):
        _comfy_pieces(source, start, stop, weight, run, pieces)
    return pieces


def _comfy_pieces(
    source: str, start: int, stop: int, weight: float, run: int, pieces: list[_Piece]
) -> None:
    """Text pieces of one run, with each escaped parenthesis as a one-character literal."""
    position = start
    first = len(pieces)
    for escaped in _COMFY_ESCAPED.finditer(source, start, stop):
        if escaped.start() > position:
            text = source[position : escaped.start()]
            pieces.append(_Piece("text", text, weight, position, escaped.start(), run))
        literal = escaped.group(0)[1]
        pieces.append(_Piece("literal", literal, weight, escaped.start(), escaped.end(), run))
        position = escaped.end()
    if stop > position:
        pieces.append(_Piece("text", source[position:stop], weight, position, stop, run))
    if "\x00" in source[start:stop]:
        for index in range(first, len(pieces)):
            piece = pieces[index]
            text = piece.text
            for placeholder, bracket in _COMFY_PLACEHOLDERS.items():
                text = text.replace(placeholder, bracket)
            pieces[index] = piece._replace(text=text)


def _comfy_weight(
    work: str,
    opened: int,
    closed: int,
    inherited: float,
    matching: _ComfyGroups,
    collector: _Collector,
) -> tuple[float, int]:
    """A group's weight and where its text ends (before an explicit ``:weight``)."""
    colon = matching.last_colon(opened + 1, closed)
    if colon > opened + 1:
        candidate = work[colon + 1 : closed]
        # ComfyUI float()s the whole rest, whatever its length; the candidates of
        # different groups never overlap, so reading them all stays linear.
        if not matching.paren_between(colon + 1, closed):
            try:
                value = float(candidate)
            except ValueError:
                pass
            else:
                if math.isfinite(value):
                    return value, colon
                collector.add(
                    "invalid-weight",
                    f"{candidate.strip()!r} is not a finite weight; "
                    "the group is read as plain emphasis",
                    colon,
                    closed,
                )
    return inherited * _ROUND, closed


def _comfy_level(
    work: str,
    start: int,
    stop: int,
    weight: float,
    matching: _ComfyGroups,
    runs: list[tuple[int, int, float]],
    groups: list[tuple[int, int, float]],
) -> None:
    """Text and closed groups of one balanced stretch, at ``weight``."""
    position = start
    while position < stop:
        inner = work.find("(", position, stop)
        if inner == -1:
            break
        if inner > position:
            runs.append((position, inner, weight))
        inner_close = matching.close_of.get(inner)
        if inner_close is None or inner_close >= stop:
            # An explicit weight cut the group short: the rest of it is text.
            runs.append((inner, stop, weight))
            return
        groups.append((inner, inner_close, weight))
        position = inner_close + 1
    if stop > position:
        runs.append((position, stop, weight))


def _comfy_tail(
    work: str,
    start: int,
    end: int,
    weight: float,
    matching: _ComfyGroups,
    runs: list[tuple[int, int, float]],
    groups: list[tuple[int, int, float]],
    collector: _Collector,
) -> None:
    """The unclosed tail item: plain text, unless it happens to end with ``)``.

    ComfyUI then takes it for a group (``((a)`` is ``(a`` at 1.1) and re-reads the
    inside, whose own unclosed tail may do the same; the heap of unmatched ``(`` makes
    each of those steps cheap.
    """
    while end - start >= 2 and work[start] == "(" and work[end - 1] == ")":
        closing = end - 1
        weight, text_end = _comfy_weight(work, start, closing, weight, matching, collector)
        partner = matching.open_of.pop(closing, None)
        if partner is not None:  # that ")" now ends the tail, not its own group
            del matching.close_of[partner]
            heapq.heappush(matching.unmatched, partner)
        inner_start = start + 1
        while matching.unmatched and matching.unmatched[0] < inner_start:
            heapq.heappop(matching.unmatched)
        first_open = matching.unmatched[0] if matching.unmatched else None
        if first_open is None or first_open >= text_end:
            _comfy_level(work, inner_start, text_end, weight, matching, runs, groups)
            return
        _comfy_level(work, inner_start, first_open, weight, matching, runs, groups)
        start, end = first_open, text_end
    if end > start:
        runs.append((start, end, weight))
