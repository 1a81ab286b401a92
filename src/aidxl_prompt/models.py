"""The typed values: prompt items (tags and control items) and the slotted Prompt.

Items are frozen value objects; a :class:`Tag` compares on its canonical text and its
weight. Control items (:class:`Break`, :class:`And`, :class:`ExtraNetwork`,
:class:`Schedule`) are kept verbatim and never normalised.

>>> Tag("Bishop_(Chess)", 1.2)
Tag(text='bishop (chess)', weight=1.2)
>>> p = Prompt(art_style=["by yoneyama mai"], quality=[("best quality", 1.5)])
>>> [t.text for t in p.tags()]
['by yoneyama mai', 'best quality']
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .normalize import Dialect, escape, format_weight, normalize_tag
from .ordering import OrderLike, Slot, resolve_ordering

__all__ = [
    "And",
    "Break",
    "ExtraNetwork",
    "Prompt",
    "PromptItem",
    "Schedule",
    "SlotItem",
    "Tag",
    "coerce_item",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

# A1111's extra-network syntax (extra_networks.py): ``<kind:arg[:arg...]>``.
EXTRA_NETWORK_PATTERN = re.compile(r"<(\w+):([^>]+)>")


class Tag(BaseModel):
    """One tag: canonical text and a weight (1.0 = unweighted).

    ``text`` is normalised on construction; it may not be empty or hold a comma.
    ``weight`` must be finite.

    >>> Tag(text="long_hair") == Tag("long hair", 1.0)
    True
    >>> Tag("by ask", 0.9).weight
    0.9
    """

    model_config = _FROZEN

    text: str
    weight: float = 1.0

    def __init__(self, text: str | None = None, weight: float = 1.0, /, **data: Any) -> None:
        """``Tag("smile", 1.1)`` is short for ``Tag(text="smile", weight=1.1)``."""
        if text is not None:
            data["text"] = text
        data.setdefault("weight", weight)
        super().__init__(**data)

    @field_validator("text", mode="before")
    @classmethod
    def _canonical_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = normalize_tag(value)
        if not text:
            raise ValueError(f"a tag's text may not be empty (got {value!r})")
        if "," in text:
            raise ValueError(f"a tag's text may not contain a comma (got {value!r})")
        return text

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"a tag's weight must be a finite number (got {value!r})")
        return value

    @functools.cached_property
    def a1111(self) -> str:
        """This tag as an A1111 prompt fragment (escaped; ``(text:w)`` when weighted).

        Computed once per tag (tags are immutable and shared), which keeps rendering
        batches fast.

        >>> Tag("bishop (chess)", 1.2).a1111
        '(bishop \\\\(chess\\\\):1.2)'
        """
        escaped = escape(self.text, "a1111")
        if self.weight == 1.0:
            return escaped
        return f"({escaped}:{format_weight(self.weight)})"

    def with_weight(self, weight: float) -> Tag:
        """The same tag with another weight."""
        return Tag(self.text, weight)

    def __str__(self) -> str:
        return self.text


class Break(BaseModel):
    """A1111's ``BREAK``: pad the current 75-token chunk and start a new one."""

    model_config = _FROZEN
    kind: Literal["break"] = "break"

    def __str__(self) -> str:
        return "BREAK"


class And(BaseModel):
    """A1111's ``AND``: composable-diffusion split into sub-prompts (positive prompt only)."""

    model_config = _FROZEN
    kind: Literal["and"] = "and"

    def __str__(self) -> str:
        return "AND"


class ExtraNetwork(BaseModel):
    """An extra-network token such as ``<lora:name:0.8>``, kept verbatim (case too).

    >>> net = ExtraNetwork(text="<lora:AIDXL_Style:0.8>")
    >>> net.network, net.name, net.multiplier
    ('lora', 'AIDXL_Style', 0.8)
    """

    model_config = _FROZEN
    kind: Literal["extra_network"] = "extra_network"
    text: str

    @field_validator("text")
    @classmethod
    def _is_extra_network(cls, value: str) -> str:
        if not EXTRA_NETWORK_PATTERN.fullmatch(value):
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


class Schedule(BaseModel):
    """A1111 prompt editing or alternation (``[a:b:10]``, ``[a:5]``, ``[a|b]``), verbatim.

    ``weight`` is the emphasis of the brackets around it in the source (1.0 if none).
    """

    model_config = _FROZEN
    kind: Literal["schedule"] = "schedule"
    text: str
    weight: float = 1.0

    @field_validator("text")
    @classmethod
    def _is_schedule(cls, value: str) -> str:
        if not _is_schedule_text(value):
            raise ValueError(
                "a schedule is one bracket group [a:b:N], [a:N], [a::N] or [a|b] "
                f"with balanced brackets inside: {value!r}"
            )
        return value

    @field_validator("weight")
    @classmethod
    def _finite_weight(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"a schedule's weight must be a finite number (got {value!r})")
        return value

    def __str__(self) -> str:
        return self.text


