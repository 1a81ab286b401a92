"""Writing a Prompt as a prompt file that reads back equal to it.

Each item is written in the shortest form the reader turns back into the same item: a
tag as a string, or ``{tag: weight}``, when the card's treatment of its slot leaves it
as it is; else in the explicit form ``{text: ..., weight: ...}``. Settings are written
as the fields they were given (a preset's fields included), last.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..card.settings import Settings
from ..errors import CardValueError
from ..model.items import Break, ExtraNetwork, Phrase, Schedule, Tag
from ..model.prompt import Prompt, Section
from ..model.render import render_items
from ._document import FileItem
from ._entries import slot_string_tag
from ._format import CONTENT_FIELDS, RESERVED_KEYS, SLOT_FIELDS

__all__ = ["dump_prompt_file", "prompt_to_yaml"]


def prompt_to_yaml(prompt: Prompt, settings: Settings | None = None) -> str:
    """A prompt file that :func:`~aidxl_prompt.files.prompt_file.load_prompt_text` reads
    back equal to ``prompt`` (and whose ``settings`` block reads back equal to
    ``settings``, when given).

    >>> print(prompt_to_yaml(Prompt(art_style=[("by ask", 0.9)], quality=["best quality"])), end="")
    art_style:
    - {by ask: 0.9}
    quality: [best quality]
    >>> print(prompt_to_yaml(Prompt(), Settings(width=832, height=1248, seed=1)), end="")
    settings: {width: 832, height: 1248, seed: 1}
    """
    document: dict[str, Any] = _dump_fields(prompt, CONTENT_FIELDS)
    if prompt.weight != 1.0:
        document["weight"] = prompt.weight
    if prompt.sections:
        document["sections"] = [_dump_section(section) for section in prompt.sections]
    if settings is not None:
        document["settings"] = _dump_settings(settings)
    if not document:
        return "{}\n"
    return yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )


def dump_prompt_file(prompt: Prompt, path: str | Path, settings: Settings | None = None) -> None:
    """Write ``prompt`` (and ``settings``) as a prompt file at ``path`` (UTF-8)."""
    Path(path).write_text(prompt_to_yaml(prompt, settings), encoding="utf-8")


def _dump_settings(settings: Settings) -> dict[str, Any]:
    """The fields ``settings`` was given, in the model's order."""
    return settings.model_dump(include=settings.model_fields_set)


def _dump_section(section: Section) -> dict[str, Any]:
    dumped: dict[str, Any] = {"joiner": section.joiner}
    if section.weight != 1.0:
        dumped["weight"] = section.weight
    return {**dumped, **_dump_fields(section, SLOT_FIELDS)}


def _dump_fields(value: Prompt | Section, fields: tuple[str, ...]) -> dict[str, Any]:
    """Each of ``fields`` that holds items, as lists of entries."""
    dumped: dict[str, Any] = {}
    for field in fields:
        items: list[FileItem] = getattr(value, field)
        if items:
            dumped[field] = [_dump_item(field, item) for item in items]
    return dumped


def _dump_item(field: str, item: FileItem) -> Any:
    if isinstance(item, Tag):
        return _dump_tag(field, item)
    if isinstance(item, ExtraNetwork):
        return item.text
    if isinstance(item, Schedule):
        schedule: dict[str, Any] = {"kind": "schedule", "text": item.text}
        return schedule if item.weight == 1.0 else {**schedule, "weight": item.weight}
    if isinstance(item, Phrase):
        return {"kind": "phrase", "text": render_items([item], "a1111")}
    return {"kind": "break" if isinstance(item, Break) else "and"}


def _dump_tag(field: str, tag: Tag) -> Any:
    if _reads_back_as_is(field, tag.text):
        if tag.weight == 1.0:
            return tag.text
        if tag.text not in RESERVED_KEYS:
            return {tag.text: tag.weight}
    explicit: dict[str, Any] = {"text": tag.text}
    return explicit if tag.weight == 1.0 else {**explicit, "weight": tag.weight}


def _reads_back_as_is(field: str, text: str) -> bool:
    """Whether ``text`` written as a string in ``field`` reads back as the same tag (a
    slot's card treatment may change it: ``amazing`` in ``quality``)."""
    if field not in SLOT_FIELDS:
        return True
    try:
        return slot_string_tag(field, text).text == text
    except (CardValueError, ValueError):
        return False
