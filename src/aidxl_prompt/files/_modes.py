"""The ways a prompt file with alternatives is expanded (a fact the CLI needs before it
loads anything heavy; :mod:`aidxl_prompt.files.expand` does the expanding).

>>> MODES
('random', 'combinatorial', 'cyclical')
"""

from __future__ import annotations

from typing import Literal

__all__ = ["MODES", "Mode"]

Mode = Literal["random", "combinatorial", "cyclical"]
MODES: tuple[Mode, ...] = ("random", "combinatorial", "cyclical")
