"""The ``aidxl-prompt`` command: argparse glue over the library, and the one place that
reads the environment (``$AIDXL_PROMPT_TAGS``, ``$AIDXL_PROMPT_PRESETS``)."""

from .app import main, run

__all__ = ["main", "run"]
