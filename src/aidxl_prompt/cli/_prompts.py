"""CLI glue for prompt files: ``schema``, ``presets`` and ``expand``.

:func:`register` adds the three subcommands to the main parser's subparsers; each sets
``func`` to a handler that returns the exit code. Bad input raises an
:class:`~aidxl_prompt.errors.AidxlPromptError`, which ``cli.main`` prints as
``aidxl-prompt: error: <message>`` with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, get_args

from .._input import MAX_INPUT_BYTES
from ..files._modes import MODES, Mode
from ..syntax.normalize import DIALECTS, Dialect

if TYPE_CHECKING:
    from ..files.presets import PresetLibrary

# The modules behind each command are imported when it runs, so that every command
# starts without loading the others' (prompt files, presets, expansion).

__all__ = ["add_max_bytes_option", "register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schema``, ``presets`` and ``expand`` to the CLI."""
    schema = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of prompt files",
        description="Print the JSON Schema of the prompt-file format (for editors).",
    )
    schema.set_defaults(func=_schema)

    presets = subparsers.add_parser(
        "presets",
        help="list the presets (built-in and user folders)",
        description="List presets, or show one rendered with --show.",
    )
    _add_presets_dir(presets)
    presets.add_argument("--show", metavar="NAME", help="render one preset")
    presets.add_argument("--dialect", "-d", choices=DIALECTS, default="a1111")
    add_max_bytes_option(presets)
    presets.set_defaults(func=_presets)

    expand_parser = subparsers.add_parser(
        "expand",
        help="expand a prompt file's alternatives into a seeded batch",
        description=(
            "Expand the `choose` entries of a prompt file into prompts. The same seed "
            "gives the same batch on every machine."
        ),
    )
    expand_parser.add_argument("file", metavar="FILE", help="a prompt file (YAML)")
    expand_parser.add_argument(
        "-n", type=int, default=None, help="how many prompts (default: mode-dependent)"
    )
    expand_parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    expand_parser.add_argument("--mode", choices=MODES, default="random")
    expand_parser.add_argument(
        "--no-repeats",
        action="store_true",
        help="random mode: never draw the same combination twice",
    )
    expand_parser.add_argument("--format", choices=("text", "jsonl"), default="text")
    expand_parser.add_argument("--dialect", "-d", choices=DIALECTS, default="a1111")
    expand_parser.add_argument(
        "--order", default="documented", help="slot order preset (default: documented)"
    )
    _add_presets_dir(expand_parser)
    add_max_bytes_option(expand_parser)
    expand_parser.set_defaults(func=_expand)


def add_max_bytes_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-bytes N``: input (a prompt, a prompt file, a preset) larger than N
    bytes is refused before it is parsed."""
    parser.add_argument(
        "--max-bytes",
        type=_byte_count,
        default=MAX_INPUT_BYTES,
        metavar="N",
        help=f"refuse input larger than N bytes, before parsing it (default: {MAX_INPUT_BYTES})",
    )


def _byte_count(value: str) -> int:
    count = int(value) if value.isdigit() else 0  # isdigit: no sign, no spaces
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {value!r}")
    return count


def _add_presets_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--presets-dir",
        action="append",
        metavar="DIR",
        help="a folder of user presets (repeatable; default: $AIDXL_PROMPT_PRESETS)",
    )


def _library(args: argparse.Namespace) -> PresetLibrary:
    from ..files.presets import PresetLibrary  # noqa: PLC0415 (loaded when a command needs it)

    return PresetLibrary.from_env(args.presets_dir, max_bytes=args.max_bytes)


def _dialect(value: str) -> Dialect:
    for dialect in get_args(Dialect):
        if value == dialect:
            return dialect  # type: ignore[no-any-return]
    raise ValueError(f"unknown dialect {value!r}")  # argparse's choices prevent this


def _mode(value: str) -> Mode:
    for mode in MODES:
        if value == mode:
            return mode
    raise ValueError(f"unknown mode {value!r}")  # argparse's choices prevent this


def _schema(args: argparse.Namespace) -> int:
    del args
    from ..files.prompt_file import prompt_file_schema  # noqa: PLC0415 (loaded when needed)

    sys.stdout.write(json.dumps(prompt_file_schema(), indent=2) + "\n")
    return 0


def _presets(args: argparse.Namespace) -> int:
    from ..files.presets import list_presets, load_preset  # noqa: PLC0415 (loaded when needed)

    library = _library(args)
    if args.show:
        prompt = load_preset(args.show, library)
        dialect = _dialect(args.dialect)
        sys.stdout.write(prompt.render(dialect) + "\n")
        if prompt.negative:
            sys.stdout.write("Negative prompt: " + prompt.render_negative(dialect) + "\n")
        return 0
    infos = list_presets(library)
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        where = "" if info.builtin else f"  [{info.path}]"
        sys.stdout.write(f"{info.name:<{width}}  {info.description}{where}\n")
    return 0


def _expand(args: argparse.Namespace) -> int:
    from ..files.expand import expand  # noqa: PLC0415 (loaded when needed)

    dialect = _dialect(args.dialect)
    variations = expand(
        args.file,
        _mode(args.mode),
        n=args.n,
        seed=args.seed,
        replace=not args.no_repeats,
        library=_library(args),
        max_bytes=args.max_bytes,
    )
    for variation in variations:
        prompt = variation.prompt
        positive = prompt.render(dialect, order=args.order)
        if args.format == "text":
            sys.stdout.write(positive + "\n")
            continue
        record = {
            "index": variation.index,
            "seed": args.seed,
            "mode": args.mode,
            "prompt": positive,
            "negative": prompt.render_negative(dialect),
            "choices": {pick.id: pick.index for pick in variation.choices.picks},
            "labels": {pick.id: pick.label for pick in variation.choices.picks},
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0
