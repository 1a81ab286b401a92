"""Small re-statements of the upstream parsers' documented behaviour, used as test oracles.

They follow ``../shared/reference/dialects.md`` step by step and are deliberately naive
(quadratic, recursive): they exist to be obviously right on short inputs, so the real
parser can be compared with them on random ones.
"""

from __future__ import annotations

import re

_ATTENTION = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()\[\]:]+|:"
)
_BREAK = re.compile(r"\s*\bBREAK\b\s*")


def a1111_attention(text: str) -> list[tuple[str, float]]:
    """A1111's emphasis reading (dialects.md 2.1-2.5): runs of (text, weight)."""
    runs: list[list[object]] = []
    round_open: list[int] = []
    square_open: list[int] = []

    def scale(start: int, factor: float) -> None:
        for run in runs[start:]:
            run[1] = float(run[1]) * factor  # type: ignore[arg-type]

    for match in _ATTENTION.finditer(text):
        token, weight = match.group(0), match.group(1)
        if token.startswith("\\"):
            runs.append([token[1:], 1.0])
        elif token == "(":
            round_open.append(len(runs))
        elif token == "[":
            square_open.append(len(runs))
        elif weight is not None and round_open:
            scale(round_open.pop(), float(weight))
        elif token == ")" and round_open:
            scale(round_open.pop(), 1.1)
        elif token == "]" and square_open:
            scale(square_open.pop(), 1 / 1.1)
        else:
            for index, part in enumerate(_BREAK.split(token)):
                if index:
                    runs.append(["BREAK", -1.0])
                runs.append([part, 1.0])
    for start in round_open:
        scale(start, 1.1)
    for start in square_open:
        scale(start, 1 / 1.1)
    merged: list[list[object]] = []
    for run in runs:
        if merged and merged[-1][1] == run[1]:
            merged[-1][0] = str(merged[-1][0]) + str(run[0])
        else:
            merged.append(list(run))
    return [(str(text_), float(weight)) for text_, weight in merged]  # type: ignore[arg-type]


def comfyui_weights(text: str) -> list[tuple[str, float]]:
    """ComfyUI's ``token_weights`` reading (dialects.md 3): runs of (text, weight)."""
    work = text.replace("\\)", "\0\1").replace("\\(", "\0\2")

    def items(string: str) -> list[str]:
        result: list[str] = []
        current = ""
        level = 0
        for char in string:
            if char == "(":
                if level == 0:
                    if current:
                        result.append(current)
                    current = "("
                else:
                    current += char
                level += 1
            elif char == ")":
                level -= 1
                if level == 0:
                    result.append(current + ")")
                    current = ""
                else:
                    current += char
            else:
                current += char
        if current:
            result.append(current)
        return result

    def weigh(string: str, weight: float) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        for item in items(string):
            inner_weight = weight
            if len(item) >= 2 and item[0] == "(" and item[-1] == ")":
                inner = item[1:-1]
                colon = inner.rfind(":")
                inner_weight *= 1.1
                if colon > 0:
                    try:
                        inner_weight = float(inner[colon + 1 :])
                        inner = inner[:colon]
                    except ValueError:
                        pass
                out += weigh(inner, inner_weight)
            else:
                out.append((item, weight))
        return out

    return [
        (part.replace("\0\1", ")").replace("\0\2", "("), weight)
        for part, weight in weigh(work, 1.0)
    ]
