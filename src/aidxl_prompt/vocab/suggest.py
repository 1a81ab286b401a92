"""Typo-tolerant tag suggestions: exact, alias, prefix and fuzzy matches, in that order.

Ranking rules (a fuzzy hit never outranks an exact one):

1. ``exact``: the input, normalised, is a tag;
2. ``alias``: it is an alias of a tag (deprecated or alternative spelling);
3. ``prefix``: tags that start with it, most-used first;
4. ``fuzzy``: tags within a small edit distance (optimal string alignment, so a swap
   of two letters is one edit), nearest first, then most-used first.

Input may use underscores, spaces, any case and A1111 escapes. Fuzzy search looks only
at names that share an unedited head or tail with the input (one edit leaves at least
one half intact), so it checks a few hundred names, not the whole table.

An art style is looked up without the card's ``by``: ``by wlpo`` is matched against the
artists as ``wlpo``, and each hit gets its ``by`` back.

With no vocabulary given, the embedded Danbooru table is used (with post counts):

>>> [(s.tag, s.post_count) for s in suggest("long_hiar")][:1]
[('long hair', 4350743)]
>>> [(s.tag, s.why, s.category.value) for s in suggest("by wlpo", limit=1)]
[('by wlop', 'fuzzy', 'artist')]
>>> suggest("qxzqxzqxz", vocabulary=Vocabulary.builtin())
[]
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
from array import array
from collections.abc import Callable, Iterator
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict

from ..card.words import STYLE_PREFIX
from ..syntax.normalize import normalize_tag
from .vocabulary import TagCategory, TagTable, Vocabulary

__all__ = ["MatchKind", "Suggestion", "max_edits", "suggest"]

MatchKind = Literal["exact", "alias", "prefix", "fuzzy"]

_KIND_RANK: dict[MatchKind, int] = {"exact": 0, "alias": 1, "prefix": 2, "fuzzy": 3}

# A prefix hit must be at least this long: one or two letters match too much to help.
MIN_PREFIX_LENGTH = 3


class Suggestion(BaseModel):
    """One suggested tag, with why it was suggested.

    ``score`` is 100 for exact and alias hits; for prefix and fuzzy hits it is the
    normalised similarity of input and tag (0-100).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tag: str
    score: float
    post_count: int
    why: MatchKind
    category: TagCategory


def max_edits(length: int) -> int:
    """How many edits a fuzzy hit may be from an input of ``length`` characters.

    >>> [max_edits(n) for n in (3, 4, 5, 9, 12, 20)]
    [0, 1, 1, 2, 2, 3]
    """
    if length < 4:
        return 0
    if length < 8:
        return 1
    if length < 16:
        return 2
    return 3


class _Index:
    """Sorted views of one table's names (as positions, to keep memory low).

    Each view is built the first time a search needs it: a prefix search needs only
    ``forward``, which a table kept in name order (the embedded one) has for free.
    """

    def __init__(self, table: TagTable) -> None:
        self.table = table

    @functools.cached_property
    def forward(self) -> array[int]:
        """Positions, sorted by name."""
        names = self.table.names
        if self.table.kind == "embedded":  # packed in name order
            return array("i", range(len(names)))
        # The index's values are the positions 0..n-1 as int objects that already exist;
        # sorting them (not a fresh range) keeps 140k new ints out of the peak memory.
        return array("i", sorted(self.table.index.values(), key=names.__getitem__))

    @functools.cached_property
    def backward(self) -> array[int]:
        """Positions, sorted by the reversed name."""
        names = self.table.names
        # Sorting by the reversed names one final-two-letters group at a time keeps the
        # reversed copies few at any moment.
        groups: dict[str, list[int]] = {}
        for name, position in self.table.index.items():
            groups.setdefault(name[-2:][::-1], []).append(position)
        backward = array("i")
        for key in sorted(groups):
            backward.extend(sorted(groups.pop(key), key=lambda position: names[position][::-1]))
        return backward

    @functools.cached_property
    def by_count(self) -> array[int]:
        """Positions, most-used first."""
        counts = self.table.counts
        return array("i", sorted(self.table.index.values(), key=counts.__getitem__, reverse=True))

    @functools.cached_property
    def alphabet(self) -> str:
        """Every character that occurs in a name."""
        return "".join(sorted(set("".join(self.table.names))))


