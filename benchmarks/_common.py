"""Helpers shared by the benchmark scripts: where the tables are, and timing."""

from __future__ import annotations

import csv
import gc
import json
import os
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from io import BytesIO
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


def paired(
    ours: Callable[[], object], base: Callable[[], object], *, rounds: int = 9
) -> tuple[float, float]:
    """Seconds per call of ``ours`` and ``base``, timed in alternating rounds.

    Alternating puts both under the same machine load; each figure is the best round,
    the usual way to read through noise on a shared machine.
    """
    calls_ours = _calls_for(ours, 0.1)
    calls_base = _calls_for(base, 0.1)
    best_ours = best_base = float("inf")
    gc.collect()
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls_ours):
            ours()
        best_ours = min(best_ours, (time.perf_counter() - start) / calls_ours)
        start = time.perf_counter()
        for _ in range(calls_base):
            base()
        best_base = min(best_base, (time.perf_counter() - start) / calls_base)
    return best_ours, best_base


def _calls_for(function: Callable[[], object], seconds: float) -> int:
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4:
            return max(1, int(calls * seconds / elapsed))
        calls *= 2


def unpack_commit(commit: str, paths: list[str], folder: Path) -> Path:
    """``paths`` of ``commit`` (``git archive``), unpacked into ``folder``; returns it.

    The "before" side of a before/after benchmark runs from such a copy.
    """
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *paths],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def run_child(code: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``python -c code args...`` in a fresh process; its stdout is a JSON object."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def compile_bytecode(package: Path = REPO_ROOT / "src" / "aidxl_prompt") -> None:
    """Compile the package's bytecode, as ``pip install`` does: an editable checkout
    with PYTHONDONTWRITEBYTECODE would recompile every module (and each lazily imported
    one inside a timed loop) at every start, which no installed user meets."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], capture_output=True, check=True
    )
