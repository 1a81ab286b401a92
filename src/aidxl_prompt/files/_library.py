"""Where presets are found, and each preset file read once per version.

>>> library = PresetLibrary()
>>> "default-negative" in library.names()
True
>>> library.read("quality-amazing").description
'(amazing quality:1.5) with the default negative.'
>>> library.load("quality-amazing").render()
'(amazing quality:1.5)'
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .._data import data_dir
from .._input import MAX_INPUT_BYTES
from ..errors import PromptFileError, did_you_mean
from ..model.prompt import Prompt
from ._document import PresetSource, PromptFile
from ._problems import EntryPath
from ._reader import read_document

__all__ = ["PRESETS_ENV_VAR", "PresetLibrary"]

PRESETS_ENV_VAR = "AIDXL_PROMPT_PRESETS"
"""Environment variable with user preset folders (``os.pathsep``-separated), read by
:meth:`PresetLibrary.from_env` (and so by the command line) only."""

_SUFFIXES = (".yaml", ".yml")


class PresetLibrary(BaseModel, PresetSource):
    """Where presets are looked up: the ``folders`` given first, then the built-in ones
    (``data/tags/presets``) unless ``include_builtin`` is false.

    Library calls that take a ``library`` use ``PresetLibrary()``, the built-in presets,
    unless given one; only :meth:`from_env` reads ``$AIDXL_PROMPT_PRESETS``. A preset
    file over ``max_bytes`` is refused, as a prompt file is. As for prompt files,
    :meth:`read` gives the parsed :class:`PromptFile` and :meth:`load` the
    :class:`~aidxl_prompt.Prompt` it stands for.

    >>> PresetLibrary().find("quality-best").name
    'quality-best.yaml'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    folders: tuple[Path, ...] = ()
    include_builtin: bool = True
    max_bytes: int = MAX_INPUT_BYTES

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, max_bytes: int = MAX_INPUT_BYTES
    ) -> PresetLibrary:
        """The folders named in :data:`PRESETS_ENV_VAR` of ``environ`` (by default
        ``os.environ``), then the built-in presets.

        >>> library = PresetLibrary.from_env({"AIDXL_PROMPT_PRESETS": "a" + os.pathsep + "b"})
        >>> [str(folder) for folder in library.folders]
        ['a', 'b']
        """
        configured = (os.environ if environ is None else environ).get(PRESETS_ENV_VAR, "")
        folders = [Path(part) for part in configured.split(os.pathsep) if part]
        return cls(folders=tuple(folders), max_bytes=max_bytes)

    @staticmethod
    def builtin_folder() -> Path:
        """The built-in presets' folder."""
        return data_dir() / "presets"

    def search_path(self) -> tuple[Path, ...]:
        """The folders searched, in order."""
        builtin = (self.builtin_folder(),) if self.include_builtin else ()
        return (*self.folders, *builtin)

    def names(self) -> list[str]:
        """Every preset name, each once (a user preset hides a built-in of that name)."""
        return list(self.locations())

    def locations(self) -> dict[str, Path]:
        """Each preset name and the file it is read from, in search order."""
        found: dict[str, Path] = {}
        for folder in self.search_path():
            if not folder.is_dir():
                continue
            files = sorted(
                [path for suffix in _SUFFIXES for path in folder.rglob("*" + suffix)],
                key=lambda path: path.relative_to(folder).as_posix(),
            )
            for path in files:
                name = path.relative_to(folder).with_suffix("").as_posix()
                found.setdefault(name, path)
        return found

    def find(self, name: str, relative_to: Path | None = None) -> Path:
        """The file of preset ``name``; a path ending in ``.yaml`` is read relative to
        ``relative_to`` (the folder of the file that names it).

        >>> PresetLibrary(include_builtin=False).find("quality-amazng")
        Traceback (most recent call last):
        ...
        aidxl_prompt.errors.PromptFileError: <presets>: unknown preset 'quality-amazng' (looked in no folder; known presets: none)
        """  # noqa: E501 (the doctest shows the whole message)
        if name.endswith(_SUFFIXES):
            path = Path(name)
            if not path.is_absolute() and relative_to is not None:
                path = relative_to / path
            if not path.is_file():
                raise PromptFileError(
                    f"preset file {name!r} not found (looked for {path})", source="<presets>"
                )
            return path
        for folder in self.search_path():
            for suffix in _SUFFIXES:
                candidate = folder / (name + suffix)
                if candidate.is_file():
                    return candidate
        known = self.names()
        folders = ", ".join(str(folder) for folder in self.search_path()) or "no folder"
        raise PromptFileError(
            f"unknown preset {name!r}{did_you_mean(name, known)} (looked in {folders}; "
            f"known presets: {', '.join(known) or 'none'})",
            source="<presets>",
        )

    def read(self, name: str, relative_to: Path | None = None) -> PromptFile:
        """Preset ``name`` parsed, not resolved (read once per file version). A preset
        holds no ``choose``."""
        path = self.find(name, relative_to)
        stat = path.stat()
        return _read_preset(str(path.resolve()), stat.st_mtime_ns, stat.st_size, self)

    def load(self, name: str, relative_to: Path | None = None) -> Prompt:
        """The Prompt preset ``name`` stands for, its own ``extends`` merged in."""
        return self.read(name, relative_to).resolve()


@functools.lru_cache(maxsize=1024)
def _read_preset(path: str, mtime_ns: int, size: int, library: PresetLibrary) -> PromptFile:
    del mtime_ns, size  # part of the cache key only: an edited file is read again
    document = read_document(path, library=library, max_bytes=library.max_bytes)
    points = document.choice_points()
    if points:
        raise PromptFileError(
            "a preset cannot hold alternatives (choose); put them in the prompt file",
            source=path,
            path=_parse_where(points[0].where),
        )
    return document


def _parse_where(where: str) -> EntryPath:
    """Undo :func:`~aidxl_prompt.errors._format_path` for the paths choice points record.

    >>> _parse_where("sections[0].race[2]")
    ('sections', 0, 'race', 2)
    """
    parts: list[str | int] = []
    for chunk in where.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        parts.append(name)
        parts.extend(int(index) for index in indexes)
    return tuple(parts)
