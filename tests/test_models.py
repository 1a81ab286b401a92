"""Tag and control items, the slotted Prompt, and the short forms it accepts."""

from __future__ import annotations

import copy
import math
import pickle
import re
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from aidxl_prompt.card.forms import ArtStyle
from aidxl_prompt.card.words import Quality
from aidxl_prompt.errors import PromptValueError
from aidxl_prompt.model.items import (
    And,
    Break,
    ExtraNetwork,
    NegativeList,
    NetworkList,
    Phrase,
    PromptWeight,
    Run,
    Schedule,
    SlotList,
    Tag,
    Weight,
    coerce_item,
    plain_message,
)
from aidxl_prompt.model.ordering import Ordering, Slot
from aidxl_prompt.model.prompt import Prompt, Section

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
        "Value error, a tag's weight must be a number from -1000 to 1000 (got nan)",
    ),  # NaN
    (
        {"text": "a", "weight": math.inf},
        "weight",
        "Value error, a tag's weight must be a number from -1000 to 1000 (got inf)",
    ),  # inf
    (
        {"text": "a", "weight": -math.inf},
        "weight",
        "Value error, a tag's weight must be a number from -1000 to 1000 (got -inf)",
    ),  # -inf
    ({"text": 3}, "text", "a tag's text must be a string (got 3)"),  # not a string
    ({}, "text", "a tag's text must be a string (got None)"),  # no text
    (
        {"text": "a", "weight": 1e308},
        "weight",
        "a tag's weight must be a number from -1000 to 1000 (got 1e+308)",
    ),  # out of range
    ({"text": "a", "colour": 1}, "colour", "Extra inputs are not permitted"),  # extra field
]


@pytest.mark.parametrize(("kwargs", "field", "message"), TAG_ERRORS)
def test_tag_validation(kwargs: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(PromptValueError) as info:
        Tag(**kwargs)
    assert str(info.value) == f"Tag: {field}: {message.removeprefix('Value error, ')}"


def test_tag_validation_positional() -> None:
    with pytest.raises(PromptValueError) as info:
        Tag("a", math.nan)
    assert str(info.value) == (
        "Tag: weight: a tag's weight must be a number from -1000 to 1000 (got nan)"
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
    with pytest.raises(PromptValueError) as info:
        ExtraNetwork(text=token)
    assert str(info.value) == (
        f"ExtraNetwork: text: not an extra-network token of the form <kind:name[:weight]>: "
        f"{token!r}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[a:b:10]",
        "[a|b]",
        "[a:5]",
        "[a::5]",
        "[[a:b:3]:c:5]",
        "[a|[b|c]]",  # alternation inside alternation: A1111's grammar nests them
        "[a:[b|c]:5]",  # and inside editing
        "[(a:1.2):5]",  # emphasis inside
    ],
)
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
    ({"text": "[(a:b:c):5]"}, _NOT_A_SCHEDULE.format("'[(a:b:c):5]'")),  # no rule inside
    ({"text": "[[)|]"}, _NOT_A_SCHEDULE.format("'[[)|]'")),  # a stray close inside
    ({"text": "[a:5\\]"}, _NOT_A_SCHEDULE.format("'[a:5\\\\]'")),  # the ] is escaped
    (
        {"text": "[a:5]", "weight": math.nan},
        "Value error, a schedule's weight must be a number from -1000 to 1000 (got nan)",
    ),  # NaN weight
]


@pytest.mark.parametrize(("kwargs", "message"), SCHEDULE_ERRORS)
def test_schedule_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(PromptValueError) as info:
        Schedule(**kwargs)
    field = "weight" if "weight" in kwargs else "text"
    assert str(info.value) == f"Schedule: {field}: {message.removeprefix('Value error, ')}"


# (schedule, the words it is classified by: its first non-empty choice, syntax removed)
SCHEDULE_WORDS = [
    ("[red hair:blue hair:0.5]", "red hair"),  # editing: the first text
    ("[:blue_hair:5]", "blue hair"),  # nothing first: the next choice
    ("[a|b]", "a"),  # alternation
    ("[(white:1.2) dress:3]", "white dress"),  # the weight's syntax is no word
    ("[[x:y:2]|z]", "x:y:2"),  # an inner schedule: its brackets go, its colons stay
]


@pytest.mark.parametrize(("text", "words"), SCHEDULE_WORDS)
def test_schedule_plain_text(text: str, words: str) -> None:
    assert Schedule(text=text).plain_text == words


