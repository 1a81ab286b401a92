"""Small re-statements of the upstream parsers' documented behaviour, used as test oracles.

They follow ``../shared/reference/dialects.md`` step by step and are deliberately naive
(quadratic, recursive): they exist to be obviously right on short inputs, so the real
parser can be compared with them on random ones.

A1111 (v1.10.1) reads a positive prompt in this order (dialects.md section 1):

1. ``a1111_networks``: every ``<name:args>`` is cut out, anywhere;
2. ``a1111_and_split``: the prompt is split at ``AND`` and each part's trailing ``:number``
   becomes that sub-prompt's weight;
3. ``a1111_schedule``: the prompt-editing grammar gives the text of each sampling step;
4. ``a1111_attention``: each step's text is read as runs of (text, weight).

``a1111_read`` runs the four steps; ``a1111_difference`` and ``a1111_equivalent`` compare
two prompts the way the model sees them: the networks, each sub-prompt's weight, and at
every step the CLIP words (``clip_words``) with their float32 weights and the BREAKs.
``comfyui_weights``, ``comfyui_difference`` and ``comfyui_equivalent`` do the same for
ComfyUI (dialects.md section 3; ``embedding:`` is not handled).
"""

from __future__ import annotations

import itertools
import math
import re
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "A1111Canonical",
    "A1111CrashError",
    "A1111Reading",
    "A1111SubPrompt",
    "AmbiguousError",
    "Network",
    "a1111_and_split",
    "a1111_attention",
    "a1111_canonical",
    "a1111_difference",
    "a1111_equivalent",
    "a1111_networks",
    "a1111_read",
    "a1111_schedule",
    "clip_words",
    "comfyui_canonical",
    "comfyui_difference",
    "comfyui_equivalent",
    "comfyui_weights",
]

# --- A1111 emphasis (prompt_parser.parse_prompt_attention) ----------------------------

_ATTENTION = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()\[\]:]+|:"
)
_BREAK = re.compile(r"\s*\bBREAK\b\s*")


def a1111_attention(text: str) -> list[tuple[str, float]]:
    """A1111's emphasis reading (dialects.md 2.1-2.5): runs of (text, weight).

    Raises ValueError where A1111 does (``(a:1.2.3)``). A text that gives no run reads
    as ``[('', 1.0)]``, as in A1111.
    """
    runs: list[list[object]] = []
    round_open: list[int] = []
    square_open: list[int] = []

    def scale(start: int, factor: float) -> None:
        for run in runs[start:]:
            run[1] = float(run[1]) * factor  # type: ignore[arg-type]

    for match in _ATTENTION.finditer(text):
        token, weight = match.group(0), match.group(1)
        if token.startswith("\\"):
            runs.append([token[1:], 1.0])
        elif token == "(":
            round_open.append(len(runs))
        elif token == "[":
            square_open.append(len(runs))
        elif weight is not None and round_open:
            scale(round_open.pop(), float(weight))
        elif token == ")" and round_open:
            scale(round_open.pop(), 1.1)
        elif token == "]" and square_open:
            scale(square_open.pop(), 1 / 1.1)
        else:
            for index, part in enumerate(_BREAK.split(token)):
                if index:
                    runs.append(["BREAK", -1.0])
                runs.append([part, 1.0])
    for start in round_open:
        scale(start, 1.1)
    for start in square_open:
        scale(start, 1 / 1.1)
    merged: list[list[object]] = []
    for run in runs:
        if merged and merged[-1][1] == run[1]:
            merged[-1][0] = str(merged[-1][0]) + str(run[0])
        else:
            merged.append(list(run))
    if not merged:
        return [("", 1.0)]
    return [(str(text_), float(weight)) for text_, weight in merged]  # type: ignore[arg-type]


# --- A1111 extra networks and AND (extra_networks.py, prompt_parser.py) ---------------

