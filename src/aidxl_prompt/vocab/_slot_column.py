"""The slot of every name of the embedded Danbooru table, worked out in advance.

:func:`~aidxl_prompt.vocab.classify.classify` weighs its rules in order (the card's
forms, the vocabulary's category, the curated lists, the patterns). For the default
vocabulary the answer for each of its 140,782 tags and 30,074 aliases is fixed by the
package's own data, so ``scripts/build_slot_tables.py`` runs the rules once over every
name and writes the answers to :data:`SLOT_COLUMN_FILE`; classifying a Danbooru name
is then one search in the packed table and one character read. Any other vocabulary,
and text the table does not hold, goes through the rules. ``tests/test_slot_tables.py``
runs the rules over every name again and compares.

The file is UTF-8 text:

* one line per answer, ``slot<TAB>rule<TAB>meta<TAB>prefix`` (``meta`` is ``1`` for a
  tag kept out of prompts; ``prefix`` is what the prompt writes before the name:
  ``by `` for an artist); the first line is answer 0, written ``!`` below;
* an empty line;
* one line of one character per line of ``danbooru_tags.tsv``, in its order: the
  answer of that tag (answer ``k`` is the character :func:`code_char` gives);
* one such line for ``danbooru_aliases.tsv``;
* for each of the two files, one line of the numbers of the lines its
  :class:`~aidxl_prompt.vocab._tables.LineIndex` samples, space-separated (so that no
  process counts the 3.9 MB of lines to turn a found line into its number);
* the :data:`HOT_NAMES` most-used tags (by post count), tab-separated, in table order,
  and one line of their answers' characters: read into a dict once a process has
  searched for a few hundred names (a batch; one prompt from the command line never
  pays for it), so that the names most prompts are made of are then answered without
  a search.

>>> answer = lookup("wlop")
>>> answer.slot.value, answer.rule, answer.prefix
('art_style', 'artist-category', 'by ')
>>> lookup("qwzx") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from .._data import read_vocab_file
from ..errors import DataFileError
from ..model.ordering import Slot
from ._tables import LineIndex
from .vocabulary import Vocabulary, embedded_table

__all__ = [
    "HOT_NAMES",
    "SLOT_COLUMN_FILE",
    "ColumnAnswer",
    "code_char",
    "known_tag",
    "lookup",
    "precomputed",
    "tag_answer",
]

SLOT_COLUMN_FILE = "danbooru_slots.txt"
"""The precomputed classification of the embedded table's names (in ``data/vocab``)."""


class ColumnAnswer(NamedTuple):
    """What the rules give one name: its slot, the rule's name, whether it is kept out
    of prompts, and what is written before the name (``by `` for an artist)."""

    slot: Slot
    rule: str
    meta: bool
    prefix: str


_PRINTABLE = 0x7F - 0x21  # '!' to '~'


def code_char(number: int) -> str:
    """The character that stands for answer ``number`` in the columns: printable ASCII
    first, then Latin-1 letters and on (never a tab, newline or control character).

    >>> code_char(0), code_char(93), code_char(94)
    ('!', '~', '¡')
    """
    return chr(0x21 + number) if number < _PRINTABLE else chr(0xA1 + number - _PRINTABLE)


HOT_NAMES = 8192
"""How many of the embedded table's most-used tags the column answers from a dict."""


class _Column(NamedTuple):
    answers: dict[str, ColumnAnswer]
    tags: str
    aliases: str
    tag_samples: list[int]
    alias_samples: list[int]
    hot_names: str  # tab-separated (split when the hot names are read)
    hot_codes: str


# The most-used tags' answers, once filled (see _searched): until then every name is
# searched for. Filled once, with the answers of the column read: a reader in another
# thread finds a name or does not, and searches the table when it does not.
_HOT: dict[str, ColumnAnswer] = {}
# How many of the hot names are checked against the table when the column is read.
_HOT_CHECKED = 8
# Searches after which the hot names are read into _HOT (about 2 ms).
_SEARCHES_BEFORE_HOT = 256
_searches = 0


@functools.cache
def _column() -> _Column:
    """The column file, read on the first name the embedded table holds."""
    text = read_vocab_file(SLOT_COLUMN_FILE).decode("utf-8")
    head, _, columns = text.partition("\n\n")
    try:
        tags, aliases, tag_line, alias_line, hot_names, hot_codes, rest = columns.split("\n")
        answers: dict[str, ColumnAnswer] = {}
        for number, line in enumerate(head.split("\n")):
            slot, rule, meta, prefix = line.split("\t")
            answers[code_char(number)] = ColumnAnswer(Slot(slot), rule, meta == "1", prefix)
        tag_samples = [int(number) for number in tag_line.split()]
        alias_samples = [int(number) for number in alias_line.split()]
    except ValueError as exc:
        raise DataFileError(f"{SLOT_COLUMN_FILE}: not a slot column file ({exc})") from None
    table = embedded_table()
    if (
        rest
        or not table.tag_index().fits(tag_samples, len(tags))
        or not table.alias_index().fits(alias_samples, len(aliases))
        or not _only(answers, tags + aliases + hot_codes)
    ):
        raise _unfit()
    return _Column(answers, tags, aliases, tag_samples, alias_samples, hot_names, hot_codes)


