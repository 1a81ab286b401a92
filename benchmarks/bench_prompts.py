"""Benchmarks for typed card values, prompt files and seeded expansion.

Run: ``.venv/bin/python benchmarks/bench_prompts.py`` (about half a minute).

Each figure is printed beside a baseline measured in the same run, as a ratio:

* render of typed prompts (characters, styles, weights) beside the same prompts written
  as plain tags: the render alone, and build + render (typed values vs plain strings);
  target: typed within 1.5x;
* expansion of a 5-slot x 10-alternative combinatorial file (100,000 combinations)
  beside ``itertools.product`` + ``", ".join`` over the same strings;
* loading prompt files and presets, in fresh processes: the code of :data:`BEFORE`
  (before ``prompt_file.py`` was split), this checkout with ``files/`` as it was then
  (the split alone), and this checkout, each figure beside a bare ``yaml.safe_load`` of
  the same text: the import, the first file a process loads, a file loaded again
  (presets cached), and all built-in presets listed and loaded, from files the cache
  has not seen (a new folder each time) and again from the cache.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from _common import run_child, unpack_commit
from aidxl_prompt.card.forms import ArtStyle, Character, assemble
from aidxl_prompt.card.words import Quality
from aidxl_prompt.files.expand import count_combinations, expand
from aidxl_prompt.files.prompt_file import read_prompt_file
from aidxl_prompt.model.prompt import Prompt

REPO = Path(__file__).resolve().parents[1]

BEFORE = "fa34550"
"""main before prompt_file.py was split into modules (issue 9)."""

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


# Runs in a fresh process, from the ``src`` given on PYTHONPATH (before or after): every
# figure of prompt-file and preset loading, each beside a bare yaml.safe_load of the same
# text measured in the same process. Only API that both versions have is used. Times are
# the process's CPU time: on this shared two-core machine, wall time mostly measures the
# other processes.
_LOAD_CHILD = r"""
import json, shutil, sys, tempfile, time
from pathlib import Path

start = time.process_time()
from aidxl_prompt.files.presets import list_presets, load_preset
from aidxl_prompt.files.prompt_file import PresetLibrary, load_prompt_file, read_prompt_file
imported = time.process_time()
import yaml

examples, repeats = Path(sys.argv[1]), int(sys.argv[2])
frieren, variations = examples / "frieren.yaml", examples / "variations.yaml"
builtin = PresetLibrary(folders=())
begin = time.process_time()
load_prompt_file(frieren, library=builtin)
first_file = time.process_time() - begin


def best(function, rounds=5):
    times = []
    for _ in range(rounds):
        begin = time.process_time()
        function()
        times.append(time.process_time() - begin)
    return min(times)


def many(function):
    return lambda: [function() for _ in range(repeats)]


texts = {path: path.read_text(encoding="utf-8") for path in (frieren, variations)}
folder = builtin.builtin_folder()
preset_texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))]


def all_presets(library):
    return [load_preset(info.name, library) for info in list_presets(library)]


def first_seen_presets():
    # A new folder each time: every preset file is one the cache has not seen.
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(folder, tmp, dirs_exist_ok=True)
        library = PresetLibrary(folders=(Path(tmp),), include_builtin=False)
        begin = time.process_time()
        all_presets(library)
        return time.process_time() - begin


