"""The oracles of tests/oracles.py against the observed behaviour of the real parsers.

Every example of dialects.md sections 2 and 3, and of issue 8's "Prompt editing",
"Literal backslashes" and "ComfyUI" bullets, with the reading A1111 v1.10.1 or ComfyUI
gave; a few rows come from the doctests in A1111's own ``prompt_parser.py``. These rows
are the ground truth: when one fails, the oracle is wrong.
"""

from __future__ import annotations

import math

import pytest

from oracles import (
    A1111CrashError,
    AmbiguousError,
    Network,
    a1111_and_split,
    a1111_attention,
    a1111_difference,
    a1111_equivalent,
    a1111_networks,
    a1111_read,
    a1111_schedule,
    clip_words,
    comfyui_difference,
    comfyui_equivalent,
    comfyui_weights,
)

SMALL = 1 / 1.1  # one pair of square brackets

# --- A1111 emphasis, escapes, merging and BREAK (dialects.md 2.1-2.5) ---------------

A1111_ATTENTION = [
    # 2.1 emphasis
    ("(a)", [("a", 1.1)]),  # round brackets
    ("[a]", [("a", 0.9090909090909091)]),  # square brackets
    ("((a))", [("a", 1.2100000000000002)]),  # nesting multiplies
    ("[[a]]", [("a", 0.8264462809917354)]),  # nested square brackets
    ("[(a)]", [("a", 1.0)]),  # the two cancel exactly
    ("( a : 1.2 )", [(" a ", 1.2)]),  # spaces around the weight; text keeps its own
    ("(a:1.2 )", [("a", 1.2)]),  # space before the bracket
    ("(a: 1.2)", [("a", 1.2)]),  # space after the colon
    ("(a:+1.2)", [("a", 1.2)]),  # a plus sign
    ("(a:.5)", [("a", 0.5)]),  # no leading digit
    ("(a:5.)", [("a", 5.0)]),  # no trailing digit
    ("((a:1.2))", [("a", 1.32)]),  # an explicit weight multiplies the outer one
    ("[(a:1.2)]", [("a", 1.0909090909090908)]),  # ... and the square one
    ("((a:1.5):0.5)", [("a", 0.75)]),  # two explicit weights multiply
    ("(a:abc)", [("a:abc", 1.1)]),  # not a weight: the colon is text
    ("(a:1e3)", [("a:1e3", 1.1)]),  # no exponents
    ("(a:inf)", [("a:inf", 1.1)]),  # no inf
    ("(a:1_0)", [("a:1_0", 1.1)]),  # no underscores
    ("(a:1,2)", [("a:1,2", 1.1)]),  # no commas
    ("(a:0)", [("a", 0.0)]),  # zero is a weight
    ("(a:-1)", [("a", -1.0)]),  # so is a negative one
    ("(a:-0)", [("a", -0.0)]),  # and minus zero
    ("(a:1000000)", [("a", 1000000.0)]),  # never clamped
    ("(a:b:1.2)", [("a:b", 1.2)]),  # only the last :number) counts
    ("(re:zero:1.2)", [("re:zero", 1.2)]),  # a name with a colon
    ("(16:9)", [("16", 9.0)]),  # an aspect ratio is a weight
    ("(a:1.2 b)", [("a:1.2 b", 1.1)]),  # a colon elsewhere is text
    # 2.2 unbalanced brackets and empty groups
    ("(a", [("a", 1.1)]),  # an unclosed ( applies to the end
    ("((a)", [("a", 1.2100000000000002)]),  # one closed, one open
    ("[a", [("a", SMALL)]),  # an unclosed [
    ("a) (b:1.2) (c)", [("a) ", 1.0), ("b", 1.2), (" ", 1.0), ("c", 1.1)]),  # stray )
    ("()", [("", 1.0)]),  # nothing emitted
    ("(:1.2)", [("", 1.0)]),  # nothing emitted either
    # 2.3 escapes
    ("\\(a\\)", [("(a)", 1.0)]),  # escaped round brackets
    ("\\[a\\]", [("[a]", 1.0)]),  # escaped square brackets
    ("a\\\\b", [("a\\b", 1.0)]),  # an escaped backslash
    ("a\\b", [("ab", 1.0)]),  # any other backslash is deleted
    ("a\\:b", [("a:b", 1.0)]),  # even before a colon
    ("\\", [("", 1.0)]),  # a lone backslash
    ("\\\\(a\\\\)", [("\\", 1.0), ("a\\", 1.1)]),  # \\ then a live (
    # 2.4 merging
    ("(a)(b)", [("ab", 1.1)]),  # equal weights join
    ("(a:1.2)(b:1.2)", [("ab", 1.2)]),  # explicit ones too
    ("(a:1.21)((b))", [("a", 1.21), ("b", 1.2100000000000002)]),  # unequal floats do not
    # 2.5 BREAK
    ("a BREAK b", [("a", 1.0), ("BREAK", -1.0), ("b", 1.0)]),  # eats the spaces around it
    ("a break b", [("a break b", 1.0)]),  # case-sensitive
    ("aBREAK b", [("aBREAK b", 1.0)]),  # a whole word only
    ("(a BREAK b)", [("a", 1.1), ("BREAK", -1.1), ("b", 1.1)]),  # the marker is weighted
    ("BREAK a", [("", 1.0), ("BREAK", -1.0), ("a", 1.0)]),  # leading
    ("a BREAK", [("a", 1.0), ("BREAK", -1.0), ("", 1.0)]),  # trailing
    # issue 8, "Literal backslashes"
    ("a\\\\\\(b", [("a\\(b", 1.0)]),  # a\\\(b reads a\(b
    ("\\\\)", [("\\)", 1.0)]),  # \\) reads \)
    ("^_^\\\\", [("^_^\\", 1.0)]),  # ^_^\\ reads ^_^\
]


