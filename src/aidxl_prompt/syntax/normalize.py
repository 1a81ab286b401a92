"""Spelling, escaping and weight formatting: the three text operations, kept apart.

* :func:`normalize_tag` fixes the *spelling* of one tag (Danbooru underscores, case,
  full-width characters, stray escapes). It is pure and idempotent.
* :func:`escape` protects the characters a dialect treats as syntax, once, at render
  time; :func:`unescape` undoes it exactly (``unescape(escape(s, d), d) == s``).
* :func:`format_weight` writes a weight as the shortest decimal that reads back within
  :data:`WEIGHT_TOLERANCE`.

>>> normalize_tag("bishop_(chess)")
'bishop (chess)'
>>> escape("bishop (chess)")
'bishop \\\\(chess\\\\)'
>>> print(escape("bishop (chess)"))
bishop \\(chess\\)
>>> format_weight(1.2100000000000002)
'1.21'
"""

from __future__ import annotations

import functools
import math
import re
import struct
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Literal, NewType, cast

from .._data import load_builtin_yaml
from ..errors import DataFileError
from ._compel import compel_escape, compel_unescape
from .grammar import RULES

__all__ = [
    "DIALECTS",
    "MAX_WEIGHT",
    "MIN_WEIGHT",
    "WEIGHT_TOLERANCE",
    "CanonicalTag",
    "Dialect",
    "escape",
    "escape_a1111",
    "format_weight",
    "kaomoji_names",
    "normalize_spelling",
    "normalize_tag",
    "same_weight",
    "unescape",
    "verbatim_names",
]

Dialect = Literal["a1111", "comfyui", "compel", "plain"]
DIALECTS: tuple[Dialect, ...] = ("a1111", "comfyui", "compel", "plain")

CanonicalTag = NewType("CanonicalTag", str)
"""A tag text that :func:`normalize_tag` returned (so it is a fixed point of it)."""

WEIGHT_TOLERANCE = 0.0
"""A rendered weight reads back as the same float32 the tools compute with (no distance)."""

MAX_WEIGHT = 1000.0
"""The largest weight magnitude a tag may carry (A1111 reads any; past this it is a typo)."""

MIN_WEIGHT = 1e-6
"""The smallest non-zero weight magnitude (smaller ones are written as 0)."""

_WHITESPACE = re.compile(r"\s+")

# A run of backslashes right before a bracket is an escape someone copied from an A1111
# prompt (``bishop \(chess\)``); canonical text holds the bare bracket instead.
# (The look-behind starts each match at the head of a run, which keeps it linear.)
_BACKSLASHES_BEFORE_BRACKET = re.compile(r"(?<!\\)\\+(?=[()\[\]])")
# Any other run of backslashes stands for one literal backslash (``\\m/`` and ``\m/`` are
# the same name); collapsing the run is what makes normalisation idempotent.
_BACKSLASH_RUN = re.compile(r"\\{2,}")

# Simple text, spelled in one step: printable ASCII words without upper case, underscores
# or backslashes, with single spaces between them, is its own spelling (NFKC, case and
# whitespace folding leave it alone and no escape rule applies to it). With single
# underscores between the words as well, the underscores become spaces (unless the name
# keeps them: ``^_^``, ``embedding:my_net``). Most Danbooru names are simple; a property
# test holds this shortcut equal to the full path.
_CANONICAL_WORDS = re.compile(r"[!-@\[\]^`-~]+(?: [!-@\[\]^`-~]+)*")
_UNDERSCORED_WORDS = re.compile(r"[!-@\[\]^`-~]+(?:[ _][!-@\[\]^`-~]+)*")


@functools.cache
def _verbatim_tables() -> tuple[frozenset[str], frozenset[str]]:
    raw = load_builtin_yaml("verbatim_names.yaml")
    if not isinstance(raw, dict):
        raise DataFileError("verbatim_names.yaml: expected a mapping with kaomoji and backslash")
    tables: list[frozenset[str]] = []
    for key in ("kaomoji", "backslash"):
        names = raw.get(key)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise DataFileError(f"verbatim_names.yaml: {key!r} must be a list of strings")
        tables.append(frozenset(cast("list[str]", names)))
    return tables[0], tables[1]


def kaomoji_names() -> frozenset[str]:
    """Danbooru kaomoji whose underscore is part of the face (``^_^``, ``<o>_<o>``).

    >>> sorted(kaomoji_names())[:3]
    ['+_+', '+_-', '._.']
    """
    return _verbatim_tables()[0]


@functools.cache
def verbatim_names() -> frozenset[str]:
    """Every canonical name kept exactly as written: kaomoji and names with backslashes."""
    kaomoji, backslash = _verbatim_tables()
    return kaomoji | backslash


