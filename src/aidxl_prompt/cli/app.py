"""The ``aidxl-prompt`` command.

``main(argv) -> int`` returns the exit code: 0 success, 1 "nothing found" where a
command says so, 2 a usage or input error (one line on stderr naming the problem).

Exit code 2 is for the project's own errors only (:class:`~aidxl_prompt.errors.AidxlPromptError`
and its subclasses), usage errors, files that cannot be read and input that is not UTF-8.
Any other exception is a bug and surfaces with its traceback.

``format`` reads its input as A1111 (``--input-dialect`` says otherwise) and writes it
in ``--dialect``: its output is ``render(parse(text, input_dialect), dialect)``, and it
refuses, with exit code 2, whatever the library refuses. Input (a prompt, standard
input, a prompt file) over ``--max-bytes`` (default 4 MiB) is refused before parsing.

Subcommands: ``format`` (parse, normalise, order, render a prompt), ``render`` (a YAML
prompt file), plus ``suggest``/``classify`` (:mod:`._cli_vocab`) and
``schema``/``presets``/``expand`` (:mod:`._cli_prompts`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from .._input import check_size, check_text, read_stream
from ..compose import parse_prompt
from ..errors import AidxlPromptError
from ..model.ordering import Ordering, ordering_presets
from ..model.prompt import render
from ..model.render import render_items
from ..syntax.normalize import DIALECTS, Dialect
from ..vocab.vocabulary import load_vocabulary
from . import _prompts as _cli_prompts
from . import _vocab as _cli_vocab
from ._prompts import add_max_bytes_option

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


def _read_prompt(value: str, max_bytes: int) -> str:
    """The prompt argument, or standard input for ``-``: UTF-8, at most ``max_bytes``."""
    if value != "-":
        # Bytes of an argument that are not UTF-8 arrive as lone surrogates (PEP 383).
        check_text(value, source="the prompt argument")
        check_size(value, source="the prompt argument", max_bytes=max_bytes)
        return value
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return read_stream(buffer, source="<stdin>", max_bytes=max_bytes)
    text = sys.stdin.read(max_bytes + 1)  # a text stream with no bytes underneath
    check_text(text, source="<stdin>")
    check_size(text, source="<stdin>", max_bytes=max_bytes)
    return text


def _format(args: argparse.Namespace) -> int:
    order = _ordering(args.order)
    text = _read_prompt(args.prompt, args.max_bytes)
    # --tags, else $AIDXL_PROMPT_TAGS, layered over the embedded table
    vocabulary = load_vocabulary(args.tags or None)
    parsed = parse_prompt(
        text,
        args.input_dialect,
        strict=args.strict,
        vocabulary=vocabulary,
        danbooru_names=args.danbooru_names,
    )
    output = render(parsed.prompt, args.dialect, order=order)  # a refusal: one line only
    if not args.quiet:
        for repair in parsed.repairs:
            column = repair.span[0] + 1
            note = f"{PROG}: note: column {column}: {repair.message} [{repair.code}]"
            print(note, file=sys.stderr)
    print(output)
    return 0


def _render(args: argparse.Namespace) -> int:
    # Prompt files are loaded only by the commands that read them.
    from ..files.prompt_file import PresetLibrary, load_prompt_file  # noqa: PLC0415

    library = PresetLibrary.from_env(args.presets_dir, max_bytes=args.max_bytes)
    prompt = load_prompt_file(args.file, library=library, max_bytes=args.max_bytes)
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
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
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
        default="a1111",
        help="how to read the input (default: a1111, whatever --dialect is; 'plain' for "
        "raw Danbooru tag lists such as 'bishop_(chess)')",
    )
    _order_option(fmt)
    add_max_bytes_option(fmt)
    fmt.add_argument("--tags", metavar="FILE", action="append", help="a vocabulary file")
    fmt.add_argument("--strict", action="store_true", help="fail on anything A1111 would repair")
    fmt.add_argument(
        "--no-danbooru-names",
        dest="danbooru_names",
        action="store_false",
        help="read 'bishop_(chess)' as A1111 does ('bishop_' and 'chess' at 1.1), not as "
        "the Danbooru tag",
    )
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
    add_max_bytes_option(rnd)
    rnd.set_defaults(func=_render)

    _cli_vocab.register(subparsers)
    _cli_prompts.register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``, reading the installed metadata only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help=cast(str, kwargs.get("help")),
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from .. import __version__  # noqa: PLC0415 (read from the metadata only when asked)

    return str(__version__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    The project's own errors, usage errors, unreadable files and input that is not
    UTF-8 print one line and return 2; any other exception is a bug and propagates.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        code: int = args.func(args)
    except _UsageError as exc:
        _error(f"{exc} (see '{PROG} --help')")
        return 2
    except AidxlPromptError as exc:  # PromptSyntaxError's further lines draw a caret
        _error(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return 2
    except UnicodeDecodeError as exc:  # a file read by a reader that does not name it
        _error(f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}")
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:
        return 130
    return code


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
