"""The JSON Schema of prompt files: valid, generated from the format's table, and equal
in meaning to the reader: a key the reader accepts is in the schema, and a key the
schema has is one the reader accepts (a differential property test)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidxl_prompt.card.words import PaintingStyle, Quality
from aidxl_prompt.errors import PromptFileError
from aidxl_prompt.files._format import (
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
)
from aidxl_prompt.files.prompt_file import load_prompt_text, parse_prompt_text, prompt_file_schema
from aidxl_prompt.model.ordering import Slot

REPO = Path(__file__).resolve().parents[1]
SCHEMA = prompt_file_schema()

# --- a small JSON Schema 2020-12 checker, for the keywords the schema uses ---------------

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "null": type(None),
}
# keyword: what its value must be (checked by _check_schema)
_KEYWORDS = {
    "$schema": str,
    "$id": str,
    "$ref": str,
    "$defs": dict,
    "title": str,
    "description": str,
    "examples": list,
    "type": (str, list),
    "enum": list,
    "const": object,
    "anyOf": list,
    "not": dict,
    "items": dict,
    "properties": dict,
    "required": list,
    "additionalProperties": (bool, dict),
    "propertyNames": dict,
    "minProperties": int,
    "maxProperties": int,
    "minItems": int,
    "minLength": int,
    "pattern": str,
    "minimum": (int, float),
    "maximum": (int, float),
    "exclusiveMinimum": (int, float),
    "multipleOf": int,
}


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    assert isinstance(target, dict)
    return target


def _subschemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("not", "items", "propertyNames"):
        if key in schema:
            yield schema[key]
    if isinstance(schema.get("additionalProperties"), dict):
        yield schema["additionalProperties"]
    yield from schema.get("anyOf", [])
    yield from schema.get("properties", {}).values()
    yield from schema.get("$defs", {}).values()


def _check_schema(schema: dict[str, Any], root: dict[str, Any]) -> None:
    """Every keyword is a 2020-12 keyword with a value of its kind, every $ref resolves,
    every pattern compiles, and a closed object's required keys are among its
    properties (else nothing could satisfy it)."""
    for keyword, value in schema.items():
        assert keyword in _KEYWORDS, keyword
        assert isinstance(value, _KEYWORDS[keyword]), (keyword, value)
    if "$ref" in schema:
        _resolve(schema["$ref"], root)
    if "pattern" in schema:
        re.compile(schema["pattern"])
    for name in [schema["type"]] if isinstance(schema.get("type"), str) else schema.get("type", []):
        assert name in _TYPES, name
    if schema.get("additionalProperties") is False:
        assert set(schema.get("required", [])) <= set(schema.get("properties", {}))
    for sub in _subschemas(schema):
        _check_schema(sub, root)


def _validates(schema: dict[str, Any], value: Any, root: dict[str, Any] = SCHEMA) -> bool:
    """Whether ``value`` is valid against ``schema`` (the keywords of :data:`_KEYWORDS`)."""
    if "$ref" in schema:
        return _validates(_resolve(schema["$ref"], root), value, root)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if isinstance(value, bool) or not any(isinstance(value, _TYPES[n]) for n in names):
            return False
    checks = [
        "enum" not in schema or any(value == v and type(value) is type(v) for v in schema["enum"]),
        "const" not in schema or value == schema["const"],
        "anyOf" not in schema or any(_validates(s, value, root) for s in schema["anyOf"]),
        "not" not in schema or not _validates(schema["not"], value, root),
    ]
    if isinstance(value, str):
        checks.append(len(value) >= schema.get("minLength", 0))
        checks.append("pattern" not in schema or re.search(schema["pattern"], value) is not None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        checks.append(value >= schema.get("minimum", -float("inf")))
        checks.append(value <= schema.get("maximum", float("inf")))
        checks.append(value > schema.get("exclusiveMinimum", -float("inf")))
        checks.append("multipleOf" not in schema or value % schema["multipleOf"] == 0)
    if isinstance(value, list):
        checks.append(len(value) >= schema.get("minItems", 0))
        checks.extend(_validates(schema.get("items", {}), item, root) for item in value)
    if isinstance(value, dict):
        checks.append(_object_validates(schema, value, root))
    return all(checks)


def _object_validates(schema: dict[str, Any], value: dict[Any, Any], root: dict[str, Any]) -> bool:
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    checks = [
        all(key in value for key in schema.get("required", [])),
        schema.get("minProperties", 0) <= len(value) <= schema.get("maxProperties", 10**9),
    ]
    for key, item in value.items():
        if "propertyNames" in schema:
            checks.append(_validates(schema["propertyNames"], key, root))
        if key in properties:
            checks.append(_validates(properties[key], item, root))
        elif extra is False:
            checks.append(False)
        elif isinstance(extra, dict):
            checks.append(_validates(extra, item, root))
    return all(checks)


def test_the_checker_refuses_what_it_should() -> None:
    # A guard for the checker itself (a checker that accepts everything proves nothing).
    closed = {"type": "object", "properties": {"a": {"type": "number"}}, "required": ["a"]}
    closed["additionalProperties"] = False
    assert _validates(closed, {"a": 1})
    assert not _validates(closed, {"a": "x"})
    assert not _validates(closed, {"a": 1, "b": 1})
    assert not _validates(closed, {})
    assert not _validates({"enum": [1]}, True)
    assert not _validates({"type": "string", "pattern": "^a$"}, "b")


def test_the_schema_is_valid_2020_12() -> None:
    _check_schema(SCHEMA, SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA


def test_schema_names_every_slot_and_the_cards_words() -> None:
    assert set(SCHEMA["properties"]) == {
        *(slot.value for slot in Slot),
        "negative",
        "networks",
        "sections",
        "weight",
        "extends",
        "merge",
        "description",
        "settings",
    }
    painting = SCHEMA["$defs"]["entry_painting_style"]["anyOf"][0]
    assert painting == {"enum": [style.value for style in PaintingStyle]}
    levels = SCHEMA["$defs"]["typed_quality"]["properties"]["quality"]["enum"]
    assert set(levels) == {q.value for q in Quality} | {q.name for q in Quality}


def _examples() -> list[Path]:
    return sorted((REPO / "examples").glob("*.yaml")) + sorted(
        (REPO / "data" / "tags" / "presets").glob("*.yaml")
    )


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_examples_and_presets_validate_against_the_schema(path: Path) -> None:
    assert _validates(SCHEMA, yaml.safe_load(path.read_text(encoding="utf-8")))


# (YAML that the loader reads, so the schema must accept it too)
SCHEMA_ACCEPTS = [
    "race: elf",  # one entry without the list brackets
    "race:",  # nothing
    "race: {choose: [elf, human]}",  # one choice without the list brackets
    "race: [{text: elf, weight: null}]",  # a weight of nothing is 1
    "character: [{character: lucy, outfit: jacket}]",  # one outfit tag
    "character: [{character: lucy, series: null, gender: null}]",
    "networks: '<lora:x:0.8>'",  # one token
    "extends: default-negative",
    "sections: [{joiner: AND, weight: 0.5, race: [elf]}]",
    "negative: [{kind: break}]",
    "settings:",  # no settings
    "settings: {}",  # the defaults
    "settings: {preset: euler_a, steps: 30, seed: -1}",
    "settings: {cfg_scale: 4, sampler: Euler, scheduler: Karras}",  # off the card: warnings
]


@pytest.mark.parametrize("text", SCHEMA_ACCEPTS)
def test_schema_accepts_what_the_loader_reads(text: str) -> None:
    parse_prompt_text(text)
    assert _validates(SCHEMA, yaml.safe_load(text))


# (YAML that the loader rejects, so the schema must reject it too)
SCHEMA_REJECTS = [
    "charactr: [lucy]",  # unknown field
    "painting_style: [impasta]",  # not a card word
    "race: [{elf: high}]",  # weight not a number
    "race: [{elf: 1001}]",  # weight out of range
    "character: [{character: lucy, gender: woman}]",  # gender
    "race: [{character: lucy}]",  # typed entry in the wrong slot
    "race: [{kind: break}]",  # BREAK outside the negative prompt
    "merge: {quality: overwrite}",  # merge mode
    "networks: [lora]",  # not a token
    "race: ['a, b']",  # comma
    "expression: [{choose: []}]",  # no options
    "expression: [{choose: [[]]}]",  # an empty option
    "description: [a]",
    "settings: [euler_a]",  # not a mapping
    "settings: {cfg: 7}",  # unknown setting
    "settings: {preset: euler}",  # unknown preset
    "settings: {width: 1000}",  # not a multiple of 32
    "settings: {width: 128}",  # under 256
    "settings: {height: 1024.0}",  # not a whole number
    "settings: {cfg_scale: '7'}",  # a string
    "settings: {steps: 0}",
    "settings: {seed: -2}",
    "settings: {sampler: ' '}",
]


@pytest.mark.parametrize("text", SCHEMA_REJECTS)
def test_schema_rejects_what_the_loader_rejects(text: str) -> None:
    assert not _validates(SCHEMA, yaml.safe_load(text))
    with pytest.raises(PromptFileError):
        load_prompt_text(text)


# --- the reader and the schema agree on keys ----------------------------------------------


def _all_property_names(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = set(schema.get("properties", {}))
        for value in schema.values():
            found |= _all_property_names(value)
        return found
    if isinstance(schema, list):
        return set().union(*(_all_property_names(item) for item in schema))
    return set()


# Every key the schema names anywhere, the reserved ones, near-misses and tag-like words.
KEY_POOL = sorted(
    _all_property_names(SCHEMA) | RESERVED_KEYS | {"wieght", "txt", "elf", "zzz", "choice"}
)


def _sample(schema: dict[str, Any]) -> Any:
    """A value valid against ``schema`` (the first way that is: an example, a constant,
    the first word of an enumeration, the first branch that is not null)."""
    if "$ref" in schema:
        return _sample(_resolve(schema["$ref"], SCHEMA))
    if "examples" in schema:
        return schema["examples"][0]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return next(word for word in schema["enum"] if word is not None)
    if "anyOf" in schema:
        branches = [branch for branch in schema["anyOf"] if branch.get("type") != "null"]
        return _sample(branches[0])
    kind = schema["type"] if isinstance(schema["type"], str) else schema["type"][0]
    if kind == "string":
        return next(text for text in ("x", "[a:b:1]", "<lora:x:1>") if _validates(schema, text))
    if kind in ("number", "integer"):
        return next(number for number in (1, 1024) if _validates(schema, number))
    if kind == "array":
        return [_sample(schema["items"])] if schema.get("minItems") else []
    return {key: _sample(schema["properties"][key]) for key in schema.get("required", [])}


def _object_branch(schema: dict[str, Any], value: dict[Any, Any]) -> dict[str, Any] | None:
    """The closed object schema that ``value`` (a mapping) is valid against, if any."""
    if "$ref" in schema:
        return _object_branch(_resolve(schema["$ref"], SCHEMA), value)
    for branch in schema.get("anyOf", []):
        found = _object_branch(branch, value)
        if found is not None and _validates(branch, value):
            return found
    if schema.get("type") == "object" and _validates(schema, value):
        return schema
    return None


def _mappings(
    value: Any, schema: dict[str, Any], path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every mapping in a valid ``value``, with the closed object schema it matches."""
    if isinstance(value, dict):
        branch = _object_branch(schema, value)
        assert branch is not None, path
        yield path, branch
        for key, item in value.items():
            sub = branch.get("properties", {}).get(key) or branch.get("additionalProperties")
            if isinstance(sub, dict):
                yield from _mappings(item, sub, (*path, key))
    elif isinstance(value, list):
        item_schemas = _list_schemas(schema, value)
        for index, (item, sub) in enumerate(zip(value, item_schemas, strict=True)):
            yield from _mappings(item, sub, (*path, index))


