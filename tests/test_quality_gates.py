"""The definition of done, checked where CI sees it: ruff and mypy --strict are clean."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

GATES = [
    ("ruff", ["-m", "ruff", "check", "src", "tests", "benchmarks", "scripts"]),
    ("ruff", ["-m", "ruff", "format", "--check", "src", "tests", "benchmarks", "scripts"]),
    ("mypy", ["-m", "mypy", "--strict", "src"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("tool", "arguments"), GATES, ids=[" ".join(a[1:3]) for _, a in GATES])
def test_quality_gate(tool: str, arguments: list[str]) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]' brings it)")
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
