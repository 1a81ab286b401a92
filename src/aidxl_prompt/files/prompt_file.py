"""YAML prompt files: slots, negative, typed card entries, presets and alternatives.

A prompt file is a YAML mapping. Each slot of the card's order (``art_style``,
``character``, ... ``secondary_description``) and ``negative`` hold a list of entries:

* ``tag`` or ``{tag: weight}``: a tag. In three slots the short forms get the card's
  treatment: ``art_style`` adds ``by`` when missing, ``painting_style`` accepts only the
  card's 11 words (with a did-you-mean), ``quality`` accepts ``amazing`` for
  ``amazing quality`` and rejects near-misses of the six levels.
* ``{text: tag, weight: w}``: a tag exactly as written, with no card treatment.
* typed entries: ``{character: name, series:, gender:, form:, weight:, outfit: [...]}``
  (``character`` slot; the outfit goes to ``clothing``), ``{style: artist, weight:}``
  (``art_style``), ``{quality: level, weight:}`` (``quality``), ``{theme: name}``
  (``theme``).
* ``{kind: phrase, text: "a (white:1.2) dress"}``: one comma-separated unit in A1111
  syntax, kept whole; ``{kind: schedule, text: "[a:b:10]"}`` and (in ``negative``)
  ``{kind: break}``: A1111 control items.
* ``{choose: [option, ...], id: name}``: alternatives, for :mod:`aidxl_prompt.files.expand`.
  An option is an entry, a list of entries, or ``{option: ..., weight: w}`` where ``w``
  is how often it is drawn.

``networks`` lists extra-network tokens (``<lora:name:0.8>``). ``extends`` names one or
more presets (see :mod:`aidxl_prompt.files.presets`), merged in order before the file's own
entries; ``merge`` says, per slot, whether the file's entries are appended (the
default) or ``replace`` what the presets gave. ``sections`` holds the parts after each
``BREAK`` or ``AND``, each with its own slots; ``weight`` is the first sub-prompt's
weight. ``description`` is free text. ``settings`` holds the card's generation settings
(:class:`~aidxl_prompt.Settings`: ``width``, ``height``, ``cfg_scale``, ``steps``,
``sampler``, ``scheduler``, ``seed``, ``batch_size``, ``clip_skip``, and ``preset`` for
one of the card's presets that the other keys override); a file's settings are merged
over its presets', field by field, the file's keys winning
(:meth:`PromptFile.resolve_settings`, :func:`load_prompt_and_settings`). The keys of
every mapping, and the JSON Schema (:func:`prompt_file_schema`), come from one table
(:mod:`._format`).

Presets are looked up in the :class:`PresetLibrary` given as ``library=``, by default
``PresetLibrary()``: the built-in presets only. These functions never read the
environment; ``PresetLibrary.from_env()`` (which the command line uses) adds the folders
of ``$AIDXL_PROMPT_PRESETS``.

``read_*`` gives the parsed :class:`PromptFile` (choices not picked, presets not merged);
``load_*`` gives the :class:`~aidxl_prompt.Prompt`. :class:`PresetLibrary` follows the
same rule: ``read(name)`` and ``load(name)``.

Files are read with the safe YAML loader only, within limits (:mod:`._input`): at most
``max_bytes`` (:data:`MAX_INPUT_BYTES`, 4 MiB) of UTF-8, collections nested at most
:data:`MAX_YAML_DEPTH` (64) deep, no key written twice in one mapping. ``1e-9`` is a
number (YAML 1.2), and a tag's weight lies between -:data:`WEIGHT_LIMIT` and
:data:`WEIGHT_LIMIT` (1000, as for any tag). A bad file fails with a
:class:`PromptFileError` that names the file, the line (looked up in the YAML when it
has one), the field path and what was expected; a file too large or not UTF-8 fails with
:class:`~aidxl_prompt.errors.InputTooLargeError` or
:class:`~aidxl_prompt.errors.InputEncodingError`.

>>> text = '''
... art_style: [{yoneyama mai: 0.9}]
... character:
...   - {character: lucy, series: cyberpunk, outfit: [jacket]}
... quality: [{quality: amazing, weight: 1.5}]
... '''
>>> prompt = load_prompt_text(text)
>>> [(t.text, t.weight) for t in prompt.tags()]
[('by yoneyama mai', 0.9), ('lucy (cyberpunk)', 1.0), ('jacket', 1.0), ('amazing quality', 1.5)]
>>> load_prompt_text(prompt_to_yaml(prompt)) == prompt
True
>>> parse_prompt_text("settings: {preset: dpmpp_2m_karras, width: 832, height: 1248}").settings
Settings(width=832, height=1248, cfg_scale=7.0, steps=35, sampler='DPM++ 2M', \
scheduler='Karras', seed=-1, batch_size=1, clip_skip=1)
"""

