"""Reading a prompt file's YAML into a :class:`~._document.PromptFile`.

The YAML is read within limits (:mod:`._yaml_input`); then each field is read in turn,
each entry by :mod:`._entries`, every mapping's keys checked against :mod:`._format`.
A problem becomes a :class:`~aidxl_prompt.errors.PromptFileError` naming the source,
the line (looked up in the YAML) and the field path. Preset names in ``extends`` are
looked up in the library given (they must exist), but presets are read only when the
file is resolved.

>>> from aidxl_prompt.files.presets import PresetLibrary
>>> document = parse_document("race: [elf]", source="x.yaml", library=PresetLibrary())
>>> document.body
(Contribution(field='race', items=(Tag(text='elf', weight=1.0),)),)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml

from .._input import MAX_INPUT_BYTES, read_text_file
from ..card.settings import Settings, SettingsError
from ..errors import PromptFileError, PromptValueError
from ..errors import _format_path as format_path
from ..model.items import ExtraNetwork
from ._document import (
    ChoicePoint,
    Contribution,
    ExtendsEntry,
    FileItem,
    Option,
    Part,
    PresetSource,
    PromptFile,
    section_field,
)
from ._entries import draw_weight, entry_parts, tag_weight, value_problem
from ._format import (
    CHOICE,
    DOCUMENT,
    MERGE,
    MERGE_MODES,
    OPTION,
    SECTION,
    SETTINGS,
    SLOT_FIELDS,
    TAG_FIELDS,
    MergeMode,
)
from ._problems import EntryPath, EntryProblem, as_list, describe
from ._yaml_input import load_yaml

__all__ = ["key_span", "parse_document", "read_document"]

Joiner = Literal["BREAK", "AND"]


def parse_document(
    text: str,
    *,
    source: str,
    library: PresetSource,
    base_dir: Path | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> PromptFile:
    """Parse prompt-file YAML; ``source`` names it in errors, ``base_dir`` is where a
    preset named by a relative ``.yaml`` path is looked for."""
    document = load_yaml(text, source=source, max_bytes=max_bytes)
    try:
        return _Reader(source=source, library=library, base_dir=base_dir).document(document.value)
    except EntryProblem as exc:
        line = _line_of(document.root, exc.path)
        raise PromptFileError(exc.problem, source=source, path=exc.path, line=line) from None


def read_document(
    path: str | Path, *, library: PresetSource, max_bytes: int = MAX_INPUT_BYTES
) -> PromptFile:
    """Parse the prompt file at ``path`` (refused unread when over ``max_bytes``)."""
    path = Path(path)
    try:
        text = read_text_file(path, max_bytes=max_bytes)
    except OSError as exc:
        raise PromptFileError(
            f"cannot read file ({exc.strerror or exc})", source=str(path)
        ) from None
    return parse_document(
        text, source=str(path), library=library, base_dir=path.parent, max_bytes=max_bytes
    )


def key_span(
    text: str, paths: Iterable[EntryPath], *, source: str = "<string>"
) -> tuple[int, int] | None:
    """Where the first of ``paths`` that ``text`` has is written: from its key to the end
    of its value when the value is a scalar (``width: 1000``), else its key alone
    (``settings:``); ``None`` when none of them is there.

    >>> text = "race: [elf]\\nsettings:\\n  width: 1000\\n"
    >>> start, end = key_span(text, [("settings", "height"), ("settings", "width")])
    >>> text[start:end]
    'width: 1000'
    """
    root = load_yaml(text, source=source).root
    for path in paths:
        if not path:
            continue
        parent = _node_at(root, path[:-1])
        if not isinstance(parent, yaml.MappingNode):
            continue
        for key, value in parent.value:
            if isinstance(key, yaml.ScalarNode) and key.value == path[-1]:
                last = value if isinstance(value, yaml.ScalarNode) else key
                return key.start_mark.index, last.end_mark.index
    return None


def _node_at(root: yaml.Node | None, path: EntryPath) -> yaml.Node | None:
    node = root
    for part in path:
        node = _child(node, part)
    return node


def _line_of(root: yaml.Node | None, path: EntryPath) -> int | None:
    """The 1-based line of the node at ``path`` under the YAML node ``root`` (or of the
    deepest node on the way that exists)."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in path:
        child = _child(node, part)
        if child is None:
            return line
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return value  # type: ignore[no-any-return]
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part >= 0:
        return node.value[part] if part < len(node.value) else None
    return None


