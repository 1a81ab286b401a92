"""The typed prompt: items (tags, phrases, control items), slots and their order, the
slotted :class:`~aidxl_prompt.model.prompt.Prompt`, the renderers (items to text) and
the reader that builds items from the records of the scanners in ``syntax/``.

Inside the layer the modules build on each other in this order: ``ordering`` (the
card's slots), ``items``, ``render`` (items to text), ``prompt`` (the Prompt, which
renders through ``render``), ``parser`` (scanner records to items). Nothing here reaches
for the vocabulary, the card's forms or prompt files.
"""

__all__: list[str] = []
