"""CLI glue for prompt files: ``schema``, ``presets`` and ``expand``.

:func:`register` adds the three subcommands to the main parser's subparsers; each sets
a handler that takes the arguments and the environment and returns the exit code. Bad
input raises an :class:`~aidxl_prompt.errors.AidxlPromptError`, which ``cli.main`` prints
as ``aidxl-prompt: error: <message>`` with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import cast

from ..files._modes import MODES, Mode
from . import _options
from ._options import PROG

# The modules behind each command are imported when it runs, so that every command
# starts without loading the others' (prompt files, presets, expansion).

__all__ = ["register"]


_SCHEMA_HELP = f"""
print the JSON Schema of prompt files

Print the JSON Schema of the prompt-file format (for editors).

example:
  {PROG} schema > prompt-file.schema.json
"""

_PRESETS_HELP = f"""
list the presets (built-in and user folders)

List presets, or show one rendered with --show.

examples:
  {PROG} presets --presets-dir examples/presets
  {PROG} presets --show quality-amazing -d comfyui
"""

_EXPAND_HELP = f"""
expand a prompt file's alternatives into a seeded batch

Expand the `choose` entries of a prompt file into prompts. The same seed gives the same
batch on every machine.

examples:
  {PROG} expand examples/variations.yaml -n 8 --seed 7
  {PROG} expand examples/variations.yaml --mode combinatorial -n 4 --format jsonl
"""

_RENDERS = ("--dialect", "--order", "--presets-dir", "--max-bytes")  # prompts, with presets


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schema``, ``presets`` and ``expand`` to the CLI."""
    _options.add_command(subparsers, "schema", _schema, _SCHEMA_HELP)
    presets = _options.add_command(subparsers, "presets", _presets, _PRESETS_HELP, _RENDERS)
    presets.add_argument("--show", metavar="NAME", help="render one preset")
    expand = _options.add_command(
        subparsers, "expand", _expand, _EXPAND_HELP, ("--format", "--seed", *_RENDERS)
    )
    expand.add_argument("file", metavar="FILE", help="a prompt file (YAML)")
    expand.add_argument(
        "-n", type=int, default=None, help="how many prompts (default: mode-dependent)"
    )
    expand.add_argument(
        "--mode", choices=MODES, default="random", help="how to pick (default: random)"
    )
    expand.add_argument(
        "--no-repeats",
        action="store_true",
        help="random mode: never draw the same combination twice",
    )


def _schema(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    del args, environ
    from ..files.prompt_file import prompt_file_schema  # noqa: PLC0415 (loaded when needed)

    sys.stdout.write(json.dumps(prompt_file_schema(), indent=2) + "\n")
    return 0


def _presets(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..files.presets import list_presets, load_preset  # noqa: PLC0415 (loaded when needed)

    library = _options.preset_library(args, environ)
    if args.show:
        how = _options.rendering(args)
        prompt = load_preset(args.show, library)
        sys.stdout.write(_options.render(prompt, how) + "\n")
        if prompt.negative:
            sys.stdout.write("Negative prompt: " + _options.render_negative(prompt, how) + "\n")
        return 0
    infos = list_presets(library)
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        where = "" if info.builtin else f"  [{info.path}]"
        sys.stdout.write(f"{info.name:<{width}}  {info.description}{where}\n")
    return 0


def _expand(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..files.expand import expand  # noqa: PLC0415 (loaded when needed)

    how = _options.rendering(args)
    seed = 0 if args.seed is None else args.seed
    variations = expand(
        args.file,
        cast("Mode", args.mode),  # argparse checked the choice
        n=args.n,
        seed=seed,
        replace=not args.no_repeats,
        library=_options.preset_library(args, environ),
        max_bytes=args.max_bytes,
    )
    if args.format == "text":
        for variation in variations:
            sys.stdout.write(_options.render(variation.prompt, how) + "\n")
        return 0
    records = (
        {
            "index": variation.index,
            "seed": seed,
            "mode": args.mode,
            "prompt": _options.render(variation.prompt, how),
            "negative": _options.render_negative(variation.prompt, how),
            "choices": {pick.id: pick.index for pick in variation.choices.picks},
            "labels": {pick.id: pick.label for pick in variation.choices.picks},
        }
        for variation in variations
    )
    _options.write_records(records, args.format)
    return 0
