"""Slots, the built-in orders, and user orders loaded from YAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aidxl_prompt.errors import DataFileError, OrderingError
from aidxl_prompt.model.ordering import Ordering, Slot, ordering_presets, resolve_ordering
from aidxl_prompt.model.prompt import Prompt
from conftest import require_model_card

DOCUMENTED = [
    "art_style",
    "character",
    "race",
    "composition",
    "painting_style",
    "theme",
    "main_environment",
    "background",
    "action",
    "expression",
    "main_characteristics",
    "other_characteristics",
    "clothing",
    "clothing_accessories",
    "other_items",
    "secondary_environment",
    "aesthetics",
    "quality",
    "secondary_description",
]


def test_slot_order_is_the_documented_order() -> None:
    assert [slot.value for slot in Slot] == DOCUMENTED
    assert [slot.name for slot in Slot] == DOCUMENTED


def test_slot_order_matches_the_card_text() -> None:
    card = require_model_card()
    line = next(
        line for line in card.read_text(encoding="utf-8").splitlines() if "art style (by" in line
    )
    # "art style (by xxx) -> character (1 frieren (...)) -> ..." : the names before " ("
    names = [re.sub(r" \(.*", "", part).strip() for part in line.split(" -> ")]
    assert [name.replace(" ", "_") for name in names] == DOCUMENTED


def test_presets() -> None:
    presets = ordering_presets()
    assert {"documented", "style_last"} <= set(presets)
    assert [slot.value for slot in presets["documented"].slots] == DOCUMENTED
    assert [slot.value for slot in presets["style_last"].slots] == [*DOCUMENTED[1:], "art_style"]
    assert Ordering.preset("style_last") is presets["style_last"]
    for name, ordering in presets.items():
        assert ordering.name == name
        assert sorted(ordering.slots) == sorted(Slot)
        assert ordering.description


def test_style_last_moves_art_style_only() -> None:
    p = Prompt(
        art_style=[("by yoneyama mai", 0.9)],
        character=["chun-li"],
        quality=["amazing quality"],
    )
    assert [t.text for t in p.tags("documented")] == [
        "by yoneyama mai",
        "chun-li",
        "amazing quality",
    ]
    assert [t.text for t in p.tags("style_last")] == [
        "chun-li",
        "amazing quality",
        "by yoneyama mai",
    ]


def test_unknown_preset() -> None:
    message = "unknown ordering preset 'nope'; known presets: caption, documented, style_last"
    with pytest.raises(OrderingError, match=f"^{re.escape(message)}$"):
        Ordering.preset("nope")


def test_rank() -> None:
    reverse = Ordering(name="reverse", slots=list(Slot)[::-1])
    assert reverse.rank(Slot.secondary_description) == 0
    assert reverse.rank(Slot.art_style) == 18
    assert Ordering.preset("documented").rank(Slot.quality) == 17


# (written name, slot)
SLOT_NAMES = [
    ("main environment", Slot.main_environment),  # spaces
    ("main-environment", Slot.main_environment),  # dashes
    (" Quality ", Slot.quality),  # case and whitespace
    ("art_style", Slot.art_style),  # the value itself
]


@pytest.mark.parametrize(("written", "slot"), SLOT_NAMES)
def test_slot_parse(written: str, slot: Slot) -> None:
    assert Slot.parse(written) is slot


# (written, whole message)
BAD_SLOT_NAMES = [
    ("qualty", "unknown slot 'qualty'; did you mean 'quality'?"),  # typo: did-you-mean
    ("zzz", "unknown slot 'zzz'"),  # nothing close
]


@pytest.mark.parametrize(("written", "message"), BAD_SLOT_NAMES)
def test_slot_parse_rejects(written: str, message: str) -> None:
    with pytest.raises(OrderingError, match=f"^{re.escape(message)}$"):
        Slot.parse(written)


def _lines(names: list[str]) -> str:
    return "".join(f"- {name}\n" for name in names)


def test_load_list_form(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(_lines(DOCUMENTED[::-1]), encoding="utf-8")
    ordering = Ordering.load(path)
    assert ordering.name == "mine"  # named after the file
    assert [slot.value for slot in ordering.slots] == DOCUMENTED[::-1]


def test_load_mapping_form(tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_text(
        "name: quality first\ndescription: mine\nslots:\n"
        + "".join(f"  - {name.replace('_', ' ')}\n" for name in DOCUMENTED[::-1]),
        encoding="utf-8",
    )
    ordering = Ordering.load(str(path))
    assert (ordering.name, ordering.description) == ("quality first", "mine")
    assert ordering.slots == tuple(Slot)[::-1]


def test_loaded_order_drives_rendering(tmp_path: Path) -> None:
    path = tmp_path / "reverse.yaml"
    path.write_text(_lines(DOCUMENTED[::-1]), encoding="utf-8")
    p = Prompt(art_style=["by ask"], quality=["best quality"])
    assert p.render(order=Ordering.load(path)) == "best quality, by ask"


# (file text, whole message after the file's path)
BAD_FILES = [
    (
        _lines(DOCUMENTED[1:]),
        ": an ordering must list every slot exactly once; missing: art_style",
    ),  # one slot missing
    (
        _lines([*DOCUMENTED, "race"]),
        ": an ordering must list every slot exactly once; listed more than once: race",
    ),  # a duplicate
    (
        _lines([*DOCUMENTED[1:], "race"]),
        ": an ordering must list every slot exactly once; listed more than once: race; "
        "missing: art_style",
    ),  # both problems, both reported
    (
        _lines([*DOCUMENTED[:-1], "secondary_descriptoin"]),
        ": unknown slot 'secondary_descriptoin'; did you mean 'secondary_description'?",
    ),  # a typo
    ("slots: [a, b", ":1: invalid YAML: expected ',' or ']', but got '<stream end>'"),  # not YAML
    ("42", ": expected a list of slots or a mapping with 'slots'"),  # wrong shape: a number
    ("name: x", ": expected a list of slots or a mapping with 'slots'"),  # mapping without slots
    ("", ": expected a list of slots or a mapping with 'slots'"),  # empty file
    ("slots: 5", ": slots: Input should be a valid tuple"),  # slots not a list
    (
        "slots: [" + ", ".join(DOCUMENTED) + "]\ncolour: red",
        ": colour: Extra inputs are not permitted",
    ),  # unknown key
]


@pytest.mark.parametrize(("text", "problem"), BAD_FILES)
def test_load_rejects(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((OrderingError, DataFileError)) as info:
        Ordering.load(path)
    assert str(info.value) == f"{path}{problem}"


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    message = f"{path}: cannot read file (No such file or directory)"
    with pytest.raises(DataFileError, match=f"^{re.escape(message)}$"):
        Ordering.load(path)


def test_ordering_is_frozen() -> None:
    ordering = Ordering.preset("documented")
    with pytest.raises(ValueError, match="frozen"):
        ordering.name = "x"  # type: ignore[misc]


def test_resolve_ordering() -> None:
    documented = Ordering.preset("documented")
    assert resolve_ordering("documented") is documented
    assert resolve_ordering(documented) is documented
    assert resolve_ordering(list(Slot)).slots == documented.slots
    message = "ordering: an ordering must list every slot exactly once; missing: " + ", ".join(
        DOCUMENTED[1:]
    )
    with pytest.raises(OrderingError, match=f"^{re.escape(message)}$"):
        resolve_ordering([Slot.art_style])


# The order inside a slot is the user's (earlier = stronger), whatever the slot order.
def test_in_slot_order_is_stable() -> None:
    names = ["by b", "by a", "by c", "by a"]
    p = Prompt(art_style=names, quality=["z quality", "a quality"], character=["y", "x"])
    for order in ("documented", "style_last", "caption"):
        texts = [t.text for t in p.tags(order)]
        assert [t for t in texts if t.startswith("by ")] == names  # duplicates kept
        assert [t for t in texts if "quality" in t] == ["z quality", "a quality"]
        assert [t for t in texts if t in "xy"] == ["y", "x"]
        assert p.tags(order) == p.tags(order)  # deterministic
