"""Seeded variations of a prompt file: random, combinatorial and cyclical batches.

A prompt file's ``choose`` entries (in a slot, or in ``extends`` between presets) are
choice points. :func:`expand` yields one :class:`Variation` per prompt: the Prompt and
the :class:`ChoiceRecord` of the options picked, which :func:`replay` applies to
another file with the same choice ids (use the same picks for the hires or negative
prompt).

Reproducible everywhere: no global ``random`` and no ``random.Random``. Each draw is a
pure function of ``(seed, variation number, choice id, attempt)``: the first 8 bytes
of their BLAKE2b hash, as a 53-bit fraction (:func:`unit_draw`). Hashes and float
arithmetic are the same on every machine and Python version, and a choice keeps its
picks when other choices are added to the file.

>>> from aidxl_prompt.files.prompt_file import parse_prompt_text
>>> document = parse_prompt_text('''
... expression: [{choose: [smile, frown, grin], id: face}]
... background: [{choose: [white background, gradient background], id: bg}]
... ''')
>>> [v.choices.as_mapping() for v in expand(document, "combinatorial", n=3)]
[{'face': 0, 'bg': 0}, {'face': 0, 'bg': 1}, {'face': 1, 'bg': 0}]
>>> [str(v.prompt.expression[0]) for v in expand(document, "cyclical", n=4)]
['smile', 'frown', 'grin', 'smile']
>>> first = [v.choices for v in expand(document, "random", n=5, seed=7)]
>>> first == [v.choices for v in expand(document, "random", n=5, seed=7)]
True
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..errors import ExpandError
from ..model.prompt import Prompt
from ._modes import MODES, Mode
from .prompt_file import MAX_INPUT_BYTES, ChoicePoint, PresetLibrary, PromptFile, read_prompt_file

__all__ = [
    "MODES",
    "ChoiceRecord",
    "ExpandError",
    "Mode",
    "Pick",
    "Variation",
    "count_combinations",
    "expand",
    "replay",
    "unit_draw",
]


# Drawing without replacement retries a repeated combination this many times before it
# enumerates the combinations left (when there are few enough to list).
_RETRIES = 64
_ENUMERATION_LIMIT = 1_000_000

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Pick(BaseModel):
    """The option picked at one choice point: its index and a readable label."""

    model_config = _FROZEN

    id: str
    index: int
    label: str


class ChoiceRecord(BaseModel):
    """The picks that made one variation, in the file's choice order."""

    model_config = _FROZEN

    picks: tuple[Pick, ...] = ()

    def as_mapping(self) -> dict[str, int]:
        """``{choice id: option index}``, as :func:`replay` and ``resolve`` take it."""
        return {pick.id: pick.index for pick in self.picks}


class Variation(BaseModel):
    """One prompt of a batch: its number, the Prompt and the choices that made it."""

    model_config = _FROZEN

    index: int
    prompt: Prompt
    choices: ChoiceRecord


def unit_draw(seed: int, *keys: object) -> float:
    """A number in [0, 1) that depends only on ``seed`` and ``keys``.

    The first 8 bytes of ``blake2b("seed|key|key...")``, top 53 bits, over 2**53:
    identical on every machine and Python version.

    >>> unit_draw(7, 0, "face")
    0.12471544848153715
    >>> unit_draw(7, 0, "face") == unit_draw(7, 0, "face") != unit_draw(8, 0, "face")
    True
    """
    text = "\x1f".join([str(int(seed)), *(str(key) for key in keys)])
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 11) / float(1 << 53)


def _weighted_index(weights: Sequence[float], draw: float) -> int:
    """The option whose share of the total weight holds ``draw`` (in [0, 1))."""
    target = draw * math.fsum(weights)
    running = 0.0
    for index, weight in enumerate(weights):
        running += weight
        if target < running:
            return index
    return len(weights) - 1


def _document(
    source: PromptFile | str | Path, library: PresetLibrary | None, max_bytes: int
) -> PromptFile:
    if isinstance(source, PromptFile):
        return source
    return read_prompt_file(source, library=library, max_bytes=max_bytes)


