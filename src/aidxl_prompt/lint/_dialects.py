"""AP111: the stretches of a prompt that another tool reads differently from A1111."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from ..model.items import And, Break, ExtraNetwork, Phrase, PromptItem, Run, Schedule, Tag
from ..model.parser import parse_items
from ..syntax.normalize import Dialect, format_weight
from ._prompt_rules import Unit
from ._units import Finding

__all__ = ["dialect_differences"]


def _reading(item: PromptItem | Run) -> str:
    """How a tool reads one item, in words."""
    if isinstance(item, Tag):
        weight = format_weight(item.weight)
        return repr(item.text) if weight == "1" else f"{item.text!r} at {weight}"
    if isinstance(item, Phrase):
        return " + ".join(_reading(part) for part in item.parts)
    if isinstance(item, Run):
        return _reading(Tag.model_construct(text=item.text.strip() or "_", weight=item.weight))
    return _READINGS.get(type(item), "{}").format(getattr(item, "text", item))


_READINGS: Mapping[type, str] = {
    Break: "a chunk break",
    And: "AND (a separate prompt)",
    ExtraNetwork: "the network {!r}",
    Schedule: "the schedule {!r}",
}


def dialect_differences(source: str, other: Dialect, units: Sequence[Unit]) -> Iterator[Finding]:
    """The stretches of ``source`` that ``other`` reads differently from A1111."""
    theirs = parse_items(source, other)
    names = {"a1111": "A1111", "comfyui": "ComfyUI"}
    for item, (start, end) in zip(theirs.items, theirs.spans, strict=True):
        ours = [unit for unit in units if unit.span[0] < end and unit.span[1] > start]
        if not ours:
            continue
        mine = "; ".join(_reading(unit.item) for unit in ours)
        their = _reading(item)
        if mine != their:
            begin = min(start, ours[0].span[0])
            stop = max(end, ours[-1].span[1])
            message = (
                f"{source[begin:stop]!r} reads differently: A1111 reads {mine}, "
                f"{names[other]} reads {their}"
            )
            yield Finding("AP111", message, (begin, stop))
