"""The A1111 and ComfyUI readers, row by row from dialects.md sections 2 and 3."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aidxl_prompt.errors import PromptSyntaxError
from aidxl_prompt.model.items import (
    And,
    Break,
    ExtraNetwork,
    Phrase,
    PromptItem,
    PromptWeight,
    Run,
    Schedule,
    Tag,
)
from aidxl_prompt.model.parser import parse_items, parse_tags
from aidxl_prompt.syntax import grammar
from aidxl_prompt.syntax.a1111 import schedule_choices
from aidxl_prompt.syntax.grammar import RULES, trailing_weight
from aidxl_prompt.syntax.normalize import Dialect, normalize_tag, unescape

BR = Break()
AND = And()


def T(text: str, weight: float = 1.0) -> Tag:
    return Tag(text, weight)


def N(text: str) -> ExtraNetwork:
    return ExtraNetwork(text=text)


def S(text: str, weight: float = 1.0) -> Schedule:
    return Schedule(text=text, weight=weight)


def TR(text: str, weight: float = 1.0) -> Tag:
    """A tag as a tool read it: backslashes kept."""
    return Tag.from_reading(text, weight)


def PW(weight: float) -> PromptWeight:
    return PromptWeight(weight=weight)


def KEEP(text: str, weight: float = 1.0) -> Run:
    """Run text kept verbatim by the parser (a keyword glued to a schedule)."""
    return Run.model_construct(text=text, weight=weight)


def P(*parts: str | tuple[str, float] | Run | Schedule) -> Phrase:
    """A phrase from its parts: "text" (weight 1), ("text", weight), a Run or a Schedule."""
    return Phrase(parts=list(parts))


# --- A1111 (dialects.md section 2) -----------------------------------------------------

# (prompt, items); weights are the exact Python floats A1111 computes
A1111_CASES: list[tuple[str, list[PromptItem]]] = [
    # 2.1 emphasis
    ("(a)", [T("a", 1.1)]),  # round brackets x1.1
    ("[a]", [T("a", 0.9090909090909091)]),  # square brackets /1.1
    ("((a))", [T("a", 1.2100000000000002)]),  # nesting multiplies, float noise and all
    ("[[a]]", [T("a", 0.8264462809917354)]),  # likewise down
    ("[(a)]", [T("a", 1.0)]),  # exactly 1
    ("( a : 1.2 )", [T("a", 1.2)]),  # spaces on both sides of the weight
    ("(a:1.2 )", [T("a", 1.2)]),  # a space before the ")"
    ("(a: 1.2)", [T("a", 1.2)]),  # a space after the ":"
    ("(a:+1.2)", [T("a", 1.2)]),  # a plus sign
    ("(a:.5)", [T("a", 0.5)]),  # no leading digit
    ("(a:5.)", [T("a", 5.0)]),  # no trailing digit
    ("(a:00.50)", [T("a", 0.5)]),  # leading zeros
    ("((a:1.2))", [T("a", 1.32)]),  # an explicit weight multiplies with the outer group
    ("[(a:1.2)]", [T("a", 1.0909090909090908)]),  # also inside square brackets
    ("((a:1.5):0.5)", [T("a", 0.75)]),  # two explicit weights multiply
    ("(a:abc)", [T("a:abc", 1.1)]),  # not a number: x1.1 and the colon is text
    ("(a:1e3)", [T("a:1e3", 1.1)]),  # exponents are not A1111 weights
    ("(a:inf)", [T("a:inf", 1.1)]),  # nor inf
    ("(a:1_0)", [T("a:1 0", 1.1)]),  # nor underscores (then normalised to a space)
    ("(a:1,2)", [T("a:1", 1.1), T("2", 1.1)]),  # the comma splits the tag inside the group
    ("(a:0)", [T("a", 0.0)]),  # zero is accepted
    ("(a:-1)", [T("a", -1.0)]),  # so are negative weights
    ("(a:-0)", [T("a", 0.0)]),  # and -0 (a zero weight either way)
    ("(a:1000000)", [T("a", 1000.0)]),  # past the documented range: clamped, with a repair
    ("(a:b:1.2)", [T("a:b", 1.2)]),  # only the last :number counts
    ("(re:zero:1.2)", [T("re:zero", 1.2)]),  # a tag with a colon, weighted
    ("(16:9)", [T("16", 9.0)]),  # the aspect-ratio trap
    ("(a:1.2 b)", [T("a:1.2 b", 1.1)]),  # a colon elsewhere is text
    # 2.2 unbalanced brackets and empty groups
    ("(a", [T("a", 1.1)]),  # an unclosed ( applies to the end
    ("((a)", [T("a", 1.2100000000000002)]),  # one closed, one not
    ("[a", [T("a", 0.9090909090909091)]),  # an unclosed [
    ("a) (b:1.2) (c)", [P("a) ", ("b", 1.2), " ", ("c", 1.1))]),  # a stray ) is text; rest works
    ("a], [b]", [T("a]"), T("b", 0.9090909090909091)]),  # a stray ] likewise
    ("()", []),  # nothing is emitted
    ("(:1.2)", []),  # nor here
    # 2.3 escapes
    ("\\(", [T("(")]),  # an escaped bracket
    ("bishop \\(chess\\)", [T("bishop (chess)")]),  # the card's example
    ("\\[a\\]", [T("[a]")]),  # escaped square brackets
    ("a\\b", [T("ab")]),  # any other backslash is deleted
    ("a\\:b", [T("a:b")]),  # including before a colon
    ("\\", []),  # a lone backslash is nothing
    ("\\\\m/", [T("\\m/")]),  # an escaped backslash: the devil-horns tag
    ("\\\\(a\\\\)", [P("\\", ("a\\", 1.1))]),  # \\ then a live ( (one unit)
    ("a\\\\\\(b", [TR("a\\(b")]),  # an escaped backslash, then an escaped (
    ("\\\\)", [TR("\\)")]),  # an escaped backslash, then a stray )
    ("^_^\\\\", [TR("^ ^\\")]),  # the backslash A1111 reads is kept
    # 2.4 merging
    ("(a)(b)", [T("ab", 1.1)]),  # equal weights join
    ("(a:1.2)(b:1.2)", [T("ab", 1.2)]),  # explicit equal weights join
    ("(a:1.21)((b))", [P(("a", 1.21), ("b", 1.2100000000000002))]),  # not exactly equal
    ("a (b) c", [P("a ", ("b", 1.1), " c")]),  # one comma unit, three runs: one phrase
    ("a (white:1.2) dress, 1girl", [P("a ", ("white", 1.2), " dress"), T("1girl")]),  # issue 8
    # 2.5 BREAK
    ("a BREAK b", [T("a"), BR, T("b")]),  # a separator item
    ("a, BREAK, b", [T("a"), BR, T("b")]),  # with commas around it
    ("break", [T("break")]),  # case-sensitive
    ("aBREAK", [T("abreak")]),  # a whole word only
    ("BREAK a", [BR, T("a")]),  # leading
    ("a BREAK", [T("a"), BR]),  # trailing
    ("(a BREAK b)", [P(("a", 1.1), ("break", -1.1), ("b", 1.1))]),  # bracketed: a word
    # 2.6 AND and a trailing :number
    ("a AND b", [T("a"), AND, T("b")]),  # composable diffusion
    ("(a AND b)", [T("a", 1.1), AND, T("b)")]),  # AND splits even inside brackets
    ("a AND", [T("a"), AND]),  # an empty sub-prompt
    ("a:1.5 AND b:0.5", [T("a"), PW(1.5), AND, T("b"), PW(0.5)]),  # sub-prompt weights
    ("aspect 16:9", [T("aspect 16:9")]),  # text kept as written (and a repair recorded)
    ("aspect 16:9,", [T("aspect 16:9")]),  # a comma after it stops the trap
    ("1girl, score:9 ", [T("1girl"), T("score:9")]),  # also with a trailing space
    ("a\\:9", [T("a:9")]),  # a backslash does not protect it
    # 2.7 prompt editing, kept verbatim
    ("[a:b:10]", [S("[a:b:10]")]),  # a to b at step 10
    ("[a:5]", [S("[a:5]")]),  # added after step 5
    ("[a::5]", [S("[a::5]")]),  # removed after step 5
    ("[a|b|c]", [S("[a|b|c]")]),  # alternation
    ("[a|]", [S("[a|]")]),  # alternation with nothing
    ("[a:b:0.5]", [S("[a:b:0.5]")]),  # a fraction of the steps
    ("[a:b:-3]", [S("[a:b:-3]")]),  # negative step
    ("[a:b: 5 ]", [S("[a:b: 5 ]")]),  # whitespace around N
    ("[a:1.2]", [S("[a:1.2]")]),  # [x:w] is editing, not a weight
    ("[[a:b:5]]", [S("[a:b:5]", 0.9090909090909091)]),  # emphasis around a schedule
    ("[Foo:Bar:5], x", [S("[Foo:Bar:5]"), T("x")]),  # case kept
    ("[a\\:b:c:5]", [S("[a\\:b:c:5]")]),  # an escaped colon inside a schedule
    ("(a:[b:c:5])", [P(("a:", 1.1), S("[b:c:5]", 1.1))]),  # a schedule inside a group
    ("a|b [c:d:5]", [P("a|b ", ("c:d:5", 0.9090909090909091))]),  # a stray | disables it
    ("[red:blue:0.5] hair", [P(S("[red:blue:0.5]"), " hair")]),  # one unit (issue 8)
    ("[red|blue] hair", [P(S("[red|blue]"), " hair")]),  # alternation inside a unit
    ("[a|b][c|d]", [P(S("[a|b]"), S("[c|d]"))]),  # alternates the words ac / bd
    ("[a:][b:3]", [P(("a:", 0.9090909090909091), S("[b:3]"))]),  # leftovers: still a schedule
    ("[x|[a|b]", [P(("x|", 0.9090909090909091), ("a|b", 0.8264462809917354))]),  # grammar fails
    ("x] [c:d:5]", [P("x] ", S("[c:d:5]"))]),  # a stray ] does not switch it off
    ("(a:[b:c:5]", [P(("a:", 1.1), S("[b:c:5]", 1.1))]),  # nor an unclosed (
    ("[a:b:c:5] [x:y:3]", [P(("a:b:c:5", 0.9090909090909091), " ", S("[x:y:3]"))]),  # one bad
    ("[a:5]BREAK", [P(S("[a:5]"), KEEP("BREAK"))]),  # glued: kept verbatim (a repair)
    ("[a:b:c:5]", [T("a:b:c:5", 0.9090909090909091)]),  # so does a third colon
    # 2.8 other syntax is plain text
    ("embedding:x", [T("embedding:x")]),  # textual inversion names
    ("{a|b}", [T("{a|b}")]),  # dynamic-prompt braces
    ('"quoted"', [T('"quoted"')]),  # quotes
    ("word++", [T("word++")]),  # compel operators
    # commas and whitespace
    ("a, b,, c", [T("a"), T("b"), T("c")]),  # empty tags vanish
    ("", []),  # empty prompt
    ("  ,  ", []),  # blank prompt
    ("long_hair, Blue Eyes", [T("long hair"), T("blue eyes")]),  # normalised
    ("a\uff0cb", [T("a"), T("b")]),  # a full-width comma separates too
]


@pytest.mark.parametrize(("prompt", "items"), A1111_CASES)
def test_a1111(prompt: str, items: list[PromptItem]) -> None:
    read = parse_tags(prompt)
    assert read == items
    assert [type(item) for item in read] == [type(item) for item in items]


# Extra networks: cut out first, anywhere, verbatim (dialects.md 1.1)
NETWORK_CASES: list[tuple[str, list[PromptItem]]] = [
    ("<lora:AIDXL_Style:0.8>", [N("<lora:AIDXL_Style:0.8>")]),  # case and underscores kept
    ("1girl, <lora:x:0.8>", [T("1girl"), N("<lora:x:0.8>")]),  # its own item
    ("x <lora:Foo_Bar:0.8> y", [T("x y"), N("<lora:Foo_Bar:0.8>")]),  # text around joins up
    ("(x <lora:Foo:0.8>, y)", [T("x", 1.1), N("<lora:Foo:0.8>"), T("y", 1.1)]),  # in brackets
    ("(<lora:a:1>:1.2), b", [N("<lora:a:1>"), T("b")]),  # a weighted group of only a network
    ("[<lora:a:1>|b]", [S("[|b]"), N("<lora:a:1>")]),  # cut before scheduling, as A1111 does
    ("x <hypernet:h:1>", [T("x"), N("<hypernet:h:1>")]),  # any <word:...>
    ("<lyco:My Net:1:2>", [N("<lyco:My Net:1:2>")]),  # spaces and extra args
    ("a <3", [T("a <3")]),  # not a network
]


@pytest.mark.parametrize(("prompt", "items"), NETWORK_CASES)
def test_a1111_extra_networks(prompt: str, items: list[PromptItem]) -> None:
    assert parse_tags(prompt) == items


# --- ComfyUI (dialects.md section 3) ---------------------------------------------------

COMFYUI_CASES: list[tuple[str, list[PromptItem]]] = [
    ("(a)", [T("a", 1.1)]),  # x1.1
    ("((a))", [T("a", 1.2100000000000002)]),  # nesting multiplies
    ("(a:1.2)", [T("a", 1.2)]),  # explicit weight
    ("((a:1.2))", [T("a", 1.2)]),  # an explicit weight REPLACES (A1111: 1.32)
    ("((a:1.2) b)", [P(("a", 1.2), (" b", 1.1))]),  # the sibling keeps the outer weight
    ("((a:1.5):0.5)", [T("a", 1.5)]),  # the inner weight wins (A1111: 0.75)
    ("[(a:1.2)]", [P("[", ("a", 1.2), "]")]),  # square brackets are text
    ("[a]", [T("[a]")]),  # plain text
    ("{a}", [T("{a}")]),  # plain text
    ("(a:1e3)", [T("a", 1000.0)]),  # float() accepts exponents
    ("(a:1_0)", [T("a", 10.0)]),  # and underscores
    ("(a: 1.2)", [T("a", 1.2)]),  # and spaces
    ("(a:inf)", [T("a:inf", 1.1)]),  # inf is not a finite weight: emphasis (a repair)
    ("(a:nan)", [T("a:nan", 1.1)]),  # nor is nan
    ("(a:abc)", [T("a:abc", 1.1)]),  # float() fails: x1.1, text kept
    ("(a:1.2.3)", [T("a:1.2.3", 1.1)]),  # no crash in ComfyUI
    ("(:1.2)", [T(":1.2", 1.1)]),  # a colon at index 0 is ignored (A1111: nothing)
    ("(a", [T("(a")]),  # an unclosed ( is text (A1111: a at 1.1)
    ("((a)", [T("(a", 1.1)]),  # ComfyUI reads the tail as a group
    ("a) (b:1.2) (c)", [T("a) (b:1.2) (c)")]),  # a stray ) turns the rest into text
    ("()", []),  # nothing
    ("\\(a\\)", [T("(a)")]),  # its only escapes
    ("\\[a\\]", [TR("\\[a\\]")]),  # ComfyUI keeps these backslashes: they reach CLIP
    ("a\\:b", [T("a\\:b")]),  # ComfyUI keeps other backslashes
    ("a\\\\b", [TR("a\\\\b")]),  # both backslashes reach CLIP
    ("\\(a) (b:1.2)", [T("(a) (b:1.2)")]),  # a one-sided escape unbalances the rest
    ("a\\\\(b:1.2)", [TR("a\\(b:1.2)")]),  # \\( is \ then an escaped (: all text
    ("(a:" + " " * 70 + "1.2)", [T("a", 1.2)]),  # float() reads a weight of any length
    ("a(", [P("a", "(")]),  # an unclosed ( tail: text, in the same unit
    ("a\x00\x02b\x00\x01", [T("a(b)")]),  # ComfyUI's own placeholders read as brackets
    ("bishop \\(chess\\), (smile:1.1)", [T("bishop (chess)"), T("smile", 1.1)]),  # the card
    ("<lora:x:0.8>", [T("<lora:x:0.8>")]),  # not a network in ComfyUI
    ("a BREAK b", [T("a break b")]),  # not a keyword
    ("a AND b", [T("a and b")]),  # not a keyword
    ("[a:b:10], [a|b]", [T("[a:b:10]"), T("[a|b]")]),  # no prompt editing
    ("aspect 16:9", [T("aspect 16:9")]),  # no trailing-weight trap
    ("a, b,, c", [T("a"), T("b"), T("c")]),  # commas separate tags
]


@pytest.mark.parametrize(("prompt", "items"), COMFYUI_CASES)
def test_comfyui(prompt: str, items: list[PromptItem]) -> None:
    assert parse_tags(prompt, "comfyui") == items


def test_comfyui_does_not_merge_runs() -> None:
    # dialects.md 3: '(a)(b)' is two runs, each its own chunking unit.
    assert parse_tags("(a)(b)", "comfyui") == [P(("a", 1.1), ("b", 1.1))]
    assert parse_tags("(a)(b)") == [T("ab", 1.1)]  # A1111 joins them


# Regression: a look-behind on BREAK once refused a BREAK right after another one.
def test_a1111_break_twice() -> None:
    assert parse_tags("a BREAK BREAK b") == [T("a"), BR, BR, T("b")]  # dialects.md 2.5, 8


# Plain: no syntax at all (a raw Danbooru tag list)
PLAIN_CASES: list[tuple[str, list[PromptItem]]] = [
    ("bishop_(chess), (smile:1.2)", [T("bishop (chess)"), T("(smile:1.2)")]),  # brackets kept
    ("a BREAK b, <lora:x:1>", [T("a break b"), T("<lora:x:1>")]),  # no keywords
]


@pytest.mark.parametrize(("prompt", "items"), PLAIN_CASES)
def test_plain(prompt: str, items: list[PromptItem]) -> None:
    assert parse_tags(prompt, "plain") == items


# --- repairs ---------------------------------------------------------------------------

# (prompt, dialect, [(code, span)])
REPAIR_CASES: list[tuple[str, Dialect, list[tuple[str, tuple[int, int]]]]] = [
    ("1girl, (smile", "a1111", [("unclosed-bracket", (7, 8))]),  # the unclosed (
    ("[a", "a1111", [("unclosed-bracket", (0, 1))]),  # an unclosed [
    ("a) b", "a1111", [("stray-bracket", (1, 2))]),  # the stray )
    ("a] b", "a1111", [("stray-bracket", (1, 2))]),  # the stray ]
    ("a))) b", "a1111", [("stray-bracket", (1, 4))]),  # adjacent strays are one repair
    ("(a:1.2.3)", "a1111", [("invalid-weight", (2, 9))]),  # A1111 crashes on this weight
    ("(a:.)", "a1111", [("invalid-weight", (2, 5))]),  # and this
    ("(a:1..2)", "a1111", [("invalid-weight", (2, 8))]),  # and this
    ("(a BREAK b)", "a1111", [("bracketed-break", (2, 9))]),  # a word, not a break
    ("a|b [c:d:5]", "a1111", [("scheduling-disabled", (1, 2))]),  # the | switches it off
    ("[x|[a|b]", "a1111", [("scheduling-disabled", (0, 1)), ("unclosed-bracket", (0, 1))]),
    ("[a:5]:", "a1111", [("ambiguous-schedule", (0, 6))]),  # lark may read it either way
    ("[a:5]]", "a1111", [("ambiguous-schedule", (0, 6)), ("stray-bracket", (5, 6))]),
    ("[a:5]BREAK", "a1111", [("glued-keyword", (5, 10))]),  # a break only at some steps
    ("aspect 16:9", "a1111", [("trailing-weight", (9, 11))]),  # the :9 at the end
    ("1girl, score:9 ", "a1111", [("trailing-weight", (12, 15))]),  # with the space
    ("a AND b:2", "a1111", []),  # with AND, a sub-prompt's weight: syntax at work
    ("(a:99999)", "a1111", [("weight-out-of-range", (0, 9))]),  # clamped to 1000
    ("(a:1.21)((b))", "a1111", []),  # one phrase of two runs
    ("(a:[b:c:5])", "a1111", []),  # a phrase holding a schedule
    ("(a:1.2), b, [c], <lora:x:1>", "a1111", []),  # a clean prompt
    ("[a:b:5], x", "a1111", []),  # schedules alone are fine
    ("(a", "comfyui", [("unclosed-bracket", (0, 1))]),  # read as text
    ("a)", "comfyui", [("stray-bracket", (1, 2))]),  # the rest is text
    ("(a:inf)", "comfyui", [("invalid-weight", (2, 6))]),  # a weight we cannot hold
    ("(a:1.2), b", "comfyui", []),  # clean
]


@pytest.mark.parametrize(("prompt", "dialect", "repairs"), REPAIR_CASES)
def test_repairs(prompt: str, dialect: Dialect, repairs: list[tuple[str, tuple[int, int]]]) -> None:
    result = parse_items(prompt, dialect)
    assert [(r.code, r.span) for r in result.repairs] == repairs


def test_repair_messages() -> None:
    result = parse_items("(a:1.2.3) b) (c")
    assert [(r.code, r.message) for r in result.repairs] == [
        (
            "invalid-weight",
            "'1.2.3' is not a number (A1111 stops with an error here); "
            "the group is read as plain emphasis",
        ),
        ("stray-bracket", "')' closes nothing; A1111 reads it as plain text"),
        ("unclosed-bracket", "unclosed '('; A1111 applies it up to the end of the prompt"),
    ]


def test_weight_overflow_is_repaired() -> None:
    big = "1" + "0" * 200  # 1e200, written the way A1111's weight regex accepts
    result = parse_items(f"((a:{big}):{big})")
    assert result.items == (T("a"),)
    assert [(r.code, r.message, r.span) for r in result.repairs] == [
        ("weight-overflow", "the weight of 'a' is not a finite number; 1 is used", (0, 409))
    ]


def test_weight_overflow_of_one_weight() -> None:
    # (Once a bug: the fast path built a Tag with an infinite weight.)
    # float("9" * 400) is inf; a Tag can only hold finite weights.
    result = parse_items("(a:" + "9" * 400 + ")")
    assert result.items == (T("a"),)
    assert [r.code for r in result.repairs] == ["weight-overflow"]


def test_weight_overflow_of_deep_nesting() -> None:
    depth = 8000  # 1.1 ** 8000 overflows a float
    result = parse_items("(" * depth + "a" + ")" * depth)
    assert result.items == (T("a"),)
    assert [r.code for r in result.repairs] == ["weight-overflow"]


def test_deep_nesting_below_overflow_is_close_to_a1111() -> None:
    depth = 50  # past the exact fold depth: a product of logarithms (within 1000)
    (tag,) = parse_tags("(" * depth + "a" + ")" * depth)
    assert isinstance(tag, Tag)
    assert tag.weight == pytest.approx(1.1**depth, rel=1e-12)


# --- strict mode -----------------------------------------------------------------------

# (prompt, dialect, whole str() of the error)
STRICT_CASES: list[tuple[str, Dialect, str]] = [
    (
        "1girl, (smile",
        "a1111",
        "unclosed '('; A1111 applies it up to the end of the prompt at column 8\n"
        "  1girl, (smile\n"
        "         ^",
    ),
    (
        "a) b",
        "a1111",
        "')' closes nothing; A1111 reads it as plain text at column 2\n  a) b\n   ^",
    ),
    (
        "(a:1.2.3)",
        "a1111",
        "'1.2.3' is not a number (A1111 stops with an error here); the group is read as "
        "plain emphasis at column 3\n  (a:1.2.3)\n    ~~~~~~^",
    ),
    (
        "(a BREAK b)",
        "a1111",
        "BREAK inside brackets is not a chunk break in A1111; it is encoded as the word "
        "'BREAK' with a negative weight at column 3\n  (a BREAK b)\n    ~~~~~~^",
    ),
    (
        "a|b [c:d:5]",
        "a1111",
        "a '|' outside square brackets makes A1111 switch prompt editing off for the whole "
        "prompt; its [a:b:n] and [a|b] are read as plain emphasised text at column 2\n"
        "  a|b [c:d:5]\n   ^",
    ),
    (
        "aspect 16:9",
        "a1111",
        "A1111 reads the trailing ':9' as the weight of the whole prompt; the text is kept as "
        "written (a comma after it stops A1111 doing so) at column 10\n"
        "  aspect 16:9\n"
        "           ~^",
    ),
    (
        "x,\n(y",
        "a1111",
        "unclosed '('; A1111 applies it up to the end of the prompt at line 2, column 1\n  (y\n  ^",
    ),
    (
        "(a",
        "comfyui",
        "unclosed '('; ComfyUI reads it as plain text at column 1\n  (a\n  ^",
    ),
    (
        "a)",
        "comfyui",
        "')' closes nothing; ComfyUI reads the rest of the prompt as plain text at column 2\n"
        "  a)\n   ^",
    ),
]


@pytest.mark.parametrize(("prompt", "dialect", "message"), STRICT_CASES)
def test_strict_raises(prompt: str, dialect: Dialect, message: str) -> None:
    with pytest.raises(PromptSyntaxError) as info:
        parse_items(prompt, dialect, strict=True)
    assert str(info.value) == message
    assert info.value.source == prompt


@pytest.mark.parametrize(
    "prompt", ["(a:1.2), b, [c], <lora:x:1>, [a:b:5]", "bishop \\(chess\\) BREAK x AND y"]
)
def test_strict_accepts_clean_prompts(prompt: str) -> None:
    assert parse_items(prompt, strict=True) == parse_items(prompt)


# --- spans -----------------------------------------------------------------------------

SPAN_PROMPTS = [
    "masterpiece, (long_hair:1.2), bishop \\(chess\\) BREAK <lora:x:0.8>",
    "  a  ,  (b) ,[c]",
    "x <lora:Foo:0.8> y, (z:1.1) AND w",
    "[a:b:5], (c:[d|e]), f",
    "1girl, (smile",
]


@pytest.mark.parametrize("prompt", SPAN_PROMPTS)
def test_spans_cover_their_items(prompt: str) -> None:
    result = parse_items(prompt)
    assert len(result.spans) == len(result.items)
    starts = [start for start, _ in result.spans]
    assert starts == sorted(starts)  # source order
    for item, (start, end) in zip(result.items, result.spans, strict=True):
        written = prompt[start:end]
        if isinstance(item, Tag):
            assert item.text in normalize_tag(unescape(written)) or "<" in written
        elif isinstance(item, (ExtraNetwork, Schedule)):
            assert written == item.text
        elif isinstance(item, Phrase):  # the whole unit, brackets and all
            assert written
            assert written == written.strip()
        elif isinstance(item, Break):
            assert written.strip() == "BREAK"
        else:
            assert written == "AND"


# (prompt, dialect, spans)
SPAN_CASES: list[tuple[str, Dialect, list[tuple[int, int]]]] = [
    ("1girl, (smile", "a1111", [(0, 5), (7, 13)]),  # a unit's span holds its brackets
    ("  a  ,  (b) ,[c]", "a1111", [(2, 3), (8, 11), (13, 16)]),  # whitespace trimmed
    ("a (white:1.2) dress, x", "a1111", [(0, 19), (21, 22)]),  # a phrase: the whole unit
    ("bishop \\(chess\\)", "a1111", [(0, 16)]),  # escapes are inside the span
    ("a BREAK b", "a1111", [(0, 1), (1, 8), (8, 9)]),  # BREAK eats the spaces around it
    ("x, <lora:a:1>", "a1111", [(0, 1), (3, 13)]),  # a network's span is the token
    ("(a), b", "comfyui", [(0, 3), (5, 6)]),  # ComfyUI spans
]


@pytest.mark.parametrize(("prompt", "dialect", "spans"), SPAN_CASES)
def test_spans(prompt: str, dialect: Dialect, spans: list[tuple[int, int]]) -> None:
    assert list(parse_items(prompt, dialect).spans) == spans


def test_parse_result_fields() -> None:
    result = parse_items("a, (b", "a1111")
    assert (result.source, result.dialect) == ("a, (b", "a1111")
    assert result.tags() == [T("a"), T("b", 1.1)]


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [b"a", None, 3, ["a"]])
def test_non_str_raises_type_error(value: object) -> None:
    message = f"a prompt must be a str, not {type(value).__name__}"
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        parse_items(value)  # type: ignore[arg-type]


def test_compel_cannot_be_parsed() -> None:
    message = "cannot parse the 'compel' dialect; parsing reads 'a1111', 'comfyui' or 'plain'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_items("a", "compel")


# --- the grammar table ----------------------------------------------------------------


def test_every_grammar_rule_is_used() -> None:
    # The table holds the grammar the readers and writers use, and nothing else.
    package = Path(grammar.__file__).resolve().parents[1]
    sources = "".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py"))
    unused = [name for name in RULES if sources.count(f'RULES["{name}"]') == 0]
    assert unused == []


# (text, the span A1111 reads as its trailing weight, or None)
TRAILING_WEIGHTS: list[tuple[str, tuple[int, int] | None]] = [
    ("aspect 16:9", (9, 11)),  # the aspect-ratio trap
    ("score:9 ", (5, 8)),  # whitespace after it
    ("a :1.5", (1, 6)),  # and before it: the span starts there
    ("a: +.5", (1, 6)),  # a sign, no leading digit
    ("a:1.", (1, 4)),  # no trailing digit
    ("16:9 girl", None),  # text after the number
    ("a:1e3", None),  # no exponent in this number
    ("a:1.2.3", None),  # nor two points
    ("re:zero:", None),  # no number at all
    ("", None),
]


@pytest.mark.parametrize(("text", "span"), TRAILING_WEIGHTS)
def test_trailing_weight(text: str, span: tuple[int, int] | None) -> None:
    assert trailing_weight(text) == span


# (text, the choices of the one schedule it is, or None)
SCHEDULE_CHOICES: list[tuple[str, list[str] | None]] = [
    ("[a:b:10]", ["a", "b"]),  # editing
    ("[a:5]", ["a"]),  # added at a step
    ("[a::5]", ["a", ""]),  # removed at a step
    ("[a:b: 5 ]", ["a", "b"]),  # whitespace around the step
    ("[a:b:-1.5e1]", ["a", "b"]),  # lark's signed number
    ("[a|b|c]", ["a", "b", "c"]),  # alternation
    ("[a|]", ["a", ""]),  # with an empty choice
    ("[[a:b:3]:c:5]", ["[a:b:3]", "c"]),  # nested editing
    ("[a|[b|c]]", ["a", "[b|c]"]),  # nested alternation
    ("[(x:1.2):5]", ["(x:1.2)"]),  # emphasis inside
    ("[a]", None),  # emphasis, not a schedule
    ("[a:b]", None),  # no step
    ("[a:b:c:5]", None),  # three colons
    ("[a:5]x", None),  # not one group
    ("[a|b", None),  # unclosed
    ("[a\\|b]", None),  # an escaped '|' is text
    ("[a:5\\]", None),  # an escaped ']' is text
    ("[(a:b:c):5]", None),  # a group inside that is no rule
]


@pytest.mark.parametrize(("text", "choices"), SCHEDULE_CHOICES)
def test_schedule_choices(text: str, choices: list[str] | None) -> None:
    assert schedule_choices(text) == choices
    # The reader keeps exactly these verbatim (a schedule standing alone).
    if choices is not None:
        assert parse_tags(text) == [S(text)]


# --- linear-time safety: a megabyte of brackets, no recursion ---------------------------

MB = 1_000_000


@pytest.mark.slow
@pytest.mark.parametrize(
    ("prompt", "dialect", "items", "repairs"),
    [
        ("(" * MB, "a1111", [], [("unclosed-bracket", (0, MB))]),  # one repair for all
        (")" * MB, "a1111", [T(")" * MB)], [("stray-bracket", (0, MB))]),  # all stray
        ("(" * MB, "comfyui", [T("(" * MB)], [("unclosed-bracket", (0, 1))]),  # plain text
        (")" * MB, "comfyui", [T(")" * MB)], [("stray-bracket", (0, 1))]),  # the first only
    ],
)
def test_megabyte_of_brackets(
    prompt: str,
    dialect: Dialect,
    items: list[PromptItem],
    repairs: list[tuple[str, tuple[int, int]]],
) -> None:
    result = parse_items(prompt, dialect)
    assert list(result.items) == items
    assert [(r.code, r.span) for r in result.repairs] == repairs


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["a1111", "comfyui"])
def test_megabyte_of_nesting(dialect: Dialect) -> None:
    depth = MB // 2 - 1
    result = parse_items("(" * depth + "a" + ")" * depth, dialect)
    assert len(result.items) == 1
    assert isinstance(result.items[0], Tag)
    assert result.items[0].text == "a"


@pytest.mark.slow
def test_megabyte_of_a1111_quadratic_case() -> None:
    # '(x ' * n + ')' * n is quadratic in A1111's own parser (dialects.md 9).
    n = MB // 4
    result = parse_items("(x " * n + ")" * n)
    (phrase,) = result.items  # no commas: one unit of n runs
    assert isinstance(phrase, Phrase)
    assert phrase.parts[:2] == (Run("x ", 1.1), Run("x ", 1.2100000000000002))
    assert sum(part.text.count("x") for part in phrase.parts) == n  # nothing lost
    # 1.1 ** k passes 1000 (clamped), then overflows (1 is used): both are repairs.
    assert [r.code for r in result.repairs] == ["weight-out-of-range", "weight-overflow"]


@pytest.mark.slow
def test_megabyte_of_schedules() -> None:
    n = MB // 9
    result = parse_items("[a:b:5], " * n)
    assert len(result.items) == n
    assert set(result.items) == {S("[a:b:5]")}
    (phrase,) = parse_items("[a:b:5] " * n).items  # no commas: one unit
    assert isinstance(phrase, Phrase)
    assert len(phrase.parts) == 2 * n - 1
    nested = MB // 2 - 3
    result = parse_items("[" * nested + "a:b:5" + "]" * nested)
    assert len(result.items) == 1
    assert isinstance(result.items[0], Schedule)
