"""The body of A1111's web API request ``POST /sdapi/v1/txt2img``.

The field names and types are those of A1111's ``StableDiffusionTxt2ImgProcessingAPI``
(v1.10): ``prompt``, ``negative_prompt``, ``steps``, ``sampler_name``, ``scheduler``,
``cfg_scale``, ``width``, ``height``, ``seed`` (-1: random), ``batch_size``, ``n_iter``;
CLIP skip is the ``CLIP_stop_at_last_layers`` option in ``override_settings``.

>>> from aidxl_prompt.card.settings import Settings
>>> from aidxl_prompt.compose import parse
>>> body = txt2img_body(parse("1girl, best quality"), Settings.preset("euler_a", seed=3))
>>> body["prompt"], body["sampler_name"], body["steps"], body["seed"]
('1girl, best quality', 'Euler a', 28, 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..card.settings import Settings
from ..errors import RenderError
from ..model.ordering import OrderLike
from ..model.prompt import Prompt
from ._common import prompt_texts

__all__ = ["TXT2IMG_PATH", "txt2img_body"]

TXT2IMG_PATH = "/sdapi/v1/txt2img"
"""Where the body is posted, on A1111 started with ``--api``."""


def txt2img_body(
    prompt: Prompt,
    settings: Settings,
    *,
    order: OrderLike = "documented",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body (a dict) for ``POST /sdapi/v1/txt2img``.

    The prompts are rendered for A1111 (its LoRA tokens included); ``extra`` adds other
    fields of the API (``styles``, ``enable_hr``...) but may not replace these.

    >>> from aidxl_prompt.compose import parse
    >>> txt2img_body(parse("1girl"), Settings(clip_skip=2))["override_settings"]
    {'CLIP_stop_at_last_layers': 2}
    """
    positive, negative = prompt_texts(prompt, "a1111", order)
    body: dict[str, Any] = {
        "prompt": positive,
        "negative_prompt": negative,
        "steps": settings.steps,
        "sampler_name": settings.sampler,
        "scheduler": settings.scheduler,
        "cfg_scale": settings.cfg_scale,
        "width": settings.width,
        "height": settings.height,
        "seed": settings.seed,
        "batch_size": settings.batch_size,
        "n_iter": 1,
    }
    if settings.clip_skip > 1:
        body["override_settings"] = {"CLIP_stop_at_last_layers": settings.clip_skip}
    for key, value in (extra or {}).items():
        if key in body:
            raise RenderError(f"A1111 API field {key!r} comes from the prompt or the settings")
        body[key] = value
    return body
