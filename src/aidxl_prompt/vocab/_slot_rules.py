"""The project's slot vocabulary: curated tag lists and patterns, read from YAML.

* ``data/tags/slots/<slot>.yaml``: for one slot, groups of tags (``group: [tags]``);
* ``data/tags/meta.yaml``: groups of meta tags, kept out of prompts unless asked;
* ``data/tags/patterns.yaml``: named ``sets`` of words and an ordered list of ``rules``
  (``name``, ``slot``, ``match``: a regular expression matched against the whole
  canonical tag, where ``{set}`` stands for any word of that set). The first rule
  that matches wins. A rule's word lists are answered by set lookups, and the rest
  of it compiled only when a text could match it (see ``_word_patterns``).

A tag may be listed only once over all the lists; the loader says where the second
listing is.

>>> rules = slot_rules()
>>> rules.curated["twintails"].slot.value
'other_characteristics'
>>> rules.match_pattern("pink pleated skirt").name
'garment'

The curated lists and the patterns of common tags are also packed into ``data/vocab``
(``scripts/build_slot_tables.py``; a test holds them equal to the YAML), so that a
start-up reads one small table instead of 24 YAML files and tries no pattern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from .._data import data_dir, load_builtin_yaml, load_yaml_file, read_vocab_file
from ..errors import DataFileError, OrderingError
from ..model.ordering import Slot
from ..syntax.normalize import normalize_tag
from ._tables import LineIndex

if TYPE_CHECKING:
    from ._word_patterns import FirstRule

__all__ = [
    "CuratedEntry",
    "PatternRule",
    "SlotRules",
    "builtin_patterns",
    "curated_tags",
    "slot_rules",
]

_GROUP_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SET_REFERENCE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class CuratedEntry:
    """Where a curated tag is listed: its slot (None for meta tags) and group."""

    slot: Slot | None
    group: str


@dataclass(frozen=True)
class PatternRule:
    """One named pattern of ``patterns.yaml``: ``match`` as written there, where
    ``{name}`` stands for any word of ``sets[name]``."""

    name: str
    slot: Slot
    match: str
    sets: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def expression(self) -> str:
        """``match`` as a regular expression, its sets written out."""
        from ._word_patterns import expanded  # noqa: PLC0415 (see SlotRules._first_rule)

        return expanded(self.match, self.sets)


class PatternHit(NamedTuple):
    """Which pattern a tag matched: the rule's name and its slot."""

    name: str
    slot: Slot


@functools.cache
def builtin_patterns() -> tuple[PatternRule, ...]:
    """The rules of the package's ``patterns.yaml`` (read once per process)."""
    return _read_patterns(load_builtin_yaml("patterns.yaml"))


