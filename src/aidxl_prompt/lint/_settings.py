"""The AP7 rules: the card's generation settings, where they are written.

:meth:`~aidxl_prompt.Settings.warnings` says what the card advises against; each
:class:`~aidxl_prompt.SettingsWarning` code has one rule
(:func:`~aidxl_prompt.lint.registry.rule_for_setting`). Here they are found, each with
the span of what it is about: the ``Key: value`` pair of an A1111 infotext settings
line, or the key of a prompt file's ``settings:`` block.

>>> line = "Steps: 28, Sampler: Euler a, CFG scale: 13, Size: 1024x1024"
>>> [(f.code, line[f.span[0] : f.span[1]]) for f in infotext_findings(line)]
[('AP703', 'CFG scale: 13')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..card.settings import Settings, SettingsError
from ..errors import AidxlPromptError, PromptFileError
from ..export.infotext import parse_infotext
from ._units import Finding
from .registry import rule_for_setting

if TYPE_CHECKING:
    from ..files.prompt_file import PresetLibrary

__all__ = ["file_findings", "infotext_findings", "settings_findings"]

# The infotext keys a Settings field (or a warning's field) is read from, in the order
# to look for them: a scheduler written in the old combined sampler name is in Sampler.
_INFOTEXT_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "size": ("Size",),
        "width": ("Size",),
        "height": ("Size",),
        "cfg_scale": ("CFG scale",),
        "steps": ("Steps",),
        "sampler": ("Sampler",),
        "scheduler": ("Schedule type", "Sampler"),
        "seed": ("Seed",),
        "clip_skip": ("Clip skip",),
    }
)
# A warning about the size is about the width and the height keys of a settings block.
_FILE_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType({"size": ("width", "height")})
_INVALID = "AP701"


def settings_findings(settings: Settings) -> list[Finding]:
    """A finding for each of the card's warnings on ``settings``, at no place (span
    ``(0, 0)``); the field is named in the message.

    >>> [(f.code, f.message) for f in settings_findings(Settings(cfg_scale=4))]
    [('AP703', 'cfg_scale: CFG scale 4 is outside the card\\'s 5 to 11 (card: "CFG scale: 5-11")')]
    """
    return [Finding(rule_for_setting(w.code).code, str(w), (0, 0)) for w in settings.warnings()]


def infotext_findings(line: str) -> Iterator[Finding]:
    """The findings of an infotext settings line (``Steps: 28, Sampler: ...``), with
    spans in ``line``. A line A1111 would not read as settings (fewer than three pairs)
    has none."""
    info = parse_infotext(f"-\n{line}")
    if not info.parameters:
        return
    try:
        settings = info.settings()
    except AidxlPromptError as error:
        if isinstance(error, SettingsError):
            field, message = error.field, f"{error.field}: {error.problem}"
        else:  # the size is the one value the infotext reader itself refuses
            field, message = "size", str(error)
        yield Finding(_INVALID, message, _pair_span(line, field))
        return
    for warning in settings.warnings():
        code = rule_for_setting(warning.code).code
        yield Finding(code, str(warning), _pair_span(line, warning.field))


def _pair_span(line: str, field: str) -> tuple[int, int]:
    """The last ``Key: value`` pair of ``field`` in ``line`` (A1111 reads the last of a
    repeated key), or the whole line."""
    for key in _INFOTEXT_KEYS.get(field, ()):
        found = None
        for match in re.finditer(rf"(?:^|,)\s*({re.escape(key)}):[ \t]*", line):
            found = (match.start(1), match.end() + _value_length(line, match.end()))
        if found is not None:
            return found
    return (0, len(line))


def _value_length(line: str, start: int) -> int:
    """The length of the value at ``start``: a JSON string, or up to the next comma."""
    if line.startswith('"', start):
        try:
            return json.JSONDecoder().raw_decode(line, start)[1] - start
        except ValueError:
            pass  # not a JSON string after all: A1111 reads it up to the comma
    end = line.find(",", start)
    return len(line[start : len(line) if end < 0 else end].rstrip())


def file_findings(
    text: str, *, source: str = "<string>", library: PresetLibrary | None = None
) -> list[Finding]:
    """The findings of a prompt file's settings (merged with its presets'), each at the
    key it is about: the field's own key in ``settings:``, else its ``preset:`` when that
    wrote the field, else ``extends:`` (the field came from a preset file), else
    ``settings:`` itself (a default the block left as it is). A file
    whose ``extends`` holds a choice is checked on its own block. A file that does not
    read is a :class:`~aidxl_prompt.errors.PromptFileError`."""
    # (imported here: linting prompt text never loads the prompt-file modules and YAML)
    from ..files.prompt_file import key_span, parse_prompt_text  # noqa: PLC0415

    document = parse_prompt_text(text, source=source, library=library)
    try:
        settings = document.resolve_settings()
    except PromptFileError:
        settings = document.settings  # a choice between presets: no pick to resolve
    if settings is None:
        return []
    own = document.settings.model_fields_set if document.settings is not None else set()
    findings = []
    for warning in settings.warnings():
        code = rule_for_setting(warning.code).code
        keys = _FILE_KEYS.get(warning.field, (warning.field,))
        paths: list[tuple[str, ...]] = [("settings", key) for key in keys]
        if own.intersection(keys):  # written by the block, if not by its key: by its preset
            paths.append(("settings", "preset"))
        span = key_span(text, [*paths, ("extends",), ("settings",)], source=source)
        findings.append(Finding(code, str(warning), span or (0, 0)))
    return findings
