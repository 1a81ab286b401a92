"""The command line: format and render, exit codes, one-line errors."""

from __future__ import annotations

import argparse
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from aidxl_prompt.cli.app import build_parser, main

REPO_ROOT = Path(__file__).resolve().parents[1]
CARD_YAML = REPO_ROOT / "examples" / "card_ordering.yaml"
CARD_RENDERED = (
    "by xxx, 1 frieren \\(sousou no frieren\\), elf, cowboy shot, impasto, fantasy theme, "
    "in the forest, at day, gradient background, sitting on ground, expressionless, "
    "white hair, twintails, green eyes, parted lip, wearing a white dress, frills, "
    "holding a magic wand, grass, sunshine, beautiful color, detailed, (best quality:1.2), "
    "birds, cloud, butterfly"
)

# (argv, stdout, stderr)
SUCCESS_CASES = [
    (
        ["format", "best_quality, (by_ask:0.9), bishop \\(chess\\)"],
        "(by ask:0.9), best quality, bishop \\(chess\\)\n",
        "",
    ),  # parse, normalise, order, render
    (
        ["format", "1girl, (smile"],
        "1girl, (smile:1.1)\n",
        "aidxl-prompt: note: column 8: unclosed '('; A1111 applies it up to the end of the "
        "prompt [unclosed-bracket]\n",
    ),  # a repair is noted on stderr, still exit 0
    (["format", "-q", "1girl, (smile"], "1girl, (smile:1.1)\n", ""),  # --quiet
    (["format", "-d", "comfyui", "(a:1.2), ((b))"], "(a:1.2), (b:1.21)\n", ""),  # ComfyUI
    (
        ["format", "-d", "comfyui", "--input-dialect", "comfyui", "(a:1.2), [b]"],
        "(a:1.2), [b]\n",
        "",
    ),  # ComfyUI input, where square brackets are text
    (["format", "--dialect", "plain", "(a:1.2), [b]"], "a, b\n", ""),  # plain
    (
        ["format", "--input-dialect", "plain", "bishop_(chess)"],
        "bishop \\(chess\\)\n",
        "",
    ),  # a raw Danbooru tag
    (
        ["format", "--order", "style_last", "by ask, best quality"],
        "best quality, by ask\n",
        "",
    ),  # order preset
    (
        ["render", str(CARD_YAML)],
        f"{CARD_RENDERED}\nNegative prompt: worst quality, low quality\n",
        "",
    ),
    (["render", "--positive-only", str(CARD_YAML)], f"{CARD_RENDERED}\n", ""),  # no negative
    # names of extra networks keep their case: A1111 finds LoRA files by name
    (["format", "1girl, <lora:AIDXL_Style:0.8>"], "1girl, <lora:AIDXL_Style:0.8>\n", ""),
    (
        ["format", "-d", "compel", "1girl, <lora:AIDXL_Style:0.8>"],
        "1girl, withLora(AIDXL_Style, 0.8)\n",
        "",
    ),  # compel
    (
        ["format", "-d", "comfyui", "1girl, <lora:AIDXL_Style:0.8>"],
        "1girl\n",
        "",
    ),  # ComfyUI loads LoRAs with nodes: the token is left out of the text
]


@pytest.mark.parametrize(("argv", "out", "err"), SUCCESS_CASES)
def test_success(argv: list[str], out: str, err: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (out, err)


def test_format_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("best_quality, by_ask\n"))
    assert main(["format", "-"]) == 0
    assert capsys.readouterr().out == "by ask, best quality\n"


def test_order_from_a_yaml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from aidxl_prompt.model.ordering import Slot

    path = tmp_path / "reverse.yaml"
    path.write_text("".join(f"- {slot.value}\n" for slot in list(Slot)[::-1]), encoding="utf-8")
    assert main(["format", "--order", str(path), "by ask, best quality"]) == 0
    assert capsys.readouterr().out == "best quality, by ask\n"


HELP = "(see 'aidxl-prompt --help')"

