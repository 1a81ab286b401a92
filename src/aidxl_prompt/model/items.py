"""Prompt items: tags, runs, phrases, schedules and the control items, as frozen values.

Items are frozen value objects; a :class:`Tag` compares on its canonical text and its
weight. A :class:`Phrase` is one comma-separated unit that A1111 reads as several runs
(``a (white:1.2) dress``, ``[red:blue:0.5] hair``): it is moved and classified as one
unit and rendered with no comma inside. Control items (:class:`Break`, :class:`And`,
:class:`PromptWeight`, :class:`ExtraNetwork`, :class:`Schedule`) are kept verbatim.
:class:`SlotList` is the checked list a slot holds: every way of changing it converts
values as the constructors do, or raises.

>>> Tag("Bishop_(Chess)", 1.2)
Tag(text='bishop (chess)', weight=1.2)
>>> Phrase(parts=[Run("a "), Run("white", 1.2), Run(" dress")]).text
'a white dress'
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    SupportsIndex,
    TypeVar,
    overload,
)

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from ..errors import PromptValueError
from ..syntax.a1111 import schedule_choices
from ..syntax.grammar import RULES
from ..syntax.normalize import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    escape_a1111,
    format_weight,
    normalize_spelling,
    normalize_tag,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "And",
    "Break",
    "ExtraNetwork",
    "NegativeItem",
    "NegativeList",
    "NetworkList",
    "Phrase",
    "PhrasePart",
    "PromptItem",
    "PromptWeight",
    "Run",
    "Schedule",
    "SlotItem",
    "SlotList",
    "Tag",
    "Weight",
    "check_weight",
    "coerce_item",
    "construct_valid",
    "plain_message",
]

_T = TypeVar("_T")


class _computed_once(functools.cached_property[_T]):  # noqa: N801 (a decorator, named as one)
    """:func:`functools.cached_property` without the lock Python 3.11 takes on every
    first computation: models are frozen and their derived texts pure, so two threads
    computing the same text at once store equal values. A render computes one for
    every new tag of a batch."""

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> Self | _T:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.attrname] = value  # type: ignore[index]
        return value


_FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True, ignored_types=(_computed_once,))


def check_weight(value: Any, what: str = "a weight") -> float:
    """The one weight rule: a finite number within
    :data:`~aidxl_prompt.syntax.normalize.MAX_WEIGHT`.

    Weights nearer to 0 than :data:`~aidxl_prompt.syntax.normalize.MIN_WEIGHT` become 0.

    >>> check_weight(1.5), check_weight(1e-9)
    (1.5, 0.0)
    >>> check_weight(1e308)
    Traceback (most recent call last):
    ...
    ValueError: a weight must be a number from -1000 to 1000 (got 1e+308)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number (got {value!r})")
    if not math.isfinite(value) or abs(value) > MAX_WEIGHT:
        limit = format_weight(MAX_WEIGHT)
        raise ValueError(f"{what} must be a number from -{limit} to {limit} (got {value!r})")
    if abs(value) < MIN_WEIGHT:
        return 0.0
    return float(value)


# "PromptWeight" -> "prompt weight": the words of a model's name, for its error messages.
_NAME_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _owner_weight(value: float, info: ValidationInfo) -> float:
    """:func:`check_weight` for a model's field; the message names the model
    (``a tag's weight``, ``an art style's weight``, ``a prompt weight``)."""
    title = (info.config or {}).get("title")
    if not title:
        return check_weight(value)
    words = _NAME_WORDS.sub(" ", title).lower()
    article = "an" if words[0] in "aeiou" else "a"
    what = words if words.endswith("weight") else f"{words}'s weight"
    return check_weight(value, f"{article} {what}")


Weight = Annotated[float, AfterValidator(_owner_weight)]
"""A model field's weight: a number, checked by :func:`check_weight` (finite, within
:data:`~aidxl_prompt.syntax.normalize.MAX_WEIGHT`, tiny values become 0).

>>> class Style(BaseModel):
...     weight: Weight = 1.0
>>> Style(weight=1e-9).weight
0.0
>>> try:
...     Style(weight=float("inf"))
... except ValidationError as error:
...     print(plain_message(error))
weight: a style's weight must be a number from -1000 to 1000 (got inf)
"""


def _plain_str(value: Any) -> Any:
    """The text of a str subclass or a str enum (``Quality.best`` -> ``best quality``)."""
    if isinstance(value, enum.Enum) and isinstance(value.value, str):
        return value.value
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)
    return value