def _list_schemas(schema: dict[str, Any], value: list[Any]) -> list[dict[str, Any]]:
    """The schema each item of a valid list is checked against."""
    if "$ref" in schema:
        return _list_schemas(_resolve(schema["$ref"], SCHEMA), value)
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "array" and _validates(branch, value):
            return [branch["items"]] * len(value)
        if "anyOf" in branch or "$ref" in branch:
            found = _list_schemas(branch, value)
            if found:
                return found
    return [schema["items"]] * len(value) if schema.get("type") == "array" else []


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _entry_forms(field: str, word: str, weight: float | None) -> list[Any]:
    """Every form an entry of ``field`` can take (short, explicit, control, typed)."""
    if field == "painting_style":
        word = "impasto"
    forms: list[Any] = [word, {word: weight}, {"text": word, "weight": weight}]
    forms += [
        {"kind": "phrase", "text": "a (white:1.2) dress"},
        {"kind": "schedule", "text": "[a:b:10]", "weight": weight},
    ]
    typed = {
        "negative": {"kind": "break"},
        "character": {
            "character": "lucy",
            "series": "cyberpunk",
            "gender": "girl",
            "form": "one",
            "weight": weight,
            "outfit": [word, {"text": "jacket"}],
        },
        "art_style": {"style": "ask", "weight": weight},
        "quality": {"quality": "amazing", "weight": weight},
        "theme": {"theme": "fantasy", "weight": weight},
    }
    return [*forms, typed[field]] if field in typed else forms


