"""The model card's vocabulary as types.

``words``: the card's closed sets (the 11 painting styles, the 6 quality levels, the
aesthetic words), read from ``data/tags/card.yaml``. ``forms``: the open forms the card
describes (``by artist`` styles, the three character triggers, themes, environments) and
:func:`~aidxl_prompt.card.forms.assemble`, which builds a Prompt from them.
"""

__all__: list[str] = []
