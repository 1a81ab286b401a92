"""The pipeline: parse a prompt into slots, and format (parse, order, render) in one go.

>>> p = parse("best quality, 1girl, by yoneyama mai, impasto")
>>> [(slot, [t.text for t in p.slot(slot)]) for slot in ("art_style", "painting_style")]
[('art_style', ['by yoneyama mai']), ('painting_style', ['impasto'])]
>>> format_prompt("best_quality, (by_ask:0.9), bishop \\\\(chess\\\\)")
'(by ask:0.9), best quality, bishop \\\\(chess\\\\)'

A raw Danbooru tag list is read with ``input_dialect="plain"`` (no syntax at all), so
its parentheses stay part of the names:

>>> format_prompt("best_quality, bishop_(chess)", input_dialect="plain")
'best quality, bishop \\\\(chess\\\\)'
"""

from __future__ import annotations

from .classify import classify
from .models import And, Break, ExtraNetwork, Prompt, Schedule, SlotItem, Tag
from .normalize import Dialect
from .ordering import OrderLike, Slot
from .parser import parse_items
from .render import render
from .vocab import Vocabulary

__all__ = ["format_prompt", "parse"]


def parse(
    text: str,
    dialect: Dialect = "a1111",
    *,
    strict: bool = False,
    vocabulary: Vocabulary | None = None,
) -> Prompt:
    """Parse a prompt and put each tag in its slot (see :func:`~aidxl_prompt.classify`).

    Nothing written is dropped: meta tags stay (in the slot the classifier gives),
    ``BREAK``, ``AND`` and schedules stay in the slot of the tag that follows them,
    extra networks go to ``networks``. An artist known to ``vocabulary`` gets the
    card's ``by`` prefix.

    >>> p = parse("gun, 1boy, BREAK holding, <lora:x:0.5>")
    >>> p.character, p.networks[0].text
    ([Tag(text='1boy', weight=1.0)], '<lora:x:0.5>')
    """
    result = parse_items(text, dialect, strict=strict)
    slots: dict[Slot, list[SlotItem]] = {}
    networks: list[ExtraNetwork] = []
    waiting: list[SlotItem] = []  # control items that go before the next tag
    last_slot = Slot.secondary_description
    for item in result.items:
        if isinstance(item, ExtraNetwork):
            networks.append(item)
        elif isinstance(item, Tag):
            found = classify(item, vocabulary)
            written = item
            if found.text and found.text != item.text:
                written = Tag(found.text, item.weight)  # e.g. an artist gets "by "
            bucket = slots.setdefault(found.slot, [])
            bucket.extend(waiting)
            bucket.append(written)
            waiting.clear()
            last_slot = found.slot
        elif isinstance(item, (Break, And, Schedule)):
            waiting.append(item)
    if waiting:  # trailing control items stay after the last tag
        slots.setdefault(last_slot, []).extend(waiting)
    return Prompt.model_validate(
        {**{slot.value: items for slot, items in slots.items()}, "networks": networks}
    )


def format_prompt(
    text: str,
    dialect: Dialect = "a1111",
    *,
    input_dialect: Dialect | None = None,
    order: OrderLike = "documented",
    strict: bool = False,
    vocabulary: Vocabulary | None = None,
) -> str:
    """Parse (in ``input_dialect``, default ``dialect``), order and render a prompt.

    >>> format_prompt("(masterpiece:1.2), 1girl", "comfyui", input_dialect="a1111")
    '1girl, (masterpiece:1.2)'
    """
    reading: Dialect = input_dialect or ("a1111" if dialect in ("compel", "plain") else dialect)
    prompt = parse(text, reading, strict=strict, vocabulary=vocabulary)
    return render(prompt, dialect, order=order)
