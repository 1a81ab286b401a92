"""The pipeline: parse a prompt into slots, and format (parse, order, render) in one go.

>>> p = parse("best quality, 1girl, by yoneyama mai, impasto")
>>> [(slot, [t.text for t in p.slot(slot)]) for slot in ("art_style", "painting_style")]
[('art_style', ['by yoneyama mai']), ('painting_style', ['impasto'])]
>>> format_prompt("best_quality, (by_ask:0.9), bishop_(chess)")
'(by ask:0.9), best quality, bishop \\\\(chess\\\\)'

A comma-separated unit moves as one (``a (white:1.2) dress`` stays whole), and ``BREAK``
and ``AND`` divide the prompt into sections that ordering never crosses:

>>> format_prompt("smile, 1girl BREAK best quality, a (white:1.2) dress, 1boy")
'1girl, smile BREAK 1boy, a (white:1.2) dress, best quality'

A raw Danbooru tag list is read with ``input_dialect="plain"`` (no syntax at all), so
its parentheses stay part of the names:

>>> format_prompt("best_quality, bishop_(chess)", input_dialect="plain")
'best quality, bishop \\\\(chess\\\\)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

from pydantic import BaseModel, ConfigDict

from ._input import MAX_INPUT_BYTES, check_size
from .errors import PromptSyntaxError
from .model.items import (
    And,
    Break,
    ExtraNetwork,
    Phrase,
    PromptItem,
    PromptWeight,
    Schedule,
    SlotItem,
    Tag,
    construct_valid,
)
from .model.ordering import OrderLike, Slot
from .model.parser import ParseResult, Repair, parse_items, segment_item, segment_spans
from .model.prompt import Prompt, Section, render
from .syntax.grammar import ATTENTION_NUMBER, trailing_weight
from .syntax.normalize import MAX_WEIGHT, MIN_WEIGHT, Dialect, normalize_tag
from .vocab.classify import classify, placement
from .vocab.vocabulary import TagCategory, Vocabulary

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "ParsedPrompt",
    "ReadOptions",
    "format_prompt",
    "parse",
    "parse_prompt",
    "prompt_from_items",
    "reading_dialect",
]


class ParsedPrompt(BaseModel):
    """A prompt put in its slots, with every repair made while reading it."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True
    )

    prompt: Prompt
    repairs: tuple[Repair, ...] = ()


class ReadOptions(TypedDict, total=False):
    """The reading options :func:`parse` and :func:`format_prompt` take as keywords
    (their defaults are :func:`parse_prompt`'s): ``strict``, ``vocabulary``,
    ``danbooru_names`` and ``max_bytes``."""

    strict: bool
    vocabulary: Vocabulary | None
    danbooru_names: bool
    max_bytes: int


def parse(text: str, dialect: Dialect = "a1111", **options: Unpack[ReadOptions]) -> Prompt:
    """Parse a prompt and put each unit in its slot (see :func:`~aidxl_prompt.classify`).

    Nothing written is dropped. Each comma-separated unit is one item (a
    :class:`~aidxl_prompt.model.items.Tag`, or a :class:`~aidxl_prompt.model.items.Phrase` when
    A1111 reads it as several runs), classified by its whole text. ``BREAK`` and ``AND``
    start new :class:`~aidxl_prompt.model.prompt.Section` objects (``Prompt.sections``),
    with the sub-prompt weights A1111 reads from a trailing ``:w``. Extra networks go
    to ``networks``. An artist known to ``vocabulary`` gets the card's ``by`` prefix.

    With ``danbooru_names`` (the default), a Danbooru name written raw is read as that
    tag, as the card asks: ``bishop_(chess)``, or a name the vocabulary knows written
    with bare parentheses (``ganyu (genshin impact)``), instead of A1111's literal
    reading (``bishop_`` and ``chess`` at 1.1). :func:`parse_prompt` reports each.

    >>> p = parse("gun, 1boy BREAK holding, <lora:x:0.5>, bishop_(chess)")
    >>> p.character, p.sections[0].joiner, p.networks[0].text
    ([Tag(text='1boy', weight=1.0)], 'BREAK', '<lora:x:0.5>')
    >>> [t.text for t in p.sections[0].units()]
    ['holding', 'bishop (chess)']
    """
    if options.keys() - _READ_OPTIONS:  # named as the caller called it, not as _parse
        unknown = min(options.keys() - _READ_OPTIONS)
        raise TypeError(f"parse() got an unexpected keyword argument {unknown!r}")
    return _parse(text, dialect, keep_repairs=False, **options)[0]


