"""The hand-off commands: ``render --format`` for each tool, ``resolution``, ``infotext``,
``styles``, and ``format`` of a pasted infotext."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from aidxl_prompt.card.settings import Settings
from aidxl_prompt.cli.app import main
from aidxl_prompt.export.a1111_api import txt2img_body
from aidxl_prompt.export.comfyui import check_workflow, comfyui_workflow
from aidxl_prompt.export.diffusers import diffusers_job
from aidxl_prompt.files.prompt_file import load_prompt_file

REPO_ROOT = Path(__file__).resolve().parents[1]
FRIEREN = str(REPO_ROOT / "examples" / "frieren.yaml")

FRIEREN_POSITIVE = (
    "(by yoneyama mai:0.9), (by chi4:0.8), 1 frieren \\(sousou no frieren\\), elf, cowboy "
    "shot, flat-pasto, fantasy theme, in the forest, at day, gradient background, sitting "
    "on ground, expressionless, white hair, twintails, green eyes, parted lip, white dress, "
    "frills, holding a magic wand, grass, sunshine, beautiful color, detailed, (amazing "
    "quality:1.5), birds, cloud, butterfly"
)
FRIEREN_NEGATIVE = "worst quality, low quality, realistic, photorealistic, 3d, (bad hands:1.2)"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv, {})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- render --format ------------------------------------------------------------------------

# (argv after "render FRIEREN", stdout): the golden outputs of the text formats
RENDER_TEXT_CASES = [
    ([], f"{FRIEREN_POSITIVE}\nNegative prompt: {FRIEREN_NEGATIVE}\n"),  # -d's dialect
    (["--format", "a1111"], f"{FRIEREN_POSITIVE}\nNegative prompt: {FRIEREN_NEGATIVE}\n"),
    (
        ["--format", "infotext", "--seed", "1"],
        f"{FRIEREN_POSITIVE}\nNegative prompt: {FRIEREN_NEGATIVE}\nSteps: 28, Sampler: "
        "Euler a, Schedule type: Automatic, CFG scale: 7, Seed: 1, Size: 1024x1024\n",
    ),  # the euler_a preset
    (
        [
            "--format",
            "infotext",
            "--settings",
            "dpmpp_2m_karras",
            "--aspect",
            "2:3",
            "--seed",
            "5",
            "--clip-skip",
            "2",
        ],
        f"{FRIEREN_POSITIVE}\nNegative prompt: {FRIEREN_NEGATIVE}\nSteps: 35, Sampler: "
        "DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 5, Size: 832x1248, Clip skip: 2\n",
    ),  # the other preset, the card's size for 2:3
    (
        ["--format", "infotext", "--size", "896x1152", "--steps", "30", "--cfg", "6.5"],
        f"{FRIEREN_POSITIVE}\nNegative prompt: {FRIEREN_NEGATIVE}\nSteps: 30, Sampler: "
        "Euler a, Schedule type: Automatic, CFG scale: 6.5, Seed: -1, Size: 896x1152\n",
    ),
]


@pytest.mark.parametrize(("extra", "out"), RENDER_TEXT_CASES)
def test_render_text_formats(
    extra: list[str], out: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["render", FRIEREN, *extra], capsys) == (0, out, "")


@pytest.mark.parametrize("dialect", ["a1111", "comfyui", "compel", "plain"])
def test_render_format_of_a_dialect_is_the_dialect_option(
    dialect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["render", FRIEREN, "--format", dialect], capsys) == _run(
        ["render", FRIEREN, "-d", dialect], capsys
    )


def _frieren() -> Any:
    return load_prompt_file(FRIEREN)


SEVEN = Settings.preset("dpmpp_2m_karras", seed=7, width=832, height=1248)

# (format, what the library makes of the same prompt and settings)
TOOL_CASES = [
    ("a1111-api", lambda: txt2img_body(_frieren(), SEVEN)),
    ("comfyui-workflow", lambda: comfyui_workflow(_frieren(), SEVEN)),
    ("diffusers-json", lambda: diffusers_job(_frieren(), SEVEN)),
]
SEVEN_ARGS = ["--settings", "dpmpp_2m_karras", "--seed", "7", "--aspect", "2:3"]


@pytest.mark.parametrize(("output_format", "expected"), TOOL_CASES)
def test_render_json_formats_are_the_librarys(
    output_format: str, expected: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["render", FRIEREN, "--format", output_format, *SEVEN_ARGS], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == expected()


def test_render_comfyui_workflow_is_a_sound_graph(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        ["render", FRIEREN, "--format", "comfyui-workflow", "--checkpoint", "mine.safetensors"],
        capsys,
    )
    flow = json.loads(out)
    assert code == 0
    assert check_workflow(flow) == []
    loader = next(node for node in flow.values() if node["class_type"] == "CheckpointLoaderSimple")
    assert loader["inputs"]["ckpt_name"] == "mine.safetensors"


def test_render_diffusers_for_compel(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(["render", FRIEREN, "--format", "diffusers-json", "--syntax", "compel"], capsys)[1]
    job = json.loads(out)
    assert job["syntax"] == "compel"
    assert job["call"]["prompt"].startswith("(by yoneyama mai)0.9, ")


# (argv after "render FRIEREN --format infotext", exit code, stderr)
SETTINGS_PROBLEMS = [
    (
        ["--steps", "12", "--cfg", "12"],
        0,
        "aidxl-prompt: warning: cfg_scale: CFG scale 12 is outside the card's 5 to 11 "
        '(card: "CFG scale: 5-11")\n'
        "aidxl-prompt: warning: steps: 12 steps with Euler a; the card asks for 20+ (card: "
        '"Sampling method: Euler A (20+ steps) or DPM++ 2M Karras (~35 steps)")\n',
    ),  # warnings: rendered, with the card's rule named
    (
        ["--size", "1000x1000"],
        2,
        "aidxl-prompt: error: Settings: width: 1000 is not a multiple of 32; the nearest "
        'valid widths are 992 and 1024 (card: "...multiples of 32")\n',
    ),
    (
        ["--settings", "euler"],
        2,
        "aidxl-prompt: error: Settings: preset: unknown preset 'euler'; did you mean "
        "'euler_a'? (expected one of: euler_a, dpmpp_2m_karras)\n",
    ),
    (
        ["--aspect", "wide"],
        2,
        "aidxl-prompt: error: aspect 'wide' is not a ratio like '2:3' or '16:9', or a number\n",
    ),
    (
        ["--size", "big"],
        2,
        "aidxl-prompt: error: argument --size: expected WIDTHxHEIGHT such as 832x1248, got "
        "'big' (see 'aidxl-prompt --help')\n",
    ),
    (
        ["--size", "832x1248", "--aspect", "2:3"],
        2,
        "aidxl-prompt: error: argument --aspect: not allowed with argument --size "
        "(see 'aidxl-prompt --help')\n",
    ),
]


@pytest.mark.parametrize(("extra", "code", "err"), SETTINGS_PROBLEMS)
def test_render_settings_are_checked_against_the_card(
    extra: list[str], code: int, err: str, capsys: pytest.CaptureFixture[str]
) -> None:
    got_code, out, got_err = _run(["render", FRIEREN, "--format", "infotext", *extra], capsys)
    assert (got_code, got_err) == (code, err)
    assert bool(out) == (code == 0)


# --- resolution --------------------------------------------------------------------------------

# (argv, stdout)
RESOLUTION_CASES = [
    (["resolution", "2:3"], "832x1248\n"),
    (["resolution", "1:1", "16:9", "1.5"], "1:1   1024x1024\n16:9  1376x768\n1.5   1248x832\n"),
    (
        ["resolution", "3:4", "--format", "jsonl"],
        '{"aspect": "3:4", "width": 896, "height": 1184}\n',
    ),
]


@pytest.mark.parametrize(("argv", "out"), RESOLUTION_CASES)
def test_resolution(argv: list[str], out: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(argv, capsys) == (0, out, "")


def test_resolution_of_a_bad_aspect_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["resolution", "0:1"], capsys)[0] == 2


# --- infotext: what the tools wrote, back as a prompt file ------------------------------------


def _infotext_of_frieren(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, _ = _run(["render", FRIEREN, "--format", "infotext", *extra], capsys)
    assert code == 0
    return out


def test_infotext_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written = _infotext_of_frieren(capsys, "--settings", "dpmpp_2m_karras", "--seed", "3")
    monkeypatch.setattr(sys, "stdin", io.StringIO(written))
    code, prompt_file, _ = _run(["infotext", "-"], capsys)
    assert code == 0
    assert prompt_file.endswith(
        "settings: {width: 1024, height: 1024, cfg_scale: 7.0, steps: 35, sampler: DPM++ 2M, "
        "scheduler: Karras,\n  seed: 3}\n"
    )
    path = tmp_path / "back.prompt.yaml"
    path.write_text(prompt_file, encoding="utf-8")
    assert _run(["render", str(path), "--format", "infotext"], capsys) == (0, written, "")


SETTINGS_FILE = str(REPO_ROOT / "examples" / "settings.yaml")
SETTINGS_FILE_PROMPT = (
    "1girl, smile, (amazing quality:1.5)\nNegative prompt: worst quality, low quality\n"
)

# (options, the settings line): the file's settings: block, and options over it
FILE_SETTINGS_CASES = [
    (
        [],
        "Steps: 35, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, "
        "Size: 832x1248",
    ),
    (
        ["--seed", "3", "--steps", "32"],
        "Steps: 32, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3, "
        "Size: 832x1248",
    ),  # options over the file's block
    (
        ["--settings", "euler_a"],
        "Steps: 28, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, Seed: -1, "
        "Size: 1024x1024",
    ),  # a preset instead of the file's block
]


@pytest.mark.parametrize(("extra", "line"), FILE_SETTINGS_CASES)
def test_render_takes_the_files_settings_block(
    extra: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["render", SETTINGS_FILE, "--format", "infotext", *extra], capsys) == (
        0,
        SETTINGS_FILE_PROMPT + line + "\n",
        "",
    )


def test_infotext_keeps_other_parameters_as_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        'best quality, 1girl\nSteps: 20, Sampler: Euler a, Size: 832x1248, Model: "aidxl, v0.8"\n',
        encoding="utf-8",
    )
    assert _run(["infotext", str(path)], capsys) == (
        0,
        "# Model: aidxl, v0.8\n"
        "character: [1girl]\n"
        "quality: [best quality]\n"
        "settings: {width: 832, height: 1248, steps: 20, sampler: Euler a}\n",  # not defaults
        "",
    )


def test_infotext_with_settings_off_the_card_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("1girl\nSteps: 20, Sampler: Euler a, Size: 1000x1000\n", encoding="utf-8")
    assert _run(["infotext", str(path)], capsys) == (
        0,
        "# settings left out: Settings: width: 1000 is not a multiple of 32; the nearest valid "
        'widths are 992 and 1024 (card: "...multiples of 32")\ncharacter: [1girl]\n',
        "",
    )


def _png(path: Path, **chunks: str) -> Path:
    image = pytest.importorskip("PIL.Image", reason="reading PNGs needs Pillow")
    png = pytest.importorskip("PIL.PngImagePlugin")
    info = png.PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
    image.new("RGB", (4, 4)).save(path, pnginfo=info)
    return path


def test_infotext_of_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = _png(tmp_path / "00001-3.png", parameters="1girl, best quality\nNegative prompt: 3d")
    assert _run(["infotext", str(png)], capsys) == (
        0,
        "character: [1girl]\nquality: [best quality]\nnegative: [3d]\n",
        "",
    )
    comfy = _png(tmp_path / "comfy.png", prompt='{"3": {"class_type": "KSampler"}}')
    assert _run(["infotext", str(comfy)], capsys) == (
        2,
        "",
        f"aidxl-prompt: error: {comfy}: no A1111 'parameters' text in this image (found a "
        "ComfyUI graph)\n",
    )


# --- format of a pasted infotext ----------------------------------------------------------------

PASTED = (
    "best_quality, 1girl, white_hair\n"
    "Negative prompt: worst_quality, (lowres)\n"
    'Steps: 10, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 832x1248, Model: "a, b"\n'
)


def test_format_of_a_pasted_infotext(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASTED))
    assert _run(["format", "-"], capsys) == (
        0,
        "1girl, white hair, best quality\n"
        "Negative prompt: worst quality, (lowres:1.1)\n"
        'Steps: 10, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 832x1248, Model: "a, b"\n',
        "aidxl-prompt: note: settings: steps: 10 steps with Euler a; the card asks for 20+ "
        '(card: "Sampling method: Euler A (20+ steps) or DPM++ 2M Karras (~35 steps)")\n',
    )


# One-line prompts are never read as an infotext, however many "key: value" they hold.
@pytest.mark.parametrize("text", ["(smile:1.2), (blush:1.1), (tears:0.8)", "a: 1, b: 2, c: 3"])
def test_format_of_one_line_is_a_prompt(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["format", "-q", text], capsys)
    assert code == 0
    assert "\n" not in out.rstrip("\n")


# --- styles ------------------------------------------------------------------------------------

STYLES_CSV = (
    "name,prompt,negative_prompt\n"
    'aidxl quality,"{prompt}, (amazing quality:1.5)",lowres\n'
    "by ask,by ask,\n"
)


def test_styles_import_prints_presets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "styles.csv"
    path.write_text(STYLES_CSV, encoding="utf-8")
    assert _run(["styles", "import", str(path)], capsys) == (
        0,
        "# preset: aidxl quality\nquality:\n- {amazing quality: 1.5}\nnegative: [lowres]\n"
        "---\n# preset: by ask\nart_style: [by ask]\n",
        "",
    )


def test_styles_import_into_a_folder_then_export_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "styles.csv"
    source.write_text(STYLES_CSV, encoding="utf-8")
    folder = tmp_path / "presets"
    assert _run(["styles", "import", str(source), "--into", str(folder)], capsys) == (
        0,
        f"aidxl quality: {folder / 'aidxl-quality.yaml'}\nby ask: {folder / 'by-ask.yaml'}\n",
        "",
    )
    code, out, _ = _run(
        ["styles", "export", "aidxl-quality", "by-ask", "--presets-dir", str(folder)], capsys
    )
    assert (code, out) == (
        0,
        "name,prompt,negative_prompt\r\n"
        "aidxl-quality,(amazing quality:1.5),lowres\r\n"
        "by-ask,by ask,\r\n",
    )
    again = _run(["styles", "import", str(source), "--into", str(folder)], capsys)
    assert again == (
        2,
        "",
        f"aidxl-prompt: error: styles import: would overwrite {folder / 'aidxl-quality.yaml'}, "
        f"{folder / 'by-ask.yaml'}\n",
    )


def test_styles_export_of_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["styles", "export"], capsys)
    rows = out.splitlines()
    assert code == 0
    assert rows[0] == "name,prompt,negative_prompt"
    assert 'quality-best,best quality,"worst quality, low quality"' in rows


# (argv, whole stderr)
STYLES_ERRORS = [
    (["styles", "import"], "aidxl-prompt: error: styles import: give one styles.csv file\n"),
    (
        ["styles", "import", "gone.csv"],
        "aidxl-prompt: error: gone.csv: cannot read file (No such file or directory)\n",
    ),
    (
        ["styles", "export", "no-such-preset"],
        "aidxl-prompt: error: ",
    ),  # the library names the preset and the folders searched (only the start is ours)
]


@pytest.mark.parametrize(("argv", "err"), STYLES_ERRORS)
def test_styles_errors(argv: list[str], err: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, got = _run(argv, capsys)
    assert (code, out) == (2, "")
    assert got.startswith(err)
    assert got.count("\n") == 1
