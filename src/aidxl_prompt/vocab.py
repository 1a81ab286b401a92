"""Tag vocabularies: names, categories, post counts, aliases and implications.

A :class:`Vocabulary` is built from the files users already have, and the format of
each file is detected from its content:

* the tag-autocomplete CSV of A1111/ComfyUI (``name,category,post_count,"aliases"``,
  no header), e.g. ``danbooru.csv``;
* a WD tagger ``selected_tags.csv`` (header ``tag_id,name,category,count``);
* Danbooru alias and implication tables (header
  ``id,antecedent_name,consequent_name,status,created_at``; the file name says which:
  it must contain ``alias`` or ``implication``).

With no file given, :func:`load_vocabulary` reads the paths in ``$AIDXL_PROMPT_TAGS``
(separated by ``os.pathsep``), and with none of those it uses the project's built-in
vocabulary (the curated slot lists in ``data/tags``). Files are read lazily and cached
per (path, modification time, size); nothing is kept in mutable module globals.

Names are stored in canonical form (:func:`~aidxl_prompt.normalize_tag`: spaces, lower
case), so lookups accept Danbooru underscores, any case and A1111 escapes.

>>> vocab = Vocabulary.builtin()
>>> "long hair" in vocab, "Long_Hair" in vocab
(True, True)
>>> vocab.canonical("gray_hair")
'grey hair'
"""

from __future__ import annotations

import csv
import enum
import functools
import itertools
import os
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ._data import load_builtin_yaml
from ._slot_rules import slot_rules
from .card import PaintingStyle, Quality, aesthetic_examples
from .errors import DataFileError
from .normalize import CanonicalTag, kaomoji_names, normalize_tag, verbatim_names

__all__ = [
    "TAGS_ENV_VAR",
    "TableKind",
    "TagCategory",
    "TagInfo",
    "TagTable",
    "Vocabulary",
    "builtin_table",
    "canonical",
    "card_words",
    "load_vocabulary",
    "read_table",
    "vocabulary_paths_from_env",
]

TAGS_ENV_VAR = "AIDXL_PROMPT_TAGS"
"""Environment variable with the vocabulary files to use (``os.pathsep``-separated)."""

TableKind = Literal["tags", "wd", "aliases", "implications"]


class TagCategory(str, enum.Enum):
    """Danbooru's tag categories (plus the WD tagger's rating pseudo-tags)."""

    general = "general"
    artist = "artist"
    copyright = "copyright"
    character = "character"
    meta = "meta"
    rating = "rating"


_CATEGORY_LIST = tuple(TagCategory)
_CATEGORY_INDEX = {category: index for index, category in enumerate(_CATEGORY_LIST)}

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
_DANBOORU_CODE_INDEX = {code: _CATEGORY_INDEX[cat] for code, cat in _DANBOORU_CODES.items()}
_WD_CODE_INDEX = {code: _CATEGORY_INDEX[cat] for code, cat in _WD_CODES.items()}
_DANBOORU_CODES_TEXT = "0 general, 1 artist, 3 copyright, 4 character or 5 meta"
_WD_CODES_TEXT = "0 general, 1 artist, 3 copyright, 4 character, 5 meta or 9 rating"

_WD_HEADER = ("tag_id", "name", "category", "count")
_RELATION_COLUMNS = ("antecedent_name", "consequent_name")

# Danbooru names that are already canonical apart from underscores: printable ASCII,
# lower case, no backslash, no doubled or edge underscores. For these (all but a handful
# of the 140k Danbooru names) ``normalize_tag`` is ``name.replace("_", " ")``; a test
# checks that over the whole table. It keeps a cold load of the full table fast.
_SIMPLE_NAME = re.compile(r"(?!_)(?!.*__)(?!.*_$)[!-@\[\]-~]+")


