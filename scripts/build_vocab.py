"""Pack the Danbooru tag table into ``data/vocab``, the vocabulary the wheel embeds.

Usage::

    python scripts/build_vocab.py [danbooru_tags.csv] [output folder]

The defaults are ``../shared/data/danbooru_tags.csv`` and the repository's ``data/vocab``.
The table is read with the library's own reader (so names are canonical exactly as
``Vocabulary.load`` makes them) and written as three UTF-8 files:

* ``danbooru_tags.tsv``: ``name<TAB>category digit<TAB>post count``, sorted by name;
* ``danbooru_aliases.tsv``: ``alias<TAB>tag``, sorted by alias (the table's alias column;
  where two tags list the same alias, the more-used tag keeps it, as the reader does);
* ``general_qualifiers.txt``: the qualifiers of ``name (qualifier)`` that mark general
  tags, one per line: most Danbooru tags with that qualifier are general or meta tags
  (``bishop (chess)``, ``x (cosplay)``), and the qualifier is not itself a series
  (copyright) name. The classifier reads any other ``name (qualifier)`` it does not
  know as the card's character form.

``tests/test_vocab.py`` rebuilds the files from the shared table and compares them byte
for byte with the committed ones.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from aidxl_prompt.vocab._readers import read_table
from aidxl_prompt.vocab._tables import TagCategory, TagTable, pack_table

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TABLE = REPO_ROOT.parent / "shared" / "data" / "danbooru_tags.csv"
DEFAULT_OUTPUT = REPO_ROOT / "data" / "vocab"

TAGS_FILE = "danbooru_tags.tsv"
ALIASES_FILE = "danbooru_aliases.tsv"
QUALIFIERS_FILE = "general_qualifiers.txt"

# The card's ``name (series)`` shape, as the classifier splits it: the last group.
_QUALIFIED = re.compile(r"(.+?) \(([^()]+)\)")
_GENERAL_KINDS = (TagCategory.general, TagCategory.meta)


def general_qualifiers(table: TagTable) -> list[str]:
    """The qualifiers mostly used by general or meta tags, minus series names, sorted."""
    general: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for position, name in enumerate(table.names):
        found = _QUALIFIED.fullmatch(name)
        if found is None:
            continue
        qualifier = found.group(2)
        if table.category_of(position) in _GENERAL_KINDS:
            general[qualifier] += 1
        else:
            other[qualifier] += 1

    def is_series(name: str) -> bool:
        position = table.index.get(table.aliases.get(name, name))
        return position is not None and table.category_of(position) is TagCategory.copyright

    return sorted(
        qualifier
        for qualifier, count in general.items()
        if count > other[qualifier] and not is_series(qualifier)
    )


def build(table_path: Path) -> dict[str, bytes]:
    """The files of ``data/vocab`` made from ``table_path``, by file name."""
    table = read_table(table_path)
    if table.kind != "tags":
        raise SystemExit(f"{table_path}: expected a tag-autocomplete CSV, got a {table.kind} table")
    tags, aliases = pack_table(table)
    qualifiers = "".join(f"{qualifier}\n" for qualifier in general_qualifiers(table))
    return {TAGS_FILE: tags, ALIASES_FILE: aliases, QUALIFIERS_FILE: qualifiers.encode("utf-8")}


def main(argv: list[str]) -> int:
    table_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_TABLE
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    output.mkdir(parents=True, exist_ok=True)
    for name, content in build(table_path).items():
        (output / name).write_bytes(content)
        print(f"{output / name}: {len(content):,} bytes", file=sys.stderr)
    # The classifier's answers for these names are worked out ahead from them.
    print("now run scripts/build_slot_tables.py (its tables follow these)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
