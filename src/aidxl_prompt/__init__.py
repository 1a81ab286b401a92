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

from importlib import metadata as _metadata

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

try:
    __version__ = _metadata.version("aidxl-prompt")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0+unknown"

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
