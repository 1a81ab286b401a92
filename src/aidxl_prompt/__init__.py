"""aidxl-prompt: compose, clean, check and render prompts for AIDXL.

AIDXL (Anime Illustration Diffusion XL) is an SDXL fine-tune driven by Danbooru tags.
This package holds tags in the model card's slots, orders them, and renders them for
A1111, ComfyUI, compel or as plain captions.

>>> from aidxl_prompt import parse, render
>>> p = parse("best quality, 1girl, by yoneyama mai, bishop \\\\(chess\\\\)")
>>> render(p)
'by yoneyama mai, 1girl, best quality, bishop \\\\(chess\\\\)'
>>> render(p, "comfyui", order="style_last")
'1girl, best quality, bishop \\\\(chess\\\\), by yoneyama mai'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers and readers; loaded lazily below
    from .card.forms import (
        ArtStyle,
        Character,
        CharacterForm,
        Environment,
        Theme,
        assemble,
        merge_styles,
    )
    from .card.settings import Settings, SettingsError, SettingsWarning, resolution_for
    from .card.words import Aesthetic, PaintingStyle, Quality
    from .compose import (
        ParsedPrompt,
        ReadOptions,
        format_prompt,
        parse,
        parse_prompt,
        prompt_from_items,
        reading_dialect,
    )
    from .errors import (
        AidxlPromptError,
        CardValueError,
        DataFileError,
        InputEncodingError,
        InputTooLargeError,
        OrderingError,
        PromptSyntaxError,
        PromptValueError,
        RenderError,
    )
    from .export.infotext import Infotext, format_infotext, parse_infotext
    from .export.png import read_png_metadata
    from .files.expand import ChoiceRecord, ExpandError, Variation, expand, replay
    from .files.presets import detect_presets, list_presets, load_preset
    from .files.prompt_file import (
        PromptFileError,
        load_prompt_and_settings,
        load_prompt_file,
        prompt_file_schema,
        prompt_to_yaml,
    )
    from .lint.config import LintConfig, LintConfigError, load_lint_config
    from .lint.diagnostic import Diagnostic, Fix, Severity
    from .lint.linter import fix, lint, lint_lines, lint_prompt_file_settings, lint_settings
    from .lint.prompt_file import fix_prompt_file, lint_prompt_file
    from .model.items import (
        And,
        Break,
        ExtraNetwork,
        Phrase,
        PhrasePart,
        PromptItem,
        PromptWeight,
        Run,
        Schedule,
        SlotList,
        Tag,
        check_weight,
    )
    from .model.ordering import Ordering, Slot
    from .model.parser import ParseResult, Repair, parse_items, parse_tags
    from .model.prompt import Prompt, Section, render
    from .model.render import render_items
    from .syntax.normalize import (
        MAX_WEIGHT,
        MIN_WEIGHT,
        Dialect,
        escape,
        format_weight,
        normalize_spelling,
        normalize_tag,
        same_weight,
        unescape,
    )
    from .vocab.classify import Classification, classify
    from .vocab.suggest import Suggestion, suggest
    from .vocab.vocabulary import TagCategory, TagInfo, Vocabulary, canonical, load_vocabulary

# Where each public name lives. Importing the package loads none of these modules: each
# is imported on first use (PEP 562), so ``aidxl-prompt --help`` or a script that only
# formats prompts does not pay for prompt files, presets or suggestions.
_EXPORTS: dict[str, str] = {
    "Aesthetic": "card.words",
    "AidxlPromptError": "errors",
    "And": "model.items",
    "ArtStyle": "card.forms",
    "Break": "model.items",
    "CardValueError": "errors",
    "Character": "card.forms",
    "CharacterForm": "card.forms",
    "ChoiceRecord": "files.expand",
    "Classification": "vocab.classify",
    "DataFileError": "errors",
    "Diagnostic": "lint.diagnostic",
    "Dialect": "syntax.normalize",
    "Environment": "card.forms",
    "ExpandError": "files.expand",
    "ExtraNetwork": "model.items",
    "Fix": "lint.diagnostic",
    "Infotext": "export.infotext",
    "InputEncodingError": "errors",
    "InputTooLargeError": "errors",
    "LintConfig": "lint.config",
    "LintConfigError": "lint.config",
    "MAX_WEIGHT": "syntax.normalize",
    "MIN_WEIGHT": "syntax.normalize",
    "Ordering": "model.ordering",
    "OrderingError": "errors",
    "PaintingStyle": "card.words",
    "ParseResult": "model.parser",
    "ParsedPrompt": "compose",
    "Phrase": "model.items",
    "PhrasePart": "model.items",
    "Prompt": "model.prompt",
    "PromptFileError": "files.prompt_file",
    "PromptItem": "model.items",
    "PromptSyntaxError": "errors",
    "PromptValueError": "errors",
    "PromptWeight": "model.items",
    "Quality": "card.words",
    "ReadOptions": "compose",
    "RenderError": "errors",
    "Repair": "model.parser",
    "Run": "model.items",
    "Schedule": "model.items",
    "Section": "model.prompt",
    "Settings": "card.settings",
    "SettingsError": "card.settings",
    "SettingsWarning": "card.settings",
    "Severity": "lint.diagnostic",
    "Slot": "model.ordering",
    "SlotList": "model.items",
    "Suggestion": "vocab.suggest",
    "Tag": "model.items",
    "TagCategory": "vocab.vocabulary",
    "TagInfo": "vocab.vocabulary",
    "Theme": "card.forms",
    "Variation": "files.expand",
    "Vocabulary": "vocab.vocabulary",
    "assemble": "card.forms",
    "canonical": "vocab.vocabulary",
    "check_weight": "model.items",
    "classify": "vocab.classify",
    "detect_presets": "files.presets",
    "escape": "syntax.normalize",
    "expand": "files.expand",
    "fix": "lint.linter",
    "fix_prompt_file": "lint.prompt_file",
    "format_infotext": "export.infotext",
    "format_prompt": "compose",
    "format_weight": "syntax.normalize",
    "lint": "lint.linter",
    "lint_lines": "lint.linter",
    "lint_prompt_file": "lint.prompt_file",
    "lint_prompt_file_settings": "lint.linter",
    "lint_settings": "lint.linter",
    "list_presets": "files.presets",
    "load_lint_config": "lint.config",
    "load_preset": "files.presets",
    "load_prompt_and_settings": "files.prompt_file",
    "load_prompt_file": "files.prompt_file",
    "load_vocabulary": "vocab.vocabulary",
    "merge_styles": "card.forms",
    "normalize_spelling": "syntax.normalize",
    "normalize_tag": "syntax.normalize",
    "parse": "compose",
    "parse_infotext": "export.infotext",
    "parse_items": "model.parser",
    "parse_prompt": "compose",
    "parse_tags": "model.parser",
    "prompt_file_schema": "files.prompt_file",
    "prompt_from_items": "compose",
    "prompt_to_yaml": "files.prompt_file",
    "read_png_metadata": "export.png",
    "reading_dialect": "compose",
    "render": "model.prompt",
    "render_items": "model.render",
    "replay": "files.expand",
    "resolution_for": "card.settings",
    "same_weight": "syntax.normalize",
    "suggest": "vocab.suggest",
    "unescape": "syntax.normalize",
}


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use; ``__version__`` from the metadata."""
    if name == "__version__":
        from importlib import metadata  # noqa: PLC0415 (only when asked: it is slow)

        try:
            version = metadata.version("aidxl-prompt")
        except metadata.PackageNotFoundError:  # pragma: no cover - a bare source tree
            version = "0+unknown"
        globals()["__version__"] = version
        return version
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'aidxl_prompt' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "MAX_WEIGHT",
    "MIN_WEIGHT",
    "Aesthetic",
    "AidxlPromptError",
    "And",
    "ArtStyle",
    "Break",
    "CardValueError",
    "Character",
    "CharacterForm",
    "ChoiceRecord",
    "Classification",
    "DataFileError",
    "Diagnostic",
    "Dialect",
    "Environment",
    "ExpandError",
    "ExtraNetwork",
    "Fix",
    "Infotext",
    "InputEncodingError",
    "InputTooLargeError",
    "LintConfig",
    "LintConfigError",
    "Ordering",
    "OrderingError",
    "PaintingStyle",
    "ParseResult",
    "ParsedPrompt",
    "Phrase",
    "PhrasePart",
    "Prompt",
    "PromptFileError",
    "PromptItem",
    "PromptSyntaxError",
    "PromptValueError",
    "PromptWeight",
    "Quality",
    "ReadOptions",
    "RenderError",
    "Repair",
    "Run",
    "Schedule",
    "Section",
    "Settings",
    "SettingsError",
    "SettingsWarning",
    "Severity",
    "Slot",
    "SlotList",
    "Suggestion",
    "Tag",
    "TagCategory",
    "TagInfo",
    "Theme",
    "Variation",
    "Vocabulary",
    "assemble",
    "canonical",
    "check_weight",
    "classify",
    "detect_presets",
    "escape",
    "expand",
    "fix",
    "fix_prompt_file",
    "format_infotext",
    "format_prompt",
    "format_weight",
    "lint",
    "lint_lines",
    "lint_prompt_file",
    "lint_prompt_file_settings",
    "lint_settings",
    "list_presets",
    "load_lint_config",
    "load_preset",
    "load_prompt_and_settings",
    "load_prompt_file",
    "load_vocabulary",
    "merge_styles",
    "normalize_spelling",
    "normalize_tag",
    "parse",
    "parse_infotext",
    "parse_items",
    "parse_prompt",
    "parse_tags",
    "prompt_file_schema",
    "prompt_from_items",
    "prompt_to_yaml",
    "read_png_metadata",
    "reading_dialect",
    "render",
    "render_items",
    "replay",
    "resolution_for",
    "same_weight",
    "suggest",
    "unescape",
]
