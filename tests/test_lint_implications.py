"""The packed Danbooru implication table (vocab/_implications.py) and its build script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from aidxl_prompt.lint.linter import lint
from aidxl_prompt.vocab import _implications
from aidxl_prompt.vocab._implications import direct_implications, implied_tags
from aidxl_prompt.vocab.vocabulary import Vocabulary
from conftest import require_shared_file

REPO_ROOT = Path(__file__).resolve().parents[1]


def _build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_implications", REPO_ROOT / "scripts" / "build_implications.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_implications"] = module
    spec.loader.exec_module(module)
    return module


# (tag, what it implies directly): from the 2025-05-01 dump, active rows.
DIRECT = [
    ("very long hair", ("long hair",)),
    ("cat ears", ("animal ears",)),
    ("bishop (chess)", ("chess piece",)),
    ("long hair", ()),  # implies nothing
    ("", ()),
    ("zzzz not a tag", ()),
    ("~", ()),  # after every name in byte order
]


@pytest.mark.parametrize(("tag", "implied"), DIRECT)
def test_direct_implications(tag: str, implied: tuple[str, ...]) -> None:
    assert direct_implications(tag) == implied


def test_implied_tags_are_transitive_nearest_first() -> None:
    assert implied_tags("absurdly long hair") == ("very long hair", "long hair")


def test_every_line_is_found_and_sorted() -> None:
    data, _ = _implications._packed()
    lines = data.decode("utf-8").splitlines()
    names = [line.split("\t", 1)[0] for line in lines]
    assert [name.encode() for name in names] == sorted(name.encode() for name in names)
    assert len(set(names)) == len(names)
    for name, line in zip(names, lines, strict=True):  # every line, by the index
        assert direct_implications(name) == tuple(line.split("\t")[1:])
    assert direct_implications(names[0][:-1] + "\t") == ()


@pytest.mark.slow
def test_packed_table_is_built_from_the_shared_csv() -> None:
    packed = _build_script().packed_implications(
        require_shared_file("danbooru_tag_implications.csv")
    )
    committed = (REPO_ROOT / "data" / "vocab" / "danbooru_implications.tsv").read_bytes()
    assert packed == committed


def test_a_given_vocabulary_without_the_embedded_table_has_no_implications(
    tmp_path: Path,
) -> None:
    tags = tmp_path / "tags.csv"
    tags.write_text("long_hair,0,10,\nvery_long_hair,0,5,\n", encoding="utf-8")
    alone = Vocabulary.load(tags, include_embedded=False)
    prompt = "long hair, very long hair"
    assert [d.code for d in lint(prompt, vocabulary=alone)] == []
    assert [d.code for d in lint(prompt)] == ["AP602"]


def test_a_given_implication_table_is_used(tmp_path: Path) -> None:
    table = tmp_path / "my_implications.csv"
    table.write_text(
        "id,antecedent_name,consequent_name,status,created_at\n1,smile,happy,active,2020-01-01\n",
        encoding="utf-8",
    )
    vocabulary = Vocabulary.load(table)
    assert [d.message for d in lint("happy, smile", vocabulary=vocabulary)] == [
        "'happy' is implied by 'smile'"
    ]
