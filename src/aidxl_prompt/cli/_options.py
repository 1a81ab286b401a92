"""The options the subcommands share, declared once, and what they resolve to.

A subcommand is added by :func:`add_command`, which declares the shared options it
names with the one builder of each (:data:`SHARED_OPTIONS`), so that ``--order FILE`` or
``-d comfyui`` means the same thing and accepts the same values wherever it appears
(``tests/test_cli.py`` compares every declaration). Building the parser imports nothing
heavy: the values are resolved, and the library loaded, only when a command runs.

The environment is read here only, from the mapping ``main`` passes down:
:func:`vocabulary` takes ``--tags``, else ``$AIDXL_PROMPT_TAGS``, and
:func:`preset_library` takes ``--presets-dir``, else ``$AIDXL_PROMPT_PRESETS``; each
gives the library explicit paths.

>>> parser = argparse.ArgumentParser(prog="demo")
>>> add_dialect(parser); add_order(parser)
>>> args = parser.parse_args(["-d", "comfyui"])
>>> args.dialect, args.order
('comfyui', 'documented')
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, cast

from .._data import load_builtin_yaml
from .._input import MAX_INPUT_BYTES, check_size, check_text, read_stream
from ..syntax.normalize import DIALECTS, Dialect

if TYPE_CHECKING:
    from ..files.presets import PresetLibrary
    from ..model.ordering import Ordering
    from ..model.prompt import Prompt
    from ..vocab.vocabulary import Vocabulary

__all__ = [
    "FORMATS",
    "PRESETS_ENV_VAR",
    "PROG",
    "SHARED_OPTIONS",
    "TAGS_ENV_VAR",
    "Handler",
    "HelpFormatter",
    "Rendering",
    "add_command",
    "add_dialect",
    "add_format",
    "add_input_dialect",
    "add_max_bytes",
    "add_order",
    "add_presets_dir",
    "add_seed",
    "add_tags",
    "environment_paths",
    "ordering",
    "positive_int",
    "preset_library",
    "read_prompt",
    "render",
    "render_negative",
    "rendering",
    "vocabulary",
    "write_json",
    "write_records",
]

PROG = "aidxl-prompt"

# The library's names for the two variables (vocab.vocabulary.TAGS_ENV_VAR and
# files.presets.PRESETS_ENV_VAR; a test holds them equal). They are written here too
# because the help text needs them before the library, and pydantic, would be imported.
TAGS_ENV_VAR = "AIDXL_PROMPT_TAGS"
PRESETS_ENV_VAR = "AIDXL_PROMPT_PRESETS"

FORMATS = ("text", "json", "jsonl")
"""Output formats: lines for people, one JSON array, or one JSON record per line."""

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]
"""A subcommand: its parsed arguments and the environment in, the exit code out."""


# --- subcommands ---------------------------------------------------------------------------


def add_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    text: str,
    options: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """Add subcommand ``name``, run by ``handler``, with the shared ``options`` (their
    option strings: ``("--dialect", "--order")``).

    ``text`` is the command's help, in paragraphs: the first is its line in
    ``aidxl-prompt --help``, the last its examples (``example:`` and indented command
    lines, printed as written), those between its description.
    """
    paragraphs = text.strip().split("\n\n")
    parser = subparsers.add_parser(
        name,
        help=paragraphs[0],
        description="\n\n".join(paragraphs[1:-1]),
        epilog=paragraphs[-1],
        formatter_class=HelpFormatter,
    )
    for option in options:
        SHARED_OPTIONS[option](parser)
    parser.set_defaults(handler=handler)
    return parser


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that a paragraph with indented lines (examples, a
    table) is printed as written, one line each, instead of being filled."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.split("\n\n"):
            if any(line.startswith("  ") for line in paragraph.splitlines()):
                paragraphs.append("\n".join(indent + line for line in paragraph.splitlines()))
            else:
                paragraphs.append(super()._fill_text(paragraph, width, indent))
        return "\n\n".join(paragraphs)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        # argparse measures a subcommand's name without its indentation, so a long one
        # ("resolution") would push its summary to the next line of the main help.
        for subaction in self._iter_indented_subactions(action):
            length = len(self._format_action_invocation(subaction)) + self._current_indent
            self._action_max_length = max(self._action_max_length, length)


# --- option builders -----------------------------------------------------------------------


def add_dialect(parser: argparse.ArgumentParser) -> None:
    """``--dialect/-d``: the dialect a prompt is written in."""
    parser.add_argument(
        "--dialect",
        "-d",
        choices=DIALECTS,
        default="a1111",
        metavar="DIALECT",
        help=f"output dialect: {', '.join(DIALECTS)} (default: a1111)",
    )


def add_input_dialect(parser: argparse.ArgumentParser) -> None:
    """``--input-dialect``: how a prompt given as text is read."""
    parser.add_argument(
        "--input-dialect",
        choices=("a1111", "comfyui", "plain"),
        default="a1111",
        help="how to read the input (default: a1111, whatever --dialect is; 'plain' for "
        "raw Danbooru tag lists such as 'bishop_(chess)')",
    )


def add_order(parser: argparse.ArgumentParser) -> None:
    """``--order NAME|FILE.yaml``: a built-in slot order or a YAML file of slots."""
    presets = ", ".join(sorted(load_builtin_yaml("orders.yaml")))  # the packed data: cheap
    parser.add_argument(
        "--order",
        default="documented",
        metavar="NAME|FILE.yaml",
        help=f"slot order: a preset ({presets}) or a YAML file listing every slot "
        "(default: documented)",
    )


def add_tags(parser: argparse.ArgumentParser) -> None:
    """``--tags FILE`` (repeatable): vocabulary files over the embedded table."""
    parser.add_argument(
        "--tags",
        metavar="FILE",
        action="append",
        help="a vocabulary file (tag-autocomplete CSV, WD selected_tags.csv, Danbooru alias "
        "or implication table), layered over the embedded Danbooru table; repeat to layer "
        f"several. Default: ${TAGS_ENV_VAR}, else the embedded table alone",
    )


def add_presets_dir(parser: argparse.ArgumentParser) -> None:
    """``--presets-dir DIR`` (repeatable): user preset folders, before the built-in ones."""
    help_text = "a folder of user presets, searched before the built-in ones; repeat to "
    help_text += f"search several. Default: ${PRESETS_ENV_VAR}"
    parser.add_argument("--presets-dir", metavar="DIR", action="append", help=help_text)


def add_max_bytes(parser: argparse.ArgumentParser) -> None:
    """``--max-bytes N``: input (a prompt, a prompt file, a preset) larger than N bytes
    is refused before it is parsed."""
    parser.add_argument(
        "--max-bytes",
        type=positive_int("of bytes"),
        default=MAX_INPUT_BYTES,
        metavar="N",
        help=f"refuse input larger than N bytes, before parsing it (default: {MAX_INPUT_BYTES})",
    )


def add_format(
    parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS, default: str | None = "text"
) -> None:
    """``--format``: how results are printed; ``text|json|jsonl`` (see
    :func:`write_records`) unless a command names its own ``formats`` (``lint`` adds
    ``github`` and ``sarif``, ``render`` has each tool's format; its default, None, is
    the ``--dialect``)."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=default,
        metavar="FORMAT",
        help=f"output format: {', '.join(formats)} (default: {default or 'the --dialect'})",
    )


