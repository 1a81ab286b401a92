"""The one registry of lint rules: code -> :class:`Rule`, each documented.

Codes are grouped by family, as ruff groups them: ``AP1`` syntax (what A1111 or ComfyUI
reads differently from what was written), ``AP2`` card spelling, ``AP3`` vocabulary,
``AP4`` order, ``AP5`` weights, ``AP6`` duplicates and conflicts, ``AP7`` generation
settings (one rule per :class:`~aidxl_prompt.SettingsWarning` code, found in an infotext's
settings line or a prompt file's ``settings:`` block). Every rule says What it
does, Why is this bad?, an Example and what to Use instead; ``docs/rules.md`` is
generated from this table (``scripts/gen_rules_doc.py``).

A rule's ``fix`` is ``"safe"`` when :func:`~aidxl_prompt.lint.linter.fix` applies it,
``"suggestion"`` when the diagnostic only suggests text, ``"none"`` otherwise.
``keeps_meaning`` marks the safe fixes after which A1111 reads exactly the same runs.

>>> RULES["AP502"].name, RULES["AP502"].fix, RULES["AP502"].keeps_meaning
('redundant-weight', 'safe', True)
>>> rule_for_repair("unclosed-bracket").code
'AP101'
>>> rule_for_setting("cfg-out-of-range").code
'AP703'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .diagnostic import Severity

__all__ = [
    "FAMILIES",
    "RULES",
    "FixKind",
    "Rule",
    "rule_for_repair",
    "rule_for_setting",
    "rules_markdown",
]

FixKind = Literal["safe", "suggestion", "none"]

FAMILIES: Mapping[str, str] = MappingProxyType(
    {
        "AP1": "syntax",
        "AP2": "card spelling",
        "AP3": "vocabulary",
        "AP4": "order",
        "AP5": "weights",
        "AP6": "duplicates and conflicts",
        "AP7": "generation settings",
    }
)
"""Code prefix -> family name."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its code, kebab-case name, documentation and kind of fix."""

    code: str
    name: str
    severity: Severity
    summary: str
    what: str
    why: str
    example: str
    use_instead: str
    fix: FixKind = "none"
    keeps_meaning: bool = False
    default: bool = True
    repair: str | None = None  # the parser Repair code it reports, if any
    setting: str | None = None  # the SettingsWarning code it reports, if any

    @property
    def family(self) -> str:
        """The family name (``syntax``, ``weights``, ...)."""
        return FAMILIES[self.code[:3]]


_E, _W, _I = Severity.error, Severity.warning, Severity.info

