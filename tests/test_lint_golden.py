"""The golden corpus: 50 real-world-style prompts with known problems, linted (every rule,
as ``select = ["ALL"]`` runs them) and fixed; the expected findings are in
``tests/cases/lint/expected.txt``, one line per diagnostic under each prompt.

To update after a deliberate change, review the diff of::

    AIDXL_UPDATE_GOLDEN=1 python -m pytest tests/test_lint_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

from aidxl_prompt.lint.config import LintConfig
from aidxl_prompt.lint.linter import fix, lint

CASES = Path(__file__).resolve().parent / "cases" / "lint"
CONFIG = LintConfig(select=("ALL",))


def _report(prompts: list[str]) -> str:
    lines: list[str] = []
    for number, prompt in enumerate(prompts, start=1):
        lines.append(f"# {number}: {prompt}")
        for found in lint(prompt, config=CONFIG):
            start, end = found.span
            related = "" if found.related is None else " (first at {}-{})".format(*found.related)
            lines.append(f"{found.code} {start}-{end} {found.name}: {found.message}{related}")
        fixed = fix(prompt)
        if fixed != prompt:
            lines.append(f"fixed: {fixed}")
    return "\n".join(lines) + "\n"


def test_golden_corpus() -> None:
    prompts = (CASES / "prompts.txt").read_text(encoding="utf-8").splitlines()
    assert len(prompts) == 50
    report = _report(prompts)
    expected_path = CASES / "expected.txt"
    if os.environ.get("AIDXL_UPDATE_GOLDEN"):
        expected_path.write_text(report, encoding="utf-8")
    assert report == expected_path.read_text(encoding="utf-8")


def test_golden_corpus_has_every_family() -> None:
    expected = (CASES / "expected.txt").read_text(encoding="utf-8")
    codes = {line.split()[0] for line in expected.splitlines() if line.startswith("AP")}
    assert {code[:3] for code in codes} == {"AP1", "AP2", "AP3", "AP4", "AP5", "AP6"}
    assert len(codes) >= 25
