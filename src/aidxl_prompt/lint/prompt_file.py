"""Lint a YAML prompt file, each finding at the line and column where it is written,
and make the safe fixes in place.

>>> text = "expression: [smile]\\nclothing:\\n  - long_hair\\nnegative: [smile]\\n"
>>> [(d.code, d.line, d.column) for d in lint_prompt_file(text, path="a.prompt.yaml")]
[('AP604', 1, 14), ('AP201', 3, 5)]
>>> print(fix_prompt_file(text), end="")
expression: [smile]
clothing:
  - long hair
negative: [smile]
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from yaml.emitter import Emitter

from ..errors import PromptFileError
from ..files._yaml_input import load_yaml
from ..files.prompt_file import PresetLibrary, parse_prompt_text
from ..model.items import Tag
from ..syntax.normalize import format_weight, unescape
from ..vocab.vocabulary import Vocabulary
from ._yaml_entries import Entry, Scalar, yaml_entries
from .config import LintConfig
from .diagnostic import Diagnostic, Fix
from .linter import lint, lint_prompt_file_settings

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["PromptFileOptions", "fix_prompt_file", "lint_prompt_file"]

# Rules about the order of a whole rendered prompt: a file's entries are rendered in
# the card's slot order whatever order the file writes them in.
_WHOLE_PROMPT = frozenset({"AP401"})
# The rules a weight written beside an entry's text ({tag: 5}) is checked by.
_WEIGHT_RULES = frozenset({"AP501"})
_SEPARATOR = ", "
# As the linter's fix: a pass makes every fix that does not overlap another in its
# scalar; passes repeat until none is left.
_MAX_PASSES = 8
# A tag written literally stays one tag: a ',' would make it two for whoever renders it.
_NOT_IN_A_TAG = ","
# YAML reads these in single-quoted scalars only doubled ('') and in double-quoted ones
# only escaped; a line break or control character in either is left unwritten (a fix
# never makes one, and a folded scalar would not read back the same).
_DOUBLE_QUOTED_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})


class _Found(NamedTuple):
    """A finding at its place in the file (its ``fix`` re-writes the entry's whole
    scalar), the entry it is in, and its ``edit`` of the entry's text."""

    diagnostic: Diagnostic
    entry: Entry
    edit: Fix | None


def lint_prompt_file(
    text: str,
    *,
    path: str | None = None,
    library: PresetLibrary | None = None,
    vocabulary: Vocabulary | None = None,
    config: LintConfig | None = None,
) -> list[Diagnostic]:
    """Every finding in the YAML prompt file ``text``, at its line and column there.

    The tags and phrases written as strings in the slots, ``negative`` and
    ``sections`` are linted together, per part (the top level, each section), as one
    A1111 prompt whose negative prompt is every ``negative`` entry of the file; each
    finding is placed where its entry is written (at the start of the entry's YAML
    value when the file writes the text otherwise than A1111 reads it, as a quoted
    string with escapes or a tag whose parentheses A1111 needs escaped). The entries
    of a ``choose`` are linted one by one (its options are never in one prompt). Left
    out: the slot order (AP401: the file's entries are rendered in the card's order),
    typed entries (``{character: ...}``, checked when the file is read), presets'
    entries, the short-form rules the card's treatment of a slot answers (``by`` in
    ``art_style``, the words of ``painting_style``), and the card's extra
    quality weight (AP504) of a tag written with its weight (``{tag: weight}``), whose
    weight is checked against the range (AP501) at that number instead. A safe fix is
    carried as the edit of the file that re-writes the entry's YAML scalar (see
    :func:`fix_prompt_file`). The ``settings:`` block is checked by
    :func:`lint_prompt_file_settings`. A file that does not read is a
    :class:`~aidxl_prompt.errors.PromptFileError`.

    >>> text = "clothing:\\n  - {kind: phrase, text: '((dress))'}\\nsettings: {steps: 12}\\n"
    >>> [(d.code, d.line, d.column, d.fix) for d in lint_prompt_file(text)]
    [('AP503', 2, 27, Fix(span=(35, 46), replacement="'(dress:1.21)'")), ('AP704', 3, 12, None)]
    """
    found = [f.diagnostic for f in _findings(text, path, library, vocabulary, config)]
    found += lint_prompt_file_settings(text, path=path, library=library, config=config)
    found.sort(key=lambda d: (d.span, d.code))
    return found


class PromptFileOptions(TypedDict, total=False):
    """The keywords :func:`fix_prompt_file` takes: :func:`lint_prompt_file`'s ``path``,
    ``library``, ``vocabulary`` and ``config``."""

    path: str | None
    library: PresetLibrary | None
    vocabulary: Vocabulary | None
    config: LintConfig | None