def test_tag_from_valid_is_model_construct() -> None:
    built = Tag.from_valid("long hair", 1.2)
    constructed = Tag.model_construct(text="long hair", weight=1.2)
    assert built == constructed == Tag("long_hair", 1.2)
    assert hash(built) == hash(constructed)
    assert built.model_fields_set == constructed.model_fields_set
    assert built.model_dump() == constructed.model_dump()
    # pydantic's serializer needs a real set of the given fields (a shared frozenset
    # would make exclude_unset raise)
    assert built.model_dump(exclude_unset=True) == {"text": "long hair", "weight": 1.2}
    assert '"text":"long hair"' in built.model_dump_json(exclude_unset=True)
    assert built.model_copy(update={"weight": 2.0}) == Tag("long hair", 2.0)
    assert pickle.loads(pickle.dumps(built)) == built
    assert (built.a1111, repr(built)) == ("(long hair:1.2)", "Tag(text='long hair', weight=1.2)")


# model_copy(update=...) checks the new values as the constructor (or assignment) does:
# pydantic's own stores them as given, so a Tag kept its old A1111 text and a Prompt
# took a raw string into a slot. (model, update, what the copy then reads)
MODEL_COPY_CASES: list[tuple[Any, dict[str, Any], Any]] = [
    (Tag("bishop (chess)", 1.2), {"text": "Long_Hair"}, ("long hair", "(long hair:1.2)")),
    (Tag("smile", 1.2), {"weight": 1}, ("smile", "smile")),
    (Tag("bishop (chess)"), {"weight": 0.5}, ("bishop (chess)", r"(bishop \(chess\):0.5)")),
]


@pytest.mark.parametrize(("model", "update", "expected"), MODEL_COPY_CASES)
def test_tag_model_copy_checks_the_update(
    model: Tag, update: dict[str, Any], expected: tuple[str, str]
) -> None:
    model.a1111  # noqa: B018 (computed and kept before the copy)
    copy = model.model_copy(update=update)
    assert (copy.text, copy.a1111) == expected
    assert copy.model_fields_set == model.model_fields_set | set(update)
    assert model.model_copy(update=update, deep=True) == copy


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"text": ""}, "Tag: text: a tag's text may not be empty (got '')"),
        ({"text": "a, b"}, "Tag: text: a tag's text may not contain a comma (got 'a, b')"),
        ({"weight": math.inf}, "Tag: weight: a tag's weight must be a number from -1000"),
        ({"wieght": 2}, "Tag: wieght: Extra inputs are not permitted"),
    ],
)
def test_tag_model_copy_refuses_what_the_constructor_refuses(
    update: dict[str, Any], message: str
) -> None:
    with pytest.raises(PromptValueError, match=re.escape(message)):
        Tag("smile").model_copy(update=update)


def test_prompt_model_copy_checks_the_update() -> None:
    prompt = Prompt(character=["1girl"])
    copy = prompt.model_copy(update={"character": ["bishop_(chess)"], "quality": "best quality"})
    assert copy.character == [Tag("bishop (chess)")]
    assert copy.quality == [Tag("best quality")]
    assert copy.render() == r"bishop \(chess\), best quality"
    assert prompt.character == [Tag("1girl")]  # the original is left as it was
    copy.character.append("smile")  # the copy's slots are still checked lists
    assert copy.character[-1] == Tag("smile")
    with pytest.raises(PromptValueError, match="Prompt: no field 'charactr' to update"):
        prompt.model_copy(update={"charactr": ["1girl"]})
    with pytest.raises(TypeError, match=r"character\[0\]: expected a tag"):
        prompt.model_copy(update={"character": [5]})
    assert prompt.model_copy(deep=True) == prompt


def test_repr_while_a_derived_text_is_first_stored() -> None:
    # Another thread may compute tag.a1111 (stored in the instance's __dict__) while
    # this one is part-way through repr: pydantic's repr walked that dict and raised
    # "dictionary changed size during iteration".
    tag = Tag("bishop (chess)", 1.2)
    fields = tag.__repr_args__()
    first = next(iter(fields))
    assert tag.a1111 == r"(bishop \(chess\):1.2)"
    assert [first, *fields] == [("text", "bishop (chess)"), ("weight", 1.2)]
    assert repr(tag) == "Tag(text='bishop (chess)', weight=1.2)"


