"""What one comma-separated unit says on its own: spelling, vocabulary and weight findings.

A unit's analysis depends only on its source text, what the parser read from it, the
dialect and the vocabulary, so it is memoised on those: a batch of prompts repeats its
tags, and each is looked at once. Offsets in a :class:`Finding` are relative to the
unit's start.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from ..card.words import PaintingStyle, Quality, card_examples
from ..errors import did_you_mean
from ..model.items import Phrase, PromptItem, Run, Tag
from ..model.ordering import Slot
from ..model.parser import parse_items, simple_items
from ..syntax.normalize import Dialect, escape, format_weight, normalize_spelling, same_weight
from ..syntax.normalize import unescape as unescape_text
from ..vocab._slot_column import ColumnAnswer, known_tag
from ..vocab._tables import CATEGORY_INDEX
from ..vocab.classify import Classification, classify
from ..vocab.vocabulary import TagCategory, Vocabulary

__all__ = [
    "Finding",
    "UnitFacts",
    "character_series",
    "self_contained",
    "tag_facts",
    "unit_facts",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's finding, relative to some start offset (a unit's, or the prompt's)."""

    code: str
    message: str
    span: tuple[int, int]
    suggestion: str | None = None
    fix: tuple[int, int, str] | None = None  # (start, end, replacement)
    slot: str | None = None
    related: tuple[int, int] | None = None  # what it refers back to (a first occurrence)

    def shifted(self, offset: int, slot: Slot | None = None) -> Finding:
        """The finding ``offset`` further on (in the unit's ``slot``, if given)."""
        start, end = self.span
        fix = self.fix
        moved = None if fix is None else (fix[0] + offset, fix[1] + offset, fix[2])
        where = slot.value if slot is not None else self.slot
        span = (start + offset, end + offset)
        related = self.related
        if related is not None:
            related = (related[0] + offset, related[1] + offset)
        return Finding(self.code, self.message, span, self.suggestion, moved, where, related)


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """A unit's slot and canonical text (for the prompt-wide rules) and its findings."""

    slot: Slot | None
    text: str | None  # the canonical tag, for a Tag unit
    findings: tuple[Finding, ...]


# Full-width punctuation and the ideographic space, as typed on a Chinese or Japanese
# keyboard: NFKC turns them into ASCII syntax characters (or a space).
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
# A weight at the end of a group's text: ``(text:1.2)``.
_WEIGHT_TAIL = re.compile(r"\s*:\s*[+-]?[.\d]+\s*$")
# An explicit weight of exactly 1: ``(text:1)``, ``(text:1.0)``.
_ONE = re.compile(r"\s*:\s*\+?1(?:\.0*)?\s*$")
# Text whose meaning depends on what is around it: never moved into another group.
_CONTEXTUAL = re.compile(r"BREAK|AND|[<|]")
# A1111 reads a trailing ":number" of a prompt as its weight (see AP110).
TRAILING_NUMBER = re.compile(r":\s*[-+]?(?:\d+\.?|\d*\.\d+)\s*$")
_QUALITY_WORDS = frozenset({"masterpiece"})
_COMMA = re.compile(r"\s*,\s*")
_SYNTAX_LEFTOVER = re.compile(r"[()\[\]:|<>\\]")
_STYLE_SUFFIXES = (" style", " painting", " art")
_CARD_FORMS = frozenset(
    {
        "by-prefix",
        "character-trigger",
        "named-character",
        "character-tag",
        "quality-level",
        "painting-style",
        "aesthetic-example",
        "people-count",
        "kaomoji",
    }
)
# A slot rule's phrase ("in the forest") is the card's style; one that is this close to
# a Danbooru tag is a typo of it.
_TYPO_SCORE = 88.0


