"""Seeded variations: modes, reproducibility, weights, no repeats, replay."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidxl_prompt.errors import PromptFileError
from aidxl_prompt.files.expand import (
    ChoiceRecord,
    ExpandError,
    count_combinations,
    expand,
    replay,
    unit_draw,
)
from aidxl_prompt.files.prompt_file import PresetLibrary, parse_prompt_text
from aidxl_prompt.model.items import Tag

REPO = Path(__file__).resolve().parents[1]

FACES = parse_prompt_text(
    "expression: [{choose: [smile, frown, grin], id: face}]\n"
    "background: [{choose: [white background, {option: night sky, weight: 3}], id: bg}]\n"
)


def test_unit_draw_is_pinned() -> None:
    # blake2b of "7\x1f0\x1fface": a change here would change every user's batches.
    assert unit_draw(7, 0, "face") == 0.12471544848153715
    draws = [unit_draw(seed, "x") for seed in range(-100, 100)]
    assert all(0.0 <= draw < 1.0 for draw in draws)
    assert len(set(draws)) == len(draws)


def test_random_batch_is_pinned() -> None:
    # The seeded batch the docs show; it must never change between versions.
    picks = [v.choices.as_mapping() for v in expand(FACES, "random", n=6, seed=7)]
    assert picks == _pinned_picks()


def _pinned_picks() -> list[dict[str, int]]:
    return [
        {"face": 0, "bg": 1},
        {"face": 0, "bg": 1},
        {"face": 1, "bg": 1},
        {"face": 2, "bg": 0},
        {"face": 1, "bg": 1},
        {"face": 2, "bg": 1},
    ]


def test_different_seeds_give_different_batches() -> None:
    batches = {
        tuple(tuple(v.choices.as_mapping().values()) for v in expand(FACES, "random", n=6, seed=s))
        for s in range(10)
    }
    assert len(batches) > 5


def test_combinatorial_lists_every_combination_in_order() -> None:
    rows = [tuple(v.choices.as_mapping().values()) for v in expand(FACES, "combinatorial")]
    assert rows == list(itertools.product(range(3), range(2)))
    assert count_combinations(FACES) == 6
    first = next(expand(FACES, "combinatorial"))
    assert [p.label for p in first.choices.picks] == ["smile", "white background"]


def test_cyclical_steps_each_choice() -> None:
    rows = [tuple(v.choices.as_mapping().values()) for v in expand(FACES, "cyclical", n=5)]
    assert rows == [(0, 0), (1, 1), (2, 0), (0, 1), (1, 0)]
    assert len(list(expand(FACES, "cyclical"))) == 3  # default: the longest choice


def test_weights_steer_random_draws() -> None:
    # night sky has weight 3 against 1: about three quarters of the draws.
    counts = Counter(v.choices.as_mapping()["bg"] for v in expand(FACES, "random", n=2000, seed=1))
    assert 0.70 < counts[1] / 2000 < 0.80


def test_without_replacement_never_repeats_and_covers_all() -> None:
    rows = [
        tuple(v.choices.as_mapping().values())
        for v in expand(FACES, "random", n=6, seed=3, replace=False)
    ]
    assert sorted(rows) == list(itertools.product(range(3), range(2)))


def test_without_replacement_cannot_exceed_the_combinations() -> None:
    with pytest.raises(ExpandError) as info:
        list(expand(FACES, "random", n=7, replace=False))
    assert str(info.value) == (
        "asked for 7 variations without repeats, but the file's choices make only 6 different ones"
    )


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(-(2**63), 2**63), n=st.integers(0, 6))
def test_without_replacement_is_distinct_for_any_seed(seed: int, n: int) -> None:
    rows = [
        tuple(v.choices.as_mapping().values())
        for v in expand(FACES, "random", n=n, seed=seed, replace=False)
    ]
    assert len(set(rows)) == len(rows) == n


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(-(2**63), 2**63))
def test_same_seed_same_batch(seed: int) -> None:
    first = [v.choices for v in expand(FACES, "random", n=4, seed=seed)]
    assert first == [v.choices for v in expand(FACES, "random", n=4, seed=seed)]


def test_variation_prompts_follow_the_picks() -> None:
    variation = list(expand(FACES, "combinatorial"))[5]
    assert variation.prompt.expression == [Tag(text="grin")]
    assert variation.prompt.background == [Tag(text="night sky")]
    assert variation.index == 5


def test_no_choices_gives_the_file_itself() -> None:
    plain = parse_prompt_text("race: [elf]")
    assert [v.prompt.race for v in expand(plain, "combinatorial")] == [[Tag(text="elf")]]
    assert len(list(expand(plain, "random", n=3))) == 3


def test_a_choice_between_presets_brings_their_negatives() -> None:
    variations = list(expand(REPO / "examples" / "variations.yaml", "combinatorial"))
    assert len(variations) == 3 * 3 * 3
    celluloid = [v for v in variations if v.choices.as_mapping()["style"] == 2]
    assert all(v.prompt.painting_style == [Tag(text="celluloid")] for v in celluloid)
    assert all(Tag(text="3d") in v.prompt.negative for v in celluloid)
    impasto = [v for v in variations if v.choices.as_mapping()["style"] == 1]
    assert all(Tag(text="3d") not in v.prompt.negative for v in impasto)


def test_replay_uses_the_same_picks_on_another_file() -> None:
    hires = parse_prompt_text(
        "expression: [{choose: [smiling, frowning, grinning], id: face}]\n"
        "negative: [{choose: [dark, bright], id: bg}]\n"
    )
    for variation in expand(FACES, "random", n=5, seed=11):
        replayed = replay(hires, variation.choices)
        face = variation.choices.as_mapping()["face"]
        assert replayed.expression == [Tag(text=["smiling", "frowning", "grinning"][face])]


# (record, whole message)
REPLAY_ERRORS = [
    ({"bg": 0}, "<string>: the choice 'face' has no pick in the record (it has: bg)"),  # missing
    (
        {"face": 5, "bg": 0},
        "<string>: pick 5 for the choice 'face' is out of range (it has 3 options)",
    ),  # the other file has fewer options
]


@pytest.mark.parametrize(("record", "message"), REPLAY_ERRORS)
def test_replay_errors(record: dict[str, int], message: str) -> None:
    with pytest.raises(ExpandError) as info:
        replay(FACES, record)
    assert str(info.value) == message


# (arguments, whole message)
EXPAND_ERRORS = [
    (
        {"mode": "shuffle"},
        "unknown mode 'shuffle'; expected one of: random, combinatorial, cyclical",
    ),
    ({"n": -1}, "the number of variations must be a whole number >= 0, not -1"),
]


@pytest.mark.parametrize(("kwargs", "message"), EXPAND_ERRORS)
def test_expand_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ExpandError) as info:
        list(expand(FACES, **kwargs))  # type: ignore[arg-type]
    assert str(info.value) == message


def test_choice_record_round_trips_through_json() -> None:
    record = next(expand(FACES, "random", seed=2)).choices
    assert ChoiceRecord.model_validate_json(record.model_dump_json()) == record


def test_files_with_user_presets_take_the_library(tmp_path: Path) -> None:
    # The presets are passed in (the built-in ones by default), never read from the shell.
    (tmp_path / "mine.yaml").write_text("race: [elf]\n", encoding="utf-8")
    path = tmp_path / "batch.yaml"
    path.write_text("extends: mine\nexpression: [{choose: [smile, frown]}]\n", encoding="utf-8")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    assert count_combinations(path, library=library) == 2
    prompts = [v.prompt for v in expand(path, "combinatorial", library=library)]
    assert [(p.race, p.expression) for p in prompts] == [
        ([Tag(text="elf")], [Tag(text="smile")]),
        ([Tag(text="elf")], [Tag(text="frown")]),
    ]
    assert replay(path, {"expression[0]": 1}, library=library).race == [Tag(text="elf")]
    with pytest.raises(PromptFileError, match="unknown preset 'mine'"):
        count_combinations(path)