_READ_OPTIONS = frozenset(ReadOptions.__annotations__)


def parse_prompt(
    text: str,
    dialect: Dialect = "a1111",
    *,
    strict: bool = False,
    vocabulary: Vocabulary | None = None,
    danbooru_names: bool = True,
    max_bytes: int = MAX_INPUT_BYTES,
) -> ParsedPrompt:
    """:func:`parse`, keeping the repairs (the parser's and the Danbooru-name readings).

    ``strict`` raises on the first repair instead of making it; ``vocabulary`` gives
    the tags' categories (default :meth:`~aidxl_prompt.Vocabulary.default`, never the
    environment); ``danbooru_names`` reads raw Danbooru names (see :func:`parse`);
    ``max_bytes`` refuses a longer prompt.

    >>> result = parse_prompt("1girl, bishop_(chess)")
    >>> [t.text for t in result.prompt.all_units()], result.repairs[0].code
    (['1girl', 'bishop (chess)'], 'danbooru-name')
    """
    prompt, repairs = _parse(
        text,
        dialect,
        keep_repairs=True,
        strict=strict,
        vocabulary=vocabulary,
        danbooru_names=danbooru_names,
        max_bytes=max_bytes,
    )
    return construct_valid(
        ParsedPrompt, {"prompt": prompt, "repairs": repairs}, {"prompt", "repairs"}
    )


def _parse(
    text: str,
    dialect: Dialect,
    *,
    keep_repairs: bool,
    strict: bool = False,
    vocabulary: Vocabulary | None = None,
    danbooru_names: bool = True,
    max_bytes: int = MAX_INPUT_BYTES,
) -> tuple[Prompt, tuple[Repair, ...]]:
    """:func:`parse_prompt`'s prompt and repairs; without ``keep_repairs`` (what
    :func:`parse` discards) the shortcut writes none."""
    vocab = vocabulary if vocabulary is not None else Vocabulary.default()
    if dialect == "a1111" and isinstance(text, str):
        check_size(text, source="<prompt>", max_bytes=max_bytes)
        simple = _parse_simple(
            text, vocab, strict=strict, danbooru_names=danbooru_names, keep_repairs=keep_repairs
        )
        if simple is not None:
            return simple
    parsed = _parse_general(
        text, dialect, vocab, strict=strict, danbooru_names=danbooru_names, max_bytes=max_bytes
    )
    return parsed.prompt, parsed.repairs


def _parse_general(
    text: str,
    dialect: Dialect,
    vocab: Vocabulary,
    *,
    strict: bool,
    danbooru_names: bool,
    max_bytes: int = MAX_INPUT_BYTES,
) -> ParsedPrompt:
    """:func:`parse_prompt` by the full reader, without the common-case shortcut."""
    result = parse_items(text, dialect, strict=strict, max_bytes=max_bytes)
    items = list(result.items)
    repairs = list(result.repairs)
    if danbooru_names and dialect == "a1111":
        items, named = _read_danbooru_names(result, vocab, strict=strict)
        # What the parser repaired inside a name now read as its tag is moot (the
        # weight 1999 A1111 would give ``reverse`` in ``vertin_(reverse:1999)``).
        spans = {repair.span for repair in named}
        repairs = [repair for repair in repairs if repair.span not in spans]
        repairs = sorted([*repairs, *named], key=lambda repair: repair.span)
    # Both parts are already valid: no validation pass (and no schema to build).
    return ParsedPrompt.model_construct(
        prompt=prompt_from_items(items, vocab), repairs=tuple(repairs)
    )


