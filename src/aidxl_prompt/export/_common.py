"""What every tool's format needs: the prompt texts and the tool's sampler names."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Literal

from ..card.settings import Settings, sampler_table, scheduler_table
from ..errors import PromptValueError, RenderError
from ..model.items import NegativeList
from ..model.ordering import OrderLike
from ..model.parser import parse_items
from ..model.prompt import Prompt
from ..syntax.normalize import Dialect

__all__ = ["concrete_seed", "negative_items", "prompt_texts", "tool_names"]

_SEED_LIMIT = 2**32  # the seeds A1111 draws for "-1" (and ComfyUI accepts)


def prompt_texts(prompt: Prompt, dialect: Dialect, order: OrderLike) -> tuple[str, str]:
    """The positive prompt (in ``order``) and the negative prompt, rendered in ``dialect``."""
    if not isinstance(prompt, Prompt):
        raise TypeError(f"expected a Prompt, not {type(prompt).__name__}; parse it first")
    return prompt.render(dialect, order=order), prompt.render_negative(dialect)


def _entry(table: Mapping[str, Mapping[str, Any]], name: str, what: str) -> Mapping[str, Any]:
    entry = table.get(name)
    if entry is None:
        known = ", ".join(table)
        raise RenderError(f"{what} {name!r} has no known equivalent (known: {known})")
    return entry


def tool_names(settings: Settings, tool: Literal["comfyui", "diffusers"]) -> tuple[Any, Any]:
    """The sampler's and the schedule's entries for ``tool`` (its names or its config).

    "Automatic" is first resolved to the schedule A1111 would use for this sampler.
    A sampler or schedule the tool has no equivalent for raises RenderError.

    >>> tool_names(Settings(sampler="DPM++ 2M"), "comfyui")
    ('dpmpp_2m', 'karras')
    """
    sampler = _entry(sampler_table(), settings.sampler, "sampler")
    scheduler_name = settings.effective_scheduler()
    scheduler = _entry(scheduler_table(), scheduler_name, "schedule type")
    if tool not in sampler:
        raise RenderError(f"sampler {settings.sampler!r} has no {tool} equivalent")
    if tool not in scheduler:
        raise RenderError(f"schedule type {scheduler_name!r} has no {tool} equivalent")
    return sampler[tool], scheduler[tool]


def concrete_seed(settings: Settings, rng: random.Random | None = None) -> int:
    """The settings' seed, or for -1 (random) one drawn as A1111 does, from 0 to 2**32-1.

    >>> concrete_seed(Settings(seed=5)), concrete_seed(Settings(), random.Random(0))
    (5, 3626764237)
    """
    if settings.seed >= 0:
        return settings.seed
    return (rng or random.SystemRandom()).randrange(_SEED_LIMIT)


def negative_items(text: str) -> NegativeList:
    """A negative prompt's units in the written order (the card's order is for positives).

    A1111 reads ``<lora:...>``, ``AND`` and a trailing ``:w`` in a negative prompt as
    plain text; a Prompt's negative has no such text, so they are refused, not dropped.
    """
    items = parse_items(text, "a1111").items
    try:
        return NegativeList(items, "negative")
    except (TypeError, PromptValueError):
        raise PromptValueError(
            "negative prompt: extra networks, AND and sub-prompt weights are "
            "plain text in A1111's negative prompt and cannot be kept in a Prompt's negative "
            f"(got {text!r})"
        ) from None
