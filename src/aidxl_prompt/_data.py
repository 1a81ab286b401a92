"""Where the built-in data lives, and a cached, safe YAML reader for it.

The YAML files under ``data/tags`` travel inside the wheel as ``aidxl_prompt/data/tags``,
and the packed Danbooru table under ``data/vocab`` as ``aidxl_prompt/data/vocab``; in a
source checkout (editable install, or tests run from the repository) they are read from
the repository's ``data`` folder. Nothing is ever fetched from the network.

The YAML files stay the source. The few that a start-up of ``format`` or ``lint`` reads
(:data:`PACKED_YAML`) are also packed into one JSON file, ``data/vocab/packed_yaml.json``
(``scripts/build_slot_tables.py``; a test holds it equal to the YAML), so that reading or
linting a prompt imports no YAML parser.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import DataFileError

__all__ = [
    "PACKED_YAML",
    "PACKED_YAML_FILE",
    "data_dir",
    "frozen",
    "load_builtin_yaml",
    "load_yaml_file",
    "read_vocab_file",
    "vocab_dir",
]

PACKED_YAML = (
    "aliases.yaml",
    "card.yaml",
    "conflicts.yaml",
    "orders.yaml",
    "patterns.yaml",
    "verbatim_names.yaml",
)
"""The files of ``data/tags`` that are also packed, parsed, into :data:`PACKED_YAML_FILE`."""

PACKED_YAML_FILE = "packed_yaml.json"
"""``{file name: parsed content}`` of the :data:`PACKED_YAML` files (in ``data/vocab``)."""

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_folder(name: str) -> Path:
    candidates = (
        _PACKAGE_DIR / "data" / name,  # installed wheel
        _PACKAGE_DIR.parents[1] / "data" / name,  # source checkout: src/aidxl_prompt/..
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(path) for path in candidates)
    raise DataFileError(f"the built-in data folder is missing (looked in {tried})")


@functools.cache
def data_dir() -> Path:
    """The folder that holds the built-in YAML data (``data/tags``).

    >>> (data_dir() / "orders.yaml").is_file()
    True
    """
    return _data_folder("tags")


@functools.cache
def vocab_dir() -> Path:
    """The folder that holds the packed Danbooru table (``data/vocab``).

    >>> (vocab_dir() / "danbooru_tags.tsv").is_file()
    True
    """
    return _data_folder("vocab")


def read_vocab_file(name: str) -> bytes:
    """The bytes of one file of ``data/vocab`` (uncached: the caller keeps the result)."""
    path = vocab_dir() / name
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc.strerror or exc})") from None


def load_yaml_file(path: Path, *, name: str | None = None) -> Any:
    """Read one YAML file with the safe loader; errors name the file and line.

    ``name`` is how the file is called in messages (default: its path).
    """
    import yaml  # noqa: PLC0415 (a start-up that reads only packed data never needs it)

    # libyaml's safe loader when PyYAML was built with it (about ten times faster), else
    # the pure-Python one: the same safe subset of YAML either way.
    safe_loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    shown = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{shown}: cannot read file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=safe_loader)
    except yaml.YAMLError:
        pass
    try:  # the pure-Python loader words its errors better: read a bad file again with it
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(f"{shown}{where}: invalid YAML: {problem}") from None


@functools.cache
def _packed_yaml() -> dict[str, Any]:
    packed = json.loads(read_vocab_file(PACKED_YAML_FILE))
    if not isinstance(packed, dict):
        raise DataFileError(f"{PACKED_YAML_FILE}: expected an object of file names")
    return packed


@functools.cache
def _parsed_yaml(name: str) -> Any:
    if name in PACKED_YAML:
        return _packed_yaml()[name]
    return load_yaml_file(data_dir() / name)


def load_builtin_yaml(name: str) -> Any:
    """A built-in data file, parsed once per process (a :data:`PACKED_YAML` file from its
    packed form); each call gets its own copy, so no caller can change another's.

    >>> load_builtin_yaml("orders.yaml") == load_yaml_file(data_dir() / "orders.yaml")
    True
    >>> load_builtin_yaml("card.yaml") is load_builtin_yaml("card.yaml")
    False
    """
    return _copy(_parsed_yaml(name))


def _copy(value: Any) -> Any:
    """A deep copy of parsed YAML or JSON (mappings, lists and scalars)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def frozen(value: Any) -> Any:
    """Parsed YAML or JSON made read-only, for a value cached and shared: mappings become
    read-only views (:class:`types.MappingProxyType`) and lists tuples, all the way down.

    >>> data = frozen({"levels": ["best", "worst"]})
    >>> data["levels"]
    ('best', 'worst')
    >>> data["levels"] = []
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
    """
    if isinstance(value, dict):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(frozen(item) for item in value)
    return value
