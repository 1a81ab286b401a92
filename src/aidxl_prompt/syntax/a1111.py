"""A1111's reading of a prompt, as plain pieces with source spans (no models).

:func:`scan_a1111` follows ``modules/prompt_parser.py`` (v1.10.1) step by step: extra
networks are cut out first, the text is split at ``AND`` (a sub-prompt's trailing
``:N`` is its weight), the scheduling grammar finds the ``[a:b:N]`` and ``[a|b]`` it
runs, and the emphasis reader (the ``ATTENTION`` rule of
:mod:`~aidxl_prompt.syntax.grammar`) gives every run of text its weight. Each place
A1111 reads in a way the writer probably did not mean becomes a repair.

It runs in time linear in the prompt's length and never recurses, so a megabyte of
brackets is fine.

>>> for piece in scan_a1111("x <lora:y:1>, (b:1.2) [c:d:5]", Repairs("", strict=False)):
...     print(piece.kind, repr(piece.text), piece.weight, (piece.start, piece.end))
text 'x ' 1.0 (0, 2)
net '<lora:y:1>' 1.0 (2, 12)
text ', ' 1.0 (12, 14)
text 'b' 1.2 (15, 16)
text ' ' 1.0 (21, 22)
sched '[c:d:5]' 1.0 (22, 29)
>>> schedule_choices("[red:blue:0.5]"), schedule_choices("[a]")
(['red', 'blue'], None)
"""

from __future__ import annotations

import bisect
import itertools
import math
import sys
from collections.abc import Callable, Mapping
from re import Match
from types import MappingProxyType

from .grammar import RULES, trailing_weight
from .pieces import Piece, PieceKind, RepairCode, Repairs

__all__ = ["scan_a1111", "schedule_choices"]

_ROUND = 1.1
_SQUARE = 1 / 1.1
# Past this many brackets around one run, weights are multiplied in opening order
# instead of A1111's closing order (same value to within a few ulps), to stay linear.
_EXACT_FOLD_DEPTH = 16
_LOG_FLOAT_MAX = math.log(sys.float_info.max)


def scan_a1111(source: str, repairs: Repairs) -> list[Piece]:
    """The pieces of an A1111 prompt in source order (see the module docstring)."""
    text = _Stripped(source, repairs)
    pieces: list[Piece] = []
    bounds = [0]
    for match in RULES["AND"].finditer(text.text):
        bounds.extend((match.start(), match.end()))
    bounds.append(len(text.text))
    has_and = len(bounds) > 2
    for index in range(0, len(bounds), 2):
        begin, end = bounds[index], bounds[index + 1]
        if index:
            start, stop = text.to_source(begin - 3), text.to_source(begin, is_end=True)
            pieces.append(Piece("and", "AND", 1.0, start, stop))
        pieces.extend(_scan_subprompt(text, begin, end, has_and=has_and))
    if text.networks:
        pieces.extend(text.networks)
        pieces.sort(key=lambda piece: piece.start)
    return pieces


# --- extra networks ---------------------------------------------------------------------


class _Stripped:
    """The prompt with extra networks cut out (A1111's first step), a map back to
    source offsets, and the repairs, reported at source offsets."""

    def __init__(self, source: str, repairs: Repairs) -> None:
        self.repairs = repairs
        self.networks: list[Piece] = []
        self.cut_starts: list[int] = []  # offsets in ``text`` where a cut happened
        self.shifts: list[int] = []  # source offset minus text offset after each cut
        parts: list[str] = []
        previous = 0
        for start, end in _find_networks(source):
            self.networks.append(Piece("net", source[start:end], 1.0, start, end))
            parts.append(source[previous:start])
            self.cut_starts.append(start - (self.shifts[-1] if self.shifts else 0))
            self.shifts.append((self.shifts[-1] if self.shifts else 0) + end - start)
            previous = end
        parts.append(source[previous:])
        self.text = "".join(parts) if self.cut_starts else source

    def to_source(self, offset: int, *, is_end: bool = False) -> int:
        """The source offset of an offset in ``text``."""
        if not self.cut_starts:
            return offset
        # An end offset that sits on a cut belongs before it; a start offset after it.
        index = (bisect.bisect_left if is_end else bisect.bisect_right)(self.cut_starts, offset)
        return offset + (self.shifts[index - 1] if index else 0)

    def report(self, code: RepairCode, message: str, start: int, end: int) -> None:
        """Add a repair for ``text[start:end]``."""
        self.repairs.add(code, message, self.to_source(start), self.to_source(end, is_end=True))

    def piece(self, kind: PieceKind, value: str, weight: float, start: int, end: int) -> Piece:
        """A piece for ``text[start:end]``, at source offsets."""
        return Piece(kind, value, weight, self.to_source(start), self.to_source(end, is_end=True))


