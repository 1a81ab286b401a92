"""Renderers for A1111, ComfyUI, compel and plain captions (dialects.md section 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aidxl_prompt.compose import parse
from aidxl_prompt.errors import RenderError
from aidxl_prompt.model.items import And, Break, ExtraNetwork, PromptItem, Schedule, Tag
from aidxl_prompt.model.parser import parse_items, parse_tags
from aidxl_prompt.model.prompt import Prompt, render
from aidxl_prompt.model.render import render_items
from aidxl_prompt.syntax.normalize import Dialect
from aidxl_prompt.vocab.vocabulary import load_vocabulary

T = Tag
BR = Break()
AND = And()


def N(text: str) -> ExtraNetwork:
    return ExtraNetwork(text=text)


def S(text: str, weight: float = 1.0) -> Schedule:
    return Schedule(text=text, weight=weight)


WEIGHTS = [T("a"), T("b", 1.1), T("c", 0.9), T("d", 1.2100000000000002), T("e", 1 / 1.1)]
MORE_WEIGHTS = [T("f", 0), T("g", -1), T("h", 1000), T("i", 1.5)]
ESCAPES = [T("bishop (chess)"), T("[oshi no ko]"), T("\\m/"), T("\\(^o^)/")]

# (items, rendered); A1111
A1111_CASES: list[tuple[list[PromptItem], str]] = [
    (
        WEIGHTS,
        "a, (b:1.1), (c:0.9), (d:1.21), (e:0.90909091)",
    ),  # format_weight: float32-exact, never noise
    (MORE_WEIGHTS, "(f:0), (g:-1), (h:1000), (i:1.5)"),  # zero, negative, large
    (ESCAPES, "bishop \\(chess\\), \\[oshi no ko\\], \\\\m/, \\\\\\(^o^\\)/"),  # escapes
    ([T("bishop (chess)", 1.2)], "(bishop \\(chess\\):1.2)"),  # escaped inside a group
    ([T("re:zero", 1.1)], "(re:zero:1.1)"),  # only the last colon is the weight
    ([T("re:zero"), T("x")], "re:zero, x"),  # a colon in plain text is harmless
    ([T("x"), T("aspect 16:9")], "x, (aspect 16:9:1)"),  # the trailing :number trap
    ([T("a:1")], "(a:1:1)"),  # likewise
    ([T("score: 9")], "(score: 9:1)"),  # with a space
    ([T("aspect 16:9"), T("x")], "aspect 16:9, x"),  # not last: left alone
    ([T("aspect 16:9", 1.2)], "(aspect 16:9:1.2)"),  # already weighted
    ([T("score:9"), AND, T("x")], "(score:9:1) AND x"),  # the end of a sub-prompt
    ([T("score:9"), N("<lora:x:1>")], "(score:9:1), <lora:x:1>"),  # networks are cut out
    ([T("score:9"), BR], "score:9 BREAK"),  # BREAK ends the text
    ([T("a|b")], "a|b"),  # a pipe without schedules is text
    ([T("a|b"), S("[c:d:5]")], "a\\|b, [c:d:5]"),  # with one, it would disable it
    ([S("[a:b:5]")], "[a:b:5]"),  # schedules verbatim
    ([S("[a:b:5]", 1.1)], "([a:b:5]:1.1)"),  # with their emphasis
    ([T("<lora:x:1>")], "<\\lora:x:1>"),  # tag text that looks like a network
    ([T("i <3", 1.2), T(">_<")], "(i <\\3:1.2), >_<"),  # the weight's colon after <3
    ([T("a"), N("<lora:Foo:0.8>"), N("<hypernet:h:1>")], "a, <lora:Foo:0.8>, <hypernet:h:1>"),
    ([T("a"), BR, T("b"), AND, T("c")], "a BREAK b AND c"),  # keywords take spaces
    ([BR, T("a")], "BREAK a"),  # a leading BREAK
    ([T("break", -1.1)], "(break:-1.1)"),  # the word, lower case, is a tag
    ([], ""),  # nothing
]

COMFYUI_CASES: list[tuple[list[PromptItem], str]] = [
    (WEIGHTS, "a, (b:1.1), (c:0.9), (d:1.21), (e:0.90909091)"),  # same weight syntax
    (MORE_WEIGHTS, "(f:0), (g:-1), (h:1000), (i:1.5)"),  # zero, negative, large
    (ESCAPES, "bishop \\(chess\\), [oshi no ko], \\m/, \\\\(^o^\\)/"),  # only parens escaped
    ([T("re:zero", 1.1)], "(re:zero:1.1)"),  # last colon
    ([T("a:1")], "a:1"),  # no trailing :number trap in ComfyUI
    ([T("x"), T("aspect 16:9")], "x, aspect 16:9"),  # likewise
    ([T("<lora:x:1>")], "<lora:x:1>"),  # literal there
    ([T("a|b"), T("x")], "a|b, x"),  # literal
    ([T("a"), BR, T("b")], "a, b"),  # BREAK means nothing there: left out
    ([T("a"), N("<lora:Foo:0.8>")], "a"),  # LoRAs are loaded by nodes: left out
    ([T("smile", 0.9)], "(smile:0.9)"),  # never [x] for de-emphasis
]

COMPEL_CASES: list[tuple[list[PromptItem], str]] = [
    (WEIGHTS, "a, (b)1.1, (c)0.9, (d)1.21, (e)0.90909091"),  # compel's (text)w
    ([T("f", 0), T("h", 1000)], "(f)0, (h)1000"),  # zero and large
    ([T("bishop (chess)"), T("[oshi no ko]")], "bishop \\(chess\\), [oshi no ko]"),  # escapes
    ([T("bishop (chess)", 1.2)], "(bishop \\(chess\\))1.2"),  # escaped and weighted
    ([T("a"), N("<lora:Foo:0.8>")], "a, withLora(Foo, 0.8)"),  # LoRAs
    ([N("<lora:Foo>")], "withLora(Foo, 1)"),  # no multiplier: 1
    ([T("a"), BR, T("b")], "a, b"),  # BREAK left out
    ([T("<lora:x:1>")], "<lora:x:1>"),  # literal
    ([T("st. louis")], "st. louis"),  # '.' is only spaced inside weighted parentheses
    ([T('say "hi"')], 'say \\"hi\\"'),  # an escaped quote reads back (compel 2.5.1)
    ([T("\\m/"), T("double \\m/", 1.2)], "\\m/, (double \\m/)1.2"),  # issue 8: no refusal
]

PLAIN_CASES: list[tuple[list[PromptItem], str]] = [
    (WEIGHTS, "a, b, c, d, e"),  # no weights
    (ESCAPES, "bishop (chess), [oshi no ko], \\m/, \\(^o^)/"),  # no escapes
    ([T("a", -1), BR, N("<lora:x:1>"), T("b")], "a, b"),  # tags only
]


@pytest.mark.parametrize(
    ("dialect", "items", "text"),
    [
        *(("a1111", items, text) for items, text in A1111_CASES),
        *(("comfyui", items, text) for items, text in COMFYUI_CASES),
        *(("compel", items, text) for items, text in COMPEL_CASES),
        *(("plain", items, text) for items, text in PLAIN_CASES),
    ],
)
def test_render_items(dialect: Dialect, items: list[PromptItem], text: str) -> None:
    assert render_items(items, dialect) == text
    assert render(items, dialect) == text


def _same(read: list[PromptItem], items: list[PromptItem]) -> bool:
    """Equal items, with tag weights compared within format_weight's 5e-5."""
    return len(read) == len(items) and all(
        a.text == b.text and abs(a.weight - b.weight) <= 5e-5
        if isinstance(a, Tag) and isinstance(b, Tag)
        else a == b
        for a, b in zip(read, items, strict=True)
    )