# A1111's NUMBER in the scheduling grammar (lark's SIGNED_NUMBER).
_SCHEDULE_STEP = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")


def _is_schedule_text(text: str) -> bool:
    """True for one bracket group that A1111's grammar reads as editing or alternation."""
    if len(text) < 3 or text[0] != "[" or text[-1] != "]":
        return False
    depth = 0
    colons: list[int] = []
    pipes = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            if index + 1 >= len(text) or text[index + 1] == "\n":
                return False
            index += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0 or (depth == 0 and index != len(text) - 1):
                return False
        elif depth == 1 and char == ":":
            colons.append(index)
        elif char == "|":
            if depth != 1:
                return False
            pipes += 1
        index += 1
    if depth != 0:
        return False
    if pipes:
        return not colons
    return 1 <= len(colons) <= 2 and bool(
        _SCHEDULE_STEP.fullmatch(text, colons[-1] + 1, len(text) - 1)
    )


PromptItem = Tag | Break | And | ExtraNetwork | Schedule
"""Anything :func:`~aidxl_prompt.parse_tags` returns."""

SlotItem = Tag | Break | And | Schedule
"""What a Prompt slot holds: tags, plus BREAK, AND and schedules kept before the tag
that followed them in the source."""

_CONTROL_KINDS: Mapping[str, type[BaseModel]] = {
    "break": Break,
    "and": And,
    "extra_network": ExtraNetwork,
    "schedule": Schedule,
}


def coerce_item(value: Any) -> PromptItem:
    """Build an item from the short forms users write.

    ``"tag"``, ``("tag", 1.2)``, ``{"tag": 1.2}``, ``{"text": "tag", "weight": 1.2}``,
    ``{"kind": "break"}`` or an item itself.

    >>> coerce_item(("smile", 1.1))
    Tag(text='smile', weight=1.1)
    >>> coerce_item({"by ask": 0.9})
    Tag(text='by ask', weight=0.9)
    """
    if isinstance(value, (Tag, Break, And, ExtraNetwork, Schedule)):
        return value
    if isinstance(value, str):
        return Tag(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], str):
        return Tag(value[0], value[1])
    if isinstance(value, Mapping):
        kind = value.get("kind")
        if isinstance(kind, str) and kind in _CONTROL_KINDS:
            item = _CONTROL_KINDS[kind].model_validate(dict(value))
            assert isinstance(item, (Break, And, ExtraNetwork, Schedule))
            return item
        if "text" in value:
            return Tag.model_validate(dict(value))
        if len(value) == 1:
            ((text, weight),) = value.items()
            if isinstance(text, str):
                return Tag(text, 1.0 if weight is None else weight)
    raise ValueError(
        f"expected a tag as 'text', ('text', weight), {{'text': weight}} or a Tag, not {value!r}"
    )


def _coerce_list(value: Any, allowed: tuple[type[BaseModel], ...], where: str) -> Any:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)) or not isinstance(value, Iterable):
        value = [value]
    items = []
    for index, element in enumerate(value):
        try:
            item = coerce_item(element)
        except ValueError as exc:
            raise ValueError(f"{where}[{index}]: {_plain_message(exc)}") from None
        if not isinstance(item, allowed):
            names = " or ".join(cls.__name__ for cls in allowed)
            raise ValueError(f"{where}[{index}] is a {type(item).__name__}; expected {names}")
        items.append(item)
    return items


