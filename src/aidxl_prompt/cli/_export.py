"""The hand-off subcommands: the tools' formats of ``render`` (a prompt file in a tool's
own format), ``resolution``, ``infotext`` and ``styles``.

Glue over :mod:`aidxl_prompt.export` and :mod:`aidxl_prompt.card.settings`. The
generation settings of ``render`` are the prompt file's ``settings:`` block (its presets'
merged in) or else the card's ``euler_a`` preset; ``--settings PRESET`` starts from that
preset instead, and the options (``--aspect``/``--size``, ``--steps``, ``--cfg``,
``--seed``...) go over either. The card's warnings about them are printed on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AidxlPromptError
from ..syntax.normalize import DIALECTS
from . import _options
from ._options import PROG

if TYPE_CHECKING:
    from ..card.settings import Settings
    from ..export.infotext import Infotext
    from ..model.prompt import Prompt

__all__ = ["RENDER_FORMATS", "TOOL_FORMATS", "add_settings", "register", "tool_output"]

TOOL_FORMATS = ("infotext", "a1111-api", "comfyui-workflow", "diffusers-json")
"""The tools' own formats of ``render --format``."""

RENDER_FORMATS = (*DIALECTS, *TOOL_FORMATS)
"""``render --format``: a dialect (as ``-d``), or a tool's own format."""

_RESOLUTION_HELP = f"""
the width x height for an aspect ratio, as the card wants it

Print the size, both sides multiples of 32, whose area is closest to 1024x1024 for each
aspect ('W:H', 'WxH' or a number: width / height).

examples:
  {PROG} resolution 2:3
  {PROG} resolution 1:1 16:9 3:4 --format json
"""

_INFOTEXT_HELP = f"""
the prompt file that reproduces an A1111 image or infotext

Read the A1111 infotext of a PNG (its 'parameters' chunk; needs Pillow: pip install
'aidxl-prompt[images]'), of a text file, or of standard input ('-'), and print the YAML
prompt file of its prompt, negative prompt and settings (a settings: block); the other
parameters (Model, hashes...) become comments.

examples:
  {PROG} render examples/frieren.yaml --format infotext | {PROG} infotext -
"""

_STYLES_HELP = f"""
import A1111 styles.csv as presets, export presets as styles

'styles import STYLES.csv' prints each style as a preset (a YAML prompt file), or writes
them into a presets folder with --into DIR (one NAME.yaml each; existing files are
kept). 'styles export [PRESET ...]' prints the presets (default: all) as styles.csv.

examples:
  {PROG} styles export quality-best default-negative
  {PROG} styles export > styles.csv
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``resolution``, ``infotext`` and ``styles`` to the CLI (``render`` is in
    :mod:`.app`; its tools' formats are here: :func:`add_settings`, :func:`tool_output`)."""
    resolution = _options.add_command(
        subparsers, "resolution", _resolution, _RESOLUTION_HELP, ("--format",)
    )
    resolution.add_argument("aspect", nargs="+", help="an aspect: 2:3, 16:9, 1.5 ...")
    infotext = _options.add_command(
        subparsers, "infotext", _infotext, _INFOTEXT_HELP, ("--tags", "--max-bytes")
    )
    infotext.add_argument("source", metavar="IMAGE.png|FILE|-", help="where the infotext is")
    styles = _options.add_command(
        subparsers,
        "styles",
        _styles,
        _STYLES_HELP,
        ("--order", "--presets-dir", "--tags", "--max-bytes"),
    )
    styles.add_argument("action", choices=("import", "export"), help="import or export")
    styles.add_argument("names", nargs="*", metavar="CSV|PRESET", help="the file, or presets")
    styles.add_argument("--into", metavar="DIR", help="import: write presets into DIR")


def _size(value: str) -> tuple[int, int]:
    """``--size 832x1248``."""
    width, _, height = value.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 832x1248, got {value!r}")
    return int(width), int(height)


# (option, dest, type, help) of the settings options of ``render``.
_SETTINGS_OPTIONS: tuple[tuple[str, str, Callable[[str], Any], str], ...] = (
    ("--steps", "steps", int, "sampling steps"),
    ("--cfg", "cfg_scale", float, "CFG scale"),
    ("--sampler", "sampler", str, "sampler, as A1111 names it ('Euler a', 'DPM++ 2M')"),
    ("--scheduler", "scheduler", str, "schedule type, as A1111 names it ('Karras')"),
    ("--clip-skip", "clip_skip", int, "CLIP skip, as A1111 counts it (1: the last layer)"),
)