def _find_networks(source: str) -> list[tuple[int, int]]:
    """The spans of A1111's ``<(\\w+):([^>]+)>`` matches, found in linear time.

    The regex itself rescans to the end of the text from every ``<word:`` that has no
    ``>`` after it (quadratic); here the next ``>`` is looked up once and reused.
    """
    found: list[tuple[int, int]] = []
    opener = RULES["NETWORK_OPENER"]
    position = 0
    next_close = -1
    while True:
        match = opener.search(source, position)
        if match is None:
            return found
        if next_close < match.end():
            next_close = source.find(">", match.end())
            if next_close < 0:
                return found  # no ">" after this point: no network can close
        if next_close > match.end():  # "[^>]+" needs at least one character
            found.append((match.start(), next_close + 1))
            position = next_close + 1
        else:
            position = match.start() + 1


# --- one sub-prompt ---------------------------------------------------------------------


def _scan_subprompt(text: _Stripped, begin: int, end: int, *, has_and: bool) -> list[Piece]:
    trailing = trailing_weight(text.text, begin, end)
    weight_piece: Piece | None = None
    if trailing is not None:
        start, stop = trailing
        number = text.text[start:stop].strip()
        if has_and:
            # With AND, a sub-prompt's trailing ":w" is its weight: the syntax at work.
            weight_piece = text.piece("pweight", number, float(number[1:]), start, stop)
            end = start
        else:
            text.report(
                "trailing-weight",
                f"A1111 reads the trailing {number!r} as the weight of the whole prompt; the "
                "text is kept as written (a comma after it stops A1111 doing so)",
                start,
                stop,
            )
    pieces = _Attention(text, _find_schedules(text, begin, end)).read(begin, end)
    if weight_piece is not None:
        pieces.append(weight_piece)
    return pieces


# An element of the emphasis reading: (kind, text, start, end) in the stripped text.
_Element = tuple[PieceKind, str, int, int]


