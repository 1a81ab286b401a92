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

``format`` also takes a pasted A1111 infotext (more than one line, with a ``Negative
prompt:`` line or a last ``Steps: ...`` line): its prompt and negative prompt are
formatted apart and its settings line kept, checked against the card (notes on stderr).

Subcommands: ``format`` (parse, normalise, order, render a prompt), ``render`` (a
prompt file; its tools' formats in :mod:`._export`), plus
``resolution``/``infotext``/``styles`` (:mod:`._export`), ``lint``
(:mod:`._lint`), ``suggest``/``classify`` (:mod:`._vocab`) and
``schema``/``presets``/``expand`` (:mod:`._prompts`).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn, cast

from ..errors import AidxlPromptError
from ..syntax.normalize import DIALECTS, Dialect
from . import _export as _cli_export
from . import _lint as _cli_lint
from . import _options
from . import _prompts as _cli_prompts
from . import _vocab as _cli_vocab
from ._options import PROG, Handler, Rendering, render, render_negative

if TYPE_CHECKING:
    from ..export.infotext import Infotext
    from ..model.prompt import Prompt

__all__ = ["main", "run"]


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


def _format(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..compose import parse_prompt  # noqa: PLC0415 (loaded when the command runs)

    how = _options.rendering(args)  # a bad --order is named before the prompt is read
    text = _options.read_prompt(args.prompt, args.max_bytes)
    vocabulary = _options.vocabulary(args, environ)
    info = _pasted_infotext(text)
    parsed = parse_prompt(
        text if info is None else info.prompt,
        args.input_dialect,
        strict=args.strict,
        vocabulary=vocabulary,
        danbooru_names=args.danbooru_names,
        max_bytes=args.max_bytes,
    )
    output = render(parsed.prompt, how)  # a refusal: one line only
    if not args.quiet:
        for repair in parsed.repairs:
            column = repair.span[0] + 1
            note = f"{PROG}: note: column {column}: {repair.message} [{repair.code}]"
            print(note, file=sys.stderr)
    if info is not None:
        output = _formatted_infotext(info, parsed.prompt, how, quiet=args.quiet)
    print(output)
    return 0


def _pasted_infotext(text: str) -> Infotext | None:
    """The A1111 infotext ``text`` is, if it is one: more than one line, with a
    ``Negative prompt:`` line or a last line of ``Steps: ...`` settings (a one-line
    prompt is never read as one: ``(a:1.1), (b:1.2), (c:1.3)`` looks like settings)."""
    lines = text.strip().splitlines()
    negative = any(line.strip().startswith("Negative prompt:") for line in lines)
    if len(lines) < 2 or not (negative or lines[-1].strip().startswith("Steps:")):
        return None
    from ..export.infotext import parse_infotext  # noqa: PLC0415 (loaded when needed)

    return parse_infotext(text)


def _formatted_infotext(info: Infotext, prompt: Prompt, how: Rendering, *, quiet: bool) -> str:
    """The infotext with its prompt and negative prompt formatted, its settings kept
    (and checked against the card: warnings as notes)."""
    if info.parameters and not quiet:
        for warning in info.settings().warnings():
            print(f"{PROG}: note: settings: {warning}", file=sys.stderr)
    prompt.negative = info.model_copy(update={"prompt": ""}).to_prompt().negative
    formatted = info.model_copy(
        update={"prompt": render(prompt, how), "negative_prompt": render_negative(prompt, how)}
    )
    return formatted.to_text()


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


def _render(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..files.prompt_file import load_prompt_and_settings  # noqa: PLC0415 (when run)

    how = _options.rendering(args)
    if args.format in DIALECTS:
        how = how._replace(dialect=cast("Dialect", args.format))
    library = _options.preset_library(args, environ)
    prompt, settings = load_prompt_and_settings(
        args.file, library=library, max_bytes=args.max_bytes
    )
    if args.format in _cli_export.TOOL_FORMATS:
        sys.stdout.write(_cli_export.tool_output(args, prompt, settings, how) + "\n")
        return 0
    print(render(prompt, how))
    if prompt.negative and not args.positive_only:
        print("Negative prompt: " + render_negative(prompt, how))
    return 0


_RENDER_HELP = f"""
render a prompt file as a prompt, or in a tool's own format

Render a prompt file (slot name -> list of 'tag' or {{tag: weight}}) and, on a second
line, its negative prompt; --format a1111, comfyui, compel or plain is the same as -d.
The tools' formats: infotext (A1111's generation parameters), a1111-api (the JSON body
of POST /sdapi/v1/txt2img), comfyui-workflow (an API-format workflow, POST /prompt),
diffusers-json (the StableDiffusionXLPipeline call, scheduler and LoRAs).

The tools' formats need generation settings: the file's settings: block, else the
card's euler_a preset; --settings starts from a preset instead, and the options below
go over either. The card's warnings about them go to stderr.

examples:
  {PROG} render examples/frieren.yaml -d comfyui --order style_last
  {PROG} render examples/frieren.yaml --format infotext --aspect 2:3 --seed 1
  {PROG} render examples/settings.yaml --format a1111-api
  {PROG} render examples/frieren.yaml --format comfyui-workflow --settings dpmpp_2m_karras --seed 7
"""


def _add_render(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    shared = ("--dialect", "--order", "--presets-dir", "--max-bytes", "--seed")
    parser = _options.add_command(subparsers, "render", _render, _RENDER_HELP, shared)
    _options.add_format(parser, _cli_export.RENDER_FORMATS, default=None)
    parser.add_argument("file", metavar="FILE", help="the YAML prompt file")
    parser.add_argument(
        "--positive-only", action="store_true", help="do not print the negative prompt"
    )
    _cli_export.add_settings(parser)


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
    _cli_export.register(subparsers)
    _cli_vocab.register(subparsers)
    _cli_prompts.register(subparsers)
    _cli_lint.register(subparsers)
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


# New objects between two collections of the youngest generation, in a command's run.
_YOUNG_OBJECTS = 50_000


def run() -> NoReturn:
    """The console script and ``python -m aidxl_prompt``: :func:`main`, then exit.

    The run owns its process, so it tunes the cyclic garbage collector for a short
    command: the youngest generation is collected after :data:`_YOUNG_OBJECTS` new
    objects instead of 700 (the imports of pydantic and the library build tens of
    thousands of objects that live as long as the process, and each collection walks
    them again; the bound keeps a long run's garbage cycles collected), and before the
    interpreter tears down, every object the run made is frozen out of the collector's
    sight (``gc.freeze``): the final collections would otherwise walk the whole of
    pydantic's and the tables' objects, about a sixth of a one-prompt ``format``.
    :func:`main` itself does neither, so calling it in a process that goes on (tests, a
    host program) leaves that process's collector as it was.
    """
    gc.set_threshold(_YOUNG_OBJECTS, *gc.get_threshold()[1:])
    status = main()
    gc.freeze()
    sys.exit(status)


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