def _choice(field: str, entries: list[Any]) -> dict[str, Any]:
    """A choice of ``field`` whose options take the three forms."""
    options = [entries[0], entries[:2], {"option": entries[-1], "weight": 2}]
    return {"choose": options, "id": f"{field}-choice"}


EXTRAS: dict[str, Any] = {
    "networks": ["<lora:x:0.8>"],
    "weight": 0.8,
    "description": "a file",
    "merge": {"quality": "replace", "negative": "append"},
    "extends": [
        "default-negative",
        {"choose": ["painting-impasto", {"option": ["quality-best"], "weight": 2}]},
    ],
    "sections": [
        {"joiner": "BREAK", "race": ["elf"]},
        {"joiner": "AND", "weight": 0.5, "character": ["1boy"]},
    ],
    "settings": {"preset": "euler_a", "width": 832, "height": 1248, "cfg_scale": 6.5},
}


def _full_document() -> dict[str, Any]:
    """A document with every form of entry in every field, and every other key."""
    document: dict[str, Any] = {}
    for field in TAG_FIELDS:
        entries = _entry_forms(field, "elf", 1.2)
        document[field] = [*entries, _choice(field, entries)]
    return {**document, **EXTRAS}


_WORDS = st.sampled_from(["elf", "long hair", "smile", "white dress", "series", "outfit"])
_WEIGHTS = st.sampled_from([0.5, 1, 1.2, None])


