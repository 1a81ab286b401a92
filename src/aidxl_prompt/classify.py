"""Which slot a tag belongs in, and the rule that decided it.

This first version knows the model card's explicit forms only; everything else goes to
the default slot (``secondary_description``).

>>> classify("by yoneyama mai")
Classification(slot=<Slot.art_style: 'art_style'>, rule='by-prefix')
>>> classify("impasto").slot.value
'painting_style'
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .card import PaintingStyle, Quality
from .models import Tag
from .normalize import normalize_tag
from .ordering import Slot

__all__ = ["DEFAULT_SLOT", "Classification", "classify"]

DEFAULT_SLOT = Slot.secondary_description


class Classification(BaseModel):
    """A slot and the name of the rule that chose it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slot: Slot
    rule: str


_PAINTING_STYLES = frozenset(style.value for style in PaintingStyle)
_QUALITY_LEVELS = frozenset(level.value for level in Quality)


def classify(tag: Tag | str) -> Classification:
    """Return the slot of ``tag`` with the rule that decided it. Never raises on a str."""
    text = tag.text if isinstance(tag, Tag) else normalize_tag(tag)
    if text.startswith("by ") and len(text) > 3:
        return Classification(slot=Slot.art_style, rule="by-prefix")
    if text in _PAINTING_STYLES:
        return Classification(slot=Slot.painting_style, rule="painting-style")
    if text in _QUALITY_LEVELS:
        return Classification(slot=Slot.quality, rule="quality-level")
    return Classification(slot=DEFAULT_SLOT, rule="default")
