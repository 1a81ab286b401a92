"""The ``aidxl-prompt`` command.

``main(argv) -> int`` returns the exit code: 0 success, 1 "nothing found" where a
command says so, 2 a usage or input error (one line on stderr naming the problem).

Subcommands: ``format`` (parse, normalise, order, render a prompt), ``render`` (a YAML
prompt file), plus ``suggest``/``classify`` (:mod:`._cli_vocab`) and
``schema``/``presets``/``expand`` (:mod:`._cli_prompts`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import cast

from . import _cli_prompts, _cli_vocab
from .compose import prompt_from_items, reading_dialect
from .errors import AidxlPromptError, PromptSyntaxError
from .normalize import DIALECTS, Dialect
from .ordering import Ordering, ordering_presets
from .parser import parse_items
from .prompt_file import PresetLibrary, load_prompt_file
from .render import render, render_items
from .vocab import load_vocabulary

__all__ = ["main"]

PROG = "aidxl-prompt"


class _UsageError(Exception):
    """argparse's complaint, carried out of ``error()`` so ``main`` can return 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _order_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--order",
        default="documented",
        metavar="NAME|FILE.yaml",
        help="slot order: a preset ("
        + ", ".join(sorted(ordering_presets()))
        + ") or a YAML file listing every slot (default: documented)",
    )


def _dialect_option(parser: argparse.ArgumentParser, default: str = "a1111") -> None:
    parser.add_argument(
        "--dialect",
        "-d",
        choices=DIALECTS,
        default=default,
        help=f"output dialect (default: {default})",
    )


def _ordering(value: str) -> Ordering:
    if value.endswith((".yaml", ".yml")) or Path(value).is_file():
        return Ordering.load(value)
    return Ordering.preset(value)


def _format(args: argparse.Namespace) -> int:
    text: str = sys.stdin.read() if args.prompt == "-" else args.prompt
    vocabulary = load_vocabulary(args.tags) if args.tags else None
    result = parse_items(
        text, reading_dialect(args.dialect, args.input_dialect), strict=args.strict
    )
    if not args.quiet:
        for repair in result.repairs:
            column = repair.span[0] + 1
            note = f"{PROG}: note: column {column}: {repair.message} [{repair.code}]"
            print(note, file=sys.stderr)
    prompt = prompt_from_items(result.items, vocabulary)
    print(render(prompt, args.dialect, order=_ordering(args.order)))
    return 0


def _render(args: argparse.Namespace) -> int:
    library = PresetLibrary.from_env(args.presets_dir) if args.presets_dir else None
    prompt = load_prompt_file(args.file, library=library)
    dialect: Dialect = args.dialect
    print(render(prompt, dialect, order=_ordering(args.order)))
    if prompt.negative and not args.positive_only:
        print("Negative prompt: " + render_items(prompt.negative, dialect))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every subcommand registered."""
    parser = _Parser(
        prog=PROG,
        description="Compose, clean, check and render prompts for AIDXL.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser),
    )
    subparsers.required = True

    fmt = subparsers.add_parser(
        "format",
        help="parse, normalise, order and render a prompt",
        description="Parse a prompt, put its tags in the card's slot order, and render it.",
    )
    fmt.add_argument("prompt", help="the prompt text ('-' reads standard input)")
    _dialect_option(fmt)
    fmt.add_argument(
        "--input-dialect",
        choices=("a1111", "comfyui", "plain"),
        default=None,
        help="how to read the input (default: the output dialect; 'plain' for raw "
        "Danbooru tag lists such as 'bishop_(chess)')",
    )
    _order_option(fmt)
    fmt.add_argument("--tags", metavar="FILE", action="append", help="a vocabulary file")
    fmt.add_argument("--strict", action="store_true", help="fail on anything A1111 would repair")
    fmt.add_argument("--quiet", "-q", action="store_true", help="do not print repair notes")
    fmt.set_defaults(func=_format)

    rnd = subparsers.add_parser(
        "render",
        help="render a YAML prompt file",
        description="Render a prompt file (slot name -> list of 'tag' or {tag: weight}).",
    )
    rnd.add_argument("file", help="the YAML prompt file")
    _dialect_option(rnd)
    _order_option(rnd)
    rnd.add_argument("--positive-only", action="store_true", help="do not print the negative")
    rnd.add_argument(
        "--presets-dir", metavar="DIR", action="append", help="a folder of user presets"
    )
    rnd.set_defaults(func=_render)

    _cli_vocab.register(subparsers)
    _cli_prompts.register(subparsers)
    return parser


def _version() -> str:
    try:
        return metadata.version("aidxl-prompt")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        code: int = args.func(args)
    except _UsageError as exc:
        print(f"{PROG}: error: {exc} (see '{PROG} --help')", file=sys.stderr)
        return 2
    except PromptSyntaxError as exc:  # one line; str(exc) adds the caret drawing
        print(f"{PROG}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except (AidxlPromptError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code
