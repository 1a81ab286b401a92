r"""Regenerate ``tests/cases/compel/`` from compel 2.5.1's own prompt parser.

Usage (in a scratch environment that has pyparsing and this package's dependencies; the
compel wheel itself needs no torch here, only its ``prompt_parser.py`` is executed)::

    python3 -m venv /tmp/compelenv
    /tmp/compelenv/bin/pip install pyparsing pydantic pyyaml rapidfuzz
    /tmp/compelenv/bin/pip download --no-deps compel==2.5.1 -d /tmp/compelwheel
    /tmp/compelenv/bin/python scripts/compel_cases.py \
        --wheel /tmp/compelwheel/compel-2.5.1-py3-none-any.whl \
        [--tags ../shared/data/danbooru_tags.csv] [--jobs 2] [--only tricky|danbooru]

For every text it writes the way our renderer would (``compel_escape``, bare and as
``(text)1.3``) it records what compel reads back, once as the whole prompt and once between
two neighbours (``x, TEXT, y``), and whether both readings give back the text with the weight
we wrote. Two tables come out:

* ``tricky.json``: generated texts (every string of up to three characters over compel's
  syntax characters and a few others, every string of four over a smaller set, seeded random
  longer ones, and hand-picked cases), each with both readings;
* ``danbooru.json``: the canonical Danbooru names (``normalize_tag`` of the table's first
  column). Every name holding one of compel's syntax characters other than parentheses
  (``\ " , . + - =``) is checked, and a seeded sample of the others (``--sample``, 0 for
  all of them; compel takes 5-10 ms a name, so all 140,782 take about 35 CPU minutes). Only
  the names compel does not read back are listed, with its readings. Names are checked in
  batches of 64 between neighbours (a batch that reads back clears all its names); a batch
  that does not is split down to single names, which then get both readings.

Nothing here is imported by the library or its tests; the tests read the JSON files.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import multiprocessing
import random
import re
import sys
import types
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pyparsing

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

from aidxl_prompt.syntax._compel import compel_escape  # noqa: E402
from aidxl_prompt.syntax.normalize import normalize_tag  # noqa: E402

OUT_DIR = REPO_ROOT / "tests" / "cases" / "compel"
DEFAULT_TABLE = REPO_ROOT.parent / "shared" / "data" / "danbooru_tags.csv"
PARSER_MEMBER = "compel/prompt_parser.py"
WEIGHT = "1.3"
BATCH = 64
# Names with one of these go through compel in full; parentheses are escaped in every name
# and are covered by the sample and the generated texts.
SYNTAX_NAME = re.compile(r'[\\",.+\-=]')

Reading = list[tuple[str, float]] | str

# Characters that are syntax somewhere in compel, and a few that are syntax elsewhere.
SHORT_ALPHABET = 'a1 \\"(),.+-=:|<é'
LONG_ALPHABET = 'a \\"(,.+-='
RANDOM_PIECES = [
    "a", "bc", "12", "2.5", " ", " ", "\\", '"', "(", ")", ",", ", ", ".", "+", "++", "-",
    "--", "=", "+=", ":", "|", "<", ">", "^_^", "m/", "日本", "\t", "\xa0", "\u3000", "\x0b",
    "withLora", ".swap", ".attend", ".blend", ".and", "_",
]  # fmt: skip
HAND_PICKED = [
    "\\m/", "\\||/", "double \\m/", "^_^\\", "a\\b", "\\(^o^)/", "\\\\//", "a=", "a=b",
    "a+=", "a++b", "a++", "a+", "a-", "a--", "a-b", "a+b", "a - b", "a + b", "6+girls",
    "blood+", "+_+", "+++", "=_=", ":>=", "no+bi=", "1=2", "= hair ornament", "qi==qi",
    "la+ darknesss", "evangelion: 3.0+1.0 thrice upon a time", "mmm.", "a.b", "a . b",
    "a,b", "a, b", "a ,b", "a,", ",", "a\\,b", "a\\, b", "a\\.b", "a\\+", "a\\++",
    "bishop (chess)", "(a)", "a)", "(a", 'don\'t say "lazy"', 'i"s', 'lu"', '"',
    'a\\"b', "a\\(b", "a\\)", "a\\", "\\", "a |b", "<lora:x:1>", "gauss <bokashi",
    "a 2", "a 2.5", "a -2", "-1", "+1", "1.5", "a2", "ダンボール", "a\tb", "a  b", " a",
    "a ", "a\xa0b", "a,\xa0b", "a\x0bb", "withLora(x, 0.5)", "a.swap(b)", "a.attend(2)",
    '("a","b").blend(0.3,0.7)', "", "AND", "BREAK",
]  # fmt: skip


def load_parser(wheel: Path) -> Any:
    """compel's ``PromptParser`` from the wheel's ``prompt_parser.py`` (needs pyparsing)."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(PARSER_MEMBER).decode("utf-8")
    module = types.ModuleType("compel_prompt_parser")
    # Its dataclasses look their module up in sys.modules while the source runs.
    sys.modules[module.__name__] = module
    exec(compile(source, f"{wheel.name}/{PARSER_MEMBER}", "exec"), module.__dict__)
    return module


