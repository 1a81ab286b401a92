"""The rules that look at a whole prompt: slot order, duplicates, implications,
contradictions and the negative prompt.

Each takes the prompt's units (:class:`Unit`, in source order) and returns findings with
spans in the prompt's text.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from .._data import load_builtin_yaml
from ..errors import DataFileError
from ..model.items import And, Break, ExtraNetwork, Phrase, PromptItem, PromptWeight, Tag
from ..model.ordering import Slot
from ..syntax.normalize import Dialect, same_weight
from ..vocab._implications import implied_tags
from ..vocab._tables import TagTable
from ..vocab.vocabulary import EMBEDDED_SOURCE, Vocabulary
from ._units import Finding, UnitFacts, self_contained

__all__ = ["TagRules", "Unit", "sections", "slot_order", "subprompts", "tag_rules"]

_SEPARATOR_GAP = re.compile(r"[\s,]*")


class Unit(NamedTuple):
    """One parsed item of the prompt with its span, source text and unit facts; ``text``
    and ``slot`` are the facts' (kept as fields: the rules read them for every unit)."""

    item: PromptItem
    span: tuple[int, int]
    raw: str
    facts: UnitFacts
    text: str | None  # the canonical tag of a Tag unit
    slot: Slot | None


def _split(units: Sequence[Unit], at: tuple[type, ...]) -> list[Sequence[Unit]]:
    if {type(unit.item) for unit in units}.isdisjoint(at):  # most prompts: one part
        return [units]
    groups: list[Sequence[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        if isinstance(unit.item, at):
            groups.append(current)
            current = []
        else:
            current.append(unit)
    groups.append(current)
    return groups


def sections(units: Sequence[Unit]) -> list[Sequence[Unit]]:
    """The units between BREAKs and ANDs (what ordering may never cross)."""
    return _split(units, (Break, And, PromptWeight))


def subprompts(units: Sequence[Unit]) -> list[Sequence[Unit]]:
    """The units of each AND sub-prompt (a prompt of its own to the model)."""
    return _split(units, (And,))


# --- AP401 slot order -------------------------------------------------------------------


def slot_order(
    source: str, section: Sequence[Unit], ranks: Mapping[Slot, int], name: str, dialect: Dialect
) -> Iterator[Finding]:
    """The first unit that comes after a unit of a later slot (in the order ``name``,
    given as ``ranks``), with the fix that sorts the section."""
    strongest: Unit | None = None
    top = -1
    for unit in section:
        slot = unit.slot
        if slot is None:
            continue
        rank = ranks[slot]
        if rank < top and strongest is not None:
            first = _slot_name(slot)
            message = (
                f"{unit.raw!r} ({first}) comes after {strongest.raw!r} "
                f"({_slot_name(_slot(strongest))}); the {name} order puts {first} first"
            )
            fix = _sorted_section(source, section, ranks, dialect)
            yield Finding("AP401", message, unit.span, None, fix, slot.value)
            return
        if rank > top:
            strongest, top = unit, rank


def _slot(unit: Unit) -> Slot:
    assert unit.slot is not None
    return unit.slot


def _slot_of(unit: Unit) -> str | None:
    slot = unit.slot
    return None if slot is None else slot.value


def _slot_name(slot: Slot) -> str:
    return slot.value.replace("_", " ")


def _sorted_section(
    source: str, section: Sequence[Unit], ranks: Mapping[Slot, int], dialect: Dialect
) -> tuple[int, int, str] | None:
    """The section's units in slot order, when every unit can be moved on its own and
    only commas and spaces lie between them (else no fix). Networks at either end of
    the section stay where they are."""
    start, stop = 0, len(section)
    while start < stop and isinstance(section[start].item, ExtraNetwork):
        start += 1
    while stop > start and isinstance(section[stop - 1].item, ExtraNetwork):
        stop -= 1
    section = section[start:stop]
    if not section or any(not isinstance(u.item, (Tag, Phrase)) or u.slot is None for u in section):
        return None
    for before, after in itertools.pairwise(section):
        if not _SEPARATOR_GAP.fullmatch(source, before.span[1], after.span[0]):
            return None
    if not all(self_contained(unit.raw, unit.item, dialect) for unit in section):
        return None
    ordered = sorted(section, key=lambda unit: ranks[_slot(unit)])
    return section[0].span[0], section[-1].span[1], ", ".join(unit.raw for unit in ordered)


# --- AP601 duplicates, AP602 implications, AP603 contradictions, AP604 the negative ----


class TagRules(NamedTuple):
    """Which of the rules on a sub-prompt's tags run, and what they need: the
    vocabulary (implications) and the negative prompt's tags (empty: no AP604)."""

    duplicates: bool
    implications: bool
    contradictions: bool
    vocabulary: Vocabulary
    negative: frozenset[str]

    @property
    def active(self) -> bool:
        """Whether any of the rules runs."""
        return self.duplicates or self.implications or self.contradictions or bool(self.negative)


def tag_rules(
    source: str, units: Sequence[Unit], dialect: Dialect, rules: TagRules
) -> list[Finding]:
    """The findings of the rules on the tags of one AND sub-prompt (the model reads each
    as a prompt of its own), in one pass over its units:

    * AP601, a tag written again (the fix removes it with its comma);
    * AP602, a tag another tag implies (``long hair`` by ``very long hair``), at its
      last place;
    * AP603, two tags of the curated table that contradict each other, at the later;
    * AP604, a tag the negative prompt holds too (once a tag).
    """
    found: list[Finding] = []
    first: dict[str, Unit] = {}  # each text's first unit, in the order first seen
    last: dict[str, Unit] = {}  # each text's last unit (keys in the order first seen)
    against = _conflict_table() if rules.contradictions else {}
    negative = rules.negative
    previous: Unit | None = None
    for unit in units:
        text = unit.text
        if text is not None:
            earlier = first.get(text)
            if earlier is not None and rules.duplicates and earlier.span != unit.span:
                removal = _removal(source, previous, unit, earlier, dialect)
                message = f"{text!r} is already in the prompt"
                found.append(
                    Finding("AP601", message, unit.span, None, removal, None, earlier.span)
                )
            others = against.get(text) if against else None
            if others:  # against the tags before this one
                found += _contradiction(unit, text, others, first)
            if earlier is None:
                first[text] = unit
                if negative and text in negative:
                    found.append(_negative(unit, text))
            last[text] = unit
        previous = unit
    if rules.implications:
        found += _implied(last, rules.vocabulary)
    return found


def _contradiction(
    unit: Unit, text: str, others: Mapping[str, str], seen: Mapping[str, Unit]
) -> list[Finding]:
    for other, why in others.items():
        if other in seen:
            message = f"{text!r} contradicts {other!r}: {why}"
            return [Finding("AP603", message, unit.span, None, None, _slot_of(unit))]
    return []


def _negative(unit: Unit, text: str) -> Finding:
    message = f"{text!r} is also in the negative prompt; the two cancel out"
    suggestion = f"remove {text!r} from one of them"
    return Finding("AP604", message, unit.span, suggestion, None, _slot_of(unit))


def _removal(
    source: str, previous: Unit | None, unit: Unit, first: Unit, dialect: Dialect
) -> tuple[int, int, str] | None:
    if previous is None or not isinstance(previous.item, (Tag, Phrase)):
        return None
    assert isinstance(unit.item, Tag)
    assert isinstance(first.item, Tag)
    if not same_weight(unit.item.weight, first.item.weight):
        return None
    if not _SEPARATOR_GAP.fullmatch(source, previous.span[1], unit.span[0]):
        return None
    if not self_contained(unit.raw, unit.item, dialect):
        return None
    return previous.span[1], unit.span[1], ""


def _has_implications(vocabulary: Vocabulary) -> tuple[bool, bool]:
    """(the embedded Danbooru implications apply, the vocabulary has tables of its own)."""
    own = any(isinstance(table, TagTable) and table.implications for table in vocabulary.tables)
    return EMBEDDED_SOURCE in vocabulary.sources, own


def _implied(present: Mapping[str, Unit], vocabulary: Vocabulary) -> list[Finding]:
    """AP602 over the sub-prompt's tags (each at its last unit), each target once."""
    embedded, own = _has_implications(vocabulary)
    found: list[Finding] = []
    reported: set[str] = set()
    for text in present:
        implications = implied_tags(text) if embedded else ()
        if own:
            implications = (*implications, *vocabulary.implied(text))
        for target in implications:
            if target in present and target not in reported and target != text:
                reported.add(target)
                message = f"{target!r} is implied by {text!r}"
                where = present[target]
                found.append(
                    Finding(
                        "AP602", message, where.span, f"remove {target!r}", None, _slot_of(where)
                    )
                )
    return found


@functools.cache
def _conflict_table() -> Mapping[str, Mapping[str, str]]:
    """tag -> {contradicting tag: why}, from ``data/tags/conflicts.yaml``."""
    raw = load_builtin_yaml("conflicts.yaml")
    if not isinstance(raw, dict):
        raise DataFileError("conflicts.yaml: expected a mapping with exclusive and versus")
    table: dict[str, dict[str, str]] = {}

    def add(left: str, right: str, why: str) -> None:
        if left != right:
            table.setdefault(left, {})[right] = why
            table.setdefault(right, {})[left] = why

    for entry in raw.get("exclusive", []):
        tags, why = _entry(entry, "tags")
        for left in tags:
            for right in tags:
                add(left, right, why)
    for entry in raw.get("versus", []):
        lefts, why = _entry(entry, "left")
        rights, _ = _entry(entry, "right")
        for left in lefts:
            for right in rights:
                add(left, right, why)
    return table


def _entry(entry: object, key: str) -> tuple[list[str], str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("why"), str):
        raise DataFileError(f"conflicts.yaml: {entry!r}: expected a mapping with 'why'")
    tags = entry.get(key)
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise DataFileError(f"conflicts.yaml: {entry!r}: {key!r} must be a list of tags")
    return [str(tag) for tag in tags], str(entry["why"])
