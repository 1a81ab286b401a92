"""Tag vocabularies: names, categories, post counts, aliases and implications.

The package embeds the Danbooru tag table (140,782 tags with categories, post counts
and aliases, from the MIT-licensed a1111-sd-webui-tagcomplete list; see
``data/vocab/PROVENANCE.md``), so characters, series and artists are known with no
file at all: :meth:`Vocabulary.default` is that table over the built-in layer, and it
is what :func:`~aidxl_prompt.classify` and :func:`~aidxl_prompt.suggest` use unless
given a vocabulary. It is read as two packed texts and searched in place; nothing is
parsed row by row at start-up.

A :class:`Vocabulary` can also be built from the files users already have, layered
over the embedded table, and the format of each file is detected from its content:

* the tag-autocomplete CSV of A1111/ComfyUI (``name,category,post_count,"aliases"``,
  no header), e.g. ``danbooru.csv``;
* a WD tagger ``selected_tags.csv`` (header ``tag_id,name,category,count``);
* Danbooru alias and implication tables (header
  ``id,antecedent_name,consequent_name,status,created_at``; the file name says which:
  it must contain ``alias`` or ``implication``).

Configuration is passed in: a library call uses the vocabulary it is given, else
:meth:`Vocabulary.default`, whatever the environment holds. Only the CLI and an
explicit :meth:`Vocabulary.from_env` read ``$AIDXL_PROMPT_TAGS`` (paths separated by
``os.pathsep``). Files are read lazily and cached per (path, modification time, size);
the cached tables are read-only, and nothing is kept in mutable module globals.

Names are stored in canonical form (:func:`~aidxl_prompt.normalize_tag`: spaces, lower
case), so lookups accept Danbooru underscores, any case and A1111 escapes.

>>> vocab = Vocabulary.builtin()
>>> "long hair" in vocab, "Long_Hair" in vocab
(True, True)
>>> vocab.canonical("gray_hair")
'grey hair'
>>> Vocabulary.default().category("ganyu_(genshin_impact)").value
'character'
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .._data import load_builtin_yaml, read_vocab_file
from ..card.words import card_words
from ..errors import DataFileError
from ..syntax.normalize import CanonicalTag, normalize_tag
from ._slot_rules import curated_tags
from ._tables import (
    CATEGORY_INDEX,
    AnyTable,
    PackedTable,
    TableBuilder,
    TableKind,
    TagCategory,
    TagTable,
)

__all__ = [
    "EMBEDDED_SOURCE",
    "TAGS_ENV_VAR",
    "AnyTable",
    "PackedTable",
    "TableKind",
    "TagCategory",
    "TagInfo",
    "TagTable",
    "Vocabulary",
    "builtin_table",
    "canonical",
    "embedded_table",
    "load_vocabulary",
    "vocabulary_paths_from_env",
]

TAGS_ENV_VAR = "AIDXL_PROMPT_TAGS"
"""Environment variable with the vocabulary files to use (``os.pathsep``-separated)."""

EMBEDDED_SOURCE = "danbooru (embedded)"
"""How the embedded Danbooru table is named in :attr:`Vocabulary.sources`."""


class TagInfo(BaseModel):
    """What a vocabulary knows about one tag.

    >>> TagInfo(name="long hair", category=TagCategory.general, post_count=4350743)
    TagInfo(name='long hair', category=<TagCategory.general: 'general'>, post_count=4350743)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    category: TagCategory
    post_count: int = 0


@functools.cache
def builtin_table() -> TagTable:
    """The project's own vocabulary: every card word, curated slot tag and alias
    (read-only: it is shared by every vocabulary in the process).

    >>> table = builtin_table()
    >>> table.position("flat-pasto") is not None, table.alias_of("gray hair")
    (True, 'grey hair')
    """
    columns = TableBuilder()
    general = CATEGORY_INDEX[TagCategory.general]
    for name in (*card_words(), *curated_tags()):
        if name not in columns.index:
            columns.add_tag(name, general, 0)
    raw = load_builtin_yaml("aliases.yaml")  # a few lines
    if not isinstance(raw, dict) or not isinstance(raw.get("aliases"), dict):
        raise DataFileError("aliases.yaml: expected a mapping with 'aliases'")
    for alias, target in raw["aliases"].items():
        if not isinstance(alias, str) or not isinstance(target, str):
            raise DataFileError(f"aliases.yaml: {alias!r}: alias and tag must be strings")
        columns.aliases[normalize_tag(alias)] = normalize_tag(target)
    return columns.table("built-in", "builtin")