def _escaped(raw: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd run of backslashes."""
    count = 0
    while index - count - 1 >= 0 and raw[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def body_of(raw: str) -> tuple[int, int, int, bool]:
    """Where a unit's text sits inside its brackets: ``(start, end, opening brackets,
    weighted)``, with the weight of an outer ``(text:w)`` left out."""
    start, end = 0, len(raw)
    while start < end and raw[start] in "([":
        start += 1
    opened = start
    while end > start and raw[end - 1] in ")]" and not _escaped(raw, end - 1):
        end -= 1
    weighted = False
    if opened:
        tail = _WEIGHT_TAIL.search(raw, start, end)
        if tail is not None:
            end = tail.start()
            weighted = True
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    return start, end, opened, weighted


def self_contained(raw: str, item: PromptItem, dialect: Dialect) -> bool:
    """Whether the unit's text, read alone, is the same item (so it can be moved)."""
    return _alone(raw, dialect) == (item,)


@functools.lru_cache(maxsize=65536)
def _alone(raw: str, dialect: Dialect) -> tuple[PromptItem, ...] | None:
    """The items of a unit's text read alone; None when it leans on what is around it."""
    if _CONTEXTUAL.search(raw) or TRAILING_NUMBER.search(raw):
        return None
    simple = simple_items(raw) if dialect == "a1111" else None
    if simple is not None:  # the parser's shortcut: what the full reader reads, unrepaired
        return tuple(simple)
    result = parse_items(raw, dialect)
    return None if result.repairs else result.items


def unit_facts(
    raw: str, items: tuple[PromptItem, ...], dialect: Dialect, vocabulary: Vocabulary
) -> UnitFacts:
    """The findings of one unit: ``raw`` is its source text, ``items`` what the parser
    read there (several tags when a full-width comma split it)."""
    first = items[0]
    if isinstance(first, Phrase):
        slot = classify(first.text, vocabulary).slot
        return UnitFacts(slot, None, tuple(_phrase_spelling(raw, first, dialect)))
    if not isinstance(first, Tag):
        return UnitFacts(None, None, ())
    if _written_plainly(raw, first.text, items):  # most units of most prompts
        known = known_tag(first.text, vocabulary)
        if known is not None and _nothing_to_say(known):
            return UnitFacts(known.slot, first.text, ())
    return tag_facts(raw, items, dialect, vocabulary)


def tag_facts(
    raw: str, items: tuple[PromptItem, ...], dialect: Dialect, vocabulary: Vocabulary
) -> UnitFacts:
    """:func:`unit_facts` of a unit whose first item is a :class:`Tag`, by every rule
    (never by the slot column's shortcut, which a test holds equal to this)."""
    first = cast("Tag", items[0])
    found = classify(first, vocabulary)
    findings = [
        *([] if _as_spelled(raw, first.text, items) else _spelling(raw, items, dialect)),
        *_vocabulary(raw, first, found, dialect, vocabulary),
        *(_emphasis(raw, dialect) if raw[:1] in ("(", "[") else ()),  # most units: none
    ]
    return UnitFacts(found.slot, first.text, tuple(findings))


def _nothing_to_say(known: ColumnAnswer) -> bool:
    """Whether the rules have nothing to say of a tag of the default vocabulary's
    Danbooru table written as the card spells it, by what the slot column says of it:
    it is no meta tag (AP305), no quality word (AP304), and no artist or character to
    write in the card's form (AP206, AP207). The general path agrees (a test holds the
    two equal over the table)."""
    return not known.meta and known.slot is not Slot.quality and known.rule not in _FORM_RULES


# The rules whose tags the card writes in a form of its own (``by x``, ``1 x``).
_FORM_RULES = ("artist-category", "character-category")


def _written_plainly(raw: str, text: str, items: tuple[PromptItem, ...]) -> bool:
    """Whether the unit is its one tag written as the card spells it, bare or as
    ``(text:weight)`` with a weight that is not 1 (so AP502 has nothing to say): no
    spelling, escape or emphasis rule speaks of it."""
    if raw == text:
        return _as_spelled(raw, text, items)
    return (
        len(items) == 1
        and raw[:1] == "("
        and raw.startswith(text, 1)
        and _PLAIN_WEIGHT.fullmatch(raw, len(text) + 1) is not None
        and _as_spelled(text, text, items)
    )