@pytest.mark.parametrize(
    "copy_of",
    [
        *(
            pytest.param(
                lambda value, p=protocol: pickle.loads(pickle.dumps(value, p)),
                id=f"pickle {protocol}",
            )
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1)
        ),
        pytest.param(copy.copy, id="copy"),
        pytest.param(copy.deepcopy, id="deepcopy"),
        pytest.param(lambda value: value.model_copy(deep=True), id="model_copy"),
    ],
)
def test_a_copied_prompt_keeps_checked_lists(copy_of: Any) -> None:
    prompt = Prompt(
        character=["1girl"],
        negative=["lowres", Break()],
        networks=[ExtraNetwork(text="<lora:x:1>")],
    )
    prompt.sections.append(Section(joiner="BREAK", expression=["smile"]))
    copied = copy_of(prompt)
    assert copied == prompt
    for name, kind in [
        ("character", SlotList),
        ("negative", NegativeList),
        ("networks", NetworkList),
        ("quality", SlotList),
    ]:
        assert type(getattr(copied, name)) is kind
    with pytest.raises(TypeError, match=r"^negative\[2\]: expected a tag"):
        copied.negative.append(5)
    with pytest.raises(TypeError, match=r"^sections\[1\]: a prompt's sections are Section"):
        copied.sections.append(5)
    copied.character.append("long_hair")  # converted as the constructor converts
    assert copied.character == [Tag("1girl"), Tag("long hair")]
    assert prompt.character == [Tag("1girl")] or copy_of is copy.copy


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


@pytest.mark.parametrize("value", [3, ("a", 1, 2), {"a": 1, "b": 2}, None, object])
def test_coerce_item_rejects(value: Any) -> None:
    message = (
        "expected a tag as 'text', ('text', weight), {'text': weight}, a Tag, a Phrase or one "
        f"of the card's values, not {type(value).__name__} {value!r}"
    )
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
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
    with pytest.raises(PromptValueError) as info:
        p.quality = ["a,b"]  # type: ignore[list-item]
    assert str(info.value) == (
        "Prompt: quality[0]: text: a tag's text may not contain a comma (got 'a,b')"
    )
    assert p.quality == [Tag("best quality"), Tag("amazing quality", 1.5)]  # unchanged


# (keyword arguments, error type, whole message)
PROMPT_ERRORS: list[tuple[dict[str, Any], type[Exception], str]] = [
    (
        {"quality": [3]},
        TypeError,
        "quality[0]: expected a tag as 'text', ('text', weight), {'text': weight}, a Tag, "
        "a Phrase or one of the card's values, not int 3",
    ),  # not a tag
    (
        {"quality": ["ok", ("x", math.inf)]},
        PromptValueError,
        "Prompt: quality[1]: weight: a tag's weight must be a number from -1000 to 1000 (got inf)",
    ),  # the index of the bad item
    (
        {"quality": [ExtraNetwork(text="<lora:x:1>")]},
        TypeError,
        "quality[0] is a ExtraNetwork; expected Tag or Phrase or Schedule",
    ),  # networks go to `networks`
    (
        {"quality": [Break()]},
        TypeError,
        "quality[0] is a Break; expected Tag or Phrase or Schedule",
    ),  # BREAK starts a Section instead
    (
        {"networks": ["x"]},
        TypeError,
        "networks[0] is a Tag; expected ExtraNetwork",
    ),  # and only there
    ({"colour": ["x"]}, PromptValueError, "Prompt: colour: Extra inputs are not permitted"),
    ({"quality": 5}, TypeError, "a slot takes a list of items, not int 5"),  # not a list
]