class Reader:
    """compel's reading of a prompt: ``[(text, weight)]``, or a one-line description."""

    def __init__(self, wheel: Path) -> None:
        self.module = load_parser(wheel)
        self.parser = self.module.PromptParser()

    def __call__(self, prompt: str) -> Reading:
        try:
            conjunction = self.parser.parse_conjunction(prompt)
        except Exception as error:  # compel's failure is its reading
            return f"error: {type(error).__name__}"
        parts = conjunction.prompts
        flat = (
            len(parts) == 1
            and type(parts[0]) is self.module.FlattenedPrompt
            and conjunction.weights == [1.0]
            and not conjunction.lora_weights
            and all(type(f) is self.module.Fragment for f in parts[0].children)
        )
        if not flat:
            return f"structure: {conjunction!r}"
        return [(fragment.text, fragment.weight) for fragment in parts[0].children]


def written(text: str, weighted: bool) -> str:
    escaped = compel_escape(text)
    return f"({escaped}){WEIGHT}" if weighted else escaped


def expected_alone(texts: Sequence[str], weighted: bool) -> Reading:
    if not weighted:
        return [(", ".join(texts), 1.0)]
    out: list[tuple[str, float]] = []
    for index, text in enumerate(texts):
        if index:
            out.append((",", 1.0))
        out.append((text, float(WEIGHT)))
    return out


def expected_between(texts: Sequence[str], weighted: bool) -> Reading:
    if not weighted:
        return [("x, " + ", ".join(texts) + ", y", 1.0)]
    return [("x,", 1.0), *expected_alone(texts, weighted), (", y", 1.0)]


def between(texts: Sequence[str], weighted: bool) -> str:
    return "x, " + ", ".join(written(text, weighted) for text in texts) + ", y"


def same(reading: Reading, expected: Reading) -> bool:
    return not isinstance(reading, str) and [tuple(part) for part in reading] == expected


_READER: Reader | None = None


def _init(wheel: str) -> None:
    global _READER  # noqa: PLW0603 - one parser per worker process
    _READER = Reader(Path(wheel))


def _reader() -> Reader:
    assert _READER is not None
    return _READER


def check_one(job: tuple[str, bool]) -> dict[str, Any]:
    """Both readings of one text in one form, and whether it is accepted."""
    text, weighted = job
    read = _reader()
    alone = read(written(text, weighted))
    in_prompt = read(between([text], weighted))
    accepted = same(alone, expected_alone([text], weighted)) and same(
        in_prompt, expected_between([text], weighted)
    )
    return {
        "text": text,
        "weighted": weighted,
        "accepted": accepted,
        "reading": alone,
        "reading_in_prompt": in_prompt,
    }


def check_batch(job: tuple[list[str], bool]) -> list[dict[str, Any]]:
    """Rows for the names of a batch that compel does not read back (bisecting)."""
    texts, weighted = job
    if len(texts) == 1:
        row = check_one((texts[0], weighted))
        return [] if row["accepted"] else [row]
    if same(_reader()(between(texts, weighted)), expected_between(texts, weighted)):
        return []
    half = len(texts) // 2
    return check_batch((texts[:half], weighted)) + check_batch((texts[half:], weighted))


