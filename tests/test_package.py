"""Package hygiene: import layers, the curated __all__, py.typed, and the installed wheel."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import aidxl_prompt

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO_ROOT / "src" / "aidxl_prompt"

# Lowest first. A module may import from a lower layer, or from its own layer as long as
# that does not make a cycle.
LAYERS: list[set[str]] = [
    {"errors", "_data", "_input", "_yaml_input", "_modes"},
    {"normalize", "_compel"},
    {"ordering"},
    {"models"},
    {"card"},
    {"parser", "render", "vocab", "_slot_rules", "_tables"},
    {"classify", "suggest", "presets", "prompt_file"},
    {"compose", "expand"},
    {"cli", "_cli_vocab", "_cli_prompts", "__main__", "__init__"},
]
LAYER_OF = {module: index for index, layer in enumerate(LAYERS) for module in layer}


def _modules() -> list[str]:
    return sorted(path.stem for path in PACKAGE_DIR.glob("*.py"))


def _top_level_imports(module: str) -> set[str]:
    """Package modules imported at module level (function-level imports are deliberate
    upward calls, e.g. Prompt.render, and are not layering)."""
    tree = ast.parse((PACKAGE_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import a, b
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aidxl_prompt"):
            parts = (node.module or "").split(".")
            found.add(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "aidxl_prompt":
                    found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


def test_every_module_has_a_layer() -> None:
    assert sorted(LAYER_OF) == _modules()


@pytest.mark.parametrize("module", _modules())
def test_imports_flow_downwards(module: str) -> None:
    layer = LAYER_OF[module]
    upward = {name for name in _top_level_imports(module) if LAYER_OF[name] > layer}
    assert upward == set()


def test_no_import_cycles_within_a_layer() -> None:
    graph = {module: _top_level_imports(module) - {module} for module in _modules()}
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            assert state.get(target) != 1, " -> ".join([*path, module, target])
            if target not in state:
                visit(target, [*path, module])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [])


def test_the_layer_walker_sees_imports() -> None:
    # Guards against a walker that finds nothing (a test that could not fail).
    assert _top_level_imports("render") >= {"errors", "models", "normalize", "ordering"}
    assert _top_level_imports("cli") >= {"_cli_prompts", "_cli_vocab", "compose"}


# --- __all__ ---------------------------------------------------------------------------

# The names issue 2 promises to export (conformance tests outside the repository use them).
ISSUE_NAMES = {
    "Tag",
    "Slot",
    "Prompt",
    "Ordering",
    "normalize_tag",
    "escape",
    "unescape",
    "parse_tags",
    "parse",
    "render",
    "PromptSyntaxError",
}


def _isort_key(name: str) -> tuple[int, str]:
    """Constants first, then classes, then the rest, each in ASCII order (isort style)."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[:1].isupper() else 2), name


def test_all_is_sorted_unique_and_resolves() -> None:
    names = aidxl_prompt.__all__
    assert list(names) == sorted(names, key=_isort_key)  # the order ruff's RUF022 keeps
    assert len(set(names)) == len(names)
    for name in names:
        assert getattr(aidxl_prompt, name) is not None
    assert set(names) >= ISSUE_NAMES


# Modules whose own __all__ is public API: every name there is exported from the
# package, except these, which are deliberately left at module level.
NOT_REEXPORTED = {
    "errors": set(),
    "models": {"SlotItem", "coerce_item"},
    "normalize": {
        "DIALECTS",
        "WEIGHT_TOLERANCE",
        "CanonicalTag",
        "kaomoji_names",
        "verbatim_names",
    },
    "ordering": {"OrderLike", "ordering_presets", "resolve_ordering"},
    "parser": {"RepairCode"},
    "render": set(),
    "compose": set(),
}


@pytest.mark.parametrize("module", sorted(NOT_REEXPORTED))
def test_public_names_are_exported(module: str) -> None:
    mod = __import__(f"aidxl_prompt.{module}", fromlist=["__all__"])
    missing = set(mod.__all__) - set(aidxl_prompt.__all__) - NOT_REEXPORTED[module]
    assert missing == set()
    for name in NOT_REEXPORTED[module]:
        assert name in mod.__all__  # the exception list stays accurate


@pytest.mark.parametrize("module", sorted(NOT_REEXPORTED))
def test_module_all_lists_its_public_definitions(module: str) -> None:
    mod = __import__(f"aidxl_prompt.{module}", fromlist=["__all__"])
    defined = {
        name
        for name, value in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == mod.__name__
    }
    assert defined - set(mod.__all__) <= {"build_parser"}


def test_exported_objects_are_the_module_objects() -> None:
    # ("render" the module is shadowed by render the function on the package.)
    assert aidxl_prompt.Tag is importlib.import_module("aidxl_prompt.models").Tag
    assert aidxl_prompt.escape is importlib.import_module("aidxl_prompt.normalize").escape
    assert aidxl_prompt.parse_tags is importlib.import_module("aidxl_prompt.parser").parse_tags
    assert aidxl_prompt.render is importlib.import_module("aidxl_prompt.render").render


def test_py_typed_ships() -> None:
    assert (PACKAGE_DIR / "py.typed").is_file()
    assert (Path(aidxl_prompt.__file__).parent / "py.typed").is_file()


# --- the wheel, installed in a fresh venv -----------------------------------------------

CHECK_SCRIPT = """
import aidxl_prompt, pathlib
from aidxl_prompt import Ordering, PaintingStyle, load_vocabulary, normalize_tag
from aidxl_prompt._data import data_dir
here = pathlib.Path(aidxl_prompt.__file__).resolve().parent
assert data_dir().resolve() == here / "data" / "tags", data_dir()
assert Ordering.preset("style_last").slots[-1].value == "art_style"
assert normalize_tag("^_^") == "^_^"
assert normalize_tag("bishop_(chess)") == "bishop (chess)"
assert len(list(PaintingStyle)) == 11
assert PaintingStyle("flat color").description.startswith("Flat colors, using lines")
assert load_vocabulary().sources == ("danbooru (embedded)", "built-in")
from aidxl_prompt import classify
assert classify("ganyu (genshin impact)").slot.value == "character"
print("ok", aidxl_prompt.__version__)
"""


@pytest.mark.slow
def test_wheel_installs_and_finds_its_data(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."],
        cwd=REPO_ROOT,
        check=True,
    )
    (wheel,) = wheels.glob("aidxl_prompt-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    clean_env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    clean_env.pop("AIDXL_PROMPT_TAGS", None)
    check = subprocess.run(
        [str(python), "-c", CHECK_SCRIPT],
        cwd=elsewhere,
        env=clean_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (check.returncode, check.stderr, check.stdout) == (0, "", "ok 0.1.0\n")
    assert check.stdout == "ok 0.1.0\n"
    card = subprocess.run(
        [
            str(bin_dir / "aidxl-prompt"),
            "render",
            str(REPO_ROOT / "examples" / "card_ordering.yaml"),
        ],
        cwd=elsewhere,
        env=clean_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (card.returncode, card.stderr) == (0, "")
    assert card.stdout.startswith("by xxx, 1 frieren \\(sousou no frieren\\), elf, ")
    assert card.stdout.endswith("\nNegative prompt: worst quality, low quality\n")
