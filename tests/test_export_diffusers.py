"""diffusers: the pipeline's keyword arguments and the scheduler, as plain data (golden)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aidxl_prompt.card.settings import Settings
from aidxl_prompt.compose import parse
from aidxl_prompt.errors import RenderError
from aidxl_prompt.export.diffusers import diffusers_job, diffusers_scheduler
from aidxl_prompt.files.prompt_file import load_prompt_file

CASES = Path(__file__).parent / "cases" / "export"
GOLDEN_SETTINGS = Settings.preset(
    "dpmpp_2m_karras", width=832, height=1248, seed=1234567890, clip_skip=2
)
# (golden file, settings, syntax)
GOLDEN = [
    ("frieren.diffusers.json", GOLDEN_SETTINGS, "plain"),
    ("frieren.diffusers-compel.json", Settings.preset("euler_a", width=832, height=1248), "compel"),
]


@pytest.mark.parametrize(("name", "settings", "syntax"), GOLDEN)
def test_golden_job(name: str, settings: Settings, syntax: Any) -> None:
    job = diffusers_job(load_prompt_file(CASES / "frieren.yaml"), settings, syntax=syntax)
    assert job == json.loads((CASES / name).read_text(encoding="utf-8"))


# (sampler, scheduler, class, config)
SCHEDULERS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("Euler a", "Automatic", "EulerAncestralDiscreteScheduler", {}),  # the card's first
    ("DPM++ 2M", "Karras", "DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    ("DPM++ 2M", "Automatic", "DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    ("DPM++ 2M", "Uniform", "DPMSolverMultistepScheduler", {}),
    ("Euler", "SGM Uniform", "EulerDiscreteScheduler", {"timestep_spacing": "trailing"}),
    (
        "DPM++ 2M SDE",
        "Karras",
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": True},
    ),
    ("DDIM", "Automatic", "DDIMScheduler", {}),
]


@pytest.mark.parametrize(("sampler", "scheduler", "class_name", "config"), SCHEDULERS)
def test_scheduler(sampler: str, scheduler: str, class_name: str, config: dict[str, Any]) -> None:
    settings = Settings(sampler=sampler, scheduler=scheduler)
    assert diffusers_scheduler(settings) == {"class_name": class_name, "config": config}


# (settings, the whole error)
SCHEDULER_ERRORS = [
    (Settings(sampler="DPM++ 3M SDE"), "sampler 'DPM++ 3M SDE' has no diffusers equivalent"),
    (Settings(sampler="DPM++ 2M SDE"), "schedule type 'Exponential' has no diffusers equivalent"),
    (Settings(scheduler="Beta"), "schedule type 'Beta' has no diffusers equivalent"),
]


@pytest.mark.parametrize(("settings", "message"), SCHEDULER_ERRORS)
def test_no_equivalent(settings: Settings, message: str) -> None:
    with pytest.raises(RenderError) as caught:
        diffusers_scheduler(settings)
    assert str(caught.value) == message


# (prompt, syntax, prompt text)
SYNTAX = [
    ("(1girl:1.2), bishop_(chess)", "plain", "1girl, bishop (chess)"),  # no weights, no escapes
    ("(1girl:1.2), bishop_(chess)", "compel", "(1girl)1.2, bishop \\(chess\\)"),
    ("1girl, <lora:x:0.5>", "compel", "1girl"),  # LoRAs are loaded, not written
]


@pytest.mark.parametrize(("text", "syntax", "expected"), SYNTAX)
def test_prompt_syntax(text: str, syntax: Any, expected: str) -> None:
    kwargs = diffusers_job(parse(text), Settings(), syntax=syntax)["call"]
    assert kwargs["prompt"] == expected


def test_call_kwargs() -> None:
    prompt = parse("1girl")
    prompt.negative.append("lowres")
    settings = Settings(width=832, height=1248, steps=30, cfg_scale=6, batch_size=2, clip_skip=2)
    assert diffusers_job(prompt, settings)["call"] == {
        "prompt": "1girl",
        "negative_prompt": "lowres",
        "width": 832,
        "height": 1248,
        "num_inference_steps": 30,
        "guidance_scale": 6.0,
        "num_images_per_prompt": 2,
        "clip_skip": 1,  # diffusers counts skipped layers: A1111's 2 is 1
    }
    assert "clip_skip" not in diffusers_job(prompt, Settings())["call"]
    assert prompt.render() == "1girl"  # the caller's prompt is left alone


def test_job_loras_and_seed() -> None:
    job = diffusers_job(parse("a, <lora:x:0.5>, <lora:y>"), Settings(seed=0))
    assert job["loras"] == [{"name": "x", "weight": 0.5}, {"name": "y", "weight": 1.0}]
    assert job["generator_seed"] == 0
    assert diffusers_job(parse("a"), Settings())["generator_seed"] is None
    with pytest.raises(RenderError) as caught:
        diffusers_job(parse("a, <hypernet:h:1>"), Settings())
    assert str(caught.value) == "<hypernet:h:1>: diffusers loads LoRAs only, not 'hypernet'"