def add_seed(parser: argparse.ArgumentParser) -> None:
    """``--seed N``: the seed that makes a command's output repeatable."""
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="the seed: of the batch expand draws (default 0), of the image a tool's format "
        "generates (default: the settings preset's, -1: random)",
    )


SHARED_OPTIONS: Mapping[str, Callable[[argparse.ArgumentParser], None]] = {
    "--dialect": add_dialect,
    "--input-dialect": add_input_dialect,
    "--order": add_order,
    "--tags": add_tags,
    "--presets-dir": add_presets_dir,
    "--max-bytes": add_max_bytes,
    "--format": add_format,
    "--seed": add_seed,
}
"""The options subcommands share, by option string: each declared by one builder."""


def positive_int(unit: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number of at least 1, written with digits only.

    >>> positive_int("of bytes")("12")
    12
    >>> positive_int("of bytes")("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a positive number of bytes, got '-5'
    """
    what = f"a positive number {unit}".rstrip()

    def convert(value: str) -> int:
        count = int(value) if value.isascii() and value.isdigit() else 0  # no sign, spaces
        if count < 1:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}")
        return count

    return convert


# --- what the options resolve to -----------------------------------------------------------


def environment_paths(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    """The paths in variable ``name``: split on ``os.pathsep``, blank parts ignored.

    >>> environment_paths({"V": os.pathsep.join(["a.csv", "", "b.csv"])}, "V")
    ('a.csv', 'b.csv')
    >>> environment_paths({}, "V")
    ()
    """
    return tuple(part for part in environ.get(name, "").split(os.pathsep) if part.strip())


def vocabulary(args: argparse.Namespace, environ: Mapping[str, str]) -> Vocabulary:
    """``--tags``, else ``$AIDXL_PROMPT_TAGS``, layered over the embedded table; with
    neither, the embedded table alone."""
    from ..vocab.vocabulary import Vocabulary, load_vocabulary  # noqa: PLC0415 (when run)

    paths = args.tags or environment_paths(environ, TAGS_ENV_VAR)
    return load_vocabulary(list(paths)) if paths else Vocabulary.default()


def preset_library(args: argparse.Namespace, environ: Mapping[str, str]) -> PresetLibrary:
    """``--presets-dir``, else ``$AIDXL_PROMPT_PRESETS``, then the built-in presets."""
    from ..files.presets import PresetLibrary  # noqa: PLC0415 (loaded when a command runs)

    given = args.presets_dir
    folders = environment_paths(environ, PRESETS_ENV_VAR) if given is None else given
    return PresetLibrary(
        folders=tuple(Path(folder) for folder in folders), max_bytes=args.max_bytes
    )


class Rendering(NamedTuple):  # not a dataclass: dataclasses imports inspect, 10 ms a start
    """How a command writes prompts: ``--dialect`` and the ordering ``--order`` names."""

    dialect: Dialect
    ordering: Ordering


def ordering(args: argparse.Namespace) -> Ordering:
    """The ordering ``--order`` names; an order file is read here."""
    from ..model.ordering import Ordering  # noqa: PLC0415 (loaded when a command runs)

    value: str = args.order
    if value.endswith((".yaml", ".yml")) or Path(value).is_file():
        return Ordering.load(value)
    return Ordering.preset(value)


def rendering(args: argparse.Namespace) -> Rendering:
    """The ``--dialect`` and ``--order`` of ``args``."""
    return Rendering(cast("Dialect", args.dialect), ordering(args))  # argparse checked it


def render(prompt: Prompt, how: Rendering) -> str:
    """The positive prompt, in the dialect and order of ``how``."""
    from ..model.prompt import render as render_prompt  # noqa: PLC0415 (when a command runs)

    return render_prompt(prompt, how.dialect, order=how.ordering)


def render_negative(prompt: Prompt, how: Rendering) -> str:
    """The negative prompt, in the dialect of ``how`` (it has no slots to order)."""
    from ..model.render import render_items  # noqa: PLC0415 (loaded when a command runs)

    return render_items(prompt.negative, how.dialect)


def write_records(
    records: Iterable[Mapping[str, Any]], output_format: str, stream: IO[str] | None = None
) -> None:
    """Print ``records`` as ``--format json`` (one indented array) or ``jsonl`` (one
    compact record a line, UTF-8 kept as is, each written as soon as it is made), to
    ``stream`` (default: standard output)."""
    out = sys.stdout if stream is None else stream
    if output_format == "json":
        write_json(list(records), out)
        return
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_json(value: Any, stream: IO[str] | None = None) -> None:
    """Print ``value`` as indented JSON (one document, a final line break)."""
    (sys.stdout if stream is None else stream).write(json.dumps(value, indent=2) + "\n")


def read_prompt(value: str, max_bytes: int) -> str:
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