@dataclass(frozen=True)
class SlotRules:
    """Curated tags by canonical name, and the patterns in priority order.

    ``patterns.yaml`` is read, and its rules read into word tables, only when a tag
    needs them: the patterns of common tags are precomputed (see :meth:`match_pattern`).
    """

    curated: Mapping[str, CuratedEntry]
    read_patterns: Callable[[], tuple[PatternRule, ...]] = field(
        default=builtin_patterns, repr=False
    )
    packed_words: bool = field(default=True, repr=False)
    """Whether the built-in patterns' word tables are read from
    :data:`PATTERN_WORDS_FILE` (written from them by ``scripts/build_slot_tables.py``)
    instead of being worked out from the patterns (about 15 ms, once)."""

    @functools.cached_property
    def patterns(self) -> tuple[PatternRule, ...]:
        """The rules of ``patterns.yaml``, in priority order."""
        return self.read_patterns()

    @functools.cached_property
    def _first_rule(self) -> FirstRule:
        """The rules read into word tables (see ``_word_patterns``)."""
        # Read on first use: a prompt of common tags is answered from the pattern table
        # and never loads the module.
        from ._word_patterns import FirstRule, WordTableError, word_rule  # noqa: PLC0415

        if self.packed_words and self.patterns == builtin_patterns():
            text = read_vocab_file(PATTERN_WORDS_FILE).decode("utf-8")
            try:
                first = FirstRule.from_text(text, _compiler_of)
            except WordTableError as exc:
                raise DataFileError(f"{PATTERN_WORDS_FILE}: {exc}") from None
            if first.size != len(self.patterns):
                raise DataFileError(
                    f"{PATTERN_WORDS_FILE}: written for {first.size} rules, patterns.yaml has "
                    f"{len(self.patterns)} (run scripts/build_slot_tables.py)"
                )
            return first
        return FirstRule(
            [
                word_rule(rule.match, rule.sets, _compiler_of(index))
                for index, rule in enumerate(self.patterns)
            ]
        )

    def word_tables(self) -> str:
        """The rules' word tables as text (what :data:`PATTERN_WORDS_FILE` holds)."""
        return self._first_rule.to_text()

    @functools.cached_property
    def _compiled(self) -> list[re.Pattern[str] | None]:
        return [None] * len(self.patterns)

    def match_rules(self, text: str) -> PatternRule | None:
        """The first rule whose pattern matches the whole of ``text``, or None.

        The rules' word lists are answered by lookups in two tables, and the rest of
        each rule is a regular expression compiled the first time a text could match
        it (see ``_word_patterns``; a test holds the answers equal to the rules' own
        expressions over the whole Danbooru table).
        """
        if "\n" in text:  # ``.+`` never spans a newline: the expressions themselves say
            return next((rule for i, rule in enumerate(self.patterns) if self._full(i, text)), None)
        index = self._first_rule.index(text)
        return None if index is None else self.patterns[index]

    def _full(self, index: int, text: str) -> bool:
        """Whether rule ``index``'s whole expression matches ``text``."""
        compiled = self._compiled
        pattern = compiled[index]
        if pattern is None:
            pattern = compiled[index] = compile_rule(index, self.patterns[index])
        return pattern.fullmatch(text) is not None

    def match_pattern(self, text: str) -> PatternHit | None:
        """The first pattern that matches the whole of ``text``, or None.

        Danbooru's general tags are answered from ``data/vocab/pattern_matches.tsv``
        (``scripts/build_slot_tables.py``, held equal to :meth:`match_rules` by a
        test), so a prompt of Danbooru tags neither reads nor compiles any pattern.
        """
        held, hit = _known_match(text)
        if held:
            return hit
        found = self.match_rules(text)
        return None if found is None else PatternHit(found.name, found.slot)


PATTERN_WORDS_FILE = "pattern_words.txt"
"""The word tables of the built-in patterns (in ``data/vocab``; see
``FirstRule.to_text``)."""


def _compiler_of(index: int) -> Callable[[str], re.Pattern[str]]:
    return functools.partial(_compile_pattern, index)


PATTERN_MATCHES_FILE = "pattern_matches.tsv"
"""The precomputed pattern of each common general tag (in ``data/vocab``)."""


CURATED_FILE = "curated_tags.tsv"
"""The curated lists as one table (in ``data/vocab``): ``name<TAB>slot<TAB>group``."""


@functools.cache
def _known_matches() -> tuple[bytes, LineIndex]:
    """:data:`PATTERN_MATCHES_FILE` (``tag<TAB>rule<TAB>slot``, sorted by tag) and its
    line index: searched in place, never split into lines or a mapping."""
    data = read_vocab_file(PATTERN_MATCHES_FILE)
    return data, LineIndex(data)


def _known_match(text: str) -> tuple[bool, PatternHit | None]:
    """Whether the table holds ``text``, and its pattern there (None: no rule matches)."""
    if "\t" in text or "\n" in text:  # would match across fields
        return False, None
    data, lines = _known_matches()
    start = lines.find(text.encode("utf-8", "surrogatepass"))
    if start is None:
        return False, None
    _, rule, slot = data[start : data.index(b"\n", start)].decode("utf-8").split("\t")
    return True, (PatternHit(rule, _SLOT_OF[slot]) if rule else None)


_SLOT_OF: Mapping[str, Slot] = {slot.value: slot for slot in Slot}


def _read_groups(name: str, raw: Any, slot: Slot | None, curated: dict[str, CuratedEntry]) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise DataFileError(f"{name}: expected a mapping of group names to tag lists")
    for group, tags in raw.items():
        if not isinstance(group, str) or not _GROUP_NAME.fullmatch(group):
            raise DataFileError(f"{name}: group name {group!r} is not kebab-case")
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise DataFileError(f"{name}: group {group!r} must be a list of tags")
        for tag in tags:
            text = normalize_tag(tag)
            if text in curated:
                first = curated[text]
                where = first.slot.value if first.slot else "meta"
                raise DataFileError(
                    f"{name}: group {group!r}: {text!r} is already listed in {where} "
                    f"group {first.group!r}"
                )
            curated[text] = CuratedEntry(slot, group)


