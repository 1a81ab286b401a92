"""PNG metadata: A1111's parameters and ComfyUI's graphs, read from small PNGs made here."""

from __future__ import annotations

import builtins
import io
import json
from pathlib import Path
from typing import Any

import pytest

from aidxl_prompt.card.settings import Settings
from aidxl_prompt.errors import DataFileError
from aidxl_prompt.export.comfyui import comfyui_workflow
from aidxl_prompt.export.png import ImageMetadata, read_png_metadata
from aidxl_prompt.files.prompt_file import load_prompt_file

CASES = Path(__file__).parent / "cases" / "export"
try:
    from PIL import Image, PngImagePlugin
except ImportError:  # the optional [images] extra: the tests that make PNGs skip
    HAVE_PILLOW = False
else:
    HAVE_PILLOW = True
needs_pillow = pytest.mark.skipif(
    not HAVE_PILLOW, reason="Pillow (the optional [images] extra) is not installed"
)


def _png(path: Path, chunks: dict[str, str], *, itxt: bool = False) -> Path:
    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        if itxt:
            info.add_itxt(key, value)
        else:
            info.add_text(key, value)
    Image.new("RGB", (2, 2)).save(path, "PNG", pnginfo=info)
    return path


@needs_pillow
@pytest.mark.parametrize("itxt", [False, True])  # tEXt (A1111) and iTXt (UTF-8) chunks
def test_a1111_parameters(tmp_path: Path, itxt: bool) -> None:
    text = (CASES / "frieren.infotext.txt").read_text(encoding="utf-8").rstrip("\n")
    if itxt:
        text = text.replace("1 frieren", "1 フリーレン")
    path = _png(tmp_path / "a1111.png", {"parameters": text}, itxt=itxt)
    metadata = read_png_metadata(path)
    assert metadata == ImageMetadata(source=str(path), parameters=text)
    info = metadata.infotext()
    assert info.to_text() == text
    assert info.settings() == Settings.preset(
        "dpmpp_2m_karras", width=832, height=1248, seed=1234567890, clip_skip=2
    )


@needs_pillow
def test_comfyui_graphs(tmp_path: Path) -> None:
    prompt = load_prompt_file(CASES / "frieren.yaml")
    graph = comfyui_workflow(prompt, Settings(seed=1))
    editor = {"last_node_id": 9, "nodes": []}
    path = _png(
        tmp_path / "comfy.png", {"prompt": json.dumps(graph), "workflow": json.dumps(editor)}
    )
    metadata = read_png_metadata(path)
    assert (metadata.parameters, metadata.comfyui_prompt, metadata.comfyui_workflow) == (
        None,
        graph,
        editor,
    )
    with pytest.raises(DataFileError) as caught:
        metadata.infotext()
    assert str(caught.value) == (
        f"{path}: no A1111 'parameters' text in this image (found a ComfyUI graph)"
    )


@needs_pillow
def test_a_file_object(tmp_path: Path) -> None:
    buffer = io.BytesIO(
        _png(tmp_path / "x.png", {"parameters": "a\nSteps: 1, Seed: 2, Size: 256x256"}).read_bytes()
    )
    assert read_png_metadata(buffer).infotext().prompt == "a"


@needs_pillow
def test_an_image_without_metadata(tmp_path: Path) -> None:
    path = _png(tmp_path / "plain.png", {})
    with pytest.raises(DataFileError) as caught:
        read_png_metadata(path).infotext()
    assert str(caught.value) == f"{path}: no A1111 'parameters' text in this image (found none)"


# (file bytes or chunks, the message after the path)
BAD: list[tuple[Any, str]] = [
    (b"not a png", "not an image Pillow can read"),
    (
        {"prompt": "{not json"},
        "the 'prompt' chunk is not JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))",
    ),
    ({"workflow": "[1, 2]"}, "the 'workflow' chunk is not a JSON object"),
]


@needs_pillow
@pytest.mark.parametrize(("content", "message"), BAD)
def test_bad_files(tmp_path: Path, content: Any, message: str) -> None:
    path = tmp_path / "bad.png"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        _png(path, content)
    with pytest.raises(DataFileError) as caught:
        read_png_metadata(path)
    assert str(caught.value) == f"{path}: {message}"


@needs_pillow
def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        read_png_metadata(tmp_path / "missing.png")
    assert (
        str(caught.value)
        == f"{tmp_path / 'missing.png'}: cannot read file (No such file or directory)"
    )


def test_without_pillow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pillow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    with pytest.raises(DataFileError) as caught:
        read_png_metadata("x.png")
    assert str(caught.value) == (
        "x.png: reading image metadata needs Pillow (pip install 'aidxl-prompt[images]')"
    )


@needs_pillow
def test_an_empty_comfyui_graph_is_still_a_comfyui_graph(tmp_path: Path) -> None:
    # An empty JSON object is falsy; it is still a ComfyUI chunk, not "none".
    path = _png(tmp_path / "empty.png", {"prompt": "{}"})
    with pytest.raises(DataFileError) as caught:
        read_png_metadata(path).infotext()
    assert str(caught.value) == (
        f"{path}: no A1111 'parameters' text in this image (found a ComfyUI graph)"
    )
