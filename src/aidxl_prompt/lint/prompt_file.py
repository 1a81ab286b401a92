"""Lint a YAML prompt file, each finding at the line and column where it is written.

>>> text = "expression: [smile]\\nclothing:\\n  - long_hair\\nnegative: [smile]\\n"
>>> [(d.code, d.line, d.column) for d in lint_prompt_file(text, path="a.prompt.yaml")]
[('AP604', 1, 14), ('AP201', 3, 5)]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace

from ..files.prompt_file import PresetLibrary, parse_prompt_text
from ..vocab.vocabulary import Vocabulary
from ._yaml_entries import Entry, yaml_entries
from .config import LintConfig
from .diagnostic import Diagnostic
from .linter import lint, lint_prompt_file_settings

__all__ = ["lint_prompt_file"]

# Rules about the order of a whole rendered prompt: a file's entries are rendered in
# the card's slot order whatever order the file writes them in.
_WHOLE_PROMPT = frozenset({"AP401"})
_SEPARATOR = ", "
# AP601 names the first occurrence by its offset in the linted prompt: in a file, the
# offset of the joined entries means nothing to the reader, so it becomes a line and column.
_DUPLICATE_AT = re.compile(r"\(at offset (\d+)\)$")


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
    ``art_style``, the words of ``painting_style`` and ``quality``), and the weight a
    ``{tag: weight}`` entry gives (AP504). No finding carries a fix: the file is not
    edited. The ``settings:`` block is checked by :func:`lint_prompt_file_settings`.
    A file that does not read is a :class:`~aidxl_prompt.errors.PromptFileError`.

    >>> text = "clothing:\\n  - {kind: phrase, text: '((dress))'}\\nsettings: {steps: 12}\\n"
    >>> [(d.code, d.line, d.column, d.fix) for d in lint_prompt_file(text)]
    [('AP503', 2, 27, None), ('AP704', 3, 12, None)]
    """
    source = path or "<string>"
    parse_prompt_text(text, source=source, library=library)  # a bad file fails here
    entries = yaml_entries(text, source=source)
    negative = _joined([e for _, negatives in entries.parts for e in negatives])
    check = functools.partial(lint, vocabulary=vocabulary, config=config, path=path)
    found: list[Diagnostic] = []
    for positives, negatives in entries.parts:
        prompt = _joined(positives)
        found += _placed(text, positives, check(prompt, negative=negative or None))
        found += _placed(text, negatives, check(_joined(negatives), is_negative=True))
    for entry in entries.alternatives:
        found += _placed(text, [entry], check(entry.text))
    found += lint_prompt_file_settings(text, path=path, library=library, config=config)
    found.sort(key=lambda d: (d.span, d.code))
    return found


def _joined(entries: Sequence[Entry]) -> str:
    return _SEPARATOR.join(entry.text for entry in entries)


def _placed(text: str, entries: Sequence[Entry], found: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of the joined entries, moved to where each entry is written."""
    placed = []
    for diagnostic in found:
        entry, span = _file_span(entries, diagnostic.span)
        if diagnostic.code in _WHOLE_PROMPT or diagnostic.code in entry.skip:
            continue
        message = _DUPLICATE_AT.sub(lambda m: _at(text, entries, int(m[1])), diagnostic.message)
        moved = replace(diagnostic, span=span, fix=None, message=message)
        placed.append(moved.located(text, diagnostic.path))
    return placed


def _file_span(entries: Sequence[Entry], span: tuple[int, int]) -> tuple[Entry, tuple[int, int]]:
    """The entry a span of the joined entries falls in, and where the span is in the file
    (the entry's whole YAML value when its text is not written there as it is)."""
    start, end = span
    offset = 0
    entry = entries[-1]
    for candidate in entries:
        if start < offset + len(candidate.text) + len(_SEPARATOR):
            entry = candidate
            break
        offset += len(candidate.text) + len(_SEPARATOR)
    if entry.start is not None and offset <= start and end <= offset + len(entry.text):
        return entry, (entry.start + start - offset, entry.start + end - offset)
    return entry, entry.node


def _at(text: str, entries: Sequence[Entry], offset: int) -> str:
    """``(at line L, column C)``: where the file writes an offset of the joined entries."""
    start = _file_span(entries, (offset, offset))[1][0]
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    return f"(at line {line}, column {column})"