@pytest.mark.parametrize(("kwargs", "error", "message"), PROMPT_ERRORS)
def test_prompt_validation(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        Prompt(**kwargs)
    assert str(info.value) == message


def test_prompt_fields_are_the_slots() -> None:
    fields = list(Prompt.model_fields)
    assert fields == [
        *(slot.value for slot in Slot),
        "negative",
        "networks",
        "sections",
        "weight",
    ]


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
    p = Prompt(
        action=["sitting"],
        sections=[Section(joiner="BREAK", action=["holding"])],
        networks=[ExtraNetwork(text="<a:b>")],
    )
    assert p.items() == [Tag("sitting"), Break(), Tag("holding"), ExtraNetwork(text="<a:b>")]
    assert p.tags() == [Tag("sitting"), Tag("holding")]


def test_sections_keep_their_units_and_and_weights() -> None:
    p = Prompt(
        quality=["best quality"],
        character=["1girl"],
        weight=0.8,
        sections=[Section(joiner="AND", weight=0.5, character=["1boy"], quality=["masterpiece"])],
        networks=[ExtraNetwork(text="<lora:x:1>")],
    )
    assert p.items() == [
        Tag("1girl"),
        Tag("best quality"),
        PromptWeight(weight=0.8),
        And(),
        Tag("1boy"),
        Tag("masterpiece"),
        ExtraNetwork(text="<lora:x:1>"),
        PromptWeight(weight=0.5),
    ]
    assert p.render() == "1girl, best quality:0.8 AND 1boy, masterpiece, <lora:x:1>:0.5"


_RANGE = "must be a number from -1000 to 1000"

# (how a model is given a bad weight, the whole message): one rule, named for its owner
WEIGHT_ERRORS: list[tuple[Any, str]] = [
    (lambda: Tag("a", math.inf), f"Tag: weight: a tag's weight {_RANGE} (got inf)"),
    (lambda: Run("a", math.nan), f"Run: weight: a run's weight {_RANGE} (got nan)"),
    (
        lambda: Schedule(text="[a:5]", weight=1000.5),
        f"Schedule: weight: a schedule's weight {_RANGE} (got 1000.5)",
    ),
    (
        lambda: PromptWeight(weight=-math.inf),
        f"PromptWeight: weight: a prompt weight {_RANGE} (got -inf)",
    ),  # a name that is a weight already
    (
        lambda: Section(joiner="AND", weight=math.nan),
        f"Section: weight: a section's weight {_RANGE} (got nan)",
    ),
    (lambda: Prompt(weight=-1001), f"Prompt: weight: a prompt's weight {_RANGE} (got -1001.0)"),
    (
        lambda: Tag("a", "heavy"),
        "Tag: weight: Input should be a valid number, unable to parse string as a number "
        "(got 'heavy')",
    ),  # not a number at all: pydantic's own check comes first
]


@pytest.mark.parametrize(("build", "message"), WEIGHT_ERRORS)
def test_weight_errors_name_their_owner(build: Any, message: str) -> None:
    with pytest.raises(PromptValueError) as info:
        build()
    assert str(info.value) == message


class OilPainting(BaseModel):
    weight: Weight = 1.0


def test_weight_type_outside_the_items() -> None:
    # Any model may use the type; its name in words names the weight.
    assert OilPainting(weight=1e-7).weight == 0.0  # nearer to 0 than MIN_WEIGHT
    assert OilPainting(weight=-2).weight == -2.0
    with pytest.raises(ValidationError) as info:
        OilPainting(weight=math.inf)
    assert plain_message(info.value) == (f"weight: an oil painting's weight {_RANGE} (got inf)")
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Weight).validate_python(math.nan)  # no model: no owner
    assert plain_message(info.value) == f"a weight {_RANGE} (got nan)"


def test_a_break_section_has_no_weight() -> None:
    with pytest.raises(PromptValueError) as info:
        Section(joiner="BREAK", weight=2)
    assert str(info.value) == (
        "Section: a BREAK section continues its sub-prompt: only an AND section has a weight"
    )


def test_phrase_text_and_parts() -> None:
    phrase = Phrase(parts=["a ", ("white", 1.2), " dress"])
    assert phrase.parts == (Run("a "), Run("white", 1.2), Run(" dress"))
    assert phrase.text == "a white dress"
    assert Phrase(parts=[Schedule(text="[red:blue:0.5]"), " hair"]).text == "red hair"
    with pytest.raises(PromptValueError) as info:
        Phrase(parts=[" "])
    assert str(info.value) == "Phrase: parts: a phrase needs at least one non-blank part"
    with pytest.raises(PromptValueError) as info:
        Run("a, b")
    assert str(info.value) == "Run: text: a run's text may not contain a comma (got 'a, b')"


# Every way of changing a slot converts as the constructor does, or raises.
SLOT_MUTATIONS: list[tuple[str, Any]] = [
    ("append", ("best quality", 1.2)),  # a pair
    ("append", Quality.best),  # a card value
    ("append", ArtStyle("wlop")),  # a typed style
    ("append", {"smile": 1.1}),  # a mapping
    ("extend", ["a", ("b", 0.5)]),  # several
    ("insert", "first"),  # at the front
    ("iadd", ["x"]),  # +=
    ("setitem", "replaced"),  # item assignment
]


@pytest.mark.parametrize(("method", "value"), SLOT_MUTATIONS)
def test_slot_mutations_convert(method: str, value: Any) -> None:
    p = Prompt(quality=["q"])
    if method == "append":
        p.quality.append(value)
    elif method == "extend":
        p.quality.extend(value)
    elif method == "insert":
        p.quality.insert(0, value)
    elif method == "iadd":
        p.quality += value
    else:
        p.quality[0] = value
    assert all(isinstance(item, Tag) for item in p.quality)
    assert "Quality." not in p.render()
    assert "ArtStyle" not in p.render()


def test_slot_mutations_render_the_card_values() -> None:
    p = Prompt(character=["1girl"])
    p.quality.append(("best quality", 1.2))
    p.quality.append(Quality.best)
    p.art_style.append(ArtStyle("wlop"))
    assert p.render() == "by wlop, 1girl, (best quality:1.2), best quality"


@pytest.mark.parametrize("value", [5, None, object(), 1.5, b"bytes"])
def test_slot_mutations_reject(value: Any) -> None:
    p = Prompt(quality=["q"])
    with pytest.raises(TypeError):
        p.quality.append(value)
    with pytest.raises(TypeError):
        p.quality[0] = value
    assert p.quality == [Tag("q")]


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
