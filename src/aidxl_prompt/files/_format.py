"""The prompt-file format as data: its fields and every kind of mapping it holds.

This table is the one statement of which keys a prompt file has. The reader refuses a
key that is not here (with :meth:`Shape.check`), and the JSON Schema
(:mod:`._schema`) is generated from it; a test holds the two equal.

A :class:`Shape` lists a mapping's keys, each with the JSON Schema of its value, or the
name of a value that depends on where the mapping is (``"entries"``: the entries of the
field it is in; :mod:`._schema` says what each name stands for).

>>> EXPLICIT.expected()
'a tag has text and weight'
>>> DOCUMENT.expected()
'a prompt file has slot names, negative, networks, sections, weight, extends, merge, description and settings'
>>> SETTINGS.check({"cfg_scal": 7}, ("settings",))
Traceback (most recent call last):
...
aidxl_prompt.files._problems.EntryProblem: unknown setting; did you mean 'cfg_scale'? (a settings block has preset, width, height, cfg_scale, steps, sampler, scheduler, seed, batch_size and clip_skip)
"""  # noqa: E501 (the doctests show whole messages)

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..card.forms import CharacterForm
from ..card.settings import Settings
from ..card.words import Quality
from ..model.ordering import Slot
from ..syntax.normalize import MAX_WEIGHT
from ._problems import EntryPath, check_known

__all__ = [
    "BREAK",
    "CHOICE",
    "CONTENT_FIELDS",
    "DOCUMENT",
    "EXPLICIT",
    "MERGE",
    "MERGE_MODES",
    "OPTION",
    "PHRASE",
    "RESERVED_KEYS",
    "SCHEDULE",
    "SECTION",
    "SETTINGS",
    "SLOT_FIELDS",
    "TAG_FIELDS",
    "TYPED",
    "WEIGHT_LIMIT",
    "MergeMode",
    "Shape",
    "Typed",
    "Value",
]

WEIGHT_LIMIT = int(MAX_WEIGHT)
"""The largest weight (in absolute value) a prompt file may give a tag: the one limit a
:class:`~aidxl_prompt.Tag` has. The card's weights stay near 1; far beyond, a weight is
a typo."""

SLOT_FIELDS: tuple[str, ...] = tuple(slot.value for slot in Slot)
TAG_FIELDS: tuple[str, ...] = (*SLOT_FIELDS, "negative")
CONTENT_FIELDS: tuple[str, ...] = (*TAG_FIELDS, "networks")

MergeMode = Literal["append", "replace"]
MERGE_MODES: tuple[MergeMode, ...] = ("append", "replace")

Value = Mapping[str, Any] | str
"""The JSON Schema of a key's value, or the name of one that depends on the place."""

_WEIGHT: Mapping[str, Any] = {
    "type": ["number", "null"],
    "minimum": -WEIGHT_LIMIT,
    "maximum": WEIGHT_LIMIT,
    "description": "Emphasis; 1 (or nothing) is unweighted.",
}
_NAME: Mapping[str, Any] = {"type": "string", "minLength": 1, "pattern": "^[^,]*$"}
_OPTIONAL_NAME: Mapping[str, Any] = {
    "type": ["string", "null"],
    "minLength": 1,
    "pattern": "^[^,]*$",
}


@dataclass(frozen=True)
class Shape:
    """One kind of mapping: what it is called, its keys (each with its value), which of
    them it needs, and whether its keys are called keys or fields in messages."""

    noun: str
    keys: Mapping[str, Value]
    required: tuple[str, ...] = ()
    description: str = ""
    word: str = "key"

    def expected(self) -> str:
        """What the mapping has, as the end of an "unknown key" message."""
        return f"{self.noun} has {_listing(tuple(self.keys))}"

    def check(self, value: Mapping[Any, Any], path: EntryPath) -> None:
        """Refuse the first key of ``value`` that this shape does not have."""
        for key in value:
            if key not in self.keys:  # the message is made only for a key that is wrong
                check_known(key, self.keys, path, self.expected(), word=self.word)


def _listing(names: Sequence[str]) -> str:
    """``a, b and c``, with all the slot names said as one: ``joiner, weight and slot
    names``."""
    words: list[str] = []
    every_slot = set(SLOT_FIELDS) <= set(names)
    for name in names:
        if not every_slot or name not in SLOT_FIELDS:
            words.append(name)
        elif "slot names" not in words:
            words.append("slot names")
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