# --- the common case: one cached reading per comma-separated segment --------------------


class _Reading(NamedTuple):
    """A simple segment read and put in its place: its item (shared between prompts:
    items are frozen), the Prompt's list field it goes in (a slot's name, or
    ``networks``) and, for a raw Danbooru name, how it was read."""

    item: Tag | ExtraNetwork
    field: str
    danbooru_name: _RawName | None = None


# Readings by vocabulary, then by stripped segment (None: not a simple segment). Both
# levels are bounded: a long-running host never holds more than a few tables.
_READINGS: dict[Vocabulary, dict[str, _Reading | None]] = {}
_READINGS_PER_VOCABULARY = 65536
_VOCABULARIES_KEPT = 4
_SEGMENT_LENGTH = 256
_new_tuple = tuple.__new__
_MISSING = _Reading(ExtraNetwork.model_construct(text="<missing>"), "networks")


def _readings_of(vocabulary: Vocabulary) -> dict[str, _Reading | None]:
    readings = _READINGS.get(vocabulary)
    if readings is None:
        if len(_READINGS) >= _VOCABULARIES_KEPT:
            _READINGS.clear()
        readings = _READINGS[vocabulary] = {}
    elif len(readings) >= _READINGS_PER_VOCABULARY:
        readings.clear()
    return readings


def _parse_simple(
    text: str, vocab: Vocabulary, *, strict: bool, danbooru_names: bool, keep_repairs: bool = True
) -> tuple[Prompt, tuple[Repair, ...]] | None:
    """:func:`parse_prompt` of an A1111 prompt whose every comma-separated segment is one
    simple unit (see :func:`~aidxl_prompt.model.parser.segment_item`, plus raw Danbooru
    names), from cached readings; None when the full reader must read it. A property
    test holds the two equal wherever this one answers. Without ``keep_repairs`` no
    repair is written (the prompt is the same)."""
    if "BREAK" in text or "AND" in text or trailing_weight(text) is not None:
        return None
    readings = _readings_of(vocab)
    fields: dict[str, list[Any]] = {}
    named: list[tuple[int, _RawName]] = []
    for index, segment in enumerate(filter(None, map(str.strip, text.split(",")))):
        reading = readings.get(segment, _MISSING)
        if reading is _MISSING:
            reading = readings[segment] = _read_segment(segment, vocab)
        if reading is None:
            return None
        item, field, note = reading
        if note is not None:
            if strict or not danbooru_names:
                return None
            if keep_repairs:
                named.append((index, note))
        units = fields.get(field)
        if units is None:
            fields[field] = [item]
        else:
            units.append(item)
    repairs: tuple[Repair, ...] = ()
    if named:
        spans = segment_spans(text)
        repairs = tuple(
            construct_valid(
                Repair,
                {"code": "danbooru-name", "message": name.message, "span": spans[index]},
                {"code", "message", "span"},
            )
            for index, name in named
        )
    return Prompt.from_valid(fields, sections=(), weight=1.0), repairs


def _read_segment(segment: str, vocab: Vocabulary) -> _Reading | None:
    """The reading of one stripped segment, or None when it is not a simple one."""
    if len(segment) > _SEGMENT_LENGTH:
        return None
    item = segment_item.__wrapped__(segment)  # this cache holds the reading itself
    note = None
    if item is None:
        # A bare raw Danbooru name (no group around it: no weights, so no weight
        # repairs) is read here exactly as the full reader reads it: one Phrase, which
        # _read_danbooru_names turns into this same tag.
        note = _raw_name(segment, vocab) if segment[0] not in "([" else None
        if note is None:
            return None
        item = note.tag
    if isinstance(item, ExtraNetwork):
        return _Reading(item, "networks")
    if not isinstance(item, Tag):
        return None
    slot, text = placement(item.text, vocab)  # the reading is what is kept
    if text != item.text:  # an artist gets "by "
        item = Tag.from_valid(text, item.weight)
    # (an Enum's .value is a Python-level descriptor; _value_ is the member's own field;
    # a NamedTuple's own __new__ is Python code: the tuple is built directly)
    return _new_tuple(_Reading, (item, slot._value_, note))