@pytest.mark.parametrize(("text", "expected"), A1111_ATTENTION)
def test_a1111_attention(text: str, expected: list[tuple[str, float]]) -> None:
    assert a1111_attention(text) == expected


def test_a1111_attention_keeps_the_sign_of_minus_zero() -> None:
    assert math.copysign(1.0, a1111_attention("(a:-0)")[0][1]) == -1.0


A1111_CRASHES = [
    "(a:1.2.3)",  # float() fails on a [.\d]+ weight
    "(a:.)",  # a lone dot
    "(a:1..2)",  # two dots
]


@pytest.mark.parametrize("text", A1111_CRASHES)
def test_a1111_attention_crashes_where_a1111_does(text: str) -> None:
    with pytest.raises(ValueError, match="could not convert string to float"):
        a1111_attention(text)
    with pytest.raises(A1111CrashError, match=r"^A1111 fails on "):
        a1111_read(text)


# --- extra networks and AND (dialects.md 1 and 2.6) -----------------------------------

NETWORKS = [
    ("x <lora:foo:0.8> y", "x  y", (Network("lora", ("foo", "0.8")),)),  # spaces kept
    ("(a <lora:foo:1>)", "(a )", (Network("lora", ("foo", "1")),)),  # inside brackets too
    (
        "<hypernet:h:1><lora:b>",  # in order; a single argument
        "",
        (Network("hypernet", ("h", "1")), Network("lora", ("b",))),
    ),
    ("<lora foo:1> <:x>", "<lora foo:1> <:x>", ()),  # a name is \w+
]


@pytest.mark.parametrize(("prompt", "rest", "networks"), NETWORKS)
def test_a1111_networks(prompt: str, rest: str, networks: tuple[Network, ...]) -> None:
    assert a1111_networks(prompt) == (rest, networks)


AND_SPLITS = [
    ("(a AND b)", [("(a", 1.0), (" b)", 1.0)]),  # splits inside brackets
    ("aspect 16:9", [("aspect 16", 9.0)]),  # a trailing :number, with no AND
    (":3", [("", 3.0)]),  # nothing but a weight
    ("1girl, score:9 ", [("1girl, score", 9.0)]),  # spaces after it
    ("a\\:9", [("a\\", 9.0)]),  # a backslash does not protect it
    ("aspect 16:9,", [("aspect 16:9,", 1.0)]),  # anything after the number stops it
    ("a AND", [("a", 1.0), ("", 1.0)]),  # an empty sub-prompt is kept
    ("a AND b:0.5", [("a", 1.0), (" b", 0.5)]),  # each part's own weight
    ("a and b ANDc", [("a and b ANDc", 1.0)]),  # case-sensitive, whole word
]


@pytest.mark.parametrize(("prompt", "parts"), AND_SPLITS)
def test_a1111_and_split(prompt: str, parts: list[tuple[str, float]]) -> None:
    assert a1111_and_split(prompt) == parts