class TagInfo(BaseModel):
    """What a vocabulary knows about one tag.

    >>> TagInfo(name="long hair", category=TagCategory.general, post_count=4350743)
    TagInfo(name='long hair', category=<TagCategory.general: 'general'>, post_count=4350743)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    category: TagCategory
    post_count: int = 0


@dataclass(frozen=True, eq=False)
class TagTable:
    """One parsed vocabulary file (or the built-in data); read-only after loading.

    ``names`` holds canonical names; ``counts`` and ``categories`` run parallel to it.
    ``aliases`` maps canonical alias -> canonical tag, ``implications`` maps a tag to
    the tags it implies. ``skipped_rows`` counts malformed rows left out in lenient
    mode; ``inactive_rows`` counts deleted or retired alias/implication rows.
    """

    source: str
    kind: TableKind | Literal["builtin"]
    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    counts: array[int] = field(default_factory=lambda: array("q"))
    categories: bytearray = field(default_factory=bytearray)
    aliases: dict[str, str] = field(default_factory=dict)
    implications: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skipped_rows: int = 0
    inactive_rows: int = 0

    def category_of(self, position: int) -> TagCategory:
        """The category of the name at ``position``."""
        return _CATEGORY_LIST[self.categories[position]]


def _canonical_name(name: str, verbatim: frozenset[str]) -> str:
    """``normalize_tag(name)``, with a fast path for plain Danbooru names."""
    if name in verbatim:
        return name
    if _SIMPLE_NAME.fullmatch(name):
        return name.replace("_", " ")
    return normalize_tag(name)


@dataclass
class _Parse:
    """The growing content of one table, and the error policy of its file."""

    path: Path
    lenient: bool
    handle: Any
    reader: Any
    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    counts: array[int] = field(default_factory=lambda: array("q"))
    categories: bytearray = field(default_factory=bytearray)
    aliases: dict[str, str] = field(default_factory=dict)
    implications: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skipped: int = 0
    inactive: int = 0

    def report(self, message: str) -> None:
        """A malformed row at the reader's current line: raise, or count it."""
        if not self.lenient:
            raise DataFileError(f"{self.path}:{self.reader.line_num}: {message}")
        self.skipped += 1

    def restart(self) -> None:
        """Forget what was read and read the file again from its first line."""
        self.reader = csv.reader(self.handle, strict=True)
        self.handle.seek(0)
        self.names.clear()
        self.index.clear()
        self.aliases.clear()
        del self.counts[:]
        del self.categories[:]
        self.skipped = 0

    def add_tag(self, name: str, category: int, count: int) -> None:
        self.index[name] = len(self.names)
        self.names.append(name)
        self.counts.append(count)
        self.categories.append(category)

    def table(self, kind: TableKind) -> TagTable:
        return TagTable(
            source=str(self.path),
            kind=kind,
            names=self.names,
            index=self.index,
            counts=self.counts,
            categories=self.categories,
            aliases=self.aliases,
            implications=self.implications,
            skipped_rows=self.skipped,
            inactive_rows=self.inactive,
        )


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _count_problem(value: str) -> str | None:
    if value.strip().isdigit() and value.strip().isascii():
        return None
    return f"the post count must be a whole number, got {value!r}"


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
    return _parse_table(Path(path), lenient)


def _parse_table(path: Path, lenient: bool) -> TagTable:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        parse: _Parse | None = None
        try:
            first = next((row for row in reader if not _blank(row)), None)
            if first is None:
                raise DataFileError(f"{path}: the file holds no rows")
            kind = _detect(path, first)
            parse = _Parse(path, lenient, handle, reader)
            if kind == "tags":
                _parse_tag_rows(parse, itertools.chain([first], reader))
            elif kind == "wd":
                _parse_wd_rows(parse, reader)
            else:
                _parse_relation_rows(parse, kind, first, reader)
        except UnicodeDecodeError:
            raise DataFileError(f"{path}:{_bad_utf8_line(path)}: not UTF-8 text") from None
        except csv.Error as exc:
            line = (parse.reader if parse is not None else reader).line_num
            raise DataFileError(f"{path}:{line}: malformed CSV ({exc})") from None
    return parse.table(kind)


def _bad_utf8_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8 (the text reader only knows a block)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 1


_CHUNK = 8192
# A chunk of plain Danbooru names joined by newlines: printable ASCII, no upper case,
# no backslash, no doubled or edge underscores. Anything else takes the careful path.
_NOT_SIMPLE = re.compile(r"[^!-@\[\]-~\n]|__|^_|_$|(?<=\n)_|_(?=\n)")
_ODD_CHARACTER = re.compile(r"[^!-@\[\]-~\n]")


