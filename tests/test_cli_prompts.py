"""The prompt-file subcommands: schema, presets, expand (through argparse)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from aidxl_prompt.cli._prompts import register
from aidxl_prompt.files.expand import ExpandError
from aidxl_prompt.files.prompt_file import PromptFileError, prompt_file_schema

REPO = Path(__file__).resolve().parents[1]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aidxl-prompt")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == prompt_file_schema()


def test_presets_lists_names_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["presets", "--presets-dir", str(REPO / "examples" / "presets")]) == 0
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


def test_expand_no_repeats_error_is_an_input_error() -> None:
    argv = ["expand", str(REPO / "examples" / "variations.yaml"), "-n", "28", "--no-repeats"]
    with pytest.raises(ExpandError) as info:
        _run(argv)
    assert str(info.value) == (
        "asked for 28 variations without repeats, but the file's choices make only 27 "
        "different ones"
    )


def test_expand_bad_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("painting_style: [impasta]\n")
    with pytest.raises(PromptFileError) as info:
        _run(["expand", str(path)])
    assert str(info.value).startswith(f"{path}:1: painting_style[0]: 'impasta' is not one")