@pytest.mark.parametrize(("items", "text"), A1111_CASES)
def test_a1111_output_reads_back(items: list[PromptItem], text: str) -> None:
    assert _same(parse_tags(text), items)


@pytest.mark.parametrize(("items", "text"), COMFYUI_CASES)
def test_comfyui_output_reads_back(items: list[PromptItem], text: str) -> None:
    expected = [item for item in items if isinstance(item, Tag)]
    assert _same(parse_tags(text, "comfyui"), expected)


@pytest.mark.parametrize(
    "items",
    [
        [T("i <3", 1.2), T(">_<")],  # a heart, then a kaomoji
        [T("<0", 0.9), T(">", 0.9)],  # what '[<0,>' parses to
    ],
)
def test_a1111_weight_colon_never_makes_a_network(items: list[PromptItem]) -> None:
    assert parse_tags(render_items(items)) == items


# (dialect, items, whole RenderError message)
RENDER_ERRORS: list[tuple[Dialect, list[PromptItem], str]] = [
    (
        "comfyui",
        [S("[a:b:5]")],
        "ComfyUI has no prompt editing: '[a:b:5]' would reach CLIP as plain text "
        "(use a conditioning-schedule node instead)",
    ),  # no schedules in ComfyUI
    (
        "compel",
        [S("[a|b]")],
        "compel has no A1111 prompt editing: '[a|b]' (use .swap() or .blend())",
    ),  # nor in compel
    (
        "compel",
        [T("a", -1)],
        "compel cannot weight 'a' by -1: it reads '(text)-1' as a 0.9 weight followed "
        "by the text '1'",
    ),  # negative weights
    (
        "compel",
        [T("break", -1.1)],
        "compel cannot weight 'break' by -1.1: it reads '(text)-1' as a 0.9 weight followed "
        "by the text '1'",
    ),  # the bracketed-BREAK word
    (
        "compel",
        [N("<hypernet:h:1>")],
        "compel only loads LoRAs, not '<hypernet:h:1>'",
    ),  # other networks
    # Regression (review): these were written out and compel read them differently.
    (
        "compel",
        [N("<lora:aidxl_v1.5:0.6>")],
        "compel reads withLora() only for names of letters, digits, '_' and '-': 'aidxl_v1.5'",
    ),  # a dotted LoRA name is plain text to compel
    (
        "compel",
        [T("c++")],
        "cannot write 'c++' for compel: compel reads '++' after a word as a weight",
    ),  # 'c++' is 'c' at 1.21 (checked against compel 2.5.1's parser)
    (
        "compel",
        [T("86 -eightysix-")],
        "cannot write '86 -eightysix-' for compel: compel reads '-' after a word as a weight",
    ),
    (
        "compel",
        [T("\\(^o^)/")],
        "cannot write '\\\\(^o^)/' for compel: compel deletes the backslash of '\\(', '\\)' "
        "and '\\\"' each time it rebuilds the text",
    ),
    (
        "compel",
        [T("st. louis (azur lane)", 1.2)],
        "cannot write 'st. louis (azur lane)' for compel: compel puts spaces around '.' "
        "inside weighted parentheses",
    ),
    (
        "compel",
        [T("a"), AND, T("b")],
        "compel has no AND: joining the sub-prompts would change the prompt (use .and())",
    ),
    (
        "comfyui",
        [T("a"), AND, T("b")],
        "ComfyUI has no AND: joining the sub-prompts would change the prompt",
    ),
    (
        "plain",
        [S("[a:b:5]")],
        "a plain caption has no prompt editing: '[a:b:5]' (render for a1111)",
    ),
    (
        "plain",
        [T("a"), AND, T("b")],
        "a plain caption has no AND: joining the sub-prompts would change the prompt",
    ),
    (
        "comfyui",
        [T("a\x00\x02b", 1.2)],
        "cannot write 'a\\x00\\x02b' for ComfyUI: it holds ComfyUI's internal placeholder "
        "for an escaped parenthesis (\\x00\\x01 or \\x00\\x02), which it reads as a bracket",
    ),  # it would read '(' there
]