class _Reader:
    """What reading one file needs: its name, its preset library and the choice ids."""

    def __init__(self, *, source: str, library: PresetSource, base_dir: Path | None) -> None:
        self.source = source
        self.library = library
        self.base_dir = base_dir
        self.ids: dict[str, str] = {}

    def document(self, raw: Any) -> PromptFile:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise EntryProblem(
                (), f"expected a mapping of slot names to tag lists, got {describe(raw)}"
            )
        DOCUMENT.check(raw, ())
        description = raw.get("description", "")
        if not isinstance(description, str):
            raise EntryProblem(("description",), f"expected a string, got {describe(description)}")
        extends = self.extends(raw.get("extends"))
        merge = _merge_modes(raw.get("merge"))
        body: list[Part] = []
        for key, value in raw.items():
            if key in TAG_FIELDS:
                body.extend(self.field(key, value))
            elif key == "networks":
                body.append(_networks(value))
        sections = self.sections(raw.get("sections"), body)
        return PromptFile(
            source=self.source,
            description=description,
            extends=tuple(extends),
            body=tuple(body),
            merge=merge,
            library=self.library,
            weight=tag_weight(raw.get("weight"), ("weight",)),
            sections=tuple(sections),
            settings=_settings(raw.get("settings")),
        )

    # sections ------------------------------------------------------------------------

    def sections(self, value: Any, body: list[Part]) -> list[tuple[Joiner, float]]:
        """``sections:``: the parts after each BREAK or AND, each with its own slots;
        their parts are added to ``body`` under the sections' field names."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise EntryProblem(("sections",), f"expected a list of sections, got {describe(value)}")
        return [self.section(section, index, body) for index, section in enumerate(value)]

    def section(self, value: Any, index: int, body: list[Part]) -> tuple[Joiner, float]:
        path: EntryPath = ("sections", index)
        if not isinstance(value, dict):
            raise EntryProblem(
                path, f"expected a mapping with joiner and slots, got {describe(value)}"
            )
        SECTION.check(value, path)
        joiner = value.get("joiner")
        if joiner not in ("BREAK", "AND"):
            raise EntryProblem((*path, "joiner"), f"expected BREAK or AND, got {describe(joiner)}")
        weight = tag_weight(value.get("weight"), (*path, "weight"))
        if joiner == "BREAK" and weight != 1.0:
            raise EntryProblem(
                (*path, "weight"),
                "a BREAK section continues its sub-prompt: only an AND section has a weight",
            )
        for key, slot_value in value.items():
            if key in SLOT_FIELDS:
                name = section_field(index, key)
                body.extend(_renamed(part, key, name) for part in self.field(key, slot_value))
        return ("BREAK" if joiner == "BREAK" else "AND"), weight

    # extends -------------------------------------------------------------------------

    def extends(self, value: Any) -> list[ExtendsEntry]:
        if value is None:
            return []
        value = as_list(value, ("extends",), "a preset name or a list of them")
        entries: list[ExtendsEntry] = []
        for index, element in enumerate(value):
            path: EntryPath = ("extends", index)
            if isinstance(element, dict) and "choose" in element:
                entries.append(self.choice(element, path, field=None))
            else:
                entries.append(self.preset_name(element, path))
        return entries

    def preset_name(self, value: Any, path: EntryPath) -> str:
        """The file a preset name stands for (it must exist), as an absolute path."""
        if not isinstance(value, str) or not value.strip():
            raise EntryProblem(path, f"expected a preset name, got {describe(value)}")
        try:
            found = self.library.find(value, self.base_dir)
        except PromptFileError as exc:
            raise EntryProblem(path, exc.problem) from None
        return str(found.resolve())

    # slot lists and choices ----------------------------------------------------------

    def field(self, field: str, value: Any) -> list[Part]:
        """The parts of a slot (or ``negative``): its entries and choices."""
        if value is None:
            return []
        single = isinstance(value, (str, dict))  # one entry without the list brackets
        value = as_list(value, (field,), "a list of entries", single=(str, dict))
        parts: list[Part] = []
        for index, element in enumerate(value):
            path: EntryPath = (field,) if single else (field, index)
            if isinstance(element, dict) and "choose" in element:
                parts.append(self.choice(element, path, field=field))
            else:
                parts.extend(entry_parts(element, field, path))
        return parts

    def choice(self, value: dict[Any, Any], path: EntryPath, *, field: str | None) -> ChoicePoint:
        """A ``choose`` entry in ``field`` (``None``: in ``extends``, between presets)."""
        CHOICE.check(value, path)
        where = format_path(path)
        choice_id = value.get("id", where)
        if not isinstance(choice_id, str) or not choice_id:
            raise EntryProblem((*path, "id"), f"expected a name, got {describe(choice_id)}")
        if choice_id in self.ids:
            raise EntryProblem(
                (*path, "id"), f"choice id {choice_id!r} is already used at {self.ids[choice_id]}"
            )
        self.ids[choice_id] = where
        options = value["choose"]
        if not isinstance(options, list) or not options:
            raise EntryProblem(
                (*path, "choose"), f"expected a non-empty list of options, got {describe(options)}"
            )
        parsed = tuple(
            self.option(option, (*path, "choose", index), field)
            for index, option in enumerate(options)
        )
        return ChoicePoint(id=choice_id, where=where, options=parsed)

    def option(self, value: Any, path: EntryPath, field: str | None) -> Option:
        weight = 1.0
        if isinstance(value, dict) and "option" in value:
            OPTION.check(value, path)
            weight = draw_weight(value.get("weight", 1.0), (*path, "weight"))
            path = (*path, "option")
            value = value["option"]
        # An option is one entry, or a list of them (each at its own index).
        elements = value if isinstance(value, list) else [value]
        paths = [(*path, index) for index in range(len(elements))] if elements is value else [path]
        if not elements:
            raise EntryProblem(path, "an option may not be empty")
        if field is None:  # a choice between presets
            names = [self.preset_name(name, at) for name, at in zip(elements, paths, strict=True)]
            label = ", ".join(str(name) for name in elements)
            return Option(label=label, weight=weight, presets=tuple(names))
        parts: list[Contribution] = []
        for element, at in zip(elements, paths, strict=True):
            if isinstance(element, dict) and "choose" in element:
                raise EntryProblem(at, "alternatives cannot be nested (choose inside choose)")
            parts.extend(entry_parts(element, field, at))
        label = ", ".join(str(item) for part in parts for item in part.items)
        return Option(label=label, weight=weight, parts=tuple(parts))


def _renamed(part: Part, field: str, name: str) -> Part:
    """A slot's part collected under a section's field name instead."""
    if isinstance(part, Contribution):
        return part.model_copy(update={"field": name}) if part.field == field else part
    options = tuple(
        option.model_copy(update={"parts": tuple(_renamed(p, field, name) for p in option.parts)})
        for option in part.options
    )
    return part.model_copy(update={"options": options})


def _merge_modes(value: Any) -> tuple[tuple[str, MergeMode], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise EntryProblem(
            ("merge",),
            f"expected a mapping of field names to append or replace, got {describe(value)}",
        )
    modes: list[tuple[str, MergeMode]] = []
    for key, mode in value.items():
        MERGE.check({key: mode}, ("merge",))
        if mode not in MERGE_MODES:
            raise EntryProblem(("merge", key), f"expected append or replace, got {describe(mode)}")
        modes.append((key, "replace" if mode == "replace" else "append"))
    return tuple(modes)


def _settings(value: Any) -> Settings | None:
    """``settings:``: the card's generation settings (see :class:`Settings`)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EntryProblem(("settings",), f"expected a mapping of settings, got {describe(value)}")
    SETTINGS.check(value, ("settings",))
    cfg_scale = value.get("cfg_scale")
    # Settings (in pydantic's lax mode) would read "7" or true as a number; a prompt file
    # is as strict as its schema.
    if "cfg_scale" in value and (
        isinstance(cfg_scale, bool) or not isinstance(cfg_scale, (int, float))
    ):
        raise EntryProblem(
            ("settings", "cfg_scale"), f"expected a number, got {describe(cfg_scale)}"
        )
    try:
        return Settings.from_mapping(value)
    except SettingsError as exc:
        raise EntryProblem(("settings", exc.field), exc.problem) from None


def _networks(value: Any) -> Contribution:
    value = as_list(value, ("networks",), "a list of <kind:name:weight> tokens")
    items: list[FileItem] = []
    for index, element in enumerate(value):
        if not isinstance(element, str):
            raise EntryProblem(
                ("networks", index),
                f"expected a <kind:name:weight> token, got {describe(element)}",
            )
        try:
            items.append(ExtraNetwork(text=element))
        except PromptValueError as exc:
            raise EntryProblem(("networks", index), value_problem(exc)) from None
    return Contribution(field="networks", items=tuple(items))
