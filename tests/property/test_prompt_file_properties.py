"""Property: any Prompt (with any Settings) written with prompt_to_yaml loads back equal."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidxl_prompt.card.settings import Settings, sampler_table, scheduler_table
from aidxl_prompt.files.prompt_file import (
    CONTENT_FIELDS,
    SLOT_FIELDS,
    TAG_FIELDS,
    load_prompt_text,
    parse_prompt_text,
    prompt_to_yaml,
)
from aidxl_prompt.model.items import Break, ExtraNetwork, Phrase, Schedule, Tag
from aidxl_prompt.model.prompt import Prompt, Section
from aidxl_prompt.syntax.normalize import format_weight, normalize_tag

# Characters that stress YAML quoting and our own forms: brackets, colons, quotes,
# YAML indicators, "by " and " quality" words, digits, backslashes, non-ASCII.
_ALPHABET = st.sampled_from(list("abyz qulitAZ019 ()[]{}:#&*!|>'\"%@`-_?\\\u00e9\u3042\uff08"))
_WORDS = st.sampled_from(
    ["by ", "quality", "amazing", "impasto", "flat color", "text", "weight", "kind", "yes", "null"]
)
_TEXT = st.lists(st.one_of(_ALPHABET, _WORDS), min_size=1, max_size=12).map("".join)
_WEIGHT = st.one_of(
    st.just(1.0),
    st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.9, 1.1, 1.5, 1.21, 0.0, -1.0, 2.0]),
)


def _valid_tag_text(text: str) -> bool:
    canonical = normalize_tag(text)
    return bool(canonical) and "," not in canonical


_TAG = st.builds(
    lambda text, weight: Tag(text=text, weight=weight),
    _TEXT.filter(_valid_tag_text),
    _WEIGHT,
)
_SCHEDULE_TEXT = st.one_of(
    st.builds(
        lambda a, b, n: f"[{a}:{b}:{n}]",
        st.sampled_from(["a", "b c", ""]),
        st.sampled_from(["x", "y z"]),
        st.integers(0, 40),
    ),
    st.builds(lambda a, b: f"[{a}|{b}]", st.sampled_from(["a", "b c"]), st.sampled_from(["x", ""])),
)
_SCHEDULE = st.builds(
    lambda text, weight: Schedule(text=text, weight=weight), _SCHEDULE_TEXT, _WEIGHT
)
_PHRASE = st.builds(
    lambda a, w, b: Phrase(parts=[f"{a} ", (b, w), " dress"]),
    st.sampled_from(["a", "long", "red"]),
    # A phrase is written in A1111 syntax, its weights as the float32 the tools read:
    # weights with a short decimal form come back as the same double.
    st.decimals(-5, 5, places=3).map(float).filter(lambda weight: format_weight(weight) != "1"),
    st.sampled_from(["white", "black", "frilled"]),
)
_ITEM = st.one_of(_TAG, _TAG, _TAG, _SCHEDULE, _PHRASE)
_NEGATIVE_ITEM = st.one_of(_TAG, _TAG, st.just(Break()), _PHRASE)
_NETWORK = st.builds(
    lambda name, weight: ExtraNetwork(text=f"<lora:{name}:{weight}>"),
    st.from_regex(r"[A-Za-z0-9_]{1,8}", fullmatch=True),
    st.sampled_from(["0.8", "1", "0.55"]),
)


@st.composite
def prompts(draw: st.DrawFn) -> Prompt:
    fields: dict[str, Any] = {}
    for field in draw(st.lists(st.sampled_from(TAG_FIELDS), max_size=6, unique=True)):
        items = _NEGATIVE_ITEM if field == "negative" else _ITEM
        fields[field] = draw(st.lists(items, min_size=1, max_size=4))
    if draw(st.booleans()):
        fields["networks"] = draw(st.lists(_NETWORK, min_size=1, max_size=2))
    sections = []
    for joiner in draw(st.lists(st.sampled_from(["BREAK", "AND"]), max_size=3)):
        slots = draw(st.lists(st.sampled_from(SLOT_FIELDS), max_size=2, unique=True))
        weight = draw(_WEIGHT) if joiner == "AND" else 1.0
        section = {slot: draw(st.lists(_ITEM, min_size=1, max_size=2)) for slot in slots}
        sections.append(Section(joiner=joiner, weight=weight, **section))
    fields["sections"] = sections
    fields["weight"] = draw(_WEIGHT)
    return Prompt.model_validate(fields)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(prompts())
def test_yaml_round_trip(prompt: Prompt) -> None:
    text = prompt_to_yaml(prompt)
    assert load_prompt_text(text) == prompt


@settings(max_examples=30, deadline=None)
@given(prompts())
def test_yaml_is_a_fixed_point_after_one_pass(prompt: Prompt) -> None:
    text = prompt_to_yaml(prompt)
    assert prompt_to_yaml(load_prompt_text(text)) == text


_SIDE = st.integers(min_value=8, max_value=256).map(lambda n: n * 32)
_COUNT = st.integers(min_value=1, max_value=10**6)
_NAME = st.one_of(
    st.sampled_from([*sampler_table(), *scheduler_table(), "DPM++ 2M Karras"]),
    _TEXT.map(str.strip).filter(bool),
)
_SETTING = {
    "width": _SIDE,
    "height": _SIDE,
    "cfg_scale": st.floats(min_value=0, max_value=1e6, allow_nan=False) | st.integers(0, 30),
    "steps": _COUNT,
    "sampler": _NAME,
    "scheduler": _NAME,
    "seed": st.integers(min_value=-1, max_value=2**64),
    "batch_size": _COUNT,
    "clip_skip": _COUNT,
}


@st.composite
def settings_of_any_fields(draw: st.DrawFn) -> Settings:
    """Settings given any subset of the fields, or a preset and some of them."""
    names = draw(st.lists(st.sampled_from(sorted(_SETTING)), unique=True))
    fields = {name: draw(_SETTING[name]) for name in names}
    if draw(st.booleans()):
        return Settings.preset(draw(st.sampled_from(["euler_a", "dpmpp_2m_karras"])), **fields)
    return Settings(**fields)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(prompts(), settings_of_any_fields())
def test_settings_round_trip(prompt: Prompt, given_settings: Settings) -> None:
    text = prompt_to_yaml(prompt, given_settings)
    document = parse_prompt_text(text)
    assert document.settings is not None
    assert document.settings == given_settings
    assert document.settings.model_fields_set == given_settings.model_fields_set
    assert document.resolve() == prompt
    assert prompt_to_yaml(document.resolve(), document.settings) == text  # a fixed point


def test_every_content_field_is_written() -> None:
    # A guard for the property above: the writer knows every field the model has.
    assert {*CONTENT_FIELDS, "sections", "weight"} == set(Prompt.model_fields)
