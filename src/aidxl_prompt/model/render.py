"""Write prompts for A1111, ComfyUI, compel, or as plain captions.

Rendering is pure: it never re-sorts, de-duplicates or re-spells (a :class:`Prompt` is
put in order by its :class:`~aidxl_prompt.model.ordering.Ordering` first). Each dialect's
output is written so that its tool reads back exactly the items given, avoiding the
traps listed in ``dialects.md`` section 5. Units are joined with ``", "``; nothing is
ever added inside a :class:`~aidxl_prompt.model.items.Phrase`.

>>> from aidxl_prompt.model.items import Tag, Break, Phrase, Run
>>> items = [Tag("by yoneyama mai", 0.9), Tag("bishop (chess)"), Break(), Tag("smile", 1.1),
...          Phrase(parts=[Run("a "), Run("white", 1.2), Run(" dress")])]
>>> print(render_items(items, "a1111"))
(by yoneyama mai:0.9), bishop \\(chess\\) BREAK (smile:1.1), a (white:1.2) dress
>>> print(render_items(items, "comfyui"))
(by yoneyama mai:0.9), bishop \\(chess\\), (smile:1.1), a (white:1.2) dress
>>> print(render_items(items, "compel"))
(by yoneyama mai)0.9, bishop \\(chess\\), (smile)1.1, a (white)1.2 dress
>>> print(render_items(items, "plain"))
by yoneyama mai, bishop (chess), smile, a white dress
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import RenderError
from ..syntax._compel import compel_escape, compel_problem
from ..syntax.grammar import RULES, trailing_weight
from ..syntax.normalize import DIALECTS, Dialect, escape, format_weight, same_weight
from .items import And, Break, ExtraNetwork, Phrase, PromptItem, PromptWeight, Run, Schedule, Tag

__all__ = ["render_items"]

_SEPARATOR = ", "
_AND_MESSAGE = "{dialect} has no AND: joining the sub-prompts would change the prompt"
_ITEM_TYPES = (Tag, Phrase, Break, And, PromptWeight, ExtraNetwork, Schedule)


def render_items(items: Iterable[PromptItem], dialect: Dialect = "a1111") -> str:
    """Render items in the given order.

    What a dialect cannot express is handled the same way every time:

    * ``comfyui``: ``BREAK`` and extra networks have no meaning in ComfyUI's text
      encoder (LoRAs are loaded by nodes; pass ``Prompt.networks`` to them), so they
      are left out; a schedule, an ``AND`` or a sub-prompt weight raises
      :class:`~aidxl_prompt.errors.RenderError`.
    * ``compel``: LoRAs become ``withLora(name, weight)``; ``BREAK`` is left out;
      schedules, ``AND``, negative weights and text compel would misread raise
      ``RenderError``.
    * ``plain``: unit texts only, no weights, no escapes (training captions); ``BREAK``
      and networks are left out, a schedule or an ``AND`` raises ``RenderError``.
    """
    if isinstance(items, str):
        raise TypeError("render_items() takes a list of items, not a str")
    sequence = list(items)
    if dialect == "a1111":  # its common case checks each item's kind as it goes
        return _render_a1111(sequence)
    _check_items(sequence)
    if dialect == "comfyui":
        return _render_comfyui(sequence)
    if dialect == "compel":
        return _render_compel(sequence)
    if dialect == "plain":
        return _render_plain(sequence)
    raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")


def _check_items(items: Sequence[object]) -> None:
    """A TypeError naming the first item that is not a prompt item."""
    for index, item in enumerate(items):
        if not isinstance(item, _ITEM_TYPES):
            raise TypeError(
                f"item {index} is a {type(item).__name__} ({item!r}); expected a Tag, "
                "Phrase, Schedule, Break, And, PromptWeight or ExtraNetwork"
            )


def _join(parts: list[tuple[str, str]]) -> str:
    """Join rendered parts: units with ", ", keywords with spaces, a sub-prompt weight
    straight after what it follows. Each part is ``(text, kind)``."""
    out: list[str] = []
    previous = "keyword"
    for text, kind in parts:
        if out:
            if kind == "weight":
                pass
            elif kind == "keyword" or previous == "keyword":
                out.append(" ")
            else:
                out.append(_SEPARATOR)
        out.append(text)
        previous = "keyword" if kind == "weight" else kind
    return "".join(out)


# --- A1111 ------------------------------------------------------------------------------


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
            _check_items(items)
            return _render_a1111_general(items)
    last = len(items) - 1  # no AND here: only the prompt's last tag can be exposed
    while last >= 0 and isinstance(items[last], ExtraNetwork):
        last -= 1
    if last >= 0:
        texts[last] = _guard_trailing_number(texts[last])
    return _SEPARATOR.join(texts)


def _a1111_weighted(escaped: str, weight: float) -> str:
    text = format_weight(weight)
    return escaped if text == "1" else f"({escaped}:{text})"


def _a1111_run(run: Run, protect_pipes: bool, weight_text: str | None = None) -> str:
    weight = weight_text or format_weight(run.weight)
    escaped = escape(run.text, "a1111", weighted=weight != "1")
    if protect_pipes:
        escaped = _protect_pipes(escaped)
    return escaped if weight == "1" else f"({escaped}:{weight})"


def _a1111_unit(item: Tag | Phrase | Schedule, protect_pipes: bool) -> str:
    if isinstance(item, Tag):
        # "|" only ever appears in the text part of the fragment, never the weight.
        return _protect_pipes(item.a1111) if protect_pipes else item.a1111
    if isinstance(item, Schedule):
        return _a1111_weighted(item.text, item.weight)
    out: list[str] = []
    previous: float | None = None
    for part in item.parts:
        if isinstance(part, Schedule):
            out.append(_a1111_weighted(part.text, part.weight))
            previous = None
            continue
        weight = part.weight
        if previous is not None and previous != weight and same_weight(previous, weight):
            # A1111 joins neighbours of exactly equal weight: two runs whose weights
            # differ only past float32 (1.21 and 1.2100000000000002) stay apart only
            # if the text says so, so the second one's weight is written in full.
            exact = repr(weight)
            if "e" not in exact:
                out.append(_a1111_run(part, protect_pipes, exact))
                previous = weight
                continue
        out.append(_a1111_run(part, protect_pipes))
        previous = weight
    return "".join(out)


def _has_schedule(items: list[PromptItem]) -> bool:
    return any(
        isinstance(item, Schedule)
        or (isinstance(item, Phrase) and any(isinstance(p, Schedule) for p in item.parts))
        for item in items
    )


def _render_a1111_general(items: list[PromptItem]) -> str:
    """The general case: phrases, schedules (which need ``|`` escaped) and keywords."""
    protect_pipes = _has_schedule(items)
    parts: list[tuple[str, str]] = []
    last_unit: int | None = None  # the part that ends the current sub-prompt's text
    for item in items:
        if isinstance(item, (Tag, Phrase, Schedule)):
            last_unit = len(parts)
            parts.append((_a1111_unit(item, protect_pipes), "unit"))
        elif isinstance(item, ExtraNetwork):
            parts.append((item.text, "unit"))
        elif isinstance(item, PromptWeight):
            parts.append((f":{format_weight(item.weight)}", "weight"))
            last_unit = None  # the weight itself now ends the sub-prompt
        else:
            if isinstance(item, And):
                _guard_part(parts, last_unit)
            last_unit = None  # text before a keyword does not end the sub-prompt
            parts.append((str(item), "keyword"))
    _guard_part(parts, last_unit)
    return _join(parts)


def _guard_part(parts: list[tuple[str, str]], index: int | None) -> None:
    if index is not None:
        parts[index] = (_guard_trailing_number(parts[index][0]), parts[index][1])


def _guard_trailing_number(text: str) -> str:
    """Wrap a fragment that would end a sub-prompt with ``:number`` as ``(text:1)``:
    A1111 reads a (sub-)prompt's trailing ``:N`` as its weight (``aspect 16:9`` is
    ``aspect 16`` at weight 9), and ``(text:1)`` as the same text at weight 1.

    Networks are cut out before A1111 looks at the end of each sub-prompt (the text
    before an ``AND``, and the whole prompt), so they do not protect it.
    """
    return text if trailing_weight(text) is None else f"({text}:1)"


def _protect_pipes(escaped: str) -> str:
    """In A1111, one "|" outside square brackets makes the scheduling grammar fail and
    switches [a:b:n] off for the whole prompt; "\\|" is a plain escaped character there
    (and the attention reader drops the backslash), so prompts with schedules get it."""
    return escaped.replace("|", "\\|")


# --- ComfyUI ----------------------------------------------------------------------------


def _comfy_weighted(text: str, weight: float) -> str:
    if "\x00" in text and RULES["COMFYUI_PLACEHOLDER"].search(text):
        raise RenderError(
            f"cannot write {text!r} for ComfyUI: it holds ComfyUI's internal placeholder "
            "for an escaped parenthesis (\\x00\\x01 or \\x00\\x02), which it reads as a bracket"
        )
    escaped = escape(text, "comfyui") if "(" in text or ")" in text else text
    weight_text = format_weight(weight)
    return escaped if weight_text == "1" else f"({escaped}:{weight_text})"


def _comfy_phrase(phrase: Phrase) -> str:
    out: list[str] = []
    previous_plain = False
    for part in phrase.parts:
        if isinstance(part, Schedule):
            raise RenderError(
                f"ComfyUI has no prompt editing: {part.text!r} would reach CLIP as plain "
                "text (use a conditioning-schedule node instead)"
            )
        fragment = _comfy_weighted(part.text, part.weight)
        if out and format_weight(part.weight) == "1" and previous_plain:
            # ComfyUI keeps runs apart (each is tokenised alone) but would read two
            # plain runs as one: an empty group, which it drops, keeps them apart.
            out.append("()")
        previous_plain = format_weight(part.weight) == "1"
        if fragment.startswith("(") and out and out[-1].endswith("\\"):
            # A backslash right before a group would escape its '(' (ComfyUI reads "\\("
            # as an escape however many backslashes come before): the plain run before
            # it is written as a group of weight 1 instead, which ComfyUI reads alike.
            out[-1] = f"({out[-1]}:1)"
        out.append(fragment)
    return "".join(out)


def _render_comfyui(items: list[PromptItem]) -> str:
    texts: list[str] = []
    for item in items:
        if isinstance(item, Tag):
            texts.append(_comfy_weighted(item.text, item.weight))
        elif isinstance(item, Phrase):
            texts.append(_comfy_phrase(item))
        elif isinstance(item, Schedule):
            raise RenderError(
                f"ComfyUI has no prompt editing: {item.text!r} would reach CLIP as plain "
                "text (use a conditioning-schedule node instead)"
            )
        elif isinstance(item, (And, PromptWeight)):
            raise RenderError(_AND_MESSAGE.format(dialect="ComfyUI"))
    return _SEPARATOR.join(texts)


# --- plain captions ---------------------------------------------------------------------


def _render_plain(items: list[PromptItem]) -> str:
    texts: list[str] = []
    for item in items:
        if isinstance(item, Schedule) or (
            isinstance(item, Phrase) and any(isinstance(p, Schedule) for p in item.parts)
        ):
            text = item.text
            raise RenderError(f"a plain caption has no prompt editing: {text!r} (render for a1111)")
        if isinstance(item, (And, PromptWeight)):
            raise RenderError(_AND_MESSAGE.format(dialect="a plain caption"))
        if isinstance(item, (Tag, Phrase)):
            texts.append(item.text)
    return _SEPARATOR.join(texts)


# --- compel -----------------------------------------------------------------------------


def _compel_weighted(text: str, weight: float, whole: str) -> str:
    weight_text = format_weight(weight)
    weighted = weight_text != "1"
    problem = compel_problem(text, weighted=weighted)
    if problem is not None:
        raise RenderError(f"cannot write {whole!r} for compel: {problem}")
    if weight < 0:
        raise RenderError(
            f"compel cannot weight {whole!r} by {weight_text}: "
            "it reads '(text)-1' as a 0.9 weight followed by the text '1'"
        )
    escaped = compel_escape(text)
    return f"({escaped}){weight_text}" if weighted else escaped


def _compel_phrase(phrase: Phrase) -> str:
    out: list[str] = []
    parts = phrase.parts
    for index, part in enumerate(parts):
        if isinstance(part, Schedule):
            raise RenderError(
                f"compel has no A1111 prompt editing: {part.text!r} (use .swap() or .blend())"
            )
        if index and not (part.text[:1] == " " or parts[index - 1].text[-1:] == " "):
            raise RenderError(
                f"cannot write {phrase.text!r} for compel: it puts a space between runs "
                "of different weights, and these touch"
            )
        fragment = _compel_weighted(part.text.strip(), part.weight, phrase.text)
        out.append(fragment)
    return " ".join(fragment for fragment in out if fragment)


def _compel_lora(network: ExtraNetwork) -> str:
    """compel's ``withLora(name, weight)`` for a LoRA it can load."""
    if network.network != "lora":
        raise RenderError(f"compel only loads LoRAs, not {network.text!r}")
    if not RULES["COMPEL_LORA_NAME"].fullmatch(network.name):
        raise RenderError(
            f"compel reads withLora() only for names of letters, digits, '_' and "
            f"'-': {network.name!r}"
        )
    weight = network.multiplier if network.multiplier is not None else 1.0
    return f"withLora({network.name}, {format_weight(weight)})"


def _render_compel(items: list[PromptItem]) -> str:
    texts: list[str] = []
    for item in items:
        if isinstance(item, Tag):
            texts.append(_compel_weighted(item.text, item.weight, item.text))
        elif isinstance(item, Phrase):
            texts.append(_compel_phrase(item))
        elif isinstance(item, ExtraNetwork):
            texts.append(_compel_lora(item))
        elif isinstance(item, Schedule):
            raise RenderError(
                f"compel has no A1111 prompt editing: {item.text!r} (use .swap() or .blend())"
            )
        elif isinstance(item, (And, PromptWeight)):
            raise RenderError(_AND_MESSAGE.format(dialect="compel") + " (use .and())")
    return _SEPARATOR.join(texts)
