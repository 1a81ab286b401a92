"""``python -m aidxl_prompt`` runs the command line."""

from .cli import main

raise SystemExit(main())
