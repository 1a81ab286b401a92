"""Read A1111 and ComfyUI prompts into a flat list of items, exactly as those tools do.

The result is a :class:`ParseResult`: the items (:class:`~aidxl_prompt.model.items.Tag`
with its effective weight, :class:`~aidxl_prompt.model.items.Break`,
:class:`~aidxl_prompt.model.items.And`, :class:`~aidxl_prompt.model.items.ExtraNetwork`,
:class:`~aidxl_prompt.model.items.Schedule`), the source span of each item, and a
:class:`Repair` for every place where the tool would read the text in a way the writer
probably did not mean (an unclosed bracket, a stray ``)``, a weight A1111 crashes on).
``strict=True`` raises :class:`~aidxl_prompt.errors.PromptSyntaxError` at the first one.

The text is read by the scanners of the layer below (:mod:`~aidxl_prompt.syntax.a1111`,
:mod:`~aidxl_prompt.syntax.comfyui`, on the rules of :mod:`~aidxl_prompt.syntax.grammar`)
into plain pieces; this module cuts them into comma-separated units and builds one item
per unit. A1111 prompts whose every unit is a bare tag, a ``(tag:N)`` group or an
extra network (most of them) take one shortcut, which a property test holds equal to
the scanner.

>>> parse_tags("masterpiece, (long_hair:1.2), bishop \\\\(chess\\\\) BREAK <lora:x:0.8>")
... # doctest: +NORMALIZE_WHITESPACE
[Tag(text='masterpiece', weight=1.0), Tag(text='long hair', weight=1.2),
 Tag(text='bishop (chess)', weight=1.0), Break(kind='break'),
 ExtraNetwork(kind='extra_network', text='<lora:x:0.8>')]
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, cast

from pydantic import BaseModel, ConfigDict

from .._input import MAX_INPUT_BYTES, check_size
from ..syntax.a1111 import scan_a1111
from ..syntax.comfyui import scan_comfyui
from ..syntax.grammar import RULES, trailing_weight
from ..syntax.normalize import MAX_WEIGHT, MIN_WEIGHT, Dialect, normalize_spelling, unescape
from ..syntax.pieces import Piece, RepairCode, Repairs, plain_pieces
from . import items as _items
from .items import And, Break, ExtraNetwork, Phrase, PromptItem, PromptWeight, Run, Schedule, Tag

__all__ = [
    "ParseResult",
    "Repair",
    "RepairCode",
    "parse_items",
    "parse_tags",
    "segment_item",
    "segment_spans",
    "simple_items",
]

# The readers of each dialect (compel is written, never read).
_SCANNERS: Mapping[str, Callable[[str, Repairs], list[Piece]]] = MappingProxyType(
    {"a1111": scan_a1111, "comfyui": scan_comfyui, "plain": lambda text, _: plain_pieces(text)}
)


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
        simple = simple_items(text)  # the common case, without spans or a ParseResult
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
    simple = simple_items(text) if dialect == "a1111" else None
    if simple is not None:
        fields = {
            "source": text,
            "dialect": dialect,
            "items": tuple(simple),
            "spans": segment_spans(text),
            "repairs": (),
        }
        return _items.construct_valid(
            ParseResult, fields, {"source", "dialect", "items", "spans", "repairs"}
        )
    return _read(text, dialect, strict=strict)


def _read(text: str, dialect: Dialect, *, strict: bool) -> ParseResult:
    """:func:`parse_items` by the dialect's scanner, without the common-case shortcut."""
    scanner = _SCANNERS.get(dialect) if isinstance(dialect, str) else None
    if scanner is None:
        raise ValueError(
            f"cannot parse the {dialect!r} dialect; parsing reads 'a1111', 'comfyui' or 'plain'"
        )
    repairs = Repairs(text, strict)
    assembly = _Assembly(text, repairs)
    for piece in scanner(text, repairs):
        assembly.add(piece)
    items, spans = assembly.finish()
    # Every item was built valid (or is a shared, already-validated Tag), so the
    # result skips a second validation pass over them.
    return ParseResult.model_construct(
        source=text,
        dialect=dialect,
        items=tuple(items),
        spans=tuple(spans),
        repairs=tuple(
            Repair.model_construct(
                code=record.code, message=record.message, span=(record.start, record.end)
            )
            for record in repairs.records()
        ),
    )


