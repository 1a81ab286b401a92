"""The card's generation settings: :class:`Settings`, its rules, presets and sizes.

The card's "Basic Usage" says: CFG scale 5-11; an area around 1024x1024, no side under
256 and both sides multiples of 32; "Euler A (20+ steps) or DPM++ 2M Karras (~35
steps)". The rules and presets are data (``data/tags/settings.yaml``).

A size the card forbids is an error that names the nearest valid sizes; the rest are
warnings, returned as values (:class:`SettingsWarning`) so a linter can report them.

>>> s = Settings.preset("dpmpp_2m_karras", width=832, height=1248, seed=1)
>>> s.sampler, s.scheduler, s.steps, s.warnings()
('DPM++ 2M', 'Karras', 35, ())
>>> [w.code for w in Settings(cfg_scale=13, steps=12).warnings()]
['cfg-out-of-range', 'steps-below-card']
>>> resolution_for("2:3")
(832, 1248)
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .._data import load_builtin_yaml
from ..errors import CardValueError, DataFileError, did_you_mean
from ..model.items import plain_message

__all__ = [
    "Settings",
    "SettingsError",
    "SettingsWarning",
    "resolution_for",
    "sampler_table",
    "scheduler_table",
    "settings_data",
    "settings_presets",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)
_SETTINGS_FILE = "settings.yaml"


class SettingsError(CardValueError):
    """A setting the card (or the type) does not allow, naming the field.

    ``field`` is the setting's name (``width``); ``problem`` the message without it.

    >>> print(SettingsError("width", "must be a whole number"))
    Settings: width: must be a whole number
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"Settings: {field}: {problem}")


class SettingsWarning(BaseModel):
    """One setting the card advises against: a code, the field, a message, the card's rule.

    >>> w = Settings(cfg_scale=4).warnings()[0]
    >>> w.code, w.field, w.rule
    ('cfg-out-of-range', 'cfg_scale', 'CFG scale: 5-11')
    >>> print(w)
    cfg_scale: CFG scale 4 is outside the card's 5 to 11 (card: "CFG scale: 5-11")
    """

    model_config = _FROZEN

    code: str
    field: str
    message: str
    rule: str

    def __str__(self) -> str:
        return f'{self.field}: {self.message} (card: "{self.rule}")'


@functools.cache
def settings_data() -> Mapping[str, Any]:
    """The parsed ``settings.yaml`` (read once; treat it as read-only).

    >>> settings_data()["rules"]["cfg_scale"]["min"]
    5
    """
    data = load_builtin_yaml(_SETTINGS_FILE)
    for key in ("rules", "presets", "samplers", "schedulers"):
        if not isinstance(data, dict) or not isinstance(data.get(key), dict):
            raise DataFileError(f"{_SETTINGS_FILE}: expected a mapping under {key!r}")
    return data  # type: ignore[no-any-return]


def settings_presets() -> dict[str, str]:
    """The named presets and what each is, in the file's order.

    >>> list(settings_presets())
    ['euler_a', 'dpmpp_2m_karras']
    """
    presets = settings_data()["presets"]
    return {name: str(body.get("description", "")) for name, body in presets.items()}


def sampler_table() -> Mapping[str, Mapping[str, Any]]:
    """A1111's sampler names and their ComfyUI and diffusers equivalents.

    >>> sampler_table()["Euler a"]["comfyui"]
    'euler_ancestral'
    """
    return settings_data()["samplers"]  # type: ignore[no-any-return]


def scheduler_table() -> Mapping[str, Mapping[str, Any]]:
    """A1111's schedule types and their ComfyUI and diffusers equivalents.

    >>> scheduler_table()["Karras"]["comfyui"]
    'karras'
    """
    return settings_data()["schedulers"]  # type: ignore[no-any-return]


def _rule(name: str) -> Mapping[str, Any]:
    return settings_data()["rules"][name]  # type: ignore[no-any-return]


