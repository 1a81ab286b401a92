"""Tag and control items, the slotted Prompt, and the short forms it accepts."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from pydantic import ValidationError

from aidxl_prompt.models import (
    And,
    Break,
    ExtraNetwork,
    Prompt,
    Schedule,
    Tag,
    coerce_item,
)
from aidxl_prompt.ordering import Ordering, Slot

# (keyword arguments, field, pydantic message)
TAG_ERRORS: list[tuple[dict[str, Any], str, str]] = [
    ({"text": ""}, "text", "Value error, a tag's text may not be empty (got '')"),  # empty
    ({"text": "_"}, "text", "Value error, a tag's text may not be empty (got '_')"),  # ~empty
    ({"text": "  "}, "text", "Value error, a tag's text may not be empty (got '  ')"),  # blank
    (
        {"text": "a,b"},
        "text",
        "Value error, a tag's text may not contain a comma (got 'a,b')",
    ),  # a comma
    (
        {"text": "a\uff0cb"},
        "text",
        "Value error, a tag's text may not contain a comma (got 'a\uff0cb')",
    ),  # a full-width comma is a comma after NFKC
    (
        {"text": "a", "weight": math.nan},
        "weight",
        "Value error, a tag's weight must be a finite number (got nan)",
    ),  # NaN
    (
        {"text": "a", "weight": math.inf},
        "weight",
        "Value error, a tag's weight must be a finite number (got inf)",
    ),  # inf
    (
        {"text": "a", "weight": -math.inf},
        "weight",
        "Value error, a tag's weight must be a finite number (got -inf)",
    ),  # -inf
    ({"text": 3}, "text", "Input should be a valid string"),  # not a string
    ({}, "text", "Field required"),  # no text
    ({"text": "a", "colour": 1}, "colour", "Extra inputs are not permitted"),  # extra field
]


@pytest.mark.parametrize(("kwargs", "field", "message"), TAG_ERRORS)
def test_tag_validation(kwargs: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Tag(**kwargs)
    errors = info.value.errors()
    assert len(errors) == 1
    assert (errors[0]["loc"], errors[0]["msg"]) == ((field,), message)


def test_tag_validation_positional() -> None:
    with pytest.raises(ValidationError) as info:
        Tag("a", math.nan)
    assert info.value.errors()[0]["msg"] == (
        "Value error, a tag's weight must be a finite number (got nan)"
    )


# (tag, text, weight)
TAG_FORMS = [
    (Tag("smile"), "smile", 1.0),  # positional text
    (Tag("smile", 1.1), "smile", 1.1),  # positional text and weight
    (Tag(text="smile", weight=1.1), "smile", 1.1),  # keywords
    (Tag("Bishop_(Chess)", 0.9), "bishop (chess)", 0.9),  # canonicalised on construction
    (Tag("by ask", 0), "by ask", 0.0),  # zero is a weight
    (Tag("a", -2), "a", -2.0),  # so is a negative
    (Tag.model_validate({"text": "a", "weight": "1.5"}), "a", 1.5),  # lax numbers
]


@pytest.mark.parametrize(("tag", "text", "weight"), TAG_FORMS)
def test_tag_forms(tag: Tag, text: str, weight: float) -> None:
    assert (tag.text, tag.weight) == (text, weight)
    assert str(tag) == text


def test_tag_is_frozen_and_compares_on_canonical_form() -> None:
    tag = Tag("long_hair", 1.2)
    with pytest.raises(ValidationError, match="frozen"):
        tag.weight = 2.0  # type: ignore[misc]
    assert tag == Tag("Long Hair", 1.2)
    assert hash(tag) == hash(Tag("long  hair", 1.2))
    assert tag != Tag("long hair", 1.1)
    assert len({Tag("a"), Tag("A"), Tag("a", 1.0), Tag("a", 2.0)}) == 2
    assert tag.with_weight(0.9) == Tag("long hair", 0.9)


# --- control items ---------------------------------------------------------------------


# (token, network, args, name, multiplier)
NETWORKS = [
    ("<lora:AIDXL_Style:0.8>", "lora", ("AIDXL_Style", "0.8"), "AIDXL_Style", 0.8),  # case kept
    ("<lora:x>", "lora", ("x",), "x", None),  # no multiplier
    ("<lyco:x:abc>", "lyco", ("x", "abc"), "x", None),  # not numeric
    ("<lora:x:inf>", "lora", ("x", "inf"), "x", None),  # not finite
    ("<hypernet:h:1:2>", "hypernet", ("h", "1", "2"), "h", 1.0),  # extra args
]


@pytest.mark.parametrize(("token", "network", "args", "name", "multiplier"), NETWORKS)
def test_extra_network(
    token: str, network: str, args: tuple[str, ...], name: str, multiplier: float | None
) -> None:
    item = ExtraNetwork(text=token)
    assert (item.network, item.args, item.name, item.multiplier) == (
        network,
        args,
        name,
        multiplier,
    )
    assert str(item) == token


@pytest.mark.parametrize("token", ["lora:x", "<lora:>", "<:x>", "<lora x>", "<lora:x> y"])
def test_extra_network_rejects(token: str) -> None:
    with pytest.raises(ValidationError) as info:
        ExtraNetwork(text=token)
    assert info.value.errors()[0]["msg"] == (
        f"Value error, not an extra-network token of the form <kind:name[:weight]>: {token!r}"
    )


@pytest.mark.parametrize("text", ["[a:b:10]", "[a|b]", "[a:5]", "[a::5]", "[[a:b:3]:c:5]"])
def test_schedule_keeps_text(text: str) -> None:
    assert str(Schedule(text=text)) == text
    assert Schedule(text=text, weight=1.1).weight == 1.1


_NOT_A_SCHEDULE = (
    "Value error, a schedule is one bracket group [a:b:N], [a:N], [a::N] or [a|b] "
    "with balanced brackets inside: {}"
)

# (keyword arguments, pydantic message)
SCHEDULE_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"text": "[]"}, _NOT_A_SCHEDULE.format("'[]'")),  # empty
    ({"text": "a:b:5"}, _NOT_A_SCHEDULE.format("'a:b:5'")),  # bare
    ({"text": "[a:5"}, _NOT_A_SCHEDULE.format("'[a:5'")),  # open
    ({"text": "[a]"}, _NOT_A_SCHEDULE.format("'[a]'")),  # emphasis, not a schedule
    ({"text": "[a]|[b:c:5]"}, _NOT_A_SCHEDULE.format("'[a]|[b:c:5]'")),  # two groups
    ({"text": "[a:b:c:5]"}, _NOT_A_SCHEDULE.format("'[a:b:c:5]'")),  # too many colons
    ({"text": "[a:b]"}, _NOT_A_SCHEDULE.format("'[a:b]'")),  # no step number
    (
        {"text": "[a:5]", "weight": math.nan},
        "Value error, a schedule's weight must be a finite number (got nan)",
    ),  # NaN weight
]


@pytest.mark.parametrize(("kwargs", "message"), SCHEDULE_ERRORS)
def test_schedule_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Schedule(**kwargs)
    assert info.value.errors()[0]["msg"] == message


def test_keywords_print_as_themselves() -> None:
    assert (str(Break()), str(And())) == ("BREAK", "AND")
    assert Break() == Break()


# --- coerce_item and Prompt short forms ------------------------------------------------

# (short form, item)
SHORT_FORMS: list[tuple[Any, Any]] = [
    ("smile", Tag("smile")),  # a string
    (("smile", 1.1), Tag("smile", 1.1)),  # a pair
    (["smile", 1.1], Tag("smile", 1.1)),  # a list pair (from YAML)
    ({"smile": 1.1}, Tag("smile", 1.1)),  # {tag: weight}
    ({"smile": None}, Tag("smile")),  # {tag:} in YAML
    ({"text": "smile", "weight": 0.5}, Tag("smile", 0.5)),  # the model's own fields
    ({"kind": "break"}, Break()),  # a keyword
    ({"kind": "schedule", "text": "[a:b:5]"}, Schedule(text="[a:b:5]")),  # a schedule
    (Tag("smile", 2), Tag("smile", 2)),  # an item itself
]


@pytest.mark.parametrize(("value", "item"), SHORT_FORMS)
def test_coerce_item(value: Any, item: Any) -> None:
    assert coerce_item(value) == item


@pytest.mark.parametrize("value", [3, ("a", 1, 2), {"a": 1, "b": 2}, None])
def test_coerce_item_rejects(value: Any) -> None:
    message = (
        f"expected a tag as 'text', ('text', weight), {{'text': weight}} or a Tag, not {value!r}"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        coerce_item(value)


def test_prompt_short_forms() -> None:
    p = Prompt(
        art_style="by ask",  # one string is one tag
        character=[("1 frieren (sousou no frieren)", 1.2)],
        quality=[{"best quality": 1.2}, Tag("amazing quality", 1.5)],
        secondary_description=["birds", "cloud"],
        negative=["worst quality"],
        networks=[ExtraNetwork(text="<lora:x:0.5>")],
    )
    assert p.art_style == [Tag("by ask")]
    assert p.character == [Tag("1 frieren (sousou no frieren)", 1.2)]
    assert p.quality == [Tag("best quality", 1.2), Tag("amazing quality", 1.5)]
    assert p.slot(Slot.secondary_description) == [Tag("birds"), Tag("cloud")]
    assert p.slot("secondary description") == p.secondary_description
    assert p.negative == [Tag("worst quality")]


def test_prompt_networks_accept_their_mapping_form() -> None:
    p = Prompt(networks=[{"kind": "extra_network", "text": "<lora:x:0.5>"}])
    assert p.networks == [ExtraNetwork(text="<lora:x:0.5>")]


def test_prompt_assignment_is_validated() -> None:
    p = Prompt()
    p.quality = ["best_quality", ("amazing quality", 1.5)]  # type: ignore[list-item]
    assert p.quality == [Tag("best quality"), Tag("amazing quality", 1.5)]
    with pytest.raises(ValidationError) as info:
        p.quality = ["a,b"]  # type: ignore[list-item]
    assert info.value.errors()[0]["msg"] == (
        "Value error, quality[0]: text: a tag's text may not contain a comma (got 'a,b')"
    )
    assert p.quality == [Tag("best quality"), Tag("amazing quality", 1.5)]  # unchanged


# (keyword arguments, first pydantic message)
PROMPT_ERRORS: list[tuple[dict[str, Any], str]] = [
    (
        {"quality": [3]},
        "Value error, quality[0]: expected a tag as 'text', ('text', weight), "
        "{'text': weight} or a Tag, not 3",
    ),  # not a tag
    (
        {"quality": ["ok", ("x", math.inf)]},
        "Value error, quality[1]: weight: a tag's weight must be a finite number (got inf)",
    ),  # the index of the bad item
    (
        {"quality": [ExtraNetwork(text="<lora:x:1>")]},
        "Value error, quality[0] is a ExtraNetwork; expected Tag or Break or And or Schedule",
    ),  # networks go to `networks`
    (
        {"networks": ["x"]},
        "Value error, networks[0] is a Tag; expected ExtraNetwork",
    ),  # and only there
    ({"colour": ["x"]}, "Extra inputs are not permitted"),  # no such slot
]


@pytest.mark.parametrize(("kwargs", "message"), PROMPT_ERRORS)
def test_prompt_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Prompt(**kwargs)
    assert info.value.errors()[0]["msg"] == message


def test_prompt_fields_are_the_slots() -> None:
    fields = list(Prompt.model_fields)
    assert fields == [*(slot.value for slot in Slot), "negative", "networks"]


def _card_prompt() -> Prompt:
    return Prompt(
        quality=[("best quality", 1.2)],
        art_style=["by xxx"],
        secondary_description=["birds"],
        character=["1 frieren (sousou no frieren)"],
        networks=[ExtraNetwork(text="<lora:style:0.8>")],
        negative=["worst quality"],
    )


def test_prompt_items_in_order_networks_last() -> None:
    p = _card_prompt()
    assert p.items() == [
        Tag("by xxx"),
        Tag("1 frieren (sousou no frieren)"),
        Tag("best quality", 1.2),
        Tag("birds"),
        ExtraNetwork(text="<lora:style:0.8>"),
    ]
    assert p.items("style_last")[-2:] == [Tag("by xxx"), ExtraNetwork(text="<lora:style:0.8>")]
    assert [t.text for t in p.tags(Ordering.preset("style_last"))] == [
        "1 frieren (sousou no frieren)",
        "best quality",
        "birds",
        "by xxx",
    ]
    assert [t.text for t in p.tags(list(Slot)[::-1])] == [
        "birds",
        "best quality",
        "1 frieren (sousou no frieren)",
        "by xxx",
    ]
    assert Tag("worst quality") not in p.tags()  # the negative is not positive


def test_prompt_tags_leave_control_items_out() -> None:
    p = Prompt(action=["sitting", Break(), "holding"], networks=[ExtraNetwork(text="<a:b>")])
    assert p.items() == [Tag("sitting"), Break(), Tag("holding"), ExtraNetwork(text="<a:b>")]
    assert p.tags() == [Tag("sitting"), Tag("holding")]


def test_prompt_render_shortcut() -> None:
    p = _card_prompt()
    assert p.render() == (
        "by xxx, 1 frieren \\(sousou no frieren\\), (best quality:1.2), birds, <lora:style:0.8>"
    )
    assert p.render("comfyui", order="style_last") == (
        "1 frieren \\(sousou no frieren\\), (best quality:1.2), birds, by xxx"
    )
    assert p.render_negative() == "worst quality"


def test_prompt_is_empty() -> None:
    assert Prompt().is_empty()
    assert not Prompt(negative=["x"]).is_empty()
    assert not Prompt(networks=[ExtraNetwork(text="<lora:x:1>")]).is_empty()
