"""Start-up (issue 9): cold processes of the command and the package, beside
``python -c "import pydantic"`` measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_startup.py [ROUNDS]`` (default 15 rounds).

Every figure is a cold process: a new interpreter each time, nothing cached in memory
but what the operating system keeps of the files. The package's bytecode is compiled
first, as ``pip install`` does. Each round runs every command once, in an order rotated
from round to round, so that all of them meet the same machine load; the table gives the
best and the median round of each, and their ratio to the baseline's best and median.
The verdict reads the best ratio (the usual way to read through a noisy machine); the
median ratio is printed beside it.

Targets (issue 9): ``aidxl-prompt --help`` and ``--version`` at most 1.5x the baseline
(the parser is built without importing pydantic; the version is read lazily),
``import aidxl_prompt`` at most 1.3x, and ``aidxl-prompt format "<the card's 30 tags>"``
(bench_compose's prompt; the library, the embedded vocabulary and pydantic load) at most
3x. ``python -c pass`` shows what the interpreter alone costs, and ``format_prompt`` of the
same prompt in ``python -c`` what format costs without the command line around it.
``aidxl-prompt lint`` of that prompt (issue 10; what a pre-commit hook pays per run, here
with the repository's ``pyproject.toml`` read for its configuration) is shown beside them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT
from bench_compose import THIRTY_TAGS, _compile

ROUNDS = 15

# What format costs without the command around it: the CLI's own share is the difference.
_LIBRARY_FORMAT = f"from aidxl_prompt import format_prompt; print(format_prompt({THIRTY_TAGS!r}))"


@dataclass(frozen=True)
class Case:
    """One command timed as a fresh process, and its target (None: shown, not judged)."""

    label: str
    command: tuple[str, ...]
    target: float | None


def _cases() -> list[Case]:
    python = sys.executable
    script = str(Path(python).with_name("aidxl-prompt"))
    return [
        Case('python -c "import pydantic" (baseline)', (python, "-c", "import pydantic"), None),
        Case('python -c "pass"', (python, "-c", "pass"), None),
        Case('python -c "import aidxl_prompt"', (python, "-c", "import aidxl_prompt"), 1.3),
        Case("aidxl-prompt --help", (script, "--help"), 1.5),
        Case("aidxl-prompt --version", (script, "--version"), 1.5),
        Case("aidxl-prompt format <the card's 30 tags>", (script, "format", THIRTY_TAGS), 3.0),
        Case("  the same through the library, no CLI", (python, "-c", _LIBRARY_FORMAT), None),
        Case(
            "aidxl-prompt lint <the card's 30 tags>",
            (script, "lint", "--exit-zero", THIRTY_TAGS),
            None,
        ),
    ]


def _environment() -> dict[str, str]:
    """This environment without the user's vocabulary and presets: the embedded data."""
    dropped = {"AIDXL_PROMPT_TAGS", "AIDXL_PROMPT_PRESETS"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


def measure(rounds: int) -> dict[Case, list[float]]:
    """Seconds of each case's process, one figure a round."""
    cases = _cases()
    env = _environment()
    times: dict[Case, list[float]] = {case: [] for case in cases}
    for case in cases:  # one untimed run each: the files are in the page cache for all
        subprocess.run(case.command, env=env, capture_output=True, check=True, cwd=REPO_ROOT)
    for index in range(rounds):
        shift = index % len(cases)
        for case in cases[shift:] + cases[:shift]:
            start = time.perf_counter()
            subprocess.run(case.command, env=env, capture_output=True, check=True, cwd=REPO_ROOT)
            times[case].append(time.perf_counter() - start)
    return times


def report(times: dict[Case, list[float]], rounds: int) -> None:
    """Print the table: best and median of each case, ratios to the baseline, verdicts."""
    baseline = next(iter(times))
    base_best, base_median = min(times[baseline]), statistics.median(times[baseline])
    print(f"start-up, {rounds} alternating rounds of cold processes (bytecode compiled)")
    print(f"  {'command':<44} {'best':>8} {'median':>8} {'x best':>7} {'x median':>9}  target")
    for case, figures in times.items():
        best, median = min(figures), statistics.median(figures)
        ratios = f"{best / base_best:>6.2f}x {median / base_median:>8.2f}x"
        verdict = ""
        if case.target is not None:
            met = "met" if best / base_best <= case.target else "NOT met"
            verdict = f"<= {case.target:.1f}x: {met}"
        print(f"  {case.label:<44} {best:>7.3f}s {median:>7.3f}s {ratios}  {verdict}")


def main(rounds: int = ROUNDS) -> None:
    """Compile the bytecode, time every case ``rounds`` times, print the table."""
    if rounds < 11:
        sys.exit("at least 11 rounds: fewer do not read through this machine's noise")
    _compile(REPO_ROOT / "src" / "aidxl_prompt")
    report(measure(rounds), rounds)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)
