"""A1111's ``styles.csv``: saved styles in, presets out as styles.

A1111 keeps styles in a CSV file with the columns ``name``, ``prompt`` and
``negative_prompt``. Applying a style puts the user's prompt where the style's prompt
says ``{prompt}``, or else appends the style after it with ``", "`` (the negative
prompt likewise).

>>> style = Style(name="aidxl quality", prompt="{prompt}, (amazing quality:1.5)")
>>> style.apply("1girl")
('1girl, (amazing quality:1.5)', '')
>>> print(write_styles_csv([style]).replace("\\r\\n", "\\n"), end="")
name,prompt,negative_prompt
aidxl quality,"{prompt}, (amazing quality:1.5)",
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..compose import parse
from ..errors import DataFileError
from ..model.ordering import OrderLike
from ..model.prompt import Prompt
from ..vocab.vocabulary import Vocabulary
from ._common import negative_items, prompt_texts

__all__ = [
    "PLACEHOLDER",
    "Style",
    "load_styles_csv",
    "prompt_from_style",
    "read_styles_csv",
    "style_from_prompt",
    "write_styles_csv",
]

PLACEHOLDER = "{prompt}"
"""Where A1111 puts the user's prompt inside a style's prompt."""

_COLUMNS = ("name", "prompt", "negative_prompt")


def _merge(style_text: str, text: str) -> str:
    """A1111's rule: the placeholder replaced, or both joined with ", " (empty parts out)."""
    if PLACEHOLDER in style_text:
        return style_text.replace(PLACEHOLDER, text)
    return ", ".join(part for part in (text.strip(), style_text.strip()) if part)


class Style(BaseModel):
    """One row of ``styles.csv``."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    prompt: str = ""
    negative_prompt: str = ""

    def apply(self, prompt: str, negative_prompt: str = "") -> tuple[str, str]:
        """The prompt and negative prompt with this style applied, as A1111 does.

        >>> Style(name="s", prompt="by ask", negative_prompt="lowres").apply("1girl", "bad")
        ('1girl, by ask', 'bad, lowres')
        """
        return _merge(self.prompt, prompt), _merge(self.negative_prompt, negative_prompt)


def read_styles_csv(text: str, *, source: str = "styles.csv") -> list[Style]:
    """The styles in a ``styles.csv`` text (A1111's reading: rows whose name starts with
    ``#`` are comments; an old ``text`` column stands for ``prompt``).

    >>> [s.name for s in read_styles_csv("name,prompt\\nflat,flat color\\n#x,y\\n")]
    ['flat']
    """
    reader = csv.DictReader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), skipinitialspace=True
    )
    columns = reader.fieldnames or []
    if "name" not in columns or not {"prompt", "text"} & set(columns):
        raise DataFileError(
            f"{source}:1: expected the columns name, prompt, negative_prompt "
            f"(got {', '.join(columns) or 'none'})"
        )
    try:
        return _styles(reader)
    except csv.Error as exc:
        raise DataFileError(f"{source}:{reader.line_num + 1}: not CSV ({exc})") from None


def _styles(reader: csv.DictReader[str]) -> list[Style]:
    styles = []
    for row in reader:
        name = row.get("name") or ""
        if not name or name.startswith("#"):
            continue
        styles.append(
            Style(
                name=name,
                prompt=row.get("prompt", row.get("text")) or "",
                negative_prompt=row.get("negative_prompt") or "",
            )
        )
    return styles


def load_styles_csv(path: str | Path) -> list[Style]:
    """:func:`read_styles_csv` of a file (UTF-8, with or without a byte-order mark)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return read_styles_csv(text, source=str(path))


def write_styles_csv(styles: Iterable[Style]) -> str:
    """The ``styles.csv`` text for these styles (reading it gives them back)."""
    out = io.StringIO()
    # "\r\n" ends rows (csv's default) so that a cell holding "\r" or "\n" is quoted
    writer = csv.writer(out)
    writer.writerow(_COLUMNS)
    for style in styles:
        writer.writerow((style.name, style.prompt, style.negative_prompt))
    return out.getvalue()


def _without_placeholder(text: str) -> str:
    """The text without ``{prompt}`` and the commas it leaves around it."""
    units = (unit.strip() for unit in text.replace(PLACEHOLDER, "").split(","))
    return ", ".join(unit for unit in units if unit)


def style_from_prompt(name: str, prompt: Prompt, *, order: OrderLike = "documented") -> Style:
    """A style from a prompt (a preset): both prompts rendered for A1111, appended to the
    user's prompt when applied (no placeholder).

    >>> from aidxl_prompt.compose import parse
    >>> style_from_prompt("q", parse("(amazing quality:1.5)")).prompt
    '(amazing quality:1.5)'
    """
    positive, negative = prompt_texts(prompt, "a1111", order)
    return Style(name=name, prompt=positive, negative_prompt=negative)


def prompt_from_style(style: Style, vocabulary: Vocabulary | None = None) -> Prompt:
    """A style as a Prompt (to save as a preset): its tags in their slots and its
    negative prompt. The ``{prompt}`` placeholder is left out: a preset's tags go to
    their slots when merged, so where the user's prompt stood does not matter.

    >>> p = prompt_from_style(Style(name="s", prompt="{prompt}, by ask", negative_prompt="lowres"))
    >>> p.render(), p.render_negative()
    ('by ask', 'lowres')
    """
    prompt = parse(_without_placeholder(style.prompt), vocabulary=vocabulary)
    prompt.negative = negative_items(_without_placeholder(style.negative_prompt))
    return prompt