@pytest.mark.parametrize(("dialect", "items", "message"), RENDER_ERRORS)
def test_render_errors(dialect: Dialect, items: list[PromptItem], message: str) -> None:
    with pytest.raises(RenderError, match=f"^{re.escape(message)}$"):
        render_items(items, dialect)


def test_unknown_dialect() -> None:
    message = "unknown dialect 'sdnext'; expected one of a1111, comfyui, compel, plain"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        render_items([T("a")], "sdnext")  # type: ignore[arg-type]


# --- rendering a Prompt ----------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_render_prompt_orders_and_puts_networks_last() -> None:
    p = Prompt(
        quality=[("amazing quality", 1.5)],
        art_style=[("by ask", 0.9)],
        networks=[N("<lora:x:0.5>")],
    )
    assert render(p) == "(by ask:0.9), (amazing quality:1.5), <lora:x:0.5>"
    assert render(p, order="style_last") == "(amazing quality:1.5), (by ask:0.9), <lora:x:0.5>"
    assert render(p, "comfyui") == "(by ask:0.9), (amazing quality:1.5)"
    assert render(p, "compel") == "(by ask)0.9, (amazing quality)1.5, withLora(x, 0.5)"


def test_render_ignores_order_for_item_lists() -> None:
    items: list[PromptItem] = [T("best quality"), T("by ask")]
    assert render(items, order="style_last") == "best quality, by ask"


