"""Which slot a tag belongs in, and the rule that decided it.

Evidence is weighed in this order, and the first rule that applies wins:

1. the model card's explicit forms: ``by <artist>``, ``1 <character> (<series>)``,
   ``a girl named <character> from <series> series``, the six ``<level> quality``
   words, the eleven painting-style words, the card's aesthetic examples, people
   counts written with a space (``2 girls``) and kaomoji;
2. the vocabulary's category: artist -> art style (written ``by <artist>``), character
   and copyright -> character, meta and rating -> kept out of the prompt (the
   default vocabulary embeds the Danbooru table, so ``wlop`` is an artist and
   ``ganyu (genshin impact)`` a character with no file given);
3. the card's form ``<character> (<series>)`` for a name the vocabulary does not know
   (``frieren (sousou no frieren)``), unless its qualifier is one Danbooru uses for
   general tags (``(cosplay)``, ``(chess)``: ``data/vocab/general_qualifiers.txt``)
   and its name is not a known character; a known general tag (``bishop (chess)``)
   never gets this far;
4. the curated lists of ``data/tags/slots/*.yaml`` and ``data/tags/meta.yaml``;
5. the patterns of ``data/tags/patterns.yaml`` (``... hair``, ``holding ...``);
6. the default slot, :data:`DEFAULT_SLOT`.

The rule names are listed in :data:`RULES`; curated and pattern rules are written
``list:<group>`` and ``pattern:<name>``.

>>> found = classify("by yoneyama mai")
>>> found.slot, found.rule
(<Slot.art_style: 'art_style'>, 'by-prefix')
>>> found = classify("wlop")
>>> found.text, found.rule
('by wlop', 'artist-category')
>>> classify("frieren (sousou no frieren)").rule
'character-tag'
>>> classify("impasto").slot.value
'painting_style'
>>> classify("silver_hair").rule
'pattern:hair-color'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from .._data import read_vocab_file
from ..card.words import card_words
from ..errors import AidxlPromptError
from ..model.items import Tag, construct_valid
from ..model.ordering import Slot
from ..syntax.normalize import CanonicalTag, normalize_tag
from ._slot_column import precomputed
from ._slot_rules import slot_rules
from .vocabulary import TagCategory, Vocabulary

__all__ = [
    "DEFAULT_SLOT",
    "RULES",
    "Classification",
    "classify",
    "classify_by_rules",
    "placement",
    "rule_description",
]

DEFAULT_SLOT = Slot.secondary_description
"""Where a tag that no rule knows goes: the card's last, weakest slot."""

RULES: Mapping[str, str] = {
    "by-prefix": "the card's artist form 'by <artist>'",
    "character-trigger": "the card's character form '1 <character> (<series>)'",
    "named-character": "the card's form 'a girl/boy named <character> from <series> series'",
    "character-tag": "the card's form '<character> (<series>)', a name the vocabulary "
    "does not know",
    "quality-level": "one of the card's six quality levels",
    "painting-style": "one of the card's eleven painting-style words",
    "aesthetic-example": "an aesthetic tag the card names",
    "people-count": "a people count written with a space ('2 girls')",
    "kaomoji": "a Danbooru kaomoji face",
    "artist-category": "the vocabulary lists it as an artist",
    "character-category": "the vocabulary lists it as a character",
    "copyright-category": "the vocabulary lists it as a copyright (series)",
    "meta-category": "the vocabulary lists it as a meta tag",
    "rating-category": "the vocabulary lists it as a rating",
    "list": "listed in a curated group of data/tags (rule 'list:<group>')",
    "pattern": "matched a pattern of data/tags/patterns.yaml (rule 'pattern:<name>')",
    "default": "no rule applied",
}
"""Every rule name :func:`classify` can report (``list`` and ``pattern`` take a suffix)."""


