"""Vocabulary tables: :class:`TagTable` columns (a file's, or the built-in data) and the
embedded Danbooru table searched in place (:class:`PackedTable`); the files are read
by ``_readers``.

Tables are cached and shared by every vocabulary built over them, so they are
read-only.

>>> table = TagTable(source="demo", kind="tags", names=["smile"], index={"smile": 0},
...                  counts=[9], categories=b"\\x00", aliases={"smiling": "smile"})
>>> table.position("smile"), table.alias_of("smiling"), table.category_of(0).value
(0, 'smile', 'general')
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, TypeAlias, TypeVar

from ..errors import DataFileError

__all__ = [
    "AnyTable",
    "LineIndex",
    "PackedTable",
    "TableBuilder",
    "TableKind",
    "TagCategory",
    "TagTable",
    "pack_table",
]

TableKind = Literal["tags", "wd", "aliases", "implications"]


class TagCategory(str, enum.Enum):
    """Danbooru's tag categories (plus the WD tagger's rating pseudo-tags)."""

    general = "general"
    artist = "artist"
    copyright = "copyright"
    character = "character"
    meta = "meta"
    rating = "rating"


CATEGORY_LIST = tuple(TagCategory)
CATEGORY_INDEX = {category: index for index, category in enumerate(CATEGORY_LIST)}

# Danbooru's numeric category codes, as the autocomplete CSV and WD tables write them.
_DANBOORU_CODES: Mapping[str, TagCategory] = {
    "0": TagCategory.general,
    "1": TagCategory.artist,
    "3": TagCategory.copyright,
    "4": TagCategory.character,
    "5": TagCategory.meta,
}
# The WD tagger adds category 9 for its four rating pseudo-tags (general, sensitive...).
_WD_CODES: Mapping[str, TagCategory] = {**_DANBOORU_CODES, "9": TagCategory.rating}
DANBOORU_CODE_INDEX = {code: CATEGORY_INDEX[cat] for code, cat in _DANBOORU_CODES.items()}
WD_CODE_INDEX = {code: CATEGORY_INDEX[cat] for code, cat in _WD_CODES.items()}
# Code characters to category indexes, for a whole column at once.
CODE_BYTES = bytes.maketrans(b"01345", bytes(DANBOORU_CODE_INDEX[c] for c in "01345"))


@dataclass(frozen=True, eq=False)
class TagTable:
    """One parsed vocabulary file (or the built-in data), read-only.

    ``names`` holds canonical names; ``counts`` and ``categories`` run parallel to it.
    ``aliases`` maps canonical alias -> canonical tag, ``implications`` maps a tag to
    the tags it implies. ``skipped_rows`` counts malformed rows left out in lenient
    mode; ``inactive_rows`` counts deleted or retired alias/implication rows.

    Tables are cached and shared (every vocabulary over the same file holds the same
    table), so every column is read-only: ``names`` a tuple, the mappings read-only
    views, ``counts`` a read-only memory view. The table takes over the lists and
    dicts it is built from.

    >>> table = TagTable(source="demo", kind="tags", names=["smile"], index={"smile": 0},
    ...                  counts=[9], categories=b"\\x00")
    >>> table.count_of(0), table.category_of(0).value
    (9, 'general')
    >>> table.index["frown"] = 1
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
    """

    source: str
    kind: TableKind | Literal["builtin", "embedded"]
    names: Sequence[str] = ()
    index: Mapping[str, int] = field(default_factory=dict)
    counts: Sequence[int] = ()
    categories: bytes = b""
    aliases: Mapping[str, str] = field(default_factory=dict)
    implications: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    skipped_rows: int = 0
    inactive_rows: int = 0

    def __post_init__(self) -> None:
        store = functools.partial(object.__setattr__, self)
        store("names", tuple(self.names))
        store("index", _read_only(self.index))
        store("counts", _read_only_counts(self.counts))
        store("categories", bytes(self.categories))
        store("aliases", _read_only(self.aliases))
        store("implications", _read_only(self.implications))

    def category_of(self, position: int) -> TagCategory:
        """The category of the name at ``position``."""
        return CATEGORY_LIST[self.categories[position]]

    @property
    def size(self) -> int:
        """How many tags the table holds."""
        return len(self.names)

    def position(self, name: str) -> int | None:
        """The position of a canonical name, or None."""
        return self.index.get(name)

    def count_of(self, position: int) -> int:
        """The post count of the name at ``position``."""
        return self.counts[position]

    def name_of(self, position: int) -> str:
        """The canonical name at ``position``."""
        return self.names[position]

    def alias_of(self, name: str) -> str | None:
        """The tag a canonical alias stands for in this table, or None."""
        return self.aliases.get(name)

    def implied_by(self, name: str) -> tuple[str, ...]:
        """The tags a canonical name implies directly (an implication table only)."""
        return self.implications.get(name, ())

    def unpacked(self) -> TagTable:
        """The table as columns (for bulk work such as suggestions): itself."""
        return self


_K = TypeVar("_K")
_V = TypeVar("_V")


def _read_only(mapping: Mapping[_K, _V]) -> Mapping[_K, _V]:
    """A read-only view of ``mapping`` (a dict is wrapped, not copied)."""
    if isinstance(mapping, MappingProxyType):
        return mapping
    return MappingProxyType(mapping if isinstance(mapping, dict) else dict(mapping))


def _read_only_counts(counts: Sequence[int]) -> Sequence[int]:
    """Post counts as a read-only view of a signed 64-bit array (an array is wrapped)."""
    if isinstance(counts, memoryview) and counts.readonly:
        return counts
    values = counts if isinstance(counts, array) else array("q", counts)
    return memoryview(values).toreadonly()


@dataclass
class TableBuilder:
    """The growing columns of a table being read; :meth:`table` hands them over."""

    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    counts: array[int] = field(default_factory=lambda: array("q"))
    categories: bytearray = field(default_factory=bytearray)
    aliases: dict[str, str] = field(default_factory=dict)
    implications: dict[str, list[str]] = field(default_factory=dict)

    def add_tag(self, name: str, category: int, count: int) -> None:
        """One more tag (its name must be new)."""
        self.index[name] = len(self.names)
        self.names.append(name)
        self.counts.append(count)
        self.categories.append(category)

    def table(
        self,
        source: str,
        kind: TableKind | Literal["builtin", "embedded"],
        *,
        skipped: int = 0,
        inactive: int = 0,
    ) -> TagTable:
        """The finished, read-only table (the builder must not be used after)."""
        implied = {source: tuple(found) for source, found in self.implications.items()}
        return TagTable(
            source=source,
            kind=kind,
            names=self.names,
            index=self.index,
            counts=self.counts,
            categories=bytes(self.categories),
            aliases=self.aliases,
            implications=implied,
            skipped_rows=skipped,
            inactive_rows=inactive,
        )


# --- the packed (embedded) table ----------------------------------------------------
#
# The Danbooru table ships packed: two UTF-8 texts of sorted lines, read as bytes and
# searched in place, so a process that looks up a few dozen tags never splits 140k rows.
#
# * tags: ``name\tcode\tcount\n``, sorted by name (``code`` is Danbooru's category digit);
# * aliases: ``alias\ttag\n``, sorted by alias.
#
# The tab sorts before every character a canonical name holds, so sorting the lines as
# bytes sorts them by name (UTF-8 byte order is code point order), and a line starts
# with ``name + "\t"`` exactly when it is that name's line. A position is the offset of
# a line's first byte.

_FIELD = b"\t"
_LINE = b"\n"
# Bytes no canonical name may hold: they would break the order or the line format.
_UNPACKABLE = re.compile(r"[\x00-\x1f]")
_PACKED_CODES: Mapping[int, TagCategory] = {ord(code): cat for code, cat in _DANBOORU_CODES.items()}
_CATEGORY_CODES: Mapping[TagCategory, str] = {cat: code for code, cat in _DANBOORU_CODES.items()}


def pack_table(table: TagTable) -> tuple[bytes, bytes]:
    """The packed texts (tags, aliases) of a table of Danbooru categories.

    >>> table = TagTable(source="x", kind="tags", names=["smile", "blush"],
    ...                  counts=array("q", [9, 5]), categories=bytearray([0, 0]),
    ...                  aliases={"smiling": "smile"})
    >>> pack_table(table)
    (b'blush\\t0\\t5\\nsmile\\t0\\t9\\n', b'smiling\\tsmile\\n')
    """
    rows: list[bytes] = []
    for position, name in enumerate(table.names):
        category = table.category_of(position)
        if category not in _CATEGORY_CODES:
            raise DataFileError(
                f"{table.source}: {name!r}: a {category.value} tag cannot be packed"
            )
        rows.append(_packed_line(name, _CATEGORY_CODES[category], str(table.counts[position])))
    pairs = [_packed_line(alias, target) for alias, target in table.aliases.items()]
    return b"".join(sorted(rows)), b"".join(sorted(pairs))


def _packed_line(*fields: str) -> bytes:
    for text in fields:
        if not text or _UNPACKABLE.search(text):
            raise DataFileError(f"{text!r} cannot be packed (empty, or a control character)")
    return "\t".join(fields).encode("utf-8") + _LINE


# One line start is kept every this many bytes (the embedded table: about 1,400 of them,
# built in about 1.5 ms; a search then reads about 1 KB).
_SAMPLE_BYTES = 2048
# The name on the line after a newline.
_NEXT_NAME = re.compile(rb"\n([^\t\n]*)")


class LineIndex:
    """A sorted packed text, searched in place: the start and name of one line every few
    kilobytes are kept, so a name's line is found by bisecting those few names (in C)
    and one substring search in the few kilobytes between two of them.

    >>> lines = LineIndex(b"blush\\t0\\t5\\nsmile\\t0\\t9\\nwlop\\t1\\t3\\n")
    >>> lines.find(b"smile"), lines.find(b"smil"), lines.find(b"a"), lines.find_line(b"wlop")
    (10, None, None, 2)
    """

    __slots__ = ("_last", "_sample_lines", "data", "names", "starts")

    def __init__(self, data: bytes) -> None:
        starts = [0] if data else []
        names = [_name_at(data, 0)] if data else []
        search = _NEXT_NAME.search
        for at in range(_SAMPLE_BYTES, len(data), _SAMPLE_BYTES):
            found = search(data, at)
            if found is None or found.start(1) >= len(data):
                break
            if found.start(1) != starts[-1]:
                starts.append(found.start(1))
                names.append(found[1])
        self.names = names
        self.starts = starts
        self.data = data
        self._sample_lines: list[int] | None = None
        # The last name searched and where: a linter asks for a tag's slot and then for
        # the tag itself, one search after the other (kept as one tuple: thread-safe).
        self._last: tuple[bytes, tuple[int, int]] = (b"\n", (-1, -1))

    def find(self, name: bytes) -> int | None:
        """The offset of the line of ``name`` (its first field), or None."""
        offset = self.search(name)[1]
        return None if offset < 0 else offset

    def find_line(self, name: bytes) -> int | None:
        """The number (from 0) of the line of ``name``, or None: a column kept beside
        the text, one entry a line, is read at it."""
        sample, offset = self.search(name)
        return None if offset < 0 else self.line_number(sample, offset, self.sample_lines())

    def line_number(self, sample: int, offset: int, sample_lines: Sequence[int]) -> int:
        """The number (from 0) of the line at ``offset``, after the start of ``sample``
        (as :meth:`search` gives them), counted from the nearer of the two samples
        around it; ``sample_lines`` are the sampled lines' numbers (:meth:`sample_lines`,
        or the same kept precomputed)."""
        start = self.starts[sample]
        if sample + 1 < len(sample_lines):
            end = self.starts[sample + 1]
            if end - offset < offset - start:
                return sample_lines[sample + 1] - self.data.count(_LINE, offset, end)
        return sample_lines[sample] + self.data.count(_LINE, start, offset)

    def sample_lines(self) -> list[int]:
        """The number (from 0) of each sampled line (of each of :attr:`starts`): the
        whole text is counted once, on the first call (about 4 ms for the embedded
        tags; the slot column keeps them precomputed instead).

        >>> LineIndex(b"a\\t1\\nb\\t2\\n").sample_lines()
        [0]
        """
        lines = self._sample_lines
        if lines is None:
            lines, counted, previous = [], 0, 0
            for start in self.starts:
                counted += self.data.count(_LINE, previous, start)
                lines.append(counted)
                previous = start
            self._sample_lines = lines
        return lines

    def fits(self, sample_lines: Sequence[int], line_count: int) -> bool:
        """Whether precomputed ``sample_lines`` can be this text's, which has
        ``line_count`` lines: one per sample, the first 0, rising, and the last line
        counted from the last sample is the text's last (checked without reading the
        whole text).

        >>> index = LineIndex(b"a\\t1\\nb\\t2\\n")
        >>> index.fits([0], 2), index.fits([0], 3), index.fits([0, 1], 2)
        (True, False, False)
        """
        if len(sample_lines) != len(self.starts) or not self.starts:
            return not self.starts and not sample_lines and line_count == 0
        last = sample_lines[-1] + self.data.count(_LINE, self.starts[-1])
        return (
            sample_lines[0] == 0
            and all(map(int.__lt__, sample_lines, sample_lines[1:]))
            and last == line_count
        )

    def search(self, name: bytes) -> tuple[int, int]:
        """The sample before ``name``'s line and the line's offset (-1: none).

        >>> LineIndex(b"a\\t1\\nb\\t2\\n").search(b"b"), LineIndex(b"a\\t1\\n").search(b"c")
        ((0, 4), (0, -1))
        """
        last = self._last
        if last[0] == name:
            return last[1]
        index = bisect.bisect_right(self.names, name) - 1
        if index < 0:
            return index, -1
        data, start = self.data, self.starts[index]
        field = name + _FIELD
        if data.startswith(field, start):
            found = index, start
        else:
            end = self.starts[index + 1] if index + 1 < len(self.starts) else len(data)
            offset = data.find(_LINE + field, start, end)
            found = index, offset if offset == -1 else offset + 1
        self._last = (name, found)
        return found


def _name_at(data: bytes, start: int) -> bytes:
    """The first field of the line at ``start``."""
    end = data.index(_LINE, start)
    field = data.find(_FIELD, start, end)
    return data[start : end if field == -1 else field]


class PackedTable:
    """A read-only table searched in its packed texts (see :func:`pack_table`).

    It answers single lookups by binary search over the bytes; :meth:`unpacked` gives
    the columns of a :class:`TagTable` for bulk work, built once on first use.

    >>> packed = PackedTable("demo", b"blush\\t0\\t5\\nwlop\\t1\\t365\\n", b"smiling\\tsmile\\n")
    >>> position = packed.position("wlop")
    >>> packed.name_of(position), packed.category_of(position).value, packed.count_of(position)
    ('wlop', 'artist', 365)
    >>> packed.position("wlo") is None, packed.alias_of("smiling"), packed.size
    (True, 'smile', 2)
    """

    __slots__ = (
        "_alias_lines",
        "_size",
        "_tag_lines",
        "_unpacked",
        "aliases_data",
        "inactive_rows",
        "kind",
        "skipped_rows",
        "source",
        "tags_data",
    )

    source: str
    kind: Literal["embedded"]
    tags_data: bytes
    aliases_data: bytes
    skipped_rows: int
    inactive_rows: int
    _size: int | None
    _unpacked: TagTable | None
    _tag_lines: LineIndex | None
    _alias_lines: LineIndex | None

    def __init__(self, source: str, tags: bytes, aliases: bytes = b"") -> None:
        for name, data in (("tags", tags), ("aliases", aliases)):
            if data and not data.endswith(_LINE):
                raise DataFileError(f"{source}: the packed {name} text must end with a newline")
        store = functools.partial(object.__setattr__, self)
        store("source", source)
        store("kind", "embedded")
        store("tags_data", tags)
        store("aliases_data", aliases)
        store("_size", None)
        store("skipped_rows", 0)
        store("inactive_rows", 0)
        store("_unpacked", None)
        store("_tag_lines", None)
        store("_alias_lines", None)

    def __setattr__(self, name: str, value: object) -> None:
        # The embedded table is shared by every vocabulary in the process.
        raise AttributeError(f"a PackedTable is read-only (cannot set {name!r})")

    def __repr__(self) -> str:
        return f"PackedTable(source={self.source!r}, size={self.size})"

    @property
    def size(self) -> int:
        """The number of tags (counted on first use: a look-up never needs it)."""
        size = self._size
        if size is None:
            size = self.tags_data.count(_LINE)
            object.__setattr__(self, "_size", size)
        return size

    def position(self, name: str) -> int | None:
        """The offset of a canonical name's line, or None."""
        if _UNPACKABLE.search(name):  # a tab or newline would match across fields
            return None
        return self.tag_index().find(name.encode("utf-8", "surrogatepass"))

    def tag_index(self) -> LineIndex:
        """The line index of the packed tags (built on first use)."""
        return self._tag_lines or self._index("_tag_lines", self.tags_data)

    def alias_index(self) -> LineIndex:
        """The line index of the packed aliases (built on first use)."""
        return self._alias_lines or self._index("_alias_lines", self.aliases_data)

    def _index(self, attribute: str, data: bytes) -> LineIndex:
        lines = LineIndex(data)
        object.__setattr__(self, attribute, lines)
        return lines

    def category_of(self, position: int) -> TagCategory:
        """The category of the name at ``position``."""
        data = self.tags_data
        return _PACKED_CODES[data[data.index(_FIELD, position) + 1]]

    def count_of(self, position: int) -> int:
        """The post count of the name at ``position``."""
        data = self.tags_data
        start = data.index(_FIELD, data.index(_FIELD, position) + 1) + 1
        return int(data[start : data.index(_LINE, start)])

    def name_of(self, position: int) -> str:
        """The canonical name at ``position``."""
        data = self.tags_data
        return data[position : data.index(_FIELD, position)].decode("utf-8")

    def alias_of(self, name: str) -> str | None:
        """The tag a canonical alias stands for, or None."""
        if _UNPACKABLE.search(name):
            return None
        key = name.encode("utf-8", "surrogatepass")
        found = self.alias_index().find(key)
        if found is None:
            return None
        data = self.aliases_data
        return data[found + len(key) + 1 : data.index(_LINE, found)].decode("utf-8")

    def implied_by(self, name: str) -> tuple[str, ...]:
        """The packed table holds no implications."""
        del name
        return ()

    def unpacked(self) -> TagTable:
        """The same table as :class:`TagTable` columns (names in sorted order)."""
        if self._unpacked is None:
            object.__setattr__(self, "_unpacked", _unpack(self))
        assert self._unpacked is not None
        return self._unpacked


def _unpack(packed: PackedTable) -> TagTable:
    columns = TableBuilder()
    fields = packed.tags_data.decode("utf-8").replace("\n", "\t").split("\t")
    del fields[-1]  # after the last newline
    names = fields[0::3]
    columns.names = names
    columns.index.update(zip(names, range(len(names)), strict=True))
    columns.categories.extend("".join(fields[1::3]).encode("ascii").translate(CODE_BYTES))
    columns.counts.extend(map(int, fields[2::3]))
    pairs = packed.aliases_data.decode("utf-8").replace("\n", "\t").split("\t")
    del pairs[-1]
    columns.aliases.update(zip(pairs[0::2], pairs[1::2], strict=True))
    return columns.table(packed.source, "embedded")


AnyTable: TypeAlias = "TagTable | PackedTable"
"""A vocabulary layer: a table read from a file, or the packed embedded one."""