# (argv, whole stderr line, as a regex where argparse's wording varies by Python version)
ERROR_CASES = [
    (
        [],
        re.escape(f"aidxl-prompt: error: the following arguments are required: COMMAND {HELP}"),
    ),  # no command
    (
        ["format"],
        re.escape(f"aidxl-prompt: error: the following arguments are required: prompt {HELP}"),
    ),  # no prompt
    (
        ["bogus"],
        r"aidxl-prompt: error: argument COMMAND: invalid choice: 'bogus' \(choose from .*"
        r"format.*render.*\) " + re.escape(HELP),
    ),  # unknown command
    (
        ["format", "x", "--dialect", "sdnext"],
        r"aidxl-prompt: error: argument --dialect/-d: invalid choice: 'sdnext' "
        r"\(choose from .*a1111.*comfyui.*compel.*plain.*\) " + re.escape(HELP),
    ),  # unknown dialect
    (
        ["format", "x", "--order", "nope"],
        re.escape(
            "aidxl-prompt: error: unknown ordering preset 'nope'; "
            "known presets: caption, documented, style_last"
        ),
    ),  # unknown order
    (
        ["render", "nope.yaml"],
        re.escape("aidxl-prompt: error: nope.yaml: cannot read file (No such file or directory)"),
    ),  # missing file
    (
        ["format", "-d", "compel", "a, [a:b:5]"],
        re.escape(
            "aidxl-prompt: error: compel has no A1111 prompt editing: '[a:b:5]' "
            "(use .swap() or .blend())"
        ),
    ),  # a RenderError
    (
        ["format", "--order", "missing.yaml", "x"],
        re.escape(
            "aidxl-prompt: error: missing.yaml: cannot read file (No such file or directory)"
        ),
    ),  # a missing order file
]


