"""The card's closed sets of words: painting styles, quality levels, aesthetics.

The words come from ``data/tags/card.yaml``; the enums list the same words (a test
checks it), so that code can name them and type checkers can see them.

>>> PaintingStyle("flat-pasto").description
'Nearly flat color, using gradient color to describe lighting and shadow.'
>>> Quality.amazing > Quality.best
True
>>> PaintingStyle.parse("Flat_Color")
<PaintingStyle.flat_color: 'flat color'>
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol, TypeVar

from .._data import frozen, load_builtin_yaml
from ..errors import CardValueError, DataFileError, did_you_mean
from ..model.items import Tag
from ..model.ordering import Slot
from ..syntax.normalize import kaomoji_names, normalize_tag

__all__ = [
    "STYLE_PREFIX",
    "THEME_SUFFIX",
    "Aesthetic",
    "CardValue",
    "CategoryLookup",
    "PaintingStyle",
    "Quality",
    "aesthetic_examples",
    "card_data",
    "card_examples",
    "card_words",
]

STYLE_PREFIX = "by "
"""The card's art-style prefix: ``by xxx`` tells the model it is a style, not a thing."""

THEME_SUFFIX = " theme"
"""The card's theme form: ``fantasy theme``."""


@functools.cache
def card_data() -> Mapping[str, object]:
    """The parsed ``card.yaml``, frozen (shared by every caller: mappings are read-only
    views and lists are tuples).

    >>> card_data()["quality_levels"][0]
    'amazing quality'
    """
    raw = load_builtin_yaml("card.yaml")
    if not isinstance(raw, dict):
        raise DataFileError("card.yaml: expected a mapping")
    data = frozen(raw)
    assert isinstance(data, Mapping)
    return data


class CategoryLookup(Protocol):
    """What :meth:`ArtStyle.from_tag` needs of a vocabulary: a tag's category."""

    def category(self, tag: str) -> object:
        """The tag's category (an enum whose value is ``"artist"`` for artists) or None."""


class CardValue(Protocol):
    """A typed card value: it knows which slots its tags go to."""

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The tags this value contributes, by slot."""


# --- painting styles and quality levels (closed sets) ---------------------------------

_Word = TypeVar("_Word", bound="enum.Enum")


def _closed_word(words: type[_Word], text: str, what: str) -> _Word:
    """The member of ``words`` that ``text`` names (its value in any spelling
    :func:`~aidxl_prompt.normalize_tag` reads, or its Python name), else a
    :class:`~aidxl_prompt.errors.CardValueError` with a did-you-mean."""
    key = normalize_tag(text) if isinstance(text, str) else text
    for word in words:
        if key == word.value or text == word.name:
            return word
    values = [str(word.value) for word in words]
    raise CardValueError(
        f"{text!r} is not one of the card's {what}{did_you_mean(str(key), values)} "
        f"(expected one of: {', '.join(values)})"
    )


class PaintingStyle(str, enum.Enum):
    """The card's 11 painting-style trigger words (from v0.7).

    >>> PaintingStyle.parse("Flat_Color")
    <PaintingStyle.flat_color: 'flat color'>
    """

    flat_color = "flat color"
    clean_color = "clean color"
    celluloid = "celluloid"
    flat_pasto = "flat-pasto"
    thin_pasto = "thin-pasto"
    pseudo_impasto = "pseudo-impasto"
    impasto = "impasto"
    realistic = "realistic"
    photorealistic = "photorealistic"
    cel_shading = "cel shading"
    three_d = "3d"

    @property
    def description(self) -> str:
        """The card's description of this style ('' where the card gives none)."""
        styles = card_data()["painting_styles"]
        assert isinstance(styles, Mapping)
        return str(styles.get(self.value) or "")

    @classmethod
    def parse(cls, text: str) -> PaintingStyle:
        """The painting style ``text`` names (any case, underscores or spaces).

        Anything but the card's 11 words is rejected with a did-you-mean:

        >>> PaintingStyle.parse("impasta")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        aidxl_prompt.errors.CardValueError: 'impasta' is not ...; did you mean 'impasto'? (...)
        """
        return _closed_word(cls, text, "painting styles")

    def tag(self, weight: float = 1.0) -> Tag:
        """This style as a tag."""
        return Tag(text=self.value, weight=weight)

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The painting-style slot holds this word."""
        return {Slot.painting_style: (self.tag(),)}


class Quality(str, enum.Enum):
    """The card's six quality levels; comparison follows the card (amazing is best).

    >>> [q.name for q in sorted([Quality.low, Quality.amazing, Quality.normal], reverse=True)]
    ['amazing', 'normal', 'low']
    >>> print(Quality.amazing.weighted())
    amazing quality
    >>> Quality.amazing.weighted().weight
    1.5
    """

    amazing = "amazing quality"
    best = "best quality"
    high = "high quality"
    normal = "normal quality"
    low = "low quality"
    worst = "worst quality"

    @property
    def rank(self) -> int:
        """0 for amazing (the best) to 5 for worst."""
        return list(Quality).index(self)

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Quality):
            return NotImplemented
        return self.rank < other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Quality):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        return self == other or self.__gt__(other) is True

    def __le__(self, other: object) -> bool:
        return self == other or self.__lt__(other) is True

    @classmethod
    def parse(cls, text: str) -> Quality:
        """The level ``text`` names: ``amazing``, ``amazing quality``, ``Amazing_Quality``.

        >>> Quality.parse("best"), Quality.parse("Worst_Quality")
        (<Quality.best: 'best quality'>, <Quality.worst: 'worst quality'>)
        >>> Quality.parse("amazng quality")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        aidxl_prompt.errors.CardValueError: 'amazng quality' ...; did you mean 'amazing quality'?...
        """
        return _closed_word(cls, text, "quality levels")

    @staticmethod
    def recommended_weight() -> float:
        """The card's advice: "add extra weight to quality tags, e.g. (amazing quality:1.5)"."""
        weight = card_data().get("recommended_quality_weight", 1.5)
        assert isinstance(weight, (int, float))
        return float(weight)

    def tag(self, weight: float = 1.0) -> Tag:
        """This level as a tag (unweighted unless asked)."""
        return Tag(text=self.value, weight=weight)

    def weighted(self, weight: float | None = None) -> Tag:
        """This level with the card's recommended extra weight (1.5) or ``weight``."""
        chosen = self.recommended_weight() if weight is None else weight
        return Tag(text=self.value, weight=chosen)

    @property
    def is_low(self) -> bool:
        """True for the levels a negative prompt uses (low and worst)."""
        return self in self.negative_levels()

    @classmethod
    def negative_levels(cls) -> tuple[Quality, ...]:
        """The low levels, strongest first, that the default negative prompt uses.

        >>> [level.value for level in Quality.negative_levels()]
        ['worst quality', 'low quality']
        """
        return tuple(cls(str(value)) for value in _list_of_str("negative_quality_levels"))

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The quality slot holds this level, unweighted."""
        return {Slot.quality: (self.tag(),)}


class Aesthetic(str, enum.Enum):
    """The aesthetic tags the card names (free text is allowed in the slot too)."""

    beautiful_color = "beautiful color"
    detailed = "detailed"

    def tag(self, weight: float = 1.0) -> Tag:
        """This aesthetic as a tag."""
        return Tag(text=self.value, weight=weight)

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The aesthetics slot holds this word."""
        return {Slot.aesthetics: (self.tag(),)}