def _check_sets(pattern: str, sets: Mapping[str, frozenset[str]], where: str) -> str:
    """``pattern``, once every ``{set}`` it names is known."""
    for found in _SET_REFERENCE.finditer(pattern):
        if found.group(1) not in sets:
            raise DataFileError(f"{where}: unknown set {{{found.group(1)}}}")
    return pattern


def _read_patterns(raw: Any) -> tuple[PatternRule, ...]:
    name = "patterns.yaml"
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise DataFileError(f"{name}: expected a mapping with 'sets' and 'rules'")
    raw_sets = raw.get("sets") or {}
    if not isinstance(raw_sets, dict):
        raise DataFileError(f"{name}: 'sets' must map set names to word lists")
    sets: dict[str, frozenset[str]] = {}
    for key, words in raw_sets.items():
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            raise DataFileError(f"{name}: set {key!r} must be a list of words")
        sets[str(key)] = frozenset(normalize_tag(word) for word in words)
    shared = MappingProxyType(sets)
    rules: list[PatternRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw["rules"]):
        where = f"{name}: rules[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"name", "slot", "match"}:
            raise DataFileError(f"{where}: expected exactly the keys name, slot and match")
        rule_name = str(entry["name"])
        if not _GROUP_NAME.fullmatch(rule_name) or rule_name in seen:
            raise DataFileError(f"{where}: rule name {rule_name!r} is not kebab-case or repeats")
        seen.add(rule_name)
        try:
            slot = Slot.parse(str(entry["slot"]))
        except OrderingError as exc:
            raise DataFileError(f"{where}: {exc}") from None
        match = _check_sets(str(entry["match"]), shared, where)
        rules.append(PatternRule(rule_name, slot, match, shared))
    return tuple(rules)


def compile_rule(index: int, rule: PatternRule) -> re.Pattern[str]:
    """One rule's whole expression, compiled; a bad one is named by its place in the
    file."""
    return _compile_pattern(index, rule.expression)


def _compile_pattern(index: int, expression: str) -> re.Pattern[str]:
    """An expression of rule ``index``, compiled; a bad one is named by that rule."""
    try:
        return re.compile(expression)
    except re.error as exc:
        raise DataFileError(f"patterns.yaml: rules[{index}]: invalid pattern ({exc})") from None


def _load_yaml(name: str) -> Any:
    """Parse one built-in YAML file; errors name the file and line."""
    return load_yaml_file(data_dir() / name, name=name)


def read_curated_lists() -> Mapping[str, CuratedEntry]:
    """The curated lists by canonical name, read from their YAML files (the source:
    ``scripts/build_slot_tables.py`` packs them into ``data/vocab/curated_tags.tsv``,
    and a tag listed twice is refused here, naming both places)."""
    curated: dict[str, CuratedEntry] = {}
    folder = data_dir() / "slots"
    files = {path.stem: path for path in sorted(folder.glob("*.yaml"))}
    for stem, path in files.items():
        try:
            slot = Slot(stem)
        except ValueError:
            raise DataFileError(f"slots/{path.name}: the file name is not a slot") from None
        _read_groups(f"slots/{path.name}", _load_yaml(f"slots/{path.name}"), slot, curated)
    _read_groups("meta.yaml", _load_yaml("meta.yaml"), None, curated)
    return curated


@functools.cache
def curated_tags() -> Mapping[str, CuratedEntry]:
    """The curated lists by canonical name (read once per process, from the packed
    table a test holds equal to the YAML lists).

    >>> curated_tags()["twintails"].group
    'hairstyle'
    """
    curated: dict[str, CuratedEntry] = {}
    for line in read_vocab_file(CURATED_FILE).decode("utf-8").splitlines():
        name, slot, group = line.split("\t")
        curated[name] = CuratedEntry(_SLOT_OF[slot] if slot else None, group)
    return MappingProxyType(curated)


@functools.cache
def slot_rules() -> SlotRules:
    """The built-in curated lists and compiled patterns (parsed once per process)."""
    return SlotRules(curated=curated_tags())
