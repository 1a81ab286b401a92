r"""The prompt grammar of A1111, ComfyUI and compel: one table of named rules.

Every pattern the readers, the writers, the items and the normaliser need is a rule in
:data:`RULES`, by name; what a dialect treats as syntax is written here once. The
grammar they implement (A1111 v1.10.1 ``modules/prompt_parser.py`` and
``extra_networks.py``; ComfyUI ``sd1_clip.py``; compel 2.5.1 ``prompt_parser.py``)::

    A1111, read in this order:
    prompt       := (NETWORK | text)*        EXTRA_NETWORK: cut out first, anywhere
    text         := sub ("AND" sub)*         AND: a whole word, case-sensitive
    sub          := schedules [TRAILING_WEIGHT]     a trailing ":N" weighs the sub-prompt
    schedules    := "[" p ":" p ":" STEP "]" | "[" p ":" STEP "]" | "[" p ("|" p)+ "]"
                    | "(" p ")" | "(" p ":" p ")" | "[" p "]" | plain     SCHEDULE_SYNTAX
    attention    := (escape | "(" | "[" | WEIGHT_CLOSE | ")" | "]" | text | ":")*
    escape       := "\(" | "\)" | "\[" | "\]" | "\\" | "\"      a lone "\" is dropped
    WEIGHT_CLOSE := ":" WS* ATTENTION_NUMBER WS* ")"
    text         := [^\()[\]:]+              BREAK (a whole word) splits it

    ComfyUI: "(" text [":" float()] ")", nested; "\(" and "\)" its only escapes;
             "embedding:Name" keeps its case.
    compel:  "(" text ")" NUMBER | word "+"+ | word "-"+ | '"' text '"'; "\(" "\)" '\"'.

The numbers differ by where they stand: :data:`ATTENTION_NUMBER` (what A1111's
emphasis regex accepts; ``float()`` may still fail on it), :data:`WEIGHT_NUMBER` (a
sub-prompt's trailing weight), :data:`SIGNED_NUMBER` (lark's, a schedule's step).

>>> RULES["EXTRA_NETWORK"].fullmatch("<lora:style:0.8>") is not None
True
>>> trailing_weight("aspect 16:9")
(9, 11)
>>> RULES["A1111_SPECIAL"].sub(r"\\\g<0>", "bishop (chess)")
'bishop \\(chess\\)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "A1111_SPECIAL_CHARS",
    "ATTENTION_NUMBER",
    "COMFYUI_PLACEHOLDERS",
    "RULES",
    "SIGNED_NUMBER",
    "WEIGHT_NUMBER",
    "trailing_weight",
]

A1111_SPECIAL_CHARS = "\\()[]"
"""The characters A1111 reads as syntax in text, each escaped with a backslash."""

ATTENTION_NUMBER = r"[+-]?[.\d]+"
"""A weight as A1111's emphasis regex takes it (``re_attention``): ``1..2`` included,
which ``float()`` then refuses (A1111 stops with an error there)."""

WEIGHT_NUMBER = r"[-+]?(?:\d+\.?|\d*\.\d+)"
"""A sub-prompt's trailing weight (``re_weight`` in A1111's AND split)."""

SIGNED_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
"""A schedule's step (lark's ``SIGNED_NUMBER`` in A1111's scheduling grammar)."""

# A weight the common-case reader takes without the scanner: one float() always reads.
_PLAIN_NUMBER = r"\d+(?:\.\d+)?"
# An A1111 escape: a backslash and the character it protects.
_ESCAPE = r"\\[()\[\]\\]"
# A1111 text between escapes: no bracket and no backslash.
_UNESCAPED = r"[^\\()\[\]]*"

COMFYUI_PLACEHOLDERS: Mapping[str, str] = MappingProxyType({"\x00\x01": ")", "\x00\x02": "("})
r"""ComfyUI's stand-ins for ``\)`` and ``\(`` (``escape_important``): text that holds
them is read as the bracket itself."""