def _plain_message(exc: ValueError) -> str:
    """The first message of a pydantic ValidationError without its boilerplate."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        location = ".".join(str(part) for part in first["loc"])
        return f"{location}: {message}" if location else message
    return str(exc)


class Prompt(BaseModel):
    """Tags held in named slots, one per position of the card's documented order.

    Every slot field accepts ``Tag`` objects, plain strings and ``(text, weight)``
    pairs. ``negative`` holds the negative prompt; ``networks`` the extra-network
    tokens (LoRA...) that are rendered after the tags.

    >>> p = Prompt(quality=["best quality"], character=["1 frieren (sousou no frieren)"])
    >>> p.render()
    '1 frieren \\\\(sousou no frieren\\\\), best quality'
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    art_style: list[SlotItem] = Field(default_factory=list)
    character: list[SlotItem] = Field(default_factory=list)
    race: list[SlotItem] = Field(default_factory=list)
    composition: list[SlotItem] = Field(default_factory=list)
    painting_style: list[SlotItem] = Field(default_factory=list)
    theme: list[SlotItem] = Field(default_factory=list)
    main_environment: list[SlotItem] = Field(default_factory=list)
    background: list[SlotItem] = Field(default_factory=list)
    action: list[SlotItem] = Field(default_factory=list)
    expression: list[SlotItem] = Field(default_factory=list)
    main_characteristics: list[SlotItem] = Field(default_factory=list)
    other_characteristics: list[SlotItem] = Field(default_factory=list)
    clothing: list[SlotItem] = Field(default_factory=list)
    clothing_accessories: list[SlotItem] = Field(default_factory=list)
    other_items: list[SlotItem] = Field(default_factory=list)
    secondary_environment: list[SlotItem] = Field(default_factory=list)
    aesthetics: list[SlotItem] = Field(default_factory=list)
    quality: list[SlotItem] = Field(default_factory=list)
    secondary_description: list[SlotItem] = Field(default_factory=list)
    negative: list[SlotItem] = Field(default_factory=list)
    networks: list[ExtraNetwork] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _coerce_short_forms(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        coerced = dict(data)
        for key, value in data.items():
            if key == "networks":
                coerced[key] = _coerce_list(value, (ExtraNetwork,), key)
            elif key in cls.model_fields:
                coerced[key] = _coerce_list(value, (Tag, Break, And, Schedule), key)
        return coerced

    @field_validator(*[slot.value for slot in Slot], "negative", mode="before")
    @classmethod
    def _coerce_on_assignment(cls, value: Any) -> Any:
        return _coerce_list(value, (Tag, Break, And, Schedule), "a slot")

    @field_validator("networks", mode="before")
    @classmethod
    def _coerce_networks(cls, value: Any) -> Any:
        return _coerce_list(value, (ExtraNetwork,), "networks")

    def slot(self, slot: Slot | str) -> list[SlotItem]:
        """The items of one slot (by :class:`Slot` or its name)."""
        key = slot if isinstance(slot, Slot) else Slot.parse(slot)
        items: list[SlotItem] = getattr(self, key.value)
        return items

    def items(self, order: OrderLike = "documented") -> list[PromptItem]:
        """Every positive item in render order: slots by ``order``, then ``networks``.

        Inside a slot the written order is kept (earlier = stronger).
        """
        ordering = resolve_ordering(order)
        result: list[PromptItem] = []
        for slot in ordering.slots:
            result.extend(getattr(self, slot.value))
        result.extend(self.networks)
        return result

    def tags(self, order: OrderLike = "documented") -> list[Tag]:
        """The positive tags in render order (control items left out)."""
        return [item for item in self.items(order) if isinstance(item, Tag)]

    def render(self, dialect: Dialect = "a1111", *, order: OrderLike = "documented") -> str:
        """Shortcut for :func:`aidxl_prompt.render` of this prompt."""
        from .render import render  # noqa: PLC0415 (the renderer sits a layer above)

        return render(self, dialect, order=order)

    def render_negative(self, dialect: Dialect = "a1111") -> str:
        """The negative prompt rendered in ``dialect``."""
        from .render import render_items  # noqa: PLC0415 (a layer above)

        return render_items(self.negative, dialect)

    def to_yaml(self) -> str:
        """This prompt as a prompt file; :func:`~aidxl_prompt.load_prompt_file` reads it
        back equal."""
        from .prompt_file import prompt_to_yaml  # noqa: PLC0415 (a layer above)

        return prompt_to_yaml(self)

    @classmethod
    def from_tags(
        cls, tags: Iterable[Any], *, vocabulary: Any = None, keep_meta: bool = False
    ) -> Prompt:
        """Sort a flat list of tags into slots (see :func:`~aidxl_prompt.prompt_from_tags`).

        >>> [t.text for t in Prompt.from_tags(["gun", "1boy", "by ask"]).tags()]
        ['by ask', '1boy', 'gun']
        """
        from .classify import prompt_from_tags  # noqa: PLC0415 (a layer above)

        return prompt_from_tags(tags, vocabulary, keep_meta=keep_meta)

    def is_empty(self) -> bool:
        """True when no slot, the negative prompt nor ``networks`` holds anything."""
        return not any(getattr(self, name) for name in type(self).model_fields)
