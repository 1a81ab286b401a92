"""Helpers shared by the benchmark scripts: where the tables are, and timing."""

from __future__ import annotations

import csv
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``$AIDXL_SHARED_DATA`` or ``../shared/data``; exits with a message if absent."""
    configured = os.environ.get("AIDXL_SHARED_DATA")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not (path / "danbooru_tags.csv").is_file():
        sys.exit(
            f"benchmarks need the shared Danbooru tables: {path}/danbooru_tags.csv not found "
            "(set AIDXL_SHARED_DATA)"
        )
    return path


def read_danbooru_table(path: Path) -> list[tuple[str, int, int]]:
    """(name, category, post count) rows of the tag-autocomplete CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row[0], int(row[1]), int(row[2])) for row in csv.reader(handle) if row]


def best_of(function: Callable[[], object], *, repeat: int = 5, min_time: float = 0.2) -> float:
    """Seconds per call: the best of ``repeat`` rounds, each at least ``min_time`` long."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time / 4:
            break
        calls *= 2
    calls = max(1, int(calls * (min_time / max(elapsed, 1e-9))))
    best = float("inf")
    gc.collect()
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - start) / calls)
    return best
