"""Pack Danbooru's tag implications into ``data/vocab/danbooru_implications.tsv``.

Usage::

    python scripts/build_implications.py [danbooru_tag_implications.csv] [output folder]

The defaults are ``../shared/data/danbooru_tag_implications.csv`` (the Danbooru API dump
of 2025-05-01, Unlicense; see that folder's PROVENANCE.md) and the repository's
``data/vocab``. Only active rows are kept; names are written canonically
(:func:`~aidxl_prompt.normalize_tag`: spaces, lower case, kaomoji kept). Each line is
``tag<TAB>implied<TAB>implied...`` (the direct implications, sorted), and lines are
sorted by the UTF-8 bytes of the tag, so the library finds a tag by binary search in
the packed text (:mod:`aidxl_prompt.vocab._implications`).

``tests/test_lint_implications.py`` rebuilds the file from the shared table and compares
it byte for byte with the committed one.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from aidxl_prompt.syntax.normalize import normalize_tag

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TABLE = REPO_ROOT.parent / "shared" / "data" / "danbooru_tag_implications.csv"
DEFAULT_OUTPUT = REPO_ROOT / "data" / "vocab"
IMPLICATIONS_FILE = "danbooru_implications.tsv"


def packed_implications(csv_path: Path) -> bytes:
    """The packed text of the active implications in a Danbooru implications CSV."""
    implied: defaultdict[str, set[str]] = defaultdict(set)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["status"] != "active":
                continue
            tag = normalize_tag(row["antecedent_name"])
            target = normalize_tag(row["consequent_name"])
            if tag and target and tag != target and "\t" not in tag + target:
                implied[tag].add(target)
    lines = [
        "\t".join([tag, *sorted(targets)]).encode("utf-8") + b"\n"
        for tag, targets in implied.items()
    ]
    return b"".join(sorted(lines))


def main(argv: list[str]) -> int:
    table = Path(argv[0]) if argv else DEFAULT_TABLE
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    data = packed_implications(table)
    (output / IMPLICATIONS_FILE).write_bytes(data)
    lines = data.count(b"\n")
    print(f"{output / IMPLICATIONS_FILE}: {lines} tags, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