_RULE_LIST = (
    # --- AP1 syntax: every repair of the tolerant parser, and dialect differences ------
    Rule(
        "AP101",
        "unclosed-bracket",
        _E,
        "A '(' or '[' that is never closed.",
        "Finds an opening bracket with no closing partner.",
        "A1111 applies the emphasis up to the end of the prompt, so every later tag is "
        "weighted; ComfyUI reads the bracket as text.",
        "1girl, (smile, looking at viewer",
        "1girl, (smile), looking at viewer",
        repair="unclosed-bracket",
    ),
    Rule(
        "AP102",
        "stray-bracket",
        _E,
        "A ')' or ']' that closes nothing.",
        "Finds a closing bracket with no opening partner.",
        "The tools read it as plain text: the bracket becomes part of a tag.",
        "1girl, smile), looking at viewer",
        "1girl, smile, looking at viewer",
        repair="stray-bracket",
    ),
    Rule(
        "AP103",
        "invalid-weight",
        _E,
        "A weight that is not a number, such as '(a:1.2.3)'.",
        "Finds a ':weight' before ')' that A1111 cannot turn into a number.",
        "A1111 stops with an error on it (ValueError in prompt_parser.py); ComfyUI reads "
        "the group as plain emphasis.",
        "(smile:1.2.3)",
        "(smile:1.2)",
        repair="invalid-weight",
    ),
    Rule(
        "AP104",
        "weight-overflow",
        _E,
        "A weight that is not a finite number.",
        "Finds a weight or a stack of brackets whose product is infinite.",
        "The text encoder gets an infinite multiplier; the image is noise.",
        "(smile:1e999)",
        "(smile:1.2)",
        repair="weight-overflow",
    ),
    Rule(
        "AP105",
        "weight-out-of-bounds",
        _E,
        "A weight past -1000..1000, certainly a typo.",
        "Finds a weight whose magnitude is over 1000.",
        "No model is meant to be driven that hard; the weight is clamped when read.",
        "(smile:12000)",
        "(smile:1.2)",
        repair="weight-out-of-range",
    ),
    Rule(
        "AP106",
        "bracketed-break",
        _E,
        "BREAK inside brackets.",
        "Finds a BREAK that brackets weight.",
        "A1111 no longer reads it as a chunk break: it encodes the word 'BREAK' with a "
        "negative weight.",
        "(1girl BREAK smile)",
        "(1girl) BREAK (smile)",
        repair="bracketed-break",
    ),
    Rule(
        "AP107",
        "glued-keyword",
        _W,
        "BREAK written against a schedule.",
        "Finds BREAK touching '[a:b:n]' with no space.",
        "Whether A1111 sees a break depends on the step's text: at some steps it is part "
        "of a word.",
        "[cat:dog:5]BREAK smile",
        "[cat:dog:5] BREAK smile",
        repair="glued-keyword",
    ),
    Rule(
        "AP108",
        "scheduling-disabled",
        _E,
        "A '|' outside square brackets, which turns A1111's prompt editing off.",
        "Finds a '|' (or a bracket holding one that is not an alternation) in a prompt "
        "that has schedules.",
        "One such '|' makes A1111's scheduling grammar fail for the whole prompt: every "
        "[a:b:n] and [a|b] is read as plain emphasised text, silently.",
        "[cat:dog:5], red | blue",
        "[cat:dog:5], red, blue",
        repair="scheduling-disabled",
    ),
    Rule(
        "AP109",
        "ambiguous-schedule",
        _W,
        "A schedule next to a leftover bracket or colon.",
        "Finds a schedule that stray brackets or colons touch.",
        "A1111's grammar may read it as a schedule or as text, depending on Python's hash "
        "seed: the same prompt gives different images in different runs.",
        "[cat:dog:5]]",
        "[cat:dog:5]",
        repair="ambiguous-schedule",
    ),
    Rule(
        "AP110",
        "trailing-weight",
        _E,
        "A positive prompt ending in ':number'.",
        "Finds a ':number' at the end of a prompt (or sub-prompt) with no AND. The fix "
        "wraps the last unit as '(text:1)', as the renderer writes it, so A1111 reads the "
        "text as written at weight 1: it changes A1111's reading, on purpose.",
        "A1111 reads it as the weight of the whole prompt: 'aspect 16:9' multiplies "
        "everything by 9.",
        "1girl, aspect 16:9",
        "1girl, (aspect 16:9:1)",
        fix="safe",
        repair="trailing-weight",
    ),
    Rule(
        "AP111",
        "dialect-difference",
        _W,
        "A unit that A1111 and ComfyUI read differently.",
        "When a prompt is declared for several dialects (``dialects``), finds the units "
        "each tool reads differently: '[x]', BREAK, '<lora:...>', schedules.",
        "The prompt gives another image in the other tool.",
        "1girl, [smile]",
        "1girl, (smile:0.9)",
    ),
    # --- AP2 card spelling ---------------------------------------------------------------
    Rule(
        "AP201",
        "underscore",
        _W,
        "A Danbooru tag written with underscores.",
        "Finds '_' in a tag whose canonical name has spaces (kaomoji keep theirs).",
        "The card asks for spaces: the model was trained on 'long hair', and "
        "'long_hair' is other tokens.",
        "long_hair",
        "long hair",
        fix="safe",
    ),
    Rule(
        "AP202",
        "unescaped-parentheses",
        _E,
        "A tag's own parentheses written unescaped.",
        "Finds a name with a parenthesised qualifier, such as 'bishop (chess)', written "
        "with bare brackets.",
        "A1111 reads the brackets as emphasis: 'bishop ' and 'chess' at 1.1, not the tag.",
        "bishop (chess)",
        "bishop \\(chess\\)",
        fix="safe",
        repair="danbooru-name",
    ),
    Rule(
        "AP203",
        "raw-danbooru-name",
        _E,
        "A Danbooru name pasted raw, such as 'ganyu_(genshin_impact)'.",
        "Finds a name with underscores and a bare parenthesised qualifier.",
        "A1111 reads 'ganyu_' and 'genshin_impact' at 1.1: neither the character nor the "
        "card's spelling.",
        "ganyu_(genshin_impact)",
        "ganyu \\(genshin impact\\)",
        fix="safe",
        repair="danbooru-name",
    ),
    Rule(
        "AP204",
        "full-width-punctuation",
        _W,
        "Full-width punctuation (from a Chinese or Japanese keyboard) in a tag.",
        "Finds characters such as '\uff0c', '\uff08' and '\uff1a' in a tag.",
        "The tools do not read them as syntax, and CLIP reads them as other tokens.",
        "ganyu\uff08genshin impact\uff09",
        "ganyu \\(genshin impact\\)",
        fix="safe",
    ),
    Rule(
        "AP205",
        "non-canonical-spelling",
        _I,
        "A tag in upper case or with extra spaces.",
        "Finds a tag whose case or spacing differs from its canonical spelling.",
        "Danbooru tags are lower case with single spaces; other spellings are other "
        "tokens for CLIP.",
        "Long  Hair",
        "long hair",
        fix="safe",
    ),
    Rule(
        "AP206",
        "artist-without-by",
        _W,
        "An artist written without the card's 'by' prefix.",
        "Finds a tag the vocabulary lists as an artist, not written 'by <artist>'. The "
        "fix writes 'by ' before it: it changes A1111's reading, on purpose.",
        "The card: 'by xxx' tells the model it is a style, not a thing ('dino' is an "
        "artist and an animal).",
        "wlop",
        "by wlop",
        fix="safe",
    ),
    Rule(
        "AP207",
        "character-without-one",
        _I,
        "A character trigger without the card's '1' prefix.",
        "Finds a tag the vocabulary lists as a character, not written '1 <character>'. "
        "The fix writes '1 ' before it: it changes A1111's reading, on purpose.",
        "The card: 'when triggering characters, add a 1 as a prefix to the character "
        "trigger word'.",
        "ganyu \\(genshin impact\\)",
        "1 ganyu \\(genshin impact\\)",
        fix="safe",
    ),
    Rule(
        "AP208",
        "character-without-series",
        _W,
        "A character trigger without the series its tag names.",
        "Finds a name written '1 <name>' (or bare, where it is no known tag) that is no "
        "tag of the vocabulary but the name of character tags '<name> (<series>)'. With "
        "exactly one such character the fix writes the card's full trigger "
        "'1 <name> (<series>)' (it changes A1111's reading, on purpose); a bare name, "
        "which may be a plain word, only gets the trigger as a suggestion; with several "
        "characters the message lists up to three and nothing is guessed.",
        "The model learned the character under its Danbooru tag: the bare name is other "
        "tokens, and may be several characters.",
        "1 ganyu",
        "1 ganyu \\(genshin impact\\)",
        fix="safe",
    ),
    # --- AP3 vocabulary ------------------------------------------------------------------
    Rule(
        "AP301",
        "unknown-tag",
        _I,
        "A tag no vocabulary knows, with the closest known one.",
        "Finds a tag that is not in the vocabulary (embedded or given), not an alias and "
        "not one of the card's forms, and that no slot rule places, or that is one typo "
        "away from a known tag.",
        "The model never saw it in a caption: it is read as loose words, if at all.",
        "lnog hair",
        "long hair",
        fix="suggestion",
    ),
    Rule(
        "AP302",
        "deprecated-alias",
        _W,
        "A Danbooru alias instead of its tag.",
        "Finds a name Danbooru rewrites to another tag.",
        "Training captions hold the tag, never the alias.",
        "gray hair",
        "grey hair",
        fix="safe",
    ),
    Rule(
        "AP303",
        "not-a-painting-style",
        _W,
        "A near miss of one of the card's 11 painting styles.",
        "Finds an unknown tag close to a painting-style trigger word.",
        "The card's painting styles are trigger words trained as written; a variant "
        "triggers nothing.",
        "flat pasto",
        "flat-pasto",
        fix="suggestion",
    ),
    Rule(
        "AP304",
        "not-a-quality-level",
        _W,
        "A quality word that is not one of the card's 6 levels.",
        "Finds 'masterpiece' and '<word> quality' tags that are not amazing, best, high, "
        "normal, low or worst quality.",
        "The card trains exactly six quality levels; other quality words are not "
        "trained as quality.",
        "masterpiece, good quality",
        "amazing quality, high quality",
        fix="suggestion",
    ),
    Rule(
        "AP305",
        "meta-tag",
        _I,
        "A Danbooru meta tag, such as 'highres' or 'absurdres'.",
        "Finds tags the vocabulary lists as meta or rating tags.",
        "The card's training captions leave meta tags out: they spend tokens on nothing.",
        "1girl, highres",
        "1girl",
        fix="suggestion",
    ),
    # --- AP4 order -----------------------------------------------------------------------
    Rule(
        "AP401",
        "slot-order",
        _I,
        "A tag out of the card's slot order.",
        "Finds the first unit of a section whose slot comes before a slot already seen "
        "in the configured order (default: the card's documented order). The fix sorts "
        "the section's units by slot, keeping the written order within a slot, and never "
        "moves anything across AND or BREAK.",
        "The card: the earlier a tag, the greater its impact; style first, quality near the end.",
        "best quality, 1girl, by wlop",
        "by wlop, 1girl, best quality",
        fix="safe",
    ),
    # --- AP5 weights ---------------------------------------------------------------------
    Rule(
        "AP501",
        "weight-out-of-range",
        _W,
        "A weight outside the configured range (default 0.5 to 1.5).",
        "Finds a tag or run whose effective weight is below or above ``weight-range``.",
        "Past about 1.5 SDXL models burn the concept in; below 0.5 it mostly vanishes.",
        "(smile:2.5)",
        "(smile:1.4)",
    ),
    Rule(
        "AP502",
        "redundant-weight",
        _W,
        "A weight of 1 written out, '(x:1)'.",
        "Finds a group whose explicit weight is 1.",
        "It does nothing but make the prompt harder to read.",
        "(smile:1)",
        "smile",
        fix="safe",
        keeps_meaning=True,
    ),
    Rule(
        "AP503",
        "nested-emphasis",
        _I,
        "Nested emphasis brackets, '((x))'.",
        "Finds a tag wrapped in two or more brackets of one kind.",
        "The weight is hard to read (1.21? 1.331?); the explicit form says it.",
        "((smile))",
        "(smile:1.21)",
        fix="safe",
        keeps_meaning=True,
    ),
    Rule(
        "AP504",
        "quality-without-weight",
        _I,
        "A quality level without the card's extra weight (optional rule).",
        "Finds amazing, best or high quality at weight 1 or less.",
        "The card: 'add extra weight to quality tags, e.g. (amazing quality:1.5)'.",
        "amazing quality",
        "(amazing quality:1.5)",
        fix="suggestion",
        default=False,
    ),
    # --- AP6 duplicates and conflicts ----------------------------------------------------
    Rule(
        "AP601",
        "duplicate-tag",
        _W,
        "The same tag twice in one prompt.",
        "Finds a tag written again in the same sub-prompt (the diagnostic's related span is "
        "the first one); the fix removes the later one when both have the same weight.",
        "The repeat spends tokens and silently strengthens the tag.",
        "1girl, smile, smile",
        "1girl, smile",
        fix="safe",
    ),
    Rule(
        "AP602",
        "implied-tag",
        _I,
        "A tag that another tag of the prompt already implies.",
        "Finds a tag implied by another one (Danbooru's implication table of the "
        "embedded vocabulary, or the given vocabulary's).",
        "The card's captions were de-duplicated: 'keep the one that retains the most "
        "information' ('very long hair', not also 'long hair').",
        "long hair, very long hair",
        "very long hair",
        fix="suggestion",
    ),
    Rule(
        "AP603",
        "conflicting-tags",
        _W,
        "Two tags that contradict each other.",
        "Finds pairs from the curated table ``data/tags/conflicts.yaml``: 'solo' with "
        "'2girls', 'smile' with 'frown', ...",
        "The model cannot draw both; it picks one at random or blends them badly.",
        "solo, 2girls",
        "2girls",
    ),
    Rule(
        "AP604",
        "negative-overlap",
        _W,
        "A tag in both the positive and the negative prompt.",
        "Finds a positive tag that the negative prompt also holds.",
        "The two pull against each other and cancel out.",
        "smile (negative: smile, blurry)",
        "smile (negative: blurry)",
    ),
    # --- AP7 generation settings: the card's "Basic Usage", one rule per warning -------
    Rule(
        "AP701",
        "invalid-settings",
        _E,
        "An infotext setting the card forbids or that cannot be read.",
        "Finds a settings line whose values Settings refuses: a side that is not a "
        "multiple of 32 or is under 256, a size that is not WIDTHxHEIGHT, steps that are "
        "not a whole number.",
        "The card: 'both sides of the image must be multiples of 32, not lower than "
        "256x256'; other sizes give distorted images. (In a prompt file the same values "
        "stop the file from loading.)",
        "Steps: 28, Sampler: Euler a, Size: 1000x1000",
        "Steps: 28, Sampler: Euler a, Size: 1024x1024",
    ),
    Rule(
        "AP702",
        "area-off-target",
        _W,
        "An image area far from 1024x1024.",
        "Finds a size whose area is more than the tolerance of ``settings.yaml`` (20%) "
        "away from 1024x1024, and names the card's size for the same aspect.",
        "The card: 'total area around 1024x1024'; the model was trained at that area, and "
        "smaller or larger images lose coherence.",
        "Steps: 28, Sampler: Euler a, Size: 768x768",
        "Steps: 28, Sampler: Euler a, Size: 1024x1024",
        setting="area-off-target",
    ),
    Rule(
        "AP703",
        "cfg-out-of-range",
        _W,
        "A CFG scale outside the card's 5 to 11.",
        "Finds a CFG scale below 5 or above 11.",
        "The card: 'CFG scale: 5-11'; below, the prompt is followed loosely; above, colours "
        "burn and details break.",
        "Steps: 28, Sampler: Euler a, CFG scale: 13",
        "Steps: 28, Sampler: Euler a, CFG scale: 7",
        setting="cfg-out-of-range",
    ),
    Rule(
        "AP704",
        "steps-below-card",
        _W,
        "Euler a with fewer than 20 steps.",
        "Finds Euler a run with fewer steps than the card's minimum.",
        "The card: 'Euler A (20+ steps)'; with fewer, the image is not finished.",
        "Steps: 12, Sampler: Euler a, CFG scale: 7",
        "Steps: 28, Sampler: Euler a, CFG scale: 7",
        setting="steps-below-card",
    ),
    Rule(
        "AP705",
        "steps-off-card",
        _W,
        "DPM++ 2M Karras far from the card's ~35 steps.",
        "Finds DPM++ 2M with the Karras schedule run with steps outside the tolerance around 35.",
        "The card: 'DPM++ 2M Karras (~35 steps)'; far fewer leave it unfinished, far more "
        "cost time for nothing.",
        "Steps: 15, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7",
        "Steps: 35, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7",
        setting="steps-off-card",
    ),
    Rule(
        "AP706",
        "sampler-not-on-card",
        _I,
        "A sampler that is not one of the card's two.",
        "Finds a known A1111 sampler (and schedule) other than Euler a, or DPM++ 2M with Karras.",
        "The card recommends 'Euler A (20+ steps) or DPM++ 2M Karras (~35 steps)'; others "
        "were not what it was tuned with.",
        "Steps: 28, Sampler: DDIM, CFG scale: 7",
        "Steps: 28, Sampler: Euler a, CFG scale: 7",
        setting="sampler-not-on-card",
    ),
    Rule(
        "AP707",
        "unknown-sampler",
        _W,
        "A sampler name A1111 does not have.",
        "Finds a sampler that is not one of A1111's, with the closest name.",
        "A1111 does not run a sampler it does not know: a typo here is not the sampler "
        "that was meant.",
        "Steps: 28, Sampler: Euler A, CFG scale: 7",
        "Steps: 28, Sampler: Euler a, CFG scale: 7",
        setting="unknown-sampler",
    ),
    Rule(
        "AP708",
        "unknown-scheduler",
        _W,
        "A schedule type A1111 does not have.",
        "Finds a schedule type that is not one of A1111's, with the closest name.",
        "A1111 does not run a schedule it does not know: a typo here is not the schedule "
        "that was meant.",
        "Steps: 35, Sampler: DPM++ 2M, Schedule type: karas",
        "Steps: 35, Sampler: DPM++ 2M, Schedule type: Karras",
        setting="unknown-scheduler",
    ),
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in _RULE_LIST})
"""Every rule by code, in code order."""