def test_a1111_read_keeps_networks_in_a_negative_prompt() -> None:
    reading = a1111_read("<lora:x:1> a AND b", steps=1, negative=True)
    assert reading.networks == ()
    assert [part.texts for part in reading.subprompts] == [("<lora:x:1> a AND b",)]


# --- prompt editing (dialects.md 2.7; A1111's doctests at 10 steps) ------------------


def _steps(*spans: tuple[int, str]) -> tuple[str, ...]:
    """Per-step texts from (last step, text) spans, as A1111's schedules are written."""
    texts: list[str] = []
    for last, text in spans:
        texts += [text] * (last - len(texts))
    return tuple(texts)


SCHEDULES = [
    ("[a:b:5]", 20, _steps((5, "a"), (20, "b"))),  # swap after step 5
    ("[a:5]", 20, _steps((5, ""), (20, "a"))),  # add after step 5
    ("[a::5]", 20, _steps((5, "a"), (20, ""))),  # remove after step 5
    ("[a|b|c]", 5, ("a", "b", "c", "a", "b")),  # alternate every step
    ("[a|]", 4, ("a", "", "a", "")),  # alternate with nothing
    ("[a:b:0.5]", 20, _steps((10, "a"), (20, "b"))),  # a fraction of the steps
    (
        "[a:b:5.0]",
        20,
        _steps(
            (20, "a"),
        ),
    ),  # 5.0 x 20 steps: never swapped
    (
        "[a:1.2]",
        20,
        _steps(
            (20, ""),
        ),
    ),  # never added
    (
        "[a:b:-3]",
        20,
        _steps(
            (20, "b"),
        ),
    ),  # swapped from the start
    ("[a:b: 5 ]", 20, _steps((5, "a"), (20, "b"))),  # spaces around the number
    ("[[a:b:5]]", 20, _steps((5, "[a]"), (20, "[b]"))),  # nested in emphasis
    ("(a:[b:c:5])", 20, _steps((5, "(a:b)"), (20, "(a:c)"))),  # inside a weight
    ("[a\\:b:c:5]", 20, _steps((5, "a\\:b"), (20, "c"))),  # \: protects a colon
    (
        "[a:b:c:5]",
        20,
        _steps(
            (20, "[a:b:c:5]"),
        ),
    ),  # a third colon: no schedule
    (
        "[a:b:c:5] [x:y:3]",  # ... while the next group still schedules
        20,
        _steps((3, "[a:b:c:5] x"), (20, "[a:b:c:5] y")),
    ),
    ("[a:][b:3]", 20, _steps((3, "[a:]"), (20, "[a:]b"))),  # leftover brackets
    ("x] [c:d:5]", 20, _steps((5, "x] c"), (20, "x] d"))),  # a stray ]
    ("(a:[b:c:5]", 20, _steps((5, "(a:b"), (20, "(a:c"))),  # an unclosed (
    ("[a|b][c|d]", 4, ("ac", "bd", "ac", "bd")),  # substituted text joins
    ("[a:5]BREAK", 20, _steps((5, "BREAK"), (20, "aBREAK"))),  # ... even with BREAK
    # A1111's doctests, 10 steps
    ("a [b:3]", 10, _steps((3, "a "), (10, "a b"))),  # add
    ("a [b: 3]", 10, _steps((3, "a "), (10, "a b"))),  # a space before the number
    ("a [[[b]]:2]", 10, _steps((2, "a "), (10, "a [[b]]"))),  # emphasis inside
    ("[(a:2):3]", 10, _steps((3, ""), (10, "(a:2)"))),  # a weight inside
    ("a [b : c : 1] d", 10, _steps((1, "a b  d"), (10, "a  c  d"))),  # spaces kept
    ("a[b:[c:d:2]:1]e", 10, _steps((1, "abe"), (2, "ace"), (10, "ade"))),  # nested
    (
        "a [unbalanced",
        10,
        _steps(
            (10, "a [unbalanced"),
        ),
    ),  # unclosed [
    ("a [b:.5] c", 10, _steps((5, "a  c"), (10, "a b c"))),  # .5 of the steps
    ("((a][:b:c [d:3]", 10, _steps((3, "((a][:b:c "), (10, "((a][:b:c d"))),  # debris
    ("[fe|||]male", 8, ("female", "male", "male", "male") * 2),  # empty options
]


@pytest.mark.parametrize(("text", "steps", "texts"), SCHEDULES)
def test_a1111_schedule(text: str, steps: int, texts: tuple[str, ...]) -> None:
    assert a1111_schedule(text, steps) == texts