CARD_LINE = (
    "chun-li, amazing quality, (by yoneyama mai:0.9), (by chi4:0.8), by ask, by modare, "
    "(by ikky:0.9)"
)


def test_card_style_merging_line_with_the_embedded_vocabulary() -> None:
    # The embedded Danbooru table knows chun-li is a character (no --tags needed).
    p = parse(CARD_LINE)
    assert p.character == [T("chun-li")]
    assert p.quality == [T("amazing quality")]
    assert render(p, order="style_last") == (
        "chun-li, amazing quality, (by yoneyama mai:0.9), (by chi4:0.8), by ask, by modare, "
        "(by ikky:0.9)"
    )


def test_card_style_merging_line_with_the_danbooru_vocabulary(danbooru_tags_csv: Path) -> None:
    p = parse(CARD_LINE, vocabulary=load_vocabulary(danbooru_tags_csv))
    assert p.character == [T("chun-li")]
    assert render(p, order="style_last") == CARD_LINE
    assert render(p) == (
        "(by yoneyama mai:0.9), (by chi4:0.8), by ask, by modare, (by ikky:0.9), chun-li, "
        "amazing quality"
    )


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("(\\:1)(1)", "(\\:1)(1:1.1)"),  # a plain run ending in '\' before a group
        ("(x\\\\:1)(y:1.3)", "(x\\\\:1)(y:1.3)"),  # however many backslashes
        ("b(c:1.3)", "b(c:1.3)"),  # no backslash: the plain run stays plain
    ],
)
def test_comfyui_phrase_with_a_backslash_before_a_group(source: str, written: str) -> None:
    # ComfyUI reads "\(" as an escaped parenthesis however many backslashes precede it,
    # so a plain run ending in a backslash is written as a group of weight 1.
    read = parse_items(source, "comfyui")
    assert not read.repairs
    assert render_items(list(read.items), "comfyui") == written
    assert parse_items(written, "comfyui").items == read.items


# A value that is not a prompt item is named with its index, in every dialect, whether it
# comes first or after tags the A1111 renderer has already written.
NOT_ITEMS: list[tuple[list[object], str]] = [
    (["smile"], "item 0 is a str ('smile')"),
    ([T("a"), ExtraNetwork(text="<lora:x:1>"), 5], "item 2 is a int (5)"),
    ([T("a"), Break(), None], "item 2 is a NoneType (None)"),
]


@pytest.mark.parametrize("dialect", ["a1111", "comfyui", "compel", "plain"])
@pytest.mark.parametrize(("items", "message"), NOT_ITEMS)
def test_render_items_names_what_is_not_an_item(
    dialect: Dialect, items: list[object], message: str
) -> None:
    expected = f"{re.escape(message)}; expected a Tag, Phrase, Schedule, Break"
    with pytest.raises(TypeError, match=f"^{expected}"):
        render_items(items, dialect)  # type: ignore[arg-type]
