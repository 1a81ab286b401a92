"""The ``aidxl-prompt`` command.

``main(argv, environ) -> int`` returns the exit code: 0 success, 1 "nothing found" where
a command says so, 2 a usage or input error (one line on stderr naming the problem).

Exit code 2 is for the project's own errors only (:class:`~aidxl_prompt.errors.AidxlPromptError`
and its subclasses), usage errors and files that cannot be read (the library's readers
say which file and why). Any other exception is a bug and surfaces with its traceback.

``main`` reads ``os.environ`` once and hands it to the command; the options shared by
the subcommands are declared once, in :mod:`._options`. The parser is built, and
``--help`` and ``--version`` answered, without importing pydantic or any table: each
command loads the library when it runs.

``format`` reads its input as A1111 (``--input-dialect`` says otherwise) and writes it
in ``--dialect``: its output is ``render(parse(text, input_dialect), dialect)``, and it
refuses, with exit code 2, whatever the library refuses. Input (a prompt, standard
input, a prompt file) over ``--max-bytes`` (default 4 MiB) is refused before parsing.

Subcommands: ``format`` (parse, normalise, order, render a prompt), ``render`` (a YAML
prompt file), plus ``suggest``/``classify`` (:mod:`._vocab`) and
``schema``/``presets``/``expand`` (:mod:`._prompts`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn, cast

from .._input import check_size, check_text, read_stream
from ..errors import AidxlPromptError
from . import _options
from . import _prompts as _cli_prompts
from . import _vocab as _cli_vocab
from ._options import PROG, Handler, render

__all__ = ["main"]


class _UsageError(Exception):
    """argparse's complaint, carried out of ``error()`` so ``main`` can return 2."""


class _Exit(Exception):  # noqa: N818 (not an error: --help and --version are done)
    """argparse is done (``--help``, ``--version``): ``main`` returns ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


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


def _format(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..compose import parse_prompt  # noqa: PLC0415 (loaded when the command runs)

    how = _options.rendering(args)  # a bad --order is named before the prompt is read
    text = _read_prompt(args.prompt, args.max_bytes)
    parsed = parse_prompt(
        text,
        args.input_dialect,
        strict=args.strict,
        vocabulary=_options.vocabulary(args, environ),
        danbooru_names=args.danbooru_names,
        max_bytes=args.max_bytes,
    )
    output = render(parsed.prompt, how)  # a refusal: one line only
    if not args.quiet:
        for repair in parsed.repairs:
            column = repair.span[0] + 1
            note = f"{PROG}: note: column {column}: {repair.message} [{repair.code}]"
            print(note, file=sys.stderr)
    print(output)
    return 0


def _render(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..files.prompt_file import load_prompt_file  # noqa: PLC0415 (when the command runs)

    how = _options.rendering(args)
    library = _options.preset_library(args, environ)
    prompt = load_prompt_file(args.file, library=library, max_bytes=args.max_bytes)
    print(render(prompt, how))
    if prompt.negative and not args.positive_only:
        print("Negative prompt: " + _options.render_negative(prompt, how))
    return 0


_FORMAT_HELP = f"""
parse, normalise, order and render a prompt

Parse a prompt, put its tags in the card's slot order, and render it.

examples:
  {PROG} format "best_quality, 1girl, (by_ask:0.9), bishop_(chess)" -d comfyui
  {PROG} format - --order style_last < examples/prompt.txt
"""


def _add_format(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    shared = ("--dialect", "--input-dialect", "--order", "--tags", "--max-bytes")
    parser = _options.add_command(subparsers, "format", _format, _FORMAT_HELP, shared)
    parser.add_argument("prompt", help="the prompt text ('-' reads standard input)")
    parser.add_argument("--strict", action="store_true", help="fail on anything A1111 would repair")
    parser.add_argument(
        "--no-danbooru-names",
        dest="danbooru_names",
        action="store_false",
        help="read 'bishop_(chess)' as A1111 does ('bishop_' and 'chess' at 1.1), not as "
        "the Danbooru tag",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="do not print repair notes")


_RENDER_HELP = f"""
render a YAML prompt file

Render a prompt file (slot name -> list of 'tag' or {{tag: weight}}) and, on a second
line, its negative prompt.

example:
  {PROG} render examples/frieren.yaml -d comfyui --order style_last
"""


def _add_render(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    shared = ("--dialect", "--order", "--presets-dir", "--max-bytes")
    parser = _options.add_command(subparsers, "render", _render, _RENDER_HELP, shared)
    parser.add_argument("file", metavar="FILE", help="the YAML prompt file")
    parser.add_argument(
        "--positive-only", action="store_true", help="do not print the negative prompt"
    )


_EPILOG = f"""\
'{PROG} COMMAND --help' shows a command's options and an example.

environment:
  {_options.TAGS_ENV_VAR}     vocabulary files, when a command is given no --tags
  {_options.PRESETS_ENV_VAR}  preset folders, when a command is given no --presets-dir
  (both: paths separated by '{os.pathsep}')

exit codes: 0 success, 1 nothing found (suggest), 2 usage or input error
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every subcommand registered."""
    parser = _Parser(
        prog=PROG,
        description="Compose, clean, check and render prompts for AIDXL.",
        epilog=_EPILOG,
        formatter_class=_options.HelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    subparsers = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser),
    )
    subparsers.required = True
    _add_format(subparsers)
    _add_render(subparsers)
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
        from .. import __version__  # noqa: PLC0415 (read from the metadata only when asked)

        print(f"{parser.prog} {__version__}")
        parser.exit()


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the command line; return the exit code.

    ``environ`` is the environment the commands read (default: ``os.environ``). The
    project's own errors, usage errors and files that cannot be read print one line and
    return 2; any other exception is a bug and propagates.
    """
    environment = os.environ if environ is None else environ
    try:
        args = build_parser().parse_args(argv)
        handler: Handler = args.handler
        return handler(args, environment)
    except _Exit as done:
        return done.status
    except _UsageError as exc:
        _error(f"{exc} (see '{PROG} --help')")
    except AidxlPromptError as exc:  # PromptSyntaxError's further lines draw a caret
        _error(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except OSError as exc:
        if exc.filename is None:  # not a file that could not be read: a bug, or a pipe
            raise
        _error(f"{exc.filename}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        return 130
    return 2


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
