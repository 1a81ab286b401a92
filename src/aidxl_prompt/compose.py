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

from collections.abc import Iterable

from .classify import classify
from .models import And, Break, ExtraNetwork, Prompt, PromptItem, Schedule, SlotItem, Tag
from .normalize import Dialect
from .ordering import OrderLike, Slot
from .parser import parse_items
from .render import render
from .vocab import Vocabulary

__all__ = ["format_prompt", "parse", "prompt_from_items", "reading_dialect"]


def parse(
    text: str,
    dialect: Dialect = "a1111",
    *,
    strict: bool = False,
    vocabulary: Vocabulary | None = None,
) -> Prompt:
    """Parse a prompt and put each tag in its slot (see :func:`~aidxl_prompt.classify`).

    Nothing written is dropped: meta tags stay (in the slot the classifier gives),
    ``BREAK``, ``AND`` and schedules stay right after the tag they followed, in its
    slot (before the first tag when they lead the prompt), and extra networks go to
    ``networks``. An artist known to ``vocabulary`` gets the card's ``by`` prefix.
    Ordering moves whole slots, so a prompt that relies on ``BREAK``/``AND`` to split
    particular tags should be checked after re-ordering.

    >>> p = parse("gun, 1boy BREAK holding, <lora:x:0.5>")
    >>> p.character, p.networks[0].text
    ([Tag(text='1boy', weight=1.0), Break(kind='break')], '<lora:x:0.5>')
    """
    return prompt_from_items(parse_items(text, dialect, strict=strict).items, vocabulary)


def prompt_from_items(items: Iterable[PromptItem], vocabulary: Vocabulary | None = None) -> Prompt:
    """Put parsed items in their slots, as :func:`parse` does (for a ``ParseResult``
    already in hand, e.g. one whose repairs were reported).

    >>> prompt_from_items(parse_items("impasto, BREAK").items).painting_style
    [Tag(text='impasto', weight=1.0), Break(kind='break')]
    """
    slots: dict[Slot, list[SlotItem]] = {}
    networks: list[ExtraNetwork] = []
    leading: list[SlotItem] = []  # control items before the first tag
    last_slot: Slot | None = None
    for item in items:
        if isinstance(item, ExtraNetwork):
            networks.append(item)
        elif isinstance(item, Tag):
            found = classify(item, vocabulary)
            written = item
            if found.text and found.text != item.text:
                written = Tag(found.text, item.weight)  # e.g. an artist gets "by "
            bucket = slots.setdefault(found.slot, [])
            bucket.extend(leading)
            leading.clear()
            bucket.append(written)
            last_slot = found.slot
        elif isinstance(item, (Break, And, Schedule)):
            if last_slot is None:
                leading.append(item)
            else:
                slots[last_slot].append(item)
    if leading:  # a prompt of control items only
        slots.setdefault(Slot.secondary_description, []).extend(leading)
    return Prompt.model_validate(
        {**{slot.value: items for slot, items in slots.items()}, "networks": networks}
    )


def reading_dialect(dialect: Dialect, input_dialect: Dialect | None = None) -> Dialect:
    """How :func:`format_prompt` reads its input: ``input_dialect``, else the output
    dialect when it can be parsed, else A1111 (compel and plain are written, not read).

    >>> reading_dialect("compel"), reading_dialect("comfyui"), reading_dialect("a1111", "plain")
    ('a1111', 'comfyui', 'plain')
    """
    if input_dialect is not None:
        return input_dialect
    return "a1111" if dialect in ("compel", "plain") else dialect


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
    prompt = parse(
        text, reading_dialect(dialect, input_dialect), strict=strict, vocabulary=vocabulary
    )
    return render(prompt, dialect, order=order)
