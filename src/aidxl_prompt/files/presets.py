"""Presets: reusable prompt-file fragments, built in or from the user's folders.

A preset is a prompt file (same format, no ``choose``) that other files name in
``extends:``. The built-in ones live in ``data/tags/presets``:

* ``default-negative``: the card's low quality levels as the negative prompt;
* ``quality-amazing``, ``quality-best``, ``quality-stack``: quality stacks (each brings
  the default negative along);
* ``painting-<style>``: each of the card's 11 painting styles (the flat anime styles
  bring ``realistic, photorealistic, 3d`` to the negative prompt).

Every function here takes the presets as ``library``: a :class:`PresetLibrary`, or a
list of user folders (searched first: a user preset hides a built-in one of the same
name, and the built-in ones come last). By default, the built-in presets only: the
environment is read only by :meth:`PresetLibrary.from_env` (which the command line
uses for ``$AIDXL_PROMPT_PRESETS``).

As for prompt files, ``load`` gives a :class:`~aidxl_prompt.Prompt`
(:func:`load_preset`, :meth:`PresetLibrary.load`) and ``read`` the parsed
:class:`~aidxl_prompt.files.prompt_file.PromptFile` (:meth:`PresetLibrary.read`).

>>> [info.name for info in list_presets()][:2]
['default-negative', 'painting-3d']
>>> load_preset("quality-amazing").render()
'(amazing quality:1.5)'
>>> detect_presets(load_preset("quality-amazing"))
['default-negative', 'quality-amazing']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..model.prompt import Prompt
from ._format import CONTENT_FIELDS
from ._library import PRESETS_ENV_VAR, PresetLibrary

__all__ = [
    "PRESETS_ENV_VAR",
    "PresetInfo",
    "PresetLibrary",
    "Presets",
    "detect_presets",
    "list_presets",
    "load_preset",
]


class PresetInfo(BaseModel):
    """A preset as :func:`list_presets` shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str
    path: Path
    builtin: bool


Presets = PresetLibrary | Iterable[str | Path] | None
"""What the functions here take as ``library``: a library, user folders, or ``None``
(the built-in presets)."""


def _library(library: Presets) -> PresetLibrary:
    if isinstance(library, PresetLibrary):
        return library
    return PresetLibrary(folders=tuple(Path(folder) for folder in library or ()))


def list_presets(library: Presets = None) -> list[PresetInfo]:
    """Every preset (user folders first), with its description and file."""
    presets = _library(library)
    builtin = PresetLibrary.builtin_folder().resolve()
    infos = []
    for name, path in presets.locations().items():
        document = presets.read(name)
        infos.append(
            PresetInfo(
                name=name,
                description=document.description,
                path=path,
                builtin=path.resolve().is_relative_to(builtin),
            )
        )
    return infos


def load_preset(name: str, library: Presets = None) -> Prompt:
    """The Prompt a preset stands for (its own ``extends`` merged in)."""
    return _library(library).load(name)


def detect_presets(prompt: Prompt, library: Presets = None) -> list[str]:
    """The presets fully applied in ``prompt``: each of their items (positive and
    negative, with its weight) is in the same field of ``prompt``.

    Empty presets are never reported. Names come in the library's order.
    """
    presets = _library(library)
    found = []
    have = {field: Counter(_keys(getattr(prompt, field))) for field in CONTENT_FIELDS}
    for name in presets.names():
        preset = presets.load(name)
        wanted = {field: Counter(_keys(getattr(preset, field))) for field in CONTENT_FIELDS}
        if not any(wanted.values()):
            continue
        if all(not (counts - have[field]) for field, counts in wanted.items()):
            found.append(name)
    return found


def _keys(items: Iterable[object]) -> list[str]:
    """Hashable identities of items (text and weight, as the model dumps them)."""
    return [repr(item) for item in items]
