"""Hand-off to the tools people generate with, and what they write coming back in.

A capability above ``files/`` and below ``cli/``; each module is one tool's format:

* ``infotext``: A1111's generation parameters text (write and read, round trip);
* ``png``: the ``parameters`` chunk A1111 writes into a PNG, and ComfyUI's
  ``prompt``/``workflow`` chunks (needs Pillow: ``pip install 'aidxl-prompt[images]'``);
* ``a1111_api``: the body of A1111's ``/sdapi/v1/txt2img`` request;
* ``comfyui``: an API-format workflow for SDXL text-to-image, and its structural check;
* ``diffusers``: keyword arguments for ``StableDiffusionXLPipeline.__call__`` and the
  scheduler that matches the card's sampler (plain data, no diffusers import);
* ``styles``: A1111's ``styles.csv`` (import and export, the ``{prompt}`` placeholder).

Each takes a :class:`~aidxl_prompt.model.prompt.Prompt` and
:class:`~aidxl_prompt.card.settings.Settings`.
"""

__all__: list[str] = []
