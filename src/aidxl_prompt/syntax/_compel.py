r"""What compel 2.5.1 reads back unchanged: the escape and the check its renderer uses.

compel's parser (``compel/prompt_parser.py``, pyparsing) treats these as syntax in tag text:

* a word followed by a run of ``+`` or ``-`` is a weight (``a++b`` is ``a`` at 1.21, then
  ``b``; ``a+=`` is ``a`` at 1.1, then ``=``);
* ``"`` starts a quoted fragment, ``(`` and ``)`` group, and ``\(``, ``\)``, ``\"`` are the
  escapes that give the character back (every other backslash is kept as written);
* before parsing, a space is added after every ``,`` that is followed by something other
  than whitespace;
* inside a weighted group ``(text)1.3``, ``,`` and ``.`` are separate words and ``=`` (or a
  ``+``/``-`` that is neither inside a word nor a weight) stops the group, so compel then
  reads the whole group as plain text.

Words are split at whitespace and joined again with one space, and each time compel rebuilds
a text (once per parse step, once more for each neighbour it is joined with) it deletes the
backslash of ``\(``, ``\)`` and ``\"`` again. ``scripts/compel_cases.py`` measures all this
against the real parser; ``tests/cases/compel/`` holds what it found.

>>> compel_escape('bishop (chess)')
'bishop \\(chess\\)'
>>> compel_problem(r"double \m/", weighted=False) is None
True
>>> compel_problem("a++b", weighted=False)
"compel reads '++' after a word as a weight"
"""

from __future__ import annotations

from .grammar import RULES

__all__ = ["compel_escape", "compel_problem", "compel_unescape"]

_SPECIAL = RULES["COMPEL_SPECIAL"]
_ESCAPED = RULES["COMPEL_ESCAPE"]
_WORD = RULES["COMPEL_WORD"]


def compel_escape(text: str) -> str:
    r"""Protect ``(``, ``)`` and ``"`` with a backslash, the only escapes compel undoes.

    Everything else compel either reads literally or cannot be made to (see
    :func:`compel_problem`); a backslash before ``,`` ``.`` ``+`` ``-`` ``=`` would stay in
    the text, so it is never added.

    >>> print(compel_escape('tharja ("normal girl") (fire emblem)'))
    tharja \(\"normal girl\"\) \(fire emblem\)
    >>> print(compel_escape(r"\m/"))
    \m/
    """
    return _SPECIAL.sub(r"\\\g<0>", text)


def compel_unescape(text: str) -> str:
    r"""Undo :func:`compel_escape` exactly (``compel_unescape(compel_escape(s)) == s``).

    compel itself reads ``\(`` as ``(`` the same way, but once per rebuild of the text;
    :func:`compel_problem` refuses the texts where that makes a difference.

    >>> print(compel_unescape(r'bishop \(chess\), \"hi\", \m/'))
    bishop (chess), "hi", \m/
    """
    return _ESCAPED.sub(r"\1", text)


def compel_problem(text: str, *, weighted: bool) -> str | None:
    r"""Why compel 2.5.1 would not read ``compel_escape(text)`` back as ``text``, or None.

    ``weighted`` asks about the form ``(escaped)1.3`` instead of the bare text. The answer
    holds wherever the tag stands in a prompt joined with ``", "``.

    >>> compel_problem(r"\||/", weighted=False) is None
    True
    >>> compel_problem("a+=", weighted=False)
    "compel reads '+' after a word as a weight"
    >>> compel_problem("mmm.", weighted=True)
    "compel puts spaces around '.' inside weighted parentheses"
    >>> compel_problem("a=b", weighted=True)
    "compel cannot read '=' inside weighted parentheses and keeps the group as text"
    """
    if RULES["COMPEL_PLAIN"].fullmatch(text):
        return None
    # An escape as text would lose its backslash a number of times that depends on
    # its neighbours: compel deletes them again each time it rebuilds a fragment.
    if _ESCAPED.search(text):
        return (
            "compel deletes the backslash of '\\(', '\\)' and '\\\"' each time it rebuilds the text"
        )
    problem = _whitespace_problem(text) or _comma_problem(text, weighted=weighted)
    if problem is not None:
        return problem
    if not weighted and text.isspace():
        # parse_conjunction returns an empty prompt when prompt.strip() is empty.
        return "compel reads a prompt of only whitespace as an empty prompt"
    escaped = compel_escape(text)
    return _group_problem(escaped) if weighted else _bare_problem(escaped)


def _whitespace_problem(text: str) -> str | None:
    if RULES["COMPEL_BAD_SPACING"].search(text):
        return "compel splits words at whitespace and joins them with single spaces"
    return None


def _comma_problem(text: str, *, weighted: bool) -> str | None:
    if RULES["COMPEL_COMMA_THEN_TEXT"].search(text):
        return "compel adds a space after a ',' that is followed by text"
    if not weighted and text.endswith(","):
        return "compel adds a space between a final ',' and the ', ' after the tag"
    return None


def _word_end(text: str, start: int) -> int:
    """Where compel's ``non_syntax_word`` starting at ``start`` ends (``start`` if empty)."""
    found = _WORD.match(text, start)
    return found.end() if found else start


def _weight_suffix(text: str, index: int) -> str:
    """The reason for a '+'/'-' run compel reads as a weight at ``index``."""
    found = RULES["COMPEL_SIGN_RUN"].match(text, index)
    signs = found.group() if found else text[index]
    return f"compel reads {signs!r} after a word as a weight"


def _bare_problem(escaped: str) -> str | None:
    # compel tries its weight syntax only where a word starts (after whitespace); a word
    # that does not end in a weight is then taken whole, whatever it holds.
    for word in escaped.split(" "):
        end = _word_end(word, 0)
        if 0 < end < len(word) and word[end] in "+-":
            return _weight_suffix(word, end)
    return None


def _group_problem(escaped: str) -> str | None:
    # Inside "( ... )" compel reads words, "," and "." one by one and joins them with
    # single spaces; the group must close right where ours does.
    if not escaped:
        return "compel reads an empty group '()' as no prompt at all"
    group = escaped + ")"
    index = 0
    previous_end = -1
    while index < len(escaped):
        if group[index] == " ":
            index += 1
            continue
        end = _word_end(group, index)
        if end > index:
            if end < len(group) and group[end] in "+-":
                return _weight_suffix(group, end)
            if end > len(escaped):
                return "a final backslash escapes the closing parenthesis of the group"
        elif group[index] in ",.":
            end = index + 1
        else:
            char = group[index]
            what = "'='" if char == "=" else f"a lone {char!r}"
            return (
                f"compel cannot read {what} inside weighted parentheses and keeps the group as text"
            )
        if previous_end == index:
            separator = group[index] if group[index] in ",." else group[previous_end - 1]
            return f"compel puts spaces around {separator!r} inside weighted parentheses"
        previous_end = end
        index = end
    return None
