"""The prompt-file subcommands: schema, presets, expand (run through ``main``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aidxl_prompt.cli._options import PRESETS_ENV_VAR
from aidxl_prompt.cli.app import main
from aidxl_prompt.files.prompt_file import prompt_file_schema

REPO = Path(__file__).resolve().parents[1]
USER_PRESETS = REPO / "examples" / "presets"


def _run(argv: list[str], environ: dict[str, str] | None = None) -> int:
    """``main`` with an empty environment unless one is given (no user presets)."""
    return main(argv, {} if environ is None else environ)


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == prompt_file_schema()


def test_presets_lists_names_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["presets", "--presets-dir", str(USER_PRESETS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("soft-anime ")
    assert lines[0].endswith(f"[{REPO / 'examples' / 'presets' / 'soft-anime.yaml'}]")
    assert any(
        line.split()[0] == "default-negative" and "worst quality, low quality" in line
        for line in lines
    )


def test_presets_show_renders_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["presets", "--show", "quality-amazing"]) == 0
    assert capsys.readouterr().out == (
        "(amazing quality:1.5)\nNegative prompt: worst quality, low quality\n"
    )


def test_expand_text_is_seeded(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["expand", str(REPO / "examples" / "variations.yaml"), "-n", "5", "--seed", "7"]
    assert _run(argv) == 0
    first = capsys.readouterr().out
    assert _run(argv) == 0
    assert capsys.readouterr().out == first
    assert len(first.splitlines()) == 5
    assert all(line.startswith("(by yoneyama mai:0.9), 1 ganyu") for line in first.splitlines())


def test_expand_jsonl_carries_negative_and_choices(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["expand", str(REPO / "examples" / "variations.yaml"), "--mode", "combinatorial"]
    assert _run([*argv, "--format", "jsonl", "-n", "2"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["choices"] for r in records] == [
        {"style": 0, "face": 0, "background": 0},
        {"style": 0, "face": 0, "background": 1},
    ]
    assert records[0]["labels"]["style"] == "painting-flat-pasto"
    assert records[0]["negative"].startswith("worst quality, low quality, realistic")
    assert "flat-pasto" in records[0]["prompt"]


def test_expand_json_is_the_jsonl_records_as_one_array(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["expand", str(REPO / "examples" / "variations.yaml"), "-n", "3", "--seed", "2"]
    assert _run([*argv, "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert _run([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == lines
    assert [record["index"] for record in lines] == [0, 1, 2]


def test_expand_no_repeats_error_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["expand", str(REPO / "examples" / "variations.yaml"), "-n", "28", "--no-repeats"]
    assert _run(argv) == 2
    assert capsys.readouterr() == (
        "",
        "aidxl-prompt: error: asked for 28 variations without repeats, but the file's "
        "choices make only 27 different ones\n",
    )


def test_expand_bad_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("painting_style: [impasta]\n")
    assert _run(["expand", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"aidxl-prompt: error: {path}:1: painting_style[0]: 'impasta' is not")
    assert err.count("\n") == 1


# The presets folders are the ones main is given: --presets-dir, else the variable (its
# empty parts ignored), else none; the same command with and without the variable.
def test_presets_folders_come_from_the_environment_main_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variable = {PRESETS_ENV_VAR: os.pathsep.join(["", str(USER_PRESETS)])}
    assert _run(["presets"], variable) == 0
    with_variable = capsys.readouterr().out
    assert _run(["presets"]) == 0
    without = capsys.readouterr().out
    assert "soft-anime" in with_variable
    assert "soft-anime" not in without
    assert set(without.splitlines()) < set(with_variable.splitlines())
    assert _run(["presets", "--presets-dir", str(tmp_path)], variable) == 0
    assert capsys.readouterr().out == without  # --presets-dir wins over the variable


def test_render_finds_user_presets_through_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "uses-soft-anime.yaml"
    path.write_text("extends: [soft-anime]\nrace: [elf]\n", encoding="utf-8")
    assert _run(["render", str(path)], {PRESETS_ENV_VAR: str(USER_PRESETS)}) == 0
    assert "elf" in capsys.readouterr().out
    assert _run(["render", str(path)]) == 2  # no user folder: the preset is unknown
    err = capsys.readouterr().err
    assert err.startswith("aidxl-prompt: error: ")
    assert "soft-anime" in err