def stored(row: dict[str, Any]) -> list[Any]:
    """A row as the tables keep it: ``[text, weighted, None]`` when compel reads it back,
    else ``[text, weighted, where, reading]``, the first reading that differs
    (``where`` is ``"alone"`` or ``"in_prompt"``)."""
    text, weighted = row["text"], row["weighted"]
    if row["accepted"]:
        return [text, weighted, None]
    if not same(row["reading"], expected_alone([text], weighted)):
        return [text, weighted, "alone", row["reading"]]
    return [text, weighted, "in_prompt", row["reading_in_prompt"]]


def tricky_texts(seed: int = 8) -> list[str]:
    """Hand-picked, exhaustive short and seeded random texts, each once, in a stable order."""
    found: dict[str, None] = dict.fromkeys(HAND_PICKED)
    for length in (1, 2, 3):
        found.update(
            dict.fromkeys("".join(p) for p in itertools.product(SHORT_ALPHABET, repeat=length))
        )
    found.update(dict.fromkeys("".join(p) for p in itertools.product(LONG_ALPHABET, repeat=4)))
    generator = random.Random(seed)
    for _ in range(3000):
        count = generator.randint(2, 6)
        found["".join(generator.choice(RANDOM_PIECES) for _ in range(count))] = None
    return list(found)


def danbooru_names(table: Path) -> list[str]:
    with table.open(encoding="utf-8", newline="") as handle:
        return [normalize_tag(row[0]) for row in csv.reader(handle) if row]


def _map(pool: Any, function: Callable[[Any], Any], jobs: Iterable[Any]) -> list[Any]:
    return list(pool.imap(function, jobs, chunksize=16))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True, help="compel-2.5.1 wheel")
    parser.add_argument("--tags", type=Path, default=DEFAULT_TABLE, help="danbooru_tags.csv")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=3000, help="names without syntax")
    parser.add_argument(
        "--only", choices=["tricky", "danbooru"], help="write one of the two tables"
    )
    args = parser.parse_args(argv)
    header = {
        "parser": f"compel 2.5.1 {PARSER_MEMBER}",
        "pyparsing": pyparsing.__version__,
        "weight": WEIGHT,
        "written": "compel_escape(text), bare or as (escaped)1.3",
        "in_prompt": "x, WRITTEN, y",
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with multiprocessing.Pool(args.jobs, initializer=_init, initargs=(str(args.wheel),)) as pool:
        if args.only != "danbooru":
            texts = tricky_texts()
            rows = _map(pool, check_one, [(t, w) for t in texts for w in (False, True)])
            _write(OUT_DIR / "tricky.json", {**header, "cases": [stored(r) for r in rows]})
            accepted = sum(row["accepted"] for row in rows)
            print(f"tricky: {len(texts)} texts, {accepted} of {len(rows)} forms accepted")
        if args.only == "tricky":
            return 0
        every = danbooru_names(args.tags)
        syntax = [name for name in every if SYNTAX_NAME.search(name)]
        others = [name for name in every if not SYNTAX_NAME.search(name)]
        if 0 < args.sample < len(others):
            chosen = set(random.Random(8).sample(others, args.sample))
            others = [name for name in others if name in chosen]
        names = syntax + others
        summary: dict[str, Any] = {
            **header,
            "table": args.tags.name,
            "names": len(every),
            "checked": len(names),
            "checked_with_syntax": len(syntax),
            "checked_without_syntax": len(others),
            "checked_names": names,
        }
        for weighted in (False, True):
            batches = [(names[i : i + BATCH], weighted) for i in range(0, len(names), BATCH)]
            refused = [row for part in _map(pool, check_batch, batches) for row in part]
            key = "weighted" if weighted else "bare"
            summary[f"accepted_{key}"] = len(names) - len(refused)
            summary[f"refused_{key}"] = [stored(row) for row in refused]
            print(f"danbooru {key}: {len(names) - len(refused)} of {len(names)} checked accepted")
        _write(OUT_DIR / "danbooru.json", summary)
    return 0


def _write(path: Path, data: dict[str, Any]) -> None:
    """JSON with one list item a line, so a change to compel shows as a readable diff."""
    lines = ["{"]
    for index, (key, value) in enumerate(data.items()):
        comma = "," if index < len(data) - 1 else ""
        if isinstance(value, list):
            items = [json.dumps(item, ensure_ascii=False) for item in value]
            body = ",\n".join(f"  {item}" for item in items)
            lines.append(
                f" {json.dumps(key)}: [\n{body}\n ]{comma}"
                if items
                else f" {json.dumps(key)}: []{comma}"
            )
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