warm_library = PresetLibrary(folders=(folder,), include_builtin=False)
all_presets(warm_library)
result = {
    "import": imported - start,
    "first_file": first_file,
    "frieren": best(many(lambda: load_prompt_file(frieren, library=builtin))) / repeats,
    "frieren_yaml": best(many(lambda: yaml.safe_load(texts[frieren]))) / repeats,
    "variations": best(many(lambda: read_prompt_file(variations, library=builtin))) / repeats,
    "variations_yaml": best(many(lambda: yaml.safe_load(texts[variations]))) / repeats,
    "presets_first": min(first_seen_presets() for _ in range(5)),
    "presets_warm": best(lambda: all_presets(warm_library)),
    "presets_yaml": best(lambda: [yaml.safe_load(text) for text in preset_texts]),
}
print(json.dumps(result))
"""

# (key, label, the safe_load baseline's key or None, what kind of figure)
_LOAD_ROWS = [
    ("import", "import files.prompt_file, files.presets", None, "cold process"),
    ("first_file", "first load of frieren.yaml in a process", None, "cold process"),
    ("frieren", "load + resolve frieren.yaml", "frieren_yaml", "warm, presets cached"),
    ("variations", "parse variations.yaml (choices kept)", "variations_yaml", "warm"),
    ("presets_first", "list + load the 15 built-in presets", "presets_yaml", "first-seen files"),
    ("presets_warm", "list + load the 15 built-in presets", "presets_yaml", "warm, cached"),
]


def _unpack_before(folder: Path) -> Path:
    """The ``src`` and ``data`` of :data:`BEFORE`, unpacked into ``folder``."""
    unpack_commit(BEFORE, ["src", "data"], folder)
    return folder / "src"


def _unsplit(folder: Path) -> Path:
    """This checkout's ``src`` with ``files/`` as it was at :data:`BEFORE` (one
    ``prompt_file.py``): the split is the only difference from this checkout."""
    shutil.copytree(REPO / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__"))
    files = folder / "src" / "aidxl_prompt" / "files"
    shutil.rmtree(files)
    unpack_commit(BEFORE, ["src/aidxl_prompt/files"], folder)
    (folder / "data").symlink_to(REPO / "data")
    return folder / "src"


def _load_child(source: Path, repeats: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("AIDXL_PROMPT_PRESETS", None)
    return run_child(_LOAD_CHILD, [str(REPO / "examples"), str(repeats)], env)


def bench_load(repeats: int = 100, processes: int = 8) -> None:
    """Prompt files and presets: :data:`BEFORE`, this checkout with ``files/`` unsplit,
    and this checkout, in alternating fresh processes."""
    with tempfile.TemporaryDirectory() as folder:
        sources = {
            "before": _unpack_before(Path(folder) / "before"),
            "unsplit": _unsplit(Path(folder) / "unsplit"),
            "after": REPO / "src",
        }
        for source in sources.values():
            # Bytecode compiled, as pip install does: a cold process reads it, not the source.
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(source / "aidxl_prompt")],
                capture_output=True,
                check=True,
            )
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in sources}
        for round_number in range(processes):
            # Alternating, each first in turn: the same machine load for all three.
            names = list(sources)
            turn = round_number % len(names)
            for name in names[turn:] + names[:turn]:
                runs[name].append(_load_child(sources[name], repeats))
    best = {
        name: {key: min(r[key] for r in rows) for key in rows[0]} for name, rows in runs.items()
    }
    print(
        f"\nPrompt files and presets, best of {processes} alternating fresh processes, ms of CPU "
        f"time. before: {BEFORE} (before the split); unsplit: this checkout with files/ of "
        f"{BEFORE}, so that after/unsplit is the split alone (the rest of the package has "
        "changed since); x safe_load: each figure over a bare yaml.safe_load of the same text "
        "in the same process"
    )
    print(
        f"  {'':<42} {'before':>8} {'unsplit':>8} {'after':>8} {'after/unsplit':>14}"
        f" {'after/before':>13}   x safe_load (unsplit -> after)"
    )
    for key, label, baseline, kind in _LOAD_ROWS:
        before, unsplit, after = (best[name][key] for name in ("before", "unsplit", "after"))
        versus = ""
        if baseline is not None:
            versus = (
                f"{unsplit / best['unsplit'][baseline]:.2f}x -> "
                f"{after / best['after'][baseline]:.2f}x"
            )
        print(
            f"  {label:<42} {before * 1e3:8.2f} {unsplit * 1e3:8.2f} {after * 1e3:8.2f}"
            f" {after / unsplit:13.2f}x {after / before:12.2f}x   {versus:<16} ({kind})"
        )


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
