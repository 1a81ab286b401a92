"""Pack the slot vocabulary into ``data/vocab`` for a fast start-up.

Usage::

    python scripts/build_slot_tables.py [output folder]

The YAML files of ``data/tags`` stay the source. From them this writes five files that
the package reads instead, sorted by name, one UTF-8 line each:

* ``curated_tags.tsv``: ``name<TAB>slot<TAB>group`` for every tag of ``slots/*.yaml`` and
  ``meta.yaml`` (the slot empty for meta tags): one small file instead of 24 YAML files;
* ``packed_yaml.json``: the parsed content of the few YAML files every start-up reads
  (``aidxl_prompt._data.PACKED_YAML``), so that reading a prompt imports no YAML parser;
* ``danbooru_slots.txt``: what the classifier's rules give every tag and alias of the
  embedded Danbooru table under the default vocabulary, one character a name (see
  ``aidxl_prompt.vocab._slot_column``), so that classifying a Danbooru name is one
  search; written last, by a fresh process that reads the files written before it
  (so only into the folder the package reads its tables from);
* ``pattern_matches.tsv``: ``name<TAB>rule<TAB>slot`` for every general tag of the
  embedded Danbooru table and the words of the card's example prompt that no curated
  list holds, with the first rule of ``patterns.yaml`` that matches (rule and slot
  empty when none does). Compiling the patterns is most of what a one-prompt
  ``aidxl-prompt format`` would otherwise spend on classification, and matching them
  most of what classifying a new Danbooru tag costs; only text no Danbooru table
  knows is left to them;
* ``pattern_words.txt``: the word tables the rules of ``patterns.yaml`` are read into
  (``aidxl_prompt.vocab._word_patterns.FirstRule.to_text``), so that text no table
  knows is matched without first multiplying out the rules' word lists (about 15 ms).

``tests/test_slot_tables.py`` rebuilds all five from the YAML and compares them with the
committed files, so editing a list or ``patterns.yaml`` means running this script again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from aidxl_prompt._data import (
    PACKED_YAML,
    PACKED_YAML_FILE,
    data_dir,
    load_yaml_file,
    read_vocab_file,
    vocab_dir,
)
from aidxl_prompt.card.words import card_examples
from aidxl_prompt.syntax.normalize import normalize_tag
from aidxl_prompt.vocab._slot_column import HOT_NAMES, SLOT_COLUMN_FILE, code_char
from aidxl_prompt.vocab._slot_rules import (
    CURATED_FILE,
    PATTERN_MATCHES_FILE,
    PATTERN_WORDS_FILE,
    SlotRules,
    read_curated_lists,
)
from aidxl_prompt.vocab._tables import LineIndex
from aidxl_prompt.vocab.classify import classify_by_rules
from aidxl_prompt.vocab.vocabulary import Vocabulary, builtin_table, embedded_table

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "data" / "vocab"


def curated_table() -> str:
    """``curated_tags.tsv``: the YAML lists, one tag a line."""
    curated = read_curated_lists()
    lines = [
        f"{name}\t{'' if entry.slot is None else entry.slot.value}\t{entry.group}\n"
        for name, entry in curated.items()
    ]
    return "".join(sorted(lines))


def pattern_matches() -> str:
    """``pattern_matches.tsv``: the first matching rule of each general tag."""
    curated = read_curated_lists()
    rules = SlotRules(curated=curated, packed_words=False)
    names = {normalize_tag(word) for words in card_examples().values() for word in words}
    for row in read_vocab_file("danbooru_tags.tsv").decode("utf-8").splitlines():
        name, category, _ = row.split("\t")
        if category == "0":
            names.add(name)
    lines = []
    for name in names - set(curated):
        found = rules.match_rules(name)
        rule, slot = ("", "") if found is None else (found.name, found.slot.value)
        lines.append(f"{name}\t{rule}\t{slot}\n")
    return "".join(sorted(lines))


def pattern_words() -> str:
    """``pattern_words.txt``: the patterns' word tables, worked out from the rules."""
    return SlotRules(curated={}, packed_words=False).word_tables()


def slot_column() -> str:
    """``danbooru_slots.txt``: the rules' answer for every name of the embedded table.

    The rules are run with a vocabulary of the default's layers that is not the default
    itself, so that no answer comes from the column being written."""
    vocabulary = Vocabulary([embedded_table(), builtin_table()])
    codes: dict[tuple[str, str, str, str], str] = {}

    def code(name: str) -> str:
        found = classify_by_rules(name, vocabulary)
        prefix = found.text[: len(found.text) - len(name)]
        if found.text != prefix + name or prefix not in ("", "by "):
            raise SystemExit(f"{name!r}: classified as {found.text!r}, which no column holds")
        answer = (found.slot.value, found.rule, "1" if found.meta else "", prefix)
        return codes.setdefault(answer, code_char(len(codes)))

    columns, samples = [], []
    for data in (read_vocab_file("danbooru_tags.tsv"), read_vocab_file("danbooru_aliases.tsv")):
        names = [line.split("\t", 1)[0] for line in data.decode("utf-8").splitlines()]
        columns.append("".join(map(code, names)))
        samples.append(" ".join(map(str, LineIndex(data).sample_lines())))
    # The most-used tags (by post count), in table order, and their answers.
    rows = [line.split("\t") for line in read_vocab_file("danbooru_tags.tsv").decode().splitlines()]
    hot = sorted(sorted(range(len(rows)), key=lambda line: (-int(rows[line][2]), line))[:HOT_NAMES])
    hot_lines = [
        "\t".join(rows[line][0] for line in hot),
        "".join(columns[0][line] for line in hot),
    ]
    head = "".join("\t".join(answer) + "\n" for answer in codes)
    return head + "\n" + "\n".join(columns + samples + hot_lines) + "\n"


def packed_yaml() -> str:
    """``packed_yaml.json``: ``{file name: parsed content}``, one line, each mapping in
    its file's own key order (the card's lists are ordered)."""
    packed = {name: load_yaml_file(data_dir() / name, name=name) for name in PACKED_YAML}
    return json.dumps(packed, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    # The packed YAML first: the pattern table is computed from what the package reads.
    (output / PACKED_YAML_FILE).write_text(packed_yaml(), encoding="utf-8", newline="\n")
    print(f"wrote {output / PACKED_YAML_FILE}")
    tables = (
        (CURATED_FILE, curated_table()),
        (PATTERN_MATCHES_FILE, pattern_matches()),
        (PATTERN_WORDS_FILE, pattern_words()),
    )
    for name, text in tables:
        (output / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {output / name}")
    # The column is what the package's rules give, so it is worked out by a process
    # that reads the tables just written (this one may hold the old ones); that is only
    # so when they were written where the package reads them.
    if output.resolve() != vocab_dir().resolve():
        print(
            f"not written: {output / SLOT_COLUMN_FILE} (it is worked out from the tables the "
            f"package reads, in {vocab_dir()}: run this script with no folder to update it)"
        )
        return 0
    subprocess.run([sys.executable, __file__, "--slot-column", str(output)], check=True)
    return 0


def write_slot_column(output: Path) -> int:
    (output / SLOT_COLUMN_FILE).write_text(slot_column(), encoding="utf-8", newline="\n")
    print(f"wrote {output / SLOT_COLUMN_FILE}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--slot-column"]:
        sys.exit(write_slot_column(Path(sys.argv[2]) if sys.argv[2:] else DEFAULT_OUTPUT))
    sys.exit(main(sys.argv[1:]))
