"""The card's open forms as types: art styles, characters, themes, environments.

Everything the AIDXL model card tells a user to write can be built from a typed value
and rendered exactly as the card shows it (the closed sets, painting styles and quality
levels, are in :mod:`aidxl_prompt.card.words`):

* :class:`ArtStyle`: ``by`` is added when missing and never doubled; a weight renders
  as the card shows (``(by yoneyama mai:0.9)``).
* :class:`Character`: name, optional series (copyright), optional girl/boy, and the
  card's three trigger forms; the outfit goes to the clothing slot, never into the
  trigger ("character trigger words usually do not carry the clothing").
* :class:`Theme`, :class:`Environment`: typed where the card names values; free text
  is allowed.

>>> from aidxl_prompt.card.words import Quality
>>> ArtStyle("yoneyama mai", 0.9).tag()
Tag(text='by yoneyama mai', weight=0.9)
>>> Character("lucy", "cyberpunk").trigger()
'lucy (cyberpunk)'
>>> assemble(Character("chun-li"), Quality.amazing, ArtStyle("ask")).render(order="style_last")
'chun-li, amazing quality, by ask'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, Union

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from ..errors import CardValueError, did_you_mean
from ..model.items import Tag, Weight, coerce_item
from ..model.ordering import Slot
from ..model.prompt import Prompt
from ..syntax.normalize import normalize_tag
from .words import STYLE_PREFIX, THEME_SUFFIX, CardValue, CategoryLookup

__all__ = [
    "ArtStyle",
    "Character",
    "CharacterForm",
    "Environment",
    "Gender",
    "StyleLike",
    "Theme",
    "assemble",
    "merge_styles",
]


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


class _FormWord(NamedTuple):
    """One of the card's words around a name: ``by {}`` (an art style), ``{} theme``."""

    field: str  # the field that holds the name
    what: str  # how errors call the name
    form: str  # the card's form, ``{}`` standing for the name
    missing: str  # what is wrong when no name is left


def _without_form_word(value: Any, word: _FormWord) -> str:
    """The canonical name in ``value`` without the card's word around it. Written or
    not, the word is stored once, outside the name.

    >>> _without_form_word("By_Ask", _FormWord("artist", "an artist", "by {}", "no artist"))
    'ask'
    """
    text = _canonical(value, word.what)
    before, _, after = word.form.partition("{}")
    if before and text.startswith(before):
        text = text[len(before) :].strip()
    if after and text.endswith(after):
        text = text[: -len(after)].strip()
    if not text or text in (before.strip(), after.strip()):
        raise ValueError(f"{word.missing} (got {value!r})")
    return text


# --- open forms: art styles, themes, environments ---------------------------------------


class _Shorthand(BaseModel):
    """A card value whose leading fields may also be given by position, as ``Tag`` has
    (``ArtStyle("yoneyama mai", 0.9)``); ``_positional`` names them in order."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    _positional: ClassVar[tuple[str, ...]] = ()
    _form_word: ClassVar[_FormWord | None] = None

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

    @field_validator("*", mode="before")
    @classmethod
    def _strip_form_word(cls, value: Any, info: ValidationInfo) -> Any:
        word = cls._form_word
        if word is None or info.field_name != word.field:
            return value
        return _without_form_word(value, word)


class ArtStyle(_Shorthand):
    """An art-style trigger: ``by`` added when missing, never doubled, with a weight.

    >>> ArtStyle("by yoneyama mai") == ArtStyle("yoneyama mai")
    True
    >>> ArtStyle("yoneyama mai").trigger
    'by yoneyama mai'
    >>> ArtStyle("yoneyama mai", 0.9).tag().weight
    0.9
    """

    artist: str
    weight: Weight = 1.0

    _positional: ClassVar[tuple[str, ...]] = ("artist", "weight")
    _form_word: ClassVar[_FormWord | None] = _FormWord(
        "artist",
        "an artist name",
        STYLE_PREFIX + "{}",
        "an art style needs an artist name after 'by'",
    )

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
        :class:`~aidxl_prompt.vocab.vocabulary.Vocabulary`) files it under the artist category, or
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
    aidxl_prompt.errors.CardValueError: style 'by ask' is given twice (entries 1 and 2)
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

    name: str
    weight: Weight = 1.0

    _positional: ClassVar[tuple[str, ...]] = ("name", "weight")
    _form_word: ClassVar[_FormWord | None] = _FormWord(
        "name", "a theme", "{}" + THEME_SUFFIX, "a theme needs a name before 'theme'"
    )

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

    text: str
    weight: Weight = 1.0
    secondary: bool = False

    _positional: ClassVar[tuple[str, ...]] = ("text", "weight")

    @field_validator("text", mode="before")
    @classmethod
    def _canonical_text(cls, value: Any) -> Any:
        return _canonical(value, "an environment")

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
    aidxl_prompt.errors.CardValueError: the sentence form ... needs gender 'girl' or 'boy' (...)
    >>> Character("ganyu", "genshin impact", gender="girl").trigger("sentence")
    'a girl named ganyu from genshin impact series'
    >>> [(slot.value, [t.text for t in tags]) for slot, tags in c.slot_items().items()]
    [('character', ['1 frieren (sousou no frieren)']), ('clothing', ['white dress'])]

    The card's ``1`` prefix is a form, not part of the name: a name written with it
    loses it and, unless another form is asked for, takes the ``one`` form.

    >>> Character("1 frieren", form="one").trigger(), Character("1 frieren").form.value
    ('1 frieren', 'one')
    """

    name: str
    series: str | None = None
    gender: Gender | None = None
    form: CharacterForm = CharacterForm.tag
    weight: Weight = 1.0
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

    >>> from aidxl_prompt.card.words import Quality
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
