"""The model card's vocabulary as types: styles, characters, painting styles, quality.

Everything the AIDXL model card tells a user to write can be built from a typed value
and rendered exactly as the card shows it:

* :class:`ArtStyle`: ``by`` is added when missing and never doubled; a weight renders
  as the card shows (``(by yoneyama mai:0.9)``).
* :class:`Character`: name, optional series (copyright), optional girl/boy, and the
  card's three trigger forms; the outfit goes to the clothing slot, never into the
  trigger ("character trigger words usually do not carry the clothing").
* :class:`PaintingStyle`: exactly the card's 11 words; anything else is rejected with
  a did-you-mean (:meth:`PaintingStyle.parse`).
* :class:`Quality`: the six levels, ordered from amazing (best) to worst, with the
  card's advice built in (:meth:`Quality.weighted`, :meth:`Quality.negative_levels`).
* :class:`Theme`, :class:`Environment`, :class:`Aesthetic`: typed where the card names
  values; free text is allowed.

The card's words come from ``data/tags/card.yaml``; the enums below list the same words
(a test checks it), so that code can name them and type checkers can see them.

>>> PaintingStyle("flat-pasto").description
'Nearly flat color, using gradient color to describe lighting and shadow.'
>>> Quality.amazing > Quality.best
True
>>> ArtStyle("yoneyama mai", 0.9).tag()
Tag(text='by yoneyama mai', weight=0.9)
>>> Character("lucy", "cyberpunk").trigger()
'lucy (cyberpunk)'
>>> assemble(Character("chun-li"), Quality.amazing, ArtStyle("ask")).render(order="style_last")
'chun-li, amazing quality, by ask'
"""

from __future__ import annotations

import difflib
import enum
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, Union

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ._data import load_builtin_yaml
from .errors import AidxlPromptError, DataFileError
from .models import Prompt, Tag, coerce_item
from .normalize import normalize_tag
from .ordering import Slot

__all__ = [
    "Aesthetic",
    "ArtStyle",
    "CardValue",
    "CardValueError",
    "CategoryLookup",
    "Character",
    "CharacterForm",
    "Environment",
    "Gender",
    "PaintingStyle",
    "Quality",
    "Theme",
    "aesthetic_examples",
    "assemble",
    "card_data",
    "card_examples",
    "did_you_mean",
    "merge_styles",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)

STYLE_PREFIX = "by "
"""The card's art-style prefix: ``by xxx`` tells the model it is a style, not a thing."""

THEME_SUFFIX = " theme"
"""The card's theme form: ``fantasy theme``."""


class CardValueError(AidxlPromptError):
    """A value that is not one of the card's words, or a card form built wrongly."""


