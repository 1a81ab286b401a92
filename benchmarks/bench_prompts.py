"""Benchmarks for typed card values, prompt files and seeded expansion.

Run: ``.venv/bin/python benchmarks/bench_prompts.py`` (about half a minute).

Each figure is printed beside a baseline measured in the same run, as a ratio:

* render of typed prompts (characters, styles, weights) beside the same prompts written
  as plain tags: the render alone, and build + render (typed values vs plain strings);
  target: typed within 1.5x;
* expansion of a 5-slot x 10-alternative combinatorial file (100,000 combinations)
  beside ``itertools.product`` + ``", ".join`` over the same strings;
* loading and validating a prompt file beside a bare ``yaml.safe_load`` of it.
"""

from __future__ import annotations

import functools
import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from aidxl_prompt.card.forms import ArtStyle, Character, assemble
from aidxl_prompt.card.words import Quality
from aidxl_prompt.files.expand import count_combinations, expand
from aidxl_prompt.files.prompt_file import load_prompt_file, read_prompt_file
from aidxl_prompt.model.prompt import Prompt

REPO = Path(__file__).resolve().parents[1]

# A fixed, realistic workload (no shared data needed): 40 characters, 30 artists and
# general tags for the other slots, combined deterministically.
_CHARACTERS = [
    (f"{name}", series)
    for name, series in [
        ("frieren", "sousou no frieren"),
        ("lucy", "cyberpunk"),
        ("ganyu", "genshin impact"),
        ("hatsune miku", "vocaloid"),
        ("chun-li", None),
        ("rem", "re:zero"),
        ("makima", "chainsaw man"),
        ("yor briar", "spy x family"),
    ]
] * 5
_ARTISTS = [f"artist{i}" for i in range(30)]
_GENERAL = {
    "race": ["elf", "human", "catgirl"],
    "composition": ["cowboy shot", "upper body", "full body"],
    "main_environment": ["in the forest", "at day", "indoors", "at night"],
    "background": ["gradient background", "white background"],
    "action": ["sitting on ground", "standing", "holding a magic wand"],
    "expression": ["expressionless", "smile", "open mouth"],
    "main_characteristics": ["white hair", "long hair", "blue eyes"],
    "other_characteristics": ["twintails", "green eyes", "parted lips", "bangs"],
    "clothing_accessories": ["frills", "ribbon"],
    "secondary_environment": ["grass", "sunshine", "cloud"],
    "aesthetics": ["beautiful color", "detailed"],
    "secondary_description": ["birds", "butterfly"],
}


