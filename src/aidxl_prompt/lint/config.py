"""Which rules run, and their settings: :class:`LintConfig` and ``[tool.aidxl-prompt.lint]``.

Selection works by code prefix, as in ruff: of the ``select`` and ``ignore`` prefixes
that match a code, the longest wins (``ignore`` on a tie); ``"ALL"`` is the empty
prefix. A code no prefix matches runs if its rule is on by default. ``per_file_ignores``
maps a glob (``fnmatch``, matched against the path as given) to prefixes that are off for
those files whatever else is selected.

>>> config = LintConfig(select=("AP",), ignore=("AP3",), extend_select=("AP301",))
>>> config.enabled("AP302"), config.enabled("AP301"), config.enabled("AP101")
(False, True, True)
>>> LintConfig().enabled("AP504")  # off by default
False
>>> LintConfig(per_file_ignores={"drafts/*": ("AP4",)}).enabled("AP401", "drafts/a.txt")
False
"""

from __future__ import annotations

import fnmatch
import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from ..errors import AidxlPromptError, did_you_mean
from ..model.ordering import Ordering, OrderLike, resolve_ordering
from .registry import RULES

__all__ = ["CONFIG_TABLE", "LintConfig", "LintConfigError", "LintDialect", "load_lint_config"]

CONFIG_TABLE = "tool.aidxl-prompt.lint"
"""Where ``pyproject.toml`` holds the linter's settings."""

LintDialect = Literal["a1111", "comfyui"]
_DIALECTS: tuple[str, ...] = get_args(LintDialect)


class LintConfigError(AidxlPromptError):
    """A lint setting that cannot be used; the message names the file and key."""


def _prefixes(value: Any, where: str) -> tuple[str, ...]:
    """Code prefixes, checked: each must start a registered code (or be ``ALL``)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise LintConfigError(f"{where}: expected a list of code prefixes (got {value!r})")
    found: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise LintConfigError(f"{where}: expected a code prefix (got {item!r})")
        prefix = item.strip().upper()
        if prefix != "ALL" and not any(code.startswith(prefix) for code in RULES):
            hint = did_you_mean(prefix, RULES)
            raise LintConfigError(f"{where}: {item!r} is not a rule code or prefix{hint}")
        found.append("" if prefix == "ALL" else prefix)
    return tuple(found)


@dataclass(frozen=True)
class LintConfig:
    """The rules to run and their settings (every field optional).

    * ``select`` / ``ignore`` / ``extend_select``: code prefixes (see the module doc);
      ``select=None`` means the rules on by default.
    * ``per_file_ignores``: glob -> prefixes switched off for matching paths.
    * ``weight_range``: the weights ``AP501`` accepts (inclusive).
    * ``dialects``: the tools the prompt is for; with two, ``AP111`` compares them.
    * ``order``: the slot order ``AP401`` checks (a preset name or an Ordering).
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    weight_range: tuple[float, float] = (0.5, 1.5)
    dialects: tuple[LintDialect, ...] = ("a1111",)
    order: OrderLike = "documented"
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("ignore", "extend_select"):
            value = _prefixes(getattr(self, name), name.replace("_", "-"))
            object.__setattr__(self, name, value)
        if self.select is not None:
            object.__setattr__(self, "select", _prefixes(self.select, "select"))
        ignores = {
            str(glob): _prefixes(codes, f"per-file-ignores: {glob!r}")
            for glob, codes in dict(self.per_file_ignores).items()
        }
        object.__setattr__(self, "per_file_ignores", MappingProxyType(ignores))
        object.__setattr__(self, "weight_range", _weight_range(self.weight_range))
        if isinstance(self.dialects, str) or not self.dialects:
            raise LintConfigError(f"dialects: expected a list of dialects (got {self.dialects!r})")
        for dialect in self.dialects:
            if dialect not in _DIALECTS:
                raise LintConfigError(
                    f"dialects: {dialect!r} is not a dialect the linter reads "
                    f"(expected {' or '.join(_DIALECTS)})"
                )
        object.__setattr__(self, "dialects", tuple(self.dialects))
        try:
            resolve_ordering(self.order)
        except AidxlPromptError as error:  # an unknown preset, a bad order file
            raise LintConfigError(f"order: {error}") from None
        key = (self.select, self.ignore, self.extend_select, self.weight_range, self.dialects)
        pairs = tuple(self.per_file_ignores.items())
        object.__setattr__(self, "_hash", hash((*key, str(self.order), pairs)))

    def __hash__(self) -> int:
        return self._hash

    def enabled(self, code: str, path: str | None = None) -> bool:
        """Whether rule ``code`` runs (for the file at ``path``, if given)."""
        if path is not None and self._ignored_for(path, code):
            return False
        return _enabled(self.select, self.ignore, self.extend_select, code)

    def codes(self, path: str | None = None) -> frozenset[str]:
        """Every enabled code (for the file at ``path``, if given)."""
        return frozenset(code for code in RULES if self.enabled(code, path))

    @property
    def ordering(self) -> Ordering:
        """The slot order ``AP401`` checks."""
        return resolve_ordering(self.order)

    def _ignored_for(self, path: str, code: str) -> bool:
        normalised = path.replace("\\", "/")
        return any(
            fnmatch.fnmatch(normalised, glob) and any(code.startswith(p) for p in prefixes)
            for glob, prefixes in self.per_file_ignores.items()
        )


