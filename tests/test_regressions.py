"""Regression tests, each named after the bug it fixed (found in review)."""

from __future__ import annotations

import pytest

from aidxl_prompt import (
    ArtStyle,
    ExtraNetwork,
    Ordering,
    Phrase,
    Prompt,
    Quality,
    Schedule,
    Tag,
    classify,
    format_prompt,
    parse,
    parse_items,
    parse_tags,
    render,
)
from aidxl_prompt.cli.app import main
from aidxl_prompt.files.prompt_file import load_prompt_text, prompt_to_yaml
from aidxl_prompt.model import parser
from aidxl_prompt.model.ordering import ordering_presets


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
    assert load_prompt_text(prompt_to_yaml(prompt)) == prompt


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


# --- issue 8: composing a real prompt kept its meaning --------------------------------

# (prompt as pasted, format's A1111 output); each row is one of the issue's findings
ISSUE_8_FORMAT: list[tuple[str, str]] = [
    ("a (white:1.2) dress, 1girl", "1girl, a (white:1.2) dress"),  # once "dress, a, (white:1.2)"
    ("1girl, [red:blue:0.5] hair, smile", "1girl, smile, [red:blue:0.5] hair"),  # schedule
    ("[red|blue] hair", "[red|blue] hair"),  # once "[red|blue], hair"
    ("masterpiece, 1girl, smile AND 1boy, frown", "1girl, smile, masterpiece AND 1boy, frown"),
    ("1girl, long hair, BREAK, smile", "1girl, long hair BREAK smile"),  # BREAK stays between
    ("bishop_(chess)", "bishop \\(chess\\)"),  # the card's own example (once "bishop, (chess:1.1)")
    ("ganyu_(genshin_impact), 1girl", "ganyu \\(genshin impact\\), 1girl"),  # raw Danbooru name
    ("best quality, ganyu (genshin impact)", "ganyu \\(genshin impact\\), best quality"),
    ("lucy (cyberpunk), smile", "lucy \\(cyberpunk\\), smile"),  # a known name, bare brackets
    ("(micro shorts:1.00001)", "(micro shorts:1.00001)"),  # not float32 1: kept
    ("(micro shorts:1.00000001)", "micro shorts"),  # float32 1: no "(x:1)" to drift
    ("(a) (b)", "(a:1.1) (b:1.1)"),  # bracketed runs with no separator stay one unit
    ("a\\\\\\(b", "a\\\\\\(b"),  # A1111 reads a\(b: the backslash is kept
    ("[a:][b:3]", "(a::0.90909091)[b:3]"),  # leftovers do not switch scheduling off
    ("[a|b][c|d]", "[a|b][c|d]"),  # alternation joined to its neighbour: one unit
]


@pytest.mark.parametrize(("prompt", "formatted"), ISSUE_8_FORMAT)
def test_issue_8_format_keeps_the_meaning(prompt: str, formatted: str) -> None:
    assert format_prompt(prompt) == formatted
    assert format_prompt(formatted) == formatted  # a fixed point


def test_issue_8_character_triggers_go_to_the_character_slot() -> None:
    for trigger in ("ganyu (genshin impact)", "lucy (cyberpunk)", "frieren (sousou no frieren)"):
        assert classify(trigger).slot.value == "character", trigger
        escaped = trigger.replace("(", "\\(").replace(")", "\\)")
        assert parse(f"best quality, {escaped}").character == [Tag(trigger)]
        assert parse(f"best quality, {trigger}").character == [Tag(trigger)]  # raw, too


def test_issue_8_slots_cannot_be_corrupted() -> None:
    p = Prompt(character=["1girl"])
    p.quality.append(("best quality", 1.2))
    p.quality.append(Quality.best)
    p.art_style.append(ArtStyle("wlop"))
    assert p.render() == "by wlop, 1girl, (best quality:1.2), best quality"
    with pytest.raises(TypeError, match=r"^render\(\) takes a Prompt or a list of items"):
        render("1girl")  # type: ignore[arg-type]


def test_issue_8_comfyui_output_of_an_a1111_prompt() -> None:
    assert format_prompt("[blue eyes], (smile:1.2)", "comfyui") == (
        "(smile:1.2), (blue eyes:0.90909091)"
    )
    assert format_prompt("1girl, embedding:EasyNegative", "comfyui") == (
        "1girl, embedding:EasyNegative"
    )


# --- issue 9: one grammar ----------------------------------------------------------------


def test_nested_alternation_the_reader_keeps_is_a_valid_schedule() -> None:
    # The reader kept "[a|[b|c]]" verbatim, but Schedule's own check (a second grammar,
    # in the model) refused it, so a parsed prompt could not be rebuilt from its values.
    (schedule,) = parse_tags("[a|[b|c]]")
    assert isinstance(schedule, Schedule)
    assert Schedule(text=schedule.text) == schedule


def test_one_escaped_backslash_keeps_a_prompt_on_the_shortcut() -> None:
    # One "\\" anywhere sent a whole prompt to the full scanner (8.5x slower on 1 MB):
    # the shortcut took the second backslash of the pair for a lone one.
    text = "long hair, \\\\m/, (\\\\m/:1.2), smile"
    assert parser.simple_items(text) == [
        Tag("long hair"),
        Tag.from_reading("\\m/"),
        Tag.from_reading("\\m/", 1.2),
        Tag("smile"),
    ]