def _unfit() -> DataFileError:
    return DataFileError(
        f"{SLOT_COLUMN_FILE}: its columns do not match the packed table "
        "(run scripts/build_slot_tables.py)"
    )


def _searched() -> None:
    """Count one tag found by searching the table; at the
    :data:`_SEARCHES_BEFORE_HOT`-th, read the hot names into :data:`_HOT`."""
    global _searches  # noqa: PLW0603 (a process-wide count, as the column is process-wide)
    _searches += 1
    if _searches == _SEARCHES_BEFORE_HOT:
        column = _column()
        names = column.hot_names.split("\t") if column.hot_names else []
        if len(names) != len(column.hot_codes) or not _hot_fits(column, names):
            raise _unfit()
        _HOT.update(zip(names, map(column.answers.__getitem__, column.hot_codes), strict=True))


def _hot_fits(column: _Column, names: list[str]) -> bool:
    """Whether a few of the hot names, spread over them, are tags of the table with the
    answers the column gives them (a column built for another table fails)."""
    for index in range(0, len(names), max(1, len(names) // _HOT_CHECKED)):
        position = _tag_position(names[index])
        if position is None or _code_at(column, position) != column.hot_codes[index]:
            return False
    return True


def _tag_position(text: str) -> tuple[LineIndex, int, int] | None:
    """The tags' line index, the sample before the line of tag ``text`` and the line's
    offset; None when the table holds no such tag."""
    lines = embedded_table().tag_index()
    sample, offset = lines.search(text.encode("utf-8", "surrogatepass"))
    return None if offset < 0 else (lines, sample, offset)


def _code_at(column: _Column, position: tuple[LineIndex, int, int]) -> str:
    """The column's character for the tag line at ``position`` (see _tag_position)."""
    lines, sample, offset = position
    return column.tags[lines.line_number(sample, offset, column.tag_samples)]


def _only(codes: Iterable[str], text: str) -> bool:
    """Whether ``text`` holds no character but ``codes`` (one scan, in C)."""
    return re.fullmatch(f"[{re.escape(''.join(codes))}]*", text) is not None


def precomputed(text: str, vocabulary: Vocabulary) -> ColumnAnswer | None:
    """What the rules give canonical ``text`` in ``vocabulary``, when that is the
    default vocabulary and ``text`` one of its Danbooru names; else None, and the caller
    asks the rules, which give the same answer."""
    return lookup(text) if _answerable(text, vocabulary) else None


def known_tag(text: str, vocabulary: Vocabulary) -> ColumnAnswer | None:
    """What the rules give canonical ``text`` when ``vocabulary`` is the default one and
    its embedded table holds ``text`` as a tag (not an alias); else None."""
    return tag_answer(text) if _answerable(text, vocabulary) else None


def _answerable(text: str, vocabulary: Vocabulary) -> bool:
    """Whether the column may answer for ``text``: the default vocabulary, and no tab or
    newline in the text (which would match across the packed fields)."""
    return vocabulary is Vocabulary.default() and "\t" not in text and "\n" not in text


def tag_answer(text: str) -> ColumnAnswer | None:
    """The column's answer for canonical ``text`` when the embedded table holds it as a
    tag (not as an alias), else None (no tab or newline in ``text``).

    >>> tag_answer("long hair").slot.value, tag_answer("longhair")
    ('main_characteristics', None)
    """
    hot = _HOT.get(text)
    if hot is not None:
        return hot
    position = _tag_position(text)
    if position is None:
        return None
    column = _column()
    _searched()
    return column.answers[_code_at(column, position)]


def lookup(text: str) -> ColumnAnswer | None:
    """The column's answer for canonical ``text`` (no tab or newline in it), or None
    when the embedded table holds no such name.

    The name is searched for first: the column is read (about 3 ms, once) only when a
    name is found, so a process that meets only text no table holds never reads it,
    and one that does reads it instead of reading the rules' patterns (about 12 ms).
    """
    found = tag_answer(text)
    if found is not None:
        return found
    name = text.encode("utf-8", "surrogatepass")
    lines = embedded_table().alias_index()
    sample, offset = lines.search(name)
    if offset < 0:
        return None
    column = _column()
    line = lines.line_number(sample, offset, column.alias_samples)
    return column.answers[column.aliases[line]]
