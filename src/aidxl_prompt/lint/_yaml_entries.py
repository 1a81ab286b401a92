"""Where the prompt entries of a YAML prompt file are written: the walk over its nodes.

Each entry the linter reads is an :class:`Entry`: the text to lint (in A1111 syntax),
where that text is written in the YAML file (from the node marks of the YAML reader),
and the codes that do not apply to it (the card's treatment of the short forms in a
slot answers them already).

>>> text = "expression:\\n  - smile\\n  - {kind: phrase, text: '(happy:1)'}\\n"
>>> [(e.text, e.start, text[e.node[0] : e.node[1]]) for e in yaml_entries(text).parts[0][0]]
[('smile', 16, 'smile'), ('(happy:1)', 48, "'(happy:1)'")]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import yaml

from ..card.words import Quality
from ..files._yaml_input import load_yaml
from ..files.prompt_file import SLOT_FIELDS, slot_string_tag
from ..model.items import Tag
from ..syntax.normalize import normalize_tag

__all__ = ["Entry", "FileEntries", "Scalar", "Weighed", "yaml_entries"]

_STR = "tag:yaml.org,2002:str"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_TYPED = ("character", "style", "quality", "theme")
# The short forms of these slots get the card's treatment when the file is read
# (art_style adds 'by'; painting_style accepts only the card's words, with a
# did-you-mean), so the rules that say the same are left out for them. (The quality
# slot refuses only near misses of the card's levels and keeps a tag of the writer's
# own, such as 'masterpiece', which AP304 then reports.)
_TREATED: dict[str, frozenset[str]] = {
    "art_style": frozenset({"AP206"}),
    "painting_style": frozenset({"AP303"}),
}
# A tag written with its weight beside it ({tag: 1.5}) has the weight the text lacks.
_WEIGHED = frozenset({"AP504"})

# libyaml leaves a leading byte-order mark out of its marks' offsets and PyYAML's reader
# counts it: the file is read without it, and every place moved one character on.
_BOM = "\ufeff"
# A node and whether the collection it is written in is a flow one ([a, b], {a: 1}):
# plain scalars there may not hold ',', '[', ']', '{' or '}'.
_InFlow = tuple[yaml.Node, bool]


class Scalar(NamedTuple):
    """How an entry's YAML scalar is written: its ``value``, its ``style`` (``""``
    plain, ``"'"``, ``'"'``, ``"|"`` or ``">"``), whether it sits in a ``flow``
    collection (``[a, b]``, ``{a: 1}``), and whether the value is a ``literal`` tag
    (the entry's text is then its A1111 escape) rather than A1111 text."""

    value: str
    style: str
    flow: bool
    literal: bool


class Weighed(NamedTuple):
    """A weight written beside an entry's text: its ``value`` and the ``node`` span of
    its YAML scalar."""

    value: float
    node: tuple[int, int]


class Entry(NamedTuple):
    """One entry: ``text`` to lint, where it starts verbatim in the file (``None`` when
    the file writes it otherwise: quoted with escapes, folded, or escaped for A1111),
    the ``node`` span of its YAML scalar, the ``skip`` codes that do not apply, how
    the ``scalar`` is written (for a fix, which re-writes it), and the ``weight`` the
    file gives it beside the text (``{tag: 1.5}``, ``{text: ..., weight: 1.5}``)."""

    text: str
    start: int | None
    node: tuple[int, int]
    skip: frozenset[str]
    scalar: Scalar
    weight: Weighed | None = None


class FileEntries(NamedTuple):
    """The entries of a file: per prompt part (the top level, then each section) its
    positive entries and its negative entries, and the entries inside ``choose``
    alternatives (each linted on its own: the options are never in one prompt)."""

    parts: list[tuple[list[Entry], list[Entry]]]
    alternatives: list[Entry]


def yaml_entries(text: str, *, source: str = "<string>") -> FileEntries:
    """The prompt entries of the YAML prompt file ``text`` (already read without error).

    >>> [e.node for e in yaml_entries("\\ufeffclothing: [smile]").parts[0][0]]
    [(12, 17)]
    """
    body = text.removeprefix(_BOM)
    found = _entries(body, source)
    if len(body) == len(text):
        return found
    parts = [([_shifted(e) for e in pos], [_shifted(e) for e in neg]) for pos, neg in found.parts]
    return FileEntries(parts, [_shifted(e) for e in found.alternatives])


def _shifted(entry: Entry) -> Entry:
    """The entry placed in the text with its byte-order mark (one character)."""
    start, end = entry.node
    moved = None if entry.start is None else entry.start + 1
    weight = entry.weight
    if weight is not None:
        weight = weight._replace(node=(weight.node[0] + 1, weight.node[1] + 1))
    return entry._replace(start=moved, node=(start + 1, end + 1), weight=weight)


def _entries(text: str, source: str) -> FileEntries:
    root = load_yaml(text, source=source).root
    found = FileEntries([], [])
    if not isinstance(root, yaml.MappingNode):
        return found
    mappings = [root]
    sections = _value(root, "sections")
    if isinstance(sections, yaml.SequenceNode):
        mappings += [node for node in sections.value if isinstance(node, yaml.MappingNode)]
    for mapping in mappings:
        positive: list[Entry] = []
        negative: list[Entry] = []
        for key, value in mapping.value:
            if key.value in SLOT_FIELDS or key.value == "negative":
                into = negative if key.value == "negative" else positive
                if isinstance(value, yaml.SequenceNode):
                    flow = bool(value.flow_style)
                    for item in value.value:
                        _walk(text, (item, flow), key.value, into, found.alternatives)
        found.parts.append((positive, negative))
    return found


def _walk(
    text: str, placed: _InFlow, field: str, into: list[Entry], alternatives: list[Entry]
) -> None:
    """Add the entries of one list item: to ``into``, or to ``alternatives`` when the
    item is a ``choose``."""
    item, flow = placed
    if isinstance(item, yaml.ScalarNode):
        into.extend(_tag(text, item, flow, _TREATED.get(field, frozenset()), field))
    elif isinstance(item, yaml.MappingNode):
        choose = _value(item, "choose")
        if isinstance(choose, yaml.SequenceNode):
            for option in choose.value:
                for node in _option_items((option, bool(choose.flow_style))):
                    _walk(text, node, field, alternatives, alternatives)
        else:
            into.extend(_mapping_entry(text, item, field))


def _option_items(placed: _InFlow) -> Iterator[_InFlow]:
    """The entries of one alternative: an entry, a list of them, or ``{option: ...}``."""
    option, flow = placed
    if isinstance(option, yaml.MappingNode):
        inner = _value(option, "option")
        if inner is not None:
            flow = bool(option.flow_style)
            option = inner
    if isinstance(option, yaml.SequenceNode):
        yield from ((node, bool(option.flow_style)) for node in option.value)
    else:
        yield option, flow


def _mapping_entry(text: str, item: yaml.MappingNode, field: str) -> Iterator[Entry]:
    """The entry of ``{kind: phrase, text: ...}``, ``{text: ...}`` or ``{tag: weight}``;
    typed entries, schedules and breaks are checked by the file reader, not here."""
    keys = {key.value for key, _ in item.value if isinstance(key, yaml.ScalarNode)}
    written = _value(item, "text")
    flow = bool(item.flow_style)
    if keys.intersection(_TYPED) or not isinstance(written, yaml.ScalarNode):
        if len(item.value) == 1 and not keys.intersection(_TYPED):
            key, weight = item.value[0]
            if isinstance(key, yaml.ScalarNode) and weight.tag in _NUMBERS:
                skip = _TREATED.get(field, frozenset()) | _WEIGHED
                yield from _weighed(_tag(text, key, flow, skip, field), weight)
        return
    kind = _value(item, "kind")
    if kind is None:
        skip = frozenset(_WEIGHED if "weight" in keys else ())
        entries = _tag(text, written, flow, skip, field)
        yield from _weighed(entries, _value(item, "weight"))
    elif isinstance(kind, yaml.ScalarNode) and kind.value == "phrase":
        scalar = Scalar(written.value, written.style or "", flow, literal=False)
        yield Entry(written.value, _verbatim(text, written), _marks(written), frozenset(), scalar)


def _weighed(entries: Iterator[Entry], weight: yaml.Node | None) -> Iterator[Entry]:
    """The entries with the weight written beside them (the file reader has checked it
    is a number)."""
    value = None
    if weight is not None and weight.tag in _NUMBERS:
        value = yaml.constructor.SafeConstructor().construct_object(weight)  # 0x10, 1_000
    if not isinstance(value, (int, float)):
        yield from entries
        return
    weighed = Weighed(float(value), _marks(weight))  # type: ignore[arg-type]
    for entry in entries:
        yield entry._replace(weight=weighed)


def _tag(
    text: str, node: yaml.ScalarNode, flow: bool, skip: frozenset[str], field: str
) -> Iterator[Entry]:
    """A tag written as text: literal in the file, so linted as A1111 writes it."""
    if node.tag != _STR:
        return
    written = _linted_text(field, node.value)
    start = _verbatim(text, node) if written == node.value else None
    scalar = Scalar(node.value, node.style or "", flow, literal=True)
    yield Entry(written, start, _marks(node), skip, scalar)


def _linted_text(field: str, value: str) -> str:
    """The A1111 text the linter reads for a tag written as ``value`` in ``field``: a
    quality level's short name (``best``) is the level the file reader makes of it;
    anything else is linted as written (``best_quality`` still gets AP201)."""
    if field == "quality" and normalize_tag(value) in _QUALITY_NAMES:
        return slot_string_tag(field, value).a1111
    return Tag.model_construct(text=value, weight=1.0).a1111


_QUALITY_NAMES = frozenset(level.name for level in Quality)


def _verbatim(text: str, node: yaml.ScalarNode) -> int | None:
    """Where the scalar's value starts in ``text`` when it is written there as it is."""
    start, end = _marks(node)
    if node.style in ("'", '"'):
        start, end = start + 1, end - 1
    return start if text[start:end] == node.value else None


def _marks(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.index, node.end_mark.index


def _value(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    for key, value in mapping.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value  # type: ignore[no-any-return]
    return None