@functools.cache
def embedded_table() -> PackedTable:
    """The Danbooru tag table shipped in ``data/vocab`` (read once per process).

    >>> table = embedded_table()
    >>> table.size, table.category_of(table.position("wlop")).value
    (140782, 'artist')
    """
    return PackedTable(
        EMBEDDED_SOURCE,
        read_vocab_file("danbooru_tags.tsv"),
        read_vocab_file("danbooru_aliases.tsv"),
    )


_UNLOOKED = object()
_LOCATED_KEPT = 65536  # names whose place a vocabulary remembers
_LOCATED_LENGTH = 256


class Vocabulary:
    """Tag names with categories, post counts, aliases and implications.

    Tables are layered: a name found in an earlier table wins. :meth:`load` puts the
    given files first, then (unless ``include_embedded=False``) the embedded Danbooru
    table, then (unless ``include_builtin=False``) the built-in table, so the card's
    own words (``amazing quality``, ``flat-pasto``) are known beside any Danbooru list.

    >>> vocab = Vocabulary.builtin()
    >>> vocab.info("Blonde_Hair")
    TagInfo(name='blonde hair', category=<TagCategory.general: 'general'>, post_count=0)
    >>> vocab.category("by wlop") is None
    True
    """

    __slots__ = ("_alias_tables", "_implication_tables", "_located", "_tables")

    def __init__(self, tables: Sequence[AnyTable]) -> None:
        self._tables: tuple[AnyTable, ...] = tuple(tables)
        # Where each name looked up is (tables never change): a linter asks twice.
        self._located: dict[str, tuple[AnyTable, int] | None] = {}
        self._alias_tables = tuple(
            table
            for table in self._tables
            if (table.aliases if isinstance(table, TagTable) else table.aliases_data)
        )
        self._implication_tables = tuple(
            table for table in self._tables if isinstance(table, TagTable) and table.implications
        )

    @property
    def tables(self) -> tuple[AnyTable, ...]:
        """The layers, first wins (read-only: vocabularies are cached and shared)."""
        return self._tables

    @classmethod
    def builtin(cls) -> Vocabulary:
        """The project's own vocabulary only (no post counts, no Danbooru table)."""
        return _builtin_vocabulary()

    @classmethod
    def default(cls) -> Vocabulary:
        """The embedded Danbooru table over the built-in layer: the default everywhere.

        >>> Vocabulary.default().sources
        ('danbooru (embedded)', 'built-in')
        """
        return _default_vocabulary()

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, lenient: bool = False
    ) -> Vocabulary:
        """The files named by ``$AIDXL_PROMPT_TAGS`` in ``environ`` (default
        :data:`os.environ`), layered as :meth:`load` does; with none,
        :meth:`default`. The one library call that reads the environment.

        >>> Vocabulary.from_env({}) is Vocabulary.default()
        True
        """
        paths = vocabulary_paths_from_env(environ)
        return cls.load(*paths, lenient=lenient) if paths else cls.default()

    @classmethod
    def load(
        cls,
        *paths: str | Path,
        lenient: bool = False,
        include_builtin: bool = True,
        include_embedded: bool = True,
    ) -> Vocabulary:
        """Load the given files and layer them over the embedded and built-in tables.

        (See the module docstring for the formats.) A name in a file wins over the
        embedded table; ``include_embedded=False`` leaves the embedded table out, so
        the files replace it. Each file is cached per (path, mtime, size); loading the
        same unchanged files again returns the same Vocabulary.
        """
        if not paths:
            raise DataFileError("no vocabulary file given")
        # The CSV readers load with the first file: a start-up on the embedded table
        # never needs them.
        from ._readers import read_table  # noqa: PLC0415

        tables = tuple(read_table(path, lenient=lenient) for path in paths)
        return _vocabulary_of(tables, include_builtin, include_embedded)

    @property
    def sources(self) -> tuple[str, ...]:
        """The files (or ``built-in``) this vocabulary was read from, in layer order."""
        return tuple(table.source for table in self.tables)

    @property
    def skipped_rows(self) -> int:
        """Malformed rows left out in lenient mode, over all files."""
        return sum(table.skipped_rows for table in self.tables)

    def __len__(self) -> int:
        return sum(table.size for table in self.tables)

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and self.locate(normalize_tag(tag)) is not None

    def __repr__(self) -> str:
        return f"Vocabulary(sources={list(self.sources)!r}, tags={len(self)})"

    def locate(self, name: str) -> tuple[AnyTable, int] | None:
        """The table and position of a canonical name, or None."""
        located = self._located
        found = located.get(name, _UNLOOKED)
        if found is not _UNLOOKED:
            return found  # type: ignore[return-value]
        found = None
        for table in self._tables:
            position = table.position(name)
            if position is not None:
                found = table, position
                break
        if len(name) <= _LOCATED_LENGTH:  # tag-sized names only: never megabytes of text
            if len(located) >= _LOCATED_KEPT:
                located.clear()
            located[name] = found
        return found

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
            post_count=table.count_of(position),
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
        return 0 if found is None else found[0].count_of(found[1])

    def alias_target(self, name: str) -> str | None:
        """The tag that a canonical alias name stands for, or None."""
        for table in self._alias_tables:
            target = table.alias_of(name)
            if target is not None:
                return target
        return None

    def canonical(self, tag: str) -> CanonicalTag:
        """The tag's canonical name, with deprecated aliases resolved (chains followed).

        A name that is itself a tag is never rewritten.

        >>> Vocabulary.builtin().canonical("Gray_Hair")
        'grey hair'
        """
        return self.resolve(normalize_tag(tag))[0]

    def resolve(self, name: CanonicalTag) -> tuple[CanonicalTag, tuple[AnyTable, int] | None]:
        """A canonical name's alias chain followed to its end: that name, and where it
        is (None when the vocabulary does not know it). A cycle leads nowhere: the name
        is kept as written.

        >>> name, found = Vocabulary.builtin().resolve(CanonicalTag("gray hair"))
        >>> name, found is not None
        ('grey hair', True)
        """
        start = name
        seen: set[str] = {name}
        while (found := self.locate(name)) is None:
            target = self.alias_target(name)
            if target is None:
                break
            if target in seen:  # an alias cycle leads nowhere: keep what was written
                return start, None
            seen.add(target)
            name = CanonicalTag(target)
        return name, found

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
            for table in self._implication_tables:
                for target in table.implied_by(current):
                    if target not in seen:
                        seen.add(target)
                        result.append(CanonicalTag(target))
                        queue.append(CanonicalTag(target))
        return tuple(result)


