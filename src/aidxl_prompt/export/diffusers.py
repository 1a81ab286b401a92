"""diffusers: keyword arguments for ``StableDiffusionXLPipeline.__call__`` and the
scheduler that matches the card's sampler, as plain data (diffusers is not imported).

Two ways to pass the prompt, chosen with ``syntax``:

* ``"plain"`` (default): the tags without weights or escapes, which the pipeline's own
  tokenizer reads as written (diffusers has no weighting syntax);
* ``"compel"``: the prompt in compel's syntax, to turn into ``prompt_embeds`` with the
  compel library, which keeps the weights (``examples/diffusers_example.py``).

The card's samplers: "Euler a" is ``EulerAncestralDiscreteScheduler``; "DPM++ 2M" with
"Karras" is ``DPMSolverMultistepScheduler`` with ``use_karras_sigmas=True``.

>>> from aidxl_prompt.card.settings import Settings
>>> diffusers_scheduler(Settings.preset("dpmpp_2m_karras"))
{'class_name': 'DPMSolverMultistepScheduler', 'config': {'use_karras_sigmas': True}}
"""

from __future__ import annotations

from typing import Any, Literal

from ..card.settings import Settings
from ..errors import RenderError
from ..model.items import ExtraNetwork
from ..model.ordering import OrderLike
from ..model.prompt import Prompt
from ._common import prompt_texts, tool_names

__all__ = ["PIPELINE", "PromptSyntax", "diffusers_job", "diffusers_scheduler"]

PIPELINE = "StableDiffusionXLPipeline"
"""The diffusers pipeline class the keyword arguments are for."""

PromptSyntax = Literal["plain", "compel"]


def diffusers_scheduler(settings: Settings) -> dict[str, Any]:
    """The scheduler class name and the config to give ``from_config`` for the settings'
    sampler and schedule type ("Automatic" resolved as A1111 does); RenderError when
    diffusers has no equivalent.

    >>> diffusers_scheduler(Settings())
    {'class_name': 'EulerAncestralDiscreteScheduler', 'config': {}}
    """
    sampler, schedule = tool_names(settings, "diffusers")
    config = {**sampler.get("config", {}), **schedule}
    return {"class_name": sampler["class"], "config": config}


def _call_kwargs(
    prompt: Prompt, settings: Settings, syntax: PromptSyntax, order: OrderLike
) -> dict[str, Any]:
    """Keyword arguments for ``StableDiffusionXLPipeline.__call__`` (no ``generator``:
    it is built from the seed, see :func:`diffusers_job`).

    ``clip_skip`` is diffusers' count of layers skipped, one less than A1111's "Clip
    skip" (left out at A1111's 1).
    """
    without_networks = prompt.model_copy()
    without_networks.networks = []  # LoRAs are loaded into the pipeline (see diffusers_job)
    positive, negative = prompt_texts(without_networks, syntax, order)
    kwargs: dict[str, Any] = {
        "prompt": positive,
        "negative_prompt": negative,
        "width": settings.width,
        "height": settings.height,
        "num_inference_steps": settings.steps,
        "guidance_scale": settings.cfg_scale,
        "num_images_per_prompt": settings.batch_size,
    }
    if settings.clip_skip > 1:
        kwargs["clip_skip"] = settings.clip_skip - 1
    return kwargs


def _lora(network: ExtraNetwork) -> dict[str, Any]:
    if network.network not in ("lora", "lyco"):
        raise RenderError(f"{network.text}: diffusers loads LoRAs only, not {network.network!r}")
    weight = network.multiplier
    if weight is None and len(network.args) > 1:
        raise RenderError(f"{network.text}: the LoRA weight must be a number")
    return {"name": network.name, "weight": 1.0 if weight is None else weight}


def diffusers_job(
    prompt: Prompt,
    settings: Settings,
    *,
    syntax: PromptSyntax = "plain",
    order: OrderLike = "documented",
) -> dict[str, Any]:
    """Everything a diffusers script needs, as JSON-ready data: the pipeline class, the
    call's keyword arguments, the scheduler, the prompt syntax, the LoRAs of
    ``Prompt.networks`` (name and weight, for ``load_lora_weights`` and
    ``set_adapters``) and the generator seed (``None`` for a random seed: pass no
    ``generator``; else ``torch.Generator(device).manual_seed(seed)``).

    >>> from aidxl_prompt.compose import parse
    >>> job = diffusers_job(parse("1girl"), Settings(seed=42), syntax="compel")
    >>> job["pipeline"], job["syntax"], job["generator_seed"], job["scheduler"]["class_name"]
    ('StableDiffusionXLPipeline', 'compel', 42, 'EulerAncestralDiscreteScheduler')
    >>> diffusers_job(parse("(1girl:1.2), best quality"), Settings(clip_skip=2))["call"]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'prompt': '1girl, best quality', 'negative_prompt': '', 'width': 1024, 'height': 1024,
     'num_inference_steps': 28, 'guidance_scale': 7.0, 'num_images_per_prompt': 1,
     'clip_skip': 1}
    """
    return {
        "pipeline": PIPELINE,
        "syntax": syntax,
        "call": _call_kwargs(prompt, settings, syntax, order),
        "scheduler": diffusers_scheduler(settings),
        "loras": [_lora(network) for network in prompt.networks],
        "generator_seed": settings.seed if settings.seed >= 0 else None,
    }