RULES: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {
        # --- A1111, read ----------------------------------------------------------------
        # extra_networks.py: "<kind:args>", cut out of the prompt before anything else.
        "EXTRA_NETWORK": re.compile(r"<(\w+):([^>]+)>"),
        # Where a network may start; the renderer breaks it with a backslash after "<".
        "NETWORK_OPENER": re.compile(r"<\w+:"),
        "AND": re.compile(r"\bAND\b"),
        # BREAK eats the whitespace around it. (The look-behind starts each match at the
        # head of a whitespace run: A1111's matches, in linear time.)
        "BREAK": re.compile(r"(?:(?<!\s)\s+)?\bBREAK\b\s*"),
        # A (sub-)prompt's trailing ":N", matched from its last colon to its end.
        "TRAILING_WEIGHT": re.compile(rf":\s*({WEIGHT_NUMBER})\s*"),
        # The token table of the emphasis reader (re_attention), one named group each.
        "ATTENTION": re.compile(
            rf"""
            (?P<escape>{_ESCAPE})                # an escaped bracket or backslash
            |(?P<lone_backslash>\\)             # any other backslash is dropped
            |(?P<open_round>\()
            |(?P<open_square>\[)
            |(?P<weight_close>:\s*(?P<weight>{ATTENTION_NUMBER})\s*\))
            |(?P<close_round>\))
            |(?P<close_square>\])
            |(?P<text>[^\\()\[\]:]+)
            |(?P<colon>:)
            """,
            re.VERBOSE,
        ),
        # What the scheduling grammar looks at: a backslash escapes any character but a
        # newline (one before a newline, or at the end, makes the grammar fail).
        "SCHEDULE_SYNTAX": re.compile(r"\\[^\n]|\\|[()\[\]:|]"),
        "SCHEDULE_STEP": re.compile(rf"\s*{SIGNED_NUMBER}\s*"),
        # A weight's close and the brackets: taken out of a schedule's words.
        "ATTENTION_SYNTAX": re.compile(rf":\s*{ATTENTION_NUMBER}\s*\)|[()\[\]\\]"),
        "A1111_UNESCAPE": re.compile(r"\\(.?)", re.DOTALL),
        # The common case, one comma-separated segment at a time: escaped text alone, or
        # "(escaped text:N)" whose N is the last ":number" before the ")".
        "ESCAPED_TEXT": re.compile(rf"{_UNESCAPED}(?:{_ESCAPE}{_UNESCAPED})*"),
        "WEIGHTED_TEXT": re.compile(
            rf"\((?P<text>{_UNESCAPED}(?:{_ESCAPE}{_UNESCAPED})*):\s*(?P<weight>{_PLAIN_NUMBER})\s*\)"
        ),
        # A segment holding one of these needs a closer look than a plain tag.
        "SEGMENT_SYNTAX": re.compile(r"[()\[\]<\\]"),
        # --- A1111, write ---------------------------------------------------------------
        "A1111_SPECIAL": re.compile(f"[{re.escape(A1111_SPECIAL_CHARS)}]"),
        # A "<word:" would open a network even inside brackets; so would a "<word" at the
        # end of text a weight's ":" follows. A backslash after the "<" breaks the match
        # (and the attention reader then drops it); NETWORK_ESCAPE finds it again.
        "NETWORK_START": re.compile(r"<(?=\w+:)"),
        "NETWORK_AT_END": re.compile(r"<(?=\w+$)"),
        "NETWORK_ESCAPE": re.compile(r"<\\(?=\w+:)"),
        # --- ComfyUI --------------------------------------------------------------------
        # sd1_clip.py escape_important: only "\(" and "\)"; every other backslash reaches
        # CLIP as written.
        "COMFYUI_ESCAPE": re.compile(r"\\([()])"),
        "COMFYUI_SPECIAL": re.compile(r"[()]"),
        "COMFYUI_PLACEHOLDER": re.compile("\x00[\x01\x02]"),
        # A prompt without these is one plain run to ComfyUI.
        "COMFYUI_SYNTAX": re.compile(r"[\\()\x00]"),
        # ComfyUI finds embeddings by file name, case-sensitively; the name ends where
        # ComfyUI ends it.
        "EMBEDDING": re.compile(r"(?i)(?<![^\s(])embedding:[^\s,<\[]+"),
        # --- compel ---------------------------------------------------------------------
        # Its Fragment gives back "\(", "\)" and '\"'; "\," "\." "\+" "\-" "\=" keep their
        # backslash, so they are no escape.
        "COMPEL_SPECIAL": re.compile(r'[()"]'),
        "COMPEL_ESCAPE": re.compile(r'\\([()"])'),
        # Python's whitespace ends compel's words, joined again with one space (pyparsing
        # skips only " \t\r\n" between them, so "\x0b" and "\x0c" fail the parse).
        "COMPEL_BAD_SPACING": re.compile(r"[\t\n\r\x0b\x0c]|\A | \Z|  "),
        # Its "non_syntax_word", one ordered choice at a time as pyparsing takes them: an
        # escaped syntax character, a "+"/"-" before an ordinary character, or one
        # ordinary character. The first choice that fits is kept; nothing is retried.
        "COMPEL_WORD": re.compile(
            r'(?:\\[()",.+\-=]|[+\-](?=[^ \t\r\n()",.+\-=])|[^ \t\n\r\x0b\x0c()",.+\-=])*'
        ),
        # No syntax character and single spaces between words: read back in both forms.
        "COMPEL_PLAIN": re.compile(r'[^\s\\",.+\-=]+(?: [^\s\\",.+\-=]+)*'),
        # Its first step, re.sub(r",(\S)", r", \1", prompt).
        "COMPEL_COMMA_THEN_TEXT": re.compile(r",\S"),
        "COMPEL_SIGN_RUN": re.compile(r"\++|-+"),
        # withLora() takes a LoRA name only as a bare identifier.
        "COMPEL_LORA_NAME": re.compile(r"[A-Za-z0-9_-]+"),
    }
)
"""Every rule by name: a compiled pattern each (see the module docstring)."""


def trailing_weight(text: str, begin: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """The span of the trailing ``:N`` A1111 reads as the weight of ``text[begin:end]``
    (with the whitespace before it), or None.

    Only the last colon can start it (a number holds none), so it is matched there.

    >>> trailing_weight("score:9 "), trailing_weight("16:9 girl"), trailing_weight("a :1.5")
    ((5, 8), None, (1, 6))
    """
    stop = len(text) if end is None else end
    colon = text.rfind(":", begin, stop)
    if colon < 0 or RULES["TRAILING_WEIGHT"].fullmatch(text, colon, stop) is None:
        return None
    start = colon
    while start > begin and text[start - 1].isspace():
        start -= 1
    return start, stop