def _canonical_many(raw_names: Sequence[str], verbatim: frozenset[str]) -> list[str]:
    """:func:`_canonical_name` of many names: in bulk, then the few odd ones one by one."""
    if not raw_names:
        return []
    joined = "\n".join(raw_names)
    names = joined.replace("_", " ").split("\n")
    odd: set[int] = set()
    if _maybe_odd(joined):
        odd = {joined.count("\n", 0, found.start()) for found in _NOT_SIMPLE.finditer(joined)}
    if len(odd) > 64:  # not a Danbooru list: one by one is cheaper than counting
        return [_canonical_name(name, verbatim) for name in raw_names]
    odd.update(raw_names.index(name) for name in verbatim.intersection(raw_names))
    for position in odd:
        names[position] = _canonical_name(raw_names[position], verbatim)
    return names


def _maybe_odd(joined: str) -> bool:
    """A quick test that may say True for plain names, never False for odd ones."""
    return bool(
        _ODD_CHARACTER.search(joined)
        or "__" in joined
        or "\n_" in joined
        or "_\n" in joined
        or joined.startswith("_")
        or joined.endswith("_")
    )


class _RestartError(Exception):
    """The fast path met a row it cannot take; parse the file again, row by row."""


def _parse_tag_rows(parse: _Parse, rows: Iterator[list[str]]) -> None:
    """The autocomplete CSV: ``name,category,post_count[,aliases]``, no header.

    The Danbooru list has 140k rows, so well-formed chunks of rows are converted in
    bulk; the first row that is not plainly well-formed sends the whole file to the
    careful row-by-row reader, which names the line at fault.
    """
    try:
        _parse_tag_chunks(parse, rows)
    except _RestartError:
        parse.restart()
        _parse_tag_rows_carefully(parse, parse.reader)


def _parse_tag_chunks(parse: _Parse, rows: Iterator[list[str]]) -> None:
    names, index, aliases = parse.names, parse.index, parse.aliases
    verbatim = verbatim_names()
    codes = _DANBOORU_CODE_INDEX
    to_index = bytes.maketrans(b"01345", bytes(codes[code] for code in "01345"))
    while True:
        chunk = [row for row in itertools.islice(rows, _CHUNK) if row]
        if not chunk:
            return
        if set(map(len, chunk)) != {4}:
            raise _RestartError
        raw_names, raw_codes, raw_counts, raw_aliases = zip(*chunk, strict=True)
        code_text = "".join(raw_codes)
        count_text = "".join(raw_counts)
        if (
            len(code_text) != len(chunk)
            or code_text.strip("01345")
            or not (count_text.isdigit() and count_text.isascii() and all(raw_counts))
        ):
            raise _RestartError
        chunk_names = _canonical_many(raw_names, verbatim)
        if not all(chunk_names):
            raise _RestartError
        base = len(names)
        names.extend(chunk_names)
        index.update(zip(chunk_names, range(base, base + len(chunk)), strict=True))
        if len(index) != len(names):
            raise _RestartError
        parse.counts.extend(map(int, raw_counts))
        parse.categories.extend(code_text.encode("ascii").translate(to_index))
        alias_names: list[str] = []
        alias_targets: list[str] = []
        for name, field_text in itertools.compress(
            zip(chunk_names, raw_aliases, strict=True), raw_aliases
        ):
            parts = field_text.split(",")
            alias_names.extend(parts)
            alias_targets.extend([name] * len(parts))
        for key, name in zip(_canonical_many(alias_names, verbatim), alias_targets, strict=True):
            if key and key != name and key not in aliases:
                aliases[key] = name


def _parse_tag_rows_carefully(parse: _Parse, rows: Iterable[list[str]]) -> None:
    """Row by row, with a reason for every refused row."""
    verbatim = verbatim_names()
    for row in rows:
        problem = _tag_row_problem(parse, row)
        if problem == "":
            continue
        if problem is not None:
            parse.report(problem)
            continue
        name = _canonical_name(row[0], verbatim)
        parse.add_tag(name, _DANBOORU_CODE_INDEX[row[1].strip()], int(row[2]))
        if len(row) == 4 and row[3]:
            for alias in row[3].split(","):
                key = _canonical_name(alias, verbatim)
                if key and key != name:
                    parse.aliases.setdefault(key, name)