def fix_prompt_file(text: str, **options: Unpack[PromptFileOptions]) -> str:
    """The YAML prompt file ``text`` with every safe fix of its entries made in place.

    Only the fixed scalars change, each re-written in the quoting it had (a plain one
    that would now need quotes gets single quotes; in a double-quoted one ``\\`` and
    ``"`` are escaped); comments, key order, indentation and every other byte are
    kept. A fix that cannot be placed exactly is left: one that spans two entries
    (removing a duplicate entry would delete a list item), one that would turn a
    literal tag into A1111 syntax or into two tags, one in a block scalar (``|``,
    ``>``) or in a scalar written over several lines. No finding of the result has a
    fix left, and fixing it again changes nothing. The arguments are
    :func:`lint_prompt_file`'s.

    >>> text = 'clothing: [long_hair, {kind: phrase, text: "((dress))"}]  # kept\\n'
    >>> print(fix_prompt_file(text), end="")
    clothing: [long hair, {kind: phrase, text: "(dress:1.21)"}]  # kept
    """
    for _ in range(_MAX_PASSES):
        edits: dict[tuple[int, int], tuple[Entry, list[Fix]]] = {}
        for found in _findings(
            text,
            options.get("path"),
            options.get("library"),
            options.get("vocabulary"),
            options.get("config"),
        ):
            if found.edit is not None and found.diagnostic.fix is not None:
                edits.setdefault(found.entry.node, (found.entry, []))[1].append(found.edit)
        scalars = [
            (entry.node, written)
            for entry, entry_edits in edits.values()
            if (written := _scalar_edited(text, entry, entry_edits)) is not None
        ]
        if not scalars:
            return text
        for (start, end), written in sorted(scalars, reverse=True):
            text = text[:start] + written + text[end:]
    return text


def _findings(
    text: str,
    path: str | None,
    library: PresetLibrary | None,
    vocabulary: Vocabulary | None,
    config: LintConfig | None,
) -> list[_Found]:
    """The findings in the file's entries, placed (settings are not entries)."""
    source = path or "<string>"
    parse_prompt_text(text, source=source, library=library)  # a bad file fails here
    entries = yaml_entries(text, source=source)
    negative = _joined([e for _, negatives in entries.parts for e in negatives])
    check = functools.partial(lint, vocabulary=vocabulary, config=config, path=path)
    found: list[_Found] = []
    for positives, negatives in entries.parts:
        prompt = _joined(positives)
        found += _placed(text, positives, check(prompt, negative=negative or None))
        found += _placed(text, negatives, check(_joined(negatives), is_negative=True))
        found += _weights(text, positives, check)
        found += _weights(text, negatives, functools.partial(check, is_negative=True))
    for entry in entries.alternatives:
        found += _placed(text, [entry], check(entry.text))
        found += _weights(text, [entry], check)
    return found


def _weights(
    text: str, entries: Sequence[Entry], check: Callable[[str], list[Diagnostic]]
) -> list[_Found]:
    """The weight rule (AP501) on each weight a file writes beside its text
    (``{tag: 5}``), at that number: the entry is linted as A1111 would read it
    rendered, ``(tag:5)``, for that rule alone."""
    found = []
    for entry in entries:
        if entry.weight is None:
            continue
        rendered = f"({entry.text}:{format_weight(entry.weight.value)})"
        for diagnostic in check(rendered):
            if diagnostic.code in _WEIGHT_RULES:
                moved = replace(diagnostic, span=entry.weight.node, fix=None)
                found.append(_Found(moved.located(text, diagnostic.path), entry, None))
    return found


def _joined(entries: Sequence[Entry]) -> str:
    return _SEPARATOR.join(entry.text for entry in entries)


def _placed(text: str, entries: Sequence[Entry], found: list[Diagnostic]) -> list[_Found]:
    """The diagnostics of the joined entries, moved to where each entry is written, each
    fix turned into the re-written scalar (or dropped when it cannot be placed)."""
    placed = []
    for diagnostic in found:
        entry, offset = _entry_at(entries, diagnostic.span[0])
        if diagnostic.code in _WHOLE_PROMPT or diagnostic.code in entry.skip:
            continue
        edit = _entry_edit(entry, offset, diagnostic.fix)
        written = None if edit is None else _rewritten(text, entry, edit.apply(entry.text))
        related = diagnostic.related
        if related is not None:  # a first occurrence: where the file writes it
            related = _file_span(*_entry_at(entries, related[0]), related)
        moved = replace(
            diagnostic,
            span=_file_span(entry, offset, diagnostic.span),
            fix=None if written is None else Fix(entry.node, written),
            related=related,
        )
        placed.append(_Found(moved.located(text, diagnostic.path), entry, edit))
    return placed


