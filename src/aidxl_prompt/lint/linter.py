"""Lint a prompt, and fix what is safe to fix.

>>> [d.code for d in lint("best_quality, 1girl, (smile:1)")]
['AP201', 'AP401', 'AP502']
>>> fix("best_quality, 1girl, (smile:1)")
'1girl, smile, best quality'
>>> d = lint("1girl, (smile")[0]
>>> d.code, d.name, d.span, d.message
('AP101', 'unclosed-bracket', (7, 8), "unclosed '('; A1111 applies it up to the end of the prompt")

A prompt file of one prompt per line (or A1111 infotext, whose ``Negative prompt:``
line is the negative of the prompt before it) is linted with :func:`lint_lines`, which
gives each diagnostic the line and column in the file. The card's generation settings
(the AP7 rules) are checked in an infotext's settings line by :func:`lint_lines`, in a
YAML prompt file's ``settings:`` block by :func:`lint_prompt_file_settings`, and as a
:class:`~aidxl_prompt.Settings` value by :func:`lint_settings`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..card.settings import Settings
from ..compose import parse_prompt
from ..model.items import Phrase, PromptItem, Tag
from ..model.ordering import Slot
from ..model.parser import ParseResult, parse_items
from ..model.prompt import Prompt, render
from ..syntax.normalize import Dialect, same_weight
from ..vocab.vocabulary import Vocabulary
from ._dialects import dialect_differences
from ._prompt_rules import TagRules, Unit, sections, slot_order, subprompts, tag_rules
from ._settings import file_findings, infotext_findings, settings_findings
from ._units import Finding, UnitFacts, unit_facts
from .config import LintConfig, LintDialect
from .diagnostic import Diagnostic, Fix
from .registry import RULES, rule_for_repair

if TYPE_CHECKING:
    from ..files.prompt_file import PresetLibrary

__all__ = ["fix", "lint", "lint_lines", "lint_prompt_file_settings", "lint_settings"]

_DEFAULT_CONFIG = LintConfig()
_NO_FACTS = UnitFacts(None, None, ())
# Rules that say nothing useful of a negative prompt (it has no slot order, artists or
# characters to trigger, and its quality words are the low ones).
_NOT_FOR_NEGATIVE = ("AP206", "AP207", "AP208", "AP304", "AP401", "AP504", "AP602", "AP603")
# A fix pass applies every non-overlapping fix; passes repeat until none is left.
_MAX_PASSES = 8
_NEGATIVE_PREFIX = "Negative prompt:"
_INFOTEXT_SETTINGS = "Steps:"


def lint(
    text: str | Prompt,
    *,
    dialect: LintDialect = "a1111",
    vocabulary: Vocabulary | None = None,
    config: LintConfig | None = None,
    negative: str | None = None,
    is_negative: bool = False,
    path: str | None = None,
) -> list[Diagnostic]:
    """Every finding of the enabled rules in a prompt, in source order.

    ``text`` is prompt text (or a :class:`~aidxl_prompt.Prompt`, linted as rendered for
    ``dialect``). ``vocabulary`` defaults to the embedded Danbooru table; ``config`` to
    the rules on by default. ``negative`` is the prompt's negative prompt (for
    ``AP604``); ``is_negative`` lints ``text`` as a negative prompt; ``path`` is only
    used for per-file ignores and is copied into each diagnostic.

    >>> [(d.code, d.span) for d in lint("solo, 2girls, smile", negative="smile")]
    [('AP603', (6, 12)), ('AP604', (14, 19))]
    """
    source = render(text, dialect) if isinstance(text, Prompt) else text
    vocab = vocabulary if vocabulary is not None else Vocabulary.default()
    settings = config if config is not None else _DEFAULT_CONFIG
    enabled = _enabled_codes(settings, path, is_negative)
    result = parse_items(source, dialect)
    units = _units(result, vocab)
    findings = list(_repairs(result, units, vocab, enabled))
    findings += _unit_findings(units, settings, enabled)
    findings += _prompt_findings(source, units, settings, enabled, vocab, negative, dialect)
    diagnostics = [_diagnostic(found, source, path) for found in findings if found.code in enabled]
    diagnostics.sort(key=lambda d: (d.span, d.code))
    return diagnostics


def fix(
    text: str,
    *,
    dialect: LintDialect = "a1111",
    vocabulary: Vocabulary | None = None,
    config: LintConfig | None = None,
    negative: str | None = None,
    is_negative: bool = False,
) -> str:
    """``text`` with every safe fix of the enabled rules applied; idempotent.

    Fixes that overlap wait for the next pass; passes repeat until no safe fix is left,
    so the result lints clean of every code whose fix was applied. LoRA tokens,
    schedules and text the linter does not understand are never edited.

    >>> fix("long_hair, ((smile)), smile, very long hair")
    '(smile:1.21), smile, long hair, very long hair'
    """
    options = {"dialect": dialect, "vocabulary": vocabulary, "config": config}
    for _ in range(_MAX_PASSES):
        found = lint(text, negative=negative, is_negative=is_negative, **options)  # type: ignore[arg-type]
        edits = _non_overlapping(d.fix for d in found if d.fix is not None)
        if not edits:
            return text
        for edit in sorted(edits, key=lambda e: e.span, reverse=True):
            text = edit.apply(text)
    return text


def lint_lines(
    text: str,
    *,
    path: str | None = None,
    dialect: LintDialect = "a1111",
    vocabulary: Vocabulary | None = None,
    config: LintConfig | None = None,
) -> list[Diagnostic]:
    """Lint a file of one prompt per line (blank lines and ``#`` comments skipped), or
    A1111 infotext: a ``Negative prompt:`` line is the negative of the prompt before
    it, and a ``Steps:`` settings line is checked against the card's settings (the AP7
    rules). Spans count from the start of ``text``; lines and columns are the file's.

    >>> text = "1girl, smile\\nNegative prompt: smile\\nSteps: 20, Sampler: Euler a, CFG scale: 7"
    >>> [(d.code, d.line, d.column) for d in lint_lines(text, path="a.txt")]
    [('AP604', 1, 8)]
    >>> [(d.code, d.line, d.column) for d in lint_lines(text.replace("7", "13"))]
    [('AP604', 1, 8), ('AP703', 3, 30)]
    """
    found: list[Diagnostic] = []
    entries = list(_prompt_lines(text))
    for index, (offset, prompt, negative) in enumerate(entries):
        if negative:
            continue
        following = entries[index + 1] if index + 1 < len(entries) else None
        paired = following[1] if following is not None and following[2] else None
        found += _lint_at(
            text,
            offset,
            prompt,
            path,
            negative=paired,
            is_negative=False,
            dialect=dialect,
            vocabulary=vocabulary,
            config=config,
        )
    for offset, prompt, negative in entries:
        if negative:
            found += _lint_at(
                text,
                offset,
                prompt,
                path,
                negative=None,
                is_negative=True,
                dialect=dialect,
                vocabulary=vocabulary,
                config=config,
            )
    settings = config if config is not None else _DEFAULT_CONFIG
    enabled = _enabled_codes(settings, path, is_negative=False)
    for offset, line in _settings_lines(text):
        found += _located(infotext_findings(line), text, path, enabled, offset)
    found.sort(key=lambda d: (d.span, d.code))
    return found


def lint_settings(
    settings: Settings, *, config: LintConfig | None = None, path: str | None = None
) -> list[Diagnostic]:
    """The card's warnings on ``settings`` (the AP7 rules) as diagnostics, at no place
    in a text (span ``(0, 0)``; the message names the field).

    >>> [(d.code, d.name) for d in lint_settings(Settings(steps=12, cfg_scale=4))]
    [('AP703', 'cfg-out-of-range'), ('AP704', 'steps-below-card')]
    """
    enabled = _enabled_codes(config or _DEFAULT_CONFIG, path, is_negative=False)
    return _located(settings_findings(settings), "", path, enabled)


def lint_prompt_file_settings(
    text: str,
    *,
    path: str | None = None,
    library: PresetLibrary | None = None,
    config: LintConfig | None = None,
) -> list[Diagnostic]:
    """The card's warnings on a YAML prompt file's settings (its ``settings:`` block
    merged over its presets'), each at the key it is about; ``library`` is where its
    presets are found (by default the built-in ones). Only the settings are checked
    here: the prompt itself is linted as rendered (:func:`lint`).

    >>> text = "race: [elf]\\nsettings:\\n  cfg_scale: 13\\n"
    >>> [(d.code, d.line, d.column) for d in lint_prompt_file_settings(text, path="p.yaml")]
    [('AP703', 3, 3)]
    """
    enabled = _enabled_codes(config or _DEFAULT_CONFIG, path, is_negative=False)
    # libyaml's offsets leave a byte-order mark out: read without it, place past it.
    mark = 1 if text.startswith("\ufeff") else 0
    findings = file_findings(text[mark:], source=path or "<string>", library=library)
    return _located(findings, text, path, enabled, offset=mark)


def _located(
    findings: Iterable[Finding],
    text: str,
    path: str | None,
    enabled: frozenset[str],
    offset: int = 0,
) -> list[Diagnostic]:
    """The enabled findings as diagnostics ``offset`` further on in ``text``."""
    return [
        _diagnostic(found.shifted(offset), text, path)
        for found in findings
        if found.code in enabled
    ]


def _settings_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of each infotext settings line."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.startswith(_INFOTEXT_SETTINGS):
            yield offset, line.rstrip("\r\n")
        offset += len(line)


def _lint_at(
    text: str, offset: int, prompt: str, path: str | None, **options: object
) -> list[Diagnostic]:
    diagnostics = lint(prompt, path=path, **options)  # type: ignore[arg-type]
    return [d.shifted(offset).located(text, path) for d in diagnostics]


def _prompt_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(offset, prompt text, is a negative prompt) of each prompt line."""
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped and not stripped.startswith("#") and not body.startswith(_INFOTEXT_SETTINGS):
            if body.startswith(_NEGATIVE_PREFIX):
                skip = len(_NEGATIVE_PREFIX)
                skip += len(body[skip:]) - len(body[skip:].lstrip())
                yield offset + skip, body[skip:], True
            else:
                yield offset, body, False
        offset += len(line)


# --- the steps of lint() ----------------------------------------------------------------


def _enabled_codes(config: LintConfig, path: str | None, is_negative: bool) -> frozenset[str]:
    codes = _config_codes(config) if path is None else config.codes(path)
    return codes.difference(_NOT_FOR_NEGATIVE) if is_negative else codes


@functools.lru_cache(maxsize=64)
def _config_codes(config: LintConfig) -> frozenset[str]:
    return config.codes()


def _units(result: ParseResult, vocabulary: Vocabulary) -> list[Unit]:
    """Each item with its span, source text and memoised facts (the tags a full-width
    comma split from one unit are looked at together, by the first of them)."""
    source = result.source
    spans = result.spans
    items = result.items
    dialect = result.dialect
    memo = _memo(dialect, vocabulary)
    count = len(items)
    if len(set(spans)) == count:  # no unit split in several tags: the common case
        return _single_units(source, items, spans, memo, dialect, vocabulary)
    units: list[Unit] = []
    append = units.append
    previous = None
    for index in range(count):
        item = items[index]
        span = spans[index]
        raw = source[span[0] : span[1]]
        if span == previous:
            facts = _NO_FACTS
        elif type(item) is Tag:
            key = (raw, item.weight)
            facts = memo.get(key)  # type: ignore[assignment]
            if facts is None or (index + 1 < count and spans[index + 1] == span):
                facts = _tag_facts(raw, items, spans, index, dialect, vocabulary)
                _remember(memo, key, facts)
        else:
            facts = unit_facts(raw, (item,), dialect, vocabulary)
        append(Unit(item, span, raw, facts, facts.text, facts.slot))
        previous = span
    return units


def _single_units(
    source: str,
    items: Sequence[PromptItem],
    spans: Sequence[tuple[int, int]],
    memo: dict[tuple[str, float], UnitFacts],
    dialect: Dialect,
    vocabulary: Vocabulary,
) -> list[Unit]:
    """:func:`_units` when every item has a span of its own."""
    units: list[Unit] = []
    append = units.append
    new = tuple.__new__  # a NamedTuple's own __new__ is Python code: half the time again
    for item, span in zip(items, spans, strict=True):
        raw = source[span[0] : span[1]]
        if type(item) is Tag:
            key = (raw, item.weight)
            facts = memo.get(key)
            if facts is None:
                facts = unit_facts(raw, (item,), dialect, vocabulary)
                _remember(memo, key, facts)
        else:
            facts = unit_facts(raw, (item,), dialect, vocabulary)
        append(new(Unit, (item, span, raw, facts, facts.text, facts.slot)))
    return units


def _remember(
    memo: dict[tuple[str, float], UnitFacts], key: tuple[str, float], facts: UnitFacts
) -> None:
    """Keep ``facts`` in the bounded memo."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = facts


# Unit facts per (source text, weight), for each (dialect, vocabulary): a dict lookup is
# the cheapest memo for the one call every unit of every prompt makes.
_MEMO_SIZE = 65536


@functools.lru_cache(maxsize=16)
def _memo(dialect: Dialect, vocabulary: Vocabulary) -> dict[tuple[str, float], UnitFacts]:
    return {}


def _tag_facts(
    raw: str,
    items: Sequence[PromptItem],
    spans: Sequence[tuple[int, int]],
    index: int,
    dialect: Dialect,
    vocabulary: Vocabulary,
) -> UnitFacts:
    span = spans[index]
    together = tuple(items[i] for i in range(index, len(items)) if spans[i] == span)
    return unit_facts(raw, together, dialect, vocabulary)


def _repairs(
    result: ParseResult, units: list[Unit], vocabulary: Vocabulary, enabled: frozenset[str]
) -> Iterator[Finding]:
    """A finding for every repair of the parser, and the Danbooru names written raw."""
    for repair in result.repairs:
        rule = rule_for_repair(repair.code)
        if rule.code == "AP110":
            edit = _guarded_trailing_number(result, units, repair.span[1])
            suggestion = None if edit is None else edit[2]
            yield Finding(rule.code, repair.message, repair.span, suggestion, edit)
        else:
            yield Finding(rule.code, repair.message, repair.span)
    if result.dialect == "a1111" and enabled & {"AP202", "AP203"}:
        yield from _danbooru_names(result, units, vocabulary)


def _guarded_trailing_number(
    result: ParseResult, units: list[Unit], end: int
) -> tuple[int, int, str] | None:
    """The edit that writes the prompt's last unit, plain text ending in ``:number`` at
    ``end``, as ``(text:1)`` (what the renderer writes), when A1111 then reads that unit
    as the same text at weight 1 and no longer weights the whole prompt."""
    last = next((unit for unit in reversed(units) if unit.span[1] == end), None)
    if last is None or type(last.item) is not Tag or not same_weight(last.item.weight, 1.0):
        return None
    if _PLAIN_SYNTAX.search(last.raw):
        return None  # brackets, networks or escapes: not plain text to wrap
    start, stop = last.span
    replacement = f"({last.raw}:1)"
    fixed = parse_items(result.source[:start] + replacement + result.source[stop:], result.dialect)
    if any(repair.code == "trailing-weight" for repair in fixed.repairs):
        return None
    read = [item for item, span in zip(fixed.items, fixed.spans, strict=True) if span[0] == start]
    if read != [last.item]:
        return None
    return start, stop, replacement


# Characters that make a unit more than plain text (for the AP110 fix).
_PLAIN_SYNTAX = re.compile(r"[()\[\]<>\\|]")


def _danbooru_names(
    result: ParseResult, units: list[Unit], vocabulary: Vocabulary
) -> Iterator[Finding]:
    for index, unit in enumerate(units):
        if not isinstance(unit.item, Phrase):
            continue
        parsed = parse_prompt(unit.raw, "a1111", vocabulary=vocabulary)
        named = [r for r in parsed.repairs if r.code == "danbooru-name"]
        tags = parsed.prompt.all_units()
        if len(named) != 1 or len(tags) != 1 or not isinstance(tags[0], Tag):
            continue
        tag = tags[0]
        code = "AP203" if "_(" in unit.raw else "AP202"
        start, end = unit.span
        facts = _name_facts(tag, vocabulary)
        units[index] = Unit(tag, unit.span, unit.raw, facts, facts.text, facts.slot)
        yield Finding(code, named[0].message, unit.span, tag.a1111, (start, end, tag.a1111))


def _name_facts(tag: Tag, vocabulary: Vocabulary) -> UnitFacts:
    """A Danbooru name's slot and tag for the prompt-wide rules; its other findings
    wait until the name is written as the fix writes it."""
    facts = unit_facts(tag.a1111, (tag,), "a1111", vocabulary)
    return UnitFacts(facts.slot, facts.text, ())


def _unit_findings(
    units: Sequence[Unit], config: LintConfig, enabled: frozenset[str]
) -> Iterator[Finding]:
    low, high = config.weight_range
    check_range = "AP501" in enabled
    check_quality = "AP504" in enabled
    for unit in units:
        if unit.facts.findings:
            start = unit.span[0]
            for found in unit.facts.findings:
                yield found.shifted(start, unit.slot)
        item = unit.item
        if check_range:
            if type(item) is Tag:
                if not low <= item.weight <= high:
                    yield _out_of_range(unit, item.text, item.weight, low, high)
            elif isinstance(item, Phrase) and "BREAK" not in unit.raw:
                yield from _phrase_range(unit, item, low, high)
        if check_quality and isinstance(item, Tag):
            yield from _quality_weight(unit, item)


def _out_of_range(unit: Unit, text: str, weight: float, low: float, high: float) -> Finding:
    message = f"the weight {weight:.4g} of {text!r} is outside {low:g} to {high:g}"
    return Finding("AP501", message, unit.span, None, None, _slot_value(unit))


def _slot_value(unit: Unit) -> str | None:
    return None if unit.slot is None else unit.slot.value


def _phrase_range(unit: Unit, phrase: Phrase, low: float, high: float) -> Iterator[Finding]:
    for part in phrase.parts:
        if not low <= part.weight <= high:
            yield _out_of_range(unit, part.text.strip(), part.weight, low, high)
            return


def _quality_weight(unit: Unit, tag: Tag) -> Iterator[Finding]:
    from ..card.words import Quality  # noqa: PLC0415

    if tag.text in ("amazing quality", "best quality", "high quality") and tag.weight <= 1:
        weight = Quality.recommended_weight()
        better = Tag.model_construct(text=tag.text, weight=weight).a1111
        message = f"{tag.text!r} has no extra weight; the card recommends {better}"
        yield Finding("AP504", message, unit.span, better)


def _prompt_findings(
    source: str,
    units: list[Unit],
    config: LintConfig,
    enabled: frozenset[str],
    vocabulary: Vocabulary,
    negative: str | None,
    dialect: LintDialect,
) -> Iterator[Finding]:
    if "AP401" in enabled:
        name, ranks = _ranks(config)
        for section in sections(units):
            yield from slot_order(source, section, ranks, name, dialect)
    negatives = _negative_tags(negative) if negative and "AP604" in enabled else frozenset()
    rules = TagRules(
        "AP601" in enabled, "AP602" in enabled, "AP603" in enabled, vocabulary, negatives
    )
    if rules.active:
        for part in subprompts(units):
            yield from tag_rules(source, part, dialect, rules)
    if "AP111" in enabled and dialect in config.dialects:
        for other in config.dialects:
            if other != dialect:
                yield from dialect_differences(source, other, units)


@functools.lru_cache(maxsize=64)
def _ranks(config: LintConfig) -> tuple[str, Mapping[Slot, int]]:
    ordering = config.ordering
    return ordering.name, {slot: rank for rank, slot in enumerate(ordering.slots)}


@functools.lru_cache(maxsize=256)
def _negative_tags(negative: str) -> frozenset[str]:
    return frozenset(tag.text for tag in parse_items(negative).tags())


def _diagnostic(found: Finding, source: str, path: str | None) -> Diagnostic:
    rule = RULES[found.code]
    edit = None
    if found.fix is not None and rule.fix == "safe":
        start, end, replacement = found.fix
        edit = Fix((start, end), replacement)
    start = found.span[0]
    line = source.count("\n", 0, start) + 1
    column = start - (source.rfind("\n", 0, start) + 1) + 1
    # Positional: keywords cost a lint of many findings a tenth of its time.
    return Diagnostic(
        found.code,
        rule.name,
        found.message,
        found.span,
        rule.severity,
        line,
        column,
        path,
        found.slot,
        found.suggestion,
        edit,
        found.related,
    )


def _non_overlapping(edits: Iterable[Fix]) -> list[Fix]:
    """The edits to make in one pass: the shortest first, none overlapping another."""
    chosen: list[Fix] = []
    for edit in sorted(edits, key=lambda e: (e.span[1] - e.span[0], e.span)):
        start, end = edit.span
        if all(end <= s or start >= e for s, e in (c.span for c in chosen)):
            chosen.append(edit)
    return chosen
