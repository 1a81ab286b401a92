"""An API-format ComfyUI workflow for SDXL text-to-image, and its structural check.

API format is what ComfyUI's ``POST /prompt`` takes (and saves in a PNG's ``prompt``
chunk): ``{node id: {"class_type": ..., "inputs": {...}}}``, where an input is a
literal or a link ``[node id, output index]``. The graph is: checkpoint loader, a
``LoraLoader`` per LoRA of ``Prompt.networks``, ``CLIPSetLastLayer`` when CLIP skip is
above 1, two ``CLIPTextEncode`` (the prompts rendered in the ComfyUI dialect), an empty
latent image, ``KSampler`` with the card's sampler in ComfyUI's names, VAE decode, save.

>>> from aidxl_prompt.card.settings import Settings
>>> from aidxl_prompt.compose import parse
>>> flow = comfyui_workflow(parse("1girl, (smile:1.2)"), Settings.preset("dpmpp_2m_karras", seed=1))
>>> [node["class_type"] for node in flow.values()]  # doctest: +NORMALIZE_WHITESPACE
['CheckpointLoaderSimple', 'CLIPTextEncode', 'CLIPTextEncode', 'EmptyLatentImage',
 'KSampler', 'VAEDecode', 'SaveImage']
>>> sampler = flow["5"]["inputs"]
>>> sampler["sampler_name"], sampler["scheduler"], sampler["positive"], check_workflow(flow)
('dpmpp_2m', 'karras', ['2', 0], [])
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from typing import Any

from .._data import load_builtin_yaml
from ..card.settings import Settings
from ..errors import DataFileError, RenderError
from ..model.items import ExtraNetwork
from ..model.ordering import OrderLike
from ..model.prompt import Prompt
from ._common import concrete_seed, prompt_texts, tool_names

__all__ = [
    "DEFAULT_CHECKPOINT",
    "check_workflow",
    "comfyui_node_table",
    "comfyui_workflow",
]

DEFAULT_CHECKPOINT = "animeIllustDiffusionXL_v08.safetensors"
"""The checkpoint file name used when none is given (rename it to yours)."""

_NODES_FILE = "comfyui_nodes.yaml"
_LORA_KINDS = ("lora", "lyco")  # A1111's LoRA tokens; other networks have no loader here


@functools.cache
def comfyui_node_table() -> Mapping[str, Mapping[str, Any]]:
    """The node classes a workflow may use: required inputs (name: type), outputs.

    >>> comfyui_node_table()["CLIPTextEncode"]["outputs"]
    ['CONDITIONING']
    """
    table = load_builtin_yaml(_NODES_FILE)
    if not isinstance(table, dict) or not all(
        isinstance(spec, dict) and {"inputs", "outputs"} <= set(spec) for spec in table.values()
    ):
        raise DataFileError(f"{_NODES_FILE}: expected node classes with inputs and outputs")
    return table


class _Graph:
    """Nodes added in order, each given the next id ("1", "2", ...)."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}

    def add(self, class_type: str, title: str, **inputs: Any) -> str:
        node_id = str(len(self.nodes) + 1)
        self.nodes[node_id] = {
            "class_type": class_type,
            "inputs": inputs,
            "_meta": {"title": title},
        }
        return node_id


def _lora_strengths(network: ExtraNetwork) -> tuple[float, float]:
    """A1111's ``<lora:name:te[:unet]>``: the text-encoder and UNet multipliers (both 1
    when absent; the UNet one defaults to the text-encoder one)."""
    numbers = []
    for arg in network.args[1:3]:
        try:
            numbers.append(float(arg))
        except ValueError:
            raise RenderError(
                f"{network.text}: ComfyUI needs numeric LoRA strengths (got {arg!r})"
            ) from None
    text_encoder = numbers[0] if numbers else 1.0
    return text_encoder, numbers[1] if len(numbers) > 1 else text_encoder


def _add_loras(
    graph: _Graph, networks: list[ExtraNetwork], model: list[Any], clip: list[Any], suffix: str
) -> tuple[list[Any], list[Any]]:
    for network in networks:
        if network.network not in _LORA_KINDS:
            raise RenderError(
                f"{network.text}: ComfyUI loads LoRAs with nodes; a {network.network!r} "
                "network has no loader in this workflow"
            )
        strength_clip, strength_model = _lora_strengths(network)
        node = graph.add(
            "LoraLoader",
            f"LoRA {network.name}",
            model=model,
            clip=clip,
            lora_name=network.name + suffix,
            strength_model=strength_model,
            strength_clip=strength_clip,
        )
        model, clip = [node, 0], [node, 1]
    return model, clip


