"""A1111's styles.csv: read, written, applied; styles to presets and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidxl_prompt.errors import DataFileError
from aidxl_prompt.export.styles import (
    Style,
    load_styles_csv,
    prompt_from_style,
    read_styles_csv,
    style_from_prompt,
    write_styles_csv,
)
from aidxl_prompt.files.prompt_file import load_prompt_file

CASES = Path(__file__).parent / "cases" / "export"
GOLDEN_STYLES = [
    Style(
        name="aidxl quality",
        prompt="{prompt}, (amazing quality:1.5)",
        negative_prompt="worst quality, low quality",
    ),
    Style(name="flat pasto", prompt="flat-pasto", negative_prompt="realistic, photorealistic, 3d"),
    Style(name="yoneyama mai", prompt="(by yoneyama mai:0.9), {prompt}"),
]


def test_golden_file_reads() -> None:
    assert load_styles_csv(CASES / "styles.csv") == GOLDEN_STYLES


def test_written_file_reads_back() -> None:
    text = write_styles_csv(GOLDEN_STYLES)
    assert text.splitlines()[0] == "name,prompt,negative_prompt"
    assert read_styles_csv(text) == GOLDEN_STYLES


# (style, prompt, negative, applied prompt, applied negative): A1111's apply_styles_to_prompt
APPLY = [
    (
        GOLDEN_STYLES[0],
        "1girl",
        "bad hands",
        "1girl, (amazing quality:1.5)",
        "bad hands, worst quality, low quality",
    ),
    (GOLDEN_STYLES[2], "1girl", "", "(by yoneyama mai:0.9), 1girl", ""),  # placeholder first
    (GOLDEN_STYLES[1], "", "", "flat-pasto", "realistic, photorealistic, 3d"),  # empty prompt
    (GOLDEN_STYLES[1], "  1girl  ", "", "1girl, flat-pasto", "realistic, photorealistic, 3d"),
    (Style(name="e"), "1girl", "x", "1girl", "x"),  # an empty style changes nothing
]


@pytest.mark.parametrize(("style", "prompt", "negative", "out", "out_negative"), APPLY)
def test_apply(style: Style, prompt: str, negative: str, out: str, out_negative: str) -> None:
    assert style.apply(prompt, negative) == (out, out_negative)


def test_bad_csv_names_the_line() -> None:
    with pytest.raises(DataFileError) as caught:
        read_styles_csv("name,prompt\na,b\nc," + "x" * 200_000, source="s.csv")
    assert str(caught.value) == "s.csv:3: not CSV (field larger than field limit (131072))"


def test_old_text_column_and_bom() -> None:
    styles = read_styles_csv("\ufeffname,text\nold,flat color\n")
    assert styles == [Style(name="old", prompt="flat color")]


def test_missing_columns_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "styles.csv"
    path.write_text("title,body\na,b\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_styles_csv(path)
    assert str(caught.value) == (
        f"{path}:1: expected the columns name, prompt, negative_prompt (got title, body)"
    )
    with pytest.raises(DataFileError) as caught:
        load_styles_csv(tmp_path / "missing.csv")
    assert str(caught.value) == (
        f"{tmp_path / 'missing.csv'}: cannot read file (No such file or directory)"
    )


def test_styles_become_prompts_for_presets() -> None:
    prompt = prompt_from_style(GOLDEN_STYLES[0])
    assert prompt.render() == "(amazing quality:1.5)"
    assert prompt.render_negative() == "worst quality, low quality"
    middle = prompt_from_style(Style(name="m", prompt="by ask, {prompt}, 1girl"))
    assert middle.render() == "by ask, 1girl"


def test_presets_become_styles() -> None:
    prompt = load_prompt_file(CASES / "frieren.yaml")
    style = style_from_prompt("frieren", prompt)
    assert style.prompt == prompt.render()
    assert style.negative_prompt == prompt.render_negative()
    # and the style, applied to nothing, is the preset's prompt again
    assert style.apply("") == (prompt.render(), prompt.render_negative())
    assert prompt_from_style(style).render() == prompt.render()


_CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=15)


@given(st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=5))
def test_csv_round_trip(rows: list[tuple[str, str, str]]) -> None:
    styles = [
        Style(name=name, prompt=prompt, negative_prompt=negative)
        for name, prompt, negative in rows
        # A1111 skips rows without a name or with a name starting with "#"; CSV's
        # skipinitialspace drops a leading space of an unquoted cell
        if name
        and not name.startswith("#")
        and not any(cell[:1].isspace() for cell in (name, prompt, negative))
    ]
    assert read_styles_csv(write_styles_csv(styles)) == styles
