"""Presets: the built-in set, user folders, listing and detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidxl_prompt.card.words import PaintingStyle, Quality
from aidxl_prompt.files.presets import PresetLibrary, detect_presets, list_presets, load_preset
from aidxl_prompt.files.prompt_file import load_prompt_file
from aidxl_prompt.model.items import Tag
from aidxl_prompt.model.prompt import Prompt

REPO = Path(__file__).resolve().parents[1]
BUILTIN_ONLY = PresetLibrary(folders=())

# (preset, field, expected items)
BUILTIN_CASES = [
    ("default-negative", "negative", [Tag(text="worst quality"), Tag(text="low quality")]),
    ("quality-amazing", "quality", [Tag(text="amazing quality", weight=1.5)]),  # card advice
    ("quality-amazing", "negative", [Tag(text="worst quality"), Tag(text="low quality")]),
    ("quality-best", "quality", [Tag(text="best quality")]),  # the ordering example's level
    (
        "quality-stack",
        "quality",
        [
            Tag(text="amazing quality", weight=1.5),
            Tag(text="best quality"),
            Tag(text="high quality"),
        ],
    ),
    ("quality-stack", "aesthetics", [Tag(text="beautiful color"), Tag(text="detailed")]),
    ("painting-impasto", "painting_style", [Tag(text="impasto")]),
    (
        "painting-flat-color",
        "negative",
        [Tag(text=t) for t in ("realistic", "photorealistic", "3d")],
    ),
    ("painting-photorealistic", "negative", []),  # a realistic style brings no anti-realism
]


@pytest.mark.parametrize(("name", "field", "expected"), BUILTIN_CASES)
def test_builtin_presets(name: str, field: str, expected: list[Tag]) -> None:
    assert getattr(load_preset(name, BUILTIN_ONLY), field) == expected


def test_every_painting_style_has_a_preset() -> None:
    names = BUILTIN_ONLY.names()
    for style in PaintingStyle:
        name = "painting-" + style.value.replace(" ", "-")
        assert name in names
        assert load_preset(name, BUILTIN_ONLY).painting_style == [Tag(text=style.value)]


def test_default_negative_is_the_cards_low_levels() -> None:
    negative = load_preset("default-negative", BUILTIN_ONLY).negative
    assert negative == [level.tag() for level in Quality.negative_levels()]


def test_listing_has_descriptions_and_sources(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("description: Mine.\nrace: [elf]\n")
    infos = {info.name: info for info in list_presets([tmp_path])}
    assert infos["mine"].description == "Mine."
    assert infos["mine"].builtin is False
    assert infos["default-negative"].builtin is True
    assert all(info.description for info in infos.values())
    assert next(iter(infos)) == "mine"  # user folders come first


def test_listing_reads_the_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.yaml").write_text("race: [elf]\n")
    monkeypatch.setenv("AIDXL_PROMPT_PRESETS", str(tmp_path))
    assert "sub/deep" in [info.name for info in list_presets()]
    assert load_preset("sub/deep").race == [Tag(text="elf")]


def test_example_user_preset_extends_a_builtin_one() -> None:
    prompt = load_preset("soft-anime", [REPO / "examples" / "presets"])
    assert prompt.quality == [Tag(text="best quality", weight=1.2)]  # merge: replace
    assert prompt.aesthetics == [
        Tag(text="beautiful color"),
        Tag(text="detailed"),
        Tag(text="soft lighting", weight=1.1),
    ]
    assert prompt.negative[:2] == [Tag(text="worst quality"), Tag(text="low quality")]


# (prompt, presets detected)
DETECT_CASES: list[tuple[Prompt, list[str]]] = [
    (Prompt(), []),  # nothing applied
    (Prompt(negative=["worst quality", "low quality"]), ["default-negative"]),
    (
        Prompt(negative=["low quality", "lowres", "worst quality"]),
        ["default-negative"],
    ),  # any order
    (Prompt(negative=["worst quality"]), []),  # half a preset is not applied
    (
        Prompt(quality=[("amazing quality", 1.5)], negative=["worst quality", "low quality"]),
        ["default-negative", "quality-amazing"],
    ),
    (
        Prompt(quality=["amazing quality"], negative=["worst quality", "low quality"]),
        ["default-negative"],
    ),  # the weight is part of the preset
    (Prompt(painting_style=["impasto"]), ["painting-impasto"]),
    (Prompt(painting_style=["flat color"]), []),  # its negatives are missing
    (Prompt(race=["impasto"]), []),  # the right tag in the wrong slot
]


@pytest.mark.parametrize(("prompt", "expected"), DETECT_CASES)
def test_detect_presets(prompt: Prompt, expected: list[str]) -> None:
    assert detect_presets(prompt, BUILTIN_ONLY) == expected


def test_detect_presets_on_a_loaded_file() -> None:

    prompt = load_prompt_file(REPO / "examples" / "frieren.yaml", library=BUILTIN_ONLY)
    assert detect_presets(prompt, BUILTIN_ONLY) == [
        "default-negative",
        "painting-flat-pasto",
        "quality-amazing",
    ]
