"""The generation data A1111 and ComfyUI write into a PNG, read back with Pillow.

A1111 saves its infotext in a text chunk named ``parameters``; ComfyUI saves the
API-format graph in ``prompt`` and the editor's graph in ``workflow`` (both JSON).
Reading needs Pillow, an optional extra: ``pip install 'aidxl-prompt[images]'``.

Example (not run as a doctest: Pillow is optional)::

    read_png_metadata("00001-42.png").infotext().settings()
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict

from ..errors import DataFileError
from .infotext import Infotext, parse_infotext

__all__ = ["IMAGES_EXTRA", "ImageMetadata", "read_png_metadata"]

IMAGES_EXTRA = "pip install 'aidxl-prompt[images]'"
"""How to install what reading images needs (Pillow)."""


class ImageMetadata(BaseModel):
    """What a PNG carries: A1111's ``parameters`` text, ComfyUI's ``prompt`` (API
    format) and ``workflow`` (editor) graphs; ``None`` for each one that is absent."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    source: str
    parameters: str | None = None
    comfyui_prompt: dict[str, Any] | None = None
    comfyui_workflow: dict[str, Any] | None = None

    def infotext(self) -> Infotext:
        """The A1111 infotext; DataFileError when the image has none."""
        if self.parameters is None:
            comfyui = self.comfyui_prompt is not None or self.comfyui_workflow is not None
            found = "a ComfyUI graph" if comfyui else "none"
            raise DataFileError(
                f"{self.source}: no A1111 'parameters' text in this image (found {found})"
            )
        return parse_infotext(self.parameters)


def _json_chunk(source: str, name: str, text: Any) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"{source}: the {name!r} chunk is not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise DataFileError(f"{source}: the {name!r} chunk is not a JSON object")
    return value


def read_png_metadata(image: str | Path | IO[bytes]) -> ImageMetadata:
    """The generation data in a PNG (a path or a binary file object).

    Raises DataFileError when Pillow is missing (naming the extra to install), the file
    cannot be read, is not an image, or holds a ComfyUI chunk that is not JSON.
    """
    source = str(image) if isinstance(image, (str, Path)) else "<image>"
    try:
        from PIL import (  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415 (the optional extra)
            Image,
            UnidentifiedImageError,
        )
    except ImportError:
        raise DataFileError(
            f"{source}: reading image metadata needs Pillow ({IMAGES_EXTRA})"
        ) from None
    try:
        with Image.open(image) as opened:
            chunks = dict(opened.info)
    except UnidentifiedImageError:
        raise DataFileError(f"{source}: not an image Pillow can read") from None
    except OSError as exc:
        raise DataFileError(f"{source}: cannot read file ({exc.strerror or exc})") from None
    parameters = chunks.get("parameters")
    return ImageMetadata(
        source=source,
        parameters=str(parameters) if parameters is not None else None,
        comfyui_prompt=_json_chunk(source, "prompt", chunks.get("prompt")),
        comfyui_workflow=_json_chunk(source, "workflow", chunks.get("workflow")),
    )
