"""Core throughput (issue 2): normalize, parse_tags, render, format, and parse scaling.

Run: ``.venv/bin/python benchmarks/bench_core.py`` (or ``benchmarks/run.py`` for all).

Workload: 400 A1111 prompts of 20-40 tags drawn (fixed seed) from danbooru_tags.csv
with probability proportional to post count, about 15% weighted ``(tag:w)``, names with
parentheses escaped, and one ``<lora:...>`` each. Every figure stands beside a bare
baseline measured in the same run; the ratio is ours / baseline (lower is better).
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import paired, read_danbooru_table, shared_data_dir
from aidxl_prompt import (
    Tag,
    escape,
    format_prompt,
    normalize_tag,
    parse_items,
    parse_tags,
    render_items,
)

SEED = 20261126
PROMPTS = 400
WEIGHTS = ("1.1", "1.2", "0.8", "1.3", "0.9", "1.15")


def make_workload(
    rows: list[tuple[str, int, int]], count: int = PROMPTS
) -> tuple[list[str], list[list[str]]]:
    """Realistic A1111 prompts (see the module docstring), and for each prompt the
    Danbooru names it was built from, as Danbooru writes them."""
    rng = random.Random(SEED)
    names = [row[0] for row in rows]
    counts = [row[2] for row in rows]
    prompts = []
    drawn = []
    for _ in range(count):
        parts = []
        chosen = rng.choices(names, counts, k=rng.randint(20, 40))
        for name in chosen:
            text = escape(normalize_tag(name))
            parts.append(f"({text}:{rng.choice(WEIGHTS)})" if rng.random() < 0.15 else text)
        parts.insert(rng.randint(0, len(parts)), "<lora:aidxl_style_v2:0.8>")
        prompts.append(", ".join(parts))
        drawn.append(chosen)
    return prompts, drawn


def make_prompts(rows: list[tuple[str, int, int]], count: int = PROMPTS) -> list[str]:
    """Realistic A1111 prompts (see the module docstring)."""
    return make_workload(rows, count)[0]


# --- the bare baselines: the least code that does the same job on this workload --------


def bare_normalize(name: str) -> str:
    """Underscores to spaces, strip, lower: no NFKC, no escapes, no kaomoji."""
    return name.replace("_", " ").strip().lower()


def bare_parse(prompt: str) -> list[tuple[str, float]]:
    """split(","), strip, one "(text:w)" check, replace the escapes: no nesting, no spans."""
    pairs = []
    for raw in prompt.split(","):
        segment = raw.strip()
        if segment.startswith("(") and segment.endswith(")") and ":" in segment:
            text, weight = segment[1:-1].rsplit(":", 1)
            pairs.append((text.replace("\\(", "(").replace("\\)", ")"), float(weight)))
        else:
            pairs.append((segment.replace("\\(", "(").replace("\\)", ")"), 1.0))
    return pairs


def bare_render(pairs: list[tuple[str, float]]) -> str:
    """A bare join: "text" or "(text:w)" with repr floats, no escaping."""
    return ", ".join(text if weight == 1.0 else f"({text}:{weight})" for text, weight in pairs)


def row(label: str, ours: float, base: float, unit: str, per: int, target: float | None) -> str:
    """One line: our rate, the baseline's rate, and the ratio of times."""
    ratio = ours / base
    verdict = ""
    if target is not None:
        verdict = f"  target <= {target:g}x: {'met' if ratio <= target else 'NOT met'}"
    return (
        f"  {label:<12} {per / ours:>12,.0f} {unit}/s   baseline {per / base:>12,.0f} {unit}/s"
        f"   ratio {ratio:5.2f}x{verdict}"
    )


