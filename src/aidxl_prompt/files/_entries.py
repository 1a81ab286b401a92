"""One entry of a prompt file's field, read into the items it adds.

An entry is a tag (``elf``, ``{elf: 1.2}``, ``{text: elf, weight: 1.2}``), a typed
entry (``{character: ...}``, ``{style: ...}``, ``{quality: ...}``, ``{theme: ...}``) or
a control item (``{kind: phrase|schedule|break}``); its keys are those of
:mod:`._format`. Problems are raised as :class:`~._problems.EntryProblem` at the
entry's path.

>>> entry_parts({"elf": 1.2}, "race", ("race", 0))
[Contribution(field='race', items=(Tag(text='elf', weight=1.2),))]
"""

from __future__ import annotations

import math
import sys
from typing import Any

from pydantic import ValidationError

from ..card.forms import ArtStyle, Character, CharacterForm, Theme
from ..card.words import PaintingStyle, Quality
from ..errors import CardValueError, PromptValueError, did_you_mean
from ..model.items import Break, Phrase, Schedule, Tag, plain_message
from ..model.parser import parse_items
from ..syntax.normalize import normalize_tag
from ._document import Contribution, FileItem
from ._format import (
    BREAK,
    EXPLICIT,
    PHRASE,
    RESERVED_KEYS,
    SCHEDULE,
    SLOT_FIELDS,
    TYPED,
    WEIGHT_LIMIT,
)
from ._problems import EntryPath, EntryProblem, as_list, describe, show_number

__all__ = ["draw_weight", "entry_parts", "slot_string_tag", "tag_weight"]

_EXPECTED_ENTRY = (
    "expected a tag ('text' or {'text': weight}), {text: ..., weight: ...}, a typed entry "
    "(character, style, quality, theme), {kind: phrase|schedule|break} or {choose: [...]}"
)
_FORMS = tuple(form.value for form in CharacterForm)


def entry_parts(value: Any, field: str, path: EntryPath) -> list[Contribution]:
    """The contributions of one (non-choice) entry of ``field`` at ``path``."""
    try:
        return _entry_parts(value, field, path)
    except CardValueError as exc:
        raise EntryProblem(path, str(exc)) from None
    except PromptValueError as exc:
        raise EntryProblem(path, value_problem(exc)) from None
    except ValidationError as exc:
        raise EntryProblem(*_validation_problem(exc, value, path)) from None


def value_problem(exc: PromptValueError) -> str:
    """The problem a model value reported, without its field's name."""
    detail = exc.detail or str(exc)
    for field in ("text: ", "weight: "):
        detail = detail.removeprefix(field)
    return detail


def _validation_problem(exc: ValidationError, value: Any, path: EntryPath) -> tuple[EntryPath, str]:
    """Where in the entry a card form's error is, and its message (from
    :func:`~aidxl_prompt.model.items.plain_message`, less the key it is about: the key
    goes into the path instead, when the entry has that key)."""
    location = tuple(part for part in exc.errors()[0]["loc"] if isinstance(part, (str, int)))
    message = plain_message(exc)
    if location:
        message = message.removeprefix(".".join(str(part) for part in location) + ": ")
    inside = isinstance(value, dict) and bool(location) and location[0] in value
    return (*path, *location) if inside else path, message


def _entry_parts(value: Any, field: str, path: EntryPath) -> list[Contribution]:
    if isinstance(value, str):
        return [Contribution(field=field, items=(_short_tag(field, value, 1.0),))]
    if not isinstance(value, dict) or not value:
        raise EntryProblem(path, f"{_EXPECTED_ENTRY}; got {describe(value)}")
    typed = [key for key in TYPED if key in value]
    if typed:
        return _typed_parts(typed[0], value, field, path)
    if "kind" in value:
        return [Contribution(field=field, items=(_control_item(value, field, path),))]
    if "text" in value:
        return [Contribution(field=field, items=(_explicit_tag(value, path),))]
    return [Contribution(field=field, items=(_weighted_tag(value, field, path),))]


