"""Regression tests, each named after the bug it fixed (found in review)."""

from __future__ import annotations

import pytest

from aidxl_prompt import (
    ExtraNetwork,
    Ordering,
    Phrase,
    Schedule,
    Tag,
    classify,
    parse,
    parse_items,
    parse_tags,
)
from aidxl_prompt.cli import main
from aidxl_prompt.ordering import ordering_presets
from aidxl_prompt.prompt_file import load_prompt_text


def test_many_network_openers_without_close_parse_in_linear_time() -> None:
    # A1111's network regex rescans to the end from every '<word:' with no '>' after
    # it; 300 KB of them took minutes. The result must equal plain text.
    (tag,) = parse_tags("<a:" * 100_000)
    assert isinstance(tag, Tag)
    assert tag.text == "<a:" * 100_000


@pytest.mark.parametrize(
    ("prompt", "networks"),
    [
        ("x <lora:foo:0.8> y", ["<lora:foo:0.8>"]),  # inside text
        ("<a:b> <c:d>, e", ["<a:b>", "<c:d>"]),  # two in a row
        ("<a:x<b:c>", ["<a:x<b:c>"]),  # '[^>]+' may hold '<' and ':'
        ("<a:> <b:c>", ["<b:c>"]),  # an empty argument is no network; the next one is
        ("<a:>", []),
        ("(<lora:x:1>:1.2)", ["<lora:x:1>"]),  # cut out even inside brackets
    ],
)
def test_networks_match_a1111_regex(prompt: str, networks: list[str]) -> None:
    items = parse_tags(prompt)
    assert [item.text for item in items if isinstance(item, ExtraNetwork)] == networks


def test_bracketed_break_break_stays_two_words() -> None:
    # A1111 keeps the empty run between the two markers, so they are two words.
    assert parse_tags("(a BREAK BREAK b)") == [
        Phrase(parts=[("a", 1.1), ("break", -1.1), ("break", -1.1), ("b", 1.1)])
    ]


@pytest.mark.parametrize("prompt", ["[a:b:5], c\\", "[a:b:5], c\\\nd"])
def test_line_ending_backslash_switches_scheduling_off(prompt: str) -> None:
    result = parse_items(prompt)
    assert not any(isinstance(item, Schedule) for item in result.items)
    assert result.items[0] == Tag("a:b:5", 1 / 1.1)
    assert "scheduling-disabled" in [repair.code for repair in result.repairs]


def test_classify_of_run_on_text_is_quick_and_default() -> None:
    # The slot patterns backtracked quadratically on a 16,000-character "tag".
    found = classify(Tag("a " * 16_000))
    assert found.rule == "default"


def test_prompt_with_and_round_trips_through_yaml() -> None:
    prompt = parse("a AND b BREAK c")
    assert [(s.joiner, s.weight) for s in prompt.sections] == [("AND", 1.0), ("BREAK", 1.0)]
    assert load_prompt_text(prompt.to_yaml()) == prompt


def test_ordering_presets_are_read_only() -> None:
    presets = ordering_presets()
    with pytest.raises(TypeError):
        presets["documented"] = Ordering.preset("style_last")  # type: ignore[index]
    assert Ordering.preset("documented").slots[0].value == "art_style"


@pytest.mark.parametrize("tag", ["", "a,b", "   "])
def test_cli_classify_refuses_what_is_not_one_tag(
    tag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", tag]) == 2
    assert capsys.readouterr().err == (
        f"aidxl-prompt: error: argument 1 ({tag!r}) is not one tag: give each tag as its "
        "own argument, without commas\n"
    )
