"""The ``lint`` subcommand: the linter's findings on prompts and prompt text files,
``--fix`` and ``--diff``, written as text, JSON, GitHub annotations or SARIF.

The command is glue over :mod:`aidxl_prompt.lint`: the configuration is
``[tool.aidxl-prompt.lint]`` of the nearest ``pyproject.toml`` (``--config`` names
another) with ``--select``/``--ignore``/``--extend-select`` applied over it; a file is
linted with ``lint_lines`` (one prompt per line, or A1111 infotext) and fixed line by
line with ``fix``, the file being rebuilt here. A YAML prompt file (``.yaml``, ``.yml``)
is linted with ``lint_prompt_file``, each finding at its YAML line, and fixed in place
with ``fix_prompt_file``. A fixed file is written back atomically (a temporary file
beside it, then renamed over it).

Exit codes: 0 clean, 1 findings (with ``--diff``: a file would change), 2 usage,
configuration or file errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from ..errors import AidxlPromptError
from . import _options
from ._lint_output import (
    Linted,
    github_report,
    records,
    sarif_report,
    statistics,
    statistics_text,
    text_report,
)
from ._options import PROG

if TYPE_CHECKING:
    from ..files.presets import PresetLibrary
    from ..lint.config import LintConfig
    from ..vocab.vocabulary import Vocabulary

__all__ = ["LINT_FORMATS", "register"]

LINT_FORMATS = ("text", "json", "jsonl", "github", "sarif")
"""``lint --format``: the shared formats, GitHub Actions annotations and SARIF 2.1.0."""

_YAML_SUFFIXES = (".yaml", ".yml")
_NEGATIVE = "Negative prompt:"
_SETTINGS_LINE = "Steps:"

_LINT_HELP = f"""
find what will not work as meant in prompts; --fix repairs