def _tag_row_problem(parse: _Parse, row: list[str]) -> str | None:
    """Why an autocomplete CSV row is refused: None if it is fine, "" if it is blank."""
    if _blank(row):
        return ""
    if len(row) not in (3, 4):
        return f"expected name,category,post_count[,aliases] (3 or 4 fields), got {len(row)}"
    problem = _category_problem(row[1], _DANBOORU_CODE_INDEX, _DANBOORU_CODES_TEXT)
    problem = problem or _count_problem(row[2])
    if problem:
        return problem
    name = _canonical_name(row[0], verbatim_names())
    if not name:
        return "the tag name is empty"
    if name in parse.index:
        return f"tag {name!r} is listed twice"
    return None


def _parse_wd_rows(parse: _Parse, rows: Iterable[list[str]]) -> None:
    """The WD tagger's ``selected_tags.csv`` after its header."""
    verbatim = verbatim_names()
    for row in rows:
        if _blank(row):
            continue
        if len(row) != 4:
            parse.report(f"expected tag_id,name,category,count (4 fields), got {len(row)}")
            continue
        problem = _category_problem(row[2], _WD_CODE_INDEX, _WD_CODES_TEXT)
        problem = problem or _count_problem(row[3])
        name = _canonical_name(row[1], verbatim)
        if problem is None and not name:
            problem = "the tag name is empty"
        if problem is None and name in parse.index:
            problem = f"tag {name!r} is listed twice"
        if problem is not None:
            parse.report(problem)
            continue
        parse.add_tag(name, _WD_CODE_INDEX[row[2].strip()], int(row[3]))


def _parse_relation_rows(
    parse: _Parse, kind: TableKind, header_row: list[str], rows: Iterator[list[str]]
) -> None:
    """Danbooru alias or implication rows; only ``active`` rows take effect."""
    header = [cell.strip().lower() for cell in header_row]
    width = len(header)
    antecedent = header.index("antecedent_name")
    consequent = header.index("consequent_name")
    status = header.index("status") if "status" in header else None
    verbatim = verbatim_names()
    implied: dict[str, list[str]] = {}
    while True:
        chunk = [row for row in itertools.islice(rows, _CHUNK) if row]
        if not chunk:
            break
        if any(len(row) != width for row in chunk) or (
            status is not None and "" in (row[status] for row in chunk)
        ):
            # Careful path for this chunk's odd rows (its line numbers are lost, so
            # the whole file is read again row by row).
            parse.restart()
            implied.clear()
            parse.inactive = 0
            _parse_relation_rows_carefully(
                parse, kind=kind, width=width, header=header, rows=parse.reader, implied=implied
            )
            break
        active = chunk if status is None else [row for row in chunk if row[status] == "active"]
        parse.inactive += len(chunk) - len(active)
        sources = _canonical_many([row[antecedent] for row in active], verbatim)
        targets = _canonical_many([row[consequent] for row in active], verbatim)
        _add_relations(parse, kind, zip(sources, targets, strict=True), implied)
    parse.implications.update((source, tuple(targets)) for source, targets in implied.items())


def _add_relations(
    parse: _Parse,
    kind: TableKind,
    pairs: Iterable[tuple[str, str]],
    implied: dict[str, list[str]],
) -> None:
    for source, target in pairs:
        if not source or not target:
            parse.report("an antecedent or consequent name is empty")
        elif kind == "aliases":
            if source != target:
                parse.aliases.setdefault(source, target)
        else:
            implied.setdefault(source, []).append(target)


def _parse_relation_rows_carefully(
    parse: _Parse,
    *,
    kind: TableKind,
    width: int,
    header: list[str],
    rows: Iterator[list[str]],
    implied: dict[str, list[str]],
) -> None:
    verbatim = verbatim_names()
    antecedent = header.index("antecedent_name")
    consequent = header.index("consequent_name")
    status = header.index("status") if "status" in header else None
    next(row for row in rows if not _blank(row))  # the header
    for row in rows:
        if len(row) != width:
            if not _blank(row):
                parse.report(f"expected {width} fields ({','.join(header)}), got {len(row)}")
            continue
        if status is not None and row[status] != "active":
            if not row[status].strip():
                parse.report("the status is empty")
            else:
                parse.inactive += 1
            continue
        pair = (
            _canonical_name(row[antecedent], verbatim),
            _canonical_name(row[consequent], verbatim),
        )
        _add_relations(parse, kind, [pair], implied)


