"""YAML prompt files: slots, negative, typed card entries, presets and alternatives.

A prompt file is a YAML mapping. Each slot of the card's order (``art_style``,
``character``, ... ``secondary_description``) and ``negative`` hold a list of entries:

* ``tag`` or ``{tag: weight}``: a tag. In three slots the short forms get the card's
  treatment: ``art_style`` adds ``by`` when missing, ``painting_style`` accepts only the
  card's 11 words (with a did-you-mean), ``quality`` accepts ``amazing`` for
  ``amazing quality`` and rejects near-misses of the six levels.
* ``{text: tag, weight: w}``: a tag exactly as written, with no card treatment.
* typed entries: ``{character: name, series:, gender:, form:, weight:, outfit: [...]}``
  (``character`` slot; the outfit goes to ``clothing``), ``{style: artist, weight:}``
  (``art_style``), ``{quality: level, weight:}`` (``quality``), ``{theme: name}``
  (``theme``).
* ``{kind: break}`` and ``{kind: schedule, text: "[a:b:10]"}``: A1111 control items.
* ``{choose: [option, ...], id: name}``: alternatives, for :mod:`aidxl_prompt.files.expand`.
  An option is an entry, a list of entries, or ``{option: ..., weight: w}`` where ``w``
  is how often it is drawn.

``networks`` lists extra-network tokens (``<lora:name:0.8>``). ``extends`` names one or
more presets (see :mod:`aidxl_prompt.files.presets`), merged in order before the file's own
entries; ``merge`` says, per slot, whether the file's entries are appended (the
default) or ``replace`` what the presets gave. ``description`` is free text.

Files are read with the safe YAML loader only, within limits (:mod:`._input`): at most
``max_bytes`` (:data:`MAX_INPUT_BYTES`, 4 MiB) of UTF-8, collections nested at most
:data:`MAX_YAML_DEPTH` (64) deep, no key written twice in one mapping. ``1e-9`` is a
number (YAML 1.2), and a tag's weight lies between -:data:`WEIGHT_LIMIT` and
:data:`WEIGHT_LIMIT` (1000, as for any tag). A bad file fails with a
:class:`PromptFileError` that names the file, the line (looked up in the YAML when it
has one), the field path and what was expected; a file too large or not UTF-8 fails with
:class:`~aidxl_prompt.errors.InputTooLargeError` or
:class:`~aidxl_prompt.errors.InputEncodingError`.

>>> text = '''
... art_style: [{yoneyama mai: 0.9}]
... character:
...   - {character: lucy, series: cyberpunk, outfit: [jacket]}
... quality: [{quality: amazing, weight: 1.5}]
... '''
>>> prompt = load_prompt_text(text)
>>> [(t.text, t.weight) for t in prompt.tags()]
[('by yoneyama mai', 0.9), ('lucy (cyberpunk)', 1.0), ('jacket', 1.0), ('amazing quality', 1.5)]
>>> load_prompt_text(prompt_to_yaml(prompt)) == prompt
True
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .._data import data_dir
from .._input import MAX_INPUT_BYTES, read_text_file
from ..card.forms import ArtStyle, Character, CharacterForm, Theme
from ..card.words import PaintingStyle, Quality
from ..errors import CardValueError, PromptFileError, PromptValueError, did_you_mean
from ..errors import _format_path as format_path
from ..model.items import And, Break, ExtraNetwork, Phrase, Schedule, Tag
from ..model.ordering import Slot
from ..model.parser import parse_items
from ..model.prompt import Prompt, Section
from ..model.render import render_items
from ..syntax.normalize import MAX_WEIGHT, normalize_tag
from ._yaml_input import MAX_YAML_DEPTH, load_yaml

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_YAML_DEPTH",
    "PRESETS_ENV_VAR",
    "WEIGHT_LIMIT",
    "ChoicePoint",
    "Contribution",
    "MergeMode",
    "Option",
    "PresetLibrary",
    "PromptFile",
    "PromptFileError",
    "dump_prompt_file",
    "load_prompt_file",
    "load_prompt_text",
    "parse_prompt_text",
    "prompt_file_schema",
    "prompt_to_yaml",
    "read_prompt_file",
]

PRESETS_ENV_VAR = "AIDXL_PROMPT_PRESETS"
"""Environment variable with user preset folders (``os.pathsep``-separated)."""

WEIGHT_LIMIT = int(MAX_WEIGHT)
"""The largest weight (in absolute value) a prompt file may give a tag: the one limit a
:class:`~aidxl_prompt.Tag` has. The card's weights stay near 1; far beyond, a weight is
a typo."""

_FROZEN = ConfigDict(frozen=True, extra="forbid")

SLOT_FIELDS: tuple[str, ...] = tuple(slot.value for slot in Slot)
TAG_FIELDS: tuple[str, ...] = (*SLOT_FIELDS, "negative")
CONTENT_FIELDS: tuple[str, ...] = (*TAG_FIELDS, "networks")
TOP_KEYS: tuple[str, ...] = (
    *CONTENT_FIELDS,
    "sections",
    "weight",
    "extends",
    "merge",
    "description",
)
SECTION_KEYS: tuple[str, ...] = ("joiner", "weight", *SLOT_FIELDS)

MergeMode = Literal["append", "replace"]
_MERGE_MODES: tuple[str, ...] = ("append", "replace")

# Typed entries: the key that marks them, the slot they belong to, their other keys.
_TYPED_SLOT = {
    "character": "character",
    "style": "art_style",
    "quality": "quality",
    "theme": "theme",
}
_TYPED_KEYS: Mapping[str, tuple[str, ...]] = {
    "character": ("character", "series", "gender", "form", "weight", "outfit"),
    "style": ("style", "weight"),
    "quality": ("quality", "weight"),
    "theme": ("theme", "weight"),
}
# Keys that make a mapping something other than ``{tag: weight}``. A tag spelled like one
# of them is written in the explicit form, ``{text: style, weight: 1.2}``.
RESERVED_KEYS: frozenset[str] = frozenset(
    {"text", "weight", "kind", "choose", "option", "id", *_TYPED_KEYS}
)

FileItem = Tag | Phrase | Break | And | Schedule | ExtraNetwork
_PathPart = str | int
_Path = tuple[_PathPart, ...]

_EXPECTED_ENTRY = (
    "expected a tag ('text' or {'text': weight}), {text: ..., weight: ...}, a typed entry "
    "(character, style, quality, theme), {kind: phrase|schedule|break} or {choose: [...]}"
)


# --- errors ------------------------------------------------------------------------------


class _InvalidEntryError(Exception):
    """Raised inside the parser; turned into a PromptFileError with the YAML line."""

    def __init__(self, path: _Path, problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


def _line_of(root: yaml.Node | None, path: _Path) -> int | None:
    """The 1-based line of the node at ``path`` under the YAML node ``root``."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _describe(value: Any) -> str:
    """How a YAML value reads in an error message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _value_problem(exc: PromptValueError) -> str:
    """The problem a model value reported, without its field's name."""
    detail = exc.detail or str(exc)
    for field in ("text: ", "weight: "):
        detail = detail.removeprefix(field)
    return detail


