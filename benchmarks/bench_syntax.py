"""The text layer against its peers (issue 9): parse, normalize, render, one escaped ``\\``.

Run: ``.venv/bin/python benchmarks/bench_syntax.py`` (``benchmarks/run.py`` runs it too
once the coordinator lists it there).

Workload: 1,000 A1111 prompts of 20-40 tags built as ``bench_core.py`` builds them (fixed
seed, Danbooru names drawn by post count, about 15% weighted, escaped, one LoRA each).
Every figure is the best of alternating rounds, ours and the peer's in the same run, in
CPU time of this process (the machine is shared: time spent waiting for a core is not
ours); the ratio is our time over the peer's (lower is better). Inputs are first seen:
before every round each input-keyed cache of the package is cleared, and the items a
renderer gets are parsed afresh, so nothing an earlier round computed is reused. The
peers come from ``../shared/bench/peers.py`` (their published wheels, run as they are).
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, read_danbooru_table, shared_data_dir
from aidxl_prompt import normalize_tag, parse_items, parse_tags, render_items
from aidxl_prompt.model import parser
from bench_core import make_workload

PROMPTS = 1_000
ROUNDS = 7
MEGABYTE = 1_000_000
ESCAPED_BACKSLASH = "\\\\m/"  # the devil-horns tag as A1111 reads it: "\\m/"


def load_peers() -> ModuleType:
    """``../shared/bench/peers.py``: the peers' published code, loaded at run time."""
    sys.path.insert(0, str(REPO_ROOT.parent / "shared" / "bench"))
    import peers

    return peers


def clear_input_caches() -> None:
    """Empty every cache of the package that is keyed by input (``lru_cache`` with a
    bound); the data tables (unbounded ``functools.cache``) stay loaded, as in a real run."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("aidxl_prompt"):
            continue
        for value in list(vars(module).values()):
            parameters = getattr(value, "cache_parameters", None)
            if parameters is not None and parameters()["maxsize"] is not None:
                value.cache_clear()


def best_of(
    ours: Callable[[], object],
    peer: Callable[[], object],
    *,
    prepare: Callable[[], object] = clear_input_caches,
    rounds: int = ROUNDS,
) -> tuple[float, float]:
    """Best seconds of one call of ``ours`` and of ``peer``, in alternating rounds;
    ``prepare`` runs (untimed) before every round of either."""
    best_ours = best_peer = float("inf")
    for _ in range(rounds):
        best_ours = min(best_ours, _timed(ours, prepare))
        best_peer = min(best_peer, _timed(peer, prepare))
    return best_ours, best_peer


def _timed(function: Callable[[], object], prepare: Callable[[], object]) -> float:
    prepare()
    gc.collect()
    start = time.process_time()
    function()
    return time.process_time() - start


class Table:
    """The printed table: one row per figure, with its target, whether it is met, and
    (when it is not) why."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, float, float, float, str]] = []
        self.reasons: list[str] = []

    def add(
        self, label: str, peer: str, ours: float, theirs: float, target: float, *, why: str
    ) -> None:
        ratio = ours / theirs
        verdict = "met" if ratio <= target else f"NOT met (by {ratio / target - 1:.0%})"
        self.rows.append((label, peer, ours, theirs, ratio, f"<= {target:g}x  {verdict}"))
        if ratio > target:
            self.reasons.append(f"  {label}: {why}")

    def print(self) -> None:
        print(f"  {'figure':<38} {'ours':>10} {'peer':>10} {'ratio':>7}  {'target':<26} peer")
        for label, peer, ours, theirs, ratio, verdict in self.rows:
            print(
                f"  {label:<38} {ours * 1e3:>8.1f}ms {theirs * 1e3:>8.1f}ms {ratio:>6.2f}x"
                f"  {verdict:<26} {peer}"
            )
        if self.reasons:
            print("  why not met:")
            print("\n".join(self.reasons))


