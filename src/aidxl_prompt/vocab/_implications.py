"""Danbooru's tag implications, packed: which tags another tag already says.

``very long hair`` implies ``long hair`` on Danbooru: a post tagged with the first is
always tagged with the second. The embedded table (``data/vocab/danbooru_implications.tsv``,
built by ``scripts/build_implications.py`` from the 2025-05-01 Danbooru dump, active
rows only) has one line per tag, ``tag<TAB>implied<TAB>...``, sorted by UTF-8 bytes;
it is read once and searched in place by binary search, as the packed tag table is.

>>> direct_implications("very long hair")
('long hair',)
>>> implied_tags("absurdly long hair")
('very long hair', 'long hair')
>>> implied_tags("long hair")
()
"""

from __future__ import annotations

import functools

from .._data import read_vocab_file
from ._tables import LineIndex

__all__ = ["IMPLICATIONS_FILE", "direct_implications", "implied_tags"]

IMPLICATIONS_FILE = "danbooru_implications.tsv"
"""The packed implication table in ``data/vocab``."""

_LINE = b"\n"


@functools.cache
def _packed() -> tuple[bytes, LineIndex]:
    """The packed text and its line index (built once per process)."""
    data = read_vocab_file(IMPLICATIONS_FILE)
    return data, LineIndex(data)


def direct_implications(tag: str) -> tuple[str, ...]:
    """The tags a canonical name implies directly on Danbooru, sorted (or ``()``)."""
    data, lines = _packed()
    if "\t" in tag or "\n" in tag:  # a tab or newline would match across fields
        return ()
    start = lines.find(tag.encode("utf-8", "surrogatepass"))
    if start is None:
        return ()
    fields = data[start : data.index(_LINE, start)].decode("utf-8").split("\t")
    return tuple(fields[1:])


@functools.lru_cache(maxsize=65536)
def implied_tags(tag: str) -> tuple[str, ...]:
    """Every tag a canonical name implies, transitively, nearest first (memoised)."""
    found: list[str] = []
    seen = {tag}
    queue = [tag]
    while queue:
        current = queue.pop(0)
        for target in direct_implications(current):
            if target not in seen:
                seen.add(target)
                found.append(target)
                queue.append(target)
    return tuple(found)
