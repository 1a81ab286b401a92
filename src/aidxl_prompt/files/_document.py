"""A parsed prompt file: what it extends, its entries and choices, and how it resolves.

:class:`PromptFile` is what the reader makes of a file, before its choices are picked
and its presets merged in; :meth:`PromptFile.resolve` does both and gives the
:class:`~aidxl_prompt.Prompt`. The presets are read through the library the file was
read with (:class:`PresetSource`, which :class:`~aidxl_prompt.files.presets.PresetLibrary`
is).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..card.settings import Settings
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
    """A parsed prompt (or preset) file: what it extends, its entries, its merge modes,
    its ``settings:`` block (``None`` when it has none).

    :meth:`resolve` turns it into a :class:`~aidxl_prompt.Prompt`, given a pick for each
    choice point when it has any; :meth:`resolve_settings` gives its settings with its
    presets' merged in. ``library`` is where its presets are read from (the reader sets
    it; a file that extends nothing needs none).
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
    settings: Settings | None = None

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

    def resolve_settings(self, picks: Mapping[str, int] | None = None) -> Settings | None:
        """The settings of this file merged over its presets' (in ``extends`` order,
        each preset's own presets first): a key written later wins, field by field, and
        a ``preset:`` counts as writing that preset's fields. ``None`` when neither the
        file nor any of its presets has a ``settings:`` block; ``picks`` as for
        :meth:`resolve` (only choices in ``extends`` matter here).

        >>> from aidxl_prompt.files.prompt_file import parse_prompt_text
        >>> document = parse_prompt_text("settings: {preset: euler_a, seed: 7}")
        >>> settings = document.resolve_settings()
        >>> settings.sampler, settings.seed, settings.steps
        ('Euler a', 7, 28)
        """
        written = _settings_fields(self, picks or {}, set(), ())
        return None if written is None else Settings(**written)


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


def _presets(
    document: PromptFile, picks: Mapping[str, int], applied: set[str], stack: tuple[str, ...]
) -> Iterator[tuple[PromptFile, tuple[str, ...]]]:
    """Each preset ``document`` extends that is not applied yet, read, with the stack
    to resolve it under; a cycle is an error."""
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
        yield document.library.read(path), (*stack, document.source)


def _resolve_fields(
    document: PromptFile, picks: Mapping[str, int], applied: set[str], stack: tuple[str, ...]
) -> dict[str, list[FileItem]]:
    fields: dict[str, list[FileItem]] = {}
    for preset, inner in _presets(document, picks, applied, stack):
        layer = _resolve_fields(preset, {}, applied, inner)
        fields = _merge(fields, layer, preset.merge)
    return _merge(fields, _collect(document, picks), document.merge)


def _settings_fields(
    document: PromptFile, picks: Mapping[str, int], applied: set[str], stack: tuple[str, ...]
) -> dict[str, Any] | None:
    """The settings fields written in ``document`` and its presets, the later winning;
    ``None`` when none of them has a ``settings:`` block."""
    written: dict[str, Any] | None = None
    for preset, inner in _presets(document, picks, applied, stack):
        layer = _settings_fields(preset, {}, applied, inner)
        if layer is not None:
            written = {**(written or {}), **layer}
    own = document.settings
    if own is not None:
        # The fields set are those the block wrote (a preset's fields included): a
        # default the file did not write must not hide a preset's value.
        written = {**(written or {}), **own.model_dump(include=own.model_fields_set)}
    return written
