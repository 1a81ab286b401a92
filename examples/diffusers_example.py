"""Generate with diffusers from an aidxl-prompt prompt file (not run in CI: it needs a
GPU, torch, diffusers and the AIDXL checkpoint).

    pip install aidxl-prompt diffusers transformers accelerate torch compel
    python examples/diffusers_example.py examples/frieren.yaml aidxl_v08.safetensors

The prompt is rendered for compel (weights kept); pass --plain to send the tags as
plain text instead.
"""

from __future__ import annotations

import argparse
from typing import Any

import diffusers  # type: ignore[import-not-found]
import torch  # type: ignore[import-not-found]
from compel import Compel, ReturnedEmbeddingsType  # type: ignore[import-not-found]

from aidxl_prompt import load_prompt_file
from aidxl_prompt.card.settings import Settings, resolution_for
from aidxl_prompt.export.diffusers import diffusers_job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompt_file")
    parser.add_argument("checkpoint", help="the AIDXL .safetensors file")
    parser.add_argument("--aspect", default="2:3")
    parser.add_argument("--seed", type=int, default=-1)
    parser.add_argument("--plain", action="store_true", help="no compel: tags as plain text")
    args = parser.parse_args()

    width, height = resolution_for(args.aspect)
    settings = Settings.preset("dpmpp_2m_karras", width=width, height=height, seed=args.seed)
    for warning in settings.warnings():
        print("warning:", warning)
    job = diffusers_job(
        load_prompt_file(args.prompt_file), settings, syntax="plain" if args.plain else "compel"
    )

    pipe = diffusers.StableDiffusionXLPipeline.from_single_file(
        args.checkpoint, torch_dtype=torch.float16
    ).to("cuda")
    scheduler_class = getattr(diffusers, job["scheduler"]["class_name"])
    pipe.scheduler = scheduler_class.from_config(
        pipe.scheduler.config, **job["scheduler"]["config"]
    )
    for lora in job["loras"]:
        pipe.load_lora_weights(f"{lora['name']}.safetensors", adapter_name=lora["name"])
    if job["loras"]:
        pipe.set_adapters(
            [lora["name"] for lora in job["loras"]], [lora["weight"] for lora in job["loras"]]
        )

    call: dict[str, Any] = dict(job["call"])
    if job["syntax"] == "compel":  # compel turns the weighted text into embeddings
        compel = Compel(
            tokenizer=[pipe.tokenizer, pipe.tokenizer_2],
            text_encoder=[pipe.text_encoder, pipe.text_encoder_2],
            returned_embeddings_type=ReturnedEmbeddingsType.PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED,
            requires_pooled=[False, True],
        )
        embeds, pooled = compel(call.pop("prompt"))
        negative_embeds, negative_pooled = compel(call.pop("negative_prompt"))
        call.update(
            prompt_embeds=embeds,
            pooled_prompt_embeds=pooled,
            negative_prompt_embeds=negative_embeds,
            negative_pooled_prompt_embeds=negative_pooled,
        )
    if job["generator_seed"] is not None:
        call["generator"] = torch.Generator("cuda").manual_seed(job["generator_seed"])
    for index, image in enumerate(pipe(**call).images):
        image.save(f"aidxl-{index}.png")


if __name__ == "__main__":
    main()