@pytest.mark.parametrize(("argv", "pattern"), ERROR_CASES)
def test_errors_exit_2_with_one_line(
    argv: list[str], pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(pattern + "\n", captured.err)


def test_strict_syntax_error_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format", "--strict", "1girl, (smile"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "aidxl-prompt: error: unclosed '('; A1111 applies it up to the end of the prompt "
        "at column 8\n"
    )


def test_bad_prompt_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("quality: [a, b\n", encoding="utf-8")
    assert main(["render", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aidxl-prompt: error: {path}")
    assert err.count("\n") == 1


def _python(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``python *args`` in a child, in the repository."""
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, cwd=REPO_ROOT
    )
    return result.returncode, result.stdout, result.stderr


# Runs the console script's entry point in a child, and says how it left the collector.
_COLLECTOR_AFTER_RUN = """
import atexit, gc, sys
from aidxl_prompt.cli.app import run
before = gc.get_threshold()
atexit.register(lambda: print(before[1:] == gc.get_threshold()[1:], gc.get_threshold()[0],
                              gc.get_freeze_count() > 0))
sys.argv = ["aidxl-prompt", "format", "smile, 1girl"]
run()
"""


def test_the_command_tunes_the_collector_and_main_leaves_it_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from aidxl_prompt.cli.app import _YOUNG_OBJECTS

    assert _python("-c", _COLLECTOR_AFTER_RUN) == (
        0,
        f"1girl, smile\nTrue {_YOUNG_OBJECTS} True\n",
        "",
    )
    import gc

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert main(["format", "smile, 1girl"]) == 0
    assert capsys.readouterr().out == "1girl, smile\n"
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)


def test_python_m_version() -> None:
    from aidxl_prompt import __version__

    assert _python("-m", "aidxl_prompt", "--version") == (
        0,
        f"aidxl-prompt {__version__}\n",
        "",
    )


# --- the CLI and the API agree (issue 8, point 6) ----------------------------------------

DIALECTS = ["a1111", "comfyui", "compel", "plain"]

# Prompts as people paste them from A1111; each is formatted for every dialect.
AGREEMENT_PROMPTS = [
    "[blue eyes], (smile:1.2)",  # the example: A1111 emphasis, read as A1111
    "best_quality, (by_ask:0.9), bishop \\(chess\\)",  # normalised names and escapes
    "1girl, ((long hair)), [[red eyes]], (smile:0.5)",  # nested emphasis
    "1girl, [a:b:5]",  # a schedule: refused by ComfyUI, compel and plain
    "1girl AND 1boy",  # AND: refused outside A1111
    "1girl BREAK smile",  # BREAK: left out where it has no meaning
    "x, y+",  # compel would read "y+" as a weight: refused there
    "<lora:AIDXL_Style:0.8>, 1girl",  # a LoRA
]


def _api(text: str, dialect: str) -> tuple[int, str]:
    from aidxl_prompt.compose import parse
    from aidxl_prompt.errors import AidxlPromptError
    from aidxl_prompt.model.prompt import render

    try:
        return 0, render(parse(text, "a1111"), dialect) + "\n"  # type: ignore[arg-type]
    except AidxlPromptError as exc:
        return 2, f"aidxl-prompt: error: {str(exc).splitlines()[0]}\n"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("text", AGREEMENT_PROMPTS)
def test_format_is_render_of_parse(
    text: str, dialect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, expected = _api(text, dialect)
    assert main(["format", "-q", "-d", dialect, text]) == code
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ((expected, "") if code == 0 else ("", expected))


def test_output_dialect_does_not_change_how_input_is_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: "-d comfyui" also read the input as ComfyUI, where [blue eyes] is plain
    # text, and printed "(smile:1.2), [blue eyes]".
    outputs = []
    for dialect in ("a1111", "comfyui"):
        assert main(["format", "-d", dialect, "[blue eyes], (smile:1.2)"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[1].startswith("(smile:1.2), (blue eyes:0.9")


# ComfyUI finds embeddings by file name, case-sensitively.
@pytest.mark.parametrize("dialect", ["a1111", "comfyui"])
def test_embedding_names_keep_their_case(dialect: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format", "-d", dialect, "1girl, embedding:EasyNegative"]) == 0
    assert capsys.readouterr().out == "1girl, embedding:EasyNegative\n"


# Issue 8: raw Danbooru names are read as the card says, with a note; the switch turns
# the reading off and gives A1111's literal reading.
def test_danbooru_names_are_read_as_tags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format", "bishop_(chess), 1girl"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "1girl, bishop \\(chess\\)\n"
    assert captured.err == (
        "aidxl-prompt: note: column 1: A1111 reads 'bishop_(chess)' as 'bishop_' and 'chess' "
        "at 1.1; read as the Danbooru tag 'bishop (chess)', which A1111 reads when written "
        "bishop \\(chess\\) [danbooru-name]\n"
    )
    assert main(["format", "--no-danbooru-names", "-q", "bishop_(chess), 1girl"]) == 0
    assert capsys.readouterr().out == "1girl, bishop (chess:1.1)\n"


# --- options declared once (issue 9) ------------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _declaration(action: argparse.Action) -> tuple[object, ...]:
    """What an option means: everything but the parser it was added to (for
    ``--format``, whose choices are each command's, everything but those: see
    FORMAT_CHOICES)."""
    converter = getattr(action.type, "__qualname__", action.type)  # a fresh closure each
    own = action.option_strings == ["--format"]
    return (
        type(action),
        action.option_strings,
        action.dest,
        action.nargs,
        action.const,
        None if own else action.default,
        converter,
        None if own else action.choices,
        action.metavar,
        None if own else action.help,
    )


# The shared options each subcommand declares (every one from cli/_options.py).
SHARED_OPTIONS = {
    "format": {"--dialect", "--input-dialect", "--order", "--tags", "--max-bytes"},
    "render": {"--dialect", "--order", "--presets-dir", "--max-bytes", "--format", "--seed"},
    "resolution": {"--format"},
    "infotext": {"--tags", "--max-bytes"},
    "styles": {"--order", "--presets-dir", "--tags", "--max-bytes"},
    "lint": {"--tags", "--presets-dir", "--max-bytes", "--format"},
    "suggest": {"--tags", "--format"},
    "classify": {"--tags", "--format"},
    "schema": set(),
    "presets": {"--dialect", "--order", "--presets-dir", "--max-bytes"},
    "expand": {"--dialect", "--order", "--presets-dir", "--max-bytes", "--format", "--seed"},
}
ALL_SHARED = set().union(*SHARED_OPTIONS.values())

RECORDS = ["text", "json", "jsonl"]
DIALECT_NAMES = ["a1111", "comfyui", "compel", "plain"]
TOOL_FORMATS = ["infotext", "a1111-api", "comfyui-workflow", "diffusers-json"]
# --format's choices and default, by command: the shared three, or a command's own.
FORMAT_CHOICES = {
    "render": ([*DIALECT_NAMES, *TOOL_FORMATS], None),
    "lint": ([*RECORDS, "github", "sarif"], "text"),
    "resolution": (RECORDS, "text"),
    "suggest": (RECORDS, "text"),
    "classify": (RECORDS, "text"),
    "expand": (RECORDS, "text"),
}


def test_every_subcommand_and_shared_option_is_in_the_table() -> None:
    from aidxl_prompt.cli import _options

    assert set(_subcommands()) == set(SHARED_OPTIONS)
    assert set(_options.SHARED_OPTIONS) == ALL_SHARED


@pytest.mark.parametrize("command", sorted(SHARED_OPTIONS))
def test_shared_options_are_declared_alike_everywhere(command: str) -> None:
    # Before: expand's --order took a preset name only, and presets had a -d of its own.
    reference = {}
    for parser in _subcommands().values():
        for action in parser._actions:
            for option in action.option_strings:
                reference.setdefault(option, _declaration(action))
    declared = set()
    for action in _subcommands()[command]._actions:
        for option in action.option_strings:
            declared.add(option)
            assert _declaration(action) == reference[option], (command, option)
    assert declared & ALL_SHARED == SHARED_OPTIONS[command]


def test_format_choices_are_each_commands() -> None:
    found = {}
    for name, parser in _subcommands().items():
        for action in parser._actions:
            if "--format" in action.option_strings:
                choices = list(action.choices or ())
                found[name] = (choices, action.default)
                default = action.default or "the --dialect"
                assert action.help == f"output format: {', '.join(choices)} (default: {default})"
    assert found == FORMAT_CHOICES


def _order_file(folder: Path, name: str, *, reverse: bool = False) -> Path:
    """A YAML order file listing the slots of preset ``name`` (reversed if asked)."""
    from aidxl_prompt.model.ordering import Ordering

    slots = Ordering.preset(name).slots
    path = folder / f"{name}{'-reversed' if reverse else ''}.yaml"
    lines = [f"- {slot.value}\n" for slot in (slots[::-1] if reverse else slots)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


VARIATIONS = str(REPO_ROOT / "examples" / "variations.yaml")

# A command per subcommand that renders, with a prompt whose order and weights show.
RENDERING_COMMANDS = {
    "format": ["format", "-q", "best quality, (by ask:0.9), 1girl"],
    "render": ["render", str(CARD_YAML)],
    "presets": ["presets", "--show", "quality-stack"],
    "expand": ["expand", VARIATIONS, "-n", "3", "--seed", "4"],
}


def _output(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv, {}) == 0, capsys.readouterr().err
    return capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(RENDERING_COMMANDS))
def test_order_file_is_read_by_every_command(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = RENDERING_COMMANDS[command]
    by_file = _output([*argv, "--order", str(_order_file(tmp_path, "style_last"))], capsys)
    assert by_file == _output([*argv, "--order", "style_last"], capsys)
    reversed_file = _order_file(tmp_path, "documented", reverse=True)
    assert _output([*argv, "--order", str(reversed_file)], capsys) != _output(argv, capsys)


@pytest.mark.parametrize("command", sorted(RENDERING_COMMANDS))
def test_dialect_option_means_the_same_everywhere(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = RENDERING_COMMANDS[command]
    short = _output([*argv, "-d", "plain"], capsys)
    assert short == _output([*argv, "--dialect", "plain"], capsys)
    assert ":0." not in short
    assert ":1." not in short  # plain captions carry no weights
    assert short != _output(argv, capsys)


# (argv with --max-bytes 40, whole stderr): each command refuses big input before reading it
MAX_BYTES_CASES = [
    (
        ["format", "1girl, " * 10],
        "aidxl-prompt: error: the prompt argument: more than 40 bytes (the limit; raise it "
        "with max_bytes / --max-bytes)\n",
    ),
    (
        ["render", str(CARD_YAML)],
        f"aidxl-prompt: error: {CARD_YAML}: more than 40 bytes (the limit; raise it with "
        "max_bytes / --max-bytes)\n",
    ),
    (
        ["expand", VARIATIONS],
        f"aidxl-prompt: error: {VARIATIONS}: more than 40 bytes (the limit; raise it with "
        "max_bytes / --max-bytes)\n",
    ),
]


@pytest.mark.parametrize(("argv", "err"), MAX_BYTES_CASES)
def test_max_bytes_is_applied_by_every_command(
    argv: list[str], err: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--max-bytes", "40"], {}) == 2
    assert capsys.readouterr() == ("", err)


def test_max_bytes_applies_to_presets_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets", "--show", "quality-stack", "--max-bytes", "40"], {}) == 2
    err = capsys.readouterr().err
    assert err.startswith("aidxl-prompt: error: ")
    assert err.endswith(": more than 40 bytes (the limit; raise it with max_bytes / --max-bytes)\n")


def test_max_bytes_above_the_default_reaches_the_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: format read a prompt under --max-bytes, then the parser refused it at 4 MiB.
    from aidxl_prompt._input import MAX_INPUT_BYTES

    prompt = "a" * (MAX_INPUT_BYTES + 1)  # one long tag: the cheapest prompt of that size
    assert main(["format", "-q", "--max-bytes", str(MAX_INPUT_BYTES + 1), prompt], {}) == 0
    assert capsys.readouterr() == (prompt + "\n", "")


@pytest.mark.parametrize(
    "command", sorted(name for name, options in SHARED_OPTIONS.items() if "--max-bytes" in options)
)
def test_bad_max_bytes_is_the_same_usage_error_everywhere(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--max-bytes", "0", "x"], {}) == 2
    assert capsys.readouterr() == (
        "",
        "aidxl-prompt: error: argument --max-bytes: expected a positive number of bytes, "
        "got '0' (see 'aidxl-prompt --help')\n",
    )


# --- the environment: read once, by main, and passed down --------------------------------


def test_environment_names_are_the_librarys() -> None:
    from aidxl_prompt.cli import _options
    from aidxl_prompt.files.presets import PRESETS_ENV_VAR
    from aidxl_prompt.vocab.vocabulary import TAGS_ENV_VAR

    assert (_options.TAGS_ENV_VAR, _options.PRESETS_ENV_VAR) == (TAGS_ENV_VAR, PRESETS_ENV_VAR)


def test_format_reads_tags_from_the_environment_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("qwzx,1,7,\n", encoding="utf-8")  # an artist the embedded table lacks
    argv = ["format", "-q", "1girl, qwzx"]
    assert _output(argv, capsys) == "1girl, qwzx\n"
    assert main(argv, {"AIDXL_PROMPT_TAGS": str(path)}) == 0
    assert capsys.readouterr().out == "by qwzx, 1girl\n"
    assert _output([*argv, "--tags", str(path)], capsys) == "by qwzx, 1girl\n"


def test_main_reads_os_environ_when_given_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("qwzx,1,7,\n", encoding="utf-8")
    monkeypatch.setenv("AIDXL_PROMPT_TAGS", str(path))
    assert main(["format", "-q", "1girl, qwzx"]) == 0
    assert capsys.readouterr().out == "by qwzx, 1girl\n"


def test_expand_finds_user_presets_through_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "uses-soft-anime.yaml"
    path.write_text("extends: [soft-anime]\nrace: [elf]\n", encoding="utf-8")
    folder = str(REPO_ROOT / "examples" / "presets")
    assert main(["expand", str(path)], {"AIDXL_PROMPT_PRESETS": folder}) == 0
    with_variable = capsys.readouterr().out
    assert main(["expand", str(path), "--presets-dir", folder], {}) == 0
    assert capsys.readouterr().out == with_variable
    assert "elf" in with_variable
    assert main(["expand", str(path)], {}) == 2  # without: soft-anime is unknown
    assert "soft-anime" in capsys.readouterr().err


# --- help ---------------------------------------------------------------------------------


def test_help_lists_every_subcommand_with_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"], {}) == 0
    out = capsys.readouterr().out
    for name, parser in _subcommands().items():
        (line,) = (line for line in out.splitlines() if line.split()[:1] == [name])
        summary = " ".join(line.split()[1:])
        assert summary
        assert parser.description is not None
    assert "AIDXL_PROMPT_TAGS" in out
    assert "AIDXL_PROMPT_PRESETS" in out


def _examples(command: str) -> list[str]:
    epilog = _subcommands()[command].epilog or ""
    return [line.strip() for line in epilog.splitlines() if line.startswith("  aidxl-prompt ")]


@pytest.mark.parametrize("command", sorted(SHARED_OPTIONS))
def test_every_subcommand_help_has_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"], {}) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: aidxl-prompt {command} ")
    assert _examples(command)
    for example in _examples(command):
        assert f"\n  {example}\n" in out  # printed as written, one line each


EXAMPLES = [(command, example) for command in SHARED_OPTIONS for example in _examples(command)]


@pytest.mark.parametrize(("command", "example"), EXAMPLES)
def test_help_examples_run(
    command: str,
    example: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    words = shlex.split(example)[1:]
    if "<" in words:  # standard input from a file
        at = words.index("<")
        monkeypatch.setattr(sys, "stdin", io.StringIO(Path(words[at + 1]).read_text()))
        words = words[:at] + words[at + 2 :]
    if ">" in words:  # standard output to a file: read here instead
        words = words[: words.index(">")]
    if "|" in words:  # a pipe: the first command's output is the second's input
        at = words.index("|")
        assert main(words[:at], {}) == 0
        monkeypatch.setattr(sys, "stdin", io.StringIO(capsys.readouterr().out))
        words = words[at + 2 :]
    assert words[0] == command
    assert main(words, {}) == EXAMPLE_EXIT.get(command, 0), capsys.readouterr().err
    assert capsys.readouterr().out


# The exit code of a command's examples when it is not 0: lint finds something in each.
EXAMPLE_EXIT = {"lint": 1}


def test_version_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    from aidxl_prompt import __version__

    assert main(["--version"], {}) == 0
    assert capsys.readouterr() == (f"aidxl-prompt {__version__}\n", "")


# --- exit codes: 2 only for the project's own errors ------------------------------------

# (what the renderer raises, the exit code or the exception that surfaces, stderr)
RAISED_CASES = [
    (
        FileNotFoundError(2, "No such file or directory", "gone.yaml"),
        2,
        "aidxl-prompt: error: gone.yaml: No such file or directory\n",
    ),  # a file that cannot be read
    (BrokenPipeError(32, "Broken pipe"), BrokenPipeError, None),  # not a file: surfaces
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), UnicodeDecodeError, None),  # a bug
    (KeyError("slot"), KeyError, None),  # a bug
    (KeyboardInterrupt(), 130, ""),
]


@pytest.mark.parametrize(("raised", "outcome", "err"), RAISED_CASES)
def test_only_the_projects_errors_exit_2(
    raised: BaseException,
    outcome: int | type[BaseException],
    err: str | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from aidxl_prompt.cli import app

    def broken(*args: object, **kwargs: object) -> str:
        raise raised

    monkeypatch.setattr(app, "render", broken)
    if isinstance(outcome, int):
        assert main(["format", "1girl"], {}) == outcome
        assert capsys.readouterr().err == err
    else:
        with pytest.raises(outcome):
            main(["format", "1girl"], {})


# --- start-up: the parser is built without the library ------------------------------------

_IMPORTS_AFTER = """
import contextlib, io, sys
from aidxl_prompt.cli import main
commands = [["--help"], ["--version"]] + [[name, "--help"] for name in sys.argv[1:]]
for argv in commands:
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv, {}) == 0, argv
heavy = {"pydantic", "yaml", "rapidfuzz", "aidxl_prompt.model", "aidxl_prompt.vocab"}
print(sorted(name for name in sys.modules if any(
    name == part or name.startswith(part + ".") for part in heavy)))
"""


def test_help_and_version_import_nothing_heavy() -> None:
    assert _python("-c", _IMPORTS_AFTER, *SHARED_OPTIONS) == (0, "[]\n", "")
