"""Slots and the orders they are rendered in.

:class:`Slot` iterates in the model card's documented order. An :class:`Ordering` is a
permutation of the slots, strongest first; the presets live in ``data/tags/orders.yaml``
and users load their own with :meth:`Ordering.load`.

>>> [slot.value for slot in Slot][:3]
['art_style', 'character', 'race']
>>> Ordering.preset("style_last").slots[-1]
<Slot.art_style: 'art_style'>
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .._data import load_builtin_yaml, load_yaml_file
from ..errors import DataFileError, OrderingError, did_you_mean

__all__ = ["OrderLike", "Ordering", "Slot", "ordering_presets", "resolve_ordering"]


class Slot(str, enum.Enum):
    """One position of the model card's tag order; iteration follows the card (its
    "Tag Ordering" example, strongest first)."""

    art_style = "art_style"
    """``by <artist>``: first, because style matters most to the image."""
    character = "character"
    """The character trigger (``1 frieren (sousou no frieren)``) and people counts."""
    race = "race"
    """``elf``, ``cat girl``."""
    composition = "composition"
    """Framing and view: ``cowboy shot``, ``from above``."""
    painting_style = "painting_style"
    """One of the card's eleven painting-style words (``impasto``)."""
    theme = "theme"
    """``<name> theme``: ``fantasy theme``."""
    main_environment = "main_environment"
    """Where the scene is: ``in the forest``, ``at day``."""
    background = "background"
    """``gradient background``."""
    action = "action"
    """What the character does: ``sitting on ground``, ``looking at viewer``."""
    expression = "expression"
    """``expressionless``, ``smile``, kaomoji."""
    main_characteristics = "main_characteristics"
    """Hair colour and length, skin, build: ``white hair``."""
    other_characteristics = "other_characteristics"
    """Hairstyle, eyes, face and body: ``twintails``, ``green eyes``."""
    clothing = "clothing"
    """``wearing a white dress``."""
    clothing_accessories = "clothing_accessories"
    """``frills``, ribbons, jewellery."""
    other_items = "other_items"
    """What the character holds or has: ``holding a magic wand``."""
    secondary_environment = "secondary_environment"
    """Things of the scene: ``grass``, ``sunshine``."""
    aesthetics = "aesthetics"
    """``beautiful color``, ``detailed``."""
    quality = "quality"
    """One of the card's six quality levels (``best quality``)."""
    secondary_description = "secondary_description"
    """The weakest: ``birds``, ``cloud``, and whatever no rule places."""

    @classmethod
    def parse(cls, name: str) -> Slot:
        """Look a slot up by value, accepting spaces or dashes for underscores.

        >>> Slot.parse("main environment")
        <Slot.main_environment: 'main_environment'>
        """
        key = str(name).strip().lower().replace(" ", "_").replace("-", "_")
        try:
            return cls(key)
        except ValueError:
            hint = did_you_mean(key, [slot.value for slot in cls])
            raise OrderingError(f"unknown slot {name!r}{hint}") from None


