"""The README's and the docs' examples run, and show what they print.

The Python sessions (``>>>``) run as doctests; the other Python blocks and every
``aidxl-prompt`` command of the ``sh``/``console`` blocks run in a temporary copy of the
examples, as on a fresh clone: no ``../shared`` data (``$AIDXL_SHARED_DATA`` points to a
missing folder), no user vocabulary or presets in the environment, ``HOME`` empty. A
command shown after ``$ `` must print exactly the lines shown under it; a command shown
without a prompt must succeed.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCUMENTS = (README, *sorted((REPO_ROOT / "docs").glob("*.md")))
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
# A command line: optional VAR=value assignments, then the program.
_COMMAND = re.compile(r"(?:[A-Z_]+=\S+ )*aidxl-prompt\b")


@dataclass(frozen=True)
class Example:
    """One example: where it is, what it runs, and what it shows (None: not shown)."""

    where: str
    kind: str  # "doctest", "python" or "command"
    code: str
    shown: str | None = None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def collect(path: Path) -> list[Example]:
    """The examples of one Markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(REPO_ROOT).as_posix()
    examples: list[Example] = []
    for found in _BLOCK.finditer(text):
        language, body = found.group(1), found.group(2)
        where = f"{name}:{_line_of(text, found.start())}"
        if language == "python":
            kind = "doctest" if body.lstrip().startswith(">>>") else "python"
            examples.append(Example(where, kind, body))
        elif language in ("sh", "console"):
            examples.extend(_commands(where, body))
    return examples


def _commands(where: str, body: str) -> list[Example]:
    examples: list[Example] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("$ "):
            shown: list[str] = []
            while index < len(lines) and not lines[index].startswith("$ "):
                shown.append(lines[index])
                index += 1
            examples.append(Example(where, "command", line[2:], "\n".join(shown) + "\n"))
        elif _COMMAND.match(line):
            examples.append(Example(where, "command", line))
    return examples


EXAMPLES = [example for path in DOCUMENTS for example in collect(path)]

# Examples that name a file of the reader's own: they cannot run on a fresh clone.
# (command or first code line, why) -- each must still fail, so the list stays honest.
PLACEHOLDERS: dict[str, str] = {}


def _first_line(example: Example) -> str:
    return example.code.strip().splitlines()[0]


def _params() -> list[object]:
    params: list[object] = []
    for example in EXAMPLES:
        marks = []
        reason = PLACEHOLDERS.get(_first_line(example))
        if reason is not None:
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        params.append(pytest.param(example, id=f"{example.where}:{example.kind}", marks=marks))
    return params


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A working folder holding the examples, and the environment of a fresh clone."""
    folder = tmp_path_factory.mktemp("clone")
    shutil.copytree(REPO_ROOT / "examples", folder / "examples")
    (folder / "home").mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AIDXL_") and key != "HOME"
    }
    env["HOME"] = str(folder / "home")
    env["AIDXL_SHARED_DATA"] = str(folder / "no-shared-data")
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    return folder, env


def test_documents_have_examples() -> None:
    kinds = {(example.where.split(":")[0], example.kind) for example in EXAMPLES}
    assert {
        ("README.md", "doctest"),
        ("README.md", "command"),
        ("docs/vocabulary.md", "doctest"),
        ("docs/vocabulary.md", "command"),
        ("docs/prompt_files.md", "command"),
    } <= kinds


def test_placeholders_are_still_in_the_documents() -> None:
    assert set(PLACEHOLDERS) <= {_first_line(example) for example in EXAMPLES}


@pytest.mark.parametrize("example", _params())
def test_example_runs(
    example: Example,
    fresh_clone: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, env = fresh_clone
    if example.kind == "command":
        done = subprocess.run(
            example.code,
            shell=True,
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout
        if example.shown is not None:
            assert done.stdout == example.shown
        return
    monkeypatch.chdir(folder)
    for key in [key for key in os.environ if key.startswith("AIDXL_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AIDXL_SHARED_DATA", env["AIDXL_SHARED_DATA"])
    monkeypatch.setenv("HOME", env["HOME"])
    if example.kind == "python":
        exec(compile(example.code, example.where, "exec"), {"print": lambda *args: None})
        return
    test = doctest.DocTestParser().get_doctest(example.code, {}, example.where, example.where, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} example(s) at {example.where} failed"