@functools.cache
def card_data() -> Mapping[str, object]:
    """The parsed ``card.yaml`` (read-only)."""
    raw = load_builtin_yaml("card.yaml")
    if not isinstance(raw, dict):
        raise DataFileError("card.yaml: expected a mapping")
    return raw


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` hint for the closest choice, or ``''`` if none is close.

    >>> did_you_mean("impasta", ["impasto", "realistic"])
    "; did you mean 'impasto'?"
    >>> did_you_mean("zzz", ["impasto"])
    ''
    """
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _canonical(value: Any, what: str) -> str:
    """Normalise one piece of tag text; reject empty text and commas."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {type(value).__name__}")
    text = normalize_tag(value)
    if not text:
        raise ValueError(f"{what} may not be empty (got {value!r})")
    if "," in text:
        raise ValueError(f"{what} may not contain a comma (got {value!r})")
    return str(text)


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number (got {value!r})")
    return value


class CategoryLookup(Protocol):
    """What :meth:`ArtStyle.from_tag` needs of a vocabulary: a tag's category."""

    def category(self, tag: str) -> object:
        """The tag's category (an enum whose value is ``"artist"`` for artists) or None."""


class CardValue(Protocol):
    """A typed card value: it knows which slots its tags go to."""

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The tags this value contributes, by slot."""


# --- painting styles and quality levels (closed sets) ---------------------------------


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
        assert isinstance(styles, dict)
        return str(styles.get(self.value) or "")

    @classmethod
    def parse(cls, text: str) -> PaintingStyle:
        """The painting style ``text`` names (any case, underscores or spaces).

        Anything but the card's 11 words is rejected with a did-you-mean:

        >>> PaintingStyle.parse("impasta")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        aidxl_prompt.card.CardValueError: 'impasta' is not ...; did you mean 'impasto'? (...)
        """
        key = normalize_tag(text) if isinstance(text, str) else text
        for style in cls:
            if key == style.value or text == style.name:
                return style
        words = [style.value for style in cls]
        raise CardValueError(
            f"{text!r} is not one of the card's painting styles{did_you_mean(str(key), words)} "
            f"(expected one of: {', '.join(words)})"
        )

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
        aidxl_prompt.card.CardValueError: 'amazng quality' ...; did you mean 'amazing quality'? ...
        """
        key = normalize_tag(text) if isinstance(text, str) else text
        for level in cls:
            if key == level.value or text == level.name:
                return level
        words = [level.value for level in cls]
        raise CardValueError(
            f"{text!r} is not one of the card's quality levels{did_you_mean(str(key), words)} "
            f"(expected one of: {', '.join(words)})"
        )

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
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
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
    if not isinstance(raw, dict):
        raise DataFileError("card.yaml: 'ordering_example' must be a mapping of slots")
    return {Slot.parse(str(name)): tuple(str(v) for v in values) for name, values in raw.items()}


# --- open forms: art styles, themes, environments ---------------------------------------


class _Shorthand(BaseModel):
    """A card value whose leading fields may also be given by position, as ``Tag`` has
    (``ArtStyle("yoneyama mai", 0.9)``); ``_positional`` names them in order."""

    model_config = ConfigDict(defer_build=True)
    _positional: ClassVar[tuple[str, ...]] = ()

    if not TYPE_CHECKING:  # type checkers see the keyword form pydantic generates

        def __init__(self, *values: Any, **data: Any) -> None:
            if len(values) > len(self._positional):
                raise TypeError(
                    f"{type(self).__name__}() takes at most {len(self._positional)} "
                    f"positional arguments ({', '.join(self._positional)})"
                )
            for name, value in zip(self._positional, values, strict=False):
                if value is not None:
                    data.setdefault(name, value)
            super().__init__(**data)


class ArtStyle(_Shorthand):
    """An art-style trigger: ``by`` added when missing, never doubled, with a weight.

    >>> ArtStyle("by yoneyama mai") == ArtStyle("yoneyama mai")
    True
    >>> ArtStyle("yoneyama mai").trigger
    'by yoneyama mai'
    >>> ArtStyle("yoneyama mai", 0.9).tag().weight
    0.9
    """

    model_config = _FROZEN

    artist: str
    weight: float = 1.0

    _positional: ClassVar[tuple[str, ...]] = ("artist", "weight")

    @field_validator("artist", mode="before")
    @classmethod
    def _strip_prefix(cls, value: Any) -> Any:
        text = _canonical(value, "an artist name")
        # "by" is the card's prefix: written or not, it is stored once, outside the name.
        if text.startswith(STYLE_PREFIX):
            text = text[len(STYLE_PREFIX) :].strip()
        if not text or text == "by":
            raise ValueError(f"an art style needs an artist name after 'by' (got {value!r})")
        return text

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, value: float) -> float:
        return _finite(value, "a style's weight")

    @classmethod
    def from_tag(
        cls,
        tag: Tag | str,
        *,
        vocabulary: CategoryLookup | None = None,
        is_artist: Callable[[str], bool] | None = None,
    ) -> ArtStyle | None:
        """The style a tag triggers, or None: ``by x``, or a bare ``x`` known as an artist.

        A bare name is a style when the loaded ``vocabulary`` (a
        :class:`~aidxl_prompt.vocab.Vocabulary`) files it under the artist category, or
        when ``is_artist`` says so; otherwise only the ``by`` form is a style.

        >>> ArtStyle.from_tag(Tag("by ask", 0.8))
        ArtStyle(artist='ask', weight=0.8)
        >>> ArtStyle.from_tag("ask") is None
        True
        >>> ArtStyle.from_tag("ask", is_artist={"ask"}.__contains__)
        ArtStyle(artist='ask', weight=1.0)
        """
        item = tag if isinstance(tag, Tag) else Tag(text=tag)
        if item.text.startswith(STYLE_PREFIX) and len(item.text) > len(STYLE_PREFIX):
            return cls(artist=item.text, weight=item.weight)
        if is_artist is not None and is_artist(item.text):
            return cls(artist=item.text, weight=item.weight)
        if vocabulary is not None:
            category = vocabulary.category(item.text)
            if getattr(category, "value", category) == "artist":
                return cls(artist=item.text, weight=item.weight)
        return None

    @property
    def trigger(self) -> str:
        """The trigger text, ``by <artist>``."""
        return STYLE_PREFIX + self.artist

    def tag(self) -> Tag:
        """The weighted trigger tag."""
        return Tag(text=self.trigger, weight=self.weight)

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The art-style slot holds the trigger."""
        return {Slot.art_style: (self.tag(),)}


StyleLike = Union[ArtStyle, str, tuple[str, float]]  # noqa: UP007 (a runtime alias on 3.10)


def merge_styles(styles: Iterable[StyleLike]) -> list[Tag]:
    """Merge several styles in order (the card's "style merging"); duplicates are an error.

    >>> [str(t) for t in merge_styles(["yoneyama mai", ("chi4", 0.8), "by ask"])]
    ['by yoneyama mai', 'by chi4', 'by ask']
    >>> merge_styles(["ask", "by ask"])
    Traceback (most recent call last):
    ...
    aidxl_prompt.card.CardValueError: style 'by ask' is given twice (entries 1 and 2)
    """
    seen: dict[str, int] = {}
    tags: list[Tag] = []
    for number, value in enumerate(styles, start=1):
        if isinstance(value, ArtStyle):
            style = value
        elif isinstance(value, tuple):
            style = ArtStyle(artist=value[0], weight=value[1])
        else:
            style = ArtStyle(artist=value)
        if style.artist in seen:
            raise CardValueError(
                f"style {style.trigger!r} is given twice "
                f"(entries {seen[style.artist]} and {number})"
            )
        seen[style.artist] = number
        tags.append(style.tag())
    return tags


class Theme(_Shorthand):
    """A theme in the card's form: ``fantasy`` -> ``fantasy theme`` (never doubled).

    >>> Theme("fantasy").tag(), Theme("fantasy theme").text
    (Tag(text='fantasy theme', weight=1.0), 'fantasy theme')
    """

    model_config = _FROZEN

    name: str
    weight: float = 1.0

    _positional: ClassVar[tuple[str, ...]] = ("name", "weight")

    @field_validator("name", mode="before")
    @classmethod
    def _strip_suffix(cls, value: Any) -> Any:
        text = _canonical(value, "a theme")
        if text.endswith(THEME_SUFFIX):
            text = text[: -len(THEME_SUFFIX)].strip()
        if not text or text == "theme":
            raise ValueError(f"a theme needs a name before 'theme' (got {value!r})")
        return text

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, value: float) -> float:
        return _finite(value, "a theme's weight")

    @property
    def text(self) -> str:
        """The tag text, ``<name> theme``."""
        return self.name + THEME_SUFFIX

    def tag(self) -> Tag:
        """The weighted theme tag."""
        return Tag(text=self.text, weight=self.weight)

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The theme slot holds this tag."""
        return {Slot.theme: (self.tag(),)}


class Environment(_Shorthand):
    """Where the scene is: the main environment, or a secondary one (``grass``).

    >>> Environment("in the forest").slot_items()
    {<Slot.main_environment: 'main_environment'>: (Tag(text='in the forest', weight=1.0),)}
    >>> list(Environment("grass", secondary=True).slot_items())
    [<Slot.secondary_environment: 'secondary_environment'>]
    """

    model_config = _FROZEN

    text: str
    weight: float = 1.0
    secondary: bool = False

    _positional: ClassVar[tuple[str, ...]] = ("text", "weight")

    @field_validator("text", mode="before")
    @classmethod
    def _canonical_text(cls, value: Any) -> Any:
        return _canonical(value, "an environment")

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, value: float) -> float:
        return _finite(value, "an environment's weight")

    def tag(self) -> Tag:
        """The weighted tag."""
        return Tag(text=self.text, weight=self.weight)

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The main or secondary environment slot holds this tag."""
        slot = Slot.secondary_environment if self.secondary else Slot.main_environment
        return {slot: (self.tag(),)}


# --- characters ---------------------------------------------------------------------


class CharacterForm(str, enum.Enum):
    """The card's three ways to trigger a character.

    * ``tag``: ``{character} ({copyright})``, the card's triggering method;
    * ``one``: the same with the card's "add a 1 as a prefix": ``1 frieren (...)``;
    * ``sentence``: v0.8's ``a {girl/boy} named {character} from {copyright} series``.
    """

    tag = "tag"
    one = "one"
    sentence = "sentence"


Gender = Literal["girl", "boy"]
_GENDERS: tuple[str, ...] = ("girl", "boy")

# v0.8's sentence form, as the classifier and Character.parse read it back.
_SENTENCE = re.compile(r"an? (girl|boy) named (.+?)(?: from (.+) series)?")
# The card's "add a 1 as a prefix" (the ``one`` form).
_ONE_PREFIX = "1 "
# A trailing "(copyright)" group: the last parenthesised part is the series.
_SERIES_SUFFIX = re.compile(r"(.+?) \(([^()]+)\)")


class Character(_Shorthand):
    """A character: name, optional series (copyright), optional girl/boy, trigger form.

    ``outfit`` tags go to the clothing slot, never into the trigger.

    >>> c = Character("frieren", "sousou no frieren", form="one", outfit=["white dress"])
    >>> c.trigger()
    '1 frieren (sousou no frieren)'
    >>> c.trigger("sentence")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aidxl_prompt.card.CardValueError: the sentence form ... needs gender 'girl' or 'boy' (...)
    >>> Character("ganyu", "genshin impact", gender="girl").trigger("sentence")
    'a girl named ganyu from genshin impact series'
    >>> [(slot.value, [t.text for t in tags]) for slot, tags in c.slot_items().items()]
    [('character', ['1 frieren (sousou no frieren)']), ('clothing', ['white dress'])]

    The card's ``1`` prefix is a form, not part of the name: a name written with it
    loses it and, unless another form is asked for, takes the ``one`` form.

    >>> Character("1 frieren", form="one").trigger(), Character("1 frieren").form.value
    ('1 frieren', 'one')
    """

    model_config = _FROZEN

    name: str
    series: str | None = None
    gender: Gender | None = None
    form: CharacterForm = CharacterForm.tag
    weight: float = 1.0
    outfit: tuple[Tag, ...] = ()

    _positional: ClassVar[tuple[str, ...]] = ("name", "series")

    @model_validator(mode="before")
    @classmethod
    def _one_prefix(cls, data: Any) -> Any:
        """``1 frieren`` is the ``one`` form of ``frieren``: the prefix is not kept."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        name = normalize_tag(data["name"])
        if not name.startswith(_ONE_PREFIX) or not name[len(_ONE_PREFIX) :].strip():
            return data
        data = {**data, "name": name[len(_ONE_PREFIX) :]}
        data.setdefault("form", CharacterForm.one)
        return data

    @field_validator("name", mode="before")
    @classmethod
    def _canonical_name(cls, value: Any) -> Any:
        return _canonical(value, "a character's name")

    @field_validator("series", mode="before")
    @classmethod
    def _canonical_series(cls, value: Any) -> Any:
        return None if value is None else _canonical(value, "a character's series")

    @field_validator("gender", mode="before")
    @classmethod
    def _known_gender(cls, value: Any) -> Any:
        if value is None or value in _GENDERS:
            return value
        hint = did_you_mean(str(value), _GENDERS)
        raise ValueError(f"gender {value!r} is not 'girl' or 'boy'{hint}")

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, value: float) -> float:
        return _finite(value, "a character's weight")

    @field_validator("outfit", mode="before")
    @classmethod
    def _outfit_tags(cls, value: Any) -> Any:
        if isinstance(value, (str, Mapping)):
            value = [value]
        if not isinstance(value, Iterable):
            return value
        tags = []
        for element in value:
            item = coerce_item(element)
            if not isinstance(item, Tag):
                raise ValueError(f"an outfit holds tags, not {type(item).__name__}")
            tags.append(item)
        return tuple(tags)

    @model_validator(mode="after")
    def _sentence_needs_gender(self) -> Character:
        if self.form is CharacterForm.sentence and self.gender is None:
            raise ValueError(self._sentence_message())
        return self

    def _sentence_message(self) -> str:
        return (
            "the sentence form 'a girl/boy named ... from ... series' needs gender "
            f"'girl' or 'boy' (character {self.name!r})"
        )

    @classmethod
    def parse(cls, text: str) -> Character:
        """Read any of the three trigger forms back into a Character.

        >>> c = Character.parse("1 frieren (sousou no frieren)")
        >>> c.name, c.series, c.form.value
        ('frieren', 'sousou no frieren', 'one')
        >>> Character.parse(r"lucy \\(cyberpunk\\)").trigger()
        'lucy (cyberpunk)'
        >>> Character.parse("a boy named sanji from one piece series").gender
        'boy'
        """
        canonical = _canonical(text, "a character trigger")
        sentence = _SENTENCE.fullmatch(canonical)
        if sentence:
            gender: Gender = "boy" if sentence.group(1) == "boy" else "girl"
            name, series = sentence.group(2), sentence.group(3)
            return cls(name=name, series=series, gender=gender, form=CharacterForm.sentence)
        form = CharacterForm.tag
        if canonical.startswith(_ONE_PREFIX) and len(canonical) > len(_ONE_PREFIX):
            form, canonical = CharacterForm.one, canonical[len(_ONE_PREFIX) :]
        grouped = _SERIES_SUFFIX.fullmatch(canonical)
        if grouped:
            return cls(name=grouped.group(1), series=grouped.group(2), form=form)
        return cls(name=canonical, form=form)

    def trigger(self, form: CharacterForm | str | None = None) -> str:
        """The trigger text in ``form`` (this character's own form by default)."""
        chosen = self.form if form is None else CharacterForm(form)
        if chosen is CharacterForm.sentence:
            if self.gender is None:
                raise CardValueError(self._sentence_message())
            series = f" from {self.series} series" if self.series else ""
            return f"a {self.gender} named {self.name}{series}"
        text = f"{self.name} ({self.series})" if self.series else self.name
        return "1 " + text if chosen is CharacterForm.one else text

    def tag(self, form: CharacterForm | str | None = None) -> Tag:
        """The weighted trigger tag."""
        return Tag(text=self.trigger(form), weight=self.weight)

    def slot_items(self) -> Mapping[Slot, tuple[Tag, ...]]:
        """The trigger in the character slot; the outfit in the clothing slot."""
        items: dict[Slot, tuple[Tag, ...]] = {Slot.character: (self.tag(),)}
        if self.outfit:
            items[Slot.clothing] = self.outfit
        return items


def assemble(*values: CardValue, **slots: Iterable[Any]) -> Prompt:
    """A Prompt from typed card values, then any extra slot contents by name.

    Within a slot, the typed values come first in the order given, then the keyword
    slot's own items.

    >>> p = assemble(Character("chun-li"), Quality.amazing, ArtStyle("yoneyama mai", 0.9))
    >>> p.render(order="style_last")
    'chun-li, amazing quality, (by yoneyama mai:0.9)'
    """
    fields: dict[str, list[Any]] = {}
    for value in values:
        for slot, tags in value.slot_items().items():
            fields.setdefault(slot.value, []).extend(tags)
    for name, items in slots.items():
        key = name if name in ("negative", "networks") else Slot.parse(name).value
        fields.setdefault(key, []).extend(
            [items] if isinstance(items, (str, Mapping)) else list(items)
        )
    return Prompt.model_validate(fields)
