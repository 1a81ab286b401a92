"""The linter: every rule with a failing and a passing case (exact spans and messages),
the registry, fixes, configuration and prompt files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidxl_prompt.card.settings import Settings
from aidxl_prompt.files.prompt_file import PresetLibrary, PromptFileError
from aidxl_prompt.lint.config import LintConfig, LintConfigError, load_lint_config
from aidxl_prompt.lint.diagnostic import Diagnostic, Fix, Severity
from aidxl_prompt.lint.linter import (
    fix,
    lint,
    lint_lines,
    lint_prompt_file_settings,
    lint_settings,
)
from aidxl_prompt.lint.registry import (
    FAMILIES,
    RULES,
    rule_for_repair,
    rule_for_setting,
    rules_markdown,
)
from aidxl_prompt.model.parser import RepairCode

REPO_ROOT = Path(__file__).resolve().parents[1]
BOTH = LintConfig(dialects=("a1111", "comfyui"))
QUALITY = LintConfig(extend_select=("AP504",))
HUGE = "1" + "0" * 400  # reads as an infinite float

# (code, prompt, lint options, span, message): the one diagnostic of ``code`` expected.
FAILING: list[tuple[str, str, dict[str, Any], tuple[int, int], str]] = [
    ("AP101", "1girl, (smile", {}, (7, 8),
     "unclosed '('; A1111 applies it up to the end of the prompt"),
    ("AP102", "1girl, smile)", {}, (12, 13), "')' closes nothing; A1111 reads it as plain text"),
    ("AP103", "(smile:1.2.3)", {}, (6, 13),
     "'1.2.3' is not a number (A1111 stops with an error here); the group is read as plain "
     "emphasis"),
    ("AP104", f"(smile:{HUGE})", {}, (0, 409),
     "the weight of 'smile' is not a finite number; 1 is used"),
    ("AP105", "(smile:12000)", {}, (0, 13),
     "the weight 12000 of 'smile' is outside -1000 to 1000; 1000 is used"),
    ("AP106", "(1girl BREAK smile)", {}, (6, 13),
     "BREAK inside brackets is not a chunk break in A1111; it is encoded as the word 'BREAK' "
     "with a negative weight"),
    ("AP107", "[cat:dog:5]BREAK smile", {}, (11, 16),
     "BREAK touches a schedule: A1111 reads it as a break only at the steps where the "
     "schedule's text does not end (or start) with a letter; it is kept as written"),
    ("AP108", "[cat:dog:5], red | blue", {}, (17, 18),
     "a '|' outside square brackets makes A1111 switch prompt editing off for the whole "
     "prompt; its [a:b:n] and [a|b] are read as plain emphasised text"),
    ("AP109", "[cat:dog:5]]", {}, (0, 12),
     "a leftover ']' right after '[cat:dog:5]' makes A1111's reading depend on Python's hash "
     "seed: scheduled or plain text"),
    ("AP110", "1girl, aspect 16:9", {}, (16, 18),
     "A1111 reads the trailing ':9' as the weight of the whole prompt; the text is kept as "
     "written (a comma after it stops A1111 doing so)"),
    ("AP111", "1girl, [smile]", {"config": BOTH}, (7, 14),
     "'[smile]' reads differently: A1111 reads 'smile' at 0.90909091, ComfyUI reads '[smile]'"),
    ("AP201", "long_hair", {}, (0, 9),
     "'long_hair' is written with underscores; the card spells it 'long hair'"),
    ("AP201", "a (white_hair:1.2) dress", {}, (3, 13),  # one run of a phrase
     "'white_hair' is written with underscores; the card spells it 'white hair'"),
    ("AP202", "bishop (chess)", {}, (0, 14),
     "A1111 reads 'bishop (chess)' as 'bishop ' and 'chess' at 1.1; read as the Danbooru tag "
     "'bishop (chess)', which A1111 reads when written bishop \\(chess\\)"),
    ("AP203", "ganyu_(genshin_impact)", {}, (0, 22),
     "A1111 reads 'ganyu_(genshin_impact)' as 'ganyu_' and 'genshin_impact' at 1.1; read as "
     "the Danbooru tag 'ganyu (genshin impact)', which A1111 reads when written "
     "ganyu \\(genshin impact\\)"),
    ("AP204", "ganyu\uff08genshin impact\uff09", {}, (0, 21),
     "full-width '\uff08' in 'ganyu\uff08genshin impact\uff09'; the tools do not read it as '('"),
    ("AP204", "a \uff08white\uff09 (x:1.2) dress", {}, (0, 9),  # the phrase's first run
     "full-width '\uff08' in 'a \uff08white\uff09'; the tools do not read it as '('"),
    ("AP205", "Long  Hair", {}, (0, 10),
     "'Long  Hair' is not in canonical case and spacing: 'long hair'"),
    ("AP205", "1girl, a (white:1.2) Dress", {}, (21, 26),  # the phrase's last run
     "'Dress' is not in canonical case and spacing: 'dress'"),
    ("AP206", "wlop", {}, (0, 4), "'wlop' is an artist; the card writes artists 'by wlop'"),
    ("AP207", "ganyu \\(genshin impact\\)", {}, (0, 24),
     "'ganyu (genshin impact)' is a character; the card triggers characters as "
     "'1 ganyu (genshin impact)'"),
    ("AP208", "1 ganyu", {}, (0, 7),  # one character is 'ganyu (<series>)'
     "'1 ganyu' leaves out the series of 'ganyu (genshin impact)'; the card's trigger is "
     "'1 ganyu (genshin impact)'"),
    ("AP208", "aardvark", {}, (0, 8),  # a bare name: maybe the animal, so no fix
     "'aardvark' is no tag; if it means the character 'aardvark (kemono friends)', the "
     "card's trigger is '1 aardvark (kemono friends)'"),
    ("AP208", "1girl, 1 saber", {}, (7, 14),  # several: none is guessed
     "'1 saber' leaves out the series of a character; which one: '1 saber (fate)', "
     "'1 saber (fire emblem)'?"),
    ("AP301", "lnog hair", {}, (0, 9), "unknown tag 'lnog hair'; did you mean 'long hair'?"),
    ("AP302", "gray hair", {}, (0, 9), "'gray hair' is a deprecated alias of 'grey hair'"),
    ("AP303", "flat pasto", {}, (0, 10),
     "'flat pasto' is not one of the card's 11 painting styles; did you mean 'flat-pasto'?"),
    ("AP304", "masterpiece", {}, (0, 11),
     "'masterpiece' is not one of the card's 6 quality levels; use one of: amazing quality, "
     "best quality, high quality, normal quality, low quality, worst quality"),
    ("AP305", "1girl, highres", {}, (7, 14),
     "'highres' is a meta tag; the card's training captions leave meta tags out"),
    ("AP401", "best quality, 1girl, by wlop", {}, (14, 19),
     "'1girl' (character) comes after 'best quality' (quality); the documented order puts "
     "character first"),
    ("AP501", "1girl, (smile:0.4)", {}, (7, 18),
     "the weight 0.4 of 'smile' is outside 0.5 to 1.5"),
    ("AP502", "(smile:1)", {}, (0, 9), "'(smile:1)' has the weight 1, which changes nothing"),
    ("AP503", "((smile))", {}, (0, 9), "nested emphasis '((smile))' is the weight 1.21"),
    ("AP504", "amazing quality", {"config": QUALITY}, (0, 15),
     "'amazing quality' has no extra weight; the card recommends (amazing quality:1.5)"),
    ("AP601", "1girl, smile, smile", {}, (14, 19), "'smile' is already in the prompt"),
    ("AP602", "long hair, very long hair", {}, (0, 9),
     "'long hair' is implied by 'very long hair'"),
    ("AP603", "solo, 2girls", {}, (6, 12),
     "'2girls' contradicts 'solo': a solo picture shows one person"),
    ("AP604", "1girl, smile", {"negative": "smile, blurry"}, (7, 12),
     "'smile' is also in the negative prompt; the two cancel out"),
]  # fmt: skip

# (code, prompt, lint options): the same rule finds nothing.
PASSING: list[tuple[str, str, dict[str, Any]]] = [
    ("AP101", "1girl, (smile)", {}),
    ("AP102", "1girl, smile", {}),
    ("AP103", "(smile:1.2)", {}),
    ("AP104", "(smile:1.2)", {}),
    ("AP105", "(smile:999)", {}),
    ("AP106", "(1girl) BREAK (smile)", {}),
    ("AP107", "[cat:dog:5] BREAK smile", {}),
    ("AP108", "[cat:dog:5], red, blue", {}),
    ("AP109", "[cat:dog:5]", {}),
    ("AP110", "1girl, aspect 16:9,", {}),
    ("AP110", "1girl, (aspect 16:9:1)", {}),  # as the renderer guards it
    ("AP111", "1girl, (smile:0.9)", {"config": BOTH}),
    ("AP201", "long hair, ^_^", {}),  # a kaomoji keeps its underscore
    ("AP201", "a (white hair:1.2) dress, a [red_hair:blue:5] dress", {}),  # schedules stay
    ("AP202", "bishop \\(chess\\)", {}),
    ("AP203", "ganyu \\(genshin impact\\)", {}),
    ("AP204", "ganyu \\(genshin impact\\)", {}),
    ("AP205", "long hair, embedding:EasyNegative", {}),  # embeddings keep their case
    ("AP205", "a (white:1.2) dress <lora:Style_X:1>", {}),  # networks keep their spelling
    ("AP206", "by wlop", {}),
    ("AP207", "1 ganyu \\(genshin impact\\)", {}),
    ("AP208", "1 ganyu \\(genshin impact\\), 1 frieren", {}),  # 'frieren' is the tag itself
    ("AP208", "frieren, a knight in the forest", {}),  # a known tag, a phrase the card places
    ("AP301", "long hair, in the forest", {}),  # the card's phrases are not unknown tags
    ("AP302", "grey hair, sitting on ground", {}),  # the card's own example stays
    ("AP303", "flat-pasto", {}),
    ("AP304", "amazing quality", {}),
    ("AP305", "1girl", {}),
    ("AP401", "by wlop, 1girl, best quality", {}),
    ("AP501", "(smile:1.5), (frown:0.5)", {}),
    ("AP502", "(smile:1.1)", {}),
    ("AP503", "(smile), ([smile])", {}),
    ("AP504", "(amazing quality:1.5)", {"config": QUALITY}),
    ("AP601", "1girl BREAK smile AND smile", {}),  # another sub-prompt is another prompt
    ("AP602", "very long hair", {}),
    ("AP603", "solo, 1girl", {}),
    ("AP604", "1girl, smile", {"negative": "blurry"}),
]


_SAMPLING = '(card: "Sampling method: Euler A (20+ steps) or DPM++ 2M Karras (~35 steps)")'
_RESOLUTION = (
    '(card: "Resolution: Area (= width x height) around 1024x1024. Not lower than 256x256, '
    'and resolutions where both length and width are multiples of 32.")'
)

# (code, infotext settings line, span in the line, message): the AP7 rules, found in an
# infotext's settings line by lint_lines.
SETTINGS_FAILING: list[tuple[str, str, tuple[int, int], str]] = [
    ("AP701", "Steps: 28, Sampler: Euler a, Size: 1000x1000", (29, 44),
     "width: 1000 is not a multiple of 32; the nearest valid widths are 992 and 1024 "
     '(card: "...multiples of 32")'),
    ("AP701", "Steps: 28, Sampler: Euler a, Size: big", (29, 38),
     "infotext: Size: expected WIDTHxHEIGHT (got 'big')"),  # the infotext reader's own error
    ("AP701", "Steps: many, Sampler: Euler a, Size: 1024x1024", (0, 11),
     "steps: must be a whole number (got 'many')"),
    ("AP702", "Steps: 28, Sampler: Euler a, Size: 768x768", (29, 42),
     "size: area 768x768 = 589,824 pixels is 44% under 1024x1024 (the card wants about "
     "1024x1024; this project warns beyond 20%); for this aspect use 1024x1024 " + _RESOLUTION),
    ("AP703", "Steps: 28, Sampler: Euler a, CFG scale: 13", (29, 42),
     "cfg_scale: CFG scale 13 is outside the card's 5 to 11 (card: \"CFG scale: 5-11\")"),
    ("AP704", "Steps: 12, Sampler: Euler a, CFG scale: 7", (0, 9),
     "steps: 12 steps with Euler a; the card asks for 20+ " + _SAMPLING),
    ("AP704", "Steps: 30, Sampler: Euler a, CFG scale: 7, Steps: 12", (43, 52),
     "steps: 12 steps with Euler a; the card asks for 20+ " + _SAMPLING),  # the last one counts
    ("AP705", "Steps: 15, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7", (0, 9),
     "steps: 15 steps with DPM++ 2M Karras; the card asks for about 35 (30 to 40) " + _SAMPLING),
    ("AP706", "Steps: 28, Sampler: DDIM, CFG scale: 7", (11, 24),
     "sampler: 'DDIM' is not one of the card's samplers (Euler a, or DPM++ 2M with Karras) "
     + _SAMPLING),
    ("AP707", 'Steps: 28, Sampler: "Euler A", CFG scale: 7', (11, 29),
     "sampler: 'Euler A' is not one of A1111's samplers; did you mean 'Euler a'? " + _SAMPLING),
    ("AP708", "Steps: 35, Sampler: DPM++ 2M, Schedule type: karas, CFG scale: 7", (30, 50),
     "scheduler: 'karas' is not one of A1111's schedule types " + _SAMPLING),
]  # fmt: skip

# (code, infotext settings line): the same rule finds nothing.
SETTINGS_PASSING: list[tuple[str, str]] = [
    ("AP701", "Steps: 28, Sampler: Euler a, Size: 832x1248"),
    ("AP702", "Steps: 28, Sampler: Euler a, Size: 1024x1024"),
    ("AP703", "Steps: 28, Sampler: Euler a, CFG scale: 11"),
    ("AP704", "Steps: 20, Sampler: Euler a, CFG scale: 7"),
    ("AP705", "Steps: 35, Sampler: DPM++ 2M Karras, CFG scale: 7"),  # the old combined name
    ("AP706", "Steps: 35, Sampler: DPM++ 2M, CFG scale: 7"),  # Automatic is Karras for it
    ("AP707", "Steps: 28, Sampler: Euler a, CFG scale: 7"),
    ("AP708", "Steps: 35, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7"),
]


@pytest.mark.parametrize(("code", "line", "span", "message"), SETTINGS_FAILING)
def test_settings_rule_finds(code: str, line: str, span: tuple[int, int], message: str) -> None:
    text = f"1girl\n{line}\n"
    found = [(d.span, d.line, d.message) for d in lint_lines(text) if d.code == code]
    assert found == [((span[0] + 6, span[1] + 6), 2, message)]


@pytest.mark.parametrize(("code", "line"), SETTINGS_PASSING)
def test_settings_rule_passes(code: str, line: str) -> None:
    assert [d.message for d in lint_lines(f"1girl\n{line}\n") if d.code == code] == []


@pytest.mark.parametrize("code", [code for code in RULES if code.startswith("AP7")])
def test_settings_rule_examples(code: str) -> None:
    # The documented example is found, and what it says to use instead is not.
    rule = RULES[code]
    assert code in [d.code for d in lint_lines(rule.example)]
    assert code not in [d.code for d in lint_lines(rule.use_instead)]


@pytest.mark.parametrize(("code", "prompt", "options", "span", "message"), FAILING)
def test_rule_finds(
    code: str, prompt: str, options: dict[str, Any], span: tuple[int, int], message: str
) -> None:
    found = [(d.span, d.message) for d in lint(prompt, **options) if d.code == code]
    assert found == [(span, message)]


def test_a_duplicate_points_at_its_first_occurrence() -> None:
    (found,) = lint("1girl, smile, (smile:1.2)")
    assert (found.code, found.span, found.related) == ("AP601", (14, 25), (7, 12))
    assert found.to_dict()["related"] == {"span": [7, 12]}
    # lint_lines places both spans in the file: the second line's offsets
    (placed,) = lint_lines("1girl\nsolo, smile, smile\n", path="p.txt")
    assert (placed.line, placed.column, placed.span, placed.related) == (2, 14, (19, 24), (12, 17))


@pytest.mark.parametrize(("code", "prompt", "options"), PASSING)
def test_rule_passes(code: str, prompt: str, options: dict[str, Any]) -> None:
    assert [d.message for d in lint(prompt, **options) if d.code == code] == []


# --- the registry -------------------------------------------------------------------------


def test_every_rule_is_documented_and_has_both_cases() -> None:
    assert {case[0] for case in FAILING + SETTINGS_FAILING} == set(RULES)  # type: ignore[operator]
    assert {case[0] for case in PASSING + SETTINGS_PASSING} == set(RULES)  # type: ignore[operator]
    for code, rule in RULES.items():
        assert rule.code == code
        assert code[:3] in FAMILIES
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.name), code
        for text in (rule.summary, rule.what, rule.why, rule.example, rule.use_instead):
            assert text.strip(), code
    names = [rule.name for rule in RULES.values()]
    assert len(set(names)) == len(names)


def test_every_parser_repair_has_a_rule() -> None:
    for code in get_args(RepairCode):
        assert rule_for_repair(code).repair == code
    with pytest.raises(LookupError, match="no lint rule reports the parser repair 'new'"):
        rule_for_repair("new")


# Settings that give each of the card's warnings (codes, as Settings.warnings() names them).
WARNING_SETTINGS = [
    Settings(width=768, height=768),
    Settings(cfg_scale=13),
    Settings(steps=12),
    Settings(sampler="DPM++ 2M", steps=15),
    Settings(sampler="DDIM"),
    Settings(sampler="Euler A"),
    Settings(scheduler="karas"),
]


def test_every_settings_warning_has_a_rule() -> None:
    codes = {w.code for settings in WARNING_SETTINGS for w in settings.warnings()}
    rules = {rule.setting: code for code, rule in RULES.items() if rule.setting}
    assert codes == set(rules)
    for code in codes:
        assert rule_for_setting(code).code == rules[code]
    with pytest.raises(LookupError, match="no lint rule reports the settings warning 'new'"):
        rule_for_setting("new")


# The rules whose documented example is no prompt text of its own.
_EXAMPLE_NOT_A_PROMPT = {"AP104": "no float literal reads as infinite", "AP604": "two prompts"}


@pytest.mark.parametrize(
    "code", [code for code in RULES if code[:3] != "AP7" and code not in _EXAMPLE_NOT_A_PROMPT]
)
def test_prompt_rule_examples(code: str) -> None:
    # The documented example is found, and what it says to use instead is not.
    config = LintConfig(select=("ALL",), dialects=("a1111", "comfyui"))
    rule = RULES[code]
    assert code in [d.code for d in lint(rule.example, config=config)]
    assert code not in [d.code for d in lint(rule.use_instead, config=config)]


def test_rules_doc_is_current() -> None:
    # Regenerate with: python scripts/gen_rules_doc.py
    assert (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


# --- fixes --------------------------------------------------------------------------------

# (prompt, fixed): what fix() writes.
FIXES = [
    ("long_hair", "long hair"),
    ("Long  Hair, (Blue_Eyes:1.2)", "long hair, (blue eyes:1.2)"),
    ("(smile:1), ((smile))", "smile, (smile:1.21)"),
    ("[[smile]]", "(smile:0.8264463)"),
    ("bishop (chess), ganyu_(genshin_impact)", "1 ganyu \\(genshin impact\\), bishop \\(chess\\)"),
    ("gray hair", "grey hair"),
    ("1girl, smile, smile", "1girl, smile"),
    ("smile, 1girl BREAK best quality, by wlop", "1girl, smile BREAK by wlop, best quality"),
    ("<lora:x_y:0.8>, best_quality, 1girl", "<lora:x_y:0.8>, 1girl, best quality"),
    ("[long_hair:short_hair:5], 1girl", "[long_hair:short_hair:5], 1girl"),  # schedules stay
    ("(1girl, smile", "(1girl, smile"),  # nothing safe to do
    ("ganyu\uff08genshin impact\uff09", "ganyu\\(genshin impact\\)"),
    ("1girl, aspect 16:9", "1girl, (aspect 16:9:1)"),  # A1111 weights the prompt no more
    ("1girl, smile <lora:x:1> 16:9", "1girl, smile <lora:x:1> 16:9"),  # a network: left
    ("wlop, (Hatsune_Miku:1.1)", "by wlop, (1 hatsune miku:1.1)"),
    ("1 ganyu", "1 ganyu \\(genshin impact\\)"),
    ("ganyu", "1 ganyu \\(genshin impact\\)"),  # the alias, then the trigger
    ("1 saber", "1 saber"),  # two characters: nothing is guessed
    ("aardvark", "aardvark"),  # a bare name may be a plain word: only suggested
    ("a (white_hair:1.2) Dress, 1girl", "1girl, a (white hair:1.2) dress"),
    ("a [red_hair:blue:5] Dress", "a [red_hair:blue:5] Dress"),  # a schedule: left
]


@pytest.mark.parametrize(("prompt", "fixed"), FIXES)
def test_fix(prompt: str, fixed: str) -> None:
    assert fix(prompt) == fixed
    assert fix(fixed) == fixed  # idempotent
    assert [d for d in lint(fixed) if d.fix is not None] == []


# Words of a phrase's runs, spelled as the card does, and ways to misspell them.
RUN_WORDS = st.lists(st.sampled_from(["white", "long hair", "red dress", "ribbon"]), min_size=1)
MISSPELL = st.sampled_from([str.upper, str.title, lambda w: w.replace(" ", "_"), lambda w: w])


@given(
    before=RUN_WORDS,
    inside=RUN_WORDS,
    after=RUN_WORDS,
    spell=st.tuples(MISSPELL, MISSPELL, MISSPELL),
    wrap=st.sampled_from(["({}:1.2)", "[{}]", "(({}))"]),
)
def test_phrase_runs_are_respelled_one_by_one(
    before: list[str], inside: list[str], after: list[str], spell: Any, wrap: str
) -> None:
    # Each run of 'a (White_Hair:1.2) Dress' is fixed alone: the brackets and weights
    # stay, and the result is the phrase written with the card's spelling.
    runs = [" ".join(before), " ".join(inside), " ".join(after)]
    written = [change(run) for change, run in zip(spell, runs, strict=True)]
    prompt = f"{written[0]} {wrap.format(written[1])} {written[2]}"
    expected = f"{runs[0]} {wrap.format(runs[1])} {runs[2]}"
    found = [d for d in lint(prompt) if d.code in ("AP201", "AP204", "AP205")]
    assert {prompt[d.span[0] : d.span[1]] for d in found} == {
        text for text, run in zip(written, runs, strict=True) if text != run
    }
    assert fix(prompt, config=LintConfig(select=("AP2",))) == expected


# (code, prompt, its fix): the fixes that change A1111's reading on purpose, so the
# property test of tests/property/test_lint_properties.py leaves them out.
MEANING_CHANGES = [
    ("AP110", "1girl, aspect 16:9", "1girl, (aspect 16:9:1)"),
    ("AP206", "(wlop:1.2)", "(by wlop:1.2)"),
    ("AP207", "hatsune miku", "1 hatsune miku"),
    ("AP208", "1 ganyu", "1 ganyu \\(genshin impact\\)"),
]


@pytest.mark.parametrize(("code", "prompt", "fixed"), MEANING_CHANGES)
def test_fixes_that_change_the_reading(code: str, prompt: str, fixed: str) -> None:
    rule = RULES[code]
    assert (rule.fix, rule.keeps_meaning) == ("safe", False)
    assert fix(prompt, config=LintConfig(select=(code,))) == fixed
    assert [d.code for d in lint(fixed) if d.code == code] == []


def test_fix_only_the_selected_rules() -> None:
    config = LintConfig(select=("AP5",))
    assert fix("best_quality, ((smile))", config=config) == "best_quality, (smile:1.21)"


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "code", "enabled"),
    [
        (LintConfig(), "AP101", True),
        (LintConfig(), "AP504", False),  # an optional rule
        (LintConfig(select=("AP5",)), "AP504", True),
        (LintConfig(select=("AP1",)), "AP201", False),
        (LintConfig(ignore=("AP3",), select=("AP301",)), "AP301", True),  # longer wins
        (LintConfig(ignore=("AP301",), select=("AP3",)), "AP301", False),
        (LintConfig(ignore=("AP3",), select=("AP3",)), "AP302", False),  # a tie: ignore
        (LintConfig(select=("ALL",)), "AP504", True),
        (LintConfig(ignore=("ap4",)), "AP401", False),  # any case
    ],
)
def test_selection(config: LintConfig, code: str, enabled: bool) -> None:
    assert config.enabled(code) is enabled


def test_per_file_ignores() -> None:
    config = LintConfig(select=("AP401",), per_file_ignores={"drafts/*.txt": ["AP4"]})
    assert config.enabled("AP401", "drafts/a.txt") is False
    assert config.enabled("AP401", "final/a.txt") is True
    prompt = "best quality, 1girl"
    assert [d.code for d in lint(prompt, config=config, path="drafts/a.txt")] == []
    assert [d.code for d in lint(prompt, config=config, path="b.txt")] == ["AP401"]


def test_weight_range_setting() -> None:
    config = LintConfig(weight_range=(0.8, 1.2))
    assert [d.message for d in lint("(smile:1.3)", config=config)] == [
        "the weight 1.3 of 'smile' is outside 0.8 to 1.2"
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"select": ["XY"]}, "select: 'XY' is not a rule code or prefix"),
        ({"ignore": "AP1"}, "ignore: expected a list of code prefixes (got 'AP1')"),
        ({"weight_range": (2, 1)}, "weight-range: the low end 2 is above the high end 1"),
        ({"weight_range": (1,)}, "weight-range: expected two numbers [low, high] (got (1,))"),
        ({"dialects": ("compel",)},
         "dialects: 'compel' is not a dialect the linter reads (expected a1111 or comfyui)"),
        ({"order": "nope"},
         "order: unknown ordering preset 'nope'; known presets: caption, documented, style_last"),
    ],
)  # fmt: skip
def test_config_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(LintConfigError) as raised:
        LintConfig(**options)
    assert str(raised.value) == message


def test_load_lint_config(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        "[tool.aidxl-prompt.lint]\n"
        'select = ["AP1", "AP5"]\n'
        'ignore = ["AP501"]\n'
        "weight-range = [0.7, 1.3]\n"
        'dialects = ["a1111", "comfyui"]\n'
        '[tool.aidxl-prompt.lint.per-file-ignores]\n"old/*" = ["AP1"]\n',
        encoding="utf-8",
    )
    config = load_lint_config(path)
    assert config.enabled("AP502")
    assert not config.enabled("AP501")
    assert not config.enabled("AP201")
    assert config.weight_range == (0.7, 1.3)
    assert config.dialects == ("a1111", "comfyui")
    assert not config.enabled("AP101", "old/x.txt")
    empty = tmp_path / "empty.toml"
    empty.write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert load_lint_config(empty) == LintConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.aidxl-prompt.lint]\nselekt = []\n",
         "[tool.aidxl-prompt.lint] unknown key 'selekt'; did you mean 'select'?"),
        ("[tool.aidxl-prompt.lint]\nselect = ['XX']\n",
         "[tool.aidxl-prompt.lint] select: 'XX' is not a rule code or prefix"),
        ("[tool.aidxl-prompt.lint\n", "invalid TOML: "),
        ('[tool."aidxl\\u002Dprompt".lint]\nselekt = []\n',
         "[tool.aidxl-prompt.lint] unknown key 'selekt'; did you mean 'select'?"),
        ("[tool.aidxl-prompt.lint]\nselect = ['\xe9']\n".encode("latin-1"),
         "not UTF-8 text (byte 36)"),
    ],
)  # fmt: skip
def test_load_lint_config_errors(tmp_path: Path, text: str | bytes, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(LintConfigError) as raised:
        load_lint_config(path)
    assert str(raised.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    "text",
    [
        "[project\nname = 'x'\n",  # broken, but it cannot hold our table: not parsed
        b"[project]\nname = '\xe9'\n",
        "[tool.ruff]\nline-length = 99\n",
        "[tool.'aidxl_prompt'.lint]\nselect = ['XX']\n",  # another tool's name
    ],
)
def test_a_pyproject_that_cannot_name_us_is_not_parsed(tmp_path: Path, text: str | bytes) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    assert load_lint_config(path) == LintConfig()


def test_load_lint_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LintConfigError) as raised:
        load_lint_config(tmp_path / "nope.toml")
    assert (
        str(raised.value)
        == f"{tmp_path / 'nope.toml'}: cannot read file (No such file or directory)"
    )


# --- files and records --------------------------------------------------------------------


def test_lint_lines_maps_to_file_lines() -> None:
    text = "# prompts\n1girl, (smile\n\nlong_hair, 1girl\nNegative prompt: long hair\nSteps: 20\n"
    found = [(d.code, d.line, d.column, d.span, d.path) for d in lint_lines(text, path="p.txt")]
    assert found == [
        ("AP101", 2, 8, (17, 18), "p.txt"),
        ("AP201", 4, 1, (25, 34), "p.txt"),
        ("AP604", 4, 1, (25, 34), "p.txt"),
        ("AP401", 4, 12, (36, 41), "p.txt"),
    ]
    assert text[17:18] == "("


def test_a_settings_line_is_checked_only_when_a1111_reads_it() -> None:
    # A1111 reads a last line as settings only with three pairs or more.
    assert lint_lines("1girl\nSteps: 12\n") == []
    assert [d.code for d in lint_lines("1girl\nSteps: 12, Sampler: Euler a, Seed: 1")] == ["AP704"]


def test_settings_rules_follow_the_selection() -> None:
    text = "1girl\nSteps: 12, Sampler: Euler a, CFG scale: 13\n"
    assert [d.code for d in lint_lines(text)] == ["AP704", "AP703"]
    assert [d.code for d in lint_lines(text, config=LintConfig(ignore=("AP7",)))] == []
    only = LintConfig(select=("AP703",))
    assert [d.code for d in lint_settings(Settings(steps=12, cfg_scale=13), config=only)] == [
        "AP703"
    ]


def test_lint_settings() -> None:
    (found,) = lint_settings(Settings(cfg_scale=4), path="p.yaml")
    assert (found.code, found.name, found.span, found.line, found.column, found.path) == (
        "AP703",
        "cfg-out-of-range",
        (0, 0),
        1,
        1,
        "p.yaml",
    )
    assert found.severity is Severity.warning
    assert lint_settings(Settings()) == []


# (prompt file, preset files, [(code, line, column, text at the span)]): each warning at
# the key it is about
FILE_SETTINGS = [
    ("race: [elf]\nsettings:\n  cfg_scale: 13\n", {}, [("AP703", 3, 3, "cfg_scale: 13")]),
    (
        "settings: {width: 768, height: 768}\n",
        {},
        [("AP702", 1, 12, "width: 768")],
    ),  # the size: at the width
    (
        "settings:\n  preset: euler_a\n  seed: 1\n  steps: 12\n",
        {},
        [("AP704", 4, 3, "steps: 12")],
    ),
    (
        "extends: base\nsettings:\n  preset: dpmpp_2m_karras\n  height: 1248\n",
        {"base": "settings: {steps: 50, width: 832}"},
        [],
    ),  # the file's preset writes its steps over the preset file's
    (
        "extends: base\nsettings: {preset: dpmpp_2m_karras, scheduler: Exponential}\n",
        {"base": "settings: {width: 768, height: 768}"},
        [("AP702", 1, 1, "extends: base"), ("AP706", 2, 12, "preset: dpmpp_2m_karras")],
    ),  # the size came from the preset file, the sampler from the block's preset
    (
        "settings:\n  sampler: DPM++ 2M\n  scheduler: Karras\n",
        {},
        [("AP705", 1, 1, "settings")],
    ),  # the default steps, left as they are: at the block
    (
        "race: [elf]\nextends: base\n",
        {"base": "settings: {steps: 5}"},
        [("AP704", 2, 1, "extends: base")],
    ),  # settings only from a preset: at extends
    (
        "extends: [{choose: [base, other]}]\nsettings: {cfg_scale: 4}\n",
        {"base": "settings: {steps: 5}", "other": "race: [elf]"},
        [("AP703", 2, 12, "cfg_scale: 4")],
    ),  # a choice between presets: the file's own block
    ("race: [elf]\n", {}, []),
    (
        "\ufeffrace: [elf]\nsettings:\n  cfg_scale: 13\n",
        {},
        [("AP703", 3, 3, "cfg_scale: 13")],
    ),  # a byte-order mark: libyaml's offsets leave it out
]


@pytest.mark.parametrize(("text", "presets", "expected"), FILE_SETTINGS)
def test_lint_prompt_file_settings(
    tmp_path: Path, text: str, presets: dict[str, str], expected: list[tuple[Any, ...]]
) -> None:
    for name, body in presets.items():
        (tmp_path / f"{name}.yaml").write_text(body + "\n", encoding="utf-8")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    found = lint_prompt_file_settings(text, path="p.yaml", library=library)
    assert [(d.code, d.line, d.column, text[d.span[0] : d.span[1]]) for d in found] == expected
    assert {d.path for d in found} <= {"p.yaml"}


def test_lint_prompt_file_settings_of_a_file_that_does_not_read() -> None:
    with pytest.raises(PromptFileError) as raised:
        lint_prompt_file_settings("settings: {width: 1000}\n", path="p.yaml")
    assert str(raised.value) == (
        "p.yaml:1: settings.width: 1000 is not a multiple of 32; the nearest valid widths are "
        '992 and 1024 (card: "...multiples of 32")'
    )


def test_negative_prompt_skips_positive_only_rules() -> None:
    assert [d.code for d in lint("worst quality, 1girl, wlop", is_negative=True)] == []


def test_lint_a_prompt_object() -> None:
    from aidxl_prompt import parse

    assert [d.code for d in lint(parse("1girl, long hair, very long hair"))] == ["AP602"]


def test_diagnostic_json_shape() -> None:
    (found,) = lint("(smile:1)")
    assert json.loads(json.dumps(found.to_dict())) == {
        "code": "AP502",
        "name": "redundant-weight",
        "message": "'(smile:1)' has the weight 1, which changes nothing",
        "severity": "warning",
        "path": None,
        "line": 1,
        "column": 1,
        "span": [0, 9],
        "slot": "expression",
        "suggestion": "smile",
        "fix": {"span": [0, 9], "replacement": "smile"},
        "related": None,
    }


def test_diagnostic_is_immutable() -> None:
    found = Diagnostic("AP101", "unclosed-bracket", "m", (0, 1), Severity.error)
    with pytest.raises(AttributeError):
        found.code = "AP102"  # type: ignore[misc]
    assert Fix((0, 1), "").apply("(a") == "a"


# --- the slot column's shortcut for plainly written Danbooru tags -------------------------

# How each sampled tag is written: bare, weighted, and the forms the shortcut leaves to
# the rules (weight 1, emphasis, escapes, underscores).
_WRITTEN = ("{}", "({}:1.2)", "({}:.5)", "({}:0)", "({}:1)", "({}:1.0)", "(({}))", "({})", "[{}]")


def _sampled_tags() -> list[str]:
    from aidxl_prompt.vocab.vocabulary import embedded_table

    names = embedded_table().tags_data.decode("utf-8").splitlines()
    sample = [line.partition("\t")[0] for line in names[::97]]
    # and the kinds the shortcut must leave to the rules: meta, quality, artist, character
    return [*sample, "highres", "best quality", "masterpiece", "wlop", "ganyu (genshin impact)"]


@pytest.mark.parametrize("dialect", ["a1111", "comfyui"])
def test_the_shortcut_for_plain_tags_says_what_every_rule_says(dialect: str) -> None:
    from aidxl_prompt.lint._units import tag_facts, unit_facts
    from aidxl_prompt.model.items import Tag
    from aidxl_prompt.model.parser import parse_items
    from aidxl_prompt.syntax.normalize import escape
    from aidxl_prompt.vocab.vocabulary import Vocabulary

    vocabulary = Vocabulary.default()
    compared = 0
    for name in _sampled_tags():
        for form in (*_WRITTEN, name.replace(" ", "_")):
            raw = form.format(escape(name, dialect)) if "{}" in form else form
            items = tuple(parse_items(raw, dialect).items)  # type: ignore[arg-type]
            if not items or type(items[0]) is not Tag:
                continue
            shortcut = unit_facts(raw, items, dialect, vocabulary)  # type: ignore[arg-type]
            assert shortcut == tag_facts(raw, items, dialect, vocabulary), raw  # type: ignore[arg-type]
            compared += 1
    assert compared > 10_000
