"""The suggest and classify subcommands, run through their own parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from aidxl_prompt.cli._vocab import register
from aidxl_prompt.errors import AidxlPromptError
from aidxl_prompt.vocab.vocabulary import TAGS_ENV_VAR


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aidxl-prompt")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


@pytest.fixture
def tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(TAGS_ENV_VAR, raising=False)
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


def test_suggest_bad_limit(tags: Path) -> None:
    with pytest.raises(AidxlPromptError) as caught:
        run(["suggest", "x", "--limit", "0"])
    assert str(caught.value) == "--limit must be at least 1, got 0"


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


@pytest.fixture
def no_tags_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TAGS_ENV_VAR, raising=False)


@pytest.mark.usefixtures("no_tags_env")
def test_suggest_needs_no_tags(capsys: pytest.CaptureFixture[str]) -> None:
    # the README's example, answered by the embedded Danbooru table
    assert run(["suggest", "long_hiar"]) == 0
    assert capsys.readouterr().out == "long hair  fuzzy   score  88.9  4,350,743 posts  general\n"


@pytest.mark.usefixtures("no_tags_env")
def test_suggest_an_art_style(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["suggest", "by wlpo"]) == 0
    assert capsys.readouterr().out == "by wlop  fuzzy   score  85.7        365 posts  artist\n"


@pytest.mark.usefixtures("no_tags_env")
def test_classify_needs_no_tags(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "wlop", "ganyu_(genshin_impact)", "frieren (sousou no frieren)"]) == 0
    assert capsys.readouterr().out == (
        "by wlop                      art_style               artist-category\n"
        "ganyu (genshin impact)       character               character-category\n"
        "frieren (sousou no frieren)  character               character-tag\n"
    )


def test_tags_file_is_layered_over_the_embedded_table(
    tags: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # highres comes from the user's file; ganyu from the embedded table
    assert run(["classify", "highres", "ganyu (genshin impact)", "--tags", str(tags)]) == 0
    assert capsys.readouterr().out == (
        "highres                 secondary_description   meta-category  "
        "(meta: kept out of prompts)\n"
        "ganyu (genshin impact)  character               character-category\n"
    )


def test_environment_variable_is_layered_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("qwzx,1,7,\n", encoding="utf-8")
    monkeypatch.setenv(TAGS_ENV_VAR, str(path))
    assert run(["classify", "qwzx", "wlop"]) == 0
    assert capsys.readouterr().out == (
        "by qwzx  art_style               artist-category\n"
        "by wlop  art_style               artist-category\n"
    )