def _best(function: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def _workload(count: int) -> list[tuple[tuple[str, str | None], list[tuple[str, float]], int]]:
    rows = []
    for i in range(count):
        character = _CHARACTERS[i % len(_CHARACTERS)]
        styles = [
            (_ARTISTS[(i + k * 7) % len(_ARTISTS)], (0.8, 0.9, 1.0, 1.1)[(i + k) % 4])
            for k in range(4)
        ]
        rows.append((character, styles, i))
    return rows


def _general(i: int) -> dict[str, list[str]]:
    return {
        slot: [words[(i + k) % len(words)] for k in range(2)] for slot, words in _GENERAL.items()
    }


def _typed_prompt(row: tuple[tuple[str, str | None], list[tuple[str, float]], int]) -> Prompt:
    (name, series), styles, i = row
    return assemble(
        Character(name=name, series=series, form="one", weight=1.1, outfit=["white dress"]),
        *[ArtStyle(artist=artist, weight=weight) for artist, weight in styles],
        quality=[Quality.amazing.weighted()],
        **_general(i),
    )


def _plain_prompt(row: tuple[tuple[str, str | None], list[tuple[str, float]], int]) -> Prompt:
    (name, series), styles, i = row
    trigger = f"1 {name} ({series})" if series else f"1 {name}"
    return Prompt.model_validate(
        {
            "character": [(trigger, 1.1)],
            "clothing": ["white dress"],
            "art_style": [(f"by {artist}", weight) for artist, weight in styles],
            "quality": [("amazing quality", 1.5)],
            **_general(i),
        }
    )


def bench_render(count: int = 1500) -> None:
    rows = _workload(count)
    typed = [_typed_prompt(row) for row in rows]
    plain = [_plain_prompt(row) for row in rows]
    assert [p.render() for p in typed] == [p.render() for p in plain], "workloads differ"
    tags = sum(len(p.tags()) for p in plain)

    render_typed = _best(lambda: [p.render() for p in typed])
    render_plain = _best(lambda: [p.render() for p in plain])
    build_typed = _best(lambda: [_typed_prompt(row).render() for row in rows])
    build_plain = _best(lambda: [_plain_prompt(row).render() for row in rows])

    print(f"Render ({count} prompts, {tags / count:.0f} tags each, a1111)")
    _row("render, typed prompts", count / render_typed, "prompts/s")
    _row("render, plain-tag prompts (baseline)", count / render_plain, "prompts/s")
    _ratio("typed / plain (render)", render_typed / render_plain, 1.5)
    _row("build + render from typed values", count / build_typed, "prompts/s")
    _row("build + render from plain strings (baseline)", count / build_plain, "prompts/s")
    _ratio("typed / plain (build + render)", build_typed / build_plain, 1.5)


def _combinatorial_file(folder: Path) -> Path:
    slots = ["expression", "background", "action", "main_characteristics", "clothing"]
    document = {
        "character": [{"character": "frieren", "series": "sousou no frieren", "form": "one"}],
        "quality": [{"quality": "amazing", "weight": 1.5}],
        **{
            slot: [{"choose": [f"{slot} option {k}" for k in range(10)], "id": slot}]
            for slot in slots
        },
    }
    path = folder / "combinatorial.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def bench_expand(count: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _combinatorial_file(Path(folder))
        document = read_prompt_file(path)
        total = count_combinations(document)
        options = [[option.label for option in point.options] for point in document.choice_points()]

        def ours() -> None:
            for _ in itertools.islice(expand(document, "combinatorial"), count):
                pass

        def ours_random() -> None:
            for _ in expand(document, "random", n=count, seed=7):
                pass

        def bare() -> None:
            for combo in itertools.islice(itertools.product(*options), count):
                ", ".join(("1 frieren (sousou no frieren)", *combo, "amazing quality"))

        t_ours = _best(ours, repeats=2)
        t_random = _best(ours_random, repeats=2)
        t_bare = _best(bare, repeats=2)
    print(f"\nExpansion (5 slots x 10 alternatives = {total:,} combinations; first {count:,})")
    _row("expand, combinatorial (Prompt objects)", count / t_ours, "variations/s")
    _row("expand, random seeded (Prompt objects)", count / t_random, "variations/s")
    _row("product + join of strings (baseline)", count / t_bare, "variations/s")
    _ratio("combinatorial / baseline", t_ours / t_bare, None)
    _ratio("random / baseline", t_random / t_bare, None)


def _load_many(path: Path, repeats: int, resolve: bool) -> None:
    for _ in range(repeats):
        if resolve:
            load_prompt_file(path)
        else:
            read_prompt_file(path)


def _safe_load_many(text: str, repeats: int) -> None:
    for _ in range(repeats):
        yaml.safe_load(text)


def bench_load(repeats: int = 200) -> None:
    print(f"\nYAML load + validate (each file {repeats} times)")
    for name, resolve in (("frieren.yaml", True), ("variations.yaml", False)):
        path = REPO / "examples" / name
        text = path.read_text(encoding="utf-8")
        t_ours = _best(functools.partial(_load_many, path, repeats, resolve))
        t_bare = _best(functools.partial(_safe_load_many, text, repeats))
        what = "load + resolve presets" if resolve else "parse (choices kept)"
        _row(f"{name}: {what}", t_ours / repeats * 1e3, "ms/file")
        _row(f"{name}: bare yaml.safe_load (baseline)", t_bare / repeats * 1e3, "ms/file")
        _ratio(f"{name}: ours / safe_load", t_ours / t_bare, None)


def _row(label: str, value: float, unit: str) -> None:
    print(f"  {label:<48} {value:>12,.2f} {unit}")


def _ratio(label: str, ratio: float, target: float | None) -> None:
    verdict = ""
    if target is not None:
        verdict = f"  (target <= {target}x: {'met' if ratio <= target else 'NOT met'})"
    print(f"  {label:<48} {ratio:>12.2f}x{verdict}")


def main() -> None:
    """Print every figure with its baseline and ratio."""
    print(f"aidxl-prompt prompt benchmarks (Python {sys.version.split()[0]})\n")
    bench_render()
    bench_expand()
    bench_load()


if __name__ == "__main__":
    main()