def _pydantic_problem(exc: ValidationError) -> tuple[_Path, str]:
    first = exc.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    return tuple(first["loc"]), message


# --- the parsed document -----------------------------------------------------------------


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
    choice point when it has any.
    """

    model_config = _FROZEN

    source: str = "<string>"
    description: str = ""
    extends: tuple[ExtendsEntry, ...] = ()
    body: tuple[Part, ...] = ()
    merge: tuple[tuple[str, MergeMode], ...] = ()
    library: PresetLibrary | None = None
    weight: float = 1.0
    sections: tuple[tuple[Literal["BREAK", "AND"], float], ...] = ()

    def choice_points(self) -> tuple[ChoicePoint, ...]:
        """The choice points in document order: ``extends`` first, then the slots."""
        points = [entry for entry in self.extends if isinstance(entry, ChoicePoint)]
        points += [part for part in self.body if isinstance(part, ChoicePoint)]
        return tuple(points)

    def resolve(self, picks: Mapping[str, int] | None = None) -> Prompt:
        """The Prompt this file describes, with ``picks[id]`` chosen at each choice point.

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
                {slot: fields.get(_section_field(index, slot), []) for slot in SLOT_FIELDS},
                joiner=joiner,
                weight=weight,
            )
            for index, (joiner, weight) in enumerate(self.sections)
        ]
        values = {field: fields.get(field, []) for field in CONTENT_FIELDS}
        return Prompt.from_valid(values, sections=sections, weight=self.weight)


# --- presets: where they are found ----------------------------------------------------


class PresetLibrary(BaseModel):
    """Where presets are looked up: user folders first, then the built-in ones.

    ``PresetLibrary.from_env(folders)`` takes the folders given, else those in
    ``$AIDXL_PROMPT_PRESETS``; the built-in presets (``data/tags/presets``) come last.
    A preset file over ``max_bytes`` is refused, as a prompt file is.

    >>> "default-negative" in PresetLibrary.from_env(()).names()
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    folders: tuple[Path, ...] = ()
    include_builtin: bool = True
    max_bytes: int = MAX_INPUT_BYTES

    @classmethod
    def from_env(
        cls, folders: Iterable[str | Path] | None = None, *, max_bytes: int = MAX_INPUT_BYTES
    ) -> PresetLibrary:
        """Folders from the argument, else from :data:`PRESETS_ENV_VAR`, then built-in."""
        if folders is None:
            configured = os.environ.get(PRESETS_ENV_VAR, "")
            folders = [part for part in configured.split(os.pathsep) if part]
        return cls(folders=tuple(Path(folder) for folder in folders), max_bytes=max_bytes)

    @staticmethod
    def builtin_folder() -> Path:
        """The built-in presets' folder."""
        return data_dir() / "presets"

    def search_path(self) -> tuple[Path, ...]:
        """The folders searched, in order."""
        builtin = (self.builtin_folder(),) if self.include_builtin else ()
        return (*self.folders, *builtin)

    def names(self) -> list[str]:
        """Every preset name, each once (a user preset hides a built-in of that name)."""
        return list(self.locations())

    def locations(self) -> dict[str, Path]:
        """Each preset name and the file it is read from, in search order."""
        found: dict[str, Path] = {}
        for folder in self.search_path():
            if not folder.is_dir():
                continue
            files = sorted(
                [*folder.rglob("*.yaml"), *folder.rglob("*.yml")],
                key=lambda path: path.relative_to(folder).as_posix(),
            )
            for path in files:
                name = path.relative_to(folder).with_suffix("").as_posix()
                found.setdefault(name, path)
        return found

    def find(self, name: str, relative_to: Path | None = None) -> Path:
        """The file of preset ``name``; a path ending in ``.yaml`` is read relative to
        ``relative_to`` (the folder of the file that names it)."""
        if name.endswith((".yaml", ".yml")):
            path = Path(name)
            if not path.is_absolute() and relative_to is not None:
                path = relative_to / path
            if not path.is_file():
                raise CardValueError(f"preset file {name!r} not found (looked for {path})")
            return path
        for folder in self.search_path():
            for suffix in (".yaml", ".yml"):
                candidate = folder / (name + suffix)
                if candidate.is_file():
                    return candidate
        known = self.names()
        raise CardValueError(
            f"unknown preset {name!r}{did_you_mean(name, known)} (known presets: "
            f"{', '.join(known) if known else 'none'})"
        )

    def load(self, name: str, relative_to: Path | None = None) -> PromptFile:
        """Preset ``name`` parsed (cached per file version); presets hold no ``choose``."""
        path = self.find(name, relative_to)
        stat = path.stat()
        return _load_preset_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, self)