@functools.lru_cache(maxsize=1024)
def _enabled(
    select: tuple[str, ...] | None, ignore: tuple[str, ...], extend: tuple[str, ...], code: str
) -> bool:
    best_length = -1
    # With no select, the rules on by default run; select replaces that set.
    chosen = select is None and (RULES[code].default if code in RULES else True)
    for prefixes, verdict in (((*(select or ()), *extend), True), (ignore, False)):
        for prefix in prefixes:
            if code.startswith(prefix) and len(prefix) >= best_length:
                best_length = len(prefix)
                chosen = verdict
    return chosen


def _weight_range(value: Any) -> tuple[float, float]:
    numbers = isinstance(value, (list, tuple)) and len(value) == 2
    if not numbers or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        raise LintConfigError(f"weight-range: expected two numbers [low, high] (got {value!r})")
    low, high = float(value[0]), float(value[1])
    if low > high:
        raise LintConfigError(f"weight-range: the low end {low:g} is above the high end {high:g}")
    return low, high


# pyproject keys (kebab-case, as ruff writes them) -> LintConfig fields.
_KEYS: Mapping[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "extend-select": "extend_select",
    "per-file-ignores": "per_file_ignores",
    "weight-range": "weight_range",
    "dialects": "dialects",
    "order": "order",
}


def load_lint_config(path: str | Path) -> LintConfig:
    """The ``[tool.aidxl-prompt.lint]`` table of a ``pyproject.toml`` (defaults when the
    file has none). Errors name the file and the key.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "pyproject.toml"), "w") as handle:
    ...     _ = handle.write('[tool.aidxl-prompt.lint]\\nignore = ["AP4"]\\n')
    >>> load_lint_config(os.path.join(folder, "pyproject.toml")).enabled("AP401")
    False
    """
    path = Path(path)
    table = _read_toml(path)
    section: Any = table
    for key in CONFIG_TABLE.split("."):
        section = section.get(key, {}) if isinstance(section, dict) else {}
    if not isinstance(section, dict):
        raise LintConfigError(f"{path}: [{CONFIG_TABLE}] must be a table")
    options: dict[str, Any] = {}
    for key, value in section.items():
        name = _KEYS.get(key)
        if name is None:
            hint = did_you_mean(key, _KEYS)
            raise LintConfigError(f"{path}: [{CONFIG_TABLE}] unknown key {key!r}{hint}")
        options[name] = value
    if "per_file_ignores" in options and not isinstance(options["per_file_ignores"], dict):
        raise LintConfigError(f"{path}: [{CONFIG_TABLE}] per-file-ignores must be a table")
    if isinstance(options.get("dialects"), list):
        options["dialects"] = tuple(options["dialects"])
    try:
        return LintConfig(**options)
    except LintConfigError as error:
        raise LintConfigError(f"{path}: [{CONFIG_TABLE}] {error}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; empty when its text cannot name ``aidxl-prompt`` (neither the
    name nor a unicode escape, which a quoted key could spell it with, is in it): such a
    file holds no configuration of ours, and is not parsed (importing the TOML parser and
    parsing a project's file is a tenth of a one-prompt ``lint``)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LintConfigError(f"{path}: cannot read file ({error.strerror or error})") from None
    if _OUR_NAME not in data and b"\\u" not in data and b"\\U" not in data:
        return {}
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 (only the CLI reads configuration)
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # noqa: PLC0415
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise LintConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise LintConfigError(f"{path}: invalid TOML: {error}") from None


_OUR_NAME = CONFIG_TABLE.split(".")[1].encode("ascii")  # b"aidxl-prompt"