SCHEDULING_OFF = [
    "a|b [c:d:5]",  # a | outside brackets
    "[x|[a|b]",  # a | inside an unclosed [
    "a\\\n[c:d:5]",  # a backslash before a line break
    "[c:d:5] a\\",  # a backslash at the very end
    # A1111's doctest expects a schedule here ("not handling this right now"), but
    # lark 1.1.2 rejects the | and the doctest fails: scheduling is off
    "a [{b|d{:.5] c",
]


@pytest.mark.parametrize("text", SCHEDULING_OFF)
def test_a1111_schedule_off(text: str) -> None:
    assert a1111_schedule(text) is None


def test_a1111_read_when_scheduling_is_off() -> None:
    part = a1111_read("a|b [c:d:5]").subprompts[0]
    assert (part.scheduled, part.texts) == (False, ("a|b [c:d:5]",) * 20)
    assert part.runs[0] == (("a|b ", 1.0), ("c:d:5", SMALL))


def test_a1111_read_of_a_failed_alternation() -> None:
    part = a1111_read("[x|[a|b]", steps=1).subprompts[0]
    assert part.runs == ((("x|", SMALL), ("a|b", 0.8264462809917354)),)


def test_a1111_read_of_a_break_made_a_word() -> None:
    part = a1111_read("[a:5]BREAK", steps=6).subprompts[0]
    assert part.runs[4] == (("", 1.0), ("BREAK", -1.0), ("", 1.0))
    assert part.runs[5] == (("aBREAK", 1.0),)


def test_a1111_read_deletes_the_protecting_backslash() -> None:
    part = a1111_read("[a\\:b:c:5]", steps=6).subprompts[0]
    assert (part.runs[0], part.runs[5]) == ((("a:b", 1.0),), (("c", 1.0),))


AMBIGUOUS = [
    # a colon after the group: a schedule, or loose text
    ("[a:5]:", [(":",) * 5 + ("a:",), ("[a:5]:",) * 6]),
    # a stray ] after it
    ("[a:5]]", [("[a:5]]",) * 6, ("]",) * 5 + ("a]",)]),
]


@pytest.mark.parametrize(("text", "readings"), AMBIGUOUS)
def test_a1111_schedule_ambiguous(text: str, readings: list[tuple[str, ...]]) -> None:
    with pytest.raises(AmbiguousError) as info:
        a1111_schedule(text, 6)
    assert info.value.readings == readings
    first, second = (reading[0] for reading in readings)
    assert str(info.value) == (
        f"A1111 reads {text!r} in more than one way: {first!r} or {second!r} at step 1"
    )


def test_a1111_schedule_number_too_large() -> None:
    with pytest.raises(A1111CrashError, match=r"^A1111 fails on the schedule number '1e999'$"):
        a1111_schedule("[a:1e999]")


# --- what CLIP sees, and the comparison ---------------------------------------------

CLIP_WORDS = [
    ("a,b", ("a", ",", "b")),  # punctuation is its own piece
    ("a ,  b", ("a", ",", "b")),  # whitespace only separates
    ("a,,b", ("a", ",,", "b")),  # a run of punctuation is one piece
    ("a, ,b", ("a", ",", ",", "b")),  # ... unless whitespace parts it
    ("Long Hair", ("long", "hair")),  # lower-cased
    ("1girl", ("1", "girl")),  # one piece per digit
    ("12", ("1", "2")),  # ... every digit
    ("it's", ("it", "'s")),  # contractions
    ("''s", ("''", "s")),  # a contraction only where a scan starts
    ("<|endoftext|>x", ("<|endoftext|>", "x")),  # special tokens
    ("\u00e9t\u00e9 \u0661", ("\u00e9t\u00e9", "\u0661")),  # Unicode letters and digits
    ("  \n\t", ()),  # whitespace only
]


@pytest.mark.parametrize(("text", "words"), CLIP_WORDS)
def test_clip_words(text: str, words: tuple[str, ...]) -> None:
    assert clip_words(text) == words