def parse_figure(table: Table, prompts: list[str], peers: ModuleType) -> None:
    a1111 = peers.a1111_attention()

    def ours() -> None:
        for prompt in prompts:
            parse_tags(prompt)

    def peer() -> None:
        for prompt in prompts:
            a1111(prompt)

    table.add(
        "parse_tags, cold caches",
        "A1111 parse_prompt_attention",
        *best_of(ours, peer),
        1.0,
        why="each first-seen segment is spelled and built into a Tag (a pydantic object) "
        "once; A1111 builds plain lists",
    )


def normalize_figure(table: Table, names: list[list[str]], peers: ModuleType) -> None:
    tags_to_text = peers.imgutils_tags_to_text()

    def ours() -> None:
        for prompt in names:
            for name in prompt:
                normalize_tag(name)

    def peer() -> None:
        for prompt in names:
            tags_to_text(prompt)

    table.add(
        "normalize_tag, Danbooru names",
        "imgutils tags_to_text",
        *best_of(ours, peer),
        1.0,
        why="names outside the ASCII shortcut go through NFKC, case and the escape rules",
    )


def render_figure(table: Table, prompts: list[str]) -> None:
    items: list[list[object]] = []

    def fresh_items() -> None:
        clear_input_caches()  # new Tag objects: no fragment rendered by an earlier round
        items[:] = [parse_tags(prompt) for prompt in prompts]

    def render(dialect: str) -> Callable[[], None]:
        def loop() -> None:
            for its in items:
                render_items(its, dialect)  # type: ignore[arg-type]

        return loop

    comfy, a1111 = best_of(render("comfyui"), render("a1111"), prepare=fresh_items)
    table.add(
        "render comfyui (vs our a1111)",
        "our A1111 render_items",
        comfy,
        a1111,
        2.0,
        why="a ComfyUI fragment is built at every call; a tag keeps its A1111 fragment",
    )


def backslash_figure(table: Table, prompts: list[str]) -> None:
    # Prompts without an escaped backslash of their own (escaped brackets are welcome).
    body = ", ".join(prompt for prompt in prompts if "\\\\" not in prompt)
    while len(body) < MEGABYTE:
        body = f"{body}, {body}"
    body = body[: body.rindex(",", 0, MEGABYTE)]
    middle = body.index(", ", len(body) // 2)
    with_escape = f"{body[:middle]}, {ESCAPED_BACKSLASH}{body[middle:]}"
    without = f"{body[:middle]}, xxm/{body[middle:]}"  # the same length, no backslash

    def parse(text: str) -> Callable[[], None]:
        return lambda: parse_tags(text)

    ours, peer = best_of(parse(with_escape), parse(without))
    path = "shortcut" if parser.simple_items(with_escape) is not None else "scanner"
    table.add(
        f"1 MB prompt with one '\\\\' ({path})",
        "the same prompt without it",
        ours,
        peer,
        1.2,
        why="the escaped backslash sends the whole prompt to the full scanner",
    )
    assert any(getattr(item, "text", "") == "\\m/" for item in parse_items(with_escape).items)


def main() -> None:
    rows = read_danbooru_table(shared_data_dir() / "danbooru_tags.csv")
    prompts, names = make_workload(rows, PROMPTS)
    tags = sum(len(prompt) for prompt in names)
    print("aidxl-prompt text layer against its peers (issue 9)")
    print(f"  python {sys.version.split()[0]}; {PROMPTS:,} prompts, {tags:,} tags, seed 20261126")
    print(f"  best of {ROUNDS} alternating rounds, CPU time; input caches cleared before each")
    print()
    table = Table()
    peers = load_peers()
    try:
        parse_figure(table, prompts, peers)
        normalize_figure(table, names, peers)
    except peers.PeerUnavailable as reason:
        print(f"  a peer is unavailable: {reason}")
    render_figure(table, prompts)
    backslash_figure(table, prompts)
    table.print()


if __name__ == "__main__":
    main()
