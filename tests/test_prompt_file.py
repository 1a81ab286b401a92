"""YAML prompt files: entries, typed forms, extends/merge, errors with file:line and path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aidxl_prompt.card.settings import Settings
from aidxl_prompt.files.prompt_file import (
    PresetLibrary,
    PromptFileError,
    dump_prompt_file,
    load_prompt_and_settings,
    load_prompt_file,
    load_prompt_text,
    parse_prompt_text,
    prompt_to_yaml,
)
from aidxl_prompt.model.items import Break, ExtraNetwork, Phrase, Schedule, Tag
from aidxl_prompt.model.prompt import Prompt, Section

REPO = Path(__file__).resolve().parents[1]

T = Tag


# (YAML, field, expected items)
ENTRY_CASES: list[tuple[str, str, list[Any]]] = [
    ("race: [elf]", "race", [Tag(text="elf")]),  # a plain tag
    ("race: elf", "race", [Tag(text="elf")]),  # one entry without brackets
    ("race: [{elf: 1.2}]", "race", [Tag(text="elf", weight=1.2)]),  # {tag: weight}
    ("race: [{elf: }]", "race", [Tag(text="elf")]),  # {tag: } means weight 1
    ("race: [{text: elf, weight: 0.5}]", "race", [Tag(text="elf", weight=0.5)]),  # explicit
    ("race: [Dark_Elf]", "race", [Tag(text="dark elf")]),  # normalised spelling
    ("art_style: [yoneyama mai]", "art_style", [Tag(text="by yoneyama mai")]),  # by added
    ("art_style: [by ask]", "art_style", [Tag(text="by ask")]),  # never doubled
    ("art_style: [{chi4: 0.8}]", "art_style", [Tag(text="by chi4", weight=0.8)]),  # weighted
    ("art_style: [{style: ikky, weight: 0.9}]", "art_style", [Tag(text="by ikky", weight=0.9)]),
    ("art_style: [{text: watercolor}]", "art_style", [Tag(text="watercolor")]),  # verbatim
    ("painting_style: [Flat_Color]", "painting_style", [Tag(text="flat color")]),  # card word
    ("painting_style: [{impasto: 1.1}]", "painting_style", [Tag(text="impasto", weight=1.1)]),
    ("painting_style: [{text: watercolor}]", "painting_style", [Tag(text="watercolor")]),
    ("quality: [amazing]", "quality", [Tag(text="amazing quality")]),  # level word
    ("quality: [{best: 1.2}]", "quality", [Tag(text="best quality", weight=1.2)]),
    (
        "quality: [{quality: amazing, weight: 1.5}]",
        "quality",
        [Tag(text="amazing quality", weight=1.5)],
    ),
    ("quality: [masterpiece]", "quality", [Tag(text="masterpiece")]),  # free text allowed
    ("theme: [{theme: fantasy}]", "theme", [Tag(text="fantasy theme")]),  # suffix added
    ("theme: [halloween]", "theme", [Tag(text="halloween")]),  # plain theme kept
    ("character: [lucy (cyberpunk)]", "character", [Tag(text="lucy (cyberpunk)")]),
    (
        "character: [{character: ganyu, series: genshin impact}]",
        "character",
        [Tag(text="ganyu (genshin impact)")],
    ),  # the card's form
    (
        "character: [{character: frieren, series: sousou no frieren, form: one}]",
        "character",
        [Tag(text="1 frieren (sousou no frieren)")],
    ),  # the 1 prefix
    (
        "character: [{character: lucy, series: cyberpunk, gender: girl, form: sentence}]",
        "character",
        [Tag(text="a girl named lucy from cyberpunk series")],
    ),  # v0.8 sentence
    (
        "negative: [worst quality, {lowres: 1.2}]",
        "negative",
        [Tag(text="worst quality"), Tag(text="lowres", weight=1.2)],
    ),
    ("negative: [amazing]", "negative", [Tag(text="amazing")]),  # no card treatment in negative
    ("negative: [a, {kind: break}, b]", "negative", [T("a"), Break(), T("b")]),  # a BREAK
    (
        "clothing: [{kind: phrase, text: 'a (white:1.2) dress'}]",
        "clothing",
        [Phrase(parts=["a ", ("white", 1.2), " dress"])],
    ),  # one comma unit in A1111 syntax, kept whole
    (
        "race: [{kind: schedule, text: '[elf:human:10]', weight: 1.1}]",
        "race",
        [Schedule(text="[elf:human:10]", weight=1.1)],
    ),  # scheduling kept verbatim
    ("networks: ['<lora:AIDXL_x:0.8>']", "networks", [ExtraNetwork(text="<lora:AIDXL_x:0.8>")]),
    ("race: []", "race", []),  # an empty slot
    ("race:", "race", []),  # a slot with nothing
]


@pytest.mark.parametrize(("text", "field", "expected"), ENTRY_CASES)
def test_entries(text: str, field: str, expected: list[Any]) -> None:
    assert getattr(load_prompt_text(text), field) == expected


def test_character_outfit_goes_to_clothing() -> None:
    prompt = load_prompt_text(
        "character:\n"
        "  - character: st. louis (luxurious wheels)\n"
        "    series: azur lane\n"
        "    outfit: [silver evening gown, {plunging neckline: 1.1}]\n"
        "clothing: [gloves]\n"
    )
    assert prompt.character == [Tag(text="st. louis (luxurious wheels) (azur lane)")]
    assert prompt.clothing == [
        Tag(text="silver evening gown"),
        Tag(text="plunging neckline", weight=1.1),
        Tag(text="gloves"),
    ]


def test_empty_file_is_an_empty_prompt() -> None:
    assert load_prompt_text("").is_empty()
    assert load_prompt_text("# only a comment\n").is_empty()


_ENTRY = (
    "expected a tag ('text' or {'text': weight}), {text: ..., weight: ...}, a typed entry "
    "(character, style, quality, theme), {kind: phrase|schedule|break} or {choose: [...]}"
)
_STYLES = (
    "flat color, clean color, celluloid, flat-pasto, thin-pasto, pseudo-impasto, impasto, "
    "realistic, photorealistic, cel shading, 3d"
)
_LEVELS = "amazing quality, best quality, high quality, normal quality, low quality, worst quality"

# (YAML, whole message) - one row per kind of mistake
ERROR_CASES = [
    ("- a\n- b\n", "<string>:1: expected a mapping of slot names to tag lists, got a list"),
    (
        "charactr: [lucy]\n",
        "<string>:1: charactr: unknown field; did you mean 'character'? (a prompt file has slot "
        "names, negative, networks, sections, weight, extends, merge, description and settings)",
    ),  # misspelt slot
    (
        "race: elf, human\n",
        "<string>:1: race: a tag's text may not contain a comma (got 'elf, human')",
    ),  # a prompt line pasted as one tag
    ("race: 5\n", "<string>:1: race: expected a list of entries, got a number (5)"),
    ("race:\n  - elf\n  - [a, b]\n", f"<string>:3: race[1]: {_ENTRY}; got a list"),  # nested list
    ("race: [null]\n", f"<string>:1: race[0]: {_ENTRY}; got nothing (null)"),  # empty entry
    (
        "race:\n  - {elf: high}\n",
        "<string>:2: race[0].elf: expected a number for the weight, got a string ('high')",
    ),  # weight not a number
    (
        "race:\n  - {elf: .nan}\n",
        "<string>:2: race[0].elf: expected a finite weight from -1000 to 1000, got nan",
    ),  # NaN weight
    (
        "race:\n  - {elf: true}\n",
        "<string>:2: race[0].elf: expected a number for the weight, got a boolean (true)",
    ),  # YAML boolean
    (
        "race:\n  - {elf: 1.2, human: 1}\n",
        f"<string>:2: race[0]: {_ENTRY}; got a mapping with 2 keys",
    ),  # two tags in one mapping
    (
        "race: [{weight: 1.2}]\n",
        f"<string>:1: race[0]: 'weight' on its own is not an entry; {_ENTRY}",
    ),  # a reserved key alone
    (
        "race: [{text: elf, wieght: 2}]\n",
        "<string>:1: race[0].wieght: unknown key; did you mean 'weight'? (a tag has text and "
        "weight)",
    ),  # misspelt key
    (
        "painting_style:\n  - impasta\n",
        "<string>:2: painting_style[0]: 'impasta' is not one of the card's painting styles; "
        f"did you mean 'impasto'? (expected one of: {_STYLES})",
    ),  # not one of the 11 words
    (
        "quality:\n  - amazng quality\n",
        "<string>:2: quality[0]: 'amazng quality' is not one of the card's quality levels; "
        f"did you mean 'amazing quality'? (expected one of: {_LEVELS}, or a tag of your own)",
    ),  # near-miss of a level
    (
        "quality:\n  - {quality: supreme}\n",
        "<string>:2: quality[0]: 'supreme' is not one of the card's quality levels "
        f"(expected one of: {_LEVELS})",
    ),  # typed quality must be a level
    (
        "race:\n  - {character: lucy}\n",
        "<string>:2: race[0]: a 'character' entry belongs in the 'character' slot, not in 'race'",
    ),  # typed entry in the wrong slot
    (
        "character:\n  - {character: lucy, seires: cyberpunk}\n",
        "<string>:2: character[0].seires: unknown key; did you mean 'series'? (a character "
        "entry has character, series, gender, form, weight and outfit)",
    ),  # misspelt character key
    (
        "character:\n  - {character: lucy, gender: woman}\n",
        "<string>:2: character[0].gender: gender 'woman' is not 'girl' or 'boy'",
    ),  # gender
    (
        "character:\n  - {character: lucy, form: sentence}\n",
        "<string>:2: character[0]: the sentence form 'a girl/boy named ... from ... series' "
        "needs gender 'girl' or 'boy' (character 'lucy')",
    ),  # sentence without girl/boy
    (
        "character:\n  - {character: lucy, form: full}\n",
        "<string>:2: character[0].form: expected one of tag, one, sentence, got a string ('full')",
    ),  # unknown form
    (
        "character:\n  - character: lucy\n    outfit:\n      - {jacket: x}\n",
        "<string>:4: character[0].outfit[0].jacket: expected a number for the weight, got a "
        "string ('x')",
    ),  # deep path
    (
        "art_style:\n  - by\n",
        "<string>:2: art_style[0]: an art style needs an artist name after 'by' (got 'by')",
    ),  # `by` alone
    (
        "negative: [{kind: pause}]\n",
        "<string>:1: negative[0].kind: expected phrase, schedule or break, got a string ('pause')",
    ),  # unknown control item
    ("extends: [3]\n", "<string>:1: extends[0]: expected a preset name, got a number (3)"),
    (
        "merge: {quality: overwrite}\n",
        "<string>:1: merge.quality: expected append or replace, got a string ('overwrite')",
    ),  # merge mode
    (
        "merge: {qualty: replace}\n",
        "<string>:1: merge.qualty: unknown field; did you mean 'quality'? (merge has slot "
        "names, negative and networks)",
    ),  # merge field
    (
        "networks: [lora]\n",
        "<string>:1: networks[0]: not an extra-network token of the form <kind:name[:weight]>: "
        "'lora'",
    ),  # not a LoRA token
    ("description: [a]\n", "<string>:1: description: expected a string, got a list"),
    (
        "expression:\n  - choose: []\n",
        "<string>:2: expression[0].choose: expected a non-empty list of options, got an empty list",
    ),  # no options
    (
        "expression:\n  - choose: [smile, {option: frown, weight: 0}]\n",
        "<string>:2: expression[0].choose[1].weight: expected a positive number (how often to "
        "draw it), got 0",
    ),  # zero draw weight
    (
        "expression:\n  - {choose: [smile], id: a}\n  - {choose: [frown], id: a}\n",
        "<string>:3: expression[1].id: choice id 'a' is already used at expression[0]",
    ),  # duplicate id
    (
        "expression:\n  - choose: [[smile, {choose: [a, b]}]]\n",
        "<string>:2: expression[0].choose[0][1]: alternatives cannot be nested (choose inside "
        "choose)",
    ),  # nested choose
    (
        "expression:\n  - {choose: [smile]}\n",
        "<string>: the file holds alternatives (choose) at expression[0]; expand it with "
        "`aidxl-prompt expand` or aidxl_prompt.files.expand.expand()",
    ),  # choose in a file that is rendered, not expanded
    (
        "race:\n  - elf\n bad: [\n",
        "<string>:3: invalid YAML: expected <block end>, but found '<block mapping start>'",
    ),  # broken YAML
    # Every kind of mapping words an unknown key the same way (one helper, one table):
    (
        "race: [{kind: phrase, text: a b, txt: 1}]",
        "<string>:1: race[0].txt: unknown key; did you mean 'text'? (a phrase has kind and text)",
    ),  # phrase
    (
        "race: [{kind: schedule, text: '[a:b:1]', wieght: 2}]",
        "<string>:1: race[0].wieght: unknown key; did you mean 'weight'? (a schedule has kind, "
        "text and weight)",
    ),  # schedule
    (
        "negative: [{kind: break, text: x}]",
        "<string>:1: negative[0].text: unknown key (a break has kind)",
    ),  # break: nothing close, no hint
    (
        "race: [{choose: [a], idd: x}]",
        "<string>:1: race[0].idd: unknown key; did you mean 'id'? (a choice has choose and id)",
    ),  # choice
    (
        "race: [{choose: [{option: a, wieght: 2}]}]",
        "<string>:1: race[0].choose[0].wieght: unknown key; did you mean 'weight'? (an option "
        "has option and weight)",
    ),  # option
    (
        "sections: [{joiner: AND, wieght: 2}]",
        "<string>:1: sections[0].wieght: unknown key; did you mean 'weight'? (a section has "
        "joiner, weight and slot names)",
    ),  # section
    (
        "art_style: [{style: ask, weigth: 1}]",
        "<string>:1: art_style[0].weigth: unknown key; did you mean 'weight'? (a style entry "
        "has style and weight)",
    ),  # typed style
    (
        "race: [{kind: break}]",
        "<string>:1: race[0]: BREAK divides the prompt into sections: write the units after it "
        "under sections: [{joiner: BREAK, <slot>: [...]}]",
    ),  # BREAK in a slot
    (
        "race: [{kind: and, text: x}]",
        "<string>:1: race[0]: AND divides the prompt into sections: write the units after it "
        "under sections: [{joiner: AND, <slot>: [...]}]",
    ),  # AND is never an entry, whatever its keys
    (
        "character:\n  - character: lucy\n    outfit: [{kind: phrase, text: a b}]\n",
        "<string>:3: character[0].outfit[0]: an outfit holds tags, not {kind: ...} items",
    ),  # an outfit's phrase was once dropped without a word
    (
        "extends: shared/nope.yaml\n",
        "<string>:1: extends[0]: preset file 'shared/nope.yaml' not found (looked for "
        "shared/nope.yaml)",
    ),  # a preset path that is not there
    (
        "race: [elf]\nsettings:\n  width: 1000\n",
        "<string>:3: settings.width: 1000 is not a multiple of 32; the nearest valid widths are "
        '992 and 1024 (card: "...multiples of 32")',
    ),  # a size the card forbids, at its own line
    (
        "settings: {height: 200}\n",
        "<string>:1: settings.height: 200 is below 256; the nearest valid height is 256 "
        '(card: "Not lower than 256x256")',
    ),
    (
        "settings: {cfg_scal: 7}\n",
        "<string>:1: settings.cfg_scal: unknown setting; did you mean 'cfg_scale'? (a settings "
        "block has preset, width, height, cfg_scale, steps, sampler, scheduler, seed, batch_size "
        "and clip_skip)",
    ),
    (
        "settings: {preset: euler}\n",
        "<string>:1: settings.preset: unknown preset 'euler'; did you mean 'euler_a'? (expected "
        "one of: euler_a, dpmpp_2m_karras)",
    ),
    (
        "settings: {cfg_scale: '7'}\n",
        "<string>:1: settings.cfg_scale: expected a number, got a string ('7')",
    ),  # Settings alone would read the string; the file is as strict as its schema
    ("settings: {steps: 2.5}\n", "<string>:1: settings.steps: must be a whole number (got 2.5)"),
    ("settings: [euler_a]\n", "<string>:1: settings: expected a mapping of settings, got a list"),
]


@pytest.mark.parametrize(("text", "message"), ERROR_CASES)
def test_errors_name_line_path_and_expectation(text: str, message: str) -> None:
    with pytest.raises(PromptFileError) as info:
        load_prompt_text(text)
    assert str(info.value) == message


def test_error_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lucy.yaml"
    path.write_text("race: [elf]\ncharacter:\n  - {character: lucy, gender: woman}\n")
    with pytest.raises(PromptFileError) as info:
        load_prompt_file(path)
    assert str(info.value) == (
        f"{path}:3: character[0].gender: gender 'woman' is not 'girl' or 'boy'"
    )
    assert (info.value.line, info.value.path) == (3, ("character", 0, "gender"))


def test_yaml_error_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("race: [elf\n")
    with pytest.raises(PromptFileError) as info:
        load_prompt_file(path)
    assert str(info.value) == (
        f"{path}:2: invalid YAML: expected ',' or ']', but got '<stream end>'"
    )


# The same broken YAML, read four ways: the same error class and problem each time.
BROKEN_YAML = "race: [elf\n"
PROBLEM = "invalid YAML: expected ',' or ']', but got '<stream end>'"


def test_a_yaml_error_is_the_same_error_from_a_file_text_or_a_preset(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.yaml", BROKEN_YAML)
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    calls = [
        lambda: load_prompt_file(path),
        lambda: load_prompt_text(BROKEN_YAML),
        lambda: parse_prompt_text(BROKEN_YAML),
        lambda: library.load("broken"),
        lambda: load_prompt_text("extends: broken", library=library),
    ]
    for call in calls:
        with pytest.raises(PromptFileError) as info:
            call()
        assert type(info.value) is PromptFileError
        assert (info.value.problem, info.value.line) == (PROBLEM, 2)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PromptFileError) as info:
        load_prompt_file(tmp_path / "nope.yaml")
    assert str(info.value) == (
        f"{tmp_path / 'nope.yaml'}: cannot read file (No such file or directory)"
    )


def test_unknown_preset_names_the_folders_and_has_did_you_mean(tmp_path: Path) -> None:
    _write(tmp_path, "mine.yaml", "race: [elf]\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    with pytest.raises(PromptFileError) as info:
        load_prompt_text("race: [elf]\nextends: mien\n", library=library)
    assert str(info.value) == (
        "<string>:2: extends[0]: unknown preset 'mien'; did you mean 'mine'? "
        f"(looked in {tmp_path}; known presets: mine)"
    )


# --- extends and merge ------------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_merges_presets_in_order_then_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "base.yaml", "quality: [best]\nnegative: [lowres]\n")
    _write(tmp_path, "extra.yaml", "quality: [high]\naesthetics: [detailed]\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    prompt = load_prompt_text("extends: [base, extra]\nquality: [amazing]\n", library=library)
    assert [t.text for t in prompt.quality] == ["best quality", "high quality", "amazing quality"]
    assert prompt.negative == [Tag(text="lowres")]
    assert prompt.aesthetics == [Tag(text="detailed")]


def test_merge_replace_drops_what_presets_gave(tmp_path: Path) -> None:
    _write(tmp_path, "base.yaml", "quality: [best]\nnegative: [lowres]\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    prompt = load_prompt_text(
        "extends: base\nmerge: {quality: replace, negative: replace}\nquality: [amazing]\n",
        library=library,
    )
    assert prompt.quality == [Tag(text="amazing quality")]
    assert prompt.negative == []  # replace with nothing clears the slot


# (preset files, the file, expected settings fields or None): how settings merge
SETTINGS_MERGES: list[tuple[dict[str, str], str, dict[str, Any] | None]] = [
    ({}, "race: [elf]", None),  # no block anywhere
    ({}, "settings: {}", {}),  # an empty block: the defaults
    ({"base": "settings: {seed: 5, steps: 30}"}, "extends: base", {"seed": 5, "steps": 30}),
    (
        {"base": "settings: {seed: 5, steps: 30}"},
        "extends: base\nsettings: {steps: 40}",
        {"seed": 5, "steps": 40},
    ),  # the file's key wins, field by field
    (
        {"a": "settings: {seed: 1, cfg_scale: 6}", "b": "settings: {seed: 2}"},
        "extends: [a, b]",
        {"seed": 2, "cfg_scale": 6},
    ),  # a later preset wins over an earlier one
    (
        {"base": "settings: {preset: dpmpp_2m_karras, seed: 3}"},
        "extends: base\nsettings: {preset: euler_a}",
        {"sampler": "Euler a", "scheduler": "Automatic", "steps": 28, "seed": 3},
    ),  # a preset in the file writes its fields over the preset file's
    (
        {"inner": "settings: {width: 832, height: 1248}", "outer": "extends: inner"},
        "extends: outer\nsettings: {width: 1248, height: 832}",
        {"width": 1248, "height": 832},
    ),  # a preset's own presets count too
    ({"base": "quality: [best]"}, "extends: base\nsettings: {seed: 9}", {"seed": 9}),
]


@pytest.mark.parametrize(("presets", "text", "expected"), SETTINGS_MERGES)
def test_settings_merge_over_the_presets_field_by_field(
    tmp_path: Path, presets: dict[str, str], text: str, expected: dict[str, Any] | None
) -> None:
    for name, body in presets.items():
        _write(tmp_path, f"{name}.yaml", body + "\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    settings = parse_prompt_text(text, library=library).resolve_settings()
    assert settings == (None if expected is None else Settings(**expected))


def test_settings_of_a_choice_between_presets_follow_the_pick(tmp_path: Path) -> None:
    _write(tmp_path, "small.yaml", "settings: {width: 768, height: 768}\n")
    _write(tmp_path, "tall.yaml", "settings: {width: 832, height: 1248}\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    document = parse_prompt_text("extends: [{choose: [small, tall], id: size}]", library=library)
    assert document.resolve_settings({"size": 1}) == Settings(width=832, height=1248)
    with pytest.raises(PromptFileError, match="no pick for the choice 'size'"):
        document.resolve_settings()


def test_load_prompt_and_settings(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "extends: quality-best\nrace: [elf]\nsettings: {seed: 4}\n")
    prompt, settings = load_prompt_and_settings(path)
    assert prompt == load_prompt_file(path)
    assert settings == Settings(seed=4)
    assert load_prompt_and_settings(_write(tmp_path, "q.yaml", "race: [elf]\n"))[1] is None


def test_a_preset_reached_twice_is_applied_once() -> None:
    # quality-amazing extends default-negative; naming both must not double the negative.
    prompt = load_prompt_text("extends: [quality-amazing, default-negative]\n")
    assert prompt.negative == [Tag(text="worst quality"), Tag(text="low quality")]
    assert prompt.quality == [Tag(text="amazing quality", weight=1.5)]


def test_preset_cycle_is_reported(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", "extends: b\nrace: [elf]\n")
    b = _write(tmp_path, "b.yaml", "extends: a\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    with pytest.raises(PromptFileError) as info:
        load_prompt_text("extends: a\n", library=library)
    assert str(info.value) == (
        f"{b.resolve()}: presets extend each other in a cycle: <string> -> {a.resolve()} -> "
        f"{b.resolve()} -> {a.resolve()}"
    )


def test_extends_a_relative_file(tmp_path: Path) -> None:
    _write(tmp_path, "shared/style.yaml", "art_style: [ask]\n")
    main = _write(tmp_path, "main.yaml", "extends: shared/style.yaml\nrace: [elf]\n")
    assert load_prompt_file(main).art_style == [Tag(text="by ask")]


def test_user_preset_hides_a_builtin_one(tmp_path: Path) -> None:
    _write(tmp_path, "default-negative.yaml", "negative: [lowres]\n")
    library = PresetLibrary(folders=(tmp_path,))
    assert load_prompt_text("extends: default-negative", library=library).negative == [
        Tag(text="lowres")
    ]


def test_library_calls_never_read_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same file loads the same in any shell: $AIDXL_PROMPT_PRESETS is read only by
    # PresetLibrary.from_env (and the command line), never by a library call.
    _write(tmp_path, "default-negative.yaml", "negative: [lowres]\n")
    _write(tmp_path, "mine.yaml", "race: [elf]\n")
    monkeypatch.setenv("AIDXL_PROMPT_PRESETS", str(tmp_path))
    assert load_prompt_text("extends: default-negative").negative == [
        Tag(text="worst quality"),
        Tag(text="low quality"),
    ]
    with pytest.raises(PromptFileError, match="unknown preset 'mine'"):
        load_prompt_text("extends: mine")
    library = PresetLibrary.from_env()
    assert load_prompt_text("extends: mine", library=library).race == [Tag(text="elf")]
    assert load_prompt_text("extends: default-negative", library=library).negative == [
        Tag(text="lowres")
    ]


def test_preset_with_choose_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "pick.yaml", "race:\n  - choose: [elf, human]\n")
    library = PresetLibrary(folders=(tmp_path,), include_builtin=False)
    with pytest.raises(PromptFileError) as info:
        load_prompt_text("extends: pick", library=library)
    assert str(info.value) == (
        f"{path.resolve()}: race[0]: a preset cannot hold alternatives (choose); put them in "
        "the prompt file"
    )


# --- writing ---------------------------------------------------------------

DUMP_CASES: list[tuple[Prompt, str]] = [
    (Prompt(art_style=[("by ask", 0.9)]), "art_style:\n- {by ask: 0.9}\n"),  # short form
    (Prompt(art_style=["watercolor"]), "art_style:\n- {text: watercolor}\n"),  # no `by`: verbatim
    (Prompt(quality=["amazing"]), "quality:\n- {text: amazing}\n"),  # would read as a level
    (Prompt(painting_style=["impasto"]), "painting_style: [impasto]\n"),  # card word
    (Prompt(race=[("weight", 1.2)]), "race:\n- {text: weight, weight: 1.2}\n"),  # reserved key
    (Prompt(negative=["a", Break()]), "negative:\n- a\n- {kind: break}\n"),  # control item
    (
        Prompt(clothing=[Phrase(parts=["a ", ("white", 1.2), " dress"])]),
        "clothing:\n- {kind: phrase, text: 'a (white:1.2) dress'}\n",
    ),  # a phrase, in A1111 syntax
    (
        Prompt(
            character=["1girl"],
            weight=0.8,
            sections=[Section(joiner="AND", weight=0.5, character=["1boy"])],
        ),
        "character: [1girl]\nweight: 0.8\nsections:\n- joiner: AND\n  weight: 0.5\n"
        "  character: [1boy]\n",
    ),  # sections after BREAK/AND, with sub-prompt weights
    (Prompt(networks=[ExtraNetwork(text="<lora:x:0.8>")]), "networks: ['<lora:x:0.8>']\n"),
    (Prompt(), "{}\n"),  # nothing
]


@pytest.mark.parametrize(("prompt", "expected"), DUMP_CASES)
def test_prompt_to_yaml(prompt: Prompt, expected: str) -> None:
    assert prompt_to_yaml(prompt) == expected
    assert load_prompt_text(expected) == prompt


# (settings, the settings block written): only the fields given are written
SETTINGS_DUMPS = [
    (Settings(), "settings: {}\n"),
    (Settings(seed=1, width=832, height=1248), "settings: {width: 832, height: 1248, seed: 1}\n"),
    (
        Settings.preset("euler_a"),
        "settings: {cfg_scale: 7.0, steps: 28, sampler: Euler a, scheduler: Automatic}\n",
    ),  # a preset is written as its fields
    (Settings(sampler="DPM++ 2M Karras"), "settings: {sampler: DPM++ 2M, scheduler: Karras}\n"),
]


@pytest.mark.parametrize(("settings", "expected"), SETTINGS_DUMPS)
def test_settings_are_written_and_read_back(settings: Settings, expected: str) -> None:
    text = prompt_to_yaml(Prompt(), settings)
    assert text == expected
    read = parse_prompt_text(text).settings
    assert read == settings
    assert read is not None
    assert read.model_fields_set == settings.model_fields_set


def test_dump_prompt_file_round_trips(tmp_path: Path) -> None:
    prompt = load_prompt_file(REPO / "examples" / "frieren.yaml")
    dump_prompt_file(prompt, tmp_path / "out.yaml")
    assert load_prompt_file(tmp_path / "out.yaml") == prompt


def test_choice_points_are_listed_in_document_order() -> None:
    document = parse_prompt_text(
        "extends: [{choose: [painting-impasto, painting-flat-color], id: style}]\n"
        "expression: [{choose: [smile, {option: [open mouth, smile], weight: 3}]}]\n"
    )
    points = document.choice_points()
    assert [(p.id, p.where) for p in points] == [
        ("style", "extends[0]"),
        ("expression[0]", "expression[0]"),
    ]
    assert [(o.label, o.weight) for o in points[1].options] == [
        ("smile", 1.0),
        ("open mouth, smile", 3.0),
    ]
    prompt = document.resolve({"style": 1, "expression[0]": 1})
    assert prompt.painting_style == [Tag(text="flat color")]
    assert prompt.negative == [Tag(text=t) for t in ("realistic", "photorealistic", "3d")]