def comfyui_workflow(
    prompt: Prompt,
    settings: Settings,
    *,
    checkpoint: str = DEFAULT_CHECKPOINT,
    filename_prefix: str = "aidxl",
    order: OrderLike = "documented",
    lora_suffix: str = ".safetensors",
    rng: random.Random | None = None,
) -> dict[str, dict[str, Any]]:
    """The API-format workflow (a dict ready for ``json.dumps``) for this prompt.

    ComfyUI has no "random" seed in API format: a seed of -1 is drawn here, as A1111
    would (``rng`` makes it repeatable). LoRA names get ``lora_suffix`` (ComfyUI names
    the file). A sampler or schedule ComfyUI lacks raises RenderError.
    """
    positive, negative = prompt_texts(prompt, "comfyui", order)
    sampler_name, scheduler = tool_names(settings, "comfyui")
    graph = _Graph()
    loader = graph.add("CheckpointLoaderSimple", "Load AIDXL", ckpt_name=checkpoint)
    model, clip = _add_loras(graph, list(prompt.networks), [loader, 0], [loader, 1], lora_suffix)
    if settings.clip_skip > 1:
        skip = graph.add(
            "CLIPSetLastLayer", "CLIP skip", clip=clip, stop_at_clip_layer=-settings.clip_skip
        )
        clip = [skip, 0]
    positive_node = graph.add("CLIPTextEncode", "Positive prompt", text=positive, clip=clip)
    negative_node = graph.add("CLIPTextEncode", "Negative prompt", text=negative, clip=clip)
    latent = graph.add(
        "EmptyLatentImage",
        "Empty latent image",
        width=settings.width,
        height=settings.height,
        batch_size=settings.batch_size,
    )
    sampler = graph.add(
        "KSampler",
        "KSampler",
        model=model,
        seed=concrete_seed(settings, rng),
        steps=settings.steps,
        cfg=settings.cfg_scale,
        sampler_name=sampler_name,
        scheduler=scheduler,
        positive=[positive_node, 0],
        negative=[negative_node, 0],
        latent_image=[latent, 0],
        denoise=1.0,
    )
    decoded = graph.add("VAEDecode", "VAE decode", samples=[sampler, 0], vae=[loader, 2])
    graph.add("SaveImage", "Save image", images=[decoded, 0], filename_prefix=filename_prefix)
    return graph.nodes


# --- the structural check ------------------------------------------------------------------

_LITERAL_TYPES: dict[str, tuple[type, ...]] = {
    "INT": (int,),
    "FLOAT": (int, float),
    "STRING": (str,),
    "COMBO": (str,),
}


def _link_problem(workflow: Mapping[str, Any], value: list[Any], expected: str) -> str | None:
    """What is wrong with a link ``[node id, output index]`` to an ``expected`` type."""
    if len(value) != 2 or not isinstance(value[0], str) or type(value[1]) is not int:
        return f"a link must be [node id, output index], not {value!r}"
    target = workflow.get(value[0])
    if not isinstance(target, Mapping):
        return f"links to node {value[0]!r}, which does not exist"
    outputs = comfyui_node_table().get(str(target.get("class_type")), {}).get("outputs", [])
    if not 0 <= value[1] < len(outputs):
        return f"links to output {value[1]} of node {value[0]!r}, which has {len(outputs)}"
    if outputs[value[1]] != expected:
        return f"needs {expected} but links to a {outputs[value[1]]} output"
    return None


def _literal_problem(value: Any, expected: str, choices: list[str] | None) -> str | None:
    allowed = _LITERAL_TYPES.get(expected)
    if allowed is None:
        return f"needs a link to a {expected} output, not the value {value!r}"
    if isinstance(value, bool) or not isinstance(value, allowed):
        return f"needs {expected}, not {value!r}"
    if choices is not None and value not in choices:
        return f"{value!r} is not one of ComfyUI's choices ({', '.join(choices)})"
    return None


def _node_problems(workflow: Mapping[str, Any], node_id: str, node: Any) -> list[str]:
    if not isinstance(node, Mapping) or not isinstance(node.get("inputs"), Mapping):
        return [f"node {node_id}: expected class_type and inputs"]
    class_type = str(node.get("class_type"))
    spec = comfyui_node_table().get(class_type)
    if spec is None:
        return [f"node {node_id}: unknown class_type {class_type!r}"]
    where = f"node {node_id} ({class_type})"
    inputs: Mapping[str, Any] = node["inputs"]
    problems = [
        f"{where}: required input {name!r} is missing"
        for name in spec["inputs"]
        if name not in inputs
    ]
    for name, value in inputs.items():
        expected = spec["inputs"].get(name)
        if expected is None:
            problems.append(f"{where}: {class_type} has no input {name!r}")
            continue
        if isinstance(value, list):
            problem = _link_problem(workflow, value, expected)
        else:
            problem = _literal_problem(value, expected, spec.get("choices", {}).get(name))
        if problem:
            problems.append(f"{where}: input {name!r} {problem}")
    return problems


def check_workflow(workflow: Mapping[str, Any]) -> list[str]:
    """Every structural problem of an API-format workflow (empty when there is none):
    unknown node classes, missing or unknown inputs, links to a node or output index
    that does not exist or is of another type, literals of the wrong type or choice.

    >>> check_workflow({"1": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0]}}})
    ["node 1 (VAEDecode): required input 'vae' is missing", \
"node 1 (VAEDecode): input 'samples' links to node '9', which does not exist"]
    """
    problems: list[str] = []
    for node_id, node in workflow.items():
        problems.extend(_node_problems(workflow, str(node_id), node))
    return problems
