"""The command line: format and render, exit codes, one-line errors."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aidxl_prompt.cli.app import main

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


def test_python_m_version() -> None:
    from aidxl_prompt import __version__

    result = subprocess.run(
        [sys.executable, "-m", "aidxl_prompt", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
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


# (argv, stdout): names of extra networks and embeddings keep their case
NETWORK_CASES = [
    (
        ["format", "1girl, <lora:AIDXL_Style:0.8>"],
        "1girl, <lora:AIDXL_Style:0.8>\n",
    ),  # A1111 finds LoRA files by name
    (
        ["format", "-d", "compel", "1girl, <lora:AIDXL_Style:0.8>"],
        "1girl, withLora(AIDXL_Style, 0.8)\n",
    ),  # compel
    (
        ["format", "-d", "comfyui", "1girl, <lora:AIDXL_Style:0.8>"],
        "1girl\n",
    ),  # ComfyUI loads LoRAs with nodes: the token is left out of the text
]


@pytest.mark.parametrize(("argv", "out"), NETWORK_CASES)
def test_network_names_keep_their_case(
    argv: list[str], out: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    assert capsys.readouterr().out == out


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