# --- Danbooru names written raw ---------------------------------------------------------

# A name and its parenthesised qualifiers, as Danbooru spells them: ``bishop_(chess)``,
# ``robin_(female)_(fire_emblem)``, ``seele_(honkai:_star_rail)``, ``ganyu (genshin
# impact)``; optionally inside one weighted or emphasis group.
_JOINT = r"_|\s+"
_QUALIFIER_TEXT = r"[^()\[\]\\,<>|]+"
_RAW_NAME = re.compile(
    r"(?P<open>\(|\[)?\s*"
    r"(?P<name>[^()\[\]\\,<>|]*[^()\[\]\\:,<>|\s_])"
    rf"(?P<qualifiers>(?:(?:{_JOINT})\({_QUALIFIER_TEXT}\))+)"
    rf"\s*(?::\s*(?P<weight>{ATTENTION_NUMBER})\s*)?(?P<close>\)|\])?"
)
_QUALIFIERS = re.compile(rf"(?P<joint>{_JOINT})\((?P<qualifier>{_QUALIFIER_TEXT})\)")


def _read_danbooru_names(
    result: ParseResult, vocabulary: Vocabulary, *, strict: bool
) -> tuple[list[PromptItem], list[Repair]]:
    items: list[PromptItem] = []
    repairs: list[Repair] = []
    source = result.source
    if "(" not in source:  # every raw name has its qualifier in parentheses
        return list(result.items), repairs
    for item, (start, end) in zip(result.items, result.spans, strict=True):
        if isinstance(item, Phrase):
            found = _raw_name(source[start:end], vocabulary)
            if found is not None:
                message = found.message
                if strict:
                    raise PromptSyntaxError(message, source=source, span=(start, end))
                repairs.append(
                    Repair.model_construct(code="danbooru-name", message=message, span=(start, end))
                )
                items.append(found.tag)
                continue
        items.append(item)
    return items, repairs


class _RawName:
    """A raw Danbooru name read as its tag: the text as written, the tag, and the name and
    qualifiers A1111 reads literally instead. The repair message is written the first
    time it is asked for (:func:`parse` keeps no repairs, so it never asks)."""

    __slots__ = ("_message", "name", "parts", "tag", "weight", "written")

    def __init__(
        self, written: str, tag: Tag, name: str, parts: list[tuple[str, str]], weight: float
    ) -> None:
        self.written = written
        self.tag = tag
        self.name = name
        self.parts = parts
        self.weight = weight
        self._message: str | None = None

    @property
    def message(self) -> str:
        """The repair message: what A1111 reads, and the tag read instead."""
        if self._message is None:
            reading = _literal_reading(self.name, self.parts, self.weight)
            self._message = (
                f"A1111 reads {self.written!r} as {reading}; read as the Danbooru tag "
                f"{self.tag.text!r}, which A1111 reads when written {self.tag.a1111}"
            )
        return self._message


def _raw_name(text: str, vocabulary: Vocabulary) -> _RawName | None:
    """The tag a raw Danbooru name in ``text`` stands for, and A1111's literal reading."""
    found = _RAW_NAME.fullmatch(text)
    weight = (
        None if found is None else _group_weight(found["open"], found["close"], found["weight"])
    )
    if found is None or weight is None or not MIN_WEIGHT <= abs(weight) <= MAX_WEIGHT:
        return None
    name = found["name"]
    parts: list[tuple[str, str]] = _QUALIFIERS.findall(found["qualifiers"])  # (joint, text)
    canonical = normalize_tag(name + "".join([f" ({qualifier})" for _, qualifier in parts]))
    if not _is_name(canonical, name, parts, vocabulary):
        return None
    tag = Tag.from_valid(canonical, weight)  # canonical, in range
    return _RawName(text, tag, name, parts, weight)


