"""The model card's closed vocabularies as types: painting styles and quality levels.

The words come from ``data/tags/card.yaml``; the enums below must list the same words
(a test checks it), so that code can name them and type checkers can see them.

>>> PaintingStyle("flat-pasto").description
'Nearly flat color, using gradient color to describe lighting and shadow.'
>>> Quality.amazing > Quality.best
True
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping

from ._data import load_builtin_yaml
from .errors import DataFileError

__all__ = ["PaintingStyle", "Quality", "aesthetic_examples", "card_data"]


@functools.cache
def card_data() -> Mapping[str, object]:
    """The parsed ``card.yaml`` (read-only)."""
    raw = load_builtin_yaml("card.yaml")
    if not isinstance(raw, dict):
        raise DataFileError("card.yaml: expected a mapping")
    return raw


class PaintingStyle(str, enum.Enum):
    """The card's 11 painting-style trigger words (from v0.7)."""

    flat_color = "flat color"
    clean_color = "clean color"
    celluloid = "celluloid"
    flat_pasto = "flat-pasto"
    thin_pasto = "thin-pasto"
    pseudo_impasto = "pseudo-impasto"
    impasto = "impasto"
    realistic = "realistic"
    photorealistic = "photorealistic"
    cel_shading = "cel shading"
    three_d = "3d"

    @property
    def description(self) -> str:
        """The card's description of this style ('' where the card gives none)."""
        styles = card_data()["painting_styles"]
        assert isinstance(styles, dict)
        return str(styles.get(self.value) or "")


class Quality(str, enum.Enum):
    """The card's six quality levels; comparison follows the card (amazing is best)."""

    amazing = "amazing quality"
    best = "best quality"
    high = "high quality"
    normal = "normal quality"
    low = "low quality"
    worst = "worst quality"

    @property
    def rank(self) -> int:
        """0 for amazing (the best) to 5 for worst."""
        return list(Quality).index(self)

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Quality):
            return NotImplemented
        return self.rank < other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Quality):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        return self == other or self.__gt__(other) is True

    def __le__(self, other: object) -> bool:
        return self == other or self.__lt__(other) is True


def aesthetic_examples() -> tuple[str, ...]:
    """The aesthetic tags the card names (``beautiful color``, ``detailed``)."""
    values = card_data().get("aesthetic_examples", [])
    assert isinstance(values, list)
    return tuple(str(value) for value in values)