def _entry_at(entries: Sequence[Entry], position: int) -> tuple[Entry, int]:
    """The entry a position of the joined entries falls in, and where that entry starts."""
    offset = 0
    for entry in entries:
        if position < offset + len(entry.text) + len(_SEPARATOR):
            return entry, offset
        offset += len(entry.text) + len(_SEPARATOR)
    return entries[-1], offset - len(entries[-1].text) - len(_SEPARATOR)


def _file_span(entry: Entry, offset: int, span: tuple[int, int]) -> tuple[int, int]:
    """Where a span of the joined entries is in the file (the entry's whole YAML value
    when its text is not written there as it is)."""
    start, end = span
    if entry.start is not None and offset <= start and end <= offset + len(entry.text):
        return entry.start + start - offset, entry.start + end - offset
    return entry.node


# --- fixes: an edit of an entry's text becomes its scalar re-written --------------------


def _entry_edit(entry: Entry, offset: int, edit: Fix | None) -> Fix | None:
    """A fix of the joined entries as an edit of the entry's text, when it lies inside
    the entry (a fix across entries, as removing a duplicate, has no place in one)."""
    if edit is None:
        return None
    start, end = edit.span
    return edit.shifted(-offset) if offset <= start and end <= offset + len(entry.text) else None


def _edited(text: str, edits: Iterable[Fix]) -> str:
    """``text`` with the edits made that overlap none made before them (in span order;
    the others wait for the next pass)."""
    chosen: list[Fix] = []
    for edit in sorted(edits, key=lambda e: e.span):
        if not chosen or edit.span[0] >= chosen[-1].span[1] > chosen[-1].span[0]:
            chosen.append(edit)
    for edit in reversed(chosen):
        text = edit.apply(text)
    return text


def _scalar_edited(text: str, entry: Entry, edits: list[Fix]) -> str | None:
    """The entry's scalar re-written with its edits made together, else (the edits
    together no longer make one tag) with the first alone, placeable as it is."""
    for chosen in (edits, edits[:1]):
        written = _rewritten(text, entry, _edited(entry.text, chosen))
        if written is not None:
            return written
    return None


def _rewritten(text: str, entry: Entry, edited: str) -> str | None:
    """The entry's scalar written with its text ``edited``, in its style; ``None`` when
    that cannot be placed exactly."""
    value = _value_of(entry.scalar, edited)
    if value is None or not _written_exactly(text, entry):
        return None
    return _written(value, entry.scalar)


def _value_of(scalar: Scalar, edited: str) -> str | None:
    """The scalar value that lints as ``edited``: the text itself, or for a literal tag
    the tag whose A1111 escape it is (``None`` when it is no longer one tag)."""
    if not edited.strip():
        return None  # an emptied entry would be a list item with nothing in it
    if not scalar.literal:
        return edited
    value = unescape(edited)
    if _NOT_IN_A_TAG in value or Tag.model_construct(text=value, weight=1.0).a1111 != edited:
        return None
    return value


def _written_exactly(text: str, entry: Entry) -> bool:
    """Whether the entry's scalar span holds, on one line, what the YAML reader read."""
    start, end = entry.node
    written, scalar = text[start:end], entry.scalar
    if "\n" in written:
        return False
    if scalar.style == '"':
        return len(written) > 1 and written[0] == written[-1] == '"' and _reads(written, scalar)
    return written == (scalar.value if scalar.style == "" else _single_quoted(scalar.value))


def _reads(written: str, scalar: Scalar) -> bool:
    try:
        return bool(load_yaml(written, source="<scalar>").value == scalar.value)
    except PromptFileError:
        return False  # not a scalar of its own: cannot be re-written exactly


def _written(value: str, scalar: Scalar) -> str | None:
    """``value`` as a YAML scalar in the style of ``scalar`` (single quotes for a plain
    one that would now need quotes); ``None`` for a line break or control character."""
    if any(char < " " or char == "\x7f" for char in value):
        return None
    if scalar.style == '"':
        return '"' + value.translate(_DOUBLE_QUOTED_ESCAPES) + '"'
    if scalar.style == "" and _plain(value, flow=scalar.flow):
        return value
    return _single_quoted(value)


def _single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _plain(value: str, *, flow: bool) -> bool:
    """Whether YAML reads ``value`` written plain as this very string, in a flow
    collection or a block one (PyYAML's emitter knows the indicators of each)."""
    analysis = Emitter(io.StringIO(), allow_unicode=True).analyze_scalar(value)
    allowed = analysis.allow_flow_plain if flow else analysis.allow_block_plain
    return (
        bool(allowed) and not analysis.multiline and _reads(value, Scalar(value, "", flow, False))
    )