def _is_name(
    canonical: str, name: str, parts: list[tuple[str, str]], vocabulary: Vocabulary
) -> bool:
    """Whether a name and its qualifiers, as matched, are read as one Danbooru name."""
    qualifiers = [qualifier for _, qualifier in parts]
    if not canonical or "," in canonical or not all(map(normalize_tag, qualifiers)):
        return False  # not one tag, or a qualifier that spells as nothing
    if ":" in canonical and (  # (a colon in the name or a qualifier is in canonical)
        ":" in name or any(trailing_weight(qualifier) is not None for qualifier in qualifiers)
    ):
        # A colon may be syntax (``a_(b:1.2)`` weights b): only a name the vocabulary
        # holds is read as one (``vertin_(reverse:1999)``, ``soldier:_76_(overwatch)``).
        return vocabulary.category(canonical) is not None
    if all(joint == "_" for joint, _ in parts):
        return True
    return _known_name(canonical, qualifiers[-1], vocabulary)


def _literal_reading(name: str, parts: list[tuple[str, str]], weight: float) -> str:
    """What A1111 reads instead: ``'bishop_' and 'chess' at 1.1``."""
    runs = [repr(name + parts[0][0])]
    for index, (_, qualifier) in enumerate(parts):
        runs.append(_qualifier_reading(qualifier, weight))
        if index + 1 < len(parts):
            runs.append(repr(parts[index + 1][0]))
    return ", ".join(runs[:-1]) + " and " + runs[-1]


def _qualifier_reading(qualifier: str, weight: float) -> str:
    """A qualifier as A1111 reads it: at 1.1 times the group's weight, or at its own
    ``:N`` times it (``reverse:1999``)."""
    span = trailing_weight(qualifier)
    factor = 1.1
    if span is not None:
        try:
            factor = float(qualifier[span[0] : span[1]].strip()[1:])
        except ValueError:  # a number A1111's pattern takes but cannot read ("1..2")
            return f"{qualifier[: span[0]]!r} at a weight it cannot read"
        qualifier = qualifier[: span[0]]
    return f"{qualifier!r} at {round(weight * factor, 10):g}"


def _group_weight(opened: str | None, closed: str | None, number: str | None) -> float | None:
    """The weight of the one group around a raw name (1.0 with none), or None when the
    brackets do not pair up or the number is not one A1111 reads."""
    if not (opened or closed):
        return None if number else 1.0
    if opened != {")": "(", "]": "["}.get(closed or "", "") or (number and opened != "("):
        return None
    if not number:
        return 1.1 if opened == "(" else 1 / 1.1
    try:  # A1111's weight pattern takes "1..2", which float() (and A1111) cannot read
        return float(number)
    except ValueError:
        return None


def _known_name(canonical: str, qualifier: str, vocabulary: Vocabulary) -> bool:
    """A name written with bare parentheses is read as a tag only when the vocabulary
    knows it, or knows its qualifier as a series in one of the card's character forms."""
    if vocabulary.category(canonical) is not None:
        return True
    return vocabulary.category(normalize_tag(qualifier)) is TagCategory.copyright and (
        classify(canonical, vocabulary).slot is Slot.character
    )


# --- slots and sections -----------------------------------------------------------------


def prompt_from_items(
    items: Iterable[PromptItem | str],
    vocabulary: Vocabulary | None = None,
    *,
    keep_meta: bool = True,
) -> Prompt:
    """Put a flat list of items in their slots and sections: the one way from a list to
    a :class:`~aidxl_prompt.Prompt` (:func:`parse` uses it on what it has read).

    Each unit goes to the slot :func:`~aidxl_prompt.classify` gives it, keeping its
    weight; within a slot the given order is kept. A string is one tag. Artists from
    the vocabulary get the card's ``by`` prefix. ``Break`` and ``And`` start new
    sections, extra networks go to ``networks``. Meta and rating tags (``highres``)
    are kept in the last slot, or left out when ``keep_meta`` is false.

    >>> p = prompt_from_items(["gun", "1boy", "holding", "short hair"])
    >>> [tag.text for tag in p.tags(order="caption")]
    ['1boy', 'short hair', 'holding', 'gun']
    >>> p = prompt_from_items(["best quality", "wlop", "highres", "smile"], keep_meta=False)
    >>> [tag.text for tag in p.tags()]
    ['by wlop', 'smile', 'best quality']
    >>> p = prompt_from_items(parse_items("impasto, BREAK, a (white:1.2) dress").items)
    >>> p.painting_style, [unit.text for unit in p.sections[0].clothing]
    ([Tag(text='impasto', weight=1.0)], ['a white dress'])
    """
    sorter = _Sorter(vocabulary if vocabulary is not None else Vocabulary.default(), keep_meta)
    for item in items:
        sorter.add(Tag(text=item) if isinstance(item, str) else item)
    return sorter.prompt()