def add_settings(parser: argparse.ArgumentParser) -> None:
    """The generation-settings options of ``render`` (for the tools' formats)."""
    settings = parser.add_argument_group("generation settings (tools' formats)")
    settings.add_argument(
        "--settings",
        metavar="PRESET",
        help="start from the card's settings preset euler_a or dpmpp_2m_karras (default: "
        "the file's settings: block, else euler_a)",
    )
    size = settings.add_mutually_exclusive_group()
    size.add_argument("--aspect", help="the size resolution_for gives this aspect (2:3)")
    size.add_argument("--size", type=_size, metavar="WxH", help="width x height (832x1248)")
    for option, dest, kind, text in _SETTINGS_OPTIONS:
        settings.add_argument(option, dest=dest, type=kind, help=text)
    settings.add_argument("--checkpoint", help="comfyui-workflow: the checkpoint file name")
    settings.add_argument(
        "--syntax",
        choices=("plain", "compel"),
        default="plain",
        help="diffusers-json: the prompts plain (default) or for compel",
    )


def _settings(args: argparse.Namespace, given: Settings | None) -> Settings:
    """``--settings``, else the file's settings (``given``), else ``euler_a``, with the
    command line's overrides; the card's warnings on stderr."""
    from ..card.settings import Settings, resolution_for  # noqa: PLC0415 (when run)

    overrides: dict[str, Any] = {}
    if args.aspect is not None:
        overrides["width"], overrides["height"] = resolution_for(args.aspect)
    if args.size is not None:
        overrides["width"], overrides["height"] = args.size
    for dest in ("seed", *(option[1] for option in _SETTINGS_OPTIONS)):
        if getattr(args, dest) is not None:
            overrides[dest] = getattr(args, dest)
    if args.settings is None and given is not None:
        settings = Settings(**{**given.model_dump(), **overrides})
    else:
        settings = Settings.preset(args.settings or "euler_a", **overrides)
    for warning in settings.warnings():
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return settings


def tool_output(
    args: argparse.Namespace, prompt: Prompt, settings: Settings | None, how: _options.Rendering
) -> str:
    """``prompt`` in the tool's format ``render --format`` names, with the file's
    ``settings`` and the options over them."""
    return _TOOLS[args.format](prompt, _settings(args, settings), args, how)


Tool = Callable[["Prompt", "Settings", argparse.Namespace, _options.Rendering], str]


def _infotext_format(
    prompt: Prompt, settings: Settings, args: argparse.Namespace, how: _options.Rendering
) -> str:
    from ..export.infotext import format_infotext  # noqa: PLC0415 (when the command runs)

    return format_infotext(prompt, settings, order=how.ordering)


def _a1111_api(
    prompt: Prompt, settings: Settings, args: argparse.Namespace, how: _options.Rendering
) -> str:
    from ..export.a1111_api import txt2img_body  # noqa: PLC0415 (when the command runs)

    return _json(txt2img_body(prompt, settings, order=how.ordering))


def _comfyui(
    prompt: Prompt, settings: Settings, args: argparse.Namespace, how: _options.Rendering
) -> str:
    from ..export.comfyui import DEFAULT_CHECKPOINT, comfyui_workflow  # noqa: PLC0415

    checkpoint = args.checkpoint or DEFAULT_CHECKPOINT
    return _json(comfyui_workflow(prompt, settings, checkpoint=checkpoint, order=how.ordering))


def _diffusers(
    prompt: Prompt, settings: Settings, args: argparse.Namespace, how: _options.Rendering
) -> str:
    from ..export.diffusers import diffusers_job  # noqa: PLC0415 (when the command runs)

    return _json(diffusers_job(prompt, settings, syntax=args.syntax, order=how.ordering))


def _json(value: Any) -> str:
    import json  # noqa: PLC0415 (already loaded by the library; kept local for clarity)

    return json.dumps(value, indent=2, ensure_ascii=False)


_TOOLS: Mapping[str, Tool] = {
    "infotext": _infotext_format,
    "a1111-api": _a1111_api,
    "comfyui-workflow": _comfyui,
    "diffusers-json": _diffusers,
}


