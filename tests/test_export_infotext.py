"""A1111 infotext: written (golden), read back as A1111 reads it, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidxl_prompt.card.settings import Settings, SettingsError
from aidxl_prompt.compose import parse
from aidxl_prompt.errors import PromptValueError, RenderError
from aidxl_prompt.export.infotext import (
    Infotext,
    format_infotext,
    parse_infotext,
    settings_parameters,
)
from aidxl_prompt.files.prompt_file import load_prompt_file

CASES = Path(__file__).parent / "cases" / "export"
GOLDEN_SETTINGS = Settings.preset(
    "dpmpp_2m_karras", width=832, height=1248, seed=1234567890, clip_skip=2
)


def test_golden_infotext() -> None:
    prompt = load_prompt_file(CASES / "frieren.yaml")
    text = format_infotext(
        prompt,
        GOLDEN_SETTINGS,
        extra={"Model": "animeIllustDiffusionXL_v08", "Lora hashes": "aidxl_detail: 0123abcd"},
    )
    assert text + "\n" == (CASES / "frieren.infotext.txt").read_text(encoding="utf-8")
    info = parse_infotext(text)
    assert info.settings() == GOLDEN_SETTINGS
    assert info.lora_hashes() == {"aidxl_detail": "0123abcd"}
    assert info.to_text() == text
    # the prompt read back renders the same, its negative too
    again = info.to_prompt()
    assert again.render() == prompt.render()
    assert again.render_negative() == prompt.render_negative()


# A pasted infotext and what A1111's parse_generation_parameters reads from it:
# (text, prompt, negative prompt, parameters)
READ_CASES: list[tuple[str, str, str, tuple[tuple[str, str], ...]]] = [
    (  # the usual three parts
        "1girl, smile\nNegative prompt: lowres\nSteps: 20, Sampler: Euler a, CFG scale: 7",
        "1girl, smile",
        "lowres",
        (("Steps", "20"), ("Sampler", "Euler a"), ("CFG scale", "7")),
    ),
    (  # multi-line prompt and negative; lines are stripped
        "1girl,\n  smile  \nNegative prompt:   lowres,\nbad hands\n"
        "Steps: 1, Seed: 2, Size: 256x256",
        "1girl,\nsmile",
        "lowres,\nbad hands",
        (("Steps", "1"), ("Seed", "2"), ("Size", "256x256")),
    ),
    (  # quoted values with commas and colons; unknown keys kept in order
        'a\nSteps: 20, Lora hashes: "x: ab12, y: cd34", TI hashes: "emb: 99ff", Foo Bar: 1/2',
        "a",
        "",
        (
            ("Steps", "20"),
            ("Lora hashes", "x: ab12, y: cd34"),
            ("TI hashes", "emb: 99ff"),
            ("Foo Bar", "1/2"),
        ),
    ),
    (  # a quoted value with an escaped quote and a line break
        'a\nSteps: 20, Note: "say \\"hi\\"\\nbye", Seed: 1',
        "a",
        "",
        (("Steps", "20"), ("Note", 'say "hi"\nbye'), ("Seed", "1")),
    ),
    (  # fewer than three pairs on the last line: it is part of the prompt
        "score: 9, aspect: 16",
        "score: 9, aspect: 16",
        "",
        (),
    ),
    (  # no negative prompt, Windows line ends
        "1girl\r\nSteps: 28, Sampler: DPM++ 2M, Schedule type: Karras",
        "1girl",
        "",
        (("Steps", "28"), ("Sampler", "DPM++ 2M"), ("Schedule type", "Karras")),
    ),
    (  # only a negative prompt
        "Negative prompt: lowres\nSteps: 28, Sampler: Euler a, Seed: 3",
        "",
        "lowres",
        (("Steps", "28"), ("Sampler", "Euler a"), ("Seed", "3")),
    ),
    ("", "", "", ()),  # nothing at all
]


@pytest.mark.parametrize(("text", "prompt", "negative", "parameters"), READ_CASES)
def test_read_as_a1111_does(
    text: str, prompt: str, negative: str, parameters: tuple[tuple[str, str], ...]
) -> None:
    info = parse_infotext(text)
    assert (info.prompt, info.negative_prompt, info.parameters) == (prompt, negative, parameters)


def test_hashes_and_extra() -> None:
    info = parse_infotext(READ_CASES[2][0])
    assert info.lora_hashes() == {"x": "ab12", "y": "cd34"}
    assert info.ti_hashes() == {"emb": "99ff"}
    assert info.extra() == {
        "Lora hashes": "x: ab12, y: cd34",
        "TI hashes": "emb: 99ff",
        "Foo Bar": "1/2",
    }
    assert parse_infotext("a").lora_hashes() == {}
    assert info.get("Steps") == "20"
    assert info.get("Missing", "default") == "default"


# (parameters line, settings read)
SETTINGS_CASES: list[tuple[str, Settings]] = [
    (
        "Steps: 35, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 7, "
        "Size: 832x1248, Clip skip: 2",
        Settings(
            steps=35,
            sampler="DPM++ 2M",
            scheduler="Karras",
            cfg_scale=6.5,
            seed=7,
            width=832,
            height=1248,
            clip_skip=2,
        ),
    ),
    (  # A1111 before v1.9: the schedule in the sampler's name
        "Steps: 35, Sampler: DPM++ 2M Karras, CFG scale: 7.0, Seed: 1",
        Settings(steps=35, sampler="DPM++ 2M", scheduler="Karras", seed=1),
    ),
    ("Model: x, VAE: y, Version: v1.10.1", Settings()),  # missing keys: the defaults
]


@pytest.mark.parametrize(("line", "expected"), SETTINGS_CASES)
def test_settings_read(line: str, expected: Settings) -> None:
    assert parse_infotext("1girl\n" + line).settings() == expected


# (parameters line, the whole error)
SETTINGS_ERRORS: list[tuple[str, str]] = [
    (  # an SD 1.5 size the card forbids
        "Steps: 20, Seed: 1, Size: 500x512",
        "Settings: width: 500 is not a multiple of 32; the nearest valid widths are 480 and "
        '512 (card: "...multiples of 32")',
    ),
    ("Steps: many, Seed: 1, Size: 512x512", "Settings: steps: must be a whole number (got 'many')"),
    (
        "Steps: 20, CFG scale: high, Size: 512x512",
        "Settings: cfg_scale: Input should be a valid number, unable to parse string as a "
        "number (got 'high')",
    ),
]


@pytest.mark.parametrize(("line", "message"), SETTINGS_ERRORS)
def test_bad_settings_name_the_rule(line: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_infotext("1girl\n" + line).settings()
    assert str(caught.value) == message


def test_a_size_that_is_not_a_size() -> None:
    with pytest.raises(PromptValueError) as caught:
        parse_infotext("a\nSteps: 1, Seed: 2, Size: big").settings()
    assert str(caught.value) == "infotext: Size: expected WIDTHxHEIGHT (got 'big')"


def test_writing_refuses_keys_a1111_cannot_read() -> None:
    with pytest.raises(RenderError) as caught:
        format_infotext(parse("a"), Settings(), extra={"a:b": "c"})
    assert str(caught.value) == (
        "infotext key 'a:b' cannot be written: A1111 reads keys of 2 or more letters, digits, "
        "spaces, '-' and '/'"
    )
    with pytest.raises(RenderError) as caught:
        format_infotext(parse("a"), Settings(), extra={"Seed": 3})
    assert str(caught.value) == "infotext key 'Seed' comes from the settings; set it there"


def test_negative_text_a_prompt_cannot_hold_is_refused() -> None:
    with pytest.raises(PromptValueError) as caught:
        parse_infotext("a\nNegative prompt: x AND y").to_prompt()
    assert str(caught.value) == (
        "negative prompt: extra networks, AND and sub-prompt weights are plain text in "
        "A1111's negative prompt and cannot be kept in a Prompt's negative (got 'x AND y')"
    )


def test_settings_parameters_follow_a1111() -> None:
    assert settings_parameters(Settings(cfg_scale=6.5, clip_skip=1)) == [
        ("Steps", "28"),
        ("Sampler", "Euler a"),
        ("Schedule type", "Automatic"),
        ("CFG scale", "6.5"),
        ("Seed", "-1"),
        ("Size", "1024x1024"),
    ]


# --- round trips -------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    max_size=20,
)
_LINE = _TEXT.map(str.strip).filter(lambda line: not line.startswith("Negative prompt:"))
_BLOCK = st.lists(_LINE, min_size=1, max_size=3).map("\n".join).map(str.strip)
_SETTINGS_KEYS = {key for key, _ in settings_parameters(Settings(clip_skip=2))}
_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9 /-]{0,10}[A-Za-z0-9]", fullmatch=True).filter(
    lambda key: key not in _SETTINGS_KEYS
)
_VALUE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(
    prompt=_BLOCK,
    negative=_BLOCK,
    extra=st.lists(st.tuples(_KEY, _VALUE), max_size=4),
    seed=st.integers(min_value=-1, max_value=2**32),
    cfg=st.floats(min_value=0, max_value=30, allow_nan=False),
)
def test_infotext_round_trip(
    prompt: str, negative: str, extra: list[tuple[str, str]], seed: int, cfg: float
) -> None:
    settings = Settings(seed=seed, cfg_scale=cfg)
    parameters = (*settings_parameters(settings), *extra)
    info = Infotext(prompt=prompt, negative_prompt=negative, parameters=parameters)
    again = parse_infotext(info.to_text())
    assert again == info
    assert again.settings() == settings
    assert again.to_text() == info.to_text()
