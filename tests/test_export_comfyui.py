"""ComfyUI: the API-format workflow (golden) and its structure, node by node."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from aidxl_prompt.card.settings import Settings, sampler_table, scheduler_table
from aidxl_prompt.compose import parse
from aidxl_prompt.errors import RenderError
from aidxl_prompt.export.comfyui import check_workflow, comfyui_node_table, comfyui_workflow
from aidxl_prompt.files.prompt_file import load_prompt_file

CASES = Path(__file__).parent / "cases" / "export"
GOLDEN_SETTINGS = Settings.preset(
    "dpmpp_2m_karras", width=832, height=1248, seed=1234567890, clip_skip=2
)


def test_golden_workflow() -> None:
    prompt = load_prompt_file(CASES / "frieren.yaml")
    flow = comfyui_workflow(prompt, GOLDEN_SETTINGS)
    golden = json.loads((CASES / "frieren.comfyui.json").read_text(encoding="utf-8"))
    assert flow == golden
    assert check_workflow(flow) == []
    # the prompts are in the ComfyUI dialect, the LoRA is a node, not text
    texts = [node["inputs"]["text"] for node in flow.values() if "text" in node["inputs"]]
    assert texts == [prompt.render("comfyui"), prompt.render_negative("comfyui")]
    assert "<lora:" not in texts[0]


SETTINGS = [
    GOLDEN_SETTINGS,
    Settings(seed=5),
    Settings.preset("euler_a", batch_size=2, seed=0, clip_skip=3),
    *(Settings(sampler=name, seed=1) for name in sampler_table()),
    *(Settings(sampler="Euler", scheduler=name, seed=1) for name in scheduler_table()),
]
PROMPTS = [
    "1girl",
    "",
    "1girl, <lora:a:0.5>, <lora:b:0.4:0.9>, <lora:c>",
    "(masterpiece:1.2), bishop_(chess), [oshi no ko]",
]


def _links(flow: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    return [
        (node_id, name, value)
        for node_id, node in flow.items()
        for name, value in node["inputs"].items()
        if isinstance(value, list)
    ]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("text", PROMPTS)
def test_structure(text: str, settings: Settings) -> None:
    flow = comfyui_workflow(parse(text), settings)
    table = comfyui_node_table()
    for node_id, name, (target, index) in _links(flow):
        # every link names an existing node and one of its outputs, of the input's type
        outputs = table[flow[target]["class_type"]]["outputs"]
        assert 0 <= index < len(outputs), (node_id, name)
        expected = table[flow[node_id]["class_type"]]["inputs"][name]
        assert outputs[index] == expected, (node_id, name)
    for node in flow.values():
        # every required input of each node class is present, and no other
        assert set(node["inputs"]) == set(table[node["class_type"]]["inputs"])
    assert check_workflow(flow) == []
    json.dumps(flow)  # JSON-ready


def test_graph_shape() -> None:
    flow = comfyui_workflow(parse("1girl, <lora:a:0.5>, <lora:b:0.4:0.9>"), Settings(clip_skip=2))
    classes = [node["class_type"] for node in flow.values()]
    assert classes == [
        "CheckpointLoaderSimple",
        "LoraLoader",
        "LoraLoader",
        "CLIPSetLastLayer",
        "CLIPTextEncode",
        "CLIPTextEncode",
        "EmptyLatentImage",
        "KSampler",
        "VAEDecode",
        "SaveImage",
    ]
    assert flow["2"]["inputs"]["lora_name"] == "a.safetensors"
    assert (flow["3"]["inputs"]["strength_clip"], flow["3"]["inputs"]["strength_model"]) == (
        0.4,
        0.9,
    )
    assert flow["8"]["inputs"]["model"] == ["3", 0]  # the sampler uses the last LoRA's model
    assert flow["4"]["inputs"] == {"clip": ["3", 1], "stop_at_clip_layer": -2}


# (sampler, scheduler, ComfyUI sampler_name, ComfyUI scheduler)
SAMPLER_NAMES = [
    ("Euler a", "Automatic", "euler_ancestral", "normal"),  # the card's first
    ("DPM++ 2M", "Karras", "dpmpp_2m", "karras"),  # the card's second
    ("DPM++ 2M", "Automatic", "dpmpp_2m", "karras"),  # A1111's default for it
    ("DPM++ 2M SDE", "Automatic", "dpmpp_2m_sde", "exponential"),
    ("Euler", "SGM Uniform", "euler", "sgm_uniform"),
]


@pytest.mark.parametrize(("sampler", "scheduler", "name", "comfy_scheduler"), SAMPLER_NAMES)
def test_sampler_names(sampler: str, scheduler: str, name: str, comfy_scheduler: str) -> None:
    flow = comfyui_workflow(parse("a"), Settings(sampler=sampler, scheduler=scheduler, seed=1))
    inputs = next(node["inputs"] for node in flow.values() if node["class_type"] == "KSampler")
    assert (inputs["sampler_name"], inputs["scheduler"]) == (name, comfy_scheduler)


def test_random_seed_is_drawn() -> None:
    first = comfyui_workflow(parse("a"), Settings(), rng=random.Random(1))
    again = comfyui_workflow(parse("a"), Settings(), rng=random.Random(1))
    seed = first["5"]["inputs"]["seed"]
    assert seed == again["5"]["inputs"]["seed"]
    assert 0 <= seed < 2**32


# (prompt, settings, the whole error)
ERRORS = [
    (
        "a, <hypernet:x:1>",
        Settings(),
        "<hypernet:x:1>: ComfyUI loads LoRAs with nodes; a 'hypernet' network has no loader "
        "in this workflow",
    ),
    (
        "a, <lora:x:strong>",
        Settings(),
        "<lora:x:strong>: ComfyUI needs numeric LoRA strengths (got 'strong')",
    ),
    (
        "a",
        Settings(sampler="Restart"),
        "sampler 'Restart' has no known equivalent (known: " + ", ".join(sampler_table()) + ")",
    ),
    ("a, [b:c:5]", Settings(), None),  # the renderer's own error (a schedule)
]


@pytest.mark.parametrize(("text", "settings", "message"), ERRORS)
def test_what_comfyui_cannot_do_fails(text: str, settings: Settings, message: str | None) -> None:
    with pytest.raises(RenderError) as caught:
        comfyui_workflow(parse(text), settings)
    if message is not None:
        assert str(caught.value) == message


# A broken workflow and every problem check_workflow finds in it.
BROKEN = {
    "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": 3}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a", "clip": ["1", 0]}},
    "3": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 5]}},
    "4": {"class_type": "Upscale", "inputs": {}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1.5, "height": 8, "size": 1}},
    "6": {"class_type": "SaveImage", "inputs": {"images": "3", "filename_prefix": "x"}},
    "7": "not a node",
    "8": {
        "class_type": "KSampler",
        "inputs": {
            "model": ["1", 0],
            "seed": True,
            "steps": 20,
            "cfg": 7,
            "sampler_name": "euler_a",
            "scheduler": "karras",
            "positive": ["2", 0],
            "negative": ["2", 0],
            "latent_image": ["5"],
            "denoise": 1,
        },
    },
}
BROKEN_PROBLEMS = [
    "node 1 (CheckpointLoaderSimple): input 'ckpt_name' needs COMBO, not 3",
    "node 2 (CLIPTextEncode): input 'clip' needs CLIP but links to a MODEL output",
    "node 3 (VAEDecode): input 'samples' links to node '9', which does not exist",
    "node 3 (VAEDecode): input 'vae' links to output 5 of node '1', which has 3",
    "node 4: unknown class_type 'Upscale'",
    "node 5 (EmptyLatentImage): required input 'batch_size' is missing",
    "node 5 (EmptyLatentImage): input 'width' needs INT, not 1.5",
    "node 5 (EmptyLatentImage): EmptyLatentImage has no input 'size'",
    "node 6 (SaveImage): input 'images' needs a link to a IMAGE output, not the value '3'",
    "node 7: expected class_type and inputs",
    "node 8 (KSampler): input 'seed' needs INT, not True",
    "node 8 (KSampler): input 'sampler_name' 'euler_a' is not one of ComfyUI's choices ("
    + ", ".join(comfyui_node_table()["KSampler"]["choices"]["sampler_name"])
    + ")",
    "node 8 (KSampler): input 'latent_image' a link must be [node id, output index], not ['5']",
]


def test_check_workflow_finds_every_problem() -> None:
    assert check_workflow(BROKEN) == BROKEN_PROBLEMS


def test_the_tables_agree() -> None:
    # every ComfyUI name settings.yaml maps to is one KSampler accepts
    choices = comfyui_node_table()["KSampler"]["choices"]
    assert {entry["comfyui"] for entry in sampler_table().values()} <= set(choices["sampler_name"])
    assert {entry["comfyui"] for entry in scheduler_table().values()} <= set(choices["scheduler"])
