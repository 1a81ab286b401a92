"""Reading untrusted YAML: depth, duplicate-key and size limits, checked as it streams.

A YAML document is refused, with one line that names the source and the line, when it
is nested deeper than :data:`MAX_YAML_DEPTH` levels, has a key written twice in one
mapping (PyYAML would silently keep the last), or has aliases that would expand it past
the size limit (the "billion laughs"); like any input it must also be within
:data:`~aidxl_prompt._input.MAX_INPUT_BYTES`.

The reader is the safe loader (libyaml's when PyYAML has it) with a composer of its own
that enforces the limits while the events stream in, so every check is linear in the
input. It reads plain scalars such as ``1e-9`` and ``2.5E3`` as numbers, as YAML 1.2
does (PyYAML's YAML 1.1 rules would read them as strings).

>>> load_yaml("{smile: 1e-9}", source="<string>").value
{'smile': 1e-09}
>>> load_yaml("a: 1\\nb: 2\\na: 3\\n", source="x.yaml").value
Traceback (most recent call last):
...
aidxl_prompt.errors.PromptFileError: x.yaml:3: duplicate key 'a' (first at line 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .._input import MAX_INPUT_BYTES, check_size
from ..errors import PromptFileError

__all__ = ["MAX_YAML_DEPTH", "YamlDocument", "load_yaml"]

MAX_YAML_DEPTH = 64
"""How deeply YAML collections may nest. A prompt file needs six levels at most."""

# YAML 1.2 floats that YAML 1.1 (PyYAML's resolver) leaves as strings: an exponent with
# no '.' or with no sign ("1e-9", "2.5E3", ".5e1").
_FLOAT_WITH_EXPONENT = re.compile(
    r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$"
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# libyaml refuses flow collections nested 1000 deep while looking ahead for a key,
# before the composer sees the events; 1000 is past any limit worth setting.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


class YamlDocument(NamedTuple):
    """A parsed YAML document: its value and its root node (for line numbers)."""

    value: Any
    root: Node | None


@dataclass
class _Composition:
    """One document being composed: its anchors, its open collections, its root."""

    anchors: dict[str, tuple[Node, int]] = field(default_factory=dict)
    # Each open collection: its node, its children, its size so far, its anchor.
    stack: list[tuple[Node, list[Node], list[int], str | None]] = field(default_factory=list)
    root: Node | None = None
    # Every node counts 1, a scalar also its length; an alias counts the size of what it
    # repeats, so a document's size is what a reader of it will walk.
    total: int = 0


class _LimitedComposer:
    """Builds the node tree from parser events, enforcing the limits as it goes.

    PyYAML's own composers (Python and libyaml's) recurse once per level and accept
    duplicate keys; this one keeps an explicit stack, so a deep document is refused
    at level :data:`MAX_YAML_DEPTH` + 1, not by a ``RecursionError``.
    """

    # Provided by the parser and resolver the loader classes below mix in.
    check_event: Any
    get_event: Any
    resolve: Any

    source: str
    max_bytes: int
    max_depth: int

    def get_single_node(self) -> Node | None:
        self.get_event()  # StreamStartEvent
        root = None
        if not self.check_event(StreamEndEvent):
            root = self._compose_document()
        if not self.check_event(StreamEndEvent):
            event = self.get_event()
            raise yaml.composer.ComposerError(
                None, None, "expected one document, but found another", event.start_mark
            )
        self.get_event()  # StreamEndEvent
        return root

    def _compose_document(self) -> Node | None:
        self.get_event()  # DocumentStartEvent
        state = _Composition()
        while True:
            event = self.get_event()
            if isinstance(event, DocumentEndEvent):
                return state.root
            if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
                self._open(event, state)
                continue
            anchor: str | None = None
            if isinstance(event, AliasEvent):
                node, size = self._alias(event, state)
            elif isinstance(event, ScalarEvent):
                node, size, anchor = self._scalar(event)
            else:  # SequenceEndEvent or MappingEndEvent
                node, size, anchor = self._close(event, state)
            self._place(node, size, anchor, state)

    def _open(self, event: Any, state: _Composition) -> None:
        """A sequence or mapping starts: refused past the depth limit."""
        if len(state.stack) >= self.max_depth:
            raise self._error(
                f"nested deeper than {self.max_depth} levels (the limit)",
                event.start_mark.line + 1,
            )
        kind = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(kind, None, event.implicit)
        node: Node = kind(tag, [], event.start_mark, event.end_mark, flow_style=event.flow_style)
        state.stack.append((node, [], [1], event.anchor))

    def _alias(self, event: Any, state: _Composition) -> tuple[Node, int]:
        """The node an alias repeats; its size counts again, within the size limit."""
        if event.anchor not in state.anchors:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        node, size = state.anchors[event.anchor]
        state.total += size
        if state.total > self.max_bytes:
            raise self._error(
                f"aliases expand the document past {self.max_bytes} bytes (the size limit)",
                event.start_mark.line + 1,
            )
        return node, size

    def _scalar(self, event: Any) -> tuple[Node, int, str | None]:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(ScalarNode, event.value, event.implicit)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        return node, 1 + len(event.value), event.anchor

    def _close(self, event: Any, state: _Composition) -> tuple[Node, int, str | None]:
        """A sequence or mapping ends: its children are its value (a mapping's keys are
        checked for duplicates)."""
        node, children, sizes, anchor = state.stack.pop()
        node.end_mark = event.end_mark
        if isinstance(event, MappingEndEvent):
            node.value = list(zip(children[::2], children[1::2], strict=True))
            self._check_keys(node)
        else:
            node.value = children
        return node, sizes[0], anchor

    def _place(self, node: Node, size: int, anchor: str | None, state: _Composition) -> None:
        """Record ``node`` under its anchor, and in its parent (or as the root)."""
        if anchor is not None:
            if anchor in state.anchors:
                first = state.anchors[anchor][0].start_mark.line + 1
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"anchor {anchor!r} is defined twice (first at line {first})",
                    node.start_mark,
                )
            state.anchors[anchor] = (node, size)
        if state.stack:
            state.stack[-1][1].append(node)
            state.stack[-1][2][0] += size
        else:
            state.root = node

    def _check_keys(self, node: Node) -> None:
        """Refuse a key written twice in one mapping (PyYAML would keep the last)."""
        first_line: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue  # "<<: *base" is merged; the keys written next to it override it
            line = key_node.start_mark.line + 1
            key = (key_node.tag, key_node.value)
            if key in first_line:
                raise self._error(
                    f"duplicate key {key_node.value!r} (first at line {first_line[key]})", line
                )
            first_line[key] = line

    def _error(self, problem: str, line: int) -> PromptFileError:
        return PromptFileError(problem, source=self.source, line=line)


class _CheckedConstructor(yaml.constructor.SafeConstructor):
    """The safe constructor, with a value it cannot convert reported as a YAML error."""

    source: str

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            if isinstance(exc, PromptFileError):
                raise
            # e.g. "!!int abc", "!!timestamp 2020-13-45", an integer of 5000 digits
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value as !!{kind}: {exc}", node.start_mark
            ) from None


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's implicit types, plus YAML 1.2's floats with a bare exponent."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float", _FLOAT_WITH_EXPONENT, list("-+0123456789.")
)


# libyaml's parser when PyYAML was built with it.
# (yaml.cyaml is there only then; read through vars() as its stubs do not export CParser.)
_CYAML: Any = vars(yaml).get("cyaml")
_CParser: Any = None if _CYAML is None else vars(_CYAML).get("CParser")


class _PyLoader(
    _LimitedComposer,
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _CheckedConstructor,
    _Resolver,
):
    """The pure-Python reader: used when libyaml is missing, and to word errors."""

    def __init__(self, text: str, *, source: str, max_bytes: int, max_depth: int) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _CheckedConstructor.__init__(self)
        _Resolver.__init__(self)
        self.source = source
        self.max_bytes = max_bytes
        self.max_depth = max_depth


_LOADERS: list[Any] = [_PyLoader]
if _CParser is not None:

    class _CLoader(_LimitedComposer, _CParser, _CheckedConstructor, _Resolver):  # type: ignore[misc]
        """libyaml's parser (about ten times faster) under the same composer."""

        def __init__(self, text: str, *, source: str, max_bytes: int, max_depth: int) -> None:
            _CParser.__init__(self, text)
            _CheckedConstructor.__init__(self)
            _Resolver.__init__(self)
            self.source = source
            self.max_bytes = max_bytes
            self.max_depth = max_depth

    _LOADERS.insert(0, _CLoader)


