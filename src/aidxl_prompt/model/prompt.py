"""The slotted :class:`Prompt`, its :class:`Section` objects, and :func:`render`.

A :class:`Prompt` holds its units in named slots (the card's order); ``BREAK`` and
``AND`` divide it into sections, and ordering never moves a unit from one section to
another. Rendering is pure: it never re-sorts, de-duplicates or re-spells.

>>> p = Prompt(art_style=["by yoneyama mai"], quality=[("best quality", 1.5)])
>>> [t.text for t in p.tags()]
['by yoneyama mai', 'best quality']
>>> p.quality.append("amazing quality")      # converted exactly as the constructor does
>>> p.quality[-1]
Tag(text='amazing quality', weight=1.0)
>>> p.render()
'by yoneyama mai, (best quality:1.5), amazing quality'
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import PromptValueError
from ..syntax.normalize import Dialect
from .items import (
    And,
    Break,
    ExtraNetwork,
    NegativeItem,
    NegativeList,
    NetworkList,
    PromptItem,
    PromptWeight,
    SlotItem,
    SlotList,
    Tag,
    Weight,
    construct_valid,
    plain_message,
)
from .ordering import OrderLike, Slot, resolve_ordering
from .render import render_items

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Prompt", "Section", "render"]

_SLOT_NAMES = tuple(slot.value for slot in Slot)


class _Slots(BaseModel):
    """The 19 slots of the card's order, shared by :class:`Prompt` and :class:`Section`."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    art_style: list[SlotItem] = Field(default_factory=SlotList)
    character: list[SlotItem] = Field(default_factory=SlotList)
    race: list[SlotItem] = Field(default_factory=SlotList)
    composition: list[SlotItem] = Field(default_factory=SlotList)
    painting_style: list[SlotItem] = Field(default_factory=SlotList)
    theme: list[SlotItem] = Field(default_factory=SlotList)
    main_environment: list[SlotItem] = Field(default_factory=SlotList)
    background: list[SlotItem] = Field(default_factory=SlotList)
    action: list[SlotItem] = Field(default_factory=SlotList)
    expression: list[SlotItem] = Field(default_factory=SlotList)
    main_characteristics: list[SlotItem] = Field(default_factory=SlotList)
    other_characteristics: list[SlotItem] = Field(default_factory=SlotList)
    clothing: list[SlotItem] = Field(default_factory=SlotList)
    clothing_accessories: list[SlotItem] = Field(default_factory=SlotList)
    other_items: list[SlotItem] = Field(default_factory=SlotList)
    secondary_environment: list[SlotItem] = Field(default_factory=SlotList)
    aesthetics: list[SlotItem] = Field(default_factory=SlotList)
    quality: list[SlotItem] = Field(default_factory=SlotList)
    secondary_description: list[SlotItem] = Field(default_factory=SlotList)

    if not TYPE_CHECKING:

        def __init__(self, /, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as error:
                raise self._refused(error) from None

        def __setattr__(self, name: str, value: Any) -> None:
            try:
                super().__setattr__(name, value)
            except ValidationError as error:
                raise self._refused(error) from None

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; the values in ``update`` are checked and converted as assignment checks
        them (pydantic's own ``model_copy`` stores them as given).

        >>> Prompt().model_copy(update={"quality": ["best_quality"]}).quality
        [Tag(text='best quality', weight=1.0)]
        """
        copy = super().model_copy(deep=deep)
        for name, value in (update or {}).items():
            if name not in type(self).model_fields:
                raise PromptValueError(f"{type(self).__name__}: no field {name!r} to update")
            setattr(copy, name, value)
        return copy

    def _refused(self, error: ValidationError) -> PromptValueError:
        """The project's one-line error for values this model refused."""
        return PromptValueError(f"{type(self).__name__}: {plain_message(error)}")

    @field_validator(*_SLOT_NAMES, mode="before")
    @classmethod
    def _coerce_slot(cls, value: Any, info: ValidationInfo) -> Any:
        return SlotList(_as_list(value), info.field_name)

    @field_validator(*_SLOT_NAMES, mode="after")
    @classmethod
    def _keep_checking(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        return value if type(value) is SlotList else SlotList(value, info.field_name)

    @classmethod
    def from_valid(cls: type[_S], values: Mapping[str, Iterable[Any]], **extra: Any) -> _S:
        """Build from items that are already valid (a parser's or a file's), without
        pydantic's validation pass; the slots are checked lists all the same.

        ``values`` maps list fields (slots, ``negative``, ``networks``) to their items;
        ``extra`` gives the other fields (``sections``, ``weight``, ``joiner``), each
        already valid; a field given neither way gets its default.

        >>> Prompt.from_valid({"quality": [Tag("best quality")]}).quality.append("x")
        """
        lists, others, list_names = _field_plan(cls)
        fields: dict[str, Any] = {}
        given = set(list_names)  # as model_construct(**every list) reports
        for name, kind in lists:
            fields[name] = kind.of_valid(values.get(name, ()), name)
        for name, default in others:
            if name in extra:
                given.add(name)
                value = extra[name]
                fields[name] = _SectionList(value) if name == "sections" else value
            else:
                fields[name] = default()
        return construct_valid(cls, fields, given)

    def slot(self, slot: Slot | str) -> list[SlotItem]:
        """The items of one slot (by :class:`Slot` or its name)."""
        key = slot if isinstance(slot, Slot) else Slot.parse(slot)
        items: list[SlotItem] = getattr(self, key.value)
        return items

    def units(self, order: OrderLike = "documented") -> list[SlotItem]:
        """This section's units, slots in ``order``, the written order kept inside a slot."""
        result: list[SlotItem] = []
        for name in resolve_ordering(order).field_names:
            result.extend(getattr(self, name))
        return result

    def has_units(self) -> bool:
        """True when any slot holds something."""
        return any(getattr(self, name) for name in _SLOT_NAMES)


_S = TypeVar("_S", bound=_Slots)


class _FieldPlan(NamedTuple):
    """A model's list fields with their checked-list kind, its other fields with a maker
    of their default (each in the model's order; lists come first), and the names of
    the list fields (what ``model_fields_set`` reports of a prompt built from lists)."""

    lists: tuple[tuple[str, type[SlotList]], ...]
    others: tuple[tuple[str, Callable[[], Any]], ...]
    list_names: frozenset[str]


@functools.cache
def _field_plan(cls: type[_Slots]) -> _FieldPlan:
    lists = tuple((name, _LIST_KINDS[name]) for name in cls.model_fields if name in _LIST_KINDS)
    others = tuple(
        (name, functools.partial(info.get_default, call_default_factory=True))
        for name, info in cls.model_fields.items()
        if name not in _LIST_KINDS
    )
    assert list(cls.model_fields)[: len(lists)] == [name for name, _ in lists]
    return _FieldPlan(lists, others, frozenset(name for name, _ in lists))


# The checked list each list field holds.
_LIST_KINDS: Mapping[str, type[SlotList]] = {
    **dict.fromkeys(_SLOT_NAMES, SlotList),
    "negative": NegativeList,
    "networks": NetworkList,
}


def _as_list(value: Any) -> Any:
    """A slot's value as a list: None is empty, a single item is a list of one."""
    if value is None:
        return []
    if isinstance(value, (str, Mapping, BaseModel, enum.Enum)):
        return [value]
    if not isinstance(value, Iterable):
        raise TypeError(f"a slot takes a list of items, not {type(value).__name__} {value!r}")
    return value


class Section(_Slots):
    """The units after one ``BREAK`` or ``AND`` of a :class:`Prompt`, in their own slots.

    ``joiner`` says which keyword starts it. After ``AND`` a new sub-prompt begins, and
    ``weight`` is that sub-prompt's weight (A1111 reads it from a trailing ``:w``);
    after ``BREAK`` the sub-prompt goes on (in a new 75-token chunk) and ``weight``
    stays 1.

    >>> Section(joiner="BREAK", character=["1girl"]).character
    [Tag(text='1girl', weight=1.0)]
    """

    joiner: Literal["BREAK", "AND"]
    weight: Weight = 1.0

    @model_validator(mode="after")
    def _break_has_no_weight(self) -> Section:
        if self.joiner == "BREAK" and self.weight != 1.0:
            raise ValueError(
                "a BREAK section continues its sub-prompt: only an AND section has a weight"
            )
        return self


class _SectionList(SlotList):
    """A prompt's sections: only :class:`Section` values (or their mappings) go in; the
    ways of adding are :class:`SlotList`'s."""

    __slots__ = ()
    _default_where = "sections"

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._where = self._default_where
        list.__init__(self, [self._one(item, index) for index, item in enumerate(items)])

    def _one(self, value: Any, index: int) -> Any:
        if isinstance(value, Section):
            return value
        if isinstance(value, Mapping):
            return Section(**value)
        raise TypeError(
            f"{self._where}[{index}]: a prompt's sections are Section values, not "
            f"{type(value).__name__} {value!r}"
        )


class Prompt(_Slots):
    """Units held in named slots, one per position of the card's documented order.

    Every slot accepts ``Tag`` and ``Phrase`` objects, plain strings, ``(text,
    weight)`` pairs, ``{text: weight}`` and the card's values. ``negative`` holds the
    negative prompt; ``networks`` the extra-network tokens (LoRA...) rendered after the
    units; ``sections`` the parts after each ``BREAK``/``AND`` (ordering sorts inside
    each, never across); ``weight`` the first sub-prompt's A1111 weight.

    >>> p = Prompt(quality=["best quality"], character=["1 frieren (sousou no frieren)"])
    >>> p.render()
    '1 frieren \\\\(sousou no frieren\\\\), best quality'
    >>> p.sections.append(Section(joiner="BREAK", quality=["amazing quality"]))
    >>> p.render()
    '1 frieren \\\\(sousou no frieren\\\\), best quality BREAK amazing quality'
    """

    negative: list[NegativeItem] = Field(default_factory=NegativeList)
    networks: list[ExtraNetwork] = Field(default_factory=NetworkList)
    sections: list[Section] = Field(default_factory=_SectionList)
    weight: Weight = 1.0

    @field_validator("sections", mode="after")
    @classmethod
    def _checked_sections(cls, value: list[Section]) -> list[Section]:
        return value if type(value) is _SectionList else _SectionList(value)

    @field_validator("negative", mode="before")
    @classmethod
    def _coerce_negative(cls, value: Any) -> Any:
        return NegativeList(_as_list(value), "negative")

    @field_validator("networks", mode="before")
    @classmethod
    def _coerce_networks(cls, value: Any) -> Any:
        return NetworkList(_as_list(value))

    @field_validator("negative", "networks", mode="after")
    @classmethod
    def _keep_lists(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        kind = NegativeList if info.field_name == "negative" else NetworkList
        return value if type(value) is kind else kind(value)

    def all_sections(self) -> list[_Slots]:
        """This prompt's first section (itself) and every later one, in order."""
        return [self, *self.sections]

    def items(self, order: OrderLike = "documented") -> list[PromptItem]:
        """Every positive item in render order, as a flat list.

        Each section's units in ``order`` (the written order kept inside a slot), a
        ``Break``/``And`` between sections, a :class:`PromptWeight` at the end of each
        sub-prompt whose weight is not 1, and the ``networks`` after the last unit.
        """
        ordering = resolve_ordering(order)
        result: list[PromptItem] = []
        weight = self.weight
        for section in self.all_sections():
            if isinstance(section, Section):
                if section.joiner == "AND":
                    if weight != 1.0:
                        result.append(PromptWeight(weight=weight))
                    result.append(And())
                    weight = section.weight
                else:
                    result.append(Break())
            result.extend(_Slots.units(section, ordering))
        # Networks go before a last sub-prompt weight: A1111 cuts them out first, and
        # the weight must still end the text then.
        result.extend(self.networks)
        if weight != 1.0:
            result.append(PromptWeight(weight=weight))
        return result

    def tags(self, order: OrderLike = "documented") -> list[Tag]:
        """The positive tags in render order (phrases and control items left out)."""
        return [item for item in self.items(order) if isinstance(item, Tag)]

    def all_units(self, order: OrderLike = "documented") -> list[SlotItem]:
        """Every positive unit (tag, phrase, schedule) of every section, in render order."""
        ordering = resolve_ordering(order)
        return [unit for section in self.all_sections() for unit in _Slots.units(section, ordering)]

    def add(self, value: Any) -> None:
        """Add one of the card's values (its tags go to their slots) or a unit by class.

        >>> from aidxl_prompt.card.forms import Character
        >>> p = Prompt()
        >>> p.add(Character("frieren", series="sousou no frieren", outfit=["white dress"]))
        >>> [(slot, [t.text for t in p.slot(slot)]) for slot in ("character", "clothing")]
        [('character', ['frieren (sousou no frieren)']), ('clothing', ['white dress'])]
        """
        slot_items = getattr(value, "slot_items", None)
        if not callable(slot_items):
            raise TypeError(
                f"Prompt.add() takes one of the card's values, not {type(value).__name__}; "
                "append a tag to a slot instead (p.quality.append(...))"
            )
        for slot, tags in slot_items().items():
            self.slot(slot).extend(tags)

    def render(self, dialect: Dialect = "a1111", *, order: OrderLike = "documented") -> str:
        """This prompt rendered in ``dialect`` (see :func:`render`)."""
        return render_items(self.items(order), dialect)

    def render_negative(self, dialect: Dialect = "a1111") -> str:
        """The negative prompt rendered in ``dialect``."""
        return render_items(self.negative, dialect)

    def is_empty(self) -> bool:
        """True when no slot, section, the negative prompt nor ``networks`` holds anything."""
        return not (self.has_units() or self.sections or self.negative or self.networks)


def render(
    prompt: Prompt | Iterable[PromptItem],
    dialect: Dialect = "a1111",
    *,
    order: OrderLike = "documented",
) -> str:
    """Render a :class:`Prompt` (in ``order``) or a sequence of items in ``dialect``.

    ``order`` is a preset name (``"documented"``, ``"style_last"``), an
    :class:`~aidxl_prompt.model.ordering.Ordering` or a sequence of slots; it only applies
    to a Prompt, and only ever moves units inside their section. A Prompt's
    ``networks`` follow its units.

    >>> p = Prompt(art_style=[("by ask", 0.9)], quality=[("amazing quality", 1.5)])
    >>> render(p)
    '(by ask:0.9), (amazing quality:1.5)'
    >>> render(p, order="style_last")
    '(amazing quality:1.5), (by ask:0.9)'
    >>> render("1girl, smile")
    Traceback (most recent call last):
    ...
    TypeError: render() takes a Prompt or a list of items, not a str; parse it first: \
render(parse(text))
    """
    if isinstance(prompt, Prompt):
        return render_items(prompt.items(order), dialect)
    if isinstance(prompt, str):
        raise TypeError(
            "render() takes a Prompt or a list of items, not a str; "
            "parse it first: render(parse(text))"
        )
    if not isinstance(prompt, Iterable):
        raise TypeError(f"render() takes a Prompt or a list of items, not {type(prompt).__name__}")
    return render_items(prompt, dialect)