# --- the common case: one cached look-up per comma-separated segment --------------------

# Only short segments are memoised: the cache holds real tags, never megabytes of input.
_CACHED_LENGTH = 256


def simple_items(text: str) -> list[PromptItem] | None:
    """The items of an A1111 prompt whose every segment is one simple unit, else None.

    A segment is simple when it is a bare tag, a ``(tag:N)`` group (escapes allowed in
    the tag) or an extra network, and the prompt has no syntax that reaches across
    segments (``BREAK``, ``AND``, a trailing ``:N``). Everything else is the scanner's;
    a property test holds the two equal wherever this one answers (the scanner reports
    no repair there).

    >>> simple_items("a, (b:1.2)"), simple_items("(a")
    ([Tag(text='a', weight=1.0), Tag(text='b', weight=1.2)], None)
    """
    if "BREAK" in text or "AND" in text or trailing_weight(text) is not None:
        return None
    segments = list(filter(None, map(str.strip, text.split(","))))
    if not segments:
        return []
    if max(map(len, segments)) > _CACHED_LENGTH:
        return None
    items = list(map(segment_item, segments))
    # all(): items are always true, None is not (and truth is cheaper than "None in").
    return cast("list[PromptItem]", items) if all(items) else None


def segment_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The span of each non-blank comma-separated segment, without its edge whitespace
    (a simple prompt's item spans).

    >>> segment_spans(" a b ,, c")
    ((1, 4), (8, 9))
    """
    return tuple(map(re.Match.span, _SEGMENT_TEXT.finditer(text)))


# A segment's text without its edge whitespace (``\s`` is exactly ``str.isspace``).
_SEGMENT_TEXT = re.compile(r"[^,\s](?:[^,]*[^,\s])?")


# The rules a segment is read by (bound once: every new segment goes through them).
_SEGMENT_SYNTAX = RULES["SEGMENT_SYNTAX"]
_WEIGHTED_TEXT = RULES["WEIGHTED_TEXT"]


@functools.lru_cache(maxsize=65536)
def segment_item(segment: str) -> PromptItem | None:
    """The one item of a stripped segment, or None when it needs the scanner (it is
    not one simple unit, or its weight or text needs a repair)."""
    if _SEGMENT_SYNTAX.search(segment) is None:  # a bare tag, most segments
        text = normalize_spelling(segment)
        return Tag.from_valid(text) if text and "," not in text else None
    if segment[0] == "<" and RULES["EXTRA_NETWORK"].fullmatch(segment):
        return ExtraNetwork.model_construct(text=segment)
    if "<" in segment and RULES["NETWORK_OPENER"].search(segment):
        return None  # a network inside other text, or one that may run past a comma
    if segment[0] == "(":
        group = _WEIGHTED_TEXT.fullmatch(segment)
        return None if group is None else _tag_of_escaped(group["text"], float(group["weight"]))
    if RULES["ESCAPED_TEXT"].fullmatch(segment) is None:
        return None
    return _tag_of_escaped(segment, 1.0)


def _tag_of_escaped(escaped: str, weight: float) -> Tag | None:
    """The tag A1111 reads from escaped text at ``weight``, or None when that is not
    exactly one tag at a weight that needs no repair."""
    text = normalize_spelling(unescape(escaped) if "\\" in escaped else escaped)
    if not text or "," in text or not MIN_WEIGHT <= abs(weight) <= MAX_WEIGHT:
        return None
    return Tag.from_valid(text, weight)


# --- assembling pieces into items -------------------------------------------------------


class _Assembly:
    """Cuts the scanned pieces into comma-separated units and builds one item per unit.

    A unit A1111 reads as one run is a :class:`Tag`; one it reads as several runs (or
    that holds a schedule) is a :class:`Phrase`, kept whole with its inner spacing.
    Equal-weight neighbours of one run group are joined, as A1111 joins them.
    """

    def __init__(self, source: str, repairs: Repairs) -> None:
        self.source = source
        self.repairs = repairs
        self.items: list[PromptItem] = []
        self.spans: list[tuple[int, int]] = []
        self.unit = _Unit(0)

    def add(self, piece: Piece) -> None:
        """Take the next piece in source order."""
        kind = piece.kind
        if kind == "net":  # A1111 cuts networks out; the text around them joins up
            self._item(ExtraNetwork.model_construct(text=piece.text), (piece.start, piece.end))
        elif kind == "sched":
            self.unit.parts.append(_control_item(piece, self.repairs))
        elif kind in ("break", "and", "pweight"):
            self._close(piece.start, piece.end)
            self._item(_control_item(piece, self.repairs), (piece.start, piece.end))
        elif kind in ("literal", "verbatim"):  # one escaped character: never a separator
            self.unit.add(piece.text, piece.weight, piece.run, verbatim=kind == "verbatim")
        else:
            self._add_text(piece)

    def finish(self) -> tuple[list[PromptItem], list[tuple[int, int]]]:
        """The items in source order and their spans."""
        self._close(len(self.source), len(self.source))
        items, spans = self.items, self.spans
        if any(spans[i][0] > spans[i + 1][0] for i in range(len(spans) - 1)):
            # Networks are cut out before scanning; put every item back in source order.
            order = sorted(range(len(items)), key=lambda i: spans[i][0])
            items[:] = [items[i] for i in order]
            spans[:] = [spans[i] for i in order]
        return items, spans

    def _add_text(self, piece: Piece) -> None:
        if "," not in piece.text:
            if piece.text:
                self.unit.add(piece.text, piece.weight, piece.run)
            return
        position = piece.start
        for index, part in enumerate(piece.text.split(",")):
            if index:
                self._close(position, position + 1)
                position += 1  # the comma
            if part:
                self.unit.add(part, piece.weight, piece.run)
            position += len(part)

    def _item(self, item: PromptItem, span: tuple[int, int]) -> None:
        self.items.append(item)
        self.spans.append(span)

    def _close(self, end: int, next_start: int) -> None:
        unit, self.unit = self.unit, _Unit(next_start)
        parts = unit.joined()
        if not parts:
            return
        span = _unit_span(self.source, unit.start, end)
        if len(parts) > 1:
            self._item(_phrase(parts, span, self.repairs), span)
        elif isinstance(parts[0], tuple):
            text, weight, _ = parts[0]
            weight = _checked_weight(weight, text, span, self.repairs)
            canonical = normalize_spelling(text.strip())
            # Full-width commas become commas under NFKC: the unit splits there.
            for piece in canonical.split(","):
                if piece.strip():
                    spelled = normalize_spelling(piece) if "," in canonical else piece
                    self._item(Tag.from_valid(spelled, weight), span)
        else:  # a schedule alone
            self._item(parts[0], span)


# One part of a unit: a run of (text, weight, verbatim), or a schedule.
_UnitPart = tuple[str, float, bool] | Schedule


class _Unit:
    """One comma-separated unit while it is built: runs of text and schedules."""

    __slots__ = ("parts", "start")

    def __init__(self, start: int) -> None:
        self.start = start
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

    def joined(self) -> list[_UnitPart]:
        """The runs joined into text and the schedules, without blank runs at the edges
        (whitespace at the edges of a unit sits next to a comma: it is not part of it)."""
        parts: list[_UnitPart] = []
        for part in self.parts:
            if isinstance(part, list):
                text = "".join(part[0])
                if text:
                    parts.append((text, part[1], part[3]))
            else:
                assert isinstance(part, Schedule)
                parts.append(part)
        start, end = 0, len(parts)
        while start < end and _is_blank(parts[start]):
            start += 1
        while end > start and _is_blank(parts[end - 1]):
            end -= 1
        return parts[start:end]


def _is_blank(part: _UnitPart | Run) -> bool:
    if isinstance(part, Schedule):
        return False
    text = part.text if isinstance(part, Run) else part[0]
    return not text.strip()


def _unit_span(source: str, start: int, end: int) -> tuple[int, int]:
    """The unit's source text without the whitespace around it."""
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


_COMMA_AS_SPACE = re.compile(r"\s*,[\s,]*")


def _phrase(parts: list[_UnitPart], span: tuple[int, int], repairs: Repairs) -> Tag | Phrase:
    """A unit of several runs and schedules: a Phrase, or a Tag when only one run
    is left once the blank ones are gone."""
    phrase_parts: list[Run | Schedule] = []
    reported: set[str] = set()
    for part in parts:
        if isinstance(part, Schedule):
            phrase_parts.append(part)
            continue
        text, weight, verbatim = part
        weight = _checked_weight(weight, text, span, repairs, reported)
        if not verbatim:
            text = Run.spell(text)
            if "," in text:  # a full-width comma: keep the unit whole, as A1111 reads it
                text = _COMMA_AS_SPACE.sub(" ", text)
        phrase_parts.append(Run.model_construct(text=text, weight=weight))
    start, end = 0, len(phrase_parts)
    while start < end and _is_blank(phrase_parts[start]):
        start += 1
    while end > start and _is_blank(phrase_parts[end - 1]):
        end -= 1
    phrase_parts = _trim_edges(phrase_parts[start:end])
    if len(phrase_parts) == 1 and isinstance(phrase_parts[0], Run):
        return Tag.from_valid(phrase_parts[0].text, phrase_parts[0].weight)
    return Phrase.model_construct(kind="phrase", parts=tuple(phrase_parts))


def _trim_edges(parts: list[Run | Schedule]) -> list[Run | Schedule]:
    """No edge space at either end of a unit (it sits by a comma)."""
    if parts and isinstance(parts[0], Run) and parts[0].text[:1] == " ":
        first = parts[0]
        parts[0] = Run.model_construct(text=first.text.lstrip(), weight=first.weight)
    if parts and isinstance(parts[-1], Run) and parts[-1].text[-1:] == " ":
        last = parts[-1]
        parts[-1] = Run.model_construct(text=last.text.rstrip(), weight=last.weight)
    return parts


def _checked_weight(
    weight: float,
    text: str,
    span: tuple[int, int],
    repairs: Repairs,
    reported: set[str] | None = None,
) -> float:
    """A run's weight, or a repair when it is not finite or out of range (one repair of
    each kind per unit: ``reported`` holds the kinds already reported)."""
    if abs(weight) <= MAX_WEIGHT:
        return 0.0 if abs(weight) < MIN_WEIGHT else weight
    finite = math.isfinite(weight)
    kind = "weight-out-of-range" if finite else "weight-overflow"
    used = math.copysign(MAX_WEIGHT, weight) if finite else 1.0
    if reported is not None:
        if kind in reported:
            return used
        reported.add(kind)
    if finite:
        repairs.add(
            "weight-out-of-range",
            f"the weight {weight:g} of {text.strip()!r} is outside -{MAX_WEIGHT:g} to "
            f"{MAX_WEIGHT:g}; {used:g} is used",
            *span,
        )
    else:
        repairs.add(
            "weight-overflow",
            f"the weight of {text.strip()!r} is not a finite number; 1 is used",
            *span,
        )
    return used


# Shared, built without validation (no schema build at import).
_BREAK_ITEM = Break.model_construct()
_AND_ITEM = And.model_construct()


def _control_item(piece: Piece, repairs: Repairs) -> PromptItem:
    if piece.kind == "break":
        return _BREAK_ITEM
    if piece.kind == "and":
        return _AND_ITEM
    weight = _checked_weight(piece.weight, piece.text, (piece.start, piece.end), repairs)
    if piece.kind == "pweight":
        return PromptWeight.model_construct(kind="prompt_weight", weight=weight)
    return Schedule.model_construct(kind="schedule", text=piece.text, weight=weight)