def load_yaml(
    text: str,
    *,
    source: str,
    max_bytes: int = MAX_INPUT_BYTES,
    max_depth: int = MAX_YAML_DEPTH,
) -> YamlDocument:
    """Parse one YAML document safely, within the limits; errors are
    :class:`~aidxl_prompt.errors.PromptFileError` naming ``source`` and the line.

    >>> load_yaml("[[[1]]]", source="deep.yaml", max_depth=2).value
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.PromptFileError: deep.yaml:1: nested deeper than 2 levels (the limit)
    """
    check_size(text, source=source, max_bytes=max_bytes)
    for index, loader_class in enumerate(_LOADERS):
        loader = loader_class(text, source=source, max_bytes=max_bytes, max_depth=max_depth)
        try:
            root = loader.get_single_node()
            value = None if root is None else loader.construct_document(root)
            return YamlDocument(value, root)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            line = mark.line + 1 if mark is not None else None
            if problem == _LIBYAML_TOO_DEEP:  # libyaml looks ahead past our limit
                raise PromptFileError(
                    f"nested deeper than {max_depth} levels (the limit)", source=source, line=line
                ) from None
            if index + 1 < len(_LOADERS):
                continue  # the pure-Python reader words its errors better: read again
            raise PromptFileError(f"invalid YAML: {problem}", source=source, line=line) from None
        finally:
            loader.dispose()
    raise AssertionError("unreachable: the last loader returns or raises")
