"""How ``aidxl-prompt lint`` writes its findings: text, GitHub annotations, SARIF, counts.

Every writer takes the linted sources (:class:`Linted`: a name to show, the file path or
``None`` for a prompt argument, the text and its diagnostics) and returns the text to
print. Text output is ``<name>:<line>:<col>: CODE message``, the source line and a caret
under the span; ``[*]`` marks a finding ``--fix`` repairs.

>>> from aidxl_prompt.lint.diagnostic import Diagnostic, Severity
>>> found = Diagnostic("AP502", "redundant-weight", "'(smile:1)' is 1", (7, 16),
...                    Severity.warning, line=1, column=8, path="a.txt")
>>> print(text_report([Linted("a.txt", "a.txt", "1girl, (smile:1)", (found,))]), end="")
a.txt:1:8: AP502 '(smile:1)' is 1
  |
1 | 1girl, (smile:1)
  |        ^~~~~~~~~
<BLANKLINE>
Found 1 problem.
>>> print(github_report([Linted("a.txt", "a.txt", "1girl, (smile:1)", (found,))]), end="")
::warning title=AP502 redundant-weight,file=a.txt,line=1,col=8,endLine=1,endColumn=17::'(smile:1)' is 1
"""  # noqa: E501 (the doctest shows the whole annotation)

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..lint.diagnostic import Diagnostic
    from ..lint.registry import Rule

__all__ = [
    "SARIF_SCHEMA",
    "Linted",
    "github_report",
    "records",
    "sarif_report",
    "statistics",
    "text_report",
]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The schema SARIF 2.1.0 logs name (the one GitHub code scanning documents)."""

# Lines longer than this are shown as a window around the span, so that a caret under
# a 300-character prompt stays readable.
_WINDOW = 88
_BEFORE = 30

# Severity -> GitHub workflow command and SARIF level.
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


class Linted(NamedTuple):
    """One linted source: ``name`` to show, ``path`` (None for a prompt argument), its
    ``text`` and the ``diagnostics`` found in it."""

    name: str
    path: str | None
    text: str
    diagnostics: tuple[Diagnostic, ...]


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _message(text: str, found: Diagnostic) -> str:
    """The finding's message, with where its related span (a duplicate's first
    occurrence) is written in ``text``."""
    if found.related is None:
        return found.message
    line, column = _position(text, found.related[0])
    return f"{found.message} (first at line {line}, column {column})"


def _source_lines(text: str, found: Diagnostic) -> list[str]:
    """The source line of ``found`` with a caret under its span (``^~~~``)."""
    start, end = found.span
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    source = text[line_start : len(text) if line_end < 0 else line_end].rstrip("\r")
    column = start - line_start
    width = max(1, min(end, line_start + len(source)) - start)
    if len(source) > _WINDOW:  # a window around the span
        left = max(0, column - _BEFORE)
        shown = source[left : left + _WINDOW]
        prefix = "..." if left else ""
        suffix = "..." if left + _WINDOW < len(source) else ""
        source = prefix + shown + suffix
        column = column - left + len(prefix)
        width = min(width, _WINDOW - (column - len(prefix)))
    number = str(found.line)
    gutter = " " * len(number)
    return [
        f"{gutter} |",
        f"{number} | {source}",
        f"{gutter} | {' ' * column}^{'~' * (width - 1)}",
    ]


def text_report(linted: Sequence[Linted]) -> str:
    """Each finding with its source line and a caret, then a count."""
    lines: list[str] = []
    for source in linted:
        for found in source.diagnostics:
            mark = " [*]" if found.fix is not None else ""
            where = f"{source.name}:{found.line}:{found.column}"
            lines.append(f"{where}: {found.code}{mark} {_message(source.text, found)}")
            lines += _source_lines(source.text, found)
            lines.append("")
    lines.append(_summary([d for source in linted for d in source.diagnostics]))
    return "\n".join(lines) + "\n"


def _summary(found: Sequence[Diagnostic]) -> str:
    if not found:
        return "All checks passed."
    fixable = sum(1 for d in found if d.fix is not None)
    count = f"Found {len(found)} problem{'s' if len(found) != 1 else ''}"
    return count + (f" ({fixable} fixable with --fix)." if fixable else ".")


def _escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value (``:`` and ``,`` separate properties)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(linted: Sequence[Linted]) -> str:
    """One GitHub Actions annotation (``::error file=...::message``) per finding."""
    lines = []
    for source in linted:
        for found in source.diagnostics:
            end_line, end_column = _position(source.text, found.span[1])
            properties = [("title", f"{found.code} {found.name}")]
            if source.path is not None:
                properties.append(("file", source.path))
            properties += [
                ("line", str(found.line)),
                ("col", str(found.column)),
                ("endLine", str(end_line)),
                ("endColumn", str(end_column)),
            ]
            joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
            level = _GITHUB_LEVEL[found.severity.value]
            lines.append(f"::{level} {joined}::{_escape_data(_message(source.text, found))}")
    return "".join(line + "\n" for line in lines)


def records(linted: Sequence[Linted]) -> Iterable[dict[str, Any]]:
    """The diagnostics' JSON records (:meth:`Diagnostic.to_dict`), a prompt argument's
    path being ``None``; a related span also gets its line and column."""
    for source in linted:
        for found in source.diagnostics:
            record = found.to_dict()
            if found.related is not None:
                line, column = _position(source.text, found.related[0])
                record["related"] = {**record["related"], "line": line, "column": column}
            yield record


def statistics(linted: Sequence[Linted]) -> list[dict[str, Any]]:
    """How often each code was found, most frequent first (then by code)."""
    found = [d for source in linted for d in source.diagnostics]
    counts = Counter(d.code for d in found)
    first = {d.code: d for d in reversed(found)}
    return [
        {
            "code": code,
            "name": first[code].name,
            "count": count,
            "fixable": any(d.fix is not None for d in found if d.code == code),
        }
        for code, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    ]


def statistics_text(rows: Sequence[dict[str, Any]]) -> str:
    """The counts as a table: count, code, ``[*]`` when fixable, name.

    >>> print(statistics_text([{"code": "AP201", "name": "underscore", "count": 3,
    ...                         "fixable": True}]), end="")
        3  AP201  [*] underscore
    """
    lines = [
        f"{row['count']:>5}  {row['code']}  {'[*]' if row['fixable'] else '   '} {row['name']}"
        for row in rows
    ]
    return "".join(line + "\n" for line in lines)


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.why}\n\nExample: {rule.example}\nUse instead: {rule.use_instead}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity.value]},
        "properties": {"tags": [rule.family]},
    }


def _artifact_uri(path: str) -> str:
    """A file's URI: relative paths as a relative reference (``/`` separated)."""
    given = Path(path)
    return given.as_uri() if given.is_absolute() else given.as_posix()


