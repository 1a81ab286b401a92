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

# The layers, lowest first: the package's root modules of the base layer, then its
# subpackages. A module may import from a lower layer, or from its own layer as long as
# that makes no cycle. Every import counts, those inside functions too: an import that
# climbs is a dependency that climbs, wherever it is written.
LAYERS: list[set[str]] = [
    {"errors", "_data", "_input"},  # the base: the exception tree, data paths, input limits
    {"syntax"},  # text: spelling, escapes, weights
    {"model"},  # items, slots, Prompt, the reader and the renderers
    {"card"},  # the card's words and forms
    {"vocab"},  # tag tables, vocabulary, classification, suggestions
    {"compose"},  # the pipeline: parse -> slots -> order -> render
    {"files"},  # prompt files, presets, expansion
    {"export"},  # capabilities: hand-off to A1111, ComfyUI, diffusers (infotext, ...)
    {"lint"},  # capabilities: the linter (reads infotext through export)
    {"cli", "__main__", "__init__"},  # the command, and the lazy public API
]
LAYER_OF = {unit: index for index, layer in enumerate(LAYERS) for unit in layer}


def _modules() -> list[str]:
    """Every module, dotted from the package (``model.items``, ``errors``, ``__init__``)."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        found.append(".".join(parts))
    return found


def _unit(module: str) -> str:
    """The layer unit of a module: its subpackage, or the root module itself."""
    head = module.split(".", maxsplit=1)[0]
    return head if "." in module or head in LAYER_OF else module


def _package_of(module: str) -> list[str]:
    """The package a module is in, as parts (``model.items`` and ``model.__init__`` are
    both in ``model``)."""
    return module.split(".")[:-1]


def _imports(module: str) -> set[str]:
    """The package modules ``module`` imports, anywhere in it (inside functions too, and
    under TYPE_CHECKING), dotted from the package; a subpackage itself is its
    ``__init__``."""
    path = PACKAGE_DIR / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    known = set(_modules())
    found: set[str] = set()

    def add(dotted: str) -> None:
        if dotted in known:
            found.add(dotted)
        elif f"{dotted}.__init__" in known:
            found.add(f"{dotted}.__init__")
        elif dotted == "":
            found.add("__init__")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(module)
                base = package[: len(package) - (node.level - 1)]
            elif (node.module or "").split(".")[0] == "aidxl_prompt":
                base = []
            else:
                continue
            target = ".".join([*base, *((node.module or "").split("."))]).strip(".")
            if not node.level:
                target = target.removeprefix("aidxl_prompt").strip(".")
            if node.module:
                add(target)
            for alias in node.names:  # from . import _prompts
                add(f"{target}.{alias.name}".strip("."))
            if not node.module and not found & {
                f"{target}.{a.name}".strip(".") for a in node.names
            }:
                add(target)  # from .. import __version__: a name of the package itself
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "aidxl_prompt":
                    add(alias.name.removeprefix("aidxl_prompt").strip("."))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            found.add("<dynamic>")  # importlib by name: only the lazy public API may
    found.discard(module)
    return found


def test_every_module_has_a_layer() -> None:
    assert {_unit(module) for module in _modules()} == set(LAYER_OF)


@pytest.mark.parametrize("module", _modules())
def test_imports_flow_downwards(module: str) -> None:
    layer = LAYER_OF[_unit(module)]
    imports = _imports(module)
    if module != "__init__":
        assert "<dynamic>" not in imports
    imports.discard("<dynamic>")
    upward = {name for name in imports if LAYER_OF[_unit(name)] > layer}
    assert upward == set()


def test_no_import_cycles() -> None:
    graph = {module: _imports(module) - {"<dynamic>"} for module in _modules()}
    # A subpackage's __init__ is imported with each of its modules; it must import none.
    for module, targets in graph.items():
        if module.endswith("__init__") and module != "__init__":
            assert targets <= {module.replace("__init__", "app")}, module
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
    # Guards against a walker that finds nothing (a test that could not fail): top-level,
    # relative from a subpackage, and inside a function.
    assert _imports("model.render") >= {"errors", "model.items", "syntax.normalize"}
    assert _imports("cli.app") >= {"cli._prompts", "cli._vocab", "compose"}
    assert "files.prompt_file" in _imports("cli.app")  # imported inside a function
    assert _imports("__init__") >= {"model.prompt", "vocab.classify", "<dynamic>"}


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


def test_the_lazy_table_the_type_checking_imports_and_all_agree() -> None:
    # __init__.py names each export three times (for type checkers, for the lazy loader,
    # in __all__): the three must be the same names, from the same modules.
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    checked: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    checked[alias.name] = str(statement.module)
    lazy = vars(aidxl_prompt)["_EXPORTS"]
    assert checked == lazy
    assert set(aidxl_prompt.__all__) == set(lazy)


# Modules whose own __all__ is public API: every name there is exported from the
# package, except these, which are deliberately left at module level.
NOT_REEXPORTED = {
    "errors": {"did_you_mean"},
    "model.items": {
        "NegativeItem",
        "NegativeList",
        "NetworkList",
        "SlotItem",
        "Weight",
        "coerce_item",
        "construct_valid",
        "plain_message",
    },
    "model.prompt": set(),
    "syntax.normalize": {
        "DIALECTS",
        "WEIGHT_TOLERANCE",
        "CanonicalTag",
        "escape_a1111",
        "kaomoji_names",
        "verbatim_names",
    },
    "model.ordering": {"OrderLike", "ordering_presets", "resolve_ordering"},
    "model.parser": {"RepairCode", "segment_item", "segment_spans", "simple_items"},
    "model.render": set(),
    "compose": set(),
}


@pytest.mark.parametrize("module", sorted(NOT_REEXPORTED))
def test_public_names_are_exported(module: str) -> None:
    mod = __import__(f"aidxl_prompt.{module}", fromlist=["__all__"])
    missing = set(mod.__all__) - set(aidxl_prompt.__all__) - NOT_REEXPORTED[module]
    assert missing == set()
    for name in NOT_REEXPORTED[module]:
        assert name in mod.__all__  # the exception list stays accurate


def _public_modules() -> list[str]:
    """Every module a user may import: no part of its dotted name starts with ``_``."""
    return [
        module
        for module in _modules()
        if not any(part.startswith("_") for part in module.split("."))
    ]


@pytest.mark.parametrize("module", _public_modules())
def test_every_public_module_has_a_complete_sorted_all(module: str) -> None:
    mod = importlib.import_module(f"aidxl_prompt.{module}")
    names = getattr(mod, "__all__", None)
    assert isinstance(names, list), f"aidxl_prompt.{module} has no __all__ list"
    assert names == sorted(names, key=_isort_key)  # the order ruff's RUF022 keeps
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(mod, name), name
    defined = {
        name
        for name, value in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == mod.__name__
    }
    assert defined - set(names) <= {"build_parser"}


def test_exported_objects_are_the_module_objects() -> None:
    assert aidxl_prompt.Tag is importlib.import_module("aidxl_prompt.model.items").Tag
    assert aidxl_prompt.escape is importlib.import_module("aidxl_prompt.syntax.normalize").escape
    assert (
        aidxl_prompt.parse_tags is importlib.import_module("aidxl_prompt.model.parser").parse_tags
    )
    assert aidxl_prompt.render is importlib.import_module("aidxl_prompt.model.prompt").render
    # a submodule named like a public function does not hide the function
    importlib.import_module("aidxl_prompt.vocab.classify")
    assert callable(aidxl_prompt.classify)


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