def card_words() -> tuple[str, ...]:
    """The card's closed sets: painting styles, quality levels, aesthetics, kaomoji.

    >>> card_words()[:2]
    ('flat color', 'clean color')
    """
    return (
        *(style.value for style in PaintingStyle),
        *(level.value for level in Quality),
        *aesthetic_examples(),
        *sorted(kaomoji_names()),
    )


@functools.cache
def builtin_table() -> TagTable:
    """The project's own vocabulary: every curated slot tag, card word and alias."""
    names = [*card_words(), *slot_rules().curated]
    table = TagTable(source="built-in", kind="builtin")
    for name in names:
        if name in table.index:
            continue
        table.index[name] = len(table.names)
        table.names.append(name)
        table.counts.append(0)
        table.categories.append(_CATEGORY_INDEX[TagCategory.general])
    raw = load_builtin_yaml("aliases.yaml")  # a few lines
    if not isinstance(raw, dict) or not isinstance(raw.get("aliases"), dict):
        raise DataFileError("aliases.yaml: expected a mapping with 'aliases'")
    for alias, target in raw["aliases"].items():
        if not isinstance(alias, str) or not isinstance(target, str):
            raise DataFileError(f"aliases.yaml: {alias!r}: alias and tag must be strings")
        table.aliases[normalize_tag(alias)] = normalize_tag(target)
    return table


class Vocabulary:
    """Tag names with categories, post counts, aliases and implications.

    Tables are layered: a name found in an earlier table wins. Unless
    ``include_builtin=False``, the built-in table comes last, so the card's own words
    (``amazing quality``, ``flat-pasto``) are known beside any Danbooru list.

    >>> vocab = Vocabulary.builtin()
    >>> vocab.info("Blonde_Hair")
    TagInfo(name='blonde hair', category=<TagCategory.general: 'general'>, post_count=0)
    >>> vocab.category("by wlop") is None
    True
    """

    __slots__ = ("_alias_maps", "_implication_maps", "tables")

    def __init__(self, tables: Sequence[TagTable]) -> None:
        self.tables: tuple[TagTable, ...] = tuple(tables)
        self._alias_maps = tuple(table.aliases for table in self.tables if table.aliases)
        self._implication_maps = tuple(
            table.implications for table in self.tables if table.implications
        )

    @classmethod
    def builtin(cls) -> Vocabulary:
        """The project's own vocabulary only (no post counts)."""
        return _builtin_vocabulary()

    @classmethod
    def load(
        cls,
        *paths: str | Path,
        lenient: bool = False,
        include_builtin: bool = True,
    ) -> Vocabulary:
        """Load and layer the given files (see the module docstring for formats).

        Each file is cached per (path, mtime, size); loading the same unchanged files
        again returns the same Vocabulary.
        """
        if not paths:
            raise DataFileError("no vocabulary file given")
        tables = tuple(read_table(path, lenient=lenient) for path in paths)
        return _vocabulary_of(tables, include_builtin)

    @property
    def sources(self) -> tuple[str, ...]:
        """The files (or ``built-in``) this vocabulary was read from, in layer order."""
        return tuple(table.source for table in self.tables)

    @property
    def skipped_rows(self) -> int:
        """Malformed rows left out in lenient mode, over all files."""
        return sum(table.skipped_rows for table in self.tables)

    def __len__(self) -> int:
        return sum(len(table.names) for table in self.tables)

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and self.locate(normalize_tag(tag)) is not None

    def __repr__(self) -> str:
        return f"Vocabulary(sources={list(self.sources)!r}, tags={len(self)})"

    def locate(self, name: str) -> tuple[TagTable, int] | None:
        """The table and position of a canonical name, or None."""
        for table in self.tables:
            position = table.index.get(name)
            if position is not None:
                return table, position
        return None

    def info(self, tag: str) -> TagInfo | None:
        """What the vocabulary knows of ``tag`` itself (aliases are not followed)."""
        name = normalize_tag(tag)
        found = self.locate(name)
        if found is None:
            return None
        table, position = found
        return TagInfo(
            name=name,
            category=table.category_of(position),
            post_count=table.counts[position],
        )

    def lookup(self, tag: str) -> TagInfo | None:
        """Like :meth:`info`, but an alias is first resolved to its tag.

        >>> Vocabulary.builtin().lookup("gray hair").name
        'grey hair'
        """
        return self.info(self.canonical(tag))

    def category(self, tag: str) -> TagCategory | None:
        """The category of ``tag`` (aliases resolved), or None if unknown."""
        found = self.locate(self.canonical(tag))
        return None if found is None else found[0].category_of(found[1])

    def post_count(self, name: str) -> int:
        """Post count of a canonical name (0 when unknown)."""
        found = self.locate(name)
        return 0 if found is None else found[0].counts[found[1]]

    def alias_target(self, name: str) -> str | None:
        """The tag that a canonical alias name stands for, or None."""
        for aliases in self._alias_maps:
            target = aliases.get(name)
            if target is not None:
                return target
        return None

    def canonical(self, tag: str) -> CanonicalTag:
        """The tag's canonical name, with deprecated aliases resolved (chains followed).

        A name that is itself a tag is never rewritten.

        >>> Vocabulary.builtin().canonical("Gray_Hair")
        'grey hair'
        """
        start = name = normalize_tag(tag)
        seen: set[str] = {name}
        while self.locate(name) is None:
            target = self.alias_target(name)
            if target is None:
                break
            if target in seen:  # an alias cycle leads nowhere: keep what was written
                return start
            seen.add(target)
            name = CanonicalTag(target)
        return name

    def implied(self, tag: str) -> tuple[CanonicalTag, ...]:
        """Every tag that ``tag`` implies, transitively, nearest first.

        Needs an implication table; the built-in data has none.
        """
        start = self.canonical(tag)
        result: list[CanonicalTag] = []
        queue = [start]
        seen: set[str] = {start}
        while queue:
            current = queue.pop(0)
            for implications in self._implication_maps:
                for target in implications.get(current, ()):
                    if target not in seen:
                        seen.add(target)
                        result.append(CanonicalTag(target))
                        queue.append(CanonicalTag(target))
        return tuple(result)


