"""Shared fixtures: where the shared Danbooru tables are, and a skip-or-fail rule.

The tables live outside the repository (``../shared/data``, or ``$AIDXL_SHARED_DATA``).
A user's clone has no such folder, so tests that need it skip with a reason; CI sets
``AIDXL_REQUIRE_SHARED_DATA=1`` and the same tests fail instead of skipping.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def shared_data_dir() -> Path | None:
    """The shared data folder if it exists, else None."""
    configured = os.environ.get("AIDXL_SHARED_DATA")
    path = Path(configured) if configured else DEFAULT_SHARED_DATA
    return path if path.is_dir() else None


def require_shared_file(name: str) -> Path:
    """Path of a shared data file; skip (or fail under CI's flag) when it is absent."""
    folder = shared_data_dir()
    path = folder / name if folder else None
    if path is not None and path.is_file():
        return path
    reason = (
        f"shared data file {name!r} not found (set AIDXL_SHARED_DATA or place the "
        f"tables at {DEFAULT_SHARED_DATA})"
    )
    if os.environ.get("AIDXL_REQUIRE_SHARED_DATA") == "1":
        pytest.fail(reason + "; AIDXL_REQUIRE_SHARED_DATA=1 makes this a failure")
    pytest.skip(reason)


def require_model_card() -> Path:
    """The model card (``reference/aidxl-model-card.txt`` beside the shared data
    folder); skip (or fail under CI's flag) when it is absent."""
    folder = shared_data_dir()
    root = folder.parent if folder else DEFAULT_SHARED_DATA.parent
    path = root / "reference" / "aidxl-model-card.txt"
    if path.is_file():
        return path
    reason = f"model card not found at {path} (set AIDXL_SHARED_DATA to the shared data folder)"
    if os.environ.get("AIDXL_REQUIRE_SHARED_DATA") == "1":
        pytest.fail(reason + "; AIDXL_REQUIRE_SHARED_DATA=1 makes this a failure")
    pytest.skip(reason)


def iter_danbooru_rows(path: Path) -> Iterator[list[str]]:
    """Rows of the tag-autocomplete CSV (name, category, post_count, aliases)."""
    with path.open(encoding="utf-8", newline="") as handle:
        yield from (row for row in csv.reader(handle) if row)


@pytest.fixture(scope="session")
def danbooru_tags_csv() -> Path:
    """``danbooru_tags.csv`` (140,782 rows), or a skip."""
    return require_shared_file("danbooru_tags.csv")


@pytest.fixture(scope="session")
def danbooru_names(danbooru_tags_csv: Path) -> list[str]:
    """Every tag name of ``danbooru_tags.csv``, in file order (by post count)."""
    return [row[0] for row in iter_danbooru_rows(danbooru_tags_csv)]
