"""Presets: the built-in set, user folders, listing and detection."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aidxl_prompt.card.words import PaintingStyle, Quality
from aidxl_prompt.errors import PromptFileError
from aidxl_prompt.files.presets import PresetLibrary, detect_presets, list_presets, load_preset
from aidxl_prompt.files.prompt_file import PromptFile, load_prompt_file
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


def test_only_from_env_reads_the_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.yaml").write_text("race: [elf]\n")
    monkeypatch.setenv("AIDXL_PROMPT_PRESETS", str(tmp_path))
    assert "sub/deep" not in [info.name for info in list_presets()]  # built-in only
    library = PresetLibrary.from_env()
    assert "sub/deep" in [info.name for info in list_presets(library)]
    assert load_preset("sub/deep", library).race == [Tag(text="elf")]


# (environment given to from_env, the user folders it names)
FROM_ENV_CASES: list[tuple[dict[str, str], list[str]]] = [
    ({}, []),  # not set
    ({"AIDXL_PROMPT_PRESETS": ""}, []),  # set, empty
    ({"AIDXL_PROMPT_PRESETS": f"a{os.pathsep}b"}, ["a", "b"]),  # in search order
    ({"AIDXL_PROMPT_PRESETS": f"{os.pathsep}a{os.pathsep}"}, ["a"]),  # empty parts left out
    ({"AIDXL_PROMPT_TAGS": "x"}, []),  # another variable
]


@pytest.mark.parametrize(("environ", "folders"), FROM_ENV_CASES)
def test_from_env_reads_the_environment_it_is_given(
    environ: dict[str, str], folders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDXL_PROMPT_PRESETS", "from-the-shell")  # never read when given
    library = PresetLibrary.from_env(environ, max_bytes=100)
    assert [str(folder) for folder in library.folders] == folders
    assert (library.include_builtin, library.max_bytes) == (True, 100)


def test_from_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDXL_PROMPT_PRESETS", "mine")
    assert PresetLibrary.from_env().folders == (Path("mine"),)


def test_read_gives_the_file_and_load_the_prompt() -> None:
    # The package's rule: read_* gives the parsed PromptFile, load_* the Prompt.
    document = BUILTIN_ONLY.read("quality-amazing")
    assert isinstance(document, PromptFile)
    assert document.description == "(amazing quality:1.5) with the default negative."
    prompt = BUILTIN_ONLY.load("quality-amazing")
    assert isinstance(prompt, Prompt)
    assert prompt == document.resolve() == load_preset("quality-amazing")
    assert BUILTIN_ONLY.read("quality-amazing") is document  # read once per file version


def test_an_edited_preset_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("race: [elf]\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    assert library.load("mine").race == [Tag(text="elf")]
    path.write_text("race: [human, elf]\n")
    assert library.load("mine").race == [Tag(text="human"), Tag(text="elf")]


def test_a_missing_preset_is_a_file_error_naming_the_folders(tmp_path: Path) -> None:
    (tmp_path / "quality-mine.yaml").write_text("quality: [best]\n")
    library = PresetLibrary(folders=(tmp_path, tmp_path / "nope"), include_builtin=False)
    for call in (library.find, library.read, library.load, lambda name: load_preset(name, library)):
        with pytest.raises(PromptFileError) as info:
            call("quality-mien")
        assert str(info.value) == (
            "<presets>: unknown preset 'quality-mien'; did you mean 'quality-mine'? "
            f"(looked in {tmp_path}, {tmp_path / 'nope'}; known presets: quality-mine)"
        )


def test_a_missing_preset_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(PromptFileError) as info:
        BUILTIN_ONLY.find("shared/style.yaml", relative_to=tmp_path)
    assert str(info.value) == (
        f"<presets>: preset file 'shared/style.yaml' not found (looked for "
        f"{tmp_path / 'shared' / 'style.yaml'})"
    )


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