# extra_networks.py: every match is removed, the spaces around it stay.
_NETWORK = re.compile(r"<(\w+):([^>]+)>")
# prompt_parser.re_AND: case-sensitive, whole word, even inside brackets.
_AND = re.compile(r"\bAND\b")
# prompt_parser.re_weight: the shortest text, then an optional ':number', then spaces.
_AND_WEIGHT = re.compile(r"(.*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*", re.DOTALL)


@dataclass(frozen=True)
class Network:
    """An extra network A1111 cut out of the prompt: ``<lora:foo:0.8>`` is
    ``Network('lora', ('foo', '0.8'))`` (the arguments are split at every colon)."""

    name: str
    args: tuple[str, ...]


def a1111_networks(prompt: str) -> tuple[str, tuple[Network, ...]]:
    """The prompt with its extra networks removed, and the networks in order.

    >>> a1111_networks("x <lora:foo:0.8> y")
    ('x  y', (Network(name='lora', args=('foo', '0.8')),))
    """
    found: list[Network] = []

    def take(match: re.Match[str]) -> str:
        found.append(Network(match[1], tuple(match[2].split(":"))))
        return ""

    return _NETWORK.sub(take, prompt), tuple(found)


def a1111_and_split(prompt: str) -> list[tuple[str, float]]:
    """The sub-prompts and their weights (dialects.md 2.6). Trailing whitespace goes.

    >>> a1111_and_split("a AND b:0.5")
    [('a', 1.0), (' b', 0.5)]
    >>> a1111_and_split("aspect 16:9")
    [('aspect 16', 9.0)]
    """
    parts: list[tuple[str, float]] = []
    for part in _AND.split(prompt):
        match = _AND_WEIGHT.fullmatch(part)
        assert match is not None  # every group is optional
        weight = match[2]
        parts.append((match[1], 1.0 if weight is None else float(weight)))
    return parts


# --- A1111 prompt editing (prompt_parser.py: a lark Earley grammar) -------------------
#
# The grammar, as A1111 v1.10.1 writes it:
#
#   !start: (prompt | /[][():]/+)*
#   prompt: (emphasized | scheduled | alternate | plain | WHITESPACE)*
#   !emphasized: "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
#   scheduled: "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
#   alternate: "[" prompt ("|" [prompt])+ "]"
#   WHITESPACE: /\s+/
#   plain: /([^\\\[\]():|]|\\.)+/
#   NUMBER: lark's common.SIGNED_NUMBER
#
# Lark's dynamic lexer matches each terminal once per position with Python's ``re``
# (greedy, no shorter matches). Inside ``prompt`` every derivation of a span reads as the
# same text; only the start rule can read the same brackets two ways: as a schedule inside
# one ``prompt``, or as loose ``[ ] ( ) :`` characters around plain prompts. Lark resolves
# that top-down over its forest: the start rule's repetition ``S`` becomes
#   S: prompt (order 0) | loose+ (1) | S prompt (2) | S loose+ (3)
# and at each node the lowest order wins. Two derivations of the same order that differ
# only in where ``S`` splits tie, and lark then takes whichever its set of forest nodes
# yields first, which depends on Python's hash seed. ``AmbiguousError`` reports those ties when
# they give different texts (``[a:5]:`` and ``[a:5]]``).