# ``:weight)`` after a group's text, the weight a plain number that is not 1.
_PLAIN_WEIGHT = re.compile(r":(?!\+?1(?:\.0*)?\))\+?(?:\d+\.?\d*|\.\d+)\)")


def _as_spelled(raw: str, text: str, items: tuple[PromptItem, ...]) -> bool:
    """Whether the unit is its one tag written exactly as the card spells it, with no
    bracket or escape (most units): :func:`_spelling` has nothing to say of it."""
    return (
        raw == text
        and len(items) == 1
        and "\\" not in raw
        and raw[:1] not in ("(", "[")
        and raw[-1:] not in (")", "]")
    )


# --- spelling (AP201, AP204, AP205) ----------------------------------------------------


def _spelling(raw: str, items: tuple[PromptItem, ...], dialect: Dialect) -> list[Finding]:
    tags = [item for item in items if isinstance(item, Tag)]
    start, end, _, weighted = body_of(raw)
    body = raw[start:end]
    written = unescape_text(body, dialect) if "\\" in body else body
    spelled = ", ".join(tag.text for tag in tags)
    if written == spelled:  # written as the card spells it, most units: nothing to say
        return []
    if _COMMA.sub(",", normalize_spelling(written)) != _COMMA.sub(",", spelled):
        return []  # the unit is not simply its text in brackets: nothing to say here
    if len(tags) > 1 and weighted:
        fix = None
    else:
        replacement = ", ".join(escape(tag.text, dialect, weighted=weighted) for tag in tags)
        fix = (start, end, replacement)
    return _misspellings(body, written, spelled, tags[0].text, (start, end), fix)


def _misspellings(
    body: str,
    written: str,
    spelled: str,
    canonical: str,
    span: tuple[int, int],
    fix: tuple[int, int, str] | None,
) -> list[Finding]:
    """AP201, AP204 and AP205 of one stretch of text: ``body`` as written in the source
    (at ``span``), ``written`` unescaped, ``spelled`` as the card spells it."""
    underscores = written.count("_") > spelled.count("_")
    full_width = _FULL_WIDTH.search(written)
    rest = written.replace("_", " ") if underscores else written
    rest = unicodedata.normalize("NFKC", rest) if full_width else rest
    respaced = _COMMA.sub(",", rest) != _COMMA.sub(",", spelled)
    findings = []
    if underscores:
        message = f"{body!r} is written with underscores; the card spells it {canonical!r}"
        findings.append(Finding("AP201", message, span, canonical, fix))
    if full_width:
        message = (
            f"full-width {full_width.group(0)!r} in {body!r}; the tools do not read it as "
            f"{unicodedata.normalize('NFKC', full_width.group(0)).strip() or 'a space'!r}"
        )
        findings.append(Finding("AP204", message, span, spelled, fix))
    if respaced:
        message = f"{body!r} is not in canonical case and spacing: {spelled!r}"
        findings.append(Finding("AP205", message, span, spelled, fix))
    return findings


# The pieces of a phrase's source: a bracket, a weight before ')', text (escapes
# included), or anything else (a colon, a lone backslash at the end).
_PHRASE_PIECE = re.compile(
    r"(?P<bracket>[()\[\]])|(?P<weight>:\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*(?=\)))"
    r"|(?P<text>(?:\\.|[^()\[\]\\:])+)|(?P<other>.)",
    re.DOTALL,
)
# Text of a phrase that is syntax of some other kind (an alternation, a network): its
# runs are left alone.
_PHRASE_SYNTAX = re.compile(r"(?<!\\)[|<>]")