def _short_tag(field: str, text: str, weight: float) -> Tag:
    """A tag written as a string or ``{tag: weight}``: the card's treatment in a slot."""
    return slot_string_tag(field, text, weight) if field in SLOT_FIELDS else Tag(text, weight)


def _explicit_tag(value: dict[Any, Any], path: EntryPath) -> Tag:
    """``{text: elf, weight: 1.2}``: a tag exactly as written."""
    EXPLICIT.check(value, path)
    text = value["text"]
    if not isinstance(text, str):
        raise EntryProblem((*path, "text"), f"expected the tag's text, got {describe(text)}")
    return Tag(text=text, weight=tag_weight(value.get("weight"), (*path, "weight")))


def _weighted_tag(value: dict[Any, Any], field: str, path: EntryPath) -> Tag:
    """``{elf: 1.2}``: one tag and its weight."""
    if len(value) != 1:
        raise EntryProblem(path, f"{_EXPECTED_ENTRY}; got a mapping with {len(value)} keys")
    ((text, raw_weight),) = value.items()
    if not isinstance(text, str):
        raise EntryProblem(
            path, f"expected {{tag: weight}} with the tag as text, got {describe(text)}"
        )
    if text in RESERVED_KEYS:
        raise EntryProblem(path, f"{text!r} on its own is not an entry; {_EXPECTED_ENTRY}")
    return _short_tag(field, text, tag_weight(raw_weight, (*path, text)))


