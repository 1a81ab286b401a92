"""Reading vocabulary files into :class:`~aidxl_prompt.vocab._tables.TagTable` columns.

The format of each file is detected from its content:

* the tag-autocomplete CSV of A1111/ComfyUI (``name,category,post_count,"aliases"``,
  no header), e.g. ``danbooru.csv``;
* a WD tagger ``selected_tags.csv`` (header ``tag_id,name,category,count``);
* Danbooru alias and implication tables (header
  ``id,antecedent_name,consequent_name,status,created_at``; the file name says which:
  it must contain ``alias`` or ``implication``).

One reader per kind of file. WD, alias and implication tables are read row by row
with the csv module (a bulk path for them was measured no faster). The
tag-autocomplete CSV (the 140k-row Danbooru list) is read in bulk, a whole
well-formed file in a few passes over its text, several times faster; anything the
bulk reader is not sure of (blank lines, a record spread over lines, an odd row) sends
the file to the row-by-row reader, which is the reference: it names the line of every
malformed row, or counts it in lenient mode. A property test holds the two equal.

This module is imported with the first file read: a start-up that uses only the
embedded table never loads it.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "tags.csv"
>>> _ = path.write_text('long_hair,0,4350743,"/lh,longhair"\\n')
>>> table = read_table(path)
>>> table.names, dict(table.aliases)
(('long hair',), {'/lh': 'long hair', 'longhair': 'long hair'})
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from ..syntax.normalize import normalize_tag, verbatim_names
from ._tables import (
    CODE_BYTES,
    DANBOORU_CODE_INDEX,
    WD_CODE_INDEX,
    TableBuilder,
    TableKind,
    TagTable,
)

__all__ = ["parse_table", "read_table"]

_DANBOORU_CODES_TEXT = "0 general, 1 artist, 3 copyright, 4 character or 5 meta"
_WD_CODES_TEXT = "0 general, 1 artist, 3 copyright, 4 character, 5 meta or 9 rating"
_WD_HEADER = ("tag_id", "name", "category", "count")
_RELATION_COLUMNS = ("antecedent_name", "consequent_name")

# Post counts are kept in a signed 64-bit array.
_MAX_COUNT = 2**63 - 1


def read_table(path: str | Path, *, lenient: bool = False) -> TagTable:
    """Parse one vocabulary file, detecting its format; cached per path, mtime and size.

    Malformed rows raise :class:`~aidxl_prompt.errors.DataFileError` naming the file and
    line; with ``lenient=True`` they are left out and counted in ``skipped_rows``.
    Blank lines are skipped.
    """
    resolved = Path(path).expanduser().resolve()
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if not resolved.is_file():
        raise DataFileError(f"{path}: not a file")
    return _read_table_cached(str(resolved), stat.st_mtime_ns, stat.st_size, lenient)


@functools.lru_cache(maxsize=16)
def _read_table_cached(path: str, mtime_ns: int, size: int, lenient: bool) -> TagTable:
    del mtime_ns, size  # part of the cache key only: a changed file is read again
    return parse_table(Path(path), lenient)


def parse_table(path: Path, lenient: bool, *, bulk: bool = True) -> TagTable:
    """Read ``path`` uncached; ``bulk=False`` forces the row-by-row reader (for tests).

    Each kind of file has one reader: the row-by-row reader for WD, alias and
    implication tables, the bulk reader for the tag-autocomplete CSV (which hands an
    odd file to the row-by-row reader, the reference that names every bad line).
    """
    with _open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        try:
            first = next((row for row in reader if not _blank(row)), None)
        except csv.Error as exc:
            raise DataFileError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from None
        except UnicodeDecodeError:
            raise DataFileError(f"{path}:{_bad_utf8_line(path)}: not UTF-8 text") from None
        first_line = reader.line_num
    if first is None:
        raise DataFileError(f"{path}: the file holds no rows")
    kind = _detect(path, first)
    if bulk and kind == "tags" and first_line == 1:
        try:
            return _bulk_tags(path, _file_blocks(path))
        except _StepAsideError:
            pass
    return _read_row_by_row(path, kind, lenient)


def _open_text(path: Path) -> io.TextIOWrapper:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc.strerror or exc})") from None


def _bad_utf8_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8 (the text reader only knows a block)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 1


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _count_problem(value: str) -> str | None:
    digits = value.strip()
    if not (digits.isdigit() and digits.isascii()):
        return f"the post count must be a whole number, got {value!r}"
    if int(digits) > _MAX_COUNT:
        return f"the post count {digits} is too large (at most {_MAX_COUNT})"
    return None


def _category_problem(value: str, codes: Mapping[str, int], known: str) -> str | None:
    if value.strip() in codes:
        return None
    return f"unknown category {value!r} (expected {known})"


def _detect(path: Path, first: list[str]) -> TableKind:
    header = tuple(cell.strip().lower() for cell in first)
    if header == _WD_HEADER:
        return "wd"
    if all(column in header for column in _RELATION_COLUMNS):
        stem = path.name.lower()
        if "implication" in stem:
            return "implications"
        if "alias" in stem:
            return "aliases"
        raise DataFileError(
            f"{path}: cannot tell whether this table holds aliases or implications; "
            "put 'alias' or 'implication' in its file name"
        )
    return "tags"


# --- names --------------------------------------------------------------------------

# Danbooru names that are already canonical apart from underscores: printable ASCII,
# lower case, no backslash, no doubled or edge underscores. For these (all but a handful
# of the 140k Danbooru names) ``normalize_tag`` is ``name.replace("_", " ")``; a test
# checks that over the whole table.
_SIMPLE_NAME = re.compile(r"(?!_)(?!.*__)(?!.*_$)[!-@\[\]-~]+")
# The bytes of plain names, and the newline that joins them (the comma is among them).
_PLAIN_BYTES = b"\n" + bytes(range(0x21, 0x41)) + b"[" + bytes(range(0x5D, 0x7F))
# Names are converted in blocks; a block with an odd name is split into smaller ones.
_NAME_BLOCKS = (256, 16)


def _canonical_name(name: str, verbatim: frozenset[str]) -> str:
    """``normalize_tag(name)``, with a fast path for plain Danbooru names."""
    if name in verbatim:
        return name
    if _SIMPLE_NAME.fullmatch(name):
        return name.replace("_", " ")
    return normalize_tag(name)


def _canonical_many(raw_names: list[str], verbatim: frozenset[str]) -> list[str]:
    """:func:`_canonical_name` of many names; a block of plain names in one step."""
    names: list[str] = []
    _canonical_blocks(names, raw_names, verbatim, 0)
    return names


def _canonical_blocks(
    names: list[str], raw_names: list[str], verbatim: frozenset[str], level: int
) -> None:
    size = _NAME_BLOCKS[level]
    spaced = _spaced(verbatim)
    for start in range(0, len(raw_names), size):
        block = raw_names[start : start + size]
        joined = "\n".join(block)
        if _plain_names(block, joined):
            converted = joined.replace("_", " ").split("\n")
            if spaced.isdisjoint(converted):  # else maybe a kaomoji such as ^_^
                names.extend(converted)
                continue
        if level + 1 < len(_NAME_BLOCKS):
            _canonical_blocks(names, block, verbatim, level + 1)
        else:
            names.extend(_canonical_name(name, verbatim) for name in block)


def _plain_names(block: list[str], joined: str) -> bool:
    """Whether every name of ``block`` (joined by newlines) is plain (``_SIMPLE_NAME``)."""
    return (
        joined.isascii()
        and not joined.encode("ascii").translate(None, _PLAIN_BYTES)
        and joined.count("\n") == len(block) - 1  # no newline inside a name
        and "__" not in joined
        and "\n_" not in joined
        and "_\n" not in joined
        and not joined.startswith("_")
        and not joined.endswith("_")
    )


@functools.cache
def _spaced(verbatim: frozenset[str]) -> frozenset[str]:
    """What turning underscores into spaces would wrongly make of the verbatim names.

    (A verbatim name without an underscore converts to itself, which is right.)
    """
    return frozenset(name.replace("_", " ") for name in verbatim if "_" in name)


# --- the bulk reader ----------------------------------------------------------------
#
# A file is read in blocks of whole lines, and each block is split at newlines and
# commas in one step after every underscore has been turned into a space. For a field
# of plain characters (``_SIMPLE_NAME``) that conversion is exactly ``normalize_tag``.
# The lines that need more care are kept as raw rows and converted one name at a time:
# lines with a non-plain byte (found before the split), with quotes other than one
# quoted list in the last column (read by the csv module; each must make one whole row
# of its own), and, found after the split in the name columns, lines with a doubled or
# edge underscore (now a doubled or edge space) or a kaomoji such as ``^_^``.
# A quoted last-column list (``a,0,5,"b,c"``) is unquoted in place, its commas turned
# into tabs; tabs also separate the canonical names of a list (no canonical name holds
# one).

_BULK_BYTES = 1 << 18  # lines are handled in blocks of about this size
_LIST_SEPARATOR = "\t"
# Every byte but the comma and the newline: deleting them leaves a block's separators.
_NOT_SEPARATORS = bytes(byte for byte in range(256) if byte not in b",\n")
_ODD_BYTE = re.compile(rb"[^\n!-@\[\]-~]")
_SMALL = 64  # below this many bytes, a regular expression finds the odd bytes


class _StepAsideError(Exception):
    """The bulk reader steps aside: the row-by-row reader must judge this file."""


def _file_blocks(path: Path) -> Iterator[tuple[str, bytes]]:
    """The file in blocks of whole lines (about ``_BULK_BYTES`` each): text and UTF-8.

    A block holds no line ending: lines are joined by ``\\n`` (``\\r\\n`` is taken as one).
    Text that is not UTF-8, or a lone ``\\r``, makes the bulk reader step aside.
    """
    first = True
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    with handle:
        pending: list[bytes] = []
        while chunk := handle.read(_BULK_BYTES):
            cut = chunk.rfind(b"\n")
            if cut == -1:
                pending.append(chunk)  # a very long line: gather it, never copy it again
                continue
            pending.append(chunk[:cut])
            yield _decoded(b"".join(pending), first=first)
            first = False
            pending = [chunk[cut + 1 :]]
        tail = b"".join(pending)
        if tail:
            yield _decoded(tail, first=first)


def _decoded(data: bytes, *, first: bool) -> tuple[str, bytes]:
    if first and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if data.endswith(b"\r"):  # the \r\n that ended the block
            data = data[:-1]
        if b"\r" in data:
            raise _StepAsideError
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError:
        raise _StepAsideError from None


# The shape of an autocomplete CSV row: name,category,post_count,"aliases".
_WIDTH = 4
_NAME = 0
_LISTS = 3


@dataclass
class _Block:
    """One block's fields, :data:`_WIDTH` per line, and the raw fields of its careful lines.

    ``fields`` has every underscore turned into a space and lists separated by tabs.
    ``raw`` maps the number of each line that needs care to its fields as written.
    """

    fields: list[str]
    raw: dict[int, list[str]]

    def patch(self, verbatim: frozenset[str]) -> None:
        """Put the raw lines back, with their names (the name and each alias) made
        canonical one at a time."""
        for number in self._suspects(_spaced(verbatim)):
            if number not in self.raw:
                self.raw[number] = self._raw_again(number)
        fields, raw = self.fields, self.raw
        raw_names: list[str] = []
        list_lengths: list[int] = []
        for number, row in raw.items():
            fields[number * _WIDTH : (number + 1) * _WIDTH] = row
            raw_names.append(row[_NAME])
            if row[_LISTS]:
                items = row[_LISTS].split(",")
                raw_names.extend(items)
                list_lengths.append(len(items))
        names = iter(_canonical_many(raw_names, verbatim))
        lengths = iter(list_lengths)
        for number, row in raw.items():
            fields[number * _WIDTH + _NAME] = next(names)
            if row[_LISTS]:
                found = itertools.islice(names, next(lengths))
                fields[number * _WIDTH + _LISTS] = _LIST_SEPARATOR.join(found)

    def _suspects(self, spaced: frozenset[str]) -> list[int]:
        """The lines whose names the one-step conversion may have got wrong: a doubled
        or edge underscore (now a doubled or edge space), or a kaomoji (in ``spaced``)."""
        found: list[int] = []
        for column in (_NAME, _LISTS):
            values = self.fields[column::_WIDTH]
            # Most lists are empty: look only at the lines with a value.
            numbers = list(itertools.compress(itertools.count(), values))
            present = [values[number] for number in numbers]
            joined = "\n".join(present)
            probe = joined.replace(_LIST_SEPARATOR, "\n")  # one name per line
            found += [numbers[entry] for entry in _entries_at(joined, _edge_spaces(probe))]
            if not spaced.isdisjoint(probe.split("\n")):
                found += [
                    numbers[entry]
                    for entry, value in enumerate(present)
                    if not spaced.isdisjoint(value.split(_LIST_SEPARATOR))
                ]
        return found

    def _raw_again(self, number: int) -> list[str]:
        """The raw fields of a plain line, from its converted ones.

        A plain line holds no space and no tab: its spaces were underscores, and tabs
        in its list were the commas of a quoted list.
        """
        line = self.fields[number * _WIDTH : (number + 1) * _WIDTH]
        row = [field.replace(" ", "_") for field in line]
        row[_LISTS] = row[_LISTS].replace(_LIST_SEPARATOR, ",")
        return row


def _split_block(block: str, data: bytes) -> _Block:
    """Split one block (see above); ``_StepAsideError`` if a line is not a row."""
    raw: dict[int, list[str]] = {}
    if data.translate(None, _PLAIN_BYTES):
        for number, line in _lines_at(data, _odd_bytes(data, 0, len(data))):
            raw[number] = _row(line.decode("utf-8"))
    if '"' in block:
        block = _unquote(block, raw)
        data = block.encode("utf-8")
    separators = ("," * (_WIDTH - 1) + "\n") * (block.count("\n") + 1)
    if data.translate(None, _NOT_SEPARATORS) != separators[:-1].encode():
        raise _StepAsideError  # a blank line, or a row with too few or too many fields
    fields = block.replace("_", " ").replace("\n", ",").split(",")
    return _Block(fields, raw)


def _row(line: str) -> list[str]:
    """The fields of one line as the csv module reads them; it must be a whole row."""
    if '"' in line:
        try:
            rows = list(csv.reader([line], strict=True))
        except csv.Error:
            raise _StepAsideError from None
    else:
        rows = [line.split(",")]
    if len(rows) != 1 or len(rows[0]) != _WIDTH:
        raise _StepAsideError
    return rows[0]


def _unquote(block: str, raw: dict[int, list[str]]) -> str:
    """``block`` with its quoted lines made plain (``_StepAsideError`` if one is not a row).

    A line whose only quotes enclose its last field, a list, loses them and the list's
    commas become tabs; any other quoted line is read by the csv module into ``raw``
    and replaced by a stand-in of bare commas.
    """
    stand_in = "," * (_WIDTH - 1)
    pieces: list[str] = []
    done = number = counted = 0
    found = block.find('"')
    while found != -1:
        start = block.rfind("\n", 0, found) + 1
        end = block.find("\n", found)
        if end == -1:
            end = len(block)
        if (
            block.find('"', found + 1, end) == end - 1 > found
            and block.count(",", start, found) == _LISTS
            and block[found - 1] == ","
        ):
            pieces.append(block[done:found])
            pieces.append(block[found + 1 : end - 1].replace(",", _LIST_SEPARATOR))
        else:
            number += block.count("\n", counted, start)
            counted = start
            raw[number] = raw.get(number) or _row(block[start:end])
            pieces.append(block[done:start])
            pieces.append(stand_in)
        done = end
        found = block.find('"', end)
    pieces.append(block[done:])
    return "".join(pieces)


def _odd_bytes(data: bytes, start: int, end: int) -> list[int]:
    """Positions of the bytes of ``data[start:end]`` that plain names do not hold.

    The range is halved until the odd bytes are cornered, so a block with a few odd
    names costs a few short passes rather than a regular expression over all of it.
    """
    found: list[int] = []
    pending = [(start, end)]
    while pending:
        low, high = pending.pop()
        if not data[low:high].translate(None, _PLAIN_BYTES):
            continue
        if high - low <= _SMALL:
            found.extend(match.start() for match in _ODD_BYTE.finditer(data, low, high))
            continue
        middle = (low + high) // 2
        pending += ((middle, high), (low, middle))
    return found


def _edge_spaces(text: str) -> list[int]:
    """Positions of doubled spaces and of spaces at the edge of a line of ``text``."""
    positions: list[int] = []
    for needle in ("  ", "\n ", " \n"):
        position = text.find(needle)
        while position != -1:
            positions.append(position + 1 if needle[0] == "\n" else position)
            position = text.find(needle, position + 1)
    if text.startswith(" "):
        positions.append(0)
    if text.endswith(" "):
        positions.append(len(text) - 1)
    return positions


def _entries_at(joined: str, positions: list[int]) -> list[int]:
    """The line numbers of ``positions`` in ``joined``."""
    numbers: list[int] = []
    number = counted = 0
    for position in sorted(positions):
        number += joined.count("\n", counted, position)
        counted = position
        numbers.append(number)
    return numbers


def _lines_at(data: bytes, positions: list[int]) -> list[tuple[int, bytes]]:
    """The number and text of each line of ``data`` holding one of ``positions``."""
    lines: list[tuple[int, bytes]] = []
    number = counted = 0
    end = -1
    for position in sorted(positions):
        if position <= end:
            continue  # this line is already listed
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        if end == -1:
            end = len(data)
        number += data.count(b"\n", counted, start)
        counted = start
        lines.append((number, data[start:end]))
    return lines


def _first_wins(keys: list[str], targets: list[str]) -> dict[str, str]:
    """``setdefault`` of each pair in order, except empty keys and keys equal to targets."""
    found: dict[str, str] = {}
    for key, target in zip(keys, targets, strict=True):
        if key and key != target and key not in found:
            found[key] = target
    return found


def _bulk_tags(path: Path, blocks: Iterator[tuple[str, bytes]]) -> TagTable:
    """The autocomplete CSV, four fields per row (the Danbooru list's shape)."""
    verbatim = verbatim_names()
    columns = TableBuilder()
    alias_keys: list[str] = []
    alias_targets: list[str] = []
    for text_block, data in blocks:
        block = _split_block(text_block, data)
        block.patch(verbatim)
        block_names = _add_block(columns, block.fields)
        # Each row's aliases (tab-separated), paired with the row's name.
        lists = block.fields[_LISTS::_WIDTH]
        present = list(itertools.compress(lists, lists))
        per_row = [names_text.count(_LIST_SEPARATOR) + 1 for names_text in present]
        owners = itertools.compress(block_names, lists)
        alias_targets.extend(itertools.chain.from_iterable(map(itertools.repeat, owners, per_row)))
        if present:
            alias_keys.extend(_LIST_SEPARATOR.join(present).split(_LIST_SEPARATOR))
    columns.aliases.update(_first_wins(alias_keys, alias_targets))
    return columns.table(str(path), "tags")


def _add_block(columns: TableBuilder, fields: list[str]) -> list[str]:
    """Add the tags of one block's fields; their names. Steps aside on anything odd."""
    raw_counts = fields[2::_WIDTH]
    codes = fields[1::_WIDTH]
    code_text = "".join(codes)
    count_text = "".join(raw_counts)
    if (
        "" in codes  # with the length check below: every code is one character
        or len(code_text) != len(codes)
        or code_text.strip("01345")
        or not (count_text.isdigit() and count_text.isascii())
    ):
        raise _StepAsideError
    block_names = fields[_NAME::_WIDTH]
    if not all(block_names):
        raise _StepAsideError
    names, index = columns.names, columns.index
    base = len(names)
    names.extend(block_names)
    index.update(zip(block_names, range(base, len(names)), strict=True))
    if len(index) != len(names):
        raise _StepAsideError  # a name listed twice: the row-by-row reader says where
    try:  # an empty count, or one too large for the array
        columns.counts.extend(map(int, raw_counts))
    except (ValueError, OverflowError):
        raise _StepAsideError from None
    columns.categories.extend(code_text.encode("ascii").translate(CODE_BYTES))
    return block_names


# --- the row-by-row reader ----------------------------------------------------------


@dataclass
class _Rows:
    """The growing content of one table, and the error policy of its file."""

    path: Path
    lenient: bool
    reader: Any
    columns: TableBuilder = field(default_factory=TableBuilder)
    skipped: int = 0
    inactive: int = 0

    def report(self, message: str) -> None:
        """A malformed row at the reader's current line: raise, or count it."""
        if not self.lenient:
            raise DataFileError(f"{self.path}:{self.reader.line_num}: {message}")
        self.skipped += 1

    def add_tag(self, name: str, codes: Mapping[str, int], code: str, count: str) -> None:
        """Add a tag whose category ``code`` and ``count`` were checked, unless its name
        is empty or listed twice (then report it)."""
        if not name:
            self.report("the tag name is empty")
        elif name in self.columns.index:
            self.report(f"tag {name!r} is listed twice")
        else:
            self.columns.add_tag(name, codes[code.strip()], int(count))


def _read_row_by_row(path: Path, kind: TableKind, lenient: bool) -> TagTable:
    with _open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        rows = _Rows(path, lenient, reader)
        try:
            if kind == "tags":
                _tag_rows(rows, reader)
            elif kind == "wd":
                next(row for row in reader if not _blank(row))  # the header
                _wd_rows(rows, reader)
            else:
                _relation_rows(rows, kind, reader)
        except csv.Error as exc:
            raise DataFileError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from None
        except UnicodeDecodeError:
            raise DataFileError(f"{path}:{_bad_utf8_line(path)}: not UTF-8 text") from None
    return rows.columns.table(str(path), kind, skipped=rows.skipped, inactive=rows.inactive)


def _tag_rows(rows: _Rows, reader: Iterable[list[str]]) -> None:
    """The autocomplete CSV: ``name,category,post_count[,aliases]``, no header."""
    verbatim = verbatim_names()
    aliases = rows.columns.aliases
    for row in reader:
        if _blank(row):
            continue
        problem = _tag_row_problem(row)
        if problem is not None:
            rows.report(problem)
            continue
        name = _canonical_name(row[0], verbatim)
        size = len(rows.columns.names)
        rows.add_tag(name, DANBOORU_CODE_INDEX, row[1], row[2])
        if len(rows.columns.names) > size and len(row) == 4 and row[3]:
            for alias in row[3].split(","):
                key = _canonical_name(alias, verbatim)
                if key and key != name:
                    aliases.setdefault(key, name)


def _tag_row_problem(row: list[str]) -> str | None:
    """Why the fields of an autocomplete CSV row are refused (None if they are fine)."""
    if len(row) not in (3, 4):
        return f"expected name,category,post_count[,aliases] (3 or 4 fields), got {len(row)}"
    problem = _category_problem(row[1], DANBOORU_CODE_INDEX, _DANBOORU_CODES_TEXT)
    return problem or _count_problem(row[2])


def _wd_rows(rows: _Rows, reader: Iterable[list[str]]) -> None:
    """The WD tagger's ``selected_tags.csv`` after its header."""
    verbatim = verbatim_names()
    for row in reader:
        if _blank(row):
            continue
        if len(row) != 4:
            rows.report(f"expected tag_id,name,category,count (4 fields), got {len(row)}")
            continue
        problem = _category_problem(row[2], WD_CODE_INDEX, _WD_CODES_TEXT)
        problem = problem or _count_problem(row[3])
        if problem is not None:
            rows.report(problem)
            continue
        rows.add_tag(_canonical_name(row[1], verbatim), WD_CODE_INDEX, row[2], row[3])


def _relation_rows(rows: _Rows, kind: TableKind, reader: Iterator[list[str]]) -> None:
    """Danbooru alias or implication rows; only ``active`` rows take effect."""
    header = [cell.strip().lower() for cell in next(r for r in reader if not _blank(r))]
    width = len(header)
    antecedent = header.index("antecedent_name")
    consequent = header.index("consequent_name")
    status = header.index("status") if "status" in header else None
    verbatim = verbatim_names()
    relation = rows.columns.aliases if kind == "aliases" else None
    implied = rows.columns.implications
    for row in reader:
        if len(row) != width:
            if not _blank(row):
                rows.report(f"expected {width} fields ({','.join(header)}), got {len(row)}")
            continue
        if status is not None and row[status] != "active":
            if not row[status].strip():
                rows.report("the status is empty")
            else:
                rows.inactive += 1
            continue
        source = _canonical_name(row[antecedent], verbatim)
        target = _canonical_name(row[consequent], verbatim)
        if not source or not target:
            rows.report("an antecedent or consequent name is empty")
        elif relation is None:
            implied.setdefault(source, []).append(target)
        elif source != target:
            relation.setdefault(source, target)
