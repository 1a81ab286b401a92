"""Precompute the slot pattern of each common Danbooru tag: ``data/vocab/pattern_matches.tsv``.

Usage::

    python scripts/build_pattern_matches.py [output file]

Compiling the slot patterns of ``data/tags/patterns.yaml`` is most of what a one-prompt
``aidxl-prompt format`` spends on classification. For the
general tags of the embedded Danbooru table used on at least :data:`MIN_POSTS` posts,
and for the words of the card's example prompt (``card.yaml``), when not already in the
curated lists, this writes the outcome once: one
``name<TAB>rule name`` line per tag (the rule name empty when no pattern matches),
sorted by name. The classifier reads it before it would compile the patterns.

``tests/test_pattern_matches.py`` recomputes every line from the rules and compares it
with the committed file, so editing ``patterns.yaml`` or a curated list means running
this script again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aidxl_prompt._data import read_vocab_file
from aidxl_prompt._slot_rules import PATTERN_MATCHES_FILE, slot_rules
from aidxl_prompt.card import card_examples
from aidxl_prompt.normalize import normalize_tag

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "data" / "vocab" / PATTERN_MATCHES_FILE

MIN_POSTS = 300
"""General tags used on fewer posts are left to the patterns themselves."""


def pattern_matches() -> str:
    """The file's text: every common general tag, and every word of the card's own
    example prompt, not in the curated lists, with the pattern the rules give it."""
    rules = slot_rules()
    names = {normalize_tag(word) for words in card_examples().values() for word in words}
    for row in read_vocab_file("danbooru_tags.tsv").decode("utf-8").splitlines():
        name, category, count = row.split("\t")
        if category == "0" and int(count) >= MIN_POSTS:
            names.add(name)
    lines = []
    for name in names - set(rules.curated):
        found = rules.match_rules(name)
        lines.append(f"{name}\t{'' if found is None else found.name}\n")
    return "".join(sorted(lines))


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    output.write_text(pattern_matches(), encoding="utf-8", newline="\n")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
