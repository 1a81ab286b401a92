"""Slot patterns answered by word lookups, not by compiled regular expressions.

A rule of ``patterns.yaml`` is a regular expression, and most of its alternatives have
one shape: a list of words, alone or after ``(?:.+ )?`` (any words before it) or
``.+ `` (at least one word before it), as in ``(?:.+ )?(?:skirt|dress|...)``.
Compiling those long alternations is what made a rule cost milliseconds, and
answering them needs no regular expression: the text, or one of its word tails, is
in a set of words. :class:`FirstRule` keeps the words of all the rules in two tables
(a word -> the first rule that holds it), so the first rule a text matches costs a
few lookups.

What is left of a rule (``holding .+``, ``(?:{tone} )?{color} hair``) is tried only
when a quick test allows it: a text that ends with none of the words of its last
part, or begins with none of its first part, cannot match. It is then matched by
walking its parts over the text (:meth:`_Seq.ends`). Only a short alternative that
has no such test, or syntax outside the small part read here (literals, escapes,
``(?:...)`` groups, ``|``, ``?``, ``.+`` and ``{set}``), such as a character class, is
left to a regular expression, compiled the first time it is needed. A test holds
every answer equal to the rules' own expressions over the whole Danbooru table.

>>> rule = word_rule(r"(?:.+ )?(?:skirt|dress)|.+ \\(medium\\)|holding .+")
>>> sorted(rule.whole), sorted(rule.tails), len(rule.left)
(['dress', 'skirt'], ['(medium)', 'dress', 'skirt'], 1)
>>> first = FirstRule([rule])
>>> [first.index(text) for text in ("pleated skirt", "oil (medium)", "holding a cup", "cup")]
[0, 0, 0, None]
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeAlias

__all__ = ["FirstRule", "WordRule", "WordTableError", "expanded", "word_rule", "word_tails"]

# A word list of more spellings than this is walked, not listed (a product of lists,
# such as "<tone> <colour> and <colour> hair", would make a set of thousands).
MAX_WORDS = 2048

_Ends: TypeAlias = "set[int]"

# --- the syntax tree -------------------------------------------------------------------
#
# Each node says which texts it matches (``words``: all of them, when they are few;
# else None), where in a text it can end when it starts at some positions (``ends``),
# and how a regular expression writes it (``regex``).


class _Lit(NamedTuple):
    text: str

    def words(self) -> frozenset[str] | None:
        return frozenset((self.text,))

    def ends(self, text: str, starts: _Ends) -> _Ends:
        size = len(self.text)
        return {start + size for start in starts if text.startswith(self.text, start)}

    def regex(self) -> str:
        return re.escape(self.text)


class _Words(NamedTuple):
    """``{name}`` or ``(?:word|word|...)``: any of these words."""

    members: frozenset[str]
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, members: frozenset[str]) -> _Words:
        return cls(members, tuple(sorted({len(word) for word in members})))

    def words(self) -> frozenset[str] | None:
        return self.members

    def ends(self, text: str, starts: _Ends) -> _Ends:
        members = self.members
        return {
            start + size
            for start in starts
            for size in self.sizes
            if text[start : start + size] in members
        }

    def regex(self) -> str:  # longest first, so "light blue" is tried before "blue"
        ordered = sorted(self.members, key=lambda word: (-len(word), word))
        return "(?:" + "|".join(re.escape(word) for word in ordered) + ")"


class _AnyText(NamedTuple):
    """``.+``: one or more characters (none is a newline: texts hold none)."""

    def words(self) -> frozenset[str] | None:
        return None

    def ends(self, text: str, starts: _Ends) -> _Ends:
        return set(range(min(starts) + 1, len(text) + 1)) if starts else set()

    def regex(self) -> str:
        return ".+"


class _Other(NamedTuple):
    """Regex syntax not read here (a character class, a repeat), kept as written."""

    written: str

    def words(self) -> frozenset[str] | None:
        return None

    def ends(self, text: str, starts: _Ends) -> _Ends:
        raise NotImplementedError  # an alternative holding one is a regular expression

    def regex(self) -> str:
        return self.written


class _Opt(NamedTuple):
    item: _Item

    def words(self) -> frozenset[str] | None:
        inner = self.item.words()
        return None if inner is None else inner | {""}

    def ends(self, text: str, starts: _Ends) -> _Ends:
        return starts | self.item.ends(text, starts)

    def regex(self) -> str:
        return f"(?:{self.item.regex()})?"


class _Alt(NamedTuple):
    options: tuple[_Seq, ...]

    def words(self) -> frozenset[str] | None:
        options = [option.words() for option in self.options]
        present = [words for words in options if words is not None]
        if len(present) != len(options):
            return None
        found = frozenset().union(*present)
        return found if len(found) <= MAX_WORDS else None

    def ends(self, text: str, starts: _Ends) -> _Ends:
        return set().union(*(option.ends(text, starts) for option in self.options))

    def regex(self) -> str:
        return "(?:" + "|".join(option.regex() for option in self.options) + ")"


class _Seq(NamedTuple):
    items: tuple[_Item, ...]

    def words(self) -> frozenset[str] | None:
        found = frozenset(("",))
        for item in self.items:
            words = item.words()
            if words is None or len(found) * len(words) > MAX_WORDS:
                return None
            found = frozenset(head + tail for head, tail in itertools.product(found, words))
        return found

    def ends(self, text: str, starts: _Ends) -> _Ends:
        for item in self.items:
            if not starts:
                break
            starts = item.ends(text, starts)
        return starts

    def regex(self) -> str:
        return "".join(item.regex() for item in self.items)


def _walkable(item: _Item | _Seq) -> bool:
    """Whether every part of ``item`` can be walked (no :class:`_Other` in it)."""
    if isinstance(item, _Opt):
        return _walkable(item.item)
    if isinstance(item, _Alt):
        return all(_walkable(option) for option in item.options)
    if isinstance(item, _Seq):
        return all(_walkable(part) for part in item.items)
    return not isinstance(item, _Other)


_Item: TypeAlias = "_Lit | _Words | _AnyText | _Other | _Opt | _Alt"


class _UnreadableError(Exception):
    """The expression is outside the part of the syntax read here."""


# --- reading an expression ---------------------------------------------------------------

# The tokens of the syntax read here; anything else (``*``, ``+`` after a literal, ``^``,
# ``\\d``, a lookahead) makes the whole expression unreadable.
_PLAIN = r"[^\\()|?*+{}.\[\]^$]+"  # characters that stand for themselves


@functools.cache
def _tokens() -> re.Pattern[str]:
    return re.compile(
        rf"(?P<list>\(\?:{_PLAIN}(?:\|{_PLAIN})+\))"  # (?:word|word|...): a word list
        r"|(?P<open>\(\?:)|(?P<close>\))|(?P<bar>\|)|(?P<any>\.\+)|(?P<set>\{[a-z_]+\})"
        r"|(?P<klass>\[\]?[^\]\\]*\](?:\{\d*,?\d*\}|[*+?])?)|(?P<opt>\?)"
        rf"|(?P<escape>\\[^0-9A-Za-z])|(?P<text>{_PLAIN})|(?P<other>.)",
        re.DOTALL,
    )


class _Reader:
    """A recursive-descent reader of the tokens (``alternation := sequence ('|'
    sequence)*``); ``{name}`` stands for the words of that set."""

    def __init__(self, pattern: str, sets: Mapping[str, frozenset[str]]) -> None:
        found = [(str(token.lastgroup), token.group()) for token in _tokens().finditer(pattern)]
        self.kinds = [kind for kind, _ in found] + ["end"]
        self.texts = [text for _, text in found]
        self.at = 0
        self.sets = sets

    def alternation(self) -> _Alt:
        options = [self.sequence()]
        while self.kinds[self.at] == "bar":
            self.at += 1
            options.append(self.sequence())
        return _Alt(tuple(options))

    def sequence(self) -> _Seq:
        items: list[_Item] = []
        while self.kinds[self.at] not in ("bar", "close", "end"):
            items.extend(self.atom())
        return _Seq(_merged(items))

    def atom(self) -> list[_Item]:
        """The next atom and its ``?`` (of a literal run, the ``?`` takes the last letter)."""
        kind, text = self.kinds[self.at], self.texts[self.at]
        self.at += 1
        items: list[_Item]
        if kind == "open":
            items = [self.alternation()]
            if self.kinds[self.at] != "close":
                raise _UnreadableError
            self.at += 1
        elif kind in ("text", "escape"):
            text = text[-1] if kind == "escape" else text
            items = [_Lit(text[:-1]), _Lit(text[-1])] if len(text) > 1 else [_Lit(text)]
        else:
            items = [self.single(kind, text)]
        if self.kinds[self.at] == "opt":
            self.at += 1
            items[-1] = _Opt(items[-1])
        return items

    def single(self, kind: str, text: str) -> _Item:
        if kind == "list":  # (?:word|word|...), the common case, in one step
            return _Words.of(frozenset(text[3:-1].split("|")))
        if kind == "set" and text[1:-1] in self.sets:
            return _Words.of(self.sets[text[1:-1]])
        if kind == "any":
            return _AnyText()
        if kind == "klass":
            return _Other(text)
        raise _UnreadableError  # an unknown set, a '?' after nothing, ...


def _merged(items: list[_Item]) -> tuple[_Item, ...]:
    """Adjacent literals as one."""
    merged: list[_Item] = []
    for item in items:
        if isinstance(item, _Lit) and merged and isinstance(merged[-1], _Lit):
            merged[-1] = _Lit(merged[-1].text + item.text)
        else:
            merged.append(item)
    return tuple(merged)


def _read(pattern: str, sets: Mapping[str, frozenset[str]]) -> _Alt:
    reader = _Reader(pattern, sets)
    found = reader.alternation()
    if reader.kinds[reader.at] != "end":
        raise _UnreadableError  # an unbalanced ')'
    return found


_SET_REFERENCE = re.compile(r"\{([a-z_]+)\}")


def expanded(pattern: str, sets: Mapping[str, frozenset[str]]) -> str:
    """``pattern`` with each ``{name}`` of ``sets`` written out as a regex alternation
    (longest word first, so ``light blue`` is tried before ``blue``).

    >>> expanded("{tone} hair", {"tone": frozenset({"dark", "light blue"})})
    '(?:light\\\\ blue|dark) hair'
    """

    def words(found: re.Match[str]) -> str:
        name = found.group(1)
        return _Words.of(sets[name]).regex() if name in sets else found.group()

    return _SET_REFERENCE.sub(words, pattern)


# --- a rule as word sets and what is left ------------------------------------------------


def word_tails(text: str) -> list[str]:
    """What follows each space that has text before it: the texts ``.+ `` leaves.

    >>> word_tails("a pleated skirt")
    ['pleated skirt', 'skirt']
    """
    tails = []
    space = text.find(" ", 1)
    while space != -1:
        tails.append(text[space + 1 :])
        space = text.find(" ", space + 1)
    return tails


@dataclass
class _Left:
    """An alternative left over, tried only when ``guard`` allows. A guarded one is
    answered by walking its parts: few texts get past its guard, and it compiles
    nothing. One every text must try (no guard, such as ``(?:.+ )?scar(?: .+)?``), or
    holding syntax not read here, is a regular expression: all of those are short."""

    parts: _Seq | str  # the parts, or (the rule unread) its whole expression
    guard: Callable[[str], bool]
    compile: Callable[[str], re.Pattern[str]]

    def matches(self, text: str) -> bool:
        if not self.guard(text):
            return False
        if self.walk is not None:
            return len(text) in self.walk.ends(text, {0})
        return self.pattern.fullmatch(text) is not None

    @functools.cached_property
    def walk(self) -> _Seq | None:
        parts = self.parts
        walk = isinstance(parts, _Seq) and self.guard is not _any and _walkable(parts)
        return parts if walk and isinstance(parts, _Seq) else None

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = self.parts
        return self.compile(parts if isinstance(parts, str) else parts.regex())


@dataclass(frozen=True)
class WordRule:
    """A rule read into word sets: it matches a text that is in ``whole``, or one of
    whose word tails (:func:`word_tails`) is in ``tails``, or that one of ``left``
    matches."""

    whole: frozenset[str]
    tails: frozenset[str]
    left: tuple[_Left, ...]


def word_rule(
    pattern: str,
    sets: Mapping[str, frozenset[str]] | None = None,
    compile_pattern: Callable[[str], re.Pattern[str]] = re.compile,
) -> WordRule:
    """``pattern`` as word sets and the alternatives left (a regular expression among
    them compiled by ``compile_pattern`` when first needed); ``{name}`` in it stands
    for any word of ``sets[name]``. An expression not read here is left whole."""
    whole: set[str] = set()
    tails: set[str] = set()
    left: list[_Left] = []
    try:
        alternatives = _alternatives(_read(pattern, sets or {}))
    except _UnreadableError:
        unread = _Left(expanded(pattern, sets or {}), _any, compile_pattern)
        return WordRule(frozenset(), frozenset(), (unread,))
    for alternative in alternatives:
        kind, words, rest = _answer(alternative)
        if kind != "must" and words is not None:
            whole |= words
        if kind != "never" and words is not None:
            tails |= words
        if rest is not None:
            left.append(_Left(rest, _guard(rest), compile_pattern))
    return WordRule(frozenset(whole), frozenset(tails), tuple(left))


def _alternatives(alternation: _Alt) -> list[_Seq]:
    """The top-level alternatives, with a group that is a whole alternative opened."""
    found: list[_Seq] = []
    for option in alternation.options:
        if len(option.items) == 1 and isinstance(option.items[0], _Alt):
            found.extend(_alternatives(option.items[0]))
        else:
            found.append(option)
    return found


_Answer: TypeAlias = "tuple[str, frozenset[str] | None, _Seq | None]"


def _answer(alternative: _Seq) -> _Answer:
    """How an alternative is answered: ``(kind, words, rest)``. ``kind`` says whether
    text may come before the words (``never``, ``may``: ``(?:.+ )?``, ``must``:
    ``.+ ``); ``rest`` is what is left to walk (None if nothing)."""
    words = alternative.words()
    if words is not None:
        return "never", words, None
    kind, rest = _after_any_text(alternative)
    if kind == "never":
        return "never", None, alternative
    words = rest.words()
    if words is not None:
        return kind, words, None
    if len(rest.items) != 1 or not isinstance(rest.items[0], _Alt):
        return "never", None, alternative
    # (?:.+ )?(?:a|b|c .+) is (?:.+ )?(?:a|b) or (?:.+ )?(?:c .+): words, and the rest.
    found: set[str] = set()
    left: list[_Seq] = []
    for option in rest.items[0].options:
        option_words = option.words()
        if option_words is None:
            left.append(option)
        else:
            found |= option_words
    head = alternative.items[:1] if kind == "may" else (_AnyText(), _Lit(" "))
    return kind, frozenset(found), _Seq((*head, _Alt(tuple(left))))


def _after_any_text(alternative: _Seq) -> tuple[str, _Seq]:
    """What follows a leading ``(?:.+ )?`` (``may``) or ``.+ `` (``must``), else
    ``("never", alternative)``."""
    items = alternative.items
    first = items[0] if items else None
    if isinstance(first, _Opt) and _is_any_text_then_space(first.item):
        return "may", _Seq(items[1:])
    if (
        isinstance(first, _AnyText)
        and len(items) > 1
        and isinstance(items[1], _Lit)
        and items[1].text.startswith(" ")
    ):
        after = items[1].text[1:]
        return "must", _Seq(((_Lit(after),) if after else ()) + items[2:])
    return "never", alternative


def _is_any_text_then_space(item: _Item) -> bool:
    """Whether ``item`` is the group ``(?:.+ )``."""
    return (
        isinstance(item, _Alt)
        and len(item.options) == 1
        and item.options[0].items == (_AnyText(), _Lit(" "))
    )


def _guard(rest: _Seq) -> Callable[[str], bool]:
    """A quick test every text ``rest`` matches passes: it ends with one of the words
    of its last part, or begins with one of its first part (else: every text passes)."""
    items = rest.items
    if len(items) == 1 and isinstance(items[0], _Alt):
        guards = [_guard(option) for option in items[0].options]
        return lambda text: any(guard(text) for guard in guards)
    for item, at_end in ((items[-1], True), (items[0], False)) if items else ():
        words = item.words()
        if words and "" not in words:
            return _edge_test(words, at_end=at_end)
    return _any


def _edge_test(words: frozenset[str], *, at_end: bool) -> Callable[[str], bool]:
    sizes = sorted({len(word) for word in words})
    if at_end:
        return lambda text: any(text[len(text) - size :] in words for size in sizes)
    return lambda text: any(text[:size] in words for size in sizes)


def _any(text: str) -> bool:
    del text
    return True


class WordTableError(ValueError):
    """A written word table (:meth:`FirstRule.to_text`) that cannot be read back."""


class FirstRule:
    """Rules in priority order, read into two tables (a word -> the first rule that
    holds it) and the alternatives left, in rule order: the first rule a text matches
    costs a few lookups, and only the alternatives of earlier rules are tried.

    >>> first = FirstRule([word_rule("{x} hair", {"x": frozenset({"red"})}), word_rule(".+ hair")])
    >>> first.index("red hair"), first.index("long hair"), first.index("hair")
    (0, 1, None)

    Reading the rules into tables costs milliseconds (their word lists are multiplied
    out); :meth:`to_text` writes the tables, and :meth:`from_text` reads them back with
    only the alternatives left to read again:

    >>> again = FirstRule.from_text(first.to_text(), lambda index: re.compile)
    >>> again.to_text() == first.to_text(), again.index("long hair")
    (True, 1)
    """

    def __init__(self, rules: Sequence[WordRule]) -> None:
        self.size = len(rules)
        self.whole: dict[str, int] = {}
        self.tails: dict[str, int] = {}
        for index in reversed(range(self.size)):  # an earlier rule's word wins
            self.whole.update(dict.fromkeys(rules[index].whole, index))
            self.tails.update(dict.fromkeys(rules[index].tails, index))
        self.left = [(index, left) for index, rule in enumerate(rules) for left in rule.left]

    def to_text(self) -> str:
        """The tables as text, in four parts separated by an empty line: the number of
        rules; the ``whole`` words, ``word<TAB>rule`` a line (sorted); the ``tail``
        words likewise; each alternative left, in rule order, as ``walk<TAB>rule<TAB>
        expression`` (its parts, written as a regular expression that reads back into
        the same walk) or ``regex<TAB>rule<TAB>expression`` (a rule not read into parts,
        tried as written)."""
        words = [
            [f"{word}\t{index}" for word, index in sorted(table.items())]
            for table in (self.whole, self.tails)
        ]
        left = [
            f"regex\t{index}\t{item.parts}"
            if isinstance(item.parts, str)
            else f"walk\t{index}\t{item.parts.regex()}"
            for index, item in self.left
        ]
        for lines, tabs in ((words[0], 1), (words[1], 1), (left, 2)):
            for line in lines:
                if line.count("\t") != tabs or "\n" in line:
                    raise WordTableError(f"{line!r} cannot be written as one line of its fields")
        return "\n\n".join([str(self.size), *map("\n".join, words), "\n".join(left)]) + "\n"

    @classmethod
    def from_text(
        cls, text: str, compile_for: Callable[[int], Callable[[str], re.Pattern[str]]]
    ) -> FirstRule:
        """The tables :meth:`to_text` wrote; ``compile_for(rule)`` compiles that rule's
        expressions. Text that is not such tables raises :class:`WordTableError`."""
        parts = text.removesuffix("\n").split("\n\n")
        if len(parts) != 4 or not parts[0].isdigit():
            raise WordTableError("expected four parts: the rules, whole words, tails, the rest")
        first = cls([])
        first.size = int(parts[0])
        first.whole = _word_table(parts[1], first.size)
        first.tails = _word_table(parts[2], first.size)
        for line in parts[3].splitlines():
            kind, _, rest = line.partition("\t")
            index, _, written = rest.partition("\t")
            if kind not in ("walk", "regex") or not index.isdigit() or int(index) >= first.size:
                raise WordTableError(f"not 'walk|regex<TAB>rule<TAB>expression': {line[:80]!r}")
            rule = int(index)
            if kind == "regex":
                first.left.append((rule, _Left(written, _any, compile_for(rule))))
            else:
                walk = _parts_of(written)
                first.left.append((rule, _Left(walk, _guard(walk), compile_for(rule))))
        return first

    def index(self, text: str) -> int | None:
        """The position of the first rule that matches the whole of ``text``, or None.
        The text holds no newline (``.+`` never spans one: for such a text, ask the
        rules' own expressions)."""
        best = self.whole.get(text, self.size)
        tails = self.tails
        for tail in word_tails(text):
            best = min(best, tails.get(tail, best))
        for index, left in self.left:
            if index >= best:
                break
            if left.matches(text):
                return index
        return best if best < self.size else None


def _word_table(lines: str, size: int) -> dict[str, int]:
    """``word<TAB>rule`` lines as a mapping (one split, in C)."""
    fields = lines.replace("\n", "\t").split("\t") if lines else []
    try:
        rules = list(map(int, fields[1::2]))
    except ValueError:
        rules = []
    if len(fields) % 2 or len(rules) * 2 != len(fields) or any(r >= size for r in rules):
        raise WordTableError("a word line is not 'word<TAB>rule' of a rule there is")
    return dict(zip(fields[0::2], rules, strict=True))


def _parts_of(expression: str) -> _Seq:
    """The parts an alternative's written expression reads back into."""
    try:
        found = _read(expression, {})
    except _UnreadableError:
        found = None
    if found is None or len(found.options) != 1:
        raise WordTableError(f"not one alternative: {expression[:80]!r}")
    return found.options[0]
