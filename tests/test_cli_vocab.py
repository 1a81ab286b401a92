"""The suggest and classify subcommands, run through ``main`` with a given environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aidxl_prompt.cli._options import TAGS_ENV_VAR
from aidxl_prompt.cli.app import main


def run(argv: list[str], environ: dict[str, str] | None = None) -> int:
    """``main`` with an empty environment unless one is given (no user vocabulary)."""
    return main(argv, {} if environ is None else environ)


@pytest.fixture
def tags(tmp_path: Path) -> Path:
    path = tmp_path / "tags.csv"
    path.write_text('long_hair,0,4350743,"/lh"\nwlop,1,5000,\nhighres,5,10,\n', encoding="utf-8")
    return path


def test_suggest_text(tags: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "long_hiar", "--tags", str(tags), "--limit", "1"]) == 0
    assert capsys.readouterr().out == "long hair  fuzzy   score  88.9  4,350,743 posts  general\n"


def test_suggest_json(tags: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "/lh", "--tags", str(tags), "--format", "json", "--limit", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "tag": "long hair",
            "score": 100.0,
            "post_count": 4350743,
            "why": "alias",
            "category": "general",
        }
    ]


def test_suggest_nothing_found(tags: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "qwertyuiop", "--tags", str(tags)]) == 1
    assert capsys.readouterr().err == "no tag looks like 'qwertyuiop'\n"


# --limit is checked as the arguments are read: a usage error, the whole line
@pytest.mark.parametrize("limit", ["0", "-2", "x", "²"])
def test_suggest_bad_limit(limit: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "x", f"--limit={limit}"]) == 2
    assert capsys.readouterr() == (
        "",
        f"aidxl-prompt: error: argument --limit: expected a positive number, got {limit!r} "
        "(see 'aidxl-prompt --help')\n",
    )


def test_suggest_jsonl(tags: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "long_hiar", "--tags", str(tags), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert json.loads(lines[0]) == {
        "tag": "long hair",
        "score": 88.9,
        "post_count": 4350743,
        "why": "fuzzy",
        "category": "general",
    }


def test_suggest_json_nothing_found_is_an_empty_list(
    tags: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["suggest", "qwertyuiop", "--tags", str(tags), "--format", "json"]) == 1
    assert capsys.readouterr() == ("[]\n", "")


def test_classify_text(tags: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "wlop", "Long_Hair", "highres", "--tags", str(tags)]) == 0
    assert capsys.readouterr().out == (
        "by wlop    art_style               artist-category\n"
        "long hair  main_characteristics    list:hair-length\n"
        "highres    secondary_description   meta-category  (meta: kept out of prompts)\n"
    )


def test_classify_json(tags: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "wlop", "--tags", str(tags), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "input": "wlop",
            "slot": "art_style",
            "rule": "artist-category",
            "text": "by wlop",
            "meta": False,
        }
    ]


# (argv, stdout), with the embedded Danbooru table alone or a --tags file over it
EMBEDDED_CASES = [
    (
        ["suggest", "long_hiar"],
        "long hair  fuzzy   score  88.9  4,350,743 posts  general\n",
    ),  # the README's example
    (
        ["suggest", "by wlpo"],
        "by wlop  fuzzy   score  85.7        365 posts  artist\n",
    ),  # an art style: "by" kept
    (
        ["classify", "wlop", "ganyu_(genshin_impact)", "frieren (sousou no frieren)"],
        "by wlop                      art_style               artist-category\n"
        "ganyu (genshin impact)       character               character-category\n"
        "frieren (sousou no frieren)  character               character-tag\n",
    ),
    (
        ["classify", "highres", "ganyu (genshin impact)", "--tags", "{tags}"],
        "highres                 secondary_description   meta-category  "
        "(meta: kept out of prompts)\n"
        "ganyu (genshin impact)  character               character-category\n",
    ),  # highres comes from the user's file; ganyu from the embedded table
]


@pytest.mark.parametrize(("argv", "out"), EMBEDDED_CASES)
def test_the_embedded_table_answers(
    argv: list[str], out: str, tags: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([arg.format(tags=tags) for arg in argv]) == 0
    assert capsys.readouterr() == (out, "")


def test_classify_json_and_jsonl_hold_the_same_records(
    tags: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["classify", "wlop", "highres", "--tags", str(tags)]
    assert run([*argv, "--format", "json"]) == 0
    array = json.loads(capsys.readouterr().out)
    assert run([*argv, "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == array
    assert [record["input"] for record in array] == ["wlop", "highres"]


# The environment is the one main is given: the same command with and without the
# variable, the variable's empty parts ignored, and --tags winning over it.
def test_environment_variable_is_layered_too(
    tmp_path: Path, tags: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("qwzx,1,7,\n", encoding="utf-8")
    with_variable = {TAGS_ENV_VAR: os.pathsep.join(["", str(path), " "])}
    assert run(["classify", "qwzx", "wlop"], with_variable) == 0
    assert capsys.readouterr().out == (
        "by qwzx  art_style               artist-category\n"
        "by wlop  art_style               artist-category\n"
    )
    assert run(["classify", "qwzx"]) == 0  # without it: the embedded table alone
    assert capsys.readouterr().out == "qwzx  secondary_description   default\n"
    assert run(["classify", "qwzx", "--tags", str(tags)], with_variable) == 0  # --tags wins
    assert capsys.readouterr().out == "qwzx  secondary_description   default\n"