@functools.lru_cache(maxsize=8)
def _index(table: TagTable) -> _Index:
    return _Index(table)


def _range(positions: array[int], prefix: str, key: Callable[[int], str]) -> tuple[int, int]:
    low = bisect.bisect_left(positions, prefix, key=key)
    high = bisect.bisect_left(positions, prefix + "\U0010ffff", lo=low, key=key)
    return low, high


Accept = Callable[[str], bool]
"""Which names may be suggested (all, or only artists for a ``by`` query)."""


def _any_name(name: str) -> bool:
    del name
    return True


def _prefix_hits(vocabulary: Vocabulary, query: str, limit: int, accept: Accept) -> list[str]:
    """Up to ``limit`` accepted names starting with ``query``, most-used first."""
    found: list[str] = []
    for layer in vocabulary.tables:
        table = layer.unpacked()
        index = _index(table)
        names = table.names
        low, high = _range(index.forward, query, names.__getitem__)
        if high - low <= 2000:
            found.extend(names[position] for position in index.forward[low:high])
        else:  # a short, common prefix: walk the most-used names instead
            hits = (
                names[p] for p in index.by_count if names[p].startswith(query) and accept(names[p])
            )
            found.extend(itertools.islice(hits, limit + 1))
    found = [name for name in dict.fromkeys(found) if name != query and accept(name)]
    return heapq.nlargest(limit, found, key=vocabulary.post_count)