@functools.cache
def _builtin_vocabulary() -> Vocabulary:
    return Vocabulary([builtin_table()])


@functools.lru_cache(maxsize=8)
def _vocabulary_of(tables: tuple[TagTable, ...], include_builtin: bool) -> Vocabulary:
    return Vocabulary((*tables, builtin_table()) if include_builtin else tables)


def vocabulary_paths_from_env() -> tuple[str, ...]:
    """The files named by ``$AIDXL_PROMPT_TAGS`` (empty entries ignored)."""
    value = os.environ.get(TAGS_ENV_VAR, "")
    return tuple(part for part in value.split(os.pathsep) if part.strip())


def load_vocabulary(
    paths: str | Path | Sequence[str | Path] | None = None, *, lenient: bool = False
) -> Vocabulary:
    """The vocabulary to use: the given files, else ``$AIDXL_PROMPT_TAGS``, else built-in.

    >>> load_vocabulary().sources if not vocabulary_paths_from_env() else ("built-in",)
    ('built-in',)
    """
    if paths is None:
        env_paths = vocabulary_paths_from_env()
        if not env_paths:
            return Vocabulary.builtin()
        return Vocabulary.load(*env_paths, lenient=lenient)
    if isinstance(paths, (str, Path)):
        return Vocabulary.load(paths, lenient=lenient)
    return Vocabulary.load(*paths, lenient=lenient)


def canonical(tag: str, vocabulary: Vocabulary | None = None) -> CanonicalTag:
    """The canonical name of ``tag``, with deprecated aliases resolved.

    ``vocabulary`` defaults to :func:`load_vocabulary` (``$AIDXL_PROMPT_TAGS`` or the
    built-in data).

    >>> canonical("Gray_Hair", Vocabulary.builtin())
    'grey hair'
    >>> canonical(r"bishop_\\(chess\\)", Vocabulary.builtin())
    'bishop (chess)'
    """
    return (vocabulary if vocabulary is not None else load_vocabulary()).canonical(tag)
