"""A1111's infotext ("generation parameters"), written and read back.

The text A1111 shows under an image and saves in its PNG: the prompt (any number of
lines), ``Negative prompt: ...`` (also any number of lines), then one line of
``Key: value`` pairs. A value holding ``,``, ``:`` or a line break is written as a JSON
string, as A1111 does; reading follows A1111's ``parse_generation_parameters``: lines are
stripped, the last line holds the parameters when at least three pairs are found there,
and every key is kept, known or not, in its order.

>>> from aidxl_prompt.card.settings import Settings
>>> from aidxl_prompt.compose import parse
>>> p = parse("1girl, best quality")
>>> p.negative.append("worst quality")
>>> text = format_infotext(p, Settings(seed=1, width=832, height=1248))
>>> print(text)
1girl, best quality
Negative prompt: worst quality
Steps: 28, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, Seed: 1, Size: 832x1248
>>> info = parse_infotext(text)
>>> info.settings() == Settings(seed=1, width=832, height=1248), info.to_text() == text
(True, True)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..card.settings import Settings
from ..compose import parse
from ..errors import PromptValueError, RenderError
from ..model.ordering import OrderLike
from ..model.prompt import Prompt
from ..vocab.vocabulary import Vocabulary
from ._common import negative_items, prompt_texts

__all__ = ["Infotext", "format_infotext", "parse_infotext", "settings_parameters"]

# One "Key: value" pair of the parameters line: A1111's own pattern (infotext_utils.py),
# a key of word characters, spaces, "-" and "/", and a JSON-quoted or comma-free value.
_PARAM = re.compile(r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')
_KEY = re.compile(r"\w[\w \-/]+")
_NEGATIVE = "Negative prompt:"
_MIN_PARAMS = 3  # A1111 reads the last line as parameters only with 3+ pairs in it
_SIZE = re.compile(r"(\d+)x(\d+)")

# The infotext keys Settings is read from and written to, in A1111's order.
_SETTINGS_KEYS = ("Steps", "Sampler", "Schedule type", "CFG scale", "Seed", "Size", "Clip skip")


def _quote(value: str) -> str:
    """A value as A1111 writes it: JSON-quoted when it holds ``,``, ``:`` or a line break
    (and, so that it reads back the same, when it starts with ``"``, is padded or holds
    other control characters).

    >>> _quote("Euler a"), _quote("a: 1, b: 2")
    ('Euler a', '"a: 1, b: 2"')
    """
    if (
        any(mark in value for mark in ",:\n")
        or not value.isprintable()
        or value.startswith('"')
        or value != value.strip()
    ):
        return json.dumps(value, ensure_ascii=False)
    return value


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            text = json.loads(value)
        except ValueError:
            return value
        return text if isinstance(text, str) else value
    return value


def _number(value: float) -> str:
    """A number as A1111's UI shows it: ``7``, ``6.5`` (never ``7.0``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _hashes(value: str | None) -> dict[str, str]:
    """``"name: hash, other: hash"`` (``Lora hashes``, ``TI hashes``) as a mapping."""
    found: dict[str, str] = {}
    for part in (value or "").split(","):
        name, colon, digest = part.strip().rpartition(":")
        if colon and name.strip():
            found[name.strip()] = digest.strip()
    return found


class Infotext(BaseModel):
    """A parsed infotext: the prompt, the negative prompt and every ``Key: value`` pair.

    ``parameters`` keeps the pairs in their order, unquoted, unknown keys included;
    :meth:`settings` reads the card's settings out of them; :meth:`to_text` writes the
    infotext back (reading what it writes gives the same Infotext).

    >>> text = 'a\\nb\\nSteps: 20, Sampler: Euler a, Lora hashes: "x: 1a, y: 2b", Foo: 1'
    >>> info = parse_infotext(text)
    >>> info.prompt, info.lora_hashes(), info.extra()
    ('a\\nb', {'x': '1a', 'y': '2b'}, {'Lora hashes': 'x: 1a, y: 2b', 'Foo': '1'})
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    prompt: str = ""
    negative_prompt: str = ""
    parameters: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key`` (the last one, as A1111 reads a repeated key)."""
        for name, value in reversed(self.parameters):
            if name == key:
                return value
        return default

    def extra(self) -> dict[str, str]:
        """The pairs that are not settings (model, hashes, hires fix, extensions...)."""
        return {key: value for key, value in self.parameters if key not in _SETTINGS_KEYS}

    def lora_hashes(self) -> dict[str, str]:
        """``Lora hashes``: LoRA name to short hash."""
        return _hashes(self.get("Lora hashes"))

    def ti_hashes(self) -> dict[str, str]:
        """``TI hashes``: textual-inversion embedding name to short hash."""
        return _hashes(self.get("TI hashes"))

    def settings(self) -> Settings:
        """The settings these parameters give; a key that is missing takes the
        :class:`Settings` default (``Clip skip`` missing is 1, as in A1111).

        >>> parse_infotext("x\\nSteps: 35, Sampler: DPM++ 2M Karras, Size: 832x1248").settings()
        Settings(width=832, height=1248, cfg_scale=7.0, steps=35, sampler='DPM++ 2M', \
scheduler='Karras', seed=-1, batch_size=1, clip_skip=1)
        """
        fields: dict[str, Any] = {}
        for key, field in (("Steps", "steps"), ("Seed", "seed"), ("Clip skip", "clip_skip")):
            value = self.get(key)
            if value is not None:
                fields[field] = int(value) if re.fullmatch(r"-?\d+", value.strip()) else value
        cfg = self.get("CFG scale")
        if cfg is not None:
            fields["cfg_scale"] = _float_or_text(cfg)
        for key, field in (("Sampler", "sampler"), ("Schedule type", "scheduler")):
            value = self.get(key)
            if value is not None:
                fields[field] = value
        size = self.get("Size")
        if size is not None:
            match = _SIZE.fullmatch(size.strip())
            if match is None:
                raise PromptValueError(f"infotext: Size: expected WIDTHxHEIGHT (got {size!r})")
            fields["width"], fields["height"] = int(match.group(1)), int(match.group(2))
        return Settings(**fields)

    def to_prompt(self, vocabulary: Vocabulary | None = None) -> Prompt:
        """The prompt in its slots (read as A1111 reads it), with the negative prompt.

        >>> p = parse_infotext("best quality, 1girl\\nNegative prompt: worst quality").to_prompt()
        >>> p.render(), p.render_negative()
        ('1girl, best quality', 'worst quality')
        """
        prompt = parse(self.prompt, vocabulary=vocabulary)
        prompt.negative = negative_items(self.negative_prompt)
        return prompt

    def to_text(self) -> str:
        """The infotext as A1111 writes it."""
        lines = [self.prompt] if self.prompt else []
        if self.negative_prompt:
            lines.append(f"{_NEGATIVE} {self.negative_prompt}")
        if self.parameters:
            lines.append(", ".join(f"{key}: {_quote(value)}" for key, value in self.parameters))
        return "\n".join(lines).strip()

    def __str__(self) -> str:
        return self.to_text()