from __future__ import annotations

from pathlib import Path

from .._input import MAX_INPUT_BYTES
from ..card.settings import Settings
from ..errors import PromptFileError
from ..model.prompt import Prompt
from ._document import ChoicePoint, Contribution, Option, PromptFile
from ._entries import slot_string_tag
from ._format import CONTENT_FIELDS, SLOT_FIELDS, TAG_FIELDS, WEIGHT_LIMIT, MergeMode
from ._library import PRESETS_ENV_VAR, PresetLibrary
from ._reader import key_span, parse_document, read_document
from ._schema import prompt_file_schema
from ._writer import dump_prompt_file, prompt_to_yaml
from ._yaml_input import MAX_YAML_DEPTH

__all__ = [
    "CONTENT_FIELDS",
    "MAX_INPUT_BYTES",
    "MAX_YAML_DEPTH",
    "PRESETS_ENV_VAR",
    "SLOT_FIELDS",
    "TAG_FIELDS",
    "WEIGHT_LIMIT",
    "ChoicePoint",
    "Contribution",
    "MergeMode",
    "Option",
    "PresetLibrary",
    "PromptFile",
    "PromptFileError",
    "dump_prompt_file",
    "key_span",
    "load_prompt_and_settings",
    "load_prompt_file",
    "load_prompt_text",
    "parse_prompt_text",
    "prompt_file_schema",
    "prompt_to_yaml",
    "read_prompt_file",
    "slot_string_tag",
]


def read_prompt_file(
    path: str | Path,
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> PromptFile:
    """Parse a prompt file without resolving its choices (see :func:`load_prompt_file`).

    A file over ``max_bytes`` is refused before it is read further.
    """
    return read_document(path, library=library or PresetLibrary(), max_bytes=max_bytes)


def parse_prompt_text(
    text: str,
    *,
    source: str = "<string>",
    library: PresetLibrary | None = None,
    base_dir: Path | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> PromptFile:
    """:func:`read_prompt_file` for YAML given as text (``source`` names it in errors).

    >>> parse_prompt_text("quality: [best]\\nquality: [amazing]\\n")
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.PromptFileError: <string>:2: duplicate key 'quality' (first at line 1)
    """
    return parse_document(
        text,
        source=source,
        library=library or PresetLibrary(),
        base_dir=base_dir,
        max_bytes=max_bytes,
    )


def load_prompt_file(
    path: str | Path,
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Prompt:
    """Read a prompt file and return its Prompt (presets merged in).

    A file with alternatives (``choose``) is expanded with
    :func:`aidxl_prompt.files.expand.expand` instead; here it is an error. A file over
    ``max_bytes`` is refused unread.
    """
    return _resolve_plain(read_prompt_file(path, library=library, max_bytes=max_bytes))


def load_prompt_text(
    text: str,
    *,
    source: str = "<string>",
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Prompt:
    """:func:`load_prompt_file` for YAML given as text.

    >>> load_prompt_text("painting_style: [impasta]")
    Traceback (most recent call last):
    ...
    aidxl_prompt.errors.PromptFileError: <string>:1: painting_style[0]: 'impasta' is not one of the card's painting styles; did you mean 'impasto'? (expected one of: flat color, clean color, celluloid, flat-pasto, thin-pasto, pseudo-impasto, impasto, realistic, photorealistic, cel shading, 3d)
    """  # noqa: E501 (the doctest shows the whole message)
    return _resolve_plain(
        parse_prompt_text(text, source=source, library=library, max_bytes=max_bytes)
    )


def load_prompt_and_settings(
    path: str | Path,
    *,
    library: PresetLibrary | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> tuple[Prompt, Settings | None]:
    """Read a prompt file and return its Prompt and its settings (both with the presets
    merged in; ``None`` when neither the file nor its presets have a ``settings:``
    block), as :func:`load_prompt_file` and :meth:`PromptFile.resolve_settings` give them.
    """
    document = read_prompt_file(path, library=library, max_bytes=max_bytes)
    return _resolve_plain(document), document.resolve_settings()


def _resolve_plain(document: PromptFile) -> Prompt:
    points = document.choice_points()
    if points:
        where = ", ".join(point.where for point in points)
        raise PromptFileError(
            f"the file holds alternatives (choose) at {where}; expand it with "
            "`aidxl-prompt expand` or aidxl_prompt.files.expand.expand()",
            source=document.source,
        )
    return document.resolve()