def _phrase_spelling(raw: str, phrase: Phrase, dialect: Dialect) -> list[Finding]:
    """The spelling rules on each run of a phrase (``a (White_Hair:1.2) dress``), each
    at the run's own span with a fix that re-spells only that run. A phrase whose
    pieces are not simply its runs between brackets is left alone."""
    runs = [part.text.strip() for part in phrase.parts if isinstance(part, Run)]
    if len(runs) != len(phrase.parts) or dialect != "a1111":
        return []
    stretches = _phrase_stretches(raw)
    runs = [run for run in runs if run]
    if stretches is None or len(stretches) != len(runs):
        return []
    findings: list[Finding] = []
    for (start, end, weighted), run in zip(stretches, runs, strict=True):
        body = raw[start:end]
        written = unescape_text(body, dialect) if "\\" in body else body
        spelled = normalize_spelling(written)
        if spelled != run:
            return []  # the parser read this stretch otherwise: say nothing
        fix = (start, end, escape(spelled, dialect, weighted=weighted))
        findings += _misspellings(body, written, spelled, spelled, (start, end), fix)
    return findings


def _phrase_stretches(raw: str) -> list[tuple[int, int, bool]] | None:
    """``(start, end, a weight follows)`` of each stretch of text between a phrase's
    brackets, edge spaces left out; None when the phrase holds other syntax."""
    stretches: list[tuple[int, int, bool]] = []
    for piece in _PHRASE_PIECE.finditer(raw):
        kind = piece.lastgroup
        if kind == "weight" and stretches and stretches[-1][1] == piece.start():
            stretches[-1] = (*stretches[-1][:2], True)
        elif kind == "other" or (kind == "text" and _PHRASE_SYNTAX.search(piece.group())):
            return None
        elif kind == "text":
            start, end = piece.span()
            start += len(piece.group()) - len(piece.group().lstrip())
            end -= len(piece.group()) - len(piece.group().rstrip())
            if start < end:
                stretches.append((start, end, False))
    return stretches


# --- vocabulary (AP206, AP207, AP301-AP305) -------------------------------------------


def _vocabulary(
    raw: str, tag: Tag, found: Classification, dialect: Dialect, vocabulary: Vocabulary
) -> list[Finding]:
    text = tag.text
    span = (0, len(raw))
    if found.meta:
        message = f"{text!r} is a meta tag; the card's training captions leave meta tags out"
        return [Finding("AP305", message, span, f"remove {text!r}")]
    quality = _quality_word(text, found.slot, span)
    if quality is not None:
        return [quality]
    if vocabulary.locate(text) is not None:
        return _card_forms(raw, tag, dialect, found.rule, vocabulary)
    target = vocabulary.canonical(text)
    if target != text and text not in _card_example_words():  # the card's own words stay
        message = f"{text!r} is a deprecated alias of {target!r}"
        return [Finding("AP302", message, span, target, _respelled(raw, tag, target, dialect))]
    return _unlisted(raw, tag, dialect, found.rule, vocabulary)


def _unlisted(
    raw: str, tag: Tag, dialect: Dialect, rule: str, vocabulary: Vocabulary
) -> list[Finding]:
    """A tag the vocabulary does not hold: a character's name without its series, a
    near miss of a painting style, or an unknown tag."""
    series = _series_missing(raw, tag, dialect, vocabulary, rule)
    if series is not None:
        return [series]
    text = tag.text
    span = (0, len(raw))
    style = _painting_style_miss(text)
    if style is not None:
        message = f"{text!r} is not one of the card's 11 painting styles; did you mean {style!r}?"
        return [Finding("AP303", message, span, style)]
    return _unknown(text, rule, span, vocabulary)


def _card_forms(
    raw: str, tag: Tag, dialect: Dialect, rule: str, vocab: Vocabulary
) -> list[Finding]:
    text = tag.text
    span = (0, len(raw))
    if rule == "artist-category":
        message = f"{text!r} is an artist; the card writes artists 'by {text}'"
        better = f"by {text}"
        return [Finding("AP206", message, span, better, _respelled(raw, tag, better, dialect))]
    if rule == "character-category" and vocab.category(text) is TagCategory.character:
        message = f"{text!r} is a character; the card triggers characters as '1 {text}'"
        better = f"1 {text}"
        return [Finding("AP207", message, span, better, _respelled(raw, tag, better, dialect))]
    return []