Lint prompts given as arguments and prompt text files given with -f: one prompt per
line (blank lines and '#' comments skipped), or A1111 infotext, whose 'Negative prompt:'
line is linted as the negative of the prompt before it and whose 'Steps: ...' line is
checked against the card's settings (the AP7 rules). A YAML prompt file (.yaml, .yml)
has its entries and its settings linted, each finding at its line in the YAML (the slot
order is left out: a file is rendered in the card's order); --fix re-writes only the
fixed entries, keeping comments, order and quoting.

Rules (docs/rules.md) and their settings come from [tool.aidxl-prompt.lint] in the
nearest pyproject.toml (from the current folder up; --config names one); --select,
--ignore and --extend-select take comma-separated code prefixes (AP1, AP201, ALL).
--fix writes fixed files back and prints fixed prompt arguments (the findings left then
go to stderr); --diff writes nothing and prints what --fix would change.

Output: text (FILE:LINE:COL: CODE message, the line and a caret; [*] marks what --fix
repairs), json or jsonl (the findings' records), github (GitHub Actions annotations),
sarif (SARIF 2.1.0, for code scanning). Exit codes: 0 clean, 1 findings (with --diff:
changes), 2 usage, configuration or file errors.

examples:
  {PROG} lint "best_quality, 1girl, (smile:1)"
  {PROG} lint -f examples/prompt.txt --statistics
  {PROG} lint -f examples/prompt.txt --fix --diff
  {PROG} lint -f examples/prompt.txt --format sarif > lint.sarif
  {PROG} lint -f examples/prompt.txt examples/frieren.yaml
"""


def _codes(value: str) -> tuple[str, ...]:
    """``--select AP1,AP201``: the prefixes (checked by the linter's configuration)."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lint`` subcommand to the main parser."""
    parser = _options.add_command(
        subparsers, "lint", _lint, _LINT_HELP, ("--tags", "--presets-dir", "--max-bytes")
    )
    _options.add_format(parser, LINT_FORMATS)
    parser.add_argument("prompt", nargs="*", metavar="PROMPT", help="prompts to lint")
    parser.add_argument(
        "-f",
        "--file",
        dest="files",
        action="extend",
        nargs="+",
        default=[],
        metavar="FILE",
        help="prompt text files ('-' reads standard input); give prompts before -f",
    )
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes")
    parser.add_argument(
        "--diff", action="store_true", help="print what --fix would change; write nothing"
    )
    for option, what in (
        ("--select", "run only these rules (replaces the configuration's)"),
        ("--ignore", "do not run these rules"),
        ("--extend-select", "run these rules too"),
    ):
        parser.add_argument(option, type=_codes, metavar="CODES", help=what)
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument(
        "--statistics", action="store_true", help="print how often each rule was broken"
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="the pyproject.toml to read (default: nearest)"
    )


class _Source(NamedTuple):
    """A text to lint: its name in output, its file (None: an argument or stdin), text,
    and whether it is a YAML prompt file."""

    name: str
    path: str | None
    text: str
    yaml: bool = False


class _Run(NamedTuple):
    """What every source is linted with; the preset library is built when a YAML
    prompt file first needs it (a text lint never loads the prompt-file modules)."""

    config: LintConfig
    vocabulary: Vocabulary
    presets: Callable[[], PresetLibrary]


def _lint(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    if not args.prompt and not args.files:
        raise AidxlPromptError("nothing to lint: give a PROMPT or -f FILE")
    if args.statistics and args.format in ("github", "sarif"):
        raise AidxlPromptError(f"--statistics prints text, json or jsonl, not {args.format}")
    presets = functools.cache(functools.partial(_options.preset_library, args, environ))
    run = _Run(_config(args), _options.vocabulary(args, environ), presets)
    sources = list(_sources(args))
    if args.diff:
        return _exit(args, any(_print_diff(source, run) for source in sources))
    report = sys.stdout
    if args.fix:
        sources = [_fix_source(source, run) for source in sources]
        if any(source.path is None for source in sources):
            report = sys.stderr  # the fixed prompts are the output
    linted = [_lint_source(source, run) for source in sources]
    _write_report(linted, args, report)
    return _exit(args, any(source.diagnostics for source in linted))


def _exit(args: argparse.Namespace, found: bool) -> int:
    return 1 if found and not args.exit_zero else 0


# --- configuration and sources ---------------------------------------------------------


def _config(args: argparse.Namespace) -> LintConfig:
    """The pyproject configuration with the command line's selections over it."""
    from ..lint.config import LintConfig, load_lint_config  # noqa: PLC0415 (when run)

    path = Path(args.config) if args.config else _nearest_pyproject(Path.cwd())
    config = load_lint_config(path) if path is not None else LintConfig()
    return dataclasses.replace(
        config,
        select=config.select if args.select is None else args.select,
        ignore=(*config.ignore, *(args.ignore or ())),
        extend_select=(*config.extend_select, *(args.extend_select or ())),
    )


def _nearest_pyproject(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def _sources(args: argparse.Namespace) -> Iterator[_Source]:
    from .._input import read_text_file  # noqa: PLC0415 (the files are read when run)

    for index, prompt in enumerate(args.prompt, start=1):
        name = "<prompt>" if len(args.prompt) == 1 else f"<prompt {index}>"
        yield _Source(name, None, _options.read_prompt(prompt, args.max_bytes))
    for file in args.files:
        if file == "-":
            yield _Source("<stdin>", None, _options.read_prompt("-", args.max_bytes))
        else:
            text = read_text_file(Path(file), max_bytes=args.max_bytes)
            yield _Source(file, file, text, _is_yaml(file))


def _is_yaml(file: str) -> bool:
    return file.lower().endswith(_YAML_SUFFIXES)


# --- lint, fix, report -------------------------------------------------------------------


def _lint_source(source: _Source, run: _Run) -> Linted:
    from ..lint.linter import lint_lines  # noqa: PLC0415 (loaded when the command runs)

    if source.yaml:
        from ..lint.prompt_file import lint_prompt_file  # noqa: PLC0415 (YAML files only)

        found = lint_prompt_file(
            source.text,
            path=source.path,
            library=run.presets(),
            vocabulary=run.vocabulary,
            config=run.config,
        )
        return Linted(source.name, source.path, source.text, tuple(found))
    found = lint_lines(
        source.text,
        path=source.path,
        dialect=run.config.dialects[0],
        vocabulary=run.vocabulary,
        config=run.config,
    )
    return Linted(source.name, source.path, source.text, tuple(found))


class _Entry(NamedTuple):
    """A prompt line of a file: its line's index, where the prompt starts, the prompt, and
    whether it is a negative prompt (``Negative prompt: ...``)."""

    line_index: int
    start: int
    prompt: str
    negative: bool


def _entries(lines: Sequence[str]) -> list[_Entry]:
    """The prompt lines, as ``lint_lines`` reads them (blank, ``#`` and settings lines
    skipped)."""
    entries = []
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped or stripped.startswith("#") or body.startswith(_SETTINGS_LINE):
            continue
        if body.startswith(_NEGATIVE):
            rest = body[len(_NEGATIVE) :]
            start = len(_NEGATIVE) + len(rest) - len(rest.lstrip())
            entries.append(_Entry(index, start, body[start:], True))
        else:
            entries.append(_Entry(index, 0, body, False))
    return entries


def _fixed(source: _Source, run: _Run) -> str:
    """The text with every safe fix made: a YAML prompt file's entries in place, a text
    line by line (a negative prompt paired with the prompt before it, as ``lint_lines``
    pairs them)."""
    from ..lint.linter import fix  # noqa: PLC0415 (loaded when the command runs)

    if source.yaml:
        from ..lint.prompt_file import fix_prompt_file  # noqa: PLC0415 (YAML files only)

        return fix_prompt_file(
            source.text,
            path=source.path,
            library=run.presets(),
            vocabulary=run.vocabulary,
            config=run.config,
        )
    config = _config_for(run.config, source.path)
    lines = source.text.splitlines(keepends=True)
    entries = _entries(lines)
    for position, entry in enumerate(entries):
        following = entries[position + 1] if position + 1 < len(entries) else None
        paired = following.prompt if following is not None and following.negative else None
        fixed = fix(
            entry.prompt,
            dialect=config.dialects[0],
            vocabulary=run.vocabulary,
            config=config,
            negative=None if entry.negative else paired,
            is_negative=entry.negative,
        )
        line = lines[entry.line_index]
        end = entry.start + len(entry.prompt)
        lines[entry.line_index] = line[: entry.start] + fixed + line[end:]
    return "".join(lines)


def _config_for(config: LintConfig, path: str | None) -> LintConfig:
    """``config`` with the file's per-file ignores folded in (``fix`` takes no path)."""
    if path is None or not config.per_file_ignores:
        return config
    codes = tuple(sorted(config.codes(path)))
    return dataclasses.replace(
        config, select=codes, ignore=(), extend_select=(), per_file_ignores={}
    )


def _print_diff(source: _Source, run: _Run) -> bool:
    """Print the unified diff ``--fix`` would make; whether there is one."""
    import difflib  # noqa: PLC0415 (--diff only)

    fixed = _fixed(source, run)
    diff = difflib.unified_diff(
        source.text.splitlines(keepends=True),
        fixed.splitlines(keepends=True),
        fromfile=source.name,
        tofile=source.name,
    )
    for line in diff:
        sys.stdout.write(line if line.endswith("\n") else line + "\n")
    return fixed != source.text


def _fix_source(source: _Source, run: _Run) -> _Source:
    """Fix a source: a file is written back, a prompt argument printed."""
    fixed = _fixed(source, run)
    if source.path is None:
        sys.stdout.write(fixed if fixed.endswith("\n") else fixed + "\n")
    elif fixed != source.text:
        _write_back(Path(source.path), fixed)
    return source._replace(text=fixed)


def _write_back(path: Path, text: str) -> None:
    """Replace the file's text atomically: a reader (or a crash) never sees half a file.
    The temporary file is beside the file (``os.replace`` cannot cross file systems)
    and takes its permissions; a symbolic link is followed, not replaced."""
    # (imported here: every command loads this module, and these two cost 4 ms a start)
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    target = path.resolve()
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            newline="",
            dir=target.parent,
            prefix=f".{target.name}.",
            delete=False,
        ) as handle:
            temporary = Path(handle.name)
            handle.write(text)
        shutil.copymode(target, temporary)
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def _write_report(linted: Sequence[Linted], args: argparse.Namespace, stream: IO[str]) -> None:
    if args.statistics:
        rows = statistics(linted)
        if args.format == "text":
            stream.write(statistics_text(rows))
        else:
            _options.write_records(rows, args.format, stream)
    elif args.format == "text":
        stream.write(text_report(linted))
    elif args.format == "github":
        stream.write(github_report(linted))
    elif args.format == "sarif":
        from .. import __version__  # noqa: PLC0415 (read from the metadata only here)

        _options.write_json(sarif_report(linted, __version__), stream)
    else:
        _options.write_records(records(linted), args.format, stream)