# --- resolution, infotext, styles --------------------------------------------------------


def _resolution(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..card.settings import resolution_for  # noqa: PLC0415 (when the command runs)

    sizes = [(aspect, *resolution_for(aspect)) for aspect in args.aspect]
    if args.format != "text":
        rows = ({"aspect": aspect, "width": w, "height": h} for aspect, w, h in sizes)
        _options.write_records(rows, args.format)
        return 0
    width = max(len(aspect) for aspect, _, _ in sizes)
    for aspect, w, h in sizes:
        print(f"{w}x{h}" if len(sizes) == 1 else f"{aspect:<{width}}  {w}x{h}")
    return 0


def _read_infotext(source: str, max_bytes: int) -> Infotext:
    from .._input import read_text_file  # noqa: PLC0415 (when the command runs)
    from ..export.infotext import parse_infotext  # noqa: PLC0415
    from ..export.png import read_png_metadata  # noqa: PLC0415

    if source.lower().endswith(".png"):
        return read_png_metadata(source).infotext()
    if source == "-":
        return parse_infotext(_options.read_prompt("-", max_bytes))
    return parse_infotext(read_text_file(Path(source), max_bytes=max_bytes))


def _infotext(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..files.prompt_file import prompt_to_yaml  # noqa: PLC0415 (when the command runs)

    info = _read_infotext(args.source, args.max_bytes)
    prompt = info.to_prompt(_options.vocabulary(args, environ))
    settings = None
    lines = [f"# {key}: {value}" for key, value in info.extra().items()]
    if info.parameters:
        try:
            settings = info.settings()
        except AidxlPromptError as error:  # not the card's: said, and left out
            lines.insert(0, f"# settings left out: {str(error).splitlines()[0]}")
    text = prompt_to_yaml(prompt, settings)
    sys.stdout.write("".join(line + "\n" for line in lines) + text)
    return 0


def _styles(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    if args.action == "export":
        return _export_styles(args, environ)
    if len(args.names) != 1:
        raise AidxlPromptError("styles import: give one styles.csv file")
    if args.into is not None:
        return _import_into(args, environ, Path(args.into))
    from ..export.styles import load_styles_csv, prompt_from_style  # noqa: PLC0415
    from ..files.prompt_file import prompt_to_yaml  # noqa: PLC0415

    vocabulary = _options.vocabulary(args, environ)
    documents = [
        f"# preset: {style.name}\n{prompt_to_yaml(prompt_from_style(style, vocabulary))}"
        for style in load_styles_csv(args.names[0])
    ]
    sys.stdout.write("---\n".join(documents))
    return 0


def _preset_file_name(name: str) -> str:
    """A style's name as a preset file name: letters, digits, '-', '_' and '.' kept."""
    kept = "".join(c if c.isalnum() or c in "-_." else "-" for c in name.strip())
    return kept.strip("-.") or "style"


def _import_into(args: argparse.Namespace, environ: Mapping[str, str], folder: Path) -> int:
    from ..export.styles import load_styles_csv, prompt_from_style  # noqa: PLC0415
    from ..files.prompt_file import prompt_to_yaml  # noqa: PLC0415

    styles = load_styles_csv(args.names[0])
    paths = [folder / f"{_preset_file_name(style.name)}.yaml" for style in styles]
    taken = [str(path) for path in paths if path.exists()]
    if taken or len(set(paths)) != len(paths):
        raise AidxlPromptError(
            f"styles import: would overwrite {', '.join(taken) or 'a file it writes twice'}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    vocabulary = _options.vocabulary(args, environ)
    for style, path in zip(styles, paths, strict=True):
        path.write_text(prompt_to_yaml(prompt_from_style(style, vocabulary)), encoding="utf-8")
        print(f"{style.name}: {path}")
    return 0


def _export_styles(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..export.styles import style_from_prompt, write_styles_csv  # noqa: PLC0415
    from ..files.presets import list_presets, load_preset  # noqa: PLC0415

    library = _options.preset_library(args, environ)
    ordering = _options.ordering(args)
    names = args.names or [info.name for info in list_presets(library)]
    styles = [style_from_prompt(name, load_preset(name, library), order=ordering) for name in names]
    sys.stdout.write(write_styles_csv(styles))
    return 0
