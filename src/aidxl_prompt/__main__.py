"""``python -m aidxl_prompt`` runs the command line."""

from .cli import run

run()