class Ordering(BaseModel):
    """A slot order, strongest first: every slot exactly once.

    >>> Ordering(name="mine", slots=list(Slot)[::-1]).rank(Slot.secondary_description)
    0
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = "custom"
    description: str = ""
    slots: tuple[Slot, ...]

    @field_validator("slots", mode="before")
    @classmethod
    def _parse_slot_names(cls, value: Any) -> Any:
        return _slot_names(value)

    @field_validator("slots")
    @classmethod
    def _every_slot_once(cls, slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
        return _every_slot_once(slots)

    @classmethod
    def preset(cls, name: str) -> Ordering:
        """A built-in order by name (see :func:`ordering_presets`)."""
        presets = ordering_presets()
        if name not in presets:
            known = ", ".join(sorted(presets))
            raise OrderingError(f"unknown ordering preset {name!r}; known presets: {known}")
        return presets[name]

    @classmethod
    def load(cls, path: str | Path) -> Ordering:
        """Read an order from a YAML file: a list of slots, or a mapping with ``slots``.

        Errors name the file and what is wrong with it.
        """
        path = Path(path)
        raw = load_yaml_file(path)
        if isinstance(raw, list):
            raw = {"slots": raw}
        if not isinstance(raw, dict) or "slots" not in raw:
            raise DataFileError(f"{path}: expected a list of slots or a mapping with 'slots'")
        raw.setdefault("name", path.stem)
        return _build(raw, where=str(path))

    @functools.cached_property
    def field_names(self) -> tuple[str, ...]:
        """The slots' names in this order (a Prompt's field names), for the loops that
        walk a prompt's slots (an enum's ``value`` costs a lookup each time).

        >>> Ordering.preset("documented").field_names[:2]
        ('art_style', 'character')
        """
        return tuple(slot.value for slot in self.slots)

    def rank(self, slot: Slot) -> int:
        """Position of ``slot`` in this order (0 is the strongest)."""
        return self._ranks()[slot]

    def _ranks(self) -> Mapping[Slot, int]:
        return _rank_table(self.slots)


def _slot_names(value: Any) -> Any:
    """Slot names (any spelling :meth:`Slot.parse` takes) as slots."""
    if isinstance(value, (list, tuple)):
        return tuple(item if isinstance(item, Slot) else Slot.parse(item) for item in value)
    return value


def _every_slot_once(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """``slots`` when it lists every slot exactly once, else an :class:`OrderingError`."""
    seen: set[Slot] = set()
    repeated: list[str] = []
    for slot in slots:
        if slot in seen:
            repeated.append(slot.value)
        seen.add(slot)
    missing = [slot.value for slot in Slot if slot not in seen]
    problems = []
    if repeated:
        problems.append("listed more than once: " + ", ".join(repeated))
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if problems:
        raise OrderingError("an ordering must list every slot exactly once; " + "; ".join(problems))
    return slots


def _build(raw: Mapping[str, Any], *, where: str) -> Ordering:
    try:
        return Ordering.model_validate(dict(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        cause = first.get("ctx", {}).get("error")
        if isinstance(cause, OrderingError):
            raise OrderingError(f"{where}: {cause}") from None
        location = ".".join(str(part) for part in first["loc"])
        raise DataFileError(f"{where}: {location}: {first['msg']}") from None


@functools.cache
def _rank_table(slots: tuple[Slot, ...]) -> Mapping[Slot, int]:
    return MappingProxyType({slot: index for index, slot in enumerate(slots)})


@functools.cache
def ordering_presets() -> Mapping[str, Ordering]:
    """The built-in orders from ``data/tags/orders.yaml``, by name."""
    raw = load_builtin_yaml("orders.yaml")
    if not isinstance(raw, dict):
        raise DataFileError("orders.yaml: expected a mapping of order names")
    return MappingProxyType({str(name): _built_in(str(name), body) for name, body in raw.items()})


def _built_in(name: str, body: Any) -> Ordering:
    """A shipped order, checked by the model's own rules without building its pydantic
    schema (which would cost every CLI start tens of milliseconds)."""
    where = f"orders.yaml:{name}"
    if not isinstance(body, dict) or not set(body) <= {"slots", "description"}:
        return _build({"name": name, **(body if isinstance(body, dict) else {})}, where=where)
    description = body.get("description", "")
    try:
        slots = _every_slot_once(_slot_names(body.get("slots")))
    except OrderingError as exc:
        raise OrderingError(f"{where}: {exc}") from None
    if not isinstance(slots, tuple) or not isinstance(description, str):
        return _build({"name": name, **body}, where=where)
    return Ordering.model_construct(name=name, description=description, slots=slots)


OrderLike = str | Ordering | Iterable[Slot]


def resolve_ordering(order: OrderLike) -> Ordering:
    """Turn a preset name, an :class:`Ordering` or a slot sequence into an Ordering."""
    if isinstance(order, Ordering):
        return order
    if isinstance(order, str):
        return Ordering.preset(order)
    if not isinstance(order, Iterable):
        raise OrderingError(
            f"an order is a preset name, an Ordering or a list of slots, not {order!r}"
        )
    return _build({"slots": list(order)}, where="ordering")