def _fold(text: str) -> str:
    """NFKC, lower case and collapsed whitespace, repeated until stable."""
    for _ in range(4):
        folded = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
        if folded == text:
            break
        text = folded
    return text


def normalize_tag(text: str) -> CanonicalTag:
    """Return the canonical spelling of one tag as a user writes it; idempotent.

    Underscores become spaces (except in kaomoji), case is lowered, full-width
    characters become ASCII (NFKC), whitespace is collapsed, and escapes copied from
    an A1111 prompt are removed. Danbooru names whose backslashes or underscores are
    part of the name are kept verbatim, and so are ``embedding:Name`` tokens.

    >>> normalize_tag("Bishop_(Chess)")
    'bishop (chess)'
    >>> normalize_tag(r"bishop \\(chess\\)")
    'bishop (chess)'
    >>> normalize_tag("ganyu\\uff08genshin_impact\\uff09")  # full-width parentheses
    'ganyu(genshin impact)'
    >>> normalize_tag("^_^"), normalize_tag(r"\\(^o^)/")
    ('^_^', '\\\\(^o^)/')
    >>> normalize_tag("  long   hair "), normalize_tag("embedding:EasyNegative")
    ('long hair', 'embedding:EasyNegative')
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_tag() takes a str, not {type(text).__name__}")
    simple = _simple_spelling(text)
    return _with_embeddings(text, _normalize_fully) if simple is None else simple


def normalize_spelling(text: str) -> CanonicalTag:
    """The spelling part of :func:`normalize_tag` only: backslashes are kept as written.

    This is for text a parser has already unescaped (what the tool reads), where every
    backslash left is a real one: A1111 reads ``a\\\\\\(b`` as ``a\\(b``.

    >>> normalize_spelling(r"A\\(b"), normalize_tag(r"A\\(b")
    ('a\\\\(b', 'a(b')
    >>> normalize_spelling("long_hair")
    'long hair'
    """
    simple = _simple_spelling(text)
    return _with_embeddings(text, _spell) if simple is None else simple


def _simple_spelling(text: str) -> CanonicalTag | None:
    """The spelling of simple text (see ``_CANONICAL_WORDS``) in one step, else None."""
    if "_" not in text:  # (the canonical words hold no underscore)
        return CanonicalTag(text) if _CANONICAL_WORDS.fullmatch(text) else None
    if "embedding:" in text or not _UNDERSCORED_WORDS.fullmatch(text):
        return None
    return CanonicalTag(text if text in verbatim_names() else text.replace("_", " "))


def _with_embeddings(text: str, normalize: Callable[[str], str]) -> CanonicalTag:
    """Apply ``normalize`` around the ``embedding:Name`` tokens, which keep their case."""
    if "embedding:" not in text.lower():
        return CanonicalTag(normalize(text))
    out: list[str] = []
    position = 0
    for found in RULES["EMBEDDING"].finditer(text):
        out.append(_spaced(text[position : found.start()], normalize))
        out.append("embedding:" + found.group(0)[len("embedding:") :])
        position = found.end()
    out.append(_spaced(text[position:], normalize))
    return CanonicalTag("".join(out).strip())


def _spaced(text: str, normalize: Callable[[str], str]) -> str:
    """``normalize`` of a stretch between embeddings, keeping one space at each side
    where it had whitespace."""
    core = normalize(text)
    if not core:
        return " " if text and text.isspace() else ""
    head = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    return head + core + tail


def _spell(text: str) -> str:
    """NFKC, case, whitespace and underscores; kaomoji and verbatim names kept."""
    folded = _fold(text)
    if not folded:
        return ""
    verbatim = verbatim_names()
    if folded in verbatim:
        return folded
    return _fold(folded.replace("_", " "))


def _normalize_fully(text: str) -> CanonicalTag:
    """:func:`normalize_tag` without its shortcut for text that is already canonical."""
    folded = _fold(text)
    if not folded:
        return CanonicalTag("")
    verbatim = verbatim_names()
    spaced = _fold(folded.replace("_", " "))
    for candidate in (folded, spaced, RULES["A1111_UNESCAPE"].sub(_first_group, folded)):
        if candidate in verbatim:
            return CanonicalTag(candidate)
    unescaped = _BACKSLASH_RUN.sub(r"\\", _BACKSLASHES_BEFORE_BRACKET.sub("", spaced))
    if "<\\" in unescaped:
        unescaped = RULES["NETWORK_ESCAPE"].sub("<", unescaped)
    return CanonicalTag(_fold(unescaped))


def escape(text: str, dialect: Dialect = "a1111", *, weighted: bool = False) -> str:
    """Protect the characters that ``dialect`` reads as syntax.

    ``weighted=True`` is for text that a ``:weight`` will follow: in A1111 a ``<word``
    at its end would then open an extra network (``(<3:1.2)``).

    >>> escape("bishop (chess)", "comfyui")
    'bishop \\\\(chess\\\\)'
    >>> escape("[oshi no ko]", "comfyui")
    '[oshi no ko]'
    >>> escape(r"\\m/")
    '\\\\\\\\m/'
    >>> escape("bishop (chess)", "plain")
    'bishop (chess)'
    """
    return _escapes_of(dialect)[0](text, weighted)


def unescape(text: str, dialect: Dialect = "a1111") -> str:
    """Undo :func:`escape` the way the dialect's own parser reads escapes.

    A1111 drops the backslash of every escape (``a\\b`` reads ``ab``); ComfyUI and
    compel only know ``\\(`` and ``\\)``.

    >>> unescape(r"bishop \\(chess\\)")
    'bishop (chess)'
    >>> unescape(r"a\\[b\\]", "comfyui")
    'a\\\\[b\\\\]'
    """
    return _escapes_of(dialect)[1](text)


# Most tags hold nothing to escape; a search says so faster than a substitution does.
_A1111_SPECIAL = RULES["A1111_SPECIAL"]


def _first_group(escape: re.Match[str]) -> str:
    """The character an escape protects (for the same reason as :func:`_backslashed`)."""
    return escape[1]


def _backslashed(special: re.Match[str]) -> str:
    """A matched character with a backslash before it (a function is three times as
    fast as a replacement template, which Python expands at every match)."""
    return "\\" + special[0]


def escape_a1111(text: str, weighted: bool = False) -> str:
    """:func:`escape` for A1111, called directly (a new tag's A1111 fragment is written
    with it: one call, not three).

    >>> escape_a1111("bishop (chess)"), escape_a1111("<3", weighted=True)
    ('bishop \\\\(chess\\\\)', '<\\\\3')
    """
    special = _A1111_SPECIAL.search(text)
    # (a plain str either way: str.__str__ of a str enum member is its value)
    escaped = str.__str__(text) if special is None else _A1111_SPECIAL.sub(_backslashed, text)
    if "<" not in escaped:
        return escaped
    escaped = RULES["NETWORK_START"].sub("<\\\\", escaped)
    return RULES["NETWORK_AT_END"].sub("<\\\\", escaped) if weighted else escaped


def _escape_comfyui(text: str, _weighted: bool) -> str:
    return RULES["COMFYUI_SPECIAL"].sub(_backslashed, text)


def _escape_compel(text: str, _weighted: bool) -> str:
    return compel_escape(text)


def _as_written(text: str, _weighted: bool = False) -> str:
    return text


# Each dialect's escape (text, weighted) and the unescape its own reader applies.
_ESCAPES: Mapping[str, tuple[Callable[[str, bool], str], Callable[[str], str]]] = MappingProxyType(
    {
        "a1111": (escape_a1111, functools.partial(RULES["A1111_UNESCAPE"].sub, _first_group)),
        "comfyui": (_escape_comfyui, functools.partial(RULES["COMFYUI_ESCAPE"].sub, _first_group)),
        "compel": (_escape_compel, compel_unescape),
        "plain": (_as_written, _as_written),
    }
)


def _escapes_of(dialect: str) -> tuple[Callable[[str, bool], str], Callable[[str], str]]:
    found = _ESCAPES.get(dialect) if isinstance(dialect, str) else None
    if found is None:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    return found


def format_weight(weight: float) -> str:
    """The shortest plain decimal that A1111 and ComfyUI read as the same float32.

    Both tools hand their weights to float32 tensors (``dialects.md`` section 6), so
    this is exact for them. Never an exponent, never float noise, never ``-0``.

    >>> [format_weight(w) for w in (1.1, 0.9, 1.2100000000000002, 1.5, 2.0, -1.0, 0.0)]
    ['1.1', '0.9', '1.21', '1.5', '2', '-1', '0']
    >>> format_weight(1 / 1.1), format_weight(1.00000001)
    ('0.90909091', '1')
    """
    if weight == 1.0:  # most weights: no need to search for digits
        return "1"
    if not math.isfinite(weight):
        raise ValueError(f"a weight must be a finite number, not {weight!r}")
    return _format_weight(weight)


@functools.lru_cache(maxsize=4096)
def _format_weight(weight: float) -> str:
    target = _float32(weight)
    text = repr(weight)
    for digits in range(20):
        text = f"{weight:.{digits}f}"
        if _float32(float(text)) == target:
            break
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _float32(value: float) -> float:
    """``value`` rounded to the nearest float32 (inf past its range)."""
    try:
        packed: float = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return packed


def same_weight(first: float, second: float) -> bool:
    """True when the tools compute with the same float32 for both weights.

    >>> same_weight(1.21, 1.2100000000000002), same_weight(1.1, 1.1000001)
    (True, False)
    """
    return _float32(first) == _float32(second)