_PLAIN = re.compile(r"(?:[^\\\[\]():|]|\\.)+")
_WHITESPACE = re.compile(r"\s+")
# lark's SIGNED_NUMBER, alternatives longest first as lark orders them; ASCII digits only.
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]+[eE][+-]?[0-9]+|(?:[0-9]+\.(?:[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|[0-9]+)"
)
# The start rule's /[][():]/+: these characters may stand loose outside any prompt.
_LOOSE = frozenset("[]():")


class AmbiguousError(Exception):
    """A1111's reading of this prompt depends on Python's hash seed (dialects.md 2.7)."""

    def __init__(self, text: str, readings: Iterable[tuple[str, ...]]) -> None:
        self.text = text
        self.readings = sorted(set(readings))  # the texts at steps 1..steps, two or more
        step = next(
            i for i, texts in enumerate(zip(*self.readings, strict=True)) if len(set(texts)) > 1
        )
        shown = " or ".join(repr(reading[step]) for reading in self.readings)
        super().__init__(f"A1111 reads {text!r} in more than one way: {shown} at step {step + 1}")


class A1111CrashError(Exception):
    """A1111 itself fails on this prompt (``(a:1.2.3)``, ``[a:1e999]``)."""


@dataclass(frozen=True)
class _Edit:
    """``[before:after:when]``; ``before`` is None for ``[after:when]``."""

    before: _Reading | None
    after: _Reading
    when: str


@dataclass(frozen=True)
class _Alternate:
    """``[a|b|c]``."""

    options: tuple[_Reading, ...]


_Part = str | _Edit | _Alternate
_Reading = tuple[_Part, ...]
_Readings = frozenset[_Reading]
_StepTexts = frozenset[tuple[str, ...]]  # a reading as its text at steps 1..steps


def _join(*pieces: _Reading | str) -> _Reading:
    """Concatenate readings, joining neighbouring text."""
    parts: list[_Part] = []
    for piece in pieces:
        for part in (piece,) if isinstance(piece, str) else piece:
            if isinstance(part, str) and parts and isinstance(parts[-1], str):
                parts[-1] = parts[-1] + part
            elif part != "":
                parts.append(part)
    return tuple(parts)


def _products(*choices: Iterable[_Reading | str]) -> _Readings:
    return frozenset(_join(*combo) for combo in itertools.product(*choices))


class _Grammar:
    """Every way the schedule grammar reads spans of one text (naive, memoised)."""

    def __init__(self, text: str, steps: int) -> None:
        self.text = text
        self.steps = steps
        self._prompts: dict[int, dict[int, _Readings]] = {}
        self._starts: dict[int, _StepTexts | None] = {}
        self._step_texts: dict[_Reading, tuple[str, ...]] = {}

    def char(self, index: int) -> str:
        return self.text[index] if index < len(self.text) else ""

    def prompts(self, start: int) -> dict[int, _Readings]:
        """End positions of the ``prompt`` spans that begin at ``start``, and their readings."""
        if start in self._prompts:
            return self._prompts[start]
        spans: dict[int, set[_Reading]] = {start: {()}}
        for position in range(start, len(self.text)):
            if position not in spans:
                continue
            for end, items in self.items(position):
                spans.setdefault(end, set()).update(_products(spans[position], items))
        result = {end: frozenset(readings) for end, readings in spans.items()}
        self._prompts[start] = result
        return result

    def items(self, start: int) -> Iterator[tuple[int, _Readings]]:
        """The single ``prompt`` items (emphasized, scheduled, ...) beginning at ``start``."""
        text = self.text
        for terminal in (_PLAIN, _WHITESPACE):
            match = terminal.match(text, start)
            if match:
                yield match.end(), frozenset({(match[0],)})
        opener = self.char(start)
        if opener == "(":
            for middle, inner in self.prompts(start + 1).items():
                if self.char(middle) == ")":
                    yield middle + 1, _products(["("], inner, [")"])
                elif self.char(middle) == ":":
                    for end, weight in self.prompts(middle + 1).items():
                        if self.char(end) == ")":
                            yield end + 1, _products(["("], inner, [":"], weight, [")"])
        elif opener == "[":
            for middle, first in self.prompts(start + 1).items():
                after = self.char(middle)
                if after == "]":
                    yield middle + 1, _products(["["], first, ["]"])
                elif after == "|":
                    for end, rest in self._alternatives(middle):
                        options = itertools.product(first, *rest)
                        yield end, frozenset((_Alternate(tuple(o)),) for o in options)
                elif after == ":":
                    for end, when in self._number(middle + 1):
                        yield end, frozenset((_Edit(None, r, when),) for r in first)
                    for colon, second in self.prompts(middle + 1).items():
                        if self.char(colon) == ":":
                            for end, when in self._number(colon + 1):
                                pairs = itertools.product(first, second)
                                yield end, frozenset((_Edit(b, a, when),) for b, a in pairs)

    def _alternatives(self, bar: int) -> Iterator[tuple[int, list[_Readings]]]:
        """``("|" [prompt])+ "]"`` from the ``|`` at ``bar``: end and each option's readings."""
        for end, option in self.prompts(bar + 1).items():
            if self.char(end) == "]":
                yield end + 1, [option]
            elif self.char(end) == "|":
                for last, rest in self._alternatives(end):
                    yield last, [option, *rest]

    def _number(self, start: int) -> Iterator[tuple[int, str]]:
        """``[WHITESPACE] NUMBER [WHITESPACE] "]"`` from ``start``: end and the number."""
        space = _WHITESPACE.match(self.text, start)
        for position in (start, space.end()) if space else (start,):
            number = _NUMBER.match(self.text, position)
            if not number:
                continue
            after = _WHITESPACE.match(self.text, number.end())
            for close in (number.end(), after.end()) if after else (number.end(),):
                if self.char(close) == "]":
                    yield close + 1, number[0]

    def start(self, end: int) -> _StepTexts | None:
        """What lark may make of ``text[:end]`` under the start rule, as texts at each
        step; None when the grammar cannot read it. Two texts are enough to show that
        the reading depends on the hash seed, so no more are kept."""
        if end in self._starts:
            return self._starts[end]
        text = self.text
        whole = self.prompts(0).get(end)
        chosen: set[tuple[str, ...]] = {self._texts(r) for r in whole} if whole else set()
        if not chosen and end and all(char in _LOOSE for char in text[:end]):
            chosen = {(text[:end],) * self.steps}
        for split in range(end) if not chosen else ():
            right = self.prompts(split).get(end)
            left = self.start(split) if right else None
            if left and right:
                chosen |= {self._concat(a, self._texts(b)) for a in left for b in right}
        loose: set[tuple[str, ...]] = set()
        split = end - 1
        while not chosen and split >= 0 and text[split] in _LOOSE:
            tail = (text[split:end],) * self.steps
            loose |= {self._concat(a, tail) for a in self.start(split) or ()}
            split -= 1
        chosen |= loose
        result = frozenset(sorted(chosen)[:2]) if chosen else None
        self._starts[end] = result
        return result

    def _texts(self, reading: _Reading) -> tuple[str, ...]:
        if reading not in self._step_texts:
            steps = range(1, self.steps + 1)
            self._step_texts[reading] = tuple(_at_step(reading, t, self.steps) for t in steps)
        return self._step_texts[reading]

    @staticmethod
    def _concat(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(a + b for a, b in zip(left, right, strict=True))


def _when(number: str, steps: int) -> int:
    """The last step of a schedule's first half (use_old_scheduling=False)."""
    value = float(number)
    if "." in number:
        value *= steps
    try:
        return min(steps, int(value))
    except OverflowError as error:  # A1111 crashes the same way on [a:1e999]
        raise A1111CrashError(f"A1111 fails on the schedule number {number!r}") from error


def _at_step(reading: _Reading, step: int, steps: int) -> str:
    out: list[str] = []
    for part in reading:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, _Edit):
            before = _at_step(part.before or (), step, steps)
            after = _at_step(part.after, step, steps)
            out.append(before if step <= _when(part.when, steps) else after)
        else:
            for option in part.options:  # every schedule is read, chosen or not
                _at_step(option, step, steps)
            option = part.options[(step - 1) % len(part.options)]
            out.append(_at_step(option, step, steps))
    return "".join(out)


def a1111_schedule(text: str, steps: int = 20) -> tuple[str, ...] | None:
    """The text A1111 encodes at steps 1..steps, or None when its schedule grammar
    rejects ``text`` (then every step reads ``text`` unchanged).

    Raises ``AmbiguousError`` when the reading depends on Python's hash seed.

    >>> a1111_schedule("[a|b][c|d]", 4)
    ('ac', 'bd', 'ac', 'bd')
    >>> a1111_schedule("a|b [c:d:5]", 4) is None
    True
    """
    texts = _Grammar(text, steps).start(len(text))
    if texts is None:
        return None
    if len(texts) > 1:
        raise AmbiguousError(text, texts)
    [only] = texts
    return only


# --- A1111: the whole reading ---------------------------------------------------------


@dataclass(frozen=True)
class A1111SubPrompt:
    """One AND part as A1111 reads it."""

    text: str  # after the AND weight is cut off
    weight: float  # the AND weight, 1.0 when none is written
    scheduled: bool  # False when the schedule grammar rejected ``text``
    texts: tuple[str, ...]  # the text at steps 1..steps
    runs: tuple[tuple[tuple[str, float], ...], ...]  # a1111_attention of each step's text


@dataclass(frozen=True)
class A1111Reading:
    """What A1111 v1.10.1 makes of a prompt: its networks and its sub-prompts."""

    networks: tuple[Network, ...]
    subprompts: tuple[A1111SubPrompt, ...]


def a1111_read(prompt: str, steps: int = 20, *, negative: bool = False) -> A1111Reading:
    """A1111's reading of a positive prompt (or, with ``negative=True``, a negative one:
    no networks, no AND).

    Raises ``AmbiguousError`` when A1111's own reading depends on the hash seed, and
    ``A1111CrashError`` where A1111 fails.

    >>> reading = a1111_read("<lora:x:1> a [b:c:2] AND d:0.5", steps=3)
    >>> reading.networks
    (Network(name='lora', args=('x', '1')),)
    >>> [(part.weight, part.texts) for part in reading.subprompts]
    [(1.0, (' a b', ' a b', ' a c')), (0.5, (' d', ' d', ' d'))]
    """
    if negative:
        networks: tuple[Network, ...] = ()
        parts = [(prompt, 1.0)]
    else:
        prompt, networks = a1111_networks(prompt)
        parts = a1111_and_split(prompt)
    subprompts = []
    for text, weight in parts:
        texts = a1111_schedule(text, steps)
        scheduled = texts is not None
        if texts is None:
            texts = (text,) * steps
        try:
            runs = tuple(tuple(a1111_attention(step_text)) for step_text in texts)
        except ValueError as error:
            raise A1111CrashError(f"A1111 fails on {text!r}: {error}") from error
        subprompts.append(A1111SubPrompt(text, weight, scheduled, texts, runs))
    return A1111Reading(networks, tuple(subprompts))


# --- what the text encoder sees -------------------------------------------------------

_CLIP_SPECIAL = ("<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def _clip_class(char: str) -> str:
    """'L' for a letter, 'N' for a number, 'P' for anything else (spaces never get here)."""
    category = unicodedata.category(char)[0]
    return category if category in "LN" else "P"


def clip_words(text: str) -> tuple[str, ...]:
    """The pieces CLIP's tokenizer cuts ``text`` into before BPE: lower-cased, split at
    whitespace, then ``<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|
    [\\p{N}]|[^\\s\\p{L}\\p{N}]+``. Equal pieces give equal tokens, so two texts with equal
    pieces read the same: ``a,b`` and ``a ,  b`` do, ``a,,b`` and ``a, ,b`` do not.

    Not restated: ftfy's repairs (full-width forms, curly quotes) and open_clip's HTML
    unescaping, so texts that differ only there count as different.

    >>> clip_words("Long  Hair,(1girl) it's")
    ('long', 'hair', ',(', '1', 'girl', ')', 'it', "'s")
    """
    words: list[str] = []
    for chunk in text.lower().split():
        position = 0
        while position < len(chunk):
            special = next((s for s in _CLIP_SPECIAL if chunk.startswith(s, position)), None)
            if special:
                end = position + len(special)
            elif _clip_class(chunk[position]) == "N":
                end = position + 1
            else:
                kind = _clip_class(chunk[position])
                end = position + 1
                while end < len(chunk) and _clip_class(chunk[end]) == kind:
                    end += 1
            words.append(chunk[position:end])
            position = end
    return tuple(words)


def _float32(weight: float) -> float:
    """The weight as the float32 the encoder multiplies by (dialects.md 6)."""
    try:
        value: float = struct.unpack("f", struct.pack("f", weight))[0]
    except OverflowError:
        return math.copysign(math.inf, weight)
    return value


def _same(a: float, b: float) -> bool:
    return _float32(a) == _float32(b) or (math.isnan(a) and math.isnan(b))


# A chunk break in a token stream (CLIP words are lower case, so it cannot be a word).
_CHUNK_BREAK = ("BREAK", -1.0)
_Stream = tuple[tuple[str, float], ...]


def _stream(runs: Iterable[tuple[str, float]]) -> _Stream:
    """The (word, weight) stream of one step, BREAKs marked: what tokenize_line encodes."""
    out: list[tuple[str, float]] = []
    for text, weight in runs:
        if text == "BREAK" and weight == -1:
            out.append(_CHUNK_BREAK)
        else:
            out.extend((word, weight) for word in clip_words(text))
    return tuple(out)


@dataclass(frozen=True)
class A1111Canonical:
    """See ``a1111_canonical``."""

    networks: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    subprompts: tuple[tuple[float, tuple[_Stream, ...]], ...]


def a1111_canonical(prompt: str, steps: int = 20, *, negative: bool = False) -> A1111Canonical:
    """The parts of ``a1111_read`` the model sees: the networks by name (A1111 groups
    them by name and keeps their order within a name), and for each sub-prompt its
    weight and, at each step, the stream of (CLIP word, weight) with BREAKs. Compare two
    with ``a1111_difference``: weights are compared as float32."""
    reading = a1111_read(prompt, steps, negative=negative)
    by_name: dict[str, list[tuple[str, ...]]] = {}
    for network in reading.networks:
        by_name.setdefault(network.name, []).append(network.args)
    return A1111Canonical(
        tuple(sorted((name, tuple(args)) for name, args in by_name.items())),
        tuple(
            (part.weight, tuple(_stream(runs) for runs in part.runs)) for part in reading.subprompts
        ),
    )


def _stream_difference(a: _Stream, b: _Stream) -> str | None:
    for index, (left, right) in enumerate(itertools.zip_longest(a, b)):
        if left is None or right is None or left[0] != right[0] or not _same(left[1], right[1]):
            return f"word {index}: {left} != {right}"
    return None


def a1111_difference(a: str, b: str, steps: int = 20, *, negative: bool = False) -> str | None:
    """None when A1111 reads ``a`` and ``b`` alike at every step, else the first
    difference. Raises ``AmbiguousError``/``A1111CrashError`` from either prompt.

    >>> a1111_difference("a,b, (c:1.2)", "a, b,(c:1.20)") is None
    True
    >>> a1111_difference("[a|b][c|d]", "[a|b], [c|d]", 4)
    "sub-prompt 0, step 1: word 0: ('ac', 1.0) != ('a', 1.0)"
    """
    left = a1111_canonical(a, steps, negative=negative)
    right = a1111_canonical(b, steps, negative=negative)
    if left.networks != right.networks:
        return f"networks: {left.networks} != {right.networks}"
    if len(left.subprompts) != len(right.subprompts):
        return f"{len(left.subprompts)} sub-prompts != {len(right.subprompts)}"
    for index, ((weight_a, steps_a), (weight_b, steps_b)) in enumerate(
        zip(left.subprompts, right.subprompts, strict=True)
    ):
        if not _same(weight_a, weight_b):
            return f"sub-prompt {index}: weight {weight_a} != {weight_b}"
        for step, (stream_a, stream_b) in enumerate(zip(steps_a, steps_b, strict=True), start=1):
            difference = _stream_difference(stream_a, stream_b)
            if difference:
                return f"sub-prompt {index}, step {step}: {difference}"
    return None


def a1111_equivalent(a: str, b: str, steps: int = 20, *, negative: bool = False) -> bool:
    """True when A1111 reads ``a`` and ``b`` alike at every step (``a1111_difference``)."""
    return a1111_difference(a, b, steps, negative=negative) is None


# --- ComfyUI (comfy/sd1_clip.py token_weights) ----------------------------------------


def comfyui_weights(text: str) -> list[tuple[str, float]]:
    """ComfyUI's ``token_weights`` reading (dialects.md 3): runs of (text, weight).

    ``\\(`` and ``\\)`` become the placeholders ``\\x00\\x02`` and ``\\x00\\x01`` before
    the brackets are read and ``(`` and ``)`` after, so placeholders written in the text
    read as brackets too. A weight is whatever ``float()`` takes after the group's last
    colon, of any length. No ``embedding:`` handling.
    """
    work = text.replace("\\)", "\0\1").replace("\\(", "\0\2")

    def items(string: str) -> list[str]:
        result: list[str] = []
        current = ""
        level = 0
        for char in string:
            if char == "(":
                if level == 0:
                    if current:
                        result.append(current)
                    current = "("
                else:
                    current += char
                level += 1
            elif char == ")":
                level -= 1
                if level == 0:
                    result.append(current + ")")
                    current = ""
                else:
                    current += char
            else:
                current += char
        if current:
            result.append(current)
        return result

    def weigh(string: str, weight: float) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        for item in items(string):
            inner_weight = weight
            if len(item) >= 2 and item[0] == "(" and item[-1] == ")":
                inner = item[1:-1]
                colon = inner.rfind(":")
                inner_weight *= 1.1
                if colon > 0:
                    try:
                        inner_weight = float(inner[colon + 1 :])
                        inner = inner[:colon]
                    except ValueError:
                        pass
                out += weigh(inner, inner_weight)
            else:
                out.append((item, weight))
        return out

    return [
        (part.replace("\0\1", ")").replace("\0\2", "("), weight)
        for part, weight in weigh(work, 1.0)
    ]


def comfyui_canonical(text: str) -> tuple[tuple[tuple[str, ...], float], ...]:
    """ComfyUI's runs as the encoder sees them: each run's CLIP words and its weight.
    Runs stay apart (each is a chunking unit); runs with no words are dropped."""
    return tuple(
        (words, weight)
        for words, weight in ((clip_words(run), weight) for run, weight in comfyui_weights(text))
        if words
    )


def comfyui_difference(a: str, b: str) -> str | None:
    """None when ComfyUI reads ``a`` and ``b`` alike, else the first difference.

    >>> comfyui_difference("(a:1.2),b", "(a:1.20), b") is None
    True
    >>> comfyui_difference("(a)(b)", "(a b)")
    "run 0: (('a',), 1.1) != (('a', 'b'), 1.1)"
    """
    for index, (left, right) in enumerate(
        itertools.zip_longest(comfyui_canonical(a), comfyui_canonical(b))
    ):
        if left is None or right is None or left[0] != right[0] or not _same(left[1], right[1]):
            return f"run {index}: {left} != {right}"
    return None


def comfyui_equivalent(a: str, b: str) -> bool:
    """True when ComfyUI reads ``a`` and ``b`` alike (``comfyui_difference``)."""
    return comfyui_difference(a, b) is None