_BY_REPAIR: Mapping[str, Rule] = MappingProxyType(
    {rule.repair: rule for rule in _RULE_LIST if rule.repair and rule.code != "AP203"}
)


_BY_SETTING: Mapping[str, Rule] = MappingProxyType(
    {rule.setting: rule for rule in _RULE_LIST if rule.setting}
)


def rule_for_setting(code: str) -> Rule:
    """The rule that reports a :class:`~aidxl_prompt.SettingsWarning` code (a test holds
    every code the card's settings give to have one)."""
    try:
        return _BY_SETTING[code]
    except KeyError:
        raise LookupError(f"no lint rule reports the settings warning {code!r}") from None


def rule_for_repair(code: str) -> Rule:
    """The rule that reports a parser :class:`~aidxl_prompt.Repair` code (a test holds
    every code of ``RepairCode`` to have one)."""
    try:
        return _BY_REPAIR[code]
    except KeyError:
        raise LookupError(f"no lint rule reports the parser repair {code!r}") from None


def rules_markdown() -> str:
    """``docs/rules.md``: every rule by family, with its documentation.

    >>> rules_markdown().splitlines()[0]
    '# Lint rules'
    """
    lines = [
        "# Lint rules",
        "",
        "Generated from `aidxl_prompt.lint.registry` by `scripts/gen_rules_doc.py`; do not",
        "edit by hand. Select or ignore rules by code prefix (the longest prefix wins).",
        "",
    ]
    for prefix, family in FAMILIES.items():
        lines += [f"## {prefix}: {family}", ""]
        lines += ["| code | name | severity | fix | summary |", "| --- | --- | --- | --- | --- |"]
        members = [rule for rule in _RULE_LIST if rule.code.startswith(prefix)]
        lines += [
            f"| {r.code} | {r.name} | {r.severity.value} | {r.fix} | {r.summary} |" for r in members
        ]
        lines.append("")
        for rule in members:
            lines += _rule_section(rule)
    return "\n".join(lines)


def _rule_section(rule: Rule) -> list[str]:
    notes = []
    if rule.keeps_meaning:
        notes.append("its fix keeps what A1111 reads")
    elif rule.fix == "safe":
        notes.append("its fix changes what A1111 reads")
    if not rule.default:
        notes.append("off unless selected")
    extra = f" ({'; '.join(notes)})" if notes else ""
    return [
        f"### {rule.code} {rule.name}{extra}",
        "",
        f"**What it does**: {rule.what}",
        "",
        f"**Why is this bad?** {rule.why}",
        "",
        "**Example**",
        "",
        "```text",
        rule.example,
        "```",
        "",
        "**Use instead**",
        "",
        "```text",
        rule.use_instead,
        "```",
        "",
    ]