A1111_SAME = [
    ("a,b", "a ,  b"),  # whitespace around punctuation
    ("Long hair", "long  hair"),  # case and spacing
    ("(a:1.21) ((b))", "(a:1.21) (b:1.21)"),  # 1.2100000000000002 and 1.21: one float32
    ("(a:1.1)", "(a:1.10000001)"),  # the same float32
    ("(a)(b)", "(ab)"),  # A1111 merges equal weights
    ("x <lora:a:1> y", "x y <lora:a:1>"),  # networks are cut out anywhere
    ("<lora:a:1><hypernet:b:1>", "<hypernet:b:1><lora:a:1>"),  # grouped by type
    ("[a:b:10]", "[a:b:0.5]"),  # the same step at 20 steps
    ("a BREAK b", "a  BREAK  b"),  # BREAK eats spaces
    ("a AND b:1", "a AND b"),  # an explicit AND weight of 1
    ("a [b:c:25]", "a b"),  # never swapped at 20 steps
]


@pytest.mark.parametrize(("a", "b"), A1111_SAME)
def test_a1111_equivalent(a: str, b: str) -> None:
    assert a1111_difference(a, b) is None
    assert a1111_equivalent(b, a)


A1111_DIFFERENT = [
    ("a,,b", "a, ,b", "sub-prompt 0, step 1: word 1: (',,', 1.0) != (',', 1.0)"),  # pieces
    ("(a)(b)", "(a b)", "sub-prompt 0, step 1: word 0: ('ab', 1.1) != ('a', 1.1)"),  # BPE
    ("(a:1.1)", "(a:1.1000001)", "sub-prompt 0, step 1: word 0: ('a', 1.1) != ('a', 1.1000001)"),
    (
        "[a|b][c|d]",  # the example
        "[a|b], [c|d]",
        "sub-prompt 0, step 1: word 0: ('ac', 1.0) != ('a', 1.0)",
    ),
    (
        "<lora:a:1><lora:b:2>",  # the order of two LoRAs
        "<lora:b:2><lora:a:1>",
        "networks: (('lora', (('a', '1'), ('b', '2'))),) != (('lora', (('b', '2'), ('a', '1'))),)",
    ),
    ("a AND b", "b AND a", "sub-prompt 0, step 1: word 0: ('a', 1.0) != ('b', 1.0)"),  # order
    ("a AND b", "a, b", "2 sub-prompts != 1"),  # AND is not a comma
    ("aspect 16:9", "aspect 16:9,", "sub-prompt 0: weight 9.0 != 1.0"),  # trailing weight
    ("a BREAK b", "a, b", "sub-prompt 0, step 1: word 1: ('BREAK', -1.0) != (',', 1.0)"),
    (
        "(a BREAK b)",
        "(a break b)",
        "sub-prompt 0, step 1: word 1: ('break', -1.1) != ('break', 1.1)",
    ),
    ("[a:b:10]", "[a:b:11]", "sub-prompt 0, step 11: word 0: ('b', 1.0) != ('a', 1.0)"),
]


@pytest.mark.parametrize(("a", "b", "difference"), A1111_DIFFERENT)
def test_a1111_different(a: str, b: str, difference: str) -> None:
    assert a1111_difference(a, b) == difference
    assert not a1111_equivalent(a, b)


def test_a1111_equivalent_raises_on_an_ambiguous_prompt() -> None:
    with pytest.raises(AmbiguousError, match=r"^A1111 reads '\[a\|b\]\[a:5\]:' in more "):
        a1111_equivalent("x", "[a|b][a:5]:")


def test_ambiguous_keeps_two_readings() -> None:
    # lark 1.1.2 gave three readings over 40 hash seeds: these two and a]/b]/bc]
    with pytest.raises(AmbiguousError) as info:
        a1111_schedule("[a:b:3][c:5]]", 6)
    assert info.value.readings == [("[a:b:3][c:5]]",) * 6, ("a[c:5]]",) * 3 + ("b[c:5]]",) * 3]
    assert str(info.value) == (
        "A1111 reads '[a:b:3][c:5]]' in more than one way: '[a:b:3][c:5]]' or 'a[c:5]]' at step 1"
    )


# --- ComfyUI (dialects.md 3, issue 8's ComfyUI bullet) -------------------------------

