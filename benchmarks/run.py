"""Run every benchmark and print its figures: ``.venv/bin/python benchmarks/run.py``.

Each section prints its own baselines, measured in the same run. The sections need the
shared Danbooru tables (``../shared/data`` or ``$AIDXL_SHARED_DATA``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_compose
import bench_core
import bench_lint
import bench_pipeline
import bench_prompts
import bench_startup
import bench_syntax
import bench_vocab

SECTIONS = (
    ("core (issue 2)", bench_core.main),
    ("vocabulary, classifier, suggestions (issue 3)", bench_vocab.main),
    ("card types, prompt files, expansion (issue 4)", bench_prompts.main),
    ("faithful composition (issue 8)", bench_compose.main),
    ("text layer against its peers (issue 9)", bench_syntax.main),
    ("parse into slots and render, uncommon tags (issue 9)", bench_pipeline.main),
    ("start-up (issues 8, 9 and 10)", bench_startup.main),
    ("linter (issue 10)", bench_lint.main),
)


def main() -> None:
    only = set(sys.argv[1:])
    for title, section in SECTIONS:
        if only and not any(word in title for word in only):
            continue
        print("=" * 100)
        print(title)
        print("=" * 100)
        start = time.perf_counter()
        section()
        print(f"[{title}: {time.perf_counter() - start:.1f} s]")
        print()


if __name__ == "__main__":
    main()