def count_combinations(
    source: PromptFile | str | Path,
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> int:
    """How many different variations the file's choices make (1 without choices).

    >>> from aidxl_prompt.files.prompt_file import parse_prompt_text
    >>> count_combinations(parse_prompt_text("race: [{choose: [elf, human]}, {choose: [a, b, c]}]"))
    6
    """
    points = _document(source, library, max_bytes).choice_points()
    return math.prod(len(point.options) for point in points)


def _record(points: Sequence[ChoicePoint], indexes: Sequence[int]) -> ChoiceRecord:
    return ChoiceRecord(
        picks=tuple(
            Pick(id=point.id, index=index, label=point.options[index].label)
            for point, index in zip(points, indexes, strict=True)
        )
    )


def expand(
    source: PromptFile | str | Path,
    mode: Mode = "random",
    n: int | None = None,
    seed: int = 0,
    *,
    replace: bool = True,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Iterator[Variation]:
    """Yield ``n`` variations of a prompt file (a path or a parsed :class:`PromptFile`).

    * ``random``: each choice draws an option by its weights, from ``seed`` (default
      ``n`` 1). With ``replace=False`` no combination is drawn twice.
    * ``combinatorial``: every combination in order, the last choice changing fastest
      (weights are not used); by default all of them.
    * ``cyclical``: variation ``i`` takes option ``i mod k`` of each choice with ``k``
      options; by default as many as the longest choice has options.

    A file's presets are found in ``library`` (by default the built-in presets only).
    """
    if mode not in MODES:
        raise ExpandError(f"unknown mode {mode!r}; expected one of: {', '.join(MODES)}")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise ExpandError(f"the number of variations must be a whole number >= 0, not {n!r}")
    document = _document(source, library, max_bytes)
    points = document.choice_points()
    sizes = [len(point.options) for point in points]
    if mode == "combinatorial":
        combos: Iterator[tuple[int, ...]] = itertools.product(*(range(size) for size in sizes))
        rows: Iterator[tuple[int, ...]] = itertools.islice(combos, n)
    elif mode == "cyclical":
        count = max(sizes, default=1) if n is None else n
        rows = (tuple(i % size for size in sizes) for i in range(count))
    else:
        count = 1 if n is None else n
        rows = _random_rows(points, count, seed, replace)
    for index, row in enumerate(rows):
        picks = {point.id: pick for point, pick in zip(points, row, strict=True)}
        yield Variation(index=index, prompt=document.resolve(picks), choices=_record(points, row))


def _random_rows(
    points: Sequence[ChoicePoint], n: int, seed: int, replace: bool
) -> Iterator[tuple[int, ...]]:
    weights = [[option.weight for option in point.options] for point in points]
    if replace:
        for index in range(n):
            yield tuple(
                _weighted_index(w, unit_draw(seed, index, point.id))
                for point, w in zip(points, weights, strict=True)
            )
        return
    total = math.prod(len(w) for w in weights)
    if n > total:
        raise ExpandError(
            f"asked for {n} variations without repeats, but the file's choices make only "
            f"{total} different ones"
        )
    seen: set[tuple[int, ...]] = set()
    for index in range(n):
        row = None
        for attempt in range(_RETRIES):
            candidate = tuple(
                _weighted_index(w, unit_draw(seed, index, point.id, attempt))
                for point, w in zip(points, weights, strict=True)
            )
            if candidate not in seen:
                row = candidate
                break
        if row is None:
            row = _draw_from_the_rest(weights, seen, unit_draw(seed, index, "rest"))
        seen.add(row)
        yield row


def _draw_from_the_rest(
    weights: Sequence[Sequence[float]], seen: set[tuple[int, ...]], draw: float
) -> tuple[int, ...]:
    """A weighted draw among the combinations not yet seen, by listing them."""
    total = math.prod(len(w) for w in weights)
    if total > _ENUMERATION_LIMIT:
        raise ExpandError(
            f"cannot find a new combination without repeats after {_RETRIES} tries; "
            "draw fewer variations or allow repeats"
        )
    rest = [row for row in itertools.product(*(range(len(w)) for w in weights)) if row not in seen]
    chances = [math.prod(w[i] for w, i in zip(weights, row, strict=True)) for row in rest]
    return rest[_weighted_index(chances, draw)]


def replay(
    source: PromptFile | str | Path,
    record: ChoiceRecord | Mapping[str, int],
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Prompt:
    """Apply the picks of ``record`` to another file with the same choice ids.

    Every choice of the file must have a pick in the record (picks for choices the file
    does not have are ignored); a pick must fit the file's number of options.

    >>> from aidxl_prompt.files.prompt_file import parse_prompt_text
    >>> hires = parse_prompt_text("expression: [{choose: [smiling, frowning], id: face}]")
    >>> replay(hires, {"face": 1, "bg": 0}).tags()[0].text
    'frowning'
    """
    picks = record.as_mapping() if isinstance(record, ChoiceRecord) else dict(record)
    document = _document(source, library, max_bytes)
    for point in document.choice_points():
        if point.id not in picks:
            known = ", ".join(sorted(picks)) or "none"
            raise ExpandError(
                f"{document.source}: the choice {point.id!r} has no pick in the record "
                f"(it has: {known})"
            )
        if not 0 <= picks[point.id] < len(point.options):
            raise ExpandError(
                f"{document.source}: pick {picks[point.id]} for the choice {point.id!r} is "
                f"out of range (it has {len(point.options)} options)"
            )
    return document.resolve(picks)