COMFYUI_WEIGHTS = [
    ("[a]", [("[a]", 1.0)]),  # square brackets are text
    ("{a}", [("{a}", 1.0)]),  # so are braces
    ("<lora:x:0.8>", [("<lora:x:0.8>", 1.0)]),  # and networks
    ("a BREAK b", [("a BREAK b", 1.0)]),  # and BREAK
    ("a AND b", [("a AND b", 1.0)]),  # and AND
    ("[a:b:10]", [("[a:b:10]", 1.0)]),  # and schedules
    ("[a|b]", [("[a|b]", 1.0)]),  # and alternation
    ("(a)", [("a", 1.1)]),  # round brackets
    ("((a))", [("a", 1.2100000000000002)]),  # nesting multiplies
    ("(a:1e3)", [("a", 1000.0)]),  # float() takes exponents
    ("(a:inf)", [("a", math.inf)]),  # and inf
    ("(a:1_0)", [("a", 10.0)]),  # and underscores
    ("(a:abc)", [("a:abc", 1.1)]),  # not a float: text
    ("(a:1.2.3)", [("a:1.2.3", 1.1)]),  # no crash
    ("(:1.2)", [(":1.2", 1.1)]),  # a colon at index 0 is ignored
    ("((a:1.2))", [("a", 1.2)]),  # an explicit weight replaces the outer one
    ("((a:1.2) b)", [("a", 1.2), (" b", 1.1)]),  # ... only inside its group
    ("((a:1.5):0.5)", [("a", 1.5)]),  # the innermost weight wins
    ("[(a:1.2)]", [("[", 1.0), ("a", 1.2), ("]", 1.0)]),  # square brackets stay text
    ("(a", [("(a", 1.0)]),  # an unclosed ( makes the rest text
    ("((a)", [("(a", 1.1)]),  # one closed, one open
    ("a) (b:1.2) (c)", [("a) (b:1.2) (c)", 1.0)]),  # a stray ) stops all groups
    ("()", []),  # nothing
    ("\\[a\\]", [("\\[a\\]", 1.0)]),  # only \( and \) are escapes
    ("a\\:b", [("a\\:b", 1.0)]),  # the backslash reaches CLIP
    ("a\\\\b", [("a\\\\b", 1.0)]),  # both backslashes do
    ("a\\\\(b:1.2)", [("a\\(b:1.2)", 1.0)]),  # \\( is \ and an escaped (
    ("\\(a) (b:1.2)", [("(a) (b:1.2)", 1.0)]),  # one escaped side unbalances the rest
    ("(a)(b)", [("a", 1.1), ("b", 1.1)]),  # no merging
    ("\\\\(a\\\\)", [("\\(a\\)", 1.0)]),  # 7.8: plain \(a\)
    # issue 8
    ("(a:" + " " * 70 + "1.2)", [("a", 1.2)]),  # a weight of any length
    ("(a:" + "9" * 400 + ")", [("a", math.inf)]),  # 400 nines: infinite
    ("a(", [("a", 1.0), ("(", 1.0)]),  # an unclosed ( starts a new segment
    ("a\x00\x01b\x00\x02", [("a)b(", 1.0)]),  # the placeholders read as brackets
    ("(a\x00\x01:1.2)", [("a)", 1.2)]),  # ... not as brackets to the parser
]


@pytest.mark.parametrize(("text", "expected"), COMFYUI_WEIGHTS)
def test_comfyui_weights(text: str, expected: list[tuple[str, float]]) -> None:
    assert comfyui_weights(text) == expected


def test_comfyui_nan_weight() -> None:
    [(text, weight)] = comfyui_weights("(a:nan)")
    assert text == "a"
    assert math.isnan(weight)


COMFYUI_SAME = [
    ("(a:1.2),b", "(a:1.20), b"),  # spacing and weight spelling
    ("(a:nan)", "(a:NaN)"),  # NaN is NaN
    ("(a)()b", "(a)b"),  # an empty group adds nothing
    ("[A]", "[a]"),  # CLIP lower-cases
]


@pytest.mark.parametrize(("a", "b"), COMFYUI_SAME)
def test_comfyui_equivalent(a: str, b: str) -> None:
    assert comfyui_difference(a, b) is None
    assert comfyui_equivalent(b, a)


COMFYUI_DIFFERENT = [
    ("(a)(b)", "(a b)", "run 0: (('a',), 1.1) != (('a', 'b'), 1.1)"),  # separate units
    ("\\[a\\]", "[a]", "run 0: (('\\\\[', 'a', '\\\\]'), 1.0) != (('[', 'a', ']'), 1.0)"),
    ("(a:1.2)", "(a:1.2) b", "run 1: None != (('b',), 1.0)"),  # a missing run
]


@pytest.mark.parametrize(("a", "b", "difference"), COMFYUI_DIFFERENT)
def test_comfyui_different(a: str, b: str, difference: str) -> None:
    assert comfyui_difference(a, b) == difference
    assert not comfyui_equivalent(a, b)
