"""Faithful composition (issue 8): format throughput before and after, and the CLI's
cold start beside ``python -c "import pydantic"``.

Run: ``.venv/bin/python benchmarks/bench_compose.py`` (or ``benchmarks/run.py compose``).

* **format throughput**: the 400 seeded prompts of ``bench_core`` (20-40 Danbooru tags
  each, 15% weighted, one LoRA), each formatted once in a fresh process (every prompt
  is seen for the first time: a cold cache, as a user meets it), then the same batch
  again in that process (warm). "before" is the code of :data:`BEFORE` (main before this
  work, no embedded vocabulary), unpacked with ``git archive`` and run from its own
  ``src``; "after" is this checkout with the embedded Danbooru vocabulary in use. The
  peer beside them is A1111's own ``parse_prompt_attention`` over the same prompts (the
  MIT port in ``../shared/bench/peers.py``), the least any formatter has to do.
* **cold start**: ``aidxl-prompt format "<30-tag prompt>"`` as a new process, alternated
  with ``python -c "import pydantic"``, best and median of the rounds; target 3x. The
  package's bytecode is compiled first, as ``pip install`` does.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_core
from _common import REPO_ROOT, read_danbooru_table, run_child, shared_data_dir, unpack_commit

BEFORE = "a8f428c"
"""main before issue 8 (the last commit of issue 3)."""

THIRTY_TAGS = (
    "masterpiece, best quality, 1girl, solo, long hair, white hair, twintails, green eyes, "
    "elf, sitting on ground, in the forest, holding a magic wand, impasto, by wlop, smile, "
    "white dress, frills, grass, sunshine, birds, cloud, butterfly, looking at viewer, "
    "parted lips, pointy ears, blush, day, outdoors, tree, flower"
)
# Thirty tags the precomputed pattern file (data/vocab/pattern_matches.tsv, every general
# Danbooru tag) does not cover: classifying them compiles the slot patterns they try, as
# a prompt of the writer's own words would.
RARE_TAGS = (
    "holding a paper lantern, sitting on a wooden bench, in the old library, wearing a "
    "knitted scarf, dark blue kimono, reading a letter, gazing at the moon, moths, "
    "glowing fireflies, thin crescent moon, lantern light, cherry petals, wet stone path, "
    "autumn leaves, foggy hill, faded red umbrella, old bamboo fence, stone lanterns, "
    "paper cranes, night market, tea cups, wind chimes, koi pond, arched wooden bridge, "
    "lotus flowers, torii gates, snowy roof, mountain shrine, river stones, evening mist"
)
ROUNDS = 11

# Runs in a child process: time format over the prompts twice (first seen, then again).
_CHILD = """
import json, sys, time
prompts = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
from aidxl_prompt import format_prompt
imported = time.perf_counter()
for prompt in prompts:
    format_prompt(prompt)
cold = time.perf_counter()
for prompt in prompts:
    format_prompt(prompt)
warm = time.perf_counter()
print(json.dumps({"import": imported - start, "cold": cold - imported, "warm": warm - cold}))
"""

_PEER = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
import peers
attention = peers.a1111_attention()
prompts = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
for prompt in prompts:
    attention(prompt)
print(json.dumps({"cold": time.perf_counter() - start}))
"""


def _unpack_before(folder: Path) -> Path:
    """The ``src`` and ``data`` of :data:`BEFORE`, unpacked into ``folder``."""
    return unpack_commit(BEFORE, ["src", "data"], folder) / "src"


def _child(source: Path, prompts_file: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("AIDXL_PROMPT_TAGS", None)
    return run_child(_CHILD, [str(prompts_file)], env)


def _peer(prompts_file: Path) -> float | None:
    peers_dir = REPO_ROOT.parent / "shared" / "bench"
    done = subprocess.run(
        [sys.executable, "-c", _PEER, str(prompts_file), str(peers_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"  peer unavailable: {done.stderr.strip().splitlines()[-1:]}")
        return None
    value: float = json.loads(done.stdout)["cold"]
    return value


def format_throughput() -> None:
    prompts = bench_core.make_prompts(read_danbooru_table(shared_data_dir() / "danbooru_tags.csv"))
    tags = sum(prompt.count(",") + 1 for prompt in prompts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        prompts_file = folder / "prompts.json"
        prompts_file.write_text(json.dumps(prompts), encoding="utf-8")
        before_src = _unpack_before(folder / "before")
        after_src = REPO_ROOT / "src"
        for source in (before_src, after_src):  # bytecode for both, as pip install makes
            _compile(source / "aidxl_prompt")
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        peer: list[float] = []
        for _ in range(5):  # alternating fresh processes: the same machine load for each
            runs["before"].append(_child(before_src, prompts_file))
            runs["after"].append(_child(after_src, prompts_file))
            found = _peer(prompts_file)
            if found is not None:
                peer.append(found)
    print(f"format throughput ({len(prompts)} prompts, {tags:,} tags; best of 5 fresh processes)")
    best = {
        name: {key: min(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }
    for name in ("before", "after"):
        figures = best[name]
        print(
            f"  {name:<7} first seen {tags / figures['cold']:>10,.0f} tags/s   "
            f"again {tags / figures['warm']:>10,.0f} tags/s   import {figures['import']:.3f} s"
        )
    ratio = best["after"]["cold"] / best["before"]["cold"]
    print(f"  after / before, first seen: {ratio:.2f}x the time")
    if peer:
        peer_best = min(peer)
        print(
            f"  peer: A1111 parse_prompt_attention alone, first seen {tags / peer_best:>10,.0f} "
            f"tags/s; format takes {best['after']['cold'] / peer_best:.1f}x its time "
            "(format also classifies, orders and renders)"
        )


def _compile(package: Path) -> None:
    """Write the package's bytecode. pip does so on install; an editable checkout (and a
    shell with PYTHONDONTWRITEBYTECODE set) would recompile every module at every start,
    which no installed user meets."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], capture_output=True, check=True
    )


def cold_start() -> None:
    _compile(REPO_ROOT / "src" / "aidxl_prompt")
    script = Path(sys.executable).with_name("aidxl-prompt")
    env = {key: value for key, value in os.environ.items() if key != "AIDXL_PROMPT_TAGS"}
    runs: dict[str, list[float]] = {"card": [], "rare": [], "pydantic": []}
    commands = {
        "card": [str(script), "format", THIRTY_TAGS],
        "rare": [str(script), "format", RARE_TAGS],
        "pydantic": [sys.executable, "-c", "import pydantic"],
    }
    for _ in range(ROUNDS):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            runs[name].append(time.perf_counter() - start)
    base_best, base_median = min(runs["pydantic"]), statistics.median(runs["pydantic"])
    print(f"cold start, {ROUNDS} alternating fresh processes (embedded vocabulary in use)")
    print(
        f"  python -c 'import pydantic':          best {base_best:.3f} s, "
        f"median {base_median:.3f} s"
    )
    labels = {
        "card": "format <the card's 30 tags>",
        "rare": "format <30 uncommon tags>",
    }
    for name, label in labels.items():
        best, median = min(runs[name]), statistics.median(runs[name])
        ratio = best / base_best
        verdict = "met" if ratio <= 3 else "NOT met"
        print(
            f"  aidxl-prompt {label:<27} best {best:.3f} s, median {median:.3f} s   "
            f"ratio (best) {ratio:.2f}x, (median) {median / base_median:.2f}x   "
            f"target <= 3x: {verdict}"
        )


def main() -> None:
    format_throughput()
    print()
    cold_start()


if __name__ == "__main__":
    main()
