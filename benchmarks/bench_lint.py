"""Linter throughput (issue 10): ``lint`` and ``fix`` beside parse-only, in prompts/s.

Run: ``.venv/bin/python benchmarks/bench_lint.py`` (or ``benchmarks/run.py lint``).

Workload: 1,000 A1111 prompts of 30 tags each drawn (fixed seed) from danbooru_tags.csv
with probability proportional to post count, about 15% weighted ``(tag:w)``, names with
parentheses escaped, one ``<lora:...>`` each, linted with the embedded vocabulary and
the default rules. The baseline in the same run is ``parse_items`` (the parse every lint
starts with) over the same prompts; the ratio is lint / parse (lower is better).

* **warm**: the batch again and again in one process (alternating rounds, best round):
  the prompts are not new, but every prompt is linted whole; only the per-unit facts
  (a tag's spelling, vocabulary and slot) are memoised, as a batch of real prompts
  repeats its tags.
* **first seen**: the batch once, in a fresh process for each side (best of several
  alternating processes): every tag is seen for the first time, the vocabulary's
  lookups and the classifier run cold, and the process start is not counted.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, compile_bytecode, paired, read_danbooru_table, shared_data_dir
from aidxl_prompt import escape, normalize_tag, parse_items
from aidxl_prompt.lint.linter import fix, lint

SEED = 20261129
PROMPTS = 1000
TAGS = 30
TARGET = 5000.0  # prompts/s, issue 10
WEIGHTS = ("1.1", "1.2", "0.8", "1.3", "0.9", "1.15")
COLD_ROUNDS = 5

_CHILD = """
import json, sys, time
prompts = json.loads(sys.stdin.read())
from aidxl_prompt import parse_items, Vocabulary
from aidxl_prompt.lint.linter import lint, fix
Vocabulary.default()  # the table's bytes are read at start-up either way
kind = sys.argv[1]
call = {"parse": parse_items, "lint": lint, "fix": fix}[kind]
start = time.perf_counter()
for prompt in prompts:
    call(prompt)
print(time.perf_counter() - start)
"""


def make_prompts(rows: list[tuple[str, int, int]], count: int = PROMPTS) -> list[str]:
    """The workload of the module docstring."""
    rng = random.Random(SEED)
    names = [row[0] for row in rows]
    counts = [row[2] for row in rows]
    prompts = []
    for _ in range(count):
        parts = []
        for name in rng.choices(names, counts, k=TAGS):
            text = escape(normalize_tag(name))
            parts.append(f"({text}:{rng.choice(WEIGHTS)})" if rng.random() < 0.15 else text)
        parts.insert(rng.randint(0, len(parts)), "<lora:aidxl_style_v2:0.8>")
        prompts.append(", ".join(parts))
    return prompts


def _batch(call: object, prompts: list[str]) -> object:
    def run() -> None:
        for prompt in prompts:
            call(prompt)  # type: ignore[operator]

    return run


def _cold(kind: str, prompts: list[str]) -> float:
    """Seconds for one first-seen pass over the batch in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, kind],
        input=json.dumps(prompts),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    return float(result.stdout.strip())


def _line(name: str, ours: float, base: float, count: int) -> None:
    rate, base_rate = count / ours, count / base
    verdict = "meets" if rate >= TARGET else "misses"
    print(
        f"{name:<28} {rate:>10,.0f} prompts/s   parse-only {base_rate:>10,.0f} prompts/s   "
        f"ratio {ours / base:5.2f}x   ({verdict} {TARGET:,.0f}/s)"
    )


def main() -> None:
    compile_bytecode()  # the children time the package as installed
    rows = read_danbooru_table(shared_data_dir() / "danbooru_tags.csv")
    prompts = make_prompts(rows)
    found = sum(len(lint(prompt)) for prompt in prompts)
    print(f"{PROMPTS} prompts of {TAGS} tags; {found} diagnostics with the default rules")
    parse_batch = _batch(parse_items, prompts)
    for name, call in (("lint (warm)", lint), ("fix (warm)", fix)):
        ours, base = paired(_batch(call, prompts), parse_batch, rounds=5)  # type: ignore[arg-type]
        _line(name, ours, base, PROMPTS)
    for kind in ("lint", "fix"):
        best_ours = best_base = float("inf")
        for _ in range(COLD_ROUNDS):
            best_ours = min(best_ours, _cold(kind, prompts))
            best_base = min(best_base, _cold("parse", prompts))
        _line(f"{kind} (first seen, cold)", best_ours, best_base, PROMPTS)


if __name__ == "__main__":
    main()