class _Attention:
    """One sub-prompt's schedules, emphasis, escapes and BREAKs, read into elements and
    the bracket ranges over them (A1111's ``parse_prompt_attention``)."""

    def __init__(self, text: _Stripped, schedules: dict[int, int]) -> None:
        self.text = text
        self.schedules = schedules
        self.elements: list[_Element] = []
        # Each closed bracket is a range over ``elements``: (first, stop, multiplier, order).
        self.ranges: list[tuple[int, int, float, int]] = []
        self.round_open: list[tuple[int, int]] = []  # (element index, bracket offset)
        self.square_open: list[tuple[int, int]] = []

    def read(self, begin: int, end: int) -> list[Piece]:
        """The pieces of ``text[begin:end]``."""
        source = self.text.text
        token = RULES["ATTENTION"]
        position = begin
        while position < end:
            schedule_end = self.schedules.get(position)
            if schedule_end is not None:
                self._add("sched", source[position:schedule_end], position, schedule_end)
                position = schedule_end
                continue
            match = token.match(source, position, end)
            assert match is not None  # the table matches every character
            _TOKEN_STEPS[match.lastgroup or "text"](self, match)
            position = match.end()
        self._close_unclosed()
        return self._pieces()

    def _add(self, kind: PieceKind, value: str, start: int, end: int) -> None:
        self.elements.append((kind, value, start, end))

    def _close(self, opened: list[tuple[int, int]], multiplier: float) -> None:
        first, _ = opened.pop()
        self.ranges.append((first, len(self.elements), multiplier, len(self.ranges)))

    # --- one step per token kind of the ATTENTION rule ----------------------------------

    def _escape(self, match: Match[str]) -> None:
        self._add("literal", match.group(0)[1], match.start(), match.end())

    def _lone_backslash(self, match: Match[str]) -> None:
        # Dropped, but A1111 still appends an empty run, which keeps the runs on either
        # side from being joined if the brackets give it another weight.
        self._add("literal", "", match.start(), match.end())

    def _open_round(self, match: Match[str]) -> None:
        self.round_open.append((len(self.elements), match.start()))

    def _open_square(self, match: Match[str]) -> None:
        self.square_open.append((len(self.elements), match.start()))

    def _weight_close(self, match: Match[str]) -> None:
        if not self.round_open:
            self._stray(match)
            return
        number = match.group("weight")
        try:
            multiplier = float(number)
        except ValueError:
            self.text.report(
                "invalid-weight",
                f"{number!r} is not a number (A1111 stops with an error here); "
                "the group is read as plain emphasis",
                match.start(),
                match.end(),
            )
            self._add("text", match.group(0)[:-1], match.start(), match.end() - 1)
            multiplier = _ROUND
        self._close(self.round_open, multiplier)

    def _close_round(self, match: Match[str]) -> None:
        if self.round_open:
            self._close(self.round_open, _ROUND)
        else:
            self._stray(match)

    def _close_square(self, match: Match[str]) -> None:
        if self.square_open:
            self._close(self.square_open, _SQUARE)
        else:
            self._stray(match)

    def _stray(self, match: Match[str]) -> None:
        value = match.group(0)
        self.text.report(
            "stray-bracket",
            f"{value[-1]!r} closes nothing; A1111 reads it as plain text",
            match.end() - 1,
            match.end(),
        )
        self._add("text", value, match.start(), match.end())

    def _text(self, match: Match[str]) -> None:
        value, position = match.group(0), match.start()
        if "BREAK" not in value:
            self._add("text", value, position, match.end())
            return
        last = self.elements[-1] if self.elements else None
        glued_before = last is not None and last[0] == "sched" and last[3] == position
        glued_after = match.end() in self.schedules
        for start, stop in _split_breaks(value, position, self.elements, glued_before, glued_after):
            self.text.report(
                "glued-keyword",
                "BREAK touches a schedule: A1111 reads it as a break only at the steps "
                "where the schedule's text does not end (or start) with a letter; it is "
                "kept as written",
                start,
                stop,
            )

    def _colon(self, match: Match[str]) -> None:
        self._add("text", ":", match.start(), match.end())

    # --- the end of the sub-prompt ------------------------------------------------------

    def _close_unclosed(self) -> None:
        count = len(self.elements)
        for opened, name, multiplier in (
            (self.round_open, "(", _ROUND),
            (self.square_open, "[", _SQUARE),
        ):
            for first, offset in opened:
                self.text.report(
                    "unclosed-bracket",
                    f"unclosed {name!r}; A1111 applies it up to the end of the prompt",
                    offset,
                    offset + 1,
                )
                self.ranges.append((first, count, multiplier, len(self.ranges)))

    def _pieces(self) -> list[Piece]:
        text = self.text
        weights = _fold_weights(len(self.elements), self.ranges)
        cut = bool(text.cut_starts)  # without cuts, offsets are source offsets already
        pieces: list[Piece] = []
        for (kind, value, start, stop), weight in zip(self.elements, weights, strict=True):
            if kind == "break" and weight != 1.0:
                # A1111 multiplies its ('BREAK', -1) marker by the brackets around it, and
                # then no longer sees a break: it encodes the word with that weight.
                text.report(
                    "bracketed-break",
                    "BREAK inside brackets is not a chunk break in A1111; it is encoded as "
                    "the word 'BREAK' with a negative weight",
                    start,
                    stop,
                )
                pieces.append(text.piece("literal", "break", -weight, start, stop))
            elif not cut:
                pieces.append(Piece(kind, value, weight, start, stop))
            elif kind == "text":
                _add_cut_text(value, weight, start, text, pieces)
            else:
                pieces.append(text.piece(kind, value, weight, start, stop))
        return pieces