def _nearest_multiples(value: int, multiple: int, minimum: int) -> list[int]:
    """The valid sides next to ``value``: the multiples of ``multiple`` on either side,
    never under ``minimum``.

    >>> _nearest_multiples(1000, 32, 256), _nearest_multiples(100, 32, 256)
    ([992, 1024], [256])
    """
    below = max(minimum, value // multiple * multiple)
    above = max(minimum, -(-value // multiple) * multiple)
    return sorted({below, above})


# An old A1111 sampler name with its schedule in it ("DPM++ 2M Karras"), as A1111 before
# v1.9 wrote it; read as the sampler and the schedule type, as A1111 itself does.
_OLD_SCHEDULE_SUFFIX = re.compile(r"(?P<sampler>.+) (?P<scheduler>Karras|Exponential)")

_INT_FIELDS = ("width", "height", "steps", "seed", "batch_size", "clip_skip")


class Settings(BaseModel):
    """Generation settings, checked against the card (frozen; compares by value).

    ``sampler`` and ``scheduler`` use A1111's names ("Euler a", "DPM++ 2M" with
    "Karras"); ``seed`` -1 means random; ``clip_skip`` counts as A1111 does (1: the
    last layer). Construction errors are :class:`SettingsError` naming the field.

    >>> Settings(width=1000)
    Traceback (most recent call last):
    ...
    aidxl_prompt.card.settings.SettingsError: Settings: width: 1000 is not a multiple of 32; \
the nearest valid widths are 992 and 1024 (card: "...multiples of 32")
    >>> Settings(sampler="DPM++ 2M Karras").scheduler   # the old combined name
    'Karras'
    """

    model_config = _FROZEN

    width: int = 1024
    height: int = 1024
    cfg_scale: float = 7.0
    steps: int = 28
    sampler: str = "Euler a"
    scheduler: str = "Automatic"
    seed: int = -1
    batch_size: int = 1
    clip_skip: int = 1

    if not TYPE_CHECKING:

        def __init__(self, /, **data: Any) -> None:
            unknown = [key for key in data if key not in type(self).model_fields]
            if unknown:
                fields = type(self).model_fields
                hint = did_you_mean(str(unknown[0]), fields)
                known = ", ".join(fields)
                raise SettingsError(
                    str(unknown[0]), f"unknown setting{hint} (expected one of: {known})"
                )
            try:
                super().__init__(**data)
            except ValidationError as error:
                first = error.errors()[0]
                field = str(first["loc"][0]) if first["loc"] else "settings"
                problem = plain_message(error).removeprefix(f"{field}: ")
                raise SettingsError(field, problem) from None

    @classmethod
    def preset(cls, name: str, /, **overrides: Any) -> Settings:
        """A named preset (:func:`settings_presets`), with any field overridden.

        >>> Settings.preset("euler_a", seed=7).seed
        7
        >>> Settings.preset("euler")
        Traceback (most recent call last):
        ...
        aidxl_prompt.card.settings.SettingsError: Settings: preset: unknown preset 'euler'; \
did you mean 'euler_a'? (expected one of: euler_a, dpmpp_2m_karras)
        """
        presets = settings_data()["presets"]
        if name not in presets:
            hint = did_you_mean(name, presets)
            known = ", ".join(presets)
            raise SettingsError(
                "preset", f"unknown preset {name!r}{hint} (expected one of: {known})"
            )
        body = {key: value for key, value in presets[name].items() if key != "description"}
        return cls(**{**body, **overrides})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from a mapping (a prompt file's ``settings:`` block): the field names,
        and ``preset`` for a named preset the other keys override.

        >>> Settings.from_mapping({"preset": "dpmpp_2m_karras", "steps": 40}).steps
        40
        """
        if not isinstance(data, Mapping):
            raise SettingsError("settings", f"expected a mapping, not {type(data).__name__}")
        fields = {str(key): value for key, value in data.items() if key != "preset"}
        if "preset" in data:
            return cls.preset(str(data["preset"]), **fields)
        return cls(**fields)

    @model_validator(mode="before")
    @classmethod
    def _split_old_sampler_name(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("sampler"), str):
            return data
        if data["sampler"] in sampler_table():
            return data
        old = _OLD_SCHEDULE_SUFFIX.fullmatch(data["sampler"])
        scheduler = data.get("scheduler", "Automatic")
        if old and old.group("sampler") in sampler_table() and scheduler == "Automatic":
            return {**data, "sampler": old.group("sampler"), "scheduler": old.group("scheduler")}
        return data

    @field_validator(*_INT_FIELDS, mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number (got {value!r})")
        return value

    @field_validator("width", "height")
    @classmethod
    def _card_side(cls, value: int, info: ValidationInfo) -> int:
        rule = _rule("resolution")
        multiple, minimum = int(rule["multiple"]), int(rule["min_side"])
        if value >= minimum and value % multiple == 0:
            return value
        noun = str(info.field_name)
        if value < minimum:
            raise ValueError(
                f"{value} is below {minimum}; the nearest valid {noun} is {minimum} "
                f'(card: "Not lower than {minimum}x{minimum}")'
            )
        below, above = _nearest_multiples(value, multiple, minimum)
        raise ValueError(
            f"{value} is not a multiple of {multiple}; the nearest valid {noun}s are "
            f'{below} and {above} (card: "...multiples of {multiple}")'
        )

    @field_validator("cfg_scale")
    @classmethod
    def _finite_cfg(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"must be a number of 0 or more (got {value!r})")
        return value

    @field_validator("steps", "batch_size", "clip_skip")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"must be 1 or more (got {value!r})")
        return value

    @field_validator("seed")
    @classmethod
    def _seed(cls, value: int) -> int:
        if value < -1:
            raise ValueError(f"must be -1 (random) or a seed of 0 or more (got {value!r})")
        return value

    @field_validator("sampler", "scheduler")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("may not be empty")
        return value.strip()

    @property
    def size(self) -> str:
        """``WIDTHxHEIGHT``, as A1111 writes it.

        >>> Settings(width=832, height=1248).size
        '832x1248'
        """
        return f"{self.width}x{self.height}"

    def effective_scheduler(self) -> str:
        """The schedule type actually used: "Automatic" resolved to the sampler's own
        default, as A1111 does ("DPM++ 2M" uses "Karras").

        >>> Settings(sampler="DPM++ 2M").effective_scheduler()
        'Karras'
        """
        if self.scheduler != "Automatic":
            return self.scheduler
        return str(sampler_table().get(self.sampler, {}).get("automatic", "Automatic"))

    def warnings(self) -> tuple[SettingsWarning, ...]:
        """What the card advises against in these settings (empty when none).

        >>> print(Settings(width=768, height=768).warnings()[0])  # doctest: +ELLIPSIS
        size: area 768x768 = 589,824 pixels is 44% under 1024x1024 (the card wants about ...
        """
        found = [*_area_warnings(self), *_cfg_warnings(self), *_sampler_warnings(self)]
        return tuple(found)


def _warning(code: str, field: str, message: str, rule: str) -> list[SettingsWarning]:
    card = str(_rule(rule)["card"])
    return [SettingsWarning(code=code, field=field, message=message, rule=card)]


def _area_warnings(settings: Settings) -> list[SettingsWarning]:
    rule = _rule("resolution")
    target, tolerance = int(rule["target_area"]), float(rule["area_tolerance"])
    area = settings.width * settings.height
    off = area / target - 1
    if abs(off) <= tolerance:
        return []
    direction = "over" if off > 0 else "under"
    width, height = resolution_for(settings.width / settings.height)
    message = (
        f"area {settings.size} = {area:,} pixels is {abs(off):.0%} {direction} 1024x1024 "
        f"(the card wants about 1024x1024; this project warns beyond {tolerance:.0%}); "
        f"for this aspect use {width}x{height}"
    )
    return _warning("area-off-target", "size", message, "resolution")


def _cfg_warnings(settings: Settings) -> list[SettingsWarning]:
    rule = _rule("cfg_scale")
    low, high = rule["min"], rule["max"]
    if low <= settings.cfg_scale <= high:
        return []
    message = f"CFG scale {settings.cfg_scale:g} is outside the card's {low} to {high}"
    return _warning("cfg-out-of-range", "cfg_scale", message, "cfg_scale")


def _sampler_warnings(settings: Settings) -> list[SettingsWarning]:
    """Unknown names first (a typo is the likelier mistake), then the card's two samplers."""
    if settings.sampler not in sampler_table():
        hint = did_you_mean(settings.sampler, sampler_table())
        message = f"{settings.sampler!r} is not one of A1111's samplers{hint}"
        return _warning("unknown-sampler", "sampler", message, "sampler")
    if settings.scheduler not in scheduler_table():
        hint = did_you_mean(settings.scheduler, scheduler_table())
        message = f"{settings.scheduler!r} is not one of A1111's schedule types{hint}"
        return _warning("unknown-scheduler", "scheduler", message, "sampler")
    return _steps_warnings(settings)


def _steps_warnings(settings: Settings) -> list[SettingsWarning]:
    rule = _rule("sampler")
    euler, dpm = rule["euler_a"], rule["dpmpp_2m_karras"]
    if settings.sampler == euler["sampler"]:
        if settings.steps >= euler["min_steps"]:
            return []
        message = f"{settings.steps} steps with Euler a; the card asks for {euler['min_steps']}+"
        return _warning("steps-below-card", "steps", message, "sampler")
    if settings.sampler == dpm["sampler"] and settings.effective_scheduler() == dpm["scheduler"]:
        low, high = dpm["steps"] - dpm["steps_tolerance"], dpm["steps"] + dpm["steps_tolerance"]
        if low <= settings.steps <= high:
            return []
        message = (
            f"{settings.steps} steps with DPM++ 2M Karras; the card asks for about "
            f"{dpm['steps']} ({low} to {high})"
        )
        return _warning("steps-off-card", "steps", message, "sampler")
    named = f"{settings.sampler} {settings.effective_scheduler()}".replace(" Automatic", "")
    message = f"{named!r} is not one of the card's samplers (Euler a, or DPM++ 2M with Karras)"
    return _warning("sampler-not-on-card", "sampler", message, "sampler")


_ASPECT = re.compile(r"\s*(?P<w>\d+(?:\.\d+)?)\s*[:/x]\s*(?P<h>\d+(?:\.\d+)?)\s*")
_MAX_ASPECT = 16.0  # the short side of a 1024x1024 area reaches 256 at 16:1


def _aspect_value(aspect: str | float) -> float:
    if isinstance(aspect, str):
        pair = _ASPECT.fullmatch(aspect)
        try:
            value = float(pair.group("w")) / float(pair.group("h")) if pair else float(aspect)
        except (ValueError, ZeroDivisionError):
            raise CardValueError(
                f"aspect {aspect!r} is not a ratio like '2:3' or '16:9', or a number"
            ) from None
    else:
        value = float(aspect)
    if not math.isfinite(value) or not 1 / _MAX_ASPECT <= value <= _MAX_ASPECT:
        raise CardValueError(
            f"aspect {aspect!r} is outside 1:16 to 16:1 (the card's 256 minimum side at "
            "an area of 1024x1024)"
        )
    return value


def resolution_for(aspect: str | float) -> tuple[int, int]:
    """The card's size for an aspect: both sides multiples of 32, area closest to 1024x1024.

    ``aspect`` is ``"W:H"`` (``"2:3"``, ``"16:9"``) or a number (width / height). The
    ideal size (area 1024x1024 at exactly that aspect) is rounded down or up to
    multiples of 32 on each side; of those four, the one whose area is closest to
    1024x1024 wins (ties: the closer aspect). The card does not use SDXL's fixed bucket
    list (its training bucketing "does not adhere to a fixed set of buckets").

    >>> resolution_for("1:1"), resolution_for("16:9"), resolution_for(0.75)
    ((1024, 1024), (1376, 768), (896, 1184))
    """
    value = _aspect_value(aspect)
    rule = _rule("resolution")
    multiple, minimum, target = int(rule["multiple"]), int(rule["min_side"]), rule["target_area"]
    ideal_w, ideal_h = math.sqrt(target * value), math.sqrt(target / value)
    widths = _nearest_multiples(math.floor(ideal_w), multiple, minimum)
    heights = _nearest_multiples(math.floor(ideal_h), multiple, minimum)
    widths = sorted({*widths, *_nearest_multiples(math.ceil(ideal_w), multiple, minimum)})
    heights = sorted({*heights, *_nearest_multiples(math.ceil(ideal_h), multiple, minimum)})
    return min(
        ((w, h) for w in widths for h in heights),
        key=lambda size: (
            abs(size[0] * size[1] - target),
            abs(math.log(size[0] / size[1] / value)),
        ),
    )