def _float_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def parse_infotext(text: str) -> Infotext:
    """Read an infotext as A1111 does (``parse_generation_parameters``).

    >>> info = parse_infotext('''1girl,
    ... smile
    ... Negative prompt: lowres
    ... Steps: 28, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 832x1248, Model: aidxl''')
    >>> info.prompt, info.negative_prompt, info.get("Model")
    ('1girl,\\nsmile', 'lowres', 'aidxl')
    """
    *lines, last = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    pairs = _PARAM.findall(last)
    if len(pairs) < _MIN_PARAMS:
        lines.append(last)
        pairs = []
    prompt: list[str] = []
    negative: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not negative and line.startswith(_NEGATIVE):
            negative.append(line[len(_NEGATIVE) :].strip())
        elif negative:
            negative.append(line)
        else:
            prompt.append(line)
    return Infotext(
        prompt="\n".join(prompt),
        negative_prompt="\n".join(negative),
        parameters=tuple((key, _unquote(value)) for key, value in pairs),
    )


def settings_parameters(settings: Settings) -> list[tuple[str, str]]:
    """The ``Key: value`` pairs A1111 writes for these settings, in its order
    (``Clip skip`` only above 1, as A1111; the batch size is not part of an infotext).

    >>> settings_parameters(Settings(clip_skip=2, cfg_scale=6.5))[-3:]
    [('Seed', '-1'), ('Size', '1024x1024'), ('Clip skip', '2')]
    """
    pairs = [
        ("Steps", str(settings.steps)),
        ("Sampler", settings.sampler),
        ("Schedule type", settings.scheduler),
        ("CFG scale", _number(settings.cfg_scale)),
        ("Seed", str(settings.seed)),
        ("Size", settings.size),
    ]
    if settings.clip_skip > 1:
        pairs.append(("Clip skip", str(settings.clip_skip)))
    return pairs


def _checked_extra(extra: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    pairs = list(extra.items() if isinstance(extra, Mapping) else extra)
    for key, _ in pairs:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise RenderError(
                f"infotext key {key!r} cannot be written: A1111 reads keys of 2 or more "
                "letters, digits, spaces, '-' and '/'"
            )
        if key in _SETTINGS_KEYS:
            raise RenderError(f"infotext key {key!r} comes from the settings; set it there")
    return [
        (key, _number(value) if isinstance(value, float) else str(value)) for key, value in pairs
    ]


def format_infotext(
    prompt: Prompt,
    settings: Settings,
    *,
    order: OrderLike = "documented",
    extra: Mapping[str, Any] | Iterable[tuple[str, Any]] = (),
) -> str:
    """The infotext A1111 would write for this prompt and these settings.

    ``extra`` pairs (``Model``, ``Lora hashes``...) follow the settings' pairs.

    >>> from aidxl_prompt.compose import parse
    >>> format_infotext(parse("1girl"), Settings(seed=2), extra={"Model": "aidxl, v0.8"})
    '1girl\\nSteps: 28, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7, Seed: 2, \
Size: 1024x1024, Model: "aidxl, v0.8"'
    """
    positive, negative = prompt_texts(prompt, "a1111", order)
    parameters = [*settings_parameters(settings), *_checked_extra(extra)]
    return Infotext(
        prompt=positive, negative_prompt=negative, parameters=tuple(parameters)
    ).to_text()