PromptFile.model_rebuild()


@functools.cache
def _load_preset_cached(path: str, mtime_ns: int, size: int, library: PresetLibrary) -> PromptFile:
    del mtime_ns, size  # part of the cache key only: an edited file is read again
    document = read_prompt_file(path, library=library, max_bytes=library.max_bytes)
    if document.choice_points():
        point = document.choice_points()[0]
        raise PromptFileError(
            "a preset cannot hold alternatives (choose); put them in the prompt file",
            source=path,
            path=_parse_where(point.where),
        )
    return document


def _parse_where(where: str) -> _Path:
    """Undo :func:`format_path` for the simple paths choice points record."""
    parts: list[_PathPart] = []
    for chunk in where.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        parts.append(name)
        parts.extend(int(index) for index in indexes)
    return tuple(parts)


# --- parsing -----------------------------------------------------------------------------


def read_prompt_file(
    path: str | Path,
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> PromptFile:
    """Parse a prompt file without resolving its choices (see :func:`load_prompt_file`).

    A file over ``max_bytes`` is refused before it is read further.
    """
    path = Path(path)
    try:
        text = read_text_file(path, max_bytes=max_bytes)
    except OSError as exc:
        raise PromptFileError(
            f"cannot read file ({exc.strerror or exc})", source=str(path)
        ) from None
    return parse_prompt_text(
        text, source=str(path), library=library, base_dir=path.parent, max_bytes=max_bytes
    )


def parse_prompt_text(
    text: str,
    *,
    source: str = "<string>",
    library: PresetLibrary | None = None,
    base_dir: Path | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> PromptFile:
    """Parse prompt-file YAML given as text (``source`` names it in errors).

    >>> parse_prompt_text("quality: [best]\\nquality: [amazing]\\n")
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.PromptFileError: <string>:2: duplicate key 'quality' (first at line 1)
    """
    document = load_yaml(text, source=source, max_bytes=max_bytes)
    try:
        return _parse_document(document.value, source=source, library=library, base_dir=base_dir)
    except _InvalidEntryError as exc:
        line = _line_of(document.root, exc.path)
        raise PromptFileError(exc.problem, source=source, path=exc.path, line=line) from None


def load_prompt_file(
    path: str | Path,
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Prompt:
    """Read a prompt file and return its Prompt (presets merged in).

    A file with alternatives (``choose``) is expanded with
    :func:`aidxl_prompt.files.expand.expand` instead; here it is an error. A file over
    ``max_bytes`` is refused unread.
    """
    return _resolve_plain(read_prompt_file(path, library=library, max_bytes=max_bytes))


def load_prompt_text(
    text: str,
    *,
    source: str = "<string>",
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Prompt:
    """:func:`load_prompt_file` for YAML given as text.

    >>> load_prompt_text("painting_style: [impasta]")
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.PromptFileError: <string>:1: painting_style[0]: 'impasta' is not one of the card's painting styles; did you mean 'impasto'? (expected one of: flat color, clean color, celluloid, flat-pasto, thin-pasto, pseudo-impasto, impasto, realistic, photorealistic, cel shading, 3d)
    """  # noqa: E501 (the doctest shows the whole message)
    return _resolve_plain(
        parse_prompt_text(text, source=source, library=library, max_bytes=max_bytes)
    )


def _resolve_plain(document: PromptFile) -> Prompt:
    points = document.choice_points()
    if points:
        where = ", ".join(point.where for point in points)
        raise PromptFileError(
            f"the file holds alternatives (choose) at {where}; expand it with "
            "`aidxl-prompt expand` or aidxl_prompt.files.expand.expand()",
            source=document.source,
        )
    return document.resolve()


def _parse_document(
    raw: Any, *, source: str, library: PresetLibrary | None, base_dir: Path | None
) -> PromptFile:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _InvalidEntryError(
            (), f"expected a mapping of slot names to tag lists, got {_describe(raw)}"
        )
    for key in raw:
        if not isinstance(key, str) or key not in TOP_KEYS:
            hint = did_you_mean(str(key), TOP_KEYS)
            raise _InvalidEntryError(
                (str(key),),
                f"unknown field{hint} (expected a slot name, negative, networks, "
                "extends, merge or description)",
            )
    state = _ParseState(source=source, library=library, base_dir=base_dir)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise _InvalidEntryError(
            ("description",), f"expected a string, got {_describe(description)}"
        )
    extends = state.parse_extends(raw.get("extends"))
    merge = _parse_merge(raw.get("merge"))
    body: list[Part] = []
    for key, value in raw.items():
        if key in TAG_FIELDS:
            body.extend(state.parse_field(key, value))
        elif key == "networks":
            body.append(_parse_networks(value))
    sections = _parse_sections(raw.get("sections"), state, body)
    weight = _tag_weight(raw.get("weight"), ("weight",))
    return PromptFile(
        source=source,
        description=description,
        extends=tuple(extends),
        body=tuple(body),
        merge=merge,
        library=library,
        weight=weight,
        sections=tuple(sections),
    )


def _section_field(index: int, slot: str) -> str:
    """The field name a section's slot is collected under (``sections[1].quality``)."""
    return f"sections[{index}].{slot}"


def _parse_sections(
    value: Any, state: _ParseState, body: list[Part]
) -> list[tuple[Literal["BREAK", "AND"], float]]:
    """``sections:``: the parts after each BREAK or AND, each with its own slots."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _InvalidEntryError(
            ("sections",), f"expected a list of sections, got {_describe(value)}"
        )
    sections: list[tuple[Literal["BREAK", "AND"], float]] = []
    for index, section in enumerate(value):
        path: _Path = ("sections", index)
        if not isinstance(section, dict):
            raise _InvalidEntryError(
                path, f"expected a mapping with joiner and slots, got {_describe(section)}"
            )
        for key in section:
            if key not in SECTION_KEYS:
                hint = did_you_mean(str(key), SECTION_KEYS)
                raise _InvalidEntryError(
                    (*path, str(key)),
                    f"unknown key{hint} (a section has joiner, weight and slot names)",
                )
        joiner = section.get("joiner")
        if joiner not in ("BREAK", "AND"):
            raise _InvalidEntryError(
                (*path, "joiner"), f"expected BREAK or AND, got {_describe(joiner)}"
            )
        weight = _tag_weight(section.get("weight"), (*path, "weight"))
        if joiner == "BREAK" and weight != 1.0:
            raise _InvalidEntryError(
                (*path, "weight"),
                "a BREAK section continues its sub-prompt: only an AND section has a weight",
            )
        for key, slot_value in section.items():
            if key in SLOT_FIELDS:
                name = _section_field(index, key)
                for part in state.parse_field(key, slot_value):
                    body.append(_renamed(part, key, name))
        sections.append((joiner, weight))
    return sections


def _renamed(part: Part, field: str, name: str) -> Part:
    """A slot's part collected under a section's field name instead."""
    if isinstance(part, Contribution):
        return part.model_copy(update={"field": name}) if part.field == field else part
    options = tuple(
        option.model_copy(update={"parts": tuple(_renamed(p, field, name) for p in option.parts)})
        for option in part.options
    )
    return part.model_copy(update={"options": options})


def _parse_merge(value: Any) -> tuple[tuple[str, MergeMode], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise _InvalidEntryError(
            ("merge",),
            f"expected a mapping of field names to append or replace, got {_describe(value)}",
        )
    modes: list[tuple[str, MergeMode]] = []
    for key, mode in value.items():
        if key not in CONTENT_FIELDS:
            hint = did_you_mean(str(key), CONTENT_FIELDS)
            raise _InvalidEntryError(
                ("merge", str(key)),
                f"unknown field{hint} (expected a slot name, negative or networks)",
            )
        if mode not in _MERGE_MODES:
            raise _InvalidEntryError(
                ("merge", key), f"expected append or replace, got {_describe(mode)}"
            )
        modes.append((key, "replace" if mode == "replace" else "append"))
    return tuple(modes)


def _parse_networks(value: Any) -> Contribution:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _InvalidEntryError(
            ("networks",), f"expected a list of <kind:name:weight> tokens, got {_describe(value)}"
        )
    items: list[FileItem] = []
    for index, element in enumerate(value):
        if not isinstance(element, str):
            raise _InvalidEntryError(
                ("networks", index),
                f"expected a <kind:name:weight> token, got {_describe(element)}",
            )
        try:
            items.append(ExtraNetwork(text=element))
        except PromptValueError as exc:
            raise _InvalidEntryError(("networks", index), _value_problem(exc)) from None
    return Contribution(field="networks", items=tuple(items))


class _ParseState:
    """What the parser of one file needs: its name, preset library and choice ids."""

    def __init__(
        self, *, source: str, library: PresetLibrary | None, base_dir: Path | None
    ) -> None:
        self.source = source
        self.library = library
        self.base_dir = base_dir
        self.ids: dict[str, str] = {}

    # extends ---------------------------------------------------------------------

    def parse_extends(self, value: Any) -> list[ExtendsEntry]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise _InvalidEntryError(
                ("extends",), f"expected a preset name or a list of them, got {_describe(value)}"
            )
        entries: list[ExtendsEntry] = []
        for index, element in enumerate(value):
            path: _Path = ("extends", index)
            if isinstance(element, dict) and "choose" in element:
                entries.append(self.parse_choice(element, path, field=None))
            else:
                entries.append(self.preset_name(element, path))
        return entries

    def preset_name(self, value: Any, path: _Path) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _InvalidEntryError(path, f"expected a preset name, got {_describe(value)}")
        library = self.library or PresetLibrary.from_env()
        try:
            found = library.find(value, self.base_dir)
        except CardValueError as exc:
            raise _InvalidEntryError(path, str(exc)) from None
        return str(found.resolve())

    # slot lists ------------------------------------------------------------------

    def parse_field(self, field: str, value: Any) -> list[Part]:
        if value is None:
            return []
        single = isinstance(value, (str, dict))
        if single:
            value = [value]  # one entry written without the list brackets
        if not isinstance(value, list):
            raise _InvalidEntryError(
                (field,), f"expected a list of entries, got {_describe(value)}"
            )
        parts: list[Part] = []
        for index, element in enumerate(value):
            path: _Path = (field,) if single else (field, index)
            if isinstance(element, dict) and "choose" in element:
                parts.append(self.parse_choice(element, path, field=field))
            else:
                parts.extend(_entry_parts(element, field, path))
        return parts

    def parse_choice(self, value: dict[Any, Any], path: _Path, *, field: str | None) -> ChoicePoint:
        for key in value:
            if key not in ("choose", "id"):
                hint = did_you_mean(str(key), ("choose", "id"))
                raise _InvalidEntryError(
                    (*path, str(key)), f"unknown key{hint} (a choice has choose and id)"
                )
        where = format_path(path)
        choice_id = value.get("id", where)
        if not isinstance(choice_id, str) or not choice_id:
            raise _InvalidEntryError((*path, "id"), f"expected a name, got {_describe(choice_id)}")
        if choice_id in self.ids:
            raise _InvalidEntryError(
                (*path, "id"), f"choice id {choice_id!r} is already used at {self.ids[choice_id]}"
            )
        self.ids[choice_id] = where
        options = value["choose"]
        if not isinstance(options, list) or not options:
            raise _InvalidEntryError(
                (*path, "choose"), f"expected a non-empty list of options, got {_describe(options)}"
            )
        parsed = tuple(
            self.parse_option(option, (*path, "choose", index), field)
            for index, option in enumerate(options)
        )
        return ChoicePoint(id=choice_id, where=where, options=parsed)

    def parse_option(self, value: Any, path: _Path, field: str | None) -> Option:
        weight = 1.0
        body_path = path
        if isinstance(value, dict) and "option" in value:
            for key in value:
                if key not in ("option", "weight"):
                    hint = did_you_mean(str(key), ("option", "weight"))
                    raise _InvalidEntryError(
                        (*path, str(key)), f"unknown key{hint} (an option has option and weight)"
                    )
            weight = _draw_weight(value.get("weight", 1.0), (*path, "weight"))
            body_path = (*path, "option")
            value = value["option"]
        elements = value if isinstance(value, list) else [value]
        if not elements:
            raise _InvalidEntryError(body_path, "an option may not be empty")
        if field is None:  # a choice between presets
            names = [
                self.preset_name(name, (*body_path, i) if isinstance(value, list) else body_path)
                for i, name in enumerate(elements)
            ]
            label = ", ".join(str(name) for name in elements)
            return Option(label=label, weight=weight, presets=tuple(names))
        parts: list[Contribution] = []
        for index, element in enumerate(elements):
            element_path = (*body_path, index) if isinstance(value, list) else body_path
            if isinstance(element, dict) and "choose" in element:
                raise _InvalidEntryError(
                    element_path, "alternatives cannot be nested (choose inside choose)"
                )
            parts.extend(_entry_parts(element, field, element_path))
        label = ", ".join(str(item) for part in parts for item in part.items)
        return Option(label=label, weight=weight, parts=tuple(parts))


def _draw_weight(value: Any, path: _Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _InvalidEntryError(
            path, f"expected a positive number (how often to draw it), got {_describe(value)}"
        )
    # An integer too large for a float (10**400) is compared, never converted.
    if value <= 0 or value > sys.float_info.max or math.isnan(value):
        raise _InvalidEntryError(
            path,
            f"expected a positive number (how often to draw it), got {_show_number(value)}",
        )
    return float(value)


def _tag_weight(value: Any, path: _Path) -> float:
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _InvalidEntryError(path, f"expected a number for the weight, got {_describe(value)}")
    # Compared before any conversion: an integer of 400 digits does not fit a float, and
    # NaN fails every comparison.
    if not -WEIGHT_LIMIT <= value <= WEIGHT_LIMIT:
        raise _InvalidEntryError(
            path,
            f"expected a finite weight from -{WEIGHT_LIMIT} to {WEIGHT_LIMIT}, "
            f"got {_show_number(value)}",
        )
    return float(value)


def _show_number(value: float) -> str:
    """A number as an error message shows it; a long integer by its number of digits."""
    if isinstance(value, float):
        return repr(value)
    # YAML integers have at most 4300 digits (Python's limit for reading them).
    digits = len(str(abs(value)))
    return str(value) if digits <= 20 else f"an integer of {digits} digits"


def slot_string_tag(field: str, text: str, weight: float = 1.0) -> Tag:
    """The tag a short-form string stands for in ``field`` (the card's treatment).

    >>> slot_string_tag("art_style", "yoneyama mai", 0.9)
    Tag(text='by yoneyama mai', weight=0.9)
    >>> slot_string_tag("quality", "amazing").text
    'amazing quality'
    """
    if field == "art_style":
        return ArtStyle(artist=text, weight=weight).tag()
    if field == "painting_style":
        return PaintingStyle.parse(text).tag(weight)
    if field == "quality":
        return _quality_tag(text, weight)
    return Tag(text=text, weight=weight)


def _quality_tag(text: str, weight: float) -> Tag:
    key = normalize_tag(text)
    for level in Quality:
        if key in (level.value, level.name):
            return level.tag(weight)
    levels = [level.value for level in Quality]
    names = [level.name for level in Quality]
    if key.endswith(" quality") or did_you_mean(key, names):
        hint = did_you_mean(key, levels) or did_you_mean(key, names)
        if hint:
            raise CardValueError(
                f"{text!r} is not one of the card's quality levels{hint} "
                f"(expected one of: {', '.join(levels)}, or a tag of your own)"
            )
    return Tag(text=text, weight=weight)


def _entry_parts(value: Any, field: str, path: _Path) -> list[Contribution]:
    """The contributions of one (non-choice) entry of ``field``."""
    try:
        return _entry_parts_unchecked(value, field, path)
    except CardValueError as exc:
        raise _InvalidEntryError(path, str(exc)) from None
    except PromptValueError as exc:
        raise _InvalidEntryError(path, _value_problem(exc)) from None
    except ValidationError as exc:
        location, message = _pydantic_problem(exc)
        keys = tuple(part for part in location if isinstance(part, (str, int)))
        sub = keys if isinstance(value, dict) and keys and keys[0] in value else ()
        raise _InvalidEntryError((*path, *sub), message) from None


def _entry_parts_unchecked(value: Any, field: str, path: _Path) -> list[Contribution]:
    in_slot = field in SLOT_FIELDS
    if isinstance(value, str):
        tag = slot_string_tag(field, value) if in_slot else Tag(text=value)
        return [Contribution(field=field, items=(tag,))]
    if not isinstance(value, dict) or not value:
        raise _InvalidEntryError(path, f"{_EXPECTED_ENTRY}; got {_describe(value)}")
    typed = [key for key in _TYPED_KEYS if key in value]
    if typed:
        return _typed_parts(typed[0], value, field, path)
    if "kind" in value:
        return [Contribution(field=field, items=(_control_item(value, field, path),))]
    if "text" in value:
        for key in value:
            if key not in ("text", "weight"):
                hint = did_you_mean(str(key), ("text", "weight"))
                raise _InvalidEntryError(
                    (*path, str(key)), f"unknown key{hint} (a tag has text and weight)"
                )
        text = value["text"]
        if not isinstance(text, str):
            raise _InvalidEntryError(
                (*path, "text"), f"expected the tag's text, got {_describe(text)}"
            )
        weight = _tag_weight(value.get("weight"), (*path, "weight"))
        return [Contribution(field=field, items=(Tag(text=text, weight=weight),))]
    if len(value) != 1:
        raise _InvalidEntryError(path, f"{_EXPECTED_ENTRY}; got a mapping with {len(value)} keys")
    ((text, raw_weight),) = value.items()
    if not isinstance(text, str):
        raise _InvalidEntryError(
            path, f"expected {{tag: weight}} with the tag as text, got {_describe(text)}"
        )
    if text in RESERVED_KEYS:
        raise _InvalidEntryError(path, f"{text!r} on its own is not an entry; {_EXPECTED_ENTRY}")
    weight = _tag_weight(raw_weight, (*path, text))
    tag = slot_string_tag(field, text, weight) if in_slot else Tag(text=text, weight=weight)
    return [Contribution(field=field, items=(tag,))]


def _typed_parts(kind: str, value: dict[Any, Any], field: str, path: _Path) -> list[Contribution]:
    home = _TYPED_SLOT[kind]
    if field != home:
        raise _InvalidEntryError(
            path, f"a {kind!r} entry belongs in the {home!r} slot, not in {field!r}"
        )
    allowed = _TYPED_KEYS[kind]
    for key in value:
        if key not in allowed:
            hint = did_you_mean(str(key), allowed)
            raise _InvalidEntryError(
                (*path, str(key)), f"unknown key{hint} (a {kind} entry has {', '.join(allowed)})"
            )
    weight = _tag_weight(value.get("weight"), (*path, "weight"))
    name = value[kind]
    if not isinstance(name, str):
        raise _InvalidEntryError((*path, kind), f"expected a name, got {_describe(name)}")
    if kind == "style":
        return [Contribution(field=field, items=(ArtStyle(artist=name, weight=weight).tag(),))]
    if kind == "quality":
        return [Contribution(field=field, items=(Quality.parse(name).tag(weight),))]
    if kind == "theme":
        return [Contribution(field=field, items=(Theme(name=name, weight=weight).tag(),))]
    form = value.get("form", CharacterForm.tag.value)
    if form not in [f.value for f in CharacterForm]:
        forms = ", ".join(f.value for f in CharacterForm)
        raise _InvalidEntryError((*path, "form"), f"expected one of {forms}, got {_describe(form)}")
    outfit = value.get("outfit", [])
    if isinstance(outfit, (str, dict)):
        outfit = [outfit]
    if not isinstance(outfit, list):
        raise _InvalidEntryError(
            (*path, "outfit"), f"expected a list of clothing tags, got {_describe(outfit)}"
        )
    outfit_tags: list[Tag] = []
    for index, element in enumerate(outfit):
        for part in _entry_parts(element, "clothing", (*path, "outfit", index)):
            outfit_tags.extend(item for item in part.items if isinstance(item, Tag))
    for key in ("series", "gender"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise _InvalidEntryError(
                (*path, key), f"expected a string, got {_describe(value[key])}"
            )
    character = Character(
        name=name,
        series=value.get("series"),
        gender=value.get("gender"),
        form=CharacterForm(form),
        weight=weight,
        outfit=tuple(outfit_tags),
    )
    return [
        Contribution(field=slot.value, items=tags) for slot, tags in character.slot_items().items()
    ]


def _control_item(value: dict[Any, Any], field: str, path: _Path) -> FileItem:
    kind = value["kind"]
    if kind in ("break", "and"):
        if set(value) != {"kind"}:
            extra = sorted(str(key) for key in value if key != "kind")
            owner = "a break" if kind == "break" else "an and"
            raise _InvalidEntryError((*path, extra[0]), f"unknown key ({owner} has only kind)")
        if kind == "break" and field == "negative":
            return Break()
        raise _InvalidEntryError(
            path,
            f"{kind.upper()} divides the prompt into sections: write the units after it "
            f"under sections: [{{joiner: {kind.upper()}, <slot>: [...]}}]",
        )
    if kind not in ("schedule", "phrase"):
        raise _InvalidEntryError(
            (*path, "kind"), f"expected phrase, schedule or break, got {_describe(kind)}"
        )
    allowed = ("kind", "text", "weight") if kind == "schedule" else ("kind", "text")
    for key in value:
        if key not in allowed:
            raise _InvalidEntryError(
                (*path, str(key)), f"unknown key (a {kind} has {', '.join(allowed)})"
            )
    text = value.get("text")
    if not isinstance(text, str):
        raise _InvalidEntryError(
            (*path, "text"), f"expected the {kind}'s text, got {_describe(text)}"
        )
    if kind == "schedule":
        weight = _tag_weight(value.get("weight"), (*path, "weight"))
        return Schedule(text=text, weight=weight)
    return _phrase(text, (*path, "text"))


def _phrase(text: str, path: _Path) -> Tag | Phrase | Schedule:
    """One comma-separated unit written in A1111 syntax (``a (white:1.2) dress``)."""
    result = parse_items(text, "a1111")
    if result.repairs:
        raise _InvalidEntryError(path, f"{result.repairs[0].message} (in {text!r})")
    units = [item for item in result.items if isinstance(item, (Tag, Phrase, Schedule))]
    if len(units) != 1 or len(result.items) != 1:
        raise _InvalidEntryError(
            path, f"expected one comma-separated unit in A1111 syntax, got {text!r}"
        )
    return units[0]


# --- resolution --------------------------------------------------------------------------


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
        if isinstance(part, Contribution):
            fields.setdefault(part.field, []).extend(part.items)
            continue
        for contribution in _picked(document, part, picks).parts:
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


def _resolve_fields(
    document: PromptFile, picks: Mapping[str, int], applied: set[str], stack: tuple[str, ...]
) -> dict[str, list[FileItem]]:
    fields: dict[str, list[FileItem]] = {}
    for entry in document.extends:
        paths = (
            _picked(document, entry, picks).presets if isinstance(entry, ChoicePoint) else (entry,)
        )
        for path in paths:
            if path in stack or path == document.source:
                cycle = " -> ".join([*stack, document.source, path])
                raise PromptFileError(
                    f"presets extend each other in a cycle: {cycle}", source=document.source
                )
            if path in applied:
                continue  # a preset reached twice (a diamond) is applied once
            applied.add(path)
            library = document.library or PresetLibrary.from_env()
            preset = library.load(path)
            layer = _resolve_fields(preset, {}, applied, (*stack, document.source))
            fields = _merge(fields, layer, preset.merge)
    return _merge(fields, _collect(document, picks), document.merge)


# --- writing -------------------------------------------------------------------------


def _dump_item(field: str, item: FileItem) -> Any:
    if isinstance(item, Break):
        return {"kind": "break"}
    if isinstance(item, And):
        return {"kind": "and"}
    if isinstance(item, Phrase):
        return {"kind": "phrase", "text": render_items([item], "a1111")}
    if isinstance(item, Schedule):
        schedule: dict[str, Any] = {"kind": "schedule", "text": item.text}
        if item.weight != 1.0:
            schedule["weight"] = item.weight
        return schedule
    if isinstance(item, ExtraNetwork):
        return item.text
    short_form = field not in SLOT_FIELDS
    if not short_form:
        try:
            short_form = slot_string_tag(field, item.text).text == item.text
        except (CardValueError, ValueError):
            short_form = False
    if short_form and item.weight == 1.0:
        return item.text
    if short_form and item.text not in RESERVED_KEYS:
        return {item.text: item.weight}
    explicit: dict[str, Any] = {"text": item.text}
    if item.weight != 1.0:
        explicit["weight"] = item.weight
    return explicit


def prompt_to_yaml(prompt: Prompt) -> str:
    """A prompt file that :func:`load_prompt_text` reads back equal to ``prompt``.

    >>> print(prompt_to_yaml(Prompt(art_style=[("by ask", 0.9)], quality=["best quality"])), end="")
    art_style:
    - {by ask: 0.9}
    quality: [best quality]
    """
    document: dict[str, Any] = {}
    for field in CONTENT_FIELDS:
        items: list[FileItem] = getattr(prompt, field)
        if items:
            document[field] = [_dump_item(field, item) for item in items]
    if prompt.weight != 1.0:
        document["weight"] = prompt.weight
    if prompt.sections:
        document["sections"] = [_dump_section(section) for section in prompt.sections]
    if not document:
        return "{}\n"
    return yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )


def _dump_section(section: Section) -> dict[str, Any]:
    dumped: dict[str, Any] = {"joiner": section.joiner}
    if section.weight != 1.0:
        dumped["weight"] = section.weight
    for field in SLOT_FIELDS:
        items: list[FileItem] = getattr(section, field)
        if items:
            dumped[field] = [_dump_item(field, item) for item in items]
    return dumped


def dump_prompt_file(prompt: Prompt, path: str | Path) -> None:
    """Write ``prompt`` as a prompt file at ``path`` (UTF-8)."""
    Path(path).write_text(prompt_to_yaml(prompt), encoding="utf-8")


# --- JSON Schema -----------------------------------------------------------------------


def prompt_file_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the prompt-file format, for editors.

    >>> schema = prompt_file_schema()
    >>> schema["additionalProperties"], sorted(schema["properties"])[:3]
    (False, ['action', 'aesthetics', 'art_style'])
    """
    weight = {"type": "number", "description": "Emphasis; 1 is unweighted."}
    tag_text = {"type": "string", "minLength": 1, "pattern": "^[^,]*$"}
    explicit = {
        "type": "object",
        "description": "A tag exactly as written, with no card treatment.",
        "properties": {"text": tag_text, "weight": weight},
        "required": ["text"],
        "additionalProperties": False,
    }
    weighted = {
        "type": "object",
        "description": "{tag: weight}",
        "minProperties": 1,
        "maxProperties": 1,
        "propertyNames": {"not": {"enum": sorted(RESERVED_KEYS)}, "pattern": "^[^,]+$"},
        "additionalProperties": {"type": ["number", "null"]},
    }
    control = {
        "anyOf": [
            {
                "type": "object",
                "description": "BREAK (negative prompt only; use sections elsewhere)",
                "properties": {"kind": {"const": "break"}},
                "required": ["kind"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "description": "One comma-separated unit in A1111 syntax: a (white:1.2) dress",
                "properties": {
                    "kind": {"const": "phrase"},
                    "text": {"type": "string", "pattern": "^[^,]+$"},
                },
                "required": ["kind", "text"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {
                    "kind": {"const": "schedule"},
                    "text": {"type": "string", "pattern": r"^\[.+\]$"},
                    "weight": weight,
                },
                "required": ["kind", "text"],
                "additionalProperties": False,
            },
        ]
    }
    levels = [level.value for level in Quality] + [level.name for level in Quality]
    typed = {
        "character": {
            "type": "object",
            "properties": {
                "character": tag_text,
                "series": tag_text,
                "gender": {"enum": ["girl", "boy"]},
                "form": {"enum": [form.value for form in CharacterForm]},
                "weight": weight,
                "outfit": {"type": "array", "items": {"$ref": "#/$defs/tag"}},
            },
            "required": ["character"],
            "additionalProperties": False,
        },
        "style": {
            "type": "object",
            "properties": {"style": tag_text, "weight": weight},
            "required": ["style"],
            "additionalProperties": False,
        },
        "quality": {
            "type": "object",
            "properties": {"quality": {"enum": levels}, "weight": weight},
            "required": ["quality"],
            "additionalProperties": False,
        },
        "theme": {
            "type": "object",
            "properties": {"theme": tag_text, "weight": weight},
            "required": ["theme"],
            "additionalProperties": False,
        },
    }
    defs: dict[str, Any] = {
        "tag": {"anyOf": [tag_text, weighted, explicit]},
        "control": control,
        "painting_style": {
            "anyOf": [
                {"enum": [style.value for style in PaintingStyle]},
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "propertyNames": {"enum": [style.value for style in PaintingStyle]},
                    "additionalProperties": {"type": ["number", "null"]},
                },
                explicit,
            ]
        },
        **{f"typed_{kind}": body for kind, body in typed.items()},
    }
    properties: dict[str, Any] = {
        "description": {"type": "string"},
        "extends": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "anyOf": [
                            {"type": "string"},
                            _choice_schema(
                                {
                                    "anyOf": [
                                        {"type": "string"},
                                        {"type": "array", "items": {"type": "string"}},
                                    ]
                                }
                            ),
                        ]
                    },
                },
            ]
        },
        "merge": {
            "type": "object",
            "propertyNames": {"enum": list(CONTENT_FIELDS)},
            "additionalProperties": {"enum": list(_MERGE_MODES)},
        },
        "networks": {
            "type": "array",
            "items": {"type": "string", "pattern": r"^<\w+:[^>]+>$"},
        },
    }
    for field in TAG_FIELDS:
        kinds = [{"$ref": "#/$defs/painting_style" if field == "painting_style" else "#/$defs/tag"}]
        kinds.append({"$ref": "#/$defs/control"})
        kinds += [
            {"$ref": f"#/$defs/typed_{kind}"} for kind, home in _TYPED_SLOT.items() if home == field
        ]
        entry = {"anyOf": kinds}
        option_body = {"anyOf": [entry, {"type": "array", "items": entry, "minItems": 1}]}
        item = {"anyOf": [*kinds, _choice_schema(option_body)]}
        properties[field] = {"type": "array", "items": item}
    properties["weight"] = {**weight, "description": "The first sub-prompt's A1111 weight."}
    properties["sections"] = {
        "type": "array",
        "description": "The parts after each BREAK or AND, each with its own slots.",
        "items": {
            "type": "object",
            "properties": {
                "joiner": {"enum": ["BREAK", "AND"]},
                "weight": {**weight, "description": "An AND section's sub-prompt weight."},
                **{field: properties[field] for field in SLOT_FIELDS},
            },
            "required": ["joiner"],
            "additionalProperties": False,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://aidxl-prompt.invalid/prompt-file.schema.json",
        "title": "aidxl-prompt prompt file",
        "description": "A prompt for AIDXL in the model card's slots; see docs/prompt_files.md.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def _choice_schema(option_body: dict[str, Any]) -> dict[str, Any]:
    weighted_option = {
        "type": "object",
        "properties": {"option": option_body, "weight": {"type": "number", "exclusiveMinimum": 0}},
        "required": ["option"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "Alternatives: one option is picked per variation.",
        "properties": {
            "choose": {
                "type": "array",
                "minItems": 1,
                "items": {"anyOf": [weighted_option, option_body]},
            },
            "id": {"type": "string", "minLength": 1},
        },
        "required": ["choose"],
        "additionalProperties": False,
    }