def throughput(prompts: list[str], names: list[str]) -> None:
    tags_total = sum(len(parse_tags(prompt)) for prompt in prompts)
    items = [parse_tags(prompt) for prompt in prompts]
    pairs = [[(item.text, item.weight) for item in its if isinstance(item, Tag)] for its in items]
    sample = names[:20000]

    def run_all(function: Callable[[str], object], inputs: list[str]) -> Callable[[], None]:
        def loop() -> None:
            for value in inputs:
                function(value)

        return loop

    normalize_ours, normalize_base = paired(
        run_all(normalize_tag, sample), run_all(bare_normalize, sample)
    )
    parse_ours, parse_base = paired(run_all(parse_tags, prompts), run_all(bare_parse, prompts))

    def render_ours() -> None:
        for its in items:
            render_items(its)

    def render_base() -> None:
        for its in pairs:
            bare_render(its)

    render_ours_time, render_base_time = paired(render_ours, render_base)

    def format_base_one(prompt: str) -> str:
        return bare_render(bare_parse(prompt))

    format_ours, format_base = paired(
        run_all(format_prompt, prompts), run_all(format_base_one, prompts), rounds=3
    )

    counts = f"{len(prompts)} prompts, {tags_total:,} tags; normalize: {len(sample):,} names"
    print(f"throughput ({counts})")
    print(row("normalize", normalize_ours, normalize_base, "tags", len(sample), None))
    print(row("parse_tags", parse_ours, parse_base, "tags", tags_total, 3.0))
    print(row("render", render_ours_time, render_base_time, "tags", tags_total, 2.0))
    print(row("format", format_ours, format_base, "tags", tags_total, None))
    print(
        "  (best of 9 alternating rounds, caches warm: parse keeps the items of the segments "
        "it has read and a tag its A1111 fragment, as a batch repeats its tags; "
        "bench_syntax.py times first-seen inputs)"
    )


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "nested ((..a..))": lambda n: "(" * (n // 2) + "a" + ")" * (n // 2),
    "unclosed ((((": lambda n: "(" * n,
    "stray ))))": lambda n: ")" * n,
    "(x (x (x ... )))": lambda n: "(x " * (n // 4) + ")" * (n // 4),
    "[x [x ... ]]": lambda n: "[x " * (n // 4) + "]" * (n // 4),
    "(a) (a) flat": lambda n: "(a) " * (n // 4),
    "[a:b:5] flat": lambda n: "[a:b:5] " * (n // 8),
    "backslashes": lambda n: "\\" * n,
}
_SIZES = (1_000, 10_000, 100_000, 1_000_000)
_ONE_PASS = re.compile(r"[\\()\[\]:,]")


def scaling() -> None:
    print()
    print("adversarial parse scaling (a1111): seconds, and per-KB time relative to 1 KB")
    print("  baseline: one regex pass over the same text (re.findall of the syntax characters)")
    header = "  " + f"{'input':<20}" + "".join(f"{size // 1000:>9} KB" for size in _SIZES)
    print(header + "   growth 1KB->1MB per KB   1MB vs baseline")
    for name, make in ADVERSARIAL.items():
        cells = []
        per_kb = []
        for size in _SIZES:
            text = make(size)
            start = time.perf_counter()
            parse_items(text)
            elapsed = time.perf_counter() - start
            cells.append(f"{elapsed:>11.4f}s")
            per_kb.append(elapsed / (len(text) / 1000))
        text = make(_SIZES[-1])
        start = time.perf_counter()
        _ONE_PASS.findall(text)
        base = time.perf_counter() - start
        ratio = (per_kb[-1] * len(text) / 1000) / base
        growth = per_kb[-1] / per_kb[0]
        print(f"  {name:<20}" + "".join(cells) + f"   {growth:8.2f}x" + f"   {ratio:14.1f}x")
    print("  (growth near 1x means linear time; quadratic would show ~1000x)")


def main() -> None:
    data = shared_data_dir()
    rows = read_danbooru_table(data / "danbooru_tags.csv")
    names = [row[0] for row in rows]
    prompts = make_prompts(rows)
    print("aidxl-prompt core benchmark")
    print(f"  python {sys.version.split()[0]}, seed {SEED}")
    print(f"  example prompt: {prompts[0][:110]}...")
    print()
    throughput(prompts, names)
    scaling()


if __name__ == "__main__":
    main()
