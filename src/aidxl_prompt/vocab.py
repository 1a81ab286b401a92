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

import functools
import os
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ._data import load_builtin_yaml
from ._slot_rules import curated_tags
from ._tables import CATEGORY_INDEX, TableKind, TagCategory, TagTable, read_table
from .card import PaintingStyle, Quality, aesthetic_examples
from .errors import DataFileError
from .normalize import CanonicalTag, kaomoji_names, normalize_tag

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


class TagInfo(BaseModel):
    """What a vocabulary knows about one tag.

    >>> TagInfo(name="long hair", category=TagCategory.general, post_count=4350743)
    TagInfo(name='long hair', category=<TagCategory.general: 'general'>, post_count=4350743)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    category: TagCategory
    post_count: int = 0


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
    names = [*card_words(), *curated_tags()]
    table = TagTable(source="built-in", kind="builtin")
    for name in names:
        if name in table.index:
            continue
        table.index[name] = len(table.names)
        table.names.append(name)
        table.counts.append(0)
        table.categories.append(CATEGORY_INDEX[TagCategory.general])
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