# How many of a bare name's characters an AP208 message lists.
_SHOWN_CHARACTERS = 3


def _series_missing(
    raw: str, tag: Tag, dialect: Dialect, vocab: Vocabulary, rule: str
) -> Finding | None:
    """AP208: ``1 ganyu`` (or a bare ``ganyu`` no rule places) where the vocabulary knows
    the character only with its series, ``ganyu (genshin impact)``. With one such
    character the card's full trigger is suggested, and is the fix of a name written as
    a trigger (``1 <name>``: a bare name may be a plain word, ``aardvark``); with several
    the message lists the best known."""
    text = tag.text
    trigger_form = text.startswith("1 ")
    name = text[2:] if trigger_form else text
    if not name or "(" in name or _is_character(name, vocab):
        return None
    if not trigger_form and (rule != "default" or text in _card_example_words()):
        return None
    known = character_series(vocab).get(name)
    if not known:
        return None
    names = sorted(known, key=lambda qualified: -vocab.post_count(qualified))  # best first
    span = (0, len(raw))
    if len(names) == 1:
        trigger = f"1 {names[0]}"
        if not trigger_form:
            message = (
                f"{text!r} is no tag; if it means the character {names[0]!r}, the card's "
                f"trigger is {trigger!r}"
            )
            return Finding("AP208", message, span, trigger)
        message = (
            f"{text!r} leaves out the series of {names[0]!r}; the card's trigger is {trigger!r}"
        )
        return Finding("AP208", message, span, trigger, _respelled(raw, tag, trigger, dialect))
    shown = ", ".join(repr(f"1 {shown}") for shown in names[:_SHOWN_CHARACTERS])
    more = len(names) - _SHOWN_CHARACTERS
    rest = f" and {more} more" if more > 0 else ""
    message = f"{text!r} leaves out the series of a character; which one: {shown}{rest}?"
    return Finding("AP208", message, span)


def _is_character(name: str, vocab: Vocabulary) -> bool:
    found = vocab.locate(name)
    return found is not None and found[0].category_of(found[1]) is TagCategory.character


@functools.lru_cache(maxsize=8)
def character_series(vocab: Vocabulary) -> Mapping[str, tuple[str, ...]]:
    """Bare name -> the vocabulary's character tags that are that name with one last
    qualifier (``ganyu`` -> ``ganyu (genshin impact)``), in table order. Built once per
    vocabulary, on the first name that needs it.

    >>> character_series(Vocabulary.default())["ganyu"]
    ('ganyu (genshin impact)',)
    """
    found: dict[str, list[str]] = {}
    character = re.compile(re.escape(bytes([CATEGORY_INDEX[TagCategory.character]])))
    for layer in vocab.tables:
        table = layer.unpacked()
        names = table.names
        # The category column is bytes: finding the characters' positions there runs in
        # C, where a loop over every name would not.
        for match in character.finditer(table.categories):
            name = names[match.start()]
            if name.endswith(")"):
                bare, _, qualifier = name.rpartition(" (")
                if bare and qualifier:
                    found.setdefault(bare, []).append(name)
    return MappingProxyType({bare: tuple(dict.fromkeys(names)) for bare, names in found.items()})


def _quality_word(text: str, slot: Slot, span: tuple[int, int]) -> Finding | None:
    if slot is not Slot.quality:
        return None
    levels = [level.value for level in Quality]
    if text in levels:
        return None
    if text not in _QUALITY_WORDS and not text.endswith(" quality"):
        return None
    close = did_you_mean(text, levels)
    hint = close or f"; use one of: {', '.join(levels)}"
    message = f"{text!r} is not one of the card's 6 quality levels{hint}"
    suggestion = close[len("; did you mean '") : -2] if close else Quality.amazing.value
    return Finding("AP304", message, span, suggestion)