@dataclass
class _Section:
    """One section being filled: its joiner (None for the first), sub-prompt weight and
    units by slot."""

    joiner: str | None
    weight: float = 1.0
    slots: dict[Slot, list[SlotItem]] = field(default_factory=dict)

    def fields(self) -> dict[str, list[SlotItem]]:
        return {slot.value: units for slot, units in self.slots.items()}


@dataclass
class _Sorter:
    """Items in the order given, into sections (cut at ``Break`` and ``And``) and slots.

    A :class:`PromptWeight` sets the weight of the sub-prompt it ends, stored on the
    section that began it (the first, or the last ``And``).
    """

    vocabulary: Vocabulary
    keep_meta: bool
    sections: list[_Section] = field(default_factory=lambda: [_Section(None)])
    networks: list[ExtraNetwork] = field(default_factory=list)
    subprompt: int = 0  # the section whose weight a PromptWeight sets

    def add(self, item: PromptItem) -> None:
        if isinstance(item, Tag):
            found = classify(item, self.vocabulary)
            if found.text != item.text:  # e.g. an artist gets "by " (text is canonical)
                item = Tag.model_construct(text=found.text, weight=item.weight)
        elif isinstance(item, (Phrase, Schedule)):
            text = item.text if isinstance(item, Phrase) else item.plain_text
            found = classify(text, self.vocabulary)
        else:
            self.control(item)
            return
        if self.keep_meta or not found.meta:
            self.sections[-1].slots.setdefault(found.slot, []).append(item)

    def control(self, item: Break | And | PromptWeight | ExtraNetwork) -> None:
        if isinstance(item, ExtraNetwork):
            self.networks.append(item)
        elif isinstance(item, PromptWeight):
            self.sections[self.subprompt].weight = item.weight
        else:
            if isinstance(item, And):
                self.subprompt = len(self.sections)
            self.sections.append(_Section("AND" if isinstance(item, And) else "BREAK"))

    def prompt(self) -> Prompt:
        # The items are valid already: no second validation pass, but the slots are
        # still checked lists for whatever the caller does next.
        first, *later = self.sections
        return Prompt.from_valid(
            {**first.fields(), "networks": self.networks},
            sections=[
                Section.from_valid(section.fields(), joiner=section.joiner, weight=section.weight)
                for section in later
            ],
            weight=first.weight,
        )


def reading_dialect(dialect: Dialect, input_dialect: Dialect | None = None) -> Dialect:
    """How :func:`format_prompt` reads its input: ``input_dialect``, else A1111 (the
    dialect prompts are pasted in); the output dialect never decides it.

    >>> reading_dialect("comfyui"), reading_dialect("a1111", "plain")
    ('a1111', 'plain')
    """
    del dialect  # kept for callers that pass it: the output does not choose the input
    return input_dialect if input_dialect is not None else "a1111"


def format_prompt(
    text: str,
    dialect: Dialect = "a1111",
    *,
    input_dialect: Dialect | None = None,
    order: OrderLike = "documented",
    **options: Unpack[ReadOptions],
) -> str:
    """Parse (in ``input_dialect``, default A1111, with the :class:`ReadOptions`), order
    and render a prompt.

    >>> format_prompt("(masterpiece:1.2), 1girl", "comfyui")
    '1girl, (masterpiece:1.2)'
    """
    prompt = parse(text, reading_dialect(dialect, input_dialect), **options)
    return render(prompt, dialect, order=order)
