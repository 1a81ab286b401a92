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
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers and readers; loaded lazily below
    from .card import (
        Aesthetic,
        ArtStyle,
        CardValueError,
        Character,
        CharacterForm,
        Environment,
        PaintingStyle,
        Quality,
        Theme,
        assemble,
        merge_styles,
    )
    from .classify import Classification, classify, prompt_from_tags
    from .compose import (
        ParsedPrompt,
        format_prompt,
        parse,
        parse_prompt,
        prompt_from_items,
        reading_dialect,
    )
    from .errors import (
        AidxlPromptError,
        DataFileError,
        InputEncodingError,
        InputTooLargeError,
        OrderingError,
        PromptSyntaxError,
        PromptValueError,
        RenderError,
    )
    from .expand import ChoiceRecord, ExpandError, Variation, expand, replay
    from .models import (
        And,
        Break,
        ExtraNetwork,
        Phrase,
        PhrasePart,
        Prompt,
        PromptItem,
        PromptWeight,
        Run,
        Schedule,
        Section,
        SlotList,
        Tag,
        check_weight,
    )
    from .normalize import (
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
    from .ordering import Ordering, Slot
    from .parser import ParseResult, Repair, parse_items, parse_tags
    from .presets import detect_presets, list_presets, load_preset
    from .prompt_file import PromptFileError, load_prompt_file, prompt_file_schema, prompt_to_yaml
    from .render import render, render_items
    from .suggest import Suggestion, suggest
    from .vocab import TagCategory, TagInfo, Vocabulary, canonical, load_vocabulary

# Where each public name lives. Importing the package loads none of these modules: each
# is imported on first use (PEP 562), so ``aidxl-prompt --help`` or a script that only
# formats prompts does not pay for prompt files, presets or suggestions.
_EXPORTS: dict[str, str] = {
    "Aesthetic": "card",
    "AidxlPromptError": "errors",
    "And": "models",
    "ArtStyle": "card",
    "Break": "models",
    "CardValueError": "card",
    "Character": "card",
    "CharacterForm": "card",
    "ChoiceRecord": "expand",
    "Classification": "classify",
    "DataFileError": "errors",
    "Dialect": "normalize",
    "Environment": "card",
    "ExpandError": "expand",
    "ExtraNetwork": "models",
    "InputEncodingError": "errors",
    "InputTooLargeError": "errors",
    "MAX_WEIGHT": "normalize",
    "MIN_WEIGHT": "normalize",
    "Ordering": "ordering",
    "OrderingError": "errors",
    "PaintingStyle": "card",
    "ParseResult": "parser",
    "ParsedPrompt": "compose",
    "Phrase": "models",
    "PhrasePart": "models",
    "Prompt": "models",
    "PromptFileError": "prompt_file",
    "PromptItem": "models",
    "PromptSyntaxError": "errors",
    "PromptValueError": "errors",
    "PromptWeight": "models",
    "Quality": "card",
    "RenderError": "errors",
    "Repair": "parser",
    "Run": "models",
    "Schedule": "models",
    "Section": "models",
    "Slot": "ordering",
    "SlotList": "models",
    "Suggestion": "suggest",
    "Tag": "models",
    "TagCategory": "vocab",
    "TagInfo": "vocab",
    "Theme": "card",
    "Variation": "expand",
    "Vocabulary": "vocab",
    "assemble": "card",
    "canonical": "vocab",
    "check_weight": "models",
    "classify": "classify",
    "detect_presets": "presets",
    "escape": "normalize",
    "expand": "expand",
    "format_prompt": "compose",
    "format_weight": "normalize",
    "list_presets": "presets",
    "load_preset": "presets",
    "load_prompt_file": "prompt_file",
    "load_vocabulary": "vocab",
    "merge_styles": "card",
    "normalize_spelling": "normalize",
    "normalize_tag": "normalize",
    "parse": "compose",
    "parse_items": "parser",
    "parse_prompt": "compose",
    "parse_tags": "parser",
    "prompt_file_schema": "prompt_file",
    "prompt_from_items": "compose",
    "prompt_from_tags": "classify",
    "prompt_to_yaml": "prompt_file",
    "reading_dialect": "compose",
    "render": "render",
    "render_items": "render",
    "replay": "expand",
    "same_weight": "normalize",
    "suggest": "suggest",
    "unescape": "normalize",
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


class _Package(types.ModuleType):
    """This package's module type: importing a submodule that shares its name with a
    public function (``render``, ``classify``, ``expand``, ``suggest``) does not hide
    the function behind the module, as it would on a plain module."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _EXPORTS:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
    "Dialect",
    "Environment",
    "ExpandError",
    "ExtraNetwork",
    "InputEncodingError",
    "InputTooLargeError",
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
    "RenderError",
    "Repair",
    "Run",
    "Schedule",
    "Section",
    "Slot",
    "SlotList",
    "Suggestion",
    "Tag",
    "TagCategory",
    "TagInfo",
    "Theme",
    "Variation",
    "Vocabulary",
    "__version__",
    "assemble",
    "canonical",
    "check_weight",
    "classify",
    "detect_presets",
    "escape",
    "expand",
    "format_prompt",
    "format_weight",
    "list_presets",
    "load_preset",
    "load_prompt_file",
    "load_vocabulary",
    "merge_styles",
    "normalize_spelling",
    "normalize_tag",
    "parse",
    "parse_items",
    "parse_prompt",
    "parse_tags",
    "prompt_file_schema",
    "prompt_from_items",
    "prompt_from_tags",
    "prompt_to_yaml",
    "reading_dialect",
    "render",
    "render_items",
    "replay",
    "same_weight",
    "suggest",
    "unescape",
]