def _one_edit(query: str, alphabet: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from ``query``."""
    splits = [(query[:i], query[i:]) for i in range(len(query) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits.update(left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1)
    edits.update(left + c + right[1:] for left, right in splits if right for c in alphabet)
    edits.update(left + c + right for left, right in splits for c in alphabet)
    edits.discard(query)
    return edits


def _candidates(table: TagTable, query: str) -> Iterator[str]:
    """Names that may be within :func:`max_edits` of ``query`` (long queries).

    With one edit at position p, either the first p characters or everything after
    p + 2 is unchanged; one of the two is at least (len - 3) // 2 long. For more
    edits the same split still finds most names.
    """
    index = _index(table)
    names = table.names
    keep = max(2, (len(query) - 3) // 2)
    low, high = _range(index.forward, query[:keep], names.__getitem__)
    yield from (names[position] for position in index.forward[low:high])
    low, high = _range(index.backward, query[::-1][:keep], lambda position: names[position][::-1])
    yield from (names[position] for position in index.backward[low:high])


def _fuzzy_hits(
    vocabulary: Vocabulary, query: str, limit: int, accept: Accept
) -> list[tuple[str, int]]:
    """(name, edits) of the nearest accepted names, nearest first, then most-used first."""
    allowed = max_edits(len(query))
    if allowed == 0:
        return []
    best: dict[str, int] = {}
    for layer in vocabulary.tables:
        table = layer.unpacked()
        if allowed == 1:  # short input: try every one-edit spelling (a few hundred)
            index = table.index
            alphabet = _index(table).alphabet
            best.update((name, 1) for name in _one_edit(query, alphabet) if name in index)
            continue
        choices = list(dict.fromkeys(_candidates(table, query)))
        # (imported here: a lint of known tags never asks, and the import is 25 ms)
        from rapidfuzz import process  # noqa: PLC0415
        from rapidfuzz.distance import OSA  # noqa: PLC0415

        for name, edits, _ in process.extract(
            query, choices, scorer=OSA.distance, score_cutoff=allowed, limit=None
        ):
            if name not in best or edits < best[name]:
                best[name] = int(edits)
    best.pop(query, None)
    accepted = [item for item in best.items() if accept(item[0])]
    ranked = sorted(accepted, key=lambda item: (item[1], -vocabulary.post_count(item[0])))
    return ranked[:limit]


def _suggestion(
    vocabulary: Vocabulary, name: str, why: MatchKind, query: str, prefix: str
) -> Suggestion:
    found = vocabulary.locate(name)
    category = TagCategory.general if found is None else found[0].category_of(found[1])
    count = 0 if found is None else found[0].count_of(found[1])
    tag = prefix + name
    # Exact and alias hits score 100; others by their likeness to what was written.
    score = 100.0 if why in ("exact", "alias") else 100.0 * _likeness(query, tag)
    return Suggestion(tag=tag, score=round(score, 1), post_count=count, why=why, category=category)


def _likeness(query: str, tag: str) -> float:
    """The normalised optimal-string-alignment similarity of the two (0 to 1)."""
    from rapidfuzz.distance import OSA  # noqa: PLC0415 (see _nearest)

    return float(OSA.normalized_similarity(query, tag))


def _is_artist(vocabulary: Vocabulary) -> Accept:
    return lambda name: vocabulary.category(name) is TagCategory.artist


def suggest(text: str, limit: int = 5, vocabulary: Vocabulary | None = None) -> list[Suggestion]:
    """Tags the user may have meant by ``text``, best first (at most ``limit``).

    ``vocabulary`` defaults to :meth:`~aidxl_prompt.vocab.vocabulary.Vocabulary.default` (the
    embedded Danbooru table and the built-in data). A ``by <artist>`` that is not itself
    a tag is looked up among the artists without its ``by``, which each hit gets back.

    >>> vocab = Vocabulary.builtin()
    >>> [(s.tag, s.why) for s in suggest("Twin_Tails", vocabulary=vocab)][:1]
    [('twintails', 'alias')]
    >>> suggest("twintails", limit=1, vocabulary=vocab)[0].why
    'exact'
    >>> [(s.tag, s.why) for s in suggest("By_WLOP", limit=1)]
    [('by wlop', 'exact')]
    """
    vocab = vocabulary if vocabulary is not None else Vocabulary.default()
    query = normalize_tag(text)
    if not query or limit <= 0:
        return []
    prefix, accept = _artist_query(vocab, query)
    name_query = query[len(prefix) :]
    results: dict[str, Suggestion] = {}
    for name, why in _hits(vocab, name_query, limit, accept):
        if name not in results:
            results[name] = _suggestion(vocab, name, why, query, prefix)
    ranked = sorted(results.values(), key=lambda s: _KIND_RANK[s.why])
    return ranked[:limit]


def _artist_query(vocabulary: Vocabulary, query: str) -> tuple[str, Accept]:
    """``("by ", artists only)`` for a ``by <artist>`` that is not itself a tag, else
    ``("", any name)``."""
    if (
        query.startswith(STYLE_PREFIX)
        and len(query) > len(STYLE_PREFIX)
        and vocabulary.locate(query) is None
        and vocabulary.alias_target(query) is None
    ):
        return STYLE_PREFIX, _is_artist(vocabulary)
    return "", cast("Accept", _any_name)


def _hits(
    vocabulary: Vocabulary, query: str, limit: int, accept: Accept
) -> Iterator[tuple[str, MatchKind]]:
    """Accepted names for ``query`` in rank order (exact, alias, prefix, fuzzy); the
    slower searches run only while fewer than ``limit`` names are found."""
    found: set[str] = set()
    if vocabulary.locate(query) is not None and accept(query):
        found.add(query)
        yield query, "exact"
    target = vocabulary.alias_target(query)
    if target is not None and accept(vocabulary.canonical(target)):
        found.add(vocabulary.canonical(target))
        yield vocabulary.canonical(target), "alias"
    if len(found) < limit and len(query) >= MIN_PREFIX_LENGTH:
        prefixed = _prefix_hits(vocabulary, query, limit, accept)
        found.update(prefixed)
        yield from ((name, "prefix") for name in prefixed)
    if len(found) < limit:
        yield from ((name, "fuzzy") for name, _ in _fuzzy_hits(vocabulary, query, limit, accept))