def _text_of(value: Any, noun: str) -> str:
    """The text a tag or run is given, as a plain str (a str enum gives its value)."""
    value = _plain_str(value)
    if not isinstance(value, str):
        raise ValueError(f"a {noun}'s text must be a string (got {value!r})")
    return value


# A model's instance and its own slots, made as pydantic's model_construct makes them
# (object.__new__ bound once: looking it up through a model class costs as much again;
# the slots set through their own descriptors: object.__setattr__ costs twice as much).
_new_object = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__

_M = TypeVar("_M", bound=BaseModel)


def construct_valid(cls: type[_M], fields: dict[str, Any], fields_set: set[str]) -> _M:
    """An instance of ``cls`` holding ``fields`` (every field, in the model's order, each
    value already valid), built as pydantic's ``model_construct`` builds one but without
    its general loop: readers and prompt files build many thousands of these.
    ``fields_set`` is what ``model_fields_set`` reports (the fields the caller gave).

    >>> construct_valid(Tag, {"text": "smile", "weight": 1.0}, {"text"})
    Tag(text='smile', weight=1.0)
    """
    model = _new_object(cls)
    _set_dict(model, fields)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model


class _Value(BaseModel):
    """A frozen value whose construction errors are the project's own, on one line."""

    model_config = _FROZEN

    if not TYPE_CHECKING:

        def __init__(self, /, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as error:
                raise _value_error(type(self).__name__, error) from None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # The fields by name: pydantic's own walks the instance's __dict__, where another
        # thread may be storing a derived text (``Tag.a1111``) for the first time.
        values = self.__dict__
        for name, field in type(self).model_fields.items():
            if field.repr:
                yield name, values[name]

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; the values in ``update`` are checked and converted as the constructor
        checks them (pydantic's own ``model_copy`` stores them as given, and would keep
        texts derived from the old values).

        >>> Tag("bishop (chess)", 1.2).model_copy(update={"text": "Long_Hair"}).a1111
        '(long hair:1.2)'
        """
        if not update:
            return super().model_copy(deep=deep)
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(update)
        copy = type(self)(**values)
        _set_fields_set(copy, self.model_fields_set | set(update))
        return super(_Value, copy).model_copy(deep=True) if deep else copy


def _value_error(owner: str, error: ValidationError) -> PromptValueError:
    detail = plain_message(error)
    exc = PromptValueError(f"{owner}: {detail}")
    exc.detail = detail
    return exc


def plain_message(error: ValidationError) -> str:
    """The first message of a pydantic error, without its boilerplate and URL."""
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] in ("string_type", "float_type", "float_parsing", "int_type"):
        message = f"{message} (got {first['input']!r})"
    location = ".".join(str(part) for part in first["loc"])
    if not location or message.startswith(location):
        return message
    return f"{location}: {message}"


class _TextAndWeight(_Value):
    """Text at a weight, with the positional short form ``Tag("smile", 1.1)``."""

    _noun: ClassVar[str] = "value"

    text: str
    weight: Weight = 1.0

    def __init__(self, text: Any = None, weight: Any = 1.0, /, **data: Any) -> None:
        """``Tag("smile", 1.1)`` is short for ``Tag(text="smile", weight=1.1)``."""
        if "text" not in data:
            data["text"] = text
        data.setdefault("weight", weight)
        super().__init__(**data)

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return cls._checked_text(_text_of(value, cls._noun))

    @classmethod
    def _checked_text(cls, value: str) -> str:
        """The text this kind of value keeps, or a ValueError."""
        return value


class Tag(_TextAndWeight):
    """One tag: canonical text and a weight (1.0 = unweighted).

    ``text`` is normalised on construction (:func:`~aidxl_prompt.normalize_tag`); it
    may not be empty or hold a comma. ``weight`` is checked by :func:`check_weight`.

    >>> Tag(text="long_hair") == Tag("long hair", 1.0)
    True
    >>> Tag("by ask", 0.9).weight
    0.9
    >>> Tag(None)
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.PromptValueError: Tag: text: a tag's text must be a string (got None)
    """

    _noun = "tag"

    if TYPE_CHECKING:  # the positional form, for the pydantic plugin's signature

        def __init__(self, text: Any = None, weight: Any = 1.0, /, **data: Any) -> None: ...

    @classmethod
    def _checked_text(cls, value: str) -> str:
        text = normalize_tag(value)
        if not text:
            raise ValueError(f"a tag's text may not be empty (got {value!r})")
        if "," in text:
            raise ValueError(f"a tag's text may not contain a comma (got {value!r})")
        return text

    @_computed_once
    def a1111(self) -> str:
        """This tag as an A1111 prompt fragment (escaped; ``(text:w)`` when weighted).

        >>> Tag("bishop (chess)", 1.2).a1111
        '(bishop \\\\(chess\\\\):1.2)'
        >>> Tag("micro shorts", 1.00000001).a1111   # the same float32 as 1: no brackets
        'micro shorts'
        """
        weight = format_weight(self.weight)
        if weight == "1":
            return escape_a1111(self.text)
        return f"({escape_a1111(self.text, weighted=True)}:{weight})"

    @classmethod
    def from_reading(cls, text: str, weight: float = 1.0) -> Tag:
        """A tag for text a tool has already read (escapes gone): its spelling is
        normalised, but every backslash in it is a real one and is kept.

        >>> Tag.from_reading(r"a\\(b").text, Tag(r"a\\(b").text
        ('a\\\\(b', 'a(b')
        """
        spelled = normalize_spelling(text)
        tag = cls(spelled, weight)
        if tag.text == spelled:
            return tag
        if not spelled or "," in spelled:
            raise PromptValueError(f"Tag: text: not one tag's text: {text!r}")
        return cls.model_construct(text=spelled, weight=tag.weight)

    @classmethod
    def from_valid(cls, text: str, weight: float = 1.0) -> Tag:
        """A tag from values already checked, built without validation: ``text`` is a
        tag's canonical text (not empty, no comma) and ``weight`` one that
        :func:`check_weight` returned. The readers build their tags this way.

        >>> Tag.from_valid("long hair", 1.2) == Tag("long_hair", 1.2)
        True
        """
        return construct_valid(cls, {"text": text, "weight": weight}, {"text", "weight"})

    def with_weight(self, weight: float) -> Tag:
        """The same tag with another weight."""
        return Tag.from_valid(self.text, check_weight(weight))

    def __str__(self) -> str:
        return self.text


class Run(_TextAndWeight):
    """Text at one weight inside a :class:`Phrase`; its edge spaces are kept (one at most).

    >>> Run(" White_Dress", 1.2).text
    ' white dress'
    """

    _noun = "run"

    @classmethod
    def _checked_text(cls, value: str) -> str:
        spelled = cls.spell(value)
        if "," in spelled:
            raise ValueError(f"a run's text may not contain a comma (got {value!r})")
        if not spelled.strip() and not value.isspace():
            raise ValueError(f"a run's text may not be empty (got {value!r})")
        return spelled

    @staticmethod
    def spell(text: str) -> str:
        """A run's spelling of ``text``: :func:`~aidxl_prompt.normalize_spelling`
        inside, one space kept at each edge that had whitespace (or an underscore, which
        is a space once spelled), and one space for text that spells as nothing.
        Commas are kept (a run refuses them; a reader turns them into spaces).

        >>> Run.spell("a "), Run.spell("  "), Run.spell("_Long_Hair"), Run.spell("_")
        ('a ', ' ', ' long hair', ' ')
        """
        core = normalize_spelling(text)
        if not core:
            return " " if text else ""
        head = " " if text[:1].isspace() or text[:1] == "_" else ""
        tail = " " if text[-1:].isspace() or text[-1:] == "_" else ""
        return head + core + tail

    if TYPE_CHECKING:  # the positional form, for the pydantic plugin's signature

        def __init__(self, text: Any = None, weight: Any = 1.0, /, **data: Any) -> None: ...

    def __str__(self) -> str:
        return self.text


class Break(_Value):
    """A1111's ``BREAK``: pad the current 75-token chunk and start a new one."""

    kind: Literal["break"] = "break"

    def __str__(self) -> str:
        return "BREAK"


class And(_Value):
    """A1111's ``AND``: composable-diffusion split into sub-prompts (positive prompt only)."""

    kind: Literal["and"] = "and"

    def __str__(self) -> str:
        return "AND"


class PromptWeight(_Value):
    """The weight of an A1111 sub-prompt, written ``:w`` at its end (``a AND b:0.5``).

    In a flat list of items it stands where the source has it: after the sub-prompt's
    last unit, before the ``AND`` that ends it (or at the end of the prompt).
    """

    kind: Literal["prompt_weight"] = "prompt_weight"
    weight: Weight

    def __str__(self) -> str:
        return f":{format_weight(self.weight)}"


class ExtraNetwork(_Value):
    """An extra-network token such as ``<lora:name:0.8>``, kept verbatim (case too).

    >>> net = ExtraNetwork(text="<lora:AIDXL_Style:0.8>")
    >>> net.network, net.name, net.multiplier
    ('lora', 'AIDXL_Style', 0.8)
    """

    kind: Literal["extra_network"] = "extra_network"
    text: str

    @field_validator("text", mode="before")
    @classmethod
    def _is_extra_network(cls, value: Any) -> Any:
        if not isinstance(value, str) or not RULES["EXTRA_NETWORK"].fullmatch(value):
            raise ValueError(
                f"not an extra-network token of the form <kind:name[:weight]>: {value!r}"
            )
        return value

    @property
    def network(self) -> str:
        """The network type (``lora``, ``hypernet``, ``lyco``...)."""
        return self.text[1:].split(":", 1)[0]

    @property
    def args(self) -> tuple[str, ...]:
        """The arguments after the type, split on ``:`` as A1111 does."""
        return tuple(self.text[1:-1].split(":")[1:])

    @property
    def name(self) -> str:
        """The network's name (the first argument)."""
        return self.args[0]

    @property
    def multiplier(self) -> float | None:
        """The second argument as a number, or None when absent or not numeric."""
        if len(self.args) < 2:
            return None
        try:
            value = float(self.args[1])
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def __str__(self) -> str:
        return self.text


class Schedule(_Value):
    """A1111 prompt editing or alternation (``[a:b:10]``, ``[a:5]``, ``[a|b]``), verbatim.

    ``weight`` is the emphasis of the brackets around it in the source (1.0 if none).

    >>> Schedule(text="[red hair:blue hair:0.5]").plain_text
    'red hair'
    """

    kind: Literal["schedule"] = "schedule"
    text: str
    weight: Weight = 1.0

    @field_validator("text", mode="before")
    @classmethod
    def _is_schedule(cls, value: Any) -> Any:
        if not isinstance(value, str) or schedule_choices(value) is None:
            raise ValueError(
                "a schedule is one bracket group [a:b:N], [a:N], [a::N] or [a|b] "
                f"with balanced brackets inside: {value!r}"
            )
        return value

    @property
    def plain_text(self) -> str:
        """The words of its first non-empty choice, for classification."""
        for choice in schedule_choices(self.text) or ():
            words = normalize_spelling(RULES["ATTENTION_SYNTAX"].sub(" ", choice))
            if words:
                return words
        return ""

    def __str__(self) -> str:
        return self.text


PhrasePart = Run | Schedule
"""What a :class:`Phrase` is made of."""


class Phrase(_Value):
    """One comma-separated unit that A1111 reads as several runs, kept as one.

    Its parts are :class:`Run` (text at a weight, edge spaces kept) and
    :class:`Schedule`; they are rendered with nothing added between them, so the tool
    reads the same runs at every sampling step. ``text`` is what it is classified by.

    >>> p = Phrase(parts=[Run("a "), Run("white", 1.2), Run(" dress")])
    >>> p.text
    'a white dress'
    >>> Phrase(parts=[Schedule(text="[red:blue:0.5]"), Run(" hair")]).text
    'red hair'
    """

    kind: Literal["phrase"] = "phrase"
    parts: tuple[PhrasePart, ...]

    @field_validator("parts", mode="before")
    @classmethod
    def _coerce_parts(cls, value: Any) -> Any:
        if isinstance(value, (str, Mapping)) or not isinstance(value, Iterable):
            raise ValueError(f"a phrase's parts must be a list of runs and schedules: {value!r}")
        parts: list[PhrasePart] = []
        for element in value:
            if isinstance(element, (Run, Schedule)):
                parts.append(element)
            elif isinstance(element, Mapping) and element.get("kind") == "schedule":
                parts.append(Schedule.model_validate(dict(element)))
            elif isinstance(element, Mapping) and "text" in element:
                parts.append(Run.model_validate(dict(element)))
            elif isinstance(element, (tuple, list)) and len(element) == 2:
                parts.append(Run(element[0], element[1]))
            elif isinstance(element, str):
                parts.append(Run(element))
            else:
                raise ValueError(f"not a run or a schedule: {element!r}")
        if not parts or all(isinstance(part, Run) and part.text == " " for part in parts):
            raise ValueError("a phrase needs at least one non-blank part")
        return tuple(parts)

    @_computed_once
    def text(self) -> str:
        """The phrase's words (schedules by their first choice), for classification."""
        words = "".join(
            part.text if isinstance(part, Run) else f" {part.plain_text} " for part in self.parts
        )
        return " ".join(words.split())

    @property
    def weight(self) -> float:
        """The weight of its heaviest part's words (for reports; rendering uses the parts)."""
        return max((part.weight for part in self.parts), key=lambda w: abs(w - 1.0))

    def __str__(self) -> str:
        return self.text


PromptItem = Tag | Phrase | Break | And | PromptWeight | ExtraNetwork | Schedule
"""Anything :func:`~aidxl_prompt.parse_tags` returns."""

SlotItem = Tag | Phrase | Schedule
"""What a Prompt slot holds: one comma-separated unit each."""

NegativeItem = Tag | Phrase | Schedule | Break
"""What the negative prompt holds (A1111 reads BREAK there; it has no AND)."""

_CONTROL_KINDS: Mapping[str, type[BaseModel]] = {
    "break": Break,
    "and": And,
    "prompt_weight": PromptWeight,
    "extra_network": ExtraNetwork,
    "schedule": Schedule,
    "phrase": Phrase,
}
_ITEM_TYPES = (Tag, Phrase, Break, And, PromptWeight, ExtraNetwork, Schedule)


def coerce_item(value: Any) -> PromptItem:
    """Build an item from the short forms users write.

    ``"tag"``, ``("tag", 1.2)``, ``{"tag": 1.2}``, ``{"text": "tag", "weight": 1.2}``,
    ``{"kind": "break"}``, one of the card's values (``Quality.best``,
    ``ArtStyle("wlop")``) or an item itself. Anything else is a ``TypeError``.

    >>> coerce_item(("smile", 1.1))
    Tag(text='smile', weight=1.1)
    >>> coerce_item({"by ask": 0.9})
    Tag(text='by ask', weight=0.9)
    """
    if isinstance(value, _ITEM_TYPES):
        return value
    card_tag = _card_value_tag(value)
    if card_tag is not None:
        return card_tag
    item: PromptItem | None = None
    if isinstance(value, str):
        item = Tag(value)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        item = _pair_item(value)
    elif isinstance(value, Mapping):
        item = _mapping_item(value)
    if item is None:
        raise TypeError(
            "expected a tag as 'text', ('text', weight), {'text': weight}, a Tag, a Phrase "
            f"or one of the card's values, not {type(value).__name__} {value!r}"
        )
    return item


def _pair_item(value: tuple[Any, ...] | list[Any]) -> Tag | None:
    """``("text", weight)`` (the text may be a card value) or ``["text", weight]``."""
    text, weight = value
    if isinstance(value, tuple) and isinstance(_plain_str(text), str):
        return None if isinstance(weight, str) else Tag(text, weight)
    return Tag(text, weight) if isinstance(text, str) else None


def _mapping_item(value: Mapping[Any, Any]) -> PromptItem | None:
    """``{"kind": ...}``, the model's own fields, or ``{"text": weight}``."""
    kind = value.get("kind")
    if isinstance(kind, str) and kind in _CONTROL_KINDS:
        item = _CONTROL_KINDS[kind].model_validate(dict(value))
        assert isinstance(item, _ITEM_TYPES)
        return item
    if "text" in value:
        return Tag.model_validate(dict(value))
    if len(value) == 1:
        ((text, weight),) = value.items()
        if isinstance(text, str):
            return Tag(text, 1.0 if weight is None else weight)
    return None


def _card_value_tag(value: Any) -> Tag | None:
    """The one tag of a card value (anything with ``slot_items()``), else None."""
    slot_items = getattr(value, "slot_items", None)
    if not callable(slot_items):
        return None
    tags = [tag for group in slot_items().values() for tag in group]
    if len(tags) != 1:
        raise TypeError(
            f"{type(value).__name__} gives {len(tags)} tags in several slots; "
            "add it with Prompt.add()"
        )
    tag = tags[0]
    assert isinstance(tag, Tag)
    return tag


def _coerce_list(
    value: Iterable[Any], allowed: tuple[type[BaseModel], ...], where: str
) -> list[Any]:
    # An item that is already of an allowed kind is kept as it is (items are frozen and
    # were checked when built); only the others are converted, and only their error
    # messages name their place (the name is not built for every item of a slot).
    return [
        element
        if isinstance(element, allowed)
        else _coerce_element(element, allowed, f"{where}[{index}]")
        for index, element in enumerate(value)
    ]


def _coerce_element(element: Any, allowed: tuple[type[BaseModel], ...], where: str) -> Any:
    try:
        item = coerce_item(element)
    except (TypeError, PromptValueError) as exc:
        raise type(exc)(f"{where}: {getattr(exc, 'detail', exc)}") from None
    except ValidationError as exc:
        raise PromptValueError(f"{where}: {plain_message(exc)}") from None
    if not isinstance(item, allowed):
        names = " or ".join(cls.__name__ for cls in allowed)
        raise TypeError(f"{where} is a {type(item).__name__}; expected {names}")
    return item


class SlotList(list[Any]):
    """A slot's items: every way of adding one converts it as the constructor does.

    ``append``, ``extend``, ``insert``, ``+=`` and item assignment accept the same short
    forms as :class:`Prompt` (strings, ``(text, weight)``, ``{text: weight}``, tags,
    phrases, the card's values); anything else raises, so a slot never holds a value
    that would render as its ``repr``.

    >>> slot = SlotList(["smile"])
    >>> slot += [("best quality", 1.2)]
    >>> slot
    [Tag(text='smile', weight=1.0), Tag(text='best quality', weight=1.2)]
    >>> slot.append(5)
    Traceback (most recent call last):
    ...
    TypeError: a slot[2]: expected a tag as 'text', ('text', weight), {'text': weight}, \
a Tag, a Phrase or one of the card's values, not int 5
    """

    # A prompt holds 21 of these: a slot for the name, no instance dict.
    __slots__ = ("_where",)

    _allowed: ClassVar[tuple[type[BaseModel], ...]] = (Tag, Phrase, Schedule)
    _default_where: ClassVar[str] = "a slot"
    _where: str  # what error messages call this list (a slot's name)

    def __init__(self, items: Iterable[Any] = (), where: str | None = None) -> None:
        self._where = self._default_where if where is None else where
        super().__init__(_coerce_list(list(items), self._allowed, self._where))

    @classmethod
    def of_valid(cls, items: Iterable[Any] = (), where: str | None = None) -> Self:
        """A list of items that are already of an allowed kind, taken as they are (a
        reader's or a prompt file's); later additions are checked as usual.

        >>> SlotList.of_valid([Tag("smile")], "expression").append(5)
        Traceback (most recent call last):
        ...
        TypeError: expression[1]: expected a tag as 'text', ('text', weight), \
{'text': weight}, a Tag, a Phrase or one of the card's values, not int 5
        """
        new = list.__new__(cls)
        list.extend(new, items)
        new._where = cls._default_where if where is None else where
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and copy rebuild the list whole, with its name (the default reduction
        # appends the items one by one, checked, before the name is restored).
        return (type(self).of_valid, (list(self), self._where))

    def _one(self, value: Any, index: int) -> Any:
        return _coerce_element(value, self._allowed, f"{self._where}[{index}]")

    def append(self, value: Any) -> None:
        super().append(self._one(value, len(self)))

    def extend(self, values: Iterable[Any]) -> None:
        if isinstance(values, (str, Mapping, BaseModel)):
            raise TypeError(f"extend() takes a list of items, not {type(values).__name__}")
        start = len(self)
        super().extend([self._one(value, start + i) for i, value in enumerate(values)])

    def insert(self, index: SupportsIndex, value: Any) -> None:
        super().insert(index, self._one(value, int(index)))

    def __iadd__(self, values: Iterable[Any]) -> SlotList:  # type: ignore[misc]
        self.extend(values)
        return self

    @overload
    def __setitem__(self, index: SupportsIndex, value: Any) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[Any]) -> None: ...
    def __setitem__(self, index: SupportsIndex | slice, value: Any) -> None:
        if isinstance(index, slice):
            if isinstance(value, (str, Mapping, BaseModel)):
                raise TypeError("a slice of a slot takes a list of items")
            super().__setitem__(index, [self._one(item, i) for i, item in enumerate(value)])
        else:
            super().__setitem__(index, self._one(value, int(index)))


class NegativeList(SlotList):
    """The negative prompt's items (tags, phrases, schedules and ``BREAK``)."""

    __slots__ = ()
    _allowed = (Tag, Phrase, Schedule, Break)
    _default_where = "negative"


class NetworkList(SlotList):
    """The extra-network tokens of a prompt."""

    __slots__ = ()
    _allowed = (ExtraNetwork,)
    _default_where = "networks"
