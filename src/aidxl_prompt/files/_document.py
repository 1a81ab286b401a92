"""A parsed prompt file: what it extends, its entries and choices, and how it resolves.

:class:`PromptFile` is what the reader makes of a file, before its choices are picked
and its presets merged in; :meth:`PromptFile.resolve` does both and gives the
:class:`~aidxl_prompt.Prompt`. The presets are read through the library the file was
read with (:class:`PresetSource`, which :class:`~aidxl_prompt.files.presets.PresetLibrary`
is).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..errors import PromptFileError
from ..model.items import And, Break, ExtraNetwork, Phrase, Schedule, Tag
from ..model.prompt import Prompt, Section
from ._format import CONTENT_FIELDS, SLOT_FIELDS, MergeMode

__all__ = [
    "ChoicePoint",
    "Contribution",
    "ExtendsEntry",
    "FileItem",
    "Option",
    "Part",
    "PresetSource",
    "PromptFile",
    "section_field",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

FileItem = Tag | Phrase | Break | And | Schedule | ExtraNetwork


class PresetSource(abc.ABC):
    """What a prompt file needs of a preset library: find a preset, and read one.

    :class:`~aidxl_prompt.files.presets.PresetLibrary` is the one there is; it lives
    above the reader (it reads presets with it), so a document knows it by this base.
    """

    @abc.abstractmethod
    def find(self, name: str, relative_to: Path | None = None) -> Path:
        """The file of preset ``name``."""

    @abc.abstractmethod
    def read(self, name: str, relative_to: Path | None = None) -> PromptFile:
        """Preset ``name``, parsed."""


class Contribution(BaseModel):
    """Items an entry adds to one field (a slot, ``negative`` or ``networks``)."""

    model_config = _FROZEN

    field: str
    items: tuple[FileItem, ...]


class Option(BaseModel):
    """One alternative of a :class:`ChoicePoint`.

    ``weight`` is how often it is drawn in random mode; ``parts`` are what it adds to
    the prompt, or ``presets`` the presets it extends (for a choice in ``extends``).
    """

    model_config = _FROZEN

    label: str
    weight: float = 1.0
    parts: tuple[Contribution, ...] = ()
    presets: tuple[str, ...] = ()


class ChoicePoint(BaseModel):
    """A ``choose`` entry: one of several options is picked for each variation."""

    model_config = _FROZEN

    id: str
    where: str
    options: tuple[Option, ...]


Part = Contribution | ChoicePoint
ExtendsEntry = str | ChoicePoint


class PromptFile(BaseModel):
    """A parsed prompt (or preset) file: what it extends, its entries, its merge modes.

    :meth:`resolve` turns it into a :class:`~aidxl_prompt.Prompt`, given a pick for each
    choice point when it has any. ``library`` is where its presets are read from (the
    reader sets it; a file that extends nothing needs none).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    source: str = "<string>"
    description: str = ""
    extends: tuple[ExtendsEntry, ...] = ()
    body: tuple[Part, ...] = ()
    merge: tuple[tuple[str, MergeMode], ...] = ()
    library: PresetSource | None = None
    weight: float = 1.0
    sections: tuple[tuple[Literal["BREAK", "AND"], float], ...] = ()

    def choice_points(self) -> tuple[ChoicePoint, ...]:
        """The choice points in document order: ``extends`` first, then the slots."""
        points = [entry for entry in self.extends if isinstance(entry, ChoicePoint)]
        points += [part for part in self.body if isinstance(part, ChoicePoint)]
        return tuple(points)

    def resolve(self, picks: Mapping[str, int] | None = None) -> Prompt:
        """The Prompt this file describes, with ``picks[id]`` chosen at each choice point.

        >>> from aidxl_prompt.files.prompt_file import parse_prompt_text
        >>> document = parse_prompt_text("expression: [{choose: [smile, frown], id: face}]")
        >>> [tag.text for tag in document.resolve({"face": 1}).tags()]
        ['frown']
        """
        fields = _resolve_fields(self, picks or {}, set(), ())
        # Every item is already validated and placed in its own field by the parser, so
        # the items are not coerced again: this is what keeps expanding large batches
        # cheap. The slots are still checked lists afterwards.
        sections = [
            Section.from_valid(
                {slot: fields.get(section_field(index, slot), []) for slot in SLOT_FIELDS},
                joiner=joiner,
                weight=weight,
            )
            for index, (joiner, weight) in enumerate(self.sections)
        ]
        values = {field: fields.get(field, []) for field in CONTENT_FIELDS}
        return Prompt.from_valid(values, sections=sections, weight=self.weight)


def section_field(index: int, slot: str) -> str:
    """The field name a section's slot is collected under (``sections[1].quality``)."""
    return f"sections[{index}].{slot}"


def _merge(
    base: dict[str, list[FileItem]],
    layer: Mapping[str, list[FileItem]],
    modes: Iterable[tuple[str, MergeMode]],
) -> dict[str, list[FileItem]]:
    merged = {field: list(items) for field, items in base.items()}
    for field, mode in modes:
        if mode == "replace":
            merged[field] = []
    for field, items in layer.items():
        merged.setdefault(field, []).extend(items)
    return merged


def _collect(document: PromptFile, picks: Mapping[str, int]) -> dict[str, list[FileItem]]:
    fields: dict[str, list[FileItem]] = {}
    for part in document.body:
        chosen = _picked(document, part, picks).parts if isinstance(part, ChoicePoint) else (part,)
        for contribution in chosen:
            fields.setdefault(contribution.field, []).extend(contribution.items)
    return fields


def _picked(document: PromptFile, point: ChoicePoint, picks: Mapping[str, int]) -> Option:
    if point.id not in picks:
        raise PromptFileError(
            f"no pick for the choice {point.id!r} (at {point.where})", source=document.source
        )
    index = picks[point.id]
    if not 0 <= index < len(point.options):
        raise PromptFileError(
            f"pick {index} for the choice {point.id!r} is out of range "
            f"(it has {len(point.options)} options)",
            source=document.source,
        )
    return point.options[index]


def _preset_paths(document: PromptFile, picks: Mapping[str, int]) -> list[str]:
    """The presets ``document`` extends, in order, with its choices picked."""
    paths: list[str] = []
    for entry in document.extends:
        if isinstance(entry, ChoicePoint):
            paths.extend(_picked(document, entry, picks).presets)
        else:
            paths.append(entry)
    return paths


def _resolve_fields(
    document: PromptFile, picks: Mapping[str, int], applied: set[str], stack: tuple[str, ...]
) -> dict[str, list[FileItem]]:
    fields: dict[str, list[FileItem]] = {}
    for path in _preset_paths(document, picks):
        if path in stack or path == document.source:
            cycle = " -> ".join([*stack, document.source, path])
            raise PromptFileError(
                f"presets extend each other in a cycle: {cycle}", source=document.source
            )
        if path in applied:
            continue  # a preset reached twice (a diamond) is applied once
        applied.add(path)
        if document.library is None:
            raise PromptFileError(
                f"extends {path!r}, but the file was given no preset library",
                source=document.source,
            )
        preset = document.library.read(path)
        layer = _resolve_fields(preset, {}, applied, (*stack, document.source))
        fields = _merge(fields, layer, preset.merge)
    return _merge(fields, _collect(document, picks), document.merge)