@st.composite
def _items(draw: st.DrawFn, field: str) -> list[Any]:
    entries = _entry_forms(field, draw(_WORDS), draw(_WEIGHTS))
    items: list[Any] = draw(st.lists(st.sampled_from(entries), max_size=2))
    if draw(st.booleans()):
        items.append(_choice(field, draw(st.permutations(entries))))
    return items


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for field in draw(st.lists(st.sampled_from(TAG_FIELDS), max_size=4, unique=True)):
        document[field] = draw(_items(field))
    for key in draw(st.lists(st.sampled_from(sorted(EXTRAS)), unique=True)):
        document[key] = EXTRAS[key]
    return document


def _reader_accepts(document: dict[str, Any]) -> bool:
    try:
        parse_prompt_text(yaml.safe_dump(document, sort_keys=False))
    except PromptFileError:
        return False
    return True


def _mutated(
    document: dict[str, Any], path: tuple[Any, ...], branch: dict[str, Any], key: str
) -> dict[str, Any]:
    """``document`` with ``key`` taken away from the mapping at ``path``, or added to it
    with a value the schema takes for it there (when the schema has it there)."""
    mutated = copy.deepcopy(document)
    mapping = _at(mutated, path)
    if key in mapping:
        del mapping[key]
    else:
        properties = branch.get("properties", {})
        mapping[key] = _sample(properties[key]) if key in properties else 1
    return mutated