class Classification(BaseModel):
    """A slot, the name of the rule that chose it, and how the tag enters a prompt.

    ``text`` is the tag as a prompt should hold it (an artist from the vocabulary gets
    the card's ``by`` prefix); ``meta`` marks meta and rating tags (``highres``), which
    are kept out of prompts unless asked for.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    slot: Slot
    rule: str
    text: str = ""
    meta: bool = False


def _found(*, slot: Slot, rule: str, text: str, meta: bool = False) -> Classification:
    """A result from values this module computed itself: no validation pass (building
    the model's schema would cost a CLI start tens of milliseconds)."""
    fields = {"slot": slot, "rule": rule, "text": text, "meta": meta}
    return construct_valid(Classification, fields, {"slot", "rule", "text", "meta"})


_PEOPLE_COUNT = re.compile(r"(?:[1-9]|6\+) (?:girl|boy|other)s?")
_CHARACTER_TRIGGER = re.compile(r"1 (?!(?:girl|boy|other)s?$)\S.*")
_NAMED_CHARACTER = re.compile(r"an? (?:girl|boy|man|woman) named \S.*")

_CATEGORY_SLOTS: Mapping[TagCategory, tuple[Slot, str]] = {
    TagCategory.artist: (Slot.art_style, "artist-category"),
    TagCategory.character: (Slot.character, "character-category"),
    TagCategory.copyright: (Slot.character, "copyright-category"),
    TagCategory.meta: (DEFAULT_SLOT, "meta-category"),
    TagCategory.rating: (DEFAULT_SLOT, "rating-category"),
}


def _explicit(text: str) -> Classification | None:
    """Rule 1: the card's own forms."""
    if text.startswith("by ") and len(text) > 3:
        return _found(slot=Slot.art_style, rule="by-prefix", text=text)
    if _PEOPLE_COUNT.fullmatch(text):
        return _found(slot=Slot.character, rule="people-count", text=text)
    if _CHARACTER_TRIGGER.fullmatch(text):
        return _found(slot=Slot.character, rule="character-trigger", text=text)
    if _NAMED_CHARACTER.fullmatch(text):
        return _found(slot=Slot.character, rule="named-character", text=text)
    card = card_words().get(text)
    if card is not None:
        return _found(slot=card[0], rule=card[1], text=text)
    return None


def _category(text: str, vocabulary: Vocabulary) -> TagCategory | None:
    """The vocabulary's category of canonical ``text`` (aliases resolved), or None."""
    found = vocabulary.resolve(CanonicalTag(text))[1]
    return None if found is None else found[0].category_of(found[1])


def _from_category(text: str, category: TagCategory) -> Classification | None:
    """Rule 2: the vocabulary's category (general tags go on to the lists)."""
    if category is TagCategory.general:
        return None
    slot, rule = _CATEGORY_SLOTS[category]
    written = f"by {text}" if category is TagCategory.artist else text
    meta = category in (TagCategory.meta, TagCategory.rating)
    return _found(slot=slot, rule=rule, text=written, meta=meta)


# The card's ``<character> (<series>)``: the last parenthesised group is the qualifier.
_QUALIFIED_NAME = re.compile(r"(.+?) \(([^()]+)\)")


@functools.cache
def _general_qualifiers() -> frozenset[str]:
    """Qualifiers Danbooru uses for general tags (built by ``scripts/build_vocab.py``)."""
    return frozenset(read_vocab_file("general_qualifiers.txt").decode("utf-8").splitlines())


def _character_form(text: str, vocabulary: Vocabulary) -> Classification | None:
    """Rule 3: an unknown ``<character> (<series>)``, unless it looks like a general tag."""
    found = _QUALIFIED_NAME.fullmatch(text)
    if found is None:
        return None
    name, qualifier = found.groups()
    if (
        qualifier in _general_qualifiers()
        and _category(normalize_tag(name), vocabulary) is not TagCategory.character
    ):
        return None
    return _found(slot=Slot.character, rule="character-tag", text=text)


_PATTERN_LENGTH = 200


def _from_rules(text: str) -> Classification | None:
    """Rules 3 and 4: the curated lists, then the patterns."""
    rules = slot_rules()
    entry = rules.curated.get(text)
    if entry is not None:
        slot = entry.slot if entry.slot is not None else DEFAULT_SLOT
        return _found(slot=slot, rule=f"list:{entry.group}", text=text, meta=entry.slot is None)
    # Patterns are for tag-sized text; a longer "tag" (a sentence, or run-on input with
    # no commas) would only make them backtrack, and no pattern is meant for it.
    pattern = rules.match_pattern(text) if len(text) <= _PATTERN_LENGTH else None
    if pattern is not None:
        return _found(slot=pattern.slot, rule=f"pattern:{pattern.name}", text=text)
    return None


def classify(
    tag: Tag | str, vocabulary: Vocabulary | None = None, *, remember: bool = True
) -> Classification:
    """Return the slot of ``tag`` with the rule that decided it. Never raises on a str.

    ``vocabulary`` supplies categories (artists, characters, meta tags); it defaults
    to :meth:`~aidxl_prompt.vocab.vocabulary.Vocabulary.default` (the embedded Danbooru table and
    the built-in data). Each (text, vocabulary) is classified once and remembered;
    ``remember=False`` is for a caller that keeps its own memo of what it derives
    (``parse`` keeps each segment's reading), sparing a second copy.

    >>> classify("1 frieren (sousou no frieren)").rule
    'character-trigger'
    >>> classify("holding a magic wand").slot.value
    'other_items'
    >>> classify("highres").meta
    True
    >>> classify("qwzx").rule
    'default'
    """
    text = tag.text if isinstance(tag, Tag) else normalize_tag(tag)
    if not text:
        return _found(slot=DEFAULT_SLOT, rule="default", text=text)
    vocab = vocabulary if vocabulary is not None else Vocabulary.default()
    if remember and len(text) <= _MEMO_LENGTH:
        return _classify_memo(text, vocab)
    return _classify_text(text, vocab)


# A batch of prompts repeats its tags: each (text, vocabulary) is classified once. Only
# short texts are memoised, and the results are frozen, so sharing them is safe.
_MEMO_LENGTH = 256


@functools.lru_cache(maxsize=65536)
def _classify_memo(text: str, vocab: Vocabulary) -> Classification:
    return _classify_text(text, vocab)


def _classify_text(text: str, vocab: Vocabulary) -> Classification:
    """:func:`classify` of canonical, non-empty text."""
    answer = precomputed(text, vocab)  # a Danbooru name in the default vocabulary
    if answer is not None:
        return _found(
            slot=answer.slot, rule=answer.rule, text=answer.prefix + text, meta=answer.meta
        )
    return classify_by_rules(text, vocab)


def placement(text: str, vocabulary: Vocabulary) -> tuple[Slot, str]:
    """The slot of canonical, non-empty ``text`` and the text a prompt holds for it: the
    ``slot`` and ``text`` of :func:`classify`, not remembered, with no
    :class:`Classification` built (a reader places every new tag of a batch).

    >>> placement("wlop", Vocabulary.default())
    (<Slot.art_style: 'art_style'>, 'by wlop')
    """
    answer = precomputed(text, vocabulary)
    if answer is not None:
        return answer.slot, answer.prefix + text
    found = classify_by_rules(text, vocabulary)
    return found.slot, found.text


def classify_by_rules(text: str, vocab: Vocabulary) -> Classification:
    """:func:`classify` of canonical, non-empty text by the rules themselves, never by
    the precomputed column (which ``scripts/build_slot_tables.py`` writes with this)."""
    found = _explicit(text)
    if found is not None:
        return found
    resolved, where = vocab.resolve(CanonicalTag(text))
    category = None if where is None else where[0].category_of(where[1])
    known = _from_category(text, category) if category is not None else None
    found = known or (_character_form(text, vocab) if category is None else None)
    found = found or _from_rules(text)
    if found is not None:
        return found
    if resolved != text:
        found = _from_rules(resolved)
        if found is not None:
            return found.model_copy(update={"text": text})
    return _found(slot=DEFAULT_SLOT, rule="default", text=text)


def rule_description(rule: str) -> str:
    """What a rule name reported by :func:`classify` means.

    >>> rule_description("pattern:hair-color")
    "matched a pattern of data/tags/patterns.yaml (rule 'pattern:<name>')"
    """
    base = rule.split(":", 1)[0]
    if base not in RULES:
        raise AidxlPromptError(f"unknown classification rule {rule!r}")
    return RULES[base]