EXPLICIT = Shape(
    "a tag",
    {"text": _NAME, "weight": _WEIGHT},
    required=("text",),
    description="A tag exactly as written, with no card treatment.",
)
BREAK = Shape(
    "a break",
    {"kind": {"const": "break"}},
    required=("kind",),
    description="BREAK (in the negative prompt; the positive prompt uses sections)",
)
PHRASE = Shape(
    "a phrase",
    {"kind": {"const": "phrase"}, "text": {"type": "string", "pattern": "^[^,]+$"}},
    required=("kind", "text"),
    description="One comma-separated unit in A1111 syntax: a (white:1.2) dress",
)
SCHEDULE = Shape(
    "a schedule",
    {
        "kind": {"const": "schedule"},
        "text": {"type": "string", "pattern": r"^\[.+\]$"},
        "weight": _WEIGHT,
    },
    required=("kind", "text"),
    description="A1111 prompt editing, kept verbatim: [a:b:10]",
)


@dataclass(frozen=True)
class Typed:
    """A typed entry: the key that marks it (also its name's key), its slot, its shape."""

    key: str
    slot: str
    shape: Shape


TYPED: Mapping[str, Typed] = {
    typed.key: typed
    for typed in (
        Typed(
            "character",
            "character",
            Shape(
                "a character entry",
                {
                    "character": _NAME,
                    "series": _OPTIONAL_NAME,
                    "gender": {"enum": ["girl", "boy", None]},
                    "form": {"enum": [form.value for form in CharacterForm]},
                    "weight": _WEIGHT,
                    "outfit": "tags",
                },
                required=("character",),
                description="The card's character trigger; the outfit goes to clothing.",
            ),
        ),
        Typed(
            "style",
            "art_style",
            Shape("a style entry", {"style": _NAME, "weight": _WEIGHT}, required=("style",)),
        ),
        Typed(
            "quality",
            "quality",
            Shape(
                "a quality entry",
                {
                    "quality": {"enum": [q.value for q in Quality] + [q.name for q in Quality]},
                    "weight": _WEIGHT,
                },
                required=("quality",),
            ),
        ),
        Typed(
            "theme",
            "theme",
            Shape("a theme entry", {"theme": _NAME, "weight": _WEIGHT}, required=("theme",)),
        ),
    )
}
"""The typed entries, by the key that marks them."""

CHOICE = Shape(
    "a choice",
    {"choose": "options", "id": {"type": "string", "minLength": 1}},
    required=("choose",),
    description="Alternatives: one option is picked per variation.",
)
OPTION = Shape(
    "an option",
    {
        "option": "option",
        "weight": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "How often the option is drawn in random mode.",
        },
    },
    required=("option",),
)
SECTION = Shape(
    "a section",
    {
        "joiner": {"enum": ["BREAK", "AND"]},
        "weight": {**_WEIGHT, "description": "An AND section's sub-prompt weight."},
        **dict.fromkeys(SLOT_FIELDS, "entries"),
    },
    required=("joiner",),
    description="The part after a BREAK or an AND, with slots of its own.",
)
MERGE = Shape(
    "merge",
    {field: {"enum": list(MERGE_MODES)} for field in CONTENT_FIELDS},
    description="Per field: append to what the presets gave (the default), or replace it.",
    word="field",
)
# What a setting's value is; "side" and "preset" are named because their limits and
# names are the card's data (``settings.yaml``), read when the schema is made, not when
# a prompt file is. The values themselves are checked by Settings.
_COUNT: Mapping[str, Any] = {"type": "integer", "minimum": 1}
_SAMPLER_NAME: Mapping[str, Any] = {"type": "string", "pattern": "\\S"}
_SETTING_VALUES: Mapping[str, Value] = {
    "width": "side",
    "height": "side",
    "cfg_scale": {"type": "number", "minimum": 0},
    "steps": _COUNT,
    "sampler": {**_SAMPLER_NAME, "description": "A1111's name: Euler a, DPM++ 2M, ..."},
    "scheduler": {**_SAMPLER_NAME, "description": "A1111's schedule type: Automatic, Karras"},
    "seed": {"type": "integer", "minimum": -1, "description": "-1: random"},
    "batch_size": _COUNT,
    "clip_skip": _COUNT,
}
SETTINGS = Shape(
    "a settings block",
    {"preset": "preset", **{name: _SETTING_VALUES[name] for name in Settings.model_fields}},
    description="The card's generation settings; preset names a set the other keys override.",
    word="setting",
)

DOCUMENT = Shape(
    "a prompt file",
    {
        **dict.fromkeys(TAG_FIELDS, "entries"),
        "networks": "networks",
        "sections": "sections",
        "weight": {**_WEIGHT, "description": "The first sub-prompt's A1111 weight."},
        "extends": "extends",
        "merge": "merge",
        "description": {"type": "string"},
        "settings": "settings",
    },
    description="A prompt for AIDXL in the model card's slots; see docs/prompt_files.md.",
    word="field",
)

# Keys that make a mapping something other than ``{tag: weight}``. A tag spelled like one
# of them is written in the explicit form, ``{text: style, weight: 1.2}``.
RESERVED_KEYS: frozenset[str] = frozenset(
    {*EXPLICIT.keys, *PHRASE.keys, *SCHEDULE.keys, *CHOICE.keys, *OPTION.keys, *TYPED}
)
