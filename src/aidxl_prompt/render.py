"""Write prompts for A1111, ComfyUI, compel, or as plain captions.

Rendering is pure: it never re-sorts, de-duplicates or re-spells (a :class:`Prompt` is
put in order by its :class:`~aidxl_prompt.ordering.Ordering` first). Each dialect's
output is written so that its tool reads back exactly the items given, avoiding the
traps listed in ``dialects.md`` section 5.

>>> from aidxl_prompt.models import Tag, Break
>>> items = [Tag("by yoneyama mai", 0.9), Tag("bishop (chess)"), Break(), Tag("smile", 1.1)]
>>> print(render_items(items, "a1111"))
(by yoneyama mai:0.9), bishop \\(chess\\) BREAK (smile:1.1)
>>> print(render_items(items, "comfyui"))
(by yoneyama mai:0.9), bishop \\(chess\\), (smile:1.1)
>>> print(render_items(items, "compel"))
(by yoneyama mai)0.9, bishop \\(chess\\), (smile)1.1
>>> print(render_items(items, "plain"))
by yoneyama mai, bishop (chess), smile
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .errors import RenderError
from .models import And, ExtraNetwork, Prompt, PromptItem, Schedule, Tag
from .normalize import DIALECTS, Dialect, escape, format_weight
from .ordering import OrderLike

__all__ = ["render", "render_items"]

# A1111 reads a (sub)prompt's trailing ":number" as its weight (``aspect 16:9`` is
# ``aspect 16`` at weight 9); a tag that would end a sub-prompt like that is wrapped
# in an explicit ``(text:1)``, which A1111 reads as the same text at weight 1.
_TRAILING_NUMBER = re.compile(r":\s*[-+]?(?:\d+\.?|\d*\.\d+)\s*$")
# In A1111, one "|" outside square brackets makes the scheduling grammar fail and
# switches [a:b:n] off for the whole prompt; "\|" is a plain escaped character there
# (and the attention parser drops the backslash), so prompts with schedules get it.
_PIPE = re.compile(r"\|")
_SEPARATOR = ", "
_AND_MESSAGE = "{dialect} has no AND: joining the sub-prompts would change the prompt"
# compel's own syntax (prompt_parser.py): "word+" and "word-" are weights, and a LoRA
# name in withLora() is a bare identifier.
_COMPEL_WEIGHT_SUFFIX = re.compile(r"[+-](?=\s|$)")
_COMPEL_LORA_NAME = re.compile(r"[A-Za-z0-9_-]+")
_NUMBER_END = frozenset("0123456789. \t\n")


def render(
    prompt: Prompt | Iterable[PromptItem],
    dialect: Dialect = "a1111",
    *,
    order: OrderLike = "documented",
) -> str:
    """Render a :class:`Prompt` (in ``order``) or a sequence of items in ``dialect``.

    ``order`` is a preset name (``"documented"``, ``"style_last"``), an
    :class:`~aidxl_prompt.ordering.Ordering` or a sequence of slots; it only applies
    to a Prompt. A Prompt's ``networks`` follow its tags.

    >>> p = Prompt(art_style=[("by ask", 0.9)], quality=[("amazing quality", 1.5)])
    >>> render(p)
    '(by ask:0.9), (amazing quality:1.5)'
    >>> render(p, order="style_last")
    '(amazing quality:1.5), (by ask:0.9)'
    """
    items = prompt.items(order) if isinstance(prompt, Prompt) else list(prompt)
    return render_items(items, dialect)


def render_items(items: Iterable[PromptItem], dialect: Dialect = "a1111") -> str:
    """Render items in the given order.

    What a dialect cannot express is handled the same way every time:

    * ``comfyui``: ``BREAK`` and extra networks have no meaning in ComfyUI's text
      encoder (LoRAs are loaded by nodes; pass ``Prompt.networks`` to them), so they
      are left out; a schedule or an ``AND`` raises
      :class:`~aidxl_prompt.errors.RenderError`.
    * ``compel``: LoRAs become ``withLora(name, weight)``; ``BREAK`` is left out;
      schedules, ``AND``, negative weights and text compel would misread (quotes,
      backslashes, a word ending in ``+``/``-``, ``.`` in a weighted tag) raise
      ``RenderError``.
    * ``plain``: tag texts only, no weights, no escapes (training captions); ``BREAK``
      and networks are left out, a schedule or an ``AND`` raises ``RenderError``.
    """
    sequence = list(items)
    if dialect == "a1111":
        return _render_a1111(sequence)
    if dialect == "comfyui":
        return _render_comfyui(sequence)
    if dialect == "compel":
        return _render_compel(sequence)
    if dialect == "plain":
        return _render_plain(sequence)
    raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")


def _join(parts: Sequence[tuple[str, bool]]) -> str:
    """Join rendered parts with ", ", except around keywords, which take spaces."""
    if not any(is_keyword for _, is_keyword in parts):
        return _SEPARATOR.join([text for text, _ in parts])
    out: list[str] = []
    previous_keyword = True
    for text, is_keyword in parts:
        if out:
            out.append(" " if is_keyword or previous_keyword else _SEPARATOR)
        out.append(text)
        previous_keyword = is_keyword
    return "".join(out)


def _render_a1111(items: list[PromptItem]) -> str:
    # One pass for the common case (tags and networks only), joined directly.
    texts: list[str] = []
    append = texts.append
    for item in items:
        if isinstance(item, Tag):
            append(item.a1111)
        elif isinstance(item, ExtraNetwork):
            append(item.text)
        else:
            return _render_a1111_with_controls(items)
    last = len(items) - 1  # no AND here: only the prompt's last tag can be exposed
    while last >= 0 and isinstance(items[last], ExtraNetwork):
        last -= 1
    _guard(items, texts, last if last >= 0 else None)
    return _SEPARATOR.join(texts)


def _render_a1111_with_controls(items: list[PromptItem]) -> str:
    """The general case: schedules (which need ``|`` escaped) and keywords."""
    protect_pipes = any(isinstance(item, Schedule) for item in items)
    parts: list[tuple[str, bool]] = []
    for item in items:
        if isinstance(item, Tag):
            # "|" only ever appears in the text part of the fragment, never the weight.
            parts.append((_PIPE.sub(r"\\|", item.a1111) if protect_pipes else item.a1111, False))
        elif isinstance(item, Schedule):
            text = item.text
            if item.weight != 1.0:
                text = f"({text}:{format_weight(item.weight)})"
            parts.append((text, False))
        elif isinstance(item, ExtraNetwork):
            parts.append((item.text, False))
        else:
            parts.append((str(item), True))
    texts = [text for text, _ in parts]
    _guard_trailing_numbers(items, texts)
    return _join([(text, is_keyword) for text, (_, is_keyword) in zip(texts, parts, strict=True)])


def _guard_trailing_numbers(items: list[PromptItem], texts: list[str]) -> None:
    """Wrap a bare tag that would end a sub-prompt with ``:number`` as ``(text:1)``.

    Networks are cut out before A1111 looks at the end of each sub-prompt (the text
    before an ``AND``, and the whole prompt), so they do not protect it.
    """
    last_text: int | None = None
    for index, item in enumerate(items):
        if isinstance(item, And):
            _guard(items, texts, last_text)
            last_text = None
        elif not isinstance(item, ExtraNetwork):
            last_text = index
    _guard(items, texts, last_text)


def _guard(items: list[PromptItem], texts: list[str], index: int | None) -> None:
    if index is not None and isinstance(items[index], Tag):
        text = texts[index]
        if text[-1:] in _NUMBER_END and _TRAILING_NUMBER.search(text):
            texts[index] = f"({text}:1)"


def _render_comfyui(items: list[PromptItem]) -> str:
    parts: list[tuple[str, bool]] = []
    for item in items:
        if isinstance(item, Tag):
            text = escape(item.text, "comfyui")
            if item.weight != 1.0:
                text = f"({text}:{format_weight(item.weight)})"
            parts.append((text, False))
        elif isinstance(item, Schedule):
            raise RenderError(
                f"ComfyUI has no prompt editing: {item.text!r} would reach CLIP as plain "
                "text (use a conditioning-schedule node instead)"
            )
        elif isinstance(item, And):
            raise RenderError(_AND_MESSAGE.format(dialect="ComfyUI"))
    return _join(parts)


def _render_plain(items: list[PromptItem]) -> str:
    for item in items:
        if isinstance(item, Schedule):
            raise RenderError(
                f"a plain caption has no prompt editing: {item.text!r} (render for a1111)"
            )
        if isinstance(item, And):
            raise RenderError(_AND_MESSAGE.format(dialect="a plain caption"))
    return _SEPARATOR.join([item.text for item in items if isinstance(item, Tag)])


def _render_compel(items: list[PromptItem]) -> str:
    parts: list[tuple[str, bool]] = []
    for item in items:
        if isinstance(item, Tag):
            _check_compel_text(item)
            text = escape(item.text, "compel")
            if item.weight < 0:
                raise RenderError(
                    f"compel cannot weight {item.text!r} by {format_weight(item.weight)}: "
                    "it reads '(text)-1' as a 0.9 weight followed by the text '1'"
                )
            if item.weight != 1.0:
                text = f"({text}){format_weight(item.weight)}"
            parts.append((text, False))
        elif isinstance(item, ExtraNetwork):
            if item.network != "lora":
                raise RenderError(f"compel only loads LoRAs, not {item.text!r}")
            if not _COMPEL_LORA_NAME.fullmatch(item.name):
                raise RenderError(
                    f"compel reads withLora() only for names of letters, digits, '_' and "
                    f"'-': {item.name!r}"
                )
            weight = item.multiplier if item.multiplier is not None else 1.0
            parts.append((f"withLora({item.name}, {format_weight(weight)})", False))
        elif isinstance(item, Schedule):
            raise RenderError(
                f"compel has no A1111 prompt editing: {item.text!r} (use .swap() or .blend())"
            )
        elif isinstance(item, And):
            raise RenderError(_AND_MESSAGE.format(dialect="compel") + " (use .and())")
    return _join(parts)


def _check_compel_text(tag: Tag) -> None:
    """Refuse tag text that compel would read as syntax (checked against compel 2.5.1)."""
    text = tag.text
    problem = None
    if '"' in text or "\\" in text:
        problem = "compel drops quotes and backslashes from the text"
    elif _COMPEL_WEIGHT_SUFFIX.search(text):
        problem = "compel reads a '+' or '-' at the end of a word as a weight"
    elif tag.weight != 1.0 and "." in text:
        problem = "compel puts spaces around '.' inside weighted parentheses"
    if problem is not None:
        raise RenderError(f"cannot write {text!r} for compel: {problem}")