# What the reader does with each token kind of the ATTENTION rule.
_TOKEN_STEPS: Mapping[str, Callable[[_Attention, Match[str]], None]] = MappingProxyType(
    {
        "escape": _Attention._escape,
        "lone_backslash": _Attention._lone_backslash,
        "open_round": _Attention._open_round,
        "open_square": _Attention._open_square,
        "weight_close": _Attention._weight_close,
        "close_round": _Attention._close_round,
        "close_square": _Attention._close_square,
        "text": _Attention._text,
        "colon": _Attention._colon,
    }
)


def _add_cut_text(
    value: str, weight: float, start: int, text: _Stripped, pieces: list[Piece]
) -> None:
    """A text element that may span cut-out networks, as pieces that map 1:1 to source."""
    cuts = text.cut_starts
    first = bisect.bisect_right(cuts, start)
    last = bisect.bisect_left(cuts, start + len(value))
    offset = 0
    for cut in [*cuts[first:last], start + len(value)]:
        part = value[offset : cut - start]
        if part:
            begin = text.to_source(start + offset)
            pieces.append(Piece("text", part, weight, begin, begin + len(part)))
        offset = cut - start


def _split_breaks(
    value: str,
    position: int,
    elements: list[_Element],
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
    for separator in RULES["BREAK"].finditer(value):
        word_start = value.index("BREAK", separator.start())
        word_end = word_start + len("BREAK")
        if (glued_before and word_start == 0) or (glued_after and word_end == len(value)):
            if word_start > offset:
                elements.append(
                    ("text", value[offset:word_start], position + offset, position + word_start)
                )
            elements.append(("verbatim", "BREAK", position + word_start, position + word_end))
            glued.append((position + word_start, position + word_end))
            offset = word_end
            continue
        part = value[offset : separator.start()]
        kind: PieceKind = "text" if part else "literal"
        elements.append((kind, part, position + offset, position + separator.start()))
        elements.append(
            ("break", "BREAK", position + separator.start(), position + separator.end())
        )
        offset = separator.end()
    if offset < len(value):
        elements.append(("text", value[offset:], position + offset, position + len(value)))
    return glued


# --- weights ----------------------------------------------------------------------------


def _fold_weights(count: int, ranges: list[tuple[int, int, float, int]]) -> list[float]:
    """Multiply each element by the brackets around it, in A1111's (closing) order.

    A sweep over element indices keeps the open ranges (:class:`_OpenRanges`); the
    ranges that end at an element are left before the ones that start there are taken.
    """
    if not ranges:
        return [1.0] * count
    starts: dict[int, list[tuple[int, float]]] = {}
    ends: dict[int, list[int]] = {}
    for first, stop, multiplier, order in ranges:
        if first < stop:
            starts.setdefault(first, []).append((order, multiplier))
            ends.setdefault(stop, []).append(order)
    active = _OpenRanges()
    weights: list[float] = []
    for index in range(count):
        for order in ends.get(index, ()):
            active.leave(order)
        for order, multiplier in starts.get(index, ()):
            active.enter(order, multiplier)
        weights.append(active.product())
    return weights


class _OpenRanges:
    """The bracket ranges open at one element, and their product.

    Up to ``_EXACT_FOLD_DEPTH`` of them, the product is taken in closing order exactly as
    A1111's ``multiply_range`` does; deeper, a running sum of logarithms (with the zeros
    and negative signs counted apart) keeps the sweep linear, equal to within rounding.
    """

    def __init__(self) -> None:
        self.multipliers: dict[int, float] = {}  # by closing order
        self.log_sum = 0.0
        self.zeros = 0
        self.negatives = 0

    def enter(self, order: int, multiplier: float) -> None:
        self.multipliers[order] = multiplier
        self._count(multiplier, 1)

    def leave(self, order: int) -> None:
        self._count(self.multipliers.pop(order), -1)

    def _count(self, multiplier: float, sign: int) -> None:
        if multiplier == 0:
            self.zeros += sign
        else:
            self.log_sum += sign * math.log(abs(multiplier))
            self.negatives += sign * (multiplier < 0)

    def product(self) -> float:
        if len(self.multipliers) <= _EXACT_FOLD_DEPTH:
            weight = 1.0
            for order in sorted(self.multipliers):
                weight *= self.multipliers[order]
            return weight
        if self.zeros:
            return 0.0
        # Past float range this is inf, which the caller reports as an overflow.
        magnitude = math.exp(self.log_sum) if self.log_sum < _LOG_FLOAT_MAX else math.inf
        return -magnitude if self.negatives % 2 else magnitude


# --- the scheduling grammar -------------------------------------------------------------


class _OpenBracket:
    """A bracket still open while looking for schedules, and what it holds directly."""

    __slots__ = ("bad", "char", "colons", "found", "offset", "pipes")

    def __init__(self, char: str, offset: int) -> None:
        self.char = char
        self.offset = offset
        self.colons: list[int] = []
        self.pipes: list[int] = []
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
        step = RULES["SCHEDULE_STEP"].fullmatch(text, self.colons[-1] + 1, close)
        return len(self.colons) <= 2 and step is not None

    def is_schedule(self) -> bool:
        """Whether this construct is editing or alternation (not plain emphasis)."""
        return self.char == "[" and bool(self.colons or self.pipes)

    def choices(self, text: str, close: int) -> list[str]:
        """The texts this schedule chooses between, in order."""
        cuts = self.pipes or self.colons[:-1]
        end = close if self.pipes else self.colons[-1]
        bounds = [self.offset, *cuts, end]
        return [text[start + 1 : stop] for start, stop in itertools.pairwise(bounds)]


class _Schedules:
    """The scheduling and alternation brackets A1111 runs in ``text[begin:end]``.

    A1111's grammar (``prompt_parser.py``) reads bracket pairs as rules only when
    everything inside them is well formed; at the top level its start rule absorbs
    leftover ``[ ] ( ) :`` as plain text, so a malformed group is simply not a rule
    while the others still work (``[a:][b:3]`` schedules ``b``). The whole grammar
    fails, and scheduling is off for the sub-prompt, only on a ``|`` that no
    alternation holds, or a backslash at the end of a line. One linear pass with a
    stack decides this.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[_OpenBracket] = []
        self.found: list[tuple[int, int]] = []  # outermost schedules, in order
        self.strays: set[int] = set()  # leftover characters the start rule absorbs
        self.failure: tuple[int, str] | None = None
        self.outer: _OpenBracket | None = None  # the last top-level schedule

    def read(self, begin: int, end: int) -> _Schedules:
        steps = _SCHEDULE_STEPS
        for match in RULES["SCHEDULE_SYNTAX"].finditer(self.text, begin, end):
            token = match.group()
            steps[token[0]](self, token, match.start())
        while self.stack:  # unclosed: the grammar cannot read them as rules
            bracket = self.stack.pop()
            if bracket.pipes:
                self._fail(bracket.offset, f"the unclosed {bracket.char!r} holds a '|'")
            if self.stack:
                self.stack[-1].bad = True
                self.stack[-1].found.extend(bracket.found)
            else:
                self.strays.add(bracket.offset)
                self.found.extend(bracket.found)
        return self

    def _fail(self, offset: int, why: str) -> None:
        if self.failure is None:
            self.failure = (offset, why)

    def _backslash(self, char: str, position: int) -> None:
        if char == "\\":
            self._fail(position, "a backslash at the end of a line")

    def _open(self, char: str, position: int) -> None:
        self.stack.append(_OpenBracket(char, position))

    def _colon(self, _char: str, position: int) -> None:
        if self.stack:
            self.stack[-1].colons.append(position)
        else:
            self.strays.add(position)

    def _pipe(self, _char: str, position: int) -> None:
        if self.stack and self.stack[-1].char == "[":
            self.stack[-1].pipes.append(position)
        else:
            self._fail(position, "a '|' outside square brackets")

    def _close(self, char: str, position: int) -> None:
        if not self.stack:
            self.strays.add(position)
        elif self.stack[-1].char != ("(" if char == ")" else "["):
            for bracket in self.stack:  # a stray close: no open bracket can hold it
                bracket.bad = True
        else:
            self._close_pair(self.stack.pop(), position)

    def _close_pair(self, bracket: _OpenBracket, position: int) -> None:
        inner = bracket.found
        if bracket.is_construct(self.text, position):
            if bracket.is_schedule():
                inner = [(bracket.offset, position + 1)]  # keeps its inner ones
                if not self.stack:
                    self.outer = bracket
        else:
            if bracket.pipes:
                snippet = _snippet(self.text, bracket.offset, position)
                self._fail(bracket.offset, f"{snippet} holds a '|' but is not a valid alternation")
            if self.stack:
                self.stack[-1].bad = True
            else:
                self.strays.update((bracket.offset, position))
        (self.stack[-1].found if self.stack else self.found).extend(inner)


# What the schedule finder does with each character of the SCHEDULE_SYNTAX rule.
_SCHEDULE_STEPS: Mapping[str, Callable[[_Schedules, str, int], None]] = MappingProxyType(
    {
        "\\": _Schedules._backslash,
        "(": _Schedules._open,
        "[": _Schedules._open,
        ":": _Schedules._colon,
        "|": _Schedules._pipe,
        ")": _Schedules._close,
        "]": _Schedules._close,
    }
)


def _find_schedules(text: _Stripped, begin: int, end: int) -> dict[int, int]:
    """Spans ``start -> end`` of the schedules A1111 runs in one sub-prompt; a grammar
    failure that switches them off, and a schedule that leftover brackets or colons
    touch (lark may read it either way, depending on Python's hash seed), are reported.
    """
    source = text.text
    if "[" not in source[begin:end] and "|" not in source[begin:end]:
        return {}
    schedules = _Schedules(source).read(begin, end)
    if schedules.failure is not None:
        if schedules.found:
            offset, why = schedules.failure
            text.report(
                "scheduling-disabled",
                f"{why} makes A1111 switch prompt editing off for the whole prompt; "
                "its [a:b:n] and [a|b] are read as plain emphasised text",
                offset,
                offset + 1,
            )
        return {}
    for start, stop in schedules.found:
        if stop in schedules.strays:
            text.report(
                "ambiguous-schedule",
                f"a leftover {source[stop]!r} right after {_snippet(source, start, stop - 1)} "
                "makes A1111's reading depend on Python's hash seed: scheduled or plain text",
                start,
                stop + 1,
            )
    return dict(schedules.found)


def schedule_choices(text: str) -> list[str] | None:
    """The choices of ``text`` when it is one schedule A1111 runs (``[a:b:N]``,
    ``[a:N]``, ``[a|b|c]``, nested ones inside), else None.

    >>> schedule_choices("[a::5]"), schedule_choices("[x|[a|b]]")
    (['a', ''], ['x', '[a|b]'])
    >>> schedule_choices("[a:b]"), schedule_choices("[a:5]x"), schedule_choices("[a|b")
    (None, None, None)
    """
    if len(text) < 3 or text[0] != "[" or text[-1] != "]":
        return None
    schedules = _Schedules(text).read(0, len(text))
    outer = schedules.outer
    if schedules.failure is not None or schedules.found != [(0, len(text))] or outer is None:
        return None
    return outer.choices(text, len(text) - 1)


def _snippet(text: str, start: int, close: int) -> str:
    snippet = text[start : close + 1]
    return repr(snippet if len(snippet) <= 40 else snippet[:37] + "...")