def _sarif_location(source: Linted, span: tuple[int, int]) -> dict[str, Any]:
    start_line, start_column = _position(source.text, span[0])
    end_line, end_column = _position(source.text, span[1])
    region = {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }
    if source.path is None:  # a prompt argument: no artifact to point at
        return {"logicalLocations": [{"name": source.name, "kind": "prompt argument"}]}
    artifact = {"uri": _artifact_uri(source.path)}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _sarif_result(source: Linted, found: Diagnostic, codes: list[str]) -> dict[str, Any]:
    result = {
        "ruleId": found.code,
        "ruleIndex": codes.index(found.code),
        "level": _SARIF_LEVEL[found.severity.value],
        "message": {"text": _message(source.text, found)},
        "locations": [_sarif_location(source, found.span)],
    }
    if found.related is not None:
        related = {"id": 0, **_sarif_location(source, found.related)}
        result["relatedLocations"] = [{**related, "message": {"text": "first written here"}}]
    return result


def sarif_report(linted: Sequence[Linted], version: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, every registered rule, one result per finding."""
    from ..lint.registry import RULES  # noqa: PLC0415 (loaded when the command runs)

    codes = list(RULES)
    results = [
        _sarif_result(source, found, codes) for source in linted for found in source.diagnostics
    ]
    driver = {
        "name": "aidxl-prompt",
        "version": version,
        "rules": [_sarif_rule(rule) for rule in RULES.values()],
    }
    return {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
