"""Write ``docs/rules.md`` from the lint rule registry.

Usage::

    python scripts/gen_rules_doc.py

``tests/test_lint.py`` checks that the committed file is what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aidxl_prompt.lint.registry import rules_markdown

REPO_ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    path = REPO_ROOT / "docs" / "rules.md"
    path.write_text(rules_markdown(), encoding="utf-8")
    print(f"{path}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