def _list_of_str(key: str) -> list[str]:
    values = card_data().get(key)
    if not isinstance(values, tuple) or not all(isinstance(v, str) for v in values):
        raise DataFileError(f"card.yaml: {key!r} must be a list of strings")
    return [str(value) for value in values]


def aesthetic_examples() -> tuple[str, ...]:
    """The aesthetic tags the card names (``beautiful color``, ``detailed``)."""
    return tuple(_list_of_str("aesthetic_examples"))


@functools.cache
def card_examples() -> Mapping[Slot, tuple[str, ...]]:
    """The words the card's "Tag Ordering" example puts in each slot.

    >>> card_examples()[Slot.main_environment]
    ('in the forest', 'at day')
    """
    raw = card_data().get("ordering_example")
    if not isinstance(raw, Mapping):
        raise DataFileError("card.yaml: 'ordering_example' must be a mapping of slots")
    examples = {
        Slot.parse(str(name)): tuple(str(v) for v in values) for name, values in raw.items()
    }
    return MappingProxyType(examples)


@functools.cache
def card_words() -> Mapping[str, tuple[Slot, str]]:
    """Every word of the card's closed sets, with the slot the card puts it in and the
    set it belongs to: the 11 painting styles, the 6 quality levels, the aesthetic
    examples and the Danbooru kaomoji (in that order; the one list vocabularies and
    the classifier read).

    >>> card_words()["flat-pasto"], card_words()["amazing quality"][1]
    ((<Slot.painting_style: 'painting_style'>, 'painting-style'), 'quality-level')
    >>> list(card_words())[:2]
    ['flat color', 'clean color']
    """
    words: dict[str, tuple[Slot, str]] = {}
    words.update((style.value, (Slot.painting_style, "painting-style")) for style in PaintingStyle)
    words.update((level.value, (Slot.quality, "quality-level")) for level in Quality)
    words.update((word, (Slot.aesthetics, "aesthetic-example")) for word in aesthetic_examples())
    words.update((face, (Slot.expression, "kaomoji")) for face in sorted(kaomoji_names()))
    return MappingProxyType(words)
