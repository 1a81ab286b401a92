"""Properties of the linter on generated prompts: lint never fails and keeps its spans in
the text; fix is idempotent and leaves no safe fix behind; the fixes that claim to keep
the meaning leave A1111's reading unchanged (through the re-statement in tests/oracles.py)."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aidxl_prompt.lint.config import LintConfig
from aidxl_prompt.lint.linter import fix, lint
from aidxl_prompt.lint.registry import RULES
from oracles import A1111CrashError, AmbiguousError, a1111_difference

# Tags that trip the rules (and some that do not), and the syntax around them.
TAGS = st.sampled_from(
    [
        "1girl", "solo", "2girls", "smile", "frown", "long_hair", "very long hair",
        "long hair", "Long  Hair", "gray hair", "best quality", "masterpiece", "by wlop",
        "wlop", "bishop (chess)", "ganyu_(genshin_impact)", "ganyu \\(genshin impact\\)",
        "highres", "impasto", "flat pasto", "^_^", "in the forest", "\uff08x\uff09",
        "<lora:x_y:0.8>", "[red:blue:5]", "aspect 16:9", "lnog hair",
    ]
)  # fmt: skip
WRAPS = st.sampled_from(
    ["{}", "({})", "(({}))", "[[{}]]", "({}:1)", "({}:1.0)", "({}:1.2)", "((({}:0.9)))", "[{}]"]
)
SEPARATORS = st.sampled_from([", ", ",", " BREAK ", " AND ", ",  ", ", (", ") ", " | "])


@st.composite
def prompts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(WRAPS, TAGS), min_size=1, max_size=8))
    text = ""
    for index, (wrap, tag) in enumerate(parts):
        if index:
            text += draw(SEPARATORS)
        text += wrap.format(tag)
    return text


PROMPTS = st.one_of(prompts(), st.text(alphabet="ab_(),:[]|\\ <>BREAK1.", max_size=40))
KEEPS_MEANING = tuple(code for code, rule in RULES.items() if rule.keeps_meaning)
ALL_RULES = LintConfig(select=("ALL",), dialects=("a1111", "comfyui"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROMPTS)
def test_lint_never_fails_and_spans_are_in_the_text(text: str) -> None:
    found = lint(text, config=ALL_RULES, negative="smile, long hair")
    for diagnostic in found:
        start, end = diagnostic.span
        assert 0 <= start <= end <= len(text)
        assert diagnostic.code in RULES
        if diagnostic.fix is not None:
            fix_start, fix_end = diagnostic.fix.span
            assert 0 <= fix_start <= fix_end <= len(text)
            assert RULES[diagnostic.code].fix == "safe"
    assert [d.span for d in found] == sorted(d.span for d in found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROMPTS)
def test_fix_is_idempotent_and_leaves_no_safe_fix(text: str) -> None:
    fixed = fix(text)
    assert fix(fixed) == fixed
    assert [d.code for d in lint(fixed) if d.fix is not None] == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompts())
def test_fixes_that_keep_the_meaning_keep_a1111s_reading(text: str) -> None:
    fixed = fix(text, config=LintConfig(select=KEEPS_MEANING))
    assume(fixed != text)
    difference = "crash"
    with contextlib.suppress(A1111CrashError, AmbiguousError):
        difference = a1111_difference(text, fixed)
    assume(difference != "crash")  # A1111 itself cannot read the original
    assert difference is None, (text, fixed)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompts())
def test_fix_never_touches_networks_or_schedules(text: str) -> None:
    fixed = fix(text)
    for token in ("<lora:x_y:0.8>", "[red:blue:5]"):
        assert fixed.count(token) >= min(text.count(token), 1) or token not in text
