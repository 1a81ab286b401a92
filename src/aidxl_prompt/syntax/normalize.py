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
from collections.abc import Callable
from typing import Literal, NewType, cast

from .._data import load_builtin_yaml
from ..errors import DataFileError
from ._compel import compel_escape, compel_unescape

__all__ = [
    "DIALECTS",
    "MAX_WEIGHT",
    "MIN_WEIGHT",
    "WEIGHT_TOLERANCE",
    "CanonicalTag",
    "Dialect",
    "escape",
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

# --- escape tables -------------------------------------------------------------------
# A1111 (prompt_parser.py): ``\\``, ``\(``, ``\)``, ``\[``, ``\]`` are its escapes, and
# a lone backslash is deleted, so a literal backslash must be doubled too.
_A1111_SPECIAL = re.compile(r"[\\()\[\]]")
# A1111 strips ``<word:...>`` as an extra network before anything else, even inside
# brackets, and the ":" may be the one a weight adds after the text (``(<3:1.2)``). A
# backslash right after the "<" breaks the ``<\w+:`` match, and the attention parser
# then deletes that backslash again.
_A1111_NETWORK_START = re.compile(r"<(?=\w+:)")
# The same, for text a weight's ":" will follow (``(<3:1.2)``): a "<word" at the end.
_A1111_NETWORK_AT_END = re.compile(r"<(?=\w+$)")
# A backslash escape() put after "<"; normalize_tag removes it like the other escapes.
_NETWORK_ESCAPE = re.compile(r"<\\(?=\w+:)")
# ComfyUI finds embeddings by file name, case-sensitively: ``embedding:Name`` keeps its
# case (and its underscores) through normalisation. The name ends where ComfyUI ends it.
_EMBEDDING = re.compile(r"(?i)(?<![^\s(])embedding:[^\s,<\[]+")
# ComfyUI (sd1_clip.py escape_important): only ``\(`` and ``\)`` are escapes. Its other
# backslashes reach CLIP as written, so ``[``, ``]`` and ``\`` are left alone.
_COMFYUI_SPECIAL = re.compile(r"[()]")
_A1111_UNESCAPE = re.compile(r"\\(.?)", re.DOTALL)
# Text that normalize_tag returns unchanged, recognised in one step: printable ASCII
# without upper case, underscores or backslashes, single spaces only between words.
# (NFKC, lower case and whitespace folding leave it alone, and no verbatim name or
# escape rule applies to it.) A property test holds this equal to the full path.
_ALREADY_CANONICAL = re.compile(r"(?!.*  )[!-@\[\]^`-~](?:[ !-@\[\]^`-~]*[!-@\[\]^`-~])?")
_PAREN_UNESCAPE = re.compile(r"\\([()])")


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
    if _ALREADY_CANONICAL.fullmatch(text):
        return CanonicalTag(text)
    return _with_embeddings(text, _normalize_fully)


def normalize_spelling(text: str) -> CanonicalTag:
    """The spelling part of :func:`normalize_tag` only: backslashes are kept as written.

    This is for text a parser has already unescaped (what the tool reads), where every
    backslash left is a real one: A1111 reads ``a\\\\\\(b`` as ``a\\(b``.

    >>> normalize_spelling(r"A\\(b"), normalize_tag(r"A\\(b")
    ('a\\\\(b', 'a(b')
    >>> normalize_spelling("long_hair")
    'long hair'
    """
    if _ALREADY_CANONICAL.fullmatch(text):
        return CanonicalTag(text)
    return _with_embeddings(text, _spell)


def _with_embeddings(text: str, normalize: Callable[[str], str]) -> CanonicalTag:
    """Apply ``normalize`` around the ``embedding:Name`` tokens, which keep their case."""
    if "embedding:" not in text.lower():
        return CanonicalTag(normalize(text))
    out: list[str] = []
    position = 0
    for found in _EMBEDDING.finditer(text):
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
    for candidate in (folded, spaced, _A1111_UNESCAPE.sub(r"\1", folded)):
        if candidate in verbatim:
            return CanonicalTag(candidate)
    unescaped = _BACKSLASH_RUN.sub(r"\\", _BACKSLASHES_BEFORE_BRACKET.sub("", spaced))
    if "<\\" in unescaped:
        unescaped = _NETWORK_ESCAPE.sub("<", unescaped)
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
    if dialect == "a1111":
        escaped = _A1111_SPECIAL.sub(r"\\\g<0>", text)
        if "<" not in escaped:
            return escaped
        escaped = _A1111_NETWORK_START.sub("<\\\\", escaped)
        return _A1111_NETWORK_AT_END.sub("<\\\\", escaped) if weighted else escaped
    if dialect == "comfyui":
        return _COMFYUI_SPECIAL.sub(r"\\\g<0>", text)
    if dialect == "compel":
        return compel_escape(text)
    if dialect == "plain":
        return text
    raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")


def unescape(text: str, dialect: Dialect = "a1111") -> str:
    """Undo :func:`escape` the way the dialect's own parser reads escapes.

    A1111 drops the backslash of every escape (``a\\b`` reads ``ab``); ComfyUI and
    compel only know ``\\(`` and ``\\)``.

    >>> unescape(r"bishop \\(chess\\)")
    'bishop (chess)'
    >>> unescape(r"a\\[b\\]", "comfyui")
    'a\\\\[b\\\\]'
    """
    if dialect == "a1111":
        return _A1111_UNESCAPE.sub(r"\1", text)
    if dialect == "comfyui":
        return _PAREN_UNESCAPE.sub(r"\1", text)
    if dialect == "compel":
        return compel_unescape(text)
    if dialect == "plain":
        return text
    raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")


def format_weight(weight: float) -> str:
    """The shortest plain decimal that A1111 and ComfyUI read as the same float32.

    Both tools hand their weights to float32 tensors (``dialects.md`` section 6), so
    this is exact for them. Never an exponent, never float noise, never ``-0``.

    >>> [format_weight(w) for w in (1.1, 0.9, 1.2100000000000002, 1.5, 2.0, -1.0, 0.0)]
    ['1.1', '0.9', '1.21', '1.5', '2', '-1', '0']
    >>> format_weight(1 / 1.1), format_weight(1.00000001)
    ('0.90909091', '1')
    """
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
