"""The JSON Schema (2020-12) of prompt files, generated from the format's table.

Every mapping of the schema is a :class:`~._format.Shape`: its properties are the
shape's keys, nothing else is allowed. What a field's entries may be (the short forms,
the explicit form, control items, the typed entries of its slot, choices) is built here
from the same table, so the reader and the schema cannot drift apart.

>>> schema = prompt_file_schema()
>>> schema["additionalProperties"], sorted(schema["properties"])[:3]
(False, ['action', 'aesthetics', 'art_style'])
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..card.settings import settings_data, settings_presets
from ..card.words import PaintingStyle
from ._format import (
    BREAK,
    CHOICE,
    DOCUMENT,
    EXPLICIT,
    MERGE,
    OPTION,
    PHRASE,
    RESERVED_KEYS,
    SCHEDULE,
    SECTION,
    SETTINGS,
    TAG_FIELDS,
    TYPED,
    Shape,
)

__all__ = ["prompt_file_schema"]

Schema = dict[str, Any]

_NULL: Schema = {"type": "null"}
_TOKEN: Schema = {"type": "string", "pattern": r"^<\w+:[^>]+>$"}
_PRESET: Schema = {
    "type": "string",
    "minLength": 1,
    "description": "A preset's name, or the path of a .yaml file",
    "examples": ["default-negative"],
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _one_or_list(item: Schema, *, empty: bool = True, null: bool = False) -> Schema:
    """``item``, or a list of them (``empty``: the list may be empty; ``null``: nothing
    may be written instead)."""
    items: Schema = {"type": "array", "items": item} | ({} if empty else {"minItems": 1})
    return {"anyOf": [_NULL, item, items] if null else [item, items]}


def _object(shape: Shape, value: Callable[[str, str], Schema]) -> Schema:
    """A shape as an object schema; ``value(key, name)`` gives the schema of a value
    that the table names (``"entries"``, ``"options"``, ...)."""
    properties = {
        key: dict(spec) if not isinstance(spec, str) else value(key, spec)
        for key, spec in shape.keys.items()
    }
    schema: Schema = {"type": "object"}
    if shape.description:
        schema["description"] = shape.description
    schema["properties"] = properties
    if shape.required:
        schema["required"] = list(shape.required)
    schema["additionalProperties"] = False
    return schema


def _literal(shape: Shape, key: str) -> Schema:
    """The schema the table gives a key's value (one that does not depend on the place)."""
    spec = shape.keys[key]
    assert not isinstance(spec, str), key
    return dict(spec)


def _no_names(key: str, name: str) -> Schema:
    raise AssertionError(f"{key!r}: no value named {name!r} here")  # pragma: no cover


def _short_forms(field: str) -> list[Schema]:
    """A tag written as a string or ``{tag: weight}`` in ``field``."""
    weight = _literal(EXPLICIT, "weight")
    if field == "painting_style":
        words = [style.value for style in PaintingStyle]
        word_names: Schema = {"enum": words}
        return [
            {"enum": words},
            {"type": "object", "minProperties": 1, "maxProperties": 1}
            | {"propertyNames": word_names, "additionalProperties": weight},
        ]
    text = _literal(EXPLICIT, "text")
    names: Schema = {"not": {"enum": sorted(RESERVED_KEYS)}, "pattern": "^[^,]+$"}
    weighted: Schema = {"type": "object", "description": "{tag: weight}"}
    weighted |= {"minProperties": 1, "maxProperties": 1}
    return [text, weighted | {"propertyNames": names, "additionalProperties": weight}]


def _entry(field: str) -> Schema:
    """One (non-choice) entry of ``field``."""
    kinds = [*_short_forms(field), _ref("explicit"), _ref("phrase"), _ref("schedule")]
    if field == "negative":
        kinds.append(_ref("break"))
    kinds += [_ref(f"typed_{key}") for key, typed in TYPED.items() if typed.slot == field]
    return {"anyOf": kinds}


def _choice(option_body: Schema) -> Schema:
    """A ``choose`` entry whose options are ``option_body``."""

    def value(key: str, name: str) -> Schema:
        if name == "option":
            return option_body
        weighted = _object(OPTION, value)
        return {"type": "array", "minItems": 1, "items": {"anyOf": [weighted, option_body]}}

    return _object(CHOICE, value)


def _field(field: str) -> Schema:
    """The value of ``field``: nothing, one item or a list of them; an item is an entry
    or a choice."""
    entry = _ref(f"entry_{field}")
    choice = _choice({"anyOf": [entry, {"type": "array", "items": entry, "minItems": 1}]})
    return _one_or_list({"anyOf": [entry, choice]}, null=True)


def _place(key: str, name: str) -> Schema:
    """The values the document and its sections name."""
    if name == "entries":
        return _ref(f"field_{key}")
    if name == "networks":
        return _one_or_list(_TOKEN)
    if name == "sections":
        return {"anyOf": [_NULL, {"type": "array", "items": _object(SECTION, _place)}]}
    if name == "merge":
        return {"anyOf": [_NULL, _object(MERGE, _no_names)]}
    if name == "settings":
        return {"anyOf": [_NULL, _object(SETTINGS, _setting)]}
    if name == "extends":
        choice = _choice(_one_or_list(_PRESET, empty=False))
        return _one_or_list({"anyOf": [_PRESET, choice]}, null=True)
    raise AssertionError(f"{key!r}: no value named {name!r}")  # pragma: no cover


def _setting(key: str, name: str) -> Schema:
    """A named setting: a side of the image (the card's minimum and multiple), or the
    name of one of the card's presets."""
    if name == "preset":
        presets = settings_presets()
        return {"enum": list(presets), "description": "; ".join(presets.values())}
    if name != "side":
        raise AssertionError(f"{key!r}: no value named {name!r}")  # pragma: no cover
    rule = settings_data()["rules"]["resolution"]
    minimum, multiple = int(rule["min_side"]), int(rule["multiple"])
    return {
        "type": "integer",
        "minimum": minimum,
        "multipleOf": multiple,
        "description": f"Pixels: a multiple of {multiple}, at least {minimum}.",
    }


def _typed_value(key: str, name: str) -> Schema:
    """A character's outfit: clothing tags, one or a list."""
    if name != "tags":
        raise AssertionError(f"{key!r}: no value named {name!r}")  # pragma: no cover
    return _one_or_list({"anyOf": [*_short_forms("clothing"), _ref("explicit")]})


def prompt_file_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the prompt-file format, for editors.

    >>> schema = prompt_file_schema()
    >>> schema["$defs"]["typed_style"]["properties"]["style"]["minLength"]
    1
    """
    defs: Schema = {
        "explicit": _object(EXPLICIT, _no_names),
        "break": _object(BREAK, _no_names),
        "phrase": _object(PHRASE, _no_names),
        "schedule": _object(SCHEDULE, _no_names),
        **{f"typed_{key}": _object(typed.shape, _typed_value) for key, typed in TYPED.items()},
        **{f"entry_{field}": _entry(field) for field in TAG_FIELDS},
        **{f"field_{field}": _field(field) for field in TAG_FIELDS},
    }
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://aidxl-prompt.invalid/prompt-file.schema.json",
        "title": "aidxl-prompt prompt file",
        **_object(DOCUMENT, _place),
        "$defs": defs,
    }
    # The parts are shared with the format's table and each other: the caller gets its own.
    return copy.deepcopy(schema)