@functools.cache
def _builtin_vocabulary() -> Vocabulary:
    return Vocabulary([builtin_table()])


@functools.cache
def _default_vocabulary() -> Vocabulary:
    return Vocabulary([embedded_table(), builtin_table()])


@functools.lru_cache(maxsize=8)
def _vocabulary_of(
    tables: tuple[TagTable, ...], include_builtin: bool, include_embedded: bool
) -> Vocabulary:
    embedded = (embedded_table(),) if include_embedded else ()
    builtin = (builtin_table(),) if include_builtin else ()
    return Vocabulary((*tables, *embedded, *builtin))


def vocabulary_paths_from_env(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The files named by ``$AIDXL_PROMPT_TAGS`` in ``environ`` (default
    :data:`os.environ`), empty entries ignored.

    >>> vocabulary_paths_from_env({TAGS_ENV_VAR: os.pathsep.join(["a.csv", "", "b.csv"])})
    ('a.csv', 'b.csv')
    """
    value = (os.environ if environ is None else environ).get(TAGS_ENV_VAR, "")
    return tuple(part for part in value.split(os.pathsep) if part.strip())


def load_vocabulary(
    paths: str | Path | Sequence[str | Path] | None = None, *, lenient: bool = False
) -> Vocabulary:
    """The given files, each layered over the embedded Danbooru table; with none,
    :meth:`Vocabulary.default`. The environment is never read here (see
    :meth:`Vocabulary.from_env`).

    >>> load_vocabulary() is Vocabulary.default()
    True
    """
    if paths is None:
        return Vocabulary.default()
    if isinstance(paths, (str, Path)):
        return Vocabulary.load(paths, lenient=lenient)
    return Vocabulary.load(*paths, lenient=lenient)


def canonical(tag: str, vocabulary: Vocabulary | None = None) -> CanonicalTag:
    """The canonical name of ``tag``, with deprecated aliases resolved.

    ``vocabulary`` defaults to :meth:`Vocabulary.default` (the embedded Danbooru table
    and the built-in data).

    >>> canonical("Gray_Hair", Vocabulary.builtin())
    'grey hair'
    >>> canonical(r"bishop_\\(chess\\)", Vocabulary.builtin())
    'bishop (chess)'
    """
    return (vocabulary if vocabulary is not None else Vocabulary.default()).canonical(tag)