def _painting_style_miss(text: str) -> str | None:
    """The painting style ``text`` seems to mean: the same word spelled apart
    (``flat pasto``, ``flat colour``), with a suffix (``impasto style``), or one word
    one typo away (``impasta``)."""
    styles = {_compact(style.value): style.value for style in PaintingStyle}
    for suffix in _STYLE_SUFFIXES:
        if text.endswith(suffix) and _compact(text[: -len(suffix)]) in styles:
            return styles[_compact(text[: -len(suffix)])]
    if _compact(text) in styles:
        return styles[_compact(text)]
    if " " in text:
        return None
    close = did_you_mean(text, styles.values())
    return close[len("; did you mean '") : -2] if close else None


def _compact(text: str) -> str:
    return text.replace("colour", "color").replace(" ", "").replace("-", "")


@functools.cache
def _card_example_words() -> frozenset[str]:
    return frozenset(word for words in card_examples().values() for word in words)


def _unknown(text: str, rule: str, span: tuple[int, int], vocab: Vocabulary) -> list[Finding]:
    if rule in _CARD_FORMS or rule.startswith("list:") or text in _card_example_words():
        return []
    if _SYNTAX_LEFTOVER.search(text):
        return []  # brackets or colons a repair left in the text: the syntax rule speaks
    if rule != "default" and not rule.startswith("pattern:"):
        return []
    # (imported here: a prompt of known tags never asks for a suggestion)
    from ..vocab.suggest import suggest  # noqa: PLC0415

    best = next(iter(suggest(text, 1, vocab)), None)
    if rule != "default" and (best is None or best.why != "fuzzy" or best.score < _TYPO_SCORE):
        return []
    if best is not None and best.tag != text:
        message = f"unknown tag {text!r}; did you mean {best.tag!r}?"
        return [Finding("AP301", message, span, best.tag)]
    return [Finding("AP301", f"unknown tag {text!r}", span)]


def _respelled(raw: str, tag: Tag, target: str, dialect: Dialect) -> tuple[int, int, str] | None:
    """The edit that writes ``target`` in place of the tag's text, when the unit is
    simply that text (in brackets, perhaps weighted)."""
    start, end, _, weighted = body_of(raw)
    body = raw[start:end]
    written = unescape_text(body, dialect) if "\\" in body else body
    if normalize_spelling(written) != tag.text:
        return None
    return start, end, escape(target, dialect, weighted=weighted)


# --- emphasis (AP502, AP503) -----------------------------------------------------------


def _emphasis(raw: str, dialect: Dialect) -> list[Finding]:
    """``(x:1)`` and ``((x))``. The weights are the unit's own (read alone): brackets
    around the unit multiply it and its replacement alike."""
    start, end, opened, weighted = body_of(raw)
    if not opened or raw[0] != raw[opened - 1] or len(raw) - end < opened:
        return []
    body = raw[start:end]
    if any(char in body for char in "()[]") and "\\" not in body:
        return []
    alone = _alone(raw, dialect)
    if alone is None or len(alone) != 1 or not isinstance(alone[0], Tag):
        return []
    weight = alone[0].weight
    if weighted and TRAILING_NUMBER.search(body):
        return []  # '(aspect 16:9:1)': the weight 1 keeps A1111 from reading ':9' (AP110)
    if weighted and opened == 1 and raw[0] == "(" and _ONE.search(raw, end, len(raw) - 1):
        replacement = body
        code, message = "AP502", f"{raw!r} has the weight 1, which changes nothing"
    elif opened >= 2:
        replacement = f"({body}:{format_weight(weight)})"
        code = "AP503"
        message = f"nested emphasis {raw!r} is the weight {format_weight(weight)}"
    else:
        return []
    fix = (0, len(raw), replacement) if _same_tag(_alone(replacement, dialect), alone[0]) else None
    return [Finding(code, message, (0, len(raw)), replacement, fix)]


def _same_tag(items: tuple[PromptItem, ...] | None, tag: Tag) -> bool:
    """Whether ``items`` is exactly ``tag`` (the same float32 weight)."""
    if items is None or len(items) != 1 or not isinstance(items[0], Tag):
        return False
    return items[0].text == tag.text and same_weight(items[0].weight, tag.weight)