def draw_weight(value: Any, path: EntryPath) -> float:
    """An option's weight: how often it is drawn, a positive number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EntryProblem(
            path, f"expected a positive number (how often to draw it), got {describe(value)}"
        )
    # An integer too large for a float (10**400) is compared, never converted.
    if value <= 0 or value > sys.float_info.max or math.isnan(value):
        raise EntryProblem(
            path, f"expected a positive number (how often to draw it), got {show_number(value)}"
        )
    return float(value)


def tag_weight(value: Any, path: EntryPath) -> float:
    """A tag's (or section's) weight: 1 when not given, else within :data:`WEIGHT_LIMIT`."""
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EntryProblem(path, f"expected a number for the weight, got {describe(value)}")
    # Compared before any conversion: an integer of 400 digits does not fit a float, and
    # NaN fails every comparison.
    if not -WEIGHT_LIMIT <= value <= WEIGHT_LIMIT:
        raise EntryProblem(
            path,
            f"expected a finite weight from -{WEIGHT_LIMIT} to {WEIGHT_LIMIT}, "
            f"got {show_number(value)}",
        )
    return float(value)


def slot_string_tag(field: str, text: str, weight: float = 1.0) -> Tag:
    """The tag a short-form string stands for in ``field`` (the card's treatment).

    >>> slot_string_tag("art_style", "yoneyama mai", 0.9)
    Tag(text='by yoneyama mai', weight=0.9)
    >>> slot_string_tag("quality", "amazing").text
    'amazing quality'
    """
    if field == "art_style":
        return ArtStyle(artist=text, weight=weight).tag()
    if field == "painting_style":
        return PaintingStyle.parse(text).tag(weight)
    if field == "quality":
        return _quality_tag(text, weight)
    return Tag(text=text, weight=weight)


def _quality_tag(text: str, weight: float) -> Tag:
    key = normalize_tag(text)
    for level in Quality:
        if key in (level.value, level.name):
            return level.tag(weight)
    levels = [level.value for level in Quality]
    names = [level.name for level in Quality]
    if key.endswith(" quality") or did_you_mean(key, names):
        hint = did_you_mean(key, levels) or did_you_mean(key, names)
        if hint:
            raise CardValueError(
                f"{text!r} is not one of the card's quality levels{hint} "
                f"(expected one of: {', '.join(levels)}, or a tag of your own)"
            )
    return Tag(text=text, weight=weight)


def _typed_parts(
    kind: str, value: dict[Any, Any], field: str, path: EntryPath
) -> list[Contribution]:
    typed = TYPED[kind]
    if field != typed.slot:
        raise EntryProblem(
            path, f"a {kind!r} entry belongs in the {typed.slot!r} slot, not in {field!r}"
        )
    typed.shape.check(value, path)
    weight = tag_weight(value.get("weight"), (*path, "weight"))
    name = value[kind]
    if not isinstance(name, str):
        raise EntryProblem((*path, kind), f"expected a name, got {describe(name)}")
    if kind == "style":
        tag = ArtStyle(artist=name, weight=weight).tag()
    elif kind == "quality":
        tag = Quality.parse(name).tag(weight)
    elif kind == "theme":
        tag = Theme(name=name, weight=weight).tag()
    else:
        return _character_parts(name, value, weight, path)
    return [Contribution(field=field, items=(tag,))]


def _character_parts(
    name: str, value: dict[Any, Any], weight: float, path: EntryPath
) -> list[Contribution]:
    form = value.get("form", CharacterForm.tag.value)
    if form not in _FORMS:
        raise EntryProblem(
            (*path, "form"), f"expected one of {', '.join(_FORMS)}, got {describe(form)}"
        )
    outfit = _outfit(value.get("outfit", []), (*path, "outfit"))
    for key in ("series", "gender"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise EntryProblem((*path, key), f"expected a string, got {describe(value[key])}")
    character = Character(
        name=name,
        series=value.get("series"),
        gender=value.get("gender"),
        form=CharacterForm(form),
        weight=weight,
        outfit=outfit,
    )
    return [
        Contribution(field=slot.value, items=tags) for slot, tags in character.slot_items().items()
    ]


def _outfit(value: Any, path: EntryPath) -> tuple[Tag, ...]:
    """A character's outfit: clothing tags (one, or a list)."""
    value = as_list(value, path, "a list of clothing tags", single=(str, dict))
    tags: list[Tag] = []
    for index, element in enumerate(value):
        if isinstance(element, dict) and "kind" in element:
            raise EntryProblem((*path, index), "an outfit holds tags, not {kind: ...} items")
        for part in entry_parts(element, "clothing", (*path, index)):
            tags.extend(item for item in part.items if isinstance(item, Tag))
    return tuple(tags)


def _control_item(value: dict[Any, Any], field: str, path: EntryPath) -> FileItem:
    kind = value["kind"]
    if kind == "break":
        BREAK.check(value, path)
        if field == "negative":
            return Break()
    if kind in ("break", "and"):
        raise EntryProblem(
            path,
            f"{kind.upper()} divides the prompt into sections: write the units after it "
            f"under sections: [{{joiner: {kind.upper()}, <slot>: [...]}}]",
        )
    if kind not in ("schedule", "phrase"):
        raise EntryProblem(
            (*path, "kind"), f"expected phrase, schedule or break, got {describe(kind)}"
        )
    (SCHEDULE if kind == "schedule" else PHRASE).check(value, path)
    text = value.get("text")
    if not isinstance(text, str):
        raise EntryProblem((*path, "text"), f"expected the {kind}'s text, got {describe(text)}")
    if kind == "schedule":
        return Schedule(text=text, weight=tag_weight(value.get("weight"), (*path, "weight")))
    return _phrase(text, (*path, "text"))


def _phrase(text: str, path: EntryPath) -> Tag | Phrase | Schedule:
    """One comma-separated unit written in A1111 syntax (``a (white:1.2) dress``)."""
    result = parse_items(text, "a1111")
    if result.repairs:
        raise EntryProblem(path, f"{result.repairs[0].message} (in {text!r})")
    units = [item for item in result.items if isinstance(item, (Tag, Phrase, Schedule))]
    if len(units) != 1 or len(result.items) != 1:
        raise EntryProblem(path, f"expected one comma-separated unit in A1111 syntax, got {text!r}")
    return units[0]
