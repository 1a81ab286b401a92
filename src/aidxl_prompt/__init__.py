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
    from .card.words import Aesthetic, PaintingStyle, Quality
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
        CardValueError,
        DataFileError,
        InputEncodingError,
        InputTooLargeError,
        OrderingError,
        PromptSyntaxError,
        PromptValueError,
        RenderError,
    )
    from .files.expand import ChoiceRecord, ExpandError, Variation, expand, replay
    from .files.presets import detect_presets, list_presets, load_preset
    from .files.prompt_file import (
        PromptFileError,
        load_prompt_file,
        prompt_file_schema,
        prompt_to_yaml,
    )
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
    from .vocab.classify import Classification, classify, prompt_from_tags
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
    "Dialect": "syntax.normalize",
    "Environment": "card.forms",
    "ExpandError": "files.expand",
    "ExtraNetwork": "model.items",
    "InputEncodingError": "errors",
    "InputTooLargeError": "errors",
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
    "RenderError": "errors",
    "Repair": "model.parser",
    "Run": "model.items",
    "Schedule": "model.items",
    "Section": "model.prompt",
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
    "format_prompt": "compose",
    "format_weight": "syntax.normalize",
    "list_presets": "files.presets",
    "load_preset": "files.presets",
    "load_prompt_file": "files.prompt_file",
    "load_vocabulary": "vocab.vocabulary",
    "merge_styles": "card.forms",
    "normalize_spelling": "syntax.normalize",
    "normalize_tag": "syntax.normalize",
    "parse": "compose",
    "parse_items": "model.parser",
    "parse_prompt": "compose",
    "parse_tags": "model.parser",
    "prompt_file_schema": "files.prompt_file",
    "prompt_from_items": "compose",
    "prompt_from_tags": "vocab.classify",
    "prompt_to_yaml": "files.prompt_file",
    "reading_dialect": "compose",
    "render": "model.prompt",
    "render_items": "model.render",
    "replay": "files.expand",
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
