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

__all__ = ["IMPLICATIONS_FILE", "direct_implications", "implied_tags"]

IMPLICATIONS_FILE = "danbooru_implications.tsv"
"""The packed implication table in ``data/vocab``."""

_FIELD = b"\t"
_LINE = b"\n"


@functools.cache
def _packed() -> tuple[bytes, tuple[int, ...]]:
    """The packed text and the offset of each of its lines (built once per process)."""
    data = read_vocab_file(IMPLICATIONS_FILE)
    starts = [0]
    position = data.find(_LINE)
    while position != -1 and position + 1 < len(data):
        starts.append(position + 1)
        position = data.find(_LINE, position + 1)
    return data, tuple(starts)


def direct_implications(tag: str) -> tuple[str, ...]:
    """The tags a canonical name implies directly on Danbooru, sorted (or ``()``)."""
    data, starts = _packed()
    key = tag.encode("utf-8", "surrogatepass")
    low, high = 0, len(starts)
    while low < high:  # the first line whose name is not below ``key``
        middle = (low + high) // 2
        start = starts[middle]
        if data[start : data.index(_FIELD, start)] < key:
            low = middle + 1
        else:
            high = middle
    if low == len(starts):
        return ()
    start = starts[low]
    end = data.index(_LINE, start)
    fields = data[start:end].decode("utf-8").split("\t")
    return tuple(fields[1:]) if fields[0] == tag else ()


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