def _one_of_each_mapping() -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """A mapping of each kind the full document has: each shape (by its keys), in a
    slot, in ``extends``, ``sections`` or ``merge``, and the document itself."""
    seen: set[tuple[Any, ...]] = set()
    found = []
    for path, branch in _mappings(_full_document(), SCHEMA):
        place = path[0] if path and path[0] in ("extends", "sections", "merge") else "slot"
        kind = (place, *branch.get("properties", {}), branch.get("maxProperties"))
        if kind not in seen:
            seen.add(kind)
            found.append((path, branch))
    return found


def _path_id(value: Any) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in value)


ONE_OF_EACH = _one_of_each_mapping()


@pytest.mark.parametrize(
    ("path", "branch"), ONE_OF_EACH, ids=[_path_id(path) or "document" for path, _ in ONE_OF_EACH]
)
def test_reader_and_schema_agree_on_every_key_of_every_mapping(
    path: tuple[Any, ...], branch: dict[str, Any]
) -> None:
    # Each key of the pool, added to (or taken from) one mapping of each kind: the reader
    # takes the document exactly when the schema does.
    full = _full_document()
    # The field that holds the mapping is enough (the document: a slot and the rest).
    document = {path[0]: full[path[0]]} if path else {"race": full["race"], **EXTRAS}
    for key in KEY_POOL:
        mutated = _mutated(document, path, branch, key)
        assert _reader_accepts(mutated) == _validates(SCHEMA, mutated), (key, mutated)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents(), st.data())
def test_reader_and_schema_agree_on_a_key_in_any_document(
    document: dict[str, Any], data: st.DataObject
) -> None:
    # The same, in documents of every mix of fields, entries and choices.
    assert _reader_accepts(document)
    assert _validates(SCHEMA, document)
    path, branch = data.draw(st.sampled_from(list(_mappings(document, SCHEMA))))
    mutated = _mutated(document, path, branch, data.draw(st.sampled_from(KEY_POOL)))
    assert _reader_accepts(mutated) == _validates(SCHEMA, mutated), mutated


def test_every_shape_of_the_schema_is_reached_by_the_documents() -> None:
    # A guard for the property above: the forms its documents are drawn from hold a
    # mapping of every closed object of the schema, so that a key added or taken away
    # is tried in each of them.
    document = _full_document()
    assert _reader_accepts(document)
    reached = {json.dumps(branch, sort_keys=True) for _, branch in _mappings(document, SCHEMA)}
    closed = {json.dumps(schema, sort_keys=True) for schema in _closed_objects(SCHEMA)}
    assert closed <= reached
    # ...and those objects are the shapes of the format's table, each of them.
    shapes = [EXPLICIT, BREAK, PHRASE, SCHEDULE, CHOICE, OPTION, SECTION, MERGE, SETTINGS]
    shapes.append(DOCUMENT)
    shapes += [typed.shape for typed in TYPED.values()]
    keys = {tuple(schema["properties"]) for schema in _closed_objects(SCHEMA)}
    assert keys == {tuple(shape.keys) for shape in shapes}


def _closed_objects(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if schema.get("additionalProperties") is False and "properties" in schema:
            yield schema
        for value in schema.values():
            yield from _closed_objects(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _closed_objects(item)


# Values of every kind, for each setting: right, off by a little, of the wrong type.
SETTING_VALUES = [None, True, -2, -1, 0, 1, 5.5, 256, 1000, 1024, 1024.0, float("nan")]
SETTING_VALUES += ["", " ", "7", "Euler a", "Karras", "euler_a", "dpmpp_2m_karras", [], {}]


@pytest.mark.parametrize("key", list(SETTINGS.keys))
def test_reader_and_schema_agree_on_every_setting_value(key: str) -> None:
    # The reader checks values with Settings, the schema with its own keywords: they
    # take the same values (the card's warnings are not errors in either).
    for value in SETTING_VALUES:
        document = {"settings": {key: value}}
        assert _reader_accepts(document) == _validates(SCHEMA, document), document


def test_each_call_gives_a_schema_of_its_own() -> None:
    # The schema's parts are shared with the format's table: a caller that edits its
    # copy must not change the next one.
    schema = prompt_file_schema()
    schema["properties"]["weight"]["type"].append("string")
    schema["properties"]["networks"]["anyOf"][0]["pattern"] = "x"
    assert prompt_file_schema() == SCHEMA
